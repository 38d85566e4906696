import ArgumentParser
import EAP
import Foundation
import Jobs
import NPS
import Reports
import TLS

/// `npsprobe explain`: what a Windows error, an NPS reason code or an MS-CHAP failure means, and what to do.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a Windows error (853), an NPS reason code (reason 16) or an MS-CHAP failure (E=691 …).",
        discussion: """
            Queries: 853 (a Windows error, with the MS-CHAP error of the same number), error 853, 0x355, \
            reason 16, mschap 691, event 4418, kdc 39, a topic (strong-mapping, blastradius, KB5014754), \
            a symbol (IAS_AUTH_FAILURE, ERROR_EAP_USER_CERT_INVALID), an MS-CHAP \
            failure text ('E=691 R=1 C=… V=3 M=…', as in an MS-CHAPv2 Failure or the MS-CHAP-Error \
            attribute) or an MS-CHAP-Error as NPS logs it (0x00453D363931…). Several queries may follow one \
            another; 'reason 16' may be given unquoted, and so may a failure text: the arguments after an \
            unquoted M=word are its message.

            --json prints an array of explanation objects (kind, code, symbol when known, title, summary, \
            causes, fixes, related, notes) each with the query that produced it and, for an MS-CHAP failure \
            text, ms_chap_failure (error_code, retry_allowed, challenge_present, challenge, version, message).

            Exit status: 0 every query explained, 1 a query is not in the catalogue, 3 bad input.
            """)

    enum Catalogue: String, ExpressibleByArgument, CaseIterable {
        case reasons, errors, mschap, events
    }

    @Argument(help: ArgumentHelp("What to explain: 853, reason 16, mschap 691, a symbol or an E=… text.",
                               valueName: "query"))
    var queries: [String] = []

    @Option(help: ArgumentHelp("Print a whole catalogue as a table instead: reasons, errors, mschap or events.",
                               valueName: "catalogue"))
    var list: Catalogue?

    @Flag(help: "Print JSON on stdout instead of text.")
    var json = false

    func validate() throws {
        if list != nil && !queries.isEmpty { throw ValidationError("give either queries or --list, not both") }
        if list == nil && queries.isEmpty { throw ValidationError("give a query such as 853, or --list") }
    }

    func run() throws {
        if let list {
            Console.out(json ? try JSONOutput.render(CatalogueRow.rows(list)) : CatalogueRow.table(list))
            return
        }
        let answers = try Self.queryTexts(queries).map(Answer.init(query:))
        if json {
            let items = answers.flatMap { answer in
                answer.explanations.map {
                    JSONOutput.Merged(
                        $0, ExplanationExtras(query: answer.query, msChapFailure: answer.failure.map(FailureJSON.init)))
                }
            }
            Console.out(try JSONOutput.render(items))
        } else {
            let blocks = answers.filter { !$0.explanations.isEmpty || $0.failure != nil }.map { $0.renderText() }
            if !blocks.isEmpty { Console.out(blocks.joined(separator: "\n").dropLastNewline()) }
        }
        let missing = answers.filter(\.explanations.isEmpty)
        for answer in missing {
            Console.err("npsprobe: " + (answer.notes.isEmpty
                ? "'\(answer.query)' is \(NPSKnowledge.notInCatalogue)." : answer.notes.joined(separator: " ")))
        }
        if !missing.isEmpty { throw ExitCode(ExitStatus.rejected.rawValue) }
    }

    /// Groups the arguments into queries, so that unquoted `reason 16`, `windows error 853` and
    /// `E=691 R=1 C=… V=3 M=Access denied` each make one query:
    /// - a word of letters and hyphens only ("reason", "ms-chap") is joined with what follows it;
    /// - `E=…` starts an MS-CHAP failure text that takes the following `X=…` fields and, after an unquoted
    ///   `M=word`, every remaining argument (the message is the last field, RFC 2759 §6).
    static func queryTexts(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var words: [String] = []
        var failure: [String]?
        var inMessage = false
        func flush() {
            if let fields = failure { out.append(fields.joined(separator: " ")) }
            failure = nil
            inMessage = false
        }
        for argument in arguments {
            if failure != nil {
                if inMessage || (isField(argument) && !argument.uppercased().hasPrefix("E=")) {
                    failure?.append(argument)
                    inMessage = inMessage || opensMessage(argument)
                    continue
                }
                flush()
            }
            if words.isEmpty && argument.uppercased().hasPrefix("E=") {
                failure = [argument]
                inMessage = opensMessage(argument)
                continue
            }
            words.append(argument)
            let isWord = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0 == "-" }
            if !isWord {
                out.append(words.joined(separator: " "))
                words = []
            }
        }
        flush()
        if !words.isEmpty { out.append(words.joined(separator: " ")) }
        return out
    }

    /// `R=1`, `C=…`: an ASCII letter and an equals sign.
    private static func isField(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(2))
        return scalars.count == 2 && scalars[1] == "=" && scalars[0].isASCII && scalars[0].properties.isAlphabetic
    }

    /// Whether the arguments after this one continue the message: the argument is an unquoted `M=` field (a
    /// word without spaces). A quoted argument holding `M=…` ends its message itself.
    private static func opensMessage(_ argument: String) -> Bool {
        argument.uppercased().hasPrefix("M=") && !argument.contains(" ")
    }
}

