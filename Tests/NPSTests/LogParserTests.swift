import Foundation
import LabSupport
import RADIUS
import Testing

@testable import NPS

@Suite("NPS log parser: fixtures")
struct LogFixtureTests {
    @Test("DTS 2014 fixture: request, reject (reason 8), request, challenge")
    func dts2014() throws {
        let (records, stats) = try Fixture.records("dts_2014_NPSServer_index11938217001.xml")
        #expect(stats.linesRead == 4 && stats.malformed == 0 && stats.dtsRecords == 4)
        #expect(records.map(\.packetType) == [.accessRequest, .accessReject, .accessRequest, .accessChallenge])
        #expect(records.map(\.reasonCode) == [0, 8, 0, 0])
        #expect(records.map(\.lineNumber) == [1, 2, 3, 4])
        #expect(records.map(\.userName) == ["ComputerName.domain.com", nil, "ComputerName$", nil])
        #expect(records.map(\.samAccountName) == [
            "DOMAIN\\ComputerName.domain.com", "DOMAIN\\ComputerName.domain.com", "DOMAIN\\ComputerName$",
            "DOMAIN\\ComputerName$",
        ])
        let first = records[0]
        #expect(first.format == .dts)
        #expect(first.timestamp?.description == "2014-05-19 15:21:44.008")
        #expect(first.computerName == "NPSServer" && first.eventSource == "IAS")
        #expect(first.callingStationId == "f8-1e-df-e8-84-5a")
        #expect(first.calledStationId == "00-3a-98-9c-aa-70:Internal Test network")
        #expect(first.clientIPAddress == "10.255.100.1" && first.nasIPAddress == "10.255.100.1")
        #expect(first.clientFriendlyName == "WLANCON" && first.nasIdentifier == "WLANCON")
        #expect(first.fullyQualifiedUserName == "DOMAIN\\ComputerName.domain.com")
        #expect(first.proxyPolicyName == "Secure Wireless Connections" && first.networkPolicyName == nil)
        #expect(first.classAttribute == "311 1 10.1.2.42 05/16/2014 02:17:48 1307")
        #expect(first.authenticationType == 5 && first.authenticationTypeName == "EAP")
        #expect(first.providerType == 1 && first.providerTypeName == "Windows")
        // Elements without a typed field are kept by name.
        #expect(first.other["Cisco-AV-Pair"] == ["audit-session-id=0aff64010001f864537a1279"])
        #expect(first.other["NAS-Port-Type"] == ["19"] && first.other["Tunnel-Pvt-Group-ID"] == ["110"])
        #expect(first.other["Vendor-Specific"] == ["0000376301060000000F"])
        #expect(records[2].networkPolicyName == "Secure Wireless Connections")
        #expect(records[3].other["Session-Timeout"] == ["30"])
    }

    @Test("DTS accounting fixture: one record over 24 lines; the stray lines after it are malformed")
    func dtsAccountingMultiLine() throws {
        let (records, stats) = try Fixture.records("dts_accounting_start_bakerds_TTL2024.xml")
        #expect(records.count == 1)
        let r = try #require(records.first)
        #expect(r.lineNumber == 1 && r.packetType == .accountingRequest && r.reasonCode == 0)
        #expect(r.acctStatusType == 1 && r.acctSessionId == "26ECD9A769A00227")
        #expect(r.userName == "john_doe@iu13.org" && r.computerName == "dan-nps-1")
        #expect(r.clientLabel == "IU13 APs (10.13.41.33)" && r.proxyPolicyName == "Staff Wireless")
        #expect(r.timestamp?.description == "2024-05-02 11:23:13.729")
        #expect(r.other["Event-Timestamp"] == ["05/02/2024 15:23:13"])
        #expect(r.other["Connect-Info"] == ["CONNECT 0Mbps 802.11b"])
        #expect(stats.linesRead == 29 && stats.records == 1 && stats.malformed == 4)
        #expect(stats.malformedSamples.map(\.lineNumber) == [26, 27, 28, 29])
        #expect(stats.malformedSamples.map(\.code) == [
            .unknownFormat, .unknownFormat, .elementOutsideRecord, .elementOutsideRecord,
        ])
    }

    @Test("Microsoft's IAS and database-format examples; the # comment lines are not log lines")
    func msDocsExamples() throws {
        let (records, stats) = try Fixture.records("ias_and_db_format_ms_docs.txt")
        #expect(records.map(\.format) == [.ias, .ias, .odbc, .odbc])
        #expect(records.map(\.lineNumber) == [2, 4, 6, 7])
        #expect(stats.malformed == 3 && stats.malformedSamples.map(\.lineNumber) == [1, 3, 5])
        let ias = records[0]
        #expect(ias.nasIPAddress == "10.10.10.10" && ias.userName == "client" && ias.computerName == "CLIENTCOMP")
        #expect(ias.eventSource == "NPS" && ias.packetType == nil)
        #expect(ias.timestamp?.description == "1999-06-04 14:42:19.000")
        #expect(ias.callingStationId == "1")
        #expect(ias.other["Service-Type"] == ["2"] && ias.other["NAS-Port-Type"] == ["5"])
        #expect(ias.other["Tunnel-Type"] == ["1"] && ias.other["Tunnel-Medium-Type"] == ["1"])
        #expect(records[1].packetType == .accessRequest && records[1].reasonCode == 0)
        let request = records[2], accept = records[3]
        #expect(request.packetType == .accessRequest && request.userName == "client")
        #expect(request.clientIPAddress == "10.10.10.10" && request.clientFriendlyName == "npsclient")
        #expect(request.other["Client-Vendor"] == ["9"] && request.authenticationTypeName == "PAP")
        #expect(accept.packetType == .accessAccept && accept.reasonCode == 0 && accept.userName == nil)
        #expect(accept.fullyQualifiedUserName == "npsclientdc/Users/client")
        #expect(accept.networkPolicyName == "Allow access if dial-in permission is enabled")
        #expect(accept.classAttribute == "311 1 10.10.10.11 03/07/2008 20:04:30 1")
        #expect(accept.timestamp?.description == "2008-03-07 13:04:33.000")
    }

    @Test("synthetic IAS log: hex strings, unknown attributes, malformed lines")
    func syntheticIAS() throws {
        let (records, stats) = try Fixture.records("synthetic_ias.log")
        #expect(records.count == 8 && stats.malformed == 3)
        #expect(stats.malformedSamples.map(\.code) == [.malformedAttributePair, .malformedDate, .malformedNumber])
        #expect(stats.malformedSamples.map(\.lineNumber) == [9, 10, 11])
        #expect(records.map { $0.packetType?.rawValue } == [1, 2, 1, 3, 1, 3, 1, 2])
        #expect(records.map(\.reasonCode) == [0, 0, 0, 16, 0, 8, 49, 0])
        #expect(records[0].other["User-Name"] == ["alice"], "the header and attribute 1 both carry User-Name")
        #expect(records[0].callingStationId == "02-00-00-00-00-01")
        #expect(records[1].samAccountName == "CORP\\alice" && records[1].networkPolicyName == "Wireless Staff")
        #expect(records[2].other["Attribute-9999"] == ["opaque"])
        #expect(records[3].msChapError == "0x00453D36393120523D3120563D33", "binary values stay as logged")
        #expect(records[3].authenticationTypeName == "MS-CHAP v2")
        #expect(records[4].userName == "j,doe", "0x6A2C646F65 is the hex form of a name holding a comma")
        #expect(records[5].userName == nil)
    }

    @Test("synthetic ODBC log: CRLF, doubled quotes, 60- and 66-column records")
    func syntheticODBC() throws {
        let (records, stats) = try Fixture.records("synthetic_odbc.log")
        #expect(stats.malformed == 0 && stats.odbcRecords == 6)
        #expect(records.map { $0.packetType?.rawValue } == [1, 3, 1, 2, 4, 3])
        #expect(records[0].userName == "frank@corp.example" && records[0].nasIdentifier == "ap-7")
        #expect(records[0].proxyPolicyName == "Secure Wireless" && records[0].providerType == 1)
        #expect(records[1].reasonCode == 65)
        #expect(records[1].eapFriendlyName == "Microsoft: Smart Card or other certificate")
        #expect(records[3].networkPolicyName == "Staff \"A\" Wireless")
        #expect(records[4].acctStatusType == 1 && records[4].acctSessionId == "5F3A0001")
        #expect(records[5].computerName == "RAS01" && records[5].eventSource == "RAS")
        #expect(records[5].msChapError == "0x00453D36393120523D3020563D33" && records[5].reasonCode == 36)
    }
}

