import ArgumentParser
import Foundation
import Jobs
import Probe

/// When conversations start: open loop (`--rate`, `--stage`) or closed loop (`--concurrency`), always bounded.
struct LoadScheduleOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Open loop: start conversations at this rate (`500`, `500/s`, `30000/m`) whatever is in flight; latency "
            + "counts from each one's intended start. Needs --duration or --count.", valueName: "rate"))
    var rate: String?

    @Option(help: ArgumentHelp(
        "Open loop in stages (repeatable, in order): `30s@100/s` holds 100/s for 30 s, `60s@100..800/s` ramps "
            + "from 100/s to 800/s over 60 s.", valueName: "duration@rate"))
    var stage: [String] = []

    @Option(help: ArgumentHelp(
        "Closed loop: conversations in flight at once, each starting when one ends (default 16). With --rate or "
            + "--stage it caps conversations in flight, as --max-in-flight.", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp(
        "Open loop: at most this many conversations in flight; an arrival that finds this many is counted as not "
            + "started (default: 2 s of the peak rate, 64…10000).", valueName: "n"))
    var maxInFlight: Int?

    @Option(help: ArgumentHelp("Stop starting conversations after this long (`90`, `90s`, `2m`).",
                               valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Start at most this many conversations (default 1000 for a closed loop without "
                               + "--duration).", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp(
        "Be generator i of N (0-based): take the i-th of N disjoint slices of the identity pool and 1/N of the rate, "
            + "--count and --concurrency, so N generators together send what one was asked; `report merge` combines "
            + "their --json-out files. i may name an environment variable holding it: "
            + "--shard JOB_COMPLETION_INDEX/4 (a Kubernetes Indexed Job).", valueName: "i/N"))
    var shard: String?

    struct Plan {
        var scheduler: LoadScheduler
        var maximumInFlight: Int
    }

    /// `--shard i/N` (i a number or the name of an environment variable holding one); `.whole` without it.
    func shardPlan(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ValidationError) -> LoadShard
    {
        guard let shard else { return .whole }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let count = Int(parts[1]), (1...10_000).contains(count) else {
            throw ValidationError("--shard '\(shard)' is not i/N with N 1…10000 (0/4, or JOB_COMPLETION_INDEX/4)")
        }
        var indexText = parts[0]
        if Int(indexText) == nil {
            let name = indexText.hasPrefix("$") ? String(indexText.dropFirst()) : indexText
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("--shard '\(shard)': '\(indexText)' is neither a number nor a variable name")
            }
            guard let value = environment[name] else {
                throw ValidationError("--shard '\(shard)': the environment variable \(name) is not set")
            }
            indexText = value.trimmingCharacters(in: .whitespaces)
        }
        guard let index = Int(indexText), (0..<count).contains(index) else {
            throw ValidationError("--shard '\(shard)': the index '\(indexText)' is not 0…\(count - 1)")
        }
        return LoadShard(index: index, count: count)
    }

    /// The scheduler these options describe, or a message naming the option that is wrong.
    func plan() throws(ValidationError) -> Plan {
        try plan(shard: try shardPlan())
    }

    /// The plan of shard `shard`: rates, count and concurrency divided among the shards.
    func plan(shard: LoadShard) throws(ValidationError) -> Plan {
        let whole = try wholePlan()
        guard shard.count > 1 else { return whole }
        let scheduler = whole.scheduler
        func part(_ total: Int, _ what: String) throws(ValidationError) -> Int {
            let mine = shard.part(of: total)
            guard mine > 0 else {
                throw ValidationError("\(what) \(total) cannot be split into \(shard.count) shards (shard "
                                      + "\(shard.index) would get none)")
            }
            return mine
        }
        let count = try scheduler.count.map { total throws(ValidationError) in try part(total, "--count") }
        switch scheduler.schedule {
        case .closed(let concurrency):
            let mine = try part(concurrency, "--concurrency")
            return Plan(scheduler: LoadScheduler(.closed(concurrency: mine), duration: scheduler.duration,
                                                 count: count),
                        maximumInFlight: mine)
        case .open(let stages, let maximum):
            let divided = stages.map { stage in
                LoadStage(duration: stage.duration, from: stage.fromRate / Double(shard.count),
                          to: stage.toRate / Double(shard.count))
            }
            let mine = max(1, (maximum + shard.count - 1) / shard.count)
            return Plan(scheduler: LoadScheduler(.open(stages: divided, maximumInFlight: mine),
                                                 duration: scheduler.duration, count: count),
                        maximumInFlight: mine)
        }
    }

    private func wholePlan() throws(ValidationError) -> Plan {
        let duration = try self.duration.map { text throws(ValidationError) in
            try Self.parseDuration(text, option: "--duration")
        }
        if let duration, duration <= .zero { throw ValidationError("--duration must be positive") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let concurrency, !(1...100_000).contains(concurrency) {
            throw ValidationError("--concurrency must be 1…100000")
        }
        if let maxInFlight, !(1...100_000).contains(maxInFlight) {
            throw ValidationError("--max-in-flight must be 1…100000")
        }
        var stages: [LoadStage] = []
        if let rate {
            guard stage.isEmpty else { throw ValidationError("give --rate or --stage, not both") }
            guard duration != nil || count != nil else {
                throw ValidationError("--rate needs --duration or --count: a load run is always bounded")
            }
            stages = [LoadStage(duration: duration, rate: try Self.parseRate(rate, option: "--rate"))]
        } else {
            stages = try stage.map { text throws(ValidationError) in try Self.parseStage(text) }
        }
        guard !stages.isEmpty else {
            if maxInFlight != nil { throw ValidationError("--max-in-flight is for --rate/--stage; use --concurrency") }
            let concurrency = concurrency ?? 16
            return Plan(
                scheduler: LoadScheduler(
                    .closed(concurrency: concurrency), duration: duration,
                    count: count ?? (duration == nil ? 1000 : nil)),
                maximumInFlight: concurrency)
        }
        if concurrency != nil && maxInFlight != nil {
            throw ValidationError("--concurrency and --max-in-flight both cap an open loop: give one")
        }
        let peak = stages.map { max($0.fromRate, $0.toRate) }.max() ?? 0
        guard peak > 0 else { throw ValidationError("the schedule asks for no conversation (every rate is 0)") }
        let maximum = maxInFlight ?? concurrency ?? min(10_000, max(64, Int((peak * 2).rounded(.up))))
        return Plan(
            scheduler: LoadScheduler(.open(stages: stages, maximumInFlight: maximum), duration: duration, count: count),
            maximumInFlight: maximum)
    }

    /// `90`, `90s`, `1.5s`, `500ms`, `2m`, `1h`.
    static func parseDuration(_ text: String, option: String) throws(ValidationError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var scale = 1.0
        var number = Substring(trimmed)
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            scale = factor
            number = number.dropLast(suffix.count)
            break
        }
        // 1e300 is finite but no Duration: bounded to a week, so the conversion cannot trap (issue 13).
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 604_800 else {
            throw ValidationError("\(option) '\(text)' is not a duration of at most a week (90, 90s, 500ms, 2m, 1h)")
        }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    /// `500`, `500/s`, `30000/m`.
    static func parseRate(_ text: String, option: String) throws(ValidationError) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var scale = 1.0
        var number = Substring(trimmed)
        if trimmed.hasSuffix("/s") {
            number = number.dropLast(2)
        } else if trimmed.hasSuffix("/m") {
            number = number.dropLast(2)
            scale = 1.0 / 60
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 1_000_000 else {
            throw ValidationError("\(option) '\(text)' is not a rate (500, 500/s, 30000/m; at most 1000000/s)")
        }
        return value * scale
    }

    /// `30s@100/s` or `60s@100..800/s`.
    static func parseStage(_ text: String) throws(ValidationError) -> LoadStage {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw ValidationError("--stage '\(text)' is not DURATION@RATE (30s@100/s, 60s@100..800/s)")
        }
        let duration = try parseDuration(parts[0], option: "--stage")
        guard duration > .zero else { throw ValidationError("--stage '\(text)': the duration must be positive") }
        let rates = parts[1].components(separatedBy: "..")
        switch rates.count {
        case 1:
            return LoadStage(duration: duration, rate: try parseRate(rates[0], option: "--stage"))
        case 2:
            // `100..800/s`: the unit written once, at the end, applies to both.
            let unit = rates[1].hasSuffix("/m") ? "/m" : rates[1].hasSuffix("/s") ? "/s" : ""
            let from = try parseRate(rates[0].hasSuffix("/s") || rates[0].hasSuffix("/m") ? rates[0] : rates[0] + unit,
                                     option: "--stage")
            return LoadStage(duration: duration, from: from, to: try parseRate(rates[1], option: "--stage"))
        default:
            throw ValidationError("--stage '\(text)': a ramp is FROM..TO (100..800/s)")
        }
    }
}

/// The "NAS ports": which source addresses and how many source ports conversations leave from.
struct LoadSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Source ports (sockets) on each source address; conversations are spread over them and keep theirs for "
            + "every round trip, as a NAS does (default: as few as the in-flight count needs, 256 each).",
        valueName: "n"))
    var sockets: Int?

    @Option(name: .customLong("source-address"), help: ArgumentHelp(
        "Send from this local address (repeatable; conversations take them in turn). NPS tells RADIUS clients "
            + "apart by source address; NAS-IP-Address follows it unless --nas-ip-address is given. On loopback "
            + "127.0.0.2, 127.0.0.3… work without setup.", valueName: "address"))
    var sourceAddresses: [String] = []

    /// The transport's socket plan for `maximumInFlight` conversations at once.
    func plan(maximumInFlight: Int) throws(ValidationError) -> SocketPlan {
        for address in sourceAddresses {
            guard SocketPlan.isIPAddress(address) else {
                throw ValidationError("--source-address '\(address)' is not an IPv4 or IPv6 address")
            }
        }
        var families = 0
        if sourceAddresses.contains(where: { !$0.contains(":") }) { families += 1 }
        if sourceAddresses.contains(where: { $0.contains(":") }) { families += 1 }
        // Conversations of one family take that family's addresses in turn.
        let addresses = max(1, sourceAddresses.count / max(1, families))
        let needed = SocketPlan.socketsNeeded(forInFlight: maximumInFlight, addresses: addresses)
        if let sockets {
            guard (1...1024).contains(sockets) else { throw ValidationError("--sockets must be 1…1024") }
            guard sockets >= needed else {
                throw ValidationError(
                    "--sockets \(sockets) carries at most \(sockets * SocketPlan.conversationsPerSocket * addresses) "
                        + "conversations at once (256 per socket); \(maximumInFlight) in flight need \(needed)")
            }
        }
        let perAddress = sockets ?? needed
        return SocketPlan(
            sourceAddresses: sourceAddresses, socketsPerAddress: perAddress, maximumSocketsPerAddress: perAddress)
    }
}

