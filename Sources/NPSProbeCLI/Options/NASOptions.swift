import ArgumentParser
import Foundation
import Probe
import RADIUS

/// The attributes a NAS (VPN server, access point) puts in every Access-Request.
struct NASOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "NAS-IP-Address (default: the local address toward the first server; NPS rejects requests without one).",
        valueName: "address"))
    var nasIPAddress: String?

    @Option(help: ArgumentHelp("NAS-Identifier.", valueName: "name"))
    var nasIdentifier: String?

    @Option(help: ArgumentHelp("Calling-Station-Id (a MAC address for Wi-Fi, the client IP for VPN).",
                               valueName: "id"))
    var callingStationId: String?

    @Option(name: .customLong("attr"), help: ArgumentHelp(
        "Extra attribute NAME=VALUE with dictionary names (repeatable), e.g. NAS-Port-Type=Virtual, Tunnel-Type:1=VLAN.",
        valueName: "name=value"))
    var attributes: [String] = []

    /// NAS-IP-Address (or NAS-IPv6-Address), NAS-Identifier, Calling-Station-Id and `--attr` extras.
    func requestAttributes(dictionary: RADIUSDictionary, firstServer: ServerAddress) throws(LocalError)
        -> [RADIUSAttribute]
    {
        var out: [RADIUSAttribute] = []
        if let text = nasIPAddress {
            if let v4 = IPv4Address(text) {
                out.append(RADIUSAttribute(.nasIPAddress, v4.octets))
            } else if let v6 = IPv6Address(text) {
                out.append(RADIUSAttribute(.nasIPv6Address, v6.octets))
            } else {
                throw LocalError("--nas-ip-address \(text) is not an IPv4 or IPv6 address")
            }
        } else if let local = RADIUSTransport.localAddress(toward: firstServer.socketAddress),
                  let text = local.ipAddress {
            if let v4 = IPv4Address(text) {
                out.append(RADIUSAttribute(.nasIPAddress, v4.octets))
            } else if let v6 = IPv6Address(text) {
                out.append(RADIUSAttribute(.nasIPv6Address, v6.octets))
            }
        }
        if let nasIdentifier { out.append(RADIUSAttribute(.nasIdentifier, string: nasIdentifier)) }
        if let callingStationId { out.append(RADIUSAttribute(.callingStationId, string: callingStationId)) }
        for text in attributes {
            do {
                out.append(try dictionary.attribute(fromText: text))
            } catch {
                throw LocalError("--attr \(text): \(error)")
            }
        }
        return out
    }
}

/// `-v` and `--json`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Show every packet, decoded with the dictionary (secrets masked), on stderr.")
    var verbose = false

    @Flag(help: "Print one JSON object on stdout instead of the human report.")
    var json = false
}
