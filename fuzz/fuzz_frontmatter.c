/* fuzz_frontmatter.c: libFuzzer target for a Markdown record: front matter
 * (libyaml events, our depth and alias rules), typed as a threat, and its
 * body through the prose parser's cmark-gfm. */
#include <stdint.h>
#include <string.h>

#include "load/load.h"
#include "model/model.h"

static Schema schema;
static Arena schema_arena;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    Diag d;
    diag_init(&d);
    arena_init(&schema_arena);
    if (!schema_load(&schema_arena, &d, "schemas/records.xml", &schema)) die("fuzz: run from the project root");
    diag_free(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Arena a;
    Diag d;
    Model m;
    arena_init(&a);
    diag_init(&d);
    model_init(&m, &a, &schema, ".");
    const char *body;
    size_t body_len;
    int body_line;
    Value *v = frontmatter_parse(&a, &d, "threats/x.md", (const char *)data, size, &body, &body_len, &body_line);
    if (v) {
        const RecordType *t = schema_type_by_folder(&schema, "threats");
        SrcLoc where = {"threats/x.md", 1, 1};
        Record *r = typing_record(&a, &d, t, "threats/x.md", v, where);
        if (r) {
            r->body = arena_strndup(&a, body, body_len);
            r->body_len = body_len;
            r->body_line = body_line;
            model_add(&m, &d, r);
        }
    }
    model_finish(&m, &d);
    prose_free(&m);
    diag_free(&d);
    arena_free(&a);
    return 0;
}
