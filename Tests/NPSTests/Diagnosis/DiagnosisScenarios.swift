import TestServers
import TLSTestSupport
import Evidence
import EAP
import Foundation
import NPS
import TLS
import Testing

/// One conversation and the verdict it must get. Most are real in-memory conversations (our peer against the
/// EAP tests' server on real TLS, with the lab's certificates and faults); the non-EAP and transport ones are
/// the records the Probe makes for a single request.
struct Scenario: Sendable, CustomTestStringConvertible {
    let name: String
    let rule: String
    let windowsError: Int?
    let confidence: Diagnosis.Confidence
    /// NPS reason codes the diagnosis must name (a subset of what it names).
    let reasons: [Int]
    /// Phrases that must appear in the evidence lines.
    let mentions: [String]
    /// The verdict rests on the server's Reply-Message (the scenario carries one).
    let messageDriven: Bool
    let build: @Sendable () throws -> ConversationEvidence

    init(_ name: String, rule: String, error windowsError: Int?, _ confidence: Diagnosis.Confidence,
         reasons: [Int] = [], mentions: [String] = [], messageDriven: Bool = false,
         build: @escaping @Sendable () throws -> ConversationEvidence) {
        self.name = name
        self.rule = rule
        self.windowsError = windowsError
        self.confidence = confidence
        self.reasons = reasons
        self.mentions = mentions
        self.messageDriven = messageDriven
        self.build = build
    }

    var testDescription: String { name }
}

// MARK: - Conversation helpers

private let pkiError = "the diagnosis PKI"

private func tlsServer(_ context: TLSServerContext, _ faults: Set<TestEAPServer.Fault> = []) -> TestEAPServer {
    var options = TestEAPServer.Options(method: .tls, outer: context)
    options.faults = faults
    return TestEAPServer(options)
}

private func peapServer(inner: EAPType = .mschapv2, outer: TLSServerContext, innerContext: TLSServerContext? = nil,
                        cryptoBinding: Bool = true, _ faults: Set<TestEAPServer.Fault> = []) -> TestEAPServer {
    var options = TestEAPServer.Options(method: .peap(inner: inner), outer: outer, inner: innerContext)
    options.users = ["bob": "bob-pass"]
    options.cryptoBinding = cryptoBinding
    options.faults = faults
    return TestEAPServer(options)
}

/// EAP-TLS with the lab's client `user` against a server trusting `ca-chain.pem` with the CRL.
private func eapTLS(
    _ user: String?, server: String = "server", clientCAs: String? = "ca-chain.pem",
    faults: Set<TestEAPServer.Fault> = [],
    trust: String = "root.pem", names: [String] = [DiagnosisPKI.serverName], clientCRL: String? = nil,
    serverCRL: String? = "issuing.crl", version: TLSVersion = .tls1_2, serverVersion: TLSVersion? = nil,
    preflight: Bool = true, preflightCA: String = "ca-chain.pem", fragmentSize: Int = 1403,
    path: EvidenceBuilder.Path = .clean, tamper: ((Int, EAPStep, [UInt8]) -> [UInt8]?)? = nil
) throws -> ConversationEvidence {
    let pki = try DiagnosisPKI.get()
    let client = try pki.client(user, trust: trust, names: names, crl: clientCRL, version: version)
    let serverContext = try pki.server(server, clientCAs: clientCAs, crl: serverCRL, version: serverVersion ?? version)
    let findings = try user.map { name in
        preflight ? CertificatePreflight.check(credentials: try pki.credentials(name),
                                               trustedCAFile: pki.path(preflightCA), crlFile: pki.path("issuing.crl"))
            : []
    } ?? []
    let identity = user.map { "\($0)@diag.test" } ?? "nobody@diag.test"
    return EvidenceBuilder.run(.eapTLS(client, identity: identity, fragmentSize: fragmentSize),
                               server: tlsServer(serverContext, faults), method: "eap-tls", path: path,
                               preflight: findings, tamper: tamper)
}

/// PEAP-MSCHAPv2 as bob against a server with the lab's certificate.
private func peap(
    password: String = "bob-pass", user: String = "bob", server: String = "server", cryptoBinding: Bool = true,
    policy: CryptoBindingPolicy = .optional, faults: Set<TestEAPServer.Fault> = [],
    tamper: ((Int, EAPStep, [UInt8]) -> [UInt8]?)? = nil
) throws -> ConversationEvidence {
    let pki = try DiagnosisPKI.get()
    let outer = try pki.client(nil)
    return EvidenceBuilder.run(.peapMSCHAPv2(outer, user: user, password: password, cryptoBinding: policy),
                               server: peapServer(outer: try pki.server(server), cryptoBinding: cryptoBinding, faults),
                               method: "peap-mschapv2", tamper: tamper)
}

