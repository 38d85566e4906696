import Foundation
import Testing

@testable import NPS

@Suite("Reason code catalogue")
struct ReasonCodeCatalogueTests {
    @Test("every code in the reference TSV has exactly one row, and no row is invented")
    func coversReferenceList() throws {
        let tsv = try Fixture.reasonCodeTSV()
        #expect(tsv.count > 90)
        let expected = Set(tsv.map(\.code))
        let catalogue = NPSReasonCode.catalogue.map(\.code)
        #expect(Set(catalogue) == expected, Comment(rawValue: "missing: \(expected.subtracting(catalogue).sorted()), "
            + "extra: \(Set(catalogue).subtracting(expected).sorted())"))
        #expect(catalogue.count == Set(catalogue).count, "duplicate rows")
        #expect(catalogue == catalogue.sorted(), "rows must be sorted by number")
        #expect(expected.contains(0) && expected.contains(302))
    }

    @Test("symbols agree with the reference TSV where it gives one")
    func symbolsMatchReference() throws {
        for row in try Fixture.reasonCodeTSV() where !row.symbol.isEmpty {
            #expect(NPSKnowledge.reasonCode(row.code)?.symbol == row.symbol, "reason \(row.code)")
        }
    }

    @Test("bakerds CSV codes are all catalogued")
    func coversBakerdsList() throws {
        let lines = try Fixture.lines("bakerds_Reason-Code.csv")
        #expect(lines.count > 90)
        for line in lines {
            let code = try #require(Int(line.prefix(while: \.isNumber)), "CSV line: \(line.prefix(30))")
            #expect(NPSKnowledge.reasonCode(code) != nil, "reason \(code)")
        }
    }

    @Test("rows are complete and in the project's own words")
    func rowsAreCompleteAndOriginal() throws {
        let tsv = Dictionary(uniqueKeysWithValues: try Fixture.reasonCodeTSV().map { ($0.code, $0) })
        for row in NPSReasonCode.catalogue {
            #expect(!row.summary.isEmpty && !row.causes.isEmpty && !row.fixes.isEmpty, "reason \(row.code)")
            let reference = try #require(tsv[row.code])
            for documented in [reference.text, reference.alternate] where !documented.isEmpty {
                #expect(row.summary != documented, "reason \(row.code) copies the documented text")
                #expect(!row.causes.contains(documented) && !row.fixes.contains(documented), "reason \(row.code)")
            }
        }
    }

    @Test("categories follow the code ranges", arguments: [
        (0, NPSReasonCode.Category.success), (16, .credentials), (34, .account), (48, .policy), (66, .policy),
        (117, .proxy), (256, .revocation), (258, .revocation), (265, .certificate), (302, .eap),
    ])
    func categories(code: Int, category: NPSReasonCode.Category) {
        #expect(NPSKnowledge.reasonCode(code)?.category == category)
    }

    @Test("unknown numbers are answered honestly")
    func unknownReasonCode() {
        #expect(NPSKnowledge.reasonCode(11) == nil)
        #expect(NPSKnowledge.explain(reasonCode: 303) == nil)
        #expect(NPSKnowledge.label(reasonCode: -1) == "not in the catalogue")
    }
}

@Suite("Windows error catalogue")
struct WindowsErrorCatalogueTests {
    /// The errors the reference README describes, and the ones the project brief names.
    static let required: [Int] = [691, 703, 718, 720, 734, 800, 806, 809, 812, 813, 828, 835, 942,
                                  13801, 13806, 13819, 13832, 13843, 13868] + Array(852...869)

    @Test("every required Windows error has a row with a symbol")
    func coversRequiredErrors() {
        for code in Self.required {
            let row = NPSKnowledge.windowsError(code)
            #expect(row != nil, "Windows error \(code)")
            #expect(row?.symbol.hasPrefix("ERROR_") == true, "Windows error \(code)")
        }
        let codes = WindowsError.catalogue.map(\.code)
        #expect(codes == codes.sorted() && Set(codes).count == codes.count)
    }

    @Test("symbols of well-known numbers", arguments: [
        (691, "ERROR_AUTHENTICATION_FAILURE"), (812, "ERROR_SERVER_POLICY"), (809, "ERROR_VPN_TIMEOUT"),
        (853, "ERROR_EAP_USER_CERT_INVALID"), (864, "ERROR_EAP_SERVER_ROOT_CERT_NOT_FOUND"),
        (942, "ERROR_AUTH_PROTOCOL_RESTRICTION"), (13801, "ERROR_IPSEC_IKE_AUTH_FAIL"),
        (13868, "ERROR_IPSEC_IKE_POLICY_MATCH"),
    ])
    func symbols(code: Int, symbol: String) {
        #expect(NPSKnowledge.windowsError(code)?.symbol == symbol)
    }

