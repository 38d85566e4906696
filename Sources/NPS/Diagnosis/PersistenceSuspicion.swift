import Evidence

/// A conversation that looks broken by a load balancer without persistence: the follow-ups of one EAP
/// conversation reached another member of the farm, which shares no EAP state with the first (NPS keeps
/// its EAP sessions in memory; reason 96/97 on the other member). Three signs, from the conversation's facts:
///
/// - ``Kind/twoNodes``: the answered round trips name two members (Class, backend attribute, reply source);
/// - ``Kind/unansweredAfterAnswer``: the first round trip was answered, a later follow-up carrying the State
///   got no answer (a member dropping State it never issued);
/// - ``Kind/rejectOnFreshState``: an Access-Reject answered a follow-up carrying the State the previous
///   Access-Challenge had just issued, before the method could have judged anything (no MS-CHAP error, no
///   TLS alert, our TLS Finished not sent yet): the server did not know the conversation.
public struct PersistenceSuspicion: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case twoNodes = "two-nodes"
        case unansweredAfterAnswer = "unanswered-after-answer"
        case rejectOnFreshState = "reject-on-fresh-state"
    }

    /// What a balancer must keep a conversation on one member by (RFC 5080 §2.1.1 keeps State intact).
    public enum PersistOn: String, Sendable, Codable, Hashable, CaseIterable {
        /// The NAS's source address and port: one per conversation (npsprobe keeps it, as NASes do).
        case sourceAddressAndPort = "source-address-and-port"
        /// Calling-Station-Id (the station's MAC): constant over a conversation and its reauthentications.
        case callingStationId = "calling-station-id"
        /// The State attribute: a balancer that reads RADIUS maps each State back to the member that issued it.
        case state
    }

    public var kind: Kind
    /// The round trip (1-based) where the conversation broke.
    public var roundTrip: Int
    /// The source address and port every round trip left from, when it was one.
    public var source: String?
    /// The members that answered, in order of first answer.
    public var nodes: [String]
    /// What the balancer must persist on.
    public var persistOn: [PersistOn]

    public init(kind: Kind, roundTrip: Int, source: String?, nodes: [String], persistOn: [PersistOn]) {
        self.kind = kind
        self.roundTrip = roundTrip
        self.source = source
        self.nodes = nodes
        self.persistOn = persistOn
    }

    /// The suspicion these facts raise, nil when none. `replyNodes` names the member of each round trip's reply
    /// (nil: unanswered or not known); `callingStationIdSent` says whether requests carried Calling-Station-Id.
    public static func check(_ facts: DiagnosisFacts, replyNodes: [String?], callingStationIdSent: Bool = false)
        -> PersistenceSuspicion?
    {
        let trips = facts.roundTrips
        guard !trips.isEmpty else { return nil }
        var nodes: [String] = []
        for case let node? in replyNodes where !nodes.contains(node) { nodes.append(node) }
        let sources = Set(trips.compactMap(\.source))
        let source = sources.count == 1 ? sources.first : nil
        var persistOn: [PersistOn] = []
        // The conversation kept one source: a balancer persisting on it would not have split it.
        if source != nil { persistOn.append(.sourceAddressAndPort) }
        if callingStationIdSent { persistOn.append(.callingStationId) }
        persistOn.append(.state)
        func suspicion(_ kind: Kind, _ roundTrip: Int) -> PersistenceSuspicion {
            PersistenceSuspicion(kind: kind, roundTrip: roundTrip, source: source, nodes: nodes, persistOn: persistOn)
        }
        if nodes.count >= 2 {
            var seen: String?
            for (index, node) in replyNodes.enumerated() {
                guard let node else { continue }
                if let seen, seen != node { return suspicion(.twoNodes, index + 1) }
                seen = node
            }
        }
        guard facts.isEAP, trips.count >= 2, trips[0].answered, let last = trips.last, last.requestHadState else {
            return nil
        }
        if facts.outcome == .timeout, !last.answered {
            // A follow-up larger than anything answered may be lost fragments instead (timeout-fragments-dropped).
            let largest = trips.filter(\.answered).map(\.requestSize).max() ?? 0
            guard last.requestSize <= max(largest, 1000) else { return nil }
            return suspicion(.unansweredAfterAnswer, trips.count)
        }
        if facts.outcome == .reject, last.replyCode == .accessReject, facts.msCHAP == nil, nodes.count <= 1 {
            let handshakes = [facts.outerHandshake, facts.innerHandshake].compactMap { $0 }
            guard handshakes.allSatisfy({ $0.alertsReceived.isEmpty && !$0.clientFinishedSent }) else { return nil }
            guard !facts.innerIdentitySent else { return nil }
            return suspicion(.rejectOnFreshState, trips.count)
        }
        return nil
    }

    /// One line of evidence: "round trip 2 from 127.0.0.1:40001 answered by farm-b after farm-a".
    public var line: String {
        var text: String
        switch kind {
        case .twoNodes:
            text = "round trip \(roundTrip) was answered by another member than the one before"
        case .unansweredAfterAnswer:
            text = "round trip \(roundTrip), carrying the server's State, got no answer after round trip 1 was answered"
        case .rejectOnFreshState:
            text = "round trip \(roundTrip) was refused although it carried the State the previous challenge had "
                + "just issued, before the method judged anything"
        }
        if let source { text += "; every round trip left from \(source)" }
        if !nodes.isEmpty { text += "; answered by " + nodes.joined(separator: ", ") }
        return text
    }
}
