import Foundation
import Testing

@testable import Profiles

/// Malformed profiles: each problem found, with its code and file:line:column.
@Suite struct LoaderTests {
    @Test func validPAPProfileLoads() throws {
        let (path, document, issues) = loadText(papProfile, name: "pap-alice.yaml")
        #expect(issues.isEmpty)
        let definition = try #require(document?.cases.first)
        #expect(document?.kind == .profile)
        #expect(definition.name == "pap-alice")  // the file name
        #expect(definition.settings.method == .pap && definition.settings.password == .env("P"))
        #expect(definition.expectation == .accept)  // the default
        #expect(definition.source == SourceLocation(path: path, line: 1, column: 1))
        #expect(definition.location(of: "password") == SourceLocation(path: path, line: 5, column: 11))
        #expect(definition.location(of: "servers[0]") == SourceLocation(path: path, line: 1, column: 11))
    }

    @Test func unknownKeySuggestsTheNearest() throws {
        let (path, _, issues) = loadText(papProfile + "sever: 10.0.0.1\ntls: {sevrer_names: [a]}\n")
        let unknown = issues.filter { $0.code == .unknownKey }
        #expect(unknown.count == 2)
        #expect(unknown[0].location == SourceLocation(path: path, line: 6, column: 1))
        #expect(unknown[0].hint == "did you mean `server`?")
        #expect(unknown[1].location == SourceLocation(path: path, line: 7, column: 7))
        #expect(unknown[1].hint == "did you mean `server_names`?")
    }

    @Test func misplacedKeySaysWhereItBelongs() throws {
        let (_, _, issues) = loadText(papProfile + "cert: alice.pem\n")
        let issue = try only(issues, .unknownKey)
        #expect(issue.hint == "`cert` belongs under `tls:`")
    }

    @Test func wrongTypesNameTheExpectedType() throws {
        let text = papProfile + "timeout: [1, 2]\nretries: many\ntls: yes\nnas: {identifier: [a]}\n"
        let (path, document, issues) = loadText(text)
        let wrong = issues.filter { $0.code == .wrongType }
        #expect(wrong.count == 4)
        #expect(wrong.map(\.location.line) == [6, 7, 8, 9])
        #expect(wrong[0].location == SourceLocation(path: path, line: 6, column: 10))
        #expect(wrong[0].message == "timeout: expected a number, got a list")
        #expect(wrong[1].message.contains("expected an integer"))
        #expect(wrong[2].message.contains("expected a mapping"))
        #expect(wrong[3].location == SourceLocation(path: path, line: 9, column: 19))
        // Everything else still loaded.
        #expect(document?.cases.first?.settings.identity == "alice")
        #expect(throws: ProfileError.self) { try ProfileLoader.load(path: path, environment: [:]) }
        do {
            _ = try ProfileLoader.load(path: path, environment: [:])
        } catch {
            #expect(error.code == .wrongType)
            #expect(error.line == 6 && error.column == 10)
            #expect(error.errors.count == 4)
        }
    }

    @Test func outOfRangeAndUnknownWords() throws {
        let text = papProfile
            + "retries: 99\nfragment_size: 10\ntls: {min_version: \"1.4\"}\npeap: {crypto_binding: requird}\n"
        let (_, _, issues) = loadText(text)
        let invalid = issues.filter { $0.code == .invalidValue }
        #expect(invalid.count == 4)
        #expect(invalid[0].message == "retries: 99 is out of range 0…20")
        #expect(invalid[3].hint == "did you mean `required`?")
    }

    @Test func unknownMethodSuggests() throws {
        let (path, _, issues) = loadText(
            papProfile.replacingOccurrences(of: "method: pap", with: "method: peap-mschap"))
        let issue = try only(issues, .unknownMethod)
        #expect(issue.location == SourceLocation(path: path, line: 3, column: 9))
        #expect(issue.hint == "did you mean `peap-mschapv2`?")
    }

