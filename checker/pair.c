/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pair.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "xml-util.h"
#include "util/xalloc.h"

#define MC_PAIR_VERSION 1

/* The names are the snapshot format (migcheck-facts(5)): never rename one. */
static const char *const probe_names[_MC_PROBE_MAX] = {
    [MC_PROBE_OK] = "ok",
    [MC_PROBE_FAILED] = "failed",
    [MC_PROBE_UNSUPPORTED] = "unsupported",
    [MC_PROBE_ERROR] = "error",
};
MC_ENUM_NAMES(mc_probe_names, "probe outcome", probe_names);

static const char *const evidence_names[_MC_EVIDENCE_MAX] = {
    [MC_EVIDENCE_NONE] = "none",     [MC_EVIDENCE_IDENTITY] = "identity",
    [MC_EVIDENCE_CANARY] = "canary", [MC_EVIDENCE_NETWORK] = "network",
    [MC_EVIDENCE_ABSENT] = "absent", [MC_EVIDENCE_REFUSED] = "refused",
};
MC_ENUM_NAMES(mc_evidence_names, "evidence kind", evidence_names);

static const char *const cpu_result_names[_MC_CPU_RESULT_MAX] = {
    [MC_CPU_RESULT_IDENTICAL] = "identical",
    [MC_CPU_RESULT_SUPERSET] = "superset",
    [MC_CPU_RESULT_INCOMPATIBLE] = "incompatible",
    [MC_CPU_RESULT_NO_MODEL] = "no-model",
};
MC_ENUM_NAMES(mc_cpu_result_names, "CPU comparison result", cpu_result_names);

static const char *const port_result_names[_MC_PORT_MAX] = {
    [MC_PORT_OPEN] = "open",       [MC_PORT_REFUSED] = "refused",
    [MC_PORT_TIMEOUT] = "timeout", [MC_PORT_UNREACHABLE] = "unreachable",
    [MC_PORT_ERROR] = "error",     [MC_PORT_UNRESOLVABLE] = "unresolvable",
};
MC_ENUM_NAMES(mc_port_result_names, "connection result", port_result_names);

static_assert(sizeof(enum mc_probe) == sizeof(int), "enum fields are read as int");
static_assert(sizeof(enum mc_evidence) == sizeof(int), "enum fields are read as int");
static_assert(sizeof(enum mc_cpu_result) == sizeof(int), "enum fields are read as int");
static_assert(sizeof(enum mc_port_result) == sizeof(int), "enum fields are read as int");

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
