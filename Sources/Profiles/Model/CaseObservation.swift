import Evidence
import NPS

/// What a case's run produced, as plain data the expectation and the assertions judge. The integrator
/// fills it from the conversation report and its diagnosis.
public struct CaseObservation: Sendable, Hashable, Codable {
    public typealias Outcome = ConversationEvidence.Outcome

    /// One attribute of the final reply, as the dictionary prints it.
    public struct ReplyAttribute: Sendable, Hashable, Codable {
        /// The dictionary name, optionally with `:tag` (`Tunnel-Private-Group-Id:1`).
        public var name: String
        /// The value as printed (`vpn-users`, `3600`, `VLAN`, `0x6c61…`).
        public var value: String
        /// The number behind an integer or enumerated value (`Tunnel-Type = VLAN` → 13), when there is one.
        public var number: Int64?

        public init(name: String, value: String, number: Int64? = nil) {
            self.name = name
            self.value = value
            self.number = number
        }
    }

    public var outcome: Outcome
    /// The Windows error the diagnosis says a Windows client would show (691, 812, 853…).
    public var windowsError: Int?
    /// NPS reason codes the diagnosis points at: inferred, since none travels in an Access-Reject.
    public var npsReasons: [Int]
    /// NPS reason codes the server stated in words (Reply-Message, EAP Notification, MS-CHAP `M=`).
    public var statedReasons: [Int]
    /// `verified`, `mismatch`, `absent` or `not_applicable` (see `MPPEKeyCheck`).
    public var mppeKeys: String
    /// `verified`, `absent` or `failed`; nil when the method has no tunnel.
    public var cryptoBinding: String?
    /// From the first transmission to the end of the conversation.
    public var latencyMs: Double
    public var replyAttributes: [ReplyAttribute]
    /// The server that gave the final answer.
    public var server: String?
    /// A local failure (the conversation could not run, or the server broke the protocol).
    public var localError: String?
    /// With accounting: `responded`, `no_response`, `not_sent` or `error` (`AccountingEvidence.Outcome`).
    public var accounting: String?
    /// Why accounting did not respond, when it did not.
    public var accountingReason: String?

    public init(
        outcome: Outcome, windowsError: Int? = nil, npsReasons: [Int] = [], mppeKeys: String = "not_applicable",
        cryptoBinding: String? = nil, latencyMs: Double = 0, replyAttributes: [ReplyAttribute] = [],
        server: String? = nil, localError: String? = nil, accounting: String? = nil, accountingReason: String? = nil,
        statedReasons: [Int] = []
    ) {
        self.outcome = outcome
        self.windowsError = windowsError
        self.npsReasons = npsReasons
        self.statedReasons = statedReasons
        self.mppeKeys = mppeKeys
        self.cryptoBinding = cryptoBinding
        self.latencyMs = latencyMs
        self.replyAttributes = replyAttributes
        self.server = server
        self.localError = localError
        self.accounting = accounting
        self.accountingReason = accountingReason
    }

    /// The same with reply attributes given as tuples.
    public init(
        outcome: Outcome, windowsError: Int? = nil, npsReasons: [Int] = [], mppeKeys: String = "not_applicable",
        cryptoBinding: String? = nil, latencyMs: Double = 0,
        replyAttributes: [(name: String, value: String, number: Int64?)], server: String? = nil,
        localError: String? = nil, accounting: String? = nil
    ) {
        self.init(
            outcome: outcome, windowsError: windowsError, npsReasons: npsReasons, mppeKeys: mppeKeys,
            cryptoBinding: cryptoBinding, latencyMs: latencyMs,
            replyAttributes: replyAttributes.map { ReplyAttribute(name: $0.name, value: $0.value, number: $0.number) },
            server: server, localError: localError, accounting: accounting)
    }

    /// "accept", "reject 691 (reason 16)", "timeout", "error": the GOT column of the reports.
    public var summary: String {
        var text = outcome.rawValue
        if let windowsError { text += " \(windowsError)" }
        if !npsReasons.isEmpty {
            text += " (reason " + npsReasons.map(String.init).joined(separator: "|") + ")"
        }
        return text
    }
}
