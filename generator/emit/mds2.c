/* mds2.c (emit): the C step of the MDS2 output. Writes mds2/mds2.xlsx in the
 * layout of the ANSI/NEMA HN 1-2019 form from the resolved answers
 * (model/mds2.c), with the records that justify each answer; the HTML
 * version comes from lua-templates/mds2/. Part of emit/. */
#include <stdio.h>
#include <string.h>

#include "emit.h"

enum {
    COL_ID,
    COL_QUESTION,
    COL_ANSWER,
    COL_NOTE,
    COL_IEC,
    COL_NIST,
    COL_ISO,
    COL_RECORDS,
    COL_SOURCE,
    NCOLS
};

/* True when r may appear in a customer document with its title. */
static bool title_public(const Record *r) {
    return record_str_public(r, "title") != NULL;
}

enum { SHOWN = 6 }; /* records listed with their titles; the rest by ID on one line */

/* The records behind an answer, one a line, internal records left out. */
static void records_text(StrBuf *sb, const Mds2Answer *a) {
    size_t shown = 0;
    for (size_t i = 0; i < a->nrecords; i++) {
        const Record *r = a->records[i];
        if (r->internal) continue;
        if (shown == SHOWN)
            sb_puts(sb, "\nand: ");
        else if (shown > SHOWN)
            sb_puts(sb, ", ");
        else if (sb->len)
            sb_putc(sb, '\n');
        if (shown++ < SHOWN && title_public(r) && r->title)
            sb_printf(sb, "%s %s", r->id, r->title);
        else
            sb_puts(sb, r->id);
    }
}

static const char *source_text(Arena *a, const Mds2Answer *ans) {
    switch (ans->source) {
    case MDS2_DERIVED:
        return arena_printf(a, "Records: %s%s", ans->basis ? ans->basis : "",
                            ans->given ? "; confirmed in mds2.xml" : "");
    case MDS2_HUMAN:
        return "mds2.xml";
    case MDS2_IMPLIED:
        return arena_printf(a, "Implied: %s", ans->basis);
    case MDS2_UNANSWERED:
        break;
    }
    return "UNANSWERED: for a person to answer in mds2.xml";
}

