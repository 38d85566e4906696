import ArgumentParser
import Foundation
import Jobs
import NPS
import Reports

/// `npsprobe nps-log`: what NPS log files say, in numbers — a report, not a test.
struct NPSLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nps-log",
        abstract: "Summarise NPS log files: rejects by reason code, user, client, server and policy; pairing.",
        discussion: """
            Reads the three formats NPS writes (DTS XML, IAS, database-compatible), detected line by line, as \
            a stream: memory stays bounded whatever the size. Several files make one summary (a request at \
            the end of one file pairs with its response in the next); - reads standard input. Malformed lines \
            are counted and the first few shown as file:line; they are never fatal.

            --since and --until keep the records whose timestamp (NPS server local time, no zone) falls in \
            the window. Give 2024-05-19, '2024-05-19 08:30', 2024-05-19T08:30:15.250 or NPS's own \
            '05/19/2024 08:30:15'. --until includes the whole of what it names: --until 2024-05-19 ends at \
            23:59:59.999. With a window, records without a timestamp are left out and counted.

            --json prints the summary object (snake_case keys) with two more keys: files (path, lines_read, \
            records, malformed_lines for each file) and filter (since, until, outside_window, \
            without_timestamp; null without --since or --until).

            Exit status: 0 the report was made, whatever it says; 3 a file is missing, unreadable, a \
            directory or UTF-16, or the options are wrong.
            """)

    @Argument(help: ArgumentHelp("NPS log files; - reads standard input.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print one JSON object on stdout instead of the report.")
    var json = false

    @Option(help: ArgumentHelp("Entries shown in each top list.", valueName: "n"))
    var top = 10

    @Option(help: ArgumentHelp("Only records at or after this time.", valueName: "time"))
    var since: LogTimeBound?

    @Option(help: ArgumentHelp("Only records at or before this time.", valueName: "time"))
    var until: LogTimeBound?

    @Option(help: ArgumentHelp("Malformed lines shown (all are counted).", valueName: "n"))
    var malformedSamples = 10

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one log file, or - for standard input") }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
        if malformedSamples < 0 { throw ValidationError("--malformed-samples must be 0 or more") }
        if let since, let until, since.earliest > until.latest {
            throw ValidationError("--since \(since.text) is after --until \(until.text)")
        }
    }

    func run() throws {
        // Every path is checked before the first is read: a typo in the last of many large files fails at once.
        for path in files where path != "-" { try Self.checkReadable(path) }
        // IAS-format lines number their attributes; RADIUS ones (1–255) are named by the dictionary.
        let attributeNames = IASAttributeNames(dictionary: try DictionaryLocator.load(directory: nil, additional: []))

        var options = NPSLogAnalyzer.Options()
        options.summarizer.top = top
        options.parser.maxMalformedKept = malformedSamples
        var summarizer = NPSLogSummarizer(options: options.summarizer)
        var window = TimeWindow(since: since, until: until)
        var lines = NPSLogParser.Statistics()
        var reports: [FileReport] = []
        for path in files {
            let label = path == "-" ? "<stdin>" : path
            let statistics: NPSLogParser.Statistics
            do throws(NPSError) {
                let reader = path == "-"
                    ? NPSLogFileReader(handle: .standardInput, attributeNames: attributeNames, options: options.parser,
                                       maxLineBytes: options.maxLineBytes)
                    : try NPSLogFileReader(path: path, attributeNames: attributeNames, options: options.parser,
                                           maxLineBytes: options.maxLineBytes)
                while let record = try reader.next() {
                    if window.admits(record) { summarizer.add(record) }
                }
                statistics = reader.statistics
            } catch {
                throw LocalError("nps-log: cannot read \(label): \(error.reason)")
            }
            Self.merge(statistics, from: label, into: &lines, keeping: malformedSamples)
            reports.append(FileReport(path: label, linesRead: statistics.linesRead, records: statistics.records,
                                      malformedLines: statistics.malformed))
        }
        let summary = summarizer.summary(parser: lines)

        if json {
            Console.out(try JSONOutput.render(
                JSONOutput.Merged(summary, NPSLogExtras(files: reports, filter: window.isActive ? window : nil))))
            return
        }
        var head: [String] = []
        if reports.count > 1 {
            head.append("Files: \(reports.count)")
            for report in reports {
                head += TextWrap.wrap(
                    "\(report.path): lines \(report.linesRead), records \(report.records), "
                        + "malformed \(report.malformedLines)", width: 100, indent: "  ", hangingIndent: "      ")
            }
        }
        if window.isActive {
            head += TextWrap.wrap(
                "Window: \(window.since.map { "\($0)" } ?? "start") … \(window.until.map { "\($0)" } ?? "end") "
                    + "(NPS server local time); left out: \(window.outsideWindow) records outside it, "
                    + "\(window.withoutTimestamp) without a timestamp",
                width: 100, indent: "", hangingIndent: "  ")
        }
        // Log lines are not ours: a malformed one may hold terminal escape sequences.
        Console.out(TerminalText.escapingControls(
            (head.isEmpty ? "" : head.joined(separator: "\n") + "\n\n")
                + summary.renderText(width: 100).trimmingCharacters(in: .newlines)))
    }

    /// Fails with the path for a file that is missing, a directory or not readable.
    static func checkReadable(_ path: String) throws(LocalError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LocalError("nps-log: cannot read \(path): no such file")
        }
        if isDirectory.boolValue { throw LocalError("nps-log: cannot read \(path): it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LocalError("nps-log: cannot read \(path): permission denied")
        }
    }

    /// Adds one file's parser counters to the running total; its malformed samples are labelled with the file
    /// so the report can say `file:line`.
    static func merge(_ file: NPSLogParser.Statistics, from label: String, into total: inout NPSLogParser.Statistics,
                      keeping limit: Int) {
        total.linesRead += file.linesRead
        total.blankLines += file.blankLines
        total.ignoredLines += file.ignoredLines
        total.records += file.records
        total.dtsRecords += file.dtsRecords
        total.iasRecords += file.iasRecords
        total.odbcRecords += file.odbcRecords
        total.malformed += file.malformed
        for var sample in file.malformedSamples.prefix(max(0, limit - total.malformedSamples.count)) {
            sample.file = label
            total.malformedSamples.append(sample)
        }
    }
}

