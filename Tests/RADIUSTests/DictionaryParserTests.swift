import Foundation
import Testing

@testable import RADIUS

@Suite struct ShippedDictionaryTests {
    @Test func everyShippedFileIsIncludedByTheRootAndLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: dictionariesDirectory)
            .filter { $0.hasPrefix("dictionary.") }.sorted()
        let root = try String(contentsOfFile: dictionariesDirectory + "/dictionary", encoding: .utf8)
        let included = root.split(separator: "\n").filter { $0.hasPrefix("$INCLUDE") }
            .map { String($0.split(separator: " ").last ?? "") }.sorted()
        #expect(included == files)
        #expect(files.count >= 15)
        for file in files + ["dictionary"] {
            let text = try String(contentsOfFile: dictionariesDirectory + "/" + file, encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(file) starts with a header")
            let header = text.split(separator: "\n").prefix(4).joined(separator: " ")
            #expect(header.contains("RFC") || header.contains("MS-R") || file == "dictionary", "\(file) names its RFC")
            #expect(text.contains("Written for npsprobe") || file == "dictionary", "\(file) says it was written here")
        }
        #expect(shippedDictionary.attributes.count > 150)
    }

    @Test func typesAndFlagsFollowTheRFCs() throws {
        let d = shippedDictionary
        func attribute(_ name: String) throws -> RADIUSDictionary.Attribute { try #require(d.attribute(named: name)) }
        #expect(try attribute("NAS-IPv6-Address").type == .ipv6addr)
        #expect(try attribute("Framed-IPv6-Prefix").type == .ipv6prefix)
        #expect(try attribute("Delegated-IPv6-Prefix").type == .ipv6prefix)
        #expect(try attribute("Framed-Interface-Id").type == .ifid)
        #expect(try attribute("Event-Timestamp").type == .date)
        #expect(try attribute("User-Password").encryption == .userPassword)
        #expect(try attribute("Tunnel-Password").encryption == .tunnelPassword)
        #expect(try attribute("Tunnel-Password").hasTag)
        for name in [
            "Tunnel-Type", "Tunnel-Medium-Type", "Tunnel-Client-Endpoint", "Tunnel-Server-Endpoint",
            "Tunnel-Private-Group-Id", "Tunnel-Assignment-Id", "Tunnel-Preference", "Tunnel-Client-Auth-Id",
            "Tunnel-Server-Auth-Id",
        ] {
            #expect(try attribute(name).hasTag, "\(name)")
        }
        #expect(try attribute("EAP-Message").concat)
        #expect(try attribute("Message-Authenticator").fixedLength == 16)
        #expect(try attribute("Vendor-Specific").type == .vsa)
        #expect(try attribute("Error-Cause").key.number == 101)
        #expect(d.value(named: "Authorize-Only", of: try attribute("Service-Type")) == 17)
        #expect(d.value(named: "VLAN", of: try attribute("Tunnel-Type")) == 13)
        #expect(d.value(named: "Wireless-802.11", of: try attribute("NAS-Port-Type")) == 19)
        #expect(try attribute("WLAN-Reason-Code").key.number == 185)
    }

    /// The Microsoft attributes the project relies on, by number ([MS-RNAS], [MS-RNAP], RFC 2548).
    @Test func microsoftAttributes() throws {
        let expected: [(String, UInt32)] = [
            ("MS-CHAP-Response", 1), ("MS-CHAP-Error", 2), ("MS-CHAP-CPW-1", 3), ("MS-CHAP-CPW-2", 4),
            ("MS-CHAP-LM-Enc-PW", 5), ("MS-CHAP-NT-Enc-PW", 6), ("MS-MPPE-Encryption-Policy", 7),
            ("MS-MPPE-Encryption-Types", 8), ("MS-RAS-Vendor", 9), ("MS-CHAP-Domain", 10), ("MS-CHAP-Challenge", 11),
            ("MS-CHAP-MPPE-Keys", 12), ("MS-BAP-Usage", 13), ("MS-Link-Utilization-Threshold", 14),
            ("MS-Link-Drop-Time-Limit", 15), ("MS-MPPE-Send-Key", 16), ("MS-MPPE-Recv-Key", 17),
            ("MS-RAS-Version", 18), ("MS-Old-ARAP-Password", 19), ("MS-New-ARAP-Password", 20),
            ("MS-ARAP-PW-Change-Reason", 21), ("MS-Filter", 22), ("MS-Acct-Auth-Type", 23), ("MS-Acct-EAP-Type", 24),
            ("MS-CHAP2-Response", 25), ("MS-CHAP2-Success", 26), ("MS-CHAP2-CPW", 27), ("MS-Primary-DNS-Server", 28),
            ("MS-Secondary-DNS-Server", 29), ("MS-Primary-NBNS-Server", 30), ("MS-Secondary-NBNS-Server", 31),
            ("MS-ARAP-Challenge", 33), ("MS-RAS-Client-Name", 34), ("MS-RAS-Client-Version", 35),
            ("MS-Quarantine-IPFilter", 36), ("MS-Quarantine-Session-Timeout", 37), ("MS-User-Security-Identity", 40),
            ("MS-Identity-Type", 41), ("MS-Service-Class", 42), ("MS-Quarantine-User-Class", 44),
            ("MS-Quarantine-State", 45), ("MS-Quarantine-Grace-Time", 46), ("MS-Network-Access-Server-Type", 47),
            ("MS-AFW-Zone", 48), ("MS-AFW-Protection-Level", 49), ("MS-Machine-Name", 50), ("MS-IPv6-Filter", 51),
            ("MS-IPv4-Remediation-Servers", 52), ("MS-IPv6-Remediation-Servers", 53),
            ("MS-RNAP-Not-Quarantine-Capable", 54), ("MS-Quarantine-SOH", 55), ("MS-RAS-Correlation", 56),
            ("MS-Extended-Quarantine-State", 57), ("MS-HCAP-User-Groups", 58), ("MS-HCAP-Location-Group-Name", 59),
            ("MS-HCAP-User-Name", 60), ("MS-User-IPv4-Address", 61), ("MS-User-IPv6-Address", 62),
            ("MS-TSG-Device-Redirection", 63),
        ]
        for (name, number) in expected {
            let attribute = try #require(shippedDictionary.attribute(named: name), "\(name)")
            #expect(attribute.key == .init(vendor: 311, number: number), "\(name)")
            // The printed name for the number is this one (aliases come first in the file).
            #expect(shippedDictionary.attribute(number: number, vendor: 311)?.name == name)
        }
        let d = shippedDictionary
        #expect(d.attribute(named: "MS-MPPE-Send-Key")?.encryption == .tunnelPassword)
        #expect(d.attribute(named: "MS-MPPE-Recv-Key")?.encryption == .tunnelPassword)
        #expect(d.attribute(named: "MS-CHAP-MPPE-Keys")?.encryption == .userPassword)
        #expect(d.attribute(named: "MS-User-IPv6-Address")?.type == .ipv6addr)
        #expect(d.attribute(named: "ms-mppe-encryption-type")?.key == .init(vendor: 311, number: 8), "alias")
        let types = try #require(d.attribute(named: "MS-MPPE-Encryption-Types"))
        #expect(d.valueName(2, of: types) == "RC4-40bit-Allowed")
        #expect(d.valueName(4, of: types) == "RC4-128bit-Allowed")
        #expect(d.valueName(6, of: types) == "RC4-40or128-bit-Allowed")
        let extended = try #require(d.attribute(named: "MS-Extended-Quarantine-State"))
        #expect(d.valueName(0, of: extended) == "No-Data")
        #expect(d.vendor(named: "microsoft")?.id == 311)
        #expect(d.vendor(id: 311)?.format == .standard)
    }
}

