import Foundation
import Profiles

/// The `--json` encoding every command shares: snake_case keys, sorted, pretty-printed.
enum JSONOutput {
    /// One JSON object holding the keys of `base` and of `extra` (both encode as keyed containers): an object
    /// of a library target plus what the CLI adds, without restating the object's fields. JSONEncoder hands
    /// the same object to every keyed container asked of one encoder.
    struct Merged<Base: Encodable, Extra: Encodable>: Encodable {
        let base: Base
        let extra: Extra

        init(_ base: Base, _ extra: Extra) {
            self.base = base
            self.extra = extra
        }

        func encode(to encoder: any Encoder) throws {
            try base.encode(to: encoder)
            try extra.encode(to: encoder)
        }
    }

    static func render(_ value: some Encodable) throws(LocalError) -> String {
        do {
            return String(decoding: try JSONStyle.encoder().encode(value), as: UTF8.self)
        } catch {
            throw LocalError("JSON encoding failed: \(error)")
        }
    }
}
