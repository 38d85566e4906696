import Foundation
import Testing

@testable import RADIUS

@Suite struct TypedValueTests {
    typealias DataType = RADIUSDictionary.DataType

    /// For each type: text, wire bytes. Text → value → bytes → value → text must round-trip exactly.
    static let cases: [(DataType, String, [UInt8])] = [
        (.string, "\"alice\"", Array("alice".utf8)),
        (.string, "\"say \\\"hi\\\" \\\\ \\x01\"", Array("say \"hi\" \\ ".utf8) + [1]),
        (.octets, "0x00ff10", [0x00, 0xFF, 0x10]),
        (.octets, "0x", []),
        (.integer, "4294967295", [0xFF, 0xFF, 0xFF, 0xFF]),
        (.integer, "0", [0, 0, 0, 0]),
        (.short, "65535", [0xFF, 0xFF]),
        (.byte, "200", [200]),
        (.signed, "-2", [0xFF, 0xFF, 0xFF, 0xFE]),
        (.integer64, "18446744073709551615", [UInt8](repeating: 0xFF, count: 8)),
        (.date, "2023-11-14T22:13:20Z", [0x65, 0x53, 0xF1, 0x00]),
        (.date, "1970-01-01T00:00:00Z", [0, 0, 0, 0]),
        (.date, "2106-02-07T06:28:15Z", [0xFF, 0xFF, 0xFF, 0xFF]),
        (.ipaddr, "192.168.1.16", [192, 168, 1, 16]),
        (.ipv6addr, "2001:db8::1", [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]),
        (.ipv6addr, "::", [UInt8](repeating: 0, count: 16)),
        (.ipv6addr, "1:0:2:0:3:0:4:5", [0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 5]),
        (.ipv6addr, "fe80::1:0:0:2", [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]),
        (.ipv6prefix, "2001:db8::/32", [0, 32, 0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 12)),
        (.ipv6prefix, "::/0", [0, 0] + [UInt8](repeating: 0, count: 16)),
        (.ipv4prefix, "10.0.0.0/8", [0, 8, 10, 0, 0, 0]),
        (.ifid, "0011:2233:4455:6677", [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]),
        (.ether, "00:1a:2b:3c:4d:5e", [0x00, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E]),
        (.comboIP, "10.1.2.3", [10, 1, 2, 3]),
        (.comboIP, "::1", [UInt8](repeating: 0, count: 15) + [1]),
        (.tlv, "0x010203", [1, 2, 3]),
        (.abinary, "0x0a", [0x0A]),
    ]

    @Test(arguments: cases.indices)
    func textValueAndBytesRoundTrip(_ index: Int) throws {
        let (type, text, bytes) = Self.cases[index]
        let parsed = try RADIUSValue.parse(text, as: type)
        #expect(parsed.encode() == bytes, "\(type) \(text)")
        let decoded = try RADIUSValue.decode(bytes, as: type)
        #expect(decoded == parsed, "\(type) \(text)")
        #expect(decoded.description == text, "\(type)")
    }

    @Test func everyDataTypeHasARoundTripCase() {
        let covered = Set(Self.cases.map(\.0))
        let expected = Set(DataType.allCases).subtracting([.vsa, .evs, .extended, .longExtended])
        #expect(expected.isSubset(of: covered))
        for type in [DataType.vsa, .evs, .extended, .longExtended] {
            #expect((try? RADIUSValue.decode([1, 2], as: type)) == .raw([1, 2]))
        }
    }

