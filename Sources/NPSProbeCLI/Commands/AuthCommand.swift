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
            """ + "\n" + ExitStatus.help)

    @OptionGroup var inputs: CaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp(
        "Exit 0 when the outcome is this one: accept, reject, timeout, reject:853 (the diagnosed Windows error), "
            + "reject:reason=16 (an NPS reason code).", valueName: "outcome"))
    var expect: CLIExpectation?

    func run() async throws {
        let inputs = try self.inputs.prepare()
        let (prepared, dictionary) = (inputs.prepared, inputs.dictionary)
        var expectation = expect?.expectation
        if expectation == nil, let definition = inputs.definition, definition.locations["expect"] != nil {
            expectation = definition.expectation
        }

        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let run = await CaseRunner.run(
            prepared, transport: transport, dictionary: dictionary,
            observer: output.verbose ? PacketPrinter.observer(dictionary: dictionary) : nil)
        await transport.shutdown()

        let met = expectation.map { $0.evaluate(run.observation) }
        if output.json {
            Console.out(try AuthJSON(run: run, dictionary: dictionary, expected: met?.passed).render())
        } else {
            if run.reports.count > 1 {
                Console.out("First conversation:")
                Console.out(AuthText.render(
                    report: run.reports[0], diagnosis: Diagnoser.diagnose(run.reports[0].evidence),
                    dictionary: dictionary))
                Console.out("Resumed conversation:")
            }
            Console.out(AuthText.render(report: run.report, diagnosis: run.diagnosis, dictionary: dictionary))
            if let met {
                Console.out(met.passed ? "  as expected (\(met.expected))"
                            : "  NOT as expected: wanted \(met.expected), got \(met.got)")
            }
        }
        throw ExitCode(Self.exitStatus(for: run.report.evidence, met: met?.passed).rawValue)
    }

    static func exitStatus(for evidence: ConversationEvidence, met: Bool?) -> ExitStatus {
        if let met { return met ? .success : .rejected }
        switch evidence.outcome {
        case .accept: return evidence.mppeKeys == .mismatch ? .rejected : .success
        case .reject: return .rejected
        case .timeout: return .noAnswer
        case .error: return .localError
        }
    }
}

/// `--expect accept|reject|timeout|reject:853|reject:reason=16`.
struct CLIExpectation: ExpressibleByArgument {
    var expectation: Expectation

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let outcome = parts.first.flatMap(Expectation.Outcome.init(rawValue:)) else { return nil }
        expectation = Expectation(outcome)
        guard parts.count == 2 else { return }
        for item in parts[1].split(separator: ",") {
            if item.hasPrefix("reason=") {
                guard let reason = Int(item.dropFirst("reason=".count)) else { return nil }
                expectation.reasons.append(reason)
            } else {
                guard let error = Int(item) else { return nil }
                expectation.windowsErrors.append(error)
            }
        }
    }
}
