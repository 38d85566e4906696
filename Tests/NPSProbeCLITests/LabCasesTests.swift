import Foundation
import LabSupport
import Testing

/// Every case of `Tests/Lab/cases.tsv` through the `npsprobe` binary against the lab, checked against the
/// table's expected outcome and against what eapol_test / radclient say on the same case (issues 2–4: "the
/// same cases through eapol_test agree"). Accepts must have their MPPE keys verified.
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct LabCasesTests {
    /// The cases npsprobe can play: every row except the one that tests a request WITHOUT
    /// Message-Authenticator, which npsprobe never sends.
    static let cases: [LabCase] = ((try? LabEnvironment.cases()) ?? []).map(LabCase.init)
        .filter { !$0.options.keys.contains("no-message-authenticator") }

    @Test(arguments: cases)
    func agreesWithTheTableAndTheReferenceClient(_ labCase: LabCase) throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(labCase.arguments(lab: lab), environment: labCase.environment(lab: lab))
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        // `status --json` prints one object per server in an array; `auth --json` one object.
        let json = try #require(
            (parsed as? [String: Any]) ?? (parsed as? [[String: Any]])?.first,
            "no JSON from npsprobe \(labCase.arguments(lab: lab).joined(separator: " ")): \(result.stderr)")
        let outcome = try #require(
            labCase.isStatus ? (json["outcome"] as? String).map { $0 == "up" ? "accept" : "timeout" }
                : json["outcome"] as? String)
        #expect(outcome == labCase.expected, "\(labCase.name): npsprobe said \(outcome); \(labCase.notes)")

        if outcome == "accept", labCase.derivesKeys {
            #expect(json["mppe_keys"] as? String == "verified",
                    "\(labCase.name): MPPE keys \(json["mppe_keys"] ?? "-")")
        } else if outcome == "accept", labCase.options["no-keys"] != nil {
            #expect(json["mppe_keys"] as? String == "not_applicable",
                    "\(labCase.name): MPPE keys \(json["mppe_keys"] ?? "-") from a method that derives none")
        }
        if labCase.method.hasPrefix("peap"), labCase.server == "hostapd", outcome == "accept" {
            #expect(json["crypto_binding"] as? String == "verified", "\(labCase.name): hostapd binds the tunnel")
        }
        if labCase.server != "hostapd", labCase.method.hasPrefix("peap"), outcome == "accept" {
            #expect(json["crypto_binding"] as? String == "absent", "\(labCase.name): FreeRADIUS sends no binding")
        }

        // The verdict: the Windows error of the table (several when the wire cannot tell them apart), and the
        // NPS reason code among the likely ones.
        if !labCase.isStatus, outcome != "accept" {
            let diagnosis = try #require(json["diagnosis"] as? [String: Any], "\(labCase.name): no diagnosis")
            let error = diagnosis["windows_error"] as? Int
            let rule = diagnosis["rule"] as? String ?? "?"
            if let wanted = labCase.windowsErrors {
                let diagnosed = error.map(String.init) ?? "no error"
                #expect(error.map(wanted.contains) == true,
                        "\(labCase.name): diagnosed \(diagnosed) (rule \(rule)), table says \(wanted)")
            } else {
                #expect(error == nil, "\(labCase.name): diagnosed \(error ?? 0) (rule \(rule))")
            }
            if let reason = labCase.value("nps_reason").flatMap(Int.init) {
                var reasons = diagnosis["nps_reasons"] as? [Int] ?? []
                if (labCase.windowsErrors?.count ?? 0) > 1 {
                    // Several readings the wire cannot tell apart: the reason may be an alternative's.
                    let alternatives = diagnosis["alternatives"] as? [[String: Any]] ?? []
                    reasons += alternatives.flatMap { $0["nps_reasons"] as? [Int] ?? [] }
                }
                #expect(reasons.contains(reason), "\(labCase.name): NPS reasons \(reasons), table says \(reason)")
            }
            LabVerdictTests.checkAlternatives(diagnosis, labCase.name)
        }

        // The reference client on the same case (eapol_test for EAP, radclient for the rest).
        let reference = try labCase.referenceOutcome()
        if labCase.eapolExpected == labCase.expected {
            #expect(reference == outcome, "\(labCase.name): npsprobe \(outcome), reference client \(reference)")
        } else {
            // Where Windows (and npsprobe) refuse what eapol_test accepts (a server certificate without the
            // Server Authentication EKU), the table says so.
            #expect(reference == labCase.eapolExpected, "\(labCase.name): reference client \(reference)")
        }
    }
}

