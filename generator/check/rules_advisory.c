/* rules_advisory.c: consistency of the customer documents with the records:
 * advisory-version (an advisory names a version no release has),
 * advisory-recipients (a restricted advisory names nobody it is for),
 * vulnerability-parts (what customers are told names no part of the
 * product while the product has parts) and
 * whitepaper-directive (whitepaper.md asks for a directive, option or record
 * that does not exist, or for an internal record). Part of check/; the one
 * rule family that reads a file, whitepaper.md, through model/whitepaper.c,
 * since the model keeps no copy of it. */
#include <string.h>

#include "../model/whitepaper.h"
#include "check.h"

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* True when version is the version of a release or of the product. */
static bool released(const Check *c, const char *version, size_t len) {
    size_t n;
    Record **releases = check_records(c, "release", &n);
    for (size_t i = 0; i < n; i++) {
        const char *v = record_str(releases[i], "version");
        if (v && strlen(v) == len && strncmp(v, version, len) == 0) return true;
    }
    const char *pv = c->m->product.version;
    return pv && strlen(pv) == len && strncmp(pv, version, len) == 0;
}

/* Each version (digits, a dot, digits, ...) named in text that no release
 * has. Returns how many released versions the field names. */
static size_t check_versions(Check *c, const Record *adv, const char *field) {
    size_t found = 0;
    const Value *list = record_field(adv, field);
    for (size_t i = 0; list && list->kind == VAL_LIST && i < list->n; i++) {
        const Value *item = list->items[i];
        if (item->kind != VAL_SCALAR) continue;
        const char *s = item->text;
        for (size_t k = 0; s[k];) {
            if (!is_digit(s[k]) || (k > 0 && (is_digit(s[k - 1]) || s[k - 1] == '.'))) {
                k++;
                continue;
            }
            size_t e = k;
            while (is_digit(s[e]))
                e++;
            if (s[e] != '.' || !is_digit(s[e + 1])) {
                k = e;
                continue;
            }
            while (is_digit(s[e]) || s[e] == '.')
                e++;
            while (s[e - 1] == '.')
                e--;
            if (released(c, s + k, e - k))
                found++;
            else
                check_report(c, RULE_ADVISORY_VERSION, check_loc(adv, item), adv,
                             "%s: %s names version %.*s, which no release of the dossier has",
                             adv->id, field, (int)(e - k), s + k);
            k = e;
        }
    }
    return found;
}

/* A restricted advisory (TLP other than CLEAR) is for its recipients, so
 * it names them; recipients on a TLP:CLEAR one most likely mean a tlp
 * forgotten, and the advisory would be published for everyone. */
static void check_recipients(Check *c, const Record *adv) {
    const char *tlp = record_str(adv, "tlp");
    const Value *to = record_field(adv, "recipients");
    bool restricted = tlp && strcmp(tlp, "CLEAR") != 0 && strcmp(tlp, "WHITE") != 0;
    bool named = false;
    for (size_t k = 0; to && to->kind == VAL_LIST && k < to->n; k++)
        named = named || check_text(to->items[k]);
    if (restricted && !named)
        check_report(c, RULE_ADVISORY_RECIPIENTS, check_loc(adv, record_field(adv, "tlp")), adv,
                     "%s: TLP:%s restricts it to its recipients, but it names none (recipients: "
                     "the customers it is for)",
                     adv->id, tlp);
    else if (!restricted && named)
        check_report(c, RULE_ADVISORY_RECIPIENTS, check_loc(adv, to), adv,
                     "%s: names recipients but is TLP:CLEAR, so it is published for everyone; "
                     "give it the tlp its recipients may share it under (GREEN, AMBER, "
                     "AMBER+STRICT, RED) or remove the recipients",
                     adv->id);
}

static void check_advisories(Check *c) {
    size_t n;
    Record **advisories = check_records(c, "advisory", &n);
    for (size_t i = 0; i < n; i++) {
        const Value *affected = record_field(advisories[i], "affected_versions");
        if (affected && check_versions(c, advisories[i], "affected_versions") == 0)
            check_report(c, RULE_ADVISORY_VERSION, check_loc(advisories[i], affected),
                         advisories[i],
                         "%s: affected_versions names no version of a release (write the versions, "
                         "as in 3.0.0), so no product can be marked affected",
                         advisories[i]->id);
        check_versions(c, advisories[i], "fixed_versions");
        check_recipients(c, advisories[i]);
    }
}