/// What one query resolved to.
private struct Answer {
    let query: String
    let explanations: [Explanation]
    /// The parsed text when the query was an MS-CHAP failure.
    let failure: MSCHAPv2Failure?
    /// Why nothing, or something unexpected, matched.
    let notes: [String]
    /// The query wrote `C=…`: a challenge left out, not an absent one.
    var challengeElided = false

    /// Resolves `query`; throws for input that is not a query at all (exit 3).
    init(query: String) throws(LocalError) {
        self.query = query
        let (text, elided) = Self.withoutElidedChallenge(query)
        challengeElided = elided
        if let failure = try Self.parseFailure(text) {
            self.failure = failure
            let code = failure.errorCode
            let elidedNote = elided ? ["C=… stands for a challenge left out; read as a failure without one."] : []
            if let chap = NPSKnowledge.explain(msChapError: code, retry: failure.retryAllowed) {
                explanations = [chap]
                notes = elidedNote
            } else if let windows = NPSKnowledge.explain(windowsError: code) {
                explanations = [windows]
                notes = ["E=\(code) is not one of the MS-CHAP codes of RFC 2759 §6; explained as the Windows "
                    + "error of the same number."]
            } else {
                explanations = []
                notes = ["E=\(code) is \(NPSKnowledge.notInCatalogue) (neither an MS-CHAP code nor a Windows error)."]
            }
            return
        }
        let resolution = NPSKnowledge.resolve(query)
        guard resolution.understood else {
            throw LocalError("explain: cannot read '\(query)': " + resolution.notes.joined(separator: " "))
        }
        failure = nil
        explanations = resolution.explanations
        notes = resolution.notes
    }

    /// `C=…` (or `C=...`) as documentation writes an MS-CHAP failure whose challenge does not matter: the field
    /// is left out so the rest is explained, and said so. Only an elided value is dropped; a malformed one
    /// still fails.
    static func withoutElidedChallenge(_ query: String) -> (String, Bool) {
        guard query.uppercased().hasPrefix("E=") else { return (query, false) }
        var elided = false
        let fields = query.split(separator: " ", omittingEmptySubsequences: false).filter { field in
            let isElided = ["C=…", "C=...", "c=…", "c=..."].contains(field)
            elided = elided || isElided
            return !isElided
        }
        return (fields.joined(separator: " "), elided)
    }

    /// An `E=…` text, or `0x…` hex holding one (the MS-CHAP-Error attribute as NPS logs it: an ident octet,
    /// then the text, RFC 2548 §2.1.5); nil when the query is neither.
    private static func parseFailure(_ query: String) throws(LocalError) -> MSCHAPv2Failure? {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        do {
            if trimmed.uppercased().hasPrefix("E=") { return try MSCHAPv2Failure(parsing: trimmed) }
            guard trimmed.lowercased().hasPrefix("0x"), let bytes = [UInt8](hex: trimmed.dropFirst(2)) else {
                return nil
            }
            let e = UInt8(ascii: "E"), equals = UInt8(ascii: "=")
            if bytes.count > 2, bytes[1] == e, bytes[2] == equals { return try MSCHAPv2Failure(msCHAPError: bytes) }
            if bytes.count > 1, bytes[0] == e, bytes[1] == equals {
                return try MSCHAPv2Failure(parsing: String(decoding: bytes, as: UTF8.self))
            }
            return nil  // A hex number such as 0x355.
        } catch {
            throw LocalError("explain: '\(query)' is not a valid MS-CHAP failure: \(error.reason)"
                + (error.offset.map { " (at octet \($0))" } ?? ""))
        }
    }

