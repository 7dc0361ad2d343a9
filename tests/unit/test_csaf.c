/* test_csaf.c: the C side of the customer documents: the whitepaper's
 * directive parser (model/whitepaper.c) and the CSAF provider step
 * (emit/provider.c): hashes of known bytes, index.txt and changes.csv in
 * their orders, nothing written when nothing was published. */
#include <stdlib.h>

#include "base/base.h"
#include "emit/emit.h"
#include "model/whitepaper.h"
#include "test.h"

#define SCRATCH "tests/tmp/csaf"

static char *slurp(const char *path) {
    char *data;
    size_t len;
    return fs_read(path, 1 << 20, &data, &len) ? data : NULL;
}

static void check_parser(void) {
    Arena a;
    arena_init(&a);
    const char text[] = "# Title\n"
                        "\n"
                        "  {{controls category=cryptography}}  \n"
                        "Prose {{inline}} stays.\n"
                        "```\n"
                        "{{fenced}}\n"
                        "```\n"
                        "{{record id=\"CTL 1\" x=y}}\r\n"
                        "{{ =bad}}\n"
                        "{{cvd key}}\n"
                        "~~~~\n"
                        "{{still fenced}}\n"
                        "~~~\n"
                        "~~~~\n"
                        "{{last}}";
    Whitepaper w;
    whitepaper_parse(&a, text, sizeof text - 1, &w);
    CHECK("parse: blocks", w.nblocks == 8);
    if (w.nblocks != 8) {
        arena_free(&a);
        return;
    }
    CHECK("parse: prose first, line 1",
          !w.blocks[0].directive && w.blocks[0].line == 1 && w.blocks[0].len == 9);
    CHECK_STR("parse: directive name", w.blocks[1].directive, "controls");
    CHECK("parse: directive line", w.blocks[1].line == 3);
    CHECK_STR("parse: option", whitepaper_option(&w.blocks[1], "category"), "cryptography");
    CHECK("parse: option column", w.blocks[1].noptions == 1 && w.blocks[1].options[0].col == 14);
    CHECK("parse: inline braces and fenced directives stay prose",
          !w.blocks[2].directive && w.blocks[2].line == 4 &&
              strstr(w.blocks[2].markdown, "{{fenced}}"));
    CHECK_STR("parse: quoted value", whitepaper_option(&w.blocks[3], "id"), "CTL 1");
    CHECK_STR("parse: second option", whitepaper_option(&w.blocks[3], "x"), "y");
    CHECK("parse: CRLF line", w.blocks[3].line == 8 && !w.blocks[3].syntax_error);
    CHECK("parse: a directive without a name", w.blocks[4].syntax_error != NULL);
    CHECK("parse: an option without a value",
          w.blocks[5].syntax_error != NULL && w.blocks[5].line == 10);
    CHECK("parse: a longer fence closes only with as long a fence",
          !w.blocks[6].directive && strstr(w.blocks[6].markdown, "{{still fenced}}"));
    CHECK("parse: last line without a newline", w.blocks[7].directive &&
                                                    strcmp(w.blocks[7].directive, "last") == 0 &&
                                                    w.blocks[7].line == 15);
    CHECK("directives: known and unknown",
          whitepaper_directive("sbom") && !whitepaper_directive("glossary"));
    arena_free(&a);
}

