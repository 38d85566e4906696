import TLS

/// What each pre-flight finding would mean for a Windows client against NPS: the Windows error it would most
/// likely cause, the NPS reason codes NPS would log, and a sentence for the CLI's pre-flight warnings.
public enum PreflightAdvice {
    /// The Windows error a client would most likely show because of this finding; nil when it causes none by
    /// itself (a warning) or a Windows client could not get there.
    public static func windowsError(for kind: PreflightFinding.Kind) -> Int? {
        switch kind {
        // Windows checks the validity period as a whole (CERT_E_EXPIRED covers "not yet valid" too).
        case .expired, .notYetValid: return 854
        case .revoked: return 855
        case .missingClientAuthEKU, .chainIncomplete: return 853
        case .expiresSoon, .keyDoesNotMatchCertificate, .weakKey, .trustAnchorUnavailable, .revocationUnchecked:
            return nil
        // A warning: the account may still map it explicitly (altSecurityIdentities), which we cannot see.
        case .notStronglyMapped, .strongMappingMalformed: return nil
        case .passwordBeyondASCII: return nil
        }
    }

    /// The NPS reason codes NPS would log for a certificate with this finding (event 6273).
    public static func npsReasons(for kind: PreflightFinding.Kind) -> [Int] {
        switch kind {
        case .expired, .notYetValid: return [268, 278]
        case .revoked: return [256, 289]
        case .missingClientAuthEKU: return [296, 267, 283, 293, 73]
        case .chainIncomplete: return [295, 286, 287]
        case .revocationUnchecked: return [258, 259, 291]
        case .notStronglyMapped, .strongMappingMalformed: return [16]
        case .passwordBeyondASCII: return [16]
        case .expiresSoon, .keyDoesNotMatchCertificate, .weakKey, .trustAnchorUnavailable: return []
        }
    }

    /// What the finding would do, e.g. "would cause Windows error 854 (user certificate expired)".
    public static func consequence(for kind: PreflightFinding.Kind) -> String {
        switch kind {
        case .expired:
            return "would cause Windows error 854 (the user certificate has expired; NPS reason 268)"
        case .notYetValid:
            return "would cause Windows error 854 (Windows treats a certificate not yet valid as outside its "
                + "validity period; check the clocks)"
        case .expiresSoon:
            return "will cause Windows error 854 once it expires: renew it now"
        case .missingClientAuthEKU:
            return "would cause Windows error 853 (NPS requires Client Authentication; reason 296)"
        case .keyDoesNotMatchCertificate:
            return "the TLS handshake cannot succeed (a Windows client would not even offer this certificate)"
        case .chainIncomplete:
            return "would likely cause Windows error 853 (the server cannot build the chain; NPS reason 295)"
        case .weakKey:
            return "servers may refuse it (no specific Windows error)"
        case .trustAnchorUnavailable:
            return "the chain was not checked"
        case .revoked:
            return "would cause Windows error 855 (the user certificate is revoked; NPS reason 256)"
        case .revocationUnchecked:
            return "no Windows error by itself; a server that can only get an expired CRL refuses with NPS reason "
                + "258 (Windows error 812)"
        case .notStronglyMapped, .strongMappingMalformed:
            return "not strongly mapped (KB5014754): unless the account maps it explicitly (altSecurityIdentities, "
                + "which npsprobe cannot see), domain controllers in full enforcement refuse it — Windows error 853, "
                + "NPS reason 16, KDC event 39; reissue it from a template that adds the SID, put the SID in a SAN "
                + "URI (SCEP/Intune; Windows Server 2019+ KDCs), or map it strongly (npsprobe explain strong-mapping)"
        case .passwordBeyondASCII:
            return "NPS decodes PAP/CHAP passwords in its ANSI code page (windows-1252 on Western servers), not UTF-8, "
                + "and documents no support beyond ASCII: the right password can be refused as Windows error 691 "
                + "(NPS reason 16); compare --password-encoding utf-8 with windows-1252, or use MS-CHAPv2/PEAP, whose "
                + "NT hash is Unicode"
        }
    }

    /// The pre-flight note for a client certificate that names its account's SID (nil when it names none):
    /// "client certificate "CN=alice" is strongly mappable: SID S-1-5-21-…-1104 in the SID extension (KB5014754)".
    public static func strongMappingNote(for certificate: CertificateInfo) -> String? {
        guard let mapping = certificate.strongMapping, let sid = mapping.sid else { return nil }
        let place = mapping.sidExtension.sid != nil ? "the SID extension" : "the SAN URI"
        return "client certificate \"\(certificate.subject)\" is strongly mappable: SID \(sid) in \(place) "
            + "(KB5014754; the domain controller refuses it if that is not the account's SID: KDC event 41)"
    }

    /// The finding with its consequence: "client certificate "CN=carol" expired 2021-01-01T00:00:00Z: would
    /// cause Windows error 854 (…)".
    public static func warning(for finding: PreflightFinding) -> String {
        "\(finding.detail): \(consequence(for: finding.kind))"
    }
}
