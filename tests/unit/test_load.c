/* test_load.c: the load and model stages on tests/fixtures/load/basic:
 * records from Markdown and XML, links written on either side stored once,
 * backlinks, IDs in prose, and the findings for what is wrong there. */
#include <stdlib.h>

#include "base/base.h"
#include "load/load.h"
#include "model/model.h"
#include "model/whitepaper.h"
#include "test.h"

static const Finding *find(const Diag *d, const char *rule, const char *needle) {
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->items[i].rule, rule) == 0 && (!needle || strstr(d->items[i].message, needle)))
            return &d->items[i];
    return NULL;
}

static size_t count_links(const Record *r, const char *name, bool out) {
    size_t n = 0, total = out ? r->nout : r->nin;
    for (size_t i = 0; i < total; i++)
        if (strcmp(link_name(out ? r->out[i] : r->in[i], out), name) == 0) n++;
    return n;
}

int main(void) {
    Arena a;
    Diag d;
    Schema s;
    Model m;
    arena_init(&a);
    diag_init(&d);
    if (!schema_load(&a, &d, "schemas/records.xml", &s)) return 1;
    model_init(&m, &a, &s, "tests/fixtures/load/basic");
    LoadOptions lo = {"schemas", 1 << 24, NULL, NULL, false};
    CHECK("load: basic dossier loads", load_dossier(&m, &d, &lo));
    for (size_t i = 0; i < d.n; i++)
        printf("# %s:%d:%d: [%s] %s\n", d.items[i].loc.path, d.items[i].loc.line,
               d.items[i].loc.col, d.items[i].rule, d.items[i].message);
    CHECK_STR("load: product name from dossier.xml", m.product.name, "Test Pump");
    CHECK("load: one model", m.product.nmodels == 1 && strcmp(m.product.models[0], "TP-1") == 0);
    CHECK("load: justification read",
          m.product.njustifications == 1 &&
              strcmp(m.product.justifications[0].state, "not-applicable") == 0);
    CHECK("load: five records", m.nrecords == 5);
    Record *thr = model_find(&m, "THR-1"), *ctl = model_find(&m, "CTL-1"),
           *tst = model_find(&m, "TST-1");
    Record *ctl2 = model_find(&m, "CTL-2");
    CHECK("load: records by ID", thr && ctl && tst && ctl2);
    if (!thr || !ctl || !tst || !ctl2) TEST_DONE();
    CHECK_STR("load: field value", record_str(thr, "stride"), "tampering");
    CHECK("load: location of a field value", record_field(thr, "stride")->loc.line == 4);
    CHECK("load: location of the record", thr->loc.line == 2 && thr->loc.col == 5);
    CHECK("model: mitigated_by out of the threat", count_links(thr, "mitigated_by", true) == 1);
    CHECK("model: mitigates backlink on the control", count_links(ctl, "mitigates", false) == 1);
    CHECK("model: a link written on both sides is stored once",
          count_links(ctl, "verified_by", true) + count_links(ctl, "verified_by", false) == 1);
    CHECK("model: verifies seen from the test",
          count_links(tst, "verifies", true) + count_links(tst, "verifies", false) == 1);
    CHECK("model: prose mention from the XML record", count_links(ctl2, "mentions", true) == 1);
    CHECK("model: mentioned_by backlink", count_links(thr, "mentioned_by", false) == 2);
    CHECK("model: prose label link [text][ID] counts", count_links(thr, "mentions", true) == 1);
    const Finding *f = find(&d, "dangling-ref", "CTL-99");
    CHECK("model: dangling prose reference reported", f != NULL);
    CHECK("model: dangling prose reference located", f && f->loc.line == 11 && f->loc.col == 49);
    CHECK("model: inline code is not a reference", !find(&d, "dangling-ref", "CTL-98"));
    CHECK("model: a code block is not a reference", !find(&d, "dangling-ref", "CTL-97"));
    CHECK("load: XML body is dedented", ctl2->body && strncmp(ctl2->body, "Protects", 8) == 0);
    CHECK("load: XML body line", ctl2->body_line == 9);
    CHECK("load: nothing else reported", d.n == 1);
    CHECK("model: records sorted", strcmp(m.records[0]->id, "AST-1") == 0);
    diag_free(&d);

    /* The example: whitepaper.md parsed once by the load stage; the files no
     * loader reads (evidence/) read only when an output carries them. */
    for (int carry = 0; carry < 2; carry++) {
        Model e;
        Diag ed;
        diag_init(&ed);
        model_init(&e, &a, &s, "examples/infusion-pump");
        LoadOptions eo = {"schemas", 1 << 24, NULL, NULL, carry == 1};
        CHECK("load: the example loads", load_dossier(&e, &ed, &eo));
        CHECK("load: whitepaper.md parsed into the model",
              e.whitepaper && e.whitepaper->nblocks > 1 &&
                  strcmp(e.whitepaper->path, "whitepaper.md") == 0);
        size_t read = 0, unread = 0;
        for (size_t i = 0; i < e.nsources; i++)
            if (strncmp(e.sources[i].path, "evidence/", 9) == 0) {
                if (e.sources[i].data)
                    read++;
                else
                    unread++;
            }
        if (carry)
            CHECK("load: carry reads every file no loader read", read > 0 && unread == 0);
        else
            CHECK("load: without carry no attachment is read", read == 0 && unread > 0);
        diag_free(&ed);
    }
    arena_free(&a);
    TEST_DONE();
}
