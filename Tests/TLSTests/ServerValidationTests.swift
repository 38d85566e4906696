import TLSTestSupport
import Foundation
import Testing
import TLS

@Suite struct ServerValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var server: String
        var trust: String = "root.pem"
        var acceptedNames: [String] = [TestPKI.serverName]
        var crl: String?
        var kind: ServerValidationFailure.Kind
        var alert: String
        var depth: Int = 0
        var detail: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "wrong name", server: "server-rsa", acceptedNames: ["nps.corp.example"], kind: .nameMismatch,
             alert: "bad_certificate",
             detail: "server name radius.lab.example does not match [nps.corp.example]"),
        Case(name: "untrusted root", server: "server-rsa", trust: "other-root.pem", kind: .untrustedRoot,
             alert: "unknown_ca", depth: 1, detail: "CN=npsprobe Test Root,O=Lab"),
        Case(name: "expired", server: "server-expired", kind: .expired, alert: "certificate_expired",
             detail: "notAfter 2021-01-01T00:00:00Z"),
        Case(name: "no serverAuth EKU", server: "server-noeku", kind: .missingServerAuthEKU,
             alert: "unsupported_certificate", detail: "no Extended Key Usage extension"),
        Case(name: "EKU without serverAuth", server: "alice", kind: .missingServerAuthEKU,
             acceptedNamesOverride: ["alice"], alert: "unsupported_certificate", detail: "without serverAuth"),
        Case(name: "revoked", server: "server-revoked", crl: "issuing.crl", kind: .revoked,
             alert: "certificate_revoked", detail: "is revoked"),
    ]

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3], cases)
    func clientRefusesTheServerBeforeSendingItsCertificate(version: TLSVersion, c: Case) throws {
        let client = try Lab.client("alice", version: version, trust: c.trust, names: c.acceptedNames, crl: c.crl)
            .makeSession()
        let server = try Lab.server(c.server, version: version).makeSession()
        let result = converse(client, server)

        let error = try #require(result.clientError)
        #expect(error.code == .serverValidation)
        let failure = try #require(client.evidence.serverValidationFailure)
        #expect(failure.kind == c.kind)
        #expect(failure.certificateDepth == c.depth)
        #expect(failure.detail.contains(c.detail), "\(failure.detail)")
        #expect(failure.openSSLError != nil)
        // We told the server why, with a fatal alert, and it received it.
        #expect(client.evidence.alertsSent.map(\.name) == [c.alert])
        #expect(client.evidence.alertsSent.first?.level == .fatal)
        #expect(server.evidence.alertsReceived.map(\.name) == [c.alert])
        #expect(result.serverError?.code == .peerAlert)
        // …and never sent our certificate.
        #expect(client.evidence.clientCertificateSent == nil)
        #expect(!client.evidence.handshakeMessagesSent.contains(.certificate))
        #expect(client.evidence.serverChain.first?.commonName == server.evidence.serverChain.first?.commonName)
        #expect(!client.isEstablished)
        #expect(!client.evidence.handshakeState.isEmpty)
        // A failed session stays failed.
        if case .failed(let again, _) = client.receive([]) { #expect(again.code == .serverValidation) } else {
            Issue.record("a failed session must keep failing")
        }
    }

    @Test(arguments: cases)
    func insecureSkipsEveryCheck(c: Case) throws {
        let client = try Lab.client("alice", trust: c.trust, names: c.acceptedNames, crl: c.crl, insecure: true)
            .makeSession()
        let server = try Lab.server(c.server).makeSession()
        let result = converse(client, server)
        #expect(result.client.isEstablished, "\(String(describing: result.clientError))")
        #expect(client.evidence.serverValidationFailure == nil)
        #expect(client.evidence.alerts.isEmpty)
    }

    @Test func incompleteChain() throws {
        // The server sends only its leaf; the client trusts the root but does not know the issuing CA.
        let pki = try TestPKI.get()
        let credentials = try TLSCredentials.pem(certificateFile: pki.path("server-rsa.pem"),
                                                 keyFile: pki.path("server-rsa.key"), keyPassword: nil)
        let serverContext = try TLSServerContext(TLSServerConfiguration(credentials: credentials,
                                                                        maximumVersion: .tls1_2))
        let client = try Lab.client().makeSession()
        let result = converse(client, try serverContext.makeSession())
        #expect(result.clientError?.code == .serverValidation)
        let failure = try #require(client.evidence.serverValidationFailure)
        #expect(failure.kind == .incompleteChain)
        #expect(failure.detail.contains("CN=npsprobe Test Issuing CA,O=Lab"))
        #expect(client.evidence.alertsSent.map(\.name) == ["unknown_ca"])
        #expect(client.evidence.serverChain.count == 1)
    }

    @Test func serverFromAnotherPKI() throws {
        let client = try Lab.client().makeSession()
        let result = converse(client, try Lab.server("server-other").makeSession())
        #expect(client.evidence.serverValidationFailure?.kind == .untrustedRoot)
        #expect(result.clientError?.code == .serverValidation)
    }

    @Test func ekuCheckCanBeRelaxed() throws {
        let client = try Lab.client(requireEKU: false).makeSession()
        #expect(converse(client, try Lab.server("server-noeku").makeSession()).client.isEstablished)
        let other = try Lab.client(names: ["alice"], requireEKU: false).makeSession()
        #expect(converse(other, try Lab.server("alice").makeSession()).client.isEstablished)
    }

    @Test(arguments: [
        (["*.lab.example"], true), (["RADIUS.LAB.EXAMPLE"], true), (["nps.corp.example", "radius.lab.example"], true),
        ([], true), (["lab.example"], false),
    ])
    func acceptedNames(names: [String], accepted: Bool) throws {
        let client = try Lab.client(names: names).makeSession()
        let result = converse(client, try Lab.server().makeSession())
        #expect(result.client.isEstablished == accepted)
    }

    @Test func commonNameWhenNoDNSName() throws {
        let client = try Lab.client(names: ["cnonly.lab.example"]).makeSession()
        #expect(converse(client, try Lab.server("server-cn-only").makeSession()).client.isEstablished)
        let wrong = try Lab.client(names: ["radius.lab.example"]).makeSession()
        #expect(converse(wrong, try Lab.server("server-cn-only").makeSession()).client.isFailed)
        #expect(wrong.evidence.serverValidationFailure?.kind == .nameMismatch)
    }

    @Test func crlWithAGoodServer() throws {
        let client = try Lab.client(crl: "issuing.crl").makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
    }

    @Test func trustedDirectory() throws {
        let pki = try TestPKI.get()
        let context = try TLSClientContext(TLSClientConfiguration(
            credentials: try Lab.credentials("alice"),
            validation: TLSServerValidation(trustedCADirectory: pki.path("ca-dir"),
                                            acceptedServerNames: [TestPKI.serverName])))
        let client = try context.makeSession()
        #expect(converse(client, try Lab.server().makeSession()).client.isEstablished)
    }
}

extension ServerValidationTests.Case {
    init(name: String, server: String, kind: ServerValidationFailure.Kind, acceptedNamesOverride: [String],
         alert: String, detail: String) {
        self.init(name: name, server: server, acceptedNames: acceptedNamesOverride, kind: kind, alert: alert,
                  detail: detail)
    }
}
