import EAP
import Foundation
import RADIUS
import Synchronization
import TLS

/// A text with placeholders, expanded once per conversation: `user{n}`, `02-00-00-{n:06x}`, `CORP\{identity}`.
///
/// `{n}` is a number (decimal; `{n:06d}` zero-padded to 6 digits, `{n:x}`/`{n:06x}` hexadecimal, `{n:X}` upper
/// case); `{identity}` is the identity a pool entry names (a CSV line, a certificate). Any other `{…}` is an
/// error, so a typo is never sent as it is.
public struct NumberPattern: Sendable, Equatable, CustomStringConvertible {
    enum Piece: Sendable, Equatable {
        case text(String)
        case number(width: Int, hex: Bool, upper: Bool)
        case identity
    }

    let pieces: [Piece]
    public let description: String

    /// Parses `text`; throws naming the placeholder it does not understand.
    public init(_ text: String) throws(ProbeError) {
        description = text
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw ProbeError(.badInput, "'\(text)': '{' without a closing '}'")
            }
            let name = rest[rest.index(after: open)..<close]
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            if name == "identity" {
                pieces.append(.identity)
            } else if name == "n" {
                pieces.append(.number(width: 0, hex: false, upper: false))
            } else if name.hasPrefix("n:"), let format = Self.format(name.dropFirst(2)) {
                pieces.append(format)
            } else {
                throw ProbeError(.badInput, "'\(text)': unknown placeholder {\(name)} (use {n}, {n:06d}, {n:06x} or "
                                 + "{identity})")
            }
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }

    /// `06x`, `x`, `X`, `04d`, `d`.
    private static func format(_ spec: Substring) -> Piece? {
        guard let kind = spec.last, "dxX".contains(kind) else { return nil }
        let digits = spec.dropLast()
        guard digits.allSatisfy(\.isNumber), let width = digits.isEmpty ? 0 : Int(digits), width <= 32 else {
            return nil
        }
        return .number(width: width, hex: kind != "d", upper: kind == "X")
    }

    /// True when the text has a placeholder (a plain text expands to itself).
    public var hasPlaceholders: Bool { pieces.contains { if case .text = $0 { return false } else { return true } } }
    /// True when the text uses `{n}`.
    public var usesNumber: Bool { pieces.contains { if case .number = $0 { return true } else { return false } } }

    public func expand(number: Int, identity: String? = nil) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .identity: out += identity ?? ""
            case .number(let width, let hex, let upper):
                var digits = String(number, radix: hex ? 16 : 10, uppercase: upper)
                if digits.count < width { digits = String(repeating: "0", count: width - digits.count) + digits }
                out += digits
            }
        }
        return out
    }
}

/// Who the conversations of a load run authenticate as, and which of them resume a TLS session: one prepared
/// request varied per conversation, so a farm sees many users and devices. Credentials are loaded before the
/// run (a TLS context per certificate, once); nothing is read from disk while it runs.
public struct LoadIdentities: Sendable {
    /// One entry of a pool: an identity and what it authenticates with.
    public struct Entry: Sendable {
        public var identity: String
        /// Replaces the password of PAP, CHAP, MS-CHAPv2 and (PEAP-)EAP-MSCHAPv2.
        public var password: String?
        /// Replaces the client certificate of EAP-TLS and PEAP-TLS.
        public var context: TLSClientContext?

        public init(identity: String, password: String? = nil, context: TLSClientContext? = nil) {
            self.identity = identity
            self.password = password
            self.context = context
        }
    }

    public enum Pool: Sendable {
        /// The prepared request as it is (its identity may still hold `{n}`: then n = 1).
        case single
        /// `count` identities from the request's own identity pattern: `{n}` runs 1…count.
        case numbered(count: Int)
        /// A list (CSV lines, certificate files); conversations take the entries in turn.
        case entries([Entry])
    }

    public var pool: Pool
    /// `--calling-station-id` with `{n}`: n is the conversation's number (1, 2, 3… in schedule order).
    public var callingStationId: NumberPattern?
    /// The share of conversations that offer a saved TLS session of their identity (PEAP fast reconnect,
    /// EAP-TLS resumption), 0…1. A conversation whose identity has no saved session yet runs in full.
    public var resumeRatio: Double
    /// NAS-IP-Address (or NAS-IPv6-Address) follows each conversation's source address, as each NAS would send
    /// its own (for `--source-address` without `--nas-ip-address`).
    public var nasAddressFromSource: Bool
    /// `--shard i/N`: this generator takes slice i of N of the pool (and numbers its conversations i, i+N…).
    public var shard: LoadShard

