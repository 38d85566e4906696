import Evidence
import NIOCore
import NIOPosix
import RADIUS
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
    /// The code the candidate carried, when it decoded that far.
    public var replyCode: RADIUSCode?

    public init(_ code: DiscardReason, _ reason: String, replyCode: RADIUSCode? = nil) {
        self.code = code
        self.reason = reason
        self.replyCode = replyCode
    }
}

/// What one request/reply exchange with one server came to.
public struct ExchangeResult: Sendable {
    public enum Outcome: Sendable {
        case reply([UInt8])
        case timeout
        /// The network answered with an ICMP error (port closed, host unreachable): nothing will answer.
        case unreachable(UnreachableEvidence)
        /// The server answered, repeatedly, with replies that fail verification for this conclusive reason
        /// (``DiscardReason/isConclusive``): the exchange gave up before its schedule ran out.
        case unverified(DiscardReason)
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
    /// The local address and port the request left from (`127.0.0.2:40001`).
    public var source: String
    /// Where the verified reply came from (nil on timeout).
    public var replyFrom: String?
}

/// Where a transport's sockets are bound and how many it opens: the "NAS ports" a load run sends from.
///
/// A NAS (RRAS, an access point) sends every packet of one conversation from one source address and port and
/// keeps 256 identifiers per port (RFC 2865 §3); load balancers hash or persist on that address and port. The
/// transport behaves the same: a conversation leases one socket (``RADIUSTransport/lease(toward:)``) and keeps
/// it for all its round trips, failover included, and a socket carries at most 256 conversations at once, so
/// a leased conversation always finds a free identifier.
public struct SocketPlan: Sendable, Equatable {
    /// Local addresses to bind (`127.0.0.2`, `::1`…); conversations take them in turn. Empty: the wildcard
    /// address of the server's family (the kernel picks the source address).
    public var sourceAddresses: [String]
    /// Sockets opened on each source address before conversations share one: conversations are spread over
    /// them (least leased first), so a balancer sees this many source ports.
    public var socketsPerAddress: Int
    /// The most sockets per source address; more are opened only when every socket carries 256 conversations.
    public var maximumSocketsPerAddress: Int

    /// Conversations one socket carries at once: one identifier each (RFC 2865 §3).
    public static let conversationsPerSocket = 256

    public init(sourceAddresses: [String] = [], socketsPerAddress: Int = 1, maximumSocketsPerAddress: Int = 64) {
        self.sourceAddresses = sourceAddresses
        self.socketsPerAddress = max(1, socketsPerAddress)
        self.maximumSocketsPerAddress = max(self.socketsPerAddress, maximumSocketsPerAddress)
    }

    /// True for a numeric IPv4 or IPv6 address (what a source address must be: it is bound, not resolved).
    public static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    /// Sockets per address that `conversations` in flight need (256 each), spread over `addresses` addresses.
    public static func socketsNeeded(forInFlight conversations: Int, addresses: Int) -> Int {
        let perAddress = (max(1, conversations) + max(1, addresses) - 1) / max(1, addresses)
        return (perAddress + conversationsPerSocket - 1) / conversationsPerSocket
    }
}

/// What a transport's sockets are doing (tests check that identifiers and leases never leak).
public struct TransportSnapshot: Sendable, Equatable {
    public struct Socket: Sendable, Equatable {
        /// `127.0.0.2:40001`.
        public var local: String
        /// Conversations holding this socket now.
        public var leases: Int
        /// Identifiers in flight now.
        public var identifiersInUse: Int
    }
    public var sockets: [Socket]
}

/// UDP transport for RADIUS clients, built for load: a pool of sockets spread over the event loops of a
/// `MultiThreadedEventLoopGroup` (one per core), each with its own 256 identifiers (RFC 2865 §3: the
/// identifier space is per source port), so thousands of exchanges can be in flight at once.
///
/// A conversation leases one socket per address family and sends every request through it (a NAS's habit,
/// and what balancers that persist on source port need). Replies are matched by socket, identifier and source
/// address, then verified by the request's own check; a datagram that fails any of these is counted and
/// dropped and the exchange keeps waiting. Retransmission follows `RetransmitPolicy` (RFC 5080 §2.2.1).
public final class RADIUSTransport: Sendable {
    /// How many failed replies an exchange keeps as samples (the rest are only counted).
    public static let discardedSampleLimit = 16
    /// How often the server must send the same reply failing verification for a conclusive reason (unsigned,
    /// another secret) before an exchange gives up: the server answered and repeated itself (a retransmission
    /// answered alike); retransmitting more changes nothing. One could be a stray or forged datagram, and
    /// distinct datagrams never add up (a flood of forgeries cannot end an exchange).
    public static let conclusiveDiscardLimit = 2

    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let random: RandomSource
    public let plan: SocketPlan
    private let pool = Mutex<Pool>(Pool())

