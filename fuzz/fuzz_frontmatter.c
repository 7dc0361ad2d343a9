/* fuzz_frontmatter.c: libFuzzer target for a Markdown record: front matter
 * (libyaml events, our depth and alias rules), typed as a threat, and its
 * body through the prose parser's cmark-gfm. */
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "load/load.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    fuzz_load_schema();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzRun f;
    fuzz_begin(&f, ".");
    const char *body;
    size_t body_len;
    int body_line;
    Value *v = frontmatter_parse(&f.a, &f.d, "threats/x.md", (const char *)data, size, &body, &body_len, &body_line);
    if (v) {
        const RecordType *t = schema_type_by_folder(&fuzz_schema, "threats");
        SrcLoc where = {"threats/x.md", 1, 1};
        Record *r = typing_record(&f.a, &f.d, t, "threats/x.md", v, where);
        if (r) {
            r->body = arena_strndup(&f.a, body, body_len);
            r->body_len = body_len;
            r->body_line = body_line;
            model_add(&f.m, &f.d, r);
        }
    }
    model_finish(&f.m, &f.d);
    fuzz_end(&f);
    return 0;
}
