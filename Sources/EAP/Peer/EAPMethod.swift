import TLS

/// An EAP method the peer implements, described once in the method's own file: its name in profiles, its Type,
/// what it needs and what it gives. ``registered`` lists them; profiles, the command line, validation and case
/// preparation know a method only from here.
public struct EAPMethodKind: Hashable, Sendable, CustomStringConvertible {
    /// What a method needs and gives.
    public struct Capabilities: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Sends a password.
        public static let password = Capabilities(rawValue: 1 << 0)
        /// Changes an expired password when a new one is configured (MS-CHAPv2, RFC 2759 §7).
        public static let changesPassword = Capabilities(rawValue: 1 << 1)
        /// Sends a client certificate.
        public static let clientCertificate = Capabilities(rawValue: 1 << 2)
        /// Runs TLS with the server: needs a CA to check the server's certificate (or `insecure`).
        public static let tls = Capabilities(rawValue: 1 << 3)
        /// Derives an MSK, so the Access-Accept's MS-MPPE keys can be checked.
        public static let derivesKeys = Capabilities(rawValue: 1 << 4)
        /// May run inside PEAP ([MS-PEAP] names EAP-MSCHAPv2 and EAP-TLS).
        public static let insidePEAP = Capabilities(rawValue: 1 << 5)
    }

    /// The name after `eap-` or `peap-` in profiles and on the command line: `tls`, `mschapv2`, `md5`.
    public let name: String
    public let type: EAPType
    public let capabilities: Capabilities
    /// Builds the method's configuration from what a profile gives.
    let configure: @Sendable (EAPMethodCredentials) throws(EAPError) -> EAPMethodConfiguration

    init(name: String, type: EAPType, capabilities: Capabilities,
         configure: @escaping @Sendable (EAPMethodCredentials) throws(EAPError) -> EAPMethodConfiguration) {
        self.name = name
        self.type = type
        self.capabilities = capabilities
        self.configure = configure
    }

    /// Every method the peer runs, in the order help texts list them. Adding a method: its file, and one entry here.
    public static let registered: [EAPMethodKind] = [.mschapv2, .tls, .md5]

    public var description: String { type.description }
    public static func == (lhs: EAPMethodKind, rhs: EAPMethodKind) -> Bool { lhs.type == rhs.type }
    public func hash(into hasher: inout Hasher) { hasher.combine(type) }
}

/// What a profile gives a method: each method takes what its capabilities name and refuses to be configured
/// without it.
public struct EAPMethodCredentials: Sendable {
    /// The user: MS-CHAPv2's Name (`DOMAIN\user` or `user@realm`).
    public var identity: String
    public var password: String?
    /// MS-CHAPv2's new password for an expired one (E=648).
    public var newPassword: String?
    /// The TLS context that carries our certificate (EAP-TLS, PEAP's inner EAP-TLS).
    public var tls: TLSClientContext?

    public init(identity: String, password: String? = nil, newPassword: String? = nil, tls: TLSClientContext? = nil) {
        self.identity = identity
        self.password = password
        self.newPassword = newPassword
        self.tls = tls
    }

    /// The password, or the error naming the method that needs it.
    func requirePassword(_ method: String) throws(EAPError) -> String {
        guard let password else { throw EAPError(.invalidConfiguration, "\(method) needs a password") }
        return password
    }

    /// The TLS context, or the error naming the method that needs it.
    func requireTLS(_ method: String) throws(EAPError) -> TLSClientContext {
        guard let tls else { throw EAPError(.invalidConfiguration, "\(method) needs a TLS context") }
        return tls
    }
}

/// The method a conversation runs, outer and inner explicit: `eap(.tls)` is `eap-tls`, `peap(inner: .mschapv2)`
/// is `peap-mschapv2`. The flat names are the profile and command-line spelling and the `method` of `--json`.
public enum EAPMethod: Hashable, Sendable, CustomStringConvertible {
    /// A method on its own, outside any tunnel.
    case eap(EAPMethodKind)
    /// PEAPv0 ([MS-PEAP]) around an inner method that may run inside it.
    case peap(inner: EAPMethodKind)

