#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// FreeRADIUS 3.x dictionary syntax (the `dictionary(5)` manual page of FreeRADIUS 3):
//
//   ATTRIBUTE  name  number  type[N]  [flags | vendor]     flags: has_tag, encrypt=1|2|3, concat, array
//   VALUE      attribute-name  value-name  number
//   VENDOR     name  id  [format=t,l[,c]]
//   BEGIN-VENDOR name  /  END-VENDOR name
//   $INCLUDE   path        (relative to the including file; `$INCLUDE-` ignores a missing file)
//
// `#` starts a comment; keywords are case-insensitive; numbers are decimal or 0x hex.

extension RADIUSDictionary {
    /// Loads a root dictionary file and everything it includes.
    public static func load(root path: String) throws(DictionaryError) -> RADIUSDictionary {
        var dictionary = RADIUSDictionary()
        try dictionary.load(additional: path)
        return dictionary
    }

    /// Merges another dictionary file (and its includes) into this one, as `--dictionary PATH` does.
    /// Definitions may add names, aliases and values; a name redefined with another number is an error.
    /// On error the dictionary is left as it was.
    public mutating func load(additional path: String) throws(DictionaryError) {
        var loader = DictionaryLoader(dictionary: self)
        try loader.loadFile(at: DictionaryLoader.absolute(path), line: 0, includedFrom: nil, optional: false)
        self = loader.dictionary
    }

    /// Merges dictionary text as if read from `path` (whose directory `$INCLUDE`s are relative to).
    public mutating func load(text: String, path: String) throws(DictionaryError) {
        var loader = DictionaryLoader(dictionary: self)
        try loader.parse(text: text, path: DictionaryLoader.absolute(path))
        self = loader.dictionary
    }
}

/// One load: the dictionary being built, the include stack (for loops) and VALUEs waiting for their attribute.
struct DictionaryLoader {
    private struct PendingValue {
        let attribute: String
        let name: String
        let number: String
        let path: String
        let line: Int
    }

    var dictionary: RADIUSDictionary
    private var includeStack: [String] = []
    private var pending: [PendingValue] = []
    private static let maximumIncludeDepth = 64
    static let maximumFileSize = 16 << 20

    init(dictionary: RADIUSDictionary) { self.dictionary = dictionary }

    // MARK: Files

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Removes `.` and empty components and folds `..` (no symlink resolution).
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    mutating func loadFile(at path: String, line: Int, includedFrom: String?, optional: Bool) throws(DictionaryError) {
        let reporter = includedFrom ?? path
        if includeStack.contains(path) || includeStack.count >= Self.maximumIncludeDepth {
            throw DictionaryError(
                .includeLoop, path: reporter, line: line,
                "including \(path) again makes a loop: " + (includeStack + [path]).joined(separator: " -> "))
        }
        guard FileManager.default.fileExists(atPath: path) else {
            if optional { return }
            if includedFrom == nil {
                throw DictionaryError(.unreadableFile, path: path, line: 0, "no such dictionary file")
            }
            throw DictionaryError(.missingIncludeFile, path: reporter, line: line, "$INCLUDE of missing file \(path)")
        }
        // FreeRADIUS's entire dictionary set is under 2 MiB: anything far larger is not a dictionary.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= Self.maximumFileSize else {
            throw DictionaryError(.unreadableFile, path: path, line: 0,
                                  "\(size) bytes: over the \(Self.maximumFileSize)-byte limit for a dictionary file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DictionaryError(.unreadableFile, path: path, line: 0, "cannot read this file")
        }
        includeStack.append(path)
        try parse(text: String(decoding: data, as: UTF8.self), path: path)
        includeStack.removeLast()
    }

    // MARK: Parsing

