import TLS

/// Everything one EAP conversation needs, from the peer's side. Built once per profile and shared by every
/// conversation: the TLS contexts inside are immutable and thread-safe; each ``EAPPeer`` makes its own sessions.
public struct EAPPeerConfiguration: Sendable {
    /// The EAP-Response/Identity (RFC 3748 §5.1): the outer identity, e.g. `anonymous@corp` for PEAP, the
    /// certificate's name for EAP-TLS, the user name for bare EAP-MSCHAPv2.
    public var identity: String
    public var method: EAPMethodConfiguration
    /// The largest EAP Type-Data of an outgoing EAP-TLS/PEAP fragment, in ``TLSFragmenter`` units (flags, the
    /// optional 4-octet length and TLS data). ``TLSFragmenter/Configuration/defaultMaxTypeDataSize`` (1403) equals
    /// hostapd's `fragment_size=1398` TLS octets; ``TLSFragmenter/Configuration/typeDataSize(hostapdFragmentSize:)``
    /// converts. At least 6.
    public var fragmentSize: Int
    /// The cap on one reassembled incoming TLS message (hostapd's is 64 KiB); more is a protocol violation.
    public var reassemblyLimit: Int = TLSReassembler.defaultMaximumMessageSize

    public init(identity: String, method: EAPMethodConfiguration,
                fragmentSize: Int = TLSFragmenter.Configuration.defaultMaxTypeDataSize,
                reassemblyLimit: Int = TLSReassembler.defaultMaximumMessageSize) {
        self.identity = identity
        self.method = method
        self.fragmentSize = fragmentSize
        self.reassemblyLimit = reassemblyLimit
    }

    /// The EAP Type the peer will accept, and names in its Nak.
    public var methodType: EAPType { method.type }
}

/// PEAPv0 as a Windows client runs it against NPS.
public struct PEAPConfiguration: Sendable {
    /// The phase-1 (tunnel) TLS context: trusted roots and server names, usually without client credentials.
    public var outer: TLSClientContext
    /// A saved outer session to offer (PEAP fast reconnect, [MS-PEAP] §3.1.5.3).
    public var resuming: TLSResumptionState?
    /// The inner EAP-Response/Identity, sent inside the tunnel (the real user, e.g. `CORP\alice`).
    public var innerIdentity: String
    public var inner: PEAPInnerMethod
    public var cryptoBinding: CryptoBindingPolicy
    public var soh: SoHPolicy
    /// Put the TLS Message Length on every phase-1 fragment, as NPS expects from PEAPv0 peers. When false, the
    /// length goes on the first fragment of every phase-1 message (hostapd's PEAPv0 behaviour). Phase-2
    /// messages carry it on the first fragment of fragmented messages only (RFC 5216 §2.1.5).
    public var lengthOnEveryFragment: Bool = true
    /// The Type-Data budget of inner EAP-TLS fragments. `nil`: the outer fragment size less 100 octets (at least
    /// 64), so that each inner EAP-TLS packet, sealed in one TLS record, fits one outer PEAP fragment — as
    /// wpa_supplicant does, and as FreeRADIUS needs: it rebuilds the inner EAP header with the outer identifier,
    /// so an inner packet spread over several outer fragments loses its inner session.
    public var innerFragmentSize: Int?

    public init(outer: TLSClientContext, resuming: TLSResumptionState? = nil, innerIdentity: String,
                inner: PEAPInnerMethod, cryptoBinding: CryptoBindingPolicy = .optional, soh: SoHPolicy = .nak,
                lengthOnEveryFragment: Bool = true, innerFragmentSize: Int? = nil) {
        self.outer = outer
        self.resuming = resuming
        self.innerIdentity = innerIdentity
        self.inner = inner
        self.cryptoBinding = cryptoBinding
        self.soh = soh
        self.lengthOnEveryFragment = lengthOnEveryFragment
        self.innerFragmentSize = innerFragmentSize
    }
}

/// The method PEAP runs inside its tunnel: one whose kind may run inside PEAP (``EAPMethodKind/Capabilities/insidePEAP``),
/// e.g. `.mschapv2(credentials)` (PEAP-MSCHAPv2, "Secured password") or `.tls(context)` (PEAP-TLS, "Smart card or other
/// certificate" inside PEAP, with its own TLS context).
public typealias PEAPInnerMethod = EAPMethodConfiguration

/// What the peer does with the PEAP Crypto-Binding TLV ([MS-PEAP] §3.2.5.4.x; hostapd `crypto_binding=`).
public enum CryptoBindingPolicy: String, Sendable, Codable, CaseIterable {
    /// Never send one; a server's Crypto-Binding TLV is not checked (hostapd `crypto_binding=0`).
    case disabled
    /// Verify and answer it when the server sends one; accept its absence (FreeRADIUS). The default, as Windows.
    case optional
    /// Fail when the server does not send one (hostapd `crypto_binding=2`).
    case required
}

/// How the peer answers NPS's Statement-of-Health request ([MS-PEAP] §2.2.8.2, §3.2.5.4.5).
public enum SoHPolicy: String, Sendable, Codable, CaseIterable {
    /// Answer with a Nak naming the inner method: the peer has no NAP agent.
    case nak
}

/// An MS-CHAPv2 account. `newPassword` is used when the server says the password has expired (E=648): the peer
/// then sends Change-Password (RFC 2759 §7) instead of giving up.
public struct MSCHAPv2Credentials: Sendable {
    /// The user name as sent in the MS-CHAPv2 Response Name field (`DOMAIN\user` or `user@realm`).
    public var username: String
    public var password: String
    public var newPassword: String?

    public init(username: String, password: String, newPassword: String? = nil) {
        self.username = username
        self.password = password
        self.newPassword = newPassword
    }
}
