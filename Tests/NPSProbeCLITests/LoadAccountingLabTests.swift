import Foundation
import LabSupport
import Testing

/// `load --accounting` against the lab (issue 15): every accepted conversation is followed by Start and Stop on
/// main's accounting port (18122), Class echoed, one Acct-Session-Id per session; the load report counts the
/// sessions, requests and their latency. A wrong secret on the accounting port makes every session unanswered.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct LoadAccountingLabTests {
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_GRACE_PASSWORD"] = "grace-pass"
        return environment
    }

    /// Every record of the lab's detail file, as `[attribute: value]` (quotes removed).
    static func detailRecords(_ lab: LabEnvironment) -> [[String: String]] {
        guard let text = try? String(contentsOfFile: lab.accountingDetail, encoding: .utf8) else { return [] }
        var records: [[String: String]] = []
        var current: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("\t"), let equals = line.range(of: " = ") else {
                if !current.isEmpty { records.append(current) }
                current = [:]
                continue
            }
            let name = line[line.index(after: line.startIndex)..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
            var value = String(line[equals.upperBound...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            current[name] = value
        }
        if !current.isEmpty { records.append(current) }
        return records
    }

    static func load(_ lab: LabEnvironment, station: String, count: Int = 24, _ extra: [String]) -> [String] {
        ["load", "--json", "--quiet", "--server", lab.address("MAIN"), "--secret-file", lab.secretFile,
         "--method", "pap", "--identity", "grace", "--password-env", "LAB_GRACE_PASSWORD",
         "--calling-station-id", station + "{n:04x}", "--count", "\(count)", "--concurrency", "6"] + extra
    }

    @Test func everyAcceptedConversationGetsStartAndStopWithItsClass() throws {
        let lab = try LabEnvironment.require()
        // A tag of this run in every Calling-Station-Id, to find its records in the shared detail file.
        let tag = String(format: "02-%02X-%02X-", Int.random(in: 0...255), Int.random(in: 0...255))
        let result = try NPSProbeBinary.run(Self.load(lab, station: tag, ["--accounting"]),
                                            environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try jsonObject(result.stdout)
        #expect(json["accepted"] as? Int == 24)
        let accounting = try #require(json["accounting"] as? [String: Any], "\(result.stdout)")
        #expect(accounting["sessions"] as? Int == 24)
        #expect(accounting["responded"] as? Int == 24)
        #expect(accounting["no_response"] as? Int == 0)
        #expect(accounting["requests"] as? Int == 48)
        #expect(accounting["responses"] as? Int == 48)
        let latency = try #require(accounting["latency_ms"] as? [String: Double])
        #expect(latency["p50"] != nil && latency["max"] != nil)

        // What FreeRADIUS received: a Start and a Stop per session, each with grace's Class.
        let received = Self.detailRecords(lab).filter { $0["Calling-Station-Id"]?.hasPrefix(tag) == true }
        #expect(received.count == 48, "\(received.count) records")
        let sessions = Dictionary(grouping: received) { $0["Acct-Session-Id"] ?? "" }
        #expect(sessions.count == 24)
        for (id, records) in sessions {
            #expect(records.compactMap { $0["Acct-Status-Type"] }.sorted() == ["Start", "Stop"], "\(id)")
            #expect(Set(records.compactMap { $0["Calling-Station-Id"] }).count == 1, "one device per session")
        }
        let classHex = "0x" + Array("lab-class".utf8).map { String(format: "%02x", $0) }.joined()
        #expect(received.allSatisfy { $0["Class"] == classHex && $0["User-Name"] == "grace" })

        // The text report says it on its own lines.
        let text = try NPSProbeBinary.run(
            Self.load(lab, station: tag, ["--accounting"]).filter { $0 != "--json" }, environment: Self.environment)
        #expect(text.stdout.contains("accounting: 24 sessions  responded 24  no response 0"), "\(text.stdout)")
        #expect(text.stdout.contains("accounting latency ms (per request): p50"))
    }

    @Test func anAccountingServerWithAnotherSecretLeavesEverySessionUnanswered() throws {
        let lab = try LabEnvironment.require()
        let arguments = Self.load(lab, station: "02-EE-00-", count: 3, [
            "--accounting-server", lab.address("ACCT_WRONG_SECRET"), "--timeout", "0.3", "--retries", "0",
        ])
        let result = try NPSProbeBinary.run(arguments, environment: Self.environment)
        #expect(result.status == 1, "an unanswered accounting session is a failure: \(result.stderr)")
        let json = try jsonObject(result.stdout)
        #expect(json["accepted"] as? Int == 3, "the authentications themselves pass")
        let accounting = try #require(json["accounting"] as? [String: Any])
        #expect(accounting["sessions"] as? Int == 3)
        #expect(accounting["no_response"] as? Int == 3)
        #expect(accounting["responses"] as? Int == 0)
        #expect(accounting["requests"] as? Int == 3, "the Stop is not sent after an unanswered Start")
    }
}
