import Foundation
import LabSupport
import Testing
import TLS

/// A small CA made with the `openssl` CLI for the CRL checks: "Revocation Test CA" issues dave (revoked,
/// keyCompromise) and erin (good); an impostor CA with the same name but another key signs a CRL that must
/// not be believed.
private struct RevocationPKI: Sendable {
    let files: TestPKIBuilder

    func path(_ name: String) -> String { files.path(name) }

    static let shared = Result { () throws(TestPKIError) in try RevocationPKI(files: generate()) }

    static func get() throws -> RevocationPKI { try shared.get() }

    private static func generate() throws(TestPKIError) -> TestPKIBuilder {
        let pki = try TestPKIBuilder(label: "crl", certificateAuthorities: ["ca", "impostor"], extensions: """
            [ client_ext ]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = clientAuth
            """)
        for ca in ["ca", "impostor"] {
            try pki.makeRoot(ca, subject: "/O=Lab/CN=Revocation Test CA")
        }
        for user in ["dave", "erin"] {
            try pki.issue(user, subject: "/O=Lab/CN=\(user)", by: "ca", extensions: "client_ext")
        }
        try pki.revoke("dave", by: "ca", reason: "keyCompromise")
        try pki.generateCRL(of: "ca", into: "ca.crl")
        try pki.openssl(["crl", "-in", "ca.crl", "-outform", "DER", "-out", "ca-crl.der"])
        // Same issuer name, another key: its (empty) CRL must not clear anyone, its signature must fail.
        try pki.generateCRL(of: "impostor", into: "impostor.crl")
        try pki.write(Data("not a CRL\n".utf8), to: "garbage.crl")
        return pki
    }

    func credentials(_ user: String) throws -> TLSCredentials {
        try TLSCredentials.pem(certificateFile: path("\(user).pem"), keyFile: path("\(user).key"), keyPassword: nil)
    }
}

@Suite struct PreflightRevocationTests {
    /// The kinds found, less the strong-mapping warning most of these certificates earn (they carry no SID;
    /// StrongMappingTests covers it).
    private func kinds(_ findings: [PreflightFinding]) -> [PreflightFinding.Kind] {
        findings.map(\.kind).filter { $0 != .notStronglyMapped }
    }

    @Test func revokedCertificateIsFound() throws {
        let pki = try RevocationPKI.get()
        let findings = CertificatePreflight.check(credentials: try pki.credentials("dave"),
                                                  trustedCAFile: pki.path("ca.pem"), crlFile: pki.path("ca.crl"))
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
                                                  trustedCAFile: pki.path("ca.pem"), crlFile: pki.path("ca.crl"))
        #expect(kinds(findings).isEmpty, "\(findings)")
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
                                                  trustedCAFile: pki.path("ca.pem"),
                                                  crlFile: pki.path("impostor.crl"))
        #expect(kinds(findings) == [.revocationUnchecked])
        #expect(findings.first?.detail.contains("does not verify with that CA's key") == true)
    }

    @Test func expiredCRLCannotClearTheCertificate() throws {
        let pki = try RevocationPKI.get()
        // 40 days on, the 30-day CRL is past nextUpdate while erin's certificate is still valid.
        let later = Date().addingTimeInterval(40 * 86400)
        let erin = CertificatePreflight.check(credentials: try pki.credentials("erin"),
                                              trustedCAFile: pki.path("ca.pem"), crlFile: pki.path("ca.crl"),
                                              now: later)
        #expect(kinds(erin) == [.revocationUnchecked])
        #expect(erin.first?.detail.contains("(nextUpdate)") == true)
        // A revocation does not expire with the CRL that lists it.
        let dave = CertificatePreflight.check(credentials: try pki.credentials("dave"),
                                              trustedCAFile: pki.path("ca.pem"), crlFile: pki.path("ca.crl"),
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
        #expect(kinds(clean).isEmpty, "\(clean)")
    }

    @Test func fileBasedCheckPassesTheCRLOn() throws {
        let pki = try RevocationPKI.get()
        let findings = try CertificatePreflight.check(
            certificateFile: pki.path("dave.pem"), keyFile: pki.path("dave.key"), keyPassword: nil,
            trustedCAFile: pki.path("ca.pem"), crlFile: pki.path("ca.crl"))
        #expect(kinds(findings) == [.revoked])
    }
}
