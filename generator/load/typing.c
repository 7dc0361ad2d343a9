/* typing.c: types a loaded map as a record of a schema type. Every field
 * is checked against its definition in schemas/records.xml: unknown names,
 * missing required fields, values of the wrong kind, enum values outside
 * the list, impossible dates. Shared by the Markdown and XML loaders.
 * Part of load/. */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

typedef struct Typer {
    Arena *a;
    Diag *d;
    const char *id; /* the record's ID once known, for findings */
} Typer;

static void unknown_field(Typer *t, SrcLoc loc, const char *key, const FieldDef *defs, size_t n,
                          const char *where) {
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t dist = name_distance(key, defs[i].name);
        if (dist < bestd) {
            bestd = dist;
            best = defs[i].name;
        }
    }
    if (best)
        rule_report(t->d, RULE_UNKNOWN_FIELD, loc, t->id,
                    "unknown field '%s' in %s; did you mean '%s'?", key, where, best);
    else
        rule_report(t->d, RULE_UNKNOWN_FIELD, loc, t->id,
                    "unknown field '%s' in %s (the fields are listed in docs/records.md)", key,
                    where);
}

/* The schema's patterns, compiled once each for the life of the process and
 * found by their text: a schema may have any number of them, and a pattern
 * string at the address of a freed one (a unit test loading the schema
 * again) is not mistaken for it. */
typedef struct Pattern {
    char *text;
    regex_t re;
} Pattern;

static Pattern *patterns;
static size_t npatterns, patterns_cap;

static bool pattern_match(const char *pattern, const char *s) {
    size_t i = 0;
    while (i < npatterns && strcmp(patterns[i].text, pattern) != 0)
        i++;
    if (i == npatterns) {
        if (npatterns == patterns_cap) {
            patterns_cap = patterns_cap ? 2 * patterns_cap : 8;
            patterns = xrealloc(patterns, patterns_cap * sizeof *patterns);
        }
        size_t len = strlen(pattern);
        char *anchored = xmalloc(len + 3);
        anchored[0] = '^';
        memcpy(anchored + 1, pattern, len);
        memcpy(anchored + 1 + len, "$", 2);
        int rc = regcomp(&patterns[i].re, anchored, REG_EXTENDED | REG_NOSUB);
        free(anchored);
        if (rc == REG_ESPACE) die("out of memory");
        if (rc != 0) die("internal error: bad pattern %s in the schema", pattern);
        patterns[i].text = xmalloc(len + 1);
        memcpy(patterns[i].text, pattern, len + 1);
        npatterns++;
    }
    int rc = regexec(&patterns[i].re, s, 0, NULL, 0);
    if (rc == REG_ESPACE) die("out of memory");
    return rc == 0;
}

static const char *kind_phrase(FieldKind k) {
    switch (k) {
    case FK_STRING:
        return "one line of text";
    case FK_TEXT:
        return "text";
    case FK_DATE:
        return "a date YYYY-MM-DD";
    case FK_INT:
        return "a whole number";
    case FK_NUMBER:
        return "a number";
    case FK_BOOL:
        return "true or false";
    case FK_ENUM:
        return "one of the allowed values";
    case FK_LINK:
        return "one record ID";
    case FK_LINKS:
        return "a list of record IDs";
    case FK_LIST:
        return "a list of values";
    case FK_ENTRY:
        return "a mapping of sub-fields";
    case FK_ENTRIES:
        return "a list of mappings";
    }
    return "?";
}

static const char *value_kind_phrase(ValueKind k) {
    switch (k) {
    case VAL_NULL:
        return "nothing";
    case VAL_SCALAR:
        return "a single value";
    case VAL_LIST:
        return "a list";
    case VAL_MAP:
        return "a mapping";
    }
    return "?";
}

/* Splits a scalar holding several IDs ("CTL-1 CTL-2" or "CTL-1, CTL-2"). */
static Value *split_ids(Arena *a, const Value *v) {
    Value *list = value_new(a, VAL_LIST, v->loc);
    const char *s = v->text;
    while (*s) {
        while (*s && (isspace((unsigned char)*s) || *s == ','))
            s++;
        const char *e = s;
        while (*e && !isspace((unsigned char)*e) && *e != ',')
            e++;
        if (e > s) {
            SrcLoc loc = v->loc;
            if (loc.col) loc.col += (int)(s - v->text);
            value_push(a, list, NULL, loc, value_scalar(a, loc, s, (size_t)(e - s)));
        }
        s = e;
    }
    return list;
}

