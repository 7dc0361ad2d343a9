/* digest.c: the SHA-256 and SHA-512 of what the bundle, the CSAF provider
 * folder and `dossier verify` hash, with OpenSSL's libcrypto, which uses
 * the CPU's SHA extensions where it has them (libsodium's SHA-2 is
 * portable C: at 5,000 records the manifest's 14 MB took 0.83e9
 * instructions there, 0.45e9 here in callgrind's CPU, a tenth of the
 * time with the extensions). libsodium keeps the signatures and BLAKE2b.
 * Part of emit/; libcrypto stays inside this file. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>

#include "bundle.h"

static void hex_of(const unsigned char *d, size_t n, char *hex) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = 0;
}

/* The algorithms, fetched once (a fetch per call costs more than hashing a
 * small file), by digest_start. */
static EVP_MD *md[2];

void digest_start(void) {
    if (md[0]) return;
    if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) ||
        !(md[0] = EVP_MD_fetch(NULL, "SHA256", NULL)) ||
        !(md[1] = EVP_MD_fetch(NULL, "SHA512", NULL)))
        die("libcrypto cannot start SHA-2: out of memory");
}

static const EVP_MD *algorithm(bool sha512) {
    digest_start();
    return md[sha512];
}

static void digest_hex(bool sha512, const void *data, size_t len, char *hex) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, d, &n, algorithm(sha512), NULL))
        die("libcrypto cannot hash: out of memory");
    hex_of(d, n, hex);
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX]) {
    digest_hex(false, data, len, hex);
}

bool sha256_hex_checked(const void *data, size_t len, char hex[SHA256_HEX]) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!md[0] || !EVP_Digest(data, len, d, &n, md[0], NULL)) return false;
    hex_of(d, n, hex);
    return true;
}

void sha512_hex(const void *data, size_t len, char hex[SHA512_HEX]) {
    digest_hex(true, data, len, hex);
}

void sha256_start(Sha256 *h) {
    if (!h->ctx && !(h->ctx = EVP_MD_CTX_new())) die("out of memory");
    if (!EVP_DigestInit_ex(h->ctx, algorithm(false), NULL))
        die("libcrypto cannot hash: out of memory");
}

void sha256_add(Sha256 *h, const void *data, size_t len) {
    if (!EVP_DigestUpdate(h->ctx, data, len)) die("libcrypto cannot hash: out of memory");
}

void sha256_end(Sha256 *h, char hex[SHA256_HEX]) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_DigestFinal_ex(h->ctx, d, &n)) die("libcrypto cannot hash: out of memory");
    hex_of(d, n, hex);
}

void sha256_free(Sha256 *h) {
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}
