import Foundation

/// Runs the built `npsprobe` executable as a subprocess, for tests that check what a user sees: standard
/// output, standard error and the exit status.
///
/// Where the binary is: `swift build --build-tests` (which `swift test` runs) builds every product of the
/// package, the `npsprobe` executable included, into the products directory that also holds the test runner.
/// On Linux the runner is the executable `<products>/npsprobePackageTests.xctest`; on macOS it is a bundle
/// `<products>/npsprobePackageTests.xctest` loaded by a helper. So the binary is looked for, in order:
/// `$NPSPROBE_BINARY`; next to the runner executable (`CommandLine.arguments[0]`, Linux); next to each loaded
/// `.xctest` bundle (macOS); then `.build/debug/npsprobe` under the package root found from this file's path
/// (a last resort: it may be stale when testing another configuration).
public enum NPSProbeBinary {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// Standard output split into lines, without a trailing empty line.
        public var lines: [String] {
            var lines = stdout.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return lines
        }
    }

    public static var packageRoot: URL { LabEnvironment.packageRoot }

    public static let candidates: [URL] = {
        var list: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["NPSPROBE_BINARY"] {
            list.append(URL(fileURLWithPath: explicit))
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        list.append(runner.deletingLastPathComponent().appendingPathComponent("npsprobe"))
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            list.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("npsprobe"))
        }
        list.append(packageRoot.appendingPathComponent(".build/debug/npsprobe"))
        return list
    }()

    /// The first candidate that is an executable file.
    public static let executable: URL? = candidates.first {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: $0.path)
    }

    /// Runs `npsprobe arguments…` to completion. `environment` nil inherits this process's environment;
    /// `stdin` nil gives an empty standard input. Output goes through temporary files, so a large output
    /// cannot block the child on a full pipe.
    /// `standardOutput` names a file or device to give the child as its standard output instead of a
    /// temporary file (`/dev/full` to see a failed write); `stdout` is then empty.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil,
        currentDirectory: String? = nil, standardOutput: String? = nil
    ) throws -> Output {
        try start(arguments, environment: environment, stdin: stdin, currentDirectory: currentDirectory,
                  standardOutput: standardOutput).wait()
    }

    /// A running `npsprobe`: send it signals, then wait for its output.
    public final class Running: @unchecked Sendable {
        let process: Process
        let scratch: URL
        let handles: [FileHandle]

        init(process: Process, scratch: URL, handles: [FileHandle]) {
            self.process = process
            self.scratch = scratch
            self.handles = handles
        }

        public var pid: Int32 { process.processIdentifier }

        /// Sends `signal` (SIGINT, SIGTERM…) to the process.
        public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// What it has written to standard error so far.
        public var stderrSoFar: String {
            String(decoding: (try? Data(contentsOf: scratch.appendingPathComponent("stderr"))) ?? Data(), as: UTF8.self)
        }

        /// Waits for the process to end (killing it after `timeout`, so a hang fails the test instead of stalling
        /// the suite) and returns its output.
        public func wait(timeout: Duration = .seconds(600)) throws -> Output {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning {
                process.terminate()
                usleep(200_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
            defer {
                for handle in handles { try? handle.close() }
                try? FileManager.default.removeItem(at: scratch)
            }
            // A crash is reported as 128 + signal, as a shell would, so it never looks like a success.
            let status = process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
            return Output(
                status: status,
                stdout: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("stdout")), as: UTF8.self),
                stderr: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("stderr")), as: UTF8.self))
        }
    }

    /// Starts `npsprobe arguments…` and returns at once (`standardOutput`: as for `run`).
    public static func start(
        _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil,
        currentDirectory: String? = nil, standardOutput: String? = nil
    ) throws -> Running {
        guard let binary = executable else {
            throw LabUnavailable(
                "npsprobe executable not found; looked at: \(candidates.map(\.path).joined(separator: ", "))")
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        for (url, contents) in [(outURL, Data()), (errURL, Data()), (inURL, stdin ?? Data())] {
            guard FileManager.default.createFile(atPath: url.path, contents: contents) else {
                throw LabUnavailable("cannot create \(url.path)")
            }
        }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = try FileHandle(forWritingTo: standardOutput.map { URL(fileURLWithPath: $0) } ?? outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        return Running(process: process, scratch: scratch, handles: [out, err, input])
    }
}

