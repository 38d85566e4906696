import EAP
import NIOCore
import NIOPosix
import RADIUS
import Synchronization
import TLS

/// A RADIUS server on 127.0.0.1 that answers badly on purpose, one ``Hostility`` per server, for the tests that
/// prove the client survives what a broken or malicious server sends (issue 13): a named outcome within the
/// retransmission schedule, bounded memory, no crash.
///
/// What it answers is a value (``HostileScript``: request in, datagrams out); the handler only does the I/O.
/// EAP hostilities run an EAP-TLS conversation of their own: Start, then whatever the hostility says once the
/// client's TLS data arrives. PAP requests get an Access-Accept, spoiled as the hostility says.
public final class HostileRADIUSServer: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = AddressedEnvelope<ByteBuffer>
    public typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    public enum Hostility: Sendable, Equatable {
        /// A reply whose Response Authenticator is random (RFC 2865 §3): what another shared secret looks like.
        case wrongResponseAuthenticator
        /// No Message-Authenticator in the Access-Accept (stock FreeRADIUS 3.2.1 for PAP).
        case missingMessageAuthenticator
        /// A Message-Authenticator that does not verify, under a correct Response Authenticator.
        case invalidMessageAuthenticator
        /// A correctly signed reply, for the request's identifier + 1.
        case otherIdentifier
        /// The right reply, this many times.
        case duplicateReplies(Int)
        /// A signed Access-Accept padded with Reply-Messages to exactly this many bytes (RFC 2865 allows 4096).
        case sizedReply(Int)
        /// This many unsolicited datagrams (random identifiers and bytes) before each real reply.
        case flood(Int)
        /// EAP-TLS: answer this many requests, then nothing.
        case silentAfter(Int)
        /// EAP-TLS: a first fragment declaring a 100-byte TLS message, then more than 100 bytes.
        case fragmentLengthLies
        /// EAP-TLS: fragments with the More flag for every acknowledgement, never a last one.
        case endlessFragments
        /// EAP: a Request of a type the client never offered (and never asked for), again after its Nak.
        case typeNeverOffered
        /// EAP-TLS: random bytes where the ServerHello belongs.
        case tlsGarbage
        /// EAP-TLS: a fatal TLS alert (handshake_failure) in answer to the ClientHello.
        case tlsAlertMidHandshake
    }

    public struct Statistics: Sendable {
        public var requests = 0
        public var datagramsSent = 0
    }

    public let script: HostileScript
    private var state: HostileScript.State
    private let stats = Mutex(Statistics())
    private(set) var channel: Channel!
    /// `127.0.0.1:PORT`, as `--server` takes it.
    public private(set) var address = ""

    private init(_ script: HostileScript) {
        self.script = script
        state = HostileScript.State()
    }

    public static func start(group: any EventLoopGroup, hostility: Hostility,
                             secret: [UInt8] = Array("testing123".utf8)) async throws -> HostileRADIUSServer {
        let server = HostileRADIUSServer(HostileScript(hostility: hostility, secret: secret))
        server.channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_sndbuf), value: 8 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.address = "127.0.0.1:\(server.channel.localAddress?.port ?? 0)"
        return server
    }

    public var statistics: Statistics { stats.withLock { $0 } }

    public func close() async { try? await channel.close() }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let datagrams = script.answer(Array(envelope.data.readableBytesView), state: &state)
        stats.withLock {
            $0.requests += 1
            $0.datagramsSent += datagrams.count
        }
        for bytes in datagrams {
            context.write(
                Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress,
                                                       data: context.channel.allocator.buffer(bytes: bytes))),
                promise: nil)
        }
        context.flush()
    }
}

/// What a ``HostileRADIUSServer`` answers: request bytes in, datagrams out. A value; no I/O.
public struct HostileScript: Sendable {
    public let hostility: HostileRADIUSServer.Hostility
    public let secret: [UInt8]

    /// Per-server memory: EAP identifiers and round trips per conversation (by State), and a random stream.
    public struct State: Sendable {
        var conversations: [[UInt8]: Conversation] = [:]
        var nextState: UInt32 = 1
        var random = SplitMix(seed: 0x13)
        /// The answer to each request, by its bytes: a retransmission gets the same datagrams (RFC 5080 §2.2.2).
        var answered: [[UInt8]: [[UInt8]]] = [:]
    }

    struct Conversation: Sendable {
        var eapIdentifier: UInt8 = 1
        var requests = 0
    }

    /// A small deterministic generator: the flood and the garbage are the same in every run.
    struct SplitMix: Sendable {
        var seed: UInt64
        mutating func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    public init(hostility: HostileRADIUSServer.Hostility, secret: [UInt8]) {
        self.hostility = hostility
        self.secret = secret
    }

