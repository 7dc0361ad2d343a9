/* sign.c: minisign signatures of the manifest with libsodium: Ed25519 over
 * the BLAKE2b-512 of the file ("ED", prehashed), plus the global signature
 * over the trusted comment, in minisign's file format so Debian's
 * `minisign -V` checks what `dossier build --sign` wrote. Part of emit/. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

enum {
    KEYID_BYTES = 8,
    /* secret key: sig_alg, kdf_alg, chk_alg, salt, opslimit, memlimit, key id, sk, checksum */
    SK_BYTES = 2 + 2 + 2 + 32 + 8 + 8 + KEYID_BYTES + crypto_sign_SECRETKEYBYTES + 32,
    SK_KEYID = 54,
    SK_KEY = SK_KEYID + KEYID_BYTES,
    SK_CHK = SK_KEY + crypto_sign_SECRETKEYBYTES,
    PK_BYTES = 2 + KEYID_BYTES + crypto_sign_PUBLICKEYBYTES,
    SIG_BYTES = 2 + KEYID_BYTES + crypto_sign_BYTES,
};

/* The n-th line (0-based) of text, without its line end, copied to the arena. */
static char *nth_line(Arena *a, const char *text, size_t len, int n) {
    const char *p = text, *end = text + len;
    for (; n > 0 && p < end; n--) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return NULL;
        p = nl + 1;
    }
    if (p >= end) return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (l && p[l - 1] == '\r') l--;
    return arena_strndup(a, p, l);
}

