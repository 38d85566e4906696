import Foundation

/// Loads a profile or a suite into merged, typed cases.
///
/// - A file whose top level has `suite:`, `cases:` or `defaults:` is a suite, anything else a profile.
/// - Merge order for each case: suite `defaults:` ← the profile named by `include:` (itself possibly
///   including another) ← the case's own keys. Maps merge key by key, lists replace.
/// - Relative paths resolve against the folder of the file that wrote them.
/// - `${VAR}`, `${VAR:-default}` and `$$` are substituted in every scalar value from `environment`.
///
/// Every problem is collected: a load reports all of them at once, each at its file:line:column.
public struct ProfileLoader: Sendable {
    /// The largest profile or suite file read (profiles are kilobytes; this bounds memory on a wrong path).
    public static let maximumFileSize = 4 << 20

    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads `path`; throws when there is any error, carrying every issue found (`ProfileError.issues`).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ProfileError) -> LoadedDocument
    {
        try ProfileLoader(environment: environment).load(path: path)
    }

    public func load(path: String) throws(ProfileError) -> LoadedDocument {
        let (document, issues) = loadCollectingIssues(path: path)
        if let first = issues.first(where: { $0.severity == .error }) {
            throw ProfileError(first.code, at: first.location, first.message, hint: first.hint, issues: issues)
        }
        guard let document else {
            throw ProfileError(.unreadableFile, at: .file(path), "nothing could be loaded from \(path)")
        }
        return document
    }

    /// Loads `path` and returns whatever could be built with every issue (errors and warnings) sorted by
    /// file, line and column. The document is nil when the file itself cannot be read or parsed; with
    /// errors elsewhere it holds the cases that could be built.
    public func loadCollectingIssues(path: String) -> (document: LoadedDocument?, issues: [ProfileIssue]) {
        var session = LoadSession(environment: environment)
        let absolute = absolutePath(path)
        let document = session.loadDocument(absolute)
        let ordered = session.issues.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.path != y.path { return x.path == absolute || (y.path != absolute && x.path < y.path) }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
        var unique: [ProfileIssue] = []
        var seen = Set<ProfileIssue>()
        for issue in ordered where seen.insert(issue).inserted { unique.append(issue) }
        return (document.map { var d = $0; d.warnings = unique.filter { $0.severity == .warning }; return d }, unique)
    }

    func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

/// One load: the files read so far (each read once), the issues, the include chain.
private struct LoadSession {
    let environment: [String: String]
    var issues: [ProfileIssue] = []
    /// Parsed files by absolute path (nil: unreadable or not YAML).
    var files: [String: YAMLValue?] = [:]
    /// Profiles already resolved (their own includes merged in), by absolute path.
    var profiles: [String: ProfileFragment?] = [:]

    init(environment: [String: String]) { self.environment = environment }

    mutating func read(_ path: String, includedFrom: SourceLocation?) -> YAMLValue? {
        if let cached = files[path] { return cached }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        // A profile is a few kilobytes; refuse anything huge before reading it (bounded memory).
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let tooLarge = size > ProfileLoader.maximumFileSize
        let data = exists && !isDirectory.boolValue && !tooLarge ? FileManager.default.contents(atPath: path) : nil
        guard let data, let text = String(data: data, encoding: .utf8) else {
            let why = !exists ? "does not exist" : isDirectory.boolValue ? "is a directory"
                : tooLarge ? "is \(size) bytes, over the \(ProfileLoader.maximumFileSize)-byte limit for a profile"
                : data == nil ? "cannot be read" : "is not UTF-8 text"
            if let includedFrom {
                issues.append(ProfileIssue(.error, .badInclude, at: includedFrom, "include: \(path) \(why)",
                                           hint: "relative paths resolve against the folder of the including file"))
            } else {
                issues.append(ProfileIssue(.error, .unreadableFile, at: .file(path), "\(path) \(why)"))
            }
            files[path] = .some(nil)
            return nil
        }
        var reader = YAMLReader(path: path, environment: environment)
        let root = reader.read(text)
        issues += reader.issues
        files[path] = .some(root)
        return root
    }

    static func isSuite(_ root: YAMLValue) -> Bool {
        guard let entries = root.entries else { return false }
        return entries.contains { ["suite", "cases", "defaults"].contains($0.key) }
    }

