import Evidence
import NIOCore
import NIOPosix
import Synchronization
import TLS

/// A request ready to go out on a socket: its bytes (already signed with the identifier the transport
/// allocated) and a check the transport applies to every datagram that claims to answer it.
public struct PreparedRequest: Sendable {
    public var bytes: [UInt8]
    /// Verifies a candidate reply (Response Authenticator, Message-Authenticator, …). `nil` means the
    /// reply is genuine; otherwise it says why it is not, and the transport keeps waiting.
    public var verify: @Sendable ([UInt8]) -> ReplyRejection?
    /// Sees every datagram of the exchange as it crosses the socket: each transmission, and each datagram read
    /// for it (replies that fail verification too). For packet captures; nil costs nothing.
    public var tap: (@Sendable (CapturedDatagram) -> Void)?

    public init(bytes: [UInt8], tap: (@Sendable (CapturedDatagram) -> Void)? = nil,
                verify: @escaping @Sendable ([UInt8]) -> ReplyRejection?) {
        self.bytes = bytes
        self.verify = verify
        self.tap = tap
    }
}

/// Why a candidate reply was not accepted: the typed reason and the parser's words.
public struct ReplyRejection: Sendable, Equatable {
    public var code: DiscardReason
    public var reason: String

    public init(_ code: DiscardReason, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}

/// What one request/reply exchange with one server came to.
public struct ExchangeResult: Sendable {
    public enum Outcome: Sendable {
        case reply([UInt8])
        case timeout
    }
    public var outcome: Outcome
    public var server: ServerAddress
    public var identifier: UInt8
    /// Transmissions made (1 = no retransmission).
    public var transmissions: Int
    /// From the first transmission to the reply (what a user waits), or to giving up.
    public var elapsed: Duration
    /// From the last transmission to the reply: the server's own latency when a retransmission was needed.
    public var sinceLastTransmission: Duration
    /// The first datagrams that failed verification (at most `RADIUSTransport.discardedSampleLimit`)…
    public var discarded: [DiscardedDatagram]
    /// …and how many there were in all: a flood of forged replies is counted, never stored.
    public var discardedTotal: Int
}

/// UDP transport for RADIUS clients, built for load: a pool of sockets spread over the event loops of a
/// `MultiThreadedEventLoopGroup` (one per core), each with its own 256 identifiers (RFC 2865 §3: the
/// identifier space is per source port), so thousands of exchanges can be in flight at once.
///
/// Replies are matched by socket, identifier and source address, then verified by the request's own
/// check; a datagram that fails any of these is counted and dropped and the exchange keeps waiting.
/// Retransmission follows `RetransmitPolicy` (RFC 5080 §2.2.1).
public final class RADIUSTransport: Sendable {
    /// How many failed replies an exchange keeps as samples (the rest are only counted).
    public static let discardedSampleLimit = 16

    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let random: RandomSource
    private let maximumSocketsPerFamily: Int
    private let sockets = Mutex<Pool>(Pool())

    private struct Pool {
        var ipv4: [RADIUSSocket] = []
        var ipv6: [RADIUSSocket] = []
        var next = 0
        var closed = false
    }

    /// - Parameters:
    ///   - group: event loops to run on; by default one per core, owned (and shut down) by the transport.
    ///   - maximumSocketsPerFamily: the pool's bound; 256 identifiers each.
    public init(
        group: (any EventLoopGroup)? = nil, maximumSocketsPerFamily: Int = 64, random: RandomSource = SystemRandom()
    ) {
        if let group {
            self.group = group
            self.ownsGroup = false
        } else {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
            self.ownsGroup = true
        }
        self.maximumSocketsPerFamily = max(1, maximumSocketsPerFamily)
        self.random = random
    }

