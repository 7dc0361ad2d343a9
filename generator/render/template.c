/* template.c: the template language of the render stage. Compiles text
 * with embedded Lua ({{ }}, {{{ }}}, {% %}, {# #}) into Lua functions that
 * append to a buffer, one template line per Lua line; caches them by name;
 * provides render, include, import, escaping per output context and safe values. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "renderer.h"

static const char KEY_SAFE = 0;         /* registry: metatable of safe values */
static const char KEY_TENV = 0;         /* registry: metatable of a template's environment */
static const char KEY_TEMPLATES = 0;    /* registry: name -> compiled function */
static const char KEY_CHUNKS = 0;       /* registry: name -> chunk index (templates) */
static const char KEY_MODULE_UNITS = 0; /* registry: name -> ModuleUnits, cached outputs */

/* The units a module read when it ran (cache.c). */
typedef struct ModuleUnits {
    size_t n;
    bool uncacheable;
    int units[];
} ModuleUnits;

static const char KEY_MODULES[2] = {
    0}; /* registry, per audience: name -> value of an imported Lua file */
static const char KEY_CTXSTACK = 0; /* registry: depth -> ctx of the template being rendered */
static const char KEY_ESCAPERS = 0; /* registry: Escape + 1 -> the {{ }} function of a context */
static const char KEY_RAW = 0;      /* registry: the {{{ }}} function */
static const char LOADING = 0;      /* a module being imported (cycle check) */

static const char *const escape_names[] = {"text", "html", "xml", "json", "csv"};

/* ---- escaping ---------------------------------------------------------------- */

/* The replacement for byte c in context esc, or NULL to keep it. */
static const char *escape_of(Escape esc, unsigned char c, char tmp[8]) {
    switch (esc) {
    case ESC_HTML:
    case ESC_XML:
        switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        case '\'':
            return "&#39;";
        default:
            /* XML 1.0 forbids most C0 controls even as references */
            if (esc == ESC_XML && c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return "\xEF\xBF\xBD";
            return NULL;
        }
    case ESC_JSON:
        switch (c) {
        case '"':
            return "\\\"";
        case '\\':
            return "\\\\";
        case '\n':
            return "\\n";
        case '\r':
            return "\\r";
        case '\t':
            return "\\t";
        case '\b':
            return "\\b";
        case '\f':
            return "\\f";
        default:
            if (c >= 0x20) return NULL;
            snprintf(tmp, 8, "\\u%04x", c);
            return tmp;
        }
    case ESC_CSV:
    case ESC_TEXT:
        return NULL;
    }
    return NULL;
}

/* A cell a spreadsheet could run as a formula: = + - @, or a tab or
 * carriage return before one. */
static bool csv_formula(const char *s, size_t len) {
    return len && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                   s[0] == '\r');
}

/* True when s[i] starts U+FFFE or U+FFFF, which XML does not allow. */
static bool xml_nonchar(const char *s, size_t len, size_t i) {
    return i + 2 < len && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
           ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF);
}

static bool csv_needs_quotes(const char *s, size_t len) {
    if (csv_formula(s, len)) return true;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') return true;
    return false;
}

/* True when escaping s for esc changes nothing. */
static bool escape_clean(Escape esc, const char *s, size_t len) {
    if (esc == ESC_TEXT) return true;
    if (esc == ESC_CSV) return !csv_needs_quotes(s, len);
    char tmp[8];
    for (size_t i = 0; i < len; i++)
        if (escape_of(esc, (unsigned char)s[i], tmp) || (esc == ESC_XML && xml_nonchar(s, len, i)))
            return false;
    return true;
}

void escape_add(luaL_Buffer *b, Escape esc, const char *s, size_t len) {
    if (esc == ESC_CSV) {
        /* RFC 4180; a leading = + - @ would run as a formula in a spreadsheet */
        if (!csv_needs_quotes(s, len)) {
            luaL_addlstring(b, s, len);
            return;
        }
        luaL_addchar(b, '"');
        if (csv_formula(s, len)) luaL_addchar(b, '\'');
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '"') luaL_addchar(b, '"');
            luaL_addchar(b, s[i]);
        }
        luaL_addchar(b, '"');
        return;
    }
    size_t start = 0;
    char tmp[8];
    for (size_t i = 0; i < len; i++) {
        if (esc == ESC_XML && xml_nonchar(s, len, i)) {
            luaL_addlstring(b, s + start, i - start);
            luaL_addstring(b, "\xEF\xBF\xBD");
            i += 2;
            start = i + 1;
            continue;
        }
        const char *rep = escape_of(esc, (unsigned char)s[i], tmp);
        if (!rep) continue;
        luaL_addlstring(b, s + start, i - start);
        luaL_addstring(b, rep);
        start = i + 1;
    }
    luaL_addlstring(b, s + start, len - start);
}