    private struct Entry {
        var socket: RADIUSSocket
        var address: String
        var leases = 1
    }

    private struct Pool {
        var entries: [Entry] = []
        /// Sockets being opened, per bind address (they count toward the plan's bounds).
        var opening: [String: Int] = [:]
        var nextAddress = 0
        /// Per bind address, where the next search for a socket starts.
        var nextSocket: [String: Int] = [:]
        var closed = false
    }

    /// - Parameters:
    ///   - group: event loops to run on; by default one per core, owned (and shut down) by the transport.
    ///   - plan: where sockets are bound and how many (default: one socket, growing to 64 when full).
    public init(group: (any EventLoopGroup)? = nil, plan: SocketPlan = SocketPlan(),
                random: RandomSource = SystemRandom()) {
        if let group {
            self.group = group
            self.ownsGroup = false
        } else {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
            self.ownsGroup = true
        }
        self.plan = plan
        self.random = random
    }

    /// A transport whose sockets grow from one to `maximumSocketsPerFamily` on the wildcard address (what
    /// `auth`, `run` and `status` need).
    public convenience init(
        group: (any EventLoopGroup)? = nil, maximumSocketsPerFamily: Int, random: RandomSource = SystemRandom()
    ) {
        self.init(group: group, plan: SocketPlan(maximumSocketsPerAddress: maximumSocketsPerFamily), random: random)
    }

    /// One exchange on a socket leased for it alone (a conversation should hold a ``SocketLease`` instead).
    public func exchange(
        with server: ServerAddress, policy: RetransmitPolicy,
        prepare: @escaping @Sendable (UInt8) -> PreparedRequest
    ) async throws(ProbeError) -> ExchangeResult {
        let lease = try await lease(toward: server)
        defer { lease.release() }
        return try await lease.exchange(with: server, policy: policy, random: random, prepare: prepare)
    }

