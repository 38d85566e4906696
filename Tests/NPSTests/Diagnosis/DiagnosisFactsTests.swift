import Evidence
import EAP
import Foundation
@testable import NPS
import RADIUS
import TLS
import Testing

/// The features the rules read, derived from real conversations.
@Suite struct DiagnosisFactsTests {
    private func facts(_ name: String) throws -> DiagnosisFacts {
        DiagnosisFacts(try #require(Scenario.all.first { $0.name == name }, "scenario \(name)").build())
    }

    @Test func handshakeCompletionOverTLS12() throws {
        let refused = try facts("tls-expired (no alert, as FreeRADIUS and hostapd)")
        let during = try #require(refused.clientCertificateRefusal)
        #expect(during.layer == .outer)
        #expect(during.clientFinishedSent && !during.serverFinishedReceived && !during.completed)
        #expect(during.clientCertificate?.subject == "CN=carol@diag.test")
        #expect(refused.failureKind == .eapFailure)
        #expect(refused.step == .tlsClientFinishedSent)

        let after = try #require(try facts("tls-retired (the seed's NTAuth case)").clientCertificateRefusal)
        #expect(after.clientFinishedSent && after.serverFinishedReceived && after.completed)
    }

    /// TLS 1.3: the client's handshake is done when it sends its Finished; only the server's success indication
    /// (RFC 9190 §2.5) says the server accepted the certificate.
    @Test func handshakeCompletionOverTLS13() throws {
        let refused = try #require(try facts("tls-expired over TLS 1.3").clientCertificateRefusal)
        #expect(refused.version == .tls1_3)
        #expect(refused.serverFinishedReceived && refused.clientFinishedSent)
        #expect(!refused.completed)
        let accepted = try #require(try facts("tls-retired over TLS 1.3").clientCertificateRefusal)
        #expect(accepted.completed)
    }

    @Test func acceptableCAsAgainstOurChain() throws {
        let listed = try #require(try facts("tls-retired (the seed's NTAuth case)").clientCertificateRefusal)
        #expect(listed.acceptableClientCAs.count == 3)
        #expect(listed.matchingAcceptableCAs == ["CN=Diag Retired Issuing CA"])
        let unlisted = try #require(try facts("tls-rogue").clientCertificateRefusal)
        #expect(unlisted.acceptableClientCAs == ["CN=Diag Issuing CA", "CN=Diag Root CA"])
        #expect(unlisted.matchingAcceptableCAs == [])
        // No certificate sent: nothing to match.
        let none = try #require(try facts("no client certificate").certificateHandshake)
        #expect(none.clientCertificate == nil && none.matchingAcceptableCAs == nil)
    }

    @Test func peapTLSJudgesTheInnerHandshake() throws {
        let peapTLS = try facts("peap-tls-rogue (inner certificate refused)")
        #expect(peapTLS.isPEAP)
        #expect(peapTLS.outerHandshake?.clientCertificate == nil)
        let inner = try #require(peapTLS.clientCertificateRefusal)
        #expect(inner.layer == .inner)
        #expect(inner.clientCertificate?.subject == "CN=mallory@diag.test")
        #expect(peapTLS.certificateHandshake == peapTLS.innerHandshake)
    }

    @Test func msCHAPSources() throws {
        let inner = try facts("peap-mschapv2-wrong")
        #expect(inner.msCHAP?.source == .peap)
        #expect(inner.msCHAP?.failure.errorCode == 691)
        #expect(inner.innerIdentity == "bob")
        #expect(inner.resultTLVFailure)
        let radius = try facts("mschapv2 E=649")
        #expect(radius.msCHAP?.source == .radius)
        #expect(radius.msCHAP?.failure.code == .noDialinPermission)
        let garbage = try facts("mschapv2 with an unparsable MS-CHAP-Error")
        #expect(garbage.msCHAP == nil)
        #expect(garbage.unparsableMSCHAPError == "no error code here")
    }

    @Test func cryptoBindingFacts() throws {
        #expect(try facts("peap-mschapv2 (crypto-binding as NPS)").cryptoBinding == .verified)
        let required = try facts("peap-mschapv2-cb-required (FreeRADIUS sends no binding)")
        #expect(required.cryptoBindingRequiredButAbsent && !required.phase2Skipped)
        #expect(required.cryptoBinding == .absent)
        let skipped = try facts("phase 2 skipped on a new tunnel")
        #expect(skipped.phase2Skipped && !skipped.cryptoBindingRequiredButAbsent)
        if case .failed = try facts("crypto-binding that does not verify").cryptoBinding {} else {
            Issue.record("a failed binding")
        }
    }

    @Test func alertsAndRefusals() throws {
        #expect(try facts("tls-rogue with the alert").alertsReceived == [.unknownCA])
        #expect(try facts("tls-rogue").alertsReceived.isEmpty)
        // We refuse the server's certificate with our own alert.
        let wrongName = try facts("tls-wrong-name")
        #expect(!wrongName.alertsSent.isEmpty && wrongName.alertsReceived.isEmpty)
        #expect(wrongName.serverValidationFailure?.failure.kind == .nameMismatch)

        let outsider = try facts("peap-outsider-policy (refused at the identity)")
        #expect(outsider.rejectedBeforeAnyMethod && !outsider.methodRefused)
        let policy = try facts("tls-policy (the server offers PEAP only)")
        #expect(policy.methodRefused && !policy.rejectedBeforeAnyMethod)
        #expect(policy.nak == DiagnosisFacts.Nak(offered: 25, desired: [13]))
        #expect(!(try facts("tls-forgetful (follow-ups reach another backend)").rejectedBeforeAnyMethod))
    }

    @Test func transportFacts() throws {
        let small = try facts("tls-small-path (datagrams > 1000 bytes dropped)")
        let lost = try #require(small.unanswered)
        #expect(lost.requestSize > 1000 && lost.transmissions == 3 && lost.requestHadState)
        #expect(small.largestAnsweredRequest.map { $0 < 1000 } == true)
        #expect(small.answeredCount == small.roundTrips.count - 1)

        let silent = try facts("tls-silent")
        #expect(!silent.anyReply && silent.unanswered?.requestHadState == false)
    }

    @Test func secretNamingDiscards() throws {
        // The verifier's own verdict on a reply signed with another secret, typed, for a reject and an accept.
        let wrongSecret = try EvidenceBuilder.wrongSecretDiscard()
        #expect(wrongSecret.code == .responseAuthenticatorMismatch || wrongSecret.code == .messageAuthenticatorMismatch)
        #expect(wrongSecret.code.pointsToSharedSecret)
        #expect(try EvidenceBuilder.wrongSecretDiscard(code: .accessAccept).code.pointsToSharedSecret)
        #expect(!DiscardReason.foreignSource.pointsToSharedSecret)
        #expect(!DiscardReason.identifierMismatch.pointsToSharedSecret)
        #expect(!DiscardReason.messageAuthenticatorMissing.pointsToSharedSecret)
        let evidence = EvidenceBuilder.single(
            method: "pap", outcome: .timeout, replyCode: nil,
            discarded: [wrongSecret,
                        DiscardedDatagram(from: "10.0.0.9:1812", size: 38, code: .foreignSource,
                                          reason: "came from 10.0.0.9:1812, not from 127.0.0.1:1812")])
        let facts = DiagnosisFacts(evidence)
        #expect(facts.secretDiscards.count == 1 && facts.foreignSourceDiscards.count == 1)
        // Both are known; the secret explains more.
        #expect(Diagnoser.diagnose(evidence).rule == "timeout-wrong-secret")
    }

    @Test func distinguishedNamesCompareLoosely() {
        #expect(DiagnosisFacts.normalizedName("CN=Diag Issuing CA, O=Lab") == DiagnosisFacts.normalizedName(
            "cn=diag issuing ca,o=lab"))
        #expect(DiagnosisFacts.normalizedName("CN=A") != DiagnosisFacts.normalizedName("CN=B"))
    }

    @Test func notificationsAreServerMessages() {
        var evidence = ConversationEvidence(outcome: .reject, method: "eap-tls", identity: "alice")
        evidence.eap = EAPEvidence(method: "EAP-TLS (13)", trace: [.identitySent(identity: "alice"),
                                                                   .notification(text: "Your account is locked"),
                                                                   .eapFailure])
        let facts = DiagnosisFacts(evidence)
        #expect(facts.notifications == ["Your account is locked"])
        #expect(facts.serverMessages.map(\.source) == [.notification])
        #expect(facts.statements == [.accountLockedOut])
        #expect(facts.statedReasons == [36])
        let diagnosis = Diagnoser.diagnose(evidence)
        #expect(diagnosis.rule == "account-locked-out")
        #expect(diagnosis.evidence.filter { $0 == "EAP Notification from the server: “Your account is locked”" }
            .count == 1, "quoted once: \(diagnosis.evidence)")
        #expect(diagnosis.cause.contains("“Your account is locked”"))
    }

    /// The server's words are read once, by the statement table: what each lab server and NPS extension says.
    @Test(arguments: [
        ("Account locked out", [ServerStatement.accountLockedOut]),
        ("Account disabled", [.accountDisabled]),
        ("Password expired", [.passwordExpired]),
        ("TLS: client certificate refused: unable to get certificate CRL (X509 error 3)", [.revocationUnavailable]),
        ("Access denied by policy", [.policyRefusal]),
        ("Authentication failed", []),
        ("Request processed by lab-nps-02", []),
    ])
    func serverStatements(text: String, statements: [ServerStatement]) {
        #expect(ServerStatement.read(text) == statements)
        #expect(ServerStatement.read(text.uppercased()) == statements, "without case")
    }

    @Test func statementTableIsData() {
        #expect(Set(ServerStatement.table.map(\.statement)) == Set(ServerStatement.allCases), "one row each")
        for row in ServerStatement.table {
            #expect(!row.phrases.isEmpty && row.phrases.allSatisfy { $0 == $0.lowercased() }, "\(row.statement)")
            for reason in row.reasons { #expect(NPSKnowledge.reasonCode(reason) != nil, "\(row.statement)") }
        }
    }

    /// The MS-CHAP-Error attribute is decoded where it arrives (the Probe), not in the diagnosis.
    @Test func msCHAPErrorIsDecodedWhereItArrives() {
        var evidence = ConversationEvidence(outcome: .reject, method: "mschapv2", identity: "bob")
        evidence.record(msCHAPError: "E=691 R=0 V=3 M=Authentication failed")
        #expect(evidence.msCHAPFailure?.errorCode == 691)
        #expect(evidence.msCHAPFailure?.message == "Authentication failed")
        evidence.record(msCHAPError: "not an MS-CHAP error")
        #expect(evidence.msCHAPFailure == nil && evidence.msCHAPError == "not an MS-CHAP error")
    }
}

