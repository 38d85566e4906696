// What `npsprobe doctor` can find, stored once: each kind of finding with its severity, what it means, the fix,
// the NPS settings and events it maps to. Data, not logic: the doctor's plan decides which apply; the reports
// print these words. Sources (facts only): KB5040268 (requireMsgAuth, limitProxyState, events 4418/4420),
// RFC 3579 §3.2 (Message-Authenticator), RFC 2865 §5.12 (Framed-MTU) and §5.33 (Proxy-State), RFC 5216 §2.1.5
// (EAP-TLS fragmentation), [MS-PEAP] §3.2.5.2 (Crypto-Binding TLV).

import Foundation

/// How much a finding matters: `critical` nothing authenticates, `high` some or all logons fail, `medium` a
/// security weakness, `low` worth changing, `info` what was observed.
public enum DoctorSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case critical, high, medium, low, info

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// `critical < high < …`: sorting puts the worst first.
    public static func < (lhs: DoctorSeverity, rhs: DoctorSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// A kind of finding; the raw values are the stable `kind` of `doctor --json`.
public enum DoctorFindingKind: String, Sendable, Codable, CaseIterable, Hashable {
    case portClosed = "port_closed"
    case serverSilent = "server_silent"
    case repliesFailVerification = "replies_fail_verification"
    case unsignedReplies = "unsigned_replies"
    case pathMTU = "path_mtu"
    case pathMTUNoSizePasses = "path_mtu_no_size_passes"
    case noPersistence = "no_persistence"
    case intermittentFailures = "intermittent_failures"
    case methodNotAllowed = "method_not_allowed"
    case certificateRefused = "certificate_refused"
    case authenticationFails = "authentication_fails"
    case signedProxyStateDropped = "signed_proxy_state_dropped"
    case requestSigningNotRequired = "request_signing_not_required"
    case proxyStateNotLimited = "proxy_state_not_limited"
    case cryptoBindingAbsent = "crypto_binding_absent"
    case cryptoBindingRequired = "crypto_binding_required"
    case tlsVersionUnsupported = "tls_version_unsupported"
    case resumptionNotOffered = "resumption_not_offered"
    case resumptionNotUsed = "resumption_not_used"
    case severalNodes = "several_nodes"
    case messageAuthenticatorEnforced = "message_authenticator_enforced"
}

/// One row of the catalogue.
public struct DoctorFindingInfo: Sendable, Hashable {
    public let kind: DoctorFindingKind
    public let severity: DoctorSeverity
    /// One line; `{placeholders}` filled from the finding's values.
    public let title: String
    /// What it means, for an admin.
    public let meaning: String
    /// What to change; may name `{placeholders}`.
    public let fix: String
    /// NPS settings involved (netsh / console names).
    public let npsSettings: [String]
    /// NPS events to look for (NPSEvent.catalogue numbers).
    public let events: [Int]
    /// The Windows error a client shows, when one applies.
    public let windowsError: Int?
}

extension DoctorFindingInfo {
    /// Every kind, in the order findings of the same severity and confidence are listed (most specific first).
    public static let catalogue: [DoctorFindingInfo] = [
        DoctorFindingInfo(
            kind: .portClosed, severity: .critical,
            title: "Nothing listens on {server}: ICMP port unreachable",
            meaning: "The host answered that no program receives UDP on this port: the NPS service is stopped, or "
                + "the port is not the one NPS listens on (1812, or 1645 on old setups).",
            fix: "Start the Network Policy Server service, or point the NAS at the port NPS listens on (NPS → "
                + "Properties → Ports).",
            npsSettings: ["NPS Properties → Ports (1812,1645)"], events: [], windowsError: 809),
        DoctorFindingInfo(
            kind: .repliesFailVerification, severity: .critical,
            title: "The server answers, but its replies fail verification: the shared secret differs",
            meaning: "Datagrams came back from the server whose Response Authenticator or Message-Authenticator "
                + "does not verify with our shared secret; a NAS drops them and the user times out (809).",
            fix: "Set the same shared secret on the NAS (this profile) and on NPS's RADIUS client entry for {source}.",
            npsSettings: ["RADIUS Clients → Properties → Shared secret"], events: [14], windowsError: 809),
        DoctorFindingInfo(
            kind: .serverSilent, severity: .critical,
            title: "No answer from {server} to any request",
            meaning: "Status-Server and an authentication went unanswered through every retransmission. NPS drops "
                + "silently what it will not answer: a request from an address that is no RADIUS client (event 13), "
                + "with another shared secret (event 14), without a required Message-Authenticator (17); or a "
                + "firewall drops UDP 1812.",
            fix: "On NPS, add {source} as a RADIUS client with this shared secret, and read the System log for events "
                + "13, 14, 17; check that UDP 1812 passes every firewall between here and NPS.",
            npsSettings: ["RADIUS Clients", "Windows Defender Firewall: Network Policy Server rules"],
            events: [13, 14, 17], windowsError: 809),
        DoctorFindingInfo(
            kind: .unsignedReplies, severity: .high,
            title: "The server's replies carry no Message-Authenticator (unsigned)",
            meaning: "The server answered, but without Message-Authenticator, so a client hardened against "
                + "BlastRADIUS (CVE-2024-3596) drops every reply and times out. NPS with the July 2024 updates signs "
                + "its replies; an unpatched NPS, a stock FreeRADIUS 3.2.1 (PAP, MS-CHAPv2 replies) or a proxy that "
                + "strips the attribute does not.",
            fix: "Make the server sign every reply: NPS: install the July 9, 2024 (KB5040268) or later update; "
                + "FreeRADIUS: 3.2.5 or later, or add Message-Authenticator to replies in post-auth; NPS as a proxy "
                + "in front of this server logs event 4420. Only until then: --no-require-message-authenticator "
                + "(require_message_authenticator: false) accepts unsigned replies.",
            npsSettings: ["KB5040268 update", "requireMsgAuth (remote RADIUS server groups)"], events: [4420],
            windowsError: 809),
        DoctorFindingInfo(
            kind: .pathMTU, severity: .high,
            title: "Large datagrams are lost on the path ({lost} bytes got no answer, {limit} passed): EAP-TLS "
                + "passes only with {fragment}-byte fragments",
            meaning: "The same EAP-TLS conversation failed (no answer after a large request) at larger fragment sizes "
                + "and passed at {fragment}: the network between NAS and NPS drops big UDP datagrams or their IP "
                + "fragments (a VPN tunnel, a firewall that drops fragments). Windows clients then show 809 after "
                + "the certificate exchange.",
            fix: "Configure --fragment-size {fragment} (fragment_size: {fragment}) here and Framed-MTU {framed_mtu} on "
                + "the NAS / in the NPS network policy (Settings → Advanced → Framed-MTU), so no datagram exceeds "
                + "the path; or let the path carry IP fragments.",
            npsSettings: ["Network Policy → Settings → RADIUS Attributes → Standard → Framed-MTU"], events: [],
            windowsError: 809),
        DoctorFindingInfo(
            kind: .pathMTUNoSizePasses, severity: .high,
            title: "EAP-TLS fails at every fragment size tried ({sizes})",
            meaning: "Every EAP-TLS conversation stopped being answered after a large request, even with 600-byte "
                + "fragments: the path drops even small datagrams, or the server stops answering for another reason.",
            fix: "Capture on both sides (--pcap) to see where the datagrams stop; check firewalls for UDP "
                + "fragment handling.",
            npsSettings: ["Framed-MTU"], events: [], windowsError: 809),
        DoctorFindingInfo(
            kind: .noPersistence, severity: .high,
            title: "Conversations are lost mid-way: requests carrying the server's State reach another server",
            meaning: "{failed} of {total} multi-round conversations were refused or dropped on a follow-up that "
                + "carried the State the first server issued, while single requests pass: a load balancer without "
                + "persistence sends the follow-ups of one conversation to another NPS, which does not know it.",
            fix: "Keep each conversation on one NPS: source-IP (and port) persistence for UDP 1812 on the load "
                + "balancer, or send the NAS directly to NPS servers in failover order.",
            npsSettings: [], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .intermittentFailures, severity: .high,
            title: "{failed} of {total} repeated conversations failed where the others succeeded",
            meaning: "The same conversation from several source ports and Calling-Station-Ids did not always end the "
                + "same way: one server of a farm answers differently (policy, certificate, secret), or drops some.",
            fix: "Compare the NPS servers' configuration (netsh nps export on each); the failing conversations' "
                + "reply sources and Reply-Messages are in the evidence.",
            npsSettings: ["netsh nps export"], events: [6273, 6274], windowsError: nil),
        DoctorFindingInfo(
            kind: .methodNotAllowed, severity: .high,
            title: "The policy allows {allowed} but not {refused} (812)",
            meaning: "With the same credentials, {allowed} was accepted and {refused} refused before its "
                + "credentials were judged (the server offered another method, or rejected at once): the network "
                + "policy's authentication methods do not include {refused}. This is policy, not a certificate "
                + "problem.",
            fix: "In the NPS network policy (Constraints → Authentication Methods) add {refused} (EAP-TLS: "
                + "'Microsoft: Smart Card or other certificate'), or configure the clients for {allowed}.",
            npsSettings: ["Network Policy → Constraints → Authentication Methods"], events: [6273],
            windowsError: 812),
        DoctorFindingInfo(
            kind: .certificateRefused, severity: .high,
            title: "The client certificate is refused ({refused}), while {allowed} passes",
            meaning: "The TLS handshake with our certificate completed and the server still refused it, while "
                + "another method with the same account was accepted: the policy allows the user; the certificate "
                + "(chain, EKU, mapping, revocation) is the problem.",
            fix: "{diagnosis_fix}",
            npsSettings: [], events: [6273], windowsError: 853),
        DoctorFindingInfo(
            kind: .authenticationFails, severity: .high,
            title: "{method} fails: {diagnosis_title}",
            meaning: "{diagnosis_cause}",
            fix: "{diagnosis_fix}",
            npsSettings: [], events: [6273], windowsError: nil),
        DoctorFindingInfo(
            kind: .signedProxyStateDropped, severity: .high,
            title: "Signed requests carrying Proxy-State go unanswered",
            meaning: "A request with Message-Authenticator and Proxy-State (as a RADIUS proxy sends) got no answer, "
                + "while the same request without Proxy-State did: requests through a proxy will time out.",
            fix: "Check the server's handling of Proxy-State (NPS: event 4418 should not fire for signed requests; "
                + "a firewall or proxy may drop them).",
            npsSettings: ["limitProxyState"], events: [4418], windowsError: 809),
        DoctorFindingInfo(
            kind: .requestSigningNotRequired, severity: .medium,
            title: "The server answers Access-Requests without Message-Authenticator (requireMsgAuth not enforced)",
            meaning: "An unsigned Access-Request got an answer: the server would also answer a forged one "
                + "(BlastRADIUS, CVE-2024-3596).",
            fix: "NPS: require Message-Authenticator from this client (RADIUS client → 'Access-Request messages must "
                + "contain the Message-Authenticator attribute', or netsh nps set client name=NAME "
                + "requireMsgAuth=enable, KB5040268) once every NAS signs; FreeRADIUS: require_message_authenticator "
                + "= yes in the client.",
            npsSettings: ["requireMsgAuth", "Access-Request messages must contain the Message-Authenticator attribute"],
            events: [17], windowsError: nil),
        DoctorFindingInfo(
            kind: .proxyStateNotLimited, severity: .medium,
            title: "The server answers unsigned requests carrying Proxy-State (limitProxyState off)",
            meaning: "An Access-Request with Proxy-State and without Message-Authenticator was answered: the "
                + "BlastRADIUS attack's request shape is accepted.",
            fix: "NPS: enable limitProxyState for this RADIUS client (netsh nps set client name=NAME "
                + "limitProxyState=enable, KB5040268); NPS then drops such requests and logs event 4418.",
            npsSettings: ["limitProxyState"], events: [4418], windowsError: nil),
        DoctorFindingInfo(
            kind: .cryptoBindingAbsent, severity: .low,
            title: "PEAP without Crypto-Binding: the server sends no Crypto-Binding TLV",
            meaning: "A client requiring crypto-binding failed where the default passed: the tunnel is not bound to "
                + "the inner method. NPS always binds; the server is another implementation or a proxy in between.",
            fix: "Use a server that sends the PEAP Crypto-Binding TLV (NPS does), or leave crypto_binding optional "
                + "on the clients.",
            npsSettings: [], events: [], windowsError: 824),
        DoctorFindingInfo(
            kind: .cryptoBindingRequired, severity: .info,
            title: "The server requires PEAP Crypto-Binding (a client that does not bind is refused)",
            meaning: "With crypto-binding disabled the conversation failed; with it, it passed. Windows clients bind; "
                + "old third-party supplicants may not.",
            fix: "Nothing for Windows clients; update supplicants that cannot bind.",
            npsSettings: [], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .tlsVersionUnsupported, severity: .info,
            title: "TLS {version} is not accepted ({method})",
            meaning: "The conversation limited to TLS {version} failed where another version passed.",
            fix: "Nothing required; NPS on Windows Server 2022 and later accepts TLS 1.3 for EAP-TLS when the "
                + "client offers it (TLS 1.2 is the floor to keep).",
            npsSettings: ["SCHANNEL protocol settings (registry)"], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .resumptionNotOffered, severity: .info,
            title: "The server offers no TLS session resumption (PEAP fast reconnect off)",
            meaning: "Every conversation runs the full handshake; roaming clients re-authenticate in full.",
            fix: "NPS: network policy → Constraints → Authentication Methods → PEAP → Edit → 'Enable Fast "
                + "Reconnect'.",
            npsSettings: ["PEAP properties → Enable Fast Reconnect"], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .resumptionNotUsed, severity: .low,
            title: "The server offered TLS resumption but did a full handshake when it was used",
            meaning: "The next conversation offering the saved session got a full handshake: the session cache was "
                + "lost (another server of a farm, or a restart).",
            fix: "Behind a balancer, keep a client on one NPS (persistence); sessions live in one server's cache.",
            npsSettings: ["PEAP properties → Enable Fast Reconnect"], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .severalNodes, severity: .info,
            title: "Conversations were answered by {count} different servers",
            meaning: "Repeated conversations from several source ports landed on different nodes ({nodes}).",
            fix: "Nothing required; keep their configurations identical.",
            npsSettings: [], events: [], windowsError: nil),
        DoctorFindingInfo(
            kind: .messageAuthenticatorEnforced, severity: .info,
            title: "BlastRADIUS posture: unsigned Access-Requests are dropped and replies are signed",
            meaning: "The same request without Message-Authenticator got no answer, the signed one did, and every "
                + "reply carried a valid Message-Authenticator: what NPS does with requireMsgAuth enforced after the "
                + "July 2024 updates (KB5040268).",
            fix: "Nothing required; NPS logs such dropped requests (event 17; with Proxy-State, 4418).",
            npsSettings: ["requireMsgAuth", "limitProxyState"], events: [17, 4418], windowsError: nil),
    ]

    private static let byKind: [DoctorFindingKind: DoctorFindingInfo] = Dictionary(
        catalogue.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })

    /// The row of `kind` (every kind has one: a test checks it).
    public static func info(_ kind: DoctorFindingKind) -> DoctorFindingInfo {
        byKind[kind] ?? DoctorFindingInfo(kind: kind, severity: .info, title: kind.rawValue, meaning: "", fix: "",
                                          npsSettings: [], events: [], windowsError: nil)
    }

    /// The listing order of `kind` among findings of the same severity and confidence.
    public static func order(_ kind: DoctorFindingKind) -> Int { catalogue.firstIndex { $0.kind == kind } ?? 999 }

    /// `text` with every `{name}` replaced by `values[name]` (unknown names stay as written).
    public static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }
}
