import Testing
import EAP

/// Chunk sizes (TLS octets per fragment) and message sizes the property tests sweep.
private let chunkSizes = [1, 2, 3, 7, 16, 100, 253, 300, 1000, 1398, 4000]
private let messageSizes = [1, 2, 5, 253, 1398, 1399, 4000, 16_384, 65_536]

/// Cuts `message` into fragments of `chunk` TLS octets, with L on the first or on every fragment.
private func fragments(_ message: [UInt8], chunk: Int, lengthOnEvery: Bool = false) throws -> [EAPTLSMessage] {
    var out = [EAPTLSMessage]()
    var offset = 0
    while offset < message.count {
        let end = min(offset + chunk, message.count)
        out.append(try EAPTLSMessage(flags: end < message.count ? [.moreFragments] : [],
                                     tlsMessageLength: offset == 0 || lengthOnEvery ? UInt32(message.count) : nil,
                                     data: Array(message[offset..<end])))
        offset = end
    }
    return out
}

/// Feeds fragments one at a time, as the peer does over EAP round trips: every one but the last must ask for
/// more (an ACK), the last must complete.
private func dripFeed(_ reassembler: inout TLSReassembler, _ fragments: [EAPTLSMessage]) throws -> [UInt8] {
    for (index, fragment) in fragments.enumerated() {
        let output = try reassembler.receive(fragment)
        if index < fragments.count - 1 {
            guard output == .needMore else { throw EAPError(.stateViolation, "completed early at \(index)") }
        } else if case .complete(let message) = output {
            return message
        }
    }
    throw EAPError(.stateViolation, "never completed")
}

@Suite struct ReassemblerTests {
    @Test(arguments: chunkSizes, messageSizes)
    func dripFeedReassembles(chunk: Int, size: Int) throws {
        let message = pattern(size, seed: UInt8(truncatingIfNeeded: chunk))
        var reassembler = TLSReassembler()
        #expect(try dripFeed(&reassembler, fragments(message, chunk: chunk)) == message)
        #expect(reassembler.isFinished)
        var npsStyle = TLSReassembler()
        #expect(try dripFeed(&npsStyle, fragments(message, chunk: chunk, lengthOnEvery: true)) == message)
    }

    /// Byte at a time, with the progress visible between fragments.
    @Test func byteAtATime() throws {
        let message = pattern(300)
        var reassembler = TLSReassembler()
        for (index, fragment) in try fragments(message, chunk: 1).enumerated() {
            let output = try reassembler.receive(fragment)
            if index < 299 {
                #expect(output == .needMore)
                #expect(reassembler.receivedCount == index + 1)
                #expect(reassembler.declaredLength == 300)
            } else {
                #expect(output == .complete(message))
            }
        }
    }

    /// RFC 5216 allows an unfragmented message without L, and M without L on a first fragment (length unknown).
    @Test func withoutAnyLength() throws {
        var single = TLSReassembler()
        #expect(try single.receive(EAPTLSMessage(data: pattern(10))) == .complete(pattern(10)))
        var unknown = TLSReassembler()
        #expect(try unknown.receive(EAPTLSMessage(flags: [.moreFragments], data: pattern(10))) == .needMore)
        #expect(unknown.declaredLength == nil)
        #expect(try unknown.receive(EAPTLSMessage(data: [7])) == .complete(pattern(10) + [7]))
    }

