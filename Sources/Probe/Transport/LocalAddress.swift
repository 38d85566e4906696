#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Finds the source address the kernel would choose toward a destination: connect a UDP socket (no
/// packet is sent) and read its name. NPS rejects requests without NAS-IP-Address, so the default is
/// the address the server sees us come from.
enum LocalAddress {
    static func probe(toward server: SocketAddress) -> SocketAddress? {
        let family: Int32
        switch server {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: return nil
        }
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let connected: Int32 = server.withSockAddr { address, length in
            connect(fd, address, socklen_t(length))
        }
        guard connected == 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            }
            return SocketAddress(address, host: "")
        case AF_INET6:
            let address = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
            }
            return SocketAddress(address, host: "")
        default:
            return nil
        }
    }
}
