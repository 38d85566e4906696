import Foundation
import LabSupport
import TLSTestSupport
import Testing

/// Inputs that used to be sent (or crashed the binary) and are now refused before anything goes out: exit 3
/// and a message naming the problem (issue 12 "Inputs that are sent when they should be refused", issue 13
/// "Crashes found by trying bad input"). The server of these runs is a closed loopback port: a request that
/// did go out would come back as "port closed", exit 2.
@Suite struct RefusedInputTests {
    let target = LoopbackUDP.closed()

    func pap(_ extra: [String], password: [String] = ["--password-env", "PW"]) throws -> NPSProbeBinary.Output {
        try npsprobe(["auth", "--server", target.address, "--method", "pap"] + password + extra,
                     environment: ["PW": "alice-pass"])
    }

    /// A refusal: exit 3, no crash, the message on stderr, nothing sent (a sent request would end in exit 2).
    func expectRefused(_ result: NPSProbeBinary.Output, _ needles: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        for needle in needles {
            #expect(result.stderr.contains(needle), "wanted \(needle) in: \(result.stderr)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func emptyIdentityIsRefused() throws {
        expectRefused(try pap(["--identity", ""]), ["--identity is empty"])
        expectRefused(try pap(["--identity", "alice", "--outer-identity", " "]), ["--outer-identity is empty"])
    }

    @Test func emptyServerNameIsRefused() throws {
        let result = try npsprobe(["auth", "--server", target.address, "--method", "peap-mschapv2", "--identity", "bob",
                                   "--password-env", "PW", "--insecure", "--server-name", ""],
                                  environment: ["PW": "bob-pass"])
        expectRefused(result, ["--server-name is empty"])
    }

    @Test func emptyPasswordFileIsRefused() throws {
        let empty = ScratchFile(Data(), suffix: ".pw")
        expectRefused(try pap(["--identity", "alice"], password: ["--password-file", empty.path]),
                      ["the password (file:\(empty.path)) is empty"])
        let newline = ScratchFile(Data("\n".utf8), suffix: ".pw")
        expectRefused(try pap(["--identity", "alice"], password: ["--password-file", newline.path]), ["is empty"])
    }

    @Test func aFolderAsPasswordFileIsNamedAsSuch() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let result = try pap(["--identity", "alice"], password: ["--password-file", folder])
        expectRefused(result, ["the password file \(folder) is a directory"])
        #expect(!result.stderr.contains("secret file") && !result.stderr.contains("profile"), "\(result.stderr)")
    }

    /// `--attr` never adds a second copy of a single-valued attribute: what npsprobe builds or an option sets is
    /// refused with the option to use; a default (NAS-IP-Address, the preset) is replaced.
    @Test func attrDuplicatingARequestAttributeIsRefused() throws {
        expectRefused(try pap(["--identity", "alice", "--attr", "User-Name=bob"]),
                      ["User-Name cannot be added", "--identity"])
        expectRefused(try pap(["--identity", "alice", "--attr", "User-Password=x"]), ["User-Password cannot be added"])
        expectRefused(try pap(["--identity", "alice", "--nas-identifier", "vpn1", "--attr", "NAS-Identifier=vpn2"]),
                      ["NAS-Identifier is already set by --nas-identifier"])
        expectRefused(try pap(["--identity", "alice", "--nas-ip-address", "10.0.0.1",
                               "--attr", "NAS-IP-Address=10.0.0.2"]),
                      ["NAS-IP-Address is already set by --nas-ip-address"])
        expectRefused(try pap(["--identity", "alice", "--attr", "Calling-Station-Id=a", "--attr", "Calling-Station-Id=b"]),
                      ["Calling-Station-Id is given twice"])
    }

    @Test func attrReplacesTheDefaultNASAddressAndThePreset() throws {
        let result = try pap(["--identity", "alice", "-v", "--nas-type", "wifi", "--attr", "NAS-IP-Address=10.9.9.9",
                              "--attr", "NAS-Port-Type=Virtual", "--retries", "0"])
        #expect(result.status == 2, "sent, to a closed port: \(result.stderr)")
        let sent = result.stderr.components(separatedBy: "\n")
        #expect(sent.filter { $0.contains("NAS-IP-Address") } == ["    NAS-IP-Address = 10.9.9.9"], "\(result.stderr)")
        #expect(sent.filter { $0.contains("NAS-Port-Type") } == ["    NAS-Port-Type = Virtual"], "\(result.stderr)")
        #expect(sent.contains("    Framed-MTU = 1400"), "the rest of the preset stays")
    }

    @Test func malformedVendorSpecificIsRefused() throws {
        expectRefused(try pap(["--identity", "alice", "--attr", "Vendor-Specific=abc"]),
                      ["attribute Vendor-Specific=abc", "Vendor-Id needs 4"])
    }

    /// Each `--ca` file is loaded on its own: one holding no certificate is named, alone or among others.
    @Test func aGarbageCAFileIsNamedAloneOrAmongOthers() throws {
        let root = ScratchFile(Data(try TLSTestCertificateAuthority().certificatePEM), suffix: ".pem")
        let garbage = ScratchFile(Data("not a certificate\n".utf8), suffix: ".pem")
        for cas in [[root.path, garbage.path], [garbage.path], [garbage.path, root.path]] {
            let result = try npsprobe(["auth", "--server", target.address, "--method", "peap-mschapv2",
                                       "--identity", "bob", "--password-env", "PW"] + cas.flatMap { ["--ca", $0] },
                                      environment: ["PW": "bob-pass"])
            expectRefused(result, ["\(garbage.path) holds no certificate"])
        }
    }

