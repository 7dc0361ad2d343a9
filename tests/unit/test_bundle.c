/* test_bundle.c: unit tests of the premarket bundle's C parts: SHA-256
 * against a known vector, deterministic ZIPs read back, minisign
 * signatures made and checked (a key made here, never stored), and the
 * ZIP's name kept inside the output folder. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/bundle.h"
#include "test.h"

/* Writes a minisign unencrypted secret key (the layout `minisign -G -W`
 * writes) and its public key line for a fresh Ed25519 key pair. */
static void make_key(const char *sk_path, char *pub_b64, size_t publen) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    unsigned char id[8];
    randombytes_buf(id, sizeof id);
    unsigned char file[158] = {0};
    memcpy(file, "Ed", 2);
    memcpy(file + 4, "B2", 2);
    memcpy(file + 54, id, 8);
    memcpy(file + 62, sk, sizeof sk);
    char b64[256];
    sodium_bin2base64(b64, sizeof b64, file, sizeof file, sodium_base64_VARIANT_ORIGINAL);
    FILE *f = fopen(sk_path, "w");
    fprintf(f, "untrusted comment: test key\n%s\n", b64);
    fclose(f);
    unsigned char pub[42];
    memcpy(pub, "Ed", 2);
    memcpy(pub + 2, id, 8);
    memcpy(pub + 10, pk, sizeof pk);
    sodium_bin2base64(pub_b64, publen, pub, sizeof pub, sodium_base64_VARIANT_ORIGINAL);
}

static int problems, entries;

static void count_problem(void *ctx, const char *entry, ZipProblem kind, const char *what) {
    (void)ctx;
    (void)kind;
    printf("# %s: %s\n", entry ? entry : "(the ZIP)", what);
    problems++;
}

static bool count_data(void *ctx, const ZipEntry *e, const void *data, size_t n) {
    (void)ctx;
    (void)e;
    (void)n;
    if (!data) entries++;
    return true;
}

