/* xml.h: libxml2 helpers shared inside load/ (xmlrecords.c implements them,
 * dossier.c uses them). Only load/ includes libxml2 headers. */
#ifndef DOSSIER_LOAD_XML_H
#define DOSSIER_LOAD_XML_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "load.h"

#define RECORDS_NS "urn:dossier:records:1"
#define DOSSIER_NS "urn:dossier:1"

/* Parses XML with no network, DTD or entity expansion; errors become
 * findings under relpath. Returns NULL when the document is unusable. */
xmlDoc *xml_parse(Diag *d, const char *relpath, const char *data, size_t len);
/* Compiles an XSD; NULL if it cannot be read (the caller reports). */
xmlSchema *xml_schema_load(const char *xsd_path);
/* Validates doc; every problem becomes an xml-schema finding. */
bool xml_validate(Diag *d, const char *relpath, xmlSchema *schema, xmlDoc *doc);
/* The element's text, dedented; *first_line gets the line it starts on. */
char *xml_text(Arena *a, xmlNode *n, int *first_line);
/* A record element (<threat id="...">) typed against the schema, or NULL. */
Record *xml_record(Model *m, Diag *d, const char *path, xmlNode *n);
/* Loads a <records> file into m, validated against records_xsd. */
void xmlrecords_load(Model *m, Diag *d, xmlSchema *records_xsd, size_t max_size, const char *path,
                     const char *relpath);

/* ---- xtree.c: the standard formats' XML as a light tree ----------------- */

typedef struct XAttr {
    const char *name; /* local name */
    const char *value;
    bool ns; /* in a namespace (xsi:...) */
} XAttr;

/* An element: arena-owned, like everything xtree_parse builds. */
typedef struct XNode {
    const char *name; /* local name; equal names are the same pointer within a tree */
    const char *ns;   /* namespace URI or NULL; equal URIs are the same pointer */
    int line;
    XAttr *attrs;
    size_t nattrs;
    const char *text; /* leaf elements only: their text and CDATA, trimmed; else NULL */
    size_t text_len;
    struct XNode *children, *last, *next;
} XNode;

/* Parses XML through SAX2 into a tree in a (no network, no DTD, no entity
 * expansion); errors become xml-syntax findings under relpath, and with a
 * schema (named schema_name in messages), violations become sbom-schema
 * warnings as the parse goes. Returns
 * the root element, or NULL when the document is not well-formed. */
XNode *xtree_parse(Arena *a, Diag *d, const char *relpath, const char *data, size_t len,
                   xmlSchema *schema, const char *schema_name);
/* Compiles an official XSD (folder/file), reading what it imports from
 * folder and nothing from the network. NULL when it is missing or does not
 * compile; the caller reports. Free with xmlSchemaFree. */
xmlSchema *xtree_schema_load(const char *folder, const char *file);
/* The value of the attribute with that local name (any namespace), or NULL. */
const char *xtree_attr(const XNode *n, const char *name);

/* ---- workbook.c: an OOXML workbook (.xlsx) read ------------------------ */

typedef struct Workbook {
    struct zip *za;
    Arena *a;            /* owns everything read */
    size_t max;          /* bytes a part may have */
    const char **shared; /* the shared strings */
    size_t nshared;
} Workbook;

/* Opens the workbook at path and reads its shared strings; false (libzip's
 * error in *err) when it is not a ZIP file. wb_close releases it. */
bool wb_open(Workbook *w, Arena *a, const char *path, size_t max, int *err);
void wb_close(Workbook *w);
/* The worksheet parts (xl/worksheets/NAME.xml) in ZIP order; *names in the arena. */
size_t wb_sheets(Workbook *w, const char ***names);
/* One part parsed (no network, no error output), or NULL; xmlFreeDoc it. */
xmlDoc *wb_part(Workbook *w, const char *name);
/* The text of a cell <c>: shared, inline or a plain value ("" if none). */
const char *wb_cell(Workbook *w, xmlNode *c);
/* The column of a cell from its reference (C5 is 3), 0 without one. */
int wb_column(xmlNode *c);
/* True when n is an element of that local name. */
bool wb_named(const xmlNode *n, const char *name);

#endif
