/* spdx.c: SPDX 2.x SBOMs (2.3 and the 2.0 to 2.2 documents that share its
 * shape), as JSON and as tag-value. Tag-value lines are first turned into
 * the values the JSON form gives, so one reader serves both: packages as
 * components (the described package is the subject), creators and creation
 * time as the NTIA author and timestamp, relationships as the dependency
 * graph, validUntilDate as the end of support. Part of load/. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "standard.h"

/* Relationship types that put one package inside or under another; the
 * second group reads from the dependency to the dependent. */
static const char *const forward[] = {"DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK",
                                      "HAS_PREREQUISITE"};
static const char *const backward[] = {
    "DEPENDENCY_OF",          "CONTAINED_BY",       "RUNTIME_DEPENDENCY_OF",
    "BUILD_DEPENDENCY_OF",    "DEV_DEPENDENCY_OF",  "OPTIONAL_DEPENDENCY_OF",
    "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "PREREQUISITE_FOR"};

static int direction(const char *type) {
    for (size_t i = 0; i < sizeof forward / sizeof forward[0]; i++)
        if (strcmp(type, forward[i]) == 0) return 1;
    for (size_t i = 0; i < sizeof backward / sizeof backward[0]; i++)
        if (strcmp(type, backward[i]) == 0) return -1;
    return 0;
}

/* "Organization: ACME Inc. (info@acme.example)" -> "ACME Inc."; NULL for
 * NOASSERTION or nothing. */
static const char *entity(Standard *s, const char *text) {
    if (!text || strcmp(text, "NOASSERTION") == 0 || strcmp(text, "NONE") == 0) return NULL;
    const char *colon = strchr(text, ':');
    if (colon && (strncmp(text, "Organization", 12) == 0 || strncmp(text, "Person", 6) == 0 ||
                  strncmp(text, "Tool", 4) == 0))
        text = colon + 1;
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    const char *paren = strrchr(text, '(');
    if (paren && paren > text && text[n - 1] == ')') n = (size_t)(paren - text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    return n ? arena_strndup(std_arena(s), text, n) : NULL;
}

static bool license_given(const char *text) {
    return text && strcmp(text, "NOASSERTION") != 0 && strcmp(text, "NONE") != 0;
}

static bool in_list(const char *const *items, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], s) == 0) return true;
    return false;
}