@Suite("NPS log parser: line handling")
struct LogParserLineTests {
    static let request = #"<Event><Timestamp data_type="4">01/02/2024 10:00:00.5</Timestamp>"#
        + #"<Computer-Name data_type="1">NPS1</Computer-Name><Packet-Type data_type="0">1</Packet-Type>"#
        + #"<User-Name data_type="1">alice</User-Name><Reason-Code data_type="0">0</Reason-Code></Event>"#

    private func parse(_ lines: [String]) -> ([NPSLogRecord], NPSLogParser.Statistics) {
        var parser = NPSLogParser(attributeNames: iasNames, options: .init(maxMalformedKept: 5, maxRecordBytes: 4096))
        var records: [NPSLogRecord] = []
        for line in lines { records += parser.consume(line: line) }
        parser.finish()
        return (records, parser.statistics)
    }

    @Test("a record split at every element boundary parses the same as on one line")
    func splitRecord() throws {
        let oneLine = parse([Self.request]).0
        let pieces = Self.request.replacingOccurrences(of: "><", with: ">\n<").components(separatedBy: "\n")
        #expect(pieces.count == 7)
        let (split, stats) = parse(["", "<?xml version=\"1.0\"?>"] + pieces)
        #expect(stats.malformed == 0 && stats.blankLines == 1 && stats.ignoredLines == 1)
        #expect(split.count == 1 && oneLine.count == 1)
        var expected = try #require(oneLine.first)
        expected.lineNumber = 3
        #expect(split.first == expected)
        #expect(expected.timestamp?.millisecond == 500, "one fractional digit is tenths")
    }

