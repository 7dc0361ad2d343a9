/* mds2.c (model): answers the MDS2 form from three places, in order: the
 * records where they decide it (the header from dossier.xml, SBOM questions
 * from components, updates from releases, security capabilities from
 * controls by category and from the assets' interfaces), then mds2.xml, then
 * N/A implied by a question it depends on; the rest stays unanswered for the
 * check stage to report. Derived facts of the model stage; reads no files. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const char *mds2_value_name(Mds2Value v) {
    switch (v) {
    case MDS2_YES:
        return "Yes";
    case MDS2_NO:
        return "No";
    case MDS2_NA:
        return "N/A";
    case MDS2_SEE_NOTE:
        return "See Note";
    case MDS2_TEXT:
    case MDS2_NONE:
        break;
    }
    return "";
}

bool mds2_value_parse(const char *s, Mds2Value *out) {
    static const struct {
        const char *name;
        Mds2Value v;
    } names[] = {{"yes", MDS2_YES}, {"no", MDS2_NO}, {"n/a", MDS2_NA}, {"see-note", MDS2_SEE_NOTE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (s && strcmp(s, names[i].name) == 0) {
            *out = names[i].v;
            return true;
        }
    return false;
}

const char *mds2_source_name(Mds2Source s) {
    switch (s) {
    case MDS2_DERIVED:
        return "records";
    case MDS2_HUMAN:
        return "mds2.xml";
    case MDS2_IMPLIED:
        return "implied";
    case MDS2_UNANSWERED:
        break;
    }
    return "unanswered";
}

const Mds2Question *mds2_question(const Mds2 *f, const char *id, size_t *index) {
    for (size_t i = 0; f && id && i < f->n; i++)
        if (strcmp(f->questions[i].id, id) == 0) {
            if (index) *index = i;
            return &f->questions[i];
        }
    return NULL;
}

/* ---- matching words in record text ------------------------------------------- */

/* True when one of the '|'-separated words of words occurs in s as a whole
 * word (not inside a longer one), ignoring case. */
static bool has_word(const char *s, const char *words) {
    if (!s || !words) return false;
    for (const char *w = words; *w;) {
        size_t wl = strcspn(w, "|");
        int first = tolower((unsigned char)*w);
        for (const char *p = s; *p; p++) {
            if (tolower((unsigned char)*p) != first) continue;
            size_t k = 0;
            while (k < wl && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)w[k]))
                k++;
            if (k == wl && (p == s || !isalnum((unsigned char)p[-1])) &&
                !isalnum((unsigned char)p[wl]))
                return true;
        }
        w += wl + (w[wl] == '|');
    }
    return false;
}

/* The same for text already in lower case, through strstr (fast on long
 * statements: the control rules scan every control's text). */
static bool has_word_lower(const char *s, const char *words) {
    char w[64];
    for (const char *p = words; *p;) {
        size_t wl = strcspn(p, "|");
        if (wl && wl < sizeof w) {
            memcpy(w, p, wl);
            w[wl] = 0;
            for (const char *q = s; (q = strstr(q, w)); q++)
                if ((q == s || !isalnum((unsigned char)q[-1])) && !isalnum((unsigned char)q[wl]))
                    return true;
        }
        p += wl + (p[wl] == '|');
    }
    return false;
}

/* ---- the answer being derived ------------------------------------------------- */

/* The records of one type a customer may see (internal ones left out), made
 * once per type for the whole form. */
typedef struct PublicType {
    const char *type;
    Record **records;
    size_t n;
} PublicType;

typedef struct PublicView {
    Model *m;
    PublicType types[16];
    size_t ntypes;
} PublicView;

static Record **public_of_type(PublicView *pv, const char *type, size_t *n) {
    for (size_t i = 0; i < pv->ntypes; i++)
        if (strcmp(pv->types[i].type, type) == 0) {
            *n = pv->types[i].n;
            return pv->types[i].records;
        }
    size_t all;
    Record **rs = model_of_type(pv->m, type, &all);
    Record **out = arena_alloc(pv->m->arena, (all + 1) * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < all; i++)
        if (!rs[i]->internal) out[k++] = rs[i];
    if (pv->ntypes < sizeof pv->types / sizeof pv->types[0])
        pv->types[pv->ntypes++] = (PublicType){type, out, k};
    *n = k;
    return out;
}

/* The MDS2 is a customer document: every answer is derived from the public
 * view of the model, as the public outputs see it. */
/* What the control rules read of a public control, read once for all the
 * questions: title and statement in lower case, status and category. */
typedef struct ControlText {
    const char *text, *status, *category;
} ControlText;

typedef struct Derive {
    Model *m;
    Mds2Answer *a;
    size_t cap;                 /* of a->records */
    const ControlText *control; /* per public control (ID order) */
    PublicView *pv;
} Derive;

/* Appends r; mds2_resolve sorts the records and drops repeats once the
 * answer is derived (a scan per record here made an answer citing every
 * component quadratic). */