    public init(pool: Pool = .single, callingStationId: NumberPattern? = nil, resumeRatio: Double = 0,
                nasAddressFromSource: Bool = false, shard: LoadShard = .whole) {
        self.pool = pool
        self.callingStationId = callingStationId
        self.resumeRatio = min(max(resumeRatio, 0), 1)
        self.nasAddressFromSource = nasAddressFromSource
        self.shard = shard
    }

    /// How many identities the whole pool holds (every shard's).
    public var poolCount: Int {
        switch pool {
        case .single: return 1
        case .numbered(let count): return max(1, count)
        case .entries(let entries): return max(1, entries.count)
        }
    }

    /// The pool entries this generator uses (0-based): its shard's slice, or the whole pool. A pool of one
    /// identity is not sliced (every shard sends it).
    public var slice: Range<Int> {
        let total = poolCount
        guard shard.count > 1, total > 1 else { return 0..<total }
        return (shard.index * total / shard.count)..<((shard.index + 1) * total / shard.count)
    }

    /// How many identities this generator uses (its slice).
    public var count: Int { max(1, slice.count) }

    /// Conversation `number` (0-based) of the run is a resumption when the ratio's running total crosses an
    /// integer there: exactly ⌊n·ratio⌋ of the first n conversations ask to resume, spread evenly.
    public func asksToResume(_ number: Int) -> Bool {
        guard resumeRatio > 0 else { return false }
        return (Double(number + 1) * resumeRatio).rounded(.down) > (Double(number) * resumeRatio).rounded(.down)
    }
}

/// One of N disjoint parts of a load run (`--shard i/N`): N generators together send what one was asked. Shard i
/// takes the i-th slice of the identity pool, 1/N of the rate (and of the count and concurrency), and numbers its
/// conversations i, i+N, i+2N… where a number is sent (`--calling-station-id` with `{n}`), so no two generators
/// send the same identity or the same number.
public struct LoadShard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public static let whole = LoadShard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// This shard's part of `total` (a count, a concurrency): ⌊total/N⌋, plus one for the first total mod N shards.
    public func part(of total: Int) -> Int {
        total / count + (index < total % count ? 1 : 0)
    }

    /// The number conversation `local` of this shard has in the whole run.
    public func globalNumber(_ local: Int) -> Int { local * count + index }
}

/// What one conversation of a load run runs as.
public struct LoadRequest: Sendable {
    public var request: AuthenticationRequest
    /// The pool entry (0-based).
    public var identityIndex: Int
    public var resumption: Resumption

    public enum Resumption: Sendable, Equatable {
        /// Not asked: a full conversation.
        case notAsked
        /// Asked, and its identity's saved session is offered.
        case offered
        /// Asked, but its identity has no saved session yet (or the method has no TLS): a full conversation.
        case unavailable
    }
}

/// How the base request's EAP method was configured (``EAPMethod/configuration(_:tunnel:cryptoBinding:soh:)``),
/// so that each pool entry can be configured again with its own identity, password or certificate. The TLS
/// contexts are reused, never rebuilt.
public struct EAPMethodRecipe: Sendable {
    public var method: EAPMethod
    public var credentials: EAPMethodCredentials
    public var tunnel: TLSClientContext?
    public var cryptoBinding: CryptoBindingPolicy
    public var soh: SoHPolicy

    public init(method: EAPMethod, credentials: EAPMethodCredentials, tunnel: TLSClientContext? = nil,
                cryptoBinding: CryptoBindingPolicy = .optional, soh: SoHPolicy = .nak) {
        self.method = method
        self.credentials = credentials
        self.tunnel = tunnel
        self.cryptoBinding = cryptoBinding
        self.soh = soh
    }

    /// The method configured with `credentials`.
    func configuration(_ credentials: EAPMethodCredentials) throws(EAPError) -> EAPMethodConfiguration {
        try method.configuration(credentials, tunnel: tunnel, cryptoBinding: cryptoBinding, soh: soh)
    }
}

/// Hands out the request of each conversation and keeps the TLS sessions accepted conversations left for
/// resumption (one per identity, at most `maximumSavedSessions`). Thread-safe; shared by a run's tasks.
public final class LoadRequests: Sendable {
    public let base: AuthenticationRequest
    public let identities: LoadIdentities
    /// Bounds the saved sessions whatever the pool's size.
    public static let maximumSavedSessions = 65_536
    private let sessions = Mutex<[Int: TLSResumptionState]>([:])
    /// The EAP method's configuration, to vary its identity and credentials (nil: only the outer identity varies).
    public let recipe: EAPMethodRecipe?
    private let patterns: (user: NumberPattern?, outer: NumberPattern?, inner: NumberPattern?)

