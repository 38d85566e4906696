import ArgumentParser
import Foundation
import Reports

/// `npsprobe report`: work on reports written earlier.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work on reports written earlier: merge the outputs of several load generators.",
        subcommands: [ReportMergeCommand.self])
}

/// `npsprobe report merge A.json B.json… [--json FILE] [--report FILE.html] [--prom FILE] [--hdr-log FILE]`.
struct ReportMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the load reports (--json-out) or HDR interval logs (--hdr-log) of several generators.",
        discussion: """
            The --json-out files of the generators of one load run (`load --shard i/N`, or several unsharded \
            runs) become one report: counts summed, percentiles recomputed from the merged HdrHistograms (never \
            averaged), stages, intervals (aligned on the time since each generator's start), nodes, persistence \
            and failures by cause merged. Files that cannot be parts of one run are refused (exit 3): another \
            method or schedule, a mix of shards and unsharded runs, shards of different N, a shard given twice, \
            overlapping identity slices. HDR interval logs (--hdr-log files) merge into one log.

            Prints a summary unless an output is `-` (standard output).
            """)

    @Argument(help: ArgumentHelp("Load reports (JSON) or HDR interval logs, all of one kind.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Write the merged load report as JSON (`-`: standard output).", valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp("Write the merged report as a self-contained HTML page.", valueName: "file.html"))
    var report: String?

    @Option(help: ArgumentHelp("Write the merged report as a Prometheus textfile.", valueName: "path"))
    var prom: String?

    @Option(help: ArgumentHelp("Write the merged HDR interval log.", valueName: "path"))
    var hdrLog: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the files to merge") }
    }

    /// At most 256 MiB per input: reports are small; a bigger file is not one.
    static let maximumInputSize = 256 << 20

    func run() async throws {
        let jsonOut = try OutputFile.check(json, option: "--json")
        let htmlOut = try OutputFile.check(report, option: "--report")
        let promOut = try OutputFile.check(prom, option: "--prom")
        let hdrOut = try OutputFile.check(hdrLog, option: "--hdr-log")
        let outputs = [jsonOut, htmlOut, promOut, hdrOut]
        try OutputFile.checkDistinct(outputs)
        var texts: [(String, Data)] = []
        for file in files {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw LocalError("cannot read \(file)")
            }
            let data = (try? handle.read(upToCount: Self.maximumInputSize + 1)) ?? Data()
            try? handle.close()
            guard data.count <= Self.maximumInputSize else { throw LocalError("\(file) is over 256 MiB") }
            texts.append((file, data))
        }
        // A JSON report starts with `{` (after white space); anything else is read as an HDR log.
        let isJSON = texts.map { $0.1.first { ![0x20, 0x0a, 0x0d, 0x09].contains($0) } == 0x7b }
        let toStdout = outputs.contains { $0?.path == "-" }
        if isJSON.allSatisfy({ !$0 }) {
            // HDR interval logs.
            guard jsonOut == nil, htmlOut == nil, promOut == nil else {
                throw LocalError("HDR interval logs merge into an HDR log only (--hdr-log); merge the --json-out "
                                 + "files for --json, --report and --prom")
            }
            let merged: HdrLog
            let total: (count: UInt64, p50: Double, p99: Double, max: Double)
            do throws(ReportError) {
                let logs = try texts.map { name, data throws(ReportError) in
                    try HdrLog.parse(String(decoding: data, as: UTF8.self), name: name)
                }
                merged = try HdrLog.merge(logs)
                let histogram = try merged.total()
                total = (histogram.totalCount, Double(histogram.valueAtPercentile(50)) / 1000,
                         Double(histogram.valueAtPercentile(99)) / 1000, Double(histogram.max) / 1000)
            } catch {
                throw LocalError(error.message)
            }
            try hdrOut?.write(merged.text)
            if !toStdout {
                Console.out("\(files.count) HDR logs merged: \(merged.intervals.count) intervals, \(total.count) values"
                            + (total.count > 0 ? String(format: ", p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                                                        total.p50, total.p99, total.max) : ""))
            }
            return
        }
        guard isJSON.allSatisfy({ $0 }) else {
            throw LocalError("give load reports (JSON) or HDR interval logs, not both")
        }
        let merged: LoadRunData
        let log: String
        do throws(ReportError) {
            let runs = try texts.map { name, data throws(ReportError) in
                do throws(ReportError) {
                    return (name: name, run: try LoadRunData.decode(data))
                } catch {
                    throw ReportError("\(name): \(error.message)")
                }
            }
            merged = try LoadMerge.merge(runs)
            log = try HdrLog(merged).text
        } catch {
            throw LocalError(error.message)
        }
        let missing = LoadMerge.missingShards(merged)
        if !missing.isEmpty {
            Console.warn("shard(s) \(missing.map(String.init).joined(separator: ", ")) of \(merged.shardCount ?? 0) "
                         + "not given: the merged report covers only the shards given")
        }
        let rendered: String
        do throws(ReportError) {
            rendered = try JSONOutput.render(merged)
        } catch {
            throw LocalError(error.message)
        }
        try jsonOut?.write(rendered)
        try htmlOut?.write(LoadHTMLReport.render(merged, title: "npsprobe load report (merged)"))
        try promOut?.write(LoadPrometheus.render(merged))
        try hdrOut?.write(log)
        if !toStdout { Console.out(LoadMerge.summary(merged)) }
    }
}
