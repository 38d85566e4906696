// libFuzzer target: PEAP phase-2 EAP-TLV parsing (MS-PEAP §2.2.8): TLVs, Result, NAK, Crypto-Binding, requests.
import EAP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let tlvs = try? EAPTLV.parse(bytes) {
        for tlv in tlvs {
            _ = try? EAPTLVNak(tlv: tlv)
            _ = try? CryptoBindingTLV(tlv: tlv)
        }
    }
    _ = try? EAPTLVRequest(typeData: bytes)
    _ = try? PEAPPhase2.decodeInnerRequest(bytes, outerIdentifier: 1)
    return 0
}
