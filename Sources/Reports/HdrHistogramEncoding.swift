import CZlib
import Foundation
import Histogram

/// HdrHistogram's compressed V2 encoding, as its Java, C, Go and Rust implementations write and read it
/// (`AbstractHistogram.encodeIntoCompressedByteBuffer`), so a load run's histograms can be merged exactly and
/// read by HdrHistogram's own tools. Big-endian throughout:
///
/// - compressed: cookie `0x1c849314` (int32), the length of what follows (int32), then a zlib stream (RFC 1950)
///   of the uncompressed form;
/// - uncompressed: cookie `0x1c849313`, payload length, normalizing index offset (0), significant digits
///   (int32), lowest discernible and highest trackable value (int64), the integer-to-double ratio (double, 1.0),
///   then the counts array up to the last non-zero one as ZigZag LEB128 varints, a run of k > 1 zero counts
///   written once as −k.
public enum HdrHistogramEncoding {
    static let compressedCookieBase: UInt32 = 0x1c84_9304
    static let uncompressedCookieBase: UInt32 = 0x1c84_9303
    /// The word-size nibble V2 writers put in the cookie (`| 0x10`).
    static let wordSizeNibble: UInt32 = 0x10
    static let headerSize = 40
    /// Bounds what a decoder allocates: counts arrays up to 4 Mi entries, 64 MiB of inflated bytes.
    static let maximumCountsLength = 1 << 22
    static let maximumInflatedSize = 64 << 20

    /// The compressed encoding in base64, as interval logs and `latency_histogram` carry it.
    public static func base64(_ histogram: Histogram<UInt64>) -> String {
        Data(compressed(histogram)).base64EncodedString()
    }

