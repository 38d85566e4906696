import Foundation
import Testing

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
enum NPSProbeBinary {
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        /// Standard output split into lines, without a trailing empty line.
        var lines: [String] {
            var lines = stdout.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return lines
        }
    }

    /// The package root: Tests/NPSProbeCLITests/NPSProbeBinary.swift → three levels up.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let candidates: [URL] = {
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
    static let executable: URL? = candidates.first {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: $0.path)
    }

    /// Runs `npsprobe arguments…` to completion. `environment` nil inherits this process's environment;
    /// `stdin` nil gives an empty standard input. Output goes through temporary files, so a large output
    /// cannot block the child on a full pipe.
    static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil) throws -> Output {
        let binary = try #require(
            executable, "npsprobe executable not found; looked at: \(candidates.map(\.path).joined(separator: ", "))")
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        for (url, contents) in [(outURL, Data()), (errURL, Data()), (inURL, stdin ?? Data())] {
            try #require(FileManager.default.createFile(atPath: url.path, contents: contents), "cannot create \(url)")
        }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        // A crash is reported as 128 + signal, as a shell would, so it never looks like a success.
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return Output(
            status: status,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// The NPS log fixtures of the NPS tests, by path in the source tree.
enum NPSFixture {
    static func path(_ name: String) -> String {
        NPSProbeBinary.packageRoot.appendingPathComponent("Tests/NPSTests/Fixtures/\(name)").path
    }

    static let all = [
        "synthetic_ias.log", "synthetic_odbc.log", "dts_2014_NPSServer_index11938217001.xml",
        "dts_accounting_start_bakerds_TTL2024.xml", "ias_and_db_format_ms_docs.txt",
    ]
}

/// A temporary file removed when the value goes away.
final class ScratchFile {
    let path: String

    init(_ contents: Data, suffix: String = ".log") {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-test-\(UUID().uuidString)\(suffix)").path
        // A file that could not be created makes the command under test fail loudly ("no such file").
        _ = FileManager.default.createFile(atPath: path, contents: contents)
    }

    convenience init(lines: [String]) {
        self.init(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A JSON object or array from standard output, parsed with JSONSerialization as a script would.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object")
}

func jsonArray(_ text: String) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array")
}

@Suite("the npsprobe binary under test")
struct NPSProbeBinaryTests {
    /// `swift test` builds the executable product beside the test runner; this fails if the helper had to fall
    /// back to a possibly stale `.build/debug/npsprobe`.
    @Test("is the one built beside the test runner",
          .enabled(if: ProcessInfo.processInfo.environment["NPSPROBE_BINARY"] == nil))
    func besideRunner() throws {
        let executable = try #require(NPSProbeBinary.executable)
        let runnerDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let bundleDirectories = Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }
            .map { $0.bundleURL.deletingLastPathComponent() }
        let directory = executable.deletingLastPathComponent().standardizedFileURL
        #expect(([runnerDirectory] + bundleDirectories).map(\.standardizedFileURL).contains(directory),
                "found \(executable.path); runner \(CommandLine.arguments[0])")
        let version = try NPSProbeBinary.run(["--version"])
        #expect(version.status == 0 && version.stdout == "0.1.0\n")
    }
}
