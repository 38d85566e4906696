import Foundation
import Testing
import TLS

@Suite struct CertificateInfoTests {
    @Test func serverCertificateFields() throws {
        let pki = try TestPKI.get()
        let credentials = try Lab.credentials("server-rsa")
        let leaf = credentials.certificate
        #expect(leaf.subject == "CN=radius.lab.example,O=Lab")
        #expect(leaf.issuer == "CN=npsprobe Test Issuing CA,O=Lab")
        #expect(leaf.commonName == "radius.lab.example")
        #expect(leaf.subjectAlternativeNames == ["DNS:radius.lab.example"])
        #expect(leaf.extendedKeyUsages == ["serverAuth"])
        #expect(leaf.hasExtendedKeyUsageExtension)
        #expect(!leaf.isCA)
        #expect(leaf.keyType == "RSA")
        #expect(leaf.keyBits == 2048)
        #expect(leaf.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(leaf.crlDistributionPoints == ["http://pki.lab.example/issuing.crl"])
        #expect(leaf.serverIdentities == ["radius.lab.example"])

        // Independent values from the openssl CLI.
        let serial = try pki.openssl(["x509", "-in", "server-rsa.pem", "-noout", "-serial"])
        #expect("serial=" + leaf.serialNumber.uppercased() == serial.trimmingCharacters(in: .whitespacesAndNewlines))
        let sha256 = try pki.openssl(["x509", "-in", "server-rsa.pem", "-noout", "-fingerprint", "-sha256"])
        #expect(sha256.contains(colonHex(leaf.sha256Fingerprint)))
        let sha1 = try pki.openssl(["x509", "-in", "server-rsa.pem", "-noout", "-fingerprint", "-sha1"])
        #expect(sha1.contains(colonHex(leaf.sha1Fingerprint)))
        #expect(leaf.sha1Fingerprint.count == 40 && leaf.sha256Fingerprint.count == 64)
        // notAfter about a year after notBefore (-days 365).
        #expect(abs(leaf.notAfter.timeIntervalSince(leaf.notBefore) - 365 * 86400) < 60)

        #expect(credentials.chain.count == 1)
        let issuing = try #require(credentials.chain.first)
        #expect(issuing.isCA)
        #expect(issuing.keyType == "EC" && issuing.keyBits == 256)
        #expect(issuing.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(!issuing.hasExtendedKeyUsageExtension && issuing.extendedKeyUsages.isEmpty)
    }

    @Test func clientCertificateNames() throws {
        let alice = try Lab.credentials("alice").certificate
        #expect(alice.subjectAlternativeNames == ["email:alice@lab.example", "UPN:alice@corp.lab.example"])
        #expect(alice.extendedKeyUsages == ["clientAuth", "emailProtection"])
        #expect(alice.hasClientAuthEKU && !alice.hasServerAuthEKU)
        // No DNS SAN: the CN is the identity a name check would use.
        #expect(alice.serverIdentities == ["alice"])
        let bob = try Lab.credentials("bob").certificate
        #expect(bob.keyType == "EC" && bob.keyBits == 256)
    }

    @Test func codableRoundTrip() throws {
        let info = try Lab.credentials("alice").certificate
        let data = try JSONEncoder().encode(info)
        #expect(try JSONDecoder().decode(CertificateInfo.self, from: data) == info)
    }

    @Test(arguments: [
        ("radius.lab.example", "RADIUS.Lab.Example.", true),
        ("radius.lab.example", "nps.lab.example", false),
        ("*.lab.example", "radius.lab.example", true),  // wildcard in the certificate
        ("radius.lab.example", "*.lab.example", true),  // wildcard in the accepted names
        ("*.lab.example", "a.b.lab.example", false),  // one label only
        ("*.lab.example", "lab.example", false),
        ("*.example", "lab.example", false),  // no wildcard over a single-label suffix
        ("rad*.lab.example", "radius.lab.example", false),  // no partial wildcards
        ("", "", false),
    ])
    func dnsNameMatching(a: String, b: String, expected: Bool) {
        #expect(TLSServerValidation.dnsNameMatches(a, b) == expected)
    }

    private func colonHex(_ hex: String) -> String {
        var parts: [String] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            parts.append(String(hex[index..<next]).uppercased())
            index = next
        }
        return parts.joined(separator: ":")
    }
}
