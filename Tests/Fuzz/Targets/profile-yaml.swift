// libFuzzer target: profile and suite YAML (Yams, the YAML tree, the schema, validation). The loader reads
// files, so each input is written to one scratch file first.
import Foundation
import Profiles

private let path = (ProcessInfo.processInfo.environment["NPSPROBE_FUZZ_SCRATCH"] ?? "/tmp")
    + "/npsprobe-fuzz-\(getpid()).yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: count))
    guard (try? bytes.write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    _ = ProfileLoader(environment: ["LAB_SECRET": "x"]).loadCollectingIssues(path: path)
    return 0
}
