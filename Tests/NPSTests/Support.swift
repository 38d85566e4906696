import Foundation
import LabSupport
import Testing

@testable import NPS
import RADIUS

/// Access to the files in `Fixtures/` (copied as a folder resource).
enum Fixture {
    static func path(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "fixture \(name) missing from the test bundle")
        return url.path
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// Lines without terminators (a final newline does not make an extra empty line).
    static func lines(_ name: String) throws -> [String] {
        var lines = try text(name).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Every record of a fixture read through the file reader, plus the parser's counters.
    static func records(_ name: String) throws -> ([NPSLogRecord], NPSLogParser.Statistics) {
        let reader = try NPSLogFileReader(path: path(name), attributeNames: iasNames)
        var out: [NPSLogRecord] = []
        while let record = try reader.next() { out.append(record) }
        return (out, reader.statistics)
    }

    /// The reason code list shipped with the reference data: code → (symbol, Microsoft text, alternate text).
    static func reasonCodeTSV() throws -> [(code: Int, symbol: String, text: String, alternate: String)] {
        let rows = try lines("nps_reason_codes.tsv").dropFirst()
        return try rows.map { row in
            let cols = row.components(separatedBy: "\t")
            #expect(cols.count >= 3, "TSV row has \(cols.count) columns: \(row.prefix(40))")
            let code = try #require(Int(cols[0]), "TSV code column: \(cols[0])")
            return (code, cols[1], cols.count > 2 ? cols[2] : "", cols.count > 3 ? cols[3] : "")
        }
    }
}

/// A temporary file removed when the value goes away.
final class TemporaryFile {
    let path: String

    init(_ prefix: String) {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Appends through a buffered handle; `write` is called with a closure that receives lines.
    func write(_ produce: (_ emit: (String) -> Void) -> Void) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        produce { line in
            buffer += line.utf8
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
    }
}

/// Names for IAS-format attribute numbers from the shipped dictionary (Dictionaries/), as `nps-log` loads them.
let iasNames: IASAttributeNames = {
    let root = LabEnvironment.packageRoot.appendingPathComponent("Dictionaries/dictionary").path
    guard let dictionary = try? RADIUSDictionary.load(root: root) else { fatalError("\(root) does not load") }
    return IASAttributeNames(dictionary: dictionary)
}()
