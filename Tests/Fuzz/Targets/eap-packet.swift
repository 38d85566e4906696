// libFuzzer target: the EAP packet parser (RFC 3748 §4), EAP-TLS framing (RFC 5216 §3.1) and the reassembler,
// fed the input as a run of fragments (each: a 2-byte length, then an EAP-TLS type-data).
import EAP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let packet = try? EAPPacket(decoding: bytes) { _ = packet.encode() }
    var reassembler = TLSReassembler(maximumMessageSize: 16384)
    var offset = 0
    while offset + 2 <= bytes.count {
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        offset += 2
        let end = min(bytes.count, offset + length)
        let typeData = Array(bytes[offset..<end])
        offset = end
        guard let message = try? EAPTLSMessage(typeData: typeData) else { continue }
        do {
            if case .complete = try reassembler.receive(message) { reassembler.reset() }
        } catch {
            reassembler.reset()
        }
    }
    return 0
}
