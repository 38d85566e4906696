import Foundation

/// A throwaway PKI made with the `openssl` CLI in a temporary directory, once per test process.
///
///     Test Root (RSA) ── Test Issuing CA (EC P-256) ─┬─ server-rsa, server-ec   (serverAuth, DNS SAN)
///                                                    ├─ server-noeku, server-cn-only, server-expired
///                                                    ├─ server-revoked (in issuing.crl)
///                                                    ├─ alice (RSA, clientAuth, UPN + email SANs), bob (EC)
///                                                    └─ weak (RSA-1024, clientAuth)
///     Other Root (EC) ── mallory (clientAuth), server-other (serverAuth)
struct TestPKI: Sendable {
    let directory: String

    func path(_ name: String) -> String { directory + "/" + name }

    static let shared: Result<TestPKI, TestPKIError> = Result { () throws(TestPKIError) in try TestPKI.generate() }

    static func get() throws -> TestPKI { try shared.get() }

    static let serverName = "radius.lab.example"
    static let keyPassword = "s3cret-key"
    static let p12Password = "p12-pass"

    private static func generate() throws(TestPKIError) -> TestPKI {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("npsprobe-tls-\(UUID().uuidString)")
        let dir = base.path
        do {
            try FileManager.default.createDirectory(atPath: dir + "/newcerts", withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: dir + "/index.txt"))
            try Data().write(to: URL(fileURLWithPath: dir + "/other-index.txt"))
            try Data("1000\n".utf8).write(to: URL(fileURLWithPath: dir + "/serial"))
            try Data("01\n".utf8).write(to: URL(fileURLWithPath: dir + "/crlnumber"))
            try Data(caConfig(dir).utf8).write(to: URL(fileURLWithPath: dir + "/ca.cnf"))
        } catch {
            throw TestPKIError(message: "cannot prepare \(dir): \(error)")
        }
        let pki = TestPKI(directory: dir)
        try pki.build()
        return pki
    }

    private func build() throws(TestPKIError) {
        // Roots.
        try openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                    "-days", "3650", "-subj", "/O=Lab/CN=npsprobe Test Root", "-sha256",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        try openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "other-root.key", "-out", "other-root.pem", "-days", "3650",
                    "-subj", "/O=Elsewhere/CN=Other Root",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        // Issuing CA under the root.
        try request("issuing", key: .ec, subject: "/O=Lab/CN=npsprobe Test Issuing CA")
        try sign("issuing", ca: "root_ca", extensions: "issuing_ext", days: "3000")

        // Servers under the issuing CA.
        try request("server-rsa", key: .rsa2048, subject: "/O=Lab/CN=\(Self.serverName)")
        try sign("server-rsa", ca: "issuing_ca", extensions: "server_ext")
        try request("server-ec", key: .ec, subject: "/O=Lab/CN=\(Self.serverName)")
        try sign("server-ec", ca: "issuing_ca", extensions: "server_ext")
        try request("server-noeku", key: .ec, subject: "/O=Lab/CN=\(Self.serverName)")
        try sign("server-noeku", ca: "issuing_ca", extensions: "server_noeku_ext")
        try request("server-cn-only", key: .ec, subject: "/O=Lab/CN=cnonly.lab.example")
        try sign("server-cn-only", ca: "issuing_ca", extensions: "server_cn_only_ext")
        try request("server-expired", key: .ec, subject: "/O=Lab/CN=\(Self.serverName)")
        try sign("server-expired", ca: "issuing_ca", extensions: "server_ext",
                 dates: ("20200101000000Z", "20210101000000Z"))
        try request("server-revoked", key: .ec, subject: "/O=Lab/CN=\(Self.serverName)")
        try sign("server-revoked", ca: "issuing_ca", extensions: "server_ext")
        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "issuing_ca", "-revoke", "server-revoked.pem")
        try openssl("ca", "-batch", "-config", "ca.cnf", "-name", "issuing_ca", "-gencrl", "-out", "issuing.crl")

        // Clients.
        try request("alice", key: .rsa2048, subject: "/O=Lab/CN=alice")
        try sign("alice", ca: "issuing_ca", extensions: "client_alice_ext")
        try request("bob", key: .ec, subject: "/O=Lab/CN=bob")
        try sign("bob", ca: "issuing_ca", extensions: "client_ext")
        try request("weak", key: .rsa1024, subject: "/O=Lab/CN=weak")
        try sign("weak", ca: "issuing_ca", extensions: "client_ext")
        try request("mallory", key: .ec, subject: "/O=Elsewhere/CN=mallory")
        try sign("mallory", ca: "other_ca", extensions: "client_ext")
        try request("server-other", key: .ec, subject: "/O=Elsewhere/CN=\(Self.serverName)")
        try sign("server-other", ca: "other_ca", extensions: "server_ext")

        // Chains as a server or client sends them: leaf + issuing CA.
        for name in ["server-rsa", "server-ec", "server-noeku", "server-cn-only", "server-expired", "server-revoked",
                     "alice", "bob", "weak"] {
            try concatenate(["\(name).pem", "issuing.pem"], into: "\(name)-chain.pem")
        }
        try concatenate(["mallory.pem", "other-root.pem"], into: "mallory-chain.pem")
        try concatenate(["server-other.pem", "other-root.pem"], into: "server-other-chain.pem")
        try concatenate(["alice-chain.pem", "alice.key"], into: "alice-combined.pem")

        // Encrypted keys: PKCS#8 (AES-256) and traditional PEM ("Proc-Type: 4,ENCRYPTED").
        try openssl("pkcs8", "-topk8", "-in", "alice.key", "-out", "alice-pkcs8-enc.key", "-v2", "aes-256-cbc",
                    "-passout", "pass:\(Self.keyPassword)")
        try openssl("rsa", "-in", "alice.key", "-out", "alice-trad-enc.key", "-aes256", "-traditional",
                    "-passout", "pass:\(Self.keyPassword)")
        try openssl("ec", "-in", "bob.key", "-out", "bob-trad-enc.key", "-aes128",
                    "-passout", "pass:\(Self.keyPassword)")

        // PKCS#12: modern (AES) and legacy (RC2-40 + 3DES, as older Windows exports are).
        try concatenate(["root.pem", "issuing.pem"], into: "root-then-issuing.pem")
        try openssl("pkcs12", "-export", "-inkey", "alice.key", "-in", "alice.pem",
                    "-certfile", "root-then-issuing.pem", "-passout", "pass:\(Self.p12Password)", "-out", "alice.p12")
        try openssl("pkcs12", "-export", "-legacy", "-inkey", "alice.key", "-in", "alice.pem",
                    "-certfile", "issuing.pem", "-passout", "pass:\(Self.p12Password)", "-out", "alice-legacy.p12")

        // Garbage.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do {
            try Data(noise).write(to: URL(fileURLWithPath: path("garbage.bin")))
            try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".utf8)
                .write(to: URL(fileURLWithPath: path("garbage.pem")))
            try Data().write(to: URL(fileURLWithPath: path("empty.pem")))
            try FileManager.default.createDirectory(atPath: path("empty-dir"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: path("ca-dir"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path("root.pem"), toPath: path("ca-dir/any-name.crt"))
            try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: path("ca-dir/README")))
        } catch {
            throw TestPKIError(message: "cannot write fixtures: \(error)")
        }
    }

    enum KeyKind { case rsa2048, rsa1024, ec }

    private func request(_ name: String, key: KeyKind, subject: String) throws(TestPKIError) {
        var args = ["req", "-new", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject]
        switch key {
        case .rsa2048: args += ["-newkey", "rsa:2048"]
        case .rsa1024: args += ["-newkey", "rsa:1024"]
        case .ec: args += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        }
        try openssl(args)
    }

    private func sign(_ name: String, ca: String, extensions: String, days: String = "365",
                      dates: (String, String)? = nil) throws(TestPKIError) {
        var args = ["ca", "-batch", "-config", "ca.cnf", "-name", ca, "-in", "\(name).csr", "-out", "\(name).pem",
                    "-extensions", extensions, "-notext"]
        if let dates { args += ["-startdate", dates.0, "-enddate", dates.1] } else { args += ["-days", days] }
        try openssl(args)
    }

    private func concatenate(_ parts: [String], into name: String) throws(TestPKIError) {
        var data = Data()
        for part in parts {
            guard let bytes = FileManager.default.contents(atPath: path(part)) else {
                throw TestPKIError(message: "missing \(part)")
            }
            data += bytes
        }
        do { try data.write(to: URL(fileURLWithPath: path(name))) } catch {
            throw TestPKIError(message: "cannot write \(name): \(error)")
        }
    }

    func openssl(_ args: String...) throws(TestPKIError) { try openssl(args) }

    /// Runs `openssl ARGS` in the PKI directory; returns stdout.
    @discardableResult
    func openssl(_ args: [String]) throws(TestPKIError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw TestPKIError(message: "cannot run openssl: \(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPKIError(message: "openssl \(args.joined(separator: " ")) failed: "
                                + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func caConfig(_ dir: String) -> String {
        """
        [ root_ca ]
        dir = \(dir)
        database = $dir/index.txt
        new_certs_dir = $dir/newcerts
        serial = $dir/serial
        crlnumber = $dir/crlnumber
        default_md = sha256
        default_crl_days = 30
        policy = policy_any
        unique_subject = no
        certificate = $dir/root.pem
        private_key = $dir/root.key

        [ issuing_ca ]
        dir = \(dir)
        database = $dir/index.txt
        new_certs_dir = $dir/newcerts
        serial = $dir/serial
        crlnumber = $dir/crlnumber
        default_md = sha256
        default_crl_days = 30
        policy = policy_any
        unique_subject = no
        certificate = $dir/issuing.pem
        private_key = $dir/issuing.key

        [ other_ca ]
        dir = \(dir)
        database = $dir/other-index.txt
        new_certs_dir = $dir/newcerts
        serial = $dir/serial
        default_md = sha256
        policy = policy_any
        unique_subject = no
        certificate = $dir/other-root.pem
        private_key = $dir/other-root.key

        [ policy_any ]
        organizationName = optional
        commonName = supplied

        [ issuing_ext ]
        basicConstraints = critical, CA:TRUE, pathlen:0
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        [ server_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:\(serverName)
        crlDistributionPoints = URI:http://pki.lab.example/issuing.crl

        [ server_noeku_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        subjectAltName = DNS:\(serverName)

        [ server_cn_only_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth

        [ client_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = clientAuth

        [ client_alice_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = clientAuth, emailProtection
        subjectAltName = email:alice@lab.example, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.lab.example

        """
    }
}

struct TestPKIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
