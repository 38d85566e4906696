/// A structured answer to "what does this number mean": the same shape for reason codes, Windows errors and
/// MS-CHAP errors, Codable for `--json`, with a plain-text renderer for the terminal.
public struct Explanation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CustomStringConvertible {
        case reasonCode
        case windowsError
        case msChapError
        /// An NPS or domain-controller event id (4418, KDC 39).
        case event
        /// A subject spanning the catalogues, coded by its KB number (KB5014754).
        case topic

        public var description: String {
            switch self {
            case .reasonCode: return "NPS reason code"
            case .windowsError: return "Windows error"
            case .msChapError: return "MS-CHAP error"
            case .event: return "event"
            case .topic: return "KB"
            }
        }
    }

    public let kind: Kind
    public let code: Int
    public let symbol: String?
    /// "Windows error 853 (ERROR_EAP_USER_CERT_INVALID)".
    public let title: String
    public let summary: String
    public let causes: [String]
    public let fixes: [String]
    public let related: [Reference]
    /// Extra remarks (the reason-code category, the meaning of R=, the MS-CHAP-Error layout, caveats).
    public let notes: [String]

    public init(
        kind: Kind, code: Int, symbol: String?, title: String, summary: String,
        causes: [String], fixes: [String], related: [Reference], notes: [String] = []
    ) {
        self.kind = kind
        self.code = code
        self.symbol = symbol
        self.title = title
        self.summary = summary
        self.causes = causes
        self.fixes = fixes
        self.related = related
        self.notes = notes
    }
}

/// A pointer from one explanation to another catalogue entry.
public struct Reference: Sendable, Hashable, Codable, CustomStringConvertible {
    public let kind: Explanation.Kind
    public let code: Int
    /// Symbol and one-line gist of the target, or "not in the catalogue".
    public let label: String

    public init(kind: Explanation.Kind, code: Int, label: String) {
        self.kind = kind
        self.code = code
        self.label = label
    }

    public var description: String { "\(kind) \(code): \(label)" }
}

extension Explanation {
    /// Plain text for a terminal, every line at most `width` columns (long words are never split).
    public func renderText(width: Int = 100) -> String {
        var out: [String] = []
        out.append(title)
        out += TextWrap.wrap(summary, width: width, indent: "  ", hangingIndent: "  ")
        func section(_ heading: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            out.append("")
            out.append(heading)
            for item in items {
                out += TextWrap.wrap(item, width: width, indent: "  - ", hangingIndent: "    ")
            }
        }
        section("Likely causes:", causes)
        section("What to check and fix:", fixes)
        section("Related:", related.map(\.description))
        section("Notes:", notes)
        return out.joined(separator: "\n") + "\n"
    }
}

/// Greedy word wrapping for the plain-text renderers (here and in the CLI).
public enum TextWrap {
    /// Wraps `text` so that each line, indent included, fits `width` columns when its words allow it.
    public static func wrap(_ text: String, width: Int, indent: String, hangingIndent: String) -> [String] {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard !words.isEmpty else { return [indent.trimmingTrailingSpaces()] }
        var lines: [String] = []
        var line = indent
        var lineHasWord = false
        for word in words {
            let candidateLength = line.count + (lineHasWord ? 1 : 0) + word.count
            if lineHasWord && candidateLength > width {
                lines.append(line)
                line = hangingIndent + word
            } else {
                line += (lineHasWord ? " " : "") + word
            }
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
