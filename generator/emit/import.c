/* import.c: writes the records dossier import read from a register as
 * Markdown files with YAML front matter (emitted by libyaml, so every
 * value is quoted as YAML needs), one per record in the type's folder.
 * A conversion done once: it never replaces a file unless told to, checks
 * every target before writing any, and writes each file aside and renames
 * it into place. Part of emit/. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "emit.h"

static int emit_sb(void *data, unsigned char *buffer, size_t size) {
    sb_append((StrBuf *)data, (const char *)buffer, size);
    return 1;
}

static bool scalar(yaml_emitter_t *e, const char *text) {
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1, 1,
                                 YAML_ANY_SCALAR_STYLE);
    return yaml_emitter_emit(e, &ev) != 0;
}

static bool value(yaml_emitter_t *e, const Value *v) {
    yaml_event_t ev;
    if (v->kind == VAL_SCALAR) return scalar(e, v->text);
    if (v->kind != VAL_LIST) return scalar(e, "");
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE);
    bool ok = yaml_emitter_emit(e, &ev) != 0;
    for (size_t i = 0; ok && i < v->n; i++)
        ok = value(e, v->items[i]);
    yaml_sequence_end_event_initialize(&ev);
    return ok && yaml_emitter_emit(e, &ev) != 0;
}

/* The record as a Markdown file: the front matter, then the prose. */
static bool markdown(StrBuf *sb, const ImportRow *r) {
    yaml_emitter_t e;
    yaml_event_t ev;
    yaml_emitter_initialize(&e);
    yaml_emitter_set_output(&e, emit_sb, sb);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, -1);
    sb_printf(sb, "---\n");
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    bool ok = yaml_emitter_emit(&e, &ev) != 0;
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    ok = ok && yaml_emitter_emit(&e, &ev) != 0;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    ok = ok && yaml_emitter_emit(&e, &ev) != 0;
    for (size_t i = 0; ok && i < r->fields->n; i++)
        ok = scalar(&e, r->fields->keys[i]) && value(&e, r->fields->items[i]);
    yaml_mapping_end_event_initialize(&ev);
    ok = ok && yaml_emitter_emit(&e, &ev) != 0;
    yaml_document_end_event_initialize(&ev, 1);
    ok = ok && yaml_emitter_emit(&e, &ev) != 0;
    yaml_stream_end_event_initialize(&ev);
    ok = ok && yaml_emitter_emit(&e, &ev) != 0;
    yaml_emitter_delete(&e);
    sb_printf(sb, "---\n");
    if (r->body && *r->body) sb_printf(sb, "%s\n", r->body);
    return ok;
}

int import_write(const char *dir, const ImportSet *set, const char *source, bool dry_run,
                 bool force) {
    Arena a;
    arena_init(&a);
    const char *folder = arena_printf(&a, "%s/%s", dir, set->type->plural);
    int rc = 0;
    /* every target first: an existing record stops the whole conversion */
    for (size_t i = 0; i < set->n; i++) {
        const char *path = arena_printf(&a, "%s/%s.md", folder, set->rows[i].id);
        struct stat st;
        bool exists = lstat(path, &st) == 0;
        for (size_t k = 0; k < i; k++)
            if (strcmp(set->rows[k].id, set->rows[i].id) == 0) {
                fprintf(stderr, "%s:%d: error: [register-format] %s again (row %d has it)\n",
                        source, set->rows[i].row, set->rows[i].id, set->rows[k].row);
                rc = 1;
            }
        if (exists && (!force || !S_ISREG(st.st_mode))) {
            fprintf(stderr, "%s:%d: error: [register-format] %s/%s.md exists: not replaced%s\n",
                    source, set->rows[i].row, set->type->plural, set->rows[i].id,
                    S_ISREG(st.st_mode) ? " (--force replaces it)" : " (not a regular file)");
            rc = 1;
        }
    }
    if (rc || dry_run) {
        for (size_t i = 0; !rc && i < set->n; i++)
            printf("would write %s/%s.md (row %d)\n", set->type->plural, set->rows[i].id,
                   set->rows[i].row);
        arena_free(&a);
        return rc;
    }
    if (!fs_mkdirs(folder)) {
        fprintf(stderr, "dossier: cannot make %s: %s\n", folder, strerror(errno));
        arena_free(&a);
        return 2;
    }
    for (size_t i = 0; i < set->n; i++) {
        const ImportRow *r = &set->rows[i];
        StrBuf sb;
        sb_init(&sb);
        if (!markdown(&sb, r)) {
            fprintf(stderr, "dossier: cannot write the front matter of %s\n", r->id);
            sb_free(&sb);
            rc = 2;
            break;
        }
        const char *path = arena_printf(&a, "%s/%s.md", folder, r->id);
        const char *tmp = arena_printf(&a, "%s/.%s.md.import", folder, r->id);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        bool ok = fd >= 0 && fs_write_all(fd, sb.data, sb.len);
        if (fd >= 0 && close(fd) != 0) ok = false;
        ok = ok && rename(tmp, path) == 0;
        sb_free(&sb);
        if (!ok) {
            fprintf(stderr, "dossier: cannot write %s: %s\n", path, strerror(errno));
            if (fd >= 0) unlink(tmp);
            rc = 2;
            break;
        }
        printf("wrote %s/%s.md (row %d)\n", set->type->plural, r->id, r->row);
    }
    arena_free(&a);
    return rc;
}
