import Foundation
import NPS
import RADIUS
import TLS

/// Checks loaded cases without sending anything: what each method needs, files, secrets, credentials and
/// certificate pre-flight, server syntax, attributes against the dictionary, expectations against the
/// NPS catalogues. Findings, not throws: every problem of every case is returned.
///
/// An environment variable named by a secret that is not set is a warning in `.validate` mode (the file
/// may be checked on another machine than the one that runs it) and an error in `.run` mode.
/// Server names are checked for syntax only: they are resolved when the case runs.
public struct ProfileValidator: Sendable {
    public enum Mode: String, Sendable {
        /// `npsprobe validate`: unset secret variables are warnings.
        case validate
        /// Before `run`/`check`: unset secret variables are errors.
        case run
    }

    /// The root dictionary (with the CLI's `--dictionary` files); nil skips attribute checks.
    public var dictionary: RADIUSDictionary?
    public var environment: [String: String]
    public var mode: Mode
    /// The time certificates are checked at.
    public var now: Date
    /// Load certificates and keys and run the pre-flight checks (the slow part: disable for quick checks).
    public var checkCredentials: Bool

    public init(
        dictionary: RADIUSDictionary? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        mode: Mode = .validate, now: Date = Date(), checkCredentials: Bool = true
    ) {
        self.dictionary = dictionary
        self.environment = environment
        self.mode = mode
        self.now = now
        self.checkCredentials = checkCredentials
    }

    /// Validates with the defaults (validate mode, the process environment).
    public static func validate(_ cases: [CaseDefinition], dictionary: RADIUSDictionary? = nil) -> [ProfileIssue] {
        ProfileValidator(dictionary: dictionary).validate(cases)
    }

    /// Every issue of every case, in case order. Problems shared by several cases (one expired certificate
    /// used by ten cases) are reported once per case: each case names itself.
    public func validate(_ cases: [CaseDefinition]) -> [ProfileIssue] {
        var run = ValidationRun(validator: self)
        for definition in cases { run.check(definition) }
        return run.issues
    }
}

/// One validation: the issues and what was already loaded (credentials, dictionaries).
private struct ValidationRun {
    let validator: ProfileValidator
    var issues: [ProfileIssue] = []
    var credentialCache: [String: [CredentialFinding]] = [:]
    var dictionaryCache: [[String]: RADIUSDictionary?] = [:]

    init(validator: ProfileValidator) { self.validator = validator }

    // MARK: Reporting

    private var current: CaseDefinition!

    mutating func error(_ code: ProfileError.Code, _ key: String, _ message: String, hint: String? = nil) {
        issues.append(ProfileIssue(.error, code, at: current.location(of: key), message, hint: hint,
                                   caseName: current.name))
    }

    mutating func warning(_ code: ProfileError.Code, _ key: String, _ message: String, hint: String? = nil) {
        let topLevel = String(key.prefix { $0 != "." && $0 != "[" })
        if code == .ignoredKey, current.inheritedKeys.contains(topLevel) { return }
        issues.append(ProfileIssue(.warning, code, at: current.location(of: key), message, hint: hint,
                                   caseName: current.name))
    }

    // MARK: The checks

    mutating func check(_ definition: CaseDefinition) {
        current = definition
        let s = definition.settings
        checkConnection(s)
        guard let method = s.method else {
            error(.missingKey, "method", "no method: say how to authenticate",
                  hint: "method: " + AuthSettings.Method.allCases.map(\.rawValue).joined(separator: " | "))
            checkExpectation(definition)
            return
        }
        if s.identity == nil {
            error(.missingKey, "identity", "no identity: \(method.rawValue) needs a User-Name",
                  hint: method.usesClientCertificate ? "the name in the certificate, e.g. alice@corp.example"
                      : "identity: alice@corp.example")
        }
        for problem in s.emptyValues {
            error(.invalidValue, problem.key, problem.message(commandLine: false), hint: problem.hint)
        }
        checkPasswords(s, method: method)
        checkTLS(s, method: method, definition: definition)
        checkIgnoredKeys(s, method: method)
        checkAttributes(s)
        checkExpectation(definition)
        checkAccounting(definition)
        checkAssertions(definition, method: method)
    }

