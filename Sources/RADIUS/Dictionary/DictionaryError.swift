/// A broken dictionary file: where (file path and 1-based line) and what was wrong.
///
/// Match on ``code``; equality and hashing consider the code only.
public struct DictionaryError: Error, Hashable, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax
            case unknownKeyword
            case unknownType
            case invalidNumber
            case invalidFlag
            case invalidFormat
            case duplicateAttribute
            case duplicateValue
            case duplicateVendor
            case unknownAttribute
            case unknownVendor
            case valueForNonIntegerAttribute
            case endVendorWithoutBegin
            case vendorBlockMismatch
            case nestedVendorBlock
            case unterminatedVendorBlock
            case missingIncludeFile
            case includeLoop
            case unreadableFile
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }
        public var description: String { base.rawValue }

        /// Too few or too many fields, or a malformed field.
        public static let syntax = Code(.syntax)
        /// A line starting with a word that is not a dictionary keyword.
        public static let unknownKeyword = Code(.unknownKeyword)
        /// An ATTRIBUTE type this implementation does not know.
        public static let unknownType = Code(.unknownType)
        /// A number that does not parse or is out of range for its place.
        public static let invalidNumber = Code(.invalidNumber)
        /// An unknown ATTRIBUTE flag, or a flag that does not fit the type.
        public static let invalidFlag = Code(.invalidFlag)
        /// A VENDOR `format=` that is not `t,l` with t in 1/2/4 and l in 0/1/2.
        public static let invalidFormat = Code(.invalidFormat)
        /// An attribute name already defined with another number (or vendor).
        public static let duplicateAttribute = Code(.duplicateAttribute)
        /// A VALUE name already defined for the attribute with another number.
        public static let duplicateValue = Code(.duplicateValue)
        /// A vendor name already defined with another id.
        public static let duplicateVendor = Code(.duplicateVendor)
        /// A VALUE for an attribute that no file defines.
        public static let unknownAttribute = Code(.unknownAttribute)
        /// A vendor name that no VENDOR line defines.
        public static let unknownVendor = Code(.unknownVendor)
        /// A VALUE for an attribute whose type is not an integer type.
        public static let valueForNonIntegerAttribute = Code(.valueForNonIntegerAttribute)
        /// END-VENDOR outside a BEGIN-VENDOR block.
        public static let endVendorWithoutBegin = Code(.endVendorWithoutBegin)
        /// END-VENDOR naming another vendor than the open block.
        public static let vendorBlockMismatch = Code(.vendorBlockMismatch)
        /// BEGIN-VENDOR inside an open BEGIN-VENDOR block.
        public static let nestedVendorBlock = Code(.nestedVendorBlock)
        /// A file ends inside a BEGIN-VENDOR block.
        public static let unterminatedVendorBlock = Code(.unterminatedVendorBlock)
        /// `$INCLUDE` of a file that does not exist.
        public static let missingIncludeFile = Code(.missingIncludeFile)
        /// A file that includes itself, directly or not.
        public static let includeLoop = Code(.includeLoop)
        /// A file that cannot be read or is not UTF-8 text.
        public static let unreadableFile = Code(.unreadableFile)
    }

    public let code: Code
    /// The file the problem is in.
    public let path: String
    /// The 1-based line, or 0 when the problem concerns the whole file.
    public let line: Int
    public let reason: String

    public init(_ code: Code, path: String, line: Int, _ reason: String) {
        self.code = code
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: reason`, the form editors and compilers use.
    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }

    public static func == (lhs: DictionaryError, rhs: DictionaryError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
