/// One record of an NPS log file (one RADIUS packet NPS logged), whatever the file format.
///
/// Fields every summary needs are typed; everything else is kept under its name in `other`
/// (DTS element name, IAS attribute name from `IASAttributeNames`, or ODBC column name).
public struct NPSLogRecord: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// "DTS compliant": one `<Event>…</Event>` XML record, usually per line.
        case dts
        /// "IAS (legacy)": a six-field header, then attribute-number,value pairs.
        case ias
        /// "ODBC (legacy)" / database-compatible: fixed comma-separated columns, strings quoted.
        case odbc

        public var description: String { rawValue }
    }

    public var format: Format
    /// The physical line the record starts on (1-based).
    public var lineNumber: Int

    /// Server local time (NPS logs carry no time zone).
    public var timestamp: NPSLogTimestamp?
    /// The NPS server that wrote the record (Computer-Name / ComputerName).
    public var computerName: String?
    /// "IAS", "NPS" or "RAS" (Event-Source / Service-Name).
    public var eventSource: String?
    public var packetType: NPSPacketType?
    /// IAS attribute 4142; 0 on success and on most request records.
    public var reasonCode: Int?

    /// User-Name as the client sent it (absent from most response records).
    public var userName: String?
    /// DOMAIN\user that NPS resolved.
    public var samAccountName: String?
    /// Canonical name NPS resolved (DTS element spelled "Fully-Qualifed-User-Name").
    public var fullyQualifiedUserName: String?

    /// The RADIUS client (NAS) as configured in NPS.
    public var clientFriendlyName: String?
    public var clientIPAddress: String?
    public var nasIPAddress: String?
    public var nasIdentifier: String?
    public var callingStationId: String?
    public var calledStationId: String?

    /// IAS attribute 4127; see `NPSLogVocabulary.authenticationTypes`.
    public var authenticationType: Int?
    public var eapFriendlyName: String?
    /// The network policy that matched (NP-Policy-Name; "Policy-Name" in the ODBC format).
    public var networkPolicyName: String?
    /// The connection request policy that matched (Proxy-Policy-Name).
    public var proxyPolicyName: String?
    /// The Class attribute NPS generated ("311 1 <ip> <date> <time> <serial>"); it ties request and response.
    public var classAttribute: String?
    /// IAS attribute 4155; see `NPSLogVocabulary.providerTypes`.
    public var providerType: Int?
    /// RADIUS attribute 40 on accounting records.
    public var acctStatusType: Int?
    public var acctSessionId: String?
    /// MS-CHAP-Error as logged (usually hex: 0x00453D363931…); parse it with the EAP target.
    public var msChapError: String?

    /// All other fields by name; repeated fields keep every value in order.
    public var other: [String: [String]]

    public init(format: Format, lineNumber: Int) {
        self.format = format
        self.lineNumber = lineNumber
        self.other = [:]
    }

    public var authenticationTypeName: String? {
        authenticationType.map { NPSLogVocabulary.authenticationTypes[$0] ?? "Authentication-Type \($0)" }
    }

    public var providerTypeName: String? {
        providerType.map { NPSLogVocabulary.providerTypes[$0] ?? "Provider-Type \($0)" }
    }

    /// The best identity the record carries: SAM-Account-Name, else the fully qualified name, else User-Name.
    public var resolvedAccount: String? { samAccountName ?? fullyQualifiedUserName ?? userName }

    /// The RADIUS client as "<friendly name> (<ip>)" or whichever part exists.
    public var clientLabel: String? {
        switch (clientFriendlyName, clientIPAddress ?? nasIPAddress) {
        case let (name?, ip?): return "\(name) (\(ip))"
        case let (name?, nil): return name
        case let (nil, ip?): return ip
        case (nil, nil): return nasIdentifier
        }
    }
}

/// The Packet-Type of a record: the RADIUS code of the packet NPS logged.
public struct NPSPacketType: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let accessRequest = NPSPacketType(rawValue: 1)
    public static let accessAccept = NPSPacketType(rawValue: 2)
    public static let accessReject = NPSPacketType(rawValue: 3)
    public static let accountingRequest = NPSPacketType(rawValue: 4)
    public static let accountingResponse = NPSPacketType(rawValue: 5)
    public static let accessChallenge = NPSPacketType(rawValue: 11)

    public var name: String { NPSLogVocabulary.packetTypes[rawValue] ?? "Packet-Type \(rawValue)" }
    public var description: String { name }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A timestamp as NPS writes it: server local time, no zone, optional milliseconds.
public struct NPSLogTimestamp: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int, millisecond: Int

    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int = 0) {
        guard (1900...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (0...999).contains(millisecond)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// Parses NPS's `MM/DD/YYYY` date and `HH:MM:SS` or `HH:MM:SS.mmm` time (month, day and hour may have one
    /// digit; the year has four; the fraction one to three).
    public init?(date: Substring, time: Substring) {
        var d = Scanner(date.utf8)
        guard let month = d.number(1...2), d.take(UInt8(ascii: "/")), let day = d.number(1...2),
            d.take(UInt8(ascii: "/")), let year = d.number(4...4), d.atEnd
        else { return nil }
        var t = Scanner(time.utf8)
        guard let hour = t.number(1...2), t.take(UInt8(ascii: ":")), let minute = t.number(1...2),
            t.take(UInt8(ascii: ":")), let second = t.number(1...2)
        else { return nil }
        var millisecond = 0
        if t.take(UInt8(ascii: ".")) {
            let before = t.position
            guard let fraction = t.number(1...3) else { return nil }
            millisecond = fraction * [1, 100, 10, 1][t.position - before]
        }
        guard t.atEnd else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                  millisecond: millisecond)
    }

    /// Parses the DTS form `MM/DD/YYYY HH:MM:SS.mmm`.
    public init?(_ text: Substring) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        self.init(date: parts[0], time: parts[1])
    }

    /// A cursor over ASCII digits and separators.
    private struct Scanner {
        let bytes: Substring.UTF8View
        var index: Substring.UTF8View.Index
        var position = 0

        init(_ bytes: Substring.UTF8View) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        var atEnd: Bool { index == bytes.endIndex }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            bytes.formIndex(after: &index)
            position += 1
            return true
        }

        /// A run of `digits.lowerBound` to `digits.upperBound` ASCII digits, not followed by another digit.
        mutating func number(_ digits: ClosedRange<Int>) -> Int? {
            var value = 0, count = 0
            while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                guard count < digits.upperBound else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
                count += 1
                bytes.formIndex(after: &index)
                position += 1
            }
            return digits.contains(count) ? value : nil
        }
    }

    private var ordinal: (Int, Int, Int, Int, Int, Int) {
        (year, month, day, hour, minute, second * 1000 + millisecond)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }

    /// ISO-8601-like, without zone: "2014-05-19 15:21:44.008".
    public var description: String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            + ".\(pad(millisecond, 3))"
    }
}
