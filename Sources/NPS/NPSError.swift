/// An error from the NPS target: log files that cannot be read, log lines that cannot be parsed.
///
/// Tests match on `code`; `reason` says in words what was wrong and where (line number, byte offset,
/// element or attribute name). Parsers never trap on input: they return or record one of these.
public struct NPSError: Error, CustomStringConvertible, Sendable, Hashable {
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        private enum Base: String, Hashable, Sendable {
            case fileUnreadable
            case unsupportedEncoding
            case lineTooLong
            case unknownFormat
            case elementOutsideRecord
            case unterminatedRecord
            case recordTooLarge
            case malformedElement
            case missingHeaderField
            case malformedDate
            case malformedAttributePair
            case malformedNumber
            case unbalancedQuote
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The log file could not be opened or read.
        public static let fileUnreadable = Code(.fileUnreadable)
        /// The log file is UTF-16 (byte-order mark FF FE / FE FF); only UTF-8/ANSI logs are read.
        public static let unsupportedEncoding = Code(.unsupportedEncoding)
        /// A physical line was longer than the reader's cap; it was cut and counted as malformed.
        public static let lineTooLong = Code(.lineTooLong)
        /// The line is neither DTS XML, IAS nor database-compatible (ODBC) format.
        public static let unknownFormat = Code(.unknownFormat)
        /// An XML element appeared outside an `<Event>` record.
        public static let elementOutsideRecord = Code(.elementOutsideRecord)
        /// An `<Event>` record was not closed before the next one started or the input ended.
        public static let unterminatedRecord = Code(.unterminatedRecord)
        /// An `<Event>` record spanning lines grew past the parser's cap.
        public static let recordTooLarge = Code(.recordTooLarge)
        /// An element inside `<Event>` is not `<Name …>text</Name>` or `<Name/>`.
        public static let malformedElement = Code(.malformedElement)
        /// An IAS or ODBC line has fewer fields than its fixed header.
        public static let missingHeaderField = Code(.missingHeaderField)
        /// A date or time field is not `MM/DD/YYYY` / `HH:MM:SS[.mmm]`.
        public static let malformedDate = Code(.malformedDate)
        /// IAS attribute-value pairs: an odd count or a non-numeric attribute number.
        public static let malformedAttributePair = Code(.malformedAttributePair)
        /// A field that must be an integer (Packet-Type, Reason-Code, …) is not one.
        public static let malformedNumber = Code(.malformedNumber)
        /// A quoted ODBC field is not closed.
        public static let unbalancedQuote = Code(.unbalancedQuote)

        public var description: String { base.rawValue }

        /// Encoded as its name, e.g. "lineTooLong".
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(base.rawValue)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let name = try container.decode(String.self)
            guard let base = Base(rawValue: name) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown NPSError code \(name)")
            }
            self.base = base
        }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "NPSError.\(code): \(reason)" }
}
