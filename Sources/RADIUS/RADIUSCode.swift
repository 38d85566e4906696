/// A RADIUS packet code (RFC 2865 §3, RFC 2866 §4, RFC 5176 §3, RFC 5997 §3).
///
/// Any octet decodes; codes this implementation does not know are kept and flagged by ``isKnown``.
public struct RADIUSCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt8) { self.rawValue = value }

    public static let accessRequest = RADIUSCode(1)
    public static let accessAccept = RADIUSCode(2)
    public static let accessReject = RADIUSCode(3)
    public static let accountingRequest = RADIUSCode(4)
    public static let accountingResponse = RADIUSCode(5)
    public static let accessChallenge = RADIUSCode(11)
    public static let statusServer = RADIUSCode(12)
    public static let statusClient = RADIUSCode(13)
    public static let disconnectRequest = RADIUSCode(40)
    public static let disconnectACK = RADIUSCode(41)
    public static let disconnectNAK = RADIUSCode(42)
    public static let coaRequest = RADIUSCode(43)
    public static let coaACK = RADIUSCode(44)
    public static let coaNAK = RADIUSCode(45)

    private static let names: [UInt8: String] = [
        1: "Access-Request", 2: "Access-Accept", 3: "Access-Reject", 4: "Accounting-Request",
        5: "Accounting-Response", 11: "Access-Challenge", 12: "Status-Server", 13: "Status-Client",
        40: "Disconnect-Request", 41: "Disconnect-ACK", 42: "Disconnect-NAK",
        43: "CoA-Request", 44: "CoA-ACK", 45: "CoA-NAK",
    ]

    /// The RFC name (`Access-Accept`), or nil for an unknown code.
    public var name: String? { Self.names[rawValue] }

    /// Whether this implementation knows the code (and so can check its authenticator).
    public var isKnown: Bool { name != nil }

    public var description: String { name ?? "Unknown-Code-\(rawValue)" }

    /// Looks a code up by its RFC name, case-insensitively (`access-request`, `CoA-Request`).
    public init?(name: String) {
        let wanted = name.lowercased()
        guard let entry = Self.names.first(where: { $0.value.lowercased() == wanted }) else { return nil }
        self.rawValue = entry.key
    }

    /// Requests carry a Request Authenticator; the others answer one.
    public var isRequest: Bool {
        switch self {
        case .accessRequest, .accountingRequest, .statusServer, .statusClient, .disconnectRequest, .coaRequest:
            return true
        default:
            return false
        }
    }

    /// Codes whose Request Authenticator is random (RFC 2865 §3, RFC 5997 §3) rather than an MD5 over the
    /// packet (RFC 2866 §3, RFC 5176 §2.3).
    public var hasRandomRequestAuthenticator: Bool { self == .accessRequest || self == .statusServer }

    /// The codes that may answer a request of this code: Access-Request → Accept/Reject/Challenge;
    /// Status-Server → Access-Accept or Accounting-Response (RFC 5997 §3); and so on.
    public var validReplies: Set<RADIUSCode> {
        switch self {
        case .accessRequest: return [.accessAccept, .accessReject, .accessChallenge]
        case .accountingRequest: return [.accountingResponse]
        case .statusServer: return [.accessAccept, .accountingResponse]
        case .disconnectRequest: return [.disconnectACK, .disconnectNAK]
        case .coaRequest: return [.coaACK, .coaNAK]
        default: return []
        }
    }
}

extension RADIUSCode: Codable {
    /// Encoded as its name (`"Access-Reject"`, `"Unknown-Code-N"`): the form reports and `--json` show.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if let code = RADIUSCode(name: text) {
            self = code
        } else if text.hasPrefix("Unknown-Code-"), let value = UInt8(text.dropFirst("Unknown-Code-".count)) {
            self = RADIUSCode(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "no RADIUS code \(text)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
