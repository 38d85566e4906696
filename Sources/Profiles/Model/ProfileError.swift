import Foundation

/// Where something was written: a file and a 1-based line and column (columns count Unicode scalars,
/// as libyaml does).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Absolute path of the file (or a name such as `<command line>` for settings that came from elsewhere).
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// The start of a file, for problems that concern the whole file.
    public static func file(_ path: String) -> SourceLocation { SourceLocation(path: path, line: 1, column: 1) }

    /// `path:line:column`, the form editors and compilers use.
    public var description: String { "\(path):\(line):\(column)" }
}

/// A problem found in a profile or suite, with the place it was written and, when there is one, a hint.
///
/// Errors in the swift-asn1 style: tests match on `code`; `reason` is for humans.
public struct ProfileError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile, yamlSyntax, unknownKey, wrongType, invalidValue, missingKey, duplicateKey
            case conflictingKeys, unsetVariable, badSubstitution, badInclude, includeLoop, duplicateCase
            case badExpectation, badAssertion, badRegex, unknownMethod, badServer, badAttribute, missingFile
            case unreadableCredentials, certificate, unsetSecret, literalSecret, insecure, ignoredKey
            case badDictionary, tlsConfiguration
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file cannot be read (missing, a directory, not UTF-8).
        public static let unreadableFile = Code(.unreadableFile)
        /// The YAML itself does not parse.
        public static let yamlSyntax = Code(.yamlSyntax)
        /// A key the schema does not know (the hint suggests the nearest one).
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong YAML type (a list where a string belongs…).
        public static let wrongType = Code(.wrongType)
        /// A value of the right type but out of range or not one of the allowed words.
        public static let invalidValue = Code(.invalidValue)
        /// A key the method (or the document) needs is missing.
        public static let missingKey = Code(.missingKey)
        /// The same key twice in one mapping.
        public static let duplicateKey = Code(.duplicateKey)
        /// Two keys that exclude each other (`server` and `servers`, `cert` and `pkcs12`…).
        public static let conflictingKeys = Code(.conflictingKeys)
        /// `${VAR}` without a default and `VAR` is not set.
        public static let unsetVariable = Code(.unsetVariable)
        /// A malformed `${…}` (unterminated, bad name).
        public static let badSubstitution = Code(.badSubstitution)
        /// `include:` names a file that is missing, unreadable, or not a profile.
        public static let badInclude = Code(.badInclude)
        /// A file includes itself, directly or through others.
        public static let includeLoop = Code(.includeLoop)
        /// Two cases of one suite share a name.
        public static let duplicateCase = Code(.duplicateCase)
        /// `expect:` is malformed or names an unknown Windows error / NPS reason code.
        public static let badExpectation = Code(.badExpectation)
        /// An `assert:` entry is malformed.
        public static let badAssertion = Code(.badAssertion)
        /// `matches:` is not a valid regular expression.
        public static let badRegex = Code(.badRegex)
        /// `method:` is not one the probe speaks.
        public static let unknownMethod = Code(.unknownMethod)
        /// A server is not `HOST[:PORT]`.
        public static let badServer = Code(.badServer)
        /// An `attributes:` entry or an asserted attribute does not parse against the dictionary.
        public static let badAttribute = Code(.badAttribute)
        /// A file the case needs (certificate, key, CA, secret file…) is missing or unreadable.
        public static let missingFile = Code(.missingFile)
        /// Certificate and key do not load (wrong password, not a key, key of another certificate).
        public static let unreadableCredentials = Code(.unreadableCredentials)
        /// Certificate pre-flight: expired, not yet valid, no clientAuth EKU, chain incomplete…
        public static let certificate = Code(.certificate)
        /// A secret's environment variable is not set (a warning for `validate`, an error for `run`).
        public static let unsetSecret = Code(.unsetSecret)
        /// A secret written in the profile itself (warning).
        public static let literalSecret = Code(.literalSecret)
        /// `tls.insecure: true` (warning).
        public static let insecure = Code(.insecure)
        /// A key that the case's method does not use (warning).
        public static let ignoredKey = Code(.ignoredKey)
        /// An extra dictionary file does not load.
        public static let badDictionary = Code(.badDictionary)
        /// TLS settings OpenSSL refuses (cipher list, groups, CA file content, CRL).
        public static let tlsConfiguration = Code(.tlsConfiguration)

        public var description: String {
            // snake_case, stable: used in `validate --json`.
            base.rawValue.reduce(into: "") { out, character in
                if character.isUppercase {
                    out += "_" + character.lowercased()
                } else {
                    out.append(character)
                }
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            let camel = text.split(separator: "_").enumerated().map { $0.offset == 0 ? String($0.element)
                : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
            guard let base = Base(rawValue: camel) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "unknown profile error code \(text)"))
            }
            self.base = base
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public let code: Code
    public let location: SourceLocation
    /// What is wrong, in words; names the key or value.
    public let reason: String
    /// What to do about it, when there is something to suggest ("did you mean `servers`?").
    public let hint: String?
    /// Every problem the load found (errors and warnings, in file order), this one among them.
    public let issues: [ProfileIssue]

    public init(_ code: Code, at location: SourceLocation, _ reason: String, hint: String? = nil,
                issues: [ProfileIssue]? = nil) {
        self.code = code
        self.location = location
        self.reason = reason
        self.hint = hint
        self.issues = issues ?? [ProfileIssue(.error, code, at: location, reason, hint: hint)]
    }

    public var path: String { location.path }
    public var line: Int { location.line }
    public var column: Int { location.column }
    /// The same as `reason` (the name the issue text uses).
    public var message: String { reason }

    /// The errors among `issues`.
    public var errors: [ProfileIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        "\(location): error: \(reason)" + (hint.map { " (\($0))" } ?? "")
            + (errors.count > 1 ? " [and \(errors.count - 1) more error(s)]" : "")
    }
}

/// One finding of a load or a validation: an error (the case cannot run as written) or a warning.
public struct ProfileIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    public var code: ProfileError.Code
    public var location: SourceLocation
    public var message: String
    public var hint: String?
    /// The case concerned, for problems found after merging (nil for file-level problems).
    public var caseName: String?

    public init(_ severity: Severity, _ code: ProfileError.Code, at location: SourceLocation, _ message: String,
                hint: String? = nil, caseName: String? = nil) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint
        self.caseName = caseName
    }

    /// `path:line:column: error: message (hint)` — the line `npsprobe validate` prints.
    public var description: String {
        let subject = caseName.map { "case \($0): " } ?? ""
        return "\(location): \(severity.rawValue): \(subject)\(message)" + (hint.map { " (\($0))" } ?? "")
    }
}
