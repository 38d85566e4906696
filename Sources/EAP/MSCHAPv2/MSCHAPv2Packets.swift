import TLS

/// EAP-MSCHAPv2 OpCodes (draft-kamath-pppext-eap-mschapv2 §2).
public enum MSCHAPv2OpCode: UInt8, Hashable, Sendable {
    case challenge = 1
    case response = 2
    case success = 3
    case failure = 4
    case changePassword = 7
}

/// The Type-Data of an EAP-MSCHAPv2 Request, decoded (draft-kamath §2.1, §2.3, §2.5).
///
/// Every request starts with OpCode, MS-CHAPv2-ID and MS-Length, which must equal the Type-Data length.
public enum MSCHAPv2Request: Hashable, Sendable {
    case challenge(MSCHAPv2Challenge)
    case success(MSCHAPv2SuccessRequest)
    case failure(MSCHAPv2FailureRequest)

    /// Decodes the Type-Data of an EAP Request of type 26.
    public init(typeData: [UInt8]) throws(EAPError) {
        let (opCode, identifier, body) = try MSCHAPv2Header.split(typeData)
        switch MSCHAPv2OpCode(rawValue: opCode) {
        case .challenge:
            self = .challenge(try MSCHAPv2Challenge(msCHAPv2ID: identifier, body: body))
        case .success:
            self = .success(try MSCHAPv2SuccessRequest(msCHAPv2ID: identifier, body: body))
        case .failure:
            let text = String(decoding: body, as: UTF8.self)
            self = .failure(MSCHAPv2FailureRequest(msCHAPv2ID: identifier, failure: try MSCHAPv2Failure(parsing: text)))
        default:
            throw EAPError(.unexpectedOpCode, "OpCode \(opCode) is not a Challenge, Success or Failure Request",
                           offset: 0)
        }
    }

    /// Decodes an EAP packet, which must be a Request of type EAP-MSCHAPv2.
    public init(packet: EAPPacket) throws(EAPError) {
        guard packet.code == .request, packet.type == .mschapv2 else {
            throw EAPError(.unexpectedType, "\(packet) is not an EAP-MSCHAPv2 Request")
        }
        try self.init(typeData: packet.typeData)
    }

    public var msCHAPv2ID: UInt8 {
        switch self {
        case .challenge(let challenge): return challenge.msCHAPv2ID
        case .success(let success): return success.msCHAPv2ID
        case .failure(let failure): return failure.msCHAPv2ID
        }
    }
}

/// OpCode, MS-CHAPv2-ID, MS-Length (draft-kamath §2): the header of every packet but the one-octet Success and
/// Failure Responses.
enum MSCHAPv2Header {
    static let length = 4

    static func split(_ typeData: [UInt8]) throws(EAPError) -> (opCode: UInt8, identifier: UInt8, body: ArraySlice<UInt8>) {
        guard typeData.count >= length else {
            throw EAPError(.truncated, "\(typeData.count) octets; the EAP-MSCHAPv2 header needs 4", offset: 0)
        }
        let msLength = Int(typeData.be16(at: 2))
        guard msLength == typeData.count else {
            throw EAPError(.lengthMismatch, "MS-Length \(msLength) but the Type-Data holds \(typeData.count) octets",
                           offset: 2)
        }
        return (typeData[0], typeData[1], typeData[length...])
    }

    static func build(_ opCode: MSCHAPv2OpCode, _ identifier: UInt8, _ body: [UInt8]) throws(EAPError) -> [UInt8] {
        let total = length + body.count
        guard total <= 0xFFFF else {
            throw EAPError(.packetTooLong, "\(total) octets exceed the 16-bit MS-Length")
        }
        var out = [opCode.rawValue, identifier]
        out.reserveCapacity(total)
        out.appendBE16(UInt16(total))
        out += body
        return out
    }
}

/// Challenge Request (draft-kamath §2.1, RFC 2759 §4): Value-Size 16, the authenticator challenge, the server
/// name.
public struct MSCHAPv2Challenge: Hashable, Sendable {
    public let msCHAPv2ID: UInt8
    public let challenge: [UInt8]
    /// The Name field: the authenticator's name, as octets.
    public let name: [UInt8]

    public init(msCHAPv2ID: UInt8, challenge: [UInt8], name: [UInt8] = []) throws(EAPError) {
        guard challenge.count == 16 else {
            throw EAPError(.invalidValueSize, "an MS-CHAPv2 challenge is 16 octets, not \(challenge.count)")
        }
        self.msCHAPv2ID = msCHAPv2ID
        self.challenge = challenge
        self.name = name
    }

