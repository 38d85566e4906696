import Testing

@testable import Profiles

@Suite struct ExpectationTests {
    static let accept = CaseObservation(outcome: .accept, mppeKeys: "verified", latencyMs: 12)
    static let acceptMismatch = CaseObservation(outcome: .accept, mppeKeys: "mismatch")
    static let reject691 = CaseObservation(outcome: .reject, windowsError: 691, npsReasons: [16])
    static let reject853 = CaseObservation(outcome: .reject, windowsError: 853, npsReasons: [16, 22])
    static let rejectBare = CaseObservation(outcome: .reject)
    static let timeout = CaseObservation(outcome: .timeout, windowsError: 809)
    /// A wrong PAP password: the diagnosis infers 16 or 8, the server said nothing.
    static let papWrong = CaseObservation(outcome: .reject, windowsError: 691, npsReasons: [16, 8])
    /// `M=Account locked out`: the server's words state reason 36.
    static let locked = CaseObservation(outcome: .reject, windowsError: 647, npsReasons: [36, 64], statedReasons: [36])
    static let error = CaseObservation(outcome: .error, localError: "cannot read key")

    @Test(arguments: [
        (CaseExpectation.accept, accept, true),
        (.accept, acceptMismatch, false),
        (.accept, reject691, false),
        (.accept, timeout, false),
        (.accept, error, false),
        (.reject, reject691, true),
        (.reject, rejectBare, true),
        (.reject, accept, false),
        (.reject, timeout, false),
        (CaseExpectation(.reject, windowsErrors: [853]), reject853, true),
        (CaseExpectation(.reject, windowsErrors: [853]), reject691, false),
        (CaseExpectation(.reject, windowsErrors: [853]), rejectBare, false),
        (CaseExpectation(.reject, windowsErrors: [853]), accept, false),
        (CaseExpectation(.reject, windowsErrors: [853, 691]), reject691, true),
        // reason: only what the server stated (issue 12: reject:reason=8 passed on the inferred "16|8").
        (CaseExpectation(.reject, reasons: [16]), reject691, false),
        (CaseExpectation(.reject, reasons: [8]), papWrong, false),
        (CaseExpectation(.reject, reasons: [22, 48]), reject853, false),
        (CaseExpectation(.reject, reasons: [16]), rejectBare, false),
        (CaseExpectation(.reject, reasons: [36]), locked, true),
        (CaseExpectation(.reject, reasons: [64]), locked, false),
        (CaseExpectation(.reject, windowsErrors: [647], reasons: [36]), locked, true),
        (CaseExpectation(.reject, windowsErrors: [691], reasons: [36]), locked, false),
        // inferred_reason: any of the diagnosis's, opted into.
        (CaseExpectation(.reject, inferredReasons: [16]), reject691, true),
        (CaseExpectation(.reject, inferredReasons: [8]), papWrong, true),
        (CaseExpectation(.reject, inferredReasons: [22]), reject691, false),
        (CaseExpectation(.reject, inferredReasons: [22, 48]), reject853, true),
        (CaseExpectation(.reject, inferredReasons: [16]), rejectBare, false),
        (CaseExpectation(.reject, inferredReasons: [64]), locked, true),
        (CaseExpectation(.reject, windowsErrors: [853], inferredReasons: [16, 22]), reject853, true),
        (CaseExpectation(.reject, windowsErrors: [853], inferredReasons: [16]), reject691, false),
        (CaseExpectation(.reject, windowsErrors: [691], inferredReasons: [48]), reject691, false),
        (.timeout, timeout, true),
        (.timeout, rejectBare, false),
        (CaseExpectation(.timeout, windowsErrors: [809]), timeout, true),
        (CaseExpectation(.timeout, windowsErrors: [809]), CaseObservation(outcome: .timeout), false),
    ] as [(CaseExpectation, CaseObservation, Bool)])
    func truthTable(_ expectation: CaseExpectation, _ observation: CaseObservation, _ passed: Bool) {
        let result = expectation.evaluate(observation)
        #expect(result.passed == passed, "\(expectation) on \(observation.summary)")
        #expect((result.reason == nil) == passed)
        #expect(result.expected == expectation.description && result.got == observation.summary)
    }

