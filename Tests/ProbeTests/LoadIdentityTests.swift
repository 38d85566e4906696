import EAP
import Evidence
import NIOPosix
import Probe
import RADIUS
import TestServers
import TLS
import TLSTestSupport
import Testing

/// Identity pools and the TLS resumption mix: what each conversation of a load run authenticates as.
struct LoadIdentityTests {
    @Test func patternsExpandNumbersAndIdentities() throws {
        #expect(try NumberPattern("user{n}").expand(number: 7) == "user7")
        #expect(try NumberPattern("02-00-00-{n:06x}").expand(number: 255) == "02-00-00-0000ff")
        #expect(try NumberPattern("{n:X}-{n:04d}").expand(number: 171) == "AB-0171")
        #expect(try NumberPattern("CORP\\{identity}").expand(number: 1, identity: "alice") == "CORP\\alice")
        #expect(try NumberPattern("plain").hasPlaceholders == false)
        // A number wider than its padding keeps every digit.
        #expect(try NumberPattern("{n:02d}").expand(number: 12345) == "12345")
        for bad in ["user{m}", "user{n", "{n:6q}", "{n:}", "{}"] {
            #expect(throws: ProbeError.self, "\(bad)") { try NumberPattern(bad) }
        }
    }

    static func papBase(identity: String = "user{n}") -> AuthenticationRequest {
        AuthenticationRequest(
            userName: identity, method: .pap(password: "pw"),
            attributes: [RADIUSAttribute(.callingStationId, string: "02-00-00-{n:06x}"),
                         RADIUSAttribute(.nasIdentifier, string: "nas")])
    }

