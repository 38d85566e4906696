import Foundation

/// Splits a byte stream into lines (LF or CRLF) with a cap on line length, so a file without newlines cannot
/// exhaust memory: past the cap the line is cut, reported as truncated, and the rest of it skipped.
struct LineSplitter: Sendable {
    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Inside an over-long line whose first `maxLineBytes` were already returned.
    private var skipping = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(..<start)
            start = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next complete line, or nil when more input is needed.
    mutating func nextLine() -> (bytes: ArraySlice<UInt8>, truncated: Bool)? {
        while true {
            if let newline = Self.newline(in: buffer, from: start) {
                var end = newline
                let lineStart = start
                start = newline + 1
                if skipping {
                    skipping = false
                    continue
                }
                if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
                if end - lineStart > maxLineBytes { return (buffer[lineStart..<(lineStart + maxLineBytes)], true) }
                return (buffer[lineStart..<end], false)
            }
            let pending = buffer.count - start
            if skipping {
                start = buffer.count
                return nil
            }
            if pending > maxLineBytes {
                let line = buffer[start..<(start + maxLineBytes)]
                start = buffer.count
                skipping = true
                return (line, true)
            }
            return nil
        }
    }

    private static func newline(in buffer: [UInt8], from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base + start, 0x0A, raw.count - start) else {
                return nil
            }
            return UnsafeRawPointer(hit) - base
        }
    }

    /// The last line when the input does not end with a newline.
    mutating func finish() -> (bytes: ArraySlice<UInt8>, truncated: Bool)? {
        defer {
            buffer = []
            start = 0
        }
        guard !skipping, start < buffer.count else { return nil }
        var end = buffer.count
        if buffer[end - 1] == 0x0D { end -= 1 }
        if end - start > maxLineBytes { return (buffer[start..<(start + maxLineBytes)], true) }
        return (buffer[start..<end], false)
    }
}

/// Reads NPS records from a log file, one at a time, holding at most one chunk and one record in memory.
/// Not thread-safe: use it from one task.
public final class NPSLogFileReader {
    public static let defaultMaxLineBytes = 1 << 20
    private static let chunkSize = 64 * 1024

    private let handle: FileHandle
    private let ownsHandle: Bool
    private var splitter: LineSplitter
    private var parser: NPSLogParser
    private var ready: [NPSLogRecord] = []
    private var readyIndex = 0
    private var atEnd = false
    private var firstChunk = true

    /// Opens `path`; throws `fileUnreadable` when it cannot be opened.
    public init(path: String, options: NPSLogParser.Options = NPSLogParser.Options(),
                maxLineBytes: Int = NPSLogFileReader.defaultMaxLineBytes) throws(NPSError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NPSError(.fileUnreadable, "cannot open \(path) for reading")
        }
        self.handle = handle
        self.ownsHandle = true
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.parser = NPSLogParser(options: options)
    }

    /// Reads from an open handle (e.g. standard input); the caller keeps ownership and closes it.
    public init(handle: FileHandle, options: NPSLogParser.Options = NPSLogParser.Options(),
                maxLineBytes: Int = NPSLogFileReader.defaultMaxLineBytes) {
        self.handle = handle
        self.ownsHandle = false
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.parser = NPSLogParser(options: options)
    }

    deinit {
        if ownsHandle { try? handle.close() }
    }

    /// The parser's counters so far (final once `next()` has returned nil).
    public var statistics: NPSLogParser.Statistics { parser.statistics }

    /// The next record, or nil at the end of the file. Throws only for I/O failures and UTF-16 files;
    /// malformed lines are counted in `statistics`.
    public func next() throws(NPSError) -> NPSLogRecord? {
        while true {
            if readyIndex < ready.count {
                defer { readyIndex += 1 }
                return ready[readyIndex]
            }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            if atEnd { return nil }
            if let line = splitter.nextLine() {
                ready = parser.consume(lineBytes: line.bytes, truncated: line.truncated)
                continue
            }
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw NPSError(.fileUnreadable, "read failed: \(error)")
            }
            if firstChunk {
                firstChunk = false
                let head = [UInt8](chunk.prefix(2))
                if head == [0xFF, 0xFE] || head == [0xFE, 0xFF] {
                    atEnd = true
                    throw NPSError(.unsupportedEncoding,
                                   "the file is UTF-16 (byte-order mark \(head == [0xFF, 0xFE] ? "FF FE" : "FE FF")); "
                                       + "convert it to UTF-8 first")
                }
            }
            if chunk.isEmpty {
                atEnd = true
                if let line = splitter.finish() {
                    ready = parser.consume(lineBytes: line.bytes, truncated: line.truncated)
                }
                parser.finish()
                continue
            }
            splitter.append(chunk)
        }
    }
}
