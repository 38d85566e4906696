import Evidence
import Histogram
import NPS
import RADIUS

/// How a load run tells the members of a farm apart: the Class NPS puts in an Access-Accept (``NPSClass``),
/// an attribute the servers set to name themselves (`--backend-attribute`), else the reply's source address.
public struct LoadNodeSettings: Sendable {
    /// `--backend-attribute NAME`, resolved in the dictionary.
    public struct BackendAttribute: Sendable, Equatable {
        /// The dictionary name (`Reply-Message`).
        public var name: String
        /// The attribute number: top level, or the vendor's sub-type when `vendor` is set.
        public var number: UInt32
        public var vendor: UInt32?
        public var format: RADIUSVendorFormat

        public init(name: String, number: UInt32, vendor: UInt32? = nil, format: RADIUSVendorFormat = .standard) {
            self.name = name
            self.number = number
            self.vendor = vendor
            self.format = format
        }

        /// The top-level type a reply carries it in (26 for a vendor attribute).
        var topLevelType: UInt8 { vendor == nil ? UInt8(truncatingIfNeeded: number) : 26 }

        /// The node it names in these reply attributes: the first value, as text (`0x…` when not UTF-8).
        func node(in attributes: [RecordedAttribute]) -> String? {
            let raw = attributes.map { RADIUSAttribute(type: $0.type, value: $0.value) }
            let values: [[UInt8]]
            if let vendor {
                values = raw.vendorAttributes(vendor: vendor, type: number, format: format)
            } else {
                values = raw.filter { UInt32($0.type) == number }.map(\.value)
            }
            guard let first = values.first else { return nil }
            if let text = String(validating: first, as: UTF8.self), !text.isEmpty { return text }
            return "0x" + first.map { String(format: "%02x", $0) }.joined()
        }
    }

    public var backendAttribute: BackendAttribute?
    /// The requests carry Calling-Station-Id (`--calling-station-id`): a balancer may persist on it.
    public var callingStationIdSent: Bool

    public init(backendAttribute: BackendAttribute? = nil, callingStationIdSent: Bool = false) {
        self.backendAttribute = backendAttribute
        self.callingStationIdSent = callingStationIdSent
    }

    /// The reply attribute types the client keeps per round trip: Class (25), and the backend attribute's.
    public var recordedTypes: Set<UInt8> {
        var types: Set<UInt8> = [RADIUSAttributeType.class.rawValue]
        if let backendAttribute { types.insert(backendAttribute.topLevelType) }
        return types
    }
}

/// Which member of a farm answered a conversation, and how that is known.
public struct LoadNode: Sendable, Hashable {
    public enum IdentifiedBy: String, Sendable, Codable, Hashable {
        /// The NPS Class of the Access-Accept named the NPS server's address.
        case npsClass = "nps-class"
        /// `--backend-attribute` in a reply named it.
        case backendAttribute = "backend-attribute"
        /// Only the address the reply came from is known (behind a balancer: the balancer's).
        case replySource = "reply-source"
        /// Nothing answered: the label is the server the requests were sent to.
        case none
    }

    /// `10.0.0.1`, `farm-a`, `127.0.0.1:18152`.
    public var label: String
    public var identifiedBy: IdentifiedBy

    public init(_ label: String, _ identifiedBy: IdentifiedBy) {
        self.label = label
        self.identifiedBy = identifiedBy
    }
}

/// What one load conversation says about the farm: the node of each answered round trip, the conversation's
/// node, and whether it looks like a persistence failure. Typed facts from the evidence, nothing parsed back.
public struct LoadFarmObservation: Sendable {
    /// Per round trip (in order), the node the reply named; nil when unanswered.
    public var replyNodes: [LoadNode?]
    /// The node the conversation is counted under: the backend attribute of the last reply naming one (the user
    /// asked for it), else the NPS Class of the Access-Accept, else the last reply's source, else the server asked.
    public var node: LoadNode
    /// The NPS Class of the Access-Accept, decoded (nil: none, or not NPS's layout).
    public var npsClass: NPSClass?
    /// Set when the conversation looks broken by a balancer (``PersistenceSuspicion``).
    public var persistence: PersistenceSuspicion?

    public init(evidence: ConversationEvidence, settings: LoadNodeSettings) {
        var nodes: [LoadNode?] = []
        var lastNamed: LoadNode?
        var lastSource: String?
        var accepted: NPSClass?
        for trip in evidence.roundTrips {
            guard trip.answered else {
                nodes.append(nil)
                continue
            }
            let attributes = trip.replyAttributes ?? []
            var node: LoadNode?
            if trip.replyCode == .accessAccept {
                for attribute in attributes where attribute.type == RADIUSAttributeType.class.rawValue {
                    if case .nps(let value) = NPSClass.read(attribute.value) {
                        accepted = value
                        break
                    }
                }
            }
            if let name = settings.backendAttribute?.node(in: attributes) {
                node = LoadNode(name, .backendAttribute)
                lastNamed = node
            } else if let source = trip.replyFrom {
                node = LoadNode(source, .replySource)
            }
            if let source = trip.replyFrom { lastSource = source }
            nodes.append(node)
        }
        replyNodes = nodes
        npsClass = accepted
        if let lastNamed {
            node = lastNamed
        } else if let accepted {
            node = LoadNode(accepted.address, .npsClass)
        } else if let lastSource {
            node = LoadNode(lastSource, .replySource)
        } else {
            node = LoadNode(evidence.server ?? evidence.roundTrips.last?.server ?? "unknown", .none)
        }
        var facts = DiagnosisFacts(evidence)
        persistence = PersistenceSuspicion.check(
            facts, replyNodes: nodes.map { $0?.label }, callingStationIdSent: settings.callingStationIdSent)
        facts.persistence = persistence
        // Refused and unanswered conversations are diagnosed as `auth` would, from the facts already derived.
        if evidence.outcome != .accept {
            let verdict = Diagnoser.diagnose(facts)
            diagnosis = Cause(windowsError: verdict.windowsError, rule: verdict.rule, title: verdict.title,
                              evidence: Array(verdict.evidence.prefix(Diagnoser.decidingFacts)))
        }
    }

