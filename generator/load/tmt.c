/* tmt.c: Microsoft Threat Modeling Tool models (.tm7) in threats/. The
 * file is the tool's WCF data-contract XML, usually one line: elements
 * switch namespaces and carry xsi types, so everything is matched by local
 * name. Each drawing surface becomes a view; its stencils (external
 * interactors, processes, data stores) assets, its connectors data flows,
 * its trust-boundary boxes tags on the stencils inside them; each threat
 * instance a threat on the flow's two ends, and a justification the tool
 * keeps for a mitigated or not-applicable threat a control. Records are
 * made through the mapping threatmodel.c shares (tm_*), so IDs, the
 * supplement and merging work as for the other formats. Part of load/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

static const XNode *child(const XNode *n, const char *name) {
    for (const XNode *c = n ? n->children : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

static const char *text(const XNode *n, const char *name) {
    const XNode *c = child(n, name);
    return c && c->text && *c->text ? c->text : NULL;
}

/* A stencil's or connector's property by its display name (Name, Out Of Scope). */
static const char *property(const XNode *value, const char *display) {
    for (const XNode *p = child(child(value, "Properties"), "anyType"); p; p = p->next) {
        if (strcmp(p->name, "anyType") != 0) continue;
        const char *d = text(p, "DisplayName");
        if (d && strcmp(d, display) == 0) return text(p, "Value");
    }
    return NULL;
}

/* A threat's property (Title, UserThreatCategory, UserThreatDescription). */
static const char *threat_property(const XNode *value, const char *key) {
    for (const XNode *kv = child(value, "Properties") ? child(value, "Properties")->children : NULL;
         kv; kv = kv->next) {
        const char *k = text(kv, "Key");
        if (k && strcmp(k, key) == 0) return text(kv, "Value");
    }
    return NULL;
}

typedef struct Box {
    const char *name;
    double left, top, width, height;
} Box;

static double number(const XNode *value, const char *name) {
    const char *t = text(value, name);
    double v = 0;
    if (t) sscanf(t, "%lf", &v);
    return v;
}

static void surface(Standard *s, const char *rel, const XNode *dsm, size_t index) {
    Arena *a = std_arena(s);
    SrcLoc loc = {rel, dsm->line, 0};
    const char *guid = text(dsm, "Guid");
    const char *header = text(dsm, "Header");
    Imported *view = tm_view(s, rel, guid ? guid : arena_printf(a, "surface %zu", index),
                             header ? header : "Diagram", NULL, loc);
    /* stencils and boundaries */
    size_t nboxes = 0, cap = 0;
    Box *boxes = NULL;
    for (const XNode *kv = child(child(dsm, "Borders"), "KeyValueOfguidanyType"); kv;
         kv = kv->next) {
        const XNode *v = child(kv, "Value");
        const char *key = text(kv, "Key"), *type = v ? xtree_attr(v, "type") : NULL;
        if (!key || !type) continue;
        SrcLoc at = {rel, v->line, 0};
        const char *name = property(v, "Name");
        if (strcmp(type, "BorderBoundary") == 0) {
            if (nboxes == cap) {
                cap = cap ? cap * 2 : 4;
                boxes = xrealloc(boxes, cap * sizeof *boxes);
            }
            boxes[nboxes++] = (Box){name ? name : "trust boundary", number(v, "Left"),
                                    number(v, "Top"), number(v, "Width"), number(v, "Height")};
            continue;
        }
        const char *kind = strcmp(type, "StencilEllipse") == 0         ? "software"
                           : strcmp(type, "StencilParallelLines") == 0 ? "data"
                           : strcmp(type, "StencilRectangle") == 0     ? "service"
                                                                       : NULL;
        if (!kind) continue;
        const char *oos = property(v, "Out Of Scope");
        Imported *el =
            tm_element(s, rel, key, name, kind, NULL, oos && strcmp(oos, "true") == 0, at);
        tm_link(s, view, "assets", el, at);
    }
    /* each stencil inside a boundary box carries its name */
    for (const XNode *kv = child(child(dsm, "Borders"), "KeyValueOfguidanyType"); kv && nboxes;
         kv = kv->next) {
        const XNode *v = child(kv, "Value");
        const char *key = text(kv, "Key");
        Imported *el = key ? tm_find(s, rel, "asset", key) : NULL;
        if (!el) continue;
        double x = number(v, "Left") + number(v, "Width") / 2,
               y = number(v, "Top") + number(v, "Height") / 2;
        for (size_t b = 0; b < nboxes; b++)
            if (x >= boxes[b].left && x <= boxes[b].left + boxes[b].width && y >= boxes[b].top &&
                y <= boxes[b].top + boxes[b].height)
                tm_tag(s, el, arena_printf(a, "trust boundary: %s", boxes[b].name),
                       (SrcLoc){rel, v->line, 0});
    }
    free(boxes);
    /* data flows */
    for (const XNode *kv = child(child(dsm, "Lines"), "KeyValueOfguidanyType"); kv; kv = kv->next) {
        const XNode *v = child(kv, "Value");
        const char *type = v ? xtree_attr(v, "type") : NULL;
        if (!type || strcmp(type, "Connector") != 0) continue;
        const char *src = text(v, "SourceGuid"), *dst = text(v, "TargetGuid");
        tm_flow(s, src ? tm_find(s, rel, "asset", src) : NULL,
                dst ? tm_find(s, rel, "asset", dst) : NULL, property(v, "Name"), NULL, NULL, false,
                false, false, (SrcLoc){rel, v->line, 0});
    }
}

bool tmt_xml(Standard *s, const char *rel, const XNode *root) {
    if (strcmp(root->name, "ThreatModel") != 0) return false;
    size_t i = 0;
    for (const XNode *d = child(child(root, "DrawingSurfaceList"), "DrawingSurfaceModel"); d;
         d = d->next)
        if (strcmp(d->name, "DrawingSurfaceModel") == 0) surface(s, rel, d, i++);
    Arena *a = std_arena(s);
    for (const XNode *kv = child(root, "ThreatInstances") ? child(root, "ThreatInstances")->children
                                                          : NULL;
         kv; kv = kv->next) {
        const XNode *v = child(kv, "Value");
        /* the threat's number in the model (Id) is short and kept by the tool;
         * the instance key (type and the GUIDs it joins) when there is none */
        const char *key = v ? text(v, "Id") : NULL;
        if (!key) key = text(kv, "Key");
        if (!v || !key) continue;
        key = arena_printf(a, "threat %s", key);
        SrcLoc at = {rel, v->line, 0};
        const char *src = text(v, "SourceGuid"), *dst = text(v, "TargetGuid");
        Imported *on[2] = {src ? tm_find(s, rel, "asset", src) : NULL,
                           dst ? tm_find(s, rel, "asset", dst) : NULL};
        const char *title = threat_property(v, "Title");
        Imported *thr = tm_threat(s, rel, key, title ? title : arena_printf(a, "Threat %s", key),
                                  threat_property(v, "UserThreatCategory"),
                                  threat_property(v, "UserThreatDescription"), on, 2, at);
        const char *surface_guid = text(v, "DrawingSurfaceGuid");
        Imported *view = surface_guid ? tm_find(s, rel, "view", surface_guid) : NULL;
        tm_link(s, view, "threats", thr, at);
        const char *state = text(v, "State"), *why = text(v, "StateInformation");
        if (why && state &&
            (strcmp(state, "Mitigated") == 0 || strcmp(state, "NotApplicable") == 0))
            tm_control(s, rel, key, why,
                       strcmp(state, "Mitigated") == 0 ? "implemented" : "not-applicable", thr, at);
    }
    return true;
}
