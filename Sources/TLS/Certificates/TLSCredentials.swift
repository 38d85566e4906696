internal import COpenSSL
import Foundation

/// Client (or test-server) certificate + private key + the intermediates sent after the leaf.
///
/// Loaded once, immutable, shared by every context and session that uses it. Loading checks that the
/// key belongs to the certificate (`X509_check_private_key`) and throws a `.credentials` error naming
/// both files when it does not; `CertificatePreflight.check(certificateFile:…)` reports the same
/// problem as a finding instead.
public struct TLSCredentials: Sendable {
    let storage: CredentialStorage

    /// The leaf certificate.
    public let certificate: CertificateInfo
    /// The certificates sent after the leaf, in order (intermediates, possibly a root).
    public let chain: [CertificateInfo]
    /// Where the credentials came from, for messages ("alice.pem + alice.key", "alice.p12").
    public let source: String

    package init(storage: CredentialStorage, source: String) {
        self.storage = storage
        self.source = source
        self.certificate = CertificateInfo(x509: storage.certificate)
        self.chain = storage.chain.map { CertificateInfo(x509: $0) }
    }

    /// PEM files: `certificateFile` holds the leaf, optionally followed by intermediates (a DER
    /// certificate is accepted too); `keyFile` nil means the key is in `certificateFile`. Encrypted
    /// keys (PKCS#8 `ENCRYPTED PRIVATE KEY` and traditional `Proc-Type: 4,ENCRYPTED`) are decrypted with
    /// `keyPassword`. RSA, ECDSA and EdDSA keys.
    public static func pem(certificateFile: String, keyFile: String?, keyPassword: [UInt8]?) throws(TLSError)
        -> TLSCredentials
    {
        let loaded = try loadPEM(certificateFile: certificateFile, keyFile: keyFile, keyPassword: keyPassword)
        guard loaded.keyMatches else {
            throw TLSError(
                .credentials,
                "the private key in \(keyFile ?? certificateFile) does not belong to the certificate in "
                    + "\(certificateFile) (\(loaded.credentials.certificate.subject))",
                openSSLErrors: loaded.openSSLErrors)
        }
        return loaded.credentials
    }

    /// PEM (or DER) held in memory, e.g. embedded in a profile; `keyPEM` nil means the key follows the
    /// certificates in `certificatePEM`. `source` names them in errors.
    public static func pem(certificatePEM: [UInt8], keyPEM: [UInt8]?, keyPassword: [UInt8]?,
                           source: String = "in-memory PEM") throws(TLSError) -> TLSCredentials {
        let loaded = try loadPEM(certificateBytes: certificatePEM, certificateSource: source,
                                 keyBytes: keyPEM ?? certificatePEM, keySource: source, keyPassword: keyPassword)
        guard loaded.keyMatches else {
            throw TLSError(.credentials, "the private key in \(source) does not belong to its certificate",
                           openSSLErrors: loaded.openSSLErrors)
        }
        return loaded.credentials
    }

    /// A PKCS#12 (.p12/.pfx) file: its leaf, key, and the CA certificates in the bag (ordered from the
    /// leaf's issuer upwards) as the chain. A nil password tries "no password" and the empty password.
    /// Legacy RC2-40 files (older Windows exports) are read with OpenSSL's "legacy" provider, loaded on first need
    /// into a library context used for nothing else.
    public static func pkcs12(file: String, password: [UInt8]?) throws(TLSError) -> TLSCredentials {
        let bytes = try readFileBytes(file, what: "PKCS#12 file", code: .credentials)
        return try loadPKCS12(bytes: bytes, file: file, password: password)
    }

    struct Loaded {
        var credentials: TLSCredentials
        var keyMatches: Bool
        var openSSLErrors: [String]
    }

    static func loadPEM(certificateFile: String, keyFile: String?, keyPassword: [UInt8]?) throws(TLSError)
        -> Loaded
    {
        let certificateBytes = try readFileBytes(certificateFile, what: "certificate file", code: .credentials)
        let keyBytes: [UInt8]
        if let keyFile {
            keyBytes = try readFileBytes(keyFile, what: "key file", code: .credentials)
        } else {
            keyBytes = certificateBytes
        }
        let source = keyFile.map { "\(certificateFile) + \($0)" } ?? certificateFile
        return try loadPEM(certificateBytes: certificateBytes, certificateSource: certificateFile, keyBytes: keyBytes,
                           keySource: keyFile ?? certificateFile, keyPassword: keyPassword, source: source)
    }

    static func loadPEM(
        certificateBytes: [UInt8], certificateSource: String, keyBytes: [UInt8], keySource: String,
        keyPassword: [UInt8]?, source: String? = nil
    ) throws(TLSError) -> Loaded {
        var certificates = try readCertificates(certificateBytes, file: certificateSource)
        guard !certificates.isEmpty else {
            throw TLSError(
                .credentials,
                "no certificate found in \(certificateSource) (expected PEM \"BEGIN CERTIFICATE\" or DER)")
        }
        let key: OpaquePointer
        do {
            key = try readPrivateKey(keyBytes, file: keySource, password: keyPassword)
        } catch {
            certificates.forEach { X509_free($0) }
            throw error
        }
        let leaf = certificates.removeFirst()
        let storage = CredentialStorage(certificate: leaf, key: key, chain: certificates)
        OpenSSLErrorQueue.clear()
        let matches = X509_check_private_key(leaf, key) == 1
        let errors = OpenSSLErrorQueue.drain()
        return Loaded(credentials: TLSCredentials(storage: storage, source: source ?? certificateSource),
                      keyMatches: matches, openSSLErrors: errors)
    }
}

