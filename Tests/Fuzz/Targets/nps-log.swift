// libFuzzer target: NPS log lines (IAS, database-compatible/ODBC, DTS XML), streamed line by line as the reader
// does, then summarised.
import NPS
import RADIUS

private let names = IASAttributeNames(dictionary: RADIUSDictionary())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    var parser = NPSLogParser(attributeNames: names, options: .init(maxRecordBytes: 4096))
    var summarizer = NPSLogSummarizer()
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        for record in parser.consume(lineBytes: line) { summarizer.add(record) }
    }
    parser.finish()
    return 0
}