    /// Closes every socket and, when the transport made its own event loops, shuts them down.
    public func shutdown() async {
        let all = pool.withLock { pool -> [RADIUSSocket] in
            pool.closed = true
            defer { pool.entries = [] }
            return pool.entries.map(\.socket)
        }
        for socket in all { try? await socket.channel.close() }
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    /// The sockets and what they carry now.
    public func snapshot() async -> TransportSnapshot {
        let entries = pool.withLock { $0.entries }
        var sockets: [TransportSnapshot.Socket] = []
        for entry in entries {
            let inUse = (try? await entry.socket.channel.eventLoop.submit { entry.socket.identifiersInUse }.get()) ?? 0
            sockets.append(.init(local: entry.socket.local, leases: entry.leases, identifiersInUse: inUse))
        }
        return TransportSnapshot(sockets: sockets)
    }

    /// Opens the plan's sockets toward `server`'s address family now, so a run does not start by opening them.
    public func open(toward server: ServerAddress) async throws(ProbeError) {
        let ipv6 = server.isIPv6
        let addresses = try bindAddresses(ipv6: ipv6)
        var leases: [SocketLease] = []
        for _ in 0..<(addresses.count * plan.socketsPerAddress) { leases.append(try await lease(ipv6: ipv6)) }
        for lease in leases { lease.release() }
    }

    /// One socket for one conversation: every exchange through the lease leaves from the same source address and
    /// port. Release it when the conversation ends (a socket carries 256 conversations at once).
    public func lease(toward server: ServerAddress) async throws(ProbeError) -> SocketLease {
        try await lease(ipv6: server.isIPv6)
    }

    private func bindAddresses(ipv6: Bool) throws(ProbeError) -> [String] {
        if plan.sourceAddresses.isEmpty { return [ipv6 ? "::" : "0.0.0.0"] }
        let matching = plan.sourceAddresses.filter { $0.contains(":") == ipv6 }
        guard !matching.isEmpty else {
            let family = ipv6 ? "IPv6" : "IPv4"
            throw ProbeError(.badInput, "no \(family) source address among "
                             + plan.sourceAddresses.joined(separator: ", ") + " for an \(family) server")
        }
        return matching
    }

    private func lease(ipv6: Bool) async throws(ProbeError) -> SocketLease {
        let addresses = try bindAddresses(ipv6: ipv6)
        let plan = self.plan
        enum Choice { case use(RADIUSSocket), open(String), wait, full, closed }
        // A socket being opened by another caller may make room: wait for it, briefly, rather than fail.
        for _ in 0..<5000 {
            let choice = pool.withLock { pool -> Choice in
                if pool.closed { return .closed }
                let address = addresses[pool.nextAddress % addresses.count]
                pool.nextAddress &+= 1
                let here = pool.entries.indices.filter { pool.entries[$0].address == address }
                let opening = pool.opening[address, default: 0]
                if here.count + opening < plan.socketsPerAddress {
                    pool.opening[address, default: 0] += 1
                    return .open(address)
                }
                // The least leased socket with room, ties taken in turn, so conversations spread over source ports
                // even when each ends before the next starts.
                var best: Int?
                if !here.isEmpty {
                    let turn = pool.nextSocket[address, default: 0]
                    for offset in 0..<here.count {
                        let index = here[(turn + offset) % here.count]
                        let leases = pool.entries[index].leases
                        guard leases < SocketPlan.conversationsPerSocket else { continue }
                        if best == nil || leases < pool.entries[best!].leases { best = index }
                    }
                }
                if let best {
                    pool.entries[best].leases += 1
                    pool.nextSocket[address] = (here.firstIndex(of: best)! + 1) % here.count
                    return .use(pool.entries[best].socket)
                }
                if here.count + opening < plan.maximumSocketsPerAddress {
                    pool.opening[address, default: 0] += 1
                    return .open(address)
                }
                return opening > 0 ? .wait : .full
            }
            switch choice {
            case .use(let socket):
                return SocketLease(socket: socket, transport: self)
            case .closed:
                throw ProbeError(.shutdown, "the transport has been shut down")
            case .full:
                throw ProbeError(
                    .noIdentifierAvailable,
                    "all \(plan.maximumSocketsPerAddress) sockets per source address carry "
                        + "\(SocketPlan.conversationsPerSocket) conversations each; lower the concurrency")
            case .wait:
                try? await Task.sleep(for: .milliseconds(1))
            case .open(let address):
                let opened: RADIUSSocket
                do {
                    opened = try await RADIUSSocket.open(on: group.next(), host: address, random: random)
                } catch {
                    pool.withLock { $0.opening[address, default: 1] -= 1 }
                    throw ProbeError(.socket, "cannot open a UDP socket on \(address): \(error)")
                }
                let closed = pool.withLock { pool -> Bool in
                    pool.opening[address, default: 1] -= 1
                    if pool.closed { return true }
                    pool.entries.append(Entry(socket: opened, address: address))
                    return false
                }
                if closed {
                    try? await opened.channel.close()
                    throw ProbeError(.shutdown, "the transport has been shut down")
                }
                return SocketLease(socket: opened, transport: self)
            }
        }
        throw ProbeError(.socket, "timed out waiting for a UDP socket to open on \(addresses.joined(separator: ", "))")
    }

    fileprivate func release(_ socket: RADIUSSocket) {
        pool.withLock { pool in
            if let index = pool.entries.firstIndex(where: { $0.socket === socket }) { pool.entries[index].leases -= 1 }
        }
    }

    /// The local address the operating system would use to reach `server` (for NAS-IP-Address).
    public static func localAddress(toward server: SocketAddress) -> SocketAddress? {
        LocalAddress.probe(toward: server)
    }
}

/// One conversation's hold on one socket: every exchange leaves from its source address and port. Released
/// once (further calls do nothing); a released lease refuses exchanges.
public final class SocketLease: Sendable {
    fileprivate let socket: RADIUSSocket
    private let transport: RADIUSTransport
    private let released = Atomic<Bool>(false)

