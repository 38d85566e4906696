/// One end of an in-memory TLS conversation: what the client (`TLSSession`) and the test server
/// (`TLSServerSession`) share, each concept once, over their `TLSConnection`.
///
/// Feed the peer's records to `receive` and send the output; once established, `seal`/`open` carry
/// application data (PEAP phase 2). Not thread-safe: confine it to its conversation.
open class TLSEndpoint {
    package let connection: TLSConnection

    package init(connection: TLSConnection) { self.connection = connection }

    /// Feeds the peer's records during the handshake. After `.established` it is still accepted: records
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
    public var resumed: Bool { connection.established && connection.resumed }

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

@available(*, unavailable, message: "a TLS session belongs to one conversation")
extension TLSEndpoint: Sendable {}
