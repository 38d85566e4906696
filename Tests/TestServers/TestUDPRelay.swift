import NIOCore
import NIOPosix
import Synchronization

/// A UDP load balancer on 127.0.0.1 in front of several RADIUS servers, for tests of what balancers do to
/// conversations: ``Mode/stickyPerSourcePort`` sends every datagram of one client address and port to the same
/// member (F5 / NetScaler source-address-and-port persistence), ``Mode/perPacket`` spreads datagrams round robin
/// (a balancer without persistence: an EAP conversation's State reaches a member that never issued it).
///
/// Each client address and port gets its own upstream socket, so a member sees one source per client and
/// replies map back without rewriting anything. All state is confined to one event loop.
public final class TestUDPRelay: @unchecked Sendable {
    public enum Mode: Sendable {
        case stickyPerSourcePort
        case perPacket
    }

    public struct Statistics: Sendable {
        /// Datagrams forwarded to each member, in `backends` order.
        public var forwarded: [Int]
        /// Client addresses and ports seen.
        public var clients = 0
        public var replies = 0
    }

    public let mode: Mode
    public let backends: [SocketAddress]
    /// `127.0.0.1:PORT`, as `--server` takes it.
    public private(set) var address = ""

    private let eventLoop: any EventLoop
    private var listener: Channel!
    private var upstreams: [SocketAddress: Channel] = [:]
    private var waiting: [SocketAddress: [ByteBuffer]] = [:]
    private var members: [SocketAddress: Int] = [:]
    private var turn = 0
    private let stats: Mutex<Statistics>

    private init(eventLoop: any EventLoop, backends: [SocketAddress], mode: Mode) {
        self.eventLoop = eventLoop
        self.backends = backends
        self.mode = mode
        stats = Mutex(Statistics(forwarded: Array(repeating: 0, count: backends.count)))
    }

    public var statistics: Statistics { stats.withLock { $0 } }

    /// Listens on 127.0.0.1, port 0, relaying to `backends` (`127.0.0.1:PORT` each).
    public static func start(group: any EventLoopGroup, backends: [String], mode: Mode) async throws
        -> TestUDPRelay
    {
        let addresses = try backends.map { text -> SocketAddress in
            let parts = text.split(separator: ":")
            return try SocketAddress(ipAddress: String(parts[0]), port: Int(parts[1])!)
        }
        let eventLoop = group.next()
        let relay = TestUDPRelay(eventLoop: eventLoop, backends: addresses, mode: mode)
        relay.listener = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Listener(relay: relay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        relay.address = "127.0.0.1:\(relay.listener.localAddress?.port ?? 0)"
        return relay
    }

    public func close() async {
        let channels = try? await eventLoop.submit { [self] in [listener!] + Array(upstreams.values) }.get()
        for channel in channels ?? [] { try? await channel.close() }
    }

    private func member(for client: SocketAddress) -> Int {
        switch mode {
        case .stickyPerSourcePort:
            if let member = members[client] { return member }
            let member = turn % backends.count
            turn += 1
            members[client] = member
            return member
        case .perPacket:
            defer { turn += 1 }
            return turn % backends.count
        }
    }

    fileprivate func fromClient(_ envelope: AddressedEnvelope<ByteBuffer>) {
        let client = envelope.remoteAddress
        if let upstream = upstreams[client] {
            forward(envelope.data, from: client, over: upstream)
            return
        }
        if waiting[client] != nil {
            waiting[client]!.append(envelope.data)
            return
        }
        waiting[client] = [envelope.data]
        stats.withLock { $0.clients += 1 }
        DatagramBootstrap(group: eventLoop)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Upstream(relay: self, client: client))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .whenComplete { [self] result in
                let queued = waiting.removeValue(forKey: client) ?? []
                guard case .success(let upstream) = result else { return }
                upstreams[client] = upstream
                for datagram in queued { forward(datagram, from: client, over: upstream) }
            }
    }

    private func forward(_ datagram: ByteBuffer, from client: SocketAddress, over upstream: Channel) {
        let member = member(for: client)
        stats.withLock { $0.forwarded[member] += 1 }
        upstream.writeAndFlush(AddressedEnvelope(remoteAddress: backends[member], data: datagram), promise: nil)
    }

    fileprivate func fromBackend(_ envelope: AddressedEnvelope<ByteBuffer>, client: SocketAddress) {
        stats.withLock { $0.replies += 1 }
        listener.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: envelope.data), promise: nil)
    }

    private final class Listener: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let relay: TestUDPRelay
        init(relay: TestUDPRelay) { self.relay = relay }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { relay.fromClient(unwrapInboundIn(data)) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {}
    }

    private final class Upstream: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let relay: TestUDPRelay
        let client: SocketAddress
        init(relay: TestUDPRelay, client: SocketAddress) {
            self.relay = relay
            self.client = client
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            relay.fromBackend(unwrapInboundIn(data), client: client)
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {}
    }
}
