import Testing
import EAP

@Suite struct FragmenterTests {
    private func sendAll(_ fragmenter: inout TLSFragmenter) throws -> [EAPTLSMessage] {
        var out = [try fragmenter.nextFragment()]
        while !fragmenter.isFinished {
            out.append(try fragmenter.next(afterAck: .ack(version: fragmenter.configuration.version)))
        }
        return out
    }

    @Test func smallMessageIsOneFragmentWithoutLength() throws {
        var fragmenter = try TLSFragmenter(message: pattern(100))
        #expect(fragmenter.fragmentCount == 1)
        let fragment = try fragmenter.nextFragment()
        #expect(fragment.flags == [])
        #expect(fragment.tlsMessageLength == nil)
        #expect(fragment.data == pattern(100))
        #expect(fragmenter.isFinished && !fragmenter.isAwaitingAck && fragmenter.remaining == 0)
    }

    @Test func lengthOnUnfragmentedMessageWhenAsked() throws {
        var fragmenter = try TLSFragmenter(message: pattern(100),
                                           configuration: .init(lengthField: .firstFragment))
        let fragment = try fragmenter.nextFragment()
        #expect(fragment.flags == [.lengthIncluded])
        #expect(fragment.tlsMessageLength == 100)
    }

    /// The default unit: 1403 octets of Type-Data = hostapd's fragment_size 1398 TLS octets + flags + length.
    @Test func defaultMatchesHostapdFragmentSize() throws {
        #expect(TLSFragmenter.Configuration.defaultMaxTypeDataSize
            == TLSFragmenter.Configuration.typeDataSize(hostapdFragmentSize: 1398))
        var fragmenter = try TLSFragmenter(message: pattern(4000))
        let fragments = try sendAll(&fragmenter)
        #expect(fragments.map(\.data.count) == [1398, 1402, 1200])
        #expect(fragments.map { $0.encode().count } == [1403, 1403, 1201])
        #expect(fragments.map(\.flags) == [[.lengthIncluded, .moreFragments], [.moreFragments], []])
        #expect(fragments[0].tlsMessageLength == 4000)
        #expect(fragments.flatMap(\.data) == pattern(4000))
    }

    /// PEAPv0 to NPS: L and the total on every fragment ([MS-PEAP] behaviour of Windows, reference README).
    @Test func lengthOnEveryFragment() throws {
        var fragmenter = try TLSFragmenter(message: pattern(3000),
                                           configuration: .init(maxTypeDataSize: 1000, lengthField: .everyFragment,
                                                                version: 0))
        let fragments = try sendAll(&fragmenter)
        #expect(fragments.count == 4)
        #expect(fragments.allSatisfy { $0.tlsMessageLength == 3000 && $0.flags.contains(.lengthIncluded) })
        #expect(fragments.map { $0.encode().count } == [1000, 1000, 1000, 20])  // 3 × 995 + 15 TLS octets
        #expect(fragments.dropLast().allSatisfy { $0.flags.contains(.moreFragments) })
        #expect(!fragments.last!.flags.contains(.moreFragments))
        #expect(TLSFragmenter.Configuration.peapV0ToNPS.lengthField == .everyFragment)
    }

    @Test func versionBitsOnEveryFragment() throws {
        var fragmenter = try TLSFragmenter(message: pattern(50),
                                           configuration: .init(maxTypeDataSize: 20, version: 1))
        let fragments = try sendAll(&fragmenter)
        #expect(fragments.allSatisfy { $0.version == 1 })
        #expect(fragments.allSatisfy { $0.encode()[0] & 0x07 == 1 })
    }

    // MARK: State errors

    @Test func nextFragmentWithoutAnAckIsAStateError() throws {
        var fragmenter = try TLSFragmenter(message: pattern(100), configuration: .init(maxTypeDataSize: 30))
        _ = try fragmenter.nextFragment()
        #expect(fragmenter.isAwaitingAck)
        #expect(throws: EAPError(.stateViolation, "")) { try fragmenter.nextFragment() }
        // The refused call changed nothing: the ACK still lets the next fragment go.
        let second = try fragmenter.next(afterAck: .ack())
        #expect(second.data == Array(pattern(100)[25..<54]))
    }

    @Test func ackWhenNothingIsOutstanding() throws {
        var fragmenter = try TLSFragmenter(message: pattern(100), configuration: .init(maxTypeDataSize: 60))
        #expect(throws: EAPError(.stateViolation, "")) { try fragmenter.receiveAck(.ack()) }
        _ = try fragmenter.nextFragment()
        _ = try fragmenter.next(afterAck: .ack())
        #expect(fragmenter.isFinished)
        #expect(throws: EAPError(.stateViolation, "")) { try fragmenter.receiveAck(.ack()) }
        #expect(throws: EAPError(.stateViolation, "")) { try fragmenter.nextFragment() }
    }

    @Test func somethingElseInsteadOfAnAck() throws {
        var fragmenter = try TLSFragmenter(message: pattern(100), configuration: .init(maxTypeDataSize: 60))
        _ = try fragmenter.nextFragment()
        let serverData = try EAPTLSMessage(data: [0x15, 0x03, 0x03])  // e.g. a TLS alert instead of an ACK
        #expect(throws: EAPError(.notAnAck, "")) { try fragmenter.receiveAck(serverData) }
        #expect(throws: EAPError(.notAnAck, "")) { try fragmenter.receiveAck(EAPTLSMessage(flags: [.start])) }
        #expect(fragmenter.isAwaitingAck)
    }

    @Test func invalidConfigurations() {
        #expect(throws: EAPError(.invalidConfiguration, "")) {
            try TLSFragmenter(message: [1], configuration: .init(maxTypeDataSize: 5))
        }
        #expect(throws: EAPError(.invalidConfiguration, "")) {
            try TLSFragmenter(message: [1], configuration: .init(version: 8))
        }
        #expect(throws: EAPError(.emptyFragment, "")) { try TLSFragmenter(message: []) }
    }

    /// The smallest size: every fragment with a length field carries exactly one octet.
    @Test func smallestFragmentSize() throws {
        var fragmenter = try TLSFragmenter(message: pattern(5), configuration: .init(maxTypeDataSize: 6,
                                                                                   lengthField: .everyFragment))
        let fragments = try sendAll(&fragmenter)
        #expect(fragments.map(\.data.count) == [1, 1, 1, 1, 1])
    }
}
