import Evidence
import Foundation

/// A check on the reply beyond the outcome (`assert:` entries).
///
///     - {attribute: Class, present: true}
///     - {attribute: Filter-Id, equals: vpn-users}
///     - {attribute: Session-Timeout, at_most: 3600}
///     - {attribute: Tunnel-Private-Group-Id, matches: "^4[0-9]$"}
///     - {attribute: Reply-Message, absent: true}
///     - {mppe_keys: verified}
///     - {crypto_binding: verified}
///     - {latency_ms: {under: 500}}
///     - {accounting: responded}
public enum Assertion: Sendable, Hashable, CustomStringConvertible {
    case attribute(AttributeAssertion)
    /// The MS-MPPE key check equals this state (`verified`, `mismatch`, `absent`, `not_applicable`).
    case mppeKeys(String)
    /// The PEAP crypto-binding outcome equals this state (`verified`, `absent`, `failed`).
    case cryptoBinding(String)
    /// The conversation took less than this many milliseconds.
    case latencyUnder(milliseconds: Double)
    /// The accounting after the authentication came to this (`responded`, `no_response`, `not_sent`, `error`).
    case accounting(String)

    public static let mppeKeyStates = ["verified", "mismatch", "absent", "not_applicable"]
    public static let cryptoBindingStates = ["verified", "absent", "failed"]
    public static let accountingStates = AccountingEvidence.Outcome.allCases.map(\.rawValue)

    public var description: String {
        switch self {
        case .attribute(let check): return check.description
        case .mppeKeys(let state): return "MPPE keys \(state)"
        case .cryptoBinding(let state): return "crypto-binding \(state)"
        case .latencyUnder(let limit): return "latency under \(formatNumber(limit)) ms"
        case .accounting(let state): return "accounting \(state)"
        }
    }

    /// Whether the observation satisfies the assertion, and why not.
    public func evaluate(_ observation: CaseObservation) -> AssertionResult {
        switch self {
        case .attribute(let check):
            return check.evaluate(observation)
        case .mppeKeys(let state):
            let passed = observation.mppeKeys == state
            return AssertionResult(
                assertion: description, passed: passed,
                reason: passed ? nil : "MPPE keys are \(observation.mppeKeys), not \(state)")
        case .cryptoBinding(let state):
            let seen = observation.cryptoBinding
            let passed = seen == state
            return AssertionResult(
                assertion: description, passed: passed,
                reason: passed ? nil : "crypto-binding is \(seen ?? "not applicable (no PEAP tunnel)"), not \(state)")
        case .latencyUnder(let limit):
            let passed = observation.latencyMs < limit
            return AssertionResult(
                assertion: description, passed: passed,
                reason: passed ? nil
                    : "took \(formatNumber(observation.latencyMs)) ms, not under \(formatNumber(limit)) ms")
        case .accounting(let state):
            let seen = observation.accounting
            let passed = seen == state
            return AssertionResult(
                assertion: description, passed: passed,
                reason: passed ? nil : "accounting is \(seen ?? "not configured (accounting: true)"), not \(state)"
                    + (observation.accountingReason.map { ": \($0)" } ?? ""))
        }
    }
}

/// Conditions on one reply attribute. With several instances of the attribute (two Class attributes),
/// the value conditions pass when one instance meets all of them.
public struct AttributeAssertion: Sendable, Hashable, CustomStringConvertible {
    /// Dictionary name, matched case-insensitively.
    public var name: String
    /// RFC 2868 tag; nil matches any tag.
    public var tag: UInt8?
    /// true: must be present; false: must be absent; nil: present when a value condition is given.
    public var present: Bool?
    public var equals: String?
    /// A regular expression (ICU syntax, as NSRegularExpression) searched in the value.
    public var matches: String?
    public var atMost: Double?
    public var atLeast: Double?

    public init(name: String, tag: UInt8? = nil, present: Bool? = nil, equals: String? = nil, matches: String? = nil,
                atMost: Double? = nil, atLeast: Double? = nil) {
        self.name = name
        self.tag = tag
        self.present = present
        self.equals = equals
        self.matches = matches
        self.atMost = atMost
        self.atLeast = atLeast
    }

    /// The attribute name as written (`Tunnel-Type:1`).
    public var displayName: String { name + (tag.map { ":\($0)" } ?? "") }

