import EAP
import Evidence
import NIOPosix
@testable import Probe
import RADIUS
import Synchronization
import TestServers
import TLS
import TLSTestSupport
import Testing

/// The load engine against in-process servers on loopback, no lab: a conversation keeps one socket, balancers
/// sticky per source port pass every conversation, identifiers neither collide nor leak, a stalled server shows
/// in the percentiles (latency from the intended start) and a slow one in the missed rate.
@Suite(.serialized) struct LoadEngineTests {
    static let secret = Array("testing123".utf8)
    static let fast = RetransmitPolicy(initialTimeout: .milliseconds(1500), retransmissions: 1, jitter: false)

    static func mschapBehaviour(node: String? = nil, delay: Duration = .zero) -> TestRADIUSServer.Behaviour {
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.eap = {
            var options = TestEAPServer.Options(method: .mschapv2)
            options.users = ["carol": "carol-pass"]
            return TestEAPServer(options)
        }
        behaviour.users = ["bob": "bob-pass"]
        behaviour.nodeName = node
        behaviour.replyDelay = delay
        return behaviour
    }

    static let mschapRequest = AuthenticationRequest(
        userName: "carol",
        method: .eap(EAPPeerConfiguration(
            identity: "carol", method: .mschapv2(MSCHAPv2Credentials(username: "carol", password: "carol-pass")))),
        attributes: [RADIUSAttribute(.nasIdentifier, string: "npsprobe-test")])

    static let papRequest = AuthenticationRequest(userName: "bob", method: .pap(password: "bob-pass"), attributes: [])

    static func conversation(_ transport: RADIUSTransport, _ address: String, policy: RetransmitPolicy = fast) throws
        -> Conversation
    {
        Conversation(client: RADIUSClient(transport: transport, configuration: RADIUSClientConfiguration(
            servers: [try ServerAddress(parsing: address)], secret: secret, retransmit: policy)))
    }

    /// Collects the records of a run.
    final class Records: Sendable {
        let all = Mutex<[LoadConversationRecord]>([])
        var values: [LoadConversationRecord] { all.withLock { $0 } }
        func add(_ record: LoadConversationRecord) { all.withLock { $0.append(record) } }
    }

    @Test func identifiersAreAllocatedInRotationAndNeverTwice() {
        var allocator = IdentifierAllocator()
        var held: [UInt8] = []
        let random = SeededRandom(seed: "identifiers")
        for step in 0..<20_000 {
            if held.count == 256 || (!held.isEmpty && random.bytes(1)[0] < 110) {
                let index = Int(random.bytes(1)[0]) % held.count
                allocator.release(held.remove(at: index))
            } else {
                guard let identifier = allocator.allocate() else {
                    Issue.record("no identifier with \(held.count) in use (step \(step))")
                    return
                }
                #expect(!held.contains(identifier), "identifier \(identifier) handed out twice")
                held.append(identifier)
            }
            #expect(allocator.count == held.count)
        }
        for identifier in held { allocator.release(identifier) }
        #expect(allocator.count == 0)
        // All 256, then none; a released identifier comes back only after the others had their turn.
        let all = (0..<256).compactMap { _ in allocator.allocate() }
        #expect(Set(all).count == 256 && allocator.allocate() == nil)
        allocator.release(all[10])
        allocator.release(all[11])
        #expect(allocator.allocate() == all[10])
    }

    @Test func everyDatagramOfAConversationLeavesFromOneSocketAndNothingLeaks() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await TestRADIUSServer.start(
            group: group, behaviour: Self.mschapBehaviour(delay: .milliseconds(2)))
        let plan = SocketPlan(sourceAddresses: ["127.0.0.1", "127.0.0.2"], socketsPerAddress: 3,
                              maximumSocketsPerAddress: 3)
        let transport = RADIUSTransport(group: group, plan: plan)
        let records = Records()
        let result = await LoadRunner.run(
            LoadRequests(base: Self.mschapRequest, identities: LoadIdentities()),
            conversation: try Self.conversation(transport, server.address),
            scheduler: LoadScheduler(.closed(concurrency: 300), count: 3000), onRecord: records.add)
        let snapshot = await transport.snapshot()
        await transport.shutdown()
        let statistics = server.statistics
        await server.close()
        try await group.shutdownGracefully()

