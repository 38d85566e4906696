import Foundation
import LabSupport
import RADIUS
import Testing

@testable import Profiles

/// The package root, from this file's path (Tests/ProfilesTests/Support.swift).
let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let profilesFolder = repositoryRoot + "/Profiles"

/// The bundled dictionaries, loaded once.
let bundledDictionary: RADIUSDictionary = {
    do {
        return try RADIUSDictionary.load(root: repositoryRoot + "/Dictionaries/dictionary")
    } catch {
        fatalError("cannot load the bundled dictionaries: \(error)")
    }
}()

/// A fresh temporary folder (left for the OS to clean; the tests write small files only).
func temporaryFolder(_ label: String = "profiles") -> String { ScratchFolders.make(label) }

@discardableResult
func write(_ text: String, to path: String) -> String {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The lab state folder with `pki/` and `secret.txt`: `$NPSPROBE_LAB_DIR` when it holds a complete PKI,
/// else a throwaway one made once per test run by the lab's own `mkpki` (same file names).
let labDirectory: String = {
    let environment = ProcessInfo.processInfo.environment
    if let existing = environment["NPSPROBE_LAB_DIR"],
       FileManager.default.fileExists(atPath: existing + "/pki/.complete"),
       FileManager.default.fileExists(atPath: existing + "/secret.txt") {
        return existing
    }
    let folder = temporaryFolder("lab")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", repositoryRoot + "/Tests/Lab/pki/mkpki", folder + "/pki"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
    } catch {
        fatalError("cannot run mkpki: \(error)")
    }
    precondition(process.terminationStatus == 0, "mkpki failed in \(folder)")
    write("testing123", to: folder + "/secret.txt")
    return folder
}()

/// A folder laid out as the NPS examples expect (`NPSPROBE_PKI`), made of lab PKI files.
let examplePKI: String = {
    let pki = labDirectory + "/pki"
    let folder = temporaryFolder("example-pki")
    let links = [
        "alice.pem": "client-rsa.pem", "alice.key": "client-rsa.key", "root-ca.pem": "root-ca.pem",
        "laptop01.p12": "client-ecdsa.p12", "retired-user.pem": "client-retired.pem",
        "retired-user.key": "client-retired.key", "crl.pem": "crl-root.pem", "client-ca.pem": "ca-chain.pem",
        "issuing-ca.crl": "crl.pem",
    ]
    for (name, target) in links {
        try! FileManager.default.createSymbolicLink(atPath: folder + "/" + name,
                                                    withDestinationPath: pki + "/" + target)
    }
    return folder
}()

/// The variables the NPS examples need.
var exampleEnvironment: [String: String] {
    [
        "NPSPROBE_PKI": examplePKI, "NPS_SECRET": "s3cret", "ALICE_PASSWORD": "pw", "ALICE_NEW_PASSWORD": "pw2",
        "ALICE_KEY_PASSWORD": "unused", "DEVICE_P12_PASSWORD": "lab-key-pass", "CAROL_PASSWORD": "pw3",
    ]
}

/// The variables `lab env` exports that the lab suites use.
var labEnvironment: [String: String] {
    [
        "NPSPROBE_LAB_DIR": labDirectory, "NPSPROBE_LAB_PAP_PASSWORD": "alice-pass",
        "NPSPROBE_LAB_MSCHAP_PASSWORD": "bob-pass", "NPSPROBE_LAB_REPLY_PASSWORD": "grace-pass",
        "NPSPROBE_LAB_POLICY_PASSWORD": "outsider-pass",
    ]
}

/// Loads a YAML text written to a temporary file; returns the document (if any) and every issue.
func loadText(_ text: String, name: String = "profile.yaml", environment: [String: String] = [:],
              folder: String? = nil) -> (path: String, document: LoadedDocument?, issues: [ProfileIssue]) {
    let path = write(text, to: (folder ?? temporaryFolder()) + "/" + name)
    let (document, issues) = ProfileLoader(environment: environment).loadCollectingIssues(path: path)
    return (path, document, issues)
}

/// The one issue of `code` among `issues` (a failure when there is none or several).
func only(_ issues: [ProfileIssue], _ code: ProfileError.Code) throws -> ProfileIssue {
    let matching = issues.filter { $0.code == code }
    #expect(matching.count == 1, "\(issues.map(\.description))")
    return try #require(matching.first)
}

extension Array where Element == ProfileIssue {
    var errors: [ProfileIssue] { filter { $0.severity == .error } }
    var warnings: [ProfileIssue] { filter { $0.severity == .warning } }
}

/// A minimal valid PAP profile to vary.
let papProfile = """
    servers: [127.0.0.1]
    secret: {env: S}
    method: pap
    identity: alice
    password: {env: P}

    """

/// Swift Testing has an `Expectation` type too.
typealias CaseExpectation = Profiles.Expectation
