import EAP
import Evidence
import Foundation
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// A case ready to run: where to send, what to send, and what was noticed while preparing it. Everything
/// expensive (TLS contexts, credentials, pre-flight) is done once here and shared by every conversation
/// of the case — `--repeat`, `--parallel` and load runs reuse the same value.
public struct PreparedCase: Sendable {
    public var client: RADIUSClientConfiguration
    public var request: AuthenticationRequest
    /// Run the conversation a second time resuming the first one's TLS session (PEAP fast reconnect).
    public var resume: Bool
    /// Things the user should hear about (insecure server checks, pre-flight findings, defaults chosen).
    public var warnings: [String]
    /// How the EAP method was configured, so a load run can configure it again for each identity of a pool.
    public var eapRecipe: EAPMethodRecipe?
    /// The client certificate we will send, when the method sends one (for pre-flight notes).
    public var clientCertificate: CertificateInfo?
    /// Accounting after an Access-Accept, when the case asks for it.
    public var accounting: AccountingPlan?
}

/// Where and how a case sends its accounting (RFC 2866): the accounting servers in failover order with the
/// case's shared secret and retransmission, and whether an Interim-Update goes between Start and Stop.
public struct AccountingPlan: Sendable {
    public var client: RADIUSClientConfiguration
    public var interimUpdate: Bool

    public init(client: RADIUSClientConfiguration, interimUpdate: Bool) {
        self.client = client
        self.interimUpdate = interimUpdate
    }
}

/// Turns `AuthSettings` (from a profile, a suite case or the `auth` command line) into a `PreparedCase`:
/// resolves secrets, parses servers and attributes, loads credentials and builds TLS contexts.
public enum CasePreparation {
    /// Windows and hostapd send at most 1398 TLS octets per EAP-TLS fragment.
    public static let defaultFragmentSize = 1398

