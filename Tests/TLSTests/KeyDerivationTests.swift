import COpenSSL
import Foundation
import Testing
@testable import TLS

/// The EAP keys checked against an independent computation of the TLS 1.2 PRF (RFC 5246 §5), from the
/// master secret OpenSSL reports for the session.
@Suite struct KeyDerivationTests {
    /// P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + …, A(0) = seed,
    /// A(i) = HMAC(secret, A(i-1)); PRF(secret, label, seed) = P_hash(secret, label + seed).
    static func prf(_ hmac: ([UInt8], [UInt8]) -> [UInt8], secret: [UInt8], label: String, seed: [UInt8],
                    length: Int) -> [UInt8] {
        let labelSeed = Array(label.utf8) + seed
        var a = labelSeed
        var out: [UInt8] = []
        while out.count < length {
            a = hmac(secret, a)
            out += hmac(secret, a + labelSeed)
        }
        return Array(out.prefix(length))
    }

    static func hmacSHA256(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] { HMAC.sha256(key: key, data) }

    /// HMAC-SHA384 straight from libcrypto's one-shot HMAC (the project's HMAC has no SHA-384).
    static func hmacSHA384(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 48)
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                COpenSSL.HMAC(EVP_sha384(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func masterSecret(_ session: TLSSession) throws -> [UInt8] {
        let sslSession = try #require(SSL_get_session(session.connection.ssl))
        var master = [UInt8](repeating: 0, count: 48)
        let count = SSL_SESSION_get_master_key(sslSession, &master, master.count)
        return Array(master.prefix(count))
    }

    @Test(arguments: [
        ("server-rsa", "ECDHE-RSA-AES128-GCM-SHA256", false),
        ("server-ec", "ECDHE-ECDSA-AES128-GCM-SHA256", false),
        ("server-rsa", "ECDHE-RSA-AES256-GCM-SHA384", true),
        ("server-rsa", "AES128-SHA256", false),  // RSA key transport
    ])
    func tls12MSKMatchesAnIndependentPRF(server serverName: String, cipher: String, sha384: Bool) throws {
        let client = try Lab.client(cipherList: cipher).makeSession()
        let server = try Lab.server(serverName).makeSession()
        #expect(converse(client, server).client.isEstablished)
        #expect(client.openSSLCipherName == cipher)

        let master = try Self.masterSecret(client)
        #expect(master.count == 48)
        let expected = Self.prf(sha384 ? Self.hmacSHA384 : Self.hmacSHA256, secret: master,
                                label: "client EAP encryption", seed: client.clientRandom + client.serverRandom,
                                length: 128)
        let keys = try client.eapKeyMaterial(eapType: 13)
        #expect(keys.msk == Array(expected[0..<64]))
        #expect(keys.emsk == Array(expected[64..<128]))
        #expect(try server.eapKeyMaterial(eapType: 13) == keys)

        // The generic exporter with no context is the same PRF (RFC 5705 §4).
        let other = try client.exportKeyingMaterial(label: "EXPORTER-npsprobe", context: nil, length: 40)
        #expect(other == Self.prf(sha384 ? Self.hmacSHA384 : Self.hmacSHA256, secret: master,
                                  label: "EXPORTER-npsprobe", seed: client.clientRandom + client.serverRandom,
                                  length: 40))
    }

    /// RFC 5246 §5 P_SHA256 itself, against the published test vector (IETF TLS WG, "TLS 1.2 PRF test
    /// vectors", SHA-256 case), so the reference PRF above is known to be right.
    @Test func referencePRFVector() {
        let secret = hex("9bbe436ba940f017b17652849a71db35")
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c")
        let out = Self.prf(Self.hmacSHA256, secret: secret, label: "test label", seed: seed, length: 100)
        #expect(hex(out) == "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                + "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                + "87347b66")
    }

    @Test func keysBeforeTheHandshakeAreAnError() throws {
        let client = try Lab.client().makeSession()
        _ = client.start()
        #expect { try client.eapKeyMaterial(eapType: 13) } throws: { ($0 as? TLSError)?.code == .keyExport }
        #expect { try client.exportKeyingMaterial(label: "x", context: nil, length: 16) } throws: {
            ($0 as? TLSError)?.code == .keyExport
        }
    }

    @Test func exporterLengthIsChecked() throws {
        let client = try Lab.client().makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
        #expect { try client.exportKeyingMaterial(label: "x", context: nil, length: 0) } throws: {
            ($0 as? TLSError)?.code == .keyExport
        }
    }
}