    /// L may first appear on a later fragment; it then sets the total.
    @Test func lengthAnnouncedLate() throws {
        var reassembler = TLSReassembler()
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: [1, 2]))
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 5, data: [3]))
        #expect(reassembler.declaredLength == 5)
        #expect(throws: EAPError(.lengthMismatch, "")) { try reassembler.receive(EAPTLSMessage(data: [4])) }
        #expect(try reassembler.receive(EAPTLSMessage(data: [4, 5])) == .complete([1, 2, 3, 4, 5]))
    }

    // MARK: Length lies

    @Test func declaredLengthBiggerThanTheData() throws {
        var single = TLSReassembler()
        #expect(throws: EAPError(.lengthMismatch, "")) {
            try single.receive(EAPTLSMessage(tlsMessageLength: 11, data: pattern(10)))
        }
        var fragmented = TLSReassembler()
        _ = try fragmented.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 100, data: pattern(40)))
        #expect(throws: EAPError(.lengthMismatch, "")) {
            try fragmented.receive(EAPTLSMessage(data: pattern(40)))
        }
    }

    @Test func declaredLengthSmallerThanTheData() throws {
        var single = TLSReassembler()
        #expect(throws: EAPError(.lengthExceeded, "")) {
            try single.receive(EAPTLSMessage(tlsMessageLength: 9, data: pattern(10)))
        }
        var fragmented = TLSReassembler()
        _ = try fragmented.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 50, data: pattern(40)))
        #expect(throws: EAPError(.lengthExceeded, "")) {
            try fragmented.receive(EAPTLSMessage(flags: [.moreFragments], data: pattern(11)))
        }
    }

    @Test func lengthChangedMidMessage() throws {
        var reassembler = TLSReassembler()
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 50, data: pattern(10)))
        #expect(throws: EAPError(.lengthMismatch, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 60, data: pattern(10)))
        }
    }

    // MARK: The cap

    @Test func declaredLengthOverTheCap() {
        var reassembler = TLSReassembler()
        #expect(throws: EAPError(.messageTooLong, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 65_537, data: [1]))
        }
        var small = TLSReassembler(maximumMessageSize: 1000)
        #expect(throws: EAPError(.messageTooLong, "")) {
            try small.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 1001, data: [1]))
        }
    }

    @Test func exactlyTheCapIsAccepted() throws {
        var reassembler = TLSReassembler(maximumMessageSize: 1000)
        #expect(try dripFeed(&reassembler, fragments(pattern(1000), chunk: 300)) == pattern(1000))
    }

    @Test func moreThanTheCapWithoutLength() throws {
        var reassembler = TLSReassembler(maximumMessageSize: 1000)
        for _ in 0..<3 {
            #expect(try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: pattern(300))) == .needMore)
        }
        #expect(throws: EAPError(.messageTooLong, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: pattern(101)))
        }
        // The refused fragment left the state alone: 100 more octets still fit.
        #expect(reassembler.receivedCount == 900)
        #expect(try reassembler.receive(EAPTLSMessage(data: pattern(100))) == .complete(
            pattern(300) + pattern(300) + pattern(300) + pattern(100)))
    }

    @Test func lateLengthOverTheCap() throws {
        var reassembler = TLSReassembler(maximumMessageSize: 1000)
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: pattern(10)))
        #expect(throws: EAPError(.messageTooLong, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 5000, data: pattern(10)))
        }
    }

    // MARK: Order and emptiness

    @Test func fragmentAfterTheLast() throws {
        var reassembler = TLSReassembler()
        #expect(try reassembler.receive(EAPTLSMessage(tlsMessageLength: 3, data: [1, 2, 3])) == .complete([1, 2, 3]))
        #expect(throws: EAPError(.fragmentAfterLast, "")) { try reassembler.receive(EAPTLSMessage(data: [4])) }
        #expect(throws: EAPError(.fragmentAfterLast, "")) {
            try reassembler.receive(EAPTLSMessage(tlsMessageLength: 1, data: [4]))
        }
        reassembler.reset()
        #expect(try reassembler.receive(EAPTLSMessage(data: [4])) == .complete([4]))
    }

    @Test func emptyFragments() throws {
        var reassembler = TLSReassembler()
        // An ACK or an empty first fragment is not TLS data.
        #expect(throws: EAPError(.emptyFragment, "")) { try reassembler.receive(.ack()) }
        #expect(throws: EAPError(.emptyFragment, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 10))
        }
        // An empty middle fragment makes no progress.
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 4, data: [1, 2]))
        #expect(throws: EAPError(.emptyFragment, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.moreFragments]))
        }
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: [3, 4]))
        // An empty last fragment completes a message whose octets are all in.
        #expect(try reassembler.receive(EAPTLSMessage()) == .complete([1, 2, 3, 4]))
    }

    @Test func startIsNotReassembled() throws {
        var reassembler = TLSReassembler()
        #expect(throws: EAPError(.unexpectedStart, "")) { try reassembler.receive(EAPTLSMessage(flags: [.start])) }
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], data: [1]))
        #expect(throws: EAPError(.unexpectedStart, "")) {
            try reassembler.receive(EAPTLSMessage(flags: [.start], data: [2]))
        }
        #expect(reassembler.isReceiving)
    }

    @Test func resetDropsAPartialMessage() throws {
        var reassembler = TLSReassembler()
        _ = try reassembler.receive(EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 10, data: [1]))
        reassembler.reset()
        #expect(!reassembler.isReceiving && reassembler.receivedCount == 0)
        #expect(try reassembler.receive(EAPTLSMessage(data: [9])) == .complete([9]))
    }
}

/// Split with ``TLSFragmenter``, reassemble with ``TLSReassembler``: the message comes back for every fragment
/// size and length policy, and no fragment exceeds its Type-Data budget.
@Suite struct FragmentationPropertyTests {
    static let typeDataSizes = [6, 7, 8, 16, 100, 253, 300, 1000, 1403, 4000]
    static let sizes = [1, 2, 5, 6, 7, 253, 1398, 1399, 1402, 1403, 4000, 16_384, 65_536]

    @Test(arguments: typeDataSizes, sizes)
    func splitThenReassemble(maxTypeDataSize: Int, size: Int) throws {
        let message = pattern(size, seed: UInt8(truncatingIfNeeded: maxTypeDataSize))
        for lengthField in [TLSFragmenter.LengthField.firstFragmentWhenFragmented, .firstFragment, .everyFragment] {
            var fragmenter = try TLSFragmenter(
                message: message, configuration: .init(maxTypeDataSize: maxTypeDataSize, lengthField: lengthField))
            var reassembler = TLSReassembler()
            var sent = 0
            var fragment = try fragmenter.nextFragment()
            while true {
                sent += 1
                // Each fragment crosses the wire as Type-Data and is decoded by the receiver.
                let wire = fragment.encode()
                #expect(wire.count <= maxTypeDataSize)
                let output = try reassembler.receive(EAPTLSMessage(typeData: wire))
                if case .complete(let received) = output {
                    #expect(received == message)
                    #expect(fragmenter.isFinished)
                    break
                }
                fragment = try fragmenter.next(afterAck: EAPTLSMessage(typeData: EAPTLSMessage.ack().encode()))
            }
            #expect(sent == fragmenter.fragmentCount)
        }
    }
}
