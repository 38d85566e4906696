import EAP
import TLS
import TLSTestSupport

/// EAP-TLS framing on the server side: our requests fragmented (each fragment but the last ACKed by the peer),
/// the peer's responses reassembled.
public struct ServerTLSFraming {
    public enum Input {
        /// The peer ACKed our fragment: send this next one.
        case next(EAPTLSMessage)
        /// A fragment of the peer's message: ACK it.
        case needMore
        /// The peer's whole TLS message, and how many fragments it came in.
        case complete([UInt8], fragments: Int)
        /// An empty response while none of our fragments awaits an ACK.
        case ackOfLast
        case invalid(String)
    }

    public var configuration: TLSFragmenter.Configuration
    private var fragmenter: TLSFragmenter?
    private var reassembler = TLSReassembler()
    private var fragments = 0
    /// Every message the peer sent, with the number of fragments it took.
    public private(set) var received: [(bytes: Int, fragments: Int)] = []

    public init(configuration: TLSFragmenter.Configuration) { self.configuration = configuration }

    public mutating func receive(_ message: EAPTLSMessage) -> Input {
        if var fragmenter, fragmenter.isAwaitingAck {
            guard message.isAck else { return .invalid("data while our fragments await an ACK: \(message)") }
            do {
                let next = try fragmenter.next(afterAck: message)
                self.fragmenter = fragmenter
                return .next(next)
            } catch {
                return .invalid("\(error)")
            }
        }
        if message.isAck { return .ackOfLast }
        do {
            switch try reassembler.receive(message) {
            case .needMore:
                fragments += 1
                return .needMore
            case .complete(let bytes):
                reassembler.reset()
                let count = fragments + 1
                fragments = 0
                received.append((bytes.count, count))
                return .complete(bytes, fragments: count)
            }
        } catch {
            return .invalid("\(error)")
        }
    }

    public mutating func send(_ bytes: [UInt8]) -> EAPTLSMessage {
        do {
            var fragmenter = try TLSFragmenter(message: bytes, configuration: configuration)
            let first = try fragmenter.nextFragment()
            self.fragmenter = fragmenter
            return first
        } catch {
            fatalError("test server cannot fragment \(bytes.count) octets: \(error)")
        }
    }
}

/// An in-memory EAP server for tests, on real TLS (``TLSServerSession``): EAP-TLS over TLS 1.2 and 1.3 (RFC 5216,
/// RFC 9190), PEAPv0 with inner EAP-MSCHAPv2 or EAP-TLS — with the Crypto-Binding TLV as NPS and hostapd send it,
/// or without as FreeRADIUS — and bare EAP-MSCHAPv2. Faults make it misbehave on purpose.
///
/// Its keys come from its own TLS sessions and password database, so a peer MSK equal to ``msk`` means both ends
/// derived the keys the same way independently.
public final class TestEAPServer {
    public enum Method: Sendable {
        case tls
        case peap(inner: EAPType)
        case mschapv2
    }