    @Test("the number ranges match the header a row claims")
    func sourcesMatchRanges() {
        for row in WindowsError.catalogue {
            switch row.source {
            case .ras: #expect((600...878).contains(row.code), "\(row.code)")
            case .router: #expect((900...999).contains(row.code), "\(row.code)")
            case .ike: #expect((13800...13897).contains(row.code), "\(row.code)")
            }
            #expect(!row.gist.isEmpty && !row.causes.isEmpty && !row.fixes.isEmpty, "\(row.code)")
        }
    }

    @Test("every Windows error a reason code lists is in the Windows catalogue")
    func reasonCodesNameCataloguedWindowsErrors() {
        for reason in NPSReasonCode.catalogue {
            for windows in reason.windowsErrors {
                #expect(NPSKnowledge.windowsError(windows) != nil, "reason \(reason.code) → \(windows)")
            }
        }
    }

    /// The mapping is stored once (reason code → Windows errors); the other direction is read from it. These are
    /// the lists the Windows table stored by hand before, for the errors users report most.
    @Test("Windows error → reason codes is the stored mapping read backwards, by number", arguments: [
        (647, [34, 35, 36]),
        (691, [2, 7, 8, 16, 18, 19, 20, 21, 32, 36, 38, 64, 112]),
        (812, [18, 22, 48, 49, 65, 66, 67, 68, 69, 70, 71, 257, 258, 259, 291]),
        (853, [73, 263, 265, 267, 272, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 290, 292, 293, 294, 295,
               296, 297, 298, 300]),
        (703, []),
    ])
    func windowsErrorToReasonCodes(error: Int, reasons: [Int]) throws {
        #expect(try #require(NPSKnowledge.windowsError(error)).reasonCodes == reasons)
    }

    @Test("each reason code a Windows error names lists that error, and each listing is found from the error")
    func bothDirectionsAgree() {
        for windows in WindowsError.catalogue {
            #expect(windows.reasonCodes == windows.reasonCodes.sorted(), "\(windows.code)")
            for reason in windows.reasonCodes {
                #expect(NPSKnowledge.reasonCode(reason)?.windowsErrors.contains(windows.code) == true,
                        "Windows \(windows.code) → \(reason)")
            }
        }
        for reason in NPSReasonCode.catalogue {
            for windows in reason.windowsErrors {
                #expect(NPSKnowledge.windowsError(windows)?.reasonCodes.contains(reason.code) == true,
                        "reason \(reason.code) → \(windows)")
            }
        }
    }
}

@Suite("MS-CHAP error catalogue")
struct MSCHAPErrorCatalogueTests {
    @Test("the RFC 2759 codes are all present, with RAS symbols that match the Windows table")
    func coversRFCCodes() {
        for code in [646, 647, 648, 649, 691, 709] {
            let row = NPSKnowledge.msChapError(code)
            #expect(row != nil, "E=\(code)")
            #expect(row?.symbol == NPSKnowledge.windowsError(code)?.symbol, "E=\(code)")
            for reason in row?.reasonCodes ?? [] {
                #expect(NPSKnowledge.reasonCode(reason)?.windowsErrors.contains(code) == true,
                        "E=\(code) → reason \(reason)")
            }
        }
    }

    @Test("explain carries the R= flag, the related reason codes and the attribute layout")
    func explainMSCHAP() throws {
        let e = try #require(NPSKnowledge.explain(msChapError: 691, retry: false))
        #expect(e.kind == .msChapError && e.symbol == "ERROR_AUTHENTICATION_FAILURE")
        #expect(e.notes.contains { $0.hasPrefix("R=0") })
        #expect(e.notes.contains { $0.contains("RFC 2548") })
        #expect(e.related.contains(Reference(kind: .windowsError, code: 691,
                                             label: NPSKnowledge.label(windowsError: 691))))
        #expect(e.related.contains { $0.kind == .reasonCode && $0.code == 16 })
        #expect(NPSKnowledge.explain(msChapError: 692) == nil)
        let unknownRetry = try #require(NPSKnowledge.explain(msChapError: 648))
        #expect(unknownRetry.notes.contains { $0.hasPrefix("R=1 would allow") })
        #expect(unknownRetry.notes.contains { $0.contains("change the password") })
    }
}