static const Value *type_value(Typer *t, const FieldDef *f, const Value *v);

static const Value *type_map(Typer *t, const FieldDef *defs, size_t ndefs, const Value *v,
                             const char *where, const Value **slots) {
    for (size_t i = 0; i < v->n; i++) {
        const FieldDef *f = NULL;
        for (size_t j = 0; j < ndefs && !f; j++)
            if (defs[j].name[0] == v->keys[i][0] && strcmp(defs[j].name, v->keys[i]) == 0)
                f = &defs[j];
        if (!f) {
            unknown_field(t, v->key_locs[i], v->keys[i], defs, ndefs, where);
            continue;
        }
        if (v->items[i]->kind == VAL_NULL) continue;
        const Value *typed = type_value(t, f, v->items[i]);
        if (slots && typed) slots[f->index] = typed;
    }
    for (size_t j = 0; j < ndefs; j++) {
        if (!defs[j].required) continue;
        const Value *got = value_get(v, defs[j].name);
        if (!got || got->kind == VAL_NULL)
            rule_report(t->d, RULE_REQUIRED_FIELD, v->loc, t->id,
                        "%s: missing required field '%s' (%s)", where, defs[j].name,
                        kind_phrase(defs[j].kind));
    }
    return v;
}

static bool check_scalar(Typer *t, const FieldDef *f, const Value *v) {
    const char *s = v->text;
    char *end = NULL;
    switch (f->kind) {
    case FK_DATE: {
        int64_t days;
        if (date_parse(s, &days)) return true;
        rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id,
                    "%s: '%s' is not a date (expected YYYY-MM-DD)", f->name, s);
        return false;
    }
    case FK_INT:
        errno = 0;
        (void)strtoll(s, &end, 10);
        if (*s && !*end && errno == 0) return true;
        break;
    case FK_NUMBER:
        errno = 0;
        (void)strtod(s, &end);
        if (*s && !*end && errno == 0) return true;
        break;
    case FK_BOOL:
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) return true;
        break;
    case FK_ENUM: {
        for (size_t i = 0; i < f->nvalues; i++)
            if (strcmp(s, f->values[i]) == 0) return true;
        StrBuf allowed;
        sb_init(&allowed);
        for (size_t i = 0; i < f->nvalues; i++)
            sb_printf(&allowed, "%s%s", i ? ", " : "", f->values[i]);
        rule_report(t->d, RULE_ENUM_VALUE, v->loc, t->id,
                    "%s: '%s' is not allowed (expected one of: %s)", f->name, s, allowed.data);
        sb_free(&allowed);
        return false;
    }
    case FK_LINK:
        if (id_shaped(s, v->len)) return true;
        rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id, "%s: '%s' is not a record ID", f->name,
                    s);
        return false;
    case FK_STRING:
        if (strchr(s, '\n')) {
            rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id, "%s: expected one line of text",
                        f->name);
            return false;
        }
        if (f->pattern && !pattern_match(f->pattern, s)) {
            rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id, "%s: '%s' does not have the form %s",
                        f->name, s, f->pattern);
            return false;
        }
        return true;
    default:
        return true;
    }
    rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id, "%s: '%s' is not %s", f->name, s,
                kind_phrase(f->kind));
    return false;
}