static void add_record(Derive *dv, Record *r) {
    Mds2Answer *a = dv->a;
    if (a->nrecords && a->records[a->nrecords - 1] == r) return;
    if (a->nrecords == dv->cap) {
        a->records = arena_grow(dv->m->arena, a->records, dv->cap, dv->cap ? dv->cap * 2 : 8,
                                sizeof *a->records);
        dv->cap = dv->cap ? dv->cap * 2 : 8;
    }
    a->records[a->nrecords++] = r;
}

static bool answer(Derive *dv, Mds2Value v, const char *basis, const char *note) {
    dv->a->value = v;
    dv->a->basis = basis;
    dv->a->note = note;
    return true;
}

static bool text_answer(Derive *dv, const char *text, const char *basis) {
    if (!text || !*text) return false;
    dv->a->text = text;
    return answer(dv, MDS2_TEXT, basis, NULL);
}

/* ---- controls ------------------------------------------------------------------ */

/* Yes from the controls of the given categories (space-separated, NULL for
 * any) whose title or statement has one of words1 and, if given, one of
 * words2. Controls in place (implemented, partial) justify it; when only
 * planned ones match, they are cited and the check stage reports the
 * contradiction. Not-applicable controls never count. */
static bool from_controls(Derive *dv, const char *categories, const char *words1,
                          const char *words2, const char *basis) {
    size_t n;
    Record **controls = public_of_type(dv->pv, "control", &n);
    bool in_place = false;
    for (int pass = 0; pass < 2 && dv->a->nrecords == 0; pass++) {
        for (size_t i = 0; i < n; i++) {
            Record *r = controls[i];
            const char *status = dv->control[i].status, *cat = dv->control[i].category;
            if (!status || strcmp(status, "not-applicable") == 0) continue;
            bool placed = strcmp(status, "implemented") == 0 || strcmp(status, "partial") == 0;
            if (pass == 0 && !placed) continue;
            if (categories && (!cat || !has_word(categories, cat))) continue;
            if (words1 && !has_word_lower(dv->control[i].text, words1)) continue;
            if (words2 && !has_word_lower(dv->control[i].text, words2)) continue;
            add_record(dv, r);
            in_place = in_place || placed;
        }
    }
    if (dv->a->nrecords == 0) return false;
    return answer(dv, MDS2_YES, basis,
                  in_place ? NULL : "Planned: not yet in the released device.");
}

/* ---- interfaces of the assets ----------------------------------------------------- */

/* True for the assets that are the device's hardware: kind device or interface. */
static bool hardware(const Record *asset) {
    const char *kind = record_str_public(asset, "kind");
    return kind && (strcmp(kind, "device") == 0 || strcmp(kind, "interface") == 0);
}

/* Yes when an interface of an asset (its name, protocol or ports) has one of
 * words. For the hardware questions (hardware_only), only the device's
 * hardware counts (a virtual server's "Ethernet" is no RJ45 port on the
 * device), and the answer is No when its assets list interfaces and none has. */
static bool from_interfaces(Derive *dv, const char *words, bool hardware_only, const char *basis) {
    size_t n;
    Record **assets = public_of_type(dv->pv, "asset", &n);
    size_t with_interfaces = 0;
    for (size_t i = 0; i < n; i++) {
        const Value *list = record_field_public(assets[i], "interfaces");
        if (!list || list->kind != VAL_LIST || (hardware_only && !hardware(assets[i]))) continue;
        with_interfaces++;
        for (size_t k = 0; k < list->n; k++) {
            const Value *e = list->items[k];
            const char *parts[] = {"name", "protocol", "ports"};
            for (size_t p = 0; p < 3; p++) {
                const Value *v = value_get(e, parts[p]);
                if (v && v->kind == VAL_SCALAR && has_word(v->text, words))
                    add_record(dv, assets[i]);
            }
        }
    }
    if (dv->a->nrecords) return answer(dv, MDS2_YES, basis, NULL);
    if (!hardware_only || with_interfaces == 0) return false;
    for (size_t i = 0; i < n; i++) {
        const Value *list = record_field_public(assets[i], "interfaces");
        if (list && list->kind == VAL_LIST && hardware(assets[i])) add_record(dv, assets[i]);
    }
    return answer(dv, MDS2_NO, basis,
                  arena_printf(dv->m->arena,
                               "None of the interfaces of the device's %zu hardware assets is of "
                               "this kind.",
                               with_interfaces));
}

/* ---- records of a type with a property ------------------------------------------ */

/* Adds the records of type whose field (NULL: any record) has a value, and
 * whose value is one of words when words is given. Returns how many. */
