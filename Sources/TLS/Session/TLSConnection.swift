internal import COpenSSL
import Foundation

/// The `SSL` ex_data slot that points back at the Swift `TLSConnection` owning the `SSL`
/// (allocated once per process; Swift initialises globals exactly once, thread-safely).
let connectionExDataIndex: Int32 = npsprobe_SSL_get_ex_new_index()

/// What one side checks in the peer's chain, copied from its context's configuration.
package struct PeerVerificationPolicy {
    package var isClient: Bool
    /// Client: "Connect to these servers"; empty = no name check.
    var acceptedServerNames: [String] = []
    /// Client: the leaf must carry id-kp-serverAuth (absent EKU fails).
    var requireServerAuthEKU: Bool = true
    /// A CRL file is loaded: forgive a missing CRL above the leaf.
    var crlChecking: Bool = false
    /// Client: `sessionResumption` is on, so `resumptionState` may be handed out.
    var keepsSessions: Bool = false

    package init(isClient: Bool) { self.isClient = isClient }
}

/// One TLS connection over two memory BIOs: network bytes in, handshake steps and records out.
///
/// The engine behind `TLSSession` (client) and `TLSServerSession` (test peer). Not thread-safe: it
/// belongs to one conversation. OpenSSL's callbacks reach it through the `SSL`'s ex_data, holding an
/// unretained pointer (the connection owns the `SSL`, so it always outlives the callbacks; `deinit`
/// clears the pointer before `SSL_free`).
package final class TLSConnection {
    let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    let isClient: Bool
    private let policy: PeerVerificationPolicy
    /// Keeps the Swift context (and so its credentials and configuration) alive as long as the `SSL`.
    private let owner: AnyObject

    private(set) var recorded = TLSEvidence()
    private(set) var established = false
    private(set) var failure: TLSError?
    /// Why we refused the peer's chain (client: the server's; test server: the client's).
    package private(set) var peerValidationFailure: ServerValidationFailure?
    private var latestSessionDER: [UInt8]?
    private var pendingPlaintext: [UInt8] = []
    private var pendingOutput: [UInt8] = []
    private var sawServerHello = false
    /// Where OpenSSL's key log lines go (the context installs the callback only when there is one).
    private let keyLog: TLSKeyLog?

    package init(context: SSLContextBox, owner: AnyObject, policy: PeerVerificationPolicy,
                 keyLog: TLSKeyLog? = nil) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError(.internal, "SSL_new failed", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError(.internal, "BIO_new failed (out of memory)")
        }
        // An empty read BIO means "wait for more" (WANT_READ), not end of file.
        _ = npsprobe_BIO_set_mem_eof_return(readBIO, -1)
        _ = npsprobe_BIO_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)  // the SSL now owns both BIOs
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.isClient = policy.isClient
        self.policy = policy
        self.owner = owner
        self.keyLog = keyLog
        SSL_set_ex_data(ssl, connectionExDataIndex, Unmanaged.passUnretained(self).toOpaque())
        if policy.isClient { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
    }

    deinit {
        SSL_set_ex_data(ssl, connectionExDataIndex, nil)
        SSL_free(ssl)  // frees both BIOs too
    }

    static func from(_ ssl: OpaquePointer) -> TLSConnection? {
        guard let raw = SSL_get_ex_data(ssl, connectionExDataIndex) else { return nil }
        return Unmanaged<TLSConnection>.fromOpaque(raw).takeUnretainedValue()
    }

    // MARK: Handshake

    /// Feeds `records`, spins the handshake, and returns what to send.
    func handshakeStep(feeding records: [UInt8]) -> TLSHandshakeStep {
        if let failure {
            feed(records)
            return .failed(failure, output: takeOutput())
        }
        if established {
            feed(records)
            return afterEstablished()
        }
        feed(records)
        OpenSSLErrorQueue.clear()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            established = true
            refreshEvidence()
            return afterEstablished()
        }
        let status = SSL_get_error(ssl, rc)
        let entries = OpenSSLErrorQueue.drainEntries()
        refreshEvidence()
        if status == SSL_ERROR_WANT_READ || status == SSL_ERROR_WANT_WRITE {
            return .needMore(output: takeOutput())
        }
        let error = classifyFailure(status: status, entries: entries, during: "handshake")
        failure = error
        return .failed(error, output: takeOutput())
    }

    /// Records that came after the peer's Finished (TLS 1.3 tickets, the RFC 9190 commitment message, or a
    /// TLS 1.3 server's alert refusing our certificate) are processed now; application data waits for
    /// `open`. A fatal alert there fails the step: in TLS 1.3 that is how a refused client certificate shows.
    private func afterEstablished() -> TLSHandshakeStep {
        readApplicationData()
        if let failure, failure.code != .closed { return .failed(failure, output: takeOutput()) }
        return .established(output: takeOutput())
    }

    private func feed(_ records: [UInt8]) {
        guard !records.isEmpty else { return }
        records.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let chunk = min(raw.count - offset, Int(Int32.max))
                let written = BIO_write(readBIO, raw.baseAddress! + offset, Int32(chunk))
                guard written > 0 else { return }  // a memory BIO only fails when out of memory
                offset += Int(written)
            }
        }
    }

    private func takeOutput() -> [UInt8] {
        let output = pendingOutput + drainMemoryBIO(writeBIO)
        pendingOutput = []
        return output
    }

    // MARK: Application data

    func seal(_ plaintext: [UInt8]) throws(TLSError) -> [UInt8] {
        guard established else { throw TLSError(.invalidState, "seal before the handshake completed") }
        if let failure { throw failure }
        var offset = 0
        while offset < plaintext.count {
            let chunk = min(plaintext.count - offset, 1 << 20)
            OpenSSLErrorQueue.clear()
            let written = plaintext.withUnsafeBytes { raw in
                SSL_write(ssl, raw.baseAddress! + offset, Int32(chunk))
            }
            if written <= 0 {
                let status = SSL_get_error(ssl, written)
                let error = classifyFailure(status: status, entries: OpenSSLErrorQueue.drainEntries(),
                                            during: "write")
                failure = error
                throw error
            }
            offset += Int(written)
        }
        return takeOutput()
    }

    func open(_ records: [UInt8]) throws(TLSError) -> [UInt8] {
        guard established else { throw TLSError(.invalidState, "open before the handshake completed") }
        feed(records)
        readApplicationData()
        // Anything we had to answer (alerts, KeyUpdate) waits for `takePendingOutput` or the next seal.
        pendingOutput += drainMemoryBIO(writeBIO)
        let plaintext = pendingPlaintext
        pendingPlaintext = []
        if plaintext.isEmpty, let failure { throw failure }
        return plaintext
    }

    func takePendingOutput() -> [UInt8] { takeOutput() }

    /// Sends close_notify (RFC 8446 §6.1); returns the records to send.
    func close() -> [UInt8] {
        guard established, failure == nil else { return takeOutput() }
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        _ = OpenSSLErrorQueue.drain()
        return takeOutput()
    }

    /// SSL_read until OpenSSL wants more bytes; plaintext to `pendingPlaintext`, a failure to `failure`.
    private func readApplicationData() {
        guard failure == nil else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            OpenSSLErrorQueue.clear()
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                pendingPlaintext += buffer.prefix(Int(count))
                continue
            }
            let status = SSL_get_error(ssl, count)
            let entries = OpenSSLErrorQueue.drainEntries()
            if status == SSL_ERROR_WANT_READ || status == SSL_ERROR_WANT_WRITE { break }
            if status == SSL_ERROR_ZERO_RETURN {
                failure = TLSError(.closed, "the peer closed the connection (close_notify)")
                break
            }
            failure = classifyFailure(status: status, entries: entries, during: "read")
            break
        }
        refreshEvidence()
    }

    // MARK: Keys

    func exportKeyingMaterial(label: String, context: [UInt8]?, length: Int) throws(TLSError) -> [UInt8] {
        guard established else {
            throw TLSError(.keyExport, "keying material asked for before the handshake completed")
        }
        guard length > 0, length <= 0xffff else {
            throw TLSError(.keyExport, "keying material length \(length) is outside 1…65535")
        }
        var out = [UInt8](repeating: 0, count: length)
        let labelBytes = Array(label.utf8)
        OpenSSLErrorQueue.clear()
        let rc = labelBytes.withUnsafeBytes { labelRaw in
            (context ?? []).withUnsafeBufferPointer { contextBuffer in
                SSL_export_keying_material(
                    ssl, &out, length, labelRaw.baseAddress?.assumingMemoryBound(to: CChar.self), labelRaw.count,
                    contextBuffer.baseAddress ?? UnsafePointer(bitPattern: 1), contextBuffer.count,
                    context == nil ? 0 : 1)
            }
        }
        guard rc == 1 else {
            throw TLSError(.keyExport, "SSL_export_keying_material failed for label \"\(label)\"",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        return out
    }

    /// RFC 5216 §2.3 (TLS ≤ 1.2) and RFC 9190 §2.3 (TLS 1.3); RFC 9427 uses the same for PEAP/TTLS.
    func eapKeyMaterial(eapType: UInt8) throws(TLSError) -> EAPKeyMaterial {
        guard established, let version = negotiatedVersion else {
            throw TLSError(.keyExport, "EAP keys asked for before the handshake completed")
        }
        if version >= .tls1_3 {
            let material = try exportKeyingMaterial(label: "EXPORTER_EAP_TLS_Key_Material", context: [eapType],
                                                    length: 128)
            let methodId = try exportKeyingMaterial(label: "EXPORTER_EAP_TLS_Method-Id", context: [eapType],
                                                    length: 64)
            return EAPKeyMaterial(msk: Array(material[0..<64]), emsk: Array(material[64..<128]),
                                  sessionId: [eapType] + methodId)
        }
        // Key_Material = TLS-PRF-128(master_secret, "client EAP encryption", client.random || server.random)
        let material = try exportKeyingMaterial(label: "client EAP encryption", context: nil, length: 128)
        return EAPKeyMaterial(msk: Array(material[0..<64]), emsk: Array(material[64..<128]),
                              sessionId: [eapType] + clientRandom + serverRandom)
    }

    var clientRandom: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let count = SSL_get_client_random(ssl, &out, out.count)
        return Array(out.prefix(count))
    }

    var serverRandom: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let count = SSL_get_server_random(ssl, &out, out.count)
        return Array(out.prefix(count))
    }

    // MARK: State

    var negotiatedVersion: TLSVersion? {
        guard established || sawServerHello else { return nil }
        return TLSVersion(wireValue: UInt16(truncatingIfNeeded: SSL_version(ssl)))
    }

    var cipherName: String? {
        guard established || sawServerHello, let cipher = SSL_get_current_cipher(ssl) else { return nil }
        if let standard = SSL_CIPHER_standard_name(cipher) { return String(cString: standard) }
        return SSL_CIPHER_get_name(cipher).map { String(cString: $0) }
    }

    var openSSLCipherName: String? {
        guard established || sawServerHello, let cipher = SSL_get_current_cipher(ssl) else { return nil }
        return SSL_CIPHER_get_name(cipher).map { String(cString: $0) }
    }

    var resumed: Bool { SSL_session_reused(ssl) == 1 }

    var keyExchangeGroup: String? {
        guard established || sawServerHello else { return nil }
        let nid = Int32(truncatingIfNeeded: npsprobe_SSL_get_negotiated_group(ssl))
        guard nid != NID_undef, let name = OBJ_nid2sn(nid) else { return nil }
        return String(cString: name)
    }

    /// The newest resumable session: the last one OpenSSL handed us (TLS 1.3: from a ticket), else
    /// the current session once the handshake is complete.
    var resumptionState: TLSResumptionState? {
        guard policy.keepsSessions else { return nil }
        if let latestSessionDER { return TLSResumptionState(der: latestSessionDER) }
        guard established, let session = SSL_get_session(ssl), SSL_SESSION_is_resumable(session) == 1 else {
            return nil
        }
        return sessionDER(session).map(TLSResumptionState.init(der:))
    }

    func setResumption(_ state: TLSResumptionState) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        let session: OpaquePointer? = state.der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_SSL_SESSION(nil, &cursor, buffer.count)
        }
        guard let session else {
            throw TLSError(.invalidState, "the resumption state is not a saved TLS session",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        defer { SSL_SESSION_free(session) }
        guard SSL_set_session(ssl, session) == 1 else {
            throw TLSError(.invalidState, "OpenSSL refused the saved session", openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    /// Records the version range our ClientHello offers (evidence for a refusal of the ClientHello).
    func recordOffer(minimum: TLSVersion, maximum: TLSVersion) {
        recorded.minimumVersionOffered = minimum
        recorded.maximumVersionOffered = maximum
    }

    func setServerNameIndication(_ name: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard npsprobe_SSL_set_tlsext_host_name(ssl, name) == 1 else {
            throw TLSError(.configuration, "\"\(name)\" cannot be sent as a server name (SNI)",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    var evidence: TLSEvidence {
        var evidence = recorded
        evidence.version = negotiatedVersion
        evidence.cipher = cipherName
        evidence.keyExchangeGroup = keyExchangeGroup
        evidence.resumed = established && resumed
        return evidence
    }

    private func refreshEvidence() {
        updateHandshakeState()
        if isClient, recorded.certificateRequested, recorded.acceptableClientCAs.isEmpty,
           let names = SSL_get0_peer_CA_list(ssl) {
            recorded.acceptableClientCAs = (0..<npsprobe_sk_X509_NAME_num(names)).map {
                x509NameString(npsprobe_sk_X509_NAME_value(names, $0))
            }
        }
    }

    /// OpenSSL's state name; once it reads "error" we keep the last state before it (where it stopped).
    private func updateHandshakeState() {
        guard let pointer = SSL_state_string_long(ssl) else { return }
        let state = String(cString: pointer)
        if state != "error" || recorded.handshakeState.isEmpty { recorded.handshakeState = state }
    }

    // MARK: Callbacks from OpenSSL

    /// SSL_CTX_set_msg_callback: every handshake message, ChangeCipherSpec and alert, both directions.
    fileprivate func recordMessage(sent: Bool, version: Int32, contentType: Int32, bytes: UnsafeRawBufferPointer) {
        updateHandshakeState()
        switch contentType {
        case SSL3_RT_HANDSHAKE:
            guard let type = bytes.first else { return }
            let message = TLSHandshakeType(rawValue: type)
            recorded.events.append(sent ? .handshakeSent(message: message) : .handshakeReceived(message: message))
            if sent {
                recorded.lastHandshakeMessageSent = message
            } else {
                recorded.lastHandshakeMessageReceived = message
            }
            let fromServer = sent != isClient
            switch type {
            case 2 where fromServer:  // ServerHello
                sawServerHello = true
            case 11:  // Certificate (RFC 5246 §7.4.2, RFC 8446 §4.4.2)
                let body = Array(bytes.dropFirst(4))
                let ders = parseCertificateMessage(body, tls13: version == TLS1_3_VERSION) ?? []
                let chain = ders.compactMap { CertificateInfo(der: $0) }
                if fromServer {
                    recorded.serverChain = chain
                } else {
                    recorded.clientChainSent = chain
                    recorded.clientCertificateSent = chain.first
                }
            case 13 where fromServer:  // CertificateRequest
                recorded.certificateRequested = true
            default:
                break
            }
        case SSL3_RT_CHANGE_CIPHER_SPEC where sent:
            recorded.events.append(.changeCipherSpecSent)
        case SSL3_RT_HEADER where !sent && bytes.first == UInt8(SSL3_RT_CHANGE_CIPHER_SPEC):
            // OpenSSL 3.0 reports a received ChangeCipherSpec only through its record header.
            recorded.events.append(.changeCipherSpecReceived)
        case SSL3_RT_ALERT:
            guard bytes.count >= 2 else { return }
            let alert = TLSAlert(wire: bytes[0], bytes[1])
            recorded.events.append(sent ? .alertSent(alert: alert) : .alertReceived(alert: alert))
        default:
            break  // record headers, inner content types
        }
    }

    /// The verify callback: OpenSSL's verdict per certificate, plus the Windows-like checks on the leaf.
    fileprivate func verify(preverify: Int32, store: OpaquePointer) -> Int32 {
        let error = X509_STORE_CTX_get_error(store)
        let depth = Int(X509_STORE_CTX_get_error_depth(store))
        let current = X509_STORE_CTX_get_current_cert(store)
        if preverify == 0 {
            if policy.crlChecking && error == X509_V_ERR_UNABLE_TO_GET_CRL && depth > 0 { return 1 }
            if isClient && !policy.requireServerAuthEKU && error == X509_V_ERR_INVALID_PURPOSE && depth == 0 {
                return 1
            }
            recordValidationFailure(error: error, depth: depth, certificate: current)
            return 0
        }
        guard isClient, depth == 0, let current else { return 1 }
        let leaf = CertificateInfo(x509: current)
        if policy.requireServerAuthEKU && !leaf.hasServerAuthEKU {
            X509_STORE_CTX_set_error(store, X509_V_ERR_INVALID_PURPOSE)
            recordValidationFailure(error: X509_V_ERR_INVALID_PURPOSE, depth: 0, certificate: current)
            return 0
        }
        if !policy.acceptedServerNames.isEmpty
            && !TLSServerValidation.nameMatches(identities: leaf.serverIdentities, accepted: policy.acceptedServerNames)
        {
            X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH)
            recordValidationFailure(error: X509_V_ERR_HOSTNAME_MISMATCH, depth: 0, certificate: current)
            return 0
        }
        return 1
    }

    private func recordValidationFailure(error: Int32, depth: Int, certificate: OpaquePointer?) {
        guard peerValidationFailure == nil else { return }
        let failure = describeValidationFailure(
            error: error, depth: depth, certificate: certificate.map { CertificateInfo(x509: $0) },
            acceptedNames: policy.acceptedServerNames)
        peerValidationFailure = failure
        if isClient { recorded.serverValidationFailure = failure }
    }

    /// SSL_CTX_set_keylog_callback: one NSS key log line.
    fileprivate func keyLogLine(_ line: String) { keyLog?.record(line: line) }

    fileprivate func sessionSaved(_ session: OpaquePointer) {
        guard SSL_SESSION_is_resumable(session) == 1, let der = sessionDER(session) else { return }
        latestSessionDER = der
    }

    // MARK: Failures

    private func classifyFailure(status: Int32, entries: [OpenSSLErrorQueue.Entry], during: String) -> TLSError {
        refreshEvidence()
        let texts = entries.map(\.text)
        let state = recorded.handshakeState
        if isClient, let validation = peerValidationFailure {
            return TLSError(.serverValidation, "server certificate rejected (\(validation.kind.rawValue)): "
                                + validation.detail, openSSLErrors: texts)
        }
        if let alert = recorded.alertsReceived.last(where: { $0.level == .fatal }) {
            let peer = isClient ? "server" : "client"
            return TLSError(.peerAlert, "the \(peer) sent fatal alert \(alert.name) (\(alert.code)) during \(during)"
                                + " at \"\(state)\"", openSSLErrors: texts)
        }
        if !isClient, let validation = peerValidationFailure {
            return TLSError(.handshake, "client certificate rejected (\(validation.kind.rawValue)): "
                                + validation.detail, openSSLErrors: texts)
        }
        let protocolReasons: Set<Int32> = [
            SSL_R_WRONG_VERSION_NUMBER, SSL_R_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_RECORD,
            SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_LENGTH_MISMATCH, SSL_R_BAD_PACKET_LENGTH, SSL_R_BAD_PACKET,
            SSL_R_RECORD_LENGTH_MISMATCH, SSL_R_ENCRYPTED_LENGTH_TOO_LONG, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
            SSL_R_BAD_LENGTH, SSL_R_LENGTH_TOO_SHORT, SSL_R_BAD_DECOMPRESSION, SSL_R_HTTP_REQUEST,
            SSL_R_HTTPS_PROXY_REQUEST,
        ]
        let protocolAlerts: Set<UInt8> = [10, 20, 22, 47, 50, 109, 110]
        let sentProtocolAlert = recorded.alertsSent.contains { protocolAlerts.contains($0.code) }
        let protocolError = entries.contains { $0.library == ERR_LIB_SSL && protocolReasons.contains($0.reason) }
        let firstText = texts.first ?? "SSL_get_error \(status)"
        if sentProtocolAlert || protocolError {
            return TLSError(.protocolViolation, "the peer's TLS data is malformed or unexpected during \(during) "
                                + "at \"\(state)\": \(firstText)", openSSLErrors: texts)
        }
        if status == SSL_ERROR_SSL || status == SSL_ERROR_SYSCALL {
            return TLSError(.handshake, "\(during) failed at \"\(state)\": \(firstText)", openSSLErrors: texts)
        }
        return TLSError(.internal, "\(during) failed with SSL_get_error \(status) at \"\(state)\"",
                        openSSLErrors: texts)
    }
}

// MARK: - Failure descriptions


func describeValidationFailure(error: Int32, depth: Int, certificate: CertificateInfo?, acceptedNames: [String])
    -> ServerValidationFailure
{
    let text = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) }
    let subject = certificate?.subject ?? "(unknown)"
    let what = "certificate \"\(subject)\" (depth \(depth))"
    let kind: ServerValidationFailure.Kind
    let detail: String
    switch error {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        kind = .expired
        detail = "\(what) has expired (notAfter \(certificate.map { iso8601String($0.notAfter) } ?? "?"))"
    case X509_V_ERR_CERT_NOT_YET_VALID:
        kind = .notYetValid
        detail = "\(what) is not yet valid (notBefore \(certificate.map { iso8601String($0.notBefore) } ?? "?"))"
    case X509_V_ERR_CERT_REVOKED:
        kind = .revoked
        detail = "\(what), serial \(certificate?.serialNumber ?? "?"), is revoked by its issuer's CRL"
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_UNTRUSTED,
         X509_V_ERR_CERT_REJECTED:
        kind = .untrustedRoot
        detail = "\(what) is a self-signed root that is not among the trusted CAs"
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
         X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        let issuer = certificate?.issuer ?? "?"
        if certificate?.isCA == true {
            kind = .untrustedRoot
            detail = "\(what) chains to \"\(issuer)\", which is not among the trusted CAs"
        } else {
            kind = .incompleteChain
            detail = "issuer \"\(issuer)\" of \(what) was neither sent by the peer nor found among the trusted "
                + "CAs (missing intermediate, or an untrusted root)"
        }
    case X509_V_ERR_HOSTNAME_MISMATCH:
        kind = .nameMismatch
        let names = certificate?.serverIdentities ?? []
        let presented = names.isEmpty ? "(no DNS name or CN)" : names.joined(separator: ", ")
        detail = "server name \(presented) does not match [\(acceptedNames.joined(separator: ", "))]"
    case X509_V_ERR_INVALID_PURPOSE where depth == 0:
        kind = .missingServerAuthEKU
        if let certificate, certificate.hasExtendedKeyUsageExtension {
            detail = "\(what) has Extended Key Usage [\(certificate.extendedKeyUsages.joined(separator: ", "))] "
                + "without serverAuth"
        } else {
            detail = "\(what) has no Extended Key Usage extension; serverAuth is required"
        }
    case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
         X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
        kind = .signatureFailure
        detail = "the signature on \(what) does not verify with its issuer's key"
    default:
        kind = .other
        detail = "\(what): \(text ?? "X509 error \(error)")"
    }
    return ServerValidationFailure(kind: kind, detail: detail, certificateDepth: depth, openSSLError: text)
}

// MARK: - Wire helpers

/// The DER certificates of a Certificate message body (after the 4-byte handshake header); nil if malformed.
/// TLS ≤ 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 §7.4.2).
/// TLS 1.3: certificate_request_context<0..255>, then CertificateEntry {cert_data<1..2^24-1>,
/// extensions<0..2^16-1>} (RFC 8446 §4.4.2).
func parseCertificateMessage(_ body: [UInt8], tls13: Bool) -> [[UInt8]]? {
    var index = 0
    func read(_ count: Int) -> Int? {
        guard count >= 0, index + count <= body.count else { return nil }
        var value = 0
        for i in 0..<count { value = value << 8 | Int(body[index + i]) }
        index += count
        return value
    }
    if tls13 {
        guard let contextLength = read(1), index + contextLength <= body.count else { return nil }
        index += contextLength
    }
    guard let listLength = read(3), index + listLength == body.count else { return nil }
    var certificates: [[UInt8]] = []
    while index < body.count {
        guard let length = read(3), length > 0, index + length <= body.count else { return nil }
        certificates.append(Array(body[index..<index + length]))
        index += length
        if tls13 {
            guard let extensionsLength = read(2), index + extensionsLength <= body.count else { return nil }
            index += extensionsLength
        }
    }
    return certificates
}

private func sessionDER(_ session: OpaquePointer) -> [UInt8]? {
    let length = i2d_SSL_SESSION(session, nil)
    guard length > 0 else { return nil }
    var out = [UInt8](repeating: 0, count: Int(length))
    out.withUnsafeMutableBufferPointer { buffer in
        var cursor = buffer.baseAddress
        _ = i2d_SSL_SESSION(session, &cursor)
    }
    return out
}

// MARK: - C callbacks (no captures; they find their connection through the SSL's ex_data)

let tlsMessageCallback: @convention(c) (
    Int32, Int32, Int32, UnsafeRawPointer?, Int, OpaquePointer?, UnsafeMutableRawPointer?
) -> Void = { writeP, version, contentType, buffer, length, ssl, _ in
    guard let ssl, let buffer, let connection = TLSConnection.from(ssl) else { return }
    connection.recordMessage(sent: writeP == 1, version: version, contentType: contentType,
                             bytes: UnsafeRawBufferPointer(start: buffer, count: length))
}

package let tlsVerifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { preverify, store in
    guard let store, let raw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
          let connection = TLSConnection.from(OpaquePointer(raw))
    else { return preverify }
    return connection.verify(preverify: preverify, store: store)
}

let tlsKeyLogCallback: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { ssl, line in
    guard let ssl, let line, let connection = TLSConnection.from(ssl) else { return }
    connection.keyLogLine(String(cString: line))
}

let tlsNewSessionCallback: @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32 = { ssl, session in
    guard let ssl, let session, let connection = TLSConnection.from(ssl) else { return 0 }
    connection.sessionSaved(session)
    return 0  // we keep a serialized copy, not a reference
}