    fileprivate init(socket: RADIUSSocket, transport: RADIUSTransport) {
        self.socket = socket
        self.transport = transport
    }

    /// The source address and port, `127.0.0.2:40001` (the wildcard address when bound to it).
    public var local: String { socket.local }
    /// The bound IP address alone, `127.0.0.2` (`0.0.0.0` or `::` when bound to the wildcard).
    public var localIP: String? { socket.channel.localAddress?.ipAddress }

    public func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { transport.release(socket) }
    }

    /// Sends one request to one server from this lease's socket and waits for its verified reply,
    /// retransmitting per `policy`.
    ///
    /// `prepare` is called once with the identifier allocated for this exchange and must return the signed
    /// request; it runs on the socket's event loop, so keep it to packet building.
    public func exchange(
        with server: ServerAddress, policy: RetransmitPolicy, random: any RandomSource,
        prepare: @escaping @Sendable (UInt8) -> PreparedRequest
    ) async throws(ProbeError) -> ExchangeResult {
        guard !released.load(ordering: .acquiring) else {
            throw ProbeError(.shutdown, "the socket lease was released")
        }
        let schedule = policy.schedule(random: random)
        let socket = self.socket
        let future = socket.channel.eventLoop.flatSubmit {
            socket.start(server: server, schedule: schedule, prepare: prepare)
        }
        do {
            return try await future.get()
        } catch let error as ProbeError {
            throw error
        } catch {
            throw ProbeError(.socket, "sending to \(server) from \(socket.local): \(error)")
        }
    }
}

/// The sockets one conversation holds: one lease per address family, taken on first use and kept until
/// ``release()``, so a conversation (its failover retries included) never changes source port.
public final class ConversationSockets: Sendable {
    public let transport: RADIUSTransport
    private let leases = Mutex<(v4: SocketLease?, v6: SocketLease?)>((nil, nil))

    public init(transport: RADIUSTransport) { self.transport = transport }

    /// The lease for `server`'s family, leased now if this conversation has none yet.
    public func lease(toward server: ServerAddress) async throws(ProbeError) -> SocketLease {
        let ipv6 = server.isIPv6
        if let held = leases.withLock({ ipv6 ? $0.v6 : $0.v4 }) { return held }
        let new = try await transport.lease(toward: server)
        let kept = leases.withLock { held -> SocketLease in
            if let existing = ipv6 ? held.v6 : held.v4 { return existing }
            if ipv6 { held.v6 = new } else { held.v4 = new }
            return new
        }
        if kept !== new { new.release() }
        return kept
    }

    /// Gives every lease back.
    public func release() {
        let held = leases.withLock { held in
            defer { held = (nil, nil) }
            return held
        }
        held.v4?.release()
        held.v6?.release()
    }
}

/// The 256 identifiers of one socket (RFC 2865 §3), allocated in rotation: the next free identifier after the
/// last one handed out, so a just-released identifier is reused as late as possible (a late reply to its
/// previous request then fails verification instead of matching a new one). A value; no I/O.
struct IdentifierAllocator: Sendable {
    private var inUse = [Bool](repeating: false, count: 256)
    private(set) var count = 0
    private var next: Int

    init(start: UInt8 = 0) { next = Int(start) }

    /// A free identifier, or nil when all 256 are in flight.
    mutating func allocate() -> UInt8? {
        guard count < 256 else { return nil }
        var identifier = next
        while inUse[identifier] { identifier = (identifier + 1) & 0xFF }
        inUse[identifier] = true
        count += 1
        next = (identifier + 1) & 0xFF
        return UInt8(identifier)
    }

    /// Gives `identifier` back; releasing one that is not in use is a bug (it would free another exchange's).
    mutating func release(_ identifier: UInt8) {
        precondition(inUse[Int(identifier)], "identifier \(identifier) released twice")
        inUse[Int(identifier)] = false
        count -= 1
    }

