import ArgumentParser
import Foundation
import Jobs
import Profiles
import RADIUS
import Reports

/// The method, identities, passwords, TLS and PEAP options of `auth` — each has a profile key, and the
/// command line wins over a `--profile`. Three help sections: "Method and identity", "TLS", "EAP and PEAP".
struct MethodOptions: ParsableArguments {
    @OptionGroup(title: "Method and identity") var identity: IdentityOptions
    @OptionGroup(title: "TLS (EAP-TLS and PEAP)") var tls: TLSOptions
    @OptionGroup(title: "EAP and PEAP") var eap: EAPOptions
}

/// `--method`, the identities and the passwords.
struct IdentityOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "pap, chap, mschapv2 (RFC 2548, no EAP), "
            + AuthSettings.Method.allCases.compactMap { $0.eap?.name }.joined(separator: ", ") + ".",
        valueName: "method"))
    var method: AuthSettings.Method?

    @Option(help: ArgumentHelp("User-Name, and the EAP identity unless --outer-identity is given.", valueName: "name"))
    var identity: String?

    @Option(help: ArgumentHelp("EAP-Response/Identity outside the tunnel, e.g. anonymous@corp.example.",
                               valueName: "name"))
    var outerIdentity: String?

    @Option(help: ArgumentHelp("The identity inside PEAP (default: --identity).", valueName: "name"))
    var innerIdentity: String?

    @Option(help: ArgumentHelp("Read the password from this file.", valueName: "path"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("Read the password from this environment variable.", valueName: "var"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("The password itself (visible in ps: prefer --password-file).", valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp("MS-CHAPv2: the new password, from this environment variable, used when the server "
                               + "says the password expired (E=648).", valueName: "var"))
    var newPasswordEnv: String?

    @Option(help: ArgumentHelp("MS-CHAPv2: the new password, from this file.", valueName: "path"))
    var newPasswordFile: String?

    @Option(help: ArgumentHelp(
        "PAP/CHAP: the password's octets, utf-8 (default) or windows-1252 (what NPS decodes: its ANSI code page; "
            + "see the README on passwords beyond ASCII).", valueName: "encoding"))
    var passwordEncoding: PasswordEncoding?
}

/// The client's certificate and how the server's is checked; TLS versions and ciphers.
struct TLSOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client certificate (PEM or DER), optionally followed by its intermediates.",
                               valueName: "path"))
    var cert: String?

    @Option(help: ArgumentHelp("Private key of --cert (default: in the --cert file).", valueName: "path"))
    var key: String?

    @Option(help: ArgumentHelp("Client certificate and key as PKCS#12 instead of --cert/--key.", valueName: "path"))
    var pkcs12: String?

    @Option(help: ArgumentHelp("Read the key or PKCS#12 password from this environment variable.", valueName: "var"))
    var keyPasswordEnv: String?

    @Option(help: ArgumentHelp("Read the key or PKCS#12 password from this file.", valueName: "path"))
    var keyPasswordFile: String?

    @Option(name: .customLong("ca"), help: ArgumentHelp(
        "CA certificate file or directory trusted for the server's certificate (repeatable).", valueName: "path"))
    var cas: [String] = []

    @Option(name: .customLong("server-name"), help: ArgumentHelp(
        "A name the server's certificate must carry (DNS SAN, else CN; repeatable): Windows' \"Connect to these "
            + "servers\".", valueName: "name"))
    var serverNames: [String] = []

    @Option(help: ArgumentHelp("The CA that issued our certificate, for the local pre-flight chain check.",
                               valueName: "path"))
    var clientCA: String?

    @Option(help: ArgumentHelp("CRL of the CA that issued our certificate: the pre-flight checks it is not revoked.",
                               valueName: "path"))
    var clientCRL: String?

    @Option(help: ArgumentHelp("CRL file to check the server's chain against.", valueName: "path"))
    var crl: String?

    @Flag(help: "Skip EVERY check of the server's certificate. Never use in production.")
    var insecure = false

    @Flag(help: "Accept a server certificate without the Server Authentication EKU (Windows requires it).")
    var noRequireServerEKU = false

    @Option(help: ArgumentHelp("Lowest TLS version: 1.0, 1.1, 1.2 (default), 1.3.", valueName: "version"))
    var tlsMin: String?

    @Option(help: ArgumentHelp("Highest TLS version (default 1.2: NPS does not do TLS 1.3 for EAP).",
                               valueName: "version"))
    var tlsMax: String?

    @Option(help: ArgumentHelp("TLS 1.2 cipher list (OpenSSL syntax).", valueName: "list"))
    var ciphers: String?

    @Option(help: ArgumentHelp("TLS 1.3 cipher suites.", valueName: "list"))
    var cipherSuites: String?

    @Option(help: ArgumentHelp("Key-exchange groups, e.g. X25519:P-256.", valueName: "list"))
    var groups: String?

    @Option(help: ArgumentHelp("Server Name Indication to send.", valueName: "name"))
    var sni: String?

    @Flag(help: "Authenticate twice, the second time resuming the first TLS session (PEAP fast reconnect).")
    var resume = false
}

