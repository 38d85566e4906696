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
            let store = try certificateStore(of: ctx)
            for file in (validation.trustedCAFile.map { [$0] } ?? []) + validation.trustedCAFiles {
                try addTrustedCertificates(file: file, to: store, what: "trusted CA file")
            }
            if let directory = validation.trustedCADirectory {
                try addTrustedDirectory(directory, to: store)
            }
            if let pem = validation.trustedCAPEM {
                try addTrustedCertificates(bytes: pem, source: "trusted CA PEM", to: store)
            }
            let noAnchors = validation.trustedCAFile == nil && validation.trustedCADirectory == nil
                && validation.trustedCAPEM == nil && validation.trustedCAFiles.isEmpty
            if noAnchors {
                _ = SSL_CTX_set_default_verify_paths(ctx)
            }
            try policy.loadCRLs(file: validation.crlFile, into: store)
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
            disableSessionResumption(ctx)
        }
        if configuration.keyLog != nil { SSL_CTX_set_keylog_callback(ctx, tlsKeyLogCallback) }
        _ = OpenSSLErrorQueue.drain()
        self.context = context
        self.policy = policy
    }

    /// A new conversation's session; `resuming` offers a saved session to the server.
    public func makeSession(resuming: TLSResumptionState? = nil) throws(TLSError) -> TLSSession {
        let connection = try TLSConnection(
            context: context, owner: self, policy: policy, keyLog: configuration.keyLog)
        connection.recordOffer(minimum: configuration.minimumVersion, maximum: configuration.maximumVersion)
        if let name = configuration.serverNameIndication { try connection.setServerNameIndication(name) }
        if let resuming { try connection.setResumption(resuming) }
        return TLSSession(connection: connection)
    }
}

/// One client TLS conversation over memory: `start()` makes the ClientHello, `receive` takes the
/// server's records, `seal`/`open` carry application data (PEAP phase 2) once established; the rest of
/// the API is `TLSEndpoint`'s.
///
/// Not thread-safe: confine it to its conversation.
public final class TLSSession: TLSEndpoint {
    /// Produces the ClientHello.
    public func start() -> TLSHandshakeStep { connection.handshakeStep(feeding: []) }

    /// OpenSSL's name, e.g. "ECDHE-RSA-AES256-GCM-SHA384".
    public var openSSLCipherName: String? { connection.openSSLCipherName }

    /// After established (TLS 1.3: once a ticket arrived, which `open` processes); nil if the session
    /// cannot be resumed or `sessionResumption` is off.
    public var resumptionState: TLSResumptionState? { connection.resumptionState }
}