@Suite struct PreflightAdviceTests {
    private static let kinds: [PreflightFinding.Kind] = [
        .expired, .notYetValid, .expiresSoon, .missingClientAuthEKU, .keyDoesNotMatchCertificate, .chainIncomplete,
        .weakKey, .trustAnchorUnavailable, .revoked, .revocationUnchecked,
    ]

    @Test func windowsErrorPerKind() {
        let expected: [PreflightFinding.Kind: Int] = [
            .expired: 854, .notYetValid: 854, .revoked: 855, .missingClientAuthEKU: 853, .chainIncomplete: 853,
        ]
        for kind in Self.kinds {
            #expect(PreflightAdvice.windowsError(for: kind) == expected[kind], "\(kind)")
        }
    }

    @Test func everySentenceNamesItsError() {
        for kind in Self.kinds {
            let sentence = PreflightAdvice.consequence(for: kind)
            #expect(!sentence.isEmpty)
            if let code = PreflightAdvice.windowsError(for: kind) {
                #expect(sentence.contains("Windows error \(code)"), "\(kind): \(sentence)")
                #expect(!PreflightAdvice.npsReasons(for: kind).isEmpty)
                for reason in PreflightAdvice.npsReasons(for: kind) {
                    #expect(NPSKnowledge.reasonCode(reason) != nil)
                }
            }
        }
    }

    /// The pre-flight of the lab's certificates, as the CLI would run it, and what each finding would cause.
    @Test(arguments: [("carol", PreflightFinding.Kind.expired, 854), ("dave", .revoked, 855),
                      ("erin", .missingClientAuthEKU, 853), ("mallory", .chainIncomplete, 853),
                      ("gina", .notYetValid, 854)])
    func labCertificates(user: String, kind: PreflightFinding.Kind, error: Int) throws {
        let findings = try DiagnosisPKI.get().preflight(user)
        let finding = try #require(findings.first { $0.kind == kind }, "\(findings)")
        #expect(PreflightAdvice.windowsError(for: finding.kind) == error)
        let warning = PreflightAdvice.warning(for: finding)
        #expect(warning.hasPrefix(finding.detail + ": "))
        #expect(warning.contains("\(error)"))
    }

    @Test func goodCertificateHasNoAdvice() throws {
        #expect(try DiagnosisPKI.get().preflight("alice").isEmpty)
    }
}
