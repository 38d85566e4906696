internal import COpenSSL
import Foundation

/// One problem a pre-flight check found in client credentials, before any packet is sent.
public struct PreflightFinding: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// A certificate we send is past its notAfter (Windows error 854 for the leaf).
        case expired
        /// A certificate we send is before its notBefore.
        case notYetValid
        /// A certificate we send expires within `CertificatePreflight.expiryWarningInterval`.
        case expiresSoon
        /// The leaf has no id-kp-clientAuth (NPS requires Client Authentication; absent EKU counts).
        case missingClientAuthEKU
        /// The private key does not belong to the certificate (only from the file-based check; loading
        /// `TLSCredentials` throws instead).
        case keyDoesNotMatchCertificate
        /// The leaf does not verify up to the given CA with the chain we send (names what is missing).
        case chainIncomplete
        /// RSA/DSA below 2048 bits, EC below 256 bits.
        case weakKey
        /// The trusted CA file could not be read, so the chain was not checked.
        case trustAnchorUnavailable
        /// A certificate we send is on its issuer's CRL (from the `crlFile` handed to the check; RFC 5280 §5.3).
        case revoked
        /// The CRL file cannot answer for the client certificate: unreadable, no CRL from its issuer, a CRL whose
        /// signature does not verify, or one past its nextUpdate (a server holding the same CRL cannot check
        /// revocation either).
        case revocationUnchecked
        /// The leaf carries neither the SID extension nor the SAN URI with the account's SID (KB5014754): a
        /// domain controller in full enforcement refuses it unless the account maps it explicitly
        /// (`altSecurityIdentities`), which the client cannot see. A warning, not an error.
        case notStronglyMapped
        /// The leaf's SID extension or SID SAN URI does not decode (the detail says what and where): a domain
        /// controller cannot map the certificate by it.
        case strongMappingMalformed
        /// A PAP or CHAP password holds characters beyond ASCII: their octets depend on the encoding, and NPS
        /// decodes them in its ANSI code page, not UTF-8 (found by the case preparation, not by the certificate
        /// checks here).
        case passwordBeyondASCII
    }

    /// Why a CRL cannot answer for the certificate (a ``Kind/revocationUnchecked`` finding).
    public enum CRLProblem: String, Sendable, Codable {
        /// The CRL file cannot be read or holds no CRL.
        case unreadable
        /// No CRL in the file comes from the certificate's issuer.
        case noCRLFromIssuer
        /// The issuer's CRL does not verify with the issuer's key.
        case signatureInvalid
        /// Every CRL from the issuer is past its nextUpdate (RFC 5280 §5.1.2.5).
        case expired
    }

    public var kind: Kind
    /// Human text naming the certificate and the numbers, e.g. "… expired 2024-01-01T00:00:00Z".
    public var detail: String
    /// Subject of the certificate concerned (nil when it concerns the files).
    public var certificate: String?
    /// For ``Kind/revocationUnchecked``: why the CRL cannot answer.
    public var crlProblem: CRLProblem?

    public init(kind: Kind, detail: String, certificate: String? = nil, crlProblem: CRLProblem? = nil) {
        self.kind = kind
        self.detail = detail
        self.certificate = certificate
        self.crlProblem = crlProblem
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// Pure checks on client credentials (policy-style: findings, not errors).
public enum CertificatePreflight {
    /// "Expires soon" means within 30 days.
    public static let expiryWarningInterval: TimeInterval = 30 * 24 * 3600
    public static let minimumRSABits = 2048
    public static let minimumECBits = 256

    /// Checks loaded credentials: validity of every certificate we send, clientAuth EKU on the leaf,
    /// key sizes, (with `trustedCAFile`) that the leaf verifies to that CA with the chain we send, (with
    /// `crlFile`, PEM or DER CRLs of the issuing CA(s)) that no certificate we send is revoked, and last that the
    /// leaf names its account's SID for strong mapping (KB5014754).
    public static func check(credentials: TLSCredentials, trustedCAFile: String?, crlFile: String? = nil,
                             now: Date = Date()) -> [PreflightFinding]
    {
        var findings: [PreflightFinding] = []
        let all = [credentials.certificate] + credentials.chain
        for (index, certificate) in all.enumerated() {
            let role = index == 0 ? "client certificate" : "chain certificate"
            findings += validityFindings(certificate, role: role, now: now)
            findings += keyFindings(certificate, role: role)
        }
        let leaf = credentials.certificate
        if !leaf.hasClientAuthEKU {
            let detail: String
            if leaf.hasExtendedKeyUsageExtension {
                detail = "client certificate \"\(leaf.subject)\" has Extended Key Usage "
                    + "[\(leaf.extendedKeyUsages.joined(separator: ", "))] without clientAuth"
            } else {
                detail = "client certificate \"\(leaf.subject)\" has no Extended Key Usage extension; NPS requires "
                    + "Client Authentication"
            }
            findings.append(PreflightFinding(kind: .missingClientAuthEKU, detail: detail, certificate: leaf.subject))
        }
        if let trustedCAFile {
            findings += chainFindings(credentials.storage, trustedCAFile: trustedCAFile)
        }
        if let crlFile {
            findings += revocationFindings(credentials.storage, crlFile: crlFile, trustedCAFile: trustedCAFile,
                                           now: now)
        }
        return findings + strongMappingFindings(leaf)
    }

    /// The same checks on PEM files, reporting a key that does not match its certificate as a finding
    /// (`keyDoesNotMatchCertificate`) instead of an error. Unreadable files and wrong passwords throw.
    public static func check(
        certificateFile: String, keyFile: String?, keyPassword: [UInt8]?, trustedCAFile: String?,
        crlFile: String? = nil, now: Date = Date()
    ) throws(TLSError) -> [PreflightFinding] {
        let loaded = try TLSCredentials.loadPEM(certificateFile: certificateFile, keyFile: keyFile,
                                                keyPassword: keyPassword)
        var findings: [PreflightFinding] = []
        if !loaded.keyMatches {
            let subject = loaded.credentials.certificate.subject
            findings.append(PreflightFinding(
                kind: .keyDoesNotMatchCertificate,
                detail: "the private key in \(keyFile ?? certificateFile) does not belong to the certificate "
                    + "\"\(subject)\" in \(certificateFile)",
                certificate: subject))
        }
        return findings + check(credentials: loaded.credentials, trustedCAFile: trustedCAFile, crlFile: crlFile,
                                now: now)
    }

    /// What the leaf carries for strong certificate mapping (KB5014754): nothing when it names a SID,
    /// `notStronglyMapped` when it names none, `strongMappingMalformed` when what it carries does not decode.
    public static func strongMappingFindings(_ leaf: CertificateInfo) -> [PreflightFinding] {
        guard let mapping = leaf.strongMapping else { return [] }
        let what = "client certificate \"\(leaf.subject)\""
        var findings: [PreflightFinding] = []
        for (field, place) in [(mapping.sidExtension, "SID extension"), (mapping.sanURI, "SID SAN URI")]
        where field.status == .malformed {
            findings.append(PreflightFinding(
                kind: .strongMappingMalformed,
                detail: "\(what) has a malformed \(place): \(field.problem.map(\.description) ?? "unreadable")",
                certificate: leaf.subject))
        }
        if mapping.status == .absent {
            findings.append(PreflightFinding(
                kind: .notStronglyMapped,
                detail: "\(what) carries neither the SID extension (\(StrongCertificateMapping.sidExtensionOID)) nor a "
                    + "SAN URI \(StrongCertificateMapping.sanURIPrefix)<SID>",
                certificate: leaf.subject))
        }
        return findings
    }

    private static func validityFindings(_ certificate: CertificateInfo, role: String, now: Date)
        -> [PreflightFinding]
    {
        let what = "\(role) \"\(certificate.subject)\""
        if certificate.notAfter < now {
            return [PreflightFinding(kind: .expired, detail: "\(what) expired \(iso8601String(certificate.notAfter))",
                                     certificate: certificate.subject)]
        }
        if certificate.notBefore > now {
            return [PreflightFinding(kind: .notYetValid,
                                     detail: "\(what) is not valid before \(iso8601String(certificate.notBefore))",
                                     certificate: certificate.subject)]
        }
        let remaining = certificate.notAfter.timeIntervalSince(now)
        if remaining < expiryWarningInterval {
            let days = Int(remaining / 86400)
            let plural = days == 1 ? "" : "s"
            return [PreflightFinding(
                kind: .expiresSoon,
                detail: "\(what) expires \(iso8601String(certificate.notAfter)) (in \(days) day\(plural))",
                certificate: certificate.subject)]
        }
        return []
    }

    private static func keyFindings(_ certificate: CertificateInfo, role: String) -> [PreflightFinding] {
        let minimum: Int
        switch certificate.keyType {
        case "RSA", "RSA-PSS", "DSA": minimum = minimumRSABits
        case "EC": minimum = minimumECBits
        default: return []
        }
        guard certificate.keyBits < minimum else { return [] }
        return [PreflightFinding(
            kind: .weakKey,
            detail: "\(role) \"\(certificate.subject)\" has a \(certificate.keyBits)-bit \(certificate.keyType) key "
                + "(minimum \(minimum))",
            certificate: certificate.subject)]
    }

    /// X509_verify_cert(leaf, untrusted: our chain, trusted: the CA file), times ignored (reported above),
    /// any certificate of the CA file accepted as the anchor (X509_V_FLAG_PARTIAL_CHAIN).
    private static func chainFindings(_ storage: CredentialStorage, trustedCAFile: String) -> [PreflightFinding] {
        guard let store = X509_STORE_new() else { return [] }
        defer { X509_STORE_free(store) }
        do {
            try addTrustedCertificates(file: trustedCAFile, to: store, what: "trusted CA file")
        } catch {
            return [PreflightFinding(kind: .trustAnchorUnavailable,
                                     detail: "\(error.reason); the chain was not checked")]
        }
        guard let untrusted = npsprobe_sk_X509_new_null(), let context = X509_STORE_CTX_new() else { return [] }
        defer {
            npsprobe_sk_X509_free(untrusted)  // the stack only; the certificates belong to `storage`
            X509_STORE_CTX_free(context)
        }
        for x509 in storage.chain { _ = npsprobe_sk_X509_push(untrusted, x509) }
        OpenSSLErrorQueue.clear()
        guard X509_STORE_CTX_init(context, store, storage.certificate, untrusted) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            return []
        }
        // Times are reported above; an intermediate given as the CA is a valid anchor here.
        X509_STORE_CTX_set_flags(context, UInt(X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN))
        let ok = X509_verify_cert(context) == 1
        _ = OpenSSLErrorQueue.drain()
        if ok { return [] }
        let error = X509_STORE_CTX_get_error(context)
        let depth = X509_STORE_CTX_get_error_depth(context)
        let current = X509_STORE_CTX_get_current_cert(context).map { CertificateInfo(x509: $0) }
        let subject = current?.subject ?? "(unknown)"
        let text = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"
        let detail: String
        switch error {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            detail = "issuer \"\(current?.issuer ?? "?")\" of \"\(subject)\" is missing: it is neither in the chain "
                + "we send nor in \(trustedCAFile)"
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            detail = "the chain we send ends at \"\(subject)\", which is not a CA in \(trustedCAFile)"
        default:
            detail = "the chain does not verify to \(trustedCAFile) at depth \(depth) (\"\(subject)\"): \(text)"
        }
        return [PreflightFinding(kind: .chainIncomplete, detail: detail, certificate: subject)]
    }
}


