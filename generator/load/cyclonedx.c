/* cyclonedx.c: CycloneDX BOMs, 1.2 to 1.7, as JSON and as XML (version from
 * the namespace). The XML form is first turned into the values the JSON
 * form gives (attributes and child elements become keys, wrapper elements
 * lists), so one reader serves both: components with the NTIA elements and
 * the support properties, the subject, the dependency graph, and the
 * vulnerabilities as VEX statements. Part of load/. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

static const char *const known_versions[] = {"1.2", "1.3", "1.4", "1.5", "1.6", "1.7"};

static bool known_version(const char *v) {
    for (size_t i = 0; i < sizeof known_versions / sizeof known_versions[0]; i++)
        if (v && strcmp(v, known_versions[i]) == 0) return true;
    return false;
}

/* ---- support data from the property taxonomy ------------------------------ */

/* The FDA's level of support in the words cdx:fda:level-of-support allows. */
static const char *support_level(const char *text) {
    static const struct {
        const char *written, *level;
    } levels[] = {
        {"actively maintained", "actively-maintained"},
        {"actively-maintained", "actively-maintained"},
        {"active", "actively-maintained"},
        {"maintained", "actively-maintained"},
        {"no longer maintained", "no-longer-maintained"},
        {"no-longer-maintained", "no-longer-maintained"},
        {"abandoned", "abandoned"},
        {"unknown", "unknown"},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcasecmp(text, levels[i].written) == 0) return levels[i].level;
    return NULL;
}

/* cdx:fda:update-or-replace-plan as the component's eos_plan. The text is
 * free; "replace: ...", "mitigate: ..." or "notify-customers: ..." name the
 * action (what dossier itself writes, with " (due YYYY-MM-DD)" at the end),
 * and without one the action is the property's own: replace. */
static void read_plan(Standard *s, StdComponent *c, const Value *plan) {
    if (value_get(c->fields, "eos_plan")) return;
    Arena *a = std_arena(s);
    static const char *const actions[] = {"replace", "mitigate", "notify-customers"};
    const char *text = plan->text, *action = "replace";
    while (isspace((unsigned char)*text))
        text++;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        size_t n = strlen(actions[i]);
        if (strncasecmp(text, actions[i], n) == 0 && text[n] == ':') {
            action = actions[i];
            text += n + 1;
            while (isspace((unsigned char)*text))
                text++;
        }
    }
    size_t len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    char due[11] = "";
    /* " (due 2026-06-30)" at the end */
    if (len >= 17 && strncmp(text + len - 17, " (due ", 6) == 0 && text[len - 1] == ')') {
        int64_t days;
        memcpy(due, text + len - 11, 10);
        due[10] = 0;
        if (date_parse(due, &days))
            len -= 17;
        else
            due[0] = 0;
    }
    if (!len) {
        rule_report(std_diag(s), RULE_SBOM_PROPERTY, plan->loc, NULL,
                    "cdx:fda:update-or-replace-plan says only '%s'; expected what is done (and "
                    "optionally 'replace:', 'mitigate:' or 'notify-customers:' before it)",
                    plan->text);
        return;
    }
    Value *entry = value_new(a, VAL_MAP, plan->loc);
    value_push(a, entry, "action", plan->loc, std_scalar(s, plan->loc, action));
    value_push(a, entry, "detail", plan->loc, value_scalar(a, plan->loc, text, len));
    if (due[0]) value_push(a, entry, "due", plan->loc, std_scalar(s, plan->loc, due));
    value_push(a, c->fields, "eos_plan", plan->loc, entry);
}

static void source_add(StrBuf *source, const char *property) {
    if (source->len) sb_puts(source, ", ");
    sb_puts(source, property);
}

