import ArgumentParser
import Foundation
import Jobs
import Profiles
import RADIUS
import Reports

/// `npsprobe validate`: checks profiles and suites without sending anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check profiles and suites without sending anything.",
        discussion: """
            Reports unknown keys, wrong types, unset ${VAR}s, bad includes, missing or unreadable files, \
            credentials that do not load, certificates that would be refused (expired, no clientAuth EKU, \
            incomplete chain: with the Windows error they would cause), malformed servers, attributes the \
            dictionary does not know and expectations naming unknown Windows errors or NPS reason codes — \
            each as `path:line:column: error|warning: message (hint)`.

            A secret read from an environment variable that is not set is a warning here (the profile may \
            run elsewhere) and an error with --strict, as for `run`. Server names are checked for syntax, \
            not resolved. The cases of a file are checked once the file itself loads without errors.

            Exit status: 0 when no file has an error (warnings allowed), 3 when any has one.
            """)

    @Argument(help: ArgumentHelp("Profile or suite files.", valueName: "file"))
    var files: [String]

    @OptionGroup(title: "Dictionaries") var dictionary: DictionaryOptions

    @Flag(help: "Treat unset secret variables as errors, as `run` does.")
    var strict = false

    @Flag(help: "Print one JSON object on stdout instead of the issue lines.")
    var json = false

    struct FileReport: Encodable {
        struct Case: Encodable {
            var name: String
            var method: String?
            var servers: [String]
            var expect: String
            var tags: [String]
        }

        var path: String
        var kind: String?
        var name: String?
        var cases: [Case]
        var issues: [ProfileIssue]
        var errors: Int
        var warnings: Int
    }

    struct Report: Encodable {
        var valid: Bool
        var errors: Int
        var warnings: Int
        var files: [FileReport]
    }

    func run() throws {
        let dictionary = try self.dictionary.load()
        let loader = ProfileLoader()
        let validator = ProfileValidator(dictionary: dictionary, mode: strict ? .run : .validate)
        var reports: [FileReport] = []
        for file in files {
            let (document, loadIssues) = loader.loadCollectingIssues(path: file)
            var issues = loadIssues
            if let document, !loadIssues.contains(where: { $0.severity == .error }) {
                issues += validator.validate(document.cases)
            }
            let cases = (document?.cases ?? []).map {
                FileReport.Case(name: $0.name, method: $0.settings.method?.rawValue, servers: $0.settings.servers ?? [],
                                expect: $0.expectation.description, tags: $0.tags)
            }
            reports.append(FileReport(
                path: file, kind: document?.kind.rawValue, name: document?.name, cases: cases, issues: issues,
                errors: issues.filter { $0.severity == .error }.count,
                warnings: issues.filter { $0.severity == .warning }.count))
        }
        let errors = reports.reduce(0) { $0 + $1.errors }
        let warnings = reports.reduce(0) { $0 + $1.warnings }
        if json {
            Console.out(try JSONOutput.render(
                Report(valid: errors == 0, errors: errors, warnings: warnings, files: reports)))
        } else {
            for report in reports {
                for issue in report.issues { Console.out(Self.line(issue)) }
                let what = report.kind.map { kind in
                    "\(kind) \(report.name ?? "?"), \(report.cases.count) case\(report.cases.count == 1 ? "" : "s")"
                } ?? "not loaded"
                let verdict = report.errors == 0 ? "OK" : "INVALID"
                Console.out("\(verdict)  \(report.path) (\(what)): \(Self.count(report.errors, "error")), "
                            + Self.count(report.warnings, "warning"))
            }
            if reports.count > 1 {
                Console.out("\(reports.count) files: \(Self.count(errors, "error")), "
                            + Self.count(warnings, "warning"))
            }
        }
        if errors > 0 { throw ExitCode(ExitStatus.localError.rawValue) }
    }

    /// `path:line:column: error: message (hint)` with the path relative to the current folder when under it.
    static func line(_ issue: ProfileIssue) -> String {
        var shown = issue
        let here = FileManager.default.currentDirectoryPath + "/"
        if shown.location.path.hasPrefix(here) { shown.location.path.removeFirst(here.count) }
        return shown.description
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