    public init(base: AuthenticationRequest, identities: LoadIdentities, recipe: EAPMethodRecipe? = nil) {
        self.base = base
        self.identities = identities
        self.recipe = recipe
        func pattern(_ text: String?) -> NumberPattern? {
            guard let text, let parsed = try? NumberPattern(text), parsed.hasPlaceholders else { return nil }
            return parsed
        }
        var outer: String?
        if case .eap(let configuration) = base.method { outer = configuration.identity }
        patterns = (pattern(base.userName), pattern(outer), pattern(recipe?.credentials.identity))
    }

    /// The request for conversation `number` (0-based, in schedule order), sent from `source` (the bound IP
    /// address of its socket; nil or a wildcard address: unknown).
    public func request(for number: Int, source: String? = nil) -> LoadRequest {
        let slice = identities.slice
        let index = slice.lowerBound + number % max(1, slice.count)
        var entry: LoadIdentities.Entry?
        if case .entries(let entries) = identities.pool, !entries.isEmpty { entry = entries[index] }
        let n = index + 1
        var request = base
        func expand(_ pattern: NumberPattern?, _ current: String) -> String {
            pattern?.expand(number: n, identity: entry?.identity) ?? current
        }
        request.userName = expand(patterns.user, base.userName)
        request.method = varied(base.method, expand: expand, entry: entry)
        if let calling = identities.callingStationId {
            let global = identities.shard.globalNumber(number)
            let value = RADIUSAttribute(.callingStationId, string: calling.expand(number: global + 1))
            request.attributes.removeAll { $0.type == value.type }
            request.attributes.append(value)
        }
        if identities.nasAddressFromSource, let source {
            var attribute: RADIUSAttribute?
            if let v4 = IPv4Address(source), v4.octets != [0, 0, 0, 0] {
                attribute = RADIUSAttribute(.nasIPAddress, v4.octets)
            } else if let v6 = IPv6Address(source), v6.octets.contains(where: { $0 != 0 }) {
                attribute = RADIUSAttribute(.nasIPv6Address, v6.octets)
            }
            if let attribute {
                let types = [RADIUSAttributeType.nasIPAddress.rawValue, RADIUSAttributeType.nasIPv6Address.rawValue]
                if let index = request.attributes.firstIndex(where: { types.contains($0.type) }) {
                    request.attributes[index] = attribute
                } else {
                    request.attributes.insert(attribute, at: 0)
                }
            }
        }
        var resumption = LoadRequest.Resumption.notAsked
        if identities.asksToResume(number) {
            resumption = .unavailable
            if let state = sessions.withLock({ $0[index] }), let resumed = request.method.resuming(state) {
                request.method = resumed
                resumption = .offered
            }
        }
        return LoadRequest(request: request, identityIndex: index, resumption: resumption)
    }

    /// Keeps the TLS session an accepted conversation established, for later resumptions of its identity.
    public func completed(_ request: LoadRequest, report: ConversationReport) {
        guard identities.resumeRatio > 0, report.evidence.outcome == .accept,
              let state = report.eapResult?.resumptionState
        else { return }
        sessions.withLock { saved in
            if saved[request.identityIndex] != nil || saved.count < Self.maximumSavedSessions {
                saved[request.identityIndex] = state
            }
        }
    }

    private func varied(
        _ method: AuthenticationMethod, expand: (NumberPattern?, String) -> String, entry: LoadIdentities.Entry?
    ) -> AuthenticationMethod {
        switch method {
        case .pap(let password, let encoding): return .pap(password: entry?.password ?? password, encoding: encoding)
        case .chap(let password, let encoding): return .chap(password: entry?.password ?? password, encoding: encoding)
        case .msCHAPv2(let password): return .msCHAPv2(password: entry?.password ?? password)
        case .eap(var configuration):
            configuration.identity = expand(patterns.outer, configuration.identity)
            // The method itself (PEAP's inner identity, MS-CHAPv2's name and password, the certificate's context)
            // only when something of it varies: most runs send the base configuration as it is.
            guard let recipe, patterns.inner != nil || entry != nil else { return .eap(configuration) }
            var credentials = recipe.credentials
            credentials.identity = expand(patterns.inner, credentials.identity)
            if let password = entry?.password, credentials.password != nil { credentials.password = password }
            if let context = entry?.context, credentials.tls != nil { credentials.tls = context }
            // The base was configured from the same recipe, so this cannot fail; if it did, the base is sent.
            if let varied = try? recipe.configuration(credentials) { configuration.method = varied }
            return .eap(configuration)
        }
    }
}
