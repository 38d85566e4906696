import EAP
import Foundation
import RADIUS
import TLS

/// Where a secret comes from. Profiles name secrets; they do not hold them (a literal is accepted with a
/// warning). Paths are absolute once loaded.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// An environment variable's value.
    case env(String)
    /// A file's content without one trailing newline (files written with `echo` end with one).
    case file(String)
    /// The secret itself, written in the profile or on the command line.
    case literal(String)

    /// The secret, or a `ProfileError` (`unsetSecret`, `missingFile`) saying why it is not available. `what`
    /// names it in messages ("the password", "the shared secret").
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                        at location: SourceLocation = .file("<settings>"),
                        what: String = "the secret") throws(ProfileError) -> String {
        switch self {
        case .literal(let value):
            return value
        case .env(let name):
            guard let value = environment[name] else {
                throw ProfileError(.unsetSecret, at: location,
                                   "\(what) comes from the environment variable \(name), which is not set",
                                   hint: "export \(name)=… before running")
            }
            return value
        case .file(let path):
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            guard exists, !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
                let why = !exists ? "does not exist" : isDirectory.boolValue ? "is a directory, not a file"
                    : "cannot be read by this user"
                let fromProfile = !location.path.hasPrefix("<")
                throw ProfileError(.missingFile, at: location, "\(what) file \(path) \(why)",
                                   hint: fromProfile && !exists
                                       ? "relative paths resolve against the folder of the profile" : nil)
            }
            guard var text = String(data: data, encoding: .utf8) else {
                throw ProfileError(.missingFile, at: location, "\(what) file \(path) is not UTF-8 text")
            }
            if text.hasSuffix("\r\n") {
                text.removeLast(2)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            return text
        }
    }

    /// `env:NAME`, `file:/path`, or `literal` (never the value).
    public var description: String {
        switch self {
        case .env(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        case .literal: return "literal"
        }
    }
}

/// Everything one authentication needs, every field optional: a profile fills some, suite defaults and
/// the command line others, and `merged(over:)` layers them. Independent of YAML and of ArgumentParser
/// so that `auth` options build one too. Paths are absolute.
public struct AuthSettings: Sendable, Hashable {
    /// How the probe authenticates (the profile key `method`): a RADIUS-attribute method, or an EAP method with
    /// its outer and inner parts explicit (``EAPMethod``). Spelled flat in profiles, on the command line and in
    /// `--json`: `pap`, `chap`, `mschapv2`, `eap-tls`, `eap-mschapv2`, `peap-tls`, `peap-mschapv2`, …
    public enum Method: Sendable, Hashable, CaseIterable, Codable, RawRepresentable, CustomStringConvertible {
        /// PAP: User-Password (RFC 2865 §5.2).
        case pap
        /// CHAP: CHAP-Password over a CHAP-Challenge (RFC 2865 §5.3).
        case chap
        /// MS-CHAPv2 in RADIUS attributes (RFC 2548), as a VPN server sends it.
        case mschapv2
        /// EAP over RADIUS (RFC 3579): every method the EAP peer registers, alone or inside PEAP.
        case eap(EAPMethod)

        /// Bare EAP-MSCHAPv2 (EAP type 26) outside any tunnel.
        public static let eapMSCHAPv2 = Method.eap(.eap(.mschapv2))
        public static let eapTLS = Method.eap(.eap(.tls))
        /// PEAPv0 with inner EAP-TLS (smart card or user certificate), as Always On VPN user tunnels.
        public static let peapTLS = Method.eap(.peap(inner: .tls))
        public static let peapMSCHAPv2 = Method.eap(.peap(inner: .mschapv2))

        public static var allCases: [Method] { [.pap, .chap, .mschapv2] + EAPMethod.allCases.map(Method.eap) }

        public init?(rawValue: String) {
            switch rawValue {
            case "pap": self = .pap
            case "chap": self = .chap
            case "mschapv2": self = .mschapv2
            default:
                guard let method = EAPMethod(name: rawValue) else { return nil }
                self = .eap(method)
            }
        }

        public var rawValue: String {
            switch self {
            case .pap: return "pap"
            case .chap: return "chap"
            case .mschapv2: return "mschapv2"
            case .eap(let method): return method.name
            }
        }

