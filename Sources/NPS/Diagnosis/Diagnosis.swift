import Evidence
/// The verdict on one conversation: the Windows error a Windows client would most likely have shown, the NPS
/// reason codes to look for in event 6273, the cause, the fix, how sure the verdict is, and the evidence lines
/// that led there. `Diagnoser.diagnose(_:)` makes one from a `ConversationEvidence`; `DiagnosisRules.all` says how.
///
/// Codable with property names that `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` turns into the `--json`
/// keys (`windows_error`, `nps_reasons`, …). `windowsError` is encoded as `null` when there is none.
public struct Diagnosis: Sendable, Codable, Hashable, CustomStringConvertible {
    /// How sure a verdict is.
    ///
    /// - `certain`: the evidence states the cause (a TLS alert naming it, an MS-CHAP `E=` code, our own check
    ///   of the server, datagrams that failed verification).
    /// - `likely`: one inference away (no alert, but the pre-flight found the certificate expired; the handshake
    ///   completed and the server still refused).
    /// - `possible`: one of several readings the evidence cannot tell apart.
    public enum Confidence: String, Sendable, Codable, CaseIterable, Comparable {
        case certain, likely, possible

        private var rank: Int {
            switch self {
            case .certain: return 0
            case .likely: return 1
            case .possible: return 2
            }
        }

        /// `certain < likely < possible`: sorting puts the surest first.
        public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }

        /// One step less sure (`possible` stays `possible`): the most an alternative to this verdict may claim.
        public var lessSure: Confidence {
            switch self {
            case .certain: return .likely
            case .likely, .possible: return .possible
            }
        }
    }

    /// Another plausible reading of the same evidence.
    public struct Alternative: Sendable, Codable, Hashable {
        public var windowsError: Int?
        public var npsReasons: [Int]
        public var cause: String
        public var confidence: Confidence
        /// The rule that also fired, when the alternative comes from one (nil for a rule's own alternatives).
        public var rule: String?

        public init(windowsError: Int?, npsReasons: [Int] = [], cause: String, confidence: Confidence,
                    rule: String? = nil) {
            self.windowsError = windowsError
            self.npsReasons = npsReasons
            self.cause = cause
            self.confidence = confidence
            self.rule = rule
        }

        private enum CodingKeys: String, CodingKey {
            case windowsError, npsReasons, cause, confidence, rule
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            windowsError = try container.decodeIfPresent(Int.self, forKey: .windowsError)
            npsReasons = try container.decodeIfPresent([Int].self, forKey: .npsReasons) ?? []
            cause = try container.decode(String.self, forKey: .cause)
            confidence = try container.decode(Confidence.self, forKey: .confidence)
            rule = try container.decodeIfPresent(String.self, forKey: .rule)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(windowsError, forKey: .windowsError)  // null when none
            try container.encode(npsReasons, forKey: .npsReasons)
            try container.encode(cause, forKey: .cause)
            try container.encode(confidence, forKey: .confidence)
            try container.encodeIfPresent(rule, forKey: .rule)
        }
    }

    /// One line leading the human output, e.g. "Windows error 853 (ERROR_EAP_USER_CERT_INVALID): the server
    /// refused the client certificate".
    public var title: String
    /// The Windows (RAS) error a client would most likely have shown; nil when none applies (accepted, a
    /// refusal Windows has no number for, a local error).
    public var windowsError: Int?
    /// NPS reason codes to look for in event 6273 / the accounting log, most likely first.
    public var npsReasons: [Int]
    public var cause: String
    public var fix: String
    public var confidence: Confidence
    /// The concrete observations that led to the verdict, in the order they matter.
    public var evidence: [String]
    /// The id of the rule that fired (`DiagnosisRules.all`).
    public var rule: String
    /// Other readings: the rule's own second choices, then the later rules that also fired.
    public var alternatives: [Alternative]
    /// Other Windows errors of the same failure (845 beside 824 for crypto-binding); never IKE-only numbers, which
    /// an EAP conversation cannot produce.
    public var related: [Int]

    public init(
        title: String, windowsError: Int?, npsReasons: [Int], cause: String, fix: String, confidence: Confidence,
        evidence: [String], rule: String, alternatives: [Alternative] = [], related: [Int] = []
    ) {
        self.title = title
        self.windowsError = windowsError
        self.npsReasons = npsReasons
        self.cause = cause
        self.fix = fix
        self.confidence = confidence
        self.evidence = evidence
        self.rule = rule
        self.alternatives = alternatives
        self.related = related
    }

    /// Every Windows error the diagnosis names: the verdict first, then the alternatives' (no duplicates).
    public var candidateWindowsErrors: [Int] {
        var seen: [Int] = []
        for code in [windowsError] + alternatives.map(\.windowsError) {
            if let code, !seen.contains(code) { seen.append(code) }
        }
        return seen
    }

    public var description: String { title }

    private enum CodingKeys: String, CodingKey {
        case title, windowsError, npsReasons, cause, fix, confidence, evidence, rule, alternatives, related
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        windowsError = try container.decodeIfPresent(Int.self, forKey: .windowsError)
        npsReasons = try container.decodeIfPresent([Int].self, forKey: .npsReasons) ?? []
        cause = try container.decode(String.self, forKey: .cause)
        fix = try container.decode(String.self, forKey: .fix)
        confidence = try container.decode(Confidence.self, forKey: .confidence)
        evidence = try container.decodeIfPresent([String].self, forKey: .evidence) ?? []
        rule = try container.decode(String.self, forKey: .rule)
        alternatives = try container.decodeIfPresent([Alternative].self, forKey: .alternatives) ?? []
        related = try container.decodeIfPresent([Int].self, forKey: .related) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(windowsError, forKey: .windowsError)  // null when none, as `--json` promises
        try container.encode(npsReasons, forKey: .npsReasons)
        try container.encode(cause, forKey: .cause)
        try container.encode(fix, forKey: .fix)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(rule, forKey: .rule)
        try container.encode(alternatives, forKey: .alternatives)
        try container.encode(related, forKey: .related)
    }
}
