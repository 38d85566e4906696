internal import COpenSSL

/// A TLS server context for TESTS AND LOOPBACK ONLY: it lets EAP tests run a real TLS peer in memory
/// without importing OpenSSL. npsprobe is a client; nothing in the product serves TLS.
public final class TLSServerContext: Sendable {
    public let configuration: TLSServerConfiguration
    private let context: SSLContextBox
    private let policy: PeerVerificationPolicy

    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        self.configuration = configuration
        let context = try SSLContextBox(server: true)
        let ctx = context.pointer
        try applyCommonSettings(ctx, CommonContextSettings(
            minimumVersion: configuration.minimumVersion, maximumVersion: configuration.maximumVersion,
            cipherList: configuration.cipherList, cipherSuites: configuration.cipherSuites,
            groups: configuration.groups, credentials: configuration.credentials))
        var policy = PeerVerificationPolicy(isClient: false)
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw TLSError(.internal, "SSL_CTX has no certificate store")
        }
        if let file = configuration.clientCAFile {
            try addTrustedCertificates(file: file, to: store, what: "client CA file")
            OpenSSLErrorQueue.clear()
            guard let names = SSL_load_client_CA_file(file) else {
                throw TLSError(.configuration, "client CA file \(file) has no usable CA names",
                               openSSLErrors: OpenSSLErrorQueue.drain())
            }
            SSL_CTX_set_client_CA_list(ctx, names)  // takes ownership
        }
        if let pem = configuration.clientCAPEM {
            try addTrustedCertificates(bytes: pem, source: "client CA PEM", to: store, alsoAsClientCAsOf: ctx)
        }
        if let crlFile = configuration.crlFile {
            try addCRLs(file: crlFile, to: store)
            policy.crlChecking = true
        }
        var mode = SSL_VERIFY_NONE
        if configuration.requireClientCertificate {
            mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        } else if configuration.requestClientCertificate || configuration.clientCAPEM != nil
                    || configuration.clientCAFile != nil {
            mode = SSL_VERIFY_PEER
        }
        SSL_CTX_set_verify(ctx, mode, mode == SSL_VERIFY_NONE ? nil : tlsVerifyCallback)
        if configuration.sessionResumption {
            let id = Array("npsprobe-test-server".utf8)
            _ = SSL_CTX_set_session_id_context(ctx, id, UInt32(id.count))
            _ = npsprobe_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
            _ = SSL_CTX_set_num_tickets(ctx, max(0, configuration.ticketCount))
        } else {
            _ = npsprobe_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
            _ = SSL_CTX_set_options(ctx, npsprobe_SSL_OP_NO_TICKET())
            _ = SSL_CTX_set_num_tickets(ctx, 0)
        }
        _ = OpenSSLErrorQueue.drain()
        self.context = context
        self.policy = policy
    }

    public func makeSession() throws(TLSError) -> TLSServerSession {
        TLSServerSession(connection: try TLSConnection(context: context, owner: self, policy: policy))
    }
}

/// The server side of one in-memory TLS conversation — TESTS AND LOOPBACK ONLY (see `TLSServerContext`).
/// Same step API as `TLSSession`: feed client records to `receive`, send the output.
public final class TLSServerSession {
    let connection: TLSConnection

    init(connection: TLSConnection) { self.connection = connection }

    public func receive(_ records: [UInt8]) -> TLSHandshakeStep { connection.handshakeStep(feeding: records) }
    public var isEstablished: Bool { connection.established }
    public func seal(_ plaintext: [UInt8]) throws(TLSError) -> [UInt8] { try connection.seal(plaintext) }
    public func open(_ records: [UInt8]) throws(TLSError) -> [UInt8] { try connection.open(records) }
    public func takePendingOutput() -> [UInt8] { connection.takePendingOutput() }
    public func close() -> [UInt8] { connection.close() }
    public var evidence: TLSEvidence { connection.evidence }
    public var negotiatedVersion: TLSVersion? { connection.negotiatedVersion }
    public var cipherName: String? { connection.cipherName }
    public var resumed: Bool { connection.established && connection.resumed }
    /// Why this server refused the client's certificate, when it did.
    public var clientValidationFailure: ServerValidationFailure? { connection.peerValidationFailure }

    public func exportKeyingMaterial(label: String, context: [UInt8]?, length: Int) throws(TLSError) -> [UInt8] {
        try connection.exportKeyingMaterial(label: label, context: context, length: length)
    }

    public func eapKeyMaterial(eapType: UInt8) throws(TLSError) -> EAPKeyMaterial {
        try connection.eapKeyMaterial(eapType: eapType)
    }

    public var clientRandom: [UInt8] { connection.clientRandom }
    public var serverRandom: [UInt8] { connection.serverRandom }
}

@available(*, unavailable, message: "a TLSServerSession belongs to one conversation")
extension TLSServerSession: Sendable {}
