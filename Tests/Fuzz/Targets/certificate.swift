// libFuzzer target: the pre-flight's certificate reader: PEM or DER bytes (a scratch file, as the pre-flight reads
// files) with a fixed key (NPSPROBE_FUZZ_KEY) → certificate facts (validity, EKU, key, SID extension and SAN URI)
// and the pre-flight checks; and the SID extension's own DER decoder (KB5014754) on the raw bytes.
import Foundation
import TLS

private let environment = ProcessInfo.processInfo.environment
private let path = (environment["NPSPROBE_FUZZ_SCRATCH"] ?? "/tmp") + "/npsprobe-fuzz-\(getpid()).pem"
private let key = environment["NPSPROBE_FUZZ_KEY"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    _ = try? StrongCertificateMapping.sid(fromExtension: bytes)
    _ = StrongCertificateMapping.sidSyntaxProblem(String(decoding: bytes, as: UTF8.self))
    guard let key, (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    _ = try? CertificatePreflight.check(certificateFile: path, keyFile: key, keyPassword: nil, trustedCAFile: nil)
    return 0
}