/// One row of cases.tsv and how to play it with npsprobe.
struct LabCase: CustomTestStringConvertible, Sendable {
    let row: [String: String]
    var name: String { row["case"] ?? "?" }
    var server: String { row["server"] ?? "" }
    var port: String { row["port"] ?? "" }
    var method: String { row["method"] ?? "" }
    var expected: String { row["expected"] ?? "" }
    var eapolExpected: String { row["eapol_expected"] ?? expected }
    var notes: String { row["notes"] ?? "" }
    var testDescription: String { name }
    var isStatus: Bool { method == "status" }
    /// PAP and CHAP derive no keys, nor do the cases marked `no-keys` (EAP-MD5).
    var derivesKeys: Bool { !["pap", "chap", "status"].contains(method) && options["no-keys"] == nil }
    /// EAP cases are compared with eapol_test; PAP, CHAP, MS-CHAPv2 and Status-Server with radclient.
    var isEAP: Bool { method == "tls" || method.hasPrefix("peap") || method.hasPrefix("eap") }

    init(_ row: [String: String]) { self.row = row }

    /// `options` column: `a=b,c` → [a: b, c: ""].
    var options: [String: String] {
        var out: [String: String] = [:]
        for item in (row["options"] ?? "-").split(separator: ",") where item != "-" {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            out[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return out
    }

    func value(_ key: String) -> String? { row[key].flatMap { $0 == "-" ? nil : $0 } }

    /// `windows_error`: `853`, or `691|812` when the wire cannot tell them apart; nil for `-`.
    var windowsErrors: [Int]? { value("windows_error").map { $0.split(separator: "|").compactMap { Int($0) } } }

    func environment(lab: LabEnvironment) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_CASE_PASSWORD"] = value("password") ?? ""
        environment["LAB_CASE_SECRET"] = options["secret"] ?? lab.secret
        environment["LAB_CASE_NEW_PASSWORD"] = options["new-password"] ?? ""
        return environment
    }

    func arguments(lab: LabEnvironment) -> [String] {
        let options = self.options
        let quick = expected == "timeout" ? ["--timeout", "1", "--retries", "1"] : ["--timeout", "2", "--retries", "2"]
        var arguments = [isStatus ? "status" : "auth", "--json", "--server", "\(lab.host):\(port)",
                         "--secret-env", "LAB_CASE_SECRET"] + quick
        if isStatus { return arguments }
        let npsMethod = method == "tls" ? "eap-tls" : method
        arguments += ["--method", npsMethod, "--identity", value("identity") ?? "nobody"]
        if value("password") != nil { arguments += ["--password-env", "LAB_CASE_PASSWORD"] }
        if options["new-password"] != nil { arguments += ["--new-password-env", "LAB_CASE_NEW_PASSWORD"] }
        if let cert = value("cert") {
            if cert.hasSuffix(".p12") {
                arguments += ["--pkcs12", lab.pki(cert)]
            } else {
                arguments += ["--cert", lab.pki(cert + ".pem"), "--key", lab.pki((options["key"] ?? cert) + ".key")]
            }
        }
        if options["key-password"] != nil || value("cert")?.hasSuffix(".p12") == true {
            arguments += ["--key-password-file", lab.pki("key-password.txt")]
        }
        if let ca = value("ca") { arguments += ["--ca", lab.pki(ca)] }
        if let name = value("server_name") { arguments += ["--server-name", name] }
        if options["tls"] == "1.3" { arguments += ["--tls-min", "1.3", "--tls-max", "1.3"] }
        if let fragment = options["fragment"] { arguments += ["--fragment-size", fragment] }
        if let outer = options["outer"] { arguments += ["--outer-identity", outer] }
        if options["crypto-binding"] == "required" { arguments += ["--require-cryptobinding"] }
        if let crl = options["client-crl"] { arguments += ["--client-crl", lab.pki(crl)] }
        if let state = options["proxy-state"] { arguments += ["--proxy-state", state] }
        if let encoding = options["password-encoding"] { arguments += ["--password-encoding", encoding] }
        return arguments
    }

    /// `accept`, `reject` or `timeout` from `Tests/Lab/lab eapol-test|radclient-test CASE`.
    func referenceOutcome() throws -> String {
        let process = Process()
        process.executableURL = LabEnvironment.packageRoot.appendingPathComponent("Tests/Lab/lab")
        process.arguments = [isEAP ? "eapol-test" : "radclient-test", name]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "CASE: accept (MPPE keys OK) [TLS 1.2]"
        let afterColon = text.split(separator: ":", maxSplits: 1).dropFirst().first ?? ""
        return afterColon.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "no output: \(text)"
    }
}

/// The evidence recorded for refusals (issue 3): the client refuses a bad server certificate itself, before
/// sending its own, and says which check failed; a refused client certificate is recorded with the TLS
/// alert or the EAP step after which the EAP-Failure came.
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct LabRefusalEvidenceTests {
    static func evidence(_ caseName: String) throws -> [String: Any] {
        let lab = try LabEnvironment.require()
        let labCase = try #require(LabCasesTests.cases.first { $0.name == caseName }, "no case \(caseName)")
        let result = try NPSProbeBinary.run(labCase.arguments(lab: lab), environment: labCase.environment(lab: lab))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["outcome"] as? String == "reject", "\(caseName): \(result.stdout)")
        let evidence = try #require(json["evidence"] as? [String: Any])
        return try #require(evidence["eap"] as? [String: Any], "\(caseName): no EAP evidence")
    }

