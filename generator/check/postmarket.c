/* postmarket.c: the postmarket report's judgments over its period (build
 * --period, else the year up to the build date), made once: the records of
 * each JSP2 section in the period, the 30/60-day state of every
 * uncontrolled-risk vulnerability as of the period's end, fix times to
 * release and to deployment, the share of the fleet still on a release
 * that carries each, deployment and end of support of every release,
 * triage times against the sources' targets and the sources' runs. The
 * findings it adds (signal-triage-late, source-plan, source-runs,
 * incident-report) carry the rule IDs the verdicts name. Part of check/. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { FIELD_THRESHOLD = 90, TOLD_DAYS = 30, FIX_DAYS = 60, EOS_SOON_DAYS = 365 };

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

static PmDays some(int64_t days) {
    return (PmDays){true, days};
}

static PmDays date_of(const Record *r, const char *field) {
    int64_t d;
    return check_date(record_field(r, field), &d) ? some(d) : (PmDays){0};
}

/* An int field's value into *out; false when it is absent or not an int. */
static bool int_of(const Value *v, int64_t *out) {
    const char *t = check_text(v);
    if (!t) return false;
    char *end;
    long long n = strtoll(t, &end, 10);
    if (end == t || *end) return false;
    *out = n;
    return true;
}

typedef struct Pm {
    Check *c;
    Postmarket *p;
    Arena *a;
} Pm;

/* The records of a type (*n of them) in *recs, and zeroed room in the
 * run's arena for a verdict of size bytes on each (at least one). */
static void *pm_verdicts(const Pm *pm, const char *type, size_t size, Record ***recs, size_t *n) {
    *recs = check_records(pm->c, type, n);
    return arena_alloc(pm->a, (*n ? *n : 1) * size);
}

static bool within(const Pm *pm, PmDays d) {
    return d.known && d.days >= pm->p->from && d.days <= pm->p->to;
}

/* Records kept in a growing array, copied into the arena at the end. */
typedef struct RecList {
    const Record **items;
    size_t n, cap;
} RecList;

static void rec_add(RecList *l, const Record *r) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = r;
}

static const Record **rec_done(Arena *a, RecList *l, size_t *n) {
    const Record **out = arena_alloc(a, (l->n ? l->n : 1) * sizeof *out);
    if (l->n) memcpy(out, l->items, l->n * sizeof *out);
    *n = l->n;
    free(l->items);
    *l = (RecList){0};
    return out;
}

/* ---- releases: figures, deployment, end of support ------------------------ */

static int cmp_release(const void *pa, const void *pb) {
    const PmRelease *a = pa, *b = pb;
    int64_t da = 0, db = 0;
    check_date(record_field(a->record, "date"), &da);
    check_date(record_field(b->record, "date"), &db);
    if (da != db) return da < db ? -1 : 1;
    return strcmp(a->record->id, b->record->id);
}

/* The deployment figures of a release up to the period's end: the latest,
 * the peak, and the first day each share was reached. */
static void judge_release(Pm *pm, PmRelease *out) {
    const Record *r = out->record;
    PmDays date = date_of(r, "date");
    out->in_period = within(pm, date);
    const Value *dep = record_field(r, "deployed");
    PmDays first50 = {0}, first90 = {0};
    for (size_t i = 0; dep && dep->kind == VAL_LIST && i < dep->n; i++) {
        int64_t d;
        const char *pct = check_text(value_get(dep->items[i], "percent"));
        if (!pct || !check_date(value_get(dep->items[i], "date"), &d) || d > pm->p->to) continue;
        double x = strtod(pct, NULL);
        if (!out->figure_date.known || d >= out->figure_date.days) {
            out->figure_date = some(d);
            out->percent = x;
        }
        if (x > out->peak) out->peak = x;
        if (x >= 50 && (!first50.known || d < first50.days)) first50 = some(d);
        if (x >= FIELD_THRESHOLD && (!first90.known || d < first90.days)) first90 = some(d);
    }
    if (date.known && first50.known) out->to_50 = some(first50.days - date.days);
    if (date.known && first90.known) out->to_90 = some(first90.days - date.days);
    out->eos = date_of(r, "end_of_support");
    int64_t now = pm->c->m->build_date > 0 ? pm->c->m->build_date : pm->p->to;
    out->supported = date.known && date.days <= now && (!out->eos.known || out->eos.days > now);
    if (out->eos.known) {
        out->eos_days = some(out->eos.days - pm->p->to);
        out->eos_state = out->eos.days <= pm->p->to                   ? "past"
                         : out->eos.days - pm->p->to <= EOS_SOON_DAYS ? "upcoming"
                                                                      : "later";
    }
}

