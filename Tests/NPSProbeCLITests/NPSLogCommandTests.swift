import Foundation
import NPS
import LabSupport
import Testing

@testable import NPSProbeCLI

@Suite("npsprobe nps-log")
struct NPSLogCommandTests {
    /// The attribute names the command itself uses (the dictionary it finds).
    static let iasNames: IASAttributeNames = {
        guard let dictionary = try? DictionaryLocator.load(directory: nil, additional: []) else {
            fatalError("no RADIUS dictionary found")
        }
        return IASAttributeNames(dictionary: dictionary)
    }()

    /// One DTS record as NPS writes it (one line), for logs written by the tests.
    private static func event(
        _ packetType: Int, user: String? = "alice", reason: Int = 0, time: String? = "03/14/2024 08:00:00.000",
        server: String = "NPS01", client: String = "10.0.0.1"
    ) -> String {
        "<Event>" + (time.map { "<Timestamp data_type=\"4\">\($0)</Timestamp>" } ?? "")
            + "<Computer-Name data_type=\"1\">\(server)</Computer-Name>"
            + "<Client-IP-Address data_type=\"3\">\(client)</Client-IP-Address>"
            + (user.map { "<User-Name data_type=\"1\">\($0)</User-Name>" } ?? "")
            + "<Packet-Type data_type=\"0\">\(packetType)</Packet-Type>"
            + "<Reason-Code data_type=\"0\">\(reason)</Reason-Code></Event>"
    }