    func renderText(width: Int = 100) -> String {
        var out = ""
        if let failure {
            var lines = TextWrap.wrap("MS-CHAP failure " + failure.text, width: width, indent: "", hangingIndent: "  ")
            let symbol = NPSKnowledge.msChapError(failure.errorCode)?.symbol
                ?? NPSKnowledge.windowsError(failure.errorCode)?.symbol
            lines.append("  error code: \(failure.errorCode)" + (symbol.map { " (\($0))" } ?? ""))
            lines.append("  retry allowed: " + (failure.retryAllowed
                ? "yes (R=1): the peer may try again with the new challenge"
                : "no (R=0 or absent)"))
            lines.append("  new challenge: " + (failure.challenge.map { "present, \($0.count) octets" }
                ?? (challengeElided ? "left out (C=…)" : "absent")))
            lines.append("  password-change version: " + (failure.version.map { "\($0)" } ?? "absent"))
            if let message = failure.message {
                lines += TextWrap.wrap("message: " + message, width: width, indent: "  ", hangingIndent: "    ")
            }
            out = lines.joined(separator: "\n") + (explanations.isEmpty ? "\n" : "\n\n")
        }
        // With nothing found the notes go to standard error with the "not in the catalogue" message.
        for note in notes where !explanations.isEmpty {
            out += TextWrap.wrap(note, width: width, indent: "", hangingIndent: "  ").joined(separator: "\n") + "\n"
        }
        return out + explanations.map { $0.renderText(width: width) }.joined(separator: "\n")
    }
}

/// What `--json` adds to each `Explanation` object: the query and, for an MS-CHAP failure text, its fields.
private struct ExplanationExtras: Encodable {
    let query: String
    let msChapFailure: FailureJSON?
}

/// The fields of an MS-CHAP failure text (RFC 2759 §6).
private struct FailureJSON: Encodable {
    let errorCode: Int
    let retryAllowed: Bool
    let challengePresent: Bool
    /// Upper-case hex, as in the text.
    let challenge: String?
    let version: Int?
    let message: String?

    init(_ failure: MSCHAPv2Failure) {
        errorCode = failure.errorCode
        retryAllowed = failure.retryAllowed
        challengePresent = failure.challenge != nil
        challenge = failure.challenge.map(\.uppercaseHexString)
        version = failure.version
        message = failure.message
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(retryAllowed, forKey: .retryAllowed)
        try container.encode(challengePresent, forKey: .challengePresent)
        // Absent fields are written as null: the keys are the same for every failure.
        try container.encode(challenge, forKey: .challenge)
        try container.encode(version, forKey: .version)
        try container.encode(message, forKey: .message)
    }

    private enum CodingKeys: String, CodingKey {
        case errorCode, retryAllowed, challengePresent, challenge, version, message
    }
}

/// One row of `explain --list`.
private struct CatalogueRow: Encodable {
    let kind: Explanation.Kind
    let code: Int
    let symbol: String?
    let summary: String

    static func rows(_ catalogue: ExplainCommand.Catalogue) -> [CatalogueRow] {
        switch catalogue {
        case .reasons:
            return NPSReasonCode.catalogue.map {
                CatalogueRow(kind: .reasonCode, code: $0.code, symbol: $0.symbol, summary: $0.summary)
            }
        case .errors:
            return WindowsError.catalogue.map {
                CatalogueRow(kind: .windowsError, code: $0.code, symbol: $0.symbol, summary: $0.gist)
            }
        case .mschap:
            return MSCHAPError.catalogue.map {
                CatalogueRow(kind: .msChapError, code: $0.code, symbol: $0.symbol, summary: $0.meaning)
            }
        case .events:
            return NPSEvent.catalogue.map {
                CatalogueRow(kind: .event, code: $0.code, symbol: $0.source.rawValue, summary: $0.gist)
            }
        }
    }

    /// Code, symbol and summary in columns; summaries wrap under their column within `width`.
    static func table(_ catalogue: ExplainCommand.Catalogue, width: Int = 100) -> String {
        let rows = rows(catalogue)
        let symbolWidth = max(6, rows.map { ($0.symbol ?? "-").count }.max() ?? 0)
        func pad(_ text: String, _ n: Int) -> String { text + String(repeating: " ", count: max(0, n - text.count)) }
        func rightAlign(_ text: String, _ n: Int) -> String {
            String(repeating: " ", count: max(0, n - text.count)) + text
        }
        let hanging = String(repeating: " ", count: 5 + 2 + symbolWidth + 2)
        var lines = [rightAlign("code", 5) + "  " + pad("symbol", symbolWidth) + "  summary"]
        for row in rows {
            let lead = rightAlign(String(row.code), 5) + "  " + pad(row.symbol ?? "-", symbolWidth) + "  "
            lines += TextWrap.wrap(row.summary, width: width, indent: lead, hangingIndent: hanging)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func dropLastNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }
}
