import Foundation

/// A file named on the command line — a report (`--junit`, `--json`, `--prom`) or a file of secrets
/// (`--keylog`, `--pcap`) — checked before anything is sent, written once the run is over.
///
/// Reports (`Kind.report`):
/// - `-`, `/dev/stdout` and `/dev/stderr` (and `/dev/fd/N`, `/proc/self/fd/N`) write to that stream.
/// - A symbolic link is followed: what it points to is written as below (the link stays).
/// - A character device or a FIFO (`/dev/null`, a named pipe) is written through: opened and written, never
///   replaced.
/// - A regular file, or a name that does not exist yet in a writable folder, is written atomically: a
///   temporary file in the same folder, renamed over it, so a collector (node_exporter's textfile
///   collector) never reads half a report.
/// - Anything else — a folder, a socket, a missing folder, a folder we cannot write — is refused by
///   `check` with a message naming the option and the path.
///
/// Files of secrets (`Kind.secrets`) are only ever replaced: written to a temporary file in the same folder
/// (mkstemp: created 0600, never through a link an attacker planted) and renamed over the name, so an existing
/// file — or a symbolic link at that name — is replaced, never written through; readable by the owner only.
struct OutputFile: Sendable {
    enum Kind: Sendable {
        case report
        case secrets
    }

    enum Target: Sendable, Equatable {
        /// A standard stream or an inherited descriptor.
        case descriptor(Int32)
        /// A device or a FIFO, written in place.
        case writeThrough(String)
        /// A regular file (or a new one), replaced atomically.
        case replace(String)
    }

    /// The option that named it, for messages (`--junit`).
    let option: String
    /// As given on the command line.
    let path: String
    let target: Target
    let kind: Kind

    /// `check` for an option that may be absent: nil when no path was given.
    static func check(_ path: String?, option: String, kind: Kind = .report) throws(LocalError) -> OutputFile? {
        guard let path else { return nil }
        return try check(path, option: option, kind: kind) as OutputFile
    }

    /// Resolves and checks `path` for writing; nothing is created yet.
    static func check(_ path: String, option: String, kind: Kind = .report) throws(LocalError) -> OutputFile {
        func refuse(_ why: String) -> LocalError { LocalError("\(option) \(path): \(why)") }
        let absolute = Paths.absolute(path)
        if kind == .secrets {
            var info = stat()
            if lstat(absolute, &info) == 0 {
                switch info.st_mode & S_IFMT {
                case S_IFREG, S_IFLNK: break
                case S_IFDIR: throw refuse("is a directory; give a file name")
                default: throw refuse("is not a regular file (a file of secrets is replaced, never written through)")
                }
            } else if errno != ENOENT {
                throw refuse(String(cString: strerror(errno)))
            }
            try checkFolder(of: absolute, refuse)
            return OutputFile(option: option, path: path, target: .replace(absolute), kind: kind)
        }
        if path == "-" {
            return OutputFile(option: option, path: path, target: .descriptor(STDOUT_FILENO), kind: kind)
        }
        if let descriptor = streamDescriptor(absolute) {
            guard fcntl(descriptor, F_GETFD) != -1 else { throw refuse("descriptor \(descriptor) is not open") }
            return OutputFile(option: option, path: path, target: .descriptor(descriptor), kind: kind)
        }
        // Follow symbolic links to what they name (a dangling link names a file to create).
        guard let resolved = followingLinks(absolute) else { throw refuse("too many levels of symbolic links") }
        var info = stat()
        if stat(resolved, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw refuse("is a directory; give a file name, e.g. \(path.hasSuffix("/") ? path : path + "/")"
                             + "report\(suggestedExtension(option))")
            case S_IFCHR, S_IFIFO:
                guard access(resolved, W_OK) == 0 else { throw refuse("cannot be written by this user") }
                return OutputFile(option: option, path: path, target: .writeThrough(resolved), kind: kind)
            case S_IFREG:
                guard access(resolved, W_OK) == 0 else { throw refuse("cannot be written by this user") }
            default:
                throw refuse("is neither a regular file, a device nor a FIFO")
            }
        } else if errno != ENOENT {
            throw refuse(String(cString: strerror(errno)))
        }
        try checkFolder(of: resolved, refuse)
        return OutputFile(option: option, path: path, target: .replace(resolved), kind: kind)
    }

    /// The folder a file is renamed into exists and can be written.
    private static func checkFolder(of file: String, _ refuse: (String) -> LocalError) throws(LocalError) {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw refuse("the folder \(folder) does not exist")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw refuse("the folder \(folder) cannot be written by this user (the file is renamed into place)")
        }
    }

    /// Refuses two options naming the same file: the second would replace the first.
    static func checkDistinct(_ files: [OutputFile?]) throws(LocalError) {
        let present = files.compactMap { $0 }
        for (index, file) in present.enumerated() {
            guard case .replace(let path) = file.target else { continue }
            if let other = present[..<index].first(where: { $0.target == file.target }) {
                throw LocalError("\(other.option) and \(file.option) both name \(path); give each its own file")
            }
        }
    }

    /// Writes `text` (with a final newline).
    func write(_ text: String) throws(LocalError) {
        try write(Array((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes `bytes` as they are.
    func write(_ bytes: [UInt8]) throws(LocalError) {
        func failed(_ what: String, _ code: Int32) -> LocalError {
            LocalError("\(option) \(path): \(what): \(String(cString: strerror(code)))")
        }
        switch target {
        case .descriptor(let descriptor):
            if let error = Console.writeAll(bytes, to: descriptor) { throw failed("cannot write", error) }
        case .writeThrough(let device):
            let descriptor = open(device, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failed("cannot open", errno) }
            defer { close(descriptor) }
            if let error = Console.writeAll(bytes, to: descriptor) { throw failed("cannot write", error) }
        case .replace(let file):
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            var template = Array("\(folder)/.\(URL(fileURLWithPath: file).lastPathComponent).XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw failed("cannot create a file in \(folder)", errno) }
            let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var problem: LocalError?
            if let error = Console.writeAll(bytes, to: descriptor) {
                problem = failed("cannot write", error)
            } else if fsync(descriptor) != 0 {
                problem = failed("cannot write", errno)
            }
            // mkstemp makes the file 0600, as a file of secrets stays; a report is for others to read (as a
            // file written with `>`).
            if kind == .report {
                let mask = umask(0)
                umask(mask)
                fchmod(descriptor, 0o666 & ~mask)
            } else if problem == nil, fchmod(descriptor, 0o600) != 0 {
                problem = failed("cannot set mode 0600", errno)
            }
            close(descriptor)
            if problem == nil, rename(temporary, file) != 0 { problem = failed("cannot rename into place", errno) }
            if let problem {
                unlink(temporary)
                throw problem
            }
        }
    }

    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the descriptor they stand for.
    private static func streamDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// `path` with every symbolic link of its last component followed, even to a name that does not exist yet
    /// (`resolvingSymlinksInPath` stops at a dangling link); nil after 40 links (a loop).
    private static func followingLinks(_ path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target)
                    .standardizedFileURL.path
        }
        return nil
    }

    private static func suggestedExtension(_ option: String) -> String {
        switch option {
        case "--junit": return ".xml"
        case "--prom": return ".prom"
        default: return ".json"
        }
    }
}
