import Foundation
import Testing
import TLS

/// A small CA made with the `openssl` CLI for the CRL checks: "Revocation Test CA" issues dave (revoked,
/// keyCompromise) and erin (good); an impostor CA with the same name but another key signs a CRL that must
/// not be believed.
private struct RevocationPKI: Sendable {
    let directory: String

    func path(_ name: String) -> String { directory + "/" + name }

    static let shared: Result<RevocationPKI, TestPKIError> = Result { () throws(TestPKIError) in
        try RevocationPKI.generate()
    }

    static func get() throws -> RevocationPKI { try shared.get() }

    private static func generate() throws(TestPKIError) -> RevocationPKI {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("npsprobe-crl-\(UUID().uuidString)")
            .path
        do {
            for ca in ["ca", "impostor"] {
                try FileManager.default.createDirectory(atPath: "\(dir)/\(ca)/newcerts",
                                                        withIntermediateDirectories: true)
                try Data().write(to: URL(fileURLWithPath: "\(dir)/\(ca)/index.txt"))
                try Data("2000\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/\(ca)/serial"))
                try Data("01\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/\(ca)/crlnumber"))
                try Data(config(dir: "\(dir)/\(ca)").utf8).write(to: URL(fileURLWithPath: "\(dir)/\(ca).cnf"))
            }
        } catch {
            throw TestPKIError(message: "cannot prepare \(dir): \(error)")
        }
        let pki = RevocationPKI(directory: dir)
        let subject = "/O=Lab/CN=Revocation Test CA"
        for ca in ["ca", "impostor"] {
            try pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", "\(ca)/ca.key", "-out", "\(ca)/ca.pem", "-days", "3650", "-subj", subject,
                            "-addext", "basicConstraints=critical,CA:TRUE",
                            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        }
        for user in ["dave", "erin"] {
            try pki.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", "\(user).key", "-out", "\(user).csr", "-subj", "/O=Lab/CN=\(user)")
            try pki.openssl("ca", "-batch", "-config", "ca.cnf", "-in", "\(user).csr", "-out", "\(user).pem",
                            "-extensions", "client_ext", "-days", "365", "-notext")
        }
        try pki.openssl("ca", "-batch", "-config", "ca.cnf", "-revoke", "dave.pem", "-crl_reason", "keyCompromise")
        try pki.openssl("ca", "-batch", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl")
        try pki.openssl("crl", "-in", "ca.crl", "-outform", "DER", "-out", "ca-crl.der")
        // Same issuer name, another key: its (empty) CRL must not clear anyone, its signature must fail.
        try pki.openssl("ca", "-batch", "-config", "impostor.cnf", "-gencrl", "-out", "impostor.crl")
        do {
            try Data("not a CRL\n".utf8).write(to: URL(fileURLWithPath: pki.path("garbage.crl")))
        } catch {
            throw TestPKIError(message: "cannot write garbage.crl: \(error)")
        }
        return pki
    }

    func credentials(_ user: String) throws -> TLSCredentials {
        try TLSCredentials.pem(certificateFile: path("\(user).pem"), keyFile: path("\(user).key"), keyPassword: nil)
    }

    func openssl(_ args: String...) throws(TestPKIError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch { throw TestPKIError(message: "cannot run openssl: \(error)") }
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPKIError(message: "openssl \(args.joined(separator: " ")) failed: "
                                + String(decoding: errors, as: UTF8.self))
        }
    }

    private static func config(dir: String) -> String {
        """
        [ ca ]
        default_ca = this_ca

        [ this_ca ]
        dir = \(dir)
        database = $dir/index.txt
        new_certs_dir = $dir/newcerts
        serial = $dir/serial
        crlnumber = $dir/crlnumber
        default_md = sha256
        default_crl_days = 30
        policy = policy_any
        unique_subject = no
        certificate = $dir/ca.pem
        private_key = $dir/ca.key

        [ policy_any ]
        organizationName = optional
        commonName = supplied

        [ client_ext ]
        basicConstraints = CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth

        """
    }
}

@Suite struct PreflightRevocationTests {
    private func kinds(_ findings: [PreflightFinding]) -> [PreflightFinding.Kind] { findings.map(\.kind) }

    @Test func revokedCertificateIsFound() throws {
        let pki = try RevocationPKI.get()
        let findings = CertificatePreflight.check(credentials: try pki.credentials("dave"),
                                                  trustedCAFile: pki.path("ca/ca.pem"), crlFile: pki.path("ca.crl"))
        #expect(kinds(findings) == [.revoked])
        let detail = try #require(findings.first?.detail)
        #expect(detail.contains("client certificate \"CN=dave,O=Lab\""))
        #expect(detail.contains("on the CRL of \"CN=Revocation Test CA,O=Lab\""))
        #expect(detail.contains("(keyCompromise)"))
        #expect(findings.first?.certificate == "CN=dave,O=Lab")
    }

