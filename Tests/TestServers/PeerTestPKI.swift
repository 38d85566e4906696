import TLSTestSupport
import Foundation
import TLS

/// Certificates made in memory once per test process: a root CA and what it issues, and an unrelated rogue CA.
public struct PeerTestPKI: Sendable {
    public static let serverName = "radius.peer.test"

    public let ca: TLSTestCertificateAuthority
    public let rogueCA: TLSTestCertificateAuthority
    public let server: TLSCredentials
    public let client: TLSCredentials
    public let innerClient: TLSCredentials
    /// Issued by the rogue CA: a server trusting only `ca` refuses it.
    public let rogueClient: TLSCredentials

    private static let shared = Result { try PeerTestPKI() }

    public static func get() throws -> PeerTestPKI { try shared.get() }

    private init() throws {
        ca = try TLSTestCertificateAuthority(commonName: "Peer Test Root")
        rogueCA = try TLSTestCertificateAuthority(commonName: "Rogue Root")
        server = try ca.issue(commonName: Self.serverName, dnsNames: [Self.serverName],
                              extendedKeyUsages: ["serverAuth"])
        client = try ca.issue(commonName: "alice@peer.test", extendedKeyUsages: ["clientAuth"])
        innerClient = try ca.issue(commonName: "bob@peer.test", extendedKeyUsages: ["clientAuth"])
        rogueClient = try rogueCA.issue(commonName: "mallory@peer.test", extendedKeyUsages: ["clientAuth"])
    }

    /// A client context trusting `ca` and requiring the server's name (like Windows "Connect to these servers").
    public func clientContext(credentials: TLSCredentials? = nil, version: TLSVersion = .tls1_2,
                       maxVersion: TLSVersion? = nil, names: [String] = [PeerTestPKI.serverName],
                       resumption: Bool = false) throws -> TLSClientContext {
        try TLSClientContext(TLSClientConfiguration(
            credentials: credentials,
            validation: TLSServerValidation(acceptedServerNames: names, trustedCAPEM: ca.certificatePEM),
            minimumVersion: version, maximumVersion: maxVersion ?? version, sessionResumption: resumption))
    }

    /// A server context; `requireClientCertificate` asks for (and requires) a certificate issued by `ca`.
    public func serverContext(version: TLSVersion = .tls1_2, maxVersion: TLSVersion? = nil,
                       requireClientCertificate: Bool) throws -> TLSServerContext {
        try TLSServerContext(TLSServerConfiguration(
            credentials: server, requireClientCertificate: requireClientCertificate, minimumVersion: version,
            maximumVersion: maxVersion ?? version,
            clientCAPEM: requireClientCertificate ? ca.certificatePEM : nil))
    }
}
