import CodedErrors
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

/// The errors of profiles and suites: a problem with the place it was written and, when there is one, a hint.
///
/// Tests match on `code`; `reason` is for people. Codes are written to JSON (`validate --json`) in snake_case,
/// e.g. "unknown_key".
public enum ProfileDomain: ListedErrorDomain {
    public struct Detail: Sendable {
        public let location: SourceLocation
        /// What to do about it, when there is something to suggest ("did you mean `servers`?").
        public let hint: String?
        /// Every problem the load found (errors and warnings, in file order), this one among them.
        public let issues: [ProfileIssue]
    }

    public static let allCodes: [ProfileError.Code] = [
        .unreadableFile, .yamlSyntax, .unknownKey, .wrongType, .invalidValue, .missingKey, .duplicateKey,
        .conflictingKeys, .unsetVariable, .badSubstitution, .badInclude, .includeLoop, .duplicateCase, .badExpectation,
        .badAssertion, .badRegex, .unknownMethod, .badServer, .badAttribute, .missingFile, .unreadableCredentials,
        .certificate, .unsetSecret, .literalSecret, .insecure, .ignoredKey, .badDictionary, .tlsConfiguration,
    ]

    /// `path:line:column: error: reason (hint) [and N more error(s)]`.
    public static func describe(_ error: ProfileError) -> String {
        "\(error.location): error: \(error.reason)" + (error.hint.map { " (\($0))" } ?? "")
            + (error.errors.count > 1 ? " [and \(error.errors.count - 1) more error(s)]" : "")
    }
}

/// A problem found in a profile or suite (see `CodedError`).
public typealias ProfileError = CodedError<ProfileDomain>

extension CodedError where Domain == ProfileDomain {
    public init(_ code: Code, at location: SourceLocation, _ reason: String, hint: String? = nil,
                issues: [ProfileIssue]? = nil, file: String = #fileID, line: UInt = #line) {
        let issues = issues ?? [ProfileIssue(.error, code, at: location, reason, hint: hint)]
        self.init(code, reason, detail: ProfileDomain.Detail(location: location, hint: hint, issues: issues),
                  file: file, line: line)
    }

    public var location: SourceLocation { detail.location }
    /// What to do about it, when there is something to suggest ("did you mean `servers`?").
    public var hint: String? { detail.hint }
    /// Every problem the load found (errors and warnings, in file order), this one among them.
    public var issues: [ProfileIssue] { detail.issues }

    public var path: String { location.path }
    public var line: Int { location.line }
    public var column: Int { location.column }
    /// The same as `reason` (the name the issue text uses).
    public var message: String { reason }

    /// The errors among `issues`.
    public var errors: [ProfileIssue] { issues.filter { $0.severity == .error } }
}

extension CodedError.Code where Domain == ProfileDomain {
    /// The file cannot be read (missing, a directory, not UTF-8).
    public static var unreadableFile: Self { Self("unreadable_file") }
    /// The YAML itself does not parse.
    public static var yamlSyntax: Self { Self("yaml_syntax") }
    /// A key the schema does not know (the hint suggests the nearest one).
    public static var unknownKey: Self { Self("unknown_key") }
    /// A value of the wrong YAML type (a list where a string belongs…).
    public static var wrongType: Self { Self("wrong_type") }
    /// A value of the right type but out of range or not one of the allowed words.
    public static var invalidValue: Self { Self("invalid_value") }
    /// A key the method (or the document) needs is missing.
    public static var missingKey: Self { Self("missing_key") }
    /// The same key twice in one mapping.
    public static var duplicateKey: Self { Self("duplicate_key") }
    /// Two keys that exclude each other (`server` and `servers`, `cert` and `pkcs12`…).
    public static var conflictingKeys: Self { Self("conflicting_keys") }
    /// `${VAR}` without a default and `VAR` is not set.
    public static var unsetVariable: Self { Self("unset_variable") }
    /// A malformed `${…}` (unterminated, bad name).
    public static var badSubstitution: Self { Self("bad_substitution") }
    /// `include:` names a file that is missing, unreadable, or not a profile.
    public static var badInclude: Self { Self("bad_include") }
    /// A file includes itself, directly or through others.
    public static var includeLoop: Self { Self("include_loop") }
    /// Two cases of one suite share a name.
    public static var duplicateCase: Self { Self("duplicate_case") }
    /// `expect:` is malformed or names an unknown Windows error / NPS reason code.
    public static var badExpectation: Self { Self("bad_expectation") }
    /// An `assert:` entry is malformed.
    public static var badAssertion: Self { Self("bad_assertion") }
    /// `matches:` is not a valid regular expression.
    public static var badRegex: Self { Self("bad_regex") }
    /// `method:` is not one the probe speaks.
    public static var unknownMethod: Self { Self("unknown_method") }
    /// A server is not `HOST[:PORT]`.
    public static var badServer: Self { Self("bad_server") }
    /// An `attributes:` entry or an asserted attribute does not parse against the dictionary.
    public static var badAttribute: Self { Self("bad_attribute") }
    /// A file the case needs (certificate, key, CA, secret file…) is missing or unreadable.
    public static var missingFile: Self { Self("missing_file") }
    /// Certificate and key do not load (wrong password, not a key, key of another certificate).
    public static var unreadableCredentials: Self { Self("unreadable_credentials") }
    /// Certificate pre-flight: expired, not yet valid, no clientAuth EKU, chain incomplete…
    public static var certificate: Self { Self("certificate") }
    /// A secret's environment variable is not set (a warning for `validate`, an error for `run`).
    public static var unsetSecret: Self { Self("unset_secret") }
    /// A secret written in the profile itself (warning).
    public static var literalSecret: Self { Self("literal_secret") }
    /// `tls.insecure: true` (warning).
    public static var insecure: Self { Self("insecure") }
    /// A key that the case's method does not use (warning).
    public static var ignoredKey: Self { Self("ignored_key") }
    /// An extra dictionary file does not load.
    public static var badDictionary: Self { Self("bad_dictionary") }
    /// TLS settings OpenSSL refuses (cipher list, groups, CA file content, CRL).
    public static var tlsConfiguration: Self { Self("tls_configuration") }
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
