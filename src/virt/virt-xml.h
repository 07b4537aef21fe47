/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the parsers of libvirt's XML documents (internal to src/virt). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "checker/xml-util.h"

/* Element children of n, in order:
 *   for (xmlNodePtr c = mc_xml_first_elem(n); c; c = mc_xml_next_elem(c)) */
xmlNodePtr mc_xml_first_elem(xmlNodePtr n);
xmlNodePtr mc_xml_next_elem(xmlNodePtr n);
/* Attribute name of the first child element called child, or NULL. */
char *mc_xml_child_prop(xmlNodePtr n, const char *child, const char *name);
/* Text of the first child element called child, or NULL when there is none. */
char *mc_xml_child_text(xmlNodePtr n, const char *child);
/* Is the attribute "yes" or "on"? */
bool mc_xml_prop_yes(xmlNodePtr n, const char *name);

/* Strict integer parsing (decimal; "0x" hexadecimal when hex is set); false on garbage or
 * overflow. */
bool mc_parse_int64(const char *s, bool hex, int64_t *ret);
/*
 * value in unit (libvirt's scaled integers: b, bytes, KB, K, KiB, MB, M, MiB, ... EiB;
 * NULL unit is default_unit) converted to multiples of out_unit bytes, rounded
 * up. false on garbage, an unknown unit or overflow.
 */
bool mc_scale_value(const char *value, const char *unit, const char *default_unit,
                    uint64_t out_unit, int64_t *ret);
/* The element's text scaled like mc_scale_value(); 0 when absent or malformed. */
int64_t mc_xml_scaled(xmlNodePtr n, const char *default_unit, uint64_t out_unit);

/*
 * Count the elements of a tree, stopping at limit + 1. Hostile documents are
 * refused by element count before any per-element work, so a parser never does
 * more than linear work over a bounded number of elements.
 */
size_t mc_xml_count_elements(xmlNodePtr root, size_t limit);

/*
 * Open one of libvirt's documents: refuse more than MC_VIRT_XML_MAX bytes (-EFBIG), parse it
 * (mc_xml_parse()), refuse a root element other than root_name (-EBADMSG) and more than
 * max_elements elements (-E2BIG). what names the document in messages.
 */
int mc_virt_xml_open(const char *xml, size_t len, const char *what, const char *root_name,
                     size_t max_elements, xmlDocPtr *ret, struct mc_error *reterr);

/* Append s (owned) to a NULL-terminated vector whose length the caller tracks; only for
 * vectors built by this function from NULL (amortised linear growth). */
void mc_strv_append_n(char ***v, size_t *n, char *s);