    public enum Fault: Hashable, Sendable {
        /// Propose this type first; the peer must Nak it.
        case proposeFirst(UInt8)
        /// After the Nak (outer, or inner with `innerProposeFirst`), propose the refused type again.
        case insistAfterNak
        /// After the Nak (outer, or inner with `innerProposeFirst`), EAP-Failure.
        case failAfterNak
        /// EAP-Success right after the Identity.
        case prematureSuccess
        /// EAP-TLS: EAP-Success instead of the server's Finished.
        case successBeforeFinished
        /// Send our TLS alert when refusing the client's certificate (hostapd and FreeRADIUS send none).
        case alertOnClientRefusal
        /// EAP-TLS 1.3: the final flight without the 0x00 success indication.
        case noSuccessIndication
        /// EAP-TLS: EAP-Failure after the handshake completed (an NTAuth-like check).
        case rejectAfterHandshake
        /// MS-CHAPv2 Success with a wrong authenticator response.
        case wrongAuthenticatorResponse
        case wrongCompoundMAC
        case omitCryptoBinding
        /// Result TLV failure even though the inner method succeeded (a policy refusal).
        case resultFailure
        /// The Result TLV right after the tunnel, without phase 2.
        case skipPhase2
        /// NPS: Capabilities and SoH requests before the inner Identity.
        case capabilitiesAndSoH
        /// FreeRADIUS: the inner Identity Request with its header.
        case innerIdentityWithHeader
        /// FreeRADIUS: offer this inner type before the configured one.
        case innerProposeFirst(UInt8)
        /// Old PEAPv0 servers: a tunneled EAP-Success instead of the Result TLV.
        case tunneledSuccess
        /// MS-CHAPv2 E=648; Change-Password to the user's entry in `newPasswords` is accepted.
        case passwordExpired
        /// MS-CHAPv2 Failure `E=code R=0 … M=message` whatever the password, as FreeRADIUS answers an account
        /// flagged locked out (`[UL]`: E=647 "Account locked out") or disabled (`[UD]`: E=691 "Account disabled").
        case accountRefused(code: Int, message: String)
        /// PEAP over TLS 1.2: the first phase-2 request rides with the server's Finished.
        case piggybackPhase2
        /// FreeRADIUS: an inner EAP-TLS packet spread over several outer fragments breaks the inner session.
        case requireInnerInOneFragment
    }

    public struct Options: Sendable {
        public var method: Method
        public var outer: TLSServerContext?
        public var inner: TLSServerContext?
        /// Type-Data budget of the server's outer fragments.
        public var fragmentSize = 1403
        public var innerFragmentSize = 1000
        public var lengthOnEveryFragment = false
        public var cryptoBinding = true
        public var users: [String: String] = [:]
        public var newPasswords: [String: String] = [:]
        public var faults: Set<Fault> = []

        public init(method: Method, outer: TLSServerContext? = nil, inner: TLSServerContext? = nil) {
            self.method = method
            self.outer = outer
            self.inner = inner
        }
    }

    public enum Output {
        case request([UInt8])
        case success([UInt8])
        case failure([UInt8])

        public var bytes: [UInt8] {
            switch self {
            case .request(let bytes), .success(let bytes), .failure(let bytes): return bytes
            }
        }
    }

    private enum MSCHAPv2State {
        case challengeSent(challenge: [UInt8])
        /// Success sent: the ISK and MSK wait for the peer's Success Response.
        case successSent(isk: [UInt8], msk: [UInt8])
        case failureSent(challenge: [UInt8], user: String, expired: Bool)
    }

    private enum Inner {
        case awaitingTunnelAck
        case capabilities
        case soh
        case identity
        case nak(UInt8)
        case mschapv2(MSCHAPv2State)
        case tls(finalFlightSent: Bool)
        case tlv(cmk: [UInt8]?, ipmk: [UInt8]?, nonce: [UInt8]?, expectSuccess: Bool)
        case tunneledSuccessSent
    }

    private enum Phase {
        case awaitingIdentity
        case awaitingNak(UInt8)
        case handshake
        case finalFlightSent
        case failureAfterAck
        case phase2(Inner)
        case mschapv2(MSCHAPv2State)
        case finished
    }

    public let options: Options
    private var phase = Phase.awaitingIdentity
    private var identifier: UInt8 = 0x40
    private var framing: ServerTLSFraming
    private var innerFraming: ServerTLSFraming
    private let random = SeededRandom(seed: "test EAP server")
    private var keyMaterial: EAPKeyMaterial?
    private var innerISK: [UInt8]?
    private var innerRan = false
    private var lastRequest: [UInt8] = []

    public private(set) var outerSession: TLSServerSession?
    public private(set) var innerSession: TLSServerSession?
    /// The MSK the server would hand the NAS in its Access-Accept.
    public private(set) var msk: [UInt8]?
    public private(set) var identity: String?
    public private(set) var innerIdentity: String?
    /// Anything the server found wrong in the peer's packets.
    public private(set) var problems: [String] = []
    public private(set) var nakDesired: [EAPExpandedType] = []
    public private(set) var innerNakDesired: [EAPType] = []
    public private(set) var capabilitiesAnswered = false
    public private(set) var bindingVerified = false
    public private(set) var clientResult: EAPTLVResultStatus?
    public private(set) var changedPassword: String?
    public private(set) var requestsSent = 0
    /// The peer's phase-2 messages and how many outer fragments each took.
    public var phase2Messages: [(bytes: Int, fragments: Int)] { framing.received }

