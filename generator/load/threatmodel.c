/* threatmodel.c: threat models as the threat-modelling tools save them,
 * read in place from threats/ on every build: OWASP Threat Dragon v1 and
 * v2 JSON and the Open Threat Model (OTM) JSON. Diagram elements become
 * asset records (their data flows interfaces and connected_to links, the
 * trust boundaries or zones they sit in tags), threats threat records,
 * mitigations control records linked to their threats, diagrams view
 * records. IDs come from the tool's own IDs, so an element keeps its ID
 * when it is renamed or the model saved again; a supplement beside the
 * model (the same name, .yaml) gives what no format carries (attack
 * vector, exploitability, patient-harm severity, control category, view
 * kind, which element is the device) and may rename IDs, keyed by the
 * tool's IDs. A Markdown record of the same ID fills or overrides the
 * imported one (a finding where both give a value and they differ). The
 * whole mapping is in docs/threat-models.md. Part of load/. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

struct Imported {
    const char *id;
    const char *type;  /* asset, threat, control, view */
    const char *key;   /* the tool's ID: the supplement's key */
    const char *model; /* the model file */
    Value *fields;     /* front-matter shaped map */
    const char *body;  /* the description, or NULL */
    SrcLoc loc;
    bool taken; /* a Markdown record of the same ID merged it */
};

struct ThreatImport {
    Imported **items;
    size_t n, cap;
    StdIndex by_id;  /* record ID -> Imported */
    StdIndex by_key; /* "model\tkind\tkey" -> Imported */
    StdIndex ids;    /* the IDs derived so far */
    const Value **supplements;
    const char **supplement_paths;
    size_t nsupplements;
    bool prepared;
};

static ThreatImport *ti(Standard *s) {
    if (!s->threats) {
        s->threats = xmalloc(sizeof *s->threats);
        memset(s->threats, 0, sizeof *s->threats);
    }
    return s->threats;
}

/* ---- values -------------------------------------------------------------------- */

static Value *scalar(Standard *s, SrcLoc loc, const char *text) {
    return value_scalar(std_arena(s), loc, text, strlen(text));
}

static void map_set(Standard *s, Value *map, const char *key, Value *item) {
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) {
            map->items[i] = item;
            return;
        }
    value_push(std_arena(s), map, arena_strdup(std_arena(s), key), item->loc, item);
}

static void set_text(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc) {
    if (text && *text) map_set(s, map, key, scalar(s, loc, text));
}

/* Appends text to the list under key (created), once. */
static void push_once(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc) {
    Value *list = (Value *)value_get(map, key);
    if (!list || list->kind != VAL_LIST) {
        list = value_new(std_arena(s), VAL_LIST, loc);
        map_set(s, map, key, list);
    }
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i]->kind == VAL_SCALAR && strcmp(list->items[i]->text, text) == 0) return;
    value_push(std_arena(s), list, NULL, loc, scalar(s, loc, text));
}

