import Foundation
import LabSupport
import Testing

@testable import Profiles

/// `npsprobe validate` through the built binary (LabSupport finds it), run from the package root.
func runNPSProbe(_ arguments: [String], environment: [String: String]) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let output = try NPSProbeBinary.run(
        arguments, environment: environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a },
        currentDirectory: repositoryRoot)
    return (output.status, output.stdout, output.stderr)
}

/// `npsprobe validate` end to end (the command lives in NPSProbeCLI; its logic is tested above).
@Suite
struct ValidateCommandTests {
    @Test func validSuitesExitZero() throws {
        let result = try runNPSProbe(["validate", "Profiles/lab/lab-suite.yaml", "Profiles/lab/lab-suite-wrong.yaml"],
                                     environment: labEnvironment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("OK  Profiles/lab/lab-suite.yaml (suite lab, 31 cases): 0 errors, 0 warnings"))
        #expect(result.stdout.contains("2 files: 0 errors, 0 warnings"))
    }

    @Test func errorsExitThreeWithPlaces() throws {
        let folder = temporaryFolder("cli")
        let bad = write(papProfile + "timeot: 3\ntls: {cert: missing.pem}\n", to: folder + "/bad.yaml")
        let result = try runNPSProbe(["validate", bad], environment: ["S": "x", "P": "y"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("\(bad):6:1: error: profile: unknown key `timeot` (did you mean `timeout`?)"))
        #expect(result.stdout.contains("INVALID  \(bad)"))
        let missing = write(papProfile.replacingOccurrences(of: "method: pap", with: "method: eap-tls")
                                + "tls: {cert: missing.pem, insecure: true}\n", to: folder + "/missing.yaml")
        let second = try runNPSProbe(["validate", missing], environment: ["S": "x", "P": "y"])
        #expect(second.status == 3)
        #expect(second.stdout.contains(
            "\(missing):6:13: error: case missing: tls.cert: \(folder)/missing.pem does not exist"))
        #expect(second.stdout.contains("warning: tls.insecure"))
    }

    @Test func jsonOutput() throws {
        let result = try runNPSProbe(["validate", "--json", "Profiles/peap-mschapv2.yaml"],
                                     environment: exampleEnvironment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true && object["errors"] as? Int == 0)
        let files = try #require(object["files"] as? [[String: Any]])
        let cases = try #require(files.first?["cases"] as? [[String: Any]])
        #expect(cases.first?["method"] as? String == "peap-mschapv2" && cases.first?["expect"] as? String == "accept")
        let unset = try runNPSProbe(["validate", "--json", "--strict", "Profiles/peap-mschapv2.yaml"],
                                    environment: ["NPSPROBE_PKI": examplePKI])
        #expect(unset.status == 3)
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(unset.stdout.utf8)) as? [String: Any])
        let issues = try #require((failed["files"] as? [[String: Any]])?.first?["issues"] as? [[String: Any]])
        #expect(issues.contains { $0["code"] as? String == "unset_secret" && $0["severity"] as? String == "error" })
        let location = try #require(issues.first?["location"] as? [String: Any])
        #expect(location["line"] as? Int != nil && location["column"] as? Int != nil)
    }
}
