import ArgumentParser
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import Reports

/// `npsprobe doctor`: a bounded series of probes derived from one case, and the findings ranked.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Probe a RADIUS server step by step from one case and rank what is wrong, with the fix.",
        discussion: """
            Runs the case (a PROFILE, or the same options as auth) and variations of it: Status-Server; \
            the request without Message-Authenticator and with Proxy-State (BlastRADIUS posture: requireMsgAuth, \
            limitProxyState); EAP-TLS at fragment sizes 1398, 1200, 1000, 600 (path MTU); the other TLS version \
            and resumption; every other method the credentials allow (EAP-TLS, PEAP-TLS, PEAP-MSCHAPv2) and \
            PEAP with and without crypto-binding; repeated conversations from new source ports and \
            Calling-Station-Ids (persistence). Only the servers named and the credentials given are used; each \
            request waits briefly and is retransmitted once.

            Exit status: 0 no problem found (information only), 1 problems found, 3 bad input (nothing sent).
            """)

    @Argument(help: ArgumentHelp("A profile (YAML) with one case; the same as --profile.", valueName: "profile"))
    var profileArgument: String?

    @OptionGroup var inputs: CaseOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    @Option(help: ArgumentHelp("Repeated conversations of the persistence probe, 1-16 (default 4).", valueName: "n"))
    var persistenceRuns: Int = 4

    @Option(help: ArgumentHelp("Seconds every probe request waits before its one retransmission, 0.2-10 (default "
                               + "1.5; the profile's timeout when smaller).", valueName: "seconds"))
    var probeTimeout: Double = 1.5

    func validate() throws {
        if profileArgument != nil, inputs.profile != nil {
            throw ValidationError("give the profile once: as an argument or with --profile")
        }
        guard (1...16).contains(persistenceRuns) else { throw ValidationError("--persistence-runs must be 1-16") }
        guard probeTimeout.isFinite, (0.2...10).contains(probeTimeout) else {
            throw ValidationError("--probe-timeout must be 0.2-10 seconds")
        }
    }

    func run() async throws {
        var inputs = self.inputs
        if let profileArgument { inputs.profile = profileArgument }
        // Everything is prepared (and refused, exit 3) before the first request.
        let prepared = try inputs.prepare()
        let settings = prepared.settings
        let dictionary = prepared.dictionary
        let verbose = output.verbose
        let runner = DoctorRunner(
            settings: settings, dictionary: dictionary, probeTimeout: probeTimeout, persistenceRuns: persistenceRuns,
            observer: verbose ? PacketPrinter.observer(dictionary: dictionary) : nil)
        do {
            try runner.validate()
        } catch {
            throw LocalError(error.hint.map { "\(error.reason) (\($0))" } ?? error.reason)
        }
        let json = output.json
        let run = await runner.run { probe, observed in
            guard !json else { return }
            Console.err("npsprobe: doctor: \(probe.key): \(probe.summary) → \(observed.outcome.rawValue)")
        }
        let servers = settings.servers ?? []
        if json {
            Console.out(try DoctorJSON(run: run, servers: servers).render())
        } else {
            Console.out(DoctorText.render(run, servers: servers))
        }
        throw ExitCode(run.hasProblems ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue)
    }
}
