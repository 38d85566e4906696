internal import COpenSSL

/// A TLS protocol version. NPS does EAP over TLS 1.0–1.2; RFC 9190 defines EAP-TLS 1.3.
public enum TLSVersion: String, Sendable, Codable, Comparable, CaseIterable {
    case tls1_0 = "1.0"
    case tls1_1 = "1.1"
    case tls1_2 = "1.2"
    case tls1_3 = "1.3"

    /// The wire value (RFC 8446 §4.1.2 `legacy_version` / `supported_versions`), e.g. 0x0303 for 1.2.
    public var wireValue: UInt16 {
        switch self {
        case .tls1_0: return 0x0301
        case .tls1_1: return 0x0302
        case .tls1_2: return 0x0303
        case .tls1_3: return 0x0304
        }
    }

    public init?(wireValue: UInt16) {
        guard let version = Self.allCases.first(where: { $0.wireValue == wireValue }) else { return nil }
        self = version
    }

    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.wireValue < rhs.wireValue }

    var openSSLValue: Int32 { Int32(wireValue) }
}

extension TLSVersion: CustomStringConvertible {
    public var description: String { "TLS \(rawValue)" }
}
