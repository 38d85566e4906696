import Evidence
import Foundation
import Jobs
import Probe
import Testing

@testable import Profiles

/// The `accounting:` profile key (bool or mapping), its validation, the `accounting:` assertion and where a
/// prepared case sends its accounting.
@Suite struct AccountingProfileTests {
    @Test func theKeyIsABooleanOrAMapping() throws {
        let forms: [(String, AuthSettings.Accounting)] = [
            ("accounting: true\n", .init(enabled: true)),
            ("accounting: false\n", .init(enabled: false)),
            ("accounting: {interim_update: true}\n", .init(enabled: true, interimUpdate: true)),
            ("accounting: {servers: [\"nps1:1813\", nps2]}\n", .init(enabled: true, servers: ["nps1:1813", "nps2"])),
            ("accounting: {enabled: false, servers: [nps1]}\n", .init(enabled: false, servers: ["nps1"])),
        ]
        for (text, expected) in forms {
            let (_, document, issues) = loadText(papProfile + text)
            #expect(issues.isEmpty, "\(text): \(issues)")
            #expect(document?.cases.first?.settings.accounting == expected, "\(text)")
        }
    }

    @Test func mistakesAreNamedWhereTheyAre() throws {
        let (path, _, issues) = loadText(papProfile + "accounting: {interim: true}\n")
        let unknown = try only(issues, .unknownKey)
        #expect(unknown.location == SourceLocation(path: path, line: 6, column: 14))
        #expect(unknown.hint == "did you mean `interim_update`?")
        #expect(try only(loadText(papProfile + "accounting: sometimes\n").issues, .wrongType).location.line == 6)
        #expect(try only(loadText(papProfile + "accounting: {servers: []}\n").issues, .invalidValue)
            .message.contains("accounting.servers: the list is empty"))
        #expect(try only(loadText(papProfile + "interim_update: true\n").issues, .unknownKey).hint
                == "`interim_update` belongs under `accounting:`")
    }

    @Test func suiteDefaultsAndCasesMergeFieldByField() throws {
        let suite = """
            suite: s
            defaults:
              servers: [127.0.0.1]
              secret: {env: S}
              method: pap
              password: {env: P}
              accounting: {servers: [acct1]}
            cases:
              - {name: a, identity: u, accounting: {interim_update: true}}
              - {name: b, identity: u, accounting: false}

            """
        let (_, document, issues) = loadText(suite)
        #expect(issues.isEmpty, "\(issues)")
        let cases = try #require(document?.cases)
        #expect(cases[0].settings.accounting == .init(enabled: true, servers: ["acct1"], interimUpdate: true))
        #expect(cases[1].settings.accounting == .init(enabled: false, servers: ["acct1"]))
    }

    func validate(_ yaml: String) throws -> [ProfileIssue] {
        let environment = ["S": "x", "P": "y"]
        let (_, document, loadIssues) = loadText(yaml, environment: environment)
        #expect(loadIssues.errors.isEmpty, "\(loadIssues)")
        return ProfileValidator(dictionary: bundledDictionary, environment: environment)
            .validate(try #require(document?.cases))
    }

    @Test func theValidatorChecksServersAssertionsAndExpectations() throws {
        #expect(try validate(papProfile + "accounting: true\nassert: [{accounting: responded}]\n").isEmpty)
        let badServer = try validate(papProfile + "accounting: {servers: [\"acct:99999\"]}\n")
        #expect(badServer.map(\.code) == [.badServer] && badServer[0].message.contains("accounting server"))
        let notSent = try validate(papProfile + "assert: [{accounting: responded}]\n")
        #expect(notSent.map(\.code) == [.badAssertion] && notSent[0].severity == .error)
        let afterReject = try validate(papProfile + "accounting: true\nexpect: reject\n"
                                       + "assert: [{accounting: responded}]\n")
        #expect(afterReject.map(\.code) == [.ignoredKey, .ignoredKey] && afterReject.allSatisfy { $0.severity == .warning })
        #expect(try validate(papProfile + "accounting: true\nexpect: reject\nassert: [{accounting: not_sent}]\n")
            .map(\.code) == [.ignoredKey])
        let (_, _, badState) = loadText(papProfile + "assert: [{accounting: answered}]\n")
        #expect(try only(badState, .badAssertion).message.contains("responded, no_response, not_sent, error"))
    }

    @Test func theAssertionJudgesTheAccountingOutcome() {
        let responded = CaseObservation(outcome: .accept, accounting: "responded")
        let silent = CaseObservation(outcome: .accept, accounting: "no_response",
                                     accountingReason: "no verified Accounting-Response to the Start")
        #expect(Assertion.accounting("responded").evaluate(responded).passed)
        let failed = Assertion.accounting("responded").evaluate(silent)
        #expect(!failed.passed)
        #expect(failed.reason == "accounting is no_response, not responded: no verified Accounting-Response to the Start")
        #expect(Assertion.accounting("no_response").evaluate(silent).passed)
        #expect(Assertion.accounting("responded").evaluate(CaseObservation(outcome: .accept)).reason
                == "accounting is not configured (accounting: true), not responded")
    }

    @Test func accountingServersDefaultToTheAuthenticationServersNextPort() throws {
        func plan(_ servers: [String], accounting: AuthSettings.Accounting?) throws -> AccountingPlan? {
            let settings = CasePreparationTests.pap {
                $0.servers = servers
                $0.accounting = accounting
            }
            return try CasePreparation.prepare(settings, dictionary: CasePreparationTests.dictionary).accounting
        }
        #expect(try plan(["127.0.0.1"], accounting: nil) == nil)
        #expect(try plan(["127.0.0.1"], accounting: .init(enabled: false)) == nil)
        let derived = try #require(try plan(["127.0.0.1", "127.0.0.2:18121", "[::1]:1645"],
                                            accounting: .init(enabled: true)))
        #expect(derived.client.servers.map(\.description) == ["127.0.0.1:1813", "127.0.0.2:18122", "[::1]:1646"])
        #expect(derived.client.servers.map { $0.socketAddress.port } == [1813, 18122, 1646])
        #expect(derived.client.secret == Array("s3cret".utf8) && !derived.interimUpdate)
        let given = try #require(try plan(["127.0.0.1"], accounting: .init(
            enabled: true, servers: ["127.0.0.9", "127.0.0.8:2813"], interimUpdate: true)))
        #expect(given.client.servers.map(\.description) == ["127.0.0.9:1813", "127.0.0.8:2813"] && given.interimUpdate)
        #expect(throws: ProfileError.self) {
            try plan(["127.0.0.1:65535"], accounting: .init(enabled: true))
        }
    }
}
