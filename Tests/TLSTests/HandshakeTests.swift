import TLSTestSupport
import Foundation
import Testing
import TLS

@Suite struct HandshakeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var version: TLSVersion
        var server: String
        var client: String
        var testDescription: String { "\(version) server=\(server) client=\(client)" }
    }

    static let cases: [Case] = [
        Case(version: .tls1_2, server: "server-rsa", client: "alice"),
        Case(version: .tls1_2, server: "server-ec", client: "bob"),
        Case(version: .tls1_3, server: "server-rsa", client: "alice"),
        Case(version: .tls1_3, server: "server-ec", client: "bob"),
    ]

    @Test(arguments: cases)
    func mutualAuthenticationAndEAPKeys(_ c: Case) throws {
        let client = try Lab.client(c.client, version: c.version).makeSession()
        let server = try Lab.server(c.server, version: c.version).makeSession()
        let result = converse(client, server)
        #expect(result.client.isEstablished, "client: \(String(describing: result.clientError))")
        #expect(result.server?.isEstablished == true, "server: \(String(describing: result.serverError))")
        #expect(client.isEstablished && server.isEstablished)
        #expect(client.negotiatedVersion == c.version && server.negotiatedVersion == c.version)
        #expect(client.cipherName != nil && client.cipherName == server.cipherName)

        // RFC 5216 / RFC 9190: both ends derive the same MSK, EMSK and Session-Id.
        let clientKeys = try client.eapKeyMaterial(eapType: 13)
        let serverKeys = try server.eapKeyMaterial(eapType: 13)
        #expect(clientKeys == serverKeys)
        #expect(clientKeys.msk.count == 64 && clientKeys.emsk.count == 64)
        #expect(clientKeys.msk != clientKeys.emsk)
        #expect(clientKeys.sessionId.first == 13)
        if c.version == .tls1_3 {
            #expect(clientKeys.sessionId.count == 65)
        } else {
            #expect(clientKeys.sessionId == [13] + client.clientRandom + client.serverRandom)
            #expect(client.clientRandom == server.clientRandom && client.serverRandom == server.serverRandom)
        }

        // Evidence: what crossed the wire, from the client's side.
        let evidence = client.evidence
        #expect(evidence.version == c.version)
        #expect(evidence.handshakeMessagesSent.first == .clientHello)
        #expect(evidence.handshakeMessagesReceived.first == .serverHello)
        #expect(evidence.handshakeMessagesSent.contains(.certificate))
        #expect(evidence.handshakeMessagesSent.contains(.certificateVerify))
        #expect(evidence.handshakeMessagesReceived.contains(.certificateRequest))
        #expect(evidence.handshakeMessagesReceived.contains(.finished))
        #expect(evidence.certificateRequested)
        #expect(evidence.acceptableClientCAs == ["CN=npsprobe Test Root,O=Lab"])
        #expect(evidence.serverChain.map(\.subject)
                == ["CN=radius.lab.example,O=Lab", "CN=npsprobe Test Issuing CA,O=Lab"])
        #expect(evidence.clientCertificateSent?.commonName == c.client)
        #expect(evidence.clientChainSent.count == 2)
        #expect(evidence.serverValidationFailure == nil)
        #expect(evidence.alerts.isEmpty)
        #expect(!evidence.resumed)
        #expect(evidence.lastHandshakeMessageSent == .finished)
        if c.version == .tls1_2 {
            #expect(evidence.handshakeMessagesSent == [
                .clientHello, .certificate, .clientKeyExchange, .certificateVerify, .finished,
            ])
            #expect(evidence.events.contains(.changeCipherSpecSent))
            #expect(evidence.events.contains(.changeCipherSpecReceived))
        } else {
            #expect(evidence.handshakeMessagesReceived.contains(.encryptedExtensions))
            // The TLS 1.3 server sends its tickets after our Finished; `receive` processes them.
            #expect(evidence.handshakeMessagesReceived.contains(.newSessionTicket))
        }
        // The server saw the same certificate the client says it sent.
        #expect(server.evidence.clientCertificateSent == evidence.clientCertificateSent)
        #expect(server.evidence.serverChain == evidence.serverChain)
    }

    /// RFC 9190 §2.3 labels, checked by computing the exporter on the server with the same label.
    @Test func tls13ExporterLabels() throws {
        let client = try Lab.client(version: .tls1_3).makeSession()
        let server = try Lab.server(version: .tls1_3).makeSession()
        #expect(converse(client, server).client.isEstablished)
        for type: UInt8 in [13, 25] {
            let keys = try client.eapKeyMaterial(eapType: type)
            let material = try server.exportKeyingMaterial(label: "EXPORTER_EAP_TLS_Key_Material", context: [type],
                                                           length: 128)
            let methodId = try server.exportKeyingMaterial(label: "EXPORTER_EAP_TLS_Method-Id", context: [type],
                                                           length: 64)
            #expect(keys.msk == Array(material[0..<64]))
            #expect(keys.emsk == Array(material[64..<128]))
            #expect(keys.sessionId == [type] + methodId)
        }
        // The Type-Code is the exporter context, so EAP-TLS and PEAP keys differ.
        #expect(try client.eapKeyMaterial(eapType: 13).msk != client.eapKeyMaterial(eapType: 25).msk)
        // A context of nil and of [] are the same in TLS 1.3 (RFC 8446 §7.5), unlike in TLS 1.2.
        #expect(try client.exportKeyingMaterial(label: "EXPORTER-x", context: nil, length: 32)
                == server.exportKeyingMaterial(label: "EXPORTER-x", context: [], length: 32))
    }

    @Test func tls12KeysDoNotDependOnTheEAPType() throws {
        let client = try Lab.client().makeSession()
        let server = try Lab.server().makeSession()
        #expect(converse(client, server).client.isEstablished)
        let tls = try client.eapKeyMaterial(eapType: 13)
        let peap = try client.eapKeyMaterial(eapType: 25)
        #expect(tls.msk == peap.msk && tls.emsk == peap.emsk)
        #expect(tls.sessionId.dropFirst() == peap.sessionId.dropFirst() && peap.sessionId.first == 25)
        let exported = try server.exportKeyingMaterial(label: "client EAP encryption", context: nil, length: 128)
        #expect(tls.msk + tls.emsk == exported)
    }

    @Test func tls10ForOldServers() throws {
        let client = try Lab.client(version: .tls1_0).makeSession()
        let server = try Lab.server(version: .tls1_0).makeSession()
        let result = converse(client, server)
        #expect(result.client.isEstablished, "\(String(describing: result.clientError))")
        #expect(client.negotiatedVersion == .tls1_0)
        #expect(try client.eapKeyMaterial(eapType: 25) == server.eapKeyMaterial(eapType: 25))
    }

    @Test func versionMismatchFails() throws {
        let client = try Lab.client(version: .tls1_2).makeSession()
        let server = try Lab.server(version: .tls1_3).makeSession()
        let result = converse(client, server)
        #expect(result.client.isFailed)
        #expect(result.serverError?.code == .protocolViolation || result.serverError?.code == .handshake)
        #expect(client.evidence.alertsReceived.map(\.name) == ["protocol_version"])
        #expect(server.evidence.alertsSent.map(\.name) == ["protocol_version"])
        #expect(result.clientError?.code == .peerAlert)
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func withoutClientCertificate(version: TLSVersion) throws {
        // PEAP: the server does not ask for a client certificate.
        let client = try Lab.client(nil, version: version).makeSession()
        let server = try Lab.server(version: version, clientCA: nil, requireClientCertificate: false).makeSession()
        let result = converse(client, server)
        #expect(result.client.isEstablished && result.server?.isEstablished == true)
        #expect(!client.evidence.certificateRequested)
        #expect(client.evidence.clientCertificateSent == nil)
        #expect(!client.evidence.handshakeMessagesSent.contains(.certificate))
        #expect(try client.eapKeyMaterial(eapType: 25) == server.eapKeyMaterial(eapType: 25))
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func serverRequiresACertificateWeDoNotHave(version: TLSVersion) throws {
        let client = try Lab.client(nil, version: version).makeSession()
        let server = try Lab.server(version: version).makeSession()
        let result = converse(client, server)
        #expect(result.clientError?.code == .peerAlert)
        #expect(client.evidence.certificateRequested)
        #expect(client.evidence.clientCertificateSent == nil)
        // An empty Certificate message was sent (RFC 5246 §7.4.6, RFC 8446 §4.4.2).
        #expect(client.evidence.handshakeMessagesSent.contains(.certificate))
        let expected = version == .tls1_3 ? "certificate_required" : "handshake_failure"
        #expect(client.evidence.alertsReceived.map(\.name) == [expected])
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func clientCertificateRefusedByServer(version: TLSVersion) throws {
        // The server trusts only the other root: our chain ends at the lab root → unknown_ca.
        let client = try Lab.client("alice", version: version).makeSession()
        let server = try Lab.server(version: version, clientCA: "other-root.pem").makeSession()
        let result = converse(client, server)
        #expect(result.clientError?.code == .peerAlert)
        #expect(result.clientError?.reason.contains("unknown_ca") == true)
        let alert = try #require(client.evidence.alertsReceived.first)
        #expect(alert.name == "unknown_ca" && alert.code == 48 && alert.level == .fatal)
        #expect(client.evidence.clientCertificateSent?.commonName == "alice")
        #expect(server.clientValidationFailure?.kind == .untrustedRoot)
        // In TLS 1.3 the client finished first; the alert still fails it, and `open` reports it too.
        if version == .tls1_3 {
            #expect(client.isEstablished)
            #expect(throws: TLSError.self) { try client.open([]) }
        }
    }

    @Test func abandonedSessionsAreFreed() throws {
        let context = try Lab.client()
        weak var weakClient: TLSSession?
        weak var weakServer: TLSServerSession?
        do {
            let client = try context.makeSession()
            let server = try Lab.server().makeSession()
            weakClient = client
            weakServer = server
            // Stop after the server's first flight: both sessions mid-handshake.
            let hello = client.start()
            let flight = server.receive(hello.output)
            _ = client.receive(Array(flight.output.prefix(flight.output.count / 2)))
        }
        #expect(weakClient == nil)
        #expect(weakServer == nil)
    }

    @Test func oneContextManyConcurrentConversations() async throws {
        let clientContext = try Lab.client("bob")
        let serverContext = try Lab.server("server-ec")
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let client = try clientContext.makeSession()
                    let server = try serverContext.makeSession()
                    let result = converse(client, server)
                    guard result.client.isEstablished else { return false }
                    return try client.eapKeyMaterial(eapType: 13) == server.eapKeyMaterial(eapType: 13)
                }
            }
            var all: [Bool] = []
            for try await ok in group { all.append(ok) }
            return all
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}

/// EAP carries TLS records in fragments of any size: the handshake must complete however the bytes
/// are cut (swift-nio-ssh style drip feeding).
@Suite struct DripFeedTests {
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3], [1, 7, 253, 1398])
    func handshakeInChunks(version: TLSVersion, chunk: Int) throws {
        let client = try Lab.client(version: version).makeSession()
        let server = try Lab.server(version: version).makeSession()
        var toServer = client.start().output
        var rounds = 0
        while !(client.isEstablished && server.isEstablished) && rounds < 10 {
            rounds += 1
            var toClient: [UInt8] = []
            for start in stride(from: 0, to: toServer.count, by: chunk) {
                let step = server.receive(Array(toServer[start..<min(start + chunk, toServer.count)]))
                #expect(!step.isFailed)
                toClient += step.output
            }
            toServer = []
            for start in stride(from: 0, to: toClient.count, by: chunk) {
                let step = client.receive(Array(toClient[start..<min(start + chunk, toClient.count)]))
                #expect(!step.isFailed)
                toServer += step.output
            }
        }
        #expect(client.isEstablished && server.isEstablished)
        #expect(try client.eapKeyMaterial(eapType: 13) == server.eapKeyMaterial(eapType: 13))
        // Events are recorded once per message, however the bytes were cut.
        let expected: [TLSHandshakeType] = version == .tls1_2
            ? [.serverHello, .certificate, .serverKeyExchange, .certificateRequest, .serverHelloDone, .finished]
            : [.serverHello, .encryptedExtensions, .certificateRequest, .certificate, .certificateVerify,
               .finished, .newSessionTicket, .newSessionTicket]
        #expect(client.evidence.handshakeMessagesReceived == expected)
    }
}
