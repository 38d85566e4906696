import ArgumentParser
import Foundation
import Jobs
import Profiles
import Reports

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

    @Option(help: ArgumentHelp("Called-Station-Id (the access point or VPN server address).", valueName: "id"))
    var calledStationId: String?

    @Option(help: ArgumentHelp(
        "Look like this kind of NAS: vpn (NAS-Port-Type Virtual, Service-Type Framed-User, Framed-Protocol PPP, as "
            + "RRAS sends), wifi (Wireless-802.11, Framed-MTU 1400), wired (Ethernet), none (default).",
        valueName: "kind"))
    var nasType: AuthSettings.NAS.Kind?

    @Option(name: .customLong("attr"), help: ArgumentHelp(
        "Extra attribute NAME=VALUE with dictionary names (repeatable), e.g. NAS-Port-Type=Virtual, "
            + "Tunnel-Type:1=VLAN. It replaces a default (the NAS-IP-Address found toward the server, the "
            + "--nas-type preset); a second copy of an attribute an option sets (--nas-identifier, --framed-mtu…) "
            + "or npsprobe builds (User-Name, User-Password, EAP-Message, State…) is refused.",
        valueName: "name=value"))
    var attributes: [String] = []

    @Option(name: .customLong("proxy-state"), help: ArgumentHelp(
        "Add a Proxy-State attribute to every Access-Request, as a RADIUS proxy does (RFC 2865 §5.33; repeatable): "
            + "text, or 0x and hex. Tests NPS's limitProxyState (KB5040268), which drops requests holding "
            + "Proxy-State without Message-Authenticator (event 4418); npsprobe always signs its requests.",
        valueName: "value"))
    var proxyStates: [String] = []

    func validate() throws {
        for text in proxyStates {
            if let problem = AuthSettings.proxyStateProblem(text) { throw ValidationError("--proxy-state: \(problem)") }
        }
    }

    /// The NAS part of `AuthSettings` (attributes are resolved against the dictionary when the case is prepared).
    func apply(to settings: inout AuthSettings) {
        let nas = AuthSettings.NAS(
            ipAddress: nasIPAddress, identifier: nasIdentifier, callingStationId: callingStationId,
            calledStationId: calledStationId, kind: nasType)
        if !nas.isEmpty { settings.nas = nas }
        if !attributes.isEmpty { settings.attributes = attributes }
        if !proxyStates.isEmpty { settings.proxyStates = proxyStates }
    }
}

/// `-v` and `--json`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Show every packet, decoded with the dictionary (secrets masked), on stderr.")
    var verbose = false

    @Flag(help: "Print one JSON object on stdout instead of the human report.")
    var json = false
}
