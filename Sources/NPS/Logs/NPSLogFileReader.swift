import Foundation

/// Splits a byte stream into lines (LF or CRLF) with a cap on line length, so a file without newlines cannot
/// exhaust memory. A line longer than the cap is handed out in pieces cut just after an `</Event>` (DTS files
/// whose records are not separated by newlines stay fully readable); with no `</Event>` to cut at, the first
/// `maxLineBytes` are handed out marked truncated and the rest is skipped up to the next newline or `</Event>`.
struct LineSplitter: Sendable {
    struct Piece {
        var bytes: ArraySlice<UInt8>
        /// The line was cut at the cap; the piece is not parseable as a whole.
        var truncated: Bool
        /// The piece continues the previous piece's physical line.
        var continuesLine: Bool
    }

    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Skipping the rest of an over-long line after a truncated piece.
    private var skipping = false
    /// A piece of the current physical line was already handed out.
    private var midLine = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(Bytes.eventClose.count, maxLineBytes)
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(..<start)
            start = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next line or piece of a line, or nil when more input is needed.
    mutating func nextLine() -> Piece? {
        while true {
            let newline = Self.newline(in: buffer, from: start)
            if skipping {
                let close = Bytes.find(Bytes.eventClose, in: buffer[start..<(newline ?? buffer.count)], from: start)
                if let close {
                    start = close + Bytes.eventClose.count
                    skipping = false
                    midLine = true
                    continue
                }
                if let newline {
                    start = newline + 1
                    skipping = false
                    midLine = false
                    continue
                }
                // Keep a tail that could be the start of an "</Event>" split across chunks.
                start = max(start, buffer.count - (Bytes.eventClose.count - 1))
                return nil
            }
            let available = (newline ?? buffer.count) - start
            if available > maxLineBytes {
                let window = buffer[start..<(start + maxLineBytes)]
                if let cut = Self.lastEventClose(in: window) {
                    let piece = Piece(bytes: buffer[start..<cut], truncated: false, continuesLine: midLine)
                    start = cut
                    midLine = true
                    return piece
                }
                let piece = Piece(bytes: window, truncated: true, continuesLine: midLine)
                start += maxLineBytes
                skipping = true
                return piece
            }
            guard let newline else { return nil }
            var end = newline
            if end > start, buffer[end - 1] == 0x0D { end -= 1 }
            let piece = Piece(bytes: buffer[start..<end], truncated: false, continuesLine: midLine)
            start = newline + 1
            midLine = false
            return piece
        }
    }

    /// The last piece when the input does not end with a newline.
    mutating func finish() -> Piece? {
        defer {
            buffer = []
            start = 0
            midLine = false
        }
        guard !skipping, start < buffer.count else { return nil }
        var end = buffer.count
        if buffer[end - 1] == 0x0D { end -= 1 }
        if end - start > maxLineBytes {
            return Piece(bytes: buffer[start..<(start + maxLineBytes)], truncated: true, continuesLine: midLine)
        }
        return Piece(bytes: buffer[start..<end], truncated: false, continuesLine: midLine)
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

    /// The index just past the last "</Event>" in `window`.
    private static func lastEventClose(in window: ArraySlice<UInt8>) -> Int? {
        var from = window.startIndex
        var last: Int?
        while let hit = Bytes.find(Bytes.eventClose, in: window, from: from) {
            last = hit + Bytes.eventClose.count
            from = hit + 1
        }
        return last
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
    public init(path: String, attributeNames: IASAttributeNames, options: NPSLogParser.Options = NPSLogParser.Options(),
                maxLineBytes: Int = NPSLogFileReader.defaultMaxLineBytes) throws(NPSError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NPSError(.fileUnreadable, "cannot open \(path) for reading")
        }
        self.handle = handle
        self.ownsHandle = true
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.parser = NPSLogParser(attributeNames: attributeNames, options: options)
    }

    /// Reads from an open handle (e.g. standard input); the caller keeps ownership and closes it.
    public init(handle: FileHandle, attributeNames: IASAttributeNames,
                options: NPSLogParser.Options = NPSLogParser.Options(),
                maxLineBytes: Int = NPSLogFileReader.defaultMaxLineBytes) {
        self.handle = handle
        self.ownsHandle = false
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.parser = NPSLogParser(attributeNames: attributeNames, options: options)
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
            if let piece = splitter.nextLine() {
                ready = parser.consume(lineBytes: piece.bytes, truncated: piece.truncated,
                                       continuesLine: piece.continuesLine)
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
                if let piece = splitter.finish() {
                    ready = parser.consume(lineBytes: piece.bytes, truncated: piece.truncated,
                                           continuesLine: piece.continuesLine)
                }
                parser.finish()
                continue
            }
            splitter.append(chunk)
        }
    }
}
