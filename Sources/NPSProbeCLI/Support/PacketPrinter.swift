import Foundation
import NPS
import Probe
import RADIUS

/// The `-v` trace: every packet decoded with the dictionary, secrets masked, on standard error.
enum PacketPrinter {
    static func observer(dictionary: RADIUSDictionary) -> PacketObserver {
        { event in
            switch event {
            case .sent(let packet, let server, _):
                Console.err("→ \(packet.code) id=\(packet.identifier) to \(server) (\(packet.encodedLength) B)")
                printAttributes(packet, dictionary: dictionary)
            case .received(let packet, let server, let latency):
                Console.err(
                    "← \(packet.code) id=\(packet.identifier) from \(server) (\(packet.encodedLength) B, "
                        + "\(format(milliseconds: latency.milliseconds)))")
                printAttributes(packet, dictionary: dictionary)
            case .discarded(let datagram):
                Console.err("✗ discarded \(datagram.size) B from \(datagram.from): \(datagram.reason)")
            case .timedOut(let server, let transmissions):
                Console.err("… no verified answer from \(server) after \(transmissions) transmission(s)")
            case .note(let text):
                Console.err("· \(text)")
            }
        }
    }

    static func printAttributes(_ packet: RADIUSPacket, dictionary: RADIUSDictionary) {
        for described in dictionary.describe(packet.attributes, options: .init(maskSecrets: true)) {
            Console.err("    \(described)")
        }
    }

    static func format(milliseconds: Double) -> String {
        milliseconds < 10 ? String(format: "%.2f ms", milliseconds) : String(format: "%.0f ms", milliseconds)
    }
}