/// Broken dictionary input: each construct refused with its code, the file and the line.
@Suite struct DictionaryErrorTests {
    func load(_ text: String, file: String = "dictionary.test", _ name: String = #function) throws -> (
        RADIUSDictionary, URL
    ) {
        let directory = try scratchDirectory(name)
        let url = directory.appendingPathComponent(file)
        try text.write(to: url, atomically: true, encoding: .utf8)
        var dictionary = shippedDictionary
        try dictionary.load(additional: url.path)
        return (dictionary, url)
    }

    func failure(_ text: String, _ name: String = #function) throws -> DictionaryError {
        do {
            _ = try load(text, name)
        } catch let error as DictionaryError {
            return error
        }
        Issue.record("no error")
        return DictionaryError(.syntax, path: "", line: 0, "")
    }

    @Test(arguments: [
        ("ATTRIBUTE Foo 200 bogus", DictionaryError.Code.unknownType, 1),
        ("\n\nATTRIBUTE User-Name 200 string", .duplicateAttribute, 3),
        ("# comment\nVALUE No-Such-Attribute Thing 1", .unknownAttribute, 2),
        ("END-VENDOR Microsoft", .endVendorWithoutBegin, 1),
        ("ATTRIBUTE Foo 12x integer", .invalidNumber, 1),
        ("ATTRIBUTE Foo 256 integer", .invalidNumber, 1),
        ("ATTRIBUTE Foo 241.1 integer", .invalidNumber, 1),
        ("VENDOR Acme 0", .invalidNumber, 1),
        ("VENDOR Acme 16777216", .invalidNumber, 1),
        ("VENDOR Acme 999 format=3,1", .invalidFormat, 1),
        ("VENDOR Acme 999 format=1,3", .invalidFormat, 1),
        ("VENDOR Acme 999 format=1", .invalidFormat, 1),
        ("VENDOR Acme 999\nBEGIN-VENDOR Acme\nATTRIBUTE Acme-Big 256 integer\nEND-VENDOR Acme", .invalidNumber, 3),
        ("$INCLUDE does-not-exist", .missingIncludeFile, 1),
        ("FROB Foo 1 integer", .unknownKeyword, 1),
        ("BEGIN-TLV Foo", .unknownKeyword, 1),
        ("ATTRIBUTE Foo 200 integer bogus_flag", .invalidFlag, 1),
        ("ATTRIBUTE Foo 200 integer encrypt=7", .invalidFlag, 1),
        ("ATTRIBUTE Foo 200 integer encrypt=1", .invalidFlag, 1),
        ("ATTRIBUTE Foo 200 string concat", .invalidFlag, 1),
        ("ATTRIBUTE Foo 200 ipaddr has_tag", .invalidFlag, 1),
        ("ATTRIBUTE Foo 200", .syntax, 1),
        ("ATTRIBUTE Foo 200 integer has_tag extra", .syntax, 1),
        ("ATTRIBUTE Fo=o 200 integer", .syntax, 1),
        ("VALUE Service-Type", .syntax, 1),
        ("VALUE Service-Type Framed-User 3", .duplicateValue, 1),
        ("VALUE User-Name Someone 1", .valueForNonIntegerAttribute, 1),
        ("VALUE Service-Type Huge 4294967296", .invalidNumber, 1),
        ("VALUE Tunnel-Type Huge 16777216", .invalidNumber, 1),
        ("VENDOR Microsoft 312", .duplicateVendor, 1),
        ("BEGIN-VENDOR Nobody", .unknownVendor, 1),
        ("VENDOR Acme 999\nBEGIN-VENDOR Acme\nATTRIBUTE Acme-1 1 integer", .unterminatedVendorBlock, 2),
        ("VENDOR Acme 999\nBEGIN-VENDOR Acme\nBEGIN-VENDOR Microsoft", .nestedVendorBlock, 3),
        ("VENDOR Acme 999\nBEGIN-VENDOR Acme\nEND-VENDOR Microsoft", .vendorBlockMismatch, 3),
        ("ATTRIBUTE Foo 200 octets[300]", .unknownType, 1),
        ("ATTRIBUTE Foo 200 integer[4]", .unknownType, 1),
    ])
    func brokenConstruct(_ text: String, _ code: DictionaryError.Code, _ line: Int) throws {
        let error = try failure(text, "broken\(abs(text.hashValue))")
        #expect(error.code == code, "\(text) → \(error)")
        #expect(error.line == line, "\(text) → \(error)")
        #expect(error.path.hasSuffix("dictionary.test"))
        #expect(error.description.contains("dictionary.test:\(line): "))
    }

