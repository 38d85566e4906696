/// Reassembles one incoming TLS message from EAP-TLS/PEAP fragments (RFC 5216 §2.1.5, [MS-PEAP] §3.1.5.2).
///
/// One message per value: after ``Output/complete(_:)`` further fragments are refused with
/// ``EAPError/Code/fragmentAfterLast`` until ``reset()`` begins the next message (the method resets once it has
/// answered). Each fragment is validated before the state changes, so an error leaves the reassembler as it was.
///
/// Rules:
/// - the first fragment may carry L (the total length), which must not exceed ``maximumMessageSize`` (64 KiB by
///   default, as hostapd); without L the length is unknown but the received total is still capped;
/// - L on later fragments (NPS sends it on every one) must repeat the same total;
/// - more data than the declared total, or fewer when the last fragment (M clear) arrives, is an error;
/// - fragments without data are refused, except a last fragment that completes a message already started;
/// - ACKs (no flags, no data) and Starts are the method's business and are refused here.
public struct TLSReassembler: Sendable {
    public enum Output: Hashable, Sendable {
        /// More fragments are needed: the peer answers with an ACK.
        case needMore
        /// The whole TLS message.
        case complete([UInt8])
    }

    /// hostapd's cap on a reassembled TLS message.
    public static let defaultMaximumMessageSize = 65536

    private enum State: Hashable, Sendable {
        case idle
        case receiving(declared: Int?, buffer: [UInt8])
        case finished
    }

    public let maximumMessageSize: Int
    private var state = State.idle

    public init(maximumMessageSize: Int = TLSReassembler.defaultMaximumMessageSize) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// A message has started and is not complete.
    public var isReceiving: Bool {
        if case .receiving = state { return true }
        return false
    }

    /// The last message completed and ``reset()`` has not been called.
    public var isFinished: Bool { state == .finished }

    /// Octets of the current message received so far.
    public var receivedCount: Int {
        if case .receiving(_, let buffer) = state { return buffer.count }
        return 0
    }

    /// The total length the server declared for the current message, if it sent L.
    public var declaredLength: Int? {
        if case .receiving(let declared, _) = state { return declared }
        return nil
    }

    /// Forgets any partial or finished message; the next fragment starts a new one.
    public mutating func reset() { state = .idle }

    /// Accepts one fragment.
    public mutating func receive(_ fragment: EAPTLSMessage) throws(EAPError) -> Output {
        if fragment.isStart {
            throw EAPError(.unexpectedStart, isReceiving
                           ? "Start (S flag) after \(receivedCount) octets of a fragmented message"
                           : "a Start is handled by the method, not reassembled")
        }
        let more = fragment.flags.contains(.moreFragments)
        let announced = fragment.tlsMessageLength.map { Int($0) }

        let declared: Int?
        let receivedSoFar: Int
        switch state {
        case .finished:
            throw EAPError(.fragmentAfterLast, "a fragment of \(fragment.data.count) octets arrived after the last "
                           + "fragment of the previous message, before a new message was begun")
        case .idle:
            guard !fragment.data.isEmpty else {
                throw EAPError(.emptyFragment, fragment.flags.isEmpty
                               ? "an ACK is handled by the method, not reassembled"
                               : "the first fragment (flags \(fragment.flags)) carries no TLS data")
            }
            if let announced, announced > maximumMessageSize {
                throw EAPError(.messageTooLong,
                               "TLS Message Length \(announced) exceeds the \(maximumMessageSize)-octet cap")
            }
            declared = announced
            receivedSoFar = 0
        case .receiving(let previous, let received):
            if fragment.data.isEmpty && more {
                throw EAPError(.emptyFragment, "a middle fragment (M set) carries no TLS data after "
                               + "\(received.count) octets")
            }
            if let announced, let previous, announced != previous {
                throw EAPError(.lengthMismatch,
                               "TLS Message Length changed from \(previous) to \(announced) within one message")
            }
            if let announced, previous == nil, announced > maximumMessageSize {
                throw EAPError(.messageTooLong,
                               "TLS Message Length \(announced) exceeds the \(maximumMessageSize)-octet cap")
            }
            declared = previous ?? announced
            receivedSoFar = received.count
        }

        let total = receivedSoFar + fragment.data.count
        if let declared, total > declared {
            throw EAPError(.lengthExceeded,
                           "\(total) octets received, the TLS Message Length declared \(declared)")
        }
        if total > maximumMessageSize {
            throw EAPError(.messageTooLong, "\(total) octets received without a declared length, "
                           + "over the \(maximumMessageSize)-octet cap")
        }
        if !more, let declared, total != declared {
            throw EAPError(.lengthMismatch,
                           "last fragment (M clear) leaves \(total) of the \(declared) declared octets")
        }

        // Validated: take the buffer out of the state so that appending does not copy it.
        var buffer: [UInt8] = []
        if case .receiving(_, let received) = state { buffer = received }
        state = .idle
        if buffer.isEmpty, let declared { buffer.reserveCapacity(declared) }
        buffer += fragment.data
        if more {
            state = .receiving(declared: declared, buffer: buffer)
            return .needMore
        }
        state = .finished
        return .complete(buffer)
    }
}
