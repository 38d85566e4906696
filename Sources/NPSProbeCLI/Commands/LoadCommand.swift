import ArgumentParser
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import Reports

/// `npsprobe load`: many concurrent conversations against a server or a farm, with latency percentiles.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load-test RADIUS servers: many concurrent authentications, throughput and latency percentiles.",
        discussion: """
            Takes the same options as `auth` (or a --profile). Credentials and TLS contexts are loaded once;
            conversations run concurrently over one UDP transport spread over every core (sockets × 256
            identifiers). Latency is measured from the first transmission to the final reply of each
            conversation and kept in an HdrHistogram. Only send load to servers you own.
            Exit status: 0 when every conversation was accepted (or --allow-failures), 1 otherwise, 3 local error.
            """)

    @OptionGroup var inputs: CaseOptions

    @Option(help: "Conversations in flight at once.")
    var concurrency: Int = 16

    @Option(help: ArgumentHelp("Stop starting conversations after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Stop after this many conversations (default 1000 without --duration).",
                               valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Start at most this many conversations per second.", valueName: "per-second"))
    var rate: Double?

    @Flag(help: "Exit 0 even when some conversations failed (a load test of refusals, say).")
    var allowFailures = false

    @Flag(help: "Print one JSON object with the figures on stdout.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard (1...100_000).contains(concurrency) else { throw ValidationError("--concurrency must be 1…100000") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
    }

    @Sendable static func printProgress(_ snapshot: LoadProgress) {
        let seconds = snapshot.elapsed.milliseconds / 1000
        let rate = Double(snapshot.completed) / max(seconds, 0.001)
        Console.err("  " + String(format: "%6.1f", seconds) + " s  \(snapshot.completed) done  "
                    + "\(snapshot.accepted) accepted  \(snapshot.failed) failed  "
                    + String(format: "%.0f", rate) + "/s")
    }

    func run() async throws {
        let inputs = try self.inputs.prepare()
        if inputs.prepared.accounting != nil {
            Console.warn("the profile's accounting: is not sent by load yet: only the authentications are load-tested")
        }
        let plan = LoadPlan(
            concurrency: concurrency, duration: duration.map { .milliseconds(Int64($0 * 1000)) },
            total: count ?? (duration == nil ? 1000 : nil), rate: rate)
        let transport = RADIUSTransport(maximumSocketsPerFamily: max(1, concurrency / 128 + 1))
        let conversation = Conversation(
            client: RADIUSClient(transport: transport, configuration: inputs.prepared.client))
        let progress: (@Sendable (LoadProgress) -> Void)? = quiet ? nil : Self.printProgress
        let (statistics, elapsed) = await LoadRunner.run(
            inputs.prepared.request, conversation: conversation, plan: plan, progress: progress)
        await transport.shutdown()

        let report = LoadReport(statistics: statistics, elapsed: elapsed, method: inputs.prepared.request.method.name,
                                concurrency: concurrency)
        Console.out(json ? try JSONOutput.render(report) : report.text)
        let failed = statistics.conversations - statistics.accepted + statistics.mppeMismatches
        throw ExitCode(failed == 0 || allowFailures ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue)
    }
}
