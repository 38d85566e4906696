import EAP
import Evidence
import NIOPosix
import NPS
@testable import Probe
import RADIUS
import TestServers
import Testing

/// Which node answered, persistence failures and --spread, in process: two TestRADIUSServers naming themselves
/// in a Reply-Message (`node=a`, `node=b`) behind the test balancer, or spread over directly.
@Suite(.serialized) struct LoadFarmTests {
    static let replyMessage = LoadNodeSettings(backendAttribute: .init(name: "Reply-Message", number: 18))

    static func run(_ transport: RADIUSTransport, servers: [String], count: Int, spread: Bool = false,
                    request: AuthenticationRequest = LoadEngineTests.mschapRequest) async throws -> LoadStatistics {
        let addresses = try servers.map { try ServerAddress(parsing: $0) }
        let conversation = Conversation(client: RADIUSClient(transport: transport, configuration: .init(
            servers: addresses, secret: LoadEngineTests.secret, retransmit: LoadEngineTests.fast)))
        return await LoadRunner.run(
            LoadRequests(base: request, identities: LoadIdentities()), conversation: conversation,
            scheduler: LoadScheduler(.closed(concurrency: 50), count: count), nodes: replyMessage,
            spread: spread ? LoadSpread(servers: addresses) : nil).statistics
    }

    static func nodesAddUp(_ statistics: LoadStatistics) -> Bool {
        let nodes = statistics.farm.nodes.values
        return nodes.map(\.conversations).reduce(0, +) == statistics.conversations
            && nodes.map(\.accepted).reduce(0, +) == statistics.accepted
            && nodes.map(\.rejected).reduce(0, +) == statistics.rejected
            && nodes.map(\.timedOut).reduce(0, +) == statistics.timedOut
    }

    @Test func stickyNamesBothNodesWithoutPersistenceFailuresAndPerPacketFindsThem() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let a = try await TestRADIUSServer.start(group: group, behaviour: LoadEngineTests.mschapBehaviour(node: "a"))
        let b = try await TestRADIUSServer.start(group: group, behaviour: LoadEngineTests.mschapBehaviour(node: "b"))
        let sticky = try await TestUDPRelay.start(group: group, backends: [a.address, b.address],
                                                  mode: .stickyPerSourcePort)
        let perPacket = try await TestUDPRelay.start(group: group, backends: [a.address, b.address], mode: .perPacket)
        let transport = RADIUSTransport(
            group: group, plan: SocketPlan(socketsPerAddress: 4, maximumSocketsPerAddress: 4))
        let throughSticky = try await Self.run(transport, servers: [sticky.address], count: 200)
        let throughPerPacket = try await Self.run(transport, servers: [perPacket.address], count: 100)
        await transport.shutdown()
        for closable in [sticky, perPacket] { await closable.close() }
        await a.close()
        await b.close()
        try await group.shutdownGracefully()

        #expect(throughSticky.accepted == 200)
        #expect(Set(throughSticky.farm.nodes.keys) == ["node=a", "node=b"])
        #expect(throughSticky.farm.nodes.values.allSatisfy { $0.identifiedBy == .backendAttribute })
        #expect(throughSticky.farm.nodes.values.allSatisfy { $0.sources == [sticky.address] })
        #expect(throughSticky.farm.persistenceSuspected == 0)
        #expect(throughSticky.farm.causes.isEmpty)
        #expect(Self.nodesAddUp(throughSticky))

