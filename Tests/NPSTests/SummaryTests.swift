import Foundation
import Testing

@testable import NPS

@Suite("NPS log summary and pairing")
struct SummaryTests {
    @Test("DTS 2014 fixture: both conversations pair by Class; the reject is decoded and grouped")
    func dts2014() throws {
        let s = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path("dts_2014_NPSServer_index11938217001.xml"),
            attributeNames: iasNames)
        #expect(s.records == 4 && s.accessRequests == 2 && s.accessRejects == 1 && s.accessChallenges == 1)
        #expect(s.pairing.byClass == 2 && s.pairing.paired == 2)
        #expect(s.pairing.unmatchedResponses == 0 && s.pairing.unansweredRequests == 0)
        #expect(s.rejectsByReason.count == 1)
        let reason = try #require(s.rejectsByReason.first)
        #expect(reason.code == 8 && reason.symbol == "IAS_NO_SUCH_USER" && reason.category == "credentials")
        #expect(reason.summary == NPSKnowledge.reasonCode(8)?.summary && reason.count == 1)
        // The reject record has no User-Name: the user comes from the paired request.
        #expect(s.rejectsByUser.entries.map(\.key) == ["ComputerName.domain.com"])
        #expect(s.rejectsByClient.entries.map(\.key) == ["WLANCON (10.255.100.1)"])
        #expect(s.rejectsByServer.entries.map(\.key) == ["NPSServer"])
        #expect(s.rejectsByNetworkPolicy.entries.map(\.key) == ["(none)"])
        #expect(s.rejectsByRequestPolicy.entries.map(\.key) == ["Secure Wireless Connections"])
        #expect(s.firstTimestamp?.description == "2014-05-19 15:21:44.008")
        #expect(s.lastTimestamp?.description == "2014-05-19 15:36:50.977")
        #expect(s.recordsByFormat.map(\.name) == ["dts"])
    }

    @Test("synthetic IAS log: pairing by account, by client only, unmatched and unanswered")
    func syntheticIAS() throws {
        let s = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path("synthetic_ias.log"), attributeNames: iasNames)
        #expect(s.records == 8 && s.malformedLines == 3)
        #expect(s.pairing.byClass == 0 && s.pairing.byAccount == 2 && s.pairing.byClientOnly == 1)
        #expect(s.pairing.unmatchedResponses == 1, "dave's accept has no request")
        #expect(s.pairing.unansweredRequests == 1, "carol's request was discarded")
        #expect(s.rejectsByReason.map(\.code) == [8, 16])
        #expect(Set(s.rejectsByUser.entries.map(\.key)) == ["bob", "j,doe"])
        #expect(s.requestsWithFailureReason.map(\.code) == [49])
        #expect(s.requestsWithFailureReason.first?.symbol == nil)
        #expect(s.acceptsByNetworkPolicy.entries.map(\.key).sorted() == ["(none)", "Wireless Staff"])
    }

    @Test("ODBC: the documented request/accept pair by account; accounting counted by status")
    func odbc() throws {
        let docs = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path("ias_and_db_format_ms_docs.txt"),
            attributeNames: iasNames)
        #expect(docs.pairing.byAccount == 1 && docs.pairing.unansweredRequests == 1)
        #expect(docs.packetTypes.map(\.name) == ["Access-Request", "(no Packet-Type)", "Access-Accept"])
        #expect(docs.packetTypes.map(\.count) == [2, 1, 1])

        let s = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path("synthetic_odbc.log"), attributeNames: iasNames)
        #expect(s.pairing.byAccount == 2 && s.pairing.unmatchedResponses == 1)
        #expect(s.accountingRequests == 1 && s.accountingStatus.map(\.name) == ["Start"])
        #expect(s.pairing.accountingUnanswered == 1)
        #expect(s.rejectsByReason.map(\.code) == [36, 65])
        #expect(Set(s.rejectsByUser.entries.map(\.key)) == ["frank@corp.example", "CORP\\heidi"])
        #expect(Set(s.rejectsByServer.entries.map(\.key)) == ["NPS02", "RAS01"])
    }

    @Test("Class pairs before account: interleaved conversations of one user pair with their own requests")
    func interleavedClass() {
        func event(_ type: Int, _ cls: String, reason: Int = 0, user: String? = nil) -> String {
            "<Event><Computer-Name>NPS1</Computer-Name><Client-IP-Address>10.0.0.1</Client-IP-Address>"
                + (user.map { "<User-Name>\($0)</User-Name>" } ?? "<SAM-Account-Name>CORP\\amy</SAM-Account-Name>")
                + "<Class>\(cls)</Class><Packet-Type>\(type)</Packet-Type><Reason-Code>\(reason)</Reason-Code></Event>"
        }
        let lines = [
            event(1, "c1", user: "amy"), event(1, "c2", user: "amy"),
            event(3, "c1", reason: 16), event(2, "c2"), event(2, "c3"),
        ]
        let s = NPSLogAnalyzer.summarize(lines: lines, attributeNames: iasNames)
        #expect(s.pairing.byClass == 2, "c1 and c2 pair by Class even though amy's latest request is c2")
        #expect(s.pairing.byAccount == 0)
        #expect(s.pairing.unmatchedResponses == 1, "c3 names amy, but both of her requests were answered")
    }

    @Test("identity normalisation", arguments: [
        ("DOMAIN\\Alice", "alice"), ("corp.example/Users/alice", "alice"), ("alice@corp.example", "alice"),
        ("host/PC1.corp.example", "pc1"), ("CORP\\PC1$", "pc1"), ("john.doe", "john.doe"), ("\\", nil),
    ])
    func identities(raw: String, expected: String?) {
        #expect(RequestPairer.normalizedIdentity(raw) == expected)
    }

    @Test("the pairing table is capped: the oldest unanswered requests are dropped and counted")
    func pendingCap() {
        var options = NPSLogAnalyzer.Options()
        options.summarizer.maxPendingRequests = 10
        let lines = (0..<25).map { i in
            "<Event><Computer-Name>N</Computer-Name><User-Name>u\(i)</User-Name><Packet-Type>1</Packet-Type></Event>"
        } + ["<Event><Computer-Name>N</Computer-Name><User-Name>u0</User-Name><Packet-Type>3</Packet-Type></Event>",
             "<Event><Computer-Name>N</Computer-Name><User-Name>u24</User-Name><Packet-Type>3</Packet-Type></Event>"]
        let s = NPSLogAnalyzer.summarize(lines: lines, attributeNames: iasNames, options: options)
        #expect(s.pairing.droppedFromPairingTable == 15)
        #expect(s.pairing.byAccount == 1 && s.pairing.unmatchedResponses == 1, "u0 was dropped, u24 still waits")
        #expect(s.pairing.unansweredRequests == 15 + 9)
    }

    @Test("JSON round trip and a readable text rendering")
    func codableAndText() throws {
        let s = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path("synthetic_ias.log"), attributeNames: iasNames)
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(NPSLogSummary.self, from: data) == s)
        let text = s.renderText()
        #expect(text.hasPrefix("NPS log summary\n"))
        #expect(text.contains("Access-Rejects by reason code"))
        #expect(text.contains("IAS_AUTH_FAILURE"))
        #expect(text.contains("line 9: "))
        // Malformed lines read as what and where; the codes stay in the JSON (issue 12: "[unknownFormat]").
        for code in NPSDomain.allCodes { #expect(!text.contains(code.name), "\(code)") }
        #expect(s.malformedSamples.allSatisfy { !"\($0)".contains("\($0.code)") })
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test("an open file handle gives the same summary as the path; error codes encode as their names")
    func handleAndCodes() throws {
        let path = try Fixture.path("synthetic_ias.log")
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let fromHandle = try NPSLogAnalyzer.summarize(handle: handle, attributeNames: iasNames)
        #expect(fromHandle == (try NPSLogAnalyzer.summarize(fileAtPath: path, attributeNames: iasNames)))
        let json = String(decoding: try JSONEncoder().encode(fromHandle.malformedSamples), as: UTF8.self)
        #expect(json.contains(#""code":"malformedAttributePair""#))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(NPSError.Code.self, from: Data(#""noSuchCode""#.utf8))
        }
    }

    @Test("the async entry point gives the same summary as the file reader")
    func asyncLines() async throws {
        let name = "dts_accounting_start_bakerds_TTL2024.xml"
        let lines = try Fixture.lines(name)
        let stream = AsyncStream<String> { continuation in
            for line in lines { continuation.yield(line) }
            continuation.finish()
        }
        let fromStream = try await NPSLogAnalyzer.summarize(lines: stream, attributeNames: iasNames)
        let fromFile = try NPSLogAnalyzer.summarize(fileAtPath: Fixture.path(name), attributeNames: iasNames)
        #expect(fromStream == fromFile)
        #expect(fromFile.accountingRequests == 1 && fromFile.malformedLines == 4)
    }
}

