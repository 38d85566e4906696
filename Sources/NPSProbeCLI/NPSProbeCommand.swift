import ArgumentParser
import Foundation
import Jobs
import Reports

/// The root command. Each subcommand lives in its own file under Commands/.
public struct NPSProbeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "npsprobe",
        abstract: "A RADIUS/EAP test client for Microsoft NPS: authenticate, diagnose, verify, load-test.",
        discussion: ExitStatus.help,
        version: "0.1.0",
        subcommands: [
            AuthCommand.self, StatusCommand.self, DictCommand.self, ExplainCommand.self, NPSLogCommand.self,
            ValidateCommand.self, RunCommand.self, CheckCommand.self, LoadCommand.self, DoctorCommand.self, ReportCommand.self,
        ]
    )

    public init() {}

    /// `npsprobe` alone: the overview on standard error and exit 3, since no command was given.
    public func run() async throws {
        Console.err(Self.helpMessage())
        throw LocalError("no command given; see above, or `npsprobe help <command>`")
    }

    /// Parses `arguments`, runs the command and returns the exit status (see `ExitStatus`): usage errors
    /// and local failures are 3, help and version 0. A failed write to standard output turns any status
    /// into 3, with the reason on standard error.
    public static func run(arguments: [String]) async -> Int32 {
        Console.resetOutputFailure()
        let status = await runCommand(arguments: arguments)
        if let failure = Console.outputFailure {
            Console.err("npsprobe: error: cannot write to standard output: \(failure)")
            return ExitStatus.localError.rawValue
        }
        return status
    }

    private static func runCommand(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let error as LocalError {
            Console.err("npsprobe: error: \(error.message)")
            return ExitStatus.localError.rawValue
        } catch let error as ReportError {
            Console.err("npsprobe: error: \(error.message)")
            return ExitStatus.localError.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.out(fullMessage(for: error))
                return 0
            }
            Console.err(fullMessage(for: error))
            return ExitStatus.localError.rawValue
        }
    }

    /// The entry point `@main` calls.
    public static func main() async {
        Console.prepareStandardStreams()
        let status = await run(arguments: Array(CommandLine.arguments.dropFirst()))
        Foundation.exit(status)
    }
}