    @Test(arguments: [
        (DataType.ipaddr, 3), (.ipaddr, 5), (.ipv6addr, 15), (.ipv6addr, 17), (.ifid, 7), (.ether, 5),
        (.date, 3), (.integer64, 7), (.short, 1), (.short, 3), (.byte, 0), (.byte, 2), (.integer, 0),
        (.signed, 5), (.ipv4prefix, 5), (.ipv6prefix, 1), (.ipv6prefix, 19), (.comboIP, 5),
    ])
    func wrongLengthsAreRefused(_ type: DataType, _ length: Int) {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSValue.decode([UInt8](repeating: 0, count: length), as: type)
        }
        #expect(error?.code == .invalidValue)
    }

    @Test func prefixRules() throws {
        // RFC 3162 §2.3: length at most 128, and the prefix octets must cover it; short forms are fine.
        #expect(throws: RADIUSError.self) {
            try RADIUSValue.decode([0, 129] + [UInt8](repeating: 0, count: 16), as: .ipv6prefix)
        }
        #expect(throws: RADIUSError.self) { try RADIUSValue.decode([0, 64, 0x20, 0x01], as: .ipv6prefix) }
        let short = try RADIUSValue.decode([0, 32, 0x20, 0x01, 0x0D, 0xB8], as: .ipv6prefix)
        #expect(short.description == "2001:db8::/32")
        #expect(throws: RADIUSError.self) { try RADIUSValue.decode([0, 33, 1, 2, 3, 4], as: .ipv4prefix) }
        #expect(throws: RADIUSError.self) { try RADIUSValue.parse("2001:db8::/129", as: .ipv6prefix) }
    }

    @Test(arguments: [
        (DataType.ipaddr, "256.1.1.1"), (.ipaddr, "1.2.3"), (.ipaddr, "1.2.3.4.5"), (.ipaddr, "a.b.c.d"),
        (.ipaddr, ""), (.ipv6addr, "1:2:3:4:5:6:7:8:9"), (.ipv6addr, "1::2::3"), (.ipv6addr, "12345::"),
        (.ipv6addr, ":1"), (.ipv6addr, "1:::2"), (.ipv6addr, "g::"), (.integer, "4294967296"), (.integer, "-1"),
        (.integer, "0x"), (.byte, "256"), (.short, "65536"), (.signed, "2147483648"), (.date, "2023-02-30T00:00:00Z"),
        (.date, "yesterday"), (.ether, "00:11:22:33:44"), (.ifid, "0011:2233"), (.octets, "0x123"),
        (.string, "\"unterminated \\\""),
    ])
    func badTextIsRefused(_ type: DataType, _ text: String) {
        let error = #expect(throws: RADIUSError.self) { try RADIUSValue.parse(text, as: type) }
        #expect(error?.code == .invalidValue)
    }

    @Test func textForms() throws {
        #expect(try RADIUSValue.parse("0x10", as: .integer) == .integer(16))
        #expect(try RADIUSValue.parse("1700000000", as: .date) == .date(1_700_000_000))
        #expect(try RADIUSValue.parse("alice", as: .string) == .string("alice"))
        #expect(try RADIUSValue.parse("raw text", as: .octets) == .octets(Array("raw text".utf8)))
        #expect(try RADIUSValue.parse("00-1A-2B-3C-4D-5E", as: .ether).description == "00:1a:2b:3c:4d:5e")
        #expect(try RADIUSValue.parse("::ffff:10.0.0.1", as: .ipv6addr).description == "::ffff:a00:1")
        #expect(try RADIUSValue.parse("2001:DB8:0:0:0:0:0:1", as: .ipv6addr).description == "2001:db8::1")
        #expect(try RADIUSValue.decode([0xC3, 0x28], as: .string) == .octets([0xC3, 0x28]), "not UTF-8")
    }
}

@Suite struct AttributeTextTests {
    let d = shippedDictionary

