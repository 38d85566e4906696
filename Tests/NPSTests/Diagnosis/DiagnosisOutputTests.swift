import Foundation
@testable import NPS
import TLS
import Testing

/// `--json` and the human rendering.
@Suite struct DiagnosisOutputTests {
    private func diagnosis(_ name: String) throws -> Diagnosis {
        Diagnoser.diagnose(try #require(Scenario.all.first { $0.name == name }).build())
    }

    private func snakeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    @Test func jsonKeysAsTheCLIWritesThem() throws {
        let seed = try diagnosis("tls-retired (the seed's NTAuth case)")
        let data = try snakeEncoder().encode(seed)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["title", "windows_error", "nps_reasons", "cause", "fix", "confidence",
                                     "evidence", "rule", "alternatives", "related"])
        #expect(object["windows_error"] as? Int == 853)
        #expect(object["nps_reasons"] as? [Int] == [16, 265])
        #expect(object["confidence"] as? String == "likely")
        #expect(object["rule"] as? String == "client-cert-not-mapped")
        #expect((object["evidence"] as? [String])?.contains("no TLS alert received") == true)
        let alternatives = try #require(object["alternatives"] as? [[String: Any]])
        #expect(alternatives.first?["windows_error"] as? Int == 853)
        #expect(alternatives.first?["nps_reasons"] as? [Int] == [272, 292, 297, 298])
    }

    @Test func noWindowsErrorIsNull() throws {
        let forgetful = try diagnosis("tls-forgetful (follow-ups reach another backend)")
        #expect(forgetful.windowsError == nil)
        let text = String(decoding: try snakeEncoder().encode(forgetful), as: UTF8.self)
        #expect(text.contains("\"windows_error\":null"))
        let alternative = try #require(forgetful.alternatives.first)
        #expect(alternative.windowsError == nil)
        #expect(String(decoding: try snakeEncoder().encode(alternative), as: UTF8.self)
            .contains("\"windows_error\":null"))
    }

    @Test(arguments: ["tls-retired (the seed's NTAuth case)", "tls-forgetful (follow-ups reach another backend)",
                      "peap-mschapv2-wrong", "tls-rsa", "tls-small-path (datagrams > 1000 bytes dropped)"])
    func codableRoundTrip(name: String) throws {
        let original = try diagnosis(name)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(Diagnosis.self, from: try snakeEncoder().encode(original)) == original)
        #expect(try JSONDecoder().decode(Diagnosis.self, from: try JSONEncoder().encode(original)) == original)
    }

    @Test func decodesAMinimalRecord() throws {
        let json = #"{"title":"t","cause":"c","fix":"f","confidence":"possible","rule":"r"}"#
        let decoded = try JSONDecoder().decode(Diagnosis.self, from: Data(json.utf8))
        #expect(decoded.windowsError == nil && decoded.npsReasons.isEmpty && decoded.alternatives.isEmpty)
        let bad = #"{"title":"t","cause":"c","fix":"f","confidence":"sure","rule":"r"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Diagnosis.self, from: Data(bad.utf8)) }
    }

    @Test func renderingLeadsWithTheVerdict() throws {
        let seed = try diagnosis("tls-retired (the seed's NTAuth case)")
        let lines = Diagnoser.render(seed).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("Windows error 853 (ERROR_EAP_USER_CERT_INVALID): "))
        let cause = try #require(lines.firstIndex { $0.hasPrefix("Cause: ") })
        let fix = try #require(lines.firstIndex { $0.hasPrefix("Fix:   ") })
        let evidence = try #require(lines.firstIndex(of: "Evidence:"))
        #expect(cause < fix && fix < evidence)
        #expect(lines.contains("  - no TLS alert received"))
        #expect(lines.contains { $0.hasPrefix("Other readings:") })
        #expect(!lines.contains { $0.hasPrefix("Related:") }, "no IKE error for an EAP refusal")
        for line in lines { #expect(line.count <= 100, "\(line.count): \(line)") }
    }

    @Test(arguments: [40, 60, 100])
    func everyScenarioFitsTheWidth(width: Int) throws {
        for scenario in Scenario.all.prefix(12) {
            let text = Diagnoser.render(Diagnoser.diagnose(try scenario.build()), width: width)
            for line in text.split(separator: "\n") where line.count > width {
                // Only a prefix and one word too long for the width may overflow.
                #expect(line.split(separator: " ").count <= 2, "\(scenario.name) at \(width): \(line)")
            }
        }
    }

    @Test func wrapKeepsLongWordsWhole() {
        #expect(Diagnoser.wrap("a bb ccc", width: 5, first: "", rest: "  ") == ["a bb", "  ccc"])
        #expect(Diagnoser.wrap("x /a/very/long/path/that/cannot/break y", width: 10, first: "- ", rest: "  ")
                    == ["- x", "  /a/very/long/path/that/cannot/break", "  y"])
        #expect(Diagnoser.wrap("", width: 10, first: "Cause: ", rest: "") == ["Cause: "])
    }

    @Test func summaryLine() throws {
        let wrong = try diagnosis("peap-mschapv2-wrong")
        #expect(Diagnoser.summary(wrong)
                    == "Windows error 691 (certain; NPS reason 16, 8): the user name or password was refused")
        let forgetful = try diagnosis("tls-forgetful (follow-ups reach another backend)")
        #expect(Diagnoser.summary(forgetful) == "The server lost the conversation")
    }

    /// `auth`'s default: the verdict, cause, fix, the deciding facts and how sure (issue 12: 20-30 lines before).
    @Test(arguments: ["tls-retired (the seed's NTAuth case)", "tls-small-path (datagrams > 1000 bytes dropped)",
                      "peap-mschapv2-locked (E=647 M=Account locked out, as FreeRADIUS)"])
    func shortFormIsAboutFiveLines(name: String) throws {
        let diagnosis = try diagnosis(name)
        let short = Diagnoser.renderShort(diagnosis)
        let lines = short.split(separator: "\n").map(String.init)
        #expect(lines[0] == diagnosis.title || diagnosis.title.hasPrefix(lines[0]))
        let starts = lines.filter { !$0.hasPrefix(" ") }.map { $0.prefix(while: { $0 != ":" }) }
        #expect(starts.dropFirst() == ["Cause", "Fix", "Seen", "Confidence"], "\(short)")
        #expect(lines.count <= 14, "\(lines.count) lines:\n\(short)")
        for fact in diagnosis.evidence.prefix(Diagnoser.decidingFacts) {
            #expect(short.replacingOccurrences(of: "\n       ", with: " ").contains(fact), "\(fact)")
        }
        #expect(!short.contains("Other readings") && !short.contains("Evidence:"))
    }
}
