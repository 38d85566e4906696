import Foundation

/// What an NPS log says, in numbers: packet counts, rejects grouped by reason code (decoded with the catalogue),
/// user, client, server and policy, the request/response pairing and the malformed lines. Codable for `--json`;
/// `renderText()` for the terminal.
public struct NPSLogSummary: Sendable, Hashable, Codable {
    public struct Count: Sendable, Hashable, Codable {
        public let name: String
        public let code: Int?
        public let count: Int
    }

    public struct ReasonCount: Sendable, Hashable, Codable {
        /// nil for records without a Reason-Code.
        public let code: Int?
        public let symbol: String?
        /// The catalogue's one-line summary, or "not in the catalogue".
        public let summary: String
        public let category: String?
        public let count: Int
    }

    /// The largest counts of one grouping. With more distinct keys than `Limits.maxTrackedKeys` the counts are
    /// approximate (`approximate`; each entry's `overestimate` bounds its error) but `total` stays exact.
    public struct TopList: Sendable, Hashable, Codable {
        public struct Entry: Sendable, Hashable, Codable {
            public let key: String
            public let count: Int
            public let overestimate: Int
        }

        public let entries: [Entry]
        public let total: Int
        /// `total` minus the entries shown.
        public let others: Int
        public let distinctTracked: Int
        public let approximate: Bool
    }

    /// See `NPSLogSummarizer` for the pairing heuristic.
    public struct Pairing: Sendable, Hashable, Codable {
        public let byClass: Int
        public let byAccount: Int
        public let byClientOnly: Int
        /// Accept/Reject/Challenge records with no earlier unanswered request to pair with.
        public let unmatchedResponses: Int
        /// Access-Requests never answered in the log (including `droppedFromPairingTable`).
        public let unansweredRequests: Int
        public let droppedFromPairingTable: Int
        public let accountingPaired: Int
        public let accountingUnmatchedResponses: Int
        public let accountingUnanswered: Int

        public var paired: Int { byClass + byAccount + byClientOnly }
    }

    public struct Limits: Sendable, Hashable, Codable {
        public let top: Int
        public let maxTrackedKeys: Int
        public let maxPendingRequests: Int
    }

    public let linesRead: Int
    public let blankLines: Int
    public let ignoredLines: Int
    public let records: Int
    public let recordsByFormat: [Count]
    /// Server local time of the earliest and latest records.
    public let firstTimestamp: NPSLogTimestamp?
    public let lastTimestamp: NPSLogTimestamp?
    public let packetTypes: [Count]
    public let accessRequests: Int
    public let accessAccepts: Int
    public let accessRejects: Int
    public let accessChallenges: Int
    public let accountingRequests: Int
    public let accountingResponses: Int
    public let accountingStatus: [Count]
    public let rejectsByReason: [ReasonCount]
    /// Access-Requests logged with a non-zero Reason-Code: NPS usually discarded these (no response sent).
    public let requestsWithFailureReason: [ReasonCount]
    public let rejectsByUser: TopList
    public let rejectsByClient: TopList
    public let rejectsByServer: TopList
    public let rejectsByNetworkPolicy: TopList
    public let rejectsByRequestPolicy: TopList
    public let acceptsByNetworkPolicy: TopList
    public let pairing: Pairing
    public let malformedLines: Int
    public let malformedSamples: [NPSLogParser.MalformedLine]
    public let limits: Limits
}

