#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Evidence
import NIOCore

/// ICMP errors for the requests a UDP socket sent (RFC 1122 §4.1.3.3).
///
/// An unconnected UDP socket hears nothing of ICMP by default. On Linux `IP_RECVERR` / `IPV6_RECVERR`
/// (ip(7), ipv6(7)) queue each error with the datagram that caused it: its destination (`msg_name`), its
/// first octets (the RADIUS code and Identifier) and the ICMP type, code and sender. The kernel then reports
/// `ECONNREFUSED` and the like through the socket, which NIO passes to `errorCaught`; the queue is read
/// there with `MSG_ERRQUEUE`, so an exchange to a closed port ends at once, named, instead of waiting out
/// its retransmission schedule. Elsewhere the socket is NIO's own and ICMP errors are not seen.
enum SocketErrorQueue {
    /// One queued error: which request (destination and Identifier) and what came back.
    struct Entry {
        var destination: SocketAddress
        var identifier: UInt8
        var evidence: UnreachableEvidence
    }

    #if os(Linux)
    /// A non-blocking UDP socket bound to `host` (an address, port 0) with the error queue on, for
    /// `DatagramBootstrap.withBoundSocket`.
    static func openSocket(host: String) throws(ProbeError) -> Int32 {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: host, port: 0)
        } catch {
            throw ProbeError(.socket, "cannot bind to \(host): not an IP address")
        }
        let ipv6: Bool
        if case .v6 = address { ipv6 = true } else { ipv6 = false }
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET,
                                Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ProbeError(.socket, "socket(): \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        let level = ipv6 ? Int32(IPPROTO_IPV6) : Int32(IPPROTO_IP)
        let option = ipv6 ? IPV6_RECVERR : IP_RECVERR
        var failure: String?
        if setsockopt(descriptor, level, option, &on, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            failure = "setsockopt(RECVERR)"
        } else if address.withSockAddr({ bind(descriptor, $0, socklen_t($1)) }) != 0 {
            failure = "bind(\(host))"
        }
        if let failure {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ProbeError(.socket, "\(failure): \(reason)")
        }
        return descriptor
    }

    /// Reads every queued error of `descriptor` (without blocking).
    static func drain(_ descriptor: Int32) -> [Entry] {
        var entries: [Entry] = []
        // Bounded: a flood of ICMP errors is read a few hundred at a time (the rest on the next report).
        for _ in 0..<256 {
            var payload = [UInt8](repeating: 0, count: 32)
            var name = sockaddr_storage()
            var control = [UInt8](repeating: 0, count: 512)
            var controlLength = 0
            let received = payload.withUnsafeMutableBytes { payloadBytes in
                control.withUnsafeMutableBytes { controlBytes in
                    withUnsafeMutablePointer(to: &name) { namePointer in
                        var vector = iovec(iov_base: payloadBytes.baseAddress, iov_len: payloadBytes.count)
                        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                            var message = msghdr(
                                msg_name: UnsafeMutableRawPointer(namePointer),
                                msg_namelen: socklen_t(MemoryLayout<sockaddr_storage>.size), msg_iov: vectorPointer,
                                msg_iovlen: 1, msg_control: controlBytes.baseAddress,
                                msg_controllen: controlBytes.count, msg_flags: 0)
                            let count = recvmsg(descriptor, &message, Int32(MSG_ERRQUEUE | MSG_DONTWAIT))
                            controlLength = Int(message.msg_controllen)
                            return count
                        }
                    }
                }
            }
            guard received >= 0 else { break }
            guard received >= 2, let destination = socketAddress(name),
                  let evidence = extendedError(Array(control.prefix(controlLength)))
            else { continue }
            entries.append(Entry(destination: destination, identifier: payload[1], evidence: evidence))
        }
        return entries
    }

    /// The `sock_extended_err` of an `IP_RECVERR` / `IPV6_RECVERR` control message: errno (u32), origin,
    /// type, code, pad (u8 each), info, data (u32), then the offender's address (`SO_EE_OFFENDER`).
    private static func extendedError(_ control: [UInt8]) -> UnreachableEvidence? {
        let header = MemoryLayout<cmsghdr>.size
        let alignment = MemoryLayout<Int>.size
        var offset = 0
        while offset + header <= control.count {
            let (length, level, type) = control.withUnsafeBytes { raw -> (Int, Int32, Int32) in
                let message = raw.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
                return (Int(message.cmsg_len), message.cmsg_level, message.cmsg_type)
            }
            guard length >= header, offset + length <= control.count else { return nil }
            let data = Array(control[(offset + header)..<(offset + length)])
            let isIPv4 = level == Int32(IPPROTO_IP) && type == IP_RECVERR
            let isIPv6 = level == Int32(IPPROTO_IPV6) && type == IPV6_RECVERR
            if (isIPv4 || isIPv6), data.count >= 16 {
                // ee_origin: 2 ICMP, 3 ICMPv6 (SO_EE_ORIGIN_ICMP / _ICMP6); a local error has no ICMP numbers.
                let origin = data[4]
                guard origin == 2 || origin == 3 else { return nil }
                let icmpType = Int(data[5]), icmpCode = Int(data[6])
                var from: String?
                if data.count > 16 {
                    var offender = sockaddr_storage()
                    withUnsafeMutableBytes(of: &offender) { bytes in
                        for (index, byte) in data[16...].prefix(bytes.count).enumerated() { bytes[index] = byte }
                    }
                    from = socketAddress(offender)?.ipAddress
                }
                return UnreachableEvidence(
                    kind: UnreachableEvidence.kind(icmpType: icmpType, icmpCode: icmpCode, ipv6: origin == 3),
                    from: from, icmpType: icmpType, icmpCode: icmpCode)
            }
            offset += (length + alignment - 1) / alignment * alignment
        }
        return nil
    }
    #endif

    private static func socketAddress(_ storage: sockaddr_storage) -> SocketAddress? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.loadUnaligned(as: sockaddr_in.self)) }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.loadUnaligned(as: sockaddr_in6.self)) }
        default:
            return nil
        }
    }
}
