import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// `run --json FILE`: the summary and every case with its observation, verdicts and diagnosis. Keys are
/// snake_case and sorted; absent values are left out. New keys may be added; existing ones stay.
public enum JSONReport {
    struct Document: Encodable {
        var summary: Summary
        var cases: [Case]
    }

    struct Summary: Encodable {
        var total: Int
        var passed: Int
        var failed: Int
        var errors: Int
        var durationSeconds: Double
        var allPassed: Bool
    }

    struct Case: Encodable {
        var name: String
        var suite: String?
        var tags: [String]
        var iteration: Int?
        var verdict: String
        var passed: Bool
        var expected: String
        var got: String
        var durationSeconds: Double
        var latencyMs: Double?
        var observation: CaseObservation?
        var expectation: ExpectationResult?
        var assertions: [AssertionResult]
        var failureReasons: [String]
        /// The full verdict: windows_error, nps_reasons, cause, fix, confidence, evidence, alternatives.
        var diagnosis: Diagnosis?
        var error: String?
    }

    public static func render(_ results: [CaseResult]) -> String {
        let summary = RunSummary(results)
        let document = Document(
            summary: Summary(total: summary.total, passed: summary.passed, failed: summary.failed,
                             errors: summary.errors, durationSeconds: rounded(summary.duration),
                             allPassed: summary.allPassed),
            cases: results.map { result in
                Case(name: result.name, suite: result.suite, tags: result.tags, iteration: result.iteration,
                     verdict: result.verdict.rawValue, passed: result.passed, expected: result.expected,
                     got: result.got, durationSeconds: rounded(result.duration),
                     latencyMs: result.observation.map { rounded($0.latencyMs) }, observation: result.observation,
                     expectation: result.expectation, assertions: result.assertions,
                     failureReasons: result.failureReasons, diagnosis: result.diagnosis, error: result.error)
            })
        guard let data = try? JSONStyle.encoder().encode(document), let text = String(data: data, encoding: .utf8)
        else {
            return #"{"error":"JSON encoding failed"}"#
        }
        return text
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