private func peapTLS(_ user: String, faults: Set<TestEAPServer.Fault> = []) throws -> ConversationEvidence {
    let pki = try DiagnosisPKI.get()
    let configuration = EAPPeerConfiguration.peapTLS(try pki.client(nil), inner: try pki.client(user),
                                                     identity: "\(user)@diag.test")
    let server = peapServer(inner: .tls, outer: try pki.server(),
                            innerContext: try pki.server(clientCAs: "ca-chain.pem"), faults)
    return EvidenceBuilder.run(configuration, server: server, method: "peap-tls",
                               preflight: try pki.preflight(user))
}

private func failure(_ reply: [UInt8]) -> [UInt8] {
    EAPPacket.failure(identifier: reply.count > 1 ? reply[1] : 0).encode()
}

/// An EAP-TLS request carrying one fatal TLS alert record (RFC 5246 §6.2.1, §7.2).
private func alertRequest(_ reply: [UInt8], description: UInt8) -> [UInt8] {
    let record: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]
    let identifier = reply.count > 1 ? reply[1] : 0
    // Code 1, identifier, length, Type 13, Flags 0 (RFC 5216 §3.1), the record.
    let length = 4 + 1 + 1 + record.count
    return [1, identifier, UInt8(length >> 8), UInt8(length & 0xFF), 13, 0x00] + record
}

private func isClientHelloSent(_ step: EAPStep) -> Bool {
    step == .tlsHandshake(lastSent: .clientHello, lastReceived: nil)
}

// MARK: - The corpus

extension Scenario {
    static let msCHAPChallenge = "C=" + String(repeating: "0123456789ABCDEF", count: 2)

    static let all: [Scenario] = eapTLSCases + serverCertificateCases + peapCases + radiusCases + transportCases

    // MARK: EAP-TLS: the server judges our certificate (cases.tsv tls-*)

