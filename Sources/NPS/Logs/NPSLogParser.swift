#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CodedErrors
import TLS

/// A streaming parser for NPS log files: feed it one physical line at a time, get back the records that line
/// completed. It never holds more than one unfinished record, and never throws on bad input: malformed lines
/// are counted, the first few kept with their line numbers, and parsing goes on.
///
/// Formats, detected per line (one file may mix them after a configuration change):
/// - DTS ("DTS compliant", XML): `<Event><Timestamp data_type="4">05/19/2014 15:21:44.008</Timestamp>…</Event>`,
///   normally one record per line; records split over several lines, or several records on one line, are
///   accepted. Each element is `<Name attributes…>text</Name>` or `<Name/>`; text is entity-decoded.
/// - IAS ("IAS (legacy)"): `NAS-IP-Address,User-Name,MM/DD/YYYY,HH:MM:SS,Service,Computer,` then
///   `attribute-number,value` pairs, named by `IASAttributeNames` (RADIUS names from the dictionary, NPS's from
///   `IASAttribute.catalogue`; 4136 Packet-Type, 4142 Reason-Code).
///   Strings holding delimiters or unprintable bytes are written as `0x…` hex and decoded for the typed fields.
/// - ODBC ("database-compatible"): fixed columns (`NPSLogVocabulary.odbcColumns`), strings in double quotes
///   (a doubled `""` is a quote), dates and numbers bare.
/// Detection: a line starting with `<` (or any line while an `<Event>` is open) is DTS; a comma-separated line
/// with a date and time in fields 3–4 is ODBC when field 5 (Packet-Type) is a number, IAS otherwise (field 5 is
/// the service name there).
public struct NPSLogParser: Sendable {
    public struct Options: Sendable, Hashable {
        /// How many malformed lines to keep as samples (all are counted).
        public var maxMalformedKept: Int
        /// The most bytes one `<Event>` record may span across lines before it is dropped as malformed.
        public var maxRecordBytes: Int
        /// Sample excerpts are cut to this many characters.
        public var maxExcerptLength: Int

        public init(maxMalformedKept: Int = 20, maxRecordBytes: Int = 256 * 1024, maxExcerptLength: Int = 160) {
            self.maxMalformedKept = maxMalformedKept
            self.maxRecordBytes = maxRecordBytes
            self.maxExcerptLength = maxExcerptLength
        }
    }

    /// A malformed line (or multi-line record), kept as a sample.
    public struct MalformedLine: Sendable, Hashable, Codable, CustomStringConvertible {
        public let lineNumber: Int
        public let code: NPSError.Code
        public let reason: String
        /// The start of the offending text, cut to `maxExcerptLength`.
        public let excerpt: String
        /// The file the line came from: nil from the parser; set by a caller that reads several files.
        public var file: String?

        /// "line 9" or, with `file`, "IN2405.log:9".
        public var location: String { file.map { "\($0):\(lineNumber)" } ?? "line \(lineNumber)" }

        public var description: String { "\(location): \(reason) — \(excerpt)" }
    }

    /// Counters over everything consumed so far.
    public struct Statistics: Sendable, Hashable, Codable {
        public var linesRead = 0
        public var blankLines = 0
        /// XML declarations and comments between records.
        public var ignoredLines = 0
        public var records = 0
        public var dtsRecords = 0
        public var iasRecords = 0
        public var odbcRecords = 0
        /// Malformed lines, plus malformed multi-line records counted once at their first line.
        public var malformed = 0
        public var malformedSamples: [MalformedLine] = []

        public init() {}
    }

    public let options: Options
    /// The names of IAS-format attribute numbers.
    public let attributeNames: IASAttributeNames
    public private(set) var statistics = Statistics()

    /// The bytes of an `<Event>` record still waiting for its `</Event>`.
    private var openRecord: [UInt8] = []
    private var openRecordLine = 0
    private var openRecordScanFrom = 0
    private var hasOpenRecord = false

    /// `attributeNames` names the attributes of IAS-format lines (build it once from the loaded dictionary).
    public init(attributeNames: IASAttributeNames, options: Options = Options()) {
        self.attributeNames = attributeNames
        self.options = options
    }

    /// Consumes one line (without its line terminator) and returns the records it completed.
    public mutating func consume(line: String) -> [NPSLogRecord] {
        consume(lineBytes: Array(line.utf8)[...])
    }

