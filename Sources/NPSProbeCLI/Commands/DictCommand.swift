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

    @OptionGroup(title: "Dictionaries") var dictionary: DictionaryOptions

    func run() throws {
        let dictionary = try self.dictionary.load()
        let results = dictionary.lookup(query)
        guard !results.isEmpty else {
            var why = "npsprobe: '\(query)' is not in the loaded dictionaries"
            if let key = RADIUSDictionary.parseOID(query), key.vendor != 0, dictionary.vendor(id: key.vendor) == nil {
                why += " (no dictionary defines vendor \(key.vendor))"
            }
            Console.err(why + "; --dictionary FILE adds one")
            throw ExitCode(ExitStatus.rejected.rawValue)
        }
        for result in results { Console.out(result.description) }
    }
}
