import Foundation
import Probe
import Profiles
import TLS

/// Where a load run's identities come from (`load --identities`, `--identity-file`, `--certificate-dir`).
public struct LoadIdentitySettings: Sendable {
    /// `--identities N`: the identity pattern (`user{n}`) numbered 1…N.
    public var numbered: Int?
    /// `--identity-file`: a CSV of `identity,password` lines.
    public var file: String?
    /// `--certificate-dir`: client certificates, PEM pairs (`name.pem` + `name.key`) or PKCS#12 (`.p12`, `.pfx`).
    public var certificateDirectory: String?
    /// `--calling-station-id` with a `{n}` placeholder.
    public var callingStationId: String?
    public var resumeRatio: Double
    /// `--source-address` was given: NAS-IP-Address follows each conversation's source address unless
    /// `--nas-ip-address` (or the profile) sets one.
    public var nasAddressFromSource: Bool
    /// `--shard i/N`: this generator's slice of the pool.
    public var shard: LoadShard = .whole

    public init(numbered: Int? = nil, file: String? = nil, certificateDirectory: String? = nil,
                callingStationId: String? = nil, resumeRatio: Double = 0, nasAddressFromSource: Bool = false) {
        self.nasAddressFromSource = nasAddressFromSource
        self.numbered = numbered
        self.file = file
        self.certificateDirectory = certificateDirectory
        self.callingStationId = callingStationId
        self.resumeRatio = resumeRatio
    }

    /// The identity `--identity` defaults to when a pool names the identities (`{identity}` is each entry's).
    public static let poolIdentity = "{identity}"
}

/// Prepares what a load run needs beyond its case: the identity pool, read and checked before anything is sent
/// (a CSV line or a certificate that cannot be used is an error naming it, not a conversation that fails).
public enum LoadPreparation {
    /// The settings a pool needs to prepare its base case: a placeholder identity when none is given, the first
    /// certificate of a folder (so the pre-flight and TLS context of the case are built), a password for a CSV
    /// pool (each line brings its own), session resumption on when a resumption mix is asked for.
    public static func adjust(
        _ settings: inout AuthSettings, for identities: LoadIdentitySettings
    ) throws(ProfileError) {
        if identities.file != nil || identities.certificateDirectory != nil, settings.identity == nil {
            settings.identity = LoadIdentitySettings.poolIdentity
        }
        if identities.file != nil, settings.password == nil { settings.password = .literal("") }
        if let directory = identities.certificateDirectory {
            let files = try certificateFiles(in: directory)
            var tls = settings.tls ?? .init()
            files[0].use(in: &tls)
            settings.tls = tls
        }
        if identities.resumeRatio > 0 {
            if let method = settings.method, !method.usesTLS {
                throw ProfileError(.invalidValue, at: .file("<command line>"),
                                   "--resume-ratio needs a TLS method (eap-tls, peap-tls, peap-mschapv2), not "
                                   + method.rawValue)
            }
            var tls = settings.tls ?? .init()
            tls.resume = true
            settings.tls = tls
        }
    }

    /// The pool: credentials loaded once (one TLS context per certificate).
    public static func identities(
        _ identities: LoadIdentitySettings, settings: AuthSettings,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ProfileError) -> LoadIdentities {
        let location = SourceLocation.file("<command line>")
        var calling: NumberPattern?
        if let text = identities.callingStationId {
            do {
                let pattern = try NumberPattern(text)
                if pattern.hasPlaceholders { calling = pattern }
            } catch {
                throw ProfileError(.invalidValue, at: location, "--calling-station-id \(error.reason)")
            }
        }
        if let identity = settings.identity {
            do {
                _ = try NumberPattern(identity)
            } catch {
                throw ProfileError(.invalidValue, at: location, "--identity \(error.reason)")
            }
        }
        var pool = LoadIdentities.Pool.single
        if let count = identities.numbered { pool = .numbered(count: count) }
        if let file = identities.file { pool = .entries(try csvEntries(file)) }
        if let directory = identities.certificateDirectory {
            pool = .entries(try certificateEntries(directory, settings: settings, environment: environment))
        }
        let loaded = LoadIdentities(
            pool: pool, callingStationId: calling, resumeRatio: identities.resumeRatio,
            nasAddressFromSource: identities.nasAddressFromSource && settings.nas?.ipAddress == nil,
            shard: identities.shard)
        let shard = identities.shard
        if shard.count > 1, loaded.poolCount > 1, loaded.poolCount < shard.count {
            throw ProfileError(.invalidValue, at: location,
                               "--shard \(shard.index)/\(shard.count): the pool holds \(loaded.poolCount) identities, "
                               + "fewer than the \(shard.count) shards (each needs its own)")
        }
        return loaded
    }

    // MARK: - CSV

