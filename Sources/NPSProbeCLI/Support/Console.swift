import Evidence
import Foundation
import Jobs
import Reports
import Synchronization

/// Where the CLI writes: results to standard output, warnings, verbose traces and errors to standard
/// error (so `--json` output stays parseable).
///
/// Writes go straight to the file descriptors with `write(2)`. A failed write to standard output (a full
/// disk, `> /dev/full`, a closed descriptor, a reader that went away) is remembered and stops further
/// output; the command then ends with exit status 3 and says why (`NPSProbeCommand.run`), instead of
/// trapping the way `FileHandle.write` does.
enum Console {
    /// The errno of the first failed write to standard output.
    private static let outputError = Mutex<Int32?>(nil)
    /// Standard output / error were closed when the process started: nothing is written to their numbers.
    private static let outputClosed = Atomic<Bool>(false)
    private static let errorClosed = Atomic<Bool>(false)

    static func out(_ text: String) {
        guard !outputClosed.load(ordering: .relaxed) else {
            outputError.withLock { if $0 == nil { $0 = EBADF } }
            return
        }
        guard outputError.withLock({ $0 == nil }) else { return }
        if let error = writeAll(Array((text + "\n").utf8), to: STDOUT_FILENO) {
            outputError.withLock { if $0 == nil { $0 = error } }
        }
    }

    static func err(_ text: String) {
        guard !errorClosed.load(ordering: .relaxed) else { return }
        // Nothing is left to tell anyone when standard error itself fails.
        _ = writeAll(Array((text + "\n").utf8), to: STDERR_FILENO)
    }

    static func warn(_ text: String) { err("npsprobe: warning: \(text)") }

    /// True when standard output is a terminal (colour and layout for humans only).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Why standard output could not be written, when a write failed ("No space left on device").
    static var outputFailure: String? {
        outputError.withLock { $0 }.map { String(cString: strerror($0)) }
    }

    /// Forgets an earlier failure (commands run in-process one after another in tests).
    static func resetOutputFailure() { outputError.withLock { $0 = nil } }

    /// Called once by `main` before anything runs. SIGPIPE is ignored so that a reader that goes away makes a
    /// write fail with EPIPE instead of killing the process. A standard output or error that was closed when
    /// the process started is marked failed (EBADF) and never written: its number may already belong to
    /// something else — libdispatch opens an eventfd before `main`, and takes the lowest free number — or
    /// is given `/dev/null` so that no file or socket opened later takes it.
    static func prepareStandardStreams() {
        signal(SIGPIPE, SIG_IGN)
        for descriptor in [STDOUT_FILENO, STDERR_FILENO] {
            if fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
                let null = open("/dev/null", O_WRONLY)
                if null >= 0, null != descriptor {
                    dup2(null, descriptor)
                    close(null)
                }
            } else if !isAnonymousInode(descriptor) {
                continue
            }
            if descriptor == STDOUT_FILENO {
                outputClosed.store(true, ordering: .relaxed)
            } else {
                errorClosed.store(true, ordering: .relaxed)
            }
        }
    }

    /// An eventfd, epoll or similar (`anon_inode:[eventfd]` in /proc): never a stream a shell handed us.
    private static func isAnonymousInode(_ descriptor: Int32) -> Bool {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return false }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .hasPrefix("anon_inode:")
    }

    /// Writes every byte, retrying on EINTR and after partial writes; the errno on failure.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}

/// A local failure: bad input, an unreadable file, a broken dictionary. Exit status 3.
struct LocalError: Error, CustomStringConvertible {
    let message: String
    /// What kind of local failure, for evidence (`auth --json` on a case that could not start).
    var code: LocalErrorCode = .badInput
    init(_ message: String, code: LocalErrorCode = .badInput) {
        self.message = message
        self.code = code
    }
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
        Exit status: 0 accepted (or the outcome matched --expect), 1 rejected or not as expected, \
        2 no answer from any server, 3 local error (bad input, unreadable file, bad dictionary).
        """
}

/// Text from elsewhere (log lines, names in them) made safe for a terminal.
enum TerminalText {
    /// Control characters other than newline — ESC sequences, BEL, backspace, carriage return, C1 controls,
    /// DEL — written as `\u{1B}`, so a malformed log line cannot recolour, retitle or rewrite the terminal.
    /// Tabs become spaces.
    static func escapingControls(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(scalar)
            case 0x09: out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
