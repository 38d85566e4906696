import COpenSSL
import Foundation
import TLS
import Foundation

/// A throwaway certificate authority made in memory — TESTS AND LOOPBACK ONLY.
///
/// Lets EAP and Probe tests run real TLS conversations (with `TLSServerContext`) without files, the
/// `openssl` CLI, or OpenSSL imports: EC P-256 keys, SHA-256 signatures, X.509 v3 extensions.
///
///     let ca = try TLSTestCertificateAuthority()
///     let server = try ca.issue(commonName: "radius.lab.example", dnsNames: ["radius.lab.example"],
///                               extendedKeyUsages: ["serverAuth"])
///     let client = try ca.issue(commonName: "alice", extendedKeyUsages: ["clientAuth"])
///     // trust: TLSServerValidation(trustedCAPEM: ca.certificatePEM, …)
public final class TLSTestCertificateAuthority: Sendable {
    private let storage: CredentialStorage
    /// The self-signed root.
    public let certificate: CertificateInfo
    /// The root in PEM, for `TLSServerValidation.trustedCAPEM` / `TLSServerConfiguration.clientCAPEM`.
    public let certificatePEM: [UInt8]

    public init(commonName: String = "npsprobe Test Root", organization: String = "Lab") throws(TLSError) {
        let key = try generateP256Key()
        let name = try distinguishedName(commonName: commonName, organization: organization)
        defer { X509_NAME_free(name) }
        let now = Date()
        let x509: OpaquePointer
        do {
            x509 = try buildCertificate(
                subject: name, issuer: name, publicKey: key, signingKey: key, issuerCertificate: nil,
                notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(10 * 365 * 86400),
                extensions: [
                    (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
                    (NID_subject_key_identifier, "hash"),
                ])
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        storage = CredentialStorage(certificate: x509, key: key, chain: [])
        certificate = CertificateInfo(x509: x509)
        certificatePEM = memoryBIOBytes { _ = PEM_write_bio_X509($0, x509) }
    }

    /// Issues an end-entity certificate signed by this CA; its chain is empty (the root is the issuer).
    /// `extendedKeyUsages` are OpenSSL names ("serverAuth", "clientAuth", …); empty = no EKU extension.
    public func issue(
        commonName: String, organization: String? = "Lab", dnsNames: [String] = [], extendedKeyUsages: [String] = [],
        notBefore: Date = Date().addingTimeInterval(-3600), notAfter: Date = Date().addingTimeInterval(365 * 86400)
    ) throws(TLSError) -> TLSCredentials {
        let key = try generateP256Key()
        let subject: OpaquePointer
        do {
            subject = try distinguishedName(commonName: commonName, organization: organization)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        defer { X509_NAME_free(subject) }
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "CA:FALSE"), (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
            (NID_authority_key_identifier, "keyid"),
        ]
        if !extendedKeyUsages.isEmpty {
            extensions.append((NID_ext_key_usage, extendedKeyUsages.joined(separator: ",")))
        }
        if !dnsNames.isEmpty {
            extensions.append((NID_subject_alt_name, dnsNames.map { "DNS:" + $0 }.joined(separator: ",")))
        }
        let x509: OpaquePointer
        do {
            x509 = try buildCertificate(
                subject: subject, issuer: X509_get_subject_name(storage.certificate), publicKey: key,
                signingKey: storage.key, issuerCertificate: storage.certificate, notBefore: notBefore,
                notAfter: notAfter, extensions: extensions)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        return TLSCredentials(storage: CredentialStorage(certificate: x509, key: key, chain: []),
                              source: "test CA \"\(commonName)\"")
    }
}

private func generateP256Key() throws(TLSError) -> OpaquePointer {
    OpenSSLErrorQueue.clear()
    guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
        throw TLSError(.internal, "EVP_PKEY_CTX_new_from_name(EC) failed", openSSLErrors: OpenSSLErrorQueue.drain())
    }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
          EVP_PKEY_generate(context, &key) == 1, let key
    else {
        throw TLSError(.internal, "P-256 key generation failed", openSSLErrors: OpenSSLErrorQueue.drain())
    }
    return key
}

private func distinguishedName(commonName: String, organization: String?) throws(TLSError) -> OpaquePointer {
    guard let name = X509_NAME_new() else { throw TLSError(.internal, "X509_NAME_new failed") }
    var ok = true
    if let organization {
        ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, organization, -1, -1, 0) == 1
    }
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1
    guard ok else {
        X509_NAME_free(name)
        throw TLSError(.internal, "cannot build the name CN=\(commonName)", openSSLErrors: OpenSSLErrorQueue.drain())
    }
    return name
}

/// Builds and signs one certificate; returns an owned X509.
private func buildCertificate(
    subject: OpaquePointer, issuer: OpaquePointer?, publicKey: OpaquePointer, signingKey: OpaquePointer,
    issuerCertificate: OpaquePointer?, notBefore: Date, notAfter: Date, extensions: [(Int32, String)]
) throws(TLSError) -> OpaquePointer {
    OpenSSLErrorQueue.clear()
    guard let x509 = X509_new() else { throw TLSError(.internal, "X509_new failed") }
    var serialBytes = SystemRandom().bytes(8)
    serialBytes[0] &= 0x7f
    let serial = serialBytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    var ok = X509_set_version(x509, 2) == 1
    ok = ok && ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), max(serial, 1)) == 1
    ok = ok && ASN1_TIME_set(X509_getm_notBefore(x509), time_t(notBefore.timeIntervalSince1970)) != nil
    ok = ok && ASN1_TIME_set(X509_getm_notAfter(x509), time_t(notAfter.timeIntervalSince1970)) != nil
    ok = ok && X509_set_subject_name(x509, subject) == 1
    ok = ok && X509_set_issuer_name(x509, issuer) == 1
    ok = ok && X509_set_pubkey(x509, publicKey) == 1
    if ok {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuerCertificate ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else { ok = false; break }
            ok = X509_add_ext(x509, ext, -1) == 1
            X509_EXTENSION_free(ext)
            if !ok { break }
        }
    }
    ok = ok && X509_sign(x509, signingKey, EVP_sha256()) > 0
    guard ok else {
        X509_free(x509)
        throw TLSError(.internal, "cannot build a test certificate", openSSLErrors: OpenSSLErrorQueue.drain())
    }
    return x509
}

private func memoryBIOBytes(_ body: (OpaquePointer) -> Void) -> [UInt8] {
    guard let bio = BIO_new(BIO_s_mem()) else { return [] }
    defer { BIO_free(bio) }
    body(bio)
    return drainMemoryBIO(bio)
}