    /// Consumes one line of raw bytes (UTF-8 or ASCII; a trailing CR is ignored). `truncated` says the reader cut
    /// an over-long line: it is counted as malformed and not parsed. `continuesLine` says the bytes are a further
    /// piece of the previous physical line (the reader cuts very long DTS lines after an `</Event>`).
    public mutating func consume(lineBytes: ArraySlice<UInt8>, truncated: Bool = false,
                                 continuesLine: Bool = false) -> [NPSLogRecord] {
        if !continuesLine || statistics.linesRead == 0 { statistics.linesRead += 1 }
        let lineNumber = statistics.linesRead
        var line = lineBytes
        if lineNumber == 1, !continuesLine, line.starts(with: Bytes.utf8BOM) { line = line.dropFirst(3) }
        if truncated {
            if hasOpenRecord { dropOpenRecord(.unterminatedRecord, "the record was cut by an over-long line") }
            malformed(lineNumber, .lineTooLong, "line longer than the reader's limit; not parsed", line)
            return []
        }
        if hasOpenRecord {
            if openRecord.count + line.count + 1 > options.maxRecordBytes {
                let excerpt = openRecord[...]
                let size = openRecord.count + line.count
                dropOpenRecord()
                malformed(openRecordLine, .recordTooLarge,
                          "an <Event> record spanning lines exceeded \(options.maxRecordBytes) bytes (\(size)+)",
                          excerpt)
                return []
            }
            if !continuesLine { openRecord.append(0x0A) }
            openRecord.append(contentsOf: line)
            return extractRecords()
        }
        let trimmed = Bytes.trim(line)
        if trimmed.isEmpty {
            statistics.blankLines += 1
            return []
        }
        if trimmed.first == UInt8(ascii: "<") {
            if trimmed.starts(with: Bytes.xmlDeclaration) || trimmed.starts(with: Bytes.xmlComment) {
                statistics.ignoredLines += 1
                return []
            }
            guard Bytes.isEventStart(trimmed, at: trimmed.startIndex) else {
                malformed(lineNumber, .elementOutsideRecord, "an XML element outside an <Event> record", trimmed)
                return []
            }
            openRecord = Array(trimmed)
            openRecordLine = lineNumber
            openRecordScanFrom = 0
            hasOpenRecord = true
            return extractRecords()
        }
        do throws(NPSError) {
            let record = try Self.parseDelimited(trimmed, lineNumber: lineNumber, attributeNames: attributeNames)
            count(record)
            return [record]
        } catch {
            malformed(lineNumber, error.code, error.reason, trimmed)
            return []
        }
    }

    /// Ends the input: an `<Event>` still open is counted as malformed.
    public mutating func finish() {
        if hasOpenRecord { dropOpenRecord(.unterminatedRecord, "the input ended inside an <Event> record") }
    }

    // MARK: DTS records

    /// Takes every complete `<Event>…</Event>` off the front of `openRecord`. Works with an offset (`head`) so a
    /// long line holding thousands of records is scanned once, not once per record.
    private mutating func extractRecords() -> [NPSLogRecord] {
        var records: [NPSLogRecord] = []
        var head = 0
        defer {
            if hasOpenRecord && head > 0 {
                openRecord.removeSubrange(..<head)
                openRecordScanFrom = max(0, openRecordScanFrom - head)
            }
        }
        while hasOpenRecord {
            let pending = openRecord[head...]
            if let tagClose = Bytes.tagEnd(pending, from: head + Bytes.eventOpen.count),
                openRecord[tagClose - 1] == UInt8(ascii: "/")
            {
                malformed(openRecordLine, .malformedElement, "an empty <Event/> record", openRecord[head...tagClose])
                head = next(after: tagClose + 1)
                continue
            }
            guard let close = Bytes.find(Bytes.eventClose, in: pending, from: max(head, openRecordScanFrom)) else {
                // A new <Event> before this one closed means this one will never close.
                let searchFrom = max(head + 1, openRecordScanFrom)
                if searchFrom < openRecord.count,
                    let restart = Bytes.findEventStart(in: openRecord[searchFrom...])
                {
                    malformed(openRecordLine, .unterminatedRecord,
                              "an <Event> record was not closed before the next one started",
                              openRecord[head..<restart])
                    head = restart
                    openRecordLine = statistics.linesRead
                    openRecordScanFrom = head
                    continue
                }
                openRecordScanFrom = max(head, openRecord.count - Bytes.eventClose.count)
                return records
            }
            if let restart = Bytes.findEventStart(in: openRecord[(head + 1)..<close]) {
                malformed(openRecordLine, .unterminatedRecord,
                          "an <Event> record was not closed before the next one started", openRecord[head..<restart])
                head = restart
                openRecordLine = statistics.linesRead
                openRecordScanFrom = head
                continue
            }
            let end = close + Bytes.eventClose.count
            let body = openRecord[head..<end]
            do throws(NPSError) {
                let record = try Self.parseEvent(body, lineNumber: openRecordLine)
                count(record)
                records.append(record)
            } catch {
                malformed(openRecordLine, error.code, error.reason, body)
            }
            head = next(after: end)
        }
        return records
    }