/// EAP fragmentation, Framed-MTU and PEAP behaviour.
struct EAPOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "TLS octets per EAP fragment, \(SettingLimits.fragmentSize.rangeText) (default 1398, like Windows and hostapd).",
        valueName: "bytes"))
    var fragmentSize: Int?

    @Option(help: ArgumentHelp("Send Framed-MTU with this value, \(SettingLimits.framedMTU.rangeText) (RFC 2865 §5.12).",
                               valueName: "bytes"))
    var framedMTU: Int?

    @Option(help: ArgumentHelp("PEAP crypto-binding: optional (default), required, disabled.", valueName: "policy"))
    var cryptoBinding: AuthSettings.PEAP.CryptoBinding?

    @Flag(help: "Same as --crypto-binding disabled.")
    var noCryptobinding = false

    @Flag(help: "Same as --crypto-binding required.")
    var requireCryptobinding = false

    @Option(help: ArgumentHelp("How to answer NPS's Statement-of-Health request: nak (default).", valueName: "policy"))
    var soh: AuthSettings.PEAP.SoH?
}

extension MethodOptions {
    func validate() throws {
        let (eap, tls) = (self.eap, self.tls)
        if eap.noCryptobinding && eap.requireCryptobinding {
            throw ValidationError("--no-cryptobinding and --require-cryptobinding contradict each other")
        }
        if let fragmentSize = eap.fragmentSize, let problem = SettingLimits.fragmentSize.optionProblem(fragmentSize) {
            throw ValidationError(problem)
        }
        if let framedMTU = eap.framedMTU, let problem = SettingLimits.framedMTU.optionProblem(framedMTU) {
            throw ValidationError(problem)
        }
        if tls.cert != nil && tls.pkcs12 != nil { throw ValidationError("give --cert/--key or --pkcs12, not both") }
    }

    func apply(to settings: inout AuthSettings) {
        let (options, eap) = (self.tls, self.eap)
        settings.method = identity.method
        settings.identity = identity.identity
        settings.outerIdentity = identity.outerIdentity
        settings.innerIdentity = identity.innerIdentity
        if let passwordFile = identity.passwordFile {
            SecretFilePermissions.warn(passwordFile, what: "the password file")
            settings.password = .file(Paths.absolute(passwordFile))
        } else if let passwordEnv = identity.passwordEnv {
            settings.password = .env(passwordEnv)
        } else if let password = identity.password {
            Console.warn("password given with --password is visible to other users through ps; "
                         + "prefer --password-file or --password-env")
            settings.password = .literal(password)
        }
        settings.passwordEncoding = identity.passwordEncoding
        if let newPasswordFile = identity.newPasswordFile {
            settings.newPassword = .file(Paths.absolute(newPasswordFile))
        } else if let newPasswordEnv = identity.newPasswordEnv {
            settings.newPassword = .env(newPasswordEnv)
        }
        var tls = AuthSettings.TLS(
            certificate: options.cert.map(Paths.absolute), key: options.key.map(Paths.absolute),
            pkcs12: options.pkcs12.map(Paths.absolute), ca: options.cas.isEmpty ? nil : options.cas.map(Paths.absolute),
            clientCA: options.clientCA.map(Paths.absolute),
            serverNames: options.serverNames.isEmpty ? nil : options.serverNames,
            insecure: options.insecure ? true : nil, requireServerAuthEKU: options.noRequireServerEKU ? false : nil,
            crl: options.crl.map(Paths.absolute), minVersion: options.tlsMin, maxVersion: options.tlsMax,
            ciphers: options.ciphers, cipherSuites: options.cipherSuites, groups: options.groups,
            resume: options.resume ? true : nil, sni: options.sni, clientCRL: options.clientCRL.map(Paths.absolute))
        SecretFilePermissions.warn(options.key, what: "the private key file")
        SecretFilePermissions.warn(options.pkcs12, what: "the PKCS#12 file (it holds the private key)")
        if let keyPasswordFile = options.keyPasswordFile {
            SecretFilePermissions.warn(keyPasswordFile, what: "the key passphrase file")
            tls.keyPassword = .file(Paths.absolute(keyPasswordFile))
        } else if let keyPasswordEnv = options.keyPasswordEnv {
            tls.keyPassword = .env(keyPasswordEnv)
        }
        if !tls.isEmpty { settings.tls = tls }
        settings.fragmentSize = eap.fragmentSize
        settings.framedMTU = eap.framedMTU
        var binding = eap.cryptoBinding
        if eap.noCryptobinding { binding = .disabled }
        if eap.requireCryptobinding { binding = .required }
        let peap = AuthSettings.PEAP(cryptoBinding: binding, soh: eap.soh)
        if !peap.isEmpty { settings.peap = peap }
    }
}

extension AuthSettings.Method: ExpressibleByArgument {}
extension PasswordEncoding: ExpressibleByArgument {}
extension AuthSettings.PEAP.CryptoBinding: ExpressibleByArgument {}
extension AuthSettings.PEAP.SoH: ExpressibleByArgument {}
extension AuthSettings.NAS.Kind: ExpressibleByArgument {}
