import Foundation
import Jobs
import Reports

/// Where the CLI writes: results to standard output, warnings, verbose traces and errors to standard
/// error (so `--json` output stays parseable).
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) { err("npsprobe: warning: \(text)") }

    /// True when standard output is a terminal (colour and layout for humans only).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// A local failure: bad input, an unreadable file, a broken dictionary. Exit status 3.
struct LocalError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Exit statuses, documented in `--help` and the README.
enum ExitStatus: Int32 {
    /// Accepted, or the outcome matched `--expect`.
    case success = 0
    /// Rejected, or not what `--expect` asked for.
    case rejected = 1
    /// No answer from any server.
    case noAnswer = 2
    /// Local error: bad input, unreadable file, bad dictionary, a protocol violation we cannot judge.
    case localError = 3

    static let help = """
        Exit status: 0 accepted (or the outcome matched --expect), 1 rejected or not as expected,
        2 no answer from any server, 3 local error (bad input, unreadable file, bad dictionary).
        """
}
