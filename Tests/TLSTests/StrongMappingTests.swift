import Foundation
import Testing
import TLS

/// Strong certificate mapping (KB5014754): the SID extension's DER, the SAN URI, the three pre-flight cases.
@Suite struct StrongMappingTests {
    /// The szOID_NTDS_CA_SECURITY_EXT value of a certificate issued by AD CS (DomainController template), as
    /// `certutil -view` dumps it: 65 octets naming S-1-5-21-666199682-1411342147-2938717855-1001.
    static let adcsExtension = hex("""
        303f a03d 060a 2b06 0104 0182 3719 0201 a02f 042d 532d 312d 352d 3231 2d36 3636 3139 3936 3832 2d31 3431
        3133 3432 3134 372d 3239 3338 3731 3738 3535 2d31 3030 31
        """)

    /// The AD CS layout around `content` (the OCTET STRING's content), with short-form lengths.
    static func wrap(_ content: [UInt8], oid: [UInt8] = hex("2b06010401823719 0201"), stringTag: UInt8 = 0x04)
        -> [UInt8]
    {
        let string = [stringTag, UInt8(content.count)] + content
        let value = [0xA0, UInt8(string.count)] + string
        let other = [0x06, UInt8(oid.count)] + oid + value
        let name = [0xA0, UInt8(other.count)] + other
        return [0x30, UInt8(name.count)] + name
    }

