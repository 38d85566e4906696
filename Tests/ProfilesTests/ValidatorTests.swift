import Foundation
import Testing

@testable import Profiles

/// Validation without sending: each problem once, at the place the key was written.
@Suite struct ValidatorTests {
    let pki = labDirectory + "/pki"

    func validate(_ yaml: String, environment: [String: String] = ["S": "x", "P": "y"],
                  mode: ProfileValidator.Mode = .validate, now: Date = Date())
        throws -> (path: String, issues: [ProfileIssue])
    {
        let (path, document, loadIssues) = loadText(yaml, environment: environment)
        #expect(loadIssues.errors.isEmpty, "\(loadIssues)")
        let cases = try #require(document?.cases)
        let validator = ProfileValidator(dictionary: bundledDictionary, environment: environment, mode: mode, now: now)
        return (path, validator.validate(cases))
    }

    func eapTLS(cert: String, key: String? = nil, extra: String = "", expect: String = "accept") -> String {
        """
        servers: ["127.0.0.1:18121"]
        secret: {env: S}
        method: eap-tls
        identity: alice@lab.npsprobe.test
        tls:
          cert: \(pki)/\(cert)
          key: \(pki)/\(key ?? cert.replacingOccurrences(of: ".pem", with: ".key"))
          ca: [\(pki)/root-ca.pem]
          server_names: [radius.lab.npsprobe.test]
        \(extra)
        expect: \(expect)

        """
    }

    @Test func validPAPHasNoIssues() throws {
        #expect(try validate(papProfile).issues.isEmpty)
    }

    @Test func methodRequirements() throws {
        let noPassword = try validate(papProfile.replacingOccurrences(of: "password: {env: P}\n", with: ""))
        #expect(noPassword.issues.map(\.code) == [.missingKey])
        #expect(noPassword.issues[0].message == "pap needs a password" && noPassword.issues[0].caseName == "profile")

        let noMethod = try validate("servers: [a.example]\nsecret: {env: S}\n")
        #expect(noMethod.issues.map(\.code) == [.missingKey])
        #expect(noMethod.issues[0].location == SourceLocation(path: noMethod.path, line: 1, column: 1))

        let noServer = try validate(papProfile.replacingOccurrences(of: "servers: [127.0.0.1]\n", with: ""))
        #expect(noServer.issues.map(\.message) == ["no server: say where to send"])

        let tlsWithoutCert = try validate("""
            servers: [a.example]
            secret: {env: S}
            method: eap-tls
            identity: alice
            tls: {insecure: true}

            """)
        #expect(tlsWithoutCert.issues.map(\.code) == [.missingKey])
        #expect(tlsWithoutCert.issues[0].message.contains("client certificate"))

        let peapWithoutCA = try validate("""
            servers: [a.example]
            secret: {env: S}
            method: peap-mschapv2
            identity: bob
            password: {env: P}

            """)
        #expect(peapWithoutCA.issues.map(\.code) == [.missingKey, .missingKey])
        #expect(peapWithoutCA.issues.map(\.severity) == [.error, .warning])  // tls.ca; tls.server_names
    }

    @Test func missingFilesAtTheirKeys() throws {
        let (path, issues) = try validate(eapTLS(cert: "no-such.pem"))
        #expect(issues.map(\.code) == [.missingFile, .missingFile])
        #expect(issues[0].location == SourceLocation(path: path, line: 6, column: 9))  // tls.cert's value
        #expect(issues[1].location == SourceLocation(path: path, line: 7, column: 8))  // tls.key's value
        #expect(issues[0].message.contains(pki + "/no-such.pem") && issues[0].message.contains("does not exist"))
    }

    @Test func goodCredentialsPass() throws {
        let (_, issues) = try validate(eapTLS(cert: "client-rsa.pem", extra: "  client_ca: \(pki)/ca-chain.pem"))
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func expiredCertificateWouldCause854() throws {
        let (path, issues) = try validate(eapTLS(cert: "client-expired.pem"))
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .certificate && issue.severity == .error)
        #expect(issue.message.contains("would cause Windows error 854"))
        #expect(issue.location == SourceLocation(path: path, line: 6, column: 9))
        // A case that expects exactly that refusal is not warned about; another refusal is a warning.
        #expect(try validate(eapTLS(cert: "client-expired.pem", expect: "{reject: 854}")).issues.isEmpty)
        let other = try validate(eapTLS(cert: "client-expired.pem", expect: "reject")).issues
        #expect(other.map(\.severity) == [.warning] && other[0].message.contains("the case expects reject"))
        // At a time when it was valid, it is fine.
        let then = Date(timeIntervalSince1970: 1_590_000_000)  // 2020-05-20
        let past = try validate(eapTLS(cert: "client-expired.pem"), now: then).issues
        #expect(!past.contains { $0.message.contains("854") })
    }

