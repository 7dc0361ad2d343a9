/* report.c: the findings of a run as GNU text, JSON, SARIF 2.1.0 and JUnit
 * XML, for people, scripts, code scanning and CI test views. Every format
 * lists the same findings in the same order; the bytes depend only on the
 * findings and the dossier path. Part of check/. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

bool report_format_parse(const char *s, ReportFormat *out) {
    static const struct {
        const char *name;
        ReportFormat f;
    } names[] = {{"text", REPORT_TEXT},
                 {"json", REPORT_JSON},
                 {"sarif", REPORT_SARIF},
                 {"junit", REPORT_JUNIT}};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    return false;
}

/* ---- order and text ---------------------------------------------------- */

static int cmp_str(const char *a, const char *b) {
    if (!a || !b) return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

/* Path, line, column, rule, message, then the rest so that the order is
 * total and the output never depends on the order findings were added. */
static int finding_cmp(const void *pa, const void *pb) {
    const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
    int c = cmp_str(a->loc.path, b->loc.path);
    if (c) return c;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col) return a->loc.col < b->loc.col ? -1 : 1;
    if ((c = cmp_str(a->rule, b->rule))) return c;
    if ((c = cmp_str(a->message, b->message))) return c;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    return cmp_str(a->record, b->record);
}

/* The findings at or above min, sorted; heap-owned by the caller. */
static const Finding **shown(const Diag *d, Severity min, size_t *n) {
    const Finding **out = xmalloc((d->n ? d->n : 1) * sizeof *out);
    *n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].severity >= min && d->items[i].severity != SEV_NONE)
            out[(*n)++] = &d->items[i];
    qsort(out, *n, sizeof *out, finding_cmp);
    return out;
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when invalid.
 * U+FFFE and U+FFFF count as invalid: XML cannot carry them. */
static size_t utf8_seq(const unsigned char *s) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        return 4;
    }
    return 0;
}

/* s itself when it is valid UTF-8, else a copy in tmp with every invalid
 * byte replaced by U+FFFD. NULL stays NULL. */
static const char *utf8_clean(StrBuf *tmp, const char *s) {
    if (!s) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t k;
    while (*p && (k = utf8_seq(p)) != 0)
        p += k;
    if (!*p) return s;
    sb_reset(tmp);
    sb_append(tmp, s, (size_t)((const char *)p - s));
    while (*p) {
        k = utf8_seq(p);
        if (k) {
            sb_append(tmp, (const char *)p, k);
            p += k;
        } else {
            sb_puts(tmp, "\xEF\xBF\xBD");
            p++;
        }
    }
    return tmp->data;
}

/* "path:line:col" with the unknown parts left out; "dossier" without a path. */
static void put_where(StrBuf *sb, const Finding *f) {
    sb_puts(sb, f->loc.path ? f->loc.path : "dossier");
    if (f->loc.line > 0) {
        sb_printf(sb, ":%d", f->loc.line);
        if (f->loc.col > 0) sb_printf(sb, ":%d", f->loc.col);
    }
}

/* The GNU line of a finding, without its newline; line breaks and other
 * control characters in the message become spaces so one finding stays one
 * line. */
static void put_message(StrBuf *sb, const Finding *f) {
    for (const char *p = f->message; *p; p++)
        sb_putc(sb, (unsigned char)*p < 0x20 ? ' ' : *p);
}

static void put_line(StrBuf *sb, const Finding *f) {
    put_where(sb, f);
    sb_printf(sb, ": %s: [%s] ", severity_name(f->severity), f->rule);
    put_message(sb, f);
}

static void write_text(StrBuf *sb, const Finding **fs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        put_line(sb, fs[i]);
        sb_putc(sb, '\n');
    }
}

/* ---- JSON -------------------------------------------------------------- */

static void json_str(StrBuf *sb, StrBuf *tmp, const char *s) {
    sb_json_string(sb, utf8_clean(tmp, s));
}

/* before as it is, then s as a JSON string: a member or an item. */
static void json_after(StrBuf *sb, StrBuf *tmp, const char *before, const char *s) {
    sb_puts(sb, before);
    json_str(sb, tmp, s);
}

static void count(const Finding **fs, size_t n, size_t counts[3]) {
    counts[SEV_NOTE] = counts[SEV_WARNING] = counts[SEV_ERROR] = 0;
    for (size_t i = 0; i < n; i++)
        counts[fs[i]->severity]++;
}

