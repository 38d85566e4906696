import Foundation
import LabSupport
import Testing

/// What the README promises and scripts rely on: `auth --json` on local errors, exit statuses, a closed port
/// said at once, report files, failed writes to standard output (issue 12 "Contracts", issue 13).
@Suite struct ContractTests {
    let closed = LoopbackUDP.closed()

    // MARK: auth --json on local errors

    /// `auth --json` printed nothing when the case could not start; it prints its object, outcome "error".
    @Test(arguments: [
        (["--method", "eap-tls", "--identity", "alice", "--cert", "/nope/alice.pem", "--insecure"], [:],
         "certificate file /nope/alice.pem does not exist"),
        (["--method", "pap", "--identity", "alice", "--password-env", "PW"], ["NPSPROBE_SECRET": ""],
         "the shared secret is empty"),
        (["--method", "pap", "--identity", "alice", "--password-env", "PW", "--server", "127.0.0.1:99999"], [:],
         "port 99999 is out of range"),
    ] as [([String], [String: String], String)])
    func authJSONPrintsItsObjectOnLocalErrors(_ options: [String], _ environment: [String: String], _ message: String)
        throws
    {
        var arguments = ["auth", "--json"] + options
        if !options.contains("--server") { arguments += ["--server", closed.address] }
        var env = environment
        env["PW"] = "x"
        let result = try npsprobe(arguments, environment: env)
        #expect(result.status == 3)
        let json = try jsonObject(result.stdout)
        #expect(json["outcome"] as? String == "error")
        #expect((json["error"] as? String)?.contains(message) == true, "\(json["error"] ?? "nil")")
        for key in ["server", "method", "identity", "round_trips", "latency_ms", "reply_attributes", "mppe_keys",
                    "diagnosis", "evidence"] {
            #expect(json.keys.contains(key), "the contract's field \(key)")
        }
        #expect((json["diagnosis"] as? [String: Any])?["rule"] as? String == "local-error")
        #expect((json["evidence"] as? [String: Any])?["local_error_code"] is String, "typed, as for run-time errors")
        #expect(result.stderr.contains(message), "the message on stderr too")
    }

