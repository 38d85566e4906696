import Foundation

/// A file of secrets named on the command line (`--keylog`, `--pcap`): checked before anything is sent,
/// written once the run is over, readable by its owner only (mode 0600, whatever the umask).
///
/// The file is written to a temporary file in the same folder (mkstemp: created 0600, never through a link an
/// attacker planted) and renamed over the name, so an existing file — or a symbolic link at that name — is
/// replaced, never written through, and no reader sees half a file.
struct PrivateFile: Sendable {
    /// The option that named it, for messages (`--keylog`).
    let option: String
    /// As given on the command line.
    let path: String
    /// Absolute.
    let resolved: String

    /// Checks that `path` can be created or replaced; nothing is written yet.
    static func check(_ path: String, option: String) throws(LocalError) -> PrivateFile {
        func refuse(_ why: String) -> LocalError { LocalError("\(option) \(path): \(why)") }
        let absolute = Paths.absolute(path)
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
        let folder = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw refuse("the folder \(folder) does not exist")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw refuse("the folder \(folder) cannot be written by this user")
        }
        return PrivateFile(option: option, path: path, resolved: absolute)
    }

    /// Refuses two options naming the same file: the second would replace the first.
    static func checkDistinct(_ files: [PrivateFile?]) throws(LocalError) {
        let present = files.compactMap { $0 }
        for (index, file) in present.enumerated() {
            if let other = present[..<index].first(where: { $0.resolved == file.resolved }) {
                throw LocalError("\(other.option) and \(file.option) both name \(file.path); give each its own file")
            }
        }
    }

    /// Writes `bytes`, mode 0600.
    func write(_ bytes: [UInt8]) throws(LocalError) {
        func failed(_ what: String, _ code: Int32) -> LocalError {
            LocalError("\(option) \(path): \(what): \(String(cString: strerror(code)))")
        }
        let url = URL(fileURLWithPath: resolved)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failed("cannot create a file in \(folder)", errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var problem: LocalError?
        var offset = 0
        while offset < bytes.count, problem == nil {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if errno != EINTR {
                problem = failed("cannot write", errno)
            }
        }
        if problem == nil, fchmod(descriptor, 0o600) != 0 { problem = failed("cannot set mode 0600", errno) }
        if problem == nil, fsync(descriptor) != 0 { problem = failed("cannot write", errno) }
        close(descriptor)
        if problem == nil, rename(temporary, resolved) != 0 { problem = failed("cannot rename into place", errno) }
        if let problem {
            unlink(temporary)
            throw problem
        }
    }
}
