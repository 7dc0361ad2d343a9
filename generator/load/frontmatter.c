/* frontmatter.c: splits a Markdown record into YAML front matter and body,
 * and turns the front matter into loaded values with file:line:col through
 * libyaml's event parser. Aliases are refused (no alias bombs), nesting is
 * bounded. Part of load/. */
#include <string.h>

#include <yaml.h>

#include "load.h"

enum { MAX_DEPTH = 32 };

typedef struct YamlCtx {
    Arena *a;
    Diag *d;
    const char *path;
    int line0;        /* file line of the front matter's first line, minus one */
    const char *what; /* "front matter" or "YAML": the start of every message */
    const char *text; /* what the parser reads, for the hints */
    size_t len;
    yaml_parser_t parser;
    bool failed;
} YamlCtx;

static SrcLoc mark_loc(const YamlCtx *c, yaml_mark_t mk) {
    return (SrcLoc){c->path, c->line0 + (int)mk.line + 1, (int)mk.column + 1};
}

/* libyaml's words for a problem, and what a record's author most likely
 * did and should do instead. The first whose problem (and context, when
 * given) is contained in libyaml's message wins. */
static const struct {
    const char *problem, *context, *hint;
} hints[] = {
    {"mapping values are not allowed", NULL,
     "a value holds ': ' (a colon and a space), which YAML reads as a new key: put the whole "
     "value in quotes, as in title: \"Replay: commands over Wi-Fi\""},
    {"tab", NULL, "a tab: YAML indents with spaces only; replace the tab with spaces"},
    {"cannot start any token", NULL,
     "a value starts with a character YAML reserves (@, `, %, |, >, !, &, *, {, [): put the "
     "value in quotes"},
    {"unexpected end of stream", "quoted scalar",
     "a quote was opened and never closed: close it on the same value"},
    {"did not find expected ',' or ']'", NULL,
     "a list in brackets is not closed, or an item holds a comma or colon: close the ] or "
     "quote the item"},
    {"did not find expected ',' or '}'", NULL,
     "a map in braces is not closed: close the } or quote the value"},
    {"could not find expected ':'", NULL,
     "a line has no 'key:', or a value runs over several lines: give each field one line "
     "'name: value', quote long values, or use 'name: >' with the text indented below"},
    {"did not find expected key", NULL,
     "a line is indented differently from the fields around it, or a list item lost its "
     "'- ': line the fields up (top-level fields start in column 1)"},
    {"block sequence entries are not allowed", NULL,
     "a '- item' sits on the same line as its key: put each item on its own line below "
     "the key, indented"},
    {"did not find expected '-' indicator", NULL,
     "the items of a list are not lined up: start every '- ' in the same column"},
    {"unknown escape character", NULL,
     "a backslash in double quotes: use single quotes, or write it as \\\\"},
    {"did not find expected node content", NULL,
     "a value is missing after ':' or '-', or starts with a character YAML reserves: quote "
     "it"},
};

/* The hint for libyaml's message, or NULL. A tab at the problem's place
 * is named whatever libyaml called it. */
static const char *syntax_hint(const YamlCtx *c) {
    const yaml_parser_t *p = &c->parser;
    size_t at = p->problem_mark.index;
    if (c->text && at < c->len && c->text[at] == '\t') return hints[1].hint;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (p->problem && strstr(p->problem, hints[i].problem) &&
            (!hints[i].context || (p->context && strstr(p->context, hints[i].context))))
            return hints[i].hint;
    return NULL;
}

static void syntax_error(YamlCtx *c) {
    yaml_parser_t *p = &c->parser;
    SrcLoc loc = mark_loc(c, p->problem_mark);
    if (p->error == YAML_MEMORY_ERROR) die("out of memory parsing YAML");
    const char *hint = syntax_hint(c);
    if (p->context)
        rule_report(c->d, RULE_YAML_SYNTAX, loc, NULL,
                    "%s: %s %s started at line %d, column %d%s%s", c->what, p->problem, p->context,
                    mark_loc(c, p->context_mark).line, mark_loc(c, p->context_mark).col,
                    hint ? ". Likely: " : "", hint ? hint : "");
    else
        rule_report(c->d, RULE_YAML_SYNTAX, loc, NULL, "%s: %s%s%s", c->what,
                    p->problem ? p->problem : "not valid YAML", hint ? ". Likely: " : "",
                    hint ? hint : "");
    c->failed = true;
}

static bool next(YamlCtx *c, yaml_event_t *ev) {
    if (!yaml_parser_parse(&c->parser, ev)) {
        syntax_error(c);
        return false;
    }
    return true;
}

static Value *parse_node(YamlCtx *c, yaml_event_t *ev, int depth);

/* Parses the items of a sequence or mapping until its end event. */
static Value *parse_collection(YamlCtx *c, Value *v, yaml_event_type_t end, int depth) {
    for (;;) {
        yaml_event_t ev;
        if (!next(c, &ev)) return NULL;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return v;
        }
        if (v->kind == VAL_LIST) {
            Value *item = parse_node(c, &ev, depth + 1);
            if (!item) return NULL;
            value_push(c->a, v, NULL, item->loc, item);
            continue;
        }
        /* a mapping: ev is the key */
        SrcLoc kloc = mark_loc(c, ev.start_mark);
        if (ev.type != YAML_SCALAR_EVENT) {
            rule_report(c->d, RULE_YAML_SYNTAX, kloc, NULL, "%s: a key must be a plain name",
                        c->what);
            yaml_event_delete(&ev);
            c->failed = true;
            return NULL;
        }
        char *key = arena_strndup(c->a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
        yaml_event_delete(&ev);
        for (size_t i = 0; i < v->n; i++)
            if (strcmp(v->keys[i], key) == 0) {
                rule_report(c->d, RULE_YAML_SYNTAX, kloc, NULL,
                            "%s: key '%s' appears twice (first at line %d)", c->what, key,
                            v->key_locs[i].line);
                c->failed = true;
                return NULL;
            }
        yaml_event_t vev;
        if (!next(c, &vev)) return NULL;
        Value *item = parse_node(c, &vev, depth + 1);
        if (!item) return NULL;
        value_push(c->a, v, key, kloc, item);
    }
}