/// The OpenSSL objects behind `TLSCredentials`.
///
/// `@unchecked Sendable`: never mutated after `init`; X509 and EVP_PKEY are reference counted
/// atomically and safe to read (and to up-ref into an SSL_CTX) from any thread.
package final class CredentialStorage: @unchecked Sendable {
    package let certificate: OpaquePointer
    package let key: OpaquePointer
    package let chain: [OpaquePointer]

    /// Takes ownership of one reference to each object.
    package init(certificate: OpaquePointer, key: OpaquePointer, chain: [OpaquePointer]) {
        self.certificate = certificate
        self.key = key
        self.chain = chain
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
        chain.forEach { X509_free($0) }
    }
}

// MARK: - PEM

/// All certificates in PEM text, in file order; a lone DER certificate if there is no PEM.
func readCertificates(_ bytes: [UInt8], file: String) throws(TLSError) -> [OpaquePointer] {
    OpenSSLErrorQueue.clear()
    var certificates: [OpaquePointer] = []
    try withMemoryBIO(bytes) { bio throws(TLSError) in
        while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(x509)
        }
    }
    _ = OpenSSLErrorQueue.drain()  // the last read always ends with "no start line"
    if certificates.isEmpty, let der = derCertificate(bytes) {
        certificates.append(der)
    }
    return certificates
}

private func derCertificate(_ bytes: [UInt8]) -> OpaquePointer? {
    let x509: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
        var cursor = buffer.baseAddress
        return d2i_X509(nil, &cursor, buffer.count)
    }
    _ = OpenSSLErrorQueue.drain()
    return x509
}

/// Hands a password to OpenSSL's `pem_password_cb` and remembers whether one was asked for.
private final class PasswordProvider {
    let password: [UInt8]?
    var asked = false
    init(_ password: [UInt8]?) { self.password = password }
}

/// `pem_password_cb`: copy the password, or refuse (-1) so OpenSSL never prompts on the terminal.
private let passwordCallback: @convention(c) (
    UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
) -> Int32 = { buffer, size, _, userdata in
    guard let buffer, let userdata else { return -1 }
    let provider = Unmanaged<PasswordProvider>.fromOpaque(userdata).takeUnretainedValue()
    provider.asked = true
    guard let password = provider.password, password.count <= Int(size) else { return -1 }
    for (i, byte) in password.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    return Int32(password.count)
}

func readPrivateKey(_ bytes: [UInt8], file: String, password: [UInt8]?) throws(TLSError) -> OpaquePointer {
    let provider = PasswordProvider(password)
    OpenSSLErrorQueue.clear()
    let key: OpaquePointer? = try withMemoryBIO(bytes) { bio throws(TLSError) in
        // `provider` outlives the call, so an unretained pointer is enough.
        let opaque = Unmanaged.passUnretained(provider).toOpaque()
        return PEM_read_bio_PrivateKey(bio, nil, passwordCallback, opaque)
    }
    let errors = OpenSSLErrorQueue.drain()
    if let key { return key }
    if provider.asked {
        if password == nil {
            throw TLSError(.keyPassword, "the private key in \(file) is encrypted and no password was given",
                           openSSLErrors: errors)
        }
        throw TLSError(.keyPassword, "wrong password for the encrypted private key in \(file)",
                       openSSLErrors: errors)
    }
    // Not PEM: an unencrypted DER key (PKCS#8 or traditional)?
    let der: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
        var cursor = buffer.baseAddress
        return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
    }
    _ = OpenSSLErrorQueue.drain()
    if let der { return der }
    throw TLSError(.credentials, "no private key found in \(file)", openSSLErrors: errors)
}

// MARK: - PKCS#12

/// OpenSSL 3 keeps RC2 in its "legacy" provider, and older Windows exports encrypt the certificate bag of a PKCS#12
/// file with RC2-40 (the key bag with 3DES). Such a file is parsed a second time in a library context of its own that
/// holds the default and legacy providers, made the first time one is met and kept for the process's life (the
/// objects read in it refer to it). The process's default context never loads "legacy": TLS sessions, digests and
/// every other file cannot pick a legacy algorithm.
private let legacyContext: LegacyLibraryContext? = LegacyLibraryContext()

/// An `OSSL_LIB_CTX` with the default and legacy providers loaded; never freed.
private final class LegacyLibraryContext: @unchecked Sendable {
    // @unchecked Sendable: the pointer is set once; an OSSL_LIB_CTX is safe to use from any thread.
    private let context: OpaquePointer

