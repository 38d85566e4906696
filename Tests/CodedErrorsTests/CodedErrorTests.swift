import CodedErrors
import Foundation
import Testing

/// A domain with no detail, like EAP's and RADIUS's.
private enum PlainDomain: ErrorDomain {}
private typealias PlainError = CodedError<PlainDomain>

extension CodedError.Code where Domain == PlainDomain {
    fileprivate static var truncated: Self { Self("truncated") }
    fileprivate static var tooLong: Self { Self("tooLong") }
}

/// A domain with a detail and its own wording, like TLS's and Profiles'.
private enum FileDomain: ListedErrorDomain {
    struct Detail: Sendable { let path: String }
    static let allCodes: [FileError.Code] = [.missing, .unreadable]
    static func describe(_ error: FileError) -> String { "\(error.detail.path): \(error.reason)" }
}
private typealias FileError = CodedError<FileDomain>

extension CodedError.Code where Domain == FileDomain {
    fileprivate static var missing: Self { Self("missing") }
    fileprivate static var unreadable: Self { Self("unreadable") }
}

@Suite struct CodedErrorTests {
    @Test func equalityAndHashingConsiderTheCodeOnly() {
        let a = PlainError(.truncated, "2 octets where 4 are needed", offset: 3)
        let b = PlainError(.truncated, "other words", offset: nil)
        #expect(a == b)
        #expect(a != PlainError(.tooLong, "2 octets where 4 are needed", offset: 3))
        #expect(Set([a, b]).count == 1)
        #expect(a.code == .truncated && a.code != .tooLong)
    }

    @Test func matchesInThrowsExpectationsAndSwitches() {
        #expect(throws: PlainError(.tooLong, "")) { throw PlainError(.tooLong, "300 octets") }
        let code = PlainError(.tooLong, "x").code
        switch code {
        case .truncated: Issue.record("matched the wrong code")
        case .tooLong: break
        default: Issue.record("matched no code")
        }
    }

    /// Issue 12: a person reads what and where, never `PlainDomain.truncated:`.
    @Test func descriptionIsForPeopleAndDebugDescriptionForDevelopers() {
        let line: UInt = #line + 1
        let error = PlainError(.truncated, "2 octets where 4 are needed", offset: 3)
        #expect(error.description == "2 octets where 4 are needed (at octet 3)")
        #expect("\(error)" == error.description)
        #expect(PlainError(.truncated, "empty").description == "empty")
        #expect(error.debugDescription == "PlainDomain.truncated: 2 octets where 4 are needed (at octet 3) "
            + "(thrown at CodedErrorsTests/CodedErrorTests.swift:\(line))")
        #expect(error.thrownAt.line == line)
    }

    @Test func aDomainWordsItsOwnErrorsFromItsDetail() {
        let error = FileError(.missing, "no such file", detail: .init(path: "/etc/x.pem"))
        #expect(error.description == "/etc/x.pem: no such file")
        #expect(error.detail.path == "/etc/x.pem")
    }

    @Test func codesEncodeAsTheirNamesAndOnlyListedNamesDecode() throws {
        let json = try JSONEncoder().encode([FileError.Code.missing, .unreadable])
        #expect(String(decoding: json, as: UTF8.self) == #"["missing","unreadable"]"#)
        #expect(try JSONDecoder().decode([FileError.Code].self, from: json) == [.missing, .unreadable])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(FileError.Code.self, from: Data(#""truncated""#.utf8))
        }
        // Unlisted domains still encode (evidence and logs may carry their codes).
        #expect(String(decoding: try JSONEncoder().encode(PlainError.Code.tooLong), as: UTF8.self) == #""tooLong""#)
    }
}
