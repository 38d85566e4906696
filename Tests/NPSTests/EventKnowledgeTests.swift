import Testing
@testable import NPS

/// The 2025 knowledge: events (NPS 4418/4420/13, KDC 39–41), topics (KB5014754, KB5040268), and the causes they
/// add to 853, 691 and 809.
@Suite struct EventKnowledgeTests {
    @Test(arguments: ["strong-mapping", "Strong-Mapping", "KB5014754", "kb5014754", "sid-extension"])
    func strongMappingTopic(_ query: String) throws {
        let resolution = NPSKnowledge.resolve(query)
        let explanation = try #require(resolution.explanations.first)
        #expect(resolution.explanations.count == 1 && resolution.understood)
        #expect(explanation.kind == .topic && explanation.code == 5014754 && explanation.symbol == "KB5014754")
        let text = explanation.renderText()
        for needle in ["1.3.6.1.4.1.311.25.2", "tag:microsoft.com,2022-09-14:sid:", "853", "reason 16",
                       "KDC event 39", "altSecurityIdentities", "February 11, 2025", "September"] {
            #expect(text.contains(needle), "\(needle)")
        }
        #expect(explanation.related.contains { $0.kind == .event && $0.code == 39 })
        #expect(explanation.related.contains { $0.kind == .windowsError && $0.code == 853 })
    }

    @Test(arguments: ["blastradius", "KB5040268", "cve-2024-3596"])
    func blastRADIUSTopic(_ query: String) throws {
        let explanation = try #require(NPSKnowledge.resolve(query).explanations.first)
        #expect(explanation.code == 5040268)
        #expect(explanation.renderText().contains("4418") && explanation.renderText().contains("July 9, 2024"))
    }

    @Test func events() throws {
        for (query, code, source) in [("4418", 4418, NPSEvent.Source.nps), ("event 4418", 4418, .nps),
                                      ("event 4420", 4420, .nps), ("nps event 13", 13, .nps), ("kdc 39", 39, .kdc),
                                      ("kdc event 41", 41, .kdc), ("event id 40", 40, .kdc)] {
            let resolution = NPSKnowledge.resolve(query)
            let explanation = try #require(resolution.explanations.first, "\(query)")
            #expect(explanation.kind == .event && explanation.code == code, "\(query)")
            #expect(NPSKnowledge.event(code)?.source == source)
            #expect(explanation.notes.contains { $0.hasPrefix("Sources: ") })
        }
        #expect(NPSKnowledge.resolve("event 4419").explanations.isEmpty)
        #expect(NPSKnowledge.resolve("event 4419").notes == ["Event 4419 is not in the catalogue."])
        // A reason code keeps its number: 16 is reason 16, not an event.
        #expect(NPSKnowledge.resolve("16").explanations.first?.kind == .reasonCode)
    }

    @Test func newCausesUnderWindowsErrors() throws {
        let e853 = try #require(NPSKnowledge.explain(windowsError: 853)).renderText()
        #expect(e853.contains("KB5014754") && e853.contains("strongly mapped") && e853.contains("KDC event 39"))
        let e691 = try #require(NPSKnowledge.explain(windowsError: 691)).renderText()
        #expect(e691.contains("windows-1252") && e691.contains("--password-encoding"))
        let e809 = try #require(NPSKnowledge.explain(windowsError: 809)).renderText()
        #expect(e809.contains("4418") && e809.contains("KB5040268") && e809.contains(" 13 "))
    }

    /// Every event a topic names is in the event catalogue; every Windows error an event names, in that one.
    @Test func catalogueIsConsistent() {
        for topic in NPSTopic.catalogue {
            for event in topic.events { #expect(NPSKnowledge.event(event) != nil, "\(topic.kb): event \(event)") }
            for error in topic.windowsErrors { #expect(NPSKnowledge.windowsError(error) != nil) }
            #expect(NPSKnowledge.topic(named: topic.names[0]) == topic)
        }
        for event in NPSEvent.catalogue {
            for error in event.windowsErrors { #expect(NPSKnowledge.windowsError(error) != nil, "\(event.code)") }
        }
        #expect(Set(NPSEvent.catalogue.map(\.code)).count == NPSEvent.catalogue.count)
    }
}
