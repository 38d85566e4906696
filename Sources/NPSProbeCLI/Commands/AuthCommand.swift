import ArgumentParser
import Foundation
import NPS
import Probe
import RADIUS

/// `npsprobe auth`: one synthetic authentication, reported for humans or as JSON.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Authenticate once against one or more RADIUS servers and report the outcome.",
        discussion: ExitStatus.help)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case pap, chap, mschapv2
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var nas: NASOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Authentication method.")
    var method: Method = .pap

    @Option(help: ArgumentHelp("User-Name to authenticate.", valueName: "name"))
    var identity: String

    @Option(help: ArgumentHelp("Read the password from this file.", valueName: "path"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("Read the password from this environment variable.", valueName: "var"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("The password itself (visible in ps: prefer --password-file).", valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp(
        "Exit 0 when the outcome is this one instead of only on accept: accept, reject, timeout.",
        valueName: "outcome"))
    var expect: Expectation?

    func run() async throws {
        let dictionary = try DictionaryLocator.load(
            directory: connection.dictionaryDir, additional: connection.dictionaries)
        let servers = try connection.serverAddresses()
        let secret = try connection.sharedSecret()
        let attributes = try nas.requestAttributes(dictionary: dictionary, firstServer: servers[0])
        guard let password = try SecretSource.read(
            what: "password", file: passwordFile, env: passwordEnv, literal: password, literalFlag: "--password")
        else {
            throw LocalError("\(method.rawValue) needs a password: give --password-file PATH or --password-env VAR")
        }
        let authMethod: AuthenticationMethod
        switch method {
        case .pap: authMethod = .pap(password: password)
        case .chap: authMethod = .chap(password: password)
        case .mschapv2: authMethod = .msCHAPv2(password: password)
        }
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let client = RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: servers, secret: secret, retransmit: connection.retransmitPolicy,
                replyPolicy: connection.noRequireMessageAuthenticator ? .lenient : .default))
        let report = await Conversation(client: client).run(
            AuthenticationRequest(userName: identity, method: authMethod, attributes: attributes),
            observer: output.verbose ? PacketPrinter.observer(dictionary: dictionary) : nil)
        await transport.shutdown()

        let met = expect.map { $0.isMet(by: report.evidence) }
        if output.json {
            Console.out(try AuthJSON(report: report, dictionary: dictionary, expected: met).render())
        } else {
            Console.out(AuthText.render(report: report, dictionary: dictionary))
            if let expect, let met {
                Console.out(met ? "  as expected (\(expect))" : "  NOT as expected: wanted \(expect)")
            }
        }
        throw ExitCode(Self.exitStatus(for: report.evidence, met: met).rawValue)
    }

    static func exitStatus(for evidence: ConversationEvidence, met: Bool?) -> ExitStatus {
        if let met { return met ? .success : .rejected }
        switch evidence.outcome {
        case .accept: return evidence.mppeKeys == .mismatch ? .rejected : .success
        case .reject: return .rejected
        case .timeout: return .noAnswer
        case .error: return .localError
        }
    }
}

/// What `--expect` asks for.
struct Expectation: ExpressibleByArgument, CustomStringConvertible {
    var outcome: ConversationEvidence.Outcome

    init?(argument: String) {
        switch argument.lowercased() {
        case "accept": outcome = .accept
        case "reject": outcome = .reject
        case "timeout": outcome = .timeout
        default: return nil
        }
    }

    func isMet(by evidence: ConversationEvidence) -> Bool {
        guard evidence.outcome == outcome else { return false }
        // An accept whose keys disagree is not the accept anyone expected.
        return outcome != .accept || evidence.mppeKeys != .mismatch
    }

    var description: String { outcome.rawValue }
}
