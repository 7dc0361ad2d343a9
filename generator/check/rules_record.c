/* rules_record.c: rules over the fields of any record: dates of past events
 * not after the build date, dates of one record in order, internal_fields
 * naming real fields. Part of check/. */
#include <string.h>

#include "check.h"

/* A date field that records something that already happened. sub names the
 * date inside each entry of an entries field. */
static const struct {
    const char *type, *field, *sub;
} past_dates[] = {
    {"test", "results", "date"},
    {"signal", "received", NULL},
    {"signal", "triaged", NULL},
    {"vulnerability", "discovered", NULL},
    {"vulnerability", "communicated", NULL},
    {"vulnerability", "fixed", NULL},
    {"incident", "detected", NULL},
    {"incident", "contained", NULL},
    {"incident", "eradicated", NULL},
    {"incident", "recovered", NULL},
    {"incident", "closed", NULL},
    {"incident", "timeline", "date"},
    {"release", "deployed", "date"},
};

/* Two date fields of one record where the first cannot come after the second. */
static const struct {
    const char *type, *first, *then;
} date_pairs[] = {
    {"vulnerability", "discovered", "communicated"},
    {"vulnerability", "discovered", "fixed"},
    {"signal", "received", "triaged"},
    {"incident", "detected", "contained"},
    {"incident", "detected", "eradicated"},
    {"incident", "detected", "recovered"},
    {"incident", "detected", "closed"},
    {"incident", "contained", "closed"},
    {"incident", "eradicated", "closed"},
    {"incident", "recovered", "closed"},
};

static void after_build(Check *c, const Record *r, const char *field, const Value *v) {
    int64_t days;
    if (!check_date(v, &days) || days <= c->m->build_date) return;
    char build[16];
    date_format(c->m->build_date, build);
    check_report(c, RULE_DATE_AFTER_BUILD, check_loc(r, v), r,
                 "%s: %s %s is after the build date %s", r->id, field, v->text, build);
}

static void check_past_dates(Check *c) {
    if (!c->has_build_date) return;
    for (size_t i = 0; i < sizeof past_dates / sizeof past_dates[0]; i++) {
        size_t n;
        Record **recs = check_records(c, past_dates[i].type, &n);
        for (size_t k = 0; k < n; k++) {
            const Value *v = record_field(recs[k], past_dates[i].field);
            if (!v) continue;
            if (!past_dates[i].sub) {
                after_build(c, recs[k], past_dates[i].field, v);
                continue;
            }
            for (size_t e = 0; v->kind == VAL_LIST && e < v->n; e++)
                after_build(c, recs[k], past_dates[i].field,
                            value_get(v->items[e], past_dates[i].sub));
        }
    }
}

static void check_date_order(Check *c) {
    for (size_t i = 0; i < sizeof date_pairs / sizeof date_pairs[0]; i++) {
        size_t n;
        Record **recs = check_records(c, date_pairs[i].type, &n);
        for (size_t k = 0; k < n; k++) {
            const Value *first = record_field(recs[k], date_pairs[i].first);
            const Value *then = record_field(recs[k], date_pairs[i].then);
            int64_t a, b;
            if (!check_date(first, &a) || !check_date(then, &b) || a <= b) continue;
            check_report(c, RULE_DATE_ORDER, check_loc(recs[k], then), recs[k],
                         "%s: %s %s is before %s %s", recs[k]->id, date_pairs[i].then, then->text,
                         date_pairs[i].first, first->text);
        }
    }
}

static void check_internal_fields(Check *c) {
    for (size_t i = 0; i < c->m->nrecords; i++) {
        const Record *r = c->m->records[i];
        const Value *v = record_field(r, "internal_fields");
        for (size_t k = 0; v && v->kind == VAL_LIST && k < v->n; k++) {
            const char *name = check_text(v->items[k]);
            if (name && !schema_field(r->type, name))
                check_report(c, RULE_INTERNAL_FIELDS, check_loc(r, v->items[k]), r,
                             "%s: internal_fields names '%s', which is not a field of a %s", r->id,
                             name, r->type->name);
            else if (name && !r->internal && strcmp(name, "title") == 0)
                /* every public document that names a public record prints its title */
                check_report(c, RULE_AUDIENCE_CONFLICT, check_loc(r, v->items[k]), r,
                             "%s: internal_fields names 'title', which every public document "
                             "citing the record prints (the MDS2, advisories, the SBOM page): mark "
                             "the whole record internal: true instead, or make the title public",
                             r->id);
        }
    }
}

void rules_record_check(Check *c) {
    check_past_dates(c);
    check_date_order(c);
    check_internal_fields(c);
}
