// Inline wrappers for OpenSSL 3 macros and variadic calls that Swift cannot import directly.
#ifndef NPSPROBE_COPENSSL_SHIM_H
#define NPSPROBE_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/provider.h>
#include <openssl/tls1.h>
#include <openssl/kdf.h>

static inline long npsprobe_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long npsprobe_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long npsprobe_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long npsprobe_SSL_CTX_add_extra_chain_cert(SSL_CTX *ctx, X509 *x509) {
    return SSL_CTX_add_extra_chain_cert(ctx, x509);
}
static inline long npsprobe_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_groups_list(ctx, list);
}
static inline long npsprobe_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline long npsprobe_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long npsprobe_BIO_get_mem_data(BIO *bio, char **pp) {
    return BIO_get_mem_data(bio, pp);
}
static inline size_t npsprobe_BIO_ctrl_pending(BIO *bio) {
    return BIO_ctrl_pending(bio);
}
static inline long npsprobe_BIO_set_mem_eof_return(BIO *bio, int v) {
    return BIO_set_mem_eof_return(bio, v);
}
static inline int npsprobe_SSL_get_ex_new_index(void) {
    return SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}
static inline int npsprobe_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *npsprobe_sk_X509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline STACK_OF(X509) *npsprobe_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int npsprobe_sk_X509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline void npsprobe_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }
static inline void npsprobe_sk_X509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }
static inline int npsprobe_sk_X509_NAME_num(const STACK_OF(X509_NAME) *sk) { return sk_X509_NAME_num(sk); }
static inline X509_NAME *npsprobe_sk_X509_NAME_value(const STACK_OF(X509_NAME) *sk, int i) {
    return sk_X509_NAME_value(sk, i);
}
static inline int npsprobe_sk_GENERAL_NAME_num(const GENERAL_NAMES *sk) { return sk_GENERAL_NAME_num(sk); }
static inline GENERAL_NAME *npsprobe_sk_GENERAL_NAME_value(const GENERAL_NAMES *sk, int i) {
    return sk_GENERAL_NAME_value(sk, i);
}
static inline void npsprobe_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }
static inline int npsprobe_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *sk) { return sk_ASN1_OBJECT_num(sk); }
static inline ASN1_OBJECT *npsprobe_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *sk, int i) {
    return sk_ASN1_OBJECT_value(sk, i);
}
static inline void npsprobe_EXTENDED_KEY_USAGE_free(EXTENDED_KEY_USAGE *eku) { EXTENDED_KEY_USAGE_free(eku); }

/* ---- Added for the TLS session layer ---------------------------------------------------------- */

static inline long npsprobe_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *x509) {
    return SSL_CTX_add1_chain_cert(ctx, x509);
}
static inline long npsprobe_SSL_CTX_clear_chain_certs(SSL_CTX *ctx) {
    return SSL_CTX_clear_chain_certs(ctx);
}
static inline long npsprobe_SSL_get_peer_tmp_key(SSL *ssl, EVP_PKEY **key) {
    return SSL_get_peer_tmp_key(ssl, key);
}
static inline int npsprobe_SSL_CTX_get_ex_new_index(void) {
    return SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}
static inline void npsprobe_OPENSSL_free(void *p) { OPENSSL_free(p); }

/* RFC 2253 one-line names, but UTF-8 kept readable instead of escaped as \XX. */
static inline unsigned long npsprobe_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}

static inline void npsprobe_sk_X509_NAME_pop_free(STACK_OF(X509_NAME) *sk) {
    sk_X509_NAME_pop_free(sk, X509_NAME_free);
}

/* GENERAL_NAME accessors (the union is awkward from Swift). */
static inline int npsprobe_GENERAL_NAME_type(const GENERAL_NAME *gn) { return gn->type; }
/* DNS, email, URI: the IA5String; IP address: the OCTET STRING; NULL otherwise. */
static inline const ASN1_STRING *npsprobe_GENERAL_NAME_string(const GENERAL_NAME *gn) {
    switch (gn->type) {
    case GEN_DNS: return gn->d.dNSName;
    case GEN_EMAIL: return gn->d.rfc822Name;
    case GEN_URI: return gn->d.uniformResourceIdentifier;
    case GEN_IPADD: return gn->d.iPAddress;
    default: return NULL;
    }
}
static inline const X509_NAME *npsprobe_GENERAL_NAME_dirname(const GENERAL_NAME *gn) {
    return gn->type == GEN_DIRNAME ? gn->d.directoryName : NULL;
}
static inline const ASN1_OBJECT *npsprobe_GENERAL_NAME_rid(const GENERAL_NAME *gn) {
    return gn->type == GEN_RID ? gn->d.registeredID : NULL;
}
/* otherName: its type-id, and its value when that value is a UTF8String (e.g. the Microsoft UPN). */
static inline const ASN1_OBJECT *npsprobe_GENERAL_NAME_othername_type(const GENERAL_NAME *gn) {
    return gn->type == GEN_OTHERNAME && gn->d.otherName != NULL ? gn->d.otherName->type_id : NULL;
}
static inline const ASN1_STRING *npsprobe_GENERAL_NAME_othername_utf8(const GENERAL_NAME *gn) {
    if (gn->type != GEN_OTHERNAME || gn->d.otherName == NULL || gn->d.otherName->value == NULL) return NULL;
    if (gn->d.otherName->value->type != V_ASN1_UTF8STRING) return NULL;
    return gn->d.otherName->value->value.utf8string;
}

/* CRL distribution points: the full names of distribution point i (NULL for relative names). */
static inline int npsprobe_sk_DIST_POINT_num(const STACK_OF(DIST_POINT) *sk) { return sk_DIST_POINT_num(sk); }
static inline const GENERAL_NAMES *npsprobe_DIST_POINT_fullname(const STACK_OF(DIST_POINT) *sk, int i) {
    DIST_POINT *dp = sk_DIST_POINT_value(sk, i);
    if (dp == NULL || dp->distpoint == NULL || dp->distpoint->type != 0) return NULL;
    return dp->distpoint->name.fullname;
}
static inline void npsprobe_CRL_DIST_POINTS_free(STACK_OF(DIST_POINT) *sk) { CRL_DIST_POINTS_free(sk); }

static inline long npsprobe_SSL_get_negotiated_group(SSL *ssl) { return SSL_get_negotiated_group(ssl); }

/* SSL_OP_* are built with SSL_OP_BIT(), which Swift cannot import. */
static inline uint64_t npsprobe_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t npsprobe_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t npsprobe_SSL_OP_LEGACY_SERVER_CONNECT(void) { return SSL_OP_LEGACY_SERVER_CONNECT; }
static inline uint64_t npsprobe_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }

#endif