    mutating func parse(text: String, path: String) throws(DictionaryError) {
        var blockVendor: RADIUSDictionary.Vendor?
        var blockLine = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = fields.first else { continue }
            let at = (path, lineNumber)
            switch keyword.uppercased() {
            case "$INCLUDE", "$INCLUDE-":
                guard fields.count == 2 else { throw syntax(at, "$INCLUDE takes one file name") }
                let target =
                    fields[1].hasPrefix("/")
                    ? Self.normalize(fields[1]) : Self.normalize(Self.directory(of: path) + "/" + fields[1])
                try loadFile(at: target, line: lineNumber, includedFrom: path, optional: keyword.hasSuffix("-"))
            case "ATTRIBUTE":
                try attribute(fields, blockVendor: blockVendor, at: at)
            case "VALUE":
                guard fields.count == 4 else { throw syntax(at, "VALUE takes: attribute-name value-name number") }
                let value = PendingValue(
                    attribute: fields[1], name: fields[2], number: fields[3], path: path, line: lineNumber)
                if dictionary.attribute(named: value.attribute) != nil {
                    try add(value)
                } else {
                    pending.append(value)
                }
            case "VENDOR":
                try vendor(fields, at: at)
            case "BEGIN-VENDOR":
                guard fields.count == 2 || fields.count == 3 else {
                    throw syntax(at, "BEGIN-VENDOR takes a vendor name")
                }
                if let open = blockVendor {
                    throw DictionaryError(
                        .nestedVendorBlock, path: path, line: lineNumber,
                        "BEGIN-VENDOR \(fields[1]) inside the block of \(open.name) opened at line \(blockLine)")
                }
                guard let vendor = dictionary.vendor(named: fields[1]) else {
                    throw DictionaryError(
                        .unknownVendor, path: path, line: lineNumber, "BEGIN-VENDOR \(fields[1]): no VENDOR defines it")
                }
                if fields.count == 3 {
                    throw DictionaryError(
                        .invalidFormat, path: path, line: lineNumber,
                        "BEGIN-VENDOR \(fields[2]) (extended vendor space, RFC 6929) is not supported")
                }
                blockVendor = vendor
                blockLine = lineNumber
            case "END-VENDOR":
                guard fields.count == 2 else { throw syntax(at, "END-VENDOR takes a vendor name") }
                guard let open = blockVendor else {
                    throw DictionaryError(
                        .endVendorWithoutBegin, path: path, line: lineNumber,
                        "END-VENDOR \(fields[1]) without a BEGIN-VENDOR")
                }
                guard open.name.lowercased() == fields[1].lowercased() else {
                    throw DictionaryError(
                        .vendorBlockMismatch, path: path, line: lineNumber,
                        "END-VENDOR \(fields[1]) closes the block of \(open.name) opened at line \(blockLine)")
                }
                blockVendor = nil
            case "BEGIN-TLV", "END-TLV", "PROTOCOL", "BEGIN-PROTOCOL", "END-PROTOCOL", "FLAGS", "MEMBER", "STRUCT",
                "ENUM", "DEFINE":
                throw DictionaryError(
                    .unknownKeyword, path: path, line: lineNumber, "\(keyword) is not supported by this parser")
            default:
                throw DictionaryError(.unknownKeyword, path: path, line: lineNumber, "unknown keyword \(keyword)")
            }
        }
        if let open = blockVendor {
            throw DictionaryError(
                .unterminatedVendorBlock, path: path, line: blockLine,
                "BEGIN-VENDOR \(open.name) has no END-VENDOR before the end of the file")
        }
        if includeStack.count <= 1 {
            try resolvePending()
        }
    }

    private mutating func resolvePending() throws(DictionaryError) {
        let waiting = pending
        pending = []
        for value in waiting {
            guard dictionary.attribute(named: value.attribute) != nil else {
                throw DictionaryError(
                    .unknownAttribute, path: value.path, line: value.line,
                    "VALUE \(value.name) for attribute \(value.attribute), which no dictionary defines")
            }
            try add(value)
        }
    }

    private func syntax(_ at: (String, Int), _ reason: String) -> DictionaryError {
        DictionaryError(.syntax, path: at.0, line: at.1, reason)
    }

    // MARK: ATTRIBUTE

    private static let allowedNameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
    private static let knownFlags: Set<String> = ["has_tag", "concat", "array", "virtual"]

    private static let typeNames: [String: RADIUSDictionary.DataType] = {
        var names: [String: RADIUSDictionary.DataType] = [:]
        for type in RADIUSDictionary.DataType.allCases { names[type.rawValue] = type }
        names["uint8"] = .byte
        names["uint16"] = .short
        names["uint32"] = .integer
        names["int32"] = .signed
        names["uint64"] = .integer64
        return names
    }()

    private mutating func attribute(
        _ fields: [String], blockVendor: RADIUSDictionary.Vendor?, at: (String, Int)
    ) throws(DictionaryError) {
        guard fields.count == 4 || fields.count == 5 else {
            throw syntax(at, "ATTRIBUTE takes: name number type [flags]")
        }
        let name = fields[1]
        guard !name.isEmpty, name.allSatisfy({ Self.allowedNameCharacters.contains($0) }),
            !name.allSatisfy(\.isNumber)
        else {
            throw syntax(at, "attribute name \(name) must be letters, digits and - _ . / (not only digits)")
        }
        var vendor = blockVendor
        var flags: [String] = []
        if fields.count == 5 {
            let extra = fields[4]
            let words = extra.split(separator: ",").map(String.init)
            if words.allSatisfy({ Self.knownFlags.contains($0) || $0.hasPrefix("encrypt=") }) {
                flags = words
            } else if blockVendor == nil, let named = dictionary.vendor(named: extra) {
                vendor = named
            } else {
                throw DictionaryError(
                    .invalidFlag, path: at.0, line: at.1, "\(extra) is neither a known flag nor a vendor name")
            }
        }

        // Number
        let numberText = fields[2]
        if numberText.contains(".") {
            throw DictionaryError(
                .invalidNumber, path: at.0, line: at.1,
                "attribute number \(numberText): TLV and extended (dotted) numbers are not supported")
        }
        guard let number = Self.parseUnsigned(numberText) else {
            throw DictionaryError(
                .invalidNumber, path: at.0, line: at.1, "attribute number \(numberText) is not a number")
        }
        if let vendor {
            guard number <= vendor.format.maximumType else {
                throw DictionaryError(
                    .invalidNumber, path: at.0, line: at.1,
                    "\(name): number \(number) does not fit vendor \(vendor.name)'s format \(vendor.format)")
            }
        } else {
            guard (1...255).contains(number) else {
                throw DictionaryError(
                    .invalidNumber, path: at.0, line: at.1,
                    "\(name): standard attribute numbers are 1-255, not \(number)")
            }
        }

        // Type, optionally with a [length]
        var typeText = fields[3]
        var fixedLength: Int?
        if let open = typeText.firstIndex(of: "[") {
            guard typeText.hasSuffix("]"),
                let length = Int(typeText[typeText.index(after: open)..<typeText.index(before: typeText.endIndex)]),
                (1...253).contains(length)
            else {
                throw DictionaryError(.unknownType, path: at.0, line: at.1, "type \(typeText): bad [length]")
            }
            fixedLength = length
            typeText = String(typeText[..<open])
        }
        guard let type = Self.typeNames[typeText.lowercased()] else {
            throw DictionaryError(.unknownType, path: at.0, line: at.1, "\(name): unknown type \(typeText)")
        }
        if fixedLength != nil, type != .octets, type != .string {
            throw DictionaryError(.unknownType, path: at.0, line: at.1, "\(name): only octets and string take [length]")
        }

        // Flags
        var encryption = RADIUSDictionary.Encryption.none
        var hasTag = false
        var concat = false
        var array = false
        for flag in flags {
            switch flag {
            case "has_tag":
                guard type == .integer || type == .string || type == .octets else {
                    throw DictionaryError(
                        .invalidFlag, path: at.0, line: at.1, "\(name): has_tag needs integer or string")
                }
                hasTag = true
            case "concat":
                guard type == .octets else {
                    throw DictionaryError(.invalidFlag, path: at.0, line: at.1, "\(name): concat needs type octets")
                }
                concat = true
            case "array":
                guard type.fixedSize != nil else {
                    throw DictionaryError(
                        .invalidFlag, path: at.0, line: at.1, "\(name): array needs a fixed-size type")
                }
                array = true
            case "virtual":
                break
            default:
                let mode = flag.dropFirst("encrypt=".count)
                guard let raw = Int(mode), let value = RADIUSDictionary.Encryption(rawValue: raw), value != .none else {
                    throw DictionaryError(
                        .invalidFlag, path: at.0, line: at.1, "\(name): \(flag) must be encrypt=1, 2 or 3")
                }
                guard type == .string || type == .octets else {
                    throw DictionaryError(
                        .invalidFlag, path: at.0, line: at.1, "\(name): \(flag) needs string or octets")
                }
                encryption = value
            }
        }

        let key = RADIUSDictionary.AttributeKey(vendor: vendor?.id ?? 0, number: UInt32(number))
        let definition = RADIUSDictionary.Attribute(
            name: name, key: key, type: type, fixedLength: fixedLength, encryption: encryption, hasTag: hasTag,
            concat: concat, array: array, definedAt: "\(at.0):\(at.1)")
        if let existing = dictionary.attributesByName[name.lowercased()], existing.key != key {
            throw DictionaryError(
                .duplicateAttribute, path: at.0, line: at.1,
                "\(name) is already defined as \(existing.key.oid) at \(existing.definedAt)")
        }
        dictionary.attributesByName[name.lowercased()] = definition
        dictionary.attributesByKey[key] = definition
        // VALUEs that came before their ATTRIBUTE take their place now, keeping file order.
        let waiting = pending.filter { $0.attribute.lowercased() == name.lowercased() }
        if !waiting.isEmpty {
            pending.removeAll { $0.attribute.lowercased() == name.lowercased() }
            for value in waiting { try add(value) }
        }
    }

    // MARK: VALUE

    private mutating func add(_ value: PendingValue) throws(DictionaryError) {
        guard let attribute = dictionary.attribute(named: value.attribute) else { return }
        guard attribute.type.isInteger else {
            throw DictionaryError(
                .valueForNonIntegerAttribute, path: value.path, line: value.line,
                "VALUE \(value.name): attribute \(attribute.name) is \(attribute.type.rawValue), not an integer type")
        }
        guard !value.name.isEmpty, value.name.allSatisfy({ Self.allowedNameCharacters.contains($0) || $0 == "+" })
        else { throw syntax((value.path, value.line), "value name \(value.name) has characters names cannot have") }
        let number: UInt64
        if attribute.type == .signed, value.number.hasPrefix("-") {
            guard let signed = Int32(value.number) else {
                throw DictionaryError(
                    .invalidNumber, path: value.path, line: value.line, "\(value.number) is not a signed 32-bit number")
            }
            number = UInt64(UInt32(bitPattern: signed))
        } else {
            guard let parsed = Self.parseUnsigned(value.number) else {
                throw DictionaryError(
                    .invalidNumber, path: value.path, line: value.line, "VALUE number \(value.number) is not a number")
            }
            number = parsed
        }
        let limit: UInt64 =
            switch attribute.type {
            case .byte: 0xFF
            case .short: 0xFFFF
            case .integer64: .max
            default: 0xFFFF_FFFF
            }
        let tagLimit: UInt64 = attribute.hasTag && attribute.type == .integer ? 0xFF_FFFF : limit
        guard number <= tagLimit else {
            throw DictionaryError(
                .invalidNumber, path: value.path, line: value.line,
                "VALUE \(value.name) = \(number) does not fit \(attribute.name) (\(attribute.type.rawValue))")
        }
        var list = dictionary.valuesByKey[attribute.key] ?? []
        if let existing = list.first(where: { $0.name.lowercased() == value.name.lowercased() }) {
            guard existing.number == number else {
                throw DictionaryError(
                    .duplicateValue, path: value.path, line: value.line,
                    "VALUE \(value.name) of \(attribute.name) is already \(existing.number), not \(number)")
            }
            return
        }
        list.append(RADIUSDictionary.Value(name: value.name, number: number))
        dictionary.valuesByKey[attribute.key] = list
    }

    // MARK: VENDOR

    private mutating func vendor(_ fields: [String], at: (String, Int)) throws(DictionaryError) {
        guard fields.count == 3 || fields.count == 4 else { throw syntax(at, "VENDOR takes: name id [format=t,l]") }
        let name = fields[1]
        guard name.allSatisfy({ Self.allowedNameCharacters.contains($0) }) else {
            throw syntax(at, "vendor name \(name) must be letters, digits and - _ . /")
        }
        guard let id = Self.parseUnsigned(fields[2]), id > 0, id <= 0xFF_FFFF else {
            throw DictionaryError(
                .invalidNumber, path: at.0, line: at.1, "vendor id \(fields[2]) must be 1-16777215 (RFC 2865 §5.26)")
        }
        var format = RADIUSVendorFormat.standard
        if fields.count == 4 {
            let spec = fields[3]
            let parts = spec.hasPrefix("format=") ? spec.dropFirst(7).split(separator: ",").map(String.init) : []
            guard parts.count == 2 || (parts.count == 3 && parts[2] == "c"), let t = Int(parts[0]),
                let l = Int(parts[1]),
                let parsed = RADIUSVendorFormat(typeSize: t, lengthSize: l, hasContinuation: parts.count == 3)
            else {
                throw DictionaryError(
                    .invalidFormat, path: at.0, line: at.1,
                    "\(spec) must be format=t,l with t 1, 2 or 4 and l 0, 1 or 2 (or format=1,1,c)")
            }
            format = parsed
        }
        if let existing = dictionary.vendor(named: name), existing.id != UInt32(id) {
            throw DictionaryError(
                .duplicateVendor, path: at.0, line: at.1, "vendor \(name) is already defined with id \(existing.id)")
        }
        let vendor = RADIUSDictionary.Vendor(name: name, id: UInt32(id), format: format)
        dictionary.vendorsByName[name.lowercased()] = vendor
        dictionary.vendorsByID[UInt32(id)] = vendor
    }

    /// Decimal or 0x hex, no sign.
    static func parseUnsigned(_ text: String) -> UInt64? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return lower.count > 2 ? UInt64(lower.dropFirst(2), radix: 16) : nil }
        guard !lower.isEmpty, lower.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(lower)
    }
}