    @Test func errorsInIncludedFilesNameThatFile() throws {
        let directory = try scratchDirectory()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "# root\n$INCLUDE sub/dictionary.inner\n".write(
            to: directory.appendingPathComponent("dictionary"), atomically: true, encoding: .utf8)
        try "ATTRIBUTE Good 200 integer\n\nATTRIBUTE Bad 201 nonsense\n".write(
            to: directory.appendingPathComponent("sub/dictionary.inner"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DictionaryError.self) {
            try RADIUSDictionary.load(root: directory.appendingPathComponent("dictionary").path)
        }
        #expect(error?.code == .unknownType)
        #expect(error?.path == directory.appendingPathComponent("sub/dictionary.inner").path)
        #expect(error?.line == 3)
    }

    @Test func includeLoopsAreDetected() throws {
        let directory = try scratchDirectory()
        try "$INCLUDE dictionary.b\n".write(
            to: directory.appendingPathComponent("dictionary.a"), atomically: true, encoding: .utf8)
        try "ATTRIBUTE B 200 integer\n$INCLUDE ./dictionary.a\n".write(
            to: directory.appendingPathComponent("dictionary.b"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DictionaryError.self) {
            try RADIUSDictionary.load(root: directory.appendingPathComponent("dictionary.a").path)
        }
        #expect(error?.code == .includeLoop)
        #expect(error?.path.hasSuffix("dictionary.b") == true)
        #expect(error?.line == 2)
        // Including oneself is a loop too.
        try "$INCLUDE dictionary.self\n".write(
            to: directory.appendingPathComponent("dictionary.self"), atomically: true, encoding: .utf8)
        #expect(throws: DictionaryError.self) {
            try RADIUSDictionary.load(root: directory.appendingPathComponent("dictionary.self").path)
        }
    }

    @Test func optionalIncludeOfMissingFileIsIgnored() throws {
        let (dictionary, _) = try load("$INCLUDE- not-there\nATTRIBUTE Site-Thing 240 integer\n")
        #expect(dictionary.attribute(named: "Site-Thing")?.number == 240)
    }

    @Test func missingRootFile() {
        let error = #expect(throws: DictionaryError.self) {
            try RADIUSDictionary.load(root: "/nonexistent/dictionary")
        }
        #expect(error?.code == .unreadableFile)
        #expect(error?.path == "/nonexistent/dictionary")
    }