/* Reads the component's support properties into its fields. */
static void support_properties(Standard *s, const char *rel, StdComponent *c,
                               const Value *properties) {
    const Value *level = NULL, *eos_fda = NULL, *eos_lifecycle = NULL, *why = NULL, *plan = NULL;
    const char *why_of = NULL;
    size_t n;
    const Value *const *items = std_items(properties, &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = std_get(items[i], "name");
        const Value *value = value_get(items[i], "value");
        if (!name) continue;
        if (strcmp(name, "cdx:fda:level-of-support") == 0)
            level = value ? value : items[i];
        else if (strcmp(name, "cdx:fda:end-of-support-date") == 0)
            eos_fda = value ? value : items[i];
        else if (strcmp(name, "cdx:lifecycle:milestone:endOfSupport") == 0)
            eos_lifecycle = value ? value : items[i];
        else if (strcmp(name, "cdx:fda:update-or-replace-plan") == 0)
            plan = value ? value : items[i];
        else if (strcmp(name, "cdx:fda:justification") == 0 && std_str(value)) {
            /* "<property-name>: <reason>", one per property that cannot be answered */
            const char *colon = strstr(value->text, ": ");
            if (!colon) continue;
            size_t k = (size_t)(colon - value->text);
            const char *prop = value->text;
            if (k > 8 && strncmp(prop, "cdx:fda:", 8) == 0) prop += 8, k -= 8;
            if ((k == 16 && strncmp(prop, "level-of-support", k) == 0) ||
                (k == 19 && strncmp(prop, "end-of-support-date", k) == 0)) {
                why = value;
                why_of = k == 16 ? "support" : "end_of_support";
            }
        }
    }
    StrBuf source;
    sb_init(&source);
    if (level) {
        const char *text = std_str(level);
        const char *mapped = text ? support_level(text) : NULL;
        if (mapped) {
            std_field(s, c->fields, "support", mapped, level->loc);
            source_add(&source, "cdx:fda:level-of-support");
        } else {
            rule_report(std_diag(s), RULE_SBOM_PROPERTY, level->loc, NULL,
                        "cdx:fda:level-of-support is '%s'; expected actively maintained, no longer "
                        "maintained, abandoned or unknown",
                        text ? text : "");
        }
    }
    const Value *eos = eos_fda ? eos_fda : eos_lifecycle;
    if (eos) {
        const char *text = std_str(eos);
        char date[11];
        const char *prop =
            eos == eos_fda ? "cdx:fda:end-of-support-date" : "cdx:lifecycle:milestone:endOfSupport";
        if (text && std_date(text, date)) {
            std_field(s, c->fields, "end_of_support", date, eos->loc);
            source_add(&source, prop);
        } else if (text && strcasecmp(text, "unknown") == 0) {
            std_field(s, c->fields, "end_of_support", "unknown", eos->loc);
            source_add(&source, prop);
        } else {
            rule_report(std_diag(s), RULE_SBOM_PROPERTY, eos->loc, NULL,
                        "%s is '%s'; expected an ISO 8601 date (YYYY-MM-DD)", prop,
                        text ? text : "");
        }
    }
    if (why) {
        const char *reason = strstr(why->text, ": ") + 2;
        std_field(s, c->fields, why_of, "unknown", why->loc);
        std_field(s, c->fields, "support_reason", reason, why->loc);
        source_add(&source, "cdx:fda:justification");
    }
    if (plan && std_str(plan)) read_plan(s, c, plan);
    if (source.len) {
        /* "sbom/x.cdx.xml (cdx:fda:level-of-support, ...)" */
        SrcLoc loc = (level ? level : eos ? eos : why)->loc;
        StrBuf text;
        sb_init(&text);
        sb_puts(&text, rel);
        sb_puts(&text, " (");
        sb_append(&text, source.data, source.len);
        sb_putc(&text, ')');
        std_field(s, c->fields, "support_source", text.data, loc);
        sb_free(&text);
    }
    sb_free(&source);
}

/* ---- the reader, over JSON-shaped values ------------------------------------- */

/* The name of an organizational entity (supplier, manufacturer), or NULL. */
static const char *entity_name(const Value *v) {
    if (!v) return NULL;
    if (v->kind == VAL_SCALAR) return std_str(v);
    return std_get(v, "name");
}

