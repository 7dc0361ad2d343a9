/* luamodel.c: the frozen model as Lua sees it, built once per run as
 * read-only containers: records with typed fields, links and backlinks by
 * name, findings, the record types and the product. Every collection is an
 * array in a fixed order. Two views, each built when the first output of
 * its audience runs: the full one, and the public one in which internal
 * records do not exist and internal fields are withheld. Part of render/; the shape is in
 * docs/templates.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "renderer.h"

static const char KEY_RECORDS[2] = {0}; /* registry, per view: Record* -> record object */
static const char KEY_MODELS[2] = {0};  /* registry, per view: the model table */
static const char KEY_EMPTY = 0;        /* registry: the one empty array */

/* ---- small builders ------------------------------------------------------------ */

static void set_str(lua_State *L, const char *key, const char *s) {
    if (s)
        lua_pushstring(L, s);
    else
        frozen_push_nil(L);
    lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, lua_Integer v) {
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

static void set_bool(lua_State *L, const char *key, bool v) {
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}

static void push_empty(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_EMPTY);
}

/* Pushes a read-only array of n strings (the empty array when n is 0). */
static void push_strings(lua_State *L, const char *const *items, size_t n, const char *what) {
    if (n == 0) {
        push_empty(L);
        return;
    }
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    frozen_wrap(L, FROZEN_ARRAY, what);
}

/* Wraps the plain array on top as read-only (the shared empty one if empty). */
static void wrap_array(lua_State *L, const char *what) {
    if (lua_rawlen(L, -1) == 0) {
        lua_pop(L, 1);
        push_empty(L);
        return;
    }
    frozen_wrap(L, FROZEN_ARRAY, what);
}

/* ---- audiences --------------------------------------------------------------------- */

/* True when f of rec must not reach a public output: marked internal in
 * the schema or named in the record's internal_fields. */
static bool field_internal(const Record *rec, const FieldDef *f) {
    return record_field_internal(rec, f);
}

static bool record_hidden(lua_State *L, const Record *rec) {
    return renderer_of(L)->public && rec->internal;
}

/* A link is hidden from a public view when either end is internal or the
 * field that holds it is internal on its record. */
static bool link_hidden(lua_State *L, const Link *l) {
    if (!renderer_of(L)->public) return false;
    return l->from->internal || l->to->internal || (l->field && field_internal(l->from, l->field));
}

/* True when the ID names an internal record and the view is public. */
static bool id_hidden(lua_State *L, const char *id) {
    if (!renderer_of(L)->public) return false;
    const Record *rec = model_find(renderer_of(L)->model, id);
    return rec && rec->internal;
}

void luamodel_push_record(lua_State *L, const Record *rec) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RECORDS[renderer_of(L)->public]); /* +1 */
    lua_rawgetp(L, -1, rec);                                                 /* +1 */
    lua_remove(L, -2);
}

const Record *luamodel_record(lua_State *L, int idx) {
    return frozen_kind(L, idx) == FROZEN_RECORD ? frozen_ptr(L, idx) : NULL;
}

/* ---- field values ------------------------------------------------------------- */

static void push_value(lua_State *L, const FieldDef *f, const Value *v);

/* An entry: a map with every sub-field of f (absent ones read as nil). */
static void push_entry(lua_State *L, const FieldDef *f, const Value *v) {
    lua_createtable(L, 0, (int)f->nsub);
    for (size_t i = 0; i < f->nsub; i++) {
        frozen_push_nil(L);
        lua_setfield(L, -2, f->sub[i].name);
    }
    for (size_t i = 0; i < v->n; i++) {
        const FieldDef *sub = schema_subfield(f, v->keys[i]);
        if (!sub || v->items[i]->kind == VAL_NULL) continue;
        push_value(L, sub, v->items[i]);
        lua_setfield(L, -2, sub->name);
    }
    frozen_wrap(L, FROZEN_MAP, f->name);
}

static void push_scalar_list(lua_State *L, const FieldDef *f, const Value *v) {
    if (v->kind == VAL_SCALAR) {
        lua_createtable(L, 1, 0);
        if (!(f->kind == FK_LINKS && id_hidden(L, v->text))) {
            lua_pushlstring(L, v->text, v->len);
            lua_rawseti(L, -2, 1);
        }
    } else {
        lua_createtable(L, (int)v->n, 0);
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != VAL_SCALAR) continue;
            if (f->kind == FK_LINKS && id_hidden(L, v->items[i]->text)) continue;
            lua_pushlstring(L, v->items[i]->text, v->items[i]->len);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
    }
    wrap_array(L, f->name);
}

/* Pushes v typed by its field definition: strings, numbers, booleans,
 * arrays, maps; nil marker when the loaded value does not fit the kind. */
static void push_value(lua_State *L, const FieldDef *f, const Value *v) {
    if (!v || v->kind == VAL_NULL) {
        frozen_push_nil(L);
        return;
    }
    switch (f->kind) {
    case FK_STRING:
    case FK_TEXT:
    case FK_DATE:
    case FK_ENUM:
    case FK_LINK:
        if (v->kind == VAL_SCALAR && !(f->kind == FK_LINK && id_hidden(L, v->text)))
            lua_pushlstring(L, v->text, v->len);
        else
            frozen_push_nil(L);
        return;
    case FK_INT:
    case FK_NUMBER: {
        if (v->kind != VAL_SCALAR) break;
        char *end;
        long long i = strtoll(v->text, &end, 10);
        if (*v->text && !*end) {
            lua_pushinteger(L, (lua_Integer)i);
            return;
        }
        double d = strtod(v->text, &end);
        if (*v->text && !*end)
            lua_pushnumber(L, d);
        else
            lua_pushlstring(L, v->text, v->len);
        return;
    }
    case FK_BOOL:
        if (v->kind != VAL_SCALAR) break;
        lua_pushboolean(L, strcmp(v->text, "true") == 0);
        return;
    case FK_LINKS:
    case FK_LIST:
        if (v->kind != VAL_SCALAR && v->kind != VAL_LIST) break;
        push_scalar_list(L, f, v);
        return;
    case FK_ENTRY:
        if (v->kind != VAL_MAP) break;
        push_entry(L, f, v);
        return;
    case FK_ENTRIES:
        if (v->kind != VAL_LIST) break;
        lua_createtable(L, (int)v->n, 0);
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != VAL_MAP) continue;
            push_entry(L, f, v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, f->name);
        return;
    }
    frozen_push_nil(L);
}

/* ---- record types --------------------------------------------------------------- */

static void push_field_defs(lua_State *L, const FieldDef *defs, size_t n);

static void push_field_def(lua_State *L, const FieldDef *f) {
    lua_createtable(L, 0, 12);
    set_str(L, "name", f->name);
    set_str(L, "kind", field_kind_name(f->kind));
    set_bool(L, "required", f->required);
    set_bool(L, "internal", f->internal);
    set_str(L, "doc", f->doc);
    push_strings(L, f->values, f->nvalues, "values");
    lua_setfield(L, -2, "values");
    lua_createtable(L, 0, (int)f->nvalues); /* value -> its title (the value without one) */
    for (size_t i = 0; i < f->nvalues; i++) {
        lua_pushstring(L, f->titles ? f->titles[i] : f->values[i]);
        lua_setfield(L, -2, f->values[i]);
    }
    frozen_wrap(L, FROZEN_MAP, "the titles of a field's values");
    lua_setfield(L, -2, "titles");
    push_strings(L, f->targets, f->ntargets, "targets");
    lua_setfield(L, -2, "targets");
    set_str(L, "inverse", f->inverse);
    set_str(L, "pattern", f->pattern);
    push_field_defs(L, f->sub, f->nsub);
    lua_setfield(L, -2, "sub");
    frozen_wrap(L, FROZEN_MAP, "a field definition");
}

static void push_field_defs(lua_State *L, const FieldDef *defs, size_t n) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_field_def(L, &defs[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "field definitions");
}

/* The names a record of type t can have links under: its link fields, the
 * inverse names of link fields that target it, and the prose mentions. */