    /// Where the next record starts after a finished one: the `<Event` that follows (only white space between),
    /// or the end (the open record is dropped; anything else after `</Event>` is malformed).
    private mutating func next(after end: Int) -> Int {
        let rest = Bytes.trim(openRecord[end...])
        if !rest.isEmpty, Bytes.isEventStart(rest, at: rest.startIndex) {
            openRecordScanFrom = rest.startIndex
            return rest.startIndex
        }
        if !rest.isEmpty {
            malformed(openRecordLine, .elementOutsideRecord, "text after </Event> on the same line", rest)
        }
        dropOpenRecord()
        return 0
    }

    private mutating func dropOpenRecord(_ code: NPSError.Code? = nil, _ reason: String = "") {
        if let code { malformed(openRecordLine, code, reason, openRecord[...]) }
        openRecord = []
        openRecordScanFrom = 0
        hasOpenRecord = false
    }

    /// Parses one `<Event>…</Event>` record (validated element by element; nothing is trusted).
    static func parseEvent(_ bytes: ArraySlice<UInt8>, lineNumber: Int) throws(NPSError) -> NPSLogRecord {
        var builder = RecordBuilder(format: .dts, lineNumber: lineNumber)
        var i = bytes.startIndex
        let end = bytes.endIndex
        func offset(_ index: Int) -> Int { index - bytes.startIndex }
        // The opening tag: "<Event" then optional attributes, then ">".
        guard let openEnd = Bytes.tagEnd(bytes, from: i + 6) else {
            throw NPSError(.malformedElement, "the <Event> tag is not closed")
        }
        if bytes[openEnd - 1] == UInt8(ascii: "/") {
            throw NPSError(.malformedElement, "an empty <Event/> record")
        }
        i = openEnd + 1
        while true {
            i = Bytes.skipSpace(bytes, from: i)
            guard i < end else { throw NPSError(.unterminatedRecord, "no </Event>") }
            guard bytes[i] == UInt8(ascii: "<") else {
                throw NPSError(.malformedElement, "text outside an element at byte \(offset(i))")
            }
            if Bytes.matches(Bytes.eventClose, in: bytes, at: i) { break }
            if Bytes.matches(Bytes.xmlComment, in: bytes, at: i) {
                guard let close = Bytes.find(Bytes.commentClose, in: bytes, from: i) else {
                    throw NPSError(.malformedElement, "an unclosed comment at byte \(offset(i))")
                }
                i = close + Bytes.commentClose.count
                continue
            }
            let nameStart = i + 1
            var nameEnd = nameStart
            while nameEnd < end, Bytes.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart else {
                throw NPSError(.malformedElement, "a tag without a valid element name at byte \(offset(i))")
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            guard let tagClose = Bytes.tagEnd(bytes, from: nameEnd) else {
                throw NPSError(.malformedElement, "the <\(name)> tag is not closed")
            }
            if bytes[tagClose - 1] == UInt8(ascii: "/") {
                i = tagClose + 1
                continue  // <Name/>: an empty value, nothing to keep
            }
            let valueStart = tagClose + 1
            var valueEnd = valueStart
            while valueEnd < end, bytes[valueEnd] != UInt8(ascii: "<") { valueEnd += 1 }
            // The closing tag must be </Name> (optional spaces before '>').
            var j = valueEnd
            guard j + 1 < end, bytes[j + 1] == UInt8(ascii: "/"),
                Bytes.sameBytes(bytes, at: j + 2, as: nameStart..<nameEnd)
            else {
                throw NPSError(.malformedElement, "<\(name)> is not closed by </\(name)> at byte \(offset(j))")
            }
            j += 2 + (nameEnd - nameStart)
            j = Bytes.skipSpace(bytes, from: j)
            guard j < end, bytes[j] == UInt8(ascii: ">") else {
                throw NPSError(.malformedElement, "<\(name)> is not closed by </\(name)> at byte \(offset(valueEnd))")
            }
            i = j + 1
            let value = Bytes.decodeEntities(bytes[valueStart..<valueEnd])
            try builder.set(name == "Fully-Qualified-User-Name" ? "Fully-Qualifed-User-Name" : name, value)
        }
        return builder.record
    }

    // MARK: IAS and ODBC lines

    static func parseDelimited(_ line: ArraySlice<UInt8>, lineNumber: Int, attributeNames: IASAttributeNames)
        throws(NPSError) -> NPSLogRecord
    {
        guard line.contains(UInt8(ascii: ",")) else {
            throw NPSError(.unknownFormat, "neither an <Event> record nor a comma-separated IAS/ODBC line")
        }
        let fields = try CSV.split(line)
        guard fields.count >= 6 else {
            throw NPSError(.missingHeaderField, "\(fields.count) fields; IAS and ODBC lines have at least 6")
        }
        guard let timestamp = NPSLogTimestamp(date: fields[2].text[...], time: fields[3].text[...]) else {
            throw NPSError(.malformedDate,
                           "fields 3–4 are not MM/DD/YYYY and HH:MM:SS: '\(fields[2].text)' '\(fields[3].text)'")
        }
        let isODBC = !fields[4].text.isEmpty && fields[4].text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        var builder = RecordBuilder(format: isODBC ? .odbc : .ias, lineNumber: lineNumber)
        builder.record.timestamp = timestamp
        if isODBC {
            for (index, field) in fields.enumerated() where index != 2 && index != 3 && !field.text.isEmpty {
                let columns = NPSLogVocabulary.odbcColumns
                let name = index < columns.count ? columns[index] : "Column-\(index + 1)"
                try builder.set(name, field.text)
            }
        } else {
            let header = [(0, "NAS-IP-Address"), (1, "User-Name"), (4, "Event-Source"), (5, "Computer-Name")]
            for (index, name) in header where !fields[index].text.isEmpty {
                try builder.set(name, fields[index].text)
            }
            let pairs = fields.count - 6
            guard pairs % 2 == 0 else {
                throw NPSError(.malformedAttributePair,
                               "\(pairs) fields after the 6-field header; attribute,value pairs need an even count")
            }
            var k = 6
            while k < fields.count {
                let numberText = fields[k].text
                guard !numberText.isEmpty, numberText.utf8.count <= 10,
                    numberText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(numberText)
                else {
                    throw NPSError(.malformedAttributePair,
                                   "field \(k + 1) should be an attribute number, found '\(numberText.prefix(40))'")
                }
                let name = attributeNames[number]
                if !fields[k + 1].text.isEmpty { try builder.set(name, fields[k + 1].text) }
                k += 2
            }
        }
        builder.decodeHexStrings()
        return builder.record
    }

    // MARK: Bookkeeping

    private mutating func count(_ record: NPSLogRecord) {
        statistics.records += 1
        switch record.format {
        case .dts: statistics.dtsRecords += 1
        case .ias: statistics.iasRecords += 1
        case .odbc: statistics.odbcRecords += 1
        }
    }

    private mutating func malformed(_ lineNumber: Int, _ code: NPSError.Code, _ reason: String,
                                    _ text: ArraySlice<UInt8>) {
        statistics.malformed += 1
        guard statistics.malformedSamples.count < options.maxMalformedKept else { return }
        let cut = text.prefix(options.maxExcerptLength * 4)
        var excerpt = String(decoding: cut, as: UTF8.self)
            .map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }
            .prefix(options.maxExcerptLength)
        if text.count > cut.count || excerpt.count == options.maxExcerptLength { excerpt += "…" }
        statistics.malformedSamples.append(
            MalformedLine(lineNumber: lineNumber, code: code, reason: reason, excerpt: String(excerpt)))
    }
}

