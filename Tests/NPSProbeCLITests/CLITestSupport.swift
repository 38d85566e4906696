import Foundation
import LabSupport
import Testing

/// The NPS log fixtures of the NPS tests, by path in the source tree.
enum NPSFixture {
    static func path(_ name: String) -> String {
        LabEnvironment.packageRoot.appendingPathComponent("Tests/NPSTests/Fixtures/\(name)").path
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
