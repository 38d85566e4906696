import TLSTestSupport
import Foundation
import Testing
import TLS

/// The key log (`--keylog`): OpenSSL's NSS key log lines as typed entries, checked against the session they
/// claim to unlock by recomputing the session's own exporter output from the logged secret (RFC 5705 with the
/// TLS 1.2 PRF of RFC 5246 §5; RFC 8446 §7.5 with HKDF, RFC 5869).
@Suite struct KeyLogTests {
    private func client(_ version: TLSVersion, keyLog: TLSKeyLog) throws -> TLSClientContext {
        let pki = try TestPKI.get()
        return try TLSClientContext(TLSClientConfiguration(
            credentials: try Lab.credentials("alice"),
            validation: TLSServerValidation(trustedCAFile: pki.path("root.pem"), acceptedServerNames: [TestPKI.serverName]),
            minimumVersion: version, maximumVersion: version,
            // SHA-256 suites, so the test's PRF and HKDF need only HMAC-SHA-256.
            cipherList: "ECDHE-RSA-AES128-GCM-SHA256", cipherSuites: "TLS_AES_128_GCM_SHA256", keyLog: keyLog))
    }

    @Test func tls12LogsTheMasterSecretUnderTheClientRandom() throws {
        let keyLog = TLSKeyLog()
        let session = try client(.tls1_2, keyLog: keyLog).makeSession()
        let result = converse(session, try Lab.server("server-rsa", version: .tls1_2).makeSession())
        #expect(result.client.isEstablished)
        let entries = keyLog.entries
        try #require(entries.count == 1, "\(entries)")
        #expect(entries[0].label == .clientRandom)
        #expect(entries[0].clientRandom == session.clientRandom)
        #expect(entries[0].secret.count == 48)
        // RFC 5705 §4 without context: PRF(master_secret, label, client_random + server_random).
        let label = "client EAP encryption"
        let expected = tls12PRF(secret: entries[0].secret, label: Array(label.utf8),
                                seed: session.clientRandom + session.serverRandom, length: 64)
        #expect(try session.exportKeyingMaterial(label: label, context: nil, length: 64) == expected)
        #expect(keyLog.text == entries[0].line + "\n")
        #expect(keyLog.dropped == 0)
    }

    @Test func tls13LogsTheTrafficAndExporterSecrets() throws {
        let keyLog = TLSKeyLog()
        let session = try client(.tls1_3, keyLog: keyLog).makeSession()
        let result = converse(session, try Lab.server("server-rsa", version: .tls1_3).makeSession())
        #expect(result.client.isEstablished)
        let entries = keyLog.entries
        #expect(Set(entries.map(\.label)) == [
            .clientHandshakeTrafficSecret, .serverHandshakeTrafficSecret, .clientTrafficSecret0,
            .serverTrafficSecret0, .exporterSecret,
        ])
        #expect(entries.count == 5)
        #expect(entries.allSatisfy { $0.clientRandom == session.clientRandom && $0.secret.count == 32 })
        // RFC 8446 §7.5: TLS-Exporter(label, context, n) =
        //   HKDF-Expand-Label(Derive-Secret(exporter_secret, label, ""), "exporter", Hash(context), n).
        let exporter = try #require(entries.first { $0.label == .exporterSecret }).secret
        let label = "EXPORTER_EAP_TLS_Key_Material"
        let derived = hkdfExpandLabel(exporter, label: label, context: Digest.sha256([]), length: 32)
        let expected = hkdfExpandLabel(derived, label: "exporter", context: Digest.sha256([13]), length: 64)
        #expect(try session.exportKeyingMaterial(label: label, context: [13], length: 64) == expected)
    }

    @Test func oneLogServesEverySessionOfTheContextAndIsBounded() throws {
        let keyLog = TLSKeyLog(limit: 1)
        let context = try client(.tls1_2, keyLog: keyLog)
        for _ in 0..<2 {
            let result = converse(try context.makeSession(), try Lab.server("server-rsa", version: .tls1_2).makeSession())
            #expect(result.client.isEstablished)
        }
        #expect(keyLog.entries.count == 1)
        #expect(keyLog.dropped == 1)
    }

    @Test func linesParseStrictly() {
        let random = String(repeating: "ab", count: 32)
        let entry = TLSKeyLogEntry(line: "CLIENT_RANDOM \(random) \(String(repeating: "01", count: 48))")
        #expect(entry?.label == .clientRandom)
        #expect(entry?.clientRandom == [UInt8](repeating: 0xAB, count: 32))
        #expect(entry?.line == "CLIENT_RANDOM \(random) \(String(repeating: "01", count: 48))")
        // The description names the session, never the secret.
        #expect(entry?.description.contains("0101") == false)
        for bad in [
            "", "CLIENT_RANDOM", "CLIENT_RANDOM \(random)", "client_random \(random) 00",
            "CLIENT_RANDOM abcd 00", "CLIENT_RANDOM \(random) 0", "CLIENT_RANDOM \(random) zz",
            "CLIENT_RANDOM \(random) 00 extra", "# comment \(random) 00",
        ] {
            #expect(TLSKeyLogEntry(line: bad) == nil, "\(bad)")
        }
        let log = TLSKeyLog()
        log.record(line: "not a key log line")
        #expect(log.entries.isEmpty && log.dropped == 1)
    }
}

/// TLS 1.2 PRF with SHA-256 (RFC 5246 §5): P_SHA256(secret, label + seed).
private func tls12PRF(secret: [UInt8], label: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
    let seed = label + seed
    var a = seed
    var out: [UInt8] = []
    while out.count < length {
        a = HMAC.authenticate(.sha256, key: secret, a)
        out += HMAC.authenticate(.sha256, key: secret, a, seed)
    }
    return Array(out.prefix(length))
}

/// HKDF-Expand-Label with SHA-256 (RFC 8446 §7.1 over RFC 5869 §2.3).
private func hkdfExpandLabel(_ secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
    let fullLabel = Array("tls13 \(label)".utf8)
    let info = [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(fullLabel.count)] + fullLabel
        + [UInt8(context.count)] + context
    var block: [UInt8] = []
    var out: [UInt8] = []
    var counter: UInt8 = 1
    while out.count < length {
        block = HMAC.authenticate(.sha256, key: secret, block, info, [counter])
        out += block
        counter += 1
    }
    return Array(out.prefix(length))
}
