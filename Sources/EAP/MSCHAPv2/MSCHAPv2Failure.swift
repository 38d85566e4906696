import TLS

/// The error codes an MS-CHAPv2 (and MS-CHAP) Failure carries in `E=` (RFC 2759 §6, RFC 2433 §6; raserror.h).
public struct MSCHAPv2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let restrictedLogonHours = MSCHAPv2ErrorCode(646)
    public static let accountDisabled = MSCHAPv2ErrorCode(647)
    public static let passwordExpired = MSCHAPv2ErrorCode(648)
    public static let noDialinPermission = MSCHAPv2ErrorCode(649)
    public static let authenticationFailure = MSCHAPv2ErrorCode(691)
    public static let changingPassword = MSCHAPv2ErrorCode(709)

    /// The codes RFC 2759 §6 lists, with their raserror.h symbols and meanings.
    public static let known: [MSCHAPv2ErrorCode: (symbol: String, meaning: String)] = [
        .restrictedLogonHours: ("ERROR_RESTRICTED_LOGON_HOURS", "restricted logon hours"),
        .accountDisabled: ("ERROR_ACCT_DISABLED", "account disabled"),
        .passwordExpired: ("ERROR_PASSWD_EXPIRED", "password expired"),
        .noDialinPermission: ("ERROR_NO_DIALIN_PERMISSION", "no dial-in permission"),
        .authenticationFailure: ("ERROR_AUTHENTICATION_FAILURE", "authentication failure"),
        .changingPassword: ("ERROR_CHANGING_PASSWORD", "changing password failed"),
    ]

    /// The raserror.h symbol, e.g. `ERROR_AUTHENTICATION_FAILURE`; `nil` for codes outside RFC 2759's list.
    public var symbol: String? { Self.known[self]?.symbol }
    /// A short meaning, e.g. "authentication failure".
    public var meaning: String? { Self.known[self]?.meaning }

    public var description: String { meaning.map { "\(rawValue) (\($0))" } ?? "\(rawValue)" }
}

/// The text of an MS-CHAPv2 Failure: `E=eeeeeeeeee R=r C=cccccccccccccccccccccccccccccccc V=vvvvvvvvvv M=<msg>`
/// (RFC 2759 §6), as carried in an EAP-MSCHAPv2 Failure Request (draft-kamath §2.5) and, after one ident
/// octet, in the RADIUS MS-CHAP-Error attribute (RFC 2548 §2.1.5).
///
/// The parser is tolerant of form and strict about content: fields may be separated by several spaces and
/// appear in any order, unknown `X=` fields are skipped, trailing NULs and spaces are dropped, and everything
/// after `M=` is the message. `E` is required; `R` must be 0 or 1 (absent means no retry); `C` must be 16 or
/// 32 hex digits (MS-CHAP v1 uses 8-octet challenges); `E` and `V` must be decimal; a field may not repeat.
public struct MSCHAPv2Failure: Hashable, Sendable, CustomStringConvertible {
    public let errorCode: Int
    public let retryAllowed: Bool
    /// The new authenticator challenge for a retry or a password change.
    public let challenge: [UInt8]?
    /// The password-change protocol version (3 for MS-CHAPv2).
    public let version: Int?
    public let message: String?

    public init(errorCode: Int, retryAllowed: Bool, challenge: [UInt8]? = nil, version: Int? = 3,
                message: String? = nil) {
        self.errorCode = errorCode
        self.retryAllowed = retryAllowed
        self.challenge = challenge
        self.version = version
        self.message = message
    }

    /// The typed error code.
    public var code: MSCHAPv2ErrorCode { MSCHAPv2ErrorCode(errorCode) }

    /// Parses failure text. Offsets in errors are octet offsets in the UTF-8 text.
    public init(parsing text: String) throws(EAPError) {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0 || last == UInt8(ascii: " ") || last == UInt8(ascii: "\r")
            || last == UInt8(ascii: "\n") || last == UInt8(ascii: "\t")
        {
            bytes.removeLast()
        }
        var errorCode: Int? = nil
        var retry: Bool? = nil
        var challenge: [UInt8]? = nil
        var version: Int? = nil
        var message: String? = nil
        var seen = Set<UInt8>()

        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
                continue
            }
            let start = index
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") else {
                throw EAPError(.malformedFailureMessage,
                               "expected a field like E=691 in \"\(text)\"", offset: start)
            }
            let key = bytes[index] & ~0x20  // upper-case ASCII letters
            if key == UInt8(ascii: "M") {
                message = String(decoding: bytes[(index + 2)...], as: UTF8.self)
                break
            }
            var end = index + 2
            while end < bytes.count, bytes[end] != UInt8(ascii: " "), bytes[end] != UInt8(ascii: "\t") { end += 1 }
            let value = bytes[(index + 2)..<end]
            if [UInt8(ascii: "E"), UInt8(ascii: "R"), UInt8(ascii: "C"), UInt8(ascii: "V")].contains(key) {
                guard seen.insert(key).inserted else {
                    throw EAPError(.malformedFailureMessage,
                                   "field \(Character(Unicode.Scalar(key)))= appears twice", offset: start)
                }
            }
            switch key {
            case UInt8(ascii: "E"):
                guard let number = Self.decimal(value) else {
                    throw EAPError(.malformedFailureMessage, "E= is not a decimal error code", offset: start)
                }
                errorCode = number
            case UInt8(ascii: "R"):
                guard value.count == 1, value.first == UInt8(ascii: "0") || value.first == UInt8(ascii: "1") else {
                    throw EAPError(.malformedFailureMessage, "R= must be 0 or 1", offset: start)
                }
                retry = value.first == UInt8(ascii: "1")
            case UInt8(ascii: "C"):
                guard value.count == 32 || value.count == 16, let decoded = [UInt8](hexDigits: value) else {
                    throw EAPError(.malformedFailureMessage,
                                   "C= must be 32 hex digits (16 for MS-CHAP v1), got \(value.count) characters",
                                   offset: start)
                }
                challenge = decoded
            case UInt8(ascii: "V"):
                guard let number = Self.decimal(value) else {
                    throw EAPError(.malformedFailureMessage, "V= is not a decimal version", offset: start)
                }
                version = number
            default:
                break  // An unknown field: skipped.
            }
            index = end
        }
        guard let errorCode else {
            throw EAPError(.malformedFailureMessage, "no E= error code in \"\(text)\"", offset: 0)
        }
        self.init(errorCode: errorCode, retryAllowed: retry ?? false, challenge: challenge, version: version,
                  message: message)
    }

    /// Parses a RADIUS MS-CHAP-Error value (RFC 2548 §2.1.5): one Ident octet, then the failure text.
    public init(msCHAPError value: [UInt8]) throws(EAPError) {
        guard value.count > 1 else {
            throw EAPError(.truncated, "MS-CHAP-Error of \(value.count) octets has no text after its Ident octet")
        }
        try self.init(parsing: String(decoding: value.dropFirst(), as: UTF8.self))
    }

    /// The text in RFC 2759 §6 form: `E=691 R=0 C=… V=3 M=…`, optional fields omitted when `nil`.
    public var text: String {
        var fields = ["E=\(errorCode)", "R=\(retryAllowed ? 1 : 0)"]
        if let challenge { fields.append("C=" + challenge.uppercaseHexString) }
        if let version { fields.append("V=\(version)") }
        if let message { fields.append("M=" + message) }
        return fields.joined(separator: " ")
    }

    public var description: String { "MS-CHAPv2 failure \(code)\(retryAllowed ? ", retry allowed" : "")" }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