    @Test func reasonsSayWhy() {
        let wrongError = CaseExpectation(.reject, windowsErrors: [853]).evaluate(Self.reject691)
        #expect(wrongError.reason?.contains("691") == true && wrongError.reason?.contains("not 853") == true)
        #expect(CaseExpectation.accept.evaluate(Self.error).reason == "expected accept, got error: cannot read key")
        #expect(CaseExpectation.accept.evaluate(Self.acceptMismatch).reason?.contains("MPPE") == true)
        #expect(CaseExpectation(.reject, inferredReasons: [22]).evaluate(Self.rejectBare).reason?
                    .contains("infers no NPS reason code") == true)
    }

    /// Issue 12: `--expect reject:reason=8` passed for a wrong PAP password because 8 was among the inferred
    /// reasons "16|8". A reason the wire cannot show fails and says why; the opt-in passes and says it inferred.
    @Test func aReasonTheWireCannotShowNeedsTheServersWord() {
        let stated = CaseExpectation(.reject, reasons: [8]).evaluate(Self.papWrong)
        #expect(!stated.passed)
        let why = stated.reason ?? ""
        #expect(why.contains("reason 8 was not observed"), "\(why)")
        #expect(why.contains("the server stated no reason code"), "\(why)")
        #expect(why.contains("infers 16 or 8, which is not observed"), "\(why)")
        #expect(why.contains("nps-log") && why.contains("inferred-reason=8"), "\(why)")

        let inferred = CaseExpectation(.reject, inferredReasons: [8]).evaluate(Self.papWrong)
        #expect(inferred.passed)
        #expect(inferred.note == "reason 8 is inferred, not observed: the diagnosis names 16 or 8")
        // A pass on the server's own words needs no note.
        let locked = CaseExpectation(.reject, reasons: [36]).evaluate(Self.locked)
        #expect(locked.passed && locked.note == nil)
    }

    /// Issue 12: `reject:99999` and `reject:reason=9999` were accepted without a word.
    @Test func unknownCodesAreProblems() {
        #expect(CaseExpectation(.reject, windowsErrors: [853], reasons: [16], inferredReasons: [8]).problems.isEmpty)
        let unknown = CaseExpectation(.reject, windowsErrors: [99999], reasons: [9999], inferredReasons: [7777])
        #expect(unknown.problems.map(\.message) == ["99999 is not a Windows error this tool knows",
                                                    "9999 is not an NPS reason code", "7777 is not an NPS reason code"])
        #expect(CaseExpectation(.reject, windowsErrors: [16]).problems.first?.hint.contains("reject:reason=16") == true)
    }

    @Test func descriptions() {
        #expect(CaseExpectation.accept.description == "accept")
        #expect(CaseExpectation(.reject, windowsErrors: [853]).description == "reject 853")
        #expect(CaseExpectation(.reject, reasons: [16]).description == "reject reason 16")
        #expect(CaseExpectation(.reject, windowsErrors: [853], reasons: [16, 22]).description
                    == "reject 853 reason 16|22")
        #expect(CaseExpectation(.reject, inferredReasons: [16, 8]).description == "reject inferred reason 16|8")
        #expect(Self.reject853.summary == "reject 853 (reason 16|22)")
    }
}

@Suite struct AssertionTests {
    static let reply = CaseObservation(
        outcome: .accept, mppeKeys: "verified", cryptoBinding: "verified", latencyMs: 120,
        replyAttributes: [
            ("Class", "0x6c61622d636c617373", nil), ("Filter-Id", "\"vpn-users\"", nil),
            ("Session-Timeout", "3600", 3600),
            ("Tunnel-Type:1", "VLAN", 13), ("Tunnel-Private-Group-Id:1", "42", nil), ("Framed-MTU", "1400", 1400),
            ("Class", "0x02", nil),
        ])

    static func attribute(_ name: String, tag: UInt8? = nil, present: Bool? = nil, equals: String? = nil,
                          matches: String? = nil, atMost: Double? = nil, atLeast: Double? = nil) -> Assertion {
        .attribute(AttributeAssertion(name: name, tag: tag, present: present, equals: equals, matches: matches,
                                      atMost: atMost, atLeast: atLeast))
    }