        public var description: String { rawValue }

        /// What the method needs and gives, from the EAP method's description for EAP.
        private var capabilities: EAPMethodKind.Capabilities {
            switch self {
            case .pap, .chap: return [.password]
            case .mschapv2: return [.password, .derivesKeys]
            case .eap(let method): return method.capabilities
            }
        }

        /// Methods that run TLS with the server (need `tls.ca` or `tls.insecure`).
        public var usesTLS: Bool { capabilities.contains(.tls) }
        /// Methods that send a client certificate.
        public var usesClientCertificate: Bool { capabilities.contains(.clientCertificate) }
        /// Methods that send a password.
        public var usesPassword: Bool { capabilities.contains(.password) }
        /// Methods that change an expired password when a new one is configured (MS-CHAPv2 inside EAP, RFC 2759 §7;
        /// RFC 2548 MS-CHAPv2 reads `new_password` too).
        public var changesPassword: Bool { self == .mschapv2 || capabilities.contains(.changesPassword) }
        /// Methods that run EAP (fragment size, Framed-MTU, outer identity matter).
        public var isEAP: Bool { eap != nil }
        public var isPEAP: Bool { eap?.inner != nil }
        /// Methods whose Access-Accept carries MS-MPPE keys the client can check.
        public var derivesKeys: Bool { capabilities.contains(.derivesKeys) }

        /// The EAP method; nil for PAP, CHAP and RADIUS MS-CHAPv2.
        public var eap: EAPMethod? {
            if case .eap(let method) = self { return method }
            return nil
        }
    }

    /// The attributes a NAS puts in every Access-Request.
    public struct NAS: Sendable, Hashable {
        /// What kind of NAS to look like: the attributes NPS network policies usually match on.
        public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
            /// A Windows RRAS / VPN server: NAS-Port-Type Virtual (5), Service-Type Framed-User, Framed-Protocol
            /// PPP — what NPS's "Remote Access Server (VPN-Dial up)" policies expect.
            case vpn
            /// An 802.1X access point: NAS-Port-Type Wireless-802.11 (19), Service-Type Framed-User,
            /// Framed-MTU 1400.
            case wifi
            /// An 802.1X switch port: NAS-Port-Type Ethernet (15), Service-Type Framed-User, Framed-MTU 1400.
            case wired
            /// No preset: only the attributes given.
            case none

            /// The preset's attributes as `Name=value` text for the dictionary.
            public var attributes: [String] {
                switch self {
                case .vpn: return ["NAS-Port-Type=Virtual", "Service-Type=Framed-User", "Framed-Protocol=PPP"]
                case .wifi: return ["NAS-Port-Type=Wireless-802.11", "Service-Type=Framed-User", "Framed-MTU=1400"]
                case .wired: return ["NAS-Port-Type=Ethernet", "Service-Type=Framed-User", "Framed-MTU=1400"]
                case .none: return []
                }
            }
        }

        public var kind: Kind?
        /// NAS-IP-Address or NAS-IPv6-Address (default at run time: the local address toward the server).
        public var ipAddress: String?
        public var identifier: String?
        public var callingStationId: String?
        public var calledStationId: String?

        public init(ipAddress: String? = nil, identifier: String? = nil, callingStationId: String? = nil,
                    calledStationId: String? = nil, kind: Kind? = nil) {
            self.kind = kind
            self.ipAddress = ipAddress
            self.identifier = identifier
            self.callingStationId = callingStationId
            self.calledStationId = calledStationId
        }

        public func merged(over base: NAS) -> NAS {
            NAS(ipAddress: ipAddress ?? base.ipAddress, identifier: identifier ?? base.identifier,
                callingStationId: callingStationId ?? base.callingStationId,
                calledStationId: calledStationId ?? base.calledStationId, kind: kind ?? base.kind)
        }

