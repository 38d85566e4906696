import ArgumentParser
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import Reports
import UnixSignals

/// `npsprobe load`: many conversations against a server or a farm, as NASes send them, with latency percentiles.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load-test RADIUS servers: many authentications as NASes send them, rates and latency percentiles.",
        discussion: """
            Takes the same options as `auth` (or a --profile). Credentials and TLS contexts are loaded once. \
            Each conversation keeps one source address and port for all its round trips, as a NAS does \
            (balancers persist on them); a socket carries 256 conversations at once.

            Open loop (--rate, --stage): conversations start at their intended times whatever is in flight, \
            up to --max-in-flight (arrivals beyond are counted as not started), and latency is measured from \
            the intended start, so a stalled server shows in the percentiles. Closed loop (--concurrency): a \
            new conversation starts when one ends. A run is always bounded (--duration, --count, stages).

            Ctrl-C (or SIGTERM) stops starting conversations and lets those in flight finish (each within its \
            retransmission schedule); the report is printed and --json-out, --hdr-log, --prom and --report \
            written all the same. A second \
            Ctrl-C stops at once, without a report. Only send load to servers you own.

            Several generators: --shard i/N on each (N of them, i = 0…N-1) splits the identity pool, the rate, \
            --count and --concurrency; `npsprobe report merge` combines their --json-out files exactly \
            (Profiles/kubernetes/ has an Indexed Job).

            Exit status: 0 when every scheduled conversation started and was accepted (or --allow-failures), \
            2 when every conversation timed out (no answer from any server), 1 otherwise, 3 local error, 130 \
            after Ctrl-C (SIGINT), 143 after SIGTERM.
            """)

    @OptionGroup var inputs: CaseOptions
    @OptionGroup(title: "Schedule") var schedule: LoadScheduleOptions
    @OptionGroup(title: "NAS ports") var sources: LoadSourceOptions
    @OptionGroup(title: "Identity pools") var identities: LoadIdentityOptions
    @OptionGroup(title: "Load output") var output: LoadOutputOptions
    @OptionGroup(title: "Accounting") var accountingOptions: AccountingOptions
    @OptionGroup(title: "Farms") var farm: LoadFarmOptions

    func validate() throws {
        let plan = try schedule.plan()
        _ = try sources.plan(maximumInFlight: plan.maximumInFlight)
        _ = try identities.settings(callingStationId: nil)
    }

    /// The header line: what the run will do.
    static func describe(_ scheduler: LoadScheduler, sockets: SocketPlan) -> String {
        var parts: [String] = []
        switch scheduler.schedule {
        case .open(let stages, let maximum):
            let rates = stages.map { stage in
                (stage.fromRate == stage.toRate ? String(format: "%g/s", stage.fromRate)
                    : String(format: "%g..%g/s", stage.fromRate, stage.toRate))
                    + (stage.duration.map { String(format: " for %g s", $0.seconds) } ?? "")
            }
            parts.append("open loop at " + rates.joined(separator: ", then "))
            parts.append("at most \(maximum) in flight")
        case .closed(let concurrency):
            parts.append("closed loop of \(concurrency)")
        }
        if case .closed = scheduler.schedule, let duration = scheduler.duration {
            parts.append(String(format: "for %g s", duration.seconds))
        }
        if let count = scheduler.count { parts.append("at most \(count) conversations") }
        let addresses = sockets.sourceAddresses.isEmpty ? "the default source address"
            : sockets.sourceAddresses.joined(separator: ", ")
        parts.append("\(sockets.socketsPerAddress) source port(s) on \(addresses)")
        return parts.joined(separator: ", ")
    }

    /// Exit statuses of an interrupted run: 128 + the signal, as a shell reports a process it stopped.
    static func interruptedStatus(_ reason: String) -> Int32 { reason == "SIGTERM" ? 143 : 130 }

    func run() async throws {
        // The report file is checked before anything is sent (see `OutputFile`).
        let jsonOut = try OutputFile.check(output.jsonOut, option: "--json-out")
        let hdrLog = try OutputFile.check(output.hdrLog, option: "--hdr-log")
        let prom = try OutputFile.check(output.prom, option: "--prom")
        let htmlReport = try OutputFile.check(output.report, option: "--report")
        try OutputFile.checkDistinct([jsonOut, hdrLog, prom, htmlReport])
        let shard = try schedule.shardPlan()
        let plan = try schedule.plan(shard: shard)
        let socketPlan = try sources.plan(maximumInFlight: plan.maximumInFlight)
        var poolSettings = try identities.settings(callingStationId: nil)
        poolSettings.nasAddressFromSource = !sources.sourceAddresses.isEmpty
        poolSettings.shard = shard
        let control = LoadControl()
        let clearLine = isatty(STDERR_FILENO) != 0 ? "\r\u{1B}[K" : ""
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let watcher = Task {
            var seen = 0
            for await signal in signals {
                seen += 1
                let name = signal.description
                if seen == 1 {
                    control.stop(reason: name)
                    Console.err(clearLine + "npsprobe: \(name): starting no more conversations; waiting for those in "
                                + "flight (again to stop at once)")
                } else {
                    Console.err("npsprobe: \(name) again: stopping at once, no report")
                    Foundation.exit(Self.interruptedStatus(name))
                }
            }
        }

        let inputs = try self.inputs.prepare(accounting: accountingOptions.settings) { settings throws(LocalError) in
            poolSettings.callingStationId = settings.nas?.callingStationId
            do throws(ProfileError) {
                try LoadPreparation.adjust(&settings, for: poolSettings)
            } catch {
                throw LocalError(error.reason)
            }
        }
        let pool: LoadIdentities
        do throws(ProfileError) {
            pool = try LoadPreparation.identities(poolSettings, settings: inputs.settings)
        } catch {
            throw LocalError("\(error.location.path == "<command line>" ? "" : "\(error.location): ")\(error.reason)")
        }
        if shard.count > 1, pool.poolCount == 1 {
            Console.warn("--shard \(shard.index)/\(shard.count): the run has one identity, so every shard sends it "
                         + "(give a pool: --identities, --identity-file, --certificate-dir)")
        }
        let request = inputs.prepared.request
        let servers = inputs.prepared.client.servers
        var spread: LoadSpread?
        if farm.spreading {
            guard servers.count >= 2 else {
                throw LocalError(
                    "--spread needs at least two --server (or servers: in the profile); got \(servers.count)")
            }
            let weights: [Int]?
            do throws(ValidationError) {
                weights = try farm.weights(servers: servers.count)
            } catch {
                throw LocalError(error.message)
            }
            spread = LoadSpread(servers: servers, weights: weights)
        }
        var nodeSettings = LoadNodeSettings(callingStationIdSent: poolSettings.callingStationId != nil)
        if let name = farm.backendAttribute {
            guard let definition = inputs.dictionary.attribute(named: name) else {
                throw LocalError("--backend-attribute '\(name)' is not in the dictionary (e.g. Reply-Message, "
                                 + "Filter-Id, or a vendor attribute such as MS-RAS-Vendor)")
            }
            guard definition.vendor != 0 || definition.number <= 255 else {
                throw LocalError(
                    "--backend-attribute '\(name)' is an extended attribute; name a standard or vendor one")
            }
            nodeSettings.backendAttribute = LoadNodeSettings.BackendAttribute(
                name: definition.name, number: definition.number,
                vendor: definition.vendor == 0 ? nil : definition.vendor,
                format: inputs.dictionary.vendorFormat(definition.vendor))
        }

        let transport = RADIUSTransport(plan: socketPlan)
        let conversation = Conversation(
            client: RADIUSClient(transport: transport, configuration: inputs.prepared.client))
        do {
            for server in inputs.prepared.client.servers { try await transport.open(toward: server) }
        } catch {
            await transport.shutdown()
            throw LocalError(error.reason)
        }
        let printer: ProgressPrinter? = output.quiet ? nil : ProgressPrinter(terminal: isatty(STDERR_FILENO) != 0)
        if printer != nil {
            Console.err("npsprobe: load: \(Self.describe(plan.scheduler, sockets: socketPlan)) "
                        + "(Ctrl-C stops and reports)")
        }
        let startTime = Date()
        var report: (@Sendable (LoadProgress) -> Void)?
        if let printer { report = { printer.print($0) } }
        let accounting = inputs.prepared.accounting.map { plan in
            LoadAccounting(client: RADIUSClient(transport: transport, configuration: plan.client),
                           interimUpdate: plan.interimUpdate)
        }
        let result = await LoadRunner.run(
            LoadRequests(base: request, identities: pool, recipe: inputs.prepared.eapRecipe),
            conversation: conversation, scheduler: plan.scheduler,
            control: control, progress: report, progressInterval: printer?.interval ?? .seconds(1),
            accounting: accounting, nodes: nodeSettings, spread: spread)
        await transport.shutdown()
        watcher.cancel()
        printer?.finish()

        let shardInfo = shard.count > 1
            ? LoadRunData.Shard(index: shard.index, count: shard.count, firstIdentity: pool.slice.lowerBound,
                                poolIdentities: pool.poolCount)
            : nil
        let loadReport = LoadReport(result: result, method: request.method.name, identities: pool.count,
                                    resumeRatio: pool.resumeRatio, startTime: startTime, shard: shardInfo)
        let json = try JSONOutput.render(loadReport)
        Console.out(output.json ? json : loadReport.text)
        if output.json { for warning in loadReport.warnings { Console.warn(warning) } }
        try jsonOut?.write(json)
        if hdrLog != nil || prom != nil || htmlReport != nil {
            let data: LoadRunData
            let log: String
            do throws(ReportError) {
                data = try LoadRunData.decode(Data(json.utf8))
                log = try HdrLog(data).text
            } catch {
                throw LocalError(error.message)
            }
            try hdrLog?.write(log)
            try prom?.write(LoadPrometheus.render(data, timestamp: startTime))
            try htmlReport?.write(LoadHTMLReport.render(data))
        }
        if let interruption = result.interruption { throw ExitCode(Self.interruptedStatus(interruption)) }
        throw ExitCode(Self.exitStatus(result.statistics, allowFailures: output.allowFailures).rawValue)
    }

    /// 0 every scheduled conversation started and was accepted (or `--allow-failures`), 2 every one timed out (as
    /// `auth` says of a silent server), 1 otherwise.
    static func exitStatus(_ statistics: LoadStatistics, allowFailures: Bool) -> ExitStatus {
        let failed = statistics.conversations - statistics.accepted + statistics.mppeMismatches + statistics.notStarted
            + (statistics.accounting.map { $0.noResponse + $0.errors } ?? 0)
        if failed == 0 || allowFailures { return .success }
        if statistics.conversations > 0, statistics.timedOut == statistics.conversations { return .noAnswer }
        return .rejected
    }
}

/// The live progress on standard error: one line rewritten in place on a terminal (4 times a second), a plain
/// line every 5 s otherwise.
private final class ProgressPrinter: Sendable {
    let terminal: Bool
    var interval: Duration { terminal ? .milliseconds(250) : .seconds(5) }

    init(terminal: Bool) { self.terminal = terminal }

    static func line(_ p: LoadProgress) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "–" }
        let asked = p.askedRate.map { String(format: "asked %.0f/s  ", $0) } ?? ""
        return String(format: "%6.1f s  ", p.elapsed.seconds) + asked
            + String(format: "achieved %.0f/s  ", p.achievedRate)
            + "in flight \(p.inFlight)  accepted \(p.accepted)  rejected \(p.rejected)  no answer \(p.timedOut)"
            + (p.errors > 0 ? "  errors \(p.errors)" : "") + (p.notStarted > 0 ? "  not started \(p.notStarted)" : "")
            + "  p50 \(ms(p.p50))  p99 \(ms(p.p99))"
    }

    func print(_ progress: LoadProgress) {
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(progress)).utf8))
        } else {
            Console.err("  " + Self.line(progress))
        }
    }

    /// Ends the rewritten line so the report starts on a fresh one.
    func finish() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