/// Many users and devices instead of one.
struct LoadIdentityOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Number the identity: --identity 'user{n}' --identities 1000 authenticates user1…user1000 in turn "
            + "({n:04d} pads, {n:x} is hexadecimal).", valueName: "n"))
    var identities: Int?

    @Option(help: ArgumentHelp(
        "A CSV of identity,password lines, taken in turn (--identity defaults to '{identity}'; "
            + "'CORP\\{identity}' adds a domain).", valueName: "path"))
    var identityFile: String?

    @Option(help: ArgumentHelp(
        "A folder of client certificates (name.pem + name.key, or .p12/.pfx with --key-password-*), loaded once; "
            + "conversations take them in turn, {identity} being each certificate's name.", valueName: "dir"))
    var certificateDir: String?

    @Option(help: ArgumentHelp(
        "Share of conversations (0…1) that resume their identity's saved TLS session (PEAP fast reconnect, "
            + "EAP-TLS resumption).", valueName: "ratio"))
    var resumeRatio: Double?

    func settings(callingStationId: String?) throws(ValidationError) -> LoadIdentitySettings {
        let pools = [identities != nil, identityFile != nil, certificateDir != nil].filter { $0 }.count
        guard pools <= 1 else {
            throw ValidationError("give one identity pool: --identities, --identity-file or --certificate-dir")
        }
        if let identities, !(1...10_000_000).contains(identities) {
            throw ValidationError("--identities must be 1…10000000")
        }
        if let resumeRatio, !(0...1).contains(resumeRatio) { throw ValidationError("--resume-ratio must be 0…1") }
        return LoadIdentitySettings(
            numbered: identities, file: identityFile, certificateDirectory: certificateDir,
            callingStationId: callingStationId, resumeRatio: resumeRatio ?? 0)
    }
}