    private mutating func checkAccounting(_ definition: CaseDefinition) {
        guard let accounting = definition.settings.accounting else { return }
        for (index, server) in (accounting.servers ?? []).enumerated() {
            if let why = ServerSyntax.problem(server) {
                error(.badServer, "accounting.servers[\(index)]", "accounting server `\(server)`: \(why)",
                      hint: "HOST (port 1813), HOST:PORT, IPv4:PORT or [IPv6]:PORT")
            }
        }
        if accounting.enabled == true, definition.expectation.outcome != .accept {
            warning(.ignoredKey, "accounting", "accounting is sent only after an Access-Accept; this case expects "
                        + "\(definition.expectation), so it will be not_sent")
        }
    }

    private mutating func checkConnection(_ s: AuthSettings) {
        if let servers = s.servers, !servers.isEmpty {
            for (index, server) in servers.enumerated() {
                if let why = ServerSyntax.problem(server) {
                    error(.badServer, "servers[\(index)]", "server `\(server)`: \(why)",
                          hint: "HOST, HOST:PORT, IPv4:PORT or [IPv6]:PORT")
                }
            }
        } else if s.servers == nil {
            error(.missingKey, "servers", "no server: say where to send",
                  hint: "servers: [nps1.corp.example, \"nps2.corp.example:1812\"]")
        }
        if let secret = s.secret {
            checkSecret(secret, key: "secret", what: "the shared secret")
        } else if validator.environment["NPSPROBE_SECRET"] == nil {
            error(.missingKey, "secret", "no shared secret",
                  hint: "secret: {env: NPS_SECRET} or secret: {file: secret.txt} (or set NPSPROBE_SECRET)")
        }
        if let directory = s.dictionaryDirectory,
           !FileManager.default.isReadableFile(atPath: directory + "/dictionary") {
            error(.missingFile, "dictionary_dir", "dictionary_dir: no readable `dictionary` file in \(directory)")
        }
        if let nasAddress = s.nas?.ipAddress, IPv4Address(nasAddress) == nil, IPv6Address(nasAddress) == nil {
            error(.invalidValue, "nas.ip_address", "nas.ip_address `\(nasAddress)` is not an IPv4 or IPv6 address")
        }
    }

    private mutating func checkSecret(_ secret: SecretReference, key: String, what: String) {
        switch secret {
        case .literal:
            break  // warned about when loaded
        case .env(let name):
            if validator.environment[name] == nil {
                let message = "\(what) comes from the environment variable \(name), which is not set"
                let hint = "export \(name)=… before running"
                if validator.mode == .run {
                    error(.unsetSecret, key, message, hint: hint)
                } else {
                    warning(.unsetSecret, key, message, hint: hint)
                }
            }
        case .file(let path):
            checkReadableFile(path, key: key, what: what)
        }
    }

