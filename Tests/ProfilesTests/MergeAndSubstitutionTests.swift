import Foundation
import Testing

@testable import Profiles

@Suite struct MergeTests {
    @Test func authSettingsMergedOverBase() {
        let base = AuthSettings(
            servers: ["a", "b"], secret: .env("S"), timeout: 3, retries: 2,
            nas: .init(ipAddress: "10.0.0.1", identifier: "x"),
            attributes: ["NAS-Port-Type=Virtual", "Service-Type=Framed-User"], method: .peapTLS, identity: "alice",
            tls: .init(certificate: "/c.pem", key: "/c.key", ca: ["/ca1.pem", "/ca2.pem"], serverNames: ["n1"]),
            peap: .init(cryptoBinding: .optional, soh: .nak))
        let top = AuthSettings(
            servers: ["c"], timeout: 5, nas: .init(identifier: "y"), attributes: ["NAS-Port-Type=Ethernet"],
            password: .literal("pw"), tls: .init(ca: ["/ca3.pem"], insecure: false),
            peap: .init(cryptoBinding: .required))
        let merged = top.merged(over: base)
        #expect(merged.servers == ["c"])                                         // lists replace
        #expect(merged.secret == .env("S") && merged.retries == 2)               // unset fields inherit
        #expect(merged.timeout == 5)                                             // self wins
        #expect(merged.nas == .init(ipAddress: "10.0.0.1", identifier: "y"))    // maps merge deeply
        #expect(merged.attributes == ["NAS-Port-Type=Ethernet"])
        #expect(merged.tls == .init(certificate: "/c.pem", key: "/c.key", ca: ["/ca3.pem"], serverNames: ["n1"],
                                    insecure: false))
        #expect(merged.peap == .init(cryptoBinding: .required, soh: .nak))
        #expect(merged.password == .literal("pw") && merged.method == .peapTLS)
        #expect(AuthSettings().merged(over: base) == base)
        #expect(base.merged(over: AuthSettings()) == base)
    }

    /// defaults ← included profile ← the case's keys; paths resolve against the file that wrote them.
    @Test func suiteMergeOrderAndRelativePaths() throws {
        let folder = temporaryFolder()
        let base = write("""
            name: base-profile
            method: eap-tls
            identity: alice
            timeout: 2
            tls: {cert: alice.pem, key: alice.key, ca: [ca-base.pem]}
            expect: {reject: 853}
            assert: [{mppe_keys: absent}]

            """, to: folder + "/sub/base.yaml")
        let suite = write("""
            suite: merged
            defaults:
              servers: [10.0.0.1]
              secret: {file: secret.txt}
              timeout: 5
              retries: 0
              tls: {ca: [ca-defaults.pem], server_names: [a.example], min_version: "1.2"}
              attributes: [NAS-Port-Type=Virtual, Service-Type=Framed-User]
              tags: [default-tag]
            cases:
              - name: c1
                include: sub/base.yaml
                tls: {server_names: [c.example]}
                attributes: [NAS-Port-Type=Ethernet]
                assert: []
              - include: sub/base.yaml
              - name: c3
                method: pap

            """, to: folder + "/suite.yaml")
        let document = try ProfileLoader.load(path: suite, environment: [:])
        #expect(document.kind == .suite && document.name == "merged")
        let c1 = document.cases[0]
        #expect(c1.name == "c1" && c1.suite == "merged")
        let s = c1.settings
        #expect(s.servers == ["10.0.0.1"] && s.retries == 0)                        // from defaults
        #expect(s.timeout == 2)                                                      // included beats defaults
        #expect(s.secret == .file(folder + "/secret.txt"))                           // the suite wrote it
        #expect(s.tls?.certificate == folder + "/sub/alice.pem")                     // base.yaml wrote it
        #expect(s.tls?.ca == [folder + "/sub/ca-base.pem"])                          // lists replace
        #expect(s.tls?.serverNames == ["c.example"] && s.tls?.minVersion == "1.2")   // maps merge
        #expect(s.attributes == ["NAS-Port-Type=Ethernet"])
        #expect(c1.expectation == CaseExpectation(.reject, windowsErrors: [853]))
        #expect(c1.assertions.isEmpty)
        #expect(c1.tags == ["default-tag"])
        #expect(c1.location(of: "tls.cert").path == base)
        #expect(c1.location(of: "tls.server_names").path == suite)
        #expect(c1.location(of: "tls.ca[0]").path == base)
        #expect(c1.locations["attributes[1]"] == nil)                                // replaced list: no stale item
        #expect(c1.location(of: "timeout") == SourceLocation(path: base, line: 4, column: 10))
        #expect(c1.inheritedKeys.contains("servers") && !c1.inheritedKeys.contains("tls"))
        // No name: the included profile's.
        #expect(document.cases[1].name == "base-profile")
        #expect(document.cases[1].assertions == [.mppeKeys("absent")])
        #expect(document.cases[2].settings.method == .pap && document.cases[2].settings.timeout == 5)
        #expect(document.cases[2].expectation == .accept)
    }

    @Test func casesAsAMappingTakeTheirKeyAsName() throws {
        let (_, document, issues) = loadText("""
            cases:
              alpha: {method: pap}
              beta: {method: chap, name: gamma}

            """, name: "named.yaml")
        #expect(issues.isEmpty)
        #expect(document?.cases.map(\.name) == ["alpha", "gamma"])
        #expect(document?.name == "named")
    }

    @Test func profileIncludesAProfile() throws {
        let folder = temporaryFolder()
        write("servers: [10.9.9.9]\nsecret: {env: S}\nnas: {identifier: base}\n", to: folder + "/common/site.yaml")
        let (_, document, issues) = loadText("include: common/site.yaml\nmethod: pap\nnas: {ip_address: 10.0.0.2}\n",
                                             folder: folder)
        #expect(issues.isEmpty)
        let s = try #require(document?.cases.first?.settings)
        #expect(s.servers == ["10.9.9.9"] && s.method == .pap)
        #expect(s.nas == .init(ipAddress: "10.0.0.2", identifier: "base"))
    }

    @Test func suiteProblems() throws {
        let (_, _, noCases) = loadText("suite: empty\ndefaults: {method: pap}\n")
        #expect(noCases.map(\.code) == [.missingKey])
        let (_, _, emptyCases) = loadText("suite: empty\ncases: []\n")
        #expect(emptyCases.map(\.code) == [.missingKey])
        let (path, _, unknown) = loadText("suite: s\nparalel: 3\ncases: [{method: pap}]\n")
        #expect(unknown.first?.hint == "did you mean `parallel`?")
        #expect(unknown.first?.location == SourceLocation(path: path, line: 2, column: 1))
        let (_, _, named) = loadText("suite: s\ndefaults: {name: x}\ncases: [{method: pap}]\n")
        #expect(named.map(\.code) == [.invalidValue])
    }
}

