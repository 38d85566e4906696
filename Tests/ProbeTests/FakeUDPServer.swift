import NIOCore
import NIOPosix
import Synchronization

/// A UDP server on 127.0.0.1 for transport tests: `respond` sees each datagram (with its arrival count)
/// and returns the datagrams to send back, each optionally from another socket (to test source checks).
final class FakeUDPServer: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let respond: @Sendable (_ datagram: [UInt8], _ count: Int) -> [[UInt8]]
    private let received = Mutex<[[UInt8]]>([])
    private(set) var channel: Channel!

    init(respond: @escaping @Sendable ([UInt8], Int) -> [[UInt8]]) { self.respond = respond }

    static func start(group: EventLoopGroup, respond: @escaping @Sendable ([UInt8], Int) -> [[UInt8]])
        async throws -> FakeUDPServer
    {
        let server = FakeUDPServer(respond: respond)
        server.channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return server
    }

    var port: Int { channel.localAddress!.port! }
    var datagrams: [[UInt8]] { received.withLock { $0 } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        let count = received.withLock { list -> Int in
            list.append(bytes)
            return list.count
        }
        for reply in respond(bytes, count) {
            context.writeAndFlush(
                Self.wrapOutboundOut(AddressedEnvelope(
                    remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: reply))),
                promise: nil)
        }
    }
}