    @Test("several records on one line, and text after the last one")
    func manyPerLine() {
        let (records, stats) = parse([Self.request + " " + Self.request + "junk"])
        #expect(records.count == 2)
        #expect(stats.malformed == 1 && stats.malformedSamples.first?.code == .elementOutsideRecord)
    }

    @Test("one line holding 20,000 records")
    func thousandsPerLine() {
        var parser = NPSLogParser(attributeNames: iasNames)
        let records = parser.consume(line: String(repeating: Self.request, count: 20_000))
        #expect(records.count == 20_000 && parser.statistics.malformed == 0 && parser.statistics.linesRead == 1)
    }

    @Test("an unclosed record is malformed when the next one starts, or at the end of input")
    func unterminated() {
        let open = "<Event><Packet-Type data_type=\"0\">1</Packet-Type>"
        let (records, stats) = parse([open, Self.request, open])
        #expect(records.count == 1 && records.first?.lineNumber == 2)
        #expect(stats.malformed == 2)
        #expect(stats.malformedSamples.map(\.code) == [.unterminatedRecord, .unterminatedRecord])
        #expect(stats.malformedSamples.map(\.lineNumber) == [1, 3])
    }

    @Test("a record growing past maxRecordBytes is dropped and counted once")
    func recordTooLarge() {
        let filler = Array(repeating: "<Class data_type=\"1\">" + String(repeating: "x", count: 200) + "</Class>",
                           count: 40)
        let (records, stats) = parse(["<Event>"] + filler + ["</Event>", Self.request])
        #expect(records.count == 1)
        #expect(stats.malformedSamples.first?.code == .recordTooLarge)
        #expect(stats.malformedSamples.first?.lineNumber == 1)
        // The lines after the cut are outside any record and count as well.
        #expect(stats.malformed >= 2)
    }

