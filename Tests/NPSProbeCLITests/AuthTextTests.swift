import Evidence
import Foundation
import LabSupport
import NPS
import RADIUS
import Reports
import Testing

@testable import NPSProbeCLI
@testable import Probe

/// The human `auth` report on recorded conversations (issue 12): the default is short, `-v` says each thing once,
/// and timeouts list only what went unanswered.
@Suite("auth text")
struct AuthTextTests {
    static let dictionary = try! DictionaryLocator.load(
        directory: NPSProbeBinary.packageRoot.appendingPathComponent("Dictionaries").path, additional: [])

    static func trip(_ number: Int, server: String = "127.0.0.1:18135", size: Int, answered: Bool)
        -> RoundTripEvidence
    {
        RoundTripEvidence(
            server: server, requestCode: .accessRequest, identifier: number, requestSize: size,
            requestHadState: number > 1, transmissions: answered ? 1 : 2, latencyMilliseconds: answered ? 2 : 3000,
            replyCode: answered ? .accessChallenge : nil, replySize: answered ? 1100 : nil, replyHasState: answered)
    }

    static func render(_ evidence: ConversationEvidence, reply: RADIUSPacket? = nil, verbose: Bool) -> String {
        let report = ConversationReport(evidence: evidence, finalRequest: nil, finalReply: reply, eapResult: nil,
                                        elapsed: .milliseconds(3000))
        return AuthText.render(report: report, diagnosis: Diagnoser.diagnose(evidence), dictionary: dictionary,
                               verbose: verbose)
    }

    /// The small-path 809: four answered requests, the fifth (large) lost. Details listed all five as
    /// "no verified answer".
    @Test func timeoutListsOnlyUnansweredRequests() {
        let trips = [Self.trip(1, size: 99, answered: true), Self.trip(2, size: 279, answered: true),
                     Self.trip(3, size: 95, answered: true), Self.trip(4, size: 95, answered: true),
                     Self.trip(5, size: 1392, answered: false)]
        let evidence = ConversationEvidence(
            outcome: .timeout, method: "eap-tls", identity: "alice", server: "127.0.0.1:18135", roundTrips: trips,
            eap: EAPEvidence(method: "EAP-TLS", methodType: 13))
        let verbose = Self.render(evidence, verbose: true)
        #expect(verbose.contains("large requests are lost on the path"), "\(verbose)")
        #expect(verbose.components(separatedBy: "no verified").count - 1 == 1, "\(verbose)")
        #expect(verbose.contains("round trip 5: a 1392-byte Access-Request"))

        // Failover: the first server's silence is a detail the verdict's lines do not state.
        let failover = ConversationEvidence(
            outcome: .timeout, method: "pap", identity: "alice", server: "127.0.0.1:2",
            roundTrips: [Self.trip(1, server: "127.0.0.1:1", size: 90, answered: false),
                         Self.trip(1, server: "127.0.0.1:2", size: 90, answered: false)])
        let lines = Self.render(failover, verbose: true).split(separator: "\n")
        #expect(lines.contains { $0.contains("round trip 1: 2 transmission(s) of a 90-byte Access-Request to "
                                             + "127.0.0.1:1, no verified answer") }, "\(lines)")
    }

    /// A refusal: about five lines by default; `-v` has the evidence, the other readings and details, and the
    /// Reply-Message once.
    @Test func refusalDefaultIsShortVerboseSaysEachThingOnce() {
        let reply = RADIUSPacket(code: .accessReject, identifier: 7, authenticator: [UInt8](repeating: 0, count: 16),
                                 attributes: [RADIUSAttribute(.replyMessage, string: "Request denied"),
                                              RADIUSAttribute(.class, string: "lab-class")])
        let evidence = ConversationEvidence(
            outcome: .reject, method: "pap", identity: "alice", server: "127.0.0.1:1812",
            roundTrips: [RoundTripEvidence(server: "127.0.0.1:1812", requestCode: .accessRequest, identifier: 7,
                                           requestSize: 90, requestHadState: false, transmissions: 1,
                                           latencyMilliseconds: 2, replyCode: .accessReject, replySize: 60)],
            replyMessages: ["Request denied"])
        let short = Self.render(evidence, reply: reply, verbose: false)
        let lines = short.split(separator: "\n")
        #expect(lines.count <= 10, "\(short)")
        #expect(lines[0].hasPrefix("REJECT  alice via pap"))
        #expect(lines[1].hasPrefix("  Windows error 691"))
        for absent in ["Evidence:", "Other readings:", "Details:"] { #expect(!short.contains(absent)) }

        let verbose = Self.render(evidence, reply: reply, verbose: true)
        #expect(verbose.contains("  Evidence:") && verbose.contains("  Other readings:"))
        #expect(verbose.contains("Details:"))
        #expect(verbose.components(separatedBy: "Request denied").count - 1 == 2,
                "the evidence line and the cause:\n\(verbose)")
        #expect(verbose.contains("Class = "), "other reply attributes stay in the details")
    }

    @Test func secondConversationSaysWhetherItResumed() {
        var evidence = ConversationEvidence(outcome: .accept, method: "peap-mschapv2", identity: "anonymous",
                                            eap: EAPEvidence(method: "PEAP"))
        #expect(AuthText.secondConversationTitle(evidence).hasPrefix("Second conversation (the server did not"))
        evidence.eap?.resumed = true
        #expect(AuthText.secondConversationTitle(evidence) == "Resumed conversation:")
    }

    @Test func peapHeadlineNamesTheInnerUser() {
        let evidence = ConversationEvidence(
            outcome: .accept, method: "peap-tls", identity: "anonymous", server: "127.0.0.1:1812",
            eap: EAPEvidence(method: "PEAP", trace: [.identitySent(identity: "anonymous"),
                                                     .innerIdentitySent(identity: "alice@corp.example")]))
        let report = ConversationReport(evidence: evidence, elapsed: .milliseconds(20))
        #expect(AuthText.headline(report)
            .hasPrefix("ACCEPT  alice@corp.example (outer identity anonymous) via peap-tls"))
    }
}
