/* test_mds2.c: the MDS2 form on tests/fixtures/mds2: each derived answer and
 * the records behind it, mds2.xml answers and the N/A they imply, bad
 * mds2.xml input located at file:line, the mds2-* rules failing and
 * passing, the maker's wording, and the XLSX packed to the same bytes twice. */
#include <stdlib.h>

#include "base/base.h"
#include "check/check.h"
#include "emit/emit.h"
#include "load/load.h"
#include "model/model.h"
#include "test.h"

typedef struct Loaded {
    Arena a;
    Diag d;
    Schema s;
    Model m;
    bool ok;
} Loaded;

/* Loads a dossier as `dossier check` does: load, build date, resolve, check. */
static void load(Loaded *l, const char *dir) {
    arena_init(&l->a);
    diag_init(&l->d);
    l->ok = schema_load(&l->a, &l->d, "schemas/records.xml", &l->s);
    if (!l->ok) return;
    model_init(&l->m, &l->a, &l->s, dir);
    LoadOptions lo = {"schemas", 1 << 24, NULL, NULL, false};
    l->ok = load_dossier(&l->m, &l->d, &lo) && l->m.mds2 != NULL;
    if (!l->ok) return;
    date_parse("2025-12-01", &l->m.build_date);
    mds2_resolve(&l->m);
    check_run(&l->m, &l->d);
}

static void unload(Loaded *l) {
    diag_free(&l->d);
    arena_free(&l->a);
}

static const Mds2Answer *answer(const Loaded *l, const char *id) {
    size_t i;
    if (!mds2_question(l->m.mds2, id, &i)) return NULL;
    return &l->m.mds2->answers[i];
}

