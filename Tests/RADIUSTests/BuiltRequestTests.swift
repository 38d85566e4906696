import Foundation
import TLS
import Testing

@testable import RADIUS

/// Requests this module builds, as FreeRADIUS 3.2.1 answered them (Vectors/npsprobe-built.json): FreeRADIUS
/// only answers a request whose Message-Authenticator / Request Authenticator verifies and accepts a PAP user
/// only when it can unhide the password, so each reply is evidence that our signing and hiding interoperate.
@Suite struct BuiltRequestTests {
    struct Recorded: Decodable {
        var name: String
        var port: Int
        var request: String
        var reply: String?
    }
    struct File: Decodable {
        var exchanges: [Recorded]
    }

    static let recorded: [Recorded] = {
        guard let url = Bundle.module.url(forResource: "Vectors/npsprobe-built", withExtension: "json"),
            let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
        else { fatalError("Vectors/npsprobe-built.json is missing or malformed") }
        return file.exchanges
    }()

    static let names = recorded.map(\.name)

    @Test(arguments: names)
    func builderStillProducesTheRecordedBytesAndFreeRADIUSAnswered(_ name: String) throws {
        let recorded = try #require(Self.recorded.first { $0.name == name })
        let built = try #require(try npsprobeBuiltRequests().first { $0.name == name })
        #expect(built.packet.encode().hexString == recorded.request, "same code, same seed, same bytes")
        let reply = try RADIUSPacket(decoding: hex(try #require(recorded.reply, "FreeRADIUS answered \(name)")))
        try reply.verifyReply(to: built.packet, secret: testing123, policy: .lenient)
        try built.packet.verifyRequest(secret: testing123)
    }

    @Test func expectedAnswers() throws {
        let codes = Dictionary(
            uniqueKeysWithValues: try Self.recorded.map {
                ($0.name, try RADIUSPacket(decoding: hex($0.reply ?? "")).code)
            })
        #expect(codes["pap-accept"] == .accessAccept)
        #expect(codes["pap-128"] == .accessAccept)
        #expect(codes["pap-17-reject"] == .accessReject)
        #expect(codes["status-server"] == .accessAccept)
        #expect(codes["accounting"] == .accountingResponse)
        #expect(codes["accounting-ma"] == .accountingResponse)
        #expect(codes["coa-ma"] == .coaACK)
        #expect(codes["disconnect"] == .disconnectACK)
        #expect(codes["eap-identity"] == .accessChallenge)
    }

    @Test func accessRequestsPutMessageAuthenticatorFirst() throws {
        for built in try npsprobeBuiltRequests() where built.packet.code.hasRandomRequestAuthenticator {
            #expect(built.packet.attributes.first?.type == 80, "\(built.name)")
            #expect(built.packet.attributes.filter { $0.type == 80 }.count == 1)
        }
    }

    @Test func acceptedPAPRepliesDecryptWithOurRequestAuthenticator() throws {
        let recorded = try #require(Self.recorded.first { $0.name == "pap-accept" })
        let built = try #require(try npsprobeBuiltRequests().first { $0.name == "pap-accept" })
        let reply = try RADIUSPacket(decoding: hex(try #require(recorded.reply)))
        let keys = try #require(
            try reply.mppeKeys(secret: testing123, requestAuthenticator: built.packet.authenticator))
        #expect(keys.send == hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
        #expect(keys.receive == hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
    }

    @Test func eapChallengeCarriesPEAPStart() throws {
        let recorded = try #require(Self.recorded.first { $0.name == "eap-identity" })
        let reply = try RADIUSPacket(decoding: hex(try #require(recorded.reply)))
        let eap = try #require(reply.attributes.eapMessage)
        #expect(eap[0] == 1, "EAP-Request")
        #expect(eap[4] == 25, "PEAP")
        #expect(reply.attributes.contains(.state))
    }
}
