/* test_base.c: the base layer: natural ID order, ID shapes, calendar
 * dates, the escapers of every output context, the arena and the findings
 * sink. */
#include <stdarg.h>
#include <stdlib.h>

#include <stdio.h>

#include "base/base.h"
#include "test.h"

/* A finding made by hand, at any severity and with any rule: the sink as the
 * report writers see it (stages report through rule_report instead, at the
 * rule's severity). */
static void PRINTF_LIKE(6, 7) finding(Diag *d, Severity sev, SrcLoc loc, const char *rule,
                                      const char *record, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, sev, loc, rule, record, fmt, ap);
    va_end(ap);
}

static const char *esc(StrBuf *sb, void (*fn)(StrBuf *, const char *, size_t), const char *s) {
    sb_reset(sb);
    fn(sb, s, strlen(s));
    return sb->data;
}

int main(void) {
    CHECK("id order: THR-2 before THR-10", id_compare("THR-2", "THR-10") < 0);
    CHECK("id order: THR-10 after THR-9", id_compare("THR-10", "THR-9") > 0);
    CHECK("id order: prefix first", id_compare("CTL-99", "THR-1") < 0);
    CHECK("id order: equal", id_compare("REL-3.1.0", "REL-3.1.0") == 0);
    CHECK("id order: versions by number", id_compare("REL-3.2.0", "REL-3.10.0") < 0);
    CHECK("id order: leading zeros still total", id_compare("THR-01", "THR-1") != 0);
    CHECK("id shape: THR-004", id_shaped("THR-004", 7));
    CHECK("id shape: CVE-2024-6387", id_shaped("CVE-2024-6387", 13));
    CHECK("id shape: REL-3.1.0", id_shaped("REL-3.1.0", 9));
    CHECK("id shape: lower case prefix is not", !id_shaped("thr-1", 5));
    CHECK("id shape: one letter prefix is not", !id_shaped("T-1", 3));
    CHECK("id shape: trailing dash is not", !id_shaped("THR-1-", 6));
    CHECK("id shape: path is not", !id_shaped("THR-../x", 8));
    CHECK("id shape: task list box is not", !id_shaped("x", 1));

    int64_t days = 0;
    char buf[16];
    CHECK("date: epoch", date_parse("1970-01-01", &days) && days == 0);
    CHECK("date: leap day", date_parse("2024-02-29", &days));
    date_format(days, buf);
    CHECK_STR("date: round trip", buf, "2024-02-29");
    CHECK("date: no 29 February in 2025", !date_parse("2025-02-29", &days));
    CHECK("date: 2000 was a leap year", date_parse("2000-02-29", &days));
    CHECK("date: 1900 was not", !date_parse("1900-02-29", &days));
    CHECK("date: month 13", !date_parse("2025-13-01", &days));
    CHECK("date: not a date", !date_parse("yesterday", &days));
    CHECK("date: time part refused", !date_parse("2025-01-01T00:00", &days));
    int64_t a, b;
    CHECK("date: 60 days",
          date_parse("2025-01-01", &a) && date_parse("2025-03-02", &b) && b - a == 60);

    StrBuf sb;
    sb_init(&sb);
    CHECK_STR("html escape", esc(&sb, sb_escape_html, "<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    CHECK_STR("xml escape drops C0 controls",
              esc(&sb, sb_escape_xml,
                  "a\x01"
                  "b"),
              "a\xEF\xBF\xBD"
              "b");
    CHECK_STR("json escape", esc(&sb, sb_escape_json, "q\"\\\n\x02"), "q\\\"\\\\\\n\\u0002");
    sb_reset(&sb);
    sb_escape_csv(&sb, "a,b");
    CHECK_STR("csv quotes a comma", sb.data, "\"a,b\"");
    sb_reset(&sb);
    sb_escape_csv(&sb, "=HYPERLINK(1)");
    CHECK_STR("csv defuses a formula", sb.data, "\"'=HYPERLINK(1)\"");
    sb_reset(&sb);
    sb_escape_csv(&sb, "say \"hi\"");
    CHECK_STR("csv doubles quotes", sb.data, "\"say \"\"hi\"\"\"");
    sb_reset(&sb);
    sb_printf(&sb, "%d-%s", 42, "x");
    CHECK_STR("sb_printf", sb.data, "42-x");
    sb_free(&sb);

    Arena ar;
    arena_init(&ar);
    char *big = arena_alloc(&ar, 1 << 20);
    char *small = arena_strdup(&ar, "kept");
    big[(1 << 20) - 1] = 1;
    CHECK_STR("arena: large and small allocations coexist", small, "kept");
    int *grown = arena_grow(&ar, NULL, 0, 4, sizeof *grown);
    grown[3] = 7;
    grown = arena_grow(&ar, grown, 4, 8, sizeof *grown);
    CHECK("arena: grow keeps items", grown[3] == 7 && grown[7] == 0);
    CHECK_STR("arena: printf", arena_printf(&ar, "%s-%03d", "THR", 4), "THR-004");
    CHECK_STR("one line: runs of blanks folded, ends trimmed",
              text_one_line(&ar, "  a\n\t b  c \n"), "a b c");
    CHECK_STR("printable: ESC, BEL and DEL shown", text_printable(&ar, "a\x1b[2Jb\x07\x7f"),
              "a\\x1b[2Jb\\x07\\x7f");
    CHECK_STR("printable: line ends and tabs shown", text_printable(&ar, "a\nb\r\tc"),
              "a\\nb\\r\\tc");
    CHECK_STR("printable: C1 controls shown",
              text_printable(&ar, "x\xc2\x9b"
                                  "2J\xc2\x85"),
              "x\\u009b2J\\u0085");
    CHECK_STR("printable: UTF-8 kept",
              text_printable(&ar, "\xc2\xb5s \xe2\x80\x94 \xf0\x9f\x94\x92"),
              "\xc2\xb5s \xe2\x80\x94 \xf0\x9f\x94\x92");
    CHECK_STR("printable: malformed UTF-8 shown byte by byte",
              text_printable(&ar, "a\x9b\xc0\xaf\xed\xa0\x80\xe2\x82"),
              "a\\x9b\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82");
    const char *plain = "nothing to escape";
    CHECK("printable: plain text is not copied", text_printable(&ar, plain) == plain);
    StrBuf lines;
    sb_init(&lines);
    sb_escape_text(&lines, "one\ntwo\x1b\n", 9, true);
    CHECK_STR("printable: a report keeps its line feeds", lines.data, "one\ntwo\\x1b\n");
    sb_free(&lines);
    arena_free(&ar);

    Diag d;
    diag_init(&d);
    finding(&d, SEV_WARNING, (SrcLoc){"b.md", 2, 1}, "r2", NULL, "second");
    finding(&d, SEV_ERROR, (SrcLoc){"a.md", 9, 1}, "r1", "THR-1", "first %d", 1);
    finding(&d, SEV_NOTE, (SrcLoc){"a.md", 3, 4}, "r3", NULL, "zeroth");
    diag_sort(&d);
    CHECK_STR("findings sort by path then line", d.items[0].message, "zeroth");
    CHECK_STR("findings keep their record", d.items[1].record, "THR-1");
    CHECK("count at or above warning", diag_count(&d, SEV_WARNING) == 2);
    Severity s;
    CHECK("severity parse",
          severity_parse("warning", &s) && s == SEV_WARNING && !severity_parse("fatal", &s));
    diag_free(&d);

    /* the one hash table: any number of keys, binary keys, heap or arena */
    for (int mode = 0; mode < 2; mode++) {
        Arena ha;
        arena_init(&ha);
        HashMap hm;
        hashmap_init(&hm, mode ? &ha : NULL);
        static int vals[5000];
        char key[32];
        bool all = true;
        for (int i = 0; i < 5000; i++) {
            snprintf(key, sizeof key, "key-%d", i);
            all = all && hashmap_sput(&hm, key, &vals[i]) == &vals[i];
        }
        for (int i = 0; i < 5000; i++) {
            snprintf(key, sizeof key, "key-%d", i);
            all = all && hashmap_sget(&hm, key) == &vals[i];
        }
        CHECK(mode ? "hashmap (arena): 5,000 keys put and found"
                   : "hashmap: 5,000 keys put and found",
              all && hm.n == 5000);
        CHECK("hashmap: a key put again keeps its first value",
              hashmap_sput(&hm, "key-7", &vals[8]) == &vals[7] && hm.n == 5000);
        CHECK("hashmap: an absent key",
              hashmap_sget(&hm, "key-5000") == NULL && hashmap_sget(&hm, "key-") == NULL);
        char bin[3] = {'a', 0, 'b'};
        hashmap_put(&hm, bin, 3, &vals[1]);
        CHECK("hashmap: keys are bytes, NUL included",
              hashmap_get(&hm, bin, 3) == &vals[1] && hashmap_get(&hm, bin, 1) == NULL);
        void **slot = hashmap_slot(&hm, "fresh", 5);
        CHECK("hashmap: a slot made for an absent key", slot && *slot == NULL);
        *slot = &vals[2];
        CHECK("hashmap: a value set through its slot", hashmap_sget(&hm, "fresh") == &vals[2]);
        hashmap_free(&hm);
        arena_free(&ha);
    }
    TEST_DONE();
}