    @Test func readsTheADCSEncoding() throws {
        #expect(try StrongCertificateMapping.sid(fromExtension: Self.adcsExtension)
            == "S-1-5-21-666199682-1411342147-2938717855-1001")
        #expect(try StrongCertificateMapping.sid(fromExtension: Self.wrap(Array("S-1-5-21-1-2-3-500".utf8)))
            == "S-1-5-21-1-2-3-500")
    }

    /// A long-form length (0x81 nn) where it is needed is DER, and read.
    @Test func readsLongFormLengths() throws {
        let sid = "S-1-5-21-" + Array(repeating: "4294967295", count: 12).joined(separator: "-")
        let der = Self.wrapLong(Array(sid.utf8))
        #expect(try StrongCertificateMapping.sid(fromExtension: der) == sid)
    }

    private static func wrapLong(_ content: [UInt8]) -> [UInt8] {
        func element(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
            body.count < 0x80 ? [tag, UInt8(body.count)] + body : [tag, 0x81, UInt8(body.count)] + body
        }
        let value = element(0xA0, element(0x04, content))
        let other = element(0x06, hex("2b06010401823719 0201")) + value
        return element(0x30, element(0xA0, other))
    }

    struct Malformed: Sendable, CustomStringConvertible {
        let name: String
        let der: [UInt8]
        let code: StrongCertificateMapping.Problem.Code
        let offset: Int?
        var description: String { name }
    }

    static let sid = Array("S-1-5-21-1-2-3-1104".utf8)
    static let malformed: [Malformed] = [
        Malformed(name: "empty", der: [], code: .truncated, offset: 0),
        Malformed(name: "cut inside the OCTET STRING", der: Array(adcsExtension.dropLast(3)), code: .truncated,
                  offset: 0),
        Malformed(name: "SET instead of SEQUENCE", der: [0x31] + adcsExtension.dropFirst(), code: .unexpectedTag,
                  offset: 0),
        Malformed(name: "UTF8String instead of OCTET STRING", der: wrap(sid, stringTag: 0x0C), code: .unexpectedTag,
                  offset: 18),
        Malformed(name: "indefinite length", der: [0x30, 0x80] + adcsExtension.dropFirst(2) + [0, 0],
                  code: .badLength, offset: 1),
        Malformed(name: "non-minimal length", der: [0x30, 0x81, 0x3F] + adcsExtension.dropFirst(2),
                  code: .badLength, offset: 1),
        Malformed(name: "the UPN OID as type-id", der: wrap(sid, oid: hex("2b06010401823714 0203")),
                  code: .wrongObjectIdentifier, offset: 6),
        Malformed(name: "an octet after the SEQUENCE", der: adcsExtension + [0x00], code: .trailingData,
                  offset: 65),
        Malformed(name: "a second name", der: twoNames(), code: .trailingData, offset: nil),
        Malformed(name: "binary SID", der: wrap(hex("010500000000000515000000010000000200000003000000")),
                  code: .invalidSID, offset: 20),
        Malformed(name: "revision 2", der: wrap(Array("S-2-5-21-1".utf8)), code: .invalidSID, offset: 20),
        Malformed(name: "no subauthority", der: wrap(Array("S-1-5".utf8)), code: .invalidSID, offset: 20),
        Malformed(name: "16 subauthorities",
                  der: wrap(Array(("S-1-5" + String(repeating: "-1", count: 16)).utf8)), code: .invalidSID,
                  offset: 20),
        Malformed(name: "a subauthority over 32 bits", der: wrap(Array("S-1-5-21-4294967296".utf8)),
                  code: .invalidSID, offset: 20),
        Malformed(name: "a space in the SID", der: wrap(Array("S-1-5-21- 1".utf8)), code: .invalidSID, offset: 20),
    ]

    private static func twoNames() -> [UInt8] {
        let one = Array(wrap(sid).dropFirst(2))
        let body = one + one
        return [0x30, UInt8(body.count)] + body
    }

    @Test(arguments: malformed)
    func malformedExtensions(_ vector: Malformed) throws {
        #expect(throws: StrongCertificateMapping.Problem.self) {
            try StrongCertificateMapping.sid(fromExtension: vector.der)
        }
        do {
            _ = try StrongCertificateMapping.sid(fromExtension: vector.der)
        } catch {
            #expect(error.code == vector.code, "\(error)")
            if let offset = vector.offset { #expect(error.offset == offset, "\(error)") }
            #expect(!error.detail.isEmpty)
        }
    }

    @Test func sidSyntax() {
        for good in ["S-1-5-18", "S-1-5-21-1004336348-1177238915-682003330-1104", "s-1-5-32-544",
                     "S-1-0x000000000005-21-1", "S-1-4294967295-1"] {
            #expect(StrongCertificateMapping.sidSyntaxProblem(good) == nil, "\(good)")
        }
        for bad in ["", "S", "S-1", "S-1-5", "X-1-5-21", "S-1-5-", "S-1-5--1", "S-1-4294967296-1", "S-1-0x5-1",
                    "S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "S-1-5-+1", "S-1-5-٣"] {
            #expect(StrongCertificateMapping.sidSyntaxProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func sanURIs() {
        let prefix = StrongCertificateMapping.sanURIPrefix
        let present = StrongCertificateMapping(extensionValues: [],
                                               uris: ["https://example", prefix + "S-1-5-21-9-8-7-6"])
        #expect(present.sanURI == .present("S-1-5-21-9-8-7-6"))
        #expect(present.status == .present && present.sid == "S-1-5-21-9-8-7-6")

        let badSID = StrongCertificateMapping(extensionValues: [], uris: [prefix + "S-1-5-21-x"])
        #expect(badSID.sanURI.problem?.code == .invalidSID)
        #expect(badSID.status == .malformed && badSID.sid == nil)

        let otherDate = StrongCertificateMapping(extensionValues: [],
                                                 uris: ["tag:microsoft.com,2023-01-01:sid:S-1-5-1"])
        #expect(otherDate.sanURI.problem?.code == .wrongURIPrefix)

        #expect(StrongCertificateMapping(extensionValues: [], uris: ["https://example"]).status == .absent)
        #expect(StrongCertificateMapping(extensionValues: [], uris: []).status == .absent)
    }

    @Test func duplicatesAndConflicts() {
        let twice = StrongCertificateMapping(extensionValues: [Self.adcsExtension, Self.adcsExtension], uris: [])
        #expect(twice.sidExtension.problem?.code == .duplicate)
        #expect(twice.status == .malformed)

        let conflict = StrongCertificateMapping(
            extensionValues: [Self.adcsExtension], uris: [StrongCertificateMapping.sanURIPrefix + "S-1-5-21-1-2-3-4"])
        #expect(conflict.sidExtension.sid == "S-1-5-21-666199682-1411342147-2938717855-1001")
        #expect(conflict.sanURI.problem?.code == .conflictingSIDs)
        // The extension still maps the certificate.
        #expect(conflict.status == .present)
    }

    // MARK: - Certificates of the test PKI (made with the openssl CLI)

    @Test func sidExtensionPresent() throws {
        let alice = try Lab.credentials("alice").certificate
        #expect(alice.strongMapping?.sidExtension == .present(TestPKI.aliceSID))
        #expect(alice.strongMapping?.sanURI == .absent)
        #expect(alice.strongMapping?.status == .present)
        #expect(CertificatePreflight.strongMappingFindings(alice).isEmpty)
        #expect(CertificatePreflight.check(credentials: try Lab.credentials("alice"), trustedCAFile: nil).isEmpty)
    }

    @Test func sanURIPresent() throws {
        let carol = try Lab.credentials("carol-uri").certificate
        #expect(carol.strongMapping?.sanURI == .present(TestPKI.carolSID))
        #expect(carol.strongMapping?.sidExtension == .absent)
        #expect(carol.strongMapping?.sid == TestPKI.carolSID)
        #expect(CertificatePreflight.strongMappingFindings(carol).isEmpty)
    }

    @Test func neither() throws {
        let bob = try Lab.credentials("bob").certificate
        #expect(bob.strongMapping?.status == .absent)
        let findings = CertificatePreflight.check(credentials: try Lab.credentials("bob"), trustedCAFile: nil)
        #expect(findings.map(\.kind) == [.notStronglyMapped])
        let detail = try #require(findings.first?.detail)
        #expect(detail.contains("CN=bob,O=Lab") && detail.contains("1.3.6.1.4.1.311.25.2")
                && detail.contains("tag:microsoft.com,2022-09-14:sid:"))
    }

    @Test(arguments: [("sid-binary", StrongCertificateMapping.Problem.Code.invalidSID),
                      ("sid-wrong-oid", .wrongObjectIdentifier), ("uri-bad-sid", .invalidSID)])
    func malformedCertificates(_ name: String, _ code: StrongCertificateMapping.Problem.Code) throws {
        let certificate = try Lab.credentials(name).certificate
        let mapping = try #require(certificate.strongMapping)
        #expect(mapping.status == .malformed)
        #expect([mapping.sidExtension.problem?.code, mapping.sanURI.problem?.code].contains(code))
        let findings = CertificatePreflight.strongMappingFindings(certificate)
        #expect(findings.map(\.kind) == [.strongMappingMalformed])
        #expect(findings.first?.detail.contains("malformed") == true)
    }

    /// The mapping travels in `--json` evidence: it survives a JSON round trip.
    @Test func codable() throws {
        let alice = try Lab.credentials("alice").certificate
        let decoded = try JSONDecoder().decode(CertificateInfo.self, from: JSONEncoder().encode(alice))
        #expect(decoded == alice)
    }
}