    /// Closes every socket and, when the transport made its own event loops, shuts them down.
    public func shutdown() async {
        let all = sockets.withLock { pool -> [RADIUSSocket] in
            pool.closed = true
            defer { pool.ipv4 = []; pool.ipv6 = [] }
            return pool.ipv4 + pool.ipv6
        }
        for socket in all { try? await socket.channel.close() }
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    /// Sends one request to one server and waits for its verified reply, retransmitting per `policy`.
    ///
    /// `prepare` is called once with the identifier allocated for this exchange and must return the signed
    /// request; it runs on the socket's event loop, so keep it to packet building.
    public func exchange(
        with server: ServerAddress, policy: RetransmitPolicy,
        prepare: @escaping @Sendable (UInt8) -> PreparedRequest
    ) async throws(ProbeError) -> ExchangeResult {
        let schedule = policy.schedule(random: random)
        // Try sockets until one has a free identifier; grow the pool when all are full.
        for _ in 0..<(maximumSocketsPerFamily + 1) {
            let socket = try await socket(for: server.socketAddress)
            let future = socket.channel.eventLoop.flatSubmit {
                socket.start(server: server, schedule: schedule, prepare: prepare)
            }
            do {
                return try await future.get()
            } catch let error as ProbeError where error.code == .noIdentifierAvailable {
                continue
            } catch let error as ProbeError {
                throw error
            } catch {
                throw ProbeError(.socket, "sending to \(server): \(error)")
            }
        }
        throw ProbeError(
            .noIdentifierAvailable,
            "all \(maximumSocketsPerFamily) sockets have 256 requests in flight; lower the concurrency")
    }

    private func socket(for address: SocketAddress) async throws(ProbeError) -> RADIUSSocket {
        let isIPv6: Bool
        if case .v6 = address { isIPv6 = true } else { isIPv6 = false }
        enum Choice { case use(RADIUSSocket), open }
        // Prefer an existing socket with room (round robin); open a new one when all are busy.
        let choice = sockets.withLock { pool -> Choice in
            let list = isIPv6 ? pool.ipv6 : pool.ipv4
            pool.next &+= 1
            for offset in 0..<list.count where list[(pool.next + offset) % list.count].hasFreeIdentifierHint {
                return .use(list[(pool.next + offset) % list.count])
            }
            if list.count < maximumSocketsPerFamily { return .open }
            return .use(list[pool.next % list.count])
        }
        if case .use(let socket) = choice { return socket }
        let opened: RADIUSSocket
        do {
            opened = try await RADIUSSocket.open(on: group.next(), ipv6: isIPv6)
        } catch {
            throw ProbeError(.socket, "cannot open a UDP socket (\(isIPv6 ? "IPv6" : "IPv4")): \(error)")
        }
        let closed = sockets.withLock { pool -> Bool in
            if pool.closed { return true }
            if isIPv6 { pool.ipv6.append(opened) } else { pool.ipv4.append(opened) }
            return false
        }
        if closed {
            try? await opened.channel.close()
            throw ProbeError(.shutdown, "the transport has been shut down")
        }
        return opened
    }

    /// The local address the operating system would use to reach `server` (for NAS-IP-Address).
    public static func localAddress(toward server: SocketAddress) -> SocketAddress? {
        LocalAddress.probe(toward: server)
    }
}

/// One UDP socket and its 256 identifiers. All mutable state is confined to the channel's event loop.
final class RADIUSSocket: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private struct Pending {
        var server: ServerAddress
        var bytes: [UInt8]
        var verify: @Sendable ([UInt8]) -> ReplyRejection?
        var tap: (@Sendable (CapturedDatagram) -> Void)?
        var promise: EventLoopPromise<ExchangeResult>
        var schedule: [Duration]
        var transmissions = 0
        var firstSent: NIODeadline
        var lastSent: NIODeadline
        var timer: Scheduled<Void>?
        var discarded: [DiscardedDatagram] = []
        var discardedTotal = 0

        mutating func discard(_ datagram: DiscardedDatagram) {
            discardedTotal += 1
            if discarded.count < RADIUSTransport.discardedSampleLimit { discarded.append(datagram) }
        }
    }

    private(set) var channel: Channel!
    private var context: ChannelHandlerContext?
    private var pending = [Pending?](repeating: nil, count: 256)
    private var inFlight = 0
    private var nextIdentifier: Int
    /// Read without the event loop as a hint only (a stale value just means trying another socket).
    private let freeHint = Atomic<Int>(256)

    private init(startIdentifier: Int) { nextIdentifier = startIdentifier }

    static func open(on eventLoop: any EventLoop, ipv6: Bool) async throws -> RADIUSSocket {
        let handler = RADIUSSocket(startIdentifier: Int.random(in: 0..<256))
        // No SO_REUSEADDR: Linux can hand two such sockets bound to port 0 the same ephemeral port, and
        // replies then land on the wrong socket (the many-in-flight test caught this).
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: ipv6 ? "::" : "0.0.0.0", port: 0)
            .get()
        handler.channel = channel
        return handler
    }

