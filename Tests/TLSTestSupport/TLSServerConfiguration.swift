import TLS

/// The test/loopback server's settings. Not for production: it exists so EAP tests can run a real
/// TLS peer in memory without touching OpenSSL themselves.
public struct TLSServerConfiguration: Sendable {
    public var credentials: TLSCredentials
    /// CAs whose client certificates are accepted; their names go into the CertificateRequest.
    public var clientCAFile: String?
    /// The same, in memory (PEM, or one DER).
    public var clientCAPEM: [UInt8]?
    /// Send a CertificateRequest (implied by `requireClientCertificate`, `clientCAFile` and `clientCAPEM`).
    public var requestClientCertificate: Bool
    /// Fail the handshake when the client sends no certificate.
    public var requireClientCertificate: Bool
    public var minimumVersion: TLSVersion
    public var maximumVersion: TLSVersion
    /// Check client certificates against the CRLs in this file.
    public var crlFile: String?
    public var cipherList: String?
    public var cipherSuites: String?
    public var groups: String?
    /// Session cache and tickets for resumption (on by default).
    public var sessionResumption: Bool
    /// TLS 1.3 tickets sent after the handshake (OpenSSL's default is 2).
    public var ticketCount: Int

    public init(
        credentials: TLSCredentials, clientCAFile: String? = nil, requestClientCertificate: Bool = false,
        requireClientCertificate: Bool = false, minimumVersion: TLSVersion = .tls1_2,
        maximumVersion: TLSVersion = .tls1_3, crlFile: String? = nil, cipherList: String? = nil,
        cipherSuites: String? = nil, groups: String? = nil, sessionResumption: Bool = true, ticketCount: Int = 2,
        clientCAPEM: [UInt8]? = nil
    ) {
        self.credentials = credentials
        self.clientCAFile = clientCAFile
        self.clientCAPEM = clientCAPEM
        self.requestClientCertificate = requestClientCertificate
        self.requireClientCertificate = requireClientCertificate
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.crlFile = crlFile
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.groups = groups
        self.sessionResumption = sessionResumption
        self.ticketCount = ticketCount
    }
}