static void push_link_names(lua_State *L, const Schema *s, const RecordType *t) {
    lua_newtable(L);
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].kind == FK_LINK || t->fields[i].kind == FK_LINKS) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, t->fields[i].name);
        }
    for (size_t k = 0; k < s->ntypes; k++)
        for (size_t i = 0; i < s->types[k].nfields; i++) {
            const FieldDef *f = &s->types[k].fields[i];
            if (f->kind != FK_LINK && f->kind != FK_LINKS) continue;
            for (size_t j = 0; j < f->ntargets; j++)
                if (strcmp(f->targets[j], t->name) == 0) {
                    lua_pushboolean(L, 1);
                    lua_setfield(L, -2, f->inverse ? f->inverse : "linked_from");
                }
        }
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "mentions");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "mentioned_by");
}

static void push_type(lua_State *L, const RecordType *t) {
    lua_createtable(L, 0, 8);
    set_str(L, "name", t->name);
    set_str(L, "title", t->title);
    set_str(L, "plural", t->plural);
    set_str(L, "doc", t->doc);
    push_strings(L, t->prefixes, t->nprefixes, "prefixes");
    lua_setfield(L, -2, "prefixes");
    push_field_defs(L, t->fields, t->nfields);
    lua_setfield(L, -2, "fields");
    frozen_wrap(L, FROZEN_MAP, t->name);
}

/* ---- records ---------------------------------------------------------------------- */

typedef struct Related {
    const char *name;
    const Record *rec;
} Related;

static int cmp_related(const void *pa, const void *pb) {
    const Related *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : id_compare(a->rec->id, b->rec->id);
}

/* rel: name -> array of records, every name the type can have present
 * (empty when none). Links written on either side merge under one name. */
static void push_rel(lua_State *L, const Record *rec, Related *buf, int link_names,
                     const char *what) {
    size_t n = 0;
    for (size_t i = 0; i < rec->nout; i++)
        if (!link_hidden(L, rec->out[i]))
            buf[n++] = (Related){link_name(rec->out[i], true), rec->out[i]->to};
    for (size_t i = 0; i < rec->nin; i++)
        if (!link_hidden(L, rec->in[i]))
            buf[n++] = (Related){link_name(rec->in[i], false), rec->in[i]->from};
    qsort(buf, n, sizeof *buf, cmp_related);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, link_names)) { /* every known name: empty */
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        push_empty(L);
        lua_rawset(L, -4);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        lua_newtable(L);
        for (; j < n && strcmp(buf[j].name, buf[i].name) == 0; j++) {
            if (j > i && buf[j].rec == buf[j - 1].rec) continue;
            luamodel_push_record(L, buf[j].rec);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, buf[i].name);
        lua_setfield(L, -2, buf[i].name);
        i = j;
    }
    for (size_t i = 0; renderer_of(L)->public && i < rec->type->nfields; i++) {
        const FieldDef *f = &rec->type->fields[i];
        if ((f->kind == FK_LINK || f->kind == FK_LINKS) && field_internal(rec, f)) {
            frozen_push_withheld(L);
            lua_setfield(L, -2, f->name);
        }
    }
    frozen_wrap(L, FROZEN_MAP, what);
}

/* links or backlinks: array of {name, record, path, line}, prose excluded;
 * mentions or mentioned_by: array of records. */
static void push_links(lua_State *L, Link *const *links, size_t n, bool out, bool prose) {
    lua_newtable(L);
    for (size_t i = 0; i < n; i++) {
        const Link *l = links[i];
        if (l->prose != prose || link_hidden(L, l)) continue;
        if (prose) {
            luamodel_push_record(L, out ? l->to : l->from);
        } else {
            lua_createtable(L, 0, 4);
            set_str(L, "name", link_name(l, out));
            luamodel_push_record(L, out ? l->to : l->from);
            lua_setfield(L, -2, "record");
            set_str(L, "path", l->loc.path);
            set_int(L, "line", l->loc.line);
            frozen_wrap(L, FROZEN_MAP, "a link");
        }
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, prose ? (out ? "mentions" : "mentioned_by") : (out ? "links" : "backlinks"));
}

/* ---- verdicts (model/verdict.h): what the check stage judged ------------------------ */

static void push_record_list(lua_State *L, const Record *const *recs, size_t n, const char *what);

/* record.verdict: the check stage's state of the record, nil for a type
 * without one; for a test, latest is its latest results entry (nil when
 * the view withholds the results). */
static void push_record_verdict(lua_State *L, Renderer *r, const Record *rec) {
    const Verdicts *vs = r->model->verdicts;
    const RecordVerdict *v = vs && rec->order < vs->nrecords ? &vs->records[rec->order] : NULL;
    if (!v || !v->state) {
        frozen_push_nil(L);
        return;
    }
    lua_createtable(L, 0, 16);
    set_str(L, "state", v->state);
    set_str(L, "detail", v->detail && !id_hidden(L, v->detail) ? v->detail : NULL);
    set_str(L, "rule", v->rule);
    set_str(L, "risk", v->risk);
    set_str(L, "risk_source", v->risk_source);
    if (v->cvss_rating)
        lua_pushnumber(L, v->cvss_score); /* +1 */
    else
        frozen_push_nil(L);            /* +1 */
    lua_setfield(L, -2, "cvss_score"); /* -1 */
    set_str(L, "cvss_rating", v->cvss_rating);
    set_str(L, "cvss_version", v->cvss_version);
    if (v->cvss4_rating)
        lua_pushnumber(L, v->cvss4_score); /* +1 */
    else
        frozen_push_nil(L);             /* +1 */
    lua_setfield(L, -2, "cvss4_score"); /* -1 */
    set_str(L, "cvss4_rating", v->cvss4_rating);
    set_str(L, "cvss4_nomenclature", v->cvss4_nomenclature);
    set_str(L, "tested_release", v->tested_release);
    set_str(L, "build", v->build);
    set_str(L, "fixed_date", v->fixed_date);
    set_str(L, "tlp", v->tlp);
    set_str(L, "csaf_tlp", v->csaf_tlp);
    set_bool(L, "embargoed", v->embargoed);
    push_record_list(L, v->parts_affected, v->nparts_affected, "parts_affected");
    lua_setfield(L, -2, "parts_affected");
    push_record_list(L, v->parts_unaffected, v->nparts_unaffected, "parts_unaffected");
    lua_setfield(L, -2, "parts_unaffected");
    const FieldDef *f = v->latest ? schema_field(rec->type, "results") : NULL;
    if (f && !(r->public && field_internal(rec, f)))
        push_entry(L, f, v->latest);
    else
        frozen_push_nil(L);
    lua_setfield(L, -2, "latest");
    frozen_wrap(L, FROZEN_MAP, arena_printf(&r->arena, "the verdict on %s", rec->id));
}

