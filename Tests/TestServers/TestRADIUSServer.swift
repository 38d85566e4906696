import EAP
import NIOCore
import NIOPosix
import RADIUS
import Synchronization
import TLS
import TLSTestSupport

/// An in-process RADIUS server on 127.0.0.1 for tests that must not need the lab: PAP from a user table and EAP
/// conversations run by one ``TestEAPServer`` per State (RFC 3579), every reply signed with Message-Authenticator
/// first (unless told to sign nothing, as Debian's FreeRADIUS 3.2.1 does for PAP), MS-MPPE keys from the EAP
/// server's MSK in the Access-Accept (RFC 2548 §2.4.2–2.4.3), and retransmissions answered from a cache of the
/// last reply per source and identifier (RFC 5080 §2.2.2).
///
/// ``Behaviour`` makes it misbehave on purpose: delays, silence after some round trips, a node name in every
/// reply (to tell the members of a farm apart). ``statistics`` says what it saw: conversations, the source
/// ports each conversation used (a NAS sends a conversation from one port), requests, and the most conversations
/// open at once.
///
/// All state is confined to the channel's event loop.
public final class TestRADIUSServer: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = AddressedEnvelope<ByteBuffer>
    public typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    public struct Behaviour: Sendable {
        /// Shared secret of every client.
        public var secret: [UInt8] = Array("testing123".utf8)
        /// PAP users and their passwords.
        public var users: [String: String] = [:]
        /// A fresh EAP server for each new EAP conversation (an Access-Request with EAP-Message and no State).
        public var eap: (@Sendable () -> TestEAPServer)?
        /// Put a Message-Authenticator in replies without EAP-Message (EAP replies always carry one, RFC 3579).
        public var signNonEAPReplies = true
        /// Wait this long before each reply (a slow server; the delay does not block other conversations).
        public var replyDelay: Duration = .zero
        /// Answer only the first N requests of each conversation, then nothing (a server that lost it).
        public var silentAfter: Int?
        /// Extra attributes on every Access-Accept (Class, Reply-Message…).
        public var acceptAttributes: [RADIUSAttribute] = []
        /// Names this server in a Reply-Message `node=<name>` on every reply, so tests can tell members apart.
        public var nodeName: String?
        /// Answer Accounting-Requests whose Request Authenticator verifies (RFC 2866 §3) with an
        /// Accounting-Response; false: accept and record them, answer nothing.
        public var answersAccounting = true
        /// Sign Accounting-Responses with this secret instead of `secret` (a server set up with another secret
        /// that still answers: the client must discard its responses).
        public var accountingResponseSecret: [UInt8]?
        /// A stall: requests arriving from `start` (after the server started) for `length` are answered only at
        /// the stall's end, as a server that froze (a garbage collection, a full disk) and then caught up.
        public var stall: (start: Duration, length: Duration)?

        public init() {}
    }

    /// What the server saw. Conversations are EAP conversations (by State) and single PAP exchanges.
    public struct Statistics: Sendable {
        public var requests = 0
        public var retransmissionsAnswered = 0
        public var badRequests = 0
        public var conversationsStarted = 0
        public var accepted = 0
        public var rejected = 0
        public var openConversations = 0
        public var maximumOpenConversations = 0
        /// EAP conversations whose requests came from more than one source address or port.
        public var conversationsFromSeveralSources = 0
        /// Requests carrying a State this server never issued (or already finished).
        public var unknownStates = 0
        /// New requests that reused a source address, port and identifier whose previous request (another
        /// authenticator) was still being answered: a client that lets identifiers collide (RFC 2865 §3).
        public var identifierCollisions = 0
        /// Source addresses and ports requests came from, and how many requests each sent.
        public var requestsBySource: [String: Int] = [:]
    }

    private struct Conversation {
        let server: TestEAPServer
        let source: SocketAddress
        var requests = 0
        var severalSources = false
    }

    private struct CachedReply {
        var authenticator: [UInt8]
        var bytes: [UInt8]
    }

    public let behaviour: Behaviour
    private(set) var channel: Channel!
    private var conversations: [[UInt8]: Conversation] = [:]
    private var cache: [CacheKey: CachedReply] = [:]
    private var nextState: UInt64 = 1
    private let stats = Mutex(Statistics())
    /// Requests being answered (their reply delayed), by source and identifier: their authenticators.
    private var answering: [CacheKey: [UInt8]] = [:]
    private let started = NIODeadline.now()
    private let stateTag = withUnsafeBytes(of: UInt32.random(in: 0...UInt32.max)) { Array($0) }

    private struct CacheKey: Hashable {
        var source: SocketAddress
        var identifier: UInt8
    }

    private init(behaviour: Behaviour) { self.behaviour = behaviour }

    /// Binds a UDP socket on `host`, port 0 (the kernel picks), on one loop of `group`.
    public static func start(group: any EventLoopGroup, host: String = "127.0.0.1", behaviour: Behaviour)
        async throws -> TestRADIUSServer
    {
        let server = TestRADIUSServer(behaviour: behaviour)
        server.channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 8 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server) }
            }
            .bind(host: host, port: 0).get()
        server.port = server.channel.localAddress?.port ?? 0
        server.address = host.contains(":") ? "[\(host)]:\(server.port)" : "\(host):\(server.port)"
        return server
    }

    /// The port the server listens on.
    public private(set) var port = 0
    /// `127.0.0.1:PORT`, as `--server` takes it.
    public private(set) var address = ""

    public var statistics: Statistics { stats.withLock { $0 } }

    /// Every Accounting-Request received whose authenticator verified, in order (retransmissions once).
    public var accountingRequests: [RADIUSPacket] { accounting.withLock { $0 } }
    private let accounting = Mutex<[RADIUSPacket]>([])

    public func close() async { try? await channel.close() }

    // MARK: - Requests

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        let request: RADIUSPacket
        do {
            request = try RADIUSPacket(decoding: bytes)
            try request.verifyRequest(secret: behaviour.secret)
        } catch {
            stats.withLock { $0.badRequests += 1 }
            return
        }
        let key = CacheKey(source: envelope.remoteAddress, identifier: request.identifier)
        let collides = answering[key].map { $0 != request.authenticator } ?? false
        stats.withLock {
            $0.requests += 1
            $0.requestsBySource["\(envelope.remoteAddress.ipAddress ?? "?"):\(envelope.remoteAddress.port ?? 0)",
                                default: 0] += 1
            if collides { $0.identifierCollisions += 1 }
        }
        if let cached = cache[key], cached.authenticator == request.authenticator {
            stats.withLock { $0.retransmissionsAnswered += 1 }
            send(cached.bytes, to: envelope.remoteAddress, context: context)
            return
        }
        if request.code == .accountingRequest {
            accounting.withLock { $0.append(request) }
            guard behaviour.answersAccounting,
                  let response = try? request.signedReply(
                    .accountingResponse, attributes: [], secret: behaviour.accountingResponseSecret ?? behaviour.secret,
                    messageAuthenticator: false)
            else { return }
            let encoded = response.encode()
            cache[key] = CachedReply(authenticator: request.authenticator, bytes: encoded)
            send(encoded, to: envelope.remoteAddress, context: context)
            return
        }
        guard request.code == .accessRequest else { return }
        guard let reply = answer(request, from: envelope.remoteAddress) else { return }
        let encoded = reply.encode()
        cache[key] = CachedReply(authenticator: request.authenticator, bytes: encoded)
        var delay = Self.timeAmount(behaviour.replyDelay)
        if let stall = behaviour.stall {
            let now = NIODeadline.now()
            let begins = started + Self.timeAmount(stall.start)
            let ends = begins + Self.timeAmount(stall.length)
            if now >= begins && now < ends { delay = max(delay, ends - now) }
        }
        if delay > .zero {
            let channel = context.channel
            answering[key] = request.authenticator
            context.eventLoop.scheduleTask(in: delay) { [self] in
                if answering[key] == request.authenticator { answering[key] = nil }
                channel.writeAndFlush(
                    AddressedEnvelope(remoteAddress: envelope.remoteAddress,
                                      data: channel.allocator.buffer(bytes: encoded)), promise: nil)
            }
        } else {
            send(encoded, to: envelope.remoteAddress, context: context)
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func send(_ bytes: [UInt8], to address: SocketAddress, context: ChannelHandlerContext) {
        context.writeAndFlush(
            Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: address,
                                                   data: context.channel.allocator.buffer(bytes: bytes))),
            promise: nil)
    }

    private func answer(_ request: RADIUSPacket, from source: SocketAddress) -> RADIUSPacket? {
        if let eap = request.attributes.eapMessage { return answerEAP(request, eap: eap, from: source) }
        return answerPAP(request)
    }

    private func answerPAP(_ request: RADIUSPacket) -> RADIUSPacket? {
        stats.withLock { $0.conversationsStarted += 1 }
        let name = request.attributes.first(.userName).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var accepted = false
        if let hidden = request.attributes.first(.userPassword),
           let password = try? RADIUSCrypto.unhideUserPassword(
            hidden, secret: behaviour.secret, authenticator: request.authenticator),
           let expected = behaviour.users[name] {
            accepted = constantTimeEquals(password, Array(expected.utf8))
        }
        stats.withLock { if accepted { $0.accepted += 1 } else { $0.rejected += 1 } }
        return reply(to: request, accepted ? .accessAccept : .accessReject,
                     attributes: accepted ? behaviour.acceptAttributes : [], sign: behaviour.signNonEAPReplies)
    }

    private func answerEAP(_ request: RADIUSPacket, eap: [UInt8], from source: SocketAddress) -> RADIUSPacket? {
        var state = request.attributes.first(.state)
        var conversation: Conversation
        if let existing = state {
            guard let found = conversations[existing] else {
                stats.withLock { $0.unknownStates += 1 }
                return reply(to: request, .accessReject, attributes: RADIUSAttribute.eapMessage([4, 0, 0, 4]))
            }
            conversation = found
            if found.source != source && !found.severalSources {
                conversation.severalSources = true
                stats.withLock { $0.conversationsFromSeveralSources += 1 }
            }
        } else {
            guard let make = behaviour.eap else {
                return reply(to: request, .accessReject, attributes: RADIUSAttribute.eapMessage([4, 0, 0, 4]))
            }
            conversation = Conversation(server: make(), source: source)
            let id = nextState
            nextState += 1
            // Unique to this server (as NPS's are), so a State that reaches another member is unknown there.
            state = withUnsafeBytes(of: id.bigEndian) { Array($0) } + stateTag + Array("npsprobe".utf8)
            stats.withLock {
                $0.conversationsStarted += 1
                $0.openConversations += 1
                $0.maximumOpenConversations = max($0.maximumOpenConversations, $0.openConversations)
            }
        }
        conversation.requests += 1
        if let limit = behaviour.silentAfter, conversation.requests > limit {
            conversations[state!] = conversation
            return nil
        }
        let output = conversation.server.receive(eap)
        switch output {
        case .request(let bytes):
            conversations[state!] = conversation
            return reply(to: request, .accessChallenge,
                         attributes: RADIUSAttribute.eapMessage(bytes) + [RADIUSAttribute(.state, state!)])
        case .success(let bytes):
            end(state!, accepted: true)
            var attributes = RADIUSAttribute.eapMessage(bytes) + behaviour.acceptAttributes
            if let msk = conversation.server.msk {
                attributes += mppeAttributes(msk: msk, method: conversation.server.options.method, request: request)
            }
            return reply(to: request, .accessAccept, attributes: attributes)
        case .failure(let bytes):
            end(state!, accepted: false)
            return reply(to: request, .accessReject, attributes: RADIUSAttribute.eapMessage(bytes))
        }
    }

    private func end(_ state: [UInt8], accepted: Bool) {
        conversations[state] = nil
        stats.withLock {
            $0.openConversations -= 1
            if accepted { $0.accepted += 1 } else { $0.rejected += 1 }
        }
    }

    /// MS-MPPE-Recv-Key and MS-MPPE-Send-Key as the peer expects them (``EAPPeerResult/expectedMPPEKeys``).
    private func mppeAttributes(msk: [UInt8], method: TestEAPServer.Method, request: RADIUSPacket)
        -> [RADIUSAttribute]
    {
        let type: EAPType
        switch method {
        case .tls: type = .tls
        case .peap: type = .peap
        case .mschapv2: type = .mschapv2
        }
        let keys = EAPPeerResult.expectedMPPEKeys(method: type, msk: msk)
        var attributes: [RADIUSAttribute] = []
        for (subtype, key, salt) in [(UInt32(17), keys.recv, [UInt8(0x80), 0x01]), (16, keys.send, [0x80, 0x02])] {
            guard let value = try? RADIUSCrypto.encryptMPPEKey(
                key, salt: salt, secret: behaviour.secret, authenticator: request.authenticator),
                let attribute = try? RADIUSVendorSpecific(
                    vendorID: 311, subAttributes: [.init(type: subtype, value: value)]).attribute()
            else { continue }
            attributes.append(attribute)
        }
        return attributes
    }

    private func reply(to request: RADIUSPacket, _ code: RADIUSCode, attributes: [RADIUSAttribute], sign: Bool = true)
        -> RADIUSPacket?
    {
        var attributes = attributes
        if let node = behaviour.nodeName { attributes.append(RADIUSAttribute(.replyMessage, string: "node=\(node)")) }
        return try? request.signedReply(code, attributes: attributes, secret: behaviour.secret,
                                        messageAuthenticator: sign || attributes.contains(.eapMessage))
    }
}