    @Test func goodCertificateOnTheSameCRLIsClean() throws {
        let pki = try RevocationPKI.get()
        let findings = CertificatePreflight.check(credentials: try pki.credentials("erin"),
                                                  trustedCAFile: pki.path("ca/ca.pem"), crlFile: pki.path("ca.crl"))
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func derCRLAndNoTrustedCAFile() throws {
        let pki = try RevocationPKI.get()
        // Without the CA certificate the CRL's signature cannot be checked; the CRL is still read.
        let findings = CertificatePreflight.check(credentials: try pki.credentials("dave"), trustedCAFile: nil,
                                                  crlFile: pki.path("ca-crl.der"))
        #expect(kinds(findings) == [.revoked])
    }

    @Test func crlSignedByAnotherKeyIsNotBelieved() throws {
        let pki = try RevocationPKI.get()
        // The impostor's CRL names the same issuer but is empty: believing it would clear dave.
        let findings = CertificatePreflight.check(credentials: try pki.credentials("dave"),
                                                  trustedCAFile: pki.path("ca/ca.pem"),
                                                  crlFile: pki.path("impostor.crl"))
        #expect(kinds(findings) == [.revocationUnchecked])
        #expect(findings.first?.detail.contains("does not verify with that CA's key") == true)
    }

    @Test func expiredCRLCannotClearTheCertificate() throws {
        let pki = try RevocationPKI.get()
        // 40 days on, the 30-day CRL is past nextUpdate while erin's certificate is still valid.
        let later = Date().addingTimeInterval(40 * 86400)
        let erin = CertificatePreflight.check(credentials: try pki.credentials("erin"),
                                              trustedCAFile: pki.path("ca/ca.pem"), crlFile: pki.path("ca.crl"),
                                              now: later)
        #expect(kinds(erin) == [.revocationUnchecked])
        #expect(erin.first?.detail.contains("(nextUpdate)") == true)
        // A revocation does not expire with the CRL that lists it.
        let dave = CertificatePreflight.check(credentials: try pki.credentials("dave"),
                                              trustedCAFile: pki.path("ca/ca.pem"), crlFile: pki.path("ca.crl"),
                                              now: later)
        #expect(kinds(dave) == [.revoked])
    }

    @Test func crlOfAnotherIssuer() throws {
        let pki = try RevocationPKI.get()
        let lab = try TestPKI.get()
        // The TLS test PKI's issuing CA CRL says nothing about this CA's certificates.
        let findings = CertificatePreflight.check(credentials: try pki.credentials("erin"), trustedCAFile: nil,
                                                  crlFile: lab.path("issuing.crl"))
        #expect(kinds(findings) == [.revocationUnchecked])
        #expect(findings.first?.detail.contains("holds no CRL from \"CN=Revocation Test CA,O=Lab\"") == true)
    }

    @Test(arguments: ["garbage.crl", "missing.crl"])
    func unusableCRLFile(name: String) throws {
        let pki = try RevocationPKI.get()
        let findings = CertificatePreflight.check(credentials: try pki.credentials("dave"), trustedCAFile: nil,
                                                  crlFile: pki.path(name))
        #expect(kinds(findings) == [.revocationUnchecked])
        #expect(findings.first?.detail.contains(name) == true)
        #expect(findings.first?.detail.contains("revocation was not checked") == true)
    }

    @Test func revokedServerCertificateOfTheTLSTestPKI() throws {
        let lab = try TestPKI.get()
        // server-revoked (in issuing.crl) sent with its issuing CA: the leaf is revoked, the chain CA is not
        // on any CRL of the root (the file holds none), which is not a finding for chain certificates.
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("server-revoked"),
                                                  trustedCAFile: lab.path("root.pem"),
                                                  crlFile: lab.path("issuing.crl"))
        #expect(Set(kinds(findings)) == [.revoked, .missingClientAuthEKU])
        let clean = CertificatePreflight.check(credentials: try Lab.credentials("bob"),
                                               trustedCAFile: lab.path("root.pem"), crlFile: lab.path("issuing.crl"))
        #expect(clean.isEmpty, "\(clean)")
    }

    @Test func fileBasedCheckPassesTheCRLOn() throws {
        let pki = try RevocationPKI.get()
        let findings = try CertificatePreflight.check(
            certificateFile: pki.path("dave.pem"), keyFile: pki.path("dave.key"), keyPassword: nil,
            trustedCAFile: pki.path("ca/ca.pem"), crlFile: pki.path("ca.crl"))
        #expect(kinds(findings) == [.revoked])
    }
}