    static let eapTLSCases: [Scenario] = [
        Scenario("tls-rsa", rule: "accepted", error: nil, .certain,
                 mentions: ["Access-Accept + EAP-Success", "the MS-MPPE keys match"]) { try eapTLS("alice") },
        Scenario("tls-13", rule: "accepted", error: nil, .certain, mentions: ["TLS 1.3 with a client certificate"]) {
            try eapTLS("alice", version: .tls1_3)
        },
        Scenario("tls-expired (no alert, as FreeRADIUS and hostapd)", rule: "client-cert-expired", error: 854, .likely,
                 reasons: [268], mentions: ["right after our TLS Finished", "no TLS alert received",
                                            "pre-flight: client certificate \"CN=carol@diag.test\" expired"]) {
            try eapTLS("carol")
        },
        Scenario("tls-expired with the alert", rule: "client-cert-expired-alert", error: 854, .certain,
                 reasons: [268, 278], mentions: ["the server sent the TLS alert certificate_expired (45)"]) {
            try eapTLS("carol", faults: [.alertOnClientRefusal])
        },
        Scenario("tls-expired over TLS 1.3", rule: "client-cert-expired", error: 854, .likely,
                 mentions: ["right after our TLS Finished"]) {
            try eapTLS("carol", version: .tls1_3)
        },
        Scenario("tls-revoked (CRL given to the pre-flight)", rule: "client-cert-revoked", error: 855, .likely,
                 reasons: [256], mentions: ["is on the CRL of \"CN=Diag Issuing CA\"", "(keyCompromise)"]) {
            try eapTLS("dave")
        },
        Scenario("tls-revoked with the alert", rule: "client-cert-revoked-alert", error: 855, .certain,
                 reasons: [256, 289], mentions: ["certificate_revoked"]) {
            try eapTLS("dave", faults: [.alertOnClientRefusal])
        },
        Scenario("tls-revoked without a pre-flight", rule: "client-cert-refused", error: 853, .likely,
                 mentions: ["the server never sent its Finished", "the server's CertificateRequest listed "
                            + "\"CN=Diag Issuing CA\" (our issuer)"]) {
            try eapTLS("dave", preflight: false)
        },
        Scenario("tls-noeku (refused after the handshake)", rule: "client-cert-no-client-auth", error: 853, .likely,
                 reasons: [296], mentions: ["after the TLS handshake completed", "no Extended Key Usage"]) {
            try eapTLS("erin", faults: [.rejectAfterHandshake])
        },
        Scenario("tls-rogue", rule: "client-cert-chain-incomplete", error: 853, .likely, reasons: [295],
                 mentions: ["pre-flight: issuer \"CN=Rogue CA\" of \"CN=mallory@diag.test\" is missing"]) {
            try eapTLS("mallory")
        },
        Scenario("tls-rogue without a pre-flight", rule: "client-cert-issuer-not-requested", error: 853, .likely,
                 reasons: [295], mentions: ["listed only \"CN=Diag Issuing CA\", \"CN=Diag Root CA\", not our "
                                            + "issuer \"CN=Rogue CA\""]) {
            try eapTLS("mallory", preflight: false)
        },
        Scenario("tls-rogue with the alert", rule: "client-cert-untrusted-alert", error: 853, .likely,
                 reasons: [295], mentions: ["unknown_ca (48)"]) {
            try eapTLS("mallory", faults: [.alertOnClientRefusal])
        },
        Scenario("tls-retired-main", rule: "client-cert-chain-incomplete", error: 853, .likely,
                 mentions: ["CN=Diag Retired Issuing CA"]) {
            try eapTLS("frank")
        },
        Scenario("tls-retired (the seed's NTAuth case)", rule: "client-cert-not-mapped", error: 853, .likely,
                 reasons: [16, 265],
                 mentions: ["Access-Reject + EAP-Failure after the TLS handshake completed (round trip",
                            "no TLS alert received", "the server's Finished arrived",
                            "listed \"CN=Diag Retired Issuing CA\" (our issuer)", "no pre-flight finding",
                            "\"CN=frank@diag.test\"",
                            "our certificate names its account's SID \(DiagnosisPKI.sid) (SID extension)"]) {
            try eapTLS("frank", clientCAs: "ntauth-chain.pem", faults: [.rejectAfterHandshake], serverCRL: nil,
                       preflightCA: "ntauth-chain.pem")
        },
        Scenario("tls-strongmap-nosid (KB5014754: no SID, refused after the handshake)",
                 rule: "client-cert-not-strongly-mapped", error: 853, .likely, reasons: [16],
                 mentions: ["Access-Reject + EAP-Failure after the TLS handshake completed (round trip",
                            "no TLS alert received",
                            "our certificate carries neither the SID extension (1.3.6.1.4.1.311.25.2) nor a SAN URI "
                                + "tag:microsoft.com,2022-09-14:sid:<SID>: not strongly mapped (KB5014754)",
                            "pre-flight: client certificate \"CN=ivan@diag.test\" carries neither"]) {
            try eapTLS("ivan", faults: [.rejectAfterHandshake])
        },
        Scenario("tls-retired over TLS 1.3", rule: "client-cert-not-mapped", error: 853, .likely,
                 mentions: ["success indication arrived"]) {
            try eapTLS("frank", clientCAs: "ntauth-chain.pem", faults: [.rejectAfterHandshake], serverCRL: nil,
                       version: .tls1_3, preflightCA: "ntauth-chain.pem")
        },
        Scenario("client certificate not yet valid", rule: "client-cert-not-yet-valid", error: 854, .likely,
                 reasons: [268], mentions: ["is not valid before 2099-01-01"]) {
            try eapTLS("gina")
        },
        Scenario("access_denied after our Finished", rule: "client-cert-access-denied-alert", error: 853, .possible,
                 reasons: [265], mentions: ["access_denied (49) right after our TLS Finished"]) {
            try eapTLS("alice") { _, step, reply in
                guard step == .tlsClientFinishedSent else { return nil }
                return reply.first == 1 ? alertRequest(reply, description: 49) : failure(reply)
            }
        },
        Scenario("server cannot get the CRL, and says so", rule: "revocation-check-failed", error: 812, .likely,
                 reasons: [258], mentions: ["“unable to get certificate CRL”"], messageDriven: true) {
            var evidence = try eapTLS("alice", serverCRL: "rogue.crl")
            evidence.replyMessages = ["unable to get certificate CRL"]
            return evidence
        },
        Scenario("server cannot get the CRL, silently", rule: "client-cert-refused", error: 853, .likely,
                 mentions: ["no TLS alert received", "no pre-flight finding"]) {
            try eapTLS("alice", serverCRL: "rogue.crl")
        },
        Scenario("no client certificate", rule: "no-client-certificate", error: 798, .likely, reasons: [263],
                 mentions: ["we sent no client certificate"]) {
            try eapTLS(nil)
        },
        Scenario("tls-policy (the server offers PEAP only)", rule: "method-refused", error: 812, .likely,
                 reasons: [66],
                 mentions: ["the server proposed PEAP (25); we answered with a Nak asking for EAP-TLS"]) {
            try eapTLS("alice", faults: [.proposeFirst(25), .failAfterNak])
        },
        Scenario("TLS version mismatch with the alert", rule: "tls-settings-mismatch", error: nil, .likely,
                 reasons: [269], mentions: ["protocol_version (70)", "before any certificate was judged"]) {
            try eapTLS("alice", faults: [.alertOnClientRefusal], version: .tls1_3, serverVersion: .tls1_2)
        },
        Scenario("TLS alert from a middlebox", rule: "tls-alert-other", error: nil, .likely,
                 mentions: ["decode_error (50)"]) {
            // The answer to our ClientHello (round 1) replaced by a fatal decode_error record.
            try eapTLS("alice") { round, _, reply in round == 1 ? alertRequest(reply, description: 50) : nil }
        },
        Scenario("tls-forgetful (follow-ups reach another backend)", rule: "reject-lost-conversation", error: nil,
                 .likely, mentions: ["Access-Reject without EAP-Message during the TLS handshake",
                                     "carried the server's State after 1 answered round trip",
                                     "last sent ClientHello", "did not carry on our EAP conversation"]) {
            // The lab's forgetful backend: a State it never issued gets a bare Access-Reject.
            try eapTLS("alice") { _, step, _ in isClientHelloSent(step) ? EvidenceBuilder.rejectWithoutEAP : nil }
        },
        Scenario("TLS 1.0 only, refused at the ClientHello (no alert, as FreeRADIUS)",
                 rule: "tls-refused-at-client-hello", error: nil, .likely, reasons: [269],
                 mentions: ["Access-Reject + EAP-Failure right after our ClientHello",
                            "our ClientHello offered only TLS 1.0: not the TLS 1.2 NPS speaks"]) {
            try eapTLS("alice", version: .tls1_0, serverVersion: .tls1_2)
        },
        Scenario("refused at the ClientHello with an EAP-Failure", rule: "tls-refused-at-client-hello",
                 error: nil, .likely, reasons: [269], mentions: ["offered only TLS 1.2, which NPS accepts"]) {
            try eapTLS("alice") { _, step, reply in isClientHelloSent(step) ? failure(reply) : nil }
        },
        Scenario("premature EAP-Success", rule: "protocol-violation", error: nil, .certain,
                 mentions: ["EAP-Success before the method could succeed"]) {
            try eapTLS("alice", faults: [.prematureSuccess])
        },
        Scenario("fragment size below the minimum", rule: "local-configuration", error: nil, .certain,
                 mentions: ["fragment size 3"]) {
            try eapTLS("alice", fragmentSize: 3)
        },
    ]