    @Test func badExpectations() throws {
        let cases: [(String, ProfileError.Code, Int, String?)] = [
            ("expect: rejected", .badExpectation, 9, "did you mean `reject`?"),
            ("expect: {reject: abc}", .badExpectation, 18, nil),
            ("expect: {accept: 1}", .badExpectation, 10, nil),
            ("expect: {rejet: 853}", .badExpectation, 10, "did you mean `reject`?"),
            ("expect: [accept]", .badExpectation, 9, nil),
            ("expect: {reject: {error: 853, resaon: 16}}", .unknownKey, 31, "did you mean `reason`?"),
        ]
        for (line, code, column, hint) in cases {
            let (path, _, issues) = loadText(papProfile + line + "\n")
            let issue = try #require(issues.first, "\(line)")
            #expect(issues.count == 1, "\(line): \(issues)")
            #expect(issue.code == code, "\(line)")
            #expect(issue.location == SourceLocation(path: path, line: 6, column: column), "\(line)")
            if let hint { #expect(issue.hint == hint, "\(line)") }
        }
    }

    @Test func expectationForms() throws {
        let forms: [(String, CaseExpectation)] = [
            ("accept", .accept), ("reject", .reject), ("timeout", .timeout),
            ("{reject: 853}", CaseExpectation(.reject, windowsErrors: [853])),
            ("{reject: [853, 854]}", CaseExpectation(.reject, windowsErrors: [853, 854])),
            ("{reject: {reason: 16}}", CaseExpectation(.reject, reasons: [16])),
            ("{reject: {inferred_reason: [16, 8]}}", CaseExpectation(.reject, inferredReasons: [16, 8])),
            ("{reject: {error: 691, inferred_reason: 16}}",
             CaseExpectation(.reject, windowsErrors: [691], inferredReasons: [16])),
            ("{reject: {error: 853, reason: [16, 22]}}",
             CaseExpectation(.reject, windowsErrors: [853], reasons: [16, 22])),
            ("{timeout: 809}", CaseExpectation(.timeout, windowsErrors: [809])),
        ]
        for (text, expected) in forms {
            let (_, document, issues) = loadText(papProfile + "expect: \(text)\n")
            #expect(issues.isEmpty, "\(text): \(issues)")
            #expect(document?.cases.first?.expectation == expected, "\(text)")
        }
    }

    @Test func unsetVariableAtItsColumn() throws {
        let text = papProfile.replacingOccurrences(of: "identity: alice", with: "identity: \"x-${NOPE}\"")
            + "description: a${NOPE}b ${ALSO_UNSET}\n"
        let (path, _, issues) = loadText(text)
        #expect(issues.count == 2)
        // identity: "x-${NOPE}" — the value starts at column 11 with the quote; `$` is at 14.
        #expect(issues[0].code == .unsetVariable)
        #expect(issues[0].location == SourceLocation(path: path, line: 4, column: 14))
        #expect(issues[0].message.contains("NOPE") && issues[0].message.contains("used 2 times"))
        #expect(issues[1].location == SourceLocation(path: path, line: 6, column: 24))
        #expect(issues[1].message == "environment variable ALSO_UNSET is not set")
    }

    @Test func badIncludeAndIncludeLoop() throws {
        let folder = temporaryFolder()
        let (path, _, issues) = loadText(papProfile + "include: missing.yaml\n", folder: folder)
        let bad = try only(issues, .badInclude)
        #expect(bad.location == SourceLocation(path: path, line: 6, column: 10))
        #expect(bad.message.contains(folder + "/missing.yaml"))

        write("include: b.yaml\n" + papProfile, to: folder + "/a.yaml")
        let b = write("method: chap\ninclude: a.yaml\n", to: folder + "/b.yaml")
        let (_, loopIssues) = ProfileLoader(environment: [:]).loadCollectingIssues(path: folder + "/a.yaml")
        let loop = try only(loopIssues, .includeLoop)
        #expect(loop.location == SourceLocation(path: b, line: 2, column: 10))
        #expect(loop.message == "include loop: a.yaml → b.yaml → a.yaml")

        let selfInclude = write("include: self.yaml\n", to: folder + "/self.yaml")
        let (_, selfIssues) = ProfileLoader(environment: [:]).loadCollectingIssues(path: selfInclude)
        #expect(try only(selfIssues, .includeLoop).location == SourceLocation(path: selfInclude, line: 1, column: 10))

        write("suite: inner\ncases: [{name: x, method: pap}]\n", to: folder + "/inner-suite.yaml")
        let (suitePath, _, suiteIssues) = loadText("cases:\n  - name: c\n    include: inner-suite.yaml\n",
                                                   name: "outer.yaml", folder: folder)
        let notProfile = try only(suiteIssues, .badInclude)
        #expect(notProfile.location == SourceLocation(path: suitePath, line: 3, column: 14))
        #expect(notProfile.message.contains("is a suite"))
    }

    @Test func badRegexAtItsValue() throws {
        let (path, _, issues) = loadText(papProfile + "assert:\n  - {attribute: Filter-Id, matches: \"([\"}\n")
        let issue = try only(issues, .badRegex)
        #expect(issue.location == SourceLocation(path: path, line: 7, column: 37))
    }

    @Test func assertionForms() throws {
        let text = papProfile + """
            assert:
              - {attribute: Class, present: true}
              - {attribute: Reply-Message, absent: true}
              - {attribute: "Tunnel-Type:1", equals: VLAN}
              - {attribute: Session-Timeout, at_least: 60, at_most: 3600}
              - {mppe_keys: verified}
              - {crypto_binding: absent}
              - {latency_ms: {under: 250}}

            """
        let (_, document, issues) = loadText(text)
        #expect(issues.isEmpty, "\(issues)")
        #expect(document?.cases.first?.assertions == [
            .attribute(AttributeAssertion(name: "Class", present: true)),
            .attribute(AttributeAssertion(name: "Reply-Message", present: false)),
            .attribute(AttributeAssertion(name: "Tunnel-Type", tag: 1, equals: "VLAN")),
            .attribute(AttributeAssertion(name: "Session-Timeout", atMost: 3600, atLeast: 60)),
            .mppeKeys("verified"), .cryptoBinding("absent"), .latencyUnder(milliseconds: 250),
        ])
        let bad = papProfile + """
            assert:
              - {attribute: Class}
              - {attribute: Class, present: true, absent: true}
              - {mppe_keys: verfied}
              - {latency: 5}
              - Class
              - {mppe_keys: verified, crypto_binding: verified}

            """
        let (_, _, badIssues) = loadText(bad)
        #expect(badIssues.map(\.location.line) == [7, 8, 9, 10, 11, 12])
        #expect(badIssues.allSatisfy { $0.code == .badAssertion })
        #expect(badIssues[2].hint == "did you mean `verified`?")
        #expect(badIssues[3].hint == "did you mean `latency_ms`?")
    }

    @Test func duplicateKeysAndCases() throws {
        let (path, _, issues) = loadText(papProfile + "identity: bob\n")
        let duplicate = try only(issues, .duplicateKey)
        #expect(duplicate.location == SourceLocation(path: path, line: 6, column: 1))
        #expect(duplicate.hint == "the first one is at line 4")

        let suite = "suite: s\ndefaults: {method: pap}\ncases:\n"
            + "  - {name: a, identity: x}\n  - {name: a, identity: y}\n"
        let (suitePath, document, suiteIssues) = loadText(suite)
        let duplicateCase = try only(suiteIssues, .duplicateCase)
        #expect(duplicateCase.location == SourceLocation(path: suitePath, line: 5, column: 5))
        #expect(document?.cases.count == 1)
    }

    @Test func secretForms() throws {
        let folder = temporaryFolder()
        let text = papProfile.replacingOccurrences(of: "secret: {env: S}", with: "secret: {file: ../s.txt}")
            .replacingOccurrences(of: "password: {env: P}", with: "password: hunter2")
        let (path, document, issues) = loadText(text, folder: folder)
        let settings = try #require(document?.cases.first?.settings)
        #expect(settings.secret == .file(URL(fileURLWithPath: folder).deletingLastPathComponent().path + "/s.txt"))
        #expect(settings.password == .literal("hunter2"))
        let warning = try only(issues, .literalSecret)
        #expect(warning.severity == .warning && warning.location == SourceLocation(path: path, line: 5, column: 11))
        let both = papProfile.replacingOccurrences(of: "secret: {env: S}", with: "secret: {env: S, file: s.txt}")
        #expect(try only(loadText(both).issues, .conflictingKeys).location.line == 2)
        let badName = papProfile.replacingOccurrences(of: "secret: {env: S}", with: "secret: {env: 1X}")
        #expect(try only(loadText(badName).issues, .invalidValue).location.column == 15)
    }

    @Test func insecureIsWarned() throws {
        let (_, _, issues) = loadText(papProfile + "tls: {insecure: true}\n")
        #expect(try only(issues, .insecure).severity == .warning)
    }

    @Test func yamlSyntaxErrorHasAPlace() throws {
        let (path, document, issues) = loadText("servers: [a, b\nmethod: pap\n")
        #expect(document == nil)
        let issue = try only(issues, .yamlSyntax)
        #expect(issue.location.path == path && issue.location.line == 2)
        let (_, _, empty) = loadText("")
        #expect(try only(empty, .yamlSyntax).message == "the file is empty")
        let (_, _, list) = loadText("- a\n- b\n")
        #expect(try only(list, .wrongType).location.line == 1)
    }

    @Test func missingFileIsUnreadable() throws {
        let path = temporaryFolder() + "/nope.yaml"
        do {
            _ = try ProfileLoader.load(path: path, environment: [:])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.code == .unreadableFile && error.path == path)
        }
    }

    @Test func collectsEveryProblemInFileOrder() throws {
        let text = """
            servers: 10.0.0.1
            secret: {env: S}
            methd: pap
            timeout: soon
            identity: ${UNSET_FOR_TEST}
            expect: {reject: x}

            """
        let (_, _, issues) = loadText(text)
        #expect(issues.map(\.code) == [.unknownKey, .wrongType, .unsetVariable, .badExpectation])
        #expect(issues.map(\.location.line) == [3, 4, 5, 6])
    }

    @Test func serverAndServersExcludeEachOther() throws {
        let (_, document, issues) = loadText(papProfile.replacingOccurrences(of: "servers: [127.0.0.1]",
                                                                              with: "server: 10.1.1.1"))
        #expect(issues.isEmpty && document?.cases.first?.settings.servers == ["10.1.1.1"])
        let (_, _, both) = loadText(papProfile + "server: 10.1.1.1\n")
        #expect(try only(both, .conflictingKeys).location.line == 6)
    }
}
