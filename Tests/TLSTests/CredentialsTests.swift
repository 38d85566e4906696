import COpenSSL
import Foundation
import Testing
import TLS

@Suite struct CredentialsTests {
    private func expectCredentialsError(
        _ needle: [String], code: TLSError.Code = .credentials, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws(TLSError) -> TLSCredentials
    ) {
        do {
            _ = try body()
            Issue.record("expected a credentials error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, sourceLocation: sourceLocation)
            for text in needle {
                #expect(error.reason.contains(text), "\(error.reason)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func pemChainAndSeparateKey() throws {
        let credentials = try Lab.credentials("alice")
        #expect(credentials.certificate.commonName == "alice")
        #expect(credentials.chain.map(\.commonName) == ["npsprobe Test Issuing CA"])
        #expect(credentials.source.hasSuffix("alice-chain.pem + \(try TestPKI.get().path("alice.key"))"))
    }

    @Test func pemKeyInTheSameFile() throws {
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pem(certificateFile: pki.path("alice-combined.pem"), keyFile: nil,
                                                 keyPassword: nil)
        #expect(credentials.certificate.commonName == "alice")
        #expect(credentials.chain.count == 1)
    }

    @Test(arguments: ["alice-pkcs8-enc.key", "alice-trad-enc.key"])
    func encryptedRSAKey(file: String) throws {
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pem(certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path(file),
                                                 keyPassword: bytes(TestPKI.keyPassword))
        #expect(credentials.certificate.keyType == "RSA")
        // …and the loaded key really works in a handshake.
        let context = try TLSClientContext(TLSClientConfiguration(
            credentials: credentials,
            validation: TLSServerValidation(trustedCAFile: pki.path("root.pem"))))
        #expect(converse(try context.makeSession(), try Lab.server().makeSession()).client.isEstablished)
    }

    @Test func encryptedECKey() throws {
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pem(certificateFile: pki.path("bob-chain.pem"),
                                                 keyFile: pki.path("bob-trad-enc.key"),
                                                 keyPassword: bytes(TestPKI.keyPassword))
        #expect(credentials.certificate.keyType == "EC")
    }

    @Test(arguments: ["alice-pkcs8-enc.key", "alice-trad-enc.key"])
    func encryptedKeyWithWrongOrMissingPassword(file: String) throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path(file), "wrong password"], code: .keyPassword) { () throws(TLSError) in
            try TLSCredentials.pem(certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path(file),
                                   keyPassword: bytes("not-it"))
        }
        expectCredentialsError([pki.path(file), "no password was given"], code: .keyPassword) { () throws(TLSError) in
            try TLSCredentials.pem(certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path(file),
                                   keyPassword: nil)
        }
    }

    @Test func keyOfAnotherCertificate() throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path("bob.key"), pki.path("alice-chain.pem"), "does not belong"]) {
            () throws(TLSError) in
            try TLSCredentials.pem(certificateFile: pki.path("alice-chain.pem"), keyFile: pki.path("bob.key"),
                                   keyPassword: nil)
        }
    }

    @Test func derCertificateAndKey() throws {
        let pki = try TestPKI.get()
        try pki.openssl(["x509", "-in", "bob.pem", "-outform", "DER", "-out", "bob-der.cer"])
        try pki.openssl(["pkey", "-in", "bob.key", "-outform", "DER", "-out", "bob-der.key"])
        let credentials = try TLSCredentials.pem(certificateFile: pki.path("bob-der.cer"),
                                                 keyFile: pki.path("bob-der.key"), keyPassword: nil)
        #expect(credentials.certificate.commonName == "bob")
        #expect(credentials.chain.isEmpty)
    }

    @Test func pkcs12() throws {
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pkcs12(file: pki.path("alice.p12"), password: bytes(TestPKI.p12Password))
        #expect(credentials.certificate.commonName == "alice")
        // The bag held root then issuing; the chain is ordered from the leaf's issuer upwards.
        #expect(credentials.chain.map(\.commonName) == ["npsprobe Test Issuing CA", "npsprobe Test Root"])
        let context = try TLSClientContext(TLSClientConfiguration(
            credentials: credentials, validation: TLSServerValidation(trustedCAFile: pki.path("root.pem"))))
        let client = try context.makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
        #expect(client.evidence.clientChainSent.count == 3)
    }

    /// An RC2-40/3DES file, as older Windows exports are (`openssl pkcs12 -export -legacy`): it loads, its key signs
    /// a handshake, and OpenSSL's legacy provider stays out of the process's default library context.
    @Test func legacyPKCS12() throws {
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pkcs12(file: pki.path("alice-legacy.p12"),
                                                    password: bytes(TestPKI.p12Password))
        #expect(credentials.certificate.commonName == "alice")
        #expect(credentials.chain.map(\.commonName) == ["npsprobe Test Issuing CA"])
        #expect(OSSL_PROVIDER_available(nil, "legacy") == 0, "legacy was loaded for the whole process")
        #expect(EVP_MD_fetch(nil, "MD4", nil) == nil, "MD4 became available to the whole process")
        let context = try TLSClientContext(TLSClientConfiguration(
            credentials: credentials, validation: TLSServerValidation(trustedCAFile: pki.path("root.pem"))))
        let client = try context.makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
        #expect(client.evidence.clientChainSent.count == 2)
    }

    @Test func pkcs12WrongOrMissingPassword() throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path("alice.p12"), "wrong password"], code: .keyPassword) { () throws(TLSError) in
            try TLSCredentials.pkcs12(file: pki.path("alice.p12"), password: bytes("nope"))
        }
        expectCredentialsError([pki.path("alice.p12"), "needs a password"], code: .keyPassword) { () throws(TLSError) in
            try TLSCredentials.pkcs12(file: pki.path("alice.p12"), password: nil)
        }
    }

    @Test(arguments: [
        ("garbage.bin", "no certificate found"), ("garbage.pem", "no certificate found"),
        ("empty.pem", "no certificate found"), ("does-not-exist.pem", "does not exist"),
        ("empty-dir", "is a directory"),
    ])
    func unusableCertificateFiles(file: String, message: String) throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path(file), message]) { () throws(TLSError) in
            try TLSCredentials.pem(certificateFile: pki.path(file), keyFile: pki.path("alice.key"), keyPassword: nil)
        }
    }

    @Test(arguments: [
        ("garbage.bin", "no private key found"), ("root.pem", "no private key found"),
        ("empty.pem", "no private key found"), ("does-not-exist.key", "does not exist"),
    ])
    func unusableKeyFiles(file: String, message: String) throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path(file), message]) { () throws(TLSError) in
            try TLSCredentials.pem(certificateFile: pki.path("alice.pem"), keyFile: pki.path(file), keyPassword: nil)
        }
    }

    @Test(arguments: [
        ("garbage.bin", "is not a PKCS#12"), ("alice.pem", "is not a PKCS#12"), ("empty.pem", "is not a PKCS#12"),
        ("nope.p12", "does not exist"),
    ])
    func unusablePKCS12Files(file: String, message: String) throws {
        let pki = try TestPKI.get()
        expectCredentialsError([pki.path(file), message]) { () throws(TLSError) in
            try TLSCredentials.pkcs12(file: pki.path(file), password: bytes("x"))
        }
    }
}