/// One input file's line counters, for `--json` and the report head.
private struct FileReport: Encodable {
    let path: String
    let linesRead: Int
    /// Records parsed, before any time window.
    let records: Int
    let malformedLines: Int
}

/// What `--json` adds to the summary's own keys.
private struct NPSLogExtras: Encodable {
    let files: [FileReport]
    /// Written as null without a window, so the key is always there.
    let filter: TimeWindow?

    private enum CodingKeys: String, CodingKey {
        case files, filter
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(filter, forKey: .filter)
    }
}

/// `--since` / `--until`: counts what it leaves out.
private struct TimeWindow: Encodable {
    let since: NPSLogTimestamp?
    let until: NPSLogTimestamp?
    private(set) var outsideWindow = 0
    private(set) var withoutTimestamp = 0

    init(since: LogTimeBound?, until: LogTimeBound?) {
        self.since = since?.earliest
        self.until = until?.latest
    }

    var isActive: Bool { since != nil || until != nil }

    mutating func admits(_ record: NPSLogRecord) -> Bool {
        guard isActive else { return true }
        guard let time = record.timestamp else {
            withoutTimestamp += 1
            return false
        }
        if let since, time < since {
            outsideWindow += 1
            return false
        }
        if let until, time > until {
            outsideWindow += 1
            return false
        }
        return true
    }

    private enum CodingKeys: String, CodingKey {
        case since, until, outsideWindow, withoutTimestamp
    }

    /// Times as the report prints them ("2024-05-19 08:30:00.000"), null when open.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(since?.description, forKey: .since)
        try container.encode(until?.description, forKey: .until)
        try container.encode(outsideWindow, forKey: .outsideWindow)
        try container.encode(withoutTimestamp, forKey: .withoutTimestamp)
    }
}

/// A time given to `--since` / `--until`, to the precision written: `earliest` fills what is missing with
/// zeros, `latest` with the last value (`2024-05-19` → 00:00:00.000 and 23:59:59.999).
struct LogTimeBound: ExpressibleByArgument {
    let text: String
    let earliest: NPSLogTimestamp
    let latest: NPSLogTimestamp

    /// `YYYY-MM-DD` or `MM/DD/YYYY`, then optionally (after a space or `T`) `HH`, `HH:MM`, `HH:MM:SS` or
    /// `HH:MM:SS.f` with one to three fraction digits.
    init?(argument: String) {
        text = argument
        let parts = argument.trimmingCharacters(in: .whitespaces)
            .split(omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "T" || $0 == "t" })
        guard (1...2).contains(parts.count) else { return nil }
        let date: [Substring]
        let year: Int, month: Int, day: Int
        if parts[0].contains("-") {
            date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard date.count == 3, date[0].count == 4, let y = Self.number(date[0]), let m = Self.number(date[1]),
                let d = Self.number(date[2])
            else { return nil }
            (year, month, day) = (y, m, d)
        } else {
            date = parts[0].split(separator: "/", omittingEmptySubsequences: false)
            guard date.count == 3, date[2].count == 4, let m = Self.number(date[0]), let d = Self.number(date[1]),
                let y = Self.number(date[2])
            else { return nil }
            (year, month, day) = (y, m, d)
        }
        var low = [0, 0, 0, 0]  // hour, minute, second, millisecond
        var high = [23, 59, 59, 999]
        if parts.count == 2 {
            let clock = parts[1].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let fields = clock[0].split(separator: ":", omittingEmptySubsequences: false)
            guard (1...3).contains(fields.count) else { return nil }
            for (i, field) in fields.enumerated() {
                guard (1...2).contains(field.count), let value = Self.number(field) else { return nil }
                (low[i], high[i]) = (value, value)
            }
            if clock.count == 2 {
                let fraction = clock[1]
                guard fields.count == 3, (1...3).contains(fraction.count), let value = Self.number(fraction) else {
                    return nil
                }
                let scale: Int = [100, 10, 1][fraction.count - 1]
                (low[3], high[3]) = (value * scale, value * scale + scale - 1)
            }
        }
        guard let earliest = NPSLogTimestamp(year: year, month: month, day: day, hour: low[0], minute: low[1],
                                             second: low[2], millisecond: low[3]),
            let latest = NPSLogTimestamp(year: year, month: month, day: day, hour: high[0], minute: high[1],
                                         second: high[2], millisecond: high[3])
        else { return nil }
        self.earliest = earliest
        self.latest = latest
    }

    private static func number(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
