/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml2 for untrusted input: snapshots, domain XML from remote daemons,
 * policy files. No network, no entity substitution, no DTD (documents that
 * carry one are refused), default parser limits (no XML_PARSE_HUGE), and a
 * size cap.
 */
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdbool.h>

#include "util/cleanup.h"
#include "util/error.h"

#define MC_XML_MAX_BYTES (64u << 20)
/*
 * At most this many elements in any document (before the tree is built: a 64 MiB file of
 * empty elements would otherwise take seconds and gigabytes). A host snapshot has hundreds,
 * a pair or a cluster snapshot with many domains some tens of thousands. Readers of one kind
 * of document may cap lower after parsing (the domain XML: 50000).
 */
#define MC_XML_MAX_ELEMENTS 500000u

MC_DEFINE_CLEANUP(xmlDocPtr, xmlFreeDoc)
MC_DEFINE_CLEANUP(xmlXPathContextPtr, xmlXPathFreeContext)
MC_DEFINE_CLEANUP(xmlXPathObjectPtr, xmlXPathFreeObject)
static inline void xmlCharFreep(xmlChar **p)
{
    if (*p)
        xmlFree(*p);
}
#define _cleanup_xmlfree_ __attribute__((cleanup(xmlCharFreep)))

/* Call once at start-up, before threads (idempotent). */
void mc_xml_init(void);

/*
 * Parse untrusted XML. what names the document in messages ("snapshot
 * 'a.xml'", "domain XML of 'web1'"). Errors: -EFBIG (too large), -E2BIG (more than
 * MC_XML_MAX_ELEMENTS elements), -EBADMSG (not well-formed, with libxml2's message and line),
 * -EPERM (has a DTD).
 */
int mc_xml_parse(const char *buf, size_t len, const char *what, xmlDocPtr *ret,
                 struct mc_error *reterr);
int mc_xml_parse_file(const char *path, const char *what, xmlDocPtr *ret, struct mc_error *reterr);

/* Attribute value as a new C string (malloc), NULL when absent. */
char *mc_xml_prop(xmlNodePtr n, const char *name);
/* First element child with that name, or NULL. */
xmlNodePtr mc_xml_child(xmlNodePtr n, const char *name);
/* The <disk> of a domain document (a child of the root's <devices>) whose <target dev=> is
 * target, or NULL. */
xmlNodePtr mc_xml_domain_disk(xmlDocPtr doc, const char *target);
/* Text content of an element as a new C string (malloc), never NULL for an element. */
char *mc_xml_text(xmlNodePtr n);
bool mc_xml_is(xmlNodePtr n, const char *name);
/* Serialize a node (and its subtree) to a new string. */
char *mc_xml_node_to_string(xmlDocPtr doc, xmlNodePtr n);
/* Serialize a document; formatted output. */
int mc_xml_doc_to_string(xmlDocPtr doc, char **ret, size_t *ret_len);
/* Add an attribute, replacing characters XML cannot hold. */
void mc_xml_set_prop(xmlNodePtr n, const char *name, const char *value);
xmlNodePtr mc_xml_add_text_child(xmlNodePtr parent, const char *name, const char *text);
