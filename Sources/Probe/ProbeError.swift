/// Errors from running conversations: bad local input, socket failures, protocol failures on our side.
/// Outcomes such as a reject or a timeout are *results*, not errors.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badServerAddress, socket, noIdentifierAvailable, badInput, credentials, tls, eap, shutdown
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let badServerAddress = Code(.badServerAddress)
        public static let socket = Code(.socket)
        public static let noIdentifierAvailable = Code(.noIdentifierAvailable)
        public static let badInput = Code(.badInput)
        public static let credentials = Code(.credentials)
        public static let tls = Code(.tls)
        public static let eap = Code(.eap)
        public static let shutdown = Code(.shutdown)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
