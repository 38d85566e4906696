/// An MS-CHAP failure code: the `E=` number of an MS-CHAP(v2) Failure packet (RFC 2759 §6, RFC 2433 Appendix A)
/// and of the RADIUS MS-CHAP-Error attribute (RFC 2548 §2.1.5, vendor 311, type 2).
///
/// The `E=… R=… C=… V=… M=…` string is parsed in the EAP target (`MSCHAPv2Failure(parsing:)`); this table
/// explains the number. Rows live in `MSCHAPError.catalogue`, sorted by code.
public struct MSCHAPError: Sendable, Hashable, Codable {
    /// The `E=` value; the same number is the Windows (RAS) error the client shows.
    public let code: Int
    /// The raserror.h symbol of the same number.
    public let symbol: String
    public let meaning: String
    public let causes: [String]
    public let fixes: [String]
    /// NPS reason codes that lead NPS to send this code.
    public let reasonCodes: [Int]
    /// What `R=1` / `R=0` (retry allowed or not) means for this code, when it matters.
    public let retryNote: String?

    public init(
        _ code: Int,
        _ symbol: String,
        meaning: String,
        causes: [String],
        fixes: [String],
        reasonCodes: [Int],
        retryNote: String? = nil
    ) {
        self.code = code
        self.symbol = symbol
        self.meaning = meaning
        self.causes = causes
        self.fixes = fixes
        self.reasonCodes = reasonCodes
        self.retryNote = retryNote
    }

    /// The Windows error a client shows for this code: the number itself (MS-CHAP reuses RAS numbers).
    public var windowsError: Int { code }
}

extension MSCHAPError {
    /// What the MS-CHAP-Error attribute and the Failure string carry, for `explain` and the CLI.
    public static let attributeNote = """
        MS-CHAP-Error (RFC 2548 §2.1.5: vendor 311, vendor type 2) travels in an Access-Reject for non-EAP \
        MS-CHAP/MS-CHAPv2. Its value is one identifier byte followed by the text \
        "E=eeeeeeeeee R=r C=cccc… V=vvvvvvvvvv" \
        (MS-CHAPv2 adds " M=<message>", RFC 2759 §6). Inside PEAP the same text arrives in an EAP-MSCHAPv2 \
        Failure Request. E is the error code (a RAS error number), R=1 means the peer may retry with the new \
        challenge C (32 hex digits in MS-CHAPv2, 16 in v1), V is the password-change protocol version (3 for \
        MS-CHAPv2 change-password, RFC 2759 §7), M is human text. NPS log files show the attribute hex-encoded, \
        e.g. 0x00453D36393120523D3020563D33 is identifier 0 and "E=691 R=0 V=3".
        """

    /// The codes RFC 2433/2759 define, sorted.
    public static let catalogue: [MSCHAPError] = [
        MSCHAPError(
            646, "ERROR_RESTRICTED_LOGON_HOURS",
            meaning: "The account may not log on at this time of day.",
            causes: ["AD logon hours exclude now (NPS reason 37)."],
            fixes: ["ADUC > user > Account > Logon Hours."],
            reasonCodes: [37]),
        MSCHAPError(
            647, "ERROR_ACCT_DISABLED",
            meaning: "The account is disabled (NPS also uses it for expired accounts; FreeRADIUS for locked-out ones).",
            causes: ["Account disabled (reason 34), expired (reason 35) or locked out (reason 36)."],
            fixes: ["Enable, unlock or extend the account in AD, after checking why it was disabled or locked."],
            reasonCodes: [34, 35, 36]),
        MSCHAPError(
            648, "ERROR_PASSWD_EXPIRED",
            meaning: "The password has expired; with V=3 the peer may change it in-band (RFC 2759 §7).",
            causes: [
                "Expired password or 'must change at next logon' (reason 33); change not allowed by policy (72).",
            ],
            fixes: [
                "Change the password; allow change-after-expiry in the network policy's MS-CHAPv2 settings.",
            ],
            reasonCodes: [33, 72],
            retryNote: "R is normally 0: the peer should change the password rather than retry it."),
        MSCHAPError(
            649, "ERROR_NO_DIALIN_PERMISSION",
            meaning: "The account has no permission to dial in.",
            causes: ["Dial-in tab set to Deny access (reason 65), or no network policy granted access (48)."],
            fixes: ["ADUC > user > Dial-in > 'Control access through NPS Network Policy'; check policy order."],
            reasonCodes: [48, 65]),
        MSCHAPError(
            691, "ERROR_AUTHENTICATION_FAILURE",
            meaning: "Authentication failed: wrong password or user, or a locked-out account.",
            causes: [
                "Wrong password (reason 16), unknown user (8) or domain (7), lockout (36, 64).",
            ],
            fixes: [
                "Check the password and the account in AD; read NPS event 6273 for the exact reason code.",
            ],
            reasonCodes: [7, 8, 16, 36, 64],
            retryNote: "NPS answers a locked-out account (reason 36) with E=691 R=0: retrying cannot help."),
        MSCHAPError(
            709, "ERROR_CHANGING_PASSWORD",
            meaning: "Changing the password failed.",
            causes: ["The new password breaks the password policy (reason 17)."],
            fixes: ["Choose a password meeting length, complexity, history and minimum-age rules."],
            reasonCodes: [17]),
    ]
}
