import EAP
import Foundation
import TLS

/// The lab's PKI in miniature, made once per test process with the `openssl` CLI (EC P-256):
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
    let directory: String

    func path(_ name: String) -> String { directory + "/" + name }

    private static let shared: Result<DiagnosisPKI, PKIError> = Result { () throws(PKIError) in try generate() }

    static func get() throws -> DiagnosisPKI { try shared.get() }

    struct PKIError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func generate() throws(PKIError) -> DiagnosisPKI {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("npsprobe-diag-\(UUID().uuidString)")
            .path
        do {
            try FileManager.default.createDirectory(atPath: dir + "/newcerts", withIntermediateDirectories: true)
            for name in ["index.txt", "rogue-index.txt", "retired-index.txt"] {
                try Data().write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
            }
            try Data("3000\n".utf8).write(to: URL(fileURLWithPath: dir + "/serial"))
            try Data("01\n".utf8).write(to: URL(fileURLWithPath: dir + "/crlnumber"))
            try Data(config(dir).utf8).write(to: URL(fileURLWithPath: dir + "/ca.cnf"))
        } catch {
            throw PKIError(message: "cannot prepare \(dir): \(error)")
        }
        let pki = DiagnosisPKI(directory: dir)
        try pki.build()
        return pki
    }

    private func build() throws(PKIError) {
        try selfSigned("root", subject: "/CN=Diag Root CA")
        try selfSigned("rogue", subject: "/CN=Rogue CA")
        try issue("issuing", subject: "/CN=Diag Issuing CA", ca: "root_ca", extensions: "ca_ext")
        try issue("retired", subject: "/CN=Diag Retired Issuing CA", ca: "root_ca", extensions: "ca_ext")

        try issue("server", subject: "/CN=\(Self.serverName)", ca: "issuing_ca", extensions: "server_ext")
        try issue("server-expired", subject: "/CN=\(Self.serverName)", ca: "issuing_ca", extensions: "server_ext",
                  dates: ("20200101000000Z", "20210101000000Z"))
        try issue("server-noeku", subject: "/CN=\(Self.serverName)", ca: "issuing_ca", extensions: "noeku_server_ext")
        try issue("server-rogue", subject: "/CN=\(Self.serverName)", ca: "rogue_ca", extensions: "server_ext")
        try issue("server-revoked", subject: "/CN=\(Self.serverName)", ca: "issuing_ca", extensions: "server_ext")
        try issue("server-critical", subject: "/CN=\(Self.serverName)", ca: "issuing_ca",
                  extensions: "critical_server_ext")

        try issue("alice", subject: "/CN=alice@diag.test", ca: "issuing_ca", extensions: "client_ext")
        try issue("carol", subject: "/CN=carol@diag.test", ca: "issuing_ca", extensions: "client_ext",
                  dates: ("20200101000000Z", "20210101000000Z"))
        try issue("dave", subject: "/CN=dave@diag.test", ca: "issuing_ca", extensions: "client_ext")
        try issue("erin", subject: "/CN=erin@diag.test", ca: "issuing_ca", extensions: "noeku_client_ext")
        try issue("frank", subject: "/CN=frank@diag.test", ca: "retired_ca", extensions: "client_ext")
        try issue("mallory", subject: "/CN=mallory@diag.test", ca: "rogue_ca", extensions: "client_ext")
        try issue("gina", subject: "/CN=gina@diag.test", ca: "issuing_ca", extensions: "client_ext",
                  dates: ("20990101000000Z", "21000101000000Z"))

        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "issuing_ca", "-revoke", "dave.pem",
                    "-crl_reason", "keyCompromise")
        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "issuing_ca", "-revoke", "server-revoked.pem",
                    "-crl_reason", "superseded")
        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "issuing_ca", "-gencrl", "-out", "issuing.crl")
        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "rogue_ca", "-gencrl", "-out", "rogue.crl")

        try concatenate(["issuing.pem", "root.pem"], into: "ca-chain.pem")
        try concatenate(["issuing.pem", "retired.pem", "root.pem"], into: "ntauth-chain.pem")
        for server in ["server", "server-expired", "server-noeku", "server-critical", "server-revoked"] {
            try concatenate(["\(server).pem", "issuing.pem"], into: "\(server)-chain.pem")
        }
        try concatenate(["server-rogue.pem", "rogue.pem"], into: "server-rogue-chain.pem")
        // The server's certificate without its issuing CA: clients cannot build the chain.
        try concatenate(["server.pem"], into: "server-leaf-chain.pem")
        try concatenate(["server.key"], into: "server-leaf.key")
        // A client chain large enough to need IP fragments: leaf, issuing CA and root.
        try concatenate(["alice.pem", "issuing.pem", "root.pem"], into: "alice-full.pem")
        try concatenate(["alice.key"], into: "alice-full.key")
    }

    private func selfSigned(_ name: String, subject: String) throws(PKIError) {
        try openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "3650", "-subj", subject,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    }

    private func issue(_ name: String, subject: String, ca: String, extensions: String,
                       dates: (String, String)? = nil) throws(PKIError) {
        try openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject)
        var args = ["ca", "-batch", "-config", "ca.cnf", "-name", ca, "-in", "\(name).csr", "-out", "\(name).pem",
                    "-extensions", extensions, "-notext"]
        if let dates { args += ["-startdate", dates.0, "-enddate", dates.1] } else { args += ["-days", "365"] }
        try openssl(args)
    }

    private func concatenate(_ parts: [String], into name: String) throws(PKIError) {
        var data = Data()
        for part in parts {
            guard let bytes = FileManager.default.contents(atPath: path(part)) else {
                throw PKIError(message: "missing \(part)")
            }
            data += bytes
        }
        do { try data.write(to: URL(fileURLWithPath: path(name))) } catch {
            throw PKIError(message: "cannot write \(name): \(error)")
        }
    }

    private func openssl(_ args: String...) throws(PKIError) { try openssl(args) }

    private func openssl(_ args: [String]) throws(PKIError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch { throw PKIError(message: "cannot run openssl: \(error)") }
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(message: "openssl \(args.joined(separator: " ")) failed: "
                           + String(decoding: errors, as: UTF8.self))
        }
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

    private static func config(_ dir: String) -> String {
        func ca(_ name: String, _ certificate: String, index: String = "index.txt") -> String {
            """
            [ \(name) ]
            dir = \(dir)
            database = $dir/\(index)
            new_certs_dir = $dir/newcerts
            serial = $dir/serial
            crlnumber = $dir/crlnumber
            default_md = sha256
            default_crl_days = 3650
            policy = policy_any
            unique_subject = no
            copy_extensions = none
            certificate = $dir/\(certificate).pem
            private_key = $dir/\(certificate).key

            """
        }
        return ca("root_ca", "root") + ca("issuing_ca", "issuing")
            + ca("retired_ca", "retired", index: "retired-index.txt")
            + ca("rogue_ca", "rogue", index: "rogue-index.txt") + """
            [ policy_any ]
            commonName = supplied

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

            [ client_ext ]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = clientAuth

            [ noeku_client_ext ]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature

            """
    }
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