/// Collects named values into an `NPSLogRecord`, validating the typed ones.
struct RecordBuilder {
    var record: NPSLogRecord

    init(format: NPSLogRecord.Format, lineNumber: Int) {
        record = NPSLogRecord(format: format, lineNumber: lineNumber)
    }

    /// The typed fields, looked up by name once per value (a hash instead of a chain of string compares).
    private enum Field {
        case timestamp, computerName, eventSource, packetType, reasonCode, userName, samAccountName
        case fullyQualifiedUserName, clientFriendlyName, clientIPAddress, nasIPAddress, nasIdentifier
        case callingStationId, calledStationId, authenticationType, eapFriendlyName, networkPolicyName
        case proxyPolicyName, classAttribute, providerType, acctStatusType, acctSessionId, msChapError
    }

    private static let fields: [String: Field] = [
        "Timestamp": .timestamp, "Computer-Name": .computerName, "Event-Source": .eventSource,
        "Packet-Type": .packetType, "Reason-Code": .reasonCode, "User-Name": .userName,
        "SAM-Account-Name": .samAccountName, "Fully-Qualifed-User-Name": .fullyQualifiedUserName,
        "Client-Friendly-Name": .clientFriendlyName, "Client-IP-Address": .clientIPAddress,
        "NAS-IP-Address": .nasIPAddress, "NAS-Identifier": .nasIdentifier, "Calling-Station-Id": .callingStationId,
        "Called-Station-Id": .calledStationId, "Authentication-Type": .authenticationType,
        "EAP-Friendly-Name": .eapFriendlyName, "NP-Policy-Name": .networkPolicyName,
        "Proxy-Policy-Name": .proxyPolicyName, "Class": .classAttribute, "Provider-Type": .providerType,
        "Acct-Status-Type": .acctStatusType, "Acct-Session-Id": .acctSessionId, "MS-CHAP-Error": .msChapError,
    ]

