/// An error from the TLS layer: loading credentials, building a context, the handshake, or key export.
///
/// Match on `code`; `reason` is for humans and says what was wrong and where (file, certificate depth,
/// the alert). `openSSLErrors` carries OpenSSL's own reason text drained from its error queue, oldest
/// first, so that evidence can quote it.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case credentials, configuration, handshake, serverValidation, peerAlert, protocolViolation
            case keyExport, invalidState, closed, `internal`
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A certificate, key or PKCS#12 file could not be read, decrypted or used (names the file).
        public static let credentials = Code(.credentials)
        /// A context setting is unusable: CA file/directory, CRL file, cipher list, groups, versions.
        public static let configuration = Code(.configuration)
        /// The handshake failed for a reason that is neither ours nor the peer's alert (see `reason`).
        public static let handshake = Code(.handshake)
        /// We refused the server's certificate chain (see `TLSEvidence.serverValidationFailure`).
        public static let serverValidation = Code(.serverValidation)
        /// The peer sent a fatal alert (e.g. `unknown_ca` when it refused our certificate).
        public static let peerAlert = Code(.peerAlert)
        /// The peer's bytes are not valid TLS (bad record, unexpected message, decode error).
        public static let protocolViolation = Code(.protocolViolation)
        /// Keying material could not be exported (no session yet, bad length).
        public static let keyExport = Code(.keyExport)
        /// A call out of order, e.g. `seal` before the handshake completed.
        public static let invalidState = Code(.invalidState)
        /// The peer closed the connection (close_notify).
        public static let closed = Code(.closed)
        /// OpenSSL failed in a way that says nothing about the peer or the configuration (e.g. memory).
        public static let `internal` = Code(.internal)

        public var description: String {
            switch base {
            case .credentials: return "credentials"
            case .configuration: return "configuration"
            case .handshake: return "handshake"
            case .serverValidation: return "serverValidation"
            case .peerAlert: return "peerAlert"
            case .protocolViolation: return "protocolViolation"
            case .keyExport: return "keyExport"
            case .invalidState: return "invalidState"
            case .closed: return "closed"
            case .internal: return "internal"
            }
        }
    }

    public let code: Code
    public let reason: String
    /// OpenSSL's reason strings from its error queue at the time of the failure (may be empty).
    public let openSSLErrors: [String]

    public init(_ code: Code, _ reason: String, openSSLErrors: [String] = []) {
        self.code = code
        self.reason = reason
        self.openSSLErrors = openSSLErrors
    }

    public var description: String {
        var text = "TLSError.\(code): \(reason)"
        if !openSSLErrors.isEmpty { text += " [OpenSSL: \(openSSLErrors.joined(separator: "; "))]" }
        return text
    }
}