    @Test func failedAdditionalLoadLeavesTheDictionaryUnchanged() throws {
        let directory = try scratchDirectory()
        let url = directory.appendingPathComponent("dictionary.site")
        try "ATTRIBUTE Site-A 240 integer\nATTRIBUTE Site-B 241 nonsense\n".write(
            to: url, atomically: true, encoding: .utf8)
        var dictionary = shippedDictionary
        #expect(throws: DictionaryError.self) { try dictionary.load(additional: url.path) }
        #expect(dictionary.attribute(named: "Site-A") == nil)
    }
}

@Suite struct DictionaryDefinitionTests {
    @Test func siteDictionaryMergesVendorsAttributesAndValues() throws {
        let directory = try scratchDirectory()
        let url = directory.appendingPathComponent("dictionary.site")
        try """
        # A site dictionary in FreeRADIUS syntax, with the things user files contain.
        VALUE\tSite-Mode\tFast\t1      # VALUE before its ATTRIBUTE
        VENDOR\tAcme\t99999
        VENDOR\tWide\t88888\tformat=2,2
        VENDOR\tBare\t77777\tformat=4,0
        ATTRIBUTE\tSite-Mode\t240\tinteger
        VALUE\tSite-Mode\tSlow\t0x02
        BEGIN-VENDOR\tAcme
        ATTRIBUTE\tAcme-Group\t1\tstring
        ATTRIBUTE\tAcme-Level\t2\tinteger
        VALUE\tAcme-Level\tGold\t3
        ATTRIBUTE\tAcme-Secret\t3\tstring\tencrypt=2
        END-VENDOR\tAcme
        begin-vendor\tWide
        ATTRIBUTE\tWide-Port\t300\tshort
        end-vendor\tWide
        ATTRIBUTE\tBare-Blob\t70000\toctets\tBare
        VALUE\tService-Type\tSite-Special\t200
        """.write(to: url, atomically: true, encoding: .utf8)
        var d = shippedDictionary
        try d.load(additional: url.path)
        let mode = try #require(d.attribute(named: "site-mode"))
        #expect(d.value(named: "FAST", of: mode) == 1)
        #expect(d.valueName(2, of: mode) == "Slow")
        #expect(d.values(of: mode).map(\.name) == ["Fast", "Slow"])
        #expect(d.attribute(named: "Acme-Level")?.key == .init(vendor: 99999, number: 2))
        #expect(d.attribute(named: "Wide-Port")?.key == .init(vendor: 88888, number: 300))
        #expect(d.attribute(named: "Bare-Blob")?.key == .init(vendor: 77777, number: 70000))
        #expect(d.vendor(named: "WIDE")?.format == RADIUSVendorFormat(typeSize: 2, lengthSize: 2))
        #expect(d.value(named: "Site-Special", of: try #require(d.attribute(named: "Service-Type"))) == 200)
        #expect(d.attribute(named: "Acme-Group")?.definedAt == "\(url.path):9")

        // VSAs in each format, built from text and read back.
        let wide = try d.attribute(fromText: "Wide-Port = 8080")
        #expect(wide.value == [0, 1, 0x5B, 0x38] + [1, 0x2C, 0, 6, 0x1F, 0x90])
        #expect(d.describe(wide).map(\.description) == ["Wide-Port = 8080"])
        let bare = try d.attribute(fromText: "Bare-Blob = 0xCAFE")
        #expect(bare.value == [0, 1, 0x2F, 0xD1] + [0, 1, 0x11, 0x70] + [0xCA, 0xFE])
        #expect(d.describe(bare).map(\.description) == ["Bare-Blob = 0xcafe"])
        let acme = try d.attribute(fromText: "Acme-Level = Gold")
        #expect(d.describe(acme).map(\.description) == ["Acme-Level = Gold"])
        #expect(throws: RADIUSError.self) { try d.attribute(fromText: "Acme-Secret = x") }
    }

