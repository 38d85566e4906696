/// How a client certificate names the Active Directory account it belongs to, strongly enough for a domain
/// controller in full enforcement (KB5014754: enforced since February 2025, compatibility mode gone since
/// September 2025). Read from the certificate alone: an explicit `altSecurityIdentities` mapping on the account
/// is strong too, but only the directory knows it.
///
/// Two places in the certificate carry the account's SID:
/// - the SID extension, `szOID_NTDS_CA_SECURITY_EXT` (1.3.6.1.4.1.311.25.2), added by AD CS to certificates
///   from online templates since the May 2022 updates;
/// - a SAN URI `tag:microsoft.com,2022-09-14:sid:<SID>` (SCEP/Intune and offline requests; the KDC reads it
///   from Windows Server 2019 up, with the updates that introduced it).
public struct StrongCertificateMapping: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// A well-formed SID.
        case present
        /// Something that claims to carry a SID but does not decode as one (the field's `problem` says why).
        case malformed
        /// Nothing there.
        case absent
    }

    /// What one place of the certificate holds.
    public struct Field: Sendable, Codable, Equatable {
        public var status: Status
        /// The SID string (`S-1-5-21-…`), when `present`.
        public var sid: String?
        /// Why it does not decode, when `malformed`.
        public var problem: Problem?

        public init(status: Status, sid: String? = nil, problem: Problem? = nil) {
            self.status = status
            self.sid = sid
            self.problem = problem
        }

        public static let absent = Field(status: .absent)
        public static func present(_ sid: String) -> Field { Field(status: .present, sid: sid) }
        public static func malformed(_ problem: Problem) -> Field { Field(status: .malformed, problem: problem) }
    }

    /// Why a SID extension or SAN URI does not decode: what, and where (an octet offset into the extension's
    /// value, when it concerns the DER).
    public struct Problem: Error, Sendable, Codable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, Codable {
            /// The DER ends inside an element.
            case truncated
            /// An element of another type (or class) than the layout requires.
            case unexpectedTag = "unexpected_tag"
            /// An indefinite or non-minimal length (DER, X.690 §10.1).
            case badLength = "bad_length"
            /// The otherName's type-id is not szOID_NTDS_OBJECTSID (1.3.6.1.4.1.311.25.2.1).
            case wrongObjectIdentifier = "wrong_object_identifier"
            /// Octets after the structure, or more than one name in it.
            case trailingData = "trailing_data"
            /// The SID text is not `S-1-<authority>-<subauthority>…` (MS-DTYP §2.4.2.1).
            case invalidSID = "invalid_sid"
            /// The extension appears twice.
            case duplicate
            /// A `tag:microsoft.com,…` URI that is not `tag:microsoft.com,2022-09-14:sid:<SID>`.
            case wrongURIPrefix = "wrong_uri_prefix"
            /// The SID extension and the SAN URI name different SIDs.
            case conflictingSIDs = "conflicting_sids"
        }

        public var code: Code
        public var offset: Int?
        public var detail: String

        public init(_ code: Code, at offset: Int? = nil, _ detail: String) {
            self.code = code
            self.offset = offset
            self.detail = detail
        }

        public var description: String { offset.map { "\(detail) (at octet \($0))" } ?? detail }
    }

    public var sidExtension: Field
    public var sanURI: Field

    public init(sidExtension: Field = .absent, sanURI: Field = .absent) {
        self.sidExtension = sidExtension
        self.sanURI = sanURI
    }

    /// szOID_NTDS_CA_SECURITY_EXT.
    public static let sidExtensionOID = "1.3.6.1.4.1.311.25.2"
    /// szOID_NTDS_OBJECTSID, the otherName type-id inside the extension.
    public static let objectSIDOID = "1.3.6.1.4.1.311.25.2.1"
    /// The SAN URI prefix; the SID follows it.
    public static let sanURIPrefix = "tag:microsoft.com,2022-09-14:sid:"

    /// The SID the certificate names (the extension first, as the KDC prefers it).
    public var sid: String? { sidExtension.sid ?? sanURI.sid }

    /// `present` when a SID can be read, else `malformed` when something claims to carry one, else `absent`.
    public var status: Status {
        if sid != nil { return .present }
        if sidExtension.status == .malformed || sanURI.status == .malformed { return .malformed }
        return .absent
    }

    /// The mapping of a certificate whose SID extension value is `extensionValues` (DER, one per occurrence)
    /// and whose SAN URIs are `uris`.
    public init(extensionValues: [[UInt8]], uris: [String]) {
        switch extensionValues.count {
        case 0: sidExtension = .absent
        case 1:
            do {
                sidExtension = .present(try Self.sid(fromExtension: extensionValues[0]))
            } catch {
                sidExtension = .malformed(error)
            }
        default:
            sidExtension = .malformed(Problem(.duplicate, "the certificate carries the SID extension "
                                              + "\(extensionValues.count) times"))
        }
        sanURI = Self.sanField(uris)
        if let a = sidExtension.sid, let b = sanURI.sid, a.uppercased() != b.uppercased() {
            sanURI = .malformed(Problem(.conflictingSIDs, "the SAN URI names \(b), the SID extension \(a)"))
        }
    }

    // MARK: - The SID extension (DER)

    /// The SID string of a szOID_NTDS_CA_SECURITY_EXT value, in the layout AD CS writes (as `certutil -dump`
    /// shows it):
    ///
    ///     SEQUENCE {                                  -- GeneralNames (RFC 5280 §4.2.1.6)
    ///       [0] {                                     -- otherName
    ///         OBJECT IDENTIFIER 1.3.6.1.4.1.311.25.2.1
    ///         [0] { OCTET STRING "S-1-5-21-…-1104" }  -- the SID as text, not MS-DTYP binary
    ///       }
    ///     }
    ///
    /// Validates the whole structure first (DER lengths, tags, nothing after it), then decodes.
    public static func sid(fromExtension der: [UInt8]) throws(Problem) -> String {
        var outer = DERReader(der)
        let names = try outer.read(tag: 0x30, "GeneralNames SEQUENCE")
        try outer.expectEnd("after the GeneralNames SEQUENCE")
        var inNames = DERReader(der, names)
        let otherName = try inNames.read(tag: 0xA0, "otherName [0]")
        try inNames.expectEnd("after the first name (the SID extension holds one otherName)")
        var inOther = DERReader(der, otherName)
        let oid = try inOther.read(tag: 0x06, "type-id OBJECT IDENTIFIER")
        let oidText = try objectIdentifierText(Array(der[oid]), offset: oid.lowerBound)
        guard oidText == objectSIDOID else {
            throw Problem(.wrongObjectIdentifier, at: oid.lowerBound,
                          "the otherName's type-id is \(oidText), not szOID_NTDS_OBJECTSID \(objectSIDOID)")
        }
        let explicit = try inOther.read(tag: 0xA0, "value [0]")
        try inOther.expectEnd("after the otherName value")
        var inValue = DERReader(der, explicit)
        let octets = try inValue.read(tag: 0x04, "SID OCTET STRING")
        try inValue.expectEnd("after the SID OCTET STRING")
        let bytes = der[octets]
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Problem(.invalidSID, at: octets.lowerBound, "the SID octets are not printable ASCII text "
                          + "(the SID must be its S-1-… string, not the binary form)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let problem = sidSyntaxProblem(text) {
            throw Problem(.invalidSID, at: octets.lowerBound, "\"\(text)\" is not a SID: \(problem)")
        }
        return text
    }

    /// Dotted text of an OBJECT IDENTIFIER's content octets (X.690 §8.19).
    static func objectIdentifierText(_ content: [UInt8], offset: Int) throws(Problem) -> String {
        guard !content.isEmpty, content.last! & 0x80 == 0 else {
            throw Problem(.truncated, at: offset, "the OBJECT IDENTIFIER ends inside a subidentifier")
        }
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for (index, byte) in content.enumerated() {
            if value == 0 && byte == 0x80 {
                throw Problem(.badLength, at: offset + index, "a subidentifier starts with 0x80 (not minimal)")
            }
            guard value >> 57 == 0 else { throw Problem(.badLength, at: offset + index, "a subidentifier overflows") }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                arcs.append(value)
                value = 0
            }
        }
        let first = arcs[0]
        let head: [UInt64] = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }

    // MARK: - The SAN URI

    static func sanField(_ uris: [String]) -> Field {
        let prefix = sanURIPrefix.lowercased()
        var malformed: Field?
        for uri in uris {
            let lower = uri.lowercased()
            if lower.hasPrefix(prefix) {
                let sid = String(uri.dropFirst(prefix.count))
                if let problem = sidSyntaxProblem(sid) {
                    malformed = malformed ?? .malformed(Problem(.invalidSID, "SAN URI \(uri): \"\(sid)\" is not a "
                                                                + "SID: \(problem)"))
                    continue
                }
                return .present(sid)
            }
            if lower.hasPrefix("tag:microsoft.com,") {
                malformed = malformed ?? .malformed(Problem(
                    .wrongURIPrefix, "SAN URI \(uri) is not of the form \(sanURIPrefix)<SID> the KDC reads"))
            }
        }
        return malformed ?? .absent
    }

    // MARK: - SID syntax (MS-DTYP §2.4.2.1)

    /// Why `text` is not `S-1-<IdentifierAuthority>-<SubAuthority>…` (1 to 15 subauthorities, each a 32-bit
    /// decimal; the authority decimal below 2^32 or `0x` and 12 hex digits), or nil when it is one.
    public static func sidSyntaxProblem(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "S" || parts[0] == "s" else { return "it does not start with S-" }
        guard parts[1] == "1" else { return "revision \(parts[1]) (only 1 exists)" }
        let authority = parts[2]
        if authority.lowercased().hasPrefix("0x") {
            let digits = authority.dropFirst(2)
            guard digits.count == 12, digits.allSatisfy(\.isHexDigit) else {
                return "the identifier authority \(authority) is not 0x and 12 hex digits"
            }
        } else {
            guard !authority.isEmpty, authority.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt64(authority), value < 1 << 32
            else { return "the identifier authority \"\(authority)\" is not a decimal below 2^32" }
        }
        let subauthorities = parts.dropFirst(3)
        guard (1...15).contains(subauthorities.count) else {
            return "\(subauthorities.count) subauthorities (1 to 15 allowed)"
        }
        for sub in subauthorities {
            guard !sub.isEmpty, sub.allSatisfy({ $0.isASCII && $0.isNumber }), UInt32(sub) != nil else {
                return "the subauthority \"\(sub)\" is not a 32-bit decimal"
            }
        }
        return nil
    }
}

