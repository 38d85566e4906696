import ArgumentParser
import Foundation
import Jobs
import Probe
import Profiles
import Reports

/// `npsprobe check`: a Nagios/Icinga plugin — one status line with perfdata, exit 0/1/2/3.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run one profile as a Nagios/Icinga check: one status line with perfdata, exit 0/1/2/3.",
        discussion: """
            OK (0) when the case met its expectation within --warning; WARNING (1) when slower than --warning; \
            CRITICAL (2) when slower than --critical or when the outcome was not the expected one; UNKNOWN (3) \
            when the profile is invalid or the check could not run.
            """)

    @Argument(help: ArgumentHelp("The profile (YAML) to run.", valueName: "profile"))
    var profile: String

    // `.unconditional`: `--warning -5` takes -5 as its value (and is refused by `validate`) instead of
    // failing as "Missing value".
    @Option(parsing: .unconditional, help: ArgumentHelp("Latency (ms) above which the check is WARNING.",
                                                        valueName: "ms"))
    var warning: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Latency (ms) above which the check is CRITICAL.",
                                                        valueName: "ms"))
    var critical: Double?

    @Option(help: ArgumentHelp("Folder holding the root 'dictionary' file.", valueName: "path"))
    var dictionaryDir: String?

    /// The latency thresholds: 0 ms up to an hour (the longest latency a case can assert).
    static let warningLimit = SettingLimit(key: "warning", range: 0...3_600_000.0, unit: "milliseconds")
    static let criticalLimit = SettingLimit(key: "critical", range: 0...3_600_000.0, unit: "milliseconds")

    func validate() throws {
        if let warning, let problem = Self.warningLimit.optionProblem(warning) { throw ValidationError(problem) }
        if let critical, let problem = Self.criticalLimit.optionProblem(critical) { throw ValidationError(problem) }
        if let warning, let critical, warning > critical {
            throw ValidationError("--warning \(SettingLimit<Double>.text(warning)) ms is above --critical "
                                  + "\(SettingLimit<Double>.text(critical)) ms: WARNING must come before CRITICAL")
        }
    }

    func run() async throws {
        let thresholds = NagiosCheck.Thresholds(warningMs: warning, criticalMs: critical)
        let plan: SuitePlan
        do {
            let dictionary = try DictionaryLocator.load(directory: dictionaryDir, additional: [])
            plan = try SuitePlan.load(paths: [Paths.absolute(profile)], dictionary: dictionary)
            guard plan.entries.count == 1 else {
                throw LocalError("\(profile) holds \(plan.entries.count) cases; a check runs one")
            }
            let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
            let results = await SuiteRunner.run(
                plan, parallel: 1, transport: transport, dictionary: dictionary)
            await transport.shutdown()
            let (status, line) = NagiosCheck.evaluate(results[0], thresholds: thresholds)
            Console.out(line)
            throw ExitCode(status.rawValue)
        } catch let error as PlanError {
            Console.out("NPSPROBE UNKNOWN - \(error.issues.first?.description ?? "invalid profile")")
            throw ExitCode(NagiosCheck.Status.unknown.rawValue)
        } catch let error as LocalError {
            Console.out("NPSPROBE UNKNOWN - \(error.message)")
            throw ExitCode(NagiosCheck.Status.unknown.rawValue)
        }
    }
}
