internal import COpenSSL

/// One step of a handshake driven by the caller: send `output`, then feed the peer's reply.
public enum TLSHandshakeStep: Sendable {
    /// Send these records (may be empty) and feed the reply to `receive`.
    case needMore(output: [UInt8])
    /// The handshake is complete; send these records too (e.g. our Finished, TLS 1.3 tickets).
    case established(output: [UInt8])
    /// The handshake failed; `output` may carry the alert we send.
    case failed(TLSError, output: [UInt8])

    /// The records to send, whatever the step.
    public var output: [UInt8] {
        switch self {
        case .needMore(let output), .established(let output), .failed(_, let output): return output
        }
    }
}

/// An opaque saved session (TLS 1.2 session ID/ticket, TLS 1.3 ticket) for resumption: PEAP fast
/// reconnect and re-authentication runs. The bytes are OpenSSL's DER encoding of SSL_SESSION and hold
/// the session's secrets: keep them like a key.
public struct TLSResumptionState: Sendable, Equatable {
    let der: [UInt8]

    init(der: [UInt8]) { self.der = der }

    /// Restores a state saved with `serialized` (checked when a session uses it).
    public init(serialized: [UInt8]) { self.der = serialized }

    public var serialized: [UInt8] { der }
}

/// A client context: SSL_CTX + credentials + trust store + settings, built once per profile and
/// shared by every conversation (on any thread); each conversation makes its own `TLSSession`.
public final class TLSClientContext: Sendable {
    public let configuration: TLSClientConfiguration
    private let context: SSLContextBox
    private let policy: PeerVerificationPolicy

    /// Validates and loads everything up front: CA file/directory, CRL file, versions, cipher lists.
    public init(_ configuration: TLSClientConfiguration) throws(TLSError) {
        self.configuration = configuration
        let context = try SSLContextBox(server: false)
        let ctx = context.pointer
        try applyCommonSettings(ctx, CommonContextSettings(
            minimumVersion: configuration.minimumVersion, maximumVersion: configuration.maximumVersion,
            cipherList: configuration.cipherList, cipherSuites: configuration.cipherSuites,
            groups: configuration.groups, credentials: configuration.credentials))
        // Servers that predate RFC 5746 (old NPS builds) are still reachable, as with hostap.
        _ = SSL_CTX_set_options(ctx, npsprobe_SSL_OP_LEGACY_SERVER_CONNECT())

        let validation = configuration.validation
        var policy = PeerVerificationPolicy(isClient: true)
        if validation.insecure {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        } else {
            guard let store = SSL_CTX_get_cert_store(ctx) else {
                throw TLSError(.internal, "SSL_CTX has no certificate store")
            }
            if let file = validation.trustedCAFile {
                try addTrustedCertificates(file: file, to: store, what: "trusted CA file")
            }
            if let directory = validation.trustedCADirectory {
                try addTrustedDirectory(directory, to: store)
            }
            if let pem = validation.trustedCAPEM {
                try addTrustedCertificates(bytes: pem, source: "trusted CA PEM", to: store)
            }
            let noAnchors = validation.trustedCAFile == nil && validation.trustedCADirectory == nil
                && validation.trustedCAPEM == nil
            if noAnchors {
                _ = SSL_CTX_set_default_verify_paths(ctx)
            }
            if let crlFile = validation.crlFile {
                try addCRLs(file: crlFile, to: store)
                policy.crlChecking = true
            }
            policy.acceptedServerNames = validation.acceptedServerNames
            policy.requireServerAuthEKU = validation.requireServerAuthEKU
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tlsVerifyCallback)
        }

        policy.keepsSessions = configuration.sessionResumption
        if configuration.sessionResumption {
            _ = npsprobe_SSL_CTX_set_session_cache_mode(
                ctx, Int(SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE))
            SSL_CTX_sess_set_new_cb(ctx, tlsNewSessionCallback)
        } else {
            _ = npsprobe_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
            _ = SSL_CTX_set_options(ctx, npsprobe_SSL_OP_NO_TICKET())
        }
        _ = OpenSSLErrorQueue.drain()
        self.context = context
        self.policy = policy
    }

    /// A new conversation's session; `resuming` offers a saved session to the server.
    public func makeSession(resuming: TLSResumptionState? = nil) throws(TLSError) -> TLSSession {
        let connection = try TLSConnection(context: context, owner: self, policy: policy)
        if let name = configuration.serverNameIndication { try connection.setServerNameIndication(name) }
        if let resuming { try connection.setResumption(resuming) }
        return TLSSession(connection: connection)
    }
}

