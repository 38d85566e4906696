import Foundation
import TLS
import Testing

@testable import RADIUS

/// Bytes from hex text; whitespace is ignored. Traps on bad input (test data only).
func hex(_ text: String) -> [UInt8] {
    guard let bytes = [UInt8](hex: text.filter { !$0.isWhitespace }) else { preconditionFailure("bad hex: \(text)") }
    return bytes
}

let testing123 = Array("testing123".utf8)

/// A RandomSource that hands out fixed bytes, for RFC vectors with a given authenticator.
struct FixedRandom: RandomSource {
    let value: [UInt8]
    func bytes(_ count: Int) -> [UInt8] {
        Array(value.prefix(count)) + [UInt8](repeating: 0, count: max(0, count - value.count))
    }
}

/// The repository's Dictionaries/ folder, found from this file's path.
let dictionariesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Dictionaries").path
}()

/// The shipped dictionary, loaded once.
let shippedDictionary: RADIUSDictionary = {
    do {
        return try RADIUSDictionary.load(root: dictionariesDirectory + "/dictionary")
    } catch {
        fatalError("the shipped dictionary does not load: \(error)")
    }
}()

/// A scratch directory for dictionary files written by a test.
func scratchDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("npsprobe-radius-tests-\(getpid())")
        .appendingPathComponent(name.filter { $0.isLetter || $0.isNumber })
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// MARK: - FreeRADIUS vectors

struct CapturedExchange: Decodable, Sendable, CustomTestStringConvertible {
    struct Expect: Decodable, Sendable {
        var userPassword: String?
        var chapSecret: String?
        var tunnelPassword: String?
        var tunnelTag: UInt8?
        var mppeSendKey: String?
        var mppeRecvKey: String?
    }
    var name: String
    var description: String
    var secret: String
    var request: String
    var reply: String
    var expect: Expect

    var requestBytes: [UInt8] { hex(request) }
    var replyBytes: [UInt8] { hex(reply) }
    var secretBytes: [UInt8] { Array(secret.utf8) }
    var testDescription: String { name }
}

private struct CaptureFile: Decodable {
    var exchanges: [CapturedExchange]
}

let capturedExchanges: [CapturedExchange] = {
    guard let url = Bundle.module.url(forResource: "Vectors/freeradius-exchanges", withExtension: "json"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(CaptureFile.self, from: data)
    else { fatalError("Vectors/freeradius-exchanges.json is missing or malformed") }
    return file.exchanges
}()

func exchange(_ name: String) -> CapturedExchange {
    guard let found = capturedExchanges.first(where: { $0.name == name }) else { fatalError("no exchange \(name)") }
    return found
}