static void judge_releases(Pm *pm) {
    Postmarket *p = pm->p;
    Record **recs;
    size_t n;
    p->releases = pm_verdicts(pm, "release", sizeof *p->releases, &recs, &n);
    p->nreleases = n;
    for (size_t i = 0; i < n; i++) {
        p->releases[i].record = recs[i];
        judge_release(pm, &p->releases[i]);
        p->releases_in_period += p->releases[i].in_period;
        if (p->releases[i].figure_date.known) {
            p->fleet_total += p->releases[i].percent;
            if (!p->fleet_date.known || p->releases[i].figure_date.days > p->fleet_date.days)
                p->fleet_date = p->releases[i].figure_date;
        }
    }
    if (n) qsort(p->releases, n, sizeof *p->releases, cmp_release);
}

static const PmRelease *release_of(const Pm *pm, const Record *r) {
    for (size_t i = 0; i < pm->p->nreleases; i++)
        if (pm->p->releases[i].record == r) return &pm->p->releases[i];
    return NULL;
}

/* ---- vulnerabilities ----------------------------------------------------- */

/* The earliest date, by the period's end, of a field of the records linked
 * under link, and that record. */
static PmDays earliest_linked(const Pm *pm, const Record *r, const char *link, const char *field,
                              const Record **via) {
    PmDays best = {0};
    size_t pos = 0;
    const Record *o;
    while ((o = check_linked(r, link, &pos))) {
        PmDays d = date_of(o, field);
        if (!d.known || d.days > pm->p->to || (best.known && d.days >= best.days)) continue;
        best = d;
        *via = o;
    }
    return best;
}

/* The record's own date, else the earliest of the linked records', as of
 * the period's end. */
static PmDays done_by(const Pm *pm, const Record *r, const char *field, const char *link,
                      const char *link_field, const Record **via) {
    *via = NULL;
    PmDays own = date_of(r, field);
    const Record *other = NULL;
    PmDays linked = earliest_linked(pm, r, link, link_field, &other);
    if (own.known && own.days <= pm->p->to && (!linked.known || own.days <= linked.days))
        return own;
    *via = other;
    return linked;
}

static PmDeadline deadline(const Pm *pm, int64_t discovered, int limit, PmDays done,
                           const Record *via, const char *rule) {
    PmDeadline d = {.due = discovered + limit, .via = via, .done = done};
    if (done.known) {
        d.days = done.days - discovered;
        d.state = d.days > limit ? "late" : "on-time";
    } else {
        d.days = pm->p->to - discovered;
        d.state = d.days > limit ? "overdue" : "open";
    }
    if (is(d.state, "late") || is(d.state, "overdue")) d.rule = rule;
    return d;
}

/* The releases that carry v: from the one it was introduced in (else the
 * first) up to, not including, the first that fixes it (else all). */