/* The record a directive option names must exist and be public. */
static void check_record_option(Check *c, SrcLoc loc, const char *id, const char *type) {
    const Record *r = model_find(c->m, id);
    if (!r) {
        check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL,
                     "the directive names %s, which no record has", id);
    } else if (type && strcmp(r->type->name, type) != 0) {
        check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL,
                     "the directive names %s, a %s, where it needs a record of type %s", id,
                     r->type->name, type);
    } else if (r->internal) {
        check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL,
                     "the directive names %s, which is internal: the whitepaper is public", id);
    }
}

static void check_whitepaper(Check *c) {
    const Whitepaper *w = c->m->whitepaper;
    if (!w) return; /* none, or the load stage said why it is not usable */
    const RecordType *control = schema_type(c->m->schema, "control");
    const FieldDef *category = control ? schema_field(control, "category") : NULL;
    for (size_t i = 0; i < w->nblocks; i++) {
        const WhitepaperBlock *b = &w->blocks[i];
        if (!b->directive) continue;
        SrcLoc loc = {w->path, b->line, 0};
        const WhitepaperDirective *def = whitepaper_directive(b->directive);
        if (b->syntax_error) {
            check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL, "malformed directive: %s",
                         b->syntax_error);
            continue;
        }
        if (!def) {
            CheckList names = {0};
            for (const WhitepaperDirective *d = whitepaper_directives; d->name; d++)
                check_list_add(&names, "%s", d->name);
            check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL,
                         "unknown directive '%s' (directives: %s)", b->directive,
                         check_list_text(&names));
            check_list_free(&names);
            continue;
        }
        for (size_t k = 0; k < b->noptions; k++) {
            const WhitepaperOption *o = &b->options[k];
            SrcLoc oloc = {w->path, b->line, o->col};
            bool known = false;
            for (size_t j = 0; def->options[j]; j++)
                known = known || strcmp(def->options[j], o->key) == 0;
            if (!known) {
                check_report(c, RULE_WHITEPAPER_DIRECTIVE, oloc, NULL,
                             "the directive %s has no option '%s'", def->name, o->key);
            } else if (strcmp(o->key, "category") == 0 && category &&
                       check_enum_index(category, o->value) < 0) {
                check_report(
                    c, RULE_WHITEPAPER_DIRECTIVE, oloc, NULL,
                    "'%s' is not a control category (authentication, authorization, cryptography, "
                    "integrity, confidentiality, logging, resiliency, updates)",
                    o->value);
            } else if (strcmp(o->key, "asset") == 0) {
                check_record_option(c, oloc, o->value, "asset");
            } else if (strcmp(o->key, "id") == 0) {
                check_record_option(c, oloc, o->value, NULL);
            }
        }
        if (strcmp(def->name, "record") == 0 && !whitepaper_option(b, "id"))
            check_report(c, RULE_WHITEPAPER_DIRECTIVE, loc, NULL,
                         "the directive record needs id=ID");
    }
}

/* When the product names its parts (assets with part: true), a
 * vulnerability the customer documents state (an advisory covers it, or it
 * has a VEX state other than not_affected) says which parts it affects. */
static void check_parts(Check *c) {
    size_t nassets, nvulns;
    Record **assets = check_records(c, "asset", &nassets);
    Record **vulns = check_records(c, "vulnerability", &nvulns);
    bool parts = false;
    for (size_t i = 0; i < nassets && !parts; i++) {
        const char *p = record_str(assets[i], "part");
        parts = p && strcmp(p, "true") == 0;
    }
    for (size_t i = 0; parts && i < nvulns; i++) {
        const char *vex = record_str(vulns[i], "vex_state");
        size_t pos = 0;
        bool stated =
            (vex && strcmp(vex, "not_affected") != 0) || check_linked(vulns[i], "advisories", &pos);
        bool named = false;
        pos = 0;
        for (const Record *a; stated && !named && (a = check_linked(vulns[i], "affects", &pos));) {
            const char *p = record_str(a, "part");
            named = p && strcmp(p, "true") == 0;
        }
        if (stated && !named)
            check_report(c, RULE_VULNERABILITY_PARTS,
                         check_loc(vulns[i], record_field(vulns[i], "affects")), vulns[i],
                         "%s: its affects names no part of the product (an asset with part: true), "
                         "so advisories and VEX cannot say which parts it affects",
                         vulns[i]->id);
    }
}

void rules_advisory_check(Check *c) {
    check_advisories(c);
    check_parts(c);
    check_whitepaper(c);
}