static void read_component(Standard *s, const char *rel, StdSbom *b, const Value *c) {
    if (c->kind != VAL_MAP) return;
    StdComponent *sc = std_component_add(s, b, c->loc);
    Value *f = sc->fields;
    const char *ref = std_get(c, "bom-ref");
    if (ref)
        sc->bom_ref = arena_strdup(std_arena(s), ref);
    else if (value_get(c, "bom-ref"))
        rule_report(std_diag(s), RULE_SBOM_REFERENCE, value_get(c, "bom-ref")->loc, NULL,
                    "an empty bom-ref: nothing can refer to this component");
    const char *scope = std_get(c, "scope");
    sc->excluded = scope && strcmp(scope, "excluded") == 0;
    static const char *const direct[][2] = {
        {"name", "name"}, {"version", "version"}, {"group", "group"},
        {"type", "kind"}, {"purl", "purl"},       {"cpe", "cpe"},
    };
    for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++) {
        const Value *v = value_get(c, direct[i][0]);
        if (v) std_field(s, f, direct[i][1], std_str(v), v->loc);
    }
    static const char *const suppliers[] = {"supplier", "manufacturer", "publisher"};
    for (size_t i = 0; i < sizeof suppliers / sizeof suppliers[0]; i++) {
        const Value *v = value_get(c, suppliers[i]);
        if (v) std_field(s, f, "supplier", entity_name(v), v->loc);
    }
    const Value *swid = value_get(c, "swid");
    if (std_get(swid, "tagId"))
        std_field_push(s, f, "identifiers",
                       arena_printf(std_arena(s), "swid:%s", std_get(swid, "tagId")), swid->loc);
    static const char *const ids[] = {"omniborId", "swhid"};
    for (size_t i = 0; i < 2; i++) {
        size_t n;
        const Value *const *items = std_items(value_get(c, ids[i]), &n);
        for (size_t k = 0; k < n; k++)
            std_field_push(s, f, "identifiers", std_str(items[k]), items[k]->loc);
    }
    size_t n;
    const Value *const *items = std_items(value_get(c, "hashes"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *alg = std_get(items[i], "alg"), *content = std_get(items[i], "content");
        if (!content) content = std_get(items[i], "value");
        if (alg && content) {
            size_t na = strlen(alg), nc = strlen(content);
            char *text = arena_alloc(std_arena(s), na + nc + 2);
            memcpy(text, alg, na);
            text[na] = ':';
            memcpy(text + na + 1, content, nc + 1);
            std_field_push(s, f, "hashes", text, items[i]->loc);
        }
    }
    items = std_items(value_get(c, "licenses"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *lic = value_get(items[i], "license");
        const char *text = std_get(items[i], "expression");
        if (!text && lic) text = std_get(lic, "id") ? std_get(lic, "id") : std_get(lic, "name");
        std_field_push(s, f, "licenses", text, items[i]->loc);
    }
    support_properties(s, rel, sc, value_get(c, "properties"));
    items = std_items(value_get(c, "components"), &n);
    for (size_t i = 0; i < n; i++)
        read_component(s, rel, b, items[i]);
}

/* The author of the SBOM data: its authors, else its manufacturer or
 * supplier, else the tools that wrote it. */
static void read_author(Standard *s, StdSbom *b, const Value *metadata) {
    StrBuf sb;
    sb_init(&sb);
    SrcLoc loc = metadata->loc;
    size_t n;
    const Value *const *items = std_items(value_get(metadata, "authors"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = entity_name(items[i]);
        if (!name) continue;
        if (!sb.len) loc = items[i]->loc;
        sb_printf(&sb, "%s%s", sb.len ? ", " : "", name);
    }
    static const char *const entities[] = {"manufacturer", "manufacture", "supplier"};
    for (size_t i = 0; i < 3 && !sb.len; i++) {
        const Value *v = value_get(metadata, entities[i]);
        const char *name = entity_name(v);
        if (name) {
            sb_puts(&sb, name);
            loc = v->loc;
        }
    }
    if (!sb.len) {
        const Value *tools = value_get(metadata, "tools");
        const Value *lists[3] = {tools && tools->kind == VAL_LIST ? tools : NULL,
                                 value_get(tools, "components"), value_get(tools, "services")};
        for (size_t l = 0; l < 3; l++) {
            items = std_items(lists[l], &n);
            for (size_t i = 0; i < n; i++) {
                const char *name = std_get(items[i], "name"),
                           *version = std_get(items[i], "version");
                if (!name) continue;
                if (!sb.len) loc = items[i]->loc;
                sb_printf(&sb, "%s%s%s%s (tool)", sb.len ? ", " : "", name, version ? " " : "",
                          version ? version : "");
            }
        }
    }
    if (sb.len) b->author = std_scalar(s, loc, sb.data);
    sb_free(&sb);
}

static void read_subject(Standard *s, StdSbom *b, const Value *c) {
    if (!c || c->kind != VAL_MAP) return;
    Arena *a = std_arena(s);
    const char *ref = std_get(c, "bom-ref");
    if (ref) {
        b->subject_refs = arena_alloc(a, sizeof *b->subject_refs);
        b->subject_refs[b->nsubject_refs++] = arena_strdup(a, ref);
    }
    const char *name = std_get(c, "name"), *version = std_get(c, "version");
    const char *names[4] = {name, std_get(c, "purl"), std_get(c, "cpe"),
                            name && version ? arena_printf(a, "%s %s", name, version) : NULL};
    b->subject_names = arena_alloc(a, 4 * sizeof *b->subject_names);
    for (size_t i = 0; i < 4; i++)
        if (names[i]) b->subject_names[b->nsubject_names++] = arena_strdup(a, names[i]);
}

static void read_dependencies(Standard *s, StdSbom *b, const Value *deps) {
    b->has_graph = true;
    Arena *a = std_arena(s);
    size_t n;
    const Value *const *items = std_items(deps, &n);
    for (size_t i = 0; i < n; i++) {
        const char *ref = std_get(items[i], "ref");
        if (!ref) {
            rule_report(std_diag(s), RULE_SBOM_REFERENCE, items[i]->loc, NULL,
                        "a dependency without a ref: its relationships are left out");
            continue;
        }
        ref = arena_strdup(a, ref);
        size_t nd;
        const Value *const *on = std_items(value_get(items[i], "dependsOn"), &nd);
        if (nd == 0) std_dependency_add(b, ref, ref, items[i]->loc);
        for (size_t k = 0; k < nd; k++) {
            const char *to = std_str(on[k]);
            if (to) std_dependency_add(b, ref, arena_strdup(a, to), on[k]->loc);
        }
    }
}

static const char *first_of(const Value *v, const char *const *keys, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (std_get(v, keys[i])) return std_get(v, keys[i]);
    return NULL;
}

/* affects[].versions: {version | range, status}; the status defaults to
 * affected (as the CycloneDX schema says). */
static void read_versions(Standard *s, StdProduct *p, const Value *versions) {
    Arena *a = std_arena(s);
    size_t n;
    const Value *const *items = std_items(versions, &n);
    p->versions = arena_alloc(a, (n + 1) * sizeof *p->versions);
    for (size_t i = 0; i < n; i++) {
        const char *version = std_get(items[i], "version"), *range = std_get(items[i], "range");
        const char *status = std_get(items[i], "status");
        if (!version && !range) {
            rule_report(std_diag(s), RULE_VEX_VERSION_RANGE, items[i]->loc, NULL,
                        "an affects version entry without a version or a range is ignored");
            continue;
        }
        if (status && strcmp(status, "affected") != 0 && strcmp(status, "unaffected") != 0 &&
            strcmp(status, "unknown") != 0) {
            rule_report(std_diag(s), RULE_VEX_FORMAT, value_get(items[i], "status")->loc, NULL,
                        "version status '%s' is not affected, unaffected or unknown", status);
            status = "unknown";
        }
        StdVersion *e = &p->versions[p->nversions++];
        e->version = version ? arena_strdup(a, version) : NULL;
        e->range = range && !version ? arena_strdup(a, range) : NULL;
        e->status = status ? arena_strdup(a, status) : "affected";
        e->loc = items[i]->loc;
    }
}

static void read_vulnerability(Standard *s, StdSbom *b, const Value *v, const char *bom_time) {
    Arena *a = std_arena(s);
    StdStatement st = {0};
    st.loc = v->loc;
    st.sbom = b;
    const char *id = std_get(v, "id");
    if (!id) {
        rule_report(std_diag(s), RULE_VEX_FORMAT, v->loc, NULL,
                    "a vulnerability without an id: the statement cannot be attached");
        return;
    }
    st.vulnerability = arena_strdup(a, id);
    size_t n;
    const Value *const *items = std_items(value_get(v, "references"), &n);
    st.aliases = arena_alloc(a, (n + 1) * sizeof *st.aliases);
    for (size_t i = 0; i < n; i++)
        if (std_get(items[i], "id"))
            st.aliases[st.naliases++] = arena_strdup(a, std_get(items[i], "id"));
    items = std_items(value_get(v, "ratings"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *method = std_get(items[i], "method"), *vector = std_get(items[i], "vector");
        bool v3 = method && (strcmp(method, "CVSSv31") == 0 || strcmp(method, "CVSSv3") == 0);
        if (!st.cvss_vector && vector && (v3 || strncmp(vector, "CVSS:3", 6) == 0)) {
            st.cvss_vector =
                strncmp(vector, "CVSS:", 5) == 0
                    ? arena_strdup(a, vector)
                    : arena_printf(a, "CVSS:%s/%s",
                                   method && strcmp(method, "CVSSv3") == 0 ? "3.0" : "3.1", vector);
            if (std_get(items[i], "score"))
                st.cvss_score = arena_strdup(a, std_get(items[i], "score"));
        }
        bool v4 = method && strcmp(method, "CVSSv4") == 0;
        if (!st.cvss4_vector && vector && (v4 || strncmp(vector, "CVSS:4", 6) == 0)) {
            st.cvss4_vector = strncmp(vector, "CVSS:", 5) == 0
                                  ? arena_strdup(a, vector)
                                  : arena_printf(a, "CVSS:4.0/%s", vector);
            if (std_get(items[i], "score"))
                st.cvss4_score = arena_strdup(a, std_get(items[i], "score"));
        }
    }
    items = std_items(value_get(v, "cwes"), &n);
    if (n && std_str(items[0])) st.cwe = arena_printf(a, "CWE-%s", items[0]->text);
    const Value *analysis = value_get(v, "analysis");
    if (analysis) {
        const char *state = std_get(analysis, "state"), *just = std_get(analysis, "justification");
        if (state && !std_cdx_analysis(s, state, just, value_get(analysis, "state")->loc, &st))
            return;
        const char *detail = std_get(analysis, "detail");
        if (detail) st.detail = arena_strdup(a, detail);
        const Value *responses = value_get(analysis, "response");
        if (!responses) responses = value_get(analysis, "responses");
        const Value *const *rs = std_items(responses, &n);
        st.responses = arena_alloc(a, (n + 1) * sizeof *st.responses);
        for (size_t i = 0; i < n; i++)
            if (std_str(rs[i])) st.responses[st.nresponses++] = arena_strdup(a, rs[i]->text);
        static const char *const times[] = {"lastUpdated", "firstIssued"};
        st.timestamp = first_of(analysis, times, 2);
    }
    if (!st.timestamp) {
        static const char *const times[] = {"updated", "published", "created"};
        st.timestamp = first_of(v, times, 3);
    }
    if (!st.timestamp) st.timestamp = bom_time;
    if (st.timestamp) st.timestamp = arena_strdup(a, st.timestamp);
    items = std_items(value_get(v, "affects"), &n);
    st.products = arena_alloc(a, (n + 1) * sizeof *st.products);
    for (size_t i = 0; i < n; i++) {
        const char *ref = std_get(items[i], "ref");
        if (!ref) continue;
        StdProduct *p = &st.products[st.nproducts++];
        p->ref = arena_strdup(a, ref);
        read_versions(s, p, value_get(items[i], "versions"));
    }
    std_statement_add(s, &st);
}

typedef struct XmlConv XmlConv;
static void xml_components(Standard *s, const char *rel, StdSbom *b, const XmlConv *x,
                           const XNode *wrapper);

/* lazy: an XML <components> left out of bom, read one component at a time */
static void read_bom(Standard *s, const char *rel, const Value *bom, const char *format,
                     bool shipped, const XmlConv *x, const XNode *lazy) {
    StdSbom *b = std_sbom_add(s, rel, format, shipped);
    Arena *a = std_arena(s);
    const char *serial = std_get(bom, "serialNumber");
    if (serial)
        b->serial = arena_strdup(a, strncmp(serial, "urn:uuid:", 9) == 0 ? serial + 9 : serial);
    const Value *metadata = value_get(bom, "metadata");
    const char *bom_time = NULL;
    if (metadata) {
        const Value *ts = value_get(metadata, "timestamp");
        int64_t secs;
        if (std_str(ts) && std_time(ts->text, &secs)) {
            b->timestamp = std_scalar(s, ts->loc, ts->text);
            bom_time = b->timestamp->text;
        } else if (ts) {
            rule_report(std_diag(s), RULE_SBOM_PROPERTY, ts->loc, NULL,
                        "metadata.timestamp '%s' is not an ISO 8601 date and time; the SBOM has no "
                        "timestamp (an NTIA minimum element)",
                        std_str(ts) ? ts->text : "");
        }
        read_author(s, b, metadata);
        read_subject(s, b, value_get(metadata, "component"));
    }
    size_t n;
    const Value *const *items = std_items(value_get(bom, "components"), &n);
    for (size_t i = 0; i < n; i++)
        read_component(s, rel, b, items[i]);
    if (lazy) xml_components(s, rel, b, x, lazy);
    if (value_get(bom, "dependencies")) read_dependencies(s, b, value_get(bom, "dependencies"));
    /* an earlier release's SBOM gives components only: its version's VEX is
     * computed from the vulnerability records (check/versions.c) */
    items = b->release ? NULL : std_items(value_get(bom, "vulnerabilities"), &n);
    for (size_t i = 0; items && i < n; i++)
        if (items[i]->kind == VAL_MAP) read_vulnerability(s, b, items[i], bom_time);
    /* bom-refs are unique within a BOM */
    StdIndex seen = {0};
    for (size_t i = 0; i < b->ncomponents; i++) {
        const StdComponent *c = &b->components[i];
        if (!c->bom_ref) continue;
        size_t nfound;
        void *const *found = std_index_get(&seen, c->bom_ref, &nfound);
        if (nfound)
            rule_report(
                std_diag(s), RULE_SBOM_REFERENCE, c->loc, NULL,
                "bom-ref '%s' is used twice (first at line %d); references to it are ambiguous",
                c->bom_ref, ((const StdComponent *)found[0])->loc.line);
        else
            std_index_put(&seen, c->bom_ref, (void *)c);
    }
    std_index_free(&seen);
}

void cyclonedx_json(Standard *s, const char *rel, const Value *root, bool shipped) {
    const char *bom_format = std_get(root, "bomFormat");
    const Value *spec = value_get(root, "specVersion");
    const char *version = std_str(spec);
    const char *rule_text = shipped ? "an SBOM" : "a VEX document";
    if (strcmp(bom_format, "CycloneDX") != 0) {
        if (shipped)
            rule_report(std_diag(s), RULE_SBOM_FORMAT, value_get(root, "bomFormat")->loc, NULL,
                        "bomFormat is '%s'; expected \"CycloneDX\"", bom_format);
        else
            rule_report(std_diag(s), RULE_VEX_FORMAT, value_get(root, "bomFormat")->loc, NULL,
                        "bomFormat is '%s'; expected \"CycloneDX\"", bom_format);
        return;
    }
    if (!known_version(version)) {
        SrcLoc loc = spec ? spec->loc : root->loc;
        if (shipped)
            rule_report(std_diag(s), RULE_SBOM_FORMAT, loc, NULL,
                        "CycloneDX specVersion %s%s%s is not one the tool reads in %s (1.2 to 1.7)",
                        version ? "'" : "", version ? version : "missing", version ? "'" : "",
                        rule_text);
        else
            rule_report(std_diag(s), RULE_VEX_FORMAT, loc, NULL,
                        "CycloneDX specVersion %s%s%s is not one the tool reads in %s (1.2 to 1.7)",
                        version ? "'" : "", version ? version : "missing", version ? "'" : "",
                        rule_text);
        return;
    }
    read_bom(s, rel, root, arena_printf(std_arena(s), "CycloneDX %s JSON", version), shipped, NULL,
             NULL);
}

/* ---- XML into the JSON shape ------------------------------------------------- */

/* Wrapper elements whose children form a JSON array. */
static const struct {
    const char *wrapper, *item;
} xml_lists[] = {
    {"components", "component"},
    {"services", "service"},
    {"hashes", "hash"},
    {"properties", "property"},
    {"tools", "tool"},
    {"authors", "author"},
    {"vulnerabilities", "vulnerability"},
    {"ratings", "rating"},
    {"cwes", "cwe"},
    {"responses", "response"},
    {"affects", "target"},
    {"versions", "version"},
    {"references", "reference"},
    {"advisories", "advisory"},
    {"externalReferences", "reference"},
    {"lifecycles", "lifecycle"},
    {"contact", "contact"},
    {"endpoints", "endpoint"},
};

struct XmlConv {
    Arena *a;
    const char *path;
    const char *ns;
    const XNode *skip; /* an element left out of the conversion, or NULL */
};

static bool cdx_element(const XmlConv *x, const XNode *n) {
    return n->ns == x->ns || (n->ns && x->ns && strcmp(n->ns, x->ns) == 0);
}

static SrcLoc xml_loc(const XmlConv *x, const XNode *n) {
    return (SrcLoc){x->path, n->line, 0};
}

static bool is(const XNode *n, const char *name) {
    return strcmp(n->name, name) == 0;
}

static Value *xml_scalar(const XmlConv *x, const XNode *n) {
    /* the tree's text is trimmed and lives as long as the values: no copy */
    Value *v = value_new(x->a, VAL_SCALAR, xml_loc(x, n));
    v->text = n->text ? n->text : "";
    v->len = n->text ? n->text_len : 0;
    return v;
}

static Value *xml_convert(const XmlConv *x, const XNode *n);

/* <dependency ref="a"><dependency ref="b"/></dependency>, nested at any
 * depth, as the JSON [{"ref": "a", "dependsOn": ["b"]}]. */
static void xml_dependencies(const XmlConv *x, const XNode *n, Value *list) {
    for (const XNode *c = n->children; c; c = c->next) {
        if (!cdx_element(x, c) || !is(c, "dependency")) continue;
        const char *ref = xtree_attr(c, "ref");
        if (!ref) continue;
        SrcLoc loc = xml_loc(x, c);
        Value *entry = value_new(x->a, VAL_MAP, loc);
        value_push(x->a, entry, "ref", loc, value_scalar(x->a, loc, ref, strlen(ref)));
        Value *on = value_new(x->a, VAL_LIST, loc);
        for (const XNode *d = c->children; d; d = d->next) {
            if (!cdx_element(x, d) || !is(d, "dependency")) continue;
            const char *to = xtree_attr(d, "ref");
            if (to) {
                SrcLoc tl = xml_loc(x, d);
                value_push(x->a, on, NULL, tl, value_scalar(x->a, tl, to, strlen(to)));
            }
        }
        value_push(x->a, entry, "dependsOn", loc, on);
        value_push(x->a, list, NULL, loc, entry);
        xml_dependencies(x, c, list);
    }
}

static Value *xml_convert(const XmlConv *x, const XNode *n) {
    SrcLoc loc = xml_loc(x, n);
    const char *name = n->name;
    if (strcmp(name, "dependencies") == 0) {
        Value *list = value_new(x->a, VAL_LIST, loc);
        xml_dependencies(x, n, list);
        return list;
    }
    size_t nchildren = 0;
    bool same = true;
    const char *first = NULL;
    for (const XNode *c = n->children; c; c = c->next) {
        if (!cdx_element(x, c)) continue;
        if (!first)
            first = c->name;
        else if (first != c->name && strcmp(first, c->name) != 0)
            same = false;
        nchildren++;
    }
    if (strcmp(name, "licenses") == 0) {
        /* JSON: [{"license": {...}}, {"expression": "..."}] */
        Value *list = value_new(x->a, VAL_LIST, loc);
        for (const XNode *c = n->children; c; c = c->next) {
            if (!cdx_element(x, c)) continue;
            Value *item = value_new(x->a, VAL_MAP, xml_loc(x, c));
            value_push(x->a, item, c->name, item->loc, xml_convert(x, c));
            value_push(x->a, list, NULL, item->loc, item);
        }
        return list;
    }
    if (same)
        for (size_t i = 0; i < sizeof xml_lists / sizeof xml_lists[0]; i++)
            if (name[0] == xml_lists[i].wrapper[0] && strcmp(name, xml_lists[i].wrapper) == 0 &&
                (!first || strcmp(first, xml_lists[i].item) == 0)) {
                Value *list = value_new(x->a, VAL_LIST, loc);
                for (const XNode *c = n->children; c; c = c->next)
                    if (cdx_element(x, c))
                        value_push(x->a, list, NULL, xml_loc(x, c), xml_convert(x, c));
                return list;
            }
    bool attrs = false;
    for (size_t k = 0; k < n->nattrs; k++)
        if (!n->attrs[k].ns) attrs = true;
    if (!nchildren && !attrs) return xml_scalar(x, n);
    Value *map = value_new(x->a, VAL_MAP, loc);
    for (size_t k = 0; k < n->nattrs; k++) {
        if (n->attrs[k].ns) continue; /* xsi: and other namespaces' attributes */
        const char *t = n->attrs[k].value;
        value_push(x->a, map, n->attrs[k].name, loc, value_scalar(x->a, loc, t, strlen(t)));
    }
    if (!nchildren) {
        Value *text = xml_scalar(x, n);
        if (text->len) {
            const char *key =
                strcmp(name, "hash") == 0 || strcmp(name, "attachment") == 0 ? "content" : "value";
            value_push(x->a, map, key, loc, text);
        }
        return map;
    }
    /* an element written twice (<omniborId>, <url>) becomes a list */
    Value **repeated = NULL;
    size_t nrepeated = 0;
    for (const XNode *c = n->children; c; c = c->next) {
        if (!cdx_element(x, c) || c == x->skip) continue;
        const char *key = c->name;
        Value *item = xml_convert(x, c);
        SrcLoc cl = xml_loc(x, c);
        size_t at = 0;
        while (at < map->n && map->keys[at] != key &&
               (map->keys[at][0] != key[0] || strcmp(map->keys[at], key) != 0))
            at++;
        if (at == map->n) {
            value_push(x->a, map, key, cl, item);
            continue;
        }
        Value *have = map->items[at];
        bool made = false;
        for (size_t i = 0; i < nrepeated; i++)
            if (repeated[i] == have) made = true;
        if (!made) {
            Value *list = value_new(x->a, VAL_LIST, have->loc);
            value_push(x->a, list, NULL, have->loc, have);
            map->items[at] = have = list;
            repeated = xrealloc(repeated, (nrepeated + 1) * sizeof *repeated);
            repeated[nrepeated++] = list;
        }
        value_push(x->a, have, NULL, cl, item);
    }
    free(repeated);
    return map;
}

void cyclonedx_xml(Standard *s, const char *rel, const XNode *root, bool shipped) {
    static const char prefix[] = "http://cyclonedx.org/schema/bom/";
    const char *ns = root->ns;
    SrcLoc loc = {rel, root->line, 0};
    const char *version =
        ns && strncmp(ns, prefix, sizeof prefix - 1) == 0 ? ns + sizeof prefix - 1 : NULL;
    if (!version) {
        if (shipped)
            rule_report(std_diag(s), RULE_SBOM_FORMAT, loc, NULL,
                        "<bom> is not in a CycloneDX namespace (expected xmlns=\"%s1.6\" or "
                        "another version from 1.2 to 1.7)",
                        prefix);
        else
            rule_report(std_diag(s), RULE_VEX_FORMAT, loc, NULL,
                        "<bom> is not in a CycloneDX namespace (expected xmlns=\"%s1.6\" or "
                        "another version from 1.2 to 1.7)",
                        prefix);
        return;
    }
    if (!known_version(version)) {
        if (shipped)
            rule_report(
                std_diag(s), RULE_SBOM_FORMAT, loc, NULL,
                "CycloneDX version '%s' (namespace %s) is not one the tool reads (1.2 to 1.7)",
                version, ns);
        else
            rule_report(
                std_diag(s), RULE_VEX_FORMAT, loc, NULL,
                "CycloneDX version '%s' (namespace %s) is not one the tool reads (1.2 to 1.7)",
                version, ns);
        return;
    }
    Arena scratch;
    arena_init(&scratch);
    XmlConv x = {&scratch, rel, root->ns, NULL};
    /* <components> of <component> elements only, the usual shape, is read one
     * component at a time: the values of all of them never exist at once */
    const XNode *lazy = NULL;
    for (const XNode *c = root->children; c && !lazy; c = c->next)
        if (cdx_element(&x, c) && is(c, "components")) lazy = c;
    for (const XNode *c = lazy ? lazy->children : NULL; c; c = c->next)
        if (cdx_element(&x, c) && !is(c, "component")) lazy = NULL;
    x.skip = lazy;
    Value *bom = xml_convert(&x, root);
    x.skip = NULL;
    if (bom->kind != VAL_MAP) {
        Value *empty = value_new(&scratch, VAL_MAP, loc);
        bom = empty;
    }
    read_bom(s, rel, bom, arena_printf(std_arena(s), "CycloneDX %s XML", version), shipped, &x,
             lazy);
    arena_free(&scratch);
}

static void xml_components(Standard *s, const char *rel, StdSbom *b, const XmlConv *x,
                           const XNode *wrapper) {
    Arena one; /* read_component copies what it keeps */
    arena_init(&one);
    XmlConv cx = *x;
    cx.a = &one;
    for (const XNode *c = wrapper->children; c; c = c->next) {
        if (!cdx_element(x, c)) continue;
        read_component(s, rel, b, xml_convert(&cx, c));
        arena_reset(&one);
    }
    arena_free(&one);
}