    @Test func noClientAuthEKUWouldCause853() throws {
        let issues = try validate(eapTLS(cert: "client-noeku.pem")).issues
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("853") == true && issues.first?.severity == .error)
    }

    @Test func incompleteChainAgainstClientCA() throws {
        let (path, issues) = try validate(eapTLS(cert: "client-rsa.pem", extra: "  client_ca: \(pki)/root-ca.pem"))
        #expect(issues.count == 1)
        #expect(issues.first?.code == .certificate && issues.first?.message.contains("853") == true)
        #expect(issues.first?.location == SourceLocation(path: path, line: 10, column: 14))  // tls.client_ca
        // Sending the chain fixes it.
        let chained = try validate(eapTLS(cert: "client-chain.pem", key: "client-rsa.key",
                                          extra: "  client_ca: \(pki)/root-ca.pem")).issues
        #expect(chained.isEmpty, "\(chained)")
    }

    @Test func keyPasswords() throws {
        let encrypted = eapTLS(cert: "client-encrypted.pem", extra: "  key_password: {env: KP}")
        // Password not available while validating: a warning, nothing loaded.
        let unknown = try validate(encrypted).issues
        #expect(unknown.map(\.code) == [.unsetSecret, .unreadableCredentials])
        #expect(unknown.allSatisfy { $0.severity == .warning })
        // …an error when about to run.
        let strict = try validate(encrypted, environment: ["S": "x"], mode: .run).issues
        #expect(strict.map(\.severity) == [.error, .warning])
        // Wrong password: the key does not load.
        let wrong = try validate(encrypted, environment: ["S": "x", "KP": "nope"]).issues
        #expect(wrong.map(\.code) == [.unreadableCredentials] && wrong[0].severity == .error)
        #expect(try validate(encrypted, environment: ["S": "x", "KP": "lab-key-pass"]).issues.isEmpty)
        // PKCS#12 the same.
        let p12 = eapTLS(cert: "client-rsa.pem").replacingOccurrences(
            of: "  cert: \(pki)/client-rsa.pem\n  key: \(pki)/client-rsa.key\n",
            with: "  pkcs12: \(pki)/client-rsa.p12\n  key_password: {file: \(pki)/key-password.txt}\n")
        #expect(try validate(p12).issues.isEmpty)
        let p12Wrong = p12.replacingOccurrences(of: "{file: \(pki)/key-password.txt}", with: "{env: KP}")
        let p12Issues = try validate(p12Wrong, environment: ["S": "x", "KP": "bad"]).issues
        #expect(p12Issues.map(\.code) == [.unreadableCredentials])
    }

    @Test func secretsFromEnvironmentAndFiles() throws {
        let unset = try validate(papProfile, environment: ["P": "y"]).issues
        #expect(unset.map(\.code) == [.unsetSecret] && unset[0].severity == .warning)
        #expect(unset[0].location.line == 2)
        let run = try validate(papProfile, environment: ["P": "y"], mode: .run).issues
        #expect(run.map(\.severity) == [.error])
        let missing = try validate(papProfile.replacingOccurrences(of: "{env: S}", with: "{file: /nonexistent/s.txt}"))
        #expect(missing.issues.map(\.code) == [.missingFile])
    }

    @Test func serversAttributesAndNAS() throws {
        let text = papProfile.replacingOccurrences(of: "servers: [127.0.0.1]",
            with: "servers: [ok.example, \"bad host\", \"h:99999\", \"[::1]:1812\"]")
            + "attributes: [NAS-Port-Type=Virtual, NAS-Prot-Type=Virtual, Service-Type=Nonsense]\n"
            + "nas: {ip_address: 10.0.0.300}\n"
        let (path, issues) = try validate(text)
        #expect(issues.map(\.code) == [.badServer, .badServer, .invalidValue, .badAttribute, .badAttribute])
        #expect(issues[0].location == SourceLocation(path: path, line: 1, column: 23))
        #expect(issues[1].message.contains("99999"))
        #expect(issues[3].location == SourceLocation(path: path, line: 6, column: 37))
        #expect(issues[3].hint?.contains("NAS-Port-Type") == true)
    }

    @Test func expectationAgainstTheCatalogues() throws {
        let unknown = try validate(papProfile + "expect: {reject: {error: 99999, reason: 9999}}\n").issues
        #expect(unknown.map(\.code) == [.badExpectation, .badExpectation])
        let reasonAsError = try validate(papProfile + "expect: {reject: 16}\n").issues
        #expect(reasonAsError.first?.hint?.contains("{reject: {reason: 16}}") == true)
        #expect(try validate(papProfile + "expect: {reject: {error: 691, reason: 16}}\n").issues.isEmpty)
    }

    @Test func assertionsAgainstMethodAndDictionary() throws {
        let text = papProfile + "assert: [{attribute: Filter-Idd, present: true}, {mppe_keys: verified}, "
            + "{crypto_binding: verified}]\n"
        let issues = try validate(text).issues
        #expect(issues.map(\.code) == [.badAttribute, .ignoredKey, .ignoredKey])
        #expect(issues[0].hint?.contains("Filter-Id") == true)
        #expect(issues.dropFirst().allSatisfy { $0.severity == .warning })
    }

    @Test func ignoredKeysAreWarnedUnlessInherited() throws {
        let (_, issues) = try validate(papProfile + "tls: {ca: [x.pem]}\nfragment_size: 500\n")
        #expect(issues.map(\.code) == [.ignoredKey, .ignoredKey] && issues.allSatisfy { $0.severity == .warning })
        let suite = "defaults:\n  tls: {ca: [x.pem]}\ncases:\n  - {name: a, " + "servers: [h], secret: {env: S}, "
            + "method: pap, identity: u, password: {env: P}}\n"
        #expect(try validate(suite).issues.isEmpty)
    }

    @Test func tlsSettingsOpenSSLRefuses() throws {
        let issues = try validate(eapTLS(cert: "client-rsa.pem", extra: "  ciphers: NOT-A-CIPHER")).issues
        #expect(issues.map(\.code) == [.tlsConfiguration])
        let versions = try validate(
            eapTLS(cert: "client-rsa.pem", extra: "  min_version: \"1.3\"\n  max_version: \"1.2\""))
        #expect(versions.issues.map(\.code) == [.invalidValue])
        let badCA = try validate(eapTLS(cert: "client-rsa.pem").replacingOccurrences(
            of: "ca: [\(pki)/root-ca.pem]", with: "ca: [\(pki)/key-password.txt]")).issues
        #expect(badCA.map(\.code) == [.tlsConfiguration])
    }

    @Test(arguments: [
        ("nps1.corp.example", true), ("nps1.corp.example:1812", true), ("10.0.0.1", true), ("10.0.0.1:1645", true),
        ("[2001:db8::1]:1812", true), ("2001:db8::1", true), ("[::1]", true), ("", false), ("host:", false),
        ("host:0", false), ("host:65536", false), ("host:abc", false), ("[::1", false), ("[::1]1812", false),
        ("[nothex]:1", false), ("bad host", false), ("-x.example", false), ("a..b", false), (":1812", false),
    ])
    func serverSyntax(_ text: String, _ valid: Bool) {
        #expect((ServerSyntax.problem(text) == nil) == valid, "\(text): \(ServerSyntax.problem(text) ?? "ok")")
    }

    @Test func secretReferenceResolves() throws {
        let folder = temporaryFolder()
        let file = write("from-file\n", to: folder + "/s.txt")
        #expect(try SecretReference.file(file).resolve() == "from-file")
        #expect(try SecretReference.env("X").resolve(environment: ["X": "v"]) == "v")
        #expect(try SecretReference.literal("l").resolve() == "l")
        #expect(throws: ProfileError.self) { try SecretReference.env("X").resolve(environment: [:]) }
        #expect(throws: ProfileError.self) { try SecretReference.file(folder + "/none").resolve() }
        #expect(SecretReference.literal("hunter2").description == "literal")
    }
}
