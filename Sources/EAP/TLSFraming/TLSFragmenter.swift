/// Splits one outgoing TLS message (one or more records) into EAP-TLS/PEAP fragments, one per round trip
/// (RFC 5216 §2.1.5, §3.1; [MS-PEAP] §2.2.2, §3.1.5.2).
///
/// A value with three states: ready → (fragment handed out) awaiting an ACK → … → finished. The method sends
/// ``nextFragment()``, and for every fragment but the last must see the server's ACK (``receiveAck(_:)``) before
/// asking for the next; asking early, or acknowledging when nothing is outstanding, is an
/// ``EAPError/Code/stateViolation``. After the last fragment no ACK comes: the server answers with its own
/// message.
///
/// **Fragment size unit.** ``Configuration/maxTypeDataSize`` is the largest EAP *Type-Data* the method may send:
/// the Flags octet, the 4-octet TLS Message Length when present, and TLS data — everything after the EAP Type
/// octet. The EAP packet is 5 octets longer (header and Type). The default, 1403, equals hostapd/wpa_supplicant's
/// `fragment_size=1398`, which counts TLS data only: 1398 + 1 + 4. ``Configuration/typeDataSize(hostapdFragmentSize:)``
/// converts.
public struct TLSFragmenter: Sendable {
    /// Where the L flag and the 4-octet TLS Message Length go.
    public enum LengthField: Hashable, Sendable {
        /// The RFC 5216 §2.1.5 minimum: on the first fragment of a fragmented message only.
        case firstFragmentWhenFragmented
        /// On the first fragment of every message, fragmented or not (hostapd's `include_tls_length=1`).
        case firstFragment
        /// On every fragment: what NPS expects from a PEAPv0 peer in phase 1 (see the reference README).
        case everyFragment
    }

    public struct Configuration: Hashable, Sendable {
        /// Octets of Type-Data per packet (flags + optional length + TLS data). At least 6.
        public var maxTypeDataSize: Int
        public var lengthField: LengthField
        /// The low three flag bits: the PEAP version, 0 for EAP-TLS.
        public var version: UInt8

        /// hostapd's default `fragment_size` (1398 TLS octets) as Type-Data: 1403.
        public static let defaultMaxTypeDataSize = 1403

        public init(maxTypeDataSize: Int = Configuration.defaultMaxTypeDataSize,
                    lengthField: LengthField = .firstFragmentWhenFragmented, version: UInt8 = 0) {
            self.maxTypeDataSize = maxTypeDataSize
            self.lengthField = lengthField
            self.version = version
        }

        /// The Type-Data size that carries `hostapdFragmentSize` TLS octets in a fragment with a length field.
        public static func typeDataSize(hostapdFragmentSize: Int) -> Int { hostapdFragmentSize + 5 }

        /// EAP-TLS with RFC 5216 defaults.
        public static let eapTLS = Configuration()
        /// PEAPv0 phase 1 to NPS: the length on every fragment, version 0.
        public static let peapV0ToNPS = Configuration(lengthField: .everyFragment, version: 0)
    }

    private enum State: Hashable, Sendable {
        case ready
        case awaitingAck
        case finished
    }

    public let configuration: Configuration
    private let message: [UInt8]
    private var offset = 0
    private var state = State.ready
    private let fragmented: Bool

    /// Prepares `message` for sending. Throws ``EAPError/Code/invalidConfiguration`` for a Type-Data size below
    /// 6 octets or a version above 7, ``EAPError/Code/emptyFragment`` for an empty message (send an ACK
    /// instead), ``EAPError/Code/messageTooLong`` for a message the 32-bit length cannot describe.
    public init(message: [UInt8], configuration: Configuration = Configuration()) throws(EAPError) {
        guard configuration.maxTypeDataSize >= 6 else {
            throw EAPError(.invalidConfiguration, "maxTypeDataSize \(configuration.maxTypeDataSize) leaves no room "
                           + "for TLS data after flags and length; the minimum is 6")
        }
        guard configuration.version <= 7 else {
            throw EAPError(.invalidConfiguration, "version \(configuration.version) does not fit in 3 flag bits")
        }
        guard !message.isEmpty else {
            throw EAPError(.emptyFragment, "an empty TLS message is not sent; the method sends an ACK instead")
        }
        guard UInt64(message.count) <= UInt64(UInt32.max) else {
            throw EAPError(.messageTooLong, "\(message.count) octets exceed the 32-bit TLS Message Length")
        }
        self.configuration = configuration
        self.message = message
        let lengthOnUnfragmented = configuration.lengthField != .firstFragmentWhenFragmented
        let singleCapacity = configuration.maxTypeDataSize - 1 - (lengthOnUnfragmented ? 4 : 0)
        self.fragmented = message.count > singleCapacity
    }

    /// The size of the TLS message being sent.
    public var messageLength: Int { message.count }
    /// TLS octets not yet handed out.
    public var remaining: Int { message.count - offset }
    /// A fragment has been handed out and its ACK has not been received.
    public var isAwaitingAck: Bool { state == .awaitingAck }
    /// The last fragment has been handed out.
    public var isFinished: Bool { state == .finished }

    /// How many fragments the whole message takes.
    public var fragmentCount: Int {
        var count = 0
        var position = 0
        while position < message.count {
            position += capacity(at: position)
            count += 1
        }
        return count
    }

    /// The next fragment. Allowed first, and then only after ``receiveAck(_:)``.
    public mutating func nextFragment() throws(EAPError) -> EAPTLSMessage {
        switch state {
        case .awaitingAck:
            throw EAPError(.stateViolation, "fragment at offset \(offset) requested before the ACK of the previous one")
        case .finished:
            throw EAPError(.stateViolation, "all \(message.count) octets were already sent")
        case .ready:
            break
        }
        let includeLength = self.includesLength(at: offset)
        let chunk = min(capacity(at: offset), message.count - offset)
        let end = offset + chunk
        let more = end < message.count
        let fragment = try EAPTLSMessage(
            flags: more ? [.moreFragments] : [], version: configuration.version,
            tlsMessageLength: includeLength ? UInt32(message.count) : nil, data: Array(message[offset..<end]))
        offset = end
        state = more ? .awaitingAck : .finished
        return fragment
    }

    /// Records the server's ACK of the outstanding fragment. `ack` must be an ACK (``EAPTLSMessage/isAck``);
    /// its version bits are not checked.
    public mutating func receiveAck(_ ack: EAPTLSMessage) throws(EAPError) {
        guard state == .awaitingAck else {
            throw EAPError(.stateViolation, state == .finished
                           ? "ACK after the last fragment: the server owes its own message, not an ACK"
                           : "ACK before any fragment was sent")
        }
        guard ack.isAck else {
            throw EAPError(.notAnAck, "expected an ACK of the fragment ending at \(offset), got \(ack)")
        }
        state = .ready
    }

    /// ``receiveAck(_:)`` then ``nextFragment()``.
    public mutating func next(afterAck ack: EAPTLSMessage) throws(EAPError) -> EAPTLSMessage {
        try receiveAck(ack)
        return try nextFragment()
    }

    private func includesLength(at position: Int) -> Bool {
        switch configuration.lengthField {
        case .everyFragment: return true
        case .firstFragment: return position == 0
        case .firstFragmentWhenFragmented: return position == 0 && fragmented
        }
    }

    private func capacity(at position: Int) -> Int {
        configuration.maxTypeDataSize - 1 - (includesLength(at: position) ? 4 : 0)
    }
}
