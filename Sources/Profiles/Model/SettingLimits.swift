import Foundation

/// The allowed range of one numeric setting, whoever wrote it: a profile key (`fragment_size: 9000`) and its
/// command-line option (`--fragment-size 9000`) are checked against the same range and get the same answer.
public struct SettingLimit<Value: Comparable & Sendable>: Sendable {
    /// The profile key (`fragment_size`); the option is the same words with hyphens (`--fragment-size`).
    public let key: String
    public let range: ClosedRange<Value>
    /// What the number counts, for messages ("TLS octets per EAP packet").
    public let unit: String

    public init(key: String, range: ClosedRange<Value>, unit: String) {
        self.key = key
        self.range = range
        self.unit = unit
    }

    /// `--fragment-size`.
    public var option: String { "--" + key.replacingOccurrences(of: "_", with: "-") }

    /// `64…3000`.
    public var rangeText: String { "\(Self.text(range.lowerBound))…\(Self.text(range.upperBound))" }

    /// nil when `value` is allowed, else why not, starting with the option: `--fragment-size 9000 is out of
    /// range 64…3000 (TLS octets per EAP packet)`.
    public func optionProblem(_ value: Value) -> String? {
        if let number = value as? Double, !number.isFinite {
            return "\(option) \(Self.text(value)) is not a finite number of \(unit)"
        }
        guard !range.contains(value) else { return nil }
        return "\(option) \(Self.text(value)) is out of range \(rangeText) (\(unit))"
    }

    /// Integers as written, fractions without trailing zeros (`0.001`, `300`).
    public static func text(_ value: Value) -> String {
        guard let number = value as? Double else { return "\(value)" }
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}

/// The numeric settings' ranges, stored once: `FragmentParser` checks profile keys against them, the CLI's
/// options check their values against them.
public enum SettingLimits {
    /// Seconds before the first retransmission (RFC 5080 §2.2.1 doubles it each time).
    public static let timeout = SettingLimit(key: "timeout", range: 0.001...300.0, unit: "seconds")
    /// Retransmissions to each server before failing over.
    public static let retries = SettingLimit(key: "retries", range: 0...20, unit: "retransmissions")
    /// TLS octets per EAP-TLS/PEAP fragment. A RADIUS packet holds at most 4096 octets (RFC 2865 §3): with
    /// 3000 TLS octets the EAP packet (3010 octets in 12 EAP-Message attributes) leaves room for User-Name,
    /// State, the NAS attributes and Message-Authenticator; more would not fit in one Access-Request.
    public static let fragmentSize = SettingLimit(key: "fragment_size", range: 64...3000,
                                                  unit: "TLS octets per EAP packet")
    /// Framed-MTU (RFC 2865 §5.12: 64–65535).
    public static let framedMTU = SettingLimit(key: "framed_mtu", range: 64...65535, unit: "octets, RFC 2865 §5.12")
}

/// A setting that is given but cannot be used as it is, named both ways: the profile key and the option.
public struct SettingProblem: Sendable, Equatable {
    /// `identity`, `tls.server_names[1]`.
    public var key: String
    /// `--identity`, `--server-name`.
    public var option: String
    /// What is wrong, without the name: "is empty".
    public var problem: String
    public var hint: String?

    public init(key: String, option: String, problem: String, hint: String? = nil) {
        self.key = key
        self.option = option
        self.problem = problem
        self.hint = hint
    }

    /// The message, naming the option when the setting came from the command line.
    public func message(commandLine: Bool) -> String { "\(commandLine ? option : key) \(problem)" }
}

extension AuthSettings {
    /// Identities and names that are given but empty: sending them would only earn a refusal that names
    /// something else (an empty User-Name, a server name nothing matches). Profiles and the command line
    /// are checked with this one list.
    public var emptyValues: [SettingProblem] {
        var problems: [SettingProblem] = []
        for (key, option, value) in [("identity", "--identity", identity),
                                     ("outer_identity", "--outer-identity", outerIdentity),
                                     ("inner_identity", "--inner-identity", innerIdentity)]
            where value?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            problems.append(SettingProblem(key: key, option: option, problem: "is empty",
                                           hint: "give the name to send, e.g. alice@corp.example"))
        }
        for (index, name) in (tls?.serverNames ?? []).enumerated()
            where name.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(SettingProblem(key: "tls.server_names[\(index)]", option: "--server-name",
                                           problem: "is empty",
                                           hint: "name the NPS server as its certificate does, e.g. nps.corp.example"))
        }
        return problems
    }
}