    @Test(arguments: [
        ("tls-wrong-name", ["nameMismatch"]), ("tls-untrusted-server", ["untrustedRoot", "incompleteChain"]),
        ("tls-expired-server", ["expired"]), ("tls-rogue-server", ["untrustedRoot", "incompleteChain"]),
        ("tls-noeku-server", ["missingServerAuthEKU"]), ("peap-expired-server", ["expired"]),
        ("tls-wrong-name@hostapd", ["nameMismatch"]),
    ])
    func clientRefusesTheServerBeforeSendingItsCertificate(caseName: String, kinds: [String]) throws {
        let eap = try Self.evidence(caseName)
        let failure = try #require(eap["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "serverValidation")
        let tls = try #require(eap["tls"] as? [String: Any])
        let problem = try #require(tls["server_validation_failure"] as? [String: Any])
        #expect(kinds.contains(problem["kind"] as? String ?? ""), "\(caseName): \(problem)")
        #expect(tls["client_certificate_sent"] == nil, "\(caseName): our certificate must not have been sent")
        let events = try #require(tls["events"] as? [[String: Any]])
        #expect(events.contains { $0["alert_sent"] != nil }, "\(caseName): the client's alert is recorded")
        #expect(!events.contains {
            ($0["handshake_sent"] as? [String: Any])?["message"] as? String == "Certificate"
        })
    }

    /// Refused during the handshake: the server never sends its Finished.
    @Test(arguments: ["tls-expired", "tls-revoked", "tls-rogue", "tls-expired@hostapd", "tls-revoked@hostapd",
                      "tls-rogue@hostapd"])
    func refusedClientCertificateIsRecordedWithItsStep(caseName: String) throws {
        let eap = try Self.evidence(caseName)
        let failure = try #require(eap["failure"] as? [String: Any])
        let tls = try #require(eap["tls"] as? [String: Any])
        #expect(tls["client_certificate_sent"] != nil, "\(caseName): the server got our certificate")
        let events = tls["events"] as? [[String: Any]] ?? []
        let alertReceived = events.contains { $0["alert_received"] != nil }
        let step = failure["step"] as? [String: Any]
        let afterFinished = step?["tls_client_finished_sent"] != nil
        // FreeRADIUS and hostapd refuse without an alert, right after our Finished; a server that sends an
        // alert has it recorded instead.
        #expect(alertReceived || afterFinished, "\(caseName): step \(String(describing: step)), events \(events)")
        #expect(failure["kind"] as? String == "eapFailure" || failure["kind"] as? String == "tlsFailure")
    }
}