    public init(_ options: Options) {
        self.options = options
        framing = ServerTLSFraming(configuration: TLSFragmenter.Configuration(
            maxTypeDataSize: options.fragmentSize,
            lengthField: options.lengthOnEveryFragment ? .everyFragment : .firstFragmentWhenFragmented))
        innerFraming = ServerTLSFraming(configuration: TLSFragmenter.Configuration(
            maxTypeDataSize: options.innerFragmentSize,
            lengthField: options.lengthOnEveryFragment ? .everyFragment : .firstFragmentWhenFragmented))
    }

    private var methodType: EAPType {
        switch options.method {
        case .tls: return .tls
        case .peap: return .peap
        case .mschapv2: return .mschapv2
        }
    }

    private func has(_ fault: Fault) -> Bool { options.faults.contains(fault) }

    /// The request last sent, for duplicate tests.
    public var lastRequestSent: [UInt8] { lastRequest }

    // MARK: - Entry

    public func receive(_ bytes: [UInt8]) -> Output {
        let packet: EAPPacket
        do {
            packet = try EAPPacket(decoding: bytes)
        } catch {
            return fail("undecodable response: \(error)")
        }
        guard packet.code == .response else { return fail("a \(packet.code) from the peer") }
        switch phase {
        case .awaitingIdentity:
            guard packet.type == .identity else { return fail("expected Identity, got \(packet)") }
            identity = String(decoding: packet.typeData, as: UTF8.self)
            if has(.prematureSuccess) { return success(nil) }
            for case .proposeFirst(let type) in options.faults {
                phase = .awaitingNak(type)
                return request(type: EAPType(type), typeData: [0x20])
            }
            return beginMethod()
        case .awaitingNak(let proposed):
            do {
                nakDesired = try packet.nakDesiredTypes()
            } catch {
                return fail("expected a Nak, got \(packet): \(error)")
            }
            if has(.failAfterNak) { return failure() }
            if has(.insistAfterNak) { return request(type: EAPType(proposed), typeData: [0x20]) }
            guard nakDesired.contains(.ietf(methodType)) else { return fail("the Nak does not name \(methodType)") }
            return beginMethod()
        case .handshake:
            return handshake(packet)
        case .finalFlightSent:
            return finalFlight(packet)
        case .failureAfterAck:
            return failure()
        case .phase2(let inner):
            return phase2(packet, inner)
        case .mschapv2(let state):
            guard packet.type == .mschapv2 else { return fail("expected EAP-MSCHAPv2, got \(packet)") }
            return mschapv2(packet, state) { self.request(type: .mschapv2, typeData: $0.typeData) }
        case .finished:
            return fail("a response after the end")
        }
    }

    // MARK: - Method start and the outer handshake

    private func beginMethod() -> Output {
        switch options.method {
        case .tls, .peap:
            guard let context = options.outer, let session = try? context.makeSession() else {
                return fail("no server TLS context")
            }
            outerSession = session
            phase = .handshake
            // hostapd offers PEAP version 1 in its Start; a PEAPv0 peer answers with 0.
            let start = try! EAPTLSMessage(flags: [.start], version: methodType == .peap ? 1 : 0)
            return request(type: methodType, typeData: start.encode())
        case .mschapv2:
            let challenge = random.bytes(16)
            phase = .mschapv2(.challengeSent(challenge: challenge))
            let packet = try! MSCHAPv2Challenge(msCHAPv2ID: identifier &+ 1, challenge: challenge,
                                                name: Array("test-server".utf8))
            return request(type: .mschapv2, typeData: try! packet.typeData())
        }
    }

