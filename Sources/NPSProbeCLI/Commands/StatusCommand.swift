import ArgumentParser
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import Reports

/// `npsprobe status`: Status-Server (RFC 5997), the RADIUS "ping".
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Ask each server for its status with Status-Server (RFC 5997).",
        discussion: """
            A server that does not implement Status-Server stays silent (RFC 5997 §3); NPS is one of them. \
            No answer is therefore reported as "no answer: not supported or unreachable", not as down.

            Exit status: 0 every server answered, 1 some answered and some did not, 2 no server answered, 3 \
            local error (bad input, a server name that does not resolve).
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    struct ServerStatus: Encodable {
        var server: String
        var outcome: String
        var latencyMs: Double?
        var transmissions: Int
        var replyCode: String?
        var replyAttributes: [AuthJSON.Attribute]
        var discarded: [DiscardedDatagram]
        var error: String?
        /// The network refused the request (ICMP port or host unreachable), when it did.
        var unreachable: UnreachableEvidence?
    }

    func run() async throws {
        let dictionary = try connection.dictionary.load()
        let configuration: RADIUSClientConfiguration
        do {
            configuration = try CasePreparation.client(connection.settings())
        } catch {
            throw LocalError(error.hint.map { "\(error.reason) (\($0))" } ?? error.reason)
        }
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        var results: [ServerStatus] = []
        for server in configuration.servers {
            // Each server on its own (no failover). FreeRADIUS answers Status-Server without
            // Message-Authenticator: verify it when present only.
            var single = configuration
            single.servers = [server]
            single.replyPolicy = .lenient
            let client = RADIUSClient(transport: transport, configuration: single)
            do {
                let trip = try await client.send(
                    .statusServer, attributes: [],
                    observer: output.verbose ? PacketPrinter.observer(dictionary: dictionary) : nil)
                let record = trip.evidence.last
                let described = CaseRunner.replyAttributes(trip.reply, dictionary: dictionary).map {
                    AuthJSON.Attribute(name: $0.name, value: $0.value)
                }
                results.append(ServerStatus(
                    server: "\(server)", outcome: trip.reply == nil ? "no_answer" : "up",
                    latencyMs: trip.reply == nil ? nil : record?.latencyMilliseconds,
                    transmissions: record?.transmissions ?? 0, replyCode: trip.reply?.code.description,
                    replyAttributes: described, discarded: record?.discarded ?? [], unreachable: record?.unreachable))
            } catch {
                results.append(ServerStatus(
                    server: "\(server)", outcome: "error", transmissions: 0, replyAttributes: [], discarded: [],
                    error: error.reason))
            }
        }
        await transport.shutdown()
        if output.json {
            Console.out(try JSONOutput.render(results))
        } else {
            for result in results {
                switch result.outcome {
                case "up":
                    Console.out("UP  \(result.server): \(result.replyCode ?? "?") in "
                                + ReportFormat.milliseconds(result.latencyMs ?? 0))
                    for attribute in result.replyAttributes {
                        Console.out("    \(attribute.name) = \(attribute.value)")
                    }
                case "no_answer" where result.unreachable != nil:
                    Console.out("NO ANSWER  \(result.server): \(result.unreachable!.summary)")
                case "no_answer":
                    var line = "NO ANSWER  \(result.server) after \(result.transmissions) transmission(s): "
                        + "Status-Server not supported (NPS does not implement it), or the server is unreachable"
                    if !result.discarded.isEmpty {
                        line += "; \(result.discarded.count) reply(ies) failed verification: "
                            + (result.discarded.first?.reason ?? "")
                    }
                    Console.out(line)
                default:
                    Console.out("ERROR  \(result.server): \(result.error ?? "unknown")")
                }
            }
        }
        throw ExitCode(Self.exitStatus(results.map(\.outcome)).rawValue)
    }

    /// 3 a local error, 2 no server answered, 1 some did not, 0 every one did.
    static func exitStatus(_ outcomes: [String]) -> ExitStatus {
        if outcomes.contains("error") { return .localError }
        let silent = outcomes.filter { $0 == "no_answer" }.count
        if silent == 0 { return .success }
        return silent == outcomes.count ? .noAnswer : .rejected
    }
}
