import TLS

/// EAP-TLS framing around one client TLS session: what EAP-TLS, PEAP (both phases) and PEAP's inner EAP-TLS
/// share (RFC 5216 §2.1, §3.1; [MS-PEAP] §3.2.5.1–3.2.5.2; hostap `eap_tls_common.c`).
///
/// Incoming fragments are reassembled (``TLSReassembler``, capped at the reassembly limit) and ACKed; a complete
/// TLS message goes into the session — the handshake until it is established, `open` afterwards. Outgoing TLS
/// data leaves in fragments (``TLSFragmenter``), one per round trip, each but the last ACKed by the server with
/// an empty request. The method on top decides what an established handshake and application data mean.
struct TLSEngine {
    enum Event {
        /// Send this EAP-TLS message (a fragment, or an ACK).
        case reply(EAPTLSMessage)
        /// Send this (our alert, or the ACK of the server's alert), then the conversation fails.
        case replyThenFail(EAPTLSMessage, MethodFailure)
        case fail(MethodFailure)
        /// The handshake completed with this message: `output` is our last flight (empty when the server's
        /// Finished came last), `plaintext` application data that arrived with it.
        case handshakeCompleted(output: [UInt8], plaintext: [UInt8])
        /// After the handshake: one complete TLS message, decrypted (empty when it held only tickets etc.).
        case applicationData([UInt8])
        /// An empty request while nothing of ours awaits an ACK.
        case emptyRequest
    }

    /// How many empty requests in a row are answered before the peer calls it a loop.
    static let emptyRequestLimit = 3

    /// An inner session (PEAP-TLS) traces its TLS events as inner events and its steps as inner steps, and does
    /// not trace fragments (the outer PEAP fragments are traced).
    let inner: Bool
    var fragmentConfiguration: TLSFragmenter.Configuration
    private let context: TLSClientContext
    private let resuming: TLSResumptionState?

    /// Where the TLS session stands; each phase holds the session it has.
    private enum Phase {
        /// No Start yet: no session.
        case awaitingStart
        case handshake(TLSSession)
        /// Both Finished seen: records carry application data (`open`).
        case established(TLSSession)
        /// TLS failed; only the fragments of our alert may still be sent.
        case failed(TLSSession?)
    }

    private var phase = Phase.awaitingStart
    /// The TLS message of ours being sent in fragments, and how many have left.
    private var fragmenter: TLSFragmenter?
    private var fragmentIndex = 0
    private var reassembler: TLSReassembler
    private var copiedEvents = 0
    private var emptyRequests = 0

    init(context: TLSClientContext, resuming: TLSResumptionState?, fragmentConfiguration: TLSFragmenter.Configuration,
         reassemblyLimit: Int, inner: Bool) {
        self.context = context
        self.resuming = resuming
        self.fragmentConfiguration = fragmentConfiguration
        self.reassembler = TLSReassembler(maximumMessageSize: reassemblyLimit)
        self.inner = inner
    }

    var session: TLSSession? {
        switch phase {
        case .awaitingStart: return nil
        case .handshake(let session), .established(let session): return session
        case .failed(let session): return session
        }
    }

    var established: Bool {
        if case .established = phase { return true }
        return false
    }

    var failed: Bool {
        if case .failed = phase { return true }
        return false
    }

    var evidence: TLSEvidence? { session?.evidence }
    /// A fragment of ours awaits the server's ACK.
    var isSendingFragments: Bool { fragmenter?.isAwaitingAck == true }
    /// Every fragment of our last message has been handed out.
    var outputComplete: Bool { fragmenter.map(\.isFinished) ?? true }
    var negotiatedVersion: TLSVersion? { session?.negotiatedVersion }

    /// Handles one request's EAP-TLS/PEAP Type-Data.
    mutating func receive(_ message: EAPTLSMessage, _ ctx: inout PeerContext) -> Event {
        if let fragmenter, fragmenter.isAwaitingAck {
            guard message.isAck else {
                return .fail(.violation("the server sent \(message) while \(fragmenter.remaining) octets of our "
                                        + "TLS message still await its ACK"))
            }
            if !inner { ctx.record(.ackReceived) }
            do {
                try self.fragmenter?.receiveAck(message)
            } catch {
                return .fail(.violation("the ACK of our fragment", error))
            }
            switch nextFragment(&ctx) {
            case .success(let fragment): return .reply(fragment)
            case .failure(let failure): return .fail(failure)
            }
        }
        let session: TLSSession
        switch phase {
        case .failed:
            return .fail(.violation("a request arrived after our TLS session failed"))
        case .awaitingStart:
            guard message.isStart else {
                return .fail(.violation("a request without the S flag before the method's Start (\(message))"))
            }
            return start(&ctx)
        case .handshake(let current), .established(let current):
            guard !message.isStart else {
                return .fail(.violation("a Start (S flag) after the TLS handshake began"))
            }
            session = current
        }
        if message.isAck {
            if !inner { ctx.record(.ackReceived) }
            emptyRequests += 1
            guard emptyRequests <= Self.emptyRequestLimit else {
                return .fail(.violation("\(emptyRequests) empty requests in a row while nothing of ours awaits "
                                        + "an ACK"))
            }
            return .emptyRequest
        }
        emptyRequests = 0

        let output: TLSReassembler.Output
        do {
            output = try reassembler.receive(message)
        } catch {
            let limit = error.code == .messageTooLong
                ? " (reassembly limit \(reassembler.maximumMessageSize) octets)" : ""
            return .fail(.violation("malformed EAP-TLS fragment\(limit)", error))
        }
        if !inner {
            ctx.record(.fragmentReceived(bytes: message.data.count, flags: message.flags.rawValue | message.version))
        }
        switch output {
        case .needMore:
            return .reply(ack(&ctx))
        case .complete(let records):
            reassembler.reset()
            if established { return open(records, session, &ctx) }
            return handshake(session.receive(records), &ctx)
        }
    }