/* A name as one line: the tools keep the line breaks of the diagram's labels. */
static const char *one_line(Standard *s, const char *text) {
    if (!text) return NULL;
    char *out = arena_strdup(std_arena(s), text);
    size_t k = 0;
    for (size_t i = 0; out[i]; i++) {
        char c = (out[i] == '\n' || out[i] == '\r' || out[i] == '\t') ? ' ' : out[i];
        if (c == ' ' && (k == 0 || out[k - 1] == ' ')) continue;
        out[k++] = c;
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
    return k ? out : NULL;
}

/* A title from a longer text: its first line, at most 100 bytes, cut at a word. */
static const char *title_of(Standard *s, const char *text) {
    const char *line = one_line(s, text);
    if (!line) return NULL;
    size_t n = strcspn(text, "\n.");
    if (n > 100) n = 100;
    if (n < strlen(line)) {
        while (n > 40 && line[n] != ' ')
            n--;
        while (n > 1 && strchr(" ,;:", line[n - 1]))
            n--;
        return arena_strndup(std_arena(s), line, n);
    }
    return line;
}

/* ---- IDs ----------------------------------------------------------------------- */

/* The record ID for a tool's ID: the prefix and eight hexadecimal digits
 * of a hash of it. A UUID (Threat Dragon's IDs) is unique by itself, so its
 * records keep their IDs when the model file is renamed; a short ID such
 * as OTM's "55" is only unique in its model, so the model's name is part of
 * what is hashed. Two tool IDs with the same digits get longer ones. */
static const char *derive_id(Standard *s, const char *prefix, const char *model, const char *key) {
    bool uuid = strlen(key) == 36;
    for (size_t i = 0; uuid && i < 36; i++)
        uuid = (i == 8 || i == 13 || i == 18 || i == 23) ? key[i] == '-'
                                                         : isxdigit((unsigned char)key[i]) != 0;
    Arena *a = std_arena(s);
    const char *what = uuid ? key : arena_printf(a, "%s\t%s", model, key);
    uint64_t h = hash_bytes(what, strlen(what));
    const char *id = arena_printf(a, "%s%08X", prefix, (unsigned)(h >> 32));
    size_t n;
    std_index_get(&ti(s)->ids, id, &n);
    if (n) id = arena_printf(a, "%s%08X%08X", prefix, (unsigned)(h >> 32), (unsigned)h);
    std_index_put(&ti(s)->ids, id, (void *)key);
    return id;
}

static Imported *import_add(Standard *s, const char *type, const char *prefix, const char *model,
                            const char *key, const char *title, SrcLoc loc) {
    ThreatImport *t = ti(s);
    Arena *a = std_arena(s);
    const char *k = arena_printf(a, "%s\t%s\t%s", model, type, key);
    size_t n;
    void *const *found = std_index_get(&t->by_key, k, &n);
    if (n) return found[0];
    Imported *im = arena_alloc(a, sizeof *im);
    memset(im, 0, sizeof *im);
    im->type = type;
    im->key = arena_strdup(a, key);
    im->model = model;
    im->id = derive_id(s, prefix, model, key);
    im->loc = loc;
    im->fields = value_new(a, VAL_MAP, loc);
    set_text(s, im->fields, "title", title ? title : im->id, loc);
    std_index_put(&t->by_key, k, im);
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->n++] = im;
    return im;
}

Imported *tm_find(Standard *s, const char *model, const char *type, const char *key) {
    size_t n;
    const char *k = arena_printf(std_arena(s), "%s\t%s\t%s", model, type, key);
    void *const *found = std_index_get(&ti(s)->by_key, k, &n);
    return n ? found[0] : NULL;
}

/* ---- the mapping both formats share ---------------------------------------------- */

static const char *stride_of(const char *category) {
    static const struct {
        const char *word, *value;
    } map[] = {{"spoof", "spoofing"},
               {"tamper", "tampering"},
               {"repudiat", "repudiation"},
               {"information", "information-disclosure"},
               {"disclos", "information-disclosure"},
               {"denial", "denial-of-service"},
               {"elevation", "elevation-of-privilege"},
               {"privilege", "elevation-of-privilege"}};
    if (!category) return NULL;
    char low[64];
    size_t n = 0;
    for (; category[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)category[n]);
    low[n] = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(low, map[i].word)) return map[i].value;
    return NULL;
}

/* An element of a diagram as an asset record. */
Imported *tm_element(Standard *s, const char *model, const char *key, const char *name,
                     const char *kind, const char *description, bool out_of_scope, SrcLoc loc) {
    Imported *im = import_add(s, "asset", "AST-", model, key, one_line(s, name), loc);
    set_text(s, im->fields, "kind", kind, loc);
    if (out_of_scope) push_once(s, im->fields, "tags", "out of scope", loc);
    if (description && *description && !im->body)
        im->body = arena_strdup(std_arena(s), description);
    return im;
}

/* A data flow from one element to another: an interface of the target,
 * connected_to on the source (both ways when it is bidirectional). */