extension NPSLogSummary {
    /// Plain text, lines at most `width` columns where words allow.
    public func renderText(width: Int = 100) -> String {
        var out: [String] = []
        func line(_ text: String, indent: String = "  ") {
            out += TextWrap.wrap(text, width: width, indent: indent, hangingIndent: indent + "    ")
        }
        out.append("NPS log summary")
        line("Lines read: \(n(linesRead)) — records \(n(records)), blank \(n(blankLines)), "
            + "ignored \(n(ignoredLines)), "
            + "malformed \(n(malformedLines))")
        if !recordsByFormat.isEmpty {
            line("Formats: " + recordsByFormat.map { "\($0.name.uppercased()) \(n($0.count))" }.joined(separator: ", "))
        }
        if let first = firstTimestamp, let last = lastTimestamp {
            line("Time range: \(first) … \(last) (NPS server local time)")
        }

        out.append("")
        out.append("Packets")
        for c in packetTypes { out.append(column(n(c.count), 10) + "  " + c.name) }
        if packetTypes.isEmpty { out.append("  (none)") }
        if !accountingStatus.isEmpty {
            line("Accounting: " + accountingStatus.map { "\($0.name) \(n($0.count))" }.joined(separator: ", "))
        }

        out.append("")
        out.append("Access-Rejects by reason code")
        reasonLines(rejectsByReason, &out, width: width)
        if !requestsWithFailureReason.isEmpty {
            out.append("")
            out.append("Access-Requests logged with a failure reason (usually discarded: no response sent)")
            reasonLines(requestsWithFailureReason, &out, width: width)
        }
        for (title, list) in [
            ("Rejects by user", rejectsByUser), ("Rejects by RADIUS client", rejectsByClient),
            ("Rejects by NPS server", rejectsByServer), ("Rejects by network policy", rejectsByNetworkPolicy),
            ("Rejects by connection request policy", rejectsByRequestPolicy),
            ("Accepts by network policy", acceptsByNetworkPolicy),
        ] where list.total > 0 {
            out.append("")
            var heading = "\(title) (top \(list.entries.count)"
            heading += list.approximate ? ", approximate: more than \(limits.maxTrackedKeys) distinct)" : ")"
            out.append(heading)
            for e in list.entries {
                let approx = e.overestimate > 0 ? " (±\(n(e.overestimate)))" : ""
                out += TextWrap.wrap(e.key + approx, width: width, indent: column(n(e.count), 10) + "  ",
                                     hangingIndent: String(repeating: " ", count: 16))
            }
            if list.others > 0 { out.append(column(n(list.others), 10) + "  (others)") }
        }

        out.append("")
        out.append("Pairing of requests and responses (NPS logs carry no RADIUS identifier)")
        line("Paired: \(n(pairing.paired)) — by Class \(n(pairing.byClass)), by client and account "
            + "\(n(pairing.byAccount)), by client only \(n(pairing.byClientOnly))")
        line("Responses without a request: \(n(pairing.unmatchedResponses)); requests without a response: "
            + "\(n(pairing.unansweredRequests))"
            + (pairing.droppedFromPairingTable > 0
                ? " (\(n(pairing.droppedFromPairingTable)) dropped from the pairing table after "
                    + "\(n(limits.maxPendingRequests)) waited)" : ""))
        if accountingResponses > 0 {
            line("Accounting: paired \(n(pairing.accountingPaired)), responses without a request "
                + "\(n(pairing.accountingUnmatchedResponses)), requests without a response "
                + "\(n(pairing.accountingUnanswered))")
        }

        if malformedLines > 0 {
            out.append("")
            out.append("Malformed lines: \(n(malformedLines))"
                + (malformedSamples.count < malformedLines ? " (first \(malformedSamples.count) shown)" : ""))
            for sample in malformedSamples {
                line("\(sample.location): \(sample.reason)")
                line(sample.excerpt, indent: "      ")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func reasonLines(_ reasons: [ReasonCount], _ out: inout [String], width: Int) {
        if reasons.isEmpty { out.append("  (none)") }
        for r in reasons {
            let code = r.code.map(String.init) ?? "-"
            let text = (r.symbol.map { "\($0): " } ?? "") + r.summary
            out += TextWrap.wrap(text, width: width, indent: column(n(r.count), 10) + "  " + column(code, 4) + "  ",
                                 hangingIndent: String(repeating: " ", count: 22))
        }
    }

    private func column(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// 1234567 → "1,234,567".
    private func n(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }
}

/// One-call entry points: a file path, or any sequence of lines.
public enum NPSLogAnalyzer {
    public struct Options: Sendable, Hashable {
        public var parser: NPSLogParser.Options
        public var summarizer: NPSLogSummarizer.Options
        /// Longer physical lines are cut and counted as malformed.
        public var maxLineBytes: Int

        public init(parser: NPSLogParser.Options = .init(), summarizer: NPSLogSummarizer.Options = .init(),
                    maxLineBytes: Int = NPSLogFileReader.defaultMaxLineBytes) {
            self.parser = parser
            self.summarizer = summarizer
            self.maxLineBytes = maxLineBytes
        }
    }

    /// Streams the file record by record; memory stays bounded whatever its size. `attributeNames` names the
    /// attributes of IAS-format lines.
    public static func summarize(fileAtPath path: String, attributeNames: IASAttributeNames,
                                 options: Options = Options()) throws(NPSError) -> NPSLogSummary {
        let reader = try NPSLogFileReader(path: path, attributeNames: attributeNames, options: options.parser,
                                          maxLineBytes: options.maxLineBytes)
        var summarizer = NPSLogSummarizer(options: options.summarizer)
        while let record = try reader.next() { summarizer.add(record) }
        return summarizer.summary(parser: reader.statistics)
    }

    /// Streams an open handle (e.g. standard input) to its end; the caller closes it.
    public static func summarize(handle: FileHandle, attributeNames: IASAttributeNames,
                                 options: Options = Options()) throws(NPSError) -> NPSLogSummary {
        let reader = NPSLogFileReader(handle: handle, attributeNames: attributeNames, options: options.parser,
                                      maxLineBytes: options.maxLineBytes)
        var summarizer = NPSLogSummarizer(options: options.summarizer)
        while let record = try reader.next() { summarizer.add(record) }
        return summarizer.summary(parser: reader.statistics)
    }

    /// Lines without terminators, e.g. from a pipe or a test.
    public static func summarize<Lines: Sequence<String>>(lines: Lines, attributeNames: IASAttributeNames,
                                                          options: Options = Options()) -> NPSLogSummary {
        var feed = LineFeed(attributeNames, options)
        for line in lines { feed.add(line) }
        return feed.finish()
    }

    /// Lines from an asynchronous source (a socket, `FileHandle.bytes.lines` where available).
    public static func summarize<Lines: AsyncSequence>(
        lines: Lines, attributeNames: IASAttributeNames, options: Options = Options()
    ) async throws -> NPSLogSummary where Lines.Element == String {
        var feed = LineFeed(attributeNames, options)
        for try await line in lines { feed.add(line) }
        return feed.finish()
    }

    /// Lines through the same splitter as files, so over-long lines are cut the same way.
    private struct LineFeed {
        var splitter: LineSplitter
        var parser: NPSLogParser
        var summarizer: NPSLogSummarizer

        init(_ attributeNames: IASAttributeNames, _ options: Options) {
            splitter = LineSplitter(maxLineBytes: options.maxLineBytes)
            parser = NPSLogParser(attributeNames: attributeNames, options: options.parser)
            summarizer = NPSLogSummarizer(options: options.summarizer)
        }

        mutating func add(_ line: String) {
            splitter.append(line.utf8)
            splitter.append(CollectionOfOne(UInt8(0x0A)))
            while let piece = splitter.nextLine() {
                let records = parser.consume(lineBytes: piece.bytes, truncated: piece.truncated,
                                             continuesLine: piece.continuesLine)
                for record in records { summarizer.add(record) }
            }
        }

        mutating func finish() -> NPSLogSummary {
            parser.finish()
            return summarizer.summary(parser: parser.statistics)
        }
    }
}
