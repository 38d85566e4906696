import Foundation
import LabSupport
import NIOPosix
@testable import NPSProbeCLI
import TestServers
import Testing

/// `npsprobe load` as a user runs it: the built binary against an in-process server (no lab), Ctrl-C and SIGTERM
/// in the middle of a run, a slow server's missed rate in the report, option errors.
@Suite(.serialized) struct LoadCommandTests {
    /// Runs `body` (which blocks: it waits for a subprocess) on a Dispatch queue, off Swift's cooperative pool, so
    /// the tests running beside it keep their threads.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// A PAP server on loopback answering after `delay`, for the length of `body` (run off the cooperative pool).
    static func withServer<T: Sendable>(delay: Duration, _ body: @escaping @Sendable (TestRADIUSServer) throws -> T)
        async throws -> T
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.users = ["bob": "bob-pass"]
        behaviour.replyDelay = delay
        let server = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        let result: Result<T, any Error>
        do {
            result = .success(try await offPool { try body(server) })
        } catch {
            result = .failure(error)
        }
        await server.close()
        try await group.shutdownGracefully()
        return try result.get()
    }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LOAD_SECRET"] = "testing123"
        environment["LOAD_PASSWORD"] = "bob-pass"
        return environment
    }

    static func papArguments(_ server: TestRADIUSServer) -> [String] {
        ["load", "--server", server.address, "--secret-env", "LOAD_SECRET", "--method", "pap", "--identity", "bob",
         "--password-env", "LOAD_PASSWORD", "--timeout", "2", "--retries", "0"]
    }

    static func countsAddUp(_ json: [String: Any]) -> Bool {
        let parts = ["accepted", "rejected", "timed_out", "errors", "not_started"].compactMap { json[$0] as? Int }
        return parts.count == 5 && parts.reduce(0, +) == json["scheduled"] as? Int
    }

    @Test(arguments: [(SIGINT, "SIGINT", Int32(130)), (SIGTERM, "SIGTERM", Int32(143))])
    func aSignalStopsTheRunPrintsTheReportAndWritesTheFiles(signal: Int32, name: String, status: Int32)
        async throws
    {
        let file = ScratchFile(Data(), suffix: ".json")
        let path = file.path
        let output = try await Self.withServer(delay: .milliseconds(400)) { server in
            let running = try NPSProbeBinary.start(
                Self.papArguments(server) + ["--rate", "20/s", "--duration", "60", "--json-out", path,
                                             "--sockets", "2"] + (signal == SIGTERM ? ["--json"] : []),
                environment: Self.environment)
            // Once it has started (its header line), let it send some conversations, several of them still waiting
            // for their answer, then interrupt it.
            for _ in 0..<400 where !running.stderrSoFar.contains("npsprobe: load: open loop") { usleep(50_000) }
            usleep(1_000_000)
            running.send(signal)
            return try running.wait(timeout: .seconds(20))
        }
        #expect(output.status == status, "\(output.stderr)")
        #expect(output.stderr.contains("\(name): starting no more conversations"))
        let written = try jsonObject(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: file.path)), as: UTF8.self))
        #expect(written["interrupted"] as? String == name)
        #expect(Self.countsAddUp(written), "\(written)")
        // Those in flight at the signal finished with their answer: nothing was cut off.
        let scheduled = try #require(written["scheduled"] as? Int)
        #expect((5...60).contains(scheduled), "about 1 s at 20/s: \(scheduled)")
        #expect(written["accepted"] as? Int == scheduled)
        #expect(try #require(written["duration_s"] as? Double) < 5)
        if signal == SIGTERM {
            // --json: the same object on stdout.
            #expect(try jsonObject(output.stdout)["scheduled"] as? Int == scheduled)
        } else {
            #expect(output.stdout.contains("INTERRUPTED by SIGINT"))
            #expect(output.stdout.contains("accepted \(scheduled)  rejected 0  no answer 0  errors 0  not started 0"))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressIsOneLineRewrittenInPlaceOnATerminalAndPlainLinesOtherwise() async throws {
        let binary = try #require(NPSProbeBinary.executable)
        let (terminal, plain) = try await Self.withServer(delay: .zero) { server in
            let arguments = Self.papArguments(server) + ["--rate", "20/s", "--sockets", "1"]
            // util-linux `script` gives the command a pseudo-terminal and copies what it shows to our stdout.
            let command = ([binary.path] + arguments + ["--duration", "1.5"]).map { "'\($0)'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
            process.environment = Self.environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let shown = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let plain = try NPSProbeBinary.run(arguments + ["--duration", "5.5"], environment: Self.environment)
            return (shown, plain)
        }
        // On a terminal: the line is rewritten in place (carriage return, erase line) several times, then erased
        // before the report.
        let rewrites = terminal.components(separatedBy: "\r\u{1B}[K").count - 1
        #expect(rewrites >= 4, "\(terminal.debugDescription)")
        #expect(terminal.contains("asked 20/s  achieved"))
        #expect(terminal.contains("30 pap conversations in"))
        // Not a terminal: no escape codes, one plain line at 5 s.
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("\u{1B}"))
        let lines = plain.stderr.split(separator: "\n").filter { $0.contains("achieved") }
        #expect(lines.count == 1 && lines[0].contains("5.0 s  asked 20/s"), "\(plain.stderr)")
    }

    @Test func aSlowServerShowsTheMissedRateInTheReport() async throws {
        let file = ScratchFile(Data(), suffix: ".json")
        let path = file.path
        let output = try await Self.withServer(delay: .milliseconds(300)) { server in
            try NPSProbeBinary.run(
                Self.papArguments(server) + ["--rate", "50/s", "--duration", "1", "--max-in-flight", "3",
                                             "--json-out", path, "--quiet"],
                environment: Self.environment)
        }
        // Arrivals that could not start fail the run (exit 1), are counted and explained.
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stdout.contains("WARNING: asked 50.0/s, achieved"), "\(output.stdout)")
        #expect(output.stdout.contains("could not start with 3 in flight"))
        let json = try jsonObject(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: file.path)), as: UTF8.self))
        #expect(json["rate_missed"] as? Bool == true)
        #expect(json["asked_per_second"] as? Double == 50)
        #expect(try #require(json["achieved_per_second"] as? Double) < 20)
        #expect(try #require(json["not_started"] as? Int) > 30)
        #expect(Self.countsAddUp(json))
        #expect(json["schedule"] as? String == "open" && json["max_in_flight"] as? Int == 3)
        // The fields `load --json` always had are still there.
        for key in ["method", "concurrency", "conversations", "accepted", "rejected", "timed_out", "errors",
                    "mppe_mismatches", "duration_s", "per_second", "latency_ms", "round_trips", "retransmissions",
                    "discarded_replies", "by_server", "error_samples"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(try #require((json["latency_ms"] as? [String: Double])?["p50"]) >= 300)
    }

    @Test func aClosedLoopSpreadsOverItsSourcePortsAndNumbersItsDevices() async throws {
        let output = try await Self.withServer(delay: .zero) { server in
            try NPSProbeBinary.run(
                Self.papArguments(server) + ["--concurrency", "8", "--count", "200", "--sockets", "4", "--json",
                                             "--source-address", "127.0.0.1", "--source-address", "127.0.0.3",
                                             "--calling-station-id", "02-00-00-{n:06x}"],
                environment: Self.environment)
        }
        #expect(output.status == 0, "\(output.stderr)")
        let json = try jsonObject(output.stdout)
        #expect(json["accepted"] as? Int == 200 && Self.countsAddUp(json))
        #expect(json["schedule"] as? String == "closed" && json["asked_per_second"] == nil)
        let sources = try #require(json["by_source"] as? [String: Int])
        #expect(sources.count == 8 && sources.values.allSatisfy { $0 >= 10 }, "\(sources)")
        #expect(Set(sources.keys.map { $0.split(separator: ":")[0] }) == ["127.0.0.1", "127.0.0.3"])
    }

    @Test(arguments: [
        (["--rate", "10"], "--rate needs --duration or --count"),
        (["--rate", "10/s", "--stage", "5s@10/s", "--duration", "5"], "give --rate or --stage, not both"),
        (["--stage", "5s@fast"], "is not a rate"),
        (["--stage", "5@10..20..30/s"], "a ramp is FROM..TO"),
        (["--rate", "1000/s", "--duration", "5", "--max-in-flight", "600", "--sockets", "2"], "600 in flight need 3"),
        (["--max-in-flight", "5"], "--max-in-flight is for --rate/--stage"),
        (["--source-address", "nas1.example", "--count", "1"], "is not an IPv4 or IPv6 address"),
        (["--identities", "10", "--identity-file", "x.csv"], "give one identity pool"),
        (["--resume-ratio", "1.5"], "--resume-ratio must be 0…1"),
        (["--count", "1", "--calling-station-id", "02-{m}"], "unknown placeholder {m}"),
        (["--count", "1", "--resume-ratio", "0.5"], "--resume-ratio needs a TLS method"),
    ])
    func badLoadOptionsAreLocalErrorsNamingTheOption(arguments: [String], message: String) async throws {
        let output = try await Self.offPool {
            try NPSProbeBinary.run(
                ["load", "--server", "127.0.0.1:18999", "--secret-env", "LOAD_SECRET", "--method", "pap", "--identity",
                 "bob", "--password-env", "LOAD_PASSWORD", "--quiet"] + arguments,
                environment: Self.environment)
        }
        #expect(output.status == 3, "\(arguments): \(output.stdout)")
        #expect(output.stderr.contains(message), "\(arguments): \(output.stderr)")
    }

    @Test func anIdentityFileLineThatIsNotIdentityCommaPasswordIsNamedByLine() async throws {
        let csv = ScratchFile(Data("identity,password\nalice,\"a,b\"\n# a comment\n\nbob\n".utf8), suffix: ".csv")
        let path = csv.path
        let output = try await Self.offPool {
            try NPSProbeBinary.run(
                ["load", "--server", "127.0.0.1:18999", "--secret-env", "LOAD_SECRET", "--method", "pap",
                 "--identity-file", path, "--count", "1", "--quiet"], environment: Self.environment)
        }
        #expect(output.status == 3)
        #expect(output.stderr.contains("\(csv.path):5:1: expected identity,password (2 fields), found 1"),
                "\(output.stderr)")
    }

    @Test func stagesAndRatesParse() throws {
        #expect(try LoadScheduleOptions.parseRate("500/s", option: "") == 500)
        #expect(try LoadScheduleOptions.parseRate("600/m", option: "") == 10)
        #expect(try LoadScheduleOptions.parseDuration("1.5s", option: "") == .milliseconds(1500))
        #expect(try LoadScheduleOptions.parseDuration("2m", option: "") == .seconds(120))
        #expect(try LoadScheduleOptions.parseDuration("250ms", option: "") == .milliseconds(250))
        let ramp = try LoadScheduleOptions.parseStage("60s@100..800/s")
        #expect(ramp.duration == .seconds(60) && ramp.fromRate == 100 && ramp.toRate == 800)
        let flat = try LoadScheduleOptions.parseStage("30s@100/s")
        #expect(flat.fromRate == 100 && flat.toRate == 100)
    }
}