    /// The verdict on a refused or unanswered conversation, compactly (nil for an accept).
    public var diagnosis: Cause?

    /// A diagnosis reduced to what the failures-by-cause table groups on, with the sample's deciding facts.
    public struct Cause: Sendable, Equatable {
        public var windowsError: Int?
        public var rule: String
        public var title: String
        public var evidence: [String]

        public init(windowsError: Int?, rule: String, title: String, evidence: [String]) {
            self.windowsError = windowsError
            self.rule = rule
            self.title = title
            self.evidence = evidence
        }
    }
}

/// The per-node view, persistence failures and failures by cause of a load run (a part of ``LoadStatistics``).
/// Bounded: at most ``maximumNodes`` nodes (later ones are counted under `other`), five persistence samples,
/// one sample per cause.
public struct LoadFarmStatistics: Sendable {
    public struct NodeStatistics: Sendable, OutcomeCounts {
        public var identifiedBy: LoadNode.IdentifiedBy
        /// The reply source addresses seen for this node (bounded).
        public var sources: Set<String> = []
        public var conversations = 0
        public var accepted = 0
        public var rejected = 0
        public var timedOut = 0
        public var errors = 0
        /// Latency from the intended start, microseconds (accepts and rejects), as the run's own.
        public var latency = LoadStatistics.histogram()

        public init(identifiedBy: LoadNode.IdentifiedBy) { self.identifiedBy = identifiedBy }

        mutating func merge(_ other: NodeStatistics) {
            sources.formUnion(other.sources.prefix(max(0, 16 - sources.count)))
            conversations += other.conversations
            addOutcomes(of: other)
            latency.add(other.latency)
        }
    }

    /// A persistence failure kept as evidence.
    public struct PersistenceSample: Sendable, Equatable {
        /// The conversation's number in the run (0-based, schedule order).
        public var conversation: Int
        public var suspicion: PersistenceSuspicion
    }

    /// One group of failures: a Windows error and the rule that found it.
    public struct CauseCount: Sendable {
        public var windowsError: Int?
        public var rule: String
        public var title: String
        public var count = 0
        /// The first conversation of the group: its number, identity and deciding facts.
        public var sampleConversation: Int
        public var sampleIdentity: String
        public var sampleEvidence: [String]
    }

    public static let maximumNodes = 64
    public static let maximumPersistenceSamples = 5
    public static let otherNode = "other"

    public var nodes: [String: NodeStatistics] = [:]
    public var persistenceSuspected = 0
    public var persistenceByKind: [PersistenceSuspicion.Kind: Int] = [:]
    public var persistenceSamples: [PersistenceSample] = []
    /// What a balancer must persist on, as the failures said (union).
    public var persistOn: Set<PersistenceSuspicion.PersistOn> = []
    /// Keyed by `windowsError/rule`.
    public var causes: [String: CauseCount] = [:]

    public init() {}

    /// Folds a finished conversation in.
    public mutating func record(_ observation: LoadFarmObservation, _ record: LoadConversationRecord,
                                identity: String) {
        var label = observation.node.label
        if nodes[label] == nil, nodes.count >= Self.maximumNodes { label = Self.otherNode }
        var node = nodes[label] ?? NodeStatistics(identifiedBy: observation.node.identifiedBy)
        node.conversations += 1
        node.count(record.outcome)
        for case let source? in record.replySources where node.sources.count < 16 { node.sources.insert(source) }
        if record.outcome == .accept || record.outcome == .reject {
            _ = node.latency.record(min(max(1, LoadStatistics.microseconds(record.latency)),
                                        node.latency.highestTrackableValue))
        }
        nodes[label] = node
        if let suspicion = observation.persistence {
            persistenceSuspected += 1
            persistenceByKind[suspicion.kind, default: 0] += 1
            persistOn.formUnion(suspicion.persistOn)
            if persistenceSamples.count < Self.maximumPersistenceSamples {
                persistenceSamples.append(PersistenceSample(conversation: record.number, suspicion: suspicion))
            }
        }
        if let cause = observation.diagnosis {
            let key = "\(cause.windowsError.map(String.init) ?? "-")/\(cause.rule)"
            if causes[key] == nil {
                causes[key] = CauseCount(
                    windowsError: cause.windowsError, rule: cause.rule, title: cause.title,
                    sampleConversation: record.number, sampleIdentity: identity, sampleEvidence: cause.evidence)
            }
            causes[key]?.count += 1
        }
    }

    public mutating func merge(_ other: LoadFarmStatistics) {
        for (label, counts) in other.nodes {
            let key = nodes[label] != nil || nodes.count < Self.maximumNodes ? label : Self.otherNode
            if nodes[key] == nil {
                nodes[key] = counts
            } else {
                nodes[key]?.merge(counts)
            }
        }
        persistenceSuspected += other.persistenceSuspected
        persistenceByKind.merge(other.persistenceByKind, uniquingKeysWith: +)
        persistOn.formUnion(other.persistOn)
        persistenceSamples += other.persistenceSamples.prefix(
            max(0, Self.maximumPersistenceSamples - persistenceSamples.count))
        for (key, cause) in other.causes {
            if causes[key] == nil {
                causes[key] = cause
            } else {
                causes[key]?.count += cause.count
            }
        }
    }
}
