/* bundle.h: the pieces of the premarket bundle inside emit/: deterministic
 * ZIP (zip.c), SHA-2 (digest.c), the manifest (manifest.c), minisign signatures
 * (sign.c), `dossier verify` (verify.c). Only emit/ includes it; main.c
 * sees emit.h. libzip, libsodium and libcrypto stay inside these files. */
#ifndef DOSSIER_BUNDLE_H
#define DOSSIER_BUNDLE_H

#include "emit.h"

/* One file of a bundle: a path inside it and its bytes (not owned). */
typedef struct BundleFile {
    const char *path;
    const unsigned char *data;
    size_t len;
} BundleFile;

/* The bounds on what a bundle given to verify or diff may make the tool
 * read: a file as large as the build copies into a bundle, all files as
 * much as a ZIP without ZIP64 holds, as many as such a ZIP has entries,
 * and (for a ZIP) no entry over 1 MiB, nor the whole, inflating to more
 * than 200 times its compressed bytes. */
#define BUNDLE_MAX_FILE ((uint64_t)SOURCE_MAX_FILE)
#define BUNDLE_MAX_TOTAL ((uint64_t)4 << 30)
#define BUNDLE_RATIO_FLOOR ((uint64_t)1 << 20)
enum { BUNDLE_MAX_RATIO = 200, BUNDLE_MAX_FILES = 65535, BUNDLE_MAX_DEPTH = 64 };

/* ---- zip.c ------------------------------------------------------------- */

/* Packs files (sorted bytewise by path here) into a ZIP in memory: deflate,
 * every entry dated build_date 00:00, mode 0644, no extra fields, so equal
 * inputs give equal bytes. Returns a heap buffer (caller frees) in *out, or
 * false with a message on stderr. */
bool zip_pack(BundleFile *files, size_t n, int64_t build_date, unsigned char **out, size_t *outlen);
/* The same, taking from old (the previous build's ZIP, oldlen bytes; may be
 * NULL) each entry that holds a file's bytes exactly, its compressed bytes
 * copied as they are (the same bytes a fresh deflate writes: the same
 * level of the same zlib on the same input); *reused (may be NULL) gets
 * how many. The entries are deflated by up to `threads` threads at once
 * (the same bytes whatever the number). */
bool zip_pack_reusing(BundleFile *files, size_t n, int64_t build_date, const unsigned char *old,
                      size_t oldlen, unsigned char **out, size_t *outlen, size_t *reused,
                      int threads);
/* The DOS date zip_pack gives every entry for a build date (days since 1970). */
uint16_t zip_dos_date(int64_t days);
/* Why a libzip call failed, given its error record, for a message: "out of
 * memory", libzip's own words, or "libzip gave no reason"; never libzip's
 * "No error". libzip 1.7 returns from some failed allocations without
 * recording one, so errno is read too: clear it before the call. The string
 * is static or lives as long as e. */
struct zip_error;
const char *zip_reason(struct zip_error *e);

/* An entry of a ZIP being read: its name as stored (arena-owned), its
 * stated size, its DOS date and time, its index in the directory. */
typedef struct ZipEntry {
    const char *name;
    uint64_t size;
    uint16_t dos_date, dos_time;
    size_t index;
} ZipEntry;

typedef enum ZipProblem {
    ZIP_DEPARTS, /* not as zip_pack writes it (a comment, a mode, a folder entry), yet safe to
                    unpack */
    ZIP_UNSAFE,  /* an entry not to unpack or not readable: its name ('..', twice, ...), encrypted,
                    damaged */
    ZIP_REFUSED, /* a bound met or a structure dossier does not read: nothing more is inflated */
} ZipProblem;

/* What zip_read calls. problem: one sentence on the archive (entry NULL)
 * or an entry. data: an entry's bytes as they inflate, chunk by chunk,
 * then once with data NULL and n 0 once it inflated to its stated size
 * and its CRC matched; false stops the reading (the callback said why).
 * Folder entries and entries that cannot be inflated never reach data. */
typedef struct ZipReader {
    void *ctx;
    void (*problem)(void *ctx, const char *entry, ZipProblem kind, const char *what);
    bool (*data)(void *ctx, const ZipEntry *e, const void *data, size_t n);
} ZipReader;

typedef enum ZipResult {
    ZIP_READ_OK,       /* every entry read, nothing to report */
    ZIP_READ_PROBLEMS, /* problems reported; every entry that could be read was */
    ZIP_READ_REFUSED,  /* a ZIP_REFUSED problem reported; not everything was read */
    ZIP_READ_FAILED,   /* not a ZIP, an I/O error, or data said stop: said on stderr */
} ZipResult;

/* Reads the ZIP open on fd (label names it in messages; fd stays the
 * caller's). Its directory is parsed here and must agree with libzip's
 * reading; every entry is checked against what zip_pack writes; the stated
 * sizes are held to the bounds above before anything is inflated, and no
 * entry is inflated past its stated size. Scratch memory from a. */
ZipResult zip_read(Arena *a, int fd, const char *label, const ZipReader *r);
/* Unpacks the ZIP at path into the folder dir (which must be new and
 * private), within the bounds above; an entry that is unsafe to unpack
 * ('..', an absolute name, a name twice) or a bound refuses the whole ZIP.
 * False after a message on stderr; what was written is the caller's to
 * remove. */
bool zip_unpack(const char *path, const char *dir);

/* ---- bundle.c ------------------------------------------------------------ */

/* The ZIP's name for a product name and version (either may be NULL), as
 * bundle_zip_name makes it. Arena-owned. */
const char *bundle_zip_name_of(Arena *a, const char *product, const char *version);

/* ---- digest.c: SHA-2 in lowercase hex ------------------------------------ */

enum { SHA256_HEX = 65, SHA512_HEX = 129 };
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX]);
/* The same, false where libcrypto runs out of memory: for threads_each. */
bool sha256_hex_checked(const void *data, size_t len, char hex[SHA256_HEX]);
void sha512_hex(const void *data, size_t len, char hex[SHA512_HEX]);
/* A SHA-256 computed piece by piece: zeroed, then start, add..., end (which
 * may be followed by start again), free once. */
typedef struct Sha256 {
    void *ctx;
} Sha256;
void sha256_start(Sha256 *h);
void sha256_add(Sha256 *h, const void *data, size_t len);
void sha256_end(Sha256 *h, char hex[SHA256_HEX]);
void sha256_free(Sha256 *h);

/* ---- manifest.c ---------------------------------------------------------- */

/* A record a file was produced from: its ID, source file and that file's hash. */
typedef struct ManifestRecord {
    const char *id, *path, *sha256;
} ManifestRecord;

/* One file of the manifest. */
typedef struct ManifestEntry {
    const BundleFile *file;
    const char *sha256;      /* the file's, in hex */
    ManifestRecord *records; /* sorted by ID */
    size_t nrecords;
    const char *validation; /* "validated by ..." or "not validated: ..." */
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
bool sign_minisign(const char *key_path, const char *file, int64_t build_date, const void *msg,
                   size_t len, StrBuf *sig);
/* Checks the .minisig text sig over msg against the minisign public key in
 * pub (a .pub file's path, or its base64 line). Returns true when valid;
 * else false with the reason in why (arena-owned). */
bool sign_verify(Arena *a, const char *pub, const char *sig, size_t siglen, const void *msg,
                 size_t len, const char **why);

#endif
