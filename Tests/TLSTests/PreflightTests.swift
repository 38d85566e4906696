import Foundation
import Testing
import TLS

@Suite struct PreflightTests {
    /// The kinds found, less the strong-mapping warning most of these certificates earn (they carry no SID;
    /// StrongMappingTests covers it).
    private func kinds(_ findings: [PreflightFinding]) -> [PreflightFinding.Kind] {
        findings.map(\.kind).filter { $0 != .notStronglyMapped }
    }

    @Test func goodCredentialsHaveNoFindings() throws {
        let pki = try TestPKI.get()
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("alice"),
                                                  trustedCAFile: pki.path("root.pem"))
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func validityWindow() throws {
        let alice = try Lab.credentials("alice")
        let leaf = alice.certificate
        let expired = CertificatePreflight.check(credentials: alice, trustedCAFile: nil,
                                                 now: leaf.notAfter.addingTimeInterval(86400))
        #expect(kinds(expired) == [.expired])
        #expect(expired.first?.certificate == leaf.subject)
        #expect(expired.first?.detail.contains("expired") == true)

        let early = CertificatePreflight.check(credentials: alice, trustedCAFile: nil,
                                               now: leaf.notBefore.addingTimeInterval(-86400))
        #expect(early.contains { $0.kind == .notYetValid && $0.certificate == leaf.subject })

        let soon = CertificatePreflight.check(credentials: alice, trustedCAFile: nil,
                                              now: leaf.notAfter.addingTimeInterval(-10 * 86400 - 60))
        #expect(kinds(soon) == [.expiresSoon])
        #expect(soon.first?.detail.contains("in 10 days") == true)

        let fine = CertificatePreflight.check(credentials: alice, trustedCAFile: nil,
                                              now: leaf.notAfter.addingTimeInterval(-31 * 86400))
        #expect(fine.isEmpty)
    }

    @Test func missingClientAuthEKU() throws {
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("server-rsa"), trustedCAFile: nil)
        #expect(kinds(findings) == [.missingClientAuthEKU])
        #expect(findings.first?.detail.contains("[serverAuth] without clientAuth") == true)
        let noEKU = CertificatePreflight.check(credentials: try Lab.credentials("server-noeku"), trustedCAFile: nil)
        #expect(noEKU.first?.detail.contains("no Extended Key Usage extension") == true)
    }

    @Test func weakKey() throws {
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("weak"), trustedCAFile: nil)
        #expect(kinds(findings) == [.weakKey])
        #expect(findings.first?.detail.contains("1024-bit RSA") == true)
    }

    @Test func chainIncomplete() throws {
        let pki = try TestPKI.get()
        // The leaf alone: the issuing CA is neither sent nor trusted.
        let leafOnly = try TLSCredentials.pem(certificateFile: pki.path("alice.pem"), keyFile: pki.path("alice.key"),
                                              keyPassword: nil)
        let findings = CertificatePreflight.check(credentials: leafOnly, trustedCAFile: pki.path("root.pem"))
        #expect(kinds(findings) == [.chainIncomplete])
        #expect(findings.first?.detail.contains("CN=npsprobe Test Issuing CA,O=Lab") == true)
        // Trusting the issuing CA directly is enough.
        #expect(CertificatePreflight.check(credentials: leafOnly, trustedCAFile: pki.path("issuing.pem")).isEmpty)
        // A chain to another root.
        let mallory = try Lab.credentials("mallory")
        let other = CertificatePreflight.check(credentials: mallory, trustedCAFile: pki.path("root.pem"))
        #expect(kinds(other) == [.chainIncomplete])
        #expect(other.first?.detail.contains("Other Root") == true)
    }

    @Test func keyDoesNotMatchCertificate() throws {
        let pki = try TestPKI.get()
        let findings = try CertificatePreflight.check(
            certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path("bob.key"), keyPassword: nil,
            trustedCAFile: pki.path("root.pem"))
        #expect(kinds(findings) == [.keyDoesNotMatchCertificate])
        #expect(findings.first?.detail.contains(pki.path("bob.key")) == true)
        let good = try CertificatePreflight.check(
            certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path("alice-pkcs8-enc.key"),
            keyPassword: bytes(TestPKI.keyPassword), trustedCAFile: pki.path("root.pem"))
        #expect(good.isEmpty)
    }

    @Test func unreadableTrustAnchor() throws {
        let pki = try TestPKI.get()
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("alice"),
                                                  trustedCAFile: pki.path("nope.pem"))
        #expect(kinds(findings) == [.trustAnchorUnavailable])
    }

    @Test func severalFindingsAtOnce() throws {
        let weak = try Lab.credentials("weak")
        let findings = CertificatePreflight.check(credentials: weak, trustedCAFile: nil,
                                                  now: weak.certificate.notAfter.addingTimeInterval(60))
        #expect(Set(kinds(findings)) == [.expired, .weakKey])
    }
}