/* Pushes the string at idx escaped for esc (the same string when clean). */
static void push_escaped(lua_State *L, int idx, Escape esc) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (escape_clean(esc, s, len)) {
        lua_pushvalue(L, idx);
        return;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    escape_add(&b, esc, s, len);
    luaL_pushresult(&b);
}

static Escape escape_for_name(const char *name) {
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash)) return ESC_TEXT;
    static const struct {
        const char *ext;
        Escape esc;
    } exts[] = {{".html", ESC_HTML}, {".htm", ESC_HTML},  {".xml", ESC_XML}, {".svg", ESC_XML},
                {".atom", ESC_XML},  {".json", ESC_JSON}, {".csv", ESC_CSV}};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcmp(dot, exts[i].ext) == 0) return exts[i].esc;
    return ESC_TEXT;
}

/* ---- safe values --------------------------------------------------------------- */

/* A safe value is a userdata whose metatable only C holds; its user value
 * is the text. Lua code can pass one along but never make one. */
typedef struct Safe {
    Escape esc;
} Safe;

void safe_wrap(lua_State *L, Escape esc) {
    Safe *s = lua_newuserdatauv(L, sizeof *s, 1); /* +1 */
    s->esc = esc;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_SAFE); /* +1 */
    lua_setmetatable(L, -2);                      /* -1 */
    lua_insert(L, -2);
    lua_setiuservalue(L, -2, 1); /* -1 the string */
}

void safe_push(lua_State *L, Escape esc, const char *s, size_t len) {
    lua_pushlstring(L, s, len);
    safe_wrap(L, esc);
}

const char *safe_get(lua_State *L, int idx, size_t *len, Escape *esc) {
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return NULL; /* +1 */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_SAFE);                                    /* +1 */
    bool is = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (!is) return NULL;
    if (esc) *esc = ((Safe *)lua_touserdata(L, idx))->esc;
    lua_getiuservalue(L, idx, 1); /* +1; the userdata keeps the string alive */
    const char *s = lua_tolstring(L, -1, len);
    lua_pop(L, 1);
    return s;
}

static int f_safe_tostring(lua_State *L) {
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/* a .. b with a safe value: safe in the context of the safe side, the
 * other side escaped for it as {{ }} would; two safe values of different
 * contexts do not mix. */
static int f_safe_concat(lua_State *L) {
    size_t len;
    Escape ea = ESC_TEXT, eb = ESC_TEXT;
    bool sa = safe_get(L, 1, &len, &ea) != NULL, sb = safe_get(L, 2, &len, &eb) != NULL;
    if (sa && sb && ea != eb)
        return luaL_error(L, "cannot join safe %s with safe %s", escape_names[ea],
                          escape_names[eb]);
    Escape esc = sa ? ea : eb;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= 2; i++) {
        if ((i == 1 && sa) || (i == 2 && sb)) {
            lua_getiuservalue(L, i, 1);
            luaL_addvalue(&b);
            continue;
        }
        if (lua_type(L, i) != LUA_TSTRING && lua_type(L, i) != LUA_TNUMBER)
            return luaL_error(L, "cannot join safe %s with a %s value", escape_names[esc],
                              luaL_typename(L, i));
        size_t n;
        const char *s = lua_tolstring(L, i, &n);
        escape_add(&b, esc, s, n);
    }
    luaL_pushresult(&b);
    safe_wrap(L, esc);
    return 1;
}

/* ---- output functions of compiled templates --------------------------------- */

/* Pushes what {{ }} or {{{ }}} prints for the value at idx, unescaped:
 * nil prints nothing, a record its ID; tables and functions are errors. */
