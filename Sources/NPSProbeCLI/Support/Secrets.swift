import Foundation

/// Reads secrets (shared secret, passwords, key passwords) from a file or an environment variable.
/// A value given on the command line is accepted with a warning: `ps` shows it to every local user.
enum SecretSource {
    /// The first source given wins: file, then environment variable, then literal, then `fallbackEnv`.
    static func read(
        what: String, file: String?, env: String?, literal: String?, literalFlag: String, fallbackEnv: String? = nil
    ) throws(LocalError) -> String? {
        if let file {
            return try readFile(file, what: what)
        }
        if let env {
            guard let value = ProcessInfo.processInfo.environment[env] else {
                throw LocalError("\(what): environment variable \(env) is not set")
            }
            return value
        }
        if let literal {
            Console.warn("\(what) given with \(literalFlag) is visible to other users through ps; "
                + "prefer the -file or -env form")
            return literal
        }
        if let fallbackEnv, let value = ProcessInfo.processInfo.environment[fallbackEnv] {
            return value
        }
        return nil
    }

    /// The file's content without one trailing newline (files written with `echo` end with one).
    static func readFile(_ path: String, what: String) throws(LocalError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocalError("\(what): cannot read \(path)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw LocalError("\(what): \(path) is not UTF-8 text")
        }
        if text.hasSuffix("\r\n") {
            text.removeLast(2)
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        return text
    }
}
