internal import COpenSSL
import Foundation

/// What we know about a certificate, for evidence and pre-flight checks (pure data).
public struct CertificateInfo: Sendable, Codable, Equatable {
    /// RFC 2253 one-line form, most specific RDN first, e.g. "CN=alice,O=Lab".
    public var subject: String
    public var issuer: String
    /// The last (most specific) commonName in the subject, if any.
    public var commonName: String?
    /// Lowercase hex of the serial number's magnitude ("-" prefix if negative).
    public var serialNumber: String
    public var notBefore: Date
    public var notAfter: Date
    /// "DNS:x", "email:x", "UPN:x", "URI:x", "IP:x", "DirName:x", "RID:x", "othername:<oid>".
    public var subjectAlternativeNames: [String]
    /// "serverAuth", "clientAuth", … (OpenSSL short names) or dotted OIDs; empty = no EKU extension.
    public var extendedKeyUsages: [String]
    public var hasExtendedKeyUsageExtension: Bool
    /// basicConstraints cA = TRUE.
    public var isCA: Bool
    /// "RSA", "RSA-PSS", "EC", "Ed25519", "Ed448", "DSA", or OpenSSL's key type name.
    public var keyType: String
    public var keyBits: Int
    /// e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256".
    public var signatureAlgorithm: String
    /// Lowercase hex without separators, over the DER encoding.
    public var sha1Fingerprint: String
    public var sha256Fingerprint: String
    /// URIs (and other full names) of the CRL distribution points.
    public var crlDistributionPoints: [String]
    /// The account SID the certificate carries for strong mapping (KB5014754); nil in records written before
    /// npsprobe read it.
    public var strongMapping: StrongCertificateMapping?

    public init(
        subject: String, issuer: String, commonName: String?, serialNumber: String, notBefore: Date,
        notAfter: Date, subjectAlternativeNames: [String], extendedKeyUsages: [String],
        hasExtendedKeyUsageExtension: Bool, isCA: Bool, keyType: String, keyBits: Int, signatureAlgorithm: String,
        sha1Fingerprint: String, sha256Fingerprint: String, crlDistributionPoints: [String],
        strongMapping: StrongCertificateMapping? = nil
    ) {
        self.subject = subject
        self.issuer = issuer
        self.commonName = commonName
        self.serialNumber = serialNumber
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectAlternativeNames = subjectAlternativeNames
        self.extendedKeyUsages = extendedKeyUsages
        self.hasExtendedKeyUsageExtension = hasExtendedKeyUsageExtension
        self.isCA = isCA
        self.keyType = keyType
        self.keyBits = keyBits
        self.signatureAlgorithm = signatureAlgorithm
        self.sha1Fingerprint = sha1Fingerprint
        self.sha256Fingerprint = sha256Fingerprint
        self.crlDistributionPoints = crlDistributionPoints
        self.strongMapping = strongMapping
    }

    /// The DNS names a name check looks at: DNS SANs, or the CN when there is no DNS SAN (RFC 6125 §6.4.4).
    public var serverIdentities: [String] {
        let dns = subjectAlternativeNames.compactMap { $0.hasPrefix("DNS:") ? String($0.dropFirst(4)) : nil }
        if !dns.isEmpty { return dns }
        return commonName.map { [$0] } ?? []
    }

    /// Carries id-kp-serverAuth (RFC 5280 §4.2.1.12) — an absent EKU extension does not count (Windows).
    public var hasServerAuthEKU: Bool { extendedKeyUsages.contains("serverAuth") }
    /// Carries id-kp-clientAuth.
    public var hasClientAuthEKU: Bool { extendedKeyUsages.contains("clientAuth") }
}

// MARK: - Reading an X509

