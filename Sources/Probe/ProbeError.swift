import CodedErrors

/// The errors of running conversations: bad local input, socket failures, protocol failures on our side.
/// Outcomes such as a reject or a timeout are *results*, not errors.
public enum ProbeDomain: ErrorDomain {}

/// An error from running a conversation (see `CodedError`).
public typealias ProbeError = CodedError<ProbeDomain>

extension CodedError.Code where Domain == ProbeDomain {
    /// A server that is not `HOST[:PORT]` or does not resolve.
    public static var badServerAddress: Self { Self("badServerAddress") }
    /// A UDP socket could not be opened, or sending on it failed.
    public static var socket: Self { Self("socket") }
    /// All 256 RADIUS Identifiers of a socket are waiting for replies.
    public static var noIdentifierAvailable: Self { Self("noIdentifierAvailable") }
    /// A request could not be built from what we were given.
    public static var badInput: Self { Self("badInput") }
    /// Our own certificate, key or password cannot be used.
    public static var credentials: Self { Self("credentials") }
    /// Our TLS layer failed (not the server's refusal).
    public static var tls: Self { Self("tls") }
    /// Our EAP peer failed (not the server's refusal).
    public static var eap: Self { Self("eap") }
    /// The transport was shut down while a request was in flight.
    public static var shutdown: Self { Self("shutdown") }
}
