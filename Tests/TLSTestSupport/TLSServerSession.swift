import COpenSSL
import Foundation
import TLS

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
        let store = try certificateStore(of: ctx)
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
        try policy.loadCRLs(file: configuration.crlFile, into: store)
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
            disableSessionResumption(ctx)
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
/// Same step API as `TLSSession` (`TLSEndpoint`): feed client records to `receive`, send the output.
public final class TLSServerSession: TLSEndpoint {
    /// Why this server refused the client's certificate, when it did.
    public var clientValidationFailure: ServerValidationFailure? { connection.peerValidationFailure }
}
