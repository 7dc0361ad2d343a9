/* trace.c: `dossier trace ID`, the chain through one record as the check
 * stage judged it. Down answers "what answers this, and does it work"
 * (threat -> controls -> tests and their latest results; component ->
 * vulnerabilities -> releases -> advisories); up answers "what does it
 * serve" (test -> controls -> threats -> assets). A link is followed down
 * only to a record of a higher trace level (schemas/records.xml, attribute
 * trace) and up only to a lower one, so the walk never turns back through
 * a test's other threats; each record is expanded once per direction and
 * the depth is bounded, so the output is linear in the links. Each record
 * shows its verdict (model/verdict.h): the state, the rule behind a bad
 * one, a test's latest result with its date. Part of emit/: it presents
 * the judgments of check/, it makes none. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

typedef struct Trace {
    Arena *a;
    const Model *m;
    const TraceOptions *o;
    StrBuf *sb;
    bool *seen; /* by Record.order, per direction */
} Trace;

static const RecordVerdict *verdict_of(const Model *m, const Record *r) {
    const Verdicts *v = m->verdicts;
    return v && r->order < v->nrecords && v->records[r->order].state ? &v->records[r->order] : NULL;
}

static const char *latest_field(const RecordVerdict *v, const char *key) {
    const Value *f = v && v->latest ? value_get(v->latest, key) : NULL;
    return f && f->kind == VAL_SCALAR ? f->text : NULL;
}

/* "[control: verified]", "[test: pass on 2026-03-02, release 3.2.0]",
 * "[threat: open; threat-unmitigated]". */
static void state_text(Trace *t, const Record *r) {
    const RecordVerdict *v = verdict_of(t->m, r);
    sb_printf(t->sb, "[%s", r->type->name);
    if (v) {
        sb_printf(t->sb, ": %s", v->state);
        if (v->latest) {
            char day[16];
            date_format(v->latest_date, day);
            sb_printf(t->sb, " on %s", day);
            const char *rel = latest_field(v, "release");
            if (rel) sb_printf(t->sb, ", release %s", text_printable(t->a, rel));
        }
        if (v->risk) sb_printf(t->sb, ", residual risk %s", v->risk);
        if (v->rule) sb_printf(t->sb, "; %s", v->rule);
    } else {
        const char *status = record_str(r, "status");
        if (status) sb_printf(t->sb, ": %s", text_printable(t->a, status));
    }
    sb_putc(t->sb, ']');
}

static json_t *jstr(const char *s) {
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    StrBuf sb; /* not UTF-8: given as a terminal would show it */
    sb_init(&sb);
    sb_escape_text(&sb, s, strlen(s), true);
    j = json_string(sb.data ? sb.data : "");
    sb_free(&sb);
    return j;
}

static json_t *node_json(const Model *m, const Record *r, const char *via) {
    json_t *o = json_object();
    if (via) json_object_set_new(o, "link", jstr(via));
    json_object_set_new(o, "id", jstr(r->id));
    json_object_set_new(o, "title", jstr(r->title));
    json_object_set_new(o, "type", jstr(r->type->name));
    const RecordVerdict *v = verdict_of(m, r);
    json_object_set_new(o, "state", jstr(v ? v->state : record_str(r, "status")));
    json_object_set_new(o, "detail", jstr(v ? v->detail : NULL));
    json_object_set_new(o, "rule", jstr(v ? v->rule : NULL));
    if (v && v->risk) json_object_set_new(o, "residual_risk", jstr(v->risk));
    if (v && v->latest) {
        char day[16];
        date_format(v->latest_date, day);
        json_t *l = json_object();
        json_object_set_new(l, "date", jstr(day));
        json_object_set_new(l, "result", jstr(latest_field(v, "result")));
        json_object_set_new(l, "release", jstr(latest_field(v, "release")));
        json_object_set_new(o, "latest", l);
    }
    json_object_set_new(o, "path", jstr(r->loc.path));
    json_object_set_new(o, "line", json_integer(r->loc.line));
    return o;
}

/* The records one step from r in a direction, through links that are not
 * prose mentions: out-links then in-links, each list in model order. */