    @Test func standardAttributesFromText() throws {
        #expect(
            try d.attribute(fromText: "Framed-IP-Address=10.0.0.1") == RADIUSAttribute(type: 8, value: [10, 0, 0, 1]))
        #expect(
            try d.attribute(fromText: "Service-Type = Framed-User") == RADIUSAttribute(type: 6, value: [0, 0, 0, 2]))
        #expect(
            try d.attribute(fromText: "service-type = framed-user") == RADIUSAttribute(type: 6, value: [0, 0, 0, 2]))
        #expect(try d.attribute(fromText: "Service-Type = 2") == RADIUSAttribute(type: 6, value: [0, 0, 0, 2]))
        #expect(try d.attribute(fromText: "Class=0x0102") == RADIUSAttribute(type: 25, value: [1, 2]))
        #expect(try d.attribute(fromText: "User-Name = \"a b\"") == RADIUSAttribute(type: 1, value: Array("a b".utf8)))
        #expect(try d.attribute(fromText: "User-Password = secret").value == Array("secret".utf8), "hidden later")
        #expect(try d.attribute(fromText: "Event-Timestamp = 2023-11-14T22:13:20Z").value == [0x65, 0x53, 0xF1, 0x00])
        #expect(try d.attribute(fromText: "NAS-IPv6-Address = ::1").value.count == 16)
        #expect(try d.attribute(fromText: "Attr-250 = 0x01").value == [1])
    }

    @Test func taggedAttributesFromText() throws {
        #expect(try d.attribute(fromText: "Tunnel-Type:1=VLAN") == RADIUSAttribute(type: 64, value: [1, 0, 0, 13]))
        #expect(try d.attribute(fromText: "Tunnel-Type = VLAN") == RADIUSAttribute(type: 64, value: [0, 0, 0, 13]))
        #expect(
            try d.attribute(fromText: "Tunnel-Private-Group-Id:2 = 42")
                == RADIUSAttribute(type: 81, value: [2, 0x34, 0x32]))
        #expect(
            try d.attribute(fromText: "Tunnel-Private-Group-Id = 42") == RADIUSAttribute(type: 81, value: [0x34, 0x32]))
        // A leading octet that would read as a tag gets an explicit zero tag in front.
        #expect(try d.attribute(fromText: #"Tunnel-Private-Group-Id = "\x05B""#).value == [0, 5, 0x42])
        #expect(throws: RADIUSError.self) { try d.attribute(fromText: "Tunnel-Type:32 = VLAN") }
        #expect(throws: RADIUSError.self) { try d.attribute(fromText: "Service-Type:1 = Framed-User") }
        #expect(throws: RADIUSError.self) { try d.attribute(fromText: "Tunnel-Type = 16777216") }
    }

    @Test func vendorAttributesFromText() throws {
        let domain = try d.attribute(fromText: "MS-CHAP-Domain = CORP")
        #expect(domain.type == 26)
        #expect(domain.value == [0, 0, 1, 0x37, 10, 6] + Array("CORP".utf8))
        let unknown = try d.attribute(fromText: "Attr-26.311.99 = 0x0102")
        #expect(unknown.value == [0, 0, 1, 0x37, 99, 4, 1, 2])
        let policy = try d.attribute(fromText: "MS-MPPE-Encryption-Policy = Encryption-Required")
        #expect(policy.value == [0, 0, 1, 0x37, 7, 6, 0, 0, 0, 2])
    }

    @Test func textErrors() {
        let cases: [(String, RADIUSError.Code)] = [
            ("No-Such-Attribute = 1", .unknownAttribute), ("Framed-IP-Address = 10.0.0.256", .invalidValue),
            ("Service-Type = Not-A-Value", .invalidValue), ("just text", .invalidValue),
            ("Tunnel-Password = x", .invalidValue), ("MS-MPPE-Send-Key = 0x00", .invalidValue),
            ("Message-Authenticator = 0x01", .invalidValue),
            ("Class = 0x" + String(repeating: "00", count: 254), .attributeTooLong),
        ]
        for (text, code) in cases {
            let error = #expect(throws: RADIUSError.self) { try d.attribute(fromText: text) }
            #expect(error?.code == code, "\(text)")
        }
    }

    @Test func printingRoundTripsThroughText() throws {
        let texts = [
            "User-Name = \"alice\"", "NAS-Port = 7", "Service-Type = Framed-User", "Framed-IP-Address = 10.0.0.1",
            "Class = 0x0102", "Tunnel-Type:1 = VLAN", "Tunnel-Medium-Type:1 = IEEE-802",
            "Tunnel-Private-Group-Id:1 = \"42\"",
            "Event-Timestamp = 2023-11-14T22:13:20Z", "Framed-IPv6-Prefix = 2001:db8::/64",
            "Framed-Interface-Id = 0000:0000:0000:0001",
            "MS-CHAP-Domain = \"CORP\"", "MS-Quarantine-State = Probation", "Acct-Status-Type = Interim-Update",
            "Error-Cause = Session-Context-Not-Found", "WLAN-Reason-Code = 23", "Attr-26.311.99 = 0x01",
            "Attr-250 = 0x02",
        ]
        for text in texts {
            let attribute = try d.attribute(fromText: text)
            #expect(d.describe(attribute).map(\.description) == [text])
        }
    }

    @Test func unknownThingsPrintAsAttrNames() throws {
        let unknownStandard = RADIUSAttribute(type: 250, value: [0xAB])
        #expect(d.describe(unknownStandard).first?.description == "Attr-250 = 0xab")
        let unknownVendor = RADIUSAttribute(type: 26, value: [0, 0, 0x27, 0x0F, 1, 3, 0xCD])
        #expect(d.describe(unknownVendor).first?.description == "Attr-26.9999.1 = 0xcd")
        let twoSubs = RADIUSAttribute(type: 26, value: [0, 0, 1, 0x37, 99, 3, 1, 10, 6] + Array("CORP".utf8))
        #expect(d.describe(twoSubs).map(\.description) == ["Attr-26.311.99 = 0x01", "MS-CHAP-Domain = \"CORP\""])
        #expect(
            RADIUSDictionary().describe(RADIUSAttribute(type: 1, value: [0x61])).first?.description == "Attr-1 = 0x61")
        // A value that does not fit its type shows as octets with the reason.
        let badAddress = d.describe(RADIUSAttribute(type: 8, value: [1, 2, 3]))[0]
        #expect(badAddress.value == "0x010203")
        #expect(badAddress.problem != nil)
        #expect(badAddress.typed == nil)
    }

    @Test func secretsAreMaskedUnlessAsked() throws {
        let authenticator = [UInt8](repeating: 7, count: 16)
        let hidden = try RADIUSCrypto.hideUserPassword(
            Array("pw".utf8), secret: testing123, authenticator: authenticator)
        let attribute = RADIUSAttribute(.userPassword, hidden)
        #expect(d.describe(attribute)[0].description == "User-Password = <hidden, 16 octets>")
        #expect(d.describe(attribute, options: .init(maskSecrets: false))[0].value == RADIUSValue.hex(hidden))
        let revealed = d.describe(
            attribute, options: .init(maskSecrets: false, secret: testing123, requestAuthenticator: authenticator))
        #expect(revealed[0].description == "User-Password = \"pw\"")
        // Encrypted under another secret: the length octet comes out impossible, shown as octets with the reason.
        let foreign = try RADIUSCrypto.encryptTunnelPassword(
            Array("pw".utf8), tag: 1, salt: [0x80, 1], secret: Array("other".utf8), authenticator: authenticator)
        let wrong = d.describe(
            RADIUSAttribute(.tunnelPassword, foreign),
            options: .init(maskSecrets: false, secret: testing123, requestAuthenticator: authenticator))
        #expect(wrong[0].problem?.contains("does not decrypt") == true)
        #expect(wrong[0].tag == 1)
        #expect(wrong[0].typed == nil)
        let ma = RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16))
        #expect(d.describe(ma)[0].description == "Message-Authenticator = <hidden, 16 octets>")
    }

    @Test func describedAttributesEncodeAsJSON() throws {
        let described = d.describe(try d.attribute(fromText: "Tunnel-Type:1 = VLAN"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(described), as: UTF8.self)
        #expect(json == #"[{"name":"Tunnel-Type","oid":"64","tag":1,"value":"VLAN"}]"#)
    }

    @Test func typedValueOfAttributes() throws {
        let tagged = try d.typedValue(of: RADIUSAttribute(type: 64, value: [1, 0, 0, 13]))
        #expect(tagged.definition.name == "Tunnel-Type")
        #expect(tagged.value == .integer(13))
        let vsa = try d.typedValue(of: try d.attribute(fromText: "MS-Primary-DNS-Server = 10.0.0.53"))
        #expect(vsa.definition.key == .init(vendor: 311, number: 28))
        #expect(vsa.value == .ipaddr(IPv4Address("10.0.0.53")!))
        let untagged = try d.typedValue(of: RADIUSAttribute(type: 81, value: Array("VLAN10".utf8)))
        #expect(untagged.value == .string("VLAN10"))
        #expect(throws: RADIUSError.self) { try d.typedValue(of: RADIUSAttribute(type: 8, value: [1])) }
    }
}

