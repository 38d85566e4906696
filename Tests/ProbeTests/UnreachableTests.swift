import Evidence
import NIOCore
import NIOPosix
import Testing
@testable import Probe

/// ICMP errors end an exchange at once, named (issue 12: `--server 127.0.0.1:<closed port>` and `--server ::1`
/// with nothing listening waited out the whole schedule and said "nothing answered at all").
@Suite(.serialized, .enabled(if: isLinux)) struct UnreachableTests {
    /// 1 s, then 2 s: a timeout would take 3 s; the ICMP error comes back in microseconds on loopback.
    static let slow = RetransmitPolicy(initialTimeout: .seconds(1), retransmissions: 1, jitter: false)

    /// A UDP port on `host` that nothing listens on: bound once by a server that is then closed.
    static func closedPort(host: String) async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await DatagramBootstrap(group: group).bind(host: host, port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        try await group.shutdownGracefully()
        return port
    }

    @Test func aClosedPortEndsTheExchangeAtOnceAsPortClosed() async throws {
        let port = try await Self.closedPort(host: "127.0.0.1")
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(port)"), policy: Self.slow,
            prepare: TransportTests.request(marker: 5))
        await transport.shutdown()
        guard case .unreachable(let evidence) = result.outcome else {
            Issue.record("expected an ICMP port unreachable, got \(result.outcome)")
            return
        }
        #expect(evidence.kind == .portClosed)
        #expect(evidence.icmpType == 3 && evidence.icmpCode == 3)
        #expect(evidence.from == "127.0.0.1")
        #expect(result.transmissions == 1, "ended by the ICMP error before the 1 s timer retransmitted")
    }

    @Test(.enabled(if: ipv6LoopbackWorks())) func aClosedIPv6PortToo() async throws {
        let port = try await Self.closedPort(host: "::1")
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let result = try await transport.exchange(
            with: ServerAddress(parsing: "[::1]:\(port)"), policy: Self.slow, prepare: TransportTests.request(marker: 6))
        await transport.shutdown()
        guard case .unreachable(let evidence) = result.outcome else {
            Issue.record("expected an ICMPv6 port unreachable, got \(result.outcome)")
            return
        }
        #expect(evidence.kind == .portClosed)
        #expect(evidence.icmpType == 1 && evidence.icmpCode == 4)
        #expect(result.transmissions == 1)
    }

    /// One socket carries both exchanges: the ICMP error ends only the one whose destination and Identifier
    /// it quotes.
    @Test func theErrorEndsOnlyTheExchangeItBelongsTo() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeUDPServer.start(group: group) { datagram, count in
            count < 2 ? [] : [TransportTests.echo(datagram)]  // answers the retransmission, after the ICMP error
        }
        let closed = try await Self.closedPort(host: "127.0.0.1")
        let transport = RADIUSTransport(group: group, maximumSocketsPerFamily: 1)
        let policy = RetransmitPolicy(initialTimeout: .milliseconds(300), retransmissions: 2, jitter: false)
        async let live = transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(server.port)"), policy: policy,
            prepare: TransportTests.request(marker: 8))
        async let dead = transport.exchange(
            with: ServerAddress(parsing: "127.0.0.1:\(closed)"), policy: policy,
            prepare: TransportTests.request(marker: 9))
        let (answered, refused) = try await (live, dead)
        guard case .reply(let bytes) = answered.outcome else { Issue.record("the live exchange got no reply"); return }
        #expect(bytes[2] == 8 && answered.transmissions == 2)
        guard case .unreachable = refused.outcome else { Issue.record("the closed port was not reported"); return }
        await transport.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func icmpNumbersNameTheKind() {
        #expect(UnreachableEvidence.kind(icmpType: 3, icmpCode: 3, ipv6: false) == .portClosed)
        #expect(UnreachableEvidence.kind(icmpType: 1, icmpCode: 4, ipv6: true) == .portClosed)
        #expect(UnreachableEvidence.kind(icmpType: 3, icmpCode: 1, ipv6: false) == .hostUnreachable)
        #expect(UnreachableEvidence.kind(icmpType: 1, icmpCode: 3, ipv6: true) == .hostUnreachable)
        #expect(UnreachableEvidence.kind(icmpType: 3, icmpCode: 13, ipv6: false) == .prohibited)
        #expect(UnreachableEvidence.kind(icmpType: 11, icmpCode: 0, ipv6: false) == .other)
    }
}

#if os(Linux)
let isLinux = true
#else
let isLinux = false
#endif

/// `::1` can be bound (some containers have no IPv6 loopback).
func ipv6LoopbackWorks() -> Bool {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { try? group.syncShutdownGracefully() }
    guard let channel = try? DatagramBootstrap(group: group).bind(host: "::1", port: 0).wait() else { return false }
    try? channel.close().wait()
    return true
}

@Suite struct ServerAddressMessageTests {
    /// `SocketAddressError.UnknownHost: … (error -2) for host …, port 1812` was shown as it was.
    @Test func anUnknownHostIsSaidInWords() {
        do {
            _ = try ServerAddress(parsing: "no.such.host.invalid")
            Issue.record("resolved")
        } catch {
            #expect(error.reason.hasPrefix("cannot resolve 'no.such.host.invalid': "), "\(error.reason)")
            #expect(!error.reason.contains("SocketAddressError") && !error.reason.contains("(error -"),
                    "\(error.reason)")
        }
    }
}
