/* xlsx.c: a small OOXML spreadsheet writer (one sheet, inline strings, a
 * few fixed styles) packed with libzip into deterministic bytes: sorted
 * entries, one fixed entry time (the build date), fixed compression. Used
 * by the MDS2 output (mds2.c); part of emit/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "bundle.h"

enum { XLSX_MAX_CELL = 32767 }; /* characters a spreadsheet cell may hold */

typedef struct XlsxCell {
    int row, col;
    const char *text;
    XlsxStyle style;
} XlsxCell;

struct Xlsx {
    Arena arena;
    const char *sheet;
    const char *title;
    XlsxCell *cells;
    size_t n, cap;
    double widths[XLSX_MAX_COLS];
    int freeze_rows;
    int print_title_row;
    int filter_row, filter_cols, last_row;
    int (*merges)[3]; /* row, first column, last column */
    size_t nmerges, merge_cap;
};

Xlsx *xlsx_new(const char *sheet, const char *title) {
    Xlsx *x = xmalloc(sizeof *x);
    memset(x, 0, sizeof *x);
    arena_init(&x->arena);
    x->sheet = arena_strdup(&x->arena, sheet);
    x->title = arena_strdup(&x->arena, title ? title : sheet);
    return x;
}

void xlsx_free(Xlsx *x) {
    if (!x) return;
    arena_free(&x->arena);
    free(x->cells);
    free(x->merges);
    free(x);
}

void xlsx_width(Xlsx *x, int col, double width) {
    if (col >= 0 && col < XLSX_MAX_COLS) x->widths[col] = width;
}

void xlsx_freeze(Xlsx *x, int rows) {
    x->freeze_rows = rows;
}

void xlsx_header_row(Xlsx *x, int row, int ncols) {
    x->print_title_row = row;
    x->filter_row = row;
    x->filter_cols = ncols;
}

void xlsx_cell(Xlsx *x, int row, int col, const char *text, XlsxStyle style) {
    if (!text || col < 0 || col >= XLSX_MAX_COLS || row < 1) return;
    if (x->n && (row < x->cells[x->n - 1].row ||
                 (row == x->cells[x->n - 1].row && col <= x->cells[x->n - 1].col)))
        die("xlsx_cell: cells must be added in row, then column order");
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->cells = xrealloc(x->cells, x->cap * sizeof *x->cells);
    }
    size_t len = strlen(text);
    if (len > XLSX_MAX_CELL) {
        len = XLSX_MAX_CELL;
        while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--; /* whole UTF-8 characters */
    }
    x->cells[x->n++] = (XlsxCell){row, col, arena_strndup(&x->arena, text, len), style};
    if (row > x->last_row) x->last_row = row;
}

void xlsx_merge(Xlsx *x, int row, int first_col, int last_col) {
    if (row < 1 || first_col < 0 || last_col <= first_col || last_col >= XLSX_MAX_COLS) return;
    if (x->nmerges == x->merge_cap) {
        x->merge_cap = x->merge_cap ? x->merge_cap * 2 : 16;
        x->merges = xrealloc(x->merges, x->merge_cap * sizeof *x->merges);
    }
    x->merges[x->nmerges][0] = row;
    x->merges[x->nmerges][1] = first_col;
    x->merges[x->nmerges++][2] = last_col;
}

/* "A", "B", ..., "Z", "AA": the column letters of a 0-based column. */
static void col_name(char *buf, int col) {
    char tmp[8];
    int n = 0;
    for (col++; col > 0; col = (col - 1) / 26)
        tmp[n++] = (char)('A' + (col - 1) % 26);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
}

