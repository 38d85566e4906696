import Jobs
import Reports
import Foundation
import RADIUS
import LabSupport
import Profiles
import Testing

@testable import NPSProbeCLI

@Suite("auth report")
struct AuthReportTests {
    @Test("reply attributes leave Message-Authenticator out and keep the rest in order")
    func noMessageAuthenticator() throws {
        let dictionary = try DictionaryLocator.load(
            directory: NPSProbeBinary.packageRoot.appendingPathComponent("Dictionaries").path, additional: [])
        let reply = RADIUSPacket(
            code: .accessAccept, identifier: 7, authenticator: [UInt8](repeating: 0, count: 16),
            attributes: [
                RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0xAB, count: 16)),
                RADIUSAttribute(.replyMessage, string: "welcome"),
                RADIUSAttribute(.sessionTimeout, integer: 3600),
            ])
        let shown = CaseRunner.replyAttributes(reply, dictionary: dictionary)
        #expect(shown.map(\.name) == ["Reply-Message", "Session-Timeout"])
        #expect(shown.map(\.value) == [#""welcome""#, "3600"])
        #expect(CaseRunner.replyAttributes(nil, dictionary: dictionary).isEmpty)
        let onlyAuthenticator = RADIUSPacket(
            code: .accessReject, identifier: 8, authenticator: [UInt8](repeating: 0, count: 16),
            attributes: [RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 1, count: 16))])
        #expect(CaseRunner.replyAttributes(onlyAuthenticator, dictionary: dictionary).isEmpty)
        // Without the filter the dictionary does describe it: the test would notice the filter going away.
        #expect(dictionary.describe(onlyAuthenticator.attributes).map(\.name) == ["Message-Authenticator"])
    }
}