/* The answer's records as "ID ID ...", for comparing. Static buffer. */
static const char *records_of(const Mds2Answer *a) {
    static char buf[512];
    buf[0] = 0;
    for (size_t i = 0; a && i < a->nrecords; i++) {
        if (i) strncat(buf, " ", sizeof buf - strlen(buf) - 1);
        strncat(buf, a->records[i]->id, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static bool is(const Mds2Answer *a, Mds2Value v, Mds2Source src) {
    return a && a->value == v && a->source == src;
}

static const Finding *finding(const Diag *d, const char *rule, const char *needle) {
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->items[i].rule, rule) == 0 && (!needle || strstr(d->items[i].message, needle)))
            return &d->items[i];
    return NULL;
}

static size_t count(const Diag *d, const char *prefix) {
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += strncmp(d->items[i].rule, prefix, strlen(prefix)) == 0;
    return n;
}

static bool at(const Finding *f, const char *path, int line) {
    return f && f->loc.path && strcmp(f->loc.path, path) == 0 && f->loc.line == line;
}

static void test_derived(void) {
    Loaded l;
    load(&l, "tests/fixtures/mds2/derive");
    CHECK("derive: fixture loads with a catalogue", l.ok);
    if (!l.ok) return;
    const Mds2 *f = l.m.mds2;
    CHECK("catalogue: 240 questions", f->n == 240);
    CHECK_STR("catalogue: first question", f->questions[0].id, "DOC-1");
    CHECK_STR("catalogue: last question", f->questions[f->n - 1].id, "RMOT-3");
    CHECK("catalogue: header questions take a text",
          f->questions[0].text_answer && !f->questions[7].text_answer);

    const Mds2Answer *a = answer(&l, "DOC-1");
    CHECK("DOC-1 from dossier.xml",
          is(a, MDS2_TEXT, MDS2_DERIVED) && strcmp(a->text, "Fixture Medical & Co.") == 0);
    a = answer(&l, "DOC-2");
    CHECK_STR("DOC-2: the description on one line", a ? a->text : NULL,
              "A test pump on two lines.");
    a = answer(&l, "DOC-3");
    CHECK_STR("DOC-3: models and version", a ? a->text : NULL, "FP-1; FP-2 (software 2.0.0)");
    a = answer(&l, "DOC-4");
    CHECK("DOC-4: mds2.xml's document ID wins over the derived one",
          is(a, MDS2_TEXT, MDS2_HUMAN) && strcmp(a->text, "FP-MDS2-001 <rev B>") == 0);
    a = answer(&l, "DOC-5");
    CHECK("DOC-5: the PSIRT contact, not the first one",
          a && a->text && strstr(a->text, "Fixture PSIRT; psirt@fixture.example; +1-555-0100") &&
              !strstr(a->text, "support@"));
    a = answer(&l, "DOC-6");
    CHECK_STR("DOC-6: the use environment", a ? a->text : NULL,
              "Hospital wards, on the clinical Wi-Fi.");
    a = answer(&l, "DOC-7");
    CHECK_STR("DOC-7: the build date", a ? a->text : NULL, "2025-12-01");
    a = answer(&l, "DOC-8");
    CHECK("DOC-8: Yes from the CVD policy, URL in the note",
          is(a, MDS2_YES, MDS2_DERIVED) && a->note &&
              strstr(a->note, "https://fixture.example/cvd"));
    a = answer(&l, "DOC-11");
    CHECK("DOC-11: No, the device asset is hardware", is(a, MDS2_NO, MDS2_DERIVED));
    CHECK_STR("DOC-11: justified by the device asset", records_of(a), "AST-1");
    a = answer(&l, "DOC-11.1");
    CHECK("DOC-11.1: N/A implied by DOC-11",
          is(a, MDS2_NA, MDS2_IMPLIED) && strstr(a->basis, "DOC-11 is No"));
    a = answer(&l, "MPII-1");
    CHECK("MPII-1: Yes from the patient-data control", is(a, MDS2_YES, MDS2_DERIVED));
    CHECK_STR("MPII-1: justified by CTL-2", records_of(a), "CTL-2");
    CHECK_STR("STCF-1: encryption at rest from CTL-2", records_of(answer(&l, "STCF-1")), "CTL-2");
    a = answer(&l, "TXCF-2");
    CHECK("TXCF-2: Yes from a planned control, marked planned",
          is(a, MDS2_YES, MDS2_DERIVED) && a->note && strstr(a->note, "Planned"));
    CHECK_STR("TXCF-2: justified by CTL-3", records_of(a), "CTL-3");
    CHECK_STR("AUDT-5: log export from CTL-1; the internal CTL-6 neither decides nor is cited (the "
              "form is public)",
              records_of(answer(&l, "AUDT-5")), "CTL-1");
    CHECK_STR("NAUT-3: certificates from CTL-4", records_of(answer(&l, "NAUT-3")), "CTL-4");
    a = answer(&l, "CONN-1.1.1");
    CHECK("CONN-1.1.1: Wi-Fi from the pump's interfaces", is(a, MDS2_YES, MDS2_DERIVED));
    CHECK_STR("CONN-1.1.1: justified by AST-1", records_of(a), "AST-1");
    a = answer(&l, "CONN-1.1.3");
    CHECK("CONN-1.1.3: No when no interface is of that kind", is(a, MDS2_NO, MDS2_DERIVED));
    CHECK_STR("CONN-1.1.3: the hardware assets that list interfaces", records_of(a), "AST-1");
    a = answer(&l, "CONN-1.2.1");
    CHECK("CONN-1.2.1: the gateway server's Ethernet is no port on the device",
          is(a, MDS2_NO, MDS2_DERIVED));
    CHECK_STR("CONN-1.2.1: justified by the hardware asset", records_of(a), "AST-1");
    CHECK_STR("CONN-1.2.2: USB on the pump", records_of(answer(&l, "CONN-1.2.2")), "AST-1");
    CHECK_STR("TXCF-5: HL7 on the gateway", records_of(answer(&l, "TXCF-5")), "AST-2");
    CHECK_STR("CSUP-2.3: remote deployment from the release", records_of(answer(&l, "CSUP-2.3")),
              "REL-2.0.0");
    CHECK_STR("CSUP-11.2: a routine release", records_of(answer(&l, "CSUP-11.2")), "REL-2.0.0");
    CHECK("SBOM-1: no components, not derived", answer(&l, "SBOM-1")->source == MDS2_UNANSWERED);
    a = answer(&l, "MLDP-2");
    CHECK("MLDP-2: a not-applicable control derives nothing; mds2.xml says No",
          is(a, MDS2_NO, MDS2_HUMAN));
    CHECK("MLDP-2.1: N/A implied by MLDP-2 No", is(answer(&l, "MLDP-2.1"), MDS2_NA, MDS2_IMPLIED));
    CHECK("MLDP-3: applies when MLDP-2 is No, so unanswered",
          answer(&l, "MLDP-3")->source == MDS2_UNANSWERED);
    a = answer(&l, "ALOF-1");
    CHECK("ALOF-1: from mds2.xml with its note on one line",
          is(a, MDS2_YES, MDS2_HUMAN) && a->note &&
              strcmp(a->note, "Locks after 2 minutes; configurable.") == 0);
    CHECK_STR("ALOF-1: the records mds2.xml names", records_of(a), "CTL-1");
    CHECK("ALOF-1: located at its line in mds2.xml",
          a->loc.line == 4 && strcmp(a->loc.path, "mds2.xml") == 0);
    CHECK("ALOF-2: see-note from mds2.xml", is(answer(&l, "ALOF-2"), MDS2_SEE_NOTE, MDS2_HUMAN));
    a = answer(&l, "AUDT-1");
    CHECK("AUDT-1: derived and confirmed by mds2.xml, whose note is kept",
          is(a, MDS2_YES, MDS2_DERIVED) && a->given && a->note &&
              strcmp(a->note, "Confirmed by hand.") == 0);
    CHECK("CSUP-4.2: N/A implied by CSUP-4 No", is(answer(&l, "CSUP-4.2"), MDS2_NA, MDS2_IMPLIED));
    a = answer(&l, "AUDT-5");
    CHECK("AUDT-5: see-note in mds2.xml qualifies a derived Yes, keeping its basis",
          is(a, MDS2_SEE_NOTE, MDS2_HUMAN) && a->basis && strstr(a->note, "hospital's SIEM"));

    /* the rules on the same fixture: failing */
    const Finding *fd = finding(&l.d, "mds2-contradiction", "TXCF-2 says Yes, but CTL-3");
    CHECK("mds2-contradiction: a Yes from a planned control", fd != NULL);
    CHECK("mds2-contradiction: located at the control's status", at(fd, "controls/CTL-3.md", 5));
    fd = finding(&l.d, "mds2-contradiction", "NAUT-1 says Yes, but TST-2");
    CHECK("mds2-contradiction: a Yes whose control's latest test failed", fd != NULL);
    fd = finding(&l.d, "mds2-contradiction",
                 "mds2.xml answers CONN-1.1.2 Yes, but the records say No");
    CHECK("mds2-contradiction: mds2.xml against the records, at its line", at(fd, "mds2.xml", 8));
    CHECK("mds2-contradiction: none for an agreeing mds2.xml answer",
          !finding(&l.d, "mds2-contradiction", "AUDT-1"));
    CHECK("mds2-contradiction: none for a see-note on a derived answer",
          !finding(&l.d, "mds2-contradiction", "AUDT-5"));
    CHECK("mds2-contradiction: none for a Yes from a control in place",
          !finding(&l.d, "mds2-contradiction", "STCF-1"));
    CHECK("mds2-unanswered: MLDP-3, at mds2.xml's root element",
          at(finding(&l.d, "mds2-unanswered", "MDS2 MLDP-3 "), "mds2.xml", 2));
    CHECK("mds2-unanswered: not for an answered question",
          !finding(&l.d, "mds2-unanswered", "MDS2 ALOF-1 "));
    CHECK("mds2-not-started: not when mds2.xml exists", !finding(&l.d, "mds2-not-started", NULL));

    /* the XLSX: same bytes twice, entries sorted, [Content_Types].xml first */
    Xlsx *x = xlsx_new("MDS2", "t");
    xlsx_cell(x, 1, 0, "a & <b>", XLSX_HEADER);
    xlsx_cell(x, 2, 2, "\xC3\xA9", XLSX_CELL);
    StrBuf b1, b2;
    sb_init(&b1);
    sb_init(&b2);
    CHECK("xlsx: packs", xlsx_pack(x, l.m.build_date, "t.xlsx", &b1) &&
                             xlsx_pack(x, l.m.build_date, "t.xlsx", &b2));
    CHECK("xlsx: the same bytes twice",
          b1.len == b2.len && b1.len > 0 && memcmp(b1.data, b2.data, b1.len) == 0);
    CHECK("xlsx: a ZIP whose first entry is [Content_Types].xml",
          b1.len > 49 && memcmp(b1.data, "PK\3\4", 4) == 0 &&
              memcmp(b1.data + 30, "[Content_Types].xml", 19) == 0);
    /* DOS date of 2025-12-01: (45 << 9) | (12 << 5) | 1, little-endian at offset 12 */
    CHECK("xlsx: entries dated the build date at noon",
          b1.len > 14 && (unsigned char)b1.data[12] == 0x81 && (unsigned char)b1.data[13] == 0x5B &&
              (unsigned char)b1.data[10] == 0 && (unsigned char)b1.data[11] == 0x60);
    sb_free(&b1);
    sb_free(&b2);
    xlsx_free(x);

    /* the maker's wording */
    const char *ref = "../shared/reference/mds2-2019-questions.tsv";
    if (fs_is_file(ref)) {
        CHECK("wording: the reference catalogue is accepted",
              mds2_load_wording(&l.m, ref, 1 << 20));
        CHECK_STR("wording: DOC-1 in the official words", l.m.mds2->questions[0].text,
                  "Manufacturer Name");
        CHECK("wording: marked official", l.m.mds2->official_wording);
    } else {
        SKIP("wording: the reference catalogue",
             "../shared/reference/mds2-2019-questions.tsv is absent");
    }
    CHECK("wording: a file without the columns is refused",
          !mds2_load_wording(&l.m, "schemas/mds2.xsd", 1 << 20));
    unload(&l);
}

static void test_bad(void) {
    Loaded l;
    load(&l, "tests/fixtures/mds2/bad");
    CHECK("bad: loads", l.ok);
    if (!l.ok) return;
    CHECK("bad: unknown question ID at its line",
          at(finding(&l.d, "mds2-question", "ZZZZ-9"), "mds2.xml", 4));
    CHECK("bad: a choice without value at its line",
          at(finding(&l.d, "mds2-answer", "ALOF-2 needs value"), "mds2.xml", 5));
    CHECK("bad: a header question with a value",
          at(finding(&l.d, "mds2-answer", "DOC-4 is answered with a text"), "mds2.xml", 6));
    CHECK("bad: answered twice",
          at(finding(&l.d, "mds2-answer", "ALOF-1 is answered twice (first at line 3)"), "mds2.xml",
             7));
    CHECK("bad: a record no record has",
          at(finding(&l.d, "mds2-answer", "names CTL-77"), "mds2.xml", 8));
    CHECK("bad: see-note without a note",
          at(finding(&l.d, "mds2-answer", "AUDT-2 says see-note"), "mds2.xml", 9));
    CHECK("bad: the first ALOF-1 still counts", is(answer(&l, "ALOF-1"), MDS2_YES, MDS2_HUMAN));
    unload(&l);

    load(&l, "tests/fixtures/mds2/broken");
    CHECK("broken XML: xml-syntax at its line",
          l.ok && at(finding(&l.d, "xml-syntax", NULL), "mds2.xml", 5));
    CHECK("broken XML: no answers taken", l.ok && l.m.mds2->ngiven == 0);
    unload(&l);

    load(&l, "tests/fixtures/mds2/badvalue");
    CHECK("bad value: xml-schema names the value at its line",
          l.ok && at(finding(&l.d, "xml-schema", "'maybe'"), "mds2.xml", 4));
    unload(&l);
}

static void test_examples(void) {
    Loaded l;
    load(&l, "examples/infusion-pump");
    CHECK("example: loads", l.ok);
    if (l.ok) {
        CHECK("example: no mds2 finding (every question answered, no contradiction)",
              count(&l.d, "mds2-") == 0);
        size_t open = 0;
        for (size_t i = 0; i < l.m.mds2->n; i++)
            open += l.m.mds2->answers[i].source == MDS2_UNANSWERED;
        CHECK("example: no unanswered question", open == 0);
    }
    unload(&l);
    load(&l, "examples/minimal");
    CHECK("minimal: one mds2-not-started note and no mds2-unanswered",
          l.ok && count(&l.d, "mds2-not-started") == 1 && count(&l.d, "mds2-unanswered") == 0);
    unload(&l);
}

int main(void) {
    test_derived();
    test_bad();
    test_examples();
    TEST_DONE();
}
