import Foundation
import Histogram
import Probe

/// An HdrHistogram interval log (`load --hdr-log`), the text format of HdrHistogram's `HistogramLogWriter` that
/// its `HistogramLogReader` and `HistogramLogProcessor` read (format version 1.3):
///
/// ```
/// #[Histogram log format version 1.3]
/// #[StartTime: 1764700000.123 (seconds since epoch), 2026-12-02T18:26:40Z]
/// #[BaseTime: 1764700000.123 (seconds since epoch)]
/// "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
/// 0.000,1.000,12.345,HISTFAAAA…
/// ```
///
/// Each line: the interval's start in seconds after BaseTime, its length in seconds, its largest value
/// (here in milliseconds) and its histogram in the compressed V2 encoding, base64 (values in microseconds: the
/// latency from each conversation's intended start, counted in the interval it ended in).
public struct HdrLog: Sendable {
    public struct Interval: Sendable {
        public var tag: String?
        /// Seconds after the log's base time.
        public var start: Double
        public var length: Double
        public var histogram: Histogram<UInt64>

        public init(tag: String? = nil, start: Double, length: Double, histogram: Histogram<UInt64>) {
            self.tag = tag
            self.start = start
            self.length = length
            self.histogram = histogram
        }
    }

    /// Seconds since the epoch (0 when the log names none).
    public var startTime: Double
    public var intervals: [Interval]

    public init(startTime: Double, intervals: [Interval]) {
        self.startTime = startTime
        self.intervals = intervals
    }

    static let legend = "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""
    /// Interval_Max is written in milliseconds (values are microseconds).
    static let maxValueUnitRatio = 1000.0

    /// The log of a load run's intervals (its JSON, live or merged).
    public init(_ run: LoadRunData) throws(ReportError) {
        let length = Double(run.intervalS ?? 1)
        var intervals: [Interval] = []
        for interval in run.intervals ?? [] {
            let histogram = try LoadMerge.histogram(interval.latencyHistogram, "intervals latency_histogram", "the run")
            intervals.append(Interval(start: Double(interval.startS), length: length, histogram: histogram))
        }
        self.init(startTime: run.startTime ?? 0, intervals: intervals)
    }

    public var text: String {
        var lines = ["#[Histogram log format version 1.3]"]
        let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: startTime))
        lines.append(String(format: "#[StartTime: %.3f (seconds since epoch), %@]", startTime, date))
        lines.append(String(format: "#[BaseTime: %.3f (seconds since epoch)]", startTime))
        lines.append("#[npsprobe load: latency from the intended start in microseconds; Interval_Max in milliseconds]")
        lines.append(Self.legend)
        for interval in intervals {
            let max = interval.histogram.totalCount == 0 ? 0 : Double(interval.histogram.max) / Self.maxValueUnitRatio
            lines.append((interval.tag.map { "Tag=\($0)," } ?? "")
                         + String(format: "%.3f,%.3f,%.3f,", interval.start, interval.length, max)
                         + HdrHistogramEncoding.base64(interval.histogram))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a log as HdrHistogram's `HistogramLogReader` does: comment lines, the legend, interval lines (an
    /// optional `Tag=…,` first). Timestamps are made relative to the base time (BaseTime, else StartTime when
    /// they look relative). Throws naming the line that is wrong.
    public static func parse(_ text: String, name: String = "the log") throws(ReportError) -> HdrLog {
        var startTime: Double?
        var baseTime: Double?
        var raw: [(tag: String?, start: Double, length: Double, histogram: Histogram<UInt64>)] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("\"StartTimestamp\"") { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("#[StartTime: ") { startTime = leadingNumber(line.dropFirst(13)) }
                if line.hasPrefix("#[BaseTime: ") { baseTime = leadingNumber(line.dropFirst(12)) }
                continue
            }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var tag: String?
            if let head = fields.first, head.hasPrefix("Tag=") {
                tag = String(head.dropFirst(4))
                fields.removeFirst()
            }
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]),
                  start.isFinite, length.isFinite, length >= 0
            else {
                throw ReportError("\(name) line \(offset + 1): not an interval line (start,length,max,histogram)")
            }
            do {
                raw.append((tag, start, length, try HdrHistogramEncoding.decode(base64: fields[3])))
            } catch {
                throw ReportError("\(name) line \(offset + 1): \(error.description)")
            }
        }
        // HistogramLogReader: without a BaseTime, timestamps far below StartTime are relative to it.
        let start = startTime ?? 0
        var base = baseTime ?? 0
        if baseTime == nil, let first = raw.first?.start, first < start - 365 * 24 * 3600 { base = start }
        let offset = base - start
        return HdrLog(startTime: start, intervals: raw.map {
            Interval(tag: $0.tag, start: $0.start + offset, length: $0.length, histogram: $0.histogram)
        })
    }

    private static func leadingNumber(_ text: Substring) -> Double? {
        Double(text.prefix { $0.isNumber || $0 == "." || $0 == "-" })
    }

    /// The logs of several generators as one: intervals of the same tag whose start (seconds after each log's own
    /// start) falls in the same slot of the longest interval length are added together.
    public static func merge(_ logs: [HdrLog]) throws(ReportError) -> HdrLog {
        let length = max(logs.flatMap { $0.intervals.map(\.length) }.max() ?? 1, 0.001)
        var slots: [String: [Int: Histogram<UInt64>]] = [:]
        for log in logs {
            for interval in log.intervals {
                let slot = Int((interval.start / length + 1e-9).rounded(.down))
                let key = interval.tag ?? ""
                if var existing = slots[key]?[slot] {
                    try LoadMerge.add(interval.histogram, to: &existing, "an HDR log")
                    slots[key]![slot] = existing
                } else {
                    slots[key, default: [:]][slot] = interval.histogram
                }
            }
        }
        var intervals: [Interval] = []
        for tag in slots.keys.sorted() {
            for slot in slots[tag]!.keys.sorted() {
                intervals.append(Interval(tag: tag.isEmpty ? nil : tag, start: Double(slot) * length, length: length,
                                          histogram: slots[tag]![slot]!))
            }
        }
        return HdrLog(startTime: logs.map(\.startTime).filter { $0 > 0 }.min() ?? 0, intervals: intervals)
    }

    /// All intervals' histograms added (one tag, or untagged).
    public func total(tag: String? = nil) throws(ReportError) -> Histogram<UInt64> {
        var histogram = LoadStatistics.histogram()
        for interval in intervals where interval.tag == tag {
            try LoadMerge.add(interval.histogram, to: &histogram, "an HDR log")
        }
        return histogram
    }
}
