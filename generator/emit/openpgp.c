/* openpgp.c: OpenPGP signatures through GPGME, for the csaf output (emit/).
 * Every keyring is a temporary GNUPGHOME of its own, made with mkdtemp and
 * removed (its gpg-agent stopped first) by openpgp_close, so the user's
 * keyring is never read or touched. Signatures are dated by the build
 * date through gpg's faked-system-time, so a deterministic key type
 * (Ed25519, RSA) gives the same bytes on every build. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emit.h"

extern char **environ;

enum { MAX_KEYFILE = 1 << 20, MAX_PASSPHRASE = 4096 };

struct Openpgp {
    char *home;        /* the temporary GNUPGHOME */
    gpgme_ctx_t ctx;   /* bound to home */
    gpgme_key_t key;   /* the signing key (signers only) */
    char *passphrase;  /* --csaf-sign-passphrase-file's first line, or NULL */
    const char *shown; /* the key file, for messages */
    char fpr[64];      /* the primary key's fingerprint */
    int64_t sig_time;  /* seconds since 1970 the signatures carry */
};

static bool started(void) {
    static bool done;
    if (!done) {
        if (!gpgme_check_version(NULL)) return false;
        done = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == 0;
    }
    return done;
}

/* Stops the gpg-agent the keyring started (gpgconf --kill all), so no
 * process outlives the build and the folder can go. */
