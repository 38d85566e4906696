import CodedErrors

/// The errors of the EAP target: packet validation and decoding, EAP-TLS framing and reassembly, EAP-MSCHAPv2
/// packets and failure text, EAP-TLV and PEAP crypto-binding.
///
/// Match on `code`; `reason` (and `offset`) say what was wrong and where for a person.
public enum EAPDomain: ErrorDomain {}

/// An error from the EAP target (see `CodedError`).
public typealias EAPError = CodedError<EAPDomain>

extension CodedError.Code where Domain == EAPDomain {
    /// Fewer octets than a header or fixed field needs (RFC 3748 §4: silently discard).
    public static var truncated: Self { Self("truncated") }
    /// A length field disagrees with the octets present or with an earlier length (EAP Length, TLS Message
    /// Length at the end of a message, MS-Length, TLV Length).
    public static var lengthMismatch: Self { Self("lengthMismatch") }
    /// An EAP Code outside 1–6 (RFC 3748 §4, RFC 6696 §5.3).
    public static var unknownCode: Self { Self("unknownCode") }
    /// Data where the format allows none: EAP Success/Failure longer than 4 octets (RFC 3748 §4.2).
    public static var unexpectedData: Self { Self("unexpectedData") }
    /// A Request or Response without its Type octet (RFC 3748 §4.1).
    public static var missingType: Self { Self("missingType") }
    /// An Expanded Type (254) shorter than its Vendor-Id and Vendor-Type, or a builder given a vendor id
    /// that does not fit in 24 bits (RFC 3748 §5.7).
    public static var invalidExpandedType: Self { Self("invalidExpandedType") }
    /// An encoded packet would exceed the 16-bit EAP Length (65535 octets).
    public static var packetTooLong: Self { Self("packetTooLong") }
    /// EAP-TLS flags that contradict each other or the framing (RFC 5216 §3.1).
    public static var invalidFlags: Self { Self("invalidFlags") }
    /// A TLS message whose declared or received size exceeds the reassembly cap (64 KiB by default).
    public static var messageTooLong: Self { Self("messageTooLong") }
    /// More TLS data arrived than the TLS Message Length declared (RFC 5216 §2.1.5).
    public static var lengthExceeded: Self { Self("lengthExceeded") }
    /// A fragment arrived after the last fragment (M clear) of a message, before a new message was begun.
    public static var fragmentAfterLast: Self { Self("fragmentAfterLast") }
    /// A fragment carrying no TLS data where data is required.
    public static var emptyFragment: Self { Self("emptyFragment") }
    /// An EAP-TLS Start (S flag) in the middle of a fragmented message.
    public static var unexpectedStart: Self { Self("unexpectedStart") }
    /// A configuration value that cannot work (fragment size too small, version out of range).
    public static var invalidConfiguration: Self { Self("invalidConfiguration") }
    /// An operation called in a state that does not allow it (e.g. the next fragment before an ACK).
    public static var stateViolation: Self { Self("stateViolation") }
    /// A packet that should have been an EAP-TLS fragment ACK (no L/M/S flags, no data) is not one.
    public static var notAnAck: Self { Self("notAnAck") }
    /// An EAP-MSCHAPv2 OpCode that is not valid here (draft-kamath-pppext-eap-mschapv2 §2).
    public static var unexpectedOpCode: Self { Self("unexpectedOpCode") }
    /// An MS-CHAPv2 Value-Size other than 16 (Challenge) or 49 (Response) (RFC 2759 §4, §5).
    public static var invalidValueSize: Self { Self("invalidValueSize") }
    /// An MS-CHAPv2 Success message that is not `S=<40 hex digits>` with an optional message (RFC 2759 §5).
    public static var malformedSuccessMessage: Self { Self("malformedSuccessMessage") }
    /// An MS-CHAPv2 Failure message (or MS-CHAP-Error text) that does not parse (RFC 2759 §6).
    public static var malformedFailureMessage: Self { Self("malformedFailureMessage") }
    /// A password longer than MS-CHAPv2 allows (256 UTF-16 code units, RFC 2759 §8.10).
    public static var passwordTooLong: Self { Self("passwordTooLong") }
    /// An EAP-TLV whose length overruns the message or does not fit its type ([MS-PEAP] §2.2.8.1).
    public static var malformedTLV: Self { Self("malformedTLV") }
    /// A TLV that may appear once per message appeared twice (Result, Crypto-Binding).
    public static var duplicateTLV: Self { Self("duplicateTLV") }
    /// A Crypto-Binding TLV with the wrong version or subtype ([MS-PEAP] §2.2.8.1.1).
    public static var invalidCryptoBinding: Self { Self("invalidCryptoBinding") }
    /// The server's Compound MAC does not verify ([MS-PEAP] §3.1.5.5, §3.2.5.3).
    public static var compoundMACMismatch: Self { Self("compoundMACMismatch") }
    /// A key or challenge of the wrong length given to a derivation.
    public static var invalidKeyLength: Self { Self("invalidKeyLength") }
    /// A packet of another EAP Type (or Code) than the function decodes.
    public static var unexpectedType: Self { Self("unexpectedType") }
}