static void write_json(StrBuf *sb, const Finding **fs, size_t n) {
    StrBuf tmp;
    sb_init(&tmp);
    sb_puts(sb, "{\n  \"version\": 1,\n  \"findings\": [");
    for (size_t i = 0; i < n; i++) {
        const Finding *f = fs[i];
        json_after(sb, &tmp, i ? ",\n    {\"path\": " : "\n    {\"path\": ", f->loc.path);
        sb_printf(sb, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"rule\": ",
                  f->loc.line > 0 ? f->loc.line : 0, f->loc.col > 0 ? f->loc.col : 0,
                  severity_name(f->severity));
        json_str(sb, &tmp, f->rule);
        json_after(sb, &tmp, ", \"message\": ", f->message);
        json_after(sb, &tmp, ", \"record\": ", f->record);
        sb_putc(sb, '}');
    }
    size_t counts[3];
    count(fs, n, counts);
    sb_printf(sb, "%s],\n  \"summary\": {\"error\": %zu, \"warning\": %zu, \"note\": %zu}\n}\n",
              n ? "\n  " : "", counts[SEV_ERROR], counts[SEV_WARNING], counts[SEV_NOTE]);
    sb_free(&tmp);
}

/* ---- SARIF 2.1.0 ------------------------------------------------------- */

/* Appends s percent-encoded for a URI path: unreserved characters and "/"
 * stay, every other byte becomes %XX. */
static void uri_path(StrBuf *sb, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            sb_putc(sb, (char)c);
        } else {
            sb_putc(sb, '%');
            sb_putc(sb, hex[c >> 4]);
            sb_putc(sb, hex[c & 15]);
        }
    }
}

/* Where SARIF paths start. A relative root is kept as a prefix of every
 * path (relative to the working directory, the repository root in CI, so
 * code scanning finds the file); an absolute root becomes SRCROOT itself. */
typedef struct SarifBase {
    StrBuf prefix;   /* "examples/pump/" or "" */
    StrBuf root_uri; /* "file:///abs/root/" or "" */
} SarifBase;

static void sarif_base(SarifBase *b, const char *root, const char *repo_prefix) {
    sb_init(&b->prefix);
    sb_init(&b->root_uri);
    sb_puts(&b->prefix, "");
    sb_puts(&b->root_uri, "");
    if (repo_prefix) {
        uri_path(&b->prefix, repo_prefix, strlen(repo_prefix));
        return;
    }
    if (!root) return;
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    if (root[0] == '/') {
        sb_puts(&b->root_uri, "file://");
        uri_path(&b->root_uri, root, n);
        if (n > 1) sb_putc(&b->root_uri, '/');
        return;
    }
    while (n >= 2 && root[0] == '.' && root[1] == '/') {
        root += 2;
        n -= 2;
        while (n && root[0] == '/')
            root++, n--;
    }
    if (n == 0 || (n == 1 && root[0] == '.')) return;
    uri_path(&b->prefix, root, n);
    sb_putc(&b->prefix, '/');
}