    @Test func arrayAttributesPrintEachElement() throws {
        var d = shippedDictionary
        try d.load(text: "ATTRIBUTE Site-Servers 240 ipaddr array\n", path: "/virtual/dictionary.site")
        let attribute = RADIUSAttribute(type: 240, value: [10, 0, 0, 1, 10, 0, 0, 2])
        #expect(d.describe(attribute).map(\.description) == ["Site-Servers = 10.0.0.1, 10.0.0.2"])
        #expect(d.describe(RADIUSAttribute(type: 240, value: [10, 0, 0, 1])).first?.typed != nil)
        #expect(d.describe(RADIUSAttribute(type: 240, value: [10, 0, 0])).first?.problem != nil)
    }

    @Test func textLoadWithAliasesAndOverrides() throws {
        var d = RADIUSDictionary()
        try d.load(
            text: """
                ATTRIBUTE Old-Name 200 integer
                ATTRIBUTE New-Name 200 integer
                ATTRIBUTE Old-Name 200 integer
                VALUE New-Name One 1
                """, path: "/virtual/dictionary")
        #expect(d.attribute(named: "old-name")?.number == 200)
        #expect(d.attribute(number: 200)?.name == "Old-Name", "the last definition of a number is printed")
        #expect(
            d.value(named: "One", of: try #require(d.attribute(named: "Old-Name"))) == 1, "values follow the number")
        #expect(d.attribute(named: "Nothing") == nil)
        #expect(RADIUSDictionary().attribute(named: "User-Name") == nil)
    }
}

@Suite struct DictionaryLimitTests {
    @Test func hugeDictionaryFileIsRefusedBeforeReading() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).dict").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data("ATTRIBUTE X 1 string\n".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(17 << 20))
        try handle.close()
        #expect(throws: DictionaryError.self) { try RADIUSDictionary.load(root: path) }
        do {
            _ = try RADIUSDictionary.load(root: path)
        } catch {
            #expect(error.description.contains("limit"))
        }
    }
}