static void walk(Trace *t, const Record *r, bool down, int depth, json_t *arr) {
    if (depth > t->o->depth) return;
    for (int side = 0; side < 2; side++) {
        size_t n = side == 0 ? r->nout : r->nin;
        for (size_t i = 0; i < n; i++) {
            const Link *l = side == 0 ? r->out[i] : r->in[i];
            if (l->prose) continue;
            const Record *next = side == 0 ? l->to : l->from;
            int step = next->type->trace_level - r->type->trace_level;
            if (down ? step <= 0 : step >= 0) continue;
            const char *via = link_name(l, side == 0);
            bool again = t->seen[next->order];
            if (arr) {
                json_t *o = node_json(t->m, next, via);
                if (again) json_object_set_new(o, "shown_above", json_true());
                json_array_append_new(arr, o);
                if (!again) {
                    t->seen[next->order] = true;
                    json_t *kids = json_array();
                    walk(t, next, down, depth + 1, kids);
                    if (json_array_size(kids)) json_object_set(o, "children", kids);
                    json_decref(kids);
                }
                continue;
            }
            sb_printf(t->sb, "%*s%s %s  %s  ", depth * 2, "", via, text_printable(t->a, next->id),
                      text_printable(t->a, next->title));
            state_text(t, next);
            sb_printf(t->sb, "  (%s:%d)%s\n", text_printable(t->a, next->loc.path), next->loc.line,
                      again ? "  [shown above]" : "");
            if (again) continue;
            t->seen[next->order] = true;
            walk(t, next, down, depth + 1, NULL);
        }
    }
}

void trace_write(StrBuf *sb, Arena *a, const Model *m, const Diag *d, const Record *r,
                 const TraceOptions *o) {
    TraceOptions opts = *o;
    if (opts.depth <= 0) opts.depth = 3;
    bool both = opts.down == opts.up;
    Trace t = {a, m, &opts, sb, arena_alloc(a, (m->nrecords + 1) * sizeof *t.seen)};
    json_t *doc = opts.json ? json_object() : NULL;
    if (doc) {
        json_object_set_new(doc, "record", node_json(m, r, NULL));
    } else {
        sb_printf(sb, "%s  %s  ", text_printable(a, r->id), text_printable(a, r->title));
        state_text(&t, r);
        sb_printf(sb, "  (%s:%d)\n", text_printable(a, r->loc.path), r->loc.line);
    }
    for (int dir = 0; dir < 2; dir++) {
        bool down = dir == 0;
        if (!both && down != opts.down) continue;
        memset(t.seen, 0, (m->nrecords + 1) * sizeof *t.seen);
        t.seen[r->order] = true;
        json_t *arr = doc ? json_array() : NULL;
        if (!doc)
            sb_puts(sb, down ? "down: what answers it, and whether that works\n"
                             : "up: what it serves\n");
        size_t before = sb->len;
        walk(&t, r, down, 1, arr);
        if (doc)
            json_object_set_new(doc, down ? "down" : "up", arr);
        else if (sb->len == before)
            sb_puts(sb, "  (nothing)\n");
    }
    json_t *fs = doc ? json_array() : NULL;
    bool any = false;
    for (size_t i = 0; i < d->n; i++) {
        const Finding *f = &d->items[i];
        if (!f->record || strcmp(f->record, r->id) != 0) continue;
        if (fs) {
            json_t *j = json_object();
            json_object_set_new(j, "severity", jstr(severity_name(f->severity)));
            json_object_set_new(j, "rule", jstr(f->rule));
            json_object_set_new(j, "message", jstr(f->message));
            json_array_append_new(fs, j);
            continue;
        }
        if (!any) sb_printf(sb, "findings on %s:\n", text_printable(a, r->id));
        any = true;
        sb_printf(sb, "  %s: [%s] %s\n", severity_name(f->severity), f->rule,
                  text_printable(a, f->message));
    }
    if (doc) {
        json_object_set_new(doc, "findings", fs);
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text) {
            sb_puts(sb, text);
            sb_putc(sb, '\n');
        }
        free(text);
        json_decref(doc);
    }
}