    @Test(arguments: [
        (attribute("Class", present: true), true),
        (attribute("class", present: true), true),                     // names are case-insensitive
        (attribute("Reply-Message", present: true), false),
        (attribute("Reply-Message", present: false), true),
        (attribute("Class", present: false), false),
        (attribute("Filter-Id", equals: "vpn-users"), true),             // quotes of the printed value ignored
        (attribute("Filter-Id", equals: "VPN-users"), false),
        (attribute("Session-Timeout", equals: "3600.0"), true),          // numbers compare as numbers
        (attribute("Session-Timeout", atMost: 3600), true),
        (attribute("Session-Timeout", atMost: 3599), false),
        (attribute("Session-Timeout", atLeast: 3600), true),
        (attribute("Session-Timeout", atLeast: 3601), false),
        (attribute("Framed-MTU", atMost: 1500, atLeast: 1200), true),
        (attribute("Filter-Id", atMost: 10), false),                    // not a number
        (attribute("Tunnel-Type", equals: "VLAN"), true),                // any tag
        (attribute("Tunnel-Type", equals: "13"), true),                  // enumerated value by number
        (attribute("Tunnel-Type", equals: "vlan"), true),                // and by name, any case
        (attribute("Tunnel-Type", tag: 1, equals: "VLAN"), true),
        (attribute("Tunnel-Type", tag: 2, equals: "VLAN"), false),
        (attribute("Tunnel-Private-Group-Id", matches: "^4[0-9]$"), true),
        (attribute("Tunnel-Private-Group-Id", matches: "^5"), false),
        (attribute("Class", equals: "0x02"), true),                      // one instance of two suffices
        (attribute("Class", matches: "^0x6c", atMost: 5), false),        // one instance must meet all conditions
        (attribute("Missing-Attr", equals: "x"), false),
        (Assertion.mppeKeys("verified"), true),
        (Assertion.mppeKeys("absent"), false),
        (Assertion.cryptoBinding("verified"), true),
        (Assertion.cryptoBinding("absent"), false),
        (Assertion.latencyUnder(milliseconds: 500), true),
        (Assertion.latencyUnder(milliseconds: 120), false),              // strictly under
    ] as [(Assertion, Bool)])
    func truthTable(_ assertion: Assertion, _ passed: Bool) {
        let result = assertion.evaluate(Self.reply)
        #expect(result.passed == passed, "\(assertion)")
        #expect((result.reason == nil) == passed, "\(assertion): \(result.reason ?? "-")")
        #expect(result.assertion == assertion.description)
    }

    @Test func reasonsSayWhy() {
        #expect(Self.attribute("Session-Timeout", atMost: 60).evaluate(Self.reply).reason
                    == "Session-Timeout is 3600, more than 60")
        #expect(Self.attribute("Reply-Message", present: true).evaluate(Self.reply).reason
                    == "Reply-Message is not in the reply")
        #expect(Self.attribute("Filter-Id", present: false).evaluate(Self.reply).reason
                    == "Filter-Id is present (vpn-users)")
        #expect(Assertion.cryptoBinding("verified").evaluate(CaseObservation(outcome: .accept)).reason
                    == "crypto-binding is not applicable (no PEAP tunnel), not verified")
        #expect(Assertion.latencyUnder(milliseconds: 100).evaluate(Self.reply).reason
                    == "took 120 ms, not under 100 ms")
    }

    @Test func caseResultCombinesExpectationAndAssertions() {
        let definition = CaseDefinition(
            name: "grace", tags: ["lab"], suite: "lab", source: .file("/x.yaml"), settings: AuthSettings(),
            expectation: .accept, assertions: [Self.attribute("Filter-Id", equals: "vpn-users"), .mppeKeys("absent")])
        let result = CaseResult(case: definition, observation: Self.reply, diagnosis: nil, duration: 0.2)
        #expect(result.expectation?.passed == true)
        #expect(result.assertions.map(\.passed) == [true, false])
        #expect(!result.passed && result.verdict == .failed)
        #expect(result.failureReasons == ["assertion MPPE keys absent: MPPE keys are verified, not absent"])
        let good = CaseResult(case: CaseDefinition(name: "g", source: .file("/x"), settings: AuthSettings()),
                              observation: Self.reply, duration: 0.1)
        #expect(good.passed && good.verdict == .passed && good.failureReasons.isEmpty)
        let broken = CaseResult(case: definition, error: "no dictionary", duration: 0)
        #expect(!broken.passed && broken.verdict == .error && broken.got == "error")
    }
}
