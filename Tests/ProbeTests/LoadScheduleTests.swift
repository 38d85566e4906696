import Probe
import Testing

/// The load scheduler as a value, driven by a manual clock: intended start times for fixed rates, ramps and
/// stages, the bounds, arrivals that find `maximumInFlight` in flight, stopping, and the closed loop.
struct LoadScheduleTests {
    /// Asks the scheduler at each moment it names (a manual clock that jumps to the next intended start) and
    /// returns every arrival with what became of it.
    static func drive(_ scheduler: inout LoadScheduler, inFlight: Int = 0, limit: Int = 1_000_000)
        -> [(arrival: LoadScheduler.Arrival, started: Bool)]
    {
        var now = Duration.zero
        var out: [(LoadScheduler.Arrival, Bool)] = []
        while out.count < limit {
            switch scheduler.decide(now: now, inFlight: inFlight) {
            case .start(let arrival): out.append((arrival, true))
            case .notStarted(let arrival): out.append((arrival, false))
            case .wait(let until):
                #expect(until > now, "a wait must move the clock forward")
                now = until
            case .waitForCompletion, .finished: return out
            }
        }
        return out
    }

    static func close(_ a: Duration, _ b: Double, within microseconds: Double = 1) -> Bool {
        abs(a.seconds - b) * 1e6 <= microseconds
    }

    @Test func aFixedRateStartsEveryConversationAtItsIntendedTime() {
        var scheduler = LoadScheduler(
            .open(stages: [LoadStage(duration: .seconds(2), rate: 500)], maximumInFlight: 10))
        let arrivals = Self.drive(&scheduler)
        #expect(arrivals.count == 1000)
        for (index, item) in arrivals.enumerated() {
            #expect(item.arrival.number == index)
            #expect(Self.close(item.arrival.intended, Double(index) / 500), "arrival \(index)")
            #expect(item.started && item.arrival.stage == 0)
        }
        #expect(scheduler.scheduled == 1000)
        #expect(scheduler.askedSpan == .seconds(2))
        #expect(scheduler.askedRate(at: .seconds(1)) == 500)
    }

    @Test func aRampFollowsTheIntegralOfItsRate() {
        // 0 → 100/s over 10 s: N(t) = 5 t², 500 arrivals, the n-th at √(n/5).
        var scheduler = LoadScheduler(
            .open(stages: [LoadStage(duration: .seconds(10), from: 0, to: 100)], maximumInFlight: 1000))
        let arrivals = Self.drive(&scheduler)
        #expect(arrivals.count == 500)
        for (index, item) in arrivals.enumerated() {
            #expect(Self.close(item.arrival.intended, (Double(index) / 5).squareRoot()), "arrival \(index)")
        }
        // Gaps shrink as the rate grows: the second half of the time holds three quarters of the arrivals.
        #expect(arrivals.filter { $0.arrival.intended >= .seconds(5) }.count == 375)
        #expect(scheduler.askedRate(at: .seconds(5)) == 50)
    }

    @Test func aRampDownAndStagesChainWithoutLosingOrDoublingArrivals() {
        // 10 s at 20/s (200), then 100 → 0 over 4 s (200), then 2 s at 50/s (100).
        let stages = [
            LoadStage(duration: .seconds(10), rate: 20), LoadStage(duration: .seconds(4), from: 100, to: 0),
            LoadStage(duration: .seconds(2), rate: 50),
        ]
        var scheduler = LoadScheduler(.open(stages: stages, maximumInFlight: 1000))
        let arrivals = Self.drive(&scheduler)
        #expect(arrivals.count == 500)
        #expect(arrivals.filter { $0.arrival.stage == 0 }.count == 200)
        #expect(arrivals.filter { $0.arrival.stage == 1 }.count == 200)
        #expect(arrivals.filter { $0.arrival.stage == 2 }.count == 100)
        // Arrival 200 opens the ramp at 10 s; in the ramp N(t) = 100 t − 12.5 t².
        #expect(Self.close(arrivals[200].arrival.intended, 10))
        #expect(Self.close(arrivals[300].arrival.intended, 10 + (100 - (10_000 - 5_000).squareRoot()) / 25))
        #expect(Self.close(arrivals[400].arrival.intended, 14))
        #expect(Self.close(arrivals[499].arrival.intended, 14 + 99.0 / 50))
        let times = arrivals.map(\.arrival.intended)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
        #expect(scheduler.end == .seconds(16))
    }

