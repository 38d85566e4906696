import Foundation
import Jobs
import RADIUS
import Testing
@testable import Profiles

/// The rules of `--attr` / `attributes:` and the settings every source shares (issue 12, 13): one place, for
/// profiles and the command line alike.
@Suite struct RequestAttributeRuleTests {
    static let dictionary = CasePreparationTests.dictionary
    static let profile = Profiles.SourceLocation(path: "/suite.yaml", line: 3, column: 5)

    func prepare(_ change: (inout AuthSettings) -> Void, location: Profiles.SourceLocation = profile) throws(ProfileError)
        -> [RADIUSAttribute]
    {
        try CasePreparation.prepare(CasePreparationTests.pap(change), dictionary: Self.dictionary, environment: [:],
                                    location: location).request.attributes
    }

    func refusal(_ change: (inout AuthSettings) -> Void, location: Profiles.SourceLocation = profile) -> ProfileError? {
        do throws(ProfileError) {
            _ = try prepare(change, location: location)
            return nil
        } catch {
            return error
        }
    }

    @Test func anExtraNASAddressReplacesTheDefaultOne() throws {
        let attributes = try prepare { $0.attributes = ["NAS-IP-Address=10.9.9.9"] }
        #expect(attributes.filter { $0.type == 4 }.map(\.value) == [[10, 9, 9, 9]])
    }

    @Test func anExtraReplacesThePresetAttribute() throws {
        let attributes = try prepare {
            $0.nas = .init(kind: .wifi)
            $0.attributes = ["NAS-Port-Type=Virtual"]
        }
        #expect(attributes.filter { $0.type == 61 }.map(\.value) == [[0, 0, 0, 5]])
        #expect(attributes.contains { $0.type == 12 }, "the rest of the preset stays")
    }

    @Test(arguments: ["User-Name=bob", "User-Password=x", "CHAP-Challenge=0x0102", "State=0x01", "EAP-Message=0x01",
                      "Message-Authenticator=0x00000000000000000000000000000000"])
    func attributesNpsprobeBuildsAreRefused(_ text: String) {
        let error = refusal { $0.attributes = [text] }
        #expect(error?.code == .badAttribute, "\(text)")
        #expect(error?.message.contains("cannot be added") == true, "\(error?.message ?? "accepted")")
    }

    @Test func secondCopiesAreRefusedAndTaggedOnesAreNot() throws {
        #expect(refusal { $0.attributes = ["Calling-Station-Id=a", "Calling-Station-Id=b"] }?.message
            .contains("is given twice") == true)
        #expect(refusal {
            $0.nas = .init(identifier: "vpn1")
            $0.attributes = ["NAS-Identifier=vpn2"]
        }?.message.contains("already set by --nas-identifier (nas: identifier:)") == true)
        #expect(refusal {
            $0.framedMTU = 1400
            $0.attributes = ["Framed-MTU=1300"]
        } != nil)
        // Tunnel attributes repeat with different tags (RFC 2868 §3); Proxy-State and VSAs may repeat.
        let attributes = try prepare {
            $0.attributes = ["Tunnel-Type:1=VLAN", "Tunnel-Type:2=L2TP", "Proxy-State=0x01", "Proxy-State=0x02"]
        }
        #expect(attributes.filter { $0.type == 64 }.count == 2)
        #expect(attributes.filter { $0.type == 33 }.count == 2)
        #expect(refusal { $0.attributes = ["Tunnel-Type:1=VLAN", "Tunnel-Type:1=L2TP"] } != nil)
    }

    @Test func aRawVendorSpecificMustBeOne() throws {
        #expect(refusal { $0.attributes = ["Vendor-Specific=abc"] }?.message.contains("Vendor-Id needs 4") == true)
        #expect(refusal { $0.attributes = ["Vendor-Specific=0x00000137"] } != nil, "a Vendor-Id and nothing else")
        // Microsoft (311), MS-CHAP-Domain (10) "C": a whole, well-formed Vendor-Specific.
        let attributes = try prepare { $0.attributes = ["Vendor-Specific=0x000001370a0343"] }
        #expect(attributes.contains { $0.type == 26 })
    }

    /// `UInt32(mtu)` trapped on -1 and 2³² when the settings did not come through the YAML schema.
    @Test(arguments: [-1, 0, 63, 65536, 4_294_967_296])
    func framedMTUOutOfRangeIsAnErrorNotATrap(_ mtu: Int) {
        #expect(refusal { $0.framedMTU = mtu }?.code == .invalidValue)
    }

    @Test func emptyNamesAreNamedTheWayTheyWereWritten() {
        #expect(refusal { $0.identity = "" }?.message == "identity is empty")
        #expect(refusal({ $0.identity = "" }, location: .file("<command line>"))?.message == "--identity is empty")
        #expect(refusal { $0.tls = .init(serverNames: ["nps", " "], insecure: true) }?.message
            == "tls.server_names[1] is empty")
    }

    /// `validate` says it too, at the key.
    @Test func validateNamesEmptyIdentities() throws {
        let (_, document, _) = loadText(papProfile.replacingOccurrences(of: "identity: alice", with: "identity: \"\""))
        let issues = ProfileValidator.validate(try #require(document).cases, dictionary: Self.dictionary)
        let issue = try #require(issues.first { $0.message == "identity is empty" }, "\(issues)")
        #expect(issue.severity == .error && issue.location.line == 4)
    }

    @Test func anEmptyPasswordFileOrVariableIsRefused() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data("\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(refusal { $0.password = .file(empty) }?.message == "the password (file:\(empty)) is empty")
        do throws(ProfileError) {
            _ = try CasePreparation.prepare(CasePreparationTests.pap { $0.password = .env("EMPTY") },
                                            dictionary: Self.dictionary, environment: ["EMPTY": ""])
            Issue.record("an empty variable was taken as the password")
        } catch {
            #expect(error.message == "the password (env:EMPTY) is empty")
        }
    }

    /// One range per setting: the schema reads it from `SettingLimits`, and so does the CLI.
    @Test func theSchemaUsesTheSharedRanges() throws {
        for (key, limit) in [("fragment_size", SettingLimits.fragmentSize), ("framed_mtu", SettingLimits.framedMTU),
                             ("retries", SettingLimits.retries)] {
            let (_, _, issues) = loadText(
                papProfile + "\(key): \(limit.range.upperBound + 1)\n")
            let issue = try #require(issues.first { $0.code == .invalidValue }, "\(key)")
            #expect(issue.message == "\(key): \(limit.range.upperBound + 1) is out of range \(limit.rangeText)")
            #expect(limit.optionProblem(limit.range.upperBound + 1)
                == "\(limit.option) \(limit.range.upperBound + 1) is out of range \(limit.rangeText) (\(limit.unit))")
        }
    }
}

/// The YAML reader's bound on alias expansion (issue 13: a ten-line "billion laughs" ran for minutes).
@Suite struct YAMLBombTests {
    @Test func expansionIsCapped() throws {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = "abcdefghij".map(String.init)
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ")
                         + "]")
        }
        let (_, _, issues) = loadText(lines.joined(separator: "\n") + "\n")
        #expect(issues.contains { $0.message.contains("expands to more than \(100_000) values") })
    }

    @Test func aliasesWithinTheLimitLoad() throws {
        let (_, _, issues) = loadText(papProfile + "tags: &t [vpn, wifi]\n"
            + "description: *t\n")
        #expect(!issues.contains { $0.message.contains("expands to more than") || $0.message.contains("alias") })
    }
}