static void push_printable(lua_State *L, int idx, const char *tag) {
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        lua_pushliteral(L, "");
        return;
    case LUA_TSTRING:
        lua_pushvalue(L, idx);
        return;
    case LUA_TNUMBER:
    case LUA_TBOOLEAN:
        luaL_tolstring(L, idx, NULL);
        return;
    case LUA_TUSERDATA:
        if (frozen_kind(L, idx) == FROZEN_RECORD) {
            luaL_tolstring(L, idx, NULL);
            return;
        }
        if (frozen_kind(L, idx) >= 0) {
            luaL_error(L, "%s cannot print %s: print one of its fields", tag,
                       luaL_tolstring(L, idx, NULL));
            return;
        }
        break;
    default:
        break;
    }
    luaL_error(L, "%s cannot print a %s value", tag, luaL_typename(L, idx));
}

/* {{ expr }}: escaped for the template's context, unless the value is safe
 * in that context already. */
static int f_out_escaped(lua_State *L) {
    Escape esc = (Escape)lua_tointeger(L, lua_upvalueindex(1));
    size_t len;
    Escape safe_esc;
    const char *s = safe_get(L, 1, &len, &safe_esc);
    if (s) {
        lua_getiuservalue(L, 1, 1);
        if (safe_esc == esc) return 1;
    } else {
        push_printable(L, 1, "{{ }}");
    }
    push_escaped(L, -1, esc);
    return 1;
}

/* {{{ expr }}}: printed as it is. */
static int f_out_raw(lua_State *L) {
    size_t len;
    if (safe_get(L, 1, &len, NULL))
        lua_getiuservalue(L, 1, 1);
    else
        push_printable(L, 1, "{{{ }}}");
    return 1;
}

/* ---- the compiler -------------------------------------------------------------- */

typedef enum TagKind { TAG_EXPR, TAG_RAW, TAG_CODE, TAG_COMMENT } TagKind;

/* The level of a Lua long bracket [==[ at p, or -1. */
static int long_bracket(const char *p, const char *end) {
    if (p >= end || *p != '[') return -1;
    int level = 0;
    p++;
    while (p < end && *p == '=') {
        level++;
        p++;
    }
    return p < end && *p == '[' ? level : -1;
}

/* Skips a long string or comment of the given level starting at p (at its
 * opening bracket); returns the position after it, or end. */
static const char *skip_long(const char *p, const char *end, int level) {
    p += level + 2;
    for (; p < end; p++) {
        if (*p != ']') continue;
        const char *q = p + 1;
        int l = 0;
        while (q < end && *q == '=') {
            l++;
            q++;
        }
        if (l == level && q < end && *q == ']') return q + 1;
    }
    return end;
}

/* Finds the delimiter that closes a tag, skipping Lua strings and comments
 * (and, for {{ }}, balanced braces) so "}}" inside them does not close it.
 * *comment gets the start of a line comment still open at the close. */
static const char *find_close(const char *p, const char *end, const char *close, bool braces,
                              const char **comment) {
    size_t cl = strlen(close);
    int depth = 0;
    *comment = NULL;
    while (p < end) {
        char c = *p;
        bool at_close = (size_t)(end - p) >= cl && memcmp(p, close, cl) == 0;
        if (*comment) {
            if (c == '\n')
                *comment = NULL;
            else if (at_close)
                return p;
            p++;
            continue;
        }
        if (depth == 0 && at_close) return p;
        if (c == '"' || c == '\'') {
            for (p++; p < end && *p != c && *p != '\n'; p++)
                if (*p == '\\' && p + 1 < end) p++;
            if (p < end && *p == c) p++;
            continue;
        }
        int level = long_bracket(p, end);
        if (level >= 0) {
            p = skip_long(p, end, level);
            continue;
        }
        if (c == '-' && p + 1 < end && p[1] == '-') {
            level = long_bracket(p + 2, end);
            if (level >= 0) {
                p = skip_long(p + 2, end, level);
            } else {
                *comment = p;
                p += 2;
            }
            continue;
        }
        if (braces && c == '{')
            depth++;
        else if (braces && c == '}' && depth > 0)
            depth--;
        p++;
    }
    return NULL;
}

/* Appends text as Lua statements that add it to the buffer; every newline
 * stays a newline of the Lua source (a backslash-newline in the string). */
