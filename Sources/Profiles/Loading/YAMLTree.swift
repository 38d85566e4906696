import Foundation
import Yams

/// A YAML value with the place it was written, after `${VAR}` substitution. Built from Yams' `Node` so
/// that nothing of Yams (not Sendable) escapes this file, and so that values merged from several files
/// keep their own file.
struct YAMLValue: Sendable {
    enum Kind: Sendable {
        /// `quoted`: single, double, literal or folded style, or an explicit `!!str`: never a number/bool.
        case scalar(String, quoted: Bool)
        case mapping([YAMLEntry])
        case sequence([YAMLValue])
    }

    var kind: Kind
    var location: SourceLocation
    /// A `${…}` in it could not be substituted (already reported): readers stay silent about it.
    var broken = false

    /// The YAML type's name for "expected X, got Y" messages.
    var typeName: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let quoted):
            if quoted { return "the string \"\(text)\"" }
            if isNull { return "nothing (null)" }
            return "\"\(text)\""
        }
    }

    /// A plain `~`, `null` or nothing as written (before substitution: `${A:-}` is an empty string).
    var isNull = false

    static func isNullText(_ text: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(text) }

    var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    var items: [YAMLValue]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }
}

struct YAMLEntry: Sendable {
    var key: String
    var keyLocation: SourceLocation
    var value: YAMLValue
}

/// Turns YAML text into `YAMLValue`s, substituting `${VAR}`, `${VAR:-default}` and `$$` in every scalar
/// value (never in keys). Problems are collected in `issues`.
struct YAMLReader {
    /// The most values (scalars, mappings, lists) a document may hold once its aliases are expanded. A profile
    /// holds a few hundred; ten lines of nested aliases ("billion laughs") expand to 10⁹, which would take
    /// minutes and gigabytes to walk. Over the limit the reader stops with an error.
    static let maximumValues = 100_000

    let path: String
    let environment: [String: String]
    var issues: [ProfileIssue] = []
    /// Values still allowed before `maximumValues` is reached (counted as `convert` walks the expanded tree).
    private var budget = YAMLReader.maximumValues
    /// Unset variables already reported in this file (index of the issue, uses), so that a variable used
    /// thirty times gives one error at its first use.
    private var unset: [String: (index: Int, uses: Int)] = [:]

    init(path: String, environment: [String: String]) {
        self.path = path
        self.environment = environment
    }

    /// The root of `text`, or nil (with an issue) when it does not parse, is empty or expands to more than
    /// `maximumValues` values.
    mutating func read(_ text: String) -> YAMLValue? {
        if let issue = aliasKeyIssue(text) {
            issues.append(issue)
            return nil
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            issues.append(syntaxIssue(error, text: text))
            return nil
        } catch {
            issues.append(ProfileIssue(.error, .yamlSyntax, at: .file(path), "cannot parse the YAML: \(error)"))
            return nil
        }
        guard let node else {
            issues.append(ProfileIssue(.error, .yamlSyntax, at: .file(path), "the file is empty",
                                       hint: "a profile is a mapping of keys such as servers:, method:, expect:"))
            return nil
        }
        budget = Self.maximumValues
        let root = convert(node)
        guard budget >= 0 else {
            issues.append(ProfileIssue(
                .error, .yamlSyntax, at: location(node.mark),
                "the YAML expands to more than \(Self.maximumValues) values once its aliases (*name) are resolved",
                hint: "a profile needs a few hundred at most; nested aliases that multiply (a \"billion laughs\") "
                    + "are refused"))
            return nil
        }
        return root
    }

    /// Libyaml compares mapping keys when it builds a mapping, and an alias of a large list used as a key
    /// makes that comparison as slow as expanding it. Profile keys are plain words: an alias written as a key
    /// (`*name:`, `{*name: …}`, `? *name`) of an anchor defined in the file is refused before parsing.
    private func aliasKeyIssue(_ text: String) -> ProfileIssue? {
        guard text.contains("&"), text.contains("*") else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var anchors = Set<Substring>()
        for line in lines {
            for match in line.matches(of: Self.anchorPattern) { anchors.insert(match.output.1) }
        }
        guard !anchors.isEmpty else { return nil }
        for (index, line) in lines.enumerated() {
            for match in line.matches(of: Self.aliasKeyPattern) where anchors.contains(match.output.1) {
                // The column of the `*`, in Unicode scalars as libyaml counts.
                let column = line[..<match.output.1.startIndex].unicodeScalars.count
                return ProfileIssue(.error, .yamlSyntax, at: SourceLocation(path: path, line: index + 1,
                                                                            column: column),
                                    "an alias (*\(match.output.1)) is used as a mapping key",
                                    hint: "keys are plain words such as servers:, method:, expect:")
            }
        }
        return nil
    }

