/* util.c: natural ID order, ID shapes, calendar dates, and the FNV-1a hash
 * for in-memory tables. Part of base/. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base.h"

static bool digit(char c) {
    return c >= '0' && c <= '9';
}

int id_compare(const char *a, const char *b) {
    /* IDs that are sorted and searched share long prefixes (TST-suite-case_1,
     * TST-suite-case_2): skip the common bytes, back to the start of the
     * number they may end inside, and compare naturally from there */
    size_t k = 0;
    while (a[k] && a[k] == b[k])
        k++;
    if (!a[k] && !b[k]) return 0;
    while (k > 0 && digit(a[k - 1]))
        k--;
    const char *pa = a + k, *pb = b + k;
    while (*pa && *pb) {
        if (digit(*pa) && digit(*pb)) {
            while (*pa == '0' && digit(pa[1]))
                pa++;
            while (*pb == '0' && digit(pb[1]))
                pb++;
            size_t na = 0, nb = 0;
            while (digit(pa[na]))
                na++;
            while (digit(pb[nb]))
                nb++;
            if (na != nb) return na < nb ? -1 : 1;
            int c = memcmp(pa, pb, na);
            if (c) return c;
            pa += na;
            pb += nb;
            continue;
        }
        if (*pa != *pb) return (unsigned char)*pa < (unsigned char)*pb ? -1 : 1;
        pa++;
        pb++;
    }
    if (*pa || *pb) return *pa ? 1 : -1;
    return strcmp(a, b); /* THR-01 and THR-1: a total order all the same */
}

static bool alnum(char c) {
    /* isalnum in the C locale, which the tool never leaves, without a call */
    return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool id_shaped(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] >= 'A' && s[i] <= 'Z')
        i++;
    if (i < 2 || i >= n || s[i] != '-') return false;
    i++;
    if (i >= n || !alnum(s[i])) return false;
    for (; i < n; i++)
        if (!alnum(s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_') return false;
    return alnum(s[n - 1]);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool date_parse(const char *s, int64_t *days) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    if (d > max) return false;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

void date_format(int64_t z, char *buf) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999) y = 0; /* outside what a record can hold */
    /* by hand: snprintf was most of the cost of rules that date every record */
    unsigned yy = (unsigned)y;
    m %= 100;
    d %= 100;
    char out[11] = {(char)('0' + yy / 1000),
                    (char)('0' + yy / 100 % 10),
                    (char)('0' + yy / 10 % 10),
                    (char)('0' + yy % 10),
                    '-',
                    (char)('0' + m / 10),
                    (char)('0' + m % 10),
                    '-',
                    (char)('0' + d / 10),
                    (char)('0' + d % 10),
                    0};
    memcpy(buf, out, sizeof out);
}

const char *text_printable(Arena *a, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    StrBuf sb;
    sb_init(&sb);
    sb_escape_text(&sb, s, n, false);
    const char *out = sb.len == n ? s : arena_strndup(a, sb.data, sb.len);
    sb_free(&sb);
    return out;
}

uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

char *text_one_line(Arena *a, const char *s) {
    char *out = arena_alloc(a, strlen(s) + 1), *o = out;
    bool blank = false;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            blank = o != out;
            continue;
        }
        if (blank) *o++ = ' ';
        blank = false;
        *o++ = *s;
    }
    *o = 0;
    return out;
}

size_t name_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