    /// "Every credential error ends with the key-password hint", even for a file that does not exist.
    @Test func aMissingCertificateGetsNoKeyPasswordHint() throws {
        let result = try npsprobe(["auth", "--server", closed.address, "--method", "eap-tls", "--identity", "alice",
                                   "--cert", "/nope/alice.pem", "--insecure"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("does not exist"))
        #expect(!result.stderr.contains("key-password"), "\(result.stderr)")
    }

    // MARK: ICMP port unreachable

    /// A closed port waited out 3 + 6 + 12 s and said "nothing answered at all"; the ICMP error is evidence.
    @Test(arguments: ["127.0.0.1", "::1"])
    func aClosedPortIsSaidAtOnce(_ host: String) throws {
        guard host == "127.0.0.1" || LoopbackUDP.silent(host: "::1").port != 0 else { return }
        let target = LoopbackUDP.closed(host: host)
        let text = try npsprobe(["auth", "--server", target.address, "--method", "pap", "--identity", "alice",
                                 "--password-env", "PW"], environment: ["PW": "x"])
        #expect(text.status == 2, "no answer from any server")
        #expect(text.stdout.contains("nothing listens on the server's RADIUS port"), "\(text.stdout)")
        #expect(!text.stdout.contains("nothing answered at all"))
        #expect(text.stdout.contains("Confidence: certain"))

        let json = try jsonObject(try npsprobe(
            ["auth", "--json", "--server", target.address, "--method", "pap", "--identity", "alice",
             "--password-env", "PW"], environment: ["PW": "x"]).stdout)
        #expect(json["outcome"] as? String == "timeout")
        let trips = try #require((json["evidence"] as? [String: Any])?["round_trips"] as? [[String: Any]])
        let unreachable = try #require(trips.first?["unreachable"] as? [String: Any])
        #expect(unreachable["kind"] as? String == "port_closed")
        #expect(trips.first?["transmissions"] as? Int == 1, "ended by the ICMP error, not the 3 + 6 + 12 s schedule")
        #expect(trips.first?["server"] as? String == target.address, "addresses read 127.0.0.1:N / [::1]:N")
        #expect((json["diagnosis"] as? [String: Any])?["rule"] as? String == "timeout-port-closed")
    }

    // MARK: Exit statuses

    @Test func npsprobeAloneIsAUsageError() throws {
        let result = try npsprobe([])
        #expect(result.status == 3)
        #expect(result.stderr.contains("USAGE: npsprobe <subcommand>"))
        #expect(result.stderr.contains("no command given"))
        #expect(try npsprobe(["--help"]).status == 0)
    }

    @Test func statusHelpDescribesItsOwnExitStatusesAndNoExpect() throws {
        let help = try npsprobe(["status", "--help"])
        #expect(help.status == 0)
        #expect(!help.stdout.contains("--expect"), "status has no --expect")
        #expect(help.stdout.contains("1 some answered and some did not"))
    }

    /// README: 2 = no answer from any server; `load` where every conversation timed out said 1.
    @Test func loadWhereEveryConversationTimedOutExitsTwo() throws {
        let silent = LoopbackUDP.silent()
        let result = try npsprobe(["load", "--server", silent.address, "--method", "pap", "--identity", "alice",
                                   "--password-env", "PW", "--count", "2", "--concurrency", "2", "--timeout", "0.05",
                                   "--retries", "0", "--quiet"], environment: ["PW": "x"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    }

    // MARK: Report files

    /// A suite whose one case expects the timeout a closed port gives: it passes in milliseconds.
    func suite() -> ScratchFile {
        ScratchFile(lines: [
            "suite: reports", "cases:", "  - name: closed", "    servers: [\"\(closed.address)\"]",
            "    secret: {env: NPSPROBE_SECRET}", "    method: pap", "    identity: alice", "    password: {env: PW}",
            "    expect: timeout",
        ])
    }

    func run(_ reports: [String]) throws -> NPSProbeBinary.Output {
        let suite = suite()
        return try withExtendedLifetime(suite) {
            try npsprobe(["run", suite.path] + reports, environment: ["PW": "x"])
        }
    }

    /// `run --junit <a folder>` ran every case, printed PASS, then failed with NSCocoaErrorDomain error 512.
    @Test func outputPathsAreCheckedBeforeAnythingIsSent() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let result = try run(["--junit", folder])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty, "nothing ran: \(result.stdout)")
        #expect(result.stderr.contains("--junit \(folder): is a directory"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))

        let missing = try run(["--json", "/nonexistent-\(UUID().uuidString)/report.json"])
        #expect(missing.status == 3 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("does not exist"))

        let same = FileManager.default.temporaryDirectory.appendingPathComponent("same-\(UUID().uuidString)").path
        let twice = try run(["--json", same, "--prom", same])
        #expect(twice.status == 3 && twice.stderr.contains("both name"), "\(twice.stderr)")
    }

    /// Atomic rename replaced `/dev/full` with a regular file when run as root; devices are written through.
    @Test func devicesAreWrittenThroughNotReplaced() throws {
        let result = try run(["--prom", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")

        let full = try run(["--prom", "/dev/full"])
        #expect(full.status == 3)
        #expect(full.stderr.contains("--prom /dev/full: cannot write: No space left on device"), "\(full.stderr)")
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/full is still a device")

        let stdout = try run(["--json", "-"])
        #expect(stdout.status == 0)
        #expect(stdout.stdout.contains("\"cases\""), "the JSON report on standard output")
    }

    @Test func aFIFOIsWrittenThrough() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // The reader opens the FIFO (the writer's open waits for it) and reads to the end.
        nonisolated(unsafe) var received = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                received = handle.readDataToEndOfFile()
                try? handle.close()
            }
            done.signal()
        }
        let result = try run(["--json", fifo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(String(decoding: received, as: UTF8.self).contains("\"cases\""))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
    }

    /// A symbolic link is followed: what it names is replaced, the link stays.
    @Test func aSymbolicLinkIsFollowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/target.json", link = folder + "/link.json"
        #expect(symlink(target, link) == 0)
        let result = try run(["--json", link])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"cases\""))
        // A regular file is replaced atomically and readable as a file written with `>` would be.
        #expect(stat(target, &info) == 0 && info.st_mode & 0o044 == 0o044, "readable by others")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    }

    // MARK: Standard output

