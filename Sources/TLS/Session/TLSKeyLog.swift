import Synchronization

/// One secret of a TLS session, as a line of the NSS key log format that Wireshark reads to decrypt it
/// (NSS "Key Log Format"; draft-ietf-tls-keylogfile §3): `LABEL <client random> <secret>`, both in hex.
///
/// TLS ≤ 1.2 logs one `CLIENT_RANDOM` line (the 48-octet master secret); TLS 1.3 logs the handshake and
/// application traffic secrets of both sides and the exporter secret (RFC 8446 §7.1). These are the keys of
/// the session: whoever holds them reads everything the session carried (PEAP's inner MS-CHAPv2, the client
/// certificate of a TLS 1.3 handshake).
public struct TLSKeyLogEntry: Sendable, Hashable, CustomStringConvertible {
    /// The secret's kind (draft-ietf-tls-keylogfile §3.1). A struct so labels a later TLS adds still parse.
    public struct Label: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// TLS ≤ 1.2: the master secret.
        public static let clientRandom = Label(rawValue: "CLIENT_RANDOM")
        public static let clientEarlyTrafficSecret = Label(rawValue: "CLIENT_EARLY_TRAFFIC_SECRET")
        public static let clientHandshakeTrafficSecret = Label(rawValue: "CLIENT_HANDSHAKE_TRAFFIC_SECRET")
        public static let serverHandshakeTrafficSecret = Label(rawValue: "SERVER_HANDSHAKE_TRAFFIC_SECRET")
        public static let clientTrafficSecret0 = Label(rawValue: "CLIENT_TRAFFIC_SECRET_0")
        public static let serverTrafficSecret0 = Label(rawValue: "SERVER_TRAFFIC_SECRET_0")
        public static let earlyExporterSecret = Label(rawValue: "EARLY_EXPORTER_SECRET")
        public static let exporterSecret = Label(rawValue: "EXPORTER_SECRET")

        public var description: String { rawValue }
    }

    public var label: Label
    /// The ClientHello's random (32 octets): it names the session the secret belongs to.
    public var clientRandom: [UInt8]
    public var secret: [UInt8]

    public init(label: Label, clientRandom: [UInt8], secret: [UInt8]) {
        self.label = label
        self.clientRandom = clientRandom
        self.secret = secret
    }

    /// Parses one key log line (`LABEL hex hex`); nil unless it has exactly three fields, an upper-case label of
    /// letters, digits and `_`, a 32-octet client random and a non-empty secret.
    public init?(line: some StringProtocol) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 3,
              !fields[0].isEmpty,
              fields[0].utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }),
              let random = [UInt8](hex: fields[1]), random.count == 32,
              let secret = [UInt8](hex: fields[2]), !secret.isEmpty
        else { return nil }
        self.init(label: Label(rawValue: String(fields[0])), clientRandom: random, secret: secret)
    }

    /// The key log line, without its newline.
    public var line: String { "\(label.rawValue) \(clientRandom.hexString) \(secret.hexString)" }

    /// The label and the client random, never the secret (for messages and `-v`).
    public var description: String { "\(label.rawValue) for client random \(clientRandom.hexString)" }
}

/// Where the TLS sessions of a context put their secrets (``TLSClientConfiguration/keyLog``): OpenSSL's key log
/// callback (`SSL_CTX_set_keylog_callback`) hands every line to it, as typed entries, from whichever thread ran
/// the handshake. Whoever made it writes the entries out (Wireshark's key log file, a pcapng Decryption
/// Secrets Block); nothing is written by the TLS layer.
///
/// Bounded: past `limit` entries further ones are counted in ``dropped``, not kept (a load run cannot grow it
/// without end). One full TLS 1.2 handshake adds one entry, a TLS 1.3 handshake five.
public final class TLSKeyLog: Sendable {
    public let limit: Int
    private let state = Mutex<(entries: [TLSKeyLogEntry], dropped: Int)>(([], 0))

    public init(limit: Int = 100_000) { self.limit = max(0, limit) }

    public func record(_ entry: TLSKeyLogEntry) {
        state.withLock { state in
            if state.entries.count < limit { state.entries.append(entry) } else { state.dropped += 1 }
        }
    }

    /// Records a line as OpenSSL writes it; one that does not parse (never seen) is counted in ``dropped``.
    public func record(line: String) {
        guard let entry = TLSKeyLogEntry(line: line) else {
            state.withLock { $0.dropped += 1 }
            return
        }
        record(entry)
    }

    /// Every entry kept so far, in the order the handshakes produced them.
    public var entries: [TLSKeyLogEntry] { state.withLock { $0.entries } }
    /// Entries not kept: past ``limit``, or lines that did not parse.
    public var dropped: Int { state.withLock { $0.dropped } }

    /// The key log file's text: one line per entry, each ending with a newline (empty without entries).
    public var text: String { entries.map { $0.line + "\n" }.joined() }
}