void tm_flow(Standard *s, Imported *from, Imported *to, const char *name, const char *description,
             const char *protocol, bool encrypted, bool public_net, bool both, SrcLoc loc) {
    if (!from || !to) return;
    push_once(s, from->fields, "connected_to", to->id, loc);
    if (both) push_once(s, to->fields, "connected_to", from->id, loc);
    Arena *a = std_arena(s);
    Value *iface = value_new(a, VAL_MAP, loc);
    const char *title = one_line(s, name);
    set_text(s, iface, "name", title ? title : arena_printf(a, "from %s", from->id), loc);
    StrBuf p;
    sb_init(&p);
    if (protocol && *protocol) sb_printf(&p, "%s", protocol);
    if (encrypted) sb_printf(&p, "%sencrypted", p.len ? ", " : "");
    if (public_net) sb_printf(&p, "%sover a public network", p.len ? ", " : "");
    if (p.len) set_text(s, iface, "protocol", p.data, loc);
    sb_free(&p);
    const char *from_name = std_get(from->fields, "title");
    set_text(s, iface, "carries",
             description && *description ? one_line(s, description)
                                         : arena_printf(a, "data from %s", from_name),
             loc);
    Value *list = (Value *)value_get(to->fields, "interfaces");
    if (!list) {
        list = value_new(a, VAL_LIST, loc);
        map_set(s, to->fields, "interfaces", list);
    }
    value_push(a, list, NULL, loc, iface);
}

/* A threat on some elements; its mitigation (text) a control. */
Imported *tm_threat(Standard *s, const char *model, const char *key, const char *title,
                    const char *category, const char *description, Imported **on, size_t non,
                    SrcLoc loc) {
    Imported *im = import_add(s, "threat", "THR-", model, key, one_line(s, title), loc);
    const char *stride = stride_of(category);
    if (stride) set_text(s, im->fields, "stride", stride, loc);
    for (size_t i = 0; i < non; i++)
        if (on[i]) push_once(s, im->fields, "assets", on[i]->id, loc);
    if (description && *description) im->body = arena_strdup(std_arena(s), description);
    return im;
}

static void mitigation(Standard *s, Imported *thr, Imported *ctl, const char *status, SrcLoc loc) {
    push_once(s, thr->fields, "mitigated_by", ctl->id, loc);
    if (status && !value_get(ctl->fields, "status")) {
        set_text(s, ctl->fields, "status", status, loc);
        if (strcmp(status, "not-applicable") == 0)
            set_text(s, ctl->fields, "reason", "The threat model marks the threat not applicable.",
                     loc);
    }
    const Value *assets = value_get(thr->fields, "assets");
    for (size_t i = 0; assets && i < assets->n; i++)
        push_once(s, ctl->fields, "assets", assets->items[i]->text, loc);
}

Imported *tm_control(Standard *s, const char *model, const char *key, const char *text,
                     const char *status, Imported *thr, SrcLoc loc) {
    Imported *ctl = import_add(s, "control", "CTL-", model, key, title_of(s, text), loc);
    set_text(s, ctl->fields, "statement", text, loc);
    if (thr) mitigation(s, thr, ctl, status, loc);
    return ctl;
}

Imported *tm_view(Standard *s, const char *model, const char *key, const char *title,
                  const char *description, SrcLoc loc) {
    Imported *v = import_add(s, "view", "VIEW-", model, key, one_line(s, title), loc);
    if (description && *description) v->body = arena_strdup(std_arena(s), description);
    return v;
}

void tm_link(Standard *s, Imported *from, const char *field, const Imported *to, SrcLoc loc) {
    if (from && to) push_once(s, from->fields, field, to->id, loc);
}

void tm_tag(Standard *s, Imported *im, const char *tag, SrcLoc loc) {
    if (im && tag && *tag) push_once(s, im->fields, "tags", tag, loc);
}

/* ---- OWASP Threat Dragon -------------------------------------------------------------- */

/* A cell's property: v2 keeps them under data, v1 on the cell itself. */
static const Value *prop(const Value *cell, const char *key) {
    const Value *data = value_get(cell, "data");
    const Value *v = data ? value_get(data, key) : NULL;
    return v ? v : value_get(cell, key);
}
static const char *prop_str(const Value *cell, const char *key) {
    return std_str(prop(cell, key));
}
static bool prop_true(const Value *cell, const char *key) {
    const char *v = prop_str(cell, key);
    return v && strcmp(v, "true") == 0;
}

static const char *cell_type(const Value *cell) {
    const char *t = prop_str(cell, "type");
    return t ? t : "";
}

/* The label: v2 data.name; v1 attrs.text.text, or a flow's first label. */
static const char *cell_name(const Value *cell) {
    const Value *data = value_get(cell, "data");
    const char *n = data ? std_get(data, "name") : NULL;
    if (n) return n;
    n = std_get(value_get(value_get(cell, "attrs"), "text"), "text");
    if (n) return n;
    size_t k;
    const Value *const *labels = std_items(value_get(cell, "labels"), &k);
    return k ? std_get(value_get(value_get(labels[0], "attrs"), "text"), "text") : NULL;
}

