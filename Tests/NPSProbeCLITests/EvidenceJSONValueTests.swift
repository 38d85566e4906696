import EAP
import Evidence
import Foundation
import RADIUS
import Reports
import Testing
import TLS

/// The typed evidence (issue 9) keeps the `--json` values it had as text: failure kinds, Result TLV status, RADIUS
/// codes and TLS handshake messages encode as the same strings, and the typed additions sit beside them.
@Suite("evidence JSON values")
struct EvidenceJSONValueTests {
    static func evidence() -> ConversationEvidence {
        var tls = TLSEvidence()
        tls.events = [.handshakeSent(message: .clientHello), .handshakeReceived(message: .serverHello),
                      .handshakeSent(message: TLSHandshakeType(rawValue: 99)),
                      .alertReceived(alert: TLSAlert(level: .fatal, code: 48))]
        tls.lastHandshakeMessageSent = .finished
        tls.minimumVersionOffered = .tls1_0
        tls.maximumVersionOffered = .tls1_2
        let eap = EAPEvidence(
            method: "PEAP", methodType: 25, innerMethodType: 26, cryptoBindingPolicy: .required,
            step: .tlsHandshake(lastSent: .clientHello, lastReceived: nil),
            failure: EAPEvidence.Failure(kind: .innerFailure, step: .innerIdentity, reason: "words",
                                         resultTLV: .failure),
            tls: tls)
        var evidence = ConversationEvidence(
            outcome: .error, method: "peap-mschapv2", identity: "anonymous",
            roundTrips: [RoundTripEvidence(server: "127.0.0.1:1812", requestCode: .accessRequest, identifier: 3,
                                           requestSize: 120, requestHadState: true, transmissions: 1,
                                           latencyMilliseconds: 1, replyCode: RADIUSCode(99), replySize: 20,
                                           requestEAP: EAPPacketSummary(code: 2, identifier: 4, type: 25, length: 6),
                                           replyEAP: EAPPacketSummary(code: 4, identifier: 4, length: 4))],
            eap: eap)
        evidence.fail(.msCHAPv2SuccessInvalid, "words")
        evidence.record(msCHAPError: "E=691 R=0 V=3 M=Authentication failed")
        return evidence
    }

    static func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try JSONStyle.encoder().encode(evidence()))
            as? [String: Any])
    }

    @Test("typed values encode as the strings the contract names")
    func stringsKept() throws {
        let json = try Self.object()
        let eap = try #require(json["eap"] as? [String: Any])
        let failure = try #require(eap["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "innerFailure")
        #expect(failure["result_tlv"] as? String == "failure")
        let trip = try #require((json["round_trips"] as? [[String: Any]])?.first)
        #expect(trip["request_code"] as? String == "Access-Request")
        #expect(trip["reply_code"] as? String == "Unknown-Code-99")
        let step = try #require((eap["step"] as? [String: Any])?["tls_handshake"] as? [String: Any])
        #expect(step["last_sent"] as? String == "ClientHello")
        let tls = try #require(eap["tls"] as? [String: Any])
        #expect(tls["last_handshake_message_sent"] as? String == "Finished")
        let events = try #require(tls["events"] as? [[String: Any]])
        let sent = events.compactMap { ($0["handshake_sent"] as? [String: Any])?["message"] as? String }
        #expect(sent == ["ClientHello", "HandshakeType(99)"])
        let alert = try #require((events.last?["alert_received"] as? [String: Any])?["alert"] as? [String: Any])
        #expect(alert["name"] as? String == "unknown_ca" && alert["code"] as? Int == 48)
    }

    @Test("the typed additions sit beside the text fields")
    func typedFieldsAdded() throws {
        let json = try Self.object()
        #expect(json["local_error"] as? String == "words")
        #expect(json["local_error_code"] as? String == "mschapv2_success_invalid")
        #expect(json["mschap_error"] as? String == "E=691 R=0 V=3 M=Authentication failed")
        #expect((json["mschap_failure"] as? [String: Any])?["error_code"] as? Int == 691)
        let eap = try #require(json["eap"] as? [String: Any])
        #expect(eap["method_type"] as? Int == 25 && eap["inner_method_type"] as? Int == 26)
        #expect(eap["crypto_binding_policy"] as? String == "required")
        let tls = try #require(eap["tls"] as? [String: Any])
        #expect(tls["minimum_version_offered"] as? String == "1.0")
        #expect(tls["maximum_version_offered"] as? String == "1.2")
        let trip = try #require((json["round_trips"] as? [[String: Any]])?.first)
        #expect((trip["reply_eap"] as? [String: Any])?["code"] as? Int == 4)
        #expect((trip["request_eap"] as? [String: Any])?["type"] as? Int == 25)
    }

    @Test("records decode back, and records without the typed additions still decode")
    func decoding() throws {
        let evidence = Self.evidence()
        let encoded = try JSONEncoder().encode(evidence)
        #expect(try JSONDecoder().decode(ConversationEvidence.self, from: encoded) == evidence)
        let older = #"""
            {"outcome":"reject","method":"eap-tls","identity":"a",
             "roundTrips":[{"server":"s","requestCode":"Access-Request","identifier":1,"requestSize":90,
             "requestHadState":false,"transmissions":1,"latencyMilliseconds":1,
             "replyCode":"Access-Reject","replyHasState":false,"discarded":[],"discardedCount":0}],"replyMessages":[],
             "mppeKeys":"not_applicable","preflight":[],
             "eap":{"method":"EAP-TLS","trace":[],"step":{"tlsHandshake":{"lastSent":"ClientHello"}},
                    "failure":{"kind":"eapFailure","step":{"identity":{}},"reason":"r","resultTLV":"failure"},
                    "cryptoBinding":{"notApplicable":{}},"resumed":false,"innerMethodRan":false}}
            """#
        let decoded = try JSONDecoder().decode(ConversationEvidence.self, from: Data(older.utf8))
        #expect(decoded.roundTrips.first?.replyCode == .accessReject)
        #expect(decoded.eap?.failure?.kind == .eapFailure && decoded.eap?.failure?.resultTLV == .failure)
        #expect(decoded.eap?.step == .tlsHandshake(lastSent: .clientHello, lastReceived: nil))
        #expect(decoded.localErrorCode == nil && decoded.roundTrips.first?.replyEAP == nil)
    }
}
