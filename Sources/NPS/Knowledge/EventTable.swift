// Event log entries an NPS admin reads next to a refusal, and the topics behind the 2025 refusals. Data, not logic.
//
// Sources (facts only; wording is this project's): KB5014754 (certificate-based authentication changes on
// Windows domain controllers; KDC events 39–41; enforcement from February 11, 2025, compatibility mode gone
// from September 2025), Microsoft's preview of the SAN URI mapping (April 2023) and Intune's strong-mapping note
// (the OnPremisesSecurityIdentifier SCEP variable, October 2024), KB5040268 (July 9, 2024 updates for
// CVE-2024-3596 "BlastRADIUS": limitProxyState, requireMsgAuth, events 4418 and 4420), the NPS event texts
// (13 unknown RADIUS client, 14 invalid authenticator, 17 Message-Authenticator required), and Richard Hicks'
// "Always On VPN authentication failure after February 2025 security update" (853, reason 16, KDC event 39).

/// An event a Windows server writes about a RADIUS conversation (NPS's System-log events, its Security-log
/// audit events, a domain controller's KDC events).
public struct NPSEvent: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The NPS server's System log, source NPS (IAS).
        case nps
        /// The NPS server's Security log (auditing of Network Policy Server).
        case security
        /// A domain controller's System log, source Microsoft-Windows-Kerberos-Key-Distribution-Center.
        case kdc

        public var description: String {
            switch self {
            case .nps: return "NPS server, System log, source NPS"
            case .security: return "NPS server, Security log, Network Policy Server auditing"
            case .kdc: return "domain controller, System log, source Kerberos-Key-Distribution-Center"
            }
        }
    }

    public let code: Int
    public let source: Source
    /// What the event says, in this project's words.
    public let gist: String
    public let causes: [String]
    public let fixes: [String]
    /// The Windows errors a client shows when this happens.
    public let windowsErrors: [Int]
    /// Where the fact comes from (a KB number, a document).
    public let sources: [String]

    public init(_ code: Int, _ source: Source, gist: String, causes: [String], fixes: [String], windowsErrors: [Int],
                sources: [String]) {
        self.code = code
        self.source = source
        self.gist = gist
        self.causes = causes
        self.fixes = fixes
        self.windowsErrors = windowsErrors
        self.sources = sources
    }

    /// Sorted by source, then number.
    public static let catalogue: [NPSEvent] = [
        NPSEvent(
            13, .nps,
            gist: "A RADIUS message came from an address that is not a configured RADIUS client; NPS dropped it.",
            causes: [
                "The NAS (or npsprobe) sends from an address NPS has no RADIUS client entry for: a second "
                    + "interface, NAT, a new VPN server.",
            ],
            fixes: ["NPS → RADIUS Clients and Servers → RADIUS Clients: add the source address (or its subnet)."],
            windowsErrors: [809], sources: ["NPS event texts (IAS)"]),
        NPSEvent(
            14, .nps,
            gist: "A RADIUS message from a known client had an invalid authenticator; NPS dropped it.",
            causes: ["The shared secret differs between the NAS and the RADIUS client entry on NPS."],
            fixes: ["Set the same shared secret on both sides."],
            windowsErrors: [809], sources: ["NPS event texts (IAS)"]),
        NPSEvent(
            17, .nps,
            gist: "An Access-Request without Message-Authenticator came from a client that must send it; NPS "
                + "dropped it.",
            causes: [
                "The RADIUS client entry requires Message-Authenticator ('Access-Request messages must contain the "
                    + "Message-Authenticator attribute', or requireMsgAuth from KB5040268) and the NAS does not "
                    + "send it.",
            ],
            fixes: ["Make the NAS sign every Access-Request (BlastRADIUS updates of its firmware)."],
            windowsErrors: [809], sources: ["NPS event texts (IAS)", "KB5040268"]),
        NPSEvent(
            4418, .nps,
            gist: "An Access-Request carried Proxy-State but no Message-Authenticator; NPS dropped it "
                + "(limitProxyState, KB5040268).",
            causes: [
                "A RADIUS proxy or NAS adds Proxy-State without signing the request, and NPS enforces "
                    + "limitProxyState (the BlastRADIUS mitigation of the July 9, 2024 updates, CVE-2024-3596).",
            ],
            fixes: [
                "Make the proxy or NAS send Message-Authenticator in every Access-Request; until it can, exempt that "
                    + "RADIUS client from limitProxyState (netsh nps, see KB5040268).",
                "npsprobe --proxy-state shows that signed requests carrying Proxy-State pass.",
            ],
            windowsErrors: [809], sources: ["KB5040268"]),
        NPSEvent(
            4420, .nps,
            gist: "NPS, proxying, got a response without Message-Authenticator from a remote RADIUS server; allowed "
                + "while requireMsgAuth is in audit mode, dropped once it is enforced (KB5040268).",
            causes: [
                "The remote RADIUS server group's server (an MFA server, a firewall's RADIUS) does not sign its "
                    + "responses; with enforcement on, NPS drops them and the client times out.",
            ],
            fixes: ["Update the remote RADIUS server to sign every response, or keep that server in audit mode."],
            windowsErrors: [809], sources: ["KB5040268"]),
        NPSEvent(
            6273, .security,
            gist: "Network Policy Server denied access to a user; the event names the reason code.",
            causes: ["Any refusal: the Reason Code field says which (npsprobe explain reason N)."],
            fixes: ["Read Reason Code and Authentication Details (network policy, authentication type)."],
            windowsErrors: [691, 812, 853], sources: ["NPS auditing"]),
        NPSEvent(
            6274, .security,
            gist: "Network Policy Server discarded the request for a user (no answer: the client times out).",
            causes: ["A malformed request, a discarded duplicate, or NPS unable to process it (reason code)."],
            fixes: ["Read the Reason Code field (npsprobe explain reason N)."],
            windowsErrors: [809], sources: ["NPS auditing"]),
        NPSEvent(
            39, .kdc,
            gist: "A valid certificate could not be mapped to its account strongly (KB5014754): no SID, no explicit "
                + "strong mapping; refused in full enforcement.",
            causes: [
                "The certificate carries neither the SID extension (1.3.6.1.4.1.311.25.2) nor a SAN URI "
                    + "tag:microsoft.com,2022-09-14:sid:<SID>, and the account has no strong altSecurityIdentities "
                    + "mapping. Since February 2025 domain controllers enforce, since September 2025 compatibility "
                    + "mode is gone: NPS answers with reason 16, the client shows 853.",
            ],
            fixes: [
                "Reissue the certificate from an AD CS online template (the CA adds the SID extension).",
                "SCEP/Intune certificates: put {{OnPremisesSecurityIdentifier}} in a SAN URI "
                    + "tag:microsoft.com,2022-09-14:sid:{{OnPremisesSecurityIdentifier}} (read by Windows Server "
                    + "2019+ KDCs).",
                "Or map it strongly on the account: altSecurityIdentities X509:<I>issuer<SR>serial (or SKI, "
                    + "SHA1-PUKEY).",
            ],
            windowsErrors: [853], sources: ["KB5014754"]),
        NPSEvent(
            40, .kdc,
            gist: "A certificate not strongly mapped also predates the account it maps to; refused (KB5014754).",
            causes: ["The account was created (or recreated) after the certificate was issued, and nothing maps "
                + "the certificate strongly."],
            fixes: ["Reissue the certificate for the current account (its SID), or map it strongly."],
            windowsErrors: [853], sources: ["KB5014754"]),
        NPSEvent(
            41, .kdc,
            gist: "The SID in the certificate is not the SID of the account it maps to; refused (KB5014754).",
            causes: ["The certificate was issued for another (or a recreated) account; the user logs on with "
                + "another account's certificate."],
            fixes: ["Reissue the certificate for this account."],
            windowsErrors: [853], sources: ["KB5014754"]),
    ]
}