/* The element a flow end names: {"cell": ID} (v2) or {"id": ID} (v1). */
static const char *end_of(const Value *end) {
    const char *c = std_get(end, "cell");
    return c ? c : std_get(end, "id");
}

static bool td_shaped(const Value *root) {
    const Value *detail = value_get(root, "detail");
    return root->kind == VAL_MAP && value_get(root, "summary") && detail &&
           value_get(detail, "diagrams");
}

static void td_diagram(Standard *s, const char *rel, const Value *dg, size_t index) {
    const Value *cells_v = value_get(dg, "cells");
    if (!cells_v) cells_v = value_get(value_get(dg, "diagramJson"), "cells");
    size_t n;
    const Value *const *cells = std_items(cells_v, &n);
    Arena *a = std_arena(s);
    const char *dkey = std_get(dg, "id");
    if (!dkey) dkey = arena_printf(a, "%zu", index);
    Imported *view = import_add(s, "view", "VIEW-", rel, arena_printf(a, "diagram %s", dkey),
                                one_line(s, std_get(dg, "title")), dg->loc);
    if (std_get(dg, "description")) view->body = arena_strdup(a, std_get(dg, "description"));
    /* the elements first: flows and threats name them */
    for (size_t i = 0; i < n; i++) {
        const char *type = cell_type(cells[i]), *id = std_get(cells[i], "id");
        const char *kind = strcmp(type, "tm.Process") == 0 ? "software"
                           : strcmp(type, "tm.Store") == 0 ? "data"
                           : strcmp(type, "tm.Actor") == 0 ? "service"
                                                           : NULL;
        if (!kind || !id) continue;
        Imported *el =
            tm_element(s, rel, id, cell_name(cells[i]), kind, prop_str(cells[i], "description"),
                       prop_true(cells[i], "outOfScope"), cells[i]->loc);
        push_once(s, view->fields, "assets", el->id, cells[i]->loc);
    }
    for (size_t i = 0; i < n; i++) {
        const Value *c = cells[i];
        const char *type = cell_type(c), *id = std_get(c, "id");
        if (!id) continue;
        Imported *on[2] = {NULL, NULL};
        size_t non = 0;
        if (strcmp(type, "tm.Flow") == 0) {
            const char *src = end_of(value_get(c, "source")), *dst = end_of(value_get(c, "target"));
            on[0] = src ? tm_find(s, rel, "asset", src) : NULL;
            on[1] = dst ? tm_find(s, rel, "asset", dst) : NULL;
            non = 2;
            tm_flow(s, on[0], on[1], cell_name(c), prop_str(c, "description"),
                    prop_str(c, "protocol"), prop_true(c, "isEncrypted"),
                    prop_true(c, "isPublicNetwork"), prop_true(c, "isBidirectional"), c->loc);
        } else if (strcmp(type, "tm.Boundary") == 0) {
            continue;
        } else {
            on[0] = tm_find(s, rel, "asset", id);
            non = on[0] != NULL;
        }
        size_t nt;
        const Value *const *threats = std_items(prop(c, "threats"), &nt);
        for (size_t k = 0; k < nt; k++) {
            const Value *t = threats[k];
            const char *tkey = std_get(t, "id");
            /* v1 threats have no ID: the element's and the threat's place in it */
            if (!tkey) tkey = arena_printf(a, "%s/%zu", id, k);
            Imported *thr = tm_threat(s, rel, tkey, std_get(t, "title"), std_get(t, "type"),
                                      std_get(t, "description"), on, non, t->loc);
            push_once(s, view->fields, "threats", thr->id, t->loc);
            const char *mit = std_get(t, "mitigation");
            if (!mit) continue;
            const char *status = std_get(t, "status");
            const char *st = !status                                    ? "planned"
                             : strcasecmp(status, "Mitigated") == 0     ? "implemented"
                             : strcasecmp(status, "NotApplicable") == 0 ? "not-applicable"
                                                                        : "planned";
            Imported *ctl = import_add(s, "control", "CTL-", rel, tkey, title_of(s, mit), t->loc);
            set_text(s, ctl->fields, "statement", mit, t->loc);
            mitigation(s, thr, ctl, st, t->loc);
        }
    }
}