    @Test("bad elements", arguments: [
        ("<Event><User-Name>alice</Name></Event>", NPSError.Code.malformedElement),
        ("<Event><User-Name>alice</User-Name>stray<Class>x</Class></Event>", .malformedElement),
        ("<Event><User-Name>al<b>ice</b></User-Name></Event>", .malformedElement),
        ("<Event><>x</></Event>", .malformedElement),
        ("<Event/>", .malformedElement),
        ("<Event><Packet-Type data_type=\"0\">one</Packet-Type></Event>", .malformedNumber),
        ("<Event><Reason-Code>99999999999999999999999</Reason-Code></Event>", .malformedNumber),
        ("<Packet-Type>1</Packet-Type>", .elementOutsideRecord),
        ("just words", .unknownFormat),
        ("a,b,c", .missingHeaderField),
        ("\"CLIENT,IAS,03/07/2008,13:04:33,1", .unbalancedQuote),
    ])
    func badLines(line: String, code: NPSError.Code) {
        let (records, stats) = parse([line])
        #expect(records.isEmpty)
        #expect(stats.malformed == 1)
        #expect(stats.malformedSamples.first?.code == code, "\(stats.malformedSamples)")
    }

    @Test("entities, attributes with '>' in quotes, empty elements, the correctly spelled FQUN element")
    func xmlDetails() throws {
        let line = #"<Event ><User-Name data_type="1" note="a>b">"#
            + #"A&amp;B &lt;&#x41;&#66;&gt; &bogus; &quot;</User-Name>"#
            + #"<Class data_type="1"/><NP-Policy-Name></NP-Policy-Name>"#
            + #"<Fully-Qualified-User-Name>corp/Users/a</Fully-Qualified-User-Name><!-- c --></Event>"#
        let (records, stats) = parse([line])
        #expect(stats.malformed == 0)
        let r = try #require(records.first)
        #expect(r.userName == "A&B <AB> &bogus; \"")
        #expect(r.classAttribute == nil && r.networkPolicyName == nil)
        #expect(r.fullyQualifiedUserName == "corp/Users/a")
    }

    @Test("a DTS timestamp in another layout is kept as written; the record still counts")
    func otherTimestampLayouts() throws {
        let (records, stats) = parse([
            "<Event><Timestamp>2024-01-02 10:00:00</Timestamp><Packet-Type>1</Packet-Type></Event>",
            "<Event><Timestamp>13/02/2024 10:00:00</Timestamp><Packet-Type>2</Packet-Type></Event>",
        ])
        #expect(stats.malformed == 0 && records.count == 2)
        #expect(records.allSatisfy { $0.timestamp == nil })
        #expect(records.map { $0.other["Timestamp"] ?? [] } == [["2024-01-02 10:00:00"], ["13/02/2024 10:00:00"]])
    }

    @Test("a UTF-8 byte-order mark on the first line and CRLF endings are tolerated")
    func bomAndCRLF() throws {
        var parser = NPSLogParser(attributeNames: iasNames)
        let bytes = [0xEF, 0xBB, 0xBF] + Array(Self.request.utf8) + [0x0D]
        let records = parser.consume(lineBytes: bytes[...])
        #expect(records.count == 1 && parser.statistics.malformed == 0)
    }

    @Test("malformed samples are capped but every malformed line is counted; excerpts are cut")
    func malformedCap() {
        let long = String(repeating: "z", count: 1000)
        let (_, stats) = parse(Array(repeating: long, count: 12))
        #expect(stats.malformed == 12 && stats.malformedSamples.count == 5)
        #expect(stats.malformedSamples.allSatisfy { $0.excerpt.count == 161 && $0.excerpt.hasSuffix("…") })
    }

    @Test("hex-encoded IAS strings decode only when printable UTF-8")
    func hexDecoding() {
        #expect(Bytes.printableHexText("0x6A2C646F65") == "j,doe")
        #expect(Bytes.printableHexText("0xC3A9") == "é")
        #expect(Bytes.printableHexText("0x00453D") == nil, "control bytes stay hex")
        #expect(Bytes.printableHexText("0x4") == nil && Bytes.printableHexText("0xZZ") == nil)
        #expect(Bytes.printableHexText("0xFF") == nil, "not UTF-8")
    }

