import NPS

/// What a case expects (`expect:`): an outcome, and for refusals optionally the Windows error and NPS
/// reason codes that should explain it.
///
///     expect: accept
///     expect: {reject: 853}                       # reject whose diagnosis is Windows error 853
///     expect: {reject: {reason: 258}}             # reject whose server stated reason 258 (its own words)
///     expect: {reject: {inferred_reason: 16}}     # reject whose diagnosis infers 16 among its reasons
///     expect: {reject: {error: 853, reason: [16, 22]}}   # both; a list means "any of"
///     expect: {timeout: 809}
///
/// No reason code travels in an Access-Reject (RFC 2865, NPS): a conversation shows one only when the server
/// says it in words (a Reply-Message, an EAP Notification, an MS-CHAP `M=` text that `ServerStatement` reads).
/// So `reason:` passes only on a reason the server stated; `inferred_reason:` opts into "any of the reasons the
/// diagnosis infers", and the report says the reason was inferred. NPS itself writes the reason code to event
/// 6273 and its log: `npsprobe nps-log` reads it.
public struct Expectation: Sendable, Hashable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        case accept, reject, timeout
    }

    public var outcome: Outcome
    /// Any of these Windows errors (empty: any or none).
    public var windowsErrors: [Int]
    /// Any of these NPS reason codes among the ones the server stated in words (empty: not checked).
    public var reasons: [Int]
    /// Any of these NPS reason codes among the ones the diagnosis infers (empty: not checked).
    public var inferredReasons: [Int]

    public init(_ outcome: Outcome, windowsErrors: [Int] = [], reasons: [Int] = [], inferredReasons: [Int] = []) {
        self.outcome = outcome
        self.windowsErrors = windowsErrors
        self.reasons = reasons
        self.inferredReasons = inferredReasons
    }

    /// Numbers no catalogue knows: an expectation naming one can never be met, so it is refused before anything
    /// is sent. Each problem with a hint.
    public var problems: [(message: String, hint: String)] {
        var found: [(String, String)] = []
        for code in windowsErrors where NPSKnowledge.windowsError(code) == nil {
            let hint = NPSKnowledge.reasonCode(code) != nil
                ? "\(code) is an NPS reason code: write {\(outcome.rawValue): {reason: \(code)}} "
                    + "(--expect \(outcome.rawValue):reason=\(code))"
                : "`npsprobe explain --list errors` shows the known ones"
            found.append(("\(code) is not a Windows error this tool knows", hint))
        }
        for code in reasons + inferredReasons where NPSKnowledge.reasonCode(code) == nil {
            found.append(("\(code) is not an NPS reason code", "`npsprobe explain --list reasons` shows them"))
        }
        return found
    }

    public static let accept = Expectation(.accept)
    public static let reject = Expectation(.reject)
    public static let timeout = Expectation(.timeout)

    /// "accept", "reject 853", "reject reason 16", "reject 853 reason 16|22", "reject inferred reason 16",
    /// "timeout 809".
    public var description: String {
        var text = outcome.rawValue
        if !windowsErrors.isEmpty { text += " " + windowsErrors.map(String.init).joined(separator: "|") }
        if !reasons.isEmpty { text += " reason " + reasons.map(String.init).joined(separator: "|") }
        if !inferredReasons.isEmpty {
            text += " inferred reason " + inferredReasons.map(String.init).joined(separator: "|")
        }
        return text
    }

    /// Whether the observation meets the expectation, and why not. An accept whose MPPE keys mismatch is
    /// not the accept anyone expected (as `auth --expect`).
    public func evaluate(_ observation: CaseObservation) -> ExpectationResult {
        let got = observation.summary
        func fail(_ why: String) -> ExpectationResult {
            ExpectationResult(passed: false, expected: description, got: got, reason: why)
        }
        guard observation.outcome.rawValue == outcome.rawValue else {
            var why = "expected \(outcome.rawValue), got \(observation.summary)"
            if let error = observation.localError { why += ": \(error)" }
            return fail(why)
        }
        if outcome == .accept, observation.mppeKeys == "mismatch" {
            return fail("accepted, but the MS-MPPE keys in the Access-Accept do not match the client's")
        }
        if !windowsErrors.isEmpty {
            let wanted = windowsErrors.map(String.init).joined(separator: " or ")
            guard let error = observation.windowsError else {
                return fail("\(outcome.rawValue) as expected, but the diagnosis names no Windows error "
                            + "(expected \(wanted))")
            }
            guard windowsErrors.contains(error) else {
                return fail("\(outcome.rawValue) as expected, but as Windows error \(error) ("
                            + "\(NPSKnowledge.label(windowsError: error))), not \(wanted)")
            }
        }
        func list(_ codes: [Int], _ joiner: String) -> String { codes.map(String.init).joined(separator: joiner) }
        if !reasons.isEmpty, !reasons.contains(where: observation.statedReasons.contains) {
            let stated = observation.statedReasons.isEmpty
                ? "the server stated no reason code (NPS never sends one)"
                : "the server stated reason " + list(observation.statedReasons, ", ")
            let inferred = observation.npsReasons.isEmpty
                ? "" : "; the diagnosis infers " + list(observation.npsReasons, " or ") + ", which is not observed"
            return fail("\(outcome.rawValue) as expected, but reason \(list(reasons, " or ")) was not observed: "
                        + stated + inferred + ". Read NPS event 6273 or its log (`npsprobe nps-log`), or expect "
                        + "inferred-reason=\(list(reasons, ",")) to accept any of the inferred reasons")
        }
        var note: String?
        if !inferredReasons.isEmpty {
            guard inferredReasons.contains(where: observation.npsReasons.contains) else {
                let seen = observation.npsReasons.isEmpty
                    ? "the diagnosis infers no NPS reason code"
                    : "the diagnosis infers reason " + list(observation.npsReasons, ", ")
                return fail("\(outcome.rawValue) as expected, but \(seen), not \(list(inferredReasons, " or "))")
            }
            note = "reason " + list(inferredReasons.filter(observation.npsReasons.contains), " or ")
                + " is inferred, not observed: the diagnosis names " + list(observation.npsReasons, " or ")
        }
        return ExpectationResult(passed: true, expected: description, got: got, reason: nil, note: note)
    }
}

/// The verdict of an expectation: policy style, the reason instead of a throw.
public struct ExpectationResult: Sendable, Hashable, Codable {
    public var passed: Bool
    /// The expectation as text ("reject 853").
    public var expected: String
    /// What was observed as text ("reject 691 (reason 16)").
    public var got: String
    /// Why it failed; nil when it passed.
    public var reason: String?
    /// What a reader must know about a pass: it rests on an inferred reason code.
    public var note: String?

    public init(passed: Bool, expected: String, got: String, reason: String?, note: String? = nil) {
        self.passed = passed
        self.expected = expected
        self.got = got
        self.reason = reason
        self.note = note
    }
}
