/// How the client checks the server, like Windows "Verify the server's identity by validating the
/// certificate": trusted roots, "Connect to these servers", and the server-authentication EKU.
public struct TLSServerValidation: Sendable {
    /// PEM (or DER) file of trusted CA certificates. With no file, directory or `trustedCAPEM`, OpenSSL's
    /// default system store is used.
    public var trustedCAFile: String?
    /// A directory whose certificate files (PEM or DER, any name) are all trusted.
    public var trustedCADirectory: String?
    /// Trusted CA certificates given in memory (PEM, or one DER), e.g. embedded in a profile.
    public var trustedCAPEM: [UInt8]?
    /// More CA files, each loaded on its own so that one holding no certificate is named (`--ca a.pem --ca b.pem`).
    public var trustedCAFiles: [String]
    /// Accepted server names, matched case-insensitively against the leaf's DNS SANs, or its CN when it
    /// has no DNS SAN. A leading "*." label (in a name here or in the certificate) matches exactly one
    /// label. Empty = no name check.
    public var acceptedServerNames: [String]
    /// The leaf must carry id-kp-serverAuth; a certificate without an EKU extension fails (as on Windows).
    public var requireServerAuthEKU: Bool
    /// Check the server chain against the CRLs in this file (the leaf's issuer must have one; other
    /// certificates are checked when the file has a CRL for their issuer).
    public var crlFile: String?
    /// Skip every check. The CLI warns loudly.
    public var insecure: Bool

    public init(
        trustedCAFile: String? = nil, trustedCADirectory: String? = nil, acceptedServerNames: [String] = [],
        requireServerAuthEKU: Bool = true, crlFile: String? = nil, insecure: Bool = false,
        trustedCAPEM: [UInt8]? = nil, trustedCAFiles: [String] = []
    ) {
        self.trustedCAFile = trustedCAFile
        self.trustedCADirectory = trustedCADirectory
        self.trustedCAPEM = trustedCAPEM
        self.trustedCAFiles = trustedCAFiles
        self.acceptedServerNames = acceptedServerNames
        self.requireServerAuthEKU = requireServerAuthEKU
        self.crlFile = crlFile
        self.insecure = insecure
    }

    /// No checks at all.
    public static var insecure: TLSServerValidation { TLSServerValidation(insecure: true) }

    /// Whether one of the server's identities matches one of the accepted names (see `acceptedServerNames`).
    public static func nameMatches(identities: [String], accepted: [String]) -> Bool {
        identities.contains { identity in accepted.contains { dnsNameMatches(identity, $0) } }
    }

    /// Case-insensitive DNS name equality where "*.rest" on either side matches exactly one extra label
    /// (RFC 6125 §6.4.3 restricted to a whole left-most label).
    public static func dnsNameMatches(_ a: String, _ b: String) -> Bool {
        let left = normalize(a)
        let right = normalize(b)
        guard !left.isEmpty, !right.isEmpty else { return false }
        if left == right { return true }
        return wildcardMatches(pattern: left, name: right) || wildcardMatches(pattern: right, name: left)
    }

    private static func normalize(_ name: String) -> String {
        var text = name.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    private static func wildcardMatches(pattern: String, name: String) -> Bool {
        guard pattern.hasPrefix("*."), !name.hasPrefix("*.") else { return false }
        let suffix = pattern.dropFirst(2)
        // The suffix needs at least two labels so "*.com" cannot match everything under a TLD.
        guard suffix.contains("."), let dot = name.firstIndex(of: ".") else { return false }
        let firstLabel = name[..<dot]
        return !firstLabel.isEmpty && name[name.index(after: dot)...] == suffix
    }
}

/// Everything a client context needs; built once per profile.
public struct TLSClientConfiguration: Sendable {
    public var credentials: TLSCredentials?
    public var validation: TLSServerValidation
    public var minimumVersion: TLSVersion
    /// Default 1.2: NPS does not do TLS 1.3 for EAP.
    public var maximumVersion: TLSVersion
    /// TLS ≤ 1.2 cipher list in OpenSSL syntax, e.g. "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA".
    public var cipherList: String?
    /// TLS 1.3 cipher suites, e.g. "TLS_AES_256_GCM_SHA384".
    public var cipherSuites: String?
    /// Key-exchange groups, e.g. "X25519:P-256".
    public var groups: String?
    /// Keep sessions (TLS 1.2 session IDs/tickets, TLS 1.3 tickets) so a later session can resume.
    public var sessionResumption: Bool
    /// Server Name Indication to send (EAP does not need it; some servers pick a certificate by it).
    public var serverNameIndication: String?
    /// Where every session of the context records its secrets (NSS key log entries), for Wireshark; nil records
    /// nothing. The entries are the sessions' keys: write them only where the user asked.
    public var keyLog: TLSKeyLog?

    public init(
        credentials: TLSCredentials? = nil, validation: TLSServerValidation = TLSServerValidation(),
        minimumVersion: TLSVersion = .tls1_2, maximumVersion: TLSVersion = .tls1_2, cipherList: String? = nil,
        cipherSuites: String? = nil, groups: String? = nil, sessionResumption: Bool = false,
        serverNameIndication: String? = nil, keyLog: TLSKeyLog? = nil
    ) {
        self.credentials = credentials
        self.validation = validation
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.groups = groups
        self.sessionResumption = sessionResumption
        self.serverNameIndication = serverNameIndication
        self.keyLog = keyLog
    }
}
