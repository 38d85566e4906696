import Foundation
import TLS
import Testing

@testable import RADIUS

/// Exchanges captured between radclient / eapol_test and FreeRADIUS 3.2.1 (Vectors/README.md).
@Suite struct FreeRADIUSVectorTests {
    static let names = capturedExchanges.map(\.name)
    let wrongSecret = Array("testing124".utf8)

    @Test(arguments: names)
    func requestAuthenticatorsVerify(_ name: String) throws {
        let capture = exchange(name)
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        #expect(request.encode() == capture.requestBytes, "decode then encode is the identity")
        // radclient's Message-Authenticator (HMAC-MD5, RFC 3579 §3.2) or Accounting/CoA/Disconnect
        // Request Authenticator (MD5, RFC 2866 §3 / RFC 5176 §2.3) checks out with our computation…
        try request.verifyRequest(secret: capture.secretBytes, requireMessageAuthenticator: false)
        // …and not with another secret (pap-no-ma and chap have nothing a secret protects in the request).
        let protected =
            request.attributes.contains(.messageAuthenticator) || !request.code.hasRandomRequestAuthenticator
        if protected {
            let error = #expect(throws: RADIUSError.self) {
                try request.verifyRequest(secret: wrongSecret, requireMessageAuthenticator: false)
            }
            #expect(
                error?.code
                    == (request.code.hasRandomRequestAuthenticator || request.attributes.contains(.messageAuthenticator)
                        ? .messageAuthenticatorMismatch : .requestAuthenticatorMismatch))
        }
    }

    @Test(arguments: names)
    func repliesVerify(_ name: String) throws {
        let capture = exchange(name)
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let reply = try RADIUSPacket(decoding: capture.replyBytes)
        #expect(reply.encode() == capture.replyBytes)
        let hasMA = reply.attributes.contains(.messageAuthenticator)
        try reply.verifyReply(to: request, secret: capture.secretBytes, policy: hasMA ? .strict : .lenient)
        let error = #expect(throws: RADIUSError.self) {
            try reply.verifyReply(to: request, secret: wrongSecret, policy: .lenient)
        }
        #expect(error?.code == (hasMA ? .messageAuthenticatorMismatch : .responseAuthenticatorMismatch))
        #expect(error?.reason.contains("most often the shared secret is wrong") == true)
    }

    @Test func replyWithoutMessageAuthenticatorIsRefusedByDefault() throws {
        for name in ["pap-no-ma", "status-server"] {
            let capture = exchange(name)
            let request = try RADIUSPacket(decoding: capture.requestBytes)
            let reply = try RADIUSPacket(decoding: capture.replyBytes)
            #expect(reply.code == .accessAccept)
            let error = #expect(throws: RADIUSError.self) {
                try reply.verifyReply(to: request, secret: capture.secretBytes)
            }
            #expect(error?.code == .messageAuthenticatorMissing, "\(name)")
        }
    }

    @Test func accountingResponseWithoutMessageAuthenticatorPassesTheDefaultPolicy() throws {
        for name in ["accounting", "coa", "disconnect"] {
            let capture = exchange(name)
            try RADIUSPacket(decoding: capture.replyBytes).verifyReply(
                to: try RADIUSPacket(decoding: capture.requestBytes), secret: capture.secretBytes)
            let strict = #expect(throws: RADIUSError.self) {
                try RADIUSPacket(decoding: capture.replyBytes).verifyReply(
                    to: try RADIUSPacket(decoding: capture.requestBytes), secret: capture.secretBytes, policy: .strict)
            }
            #expect(strict?.code == .messageAuthenticatorMissing)
        }
    }

    @Test func hiddenPasswordsRecoverTheRadclientInput() throws {
        for name in ["pap-accept", "pap-reject", "pap-no-ma", "pap-128"] {
            let capture = exchange(name)
            let request = try RADIUSPacket(decoding: capture.requestBytes)
            let hidden = try #require(request.attributes.first(.userPassword))
            let clear = try RADIUSCrypto.unhideUserPassword(
                hidden, secret: capture.secretBytes, authenticator: request.authenticator)
            #expect(clear == Array(try #require(capture.expect.userPassword).utf8), "\(name)")
            // And our hiding reproduces radclient's bytes.
            #expect(
                try RADIUSCrypto.hideUserPassword(
                    clear, secret: capture.secretBytes, authenticator: request.authenticator)
                    == hidden)
        }
        #expect(
            try RADIUSPacket(decoding: exchange("pap-128").requestBytes).attributes.first(.userPassword)?.count == 128)
    }

    @Test func chapPasswordMatchesRadclient() throws {
        let capture = exchange("chap-accept")
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let chap = try #require(request.attributes.first(.chapPassword))
        let computed = RADIUSCrypto.chapPassword(
            identifier: chap[0], password: Array(try #require(capture.expect.chapSecret).utf8),
            challenge: request.authenticator)
        #expect(computed == chap)
    }

    @Test func accountingAndDynamicAuthorizationRequestsRebuildByteForByte() throws {
        let accounting = try RADIUSPacket(decoding: exchange("accounting").requestBytes)
        let rebuilt = try RADIUSPacket.accountingRequest(
            identifier: accounting.identifier, attributes: accounting.attributes, secret: testing123)
        #expect(rebuilt.encode() == exchange("accounting").requestBytes)

        let coa = try RADIUSPacket(decoding: exchange("coa").requestBytes)
        let rebuiltCoA = try RADIUSPacket.dynamicAuthorizationRequest(
            .coaRequest, identifier: coa.identifier, attributes: coa.attributes, secret: testing123)
        #expect(rebuiltCoA.encode() == exchange("coa").requestBytes)

        // radclient puts Message-Authenticator last; ours goes first, so compare the computation in place:
        // the Disconnect-Request's MA is the HMAC with a zero authenticator (RFC 5176 §3.4).
        let disconnect = try RADIUSPacket(decoding: exchange("disconnect").requestBytes)
        var zeroed = disconnect
        zeroed.authenticator = [UInt8](repeating: 0, count: 16)
        let index = try #require(zeroed.attributes.firstIndex(where: { $0.type == 80 }))
        zeroed.attributes[index].value = [UInt8](repeating: 0, count: 16)
        #expect(HMAC.md5(key: testing123, zeroed.encode()) == disconnect.attributes[index].value)
    }

    @Test func freeRADIUSSaltEncryptedAttributesDecrypt() throws {
        let capture = exchange("pap-accept")
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let reply = try RADIUSPacket(decoding: capture.replyBytes)
        let keys = try #require(try reply.mppeKeys(secret: testing123, requestAuthenticator: request.authenticator))
        #expect(keys.send == hex(try #require(capture.expect.mppeSendKey)))
        #expect(keys.receive == hex(try #require(capture.expect.mppeRecvKey)))
        let tunnel = try #require(reply.attributes.first(.tunnelPassword))
        let decrypted = try RADIUSCrypto.decryptTunnelPassword(
            tunnel, secret: testing123, authenticator: request.authenticator)
        #expect(decrypted.tag == capture.expect.tunnelTag)
        #expect(decrypted.password == Array(try #require(capture.expect.tunnelPassword).utf8))
        // With the wrong secret the length octet is garbage: typed error, no crash.
        let error = #expect(throws: RADIUSError.self) {
            _ = try reply.mppeKeys(secret: wrongSecret, requestAuthenticator: request.authenticator)
        }
        #expect(error?.code == .invalidEncryptedPadding)
    }

    @Test func peapAcceptKeysMatchWhatEapolTestDerived() throws {
        let capture = exchange("peap-8")
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let reply = try RADIUSPacket(decoding: capture.replyBytes)
        #expect(reply.code == .accessAccept)
        let keys = try #require(try reply.mppeKeys(secret: testing123, requestAuthenticator: request.authenticator))
        #expect(keys.send == hex(try #require(capture.expect.mppeSendKey)))
        #expect(keys.receive == hex(try #require(capture.expect.mppeRecvKey)))
        #expect(reply.attributes.eapMessage == [3, request.attributes.eapMessage![1], 0, 4], "EAP-Success")
    }

    @Test func peapChallengesCarrySplitEAPMessages() throws {
        var fragmented = 0
        for name in Self.names where name.hasPrefix("peap-") {
            let capture = exchange(name)
            let request = try RADIUSPacket(decoding: capture.requestBytes)
            let reply = try RADIUSPacket(decoding: capture.replyBytes)
            for packet in [request, reply] {
                let eap = try #require(packet.attributes.eapMessage, "\(name) carries EAP")
                // The EAP length field covers exactly the concatenation (RFC 3579 §3.1).
                #expect(eap.count >= 4 && Int(eap[2]) << 8 | Int(eap[3]) == eap.count, "\(name)")
                let pieces = packet.attributes.all(.eapMessage)
                #expect(pieces.dropLast().allSatisfy { $0.count == 253 }, "\(name): full pieces before the last")
                if pieces.count > 1 { fragmented += 1 }
                // Splitting it again gives FreeRADIUS's / eapol_test's own pieces.
                #expect(RADIUSAttribute.eapMessage(eap).map(\.value) == pieces)
            }
        }
        #expect(fragmented >= 2, "the server certificate flight spans several EAP-Message attributes")
    }

    @Test func freeRADIUSReplyPrintsThroughTheDictionary() throws {
        let capture = exchange("pap-accept")
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let reply = try RADIUSPacket(decoding: capture.replyBytes)
        let masked = shippedDictionary.describe(reply.attributes).map(\.description)
        #expect(
            masked == [
                "Message-Authenticator = <hidden, 16 octets>", "Service-Type = Framed-User",
                "Framed-IP-Address = 10.20.30.40", "Session-Timeout = 3600", "Reply-Message = \"Hello, alice\"",
                "Class = 0x6e707370726f62652d636c617373", "Tunnel-Type:1 = VLAN", "Tunnel-Medium-Type:1 = IEEE-802",
                "Tunnel-Private-Group-Id:1 = \"42\"", "Tunnel-Password:1 = <hidden, 18 octets>",
                "MS-MPPE-Send-Key = <hidden, 50 octets>", "MS-MPPE-Recv-Key = <hidden, 34 octets>",
                "MS-MPPE-Encryption-Policy = Encryption-Required",
            ])
        let revealed = shippedDictionary.describe(
            reply.attributes,
            options: .init(maskSecrets: false, secret: testing123, requestAuthenticator: request.authenticator))
        #expect(revealed[9].description == "Tunnel-Password:1 = \"tunnel-secret\"")
        #expect(revealed[10].value == "0x" + (capture.expect.mppeSendKey ?? ""))
        #expect(revealed[10].oid == "26.311.16")
        let requestText = shippedDictionary.describe(
            request.attributes,
            options: .init(maskSecrets: false, secret: testing123, requestAuthenticator: request.authenticator))
        #expect(requestText[1].description == "User-Password = \"arctangent\"")
    }
}