/// Short bounded load runs against the lab whose counts add up, for each family of methods, and a balancer that
/// forgets State counted as what it is.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct LabLoadTests {
    func load(_ arguments: [String]) async throws -> (status: Int32, json: [String: Any], stderr: String) {
        let lab = try LabEnvironment.require()
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_SECRET"] = lab.secret
        environment["LAB_PASSWORD"] = "bob-pass"
        environment["LAB_PAP_PASSWORD"] = "alice-pass"
        let common = ["load", "--json", "--quiet", "--secret-env", "LAB_SECRET", "--ca", lab.pki("root-ca.pem"),
                      "--server-name", lab.serverName, "--rate", "25/s", "--duration", "2", "--sockets", "2",
                      "--source-address", "127.0.0.1", "--source-address", "127.0.0.2",
                      "--calling-station-id", "02-00-00-{n:06x}"]
        let fixed = environment
        let output = try await LoadCommandTests.offPool {
            try NPSProbeBinary.run(common + arguments, environment: fixed)
        }
        return (output.status, try jsonObject(output.stdout), output.stderr)
    }

    static func countsAddUp(_ json: [String: Any]) -> Bool { LoadCommandTests.countsAddUp(json) }

    @Test(arguments: ["eap-tls", "peap-mschapv2", "peap-tls", "pap"])
    func aShortRunIsAcceptedAndItsCountsAddUp(method: String) async throws {
        let lab = try LabEnvironment.require()
        var arguments = ["--method", method]
        switch method {
        case "pap":
            arguments += ["--server", lab.address("MAIN"), "--identity", "alice", "--password-env", "LAB_PAP_PASSWORD"]
        case "peap-mschapv2":
            arguments += ["--server", lab.address("HOSTAPD"), "--identity", "bob", "--outer-identity", "anonymous",
                          "--password-env", "LAB_PASSWORD"]
        default:
            arguments += ["--server", lab.address(method == "peap-tls" ? "HOSTAPD" : "MAIN"),
                          "--identity", "alice@lab.npsprobe.test", "--cert", lab.pki("client-rsa.pem"),
                          "--key", lab.pki("client-rsa.key")]
        }
        let (status, json, stderr) = try await load(arguments)
        #expect(status == 0, "\(method): \(stderr) \(json)")
        #expect(Self.countsAddUp(json), "\(json)")
        #expect(json["scheduled"] as? Int == 50 && json["accepted"] as? Int == 50, "\(json)")
        #expect(json["mppe_mismatches"] as? Int == 0)
        #expect(json["asked_per_second"] as? Double == 25)
        // Two source addresses × two ports: four NAS ports, as a balancer would see them.
        #expect((json["by_source"] as? [String: Int])?.count == 4)
    }

    @Test func aBalancerThatForgetsStateRejectsWhatItSplitAndTheCountsStillAddUp() async throws {
        let lab = try LabEnvironment.require()
        let (status, json, _) = try await load([
            "--method", "eap-tls", "--server", lab.address("FORGETFUL"), "--identity", "alice@lab.npsprobe.test",
            "--cert", lab.pki("client-rsa.pem"), "--key", lab.pki("client-rsa.key"),
        ])
        #expect(status == 1)
        #expect(Self.countsAddUp(json))
        #expect(json["accepted"] as? Int == 0)
        #expect(json["rejected"] as? Int == json["scheduled"] as? Int, "\(json)")
    }

    @Test func identitiesFromACertificateFolderAndACSVFileEachAuthenticate() async throws {
        let lab = try LabEnvironment.require()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["client-rsa.pem", "client-rsa.key", "client-ecdsa.pem", "client-ecdsa.key"] {
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent(name).path, withDestinationPath: lab.pki(name))
        }
        let certificates = try await load([
            "--method", "eap-tls", "--server", lab.address("MAIN"), "--certificate-dir", folder.path,
        ])
        #expect(certificates.status == 0, "\(certificates.stderr)")
        #expect(certificates.json["accepted"] as? Int == 50 && certificates.json["identities"] as? Int == 2)

        let csv = ScratchFile(Data("identity,password\nalice,alice-pass\ngrace,grace-pass\n".utf8), suffix: ".csv")
        let passwords = try await load(
            ["--method", "pap", "--server", lab.address("MAIN"), "--identity-file", csv.path])
        #expect(passwords.status == 0, "\(passwords.stderr)")
        #expect(passwords.json["accepted"] as? Int == 50 && passwords.json["identities"] as? Int == 2)
    }
}
