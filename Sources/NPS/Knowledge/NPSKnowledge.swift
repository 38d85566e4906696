/// Look-ups and explanations over the three catalogues (reason codes, Windows errors, MS-CHAP errors).
///
/// The catalogues are immutable `static let` tables, built once and safe to share between threads.
public enum NPSKnowledge {
    /// The words used when a number is not in a catalogue; the summaries and renderers use the same text.
    public static let notInCatalogue = "not in the catalogue"

    private static let reasonsByCode: [Int: NPSReasonCode] = index(NPSReasonCode.catalogue, by: \.code)
    private static let windowsByCode: [Int: WindowsError] = index(WindowsError.catalogue, by: \.code)
    private static let msChapByCode: [Int: MSCHAPError] = index(MSCHAPError.catalogue, by: \.code)
    /// Windows error → the reason codes that list it, in reason-code order: the one stored mapping read backwards.
    private static let reasonsByWindowsError: [Int: [Int]] = NPSReasonCode.catalogue.reduce(into: [:]) { out, row in
        for error in row.windowsErrors where out[error]?.last != row.code { out[error, default: []].append(row.code) }
    }
    private static let eventsByCode: [Int: NPSEvent] = index(NPSEvent.catalogue, by: \.code)

    private static func index<Row>(_ rows: [Row], by key: (Row) -> Int) -> [Int: Row] {
        var out: [Int: Row] = [:]
        for row in rows where out[key(row)] == nil { out[key(row)] = row }
        return out
    }

    // MARK: Rows

    public static func reasonCode(_ code: Int) -> NPSReasonCode? { reasonsByCode[code] }
    public static func windowsError(_ code: Int) -> WindowsError? { windowsByCode[code] }
    public static func msChapError(_ code: Int) -> MSCHAPError? { msChapByCode[code] }
    public static func event(_ code: Int) -> NPSEvent? { eventsByCode[code] }
    /// A topic by one of its names or its KB number ("strong-mapping", "KB5014754"), any case.
    public static func topic(named name: String) -> NPSTopic? {
        let lower = name.lowercased()
        return NPSTopic.catalogue.first { $0.names.contains(lower) || "kb\($0.kb)" == lower }
    }

    /// The reason codes whose row lists Windows error `code` in `windowsErrors`, by number.
    public static func reasonCodes(surfacingAs code: Int) -> [Int] { reasonsByWindowsError[code] ?? [] }

    /// "IAS_AUTH_FAILURE: Wrong credentials: …" or "not in the catalogue", for one-line listings.
    public static func label(reasonCode code: Int) -> String {
        guard let row = reasonsByCode[code] else { return notInCatalogue }
        return (row.symbol.map { "\($0): " } ?? "") + row.summary
    }

    public static func label(windowsError code: Int) -> String {
        guard let row = windowsByCode[code] else { return notInCatalogue }
        return "\(row.symbol): \(row.gist)"
    }

    public static func label(msChapError code: Int) -> String {
        guard let row = msChapByCode[code] else { return notInCatalogue }
        return "\(row.symbol): \(row.meaning)"
    }

    public static func label(event code: Int) -> String {
        guard let row = eventsByCode[code] else { return notInCatalogue }
        return "\(row.source): \(row.gist)"
    }

    // MARK: Explanations

    /// The NPS reason code as seen in event 6273 or the accounting log; nil when not in the catalogue.
    public static func explain(reasonCode code: Int) -> Explanation? {
        guard let row = reasonsByCode[code] else { return nil }
        var notes = ["Category: \(row.category)."]
        if !row.windowsErrors.isEmpty {
            notes.append(
                "The Windows errors listed are the usual ones, not certain ones: the same NPS failure can surface "
                    + "differently depending on the tunnel and the client.")
        }
        return Explanation(
            kind: .reasonCode, code: code, symbol: row.symbol,
            title: "NPS reason code \(code)" + (row.symbol.map { " (\($0))" } ?? ""),
            summary: row.summary, causes: row.causes, fixes: row.fixes,
            related: row.windowsErrors.map { Reference(kind: .windowsError, code: $0, label: label(windowsError: $0)) },
            notes: notes)
    }

    /// The Windows error number a user reports ("error 853"); nil when not in the catalogue.
    public static func explain(windowsError code: Int) -> Explanation? {
        guard let row = windowsByCode[code] else { return nil }
        var related = row.reasonCodes.map {
            Reference(kind: .reasonCode, code: $0, label: label(reasonCode: $0))
        }
        if msChapByCode[code] != nil {
            related.append(Reference(kind: .msChapError, code: code, label: label(msChapError: code)))
        }
        var notes: [String] = []
        switch row.source {
        case .ras: notes.append("Raised by the Windows RAS client (raserror.h).")
        case .router: notes.append("Raised by the Routing and Remote Access server (mprerror.h).")
        case .ike: notes.append("Raised by the IPsec IKE layer (winerror.h); NPS is usually not involved.")
        }
        if !row.reasonCodes.isEmpty {
            notes.append("No reason code travels in an Access-Reject: read NPS event 6273 or the NPS log "
                + "(Reason-Code) for the same user and time to pick among the related reason codes.")
        }
        return Explanation(
            kind: .windowsError, code: code, symbol: row.symbol,
            title: "Windows error \(code) (\(row.symbol))",
            summary: row.gist, causes: row.causes, fixes: row.fixes, related: related, notes: notes)
    }