    init(msCHAPv2ID: UInt8, body: ArraySlice<UInt8>) throws(EAPError) {
        guard let valueSize = body.first else {
            throw EAPError(.truncated, "Challenge without its Value-Size octet", offset: 4)
        }
        guard valueSize == 16 else {
            throw EAPError(.invalidValueSize, "Challenge Value-Size \(valueSize), must be 16", offset: 4)
        }
        guard body.count >= 17 else {
            throw EAPError(.truncated, "Challenge holds \(body.count - 1) of 16 challenge octets", offset: 5)
        }
        let start = body.startIndex
        try self.init(msCHAPv2ID: msCHAPv2ID, challenge: Array(body[(start + 1)..<(start + 17)]),
                      name: Array(body[(start + 17)...]))
    }

    /// The Name field as text (lossy for invalid UTF-8).
    public var nameText: String { String(decoding: name, as: UTF8.self) }

    /// The Type-Data of this Challenge Request.
    public func typeData() throws(EAPError) -> [UInt8] {
        try MSCHAPv2Header.build(.challenge, msCHAPv2ID, [16] + challenge + name)
    }
}

/// Response (draft-kamath §2.2, RFC 2759 §4): Value-Size 49, then Peer-Challenge (16), Reserved (8 zeros),
/// NT-Response (24), Flags (1, zero), and the Name — the same 49-octet layout as the RADIUS MS-CHAP2-Response
/// after its Ident and Flags octets (RFC 2548 §2.3.2).
public struct MSCHAPv2Response: Hashable, Sendable {
    /// Echoes the Challenge's MS-CHAPv2-ID.
    public let msCHAPv2ID: UInt8
    public let peerChallenge: [UInt8]
    public let ntResponse: [UInt8]
    public let flags: UInt8
    /// The user name as the peer presents it (with any domain).
    public let name: String

    public init(msCHAPv2ID: UInt8, peerChallenge: [UInt8], ntResponse: [UInt8], flags: UInt8 = 0, name: String)
        throws(EAPError)
    {
        guard peerChallenge.count == 16, ntResponse.count == 24 else {
            throw EAPError(.invalidKeyLength, "Peer-Challenge of \(peerChallenge.count) and NT-Response of "
                           + "\(ntResponse.count) octets; 16 and 24 are required")
        }
        self.msCHAPv2ID = msCHAPv2ID
        self.peerChallenge = peerChallenge
        self.ntResponse = ntResponse
        self.flags = flags
        self.name = name
    }

    /// The Response to `challenge` (RFC 2759 §8.1): the NT-Response over `challengeUserName(identity)`; the Name
    /// field carries `identity` as given.
    public init(answering challenge: MSCHAPv2Challenge, identity: String, passwordHash: [UInt8],
                peerChallenge: [UInt8]) throws(EAPError) {
        let ntResponse = try MSCHAPv2.generateNTResponse(
            authenticatorChallenge: challenge.challenge, peerChallenge: peerChallenge,
            userName: MSCHAPv2.challengeUserName(identity), passwordHash: passwordHash)
        try self.init(msCHAPv2ID: challenge.msCHAPv2ID, peerChallenge: peerChallenge, ntResponse: ntResponse,
                      name: identity)
    }

    /// Decodes the Type-Data of a Response (for tests and for a server-side view).
    public init(typeData: [UInt8]) throws(EAPError) {
        let (opCode, identifier, body) = try MSCHAPv2Header.split(typeData)
        guard opCode == MSCHAPv2OpCode.response.rawValue else {
            throw EAPError(.unexpectedOpCode, "OpCode \(opCode) is not a Response", offset: 0)
        }
        let bytes = Array(body)
        guard let valueSize = bytes.first else {
            throw EAPError(.truncated, "Response without its Value-Size octet", offset: 4)
        }
        guard valueSize == 49 else {
            throw EAPError(.invalidValueSize, "Response Value-Size \(valueSize), must be 49", offset: 4)
        }
        guard bytes.count >= 50 else {
            throw EAPError(.truncated, "Response holds \(bytes.count - 1) of 49 value octets", offset: 5)
        }
        try self.init(msCHAPv2ID: identifier, peerChallenge: Array(bytes[1..<17]),
                      ntResponse: Array(bytes[25..<49]), flags: bytes[49],
                      name: String(decoding: bytes[50...], as: UTF8.self))
    }

