import TestServers
import TLSTestSupport
import Evidence
import EAP
import Foundation
import NPS
import RADIUS
import TLS

/// Runs a real in-memory EAP conversation (our `EAPPeer` against the EAP tests' `TestEAPServer`, both on real TLS)
/// and records it as the Probe does: one `RoundTripEvidence` per Access-Request, the EAP evidence built the way
/// `EAPEvidence(configuration:peer:result:failure:)` builds it, outcome and MPPE check included. A `Path` can lose
/// requests, as networks and forgetful servers do.
enum EvidenceBuilder {
    static let serverAddress = "127.0.0.1:1812"
    static let secret = Array("testing123".utf8)

    /// What the network between client and server does.
    enum Path {
        /// Every request arrives.
        case clean
        /// Requests larger than this many bytes are lost (IP fragments dropped).
        case dropsLargerThan(Int)
        /// The server stops answering from this round trip on (counted from 0).
        case silentFrom(Int)
    }

    /// The RADIUS size of an Access-Request carrying `eapLength` octets of EAP: header, User-Name,
    /// NAS-IP-Address, Message-Authenticator, EAP-Message attributes (253 octets each) and State after the first.
    static func requestSize(eapLength: Int, userName: String, state: Bool) -> Int {
        let eapAttributes = eapLength + 2 * ((eapLength + 252) / 253)
        return 20 + (2 + userName.utf8.count) + 6 + 18 + eapAttributes + (state ? 20 : 0)
    }

    /// The RADIUS code that carries a server's EAP packet (RFC 3579 §2.6): Success in an Access-Accept, Failure in
    /// an Access-Reject, a Request in an Access-Challenge.
    static func replyCode(_ eap: [UInt8]) -> RADIUSCode {
        switch eap.first {
        case 3: return .accessAccept
        case 4: return .accessReject
        default: return .accessChallenge
        }
    }

    /// What `tamper` returns for "an Access-Reject without EAP-Message" (a server that lost the conversation).
    static let rejectWithoutEAP: [UInt8] = []

    /// One conversation, recorded. `tamper(round, step, packet)` may replace the server's EAP packet of a round
    /// (``rejectWithoutEAP``: answer with a bare Access-Reject); `step` is where the peer stood when it sent the
    /// request being answered.
    static func run(
        _ configuration: EAPPeerConfiguration, server: TestEAPServer, method: String, path: Path = .clean,
        preflight: [PreflightFinding] = [], replyMessages: [String] = [],
        tamper: ((Int, EAPStep, [UInt8]) -> [UInt8]?)? = nil
    ) -> ConversationEvidence {
        var peer = EAPPeer(configuration: configuration, random: SeededRandom(seed: "diagnosis peer"))
        var action = peer.start()
        var trips: [RoundTripEvidence] = []
        var round = 0
        var timedOut = false
        while case .send(let packet) = action, round < 400 {
            let size = requestSize(eapLength: packet.count, userName: configuration.identity, state: round > 0)
            let lost: Bool
            switch path {
            case .clean: lost = false
            case .dropsLargerThan(let limit): lost = size > limit
            case .silentFrom(let first): lost = round >= first
            }
            if lost {
                trips.append(RoundTripEvidence(
                    server: serverAddress, requestCode: .accessRequest, identifier: round & 0xFF, requestSize: size,
                    requestHadState: round > 0, transmissions: 3, latencyMilliseconds: 9000,
                    eap: "Response \(packet.count) B", requestEAP: EAPPacketSummary(packet)))
                timedOut = true
                break
            }
            var reply = server.receive(packet).bytes
            if let replacement = tamper?(round, peer.step, reply) { reply = replacement }
            let bare = reply.isEmpty
            let code = bare ? .accessReject : replyCode(reply)
            trips.append(RoundTripEvidence(
                server: serverAddress, requestCode: .accessRequest, identifier: round & 0xFF, requestSize: size,
                requestHadState: round > 0, transmissions: 1, latencyMilliseconds: 2,
                replyCode: code, replySize: reply.count + 60, replyHasState: code == .accessChallenge,
                eap: "Response \(packet.count) B → \(reply.count) B", requestEAP: EAPPacketSummary(packet),
                replyEAP: bare ? nil : EAPPacketSummary(reply)))
            // As the Probe does (EAPConversation): a reject ends the conversation whatever it carried.
            action = bare ? peer.receiveRejectWithoutEAPMessage() : peer.receive(reply)
            if case .send = action, code == .accessReject { action = peer.receiveRejectWithoutEAPMessage() }
            round += 1
        }

        var evidence = ConversationEvidence(outcome: .error, method: method, identity: configuration.identity,
                                            server: serverAddress, roundTrips: trips, replyMessages: replyMessages,
                                            preflight: preflight)
        if timedOut {
            evidence.outcome = .timeout
            evidence.eap = EAPEvidence(configuration: configuration, peer: peer, result: nil, failure: nil)
            return evidence
        }
        switch action {
        case .succeeded(let result):
            evidence.outcome = .accept
            evidence.mppeKeys = server.msk.map { $0 == result.msk ? .verified : .mismatch } ?? .absent
            evidence.eap = EAPEvidence(configuration: configuration, peer: peer, result: result, failure: nil)
        case .failed(let failure):
            // As the Probe does (EAPConversation): the server breaking the protocol, or our own settings, are
            // local errors; every other failure is a refusal.
            switch failure.kind {
            case .protocolViolation:
                evidence.outcome = .error
                evidence.fail(.eapProtocolViolation, failure.reason)
            case .configuration:
                evidence.outcome = .error
                evidence.fail(.eapConfiguration, failure.reason)
            default:
                evidence.outcome = .reject
            }
            evidence.eap = EAPEvidence(configuration: configuration, peer: peer, result: nil, failure: failure)
        case .send:
            evidence.fail(.roundTripLimit, "the conversation did not end")
        }
        return evidence
    }

