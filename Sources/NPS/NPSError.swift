import CodedErrors

/// The errors of the NPS target: log files that cannot be read, log lines that cannot be parsed.
///
/// Tests match on `code`; `reason` says in words what was wrong and where (line number, byte offset, element or
/// attribute name). Parsers never trap on input: they return or record one of these. Codes are written to JSON
/// (`nps-log --json` malformed samples) by name, e.g. "lineTooLong".
public enum NPSDomain: ListedErrorDomain {
    public static let allCodes: [NPSError.Code] = [
        .fileUnreadable, .unsupportedEncoding, .lineTooLong, .unknownFormat, .elementOutsideRecord, .unterminatedRecord,
        .recordTooLarge, .malformedElement, .missingHeaderField, .malformedDate, .malformedAttributePair,
        .malformedNumber, .unbalancedQuote, .classNotNPS, .classTruncated, .classChecksumMismatch,
        .classUnknownAddressFamily,
    ]
}

/// An error from the NPS target (see `CodedError`).
public typealias NPSError = CodedError<NPSDomain>

extension CodedError.Code where Domain == NPSDomain {
    /// The log file could not be opened or read.
    public static var fileUnreadable: Self { Self("fileUnreadable") }
    /// The log file is UTF-16 (byte-order mark FF FE / FE FF); only UTF-8/ANSI logs are read.
    public static var unsupportedEncoding: Self { Self("unsupportedEncoding") }
    /// A physical line was longer than the reader's cap; it was cut and counted as malformed.
    public static var lineTooLong: Self { Self("lineTooLong") }
    /// The line is neither DTS XML, IAS nor database-compatible (ODBC) format.
    public static var unknownFormat: Self { Self("unknownFormat") }
    /// An XML element appeared outside an `<Event>` record.
    public static var elementOutsideRecord: Self { Self("elementOutsideRecord") }
    /// An `<Event>` record was not closed before the next one started or the input ended.
    public static var unterminatedRecord: Self { Self("unterminatedRecord") }
    /// An `<Event>` record spanning lines grew past the parser's cap.
    public static var recordTooLarge: Self { Self("recordTooLarge") }
    /// An element inside `<Event>` is not `<Name …>text</Name>` or `<Name/>`.
    public static var malformedElement: Self { Self("malformedElement") }
    /// An IAS or ODBC line has fewer fields than its fixed header.
    public static var missingHeaderField: Self { Self("missingHeaderField") }
    /// A date or time field is not `MM/DD/YYYY` / `HH:MM:SS[.mmm]`.
    public static var malformedDate: Self { Self("malformedDate") }
    /// IAS attribute-value pairs: an odd count or a non-numeric attribute number.
    public static var malformedAttributePair: Self { Self("malformedAttributePair") }
    /// A field that must be an integer (Packet-Type, Reason-Code, …) is not one.
    public static var malformedNumber: Self { Self("malformedNumber") }
    /// A quoted ODBC field is not closed.
    public static var unbalancedQuote: Self { Self("unbalancedQuote") }
    /// A Class attribute that is not in NPS's layout (vendor 311, version 1 at octets 4–9).
    public static var classNotNPS: Self { Self("classNotNPS") }
    /// A Class attribute that starts as NPS's (vendor 311) is shorter than NPS's 44-octet layout.
    public static var classTruncated: Self { Self("classTruncated") }
    /// An NPS-layout Class whose Adler-32 does not match the octets after it (altered on the way).
    public static var classChecksumMismatch: Self { Self("classChecksumMismatch") }
    /// An NPS-layout Class whose address family is neither IPv4 (2) nor IPv6 (23).
    public static var classUnknownAddressFamily: Self { Self("classUnknownAddressFamily") }
}
