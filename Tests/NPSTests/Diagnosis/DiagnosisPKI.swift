import TLSTestSupport
import EAP
import Foundation
import LabSupport
import TLS

/// The lab's PKI in miniature, made once per test process with the `openssl` CLI (`TestPKIBuilder`, EC P-256):
///
///     Diag Root CA ─┬─ Diag Issuing CA ─┬─ server (serverAuth, DNS radius.diag.test), server-expired,
///                   │                   │  server-noeku
///                   │                   └─ alice (clientAuth), carol (expired), dave (revoked in issuing.crl),
///                   │                      erin (no EKU), gina (not valid before 2099)
///                   └─ Diag Retired Issuing CA ── frank (clientAuth)
///     Rogue CA ─── mallory (clientAuth), server-rogue            (server-revoked is in issuing.crl too)
///
/// Servers trust `ca-chain.pem` (issuing + root); the NTAuth-like server also trusts the retired CA.
struct DiagnosisPKI: Sendable {
    static let serverName = "radius.diag.test"
    let files: TestPKIBuilder

    func path(_ name: String) -> String { files.path(name) }

    private static let shared = Result { () throws(TestPKIError) in DiagnosisPKI(files: try generate()) }

    static func get() throws -> DiagnosisPKI { try shared.get() }

    private static func generate() throws(TestPKIError) -> TestPKIBuilder {
        let pki = try TestPKIBuilder(label: "diag", certificateAuthorities: ["root", "issuing", "retired", "rogue"],
                                     extensions: extensions, crlDays: 3650)
        try pki.makeRoot("root", subject: "/CN=Diag Root CA")
        try pki.makeRoot("rogue", subject: "/CN=Rogue CA")
        try pki.issue("issuing", subject: "/CN=Diag Issuing CA", by: "root", extensions: "ca_ext")
        try pki.issue("retired", subject: "/CN=Diag Retired Issuing CA", by: "root", extensions: "ca_ext")

        let server = "/CN=\(serverName)"
        let expired = TestPKIBuilder.Validity.dates(notBefore: "20200101000000Z", notAfter: "20210101000000Z")
        try pki.issue("server", subject: server, by: "issuing", extensions: "server_ext")
        try pki.issue("server-expired", subject: server, by: "issuing", extensions: "server_ext", validity: expired)
        try pki.issue("server-noeku", subject: server, by: "issuing", extensions: "noeku_server_ext")
        try pki.issue("server-rogue", subject: server, by: "rogue", extensions: "server_ext")
        try pki.issue("server-revoked", subject: server, by: "issuing", extensions: "server_ext")
        try pki.issue("server-critical", subject: server, by: "issuing", extensions: "critical_server_ext")

        try pki.issue("alice", subject: "/CN=alice@diag.test", by: "issuing", extensions: "client_ext")
        try pki.issue("carol", subject: "/CN=carol@diag.test", by: "issuing", extensions: "client_ext",
                      validity: expired)
        try pki.issue("dave", subject: "/CN=dave@diag.test", by: "issuing", extensions: "client_ext")
        try pki.issue("erin", subject: "/CN=erin@diag.test", by: "issuing", extensions: "noeku_client_ext")
        try pki.issue("frank", subject: "/CN=frank@diag.test", by: "retired", extensions: "client_ext")
        try pki.issue("mallory", subject: "/CN=mallory@diag.test", by: "rogue", extensions: "client_ext")
        try pki.issue("ivan", subject: "/CN=ivan@diag.test", by: "issuing", extensions: "nosid_client_ext")
        try pki.issue("gina", subject: "/CN=gina@diag.test", by: "issuing", extensions: "client_ext",
                      validity: .dates(notBefore: "20990101000000Z", notAfter: "21000101000000Z"))

        try pki.revoke("dave", by: "issuing", reason: "keyCompromise")
        try pki.revoke("server-revoked", by: "issuing", reason: "superseded")
        try pki.generateCRL(of: "issuing", into: "issuing.crl")
        try pki.generateCRL(of: "rogue", into: "rogue.crl")

        try pki.concatenate(["issuing.pem", "root.pem"], into: "ca-chain.pem")
        try pki.concatenate(["issuing.pem", "retired.pem", "root.pem"], into: "ntauth-chain.pem")
        for server in ["server", "server-expired", "server-noeku", "server-critical", "server-revoked"] {
            try pki.concatenate(["\(server).pem", "issuing.pem"], into: "\(server)-chain.pem")
        }
        try pki.concatenate(["server-rogue.pem", "rogue.pem"], into: "server-rogue-chain.pem")
        // The server's certificate without its issuing CA: clients cannot build the chain.
        try pki.concatenate(["server.pem"], into: "server-leaf-chain.pem")
        try pki.concatenate(["server.key"], into: "server-leaf.key")
        // A client chain large enough to need IP fragments: leaf, issuing CA and root.
        try pki.concatenate(["alice.pem", "issuing.pem", "root.pem"], into: "alice-full.pem")
        try pki.concatenate(["alice.key"], into: "alice-full.key")
        return pki
    }