    mutating func set(_ name: String, _ value: String) throws(NPSError) {
        guard !value.isEmpty else { return }
        guard let field = Self.fields[name] else {
            keep(name, value)
            return
        }
        switch field {
        case .timestamp:
            // A timestamp in another layout does not spoil the record: it stays in `other` as written.
            if record.timestamp == nil, let ts = NPSLogTimestamp(value[...]) {
                record.timestamp = ts
            } else {
                keep(name, value)
            }
        case .computerName: assign(\.computerName, name, value)
        case .eventSource: assign(\.eventSource, name, value)
        case .packetType:
            let number = try Self.integer(name, value)
            if record.packetType == nil {
                record.packetType = NPSPacketType(rawValue: number)
            } else {
                keep(name, value)
            }
        case .reasonCode: assignInt(\.reasonCode, name, try Self.integer(name, value), value)
        case .userName: assign(\.userName, name, value)
        case .samAccountName: assign(\.samAccountName, name, value)
        case .fullyQualifiedUserName: assign(\.fullyQualifiedUserName, name, value)
        case .clientFriendlyName: assign(\.clientFriendlyName, name, value)
        case .clientIPAddress: assign(\.clientIPAddress, name, value)
        case .nasIPAddress: assign(\.nasIPAddress, name, value)
        case .nasIdentifier: assign(\.nasIdentifier, name, value)
        case .callingStationId: assign(\.callingStationId, name, value)
        case .calledStationId: assign(\.calledStationId, name, value)
        case .authenticationType: assignInt(\.authenticationType, name, try Self.integer(name, value), value)
        case .eapFriendlyName: assign(\.eapFriendlyName, name, value)
        case .networkPolicyName: assign(\.networkPolicyName, name, value)
        case .proxyPolicyName: assign(\.proxyPolicyName, name, value)
        case .classAttribute: assign(\.classAttribute, name, value)
        case .providerType: assignInt(\.providerType, name, try Self.integer(name, value), value)
        case .acctStatusType: assignInt(\.acctStatusType, name, try Self.integer(name, value), value)
        case .acctSessionId: assign(\.acctSessionId, name, value)
        case .msChapError: assign(\.msChapError, name, value)
        }
    }

    private mutating func assign(_ field: WritableKeyPath<NPSLogRecord, String?>, _ name: String, _ value: String) {
        if record[keyPath: field] == nil { record[keyPath: field] = value } else { keep(name, value) }
    }