    public func typeData() throws(EAPError) -> [UInt8] {
        var value = [UInt8]()
        value.reserveCapacity(50)
        value.append(49)
        value += peerChallenge
        value += [UInt8](repeating: 0, count: 8)
        value += ntResponse
        value.append(flags)
        return try MSCHAPv2Header.build(.response, msCHAPv2ID, value + Array(name.utf8))
    }

    /// The EAP Response carrying this packet.
    public func packet(identifier: UInt8) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .mschapv2, typeData: typeData())
    }
}

/// Success Request (draft-kamath §2.3, RFC 2759 §5): `S=<40 hex digits>` then, optionally, ` M=<message>`.
public struct MSCHAPv2SuccessRequest: Hashable, Sendable {
    public let msCHAPv2ID: UInt8
    /// The 20-octet authenticator response the server sent.
    public let authenticatorResponse: [UInt8]
    public let message: String?

    public init(msCHAPv2ID: UInt8, authenticatorResponse: [UInt8], message: String? = nil) throws(EAPError) {
        guard authenticatorResponse.count == 20 else {
            throw EAPError(.invalidKeyLength,
                           "an authenticator response is 20 octets, not \(authenticatorResponse.count)")
        }
        self.msCHAPv2ID = msCHAPv2ID
        self.authenticatorResponse = authenticatorResponse
        self.message = message
    }

    init(msCHAPv2ID: UInt8, body: ArraySlice<UInt8>) throws(EAPError) {
        let text = Array(body)
        guard text.count >= 42, text[0] == UInt8(ascii: "S"), text[1] == UInt8(ascii: "="),
              let digest = [UInt8](hexDigits: text[2..<42])
        else {
            throw EAPError(.malformedSuccessMessage,
                           "expected S= and 40 hex digits, got \"\(String(decoding: text.prefix(48), as: UTF8.self))\"",
                           offset: 4)
        }
        var rest = text[42...]
        while let last = rest.last, last == 0 || last == UInt8(ascii: " ") { rest.removeLast() }
        var message: String? = nil
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: " ") else {
                throw EAPError(.malformedSuccessMessage, "text runs on after the 40 hex digits", offset: 4 + 42)
            }
            while rest.first == UInt8(ascii: " ") { rest.removeFirst() }
            if rest.count >= 2, rest[rest.startIndex] == UInt8(ascii: "M"),
               rest[rest.startIndex + 1] == UInt8(ascii: "=")
            {
                rest.removeFirst(2)
            }
            message = String(decoding: rest, as: UTF8.self)
        }
        try self.init(msCHAPv2ID: msCHAPv2ID, authenticatorResponse: digest, message: message)
    }

    /// `S=` and the digest in upper-case hex, as RFC 2759 §8.7 writes it.
    public var authenticatorResponseText: String { "S=" + authenticatorResponse.uppercaseHexString }

    /// Whether the server proved knowledge of the password (RFC 2759 §8.8), in constant time.
    public func verifies(expectedDigest: [UInt8]) -> Bool {
        constantTimeEquals(authenticatorResponse, expectedDigest)
    }

    public func typeData() throws(EAPError) -> [UInt8] {
        var text = authenticatorResponseText
        if let message { text += " M=" + message }
        return try MSCHAPv2Header.build(.success, msCHAPv2ID, Array(text.utf8))
    }
}

/// Failure Request (draft-kamath §2.5): the RFC 2759 §6 failure text.
public struct MSCHAPv2FailureRequest: Hashable, Sendable {
    public let msCHAPv2ID: UInt8
    public let failure: MSCHAPv2Failure

    public init(msCHAPv2ID: UInt8, failure: MSCHAPv2Failure) {
        self.msCHAPv2ID = msCHAPv2ID
        self.failure = failure
    }

    public func typeData() throws(EAPError) -> [UInt8] {
        try MSCHAPv2Header.build(.failure, msCHAPv2ID, Array(failure.text.utf8))
    }
}

/// Change-Password (draft-kamath §2.7, RFC 2759 §7), sent after a Failure with E=648 and V=3: the new password
/// encrypted with the old hash, the old hash encrypted with the new, and an NT-Response computed with the new
/// password over the Failure's challenge.
public struct MSCHAPv2ChangePassword: Hashable, Sendable {
    /// Type-Data length: 4 header + 516 + 16 + 16 + 8 + 24 + 2.
    public static let typeDataLength = 586