    private static func decodeSummary(_ text: String) throws -> NPSLogSummary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(NPSLogSummary.self, from: Data(text.utf8))
    }

    /// A summary as a JSON dictionary without the keys that legitimately differ between the CLI and the library.
    private static func comparable(_ object: [String: Any]) -> NSDictionary {
        var copy = object
        for key in ["files", "filter", "malformed_samples"] { copy[key] = nil }
        return copy as NSDictionary
    }

    @Test("--json on a fixture is the library's summary plus files and filter", arguments: NPSFixture.all)
    func jsonMatchesLibrary(name: String) throws {
        let path = NPSFixture.path(name)
        let output = try NPSProbeBinary.run(["nps-log", "--json", path])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let object = try jsonObject(output.stdout)

        let library = try NPSLogAnalyzer.summarize(fileAtPath: path, attributeNames: Self.iasNames)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let expected = try #require(try JSONSerialization.jsonObject(with: encoder.encode(library)) as? [String: Any])
        #expect(Self.comparable(object) == Self.comparable(expected))

        let decoded = try Self.decodeSummary(output.stdout)
        #expect(decoded.malformedSamples.map(\.lineNumber) == library.malformedSamples.prefix(10).map(\.lineNumber))
        #expect(decoded.malformedSamples.allSatisfy { $0.file == path })
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.count == 1)
        #expect(files.first?["path"] as? String == path)
        #expect(files.first?["lines_read"] as? Int == library.linesRead)
        #expect(files.first?["records"] as? Int == library.records)
        #expect(files.first?["malformed_lines"] as? Int == library.malformedLines)
        #expect(object["filter"] is NSNull)
    }

    @Test("--json counts of the synthetic IAS fixture")
    func syntheticIASCounts() throws {
        let output = try NPSProbeBinary.run(["nps-log", "--json", NPSFixture.path("synthetic_ias.log")])
        #expect(output.status == 0)
        let object = try jsonObject(output.stdout)
        #expect(object["records"] as? Int == 8)
        #expect(object["lines_read"] as? Int == 11)
        #expect(object["malformed_lines"] as? Int == 3)
        #expect(object["access_requests"] as? Int == 4)
        #expect(object["access_accepts"] as? Int == 2)
        #expect(object["access_rejects"] as? Int == 2)
        let reasons = try #require(object["rejects_by_reason"] as? [[String: Any]])
        #expect(reasons.compactMap { $0["code"] as? Int } == [8, 16])
        #expect(reasons.compactMap { $0["symbol"] as? String } == ["IAS_NO_SUCH_USER", "IAS_AUTH_FAILURE"])
        let pairing = try #require(object["pairing"] as? [String: Any])
        #expect(pairing["by_account"] as? Int == 2 && pairing["by_client_only"] as? Int == 1)
        #expect(pairing["unmatched_responses"] as? Int == 1 && pairing["unanswered_requests"] as? Int == 1)
        let users = try #require((object["rejects_by_user"] as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(Set(users.compactMap { $0["key"] as? String }) == ["bob", "j,doe"])
        #expect(object["first_timestamp"] != nil && object["last_timestamp"] != nil)
    }

    @Test("the text report: reasons decoded, time range, pairing, malformed lines as file:line")
    func textReport() throws {
        let path = NPSFixture.path("synthetic_ias.log")
        let output = try NPSProbeBinary.run(["nps-log", path])
        #expect(output.status == 0)
        #expect(output.lines.first == "NPS log summary")
        #expect(output.stdout.contains("IAS_AUTH_FAILURE: Wrong credentials"))
        #expect(output.stdout.contains("Time range: 2024-03-14 08:00:01.000 … 2024-03-14 08:02:00.000"))
        #expect(output.stdout.contains("Pairing of requests and responses"))
        #expect(output.stdout.contains("Malformed lines: 3"))
        for line in [9, 10, 11] { #expect(output.stdout.contains("  \(path):\(line): "), "line \(line)") }
        // Excerpts (indented six spaces) are log text cut at 160 characters, not wrapped prose.
        #expect(output.lines.allSatisfy { $0.count <= 100 || $0.hasPrefix("      ") })
    }

    @Test("all fixtures at once make one summary whose counts add up")
    func allFixtures() throws {
        let paths = NPSFixture.all.map(NPSFixture.path)
        let output = try NPSProbeBinary.run(["nps-log", "--json"] + paths)
        #expect(output.status == 0)
        let object = try jsonObject(output.stdout)
        let summaries = try paths.map { try NPSLogAnalyzer.summarize(fileAtPath: $0, attributeNames: Self.iasNames) }
        #expect(object["records"] as? Int == summaries.reduce(0) { $0 + $1.records })
        #expect(object["lines_read"] as? Int == summaries.reduce(0) { $0 + $1.linesRead })
        #expect(object["malformed_lines"] as? Int == summaries.reduce(0) { $0 + $1.malformedLines })
        #expect(object["access_rejects"] as? Int == summaries.reduce(0) { $0 + $1.accessRejects })
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["path"] as? String } == paths)
        #expect(files.compactMap { $0["malformed_lines"] as? Int } == summaries.map(\.malformedLines))
        // Samples are labelled with their file, at most 10 by default, in file order.
        let samples = try Self.decodeSummary(output.stdout).malformedSamples
        #expect(samples.count == 10)
        #expect(samples.compactMap(\.file) == paths.enumerated().flatMap { index, path in
            Array(repeating: path, count: summaries[index].malformedSamples.count)
        }.prefix(10).map { $0 })

        let text = try NPSProbeBinary.run(["nps-log"] + paths)
        #expect(text.lines.first == "Files: \(paths.count)")
        #expect(text.stdout.contains("Formats: DTS 5, IAS 10, ODBC 8"))
    }

    @Test("a request at the end of one file pairs with its reject in the next")
    func pairsAcrossFiles() throws {
        let first = ScratchFile(lines: [Self.event(1, user: "bob")])
        let second = ScratchFile(lines: [Self.event(3, user: "bob", reason: 16)])
        let object = try jsonObject(try NPSProbeBinary.run(["nps-log", "--json", first.path, second.path]).stdout)
        let pairing = try #require(object["pairing"] as? [String: Any])
        #expect(pairing["by_account"] as? Int == 1)
        #expect(pairing["unmatched_responses"] as? Int == 0 && pairing["unanswered_requests"] as? Int == 0)
    }

    @Test("garbage lines are counted, shown as file:line, and never fatal")
    func garbage() throws {
        let lines = [
            Self.event(1), "this is not a log line", Self.event(3, reason: 16), "1,2,3,four,five",
            "<Event><User-Name>alice</Name></Event>", "\u{1}\u{2}binary\u{7F}",
        ]
        var bytes = Data(lines.map { $0 + "\n" }.joined().utf8)
        bytes.append(contentsOf: [0xFF, 0xFE, 0x80, 0x0A])  // invalid UTF-8 on the last line
        let file = ScratchFile(bytes)
        let output = try NPSProbeBinary.run(["nps-log", "--json", file.path])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let object = try jsonObject(output.stdout)
        #expect(object["records"] as? Int == 2)
        #expect(object["malformed_lines"] as? Int == 5)
        let samples = try #require(object["malformed_samples"] as? [[String: Any]])
        #expect(samples.compactMap { $0["line_number"] as? Int } == [2, 4, 5, 6, 7])
        #expect(samples.allSatisfy { $0["file"] as? String == file.path && $0["code"] is String })

        let text = try NPSProbeBinary.run(["nps-log", file.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Malformed lines: 5"))
        #expect(text.stdout.contains("\(file.path):2: "))

        let few = try NPSProbeBinary.run(["nps-log", "--malformed-samples", "2", file.path])
        #expect(few.stdout.contains("Malformed lines: 5 (first 2 shown)"))
        #expect(!few.stdout.contains("\(file.path):5: "))
    }

    @Test("- reads standard input and labels it <stdin>")
    func standardInput() throws {
        let path = NPSFixture.path("synthetic_ias.log")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let fromStdin = try jsonObject(try NPSProbeBinary.run(["nps-log", "--json", "-"], stdin: data).stdout)
        let fromFile = try jsonObject(try NPSProbeBinary.run(["nps-log", "--json", path]).stdout)
        #expect(Self.comparable(fromStdin) == Self.comparable(fromFile))
        let samples = try #require(fromStdin["malformed_samples"] as? [[String: Any]])
        #expect(samples.first?["file"] as? String == "<stdin>")
    }

    @Test("a missing file, a directory or a UTF-16 file exits 3 naming the path")
    func unreadable() throws {
        let missing = "/nonexistent/npsprobe-\(UUID().uuidString).log"
        let good = NPSFixture.path("synthetic_ias.log")
        let output = try NPSProbeBinary.run(["nps-log", good, missing])
        #expect(output.status == 3)
        #expect(output.stderr.contains(missing) && output.stderr.contains("no such file"))
        #expect(output.stdout.isEmpty, "paths are checked before any file is read")

        let directory = FileManager.default.temporaryDirectory.path
        let dir = try NPSProbeBinary.run(["nps-log", directory])
        #expect(dir.status == 3 && dir.stderr.contains(directory) && dir.stderr.contains("directory"))

        let utf16 = ScratchFile(Data([0xFF, 0xFE]) + "<Event></Event>\n".data(using: .utf16LittleEndian)!)
        let wide = try NPSProbeBinary.run(["nps-log", utf16.path])
        #expect(wide.status == 3 && wide.stderr.contains(utf16.path) && wide.stderr.contains("UTF-16"))

        #expect(try NPSProbeBinary.run(["nps-log"]).status == 3)
    }

    @Test("--since/--until keep the records inside the window and count the rest")
    func timeWindow() throws {
        let path = NPSFixture.path("synthetic_ias.log")
        let output = try NPSProbeBinary.run([
            "nps-log", "--json", "--since", "03/14/2024 08:00:05", "--until", "2024-03-14T08:01", path,
        ])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let object = try jsonObject(output.stdout)
        #expect(object["records"] as? Int == 5, "08:00:05 ×2, 08:00:09 ×2, 08:01:00")
        let filter = try #require(object["filter"] as? [String: Any])
        #expect(filter["since"] as? String == "2024-03-14 08:00:05.000")
        #expect(filter["until"] as? String == "2024-03-14 08:01:59.999")
        #expect(filter["outside_window"] as? Int == 3 && filter["without_timestamp"] as? Int == 0)
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.first?["records"] as? Int == 8, "per-file counts are before the window")

        let undated = ScratchFile(lines: [Self.event(1, time: nil), Self.event(1, time: "03/15/2024 10:00:00")])
        let day = try jsonObject(try NPSProbeBinary.run(["nps-log", "--json", "--until", "2024-03-15", undated.path])
            .stdout)
        #expect(day["records"] as? Int == 1)
        #expect((day["filter"] as? [String: Any])?["without_timestamp"] as? Int == 1)

        let text = try NPSProbeBinary.run(["nps-log", "--since", "2024-03-14 08:02", path])
        #expect(text.lines.first?.hasPrefix("Window: 2024-03-14 08:02:00.000 … end") == true)

        #expect(try NPSProbeBinary.run(["nps-log", "--since", "yesterday", path]).status == 3)
        #expect(try NPSProbeBinary.run(["nps-log", "--since", "2024-03-15", "--until", "2024-03-14", path]).status == 3)
    }

    @Test("--top limits each list and counts the rest as others")
    func top() throws {
        let lines = ["ann", "bob", "cy", "bob"].flatMap {
            [Self.event(1, user: $0), Self.event(3, user: $0, reason: 16)]
        }
        let file = ScratchFile(lines: lines)
        let object = try jsonObject(try NPSProbeBinary.run(["nps-log", "--json", "--top", "1", file.path]).stdout)
        let users = try #require(object["rejects_by_user"] as? [String: Any])
        let entries = try #require(users["entries"] as? [[String: Any]])
        #expect(entries.count == 1 && entries.first?["key"] as? String == "bob" && entries.first?["count"] as? Int == 2)
        #expect(users["others"] as? Int == 2 && users["total"] as? Int == 4)
        #expect(try NPSProbeBinary.run(["nps-log", "--top", "-1", file.path]).status == 3)
    }

    @Test("time bounds: the precision written sets the earliest and latest instant", arguments: [
        ("2024-05-19", "2024-05-19 00:00:00.000", "2024-05-19 23:59:59.999"),
        ("2024-05-19 08:30", "2024-05-19 08:30:00.000", "2024-05-19 08:30:59.999"),
        ("2024-5-9T8", "2024-05-09 08:00:00.000", "2024-05-09 08:59:59.999"),
        ("2024-05-19T08:30:15.25", "2024-05-19 08:30:15.250", "2024-05-19 08:30:15.259"),
        ("05/19/2024 08:30:15", "2024-05-19 08:30:15.000", "2024-05-19 08:30:15.999"),
        ("05/19/2024 08:30:15.123", "2024-05-19 08:30:15.123", "2024-05-19 08:30:15.123"),
    ])
    func timeBounds(text: String, earliest: String, latest: String) throws {
        let bound = try #require(LogTimeBound(argument: text))
        #expect(bound.earliest.description == earliest)
        #expect(bound.latest.description == latest)
    }

    @Test("time bounds that are not times", arguments: [
        "", "yesterday", "2024-13-01", "2024-05-32", "19-05-2024", "24-05-19", "2024-05-19 25:00",
        "2024-05-19 08:60", "2024-05-19 08:30:15.1234", "2024-05-19 08:30.5", "2024-05-19 08:30 extra",
        "2024/05/19", "05/19/24", "2024-05-19 -1:00",
    ])
    func badTimeBounds(text: String) {
        #expect(LogTimeBound(argument: text) == nil)
    }

    @Test("merging per-file counters adds them and labels the samples")
    func merge() throws {
        let (_, first) = try fileStatistics(NPSFixture.path("synthetic_ias.log"))
        let (_, second) = try fileStatistics(NPSFixture.path("ias_and_db_format_ms_docs.txt"))
        var total = NPSLogParser.Statistics()
        NPSLogCommand.merge(first, from: "a", into: &total, keeping: 4)
        NPSLogCommand.merge(second, from: "b", into: &total, keeping: 4)
        #expect(total.linesRead == first.linesRead + second.linesRead)
        #expect(total.records == first.records + second.records)
        #expect(total.iasRecords == first.iasRecords + second.iasRecords)
        #expect(total.odbcRecords == first.odbcRecords + second.odbcRecords)
        #expect(total.malformed == first.malformed + second.malformed)
        let firstOfSecond = try #require(second.malformedSamples.first).lineNumber
        #expect(total.malformedSamples.map(\.location) == ["a:9", "a:10", "a:11", "b:\(firstOfSecond)"])
        #expect(first.malformedSamples.first?.location == "line 9", "the parser itself names no file")
    }

    private func fileStatistics(_ path: String) throws -> (Int, NPSLogParser.Statistics) {
        let reader = try NPSLogFileReader(path: path, attributeNames: Self.iasNames)
        var count = 0
        while try reader.next() != nil { count += 1 }
        return (count, reader.statistics)
    }
}