static void kill_agent(const char *home) {
    const char *gpgconf = gpgme_get_dirinfo("gpgconf-name");
    if (!gpgconf) return;
    char *argv[] = {(char *)gpgconf, "--homedir", (char *)home, "--kill", "all", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    if (posix_spawn(&pid, gpgconf, &fa, NULL, argv, environ) == 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    posix_spawn_file_actions_destroy(&fa);
}

static gpgme_error_t passphrase_cb(void *hook, const char *uid_hint, const char *info,
                                   int prev_was_bad, int fd) {
    (void)uid_hint;
    (void)info;
    Openpgp *g = hook;
    if (!g->passphrase) return gpg_error(GPG_ERR_NO_PASSPHRASE);
    if (prev_was_bad) return gpg_error(GPG_ERR_BAD_PASSPHRASE);
    size_t n = strlen(g->passphrase);
    if (gpgme_io_writen(fd, g->passphrase, n) != 0 || gpgme_io_writen(fd, "\n", 1) != 0)
        return gpgme_error_from_syserror();
    return 0;
}

/* A new keyring in a fresh temporary folder, or NULL after a message. */
static Openpgp *keyring_new(const char *shown) {
    if (!started()) {
        fprintf(stderr, "dossier: GPGME cannot start gpg (is gnupg installed?)\n");
        return NULL;
    }
    char *home;
    if (!fs_temp_folder("gpg", &home)) {
        fprintf(stderr, "dossier: cannot create a temporary keyring in %.*s: %s\n",
                (int)(strrchr(home, '/') - home), home, strerror(errno));
        free(home);
        return NULL;
    }
    Openpgp *g = xmalloc(sizeof *g);
    memset(g, 0, sizeof *g);
    g->home = home;
    g->shown = shown;
    gpgme_error_t err = gpgme_new(&g->ctx);
    if (!err) err = gpgme_ctx_set_engine_info(g->ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
    if (!err) err = gpgme_set_pinentry_mode(g->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
    if (err) {
        fprintf(stderr, "dossier: GPGME: %s\n", gpgme_strerror(err));
        openpgp_close(g);
        return NULL;
    }
    gpgme_set_armor(g->ctx, 1);
    gpgme_set_passphrase_cb(g->ctx, passphrase_cb, g);
    return g;
}

void openpgp_close(Openpgp *g) {
    if (!g) return;
    if (g->key) gpgme_key_unref(g->key);
    if (g->ctx) gpgme_release(g->ctx);
    kill_agent(g->home);
    if (!fs_remove_tree(g->home))
        fprintf(stderr, "dossier: warning: cannot remove the temporary keyring %s: %s\n", g->home,
                strerror(errno));
    if (g->passphrase) {
        explicit_bzero(g->passphrase, strlen(g->passphrase));
        free(g->passphrase);
    }
    free(g->home);
    free(g);
}

/* Imports the key bytes; the fingerprints imported go to fprs (up to max,
 * secret ones flagged); returns how many, -1 after a message. */
static int import(Openpgp *g, const void *data, size_t len, char fprs[][64], bool *secret,
                  int max) {
    gpgme_data_t in;
    gpgme_error_t err = gpgme_data_new_from_mem(&in, data, len, 0);
    if (!err) err = gpgme_op_import(g->ctx, in);
    gpgme_data_release(in);
    if (err) {
        fprintf(stderr, "dossier: %s: no OpenPGP key could be read: %s\n", g->shown,
                gpgme_strerror(err));
        return -1;
    }
    gpgme_import_result_t r = gpgme_op_import_result(g->ctx);
    int n = 0;
    for (gpgme_import_status_t s = r ? r->imports : NULL; s; s = s->next) {
        if (s->result || !s->fpr) continue;
        int i = 0;
        while (i < n && strcmp(fprs[i], s->fpr) != 0)
            i++;
        if (i == n) {
            if (n == max) continue;
            snprintf(fprs[n], 64, "%s", s->fpr);
            secret[n++] = false;
        }
        if (s->status & GPGME_IMPORT_SECRET) secret[i] = true;
    }
    if (n == 0)
        fprintf(stderr, "dossier: %s: holds no OpenPGP key (an armored export is expected)\n",
                g->shown);
    return n ? n : -1;
}

/* "2025-03-01" for seconds since 1970. */
static const char *day_of(char *buf, int64_t t) {
    date_format(t / 86400, buf);
    return buf;
}

/* The first line of path, without its line break, or NULL after a message. */
static char *read_passphrase(const char *path) {
    char *data;
    size_t len;
    if (!fs_read(path, MAX_PASSPHRASE, &data, &len)) {
        fprintf(stderr, "dossier: cannot read the passphrase file %s: %s\n", path, strerror(errno));
        return NULL;
    }
    data[strcspn(data, "\r\n")] = 0;
    return data;
}

/* Says why a signature with the key of g failed, in the user's words. */
static void sign_failure(const Openpgp *g, gpgme_error_t err, bool have_passphrase) {
    switch (gpgme_err_code(err)) {
    case GPG_ERR_BAD_PASSPHRASE:
        fprintf(stderr, "dossier: %s: wrong passphrase for the OpenPGP key\n", g->shown);
        break;
    case GPG_ERR_NO_PASSPHRASE:
    case GPG_ERR_CANCELED:
        if (!have_passphrase) {
            fprintf(stderr,
                    "dossier: %s: the OpenPGP key needs a passphrase: give it with "
                    "--csaf-sign-passphrase-file\n",
                    g->shown);
            break;
        }
        /* fall through */
    default:
        fprintf(stderr, "dossier: %s: cannot sign with the OpenPGP key: %s\n", g->shown,
                gpgme_strerror(err));
    }
}

static bool sign_bytes(Openpgp *g, const void *data, size_t len, StrBuf *asc, gpgme_error_t *out) {
    gpgme_data_t in = NULL, sig = NULL;
    gpgme_error_t err = gpgme_data_new_from_mem(&in, data, len, 0);
    if (!err) err = gpgme_data_new(&sig);
    if (!err) err = gpgme_op_sign(g->ctx, in, sig, GPGME_SIG_MODE_DETACH);
    gpgme_sign_result_t r = err ? NULL : gpgme_op_sign_result(g->ctx);
    if (!err && (!r || r->invalid_signers || !r->signatures))
        err = r && r->invalid_signers ? r->invalid_signers->reason : gpg_error(GPG_ERR_GENERAL);
    gpgme_data_release(in);
    if (!err) {
        size_t n;
        char *bytes = gpgme_data_release_and_get_mem(sig, &n);
        sb_append(asc, bytes, n);
        gpgme_free(bytes);
    } else {
        gpgme_data_release(sig);
    }
    *out = err;
    return !err;
}

Openpgp *openpgp_signer(const char *keyfile, const char *passphrase_file, int64_t build_day) {
    char *data;
    size_t len;
    if (!fs_read(keyfile, MAX_KEYFILE, &data, &len)) {
        fprintf(stderr, "dossier: cannot read the OpenPGP key %s: %s\n", keyfile, strerror(errno));
        return NULL;
    }
    Openpgp *g = keyring_new(keyfile);
    if (!g) {
        free(data);
        return NULL;
    }
    if (passphrase_file && !(g->passphrase = read_passphrase(passphrase_file))) {
        free(data);
        openpgp_close(g);
        return NULL;
    }
    char fprs[4][64];
    bool secret[4];
    int n = import(g, data, len, fprs, secret, 4);
    explicit_bzero(data, len);
    free(data);
    int nsecret = 0, pick = -1;
    for (int i = 0; i < n; i++)
        if (secret[i]) nsecret++, pick = pick < 0 ? i : pick;
    if (n > 0 && nsecret != 1)
        fprintf(stderr,
                nsecret ? "dossier: %s: holds several secret keys; export the one to sign with\n"
                        : "dossier: %s: holds no secret key, only a public one (export it with "
                          "gpg --export-secret-keys --armor)\n",
                keyfile);
    gpgme_error_t err = 0;
    if (n > 0 && nsecret == 1) err = gpgme_get_key(g->ctx, fprs[pick], &g->key, 1);
    if (err)
        fprintf(stderr, "dossier: %s: the secret key cannot be used: %s\n", keyfile,
                gpgme_strerror(err));
    if (!g->key) {
        openpgp_close(g);
        return NULL;
    }
    snprintf(g->fpr, sizeof g->fpr, "%s", g->key->fpr ? g->key->fpr : fprs[pick]);
    /* the signatures' date: the build date, or the key's creation when the
     * key is younger (a signature older than its key is refused by gpg) */
    int64_t when = build_day * 86400, now = (int64_t)time(NULL);
    bool can_sign = false, live = false;
    int64_t expired_at = 0;
    for (gpgme_subkey_t s = g->key->subkeys; s; s = s->next)
        if (s->timestamp > when) when = s->timestamp;
    for (gpgme_subkey_t s = g->key->subkeys; s; s = s->next) {
        if (!s->can_sign || s->revoked || s->disabled || s->invalid) continue;
        can_sign = true;
        if (s->expires == 0 || (s->expires > when && s->expires > now))
            live = true;
        else if (s->expires > expired_at)
            expired_at = s->expires;
    }
    char day[16];
    if (g->key->revoked || !can_sign) {
        fprintf(stderr, "dossier: %s: the OpenPGP key %s %s\n", keyfile, g->fpr,
                g->key->revoked ? "is revoked" : "cannot sign (no usable signing key)");
        openpgp_close(g);
        return NULL;
    }
    if (!live) {
        fprintf(stderr,
                "dossier: %s: the OpenPGP key %s expired on %s (signatures are dated the build "
                "date or today)\n",
                keyfile, g->fpr, day_of(day, expired_at));
        openpgp_close(g);
        return NULL;
    }
    g->sig_time = when;
    /* every gpg the keyring runs from now on lives at that time, frozen */
    char conf[64];
    int clen = snprintf(conf, sizeof conf, "faked-system-time %lld!\n", (long long)when);
    size_t plen = strlen(g->home) + sizeof "/gpg.conf";
    char *conf_path = xmalloc(plen);
    snprintf(conf_path, plen, "%s/gpg.conf", g->home);
    int fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    bool ok = fd >= 0 && fs_write_all(fd, conf, (size_t)clen);
    if (fd >= 0 && close(fd) != 0) ok = false;
    if (!ok) fprintf(stderr, "dossier: cannot write %s: %s\n", conf_path, strerror(errno));
    free(conf_path);
    if (ok) err = gpgme_signers_add(g->ctx, g->key);
    if (ok && err) {
        fprintf(stderr, "dossier: %s: GPGME: %s\n", keyfile, gpgme_strerror(err));
        ok = false;
    }
    /* a first signature now: a missing or wrong passphrase stops the build
     * before anything is signed */
    StrBuf probe;
    sb_init(&probe);
    if (ok && !sign_bytes(g, "", 0, &probe, &err)) {
        sign_failure(g, err, g->passphrase != NULL);
        ok = false;
    }
    sb_free(&probe);
    if (!ok) {
        openpgp_close(g);
        return NULL;
    }
    return g;
}

const char *openpgp_fingerprint(const Openpgp *g) {
    return g->fpr;
}

bool openpgp_sign(Openpgp *g, const void *data, size_t len, StrBuf *asc) {
    gpgme_error_t err;
    if (sign_bytes(g, data, len, asc, &err)) return true;
    sign_failure(g, err, g->passphrase != NULL);
    return false;
}

bool openpgp_export(Openpgp *g, StrBuf *asc) {
    gpgme_data_t out;
    gpgme_error_t err = gpgme_data_new(&out);
    if (!err) err = gpgme_op_export(g->ctx, g->fpr, GPGME_EXPORT_MODE_MINIMAL, out);
    if (err) {
        fprintf(stderr, "dossier: %s: cannot export the public key: %s\n", g->shown,
                gpgme_strerror(err));
        gpgme_data_release(out);
        return false;
    }
    size_t n;
    char *bytes = gpgme_data_release_and_get_mem(out, &n);
    bool ok = n > 0;
    if (ok)
        sb_append(asc, bytes, n);
    else
        fprintf(stderr, "dossier: %s: the public key exported empty\n", g->shown);
    gpgme_free(bytes);
    return ok;
}

Openpgp *openpgp_keyring(void) {
    return keyring_new("the keyring");
}

int openpgp_import_public(Openpgp *g, const void *data, size_t len, const char *shown,
                          char fprs[][64], int max) {
    bool secret[16];
    if (max > 16) max = 16;
    const char *was = g->shown;
    g->shown = shown;
    int n = import(g, data, len, fprs, secret, max);
    g->shown = was;
    return n;
}

const char *openpgp_verify(Openpgp *g, Arena *a, const void *data, size_t len, const void *sig,
                           size_t siglen, const char *const *fprs, int nfprs) {
    gpgme_data_t text = NULL, signature = NULL;
    gpgme_error_t err = gpgme_data_new_from_mem(&text, data, len, 0);
    if (!err) err = gpgme_data_new_from_mem(&signature, sig, siglen, 0);
    if (!err) err = gpgme_op_verify(g->ctx, signature, text, NULL);
    gpgme_data_release(text);
    gpgme_data_release(signature);
    if (err) return arena_printf(a, "not an OpenPGP signature (%s)", gpgme_strerror(err));
    gpgme_verify_result_t r = gpgme_op_verify_result(g->ctx);
    if (!r || !r->signatures) return "holds no signature";
    for (gpgme_signature_t s = r->signatures; s; s = s->next) {
        gpgme_err_code_t code = gpgme_err_code(s->status);
        if (code == GPG_ERR_NO_PUBKEY)
            return arena_printf(a, "made by the key %s, which the folder does not publish",
                                s->fpr ? s->fpr : "?");
        if (code != GPG_ERR_NO_ERROR && code != GPG_ERR_KEY_EXPIRED && code != GPG_ERR_SIG_EXPIRED)
            return arena_printf(a, "bad signature (%s)", gpgme_strerror(s->status));
        /* the signature names its signing (sub)key: it must belong to a
         * published primary key */
        gpgme_key_t key = NULL;
        bool ours = false;
        if (s->fpr && gpgme_get_key(g->ctx, s->fpr, &key, 0) == 0 && key) {
            for (int i = 0; i < nfprs && !ours; i++)
                ours = key->fpr && strcmp(key->fpr, fprs[i]) == 0;
            gpgme_key_unref(key);
        }
        if (!ours)
            return arena_printf(a, "made by the key %s, which the folder does not publish",
                                s->fpr ? s->fpr : "?");
    }
    return NULL;
}