    @Test func numberedIdentitiesTakeTheirTurnAndEachConversationIsAnotherDevice() throws {
        let requests = LoadRequests(
            base: Self.papBase(),
            identities: LoadIdentities(
                pool: .numbered(count: 3), callingStationId: try NumberPattern("02-00-00-{n:06x}")))
        let names = (0..<7).map { requests.request(for: $0).request.userName }
        #expect(names == ["user1", "user2", "user3", "user1", "user2", "user3", "user1"])
        let tenth = requests.request(for: 9).request
        #expect(tenth.attributes.all(.callingStationId).map { String(decoding: $0, as: UTF8.self) }
                == ["02-00-00-00000a"])
        #expect(tenth.attributes.first(.nasIdentifier).map { String(decoding: $0, as: UTF8.self) } == "nas")
        #expect(requests.request(for: 4).identityIndex == 1)
    }

    @Test func nasIPAddressFollowsTheSourceAddressWhenAsked() {
        var base = Self.papBase()
        base.attributes.insert(RADIUSAttribute(.nasIPAddress, [127, 0, 0, 1]), at: 0)
        let following = LoadRequests(base: base, identities: LoadIdentities(nasAddressFromSource: true))
        func nasIP(_ request: AuthenticationRequest) -> [[UInt8]] { request.attributes.all(.nasIPAddress) }
        #expect(nasIP(following.request(for: 0, source: "127.0.0.2").request) == [[127, 0, 0, 2]])
        // The wildcard address says nothing about the source: the prepared NAS-IP-Address stays.
        #expect(nasIP(following.request(for: 0, source: "0.0.0.0").request) == [[127, 0, 0, 1]])
        let six = following.request(for: 0, source: "::1").request
        #expect(six.attributes.all(.nasIPv6Address) == [Array(repeating: 0, count: 15) + [1]] && nasIP(six).isEmpty)
        let fixed = LoadRequests(base: base, identities: LoadIdentities())
        #expect(nasIP(fixed.request(for: 0, source: "127.0.0.2").request) == [[127, 0, 0, 1]])
    }

    @Test func aListReplacesIdentitiesAndPasswordsEvenInsidePEAP() async throws {
        let pki = try PeerTestPKI.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var behaviour = TestRADIUSServer.Behaviour()
        let serverContext = try pki.serverContext(requireClientCertificate: false)
        behaviour.eap = {
            var options = TestEAPServer.Options(method: .peap(inner: .mschapv2), outer: serverContext)
            options.users = ["CORP\\alice": "a-pass", "CORP\\bob": "b-pass"]
            return TestEAPServer(options)
        }
        let server = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        // PEAP-MSCHAPv2 configured as a case would be, the inner identity a pattern, no password of its own.
        let recipe = EAPMethodRecipe(
            method: try #require(EAPMethod(name: "peap-mschapv2")),
            credentials: EAPMethodCredentials(identity: "CORP\\{identity}", password: ""),
            tunnel: try pki.clientContext())
        let base = AuthenticationRequest(
            userName: "anonymous@corp",
            method: .eap(EAPPeerConfiguration(
                identity: "anonymous@corp", method: try recipe.method.configuration(
                    recipe.credentials, tunnel: recipe.tunnel))),
            attributes: [])
        let requests = LoadRequests(base: base, identities: LoadIdentities(pool: .entries([
            .init(identity: "alice", password: "a-pass"), .init(identity: "bob", password: "b-pass"),
        ])), recipe: recipe)
        let second = requests.request(for: 1).request
        #expect(second.userName == "anonymous@corp")
        guard case .eap(let configuration) = second.method else {
            Issue.record("still EAP")
            return
        }
        #expect(configuration.identity == "anonymous@corp")
        #expect(configuration.method.peap?.innerIdentity == "CORP\\bob")

        let transport = RADIUSTransport(group: group)
        let conversation = Conversation(client: RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: [try ServerAddress(parsing: server.address)], secret: Array("testing123".utf8))))
        let result = await LoadRunner.run(
            requests, conversation: conversation, scheduler: LoadScheduler(.closed(concurrency: 2), count: 6))
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()
        // Both users got in with their own inner name and password (the base has neither).
        #expect(result.statistics.accepted == 6, "\(result.statistics.errorSamples)")
    }

    @Test func theResumptionMixAsksExactlyItsShareSpreadEvenly() {
        let identities = LoadIdentities(resumeRatio: 0.3)
        let asked = (0..<1000).filter(identities.asksToResume)
        #expect(asked.count == 300)
        #expect((0..<10).filter(identities.asksToResume).count == 3)
        #expect(!LoadIdentities(resumeRatio: 0).asksToResume(5))
        #expect((0..<10).allSatisfy(LoadIdentities(resumeRatio: 1).asksToResume))
    }

    @Test func eapTLSConversationsResumeTheirIdentitysSavedSession() async throws {
        let pki = try PeerTestPKI.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var behaviour = TestRADIUSServer.Behaviour()
        let serverContext = try pki.serverContext(requireClientCertificate: true)
        behaviour.eap = { TestEAPServer(.init(method: .tls, outer: serverContext)) }
        let server = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        let client = try pki.clientContext(credentials: pki.client, resumption: true)
        let base = AuthenticationRequest(
            userName: "alice@peer.test",
            method: .eap(EAPPeerConfiguration(identity: "alice@peer.test", method: .tls(client, resuming: nil))),
            attributes: [])
        let transport = RADIUSTransport(group: group)
        let conversation = Conversation(client: RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: [try ServerAddress(parsing: server.address)], secret: Array("testing123".utf8))))
        let result = await LoadRunner.run(
            LoadRequests(base: base, identities: LoadIdentities(pool: .numbered(count: 2), resumeRatio: 0.5)),
            conversation: conversation, scheduler: LoadScheduler(.closed(concurrency: 1), count: 20))
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()

        let statistics = result.statistics
        #expect(statistics.accepted == 20, "\(statistics.errorSamples)")
        #expect(statistics.resumeAsked == 10)
        // Conversation 1 asks first, before its identity (the second) has a session: a full handshake.
        #expect(statistics.resumeOffered == 9)
        #expect(statistics.resumed == 9)
    }
}
