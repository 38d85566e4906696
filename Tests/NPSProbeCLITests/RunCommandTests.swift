import Foundation
import LabSupport
import Testing

/// `npsprobe run` and `npsprobe check` end to end against the lab (issue 6).
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct RunCommandTests {
    static let scratch: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-run-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func run(_ arguments: [String]) throws -> NPSProbeBinary.Output {
        let lab = try LabEnvironment.require()
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in lab.values { environment[key] = value }
        return try NPSProbeBinary.run(arguments, environment: environment,
                                      currentDirectory: LabEnvironment.packageRoot.path)
    }

    func xmllint(_ xml: String) throws -> Int32 {
        let schema = Self.scratch + "/junit.xsd"
        try JUnitSchema.xsd.write(toFile: schema, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema, xml]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func labSuitePassesWithValidJUnitJSONAndPrometheus() throws {
        let junit = Self.scratch + "/lab.xml", json = Self.scratch + "/lab.json", prom = Self.scratch + "/lab.prom"
        let result = try run(["run", "Profiles/lab/lab-suite.yaml", "--parallel", "8", "--junit", junit,
                              "--json", json, "--prom", prom])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("31 cases: 31 passed, 0 failed, 0 errors"))
        #expect(try xmllint(junit) == 0, "the JUnit file validates against the JUnit schema")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(!xml.contains("<failure"))
        #expect(xml.contains("name=\"tls-retired\""))

        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.count == 31)
        let retired = try #require(cases.first { $0["name"] as? String == "tls-retired" })
        let diagnosis = try #require(retired["diagnosis"] as? [String: Any])
        #expect(diagnosis["windows_error"] as? Int == 853)
        #expect((diagnosis["cause"] as? String)?.contains("NTAuth") == true)
        #expect(diagnosis["confidence"] as? String == "likely")
        #expect((diagnosis["evidence"] as? [String])?.isEmpty == false)

        let textfile = try String(contentsOfFile: prom, encoding: .utf8)
        #expect(textfile.contains("# TYPE npsprobe_case_success gauge"))
        #expect(textfile.contains("npsprobe_case_success{case=\"pap-alice\""))
        #expect(textfile.contains("npsprobe_case_latency_seconds"))
    }

    @Test func oneWrongExpectationExitsOneAndJUnitNamesIt() throws {
        let junit = Self.scratch + "/wrong.xml"
        let result = try run(["run", "Profiles/lab/lab-suite-wrong.yaml", "--junit", junit])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("1 failed"))
        #expect(try xmllint(junit) == 0)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        let failing = try #require(xml.range(of: "name=\"chap-bob-expected-to-fail\""))
        let failure = try #require(xml.range(of: "<failure"))
        #expect(failure.lowerBound > failing.lowerBound, "the <failure> belongs to the wrong case")
        #expect(xml.components(separatedBy: "<failure").count == 2, "exactly one failure")
    }

    @Test func tapAndFilters() throws {
        let result = try run(["run", "Profiles/lab/lab-suite.yaml", "--tap", "--tag", "pap", "--repeat", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "TAP version 13")
        let planned = lines.first { $0.hasPrefix("1..") }
        let oks = lines.filter { $0.hasPrefix("ok ") }
        #expect(planned == "1..\(oks.count)")
        #expect(oks.count >= 6 && oks.count % 2 == 0, "every pap case twice")
    }

    @Test func invalidSuiteExitsThreeAndSendsNothing() throws {
        let bad = Self.scratch + "/bad.yaml"
        try ("suite: bad\ncases:\n  - name: x\n    method: pap\n    servers: [127.0.0.1:18121]\n"
             + "    secret: {env: NO_SUCH_VAR}\n    identity: alice\n    password: x\n    timout: 3\n")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try run(["run", bad])
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(bad):9:5"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was sent"))
    }

    // MARK: check (Nagios)

    func profile(_ name: String, _ body: String) throws -> String {
        let path = Self.scratch + "/\(name).yaml"
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let pap = """
        servers: [127.0.0.1:18121]
        secret: {file: "${NPSPROBE_LAB_DIR}/secret.txt"}
        method: pap
        identity: alice
        password: {env: NPSPROBE_LAB_PAP_PASSWORD}

        """

    @Test func checkOK() throws {
        let result = try run(["check", try profile("ok", Self.pap), "--warning", "5000", "--critical", "10000"])
        #expect(result.status == 0, "\(result.stdout)")
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("NPSPROBE OK"))
        #expect(line.range(of: #"\| latency=[0-9.]+ms;5000;10000;0$"#, options: .regularExpression) != nil, "\(line)")
    }

    @Test func checkWarningAndCriticalOnLatency() throws {
        // A silent first server makes the conversation slow (one timeout of 0.3 s before failover).
        let slow = Self.pap.replacingOccurrences(
            of: "servers: [127.0.0.1:18121]",
            with: "servers: [127.0.0.1:18138, 127.0.0.1:18121]\ntimeout: 0.3\nretries: 0")
        let warning = try run(["check", try profile("slow", slow), "--warning", "100", "--critical", "100000"])
        #expect(warning.status == 1, "\(warning.stdout)")
        #expect(warning.stdout.hasPrefix("NPSPROBE WARNING"))
        let critical = try run(["check", try profile("slow2", slow), "--warning", "50", "--critical", "100"])
        #expect(critical.status == 2, "\(critical.stdout)")
        #expect(critical.stdout.hasPrefix("NPSPROBE CRITICAL"))
    }

    @Test func checkCriticalWhenNotAsExpected() throws {
        let wrong = Self.pap.replacingOccurrences(of: "{env: NPSPROBE_LAB_PAP_PASSWORD}", with: "not-the-password")
        let result = try run(["check", try profile("wrong", wrong)])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("NPSPROBE CRITICAL"))
        #expect(result.stdout.contains("691"), "the status line names the diagnosed error")
    }

    @Test func checkUnknownOnInvalidProfile() throws {
        let result = try run(["check", try profile("invalid", "servers: [127.0.0.1:18121]\nmethod: nope\n")])
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("NPSPROBE UNKNOWN"))
        #expect(result.stdout.split(separator: "\n").count == 1, "one status line")
    }
}
