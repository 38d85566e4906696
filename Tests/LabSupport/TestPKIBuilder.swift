import Foundation
import Synchronization

/// A throwaway PKI made with the `openssl` CLI in its own temporary folder: certificate authorities (self-signed
/// roots and the CAs they issue), certificates signed with the caller's extension sections, revocations, CRLs
/// and concatenated chains. The folder is removed when the test process exits.
///
/// Each test target describes its own PKI (names, subjects, extension sections) and leaves the mechanics here:
///
///     let pki = try TestPKIBuilder(label: "tls", certificateAuthorities: ["root", "issuing"], extensions: """
///         [ server_ext ]
///         extendedKeyUsage = serverAuth
///         """)
///     try pki.makeRoot("root", subject: "/CN=Root")
///     try pki.issue("issuing", subject: "/CN=Issuing CA", by: "root", extensions: "ca_ext")
///     try pki.issue("server", subject: "/CN=radius.test", by: "issuing", extensions: "server_ext")
///     try pki.revoke("server", by: "issuing", reason: "superseded")
///     try pki.generateCRL(of: "issuing", into: "issuing.crl")
///
/// A CA named `issuing` has its certificate and key in `issuing.pem` / `issuing.key`, its own certificate
/// database (so its CRL lists only what it revoked), and the `openssl ca` section `ca_issuing`. Every
/// certificate's key is `NAME.key` (unencrypted PEM) and its certificate `NAME.pem`. All CAs share one serial
/// counter, so serial numbers are unique across the PKI.
public struct TestPKIBuilder: Sendable {
    /// The key a certificate gets.
    public enum Key: Sendable {
        case rsa(bits: Int)
        case ecP256

        var requestArguments: [String] {
            switch self {
            case .rsa(let bits): return ["-newkey", "rsa:\(bits)"]
            case .ecP256: return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            }
        }
    }

    /// How long a certificate is valid: days from now, or fixed `YYYYMMDDHHMMSSZ` dates (expired, not yet valid).
    public enum Validity: Sendable {
        case days(Int)
        case dates(notBefore: String, notAfter: String)
    }

    public let directory: String