static void carriers(Pm *pm, PmVulnerability *out) {
    const Record *v = out->record;
    const Record *via = NULL;
    PmDays from = {0}, fix = {0};
    size_t pos = 0;
    const Record *r;
    while ((r = check_linked(v, "introduced_in", &pos))) {
        PmDays d = date_of(r, "date");
        if (d.known && (!from.known || d.days < from.days)) from = d;
    }
    pos = 0;
    while ((r = check_linked(v, "fixed_in", &pos))) {
        PmDays d = date_of(r, "date");
        if (d.known && (!fix.known || d.days < fix.days)) fix = d;
    }
    (void)via;
    RecList l = {0};
    double share = 0;
    bool known = false;
    for (size_t i = 0; i < pm->p->nreleases; i++) {
        const PmRelease *rel = &pm->p->releases[i];
        PmDays d = date_of(rel->record, "date");
        if (!d.known || d.days > pm->p->to || (from.known && d.days < from.days) ||
            (fix.known && d.days >= fix.days))
            continue;
        rec_add(&l, rel->record);
        if (rel->figure_date.known) {
            share += rel->percent;
            known = true;
        }
    }
    out->carriers = rec_done(pm->a, &l, &out->ncarriers);
    out->exposure_known = known || out->ncarriers == 0;
    out->exposure = share;
}

static PmVulnerability judge_vulnerability(Pm *pm, const Record *v) {
    PmVulnerability out = {.record = v};
    out.uncontrolled = is(record_str(v, "risk"), "uncontrolled");
    PmDays disc = date_of(v, "discovered");
    const Record *rel = NULL;
    out.fixed_date = done_by(pm, v, "fixed", "fixed_in", "date", &rel);
    out.release = rel;
    if (!rel && out.fixed_date.known) { /* its own date; a release of that day made it */
        size_t pos = 0;
        const Record *r;
        while (!out.release && (r = check_linked(v, "fixed_in", &pos))) {
            PmDays d = date_of(r, "date");
            if (d.known && d.days == out.fixed_date.days) out.release = r;
        }
    }
    if (disc.known && out.fixed_date.known) out.to_release = some(out.fixed_date.days - disc.days);
    const PmRelease *pr = out.release ? release_of(pm, out.release) : NULL;
    if (pr && pr->to_90.known) {
        PmDays rd = date_of(pr->record, "date");
        out.deployed = some(rd.days + pr->to_90.days);
        if (disc.known) out.to_deployment = some(out.deployed.days - disc.days);
    }
    if (out.uncontrolled && disc.known) {
        const Record *via = NULL;
        PmDays told = done_by(pm, v, "communicated", "advisories", "published", &via);
        out.told = deadline(pm, disc.days, TOLD_DAYS, told, via, "uncontrolled-communicated");
        out.fixed = deadline(pm, disc.days, FIX_DAYS, out.fixed_date, rel, "uncontrolled-fixed");
        carriers(pm, &out);
    }
    return out;
}

static void judge_vulnerabilities(Pm *pm) {
    Postmarket *p = pm->p;
    Record **recs;
    size_t n;
    p->vulnerabilities = pm_verdicts(pm, "vulnerability", sizeof *p->vulnerabilities, &recs, &n);
    p->exposed = arena_alloc(pm->a, (n ? n : 1) * sizeof *p->exposed);
    RecList late = {0}, discovered = {0}, remediated = {0};
    for (size_t i = 0; i < n; i++) {
        const Record *v = recs[i];
        PmVulnerability j = judge_vulnerability(pm, v);
        PmDays disc = date_of(v, "discovered");
        const Record *via;
        PmDays told = done_by(pm, v, "communicated", "advisories", "published", &via);
        bool touched = within(pm, disc) || within(pm, j.fixed_date) || within(pm, told);
        if (touched) {
            p->vulnerabilities[p->nvulnerabilities++] = j;
            if (j.uncontrolled && (j.told.rule || j.fixed.rule)) rec_add(&late, v);
        }
        if (j.uncontrolled && disc.known && disc.days <= p->to) p->exposed[p->nexposed++] = j;
        if (within(pm, disc) && !is(record_str(v, "vex_state"), "not_affected"))
            rec_add(&discovered, v);
        if (within(pm, j.fixed_date)) rec_add(&remediated, v);
    }
    p->late = rec_done(pm->a, &late, &p->nlate);
    p->discovered = rec_done(pm->a, &discovered, &p->ndiscovered);
    p->remediated = rec_done(pm->a, &remediated, &p->nremediated);
}

