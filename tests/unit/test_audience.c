/* test_audience.c: audiences in the render stage, on tests/fixtures/load/basic
 * with CTL-1 made internal and THR-1's severity and assets internal fields: one
 * Renderer runs a public output, the internal one, the public one again;
 * the public view has no internal record anywhere, withholds the field
 * (pairs skips it, reading it fails naming field, record and output) and
 * links no record page from prose. */
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"
#include "load/load.h"
#include "model/model.h"
#include "render/render.h"
#include "test.h"

#define SCRATCH "tests/tmp/audience"

/* What the templates print about the model: every view answers the same questions. */
static const char view_lua[] =
    "local out = {}\n"
    "local function add(k, v) out[#out + 1] = k .. '=' .. tostring(v) end\n"
    "add('records', #model.records)\n"
    "add('controls', #model.by_type.control)\n"
    "add('index', model.index['CTL-1'] ~= nil)\n"
    "add('findings', #model.findings)\n"
    "local thr = model.index['THR-1']\n"
    "local ids = {}\n"
    "for _, c in ipairs(thr.rel.mitigated_by) do ids[#ids + 1] = c.id end\n"
    "add('rel', table.concat(ids, ','))\n"
    "add('field', table.concat(thr.fields.mitigated_by or {}, ','))\n"
    "add('links', #thr.links)\n"
    "local keys = {}\n"
    "for k in pairs(thr.fields) do if k == 'severity' then keys[#keys + 1] = k end end\n"
    "add('pairs', #keys)\n"
    "add('threatened_by', #model.index['AST-1'].rel.threatened_by)\n"
    "add('prose', tostring(markdown(thr, 'x/y.html')):match('href=\"([^\"]*CTL%-1[^\"]*)\"'))\n"
    "write(output .. '.txt', table.concat(out, ' '))\n";

static char *slurp(const char *path) {
    char *data;
    size_t len;
    return fs_read(path, 1 << 20, &data, &len) ? data : NULL;
}

static void spit(Arena *a, const char *path, const char *content) {
    fs_mkdirs(fs_dirname(a, path));
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write %s", path);
    fputs(content, f);
    fclose(f);
}

/* Makes fields a and b of rec internal through its internal_fields. */
static void make_fields_internal(Arena *a, Record *rec, const char *f1, const char *f2) {
    const FieldDef *f = schema_field(rec->type, "internal_fields");
    Value *list = value_new(a, VAL_LIST, rec->loc);
    value_push(a, list, NULL, rec->loc, value_scalar(a, rec->loc, f1, strlen(f1)));
    value_push(a, list, NULL, rec->loc, value_scalar(a, rec->loc, f2, strlen(f2)));
    rec->fields[f->index].value = list;
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
    if (!load_dossier(&m, &d, &lo)) return 1;
    diag_sort(&d);
    m.build_date = 1;
    Record *ctl = model_find(&m, "CTL-1"), *thr = model_find(&m, "THR-1");
    CHECK("fixture: CTL-1 and THR-1 exist", ctl && thr);
    if (!ctl || !thr) TEST_DONE();
    ctl->internal = true;
    make_fields_internal(&a, thr, "severity", "assets");

    fs_remove_tree(SCRATCH);
    const char *tdir = SCRATCH "/templates";
    spit(&a, fs_join(&a, tdir, "pub/main.lua"), view_lua);
    spit(&a, fs_join(&a, tdir, "site/main.lua"), view_lua);
    spit(&a, fs_join(&a, tdir, "again/main.lua"), view_lua);
    spit(&a, fs_join(&a, tdir, "leak/main.lua"),
         "write('x', model.index['THR-1'].fields.severity)");
    spit(&a, fs_join(&a, tdir, "leaklink/main.lua"), "local n = #model.index['THR-1'].rel.assets");
    load_templates(&m, tdir); /* the load stage reads them; render reads no dossier file */
    RenderOptions ro = {.user_templates = tdir, .default_templates = SCRATCH "/defaults"};
    Renderer *r;
    CHECK("render_open", render_open(&m, &d, &ro, &r) == EXIT_CLEAN);
    OutDir *o = outdir_begin(SCRATCH "/out", NULL);
    int rc1 = render_run(r, "pub", true, o);
    int rc2 = render_run(r, "site", false, o);
    int rc3 = render_run(r, "again", true, o);
    CHECK("public, internal, public again: each renders",
          rc1 == EXIT_CLEAN && rc2 == EXIT_CLEAN && rc3 == EXIT_CLEAN);
    fflush(stderr);
    int saved = dup(2);
    FILE *ef = fopen(SCRATCH "/stderr.txt", "w");
    dup2(fileno(ef), 2);
    int rc4 = render_run(r, "leak", true, o);
    render_close(r);
    CHECK("render_open again", render_open(&m, &d, &ro, &r) == EXIT_CLEAN);
    int rc5 = render_run(r, "leaklink", true, o);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(ef);
    render_close(r);
    outdir_commit(o);

    char *pub = slurp(SCRATCH "/out/pub.txt"), *site = slurp(SCRATCH "/out/site.txt");
    char *again = slurp(SCRATCH "/out/again.txt");
    char *err = slurp(SCRATCH "/stderr.txt");
    CHECK_STR("site view", site,
              "records=5 controls=2 index=true findings=1 rel=CTL-1 field=CTL-1 links=2 pairs=1 "
              "threatened_by=1 "
              "prose=../controls/CTL-1.html");
    CHECK_STR("public view", pub,
              "records=4 controls=1 index=false findings=0 rel= field= links=0 pairs=0 "
              "threatened_by=0 prose=#CTL-1");
    CHECK("internal field: exit 3", rc4 == EXIT_TEMPLATE);
    CHECK("internal field: names field, record and output",
          err && strstr(err, "the fields of THR-1 (a threat): 'severity' is internal: the public "
                             "output 'leak' cannot use it"));
    CHECK("internal field: names the template line", err && strstr(err, "leak/main.lua:1: error:"));
    CHECK("internal link field: exit 3", rc5 == EXIT_TEMPLATE);
    CHECK("internal link field: named",
          err && strstr(err,
                        "the links of THR-1: 'assets' is internal: the public output 'leaklink'"));
    CHECK_STR("the public view again", again, pub);
    free(again);
    free(pub);
    free(site);
    free(err);
    diag_free(&d);
    arena_free(&a);
    TEST_DONE();
}