@Suite("Bounded counting")
struct TopCounterTests {
    @Test("exact while under capacity")
    func exact() {
        var c = TopCounter<String>(capacity: 10)
        for (key, n) in [("a", 5), ("b", 3), ("c", 7)] { for _ in 0..<n { c.add(key) } }
        #expect(!c.isApproximate && c.total == 15)
        #expect(c.top(2, tieBreak: <).map(\.key) == ["c", "a"])
        #expect(c.top(5, tieBreak: <).map(\.count) == [7, 5, 3])
    }

    @Test("heavy hitters survive a flood of distinct keys; memory stays at capacity")
    func heavyHitters() {
        var c = TopCounter<String>(capacity: 50)
        var heavy = 0
        for i in 0..<20_000 {
            if i % 10 == 0 {
                c.add("heavy")
                heavy += 1
            } else {
                c.add("k\(i)")
            }
        }
        #expect(c.total == 20_000 && c.trackedCount == 50 && c.isApproximate)
        let top = c.top(1, tieBreak: <)
        #expect(top.first?.key == "heavy")
        let entry = top.first!
        #expect(entry.count >= heavy && entry.count - entry.overestimate <= heavy)
    }
}

@Suite("Large logs")
struct LargeLogTests {
    /// 100,000 conversations (200,000 records) of 5,000 users on 50 clients and 2 servers, written to a temporary
    /// file and streamed back. Responses come a few conversations late so that pairing has to use Class.
    @Test("a generated 200k-record log streams with exact counts and bounded tables")
    func twoHundredThousandRecords() throws {
        let file = TemporaryFile("npslarge")
        let reasons = [16, 48, 65, 265, 23]
        var expectedRejects: [Int: Int] = [:]
        var expectedAccepts = 0
        var userRejects: [String: Int] = [:]
        var clientRejects: [String: Int] = [:]
        var serverRejects: [String: Int] = [:]
        let conversations = 100_000, lag = 3
        func user(_ i: Int) -> String { "user\(i % 5_000)" }
        func request(_ i: Int) -> String {
            "<Event><Timestamp data_type=\"4\">03/01/2024 "
                + "\(10 + i / 36_000):\(pad(i / 600 % 60)):\(pad(i / 10 % 60)).000"
                + "</Timestamp><Computer-Name>NPS\(i % 2)</Computer-Name><Packet-Type>1</Packet-Type>"
                + "<User-Name>\(user(i))</User-Name><Client-IP-Address>10.0.\(i % 50).1</Client-IP-Address>"
                + "<Class>311 1 10.9.9.9 03/01/2024 00:00:00 \(i)</Class><Reason-Code>0</Reason-Code></Event>"
        }
        func response(_ i: Int) -> String {
            let reject = i % 4 == 0
            let reason = reject ? reasons[(i / 4) % reasons.count] : 0
            return "<Event><Computer-Name>NPS\(i % 2)</Computer-Name><Packet-Type>\(reject ? 3 : 2)</Packet-Type>"
                + "<SAM-Account-Name>CORP\\\(user(i))</SAM-Account-Name><Client-IP-Address>10.0.\(i % 50).1"
                + "</Client-IP-Address><Class>311 1 10.9.9.9 03/01/2024 00:00:00 \(i)</Class>"
                + "<Reason-Code>\(reason)</Reason-Code></Event>"
        }
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        try file.write { emit in
            for i in 0..<(conversations + lag) {
                if i < conversations { emit(request(i)) }
                let j = i - lag
                if j >= 0 {
                    emit(response(j))
                    if j % 4 == 0 {
                        expectedRejects[reasons[(j / 4) % reasons.count], default: 0] += 1
                        userRejects[user(j), default: 0] += 1
                        clientRejects["10.0.\(j % 50).1", default: 0] += 1
                        serverRejects["NPS\(j % 2)", default: 0] += 1
                    } else {
                        expectedAccepts += 1
                    }
                }
            }
            emit("this line is not a log record")
        }
        var options = NPSLogAnalyzer.Options()
        options.summarizer.maxTrackedKeys = 200
        let s = try NPSLogAnalyzer.summarize(fileAtPath: file.path, attributeNames: iasNames, options: options)

        #expect(s.linesRead == 2 * conversations + 1 && s.records == 2 * conversations && s.malformedLines == 1)
        #expect(s.accessRequests == conversations && s.accessAccepts == expectedAccepts)
        #expect(s.accessRejects == expectedRejects.values.reduce(0, +))
        #expect(Dictionary(uniqueKeysWithValues: s.rejectsByReason.map { ($0.code!, $0.count) }) == expectedRejects)
        #expect(s.pairing.byClass == conversations && s.pairing.unmatchedResponses == 0)
        #expect(s.pairing.unansweredRequests == 0 && s.pairing.droppedFromPairingTable == 0)
        // More distinct rejected users than the 200 tracked: totals exact, per-user counts approximate.
        #expect(userRejects.count > 200)
        #expect(s.rejectsByUser.total == s.accessRejects && s.rejectsByUser.distinctTracked == 200)
        #expect(s.rejectsByUser.approximate && s.rejectsByUser.entries.count == 10)
        // Servers and clients fit in the table: exact.
        #expect(!s.rejectsByServer.approximate)
        #expect(Dictionary(uniqueKeysWithValues: s.rejectsByServer.entries.map { ($0.key, $0.count) }) == serverRejects)
        #expect(!s.rejectsByClient.approximate && s.rejectsByClient.distinctTracked == clientRejects.count)
        for entry in s.rejectsByClient.entries { #expect(entry.count == clientRejects[entry.key]) }
        #expect(s.firstTimestamp?.description == "2024-03-01 10:00:00.000")
        #expect(s.lastTimestamp.map { $0 > s.firstTimestamp! } == true)
    }
}