static void fill_record(lua_State *L, Renderer *r, const Record *rec, int obj, int types_by_name,
                        int link_names, int findings, Related *buf) {
    const RecordType *t = rec->type;
    frozen_push_hidden(L, obj); /* +1 */
    set_str(L, "id", rec->id);
    const FieldDef *title = schema_field(t, "title");
    if (renderer_of(L)->public && title && field_internal(rec, title))
        frozen_push_withheld(L);
    else
        lua_pushstring(L, rec->title);
    lua_setfield(L, -2, "title");
    set_str(L, "type", t->name);
    set_str(L, "type_title", t->title);
    set_str(L, "plural", t->plural);
    lua_getfield(L, types_by_name, t->name);
    lua_setfield(L, -2, "record_type");
    set_str(L, "path", rec->path);
    set_int(L, "line", rec->loc.line);
    set_bool(L, "internal", rec->internal);
    lua_pushfstring(L, "%s/%s.html", t->plural, rec->id);
    lua_setfield(L, -2, "page");
    lua_pushlstring(L, rec->body ? rec->body : "", rec->body ? rec->body_len : 0);
    lua_setfield(L, -2, "body_markdown");
    set_int(L, "body_line", rec->body_line);

    lua_createtable(L, 0, (int)t->nfields);
    for (size_t i = 0; i < t->nfields; i++) {
        if (r->public && field_internal(rec, &t->fields[i]))
            frozen_push_withheld(L);
        else
            push_value(L, &t->fields[i], rec->fields[i].value);
        lua_setfield(L, -2, t->fields[i].name);
    }
    frozen_wrap(L, FROZEN_MAP,
                arena_printf(&r->arena, "the fields of %s (a %s)", rec->id, t->name));
    lua_setfield(L, -2, "fields");

    lua_getfield(L, link_names, t->name); /* +1 this type's names */
    push_rel(L, rec, buf, lua_gettop(L), arena_printf(&r->arena, "the links of %s", rec->id));
    lua_setfield(L, -3, "rel");
    lua_pop(L, 1);
    push_links(L, rec->out, rec->nout, true, false);
    lua_setfield(L, -2, "links");
    push_links(L, rec->in, rec->nin, false, false);
    lua_setfield(L, -2, "backlinks");
    push_links(L, rec->out, rec->nout, true, true);
    lua_setfield(L, -2, "mentions");
    push_links(L, rec->in, rec->nin, false, true);
    lua_setfield(L, -2, "mentioned_by");

    if (lua_rawgetp(L, findings, rec) == LUA_TNIL) { /* +1 */
        lua_pop(L, 1);
        push_empty(L);
    } else {
        frozen_wrap(L, FROZEN_ARRAY, "findings");
    }
    lua_setfield(L, -2, "findings");
    push_record_verdict(L, r, rec);
    lua_setfield(L, -2, "verdict");
    lua_pop(L, 1);
}

/* ---- findings and product ----------------------------------------------------------- */

/* model.findings, and per record (keyed by Record*) the plain arrays of
 * its findings in the table at by_record. */
static void push_findings(lua_State *L, const Model *m, const Diag *d, int by_record) {
    size_t n = d && !renderer_of(L)->public ? d->n : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const Finding *f = &d->items[i];
        const Record *rec = f->record ? model_find(m, f->record) : NULL;
        lua_createtable(L, 0, 8);
        set_str(L, "path", f->loc.path);
        set_int(L, "line", f->loc.line);
        set_int(L, "col", f->loc.col);
        set_str(L, "severity", severity_name(f->severity));
        set_str(L, "rule", f->rule);
        set_str(L, "message", f->message);
        set_str(L, "record_id", f->record);
        if (rec)
            luamodel_push_record(L, rec);
        else
            frozen_push_nil(L);
        lua_setfield(L, -2, "record");
        frozen_wrap(L, FROZEN_MAP, "a finding");
        if (rec) {
            if (lua_rawgetp(L, by_record, rec) == LUA_TNIL) {
                lua_pop(L, 1);
                lua_newtable(L);
                lua_pushvalue(L, -1);
                lua_rawsetp(L, by_record, rec);
            }
            lua_pushvalue(L, -2);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            lua_pop(L, 1);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "findings");
}

/* model.finding_groups and model.finding_counts: the findings by severity
 * (errors first) then by rule (in name order), with the counts, made once
 * here from the same list `dossier check` counts; the array of findings is
 * at index findings. Empty in a public view. */
/* By rule, then in the list's order (the findings are one array, so their
 * addresses keep it). */
static int cmp_by_rule(const void *pa, const void *pb) {
    const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
    int c = strcmp(a->rule, b->rule);
    return c ? c : (a > b) - (a < b);
}

static void push_finding_groups(lua_State *L, const Diag *d, int findings) {
    static const Severity order[] = {SEV_ERROR, SEV_WARNING, SEV_NOTE};
    static const char *const titles[] = {"Errors", "Warnings", "Notes"};
    size_t n = d && !renderer_of(L)->public ? d->n : 0; /* as push_findings */
    if (n) {
        lua_getiuservalue(L, findings, 1); /* the array under its read-only proxy */
        findings = lua_gettop(L);
    }
    const Finding **idx = xmalloc((n ? n : 1) * sizeof *idx);
    lua_createtable(L, 3, 0); /* groups */
    lua_createtable(L, 0, 3); /* counts */
    for (int k = 0; k < 3; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (d->items[i].severity == order[k]) idx[m++] = &d->items[i];
        if (m) qsort(idx, m, sizeof *idx, cmp_by_rule);
        set_int(L, severity_name(order[k]), (lua_Integer)m);
        lua_createtable(L, 0, 4);
        set_str(L, "severity", severity_name(order[k]));
        set_str(L, "title", titles[k]);
        set_int(L, "count", (lua_Integer)m);
        lua_newtable(L); /* rules */
        for (size_t i = 0; i < m;) {
            size_t j = i;
            while (j < m && strcmp(idx[j]->rule, idx[i]->rule) == 0)
                j++;
            lua_createtable(L, 0, 2);
            set_str(L, "rule", idx[i]->rule);
            lua_createtable(L, (int)(j - i), 0);
            for (size_t x = i; x < j; x++) {
                lua_rawgeti(L, findings, (lua_Integer)(idx[x] - d->items) + 1);
                lua_rawseti(L, -2, (lua_Integer)(x - i) + 1);
            }
            wrap_array(L, "the findings of a rule");
            lua_setfield(L, -2, "findings");
            frozen_wrap(L, FROZEN_MAP, "the findings of one rule");
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            i = j;
        }
        wrap_array(L, "the rules of a severity");
        lua_setfield(L, -2, "rules");
        frozen_wrap(L, FROZEN_MAP, "the findings of one severity");
        lua_rawseti(L, -3, k + 1);
    }
    free(idx);
    frozen_wrap(L, FROZEN_MAP, "model.finding_counts");
    lua_insert(L, -2);
    wrap_array(L, "model.finding_groups");
    if (n) lua_remove(L, findings);
}

