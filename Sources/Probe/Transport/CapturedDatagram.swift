#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import Synchronization

/// An IP address (4 octets for IPv4, 16 for IPv6) and a UDP port: one end of a captured datagram.
public struct DatagramEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: [UInt8]
    public var port: UInt16

    public init(address: [UInt8], port: UInt16) {
        self.address = address
        self.port = port
    }

    /// The address and port of an IPv4 or IPv6 socket address; nil for other families.
    public init?(_ socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let v4):
            address = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            address = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
        port = UInt16(clamping: socketAddress.port ?? 0)
    }

    public var isIPv6: Bool { address.count == 16 }
    /// 0.0.0.0 or `::` (a socket bound to the wildcard address).
    public var isUnspecified: Bool { address.allSatisfy { $0 == 0 } }

    public var description: String {
        let host = isIPv6
            ? stride(from: 0, to: 16, by: 2)
                .map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }.joined(separator: ":")
            : address.map(String.init).joined(separator: ".")
        return isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// One UDP datagram as it crossed a socket of the transport, byte for byte: what a packet capture holds.
/// Every transmission of a request (retransmissions too) and every datagram read for a pending request
/// (replies that fail verification too) is one.
public struct CapturedDatagram: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case sent, received
    }

    public var direction: Direction
    /// Wall-clock time the socket was handed the datagram or read it, in nanoseconds since 1970-01-01 UTC.
    public var nanosecondsSince1970: UInt64
    /// Our end: the socket's address (the wildcard address until ``PacketCapture`` names the real one).
    public var local: DatagramEndpoint
    /// The server's end.
    public var remote: DatagramEndpoint
    /// The UDP payload: the RADIUS packet as encoded on the wire.
    public var payload: [UInt8]

    public init(direction: Direction, nanosecondsSince1970: UInt64, local: DatagramEndpoint, remote: DatagramEndpoint,
                payload: [UInt8]) {
        self.direction = direction
        self.nanosecondsSince1970 = nanosecondsSince1970
        self.local = local
        self.remote = remote
        self.payload = payload
    }

    public var source: DatagramEndpoint { direction == .sent ? local : remote }
    public var destination: DatagramEndpoint { direction == .sent ? remote : local }

    /// A datagram seen now on a socket (nil for addresses that are neither IPv4 nor IPv6).
    static func now(_ direction: Direction, local: SocketAddress?, remote: SocketAddress, payload: [UInt8])
        -> CapturedDatagram?
    {
        guard let remoteEnd = DatagramEndpoint(remote) else { return nil }
        let localEnd = local.flatMap(DatagramEndpoint.init)
            ?? DatagramEndpoint(address: [UInt8](repeating: 0, count: remoteEnd.address.count), port: 0)
        return CapturedDatagram(direction: direction, nanosecondsSince1970: wallClockNanoseconds(), local: localEnd,
                                remote: remoteEnd, payload: payload)
    }
}

func wallClockNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Collects the datagrams of a run from the conversations' observer (``PacketEvent/datagram(_:)``), for
/// `--pcap`. Thread-safe; bounded: past `limit` datagrams further ones are only counted (``dropped``).
///
/// A socket bound to the wildcard address (0.0.0.0, `::`) does not know its source address; the capture names
/// the one the kernel uses toward the server (as NAS-IP-Address's default does), so the capture shows the
/// addresses a capture on the wire would.
public final class PacketCapture: Sendable {
    public let limit: Int
    private struct State {
        var datagrams: [CapturedDatagram] = []
        var dropped = 0
        var sourceToward: [DatagramEndpoint: [UInt8]] = [:]
    }
    private let state = Mutex(State())

    public init(limit: Int = 100_000) { self.limit = max(0, limit) }

    /// Records the `.datagram` events it is given and ignores the others.
    public var observer: PacketObserver {
        { [self] event in
            if case .datagram(let datagram) = event { record(datagram) }
        }
    }

    public func record(_ datagram: CapturedDatagram) {
        var datagram = datagram
        if datagram.local.isUnspecified {
            let remote = datagram.remote
            let known = state.withLock { $0.sourceToward[remote] }
            let address = known ?? Self.sourceAddress(toward: remote) ?? datagram.local.address
            if known == nil { state.withLock { $0.sourceToward[remote] = address } }
            datagram.local.address = address
        }
        state.withLock { state in
            if state.datagrams.count < limit { state.datagrams.append(datagram) } else { state.dropped += 1 }
        }
    }

    /// The datagrams in the order the sockets saw them.
    public var datagrams: [CapturedDatagram] {
        state.withLock { $0.datagrams }.sorted { $0.nanosecondsSince1970 < $1.nanosecondsSince1970 }
    }
    /// Datagrams not kept because ``limit`` was reached.
    public var dropped: Int { state.withLock { $0.dropped } }

    private static func sourceAddress(toward remote: DatagramEndpoint) -> [UInt8]? {
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(
                packedIPAddress: ByteBuffer(bytes: remote.address), port: Int(remote.port))
        } catch {
            return nil
        }
        guard let local = LocalAddress.probe(toward: socketAddress) else { return nil }
        return DatagramEndpoint(local)?.address
    }
}

/// Several observers as one (nil when there is none); each event goes to each, in order.
public func combinedObserver(_ observers: [PacketObserver?]) -> PacketObserver? {
    let present = observers.compactMap { $0 }
    if present.isEmpty { return nil }
    if present.count == 1 { return present[0] }
    return { event in for observer in present { observer(event) } }
}