    /// `keyLog` receives the secrets of every TLS session of the case (outer and PEAP's inner) for `--keylog`
    /// and `--pcap-with-keys`; nil records none.
    public static func prepare(
        _ settings: AuthSettings, dictionary: RADIUSDictionary,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        location: SourceLocation = .file("<command line>"), now: Date = Date(), keyLog: TLSKeyLog? = nil
    ) throws(ProfileError) -> PreparedCase {
        func fail(_ code: ProfileError.Code, _ message: String, hint: String? = nil) -> ProfileError {
            ProfileError(code, at: location, message, hint: hint)
        }
        var warnings: [String] = []
        let client = try self.client(settings, environment: environment, location: location)
        let servers = client.servers

        // What every Access-Request carries: NAS attributes, the preset, --attr extras, Framed-MTU.
        var dictionary = dictionary
        for path in settings.dictionaries ?? [] {
            do {
                try dictionary.load(additional: path)
            } catch {
                throw fail(.badDictionary, "dictionary \(error)")
            }
        }
        if let empty = settings.emptyValues.first {
            throw fail(.invalidValue, empty.message(commandLine: location.path == "<command line>"), hint: empty.hint)
        }
        let attributes = try RequestAttributes.build(settings, dictionary: dictionary, toward: servers[0], fail: fail)

        // How: the method and its credentials.
        guard let method = settings.method else {
            throw fail(.missingKey, "no method given", hint: "--method pap|chap|mschapv2|eap-tls|peap-tls|…")
        }
        if settings.tls?.resume == true, !method.usesTLS {
            throw fail(.invalidValue, "resumption asked for (--resume, tls.resume), but \(method.rawValue) has no TLS "
                       + "session to resume",
                       hint: "resumption (PEAP fast reconnect) needs eap-tls, peap-tls or peap-mschapv2")
        }
        guard let identity = settings.identity ?? settings.effectiveOuterIdentity else {
            throw fail(.missingKey, "no identity given", hint: "--identity NAME or identity: NAME")
        }
        func password() throws(ProfileError) -> String {
            guard let reference = settings.password else {
                throw fail(.missingKey, "\(method.rawValue) needs a password",
                           hint: "--password-file PATH, --password-env VAR, or password: {env: VAR}")
            }
            let value = try reference.resolve(environment: environment, at: location, what: "the password")
            // A password file or variable that holds nothing is a mistake, never a password to send; a literal
            // is taken as written (`load --identity-file` gives each identity its own over an empty one).
            switch reference {
            case .file where value.isEmpty:
                throw fail(.invalidValue, "the password (\(reference)) is empty",
                           hint: "put the password in the file (one trailing newline is ignored)")
            case .env where value.isEmpty:
                throw fail(.invalidValue, "the password (\(reference)) is empty", hint: nil)
            default:
                return value
            }
        }
        let newPassword = try settings.newPassword.map { reference throws(ProfileError) in
            try reference.resolve(environment: environment, at: location, what: "the new password")
        }
        let authentication: AuthenticationMethod
        var eapRecipe: EAPMethodRecipe?
        var preflight: [PreflightFinding] = []
        var clientCertificate: CertificateInfo?
        var userName = identity
        /// A PAP/CHAP password: encodable in the chosen encoding, and flagged when beyond ASCII.
        func octetPassword() throws(ProfileError) -> (String, PasswordEncoding) {
            let text = try password()
            let encoding = settings.passwordEncoding ?? .utf8
            do {
                _ = try encoding.encode(text)
            } catch {
                throw fail(.invalidValue, "\(method.rawValue) password: \(error)",
                           hint: "use --password-encoding utf-8, or MS-CHAPv2/PEAP (the NT hash is Unicode)")
            }
            if PasswordEncoding.hasNonASCII(text) {
                preflight.append(PreflightFinding(
                    kind: .passwordBeyondASCII,
                    detail: "the \(method.rawValue.uppercased()) password holds characters beyond ASCII "
                        + "(\(PasswordEncoding.nonASCIICharacters(text))), sent as \(encoding.rawValue)"))
            }
            return (text, encoding)
        }
        switch method {
        case .pap:
            let (text, encoding) = try octetPassword()
            authentication = .pap(password: text, encoding: encoding)
        case .chap:
            let (text, encoding) = try octetPassword()
            authentication = .chap(password: text, encoding: encoding)
        case .mschapv2:
            authentication = .msCHAPv2(password: try password())
        case .eap(let eapMethod):
            let tls = settings.tls ?? .init()
            if tls.insecure == true {
                warnings.append("the server's certificate is NOT checked (insecure): any server, or an attacker, "
                                + "is accepted")
            }
            var clientCredentials: TLSCredentials?
            if method.usesClientCertificate {
                let credentials = try loadCredentials(tls, environment: environment, fail: fail,
                                                      location: location)
                clientCredentials = credentials
                clientCertificate = credentials.certificate
                preflight = CertificatePreflight.check(
                    credentials: credentials, trustedCAFile: tls.clientCA, crlFile: tls.clientCRL, now: now)
            }
            let fragmentSize = TLSFragmenter.Configuration.typeDataSize(
                hostapdFragmentSize: settings.fragmentSize ?? defaultFragmentSize)
            let outerIdentity = settings.effectiveOuterIdentity ?? identity
            let innerIdentity = settings.effectiveInnerIdentity ?? identity
            userName = outerIdentity
            // What the method's description says it needs: the TLS context that carries our certificate (EAP-TLS,
            // PEAP's inner EAP-TLS), a password, and for PEAP a tunnel context without our certificate.
            let tunnel = eapMethod.inner != nil ? try context(tls, credentials: nil, keyLog: keyLog, fail: fail) : nil
            let credentials = EAPMethodCredentials(
                identity: innerIdentity, password: method.usesPassword ? try password() : nil,
                newPassword: newPassword,
                tls: method.usesClientCertificate
                    ? try context(tls, credentials: clientCredentials, keyLog: keyLog, fail: fail) : nil)
            let binding: CryptoBindingPolicy
            switch settings.peap?.cryptoBinding ?? .optional {
            case .disabled: binding = .disabled
            case .optional: binding = .optional
            case .required: binding = .required
            }
            let peerMethod: EAPMethodConfiguration
            do {
                peerMethod = try eapMethod.configuration(credentials, tunnel: tunnel, cryptoBinding: binding, soh: .nak)
            } catch {
                throw fail(.invalidValue, "\(method.rawValue): \(error.reason)")
            }
            authentication = .eap(
                EAPPeerConfiguration(identity: outerIdentity, method: peerMethod, fragmentSize: fragmentSize))
            eapRecipe = EAPMethodRecipe(
                method: eapMethod, credentials: credentials, tunnel: tunnel, cryptoBinding: binding, soh: .nak)
        }
        let request = AuthenticationRequest(
            userName: userName, method: authentication, attributes: attributes, preflight: preflight)
        return PreparedCase(client: client, request: request, resume: settings.tls?.resume ?? false,
                            warnings: warnings,
                            eapRecipe: eapRecipe, clientCertificate: clientCertificate,
                            accounting: try accountingPlan(settings.accounting, client: client, location: location))
    }

