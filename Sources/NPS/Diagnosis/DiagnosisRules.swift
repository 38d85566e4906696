import EAP
import TLS

/// The diagnosis as data: one row per verdict, most specific first. `Diagnoser` asks each rule in order; the
/// first whose `when` returns evidence lines wins, and the later ones that also fire become alternatives.
///
/// No reason code travels in an Access-Reject: the NPS reason codes of a row are the ones to look for in NPS
/// event 6273 (or the accounting log) for the same user and time. The Windows error is what a Windows client
/// would most likely show; the same NPS failure can surface differently per tunnel, hence the confidences.
public enum DiagnosisRules {
    /// One row of the table.
    public struct Rule: Sendable {
        public let id: String
        /// The Windows error of the verdict; with ``windowsErrorFromMSCHAP``, the one shown when no MS-CHAP code
        /// arrived.
        public let windowsError: Int?
        /// The verdict takes the MS-CHAP `E=` code when one arrived: the number is the RAS error a Windows client
        /// shows (RFC 2759 §6), whatever the server's words add.
        public let windowsErrorFromMSCHAP: Bool
        public let npsReasons: [Int]
        public let confidence: Diagnosis.Confidence
        /// A few words after "Windows error 853 (…): " in the title.
        public let headline: String
        public let cause: String
        public let fix: String
        /// The rule's own second readings of the same evidence.
        public let alternatives: [Diagnosis.Alternative]
        /// Other Windows errors of the same failure a reader may meet (845 for crypto-binding); never IKE-only
        /// numbers, which an EAP conversation cannot produce.
        public let related: [Int]
        /// A catch-all: it wins only when nothing else fires and never becomes another rule's alternative.
        public let fallback: Bool
        private let when: @Sendable (DiagnosisFacts) -> [String]?

        public init(
            id: String, windowsError: Int?, windowsErrorFromMSCHAP: Bool = false, npsReasons: [Int] = [],
            confidence: Diagnosis.Confidence, headline: String, cause: String, fix: String,
            alternatives: [Diagnosis.Alternative] = [], related: [Int] = [], fallback: Bool = false,
            when: @escaping @Sendable (DiagnosisFacts) -> [String]?
        ) {
            self.id = id
            self.windowsError = windowsError
            self.windowsErrorFromMSCHAP = windowsErrorFromMSCHAP
            self.npsReasons = npsReasons
            self.confidence = confidence
            self.headline = headline
            self.cause = cause
            self.fix = fix
            self.alternatives = alternatives
            self.related = related
            self.fallback = fallback
            self.when = when
        }

        /// The evidence lines when the rule applies to these facts, else nil.
        public func evaluate(_ facts: DiagnosisFacts) -> [String]? { when(facts) }

        /// The Windows error of the verdict on these facts.
        public func windowsError(for facts: DiagnosisFacts) -> Int? {
            guard windowsErrorFromMSCHAP, let code = facts.msCHAP?.failure.errorCode else { return windowsError }
            return code
        }
    }

    private static func alt(_ windowsError: Int?, _ reasons: [Int], _ cause: String, _ confidence: Diagnosis.Confidence)
        -> Diagnosis.Alternative
    {
        Diagnosis.Alternative(windowsError: windowsError, npsReasons: reasons, cause: cause, confidence: confidence)
    }

    // Shared texts.
    private static let readEvent6273 = "NPS event 6273 (Security log) for this user and time names the reason code"
    private static let ntAuthFix = "On NPS: the issuing CA in NTAuth (`certutil -enterprise -addstore NTAuth "
        + "<issuing CA.cer>`, AD-wide `certutil -dspublish -f <issuing CA.cer> NTAuthCA`), the root in Trusted "
        + "Root CAs, the issuing CA in Intermediate CAs; the certificate's UPN/SAN must map to one AD account."

