import NPS

/// What a case expects (`expect:`): an outcome, and for refusals optionally the Windows error and NPS
/// reason codes that should explain it.
///
///     expect: accept
///     expect: {reject: 853}                       # reject whose diagnosis is Windows error 853
///     expect: {reject: {reason: 16}}              # reject whose NPS reason codes include 16
///     expect: {reject: {error: 853, reason: [16, 22]}}   # both; a list means "any of"
///     expect: {timeout: 809}
public struct Expectation: Sendable, Hashable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        case accept, reject, timeout
    }

    public var outcome: Outcome
    /// Any of these Windows errors (empty: any or none).
    public var windowsErrors: [Int]
    /// Any of these NPS reason codes among the observed ones (empty: not checked).
    public var reasons: [Int]

    public init(_ outcome: Outcome, windowsErrors: [Int] = [], reasons: [Int] = []) {
        self.outcome = outcome
        self.windowsErrors = windowsErrors
        self.reasons = reasons
    }

    public static let accept = Expectation(.accept)
    public static let reject = Expectation(.reject)
    public static let timeout = Expectation(.timeout)

    /// "accept", "reject 853", "reject reason 16", "reject 853 reason 16|22", "timeout 809".
    public var description: String {
        var text = outcome.rawValue
        if !windowsErrors.isEmpty { text += " " + windowsErrors.map(String.init).joined(separator: "|") }
        if !reasons.isEmpty { text += " reason " + reasons.map(String.init).joined(separator: "|") }
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
        if !reasons.isEmpty, !reasons.contains(where: observation.npsReasons.contains) {
            let wanted = reasons.map(String.init).joined(separator: " or ")
            let seen = observation.npsReasons.isEmpty
                ? "no NPS reason code was observed"
                : "NPS reason code(s) " + observation.npsReasons.map(String.init).joined(separator: ", ")
            return fail("\(outcome.rawValue) as expected, but \(seen), not \(wanted)")
        }
        return ExpectationResult(passed: true, expected: description, got: got, reason: nil)
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

    public init(passed: Bool, expected: String, got: String, reason: String?) {
        self.passed = passed
        self.expected = expected
        self.got = got
        self.reason = reason
    }
}
