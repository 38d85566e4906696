import Foundation
import LabSupport
import Testing

/// What breaks NPS logons in 2025 (issue 14), against the lab: strong certificate mapping (the `strongmap` server,
/// 18143, refusing certificates that name no SID after the handshake), passwords beyond ASCII, Proxy-State.
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct LabNPS2025Tests {
    /// `npsprobe auth --json` for a case of cases.tsv, with extra arguments.
    static func run(_ caseName: String, extra: [String] = []) throws -> (json: [String: Any], stderr: String) {
        let lab = try LabEnvironment.require()
        let labCase = try #require(LabCasesTests.cases.first { $0.name == caseName }, "no case \(caseName)")
        let result = try NPSProbeBinary.run(labCase.arguments(lab: lab) + extra,
                                            environment: labCase.environment(lab: lab))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                "\(caseName): \(result.stdout) \(result.stderr)")
        return (json, result.stderr)
    }

    static func diagnosis(_ json: [String: Any]) throws -> [String: Any] {
        try #require(json["diagnosis"] as? [String: Any])
    }

    /// The Done-when scenario: a refusal after the handshake with a certificate lacking the SID is diagnosed with
    /// the strong-mapping cause first, NTAuth and the mapping as the other readings.
    @Test func noSIDRefusedAfterTheHandshakeLeadsWithStrongMapping() throws {
        let (json, stderr) = try Self.run("tls-strongmap-nosid")
        #expect(json["outcome"] as? String == "reject")
        let diagnosis = try Self.diagnosis(json)
        #expect(diagnosis["rule"] as? String == "client-cert-not-strongly-mapped")
        #expect(diagnosis["windows_error"] as? Int == 853)
        #expect(diagnosis["nps_reasons"] as? [Int] == [16])
        #expect((diagnosis["cause"] as? String)?.contains("KB5014754") == true)
        let alternatives = try #require(diagnosis["alternatives"] as? [[String: Any]])
        #expect((alternatives.first?["cause"] as? String)?.contains("NTAuth") == true)
        #expect(alternatives.contains { ($0["cause"] as? String)?.contains("maps to no AD account") == true })
        let evidence = diagnosis["evidence"] as? [String] ?? []
        #expect(evidence.contains { $0.contains("after the TLS handshake completed") })
        #expect(evidence.contains { $0.contains("carries neither the SID extension (1.3.6.1.4.1.311.25.2)") })
        // The pre-flight warned before anything was sent, and the mapping travels typed in the evidence.
        #expect(stderr.contains("warning: pre-flight:") && stderr.contains("not strongly mapped (KB5014754)"))
        let preflight = (json["evidence"] as? [String: Any])?["preflight"] as? [[String: Any]] ?? []
        #expect(preflight.contains { $0["kind"] as? String == "notStronglyMapped" })
        let tls = ((json["evidence"] as? [String: Any])?["eap"] as? [String: Any])?["tls"] as? [String: Any]
        let sent = try #require(tls?["client_certificate_sent"] as? [String: Any])
        let mapping = try #require(sent["strong_mapping"] as? [String: Any])
        #expect((mapping["sid_extension"] as? [String: Any])?["status"] as? String == "absent")
        #expect((mapping["san_uri"] as? [String: Any])?["status"] as? String == "absent")
    }

    /// The same server accepts certificates that name their SID, in either place; the pre-flight says where.
    @Test(arguments: [("tls-strongmap-sid", "in the SID extension"), ("tls-strongmap-sanuri", "in the SAN URI")])
    func certificatesNamingTheirSIDPass(_ caseName: String, _ place: String) throws {
        let (json, stderr) = try Self.run(caseName)
        #expect(json["outcome"] as? String == "accept")
        #expect(stderr.contains("is strongly mappable: SID S-1-5-21-3623811015-3361044348-30300820-"), "\(stderr)")
        #expect(stderr.contains(place))
        #expect(!stderr.contains("warning: pre-flight"))
    }

    /// With the SID present, the NTAuth reading stays first, and the evidence says the SID was there.
    @Test func withTheSIDTheNTAuthReadingStaysFirst() throws {
        let (json, _) = try Self.run("tls-retired")
        let diagnosis = try Self.diagnosis(json)
        #expect(diagnosis["rule"] as? String == "client-cert-not-mapped")
        #expect((diagnosis["cause"] as? String)?.contains("NTAuth") == true)
        let evidence = diagnosis["evidence"] as? [String] ?? []
        #expect(evidence.contains { $0.contains("our certificate names its account's SID S-1-5-21-") })
    }

    /// ä12345 as windows-1252 is not what the lab's UTF-8 users file holds: refused, and the verdict names the
    /// encoding (the mirror image of NPS, which wants windows-1252 and gets UTF-8).
    @Test func aPasswordBeyondASCIIInTheOtherEncodingIsNamed() throws {
        let utf8 = try Self.run("pap-ursula-utf8")
        #expect(utf8.json["outcome"] as? String == "accept")
        #expect(utf8.stderr.contains("the PAP password holds characters beyond ASCII (ä), sent as utf-8"))
        let other = try Self.run("pap-ursula-utf8", extra: ["--password-encoding", "windows-1252"])
        #expect(other.json["outcome"] as? String == "reject")
        let diagnosis = try Self.diagnosis(other.json)
        #expect(diagnosis["rule"] as? String == "password-beyond-ascii")
        #expect(diagnosis["windows_error"] as? Int == 691)
        #expect((diagnosis["evidence"] as? [String] ?? []).contains { $0.contains("sent as windows-1252") })
    }

    /// A character windows-1252 lacks is a local error naming it: exit 3, nothing sent.
    @Test func anUnencodablePasswordIsRefusedLocally() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(
            ["auth", "--server", "\(lab.host):\(lab.port("MAIN"))", "--secret-env", "S", "--method", "pap",
             "--identity", "ursula", "--password-env", "P", "--password-encoding", "windows-1252"],
            environment: ProcessInfo.processInfo.environment.merging(["S": lab.secret, "P": "пароль"]) { $1 })
        #expect(result.status == 3)
        #expect(result.stderr.contains("U+43F") && result.stderr.contains("windows-1252"), "\(result.stderr)")
    }

    /// Proxy-State goes out signed and comes back unchanged (RFC 2865 §5.33).
    @Test func proxyStateIsEchoed() throws {
        let (json, _) = try Self.run("pap-proxy-state", extra: ["--proxy-state", "0x00ff10"])
        #expect(json["outcome"] as? String == "accept")
        let attributes = json["reply_attributes"] as? [[String: Any]] ?? []
        let states = attributes.filter { $0["name"] as? String == "Proxy-State" }.compactMap { $0["value"] as? String }
        #expect(states == ["0x686f702d31", "0x00ff10"], "\(attributes)")
    }
}
