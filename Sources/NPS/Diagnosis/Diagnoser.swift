import Evidence
/// Evidence in, verdict out: `diagnose(_:)` derives the facts, asks `DiagnosisRules.all` in order and builds the
/// `Diagnosis` of the first rule that fires; `render(_:)` writes it for people.
///
///     let diagnosis = Diagnoser.diagnose(report.evidence)
///     print(Diagnoser.render(diagnosis))
///     // Windows error 853 (ERROR_EAP_USER_CERT_INVALID): the server trusts the client certificate's chain …
public enum Diagnoser {
    /// The verdict on one conversation. Pure.
    public static func diagnose(_ evidence: ConversationEvidence) -> Diagnosis {
        diagnose(DiagnosisFacts(evidence))
    }

    /// The verdict from facts, with a given rule table (tests pass subsets). The first non-fallback rule that
    /// fires wins; when none does, the first fallback. The winner's own second readings, then the later
    /// non-fallback rules that also fire, become alternatives: each less sure than the verdict (unless the
    /// verdict itself is only possible), and each naming something new: another Windows error, or a reason code
    /// not named yet for its error (so the verdict's error and reasons never come back as an alternative).
    public static func diagnose(_ facts: DiagnosisFacts, rules: [DiagnosisRules.Rule] = DiagnosisRules.all)
        -> Diagnosis
    {
        var fired: [(rule: DiagnosisRules.Rule, lines: [String])] = []
        for rule in rules {
            if let lines = rule.evaluate(facts) { fired.append((rule, lines)) }
        }
        guard let winner = fired.first(where: { !$0.rule.fallback }) ?? fired.first else {
            // Only reachable with a rule table without catch-alls.
            return Diagnosis(title: "No diagnosis", windowsError: nil, npsReasons: [], cause: "No rule applies.",
                             fix: "Read the evidence.", confidence: .possible,
                             evidence: ["outcome: \(facts.outcome.rawValue)"], rule: "none")
        }
        let rule = winner.rule
        let windowsError = rule.windowsError(for: facts)

        let ceiling = rule.confidence.lessSure
        var alternatives: [Diagnosis.Alternative] = []
        // The reasons already named for each Windows error: an alternative that names no new one repeats (one
        // without reasons repeats an earlier one without reasons for the same error).
        var named: [Int?: Set<Int>] = [windowsError: Set(rule.npsReasons)]
        var namedWithoutReasons: Set<Int?> = rule.npsReasons.isEmpty ? [windowsError] : []
        func add(_ candidate: Diagnosis.Alternative) {
            let reasons = Set(candidate.npsReasons)
            if reasons.isEmpty {
                guard namedWithoutReasons.insert(candidate.windowsError).inserted else { return }
            } else {
                if let earlier = named[candidate.windowsError], reasons.isSubset(of: earlier) { return }
                named[candidate.windowsError, default: []].formUnion(reasons)
            }
            var alternative = candidate
            alternative.confidence = max(candidate.confidence, ceiling)
            alternatives.append(alternative)
        }
        rule.alternatives.forEach(add)
        for (other, _) in fired where !other.fallback && other.id != rule.id {
            add(Diagnosis.Alternative(
                windowsError: other.windowsError(for: facts), npsReasons: other.npsReasons, cause: other.cause,
                confidence: other.confidence, rule: other.id))
        }

        // The server's words and the pre-flight are always part of the evidence, each line once.
        var evidence = winner.lines
        func append(_ line: String) { if !evidence.contains(line) { evidence.append(line) } }
        for message in facts.serverMessages where message.source != .msCHAP { append(facts.line(quoting: message)) }
        for finding in facts.preflight { append(facts.line(for: finding)) }

        var cause = rule.cause
        let words = facts.serverMessages.filter { $0.source != .msCHAP }.map(\.text)
        if !words.isEmpty {
            cause += " The server says: " + words.map { "“\($0)”" }.joined(separator: " ") + "."
        }
        return Diagnosis(
            title: title(windowsError: windowsError, headline: rule.headline),
            windowsError: windowsError, npsReasons: rule.npsReasons, cause: cause, fix: rule.fix,
            confidence: rule.confidence, evidence: evidence, rule: rule.id, alternatives: alternatives,
            related: rule.related)
    }

    /// "Windows error 853 (ERROR_EAP_USER_CERT_INVALID): <headline>", the symbol from `WindowsError.catalogue`;
    /// the headline alone, capitalised, when there is no Windows error.
    public static func title(windowsError: Int?, headline: String) -> String {
        guard let code = windowsError else { return headline.prefix(1).uppercased() + headline.dropFirst() }
        let symbol = NPSKnowledge.windowsError(code).map { " (\($0.symbol))" } ?? ""
        return "Windows error \(code)\(symbol): \(headline)"
    }

