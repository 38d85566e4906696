import Foundation
import NIOCore

/// A RADIUS server as the user named it (`host`, `host:port`, `[v6]:port`, bare IPv6) and its resolved
/// socket address.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var socketAddress: SocketAddress

    /// Parses `HOST[:PORT]`; the default port is 1812 (RFC 2865 §3) or 1813 for accounting.
    public init(parsing text: String, defaultPort: Int = 1812) throws(ProbeError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ProbeError(.badServerAddress, "empty server address") }
        var host = trimmed
        var port = defaultPort
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                throw ProbeError(.badServerAddress, "'\(text)': missing ']' after an IPv6 address")
            }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else {
                    throw ProbeError(.badServerAddress, "'\(text)': expected ':PORT' after ']'")
                }
                port = p
            }
        } else if trimmed.filter({ $0 == ":" }).count == 1 {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            host = String(parts[0])
            guard let p = Int(parts[1]) else {
                throw ProbeError(.badServerAddress, "'\(text)': port '\(parts[1])' is not a number")
            }
            port = p
        }
        guard (1...65535).contains(port) else {
            throw ProbeError(.badServerAddress, "'\(text)': port \(port) is out of range 1–65535")
        }
        guard !host.isEmpty else { throw ProbeError(.badServerAddress, "'\(text)': empty host name") }
        do {
            socketAddress = try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch let error as SocketAddressError.UnknownHost {
            // getaddrinfo's own words ("Name or service not known"), without NIO's type name and error number.
            throw ProbeError(.badServerAddress, "cannot resolve '\(host)': \(error.errorDescription.lowercasedFirst)")
        } catch {
            throw ProbeError(.badServerAddress, "cannot resolve '\(host)'")
        }
        self.host = host
        self.port = port
    }

    public init(socketAddress: SocketAddress) {
        self.socketAddress = socketAddress
        self.host = socketAddress.ipAddress ?? "\(socketAddress)"
        self.port = socketAddress.port ?? 0
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension ServerAddress {
    /// The same host on another port.
    public func withPort(_ port: Int) -> ServerAddress {
        var copy = self
        copy.port = port
        copy.socketAddress.port = port
        return copy
    }

    /// Where this authentication server's accounting is by convention: port 1813 beside 1812 (RFC 2866 §3), else
    /// the next port (FreeRADIUS and the lab); nil on port 65535.
    public var accountingCounterpart: ServerAddress? {
        let next = port == 1812 ? 1813 : port + 1
        return next <= 65535 ? withPort(next) : nil
    }
}

extension String {
    /// "Name or service not known" → "name or service not known", to follow a colon.
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
