/// An error from the EAP target: packet validation and decoding, EAP-TLS framing and reassembly, EAP-MSCHAPv2
/// packets and failure text, EAP-TLV and PEAP crypto-binding.
///
/// Match on ``code``; ``reason`` says what was wrong and where (byte offset, TLV type) for a human.
/// Equality and hashing consider the code only, so tests can compare against `EAPError.Code` values.
public struct EAPError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What kind of failure this is. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case truncated
            case lengthMismatch
            case unknownCode
            case unexpectedData
            case missingType
            case invalidExpandedType
            case packetTooLong
            case invalidFlags
            case messageTooLong
            case lengthExceeded
            case fragmentAfterLast
            case emptyFragment
            case unexpectedStart
            case invalidConfiguration
            case stateViolation
            case notAnAck
            case unexpectedOpCode
            case invalidValueSize
            case malformedSuccessMessage
            case malformedFailureMessage
            case passwordTooLong
            case malformedTLV
            case duplicateTLV
            case invalidCryptoBinding
            case compoundMACMismatch
            case invalidKeyLength
            case unexpectedType
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// Fewer octets than a header or fixed field needs (RFC 3748 §4: silently discard).
        public static let truncated = Code(.truncated)
        /// A length field disagrees with the octets present or with an earlier length (EAP Length, TLS Message
        /// Length at the end of a message, MS-Length, TLV Length).
        public static let lengthMismatch = Code(.lengthMismatch)
        /// An EAP Code outside 1–6 (RFC 3748 §4, RFC 6696 §5.3).
        public static let unknownCode = Code(.unknownCode)
        /// Data where the format allows none: EAP Success/Failure longer than 4 octets (RFC 3748 §4.2).
        public static let unexpectedData = Code(.unexpectedData)
        /// A Request or Response without its Type octet (RFC 3748 §4.1).
        public static let missingType = Code(.missingType)
        /// An Expanded Type (254) shorter than its Vendor-Id and Vendor-Type, or a builder given a vendor id
        /// that does not fit in 24 bits (RFC 3748 §5.7).
        public static let invalidExpandedType = Code(.invalidExpandedType)
        /// An encoded packet would exceed the 16-bit EAP Length (65535 octets).
        public static let packetTooLong = Code(.packetTooLong)
        /// EAP-TLS flags that contradict each other or the framing (RFC 5216 §3.1).
        public static let invalidFlags = Code(.invalidFlags)
        /// A TLS message whose declared or received size exceeds the reassembly cap (64 KiB by default).
        public static let messageTooLong = Code(.messageTooLong)
        /// More TLS data arrived than the TLS Message Length declared (RFC 5216 §2.1.5).
        public static let lengthExceeded = Code(.lengthExceeded)
        /// A fragment arrived after the last fragment (M clear) of a message, before a new message was begun.
        public static let fragmentAfterLast = Code(.fragmentAfterLast)
        /// A fragment carrying no TLS data where data is required.
        public static let emptyFragment = Code(.emptyFragment)
        /// An EAP-TLS Start (S flag) in the middle of a fragmented message.
        public static let unexpectedStart = Code(.unexpectedStart)
        /// A configuration value that cannot work (fragment size too small, version out of range).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An operation called in a state that does not allow it (e.g. the next fragment before an ACK).
        public static let stateViolation = Code(.stateViolation)
        /// A packet that should have been an EAP-TLS fragment ACK (no L/M/S flags, no data) is not one.
        public static let notAnAck = Code(.notAnAck)
        /// An EAP-MSCHAPv2 OpCode that is not valid here (draft-kamath-pppext-eap-mschapv2 §2).
        public static let unexpectedOpCode = Code(.unexpectedOpCode)
        /// An MS-CHAPv2 Value-Size other than 16 (Challenge) or 49 (Response) (RFC 2759 §4, §5).
        public static let invalidValueSize = Code(.invalidValueSize)
        /// An MS-CHAPv2 Success message that is not `S=<40 hex digits>` with an optional message (RFC 2759 §5).
        public static let malformedSuccessMessage = Code(.malformedSuccessMessage)
        /// An MS-CHAPv2 Failure message (or MS-CHAP-Error text) that does not parse (RFC 2759 §6).
        public static let malformedFailureMessage = Code(.malformedFailureMessage)
        /// A password longer than MS-CHAPv2 allows (256 UTF-16 code units, RFC 2759 §8.10).
        public static let passwordTooLong = Code(.passwordTooLong)
        /// An EAP-TLV whose length overruns the message or does not fit its type ([MS-PEAP] §2.2.8.1).
        public static let malformedTLV = Code(.malformedTLV)
        /// A TLV that may appear once per message appeared twice (Result, Crypto-Binding).
        public static let duplicateTLV = Code(.duplicateTLV)
        /// A Crypto-Binding TLV with the wrong version or subtype ([MS-PEAP] §2.2.8.1.1).
        public static let invalidCryptoBinding = Code(.invalidCryptoBinding)
        /// The server's Compound MAC does not verify ([MS-PEAP] §3.1.5.5, §3.2.5.3).
        public static let compoundMACMismatch = Code(.compoundMACMismatch)
        /// A key or challenge of the wrong length given to a derivation.
        public static let invalidKeyLength = Code(.invalidKeyLength)
        /// A packet of another EAP Type (or Code) than the function decodes.
        public static let unexpectedType = Code(.unexpectedType)
    }

    public let code: Code
    /// What was wrong and where, for a human.
    public let reason: String
    /// The byte offset in the input where the problem was found, when it concerns a byte string.
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
        return "EAPError.\(code)\(at): \(reason)"
    }

    public static func == (lhs: EAPError, rhs: EAPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
