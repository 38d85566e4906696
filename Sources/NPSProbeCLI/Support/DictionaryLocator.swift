import Foundation
import Jobs
import RADIUS
import Reports

/// Finds and loads the RADIUS dictionaries at run time.
///
/// The root `dictionary` is looked for, in order: `--dictionary-dir`, `$NPSPROBE_DICTIONARY_DIR`, a
/// `Dictionaries/` folder next to or above the executable (a build inside the source tree), the source
/// tree this binary was built from, then `/usr/local/share/npsprobe/Dictionaries` and
/// `/usr/share/npsprobe/Dictionaries`. Files given with `--dictionary` are loaded on top.
enum DictionaryLocator {
    static func load(directory: String?, additional: [String]) throws(LocalError) -> RADIUSDictionary {
        let candidates = candidateDirectories(explicit: directory)
        guard let root = candidates.map({ $0 + "/dictionary" }).first(where: {
            FileManager.default.fileExists(atPath: $0)
        }) else {
            throw LocalError(
                "no RADIUS dictionary found; looked for 'dictionary' in: \(candidates.joined(separator: ", ")). "
                    + "Give --dictionary-dir or set NPSPROBE_DICTIONARY_DIR")
        }
        var dictionary: RADIUSDictionary
        do {
            dictionary = try RADIUSDictionary.load(root: root)
            for path in additional { try dictionary.load(additional: path) }
        } catch {
            throw LocalError("dictionary: \(error)")
        }
        return dictionary
    }

    static func candidateDirectories(explicit: String?) -> [String] {
        if let explicit { return [explicit] }
        var list: [String] = []
        if let env = ProcessInfo.processInfo.environment["NPSPROBE_DICTIONARY_DIR"] { list.append(env) }
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            list.append(directory.appendingPathComponent("Dictionaries").path)
            directory.deleteLastPathComponent()
        }
        // Sources/NPSProbeCLI/Support/DictionaryLocator.swift → the package root.
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        list.append(sourceRoot.appendingPathComponent("Dictionaries").path)
        list += ["/usr/local/share/npsprobe/Dictionaries", "/usr/share/npsprobe/Dictionaries"]
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }
}
