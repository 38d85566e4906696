import Foundation
import RADIUS

/// The keys of the schema, by context (documented in Profiles/reference.yaml).
enum ProfileSchema {
    static let profileKeys = [
        "name", "description", "tags", "include", "servers", "server", "secret", "timeout", "retries",
        "require_message_authenticator", "dictionaries", "dictionary_dir", "nas", "attributes", "method",
        "identity", "outer_identity", "inner_identity", "password", "new_password", "tls", "fragment_size",
        "framed_mtu", "peap", "accounting", "expect", "assert", "password_encoding", "proxy_state",
    ]
    static let nasKeys = ["ip_address", "identifier", "calling_station_id", "called_station_id", "type"]
    static let tlsKeys = [
        "cert", "key", "pkcs12", "key_password", "ca", "client_ca", "client_crl", "server_names", "insecure",
        "require_server_auth_eku", "crl", "min_version", "max_version", "ciphers", "cipher_suites", "groups",
        "resume", "sni",
    ]
    static let peapKeys = ["crypto_binding", "soh"]
    static let accountingKeys = ["enabled", "servers", "interim_update"]
    static let suiteKeys = ["suite", "description", "defaults", "cases", "parallel"]
    static let attributeAssertionKeys = ["attribute", "present", "absent", "equals", "matches", "at_most", "at_least"]
    static let assertionKinds = ["attribute", "mppe_keys", "crypto_binding", "latency_ms", "accounting"]
    static let secretKeys = ["env", "file"]
    static let tlsVersions = ["1.0", "1.1", "1.2", "1.3"]

    /// The context a misplaced key belongs to ("`cert` belongs under `tls:`").
    static func home(of key: String) -> String? {
        if profileKeys.contains(key) { return nil }
        if tlsKeys.contains(key) { return "tls" }
        if nasKeys.contains(key) { return "nas" }
        if peapKeys.contains(key) { return "peap" }
        if key == "interim_update" { return "accounting" }
        return nil
    }
}

/// The keys of one mapping that a profile, a suite's `defaults:` or a suite case wrote, typed.
struct ProfileFragment: Sendable {
    var settings = AuthSettings()
    var locations: [String: SourceLocation] = [:]
    var name: String?
    var description: String?
    var tags: [String]?
    var expectation: Expectation?
    var assertions: [Assertion]?
    /// The absolute path of `include:` and where it was written.
    var include: (path: String, location: SourceLocation)?
    /// The mapping itself.
    var origin: SourceLocation

    init(origin: SourceLocation) { self.origin = origin }

    /// `self` over `base`: see `AuthSettings.merged(over:)`; a list written here drops the base's item
    /// locations.
    func merged(over base: ProfileFragment) -> ProfileFragment {
        var out = self
        out.settings = settings.merged(over: base.settings)
        var locations = base.locations
        for key in self.locations.keys {
            for baseKey in locations.keys where baseKey.hasPrefix(key + "[") { locations[baseKey] = nil }
        }
        locations.merge(self.locations) { _, top in top }
        out.locations = locations
        out.name = name ?? base.name
        out.description = description ?? base.description
        out.tags = tags ?? base.tags
        out.expectation = expectation ?? base.expectation
        out.assertions = assertions ?? base.assertions
        return out
    }
}

/// Reads typed values out of `YAMLValue`s, collecting problems.
struct FragmentParser {
    /// The folder relative paths resolve against (the folder of the file being read).
    let directory: String
    var issues: [ProfileIssue] = []

    init(directory: String) { self.directory = directory }

    // MARK: Problems

    mutating func error(_ code: ProfileError.Code, _ location: SourceLocation, _ message: String,
                        hint: String? = nil) {
        issues.append(ProfileIssue(.error, code, at: location, message, hint: hint))
    }

    mutating func warning(_ code: ProfileError.Code, _ location: SourceLocation, _ message: String,
                          hint: String? = nil) {
        issues.append(ProfileIssue(.warning, code, at: location, message, hint: hint))
    }

    mutating func wrongType(_ value: YAMLValue, key: String, expected: String) {
        error(.wrongType, value.location, "\(key): expected \(expected), got \(value.typeName)")
    }

