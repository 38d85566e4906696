import EAP
import Evidence
import Foundation
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The probes and findings of one `doctor` run.
public struct DoctorRun: Sendable {
    public var context: DoctorContext
    public var probes: [(probe: DoctorProbe, observation: DoctorObservation)]
    /// Ranked: the top finding first.
    public var findings: [DoctorFinding]
    public var elapsed: Duration

    public init(context: DoctorContext, probes: [(probe: DoctorProbe, observation: DoctorObservation)],
                findings: [DoctorFinding], elapsed: Duration) {
        self.context = context
        self.probes = probes
        self.findings = findings
        self.elapsed = elapsed
    }

    /// A finding worse than `info` exists.
    public var hasProblems: Bool { findings.contains { $0.severity < .info } }
}

/// The I/O edge of ``DoctorPlan``: turns each probe into the profile's case with its changes, runs it with the
/// same machinery as `auth` (``CasePreparation``, ``CaseRunner``), and feeds back what it observed. Each probe
/// is bounded: a short first wait and one retransmission (or the profile's, when smaller).
public struct DoctorRunner: Sendable {
    public var settings: AuthSettings
    public var dictionary: RADIUSDictionary
    public var environment: [String: String]
    /// The first wait of every probe request, seconds.
    public var probeTimeout: Double
    /// Retransmissions of every probe request.
    public var probeRetries: Int
    /// Repeated conversations of the persistence probe.
    public var persistenceRuns: Int
    /// Which server of a farm sent a reply (e.g. from NPS's Class attribute); nil: reply source and Reply-Message
    /// only. The hook for a Class decoder.
    public var nodeIdentifier: (@Sendable (RADIUSPacket) -> String?)?
    public var observer: PacketObserver?

    public init(settings: AuthSettings, dictionary: RADIUSDictionary,
                environment: [String: String] = ProcessInfo.processInfo.environment, probeTimeout: Double = 1.5,
                probeRetries: Int = 1, persistenceRuns: Int = 4,
                nodeIdentifier: (@Sendable (RADIUSPacket) -> String?)? = nil, observer: PacketObserver? = nil) {
        self.settings = settings
        self.dictionary = dictionary
        self.environment = environment
        self.probeTimeout = probeTimeout
        self.probeRetries = probeRetries
        self.persistenceRuns = persistenceRuns
        self.nodeIdentifier = nodeIdentifier
        self.observer = observer
    }

    /// The plan's starting knowledge: the profile's method and the others its credentials allow.
    public var context: DoctorContext {
        let methods = DoctorContext.methods(allowedBy: settings)
        return DoctorContext(method: settings.method ?? .pap, otherMethods: Array(methods.dropFirst()),
                             fragmentSize: settings.fragmentSize ?? CasePreparation.defaultFragmentSize,
                             persistenceRuns: persistenceRuns)
    }

    /// Prepares every probe's case without sending anything, so bad input is refused before the first request.
    public func validate() throws(ProfileError) {
        _ = try CasePreparation.prepare(settings, dictionary: dictionary, environment: environment)
    }

    /// Runs the plan to its end; `progress` hears each probe as it finishes.
    public func run(progress: @Sendable (DoctorProbe, DoctorObservation) -> Void = { _, _ in }) async -> DoctorRun {
        let clock = ContinuousClock()
        let start = clock.now
        var plan = DoctorPlan(context)
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        var action = plan.start()
        var findings: [DoctorFinding] = []
        steps: while true {
            switch action {
            case .run(let probe):
                let observation = await run(probe, over: transport)
                progress(probe, observation)
                action = plan.received(observation)
            case .finished(let ranked):
                findings = ranked
                break steps
            }
        }
        await transport.shutdown()
        return DoctorRun(context: plan.context, probes: plan.results, findings: findings, elapsed: clock.now - start)
    }

    /// The profile's settings with the probe's changes, bounded.
    public func settings(for probe: DoctorProbe) -> AuthSettings {
        var changed = settings
        changed.method = probe.method
        changed.accounting = nil
        changed.timeout = min(settings.timeout ?? probeTimeout, probeTimeout)
        changed.retries = min(settings.retries ?? probeRetries, probeRetries)
        if probe.acceptUnsignedReplies { changed.requireMessageAuthenticator = false }
        if let size = probe.fragmentSize { changed.fragmentSize = size }
        var tls = changed.tls ?? .init()
        if let version = probe.tlsVersion {
            tls.minVersion = version
            tls.maxVersion = version
        }
        tls.resume = probe.resume && probe.method.usesTLS ? true : nil
        changed.tls = tls
        if probe.proxyState { changed.proxyStates = (changed.proxyStates ?? []) + ["npsprobe-doctor"] }
        if let binding = probe.cryptoBinding {
            var peap = changed.peap ?? .init()
            peap.cryptoBinding = binding
            changed.peap = peap
        }
        if let station = probe.callingStationId {
            var nas = changed.nas ?? .init()
            nas.callingStationId = station
            changed.nas = nas
        }
        return changed
    }