/// One client TLS conversation over memory: `start()` makes the ClientHello, `receive` takes the
/// server's records, `seal`/`open` carry application data (PEAP phase 2) once established.
///
/// Not thread-safe: confine it to its conversation.
public final class TLSSession {
    let connection: TLSConnection

    init(connection: TLSConnection) { self.connection = connection }

    /// Produces the ClientHello.
    public func start() -> TLSHandshakeStep { connection.handshakeStep(feeding: []) }

    /// Feeds server records during the handshake. After `.established` it is still accepted: records
    /// are processed (tickets, alerts) and application data is kept for the next `open`.
    public func receive(_ records: [UInt8]) -> TLSHandshakeStep { connection.handshakeStep(feeding: records) }

    public var isEstablished: Bool { connection.established }

    /// Application data → records.
    public func seal(_ plaintext: [UInt8]) throws(TLSError) -> [UInt8] { try connection.seal(plaintext) }

    /// Records → plaintext (may be empty). Handles post-handshake messages such as TLS 1.3
    /// NewSessionTicket; alerts are recorded in `evidence`; a fatal alert or close_notify throws.
    /// `open([])` returns application data that arrived with the handshake's last flight.
    public func open(_ records: [UInt8]) throws(TLSError) -> [UInt8] { try connection.open(records) }

    /// Records OpenSSL produced while reading (alerts, key updates) that no `seal` has carried yet.
    public func takePendingOutput() -> [UInt8] { connection.takePendingOutput() }

    /// Ends the session with close_notify; returns the records to send (empty if not established).
    public func close() -> [UInt8] { connection.close() }

    public var evidence: TLSEvidence { connection.evidence }
    public var negotiatedVersion: TLSVersion? { connection.negotiatedVersion }
    /// The IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".
    public var cipherName: String? { connection.cipherName }
    /// OpenSSL's name, e.g. "ECDHE-RSA-AES256-GCM-SHA384".
    public var openSSLCipherName: String? { connection.openSSLCipherName }
    public var resumed: Bool { connection.established && connection.resumed }
    /// After established (TLS 1.3: once a ticket arrived, which `open` processes); nil if the session
    /// cannot be resumed or `sessionResumption` is off.
    public var resumptionState: TLSResumptionState? { connection.resumptionState }

    /// RFC 5705 / RFC 8446 §7.5 exporter. For TLS 1.2 with context nil this is exactly
    /// PRF(master_secret, label, client_random || server_random) — RFC 5216 / PEAP "client EAP encryption".
    public func exportKeyingMaterial(label: String, context: [UInt8]?, length: Int) throws(TLSError) -> [UInt8] {
        try connection.exportKeyingMaterial(label: label, context: context, length: length)
    }

    /// RFC 5216 §2.3 (TLS ≤ 1.2: Key_Material = PRF(…, "client EAP encryption", …, 128); MSK = KM[0:64],
    /// EMSK = KM[64:128]; Session-Id = Type || client.random || server.random) and RFC 9190 §2.3 (TLS 1.3:
    /// TLS-Exporter("EXPORTER_EAP_TLS_Key_Material", Type-Code, 128); Method-Id =
    /// TLS-Exporter("EXPORTER_EAP_TLS_Method-Id", Type-Code, 64); Session-Id = Type || Method-Id).
    public func eapKeyMaterial(eapType: UInt8) throws(TLSError) -> EAPKeyMaterial {
        try connection.eapKeyMaterial(eapType: eapType)
    }

    public var clientRandom: [UInt8] { connection.clientRandom }
    public var serverRandom: [UInt8] { connection.serverRandom }
}

@available(*, unavailable, message: "a TLSSession belongs to one conversation")
extension TLSSession: Sendable {}
