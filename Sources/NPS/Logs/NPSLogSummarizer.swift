/// Builds an `NPSLogSummary` from records in bounded memory: counters only, no stored records; every per-key map
/// is a `TopCounter` with a fixed capacity, and the table of requests waiting for their response is capped.
///
/// Pairing. NPS logs do not carry the RADIUS identifier, so a response record (Access-Accept/Reject/Challenge)
/// is matched to the nearest preceding, still unanswered Access-Request logged by the same NPS server
/// (Computer-Name), trying in order:
/// 1. the same Class attribute (NPS writes its generated Class on both records of a conversation);
/// 2. the same RADIUS client (Client-IP-Address, else NAS-IP-Address) and the same account, comparing
///    User-Name / SAM-Account-Name / Fully-Qualifed-User-Name case-insensitively without domain prefix
///    (DOMAIN\, canonical path), realm (@…) or trailing $, and host/<fqdn> as its first label;
/// 3. when the response names no account at all: the latest unanswered request from the same RADIUS client.
/// Accounting-Responses pair with Accounting-Requests the same way, on Acct-Session-Id first. Requests still
/// unanswered at the end (or pushed out of the capped table) are counted as unanswered.
public struct NPSLogSummarizer: Sendable {
    public struct Options: Sendable, Hashable {
        /// Entries shown per top list.
        public var top: Int
        /// Distinct keys tracked per counter (users, clients, servers, policies).
        public var maxTrackedKeys: Int
        /// Unanswered requests kept for pairing; older ones are dropped and counted unanswered.
        public var maxPendingRequests: Int
        /// Unanswered requests remembered per pairing key (e.g. per user and client).
        public var maxPendingPerKey: Int

        public init(top: Int = 10, maxTrackedKeys: Int = 1000, maxPendingRequests: Int = 10_000,
                    maxPendingPerKey: Int = 64) {
            self.top = top
            self.maxTrackedKeys = maxTrackedKeys
            self.maxPendingRequests = maxPendingRequests
            self.maxPendingPerKey = maxPendingPerKey
        }
    }

    public let options: Options

    private var records = 0
    private var first: NPSLogTimestamp?
    private var last: NPSLogTimestamp?
    private var packetTypes: TopCounter<Int?>
    private var accountingStatus: TopCounter<Int?>
    private var rejectReasons: TopCounter<Int?>
    private var failedRequestReasons: TopCounter<Int?>
    private var rejectsByUser: TopCounter<String>
    private var rejectsByClient: TopCounter<String>
    private var rejectsByServer: TopCounter<String>
    private var rejectsByNetworkPolicy: TopCounter<String>
    private var rejectsByRequestPolicy: TopCounter<String>
    private var acceptsByNetworkPolicy: TopCounter<String>
    private var access: RequestPairer
    private var accounting: RequestPairer
    private var pairedByClass = 0, pairedByAccount = 0, pairedByClient = 0, unmatchedResponses = 0
    private var accountingPaired = 0, accountingUnmatchedResponses = 0

    public init(options: Options = Options()) {
        self.options = options
        let keys = options.maxTrackedKeys
        packetTypes = TopCounter(capacity: 256)
        accountingStatus = TopCounter(capacity: 64)
        rejectReasons = TopCounter(capacity: 512)
        failedRequestReasons = TopCounter(capacity: 512)
        rejectsByUser = TopCounter(capacity: keys)
        rejectsByClient = TopCounter(capacity: keys)
        rejectsByServer = TopCounter(capacity: keys)
        rejectsByNetworkPolicy = TopCounter(capacity: keys)
        rejectsByRequestPolicy = TopCounter(capacity: keys)
        acceptsByNetworkPolicy = TopCounter(capacity: keys)
        access = RequestPairer(maxPending: options.maxPendingRequests, maxPerKey: options.maxPendingPerKey)
        accounting = RequestPairer(maxPending: options.maxPendingRequests, maxPerKey: options.maxPendingPerKey)
    }

    public mutating func add(_ record: NPSLogRecord) {
        records += 1
        if let t = record.timestamp {
            if first.map({ t < $0 }) ?? true { first = t }
            if last.map({ t > $0 }) ?? true { last = t }
        }
        packetTypes.add(record.packetType?.rawValue)
        switch record.packetType {
        case .accessRequest?:
            if let reason = record.reasonCode, reason != 0 { failedRequestReasons.add(reason) }
            access.add(record, keys: RequestPairer.requestKeys(record, session: false))
        case .accessAccept?, .accessReject?, .accessChallenge?:
            let match = access.match(RequestPairer.responseTiers(record, session: false))
            switch match?.tier {
            case 0?: pairedByClass += 1
            case 1?: pairedByAccount += 1
            case 2?: pairedByClient += 1
            default: unmatchedResponses += 1
            }
            if record.packetType == .accessReject { countReject(record, request: match?.request) }
            if record.packetType == .accessAccept {
                acceptsByNetworkPolicy.add(record.networkPolicyName ?? "(none)")
            }
        case .accountingRequest?:
            accountingStatus.add(record.acctStatusType)
            accounting.add(record, keys: RequestPairer.requestKeys(record, session: true))
        case .accountingResponse?:
            if accounting.match(RequestPairer.responseTiers(record, session: true)) != nil {
                accountingPaired += 1
            } else {
                accountingUnmatchedResponses += 1
            }
        default:
            break
        }
    }

