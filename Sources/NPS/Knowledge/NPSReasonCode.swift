/// One NPS reason code: the number NPS writes in event 6273/6274 and in its accounting log
/// (attribute 4142 Reason-Code), with what it means and what to do about it.
///
/// The rows live in `NPSReasonCode.catalogue` (ReasonCodeTable.swift), one row per code, sorted by number.
/// No reason code travels in an Access-Reject: the client only sees a Windows error (`windowsErrors`, the
/// usual ones, not certain ones — the same NPS failure surfaces differently per tunnel and client).
public struct NPSReasonCode: Sendable, Hashable, Codable {
    /// The family a reason code belongs to, for grouping in summaries and for choosing where to look.
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// The request was authenticated and authorized (or the accounting record was written).
        case success
        /// NPS itself failed (service, memory, shutdown).
        case `internal`
        /// NPS could not reach Active Directory (domain controllers, global catalog).
        case directory
        /// The account exists but its state forbids access (disabled, expired, locked, hours).
        case account
        /// The credentials were wrong or unusable (password, user name, domain).
        case credentials
        /// A connection request policy or network policy refused the request.
        case policy
        /// The EAP / TLS conversation failed (negotiation, messages, crypto-binding, time-outs).
        case eap
        /// The client certificate was rejected (trust, EKU, expiry, name, mapping).
        case certificate
        /// Revocation of the client certificate could not be checked, or it is revoked.
        case revocation
        /// Windows trust verification of a binary failed on the NPS server.
        case trust
        /// NPS acted as a RADIUS proxy and forwarding failed.
        case proxy
        /// The RADIUS message itself was malformed or out of place.
        case `protocol`
        /// A third-party NPS extension DLL (MFA and others) decided or failed.
        case `extension`
        /// Accounting / logging failed.
        case accounting

        public var description: String { rawValue }
    }

    /// The number (0–302 in Microsoft's list).
    public let code: Int
    /// The IAS symbol (`IAS_AUTH_FAILURE`), when known; see the table header for where the symbols come from.
    public let symbol: String?
    public let category: Category
    /// One line, in this project's words.
    public let summary: String
    /// Likely causes, most common first.
    public let causes: [String]
    /// Concrete places to look and things to change (NPS console, AD, certificate stores, registry).
    public let fixes: [String]
    /// Windows (RAS) errors this code usually surfaces as on a Windows client; empty when there is no
    /// consistent mapping (e.g. the request is discarded and the client just times out). The reason code ↔ Windows
    /// error mapping is stored here only: `WindowsError.reasonCodes` reads it backwards.
    public let windowsErrors: [Int]

    public init(
        _ code: Int,
        _ symbol: String?,
        _ category: Category,
        summary: String,
        causes: [String],
        fixes: [String],
        windowsErrors: [Int]
    ) {
        self.code = code
        self.symbol = symbol
        self.category = category
        self.summary = summary
        self.causes = causes
        self.fixes = fixes
        self.windowsErrors = windowsErrors
    }
}