// MARK: - Revocation against a CRL file (RFC 5280 §5, §6.3)

extension CertificatePreflight {
    /// The CRLReason names of RFC 5280 §5.3.1.
    static func crlReasonName(_ code: Int) -> String {
        switch code {
        case 0: return "unspecified"
        case 1: return "keyCompromise"
        case 2: return "cACompromise"
        case 3: return "affiliationChanged"
        case 4: return "superseded"
        case 5: return "cessationOfOperation"
        case 6: return "certificateHold"
        case 8: return "removeFromCRL"
        case 9: return "privilegeWithdrawn"
        case 10: return "aACompromise"
        default: return "reason \(code)"
        }
    }

    /// Looks up every certificate we send in the CRLs of its issuer: `revoked` when one lists it. For the
    /// leaf, `revocationUnchecked` when the file cannot answer: no CRL from its issuer, CRLs whose signature
    /// does not verify with the issuer's key (when the chain or the trusted CA file holds that issuer), or
    /// only CRLs past their nextUpdate — what a server holding the same CRL would call "revocation offline".
    fileprivate static func revocationFindings(_ storage: CredentialStorage, crlFile: String, trustedCAFile: String?,
                                               now: Date) -> [PreflightFinding]
    {
        let crls: [OpaquePointer]
        do {
            crls = try readCRLs(file: crlFile)
        } catch {
            return [PreflightFinding(kind: .revocationUnchecked,
                                     detail: "\(error.reason); revocation was not checked", crlProblem: .unreadable)]
        }
        defer { crls.forEach { X509_CRL_free($0) } }

        // Certificates that may have signed a CRL: the chain we send and the trusted CA file (borrowed/owned).
        var owned: [OpaquePointer] = []
        if let trustedCAFile,
           let bytes = try? readFileBytes(trustedCAFile, what: "trusted CA file", code: .configuration) {
            owned = (try? readCertificates(bytes, file: trustedCAFile)) ?? []
        }
        defer { owned.forEach { X509_free($0) } }
        let candidates = storage.chain + owned

        var findings: [PreflightFinding] = []
        for (index, x509) in ([storage.certificate] + storage.chain).enumerated() {
            let info = CertificateInfo(x509: x509)
            let what = "\(index == 0 ? "client certificate" : "chain certificate") \"\(info.subject)\""
            let fromIssuer = crls.filter { X509_NAME_cmp(X509_CRL_get_issuer($0), X509_get_issuer_name(x509)) == 0 }
            guard !fromIssuer.isEmpty else {
                if index == 0 {
                    findings.append(PreflightFinding(
                        kind: .revocationUnchecked,
                        detail: "\(crlFile) holds no CRL from \"\(info.issuer)\", the issuer of the \(what); "
                            + "revocation was not checked",
                        certificate: info.subject, crlProblem: .noCRLFromIssuer))
                }
                continue
            }
            let issuer = candidates.first {
                X509_NAME_cmp(X509_get_subject_name($0), X509_get_issuer_name(x509)) == 0
                    && X509_check_issued($0, x509) == X509_V_OK
            }
            OpenSSLErrorQueue.clear()
            let verified = fromIssuer.filter { crl in
                guard let issuer, let key = X509_get0_pubkey(issuer) else { return true }  // cannot check: use it
                return X509_CRL_verify(crl, key) == 1
            }
            _ = OpenSSLErrorQueue.drain()
            if let entry = revocation(of: x509, in: verified) {
                var detail = "\(what) (serial \(info.serialNumber)) is on the CRL of \"\(info.issuer)\""
                if let date = entry.date { detail += ", revoked \(iso8601String(date))" }
                if let reason = entry.reason { detail += " (\(crlReasonName(reason)))" }
                findings.append(PreflightFinding(kind: .revoked, detail: detail, certificate: info.subject))
                continue
            }
            guard index == 0 else { continue }
            if verified.isEmpty {
                findings.append(PreflightFinding(
                    kind: .revocationUnchecked,
                    detail: "the CRL from \"\(info.issuer)\" in \(crlFile) does not verify with that CA's key; "
                        + "revocation of the \(what) was not checked",
                    certificate: info.subject, crlProblem: .signatureInvalid))
            } else if let newest = verified.compactMap({ asn1TimeDate(X509_CRL_get0_nextUpdate($0)) }).max(),
                      newest < now, verified.allSatisfy({ X509_CRL_get0_nextUpdate($0) != nil })
            {
                findings.append(PreflightFinding(
                    kind: .revocationUnchecked,
                    detail: "the CRL from \"\(info.issuer)\" in \(crlFile) expired \(iso8601String(newest)) "
                        + "(nextUpdate); a server with the same CRL cannot check the \(what)",
                    certificate: info.subject, crlProblem: .expired))
            }
        }
        return findings
    }

