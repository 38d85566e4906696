import Jobs
import Reports
import EAP
import Foundation
import Probe
import RADIUS
import Testing
import TLS
@testable import Profiles

/// From settings (a profile or the command line) to a runnable case.
@Suite struct CasePreparationTests {
    static let dictionary: RADIUSDictionary = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Dictionaries/dictionary").path
        return (try? RADIUSDictionary.load(root: root)) ?? RADIUSDictionary()
    }()

    static func pap(_ settings: (inout AuthSettings) -> Void = { _ in }) -> AuthSettings {
        var base = AuthSettings(servers: ["127.0.0.1:1812"], secret: .literal("s3cret"), method: .pap,
                                identity: "alice", password: .literal("pw"))
        settings(&base)
        return base
    }

    @Test func secretFallsBackToNPSPROBE_SECRET() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap { $0.secret = nil }, dictionary: Self.dictionary, environment: ["NPSPROBE_SECRET": "from-env"])
        #expect(prepared.client.secret == Array("from-env".utf8))
        #expect(throws: ProfileError.self) {
            try CasePreparation.prepare(Self.pap { $0.secret = nil }, dictionary: Self.dictionary, environment: [:])
        }
    }

    @Test func nasAttributesAndExtrasAreInEveryRequest() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap {
                $0.nas = .init(ipAddress: "10.1.2.3", identifier: "vpn01", callingStationId: "198.51.100.7")
                $0.attributes = ["NAS-Port-Type=Virtual", "Tunnel-Type:1=VLAN"]
                $0.framedMTU = 1300
            }, dictionary: Self.dictionary, environment: [:])
        let attributes = prepared.request.attributes
        #expect(attributes.first(.nasIPAddress) == [10, 1, 2, 3])
        #expect(attributes.first(.nasIdentifier) == Array("vpn01".utf8))
        #expect(attributes.first(.nasPortType) == [0, 0, 0, 5])
        #expect(attributes.first(.tunnelType) == [1, 0, 0, 13])
        #expect(attributes.first(.framedMTU) == [0, 0, 0x05, 0x14])
    }

    @Test(arguments: AuthSettings.NAS.Kind.allCases)
    func nasPresetsResolveInTheDictionary(kind: AuthSettings.NAS.Kind) throws {
        let prepared = try CasePreparation.prepare(
            Self.pap { $0.nas = .init(kind: kind) }, dictionary: Self.dictionary, environment: [:])
        let portType = prepared.request.attributes.first(.nasPortType)
        switch kind {
        case .vpn: #expect(portType == [0, 0, 0, 5])
        case .wifi: #expect(portType == [0, 0, 0, 19])
        case .wired: #expect(portType == [0, 0, 0, 15])
        case .none: #expect(portType == nil)
        }
        if kind != .none { #expect(prepared.request.attributes.first(.serviceType) == [0, 0, 0, 2]) }
    }

    @Test func explicitAttributesWinOverTheNASPreset() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap {
                $0.nas = .init(kind: .vpn)
                $0.attributes = ["NAS-Port-Type=Async"]
            }, dictionary: Self.dictionary, environment: [:])
        #expect(prepared.request.attributes.all(.nasPortType) == [[0, 0, 0, 0]])
    }

    @Test func defaultNASAddressIsTheLocalAddressTowardTheServer() throws {
        let prepared = try CasePreparation.prepare(Self.pap(), dictionary: Self.dictionary, environment: [:])
        #expect(prepared.request.attributes.first(.nasIPAddress) == [127, 0, 0, 1])
    }

    static func broken(_ label: String) -> AuthSettings {
        Self.pap { s in
            switch label {
            case "no servers": s.servers = []
            case "bad server": s.servers = ["127.0.0.1:99999"]
            case "no method": s.method = nil
            case "no password": s.password = nil
            case "unknown attribute": s.attributes = ["No-Such-Attribute=1"]
            case "PEAP without a CA": s.method = .peapMSCHAPv2
            case "EAP-TLS without a certificate":
                s.method = .eapTLS
                s.tls = .init(insecure: true)
            default:  // "TLS versions upside down"
                s.method = .peapMSCHAPv2
                s.tls = .init(insecure: true, minVersion: "1.3", maxVersion: "1.2")
            }
        }
    }

    @Test(arguments: ["no servers", "bad server", "no method", "no password", "unknown attribute",
                      "PEAP without a CA", "EAP-TLS without a certificate", "TLS versions upside down"])
    func badSettingsAreNamedErrors(label: String) {
        #expect(throws: ProfileError.self, "\(label)") {
            try CasePreparation.prepare(Self.broken(label), dictionary: Self.dictionary, environment: [:])
        }
    }

    @Test func peapBuildsAnEAPMethodWithOuterAndInnerIdentity() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap {
                $0.method = .peapMSCHAPv2
                $0.outerIdentity = "anonymous"
                $0.tls = .init(insecure: true)
                $0.peap = .init(cryptoBinding: .required)
            }, dictionary: Self.dictionary, environment: [:])
        #expect(prepared.request.userName == "anonymous")
        #expect(prepared.warnings.contains { $0.contains("NOT checked") })
        guard case .eap(let configuration) = prepared.request.method, let peap = configuration.method.peap
        else {
            Issue.record("not PEAP")
            return
        }
        #expect(prepared.request.method.name == "peap-mschapv2")
        #expect(configuration.method.method == .peap(inner: .mschapv2))
        #expect(configuration.identity == "anonymous")
        #expect(peap.innerIdentity == "alice")
        #expect(peap.cryptoBinding == .required)
        #expect(configuration.fragmentSize == TLSFragmenter.Configuration.typeDataSize(hostapdFragmentSize: 1398))
    }

    // MARK: Passwords beyond ASCII, Proxy-State

    @Test func papPasswordBeyondASCIIIsAPreflightWarning() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap { $0.password = .literal("ä12345") }, dictionary: Self.dictionary, environment: [:])
        let finding = try #require(prepared.request.preflight.first)
        #expect(prepared.request.preflight.map(\.kind) == [.passwordBeyondASCII])
        #expect(finding.detail == "the PAP password holds characters beyond ASCII (ä), sent as utf-8")
        guard case .pap(let password, let encoding) = prepared.request.method else {
            Issue.record("not PAP")
            return
        }
        #expect(password == "ä12345" && encoding == .utf8)
        // ASCII passwords earn nothing.
        let plain = try CasePreparation.prepare(Self.pap(), dictionary: Self.dictionary, environment: [:])
        #expect(plain.request.preflight.isEmpty)
    }

    @Test func windows1252IsCarriedToTheMethod() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap {
                $0.method = .chap
                $0.password = .literal("Grüße")
                $0.passwordEncoding = .windows1252
            }, dictionary: Self.dictionary, environment: [:])
        guard case .chap(_, let encoding) = prepared.request.method else {
            Issue.record("not CHAP")
            return
        }
        #expect(encoding == .windows1252)
        #expect(prepared.request.preflight.first?.detail.hasSuffix("sent as windows-1252") == true)
    }

    @Test func aCharacterWindows1252LacksIsALocalError() {
        #expect {
            try CasePreparation.prepare(
                Self.pap {
                    $0.password = .literal("пароль")
                    $0.passwordEncoding = .windows1252
                }, dictionary: Self.dictionary, environment: [:])
        } throws: { error in
            "\(error)".contains("U+43F") && "\(error)".contains("windows-1252")
        }
    }

    @Test func proxyStatesGoInEveryRequest() throws {
        let prepared = try CasePreparation.prepare(
            Self.pap { $0.proxyStates = ["hop-1", "0x0102ff"] }, dictionary: Self.dictionary, environment: [:])
        #expect(prepared.request.attributes.all(.proxyState) == [Array("hop-1".utf8), [0x01, 0x02, 0xFF]])
        for bad in ["0x123", "0xzz", "", String(repeating: "x", count: 254)] {
            #expect(throws: ProfileError.self, "\(bad)") {
                try CasePreparation.prepare(Self.pap { $0.proxyStates = [bad] }, dictionary: Self.dictionary,
                                            environment: [:])
            }
        }
    }

    @Test func profileKeys() throws {
        let loaded = loadText(papProfile + """
            password_encoding: windows-1252
            proxy_state: [hop-1, "0x0a0b"]
            """, environment: ["S": "s", "P": "p"])
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues)")
        let settings = try #require(loaded.document?.cases.first?.settings)
        #expect(settings.passwordEncoding == .windows1252)
        #expect(settings.proxyStates == ["hop-1", "0x0a0b"])

        let bad = loadText(papProfile + "password_encoding: latin-1\nproxy_state: 0x1\n",
                           environment: ["S": "s", "P": "p"])
        #expect(bad.issues.errors.count == 2, "\(bad.issues)")
        #expect(bad.issues.errors.contains { $0.description.contains("proxy_state: 0x1 is not 0x followed by") })
    }
}