    // MARK: We judge the server's certificate (cases.tsv tls-*-server, tls-wrong-name, peap-*-server)

    static let serverCertificateCases: [Scenario] = [
        Scenario("tls-wrong-name", rule: "server-cert-name", error: 857, .certain,
                 mentions: ["does not match [nps.diag.test]", "our credentials were never sent"]) {
            try eapTLS("alice", names: ["nps.diag.test"])
        },
        Scenario("tls-untrusted-server", rule: "server-root-untrusted", error: 864, .certain,
                 mentions: ["we refused the server's certificate", "CN=Diag Root CA"]) {
            try eapTLS("alice", trust: "rogue.pem")
        },
        Scenario("tls-rogue-server", rule: "server-root-untrusted", error: 864, .certain,
                 mentions: ["CN=Rogue CA"]) {
            try eapTLS("alice", server: "server-rogue")
        },
        Scenario("tls-expired-server", rule: "server-cert-expired", error: 858, .certain,
                 mentions: ["has expired (notAfter 2021-01-01"]) {
            try eapTLS("alice", server: "server-expired")
        },
        Scenario("revoked server certificate", rule: "server-cert-revoked", error: 859, .certain,
                 mentions: ["is revoked by its issuer's CRL"]) {
            try eapTLS("alice", server: "server-revoked", clientCRL: "issuing.crl")
        },
        Scenario("tls-noeku-server", rule: "server-cert-eku", error: 857, .likely, mentions: ["serverAuth"]) {
            try eapTLS("alice", server: "server-noeku")
        },
        Scenario("server without its intermediate", rule: "server-chain-incomplete", error: 864, .likely,
                 mentions: ["was neither sent by the peer nor found"]) {
            // Without client CAs in its store, OpenSSL cannot complete the server's chain on its own.
            try eapTLS("alice", server: "server-leaf", clientCAs: nil)
        },
        Scenario("server certificate with an unknown critical extension", rule: "server-cert-other", error: 860,
                 .likely, mentions: ["unhandled critical extension"]) {
            try eapTLS("alice", server: "server-critical")
        },
        Scenario("peap-expired-server", rule: "server-cert-expired", error: 858, .certain) {
            try peap(server: "server-expired")
        },
        Scenario("peap-rogue-server", rule: "server-root-untrusted", error: 864, .certain) {
            try peap(server: "server-rogue")
        },
    ]

