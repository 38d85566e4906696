import TLSTestSupport
import NIOCore
import NIOPosix
import Testing
import TLS
@testable import Probe

@Suite struct RetransmitPolicyTests {
    @Test func doublesWithoutJitter() {
        let policy = RetransmitPolicy(initialTimeout: .seconds(2), retransmissions: 3, maximumTimeout: .seconds(16),
                                      jitter: false)
        #expect(policy.schedule() == [.seconds(2), .seconds(4), .seconds(8), .seconds(16)])
    }

    @Test func capsAtMaximumTimeoutAndDuration() {
        let capped = RetransmitPolicy(initialTimeout: .seconds(4), retransmissions: 4, maximumTimeout: .seconds(10),
                                      jitter: false)
        #expect(capped.schedule() == [.seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10)])
        let bounded = RetransmitPolicy(initialTimeout: .seconds(4), retransmissions: 4, maximumTimeout: .seconds(10),
                                       maximumDuration: .seconds(15), jitter: false)
        #expect(bounded.schedule() == [.seconds(4), .seconds(8), .seconds(3)])
    }

    @Test func jitterStaysWithinTenPercent() {
        let policy = RetransmitPolicy(initialTimeout: .seconds(10), retransmissions: 1, maximumTimeout: .seconds(100))
        for seed in 0..<50 {
            let waits = policy.schedule(random: SeededRandom(seed: "\(seed)"))
            #expect(waits[0] >= .seconds(9) && waits[0] <= .seconds(11))
            #expect(waits[1] >= waits[0] * 1.9 && waits[1] <= waits[0] * 2.1)
        }
    }
}

@Suite struct ServerAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1", 1812), ("127.0.0.1:18121", "127.0.0.1", 18121), ("[::1]:1645", "::1", 1645),
        ("::1", "::1", 1812), ("localhost:99", "localhost", 99),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ServerAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: ["", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", "[::1]x", "no.such.host.invalid"])
    func rejects(text: String) {
        #expect(throws: ProbeError.self) { try ServerAddress(parsing: text) }
    }
}

@Suite(.serialized) struct TransportTests {
    static let fast = RetransmitPolicy(initialTimeout: .milliseconds(200), retransmissions: 2, jitter: false)

    /// A request whose "signature" is its identifier repeated: the fake server echoes the identifier and a
    /// marker byte, and `verify` accepts only replies whose bytes 2… equal the expected marker.
    static func request(marker: UInt8) -> @Sendable (UInt8) -> PreparedRequest {
        { identifier in
            PreparedRequest(bytes: [1, identifier] + [UInt8](repeating: marker, count: 18)) { reply in
                reply[2] == marker ? nil : ReplyRejection(.malformed, "marker \(reply[2]) is not \(marker)")
            }
        }
    }

    static func echo(_ datagram: [UInt8]) -> [UInt8] { [2, datagram[1]] + Array(datagram[2...]) }

    @Test func replyIsMatchedAndVerified() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { datagram, _ in [Self.echo(datagram)] }
        let transport = RADIUSTransport(group: group)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: Self.fast,
            prepare: Self.request(marker: 7))
        guard case .reply(let bytes) = result.outcome else { Issue.record("no reply"); return }
        #expect(bytes[1] == result.identifier)
        #expect(result.transmissions == 1)
        #expect(result.discarded.isEmpty)
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func retransmitsTheSameDatagram() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { datagram, count in
            count < 3 ? [] : [Self.echo(datagram)]
        }
        let transport = RADIUSTransport(group: group)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: Self.fast,
            prepare: Self.request(marker: 9))
        guard case .reply = result.outcome else { Issue.record("no reply"); return }
        #expect(result.transmissions == 3)
        #expect(server.datagrams.count == 3)
        #expect(Set(server.datagrams).count == 1, "a retransmission must resend the identical datagram")
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func forgedRepliesAreCountedAndDoNotEndTheExchange() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { datagram, _ in
            var forged = Self.echo(datagram)
            forged[2] = 0xEE
            return [Array(datagram.prefix(5)), forged, Self.echo(datagram)]
        }
        let transport = RADIUSTransport(group: group)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: Self.fast,
            prepare: Self.request(marker: 3))
        guard case .reply(let bytes) = result.outcome else { Issue.record("no reply"); return }
        #expect(bytes[2] == 3)
        // The 5-byte runt cannot be matched to any request; the forged one is matched, checked and dropped.
        #expect(result.discarded.count == 1)
        #expect(result.discarded.first?.reason.contains("marker 238") == true)
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func aFloodOfForgedRepliesIsCountedNotStored() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { datagram, _ in
            var forged = Self.echo(datagram)
            forged[2] = 0xEE
            return [[UInt8]](repeating: forged, count: 500) + [Self.echo(datagram)]
        }
        let transport = RADIUSTransport(group: group)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: Self.fast,
            prepare: Self.request(marker: 4))
        guard case .reply = result.outcome else { Issue.record("no reply"); return }
        #expect(result.discardedTotal > RADIUSTransport.discardedSampleLimit && result.discardedTotal <= 500)
        #expect(result.discarded.count == RADIUSTransport.discardedSampleLimit)
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func timesOutAfterTheScheduleWithNothingListening() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { _, _ in [] }
        let transport = RADIUSTransport(group: group)
        let policy = RetransmitPolicy(initialTimeout: .milliseconds(50), retransmissions: 2, jitter: false)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: policy, prepare: Self.request(marker: 1))
        guard case .timeout = result.outcome else { Issue.record("expected a timeout"); return }
        #expect(result.transmissions == 3)
        #expect(server.datagrams.count == 3)
        #expect(result.elapsed >= .milliseconds(350))
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func thousandsInFlightUseSeveralSocketsAndAllComplete() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await FakeUDPServer.start(group: group) { datagram, _ in [Self.echo(datagram)] }
        let transport = RADIUSTransport(group: group, maximumSocketsPerFamily: 16)
        let address = try ServerAddress(parsing: "127.0.0.1:\(server.port)")
        let policy = RetransmitPolicy(initialTimeout: .seconds(2), retransmissions: 3, jitter: false)
        let replies = try await withThrowingTaskGroup(of: Bool.self) { tasks in
            for n in 0..<2000 {
                tasks.addTask {
                    let result = try await transport.exchange(
                        with: address, policy: policy, prepare: Self.request(marker: UInt8(n % 251)))
                    if case .reply(let bytes) = result.outcome { return bytes[2] == UInt8(n % 251) }
                    return false
                }
            }
            return try await tasks.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(replies == 2000)
        await transport.shutdown()
        try await group.shutdownGracefully()
    }
}
