import ArgumentParser
import Jobs
import RADIUS
import Reports

/// `npsprobe dict`: look an attribute, vendor or value up in the loaded dictionaries.
struct DictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dict",
        abstract: "Look up an attribute (name or number such as 79 or 26.311.16), a vendor or a VALUE name.")

    @Argument(help: "A name (User-Name, MS-MPPE-Send-Key, Microsoft, Framed-User) or a number (79, 26.311.16).")
    var query: String

    @Option(name: .customLong("dictionary"), help: ArgumentHelp(
        "An extra FreeRADIUS-format dictionary file to load (repeatable).", valueName: "path"))
    var dictionaries: [String] = []

    @Option(help: ArgumentHelp("Folder holding the root 'dictionary' file.", valueName: "path"))
    var dictionaryDir: String?

    func run() throws {
        let dictionary = try DictionaryLocator.load(directory: dictionaryDir, additional: dictionaries)
        let results = dictionary.lookup(query)
        guard !results.isEmpty else {
            Console.err("npsprobe: '\(query)' is not in the loaded dictionaries")
            throw ExitCode(ExitStatus.rejected.rawValue)
        }
        for result in results { Console.out(result.description) }
    }
}
