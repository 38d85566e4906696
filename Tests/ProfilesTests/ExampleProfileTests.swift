import Foundation
import Testing

@testable import Profiles

/// Every example in Profiles/ loads and validates for real (files and variables provided).
@Suite struct ExampleProfileTests {
    func loadAndValidate(_ relative: String, environment: [String: String])
        -> (document: LoadedDocument?, issues: [ProfileIssue])
    {
        let loader = ProfileLoader(environment: environment)
        let (document, loadIssues) = loader.loadCollectingIssues(path: profilesFolder + "/" + relative)
        guard let document, loadIssues.errors.isEmpty else { return (document, loadIssues) }
        let validator = ProfileValidator(dictionary: bundledDictionary, environment: environment, mode: .run)
        return (document, loadIssues + validator.validate(document.cases))
    }

    @Test(arguments: ["reference.yaml", "aovpn-user-tunnel.yaml", "wifi-device-eap-tls.yaml", "peap-mschapv2.yaml",
                      "post-change-suite.yaml"])
    func npsExampleValidates(_ file: String) throws {
        let (document, issues) = loadAndValidate(file, environment: exampleEnvironment)
        #expect(issues.errors.isEmpty, "\(issues.errors.map(\.description).joined(separator: "\n"))")
        #expect(document?.cases.isEmpty == false)
    }

    @Test(arguments: ["lab/lab-suite.yaml", "lab/lab-suite-wrong.yaml"])
    func labSuiteValidates(_ file: String) throws {
        let (document, issues) = loadAndValidate(file, environment: labEnvironment)
        #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
        #expect(document?.kind == .suite)
    }