    // MARK: - Non-EAP and transport-only evidence

    /// Words the diagnosis must not read: what a local error's text says is for people; its code decides.
    static let localErrorWords = "words for people, whatever they say"

    /// A PAP/CHAP/MS-CHAPv2 conversation of one request, answered with `replyCode` (nil: never answered). The
    /// MS-CHAP-Error text is the server's, recorded as the Probe records it (decoded where it arrived).
    static func single(
        method: String, identity: String = "alice", outcome: ConversationEvidence.Outcome, replyCode: RADIUSCode?,
        msCHAPError: String? = nil, replyMessages: [String] = [], discarded: [DiscardedDatagram] = [],
        transmissions: Int = 1, localError: LocalErrorCode? = nil, mppeKeys: MPPEKeyCheck = .notApplicable
    ) -> ConversationEvidence {
        let trip = RoundTripEvidence(
            server: serverAddress, requestCode: .accessRequest, identifier: 7, requestSize: 92,
            requestHadState: false, transmissions: transmissions, latencyMilliseconds: replyCode == nil ? 9000 : 3,
            replyCode: replyCode,
            replySize: replyCode == nil ? nil : 38, discarded: discarded)
        var evidence = ConversationEvidence(
            outcome: outcome, method: method, identity: identity, server: serverAddress, roundTrips: [trip],
            replyMessages: replyMessages, mppeKeys: mppeKeys)
        if let msCHAPError { evidence.record(msCHAPError: msCHAPError) }
        if let localError { evidence.fail(localError, localErrorWords) }
        return evidence
    }

    /// The datagram the transport records for an unsigned reply under our secret (FreeRADIUS 3.2.1's PAP accept):
    /// typed by the real verifier.
    static func unsignedDiscard(code: RADIUSCode = .accessAccept, from: String = "127.0.0.1:1812") throws
        -> DiscardedDatagram
    {
        let request = try RADIUSPacket.accessRequest(
            identifier: 7, attributes: [RADIUSAttribute(.userName, string: "alice")], secret: secret,
            random: SeededRandom(seed: "unsigned"))
        let reply = try request.signedReply(code, attributes: [], secret: secret, messageAuthenticator: false)
        do throws(RADIUSError) {
            try reply.verifyReply(to: request, secret: secret)
            return DiscardedDatagram(from: from, size: 20, code: .malformed, reason: "verified (unexpected)")
        } catch {
            return DiscardedDatagram(from: from, size: 20, code: DiscardReason(verifying: error), reason: error.reason,
                                     replyCode: code)
        }
    }

    /// The datagram the transport records for a reply signed with another secret: typed by the real verifier.
    static func wrongSecretDiscard(code: RADIUSCode = .accessReject, from: String = "127.0.0.1:1812",
                                   signed: Bool = true) throws -> DiscardedDatagram
    {
        let request = try RADIUSPacket.accessRequest(
            identifier: 7, attributes: [RADIUSAttribute(.userName, string: "alice")], secret: secret,
            random: SeededRandom(seed: "discard"))
        let reply = try request.signedReply(
            code, attributes: [], secret: Array("another-secret".utf8), messageAuthenticator: signed)
        do throws(RADIUSError) {
            try reply.verifyReply(to: request, secret: secret)
            return DiscardedDatagram(from: from, size: 20, code: .malformed, reason: "verified (unexpected)")
        } catch {
            return DiscardedDatagram(from: from, size: 20, code: DiscardReason(verifying: error), reason: error.reason,
                                     replyCode: code)
        }
    }
}