static void emit_text(StrBuf *out, const char *s, const char *e) {
    if (s >= e) return;
    sb_puts(out, "_n=_n+1;_b[_n]=\"");
    for (; s < e; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\')
            sb_puts(out, "\\\\");
        else if (c == '"')
            sb_puts(out, "\\\"");
        else if (c == '\n')
            sb_puts(out, "\\\n");
        else if (c == '\r')
            sb_puts(out, "\\r");
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, "\\%03u", c);
        else
            sb_putc(out, (char)c);
    }
    sb_puts(out, "\";");
}

/* Appends only the newlines of s..e, so the lines after stay in place. */
static void emit_newlines(StrBuf *out, const char *s, const char *e) {
    for (; s < e; s++)
        if (*s == '\n') sb_putc(out, '\n');
}

static int count_newlines(const char *s, const char *e) {
    int n = 0;
    for (; s < e; s++)
        n += *s == '\n';
    return n;
}

static bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

bool template_compile(StrBuf *out, const char *src, size_t len, int *err_line,
                      const char **err_msg) {
    const char *p = src, *end = src + len, *text = src;
    int line = 1;
    bool clean = true; /* only blanks so far on this line */
    sb_puts(out, "local _ENV,_b,_e,_r=...;local _n=0;");
    while (p < end) {
        const char *q = p;
        while (q < end &&
               !(q[0] == '{' && q + 1 < end && (q[1] == '{' || q[1] == '%' || q[1] == '#'))) {
            if (*q == '\n') {
                line++;
                clean = true;
            } else if (!blank(*q)) {
                clean = false;
            }
            q++;
        }
        if (q >= end) break;
        TagKind kind;
        const char *open = q, *body;
        if (q[1] == '{' && q + 2 < end && q[2] == '{') {
            kind = TAG_RAW;
            body = q + 3;
        } else {
            kind = q[1] == '{' ? TAG_EXPR : q[1] == '%' ? TAG_CODE : TAG_COMMENT;
            body = q + 2;
        }
        static const char *const closes[] = {"}}", "}}}", "%}", "#}"};
        static const char *const opens[] = {"{{", "{{{", "{%", "{#"};
        const char *comment = NULL, *close;
        if (kind == TAG_COMMENT) {
            close = NULL; /* "#}" within [body, end): the source need not end with a NUL */
            for (const char *c = body; !close && c + 1 < end; c++)
                if (c[0] == '#' && c[1] == '}') close = c;
        } else
            close = find_close(body, end, closes[kind], kind != TAG_CODE, &comment);
        if (!close || close >= end) {
            static char msg[64];
            snprintf(msg, sizeof msg, "%s is never closed with %s", opens[kind], closes[kind]);
            *err_line = line;
            *err_msg = msg;
            return false;
        }
        const char *after = close + strlen(closes[kind]);
        const char *code_end = comment ? comment : close;
        const char *b = body;
        while (b < code_end && (blank(*b) || *b == '\n'))
            b++;
        if ((kind == TAG_EXPR || kind == TAG_RAW) && b == code_end) {
            *err_line = line;
            *err_msg = kind == TAG_EXPR ? "empty {{ }}" : "empty {{{ }}}";
            return false;
        }
        /* a line that holds only one {% %} or {# #} leaves nothing behind */
        bool standalone = false;
        const char *rest = after;
        if ((kind == TAG_CODE || kind == TAG_COMMENT) && clean) {
            while (rest < end && blank(*rest))
                rest++;
            standalone = rest >= end || *rest == '\n';
        }
        if (standalone) {
            const char *line_start = open;
            while (line_start > text && line_start[-1] != '\n')
                line_start--;
            emit_text(out, text, line_start);
        } else {
            emit_text(out, text, open);
        }
        switch (kind) {
        case TAG_EXPR:
        case TAG_RAW:
            sb_puts(out, kind == TAG_EXPR ? "_n=_n+1;_b[_n]=_e(" : "_n=_n+1;_b[_n]=_r(");
            sb_append(out, body, (size_t)(code_end - body));
            sb_puts(out, ");");
            clean = false;
            break;
        case TAG_CODE:
            sb_putc(out, ' ');
            sb_append(out, body, (size_t)(code_end - body));
            sb_puts(out, " ;");
            break;
        case TAG_COMMENT:
            emit_newlines(out, body, close);
            break;
        }
        line += count_newlines(open, after);
        p = after;
        if (standalone) {
            if (rest < end) {
                sb_putc(out, '\n');
                line++;
                rest++;
            }
            p = rest;
            clean = true;
        }
        text = p;
    }
    emit_text(out, text, end);
    return true;
}

