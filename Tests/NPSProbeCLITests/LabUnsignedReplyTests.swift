import Foundation
import LabSupport
import Testing

/// Issue 13, end to end against the lab's `unsigned` server (FreeRADIUS as stock Debian 3.2.1: no
/// Message-Authenticator in PAP / MS-CHAPv2 replies) and `legacy` (replies under the lab secret, so a client with
/// another secret fails their Response Authenticator). Before: 22 s of retransmissions, then "NO ANSWER … 809: the
/// server stopped answering". Now the verdict names the unsigned (or foreign-secret) answers, with certainty, after
/// the server repeated itself once.
@Suite(.enabled(if: LabEnvironment.shouldRun))
struct LabUnsignedReplyTests {
    struct Run {
        var status: Int32
        var json: [String: Any]
        var diagnosis: [String: Any] { json["diagnosis"] as? [String: Any] ?? [:] }
        var roundTrips: [[String: Any]] {
            (json["evidence"] as? [String: Any])?["round_trips"] as? [[String: Any]] ?? []
        }
    }

    /// Retries 3: four transmissions if the exchange sat out its schedule.
    static let retries = 3

    static func auth(server: String, method: String, user: String, password: String, secret: String? = nil,
                     extra: [String] = []) throws -> Run {
        let lab = try LabEnvironment.require()
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_SECRET"] = secret ?? lab.secret
        environment["LAB_PASSWORD"] = password
        let arguments = ["auth", "--json", "--server", lab.address(server), "--method", method, "--identity", user,
                         "--secret-env", "LAB_SECRET", "--password-env", "LAB_PASSWORD", "--timeout", "1",
                         "--retries", "\(retries)"] + extra
        let result = try NPSProbeBinary.run(arguments, environment: environment)
        return Run(status: result.status, json: try jsonObject(result.stdout))
    }

    /// PAP and MS-CHAPv2 against the unsigned server: the server answered (twice, the second time to our first
    /// retransmission), unsigned; the verdict says so, names both fixes, and the exchange stopped early.
    @Test(arguments: [("pap", "alice", "alice-pass"), ("mschapv2", "bob", "bob-pass")])
    func unsignedRepliesAreNamed(method: String, user: String, password: String) throws {
        let run = try Self.auth(server: "UNSIGNED", method: method, user: user, password: password)
        #expect(run.status == 2, "no verified reply: the exit status of a timeout")
        #expect(run.diagnosis["rule"] as? String == "timeout-unsigned-reply", "\(run.diagnosis)")
        #expect(run.diagnosis["confidence"] as? String == "certain")
        let evidence = run.diagnosis["evidence"] as? [String] ?? []
        #expect(evidence.first?.contains("the server answered 2 times") == true, "\(evidence)")
        #expect(evidence.first?.contains("Access-Accept") == true, "\(evidence)")
        #expect(evidence.contains { $0.contains("the secret is right") })
        let fix = run.diagnosis["fix"] as? String ?? ""
        for needle in ["require_message_authenticator", "requiremsgauth", "KB5040268",
                       "--no-require-message-authenticator"] {
            #expect(fix.contains(needle), "fix names \(needle): \(fix)")
        }
        let trip = try #require(run.roundTrips.first)
        #expect(trip["stopped_early"] as? String == "message_authenticator_missing")
        let transmissions = trip["transmissions"] as? Int ?? 0
        #expect(transmissions == 2 && transmissions < Self.retries + 1, "gave up once the server repeated itself")
        let discarded = trip["discarded"] as? [[String: Any]] ?? []
        #expect(discarded.count == 2)
        #expect(discarded.allSatisfy { $0["reply_code"] as? String == "Access-Accept" && $0["from"] as? String
                                       == (try? LabEnvironment.require().address("UNSIGNED")) })
    }

    /// The client-side opt-out named in the fix works against the same server: an accept.
    @Test func optOutAcceptsTheUnsignedReply() throws {
        let run = try Self.auth(server: "UNSIGNED", method: "pap", user: "alice", password: "alice-pass",
                                extra: ["--no-require-message-authenticator"])
        #expect(run.status == 0)
        #expect(run.diagnosis["rule"] as? String == "accepted", "\(run.diagnosis)")
        #expect(run.roundTrips.first?["transmissions"] as? Int == 1)
    }

    /// A wrong shared secret against a server that answers anyway (legacy): the Response Authenticator fails;
    /// the verdict is the secret, certain, and the exchange stops early too.
    @Test func wrongSecretRepliesNameTheSecret() throws {
        let run = try Self.auth(server: "LEGACY", method: "pap", user: "alice", password: "alice-pass",
                                secret: "not-the-lab-secret")
        #expect(run.status == 2)
        #expect(run.diagnosis["rule"] as? String == "timeout-wrong-secret", "\(run.diagnosis)")
        #expect(run.diagnosis["confidence"] as? String == "certain")
        let evidence = run.diagnosis["evidence"] as? [String] ?? []
        #expect(evidence.first?.contains("the server answered 2 times") == true, "\(evidence)")
        #expect(evidence.first?.contains("Access-Reject") == true, "\(evidence)")
        #expect(evidence.contains { $0.contains("no reply verified with our shared secret") })
        let trip = try #require(run.roundTrips.first)
        // legacy signs its replies: the Message-Authenticator is the first check to fail under another secret.
        #expect(["message_authenticator_mismatch", "response_authenticator_mismatch"]
            .contains(trip["stopped_early"] as? String ?? ""), "\(trip)")
        #expect(trip["transmissions"] as? Int == 2)
    }

    /// The unsigned server with a wrong secret: FreeRADIUS checks the request's Message-Authenticator whenever
    /// one is present (npsprobe always sends one) and drops the request: silence, not an unsigned verdict.
    @Test func wrongSecretAgainstTheUnsignedServerIsSilence() throws {
        let run = try Self.auth(server: "UNSIGNED", method: "pap", user: "alice", password: "alice-pass",
                                secret: "not-the-lab-secret", extra: ["--retries", "1"])
        #expect(run.status == 2)
        #expect(run.diagnosis["rule"] as? String == "timeout-no-reply", "\(run.diagnosis)")
    }
}
