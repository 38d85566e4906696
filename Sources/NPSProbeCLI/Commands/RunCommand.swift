import ArgumentParser
import Foundation
import Jobs
import Probe
import Profiles
import Reports

/// `npsprobe run`: suites of profiles with expected outcomes — post-change verification for people and CI.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run suites and profiles and check every case against its expected outcome.",
        discussion: """
            Cases run concurrently over one UDP transport; credentials and TLS contexts are loaded once per \
            case before anything is sent. Every file is validated first (as `npsprobe validate` would, with \
            secrets required): an invalid profile stops the run before it starts.

            Report files (--junit, --json, --prom) are checked before anything is sent as well. A regular \
            file is replaced atomically (written beside it, then renamed over it); a device or a FIFO is \
            written through; - and /dev/stdout write to standard output; a symbolic link is followed and what \
            it points to is written that way. A folder, a missing folder or one that cannot be written is an \
            error.

            Exit status: 0 every case met its expectation, 1 some did not, 3 a profile or a report path is \
            invalid (nothing was sent) or a report could not be written.
            """)

    @Argument(help: ArgumentHelp("Suite or profile files (YAML).", valueName: "file"))
    var files: [String]

    @Option(help: "How many cases run at once (default: the suites' `parallel:`, else 4).")
    var parallel: Int?

    @Option(name: .customLong("tag"), help: ArgumentHelp("Run only cases with this tag (repeatable).",
                                                         valueName: "tag"))
    var tags: [String] = []

    @Option(name: .customLong("case"), help: ArgumentHelp("Run only the case with this name (repeatable).",
                                                          valueName: "name"))
    var cases: [String] = []

    @Option(name: .customLong("repeat"), help: "Run every case this many times.")
    var repetitions: Int = 1

    @Option(help: ArgumentHelp("Write a JUnit XML report here.", valueName: "path"))
    var junit: String?

    @Option(help: ArgumentHelp("Write a JSON report (every case with its observation and diagnosis) here.",
                               valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp("Write a Prometheus textfile (node_exporter textfile collector) here.",
                               valueName: "path"))
    var prom: String?

    @Flag(help: "Print TAP version 13 on stdout instead of the table.")
    var tap = false

    @Flag(name: .shortAndLong, help: "Show every packet on stderr (best with --parallel 1).")
    var verbose = false

    @OptionGroup(title: "Dictionaries") var dictionary: DictionaryOptions

    @OptionGroup(title: "Capture (every case of the run in one file)") var capture: CaptureOptions

    func validate() throws {
        if let parallel, !(1...10_000).contains(parallel) { throw ValidationError("--parallel must be 1…10000") }
        guard (1...100_000).contains(repetitions) else { throw ValidationError("--repeat must be 1…100000") }
    }

    func run() async throws {
        // Report paths are checked before anything is sent: a run is not repeated for a typo in --junit.
        var reports: [OutputFile] = []
        for case let (option, path?) in [("--junit", junit), ("--json", json), ("--prom", prom)] {
            reports.append(try OutputFile.check(path, option: option))
        }
        try OutputFile.checkDistinct(reports)
        let dictionary = try self.dictionary.load()
        let recording = try capture.prepare()
        let plan: SuitePlan
        do {
            plan = try SuitePlan.load(
                paths: files.map(Paths.absolute), tags: tags, names: cases, dictionary: dictionary,
                keyLog: recording.keyLog)
        } catch {
            for issue in error.issues { Console.err(issue.description) }
            Console.err("npsprobe: \(error.issues.count) problem(s): nothing was sent")
            throw ExitCode(ExitStatus.localError.rawValue)
        }
        for issue in plan.warnings { Console.err(issue.description) }
        let transport = RADIUSTransport()
        let results = await SuiteRunner.run(
            plan, parallel: parallel ?? plan.parallel ?? 4, repeat: repetitions, transport: transport,
            dictionary: dictionary, observer: combinedObserver([
                verbose ? PacketPrinter.observer(dictionary: dictionary) : nil, recording.observer,
            ]))
        await transport.shutdown()

        if tap {
            Console.out(TAPReport.render(results))
        } else {
            Console.out(HumanReport.render(results, colour: Console.isTerminal))
        }
        let suiteName = files.count == 1 ? URL(fileURLWithPath: files[0]).deletingPathExtension().lastPathComponent
            : "npsprobe"
        for report in reports {
            switch report.option {
            case "--junit":
                try report.write(JUnitReport.render(results, name: suiteName, timestamp: Date(),
                                                    hostname: ProcessInfo.processInfo.hostName))
            case "--json": try report.write(JSONReport.render(results))
            default: try report.write(PrometheusReport.render(results, timestamp: Date()))
            }
        }
        let allPassed = results.allSatisfy(\.passed)
        try recording.write()
        throw ExitCode(allPassed ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue)
    }
}