    func isInUse(_ identifier: UInt8) -> Bool { inUse[Int(identifier)] }
}

extension ServerAddress {
    var isIPv6: Bool {
        if case .v6 = socketAddress { return true }
        return false
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
        /// Conclusively failing datagrams (``DiscardReason/isConclusive``) from the server's own address, the
        /// first few kept whole (a flood of distinct forgeries cannot grow this), with how often each came.
        var conclusive: [(bytes: [UInt8], code: DiscardReason, count: Int)] = []

        /// Counts and samples `datagram`; returns the reason to give up on when the pattern is conclusive: the
        /// server sent the same failing reply ``RADIUSTransport/conclusiveDiscardLimit`` times (a server answers
        /// a retransmission with the same bytes; forged or stray datagrams differ).
        mutating func discard(_ datagram: DiscardedDatagram, bytes: [UInt8]) -> DiscardReason? {
            discardedTotal += 1
            if discarded.count < RADIUSTransport.discardedSampleLimit { discarded.append(datagram) }
            guard datagram.code.isConclusive else { return nil }
            if let index = conclusive.firstIndex(where: { $0.bytes == bytes }) {
                conclusive[index].count += 1
                return conclusive[index].count >= RADIUSTransport.conclusiveDiscardLimit ? datagram.code : nil
            }
            if conclusive.count < 4 { conclusive.append((bytes, datagram.code, 1)) }
            return RADIUSTransport.conclusiveDiscardLimit <= 1 ? datagram.code : nil
        }
    }

    /// What a datagram claiming to answer a pending request comes to.
    private enum Verdict {
        /// The verified reply: the exchange ends with it.
        case reply
        /// Not the reply: counted, sampled, and the exchange keeps waiting for its timer, unless the server
        /// has now given the same conclusive failure often enough (``RADIUSTransport/conclusiveDiscardLimit``).
        case discard(DiscardedDatagram)
    }

    /// The largest datagram read whole: twice RFC 2865's 4096 bytes, so a reply just over the limit is refused
    /// for its length (anything longer arrives cut at this size and is refused the same way). One buffer of
    /// this size is allocated per datagram read: a larger one slows reading under a flood.
    static let readCapacity = 8192

    private(set) var channel: Channel!
    /// The bound address, `127.0.0.2:40001`.
    private(set) var local = ""
    private var context: ChannelHandlerContext?
    /// The socket's descriptor when it was opened with its ICMP error queue on (Linux), for `errorCaught`.
    private var errorQueueDescriptor: Int32?
    private var pending = [Pending?](repeating: nil, count: 256)
    private var identifiers: IdentifierAllocator

    private init(startIdentifier: UInt8) { identifiers = IdentifierAllocator(start: startIdentifier) }

    /// Identifiers in flight (read on the event loop).
    var identifiersInUse: Int { identifiers.count }

    static func open(on eventLoop: any EventLoop, host: String, random: any RandomSource) async throws -> RADIUSSocket {
        let handler = RADIUSSocket(startIdentifier: random.bytes(1)[0])
        // No SO_REUSEADDR: Linux can hand two such sockets bound to port 0 the same ephemeral port, and
        // replies then land on the wrong socket (the many-in-flight test caught this).
        let bootstrap = DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // NIO reads datagrams into 2048-byte buffers by default and cuts longer ones: a 4096-byte reply
            // (RFC 2865 §3's maximum) must arrive whole, and a longer one whole enough to be refused for its size.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: RADIUSSocket.readCapacity))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        #if os(Linux)
        // Our own socket, so that ICMP errors are queued and can be read (see `SocketErrorQueue`).
        let descriptor = try SocketErrorQueue.openSocket(host: host)
        handler.errorQueueDescriptor = descriptor
        let channel = try await bootstrap.withBoundSocket(descriptor).get()
        #else
        let channel = try await bootstrap.bind(host: host, port: 0).get()
        #endif
        handler.channel = channel
        handler.local = channel.localAddress.map { ServerAddress(socketAddress: $0).description } ?? host
        return handler
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Allocates an identifier, builds the request and sends it. Runs on the event loop.
    func start(
        server: ServerAddress, schedule: [Duration], prepare: @Sendable (UInt8) -> PreparedRequest
    ) -> EventLoopFuture<ExchangeResult> {
        let eventLoop = channel.eventLoop
        guard let context else {
            return eventLoop.makeFailedFuture(ProbeError(.shutdown, "the socket \(local) is closed"))
        }
        // A socket carries at most 256 leased conversations, each with one exchange at a time: never empty.
        guard let identifier = identifiers.allocate() else {
            return eventLoop.makeFailedFuture(ProbeError(.noIdentifierAvailable, "socket \(local) has 256 in flight"))
        }
        let request = prepare(identifier)
        guard !request.bytes.isEmpty else {
            identifiers.release(identifier)
            return eventLoop.makeFailedFuture(ProbeError(.badInput, "the request could not be built"))
        }
        let now = NIODeadline.now()
        let promise = eventLoop.makePromise(of: ExchangeResult.self)
        pending[Int(identifier)] = Pending(
            server: server, bytes: request.bytes, verify: request.verify, tap: request.tap, promise: promise,
            schedule: schedule.isEmpty ? [.seconds(3)] : schedule, firstSent: now, lastSent: now)
        transmit(identifier: Int(identifier), context: context)
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
            finish(identifier: identifier, outcome: .timeout, replyFrom: nil)
        }
    }