    /// Every method a profile may name: each registered one alone, then PEAP around each that may run inside it.
    public static var allCases: [EAPMethod] {
        EAPMethodKind.registered.map(EAPMethod.eap)
            + EAPMethodKind.registered.filter { $0.capabilities.contains(.insidePEAP) }.map { .peap(inner: $0) }
    }

    /// `eap-tls`, `eap-mschapv2`, `peap-tls`, …
    public var name: String {
        switch self {
        case .eap(let kind): return "eap-\(kind.name)"
        case .peap(let inner): return "peap-\(inner.name)"
        }
    }

    public init?(name: String) {
        guard let method = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = method
    }

    public var description: String { name }

    /// The outer EAP Type: the one the peer accepts and names in its Nak.
    public var type: EAPType {
        switch self {
        case .eap(let kind): return kind.type
        case .peap: return .peap
        }
    }

    /// PEAP's inner method; nil outside PEAP.
    public var inner: EAPMethodKind? {
        switch self {
        case .eap: return nil
        case .peap(let inner): return inner
        }
    }

    /// What the conversation needs and gives: the method's, and for PEAP the inner method's plus a TLS tunnel
    /// whose keys are checked.
    public var capabilities: EAPMethodKind.Capabilities {
        switch self {
        case .eap(let kind): return kind.capabilities
        case .peap(let inner): return inner.capabilities.subtracting(.insidePEAP).union([.tls, .derivesKeys])
        }
    }

    /// The peer's configuration for this method. `tunnel` is PEAP's phase-1 TLS context (usually without our
    /// certificate); PEAP refuses to be configured without one, and so does an inner method that cannot run
    /// inside PEAP.
    public func configuration(
        _ credentials: EAPMethodCredentials, tunnel: TLSClientContext? = nil,
        cryptoBinding: CryptoBindingPolicy = .optional, soh: SoHPolicy = .nak
    ) throws(EAPError) -> EAPMethodConfiguration {
        switch self {
        case .eap(let kind):
            return try kind.configure(credentials)
        case .peap(let inner):
            guard inner.capabilities.contains(.insidePEAP) else {
                throw EAPError(.invalidConfiguration, "\(inner) cannot run inside PEAP")
            }
            guard let tunnel else { throw EAPError(.invalidConfiguration, "PEAP needs a TLS context for its tunnel") }
            return .peap(PEAPConfiguration(
                outer: tunnel, innerIdentity: credentials.identity, inner: try inner.configure(credentials),
                cryptoBinding: cryptoBinding, soh: soh))
        }
    }
}

/// The one method a conversation runs, configured. A server proposing another is answered with a Nak naming it.
/// Build one with the method's factory (``tls(_:resuming:)``, ``peap(_:)``, ``mschapv2(_:)``, ``md5(password:)``)
/// or from the model with ``EAPMethod/configuration(_:tunnel:cryptoBinding:soh:)``.
public struct EAPMethodConfiguration: Sendable {
    let base: any PeerMethodConfiguration

    init(_ base: any PeerMethodConfiguration) { self.base = base }

    /// The method as a profile names it.
    public var method: EAPMethod { base.method }

    /// The outer EAP Type.
    public var type: EAPType { base.method.type }

    /// The PEAP configuration, when this is PEAP.
    public var peap: PEAPConfiguration? { base as? PEAPConfiguration }

    /// The same method offering `state` for TLS session resumption (EAP-TLS, PEAP fast reconnect); nil for a
    /// method without TLS.
    public func resuming(_ state: TLSResumptionState) -> EAPMethodConfiguration? {
        base.resuming(state).map(EAPMethodConfiguration.init)
    }
}