    /// The accounting servers: the ones given (default port 1813), else each authentication server's host on
    /// 1813 — or on its port + 1 when that is not 1812 (the convention of servers on other ports, the lab's too).
    public static func accountingPlan(
        _ accounting: AuthSettings.Accounting?, client: RADIUSClientConfiguration, location: SourceLocation
    ) throws(ProfileError) -> AccountingPlan? {
        guard let accounting, accounting.enabled == true else { return nil }
        var servers: [ServerAddress] = []
        if let texts = accounting.servers, !texts.isEmpty {
            for text in texts {
                do {
                    servers.append(try ServerAddress(parsing: text, defaultPort: 1813))
                } catch {
                    throw ProfileError(.badServer, at: location, "accounting server \(text): \(error.reason)")
                }
            }
        } else {
            for server in client.servers {
                guard let counterpart = server.accountingCounterpart else {
                    throw ProfileError(.badServer, at: location, "server \(server) has no port + 1 for accounting",
                                       hint: "give accounting.servers (--accounting-server HOST:PORT)")
                }
                servers.append(counterpart)
            }
        }
        var configuration = client
        configuration.servers = servers
        return AccountingPlan(client: configuration, interimUpdate: accounting.interimUpdate ?? false)
    }

    /// Where to send and how: the servers in failover order, the shared secret (falling back to
    /// `NPSPROBE_SECRET`), retransmission (RFC 5080 §2.2.1) and the reply checks (RFC 3579 §3.2). `auth`,
    /// `run` and `status` all get their client this way.
    public static func client(
        _ settings: AuthSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        location: SourceLocation = .file("<command line>")
    ) throws(ProfileError) -> RADIUSClientConfiguration {
        guard let serverTexts = settings.servers, !serverTexts.isEmpty else {
            throw ProfileError(.missingKey, at: location, "no server given",
                               hint: "--server HOST[:PORT] or servers: [HOST[:PORT]]")
        }
        var servers: [ServerAddress] = []
        for text in serverTexts {
            do {
                servers.append(try ServerAddress(parsing: text))
            } catch {
                throw ProfileError(.badServer, at: location, "server \(text): \(error.reason)")
            }
        }
        let fallback: SecretReference? = environment["NPSPROBE_SECRET"] != nil ? .env("NPSPROBE_SECRET") : nil
        guard let secretReference = settings.secret ?? fallback else {
            throw ProfileError(.missingKey, at: location, "no shared secret",
                               hint: "--secret-file PATH, --secret-env VAR, NPSPROBE_SECRET, or secret: {env: VAR}")
        }
        let secret = try secretReference.resolve(environment: environment, at: location, what: "the shared secret")
        guard !secret.isEmpty else { throw ProfileError(.invalidValue, at: location, "the shared secret is empty") }
        let timeout = settings.timeout ?? 3
        let policy = RetransmitPolicy(
            initialTimeout: .milliseconds(Int64(timeout * 1000)), retransmissions: settings.retries ?? 2)
        return RADIUSClientConfiguration(
            servers: servers, secret: Array(secret.utf8), retransmit: policy,
            replyPolicy: settings.requireMessageAuthenticator == false ? .lenient : .default)
    }