    // MARK: - Text

    /// How many evidence lines the short form shows: the facts that decided the verdict.
    public static let decidingFacts = 3

    /// The short form `auth` prints by default: the verdict, cause and fix, the facts that decided it and how
    /// sure it is (about five lines); `render(_:width:)` has everything.
    public static func renderShort(_ diagnosis: Diagnosis, width: Int = 100) -> String {
        var out = wrap(diagnosis.title, width: width, first: "", rest: "  ")
        out += wrap(diagnosis.cause, width: width, first: "Cause: ", rest: "       ")
        out += wrap(diagnosis.fix, width: width, first: "Fix:   ", rest: "       ")
        let facts = diagnosis.evidence.prefix(decidingFacts)
        if !facts.isEmpty {
            out += wrap(facts.joined(separator: "; "), width: width, first: "Seen:  ", rest: "       ")
        }
        var sure = diagnosis.confidence.rawValue
        if !diagnosis.npsReasons.isEmpty {
            sure += "; look for NPS reason " + diagnosis.npsReasons.map(String.init).joined(separator: ", ")
                + " in event 6273"
        }
        out += wrap(sure + " (-v: all evidence, other readings)", width: width, first: "Confidence: ",
                    rest: "            ")
        return out.joined(separator: "\n")
    }

    /// "likely (rule x); NPS reason codes to look for in event 6273: 16, 8".
    static func confidenceLine(_ diagnosis: Diagnosis) -> String {
        var sure = "\(diagnosis.confidence.rawValue) (rule \(diagnosis.rule))"
        if !diagnosis.npsReasons.isEmpty {
            sure += "; NPS reason codes to look for in event 6273: "
                + diagnosis.npsReasons.map(String.init).joined(separator: ", ")
        }
        return sure
    }

    /// The human form: the verdict (error, cause, fix) first, then the evidence, the other readings and the
    /// related errors; every line at most `width` columns (a word longer than that stays whole).
    public static func render(_ diagnosis: Diagnosis, width: Int = 100) -> String {
        var out = wrap(diagnosis.title, width: width, first: "", rest: "  ")
        out += wrap(diagnosis.cause, width: width, first: "Cause: ", rest: "       ")
        out += wrap(diagnosis.fix, width: width, first: "Fix:   ", rest: "       ")
        out += wrap(confidenceLine(diagnosis), width: width, first: "Confidence: ", rest: "            ")
        if !diagnosis.evidence.isEmpty {
            out.append("Evidence:")
            for line in diagnosis.evidence { out += wrap(line, width: width, first: "  - ", rest: "    ") }
        }
        if !diagnosis.alternatives.isEmpty {
            out.append("Other readings:")
            for alternative in diagnosis.alternatives {
                var head = alternative.windowsError.map { "Windows error \($0)" } ?? "no Windows error"
                if !alternative.npsReasons.isEmpty {
                    head += ", reason " + alternative.npsReasons.map(String.init).joined(separator: "/")
                }
                out += wrap("\(head) (\(alternative.confidence.rawValue)): \(alternative.cause)", width: width,
                            first: "  - ", rest: "    ")
            }
        }
        if !diagnosis.related.isEmpty {
            let related = diagnosis.related.map { code in
                NPSKnowledge.windowsError(code).map { "\(code) (\($0.symbol))" } ?? "\(code)"
            }
            out += wrap(related.joined(separator: ", "), width: width, first: "Related: ", rest: "         ")
        }
        return out.joined(separator: "\n")
    }

    /// One line for tables and suite reports: "Windows error 691 (likely NPS reason 16, 8): the user name or
    /// password was refused".
    public static func summary(_ diagnosis: Diagnosis) -> String {
        let reasons = diagnosis.npsReasons.isEmpty
            ? "" : " (\(diagnosis.confidence.rawValue); NPS reason "
                + diagnosis.npsReasons.map(String.init).joined(separator: ", ") + ")"
        guard let code = diagnosis.windowsError else { return diagnosis.title }
        let headline = diagnosis.title.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        return "Windows error \(code)\(reasons):\(headline)"
    }

    /// Greedy word wrap with a first-line and a continuation prefix.
    static func wrap(_ text: String, width: Int, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var current = first
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = empty ? current + word : current + " " + word
            if !empty, candidate.count > width {
                lines.append(current)
                current = rest + word
            } else {
                current = candidate
            }
            empty = false
        }
        lines.append(current)
        return lines
    }
}