/* Turns the node starting with ev into a value; consumes ev. */
static Value *parse_node(YamlCtx *c, yaml_event_t *ev, int depth) {
    SrcLoc loc = mark_loc(c, ev->start_mark);
    Value *v = NULL;
    if (depth > MAX_DEPTH) {
        rule_report(c->d, RULE_YAML_SYNTAX, loc, NULL, "%s: nested deeper than %d levels", c->what,
                    MAX_DEPTH);
        c->failed = true;
        yaml_event_delete(ev);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const char *s = (const char *)ev->data.scalar.value;
        size_t n = ev->data.scalar.length;
        bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0))
            v = value_new(c->a, VAL_NULL, loc);
        else
            v = value_scalar(c->a, loc, s, n);
        yaml_event_delete(ev);
        return v;
    }
    case YAML_SEQUENCE_START_EVENT:
        yaml_event_delete(ev);
        return parse_collection(c, value_new(c->a, VAL_LIST, loc), YAML_SEQUENCE_END_EVENT, depth);
    case YAML_MAPPING_START_EVENT:
        yaml_event_delete(ev);
        return parse_collection(c, value_new(c->a, VAL_MAP, loc), YAML_MAPPING_END_EVENT, depth);
    case YAML_ALIAS_EVENT:
        rule_report(c->d, RULE_YAML_SYNTAX, loc, NULL,
                    "%s: aliases (*name) are not allowed; write the value out", c->what);
        break;
    default:
        rule_report(c->d, RULE_YAML_SYNTAX, loc, NULL, "%s: unexpected YAML structure", c->what);
        break;
    }
    c->failed = true;
    yaml_event_delete(ev);
    return NULL;
}

/* Finds the line that closes the front matter ("---" or "..."); returns a
 * pointer to its start or NULL. *lines gets the lines before it. */
static const char *find_close(const char *s, const char *end, int *lines) {
    int n = 0;
    for (const char *p = s; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t len = (size_t)(le - p);
        if (len && p[len - 1] == '\r') len--;
        if (len == 3 && (memcmp(p, "---", 3) == 0 || memcmp(p, "...", 3) == 0)) {
            *lines = n;
            return p;
        }
        n++;
        if (!nl) break;
        p = nl + 1;
    }
    return NULL;
}

/* The one document of c's text: its root node, or a value of kind empty at
 * the file's start when the text holds none; NULL after a message. */
static Value *parse_document(YamlCtx *c, ValueKind empty) {
    if (!yaml_parser_initialize(&c->parser)) die("out of memory initialising libyaml");
    yaml_parser_set_input_string(&c->parser, (const unsigned char *)c->text, c->len);
    yaml_parser_set_encoding(&c->parser, YAML_UTF8_ENCODING);
    Value *root = NULL;
    yaml_event_t ev;
    /* stream start, then a document start or the end of an empty stream */
    if (next(c, &ev)) {
        yaml_event_delete(&ev);
        if (next(c, &ev)) {
            bool none = ev.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&ev);
            if (none)
                root = value_new(c->a, empty, (SrcLoc){c->path, 1, 1});
            else if (next(c, &ev))
                root = parse_node(c, &ev, 0);
        }
    }
    yaml_parser_delete(&c->parser);
    return c->failed ? NULL : root;
}

Value *frontmatter_parse(Arena *a, Diag *d, const char *path, const char *text, size_t len,
                         const char **body, size_t *body_len, int *body_line) {
    const char *end = text + len;
    SrcLoc top = {path, 1, 1};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3; /* a BOM */
    if (!(end - text >= 4 && memcmp(text, "---", 3) == 0 && (text[3] == '\n' || text[3] == '\r'))) {
        rule_report(d, RULE_FRONT_MATTER, top, NULL,
                    "expected YAML front matter: the file must start with a line '---'");
        return NULL;
    }
    const char *nl = memchr(text, '\n', (size_t)(end - text));
    const char *fm =
        nl ? nl + 1 : text + 4; /* "---\r" and no line feed at all: old Mac line ends */
    int lines = 0;
    const char *close = find_close(fm, end, &lines);
    if (!close) {
        rule_report(d, RULE_FRONT_MATTER, top, NULL,
                    "front matter is not closed: expected a line '---' after the fields");
        return NULL;
    }
    const char *after = memchr(close, '\n', (size_t)(end - close));
    *body = after ? after + 1 : end;
    *body_len = (size_t)(end - *body);
    *body_line = lines + 3;

    YamlCtx c = {.a = a,
                 .d = d,
                 .path = path,
                 .line0 = 1,
                 .what = "front matter",
                 .text = fm,
                 .len = (size_t)(close - fm)};
    Value *root = parse_document(&c, VAL_MAP); /* empty front matter: no fields */
    if (!root) return NULL;
    if (root->kind != VAL_MAP) {
        rule_report(d, RULE_FRONT_MATTER, root->loc, NULL,
                    "front matter must be a mapping of field names to values");
        return NULL;
    }
    return root;
}

Value *frontmatter_yaml(Arena *a, Diag *d, const char *path, const char *text, size_t len) {
    YamlCtx c = {.a = a, .d = d, .path = path, .line0 = 0, .what = "YAML"};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* a BOM */
    c.text = text;
    c.len = len;
    return parse_document(&c, VAL_NULL);
}
