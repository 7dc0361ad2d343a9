/* test_typing.c: the load stage's typing of string fields that have a
 * pattern, on a record type built here with more patterns than the schema
 * has: every pattern is checked however many there are, and a pattern is
 * known by its text, not by where the text lies. */
#include <stdlib.h>

#include "base/base.h"
#include "load/load.h"
#include "model/model.h"
#include "test.h"

enum { NPATTERNS = 40 };

static size_t count_rule(const Diag *d, const char *rule) {
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->items[i].rule, rule) == 0) n++;
    return n;
}

/* A map {id: id, f00: value 0, f01: value 1, ...}: each value of its
 * field's form ("x07-1") when good, of none ("y07") otherwise. */
static Value *record_map(Arena *a, const char *id, bool good) {
    SrcLoc loc = {"probe.md", 1, 1};
    Value *v = value_new(a, VAL_MAP, loc);
    value_push(a, v, "id", loc, value_scalar(a, loc, id, strlen(id)));
    for (int i = 0; i < NPATTERNS; i++) {
        const char *key = arena_printf(a, "f%02d", i);
        const char *text = good ? arena_printf(a, "x%02d-1", i) : arena_printf(a, "y%02d", i);
        value_push(a, v, key, loc, value_scalar(a, loc, text, strlen(text)));
    }
    return v;
}

int main(void) {
    Arena a;
    Diag d;
    arena_init(&a);
    diag_init(&d);
    SrcLoc loc = {"probe.md", 1, 1};
    const char *prefixes[] = {"PRB-"};

    /* one buffer holding one pattern, then another: the second is compiled
     * for itself, not mistaken for the first that lay at the same address */
    char pattern[16];
    FieldDef one[2] = {{.name = "id", .kind = FK_STRING, .required = true, .index = 0},
                       {.name = "shape", .kind = FK_STRING, .pattern = pattern, .index = 1}};
    RecordType u = {.name = "probe",
                    .title = "Probe",
                    .plural = "probes",
                    .prefixes = prefixes,
                    .nprefixes = 1,
                    .fields = one,
                    .nfields = 2};
    Value *v = value_new(&a, VAL_MAP, loc);
    value_push(&a, v, "id", loc, value_scalar(&a, loc, "PRB-3", 5));
    value_push(&a, v, "shape", loc, value_scalar(&a, loc, "bbb", 3));
    strcpy(pattern, "a+");
    size_t before = count_rule(&d, "field-type");
    typing_record(&a, &d, &u, "probe.md", v, loc);
    CHECK("typing: 'bbb' is not of the form a+", count_rule(&d, "field-type") == before + 1);
    strcpy(pattern, "b+");
    before = count_rule(&d, "field-type");
    typing_record(&a, &d, &u, "probe.md", v, loc);
    CHECK("typing: 'bbb' is of the form b+, written where a+ was",
          count_rule(&d, "field-type") == before);

    /* a type whose every field has its own pattern: f07 is "x07-[0-9]+" */
    FieldDef fields[NPATTERNS + 1];
    memset(fields, 0, sizeof fields);
    fields[0] = (FieldDef){.name = "id", .kind = FK_STRING, .required = true, .index = 0};
    for (int i = 0; i < NPATTERNS; i++)
        fields[i + 1] = (FieldDef){.name = arena_printf(&a, "f%02d", i),
                                   .kind = FK_STRING,
                                   .pattern = arena_printf(&a, "x%02d-[0-9]+", i),
                                   .index = i + 1};
    RecordType t = {.name = "probe",
                    .title = "Probe",
                    .plural = "probes",
                    .prefixes = prefixes,
                    .nprefixes = 1,
                    .fields = fields,
                    .nfields = NPATTERNS + 1};

    before = d.n;
    Record *good = typing_record(&a, &d, &t, "probe.md", record_map(&a, "PRB-1", true), loc);
    CHECK("typing: 40 patterns: values of their forms are accepted", good && d.n == before);
    before = d.n;
    typing_record(&a, &d, &t, "probe.md", record_map(&a, "PRB-2", false), loc);
    CHECK("typing: 40 patterns: a value not of its form is refused for every one of them",
          count_rule(&d, "field-type") - before == NPATTERNS);
    bool last_named = false;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.items[i].message, "f39: 'y39' does not have the form x39-[0-9]+"))
            last_named = true;
    CHECK("typing: 40 patterns: the finding on the last names the field, value and form",
          last_named);

    diag_free(&d);
    arena_free(&a);
    TEST_DONE();
}
