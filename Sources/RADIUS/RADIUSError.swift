/// An error from the RADIUS wire layer: validation, decoding, authenticators, attribute hiding, typed values.
///
/// Match on ``code``; ``reason`` says what was wrong and where (byte offset, attribute number) for a human.
/// Equality and hashing consider the code only, so tests can compare against `RADIUSError.Code` values.
public struct RADIUSError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What kind of failure this is. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case datagramTooShort
            case lengthFieldTooSmall
            case lengthFieldTooLarge
            case lengthExceedsDatagram
            case attributeHeaderTruncated
            case invalidAttributeType
            case attributeTooShort
            case attributeOverrun
            case invalidMessageAuthenticatorLength
            case duplicateMessageAuthenticator
            case invalidAuthenticatorLength
            case unknownCode
            case unexpectedReplyCode
            case notARequest
            case identifierMismatch
            case responseAuthenticatorMismatch
            case requestAuthenticatorMismatch
            case messageAuthenticatorMismatch
            case messageAuthenticatorMissing
            case attributeTooLong
            case packetTooLong
            case passwordTooLong
            case invalidEncryptedLength
            case invalidEncryptedPadding
            case invalidSalt
            case invalidTag
            case invalidVendorSpecific
            case invalidValue
            case unknownAttribute
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// The datagram is shorter than the 20-octet header (RFC 2865 §3).
        public static let datagramTooShort = Code(.datagramTooShort)
        /// The Length field is below 20 (RFC 2865 §3).
        public static let lengthFieldTooSmall = Code(.lengthFieldTooSmall)
        /// The Length field is above 4096 (RFC 2865 §3).
        public static let lengthFieldTooLarge = Code(.lengthFieldTooLarge)
        /// The Length field claims more octets than the datagram holds (RFC 2865 §3: silently discard).
        public static let lengthExceedsDatagram = Code(.lengthExceedsDatagram)
        /// One octet is left where an attribute header (type, length) needs two.
        public static let attributeHeaderTruncated = Code(.attributeHeaderTruncated)
        /// Attribute type 0, which no RFC defines (FreeRADIUS rejects it too).
        public static let invalidAttributeType = Code(.invalidAttributeType)
        /// An attribute Length below 2 (RFC 2865 §5).
        public static let attributeTooShort = Code(.attributeTooShort)
        /// An attribute runs past the end of the packet.
        public static let attributeOverrun = Code(.attributeOverrun)
        /// A Message-Authenticator whose length is not 18 (RFC 3579 §3.2).
        public static let invalidMessageAuthenticatorLength = Code(.invalidMessageAuthenticatorLength)
        /// More than one Message-Authenticator (RFC 3579 §3.3: 0-1 per packet).
        public static let duplicateMessageAuthenticator = Code(.duplicateMessageAuthenticator)
        /// An authenticator that is not 16 octets (building or signing).
        public static let invalidAuthenticatorLength = Code(.invalidAuthenticatorLength)
        /// A packet code this implementation does not know; its authenticator cannot be checked.
        public static let unknownCode = Code(.unknownCode)
        /// A known code that is not a valid answer to the request (e.g. Accounting-Response to Access-Request).
        public static let unexpectedReplyCode = Code(.unexpectedReplyCode)
        /// A packet checked as a request whose code is not a request code.
        public static let notARequest = Code(.notARequest)
        /// The reply's Identifier differs from the request's.
        public static let identifierMismatch = Code(.identifierMismatch)
        /// The Response Authenticator does not verify (RFC 2865 §3).
        public static let responseAuthenticatorMismatch = Code(.responseAuthenticatorMismatch)
        /// An Accounting/CoA/Disconnect Request Authenticator does not verify (RFC 2866 §3, RFC 5176 §2.3).
        public static let requestAuthenticatorMismatch = Code(.requestAuthenticatorMismatch)
        /// The Message-Authenticator HMAC does not verify (RFC 3579 §3.2).
        public static let messageAuthenticatorMismatch = Code(.messageAuthenticatorMismatch)
        /// A Message-Authenticator is required (by policy, or by an EAP-Message) and absent.
        public static let messageAuthenticatorMissing = Code(.messageAuthenticatorMissing)
        /// An attribute value longer than 253 octets (or a vendor sub-attribute that does not fit).
        public static let attributeTooLong = Code(.attributeTooLong)
        /// The encoded packet would exceed 4096 octets.
        public static let packetTooLong = Code(.packetTooLong)
        /// A password longer than the attribute can hide (User-Password 128, salted 239 octets).
        public static let passwordTooLong = Code(.passwordTooLong)
        /// Hidden or salt-encrypted data whose length is not a positive multiple of 16 (after salt/tag).
        public static let invalidEncryptedLength = Code(.invalidEncryptedLength)
        /// The decrypted length byte or padding is impossible; most often the shared secret is wrong.
        public static let invalidEncryptedPadding = Code(.invalidEncryptedPadding)
        /// A salt that is not two octets or lacks its high bit (RFC 2548 §2.4.2, RFC 2868 §3.5).
        public static let invalidSalt = Code(.invalidSalt)
        /// A tag outside 0x00–0x1F (RFC 2868 §3.1).
        public static let invalidTag = Code(.invalidTag)
        /// A Vendor-Specific attribute that is truncated or whose sub-attributes overrun it (RFC 2865 §5.26).
        public static let invalidVendorSpecific = Code(.invalidVendorSpecific)
        /// A typed value of the wrong length or out of range, or text that does not parse as its type.
        public static let invalidValue = Code(.invalidValue)
        /// An attribute name or number the dictionary does not know (text input only).
        public static let unknownAttribute = Code(.unknownAttribute)
    }

    public let code: Code
    /// What was wrong and where, for a human.
    public let reason: String
    /// The byte offset in the datagram where the problem was found, when it concerns a datagram.
    public let offset: Int?
    public let file: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, offset: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.file = file
        self.line = line
    }

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        return "RADIUSError.\(code)\(at): \(reason)"
    }

    public static func == (lhs: RADIUSError, rhs: RADIUSError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
