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
    let path: String
    let environment: [String: String]
    var issues: [ProfileIssue] = []
    /// Unset variables already reported in this file (index of the issue, uses), so that a variable used
    /// thirty times gives one error at its first use.
    private var unset: [String: (index: Int, uses: Int)] = [:]

    init(path: String, environment: [String: String]) {
        self.path = path
        self.environment = environment
    }

    /// The root of `text`, or nil (with an issue) when it does not parse or is empty.
    mutating func read(_ text: String) -> YAMLValue? {
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
        return convert(node)
    }

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
