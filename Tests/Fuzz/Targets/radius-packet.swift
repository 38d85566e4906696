// libFuzzer target: the RADIUS packet parser (RFC 2865 §3/§5), reply and request verification, typed attribute
// values and Vendor-Specific decoding, with the repository's dictionary (NPSPROBE_FUZZ_DICTIONARY).
import Foundation
import RADIUS
import TLS

private let secret = Array("testing123".utf8)
private let request = try! RADIUSPacket.accessRequest(
    identifier: 1, attributes: [RADIUSAttribute(.userName, string: "fuzz")], secret: secret, random: SystemRandom())
private let dictionary: RADIUSDictionary = {
    guard let path = ProcessInfo.processInfo.environment["NPSPROBE_FUZZ_DICTIONARY"] else { return RADIUSDictionary() }
    return (try? RADIUSDictionary.load(root: path)) ?? RADIUSDictionary()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let packet = try? RADIUSPacket(decoding: bytes) else { return 0 }
    _ = packet.encode()
    var reply = packet
    reply.identifier = request.identifier
    try? reply.verifyReply(to: request, secret: secret, policy: .default)
    try? packet.verifyRequest(secret: secret)
    _ = packet.attributes.eapMessage
    for attribute in packet.attributes {
        if let known = dictionary.attribute(number: UInt32(attribute.type)) {
            _ = try? RADIUSValue.decode(attribute.value, as: known.type)
        }
        if attribute.type == 26 { _ = try? RADIUSVendorSpecific(decoding: attribute.value) }
    }
    return 0
}
