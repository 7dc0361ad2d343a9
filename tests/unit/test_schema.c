/* test_schema.c: the record-type schema loads, and the files written from
 * it (schemas/records-file.xsd, docs/records.md) are up to date. With
 * UPDATE=1 in the environment the test rewrites them instead. */
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"
#include "model/model.h"
#include "test.h"

static void compare_or_update(const char *name, const char *path, const StrBuf *want) {
    if (getenv("UPDATE")) {
        FILE *f = fopen(path, "w");
        CHECK(name, f && fwrite(want->data, 1, want->len, f) == want->len && fclose(f) == 0);
        return;
    }
    char *got = NULL;
    size_t len = 0;
    bool same =
        fs_read(path, 1 << 24, &got, &len) && len == want->len && memcmp(got, want->data, len) == 0;
    if (!same) printf("# %s is stale: run `make regen`\n", path);
    CHECK(name, same);
    free(got);
}

int main(void) {
    Arena a;
    Diag d;
    Schema s;
    arena_init(&a);
    diag_init(&d);
    bool ok = schema_load(&a, &d, "schemas/records.xml", &s);
    CHECK("schema: records.xml loads", ok && d.n == 0);
    if (!ok) TEST_DONE();
    static const char *const design[] = {"asset",    "threat",  "control", "test",
                                         "view",     "anomaly", "signal",  "vulnerability",
                                         "incident", "release", "advisory"};
    bool all = true;
    for (size_t i = 0; i < sizeof design / sizeof design[0]; i++)
        if (!schema_type(&s, design[i])) all = false;
    CHECK("schema: the eleven record types of the design", all);
    const RecordType *threat = schema_type(&s, "threat");
    CHECK("schema: threat type found by name", threat && strcmp(threat->plural, "threats") == 0);
    CHECK("schema: vulnerability found by CVE prefix",
          schema_type_for_id(&s, "CVE-2024-1234") == schema_type(&s, "vulnerability"));
    CHECK("schema: vulnerability found by VUL prefix",
          schema_type_for_id(&s, "VUL-7") == schema_type(&s, "vulnerability"));
    CHECK("schema: type by folder",
          schema_type_by_folder(&s, "controls") == schema_type(&s, "control"));
    const FieldDef *mb = threat ? schema_field(threat, "mitigated_by") : NULL;
    CHECK("schema: mitigated_by is links to control with inverse",
          mb && mb->kind == FK_LINKS && mb->ntargets == 1 &&
              strcmp(mb->targets[0], "control") == 0 && strcmp(mb->inverse, "mitigates") == 0);
    const FieldDef *acc = threat ? schema_field(threat, "accepted") : NULL;
    CHECK("schema: accepted has three required sub-fields",
          acc && acc->nsub == 3 && schema_subfield(acc, "rationale")->required);
    CHECK("schema: common fields come first", threat && strcmp(threat->fields[0].name, "id") == 0);
    const RecordType *control = schema_type(&s, "control");
    const FieldDef *cat = control ? schema_field(control, "category") : NULL;
    CHECK("schema: an enum's titles, one per value, in order",
          cat && cat->titles && cat->nvalues == 8 &&
              strcmp(cat->titles[7], "Firmware and software updates") == 0 &&
              strcmp(cat->titles[3], "Code, data and execution integrity") == 0);
    CHECK("schema: an enum without titles has none",
          threat && !schema_field(threat, "stride")->titles);

    StrBuf xsd, md;
    sb_init(&xsd);
    sb_init(&md);
    schema_write_xsd(&xsd, &s);
    schema_write_markdown(&md, &s);
    compare_or_update("schema: records-file.xsd is written from records.xml",
                      "schemas/records-file.xsd", &xsd);
    compare_or_update("schema: docs/records.md is written from records.xml", "docs/records.md",
                      &md);
    sb_free(&xsd);
    sb_free(&md);

    Diag d2;
    diag_init(&d2);
    Schema broken;
    CHECK("schema: a missing file is an error",
          !schema_load(&a, &d2, "schemas/no-such.xml", &broken) && d2.n == 1);
    char tmp[] = "/tmp/dossier-schema-XXXXXX";
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        fputs("<schema><common><field name=\"id\" kind=\"string\"/></common><type name=\"control\" "
              "title=\"Control\" plural=\"controls\" "
              "prefix=\"CTL-\" trace=\"3\"><field name=\"category\" kind=\"enum\" "
              "values=\"a b c\" titles=\"A | B\"/></type></schema>\n",
              f);
        fclose(f);
    }
    Diag d3;
    diag_init(&d3);
    CHECK("schema: titles that do not match the values are refused, saying so",
          f && !schema_load(&a, &d3, tmp, &broken) && d3.n == 1 &&
              strstr(d3.items[0].message,
                     "one title (separated by |) for each of its 3 values, not 2"));
    diag_free(&d3);
    unlink(tmp);
    diag_free(&d2);
    diag_free(&d);
    arena_free(&a);
    TEST_DONE();
}