int main(void) {
    if (sodium_init() < 0) return 1;
    char hex[SHA512_HEX];
    sha256_hex("abc", 3, hex);
    CHECK_STR("sha256 of abc", hex,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha512_hex("abc", 3, hex);
    CHECK_STR("sha512 of abc", hex,
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    Sha256 h = {0};
    sha256_start(&h);
    sha256_add(&h, "a", 1);
    sha256_add(&h, "bc", 2);
    sha256_end(&h, hex);
    sha256_free(&h);
    CHECK_STR("sha256 of abc in pieces", hex,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    /* the same files in another order give the same bytes */
    BundleFile a[] = {{"b/two.txt", (const unsigned char *)"two\n", 4},
                      {"a.html", (const unsigned char *)"<p>one</p>\n", 11},
                      {"empty", (const unsigned char *)"", 0}};
    BundleFile b[] = {a[2], a[0], a[1]};
    unsigned char *za, *zb;
    size_t la, lb;
    bool ok = zip_pack(a, 3, 20393, &za, &la) && zip_pack(b, 3, 20393, &zb, &lb);
    CHECK("zip: packs", ok);
    CHECK("zip: equal files, equal bytes", ok && la == lb && memcmp(za, zb, la) == 0);
    unsigned char *zc;
    size_t lc;
    CHECK("zip: another build date, other bytes",
          zip_pack(a, 3, 20394, &zc, &lc) && (lc != la || memcmp(za, zc, la) != 0));
    free(zc);

    /* taking entries from the previous ZIP: the same bytes as packing fresh */
    size_t reused = 99;
    unsigned char *zr;
    size_t lr;
    ok = zip_pack_reusing(a, 3, 20393, za, la, &zr, &lr, &reused, 1);
    CHECK("zip: every unchanged entry taken from the previous ZIP", ok && reused == 3);
    CHECK("zip: taken entries, the same bytes", ok && lr == la && memcmp(zr, za, la) == 0);
    free(zr);
    BundleFile changed[] = {{"a.html", (const unsigned char *)"<p>One</p>\n", 11},
                            {"b/two.txt", (const unsigned char *)"two\n", 4},
                            {"empty", (const unsigned char *)"", 0}};
    unsigned char *zf;
    size_t lf;
    ok = zip_pack(changed, 3, 20393, &zf, &lf) &&
         zip_pack_reusing(changed, 3, 20393, za, la, &zr, &lr, &reused, 1);
    CHECK("zip: a file of the same size and other bytes is packed again",
          ok && reused == 2 && lr == lf && memcmp(zr, zf, lf) == 0);
    free(zr);
    free(zf);
    /* entries of every memory level, deflated by 1, 2 and 7 threads: the
     * same bytes, and the same taken from the previous ZIP by 3 threads */
    enum { MANY = 300 };
    BundleFile many[MANY];
    char names[MANY][16];
    StrBuf body;
    sb_init(&body);
    for (size_t i = 0; i < 70000; i++)
        sb_putc(&body, (char)('a' + (i * 7 + i / 13) % 26));
    for (size_t i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "f/%03zu.txt", MANY - i);
        size_t len = (i * i * 37) % body.len;
        many[i] = (BundleFile){names[i], (const unsigned char *)body.data + i % 50, len};
    }
    unsigned char *z1 = NULL, *zt = NULL;
    size_t l1 = 0, lt = 0;
    ok = zip_pack_reusing(many, MANY, 20393, NULL, 0, &z1, &l1, NULL, 1);
    CHECK("zip: 300 entries by one thread", ok);
    int counts[] = {2, 7};
    for (size_t c = 0; c < 2; c++) {
        ok = zip_pack_reusing(many, MANY, 20393, NULL, 0, &zt, &lt, NULL, counts[c]);
        CHECK("zip: by several threads, the same bytes as by one",
              ok && lt == l1 && memcmp(zt, z1, l1) == 0);
        free(zt);
    }
    ok = zip_pack_reusing(many, MANY, 20393, z1, l1, &zt, &lt, &reused, 3);
    CHECK("zip: by 3 threads from the previous ZIP, every entry taken, the same bytes",
          ok && reused == MANY && lt == l1 && memcmp(zt, z1, l1) == 0);
    free(zt);
    free(z1);
    sb_free(&body);

    unsigned char junk[64];
    memset(junk, 'P', sizeof junk);
    ok = zip_pack_reusing(a, 3, 20393, junk, sizeof junk, &zr, &lr, &reused, 1);
    CHECK("zip: a previous ZIP that is no ZIP lends nothing",
          ok && reused == 0 && lr == la && memcmp(zr, za, la) == 0);
    free(zr);
    /* an entry whose stored CRC and size match but whose data was changed */
    unsigned char *bad = xmalloc(la);
    memcpy(bad, za, la);
    /* the first entry (a.html, sorted first): local header, name, then data */
    CHECK("zip: the first entry is a.html", la > 40 && memcmp(bad + 30, "a.html", 6) == 0);
    bad[30 + 6 + 2] ^= 0x01;
    ok = zip_pack_reusing(a, 3, 20393, bad, la, &zr, &lr, &reused, 1);
    CHECK("zip: a damaged entry of the previous ZIP is not taken, the others are",
          ok && reused == 2 && lr == la && memcmp(zr, za, la) == 0);
    free(zr);
    free(bad);

    char path[] = "/tmp/test_bundle_XXXXXX";
    int fd = mkstemp(path);
    CHECK("zip: written", fd >= 0 && write(fd, za, la) == (ssize_t)la);
    close(fd);
    Arena arena;
    arena_init(&arena);
    fd = open(path, O_RDONLY);
    ZipReader reader = {NULL, count_problem, count_data};
    CHECK("zip: read back as written, nothing to report",
          fd >= 0 && zip_read(&arena, fd, path, &reader) == ZIP_READ_OK && problems == 0 &&
              entries == 3);
    close(fd);
    char dir[] = "/tmp/test_bundle_dir_XXXXXX";
    CHECK("zip: unpacked", mkdtemp(dir) && zip_unpack(path, fs_join(&arena, dir, "b")));
    char *data = NULL;
    size_t len = 0;
    CHECK("zip: content kept", fs_read(fs_join(&arena, dir, "b/b/two.txt"), 100, &data, &len) &&
                                   len == 4 && memcmp(data, "two\n", 4) == 0);
    free(data);
    CHECK("zip: empty file kept",
          fs_read(fs_join(&arena, dir, "b/empty"), 100, &data, &len) && len == 0);
    free(data);
    fs_remove_tree(dir);
    unlink(path);
    free(za);
    free(zb);

    /* minisign: sign, verify, and refuse changes and other keys */
    char key[] = "/tmp/test_bundle_key_XXXXXX", key2[] = "/tmp/test_bundle_key2_XXXXXX";
    close(mkstemp(key));
    close(mkstemp(key2));
    char pub[128], pub2[128];
    make_key(key, pub, sizeof pub);
    make_key(key2, pub2, sizeof pub2);
    const char *msg = "{\"files\": []}\n";
    StrBuf sig;
    sb_init(&sig);
    CHECK("sign: signs", sign_minisign(key, "manifest.json", 20393, msg, strlen(msg), &sig));
    CHECK("sign: trusted comment from the build date",
          sig.data &&
              strstr(sig.data,
                     "trusted comment: timestamp:1761955200\tfile:manifest.json\thashed\n"));
    const char *why = NULL;
    CHECK("sign: verifies", sign_verify(&arena, pub, sig.data, sig.len, msg, strlen(msg), &why));
    CHECK("sign: a changed message fails",
          !sign_verify(&arena, pub, sig.data, sig.len, "x", 1, &why));
    CHECK("sign: another key fails, named",
          !sign_verify(&arena, pub2, sig.data, sig.len, msg, strlen(msg), &why) &&
              strstr(why, "another key"));
    StrBuf sig2;
    sb_init(&sig2);
    CHECK("sign: signs again", sign_minisign(key, "manifest.json", 20393, msg, strlen(msg), &sig2));
    CHECK("sign: deterministic", sig2.len == sig.len && memcmp(sig.data, sig2.data, sig.len) == 0);
    char *tc = strstr(sig.data, "hashed");
    if (tc) tc[0] = 'H';
    CHECK("sign: a changed trusted comment fails",
          !sign_verify(&arena, pub, sig.data, sig.len, msg, strlen(msg), &why) &&
              strstr(why, "trusted comment"));
    CHECK("sign: a missing key fails", !sign_minisign("/nonexistent/key", "m", 1, msg, 1, &sig2));
    unlink(key);
    unlink(key2);
    sb_free(&sig);
    sb_free(&sig2);

    /* the ZIP's name cannot leave the output folder */
    Model m = {0};
    m.product.name = "../../etc/Evil Name";
    m.product.version = "/1.0/../..";
    CHECK_STR("zip name: unsafe parts gone", bundle_zip_name(&arena, &m),
              "etc-evil-name-1.0-premarket.zip");
    m.product.name = "..";
    m.product.version = NULL;
    CHECK_STR("zip name: nothing left", bundle_zip_name(&arena, &m),
              "dossier-unversioned-premarket.zip");
    arena_free(&arena);
    TEST_DONE();
}