    /// Reports unknown and duplicate keys of `entries`; returns the entries by key (first wins).
    mutating func checkKeys(_ entries: [YAMLEntry], allowed: [String], context: String) -> [String: YAMLEntry] {
        var byKey: [String: YAMLEntry] = [:]
        for entry in entries {
            if byKey[entry.key] != nil {
                error(.duplicateKey, entry.keyLocation, "\(context): `\(entry.key)` is given twice",
                      hint: "the first one is at line \(byKey[entry.key]!.keyLocation.line)")
                continue
            }
            guard allowed.contains(entry.key) else {
                var hint = Suggestions.didYouMean(entry.key, in: allowed)
                if hint == nil, let home = ProfileSchema.home(of: entry.key), context != home {
                    hint = "`\(entry.key)` belongs under `\(home):`"
                }
                if hint == nil { hint = "known keys: " + allowed.joined(separator: ", ") }
                error(.unknownKey, entry.keyLocation, "\(context): unknown key `\(entry.key)`", hint: hint)
                continue
            }
            byKey[entry.key] = entry
        }
        return byKey
    }

    // MARK: Scalars

    mutating func string(_ value: YAMLValue, key: String) -> String? {
        if value.broken { return nil }  // a failed ${…}, reported already
        guard case .scalar(let text, _) = value.kind, !value.isNull else {
            wrongType(value, key: key, expected: "a string")
            return nil
        }
        return text
    }