    private func finish(identifier: Int, outcome: ExchangeResult.Outcome, replyFrom: String?) {
        guard let entry = pending[identifier] else { return }
        pending[identifier] = nil
        identifiers.release(UInt8(identifier))
        entry.timer?.cancel()
        let now = NIODeadline.now()
        entry.promise.succeed(
            ExchangeResult(
                outcome: outcome, server: entry.server, identifier: UInt8(identifier),
                transmissions: entry.transmissions,
                elapsed: Duration(now - entry.firstSent), sinceLastTransmission: Duration(now - entry.lastSent),
                discarded: entry.discarded, discardedTotal: entry.discardedTotal, source: local, replyFrom: replyFrom))
    }

    private func judge(_ bytes: [UInt8], from address: SocketAddress, _ from: String, for entry: Pending) -> Verdict {
        guard address == entry.server.socketAddress else {
            return .discard(DiscardedDatagram(from: from, size: bytes.count, code: .foreignSource,
                                              reason: "came from \(from), not from \(entry.server)"))
        }
        if let problem = entry.verify(bytes) {
            return .discard(
                DiscardedDatagram(from: from, size: bytes.count, code: problem.code, reason: problem.reason,
                                  replyCode: problem.replyCode))
        }
        return .reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        // The identifier is byte 1; anything shorter than a RADIUS header cannot be matched at all.
        guard bytes.count >= 20 else { return }
        let identifier = Int(bytes[1])
        guard var entry = pending[identifier] else { return }
        if let tap = entry.tap, let datagram = CapturedDatagram.now(
            .received, local: context.channel.localAddress, remote: envelope.remoteAddress, payload: bytes) {
            tap(datagram)
        }
        let from = ServerAddress(socketAddress: envelope.remoteAddress).description
        switch judge(bytes, from: envelope.remoteAddress, from, for: entry) {
        case .reply:
            finish(identifier: identifier, outcome: .reply(bytes), replyFrom: from)
        case .discard(let datagram):
            let conclusive = entry.discard(datagram, bytes: bytes)
            pending[identifier] = entry
            if let conclusive { finish(identifier: identifier, outcome: .unverified(conclusive), replyFrom: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // An ICMP error for one of our requests (Linux, IP_RECVERR): the exchange it belongs to — same
        // destination, same Identifier — ends now with what the network said. Anything else: the timer decides.
        #if os(Linux)
        guard let descriptor = errorQueueDescriptor else { return }
        for entry in SocketErrorQueue.drain(descriptor) {
            let identifier = Int(entry.identifier)
            guard let pending = pending[identifier], pending.server.socketAddress == entry.destination else { continue }
            finish(identifier: identifier, outcome: .unreachable(entry.evidence), replyFrom: nil)
        }
        #endif
    }

    func channelInactive(context: ChannelHandlerContext) {
        for identifier in 0..<256 where pending[identifier] != nil {
            pending[identifier]?.promise.fail(ProbeError(.shutdown, "the socket was closed"))
            pending[identifier]?.timer?.cancel()
            pending[identifier] = nil
            identifiers.release(UInt8(identifier))
        }
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
