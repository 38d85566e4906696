import Jobs
import Reports
import Foundation
import LabSupport
import NPS
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import Profiles

/// Three results: one passed, one failed (with characters XML, TAP and Prometheus must escape), one error.
let sampleResults: [CaseResult] = {
    let passedCase = CaseDefinition(name: "pap-alice", tags: ["lab", "pap"], suite: "lab", source: .file("/s.yaml"),
                                    settings: AuthSettings(), expectation: .accept,
                                    assertions: [.latencyUnder(milliseconds: 500)])
    let failedCase = CaseDefinition(name: "tls <\"retired\"> & 'co' #1", tags: ["lab"], suite: "lab",
                                    source: .file("/s.yaml"), settings: AuthSettings(),
                                    expectation: CaseExpectation(.reject, windowsErrors: [853]))
    let errorCase = CaseDefinition(name: "a\\b\nc", suite: "other", source: .file("/o.yaml"), settings: AuthSettings())
    return [
        CaseResult(case: passedCase,
                   observation: CaseObservation(outcome: .accept, latencyMs: 12, replyAttributes: [
                       ("Filter-Id", "vpn-users", nil)], server: "127.0.0.1:18121"),
                   diagnosis: Diagnosis(title: "accepted", windowsError: nil, npsReasons: [], cause: "-", fix: "-",
                                        confidence: .certain, evidence: [], rule: "accepted"), duration: 0.02),
        CaseResult(case: failedCase,
                   observation: CaseObservation(outcome: .reject, windowsError: 691, npsReasons: [16], latencyMs: 40.5),
                   diagnosis: Diagnosis(title: "Windows error 691: <bad credentials> \u{1}control", windowsError: 691,
                                        npsReasons: [], cause: "-", fix: "-", confidence: .certain, evidence: [],
                                        rule: "mschap-e691"), duration: 0.05),
        CaseResult(case: errorCase, error: "cannot read /k.key: \"denied\"", duration: 0.001),
    ]
}()