static void push_product(lua_State *L, const Product *p) {
    lua_createtable(L, 0, 16);
    set_str(L, "name", p->name);
    set_str(L, "version", p->version);
    set_str(L, "description", p->description);
    set_str(L, "intended_use", p->intended_use);
    set_str(L, "use_environment", p->use_environment);
    set_str(L, "manufacturer", p->manufacturer);
    set_str(L, "manufacturer_address", p->manufacturer_address);
    set_str(L, "manufacturer_url", p->manufacturer_url);
    set_str(L, "cyber_device", p->cyber_device);
    set_str(L, "cyber_device_reason", p->cyber_device_reason);
    set_str(L, "date", p->date);
    set_str(L, "cvd_policy_url", p->cvd_policy_url);
    push_strings(L, p->models, p->nmodels, "models");
    lua_setfield(L, -2, "models");
    lua_createtable(L, (int)p->ncontacts, 0);
    for (size_t i = 0; i < p->ncontacts; i++) {
        const Contact *c = &p->contacts[i];
        lua_createtable(L, 0, 5);
        set_str(L, "role", c->role);
        set_str(L, "name", c->name);
        set_str(L, "email", c->email);
        set_str(L, "url", c->url);
        set_str(L, "phone", c->phone);
        frozen_wrap(L, FROZEN_MAP, "a contact");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "contacts");
    lua_setfield(L, -2, "contacts");
    lua_createtable(L, (int)p->njustifications, 0);
    for (size_t i = 0; i < p->njustifications; i++) {
        const Justification *j = &p->justifications[i];
        lua_createtable(L, 0, 6);
        set_str(L, "kind", j->kind);
        set_str(L, "name", j->name);
        set_str(L, "state", j->state);
        set_str(L, "reason", j->reason);
        set_str(L, "path", j->loc.path);
        set_int(L, "line", j->loc.line);
        frozen_wrap(L, FROZEN_MAP, "a justification");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "justifications");
    lua_setfield(L, -2, "justifications");
    if (p->risk_matrix) {
        lua_createtable(L, (int)p->nrisk_rows, 0);
        for (size_t i = 0; i < p->nrisk_rows; i++) {
            const RiskRow *row = &p->risk_rows[i];
            size_t ne = 0;
            while (row->exploitability[ne])
                ne++;
            lua_createtable(L, 0, 2);
            set_str(L, "severity", row->severity);
            push_strings(L, row->exploitability, ne, "the acceptable exploitabilities");
            lua_setfield(L, -2, "exploitability");
            frozen_wrap(L, FROZEN_MAP, "a row of the risk acceptance matrix");
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        wrap_array(L, "product.risk_acceptance");
    } else {
        frozen_push_nil(L);
    }
    lua_setfield(L, -2, "risk_acceptance");
    frozen_wrap(L, FROZEN_MAP, "product");
}

/* Pushes the record object, or nil when the view hides it. */
static void push_record_or_nil(lua_State *L, const Record *rec) {
    if (rec && !record_hidden(L, rec))
        luamodel_push_record(L, rec);
    else
        frozen_push_nil(L);
}

static void push_checklist(lua_State *L, const Verdicts *v) {
    size_t n = renderer_of(L)->public ? 0 : v->nchecklist;
    size_t counts[5] = {0};
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const ChecklistItem *it = &v->checklist[i];
        counts[it->state]++;
        lua_createtable(L, 0, 6);
        set_str(L, "ref", it->ref);
        set_str(L, "question", it->question);
        set_str(L, "state", verdict_state_name(it->state));
        set_str(L, "detail", it->detail);
        set_str(L, "rules", it->rules);
        lua_createtable(L, (int)it->nrecords, 0);
        for (size_t k = 0; k < it->nrecords; k++) {
            luamodel_push_record(L, it->records[k]);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        wrap_array(L, "the records of a checklist item");
        lua_setfield(L, -2, "records");
        frozen_wrap(L, FROZEN_MAP, "a checklist item");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.verdicts.checklist");
    lua_setfield(L, -2, "checklist");
    lua_createtable(L, 0, 5);
    for (int s = VERDICT_PASS; s <= VERDICT_MANUAL; s++)
        set_int(L, verdict_state_name((VerdictState)s), (lua_Integer)counts[s]);
    frozen_wrap(L, FROZEN_MAP, "model.verdicts.checklist_counts");
    lua_setfield(L, -2, "checklist_counts");
}

static void push_matrix(lua_State *L, const Verdicts *v) {
    size_t n = renderer_of(L)->public ? 0 : v->nmatrix;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const MatrixRow *row = &v->matrix[i];
        lua_createtable(L, 0, 9);
        push_record_or_nil(L, row->threat);
        lua_setfield(L, -2, "threat");
        push_record_or_nil(L, row->control);
        lua_setfield(L, -2, "control");
        push_record_or_nil(L, row->test);
        lua_setfield(L, -2, "test");
        const RecordVerdict *tv = row->test ? &v->records[row->test->order] : NULL;
        char date[16];
        if (tv && tv->latest) date_format(tv->latest_date, date);
        set_str(L, "result", tv && tv->latest ? tv->state : NULL);
        set_str(L, "result_date", tv && tv->latest ? date : NULL);
        set_str(L, "gap", row->gap);
        set_str(L, "rule", row->rule);
        set_int(L, "gap_number", (lua_Integer)row->gap_number);
        if (row->control_rows)
            lua_pushinteger(L, (lua_Integer)row->control_rows);
        else
            frozen_push_nil(L); /* not the first row of its control */
        lua_setfield(L, -2, "control_rows");
        frozen_wrap(L, FROZEN_MAP, "a row of the traceability matrix");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.verdicts.matrix");
    lua_setfield(L, -2, "matrix");
    set_int(L, "gaps", renderer_of(L)->public ? 0 : (lua_Integer)v->gaps);
}

/* ---- the postmarket report's verdicts ------------------------------------------------ */

static void set_date(lua_State *L, const char *key, PmDays d) {
    char buf[16];
    if (d.known) date_format(d.days, buf);
    set_str(L, key, d.known ? buf : NULL);
}

static void set_days(lua_State *L, const char *key, PmDays d) {
    if (d.known)
        lua_pushinteger(L, (lua_Integer)d.days);
    else
        frozen_push_nil(L);
    lua_setfield(L, -2, key);
}

static void set_record(lua_State *L, const char *key, const Record *r) {
    push_record_or_nil(L, r);
    lua_setfield(L, -2, key);
}

static void push_record_list(lua_State *L, const Record *const *recs, size_t n, const char *what) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (record_hidden(L, recs[i])) continue;
        luamodel_push_record(L, recs[i]);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, what);
}

static void push_deadline(lua_State *L, const PmDeadline *d) {
    lua_createtable(L, 0, 7);
    set_str(L, "state", d->state);
    set_date(L, "date", d->done);
    set_days(L, "days", (PmDays){true, d->days});
    set_date(L, "due", (PmDays){true, d->due});
    set_record(L, "via", d->via);
    set_str(L, "rule", d->rule);
    set_bool(L, "late", d->rule != NULL);
    frozen_wrap(L, FROZEN_MAP, "a 30/60-day deadline");
}

static void push_pm_vulnerabilities(lua_State *L, const PmVulnerability *vs, size_t n,
                                    const char *what) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const PmVulnerability *v = &vs[i];
        lua_createtable(L, 0, 12);
        set_record(L, "record", v->record);
        set_bool(L, "uncontrolled", v->uncontrolled);
        if (v->uncontrolled && v->told.state) {
            push_deadline(L, &v->told);
            lua_setfield(L, -2, "told");
            push_deadline(L, &v->fixed);
            lua_setfield(L, -2, "fixed");
        } else {
            set_str(L, "told", NULL);
            set_str(L, "fixed", NULL);
        }
        set_date(L, "fixed_date", v->fixed_date);
        set_record(L, "release", v->release);
        set_days(L, "to_release", v->to_release);
        set_date(L, "deployed", v->deployed);
        set_days(L, "to_deployment", v->to_deployment);
        if (v->uncontrolled && v->exposure_known)
            lua_pushnumber(L, v->exposure);
        else
            frozen_push_nil(L);
        lua_setfield(L, -2, "exposure");
        push_record_list(L, v->carriers, v->ncarriers, "the releases that carry it");
        lua_setfield(L, -2, "carriers");
        frozen_wrap(L, FROZEN_MAP, what);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "the vulnerabilities of the period");
}

static void push_pm_release(lua_State *L, const PmRelease *r) {
    lua_createtable(L, 0, 11);
    set_record(L, "record", r->record);
    set_bool(L, "in_period", r->in_period);
    set_date(L, "figure_date", r->figure_date);
    if (r->figure_date.known)
        lua_pushnumber(L, r->percent);
    else
        frozen_push_nil(L);
    lua_setfield(L, -2, "percent");
    if (r->figure_date.known)
        lua_pushnumber(L, r->peak);
    else
        frozen_push_nil(L);
    lua_setfield(L, -2, "peak");
    set_days(L, "to_50", r->to_50);
    set_days(L, "to_90", r->to_90);
    set_str(L, "eos_state", r->eos_state);
    set_date(L, "eos", r->eos);
    set_days(L, "eos_days", r->eos_days);
    frozen_wrap(L, FROZEN_MAP, "a release of the postmarket period");
}

static void push_stats(lua_State *L, const MetricStats *s, const char *what) {
    lua_createtable(L, 0, 5);
    set_int(L, "n", (lua_Integer)s->n);
    const char *keys[] = {"mean", "median", "min", "max"};
    double vals[] = {s->mean, s->median, s->min, s->max};
    for (int k = 0; k < 4; k++) {
        if (s->n)
            lua_pushnumber(L, vals[k]);
        else
            frozen_push_nil(L);
        lua_setfield(L, -2, keys[k]);
    }
    frozen_wrap(L, FROZEN_MAP, what);
}