    /// `identity,password` per line (RFC 4180 quoting: `"a,b"`, `""` for a quote); blank lines and lines starting
    /// with `#` are skipped, and a first line `identity,password` is a header.
    static func csvEntries(_ path: String) throws(ProfileError) -> [LoadIdentities.Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileError(.missingFile, at: .file(path), "cannot read the identity file \(path)")
        }
        guard data.count <= 64 << 20 else {
            throw ProfileError(.invalidValue, at: .file(path), "the identity file is over 64 MiB")
        }
        let text = String(decoding: data, as: UTF8.self)
        var entries: [LoadIdentities.Entry] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let location = SourceLocation(path: path, line: offset + 1, column: 1)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields: [String]
            do {
                fields = try csvFields(line)
            } catch {
                throw ProfileError(.invalidValue, at: location, error.message)
            }
            if entries.isEmpty, fields.map({ $0.lowercased() }) == ["identity", "password"] { continue }
            guard fields.count == 2, !fields[0].isEmpty else {
                throw ProfileError(.invalidValue, at: location,
                                   "expected identity,password (2 fields), found \(fields.count)")
            }
            entries.append(.init(identity: fields[0], password: fields[1]))
        }
        guard !entries.isEmpty else {
            throw ProfileError(.invalidValue, at: .file(path), "the identity file holds no identity,password line")
        }
        return entries
    }

    struct CSVError: Error { let message: String }

    static func csvFields(_ line: Substring) throws(CSVError) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var index = line.startIndex
        var atFieldStart = true
        while index < line.endIndex {
            let character = line[index]
            index = line.index(after: index)
            if quoted {
                if character == "\"" {
                    if index < line.endIndex, line[index] == "\"" {
                        field.append("\"")
                        index = line.index(after: index)
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "," {
                fields.append(field)
                field = ""
                atFieldStart = true
                continue
            } else if character == "\"" && atFieldStart {
                quoted = true
            } else {
                field.append(character)
            }
            atFieldStart = false
        }
        if quoted { throw CSVError(message: "a quoted field is not closed") }
        fields.append(field)
        return fields
    }

    // MARK: - Certificates

    enum CertificateFile {
        case pem(certificate: String, key: String?)
        case pkcs12(String)

        var path: String {
            switch self {
            case .pem(let certificate, _): return certificate
            case .pkcs12(let path): return path
            }
        }

        /// Makes `tls` use this certificate (and only it).
        func use(in tls: inout AuthSettings.TLS) {
            tls.certificate = nil
            tls.key = nil
            tls.pkcs12 = nil
            switch self {
            case .pem(let certificate, let key):
                tls.certificate = certificate
                tls.key = key
            case .pkcs12(let path):
                tls.pkcs12 = path
            }
        }
    }

    /// The folder's certificates in name order: `*.p12`/`*.pfx`, and `*.pem`/`*.crt` with the `*.key` of the same
    /// name (or the key in the same file). CA files are not told apart: keep only client certificates there.
    static func certificateFiles(in directory: String) throws(ProfileError) -> [CertificateFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw ProfileError(.missingFile, at: .file(directory), "cannot list the certificate folder \(directory)")
        }
        var files: [CertificateFile] = []
        let present = Set(names)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let ext = (name as NSString).pathExtension.lowercased()
            let stem = (name as NSString).deletingPathExtension
            switch ext {
            case "p12", "pfx":
                files.append(.pkcs12(path))
            case "pem", "crt", "cer":
                let keyName = stem + ".key"
                let key = present.contains(keyName) ? (directory as NSString).appendingPathComponent(keyName) : nil
                files.append(.pem(certificate: path, key: key))
            default:
                continue
            }
        }
        guard !files.isEmpty else {
            throw ProfileError(.missingFile, at: .file(directory),
                               "no client certificate (.pem/.crt with .key, .p12, .pfx) in \(directory)")
        }
        return files
    }

    static func certificateEntries(
        _ directory: String, settings: AuthSettings, environment: [String: String]
    ) throws(ProfileError) -> [LoadIdentities.Entry] {
        var entries: [LoadIdentities.Entry] = []
        let base = settings.tls ?? .init()
        func fail(_ code: ProfileError.Code, _ message: String, _ hint: String?) -> ProfileError {
            ProfileError(code, at: .file(directory), message, hint: hint)
        }
        for file in try certificateFiles(in: directory) {
            var tls = base
            file.use(in: &tls)
            let credentials: TLSCredentials
            do {
                credentials = try CasePreparation.loadCredentials(
                    tls, environment: environment, fail: fail, location: .file(file.path))
            } catch {
                throw ProfileError(error.code, at: .file(file.path), "\(file.path): \(error.reason)", hint: error.hint)
            }
            let context = try CasePreparation.context(tls, credentials: credentials, keyLog: nil, fail: fail)
            let info = credentials.certificate
            let identity = info.commonName ?? info.subjectAlternativeNames.first ?? info.subject
            entries.append(.init(identity: identity, context: context))
        }
        return entries
    }
}