@Suite struct SubstitutionTests {
    func identity(_ yaml: String, _ environment: [String: String]) -> (String?, [ProfileIssue]) {
        let (_, document, issues) = loadText("identity: \(yaml)\n", environment: environment)
        return (document?.cases.first?.settings.identity, issues)
    }

    @Test(arguments: [
        ("${USER_X}", ["USER_X": "alice"], "alice"),
        ("pre-${USER_X}-post", ["USER_X": "alice"], "pre-alice-post"),
        ("${UNSET_X:-fallback}", [:], "fallback"),
        ("${EMPTY_X:-fallback}", ["EMPTY_X": ""], "fallback"),
        ("\"${EMPTY_X}\"", ["EMPTY_X": ""], ""),
        ("${SET_X:-fallback}", ["SET_X": "value"], "value"),
        ("$$HOME", [:], "$HOME"),
        ("a$$${A}", ["A": "b"], "a$b"),
        ("cost$5", [:], "cost$5"),
        ("\"${A}${B}\"", ["A": "x", "B": "y"], "xy"),
        ("${A:-}", [:], ""),
        ("${A:-a:-b}", [:], "a:-b"),
    ] as [(String, [String: String], String)])
    func substitutes(_ yaml: String, _ environment: [String: String], _ expected: String) {
        let (value, issues) = identity(yaml, environment)
        #expect(issues.isEmpty, "\(yaml): \(issues)")
        #expect(value == expected, "\(yaml)")
    }

    @Test(arguments: [
        ("${}", ProfileError.Code.badSubstitution, 11),
        ("x${1A}", .badSubstitution, 12),
        ("abc${OPEN", .badSubstitution, 14),
        ("${NOT_SET_ANYWHERE}", .unsetVariable, 11),
        ("'q${NOT_SET_ANYWHERE}'", .unsetVariable, 13),
    ] as [(String, ProfileError.Code, Int)])
    func reportsBadReferences(_ yaml: String, _ code: ProfileError.Code, _ column: Int) {
        let (_, issues) = identity(yaml, [:])
        #expect(issues.map(\.code) == [code], "\(yaml)")
        #expect(issues.first?.location.line == 1 && issues.first?.location.column == column, "\(yaml)")
    }

    @Test func typesResolveAfterSubstitution() throws {
        let (_, document, issues) = loadText(
            papProfile + "timeout: ${T:-4}\nretries: ${R}\nrequire_message_authenticator: ${M}\n",
            environment: ["R": "1", "M": "false"])
        #expect(issues.isEmpty)
        let s = try #require(document?.cases.first?.settings)
        #expect(s.timeout == 4 && s.retries == 1 && s.requireMessageAuthenticator == false)
    }

    @Test func keysAreNotSubstituted() {
        let (_, _, issues) = loadText(papProfile + "${KEY}: 1\n", environment: ["KEY": "timeout"])
        #expect(issues.map(\.code) == [.unknownKey])
    }

    @Test func paths() throws {
        let folder = temporaryFolder()
        let (_, document, _) = loadText(papProfile + "dictionaries: [/abs/d, rel/d, ../up/d, \"~/home-d\"]\n",
                                        folder: folder)
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        #expect(document?.cases.first?.settings.dictionaries
                    == ["/abs/d", folder + "/rel/d", parent + "/up/d", NSHomeDirectory() + "/home-d"])
    }
}
