import TLSTestSupport
import Foundation
import Testing
import TLS

@Suite struct RecordTests {
    static func established(_ version: TLSVersion) throws -> (TLSSession, TLSServerSession) {
        let client = try Lab.client(version: version).makeSession()
        let server = try Lab.server(version: version).makeSession()
        let result = converse(client, server)
        try #require(result.client.isEstablished && result.server?.isEstablished == true)
        return (client, server)
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3], [1, 100, 40_000])
    func sealOpenRoundTrip(version: TLSVersion, size: Int) throws {
        let (client, server) = try Self.established(version)
        let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let records = try client.seal(message)
        #expect(records.count > size)  // headers and tags
        #expect(records.first == 23)  // application_data
        #expect(try server.open(records) == message)
        let reply = try server.seal(Array(message.reversed()))
        #expect(try client.open(reply) == Array(message.reversed()))
        // Several seals, opened at once, in order.
        let batch = try client.seal([1, 2]) + client.seal([3]) + client.seal([4, 5, 6])
        #expect(try server.open(batch) == [1, 2, 3, 4, 5, 6])
        // Records split at arbitrary points are reassembled.
        let split = try server.seal(message)
        let cut = split.count / 3
        let firstPart = try client.open(Array(split[..<cut]))
        let rest = try client.open(Array(split[cut...]))
        #expect(firstPart + rest == message)
        #expect(try client.open([]) == [])
    }

    @Test func sealAndOpenBeforeTheHandshakeAreAnError() throws {
        let client = try Lab.client().makeSession()
        #expect { try client.seal([1]) } throws: { ($0 as? TLSError)?.code == .invalidState }
        #expect { try client.open([23, 3, 3, 0, 1, 0]) } throws: { ($0 as? TLSError)?.code == .invalidState }
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func tamperedRecordFailsTheSession(version: TLSVersion) throws {
        let (client, server) = try Self.established(version)
        var records = try client.seal(Array("inner EAP".utf8))
        records[records.count - 1] ^= 0x01
        #expect { try server.open(records) } throws: { ($0 as? TLSError)?.code == .protocolViolation }
        #expect(server.evidence.alertsSent.map(\.name) == ["bad_record_mac"])
        let alert = server.takePendingOutput()
        #expect(!alert.isEmpty)
        #expect { try client.open(alert) } throws: { ($0 as? TLSError)?.code == .peerAlert }
        #expect(client.evidence.alertsReceived.map(\.name) == ["bad_record_mac"])
        #expect { try server.seal([1]) } throws: { _ in true }
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func closeNotify(version: TLSVersion) throws {
        let (client, server) = try Self.established(version)
        let last = try server.seal([9, 9])
        let close = server.close()
        #expect(!close.isEmpty)
        #expect(server.evidence.alertsSent.map(\.name) == ["close_notify"])
        #expect(try client.open(last + close) == [9, 9])
        #expect { try client.open([]) } throws: { ($0 as? TLSError)?.code == .closed }
        #expect(client.evidence.alertsReceived == [TLSAlert(level: .warning, code: 0)])
    }

    /// RFC 9190 §2.5: the TLS 1.3 server signals the end of the handshake with one 0x00 byte of
    /// application data, sent with its tickets.
    @Test func tls13CommitmentMessage() throws {
        let client = try Lab.client(version: .tls1_3).makeSession()
        let server = try Lab.server(version: .tls1_3).makeSession()
        let hello = client.start()
        let flight = server.receive(hello.output)
        let finished = client.receive(flight.output)
        #expect(finished.isEstablished)
        let tickets = server.receive(finished.output)
        #expect(tickets.isEstablished)
        let commitment = try server.seal([0x00])
        let last = client.receive(tickets.output + commitment)
        #expect(last.isEstablished && last.output.isEmpty)
        #expect(try client.open([]) == [0x00])
        #expect(client.evidence.handshakeMessagesReceived.filter { $0 == .newSessionTicket }.count == 2)
    }

    @Test(arguments: [
        ("not TLS", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("zeros", [UInt8](repeating: 0, count: 64)),
        ("garbage handshake", [22, 3, 3, 0, 6, 2, 0, 0, 2, 0xff, 0xff]),
        ("oversized record", [22, 3, 3, 0xff, 0xff, 1, 2, 3]),
        ("truncated ServerHello", [22, 3, 3, 0, 4, 2, 0, 0, 70]),
    ] as [(String, [UInt8])])
    func malformedServerBytes(name: String, junk: [UInt8]) throws {
        let client = try Lab.client().makeSession()
        _ = client.start()
        var step = client.receive(junk)
        if case .needMore = step { step = client.receive([]) }  // a partial record just waits
        switch step {
        case .failed(let error, _):
            #expect(error.code == .protocolViolation, "\(name): \(error)")
            // Where it stopped, not OpenSSL's bare "error" state.
            #expect(client.evidence.handshakeState.hasPrefix("SSLv3/TLS "), "\(client.evidence.handshakeState)")
            #expect(error.reason.contains(client.evidence.handshakeState))
            #expect(!error.openSSLErrors.isEmpty)
        case .needMore:
            // A valid-looking partial record: nothing more to say until more bytes come.
            #expect(name == "truncated ServerHello")
        case .established:
            Issue.record("\(name): junk must not establish a session")
        }
    }

    @Test func fatalAlertFromTheServer() throws {
        let client = try Lab.client().makeSession()
        _ = client.start()
        let step = client.receive([21, 3, 3, 0, 2, 2, 40])  // fatal handshake_failure
        guard case .failed(let error, _) = step else { Issue.record("expected a failure"); return }
        #expect(error.code == .peerAlert)
        #expect(error.reason.contains("handshake_failure"))
        #expect(client.evidence.alertsReceived == [TLSAlert(level: .fatal, code: 40)])
        #expect(client.evidence.lastHandshakeMessageSent == .clientHello)
    }

    @Test func randomJunkNeverCrashes() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let client = try Lab.client().makeSession()
            _ = client.start()
            let count = Int.random(in: 1...300, using: &generator)
            var junk = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { junk[0] = 22 }
            _ = client.receive(junk)
            _ = client.receive(junk)
            #expect(!client.isEstablished)
        }
        // The server side too.
        for _ in 0..<50 {
            let server = try Lab.server().makeSession()
            let count = Int.random(in: 1...300, using: &generator)
            _ = server.receive((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(!server.isEstablished)
        }
    }

    @Test func alertNames() {
        #expect(TLSAlert(level: .fatal, code: 48).name == "unknown_ca")
        #expect(TLSAlert(level: .fatal, code: 45).name == "certificate_expired")
        #expect(TLSAlert(level: .fatal, code: 116).name == "certificate_required")
        #expect(TLSAlert(level: .fatal, code: 200).name == "alert(200)")
        #expect(TLSAlert(level: .fatal, code: 48).description == "fatal unknown_ca (48)")
    }
}
