/* rules_mds2.c: rules over the MDS2 answers (model/mds2.c): every question
 * answered by the records, mds2.xml or a question it depends on; no Yes
 * that the controls behind it contradict (planned, or a failed latest test);
 * no mds2.xml answer that the records contradict. Part of check/. */
#include <string.h>

#include "check.h"

/* Reports each control behind a Yes that is planned or whose test failed. */
static void check_yes(Check *c, const Mds2Answer *a) {
    const char *id = a->question->id;
    for (size_t i = 0; i < a->nrecords; i++) {
        const Record *r = a->records[i];
        if (strcmp(r->type->name, "control") != 0) continue;
        const char *status = record_str(r, "status");
        SrcLoc where = a->source == MDS2_HUMAN ? a->loc : check_loc(r, record_field(r, "status"));
        if (status && strcmp(status, "planned") == 0)
            check_report(c, RULE_MDS2_CONTRADICTION, where, r,
                         "MDS2 %s says Yes, but %s (%s) is planned, not in the device: implement "
                         "it or answer No or See Note",
                         id, r->id, r->title);
        size_t pos = 0;
        for (const Record *t; (t = check_linked(r, "verified_by", &pos));) {
            const RecordVerdict *l = check_latest(c, t); /* the one latest result (verdict.c) */
            if (l && (strcmp(l->state, "fail") == 0 || strcmp(l->state, "error") == 0)) {
                char date[16];
                date_format(l->latest_date, date);
                check_report(c, RULE_MDS2_CONTRADICTION, where, r,
                             "MDS2 %s says Yes, but %s, which verifies %s, ended in %s on %s", id,
                             t->id, r->id, l->state, date);
            }
        }
    }
}

/* An mds2.xml answer to a question the records decide, with another value. */
static void check_given(Check *c, const Mds2Answer *a) {
    const Mds2Given *g = a->given;
    if (!g || a->source != MDS2_DERIVED || g->value == a->value) return;
    CheckList list = {0};
    for (size_t i = 0; i < a->nrecords; i++)
        check_list_add(&list, "%s", a->records[i]->id);
    check_report(
        c, RULE_MDS2_CONTRADICTION, g->loc, NULL,
        "mds2.xml answers %s %s, but the records say %s (%s%s%s): change the records or the answer",
        a->question->id, mds2_value_name(g->value), mds2_value_name(a->value),
        a->basis ? a->basis : "", list.n ? ": " : "", list.n ? check_list_text(&list) : "");
    check_list_free(&list);
}

void rules_mds2_check(Check *c) {
    const Mds2 *f = c->m->mds2;
    if (!f) return;
    size_t unanswered = 0;
    CheckList list = {0};
    for (size_t i = 0; i < f->n; i++) {
        const Mds2Answer *a = &f->answers[i];
        if (a->value == MDS2_YES) check_yes(c, a);
        check_given(c, a);
        if (a->source != MDS2_UNANSWERED) continue;
        unanswered++;
        check_list_add(&list, "%s", a->question->id);
        if (f->has_file)
            check_report(
                c, RULE_MDS2_UNANSWERED, (SrcLoc){"mds2.xml", f->file_line, 0}, NULL,
                "MDS2 %s (%s) is unanswered: the records do not decide it; answer it in mds2.xml",
                a->question->id, a->question->section_name);
    }
    if (unanswered && !f->has_file)
        check_report(c, RULE_MDS2_NOT_STARTED, (SrcLoc){"dossier.xml", 0, 0}, NULL,
                     "no mds2.xml: the records answer %zu of the %zu MDS2 questions; %zu are left "
                     "for a person (%s)",
                     f->n - unanswered, f->n, unanswered, check_list_text(&list));
    check_list_free(&list);
}
