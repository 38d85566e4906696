internal import COpenSSL
import Foundation

/// The OpenSSL error queue is per thread: clear it before a call whose failure we want to explain,
/// drain it right after (the swift-nio-ssl discipline).
package enum OpenSSLErrorQueue {
    struct Entry {
        var library: Int32
        var reason: Int32
        var text: String
    }

    package static func clear() { ERR_clear_error() }

    /// Removes and returns every queued error, oldest first.
    static func drainEntries() -> [Entry] {
        var entries: [Entry] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var text: String
            if let reason = ERR_reason_error_string(code) {
                text = String(cString: reason)
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if let data, flags & ERR_TXT_STRING != 0 {
                let extra = String(cString: data)
                if !extra.isEmpty { text += " (\(extra))" }
            }
            entries.append(Entry(library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), text: text))
        }
        return entries
    }

    package static func drain() -> [String] { drainEntries().map(\.text) }
}

/// Reads a whole file for a loader, with an error that names the file. (POSIX reads: Foundation's
/// `FileManager.contents(atPath:)` leaks its buffer for empty files on Linux.)
func readFileBytes(_ path: String, what: String, code: TLSError.Code) throws(TLSError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw TLSError(code, "\(what) \(path) does not exist")
    }
    guard !isDirectory.boolValue else { throw TLSError(code, "\(what) \(path) is a directory") }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw TLSError(code, "\(what) \(path) is not readable: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw TLSError(code, "\(what) \(path) could not be read: \(String(cString: strerror(errno)))")
        }
        bytes += chunk.prefix(count)
        guard bytes.count <= 16 * 1024 * 1024 else {
            throw TLSError(code, "\(what) \(path) is larger than 16 MiB; not a certificate or key file")
        }
    }
    return bytes
}

/// A read-only memory BIO over `bytes` for the duration of `body`.
func withMemoryBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws(TLSError) -> T) throws(TLSError) -> T {
    let bio: OpaquePointer? = bytes.withUnsafeBytes { raw in
        // BIO_new_mem_buf does not copy; BIO_new + BIO_write does, so the BIO may outlive `raw`.
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        if !raw.isEmpty { _ = BIO_write(bio, raw.baseAddress, Int32(raw.count)) }
        return bio
    }
    guard let bio else { throw TLSError(.internal, "BIO_new failed (out of memory)") }
    defer { BIO_free(bio) }
    return try body(bio)
}

/// Everything written to a memory BIO so far, removing it from the BIO.
package func drainMemoryBIO(_ bio: OpaquePointer) -> [UInt8] {
    let pending = Int(npsprobe_BIO_ctrl_pending(bio))
    guard pending > 0 else { return [] }
    var out = [UInt8](repeating: 0, count: pending)
    let read = out.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
    return read > 0 ? Array(out.prefix(Int(read))) : []
}

/// The text a memory BIO holds (for X509_NAME_print_ex and friends).
func memoryBIOString(_ body: (OpaquePointer) -> Void) -> String {
    guard let bio = BIO_new(BIO_s_mem()) else { return "" }
    defer { BIO_free(bio) }
    body(bio)
    return String(decoding: drainMemoryBIO(bio), as: UTF8.self)
}

/// "2024-01-01T00:00:00Z", for human details.
func iso8601String(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