extension LabRefusalEvidenceTests {
    /// Refused after a completed handshake (the server sent its Finished, we acknowledged): the chain was
    /// trusted, yet the certificate was not accepted for authentication — the NTAuth analogue (seed article).
    @Test(arguments: ["tls-retired", "tls-noeku"])
    func refusedAfterTheHandshakeCompleted(caseName: String) throws {
        let eap = try Self.evidence(caseName)
        let failure = try #require(eap["failure"] as? [String: Any])
        let step = failure["step"] as? [String: Any]
        #expect(step?["tls_established"] != nil, "\(caseName): step \(String(describing: step))")
        let tls = try #require(eap["tls"] as? [String: Any])
        #expect(tls["client_certificate_sent"] != nil)
        let events = tls["events"] as? [[String: Any]] ?? []
        #expect(!events.contains { $0["alert_received"] != nil }, "no alert: the server gives no reason on the wire")
    }
}

/// PEAP as NPS speaks it, end to end (issue 4): inner MS-CHAPv2 failures decoded, crypto-binding against
/// hostapd (which binds like NPS), fast reconnect.
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct LabPEAPTests {
    func run(_ arguments: [String], password: String = "bob-pass") throws -> [String: Any] {
        let lab = try LabEnvironment.require()
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_SECRET"] = lab.secret
        environment["LAB_PASSWORD"] = password
        let result = try NPSProbeBinary.run(
            ["auth", "--json", "--secret-env", "LAB_SECRET", "--ca", lab.pki("root-ca.pem"),
             "--server-name", lab.serverName] + arguments, environment: environment)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                            "\(result.stderr)")
    }

    @Test(arguments: ["MAIN", "HOSTAPD"])
    func wrongPasswordIsDecodedAsE691(server: String) throws {
        let lab = try LabEnvironment.require()
        let json = try run(["--server", lab.address(server), "--method", "peap-mschapv2", "--identity", "bob",
                            "--outer-identity", "anonymous", "--password-env", "LAB_PASSWORD"], password: "wrong")
        #expect(json["outcome"] as? String == "reject")
        let eap = try #require((json["evidence"] as? [String: Any])?["eap"] as? [String: Any])
        let failure = try #require(eap["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "innerFailure")
        let msCHAP = try #require(failure["mschapv2"] as? [String: Any])
        #expect(msCHAP["error_code"] as? Int == 691)
        #expect(msCHAP["retry_allowed"] as? Bool == false)
    }

    @Test func cryptoBindingVerifiedAgainstHostapdAndKeysFromTheCSK() throws {
        let lab = try LabEnvironment.require()
        for method in ["peap-mschapv2", "peap-tls"] {
            var arguments = ["--server", lab.address("HOSTAPD"), "--method", method, "--outer-identity", "anonymous",
                             "--require-cryptobinding"]
            arguments += method == "peap-tls"
                ? ["--identity", "alice@lab.npsprobe.test", "--cert", lab.pki("client-rsa.pem"),
                   "--key", lab.pki("client-rsa.key")]
                : ["--identity", "bob", "--password-env", "LAB_PASSWORD"]
            let json = try run(arguments)
            #expect(json["outcome"] as? String == "accept", "\(method)")
            #expect(json["crypto_binding"] as? String == "verified", "\(method)")
            #expect(json["mppe_keys"] as? String == "verified", "\(method): MPPE keys from the CSK")
            #expect(json["inner_method"] as? String == (method == "peap-tls" ? "EAP-TLS" : "EAP-MSCHAPv2"))
        }
    }

    @Test func fastReconnectAgainstHostapd() throws {
        let lab = try LabEnvironment.require()
        let json = try run(["--server", lab.address("HOSTAPD"), "--method", "peap-mschapv2", "--identity", "bob",
                            "--outer-identity", "anonymous", "--password-env", "LAB_PASSWORD", "--resume"])
        #expect(json["outcome"] as? String == "accept")
        #expect(json["resumed"] as? Bool == true)
        #expect(json["inner_method_ran"] as? Bool == false, "hostapd skips phase 2 on fast reconnect")
        #expect(json["mppe_keys"] as? String == "verified")
        let first = try #require(json["first_conversation"] as? [String: Any])
        #expect(first["outcome"] as? String == "accept")
    }

    @Test func serverWithoutResumptionIsReportedAsNotResumed() throws {
        let lab = try LabEnvironment.require()
        let json = try run(["--server", lab.address("MAIN"), "--method", "peap-mschapv2", "--identity", "bob",
                            "--outer-identity", "anonymous", "--password-env", "LAB_PASSWORD", "--resume"])
        #expect(json["outcome"] as? String == "accept")
        #expect(json["resumed"] as? Bool == false)
        #expect(json["inner_method_ran"] as? Bool == true)
    }
}