static void sarif_location(StrBuf *sb, const SarifBase *b, const Finding *f) {
    sb_puts(
        sb,
        ",\n          \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"");
    if (f->loc.path[0] == '/') {
        sb_puts(sb, "file://");
        uri_path(sb, f->loc.path, strlen(f->loc.path));
        sb_puts(sb, "\"}");
    } else {
        sb_puts(sb, b->prefix.data);
        uri_path(sb, f->loc.path, strlen(f->loc.path));
        sb_puts(sb, "\", \"uriBaseId\": \"SRCROOT\"}");
    }
    if (f->loc.line > 0) {
        /* the finding is about its line: it ends there */
        sb_printf(sb, ", \"region\": {\"startLine\": %d", f->loc.line);
        if (f->loc.col > 0) sb_printf(sb, ", \"startColumn\": %d", f->loc.col);
        sb_printf(sb, ", \"endLine\": %d}", f->loc.line);
    }
    sb_puts(sb, "}}]");
}

static void write_sarif(StrBuf *sb, const Finding **fs, size_t n, const ReportContext *ctx) {
    StrBuf tmp;
    sb_init(&tmp);
    SarifBase base;
    sarif_base(&base, ctx->root, ctx->repo_prefix);
    size_t left_out = n > SARIF_MAX_RESULTS ? n - SARIF_MAX_RESULTS : 0;
    if (left_out) n = SARIF_MAX_RESULTS;
    sb_puts(sb, "{\n"
                "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                "  \"version\": \"2.1.0\",\n"
                "  \"runs\": [\n"
                "    {\n"
                "      \"tool\": {\n"
                "        \"driver\": {\n"
                "          \"name\": \"dossier\",\n");
    if (ctx->version) {
        json_after(sb, &tmp, "          \"version\": ", ctx->version);
        json_after(sb, &tmp, ",\n          \"semanticVersion\": ", ctx->version);
        sb_puts(sb, ",\n");
    }
    sb_puts(sb, "          \"rules\": [");
    for (size_t i = 0; i < RULE_COUNT; i++) {
        const Rule *r = &rule_table[i];
        json_after(sb, &tmp, i ? ",\n            {\"id\": " : "\n            {\"id\": ", r->id);
        json_after(sb, &tmp, ", \"name\": ", r->id);
        json_after(sb, &tmp, ", \"shortDescription\": {\"text\": ", r->meaning);
        sb_puts(sb, "}, \"fullDescription\": {\"text\": ");
        StrBuf full;
        sb_init(&full);
        sb_printf(&full, "%s Checked in the %s stage; a finding is %s by default.", r->meaning,
                  rule_stage_name(r->stage),
                  severity_name(r->severity) ? severity_name(r->severity) : "");
        json_str(sb, &tmp, full.data);
        sb_reset(&full);
        sb_printf(&full,
                  "%s Each finding names the file, line and column to edit. The rule reference "
                  "(docs/rules.md, or `dossier rules --markdown`) lists every rule; `dossier "
                  "check --fail-on` sets the severity that fails a build.",
                  r->meaning);
        json_after(sb, &tmp, "}, \"help\": {\"text\": ", full.data);
        sb_free(&full);
        sb_printf(sb,
                  "}, \"defaultConfiguration\": {\"level\": \"%s\"}, \"properties\": {\"stage\": "
                  "\"%s\"}}",
                  severity_name(r->severity), rule_stage_name(r->stage));
    }
    sb_puts(sb, "\n          ]\n        }\n      },\n      \"originalUriBaseIds\": {\n        "
                "\"SRCROOT\": ");
    if (base.root_uri.len) {
        json_after(sb, &tmp, "{\"uri\": ", base.root_uri.data);
        sb_puts(sb, "}");
    } else {
        sb_puts(sb, "{\"description\": {\"text\": \"The folder dossier ran in (the repository root "
                    "in CI); paths "
                    "name the dossier folder as given, then the file.\"}}");
    }
    sb_puts(sb, "\n      },\n      \"results\": [");
    for (size_t i = 0; i < n; i++) {
        const Finding *f = fs[i];
        const Rule *r = rule_find(f->rule);
        json_after(sb, &tmp,
                   i ? ",\n        {\n          \"ruleId\": "
                     : "\n        {\n          \"ruleId\": ",
                   f->rule);
        if (r) sb_printf(sb, ",\n          \"ruleIndex\": %zu", (size_t)(r - rule_table));
        sb_printf(sb, ",\n          \"level\": \"%s\",\n          \"message\": {\"text\": ",
                  severity_name(f->severity));
        json_str(sb, &tmp, f->message);
        sb_putc(sb, '}');
        if (f->loc.path && f->loc.path[0]) sarif_location(sb, &base, f);
        if (f->record) {
            json_after(sb, &tmp, ",\n          \"properties\": {\"record\": ", f->record);
            sb_putc(sb, '}');
        }
        sb_puts(sb, "\n        }");
    }
    sb_puts(sb, n ? "\n      ]" : "]");
    if (left_out)
        sb_printf(
            sb,
            ",\n      \"properties\": {\"resultsLeftOut\": %zu, \"why\": \"a run carries at "
            "most %d results (the code-scanning limit); the JSON and text formats have all\"}",
            left_out, SARIF_MAX_RESULTS);
    sb_puts(sb, "\n    }\n  ]\n}\n");
    sb_free(&base.prefix);
    sb_free(&base.root_uri);
    sb_free(&tmp);
}

/* ---- JUnit XML ----------------------------------------------------------- */

/* Appends s escaped for an XML attribute value: line breaks and tabs as
 * character references, since parsers turn raw ones into spaces. */
static void xml_attr(StrBuf *sb, StrBuf *tmp, const char *s) {
    s = utf8_clean(tmp, s);
    size_t start = 0, i = 0;
    for (; s[i]; i++) {
        if (s[i] != '\n' && s[i] != '\r' && s[i] != '\t') continue;
        sb_escape_xml(sb, s + start, i - start);
        sb_printf(sb, "&#%d;", s[i]);
        start = i + 1;
    }
    sb_escape_xml(sb, s + start, i - start);
}

static void xml_text(StrBuf *sb, StrBuf *tmp, const char *s) {
    s = utf8_clean(tmp, s);
    sb_escape_xml(sb, s, strlen(s));
}

/* Findings grouped by rule: table order, then rules missing from the table
 * by name; within a rule, the output order. */
static int rule_order(const Finding *f) {
    const Rule *r = rule_find(f->rule);
    return r ? (int)(r - rule_table) : (int)RULE_COUNT;
}

static int by_rule_cmp(const void *pa, const void *pb) {
    const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
    int ra = rule_order(a), rb = rule_order(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    int c = strcmp(a->rule, b->rule);
    return c ? c : finding_cmp(pa, pb);
}

static void junit_case(StrBuf *sb, StrBuf *tmp, StrBuf *line, const Finding *f) {
    sb_reset(line);
    put_where(line, f);
    sb_puts(line, ": ");
    put_message(line, f);
    sb_puts(sb, "    <testcase name=\"");
    xml_attr(sb, tmp, line->data);
    sb_puts(sb, "\" classname=\"dossier.");
    xml_attr(sb, tmp, f->rule);
    sb_puts(sb, "\" time=\"0\">\n");
    static const char *const element[] = {
        [SEV_NOTE] = "system-out", [SEV_WARNING] = "skipped", [SEV_ERROR] = "failure"};
    const char *el = element[f->severity];
    sb_printf(sb, "      <%s", el);
    if (f->severity != SEV_NOTE) {
        sb_puts(sb, " message=\"");
        xml_attr(sb, tmp, f->message);
        sb_printf(sb, "\" type=\"%s\"", severity_name(f->severity));
    }
    sb_putc(sb, '>');
    sb_reset(line);
    put_line(line, f);
    xml_text(sb, tmp, line->data);
    sb_printf(sb, "</%s>\n    </testcase>\n", el);
}

static void junit_suite(StrBuf *sb, StrBuf *tmp, StrBuf *line, const char *rule, const Finding **fs,
                        size_t n) {
    size_t counts[3];
    count(fs, n, counts);
    sb_puts(sb, "  <testsuite name=\"");
    xml_attr(sb, tmp, rule);
    sb_printf(sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\">\n",
              n ? n : 1, counts[SEV_ERROR], counts[SEV_WARNING]);
    if (n == 0) {
        sb_puts(sb, "    <testcase name=\"no findings\" classname=\"dossier.");
        xml_attr(sb, tmp, rule);
        sb_puts(sb, "\" time=\"0\"/>\n");
    }
    for (size_t i = 0; i < n; i++)
        junit_case(sb, tmp, line, fs[i]);
    sb_puts(sb, "  </testsuite>\n");
}

static void write_junit(StrBuf *sb, const Finding **fs, size_t n) {
    StrBuf tmp, line;
    sb_init(&tmp);
    sb_init(&line);
    qsort(fs, n, sizeof *fs, by_rule_cmp);
    size_t tests = 0, counts[3];
    count(fs, n, counts);
    size_t next = 0;
    for (size_t r = 0; r < RULE_COUNT; r++) {
        size_t k = next;
        while (k < n && rule_order(fs[k]) == (int)r)
            k++;
        tests += k > next ? k - next : 1;
        next = k;
    }
    tests += n - next;
    sb_printf(
        sb,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"dossier\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"0\">\n",
        tests, counts[SEV_ERROR]);
    next = 0;
    for (size_t r = 0; r < RULE_COUNT; r++) {
        size_t k = next;
        while (k < n && rule_order(fs[k]) == (int)r)
            k++;
        junit_suite(sb, &tmp, &line, rule_table[r].id, fs + next, k - next);
        next = k;
    }
    while (next < n) {
        size_t k = next;
        while (k < n && strcmp(fs[k]->rule, fs[next]->rule) == 0)
            k++;
        junit_suite(sb, &tmp, &line, fs[next]->rule, fs + next, k - next);
        next = k;
    }
    sb_puts(sb, "</testsuites>\n");
    sb_free(&tmp);
    sb_free(&line);
}

void report_write(StrBuf *sb, const Diag *d, ReportFormat f, const char *root, Severity min) {
    ReportContext ctx = {root, NULL, NULL};
    report_write_for(sb, d, f, &ctx, min);
}

void report_write_for(StrBuf *sb, const Diag *d, ReportFormat f, const ReportContext *ctx,
                      Severity min) {
    size_t n;
    const Finding **fs = shown(d, min, &n);
    switch (f) {
    case REPORT_TEXT:
        write_text(sb, fs, n);
        break;
    case REPORT_JSON:
        write_json(sb, fs, n);
        break;
    case REPORT_SARIF:
        write_sarif(sb, fs, n, ctx);
        break;
    case REPORT_JUNIT:
        write_junit(sb, fs, n);
        break;
    }
    free(fs);
}
