import Foundation
import LabSupport
@testable import NPSProbeCLI
import Reports
import Testing

/// `load --report FILE.html` in a real browser (headless Chromium, Debian's `chromium`): the page renders its four
/// charts, runs without a script error or console error, fetches nothing; a screenshot is kept as a CI artifact
/// (`lab-run/artifacts/load-report.png`). `--prom` and `--hdr-log` from the same run.
@Suite(.serialized) struct LoadReportOutputTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs a short open-loop load against an in-process server with every output.
    static func run(_ folder: ScratchFolder) async throws -> NPSProbeBinary.Output {
        try await LoadCommandTests.withServer(delay: .milliseconds(5)) { server in
            try NPSProbeBinary.run(
                LoadCommandTests.papArguments(server) + [
                    "--rate", "40/s", "--duration", "2.5", "--quiet", "--report", folder.path("report.html"),
                    "--prom", folder.path("load.prom"), "--hdr-log", folder.path("load.hlog"), "--json-out",
                    folder.path("load.json"),
                ], environment: LoadCommandTests.environment)
        }
    }

    static func chromium(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        // Root in CI containers needs --no-sandbox; a profile of our own keeps runs apart.
        let profile = ScratchFolder()
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--user-data-dir=\(profile.path("profile"))", "--enable-logging=stderr", "--v=0"]
            + arguments
        let out = ScratchFile(Data(), suffix: ".out")
        let err = ScratchFile(Data(), suffix: ".err")
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err.path))
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOfFile: out.path, encoding: .utf8),
                try String(contentsOfFile: err.path, encoding: .utf8))
    }

    @Test(.enabled(if: chromium != nil || LabEnvironment.isRequired))
    func theHTMLReportRendersItsChartsInHeadlessChromium() async throws {
        let folder = ScratchFolder()
        let output = try await Self.run(folder)
        #expect(output.status == 0, "\(output.stderr)")
        let page = try String(contentsOfFile: folder.path("report.html"), encoding: .utf8)
        // Self-contained: nothing to fetch.
        for reference in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
            #expect(!page.contains(reference), "the page refers to \(reference)…")
        }
        let url = URL(fileURLWithPath: folder.path("report.html")).absoluteString
        let dump = try Self.chromium(["--dump-dom", url])
        #expect(dump.status == 0, "\(dump.stderr)")
        let dom = dump.stdout
        // The inline script ran (it marks the body) and counted the charts; no script error was recorded.
        #expect(dom.contains("data-rendered=\"yes\""), "the page's script did not run")
        #expect(dom.contains("data-charts=\"4\""))
        #expect(dom.contains("id=\"page-errors\" data-count=\"0\""))
        for id in ["chart-latency", "chart-rate", "chart-outcomes", "chart-nodes"] {
            #expect(dom.contains("<svg class=\"chart\" id=\"\(id)\""), "no chart \(id)")
        }
        // Lines for the percentiles and the rates over the run's intervals.
        #expect(dom.contains("data-series=\"p99\""))
        #expect(dom.contains("data-series=\"asked\""))
        // Chromium logs page console errors and uncaught exceptions to stderr with --enable-logging.
        for line in dump.stderr.split(separator: "\n") where line.contains("CONSOLE") || line.contains("Uncaught") {
            Issue.record("console: \(line)")
        }
        let artifacts = LabEnvironment.packageRoot.appendingPathComponent("lab-run/artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let screenshot = artifacts.appendingPathComponent("load-report.png")
        try? FileManager.default.removeItem(at: screenshot)
        let shot = try Self.chromium(["--hide-scrollbars", "--window-size=1100,1900",
                                      "--screenshot=\(screenshot.path)", url])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        #expect(png.count > 10_000)
    }

    @Test func promAndHdrLogOfALoadRun() async throws {
        let folder = ScratchFolder()
        let output = try await Self.run(folder)
        #expect(output.status == 0, "\(output.stderr)")
        let json = try jsonObject(try String(contentsOfFile: folder.path("load.json"), encoding: .utf8))
        let accepted = try #require(json["accepted"] as? Int)
        let prom = try String(contentsOfFile: folder.path("load.prom"), encoding: .utf8)
        #expect(prom.contains("npsprobe_load_conversations{method=\"pap\",outcome=\"accepted\"} \(accepted)\n"))
        #expect(prom.contains("# TYPE npsprobe_load_latency_seconds summary"))
        #expect(prom.contains("npsprobe_load_latency_seconds_count{method=\"pap\"} \(accepted)\n"))
        #expect(prom.contains("npsprobe_load_rate_per_second{method=\"pap\",kind=\"asked\"} 40\n"))
        // Per node (here the reply source: the in-process server names no node), with latency quantiles.
        #expect(prom.contains("npsprobe_load_node_conversations{method=\"pap\",node=\"127.0.0.1:"))
        #expect(prom.contains("npsprobe_load_node_latency_seconds{method=\"pap\",node=\"127.0.0.1:"))
        // Every sample line is NAME{LABELS} VALUE or NAME VALUE.
        for line in prom.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.range(of: #"^[a-z_]+(\{[^}]*\})? [0-9.eE+-]+$"#, options: .regularExpression) != nil,
                    "\(line)")
        }
        let log = try HdrLog.parse(try String(contentsOfFile: folder.path("load.hlog"), encoding: .utf8))
        #expect(log.intervals.count >= 2)
        #expect(try log.total().totalCount == UInt64(accepted))
        #expect(log.intervals.allSatisfy { $0.length == 1 })
        // The log's histogram and the JSON's agree.
        let total = try HdrHistogramEncoding.decode(base64: try #require(json["latency_histogram"] as? String))
        #expect(total.totalCount == (try log.total().totalCount))
        #expect(total.valueAtPercentile(99) == (try log.total().valueAtPercentile(99)))
    }
}