    public let msCHAPv2ID: UInt8
    public let encryptedPassword: [UInt8]
    public let encryptedHash: [UInt8]
    public let peerChallenge: [UInt8]
    public let ntResponse: [UInt8]
    public let flags: UInt16

    public init(msCHAPv2ID: UInt8, encryptedPassword: [UInt8], encryptedHash: [UInt8], peerChallenge: [UInt8],
                ntResponse: [UInt8], flags: UInt16 = 0) throws(EAPError) {
        guard encryptedPassword.count == 516, encryptedHash.count == 16, peerChallenge.count == 16,
              ntResponse.count == 24
        else {
            throw EAPError(.invalidKeyLength, "Change-Password fields must be 516, 16, 16 and 24 octets")
        }
        self.msCHAPv2ID = msCHAPv2ID
        self.encryptedPassword = encryptedPassword
        self.encryptedHash = encryptedHash
        self.peerChallenge = peerChallenge
        self.ntResponse = ntResponse
        self.flags = flags
    }

    /// Builds the answer to a password-expired Failure. The MS-CHAPv2-ID defaults to the Failure's plus one, as
    /// hostapd sends it; `peerChallenge` is 16 fresh random octets; `random` fills the password block.
    public init(answering failure: MSCHAPv2FailureRequest, identity: String, oldPasswordHash: [UInt8],
                newPassword: String, peerChallenge: [UInt8], random: any RandomSource,
                msCHAPv2ID: UInt8? = nil) throws(EAPError) {
        guard let challenge = failure.failure.challenge, challenge.count == 16 else {
            throw EAPError(.malformedFailureMessage, "the Failure carries no 16-octet C= challenge to change "
                           + "the password with")
        }
        try MSCHAPv2.checkPassword(newPassword)
        let newHash = MSCHAPv2.ntPasswordHash(newPassword)
        try self.init(
            msCHAPv2ID: msCHAPv2ID ?? failure.msCHAPv2ID &+ 1,
            encryptedPassword: MSCHAPv2.newPasswordEncryptedWithOldNtPasswordHash(
                newPassword: newPassword, oldPasswordHash: oldPasswordHash, random: random),
            encryptedHash: MSCHAPv2.oldNtPasswordHashEncryptedWithNewNtPasswordHash(
                newPasswordHash: newHash, oldPasswordHash: oldPasswordHash),
            peerChallenge: peerChallenge,
            ntResponse: MSCHAPv2.generateNTResponse(
                authenticatorChallenge: challenge, peerChallenge: peerChallenge,
                userName: MSCHAPv2.challengeUserName(identity), passwordHash: newHash))
    }

    /// Decodes Change-Password Type-Data.
    public init(typeData: [UInt8]) throws(EAPError) {
        let (opCode, identifier, body) = try MSCHAPv2Header.split(typeData)
        guard opCode == MSCHAPv2OpCode.changePassword.rawValue else {
            throw EAPError(.unexpectedOpCode, "OpCode \(opCode) is not Change-Password", offset: 0)
        }
        guard typeData.count == Self.typeDataLength else {
            throw EAPError(.lengthMismatch, "Change-Password of \(typeData.count) octets, must be 586", offset: 2)
        }
        let b = Array(body)
        try self.init(msCHAPv2ID: identifier, encryptedPassword: Array(b[0..<516]),
                      encryptedHash: Array(b[516..<532]), peerChallenge: Array(b[532..<548]),
                      ntResponse: Array(b[556..<580]), flags: b.be16(at: 580))
    }

    public func typeData() throws(EAPError) -> [UInt8] {
        var body = encryptedPassword + encryptedHash + peerChallenge + [UInt8](repeating: 0, count: 8) + ntResponse
        body.appendBE16(flags)
        return try MSCHAPv2Header.build(.changePassword, msCHAPv2ID, body)
    }

    public func packet(identifier: UInt8) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .mschapv2, typeData: typeData())
    }
}

extension EAPPacket {
    /// Success Response (draft-kamath §2.4): the OpCode octet 3 alone.
    public static func msCHAPv2SuccessResponse(identifier: UInt8) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .mschapv2,
                      typeData: [MSCHAPv2OpCode.success.rawValue])
    }

    /// Failure Response (draft-kamath §2.6): the OpCode octet 4 alone.
    public static func msCHAPv2FailureResponse(identifier: UInt8) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .mschapv2,
                      typeData: [MSCHAPv2OpCode.failure.rawValue])
    }
}