    // MARK: - Contexts

    func credentials(_ name: String) throws -> TLSCredentials {
        try TLSCredentials.pem(certificateFile: path("\(name).pem"), keyFile: path("\(name).key"), keyPassword: nil)
    }

    /// The pre-flight of a client certificate, as the CLI runs it: against the root, with the issuing CA's CRL.
    func preflight(_ name: String) throws -> [PreflightFinding] {
        CertificatePreflight.check(credentials: try credentials(name), trustedCAFile: path("ca-chain.pem"),
                                   crlFile: path("issuing.crl"))
    }

    /// A Windows-like client: trusts `trust`, requires the server name, TLS 1.2 unless told otherwise.
    func client(_ name: String?, trust: String = "root.pem", names: [String] = [DiagnosisPKI.serverName],
                crl: String? = nil, version: TLSVersion = .tls1_2, maxVersion: TLSVersion? = nil) throws
        -> TLSClientContext
    {
        try TLSClientContext(TLSClientConfiguration(
            credentials: try name.map(credentials),
            validation: TLSServerValidation(trustedCAFile: path(trust), acceptedServerNames: names,
                                            crlFile: crl.map(path)),
            minimumVersion: version, maximumVersion: maxVersion ?? version))
    }

    /// A server with `certificate`; `clientCAs` (a file of CAs it accepts, named in its CertificateRequest)
    /// makes it ask for and require a client certificate; `crl` (a CRL file) checks them.
    func server(_ certificate: String = "server", clientCAs: String? = nil, crl: String? = nil,
                version: TLSVersion = .tls1_2, maxVersion: TLSVersion? = nil) throws -> TLSServerContext {
        let chain = try TLSCredentials.pem(certificateFile: path("\(certificate)-chain.pem"),
                                           keyFile: path("\(certificate).key"), keyPassword: nil)
        return try TLSServerContext(TLSServerConfiguration(
            credentials: chain, clientCAFile: clientCAs.map(path), requestClientCertificate: clientCAs != nil,
            requireClientCertificate: clientCAs != nil, minimumVersion: version, maximumVersion: maxVersion ?? version,
            crlFile: crl.map(path)))
    }

    /// The SID every client certificate but ivan's carries.
    static let sid = "S-1-5-21-2000000001-2000000002-2000000003-1104"

    private static let sidExtension = TestPKIBuilder.sidExtension("sid", value: "OCTETSTRING:\(sid)")

    private static let extensions = """
        [ ca_ext ]
        basicConstraints = critical, CA:TRUE, pathlen:0
        keyUsage = critical, keyCertSign, cRLSign

        [ server_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:\(serverName)

        [ critical_server_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:\(serverName)
        1.3.6.1.4.1.55555.1 = critical, ASN1:NULL

        [ noeku_server_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        subjectAltName = DNS:\(serverName)

        # Client certificates carry the account's SID (KB5014754) as AD CS online templates write it; ivan's not.
        [ client_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth
        \(sidExtension.line)
        \(sidExtension.sections)

        [ nosid_client_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth

        [ noeku_client_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        \(sidExtension.line)
        """
}

extension EAPPeerConfiguration {
    static func eapTLS(_ context: TLSClientContext, identity: String, fragmentSize: Int = 1403)
        -> EAPPeerConfiguration
    {
        EAPPeerConfiguration(identity: identity, method: .tls(context, resuming: nil), fragmentSize: fragmentSize)
    }

    static func peapMSCHAPv2(_ outer: TLSClientContext, user: String, password: String,
                             cryptoBinding: CryptoBindingPolicy = .optional) -> EAPPeerConfiguration {
        EAPPeerConfiguration(identity: "anonymous", method: .peap(PEAPConfiguration(
            outer: outer, innerIdentity: user,
            inner: .mschapv2(MSCHAPv2Credentials(username: user, password: password)), cryptoBinding: cryptoBinding)))
    }

    static func peapTLS(_ outer: TLSClientContext, inner: TLSClientContext, identity: String) -> EAPPeerConfiguration {
        EAPPeerConfiguration(identity: "anonymous", method: .peap(PEAPConfiguration(
            outer: outer, innerIdentity: identity, inner: .tls(inner))))
    }
}