    @Test("timestamps validate their ranges")
    func timestamps() {
        #expect(NPSLogTimestamp(date: "12/31/2023", time: "23:59:60")?.description == "2023-12-31 23:59:60.000")
        #expect(NPSLogTimestamp(date: "2/3/2024", time: "4:05:06.07")?.description == "2024-02-03 04:05:06.070")
        for (date, time) in [("00/01/2024", "00:00:00"), ("01/32/2024", "00:00:00"), ("01/01/24", "00:00:00"),
                             ("01/01/2024", "24:00:00"), ("01/01/2024", "00:60:00"), ("01/01/2024", "00:00"),
                             ("01/01/2024", "00:00:00.1234"), ("a/01/2024", "00:00:00")] {
            #expect(NPSLogTimestamp(date: date[...], time: time[...]) == nil, "\(date) \(time)")
        }
        let a = NPSLogTimestamp(date: "01/02/2024", time: "10:00:00.001")!
        let b = NPSLogTimestamp(date: "01/02/2024", time: "10:00:00.002")!
        let c = NPSLogTimestamp(date: "12/01/2023", time: "23:00:00")!
        #expect(c < a && a < b)
    }
}

@Suite("Line splitting and file reading")
struct LineSplitterTests {
    static let text = "first line\r\n\nthird, with CRLF\r\nfourth without newline"

    private func split(_ text: String, max: Int, chunk: Int) -> [LineSplitter.Piece] {
        var splitter = LineSplitter(maxLineBytes: max)
        var pieces: [LineSplitter.Piece] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            splitter.append(bytes[i..<min(bytes.count, i + chunk)])
            while let piece = splitter.nextLine() { pieces.append(piece) }
            i += chunk
        }
        if let last = splitter.finish() { pieces.append(last) }
        return pieces
    }

    private func strings(_ pieces: [LineSplitter.Piece]) -> [String] {
        pieces.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test("lines come out the same whatever the chunk size", arguments: [1, 2, 3, 5, 7, 16, 1000])
    func chunking(chunk: Int) {
        let pieces = split(Self.text, max: 1000, chunk: chunk)
        #expect(strings(pieces) == ["first line", "", "third, with CRLF", "fourth without newline"])
        #expect(pieces.allSatisfy { !$0.truncated && !$0.continuesLine })
    }

    @Test("an over-long line is cut once, marked truncated, and the rest of it skipped", arguments: [1, 4, 64])
    func overLong(chunk: Int) {
        let pieces = split("short\n0123456789abcdefghij\nok\n", max: 8, chunk: chunk)
        #expect(strings(pieces) == ["short", "01234567", "ok"])
        #expect(pieces.map(\.truncated) == [false, true, false])
    }

    @Test("over-long DTS lines are cut after </Event>, never inside a record", arguments: [1, 7, 100, 4096])
    func cutAtEventClose(chunk: Int) {
        let record = "<Event><Packet-Type>1</Packet-Type></Event>"  // 43 bytes
        let pieces = split(String(repeating: record, count: 10) + "\nnext\n", max: 100, chunk: chunk)
        #expect(strings(pieces) == [record + record, record + record, record + record, record + record,
                                    record + record, "next"])
        #expect(pieces.map(\.continuesLine) == [false, true, true, true, true, false])
        #expect(pieces.allSatisfy { !$0.truncated })
        // A record longer than the cap is lost, but the records after it are not.
        let huge = "<Event><Class>" + String(repeating: "x", count: 300) + "</Class></Event>"
        let mixed = split(record + huge + record + record + "\n", max: 100, chunk: chunk)
        #expect(mixed.map(\.truncated) == [false, true, false])
        #expect(strings(mixed).first == record && strings(mixed).last == record + record)
        #expect(mixed.last?.continuesLine == true)
    }

    @Test("the file reader reports over-long lines as malformed and rejects UTF-16 files")
    func fileReader() throws {
        let file = TemporaryFile("npsreader")
        try file.write { emit in
            emit(LogParserLineTests.request)
            emit(String(repeating: "y", count: 5000))
            emit(LogParserLineTests.request)
        }
        let reader = try NPSLogFileReader(path: file.path, attributeNames: iasNames, maxLineBytes: 1024)
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 2)
        #expect(reader.statistics.malformedSamples.map(\.code) == [.lineTooLong])
        #expect(reader.statistics.malformedSamples.first?.lineNumber == 2)

        let utf16 = TemporaryFile("npsutf16")
        try Data([0xFF, 0xFE, 0x3C, 0x00]).write(to: URL(fileURLWithPath: utf16.path))
        let utf16Reader = try NPSLogFileReader(path: utf16.path, attributeNames: iasNames)
        let error = #expect(throws: NPSError.self) { _ = try utf16Reader.next() }
        #expect(error?.code == .unsupportedEncoding)
        #expect(try utf16Reader.next() == nil, "the reader stops after the encoding error")
        #expect(throws: NPSError.self) { _ = try NPSLogFileReader(path: "/nonexistent/nps.log",
            attributeNames: iasNames) }
    }

    @Test("a DTS file without line breaks between 5,000 records reads completely with a small line cap")
    func recordsWithoutNewlines() throws {
        let file = TemporaryFile("npsoneline")
        try file.write { emit in
            emit((0..<5_000).map { i in
                LogParserLineTests.request.replacingOccurrences(of: ">alice<", with: ">user\(i)<")
            }.joined())
        }
        var options = NPSLogAnalyzer.Options()
        options.maxLineBytes = 4096
        let s = try NPSLogAnalyzer.summarize(fileAtPath: file.path, attributeNames: iasNames, options: options)
        #expect(s.records == 5_000 && s.accessRequests == 5_000 && s.malformedLines == 0 && s.linesRead == 1)
    }
}