    /// A readable regular file, else an error naming what it is for.
    @discardableResult
    private mutating func checkReadableFile(_ path: String, key: String, what: String,
                                            directoryAllowed: Bool = false) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            error(.missingFile, key, "\(what): \(path) does not exist",
                  hint: "relative paths resolve against the folder of the file that wrote them")
            return false
        }
        if isDirectory.boolValue, !directoryAllowed {
            error(.missingFile, key, "\(what): \(path) is a directory, not a file")
            return false
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            error(.missingFile, key, "\(what): \(path) is not readable by this user")
            return false
        }
        return true
    }

    private mutating func checkPasswords(_ s: AuthSettings, method: AuthSettings.Method) {
        if method.usesPassword {
            if let password = s.password {
                checkSecret(password, key: "password", what: "the password")
            } else {
                error(.missingKey, "password", "\(method.rawValue) needs a password",
                      hint: "password: {env: USER_PASSWORD} or password: {file: password.txt}")
            }
        } else if s.password != nil {
            warning(.ignoredKey, "password", "password is not used by \(method.rawValue)")
        }
        if let newPassword = s.newPassword {
            if method.changesPassword {
                checkSecret(newPassword, key: "new_password", what: "the new password")
            } else {
                warning(.ignoredKey, "new_password", "new_password is used by MS-CHAPv2 methods only")
            }
        }
    }

    private mutating func checkIgnoredKeys(_ s: AuthSettings, method: AuthSettings.Method) {
        if !method.usesTLS, s.tls?.resume == true {
            error(.invalidValue, "tls.resume", "resume: \(method.rawValue) has no TLS session to resume",
                  hint: "resumption (PEAP fast reconnect) needs eap-tls, peap-tls or peap-mschapv2")
        } else if !method.usesTLS, let tls = s.tls, !tls.isEmpty {
            warning(.ignoredKey, "tls", "tls: is not used by \(method.rawValue)")
        }
        if !method.isPEAP, let peap = s.peap, !peap.isEmpty {
            warning(.ignoredKey, "peap", "peap: is not used by \(method.rawValue)")
        }
        if !method.isEAP {
            for (key, set) in [("outer_identity", s.outerIdentity != nil), ("fragment_size", s.fragmentSize != nil),
                               ("framed_mtu", s.framedMTU != nil)] where set {
                warning(.ignoredKey, key, "\(key) is used by EAP methods only, not \(method.rawValue)")
            }
        }
        if !method.isPEAP, s.innerIdentity != nil {
            warning(.ignoredKey, "inner_identity", "inner_identity is used by PEAP only, not \(method.rawValue)")
        }
        if method.usesTLS, !method.usesClientCertificate, let tls = s.tls, tls.certificate != nil || tls.pkcs12 != nil {
            warning(.ignoredKey, tls.certificate != nil ? "tls.cert" : "tls.pkcs12",
                    "\(method.rawValue) sends no client certificate; tls.cert/pkcs12 are not used")
        }
    }

    // MARK: TLS

    private mutating func checkTLS(_ s: AuthSettings, method: AuthSettings.Method, definition: CaseDefinition) {
        guard method.usesTLS else { return }
        let tls = s.tls ?? AuthSettings.TLS()
        let insecure = tls.insecure ?? false
        if !insecure, tls.ca?.isEmpty ?? true {
            error(.missingKey, "tls.ca", "\(method.rawValue) needs tls.ca to check the server certificate",
                  hint: "tls: {ca: [root-ca.pem], server_names: [nps.corp.example]} (or insecure: true, never in "
                      + "production)")
        }
        if !insecure, tls.serverNames?.isEmpty ?? true {
            warning(.missingKey, "tls.server_names",
                    "no tls.server_names: any server with a certificate from the trusted CA is accepted",
                    hint: "Windows: \"Connect to these servers\"; name the NPS servers")
        }
        if let minimum = tls.minVersion.flatMap(TLSVersion.init(rawValue:)),
           let maximum = tls.maxVersion.flatMap(TLSVersion.init(rawValue:)), minimum > maximum {
            error(.invalidValue, "tls.min_version", "tls.min_version \(minimum.rawValue) is above max_version "
                      + "\(maximum.rawValue)")
        }
        var caUsable: [(String, Bool)] = []
        for (index, ca) in (tls.ca ?? []).enumerated() {
            var isDirectory: ObjCBool = false
            if checkReadableFile(ca, key: "tls.ca[\(index)]", what: "tls.ca", directoryAllowed: true) {
                _ = FileManager.default.fileExists(atPath: ca, isDirectory: &isDirectory)
                caUsable.append((ca, isDirectory.boolValue))
            }
        }
        var crlUsable = false
        if let crl = tls.crl { crlUsable = checkReadableFile(crl, key: "tls.crl", what: "tls.crl") }
        if let clientCA = tls.clientCA { checkReadableFile(clientCA, key: "tls.client_ca", what: "tls.client_ca") }
        if let clientCRL = tls.clientCRL {
            checkReadableFile(clientCRL, key: "tls.client_crl", what: "tls.client_crl")
        }
        if let password = tls.keyPassword { checkSecret(password, key: "tls.key_password", what: "the key password") }
        checkContext(tls, caUsable: caUsable, crl: crlUsable ? tls.crl : nil)
        if method.usesClientCertificate {
            checkClientCredentials(tls, definition: definition)
        }
    }

    /// Builds the TLS client context (no credentials) the way a run would, so OpenSSL judges the CA files,
    /// the CRL, cipher lists, groups and versions.
    private mutating func checkContext(_ tls: AuthSettings.TLS, caUsable: [(String, Bool)], crl: String?) {
        let minimum = tls.minVersion.flatMap(TLSVersion.init(rawValue:)) ?? .tls1_2
        let maximum = tls.maxVersion.flatMap(TLSVersion.init(rawValue:)) ?? max(minimum, .tls1_2)
        guard minimum <= maximum else { return }
        func attempt(_ validation: TLSServerValidation, key: String) -> Bool {
            do {
                _ = try TLSClientContext(TLSClientConfiguration(
                    validation: validation, minimumVersion: minimum, maximumVersion: maximum, cipherList: tls.ciphers,
                    cipherSuites: tls.cipherSuites, groups: tls.groups))
                return true
            } catch {
                self.error(.tlsConfiguration, key, "TLS settings refused: \(error.reason)")
                return false
            }
        }
        // Ciphers, groups and versions first, without trust anchors.
        let key = tls.ciphers != nil ? "tls.ciphers" : tls.groups != nil ? "tls.groups" : "tls"
        guard attempt(TLSServerValidation(insecure: true), key: key) else { return }
        for (index, (path, isDirectory)) in caUsable.enumerated() {
            let validation = isDirectory ? TLSServerValidation(trustedCADirectory: path)
                : TLSServerValidation(trustedCAFile: path)
            _ = attempt(validation, key: "tls.ca[\(index)]")
        }
        if let crl, let first = caUsable.first {
            let validation = first.1 ? TLSServerValidation(trustedCADirectory: first.0, crlFile: crl)
                : TLSServerValidation(trustedCAFile: first.0, crlFile: crl)
            _ = attempt(validation, key: "tls.crl")
        }
    }

    private mutating func checkClientCredentials(_ tls: AuthSettings.TLS, definition: CaseDefinition) {
        let certificateKey: String
        if tls.pkcs12 != nil, tls.certificate != nil {
            // Possible after merging (defaults give one, the case the other).
            error(.conflictingKeys, "tls.pkcs12", "tls has both cert: and pkcs12:; give one",
                  hint: "cert/key and pkcs12 came from different layers (defaults, profile, case); keep one kind")
            return
        }
        if let pkcs12 = tls.pkcs12 {
            certificateKey = "tls.pkcs12"
            guard checkReadableFile(pkcs12, key: certificateKey, what: "tls.pkcs12") else { return }
        } else if let certificate = tls.certificate {
            certificateKey = "tls.cert"
            var ok = checkReadableFile(certificate, key: certificateKey, what: "tls.cert")
            if let key = tls.key { ok = checkReadableFile(key, key: "tls.key", what: "tls.key") && ok }
            guard ok else { return }
        } else {
            error(.missingKey, "tls.cert", "\(definition.settings.method?.rawValue ?? "this method") needs a client "
                      + "certificate", hint: "tls: {cert: alice.pem, key: alice.key} or tls: {pkcs12: alice.p12}")
            return
        }
        guard validator.checkCredentials else { return }
        let password: [UInt8]?
        var passwordKnown = true
        if let reference = tls.keyPassword {
            do {
                password = Array(try reference.resolve(environment: validator.environment).utf8)
            } catch {
                password = nil
                passwordKnown = false
            }
        } else {
            password = nil
        }
        let passwordText = password.map { String(decoding: $0, as: UTF8.self) }
        let cacheKey = [tls.pkcs12, tls.certificate, tls.key, tls.clientCA, tls.clientCRL, passwordText]
            .map { $0 ?? "-" }.joined(separator: "\u{1}")
        let findings: [CredentialFinding]
        if let cached = credentialCache[cacheKey] {
            findings = cached
        } else {
            findings = Self.loadAndCheck(tls, password: password, now: validator.now)
            credentialCache[cacheKey] = findings
        }
        for finding in findings {
            report(finding, certificateKey: certificateKey, passwordKnown: passwordKnown,
                   expectation: definition.expectation)
        }
    }

    /// What loading the credentials and the pre-flight found.
    enum CredentialFinding {
        case loadFailed(String)
        case preflight(PreflightFinding)
    }

    private static func loadAndCheck(_ tls: AuthSettings.TLS, password: [UInt8]?, now: Date) -> [CredentialFinding] {
        do {
            if let pkcs12 = tls.pkcs12 {
                let credentials = try TLSCredentials.pkcs12(file: pkcs12, password: password)
                return CertificatePreflight.check(credentials: credentials, trustedCAFile: tls.clientCA,
                                                  crlFile: tls.clientCRL, now: now)
                    .map(CredentialFinding.preflight)
            }
            guard let certificate = tls.certificate else { return [] }
            return try CertificatePreflight.check(certificateFile: certificate, keyFile: tls.key, keyPassword: password,
                                                  trustedCAFile: tls.clientCA, crlFile: tls.clientCRL, now: now)
                .map(CredentialFinding.preflight)
        } catch {
            return [.loadFailed(error.reason)]
        }
    }

    private mutating func report(_ finding: CredentialFinding, certificateKey: String, passwordKnown: Bool,
                                 expectation: Expectation) {
        switch finding {
        case .loadFailed(let reason):
            if !passwordKnown {
                warning(.unreadableCredentials, certificateKey,
                        "the credentials were not checked: \(reason)",
                        hint: "the key password (tls.key_password) is not available here")
            } else {
                error(.unreadableCredentials, certificateKey, "the credentials do not load: \(reason)",
                      hint: "check tls.key_password and that the key belongs to the certificate")
            }
        case .preflight(let finding):
            let (severity, windowsError, consequence) = Self.consequence(of: finding)
            var message = finding.detail + consequence
            var level = severity
            if expectation.outcome != .accept, severity == .error {
                // A refusal case may use a bad certificate on purpose.
                if let windowsError, expectation.windowsErrors.contains(windowsError) { return }
                level = .warning
                message += "; the case expects \(expectation)"
            }
            let key = finding.kind == .chainIncomplete || finding.kind == .trustAnchorUnavailable
                ? "tls.client_ca" : certificateKey
            issues.append(ProfileIssue(level, .certificate, at: current.location(of: key), message,
                                       hint: Self.hint(for: finding), caseName: current.name))
        }
    }

    /// Severity, the Windows error a Windows client would likely show, and the words saying so (from
    /// `PreflightAdvice`, the one table of what each finding means).
    static func consequence(of finding: PreflightFinding) -> (ProfileIssue.Severity, Int?, String) {
        let severity: ProfileIssue.Severity =
            [.expiresSoon, .weakKey, .revocationUnchecked, .notStronglyMapped, .strongMappingMalformed,
             .passwordBeyondASCII]
                .contains(finding.kind) ? .warning : .error
        // An expired intermediate makes the chain invalid (853), not the user certificate expired (854).
        if finding.kind == .expired, !finding.detail.hasPrefix("client certificate") {
            return (severity, 853, ": would likely cause Windows error 853 (a certificate of the chain has expired)")
        }
        return (severity, PreflightAdvice.windowsError(for: finding.kind),
                ": " + PreflightAdvice.consequence(for: finding.kind))
    }

    static func hint(for finding: PreflightFinding) -> String? {
        switch finding.kind {
        case .expired, .expiresSoon: return "enroll a new certificate (npsprobe explain 854)"
        case .notYetValid: return "check the clock of the machine that issued it, or wait"
        case .missingClientAuthEKU: return "issue it from a template with Client Authentication (1.3.6.1.5.5.7.3.2)"
        case .chainIncomplete: return "send the intermediates (a chain file in tls.cert) or check tls.client_ca"
        case .keyDoesNotMatchCertificate: return "tls.key must be the key of tls.cert"
        case .weakKey: return "use RSA 2048+ or ECDSA P-256+"
        case .trustAnchorUnavailable: return "check tls.client_ca"
        case .revoked: return "enroll a new certificate (npsprobe explain 855)"
        case .revocationUnchecked: return "check the CRL file"
        case .notStronglyMapped, .strongMappingMalformed:
            return "a certificate from an AD CS template that adds the SID, or a strong altSecurityIdentities "
                + "mapping (npsprobe explain strong-mapping)"
        case .passwordBeyondASCII: return "password_encoding: windows-1252, or an MS-CHAPv2 method"
        }
    }

    // MARK: Attributes, expectation, assertions

    /// The root dictionary with the case's extra dictionaries, or nil (after reporting) when unusable.
    private mutating func caseDictionary(_ s: AuthSettings) -> RADIUSDictionary? {
        guard let root = validator.dictionary else { return nil }
        let extras = s.dictionaries ?? []
        if extras.isEmpty { return root }
        if let cached = dictionaryCache[extras] { return cached }
        var dictionary = root
        for (index, path) in extras.enumerated() {
            guard checkReadableFile(path, key: "dictionaries[\(index)]", what: "dictionary") else {
                dictionaryCache[extras] = .some(nil)
                return nil
            }
            do {
                try dictionary.load(additional: path)
            } catch {
                self.error(.badDictionary, "dictionaries[\(index)]", "dictionary \(path): \(error)")
                dictionaryCache[extras] = .some(nil)
                return nil
            }
        }
        dictionaryCache[extras] = .some(dictionary)
        return dictionary
    }

    private mutating func checkAttributes(_ s: AuthSettings) {
        guard let dictionary = caseDictionary(s) else { return }
        for (index, text) in (s.attributes ?? []).enumerated() {
            do {
                _ = try dictionary.attribute(fromText: text)
            } catch {
                var hint: String?
                if error.code == .unknownAttribute, let equals = text.firstIndex(of: "=") {
                    let name = String(text[..<equals]).split(separator: ":").first.map(String.init) ?? ""
                    hint = Self.suggestAttribute(name.trimmingCharacters(in: .whitespaces), in: dictionary)
                }
                self.error(.badAttribute, "attributes[\(index)]", "attribute `\(text)`: \(error.reason)",
                           hint: hint ?? "Name=value with dictionary names, e.g. NAS-Port-Type=Virtual")
            }
        }
    }

    static func suggestAttribute(_ name: String, in dictionary: RADIUSDictionary) -> String? {
        Suggestions.didYouMean(name, in: dictionary.attributes.map(\.name)).map { $0 + " (npsprobe dict NAME)" }
    }

    private mutating func checkExpectation(_ definition: CaseDefinition) {
        for problem in definition.expectation.problems {
            error(.badExpectation, "expect", "expect: \(problem.message)", hint: problem.hint)
        }
    }

    private mutating func checkAssertions(_ definition: CaseDefinition, method: AuthSettings.Method) {
        let dictionary = caseDictionary(definition.settings)
        for (index, assertion) in definition.assertions.enumerated() {
            let key = "assert[\(index)]"
            switch assertion {
            case .attribute(let check):
                if let dictionary, dictionary.attribute(named: check.name) == nil {
                    error(.badAttribute, key + ".attribute", "assert: no dictionary defines `\(check.name)`",
                          hint: Self.suggestAttribute(check.name, in: dictionary))
                }
            case .mppeKeys(let state):
                if !method.derivesKeys, state != "not_applicable" {
                    warning(.ignoredKey, key, "\(method.rawValue) derives no MPPE keys: mppe_keys is always "
                                + "not_applicable")
                }
                if definition.expectation.outcome != .accept, state != "not_applicable" {
                    warning(.ignoredKey, key, "MPPE keys come only with an accept")
                }
            case .cryptoBinding:
                if !method.isPEAP {
                    warning(.ignoredKey, key, "crypto-binding exists in PEAP only, not \(method.rawValue)")
                }
            case .latencyUnder:
                break
            case .accounting(let state):
                if definition.settings.accounting?.enabled != true {
                    error(.badAssertion, key, "assert: accounting is checked, but the case sends no accounting",
                          hint: "accounting: true (or accounting: {servers: [HOST:1813]})")
                } else if definition.expectation.outcome != .accept, state != "not_sent" {
                    warning(.ignoredKey, key, "accounting follows an accept only: with expect "
                                + "\(definition.expectation) it is not_sent")
                }
            }
        }
    }
}

