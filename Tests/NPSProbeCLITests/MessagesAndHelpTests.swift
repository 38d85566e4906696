import Foundation
import LabSupport
import Testing

/// Messages in the user's words, not the code's, and help that reads well (issue 12 "Internal names in
/// messages", "Help").
@Suite struct MessagesAndHelpTests {
    let closed = LoopbackUDP.closed()

    // MARK: Internal names

    @Test func anUnknownAttributeIsNotARADIUSErrorCase() throws {
        let result = try npsprobe(["auth", "--server", closed.address, "--method", "pap", "--identity", "alice",
                                   "--password-env", "PW", "--attr", "Foo-Bar=1"], environment: ["PW": "x"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("no dictionary defines an attribute named Foo-Bar"), "\(result.stderr)")
        #expect(!result.stderr.contains("RADIUSError"), "\(result.stderr)")
    }

    /// Malformed NPS log lines are shown without the parser's code name and cannot drive the terminal.
    @Test func npsLogEscapesControlCharactersAndNamesNoParserCode() throws {
        let log = ScratchFile(Data("garbage\u{1B}[31mRED\u{07}\u{9B}2J\rover\n".utf8))
        let result = try npsprobe(["nps-log", log.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B
            || $0.value == 0x0D }, "no raw control character reaches the terminal")
        #expect(result.stdout.contains("garbage\\u{1B}[31mRED\\u{7}\\u{9B}2J"), "\(result.stdout)")
        #expect(!result.stdout.contains("[unknownFormat]"), "\(result.stdout)")
        #expect(result.stdout.contains("neither an <Event> record"))
    }

    // MARK: Help

    func help(_ command: [String]) throws -> String {
        let result = try npsprobe(command + ["--help"])
        #expect(result.status == 0)
        return result.stdout
    }

    /// About 60 options in one list: grouped by what they are for.
    @Test(arguments: [["auth"], ["load"]])
    func caseOptionsAreGroupedInSections(_ command: [String]) throws {
        let text = try help(command)
        let sections = ["SERVER AND SECRET:", "DICTIONARIES:", "NAS ATTRIBUTES:", "METHOD AND IDENTITY:",
                        "TLS (EAP-TLS AND PEAP):", "EAP AND PEAP:"]
        var last = text.startIndex
        for section in sections {
            let range = try #require(text.range(of: "\n" + section + "\n"), "\(command): no section \(section)")
            #expect(range.lowerBound > last, "\(section) in order")
            last = range.lowerBound
        }
        // Each option in the section it belongs to.
        let tls = try #require(text.range(of: "TLS (EAP-TLS AND PEAP):"))
        let eap = try #require(text.range(of: "EAP AND PEAP:"))
        #expect(text.range(of: "--server-name <name>").map { $0.lowerBound > tls.upperBound } == true)
        #expect(text.range(of: "--fragment-size <bytes>").map { $0.lowerBound > eap.upperBound } == true)
        if command == ["auth"] { #expect(text.contains("\nOUTPUT:\n")) }
    }

    /// A paragraph of an overview is one line of text wrapped by the parser: a hard line break in the source
    /// left lines such as "expected,\n2 no answer from any server" (a short line, then its continuation).
    @Test(arguments: [[], ["auth"], ["status"], ["run"], ["check"], ["load"], ["validate"], ["nps-log"], ["explain"]])
    func overviewParagraphsAreNotBrokenMidSentence(_ command: [String]) throws {
        let text = try help(command)
        let overview = text.components(separatedBy: "\nUSAGE:").first ?? ""
        let lines = overview.components(separatedBy: "\n")
        for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
            // Wrapped at 80 columns, a line that is continued is long; a short one ended its paragraph.
            #expect(line.count > 55 || line.hasSuffix(":"), "\(command): '\(line)' is broken before '\(next)'")
        }
    }

    @Test func runTakesDictionaries() throws {
        #expect(try help(["run"]).contains("--dictionary <path>"))
        let dictionary = ScratchFile(Data("ATTRIBUTE\tLab-Test-Attr\t250\tinteger\n".utf8), suffix: ".dict")
        let suite = ScratchFile(lines: [
            "suite: dictionaries", "cases:", "  - name: extra", "    servers: [\"\(closed.address)\"]",
            "    secret: {env: NPSPROBE_SECRET}", "    method: pap", "    identity: alice", "    password: {env: PW}",
            "    attributes: [Lab-Test-Attr=5]", "    expect: timeout",
        ])
        let without = try npsprobe(["run", suite.path], environment: ["PW": "x"])
        #expect(without.status == 3, "Lab-Test-Attr is unknown without the dictionary")
        let with = try npsprobe(["run", suite.path, "--dictionary", dictionary.path], environment: ["PW": "x"])
        #expect(with.status == 0, "\(with.stdout)\(with.stderr)")
    }

    /// `dict 26.999.1` printed `ATTRIBUTE Attr-26.999.1 26.999.1 octets` as if a dictionary defined it.
    @Test func dictDoesNotInventAttributes() throws {
        for query in ["26.999.1", "Attr-26.999.1", "250"] {
            let result = try npsprobe(["dict", query])
            #expect(result.status == 1, "\(query): \(result.stdout)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("is not in the loaded dictionaries"))
        }
        #expect(try npsprobe(["dict", "26.999.1"]).stderr.contains("no dictionary defines vendor 999"))
        #expect(try npsprobe(["dict", "26.311.16"]).stdout.hasPrefix("ATTRIBUTE MS-MPPE-Send-Key 26.311.16"))
    }

    /// The README's example, pasted.
    @Test func theReadmeExplainExampleWorksWhenPasted() throws {
        let readme = try String(contentsOf: NPSProbeBinary.packageRoot.appendingPathComponent("README.md"),
                                encoding: .utf8)
        #expect(readme.contains("npsprobe explain 'E=691 R=0 C=… V=3'"))
        for arguments in [["E=691 R=0 C=… V=3"], ["E=691", "R=0", "C=…", "V=3"], ["E=691 R=0 C=... V=3"]] {
            let result = try npsprobe(["explain"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("error code: 691 (ERROR_AUTHENTICATION_FAILURE)"))
            #expect(result.stdout.contains("new challenge: left out (C=…)"))
        }
        // A challenge that is written but wrong is still an error.
        #expect(try npsprobe(["explain", "E=691 R=0 C=12 V=3"]).status == 3)
    }
}