/// What a load run prints and writes.
struct LoadOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object with the figures on stdout.")
    var json = false

    @Option(help: ArgumentHelp(
        "Also write the JSON object to this file (written whole at the end, also after Ctrl-C). This is the "
            + "`--json FILE` of the other outputs: --json alone keeps printing on stdout.", valueName: "path"))
    var jsonOut: String?

    @Option(help: ArgumentHelp(
        "Write an HdrHistogram interval log (latency per interval, read by HdrHistogram's log tools and "
            + "`report merge`).", valueName: "path"))
    var hdrLog: String?

    @Option(help: ArgumentHelp("Write a Prometheus textfile (node_exporter textfile collector).", valueName: "path"))
    var prom: String?

    @Option(help: ArgumentHelp(
        "Write a self-contained HTML report (SVG charts: latency over time, asked vs achieved rate, outcomes, "
            + "per node).", valueName: "file.html"))
    var report: String?

    @Flag(help: ArgumentHelp("No progress on stderr (by default: one line rewritten in place on a terminal, a plain "
                             + "line every 5 s otherwise)."))
    var quiet = false

    @Flag(help: "Exit 0 even when some conversations failed or could not start (a load test of refusals, say).")
    var allowFailures = false
}

/// Farms: which member answered, and spreading conversations over several servers.
struct LoadFarmOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A reply attribute (dictionary name, e.g. Reply-Message or a vendor attribute) whose value names the farm "
            + "member that answered; without it NPS's Class in the Access-Accept names it, else the reply's "
            + "source address.", valueName: "name"))
    var backendAttribute: String?

    @Flag(help: ArgumentHelp(
        "Send conversations round robin over every --server instead of failing over in order (as NPS proxies and "
            + "NASes with several servers do); each keeps the others as its failover order."))
    var spread = false

    @Option(help: ArgumentHelp(
        "Weighted --spread: one weight (1…1000) per --server, in order, e.g. `3,1` sends 3 of every 4 "
            + "conversations to the first server. Implies --spread.", valueName: "w1,w2,…"))
    var spreadWeights: String?

    /// The weights, checked against the number of servers; nil when not weighted.
    func weights(servers: Int) throws(ValidationError) -> [Int]? {
        guard let spreadWeights else { return nil }
        let parts = spreadWeights.split(separator: ",", omittingEmptySubsequences: false)
        var weights: [Int] = []
        for part in parts {
            guard let weight = Int(part.trimmingCharacters(in: .whitespaces)), (1...1000).contains(weight) else {
                throw ValidationError(
                    "--spread-weights '\(spreadWeights)': each weight must be a whole number 1…1000")
            }
            weights.append(weight)
        }
        guard weights.count == servers else {
            throw ValidationError("--spread-weights gives \(weights.count) weight(s) for \(servers) --server(s): "
                                  + "give one per server, in order")
        }
        return weights
    }

    var spreading: Bool { spread || spreadWeights != nil }
}