    var hasFreeIdentifierHint: Bool { freeHint.load(ordering: .relaxed) > 0 }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Allocates an identifier, builds the request and sends it. Runs on the event loop.
    func start(
        server: ServerAddress, schedule: [Duration], prepare: @Sendable (UInt8) -> PreparedRequest
    ) -> EventLoopFuture<ExchangeResult> {
        let eventLoop = channel.eventLoop
        guard inFlight < 256, let context else {
            return eventLoop.makeFailedFuture(ProbeError(.noIdentifierAvailable, "socket full"))
        }
        var identifier = nextIdentifier
        while pending[identifier] != nil { identifier = (identifier + 1) & 0xFF }
        nextIdentifier = (identifier + 1) & 0xFF
        let request = prepare(UInt8(identifier))
        guard !request.bytes.isEmpty else {
            return eventLoop.makeFailedFuture(ProbeError(.badInput, "the request could not be built"))
        }
        let now = NIODeadline.now()
        let promise = eventLoop.makePromise(of: ExchangeResult.self)
        pending[identifier] = Pending(
            server: server, bytes: request.bytes, verify: request.verify, tap: request.tap, promise: promise,
            schedule: schedule.isEmpty ? [.seconds(3)] : schedule, firstSent: now, lastSent: now)
        inFlight += 1
        freeHint.store(256 - inFlight, ordering: .relaxed)
        transmit(identifier: identifier, context: context)
        return promise.futureResult
    }

    private func transmit(identifier: Int, context: ChannelHandlerContext) {
        guard var entry = pending[identifier] else { return }
        let now = NIODeadline.now()
        entry.lastSent = now
        let wait = entry.schedule[entry.transmissions]
        entry.transmissions += 1
        entry.timer = context.eventLoop.scheduleTask(in: TimeAmount(wait)) { [self] in
            self.timerFired(identifier: identifier)
        }
        pending[identifier] = entry
        if let tap = entry.tap, let datagram = CapturedDatagram.now(
            .sent, local: context.channel.localAddress, remote: entry.server.socketAddress, payload: entry.bytes) {
            tap(datagram)
        }
        let buffer = context.channel.allocator.buffer(bytes: entry.bytes)
        context.writeAndFlush(
            Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: entry.server.socketAddress, data: buffer)),
            promise: nil)
    }

    private func timerFired(identifier: Int) {
        guard let entry = pending[identifier], let context else { return }
        if entry.transmissions < entry.schedule.count {
            transmit(identifier: identifier, context: context)
        } else {
            finish(identifier: identifier, outcome: .timeout)
        }
    }

    private func finish(identifier: Int, outcome: ExchangeResult.Outcome) {
        guard let entry = pending[identifier] else { return }
        pending[identifier] = nil
        inFlight -= 1
        freeHint.store(256 - inFlight, ordering: .relaxed)
        entry.timer?.cancel()
        let now = NIODeadline.now()
        entry.promise.succeed(
            ExchangeResult(
                outcome: outcome, server: entry.server, identifier: UInt8(identifier),
                transmissions: entry.transmissions,
                elapsed: Duration(now - entry.firstSent), sinceLastTransmission: Duration(now - entry.lastSent),
                discarded: entry.discarded, discardedTotal: entry.discardedTotal))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        let from = ServerAddress(socketAddress: envelope.remoteAddress).description
        // The identifier is byte 1; anything shorter than a RADIUS header cannot be matched at all.
        guard bytes.count >= 20 else { return }
        let identifier = Int(bytes[1])
        guard var entry = pending[identifier] else { return }
        if let tap = entry.tap, let datagram = CapturedDatagram.now(
            .received, local: context.channel.localAddress, remote: envelope.remoteAddress, payload: bytes) {
            tap(datagram)
        }
        guard envelope.remoteAddress == entry.server.socketAddress else {
            entry.discard(DiscardedDatagram(from: from, size: bytes.count, code: .foreignSource,
                                            reason: "came from \(from), not from \(entry.server)"))
            pending[identifier] = entry
            return
        }
        if let problem = entry.verify(bytes) {
            entry.discard(DiscardedDatagram(from: from, size: bytes.count, code: problem.code, reason: problem.reason))
            pending[identifier] = entry
            return
        }
        finish(identifier: identifier, outcome: .reply(bytes))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors and the like: a UDP client keeps waiting; the timer decides.
    }

    func channelInactive(context: ChannelHandlerContext) {
        for identifier in 0..<256 where pending[identifier] != nil {
            pending[identifier]?.promise.fail(ProbeError(.shutdown, "the socket was closed"))
            pending[identifier]?.timer?.cancel()
            pending[identifier] = nil
        }
        inFlight = 0
    }
}

extension Duration {
    init(_ amount: TimeAmount) { self = .nanoseconds(amount.nanoseconds) }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