    /// `&name` (libyaml anchor names: letters, digits, `-`, `_`).
    private nonisolated(unsafe) static let anchorPattern = /&([A-Za-z0-9_-]+)/
    /// `*name` where a key starts: at the start of a line or after `-`, `?`, `{` or `,`, followed by `:`.
    private nonisolated(unsafe) static let aliasKeyPattern = /(?:^|[-?{,])\s*\*([A-Za-z0-9_-]+)\s*:/

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private func syntaxIssue(_ error: YamlError, text: String) -> ProfileIssue {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the first occurrence; point at the second (same key, same column, later line).
            let key = duplicates.first ?? "?"
            let first = context.mark
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var at = location(first)
            var hint: String?
            for index in first.line..<max(first.line, lines.count) {
                let line = Array(lines[index].unicodeScalars)
                let column = first.column - 1
                guard line.count > column + key.unicodeScalars.count else { continue }
                let candidate = String(String.UnicodeScalarView(line[column...]))
                if candidate.hasPrefix(key + ":") || candidate.hasPrefix("\"\(key)\":") {
                    at = SourceLocation(path: path, line: index + 1, column: first.column)
                    hint = "the first one is at line \(first.line)"
                    break
                }
            }
            return ProfileIssue(.error, .duplicateKey, at: at, "`\(key)` is given twice in the same mapping",
                                hint: hint ?? "keep one")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let where_ = context.map { " \($0.text)" } ?? ""
            return ProfileIssue(.error, .yamlSyntax, at: location(mark), "YAML syntax: \(problem)\(where_)",
                                hint: "check indentation and quoting around this place")
        case .reader(let problem, _, _, _):
            return ProfileIssue(.error, .yamlSyntax, at: .file(path), "YAML: \(problem)")
        default:
            return ProfileIssue(.error, .yamlSyntax, at: .file(path), "YAML: \(error)")
        }
    }

    private mutating func convert(_ node: Node) -> YAMLValue {
        budget -= 1
        guard budget >= 0 else {
            // Over the limit: stop descending; `read` reports it once.
            var value = YAMLValue(kind: .scalar("", quoted: false), location: location(node.mark))
            value.isNull = true
            return value
        }
        switch node {
        case .scalar(let scalar):
            // Quoted and block styles, or an explicit `!!str`, are strings whatever they look like.
            let quoted = scalar.style != .plain && scalar.style != .any
                || scalar.tag.description == "tag:yaml.org,2002:str"
            let start = location(scalar.mark)
            let text = substitute(scalar.string, at: start, style: scalar.style)
            var value = YAMLValue(kind: .scalar(text, quoted: quoted), location: start)
            value.broken = substitutionFailed
            value.isNull = !quoted && YAMLValue.isNullText(scalar.string)
            return value
        case .mapping(let mapping):
            var entries: [YAMLEntry] = []
            for (key, value) in mapping {
                let keyText: String
                switch key {
                case .scalar(let scalar): keyText = scalar.string
                default:
                    issues.append(ProfileIssue(.error, .wrongType, at: location(key.mark),
                                               "a key must be a plain word, not \(describe(key))"))
                    continue
                }
                entries.append(YAMLEntry(key: keyText, keyLocation: location(key.mark), value: convert(value)))
            }
            return YAMLValue(kind: .mapping(entries), location: location(mapping.mark))
        case .sequence(let sequence):
            return YAMLValue(kind: .sequence(sequence.map { convert($0) }), location: location(sequence.mark))
        case .alias(let alias):
            var value = YAMLValue(kind: .scalar("", quoted: false), location: location(alias.mark))
            value.isNull = true
            return value
        }
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        default: return "a value"
        }
    }

    // MARK: ${VAR} substitution

    /// Expands `${NAME}`, `${NAME:-default}` (default when unset or empty, as in sh) and `$$` (a `$`).
    /// A `$` followed by anything else stays as it is. Errors point at the `$`'s column when the scalar
    /// is on one line.
    /// Set by `substitute` when a reference in the last scalar could not be expanded.
    private var substitutionFailed = false

    mutating func substitute(_ text: String, at start: SourceLocation, style: Node.Scalar.Style) -> String {
        substitutionFailed = false
        guard text.contains("$") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        let quoteOffset = (style == .singleQuoted || style == .doubleQuoted) ? 1 : 0
        let singleLine = !text.contains("\n") && style != .literal && style != .folded
        func location(at offset: Int) -> SourceLocation {
            guard singleLine else { return start }
            return SourceLocation(path: start.path, line: start.line, column: start.column + quoteOffset + offset)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                out.append(scalar)
                index += 1
                continue
            }
            let next = scalars[index + 1]
            if next == "$" {
                out.append("$")
                index += 2
                continue
            }
            guard next == "{" else {
                out.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                issues.append(ProfileIssue(.error, .badSubstitution, at: location(at: index),
                                           "unterminated ${ in \"\(text)\"",
                                           hint: "write ${NAME} or ${NAME:-default}; $$ stands for a $"))
                out.append(contentsOf: scalars[index...])
                substitutionFailed = true
                break
            }
            let body = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            var name = body
            var fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            }
            if !Self.isVariableName(name) {
                issues.append(ProfileIssue(.error, .badSubstitution, at: location(at: index),
                                           "\"${\(body)}\" is not a variable reference",
                                           hint: "names are letters, digits and _, not starting with a digit"))
                substitutionFailed = true
            } else if let value = environment[name], !(fallback != nil && value.isEmpty) {
                out.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                out.append(contentsOf: fallback.unicodeScalars)
            } else if let seen = unset[name] {
                unset[name] = (seen.index, seen.uses + 1)
                substitutionFailed = true
                issues[seen.index].message = "environment variable \(name) is not set (used \(seen.uses + 1) times "
                    + "in this file; the first use is here)"
            } else {
                unset[name] = (issues.count, 1)
                substitutionFailed = true
                issues.append(ProfileIssue(.error, .unsetVariable, at: location(at: index),
                                           "environment variable \(name) is not set",
                                           hint: "export \(name)=… or write ${\(name):-default}"))
            }
            index = close + 1
        }
        return String(out)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic
            || ("0"..."9").contains($0))) }
    }
}