/* The FDA metrics by severity (check/postmarket.c): an array of groups. */
static void push_metrics(lua_State *L, const FdaMetrics *m, const char *what) {
    lua_createtable(L, (int)m->ngroups, 0);
    for (size_t i = 0; i < m->ngroups; i++) {
        const MetricGroup *g = &m->groups[i];
        lua_createtable(L, 0, 7);
        set_str(L, "severity", g->severity);
        set_int(L, "total", (lua_Integer)g->total);
        set_int(L, "patched", (lua_Integer)g->patched);
        if (g->total)
            lua_pushnumber(L, 100.0 * (double)g->patched / (double)g->total);
        else
            frozen_push_nil(L);
        lua_setfield(L, -2, "share");
        push_stats(L, &g->to_patch, "days to patch");
        lua_setfield(L, -2, "to_patch");
        push_stats(L, &g->to_field, "days to field");
        lua_setfield(L, -2, "to_field");
        push_record_list(L, g->records, g->nrecords, "the vulnerabilities of a metrics group");
        lua_setfield(L, -2, "records");
        frozen_wrap(L, FROZEN_MAP, "a group of the FDA metrics");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, what);
}

/* model.verdicts.postmarket: the postmarket report's period and what the
 * check stage judged over it (check/postmarket.c); nil in the public view. */