/* ---- loading templates and Lua files ------------------------------------------- */

static int chunk_add(Renderer *r, const char *name, const char *path, Escape esc, bool is_lua) {
    if (r->nchunks == r->chunk_cap) {
        size_t cap = r->chunk_cap ? r->chunk_cap * 2 : 32;
        r->chunks = arena_grow(&r->arena, r->chunks, r->chunk_cap, cap, sizeof *r->chunks);
        r->chunk_cap = cap;
    }
    r->chunks[r->nchunks] = (Chunk){arena_strdup(&r->arena, name), path, esc, is_lua};
    return (int)r->nchunks++;
}

/* Checks the name at idx and returns it: a relative path inside the
 * template folders. */
static const char *check_name(lua_State *L, int idx) {
    size_t len;
    const char *name = luaL_checklstring(L, idx, &len);
    if (len > 512 || !render_clean_path(name, len))
        luaL_error(L,
                   "bad template name '%s': a relative path such as site/record.html, without '..'",
                   name);
    return name;
}

/* How looking for a template below one folder ended. */
typedef enum Found { FOUND, ABSENT, LINKED, FAILED } Found;

/* Opens the folder at part (below the folder dir, or the current folder
 * when dir is AT_FDCWD) without following a link; -1 with errno, and
 * *link true when part is a symbolic link. */
static int open_dir_nofollow(int dir, const char *part, bool *link) {
    int fd = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        *link = fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
        errno = e;
    }
    return fd;
}

/* Reads name below the installation's templates folder root (which may be
 * reached through links). Every part of name is opened from the one before
 * with O_NOFOLLOW, so a symbolic link anywhere on the way is never
 * followed. FOUND: *data (heap, for the caller to free) and *len; LINKED:
 * the link is the first *at bytes of the path root/name; FAILED: errno
 * says why; ABSENT: no regular file there. (The dossier's own templates/
 * the load stage reads, with the same rules: read_user.) */
static Found read_below(const char *root, const char *name, char **data, size_t *len, size_t *at) {
    bool link = false;
    int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return link ? LINKED : errno == ENOENT || errno == ENOTDIR ? ABSENT : FAILED;
    char part[513];
    const char *p = name;
    Found found = ABSENT;
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n >= sizeof part) { /* check_name keeps names to 512 bytes */
            errno = ENAMETOOLONG;
            found = FAILED;
            break;
        }
        memcpy(part, p, n);
        part[n] = 0;
        *at = strlen(root) + 1 + (size_t)(p - name) + n;
        if (p[n] == '/') {
            int sub = open_dir_nofollow(dir, part, &link);
            if (sub < 0) {
                found = link ? LINKED : errno == ENOENT || errno == ENOTDIR ? ABSENT : FAILED;
                break;
            }
            close(dir);
            dir = sub;
            p += n + 1;
            continue;
        }
        /* O_NONBLOCK: a FIFO in the folder must not stop the build */
        int fd = openat(dir, part, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        if (fd < 0) {
            int e = errno;
            link = fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
            errno = e;
            found = link ? LINKED : errno == ENOENT || errno == ENOTDIR ? ABSENT : FAILED;
        } else if (fstat(fd, &st) != 0) {
            found = FAILED;
        } else if (!S_ISREG(st.st_mode)) {
            found = ABSENT; /* a folder of that name: as if there were no file */
        } else {
            found = fs_read_fd(fd, TEMPLATE_MAX_FILE, data, len) ? FOUND : FAILED;
        }
        if (fd >= 0) {
            int e = errno;
            close(fd);
            errno = e;
        }
        break;
    }
    int e = errno;
    close(dir);
    errno = e;
    return found;
}

/* Template name of the dossier's templates/, as the load stage read it
 * (load_templates): FOUND with *data (the model's) and *len; LINKED when
 * templates/name is or lies below a symbolic link, the link then the first
 * *at bytes of the path shown (the user_templates root joined with name);
 * FAILED with errno when the load stage could not read it; else ABSENT. */
