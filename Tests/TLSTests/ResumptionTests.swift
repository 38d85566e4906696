import Foundation
import Testing
import TLS

@Suite struct ResumptionTests {
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func secondSessionResumes(version: TLSVersion) throws {
        let clientContext = try Lab.client(version: version, resumption: true)
        let serverContext = try Lab.server(version: version)

        let first = try clientContext.makeSession()
        let firstServer = try serverContext.makeSession()
        #expect(converse(first, firstServer).client.isEstablished)
        #expect(!first.resumed)
        let state = try #require(first.resumptionState)

        // The state survives serialization (e.g. between re-authentication runs).
        let restored = TLSResumptionState(serialized: state.serialized)
        let second = try clientContext.makeSession(resuming: restored)
        let secondServer = try serverContext.makeSession()
        let result = converse(second, secondServer)
        #expect(result.client.isEstablished, "\(String(describing: result.clientError))")
        #expect(second.resumed && secondServer.resumed)
        #expect(second.evidence.resumed)
        // Abbreviated handshake: no certificates either way.
        #expect(!second.evidence.handshakeMessagesReceived.contains(.certificate))
        #expect(!second.evidence.handshakeMessagesSent.contains(.certificate))
        #expect(second.evidence.serverChain.isEmpty)
        // Fresh keys that both sides agree on.
        let keys = try second.eapKeyMaterial(eapType: 25)
        #expect(keys == (try secondServer.eapKeyMaterial(eapType: 25)))
        #expect(keys != (try first.eapKeyMaterial(eapType: 25)))
    }

    @Test func aServerThatForgotTheSessionDoesAFullHandshake() throws {
        let clientContext = try Lab.client(resumption: true)
        let first = try clientContext.makeSession()
        #expect(converse(first, try Lab.server().makeSession()).client.isEstablished)
        let state = try #require(first.resumptionState)
        let second = try clientContext.makeSession(resuming: state)
        let result = converse(second, try Lab.server().makeSession())  // a new server context: new cache
        #expect(result.client.isEstablished)
        #expect(!second.resumed)
        #expect(second.evidence.handshakeMessagesReceived.contains(.certificate))
    }

    @Test func noResumptionStateWhenDisabled() throws {
        let client = try Lab.client(resumption: false).makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
        #expect(client.resumptionState == nil)
    }

    @Test func noResumptionStateBeforeTheHandshake() throws {
        let client = try Lab.client(resumption: true).makeSession()
        _ = client.start()
        #expect(client.resumptionState == nil)
    }

    @Test func garbageStateIsRefused() throws {
        let context = try Lab.client(resumption: true)
        #expect { try context.makeSession(resuming: TLSResumptionState(serialized: [0x30, 0x03, 0x02, 0x01])) }
            throws: { ($0 as? TLSError)?.code == .invalidState }
    }
}