    /// Any failed write to standard output trapped in `Console` (SIGILL, status 132).
    @Test func aFullStandardOutputIsAnError() throws {
        let result = try npsprobe(["explain", "853", "--json"], standardOutput: "/dev/full")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output: No space left on device"), "\(result.stderr)")
    }

    @Test func aClosedStandardOutputIsAnError() throws {
        let binary = try #require(NPSProbeBinary.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" explain 853 >&-", binary.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "no crash: \(stderr)")
        #expect(process.terminationStatus == 3)
        #expect(stderr.contains("cannot write to standard output: Bad file descriptor"), "\(stderr)")
    }
}

/// The same contracts where a RADIUS server must answer (the lab).
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct ContractLabTests {
    func run(_ arguments: [String]) throws -> NPSProbeBinary.Output {
        let lab = try LabEnvironment.require()
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in lab.values { environment[key] = value }
        environment["NPSPROBE_SECRET"] = lab.secret
        return try NPSProbeBinary.run(arguments, environment: environment)
    }

    /// README: 2 is "no answer from any server"; one silent server of two said 2.
    @Test func statusWithOneOfTwoServersSilentExitsOne() throws {
        let lab = try LabEnvironment.require()
        let quick = ["--timeout", "0.2", "--retries", "0"]
        let one = try run(["status", "--server", lab.address("SILENT"), "--server", lab.address("MAIN")] + quick)
        #expect(one.status == 1, "\(one.stdout)")
        #expect(one.stdout.contains("UP  \(lab.address("MAIN"))"))
        let none = try run(["status", "--server", lab.address("SILENT"), "--server", lab.address("CLOSED")] + quick)
        #expect(none.status == 2, "\(none.stdout)")
        #expect(none.stdout.contains("NO ANSWER  \(lab.address("CLOSED")): port closed"), "\(none.stdout)")
        let all = try run(["status", "--server", lab.address("MAIN")] + quick)
        #expect(all.status == 0)
    }

    /// The lab's closed port, failed over at once to the main server.
    @Test func aClosedPortFailsOverAtOnce() throws {
        let lab = try LabEnvironment.require()
        let result = try run(["auth", "--json", "--server", lab.address("CLOSED"), "--server", lab.address("MAIN"),
                              "--method", "pap", "--identity", "alice", "--password-env", "NPSPROBE_LAB_PAP_PASSWORD"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try jsonObject(result.stdout)
        #expect(json["outcome"] as? String == "accept")
        let trips = try #require((json["evidence"] as? [String: Any])?["round_trips"] as? [[String: Any]])
        #expect((trips.first?["unreachable"] as? [String: Any])?["kind"] as? String == "port_closed")
        #expect(trips.first?["transmissions"] as? Int == 1, "failed over at once, not after the schedule")
    }

    /// The key-password hint is for key-password problems only.
    @Test func theKeyPasswordHintComesWithAWrongPassword() throws {
        let lab = try LabEnvironment.require()
        let base = ["auth", "--server", lab.address("MAIN"), "--method", "eap-tls", "--identity", "heidi",
                    "--ca", lab.pki("root-ca.pem"), "--cert", lab.pki("client-encrypted.pem"),
                    "--key", lab.pki("client-encrypted.key")]
        let none = try run(base)
        #expect(none.status == 3)
        #expect(none.stderr.contains("--key-password-env"), "\(none.stderr)")
    }

    /// `(eapFailure)`: the text report shows what happened, the kind's name stays in `--json`.
    @Test func theTextReportNamesFailuresInWords() throws {
        let lab = try LabEnvironment.require()
        let arguments = ["auth", "--server", lab.address("NTAUTH"), "--method", "eap-tls", "--identity",
                         "frank@lab.npsprobe.test", "--cert", lab.pki("client-retired.pem"),
                         "--key", lab.pki("client-retired.key"), "--ca", lab.pki("root-ca.pem"),
                         "--server-name", lab.serverName, "-v"]
        let result = try run(arguments)
        #expect(result.status == 1)
        #expect(!result.stdout.contains("eapFailure"), "\(result.stdout)")
        let json = try jsonObject(try run(arguments.dropLast() + ["--json"]).stdout)
        let eap = (json["evidence"] as? [String: Any])?["eap"] as? [String: Any]
        #expect((eap?["failure"] as? [String: Any])?["kind"] as? String == "eapFailure", "the JSON value stays")
    }
}