    static func baseName(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    mutating func loadDocument(_ path: String) -> LoadedDocument? {
        guard let root = read(path, includedFrom: nil) else { return nil }
        guard root.entries != nil else {
            issues.append(ProfileIssue(.error, .wrongType, at: root.location,
                                       "a profile or suite is a mapping of keys, not \(root.typeName)",
                                       hint: "start with keys such as servers:, method:, expect: (or suite:, cases:)"))
            return nil
        }
        if Self.isSuite(root) { return loadSuite(root, path: path) }
        guard let fragment = profile(path, root: root, stack: []) else { return nil }
        let name = fragment.name ?? Self.baseName(path)
        let definition = makeCase(name: name, from: fragment, suite: nil, source: root.location)
        return LoadedDocument(path: path, kind: .profile, name: name, description: fragment.description,
                              cases: [definition])
    }

    /// A profile file with its includes merged in (cached per path).
    mutating func profile(_ path: String, root: YAMLValue? = nil, stack: [String],
                          includedFrom: SourceLocation? = nil) -> ProfileFragment? {
        if let cached = profiles[path] { return cached }
        guard let root = root ?? read(path, includedFrom: includedFrom) else { return nil }
        if Self.isSuite(root) {
            issues.append(ProfileIssue(.error, .badInclude, at: includedFrom ?? root.location,
                                       "include: \(path) is a suite; include profiles only",
                                       hint: "list the suite's cases here, or run both suites"))
            profiles[path] = .some(nil)
            return nil
        }
        var parser = FragmentParser(directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        let parsed = parser.fragment(root, context: "profile")
        issues += parser.issues
        guard var fragment = parsed else {
            profiles[path] = .some(nil)
            return nil
        }
        fragment = resolveInclude(fragment, stack: stack + [path])
        profiles[path] = .some(fragment)
        return fragment
    }

    /// `fragment` over the profile its `include:` names (checked for loops against `stack`).
    mutating func resolveInclude(_ fragment: ProfileFragment, stack: [String]) -> ProfileFragment {
        guard let include = fragment.include else { return fragment }
        var out = fragment
        out.include = nil
        if let start = stack.firstIndex(of: include.path) {
            let chain = (stack[start...] + [include.path]).map { URL(fileURLWithPath: $0).lastPathComponent }
            issues.append(ProfileIssue(.error, .includeLoop, at: include.location,
                                       "include loop: " + chain.joined(separator: " → "),
                                       hint: "a profile cannot include itself, directly or through others"))
            return out
        }
        guard let base = profile(include.path, stack: stack, includedFrom: include.location) else { return out }
        var merged = out.merged(over: base)
        // The included profile's name is only a fallback for the case's name.
        merged.name = fragment.name ?? base.name ?? Self.baseName(include.path)
        return merged
    }

    mutating func loadSuite(_ root: YAMLValue, path: String) -> LoadedDocument? {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var parser = FragmentParser(directory: directory)
        let byKey = parser.checkKeys(root.entries ?? [], allowed: ProfileSchema.suiteKeys, context: "suite")
        var name = Self.baseName(path)
        if let value = byKey["suite"]?.value, let text = parser.string(value, key: "suite") { name = text }
        let description = byKey["description"].flatMap { parser.string($0.value, key: "description") }
        let parallel = byKey["parallel"].flatMap { parser.integer($0.value, key: "parallel", range: 1...10_000) }
        var defaults = ProfileFragment(origin: root.location)
        if let value = byKey["defaults"]?.value {
            if let parsed = parser.fragment(value, context: "defaults") {
                defaults = parsed
                if defaults.name != nil, let location = defaults.locations["name"] {
                    parser.error(.invalidValue, location, "defaults: name would give every case the same name",
                                 hint: "name each case instead")
                }
            }
        }
        issues += parser.issues
        parser.issues = []
        defaults = resolveInclude(defaults, stack: [path])

        var cases: [CaseDefinition] = []
        var names: [String: SourceLocation] = [:]
        guard let casesValue = byKey["cases"]?.value else {
            issues.append(ProfileIssue(.error, .missingKey, at: root.location, "a suite needs cases:",
                                       hint: "cases: [{name: …, include: profile.yaml}, "
                                           + "{name: …, method: pap, …}]"))
            return LoadedDocument(path: path, kind: .suite, name: name, description: description,
                                  parallel: parallel, cases: [])
        }
        var entries: [(key: String?, value: YAMLValue)] = []
        switch casesValue.kind {
        case .sequence(let items): entries = items.map { (nil, $0) }
        case .mapping(let items): entries = items.map { ($0.key, $0.value) }
        default:
            issues.append(ProfileIssue(.error, .wrongType, at: casesValue.location,
                                       "cases: expected a list of cases, got \(casesValue.typeName)"))
        }
        if entries.isEmpty, casesValue.items != nil || casesValue.entries != nil {
            issues.append(ProfileIssue(.error, .missingKey, at: casesValue.location, "cases: the list is empty"))
        }
        for (index, entry) in entries.enumerated() {
            let context = entry.key.map { "cases.\($0)" } ?? "cases[\(index)]"
            guard let parsed = parser.fragment(entry.value, context: context) else { continue }
            issues += parser.issues
            parser.issues = []
            let resolved = resolveInclude(parsed, stack: [path])
            let merged = resolved.merged(over: defaults)
            let caseName = parsed.name ?? entry.key ?? resolved.name ?? "case-\(index + 1)"
            if let first = names[caseName] {
                issues.append(ProfileIssue(.error, .duplicateCase, at: entry.value.location,
                                           "case name `\(caseName)` is used twice",
                                           hint: "the first is at line \(first.line); names must be unique"))
                continue
            }
            names[caseName] = entry.value.location
            var definition = makeCase(name: caseName, from: merged, suite: name, source: entry.value.location)
            definition.inheritedKeys = Set(defaults.locations.keys.filter {
                !$0.contains(".") && !$0.contains("[") && resolved.locations[$0] == nil
            })
            cases.append(definition)
        }
        issues += parser.issues
        return LoadedDocument(path: path, kind: .suite, name: name, description: description, parallel: parallel,
                              cases: cases)
    }

    func makeCase(name: String, from fragment: ProfileFragment, suite: String?, source: SourceLocation)
        -> CaseDefinition
    {
        CaseDefinition(
            name: name, description: fragment.description, tags: fragment.tags ?? [], suite: suite, source: source,
            settings: fragment.settings, expectation: fragment.expectation ?? .accept,
            assertions: fragment.assertions ?? [], locations: fragment.locations)
    }
}
