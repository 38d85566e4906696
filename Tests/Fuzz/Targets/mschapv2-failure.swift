// libFuzzer target: MS-CHAPv2 failure strings "E=691 R=1 C=… V=3 M=…" (RFC 2759 §6).
import EAP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    _ = try? MSCHAPv2Failure(parsing: text)
    return 0
}
