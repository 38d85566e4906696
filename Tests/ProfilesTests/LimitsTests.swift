import Foundation
import Testing
@testable import Profiles

@Suite struct LimitsTests {
    /// A path that points at something huge (a disk image, a log) is refused by name, not read into memory.
    @Test func hugeProfileIsRefusedBeforeReading() throws {
        let path = temporaryFolder("limits") + "/huge.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("name: x\n".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(ProfileLoader.maximumFileSize + 1))
        try handle.close()
        let (document, issues) = ProfileLoader(environment: [:]).loadCollectingIssues(path: path)
        #expect(document == nil)
        #expect(issues.contains { $0.code == .unreadableFile && $0.message.contains("limit") })
    }
}
