import ArgumentParser
import Profiles

/// `--accounting`, `--accounting-server`, `--accounting-interim` (`auth`): RADIUS accounting after an
/// Access-Accept, as a NAS sends it (RFC 2866). The profile key is `accounting:`.
struct AccountingOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "After an Access-Accept send Accounting-Request Start and Stop (Class echoed, a unique Acct-Session-Id, the "
            + "NAS attributes of the authentication) and verify each Accounting-Response."))
    var accounting = false

    @Option(name: .customLong("accounting-server"), help: ArgumentHelp(
        "Accounting server as HOST[:PORT] (default port 1813); repeat for failover order. Implies --accounting. "
            + "Default: each --server's host on 1813, or on its port + 1 when that is not 1812.",
        valueName: "host[:port]"))
    var servers: [String] = []

    @Flag(help: "Send an Interim-Update between Start and Stop. Implies --accounting.")
    var accountingInterim = false

    /// The accounting part of `AuthSettings`: only what was given, so a `--profile` fills the rest.
    var settings: AuthSettings.Accounting? {
        guard accounting || !servers.isEmpty || accountingInterim else { return nil }
        return AuthSettings.Accounting(
            enabled: true, servers: servers.isEmpty ? nil : servers, interimUpdate: accountingInterim ? true : nil)
    }
}
