import Foundation
import NPS

/// One case's run as the reporters see it.
public struct CaseResult: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable, Codable {
        /// The expectation and every assertion held.
        case passed
        /// The case ran but the expectation or an assertion did not hold.
        case failed
        /// The case could not run (unreadable credentials, no dictionary, an internal failure).
        case error
    }

    public var name: String
    /// The suite the case came from (nil for a lone profile); JUnit groups by it.
    public var suite: String?
    public var tags: [String]
    /// The expectation as text ("reject 853").
    public var expected: String
    /// What happened; nil when the case could not run.
    public var observation: CaseObservation?
    public var expectation: ExpectationResult?
    public var assertions: [AssertionResult]
    /// The verdict on what happened: Windows error, NPS reasons, cause, fix, evidence.
    public var diagnosis: Diagnosis?
    /// The diagnosis in one line ("Windows error 691: …; likely NPS reason 16") for tables and JUnit.
    public var diagnosisSummary: String? { diagnosis.map(Diagnoser.summary) }
    /// Wall-clock seconds the case took (including setup).
    public var duration: Double
    /// Why the case could not run.
    public var error: String?
    /// 1-based run number with `--repeat`.
    public var iteration: Int?

    public init(
        name: String, suite: String? = nil, tags: [String] = [], expected: String, observation: CaseObservation?,
        expectation: ExpectationResult?, assertions: [AssertionResult] = [], diagnosis: Diagnosis? = nil,
        duration: Double, error: String? = nil, iteration: Int? = nil
    ) {
        self.name = name
        self.suite = suite
        self.tags = tags
        self.expected = expected
        self.observation = observation
        self.expectation = expectation
        self.assertions = assertions
        self.diagnosis = diagnosis
        self.duration = duration
        self.error = error
        self.iteration = iteration
    }

    /// Judges `observation` against the case's expectation and assertions.
    public init(case definition: CaseDefinition, observation: CaseObservation, diagnosis: Diagnosis? = nil,
                duration: Double, iteration: Int? = nil) {
        let (expectation, assertions) = definition.evaluate(observation)
        self.init(
            name: definition.name, suite: definition.suite, tags: definition.tags,
            expected: definition.expectation.description, observation: observation, expectation: expectation,
            assertions: assertions, diagnosis: diagnosis,
            duration: duration, iteration: iteration)
    }

    /// A case that could not run.
    public init(case definition: CaseDefinition, error: String, duration: Double, iteration: Int? = nil) {
        self.init(name: definition.name, suite: definition.suite, tags: definition.tags,
                  expected: definition.expectation.description,
                  observation: nil, expectation: nil, duration: duration, error: error, iteration: iteration)
    }

    /// True when the case met its expectation and every assertion.
    public var passed: Bool {
        error == nil && (expectation?.passed ?? false) && assertions.allSatisfy(\.passed)
    }

    public var verdict: Verdict {
        if error != nil || expectation == nil { return .error }
        return passed ? .passed : .failed
    }

    /// "accept", "reject 691 (reason 16)", or "error".
    public var got: String { observation?.summary ?? "error" }

    /// Every reason the case failed, expectation first.
    public var failureReasons: [String] {
        if let error { return [error] }
        var reasons: [String] = []
        if let expectation, !expectation.passed, let reason = expectation.reason { reasons.append(reason) }
        for assertion in assertions where !assertion.passed {
            reasons.append("assertion \(assertion.assertion): \(assertion.reason ?? "failed")")
        }
        return reasons
    }

    /// The name with the iteration with `--repeat` ("pap-alice #2").
    public var displayName: String { iteration.map { "\(name) #\($0)" } ?? name }
}

/// Counts over a run.
public struct RunSummary: Sendable, Hashable, Codable {
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    /// Sum of the case durations in seconds.
    public var duration: Double

    public init(_ results: [CaseResult]) {
        total = results.count
        passed = results.filter { $0.verdict == .passed }.count
        failed = results.filter { $0.verdict == .failed }.count
        errors = results.filter { $0.verdict == .error }.count
        duration = results.reduce(0) { $0 + $1.duration }
    }

    /// True when every case met its expectation (exit status 0).
    public var allPassed: Bool { passed == total }

    /// "12 cases: 11 passed, 1 failed, 0 errors in 3.2 s".
    public var line: String {
        let noun = total == 1 ? "case" : "cases"
        return "\(total) \(noun): \(passed) passed, \(failed) failed, \(errors) error\(errors == 1 ? "" : "s") in "
            + formatSeconds(duration)
    }
}

func formatSeconds(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    return String(format: "%.1f s", seconds)
}