    /// The revocation entry for `x509` in the first CRL that lists it (removeFromCRL entries do not count).
    private static func revocation(of x509: OpaquePointer, in crls: [OpaquePointer]) -> (date: Date?, reason: Int?)? {
        for crl in crls {
            var entry: OpaquePointer?
            guard X509_CRL_get0_by_cert(crl, &entry, x509) == 1, let entry else { continue }
            let date = asn1TimeDate(X509_REVOKED_get0_revocationDate(entry))
            var reason: Int? = nil
            if let raw = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nil, nil) {
                let enumerated = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
                reason = ASN1_ENUMERATED_get(enumerated)
                ASN1_ENUMERATED_free(enumerated)
            }
            _ = OpenSSLErrorQueue.drain()
            return (date, reason)
        }
        return nil
    }

    /// Every CRL in a PEM file, or the one CRL of a DER file; owned by the caller.
    private static func readCRLs(file: String) throws(TLSError) -> [OpaquePointer] {
        let bytes = try readFileBytes(file, what: "CRL file", code: .configuration)
        OpenSSLErrorQueue.clear()
        var crls: [OpaquePointer] = []
        try withMemoryBIO(bytes) { bio throws(TLSError) in
            while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) { crls.append(crl) }
        }
        _ = OpenSSLErrorQueue.drain()  // the last PEM read ends with "no start line"
        if crls.isEmpty {
            let der: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
                var cursor = buffer.baseAddress
                return d2i_X509_CRL(nil, &cursor, buffer.count)
            }
            _ = OpenSSLErrorQueue.drain()
            if let der { crls.append(der) }
        }
        guard !crls.isEmpty else { throw TLSError(.configuration, "CRL file \(file) holds no CRL") }
        return crls
    }
}