    /// The compressed encoding.
    public static func compressed(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let plain = uncompressed(histogram)
        var size = compressBound(uLong(plain.count))
        var deflated = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&deflated, &size, plain, uLong(plain.count), Z_DEFAULT_COMPRESSION)
        // compress2 fails only without memory or with a buffer smaller than compressBound.
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        var out: [UInt8] = []
        out.reserveCapacity(8 + Int(size))
        append32(compressedCookieBase | wordSizeNibble, to: &out)
        append32(UInt32(size), to: &out)
        out += deflated[..<Int(size)]
        return out
    }

    /// The uncompressed V2 encoding.
    public static func uncompressed(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let layout = Layout(histogram)
        var counts: [(index: Int, count: UInt64)] = []
        for value in histogram.recordedValues() {
            counts.append((layout.index(of: value.value), value.count))
        }
        var payload: [UInt8] = []
        var next = 0
        for (index, count) in counts {
            if index > next {
                let zeros = index - next
                appendZigZag(zeros == 1 ? 0 : -Int64(zeros), to: &payload)
            }
            appendZigZag(Int64(clamping: count), to: &payload)
            next = index + 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + payload.count)
        append32(uncompressedCookieBase | wordSizeNibble, to: &out)
        append32(UInt32(payload.count), to: &out)
        append32(0, to: &out)
        append32(UInt32(histogram.numberOfSignificantValueDigits.rawValue), to: &out)
        append64(histogram.lowestDiscernibleValue, to: &out)
        append64(histogram.highestTrackableValue, to: &out)
        append64((1.0 as Double).bitPattern, to: &out)
        return out + payload
    }

    /// Adds `other` to `histogram` (growing it when needed); histograms of different precision or unit cannot be
    /// added exactly and are refused (Histogram's own `add` would trap).
    public static func add(_ other: Histogram<UInt64>, to histogram: inout Histogram<UInt64>)
        throws(HdrHistogramError)
    {
        guard other.numberOfSignificantValueDigits == histogram.numberOfSignificantValueDigits,
              other.lowestDiscernibleValue == histogram.lowestDiscernibleValue
        else {
            throw HdrHistogramError(
                "histograms of \(other.numberOfSignificantValueDigits.rawValue) and "
                + "\(histogram.numberOfSignificantValueDigits.rawValue) significant digits (lowest values "
                + "\(other.lowestDiscernibleValue), \(histogram.lowestDiscernibleValue)) cannot be added exactly")
        }
        histogram.autoResize = true
        histogram.add(other)
    }

    /// `histogram` as its encoding keeps it: every value at the highest value of its bucket (the exact largest
    /// value recorded is not encoded). Percentiles of a live run are taken from this form, so they equal those
    /// recomputed from its encoding (and a merge of shards equals one unsharded run's).
    public static func normalized(_ histogram: Histogram<UInt64>) -> Histogram<UInt64> {
        var out = Histogram<UInt64>(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue,
            highestTrackableValue: histogram.highestTrackableValue,
            numberOfSignificantValueDigits: histogram.numberOfSignificantValueDigits)
        out.autoResize = true
        for value in histogram.recordedValues() {
            out.record(histogram.highestEquivalentForValue(value.value), count: value.count)
        }
        return out
    }

    /// Decodes a base64 compressed histogram (surrounding whitespace allowed).
    public static func decode(base64 text: String) throws(HdrHistogramError) -> Histogram<UInt64> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else { throw HdrHistogramError("not base64") }
        return try decode([UInt8](data))
    }

    /// Decodes the compressed or the uncompressed V2 encoding (told apart by the cookie).
    public static func decode(_ bytes: [UInt8]) throws(HdrHistogramError) -> Histogram<UInt64> {
        guard bytes.count >= 8 else {
            throw HdrHistogramError("\(bytes.count) bytes: shorter than a cookie and length")
        }
        let cookie = read32(bytes, 0)
        switch cookie & ~UInt32(0xf0) {
        case compressedCookieBase:
            let length = Int(read32(bytes, 4))
            guard length <= bytes.count - 8 else {
                throw HdrHistogramError("the compressed length \(length) exceeds the \(bytes.count - 8) bytes present")
            }
            return try decodeUncompressed(try inflate(Array(bytes[8..<(8 + length)])))
        case uncompressedCookieBase:
            return try decodeUncompressed(bytes)
        default:
            throw HdrHistogramError(String(format: "cookie 0x%08x is not an HdrHistogram V2 encoding", cookie))
        }
    }

    static func decodeUncompressed(_ bytes: [UInt8]) throws(HdrHistogramError) -> Histogram<UInt64> {
        guard bytes.count >= headerSize else {
            throw HdrHistogramError("\(bytes.count) bytes: shorter than the 40-byte V2 header")
        }
        guard read32(bytes, 0) & ~UInt32(0xf0) == uncompressedCookieBase else {
            throw HdrHistogramError(String(format: "inner cookie 0x%08x is not a V2 encoding", read32(bytes, 0)))
        }
        let payloadLength = Int(read32(bytes, 4))
        guard payloadLength <= bytes.count - headerSize else {
            throw HdrHistogramError("payload length \(payloadLength) exceeds the \(bytes.count - headerSize) bytes")
        }
        guard read32(bytes, 8) == 0 else { throw HdrHistogramError("a normalizing index offset is not supported") }
        let digitsValue = read32(bytes, 12)
        guard digitsValue <= 5, let digits = SignificantDigits(rawValue: Int8(digitsValue)) else {
            throw HdrHistogramError("\(digitsValue) significant digits (0…5 allowed)")
        }
        let lowest = read64(bytes, 16)
        let highest = read64(bytes, 24)
        guard lowest >= 1, lowest <= UInt64.max / 2, highest >= 2 * lowest else {
            throw HdrHistogramError("lowest discernible value \(lowest) and highest trackable value \(highest)")
        }
        let layout = Layout(lowest: lowest, highest: highest, digits: Int(digitsValue))
        guard layout.unitMagnitude + layout.subBucketHalfCountMagnitude <= 61,
              layout.countsLength <= maximumCountsLength
        else {
            throw HdrHistogramError("a histogram of \(digitsValue) digits up to \(highest) is too large to decode")
        }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: digits)
        histogram.autoResize = true
        var offset = headerSize
        let end = headerSize + payloadLength
        var index = 0
        while offset < end {
            let (value, next) = try readZigZag(bytes, offset, end)
            offset = next
            if value < 0 {
                let zeros = value.magnitude
                guard zeros <= UInt64(layout.countsLength - index) else {
                    throw HdrHistogramError("a run of \(zeros) zero counts passes the end of the counts array")
                }
                index += Int(zeros)
                continue
            }
            guard index < layout.countsLength else {
                throw HdrHistogramError("more counts than the \(layout.countsLength) the parameters allow")
            }
            if value > 0 {
                let level = histogram.highestEquivalentForValue(layout.value(at: index))
                guard histogram.record(level, count: UInt64(value)) else {
                    throw HdrHistogramError("count index \(index) is outside the histogram")
                }
            }
            index += 1
        }
        return histogram
    }

    // MARK: - Layout (AbstractHistogram's index arithmetic)

    struct Layout {
        var unitMagnitude: Int
        var subBucketHalfCountMagnitude: Int
        var countsLength: Int

        init(_ histogram: Histogram<UInt64>) {
            self.init(lowest: histogram.lowestDiscernibleValue, highest: histogram.highestTrackableValue,
                      digits: Int(histogram.numberOfSignificantValueDigits.rawValue))
        }

        init(lowest: UInt64, highest: UInt64, digits: Int) {
            unitMagnitude = 63 - lowest.leadingZeroBitCount
            let singleUnit = 2 * pow(10.0, Double(digits))
            let subBucketCountMagnitude = Int(log2(singleUnit).rounded(.up))
            subBucketHalfCountMagnitude = max(subBucketCountMagnitude, 1) - 1
            let subBucketCount = UInt64(1) << (subBucketHalfCountMagnitude + 1)
            var smallestUntrackable = subBucketCount << UInt64(unitMagnitude)
            var buckets = 1
            while smallestUntrackable <= highest {
                if smallestUntrackable > UInt64.max / 2 {
                    buckets += 1
                    break
                }
                smallestUntrackable <<= 1
                buckets += 1
            }
            countsLength = (buckets + 1) << subBucketHalfCountMagnitude
        }

        var subBucketHalfCount: Int { 1 << subBucketHalfCountMagnitude }

        func index(of value: UInt64) -> Int {
            let subBucketMask = (UInt64(1) << (subBucketHalfCountMagnitude + 1) - 1) << UInt64(unitMagnitude)
            let leadingZeroCountBase = 64 - unitMagnitude - (subBucketHalfCountMagnitude + 1)
            let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
            let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
            return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - subBucketHalfCount
        }

        func value(at index: Int) -> UInt64 {
            var bucket = (index >> subBucketHalfCountMagnitude) - 1
            var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
            if bucket < 0 {
                subBucket -= subBucketHalfCount
                bucket = 0
            }
            return UInt64(subBucket) << UInt64(bucket + unitMagnitude)
        }
    }

    // MARK: - Bytes

    static func inflate(_ input: [UInt8]) throws(HdrHistogramError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw HdrHistogramError("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var input = input
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output += target[..<(target.count - Int(stream.avail_out))]
                }
            } while status == Z_OK && output.count <= maximumInflatedSize
                && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard output.count <= maximumInflatedSize else { throw HdrHistogramError("inflates to more than 64 MiB") }
        guard status == Z_STREAM_END else {
            let state = status == Z_OK || status == Z_BUF_ERROR ? "truncated" : "corrupt"
            throw HdrHistogramError("the zlib stream is \(state)")
        }
        return output
    }

    static func append32(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    static func append64(_ value: UInt64, to out: inout [UInt8]) {
        append32(UInt32(value >> 32), to: &out)
        append32(UInt32(value & 0xffff_ffff), to: &out)
    }

    static func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func read64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(read32(bytes, at)) << 32 | UInt64(read32(bytes, at + 4))
    }

    /// ZigZag then LEB128, at most 9 bytes, the ninth carrying 8 bits (HdrHistogram's `ZigZagEncoding`).
    static func appendZigZag(_ value: Int64, to out: inout [UInt8]) {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if v < 0x80 {
                out.append(UInt8(v))
                return
            }
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: v))
    }

    static func readZigZag(_ bytes: [UInt8], _ start: Int, _ end: Int) throws(HdrHistogramError) -> (Int64, Int) {
        var result: UInt64 = 0
        var offset = start
        for position in 0..<9 {
            guard offset < end else { throw HdrHistogramError("a count is cut off at byte \(offset)") }
            let byte = bytes[offset]
            offset += 1
            if position == 8 {
                result |= UInt64(byte) << 56
                break
            }
            result |= UInt64(byte & 0x7f) << UInt64(7 * position)
            if byte & 0x80 == 0 { break }
        }
        let value = Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
        return (value, offset)
    }
}

/// An HdrHistogram encoding that cannot be decoded: what is wrong with it.
public struct HdrHistogramError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "HdrHistogram encoding: \(reason)" }
}