    @Test func referenceDocumentsEveryKey() throws {
        let text = try String(contentsOfFile: profilesFolder + "/reference.yaml", encoding: .utf8)
        let written = Set(text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " || $0 == "#" || $0 == "-" }
            guard let colon = trimmed.firstIndex(of: ":") else { return nil }
            return String(trimmed[..<colon])
        })
        let nested = text.components(separatedBy: CharacterSet(charactersIn: "{},[] \n")).map {
            $0.hasSuffix(":") ? String($0.dropLast()) : $0
        }
        let all = ProfileSchema.profileKeys + ProfileSchema.tlsKeys + ProfileSchema.nasKeys + ProfileSchema.peapKeys
            + ProfileSchema.attributeAssertionKeys + ProfileSchema.assertionKinds + ProfileSchema.accountingKeys
        for key in all {
            #expect(written.contains(key) || nested.contains(key), "reference.yaml does not document `\(key)`")
        }
    }

    @Test func referenceLoadsEveryKeyTyped() throws {
        let document = try ProfileLoader.load(path: profilesFolder + "/reference.yaml", environment: exampleEnvironment)
        let definition = try #require(document.cases.first)
        let s = definition.settings
        #expect(definition.name == "reference-example")
        #expect(s.servers == ["nps1.corp.example", "nps2.corp.example:1812"])
        #expect(s.secret == .env("NPS_SECRET"))
        #expect(s.timeout == 3 && s.retries == 2 && s.requireMessageAuthenticator == true)
        #expect(s.dictionaryDirectory == repositoryRoot + "/Dictionaries")
        #expect(s.dictionaries == [profilesFolder + "/dictionary.example"])
        #expect(s.nas == AuthSettings.NAS(ipAddress: "10.0.0.5", identifier: "vpn01", callingStationId: "198.51.100.7",
                                          calledStationId: "203.0.113.10", kind: .vpn))
        #expect(s.method == .peapTLS && s.identity == "alice@corp.example")
        #expect(s.tls?.certificate == examplePKI + "/alice.pem")
        #expect(s.tls?.ca == [examplePKI + "/root-ca.pem"])
        #expect(s.tls?.minVersion == "1.2" && s.tls?.insecure == false && s.tls?.resume == false)
        #expect(s.fragmentSize == 1398 && s.framedMTU == 1400)
        #expect(s.peap == AuthSettings.PEAP(cryptoBinding: .optional, soh: .nak))
        #expect(definition.expectation == .accept)
        #expect(s.accounting == AuthSettings.Accounting(
            enabled: true, servers: ["nps1.corp.example:1813"], interimUpdate: false))
        #expect(definition.assertions.count == 10)
        #expect(definition.assertions.last == .accounting("responded"))
        #expect(definition.assertions[3]
                    == .attribute(AttributeAssertion(name: "Framed-MTU", atMost: 1500, atLeast: 1200)))
        #expect(definition.assertions[4] == .attribute(AttributeAssertion(name: "Tunnel-Private-Group-Id", tag: 1,
                                                                          matches: "^4[0-9]$")))
    }

    @Test func postChangeSuiteMergesIncludes() throws {
        let document = try ProfileLoader.load(path: profilesFolder + "/post-change-suite.yaml",
                                              environment: exampleEnvironment)
        #expect(document.name == "post-change" && document.parallel == 4)
        let byName = Dictionary(uniqueKeysWithValues: document.cases.map { ($0.name, $0) })
        let retired = try #require(byName["retired-ca-certificate-refused"])
        // defaults ← aovpn-user-tunnel.yaml ← the case: the profile's retries beat the defaults', the
        // defaults' tags stay where the profile has none… tls merged key by key, assert replaced by [].
        #expect(retired.settings.servers == ["nps1.corp.example", "nps2.corp.example"])
        #expect(retired.settings.retries == 2 && retired.settings.timeout == 3)
        #expect(retired.settings.tls?.certificate == examplePKI + "/retired-user.pem")
        #expect(retired.settings.tls?.ca == [examplePKI + "/root-ca.pem"])
        #expect(retired.settings.identity == "olduser@corp.example")
        #expect(retired.expectation == CaseExpectation(.reject, windowsErrors: [853]))
        #expect(retired.assertions.isEmpty)
        let wrong = try #require(byName["wrong-password-refused"])
        #expect(wrong.settings.password == .file(profilesFolder + "/wrong-password.txt"))
        #expect(wrong.expectation == CaseExpectation(.reject, windowsErrors: [691], inferredReasons: [16]))
        #expect(byName["wifi-device-accepted"]?.tags == ["wifi", "eap-tls", "device"])
        // The included profile's tags beat the defaults' (lists replace).
        #expect(byName["password-user-accepted"]?.tags == ["vpn", "wifi", "peap", "password"])
    }

    /// The lab suite says what cases.tsv says: same outcome, and the Windows error of its windows_error
    /// column when the case names one.
    @Test func labSuiteAgreesWithCasesTSV() throws {
        let document = try ProfileLoader.load(path: profilesFolder + "/lab/lab-suite.yaml", environment: labEnvironment)
        let table = try String(contentsOfFile: repositoryRoot + "/Tests/Lab/cases.tsv", encoding: .utf8)
        var rows: [String: (expected: String, windowsError: String)] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            rows[columns[0]] = (columns[10], columns[13])
        }
        var matched = 0
        for definition in document.cases {
            let key = definition.name.replacingOccurrences(of: "-hostapd", with: "@hostapd")
            guard let row = rows[key] else { continue }
            matched += 1
            #expect(definition.expectation.outcome.rawValue == row.expected, "\(definition.name)")
            if let error = Int(row.windowsError), !definition.expectation.windowsErrors.isEmpty {
                #expect(definition.expectation.windowsErrors == [error], "\(definition.name)")
            }
        }
        #expect(matched >= 20)
        let refusals = document.cases.filter { !$0.expectation.windowsErrors.isEmpty }
        #expect(Set(refusals.flatMap(\.expectation.windowsErrors))
            == [647, 648, 691, 809, 812, 853, 854, 855, 857, 858, 864])
    }

    @Test func labSuiteWithoutLabDirectoryNamesTheVariable() throws {
        var environment = labEnvironment
        environment["NPSPROBE_LAB_DIR"] = nil
        let path = profilesFolder + "/lab/lab-suite.yaml"
        #expect(throws: ProfileError.self) { try ProfileLoader.load(path: path, environment: environment) }
        let (_, issues) = ProfileLoader(environment: environment).loadCollectingIssues(path: path)
        let first = try #require(issues.errors.first)
        #expect(first.code == .unsetVariable)
        #expect(first.location.path == path)
        // `  secret: {file: "${NPSPROBE_LAB_DIR}/secret.txt"}`: the `$` is right after the quote.
        let lines = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines[first.location.line - 1]
        let dollar = try #require(line.firstIndex(of: "$"))
        #expect(line.distance(from: line.startIndex, to: dollar) + 1 == first.location.column)
        #expect(first.message.contains("NPSPROBE_LAB_DIR"))
    }
}