static Found read_user(Renderer *r, const char *name, const char **data, size_t *len, size_t *at) {
    const char *rel = arena_printf(&r->arena, "templates/%s", name);
    const SourceFile *f = model_source(r->model, rel);
    if (f && f->data) {
        *data = f->data;
        *len = f->len;
        return FOUND;
    }
    if (f) {
        errno = f->error ? f->error : EIO;
        return FAILED;
    }
    const char *link = model_template_link(r->model, rel);
    if (!link) return ABSENT;
    *at = strlen(r->opts.user_templates) - strlen("templates") + strlen(link);
    return LINKED;
}

/* Raises for a template found through a link or that could not be read. */
static void report_unfound(lua_State *L, Found found, const char *name, const char *path,
                           size_t at) {
    if (found == LINKED)
        luaL_error(L,
                   "template '%s': %s is a symbolic link; dossier follows no link in a templates "
                   "folder (copy the file in instead)",
                   name, lua_pushlstring(L, path, at));
    if (found == FAILED) {
        int e = errno;
        luaL_error(L, "cannot read %s: %s", path, strerror(e));
    }
}

/* Reads template or Lua file name: the dossier's templates/ first, then
 * the defaults. Raises when neither has it, when it cannot be read, and
 * when a part of its path in the dossier's folder (or below the
 * installation's) is a symbolic link. Returns the file's path; *src gets
 * its text. Both arena-owned. */
static const char *find_source(lua_State *L, Renderer *r, const char *name, const char **src,
                               size_t *len) {
    const char *roots[2] = {r->opts.user_templates, r->opts.default_templates};
    const char *looked[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        if (!roots[i]) continue;
        const char *path = fs_join(&r->arena, roots[i], name);
        looked[i] = path;
        size_t at = 0;
        if (i == 0) {
            const char *data = NULL;
            Found found = read_user(r, name, &data, len, &at);
            if (found == FOUND) {
                *src = data;
                return path;
            }
            report_unfound(L, found, name, path, at);
            continue;
        }
        char *data = NULL;
        Found found = read_below(roots[i], name, &data, len, &at);
        if (found == FOUND) {
            *src = arena_strndup(&r->arena, data, *len);
            free(data); /* before anything that can raise */
            return path;
        }
        report_unfound(L, found, name, path, at);
    }
    if (looked[0] && looked[1])
        luaL_error(L, "no template '%s' (looked for %s and %s)", name, looked[0], looked[1]);
    luaL_error(L, "no template '%s' (looked for %s)", name,
               looked[0]   ? looked[0]
               : looked[1] ? looked[1]
                           : name);
    return NULL;
}

/* Refuses bytecode and NUL bytes in the text of chunk. */
static void check_source(lua_State *L, int chunk, const char *src, size_t len) {
    if (len && src[0] == LUA_SIGNATURE[0])
        sandbox_error_at(L, chunk, 1,
                         "precompiled Lua is refused: templates and Lua files load as text only");
    const char *nul = memchr(src, 0, len);
    if (nul)
        sandbox_error_at(L, chunk, 1 + count_newlines(src, nul),
                         "a NUL byte: this is not a text file");
}

/* Loads chunk as Lua source (is_lua) or as a compiled template; pushes the
 * function, its _ENV the sandbox environment. */
static void load_chunk(lua_State *L, Renderer *r, int chunk, const char *src, size_t len) {
    check_source(L, chunk, src, len);
    char chunkname[32];
    snprintf(chunkname, sizeof chunkname, "=tmpl#%d", chunk);
    int status;
    if (r->chunks[chunk].is_lua) {
        status = luaL_loadbufferx(L, src, len, chunkname, "t");
    } else {
        StrBuf code;
        sb_init(&code);
        int err_line = 0;
        const char *err_msg = NULL;
        bool ok = template_compile(&code, src, len, &err_line, &err_msg);
        status = ok ? luaL_loadbufferx(L, code.data, code.len, chunkname, "t") : LUA_OK;
        sb_free(&code); /* before anything that can raise */
        if (!ok) sandbox_error_at(L, chunk, err_line, "%s", err_msg);
    }
    if (status != LUA_OK) lua_error(L); /* the message has tmpl#N:line: */
    sandbox_push_env(L);
    lua_setupvalue(L, -2, 1);
}