@Suite("Explain and resolve")
struct ExplainTests {
    @Test("explain(windowsError:) for 853 points at the NTAuth reason codes")
    func explainWindows853() throws {
        let e = try #require(NPSKnowledge.explain(windowsError: 853))
        #expect(e.title == "Windows error 853 (ERROR_EAP_USER_CERT_INVALID)")
        #expect(e.related.contains { $0.kind == .reasonCode && $0.code == 265 })
        #expect(e.fixes.contains { $0.contains("NTAuth") })
    }

    @Test("explain(reasonCode:) for 16 relates to Windows error 691")
    func explainReason16() throws {
        let e = try #require(NPSKnowledge.explain(reasonCode: 16))
        #expect(e.kind == .reasonCode && e.symbol == "IAS_AUTH_FAILURE")
        #expect(e.related.map(\.code) == [691])
        #expect(e.notes.first == "Category: credentials.")
    }

    @Test("free-text queries", arguments: [
        ("853", Explanation.Kind.windowsError, 853),
        ("error 812", .windowsError, 812),
        ("Windows error 13801", .windowsError, 13801),
        ("0x355", .windowsError, 853),
        ("reason 16", .reasonCode, 16),
        ("Reason code 265", .reasonCode, 265),
        ("rc48", .reasonCode, 48),
        ("16", .reasonCode, 16),
        ("mschap 648", .msChapError, 648),
        ("IAS_AUTH_FAILURE", .reasonCode, 16),
        ("ias_no_policy_match", .reasonCode, 48),
        ("IAS_CERT_E_UNTRUSTEDROOT", .reasonCode, 286),
        ("ERROR_EAP_SERVER_ROOT_CERT_NOT_FOUND", .windowsError, 864),
    ])
    func resolve(query: String, kind: Explanation.Kind, code: Int) throws {
        let first = try #require(NPSKnowledge.resolve(query).explanations.first, "query \(query)")
        #expect(first.kind == kind && first.code == code, "query \(query)")
    }

    @Test("a number in two catalogues gives both, Windows error first")
    func resolve691() {
        let r = NPSKnowledge.resolve("ERROR_AUTHENTICATION_FAILURE")
        #expect(r.explanations.map(\.kind) == [.windowsError, .msChapError])
        #expect(NPSKnowledge.resolve("691").explanations.map(\.kind) == [.windowsError, .msChapError])
    }

    @Test("queries with no answer say why", arguments: [
        ("reason 11", "not in the catalogue"), ("error 999", "not in the catalogue"), ("4242", "not in the catalogue"),
        ("IAS_NOT_A_THING", "not in the catalogue"), ("E=691 R=1", "MSCHAPv2Failure"), ("what?", "Not understood"),
        ("   ", "Empty"),
    ])
    func unanswered(query: String, note: String) {
        let r = NPSKnowledge.resolve(query)
        #expect(r.isEmpty)
        #expect(r.notes.contains { $0.contains(note) }, "notes: \(r.notes)")
    }

    @Test("every explanation renders within 100 columns and round-trips through JSON")
    func renderAndCodable() throws {
        var all: [Explanation] = []
        all += NPSReasonCode.catalogue.compactMap { NPSKnowledge.explain(reasonCode: $0.code) }
        all += WindowsError.catalogue.compactMap { NPSKnowledge.explain(windowsError: $0.code) }
        all += MSCHAPError.catalogue.compactMap { NPSKnowledge.explain(msChapError: $0.code, retry: true) }
        #expect(all.count == NPSReasonCode.catalogue.count + WindowsError.catalogue.count
                    + MSCHAPError.catalogue.count)
        for e in all {
            let text = e.renderText()
            #expect(text.hasPrefix(e.title + "\n"))
            for line in text.split(separator: "\n") {
                let longestWord = line.split(separator: " ").map(\.count).max() ?? 0
                #expect(line.count <= 100 || longestWord > 90, "\(e.title): \(line)")
            }
            let data = try JSONEncoder().encode(e)
            #expect(try JSONDecoder().decode(Explanation.self, from: data) == e)
        }
        let text = try #require(NPSKnowledge.explain(windowsError: 812)).renderText(width: 60)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(text.contains("Likely causes:") && text.contains("What to check and fix:") && text.contains("Related:"))
    }

    @Test("text wrapping keeps words whole and indents continuation lines")
    func wrapping() {
        let lines = TextWrap.wrap("alpha beta gamma delta", width: 12, indent: "- ", hangingIndent: "  ")
        #expect(lines == ["- alpha beta", "  gamma", "  delta"])
        let long = TextWrap.wrap("supercalifragilistic", width: 5, indent: "", hangingIndent: "")
        #expect(long == ["supercalifragilistic"])
    }
}
