import Foundation
import LabSupport
import RADIUS
import Testing

/// The octets of PAP/CHAP passwords: UTF-8, and windows-1252 checked against iconv's table.
@Suite struct PasswordEncodingTests {
    @Test func utf8() throws {
        #expect(try PasswordEncoding.utf8.encode("ä12345") == [0xC3, 0xA4, 0x31, 0x32, 0x33, 0x34, 0x35])
        #expect(try PasswordEncoding.utf8.encode("пароль").count == 12)
    }

    @Test func windows1252() throws {
        // Fortinet KB 203057's password: one octet 0xE4 for ä.
        #expect(try PasswordEncoding.windows1252.encode("ä12345") == [0xE4, 0x31, 0x32, 0x33, 0x34, 0x35])
        #expect(try PasswordEncoding.windows1252.encode("€£ŒŸ") == [0x80, 0xA3, 0x8C, 0x9F])
    }

    /// Every character windows-1252 has (all 251 assigned octets but NUL) encodes as iconv says.
    @Test func windows1252MatchesIconv() throws {
        let octets = (UInt8(1)...UInt8(255)).filter { ![0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }
        let text = try iconv(octets, from: "WINDOWS-1252", to: "UTF-8")
        let password = String(decoding: text, as: UTF8.self)
        #expect(password.unicodeScalars.count == octets.count)
        #expect(try PasswordEncoding.windows1252.encode(password) == octets)
        #expect(try iconv(Array(password.utf8), from: "UTF-8", to: "WINDOWS-1252") == octets)
    }

    @Test func unencodableCharactersAreNamed() {
        #expect(throws: PasswordEncoding.Unencodable(character: "п", position: 2, encoding: .windows1252)) {
            try PasswordEncoding.windows1252.encode("abпв")
        }
        let error = PasswordEncoding.Unencodable(character: "😀", position: 0, encoding: .windows1252)
        #expect(error.description == "the password's character 1 (U+1F600) has no windows-1252 octet")
    }

    @Test func nonASCII() {
        #expect(!PasswordEncoding.hasNonASCII("alice-pass!~"))
        #expect(PasswordEncoding.hasNonASCII("ä12345"))
        #expect(PasswordEncoding.nonASCIICharacters("äbäc€") == "ä€")
    }

    private func iconv(_ input: [UInt8], from: String, to: String) throws -> [UInt8] {
        let (status, output) = try ExternalTool.run("/usr/bin/iconv", ["-f", from, "-t", to], input: input)
        #expect(status == 0)
        return output
    }
}
