import Foundation
import LabSupport
import Testing
import TLS

@Suite struct ConfigurationTests {
    private func expectConfigurationError(
        _ configuration: TLSClientConfiguration, mentions: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try TLSClientContext(configuration)
            Issue.record("expected a configuration error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .configuration, sourceLocation: sourceLocation)
            #expect(error.reason.contains(mentions), "\(error.reason)", sourceLocation: sourceLocation)
        }
    }

    private func validation(_ pki: TestPKIBuilder) -> TLSServerValidation {
        TLSServerValidation(trustedCAFile: pki.path("root.pem"))
    }

    @Test func badCipherSettingsAreNamed() throws {
        let pki = try TestPKI.get()
        expectConfigurationError(TLSClientConfiguration(validation: validation(pki), cipherList: "NOPE-CIPHER"),
                                 mentions: "NOPE-CIPHER")
        expectConfigurationError(TLSClientConfiguration(validation: validation(pki), cipherSuites: "TLS_FAKE_SUITE"),
                                 mentions: "TLS_FAKE_SUITE")
        expectConfigurationError(TLSClientConfiguration(validation: validation(pki), groups: "P-999"),
                                 mentions: "P-999")
        expectConfigurationError(TLSClientConfiguration(validation: validation(pki), minimumVersion: .tls1_3,
                                                        maximumVersion: .tls1_2), mentions: "minimum version")
    }

    @Test(arguments: [
        ("does-not-exist.pem", "does not exist"), ("garbage.bin", "holds no certificate"),
        ("empty.pem", "holds no certificate"),
    ])
    func unusableTrustedCAFile(file: String, message: String) throws {
        let pki = try TestPKI.get()
        expectConfigurationError(
            TLSClientConfiguration(validation: TLSServerValidation(trustedCAFile: pki.path(file))),
            mentions: message)
    }

    @Test func unusableTrustedCADirectory() throws {
        let pki = try TestPKI.get()
        expectConfigurationError(
            TLSClientConfiguration(validation: TLSServerValidation(trustedCADirectory: pki.path("empty-dir"))),
            mentions: "holds no certificate")
        expectConfigurationError(
            TLSClientConfiguration(validation: TLSServerValidation(trustedCADirectory: pki.path("nope"))),
            mentions: "cannot be listed")
    }

    @Test(arguments: [("garbage.bin", "holds no CRL"), ("root.pem", "holds no CRL"), ("nope.crl", "does not exist")])
    func unusableCRLFile(file: String, message: String) throws {
        let pki = try TestPKI.get()
        expectConfigurationError(
            TLSClientConfiguration(validation: TLSServerValidation(trustedCAFile: pki.path("root.pem"),
                                                                   crlFile: pki.path(file))),
            mentions: message)
    }

    @Test func insecureNeedsNoTrustStore() throws {
        let context = try TLSClientContext(TLSClientConfiguration(validation: .insecure))
        let client = try context.makeSession()
        #expect(converse(client, try Lab.server(clientCA: nil, requireClientCertificate: false).makeSession())
            .client.isEstablished)
    }

    @Test func cipherAndGroupSettingsAreApplied() throws {
        let pki = try TestPKI.get()
        let tls12 = try TLSClientContext(TLSClientConfiguration(
            validation: validation(pki), cipherList: "ECDHE-RSA-AES128-GCM-SHA256", groups: "P-384"))
        let client12 = try tls12.makeSession()
        let result12 = converse(client12, try Lab.server("server-rsa", clientCA: nil, requireClientCertificate: false)
            .makeSession())
        #expect(result12.client.isEstablished, "\(String(describing: result12.clientError))")
        #expect(client12.openSSLCipherName == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(client12.cipherName == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(client12.evidence.cipher == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(client12.evidence.keyExchangeGroup == "secp384r1")

        // TLS 1.2 (RFC 8422 §5.1.1): the client's groups also limit the server's ECDSA certificate curve, so
        // a P-256 certificate cannot be used with a P-384-only client.
        let p384 = try tls12.makeSession()
        let mismatch = converse(p384, try Lab.server("server-ec", clientCA: nil, requireClientCertificate: false)
            .makeSession())
        #expect(mismatch.clientError?.code == .peerAlert)

        let tls13 = try TLSClientContext(TLSClientConfiguration(
            validation: validation(pki), minimumVersion: .tls1_3, maximumVersion: .tls1_3,
            cipherSuites: "TLS_CHACHA20_POLY1305_SHA256"))
        let client13 = try tls13.makeSession()
        #expect(converse(client13, try Lab.server(version: .tls1_3, clientCA: nil, requireClientCertificate: false)
            .makeSession()).client.isEstablished)
        #expect(client13.cipherName == "TLS_CHACHA20_POLY1305_SHA256")
        #expect(client13.evidence.keyExchangeGroup == "X25519")

        // A cipher the server does not have fails the handshake with the server's alert.
        let rsaOnly = try TLSClientContext(TLSClientConfiguration(
            validation: validation(pki), cipherList: "ECDHE-RSA-AES128-GCM-SHA256"))
        let refused = try rsaOnly.makeSession()
        let result = converse(refused, try Lab.server("server-ec", clientCA: nil, requireClientCertificate: false)
            .makeSession())
        #expect(result.clientError?.code == .peerAlert)
        #expect(refused.evidence.alertsReceived.map(\.name) == ["handshake_failure"])
    }

    @Test func defaultsAreThoseOfAWindowsClientAgainstNPS() {
        let configuration = TLSClientConfiguration()
        #expect(configuration.minimumVersion == .tls1_2 && configuration.maximumVersion == .tls1_2)
        #expect(!configuration.sessionResumption)
        #expect(configuration.validation.requireServerAuthEKU)
        #expect(!configuration.validation.insecure)
        #expect(TLSVersion.tls1_0 < .tls1_3 && TLSVersion(wireValue: 0x0303) == .tls1_2)
    }
}