    private mutating func countReject(_ record: NPSLogRecord, request: RequestPairer.Pending?) {
        rejectReasons.add(record.reasonCode)
        let user = request?.userName ?? record.userName ?? record.samAccountName ?? record.fullyQualifiedUserName
        rejectsByUser.add(user ?? "(unknown)")
        rejectsByClient.add(record.clientLabel ?? request?.clientLabel ?? "(unknown)")
        rejectsByServer.add(record.computerName ?? "(unknown)")
        rejectsByNetworkPolicy.add(record.networkPolicyName ?? "(none)")
        rejectsByRequestPolicy.add(record.proxyPolicyName ?? "(none)")
    }

    /// The summary so far, with the parser's line counters.
    public func summary(parser: NPSLogParser.Statistics = NPSLogParser.Statistics()) -> NPSLogSummary {
        let top = options.top
        func list(_ counter: TopCounter<String>) -> NPSLogSummary.TopList {
            let entries = counter.top(top, tieBreak: <).map {
                NPSLogSummary.TopList.Entry(key: $0.key, count: $0.count, overestimate: $0.overestimate)
            }
            return NPSLogSummary.TopList(
                entries: entries, total: counter.total, others: counter.total - entries.reduce(0) { $0 + $1.count },
                distinctTracked: counter.trackedCount, approximate: counter.isApproximate)
        }
        func reasons(_ counter: TopCounter<Int?>) -> [NPSLogSummary.ReasonCount] {
            counter.top(counter.trackedCount, tieBreak: { ($0 ?? -1) < ($1 ?? -1) }).map { entry in
                let row = entry.key.flatMap { NPSKnowledge.reasonCode($0) }
                return NPSLogSummary.ReasonCount(
                    code: entry.key, symbol: row?.symbol,
                    summary: entry.key == nil
                        ? "no Reason-Code in the record" : (row?.summary ?? NPSKnowledge.notInCatalogue),
                    category: row?.category.rawValue, count: entry.count)
            }
        }
        func count(_ type: Int) -> Int {
            packetTypes.top(packetTypes.trackedCount, tieBreak: { _, _ in false }).first { $0.key == type }?.count ?? 0
        }
        let packetCounts = packetTypes.top(packetTypes.trackedCount, tieBreak: { ($0 ?? -1) < ($1 ?? -1) }).map {
            NPSLogSummary.Count(
                name: $0.key.map { NPSPacketType(rawValue: $0).name } ?? "(no Packet-Type)", code: $0.key,
                count: $0.count)
        }
        let statusCounts = accountingStatus.top(accountingStatus.trackedCount, tieBreak: { ($0 ?? -1) < ($1 ?? -1) })
            .map {
                NPSLogSummary.Count(
                    name: $0.key.map { NPSLogVocabulary.acctStatusTypes[$0] ?? "Acct-Status-Type \($0)" }
                        ?? "(no Acct-Status-Type)",
                    code: $0.key, count: $0.count)
            }
        var formats: [NPSLogSummary.Count] = []
        for (format, n) in [(NPSLogRecord.Format.dts, parser.dtsRecords), (.ias, parser.iasRecords),
                            (.odbc, parser.odbcRecords)] where n > 0 {
            formats.append(NPSLogSummary.Count(name: format.rawValue, code: nil, count: n))
        }
        let pairing = NPSLogSummary.Pairing(
            byClass: pairedByClass, byAccount: pairedByAccount, byClientOnly: pairedByClient,
            unmatchedResponses: unmatchedResponses, unansweredRequests: access.pendingCount + access.evicted,
            droppedFromPairingTable: access.evicted,
            accountingPaired: accountingPaired, accountingUnmatchedResponses: accountingUnmatchedResponses,
            accountingUnanswered: accounting.pendingCount + accounting.evicted)
        return NPSLogSummary(
            linesRead: parser.linesRead, blankLines: parser.blankLines, ignoredLines: parser.ignoredLines,
            records: records, recordsByFormat: formats, firstTimestamp: first, lastTimestamp: last,
            packetTypes: packetCounts,
            accessRequests: count(1), accessAccepts: count(2), accessRejects: count(3), accessChallenges: count(11),
            accountingRequests: count(4), accountingResponses: count(5), accountingStatus: statusCounts,
            rejectsByReason: reasons(rejectReasons), requestsWithFailureReason: reasons(failedRequestReasons),
            rejectsByUser: list(rejectsByUser), rejectsByClient: list(rejectsByClient),
            rejectsByServer: list(rejectsByServer), rejectsByNetworkPolicy: list(rejectsByNetworkPolicy),
            rejectsByRequestPolicy: list(rejectsByRequestPolicy), acceptsByNetworkPolicy: list(acceptsByNetworkPolicy),
            pairing: pairing, malformedLines: parser.malformed, malformedSamples: parser.malformedSamples,
            limits: NPSLogSummary.Limits(
                top: options.top, maxTrackedKeys: options.maxTrackedKeys,
                maxPendingRequests: options.maxPendingRequests))
    }
}