    private func handshake(_ packet: EAPPacket) -> Output {
        guard packet.type == methodType, let session = outerSession else {
            return fail("expected \(methodType) in the handshake, got \(packet)")
        }
        guard let message = try? packet.tlsMessage() else { return fail("bad EAP-TLS framing") }
        switch framing.receive(message) {
        case .next(let fragment):
            return request(type: methodType, typeData: fragment.encode())
        case .needMore:
            return request(type: methodType, typeData: EAPTLSMessage.ack().encode())
        case .ackOfLast:
            return fail("an empty response in the handshake")
        case .invalid(let reason):
            return fail(reason)
        case .complete(let records, _):
            switch session.receive(records) {
            case .needMore(let output):
                guard !output.isEmpty else { return fail("the peer's flight left the server nothing to say") }
                return sendOuter(output)
            case .established(let output):
                return established(session, output: output)
            case .failed(let error, let output):
                problems.append("server TLS: \(error)")
                if has(.alertOnClientRefusal), !output.isEmpty {
                    phase = .failureAfterAck
                    return sendOuter(output)
                }
                return failure()
            }
        }
    }

    private func established(_ session: TLSServerSession, output: [UInt8]) -> Output {
        let tls13 = session.negotiatedVersion == .tls1_3
        switch options.method {
        case .tls:
            if has(.successBeforeFinished) { return success(nil) }
            var flight = output
            if tls13 && !has(.noSuccessIndication) { flight += try! session.seal([0x00]) }
            guard !flight.isEmpty else {
                // TLS 1.2 resumption: the peer's Finished came last; nothing more to say.
                return has(.rejectAfterHandshake) ? failure() : success(try? session.eapKeyMaterial(eapType: 13).msk)
            }
            phase = .finalFlightSent
            return sendOuter(flight)
        case .peap:
            keyMaterial = try? session.eapKeyMaterial(eapType: 25)
            // Fast reconnect ([MS-PEAP] §3.1.5.3): a resumed tunnel skips phase 2.
            if has(.skipPhase2) || session.resumed {
                return sendPhase2(tlvRequest(), after: output)
            }
            if output.isEmpty || tls13 || has(.piggybackPhase2) {
                return sendPhase2(firstPhase2Request(), after: output)
            }
            phase = .phase2(.awaitingTunnelAck)
            return sendOuter(output)
        case .mschapv2:
            return fail("impossible")
        }
    }

    private func finalFlight(_ packet: EAPPacket) -> Output {
        guard let message = try? packet.tlsMessage() else { return fail("bad framing after the final flight") }
        switch framing.receive(message) {
        case .next(let fragment):
            return request(type: methodType, typeData: fragment.encode())
        case .ackOfLast:
            if has(.rejectAfterHandshake) { return failure() }
            return success(try? outerSession?.eapKeyMaterial(eapType: 13).msk)
        case .needMore:
            return request(type: methodType, typeData: EAPTLSMessage.ack().encode())
        case .complete(let records, _):
            // The peer's alert, say: let the server's evidence show it.
            _ = outerSession?.receive(records)
            return fail("data after the final flight")
        case .invalid(let reason):
            return fail(reason)
        }
    }

    // MARK: - PEAP phase 2

    private func firstPhase2Request() -> EAPPacket {
        if has(.capabilitiesAndSoH) {
            phase = .phase2(.capabilities)
            return try! EAPPacket(code: .request, identifier: identifier &+ 1,
                                  expandedType: .microsoftCapabilities, typeData: [0, 0, 0, 1])
        }
        return innerIdentityRequest()
    }