/* ---- F.1: sources and signals ----------------------------------------------- */

/* The source a signal came through: its via, else the first source (by
 * ID) of its channel. */
static const Record *source_of(Pm *pm, const Record *s) {
    size_t pos = 0;
    const Record *src = check_linked(s, "via", &pos);
    if (src) return src;
    const char *channel = record_str(s, "source");
    size_t n;
    Record **sources = check_records(pm->c, "source", &n);
    for (size_t i = 0; channel && i < n; i++)
        if (is(record_str(sources[i], "channel"), channel)) return sources[i];
    return NULL;
}

/* A source's triage target in days, when its record gives a sound one. */
static PmDays target_of(const Record *src) {
    int64_t t;
    if (!src || !int_of(record_field(src, "triage_days"), &t) || t < 0) return (PmDays){0};
    return some(t);
}

/* Every signal against its target (findings at the build date, for check
 * to gate on); the ones received in the period into the verdicts. */
static void judge_signals(Pm *pm) {
    Check *c = pm->c;
    Postmarket *p = pm->p;
    Record **recs;
    size_t n;
    p->signals = pm_verdicts(pm, "signal", sizeof *p->signals, &recs, &n);
    for (size_t i = 0; i < n; i++) {
        const Record *s = recs[i];
        PmSignal j = {.record = s, .source = source_of(pm, s)};
        j.target = target_of(j.source);
        PmDays received = date_of(s, "received"), triaged = date_of(s, "triaged");
        bool untriaged = is(record_str(s, "triage"), "new") || !triaged.known;
        char rec_s[16], due_s[16];
        if (received.known) date_format(received.days, rec_s);
        if (!untriaged && received.known) j.triage_days = some(triaged.days - received.days);
        if (!j.target.known || !received.known) {
            j.state = untriaged ? "untriaged" : "no-target";
        } else if (!untriaged) {
            j.state = j.triage_days.days > j.target.days ? "late" : "on-time";
            if (is(j.state, "late"))
                check_report(c, RULE_SIGNAL_TRIAGE_LATE, check_loc(s, record_field(s, "triaged")),
                             s,
                             "%s was triaged %" PRId64
                             " days after its receipt (%s); the target of %s is %" PRId64 " days",
                             s->id, j.triage_days.days, rec_s, j.source->id, j.target.days);
        } else {
            int64_t due = received.days + j.target.days;
            bool overdue = c->has_build_date && c->m->build_date > due;
            j.state = p->to > due ? "overdue" : "untriaged";
            date_format(due, due_s);
            if (overdue)
                check_report(c, RULE_SIGNAL_TRIAGE_LATE, check_loc(s, record_field(s, "triage")), s,
                             "%s (received %s) is still untriaged; the target of %s was %" PRId64
                             " days (%s)",
                             s->id, rec_s, j.source->id, j.target.days, due_s);
        }
        if (is(j.state, "late") || is(j.state, "overdue"))
            j.rule = rule_table[RULE_SIGNAL_TRIAGE_LATE].id;
        if (!within(pm, received)) continue;
        p->late_triage += j.rule != NULL;
        p->signals[p->nsignals++] = j;
    }
}

