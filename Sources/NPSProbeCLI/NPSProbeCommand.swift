import ArgumentParser

/// The root command. Each subcommand lives in its own file in this target.
public struct NPSProbeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "npsprobe",
        abstract: "A RADIUS/EAP test client for Microsoft NPS: authenticate, diagnose, verify, load-test.",
        version: "0.1.0",
        subcommands: []
    )

    public init() {}
}