/* Checks v against f; returns the value to keep (NULL if unusable). */
static const Value *type_value(Typer *t, const FieldDef *f, const Value *v) {
    switch (f->kind) {
    case FK_LINKS:
    case FK_LIST:
        if (v->kind == VAL_SCALAR) v = f->kind == FK_LINKS ? split_ids(t->a, v) : v;
        if (v->kind == VAL_SCALAR) {
            Value *list = value_new(t->a, VAL_LIST, v->loc);
            value_push(t->a, list, NULL, v->loc, (Value *)v);
            v = list;
        }
        if (v->kind != VAL_LIST) break;
        for (size_t i = 0; i < v->n; i++) {
            const Value *item = v->items[i];
            if (item->kind != VAL_SCALAR) {
                rule_report(t->d, RULE_FIELD_TYPE, item->loc, t->id,
                            "%s: each item must be a single value", f->name);
                return NULL;
            }
            if (f->kind == FK_LINKS && !id_shaped(item->text, item->len)) {
                rule_report(t->d, RULE_FIELD_TYPE, item->loc, t->id, "%s: '%s' is not a record ID",
                            f->name, item->text);
                return NULL;
            }
        }
        return v;
    case FK_ENTRY:
        if (v->kind != VAL_MAP) break;
        return type_map(t, f->sub, f->nsub, v, f->name, NULL);
    case FK_ENTRIES:
        if (v->kind != VAL_LIST) break;
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != VAL_MAP) {
                rule_report(t->d, RULE_FIELD_TYPE, v->items[i]->loc, t->id,
                            "%s: each item must be a mapping of sub-fields", f->name);
                return NULL;
            }
            type_map(t, f->sub, f->nsub, v->items[i], f->name, NULL);
        }
        return v;
    default:
        if (v->kind != VAL_SCALAR) break;
        return check_scalar(t, f, v) ? v : NULL;
    }
    rule_report(t->d, RULE_FIELD_TYPE, v->loc, t->id, "%s: expected %s, found %s", f->name,
                kind_phrase(f->kind), value_kind_phrase(v->kind));
    return NULL;
}

Record *typing_record(Arena *a, Diag *d, const RecordType *type, const char *path, const Value *v,
                      SrcLoc where) {
    Typer t = {a, d, NULL};
    const Value *id = value_get(v, "id");
    if (!id || id->kind != VAL_SCALAR || id->len == 0) {
        rule_report(d, RULE_REQUIRED_FIELD, where, NULL, "%s record without an id", type->name);
        return NULL;
    }
    t.id = id->text;
    bool prefix_ok = false;
    for (size_t i = 0; i < type->nprefixes; i++)
        if (strncmp(id->text, type->prefixes[i], strlen(type->prefixes[i])) == 0) prefix_ok = true;
    if (!prefix_ok || !id_shaped(id->text, id->len)) {
        StrBuf want;
        sb_init(&want);
        for (size_t i = 0; i < type->nprefixes; i++)
            sb_printf(&want, "%s%s", i ? " or " : "", type->prefixes[i]);
        rule_report(d, RULE_ID_PREFIX, id->loc, id->text,
                    "%s ID '%s' must start with %s followed by letters, digits, dots or dashes",
                    type->name, id->text, want.data);
        sb_free(&want);
        return NULL;
    }
    Record *r = arena_alloc(a, sizeof *r);
    r->type = type;
    r->id = id->text;
    r->path = path;
    r->loc = id->loc;
    r->body = "";
    r->fields = arena_alloc(a, type->nfields * sizeof *r->fields);
    const Value **slots = arena_alloc(a, type->nfields * sizeof *slots);
    type_map(&t, type->fields, type->nfields, v, type->name, slots);
    for (size_t i = 0; i < type->nfields; i++) {
        r->fields[i].def = &type->fields[i];
        r->fields[i].value = slots[i];
    }
    r->title = record_str(r, "title");
    if (!r->title) r->title = r->id;
    const char *internal = record_str(r, "internal");
    r->internal = internal && strcmp(internal, "true") == 0;
    /* an audience marking that did not type (reported above) keeps the
     * whole record out of public outputs: fail closed, never open */
    if ((value_get(v, "internal") && !record_field(r, "internal")) ||
        (value_get(v, "internal_fields") && !record_field(r, "internal_fields"))) {
        r->internal = true;
        rule_report(
            d, RULE_AUDIENCE_MARKING, where, r->id,
            "the audience marking (internal, internal_fields) is malformed: the record is kept out "
            "of every public output, and no public output is built until it is fixed");
    }
    const Value *names = record_field(r, "internal_fields");
    for (size_t i = 0; names && i < names->n; i++)
        if (!schema_field(type, names->items[i]->text)) {
            rule_report(d, RULE_UNKNOWN_FIELD, names->items[i]->loc, r->id,
                        "internal_fields: '%s' is not a field of a %s", names->items[i]->text,
                        type->name);
            r->internal =
                true; /* a misspelt field to hide: hide the record, never the field's value */
        }
    return r;
}
