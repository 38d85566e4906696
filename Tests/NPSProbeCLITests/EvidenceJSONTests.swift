import TLSTestSupport
import Jobs
import Reports
import Evidence
import EAP
import Foundation
import NPS
import Profiles
import Testing
import TLS

/// The evidence `auth --json` embeds, encoded with the one JSON style: every associated value of the trace,
/// step and TLS enums has a label, so no key is Swift's positional `_0`.
@Suite("evidence JSON shape")
struct EvidenceJSONTests {
    /// Drives a client and a server against each other in memory until one side has nothing more to send.
    private static func handshake(_ client: TLSSession, _ server: TLSServerSession) -> TLSEvidence {
        var step = client.start()
        for _ in 0..<16 {
            if step.output.isEmpty { break }
            if case .failed = step {
                _ = server.receive(step.output)
                break
            }
            let reply = server.receive(step.output).output
            if reply.isEmpty { break }
            step = client.receive(reply)
        }
        return client.evidence
    }

    /// A PEAP conversation as the peer records it: the outer handshake is real (TLS 1.2 to a server the client
    /// trusts), the inner EAP-TLS handshake is real too (the client refuses the server's name: its alert is
    /// recorded), and the trace carries every event that holds a value.
    private static func realisticEvidence() throws -> ConversationEvidence {
        let ca = try TLSTestCertificateAuthority(commonName: "JSON Test Root")
        let serverName = "radius.json.test"
        let server = try TLSServerContext(TLSServerConfiguration(
            credentials: try ca.issue(commonName: serverName, dnsNames: [serverName],
                                      extendedKeyUsages: ["serverAuth"]),
            maximumVersion: .tls1_2))
        func client(names: [String]) throws -> TLSClientContext {
            try TLSClientContext(TLSClientConfiguration(
                validation: TLSServerValidation(acceptedServerNames: names, trustedCAPEM: ca.certificatePEM)))
        }
        let outer = handshake(try client(names: [serverName]).makeSession(), try server.makeSession())
        let inner = handshake(try client(names: ["other.json.test"]).makeSession(), try server.makeSession())
        #expect(!outer.handshakeMessagesSent.isEmpty && !outer.handshakeMessagesReceived.isEmpty)
        #expect(!inner.alertsSent.isEmpty && inner.serverValidationFailure != nil)

        let failure = MSCHAPv2Failure(errorCode: 691, retryAllowed: false, challenge: Array(repeating: 0xA5, count: 16),
                                      message: "E=691 R=0 V=3")
        var trace: [EAPTraceEvent] = [
            .identitySent(identity: "anonymous"),
            .requestReceived(identifier: 1, type: 13, flags: 0x20, length: 6),
            .nakSent(offered: 13, desired: [25]),
            .requestReceived(identifier: 2, type: 25, flags: 0x20, length: 6),
            .methodStarted(type: 25),
            .fragmentSent(index: 1, of: 1, bytes: 180),
            .fragmentReceived(bytes: 1398, flags: 0xC0),
            .ackSent,
            .ackReceived,
        ]
        trace += outer.events.map { .tlsEvent(event: $0) }
        trace += [
            .tlsEstablished(version: outer.version?.rawValue, cipher: outer.cipher, resumed: outer.resumed),
            .capabilitiesAnswered,
            .innerIdentitySent(identity: "alice"),
            .innerRequest(type: 13),
            .innerNakSent(offered: 13, desired: [26]),
            .innerRequest(type: 26),
            .msCHAPv2Challenge,
            .msCHAPv2Failure(failure: failure),
            .innerRequest(type: 13),
        ]
        trace += inner.events.map { .innerTLSEvent(event: $0) }
        trace += [
            .innerTLSEstablished(version: "1.2", cipher: nil, resumed: false),
            .msCHAPv2Success(verified: false),
            .notification(text: "Your password has expired"),
            .cryptoBinding(outcome: .failed(reason: "Compound MAC mismatch")),
            .resultTLV(success: false),
            .tunneledResult(success: false),
            .eapFailure,
        ]
        let eap = EAPEvidence(
            method: "PEAP", innerMethod: "EAP-MSCHAPv2", trace: trace, step: .innerMethodSucceeded(type: 26),
            failure: EAPEvidence.Failure(kind: .innerFailure, step: .innerMethod(type: 26),
                                         reason: "inner MS-CHAPv2 E=691", mschapv2: failure, resultTLV: .failure),
            tls: outer, innerTLS: inner, cryptoBinding: .failed(reason: "Compound MAC mismatch"))
        return ConversationEvidence(
            outcome: .reject, method: "peap-mschapv2", identity: "anonymous", server: "127.0.0.1:1812",
            roundTrips: [RoundTripEvidence(server: "127.0.0.1:1812", requestCode: .accessRequest, identifier: 0,
                                           requestSize: 120, requestHadState: false, transmissions: 1,
                                           latencyMilliseconds: 1.5, replyCode: .accessReject, replySize: 44)],
            replyMessages: ["denied"], eap: eap,
            preflight: [PreflightFinding(kind: .expiresSoon, detail: "expires in 3 days", certificate: "CN=alice")])
    }

    /// Every key of every object in a parsed JSON tree, with the key of the object that holds it.
    private static func keys(_ node: Any, parent: String = "") -> [(parent: String, key: String)] {
        if let object = node as? [String: Any] {
            return object.flatMap { key, value in [(parent, key)] + keys(value, parent: key) }
        }
        if let array = node as? [Any] { return array.flatMap { keys($0, parent: parent) } }
        return []
    }

    @Test("no positional _N key anywhere in the evidence or its diagnosis")
    func noPositionalKeys() throws {
        let evidence = try Self.realisticEvidence()
        let encoder = JSONStyle.encoder()
        for data in [try encoder.encode(evidence), try encoder.encode(Diagnoser.diagnose(evidence))] {
            let tree = try JSONSerialization.jsonObject(with: data)
            let positional = Self.keys(tree).filter { $0.key.wholeMatch(of: /_[0-9]+/) != nil }
            #expect(positional.isEmpty, "positional keys under \(positional.map(\.parent))")
        }
        // The walk reaches the enums' payloads, and they carry the labels the JSON contract names.
        let found = Self.keys(try JSONSerialization.jsonObject(with: try encoder.encode(evidence)))
        for (parent, key) in [("identity_sent", "identity"), ("method_started", "type"), ("tls_event", "event"),
                              ("handshake_sent", "message"), ("handshake_received", "message"),
                              ("alert_sent", "alert"), ("inner_tls_event", "event"),
                              ("inner_identity_sent", "identity"), ("mschapv2_failure", "failure"),
                              ("notification", "text"), ("crypto_binding", "outcome"), ("failed", "reason"),
                              ("inner_method", "type"), ("inner_method_succeeded", "type")] {
            #expect(found.contains { $0.parent == parent && $0.key == key }, "\(parent).\(key)")
        }
    }

    @Test("the labelled evidence decodes back to itself")
    func roundTrip() throws {
        let evidence = try Self.realisticEvidence()
        let data = try JSONEncoder().encode(evidence)
        #expect(try JSONDecoder().decode(ConversationEvidence.self, from: data) == evidence)
    }
}