/* Finds name, adds it as a chunk and loads it (load_chunk); returns the
 * chunk's index. */
static int chunk_load(lua_State *L, Renderer *r, const char *name, Escape esc, bool is_lua) {
    const char *src = NULL;
    size_t len = 0;
    const char *path = find_source(L, r, name, &src, &len);
    int chunk = chunk_add(r, name, path, esc, is_lua);
    load_chunk(L, r, chunk, src, len);
    return chunk;
}

/* Pushes the compiled template name; returns its chunk index. */
static int template_get(lua_State *L, Renderer *r, const char *name) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CHUNKS); /* +1 */
    int known = lua_getfield(L, -1, name);          /* +1 */
    int chunk = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    if (known != LUA_TNIL) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_TEMPLATES);
        lua_getfield(L, -1, name);
        lua_remove(L, -2);
        return chunk;
    }
    chunk = chunk_load(L, r, name, escape_for_name(name), false); /* +1 the function */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_TEMPLATES);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CHUNKS);
    lua_pushinteger(L, chunk);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
    return chunk;
}

/* ---- render, include, import ----------------------------------------------------- */

/* A template's _ENV: names come from its ctx first, then the helpers;
 * anything else is an error, and so is assigning a global. */
static int f_tenv_index(lua_State *L) {
    size_t len;
    const char *name = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : NULL;
    lua_getiuservalue(L, 1, 1); /* +1 ctx, at 3 */
    if (name && len == 3 && memcmp(name, "ctx", 3) == 0) return 1;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 3) != LUA_TNIL) return 1; /* +1 */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1; /* the helpers, an upvalue */
    return luaL_error(L, "undefined name '%s' (neither in the template's context nor a helper)",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2));
}

static int f_tenv_newindex(lua_State *L) {
    return luaL_error(L, "assignment to global '%s' (declare it local)",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

/* render(name [, ctx]) and include(name [, ctx]): the output of template
 * name as a safe value of its own context. include passes the current
 * template's ctx when none is given; render an empty one. */
static int render_or_include(lua_State *L, bool include) {
    Renderer *r = renderer_of(L);
    const char *name = check_name(L, 1);
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        if (include && r->depth > 0) {
            lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CTXSTACK);
            lua_rawgeti(L, -1, r->depth);
            lua_remove(L, -2);
        } else {
            lua_newtable(L);
        }
    } else {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_settop(L, 2);
    }
    int chunk = template_get(L, r, name); /* +1 the function, at 3 */
    for (int i = 0; i < r->depth; i++) {
        if (r->active[i] != chunk) continue;
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int k = i; k < r->depth; k++) {
            luaL_addstring(&b, r->chunks[r->active[k]].name);
            luaL_addstring(&b, " -> ");
        }
        luaL_addstring(&b, name);
        luaL_pushresult(&b);
        return luaL_error(L, "template %s includes itself (%s)", name, lua_tostring(L, -1));
    }
    if (r->depth >= RENDER_MAX_DEPTH)
        return luaL_error(L, "templates nested more than %d deep", (int)RENDER_MAX_DEPTH);
    r->active[r->depth++] = chunk;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CTXSTACK);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, r->depth);
    lua_pop(L, 1);

    lua_newuserdatauv(L, 0, 1); /* +1 the template's _ENV */
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_TENV);
    lua_setmetatable(L, -2);
    lua_createtable(L, 64, 0); /* +1 the buffer, at 5: room for a small template's parts */
    lua_pushvalue(L, 5);
    lua_insert(L, 3); /* the buffer at 3, function 4, env 5, buffer 6 */
    Escape esc = r->chunks[chunk].escape;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ESCAPERS);
    lua_rawgeti(L, -1, (lua_Integer)esc + 1);
    lua_remove(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RAW);
    lua_call(L, 4, 0); /* -5 */
    r->depth--;

    lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    safe_wrap(L, esc);
    return 1;
}

int tpl_render(lua_State *L) {
    return render_or_include(L, false);
}

int tpl_include(lua_State *L) {
    return render_or_include(L, true);
}

/* import(name): runs the Lua file name once (text only, sandboxed) and
 * returns its value, the same value on every later call. */
