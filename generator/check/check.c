/* check.c: runs every family of rules over the frozen model, and the helpers
 * they share: findings about records, locations, scalar text and
 * dates, links seen from either side. Part of check/; reads no files but
 * whitepaper.md (rules_advisory.c). */
#include <ctype.h>
#include <string.h>

#include "check.h"

/* The families of rules (rules_*.c), run in this order between the
 * judgments they read (verdicts_begin) and the ones made from their
 * findings (postmarket_judge, verdicts_finish). A new family is a row. */
static void (*const families[])(Check *c) = {
    rules_threat_check, rules_control_check,  rules_coverage_check, rules_postmarket_check,
    rules_record_check, rules_sbom_check,     rules_mds2_check,     rules_advisory_check,
    rules_files_check,  rules_labeling_check,
};

const Verdicts *check_run(const Model *m, Diag *d) {
    Check c = {.m = m, .d = d, .has_build_date = m->build_date > 0};
    Verdicts *v = verdicts_begin(&c);
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        families[i](&c);
    postmarket_judge(&c);
    versions_judge(&c);
    verdicts_finish(&c);
    return v;
}

const Verdicts *check_changes(const Model *m, const Verdicts *v) {
    const Changes *ch = m->changes;
    Verdicts *nv = arena_alloc(m->arena, sizeof *nv);
    *nv = *v;
    nv->checklist = arena_alloc(m->arena, (v->nchecklist + 1) * sizeof *nv->checklist);
    if (v->nchecklist) memcpy(nv->checklist, v->checklist, v->nchecklist * sizeof *v->checklist);
    const Record **rs = arena_alloc(m->arena, (ch->nadded + ch->nchanged + 1) * sizeof *rs);
    size_t n = 0;
    for (size_t i = 0; i < ch->nadded; i++)
        rs[n++] = ch->added[i];
    for (size_t i = 0; i < ch->nchanged; i++)
        rs[n++] = ch->changed[i];
    nv->checklist[nv->nchecklist++] = (ChecklistItem){
        "VII",
        "Modified device: are the changes since the last submission described?",
        VERDICT_PASS,
        arena_printf(m->arena,
                     "Compared with the last submission (%s, version %s): %zu records added, %zu "
                     "removed, %zu changed, %zu verdicts changed; the document of the changes "
                     "names each.",
                     ch->old_file ? ch->old_file : "?", ch->old_version ? ch->old_version : "?",
                     ch->nadded, ch->nremoved, ch->nchanged, ch->nverdicts),
        "",
        rs,
        n};
    return nv;
}

void check_report(Check *c, RuleId rule, SrcLoc loc, const Record *r, const char *fmt, ...) {
    if (!loc.path && r) loc.path = r->path;
    va_list ap;
    va_start(ap, fmt);
    rule_vreport(c->d, rule, loc, r ? r->id : NULL, fmt, ap);
    va_end(ap);
}

SrcLoc check_loc(const Record *r, const Value *v) {
    if (v && v->loc.path) return v->loc;
    SrcLoc loc = r->loc;
    if (!loc.path) loc.path = r->path;
    return loc;
}

const char *check_text(const Value *v) {
    if (!v || v->kind != VAL_SCALAR || !v->text) return NULL;
    for (size_t i = 0; i < v->len; i++)
        if (!isspace((unsigned char)v->text[i])) return v->text;
    return NULL;
}

bool check_date(const Value *v, int64_t *days) {
    return v && v->kind == VAL_SCALAR && v->text && date_parse(v->text, days);
}

Record *check_linked(const Record *r, const char *name, size_t *pos) {
    while (*pos < r->nout) {
        const Link *l = r->out[(*pos)++];
        if (!l->prose && strcmp(link_name(l, true), name) == 0) return l->to;
    }
    while (*pos < r->nout + r->nin) {
        const Link *l = r->in[(*pos)++ - r->nout];
        if (!l->prose && strcmp(link_name(l, false), name) == 0) return l->from;
    }
    return NULL;
}

Record **check_records(const Check *c, const char *type, size_t *n) {
    return model_of_type(c->m, type, n);
}

bool check_threatened(const Record *asset) {
    for (size_t i = 0; i < asset->nin; i++) {
        const Link *l = asset->in[i];
        if (!l->prose && l->field && strcmp(l->from->type->name, "threat") == 0 &&
            strcmp(l->field->name, "assets") == 0)
            return true;
    }
    return false;
}

const Justification *check_justified(const Check *c, const char *kind, const char *name) {
    const Product *p = &c->m->product;
    for (size_t i = 0; i < p->njustifications; i++) {
        const Justification *j = &p->justifications[i];
        if (j->kind && j->name && strcmp(j->kind, kind) == 0 && strcmp(j->name, name) == 0)
            return j;
    }
    return NULL;
}

int check_enum_index(const FieldDef *f, const char *value) {
    if (!f || !value) return -1;
    for (size_t i = 0; i < f->nvalues; i++)
        if (strcmp(f->values[i], value) == 0) return (int)i;
    return -1;
}

enum { LIST_SHOWN = 5 };

void check_list_add(CheckList *l, const char *fmt, ...) {
    if (l->n++ >= LIST_SHOWN) return;
    if (l->n > 1) sb_puts(&l->sb, ", ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&l->sb, fmt, ap);
    va_end(ap);
}

const char *check_list_text(CheckList *l) {
    if (!l->sb.data) sb_puts(&l->sb, "");
    if (l->n > LIST_SHOWN) {
        sb_printf(&l->sb, " and %zu more", l->n - LIST_SHOWN);
        l->n = LIST_SHOWN; /* said once */
    }
    return l->sb.data;
}

void check_list_free(CheckList *l) {
    sb_free(&l->sb);
    l->n = 0;
}
