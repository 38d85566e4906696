import TLSTestSupport
import Foundation
import TLS

func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

/// Bytes from hex test data (whitespace allowed); traps on a malformed vector.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = [UInt8](hex: text.filter { !$0.isWhitespace }) else { preconditionFailure("bad hex: \(text)") }
    return bytes
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The outcome of driving a client and a server against each other in memory.
struct Conversation {
    var client: TLSHandshakeStep
    var server: TLSHandshakeStep?

    var clientError: TLSError? { if case .failed(let error, _) = client { return error } else { return nil } }
    var serverError: TLSError? { if case .failed(let error, _) = server { return error } else { return nil } }
}

/// Plays the handshake: every flight one side outputs is fed to the other, alerts included, until one
/// side has nothing more to say. Bounded, so a bug cannot loop forever.
func converse(_ client: TLSSession, _ server: TLSServerSession) -> Conversation {
    var clientStep = client.start()
    var serverStep: TLSHandshakeStep?
    for _ in 0..<16 {
        let toServer = clientStep.output
        if toServer.isEmpty { break }
        serverStep = server.receive(toServer)
        if case .failed = clientStep { break }  // the client's alert has been delivered
        let toClient = serverStep!.output
        if toClient.isEmpty { break }
        clientStep = client.receive(toClient)
    }
    return Conversation(client: clientStep, server: serverStep)
}

extension TLSHandshakeStep {
    var isEstablished: Bool { if case .established = self { return true } else { return false } }
    var isFailed: Bool { if case .failed = self { return true } else { return false } }
}

/// Contexts over the test PKI.
enum Lab {
    static func credentials(_ name: String) throws -> TLSCredentials {
        let pki = try TestPKI.get()
        return try TLSCredentials.pem(certificateFile: pki.path("\(name)-chain.pem"), keyFile: pki.path("\(name).key"),
                                      keyPassword: nil)
    }

    static func server(
        _ name: String = "server-rsa", version: TLSVersion = .tls1_2, maxVersion: TLSVersion? = nil,
        clientCA: String? = "root.pem", requireClientCertificate: Bool = true, cipherList: String? = nil
    ) throws -> TLSServerContext {
        let pki = try TestPKI.get()
        return try TLSServerContext(TLSServerConfiguration(
            credentials: try credentials(name), clientCAFile: clientCA.map(pki.path),
            requestClientCertificate: clientCA != nil, requireClientCertificate: requireClientCertificate,
            minimumVersion: version, maximumVersion: maxVersion ?? version, cipherList: cipherList))
    }

    static func client(
        _ name: String? = "alice", version: TLSVersion = .tls1_2, trust: String = "root.pem",
        names: [String] = [TestPKI.serverName], requireEKU: Bool = true, crl: String? = nil, insecure: Bool = false,
        resumption: Bool = false, cipherList: String? = nil
    ) throws -> TLSClientContext {
        let pki = try TestPKI.get()
        return try TLSClientContext(TLSClientConfiguration(
            credentials: try name.map(credentials),
            validation: TLSServerValidation(
                trustedCAFile: pki.path(trust), acceptedServerNames: names, requireServerAuthEKU: requireEKU,
                crlFile: crl.map(pki.path), insecure: insecure),
            minimumVersion: version, maximumVersion: version, cipherList: cipherList, sessionResumption: resumption))
    }
}
