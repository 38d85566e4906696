import Foundation
import Jobs
import Reports

enum Paths {
    /// A path from the command line made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
            .standardizedFileURL.path
    }
}
