import CodedErrors

/// The errors of dictionary files: a broken file, with where (file path and 1-based line) and what was wrong.
public enum DictionaryDomain: ErrorDomain {
    public struct Detail: Sendable, Hashable {
        /// The file the problem is in.
        public let path: String
        /// The 1-based line, or 0 when the problem concerns the whole file.
        public let line: Int
    }

    /// `path:line: reason`, the form editors and compilers use.
    public static func describe(_ error: DictionaryError) -> String {
        error.line > 0 ? "\(error.path):\(error.line): \(error.reason)" : "\(error.path): \(error.reason)"
    }
}

/// A broken dictionary file (see `CodedError`).
public typealias DictionaryError = CodedError<DictionaryDomain>

extension CodedError where Domain == DictionaryDomain {
    public init(_ code: Code, path: String, line: Int, _ reason: String,
                file: String = #fileID, sourceLine: UInt = #line) {
        self.init(code, reason, detail: DictionaryDomain.Detail(path: path, line: line), file: file, line: sourceLine)
    }

    /// The file the problem is in.
    public var path: String { detail.path }
    /// The 1-based line in `path`, or 0 when the problem concerns the whole file.
    public var line: Int { detail.line }
}

extension CodedError.Code where Domain == DictionaryDomain {
    /// Too few or too many fields, or a malformed field.
    public static var syntax: Self { Self("syntax") }
    /// A line starting with a word that is not a dictionary keyword.
    public static var unknownKeyword: Self { Self("unknownKeyword") }
    /// An ATTRIBUTE type this implementation does not know.
    public static var unknownType: Self { Self("unknownType") }
    /// A number that does not parse or is out of range for its place.
    public static var invalidNumber: Self { Self("invalidNumber") }
    /// An unknown ATTRIBUTE flag, or a flag that does not fit the type.
    public static var invalidFlag: Self { Self("invalidFlag") }
    /// A VENDOR `format=` that is not `t,l` with t in 1/2/4 and l in 0/1/2.
    public static var invalidFormat: Self { Self("invalidFormat") }
    /// An attribute name already defined with another number (or vendor).
    public static var duplicateAttribute: Self { Self("duplicateAttribute") }
    /// A VALUE name already defined for the attribute with another number.
    public static var duplicateValue: Self { Self("duplicateValue") }
    /// A vendor name already defined with another id.
    public static var duplicateVendor: Self { Self("duplicateVendor") }
    /// A VALUE for an attribute that no file defines.
    public static var unknownAttribute: Self { Self("unknownAttribute") }
    /// A vendor name that no VENDOR line defines.
    public static var unknownVendor: Self { Self("unknownVendor") }
    /// A VALUE for an attribute whose type is not an integer type.
    public static var valueForNonIntegerAttribute: Self { Self("valueForNonIntegerAttribute") }
    /// END-VENDOR outside a BEGIN-VENDOR block.
    public static var endVendorWithoutBegin: Self { Self("endVendorWithoutBegin") }
    /// END-VENDOR naming another vendor than the open block.
    public static var vendorBlockMismatch: Self { Self("vendorBlockMismatch") }
    /// BEGIN-VENDOR inside an open BEGIN-VENDOR block.
    public static var nestedVendorBlock: Self { Self("nestedVendorBlock") }
    /// A file ends inside a BEGIN-VENDOR block.
    public static var unterminatedVendorBlock: Self { Self("unterminatedVendorBlock") }
    /// `$INCLUDE` of a file that does not exist.
    public static var missingIncludeFile: Self { Self("missingIncludeFile") }
    /// A file that includes itself, directly or not.
    public static var includeLoop: Self { Self("includeLoop") }
    /// A file that cannot be read or is not UTF-8 text.
    public static var unreadableFile: Self { Self("unreadableFile") }
}