/// `HOST[:PORT]` syntax without resolving the name (resolution happens when the case runs).
enum ServerSyntax {
    private static func portProblem(_ text: Substring?) -> String? {
        guard let text else { return nil }
        guard let port = Int(text) else { return "port `\(text)` is not a number" }
        guard (1...65535).contains(port) else { return "port \(port) is out of range 1–65535" }
        return nil
    }

    /// Why `text` is not a server address, or nil.
    static func problem(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return "empty" }
        var host = trimmed
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return "missing ] after the IPv6 address" }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return "expected :PORT after ]" }
                portText = rest.dropFirst()
            }
            guard IPv6Address(host) != nil else { return "\(host) is not an IPv6 address" }
            return portProblem(portText)
        } else if trimmed.filter({ $0 == ":" }).count > 1 {
            return IPv6Address(trimmed) == nil ? "not an IPv6 address (write [v6]:PORT with a port)" : nil
        } else if let colon = trimmed.firstIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = trimmed[trimmed.index(after: colon)...]
        }
        if let problem = portProblem(portText) { return problem }
        guard !host.isEmpty else { return "empty host name" }
        if IPv4Address(host) != nil { return nil }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))
        guard host.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII }) else {
            return "`\(host)` is not a host name"
        }
        guard !host.hasPrefix("-"), !host.hasPrefix("."), !host.contains("..") else {
            return "`\(host)` is not a host name"
        }
        return nil
    }
}
