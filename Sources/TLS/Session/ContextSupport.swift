internal import COpenSSL
import Foundation

/// Owns one `SSL_CTX`. `@unchecked Sendable`: configured completely before it is shared, then only
/// used for `SSL_new` and its internally locked session cache, which OpenSSL allows from any thread.
package final class SSLContextBox: @unchecked Sendable {
    package let pointer: OpaquePointer

    package init(server: Bool) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError(.internal, "SSL_CTX_new failed", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        pointer = ctx
    }

    deinit { SSL_CTX_free(pointer) }
}

/// The settings shared by client and test-server contexts.
package struct CommonContextSettings {
    package var minimumVersion: TLSVersion
    package var maximumVersion: TLSVersion
    package var cipherList: String?
    package var cipherSuites: String?
    package var groups: String?
    package var credentials: TLSCredentials?

    package init(minimumVersion: TLSVersion, maximumVersion: TLSVersion, cipherList: String?, cipherSuites: String?,
                 groups: String?, credentials: TLSCredentials?) {
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.groups = groups
        self.credentials = credentials
    }
}

package func applyCommonSettings(_ ctx: OpaquePointer, _ settings: CommonContextSettings) throws(TLSError) {
    guard settings.minimumVersion <= settings.maximumVersion else {
        throw TLSError(.configuration, "minimum version \(settings.minimumVersion) is above maximum version "
                        + "\(settings.maximumVersion)")
    }
    OpenSSLErrorQueue.clear()
    guard npsprobe_SSL_CTX_set_min_proto_version(ctx, settings.minimumVersion.openSSLValue) == 1,
          npsprobe_SSL_CTX_set_max_proto_version(ctx, settings.maximumVersion.openSSLValue) == 1
    else {
        throw TLSError(.configuration, "OpenSSL refused the version range \(settings.minimumVersion)–"
                        + "\(settings.maximumVersion)", openSSLErrors: OpenSSLErrorQueue.drain())
    }
    // OpenSSL 3's default security level 1 forbids TLS 1.0/1.1 (SHA-1 handshake signatures); old NPS
    // servers need them, so asking for them lowers the level.
    if settings.minimumVersion < .tls1_2 {
        SSL_CTX_set_security_level(ctx, 0)
    }
    // RFC 3749 compression is off by default in OpenSSL 3; say so explicitly (CRIME, and EAP does not use it).
    _ = SSL_CTX_set_options(ctx, npsprobe_SSL_OP_NO_COMPRESSION())
    // Thousands of idle conversations: give read/write buffers back between flights.
    _ = npsprobe_SSL_CTX_set_mode(ctx, Int(SSL_MODE_RELEASE_BUFFERS))

    if let list = settings.cipherList {
        guard SSL_CTX_set_cipher_list(ctx, list) == 1 else {
            throw TLSError(.configuration, "cipher list \"\(list)\" selects no cipher OpenSSL knows",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        if settings.minimumVersion < .tls1_2 && !list.contains("@SECLEVEL") {
            SSL_CTX_set_security_level(ctx, 0)
        }
    }
    if let suites = settings.cipherSuites {
        guard SSL_CTX_set_ciphersuites(ctx, suites) == 1 else {
            throw TLSError(.configuration, "TLS 1.3 cipher suites \"\(suites)\" are not valid",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }
    if let groups = settings.groups {
        guard npsprobe_SSL_CTX_set1_groups_list(ctx, groups) == 1 else {
            throw TLSError(.configuration, "groups list \"\(groups)\" is not valid",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }
    if let credentials = settings.credentials {
        let storage = credentials.storage
        // Each call takes its own reference: the context and the credentials free independently.
        guard SSL_CTX_use_certificate(ctx, storage.certificate) == 1,
              SSL_CTX_use_PrivateKey(ctx, storage.key) == 1
        else {
            throw TLSError(.credentials, "OpenSSL refused the certificate or key from \(credentials.source)",
                           openSSLErrors: OpenSSLErrorQueue.drain())
        }
        for x509 in storage.chain {
            guard npsprobe_SSL_CTX_add1_chain_cert(ctx, x509) == 1 else {
                throw TLSError(.credentials, "OpenSSL refused a chain certificate from \(credentials.source)",
                               openSSLErrors: OpenSSLErrorQueue.drain())
            }
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError(.credentials, "the private key from \(credentials.source) does not match its "
                            + "certificate", openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }
    SSL_CTX_set_msg_callback(ctx, tlsMessageCallback)
    _ = OpenSSLErrorQueue.drain()
}

/// The context's certificate store, where trust anchors and CRLs go.
package func certificateStore(of ctx: OpaquePointer) throws(TLSError) -> OpaquePointer {
    guard let store = SSL_CTX_get_cert_store(ctx) else {
        throw TLSError(.internal, "SSL_CTX has no certificate store")
    }
    return store
}

/// No session cache and no session tickets: every handshake is a full one.
package func disableSessionResumption(_ ctx: OpaquePointer) {
    _ = npsprobe_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
    _ = SSL_CTX_set_options(ctx, npsprobe_SSL_OP_NO_TICKET())
}

extension PeerVerificationPolicy {
    /// With a CRL file: loads its CRLs into `store` and checks the peer's chain against them.
    package mutating func loadCRLs(file: String?, into store: OpaquePointer) throws(TLSError) {
        guard let file else { return }
        try addCRLs(file: file, to: store)
        crlChecking = true
    }
}

/// Adds the certificates of a CA file (PEM, possibly many, or one DER) to the store; returns them
/// (owned by the caller, who frees them).
@discardableResult
package func addTrustedCertificates(file: String, to store: OpaquePointer, what: String) throws(TLSError) -> Int {
    let bytes = try readFileBytes(file, what: what, code: .configuration)
    return try addTrustedCertificates(bytes: bytes, source: "\(what) \(file)", to: store)
}

/// Adds in-memory CA certificates (PEM or one DER) to the store; `source` names them in errors.
@discardableResult
package func addTrustedCertificates(bytes: [UInt8], source: String, to store: OpaquePointer,
                            alsoAsClientCAsOf ctx: OpaquePointer? = nil) throws(TLSError) -> Int {
    let certificates = try readCertificates(bytes, file: source)
    defer { certificates.forEach { X509_free($0) } }
    guard !certificates.isEmpty else {
        throw TLSError(.configuration, "\(source) holds no certificate")
    }
    for x509 in certificates {
        // Both calls take their own reference; a duplicate is not an error in OpenSSL 3.
        _ = X509_STORE_add_cert(store, x509)
        if let ctx { _ = SSL_CTX_add_client_CA(ctx, x509) }
    }
    _ = OpenSSLErrorQueue.drain()
    return certificates.count
}

/// Adds every certificate file found in `directory` (non-certificate files are skipped).
func addTrustedDirectory(_ directory: String, to store: OpaquePointer) throws(TLSError) {
    let names: [String]
    do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    } catch {
        throw TLSError(.configuration, "trusted CA directory \(directory) cannot be listed: \(error)")
    }
    var count = 0
    for name in names {
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = try? readFileBytes(path, what: "file", code: .configuration) else { continue }
        let certificates = (try? readCertificates(data, file: path)) ?? []
        for x509 in certificates {
            _ = X509_STORE_add_cert(store, x509)
            X509_free(x509)
            count += 1
        }
    }
    _ = OpenSSLErrorQueue.drain()
    guard count > 0 else {
        throw TLSError(.configuration, "trusted CA directory \(directory) holds no certificate file")
    }
}

/// Adds every CRL in `file` (PEM, or one DER) to the store and turns on CRL checking for the chain.
func addCRLs(file: String, to store: OpaquePointer) throws(TLSError) {
    let bytes = try readFileBytes(file, what: "CRL file", code: .configuration)
    OpenSSLErrorQueue.clear()
    var count = 0
    try withMemoryBIO(bytes) { bio throws(TLSError) in
        while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) {
            _ = X509_STORE_add_crl(store, crl)
            X509_CRL_free(crl)
            count += 1
        }
    }
    _ = OpenSSLErrorQueue.drain()
    if count == 0 {
        let crl: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        if let crl {
            _ = X509_STORE_add_crl(store, crl)
            X509_CRL_free(crl)
            count = 1
        }
        _ = OpenSSLErrorQueue.drain()
    }
    guard count > 0 else { throw TLSError(.configuration, "CRL file \(file) holds no CRL") }
    // CRL_CHECK_ALL: every certificate is checked; the verify callback forgives a missing CRL above the
    // leaf, so the file needs a CRL for the leaf's issuer and may add more.
    _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
}