        #expect(result.statistics.accepted == 3000, "\(result.statistics.errorSamples)")
        // The server saw every conversation from one source address and port, and no identifier reused while
        // its request was still being answered.
        #expect(statistics.conversationsFromSeveralSources == 0)
        #expect(statistics.identifierCollisions == 0)
        #expect(statistics.unknownStates == 0)
        #expect(statistics.maximumOpenConversations > 256, "enough in flight to need several sockets")
        // Six sockets (two addresses × three ports), each carrying its share.
        #expect(Set(statistics.requestsBySource.keys).count == 6)
        #expect(Set(statistics.requestsBySource.keys.map { $0.split(separator: ":")[0] }) == ["127.0.0.1", "127.0.0.2"])
        #expect(result.statistics.bySource.count == 6)
        #expect(result.statistics.bySource.values.allSatisfy { $0 > 300 })
        // Client side: every record kept one source for all its round trips.
        #expect(records.values.count == 3000)
        #expect(records.values.allSatisfy { $0.singleSource && $0.source != nil && $0.replySources.count >= 3 })
        // Nothing leaks: no lease held, no identifier in flight, after the run.
        #expect(snapshot.sockets.count == 6)
        #expect(snapshot.sockets.allSatisfy { $0.leases == 0 && $0.identifiersInUse == 0 }, "\(snapshot)")
    }

    @Test func aBalancerStickyPerSourcePortPassesEveryConversationAndOnePerPacketDoesNot() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let a = try await TestRADIUSServer.start(group: group, behaviour: Self.mschapBehaviour(node: "a"))
        let b = try await TestRADIUSServer.start(group: group, behaviour: Self.mschapBehaviour(node: "b"))
        let sticky = try await TestUDPRelay.start(group: group, backends: [a.address, b.address],
                                                  mode: .stickyPerSourcePort)
        let perPacket = try await TestUDPRelay.start(group: group, backends: [a.address, b.address], mode: .perPacket)
        let transport = RADIUSTransport(
            group: group, plan: SocketPlan(socketsPerAddress: 8, maximumSocketsPerAddress: 8))
        func run(through relay: TestUDPRelay, count: Int) async throws -> LoadStatistics {
            await LoadRunner.run(
                LoadRequests(base: Self.mschapRequest, identities: LoadIdentities()),
                conversation: try Self.conversation(transport, relay.address),
                scheduler: LoadScheduler(.closed(concurrency: 200), count: count)).statistics
        }
        let throughSticky = try await run(through: sticky, count: 1200)
        let throughPerPacket = try await run(through: perPacket, count: 200)
        await transport.shutdown()
        let (statsA, statsB, relayed) = (a.statistics, b.statistics, sticky.statistics)
        for closable in [sticky, perPacket] { await closable.close() }
        await a.close()
        await b.close()
        try await group.shutdownGracefully()

        #expect(throughSticky.accepted == 1200, "\(throughSticky.errorSamples)")
        #expect(throughSticky.rejected == 0 && throughSticky.timedOut == 0)
        // Both members took conversations: 8 source ports spread over two nodes.
        #expect(relayed.clients == 8)
        #expect(relayed.forwarded.allSatisfy { $0 > 1000 })
        // Per packet, a State reaches the member that did not issue it: the conversation is refused. The same
        // engine, the same sockets: the balancer is what differs.
        #expect(throughPerPacket.accepted < 120, "\(throughPerPacket.accepted) of 200 passed")
        #expect(throughPerPacket.rejected > 80)
        #expect(statsA.unknownStates + statsB.unknownStates >= throughPerPacket.rejected)
    }

    @Test func aStalledServerShowsInTheOpenLoopsPercentilesAndHidesInTheClosedLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var stalling = Self.mschapBehaviour()
        stalling.stall = (start: .milliseconds(500), length: .milliseconds(600))
        let open = try await TestRADIUSServer.start(group: group, behaviour: stalling)
        let transport = RADIUSTransport(group: group, plan: SocketPlan(socketsPerAddress: 2))
        let openResult = await LoadRunner.run(
            LoadRequests(base: Self.papRequest, identities: LoadIdentities()),
            conversation: try Self.conversation(transport, open.address),
            scheduler: LoadScheduler(
                .open(stages: [LoadStage(duration: .seconds(2), rate: 100)], maximumInFlight: 500)))
        let closed = try await TestRADIUSServer.start(group: group, behaviour: stalling)
        let closedResult = await LoadRunner.run(
            LoadRequests(base: Self.papRequest, identities: LoadIdentities()),
            conversation: try Self.conversation(transport, closed.address),
            scheduler: LoadScheduler(.closed(concurrency: 2), duration: .seconds(2)))
        await transport.shutdown()
        await open.close()
        await closed.close()
        try await group.shutdownGracefully()

        let o = openResult.statistics
        #expect(o.accepted == 200 && o.notStarted == 0)
        // The 60 arrivals due during the 600 ms stall waited for its end, each from its intended start: a quarter of
        // all conversations took over 100 ms, the slowest about 600 ms.
        #expect(o.latencyMilliseconds(atPercentile: 50)! < 50)
        #expect(o.latencyMilliseconds(atPercentile: 80)! > 100)
        #expect(o.latencyMilliseconds(atPercentile: 99)! > 450)
        #expect(openResult.askedRate == 100)
        #expect(!openResult.missedAskedRate, "the generator kept its schedule: \(openResult.achievedRate)/s")
        // A closed loop of two meets the same stall with two conversations and then carries on fast: its p99 does
        // not show the stall at all (coordinated omission), only its maximum does.
        let c = closedResult.statistics
        #expect(c.conversations > 150)
        #expect(c.latencyMilliseconds(atPercentile: 99)! < 200)
        #expect(c.latencyMilliseconds(atPercentile: 100)! > 450)
    }

    @Test func aSlowServerBehindTheMaximumInFlightShowsAsArrivalsNotStartedAndAMissedRate() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await TestRADIUSServer.start(
            group: group, behaviour: Self.mschapBehaviour(delay: .milliseconds(300)))
        let transport = RADIUSTransport(group: group)
        let result = await LoadRunner.run(
            LoadRequests(base: Self.papRequest, identities: LoadIdentities()),
            conversation: try Self.conversation(transport, server.address),
            scheduler: LoadScheduler(.open(stages: [LoadStage(duration: .seconds(1), rate: 100)], maximumInFlight: 5)))
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()

        let statistics = result.statistics
        // Five slots held 300 ms each start about 17 of the 100 arrivals (fewer on a busy machine); the others are
        // counted, not lost.
        #expect(statistics.scheduled == 100)
        #expect(statistics.notStarted > 60, "\(statistics.notStarted)")
        #expect(statistics.accepted + statistics.rejected + statistics.timedOut + statistics.errors
                + statistics.notStarted == statistics.scheduled)
        #expect(result.askedRate == 100)
        #expect(result.achievedRate < 40)
        #expect(result.missedAskedRate)
        #expect(statistics.latencyMilliseconds(atPercentile: 50)! >= 300)
    }

    @Test func stoppingEndsTheScheduleAndLetsConversationsInFlightFinish() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await TestRADIUSServer.start(
            group: group, behaviour: Self.mschapBehaviour(delay: .milliseconds(400)))
        let transport = RADIUSTransport(group: group)
        let control = LoadControl()
        let stopper = Task {
            try await Task.sleep(for: .milliseconds(500))
            control.stop(reason: "test")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let result = await LoadRunner.run(
            LoadRequests(base: Self.papRequest, identities: LoadIdentities()),
            conversation: try Self.conversation(transport, server.address),
            scheduler: LoadScheduler(
                .open(stages: [LoadStage(duration: .seconds(30), rate: 50)], maximumInFlight: 500)),
            control: control)
        let took = clock.now - started
        try await stopper.value
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()

        #expect(result.interruption == "test")
        #expect(took < .seconds(5), "stopped at 0.5 s, the last ones answered 0.4 s later")
        let statistics = result.statistics
        // About 26 were due by 0.5 s; every one of them ran to its answer.
        #expect((10...45).contains(statistics.scheduled), "\(statistics.scheduled)")
        #expect(statistics.accepted == statistics.scheduled && statistics.notStarted == 0)
        #expect(result.askedRate.map { abs($0 - 50) < 1 } == true)
    }
}