        let failed = throughPerPacket.conversations - throughPerPacket.accepted
        #expect(failed > 0)
        #expect(throughPerPacket.farm.persistenceSuspected == failed, "\(throughPerPacket.farm.causes)")
        #expect(throughPerPacket.farm.persistenceSamples.count == 5)
        for sample in throughPerPacket.farm.persistenceSamples {
            #expect(Set(sample.suspicion.nodes) == ["node=a", "node=b"])
            #expect(sample.suspicion.roundTrip >= 2)
            #expect(sample.suspicion.source != nil)
        }
        #expect(throughPerPacket.farm.causes.values.map(\.rule) == ["persistence-failure"])
        #expect(Self.nodesAddUp(throughPerPacket))
    }

    @Test func spreadSendsRoundRobinAndThePerNodeViewCoversBoth() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let a = try await TestRADIUSServer.start(group: group, behaviour: LoadEngineTests.mschapBehaviour(node: "a"))
        let b = try await TestRADIUSServer.start(group: group, behaviour: LoadEngineTests.mschapBehaviour(node: "b"))
        let transport = RADIUSTransport(
            group: group, plan: SocketPlan(socketsPerAddress: 1, maximumSocketsPerAddress: 1))
        let spread = try await Self.run(transport, servers: [a.address, b.address], count: 100, spread: true,
                                        request: LoadEngineTests.papRequest)
        let failover = try await Self.run(transport, servers: [a.address, b.address], count: 20,
                                          request: LoadEngineTests.papRequest)
        await transport.shutdown()
        await a.close()
        await b.close()
        try await group.shutdownGracefully()

        #expect(spread.accepted == 100)
        #expect(spread.byServer == [a.address: 50, b.address: 50])
        #expect(spread.farm.nodes["node=a"]?.conversations == 50 && spread.farm.nodes["node=b"]?.conversations == 50)
        #expect(Self.nodesAddUp(spread))
        // Without --spread the servers are failover order: the first takes everything.
        #expect(failover.byServer == [a.address: 20])
    }

    @Test func smoothWeightedRoundRobinFollowsTheWeightsOverEveryCycle() throws {
        let servers = try ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"].map { try ServerAddress(parsing: $0) }
        let weighted = LoadSpread(servers: servers, weights: [3, 1, 2])
        var counts = [0, 0, 0]
        for number in 0..<600 {
            let order = weighted.order(for: number)
            #expect(Set(order) == Set(servers) && order.count == 3, "every server stays in the failover order")
            counts[servers.firstIndex(of: order[0])!] += 1
        }
        #expect(counts == [300, 100, 200])
        // Interleaved, not in runs: no server twice in a row when the weights allow it.
        let even = LoadSpread(servers: Array(servers.prefix(2)))
        #expect((0..<4).map { even.order(for: $0)[0] } == [servers[0], servers[1], servers[0], servers[1]])
        #expect(LoadSpread(servers: Array(servers.prefix(2)), weights: [3, 1]).cycle == [0, 0, 1, 0])
    }

    @Test func aVendorAttributeNamesTheNodeAndAnNPSClassTheAcceptsNode() throws {
        let vsa = RADIUSVendorSpecific(vendorID: 9, subAttributes: [.init(type: 1, value: Array("nps-03".utf8))])
        let attribute = LoadNodeSettings.BackendAttribute(name: "Cisco-AVPair", number: 1, vendor: 9)
        let recorded = [RecordedAttribute(type: 26, value: try vsa.encode())]
        #expect(attribute.node(in: recorded) == "nps-03")
        #expect(attribute.node(in: []) == nil)
        #expect(LoadNodeSettings(backendAttribute: attribute).recordedTypes == [25, 26])

        // An Access-Accept carrying NPS's Class (the lab's farm-b) is counted under the NPS server's address.
        let farmB: [UInt8] = [0x34, 0x02, 0x04, 0x3c, 0, 0, 1, 0x37, 0, 1, 2, 0, 10, 0, 0, 2]
            + Array(repeating: 0, count: 12) + [0x01, 0xdc, 0x7a, 0xb1, 0x92, 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0x07, 0xd2]
        var evidence = ConversationEvidence(outcome: .accept, method: "pap", identity: "bob", server: "127.0.0.1:1")
        evidence.roundTrips = [RoundTripEvidence(
            server: "127.0.0.1:1", requestCode: .accessRequest, identifier: 1, requestSize: 60,
            requestHadState: false, transmissions: 1, latencyMilliseconds: 1, replyCode: .accessAccept,
            source: "127.0.0.1:5000", replyFrom: "127.0.0.1:1",
            replyAttributes: [RecordedAttribute(type: 25, value: Array("policy-class".utf8)),
                              RecordedAttribute(type: 25, value: farmB)])]
        let observation = LoadFarmObservation(evidence: evidence, settings: LoadNodeSettings())
        #expect(observation.node == LoadNode("10.0.0.2", .npsClass))
        #expect(observation.npsClass?.serial == 2002)
        #expect(observation.persistence == nil && observation.diagnosis == nil)
        // A Class that is not NPS's leaves the reply source.
        evidence.roundTrips[0].replyAttributes = [RecordedAttribute(type: 25, value: Array("policy-class".utf8))]
        #expect(LoadFarmObservation(evidence: evidence, settings: LoadNodeSettings()).node
                    == LoadNode("127.0.0.1:1", .replySource))
    }
}