    @Test func durationAndCountBoundTheSchedule() {
        var byDuration = LoadScheduler(
            .open(stages: [LoadStage(duration: nil, rate: 100)], maximumInFlight: 10), duration: .milliseconds(1500))
        #expect(Self.drive(&byDuration).count == 150)
        var byCount = LoadScheduler(
            .open(stages: [LoadStage(duration: nil, rate: 100)], maximumInFlight: 10), count: 42)
        let counted = Self.drive(&byCount)
        #expect(counted.count == 42)
        // The asked rate holds when a count ends the run: 42 arrivals over the 0.42 s they cover.
        #expect(byCount.askedSpan.map { Self.close($0, 0.42) } == true)
        var stageCut = LoadScheduler(
            .open(stages: [LoadStage(duration: .seconds(10), rate: 10)], maximumInFlight: 10), duration: .seconds(3))
        #expect(Self.drive(&stageCut).count == 30)
        #expect(stageCut.end == .seconds(3))
    }

    @Test func arrivalsThatFindTheMaximumInFlightAreCountedNotDelayed() {
        var scheduler = LoadScheduler(.open(stages: [LoadStage(duration: .seconds(1), rate: 100)], maximumInFlight: 5))
        let arrivals = Self.drive(&scheduler, inFlight: 5)
        // Every arrival was handed out at its own time, none started, none silently skipped.
        #expect(arrivals.count == 100)
        #expect(arrivals.allSatisfy { !$0.started })
        #expect(Self.close(arrivals[99].arrival.intended, 0.99))
        #expect(scheduler.scheduled == 100)
    }

    @Test func aLateClockStartsEveryDueArrivalAtOnceWithItsOwnIntendedTime() {
        var scheduler = LoadScheduler(.open(stages: [LoadStage(duration: .seconds(1), rate: 100)], maximumInFlight: 50))
        // The generator wakes 305 ms late: 31 arrivals are due (0 … 300 ms) and start now, each keeping the time it
        // should have started at, so its latency is counted from then.
        var due: [LoadScheduler.Arrival] = []
        while case .start(let arrival) = scheduler.decide(now: .milliseconds(305), inFlight: due.count) {
            due.append(arrival)
        }
        #expect(due.count == 31)
        #expect(due.first?.intended == .zero)
        #expect(Self.close(due.last!.intended, 0.3))
        guard case .wait(let until) = scheduler.decide(now: .milliseconds(305), inFlight: 31) else {
            Issue.record("the next arrival is due at 310 ms")
            return
        }
        #expect(Self.close(until, 0.31))
    }

    @Test func stopEndsTheScheduleAndTheAskedSpanCoversWhatWasHandedOut() {
        var scheduler = LoadScheduler(.open(stages: [LoadStage(duration: .seconds(60), rate: 100)], maximumInFlight: 5))
        let first = Self.drive(&scheduler, limit: 250)
        #expect(first.count == 250)
        scheduler.stop()
        #expect(scheduler.decide(now: .seconds(10), inFlight: 0) == .finished)
        #expect(scheduler.scheduled == 250)
        #expect(scheduler.askedSpan.map { Self.close($0, 2.5) } == true)
    }

    @Test func theClosedLoopKeepsItsConcurrencyAndEndsOnItsBounds() {
        var scheduler = LoadScheduler(.closed(concurrency: 3), duration: .seconds(5), count: 10)
        var inFlight = 0
        var started = 0
        var now = Duration.zero
        loop: while true {
            switch scheduler.decide(now: now, inFlight: inFlight) {
            case .start(let arrival):
                #expect(arrival.intended == now && arrival.stage == nil)
                inFlight += 1
                started += 1
                #expect(inFlight <= 3)
            case .waitForCompletion:
                inFlight -= 1
                now += .milliseconds(100)
            case .finished: break loop
            case .wait, .notStarted: Issue.record("a closed loop neither waits for a time nor skips"); break loop
            }
        }
        #expect(started == 10)
        var timed = LoadScheduler(.closed(concurrency: 2), duration: .seconds(1))
        #expect(timed.decide(now: .milliseconds(999), inFlight: 0) != .finished)
        #expect(timed.decide(now: .seconds(1), inFlight: 0) == .finished)
        #expect(timed.askedSpan == nil && timed.askedRate(at: .zero) == nil)
    }
}
