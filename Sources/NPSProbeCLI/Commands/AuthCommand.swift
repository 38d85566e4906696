import ArgumentParser
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import Reports

/// `npsprobe auth`: one synthetic authentication, reported for humans or as JSON.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Authenticate once against one or more RADIUS servers and report the outcome.",
        discussion: """
            Options given on the command line win over the same settings in --profile.

            Methods: pap, chap, mschapv2 (MS-CHAPv2 in RADIUS attributes, as a VPN server asks NPS), and EAP:
            """ + " " + AuthSettings.Method.allCases.compactMap { $0.eap?.name }.joined(separator: ", ") + """
            . peap-tls is PEAP with an inner client certificate (Always On VPN user tunnels).
            """ + "\n\n" + ExitStatus.help)

    @OptionGroup var inputs: CaseOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Capture") var capture: CaptureOptions
    @OptionGroup(title: "Accounting") var accounting: AccountingOptions

    @Option(help: ArgumentHelp(
        "Exit 0 when the outcome is this one: accept, reject, timeout, reject:853 (the diagnosed Windows error), "
            + "reject:reason=258 (an NPS reason code the server stated), reject:inferred-reason=16 (any of the "
            + "reason codes the diagnosis infers: none travels on the wire).", valueName: "outcome"))
    var expect: CLIExpectation?

    func run() async throws {
        let recording = try capture.prepare()
        var expectation = expect?.expectation
        try expectation.map(CLIExpectation.check)
        let inputs: CaseOptions.Prepared
        var settings = AuthSettings()
        do {
            let merged = try self.inputs.merged(accounting: accounting.settings)
            settings = merged.settings
            inputs = try self.inputs.prepare(merged, keyLog: recording.keyLog)
        } catch {
            // `--json` is a contract: a case that cannot start still prints its object (outcome "error").
            guard output.json else { throw error }
            Console.err("npsprobe: error: \(error.message)")
            Console.out(try AuthJSON(
                localError: error.message, code: error.code, method: settings.method?.rawValue ?? "",
                identity: settings.identity ?? "", server: settings.servers?.first).render())
            throw ExitCode(ExitStatus.localError.rawValue)
        }
        let (prepared, dictionary) = (inputs.prepared, inputs.dictionary)
        if expectation == nil, let definition = inputs.definition, definition.locations["expect"] != nil {
            expectation = definition.expectation
            try expectation.map(CLIExpectation.check)
        }

        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let run = await CaseRunner.run(
            prepared, transport: transport, dictionary: dictionary,
            observer: combinedObserver([
                output.verbose ? PacketPrinter.observer(dictionary: dictionary) : nil, recording.observer,
            ]))
        await transport.shutdown()

        let met = expectation.map { $0.evaluate(run.observation) }
        if output.json {
            Console.out(try AuthJSON(run: run, dictionary: dictionary, expected: met?.passed).render())
        } else {
            if run.reports.count > 1 {
                Console.out("First conversation:")
                Console.out(AuthText.render(
                    report: run.reports[0], diagnosis: Diagnoser.diagnose(run.reports[0].evidence),
                    dictionary: dictionary, verbose: output.verbose))
                Console.out(AuthText.secondConversationTitle(run.report.evidence))
            }
            Console.out(AuthText.render(report: run.report, diagnosis: run.diagnosis, dictionary: dictionary,
                                        verbose: output.verbose))
            if let accounting = run.accounting {
                Console.out(AuthText.accountingLines(accounting).joined(separator: "\n"))
            }
            for line in met.map(AuthText.expectationLines) ?? [] { Console.out(line) }
        }
        // After the report, so a file that cannot be written does not hide the outcome.
        try recording.write()
        let status = Self.exitStatus(for: run.report.evidence, met: met?.passed, accounting: run.accounting)
        throw ExitCode(status.rawValue)
    }

    /// With `--expect`, the expectation decides. Otherwise an accept exits 0 only when its MPPE keys did not
    /// mismatch and, with accounting, every record got a verified response (2 when one got none, 3 when one could
    /// not be sent).
    static func exitStatus(for evidence: ConversationEvidence, met: Bool?, accounting: AccountingEvidence? = nil)
        -> ExitStatus
    {
        if let met { return met ? .success : .rejected }
        switch evidence.outcome {
        case .accept:
            if evidence.mppeKeys == .mismatch { return .rejected }
            switch accounting?.outcome {
            case .noResponse?: return .noAnswer
            case .error?: return .localError
            default: return .success
            }
        case .reject: return .rejected
        case .timeout: return .noAnswer
        case .error: return .localError
        }
    }
}

/// `--expect accept|reject|timeout|reject:853|reject:reason=258|reject:inferred-reason=16`.
struct CLIExpectation: ExpressibleByArgument {
    var expectation: Expectation

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let outcome = parts.first.flatMap(Expectation.Outcome.init(rawValue:)) else { return nil }
        expectation = Expectation(outcome)
        guard parts.count == 2 else { return }
        for item in parts[1].split(separator: ",") {
            if item.hasPrefix("inferred-reason=") {
                guard let reason = Int(item.dropFirst("inferred-reason=".count)) else { return nil }
                expectation.inferredReasons.append(reason)
            } else if item.hasPrefix("reason=") {
                guard let reason = Int(item.dropFirst("reason=".count)) else { return nil }
                expectation.reasons.append(reason)
            } else {
                guard let error = Int(item) else { return nil }
                expectation.windowsErrors.append(error)
            }
        }
    }

    /// Refuses numbers no catalogue knows (exit 3) before anything is sent.
    static func check(_ expectation: Expectation) throws(LocalError) {
        guard let problem = expectation.problems.first else { return }
        throw LocalError("--expect \(expectation): \(problem.message) (\(problem.hint))")
    }
}