bool threatdragon_json(Standard *s, const char *rel, const Value *root) {
    if (!td_shaped(root)) return false;
    size_t n;
    const Value *const *diagrams = std_items(value_get(value_get(root, "detail"), "diagrams"), &n);
    for (size_t i = 0; i < n; i++)
        td_diagram(s, rel, diagrams[i], i);
    return true;
}

/* ---- Open Threat Model ------------------------------------------------------------------ */

static const char *otm_kind(const char *type) {
    if (!type) return "software";
    char low[80];
    size_t n = 0;
    for (; type[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)type[n]);
    low[n] = 0;
    if (strstr(low, "db") || strstr(low, "database") || strstr(low, "storage") ||
        strstr(low, "store") || strstr(low, "bucket"))
        return "data";
    if (strstr(low, "client") || strstr(low, "browser") || strstr(low, "user") ||
        strstr(low, "actor"))
        return "service";
    if (strstr(low, "server") || strstr(low, "host") || strstr(low, "vm")) return "server";
    return "software";
}

bool otm_json(Standard *s, const char *rel, const Value *root) {
    if (root->kind != VAL_MAP || !value_get(root, "otmVersion")) return false;
    Arena *a = std_arena(s);
    size_t n;
    const Value *const *zones = std_items(value_get(root, "trustZones"), &n);
    StdIndex zone_names = {0};
    for (size_t i = 0; i < n; i++) {
        const char *id = std_get(zones[i], "id"), *name = std_get(zones[i], "name");
        if (id && name) std_index_put(&zone_names, id, (void *)one_line(s, name));
    }
    Imported *view = NULL;
    const Value *const *reps = std_items(value_get(root, "representations"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *type = std_get(reps[i], "type"), *id = std_get(reps[i], "id");
        if (!type || strcmp(type, "diagram") != 0 || !id) continue;
        Imported *v = import_add(s, "view", "VIEW-", rel, id, one_line(s, std_get(reps[i], "name")),
                                 reps[i]->loc);
        if (std_get(reps[i], "description"))
            v->body = arena_strdup(a, std_get(reps[i], "description"));
        if (!view) view = v;
    }
    const Value *const *comps = std_items(value_get(root, "components"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *c = comps[i];
        const char *id = std_get(c, "id");
        if (!id) continue;
        Imported *el = tm_element(s, rel, id, std_get(c, "name"), otm_kind(std_get(c, "type")),
                                  std_get(c, "description"), false, c->loc);
        const char *zone = std_get(value_get(c, "parent"), "trustZone");
        size_t k;
        void *const *zn = zone ? std_index_get(&zone_names, zone, &k) : NULL;
        if (zone && k)
            push_once(s, el->fields, "tags", arena_printf(a, "trust zone: %s", (const char *)zn[0]),
                      c->loc);
        if (view) push_once(s, view->fields, "assets", el->id, c->loc);
    }
    const Value *const *flows = std_items(value_get(root, "dataflows"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *f = flows[i];
        const char *src = std_get(f, "source"), *dst = std_get(f, "destination");
        const char *both = std_get(f, "bidirectional");
        tm_flow(s, src ? tm_find(s, rel, "asset", src) : NULL,
                dst ? tm_find(s, rel, "asset", dst) : NULL, std_get(f, "name"),
                std_get(f, "description"), std_get(f, "protocol"), false, false,
                both && strcmp(both, "true") == 0, f->loc);
    }
    const Value *const *threats = std_items(value_get(root, "threats"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *t = threats[i];
        const char *id = std_get(t, "id");
        if (!id) continue;
        size_t nc;
        const Value *const *cats = std_items(value_get(t, "categories"), &nc);
        const char *cat = NULL;
        for (size_t k = 0; k < nc && !cat; k++)
            if (stride_of(std_str(cats[k]))) cat = std_str(cats[k]);
        Imported *thr = tm_threat(s, rel, id, std_get(t, "name"), cat, std_get(t, "description"),
                                  NULL, 0, t->loc);
        if (view) push_once(s, view->fields, "threats", thr->id, t->loc);
    }
    const Value *const *mits = std_items(value_get(root, "mitigations"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *id = std_get(mits[i], "id");
        if (!id) continue;
        const char *name = std_get(mits[i], "name"), *text = std_get(mits[i], "description");
        Imported *ctl = import_add(s, "control", "CTL-", rel, id, title_of(s, name ? name : text),
                                   mits[i]->loc);
        set_text(s, ctl->fields, "statement", text ? text : name, mits[i]->loc);
    }
    /* the components say which threats sit on them and how each is mitigated */
    size_t ncomp;
    comps = std_items(value_get(root, "components"), &ncomp);
    for (size_t i = 0; i < ncomp; i++) {
        const char *cid = std_get(comps[i], "id");
        Imported *el = cid ? tm_find(s, rel, "asset", cid) : NULL;
        size_t nt;
        const Value *const *refs = std_items(value_get(comps[i], "threats"), &nt);
        for (size_t k = 0; el && k < nt; k++) {
            const char *tid = std_get(refs[k], "threat");
            Imported *thr = tid ? tm_find(s, rel, "threat", tid) : NULL;
            if (!thr) continue;
            push_once(s, thr->fields, "assets", el->id, refs[k]->loc);
            size_t nm;
            const Value *const *ms = std_items(value_get(refs[k], "mitigations"), &nm);
            for (size_t j = 0; j < nm; j++) {
                const char *mid = std_get(ms[j], "mitigation"), *state = std_get(ms[j], "state");
                Imported *ctl = mid ? tm_find(s, rel, "control", mid) : NULL;
                if (!ctl) continue;
                const char *st =
                    state && strcasecmp(state, "implemented") == 0 ? "implemented" : "planned";
                mitigation(s, thr, ctl, st, ms[j]->loc);
            }
        }
    }
    std_index_free(&zone_names);
    return true;
}

/* ---- the supplement ------------------------------------------------------------------ */

void threat_supplement(Standard *s, const char *rel, const char *data, size_t len) {
    Value *root = frontmatter_yaml(std_arena(s), std_diag(s), rel, data, len);
    if (!root) return;
    if (root->kind != VAL_MAP) {
        rule_report(std_diag(s), RULE_THREAT_MODEL_FORMAT, root->loc, NULL,
                    "expected a mapping of the threat model's elements, threats, controls and "
                    "views by their IDs in the tool (and defaults)");
        return;
    }
    ThreatImport *t = ti(s);
    t->supplements = xrealloc(t->supplements, (t->nsupplements + 1) * sizeof *t->supplements);
    t->supplement_paths =
        xrealloc(t->supplement_paths, (t->nsupplements + 1) * sizeof *t->supplement_paths);
    t->supplements[t->nsupplements] = root;
    t->supplement_paths[t->nsupplements++] = rel;
}

static const char *const SECTIONS[][2] = {
    {"elements", "asset"}, {"threats", "threat"}, {"controls", "control"}, {"views", "view"}};

/* Replaces the ID old by new in every link list of every imported record. */
static void rename_links(ThreatImport *t, const char *old, const char *new_id, Arena *a) {
    for (size_t i = 0; i < t->n; i++) {
        Value *f = t->items[i]->fields;
        for (size_t k = 0; k < f->n; k++) {
            Value *list = f->items[k];
            if (list->kind != VAL_LIST) continue;
            for (size_t j = 0; j < list->n; j++)
                if (list->items[j]->kind == VAL_SCALAR && strcmp(list->items[j]->text, old) == 0)
                    list->items[j] = value_scalar(a, list->items[j]->loc, new_id, strlen(new_id));
        }
    }
}

static void apply_entry(Standard *s, ThreatImport *t, Imported *im, const Value *entry) {
    for (size_t k = 0; k < entry->n; k++) {
        const char *key = entry->keys[k];
        Value *v = entry->items[k];
        if (strcmp(key, "id") == 0 && v->kind == VAL_SCALAR) {
            if (strcmp(v->text, im->id) != 0) rename_links(t, im->id, v->text, std_arena(s));
            im->id = v->text; /* the record stays located in the model */
        } else if (strcmp(key, "description") == 0 && v->kind == VAL_SCALAR) {
            im->body = v->text;
        } else if (v->kind == VAL_LIST && value_get(im->fields, key) &&
                   value_get(im->fields, key)->kind == VAL_LIST) {
            /* a list adds to what the model gives (links the model cannot draw) */
            for (size_t i = 0; i < v->n; i++)
                if (v->items[i]->kind == VAL_SCALAR)
                    push_once(s, im->fields, key, v->items[i]->text, v->items[i]->loc);
        } else {
            map_set(s, im->fields, key, v);
        }
    }
}

/* The model a supplement completes: the file of the same name less its
 * extension (NAME.yaml completes NAME.json or NAME.tm7), or NULL. */
static const char *model_of(ThreatImport *t, const char *rel) {
    size_t stem = (size_t)(strrchr(rel, '.') - rel);
    for (size_t i = 0; i < t->n; i++) {
        const char *m = t->items[i]->model, *dot = strrchr(m, '.');
        if (dot && (size_t)(dot - m) == stem && strncmp(m, rel, stem) == 0) return m;
    }
    return NULL;
}

static void apply_supplement(Standard *s, ThreatImport *t, const char *rel, const Value *root) {
    const char *model = model_of(t, rel);
    if (!model) {
        rule_report(std_diag(s), RULE_THREAT_MODEL_SUPPLEMENT, root->loc, NULL,
                    "no threat model beside this supplement: it completes the model of the same "
                    "name (%.*s.json or .tm7)",
                    (int)(strrchr(rel, '.') - rel), rel);
        return;
    }
    for (size_t k = 0; k < root->n; k++) {
        const char *section = root->keys[k];
        const Value *entries = root->items[k];
        const char *type = NULL;
        for (size_t j = 0; j < sizeof SECTIONS / sizeof SECTIONS[0]; j++)
            if (strcmp(section, SECTIONS[j][0]) == 0) type = SECTIONS[j][1];
        if (strcmp(section, "defaults") == 0) continue;
        if (!type || entries->kind != VAL_MAP) {
            rule_report(std_diag(s), RULE_THREAT_MODEL_FORMAT, root->key_locs[k], NULL,
                        "expected elements, threats, controls, views or defaults, each a mapping "
                        "by the tool's IDs, found %s",
                        section);
            continue;
        }
        for (size_t e = 0; e < entries->n; e++) {
            Imported *im = tm_find(s, model, type, entries->keys[e]);
            if (!im) {
                rule_report(std_diag(s), RULE_THREAT_MODEL_SUPPLEMENT, entries->key_locs[e], NULL,
                            "%s names %s, which %s does not have among its %s", rel,
                            entries->keys[e], model, section);
                continue;
            }
            if (entries->items[e]->kind == VAL_MAP) apply_entry(s, t, im, entries->items[e]);
        }
    }
    /* defaults: what every imported record of a kind lacks */
    const Value *defaults = value_get(root, "defaults");
    for (size_t k = 0; defaults && k < defaults->n; k++) {
        const Value *fields = defaults->items[k];
        if (fields->kind != VAL_MAP) continue;
        for (size_t i = 0; i < t->n; i++) {
            Imported *im = t->items[i];
            if (strcmp(im->model, model) != 0 || strcmp(im->type, defaults->keys[k]) != 0) continue;
            for (size_t f = 0; f < fields->n; f++)
                if (!value_get(im->fields, fields->keys[f]))
                    map_set(s, im->fields, fields->keys[f], fields->items[f]);
        }
    }
}

void threats_prepare(Standard *s) {
    ThreatImport *t = s->threats;
    if (!t || t->prepared) return;
    t->prepared = true;
    for (size_t i = 0; i < t->nsupplements; i++)
        apply_supplement(s, t, t->supplement_paths[i], t->supplements[i]);
    for (size_t i = 0; i < t->n; i++)
        std_index_put(&t->by_id, t->items[i]->id, t->items[i]);
}

/* ---- records ------------------------------------------------------------------------ */

static bool same_value(const Value *a, const Value *b) {
    if (a->kind != b->kind) return false;
    if (a->kind == VAL_SCALAR) return strcmp(a->text, b->text) == 0;
    if (a->n != b->n) return false;
    if (a->kind == VAL_LIST) {
        for (size_t i = 0; i < a->n; i++)
            if (!same_value(a->items[i], b->items[i])) return false;
        return true;
    }
    if (a->kind == VAL_MAP) {
        for (size_t i = 0; i < a->n; i++) {
            const Value *other = value_get(b, a->keys[i]);
            if (!other || !same_value(a->items[i], other)) return false;
        }
        return true;
    }
    return a->kind == VAL_NULL;
}

Value *threats_merge(Standard *s, const char *type, Value *front, const char **body) {
    ThreatImport *t = s->threats;
    const char *id = std_get(front, "id");
    *body = NULL;
    if (!t || !id || front->kind != VAL_MAP) return front;
    size_t n;
    void *const *found = std_index_get(&t->by_id, id, &n);
    if (!n) return front;
    Imported *im = found[0];
    if (strcmp(im->type, type) != 0) return front;
    im->taken = true;
    *body = im->body;
    for (size_t k = 0; k < im->fields->n; k++) {
        const char *key = im->fields->keys[k];
        const Value *mine = value_get(front, key);
        const Value *theirs = im->fields->items[k];
        if (!mine) {
            value_push(std_arena(s), front, key, im->fields->key_locs[k], im->fields->items[k]);
        } else if (mine->kind == VAL_LIST && theirs->kind == VAL_LIST) {
            /* lists (links, interfaces, tags) are the union: the record's items first */
            size_t had = mine->n;
            for (size_t i = 0; i < theirs->n; i++) {
                bool dup = false;
                for (size_t j = 0; j < had && !dup; j++)
                    dup = same_value(mine->items[j], theirs->items[i]);
                if (!dup)
                    value_push(std_arena(s), (Value *)mine, NULL, theirs->items[i]->loc,
                               theirs->items[i]);
            }
        } else if (!same_value(mine, theirs) && strcmp(key, "title") != 0) {
            SrcLoc at = im->fields->items[k]->loc;
            rule_report(std_diag(s), RULE_THREAT_MODEL_CONFLICT, mine->loc, id,
                        "%s: %s differs from the threat model (%s:%d:%d); the value here is used",
                        id, key, at.path, at.line, at.col);
        }
    }
    return front;
}

/* Says where the values a model cannot give go: the supplement's entry
 * for the tool's ID (a line of a one-line .tm7 file says little). */
static void incomplete(Standard *s, const RecordType *type, const Imported *im) {
    StrBuf missing;
    sb_init(&missing);
    for (size_t i = 0; i < type->nfields; i++)
        if (type->fields[i].required && strcmp(type->fields[i].name, "id") != 0 &&
            !value_get(im->fields, type->fields[i].name))
            sb_printf(&missing, "%s%s", missing.len ? ", " : "", type->fields[i].name);
    if (missing.len) {
        const char *dot = strrchr(im->model, '.');
        const char *section = strcmp(im->type, "asset") == 0     ? "elements"
                              : strcmp(im->type, "threat") == 0  ? "threats"
                              : strcmp(im->type, "control") == 0 ? "controls"
                                                                 : "views";
        rule_report(std_diag(s), RULE_THREAT_MODEL_INCOMPLETE, im->loc, im->id,
                    "%s lacks %s, which the model cannot give: add them in %.*s.yaml under %s: "
                    "\"%s\" (or a defaults entry for every %s)",
                    im->id, missing.data, (int)(dot - im->model), im->model, section, im->key,
                    im->type);
    }
    sb_free(&missing);
}

void threats_finish(Standard *s) {
    ThreatImport *t = s->threats;
    if (!t) return;
    threats_prepare(s);
    Model *m = std_model(s);
    Arena *a = std_arena(s);
    for (size_t i = 0; i < t->n; i++) {
        Imported *im = t->items[i];
        if (im->taken) continue;
        const RecordType *type = schema_type(m->schema, im->type);
        Value *fields = value_new(a, VAL_MAP, im->loc);
        value_push(a, fields, "id", im->loc, scalar(s, im->loc, im->id));
        for (size_t k = 0; k < im->fields->n; k++)
            value_push(a, fields, im->fields->keys[k], im->fields->key_locs[k],
                       im->fields->items[k]);
        incomplete(s, type, im);
        Record *r = typing_record(a, std_diag(s), type, im->model, fields, im->loc);
        if (!r) continue;
        r->body = im->body ? im->body : "";
        r->body_len = strlen(r->body);
        r->body_line = im->loc.line;
        model_add(m, std_diag(s), r);
    }
    std_index_free(&t->by_id);
    std_index_free(&t->by_key);
    std_index_free(&t->ids);
    free(t->items);
    free(t->supplements);
    free(t->supplement_paths);
    free(t);
    s->threats = NULL;
}
