import ArgumentParser
import Jobs
import Probe
import Profiles
import RADIUS
import Reports

/// Where to send and how: servers, shared secret, retransmission (help section "Server and secret"), and the
/// dictionaries (section "Dictionaries").
struct ConnectionOptions: ParsableArguments {
    @OptionGroup(title: "Server and secret") var server: ServerOptions
    @OptionGroup(title: "Dictionaries") var dictionary: DictionaryOptions

    var dictionaries: [String] { dictionary.dictionaries }
    var dictionaryDir: String? { dictionary.dictionaryDir }

    /// The connection part of `AuthSettings`: only what was given, so a `--profile` fills the rest.
    func settings() -> AuthSettings {
        var settings = server.settings()
        if !dictionaries.isEmpty { settings.dictionaries = dictionaries.map(Paths.absolute) }
        settings.dictionaryDirectory = dictionaryDir.map(Paths.absolute)
        return settings
    }
}

/// Servers, the shared secret, retransmission and the reply checks.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: ArgumentHelp(
        "RADIUS server as HOST[:PORT] ([v6]:PORT for IPv6); repeat for failover order.", valueName: "host[:port]"))
    var servers: [String] = []

    @Option(help: ArgumentHelp("Read the shared secret from this file.", valueName: "path"))
    var secretFile: String?

    @Option(help: ArgumentHelp("Read the shared secret from this environment variable (default NPSPROBE_SECRET).",
                               valueName: "var"))
    var secretEnv: String?

    @Option(help: ArgumentHelp("The shared secret itself (visible in ps: prefer --secret-file).", valueName: "secret"))
    var secret: String?

    @Option(help: ArgumentHelp(
        "Seconds to wait after the first transmission (doubles on each retransmission; default 3).",
        valueName: "seconds"))
    var timeout: Double?

    @Option(help: "Retransmissions to each server before failing over to the next (default 2).")
    var retries: Int?

    @Flag(help: "Accept replies without Message-Authenticator (old servers); it is still verified when present.")
    var noRequireMessageAuthenticator = false

    func validate() throws {
        if let timeout, let problem = SettingLimits.timeout.optionProblem(timeout) { throw ValidationError(problem) }
        if let retries, let problem = SettingLimits.retries.optionProblem(retries) { throw ValidationError(problem) }
    }

    func settings() -> AuthSettings {
        var settings = AuthSettings()
        if !servers.isEmpty { settings.servers = servers }
        if let secretFile {
            SecretFilePermissions.warn(secretFile, what: "the shared secret file")
            settings.secret = .file(Paths.absolute(secretFile))
        } else if let secretEnv {
            settings.secret = .env(secretEnv)
        } else if let secret {
            Console.warn("shared secret given with --secret is visible to other users through ps; "
                         + "prefer --secret-file or --secret-env")
            settings.secret = .literal(secret)
        }
        settings.timeout = timeout
        settings.retries = retries
        if noRequireMessageAuthenticator { settings.requireMessageAuthenticator = false }
        return settings
    }
}

/// `--dictionary` and `--dictionary-dir`, for every command that decodes attributes.
struct DictionaryOptions: ParsableArguments {
    @Option(name: .customLong("dictionary"), help: ArgumentHelp(
        "An extra FreeRADIUS-format dictionary file to load (repeatable).", valueName: "path"))
    var dictionaries: [String] = []

    @Option(help: ArgumentHelp("Folder holding the root 'dictionary' file (default: the bundled Dictionaries/).",
                               valueName: "path"))
    var dictionaryDir: String?

    /// The root dictionary (see `DictionaryLocator`) and the extra files on top.
    func load() throws(LocalError) -> RADIUSDictionary {
        try DictionaryLocator.load(directory: dictionaryDir, additional: dictionaries)
    }
}
