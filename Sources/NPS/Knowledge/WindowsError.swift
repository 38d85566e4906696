/// A Windows remote-access error number as a user sees it ("error 853"): RAS errors 600–878
/// (raserror.h, `RASBASE` 600), routing errors 900+ (mprerror.h, `ROUTEBASE` 900), IKE errors 13801+
/// (winerror.h). The rows live in `WindowsError.catalogue` (WindowsErrorTable.swift), sorted by number.
public struct WindowsError: Sendable, Hashable, Codable {
    /// Where the number comes from, which says who raised it.
    public enum Source: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// raserror.h: the RAS client / PPP / EAP layer on the client.
        case ras
        /// mprerror.h: the Routing and Remote Access server, relayed to the client.
        case router
        /// winerror.h IPsec IKE errors: the IKEv2 / L2TP-IPsec layer.
        case ike

        public var description: String { rawValue }
    }

    public let code: Int
    /// The header symbol, e.g. `ERROR_AUTHENTICATION_FAILURE`.
    public let symbol: String
    public let source: Source
    /// The gist of the message the user sees, in this project's words.
    public let gist: String
    public let causes: [String]
    public let fixes: [String]

    /// NPS reason codes that usually produce this error, by number: the reason-code rows that list this error in
    /// `NPSReasonCode.windowsErrors`, where the mapping is stored.
    public var reasonCodes: [Int] { NPSKnowledge.reasonCodes(surfacingAs: code) }

    public init(
        _ code: Int,
        _ symbol: String,
        _ source: Source,
        gist: String,
        causes: [String],
        fixes: [String]
    ) {
        self.code = code
        self.symbol = symbol
        self.source = source
        self.gist = gist
        self.causes = causes
        self.fixes = fixes
    }
}