    /// Sends `records` (a TLS message of ours): its first fragment, or an ACK when there is nothing to send.
    mutating func send(_ records: [UInt8], _ ctx: inout PeerContext) -> Result<EAPTLSMessage, MethodFailure> {
        guard !records.isEmpty else { return .success(ack(&ctx)) }
        do {
            fragmenter = try TLSFragmenter(message: records, configuration: fragmentConfiguration)
        } catch {
            return .failure(.configuration("cannot fragment \(records.count) octets of TLS", error))
        }
        fragmentIndex = 0
        return nextFragment(&ctx)
    }

    /// The empty response: an ACK of the server's fragment, or the answer to a message needing no data.
    mutating func ack(_ ctx: inout PeerContext) -> EAPTLSMessage {
        if !inner { ctx.record(.ackSent) }
        return .ack(version: fragmentConfiguration.version)
    }

    /// Seals phase-2 plaintext into records.
    mutating func seal(_ plaintext: [UInt8], _ ctx: inout PeerContext) -> Result<[UInt8], MethodFailure> {
        guard let session else { return .failure(.violation("no TLS session to seal phase-2 data with")) }
        do {
            let records = try session.seal(plaintext)
            copyEvents(&ctx)
            return .success(records)
        } catch {
            phase = .failed(session)
            copyEvents(&ctx)
            return .failure(.tls(error, inner: inner))
        }
    }

    /// New TLS events since the last copy go to the trace, in order.
    mutating func copyEvents(_ ctx: inout PeerContext) {
        guard let events = session?.evidence.events, events.count > copiedEvents else { return }
        for event in events[copiedEvents...] {
            ctx.record(inner ? .innerTLSEvent(event: event) : .tlsEvent(event: event))
        }
        copiedEvents = events.count
    }

    // MARK: - Steps

    private mutating func start(_ ctx: inout PeerContext) -> Event {
        let session: TLSSession
        do {
            session = try context.makeSession(resuming: resuming)
        } catch {
            return .fail(MethodFailure(kind: .configuration, reason: "cannot start a TLS session: \(error.reason)",
                                       tlsError: error))
        }
        phase = .handshake(session)
        return handshake(session.start(), &ctx)
    }

    private mutating func handshake(_ step: TLSHandshakeStep, _ ctx: inout PeerContext) -> Event {
        copyEvents(&ctx)
        let evidence = session?.evidence ?? TLSEvidence()
        switch step {
        case .needMore(let output):
            ctx.step = evidence.handshakeStep(inner: inner)
            switch send(output, &ctx) {
            case .success(let message): return .reply(message)
            case .failure(let failure): return .fail(failure)
            }
        case .established(let output):
            guard let session else { return .fail(.violation("a handshake step without a TLS session")) }
            phase = .established(session)
            let plaintext: [UInt8]
            do {
                plaintext = try session.open([])
            } catch {
                return tlsFailed(error, output: output + session.takePendingOutput(), &ctx)
            }
            copyEvents(&ctx)
            return .handshakeCompleted(output: output, plaintext: plaintext)
        case .failed(let error, let output):
            ctx.step = evidence.handshakeStep(inner: inner)
            return tlsFailed(error, output: output, &ctx)
        }
    }

    private mutating func open(_ records: [UInt8], _ session: TLSSession, _ ctx: inout PeerContext) -> Event {
        do {
            let plaintext = try session.open(records)
            copyEvents(&ctx)
            return .applicationData(plaintext)
        } catch {
            return tlsFailed(error, output: session.takePendingOutput(), &ctx)
        }
    }

    /// RFC 5216 §2.1.3: our alert goes to the server as a response; the server's alert is answered with an ACK
    /// (hostapd does both); the conversation fails either way.
    private mutating func tlsFailed(_ error: TLSError, output: [UInt8], _ ctx: inout PeerContext) -> Event {
        phase = .failed(session)
        copyEvents(&ctx)
        let failure = MethodFailure.tls(error, inner: inner)
        if !output.isEmpty {
            switch send(output, &ctx) {
            case .success(let message): return .replyThenFail(message, failure)
            case .failure: return .fail(failure)
            }
        }
        if error.code == .peerAlert || error.code == .closed {
            return .replyThenFail(ack(&ctx), failure)
        }
        return .fail(failure)
    }

    private mutating func nextFragment(_ ctx: inout PeerContext) -> Result<EAPTLSMessage, MethodFailure> {
        guard var fragmenter else { return .failure(.violation("an ACK with nothing of ours awaiting one")) }
        do {
            let fragment = try fragmenter.nextFragment()
            self.fragmenter = fragmenter
            fragmentIndex += 1
            if !inner {
                ctx.record(.fragmentSent(index: fragmentIndex, of: fragmenter.fragmentCount,
                                         bytes: fragment.data.count))
            }
            return .success(fragment)
        } catch {
            return .failure(.violation("cannot send the next fragment", error))
        }
    }
}