@Suite("IAS attribute names")
struct IASAttributeNameTests {
    @Test("RADIUS numbers are named by the dictionary, NPS's own numbers by the IAS table", arguments: [
        (1, "User-Name"), (31, "Calling-Station-Id"), (79, "EAP-Message"), (101, "Error-Cause"),
        (81, "Tunnel-Pvt-Group-ID"), (89, "CUI"), (4108, "Client-IP-Address"), (4142, "Reason-Code"),
        (9999, "Attribute-9999"), (0, "Attribute-0"),
    ])
    func names(number: Int, name: String) {
        #expect(iasNames[number] == name)
    }

    /// The table keeps only what the dictionary cannot say: NPS's attributes and NPS's spellings of RADIUS ones.
    @Test("the IAS table repeats no dictionary name")
    func tableHoldsOnlyWhatTheDictionaryLacks() throws {
        let root = LabEnvironment.packageRoot.appendingPathComponent("Dictionaries/dictionary").path
        let dictionary = try RADIUSDictionary.load(root: root)
        for row in IASAttribute.catalogue where row.number < 4096 {
            let standard = try #require(dictionary.attribute(number: UInt32(row.number)), "\(row.number)")
            #expect(standard.name != row.name, "\(row.number) \(row.name) is the dictionary's name already")
            #expect(row.symbol == nil)
        }
        for row in IASAttribute.catalogue where row.number >= 4096 { #expect(row.symbol != nil, "\(row.number)") }
        #expect(IASAttribute.catalogue.map(\.number) == IASAttribute.catalogue.map(\.number).sorted())
    }

    @Test("the names follow the dictionary given, so an IAS line reads with a site's own names")
    func namesComeFromTheDictionaryGiven() throws {
        var dictionary = RADIUSDictionary()
        try dictionary.load(
            text: "ATTRIBUTE Station-Of-Caller 31 string\nATTRIBUTE Tunnel-Private-Group-Id 81 string\n",
            path: "/test/dictionary")
        let names = IASAttributeNames(dictionary: dictionary)
        #expect(names[31] == "Station-Of-Caller" && names[81] == "Tunnel-Pvt-Group-ID" && names[1] == "Attribute-1")
        var parser = NPSLogParser(attributeNames: names)
        let line = "10.1.1.5,alice,03/14/2024,08:00:01,IAS,NPS01,31,02-00-00-00-00-01,4136,1,4142,0"
        let record = try #require(parser.consume(line: line).first)
        #expect(record.other["Station-Of-Caller"] == ["02-00-00-00-00-01"] && record.callingStationId == nil)
    }
}