int tpl_import(lua_State *L) {
    Renderer *r = renderer_of(L);
    const char *name = check_name(L, 1);
    lua_settop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX,
                &KEY_MODULES[r->public]); /* 2: a module run for one view never serves the other */
    lua_getfield(L, 2, name);
    if (lua_touserdata(L, -1) == &LOADING) return luaL_error(L, "import: %s imports itself", name);
    if (!lua_isnil(L, -1)) {
        /* what the module read when it ran counts for every page importing it */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_MODULE_UNITS); /* +1 */
        if (lua_getfield(L, -1, name) == LUA_TUSERDATA) {     /* +1 */
            const ModuleUnits *u = lua_touserdata(L, -1);
            cache_replay(r, u->units, u->n, u->uncacheable);
        }
        lua_pop(L, 2);
        return 1;
    }
    lua_pop(L, 1);
    lua_pushlightuserdata(L, (void *)&LOADING);
    lua_setfield(L, 2, name);
    bool tracking = cache_tracking(r);
    if (tracking) cache_frame_push(r);
    chunk_load(L, r, name, ESC_TEXT, true);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    if (tracking) {
        size_t n;
        bool unc;
        int *units = cache_frame_pop(r, &n, &unc);
        ModuleUnits *u = lua_newuserdatauv(L, sizeof *u + n * sizeof(int), 0); /* +1 */
        u->n = n;
        u->uncacheable = unc;
        if (n) memcpy(u->units, units, n * sizeof(int));
        free(units);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_MODULE_UNITS); /* +1 */
        lua_insert(L, -2);
        lua_setfield(L, -2, name); /* -1 */
        lua_pop(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);
    return 1;
}

void template_reset_modules(lua_State *L) {
    Renderer *r = renderer_of(L);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_MODULES[r->public]);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_MODULE_UNITS);
}

void template_push_main(lua_State *L, const char *output) {
    Renderer *r = renderer_of(L);
    const char *name = lua_pushfstring(L, "%s/main.lua", output);
    if (!render_clean_path(name, strlen(name))) luaL_error(L, "bad output name '%s'", output);
    name = arena_strdup(&r->arena, name);
    lua_pop(L, 1);
    chunk_load(L, r, name, ESC_TEXT, true);
}

/* ---- escaping helpers ---------------------------------------------------------- */

static int escape_helper(lua_State *L, Escape esc) {
    if (lua_type(L, 1) != LUA_TNUMBER) luaL_checktype(L, 1, LUA_TSTRING);
    lua_settop(L, 1);
    luaL_tolstring(L, 1, NULL);
    push_escaped(L, -1, esc);
    return 1;
}

int tpl_escape_html(lua_State *L) {
    return escape_helper(L, ESC_HTML);
}
int tpl_escape_xml(lua_State *L) {
    return escape_helper(L, ESC_XML);
}
int tpl_escape_json(lua_State *L) {
    return escape_helper(L, ESC_JSON);
}
int tpl_csv_field(lua_State *L) {
    if (lua_isnoneornil(L, 1)) {
        lua_pushliteral(L, "");
        return 1;
    }
    return escape_helper(L, ESC_CSV);
}

/* is_safe(v) and the context a safe value is safe in: "html", "xml", ... */
int tpl_safe_context(lua_State *L) {
    size_t len;
    Escape esc;
    if (!safe_get(L, 1, &len, &esc)) return 0;
    lua_pushstring(L, escape_names[esc]);
    return 1;
}

void template_init(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, f_safe_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, f_safe_concat);
    lua_setfield(L, -2, "__concat");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushliteral(L, "safe text");
    lua_setfield(L, -2, "__name");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_SAFE);

    lua_newtable(L);
    sandbox_push_globals(L);
    lua_pushcclosure(L, f_tenv_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, f_tenv_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_TENV);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_MODULE_UNITS);

    lua_newtable(L);
    for (int e = ESC_TEXT; e <= ESC_CSV; e++) {
        lua_pushinteger(L, e);
        lua_pushcclosure(L, f_out_escaped, 1);
        lua_rawseti(L, -2, e + 1);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_ESCAPERS);
    lua_pushcfunction(L, f_out_raw);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_RAW);

    const void *tables[] = {&KEY_TEMPLATES, &KEY_CHUNKS, &KEY_MODULES[0], &KEY_MODULES[1],
                            &KEY_CTXSTACK};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        lua_newtable(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, tables[i]);
    }
}