bool mds2_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    const Mds2 *f = m->mds2;
    if (!f) return true;
    const Product *p = &m->product;
    Arena scratch;
    arena_init(&scratch);
    char date[16];
    date_format(m->build_date, date);
    const char *product = arena_printf(&scratch, "%s%s%s", p->name ? p->name : "device",
                                       p->version ? " " : "", p->version ? p->version : "");
    Xlsx *x = xlsx_new("MDS2", arena_printf(&scratch, "MDS2: %s", product));
    static const double widths[NCOLS] = {11, 48, 14, 48, 14, 14, 14, 36, 30};
    static const char *const headings[NCOLS] = {"Question ID",
                                                "Question",
                                                "Answer",
                                                "Note",
                                                "IEC TR 80001-2-2:2012",
                                                "NIST SP 800-53 Rev. 4",
                                                "ISO 27002:2013",
                                                "Justified by (records)",
                                                "Source of the answer"};
    for (int c = 0; c < NCOLS; c++)
        xlsx_width(x, c, widths[c]);
    int row = 1;
    xlsx_cell(x, row++, 0, "Manufacturer Disclosure Statement for Medical Device Security (MDS2)",
              XLSX_TITLE);
    xlsx_cell(x, row++, 0,
              arena_printf(&scratch, "ANSI/NEMA HN 1-2019 layout. %s. Released %s.", product, date),
              XLSX_PLAIN);
    xlsx_cell(x, row++, 0,
              f->official_wording
                  ? "Questions in the official wording of the form, from the manufacturer's copy."
                  : "Questions in short paraphrase; the official wording is that of the NEMA form, "
                    "whose IDs "
                    "each row keeps.",
              XLSX_PLAIN);
    row++;
    xlsx_header_row(x, row, NCOLS);
    xlsx_freeze(x, row);
    for (int c = 0; c < NCOLS; c++)
        xlsx_cell(x, row, c, headings[c], XLSX_HEADER);
    row++;
    const char *section = NULL;
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < f->n; i++) {
        const Mds2Answer *a = &f->answers[i];
        const Mds2Question *q = a->question;
        if (!section || strcmp(section, q->section) != 0) {
            section = q->section;
            xlsx_cell(x, row, COL_ID, q->section, XLSX_SECTION);
            xlsx_cell(x, row, COL_QUESTION, q->section_name, XLSX_SECTION);
            row++;
        }
        bool open = a->source == MDS2_UNANSWERED;
        xlsx_cell(x, row, COL_ID, q->id, XLSX_CELL);
        xlsx_cell(x, row, COL_QUESTION, q->text, XLSX_CELL);
        xlsx_cell(x, row, COL_ANSWER, a->value == MDS2_TEXT ? a->text : mds2_value_name(a->value),
                  open ? XLSX_FLAG : XLSX_CELL);
        xlsx_cell(x, row, COL_NOTE, a->note ? a->note : "", XLSX_CELL);
        if (q->text_answer) xlsx_merge(x, row, COL_ANSWER, COL_NOTE); /* the header's long texts */
        for (int c = COL_IEC; c <= COL_ISO; c++)
            xlsx_cell(x, row, c, "", XLSX_CELL);
        sb_reset(&sb);
        records_text(&sb, a);
        xlsx_cell(x, row, COL_RECORDS, sb.data ? sb.data : "", XLSX_CELL);
        xlsx_cell(x, row, COL_SOURCE, source_text(&scratch, a), open ? XLSX_FLAG : XLSX_CELL);
        row++;
    }
    sb_reset(&sb);
    bool ok = xlsx_pack(x, m->build_date, "mds2/mds2.xlsx", &sb) &&
              outdir_write(o, "mds2/mds2.xlsx", sb.data, sb.len);
    sb_free(&sb);
    xlsx_free(x);
    arena_free(&scratch);
    return ok;
}

/* text in an XML comment: no "--" (nor a trailing "-") inside one */
static void comment_text(StrBuf *sb, const char *s) {
    for (; s && *s; s++) {
        if (*s == '-' && (s[1] == '-' || s[1] == 0)) {
            sb_puts(sb, "- ");
            continue;
        }
        sb_putc(sb, *s == '\n' ? ' ' : *s);
    }
}

size_t mds2_skeleton(StrBuf *sb, const Model *m) {
    const Mds2 *f = m->mds2;
    sb_puts(sb,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- The MDS2 questions the records of ");
    comment_text(sb, m->product.name ? m->product.name : "this dossier");
    sb_puts(sb, " leave open, written by `dossier mds2`.\n"
                "     For each: uncomment the answer, give value yes, no, n/a or see-note (a\n"
                "     header question takes its text instead), a note as the content and,\n"
                "     in records=\"...\", the records that justify it. -->\n"
                "<mds2 xmlns=\"urn:dossier:mds2:1\">\n");
    size_t open = 0;
    const char *section = NULL;
    for (size_t i = 0; f && i < f->n; i++) {
        const Mds2Answer *a = &f->answers[i];
        if (a->source != MDS2_UNANSWERED) continue;
        const Mds2Question *q = a->question;
        if (!section || strcmp(section, q->section_name) != 0) {
            section = q->section_name;
            sb_puts(sb, "\n  <!-- ");
            comment_text(sb, section);
            sb_puts(sb, " -->\n");
        }
        sb_printf(sb, "  <!-- %s: ", q->id);
        comment_text(sb, q->text);
        if (q->text_answer)
            sb_printf(sb, "\n  <answer id=\"%s\">...</answer> -->\n", q->id);
        else
            sb_printf(sb,
                      "\n  <answer id=\"%s\" value=\"yes|no|n/a|see-note\" records=\"\">"
                      "note</answer> -->\n",
                      q->id);
        open++;
    }
    sb_puts(sb, "</mds2>\n");
    return open;
}
