/* pdf.h: `dossier build --pdf`: the documents of the bundle and the customer
 * documents printed to PDF by a headless Chromium found on the machine,
 * which sees the output folder only over loopback HTTP (serve.h).
 * Implemented in pdf.c; main.c is its only user. */
#ifndef DOSSIER_PDF_H
#define DOSSIER_PDF_H

#include "emit.h"

typedef struct PdfEngine PdfEngine;

/* Finds the engine: the program named by DOSSIER_CHROMIUM, else chromium,
 * chromium-browser, google-chrome or google-chrome-stable on PATH, and makes
 * a scratch folder for it. NULL after a message on stderr (the build then
 * exits EXIT_USAGE and writes nothing). verbose prints each document's time.
 * Free with pdf_close. */
PdfEngine *pdf_open(bool verbose);
/* Prints to PDF the documents among the files output wrote, o->files[first]
 * onwards (which ones: the table in pdf.c), each beside its HTML with the
 * same name and .pdf, written through outdir_write so the manifest and the
 * ZIP see them. The PDF's creation and modification dates are set to the
 * build date. The folder is served to Chromium for the while, and no
 * longer once this returns. False after a message on stderr naming the
 * document and Chromium's own last words, or saying the folder could not
 * be served. */
bool pdf_output(PdfEngine *e, const Model *m, const char *output, OutDir *o, size_t first);
/* Whether output has documents to print (the site has none). */
bool pdf_prints(const char *output);
/* Prints the count and total time (when verbose), removes the scratch
 * folder and frees e. NULL is allowed. */
void pdf_close(PdfEngine *e);

#endif