static const char XML_DECL[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"

static void write_sheet(const Xlsx *x, StrBuf *sb) {
    sb_puts(sb, XML_DECL);
    sb_puts(sb, "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">");
    sb_puts(sb, "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
    if (x->freeze_rows > 0)
        sb_printf(
            sb,
            "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"%d\" topLeftCell=\"A%d\" "
            "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>",
            x->freeze_rows, x->freeze_rows + 1);
    sb_puts(sb, "<sheetFormatPr defaultRowHeight=\"15\"/>");
    bool cols = false;
    for (int c = 0; c < XLSX_MAX_COLS; c++) {
        if (x->widths[c] <= 0) continue;
        if (!cols) sb_puts(sb, "<cols>");
        cols = true;
        sb_printf(sb, "<col min=\"%d\" max=\"%d\" width=\"%.1f\" customWidth=\"1\"/>", c + 1, c + 1,
                  x->widths[c]);
    }
    if (cols) sb_puts(sb, "</cols>");
    sb_puts(sb, "<sheetData>");
    for (size_t i = 0; i < x->n;) {
        int row = x->cells[i].row;
        sb_printf(sb, "<row r=\"%d\">", row);
        for (; i < x->n && x->cells[i].row == row; i++) {
            const XlsxCell *c = &x->cells[i];
            char ref[16];
            col_name(ref, c->col);
            sb_printf(sb, "<c r=\"%s%d\" s=\"%d\" t=\"inlineStr\"><is><t xml:space=\"preserve\">",
                      ref, row, (int)c->style);
            sb_escape_xml(sb, c->text, strlen(c->text));
            sb_puts(sb, "</t></is></c>");
        }
        sb_puts(sb, "</row>");
    }
    sb_puts(sb, "</sheetData>");
    if (x->filter_row > 0 && x->filter_cols > 0 && x->last_row > x->filter_row) {
        char last[16];
        col_name(last, x->filter_cols - 1);
        sb_printf(sb, "<autoFilter ref=\"A%d:%s%d\"/>", x->filter_row, last, x->last_row);
    }
    if (x->nmerges) {
        sb_printf(sb, "<mergeCells count=\"%zu\">", x->nmerges);
        for (size_t i = 0; i < x->nmerges; i++) {
            char a[16], b[16];
            col_name(a, x->merges[i][1]);
            col_name(b, x->merges[i][2]);
            sb_printf(sb, "<mergeCell ref=\"%s%d:%s%d\"/>", a, x->merges[i][0], b, x->merges[i][0]);
        }
        sb_puts(sb, "</mergeCells>");
    }
    sb_puts(sb, "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" "
                "footer=\"0.3\"/>");
    sb_puts(sb, "<pageSetup orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>");
    sb_puts(sb, "</worksheet>");
}

static void write_workbook(const Xlsx *x, StrBuf *sb) {
    sb_puts(sb, XML_DECL);
    sb_puts(sb, "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets><sheet name=\"");
    sb_escape_xml(sb, x->sheet, strlen(x->sheet));
    sb_puts(sb, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets>");
    if (x->print_title_row > 0 || (x->filter_row > 0 && x->last_row > x->filter_row)) {
        sb_puts(sb, "<definedNames>");
        if (x->filter_row > 0 && x->last_row > x->filter_row) {
            char last[16];
            col_name(last, x->filter_cols - 1);
            sb_printf(
                sb,
                "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'");
            sb_escape_xml(sb, x->sheet, strlen(x->sheet));
            sb_printf(sb, "'!$A$%d:$%s$%d</definedName>", x->filter_row, last, x->last_row);
        }
        if (x->print_title_row > 0) {
            sb_puts(sb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'");
            sb_escape_xml(sb, x->sheet, strlen(x->sheet));
            sb_printf(sb, "'!$%d:$%d</definedName>", x->print_title_row, x->print_title_row);
        }
        sb_puts(sb, "</definedNames>");
    }
    sb_puts(sb, "</workbook>");
}

static const char STYLES[] =
    "<styleSheet xmlns=\"" NS_MAIN "\">"
    "<fonts count=\"3\"><font><sz val=\"10\"/><name val=\"Arial\"/></font>"
    "<font><b/><sz val=\"10\"/><name val=\"Arial\"/></font>"
    "<font><b/><sz val=\"14\"/><name val=\"Arial\"/></font></fonts>"
    "<fills count=\"4\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill "
    "patternType=\"gray125\"/></fill>"
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9E1F2\"/><bgColor "
    "indexed=\"64\"/></patternFill></fill>"
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFCE4D6\"/><bgColor "
    "indexed=\"64\"/></patternFill></fill>"
    "</fills>"
    "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
    "<border><left style=\"thin\"><color rgb=\"FFBFBFBF\"/></left><right style=\"thin\"><color "
    "rgb=\"FFBFBFBF\"/></right>"
    "<top style=\"thin\"><color rgb=\"FFBFBFBF\"/></top><bottom style=\"thin\"><color "
    "rgb=\"FFBFBFBF\"/></bottom>"
    "<diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
    "borderId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"6\">"
    /* XLSX_PLAIN */
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\">"
    "<alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    /* XLSX_TITLE */
    "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    /* XLSX_HEADER */
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" "
    "applyFill=\"1\" "
    "applyBorder=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    /* XLSX_SECTION */
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" "
    "applyFill=\"1\"/>"
    /* XLSX_CELL */
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyBorder=\"1\" "
    "applyAlignment=\"1\">"
    "<alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    /* XLSX_FLAG */
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"3\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" "
    "applyFill=\"1\" "
    "applyBorder=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    "</cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

static const char CONTENT_TYPES[] =
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    "</Types>";

static const char ROOT_RELS[] =
    "<Relationships xmlns=\"" NS_PKG_REL "\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>";

static const char WORKBOOK_RELS[] =
    "<Relationships xmlns=\"" NS_PKG_REL "\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

static void write_core(const Xlsx *x, const char *date, StrBuf *sb) {
    sb_puts(sb, XML_DECL);
    sb_puts(sb,
            "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
            "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
            "xmlns:dcterms=\"http://purl.org/"
            "dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
    sb_escape_xml(sb, x->title, strlen(x->title));
    sb_printf(
        sb,
        "</dc:title><dcterms:created xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:created>"
        "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:modified>"
        "</cp:coreProperties>",
        date, date);
}

bool xlsx_pack(const Xlsx *x, int64_t build_date, const char *name, StrBuf *out) {
    char date[16];
    date_format(build_date, date);
    StrBuf parts[6];
    for (size_t i = 0; i < 6; i++)
        sb_init(&parts[i]);
    /* the entries in bytewise order of their names */
    const char *names[6] = {"[Content_Types].xml",        "_rels/.rels",   "docProps/core.xml",
                            "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml"};
    sb_puts(&parts[0], XML_DECL);
    sb_puts(&parts[0], CONTENT_TYPES);
    sb_puts(&parts[1], XML_DECL);
    sb_puts(&parts[1], ROOT_RELS);
    write_core(x, date, &parts[2]);
    sb_puts(&parts[3], XML_DECL);
    sb_puts(&parts[3], WORKBOOK_RELS);
    sb_puts(&parts[4], XML_DECL);
    sb_puts(&parts[4], STYLES);
    write_workbook(x, &parts[5]);
    StrBuf sheet;
    sb_init(&sheet);
    write_sheet(x, &sheet);

    /* the build date at noon as a DOS date and time, set directly: libzip's
     * conversion from time_t goes through the local time zone */
    int year = atoi(date), month = atoi(date + 5), day = atoi(date + 8);
    if (year < 1980) year = 1980, month = 1, day = 1;
    zip_uint16_t dosdate = (zip_uint16_t)(((year - 1980) << 9) | (month << 5) | day);
    zip_uint16_t dostime = (zip_uint16_t)(12 << 11);
    zip_error_t err;
    zip_error_init(&err);
    errno = 0;
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &err) : NULL;
    bool ok = za != NULL;
    if (!ok) fprintf(stderr, "dossier: cannot start %s: %s\n", name, zip_reason(&err));
    if (za) zip_source_keep(src);
    for (size_t i = 0; ok && i < 7; i++) {
        const char *part = i < 6 ? names[i] : "xl/worksheets/sheet1.xml";
        const StrBuf *b = i < 6 ? &parts[i] : &sheet;
        errno = 0;
        zip_source_t *s = zip_source_buffer(za, b->data, b->len, 0);
        zip_int64_t idx = s ? zip_file_add(za, part, s, ZIP_FL_ENC_UTF_8) : -1;
        ok = idx >= 0 && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) == 0 &&
             zip_file_set_dostime(za, (zip_uint64_t)idx, dostime, dosdate, 0) == 0;
        if (!ok)
            fprintf(stderr, "dossier: cannot add %s to %s: %s\n", part, name,
                    zip_reason(zip_get_error(za)));
        if (idx < 0 && s) zip_source_free(s);
    }
    if (za && ok) {
        errno = 0;
        ok = zip_close(za) == 0;
        if (!ok)
            fprintf(stderr, "dossier: cannot write %s: %s\n", name, zip_reason(zip_get_error(za)));
    }
    if (za && !ok) zip_discard(za);
    if (ok) {
        zip_stat_t st;
        errno = 0;
        ok = zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0;
        if (ok) {
            size_t start = out->len;
            sb_append(out, "", 0);
            char buf[65536];
            zip_int64_t n;
            while ((n = zip_source_read(src, buf, sizeof buf)) > 0)
                sb_append(out, buf, (size_t)n);
            ok = n == 0 && out->len - start == (size_t)st.size;
            zip_source_close(src);
        }
        if (!ok)
            fprintf(stderr, "dossier: cannot read %s back from memory: %s\n", name,
                    zip_reason(zip_source_error(src)));
    }
    if (src) zip_source_free(src);
    zip_error_fini(&err);
    for (size_t i = 0; i < 6; i++)
        sb_free(&parts[i]);
    sb_free(&sheet);
    return ok;
}