static void push_postmarket(lua_State *L, const Postmarket *p) {
    if (renderer_of(L)->public) {
        frozen_push_nil(L);
        return;
    }
    lua_createtable(L, 0, 24);
    set_date(L, "from", (PmDays){true, p->from});
    set_date(L, "to", (PmDays){true, p->to});
    set_int(L, "days", (lua_Integer)(p->to - p->from + 1));
    set_int(L, "field_threshold", p->field_threshold);

    lua_createtable(L, (int)p->nsources, 0);
    for (size_t i = 0; i < p->nsources; i++) {
        const PmSource *s = &p->sources[i];
        lua_createtable(L, 0, 8);
        set_record(L, "record", s->record);
        set_int(L, "every", (lua_Integer)s->every);
        set_int(L, "planned", (lua_Integer)s->planned);
        set_int(L, "ran", (lua_Integer)s->ran);
        set_int(L, "signals", (lua_Integer)s->signals);
        set_date(L, "last_run", s->last_run);
        set_str(L, "state", s->state);
        set_str(L, "rule", s->rule);
        frozen_wrap(L, FROZEN_MAP, "a surveillance source");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.verdicts.postmarket.sources");
    lua_setfield(L, -2, "sources");

    lua_createtable(L, (int)p->nsignals, 0);
    for (size_t i = 0; i < p->nsignals; i++) {
        const PmSignal *s = &p->signals[i];
        lua_createtable(L, 0, 6);
        set_record(L, "record", s->record);
        set_record(L, "source", s->source);
        set_days(L, "triage_days", s->triage_days);
        set_days(L, "target", s->target);
        set_str(L, "state", s->state);
        set_str(L, "rule", s->rule);
        frozen_wrap(L, FROZEN_MAP, "a signal of the period");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "model.verdicts.postmarket.signals");
    lua_setfield(L, -2, "signals");

    push_pm_vulnerabilities(L, p->vulnerabilities, p->nvulnerabilities,
                            "a vulnerability of the period");
    lua_setfield(L, -2, "vulnerabilities");
    push_pm_vulnerabilities(L, p->exposed, p->nexposed, "an uncontrolled-risk vulnerability");
    lua_setfield(L, -2, "exposed");
    push_record_list(L, p->late, p->nlate, "model.verdicts.postmarket.late");
    lua_setfield(L, -2, "late");
    push_record_list(L, p->discovered, p->ndiscovered, "model.verdicts.postmarket.discovered");
    lua_setfield(L, -2, "discovered");
    push_record_list(L, p->remediated, p->nremediated, "model.verdicts.postmarket.remediated");
    lua_setfield(L, -2, "remediated");
    push_record_list(L, p->eos_components, p->neos_components,
                     "model.verdicts.postmarket.eos_components");
    lua_setfield(L, -2, "eos_components");
    push_record_list(L, p->incidents, p->nincidents, "model.verdicts.postmarket.incidents");
    lua_setfield(L, -2, "incidents");

    /* releases: made in the period; the fleet (a figure by the end); end of support */
    const char *lists[] = {"releases", "fleet", "release_eos"};
    for (int k = 0; k < 3; k++) {
        lua_createtable(L, (int)p->nreleases, 0);
        for (size_t i = 0; i < p->nreleases; i++) {
            const PmRelease *r = &p->releases[i];
            bool in = k == 0 ? r->in_period : k == 1 ? r->figure_date.known : r->eos_state != NULL;
            if (!in) continue;
            push_pm_release(L, r);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, "the releases of the postmarket period");
        lua_setfield(L, -2, lists[k]);
    }
    lua_pushnumber(L, p->fleet_total);
    lua_setfield(L, -2, "fleet_total");
    set_date(L, "fleet_date", p->fleet_date);

    lua_createtable(L, (int)p->ndocuments, 0);
    for (size_t i = 0; i < p->ndocuments; i++) {
        const PmDocument *d = &p->documents[i];
        lua_createtable(L, 0, 5);
        set_record(L, "record", d->record);
        set_str(L, "kind", d->kind);
        set_date(L, "date", (PmDays){true, d->date});
        set_str(L, "number", d->number);
        set_str(L, "summary", d->summary);
        frozen_wrap(L, FROZEN_MAP, "a customer document revised in the period");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.verdicts.postmarket.documents");
    lua_setfield(L, -2, "documents");

    lua_createtable(L, 0, 10);
    set_int(L, "signals", (lua_Integer)p->nsignals);
    set_int(L, "late_triage", (lua_Integer)p->late_triage);
    set_int(L, "sources", (lua_Integer)p->nsources);
    set_int(L, "short_sources", (lua_Integer)p->short_sources);
    set_int(L, "vulnerabilities", (lua_Integer)p->nvulnerabilities);
    set_int(L, "late", (lua_Integer)p->nlate);
    set_int(L, "incidents", (lua_Integer)p->nincidents);
    set_int(L, "incomplete_incidents", (lua_Integer)p->incomplete_incidents);
    set_int(L, "releases", (lua_Integer)p->releases_in_period);
    set_int(L, "documents", (lua_Integer)p->ndocuments);
    frozen_wrap(L, FROZEN_MAP, "model.verdicts.postmarket.counts");
    lua_setfield(L, -2, "counts");
    push_metrics(L, &p->metrics, "model.verdicts.postmarket.metrics");
    lua_setfield(L, -2, "metrics");
    frozen_wrap(L, FROZEN_MAP, "model.verdicts.postmarket");
}

/* ---- the supported releases' customer documents ------------------------------------ */

/* A component of a supported release: {id, record, fields}; record nil
 * for one only an earlier release's SBOM lists, whose fields are then
 * typed by the component record type. NULL-free: every field is set. */
static void push_version_component(lua_State *L, const ReleaseComponent *rc) {
    lua_createtable(L, 0, 3);
    set_str(L, "id", rc->id);
    if (rc->record) {
        luamodel_push_record(L, rc->record);
        lua_getfield(L, -1, "fields");
        lua_setfield(L, -3, "fields");
        lua_setfield(L, -2, "record");
    } else {
        const RecordType *t = schema_type(renderer_of(L)->model->schema, "component");
        lua_createtable(L, 0, t ? (int)t->nfields : 0);
        for (size_t i = 0; t && i < t->nfields; i++) {
            push_value(L, &t->fields[i], value_get(rc->fields, t->fields[i].name));
            lua_setfield(L, -2, t->fields[i].name);
        }
        frozen_wrap(L, FROZEN_MAP, "the fields of a release's component");
        lua_setfield(L, -2, "fields");
        frozen_push_nil(L);
        lua_setfield(L, -2, "record");
    }
    frozen_wrap(L, FROZEN_MAP, "a component of a supported release");
}

/* model.verdicts.versions: the supported releases, newest first, each with
 * its components and how each vulnerability stands in it (check/versions.c). */
static void push_mds2_answer(lua_State *L, const Mds2Answer *a, int records);

static void push_version_vulnerabilities(lua_State *L, const SupportedVersion *sv) {
    lua_createtable(L, (int)sv->nvulnerabilities, 0);
    for (size_t k = 0; k < sv->nvulnerabilities; k++) {
        const VersionVulnerability *vv = &sv->vulnerabilities[k];
        if (record_hidden(L, vv->record)) continue;
        lua_createtable(L, 0, 4);
        set_record(L, "record", vv->record);
        set_str(L, "state", vv->state);
        set_str(L, "justification", vv->justification);
        set_record(L, "fixed_by", vv->fixed_by);
        frozen_wrap(L, FROZEN_MAP, "a vulnerability in a release");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "the vulnerabilities of a release");
}

/* model.verdicts.release_states: every release, newest first, with how
 * each vulnerability stands in it and whether it is still supported. */
static void push_release_states(lua_State *L, const Verdicts *v) {
    lua_createtable(L, (int)v->nversions, 0);
    for (size_t i = 0; i < v->nversions; i++) {
        const SupportedVersion *sv = &v->versions[i];
        if (record_hidden(L, sv->record)) continue;
        lua_createtable(L, 0, 3);
        set_record(L, "record", sv->record);
        set_bool(L, "supported", sv->supported);
        push_version_vulnerabilities(L, sv);
        lua_setfield(L, -2, "vulnerabilities");
        frozen_wrap(L, FROZEN_MAP, "a release's vulnerabilities");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "model.verdicts.release_states");
}

static void push_versions(lua_State *L, const Verdicts *v) {
    lua_createtable(L, (int)v->nversions, 0);
    for (size_t i = 0; i < v->nversions; i++) {
        const SupportedVersion *sv = &v->versions[i];
        if (!sv->supported || record_hidden(L, sv->record)) continue;
        lua_createtable(L, 0, 10);
        set_record(L, "record", sv->record);
        set_str(L, "version", sv->version);
        set_str(L, "date", sv->date);
        set_str(L, "end_of_support", sv->end_of_support);
        set_bool(L, "current", sv->current);
        set_str(L, "sbom", sv->sbom);
        push_strings(L, sv->sbom_files, sv->nsbom_files, "the SBOM files of a release");
        lua_setfield(L, -2, "sbom_files");
        lua_createtable(L, (int)sv->ncomponents, 0);
        for (size_t k = 0; k < sv->ncomponents; k++) {
            const ReleaseComponent *rc = &sv->components[k];
            if (rc->record && record_hidden(L, rc->record)) continue;
            push_version_component(L, rc);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, "the components of a supported release");
        lua_setfield(L, -2, "components");
        push_version_vulnerabilities(L, sv);
        lua_setfield(L, -2, "vulnerabilities");
        lua_createtable(L, (int)sv->nmds2, 0);
        for (size_t k = 0; k < sv->nmds2; k++) {
            push_mds2_answer(L, &sv->mds2[k], 0);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        wrap_array(L, "the MDS2 answers of a supported release");
        lua_setfield(L, -2, "mds2");
        frozen_wrap(L, FROZEN_MAP, "a supported release");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "model.verdicts.versions");
}

/* model.verdicts: the checklist, the matrix, the residual-risk counts and
 * the release submitted, as the check stage judged them; nil before it. */
static void push_verdicts(lua_State *L, const Model *m) {
    const Verdicts *v = m->verdicts;
    if (!v) {
        frozen_push_nil(L);
        return;
    }
    lua_createtable(L, 0, 8);
    push_checklist(L, v);
    push_matrix(L, v);
    lua_createtable(L, 0, 5);
    set_int(L, "threats", (lua_Integer)v->risk.threats);
    set_int(L, "mitigated", (lua_Integer)v->risk.mitigated);
    set_int(L, "accepted", (lua_Integer)v->risk.accepted);
    set_int(L, "open", (lua_Integer)v->risk.open);
    set_int(L, "not_acceptable", (lua_Integer)v->risk.not_acceptable);
    frozen_wrap(L, FROZEN_MAP, "model.verdicts.risk");
    lua_setfield(L, -2, "risk");
    push_record_or_nil(L, v->release);
    lua_setfield(L, -2, "release");
    set_int(L, "unresolved_anomalies", (lua_Integer)v->unresolved_anomalies);
    lua_createtable(L, 0, 4); /* guidance */
    set_str(L, "edition", v->guidance_edition);
    set_str(L, "title", v->guidance_title);
    set_str(L, "issued", v->guidance_issued);
    set_bool(L, "named", v->guidance_named);
    frozen_wrap(L, FROZEN_MAP, "model.verdicts.guidance");
    lua_setfield(L, -2, "guidance");
    lua_createtable(L, (int)v->nlabeling, 0); /* labeling */
    for (size_t i = 0; i < v->nlabeling; i++) {
        const LabelingItem *li = &v->labeling[i];
        lua_createtable(L, 0, 4);
        set_str(L, "item", li->item);
        set_str(L, "title", li->title);
        set_str(L, "state", li->state);
        push_record_or_nil(L, li->record);
        lua_setfield(L, -2, "record");
        frozen_wrap(L, FROZEN_MAP, "a labeling item");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.verdicts.labeling");
    lua_setfield(L, -2, "labeling");
    push_postmarket(L, &v->postmarket);
    lua_setfield(L, -2, "postmarket");
    if (renderer_of(L)->public) { /* the metrics are the bundle's */
        frozen_push_nil(L);
        lua_setfield(L, -2, "metrics");
        frozen_push_nil(L);
        lua_setfield(L, -2, "deployment");
    } else {
        push_metrics(L, &v->metrics, "model.verdicts.metrics");
        lua_setfield(L, -2, "metrics");
        lua_createtable(L, (int)v->ndeployment, 0);
        for (size_t i = 0; i < v->ndeployment; i++) {
            push_pm_release(L, &v->deployment[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        wrap_array(L, "model.verdicts.deployment");
        lua_setfield(L, -2, "deployment");
    }
    push_versions(L, v);
    lua_setfield(L, -2, "versions");
    push_release_states(L, v);
    lua_setfield(L, -2, "release_states");
    frozen_wrap(L, FROZEN_MAP, "model.verdicts");
}

/* ---- the model ------------------------------------------------------------------------- */

/* Builds the view for r->public and leaves the frozen model on the stack. */
/* model.mds2: the MDS2 form's questions with their answers, by section
 * (model/mds2.c resolves them); nil without a catalogue. */
static const char *mds2_value_key(Mds2Value v) {
    static const char *const keys[] = {"none", "yes", "no", "n/a", "see-note", "text"};
    return keys[v];
}

/* One MDS2 question with its answer; records: the stack index of the
 * table from Record* to record object, 0 to look each up in the view. */
static void push_mds2_answer(lua_State *L, const Mds2Answer *a, int records) {
    const Mds2Question *q = a->question;
    lua_createtable(L, 0, 14); /* the question */
    set_str(L, "id", q->id);
    set_str(L, "section", q->section);
    set_str(L, "section_name", q->section_name);
    set_str(L, "text", q->text);
    set_bool(L, "text_answer", q->text_answer);
    set_str(L, "value", mds2_value_key(a->value));
    set_str(L, "answer", a->value == MDS2_TEXT ? a->text : mds2_value_name(a->value));
    set_str(L, "note", a->note);
    set_str(L, "source", mds2_source_name(a->source));
    set_str(L, "basis", a->basis);
    set_bool(L, "confirmed", a->given != NULL && a->source == MDS2_DERIVED);
    set_str(L, "path", a->loc.path);
    set_int(L, "line", a->loc.line);
    lua_createtable(L, (int)a->nrecords, 0);
    for (size_t k = 0; k < a->nrecords; k++) {
        if (record_hidden(L, a->records[k])) continue;
        if (records)
            lua_rawgetp(L, records, a->records[k]);
        else
            luamodel_push_record(L, a->records[k]);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "the records of an MDS2 answer");
    lua_setfield(L, -2, "records");
    frozen_wrap(L, FROZEN_MAP, "an MDS2 question");
}

static void push_mds2(lua_State *L, const Model *m, int records) {
    const Mds2 *f = m->mds2;
    if (!f) {
        frozen_push_nil(L);
        return;
    }
    lua_createtable(L, 0, 4);         /* mds2 */
    lua_createtable(L, (int)f->n, 0); /* questions */
    lua_newtable(L);                  /* sections */
    size_t nunanswered = 0;
    for (size_t i = 0; i < f->n; i++) {
        const Mds2Answer *a = &f->answers[i];
        const Mds2Question *q = a->question;
        push_mds2_answer(L, a, records);
        nunanswered += a->source == MDS2_UNANSWERED;
        lua_pushvalue(L, -1);
        lua_rawseti(L, -4, (lua_Integer)i + 1); /* into questions */
        size_t ns = lua_rawlen(L, -2);
        if (i == 0 || strcmp(f->questions[i - 1].section, q->section) != 0) {
            lua_createtable(L, 0, 3); /* a new section */
            set_str(L, "code", q->section);
            set_str(L, "name", q->section_name);
            lua_newtable(L);
            lua_setfield(L, -2, "questions");
            lua_rawseti(L, -3, (lua_Integer)++ns);
        }
        lua_rawgeti(L, -2, (lua_Integer)ns); /* the section */
        lua_getfield(L, -1, "questions");    /* its questions */
        lua_pushvalue(L, -3);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        lua_pop(L, 3); /* questions, section, question */
    }
    for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, -1); k++) {
        lua_rawgeti(L, -1, k);
        lua_getfield(L, -1, "questions");
        frozen_wrap(L, FROZEN_ARRAY, "the questions of an MDS2 section");
        lua_setfield(L, -2, "questions");
        frozen_wrap(L, FROZEN_MAP, "an MDS2 section");
        lua_rawseti(L, -2, k);
    }
    wrap_array(L, "model.mds2.sections");
    lua_setfield(L, -3, "sections");
    wrap_array(L, "model.mds2.questions");
    lua_setfield(L, -2, "questions");
    set_bool(L, "official_wording", f->official_wording);
    set_int(L, "unanswered", (lua_Integer)nunanswered);
    frozen_wrap(L, FROZEN_MAP, "model.mds2");
}

/* build --previous-csaf: by tracking ID, what was published last time. */
static void push_previous_csaf(lua_State *L, const Model *m) {
    lua_createtable(L, 0, (int)m->nprevious_csaf);
    for (size_t i = 0; i < m->nprevious_csaf; i++) {
        const PreviousCsaf *p = &m->previous_csaf[i];
        lua_createtable(L, 0, 6);
        set_str(L, "version", p->version);
        set_str(L, "initial_release_date", p->initial);
        set_str(L, "current_release_date", p->current);
        set_str(L, "content", p->content);
        set_str(L, "path", p->path);
        lua_createtable(L, (int)p->nrevisions, 0);
        for (size_t k = 0; k < p->nrevisions; k++) {
            lua_createtable(L, 0, 3);
            set_str(L, "date", p->revisions[k].date);
            set_str(L, "number", p->revisions[k].number);
            set_str(L, "summary", p->revisions[k].summary);
            frozen_wrap(L, FROZEN_MAP, "a revision");
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        wrap_array(L, "revision_history");
        lua_setfield(L, -2, "revision_history");
        frozen_wrap(L, FROZEN_MAP, "a previous CSAF document");
        lua_setfield(L, -2, p->tracking_id);
    }
    frozen_wrap(L, FROZEN_INDEX, "previous_csaf");
}

/* A record the change names: its ID, title and type, and the record object
 * of this build (nil for one removed or not in this view). */
static void push_changed_record(lua_State *L, int records, const Record *r, bool current) {
    lua_createtable(L, 0, 4);
    set_str(L, "id", r->id);
    set_str(L, "title", r->title);
    set_str(L, "type", r->type->name);
    if (current && !record_hidden(L, r))
        lua_rawgetp(L, records, r);
    else
        frozen_push_nil(L);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        frozen_push_nil(L);
    }
    lua_setfield(L, -2, "record");
}

static void push_changed_list(lua_State *L, int records, const Record *const *r, size_t n,
                              bool current, const char *what) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_changed_record(L, records, r[i], current);
        frozen_wrap(L, FROZEN_MAP, "a changed record");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, what);
}

static void push_field_change(lua_State *L, const FieldChange *c) {
    lua_createtable(L, 0, 6);
    set_str(L, "id", c->id);
    set_str(L, "field", c->field);
    set_str(L, "old", c->old);
    set_str(L, "new", c->new);
    lua_createtable(L, (int)c->nplus, 0);
    for (size_t k = 0; k < c->nplus; k++) {
        lua_pushstring(L, c->plus[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    wrap_array(L, "items_added");
    lua_setfield(L, -2, "items_added");
    lua_createtable(L, (int)c->nminus, 0);
    for (size_t k = 0; k < c->nminus; k++) {
        lua_pushstring(L, c->minus[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    wrap_array(L, "items_removed");
    lua_setfield(L, -2, "items_removed");
    frozen_wrap(L, FROZEN_MAP, "a field change");
}

/* build --previous: model.changes (model/changes.c), or nil. */
static void push_changes(lua_State *L, const Model *m, int records) {
    const Changes *c = m->changes;
    if (!c) {
        frozen_push_nil(L);
        return;
    }
    lua_createtable(L, 0, 12);
    lua_createtable(L, 0, 4);
    set_str(L, "file", c->old_file);
    set_str(L, "name", c->old_name);
    set_str(L, "version", c->old_version);
    set_str(L, "date", c->old_date);
    frozen_wrap(L, FROZEN_MAP, "model.changes.previous");
    lua_setfield(L, -2, "previous");
    set_str(L, "old_arg", c->old_arg);
    set_str(L, "new_arg", c->new_arg);
    set_bool(L, "all", c->all);
    /* per type with any change, in schema order */
    const Schema *s = m->schema;
    lua_createtable(L, (int)s->ntypes, 0);
    for (size_t t = 0; t < s->ntypes; t++) {
        size_t a = c->nadded_by_type[t], r = c->nremoved_by_type[t], ch = c->nchanged_by_type[t];
        if (!a && !r && !ch) continue;
        lua_createtable(L, 0, 5);
        set_str(L, "type", s->types[t].name);
        set_str(L, "plural", s->types[t].plural);
        set_int(L, "added", (lua_Integer)a);
        set_int(L, "removed", (lua_Integer)r);
        set_int(L, "changed", (lua_Integer)ch);
        frozen_wrap(L, FROZEN_MAP, "a type's changes");
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "model.changes.by_type");
    lua_setfield(L, -2, "by_type");
    set_int(L, "nadded", (lua_Integer)c->nadded);
    set_int(L, "nremoved", (lua_Integer)c->nremoved);
    set_int(L, "nchanged", (lua_Integer)c->nchanged);
    push_changed_list(L, records, c->added, c->nadded, true, "model.changes.added");
    lua_setfield(L, -2, "added");
    push_changed_list(L, records, c->removed, c->nremoved, false, "model.changes.removed");
    lua_setfield(L, -2, "removed");
    /* the records changed, each with its fields (c->changes is in record order) */
    lua_createtable(L, (int)c->nchanged, 0);
    size_t k = 0;
    for (size_t i = 0; i < c->nchanged; i++) {
        const Record *r = c->changed[i];
        push_changed_record(L, records, r, true);
        lua_newtable(L);
        while (k < c->nchanges && strcmp(c->changes[k].id, r->id) != 0)
            k++;
        for (; k < c->nchanges && strcmp(c->changes[k].id, r->id) == 0; k++) {
            push_field_change(L, &c->changes[k]);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, "fields");
        lua_setfield(L, -2, "fields");
        frozen_wrap(L, FROZEN_MAP, "a changed record");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.changed");
    lua_setfield(L, -2, "changed");
    lua_createtable(L, (int)c->nproduct, 0);
    for (size_t i = 0; i < c->nproduct; i++) {
        push_field_change(L, &c->product[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.product");
    lua_setfield(L, -2, "product");
    lua_createtable(L, (int)c->nsupport, 0);
    for (size_t i = 0; i < c->nsupport; i++) {
        push_field_change(L, &c->support[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.support");
    lua_setfield(L, -2, "support");
    lua_createtable(L, (int)c->nverdicts, 0);
    for (size_t i = 0; i < c->nverdicts; i++) {
        const VerdictChange *v = &c->verdicts[i];
        push_changed_record(L, records, v->record, true);
        set_str(L, "old", v->old);
        set_str(L, "new", v->new);
        set_str(L, "rule", v->rule);
        frozen_wrap(L, FROZEN_MAP, "a verdict change");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.verdicts");
    lua_setfield(L, -2, "verdicts");
    lua_createtable(L, (int)c->naffected, 0);
    for (size_t i = 0; i < c->naffected; i++) {
        const Affected *af = &c->affected[i];
        push_changed_record(L, records, af->record, strcmp(af->how, "removed") != 0);
        set_str(L, "how", af->how);
        frozen_wrap(L, FROZEN_MAP, "an affected record");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.affected");
    lua_setfield(L, -2, "affected");
    lua_createtable(L, (int)c->nupgraded, 0);
    for (size_t i = 0; i < c->nupgraded; i++) {
        lua_pushstring(L, c->upgraded[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    wrap_array(L, "model.changes.upgraded");
    lua_setfield(L, -2, "upgraded");
    push_changed_list(L, records, c->accepted, c->naccepted, true, "model.changes.accepted");
    lua_setfield(L, -2, "accepted");
    push_changed_list(L, records, c->new_vulns, c->nnew_vulns, true, "model.changes.new_vulns");
    lua_setfield(L, -2, "new_vulnerabilities");
    push_changed_list(L, records, c->closed_vulns, c->nclosed_vulns, true,
                      "model.changes.closed_vulns");
    lua_setfield(L, -2, "closed_vulnerabilities");
    frozen_wrap(L, FROZEN_MAP, "model.changes");
}

static void build_view(lua_State *L, const Model *m, const Diag *d) {
    Renderer *r = renderer_of(L);
    const Schema *s = m->schema;
    int top = lua_gettop(L);

    /* every record object first, so links can point at any of them */
    lua_createtable(L, 0, (int)m->nrecords);
    int records = lua_gettop(L);
    lua_pushvalue(L, records);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_RECORDS[r->public]);
    for (size_t i = 0; i < m->nrecords; i++) {
        if (record_hidden(L, m->records[i])) continue;
        lua_createtable(L, 0, 20);
        frozen_wrap(L, FROZEN_RECORD, arena_printf(&r->arena, "record %s", m->records[i]->id));
        frozen_set_ptr(L, -1, m->records[i]);
        lua_rawsetp(L, records, m->records[i]);
    }

    lua_createtable(L, 0, 12); /* model */
    int model = lua_gettop(L);
    char date[16];
    date_format(m->build_date, date);
    set_str(L, "build_date", date);
    push_product(L, &m->product);
    lua_setfield(L, model, "product");
    push_previous_csaf(L, m);
    lua_setfield(L, model, "previous_csaf");

    lua_createtable(L, (int)s->ntypes, 0);
    int types = lua_gettop(L);
    lua_createtable(L, 0, (int)s->ntypes);
    int types_by_name = lua_gettop(L);
    lua_createtable(L, 0, (int)s->ntypes);
    int link_names = lua_gettop(L);
    size_t maxlinks = 0;
    for (size_t i = 0; i < s->ntypes; i++) {
        push_type(L, &s->types[i]);
        lua_pushvalue(L, -1);
        lua_setfield(L, types_by_name, s->types[i].name);
        lua_rawseti(L, types, (lua_Integer)i + 1);
        push_link_names(L, s, &s->types[i]);
        lua_setfield(L, link_names, s->types[i].name);
    }
    for (size_t i = 0; i < m->nrecords; i++)
        if (m->records[i]->nout + m->records[i]->nin > maxlinks)
            maxlinks = m->records[i]->nout + m->records[i]->nin;

    lua_newtable(L);
    int findings = lua_gettop(L);
    push_findings(L, m, d, findings);
    int all_findings = lua_gettop(L);
    push_finding_groups(L, d, all_findings);
    lua_setfield(L, model, "finding_groups");
    lua_setfield(L, model, "finding_counts");
    lua_setfield(L, model, "findings");

    Related *buf = arena_alloc(&r->arena, (maxlinks + 1) * sizeof *buf);
    for (size_t i = 0; i < m->nrecords; i++) {
        if (record_hidden(L, m->records[i])) continue;
        lua_rawgetp(L, records, m->records[i]);
        fill_record(L, r, m->records[i], lua_gettop(L), types_by_name, link_names, findings, buf);
        lua_pop(L, 1);
    }

    lua_createtable(L, (int)m->nrecords, 0);
    for (size_t i = 0; i < m->nrecords; i++) {
        if (record_hidden(L, m->records[i])) continue;
        lua_rawgetp(L, records, m->records[i]);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    wrap_array(L, "model.records");
    lua_setfield(L, model, "records");

    lua_createtable(L, 0, (int)m->nrecords);
    for (size_t i = 0; i < m->nrecords; i++) {
        if (record_hidden(L, m->records[i])) continue;
        lua_rawgetp(L, records, m->records[i]);
        lua_setfield(L, -2, m->records[i]->id);
    }
    frozen_wrap(L, FROZEN_INDEX, "model.index");
    lua_setfield(L, model, "index");

    lua_createtable(L, 0, (int)s->ntypes);
    for (size_t t = 0; t < s->ntypes; t++) {
        size_t n = m->nby_type ? m->nby_type[t] : 0;
        lua_createtable(L, (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            if (record_hidden(L, m->by_type[t][i])) continue;
            lua_rawgetp(L, records, m->by_type[t][i]);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        }
        wrap_array(L, s->types[t].plural);
        lua_setfield(L, -2, s->types[t].name);
    }
    frozen_wrap(L, FROZEN_MAP, "model.by_type");
    lua_setfield(L, model, "by_type");

    push_mds2(L, m, records);
    lua_setfield(L, model, "mds2");
    push_verdicts(L, m);
    lua_setfield(L, model, "verdicts");
    push_changes(L, m, records);
    lua_setfield(L, model, "changes");

    lua_pushvalue(L, types);
    wrap_array(L, "model.types");
    lua_setfield(L, model, "types");
    lua_pushvalue(L, types_by_name);
    frozen_wrap(L, FROZEN_MAP, "model.types_by_name");
    lua_setfield(L, model, "types_by_name");

    lua_pushvalue(L, model);
    frozen_wrap(L, FROZEN_MAP, "model");
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
}

/* Makes the view of r->public (built) the global model. */
static void set_model(lua_State *L) {
    sandbox_push_globals(L);                                                /* +1 */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_MODELS[renderer_of(L)->public]); /* +1 */
    lua_setfield(L, -2, "model");                                           /* -1 */
    lua_pop(L, 1);
}

void luamodel_init(lua_State *L, const Model *m, const Diag *d) {
    (void)m;
    (void)d;
    lua_newtable(L);
    frozen_wrap(L, FROZEN_ARRAY, "an empty list");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_EMPTY);
}

void luamodel_select(lua_State *L, bool public) {
    Renderer *r = renderer_of(L);
    r->public = public;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_MODELS[public]) == LUA_TNIL) { /* +1 */
        /* The view is the tool's data, not a template's: what it takes is
         * added to the cap (--lua-memory bounds the templates' own use), so
         * a dossier of many results builds whatever views an output and
         * the processes of --jobs need. */
        size_t cap = r->mem_cap, before = r->mem_used;
        r->mem_cap = SIZE_MAX;
        lua_gc(L, LUA_GCSTOP);
        build_view(L, r->model, r->diag);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_MODELS[public]);
        lua_gc(L, LUA_GCRESTART);
        /* after the fork a full collection would write to every object,
         * the shared ones too: young collections age the new view instead */
        if (!r->forked) sandbox_settle(L);
        size_t view = r->mem_used > before ? r->mem_used - before : 0;
        r->mem_cap = cap + view;
        r->mem_views += view;
    }
    lua_pop(L, 1);
    set_model(L);
}