    /// The `E=` number of an MS-CHAP Failure / MS-CHAP-Error; `retry` is the parsed `R=` flag when known.
    /// Parse the string itself with `MSCHAPv2Failure(parsing:)` in the EAP target.
    public static func explain(msChapError code: Int, retry: Bool? = nil) -> Explanation? {
        guard let row = msChapByCode[code] else { return nil }
        var related = [Reference(kind: .windowsError, code: row.windowsError, label: label(windowsError: code))]
        related += row.reasonCodes.map { Reference(kind: .reasonCode, code: $0, label: label(reasonCode: $0)) }
        var notes: [String] = []
        switch retry {
        case true?: notes.append("R=1: the server allows another attempt with the new challenge it sent.")
        case false?: notes.append("R=0: the server allows no retry in this conversation.")
        case nil: notes.append("R=1 would allow another attempt with the new challenge C; R=0 allows none.")
        }
        if let note = row.retryNote { notes.append(note) }
        notes.append(MSCHAPError.attributeNote)
        return Explanation(
            kind: .msChapError, code: code, symbol: row.symbol,
            title: "MS-CHAP error E=\(code) (\(row.symbol))",
            summary: row.meaning, causes: row.causes, fixes: row.fixes, related: related, notes: notes)
    }

    /// An NPS or domain-controller event id ("event 4418", "kdc 39"); nil when not in the catalogue.
    public static func explain(event code: Int) -> Explanation? {
        guard let row = eventsByCode[code] else { return nil }
        let who = row.source == .kdc ? "KDC event" : "NPS event"
        return Explanation(
            kind: .event, code: code, symbol: nil, title: "\(who) \(code) (\(row.source))",
            summary: row.gist, causes: row.causes, fixes: row.fixes,
            related: row.windowsErrors.map { Reference(kind: .windowsError, code: $0, label: label(windowsError: $0)) },
            notes: ["Sources: " + row.sources.joined(separator: "; ") + "."])
    }

    /// A topic ("strong-mapping", "KB5040268").
    public static func explain(topic: NPSTopic) -> Explanation {
        var related = topic.windowsErrors.map {
            Reference(kind: .windowsError, code: $0, label: label(windowsError: $0))
        }
        related += topic.reasonCodes.map { Reference(kind: .reasonCode, code: $0, label: label(reasonCode: $0)) }
        related += topic.events.map { Reference(kind: .event, code: $0, label: label(event: $0)) }
        return Explanation(
            kind: .topic, code: topic.kb, symbol: "KB\(topic.kb)", title: topic.title, summary: topic.summary,
            causes: topic.causes, fixes: topic.fixes, related: related, notes: topic.notes)
    }

    // MARK: Free-text queries

    /// The answer to a free-text query such as "853", "reason 16", "IAS_AUTH_FAILURE" or
    /// "ERROR_AUTHENTICATION_FAILURE".
    public struct QueryResolution: Sendable, Hashable, Codable {
        public let query: String
        /// Best match first; several when a number or symbol exists in more than one catalogue (691).
        public let explanations: [Explanation]
        /// Why nothing, or not everything, matched.
        public let notes: [String]
        /// False when the query is not in a form `resolve` reads (empty, not a number, prefixed number or
        /// symbol, or an `E=` string left to the caller): the input is wrong, rather than missing from the
        /// catalogue.
        public let understood: Bool

        public var isEmpty: Bool { explanations.isEmpty }
    }