/// Runs a program, returning its exit status and standard error.
func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite struct ReporterTests {
    @Test func junitValidatesAgainstTheSchema() throws {
        let xml = JUnitReport.render(sampleResults, name: "npsprobe run",
                                     timestamp: Date(timeIntervalSince1970: 1_700_000_000), hostname: "probe01")
        let folder = temporaryFolder("junit")
        write(JUnitSchema.xsd, to: folder + "/junit.xsd")
        write(xml, to: folder + "/out.xml")
        let (status, output) = try runProgram("/usr/bin/xmllint", ["--noout", "--schema", folder + "/junit.xsd",
                                                                    folder + "/out.xml"])
        #expect(status == 0, "\(output)\n\(xml)")
        // The schema is not a rubber stamp: a testcase without a name fails it.
        write(xml.replacingOccurrences(of: "<testcase name=\"pap-alice\"", with: "<testcase"), to: folder + "/bad.xml")
        let (badStatus, _) = try runProgram("/usr/bin/xmllint", ["--noout", "--schema", folder + "/junit.xsd",
                                                                  folder + "/bad.xml"])
        #expect(badStatus != 0)
    }

    #if canImport(FoundationXML)
    @Test func junitStructure() throws {
        let xml = JUnitReport.render(sampleResults, timestamp: Date(timeIntervalSince1970: 0))
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["lab", "other"])
        #expect(suites[0].attribute(forName: "timestamp")?.stringValue == "1970-01-01T00:00:00")
        let cases = suites[0].elements(forName: "testcase")
        #expect(cases.count == 2)
        #expect(cases[0].elements(forName: "failure").isEmpty)
        #expect(cases[0].attribute(forName: "time")?.stringValue == "0.020")
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(cases[1].attribute(forName: "name")?.stringValue == "tls <\"retired\"> & 'co' #1")
        #expect(failure.attribute(forName: "message")?.stringValue == "expected reject 853, got reject 691 (reason 16)")
        #expect(failure.stringValue?.contains("not 853") == true)
        let out = try #require(cases[1].elements(forName: "system-out").first?.stringValue)
        #expect(out.contains("Windows error 691: <bad credentials> \u{FFFD}control"))
        let error = try #require(suites[1].elements(forName: "testcase").first?.elements(forName: "error").first)
        #expect(error.attribute(forName: "message")?.stringValue == "cannot read /k.key: \"denied\"")
    }
    #endif

    @Test func tapVersion13() throws {
        let tap = TAPReport.render(sampleResults)
        let lines = tap.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "TAP version 13")
        #expect(lines[1] == "1..3")
        #expect(lines[2] == "ok 1 - pap-alice")
        #expect(lines[3] == "not ok 2 - tls <\"retired\"> & 'co' \\#1")
        #expect(lines[4] == "  ---")
        let end = try #require(lines.firstIndex(of: "  ..."))
        #expect(lines[5..<end].allSatisfy { $0.hasPrefix("  ") })
        #expect(lines[5..<end].contains("  expected: \"reject 853\""))
        #expect(lines[5..<end].contains("  diagnosis: \"Windows error 691: <bad credentials> \\x01control\""))
        #expect(lines[end + 1] == "not ok 3 - a\\\\b c")
        #expect(tap.hasSuffix("  ...\n"))
        let results = lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("not ok ") }
        #expect(results.count == 3)
    }

    @Test func prometheusTextfile() throws {
        let text = PrometheusReport.render(sampleResults + [sampleResults[0]],
                                           timestamp: Date(timeIntervalSince1970: 1.5))
        let lines = text.split(separator: "\n").map(String.init)
        // HELP and TYPE precede each family's samples; every other line is `name{labels} value`.
        for family in ["npsprobe_case_success", "npsprobe_case_latency_seconds", "npsprobe_case_last_verdict"] {
            let help = try #require(lines.firstIndex(of: lines.first { $0.hasPrefix("# HELP \(family) ") } ?? "-"))
            #expect(lines[help + 1] == "# TYPE \(family) gauge")
            #expect(lines[help + 2].hasPrefix(family + "{"))
        }
        let sample = try Regex(#"^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? -?[0-9.]+$"#)
        for line in lines where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "\(line)")
        }
        #expect(lines.contains(#"npsprobe_case_success{case="pap-alice",tags="lab,pap"} 1"#))
        #expect(lines.contains(#"npsprobe_case_success{case="tls <\"retired\"> & 'co' #1",tags="lab"} 0"#))
        #expect(lines.contains(#"npsprobe_case_success{case="a\\b\nc",tags=""} 0"#))
        #expect(lines.contains(#"npsprobe_case_latency_seconds{case="pap-alice",tags="lab,pap"} 0.012"#))
        #expect(lines.contains(#"npsprobe_case_last_verdict{case="pap-alice",verdict="passed"} 1"#))
        #expect(lines.contains(#"npsprobe_case_last_verdict{case="pap-alice",verdict="failed"} 0"#))
        #expect(lines.contains(#"npsprobe_case_last_verdict{case="a\\b\nc",verdict="error"} 1"#))
        #expect(lines.contains("npsprobe_last_run_timestamp_seconds 1.5"))
        // A repeated case appears once.
        #expect(lines.filter { $0.hasPrefix(#"npsprobe_case_success{case="pap-alice""#) }.count == 1)
    }

    @Test func jsonKeys() throws {
        let json = JSONReport.render(sampleResults)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(Set(summary.keys) == ["total", "passed", "failed", "errors", "duration_seconds", "all_passed"])
        #expect(summary["total"] as? Int == 3 && summary["all_passed"] as? Bool == false)
        let cases = try #require(object["cases"] as? [[String: Any]])
        #expect(cases.count == 3)
        for key in ["name", "suite", "tags", "verdict", "passed", "expected", "got", "duration_seconds", "latency_ms",
                    "observation", "expectation", "assertions", "failure_reasons", "diagnosis"] {
            #expect(cases[1][key] != nil, "missing \(key)")
        }
        let observation = try #require(cases[1]["observation"] as? [String: Any])
        #expect(observation["windows_error"] as? Int == 691)
        #expect(observation["nps_reasons"] as? [Int] == [16])
        #expect(observation["mppe_keys"] as? String == "not_applicable")
        #expect(observation["outcome"] as? String == "reject")
        let first = try #require(cases[0]["observation"] as? [String: Any])
        let attributes = try #require(first["reply_attributes"] as? [[String: Any]])
        #expect(attributes.first?["name"] as? String == "Filter-Id")
        #expect(cases[2]["verdict"] as? String == "error" && cases[2]["error"] as? String != nil)
        #expect(cases[2]["observation"] == nil)
        // Stable: the same input renders the same bytes.
        #expect(JSONReport.render(sampleResults) == json)
    }

    @Test func humanTable() {
        let plain = HumanReport.render(sampleResults, colour: false)
        let lines = plain.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("CASE") && lines[0].contains("EXPECTED") && lines[0].hasSuffix("LATENCY"))
        #expect(lines[1].hasPrefix("pap-alice") && lines[1].contains("PASS") && lines[1].hasSuffix("12 ms"))
        #expect(lines[2].contains("reject 853") && lines[2].contains("reject 691 (reason 16)"))
        #expect(lines[2].contains("FAIL"))
        #expect(lines[3].hasPrefix("    ↳ ") && lines[3].contains("not 853"))
        #expect(lines.last == "3 cases: 1 passed, 1 failed, 1 error in 71 ms")
        #expect(!plain.contains("\u{1B}["))
        let coloured = HumanReport.render(sampleResults, colour: true)
        #expect(coloured.contains("\u{1B}[32mPASS") && coloured.contains("\u{1B}[31mFAIL"))
        #expect(coloured.contains("\u{1B}[33mERROR"))
    }

    /// Issue 12: a pass that rests on an inferred reason code says so under the case.
    @Test func humanTableNotesAnInferredReason() {
        let definition = CaseDefinition(name: "pap-wrong", source: .file("/s.yaml"), settings: AuthSettings(),
                                        expectation: CaseExpectation(.reject, inferredReasons: [8]))
        let result = CaseResult(case: definition,
                                observation: CaseObservation(outcome: .reject, windowsError: 691, npsReasons: [16, 8]),
                                duration: 0.01)
        #expect(result.verdict == .passed)
        let lines = HumanReport.render([result]).split(separator: "\n").map(String.init)
        #expect(lines.contains("    ↳ note: reason 8 is inferred, not observed: the diagnosis names 16 or 8"),
                "\(lines)")
    }
}