    private mutating func assignInt(_ field: WritableKeyPath<NPSLogRecord, Int?>, _ name: String, _ number: Int,
                                    _ raw: String) {
        if record[keyPath: field] == nil { record[keyPath: field] = number } else { keep(name, raw) }
    }

    private mutating func keep(_ name: String, _ value: String) {
        record.other[name, default: []].append(value)
    }

    private static func integer(_ name: String, _ value: String) throws(NPSError) -> Int {
        let text = value.npsTrimming(" ")
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let number = Int(text)
        else {
            throw NPSError(.malformedNumber, "\(name) should be a number, found '\(value.prefix(40))'")
        }
        return number
    }

    /// IAS and ODBC logs write strings holding delimiters or unprintable bytes as `0x…` hex; decode the typed
    /// text fields when the result is printable UTF-8 (MS-CHAP-Error stays as logged: it is binary).
    mutating func decodeHexStrings() {
        let fields: [WritableKeyPath<NPSLogRecord, String?>] = [
            \.userName, \.samAccountName, \.fullyQualifiedUserName, \.clientFriendlyName, \.nasIdentifier,
            \.callingStationId, \.calledStationId, \.eapFriendlyName, \.networkPolicyName, \.proxyPolicyName,
            \.classAttribute, \.acctSessionId, \.computerName,
        ]
        for field in fields {
            if let value = record[keyPath: field], value.hasPrefix("0x") {
                record[keyPath: field] = Bytes.printableHexText(value) ?? value
            }
        }
    }
}

/// Splitting one IAS/ODBC line into fields.
enum CSV {
    struct Field {
        var text: String
        var quoted: Bool
    }

    /// Comma-separated fields; a field starting with `"` runs to the next lone `"` (`""` is a literal quote).
    static func split(_ line: ArraySlice<UInt8>) throws(NPSError) -> [Field] {
        var fields: [Field] = []
        var i = line.startIndex
        let end = line.endIndex
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        while true {
            if i < end, line[i] == quote {
                var bytes: [UInt8] = []
                var j = i + 1
                var closed = false
                while j < end {
                    if line[j] == quote {
                        if j + 1 < end, line[j + 1] == quote {
                            bytes.append(quote)
                            j += 2
                            continue
                        }
                        closed = true
                        j += 1
                        break
                    }
                    bytes.append(line[j])
                    j += 1
                }
                guard closed else {
                    throw NPSError(.unbalancedQuote,
                                   "a quoted field starting at byte \(i - line.startIndex) is not closed")
                }
                // Anything between the closing quote and the next comma is kept (lenient).
                while j < end, line[j] != comma {
                    bytes.append(line[j])
                    j += 1
                }
                fields.append(Field(text: String(decoding: bytes, as: UTF8.self), quoted: true))
                i = j
            } else {
                var j = i
                while j < end, line[j] != comma { j += 1 }
                fields.append(Field(text: j > i ? String(decoding: line[i..<j], as: UTF8.self) : "", quoted: false))
                i = j
            }
            guard i < end else { break }
            i += 1  // the comma
            if i == end {
                fields.append(Field(text: "", quoted: false))
                break
            }
        }
        return fields
    }
}

