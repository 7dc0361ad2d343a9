/* bundle.h: the pieces of the premarket bundle inside emit/: deterministic
 * ZIP (zip.c), SHA-256 and the manifest (manifest.c), minisign signatures
 * (sign.c). Only emit/ includes it; main.c sees emit.h. libzip and
 * libsodium stay inside these files. */
#ifndef DOSSIER_BUNDLE_H
#define DOSSIER_BUNDLE_H

#include "emit.h"

/* One file of a bundle: a path inside it and its bytes (not owned). */
typedef struct BundleFile {
    const char *path;
    const unsigned char *data;
    size_t len;
} BundleFile;

/* ---- zip.c ------------------------------------------------------------- */

/* Packs files (sorted bytewise by path here) into a ZIP in memory: deflate,
 * every entry dated build_date 00:00, mode 0644, no extra fields, so equal
 * inputs give equal bytes. Returns a heap buffer (caller frees) in *out, or
 * false with a message on stderr. */
bool zip_pack(BundleFile *files, size_t n, int64_t build_date, unsigned char **out, size_t *outlen);
/* Reads every regular entry of the ZIP at path into the arena: *files gets
 * paths and bytes. False with a message on stderr if it cannot be read. */
bool zip_unpack(Arena *a, const char *path, BundleFile **files, size_t *n);

/* ---- manifest.c ---------------------------------------------------------- */

/* The lowercase hex SHA-256 of data into hex (65 bytes). */
void manifest_sha256_hex(const void *data, size_t len, char *hex);

/* A record a file was produced from: its ID, source file and that file's hash. */
typedef struct ManifestRecord {
    const char *id, *path, *sha256;
} ManifestRecord;

/* One file of the manifest. */
typedef struct ManifestEntry {
    const BundleFile *file;
    ManifestRecord *records; /* sorted by ID */
    size_t nrecords;
    const char *validation;  /* "validated by ..." or "not validated: ..." */
} ManifestEntry;

/* The manifest as JSON (sorted keys, two-space indent, final newline):
 * product, build date, the entries in path order (each naming its records
 * by ID) and every record named once with its source file and that file's
 * SHA-256. Heap string, caller frees. */
char *manifest_json(const Model *m, const ManifestEntry *entries, size_t n);

/* ---- sign.c -------------------------------------------------------------- */

/* Signs msg with the minisign secret key in key_path (made with -W, or
 * password-protected with the password in DOSSIER_SIGN_PASSWORD) and
 * appends the .minisig text to sig: a prehashed Ed25519
 * signature (BLAKE2b-512) whose trusted comment names file and the build
 * date, so `minisign -V -p KEY.pub -m FILE` verifies it. False with a
 * message on stderr. */
bool sign_minisign(const char *key_path, const char *file, int64_t build_date, const void *msg, size_t len,
                   StrBuf *sig);
/* Checks the .minisig text sig over msg against the minisign public key in
 * pub (a .pub file's path, or its base64 line). Returns true when valid;
 * else false with the reason in why (arena-owned). */
bool sign_verify(Arena *a, const char *pub, const char *sig, size_t siglen, const void *msg, size_t len,
                 const char **why);

#endif
