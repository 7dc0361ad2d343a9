/* strbuf.c: a growable string on the heap and the context escapers (HTML,
 * XML, JSON, CSV) every output uses. Part of base/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

void sb_init(StrBuf *sb) {
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void sb_free(StrBuf *sb) {
    free(sb->data);
    sb_init(sb);
}

void sb_reset(StrBuf *sb) {
    sb->len = 0;
    if (sb->data) sb->data[0] = 0;
}

static void sb_reserve(StrBuf *sb, size_t extra) {
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
}

void sb_append(StrBuf *sb, const char *s, size_t n) {
    sb_reserve(sb, n);
    if (n) memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void sb_puts(StrBuf *sb, const char *s) {
    sb_append(sb, s, strlen(s));
}

void sb_putc(StrBuf *sb, char c) {
    sb_append(sb, &c, 1);
}

void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) die("bad format string");
    sb_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    sb->len += (size_t)n;
}

void sb_printf(StrBuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* Appends the text s[start..at) kept as it is, then rep in place of the
 * len bytes at s + at; returns where the kept text starts again. */
static size_t replace_bytes(StrBuf *sb, const char *s, size_t start, size_t at, size_t len,
                            const char *rep) {
    sb_append(sb, s + start, at - start);
    sb_puts(sb, rep);
    return at + len;
}

/* Appends s escaped with the replacement table for markup (HTML and XML). */
static void escape_markup(StrBuf *sb, const char *s, size_t n, bool xml) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            /* XML 1.0 forbids most C0 controls even as references */
            if (xml && c < 0x20 && c != '\t' && c != '\n' && c != '\r') rep = "\xEF\xBF\xBD";
            break;
        }
        /* nor U+FFFE and U+FFFF */
        if (xml && c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
            start = replace_bytes(sb, s, start, i, 3, "\xEF\xBF\xBD");
            i += 2;
            continue;
        }
        if (rep) start = replace_bytes(sb, s, start, i, 1, rep);
    }
    sb_append(sb, s + start, n - start);
}

void sb_escape_html(StrBuf *sb, const char *s, size_t n) {
    escape_markup(sb, s, n, false);
}

void sb_escape_xml(StrBuf *sb, const char *s, size_t n) {
    escape_markup(sb, s, n, true);
}

void sb_escape_json(StrBuf *sb, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        const char *rep = NULL;
        switch (c) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        case '\b':
            rep = "\\b";
            break;
        case '\f':
            rep = "\\f";
            break;
        default:
            if (c < 0x20) {
                snprintf(tmp, sizeof tmp, "\\u%04x", c);
                rep = tmp;
            }
            break;
        }
        if (rep) start = replace_bytes(sb, s, start, i, 1, rep);
    }
    sb_append(sb, s + start, n - start);
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes) that
 * is not a C1 control, or 0: a stray byte, an overlong form, a surrogate,
 * or U+0080..U+009F, which a terminal may obey as a control. */
static size_t utf8_printable(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (c == 0xC2 && s[1] < 0xA0) return 0;                                 /* C1 controls */
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xF0 && s[1] < 0x90)) return 0; /* overlong */
    if ((c == 0xED && s[1] > 0x9F) || (c == 0xF4 && s[1] > 0x8F))
        return 0; /* surrogates, past U+10FFFF */
    return len;
}

void sb_escape_text(StrBuf *sb, const char *s, size_t n, bool keep_newlines) {
    const unsigned char *u = (const unsigned char *)s;
    size_t start = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t len = c >= 0x20 && c < 0x7F ? 1 : c >= 0x80 ? utf8_printable(u + i, n - i) : 0;
        if (c == '\n' && keep_newlines) len = 1;
        if (len) {
            i += len;
            continue;
        }
        sb_append(sb, s + start, i - start);
        if (c == '\n')
            sb_puts(sb, "\\n");
        else if (c == '\r')
            sb_puts(sb, "\\r");
        else if (c == '\t')
            sb_puts(sb, "\\t");
        else if (c == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F) {
            sb_printf(sb, "\\u%04x", u[i + 1]); /* a C1 control, well formed */
            i++;
        } else
            sb_printf(sb, "\\x%02x", c);
        start = ++i;
    }
    sb_append(sb, s + start, n - start);
}

void sb_json_string(StrBuf *sb, const char *s) {
    if (!s) {
        sb_puts(sb, "null");
        return;
    }
    sb_putc(sb, '"');
    sb_escape_json(sb, s, strlen(s));
    sb_putc(sb, '"');
}

void sb_escape_csv(StrBuf *sb, const char *s) {
    if (!s) return;
    /* a leading = + - @ would be run as a formula by spreadsheet software */
    bool formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        sb_puts(sb, s);
        return;
    }
    sb_putc(sb, '"');
    if (formula) sb_putc(sb, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"') sb_putc(sb, '"');
        sb_putc(sb, *p);
    }
    sb_putc(sb, '"');
}