    /// One range for the fragment size, stored once: the command line and a profile say the same.
    @Test func fragmentSizeHasOneRangeForTheCommandLineAndProfiles() throws {
        for size in ["63", "3001", "4096", "16384"] {
            expectRefused(try pap(["--identity", "alice", "--fragment-size", size]),
                          ["--fragment-size \(size) is out of range 64…3000"])
            let profile = ScratchFile(Data("""
                servers: ["\(target.address)"]
                secret: {env: NPSPROBE_SECRET}
                method: eap-tls
                identity: alice
                fragment_size: \(size)
                """.utf8), suffix: ".yaml")
            let validated = try npsprobe(["validate", profile.path])
            #expect(validated.status == 3)
            #expect(validated.stdout.contains("fragment_size: \(size) is out of range 64…3000"), "\(validated.stdout)")
        }
        let accepted = try pap(["--identity", "alice", "--fragment-size", "3000", "--retries", "0"])
        #expect(accepted.status == 2, "3000 is allowed (and PAP ignores it): \(accepted.stderr)")
    }

    @Test func timeoutZeroSaysTheRealRange() throws {
        let result = try pap(["--identity", "alice", "--timeout", "0"])
        expectRefused(result, ["--timeout 0 is out of range 0.001…300 (seconds)"])
        #expect(!result.stderr.contains("between 0 and 300"))
        expectRefused(try pap(["--identity", "alice", "--timeout", "nan"]), ["--timeout nan is not a finite number"])
    }

    @Test func checkThresholdsAreChecked() throws {
        let profile = ScratchFile(Data("servers: [\"\(target.address)\"]\nmethod: pap\n".utf8), suffix: ".yaml")
        let negative = try npsprobe(["check", profile.path, "--warning", "-5"])
        expectRefused(negative, ["--warning -5 is out of range 0…3600000"])
        #expect(!negative.stderr.contains("Missing value"))
        expectRefused(try npsprobe(["check", profile.path, "--warning", "1000", "--critical", "5"]),
                      ["--warning 1000 ms is above --critical 5 ms"])
        expectRefused(try npsprobe(["check", profile.path, "--critical", "inf"]), ["--critical inf is not a finite"])
    }

    /// SIGILL from "Double value cannot be converted to Int64" (issue 13); NaN was taken as no limit.
    @Test(arguments: [["--duration", "inf"], ["--duration", "nan"], ["--duration", "1e300"],
                      ["--rate", "nan"], ["--rate", "inf"], ["--rate", "0"]])
    func loadRefusesDurationsAndRatesThatAreNotFinite(_ option: [String]) throws {
        let result = try npsprobe(["load", "--server", target.address, "--method", "pap", "--identity", "alice",
                                   "--password-env", "PW", "--quiet"] + option, environment: ["PW": "x"])
        expectRefused(result, [option[0] + " "])
    }

    /// The 64–65535 check profiles get (RFC 2865 §5.12), on the command line too: -1 and 2³² trapped, 0 and
    /// 70000 were sent as they were.
    @Test(arguments: ["-1", "4294967296", "0", "63", "70000"])
    func framedMTUOutOfRangeIsRefused(_ value: String) throws {
        expectRefused(try pap(["--identity", "alice", "--framed-mtu=\(value)"]),
                      ["--framed-mtu \(value) is out of range 64…65535"])
    }

    @Test func framedMTUInRangeIsSent() throws {
        let result = try pap(["--identity", "alice", "--framed-mtu", "1344", "-v", "--retries", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("    Framed-MTU = 1344"), "\(result.stderr)")
    }

    /// Ten lines of nested aliases expand to 9⁹ values: `validate` ran for minutes and gigabytes.
    @Test func aYAMLAliasBombIsRefusedAtOnce() throws {
        let levels = "abcdefghi".map(String.init)
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for (previous, name) in zip(levels, levels.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        lines.append("servers: *i")
        let bomb = ScratchFile(lines: lines)
        let result = try npsprobe(["validate", bomb.path])
        #expect(result.status == 3)
        #expect(result.stdout.contains("expands to more than 100000 values"), "\(result.stdout)")

        // The same through keys: libyaml compares alias keys by expanding them.
        let keys = ScratchFile(lines: Array(lines.prefix(7)) + ["x: {*g: 1, *f: 2}"])
        let keyed = try npsprobe(["validate", keys.path])
        #expect(keyed.status == 3)
        #expect(keyed.stdout.contains("an alias (*g) is used as a mapping key"), "\(keyed.stdout)")
    }

    /// Anchors and aliases that stay small are still YAML: a profile may reuse a list.
    @Test func smallAliasesStillLoad() throws {
        let profile = ScratchFile(lines: [
            "servers: &farm [\"\(target.address)\"]", "secret: {env: NPSPROBE_SECRET}", "method: pap",
            "identity: alice", "password: {env: PW}", "tags: *farm",
        ])
        let result = try npsprobe(["validate", profile.path], environment: ["PW": "x"])
        #expect(!result.stdout.contains("expands to more than"), "\(result.stdout)")
        #expect(!result.stdout.contains("alias"), "\(result.stdout)")
    }
}