    /// Every rule, most specific first.
    public static let all: [Rule] = [
        // MARK: Accepted
        Rule(id: "accepted-mppe-mismatch", windowsError: nil, confidence: .certain,
             headline: "accepted, but the MS-MPPE keys do not match the client's",
             cause: "The server accepted, but the MS-MPPE keys in the Access-Accept differ from the keys the client "
                 + "derived: the session fails right after authentication (Wi-Fi 4-way handshake, IKEv2 AUTH).",
             fix: "Look for a RADIUS proxy that re-encrypts MS-MPPE keys with another shared secret, or a server "
                 + "deriving keys from another MSK layout; compare with `eapol_test` (\"MPPE keys OK\").",
             when: { $0.accepted(keys: .mismatch) }),
        Rule(id: "accepted-mppe-absent", windowsError: nil, confidence: .likely,
             headline: "accepted, but without MS-MPPE keys",
             cause: "The server accepted, but the Access-Accept carries no MS-MPPE keys: a VPN server or access "
                 + "point cannot key the session from it.",
             fix: "Check for a proxy that strips vendor attributes (vendor 311); NPS sends the keys for EAP-TLS and "
                 + "PEAP, other servers may need them enabled.",
             when: { $0.accepted(keys: .absent) }),
        Rule(id: "accepted", windowsError: nil, confidence: .certain,
             headline: "accepted, no Windows error",
             cause: "The server authenticated the client (Access-Accept).",
             fix: "Nothing to fix on the RADIUS side; a client that still fails is failing after authentication "
                 + "(tunnel, address pool, routing).",
             when: { $0.accepted(keys: nil) }),

        // MARK: A farm's balancer split the conversation (load runs set `DiagnosisFacts.persistence`)
        Rule(id: "persistence-failure", windowsError: nil, npsReasons: [96, 97], confidence: .likely,
             headline: "the load balancer did not keep the conversation on one server",
             cause: "The round trips of one EAP conversation reached different members of the farm: NPS keeps "
                 + "EAP sessions in memory, so the member that did not start the conversation refuses or drops "
                 + "its State (reason 96/97 in that member's log). A NAS sees such failures at random under load.",
             fix: "Make the balancer persist each conversation on one NPS: on the NAS's source address and port "
                 + "(UDP 1812 persistence by source IP+port, long enough for an EAP conversation: 60 s), on "
                 + "Calling-Station-Id when the NASes send it, or, for balancers that read RADIUS, on the State "
                 + "attribute each member issued.",
             alternatives: [alt(nil, [], "the member restarted or ran out of EAP sessions mid-conversation",
                                .possible)],
             when: { facts in facts.persistence.map { suspicion in
                 [suspicion.line, "persist on: " + suspicion.persistOn.map(\.rawValue).joined(separator: ", ")]
             } }),

        // MARK: We refused the server's certificate (the client stops before sending credentials)
        Rule(id: "server-cert-expired", windowsError: 858, confidence: .certain,
             headline: "the client refused the server's expired certificate",
             cause: "The NPS server's certificate (or a CA above it) is outside its validity period, so the client "
                 + "stopped before sending its credentials.",
             fix: "Renew the NPS certificate and select the new one in every network policy (Constraints → "
                 + "Authentication Methods → the EAP type → Edit); if it is not yet valid, check the clocks.",
             when: { $0.serverCertificateRefused([.expired, .notYetValid]) }),
        Rule(id: "server-cert-revoked", windowsError: 859, confidence: .certain,
             headline: "the client refused the server's revoked certificate",
             cause: "The NPS server's certificate is on its CA's CRL, so the client stopped before sending its "
                 + "credentials.",
             fix: "Enroll a new NPS certificate (RAS and IAS Server template) and select it in the network "
                 + "policies' EAP properties.",
             when: { $0.serverCertificateRefused([.revoked]) }),
        Rule(id: "server-root-untrusted", windowsError: 864, confidence: .certain,
             headline: "the client does not trust the server certificate's root",
             cause: "The root CA of the NPS server's certificate is not among the client's trusted roots (not "
                 + "installed, or not ticked in the EAP profile).",
             fix: "Deploy the root CA to clients and tick it in the profile (TrustedRootCA in ProfileXML, "
                 + "'Trusted Root Certification Authorities' in the PEAP/EAP-TLS properties); npsprobe: --ca.",
             when: { $0.serverCertificateRefused([.untrustedRoot]) }),
        Rule(id: "server-chain-incomplete", windowsError: 864, confidence: .likely,
             headline: "the client cannot chain the server's certificate to a trusted root",
             cause: "The NPS server sends its certificate without the intermediate CA and the client cannot build "
                 + "the chain to a root it trusts.",
             fix: "Install the issuing CA in the NPS server's Intermediate Certification Authorities store so it "
                 + "sends the whole chain, or deploy the intermediate to clients.",
             alternatives: [alt(860, [], "another chain problem with the NPS certificate", .possible)],
             when: { $0.serverCertificateRefused([.incompleteChain]) }),
        Rule(id: "server-cert-name", windowsError: 857, confidence: .certain,
             headline: "the server's certificate does not carry a name the client accepts",
             cause: "None of the NPS certificate's names is among the server names the client profile accepts "
                 + "('Connect to these servers').",
             fix: "Put the NPS certificate's DNS name in the profile's server names (ServerNames in ProfileXML; "
                 + "npsprobe --server-name), or issue the NPS certificate with the expected name in its SAN.",
             when: { $0.serverCertificateRefused([.nameMismatch]) }),
        Rule(id: "server-cert-eku", windowsError: 857, confidence: .likely,
             headline: "the server's certificate lacks Server Authentication",
             cause: "The NPS certificate has no Server Authentication EKU (1.3.6.1.5.5.7.3.1), which Windows "
                 + "requires of the RADIUS server's certificate.",
             fix: "Issue the NPS certificate from the RAS and IAS Server template (Server Authentication) and "
                 + "select it in the network policies' EAP properties.",
             when: { $0.serverCertificateRefused([.missingServerAuthEKU]) }),
        Rule(id: "server-cert-other", windowsError: 860, confidence: .likely,
             headline: "the client refused the server's certificate",
             cause: "Another check of the NPS server's certificate failed on the client (signature, chain, "
                 + "revocation status).",
             fix: "Run `certutil -verify -urlfetch <NPS certificate>` where the clients are: it names the failing "
                 + "check; make the NPS certificate's CRL reachable from clients.",
             when: { $0.serverCertificateRefused([.signatureFailure, .other]) }),

        // MARK: The server refused our certificate, and said why
        Rule(id: "no-client-certificate", windowsError: 798, npsReasons: [263], confidence: .likely,
             headline: "the server wants a client certificate and none was sent",
             cause: "The server asked for a client certificate and the client sent none; a Windows client without "
                 + "a usable certificate stops with 798 before connecting.",
             fix: "Give npsprobe the certificate (--cert/--key or --pkcs12). On Windows, enroll a certificate with "
                 + "Client Authentication and its private key (`certutil -user -store My`).",
             when: { $0.certificateMissing() }),
        Rule(id: "client-cert-expired-alert", windowsError: 854, npsReasons: [268, 278], confidence: .certain,
             headline: "the server refused the client certificate as expired",
             cause: "The server answered the client certificate with the TLS alert certificate_expired.",
             fix: "Renew the certificate; check auto-enrollment or the Intune certificate profile (npsprobe "
                 + "explain 854).",
             when: { $0.certificateAlert([.certificateExpired]) }),
        Rule(id: "client-cert-revoked-alert", windowsError: 855, npsReasons: [256, 289], confidence: .certain,
             headline: "the server refused the client certificate as revoked",
             cause: "The server answered the client certificate with the TLS alert certificate_revoked.",
             fix: "Enroll a new certificate; if it was only on hold by mistake, unrevoke it and publish a new CRL "
                 + "(`certutil -revoke <serial> unrevoke`, `certutil -crl`).",
             when: { $0.certificateAlert([.certificateRevoked]) }),
        Rule(id: "client-cert-untrusted-alert", windowsError: 853, npsReasons: [295, 286, 287, 265],
             confidence: .likely,
             headline: "the server does not trust the client certificate",
             cause: "The server answered the client certificate with a TLS alert saying it cannot trust or parse "
                 + "it (unknown_ca, bad_certificate, certificate_unknown): an issuing CA it does not trust.",
             fix: ntAuthFix + " Send the intermediate CA along with the client certificate.",
             alternatives: [alt(861, [], "the client cannot chain its own certificate to a trusted root", .possible)],
             when: { $0.certificateAlert([.unknownCA, .badCertificate, .certificateUnknown,
                                          .unsupportedCertificate]) }),
        Rule(id: "client-cert-access-denied-alert", windowsError: 853, npsReasons: [265, 272, 292, 297, 298],
             confidence: .possible,
             headline: "the server denied access to the client certificate",
             cause: "The server accepted the certificate chain but refused access (TLS alert access_denied): the "
                 + "issuing CA is missing from NTAuth, the certificate maps to no single account, or a policy.",
             fix: ntAuthFix,
             alternatives: [alt(812, [48, 65], "a network policy refused the mapped account", .possible)],
             when: { $0.certificateAlert([.accessDenied]) }),
        Rule(id: "tls-settings-mismatch", windowsError: nil, npsReasons: [269], confidence: .likely,
             headline: "no Windows error certain: client and server share no TLS version or cipher suite",
             cause: "The TLS handshake failed before any certificate was judged: the two sides share no TLS "
                 + "version, cipher suite or signature algorithm. Windows shows this inconsistently (812 over "
                 + "IKEv2, 691 over SSTP on old RRAS).",
             fix: "Against NPS cap the client at TLS 1.2 (NPS has no EAP over TLS 1.3); on NPS enable TLS 1.2 "
                 + "(SCHANNEL\\Protocols) and compare `Get-TlsCipherSuite` with the client's suites.",
             alternatives: [alt(812, [269], "IKEv2 clients report the failed TLS negotiation as a policy refusal",
                                .possible),
                            alt(691, [269], "SSTP clients report it as an authentication failure", .possible)],
             when: { $0.tlsNegotiationFailed() }),
        Rule(id: "tls-refused-at-client-hello", windowsError: nil, npsReasons: [269], confidence: .likely,
             headline: "no Windows error certain: the server refused our TLS ClientHello",
             cause: "The server ended the conversation with an EAP-Failure as its answer to our ClientHello, without "
                 + "a ServerHello or an alert: it accepts none of the TLS versions or cipher suites offered "
                 + "(FreeRADIUS and NPS refuse a TLS mismatch this way).",
             fix: "Offer what the server speaks: TLS 1.2 against NPS (npsprobe's default; --tls-min/--tls-max 1.2, "
                 + "no narrowed --ciphers); on NPS enable TLS 1.2 (SCHANNEL\\Protocols) and compare "
                 + "`Get-TlsCipherSuite`.",
             alternatives: [alt(812, [269], "IKEv2 clients report the failed TLS negotiation as a policy refusal",
                                .possible),
                            alt(nil, [], "the follow-up reached a server that did not start the conversation (a "
                                + "load balancer without persistence)", .possible)],
             when: { $0.tlsRefusedAtClientHello() }),
        Rule(id: "tls-alert-other", windowsError: nil, confidence: .likely,
             headline: "no Windows error certain: the server aborted the TLS handshake",
             cause: "The server aborted the TLS handshake with an alert that does not concern the certificates "
                 + "(a malformed or altered message, an internal error).",
             fix: "Read the server's TLS error for that moment; bad_record_mac or decode_error point at a device "
                 + "altering EAP-Message fragments on the path. Compare with `eapol_test`.",
             when: { $0.otherTLSAlert() }),

        // MARK: The server refused our certificate without saying why: what we know locally decides
        Rule(id: "revocation-check-failed", windowsError: 812, npsReasons: [258, 259, 291, 257],
             confidence: .likely,
             headline: "the server could not check the client certificate's revocation",
             cause: "The server refused the client certificate because it could not check its revocation: the CRL "
                 + "is unreachable from the server or expired (NPS reason 258).",
             fix: "Publish a current CRL at the certificate's CDP, reachable from NPS (`certutil -verify -urlfetch "
                 + "<cert>` on NPS; `certutil -crl` to renew). Certificates without a CDP need NPS's "
                 + "IgnoreNoRevocationCheck (HKLM\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\PPP\\EAP\\13).",
             alternatives: [alt(853, [295], "the server does not trust the issuing CA", .possible)],
             when: { $0.certificateRefusedFor(preflight: [], expiredCRL: true, stated: [.revocationUnavailable]) }),
        Rule(id: "client-cert-revoked", windowsError: 855, npsReasons: [256, 289], confidence: .likely,
             headline: "the client certificate is revoked",
             cause: "The server refused the client certificate without an alert, and the certificate is on its "
                 + "CA's CRL (the pre-flight found it there, or the server's message says so).",
             fix: "Enroll a new certificate; if it was only on hold by mistake, unrevoke it and publish a new CRL "
                 + "(`certutil -revoke <serial> unrevoke`, `certutil -crl`).",
             when: { $0.certificateRefusedFor(preflight: [.revoked], stated: [.certificateRevoked]) }),
        Rule(id: "client-cert-expired", windowsError: 854, npsReasons: [268, 278], confidence: .likely,
             headline: "the client certificate has expired",
             cause: "The server refused the client certificate without an alert, and the certificate (or a CA "
                 + "certificate sent with it) has expired.",
             fix: "Renew the certificate; check auto-enrollment or the Intune certificate profile (npsprobe "
                 + "explain 854).",
             when: { $0.certificateRefusedFor(preflight: [.expired], stated: [.certificateExpired]) }),
        Rule(id: "client-cert-not-yet-valid", windowsError: 854, npsReasons: [268, 278], confidence: .likely,
             headline: "the client certificate is not yet valid",
             cause: "The server refused the client certificate without an alert, and the certificate's validity "
                 + "starts in the future: Windows checks the validity period as a whole (CERT_E_EXPIRED).",
             fix: "Check the clocks of the client, the NPS server and the CA that issued it; or wait until "
                 + "notBefore.",
             alternatives: [alt(853, [279], "NPS reports the validity period of the chain as invalid", .possible)],
             when: { $0.certificateRefusedFor(preflight: [.notYetValid], stated: [.certificateNotYetValid]) }),
        Rule(id: "client-cert-no-client-auth", windowsError: 853, npsReasons: [296, 267, 283, 293, 73],
             confidence: .likely,
             headline: "the client certificate lacks Client Authentication",
             cause: "The server refused the client certificate, which carries no Client Authentication EKU "
                 + "(1.3.6.1.5.5.7.3.2); NPS requires it.",
             fix: "Issue the certificate from a template with Client Authentication in its Application Policies "
                 + "(User or Workstation Authentication).",
             when: { $0.certificateRefusedFor(preflight: [.missingClientAuthEKU],
                                              stated: [.clientAuthenticationMissing]) }),
        Rule(id: "client-cert-chain-incomplete", windowsError: 853, npsReasons: [295, 286, 287], confidence: .likely,
             headline: "the client certificate does not chain to the expected CA",
             cause: "The server refused the client certificate, which does not chain to the CA it should with the "
                 + "certificates sent: the server cannot build its chain to a root it trusts.",
             fix: "Send the intermediate CA with the certificate (a chain file or a PKCS#12 with the chain); on "
                 + "NPS the root must be in Trusted Root CAs and the issuing CA in Intermediate CAs and NTAuth.",
             alternatives: [alt(861, [], "the client cannot chain its own certificate to a trusted root", .possible)],
             when: { $0.certificateRefusedFor(preflight: [.chainIncomplete], stated: [.issuerUntrusted]) }),
        Rule(id: "client-cert-issuer-not-requested", windowsError: 853, npsReasons: [295, 286, 287],
             confidence: .likely,
             headline: "the server does not accept the client certificate's issuing CA",
             cause: "The server refused the client certificate, and its CertificateRequest did not name our "
                 + "issuing CA (or any CA of our chain) among the CAs it accepts.",
             fix: "Use a certificate from a CA the server trusts, or make the server trust this issuing CA: on "
                 + "NPS, its root in Trusted Root CAs, the issuing CA in Intermediate CAs and NTAuth.",
             alternatives: [alt(861, [], "the client cannot chain its own certificate to a trusted root", .possible)],
             when: { $0.certificateIssuerNotRequested() }),
        Rule(id: "client-cert-not-strongly-mapped", windowsError: 853, npsReasons: [16], confidence: .likely,
             headline: "the client certificate is not strongly mapped to its account (KB5014754)",
             cause: "The handshake completed (the server trusts the chain), then a refusal without an alert, and "
                 + "the certificate names no SID (no SID extension, no SID SAN URI): since February 2025 domain "
                 + "controllers refuse certificates not strongly mapped (KB5014754) unless the account maps them "
                 + "explicitly (KDC event 39).",
             fix: "Reissue the certificate from an AD CS template that adds the SID extension; for SCEP/Intune add "
                 + "the SAN URI tag:microsoft.com,2022-09-14:sid:{{OnPremisesSecurityIdentifier}} (Windows Server "
                 + "2019+ KDCs); or map the account strongly (altSecurityIdentities). On the DCs: KDC events 39, 40 "
                 + "(npsprobe explain strong-mapping).",
             alternatives: [
                alt(853, [16, 265], "the issuing CA is missing from the NPS server's NTAuth store", .possible),
                alt(853, [272, 292, 297, 298], "the certificate maps to no AD account, or to several (UPN/SAN "
                    + "mapping, User-Name not matching the certificate)", .possible),
                alt(812, [48, 65, 66], "a network policy refused the account after the certificate was accepted",
                    .possible),
             ],
             when: { $0.certificateRefusedAfterHandshake(.namesNoSID) }),
        Rule(id: "client-cert-not-mapped", windowsError: 853, npsReasons: [16, 265], confidence: .likely,
             headline: "the server trusts the client certificate's chain but will not log it on",
             cause: "The TLS handshake completed, so the server trusts the certificate chain, yet it refused "
                 + "without an alert: first suspect the issuing CA missing from the NPS server's NTAuth store, "
                 + "then the certificate-to-account mapping.",
             fix: ntAuthFix,
             alternatives: [
                alt(853, [272, 292, 297, 298], "the certificate maps to no AD account, or to several (UPN/SAN "
                    + "mapping, User-Name not matching the certificate)", .possible),
                alt(812, [48, 65, 66], "a network policy refused the account after the certificate was accepted",
                    .possible),
             ],
             when: { $0.certificateRefusedAfterHandshake(.namesSIDOrUnknown) }),
        Rule(id: "client-cert-refused", windowsError: 853, npsReasons: [295, 265, 16], confidence: .likely,
             headline: "the server refused the client certificate",
             cause: "The server refused the client certificate during the TLS handshake without saying why: an "
                 + "issuing CA it does not trust or that is missing from NTAuth, or a certificate it finds "
                 + "revoked or expired.",
             fix: ntAuthFix + " Give the pre-flight the issuing CA's CRL (--crl) to rule out revocation.",
             alternatives: [
                alt(855, [256, 289], "the certificate is revoked (no alert says so; hand its CRL to the pre-flight)",
                    .possible),
                alt(812, [258, 259], "the server cannot reach the certificate's CRL", .possible),
             ],
             when: { $0.certificateRefusedInHandshake() }),

        // MARK: The server failed to prove itself, or the tunnel's protection failed
        Rule(id: "mschapv2-impostor", windowsError: nil, confidence: .certain,
             headline: "no Windows error: the server did not prove it knows the password",
             cause: "The MS-CHAPv2 authenticator response (S=) does not match the password: an impostor server, "
                 + "or a proxy or NPS extension answering without checking the password.",
             fix: "Make sure the client reaches the real NPS (server certificate and name checks on); a proxy or "
                 + "extension must pass MS-CHAP2-Success / the EAP-MSCHAPv2 Success through unchanged.",
             when: { $0.msCHAPv2ImpostorSeen() }),
        Rule(id: "crypto-binding-failed", windowsError: 823, confidence: .likely,
             headline: "the server's crypto-binding does not verify",
             cause: "The PEAP Crypto-Binding TLV from the server does not verify: someone relays the tunnel (a man "
                 + "in the middle), or the server derives the binding keys differently.",
             fix: "Look for a TLS-intercepting device or a proxy terminating PEAP between the NAS and NPS; a "
                 + "non-Microsoft server must follow [MS-PEAP] §3.1.5.5 (compare the reference vectors).",
             when: { $0.cryptoBindingFailed() }),
        Rule(id: "crypto-binding-required", windowsError: 824, confidence: .likely,
             headline: "the client requires crypto-binding and the server sent none",
             cause: "The client requires PEAP crypto-binding and the server ended phase 2 without a Crypto-Binding "
                 + "TLV (FreeRADIUS never sends one). NPS reason 302 is the server-side twin.",
             fix: "Use a server that sends it (NPS, hostapd) or stop requiring it (npsprobe --crypto-binding "
                 + "optional; Windows: clear 'Disconnect if server does not present cryptobinding TLV').",
             related: [845],
             when: { $0.cryptoBindingMissing() }),
        Rule(id: "phase2-skipped", windowsError: nil, confidence: .certain,
             headline: "no Windows error: the server skipped the inner authentication",
             cause: "The server claimed PEAP success on a new tunnel without any inner authentication: a "
                 + "misconfigured or rogue server.",
             fix: "Check the server's PEAP configuration (an inner method must run) and the server certificate "
                 + "the client trusts.",
             when: { $0.phase2SkippedSeen() }),

        // MARK: The server said what state the account is in (its words outrank the number's generic meaning)
        Rule(id: "account-locked-out", windowsError: 691, windowsErrorFromMSCHAP: true, npsReasons: [36, 64],
             confidence: .certain,
             headline: "the account is locked out",
             cause: "The server says the account is locked out: failed logons reached the lockout threshold (AD "
                 + "account lockout, NPS reason 36; RAS account lockout, 64). The password may well be right.",
             fix: "Unlock the account (ADUC → the user → Account → Unlock account) or wait out the lockout "
                 + "duration; find what keeps sending an old password (event 4740 on the PDC emulator names it).",
             when: { $0.accountStated(.accountLockedOut) }),
        Rule(id: "account-disabled", windowsError: 691, windowsErrorFromMSCHAP: true, npsReasons: [34],
             confidence: .certain,
             headline: "the account is disabled",
             cause: "The server says the account is disabled (NPS reason 34).",
             fix: "Enable the account in AD (ADUC → the user → Enable Account), after checking why it was "
                 + "disabled.",
             when: { $0.accountStated(.accountDisabled) }),
        Rule(id: "account-expired", windowsError: 691, windowsErrorFromMSCHAP: true, npsReasons: [35],
             confidence: .certain,
             headline: "the account has expired",
             cause: "The server says the account has expired (NPS reason 35).",
             fix: "Extend the account's expiry in AD (ADUC → the user → Account → Account expires).",
             when: { $0.accountStated(.accountExpired) }),

        // MARK: MS-CHAP error codes (inside PEAP, bare EAP-MSCHAPv2, or the MS-CHAP-Error attribute)
        Rule(id: "mschap-e691", windowsError: 691, npsReasons: [16, 8], confidence: .certain,
             headline: "the user name or password was refused",
             cause: "The server refused the MS-CHAPv2 credentials (E=691): wrong password, unknown user or domain.",
             fix: "Check the password and the account in AD (and clear saved credentials on the client); "
                 + readEvent6273 + ": 16 wrong password, 8 no such user.",
             alternatives: [alt(691, [36, 64], "the account is locked out (NPS answers lockout with E=691 R=0)",
                                .possible)],
             when: { $0.msCHAPError(691) }),
        Rule(id: "mschap-e646", windowsError: 646, npsReasons: [37], confidence: .certain,
             headline: "the account may not log on at this time",
             cause: "The account's logon hours exclude now (MS-CHAP E=646).",
             fix: "ADUC → the user → Account → Logon Hours.",
             when: { $0.msCHAPError(646) }),
        Rule(id: "mschap-e647", windowsError: 647, npsReasons: [34, 35], confidence: .certain,
             headline: "the account is disabled",
             cause: "The account is disabled or expired in AD (MS-CHAP E=647).",
             fix: "Enable the account or extend its expiry in AD, after checking why it was disabled.",
             alternatives: [alt(708, [35], "the account has expired", .possible),
                            alt(647, [36], "the account is locked out (FreeRADIUS answers lockout with E=647)",
                                .possible)],
             when: { $0.msCHAPError(647) }),
        Rule(id: "mschap-e648", windowsError: 648, npsReasons: [33, 72], confidence: .certain,
             headline: "the password has expired",
             cause: "The password has expired or must be changed at next logon (MS-CHAP E=648).",
             fix: "Change the password (npsprobe --new-password answers with Change-Password); allow change after "
                 + "expiry in the network policy's MS-CHAPv2 settings (reason 72 otherwise).",
             when: { $0.msCHAPError(648) }),
        Rule(id: "mschap-e649", windowsError: 649, npsReasons: [65, 48], confidence: .certain,
             headline: "the account has no dial-in permission",
             cause: "The account may not connect (MS-CHAP E=649): Dial-in set to Deny access, or no policy grants it.",
             fix: "ADUC → the user → Dial-in → 'Control access through NPS Network Policy'; check which network "
                 + "policy matches.",
             when: { $0.msCHAPError(649) }),
        Rule(id: "mschap-e709", windowsError: 709, npsReasons: [17], confidence: .certain,
             headline: "the password change was refused",
             cause: "The new password breaks the domain's password policy (MS-CHAP E=709).",
             fix: "Choose a password that meets length, complexity, history and minimum age "
                 + "(`Get-ADUserResultantPasswordPolicy`).",
             when: { $0.msCHAPError(709) }),
        Rule(id: "mschap-other", windowsError: nil, confidence: .possible,
             headline: "an MS-CHAP error code outside RFC 2759's list",
             cause: "The server sent an MS-CHAP failure with an error code RFC 2759 does not define.",
             fix: readEvent6273 + "; `npsprobe explain <code>` may know the number.",
             when: { $0.msCHAPErrorOther() }),
        Rule(id: "inner-success-then-refused", windowsError: 812, npsReasons: [48, 65, 66], confidence: .likely,
             headline: "the password was accepted, then policy refused the connection",
             cause: "The server proved it knows the password (MS-CHAPv2 S= verified) but ended phase 2 with a "
                 + "failure: a network policy condition or constraint, or the account's dial-in permission.",
             fix: readEvent6273 + "; check the matching network policy (conditions, constraints) and the user's "
                 + "Dial-in tab.",
             alternatives: [alt(691, [16], "the server refused the credentials after all", .possible)],
             when: { $0.phase2FailedAfterInnerSuccess() }),
        Rule(id: "inner-result-failure", windowsError: 691, npsReasons: [16, 8], confidence: .likely,
             headline: "the inner authentication failed",
             cause: "Phase 2 failed after the inner identity (a Result TLV failure or an EAP-Failure without an "
                 + "MS-CHAP error code): the inner credentials or the account were refused.",
             fix: "Check the inner identity, the password and the account in AD; " + readEvent6273
                 + " (16 wrong password, 8 no such user).",
             alternatives: [alt(812, [48, 65], "a policy refused the inner identity", .possible)],
             when: { $0.phase2Failed() }),

        // MARK: Policy: the method or the request does not match
        Rule(id: "method-refused", windowsError: 812, npsReasons: [66, 22], confidence: .likely,
             headline: "the server does not allow this EAP method",
             cause: "The server proposed another EAP method and refused ours: the matching network policy does not "
                 + "allow this authentication method.",
             fix: "Network Policy → Constraints → Authentication Methods: add the EAP type ('Microsoft: Smart Card "
                 + "or other certificate' for EAP-TLS, PEAP with the right inner method), or use the allowed one.",
             alternatives: [alt(942, [66], "the VPN server reports the same refusal as an auth-method restriction",
                                .possible)],
             when: { $0.methodWasRefused() }),
        Rule(id: "reject-before-method", windowsError: 812, npsReasons: [48, 49, 65], confidence: .likely,
             headline: "refused by policy before any authentication method ran",
             cause: "The server refused right after the identity, before any EAP method ran: no connection "
                 + "request or network policy matched, or the account's dial-in permission is Deny.",
             fix: readEvent6273 + ": 49 → Connection Request Policies, 48 → Network Policies (conditions such as "
                 + "NAS Port Type, Windows Groups), 65 → the user's Dial-in tab.",
             alternatives: [alt(691, [8], "the outer identity names no account the server knows", .possible)],
             when: { $0.rejectedBeforeMethod() }),
        Rule(id: "reject-policy-message", windowsError: 812, npsReasons: [48, 65, 66], confidence: .likely,
             headline: "refused by policy",
             cause: "The server refused and its message names a policy or permission.",
             fix: readEvent6273 + "; check the matching network policy and the user's Dial-in tab.",
             alternatives: [alt(691, [16, 8], "the credentials were refused", .possible)],
             when: { $0.rejectedWithPolicyMessage() }),
        Rule(id: "password-beyond-ascii", windowsError: 691, npsReasons: [16], confidence: .likely,
             headline: "the password was refused, and it holds characters beyond ASCII",
             cause: "The server refused a PAP/CHAP password holding characters beyond ASCII: NPS decodes PAP "
                 + "passwords in its ANSI code page (windows-1252 on Western servers), not UTF-8, and documents no "
                 + "support for Extended ASCII in passwords, so the right password can arrive as another (reason "
                 + "16).",
             fix: "Run again with the other --password-encoding (windows-1252 or utf-8); when neither works "
                 + "(characters outside the server's code page), use MS-CHAPv2 or PEAP-MSCHAPv2, whose NT hash is "
                 + "Unicode (RFC 2759 §8.3), or a password within ASCII.",
             alternatives: [alt(691, [16, 8], "the password is wrong, or the user unknown", .possible)],
             when: { $0.passwordRejectedBeyondASCII() }),
        Rule(id: "password-reject", windowsError: 691, npsReasons: [16, 8], confidence: .likely,
             headline: "the user name or password was refused",
             cause: "The server refused the PAP/CHAP/MS-CHAPv2 request without a reason: most often a wrong "
                 + "password or unknown user; a policy refusal looks the same on the wire.",
             fix: "Check the user name and password; " + readEvent6273 + ": 16 or 8 (credentials) versus 48, 65, "
                 + "66 (policy).",
             alternatives: [alt(812, [48, 49, 65, 66], "a policy refused the request (same reject on the wire)",
                                .possible)],
             when: { $0.passwordRejected() }),
        Rule(id: "reject-lost-conversation", windowsError: nil, npsReasons: [], confidence: .likely,
             headline: "the server lost the conversation",
             cause: "A follow-up carrying the server's State was refused mid-method by an Access-Reject without "
                 + "EAP-Failure: it reached a server that did not start the conversation (a load balancer "
                 + "without persistence) or the server restarted.",
             fix: "Keep each conversation on one NPS (source-IP persistence for UDP 1812 on the load balancer); "
                 + "look for NPS restarts at that time and reason 96/97 in the other servers' logs.",
             alternatives: [alt(nil, [269], "the server refused our TLS parameters without an EAP-Failure or an "
                                + "alert", .possible)],
             when: { $0.rejectedMidMethodWithState() }),

        // MARK: No usable reply
        Rule(id: "timeout-port-closed", windowsError: 809, confidence: .certain,
             headline: "nothing listens on the server's RADIUS port",
             cause: "The server's host answered that nothing listens on this UDP port (ICMP port unreachable): "
                 + "the NPS service is stopped, or it listens on another port (1812 and 1645 are both in use).",
             fix: "Start the Network Policy Server service (`sc query ias`), check its ports (NPS → Properties → "
                 + "Ports: 1812,1645) and the port given to the client (npsprobe --server HOST:PORT).",
             when: { $0.timedOutUnreachable([.portClosed]) }),
        Rule(id: "timeout-unreachable", windowsError: 809, confidence: .certain,
             headline: "the network cannot reach the server",
             cause: "A router or firewall answered that the server cannot be reached (ICMP host or network "
                 + "unreachable, or administratively prohibited): the request never got to NPS.",
             fix: "Check the address, routing and firewalls between client and server (the ICMP sender named in "
                 + "the evidence is where it stopped); allow UDP 1812 to the NPS server.",
             when: { $0.timedOutUnreachable([.hostUnreachable, .networkUnreachable, .prohibited, .other]) }),
        Rule(id: "timeout-unsigned-reply", windowsError: nil, confidence: .certain,
             headline: "the server answered, but unsigned: its replies carry no Message-Authenticator",
             cause: "The server holds our secret (its Response Authenticator verified) but sends no "
                 + "Message-Authenticator, which npsprobe requires in replies, as BlastRADIUS-hardened clients do "
                 + "(CVE-2024-3596). The server is unhardened: FreeRADIUS < 3.2.5 signs EAP replies only; NPS "
                 + "before the July 2024 updates.",
             fix: "Make the server sign every reply: FreeRADIUS 3.2.5+ (`require_message_authenticator = yes` in "
                 + "the client), on 3.2.1 `update reply { &Message-Authenticator := 0x00 }` in post-auth; NPS: "
                 + "July 2024 updates, requireMsgAuth (KB5040268; `netsh nps set requiremsgauth all = "
                 + "\"enable\"`). To confirm or as an unsafe stop-gap: --no-require-message-authenticator.",
             related: [809],
             when: { $0.timedOutWithUnsignedReplies() }),
        Rule(id: "timeout-wrong-secret", windowsError: 809, confidence: .certain,
             headline: "replies fail verification: the shared secret differs",
             cause: "Replies arrived but failed verification with our shared secret: it differs from the one in "
                 + "the server's RADIUS client entry (a VPN server in this state logs 939; its clients time out, "
                 + "most likely with 809).",
             fix: "Set the same shared secret on both sides: NPS → RADIUS Clients and Servers → RADIUS Clients → "
                 + "the client → Shared secret (npsprobe --secret).",
             alternatives: [alt(939, [], "the VPN server logs an invalid response from the RADIUS server", .likely)],
             when: { $0.timedOutWithBadAuthenticators() }),
        Rule(id: "timeout-reply-from-other-address", windowsError: 809, confidence: .likely,
             headline: "the server answers from another address",
             cause: "Replies came from another address than the one asked, and a RADIUS client drops them: a "
                 + "multi-homed server answering from another interface, or NAT on the path.",
             fix: "Point the client at the address NPS answers from, or make NPS answer from the address it was "
                 + "asked on (one address per subnet, routing); check NAT between client and server.",
             when: { $0.timedOutWithForeignReplies() }),
        Rule(id: "timeout-fragments-dropped", windowsError: 809, confidence: .likely,
             headline: "large requests are lost on the path",
             cause: "Requests were answered until one grew larger than every answered one; it never got through: "
                 + "IP fragments are dropped between client and server (the RADIUS analogue of IKEv2 "
                 + "fragmentation loss).",
             fix: "Send smaller EAP fragments (npsprobe --fragment-size 500; Framed-MTU on the NAS); allow IP "
                 + "fragments of UDP 1812 on firewalls; set Framed-MTU (e.g. 1344) in the NPS network policy.",
             when: { $0.timedOutOnLargeRequest() }),
        Rule(id: "timeout-lost-conversation", windowsError: nil, confidence: .likely,
             headline: "the server stopped answering mid-conversation",
             cause: "The server stopped answering a follow-up that carried its State and was no larger than the "
                 + "requests it answered: it no longer knows the conversation (restart, or a load balancer "
                 + "sending follow-ups to a server that drops unknown State).",
             fix: "Keep each conversation on one NPS (source-IP persistence for UDP 1812); look for NPS restarts "
                 + "and discarded requests (reason 96/97) at that time.",
             alternatives: [alt(809, [], "a VPN client times out the same way", .possible)],
             when: { $0.timedOutMidConversation() }),
        Rule(id: "timeout-no-reply", windowsError: 809, confidence: .likely,
             headline: "no reply from the server",
             cause: "Nothing came back: the server is down or not on this port, a firewall drops UDP 1812, the "
                 + "server does not know this client, or the shared secret is wrong and it drops the requests.",
             fix: "Check the NPS service and its ports (`netstat -ano -p udp | findstr 1812`), the RADIUS client "
                 + "entry for this source address and its secret (NPS logs event 13 for unknown clients), and the "
                 + "firewall rule 'Network Policy Server (RADIUS Authentication - UDP-In)'.",
             alternatives: [
                alt(809, [], "NPS dropped the request as unsigned or from an unknown RADIUS client (BlastRADIUS "
                    + "hardening, KB5040268): look for NPS events 4418 (Proxy-State without Message-Authenticator, "
                    + "limitProxyState), 13 (unknown RADIUS client), 17 (Message-Authenticator required) and, when "
                    + "NPS proxies, 4420 (an unsigned response of the remote server)", .possible),
             ],
             when: { $0.timedOutWithoutReply() }),
        Rule(id: "timeout", windowsError: 809, confidence: .possible,
             headline: "the server stopped answering",
             cause: "The server stopped answering in the middle of the conversation.",
             fix: "Compare the server's log at that time with the round trips below; retry to see whether the same "
                 + "request is lost each time.",
             fallback: true,
             when: { $0.outcome == .timeout ? $0.transportLines() : nil }),

        // MARK: Local problems
        Rule(id: "protocol-violation", windowsError: nil, confidence: .certain,
             headline: "no Windows error: the server broke the protocol",
             cause: "The server (or something between us) broke the EAP/RADIUS protocol; a Windows client would "
                 + "drop the conversation the same way.",
             fix: "Capture the exchange (--trace) and compare with RFC 3748/3579 and [MS-PEAP]; check proxies and "
                 + "the server's version.",
             when: { $0.failureLines(kind: .protocolViolation) }),
        Rule(id: "local-configuration", windowsError: nil, confidence: .certain,
             headline: "no Windows error: our own settings cannot work",
             cause: "The client's own settings cannot work (fragment size, TLS session, password encoding).",
             fix: "Fix the setting named in the evidence; the server was not at fault.",
             when: { $0.failureLines(kind: .configuration) }),
        Rule(id: "local-error", windowsError: nil, confidence: .certain,
             headline: "no diagnosis: the conversation could not run",
             cause: "The conversation failed on our side before the server could judge the credentials.",
             fix: "Fix the local problem named in the evidence and run again.",
             when: { $0.localErrorLines() }),

        // MARK: Catch-alls
        Rule(id: "reject-unexplained", windowsError: nil, confidence: .possible,
             headline: "refused without a reason on the wire",
             cause: "The server refused without any reason the client can see.",
             fix: readEvent6273 + "; `npsprobe explain <reason>` says what it means.",
             alternatives: [alt(691, [16, 8], "the credentials were refused", .possible),
                            alt(812, [48, 65, 66], "a policy refused the request", .possible)],
             fallback: true,
             when: { $0.outcome == .reject ? $0.rejectLines() : nil }),
        Rule(id: "unexplained", windowsError: nil, confidence: .possible,
             headline: "no diagnosis",
             cause: "Nothing in the evidence matches a known failure.",
             fix: "Read the evidence and the server's log for the same time.",
             fallback: true,
             when: { $0.basicLines() }),
    ]
}