    public func answer(_ bytes: [UInt8], state: inout State) -> [[UInt8]] {
        if let cached = state.answered[bytes] { return cached }
        let out = fresh(bytes, state: &state)
        if state.answered.count < 4096 { state.answered[bytes] = out }
        return out
    }

    private func fresh(_ bytes: [UInt8], state: inout State) -> [[UInt8]] {
        guard let request = try? RADIUSPacket(decoding: bytes), request.code == .accessRequest,
              (try? request.verifyRequest(secret: secret)) != nil
        else { return [] }
        var out: [[UInt8]] = []
        if case .flood(let count) = hostility {
            for _ in 0..<count {
                let size = 20 + Int(state.random.next() % 200)
                var junk = state.random.bytes(size)
                junk[0] = [2, 3, 11][Int(state.random.next() % 3)]
                junk[2] = UInt8(size >> 8)
                junk[3] = UInt8(size & 0xFF)
                out.append(junk)
            }
        }
        if let eap = request.attributes.eapMessage {
            out += answerEAP(request, eap: eap, state: &state)
        } else {
            out += answerPAP(request, state: &state)
        }
        return out
    }

    // MARK: PAP

    private func answerPAP(_ request: RADIUSPacket, state: inout State) -> [[UInt8]] {
        switch hostility {
        case .wrongResponseAuthenticator:
            guard var reply = signed(request, .accessAccept, []) else { return [] }
            reply.authenticator = state.random.bytes(16)
            return [reply.encode()]
        case .missingMessageAuthenticator:
            return signed(request, .accessAccept, [], messageAuthenticator: false).map { [$0.encode()] } ?? []
        case .invalidMessageAuthenticator:
            // Sign, spoil the Message-Authenticator's value, then recompute the Response Authenticator over it.
            guard var reply = signed(request, .accessAccept, []),
                  let index = reply.attributes.firstIndex(where: {
                      $0.type == RADIUSAttributeType.messageAuthenticator.rawValue })
            else { return [] }
            reply.attributes[index] = RADIUSAttribute(type: reply.attributes[index].type,
                                                      value: state.random.bytes(16))
            reply.authenticator = request.authenticator
            reply.authenticator = Digest.md5(reply.encode(), secret)
            return [reply.encode()]
        case .otherIdentifier:
            guard var reply = signed(request, .accessAccept, []) else { return [] }
            reply.identifier = request.identifier &+ 1
            return [reply.encode()]
        case .duplicateReplies(let count):
            guard let reply = signed(request, .accessAccept, []) else { return [] }
            return Array(repeating: reply.encode(), count: max(1, count))
        case .sizedReply(let size):
            return [padded(request, to: size)]
        default:
            return signed(request, .accessAccept, []).map { [$0.encode()] } ?? []
        }
    }

    /// An Access-Accept of exactly `size` bytes (at least 38: header and Message-Authenticator), padded with
    /// Reply-Messages of up to 253 bytes; signed as if it were legal even beyond 4096.
    private func padded(_ request: RADIUSPacket, to size: Int) -> [UInt8] {
        var remaining = max(0, size - 20 - 18)
        var attributes: [RADIUSAttribute] = []
        while remaining > 0 {
            // An attribute is 3…255 bytes; never leave a remainder of 1 or 2.
            var length = min(255, remaining)
            if remaining - length > 0 && remaining - length < 3 { length -= 3 }
            attributes.append(RADIUSAttribute(type: RADIUSAttributeType.replyMessage.rawValue,
                                              value: Array(repeating: UInt8(ascii: "x"), count: length - 2)))
            remaining -= length
        }
        guard var reply = signed(request, .accessAccept, []) else { return [] }
        // Built by hand so a size beyond 4096 is still produced (the encoder may refuse it).
        reply.attributes += attributes
        var bytes = reply.encode()
        if bytes.count != size {
            bytes = rawPacket(code: 2, identifier: request.identifier, attributes: reply.attributes)
        }
        return resign(bytes, request: request)
    }

