import TLS

/// What the caller does after handing the peer a packet.
public enum EAPPeerAction: Sendable {
    /// Put this EAP packet in the next Access-Request (EAP-Message).
    case send([UInt8])
    /// The server's EAP-Success was accepted: the method had reached a state that allows it.
    case succeeded(EAPPeerResult)
    /// The conversation is over and failed: the server's EAP-Failure, a local refusal (server certificate,
    /// impostor server), or a protocol violation by the server. Nothing more is to be sent.
    case failed(EAPPeerFailure)
}

/// What a successful conversation established, from the peer's side.
public struct EAPPeerResult: Sendable {
    /// The outer method: EAP-TLS, PEAP, EAP-MSCHAPv2, EAP-MD5 (MD5-Challenge).
    public var method: EAPType
    /// PEAP's inner method; `nil` outside PEAP and after a PEAP fast reconnect without phase 2.
    public var innerMethod: EAPType?
    /// The Master Session Key, 64 octets (RFC 5247 §1.4); empty for a method that derives none (EAP-MD5,
    /// RFC 3748 §5.4).
    public var msk: [UInt8]
    /// The Extended MSK, when the method defines one (EAP-TLS; PEAP without crypto-binding).
    public var emsk: [UInt8]?
    /// The EAP Session-Id (RFC 5247 §1.4, RFC 5216 §2.3, RFC 9190 §2.3); `nil` for bare EAP-MSCHAPv2.
    public var sessionId: [UInt8]?
    /// The MS-MPPE-Recv-Key the server must put in its Access-Accept (RFC 2548 §2.4.3): the server's receive
    /// key, which is the peer's send key. See ``expectedMPPEKeys(method:msk:)`` for the layout. `nil` when the
    /// method derives no keys.
    public var expectedMPPERecvKey: [UInt8]?
    /// The MS-MPPE-Send-Key the server must put in its Access-Accept (RFC 2548 §2.4.2).
    public var expectedMPPESendKey: [UInt8]?
    /// The outer TLS handshake (EAP-TLS, PEAP phase 1).
    public var tls: TLSEvidence?
    /// PEAP's inner EAP-TLS handshake.
    public var innerTLS: TLSEvidence?
    public var cryptoBinding: CryptoBindingOutcome
    /// The outer TLS session was resumed (abbreviated handshake; PEAP fast reconnect).
    public var resumed: Bool
    /// PEAP: an inner method ran (false after a fast reconnect in which the server skipped phase 2).
    /// EAP-TLS and bare EAP-MSCHAPv2: false.
    public var innerMethodRan: Bool
    /// The outer session, saved for a later resumption (when the context keeps sessions).
    public var resumptionState: TLSResumptionState?

    /// Both MPPE keys the Access-Accept must carry, as (MS-MPPE-Send-Key, MS-MPPE-Recv-Key); nil when the method
    /// derives none.
    public var expectedMPPE: (send: [UInt8], receive: [UInt8])? {
        guard let expectedMPPESendKey, let expectedMPPERecvKey else { return nil }
        return (send: expectedMPPESendKey, receive: expectedMPPERecvKey)
    }

    init(method: EAPType, innerMethod: EAPType?, msk: [UInt8], emsk: [UInt8]?, sessionId: [UInt8]?,
         expectedMPPE: (recv: [UInt8], send: [UInt8])?, tls: TLSEvidence?, innerTLS: TLSEvidence?,
         cryptoBinding: CryptoBindingOutcome, resumed: Bool, innerMethodRan: Bool,
         resumptionState: TLSResumptionState?) {
        self.method = method
        self.innerMethod = innerMethod
        self.msk = msk
        self.emsk = emsk
        self.sessionId = sessionId
        self.expectedMPPERecvKey = expectedMPPE?.recv
        self.expectedMPPESendKey = expectedMPPE?.send
        self.tls = tls
        self.innerTLS = innerTLS
        self.cryptoBinding = cryptoBinding
        self.resumed = resumed
        self.innerMethodRan = innerMethodRan
        self.resumptionState = resumptionState
    }

    /// The MPPE keys a RADIUS server derives from the MSK, as the peer expects them in the Access-Accept.
    ///
    /// EAP-TLS and PEAP (RFC 2716 §3.5 / RFC 5216 §2.3 via RFC 3579; [MS-PEAP] §3.1.5.7): MS-MPPE-Recv-Key =
    /// MSK[0..<32], MS-MPPE-Send-Key = MSK[32..<64]. With PEAP crypto-binding the MSK is the CSK's first 64
    /// octets, so the same split applies to it. EAP-MSCHAPv2 (RFC 3079, hostapd `eap_mschapv2_getKey`): the MSK
    /// is the peer's send key ‖ its receive key (16 octets each), so Recv-Key = MSK[0..<16], Send-Key =
    /// MSK[16..<32]. hostapd's eapol_test checks exactly this: it takes MS-MPPE-Recv-Key (extended by the
    /// Send-Key when both are 16 octets) as the PMK and compares it with MSK[0..<32] ("MPPE keys OK"); the lab
    /// confirms both layouts against FreeRADIUS and hostapd.
    public static func expectedMPPEKeys(method: EAPType, msk: [UInt8]) -> (recv: [UInt8], send: [UInt8]) {
        let half = method == .mschapv2 ? 16 : 32
        guard msk.count >= 2 * half else { return (Array(msk.prefix(half)), Array(msk.dropFirst(half))) }
        return (Array(msk[0..<half]), Array(msk[half..<(2 * half)]))
    }
}