static size_t add_where(Derive *dv, const char *type, const char *field, const char *words) {
    size_t n, before = dv->a->nrecords;
    Record **rs = public_of_type(dv->pv, type, &n);
    for (size_t i = 0; i < n; i++) {
        if (field) {
            const Value *v = record_field_public(rs[i], field);
            if (!v || v->kind == VAL_NULL) continue;
            if (words && (v->kind != VAL_SCALAR || !has_word(v->text, words))) continue;
        }
        add_record(dv, rs[i]);
    }
    return dv->a->nrecords - before;
}

static size_t count_of(Derive *dv, const char *type) {
    size_t n;
    public_of_type(dv->pv, type, &n);
    return n;
}

/* ---- the derivations, one per question the records decide ------------------------- */

static bool d_manufacturer(Derive *dv) {
    return text_answer(dv, dv->m->product.manufacturer, "dossier.xml: manufacturer");
}

static bool d_description(Derive *dv) {
    const Product *p = &dv->m->product;
    if (!p->description) return text_answer(dv, p->name, "dossier.xml: product name");
    return text_answer(dv, text_one_line(dv->m->arena, p->description),
                       "dossier.xml: product description");
}

static bool d_models(Derive *dv) {
    const Product *p = &dv->m->product;
    if (p->nmodels == 0) {
        if (!p->name) return false;
        return text_answer(
            dv, p->version ? arena_printf(dv->m->arena, "%s %s", p->name, p->version) : p->name,
            "dossier.xml: product name and version");
    }
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < p->nmodels; i++)
        sb_printf(&sb, "%s%s", i ? "; " : "", text_one_line(dv->m->arena, p->models[i]));
    if (p->version) sb_printf(&sb, " (software %s)", p->version);
    const char *text = arena_strdup(dv->m->arena, sb.data);
    sb_free(&sb);
    return text_answer(dv, text, "dossier.xml: models and version");
}

static bool d_document_id(Derive *dv) {
    const Product *p = &dv->m->product;
    if (!p->name) return false;
    return text_answer(
        dv, arena_printf(dv->m->arena, "%s %s MDS2", p->name, p->version ? p->version : ""),
        "dossier.xml: product name and version");
}

static const Contact *security_contact(const Product *p) {
    for (size_t i = 0; i < p->ncontacts; i++)
        if (p->contacts[i].role && strcmp(p->contacts[i].role, "psirt") == 0)
            return &p->contacts[i];
    return p->ncontacts ? &p->contacts[0] : NULL;
}

static bool d_contact(Derive *dv) {
    const Product *p = &dv->m->product;
    const Contact *c = security_contact(p);
    StrBuf sb;
    sb_init(&sb);
    if (p->manufacturer) sb_puts(&sb, p->manufacturer);
    const char *parts[] = {c ? c->name : NULL, c ? c->email : NULL, c ? c->phone : NULL,
                           c && c->url ? c->url : p->manufacturer_url, p->manufacturer_address};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i])
            sb_printf(&sb, "%s%s", sb.len ? "; " : "", text_one_line(dv->m->arena, parts[i]));
    bool ok = sb.len && text_answer(dv, arena_strdup(dv->m->arena, sb.data),
                                    "dossier.xml: contacts and manufacturer");
    sb_free(&sb);
    return ok;
}

static bool d_intended_use(Derive *dv) {
    const Product *p = &dv->m->product;
    const char *s = p->use_environment ? p->use_environment : p->intended_use;
    if (!s) return false;
    return text_answer(dv, text_one_line(dv->m->arena, s),
                       p->use_environment ? "dossier.xml: use environment"
                                          : "dossier.xml: intended use");
}

static bool d_release_date(Derive *dv) {
    if (dv->m->build_date <= 0) return false; /* resolved again once the build date is known */
    char date[16];
    date_format(dv->m->build_date, date);
    return text_answer(dv, arena_strdup(dv->m->arena, date), "the build date");
}

static bool d_cvd(Derive *dv) {
    const Product *p = &dv->m->product;
    if (!p->cvd_policy_url) return false;
    const Contact *c = security_contact(p);
    return answer(dv, MDS2_YES, "dossier.xml: cvd policy",
                  c && c->email ? arena_printf(dv->m->arena, "Policy: %s; reports to %s.",
                                               p->cvd_policy_url, c->email)
                                : arena_printf(dv->m->arena, "Policy: %s.", p->cvd_policy_url));
}

static bool d_isao(Derive *dv) {
    if (!add_where(dv, "signal", "source", "isao")) return false;
    return answer(dv, MDS2_YES, "surveillance signals received from an ISAO", NULL);
}

static bool d_diagram(Derive *dv) {
    if (!add_where(dv, "view", "diagram", NULL)) return false;
    return answer(dv, MDS2_YES, "architecture views with diagrams", NULL);
}

/* Hardware: assets of kind device. SaMD (DOC-11) and "software only" (PLOK-1). */
static bool d_not_software_only(Derive *dv) {
    if (!add_where(dv, "asset", "kind", "device")) return false;
    return answer(dv, MDS2_NO, "assets of kind device", "The system includes hardware of its own.");
}