    // MARK: PEAP (cases.tsv peap-*)

    static let peapCases: [Scenario] = [
        Scenario("peap-mschapv2 (crypto-binding as NPS)", rule: "accepted", error: nil, .certain,
                 mentions: ["PEAP crypto-binding verified", "the MS-MPPE keys match"]) { try peap() },
        Scenario("peap-mschapv2-wrong", rule: "mschap-e691", error: 691, .certain, reasons: [16, 8],
                 mentions: ["inner MS-CHAPv2 Failure E=691 R=0", "after the inner identity \"bob\"",
                            "R=0: the server allows no retry"]) {
            try peap(password: "wrong-pass")
        },
        Scenario("peap-mschapv2-unknown-user", rule: "mschap-e691", error: 691, .certain, reasons: [8]) {
            try peap(password: "nobody-pass", user: "nobody")
        },
        Scenario("peap password expired", rule: "mschap-e648", error: 648, .certain, reasons: [33],
                 mentions: ["E=648"]) {
            try peap(faults: [.passwordExpired])
        },
        Scenario("peap-mschapv2-cb-required (FreeRADIUS sends no binding)", rule: "crypto-binding-required",
                 error: 824, .likely, mentions: ["without a Crypto-Binding TLV"]) {
            try peap(cryptoBinding: false, policy: .required)
        },
        Scenario("crypto-binding that does not verify", rule: "crypto-binding-failed", error: 823, .likely,
                 mentions: ["Crypto-Binding TLV does not verify"]) {
            try peap(faults: [.wrongCompoundMAC])
        },
        Scenario("impostor MS-CHAPv2 server", rule: "mschapv2-impostor", error: nil, .certain,
                 mentions: ["authenticator response (S=) does not prove"]) {
            try peap(faults: [.wrongAuthenticatorResponse])
        },
        Scenario("password right, then a Result TLV failure", rule: "inner-success-then-refused", error: 812,
                 .likely, reasons: [48], mentions: ["(S=) verified", "Result TLV said failure"]) {
            try peap(faults: [.resultFailure])
        },
        Scenario("phase 2 skipped on a new tunnel", rule: "phase2-skipped", error: nil, .certain,
                 mentions: ["before any inner method ran"]) {
            try peap(cryptoBinding: false, faults: [.skipPhase2])
        },
        Scenario("inner identity refused", rule: "inner-result-failure", error: 691, .likely,
                 mentions: ["after the inner identity \"bob\"", "no MS-CHAP error code"]) {
            try peap { _, step, reply in step == .innerIdentity ? failure(reply) : nil }
        },
        Scenario("inner method refused after our inner Nak", rule: "method-refused", error: 812, .likely,
                 mentions: ["inside the tunnel the server proposed EAP-TLS (13)"]) {
            try peap(faults: [.innerProposeFirst(13), .failAfterNak])
        },
        Scenario("peap-outsider-policy (refused at the identity)", rule: "reject-before-method", error: 812, .likely,
                 reasons: [48, 49, 65], mentions: ["right after our EAP identity \"anonymous\"",
                                                   "no EAP method started"]) {
            try peap { _, step, reply in step == .identity ? failure(reply) : nil }
        },
        Scenario("refused after the tunnel, before phase 2", rule: "reject-unexplained", error: nil, .possible,
                 mentions: ["after the PEAP tunnel was established"]) {
            try peap { _, step, reply in step == .tunnelEstablished ? failure(reply) : nil }
        },
        Scenario("peap-tls-rogue (inner certificate refused)", rule: "client-cert-chain-incomplete", error: 853,
                 .likely, mentions: ["right after our inner TLS Finished", "our inner client certificate"]) {
            try peapTLS("mallory")
        },
        Scenario("peap-tls", rule: "accepted", error: nil, .certain) { try peapTLS("alice") },
        Scenario("peap-mschapv2-locked (E=647 M=Account locked out, as FreeRADIUS)", rule: "account-locked-out",
                 error: 647, .certain, reasons: [36],
                 mentions: ["the server says “Account locked out” in its MS-CHAP failure (E=647)",
                            "a Windows client shows the E= code: 647"]) {
            try peap(faults: [.accountRefused(code: 647, message: "Account locked out")])
        },
        Scenario("peap-mschapv2-disabled (E=691 M=Account disabled, as FreeRADIUS)", rule: "account-disabled",
                 error: 691, .certain, reasons: [34], mentions: ["“Account disabled”"]) {
            try peap(faults: [.accountRefused(code: 691, message: "Account disabled")])
        },
        Scenario("bare EAP-MSCHAPv2, wrong password", rule: "mschap-e691", error: 691, .certain,
                 mentions: ["EAP-MSCHAPv2 Failure E=691 R=0", "after our MS-CHAPv2 response"]) {
            var options = TestEAPServer.Options(method: .mschapv2)
            options.users = ["bob": "bob-pass"]
            let credentials = MSCHAPv2Credentials(username: "bob", password: "wrong-pass")
            return EvidenceBuilder.run(EAPPeerConfiguration(identity: "bob", method: .mschapv2(credentials)),
                                       server: TestEAPServer(options), method: "eap-mschapv2")
        },
    ]