/// The table of unanswered requests, indexed by pairing keys; bounded in entries and per key.
struct RequestPairer: Sendable {
    struct Pending: Sendable {
        var keys: [String]
        var userName: String?
        var clientLabel: String?
    }

    let maxPending: Int
    let maxPerKey: Int
    private(set) var evicted = 0
    private var pending: [Int: Pending] = [:]
    private var order: [Int] = []
    private var orderHead = 0
    private var index: [String: [Int]] = [:]
    private var nextID = 0

    init(maxPending: Int, maxPerKey: Int) {
        self.maxPending = max(1, maxPending)
        self.maxPerKey = max(1, maxPerKey)
    }

    var pendingCount: Int { pending.count }

    mutating func add(_ record: NPSLogRecord, keys: [String]) {
        let id = nextID
        nextID += 1
        pending[id] = Pending(keys: keys, userName: record.userName ?? record.resolvedAccount,
                              clientLabel: record.clientLabel)
        order.append(id)
        for key in keys {
            index[key, default: []].append(id)
            if index[key]!.count > maxPerKey { index[key]!.removeFirst() }
        }
        while pending.count > maxPending { evictOldest() }
        compactOrder()
    }

    /// The latest pending request under the first tier of keys that has one; it is removed from the table.
    mutating func match(_ tiers: [[String]]) -> (request: Pending, tier: Int)? {
        for (tier, keys) in tiers.enumerated() {
            var best: Int?
            for key in keys {
                if let id = index[key]?.last, id > (best ?? -1) { best = id }
            }
            if let id = best, let request = remove(id) { return (request, tier) }
        }
        return nil
    }

    private mutating func remove(_ id: Int) -> Pending? {
        guard let request = pending.removeValue(forKey: id) else { return nil }
        for key in request.keys {
            guard var ids = index[key] else { continue }
            ids.removeAll { $0 == id }
            index[key] = ids.isEmpty ? nil : ids
        }
        return request
    }

    private mutating func evictOldest() {
        while orderHead < order.count {
            let id = order[orderHead]
            orderHead += 1
            if remove(id) != nil {
                evicted += 1
                return
            }
        }
    }

    /// Keeps `order` proportional to the pending table even when responses consume requests out of order.
    private mutating func compactOrder() {
        let live = order.count - orderHead
        if orderHead > 4096 && orderHead * 2 > order.count {
            order.removeSubrange(..<orderHead)
            orderHead = 0
        } else if live > 2 * maxPending + 1024 {
            order = order[orderHead...].filter { pending[$0] != nil }
            orderHead = 0
        }
    }

    // MARK: Keys

    static func requestKeys(_ r: NPSLogRecord, session: Bool) -> [String] {
        let scope = (r.computerName ?? "") + "\u{1F}"
        let client = r.clientIPAddress ?? r.nasIPAddress ?? ""
        var keys: [String] = []
        if session {
            if let s = r.acctSessionId { keys.append("s" + scope + client + "\u{1F}" + s) }
        } else if let c = r.classAttribute {
            keys.append("c" + scope + c)
        }
        keys += identities(r).map { "i" + scope + client + "\u{1F}" + $0 }
        keys.append("n" + scope + client)
        return keys
    }

    static func responseTiers(_ r: NPSLogRecord, session: Bool) -> [[String]] {
        let scope = (r.computerName ?? "") + "\u{1F}"
        let client = r.clientIPAddress ?? r.nasIPAddress ?? ""
        var first: [String] = []
        if session {
            if let s = r.acctSessionId { first.append("s" + scope + client + "\u{1F}" + s) }
        } else if let c = r.classAttribute {
            first.append("c" + scope + c)
        }
        let names = identities(r)
        let accountKeys = names.map { "i" + scope + client + "\u{1F}" + $0 }
        return [first, accountKeys, names.isEmpty ? ["n" + scope + client] : []]
    }

    static func identities(_ r: NPSLogRecord) -> [String] {
        var out: [String] = []
        for name in [r.userName, r.samAccountName, r.fullyQualifiedUserName] {
            if let n = name.flatMap(normalizedIdentity), !out.contains(n) { out.append(n) }
        }
        return out
    }

    /// "DOMAIN\Alice" / "corp.example/Users/alice" / "alice@corp.example" → "alice";
    /// "host/pc1.corp.example" / "DOMAIN\PC1$" → "pc1".
    static func normalizedIdentity(_ raw: String) -> String? {
        let lower = raw.lowercased()
        var t = Substring(lower)
        let isHost = t.hasPrefix("host/")
        if let slash = t.lastIndex(where: { $0 == "\\" || $0 == "/" }) { t = t[t.index(after: slash)...] }
        if let at = t.firstIndex(of: "@") { t = t[..<at] }
        if isHost, let dot = t.firstIndex(of: ".") { t = t[..<dot] }
        if t.hasSuffix("$") { t = t.dropLast() }
        return t.isEmpty ? nil : String(t)
    }
}