    /// Resolves a free-text query:
    /// - a bare number: a Windows error when catalogued (plus the MS-CHAP error of the same number), else a
    ///   reason code;
    /// - "reason 16", "reason code 16", "rc 16", "nps 16": a reason code;
    /// - "error 853", "windows 853", "ras 853", "0x355": a Windows error;
    /// - "mschap 691", "ms-chap 691": an MS-CHAP error;
    /// - "event 4418", "kdc 39", "kdc event 39": an NPS or domain-controller event (a bare number that is neither a
    ///   Windows error nor a reason code, too);
    /// - a topic's name or KB number: "strong-mapping", "blastradius", "KB5014754";
    /// - a symbol, any case: `IAS_…` (reason codes) or `ERROR_…` (Windows and MS-CHAP errors).
    /// "E=691 R=1 …" strings are not parsed here: the caller parses them (EAP `MSCHAPv2Failure`) and calls
    /// `explain(msChapError:retry:)`.
    public static func resolve(_ query: String) -> QueryResolution {
        let trimmed = query.npsTrimming(" \t\r\n")
        let lower = trimmed.lowercased()
        if lower.isEmpty {
            return QueryResolution(query: query, explanations: [], notes: ["Empty query."], understood: false)
        }
        if lower.hasPrefix("e=") {
            return QueryResolution(
                query: query, explanations: [],
                notes: ["An MS-CHAP failure string: parse it (MSCHAPv2Failure) and explain its E= code."],
                understood: false)
        }
        if let topic = topic(named: trimmed) {
            return QueryResolution(query: query, explanations: [explain(topic: topic)], notes: [], understood: true)
        }
        if let symbolic = resolveSymbol(trimmed) {
            return QueryResolution(query: query, explanations: symbolic.0, notes: symbolic.1, understood: true)
        }
        let (prefix, numberText) = splitPrefix(lower)
        guard let number = parseNumber(numberText) else {
            return QueryResolution(
                query: query, explanations: [],
                notes: ["Not understood: give a number (853), 'reason 16', 'mschap 691' or a symbol."],
                understood: false)
        }
        switch prefix {
        case .reason:
            return single(query, explain(reasonCode: number), "NPS reason code \(number) is \(notInCatalogue).")
        case .windows:
            return single(query, explain(windowsError: number), "Windows error \(number) is \(notInCatalogue).")
        case .msChap:
            return single(query, explain(msChapError: number), "MS-CHAP error \(number) is \(notInCatalogue).")
        case .event:
            return single(query, explain(event: number), "Event \(number) is \(notInCatalogue).")
        case .none:
            var found: [Explanation] = []
            if let windows = explain(windowsError: number) {
                found.append(windows)
                if let chap = explain(msChapError: number) { found.append(chap) }
            } else if let reason = explain(reasonCode: number) {
                found.append(reason)
            } else if let event = explain(event: number) {
                found.append(event)
            }
            let note = found.isEmpty
                ? ["\(number) is \(notInCatalogue) (neither a catalogued Windows error, an NPS reason code nor an "
                    + "event)."]
                : []
            return QueryResolution(query: query, explanations: found, notes: note, understood: true)
        }
    }

    private enum Prefix { case none, reason, windows, msChap, event }

    private static let prefixes: [(String, Prefix)] = [
        ("nps reason code", .reason), ("reason code", .reason), ("reason-code", .reason), ("reasoncode", .reason),
        ("reason", .reason), ("rc", .reason), ("nps", .reason),
        ("windows error", .windows), ("ras error", .windows), ("error", .windows), ("windows", .windows),
        ("win", .windows), ("ras", .windows),
        ("ms-chap error", .msChap), ("mschap error", .msChap), ("ms-chap", .msChap), ("mschap", .msChap),
        ("nps event", .event), ("kdc event", .event), ("event id", .event), ("event", .event), ("kdc", .event),
    ]

    private static func splitPrefix(_ lower: String) -> (Prefix, String) {
        for (word, prefix) in prefixes where lower.hasPrefix(word) {
            let rest = lower.dropFirst(word.count)
            // "rc16" and "reason 16" are fine; "ERROR_X" was handled as a symbol before.
            let cleaned = rest.drop(while: { $0 == " " || $0 == ":" || $0 == "=" || $0 == "#" })
            if cleaned.first?.isNumber == true { return (prefix, String(cleaned)) }
        }
        return (.none, lower)
    }

    private static func parseNumber(_ text: String) -> Int? {
        let t = text.npsTrimming(" ")
        if t.hasPrefix("0x") { return Int(t.dropFirst(2), radix: 16) }
        guard !t.isEmpty, t.allSatisfy(\.isNumber) else { return nil }
        return Int(t)
    }

    private static func single(_ query: String, _ explanation: Explanation?, _ missing: String) -> QueryResolution {
        if let explanation {
            return QueryResolution(query: query, explanations: [explanation], notes: [], understood: true)
        }
        return QueryResolution(query: query, explanations: [], notes: [missing], understood: true)
    }

    /// Symbols look like `IAS_AUTH_FAILURE` / `ERROR_EAP_USER_CERT_INVALID`: letters, digits, underscores,
    /// with at least one underscore and starting with a letter.
    private static func resolveSymbol(_ text: String) -> ([Explanation], [String])? {
        guard text.contains("_"), text.first?.isLetter == true,
            text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else { return nil }
        let symbol = text.uppercased()
        var found: [Explanation] = []
        for row in NPSReasonCode.catalogue where row.symbol == symbol {
            if let e = explain(reasonCode: row.code) { found.append(e) }
        }
        for row in WindowsError.catalogue where row.symbol == symbol {
            if let e = explain(windowsError: row.code) { found.append(e) }
        }
        for row in MSCHAPError.catalogue where row.symbol == symbol {
            if let e = explain(msChapError: row.code) { found.append(e) }
        }
        return (found, found.isEmpty ? ["Symbol \(symbol) is \(notInCatalogue)."] : [])
    }
}

extension String {
    /// Foundation-free trimming of the given characters at both ends.
    func npsTrimming(_ set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