@Suite struct LookupTests {
    let d = shippedDictionary

    func attributeNames(_ results: [RADIUSDictionary.LookupResult]) -> [String] {
        results.compactMap { if case .attribute(let a, _, _) = $0 { return a.name } else { return nil } }
    }

    @Test func byNameAndNumber() {
        #expect(attributeNames(d.lookup("user-name")) == ["User-Name"])
        #expect(attributeNames(d.lookup("1")) == ["User-Name"])
        #expect(attributeNames(d.lookup("79")) == ["EAP-Message"])
        #expect(attributeNames(d.lookup("26.311.16")) == ["MS-MPPE-Send-Key"])
        #expect(attributeNames(d.lookup("Attr-26.311.16")) == ["MS-MPPE-Send-Key"])
        // Numbers no dictionary defines are not invented (`npsprobe dict 26.999.1` once printed Attr-26.999.1).
        #expect(d.lookup("26.311.99").isEmpty)
        #expect(d.lookup("26.999.1").isEmpty)
        #expect(d.lookup("250").isEmpty)
        #expect(d.lookup("no-such-thing").isEmpty)
        #expect(d.lookup("256").isEmpty)
    }

    @Test func attributeAnswerListsValuesAndAliases() throws {
        guard case .attribute(let attribute, let aliases, let values) = try #require(d.lookup("Service-Type").first)
        else {
            Issue.record("not an attribute")
            return
        }
        #expect(attribute.number == 6)
        #expect(aliases.isEmpty)
        #expect(values.first == RADIUSDictionary.Value(name: "Login-User", number: 1))
        #expect(values.contains(RADIUSDictionary.Value(name: "Authorize-Only", number: 17)))
        let text = d.lookup("26.311.8").first?.description ?? ""
        #expect(text.hasPrefix("ATTRIBUTE MS-MPPE-Encryption-Types 26.311.8 integer"))
        #expect(text.contains("also named MS-MPPE-Encryption-Type"))
        #expect(text.contains("VALUE RC4-128bit-Allowed = 4"))
    }

    @Test func vendorsAndValues() {
        guard case .vendor(let vendor, let attributes)? = d.lookup("microsoft").first else {
            Issue.record("no vendor")
            return
        }
        #expect(vendor.id == 311)
        #expect(attributes.count >= 58)
        #expect(d.lookup("311").count == 1)
        let values = d.lookup("Framed-User")
        #expect(values.count == 1)
        #expect(values.first?.description == "VALUE Service-Type Framed-User 2")
        // A name used by several attributes' VALUEs answers with each.
        #expect(d.lookup("None").count >= 2)
    }
}