static bool d_firmware(Derive *dv) {
    if (!add_where(dv, "asset", "kind", "device")) return false;
    return answer(dv, MDS2_YES, "assets of kind device (hardware with firmware)", NULL);
}

static bool d_needs_updates(Derive *dv) {
    add_where(dv, "release", NULL, NULL);
    if (dv->a->nrecords == 0 && !from_controls(dv, "updates", NULL, NULL, NULL)) return false;
    return answer(dv, MDS2_YES, "releases and update controls", NULL);
}

/* An operating system among the components (records or assets' lists). */
static bool d_operating_system(Derive *dv) {
    const char *os = "linux|linux-kernel|windows|android|vxworks|qnx|freertos|zephyr|yocto|ios";
    size_t n;
    Record **cs = public_of_type(dv->pv, "component", &n);
    for (size_t i = 0; i < n; i++)
        if (has_word(record_str_public(cs[i], "kind"), "operating-system") ||
            has_word(record_str_public(cs[i], "name"), os))
            add_record(dv, cs[i]);
    Record **assets = public_of_type(dv->pv, "asset", &n);
    for (size_t i = 0; i < n; i++) {
        const Value *list = record_field_public(assets[i], "components");
        for (size_t k = 0; list && list->kind == VAL_LIST && k < list->n; k++)
            if (list->items[k]->kind == VAL_SCALAR && has_word(list->items[k]->text, os))
                add_record(dv, assets[i]);
    }
    if (dv->a->nrecords == 0) return false;
    return answer(dv, MDS2_YES, "an operating system among the components", NULL);
}

static bool d_remote_updates(Derive *dv) {
    if (!add_where(dv, "release", "deployment", "remote")) return false;
    return answer(dv, MDS2_YES, "releases deployed remotely", NULL);
}

static bool d_review_cycle(Derive *dv) {
    if (!add_where(dv, "release", "kind", "routine")) return false;
    return answer(dv, MDS2_YES, "routine releases", NULL);
}

static bool d_support_dates(Derive *dv) {
    if (!add_where(dv, "release", "end_of_support", NULL) &&
        !add_where(dv, "component", "end_of_support", NULL))
        return false;
    return answer(dv, MDS2_YES, "end-of-support dates of releases and components",
                  "Published in the customer documents built from these records.");
}

static bool d_eol_plan(Derive *dv) {
    if (!add_where(dv, "component", "eos_plan", NULL)) return false;
    return answer(dv, MDS2_YES, "end-of-support plans of components", NULL);
}

static bool d_sbom(Derive *dv) {
    size_t n = count_of(dv, "component");
    if (n == 0) return false;
    add_where(dv, "component", NULL, NULL);
    return answer(dv, MDS2_YES, "components (SBOM)",
                  arena_printf(dv->m->arena, "%zu components.", n));
}

static bool d_sbom_format(Derive *dv) {
    if (!add_where(dv, "component", "sboms", NULL)) return false;
    return answer(dv, MDS2_YES, "components read from SBOM files", "CycloneDX or SPDX.");
}

/* Yes when every component gives field, No when none does, See Note between. */
static bool sbom_share(Derive *dv, const char *field, const char *what) {
    size_t n;
    Record **cs = public_of_type(dv->pv, "component", &n);
    if (n == 0) return false;
    size_t with = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = record_str_public(cs[i], field);
        if (s && *s) with++;
        add_record(dv, cs[i]);
    }
    const char *basis = arena_printf(dv->m->arena, "components: %s", what);
    if (with == n) return answer(dv, MDS2_YES, basis, NULL);
    if (with == 0) return answer(dv, MDS2_NO, basis, NULL);
    return answer(
        dv, MDS2_SEE_NOTE, basis,
        arena_printf(dv->m->arena, "The %s is given for %zu of %zu components.", what, with, n));
}

static bool d_sbom_supplier(Derive *dv) {
    return sbom_share(dv, "supplier", "supplier");
}
static bool d_sbom_version(Derive *dv) {
    return sbom_share(dv, "version", "version");
}

static bool d_sbom_more(Derive *dv) {
    size_t n;
    Record **cs = public_of_type(dv->pv, "component", &n);
    for (size_t i = 0; i < n; i++)
        if (record_field_public(cs[i], "purl") || record_field_public(cs[i], "cpe") ||
            record_field_public(cs[i], "hashes") || record_field_public(cs[i], "licenses"))
            add_record(dv, cs[i]);
    if (dv->a->nrecords == 0) return false;
    return answer(dv, MDS2_YES, "components: package URLs, CPEs, hashes or licenses", NULL);
}

/* Questions decided by controls or interfaces, as data. */
typedef struct Rule {
    const char *id;
    bool (*fn)(Derive *);
    const char *categories, *words1, *words2; /* from_controls */
    const char *iface;                        /* from_interfaces */
    bool hardware_only;                       /* from_interfaces */
    const char *basis;
} Rule;