    mutating func integer(_ value: YAMLValue, key: String, range: ClosedRange<Int>) -> Int? {
        if value.broken { return nil }  // a failed ${…}, reported already
        guard case .scalar(let text, _) = value.kind, !value.isNull else {
            wrongType(value, key: key, expected: "an integer")
            return nil
        }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            wrongType(value, key: key, expected: "an integer")
            return nil
        }
        guard range.contains(number) else {
            error(.invalidValue, value.location,
                  "\(key): \(number) is out of range \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return number
    }

    mutating func number(_ value: YAMLValue, key: String, range: ClosedRange<Double>? = nil) -> Double? {
        if value.broken { return nil }  // a failed ${…}, reported already
        guard case .scalar(let text, _) = value.kind, !value.isNull,
              let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite
        else {
            wrongType(value, key: key, expected: "a number")
            return nil
        }
        if let range, !range.contains(number) {
            error(.invalidValue, value.location,
                  "\(key): \(formatNumber(number)) is out of range "
                      + "\(formatNumber(range.lowerBound))…\(formatNumber(range.upperBound))")
            return nil
        }
        return number
    }

    mutating func boolean(_ value: YAMLValue, key: String) -> Bool? {
        if value.broken { return nil }  // a failed ${…}, reported already
        if case .scalar(let text, _) = value.kind {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        wrongType(value, key: key, expected: "true or false")
        return nil
    }

    /// One of `words`, else an error suggesting the nearest.
    mutating func word(_ value: YAMLValue, key: String, in words: [String],
                       code: ProfileError.Code = .invalidValue) -> String? {
        guard let text = string(value, key: key) else { return nil }
        guard words.contains(text) else {
            error(code, value.location, "\(key): `\(text)` is not one of " + words.joined(separator: ", "),
                  hint: Suggestions.didYouMean(text, in: words))
            return nil
        }
        return text
    }

    /// A list of strings; a single string counts as a list of one. Records `key[i]` locations.
    mutating func strings(_ value: YAMLValue, key: String, locations: inout [String: SourceLocation]) -> [String]? {
        let items: [YAMLValue]
        switch value.kind {
        case .sequence(let list): items = list
        case .scalar where !value.isNull: items = [value]
        default:
            wrongType(value, key: key, expected: "a list of strings")
            return nil
        }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = string(item, key: "\(key)[\(index)]") else { continue }
            out.append(text)
            locations["\(key)[\(index)]"] = item.location
        }
        return out
    }

    /// An absolute path: `~/` expands to the home folder, relative paths resolve against `directory`.
    func absolutePath(_ text: String) -> String {
        var path = text
        if path == "~" || path.hasPrefix("~/") {
            path = NSHomeDirectory() + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = directory + "/" + path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `{env: NAME}`, `{file: PATH}` or a literal string (warned about).
    mutating func secret(_ value: YAMLValue, key: String) -> SecretReference? {
        if value.broken { return nil }  // a failed ${…}, reported already
        switch value.kind {
        case .mapping(let entries):
            let byKey = checkKeys(entries, allowed: ProfileSchema.secretKeys, context: key)
            guard byKey.count == 1, let entry = byKey.values.first else {
                if byKey.count > 1 {
                    error(.conflictingKeys, value.location, "\(key): give either env: or file:, not both")
                } else if entries.isEmpty {
                    error(.missingKey, value.location, "\(key): expected {env: NAME} or {file: PATH}")
                }
                return nil
            }
            guard let text = string(entry.value, key: "\(key).\(entry.key)"), !text.isEmpty else {
                if entry.value.scalarText == "" {
                    error(.invalidValue, entry.value.location, "\(key).\(entry.key) is empty")
                }
                return nil
            }
            if entry.key == "env" {
                guard YAMLReader.isVariableName(text) else {
                    error(.invalidValue, entry.value.location, "\(key).env: `\(text)` is not a variable name")
                    return nil
                }
                return .env(text)
            }
            return .file(absolutePath(text))
        case .scalar where !value.isNull:
            guard let text = string(value, key: key) else { return nil }
            warning(.literalSecret, value.location,
                    "\(key) is written in the profile: anyone who can read the file can read it",
                    hint: "use \(key): {env: NAME} or \(key): {file: PATH}")
            return .literal(text)
        default:
            wrongType(value, key: key, expected: "{env: NAME}, {file: PATH} or a string")
            return nil
        }
    }

    // MARK: The profile keys

    /// Reads a profile mapping (also a suite's `defaults:` and each case). `extraKeys` are allowed on top of
    /// the profile keys (none today; cases use `name` and `include`, which profiles have too).
    mutating func fragment(_ value: YAMLValue, context: String) -> ProfileFragment? {
        guard let entries = value.entries else {
            wrongType(value, key: context, expected: "a mapping of profile keys")
            return nil
        }
        var fragment = ProfileFragment(origin: value.location)
        let byKey = checkKeys(entries, allowed: ProfileSchema.profileKeys, context: context)
        var loc = fragment.locations
        var s = AuthSettings()
        for entry in entries where byKey[entry.key]?.keyLocation == entry.keyLocation {
            let key = entry.key
            let value = entry.value
            loc[key] = value.location
            switch key {
            case "name": fragment.name = string(value, key: key)
            case "description": fragment.description = string(value, key: key)
            case "tags": fragment.tags = strings(value, key: key, locations: &loc)
            case "include":
                if let text = string(value, key: key) { fragment.include = (absolutePath(text), value.location) }
            case "servers", "server":
                if byKey["servers"] != nil, byKey["server"] != nil {
                    if key == "server" {
                        error(.conflictingKeys, entry.keyLocation, "give either server: or servers:, not both")
                    }
                    continue
                }
                if key == "server", value.items != nil {
                    wrongType(value, key: key, expected: "one HOST[:PORT] (use servers: for a list)")
                    continue
                }
                s.servers = strings(value, key: "servers", locations: &loc)
                loc["servers"] = value.location
                if s.servers?.isEmpty == true {
                    error(.invalidValue, value.location, "servers: the list is empty")
                }
            case "secret": s.secret = secret(value, key: key)
            case "timeout": s.timeout = number(value, key: key, range: SettingLimits.timeout.range)
            case "retries": s.retries = integer(value, key: key, range: SettingLimits.retries.range)
            case "require_message_authenticator": s.requireMessageAuthenticator = boolean(value, key: key)
            case "dictionaries":
                s.dictionaries = strings(value, key: key, locations: &loc)?.map(absolutePath)
            case "dictionary_dir": s.dictionaryDirectory = string(value, key: key).map(absolutePath)
            case "nas": s.nas = nas(value)
            case "attributes": s.attributes = strings(value, key: key, locations: &loc)
            case "method":
                s.method = word(value, key: key, in: AuthSettings.Method.allCases.map(\.rawValue),
                                code: .unknownMethod).flatMap(AuthSettings.Method.init(rawValue:))
            case "identity": s.identity = string(value, key: key)
            case "outer_identity": s.outerIdentity = string(value, key: key)
            case "inner_identity": s.innerIdentity = string(value, key: key)
            case "password": s.password = secret(value, key: key)
            case "new_password": s.newPassword = secret(value, key: key)
            case "password_encoding":
                s.passwordEncoding = word(value, key: key, in: PasswordEncoding.allCases.map(\.rawValue))
                    .flatMap(PasswordEncoding.init(rawValue:))
            case "proxy_state":
                s.proxyStates = strings(value, key: key, locations: &loc)
                for (index, text) in (s.proxyStates ?? []).enumerated() {
                    if let problem = AuthSettings.proxyStateProblem(text) {
                        error(.invalidValue, loc["\(key)[\(index)]"] ?? value.location, "proxy_state: \(problem)")
                    }
                }
            case "tls": s.tls = tls(value, locations: &loc)
            case "fragment_size": s.fragmentSize = integer(value, key: key, range: SettingLimits.fragmentSize.range)
            case "framed_mtu": s.framedMTU = integer(value, key: key, range: SettingLimits.framedMTU.range)
            case "peap": s.peap = peap(value)
            case "accounting": s.accounting = accounting(value, locations: &loc)
            case "expect": fragment.expectation = expectation(value)
            case "assert": fragment.assertions = assertions(value, locations: &loc)
            default: break
            }
        }
        fragment.settings = s
        fragment.locations = loc
        return fragment
    }

    private mutating func nas(_ value: YAMLValue) -> AuthSettings.NAS? {
        guard let entries = value.entries else {
            wrongType(value, key: "nas", expected: "a mapping (ip_address:, identifier:, …)")
            return nil
        }
        let byKey = checkKeys(entries, allowed: ProfileSchema.nasKeys, context: "nas")
        var nas = AuthSettings.NAS()
        if let v = byKey["ip_address"]?.value { nas.ipAddress = string(v, key: "nas.ip_address") }
        if let v = byKey["identifier"]?.value { nas.identifier = string(v, key: "nas.identifier") }
        if let v = byKey["calling_station_id"]?.value {
            nas.callingStationId = string(v, key: "nas.calling_station_id")
        }
        if let v = byKey["called_station_id"]?.value { nas.calledStationId = string(v, key: "nas.called_station_id") }
        if let v = byKey["type"]?.value {
            nas.kind = word(v, key: "nas.type", in: AuthSettings.NAS.Kind.allCases.map(\.rawValue))
                .flatMap(AuthSettings.NAS.Kind.init(rawValue:))
        }
        return nas
    }

    private mutating func tls(_ value: YAMLValue, locations: inout [String: SourceLocation]) -> AuthSettings.TLS? {
        guard let entries = value.entries else {
            wrongType(value, key: "tls", expected: "a mapping (cert:, key:, ca:, …)")
            return nil
        }
        let byKey = checkKeys(entries, allowed: ProfileSchema.tlsKeys, context: "tls")
        var t = AuthSettings.TLS()
        for (key, entry) in byKey {
            let v = entry.value
            let path = "tls.\(key)"
            locations[path] = v.location
            switch key {
            case "cert": t.certificate = string(v, key: path).map(absolutePath)
            case "key": t.key = string(v, key: path).map(absolutePath)
            case "pkcs12": t.pkcs12 = string(v, key: path).map(absolutePath)
            case "key_password": t.keyPassword = secret(v, key: path)
            case "ca": t.ca = strings(v, key: path, locations: &locations)?.map(absolutePath)
            case "client_ca": t.clientCA = string(v, key: path).map(absolutePath)
            case "client_crl": t.clientCRL = string(v, key: path).map(absolutePath)
            case "server_names": t.serverNames = strings(v, key: path, locations: &locations)
            case "insecure":
                t.insecure = boolean(v, key: path)
                if t.insecure == true {
                    warning(.insecure, v.location, "tls.insecure: the server certificate is not checked at all",
                            hint: "a Windows client never does this; use tls.ca and tls.server_names")
                }
            case "require_server_auth_eku": t.requireServerAuthEKU = boolean(v, key: path)
            case "crl": t.crl = string(v, key: path).map(absolutePath)
            case "min_version": t.minVersion = word(v, key: path, in: ProfileSchema.tlsVersions)
            case "max_version": t.maxVersion = word(v, key: path, in: ProfileSchema.tlsVersions)
            case "ciphers": t.ciphers = string(v, key: path)
            case "cipher_suites": t.cipherSuites = string(v, key: path)
            case "groups": t.groups = string(v, key: path)
            case "resume": t.resume = boolean(v, key: path)
            case "sni": t.sni = string(v, key: path)
            default: break
            }
        }
        if byKey["cert"] != nil, byKey["pkcs12"] != nil {
            error(.conflictingKeys, byKey["pkcs12"]!.keyLocation, "tls: give either cert:/key: or pkcs12:, not both")
        }
        return t
    }

    /// `accounting: true|false`, or `{enabled:, servers: [HOST[:PORT]], interim_update:}` (a mapping turns it on).
    private mutating func accounting(_ value: YAMLValue, locations: inout [String: SourceLocation])
        -> AuthSettings.Accounting?
    {
        if value.broken { return nil }  // a failed ${…}, reported already
        guard let entries = value.entries else {
            guard case .scalar = value.kind, !value.isNull else {
                wrongType(value, key: "accounting", expected: "true, false or a mapping (servers:, interim_update:)")
                return nil
            }
            return boolean(value, key: "accounting").map { AuthSettings.Accounting(enabled: $0) }
        }
        let byKey = checkKeys(entries, allowed: ProfileSchema.accountingKeys, context: "accounting")
        var accounting = AuthSettings.Accounting(enabled: true)
        if let v = byKey["enabled"]?.value { accounting.enabled = boolean(v, key: "accounting.enabled") }
        if let v = byKey["servers"]?.value {
            accounting.servers = strings(v, key: "accounting.servers", locations: &locations)
            locations["accounting.servers"] = v.location
            if accounting.servers?.isEmpty == true {
                error(.invalidValue, v.location, "accounting.servers: the list is empty")
            }
        }
        if let v = byKey["interim_update"]?.value {
            accounting.interimUpdate = boolean(v, key: "accounting.interim_update")
        }
        return accounting
    }

    private mutating func peap(_ value: YAMLValue) -> AuthSettings.PEAP? {
        guard let entries = value.entries else {
            wrongType(value, key: "peap", expected: "a mapping (crypto_binding:, soh:)")
            return nil
        }
        let byKey = checkKeys(entries, allowed: ProfileSchema.peapKeys, context: "peap")
        var p = AuthSettings.PEAP()
        if let v = byKey["crypto_binding"]?.value {
            p.cryptoBinding = word(v, key: "peap.crypto_binding",
                                   in: AuthSettings.PEAP.CryptoBinding.allCases.map(\.rawValue))
                .flatMap(AuthSettings.PEAP.CryptoBinding.init(rawValue:))
        }
        if let v = byKey["soh"]?.value {
            p.soh = word(v, key: "peap.soh", in: AuthSettings.PEAP.SoH.allCases.map(\.rawValue))
                .flatMap(AuthSettings.PEAP.SoH.init(rawValue:))
        }
        return p
    }

    // MARK: expect / assert

    private static let expectHint =
        "write accept, reject, timeout, {reject: 853}, {reject: {reason: 258}}, {reject: {inferred_reason: 16}} or "
            + "{reject: {error: 853, reason: [258]}}"

    mutating func expectation(_ value: YAMLValue) -> Expectation? {
        if value.broken { return nil }  // a failed ${…}, reported already
        let outcomes = Expectation.Outcome.allCases.map(\.rawValue)
        switch value.kind {
        case .scalar where !value.isNull:
            let text = value.scalarText ?? ""
            guard let outcome = Expectation.Outcome(rawValue: text) else {
                error(.badExpectation, value.location, "expect: `\(text)` is not an outcome",
                      hint: Suggestions.didYouMean(text, in: outcomes) ?? Self.expectHint)
                return nil
            }
            return Expectation(outcome)
        case .mapping(let entries):
            guard entries.count == 1, let entry = entries.first else {
                error(.badExpectation, value.location, "expect: a mapping must have exactly one outcome key",
                      hint: Self.expectHint)
                return nil
            }
            guard let outcome = Expectation.Outcome(rawValue: entry.key) else {
                error(.badExpectation, entry.keyLocation, "expect: `\(entry.key)` is not an outcome",
                      hint: Suggestions.didYouMean(entry.key, in: outcomes) ?? Self.expectHint)
                return nil
            }
            if outcome == .accept {
                error(.badExpectation, entry.keyLocation, "expect: accept takes no details",
                      hint: "write expect: accept, and put checks on the reply under assert:")
                return nil
            }
            let detail = entry.value
            if let details = detail.entries {
                let byKey = checkKeys(details, allowed: ["error", "reason", "inferred_reason"],
                                      context: "expect.\(entry.key)")
                guard !byKey.isEmpty else {
                    if details.isEmpty {
                        error(.badExpectation, detail.location,
                              "expect.\(entry.key): give error:, reason: and/or inferred_reason:")
                    }
                    return nil
                }
                var lists: [String: [Int]] = [:]
                for key in ["error", "reason", "inferred_reason"] {
                    guard let entry = byKey[key] else { continue }
                    guard let list = codes(entry.value, key: "expect.\(outcome.rawValue).\(key)"), !list.isEmpty else {
                        return nil
                    }
                    lists[key] = list
                }
                return Expectation(outcome, windowsErrors: lists["error"] ?? [], reasons: lists["reason"] ?? [],
                                   inferredReasons: lists["inferred_reason"] ?? [])
            }
            if detail.isNull { return Expectation(outcome) }
            guard let errors = codes(detail, key: "expect.\(entry.key)") else { return nil }
            return Expectation(outcome, windowsErrors: errors)
        default:
            error(.badExpectation, value.location, "expect: expected an outcome, got \(value.typeName)",
                  hint: Self.expectHint)
            return nil
        }
    }

    /// An integer or a list of integers (error numbers, reason codes), each ≥ 0.
    private mutating func codes(_ value: YAMLValue, key: String) -> [Int]? {
        if value.broken { return nil }  // a failed ${…}, reported already
        let items = value.items ?? [value]
        var out: [Int] = []
        for item in items {
            guard case .scalar(let text, _) = item.kind, let number = Int(text), number >= 0 else {
                error(.badExpectation, item.location, "\(key): expected a number or a list of numbers, "
                          + "got \(item.typeName)", hint: Self.expectHint)
                return nil
            }
            out.append(number)
        }
        if out.isEmpty {
            error(.badExpectation, value.location, "\(key): the list is empty")
            return nil
        }
        return out
    }

    mutating func assertions(_ value: YAMLValue, locations: inout [String: SourceLocation]) -> [Assertion]? {
        guard let items = value.items else {
            wrongType(value, key: "assert", expected: "a list of checks such as {attribute: Class, present: true}")
            return nil
        }
        var out: [Assertion] = []
        for (index, item) in items.enumerated() {
            let key = "assert[\(index)]"
            locations[key] = item.location
            guard let entries = item.entries, !entries.isEmpty else {
                error(.badAssertion, item.location,
                      "\(key): expected a mapping such as {attribute: Class, present: true}, "
                          + "got \(item.typeName)")
                continue
            }
            if entries.contains(where: { $0.key == "attribute" }) {
                if let check = attributeAssertion(entries, key: key, locations: &locations) {
                    out.append(.attribute(check))
                }
                continue
            }
            guard entries.count == 1, let entry = entries.first else {
                error(.badAssertion, item.location, "\(key): one check per entry",
                      hint: "known checks: " + ProfileSchema.assertionKinds.joined(separator: ", "))
                continue
            }
            switch entry.key {
            case "mppe_keys":
                if let state = word(entry.value, key: "\(key).mppe_keys", in: Assertion.mppeKeyStates,
                                    code: .badAssertion) {
                    out.append(.mppeKeys(state))
                }
            case "crypto_binding":
                if let state = word(entry.value, key: "\(key).crypto_binding", in: Assertion.cryptoBindingStates,
                                    code: .badAssertion) {
                    out.append(.cryptoBinding(state))
                }
            case "accounting":
                if let state = word(entry.value, key: "\(key).accounting", in: Assertion.accountingStates,
                                    code: .badAssertion) {
                    out.append(.accounting(state))
                }
            case "latency_ms":
                guard let limits = entry.value.entries else {
                    error(.badAssertion, entry.value.location, "\(key).latency_ms: expected {under: N}, got "
                              + entry.value.typeName)
                    continue
                }
                let byKey = checkKeys(limits, allowed: ["under"], context: "\(key).latency_ms")
                if let under = byKey["under"]?.value {
                    if let ms = number(under, key: "\(key).latency_ms.under", range: 0.001...3_600_000) {
                        out.append(.latencyUnder(milliseconds: ms))
                    }
                } else if limits.isEmpty {
                    error(.badAssertion, entry.value.location, "\(key).latency_ms: expected {under: N}")
                }
            default:
                error(.badAssertion, entry.keyLocation, "\(key): unknown check `\(entry.key)`",
                      hint: Suggestions.didYouMean(entry.key, in: ProfileSchema.assertionKinds)
                          ?? "known checks: " + ProfileSchema.assertionKinds.joined(separator: ", "))
            }
        }
        return out
    }

    private mutating func attributeAssertion(_ entries: [YAMLEntry], key: String,
                                             locations: inout [String: SourceLocation]) -> AttributeAssertion? {
        let byKey = checkKeys(entries, allowed: ProfileSchema.attributeAssertionKeys, context: key)
        guard let nameValue = byKey["attribute"]?.value, var name = string(nameValue, key: "\(key).attribute") else {
            return nil
        }
        locations["\(key).attribute"] = nameValue.location
        var check = AttributeAssertion(name: name)
        if let colon = name.lastIndex(of: ":") {
            guard let tag = UInt8(name[name.index(after: colon)...]), tag <= 0x1F else {
                error(.badAssertion, nameValue.location, "\(key).attribute: the tag in `\(name)` must be 0-31")
                return nil
            }
            name = String(name[..<colon])
            check = AttributeAssertion(name: name, tag: tag)
        }
        var ok = true
        if let v = byKey["present"]?.value { check.present = boolean(v, key: "\(key).present") }
        if let v = byKey["absent"]?.value, let absent = boolean(v, key: "\(key).absent") {
            if let present = check.present, present == absent {
                error(.badAssertion, v.location, "\(key): present and absent contradict each other")
                ok = false
            }
            check.present = !absent
        }
        if let v = byKey["equals"]?.value { check.equals = string(v, key: "\(key).equals") }
        if let v = byKey["matches"]?.value, let pattern = string(v, key: "\(key).matches") {
            locations["\(key).matches"] = v.location
            if case .failure = AttributeAssertion.compile(pattern) {
                error(.badRegex, v.location, "\(key).matches: /\(pattern)/ is not a valid regular expression",
                      hint: "ICU syntax, as NSRegularExpression; quote the pattern in YAML")
                ok = false
            } else {
                check.matches = pattern
            }
        }
        if let v = byKey["at_most"]?.value { check.atMost = number(v, key: "\(key).at_most") }
        if let v = byKey["at_least"]?.value { check.atLeast = number(v, key: "\(key).at_least") }
        if check.present == false, check.hasValueConditions {
            error(.badAssertion, locations[key] ?? .file(directory),
                  "\(key): an absent attribute cannot have a value condition")
            ok = false
        }
        if check.present == nil, !check.hasValueConditions, byKey.count == entries.count,
           !entries.contains(where: { ["equals", "matches", "at_most", "at_least"].contains($0.key) }) {
            error(.badAssertion, locations[key] ?? .file(directory),
                  "\(key): say what to check: present, absent, equals, matches, at_most or at_least")
            ok = false
        }
        return ok ? check : nil
    }
}