/// A subject that spans several catalogues (an update, a vulnerability), named by words (`strong-mapping`) or by
/// its KB number.
public struct NPSTopic: Sendable, Hashable, Codable {
    /// The KB article's number (5014754 for KB5014754): the topic's code.
    public let kb: Int
    /// The names `explain` knows it by, first the main one.
    public let names: [String]
    public let title: String
    public let summary: String
    public let causes: [String]
    public let fixes: [String]
    public let windowsErrors: [Int]
    public let reasonCodes: [Int]
    /// NPS and KDC events, as (source, number).
    public let events: [Int]
    public let notes: [String]

    public static let catalogue: [NPSTopic] = [
        NPSTopic(
            kb: 5014754, names: ["strong-mapping", "strong-certificate-mapping", "kb5014754", "sid-extension"],
            title: "KB5014754: strong certificate mapping on domain controllers",
            summary: "Domain controllers map a certificate to an account only strongly: by the SID the certificate "
                + "carries, or by an explicit strong mapping. Enforced since February 11, 2025; since September "
                + "2025 compatibility mode (StrongCertificateBindingEnforcement = 1) is gone. NPS refuses EAP-TLS and "
                + "PEAP-TLS with other certificates: event 6273 reason 16, KDC event 39, Windows error 853.",
            causes: [
                "The certificate carries neither the SID extension szOID_NTDS_CA_SECURITY_EXT "
                    + "(1.3.6.1.4.1.311.25.2) nor a SAN URI tag:microsoft.com,2022-09-14:sid:<SID> — issued before "
                    + "May 2022, from an offline template, by SCEP/Intune without the SID variable, or by another CA.",
                "The certificate predates the account (KDC event 40) or names another account's SID (event 41).",
            ],
            fixes: [
                "Reissue from an AD CS online template: the CA writes the SID extension (npsprobe's pre-flight shows "
                    + "the SID it finds).",
                "SCEP/Intune: add the SAN URI tag:microsoft.com,2022-09-14:sid:{{OnPremisesSecurityIdentifier}} "
                    + "(Windows Server 2019 and later KDCs read it).",
                "Or an explicit strong mapping in altSecurityIdentities (X509:<I>…<SR>…, <SKI>…, "
                    + "<SHA1-PUKEY>…).",
            ],
            windowsErrors: [853], reasonCodes: [16], events: [39, 40, 41],
            notes: [
                "npsprobe reads the certificate only: it cannot see altSecurityIdentities, so a certificate without "
                    + "a SID is a warning, not an error.",
                "The SID extension's value is GeneralNames { [0] otherName { 1.3.6.1.4.1.311.25.2.1, [0] OCTET "
                    + "STRING \"S-1-5-21-…\" } } — the SID as text.",
                "Sources: KB5014754; Microsoft's SAN URI announcement (April 2023); Intune's strong-mapping support "
                    + "(October 2024).",
            ]),
        NPSTopic(
            kb: 5040268, names: ["blastradius", "blast-radius", "kb5040268", "cve-2024-3596", "limitproxystate",
                                 "requiremsgauth"],
            title: "KB5040268: BlastRADIUS (CVE-2024-3596) hardening in NPS",
            summary: "The Windows updates of July 9, 2024 let NPS require Message-Authenticator: limitProxyState drops "
                + "Access-Requests that carry Proxy-State without it (event 4418), requireMsgAuth drops unsigned "
                + "requests from clients and unsigned responses from remote RADIUS servers (audit event 4420). A "
                + "dropped request is answered by nothing: the client times out (809).",
            causes: [
                "A NAS or proxy that does not sign its Access-Requests, behind an NPS that enforces.",
                "A remote RADIUS server (MFA, firewall) that does not sign its responses, behind NPS as a proxy.",
            ],
            fixes: [
                "Update NAS, proxies and remote servers to sign (Message-Authenticator first in every packet); "
                    + "exempt a client only until then.",
                "npsprobe signs every request and requires signed replies; --proxy-state adds Proxy-State as a "
                    + "proxy would.",
            ],
            windowsErrors: [809], reasonCodes: [], events: [4418, 4420, 13, 17],
            notes: ["Sources: KB5040268; RFC 3579 §3.2; the BlastRADIUS paper (CVE-2024-3596)."]),
    ]
}
