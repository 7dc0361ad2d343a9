/* vers.c: versions and version ranges of CycloneDX affects[].versions, to
 * decide whether a vulnerability reaches the version a dossier ships. A
 * range is the vers syntax (vers:<scheme>/<constraint>|<constraint>...),
 * evaluated for the simple shapes: "*", exact versions (=1.2 or 1.2),
 * excluded ones (!=1.2), and ascending bounds such as >=1.0|<2.0 or
 * <1.0|>=2.0|<3.0. Versions compare as numbers and words between dots
 * (1.10 after 1.9, 1.0 the same as 1.0.0); a version with any other mark
 * (1.0-rc1, 1:2.3, 1.0~b1, 1.0+build) is not compared, since what such
 * marks mean differs from one scheme to the next. Part of load/. */
#include <string.h>

#include "standard.h"

static bool digit(char c) {
    return c >= '0' && c <= '9';
}

static bool letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool vers_comparable(const char *v) {
    if (!v || !*v || *v == '.') return false;
    for (const char *p = v; *p; p++)
        if (!digit(*p) && !letter(*p) && *p != '.') return false;
    return v[strlen(v) - 1] != '.';
}

/* The next token of v at *p (a run of digits or of letters, dots skipped):
 * its start and length; false at the end. */
static bool token(const char *v, size_t *p, const char **start, size_t *len) {
    while (v[*p] == '.')
        (*p)++;
    if (!v[*p]) return false;
    size_t k = *p;
    bool num = digit(v[k]);
    while (v[k] && v[k] != '.' && digit(v[k]) == num)
        k++;
    *start = v + *p;
    *len = k - *p;
    *p = k;
    return true;
}

static int compare_numbers(const char *a, size_t na, const char *b, size_t nb) {
    while (na > 1 && *a == '0')
        a++, na--;
    while (nb > 1 && *b == '0')
        b++, nb--;
    if (na != nb) return na < nb ? -1 : 1;
    int c = memcmp(a, b, na);
    return c < 0 ? -1 : c > 0;
}

int vers_compare(const char *a, const char *b) {
    size_t pa = 0, pb = 0;
    for (;;) {
        const char *ta, *tb;
        size_t na, nb;
        bool ha = token(a, &pa, &ta, &na), hb = token(b, &pb, &tb, &nb);
        if (!ha && !hb) return 0;
        if (!ha || !hb) {
            /* a missing part counts as 0 (1.0 is 1.0.0); an extra word is later */
            const char *t = ha ? ta : tb;
            size_t nt = ha ? na : nb;
            int sign = ha ? 1 : -1;
            if (!digit(*t)) return sign;
            int c = compare_numbers(t, nt, "0", 1);
            if (c) return sign * c;
            continue;
        }
        bool da = digit(*ta), db = digit(*tb);
        int c;
        if (da && db) {
            c = compare_numbers(ta, na, tb, nb);
        } else if (da != db) {
            c = da ? 1 : -1; /* words (alpha, beta) before numbers */
        } else {
            size_t n = na < nb ? na : nb;
            c = memcmp(ta, tb, n);
            c = c < 0 ? -1 : c > 0 ? 1 : na < nb ? -1 : na > nb;
        }
        if (c) return c;
    }
}

typedef enum Op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } Op;

typedef struct Constraint {
    Op op;
    char version[128];
} Constraint;

static bool holds(Op op, int c) {
    switch (op) {
    case OP_EQ:
        return c == 0;
    case OP_NE:
        return c != 0;
    case OP_LT:
        return c < 0;
    case OP_LE:
        return c <= 0;
    case OP_GT:
        return c > 0;
    case OP_GE:
        return c >= 0;
    }
    return false;
}

