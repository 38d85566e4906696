import Foundation

/// One authentication case, fully merged (suite defaults ← included profile ← the case's own keys) and
/// typed. What `run` executes and `validate` checks.
public struct CaseDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var tags: [String]
    /// The suite the case belongs to (nil for a lone profile).
    public var suite: String?
    /// Where the case is defined: the case entry in a suite, or the start of a profile.
    public var source: SourceLocation
    public var settings: AuthSettings
    /// Default `accept` when the files say nothing.
    public var expectation: Expectation
    public var assertions: [Assertion]
    /// Where each key was written, by key path: `servers`, `servers[1]`, `tls.cert`, `secret`, `expect`,
    /// `assert[2]`, `attributes[0]`… (the file that wrote it, after merging).
    public var locations: [String: SourceLocation]
    /// Top-level keys the case got from its suite's `defaults:` only (the validator does not warn that a
    /// default is unused by one case's method: defaults serve many methods).
    public var inheritedKeys: Set<String>

    public init(
        name: String, description: String? = nil, tags: [String] = [], suite: String? = nil,
        source: SourceLocation, settings: AuthSettings, expectation: Expectation = .accept,
        assertions: [Assertion] = [], locations: [String: SourceLocation] = [:], inheritedKeys: Set<String> = []
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.suite = suite
        self.source = source
        self.settings = settings
        self.expectation = expectation
        self.assertions = assertions
        self.locations = locations
        self.inheritedKeys = inheritedKeys
    }

    /// Where `keyPath` was written; falls back to its parent key, then to the case itself.
    public func location(of keyPath: String) -> SourceLocation {
        var path = keyPath
        while true {
            if let found = locations[path] { return found }
            if let bracket = path.lastIndex(of: "["), path.hasSuffix("]") {
                path = String(path[..<bracket])
            } else if let dot = path.lastIndex(of: ".") {
                path = String(path[..<dot])
            } else {
                return source
            }
        }
    }

    /// Runs the expectation and every assertion on `observation` (the helper `run` uses per result).
    public func evaluate(_ observation: CaseObservation)
        -> (expectation: ExpectationResult, assertions: [AssertionResult])
    {
        let expectationResult = expectation.evaluate(observation)
        // Assertions on the reply mean nothing when the outcome is already wrong, but they are still
        // reported so that a human sees everything at once.
        return (expectationResult, assertions.map { $0.evaluate(observation) })
    }
}

/// A loaded file: a lone profile (one case) or a suite (many).
public struct LoadedDocument: Sendable {
    public enum Kind: String, Sendable, Codable {
        case profile, suite
    }

    public var path: String
    public var kind: Kind
    /// The suite's `suite:` name, or the profile's name.
    public var name: String
    public var description: String?
    /// `parallel:` — how many cases `run` starts at once by default.
    public var parallel: Int?
    public var cases: [CaseDefinition]
    /// Warnings found while loading (literal secrets, `insecure: true`…).
    public var warnings: [ProfileIssue]

    public init(path: String, kind: Kind, name: String, description: String? = nil, parallel: Int? = nil,
                cases: [CaseDefinition], warnings: [ProfileIssue] = []) {
        self.path = path
        self.kind = kind
        self.name = name
        self.description = description
        self.parallel = parallel
        self.cases = cases
        self.warnings = warnings
    }
}
