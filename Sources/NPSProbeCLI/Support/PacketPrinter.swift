import Evidence
import Foundation
import Jobs
import NPS
import Probe
import RADIUS
import Reports

/// The `-v` trace: every packet decoded with the dictionary, secrets masked, on standard error.
enum PacketPrinter {
    static func observer(dictionary: RADIUSDictionary) -> PacketObserver {
        { event in
            switch event {
            case .sent(let packet, let server):
                Console.err("→ \(packet.code) id=\(packet.identifier) to \(server) (\(packet.encodedLength) B)")
                printAttributes(packet, dictionary: dictionary)
            case .received(let packet, let server, let latency):
                Console.err(
                    "← \(packet.code) id=\(packet.identifier) from \(server) (\(packet.encodedLength) B, "
                        + "\(ReportFormat.milliseconds(latency.milliseconds)))")
                printAttributes(packet, dictionary: dictionary)
            case .discarded(let datagram):
                Console.err("✗ discarded \(datagram.size) B from \(datagram.from): \(datagram.reason)")
            case .timedOut(let server, let transmissions):
                Console.err("… no verified answer from \(server) after \(transmissions) transmission(s)")
            case .unreachable(let server, let unreachable):
                Console.err("✗ \(server): \(unreachable.summary)")
            case .note(let text):
                Console.err("· \(text)")
            case .datagram:
                break  // the packets are shown decoded above; datagrams are for captures
            }
        }
    }

    /// The attributes, decoded; the EAP-Message pieces (RFC 3579 §3.1) as one line saying what EAP packet
    /// they carry (the EAP and TLS steps follow as their own lines).
    static func printAttributes(_ packet: RADIUSPacket, dictionary: RADIUSDictionary) {
        let eapPieces = packet.attributes.all(.eapMessage).count
        var eapShown = false
        for attribute in packet.attributes {
            if attribute.type == RADIUSAttributeType.eapMessage.rawValue {
                guard !eapShown, let eap = packet.attributes.eapMessage else { continue }
                eapShown = true
                Console.err("    EAP-Message = \(EAPDescriptions.packet(eap))"
                            + (eapPieces > 1 ? " in \(eapPieces) attributes" : ""))
                continue
            }
            for described in dictionary.describe(attribute, options: .init(maskSecrets: true)) {
                Console.err("    \(described)")
            }
        }
    }
}