/// Reads DER elements (X.690 §8.1, §10.1) from a slice of a buffer, offsets relative to the whole buffer.
struct DERReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], _ range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The content range of the next element, which must have `tag`; `what` names it in errors.
    mutating func read(tag: UInt8, _ what: String) throws(StrongCertificateMapping.Problem) -> Range<Int> {
        let start = position
        guard position < end else {
            throw .init(.truncated, at: start, "the \(what) is missing: the value ends here")
        }
        let found = bytes[position]
        guard found == tag else {
            throw .init(.unexpectedTag, at: start, "expected the \(what) (tag 0x\([tag].hexString)), found tag "
                        + "0x\([found].hexString)")
        }
        position += 1
        guard position < end else { throw .init(.truncated, at: position, "the \(what) has no length octet") }
        let first = bytes[position]
        position += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0 else {
                throw .init(.badLength, at: position - 1, "the \(what) has an indefinite length (not DER)")
            }
            guard count <= 3, position + count <= end else {
                throw .init(.truncated, at: position - 1, "the \(what)'s length octets run past the end")
            }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[position])
                position += 1
            }
            guard length >= 0x80, length >> (8 * (count - 1)) != 0 else {
                throw .init(.badLength, at: start + 1, "the \(what)'s length \(length) is not minimally encoded")
            }
        }
        guard length <= end - position else {
            throw .init(.truncated, at: start, "the \(what) claims \(length) octets, \(end - position) remain")
        }
        let content = position..<(position + length)
        position += length
        return content
    }

    func expectEnd(_ place: String) throws(StrongCertificateMapping.Problem) {
        guard position == end else {
            throw .init(.trailingData, at: position, "\(end - position) unexpected octet(s) \(place)")
        }
    }
}
