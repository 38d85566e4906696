// libFuzzer target: the FreeRADIUS-format dictionary parser. `$INCLUDE` lines are dropped: the target parses
// text, it does not read the file system.
import RADIUS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.lowercased().contains("include") }
    var dictionary = RADIUSDictionary()
    try? dictionary.load(text: lines.joined(separator: "\n"), path: "/nonexistent/npsprobe-fuzz/dictionary")
    return 0
}