VersMatch vers_contains(const char *range, const char *version, const char **why) {
    *why = NULL;
    if (strncmp(range, "vers:", 5) != 0) {
        *why = "a range starts with vers:<scheme>/";
        return VERS_UNSUPPORTED;
    }
    const char *slash = strchr(range + 5, '/');
    if (!slash || slash == range + 5) {
        *why = "no scheme: expected vers:<scheme>/<constraints>";
        return VERS_UNSUPPORTED;
    }
    const char *p = slash + 1;
    while (*p == ' ')
        p++;
    if (strcmp(p, "*") == 0) return VERS_IN;
    if (!vers_comparable(version)) {
        *why = "the shipped version has marks the tool does not compare";
        return VERS_UNSUPPORTED;
    }
    Constraint cs[32];
    size_t n = 0;
    while (*p) {
        size_t len = strcspn(p, "|");
        const char *q = p, *end = p + len;
        while (q < end && *q == ' ')
            q++;
        while (end > q && end[-1] == ' ')
            end--;
        Op op = OP_EQ;
        if (end - q >= 2 && q[1] == '=' && (*q == '<' || *q == '>' || *q == '!'))
            op = *q == '<' ? OP_LE : *q == '>' ? OP_GE : OP_NE, q += 2;
        else if (q < end && (*q == '<' || *q == '>'))
            op = *q == '<' ? OP_LT : OP_GT, q++;
        else if (q < end && *q == '=')
            q++;
        while (q < end && *q == ' ')
            q++;
        if (n == sizeof cs / sizeof cs[0] || q == end ||
            (size_t)(end - q) >= sizeof cs[0].version) {
            *why = "a constraint is empty, too long, or there are too many";
            return VERS_UNSUPPORTED;
        }
        memcpy(cs[n].version, q, (size_t)(end - q));
        cs[n].version[end - q] = 0;
        cs[n].op = op;
        if (!vers_comparable(cs[n].version)) {
            *why = "a version in the range has marks the tool does not compare";
            return VERS_UNSUPPORTED;
        }
        if (n && vers_compare(cs[n - 1].version, cs[n].version) > 0) {
            *why = "the constraints are not in ascending order";
            return VERS_UNSUPPORTED;
        }
        n++;
        p += len + (p[len] == '|');
    }
    if (n == 0) {
        *why = "no constraints";
        return VERS_UNSUPPORTED;
    }
    /* exact and excluded versions first */
    for (size_t i = 0; i < n; i++) {
        int c = vers_compare(version, cs[i].version);
        if (cs[i].op == OP_EQ && c == 0) return VERS_IN;
        if (cs[i].op == OP_NE && c == 0) return VERS_OUT;
    }
    /* then the bounds, in order: an upper bound alone at the start, lower and
     * upper in pairs, a lower bound alone at the end */
    bool open = false; /* a lower bound is waiting for its upper bound */
    bool lower_ok = false, any_bound = false, first = true;
    for (size_t i = 0; i < n; i++) {
        Op op = cs[i].op;
        if (op == OP_EQ || op == OP_NE) continue;
        any_bound = true;
        bool ok = holds(op, vers_compare(version, cs[i].version));
        if (op == OP_GT || op == OP_GE) {
            if (open) {
                *why = "two lower bounds in a row";
                return VERS_UNSUPPORTED;
            }
            open = true;
            lower_ok = ok;
        } else {
            if (open) {
                if (lower_ok && ok) return VERS_IN;
                open = false;
            } else if (!first) {
                *why = "an upper bound without a lower bound after the first";
                return VERS_UNSUPPORTED;
            } else if (ok) {
                return VERS_IN; /* <2.0 at the start: everything below */
            }
        }
        first = false;
    }
    if (open && lower_ok) return VERS_IN;
    if (!any_bound) {
        /* only != constraints: every other version */
        bool all_ne = true;
        for (size_t i = 0; i < n; i++)
            if (cs[i].op != OP_NE) all_ne = false;
        return all_ne ? VERS_IN : VERS_OUT;
    }
    return VERS_OUT;
}