extension CertificateInfo {
    /// Reads everything from an `X509 *` (borrowed, not freed).
    package init(x509: OpaquePointer) {
        let der = x509DER(x509)
        subject = x509NameString(X509_get_subject_name(x509))
        issuer = x509NameString(X509_get_issuer_name(x509))
        commonName = x509CommonName(X509_get_subject_name(x509))
        serialNumber = x509Serial(x509)
        notBefore = asn1TimeDate(X509_get0_notBefore(x509)) ?? Date(timeIntervalSince1970: 0)
        notAfter = asn1TimeDate(X509_get0_notAfter(x509)) ?? Date(timeIntervalSince1970: 0)
        subjectAlternativeNames = x509SubjectAlternativeNames(x509)
        hasExtendedKeyUsageExtension = X509_get_ext_by_NID(x509, NID_ext_key_usage, -1) >= 0
        extendedKeyUsages = x509ExtendedKeyUsages(x509)
        isCA = X509_get_extension_flags(x509) & UInt32(EXFLAG_CA) != 0
        (keyType, keyBits) = publicKeyDescription(X509_get0_pubkey(x509))
        let signatureNID = X509_get_signature_nid(x509)
        signatureAlgorithm = signatureNID == NID_undef ? "unknown" : String(cString: OBJ_nid2ln(signatureNID))
        sha1Fingerprint = Digest.sha1(der).hexString
        sha256Fingerprint = Digest.sha256(der).hexString
        crlDistributionPoints = x509CRLDistributionPoints(x509)
        strongMapping = StrongCertificateMapping(
            extensionValues: x509ExtensionValues(x509, oid: StrongCertificateMapping.sidExtensionOID),
            uris: subjectAlternativeNames.compactMap { $0.hasPrefix("URI:") ? String($0.dropFirst(4)) : nil })
    }

    /// Parses one DER certificate (used for the Certificate messages seen on the wire).
    init?(der: [UInt8]) {
        let x509: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let x509 else { return nil }
        defer { X509_free(x509) }
        self.init(x509: x509)
    }
}

func x509DER(_ x509: OpaquePointer) -> [UInt8] {
    let length = i2d_X509(x509, nil)
    guard length > 0 else { return [] }
    var out = [UInt8](repeating: 0, count: Int(length))
    out.withUnsafeMutableBufferPointer { buffer in
        var cursor = buffer.baseAddress
        _ = i2d_X509(x509, &cursor)
    }
    return out
}

/// RFC 2253 with UTF-8 left readable.
func x509NameString(_ name: OpaquePointer?) -> String {
    guard let name else { return "" }
    return memoryBIOString { bio in _ = X509_NAME_print_ex(bio, name, 0, npsprobe_XN_FLAG_RFC2253_UTF8()) }
}

func asn1StringUTF8(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
    guard let string else { return nil }
    var out: UnsafeMutablePointer<UInt8>?
    let length = ASN1_STRING_to_UTF8(&out, string)
    guard length >= 0, let out else { return nil }
    defer { npsprobe_OPENSSL_free(out) }
    return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
}

func asn1StringBytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
    guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
}

func x509CommonName(_ name: OpaquePointer?) -> String? {
    guard let name else { return nil }
    var index: Int32 = -1
    var last: Int32 = -1
    while true {
        index = X509_NAME_get_index_by_NID(name, NID_commonName, index)
        if index < 0 { break }
        last = index
    }
    guard last >= 0, let entry = X509_NAME_get_entry(name, last) else { return nil }
    return asn1StringUTF8(X509_NAME_ENTRY_get_data(entry))
}

private func x509Serial(_ x509: OpaquePointer) -> String {
    guard let serial = X509_get0_serialNumber(x509) else { return "" }
    let hex = asn1StringBytes(serial).hexString
    return ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" + hex : hex
}

func asn1TimeDate(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
    guard let time else { return nil }
    var parts = tm()
    guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
    return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
}

func objectName(_ object: OpaquePointer?) -> String {
    guard let object else { return "" }
    let nid = OBJ_obj2nid(object)
    if nid != NID_undef, let short = OBJ_nid2sn(nid) { return String(cString: short) }
    return objectDottedText(object)
}

func objectDottedText(_ object: OpaquePointer?) -> String {
    guard let object else { return "" }
    var buffer = [CChar](repeating: 0, count: 128)
    let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
    guard length > 0 else { return "" }
    return String(decoding: buffer.prefix(min(Int(length), buffer.count - 1)).map { UInt8(bitPattern: $0) },
                  as: UTF8.self)
}

