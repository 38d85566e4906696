import Foundation
import LabSupport

/// A throwaway PKI made with the `openssl` CLI (`TestPKIBuilder`), once per test process.
///
///     Test Root (RSA) ── Test Issuing CA (EC P-256) ─┬─ server-rsa, server-ec   (serverAuth, DNS SAN)
///                                                    ├─ server-noeku, server-cn-only, server-expired
///                                                    ├─ server-revoked (in issuing.crl)
///                                                    ├─ alice (RSA, clientAuth, UPN + email SANs, SID extension)
///                                                    ├─ bob (EC; no SID), carol-uri (SID in a SAN URI)
///                                                    ├─ sid-binary, sid-wrong-oid, uri-bad-sid (malformed SIDs)
///                                                    └─ weak (RSA-1024, clientAuth)
///     Other Root (EC) ── mallory (clientAuth), server-other (serverAuth)
enum TestPKI {
    static let serverName = "radius.lab.example"
    static let keyPassword = "s3cret-key"
    static let p12Password = "p12-pass"

    private static let shared = Result { () throws(TestPKIError) in try generate() }

    static func get() throws -> TestPKIBuilder { try shared.get() }

    private static func generate() throws(TestPKIError) -> TestPKIBuilder {
        let pki = try TestPKIBuilder(label: "tls", certificateAuthorities: ["root", "issuing", "other-root"],
                                     extensions: extensions)
        // Roots, and the issuing CA under the first.
        try pki.makeRoot("root", subject: "/O=Lab/CN=npsprobe Test Root", key: .rsa(bits: 2048))
        try pki.makeRoot("other-root", subject: "/O=Elsewhere/CN=Other Root")
        try pki.issue("issuing", subject: "/O=Lab/CN=npsprobe Test Issuing CA", by: "root", extensions: "issuing_ext",
                      validity: .days(3000))

        // Servers under the issuing CA.
        let server = "/O=Lab/CN=\(serverName)"
        try pki.issue("server-rsa", subject: server, key: .rsa(bits: 2048), by: "issuing", extensions: "server_ext")
        try pki.issue("server-ec", subject: server, by: "issuing", extensions: "server_ext")
        try pki.issue("server-noeku", subject: server, by: "issuing", extensions: "server_noeku_ext")
        try pki.issue("server-cn-only", subject: "/O=Lab/CN=cnonly.lab.example", by: "issuing",
                      extensions: "server_cn_only_ext")
        try pki.issue("server-expired", subject: server, by: "issuing", extensions: "server_ext",
                      validity: .dates(notBefore: "20200101000000Z", notAfter: "20210101000000Z"))
        try pki.issue("server-revoked", subject: server, by: "issuing", extensions: "server_ext")
        try pki.revoke("server-revoked", by: "issuing")
        try pki.generateCRL(of: "issuing", into: "issuing.crl")

        // Clients.
        try pki.issue("alice", subject: "/O=Lab/CN=alice", key: .rsa(bits: 2048), by: "issuing",
                      extensions: "client_alice_ext")
        try pki.issue("bob", subject: "/O=Lab/CN=bob", by: "issuing", extensions: "client_ext")
        try pki.issue("weak", subject: "/O=Lab/CN=weak", key: .rsa(bits: 1024), by: "issuing",
                      extensions: "client_ext")
        // Strong mapping (KB5014754): the SID in a SAN URI, and malformed SID extensions / URIs.
        try pki.issue("carol-uri", subject: "/O=Lab/CN=carol", by: "issuing", extensions: "client_sanuri_ext")
        try pki.issue("sid-binary", subject: "/O=Lab/CN=sid-binary", by: "issuing", extensions: "client_sid_binary_ext")
        try pki.issue("sid-wrong-oid", subject: "/O=Lab/CN=sid-wrong-oid", by: "issuing",
                      extensions: "client_sid_wrong_oid_ext")
        try pki.issue("uri-bad-sid", subject: "/O=Lab/CN=uri-bad-sid", by: "issuing", extensions: "client_uri_bad_ext")
        try pki.issue("mallory", subject: "/O=Elsewhere/CN=mallory", by: "other-root", extensions: "client_ext")
        try pki.issue("server-other", subject: "/O=Elsewhere/CN=\(serverName)", by: "other-root",
                      extensions: "server_ext")

        // Chains as a server or client sends them: leaf + issuing CA.
        for name in ["server-rsa", "server-ec", "server-noeku", "server-cn-only", "server-expired", "server-revoked",
                     "alice", "bob", "weak", "carol-uri", "sid-binary", "sid-wrong-oid", "uri-bad-sid"] {
            try pki.concatenate(["\(name).pem", "issuing.pem"], into: "\(name)-chain.pem")
        }
        try pki.concatenate(["mallory.pem", "other-root.pem"], into: "mallory-chain.pem")
        try pki.concatenate(["server-other.pem", "other-root.pem"], into: "server-other-chain.pem")
        try pki.concatenate(["alice-chain.pem", "alice.key"], into: "alice-combined.pem")

        // Encrypted keys: PKCS#8 (AES-256) and traditional PEM ("Proc-Type: 4,ENCRYPTED").
        try pki.openssl(["pkcs8", "-topk8", "-in", "alice.key", "-out", "alice-pkcs8-enc.key", "-v2", "aes-256-cbc",
                         "-passout", "pass:\(keyPassword)"])
        try pki.openssl(["rsa", "-in", "alice.key", "-out", "alice-trad-enc.key", "-aes256", "-traditional",
                         "-passout", "pass:\(keyPassword)"])
        try pki.openssl(["ec", "-in", "bob.key", "-out", "bob-trad-enc.key", "-aes128",
                         "-passout", "pass:\(keyPassword)"])

        // PKCS#12: modern (AES) and legacy (RC2-40 + 3DES, as older Windows exports are).
        try pki.concatenate(["root.pem", "issuing.pem"], into: "root-then-issuing.pem")
        try pki.openssl(["pkcs12", "-export", "-inkey", "alice.key", "-in", "alice.pem",
                         "-certfile", "root-then-issuing.pem", "-passout", "pass:\(p12Password)", "-out", "alice.p12"])
        try pki.openssl(["pkcs12", "-export", "-legacy", "-inkey", "alice.key", "-in", "alice.pem",
                         "-certfile", "issuing.pem", "-passout", "pass:\(p12Password)", "-out", "alice-legacy.p12"])

        // Garbage.
        var generator = SystemRandomNumberGenerator()
        try pki.write(Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }), to: "garbage.bin")
        try pki.write(Data("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".utf8),
                      to: "garbage.pem")
        try pki.write(Data(), to: "empty.pem")
        do {
            try FileManager.default.createDirectory(atPath: pki.path("empty-dir"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: pki.path("ca-dir"), withIntermediateDirectories: true)
        } catch {
            throw TestPKIError("cannot make folders: \(error)")
        }
        try pki.concatenate(["root.pem"], into: "ca-dir/any-name.crt")
        try pki.write(Data("not a certificate\n".utf8), to: "ca-dir/README")
        return pki
    }

    /// The SIDs the test PKI's certificates carry.
    static let aliceSID = "S-1-5-21-1004336348-1177238915-682003330-1104"
    static let carolSID = "S-1-5-21-1004336348-1177238915-682003330-1105"

    private static let aliceSIDExtension = TestPKIBuilder.sidExtension("alice_sid", value: "OCTETSTRING:\(aliceSID)")
    private static let binarySIDExtension = TestPKIBuilder.sidExtension(
        "binary_sid", value: "FORMAT:HEX,OCTETSTRING:01050000000000051500000001000000020000000300000050040000")
    /// The UPN's OID where the objectSid OID belongs.
    private static let wrongOIDExtension = TestPKIBuilder.sidExtension(
        "wrong_oid", typeID: "1.3.6.1.4.1.311.20.2.3", value: "OCTETSTRING:\(aliceSID)")

    private static let extensions = """
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
        \(aliceSIDExtension.line)
        # szOID_NTDS_CA_SECURITY_EXT as AD CS writes it, built by openssl's ASN1 generator (not by our parser's code).
        \(aliceSIDExtension.sections)

        [ client_sanuri_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = clientAuth
        subjectAltName = @carol_san
        [ carol_san ]
        email.1 = carol@lab.example
        # A section, not a list: the URI holds a comma.
        URI.1 = tag:microsoft.com,2022-09-14:sid:\(carolSID)

        # The SID in its MS-DTYP binary form (S-1-5-21-1-2-3-1104) instead of text: a well-formed DER that names
        # no SID the KDC reads.
        [ client_sid_binary_ext ]
        basicConstraints = CA:FALSE
        extendedKeyUsage = clientAuth
        \(binarySIDExtension.line)
        \(binarySIDExtension.sections)

        # The UPN's OID where the objectSid OID belongs.
        [ client_sid_wrong_oid_ext ]
        basicConstraints = CA:FALSE
        extendedKeyUsage = clientAuth
        \(wrongOIDExtension.line)
        \(wrongOIDExtension.sections)

        [ client_uri_bad_ext ]
        basicConstraints = CA:FALSE
        extendedKeyUsage = clientAuth
        subjectAltName = @bad_uri_san
        [ bad_uri_san ]
        URI.1 = tag:microsoft.com,2022-09-14:sid:S-1-5-21-x-1104
        """
}