static void judge_sources(Pm *pm) {
    Check *c = pm->c;
    Postmarket *p = pm->p;
    Record **recs;
    size_t n;
    p->sources = pm_verdicts(pm, "source", sizeof *p->sources, &recs, &n);
    for (size_t i = 0; i < n; i++) {
        const Record *src = recs[i];
        PmSource j = {.record = src};
        const Value *every = record_field(src, "every"), *target = record_field(src, "triage_days");
        int64_t t;
        if (int_of(every, &j.every) && j.every < 1)
            check_report(c, RULE_SOURCE_PLAN, check_loc(src, every), src,
                         "%s: every is %" PRId64 ", but a source is looked at every 1 day or more",
                         src->id, j.every);
        if (int_of(target, &t) && t < 0)
            check_report(c, RULE_SOURCE_PLAN, check_loc(src, target), src,
                         "%s: triage_days is %" PRId64 ", but a target is 0 days or more", src->id,
                         t);
        const Value *runs = record_field(src, "runs");
        for (size_t k = 0; runs && runs->kind == VAL_LIST && k < runs->n; k++) {
            int64_t d, count = 1;
            const Value *cv = value_get(runs->items[k], "count");
            if (cv && int_of(cv, &count) && count < 1) {
                check_report(c, RULE_SOURCE_PLAN, check_loc(src, cv), src,
                             "%s: a runs entry counts %" PRId64 " runs; give 1 or more", src->id,
                             count);
                continue;
            }
            if (!check_date(value_get(runs->items[k], "date"), &d)) continue;
            if (d >= p->from && d <= p->to) j.ran += count;
            if (d <= p->to && (!j.last_run.known || d > j.last_run.days)) j.last_run = some(d);
        }
        /* a source cannot have run after the build date: the runs a period
         * calls for are counted up to it */
        int64_t end = c->has_build_date && c->m->build_date < p->to ? c->m->build_date : p->to;
        if (j.every >= 1 && end >= p->from) j.planned = (end - p->from + 1) / j.every;
        j.state = j.every < 1 ? "no-plan" : j.ran >= j.planned ? "as-planned" : "short";
        if (is(j.state, "no-plan")) j.rule = rule_table[RULE_SOURCE_PLAN].id;
        if (is(j.state, "short")) {
            char from_s[16], to_s[16], end_s[16];
            date_format(p->from, from_s);
            date_format(p->to, to_s);
            date_format(end, end_s);
            j.rule = rule_table[RULE_SOURCE_RUNS].id;
            p->short_sources++;
            check_report(c, RULE_SOURCE_RUNS, check_loc(src, runs ? runs : every), src,
                         "%s ran %" PRId64 " times from %s to %s; its plan (every %" PRId64
                         " day%s) calls for %" PRId64 " by %s",
                         src->id, j.ran, from_s, to_s, j.every, j.every == 1 ? "" : "s", j.planned,
                         end_s);
        }
        p->sources[p->nsources++] = j;
    }
    for (size_t i = 0; i < p->nsignals; i++)
        for (size_t k = 0; k < p->nsources; k++)
            if (p->signals[i].source == p->sources[k].record) p->sources[k].signals++;
}

/* ---- F.2 end of support, F.3 incidents, F.5 documents ---------------------- */

static void judge_components(Pm *pm) {
    size_t n;
    Record **recs = check_records(pm->c, "component", &n);
    RecList l = {0};
    for (size_t i = 0; i < n; i++) {
        PmDays eos = date_of(recs[i], "end_of_support");
        const char *support = record_str(recs[i], "support");
        if ((eos.known && eos.days <= pm->p->to) || is(support, "no-longer-maintained") ||
            is(support, "abandoned"))
            rec_add(&l, recs[i]);
    }
    pm->p->eos_components = rec_done(pm->a, &l, &pm->p->neos_components);
}

static void judge_incidents(Pm *pm) {
    Check *c = pm->c;
    size_t n;
    Record **recs = check_records(c, "incident", &n);
    RecList l = {0};
    for (size_t i = 0; i < n; i++) {
        const Record *r = recs[i];
        CheckList missing = {0};
        if (!check_text(record_field(r, "data_impact"))) check_list_add(&missing, "data_impact");
        if (is(record_str(r, "status"), "closed") && !check_text(record_field(r, "root_cause")))
            check_list_add(&missing, "root_cause");
        const Value *notified = record_field(r, "notified");
        if (!notified || notified->kind != VAL_LIST || notified->n == 0)
            check_list_add(&missing, "notified");
        if (missing.n) {
            check_report(c, RULE_INCIDENT_REPORT, check_loc(r, NULL), r,
                         "%s does not give %s: the postmarket report states an incident's data "
                         "impact, root cause and who was informed when",
                         r->id, check_list_text(&missing));
        }
        PmDays detected = date_of(r, "detected"), closed = date_of(r, "closed");
        bool open_in = detected.known && detected.days <= pm->p->to &&
                       (!closed.known || closed.days >= pm->p->from);
        if (within(pm, detected) || within(pm, closed) || open_in) {
            rec_add(&l, r);
            pm->p->incomplete_incidents += missing.n > 0;
        }
        check_list_free(&missing);
    }
    pm->p->incidents = rec_done(pm->a, &l, &pm->p->nincidents);
}

