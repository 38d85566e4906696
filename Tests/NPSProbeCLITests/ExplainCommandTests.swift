import Foundation
import NPS
import LabSupport
import Testing

@testable import NPSProbeCLI

@Suite("npsprobe explain")
struct ExplainCommandTests {
    /// Every line of a human report fits 100 columns (the catalogue has no word long enough to overflow).
    private func expectWrapped(_ output: NPSProbeBinary.Output, sourceLocation: SourceLocation = #_sourceLocation) {
        let long = output.lines.filter { $0.count > 100 }
        #expect(long.isEmpty, "lines over 100 columns: \(long)", sourceLocation: sourceLocation)
    }

    @Test("every Windows error in the catalogue is explained", arguments: WindowsError.catalogue.map(\.code))
    func everyWindowsError(code: Int) throws {
        let row = try #require(NPSKnowledge.windowsError(code))
        let output = try NPSProbeBinary.run(["explain", String(row.code)])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.lines.first == "Windows error \(row.code) (\(row.symbol))")
        #expect(output.stdout.contains("Likely causes:") && output.stdout.contains("What to check and fix:"))
        #expect(output.stderr.isEmpty)
        expectWrapped(output)
    }

    @Test("every NPS reason code is explained with `reason N`", arguments: NPSReasonCode.catalogue.map(\.code))
    func everyReasonCode(code: Int) throws {
        let row = try #require(NPSKnowledge.reasonCode(code))
        let output = try NPSProbeBinary.run(["explain", "reason", String(row.code)])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.lines.first == "NPS reason code \(row.code)" + (row.symbol.map { " (\($0))" } ?? ""))
        #expect(output.stdout.contains("Category: \(row.category)."))
        expectWrapped(output)
    }

    @Test("every MS-CHAP error is explained with `mschap N`", arguments: MSCHAPError.catalogue.map(\.code))
    func everyMSCHAPError(code: Int) throws {
        let row = try #require(NPSKnowledge.msChapError(code))
        let output = try NPSProbeBinary.run(["explain", "mschap", String(row.code)])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.lines.first == "MS-CHAP error E=\(row.code) (\(row.symbol))")
        expectWrapped(output)
    }

    @Test("853: the issuing CA missing from NTAuth, and the certutil command that adds it")
    func error853() throws {
        let output = try NPSProbeBinary.run(["explain", "853"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("NTAuth"))
        // The command may be wrapped across lines: compare with runs of spaces and line breaks collapsed.
        let flat = output.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(flat.contains("certutil -enterprise -addstore NTAuth"))
        #expect(flat.contains("certutil -enterprise -viewstore NTAuth"))
    }

    @Test("809: a time-out, blocked ports and dropped fragments")
    func error809() throws {
        let output = try NPSProbeBinary.run(["explain", "809"])
        #expect(output.status == 0)
        #expect(output.lines.first == "Windows error 809 (ERROR_VPN_TIMEOUT)")
        let text = output.stdout.lowercased()
        #expect(text.contains("fragment"))
        #expect(text.contains("udp 500") && text.contains("4500") && text.contains("tcp 443"))
    }

    @Test("a bare number that is both a Windows and an MS-CHAP error gives both, Windows first")
    func bothMeanings() throws {
        let output = try NPSProbeBinary.run(["explain", "691"])
        #expect(output.status == 0)
        let titles = output.lines.filter { $0.hasPrefix("Windows error") || $0.hasPrefix("MS-CHAP error") }
        #expect(titles == [
            "Windows error 691 (ERROR_AUTHENTICATION_FAILURE)", "MS-CHAP error E=691 (ERROR_AUTHENTICATION_FAILURE)",
        ])
    }

    @Test("an E=691 failure text: parsed fields shown, then the MS-CHAP explanation with the R=1 note")
    func failureText() throws {
        let text = "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Access denied"
        let output = try NPSProbeBinary.run(["explain", text])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(Array(output.lines.prefix(6)) == [
            "MS-CHAP failure \(text)",
            "  error code: 691 (ERROR_AUTHENTICATION_FAILURE)",
            "  retry allowed: yes (R=1): the peer may try again with the new challenge",
            "  new challenge: present, 16 octets",
            "  password-change version: 3",
            "  message: Access denied",
        ])
        #expect(output.lines.contains("MS-CHAP error E=691 (ERROR_AUTHENTICATION_FAILURE)"))
        #expect(output.stdout.contains("R=1: the server allows another attempt"))
        #expect(!output.lines.contains { $0.hasPrefix("Windows error 691") }, "the E= text explains the MS-CHAP code")
        expectWrapped(output)
    }

    @Test("an unquoted failure text is one query; everything after M= is the message")
    func unquotedFailure() throws {
        let output = try NPSProbeBinary.run(["explain", "E=648", "R=0", "V=3", "M=Password", "expired", "853"])
        #expect(output.status == 0)
        #expect(output.lines.first == "MS-CHAP failure E=648 R=0 V=3 M=Password expired 853")
        #expect(output.stdout.contains("retry allowed: no"))
        #expect(output.stdout.contains("new challenge: absent"))
        #expect(!output.stdout.contains("Windows error 853"))
    }

    @Test("an MS-CHAP-Error as NPS logs it (hex, ident octet first) reads like its text")
    func loggedHex() throws {
        let hex = "0x" + ([0] + Array("E=691 R=0 V=3".utf8)).map { String(format: "%02X", $0) }.joined()
        let fromHex = try NPSProbeBinary.run(["explain", hex])
        let fromText = try NPSProbeBinary.run(["explain", "E=691 R=0 V=3"])
        #expect(fromHex.status == 0 && fromText.status == 0)
        #expect(fromHex.stdout == fromText.stdout)
        // A plain hex number stays a number: 0x355 is 853.
        let number = try NPSProbeBinary.run(["explain", "0x355"])
        #expect(number.lines.first == "Windows error 853 (ERROR_EAP_USER_CERT_INVALID)")
    }

    @Test("symbols, prefixes and several queries in one call")
    func symbolsAndSeveral() throws {
        let output = try NPSProbeBinary.run(["explain", "IAS_AUTH_FAILURE", "windows", "error", "812", "rc", "49"])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let titles = output.lines.filter { $0.hasPrefix("NPS reason code") || $0.hasPrefix("Windows error") }
        #expect(titles.count == 3)
        #expect(titles.first == "NPS reason code 16 (IAS_AUTH_FAILURE)")
        #expect(titles.dropFirst().first?.hasPrefix("Windows error 812 ") == true)
        #expect(titles.last?.hasPrefix("NPS reason code 49") == true)
    }

    @Test("a query not in the catalogue exits 1 and says so; the others are still explained")
    func unknown() throws {
        for query in [["99999"], ["reason", "9999"], ["IAS_NO_SUCH_THING"], ["mschap", "700"], ["E=1234 R=0"]] {
            let output = try NPSProbeBinary.run(["explain"] + query)
            #expect(output.status == 1, "\(query): \(output.stderr)")
            #expect(output.stderr.contains("not in the catalogue"), "\(query): \(output.stderr)")
            #expect(!output.stdout.contains("Likely causes:"))
        }
        let mixed = try NPSProbeBinary.run(["explain", "853", "99999"])
        #expect(mixed.status == 1)
        #expect(mixed.lines.first == "Windows error 853 (ERROR_EAP_USER_CERT_INVALID)")
        #expect(mixed.stderr.contains("99999 is not in the catalogue"))
    }

    @Test("bad input exits 3 with a reason")
    func badInput() throws {
        for query in [["hello"], ["reason"], ["reason", "abc"], ["E=691 R=7"], ["E=x"], ["E=691 C=1234"], [""]] {
            let output = try NPSProbeBinary.run(["explain"] + query)
            #expect(output.status == 3, "\(query): status \(output.status), \(output.stderr)")
            #expect(output.stderr.contains("npsprobe: error: explain:"), "\(query): \(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
        let retry = try NPSProbeBinary.run(["explain", "E=691 R=7"])
        #expect(retry.stderr.contains("R= must be 0 or 1"))
        // Usage errors are local errors too.
        #expect(try NPSProbeBinary.run(["explain"]).status == 3)
        #expect(try NPSProbeBinary.run(["explain", "853", "--list", "errors"]).status == 3)
        #expect(try NPSProbeBinary.run(["explain", "--list", "everything"]).status == 3)
    }

    @Test("--json: an array of Explanation objects with the query; decodes back to the catalogue's explanations")
    func json() throws {
        let output = try NPSProbeBinary.run(["explain", "--json", "691", "reason 16"])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let items = try jsonArray(output.stdout)
        #expect(items.count == 3)
        let documented: Set = ["kind", "code", "title", "summary", "causes", "fixes", "related", "notes", "query"]
        for item in items {
            #expect(documented.isSubset(of: Set(item.keys)), "keys: \(item.keys.sorted())")
            #expect(item["ms_chap_failure"] == nil)
        }
        #expect(items.map { $0["kind"] as? String } == ["windowsError", "msChapError", "reasonCode"])
        #expect(items.map { $0["query"] as? String } == ["691", "691", "reason 16"])
        #expect(items[2]["symbol"] as? String == "IAS_AUTH_FAILURE")
        let related = try #require(items[0]["related"] as? [[String: Any]])
        #expect(related.allSatisfy { Set($0.keys) == ["kind", "code", "label"] })

        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded = try decoder.decode([Explanation].self, from: Data(output.stdout.utf8))
        #expect(decoded == [
            NPSKnowledge.explain(windowsError: 691), NPSKnowledge.explain(msChapError: 691),
            NPSKnowledge.explain(reasonCode: 16),
        ].compactMap { $0 })
    }

    @Test("--json for a failure text carries its parsed fields under ms_chap_failure")
    func jsonFailure() throws {
        let output = try NPSProbeBinary.run([
            "explain", "--json", "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Access denied", "E=648 R=0",
        ])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let items = try jsonArray(output.stdout)
        #expect(items.count == 2)
        let first = try #require(items.first?["ms_chap_failure"] as? [String: Any])
        #expect(first["error_code"] as? Int == 691)
        #expect(first["retry_allowed"] as? Bool == true)
        #expect(first["challenge_present"] as? Bool == true)
        #expect(first["challenge"] as? String == "00112233445566778899AABBCCDDEEFF")
        #expect(first["version"] as? Int == 3)
        #expect(first["message"] as? String == "Access denied")
        let second = try #require(items.last?["ms_chap_failure"] as? [String: Any])
        #expect(Set(second.keys) == Set(first.keys), "the same keys for every failure, absent ones null")
        #expect(second["challenge_present"] as? Bool == false)
        #expect(second["challenge"] is NSNull && second["version"] is NSNull && second["message"] is NSNull)
        #expect(items.last?["kind"] as? String == "msChapError" && items.last?["code"] as? Int == 648)
        let notes = try #require(items.first?["notes"] as? [String])
        #expect(notes.first?.hasPrefix("R=1") == true, "the R= note follows the parsed flag")
    }

    @Test("--json with nothing found prints an empty array and exits 1")
    func jsonUnknown() throws {
        let output = try NPSProbeBinary.run(["explain", "--json", "99999"])
        #expect(output.status == 1)
        #expect(try jsonArray(output.stdout).isEmpty)
    }

    @Test("--list prints each catalogue as a table: one row per code, in order", arguments: [
        ("reasons", NPSReasonCode.catalogue.map(\.code)), ("errors", WindowsError.catalogue.map(\.code)),
        ("mschap", MSCHAPError.catalogue.map(\.code)),
    ])
    func list(name: String, codes: [Int]) throws {
        let output = try NPSProbeBinary.run(["explain", "--list", name])
        #expect(output.status == 0)
        let header = try #require(output.lines.first)
        #expect(header.hasPrefix(" code  symbol") && header.hasSuffix("summary"))
        let rowCodes = output.lines.dropFirst().compactMap { line in
            Int(line.prefix(5).trimmingCharacters(in: .whitespaces))
        }
        #expect(rowCodes == codes)
        expectWrapped(output)
        if name == "errors" { #expect(output.stdout.contains("  853  ERROR_EAP_USER_CERT_INVALID  ")) }

        let json = try jsonArray(try NPSProbeBinary.run(["explain", "--list", name, "--json"]).stdout)
        #expect(json.compactMap { $0["code"] as? Int } == codes)
        #expect(json.allSatisfy { $0["summary"] is String && $0["kind"] is String })
    }

    @Test("arguments group into queries", arguments: [
        (["853"], ["853"]),
        (["reason", "16"], ["reason 16"]),
        (["nps", "reason", "code", "16", "853"], ["nps reason code 16", "853"]),
        (["ms-chap", "691", "IAS_AUTH_FAILURE"], ["ms-chap 691", "IAS_AUTH_FAILURE"]),
        (["E=691", "R=1", "V=3", "853"], ["E=691 R=1 V=3", "853"]),
        (["E=691", "M=Bad", "password", "R=0"], ["E=691 M=Bad password R=0"]),
        (["E=691 R=0 M=quoted text", "853"], ["E=691 R=0 M=quoted text", "853"]),
        (["E=691", "M=two words", "853"], ["E=691 M=two words", "853"]),
        (["E=691 R=0 M=x", "853"], ["E=691 R=0 M=x", "853"]),
        (["E=691", "E=648"], ["E=691", "E=648"]),
        (["reason 16", "hello"], ["reason 16", "hello"]),
        (["windows", "error"], ["windows error"]),
    ])
    func grouping(arguments: [String], queries: [String]) {
        #expect(ExplainCommand.queryTexts(arguments) == queries)
    }

    @Test("the knowledge base says whether a query was understood: wrong input is not a missing code")
    func understood() {
        for query in ["853", "reason 9999", "IAS_NOPE_NOPE", "0x355", "rc16"] {
            #expect(NPSKnowledge.resolve(query).understood, "\(query)")
        }
        for query in ["", "hello", "reason abc", "E=691 R=0", "12abc"] {
            #expect(!NPSKnowledge.resolve(query).understood, "\(query)")
        }
    }
}