    public var description: String {
        var parts: [String] = []
        if present == false { return "\(displayName) absent" }
        if let equals { parts.append("= \(equals)") }
        if let matches { parts.append("matches /\(matches)/") }
        if let atLeast { parts.append("≥ \(formatNumber(atLeast))") }
        if let atMost { parts.append("≤ \(formatNumber(atMost))") }
        if parts.isEmpty { return "\(displayName) present" }
        return "\(displayName) " + parts.joined(separator: ", ")
    }

    var hasValueConditions: Bool { equals != nil || matches != nil || atMost != nil || atLeast != nil }

    /// Compiles `pattern`; the loader calls it so that a bad pattern is an error at its line.
    static func compile(_ pattern: String) -> Result<NSRegularExpression, Error> {
        Result { try NSRegularExpression(pattern: pattern) }
    }

    public func evaluate(_ observation: CaseObservation) -> AssertionResult {
        let instances = observation.replyAttributes.filter { matchesName($0.name) }
        func result(_ passed: Bool, _ reason: String?) -> AssertionResult {
            AssertionResult(assertion: description, passed: passed, reason: passed ? nil : reason)
        }
        if present == false {
            let values = instances.map { unquote($0.value) }.joined(separator: ", ")
            return result(instances.isEmpty, "\(displayName) is present (\(values))")
        }
        guard !instances.isEmpty else {
            return result(false, "\(displayName) is not in the reply")
        }
        guard hasValueConditions else { return result(true, nil) }
        var firstFailure: String?
        for instance in instances {
            if let why = failure(of: instance) {
                if firstFailure == nil { firstFailure = why }
            } else {
                return result(true, nil)
            }
        }
        return result(false, firstFailure)
    }

    private func matchesName(_ observed: String) -> Bool {
        var base = Substring(observed)
        var observedTag: UInt8?
        if let colon = observed.lastIndex(of: ":"), let parsed = UInt8(observed[observed.index(after: colon)...]) {
            base = observed[..<colon]
            observedTag = parsed
        }
        guard base.lowercased() == name.lowercased() else { return false }
        return tag == nil || tag == observedTag
    }

    /// Why this instance does not meet the value conditions, or nil when it does.
    private func failure(of instance: CaseObservation.ReplyAttribute) -> String? {
        let value = unquote(instance.value)
        if let equals, !Self.valueEquals(value, number: instance.number, expected: equals) {
            return "\(displayName) is \(value), not \(equals)"
        }
        if let matches {
            guard case .success(let regex) = Self.compile(matches) else {
                return "/\(matches)/ is not a valid regular expression"
            }
            let range = NSRange(value.startIndex..., in: value)
            if regex.firstMatch(in: value, range: range) == nil {
                return "\(displayName) is \(value), which does not match /\(matches)/"
            }
        }
        if atMost != nil || atLeast != nil {
            guard let number = Double(value) ?? instance.number.map(Double.init) else {
                return "\(displayName) is \(value), not a number"
            }
            if let atMost, number > atMost { return "\(displayName) is \(value), more than \(formatNumber(atMost))" }
            if let atLeast, number < atLeast {
                return "\(displayName) is \(value), less than \(formatNumber(atLeast))"
            }
        }
        return nil
    }

    /// Text equality; numeric equality when both are numbers; an enumerated value also equals its number
    /// and its name case-insensitively (`Tunnel-Type = VLAN` equals `13` and `vlan`).
    static func valueEquals(_ value: String, number: Int64?, expected: String) -> Bool {
        if value == expected { return true }
        if let a = Double(value), let b = Double(expected) { return a == b }
        if let number {
            if let wanted = Int64(expected), wanted == number { return true }
            if value.lowercased() == expected.lowercased() { return true }
        }
        return false
    }
}

/// The verdict of one assertion.
public struct AssertionResult: Sendable, Hashable, Codable {
    /// The assertion as text ("Filter-Id = vpn-users").
    public var assertion: String
    public var passed: Bool
    /// Why it failed; nil when it passed.
    public var reason: String?

    public init(assertion: String, passed: Bool, reason: String?) {
        self.assertion = assertion
        self.passed = passed
        self.reason = reason
    }
}

/// `"vpn-users"` → `vpn-users` (dictionaries print strings quoted when they need to).
func unquote(_ text: String) -> String {
    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
    return text
}

/// 12 → "12", 12.5 → "12.5", 0.1234 → "0.123".
public func formatNumber(_ value: Double) -> String {
    if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.3f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}