typedef struct Docs {
    PmDocument *items;
    size_t n, cap;
} Docs;

static void revisions_in(Pm *pm, Docs *docs, const Record *r, const char *kind) {
    const Value *revs = record_field(r, "revisions");
    for (size_t i = 0; revs && revs->kind == VAL_LIST && i < revs->n; i++) {
        int64_t d;
        if (!check_date(value_get(revs->items[i], "date"), &d) || d < pm->p->from || d > pm->p->to)
            continue;
        if (docs->n == docs->cap) {
            docs->cap = docs->cap ? docs->cap * 2 : 16;
            docs->items = xrealloc(docs->items, docs->cap * sizeof *docs->items);
        }
        docs->items[docs->n++] =
            (PmDocument){r, kind, d, check_text(value_get(revs->items[i], "number")),
                         check_text(value_get(revs->items[i], "summary"))};
    }
}

static int cmp_document(const void *pa, const void *pb) {
    const PmDocument *a = pa, *b = pb;
    if (a->date != b->date) return a->date < b->date ? -1 : 1;
    int r = strcmp(a->record->id, b->record->id);
    if (r) return r;
    return strcmp(a->number ? a->number : "", b->number ? b->number : "");
}

static void judge_documents(Pm *pm) {
    Docs docs = {0};
    size_t n;
    Record **recs = check_records(pm->c, "publication", &n);
    for (size_t i = 0; i < n; i++)
        revisions_in(pm, &docs, recs[i], record_str(recs[i], "kind"));
    recs = check_records(pm->c, "advisory", &n);
    for (size_t i = 0; i < n; i++)
        revisions_in(pm, &docs, recs[i], "advisory");
    if (docs.n) qsort(docs.items, docs.n, sizeof *docs.items, cmp_document);
    pm->p->documents = arena_alloc(pm->a, (docs.n ? docs.n : 1) * sizeof *docs.items);
    if (docs.n) memcpy(pm->p->documents, docs.items, docs.n * sizeof *docs.items);
    pm->p->ndocuments = docs.n;
    free(docs.items);
}

/* ---- the FDA metrics --------------------------------------------------------- */

static int cmp_i64(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

static MetricStats stats_of(int64_t *xs, size_t n) {
    MetricStats s = {.n = n};
    if (!n) return s;
    qsort(xs, n, sizeof *xs, cmp_i64);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)xs[i];
    s.mean = sum / (double)n;
    s.median = n % 2 ? (double)xs[n / 2] : ((double)xs[n / 2 - 1] + (double)xs[n / 2]) / 2;
    s.min = (double)xs[0];
    s.max = (double)xs[n - 1];
    return s;
}

/* The severities of patient harm in the order of the vulnerability's enum,
 * then what a record without one counts as. */
static const char *const SEVERITIES[] = {"catastrophic", "critical",   "serious",
                                         "minor",        "negligible", "unknown"};
enum { NSEV = sizeof SEVERITIES / sizeof *SEVERITIES };

typedef struct Acc {
    RecList recs;
    size_t patched;
    int64_t *to_patch, *to_field;
    size_t npatch, nfield;
} Acc;

static void acc_add(Acc *g, const PmVulnerability *j) {
    rec_add(&g->recs, j->record);
    if (j->fixed_date.known) g->patched++;
    if (j->to_release.known) g->to_patch[g->npatch++] = j->to_release.days;
}

