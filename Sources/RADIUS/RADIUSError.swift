import CodedErrors

/// The errors of the RADIUS wire layer: validation, decoding, authenticators, attribute hiding, typed values.
///
/// Match on `code`; `reason` (and `offset`, in the datagram) say what was wrong and where for a person.
public enum RADIUSDomain: ErrorDomain {}

/// An error from the RADIUS wire layer (see `CodedError`).
public typealias RADIUSError = CodedError<RADIUSDomain>

extension CodedError.Code where Domain == RADIUSDomain {
    /// The datagram is shorter than the 20-octet header (RFC 2865 §3).
    public static var datagramTooShort: Self { Self("datagramTooShort") }
    /// The Length field is below 20 (RFC 2865 §3).
    public static var lengthFieldTooSmall: Self { Self("lengthFieldTooSmall") }
    /// The Length field is above 4096 (RFC 2865 §3).
    public static var lengthFieldTooLarge: Self { Self("lengthFieldTooLarge") }
    /// The Length field claims more octets than the datagram holds (RFC 2865 §3: silently discard).
    public static var lengthExceedsDatagram: Self { Self("lengthExceedsDatagram") }
    /// One octet is left where an attribute header (type, length) needs two.
    public static var attributeHeaderTruncated: Self { Self("attributeHeaderTruncated") }
    /// Attribute type 0, which no RFC defines (FreeRADIUS rejects it too).
    public static var invalidAttributeType: Self { Self("invalidAttributeType") }
    /// An attribute Length below 2 (RFC 2865 §5).
    public static var attributeTooShort: Self { Self("attributeTooShort") }
    /// An attribute runs past the end of the packet.
    public static var attributeOverrun: Self { Self("attributeOverrun") }
    /// A Message-Authenticator whose length is not 18 (RFC 3579 §3.2).
    public static var invalidMessageAuthenticatorLength: Self { Self("invalidMessageAuthenticatorLength") }
    /// More than one Message-Authenticator (RFC 3579 §3.3: 0-1 per packet).
    public static var duplicateMessageAuthenticator: Self { Self("duplicateMessageAuthenticator") }
    /// An authenticator that is not 16 octets (building or signing).
    public static var invalidAuthenticatorLength: Self { Self("invalidAuthenticatorLength") }
    /// A packet code this implementation does not know; its authenticator cannot be checked.
    public static var unknownCode: Self { Self("unknownCode") }
    /// A known code that is not a valid answer to the request (e.g. Accounting-Response to Access-Request).
    public static var unexpectedReplyCode: Self { Self("unexpectedReplyCode") }
    /// A packet checked as a request whose code is not a request code.
    public static var notARequest: Self { Self("notARequest") }
    /// The reply's Identifier differs from the request's.
    public static var identifierMismatch: Self { Self("identifierMismatch") }
    /// The Response Authenticator does not verify (RFC 2865 §3).
    public static var responseAuthenticatorMismatch: Self { Self("responseAuthenticatorMismatch") }
    /// An Accounting/CoA/Disconnect Request Authenticator does not verify (RFC 2866 §3, RFC 5176 §2.3).
    public static var requestAuthenticatorMismatch: Self { Self("requestAuthenticatorMismatch") }
    /// The Message-Authenticator HMAC does not verify (RFC 3579 §3.2).
    public static var messageAuthenticatorMismatch: Self { Self("messageAuthenticatorMismatch") }
    /// A Message-Authenticator is required (by policy, or by an EAP-Message) and absent.
    public static var messageAuthenticatorMissing: Self { Self("messageAuthenticatorMissing") }
    /// An attribute value longer than 253 octets (or a vendor sub-attribute that does not fit).
    public static var attributeTooLong: Self { Self("attributeTooLong") }
    /// The encoded packet would exceed 4096 octets.
    public static var packetTooLong: Self { Self("packetTooLong") }
    /// A password longer than the attribute can hide (User-Password 128, salted 239 octets).
    public static var passwordTooLong: Self { Self("passwordTooLong") }
    /// Hidden or salt-encrypted data whose length is not a positive multiple of 16 (after salt/tag).
    public static var invalidEncryptedLength: Self { Self("invalidEncryptedLength") }
    /// The decrypted length byte or padding is impossible; most often the shared secret is wrong.
    public static var invalidEncryptedPadding: Self { Self("invalidEncryptedPadding") }
    /// A salt that is not two octets or lacks its high bit (RFC 2548 §2.4.2, RFC 2868 §3.5).
    public static var invalidSalt: Self { Self("invalidSalt") }
    /// A tag outside 0x00–0x1F (RFC 2868 §3.1).
    public static var invalidTag: Self { Self("invalidTag") }
    /// A Vendor-Specific attribute that is truncated or whose sub-attributes overrun it (RFC 2865 §5.26).
    public static var invalidVendorSpecific: Self { Self("invalidVendorSpecific") }
    /// A typed value of the wrong length or out of range, or text that does not parse as its type.
    public static var invalidValue: Self { Self("invalidValue") }
    /// An attribute name or number the dictionary does not know (text input only).
    public static var unknownAttribute: Self { Self("unknownAttribute") }
}
