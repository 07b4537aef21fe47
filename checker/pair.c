/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pair.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "xml-util.h"
#include "util/xalloc.h"

#define MC_PAIR_VERSION 1

struct mc_pair_facts *mc_pair_facts_new(void)
{
    return mc_new0(struct mc_pair_facts, 1);
}

void mc_pair_facts_free(struct mc_pair_facts *p)
{
    if (!p)
        return;
    mc_struct_clear(&mc_desc_pair_facts, p);
    free(p);
}

void mc_pair_add_error(struct mc_pair_facts *p, const char *area, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mc_fact_errors_addv(&p->errors, &p->n_errors, area, err, fmt, ap);
    va_end(ap);
}

int mc_pair_to_xml(const struct mc_pair_facts *p, char **ret, size_t *ret_len)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST mc_desc_pair_facts.name, NULL);
    xmlDocSetRootElement(doc, root);
    char num[16];
    snprintf(num, sizeof(num), "%d", MC_PAIR_VERSION);
    mc_xml_set_prop(root, "version", num);
    mc_xml_write_struct(&mc_desc_pair_facts, p, root);
    return mc_xml_doc_to_string(doc, ret, ret_len);
}

static int from_doc(xmlDocPtr doc, const char *what, struct mc_pair_facts **ret,
                    struct mc_error *reterr)
{
    _cleanup_(mc_pair_facts_freep) struct mc_pair_facts *p = mc_pair_facts_new();
    int r = mc_xml_read_root(&mc_desc_pair_facts, doc, "pair snapshot", MC_PAIR_VERSION, what, p,
                             NULL, reterr);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(p);
    return 0;
}

int mc_pair_from_xml(const char *buf, size_t len, const char *what, struct mc_pair_facts **ret,
                     struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(buf, len, what, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, what, ret, reterr);
}

int mc_pair_load(const char *path, struct mc_pair_facts **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *what = mc_xasprintf("pair snapshot '%s'", path);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse_file(path, what, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, what, ret, reterr);
}