    init?() {
        guard let context = OSSL_LIB_CTX_new() else { return nil }
        guard OSSL_PROVIDER_load(context, "default") != nil, OSSL_PROVIDER_load(context, "legacy") != nil else {
            _ = OpenSSLErrorQueue.drain()
            OSSL_LIB_CTX_free(context)
            return nil
        }
        self.context = context
    }

    /// Runs `body` with this context as the calling thread's default (`OSSL_LIB_CTX_set0_default` is per thread),
    /// so the OpenSSL calls in `body` that take no context use it; the thread's previous default is restored.
    func asThreadDefault<T>(_ body: () -> T) -> T {
        let previous = OSSL_LIB_CTX_set0_default(context)
        defer { OSSL_LIB_CTX_set0_default(previous) }
        return body()
    }
}

extension TLSCredentials {
    static func loadPKCS12(bytes: [UInt8], file: String, password: [UInt8]?) throws(TLSError)
        -> TLSCredentials
    {
        OpenSSLErrorQueue.clear()
        let p12: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let p12 else {
            throw TLSError(.credentials, "\(file) is not a PKCS#12 (.p12/.pfx) file",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        defer { PKCS12_free(p12) }

        // Check the MAC first so a wrong password is told apart from an unreadable bag.
        let passwordString: [CChar]? = password.map { $0.map { CChar(bitPattern: $0) } + [0] }
        if PKCS12_mac_present(p12) == 1 {
            let ok: Bool
            if let passwordString {
                ok = PKCS12_verify_mac(p12, passwordString, Int32(passwordString.count - 1)) == 1
            } else {
                ok = PKCS12_verify_mac(p12, nil, 0) == 1 || PKCS12_verify_mac(p12, "", 0) == 1
            }
            if !ok {
                let errors = OpenSSLErrorQueue.drain()
                let why = password == nil ? "needs a password and none was given" : "wrong password"
                throw TLSError(.keyPassword, "PKCS#12 file \(file): \(why) (MAC verification failed)",
                               openSSLErrors: errors)
            }
        }
        _ = OpenSSLErrorQueue.drain()

        var result = parsePKCS12(p12, password: passwordString)
        if result == nil {
            let firstErrors = OpenSSLErrorQueue.drain()
            guard let legacyContext else {
                throw TLSError(
                    .credentials,
                    "PKCS#12 file \(file) could not be decrypted; it may use legacy RC2-40/3DES encryption, and "
                        + "OpenSSL's legacy provider could not be loaded (re-export it with AES-256, e.g. "
                        + "`openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC`)",
                    openSSLErrors: firstErrors)
            }
            result = legacyContext.asThreadDefault { parsePKCS12(p12, password: passwordString) }
            if result == nil {
                throw TLSError(.credentials, "PKCS#12 file \(file) could not be decrypted (legacy provider tried)",
                               openSSLErrors: firstErrors + OpenSSLErrorQueue.drain())
            }
        }
        guard let (leaf, key, extras) = result else { throw TLSError(.internal, "unreachable") }
        guard let leaf, let key else {
            if let leaf { X509_free(leaf) }
            if let key { EVP_PKEY_free(key) }
            extras.forEach { X509_free($0) }
            throw TLSError(.credentials,
                           "PKCS#12 file \(file) does not hold both a certificate and its private key")
        }
        let storage = CredentialStorage(certificate: leaf, key: key, chain: orderChain(leaf: leaf, extras))
        guard X509_check_private_key(leaf, key) == 1 else {
            throw TLSError(.credentials, "the private key in \(file) does not belong to its certificate",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        return TLSCredentials(storage: storage, source: file)
    }
}

/// PKCS12_parse → (leaf, key, CA certificates), each owned by the caller; nil on failure.
private func parsePKCS12(_ p12: OpaquePointer, password: [CChar]?)
    -> (OpaquePointer?, OpaquePointer?, [OpaquePointer])?
{
    var key: OpaquePointer?
    var leaf: OpaquePointer?
    var stack: OpaquePointer?
    let ok: Int32
    if let password {
        ok = PKCS12_parse(p12, password, &key, &leaf, &stack)
    } else {
        ok = PKCS12_parse(p12, nil, &key, &leaf, &stack)
    }
    guard ok == 1 else { return nil }
    var extras: [OpaquePointer] = []
    if let stack {
        for i in 0..<npsprobe_sk_X509_num(stack) {
            if let x509 = npsprobe_sk_X509_value(stack, i) {
                X509_up_ref(x509)
                extras.append(x509)
            }
        }
        npsprobe_sk_X509_pop_free(stack)
    }
    return (leaf, key, extras)
}

/// Orders certificates from the leaf's issuer upwards; anything unrelated goes last in its given order.
func orderChain(leaf: OpaquePointer, _ extras: [OpaquePointer]) -> [OpaquePointer] {
    var remaining = extras
    var ordered: [OpaquePointer] = []
    var current = leaf
    while let index = remaining.firstIndex(where: { X509_check_issued($0, current) == X509_V_OK }) {
        let issuer = remaining.remove(at: index)
        ordered.append(issuer)
        if X509_check_issued(issuer, issuer) == X509_V_OK { break }  // reached a self-signed root
        current = issuer
    }
    return ordered + remaining
}