        public var isEmpty: Bool { self == NAS() }
    }

    /// The client's TLS side: its credentials and how it checks the server.
    public struct TLS: Sendable, Hashable {
        /// PEM (or DER) client certificate, optionally followed by intermediates to send.
        public var certificate: String?
        /// The private key (nil: in `certificate`'s file).
        public var key: String?
        /// A PKCS#12 file instead of `certificate` + `key`.
        public var pkcs12: String?
        /// The password of an encrypted key or of the PKCS#12 file.
        public var keyPassword: SecretReference?
        /// Files or directories of CA certificates trusted for the server's certificate.
        public var ca: [String]?
        /// The CA the server trusts for client certificates (pre-flight chain check only; never sent).
        public var clientCA: String?
        /// CRLs of the CA that issued our certificate: the pre-flight checks ours is not revoked (never sent).
        public var clientCRL: String?
        /// Names accepted in the server certificate ("Connect to these servers").
        public var serverNames: [String]?
        /// Skip every check of the server certificate (warned about).
        public var insecure: Bool?
        /// Require the serverAuth EKU in the server certificate (Windows does; default true).
        public var requireServerAuthEKU: Bool?
        /// CRLs to check the server chain against.
        public var crl: String?
        /// "1.0" … "1.3".
        public var minVersion: String?
        public var maxVersion: String?
        /// TLS ≤ 1.2 cipher list (OpenSSL syntax).
        public var ciphers: String?
        /// TLS 1.3 cipher suites.
        public var cipherSuites: String?
        /// Key-exchange groups, e.g. "X25519:P-256".
        public var groups: String?
        /// Keep the TLS session for resumption / PEAP fast reconnect on the next run of the case.
        public var resume: Bool?
        /// Server Name Indication to send.
        public var sni: String?

        public init(
            certificate: String? = nil, key: String? = nil, pkcs12: String? = nil, keyPassword: SecretReference? = nil,
            ca: [String]? = nil, clientCA: String? = nil, serverNames: [String]? = nil, insecure: Bool? = nil,
            requireServerAuthEKU: Bool? = nil, crl: String? = nil, minVersion: String? = nil,
            maxVersion: String? = nil, ciphers: String? = nil, cipherSuites: String? = nil, groups: String? = nil,
            resume: Bool? = nil, sni: String? = nil, clientCRL: String? = nil
        ) {
            self.certificate = certificate
            self.key = key
            self.pkcs12 = pkcs12
            self.keyPassword = keyPassword
            self.ca = ca
            self.clientCA = clientCA
            self.clientCRL = clientCRL
            self.serverNames = serverNames
            self.insecure = insecure
            self.requireServerAuthEKU = requireServerAuthEKU
            self.crl = crl
            self.minVersion = minVersion
            self.maxVersion = maxVersion
            self.ciphers = ciphers
            self.cipherSuites = cipherSuites
            self.groups = groups
            self.resume = resume
            self.sni = sni
        }

        public func merged(over base: TLS) -> TLS {
            TLS(certificate: certificate ?? base.certificate, key: key ?? base.key, pkcs12: pkcs12 ?? base.pkcs12,
                keyPassword: keyPassword ?? base.keyPassword, ca: ca ?? base.ca, clientCA: clientCA ?? base.clientCA,
                serverNames: serverNames ?? base.serverNames, insecure: insecure ?? base.insecure,
                requireServerAuthEKU: requireServerAuthEKU ?? base.requireServerAuthEKU, crl: crl ?? base.crl,
                minVersion: minVersion ?? base.minVersion, maxVersion: maxVersion ?? base.maxVersion,
                ciphers: ciphers ?? base.ciphers, cipherSuites: cipherSuites ?? base.cipherSuites,
                groups: groups ?? base.groups, resume: resume ?? base.resume, sni: sni ?? base.sni,
                clientCRL: clientCRL ?? base.clientCRL)
        }

        public var isEmpty: Bool { self == TLS() }
    }

    /// PEAP-specific behaviour ([MS-PEAP]).
    public struct PEAP: Sendable, Hashable {
        public enum CryptoBinding: String, Sendable, Hashable, CaseIterable, Codable {
            /// Never send the Crypto-Binding TLV.
            case disabled
            /// Answer it when the server sends it (Windows' default).
            case optional
            /// Fail when the server does not bind the tunnel (NPS can demand the same of clients).
            case required
        }

        /// How to answer NPS's Statement-of-Health request.
        public enum SoH: String, Sendable, Hashable, CaseIterable, Codable {
            case nak
        }

        public var cryptoBinding: CryptoBinding?
        public var soh: SoH?

        public init(cryptoBinding: CryptoBinding? = nil, soh: SoH? = nil) {
            self.cryptoBinding = cryptoBinding
            self.soh = soh
        }

        public func merged(over base: PEAP) -> PEAP {
            PEAP(cryptoBinding: cryptoBinding ?? base.cryptoBinding, soh: soh ?? base.soh)
        }

        public var isEmpty: Bool { self == PEAP() }
    }

    /// RADIUS accounting after an Access-Accept (RFC 2866): Start, optional Interim-Update, Stop.
    public struct Accounting: Sendable, Hashable {
        /// Send accounting (the profile's `accounting: true`, or a mapping without `enabled: false`).
        public var enabled: Bool?
        /// `HOST[:PORT]` in failover order (default port 1813). Default: each authentication server's host on
        /// 1813, or on its port + 1 when that is not 1812.
        public var servers: [String]?
        /// Send an Interim-Update between Start and Stop.
        public var interimUpdate: Bool?

        public init(enabled: Bool? = nil, servers: [String]? = nil, interimUpdate: Bool? = nil) {
            self.enabled = enabled
            self.servers = servers
            self.interimUpdate = interimUpdate
        }

        public func merged(over base: Accounting) -> Accounting {
            Accounting(enabled: enabled ?? base.enabled, servers: servers ?? base.servers,
                       interimUpdate: interimUpdate ?? base.interimUpdate)
        }

        public var isEmpty: Bool { self == Accounting() }
    }

    /// `HOST[:PORT]` in failover order.
    public var servers: [String]?
    public var secret: SecretReference?
    /// Seconds to wait after the first transmission (doubles on each retransmission).
    public var timeout: Double?
    /// Retransmissions to each server before failing over.
    public var retries: Int?
    /// Drop replies without Message-Authenticator (default true).
    public var requireMessageAuthenticator: Bool?
    /// Extra dictionary files loaded on top of the root dictionary.
    public var dictionaries: [String]?
    /// Folder holding the root `dictionary` file.
    public var dictionaryDirectory: String?
    public var nas: NAS?
    /// Extra request attributes, `Name=value` with dictionary names (as `--attr`).
    public var attributes: [String]?
    public var method: Method?
    /// User-Name, and the EAP identity when no outer identity is given.
    public var identity: String?
    /// EAP-Response/Identity outside the tunnel (PEAP), e.g. `anonymous@corp.example`.
    public var outerIdentity: String?
    /// The identity inside the PEAP tunnel (default: `identity`).
    public var innerIdentity: String?
    public var password: SecretReference?
    /// The octets of a PAP/CHAP password: UTF-8 (default) or windows-1252, what NPS decodes (profile key
    /// `password_encoding`).
    public var passwordEncoding: PasswordEncoding?
    /// Proxy-State attributes to add to every Access-Request, as a proxy does (RFC 2865 §5.33), for testing a
    /// server's `limitProxyState` (KB5040268); text, or `0x` and hex octets (profile key `proxy_state`).
    public var proxyStates: [String]?
    /// MS-CHAPv2 change-password when the server answers E=648.
    public var newPassword: SecretReference?
    public var tls: TLS?
    /// EAP-TLS fragment size (TLS bytes per EAP packet).
    public var fragmentSize: Int?
    /// Framed-MTU to send (RFC 2865 §5.12).
    public var framedMTU: Int?
    public var peap: PEAP?
    public var accounting: Accounting?

    public init(
        servers: [String]? = nil, secret: SecretReference? = nil, timeout: Double? = nil, retries: Int? = nil,
        requireMessageAuthenticator: Bool? = nil, dictionaries: [String]? = nil, dictionaryDirectory: String? = nil,
        nas: NAS? = nil, attributes: [String]? = nil, method: Method? = nil, identity: String? = nil,
        outerIdentity: String? = nil, innerIdentity: String? = nil, password: SecretReference? = nil,
        newPassword: SecretReference? = nil, tls: TLS? = nil, fragmentSize: Int? = nil, framedMTU: Int? = nil,
        peap: PEAP? = nil, accounting: Accounting? = nil, passwordEncoding: PasswordEncoding? = nil,
        proxyStates: [String]? = nil
    ) {
        self.servers = servers
        self.secret = secret
        self.timeout = timeout
        self.retries = retries
        self.requireMessageAuthenticator = requireMessageAuthenticator
        self.dictionaries = dictionaries
        self.dictionaryDirectory = dictionaryDirectory
        self.nas = nas
        self.attributes = attributes
        self.method = method
        self.identity = identity
        self.outerIdentity = outerIdentity
        self.innerIdentity = innerIdentity
        self.password = password
        self.newPassword = newPassword
        self.tls = tls
        self.fragmentSize = fragmentSize
        self.framedMTU = framedMTU
        self.peap = peap
        self.accounting = accounting
        self.passwordEncoding = passwordEncoding
        self.proxyStates = proxyStates
    }

    /// `self` layered over `base`: every field set here wins; `nas`, `tls`, `peap` and `accounting` merge field by
    /// field;
    /// lists (servers, attributes, dictionaries, ca, server_names) replace, never concatenate.
    /// Suites merge defaults ← included profile ← case keys this way; `auth` merges its options over a
    /// `--profile` this way.
    public func merged(over base: AuthSettings) -> AuthSettings {
        AuthSettings(
            servers: servers ?? base.servers, secret: secret ?? base.secret, timeout: timeout ?? base.timeout,
            retries: retries ?? base.retries,
            requireMessageAuthenticator: requireMessageAuthenticator ?? base.requireMessageAuthenticator,
            dictionaries: dictionaries ?? base.dictionaries,
            dictionaryDirectory: dictionaryDirectory ?? base.dictionaryDirectory,
            nas: Self.merge(nas, base.nas) { $0.merged(over: $1) }, attributes: attributes ?? base.attributes,
            method: method ?? base.method, identity: identity ?? base.identity,
            outerIdentity: outerIdentity ?? base.outerIdentity, innerIdentity: innerIdentity ?? base.innerIdentity,
            password: password ?? base.password, newPassword: newPassword ?? base.newPassword,
            tls: Self.merge(tls, base.tls) { $0.merged(over: $1) }, fragmentSize: fragmentSize ?? base.fragmentSize,
            framedMTU: framedMTU ?? base.framedMTU, peap: Self.merge(peap, base.peap) { $0.merged(over: $1) },
            accounting: Self.merge(accounting, base.accounting) { $0.merged(over: $1) },
            passwordEncoding: passwordEncoding ?? base.passwordEncoding, proxyStates: proxyStates ?? base.proxyStates)
    }

    private static func merge<T>(_ top: T?, _ base: T?, _ combine: (T, T) -> T) -> T? {
        switch (top, base) {
        case (let top?, let base?): return combine(top, base)
        case (let top?, nil): return top
        case (nil, let base): return base
        }
    }

    /// A Proxy-State value's octets: `0x` and hex digits, else the text's UTF-8 (RFC 2865 §5.33: 1 to 253 octets).
    public static func proxyStateOctets(_ text: String) -> [UInt8]? {
        let octets: [UInt8]?
        if text.lowercased().hasPrefix("0x") {
            octets = [UInt8](hex: text.dropFirst(2))
        } else {
            octets = Array(text.utf8)
        }
        guard let octets, (1...253).contains(octets.count) else { return nil }
        return octets
    }

    /// Why `text` is not a Proxy-State value, or nil.
    public static func proxyStateProblem(_ text: String) -> String? {
        guard proxyStateOctets(text) == nil else { return nil }
        if text.lowercased().hasPrefix("0x"), [UInt8](hex: text.dropFirst(2)) == nil {
            return "\(text) is not 0x followed by an even number of hex digits"
        }
        return "\(text) is not 1 to 253 octets"
    }

    /// The identity sent in the EAP-Response/Identity: the outer identity, else `identity`.
    public var effectiveOuterIdentity: String? { outerIdentity ?? identity }
    /// The identity used inside PEAP: the inner identity, else `identity`.
    public var effectiveInnerIdentity: String? { innerIdentity ?? identity }
}