/// One GENERAL_NAME as "DNS:x", "UPN:x", … (RFC 5280 §4.2.1.6).
func generalNameString(_ name: UnsafePointer<GENERAL_NAME>) -> String? {
    switch npsprobe_GENERAL_NAME_type(name) {
    case GEN_DNS: return asn1StringUTF8(npsprobe_GENERAL_NAME_string(name)).map { "DNS:" + $0 }
    case GEN_EMAIL: return asn1StringUTF8(npsprobe_GENERAL_NAME_string(name)).map { "email:" + $0 }
    case GEN_URI: return asn1StringUTF8(npsprobe_GENERAL_NAME_string(name)).map { "URI:" + $0 }
    case GEN_IPADD: return "IP:" + ipAddressString(asn1StringBytes(npsprobe_GENERAL_NAME_string(name)))
    case GEN_DIRNAME:
        return "DirName:" + x509NameString(npsprobe_GENERAL_NAME_dirname(name))
    case GEN_RID:
        return "RID:" + objectDottedText(npsprobe_GENERAL_NAME_rid(name))
    case GEN_OTHERNAME:
        let type = npsprobe_GENERAL_NAME_othername_type(name)
        if OBJ_obj2nid(type) == NID_ms_upn, let upn = asn1StringUTF8(npsprobe_GENERAL_NAME_othername_utf8(name)) {
            return "UPN:" + upn
        }
        return "othername:" + objectDottedText(type)
    default:
        return nil
    }
}

private func ipAddressString(_ bytes: [UInt8]) -> String {
    if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
    if bytes.count == 16 {
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }
    return bytes.hexString
}

func generalNamesStrings(_ names: OpaquePointer?) -> [String] {
    guard let names else { return [] }
    var out: [String] = []
    for i in 0..<npsprobe_sk_GENERAL_NAME_num(names) {
        if let name = npsprobe_sk_GENERAL_NAME_value(names, i), let text = generalNameString(name) {
            out.append(text)
        }
    }
    return out
}

private func x509SubjectAlternativeNames(_ x509: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(x509, NID_subject_alt_name, nil, nil) else { return [] }
    let names = OpaquePointer(raw)
    defer { npsprobe_GENERAL_NAMES_free(names) }
    return generalNamesStrings(names)
}

private func x509ExtendedKeyUsages(_ x509: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(x509, NID_ext_key_usage, nil, nil) else { return [] }
    let usages = OpaquePointer(raw)
    defer { npsprobe_EXTENDED_KEY_USAGE_free(usages) }
    var out: [String] = []
    for i in 0..<npsprobe_sk_ASN1_OBJECT_num(usages) {
        out.append(objectName(npsprobe_sk_ASN1_OBJECT_value(usages, i)))
    }
    return out
}

private func x509CRLDistributionPoints(_ x509: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(x509, NID_crl_distribution_points, nil, nil) else { return [] }
    let points = OpaquePointer(raw)
    defer { npsprobe_CRL_DIST_POINTS_free(points) }
    var out: [String] = []
    for i in 0..<npsprobe_sk_DIST_POINT_num(points) {
        for name in generalNamesStrings(npsprobe_DIST_POINT_fullname(points, i)) {
            out.append(name.hasPrefix("URI:") ? String(name.dropFirst(4)) : name)
        }
    }
    return out
}

/// The DER values of every extension `oid` (dotted) of the certificate, in order.
func x509ExtensionValues(_ x509: OpaquePointer, oid: String) -> [[UInt8]] {
    guard let object = OBJ_txt2obj(oid, 1) else { return [] }
    defer { ASN1_OBJECT_free(object) }
    var values: [[UInt8]] = []
    var index: Int32 = -1
    while true {
        index = X509_get_ext_by_OBJ(x509, object, index)
        guard index >= 0, let extensionPointer = X509_get_ext(x509, index) else { break }
        values.append(asn1StringBytes(X509_EXTENSION_get_data(extensionPointer)))
    }
    return values
}

/// ("RSA", 2048), ("EC", 256), ("Ed25519", 253), …
func publicKeyDescription(_ key: OpaquePointer?) -> (String, Int) {
    guard let key else { return ("none", 0) }
    let bits = Int(EVP_PKEY_get_bits(key))
    switch EVP_PKEY_get_base_id(key) {
    case EVP_PKEY_RSA: return ("RSA", bits)
    case EVP_PKEY_RSA_PSS: return ("RSA-PSS", bits)
    case EVP_PKEY_EC: return ("EC", bits)
    case EVP_PKEY_ED25519: return ("Ed25519", bits)
    case EVP_PKEY_ED448: return ("Ed448", bits)
    case EVP_PKEY_DSA: return ("DSA", bits)
    default:
        if let name = EVP_PKEY_get0_type_name(key) { return (String(cString: name), bits) }
        return ("unknown", bits)
    }
}
