import TLSTestSupport
import TLS

@testable import RADIUS

/// Requests built by this module, deterministically (seeded randomness), that were sent to FreeRADIUS 3.2.1 to
/// record its replies in Vectors/npsprobe-built.json.
struct BuiltRequest {
    let name: String
    /// FreeRADIUS's port in the capture set-up: 18999 auth, 19000 accounting, 19001 CoA.
    let port: Int
    let packet: RADIUSPacket
}

func npsprobeBuiltRequests() throws -> [BuiltRequest] {
    let nas = RADIUSAttribute(.nasIPAddress, [127, 0, 0, 1])
    func access(_ id: UInt8, _ seed: String, _ attributes: [RADIUSAttribute]) throws -> RADIUSPacket {
        try RADIUSPacket.accessRequest(
            identifier: id, attributes: attributes, secret: testing123, random: SeededRandom(seed: seed))
    }
    let session = [
        RADIUSAttribute(.userName, string: "alice"), RADIUSAttribute(.acctSessionId, string: "npsprobe-1"), nas,
    ]
    return [
        BuiltRequest(
            name: "pap-accept", port: 18999,
            packet: try access(
                42, "npsprobe-pap",
                [
                    RADIUSAttribute(.userName, string: "alice"), RADIUSAttribute(.userPassword, string: "arctangent"),
                    nas, RADIUSAttribute(.nasPortType, integer: 5),
                    RADIUSAttribute(.callingStationId, string: "00-11-22-33-44-55"),
                ])),
        BuiltRequest(
            name: "pap-128", port: 18999,
            packet: try access(
                43, "npsprobe-pap-128",
                [
                    RADIUSAttribute(.userName, string: "longpw"),
                    RADIUSAttribute(.userPassword, string: String(repeating: "0123456789abcdef", count: 8)), nas,
                ])),
        BuiltRequest(
            name: "pap-17-reject", port: 18999,
            packet: try access(
                44, "npsprobe-pap-17",
                [
                    RADIUSAttribute(.userName, string: "alice"),
                    RADIUSAttribute(.userPassword, string: "0123456789abcdefX"), nas,
                ])),
        BuiltRequest(
            name: "status-server", port: 18999,
            packet: try RADIUSPacket.statusServer(
                identifier: 45, attributes: [RADIUSAttribute(.nasIdentifier, string: "npsprobe")], secret: testing123,
                random: SeededRandom(seed: "npsprobe-status"))),
        BuiltRequest(
            name: "accounting", port: 19000,
            packet: try RADIUSPacket.accountingRequest(
                identifier: 46,
                attributes: session + [
                    RADIUSAttribute(.acctStatusType, integer: 1),
                    RADIUSAttribute(.eventTimestamp, integer: 1_700_000_000),
                ], secret: testing123)),
        BuiltRequest(
            name: "accounting-ma", port: 19000,
            packet: try RADIUSPacket.accountingRequest(
                identifier: 47, attributes: session + [RADIUSAttribute(.acctStatusType, integer: 2)],
                secret: testing123, messageAuthenticator: true)),
        BuiltRequest(
            name: "coa-ma", port: 19001,
            packet: try RADIUSPacket.dynamicAuthorizationRequest(
                .coaRequest, identifier: 48, attributes: session + [RADIUSAttribute(.sessionTimeout, integer: 60)],
                secret: testing123, messageAuthenticator: true)),
        BuiltRequest(
            name: "disconnect", port: 19001,
            packet: try RADIUSPacket.dynamicAuthorizationRequest(
                .disconnectRequest, identifier: 49, attributes: session, secret: testing123)),
        BuiltRequest(
            name: "eap-identity", port: 18999,
            packet: try {
                var attributes = [RADIUSAttribute(.userName, string: "bob"), nas]
                attributes.appendEAPMessage([2, 1, 0, 8, 1] + Array("bob".utf8))
                return try access(50, "npsprobe-eap", attributes)
            }()),
    ]
}