#define WIRELESS "wi-fi|wifi|wlan|802.11|bluetooth|ble|nfc|lte|cellular|zigbee|5g|wireless"
#define PHYSICAL "usb|ethernet|rj45|rs-232|rs232|serial port|firewire|hdmi"

static const Rule rules[] = {
    {"DOC-1", d_manufacturer, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-2", d_description, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-3", d_models, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-4", d_document_id, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-5", d_contact, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-6", d_intended_use, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-7", d_release_date, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-8", d_cvd, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-9", d_isao, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-10", d_diagram, NULL, NULL, NULL, NULL, false, NULL},
    {"DOC-11", d_not_software_only, NULL, NULL, NULL, NULL, false, NULL},
    {"MPII-1", NULL, "confidentiality cryptography", "patient|personal|phi|ephi|pii|health", NULL,
     NULL, false, "confidentiality controls protecting personal data"},
    {"AUDT-1", NULL, "logging", NULL, NULL, NULL, false, "logging controls"},
    {"AUDT-2", NULL, "logging", NULL, NULL, NULL, false, "logging controls"},
    {"AUDT-4.1.1", NULL, "integrity logging",
     "ntp|time source|authenticated time|clock|time synchronisation", NULL, NULL, false,
     "time-source controls"},
    {"AUDT-5", NULL, "logging", "export|siem|syslog", NULL, NULL, false, "log export controls"},
    {"AUDT-7", NULL, "logging", "tamper|tamper-evident|append-only|signed|protected", NULL, NULL,
     false, "log protection controls"},
    {"AUTH-1", NULL, "authentication authorization", NULL, NULL, NULL, false,
     "authentication controls"},
    {"AUTH-1.1", NULL, "authentication",
     "federated|ldap|oauth|openid|saml|identity provider|single sign-on", NULL, NULL, false,
     "federated identity controls"},
    {"AUTH-2", NULL, "authorization", "role|roles|role-based|rbac", NULL, NULL, false,
     "role-based access controls"},
    {"CSUP-1", d_needs_updates, NULL, NULL, NULL, NULL, false, NULL},
    {"CSUP-2", d_operating_system, NULL, NULL, NULL, NULL, false, NULL},
    {"CSUP-2.3", d_remote_updates, NULL, NULL, NULL, NULL, false, NULL},
    {"CSUP-3", d_firmware, NULL, NULL, NULL, NULL, false, NULL},
    {"CSUP-3.3", d_remote_updates, NULL, NULL, NULL, NULL, false, NULL},
    {"CSUP-4", NULL, NULL, "anti-malware|antivirus|anti-virus|malware", NULL, NULL, false,
     "anti-malware controls"},
    {"CSUP-11", NULL, "updates", "vulnerability|vulnerabilities|monitoring", NULL, NULL, false,
     "vulnerability monitoring controls"},
    {"CSUP-11.2", d_review_cycle, NULL, NULL, NULL, NULL, false, NULL},
    {"MLDP-2", NULL, NULL, "anti-malware|antivirus|anti-virus|malware", NULL, NULL, false,
     "anti-malware controls"},
    {"MLDP-4", NULL, NULL,
     "allow-list|allowlist|allow-listing|whitelist|whitelisting|application control", NULL, NULL,
     false, "application allow-listing controls"},
    {"MLDP-5", NULL, NULL, "intrusion", NULL, NULL, false, "intrusion detection controls"},
    {"NAUT-1", NULL, "authentication", "mutual|device authentication|node|certificate|certificates",
     NULL, NULL, false, "node authentication controls"},
    {"NAUT-2", NULL, NULL, "firewall|packet filter|packet filters|allow-list", NULL, NULL, false,
     "network access controls"},
    {"NAUT-3", NULL, "authentication cryptography", "certificate|certificates|x.509|mutual tls",
     NULL, NULL, false, "certificate-based authentication controls"},
    {"CONN-1", NULL, NULL, NULL, NULL, WIRELESS "|" PHYSICAL, true,
     "interfaces of the device's hardware"},
    {"CONN-1.1", NULL, NULL, NULL, NULL, WIRELESS, true,
     "wireless interfaces of the device's hardware"},
    {"CONN-1.1.1", NULL, NULL, NULL, NULL, "wi-fi|wifi|wlan|802.11", true,
     "Wi-Fi interfaces of the device's hardware"},
    {"CONN-1.1.2", NULL, NULL, NULL, NULL, "bluetooth|ble", true,
     "Bluetooth interfaces of the device's hardware"},
    {"CONN-1.1.3", NULL, NULL, NULL, NULL, "lte|cellular|zigbee|5g|lora|lorawan", true,
     "other wireless networks on the device's hardware"},
    {"CONN-1.2", NULL, NULL, NULL, NULL, PHYSICAL, true,
     "physical interfaces of the device's hardware"},
    {"CONN-1.2.1", NULL, NULL, NULL, NULL, "ethernet|rj45", true,
     "Ethernet ports on the device's hardware"},
    {"CONN-1.2.2", NULL, NULL, NULL, NULL, "usb", true, "USB ports on the device's hardware"},
    {"CONN-5", NULL, NULL, NULL, NULL, "api|rest|fhir|graphql", false, "APIs among the interfaces"},
    {"CONN-7", NULL, NULL, NULL, NULL, "tls|dtls", false, "TLS on the interfaces of the assets"},
    {"PAUT-2", NULL, "authentication", "ldap|active directory|oauth|openid|identity provider|saml",
     NULL, NULL, false, "external authentication controls"},
    {"PAUT-8", NULL, "authentication", "multi-factor|mfa|two-factor|2fa", NULL, NULL, false,
     "multi-factor authentication controls"},
    {"PAUT-9", NULL, "authentication", "single sign-on|sso", NULL, NULL, false,
     "single sign-on controls"},
    {"PLOK-1", d_not_software_only, NULL, NULL, NULL, NULL, false, NULL},
    {"RDMP-3", d_support_dates, NULL, NULL, NULL, NULL, false, NULL},
    {"RDMP-4", d_eol_plan, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-1", d_sbom, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-2", d_sbom_format, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-2.1", d_sbom, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-2.2", d_sbom_supplier, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-2.3", d_sbom_version, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-2.4", d_sbom_more, NULL, NULL, NULL, NULL, false, NULL},
    {"SBOM-4", NULL, "updates", "sbom", NULL, NULL, false, "SBOM maintenance controls"},
    {"SAHD-3", NULL, "integrity updates", "verified boot|secure boot|signature|signed|dm-verity",
     NULL, NULL, false, "software integrity controls"},
    {"SAHD-3.1", NULL, "integrity", "verified boot|secure boot|code signing|dm-verity", NULL, NULL,
     false, "verified boot controls"},
    {"SAHD-3.2", NULL, "updates", "signed|signature|signatures", NULL, NULL, false,
     "signed update controls"},
    {"SAHD-5.1", NULL, "authorization", "role|roles|role-based|rbac", NULL, NULL, false,
     "role-based access controls"},
    {"SAHD-8", NULL, NULL, "default-deny|packet filter|packet filters|firewall|unused ports", NULL,
     NULL, false, "port and protocol restriction controls"},
    {"SAHD-11", NULL, "integrity", "verified boot|secure boot", NULL, NULL, false,
     "verified boot controls"},
    {"STCF-1", NULL, "confidentiality cryptography", "at rest|stored|storage|database|disk",
     "encrypt|encrypted|encryption|aes", NULL, false, "encryption-at-rest controls"},
    {"TXCF-2", NULL, "confidentiality cryptography", "tls|transit|transmission|in flight", NULL,
     NULL, false, "encryption-in-transit controls"},
    {"TXCF-4", NULL, "authentication", "mutual|device authentication|certificate", NULL, NULL,
     false, "connection authentication controls"},
    {"TXCF-5", NULL, NULL, NULL, NULL, "hl7|dicom|11073|fhir", false,
     "HL7, DICOM or IEEE 11073 interfaces"},
    {"TXIG-1", NULL, "integrity cryptography",
     "signature|signed|aead|hmac|sequence numbers|integrity", NULL, NULL, false,
     "transmission integrity controls"},
};

static bool derive(Model *m, Mds2Answer *a, const Rule *rule, const ControlText *control,
                   PublicView *pv) {
    Derive dv = {.m = m, .a = a, .control = control, .pv = pv};
    if (rule->fn) return rule->fn(&dv);
    if (rule->iface) return from_interfaces(&dv, rule->iface, rule->hardware_only, rule->basis);
    return from_controls(&dv, rule->categories, rule->words1, rule->words2, rule->basis);
}

/* By position in the model, which is ID order (answers are resolved after
 * model_finish). */
static int cmp_records(const void *pa, const void *pb) {
    size_t a = (*(Record *const *)pa)->order, b = (*(Record *const *)pb)->order;
    return a < b ? -1 : a > b;
}

/* Sorts an answer's records by ID and drops repeats; records taken from
 * model_of_type come sorted already, so sorting is skipped then. */
static void sort_unique(Mds2Answer *a) {
    if (a->nrecords < 2) return;
    bool sorted = true;
    for (size_t i = 1; i < a->nrecords && sorted; i++)
        sorted = a->records[i - 1]->order <= a->records[i]->order;
    if (!sorted) qsort(a->records, a->nrecords, sizeof *a->records, cmp_records);
    size_t k = 1;
    for (size_t i = 1; i < a->nrecords; i++)
        if (a->records[i] != a->records[k - 1]) a->records[k++] = a->records[i];
    a->nrecords = k;
}

/* Adds the records an mds2.xml answer names (the loader reported unknown IDs). */
static void add_given_records(Model *m, Mds2Answer *a, const Mds2Given *g) {
    Derive dv = {.m = m, .a = a, .cap = a->nrecords};
    for (size_t i = 0; i < g->nrecords; i++) {
        Record *r = model_find(m, g->record_ids[i]);
        if (r && !r->internal) add_record(&dv, r); /* an internal record is cited nowhere public */
    }
}

void mds2_resolve(Model *m) {
    Mds2 *f = m->mds2;
    if (!f) return;
    PublicView pv = {.m = m};
    size_t ncontrols;
    Record **controls = public_of_type(&pv, "control", &ncontrols);
    ControlText *control = arena_alloc(m->arena, (ncontrols + 1) * sizeof *control);
    for (size_t i = 0; i < ncontrols; i++) {
        control[i].status = record_str_public(controls[i], "status");
        control[i].category = record_str_public(controls[i], "category");
        const char *st = record_str_public(controls[i], "statement");
        const char *title = record_str_public(controls[i], "title");
        char *t = arena_printf(m->arena, "%s\n%s", title ? title : "", st ? st : "");
        for (char *c = t; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        control[i].text = t;
    }
    for (size_t i = 0; i < f->n; i++) {
        Mds2Answer *a = &f->answers[i];
        const Mds2Question *q = &f->questions[i];
        *a = (Mds2Answer){.question = q, .source = MDS2_UNANSWERED};
        for (size_t k = 0; k < f->ngiven; k++)
            if (strcmp(f->given[k].id, q->id) == 0) a->given = &f->given[k];
        const Mds2Given *g = a->given;
        bool derived = false;
        for (size_t r = 0; r < sizeof rules / sizeof rules[0] && !derived; r++)
            if (strcmp(rules[r].id, q->id) == 0) derived = derive(m, a, &rules[r], control, &pv);
        if (derived) {
            a->source = MDS2_DERIVED;
            a->loc = a->nrecords ? a->records[0]->loc : m->product.loc;
            if (a->nrecords && !a->loc.path) a->loc.path = a->records[0]->path;
            if (g && g->value == MDS2_TEXT) {
                /* the header: a person's wording wins over dossier.xml's */
                a->source = MDS2_HUMAN;
                a->text = g->text;
                a->basis = NULL;
                a->loc = g->loc;
            } else if (g && g->value == a->value) {
                if (g->note) a->note = g->note;
                add_given_records(m, a, g);
            } else if (g && g->value == MDS2_SEE_NOTE) {
                /* a person qualifies what the records say: no contradiction */
                a->source = MDS2_HUMAN;
                a->value = MDS2_SEE_NOTE;
                a->note = g->note;
                a->loc = g->loc;
                add_given_records(m, a, g);
            }
        } else if (g) {
            a->source = MDS2_HUMAN;
            a->value = g->value;
            a->text = g->text;
            a->note = g->note;
            a->loc = g->loc;
            add_given_records(m, a, g);
        } else if (q->gate) {
            size_t gi;
            mds2_question(f, q->gate, &gi);
            const Mds2Answer *parent = &f->answers[gi];
            bool decided =
                parent->value == MDS2_YES || parent->value == MDS2_NO || parent->value == MDS2_NA;
            if (decided && parent->value != q->gate_value) {
                a->source = MDS2_IMPLIED;
                a->value = MDS2_NA;
                a->basis =
                    arena_printf(m->arena, "%s is %s", q->gate, mds2_value_name(parent->value));
                a->note = arena_printf(m->arena, "Applies only when %s is %s.", q->gate,
                                       mds2_value_name(q->gate_value));
                a->loc = parent->loc;
            }
        }
        sort_unique(a);
    }
}

/* ---- the form of one release ------------------------------------------------------ */

/* field of a component of a release as the public sees it: its record's,
 * else what the release's SBOM gives. */
static const char *version_field(const ReleaseComponent *c, const char *field) {
    if (c->record) return record_str_public(c->record, field);
    const Value *v = value_get(c->fields, field);
    return v && v->kind == VAL_SCALAR && *v->text ? v->text : NULL;
}

static bool version_has(const ReleaseComponent *c, const char *field) {
    if (c->record) return record_field_public(c->record, field) != NULL;
    const Value *v = value_get(c->fields, field);
    return v && v->kind != VAL_NULL;
}

/* The answer of question id for the release: SBOM-1 to SBOM-2.4 judged over
 * its components, DOC-3 and DOC-4 naming it (the manufacturer's DOC-4
 * followed by "for version X"); without an SBOM of it, SBOM-1
 * No and the questions it gates N/A. False when the question is not one of
 * those or the base answer stands (a person's own answer). */
static bool version_answer(Derive *dv, const Mds2Answer *base, const char *id, const char *version,
                           const ReleaseComponent *cs, size_t n, bool has_sbom) {
    const Product *p = &dv->m->product;
    bool derived = base->source == MDS2_DERIVED;
    if (strcmp(id, "DOC-4") == 0 && base->source == MDS2_HUMAN && base->text) {
        /* the manufacturer's document ID, marked as the form of this release */
        dv->a->source = MDS2_HUMAN;
        dv->a->text = arena_printf(dv->m->arena, "%s, for version %s", base->text, version);
        return answer(dv, MDS2_TEXT, NULL, base->note);
    }
    if (strcmp(id, "DOC-3") == 0 || strcmp(id, "DOC-4") == 0) {
        if (!derived || !p->name) return false;
        if (strcmp(id, "DOC-4") == 0)
            return text_answer(dv, arena_printf(dv->m->arena, "%s %s MDS2", p->name, version),
                               "dossier.xml: product name; the release's version");
        StrBuf sb;
        sb_init(&sb);
        for (size_t i = 0; i < p->nmodels; i++)
            sb_printf(&sb, "%s%s", i ? "; " : "", text_one_line(dv->m->arena, p->models[i]));
        sb_printf(&sb, p->nmodels ? " (software %s)" : "%s %s", p->nmodels ? version : p->name,
                  version);
        const char *text = arena_strdup(dv->m->arena, sb.data);
        sb_free(&sb);
        return text_answer(dv, text, "dossier.xml: models; the release's version");
    }
    if (strncmp(id, "SBOM-", 5) != 0 || strcmp(id, "SBOM-4") == 0) return false;
    if (!has_sbom) {
        if (strcmp(id, "SBOM-1") == 0)
            return answer(
                dv, MDS2_NO, arena_printf(dv->m->arena, "no SBOM of version %s", version),
                arena_printf(dv->m->arena, "No SBOM is available for version %s.", version));
        const char *gate = base->question->gate;
        if (!gate || strcmp(gate, "SBOM-1") != 0) return false; /* SBOM-3, SBOM-4 stand */
        dv->a->source = MDS2_IMPLIED;
        return answer(dv, MDS2_NA, "SBOM-1 is No",
                      arena_printf(dv->m->arena, "No SBOM is available for version %s.", version));
    }
    if (!derived) return false;
    for (size_t i = 0; i < n; i++)
        if (cs[i].record && !cs[i].record->internal) add_record(dv, (Record *)cs[i].record);
    if (strcmp(id, "SBOM-1") == 0 || strcmp(id, "SBOM-2.1") == 0)
        return answer(dv, MDS2_YES,
                      arena_printf(dv->m->arena, "components of version %s (SBOM)", version),
                      arena_printf(dv->m->arena, "%zu components.", n));
    if (strcmp(id, "SBOM-2") == 0)
        return answer(dv, MDS2_YES, "components read from SBOM files", "CycloneDX or SPDX.");
    if (strcmp(id, "SBOM-2.2") == 0 || strcmp(id, "SBOM-2.3") == 0) {
        const char *what = strcmp(id, "SBOM-2.2") == 0 ? "supplier" : "version";
        size_t with = 0;
        for (size_t i = 0; i < n; i++) {
            const char *t = version_field(&cs[i], what);
            with += t && *t;
        }
        const char *basis = arena_printf(dv->m->arena, "components: %s", what);
        if (with == n) return answer(dv, MDS2_YES, basis, NULL);
        if (with == 0) return answer(dv, MDS2_NO, basis, NULL);
        return answer(dv, MDS2_SEE_NOTE, basis,
                      arena_printf(dv->m->arena, "The %s is given for %zu of %zu components.", what,
                                   with, n));
    }
    if (strcmp(id, "SBOM-2.4") == 0) {
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            any = version_has(&cs[i], "purl") || version_has(&cs[i], "cpe") ||
                  version_has(&cs[i], "hashes") || version_has(&cs[i], "licenses");
        if (!any) return false;
        return answer(dv, MDS2_YES, "components: package URLs, CPEs, hashes or licenses", NULL);
    }
    return false;
}

Mds2Answer *mds2_for_version(const Model *fm, const char *version, const ReleaseComponent *cs,
                             size_t n, bool has_sbom, size_t *nout) {
    /* reads the frozen model; writes only into its arena */
    Model *m = (Model *)fm;
    const Mds2 *f = m->mds2;
    *nout = 0;
    if (!f) return NULL;
    Mds2Answer *out = arena_alloc(m->arena, (f->n ? f->n : 1) * sizeof *out);
    PublicView pv = {.m = m};
    for (size_t i = 0; i < f->n; i++) {
        const Mds2Answer *base = &f->answers[i];
        Mds2Answer *a = &out[*nout];
        *a = (Mds2Answer){.question = base->question,
                          .source = MDS2_DERIVED,
                          .loc = base->loc,
                          .given = base->given};
        Derive dv = {.m = m, .a = a, .pv = &pv};
        if (!version_answer(&dv, base, base->question->id, version, cs, n, has_sbom)) continue;
        sort_unique(a);
        (*nout)++;
    }
    return out;
}