static void check_provider(void) {
    Arena a;
    arena_init(&a);
    fs_remove_tree(SCRATCH);
    fs_mkdirs(SCRATCH);
    OutDir *o = outdir_begin(SCRATCH "/out", NULL);
#define PUBLISHER                                                                                  \
    "\"publisher\": {\"category\": \"vendor\", \"name\": \"Maker\", \"namespace\": "               \
    "\"https://maker.example\"}, \"title\": \"T\", "
    const char *older =
        "{\"document\": {" PUBLISHER "\"tracking\": {\"id\": \"B\", \"initial_release_date\": "
        "\"2024-01-01T00:00:00.000Z\", \"current_release_date\": "
        "\"2024-01-02T00:00:00.000Z\"}}}";
    const char *newer =
        "{\"document\": {" PUBLISHER "\"tracking\": {\"id\": \"A\", \"initial_release_date\": "
        "\"2025-01-01T00:00:00.000Z\", \"current_release_date\": "
        "\"2025-03-04T00:00:00.000Z\"}}}";
    outdir_write(o, "public/csaf/.well-known/csaf/white/2024/b.json", older, strlen(older));
    outdir_write(o, "public/csaf/.well-known/csaf/white/2025/a.json", newer, strlen(newer));
    outdir_write(o, "public/csaf/.well-known/csaf/white/notes.txt", "x", 1);
    Model m;
    memset(&m, 0, sizeof m);
    Contact psirt = {.role = "psirt", .email = "psirt@maker.example"};
    m.product.contacts = &psirt;
    m.product.ncontacts = 1;
    date_parse("2025-12-01", &m.build_date);
    EmitOptions eo = {0};
    CHECK("provider: finishes", provider_finish(&m, NULL, &eo, o));
    CHECK("provider: commits", outdir_commit(o));
    const char *white = SCRATCH "/out/public/csaf/.well-known/csaf/white/";
    char *index = slurp(arena_printf(&a, "%sindex.txt", white));
    char *changes = slurp(arena_printf(&a, "%schanges.csv", white));
    char *sha = slurp(arena_printf(&a, "%s2024/b.json.sha256", white));
    char *sha512 = slurp(arena_printf(&a, "%s2024/b.json.sha512", white));
    CHECK_STR("provider: index.txt sorted by path", index, "2024/b.json\n2025/a.json\n");
    CHECK_STR("provider: changes.csv newest first", changes,
              "\"2025/a.json\",\"2025-03-04T00:00:00.000Z\"\n\"2024/"
              "b.json\",\"2024-01-02T00:00:00.000Z\"\n");
    /* computed by coreutils: printf %s "$older" | sha256sum */
    CHECK_STR("provider: sha256 in the sha256sum format", sha,
              "e06be6c0e06bede81e674887f5ef66386c1cbafa7e17c6aba727ca03729515d4  b.json\n");
    CHECK("provider: sha512 is 128 hex digits and the name",
          sha512 && strlen(sha512) == 128 + 2 + 6 + 1);
    CHECK("provider: no hash of provider-metadata.json",
          !fs_is_file(SCRATCH "/out/public/csaf/.well-known/csaf/provider-metadata.json.sha256"));
    char *meta = slurp(SCRATCH "/out/public/csaf/.well-known/csaf/provider-metadata.json");
    char *feed = slurp(SCRATCH "/out/public/csaf/.well-known/csaf/feed-tlp-white.json");
    char *sectxt = slurp(SCRATCH "/out/public/csaf/.well-known/security.txt");
    CHECK("provider: metadata unsigned is a csaf_provider",
          meta && strstr(meta, "\"role\": \"csaf_provider\"") &&
              !strstr(meta, "public_openpgp_keys"));
    CHECK("provider: metadata under the publisher's namespace",
          meta &&
              strstr(meta, "\"canonical_url\": "
                           "\"https://maker.example/.well-known/csaf/provider-metadata.json\""));
    CHECK("provider: the ROLIE feed lists both, newest first, no signature link",
          feed && strstr(feed, "white/2025/a.json\"") && strstr(feed, "white/2024/b.json\"") &&
              strstr(feed, "2025/a.json") < strstr(feed, "2024/b.json") &&
              !strstr(feed, "\"signature\""));
    CHECK_STR("provider: security.txt", sectxt,
              "Contact: mailto:psirt@maker.example\nExpires: 2026-11-30T00:00:00Z\n"
              "CSAF: https://maker.example/.well-known/csaf/provider-metadata.json\n"
              "Canonical: https://maker.example/.well-known/security.txt\n"
              "Preferred-Languages: en\n");
    free(meta);
    free(feed);
    free(sectxt);
    free(index);
    free(changes);
    free(sha);
    free(sha512);

    o = outdir_begin(SCRATCH "/empty", NULL);
    outdir_write(o, "index.html", "x", 1);
    CHECK("provider: nothing published, nothing written",
          provider_finish(&m, NULL, &eo, o) && o->nfiles == 1);
    outdir_abort(o);

    o = outdir_begin(SCRATCH "/bad", NULL);
    outdir_write(o, "public/csaf/.well-known/csaf/white/2024/x.json", "{", 1);
    fflush(stdout); /* its message on stderr comes after the lines above */
    CHECK("provider: a document that is not JSON fails the step",
          !provider_finish(&m, NULL, &eo, o));
    outdir_abort(o);
    arena_free(&a);
}

int main(void) {
    check_parser();
    check_provider();
    TEST_DONE();
}
