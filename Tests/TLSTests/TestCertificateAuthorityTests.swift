import TLSTestSupport
import Foundation
import Testing
import TLS

/// The in-memory CA other targets' tests use instead of files.
@Suite struct TestCertificateAuthorityTests {
    static func contexts(
        _ ca: TLSTestCertificateAuthority, server: TLSCredentials, version: TLSVersion
    ) throws -> (TLSClientContext, TLSServerContext) {
        let client = try ca.issue(commonName: "alice", extendedKeyUsages: ["clientAuth"])
        let clientContext = try TLSClientContext(TLSClientConfiguration(
            credentials: client,
            validation: TLSServerValidation(acceptedServerNames: ["radius.lab.example"],
                                            trustedCAPEM: ca.certificatePEM),
            minimumVersion: version, maximumVersion: version))
        let serverContext = try TLSServerContext(TLSServerConfiguration(
            credentials: server, requireClientCertificate: true, minimumVersion: version, maximumVersion: version,
            clientCAPEM: ca.certificatePEM))
        return (clientContext, serverContext)
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func inMemoryPKIHandshake(version: TLSVersion) throws {
        let ca = try TLSTestCertificateAuthority()
        #expect(ca.certificate.isCA && ca.certificate.subject == "CN=npsprobe Test Root,O=Lab")
        #expect(String(decoding: ca.certificatePEM, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
        let server = try ca.issue(commonName: "radius.lab.example", dnsNames: ["radius.lab.example"],
                                  extendedKeyUsages: ["serverAuth"])
        #expect(server.certificate.issuer == ca.certificate.subject)
        #expect(server.certificate.subjectAlternativeNames == ["DNS:radius.lab.example"])
        #expect(server.certificate.extendedKeyUsages == ["serverAuth"])
        #expect(server.certificate.keyType == "EC" && !server.certificate.isCA)

        let (clientContext, serverContext) = try Self.contexts(ca, server: server, version: version)
        let client = try clientContext.makeSession()
        let serverSession = try serverContext.makeSession()
        let result = converse(client, serverSession)
        #expect(result.client.isEstablished, "\(String(describing: result.clientError))")
        #expect(result.server?.isEstablished == true)
        #expect(client.evidence.acceptableClientCAs == ["CN=npsprobe Test Root,O=Lab"])
        #expect(serverSession.evidence.clientCertificateSent?.commonName == "alice")
        #expect(try client.eapKeyMaterial(eapType: 13) == serverSession.eapKeyMaterial(eapType: 13))
        let bob = try ca.issue(commonName: "bob", extendedKeyUsages: ["clientAuth"])
        // Nothing but the strong-mapping warning: the in-memory CA writes no SID extension.
        #expect(CertificatePreflight.check(credentials: bob, trustedCAFile: nil).map(\.kind) == [.notStronglyMapped])
    }

    @Test func expiredAndEKUlessCertificates() throws {
        let ca = try TLSTestCertificateAuthority()
        let expired = try ca.issue(commonName: "radius.lab.example", dnsNames: ["radius.lab.example"],
                                   extendedKeyUsages: ["serverAuth"],
                                   notBefore: Date(timeIntervalSince1970: 1_577_836_800),  // 2020-01-01
                                   notAfter: Date(timeIntervalSince1970: 1_609_459_200))  // 2021-01-01
        let (c1, s1) = try Self.contexts(ca, server: expired, version: .tls1_2)
        let client1 = try c1.makeSession()
        _ = converse(client1, try s1.makeSession())
        #expect(client1.evidence.serverValidationFailure?.kind == .expired)
        #expect(client1.evidence.serverValidationFailure?.detail.contains("2021-01-01T00:00:00Z") == true)

        let noEKU = try ca.issue(commonName: "radius.lab.example", dnsNames: ["radius.lab.example"])
        #expect(!noEKU.certificate.hasExtendedKeyUsageExtension)
        let (c2, s2) = try Self.contexts(ca, server: noEKU, version: .tls1_3)
        let client2 = try c2.makeSession()
        _ = converse(client2, try s2.makeSession())
        #expect(client2.evidence.serverValidationFailure?.kind == .missingServerAuthEKU)
    }

    @Test func anotherCAIsNotTrusted() throws {
        let ca = try TLSTestCertificateAuthority()
        let stranger = try TLSTestCertificateAuthority(commonName: "Stranger Root")
        let server = try stranger.issue(commonName: "radius.lab.example", dnsNames: ["radius.lab.example"],
                                        extendedKeyUsages: ["serverAuth"])
        let (clientContext, serverContext) = try Self.contexts(ca, server: server, version: .tls1_2)
        let client = try clientContext.makeSession()
        let result = converse(client, try serverContext.makeSession())
        #expect(result.clientError?.code == .serverValidation)
        // The stranger's leaf was sent alone and its issuer is unknown.
        #expect(client.evidence.serverValidationFailure?.kind == .incompleteChain)
        #expect(client.evidence.serverValidationFailure?.detail.contains("Stranger Root") == true)
    }

    @Test func pemCredentialsFromMemory() throws {
        let pki = try TestPKI.get()
        func read(_ name: String) throws -> [UInt8] {
            try #require(FileManager.default.contents(atPath: pki.path(name))).map { $0 }
        }
        let credentials = try TLSCredentials.pem(certificatePEM: read("alice-chain.pem"), keyPEM: read("alice.key"),
                                                 keyPassword: nil)
        #expect(credentials.certificate.commonName == "alice" && credentials.chain.count == 1)
        let combined = try TLSCredentials.pem(certificatePEM: read("alice-combined.pem"), keyPEM: nil,
                                              keyPassword: nil, source: "profile alice")
        #expect(combined.source == "profile alice")
        #expect {
            try TLSCredentials.pem(certificatePEM: read("alice.pem"), keyPEM: read("bob.key"), keyPassword: nil)
        } throws: { ($0 as? TLSError)?.code == .credentials }
        #expect { try TLSCredentials.pem(certificatePEM: Array("junk".utf8), keyPEM: nil, keyPassword: nil) }
            throws: { ($0 as? TLSError)?.code == .credentials }
    }
}