@Suite struct NagiosTests {
    static func expecting(_ outcome: CaseObservation.Outcome) -> CaseExpectation {
        CaseExpectation(CaseExpectation.Outcome(rawValue: outcome.rawValue) ?? .accept)
    }

    func result(passed: Bool = true, latency: Double, outcome: CaseObservation.Outcome = .accept) -> CaseResult {
        let definition = CaseDefinition(name: "alice", source: .file("/p.yaml"), settings: AuthSettings(),
                                        expectation: passed ? Self.expecting(outcome) : .timeout)
        return CaseResult(case: definition, observation: CaseObservation(outcome: outcome, latencyMs: latency),
                          duration: latency / 1000)
    }

    @Test(arguments: [
        (true, 12.0, nil, nil, NagiosCheck.Status.ok),
        (true, 12, 500, 1000, .ok),
        (true, 500, 500, 1000, .ok),          // at the threshold: still OK (alert above it)
        (true, 501, 500, 1000, .warning),
        (true, 1000.5, 500, 1000, .critical),
        (true, 2000, nil, 1000, .critical),
        (true, 700, 500, nil, .warning),
        (false, 12, 500, 1000, .critical),    // not as expected beats latency
    ] as [(Bool, Double, Double?, Double?, NagiosCheck.Status)])
    func thresholds(_ passed: Bool, _ latency: Double, _ warning: Double?, _ critical: Double?,
                    _ status: NagiosCheck.Status) {
        let thresholds = NagiosCheck.Thresholds(warningMs: warning, criticalMs: critical)
        #expect(NagiosCheck.status(for: result(passed: passed, latency: latency), thresholds: thresholds) == status)
    }

    @Test func statusLines() {
        let thresholds = NagiosCheck.Thresholds(warningMs: 500, criticalMs: 1000)
        let ok = NagiosCheck.evaluate(result(latency: 12), thresholds: thresholds)
        #expect(ok.status == .ok && ok.status.rawValue == 0)
        #expect(ok.line == "NPSPROBE OK - alice accepted in 12 ms | latency=12ms;500;1000;0")
        let warning = NagiosCheck.evaluate(result(latency: 612.25), thresholds: thresholds)
        #expect(warning.line == "NPSPROBE WARNING - alice accepted in 612 ms (warning above 500 ms) | "
                    + "latency=612.25ms;500;1000;0")
        #expect(warning.status.rawValue == 1)
        let failed = NagiosCheck.evaluate(result(passed: false, latency: 30), thresholds: NagiosCheck.Thresholds())
        #expect(failed.status.rawValue == 2)
        #expect(failed.line == "NPSPROBE CRITICAL - alice: expected timeout, got accept | latency=30ms;;;0")
        let definition = CaseDefinition(name: "alice", source: .file("/p.yaml"), settings: AuthSettings())
        let unknown = NagiosCheck.evaluate(CaseResult(case: definition, error: "key | unreadable\nsecond", duration: 0))
        #expect(unknown.status == .unknown && unknown.status.rawValue == 3)
        #expect(unknown.line == "NPSPROBE UNKNOWN - alice could not run: key / unreadable second")
        let rejected = NagiosCheck.evaluate(
            CaseResult(case: CaseDefinition(name: "bob", source: .file("/p"), settings: AuthSettings(),
                                            expectation: CaseExpectation(.reject, windowsErrors: [691])),
                       observation: CaseObservation(outcome: .reject, windowsError: 691, latencyMs: 8), duration: 0))
        #expect(rejected.line == "NPSPROBE OK - bob rejected (691) as expected in 8.00 ms | latency=8ms;;;0")
    }
}