    private func rawPacket(code: UInt8, identifier: UInt8, attributes: [RADIUSAttribute]) -> [UInt8] {
        var body: [UInt8] = []
        for attribute in attributes { body += [attribute.type, UInt8(attribute.value.count + 2)] + attribute.value }
        let length = 20 + body.count
        return [code, identifier, UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            + [UInt8](repeating: 0, count: 16) + body
    }

    /// Recomputes the Message-Authenticator (RFC 3579 §3.2) and Response Authenticator over raw bytes.
    private func resign(_ packet: [UInt8], request: RADIUSPacket) -> [UInt8] {
        var bytes = packet
        for i in 4..<20 { bytes[i] = request.authenticator[i - 4] }
        var offset = 20
        var maOffset: Int?
        while offset + 2 <= bytes.count {
            if bytes[offset] == RADIUSAttributeType.messageAuthenticator.rawValue { maOffset = offset + 2 }
            offset += max(2, Int(bytes[offset + 1]))
        }
        if let maOffset {
            for i in 0..<16 { bytes[maOffset + i] = 0 }
            let mac = HMAC.md5(key: secret, bytes)
            for i in 0..<16 { bytes[maOffset + i] = mac[i] }
        }
        let response = Digest.md5(bytes, secret)
        for i in 4..<20 { bytes[i] = response[i - 4] }
        return bytes
    }

    private func signed(_ request: RADIUSPacket, _ code: RADIUSCode, _ attributes: [RADIUSAttribute],
                        messageAuthenticator: Bool = true) -> RADIUSPacket? {
        try? request.signedReply(code, attributes: attributes, secret: secret,
                                 messageAuthenticator: messageAuthenticator)
    }

    // MARK: EAP

    private static let tlsType: UInt8 = 13
    private static let neverOfferedType: UInt8 = 99

    private func eapRequest(_ identifier: UInt8, type: UInt8, _ typeData: [UInt8]) -> [UInt8] {
        let length = 5 + typeData.count
        return [1, identifier, UInt8(length >> 8), UInt8(length & 0xFF), type] + typeData
    }

    private func challenge(_ request: RADIUSPacket, eap: [UInt8], state: [UInt8]) -> [[UInt8]] {
        signed(request, .accessChallenge, RADIUSAttribute.eapMessage(eap) + [RADIUSAttribute(.state, state)])
            .map { [$0.encode()] } ?? []
    }

    private func answerEAP(_ request: RADIUSPacket, eap: [UInt8], state: inout State) -> [[UInt8]] {
        guard let response = try? EAPPacket(decoding: eap) else { return [] }
        let key: [UInt8]
        var conversation: Conversation
        if let existing = request.attributes.first(.state), let found = state.conversations[existing] {
            key = existing
            conversation = found
        } else {
            key = withUnsafeBytes(of: state.nextState.bigEndian) { Array($0) } + Array("hostile".utf8)
            state.nextState += 1
            conversation = Conversation()
        }
        conversation.requests += 1
        defer { state.conversations[key] = conversation }
        if case .silentAfter(let limit) = hostility, conversation.requests > limit { return [] }
        conversation.eapIdentifier &+= 1
        let id = conversation.eapIdentifier
        // The first request (Identity): start the method.
        if conversation.requests == 1 {
            if hostility == .typeNeverOffered {
                return challenge(request, eap: eapRequest(id, type: Self.neverOfferedType, [0, 1, 2]), state: key)
            }
            return challenge(request, eap: eapRequest(id, type: Self.tlsType, [0x20]), state: key)
        }
        let fragmentSize = 1000
        switch hostility {
        case .typeNeverOffered:
            // The Nak changes nothing: the same unoffered type again.
            return challenge(request, eap: eapRequest(id, type: Self.neverOfferedType, [0, 1, 2]), state: key)
        case .tlsGarbage:
            return challenge(request, eap: eapRequest(id, type: Self.tlsType, [0] + state.random.bytes(300)),
                             state: key)
        case .tlsAlertMidHandshake:
            let alert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]
            return challenge(request, eap: eapRequest(id, type: Self.tlsType, [0] + alert), state: key)
        case .fragmentLengthLies:
            if conversation.requests == 2 {
                // L and M: a 100-byte TLS message, 80 of them here.
                let first: [UInt8] = [0xC0, 0, 0, 0, 100] + state.random.bytes(80)
                return challenge(request, eap: eapRequest(id, type: Self.tlsType, first), state: key)
            }
            // The last fragment brings 200 more: 280 of a declared 100.
            return challenge(request, eap: eapRequest(id, type: Self.tlsType, [0] + state.random.bytes(200)),
                             state: key)
        case .endlessFragments:
            // M set, never L, never a last fragment.
            let fragment = [0x40] + state.random.bytes(fragmentSize)
            return challenge(request, eap: eapRequest(id, type: Self.tlsType, fragment), state: key)
        default:
            // The other hostilities are PAP ones; an EAP conversation under them just fails.
            return signed(request, .accessReject, RADIUSAttribute.eapMessage([4, id, 0, 4])).map { [$0.encode()] } ?? []
        }
    }
}