    // MARK: One request: PAP, CHAP, MS-CHAPv2 (cases.tsv pap-*, chap-*)

    static let radiusCases: [Scenario] = [
        Scenario("pap-alice", rule: "accepted", error: nil, .certain, mentions: ["Access-Accept (round trip 1)"]) {
            EvidenceBuilder.single(method: "pap", outcome: .accept, replyCode: .accessAccept)
        },
        Scenario("pap-alice-wrong", rule: "password-reject", error: 691, .likely, reasons: [16, 8],
                 mentions: ["Access-Reject to the PAP request for \"alice\" (round trip 1)"]) {
            EvidenceBuilder.single(method: "pap", outcome: .reject, replyCode: .accessReject)
        },
        Scenario("pap refused, password beyond ASCII", rule: "password-beyond-ascii", error: 691, .likely,
                 reasons: [16],
                 mentions: ["Access-Reject to the PAP request for \"ursula\" (round trip 1)",
                            "pre-flight: the PAP password holds characters beyond ASCII (ä), sent as utf-8"]) {
            var evidence = EvidenceBuilder.single(method: "pap", identity: "ursula", outcome: .reject,
                                                  replyCode: .accessReject)
            evidence.preflight = [PreflightFinding(
                kind: .passwordBeyondASCII,
                detail: "the PAP password holds characters beyond ASCII (ä), sent as utf-8")]
            return evidence
        },
        Scenario("pap refused with a policy message", rule: "reject-policy-message", error: 812, .likely,
                 mentions: ["“Access denied by policy”"], messageDriven: true) {
            EvidenceBuilder.single(method: "pap", outcome: .reject, replyCode: .accessReject,
                                   replyMessages: ["Access denied by policy"])
        },
        Scenario("mschapv2 E=691 in MS-CHAP-Error", rule: "mschap-e691", error: 691, .certain,
                 mentions: ["MS-CHAP-Error \"E=691 R=0", "in the Access-Reject (round trip 1)"]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=691 R=0 \(msCHAPChallenge) V=3 M=Authentication failure")
        },
        Scenario("mschapv2-locked (MS-CHAP-Error E=647 M=Account locked out)", rule: "account-locked-out",
                 error: 647, .certain, reasons: [36], mentions: ["“Account locked out”"]) {
            EvidenceBuilder.single(method: "mschapv2", identity: "locked-user", outcome: .reject,
                                   replyCode: .accessReject,
                                   msCHAPError: "E=647 R=0 \(msCHAPChallenge) V=3 M=Account locked out")
        },
        Scenario("mschapv2 E=647 M=Account expired", rule: "account-expired", error: 647, .certain, reasons: [35]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=647 R=0 \(msCHAPChallenge) V=3 M=Account expired")
        },
        Scenario("pap refused with a lockout Reply-Message", rule: "account-locked-out", error: 691, .certain,
                 reasons: [36], mentions: ["the server's Reply-Message: “Your account has been locked out”"],
                 messageDriven: true) {
            EvidenceBuilder.single(method: "pap", outcome: .reject, replyCode: .accessReject,
                                   replyMessages: ["Your account has been locked out"])
        },
        Scenario("mschapv2 E=649", rule: "mschap-e649", error: 649, .certain, reasons: [65]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=649 R=0 \(msCHAPChallenge) V=3")
        },
        Scenario("mschapv2 E=646", rule: "mschap-e646", error: 646, .certain, reasons: [37]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=646 R=0 \(msCHAPChallenge) V=3")
        },
        Scenario("mschapv2 E=647", rule: "mschap-e647", error: 647, .certain, reasons: [34]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=647 R=0 \(msCHAPChallenge) V=3")
        },
        Scenario("mschapv2 E=709", rule: "mschap-e709", error: 709, .certain, reasons: [17]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=709 R=0 \(msCHAPChallenge) V=3")
        },
        Scenario("mschapv2 with an unknown code", rule: "mschap-other", error: nil, .possible,
                 mentions: ["E=4242"]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "E=4242 R=0 V=3")
        },
        Scenario("mschapv2 with an unparsable MS-CHAP-Error", rule: "password-reject", error: 691, .likely,
                 mentions: ["does not parse"]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .reject, replyCode: .accessReject,
                                   msCHAPError: "no error code here")
        },
        Scenario("mschapv2 accept whose MS-CHAP2-Success does not verify", rule: "mschapv2-impostor", error: nil,
                 .certain, mentions: ["the server's MS-CHAPv2 authenticator response (S=) does not prove"]) {
            EvidenceBuilder.single(method: "mschapv2", outcome: .error, replyCode: .accessAccept,
                                   localError: .msCHAPv2SuccessInvalid)
        },
        Scenario("unreadable key file", rule: "local-error", error: nil, .certain,
                 mentions: ["local error: \(EvidenceBuilder.localErrorWords)"]) {
            var evidence = ConversationEvidence(outcome: .error, method: "eap-tls", identity: "alice")
            evidence.fail(.credentials, EvidenceBuilder.localErrorWords)
            return evidence
        },
        Scenario("nothing known", rule: "unexplained", error: nil, .possible, mentions: ["outcome: error"]) {
            ConversationEvidence(outcome: .error, method: "pap", identity: "alice")
        },
        Scenario("accepted, MPPE keys differ", rule: "accepted-mppe-mismatch", error: nil, .certain,
                 mentions: ["differ from the client's"]) {
            var evidence = try peap()
            evidence.mppeKeys = .mismatch
            return evidence
        },
        Scenario("accepted without MPPE keys", rule: "accepted-mppe-absent", error: nil, .likely,
                 mentions: ["carries no MS-MPPE keys"]) {
            var evidence = try eapTLS("alice")
            evidence.mppeKeys = .absent
            return evidence
        },
    ]

    // MARK: No usable reply (cases.tsv tls-small-path, tls-silent, pap-wrong-secret)

    static let transportCases: [Scenario] = [
        Scenario("tls-small-path (datagrams > 1000 bytes dropped)", rule: "timeout-fragments-dropped", error: 809,
                 .likely, mentions: ["the largest answered request was", "got no verified reply"]) {
            try eapTLS("alice-full", path: .dropsLargerThan(1000))
        },
        Scenario("tls-small-path-fragments", rule: "accepted", error: nil, .certain) {
            try eapTLS("alice-full", fragmentSize: 300, path: .dropsLargerThan(1000))
        },
        Scenario("tls-silent", rule: "timeout-no-reply", error: 809, .likely,
                 mentions: ["no datagram came back from 127.0.0.1:1812 for 1 request (3 transmissions)"]) {
            try eapTLS("alice", path: .silentFrom(0))
        },
        Scenario("server lost the conversation (silent mid-way)", rule: "timeout-lost-conversation", error: nil,
                 .likely, mentions: ["carried the server's State"]) {
            try eapTLS("alice", path: .silentFrom(2))
        },
        Scenario("pap-wrong-secret (silently dropped)", rule: "timeout-no-reply", error: 809, .likely) {
            EvidenceBuilder.single(method: "pap", outcome: .timeout, replyCode: nil, transmissions: 3)
        },
        Scenario("replies signed with another secret", rule: "timeout-wrong-secret", error: 809, .certain,
                 mentions: ["failed verification", "shared secret"]) {
            EvidenceBuilder.single(
                method: "pap", outcome: .timeout, replyCode: nil,
                discarded: [try EvidenceBuilder.wrongSecretDiscard()], transmissions: 3)
        },
        Scenario("pap-unsigned (stock FreeRADIUS 3.2.1: accepts without Message-Authenticator)",
                 rule: "timeout-unsigned-reply", error: nil, .certain,
                 mentions: ["the server answered 2 times", "2 Access-Accepts, all without Message-Authenticator",
                            "the secret is right", "npsprobe stopped after 2 transmissions"]) {
            var evidence = EvidenceBuilder.single(
                method: "pap", outcome: .timeout, replyCode: nil,
                discarded: [try EvidenceBuilder.unsignedDiscard(), try EvidenceBuilder.unsignedDiscard()],
                transmissions: 2)
            evidence.roundTrips[0].stoppedEarly = .messageAuthenticatorMissing
            return evidence
        },
        Scenario("an unsigned reply under another secret is a wrong secret", rule: "timeout-wrong-secret",
                 error: 809, .certain, mentions: ["Access-Accept that failed verification"]) {
            EvidenceBuilder.single(
                method: "pap", outcome: .timeout, replyCode: nil,
                discarded: [try EvidenceBuilder.wrongSecretDiscard(code: .accessAccept, signed: false)])
        },
        Scenario("tls-closed-port (ICMP port unreachable)", rule: "timeout-port-closed", error: 809, .certain,
                 mentions: ["port closed: nothing listens there (ICMP port unreachable from 127.0.0.1)"]) {
            var evidence = EvidenceBuilder.single(method: "pap", outcome: .timeout, replyCode: nil)
            evidence.roundTrips[0].unreachable = UnreachableEvidence(
                kind: .portClosed, from: "127.0.0.1", icmpType: 3, icmpCode: 3)
            return evidence
        },
        Scenario("a router says the host is unreachable", rule: "timeout-unreachable", error: 809, .certain,
                 mentions: ["host unreachable (ICMP host unreachable from 10.0.0.1)"]) {
            var evidence = EvidenceBuilder.single(method: "pap", outcome: .timeout, replyCode: nil)
            evidence.roundTrips[0].unreachable = UnreachableEvidence(
                kind: .hostUnreachable, from: "10.0.0.1", icmpType: 3, icmpCode: 1)
            return evidence
        },
        Scenario("replies from another address", rule: "timeout-reply-from-other-address", error: 809, .likely,
                 mentions: ["came from 10.0.0.9:1812"]) {
            EvidenceBuilder.single(
                method: "pap", outcome: .timeout, replyCode: nil,
                discarded: [DiscardedDatagram(from: "10.0.0.9:1812", size: 38, code: .foreignSource,
                                              reason: "came from 10.0.0.9:1812, not from 127.0.0.1:1812")],
                transmissions: 3)
        },
        Scenario("timeout after an answered request without State", rule: "timeout", error: 809, .possible,
                 mentions: ["1 of 2 round trips answered"]) {
            let answered = RoundTripEvidence(
                server: EvidenceBuilder.serverAddress, requestCode: .accessRequest, identifier: 1, requestSize: 90,
                requestHadState: false, transmissions: 1, latencyMilliseconds: 2, replyCode: .accessReject)
            let lost = RoundTripEvidence(
                server: EvidenceBuilder.serverAddress, requestCode: .accessRequest, identifier: 2, requestSize: 90,
                requestHadState: false, transmissions: 3, latencyMilliseconds: 9000)
            return ConversationEvidence(outcome: .timeout, method: "pap", identity: "alice",
                                        roundTrips: [answered, lost])
        },
    ]
}
