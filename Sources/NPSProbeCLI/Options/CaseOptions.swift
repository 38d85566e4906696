import ArgumentParser
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import Reports
import TLS

/// Everything that describes one authentication on the command line — connection, NAS, method, TLS —
/// layered over an optional `--profile`. `auth` and `load` share it.
struct CaseOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup(title: "NAS attributes") var nas: NASOptions
    @OptionGroup var method: MethodOptions

    @Option(help: ArgumentHelp("A profile (YAML) with the settings; options given here override it.",
                               valueName: "path"))
    var profile: String?

    struct Prepared {
        var prepared: PreparedCase
        var dictionary: RADIUSDictionary
        /// The profile's case, when `--profile` was given.
        var definition: CaseDefinition?
        /// The settings the case was prepared from (options over the profile).
        var settings: AuthSettings
    }

    /// Merges the options over the profile, loads the dictionary and prepares the case (credentials and TLS
    /// contexts loaded once). Warnings and pre-flight findings go to stderr. `keyLog` receives every TLS session's
    /// secrets (`--keylog`); `accounting` comes from `auth`'s accounting options. `adjust` may change the merged
    /// settings before they are prepared (`load` does for its identity pools).
    func prepare(
        keyLog: TLSKeyLog? = nil, accounting: AuthSettings.Accounting? = nil,
        adjust: (inout AuthSettings) throws(LocalError) -> Void = { _ throws(LocalError) in }
    ) throws(LocalError) -> Prepared {
        var merged = try merged(accounting: accounting)
        try adjust(&merged.settings)
        return try prepare(merged, keyLog: keyLog)
    }

    /// The options merged over the `--profile`, and the profile's case.
    func merged(accounting: AuthSettings.Accounting? = nil) throws(LocalError)
        -> (settings: AuthSettings, definition: CaseDefinition?)
    {
        var settings = connection.settings()
        nas.apply(to: &settings)
        method.apply(to: &settings)
        settings.accounting = accounting
        var definition: CaseDefinition?
        if let profile {
            let loaded = try Self.loadProfile(profile)
            settings = settings.merged(over: loaded.settings)
            definition = loaded
        }
        return (settings, definition)
    }

    func prepare(_ merged: (settings: AuthSettings, definition: CaseDefinition?), keyLog: TLSKeyLog? = nil)
        throws(LocalError) -> Prepared
    {
        let (settings, definition) = merged
        let dictionary = try DictionaryLocator.load(directory: settings.dictionaryDirectory, additional: [])
        let prepared: PreparedCase
        do {
            prepared = try CasePreparation.prepare(settings, dictionary: dictionary, keyLog: keyLog)
        } catch {
            let code: LocalErrorCode = switch error.code {
            case .unreadableCredentials, .certificate: .credentials
            case .badServer: .badServerAddress
            case .tlsConfiguration: .tls
            default: .badInput
            }
            throw LocalError(error.hint.map { "\(error.reason) (\($0))" } ?? error.reason, code: code)
        }
        for warning in prepared.warnings { Console.warn(warning) }
        for finding in prepared.request.preflight {
            Console.warn("pre-flight: \(PreflightAdvice.warning(for: finding))")
        }
        if let note = prepared.clientCertificate.flatMap(PreflightAdvice.strongMappingNote(for:)) {
            Console.err("npsprobe: pre-flight: \(note)")
        }
        return Prepared(prepared: prepared, dictionary: dictionary, definition: definition, settings: settings)
    }

    /// A profile given to `auth` or `load`: exactly one case.
    static func loadProfile(_ path: String) throws(LocalError) -> CaseDefinition {
        let document: LoadedDocument
        do {
            document = try ProfileLoader.load(path: Paths.absolute(path))
        } catch {
            throw LocalError(error.issues.map(\.description).joined(separator: "\n"))
        }
        guard document.cases.count == 1, let definition = document.cases.first else {
            throw LocalError("\(path) holds \(document.cases.count) cases; give a profile with one (use "
                             + "`npsprobe run` for suites)")
        }
        return definition
    }
}
