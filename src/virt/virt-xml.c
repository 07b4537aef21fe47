/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "virt-xml.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"
#include "util/xalloc.h"
#include "virt.h"

xmlNodePtr mc_xml_first_elem(xmlNodePtr n)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

xmlNodePtr mc_xml_next_elem(xmlNodePtr n)
{
    for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

char *mc_xml_child_prop(xmlNodePtr n, const char *child, const char *name)
{
    xmlNodePtr c = mc_xml_child(n, child);
    return c ? mc_xml_prop(c, name) : NULL;
}

char *mc_xml_child_text(xmlNodePtr n, const char *child)
{
    xmlNodePtr c = mc_xml_child(n, child);
    return c ? mc_xml_text(c) : NULL;
}

bool mc_xml_prop_yes(xmlNodePtr n, const char *name)
{
    _cleanup_free_ char *v = mc_xml_prop(n, name);
    return v && (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0);
}

bool mc_parse_int64(const char *s, bool hex, int64_t *ret)
{
    if (!s)
        return false;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (!*s)
        return false;
    int base = 10;
    if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        if (!s[2])
            return false;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, base);
    if (errno != 0 || end == s)
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end)
        return false;
    *ret = v;
    return true;
}

/* The unit suffixes of libvirt's scaled integers, as virScaleInteger() reads them:
 * case-insensitive; b, byte, bytes; a single letter or "XiB" is a power of 1024, "XB" of 1000. */
static bool unit_factor(const char *unit, uint64_t *ret)
{
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0) {
        *ret = 1;
        return true;
    }
    uint64_t base;
    if (!unit[0])
        return false;
    if (!unit[1] || strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if ((unit[1] | 0x20) == 'b' && !unit[2])
        base = 1000;
    else
        return false;
    const char *prefixes = "kmgtpe";
    const char *p = strchr(prefixes, unit[0] | 0x20);
    if (!p)
        return false;
    uint64_t f = 1;
    for (const char *q = prefixes; q <= p; q++)
        f *= base;
    *ret = f;
    return true;
}

bool mc_scale_value(const char *value, const char *unit, const char *default_unit,
                    uint64_t out_unit, int64_t *ret)
{
    int64_t v;
    if (!mc_parse_int64(value, false, &v) || v < 0 || out_unit == 0)
        return false;
    const char *u = unit && *unit ? unit : default_unit;
    uint64_t factor = 1;
    if (u && !unit_factor(u, &factor))
        return false;
    /* bytes = v * factor, then round up to out_unit; without overflowing. */
    uint64_t uv = (uint64_t)v;
    if (factor % out_unit == 0) {
        uint64_t mul = factor / out_unit;
        if (mul && uv > (uint64_t)INT64_MAX / mul)
            return false;
        *ret = (int64_t)(uv * mul);
        return true;
    }
    if (factor && uv > UINT64_MAX / factor)
        return false;
    uint64_t bytes = uv * factor;
    uint64_t out = bytes / out_unit + (bytes % out_unit ? 1 : 0);
    if (out > (uint64_t)INT64_MAX)
        return false;
    *ret = (int64_t)out;
    return true;
}

int64_t mc_xml_scaled(xmlNodePtr n, const char *default_unit, uint64_t out_unit)
{
    if (!n)
        return 0;
    _cleanup_free_ char *text = mc_xml_text(n);
    _cleanup_free_ char *unit = mc_xml_prop(n, "unit");
    int64_t v = 0;
    if (!mc_scale_value(text, unit, default_unit, out_unit, &v))
        return 0;
    return v;
}

size_t mc_xml_count_elements(xmlNodePtr root, size_t limit)
{
    size_t n = 0;
    xmlNodePtr cur = root;
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && ++n > limit)
            return n;
        /* Pre-order walk without recursion: down, then right, then up and right. */
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != root && !cur->next)
            cur = cur->parent;
        if (!cur || cur == root)
            break;
        cur = cur->next;
    }
    return n;
}

int mc_virt_xml_open(const char *xml, size_t len, const char *what, const char *root_name,
                     size_t max_elements, xmlDocPtr *ret, struct mc_error *reterr)
{
    if (len > MC_VIRT_XML_MAX)
        return mc_error_set(reterr, -EFBIG, "%s is larger than %u MiB", what,
                            MC_VIRT_XML_MAX >> 20);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(xml, len, what, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!mc_xml_is(root, root_name)) {
        _cleanup_free_ char *name = mc_utf8_clean((const char *)root->name);
        return mc_error_set(reterr, -EBADMSG, "%s has root element <%s>, not <%s>", what, name,
                            root_name);
    }
    if (mc_xml_count_elements(root, max_elements) > max_elements)
        return mc_error_set(reterr, -E2BIG, "%s has more than %zu elements", what, max_elements);
    *ret = TAKE_PTR(doc);
    return 0;
}

static size_t strv_cap(size_t slots)
{
    size_t c = 4;
    while (c < slots)
        c *= 2;
    return c;
}

void mc_strv_append_n(char ***v, size_t *n, char *s)
{
    /* Only for vectors built by this function: capacities are powers of two. */
    size_t len = *n;
    if (!*v || strv_cap(len + 1) < len + 2)
        *v = mc_xreallocarray(*v, strv_cap(len + 2), sizeof(char *));
    (*v)[len] = s;
    (*v)[len + 1] = NULL;
    *n = len + 1;
}
