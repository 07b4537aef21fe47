/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The snapshot: <migcheck-facts version="1"> ... </migcheck-facts>,
 * documented in migcheck-facts(5). Written and read through the descriptors
 * of facts-schema.c. Snapshot files are untrusted input.
 */
#pragma once

#include <libxml/tree.h>

#include "facts.h"
#include "util/error.h"

int mc_facts_to_xml(const struct mc_host_facts *h, char **ret, size_t *ret_len);
/* Append the facts as an element named elem under parent (for the policy's pair document). */
xmlNodePtr mc_facts_to_xml_node(const struct mc_host_facts *h, xmlNodePtr parent, const char *elem);
xmlNodePtr mc_vm_facts_to_xml_node(const struct mc_vm_facts *vm, xmlNodePtr parent,
                                   const char *elem);

/* what names the input in messages ("snapshot 'dst.xml'"). */
int mc_facts_from_xml(const char *buf, size_t len, const char *what, struct mc_host_facts **ret,
                      struct mc_error *reterr);
int mc_facts_load(const char *path, struct mc_host_facts **ret, struct mc_error *reterr);
/* Read facts from a parsed document (root must be <migcheck-facts>). */
int mc_facts_from_doc(xmlDocPtr doc, const char *what, struct mc_host_facts **ret,
                      struct mc_error *reterr);
