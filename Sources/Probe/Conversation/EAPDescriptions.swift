import EAP
import TLS

/// One-line texts for EAP packets and trace events: the `-v` trace and the round-trip evidence.
public enum EAPDescriptions {
    /// `Response/TLS id=5 [LM] 1403 B`, `Request/PEAP id=9 ACK`, `Success id=12`, or why it does not decode.
    public static func packet(_ bytes: [UInt8]) -> String {
        guard let packet = try? EAPPacket(decoding: bytes) else { return "undecodable EAP (\(bytes.count) B)" }
        var text = "\(packet.code)"
        if let type = packet.type {
            text += "/\(type)"
            if let expanded = packet.expandedType { text += "(\(expanded.vendorID)/\(expanded.vendorType))" }
        }
        text += " id=\(packet.identifier)"
        if packet.type == .tls || packet.type == .peap, let framed = try? packet.tlsMessage() {
            if framed.flags.isEmpty && framed.data.isEmpty && framed.tlsMessageLength == nil {
                text += " ACK"
            } else {
                text += " [\(framed.flags)] \(framed.data.count) B TLS"
            }
        }
        return text + " (\(bytes.count) B)"
    }

    public static func event(_ event: EAPTraceEvent) -> String {
        switch event {
        case .identitySent(let identity): return "EAP identity \"\(identity)\" sent"
        case .requestReceived(let id, let type, let flags, let length):
            return "EAP Request/\(EAPType(type)) id=\(id)\(flags.map { " flags=\(EAPTLSFlags(rawValue: $0))" } ?? "") "
                + "length=\(length)"
        case .responseSent(let id, let type, let flags, let length):
            return "EAP Response/\(EAPType(type)) id=\(id)\(flags.map { " flags=\(EAPTLSFlags(rawValue: $0))" } ?? "") "
                + "length=\(length)"
        case .duplicateRequest(let id): return "duplicate request id=\(id): last response sent again"
        case .nakSent(let offered, let desired):
            return "Nak: server proposed \(EAPType(offered)), we asked for \(desired.map { "\(EAPType($0))" })"
        case .methodStarted(let type): return "method \(EAPType(type)) started"
        case .fragmentSent(let index, let count, let bytes): return "fragment \(index)/\(count) sent (\(bytes) B TLS)"
        case .fragmentReceived(let bytes, let flags):
            return "fragment received (\(bytes) B TLS, flags \(EAPTLSFlags(rawValue: flags)))"
        case .ackSent: return "ACK sent"
        case .ackReceived: return "ACK received"
        case .tlsEvent(let tls): return "TLS \(tls)"
        case .tlsEstablished(let version, let cipher, let resumed):
            return "TLS established: \(version ?? "?") \(cipher ?? "?")\(resumed ? " (resumed)" : "")"
        case .protectedSuccessIndication: return "TLS 1.3 protected success indication (0x00) received"
        case .innerIdentitySent(let identity): return "inner identity \"\(identity)\" sent"
        case .innerRequest(let type): return "inner request \(EAPType(type))"
        case .innerNakSent(let offered, let desired):
            return "inner Nak: server proposed \(EAPType(offered)), we asked for \(desired.map { "\(EAPType($0))" })"
        case .innerTLSEvent(let tls): return "inner TLS \(tls)"
        case .innerTLSEstablished(let version, let cipher, let resumed):
            return "inner TLS established: \(version ?? "?") \(cipher ?? "?")\(resumed ? " (resumed)" : "")"
        case .msCHAPv2Challenge: return "MS-CHAPv2 challenge received"
        case .msCHAPv2Success(let verified):
            return verified ? "MS-CHAPv2 success: the server proved it knows the password"
                : "MS-CHAPv2 success that does NOT verify"
        case .msCHAPv2Failure(let failure): return "MS-CHAPv2 failure: \(failure.text)"
        case .changePasswordSent: return "MS-CHAPv2 change-password sent"
        case .capabilitiesAnswered: return "Microsoft capabilities request answered"
        case .sohDeclined: return "Statement-of-Health request declined"
        case .resultTLV(let success): return "Result TLV: \(success ? "success" : "failure")"
        case .cryptoBinding(let outcome): return "crypto-binding: \(outcome)"
        case .tunneledResult(let success): return "tunneled EAP-\(success ? "Success" : "Failure")"
        case .notification(let text): return "EAP notification: \(text)"
        case .eapSuccess: return "EAP-Success"
        case .eapFailure: return "EAP-Failure"
        }
    }
}