    func run(_ probe: DoctorProbe, over shared: RADIUSTransport) async -> DoctorObservation {
        let prepared: PreparedCase
        do {
            prepared = try CasePreparation.prepare(settings(for: probe), dictionary: dictionary,
                                                   environment: environment)
        } catch {
            return DoctorObservation(outcome: .error, rule: "local-error", diagnosisTitle: error.reason,
                                     diagnosisCause: error.reason, confidence: .certain)
        }
        var client = prepared.client
        client.unsignedRequests = probe.unsignedRequest
        if probe.step == .statusServer {
            // As `npsprobe status`: FreeRADIUS answers Status-Server unsigned; the answer is what counts here.
            client.replyPolicy = .lenient
            return await status(client: client, transport: shared)
        }
        // A transport of its own for a new source port (a NAS's other port, a balancer's other hash).
        let own = probe.freshSourcePort ? RADIUSTransport(maximumSocketsPerFamily: 1) : nil
        var probed = prepared
        probed.client = client
        let run = await CaseRunner.run(probed, transport: own ?? shared, dictionary: dictionary, observer: observer)
        await own?.shutdown()
        var observation = DoctorObservation(run: run)
        observation.node = run.report.finalReply.flatMap { reply in nodeIdentifier?(reply) }
        return observation
    }

    /// Status-Server (RFC 5997) to each server in turn until one answers.
    func status(client: RADIUSClientConfiguration, transport: RADIUSTransport) async -> DoctorObservation {
        let sender = RADIUSClient(transport: transport, configuration: client)
        do {
            let trip = try await sender.send(.statusServer, attributes: [], observer: observer)
            var observation = DoctorObservation(roundTrips: trip.evidence)
            observation.outcome = trip.reply == nil ? .timeout : .accept
            observation.rule = trip.reply == nil ? "status-unanswered" : "status-answered"
            return observation
        } catch {
            return DoctorObservation(outcome: .error, rule: "local-error", diagnosisTitle: error.reason,
                                     confidence: .certain)
        }
    }
}

extension DoctorObservation {
    /// The counts of round trips: answered, dropped unsigned, dropped for an authenticator; sizes, sources.
    init(roundTrips: [RoundTripEvidence]) {
        self.init(outcome: .timeout)
        answeredRoundTrips = roundTrips.filter(\.answered).count
        for trip in roundTrips {
            let unsigned = trip.discarded.filter { $0.code == .messageAuthenticatorMissing }.count
            let bad = trip.discarded.filter { $0.code.pointsToSharedSecret }.count
            // Only samples are kept; the rest of the count goes to the kind the samples show most.
            let extra = max(0, trip.discardedCount - trip.discarded.count)
            unsignedReplies += unsigned + (unsigned >= bad && unsigned > 0 ? extra : 0)
            badSignatureReplies += bad + (bad > unsigned ? extra : 0)
            if trip.unreachable?.kind == .portClosed { portClosed = true }
        }
        largestAnsweredRequest = roundTrips.filter(\.answered).map(\.requestSize).max()
        unansweredRequest = roundTrips.last { !$0.answered && $0.unreachable == nil }?.requestSize
        source = roundTrips.first?.source
        replyFrom = roundTrips.last { $0.answered }?.replyFrom ?? roundTrips.last?.server
    }

    /// What a case run observed: its last conversation (the first one of a resumption probe says whether a
    /// session was offered).
    public init(run: CaseRun) {
        let first = run.reports.count > 1 ? run.reports[0] : nil
        self.init(evidence: run.report.evidence, diagnosis: run.diagnosis,
                  earlierRoundTrips: first?.evidence.roundTrips ?? [],
                  resumptionOffered: first.map { $0.eapResult?.resumptionState != nil })
    }

    /// What one conversation's evidence and diagnosis show; `earlierRoundTrips` (a first conversation) count
    /// toward the replies seen.
    public init(evidence: ConversationEvidence, diagnosis: Diagnosis, earlierRoundTrips: [RoundTripEvidence] = [],
                resumptionOffered: Bool? = nil) {
        self.init(roundTrips: earlierRoundTrips + evidence.roundTrips)
        outcome = evidence.outcome
        rule = diagnosis.rule
        diagnosisTitle = diagnosis.title
        diagnosisCause = diagnosis.cause
        diagnosisFix = diagnosis.fix
        confidence = diagnosis.confidence
        windowsError = diagnosis.windowsError
        let last = evidence.roundTrips
        largestAnsweredRequest = last.filter(\.answered).map(\.requestSize).max()
        unansweredRequest = last.last { !$0.answered && $0.unreachable == nil }?.requestSize
        replyFrom = last.last { $0.answered }?.replyFrom ?? evidence.server
        if let tls = evidence.eap?.tls {
            tlsVersion = tls.version?.rawValue
            tlsCipher = tls.cipher
            tlsGroup = tls.keyExchangeGroup
            if let low = tls.minimumVersionOffered, let high = tls.maximumVersionOffered {
                tlsOffered = low == high ? low.rawValue : "\(low.rawValue)-\(high.rawValue)"
            }
            tlsCompleted = tls.handshakeMessagesReceived.contains(.finished) || tls.resumed
        }
        self.resumptionOffered = resumptionOffered
        resumed = evidence.eap?.resumed ?? false
        cryptoBinding = evidence.eap.flatMap { CaseRunner.cryptoBindingText($0.cryptoBinding) }
        replyMessages = evidence.replyMessages
    }
}