/* The metrics over n vulnerabilities as of the period's end of pm. */
static FdaMetrics metrics_over(Pm *pm, const Record *const *vulns, size_t n) {
    Acc acc[NSEV + 1];
    memset(acc, 0, sizeof acc);
    for (size_t k = 0; k <= NSEV; k++) {
        acc[k].to_patch = xmalloc((n ? n : 1) * sizeof(int64_t));
        acc[k].to_field = xmalloc((n ? n : 1) * sizeof(int64_t));
    }
    for (size_t i = 0; i < n; i++) {
        PmVulnerability j = judge_vulnerability(pm, vulns[i]);
        const char *sev = record_str(vulns[i], "severity");
        size_t k = NSEV - 1; /* unknown */
        for (size_t s = 0; sev && s < NSEV; s++)
            if (strcmp(sev, SEVERITIES[s]) == 0) k = s;
        const PmRelease *pr = j.release ? release_of(pm, j.release) : NULL;
        Acc *both[2] = {&acc[k], &acc[NSEV]};
        for (int b = 0; b < 2; b++) {
            acc_add(both[b], &j);
            if (pr && pr->to_90.known) both[b]->to_field[both[b]->nfield++] = pr->to_90.days;
        }
    }
    FdaMetrics m = {0};
    m.groups = arena_alloc(pm->a, (NSEV + 1) * sizeof *m.groups);
    for (size_t k = 0; k <= NSEV; k++) {
        Acc *g = &acc[k];
        if (k < NSEV && !g->recs.n) {
            free(g->recs.items);
        } else {
            MetricGroup *out = &m.groups[m.ngroups++];
            *out = (MetricGroup){.severity = k < NSEV ? SEVERITIES[k] : "all",
                                 .total = g->recs.n,
                                 .patched = g->patched,
                                 .to_patch = stats_of(g->to_patch, g->npatch),
                                 .to_field = stats_of(g->to_field, g->nfield)};
            out->records = rec_done(pm->a, &g->recs, &out->nrecords);
        }
        free(g->to_patch);
        free(g->to_field);
    }
    return m;
}

/* The premarket bundle's metrics: every vulnerability recorded (but those
 * not affected), and every release's deployment, as of the build date. */
static void judge_lifetime(Check *c) {
    Verdicts *v = c->v;
    Postmarket life = {
        .from = INT64_MIN / 4, .to = c->m->build_date, .field_threshold = FIELD_THRESHOLD};
    Pm pm = {c, &life, c->m->arena};
    judge_releases(&pm);
    size_t nrel;
    Record **rels = check_records(c, "release", &nrel);
    v->deployment = arena_alloc(pm.a, (nrel ? nrel : 1) * sizeof *v->deployment);
    v->ndeployment = nrel;
    for (size_t i = 0; i < nrel; i++)
        v->deployment[i] = *release_of(&pm, rels[i]);
    size_t n;
    Record **recs = check_records(c, "vulnerability", &n);
    RecList affected = {0};
    for (size_t i = 0; i < n; i++) {
        if (!is(record_str(recs[i], "vex_state"), "not_affected")) rec_add(&affected, recs[i]);
        const Record *rel;
        PmDays fixed = done_by(&pm, recs[i], "fixed", "fixed_in", "date", &rel);
        RecordVerdict *rv = check_verdict(c, recs[i]);
        if (fixed.known) {
            char buf[16];
            date_format(fixed.days, buf);
            rv->fixed_date = arena_strdup(pm.a, buf);
        }
    }
    size_t na;
    const Record **list = rec_done(pm.a, &affected, &na);
    v->metrics = metrics_over(&pm, list, na);
}

void postmarket_judge(Check *c) {
    Postmarket *p = &c->v->postmarket;
    p->from = c->m->period_from;
    p->to = c->m->period_to;
    p->field_threshold = FIELD_THRESHOLD;
    Pm pm = {c, p, c->m->arena};
    judge_releases(&pm);
    judge_vulnerabilities(&pm);
    judge_signals(&pm);
    judge_sources(&pm);
    judge_components(&pm);
    judge_incidents(&pm);
    judge_documents(&pm);
    p->metrics = metrics_over(&pm, p->discovered, p->ndiscovered);
    judge_lifetime(c);
}
