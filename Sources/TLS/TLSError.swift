import CodedErrors

/// The errors of the TLS layer: loading credentials, building a context, the handshake, or key export.
///
/// Match on `code`; `reason` is for people and says what was wrong and where (file, certificate depth, the
/// alert). `openSSLErrors` carries OpenSSL's own reason text drained from its error queue, oldest first, so that
/// evidence can quote it.
public enum TLSDomain: ErrorDomain {
    public struct Detail: Sendable, Hashable {
        /// OpenSSL's reason strings from its error queue at the time of the failure (may be empty).
        public let openSSLErrors: [String]
    }

    /// The reason, then OpenSSL's own words in brackets when it gave any.
    public static func describe(_ error: TLSError) -> String {
        error.openSSLErrors.isEmpty
            ? error.reason : "\(error.reason) [OpenSSL: \(error.openSSLErrors.joined(separator: "; "))]"
    }
}

/// An error from the TLS layer (see `CodedError`).
public typealias TLSError = CodedError<TLSDomain>

extension CodedError where Domain == TLSDomain {
    public init(_ code: Code, _ reason: String, openSSLErrors: [String] = [], file: String = #fileID,
                line: UInt = #line) {
        self.init(code, reason, detail: TLSDomain.Detail(openSSLErrors: openSSLErrors), file: file, line: line)
    }

    /// OpenSSL's reason strings from its error queue at the time of the failure (may be empty).
    public var openSSLErrors: [String] { detail.openSSLErrors }
}

extension CodedError.Code where Domain == TLSDomain {
    /// A certificate, key or PKCS#12 file could not be read, decrypted or used (names the file).
    public static var credentials: Self { Self("credentials") }
    /// An encrypted private key or a PKCS#12 file needs a password that was not given, or the one given is wrong
    /// (names the file).
    public static var keyPassword: Self { Self("keyPassword") }
    /// A context setting is unusable: CA file/directory, CRL file, cipher list, groups, versions.
    public static var configuration: Self { Self("configuration") }
    /// The handshake failed for a reason that is neither ours nor the peer's alert (see `reason`).
    public static var handshake: Self { Self("handshake") }
    /// We refused the server's certificate chain (see `TLSEvidence.serverValidationFailure`).
    public static var serverValidation: Self { Self("serverValidation") }
    /// The peer sent a fatal alert (e.g. `unknown_ca` when it refused our certificate).
    public static var peerAlert: Self { Self("peerAlert") }
    /// The peer's bytes are not valid TLS (bad record, unexpected message, decode error).
    public static var protocolViolation: Self { Self("protocolViolation") }
    /// Keying material could not be exported (no session yet, bad length).
    public static var keyExport: Self { Self("keyExport") }
    /// A call out of order, e.g. `seal` before the handshake completed.
    public static var invalidState: Self { Self("invalidState") }
    /// The peer closed the connection (close_notify).
    public static var closed: Self { Self("closed") }
    /// OpenSSL failed in a way that says nothing about the peer or the configuration (e.g. memory).
    public static var `internal`: Self { Self("internal") }
}