    private func innerIdentityRequest() -> EAPPacket {
        phase = .phase2(.identity)
        return try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .identity)
    }

    private func phase2(_ packet: EAPPacket, _ inner: Inner) -> Output {
        guard packet.type == .peap, let session = outerSession else { return fail("expected PEAP, got \(packet)") }
        guard let message = try? packet.tlsMessage() else { return fail("bad PEAP framing") }
        switch framing.receive(message) {
        case .next(let fragment):
            return request(type: .peap, typeData: fragment.encode())
        case .needMore:
            return request(type: .peap, typeData: EAPTLSMessage.ack().encode())
        case .invalid(let reason):
            return fail(reason)
        case .ackOfLast:
            switch inner {
            case .awaitingTunnelAck: return sendPhase2(firstPhase2Request())
            case .tunneledSuccessSent: return success(keyMaterial?.msk)
            default: return fail("an unexpected empty PEAP response in phase 2")
            }
        case .complete(let records, let fragments):
            let plaintext: [UInt8]
            do {
                plaintext = try session.open(records)
            } catch {
                return fail("phase-2 records do not open: \(error)")
            }
            guard let response = decodeInnerResponse(plaintext, outerIdentifier: packet.identifier) else {
                return fail("undecodable phase-2 response \(plaintext)")
            }
            if has(.requireInnerInOneFragment), response.type == .tls, fragments > 1 {
                return fail("an inner EAP-TLS packet came in \(fragments) outer fragments")
            }
            return innerResponse(response, inner)
        }
    }

    private func innerResponse(_ response: EAPPacket, _ inner: Inner) -> Output {
        switch inner {
        case .awaitingTunnelAck, .tunneledSuccessSent:
            return fail("phase-2 data where an ACK was due")
        case .capabilities:
            guard response.expandedType == .microsoftCapabilities else { return fail("expected Capabilities") }
            capabilitiesAnswered = true
            phase = .phase2(.soh)
            return sendPhase2(try! EAPPacket(code: .request, identifier: identifier &+ 1,
                                             expandedType: .microsoftSoH,
                                             typeData: [0x00, 0x07, 0x00, 0x04, 0x00, 0x00, 0x01, 0x37]))
        case .soh:
            guard response.type == .nak else { return fail("expected a Nak of SoH, got \(response)") }
            return sendPhase2(innerIdentityRequest())
        case .identity:
            guard response.type == .identity else { return fail("expected the inner Identity, got \(response)") }
            innerIdentity = String(decoding: response.typeData, as: UTF8.self)
            for case .innerProposeFirst(let type) in options.faults {
                phase = .phase2(.nak(type))
                if type == EAPType.mschapv2.rawValue { return sendPhase2(innerChallenge(startState: false)) }
                return sendPhase2(try! EAPPacket(code: .request, identifier: identifier &+ 1, type: EAPType(type),
                                                 typeData: [0x20]))
            }
            return beginInner()
        case .nak(let proposed):
            guard response.type == .nak else { return fail("expected an inner Nak, got \(response)") }
            innerNakDesired = response.typeData.map { EAPType($0) }
            if has(.failAfterNak) { return failure() }
            if has(.insistAfterNak) {
                return sendPhase2(try! EAPPacket(code: .request, identifier: identifier &+ 1, type: EAPType(proposed),
                                                 typeData: [0x20]))
            }
            return beginInner()
        case .mschapv2(let state):
            guard response.type == .mschapv2 else { return fail("expected inner EAP-MSCHAPv2, got \(response)") }
            return mschapv2(response, state) { self.sendPhase2($0) }
        case .tls(let finalFlightSent):
            return innerTLS(response, finalFlightSent: finalFlightSent)
        case .tlv(let cmk, let ipmk, let nonce, let expectSuccess):
            return tlvResponse(response, cmk: cmk, ipmk: ipmk, nonce: nonce, expectSuccess: expectSuccess)
        }
    }

    private func beginInner() -> Output {
        guard case .peap(let innerType) = options.method else { return fail("not PEAP") }
        innerRan = true
        if innerType == .mschapv2 { return sendPhase2(innerChallenge(startState: true)) }
        guard let context = options.inner, let session = try? context.makeSession() else {
            return fail("no inner TLS context")
        }
        innerSession = session
        phase = .phase2(.tls(finalFlightSent: false))
        let start = try! EAPTLSMessage(flags: [.start])
        return sendPhase2(try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .tls,
                                         typeData: start.encode()))
    }

    private func innerChallenge(startState: Bool) -> EAPPacket {
        let challenge = random.bytes(16)
        if startState { phase = .phase2(.mschapv2(.challengeSent(challenge: challenge))) }
        let packet = try! MSCHAPv2Challenge(msCHAPv2ID: identifier &+ 1, challenge: challenge,
                                            name: Array("test-server".utf8))
        return try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .mschapv2,
                              typeData: try! packet.typeData())
    }

    private func innerTLS(_ response: EAPPacket, finalFlightSent: Bool) -> Output {
        guard response.type == .tls, let session = innerSession, let message = try? response.tlsMessage() else {
            return fail("expected inner EAP-TLS, got \(response)")
        }
        func innerRequest(_ message: EAPTLSMessage) -> Output {
            sendPhase2(try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .tls,
                                      typeData: message.encode()))
        }
        switch innerFraming.receive(message) {
        case .next(let fragment):
            return innerRequest(fragment)
        case .needMore:
            return innerRequest(.ack())
        case .invalid(let reason):
            return fail("inner: \(reason)")
        case .ackOfLast:
            guard finalFlightSent else { return fail("an inner ACK before the inner handshake completed") }
            innerISK = Array(((try? session.eapKeyMaterial(eapType: 13).msk) ?? []).prefix(32))
            return sendPhase2(tlvRequest())
        case .complete(let records, _):
            switch session.receive(records) {
            case .needMore(let output):
                return innerRequest(innerFraming.send(output))
            case .established(let output):
                var flight = output
                if session.negotiatedVersion == .tls1_3 { flight += try! session.seal([0x00]) }
                phase = .phase2(.tls(finalFlightSent: true))
                return innerRequest(innerFraming.send(flight))
            case .failed(let error, _):
                problems.append("inner server TLS: \(error)")
                return failure()
            }
        }
    }

    // MARK: - EAP-TLV

    private func tlvRequest() -> EAPPacket {
        let tunnelKey = Array(((keyMaterial?.msk ?? []) + (keyMaterial?.emsk ?? [])).prefix(60))
        let keys: PEAPCryptoBinding.CompoundKeys
        if innerRan {
            keys = try! PEAPCryptoBinding.compoundKeys(tunnelKey: tunnelKey,
                                                       innerSessionKey: innerISK ?? PEAPCryptoBinding.noInnerSessionKey)
        } else {
            keys = try! PEAPCryptoBinding.fastReconnectKeys(tunnelKey: tunnelKey)
        }
        let status: EAPTLVResultStatus = has(.resultFailure) ? .failure : .success
        var typeData = status.tlv.encode()
        var nonce: [UInt8]? = nil
        if options.cryptoBinding && !has(.omitCryptoBinding) {
            let fresh = random.bytes(32)
            nonce = fresh
            let unsigned = try! CryptoBindingTLV(version: 0, receivedVersion: 0, subType: .request, nonce: fresh)
            var mac = try! PEAPCryptoBinding.compoundMAC(cmk: keys.cmk, binding: unsigned)
            if has(.wrongCompoundMAC) { mac[0] ^= 0x01 }
            typeData += try! unsigned.with(compoundMAC: mac).tlv.encode()
        }
        phase = .phase2(.tlv(cmk: nonce == nil ? nil : keys.cmk, ipmk: nonce == nil ? nil : keys.ipmk, nonce: nonce,
                             expectSuccess: status == .success))
        return try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .tlv, typeData: typeData)
    }

    private func tlvResponse(_ response: EAPPacket, cmk: [UInt8]?, ipmk: [UInt8]?, nonce: [UInt8]?,
                             expectSuccess: Bool) -> Output {
        guard response.type == .tlv, let tlvs = try? EAPTLV.parse(response.typeData) else {
            return fail("expected an EAP-TLV response, got \(response)")
        }
        guard let resultTLV = tlvs.first(where: { $0.type == .result }),
              let result = try? EAPTLVResultStatus(tlv: resultTLV)
        else {
            return fail("no Result TLV in the response")
        }
        clientResult = result
        guard result == .success, expectSuccess else { return failure() }
        if let cmk, let ipmk, let nonce {
            guard let tlv = tlvs.first(where: { $0.type == .cryptoBinding }),
                  let binding = try? CryptoBindingTLV(tlv: tlv)
            else {
                return fail("no Crypto-Binding TLV in the response")
            }
            guard binding.subType == .response, binding.nonce == nonce, binding.version == 0,
                  let expected = try? PEAPCryptoBinding.compoundMAC(cmk: cmk, binding: binding),
                  expected == binding.compoundMAC
            else {
                return fail("the peer's Crypto-Binding response does not verify")
            }
            bindingVerified = true
            return success(try? PEAPCryptoBinding.peerMPPEKeys(ipmk: ipmk).msk)
        }
        return success(keyMaterial?.msk)
    }

    // MARK: - MS-CHAPv2 (bare and inner)

    private func mschapv2(_ response: EAPPacket, _ state: MSCHAPv2State, send: (EAPPacket) -> Output) -> Output {
        let inner: Bool
        if case .peap = options.method { inner = true } else { inner = false }
        func setState(_ state: MSCHAPv2State) { phase = inner ? .phase2(.mschapv2(state)) : .mschapv2(state) }
        func packet(_ typeData: [UInt8]) -> EAPPacket {
            try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .mschapv2, typeData: typeData)
        }
        switch state {
        case .challengeSent(let challenge):
            guard let answer = try? MSCHAPv2Response(typeData: response.typeData) else {
                return fail("expected an MS-CHAPv2 Response, got \(response.typeData)")
            }
            return check(answer.name, answer.peerChallenge, answer.ntResponse, challenge: challenge,
                         password: options.users[answer.name], id: answer.msCHAPv2ID, setState: setState,
                         packet: packet, send: send, allowExpiry: true)
        case .failureSent(let challenge, let user, let expired):
            if expired, response.typeData.first == MSCHAPv2OpCode.changePassword.rawValue {
                guard let change = try? MSCHAPv2ChangePassword(typeData: response.typeData),
                      let old = options.users[user], let new = options.newPasswords[user]
                else {
                    return fail("a Change-Password the server cannot check")
                }
                let expectedHash = try? MSCHAPv2.oldNtPasswordHashEncryptedWithNewNtPasswordHash(
                    newPasswordHash: MSCHAPv2.ntPasswordHash(new), oldPasswordHash: MSCHAPv2.ntPasswordHash(old))
                guard change.encryptedHash == expectedHash else { return fail("Change-Password: wrong hash block") }
                changedPassword = new
                return check(user, change.peerChallenge, change.ntResponse, challenge: challenge, password: new,
                             id: change.msCHAPv2ID, setState: setState, packet: packet, send: send,
                             allowExpiry: false)
            }
            guard response.typeData == [MSCHAPv2OpCode.failure.rawValue] else {
                return fail("expected an MS-CHAPv2 Failure Response, got \(response.typeData)")
            }
            if inner {
                return sendPhase2(tlvFailure())
            }
            return failure()
        case .successSent(let isk, let msk):
            guard response.typeData == [MSCHAPv2OpCode.success.rawValue] else {
                return fail("expected an MS-CHAPv2 Success Response, got \(response.typeData)")
            }
            if inner {
                innerISK = isk
                if has(.tunneledSuccess) {
                    phase = .phase2(.tunneledSuccessSent)
                    return sendPhase2(.success(identifier: identifier &+ 1))
                }
                return sendPhase2(tlvRequest())
            }
            return success(msk)
        }
    }

    private func check(_ name: String, _ peerChallenge: [UInt8], _ ntResponse: [UInt8], challenge: [UInt8],
                       password: String?, id: UInt8, setState: (MSCHAPv2State) -> Void,
                       packet: ([UInt8]) -> EAPPacket, send: (EAPPacket) -> Output, allowExpiry: Bool) -> Output {
        let userName = MSCHAPv2.challengeUserName(name)
        for case .accountRefused(let code, let message) in options.faults {
            let next = random.bytes(16)
            setState(.failureSent(challenge: next, user: name, expired: false))
            let failure = MSCHAPv2Failure(errorCode: code, retryAllowed: false, challenge: next, version: 3,
                                          message: message)
            return send(packet(try! MSCHAPv2FailureRequest(msCHAPv2ID: id, failure: failure).typeData()))
        }
        guard let password,
              let expected = try? MSCHAPv2.generateNTResponse(authenticatorChallenge: challenge,
                                                             peerChallenge: peerChallenge, userName: userName,
                                                             password: password),
              expected == ntResponse
        else {
            let next = random.bytes(16)
            setState(.failureSent(challenge: next, user: name, expired: false))
            let failure = MSCHAPv2Failure(errorCode: 691, retryAllowed: false, challenge: next, version: 3,
                                          message: "Authentication failed")
            return send(packet(try! MSCHAPv2FailureRequest(msCHAPv2ID: id, failure: failure).typeData()))
        }
        if allowExpiry, has(.passwordExpired) {
            let next = random.bytes(16)
            setState(.failureSent(challenge: next, user: name, expired: true))
            let failure = MSCHAPv2Failure(errorCode: 648, retryAllowed: false, challenge: next, version: 3,
                                          message: "Password expired")
            return send(packet(try! MSCHAPv2FailureRequest(msCHAPv2ID: id, failure: failure).typeData()))
        }
        let hash = MSCHAPv2.ntPasswordHash(password)
        var digest = try! MSCHAPv2.authenticatorResponseDigest(
            passwordHash: hash, ntResponse: ntResponse, peerChallenge: peerChallenge, authenticatorChallenge: challenge,
            userName: userName)
        if has(.wrongAuthenticatorResponse) { digest[19] ^= 0x80 }
        setState(.successSent(isk: try! MSCHAPv2.peerInnerSessionKey(passwordHash: hash, ntResponse: ntResponse),
                              msk: try! MSCHAPv2.msk(passwordHash: hash, ntResponse: ntResponse)))
        let success = try! MSCHAPv2SuccessRequest(msCHAPv2ID: id, authenticatorResponse: digest, message: "OK")
        return send(packet(try! success.typeData()))
    }

    private func tlvFailure() -> EAPPacket {
        phase = .phase2(.tlv(cmk: nil, ipmk: nil, nonce: nil, expectSuccess: false))
        return try! EAPPacket(code: .request, identifier: identifier &+ 1, type: .tlv,
                              typeData: EAPTLVResultStatus.failure.tlv.encode())
    }

    // MARK: - Sending

    /// PEAPv0 phase-2 compression ([MS-PEAP] §3.1.5.6), then one sealed PEAP request (fragmented as needed).
    private func sendPhase2(_ packet: EAPPacket, after handshake: [UInt8] = []) -> Output {
        guard let session = outerSession else { return fail("no tunnel") }
        var plaintext = packet.encode()
        let keepHeader = PEAPPhase2.keepsHeader(type: packet.type, expandedType: packet.expandedType)
            || packet.type == nil || (packet.type == .identity && has(.innerIdentityWithHeader))
        if !keepHeader { plaintext.removeFirst(4) }
        guard let records = try? session.seal(plaintext) else { return fail("cannot seal phase 2") }
        return sendOuter(handshake + records)
    }

    private func sendOuter(_ records: [UInt8]) -> Output {
        request(type: methodType, typeData: framing.send(records).encode())
    }

    /// A response whose header was compressed away gets the outer identifier back.
    private func decodeInnerResponse(_ plaintext: [UInt8], outerIdentifier: UInt8) -> EAPPacket? {
        if plaintext.count >= 5, plaintext[0] == EAPCode.response.rawValue,
           Int(plaintext[2]) << 8 | Int(plaintext[3]) == plaintext.count,
           plaintext[4] == EAPType.tlv.rawValue || plaintext[4] == EAPType.expanded.rawValue
        {
            return try? EAPPacket(decoding: plaintext)
        }
        let length = plaintext.count + 4
        return try? EAPPacket(decoding: [EAPCode.response.rawValue, outerIdentifier, UInt8(length >> 8),
                                         UInt8(length & 0xFF)] + plaintext)
    }

    private func request(type: EAPType, typeData: [UInt8]) -> Output {
        identifier &+= 1
        requestsSent += 1
        lastRequest = try! EAPPacket(code: .request, identifier: identifier, type: type, typeData: typeData).encode()
        return .request(lastRequest)
    }

    private func success(_ msk: [UInt8]?) -> Output {
        self.msk = msk
        phase = .finished
        return .success(EAPPacket.success(identifier: identifier).encode())
    }

    private func failure() -> Output {
        phase = .finished
        return .failure(EAPPacket.failure(identifier: identifier).encode())
    }

    private func fail(_ problem: String) -> Output {
        problems.append(problem)
        return failure()
    }
}
