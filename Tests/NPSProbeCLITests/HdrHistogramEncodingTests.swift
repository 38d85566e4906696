import Foundation
import Histogram
import Probe
@testable import Reports
import Testing

/// HdrHistogram's compressed V2 encoding against streams HdrHistogram's Java and C implementations wrote, and
/// the interval log against a log line of HdrHistogram's Java writer.
@Suite struct HdrHistogramEncodingTests {
    /// Java and C, `(1, 2048, 3)` holding 2048: byte-identical streams (HdrHistogram-go's fixtures).
    static let javaBoundary2048 = "HISTFAAAACB4nJNpmSzMwMDAzAABMJoRQnEw2H+AsP7LMwEARZgDpQ=="
    /// Java `PackedHistogram(1, 1000, 0)`, recordValue(100).
    static let javaZeroDigits = "HISTFAAAAB14nJNpmSzMwMDAxIAKGCEU8wv7DxAWLxMASToDcw=="
    /// A line of HdrHistogram's own HistogramLogWriter (its Java tests), nanosecond values, Interval_Max 2.769 ms.
    static let javaLog = """
        #[Histogram log format version 1.2]
        #[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 08:24:39 PDT 2015]
        "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
        Tag=A,0.127,1.007,2.769,HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBEJISEuATEZMQ4uASkhIR4nrxg9v2lMa\
        xhvMekILGZkKmcCAEf2CsI=

        """

    @Test func encodesByteForByteAsJavaAndC() throws {
        var histogram = Histogram<UInt64>(highestTrackableValue: 2048, numberOfSignificantValueDigits: .three)
        histogram.record(2048)
        #expect(HdrHistogramEncoding.base64(histogram) == Self.javaBoundary2048)
    }

    @Test func decodesJavaStreamsWithTheValuesJavaReports() throws {
        let boundary = try HdrHistogramEncoding.decode(base64: Self.javaBoundary2048)
        #expect(boundary.totalCount == 1)
        #expect(boundary.minNonZero == 2048)
        #expect(boundary.max == 2049)
        let zero = try HdrHistogramEncoding.decode(base64: Self.javaZeroDigits)
        #expect(zero.numberOfSignificantValueDigits == .zero)
        #expect(zero.totalCount == 1)
        #expect(zero.minNonZero == 64)
        #expect(zero.max == 127)
        #expect(zero.countForValue(100) == 1)
    }

    @Test func roundTripsARunsHistogramExactly() throws {
        var histogram = LoadStatistics.histogram()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 { histogram.record(UInt64.random(in: 1...2_000_000, using: &generator)) }
        histogram.record(599_000_000)
        let decoded = try HdrHistogramEncoding.decode(base64: HdrHistogramEncoding.base64(histogram))
        #expect(decoded.totalCount == histogram.totalCount)
        for value in histogram.recordedValues() { #expect(decoded.countForValue(value.value) == value.count) }
        let normalized = HdrHistogramEncoding.normalized(histogram)
        for percentile in [50.0, 90, 99, 99.9, 100] {
            #expect(decoded.valueAtPercentile(percentile) == normalized.valueAtPercentile(percentile))
        }
        // The uncompressed form decodes the same.
        let plain = try HdrHistogramEncoding.decode(HdrHistogramEncoding.uncompressed(histogram))
        #expect(plain.totalCount == histogram.totalCount)
    }

    @Test(arguments: [
        ("", "shorter than a cookie"),
        ("AAAAAAAAAAA=", "not an HdrHistogram V2 encoding"),
        ("HISTFAAAACB4nJNpmSzMwMDAzAAB", "exceeds"),
        ("not base64!", "not base64"),
    ])
    func refusesMalformedEncodings(text: String, reason: String) {
        #expect {
            _ = try HdrHistogramEncoding.decode(base64: text)
        } throws: { error in
            (error as? HdrHistogramError)?.reason.contains(reason) == true
        }
    }

    @Test func refusesATruncatedZlibStream() throws {
        var bytes = [UInt8](try #require(Data(base64Encoded: Self.javaBoundary2048)))
        bytes.removeLast(6)
        let length = UInt32(bytes.count - 8)
        bytes.replaceSubrange(4..<8, with: [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff),
                                            UInt8(length & 0xff)])
        #expect {
            _ = try HdrHistogramEncoding.decode(bytes)
        } throws: { error in
            (error as? HdrHistogramError)?.reason.contains("truncated") == true
        }
    }

    @Test func refusesCountsBeyondTheHistogram() {
        var header: [UInt8] = []
        let payload: [UInt8] = [0x7f, 0x08]  // −64 zeros, then a count… past a 48-entry array
        HdrHistogramEncoding.append32(0x1c84_9313, to: &header)
        HdrHistogramEncoding.append32(UInt32(payload.count), to: &header)
        HdrHistogramEncoding.append32(0, to: &header)
        HdrHistogramEncoding.append32(0, to: &header)
        HdrHistogramEncoding.append64(1, to: &header)
        HdrHistogramEncoding.append64(10, to: &header)
        HdrHistogramEncoding.append64((1.0 as Double).bitPattern, to: &header)
        #expect(throws: HdrHistogramError.self) { _ = try HdrHistogramEncoding.decode(header + payload) }
    }

    @Test func readsHdrHistogramsOwnIntervalLog() throws {
        let log = try HdrLog.parse(Self.javaLog)
        #expect(log.startTime == 1441812279.474)
        #expect(log.intervals.count == 1)
        let interval = try #require(log.intervals.first)
        #expect(interval.tag == "A")
        #expect(abs(interval.start - 0.127) < 1e-9)
        #expect(abs(interval.length - 1.007) < 1e-9)
        // Interval_Max is the histogram's max in ms (nanosecond values).
        #expect(abs(Double(interval.histogram.max) / 1_000_000 - 2.769) < 0.002)
    }

    @Test func writesAnIntervalLogItReadsBack() throws {
        var intervals: [HdrLog.Interval] = []
        for second in 0..<3 {
            var histogram = LoadStatistics.histogram()
            for value in 1...(100 * (second + 1)) { histogram.record(UInt64(value * 1000)) }
            intervals.append(.init(start: Double(second), length: 1, histogram: histogram))
        }
        let text = HdrLog(startTime: 1_700_000_000.25, intervals: intervals).text
        #expect(text.hasPrefix(
            "#[Histogram log format version 1.3]\n#[StartTime: 1700000000.250 (seconds since epoch)"))
        #expect(text.contains("#[BaseTime: 1700000000.250 (seconds since epoch)]"))
        #expect(text.contains(
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""))
        let lines = text.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("1.000,1.000,200.063,HISTFAAAA"))
        let read = try HdrLog.parse(text)
        #expect(read.startTime == 1_700_000_000.25)
        #expect(read.intervals.map(\.histogram.totalCount) == [100, 200, 300])
        #expect(read.intervals.map(\.start) == [0, 1, 2])
        // Two generators' logs merge interval by interval.
        let merged = try HdrLog.merge([read, read])
        #expect(merged.intervals.map(\.histogram.totalCount) == [200, 400, 600])
        #expect(try merged.total().totalCount == 1200)
    }

    @Test func refusesAMalformedLogLine() {
        #expect {
            _ = try HdrLog.parse("#[StartTime: 1 (seconds since epoch)]\n0.0,1.0,HISTFAAAA\n", name: "x.hlog")
        } throws: { error in
            (error as? ReportError)?.message.contains("x.hlog line 2") == true
        }
    }
}