/* Decodes standard base64 into exactly want bytes. */
static bool b64_decode(const char *s, unsigned char *out, size_t want) {
    size_t got = 0;
    if (!s) return false;
    if (sodium_base642bin(out, want, s, strlen(s), " \t", &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return got == want;
}

static void b64_append(StrBuf *sb, const unsigned char *bin, size_t n) {
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *buf = xmalloc(cap);
    sodium_bin2base64(buf, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
    sb_puts(sb, buf);
    free(buf);
}

static uint64_t le64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Decrypts a password-protected key in place: the key ID, key and checksum
 * are XORed with an scrypt stream of the password (DOSSIER_SIGN_PASSWORD),
 * the key's salt and its cost parameters. */
static bool decrypt_key(const char *key_path, unsigned char *sk) {
    if (memcmp(sk + 2, "Sc", 2) != 0) {
        fprintf(stderr, "dossier: %s uses a key derivation dossier does not know\n", key_path);
        return false;
    }
    const char *pw = getenv("DOSSIER_SIGN_PASSWORD");
    if (!pw) {
        fprintf(
            stderr,
            "dossier: %s is password-protected: set DOSSIER_SIGN_PASSWORD, or use a key made with "
            "`minisign -G -W` kept in the CI secret store\n",
            key_path);
        return false;
    }
    enum { SECRET = SK_BYTES - SK_KEYID };
    unsigned char stream[SECRET];
    if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, pw, strlen(pw), sk + 6,
                                           le64(sk + 38), (size_t)le64(sk + 46)) != 0) {
        fprintf(stderr, "dossier: cannot derive the key of %s (out of memory?)\n", key_path);
        return false;
    }
    for (size_t i = 0; i < SECRET; i++)
        sk[SK_KEYID + i] ^= stream[i];
    sodium_memzero(stream, sizeof stream);
    return true;
}

bool sign_minisign(const char *key_path, const char *file, int64_t build_date, const void *msg,
                   size_t len, StrBuf *sig) {
    if (sodium_init() < 0) die("libsodium cannot start");
    char *text;
    size_t tlen;
    if (!fs_read(key_path, 64 * 1024, &text, &tlen)) {
        fprintf(stderr, "dossier: cannot read the secret key %s: %s\n", key_path, strerror(errno));
        return false;
    }
    Arena a;
    arena_init(&a);
    unsigned char sk[SK_BYTES];
    bool ok = b64_decode(nth_line(&a, text, tlen, 1), sk, sizeof sk);
    free(text);
    arena_free(&a);
    if (!ok || memcmp(sk, "Ed", 2) != 0 || memcmp(sk + 4, "B2", 2) != 0) {
        fprintf(stderr, "dossier: %s is not a minisign secret key\n", key_path);
        sodium_memzero(sk, sizeof sk);
        return false;
    }
    bool encrypted = sk[2] != 0 || sk[3] != 0;
    if (encrypted && !decrypt_key(key_path, sk)) {
        sodium_memzero(sk, sizeof sk);
        return false;
    }
    /* the checksum is BLAKE2b-256 of sig_alg, key id and key; minisign -W may leave it zero */
    unsigned char chk_in[2 + KEYID_BYTES + crypto_sign_SECRETKEYBYTES], chk[32], zero[32] = {0};
    memcpy(chk_in, sk, 2);
    memcpy(chk_in + 2, sk + SK_KEYID, KEYID_BYTES + crypto_sign_SECRETKEYBYTES);
    crypto_generichash(chk, sizeof chk, chk_in, sizeof chk_in, NULL, 0);
    sodium_memzero(chk_in, sizeof chk_in);
    if (memcmp(chk, sk + SK_CHK, 32) != 0 && (encrypted || memcmp(zero, sk + SK_CHK, 32) != 0)) {
        fprintf(stderr, "dossier: the secret key %s fails its checksum: %s\n", key_path,
                encrypted ? "wrong DOSSIER_SIGN_PASSWORD" : "damaged");
        sodium_memzero(sk, sizeof sk);
        return false;
    }
    const unsigned char *key = sk + SK_KEY;
    unsigned char hash[crypto_generichash_BYTES_MAX];
    crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
    unsigned char line[SIG_BYTES];
    memcpy(line, "ED", 2);
    memcpy(line + 2, sk + SK_KEYID, KEYID_BYTES);
    crypto_sign_detached(line + 2 + KEYID_BYTES, NULL, hash, sizeof hash, key);

    /* the build date, never the clock, so a rebuild gives the same bytes */
    char *trusted = NULL;
    StrBuf tc;
    sb_init(&tc);
    sb_printf(&tc, "timestamp:%" PRId64 "\tfile:%s\thashed", build_date * 86400, file);
    trusted = tc.data;
    size_t glen = crypto_sign_BYTES + tc.len;
    unsigned char *global_in = xmalloc(glen);
    memcpy(global_in, line + 2 + KEYID_BYTES, crypto_sign_BYTES);
    memcpy(global_in + crypto_sign_BYTES, trusted, tc.len);
    unsigned char global[crypto_sign_BYTES];
    crypto_sign_detached(global, NULL, global_in, glen, key);
    free(global_in);
    sodium_memzero(sk, sizeof sk);

    sb_puts(sig, "untrusted comment: signature from dossier secret key\n");
    b64_append(sig, line, sizeof line);
    sb_printf(sig, "\ntrusted comment: %s\n", trusted);
    b64_append(sig, global, sizeof global);
    sb_putc(sig, '\n');
    sb_free(&tc);
    return true;
}

static void key_id_hex(const unsigned char *id, char *hex) {
    for (int i = 0; i < KEYID_BYTES; i++)
        sprintf(hex + 2 * i, "%02X", id[KEYID_BYTES - 1 - i]);
}

bool sign_verify(Arena *a, const char *pub, const char *sig, size_t siglen, const void *msg,
                 size_t len, const char **why) {
    if (sodium_init() < 0) die("libsodium cannot start");
    unsigned char pk[PK_BYTES];
    char *text = NULL;
    size_t tlen;
    const char *b64 = pub;
    if (fs_is_file(pub)) {
        if (!fs_read(pub, 64 * 1024, &text, &tlen)) {
            *why = arena_printf(a, "cannot read the public key %s: %s", pub, strerror(errno));
            return false;
        }
        b64 = nth_line(a, text, tlen, 1);
        free(text);
    }
    if (!b64_decode(b64, pk, sizeof pk) || memcmp(pk, "Ed", 2) != 0) {
        *why = arena_printf(a, "%s is not a minisign public key", pub);
        return false;
    }
    const char *l1 = nth_line(a, sig, siglen, 1), *l2 = nth_line(a, sig, siglen, 2),
               *l3 = nth_line(a, sig, siglen, 3);
    unsigned char line[SIG_BYTES], global[crypto_sign_BYTES];
    static const char prefix[] = "trusted comment: ";
    if (!b64_decode(l1, line, sizeof line) || !l2 || strncmp(l2, prefix, sizeof prefix - 1) != 0 ||
        !b64_decode(l3, global, sizeof global) ||
        (memcmp(line, "ED", 2) != 0 && memcmp(line, "Ed", 2) != 0)) {
        *why = "the signature file is not in minisign's format";
        return false;
    }
    if (memcmp(line + 2, pk + 2, KEYID_BYTES) != 0) {
        char want[17], got[17];
        key_id_hex(pk + 2, want);
        key_id_hex(line + 2, got);
        *why = arena_printf(a, "signed with another key (key ID %s); the public key given is %s",
                            got, want);
        return false;
    }
    const unsigned char *key = pk + 2 + KEYID_BYTES, *s = line + 2 + KEYID_BYTES;
    int bad;
    if (line[1] == 'D') {
        unsigned char hash[crypto_generichash_BYTES_MAX];
        crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
        bad = crypto_sign_verify_detached(s, hash, sizeof hash, key);
    } else {
        bad = crypto_sign_verify_detached(s, msg, len, key);
    }
    if (bad) {
        *why = "the signature does not match the manifest: it was changed after signing, or signed "
               "with "
               "another key";
        return false;
    }
    const char *tc = l2 + sizeof prefix - 1;
    size_t tclen = strlen(tc);
    unsigned char *gin = arena_alloc(a, crypto_sign_BYTES + tclen);
    memcpy(gin, s, crypto_sign_BYTES);
    memcpy(gin + crypto_sign_BYTES, tc, tclen);
    if (crypto_sign_verify_detached(global, gin, crypto_sign_BYTES + tclen, key) != 0) {
        *why = "the trusted comment of the signature was changed";
        return false;
    }
    *why = arena_printf(a, "good signature; trusted comment: %s", tc);
    return true;
}