/// What became of the PEAP Crypto-Binding TLV ([MS-PEAP] §3.1.5.5).
public enum CryptoBindingOutcome: Sendable, Codable, Equatable {
    /// The server's Compound MAC verified and the peer answered with its own; the MSK comes from the CSK.
    case verified
    /// The server sent none (FreeRADIUS, or NPS not configured for it).
    case absent
    /// The server's binding did not verify (wrong version/subtype or Compound MAC mismatch): a possible
    /// man in the middle, or keys that differ.
    case failed(reason: String)
    /// The server sent one but the policy is ``CryptoBindingPolicy/disabled``: not checked, not answered.
    case declined
    /// Not PEAP.
    case notApplicable
}

/// Why a conversation failed, where, and the evidence that says so.
public struct EAPPeerFailure: Sendable, Error, CustomStringConvertible {
    /// The kind of failure. A struct so kinds can be added; compare with `==`.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The server sent EAP-Failure (and nothing more specific is known: see ``EAPPeerFailure/step``).
        public static let eapFailure = Kind(rawValue: "eapFailure")
        /// We refused the server's certificate (untrusted root, name, EKU, expired, revoked); our TLS alert
        /// was sent when TLS produced one. We never sent our own certificate.
        public static let serverValidation = Kind(rawValue: "serverValidation")
        /// The server failed to prove itself: a wrong MS-CHAPv2 authenticator response (S=) or a wrong
        /// crypto-binding Compound MAC.
        public static let impostor = Kind(rawValue: "impostor")
        /// The TLS handshake failed: the server's alert, or a handshake error.
        public static let tlsFailure = Kind(rawValue: "tlsFailure")
        /// The server would not use any method we accept (after our Nak).
        public static let methodRefused = Kind(rawValue: "methodRefused")
        /// The server broke the protocol: a malformed or unexpected packet, a premature EAP-Success, a message
        /// over the reassembly limit. RFC 3748 would silently discard some of these; over RADIUS nothing more
        /// would come, so the peer reports them instead.
        public static let protocolViolation = Kind(rawValue: "protocolViolation")
        /// Inside PEAP the inner method or phase 2 failed: MS-CHAPv2 Failure `E=…` (``EAPPeerFailure/msCHAPv2``),
        /// a Result TLV failure (``EAPPeerFailure/resultTLV``), or a tunneled EAP-Failure.
        public static let innerFailure = Kind(rawValue: "innerFailure")
        /// Bare EAP-MSCHAPv2 reported failure (``EAPPeerFailure/msCHAPv2``) before the EAP-Failure.
        public static let methodFailure = Kind(rawValue: "methodFailure")
        /// The server did something our policy refuses: no Crypto-Binding TLV with
        /// ``CryptoBindingPolicy/required``, or success claimed without any inner authentication.
        public static let policy = Kind(rawValue: "policy")
        /// Our own configuration cannot work: fragment size too small, a TLS session that cannot be made (bad
        /// resumption state), a password MS-CHAPv2 cannot carry.
        public static let configuration = Kind(rawValue: "configuration")

        public var description: String { rawValue }
    }

    /// Where the conversation stood when it failed (for an EAP-Failure: the step it came after).
    public var step: EAPStep
    public var kind: Kind
    /// What happened, for a human.
    public var reason: String
    /// The outer TLS handshake so far.
    public var tls: TLSEvidence?
    /// PEAP's inner EAP-TLS handshake so far.
    public var innerTLS: TLSEvidence?
    /// The decoded MS-CHAPv2 Failure (`E=691 R=0 C=… V=3 M=…`), when one arrived.
    public var msCHAPv2: MSCHAPv2Failure?
    /// The status of the last PEAP Result TLV the server sent, when one arrived.
    public var resultTLV: EAPTLVResultStatus?
    /// The TLS layer's error, when TLS failed.
    public var tlsError: TLSError?
    /// The decoding error, for a malformed packet.
    public var eapError: EAPError?

    public init(step: EAPStep, kind: Kind, reason: String, tls: TLSEvidence? = nil, innerTLS: TLSEvidence? = nil,
                msCHAPv2: MSCHAPv2Failure? = nil, resultTLV: EAPTLVResultStatus? = nil, tlsError: TLSError? = nil,
                eapError: EAPError? = nil) {
        self.step = step
        self.kind = kind
        self.reason = reason
        self.tls = tls
        self.innerTLS = innerTLS
        self.msCHAPv2 = msCHAPv2
        self.resultTLV = resultTLV
        self.tlsError = tlsError
        self.eapError = eapError
    }

    public var description: String { "EAP \(kind) at \(step): \(reason)" }
}