/// Byte-level helpers for the parsers.
enum Bytes {
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let eventOpen: [UInt8] = Array("<Event".utf8)
    static let eventClose: [UInt8] = Array("</Event>".utf8)
    static let xmlDeclaration: [UInt8] = Array("<?".utf8)
    static let xmlComment: [UInt8] = Array("<!--".utf8)
    static let commentClose: [UInt8] = Array("-->".utf8)

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi, isSpace(s[lo]) { lo += 1 }
        while hi > lo, isSpace(s[hi - 1]) { hi -= 1 }
        return s[lo..<hi]
    }

    static func skipSpace(_ s: ArraySlice<UInt8>, from i: Int) -> Int {
        var i = i
        while i < s.endIndex, isSpace(s[i]) { i += 1 }
        return i
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    /// Whether `s[at...]` begins with the bytes `s[range]` (memcmp).
    static func sameBytes(_ s: ArraySlice<UInt8>, at i: Int, as range: Range<Int>) -> Bool {
        guard i >= s.startIndex, i + range.count <= s.endIndex, range.lowerBound >= s.startIndex,
            range.upperBound <= s.endIndex
        else { return false }
        return s.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return range.isEmpty }
            let origin = s.startIndex
            return memcmp(base + (i - origin), base + (range.lowerBound - origin), range.count) == 0
        }
    }

    static func matches(_ needle: [UInt8], in s: ArraySlice<UInt8>, at i: Int) -> Bool {
        guard i >= s.startIndex, i + needle.count <= s.endIndex else { return false }
        for k in 0..<needle.count where s[i + k] != needle[k] { return false }
        return true
    }

    /// The index of the first occurrence of `needle` in `s` at or after `start`. memchr for the first byte, then
    /// memcmp: this runs over every byte of the log.
    static func find(_ needle: [UInt8], in s: ArraySlice<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first, start >= s.startIndex, start < s.endIndex else { return nil }
        return s[start...].withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { n -> Int? in
                guard let base = haystack.baseAddress, let nBase = n.baseAddress else { return nil }
                var offset = 0
                while haystack.count - offset >= n.count {
                    guard let hit = memchr(base + offset, Int32(first), haystack.count - offset) else { return nil }
                    let at = UnsafeRawPointer(hit) - base
                    guard haystack.count - at >= n.count else { return nil }
                    if memcmp(base + at, nBase, n.count) == 0 { return start + at }
                    offset = at + 1
                }
                return nil
            }
        }
    }

    static func find(_ needle: [UInt8], in s: [UInt8], from start: Int) -> Int? {
        find(needle, in: s[...], from: start)
    }

    /// `<Event` followed by `>`, `/` or white space (not `<EventX>`).
    static func isEventStart(_ s: ArraySlice<UInt8>, at i: Int) -> Bool {
        guard matches(eventOpen, in: s, at: i) else { return false }
        let next = i + eventOpen.count
        guard next < s.endIndex else { return true }
        return s[next] == UInt8(ascii: ">") || s[next] == UInt8(ascii: "/") || isSpace(s[next])
    }

    /// The first `<Event` (as in `isEventStart`) in `s`.
    static func findEventStart(in s: ArraySlice<UInt8>) -> Int? {
        var from = s.startIndex
        while from < s.endIndex, let i = find(eventOpen, in: s, from: from) {
            if isEventStart(s, at: i) { return i }
            from = i + 1
        }
        return nil
    }

    /// The index of the `>` ending a tag whose attributes start at `from`, skipping quoted attribute values.
    static func tagEnd(_ s: ArraySlice<UInt8>, from: Int) -> Int? {
        var i = from
        var quote: UInt8? = nil
        while i < s.endIndex {
            let b = s[i]
            if let q = quote {
                if b == q { quote = nil }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return i
            } else if b == UInt8(ascii: "<") {
                return nil
            }
            i += 1
        }
        return nil
    }

    /// XML text → String, decoding the five named entities and numeric character references; anything else
    /// that looks like an entity is kept as written.
    static func decodeEntities(_ s: ArraySlice<UInt8>) -> String {
        let hasEntity = s.withUnsafeBytes { raw in
            raw.baseAddress.map { memchr($0, Int32(UInt8(ascii: "&")), raw.count) != nil } ?? false
        }
        guard hasEntity else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            guard b == UInt8(ascii: "&"), let semi = s[i..<min(s.endIndex, i + 12)].firstIndex(of: UInt8(ascii: ";"))
            else {
                out.append(b)
                i += 1
                continue
            }
            let entity = String(decoding: s[(i + 1)..<semi], as: UTF8.self)
            var replacement: [UInt8]?
            switch entity {
            case "lt": replacement = [UInt8(ascii: "<")]
            case "gt": replacement = [UInt8(ascii: ">")]
            case "amp": replacement = [UInt8(ascii: "&")]
            case "quot": replacement = [UInt8(ascii: "\"")]
            case "apos": replacement = [UInt8(ascii: "'")]
            default:
                var scalarValue: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalarValue = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    scalarValue = UInt32(entity.dropFirst(), radix: 10)
                }
                if let v = scalarValue, let scalar = Unicode.Scalar(v) { replacement = Array(String(scalar).utf8) }
            }
            if let replacement {
                out += replacement
                i = semi + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// "0x4A6F65" → "Joe" when the hex is well formed and decodes to printable UTF-8; nil otherwise.
    static func printableHexText(_ value: String) -> String? {
        guard let bytes = [UInt8](hexDigits: value.utf8.dropFirst(2)), !bytes.isEmpty,
            bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        return text
    }
}
