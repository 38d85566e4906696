/// An error that tests and callers match on by its code, and that reads to a person as what went wrong and where.
///
/// The shape of swift-asn1's `ASN1Error`, written once for every target: a ``Code`` (a name that new codes can
/// join without breaking anyone's `switch`), a ``reason`` in words, the ``offset`` in the input when the error
/// concerns bytes, whatever the ``Domain`` adds in ``detail``, and where it was thrown. Equality and hashing
/// consider the code only, so `#expect(throws: EAPError(.truncated, ""))` matches any truncation.
///
/// A target declares its errors as a domain and its codes as static members:
/// ```swift
/// public enum EAPDomain: ErrorDomain {}
/// public typealias EAPError = CodedError<EAPDomain>
/// extension CodedError.Code where Domain == EAPDomain {
///     /// Fewer octets than a header needs (RFC 3748 §4).
///     public static var truncated: Self { Self("truncated") }
/// }
/// ```
/// `description` is for people and never names a Swift type or a code (`Domain.describe`); `debugDescription`
/// adds the code and the throw site for developers.
public struct CodedError<Domain: ErrorDomain>: Error, Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// What kind of failure this is: match on it. Its ``name`` is stable (JSON, logs); the text is in `reason`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable identifier, e.g. `truncated` or `unknown_key`.
        public let name: String

        /// Codes are declared by their domain's target, as static members; nobody outside the package makes one.
        package init(_ name: String) { self.name = name }

        public var description: String { name }
    }

    /// The source position of a `throw`, for `debugDescription`.
    public struct ThrowSite: Sendable, Hashable, CustomStringConvertible {
        public let fileID: String
        public let line: UInt
        public var description: String { "\(fileID):\(line)" }
    }

    public let code: Code
    /// What was wrong and where, in words, for a person.
    public let reason: String
    /// The byte offset in the input where the problem was found, when it concerns a byte string.
    public let offset: Int?
    /// What the domain carries besides (a profile location and hint, OpenSSL's error queue…).
    public let detail: Domain.Detail
    public let thrownAt: ThrowSite

    public init(_ code: Code, _ reason: String, offset: Int? = nil, detail: Domain.Detail,
                file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.detail = detail
        self.thrownAt = ThrowSite(fileID: file, line: line)
    }

    /// What went wrong and where, as the domain words it; no type or code names.
    public var description: String { Domain.describe(self) }

    /// `EAPDomain.lengthMismatch: <description> (thrown at EAP/EAPPacket.swift:93)`.
    public var debugDescription: String { "\(Domain.self).\(code): \(description) (thrown at \(thrownAt))" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension CodedError where Domain.Detail == NoDetail {
    public init(_ code: Code, _ reason: String, offset: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.init(code, reason, offset: offset, detail: NoDetail(), file: file, line: line)
    }
}

/// The errors of one target (or one kind of input): what they carry and how they read.
public protocol ErrorDomain: Sendable {
    /// What an error carries besides its code, reason and offset; ``NoDetail`` for most domains.
    associatedtype Detail: Sendable = NoDetail

    /// The text a person reads: what was wrong and where. By default the reason, then `(at octet N)`.
    static func describe(_ error: CodedError<Self>) -> String
}

extension ErrorDomain {
    public static func describe(_ error: CodedError<Self>) -> String {
        error.offset.map { "\(error.reason) (at octet \($0))" } ?? error.reason
    }
}

/// A domain whose codes are written to JSON and read back: it lists every code, so that reading a name it does
/// not know fails instead of inventing a code.
public protocol ListedErrorDomain: ErrorDomain {
    static var allCodes: [CodedError<Self>.Code] { get }
}

/// The detail of domains that carry none.
public struct NoDetail: Sendable, Hashable {
    public init() {}
}

/// A code is written as its name, e.g. `"lineTooLong"`.
extension CodedError.Code: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// Only the names the domain lists are read back.
extension CodedError.Code: Decodable where Domain: ListedErrorDomain {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard Domain.allCodes.contains(where: { $0.name == name }) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(name)' is not a code of \(Domain.self)")
        }
        self.init(name)
    }
}
