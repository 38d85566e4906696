import Foundation

/// The `--json` encoding every command shares: snake_case keys, sorted, pretty-printed.
public enum JSONOutput {
    /// One JSON object holding the keys of `base` and of `extra` (both encode as keyed containers): an object
    /// of a library target plus what the CLI adds, without restating the object's fields. JSONEncoder hands
    /// the same object to every keyed container asked of one encoder.
    public struct Merged<Base: Encodable, Extra: Encodable>: Encodable {
        let base: Base
        let extra: Extra

        public init(_ base: Base, _ extra: Extra) {
            self.base = base
            self.extra = extra
        }

        public func encode(to encoder: any Encoder) throws {
            try base.encode(to: encoder)
            try extra.encode(to: encoder)
        }
    }

    public static func render(_ value: some Encodable) throws(ReportError) -> String {
        do {
            return String(decoding: try JSONStyle.encoder().encode(value), as: UTF8.self)
        } catch {
            throw ReportError("JSON encoding failed: \(error)")
        }
    }
}

/// A report that could not be produced (an encoding failure): a local error, exit status 3.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Durations for people: two decimals under 10 ms, whole milliseconds above.
public enum ReportFormat {
    public static func milliseconds(_ milliseconds: Double) -> String {
        milliseconds < 10 ? String(format: "%.2f ms", milliseconds) : String(format: "%.0f ms", milliseconds)
    }
}