    /// Makes the folder `npsprobe-LABEL-<uuid>` under the temporary directory and its `openssl ca` configuration:
    /// a section per name in `certificateAuthorities`, the policy (`organizationName` optional, `commonName`
    /// required) and `extensions`, the caller's extension sections. CRLs are valid for `crlDays`.
    public init(label: String, certificateAuthorities: [String], extensions: String, crlDays: Int = 30)
        throws(TestPKIError)
    {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-\(label)-\(UUID().uuidString)").path
        directory = dir
        ScratchFolders.removeAtExit(dir)
        var config = ""
        for ca in certificateAuthorities {
            config += """
                [ ca_\(ca) ]
                dir = \(dir)
                database = $dir/\(ca)-index.txt
                new_certs_dir = $dir/newcerts
                serial = $dir/serial
                crlnumber = $dir/crlnumber
                default_md = sha256
                default_crl_days = \(crlDays)
                policy = policy_any
                unique_subject = no
                copy_extensions = none
                certificate = $dir/\(ca).pem
                private_key = $dir/\(ca).key


                """
        }
        config += """
            [ policy_any ]
            organizationName = optional
            commonName = supplied

            \(extensions)

            """
        do {
            try FileManager.default.createDirectory(atPath: dir + "/newcerts", withIntermediateDirectories: true)
            for ca in certificateAuthorities { try Data().write(to: url("\(ca)-index.txt")) }
            try Data("1000\n".utf8).write(to: url("serial"))
            try Data("01\n".utf8).write(to: url("crlnumber"))
            try Data(config.utf8).write(to: url("ca.cnf"))
        } catch {
            throw TestPKIError("cannot prepare \(dir): \(error)")
        }
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    private func url(_ name: String) -> URL { URL(fileURLWithPath: path(name)) }

    /// A self-signed CA certificate (basicConstraints CA:TRUE, keyUsage keyCertSign and cRLSign), SHA-256.
    public func makeRoot(_ name: String, subject: String, key: Key = .ecP256, days: Int = 3650)
        throws(TestPKIError)
    {
        try openssl(["req", "-x509"] + key.requestArguments + [
            "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "\(days)", "-subj", subject,
            "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    /// A new key and a certificate for it signed by the CA `ca`, with the extension section `extensions`.
    public func issue(_ name: String, subject: String, key: Key = .ecP256, by ca: String, extensions: String,
                      validity: Validity = .days(365)) throws(TestPKIError) {
        try openssl(["req", "-new"] + key.requestArguments + [
            "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
        ])
        var sign = ["ca", "-batch", "-config", "ca.cnf", "-name", "ca_\(ca)", "-in", "\(name).csr",
                    "-out", "\(name).pem", "-extensions", extensions, "-notext"]
        switch validity {
        case .days(let days): sign += ["-days", "\(days)"]
        case .dates(let notBefore, let notAfter): sign += ["-startdate", notBefore, "-enddate", notAfter]
        }
        try openssl(sign)
    }

    /// Marks `NAME.pem` revoked in the CA's database; `reason` is a CRL reason such as `keyCompromise`.
    public func revoke(_ name: String, by ca: String, reason: String? = nil) throws(TestPKIError) {
        try openssl(["ca", "-batch", "-config", "ca.cnf", "-name", "ca_\(ca)", "-revoke", "\(name).pem"]
                    + (reason.map { ["-crl_reason", $0] } ?? []))
    }

    /// The CA's CRL (PEM) of everything it revoked so far, into the file `name`.
    public func generateCRL(of ca: String, into name: String) throws(TestPKIError) {
        try openssl(["ca", "-batch", "-config", "ca.cnf", "-name", "ca_\(ca)", "-gencrl", "-out", name])
    }

    /// The files `parts`, one after the other, into the file `name` (chains, certificate + key bundles).
    public func concatenate(_ parts: [String], into name: String) throws(TestPKIError) {
        var data = Data()
        for part in parts {
            guard let bytes = FileManager.default.contents(atPath: path(part)) else {
                throw TestPKIError("missing \(part)")
            }
            data += bytes
        }
        try write(data, to: name)
    }

    /// Writes a file of the PKI (fixtures: garbage, empty files).
    public func write(_ data: Data, to name: String) throws(TestPKIError) {
        do { try data.write(to: url(name)) } catch { throw TestPKIError("cannot write \(name): \(error)") }
    }

    /// Runs `openssl ARGUMENTS` in the PKI folder; returns its standard output.
    @discardableResult
    public func openssl(_ arguments: [String]) throws(TestPKIError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw TestPKIError("cannot run openssl: \(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPKIError("openssl \(arguments.joined(separator: " ")) failed: "
                               + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

public struct TestPKIError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Folders removed when the test process exits (normally; a crash leaves them for the system to clean).
public enum ScratchFolders {
    /// A new empty folder under the temporary directory, removed when the test process exits.
    public static func make(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "npsprobe-\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        removeAtExit(path)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static let paths = Mutex<[String]?>(nil)

    public static func removeAtExit(_ path: String) {
        paths.withLock { paths in
            if paths == nil { atexit { ScratchFolders.removeAll() } }
            paths = (paths ?? []) + [path]
        }
    }

    private static func removeAll() {
        for path in paths.withLock({ $0 ?? [] }) { try? FileManager.default.removeItem(atPath: path) }
    }
}

extension TestPKIBuilder {
    /// `openssl ca` configuration for the SID extension szOID_NTDS_CA_SECURITY_EXT (KB5014754) in the layout AD CS
    /// writes — GeneralNames { [0] otherName { `typeID`, [0] EXPLICIT `value` } } — built by openssl's ASN1
    /// generator: `line` goes into an extension section, `sections` anywhere in the configuration (names prefixed
    /// with `label`). `value` is an ASN1 generator value, e.g. `OCTETSTRING:S-1-5-21-…-1104`.
    public static func sidExtension(_ label: String, typeID: String = "1.3.6.1.4.1.311.25.2.1", value: String)
        -> (line: String, sections: String)
    {
        ("1.3.6.1.4.1.311.25.2 = ASN1:SEQUENCE:\(label)_names", """
            [ \(label)_names ]
            otherName = IMPLICIT:0,SEQUENCE:\(label)_other
            [ \(label)_other ]
            typeId = OID:\(typeID)
            value = EXPLICIT:0,\(value)
            """)
    }
}

/// Runs a command-line tool (iconv, openssl) with `input` on its standard input, for checks against programs
/// other than ours; returns its exit status and standard output.
public enum ExternalTool {
    public static func run(_ path: String, _ arguments: [String], input: [UInt8]) throws -> (status: Int32,
                                                                                           output: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(output))
    }
}