    /// The client certificate and key from PEM files or PKCS#12, with the key password when one is given.
    static func loadCredentials(
        _ tls: AuthSettings.TLS, environment: [String: String],
        fail: (ProfileError.Code, String, String?) -> ProfileError, location: SourceLocation
    ) throws(ProfileError) -> TLSCredentials {
        let password = try tls.keyPassword.map { reference throws(ProfileError) in
            Array(try reference.resolve(environment: environment, at: location, what: "the key password").utf8)
        }
        do {
            if let pkcs12 = tls.pkcs12 { return try TLSCredentials.pkcs12(file: pkcs12, password: password) }
            guard let certificate = tls.certificate else {
                throw fail(.missingKey, "a client certificate is needed: give --cert/--key or --pkcs12",
                           "tls: {cert: client.pem, key: client.key} or tls: {pkcs12: client.p12}")
            }
            return try TLSCredentials.pem(certificateFile: certificate, keyFile: tls.key, keyPassword: password)
        } catch let error as TLSError {
            // The key-password hint only where a password is the problem.
            throw fail(.unreadableCredentials, "client credentials: \(error.reason)", error.code == .keyPassword
                       ? "give the key or PKCS#12 password with --key-password-env / --key-password-file "
                           + "(tls: key_password:)" : nil)
        } catch let error as ProfileError {
            throw error
        } catch {
            throw fail(.unreadableCredentials, "client credentials: \(error)", nil)
        }
    }

    /// A TLS client context: the trusted CAs (files concatenated, one directory), accepted server names,
    /// EKU, CRL, versions (default TLS 1.2 only: NPS does not do TLS 1.3 for EAP), ciphers, resumption.
    static func context(
        _ tls: AuthSettings.TLS, credentials: TLSCredentials?, keyLog: TLSKeyLog?,
        fail: (ProfileError.Code, String, String?) -> ProfileError
    ) throws(ProfileError) -> TLSClientContext {
        var files: [String] = []
        var directory: String?
        for path in tls.ca ?? [] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw fail(.missingFile, "CA \(path) does not exist", nil)
            }
            if isDirectory.boolValue {
                guard directory == nil else {
                    throw fail(.invalidValue, "only one CA directory is supported; put the files in one", nil)
                }
                directory = path
            } else {
                files.append(path)
            }
        }
        let validation = TLSServerValidation(
            trustedCADirectory: directory, acceptedServerNames: tls.serverNames ?? [],
            requireServerAuthEKU: tls.requireServerAuthEKU ?? true, crlFile: tls.crl,
            insecure: tls.insecure ?? false, trustedCAFiles: files)
        guard validation.insecure || !files.isEmpty || directory != nil else {
            throw fail(.missingKey, "no CA to check the server certificate against",
                       "--ca root-ca.pem (and --server-name), or --insecure to skip every check")
        }
        let minimum = TLSVersion(rawValue: tls.minVersion ?? "1.2")
        let maximum = TLSVersion(rawValue: tls.maxVersion ?? (tls.minVersion == "1.3" ? "1.3" : "1.2"))
        guard let minimum, let maximum, minimum <= maximum else {
            throw fail(.invalidValue, "TLS versions \(tls.minVersion ?? "1.2")–\(tls.maxVersion ?? "1.2") are "
                       + "not a valid range of 1.0, 1.1, 1.2, 1.3", nil)
        }
        do {
            return try TLSClientContext(TLSClientConfiguration(
                credentials: credentials, validation: validation, minimumVersion: minimum, maximumVersion: maximum,
                cipherList: tls.ciphers, cipherSuites: tls.cipherSuites, groups: tls.groups,
                sessionResumption: tls.resume ?? false, serverNameIndication: tls.sni, keyLog: keyLog))
        } catch {
            throw fail(.tlsConfiguration, "TLS settings refused: \(error.reason)", nil)
        }
    }
}
