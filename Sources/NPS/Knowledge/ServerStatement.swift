/// What a server's own words say: a Reply-Message (RFC 2865 §5.18), an EAP Notification (RFC 3748 §5.2) or the
/// `M=` text of an MS-CHAP failure (RFC 2759 §6), read once into a meaning the diagnosis rules ask about.
///
/// NPS sends no reason text, but FreeRADIUS, RADIUS proxies and NPS extensions often do, and what the server says
/// outranks what the rest of the evidence suggests ("use what the server said when it said something"). This is
/// the one place where words are read: `ServerStatement.table` pairs each meaning with the phrases that state it
/// (matched without case) and the NPS reason codes the statement names.
public enum ServerStatement: String, Sendable, Hashable, CaseIterable, Codable {
    case accountLockedOut
    case accountDisabled
    case accountExpired
    case passwordExpired
    case logonHours
    case noDialinPermission
    case policyRefusal
    case revocationUnavailable
    case certificateRevoked
    case certificateExpired
    case certificateNotYetValid
    case clientAuthenticationMissing
    case issuerUntrusted

    /// One row: a meaning, the phrases that state it, the NPS reason codes it names (empty when the words fit
    /// several codes, as "policy" does).
    public struct Row: Sendable {
        public let statement: ServerStatement
        public let phrases: [String]
        public let reasons: [Int]
    }

    /// The table, in the order statements are reported. Phrases are lower case.
    public static let table: [Row] = [
        Row(statement: .accountLockedOut, phrases: ["locked out", "account locked", "account is locked", "lockout"],
            reasons: [36]),
        Row(statement: .accountDisabled, phrases: ["account disabled", "account is disabled", "disabled account"],
            reasons: [34]),
        Row(statement: .accountExpired, phrases: ["account expired", "account has expired"], reasons: [35]),
        Row(statement: .passwordExpired,
            phrases: ["password expired", "password has expired", "must change password", "password must change"],
            reasons: [33]),
        Row(statement: .logonHours, phrases: ["logon hours", "restricted logon"], reasons: [37]),
        Row(statement: .noDialinPermission, phrases: ["dial-in permission", "dialin permission", "no dial-in"],
            reasons: [65]),
        Row(statement: .policyRefusal,
            phrases: ["policy", "permission", "not permitted", "not allowed", "denied by"], reasons: []),
        Row(statement: .revocationUnavailable,
            phrases: ["unable to get certificate crl", "crl has expired", "revocation offline",
                      "revocation server was offline", "revocation function was unable", "unable to check revocation"],
            reasons: [258]),
        Row(statement: .certificateRevoked, phrases: ["certificate revoked", "certificate has been revoked",
                                                     "certificate is revoked"], reasons: [256]),
        Row(statement: .certificateExpired, phrases: ["certificate has expired", "certificate expired"],
            reasons: [268]),
        Row(statement: .certificateNotYetValid, phrases: ["not yet valid"], reasons: [279]),
        Row(statement: .clientAuthenticationMissing,
            phrases: ["unsupported certificate purpose", "client authentication", "extended key usage"],
            reasons: [296]),
        Row(statement: .issuerUntrusted,
            phrases: ["unable to get local issuer", "unknown ca", "self signed", "self-signed"], reasons: [295]),
    ]

    /// The statements one text makes, in table order.
    public static func read(_ text: String) -> [ServerStatement] {
        let lower = text.lowercased()
        return table.filter { row in row.phrases.contains { lower.contains($0) } }.map(\.statement)
    }

    /// The NPS reason codes this statement names.
    public var reasons: [Int] { Self.table.first { $0.statement == self }?.reasons ?? [] }

    /// The statements about the account itself (not the credentials or the certificate).
    public var concernsTheAccount: Bool {
        switch self {
        case .accountLockedOut, .accountDisabled, .accountExpired: return true
        case .passwordExpired, .logonHours, .noDialinPermission, .policyRefusal, .revocationUnavailable,
             .certificateRevoked, .certificateExpired, .certificateNotYetValid, .clientAuthenticationMissing,
             .issuerUntrusted:
            return false
        }
    }
}
