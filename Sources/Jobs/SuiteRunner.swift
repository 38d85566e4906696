import EAP
import Evidence
import Foundation
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// Loads suites and profiles for running: every file parsed, every case validated in run mode (secrets
/// must resolve, credentials load) and prepared once. Nothing is sent until all of it succeeds, so an invalid
/// profile never leaves a half-run suite behind.
public struct SuitePlan: Sendable {
    public struct Entry: Sendable {
        public var definition: CaseDefinition
        public var prepared: PreparedCase
    }

    public var entries: [Entry]
    /// The largest `parallel:` the loaded suites ask for.
    public var parallel: Int?
    /// Warnings to show (literal secrets, insecure, pre-flight findings of cases that expect them).
    public var warnings: [ProfileIssue]

    /// Loads `paths`, keeps the cases whose name is in `names` (when given) and that carry one of `tags`
    /// (when given), validates and prepares them. Throws with every problem found. `keyLog` receives the secrets of
    /// every TLS session of every case (`run --keylog`, `--pcap-with-keys`).
    public static func load(
        paths: [String], tags: [String] = [], names: [String] = [], dictionary: RADIUSDictionary,
        environment: [String: String] = ProcessInfo.processInfo.environment, keyLog: TLSKeyLog? = nil
    ) throws(PlanError) -> SuitePlan {
        var issues: [ProfileIssue] = []
        var definitions: [CaseDefinition] = []
        var parallel: Int?
        let loader = ProfileLoader(environment: environment)
        for path in paths {
            let (document, found) = loader.loadCollectingIssues(path: path)
            issues += found
            guard let document else { continue }
            definitions += document.cases
            if let wanted = document.parallel { parallel = max(parallel ?? 0, wanted) }
        }
        definitions = definitions.filter { definition in
            (names.isEmpty || names.contains(definition.name))
                && (tags.isEmpty || !Set(tags).isDisjoint(with: definition.tags))
        }
        let validator = ProfileValidator(dictionary: dictionary, environment: environment, mode: .run)
        issues += validator.validate(definitions)
        var errors = issues.filter { $0.severity == .error }
        var entries: [Entry] = []
        if errors.isEmpty {
            for definition in definitions {
                do {
                    let prepared = try CasePreparation.prepare(
                        definition.settings, dictionary: dictionary, environment: environment,
                        location: definition.source, keyLog: keyLog)
                    entries.append(Entry(definition: definition, prepared: prepared))
                } catch {
                    errors += error.issues
                }
            }
        }
        guard errors.isEmpty else { throw PlanError(issues: errors) }
        if entries.isEmpty, !paths.isEmpty {
            throw PlanError(issues: [ProfileIssue(
                .error, .missingKey, at: .file(paths[0]), "no case to run",
                hint: tags.isEmpty && names.isEmpty ? nil : "no case matches the --tag/--case filters")])
        }
        return SuitePlan(entries: entries, parallel: parallel, warnings: issues.filter { $0.severity == .warning })
    }
}

/// Why a plan could not be made: every error found, each with file:line:column.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var issues: [ProfileIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Runs a plan: up to `parallel` conversations at once over one shared transport, each case `repeat`
/// times, every conversation judged against its case's expectation and assertions.
public enum SuiteRunner {
    public static func run(
        _ plan: SuitePlan, parallel: Int, repeat repetitions: Int = 1, transport: RADIUSTransport,
        dictionary: RADIUSDictionary, observer: PacketObserver? = nil
    ) async -> [CaseResult] {
        let jobs = plan.entries.indices.flatMap { entry in (1...max(1, repetitions)).map { (entry, $0) } }
        var results = [CaseResult?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: (Int, CaseResult).self) { group in
            var next = 0
            func startNext() {
                guard next < jobs.count else { return }
                let index = next
                let (entryIndex, iteration) = jobs[index]
                let entry = plan.entries[entryIndex]
                next += 1
                group.addTask {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let run = await CaseRunner.run(
                        entry.prepared, transport: transport, dictionary: dictionary, observer: observer)
                    let duration = (clock.now - start).milliseconds / 1000
                    return (index, CaseResult(
                        case: entry.definition, observation: run.observation, diagnosis: run.diagnosis,
                        duration: duration, iteration: repetitions > 1 ? iteration : nil))
                }
            }
            for _ in 0..<max(1, parallel) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return results.compactMap { $0 }
    }
}