static void read_package(Standard *s, const char *rel, StdSbom *b, const Value *p) {
    StdComponent *c = std_component_add(s, b, p->loc);
    Value *f = c->fields;
    const char *ref = std_get(p, "SPDXID");
    if (ref) c->bom_ref = arena_strdup(std_arena(s), ref);
    static const char *const direct[][2] = {{"name", "name"}, {"versionInfo", "version"}};
    for (size_t i = 0; i < 2; i++) {
        const Value *v = value_get(p, direct[i][0]);
        if (v) std_field(s, f, direct[i][1], std_str(v), v->loc);
    }
    static const char *const suppliers[] = {"supplier", "originator"};
    for (size_t i = 0; i < 2; i++) {
        const Value *v = value_get(p, suppliers[i]);
        if (v) std_field(s, f, "supplier", entity(s, std_str(v)), v->loc);
    }
    const Value *purpose = value_get(p, "primaryPackagePurpose");
    if (std_str(purpose)) {
        char *kind = arena_strdup(std_arena(s), purpose->text);
        for (char *q = kind; *q; q++)
            *q = *q == '_' ? '-' : (char)tolower((unsigned char)*q);
        std_field(s, f, "kind", kind, purpose->loc);
    }
    size_t n;
    const Value *const *items = std_items(value_get(p, "externalRefs"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *type = std_get(items[i], "referenceType"),
                   *locator = std_get(items[i], "referenceLocator");
        if (!type || !locator) continue;
        if (strcmp(type, "purl") == 0 && !value_get(f, "purl"))
            std_field(s, f, "purl", locator, items[i]->loc);
        else if ((strcmp(type, "cpe23Type") == 0 || strcmp(type, "cpe22Type") == 0) &&
                 !value_get(f, "cpe"))
            std_field(s, f, "cpe", locator, items[i]->loc);
        else if (strcmp(type, "swid") == 0 || strcmp(type, "gitoid") == 0 ||
                 strcmp(type, "swh") == 0 || strcmp(type, "cpe23Type") == 0 ||
                 strcmp(type, "cpe22Type") == 0 || strcmp(type, "purl") == 0)
            std_field_push(s, f, "identifiers", locator, items[i]->loc);
    }
    items = std_items(value_get(p, "checksums"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *alg = std_get(items[i], "algorithm"), *hex = std_get(items[i], "checksumValue");
        if (alg && hex)
            std_field_push(s, f, "hashes", arena_printf(std_arena(s), "%s:%s", alg, hex),
                           items[i]->loc);
    }
    static const char *const licenses[] = {"licenseDeclared", "licenseConcluded"};
    for (size_t i = 0; i < 2; i++) {
        const Value *v = value_get(p, licenses[i]);
        if (v && license_given(std_str(v))) std_field_push(s, f, "licenses", v->text, v->loc);
    }
    const Value *until = value_get(p, "validUntilDate");
    if (std_str(until)) {
        char date[11];
        if (std_date(until->text, date)) {
            std_field(s, f, "end_of_support", date, until->loc);
            std_field(s, f, "support_source",
                      arena_printf(std_arena(s), "%s (SPDX validUntilDate)", rel), until->loc);
        } else {
            rule_report(std_diag(s), RULE_SBOM_PROPERTY, until->loc, NULL,
                        "validUntilDate is '%s'; expected an ISO 8601 date (YYYY-MM-DDThh:mm:ssZ)",
                        until->text);
        }
    }
}

static void read_spdx(Standard *s, const char *rel, const Value *doc, const char *format) {
    StdSbom *b = std_sbom_add(s, rel, format, true);
    Arena *a = std_arena(s);
    const Value *info = value_get(doc, "creationInfo");
    const Value *created = value_get(info, "created");
    int64_t secs;
    if (std_str(created) && std_time(created->text, &secs))
        b->timestamp = std_scalar(s, created->loc, created->text);
    else if (created)
        rule_report(std_diag(s), RULE_SBOM_PROPERTY, created->loc, NULL,
                    "created '%s' is not an ISO 8601 date and time; the SBOM has no timestamp (an "
                    "NTIA minimum element)",
                    std_str(created) ? created->text : "");
    /* the author: people and organisations, else the tools */
    StrBuf sb;
    sb_init(&sb);
    size_t n;
    const Value *const *creators = std_items(value_get(info, "creators"), &n);
    SrcLoc author_loc = info ? info->loc : doc->loc;
    for (int pass = 0; pass < 2 && !sb.len; pass++)
        for (size_t i = 0; i < n; i++) {
            const char *text = std_str(creators[i]);
            if (!text || (strncmp(text, "Tool", 4) == 0) != (pass == 1)) continue;
            const char *name = entity(s, text);
            if (!name) continue;
            if (!sb.len) author_loc = creators[i]->loc;
            sb_printf(&sb, "%s%s%s", sb.len ? ", " : "", name, pass ? " (tool)" : "");
        }
    if (sb.len) b->author = std_scalar(s, author_loc, sb.data);
    sb_free(&sb);

    /* the subject: what the document DESCRIBES */
    const char *doc_id = std_get(doc, "SPDXID");
    if (!doc_id) doc_id = "SPDXRef-DOCUMENT";
    size_t nrel;
    const Value *const *rels = std_items(value_get(doc, "relationships"), &nrel);
    size_t ndesc;
    const Value *const *desc = std_items(value_get(doc, "documentDescribes"), &ndesc);
    b->subject_refs = arena_alloc(a, (nrel + ndesc + 1) * sizeof *b->subject_refs);
    for (size_t i = 0; i < ndesc; i++)
        if (std_str(desc[i])) b->subject_refs[b->nsubject_refs++] = arena_strdup(a, desc[i]->text);
    for (size_t i = 0; i < nrel; i++) {
        const char *from = std_get(rels[i], "spdxElementId"),
                   *type = std_get(rels[i], "relationshipType");
        const char *to = std_get(rels[i], "relatedSpdxElement");
        if (!from || !type || !to) continue;
        if (strcmp(type, "DESCRIBES") == 0 && strcmp(from, doc_id) == 0)
            b->subject_refs[b->nsubject_refs++] = arena_strdup(a, to);
        else if (strcmp(type, "DESCRIBED_BY") == 0 && strcmp(to, doc_id) == 0)
            b->subject_refs[b->nsubject_refs++] = arena_strdup(a, from);
    }

    size_t npkg;
    const Value *const *packages = std_items(value_get(doc, "packages"), &npkg);
    b->subject_names = arena_alloc(a, (2 * npkg + 1) * sizeof *b->subject_names);
    const char **known = xmalloc((npkg + 1) * sizeof *known);
    size_t nknown = 0;
    for (size_t i = 0; i < npkg; i++) {
        if (packages[i]->kind != VAL_MAP) continue;
        const char *id = std_get(packages[i], "SPDXID");
        if (id) known[nknown++] = id;
        if (id && in_list(b->subject_refs, b->nsubject_refs, id)) {
            const char *name = std_get(packages[i], "name"),
                       *version = std_get(packages[i], "versionInfo");
            if (name) b->subject_names[b->nsubject_names++] = arena_strdup(a, name);
            if (name && version)
                b->subject_names[b->nsubject_names++] = arena_printf(a, "%s %s", name, version);
            continue;
        }
        read_package(s, rel, b, packages[i]);
    }
    /* files and snippets take part in relationships the graph leaves out */
    static const char *const others[] = {"files", "snippets"};
    size_t nother = 0;
    for (size_t k = 0; k < 2; k++) {
        size_t m;
        std_items(value_get(doc, others[k]), &m);
        nother += m;
    }
    const char **elements = xmalloc((nother + 1) * sizeof *elements);
    size_t nelements = 0;
    for (size_t k = 0; k < 2; k++) {
        size_t m;
        const Value *const *items = std_items(value_get(doc, others[k]), &m);
        for (size_t i = 0; i < m; i++)
            if (std_get(items[i], "SPDXID")) elements[nelements++] = std_get(items[i], "SPDXID");
    }
    size_t unknown = 0;
    for (size_t i = 0; i < nrel; i++) {
        const char *from = std_get(rels[i], "spdxElementId"),
                   *type = std_get(rels[i], "relationshipType");
        const char *to = std_get(rels[i], "relatedSpdxElement");
        if (!from || !type || !to) continue;
        int dir = direction(type);
        if (!dir) continue;
        const char *ends[2] = {from, to};
        bool package_ends = true;
        for (int e = 0; e < 2; e++) {
            if (in_list(known, nknown, ends[e])) continue;
            package_ends = false;
            if (strcmp(ends[e], doc_id) == 0 || strncmp(ends[e], "DocumentRef-", 12) == 0 ||
                in_list(elements, nelements, ends[e]) || strcmp(ends[e], "NOASSERTION") == 0 ||
                strcmp(ends[e], "NONE") == 0)
                continue;
            if (unknown++ < 10)
                rule_report(
                    std_diag(s), RULE_SBOM_REFERENCE, rels[i]->loc, NULL,
                    "the relationship %s %s %s names '%s', which the document does not define",
                    from, type, to, ends[e]);
        }
        b->has_graph = true;
        if (!package_ends) continue;
        if (dir > 0)
            std_dependency_add(b, arena_strdup(a, from), arena_strdup(a, to), rels[i]->loc);
        else
            std_dependency_add(b, arena_strdup(a, to), arena_strdup(a, from), rels[i]->loc);
    }
    free(known);
    free(elements);
}

static bool spdx2_version(const char *v) {
    return v && strncmp(v, "SPDX-2.", 7) == 0 && v[7] >= '0' && v[7] <= '3' && v[8] == 0;
}

void spdx_json(Standard *s, const char *rel, const Value *root) {
    const Value *version = value_get(root, "spdxVersion");
    if (!spdx2_version(std_str(version))) {
        rule_report(std_diag(s), RULE_SBOM_FORMAT, version->loc, NULL,
                    "spdxVersion '%s' is not one the tool reads (SPDX-2.0 to SPDX-2.3)",
                    std_str(version) ? version->text : "");
        return;
    }
    read_spdx(s, rel, root, arena_printf(std_arena(s), "%s JSON", version->text));
}

/* ---- tag-value ------------------------------------------------------------------ */

typedef struct TagValue {
    Arena *a;
    const char *path;
    Value *doc, *info, *creators, *packages, *files, *snippets, *relationships;
    Value *current; /* the package, file or snippet the tags belong to; doc at first */
} TagValue;

static Value *tv_list(TagValue *t, Value *map, const char *key, SrcLoc loc) {
    Value *list = (Value *)value_get(map, key);
    if (!list) {
        list = value_new(t->a, VAL_LIST, loc);
        value_push(t->a, map, key, loc, list);
    }
    return list;
}

static Value *tv_new(TagValue *t, Value *list, SrcLoc loc) {
    Value *item = value_new(t->a, VAL_MAP, loc);
    value_push(t->a, list, NULL, loc, item);
    return item;
}

static void tv_set(TagValue *t, Value *map, const char *key, const char *text, SrcLoc loc) {
    if (!value_get(map, key))
        value_push(t->a, map, key, loc, value_scalar(t->a, loc, text, strlen(text)));
}

/* Splits "A B C" into up to n words (the last takes the rest). */
static size_t words(char *text, char **out, size_t n) {
    size_t k = 0;
    while (*text && k < n) {
        while (isspace((unsigned char)*text))
            text++;
        if (!*text) break;
        out[k++] = text;
        if (k == n) break;
        while (*text && !isspace((unsigned char)*text))
            text++;
        if (*text) *text++ = 0;
    }
    return k;
}

static void tv_tag(TagValue *t, const char *tag, char *value, SrcLoc loc) {
    Value *cur = t->current;
    bool in_package = cur != t->doc && value_get(cur, "name") && !value_get(cur, "fileName");
    if (strcmp(tag, "SPDXVersion") == 0) {
        tv_set(t, t->doc, "spdxVersion", value, loc);
    } else if (strcmp(tag, "Creator") == 0) {
        value_push(t->a, t->creators, NULL, loc, value_scalar(t->a, loc, value, strlen(value)));
    } else if (strcmp(tag, "Created") == 0) {
        tv_set(t, t->info, "created", value, loc);
    } else if (strcmp(tag, "PackageName") == 0) {
        t->current = tv_new(t, t->packages, loc);
        tv_set(t, t->current, "name", value, loc);
    } else if (strcmp(tag, "FileName") == 0) {
        t->current = tv_new(t, t->files, loc);
        tv_set(t, t->current, "fileName", value, loc);
    } else if (strcmp(tag, "SnippetSPDXID") == 0) {
        t->current = tv_new(t, t->snippets, loc);
        tv_set(t, t->current, "SPDXID", value, loc);
    } else if (strcmp(tag, "LicenseID") == 0) {
        t->current = value_new(t->a, VAL_MAP, loc); /* extracted licensing info: not needed */
    } else if (strcmp(tag, "SPDXID") == 0) {
        tv_set(t, cur, "SPDXID", value, loc);
    } else if (strcmp(tag, "Relationship") == 0) {
        char *w[3];
        if (words(value, w, 3) == 3) {
            Value *r = tv_new(t, t->relationships, loc);
            tv_set(t, r, "spdxElementId", w[0], loc);
            tv_set(t, r, "relationshipType", w[1], loc);
            tv_set(t, r, "relatedSpdxElement", w[2], loc);
        }
    } else if (in_package) {
        static const char *const direct[][2] = {
            {"PackageVersion", "versionInfo"},
            {"PackageSupplier", "supplier"},
            {"PackageOriginator", "originator"},
            {"PackageLicenseConcluded", "licenseConcluded"},
            {"PackageLicenseDeclared", "licenseDeclared"},
            {"PrimaryPackagePurpose", "primaryPackagePurpose"},
            {"ValidUntilDate", "validUntilDate"},
        };
        for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++)
            if (strcmp(tag, direct[i][0]) == 0) tv_set(t, cur, direct[i][1], value, loc);
        if (strcmp(tag, "ExternalRef") == 0) {
            char *w[3];
            if (words(value, w, 3) == 3) {
                Value *r = tv_new(t, tv_list(t, cur, "externalRefs", loc), loc);
                tv_set(t, r, "referenceCategory", w[0], loc);
                tv_set(t, r, "referenceType", w[1], loc);
                tv_set(t, r, "referenceLocator", w[2], loc);
            }
        } else if (strcmp(tag, "PackageChecksum") == 0) {
            char *colon = strchr(value, ':');
            if (colon) {
                *colon = 0;
                char *hex = colon + 1;
                while (isspace((unsigned char)*hex))
                    hex++;
                Value *c = tv_new(t, tv_list(t, cur, "checksums", loc), loc);
                tv_set(t, c, "algorithm", value, loc);
                tv_set(t, c, "checksumValue", hex, loc);
            }
        }
    }
}

void spdx_tag_value(Standard *s, const char *rel, const char *text, size_t len) {
    Arena scratch;
    arena_init(&scratch);
    SrcLoc top = {rel, 1, 0};
    TagValue t = {&scratch, rel, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    t.doc = value_new(&scratch, VAL_MAP, top);
    t.info = value_new(&scratch, VAL_MAP, top);
    value_push(&scratch, t.doc, "creationInfo", top, t.info);
    t.creators = tv_list(&t, t.info, "creators", top);
    t.packages = tv_list(&t, t.doc, "packages", top);
    t.files = tv_list(&t, t.doc, "files", top);
    t.snippets = tv_list(&t, t.doc, "snippets", top);
    t.relationships = tv_list(&t, t.doc, "relationships", top);
    t.current = t.doc;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    const char *end = text + len;
    int line = 0, bad = 0;
    StrBuf value;
    sb_init(&value);
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        SrcLoc loc = {rel, line, 1};
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r') n--;
        const char *colon = memchr(p, ':', n);
        size_t lead = 0;
        while (lead < n && isspace((unsigned char)p[lead]))
            lead++;
        if (lead == n || p[lead] == '#') {
            p = nl ? nl + 1 : end;
            continue;
        }
        if (!colon || colon == p) {
            if (bad++ < 10)
                rule_report(std_diag(s), RULE_SBOM_FORMAT, loc, NULL,
                            "expected a 'Tag: value' line of SPDX tag-value, found '%.*s'",
                            (int)(n > 60 ? 60 : n), p);
            p = nl ? nl + 1 : end;
            continue;
        }
        char *tag = arena_strndup(&scratch, p, (size_t)(colon - p));
        const char *v = colon + 1;
        while (v < p + n && isspace((unsigned char)*v))
            v++;
        sb_reset(&value);
        const char *next = nl ? nl + 1 : end;
        if ((size_t)(p + n - v) >= 6 && memcmp(v, "<text>", 6) == 0) {
            /* a value in <text>...</text>, possibly over several lines */
            const char *body = v + 6;
            const char *close = NULL;
            for (const char *q = body; q + 7 <= end; q++)
                if (memcmp(q, "</text>", 7) == 0) {
                    close = q;
                    break;
                }
            if (!close) {
                rule_report(std_diag(s), RULE_SBOM_FORMAT, loc, NULL,
                            "<text> is not closed by </text> before the end of the file");
                break;
            }
            sb_append(&value, body, (size_t)(close - body));
            for (const char *q = p; q < close; q++)
                if (*q == '\n') line++;
            const char *after = memchr(close, '\n', (size_t)(end - close));
            next = after ? after + 1 : end;
        } else {
            sb_append(&value, v, (size_t)(p + n - v));
            while (value.len && isspace((unsigned char)value.data[value.len - 1]))
                value.data[--value.len] = 0;
        }
        sb_puts(&value, ""); /* data is never NULL */
        tv_tag(&t, tag, value.data, loc);
        p = next;
    }
    sb_free(&value);
    const Value *version = value_get(t.doc, "spdxVersion");
    if (!version) {
        rule_report(std_diag(s), RULE_SBOM_FORMAT, top, NULL,
                    "not SPDX tag-value: no 'SPDXVersion:' line (expected SPDX-2.0 to SPDX-2.3)");
    } else if (!spdx2_version(std_str(version))) {
        rule_report(std_diag(s), RULE_SBOM_FORMAT, version->loc, NULL,
                    "SPDXVersion '%s' is not one the tool reads (SPDX-2.0 to SPDX-2.3)",
                    version->text);
    } else {
        read_spdx(s, rel, t.doc, arena_printf(std_arena(s), "%s tag-value", version->text));
    }
    arena_free(&scratch);
}
