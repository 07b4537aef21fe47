/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "facts-xml.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "xml-util.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define AT(p, off) ((char *)(p) + (off))

/* ---- writing ---- */

static void areas_string(unsigned areas, struct mc_buf *b)
{
    for (unsigned bit = 1; bit && bit <= areas; bit <<= 1) {
        if (!(areas & bit))
            continue;
        const char *n = mc_area_name(bit);
        if (!n)
            continue;
        if (b->len)
            mc_buf_putc(b, ' ');
        mc_buf_puts(b, n);
    }
}

void mc_xml_write_struct(const struct mc_struct_desc *d, const void *p, xmlNodePtr node)
{
    /* Attributes first, in table order. */
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        char num[32];
        switch (f->type) {
        case MC_FT_STR: {
            const char *s = *(char *const *)AT(p, f->offset);
            if (s)
                mc_xml_set_prop(node, f->name, s);
            break;
        }
        case MC_FT_INT: {
            int64_t v = *(const int64_t *)AT(p, f->offset);
            if (v) {
                snprintf(num, sizeof(num), "%" PRId64, v);
                mc_xml_set_prop(node, f->name, num);
            }
            break;
        }
        case MC_FT_BOOL:
            if (*(const bool *)AT(p, f->offset))
                mc_xml_set_prop(node, f->name, "yes");
            break;
        case MC_FT_ERRNO: {
            int64_t v = *(const int64_t *)AT(p, f->offset);
            char buf[16];
            if (v)
                mc_xml_set_prop(node, f->name, mc_errno_name((int)v, buf));
            break;
        }
        case MC_FT_ENUM: {
            const char *n = mc_enum_name(f->names, *(const int *)AT(p, f->offset));
            if (n)
                mc_xml_set_prop(node, f->name, n);
            break;
        }
        case MC_FT_AREAS: {
            unsigned v = *(const unsigned *)AT(p, f->offset);
            _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
            areas_string(v, &b);
            if (b.len)
                mc_xml_set_prop(node, f->name, b.data);
            break;
        }
        default:
            break;
        }
    }
    /* Then child elements, in table order. */
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        switch (f->type) {
        case MC_FT_TEXT: {
            const char *s = *(char *const *)AT(p, f->offset);
            if (s)
                mc_xml_add_text_child(node, f->name, s);
            break;
        }
        case MC_FT_STRV: {
            char *const *v = *(char **const *)AT(p, f->offset);
            STRV_FOREACH (s, v)
                mc_xml_add_text_child(node, f->name, *s);
            break;
        }
        case MC_FT_STRUCT: {
            xmlNodePtr c = xmlNewChild(node, NULL, BAD_CAST f->name, NULL);
            mc_xml_write_struct(f->sub, AT(p, f->offset), c);
            if (!c->properties && !c->children) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
            break;
        }
        case MC_FT_PTR: {
            const void *q = *(void *const *)AT(p, f->offset);
            if (q)
                mc_xml_write_struct(f->sub, q, xmlNewChild(node, NULL, BAD_CAST f->name, NULL));
            break;
        }
        case MC_FT_ARRAY: {
            const char *arr = *(char *const *)AT(p, f->offset);
            size_t n = *(const size_t *)AT(p, f->count_offset);
            for (size_t k = 0; k < n; k++)
                mc_xml_write_struct(f->sub, arr + k * f->sub->size,
                                    xmlNewChild(node, NULL, BAD_CAST f->name, NULL));
            break;
        }
        default:
            break;
        }
    }
}

xmlNodePtr mc_facts_to_xml_node(const struct mc_host_facts *h, xmlNodePtr parent, const char *elem)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST elem, NULL);
    mc_xml_set_prop(n, "version", "1");
    mc_xml_write_struct(&mc_desc_host_facts, h, n);
    return n;
}

xmlNodePtr mc_vm_facts_to_xml_node(const struct mc_vm_facts *vm, xmlNodePtr parent,
                                   const char *elem)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST elem, NULL);
    mc_xml_write_struct(&mc_desc_vm_facts, vm, n);
    return n;
}

int mc_facts_to_xml(const struct mc_host_facts *h, char **ret, size_t *ret_len)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST mc_desc_host_facts.name, NULL);
    xmlDocSetRootElement(doc, root);
    char num[16];
    /* The lowest version that can hold these facts (see MC_FACTS_VERSION). */
    snprintf(num, sizeof(num), "%d", h->n_other_vms ? MC_FACTS_VERSION : 1);
    mc_xml_set_prop(root, "version", num);
    mc_xml_write_struct(&mc_desc_host_facts, h, root);
    return mc_xml_doc_to_string(doc, ret, ret_len);
}

/* ---- reading ---- */

struct rctx {
    const char *what;
    struct mc_error *err;
};

_printf_(3, 4) static int bad(struct rctx *c, xmlNodePtr n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *detail = mc_xvasprintf(fmt, ap);
    va_end(ap);
    return mc_error_set(c->err, -EBADMSG, "%s line %ld: <%s>: %s", c->what, xmlGetLineNo(n),
                        (const char *)n->name, detail);
}

static const struct mc_field *find_field(const struct mc_struct_desc *d, const char *name,
                                         bool attribute)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        if (mc_field_is_attr(f) == attribute && strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

static int parse_int(const char *s, int64_t *ret)
{
    if (!*s)
        return -EINVAL;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int read_struct(const struct mc_struct_desc *d, xmlNodePtr node, void *p, struct rctx *c);

static int read_attr(const struct mc_field *f, xmlNodePtr node, const char *val, void *p,
                     struct rctx *c)
{
    switch (f->type) {
    case MC_FT_STR: {
        char **s = (char **)AT(p, f->offset);
        free(*s);
        *s = mc_xstrdup(val);
        return 0;
    }
    case MC_FT_INT:
        if (parse_int(val, (int64_t *)AT(p, f->offset)) < 0)
            return bad(c, node, "attribute '%s' is not a number: '%s'", f->name, val);
        return 0;
    case MC_FT_BOOL:
        if (strcmp(val, "yes") == 0)
            *(bool *)AT(p, f->offset) = true;
        else if (strcmp(val, "no") == 0)
            *(bool *)AT(p, f->offset) = false;
        else
            return bad(c, node, "attribute '%s' is not 'yes' or 'no': '%s'", f->name, val);
        return 0;
    case MC_FT_ERRNO: {
        int e = mc_errno_from_name(val);
        if (!e)
            return bad(c, node, "attribute '%s' is not an errno name: '%s'", f->name, val);
        *(int64_t *)AT(p, f->offset) = e;
        return 0;
    }
    case MC_FT_ENUM: {
        int v = mc_enum_from_name(f->names, val);
        if (v < 0) {
            _cleanup_free_ char *list = mc_enum_list(f->names);
            return bad(c, node, "attribute '%s' is not a known %s: '%s' (expected %s)", f->name,
                       f->names->what, val, list);
        }
        *(int *)AT(p, f->offset) = v;
        return 0;
    }
    case MC_FT_AREAS: {
        _cleanup_strv_free_ char **names = mc_strv_split(val, " \t\n");
        unsigned mask = 0;
        STRV_FOREACH (n, names) {
            unsigned a = mc_area_from_name(*n);
            if (!a)
                return bad(c, node, "attribute '%s' names an unknown area: '%s'", f->name, *n);
            mask |= a;
        }
        *(unsigned *)AT(p, f->offset) = mask;
        return 0;
    }
    default:
        return 0;
    }
}

static int read_child(const struct mc_field *f, xmlNodePtr child, void *p, struct rctx *c)
{
    switch (f->type) {
    case MC_FT_TEXT: {
        char **s = (char **)AT(p, f->offset);
        free(*s);
        *s = mc_xml_text(child);
        return 0;
    }
    case MC_FT_STRV:
        mc_strv_push((char ***)AT(p, f->offset), mc_xml_text(child));
        return 0;
    case MC_FT_STRUCT:
        return read_struct(f->sub, child, AT(p, f->offset), c);
    case MC_FT_PTR: {
        void **q = (void **)AT(p, f->offset);
        if (*q)
            return bad(c, child, "appears more than once");
        *q = mc_xcalloc(1, f->sub->size);
        return read_struct(f->sub, child, *q, c);
    }
    case MC_FT_ARRAY: {
        char **arr = (char **)AT(p, f->offset);
        size_t *n = (size_t *)AT(p, f->count_offset);
        *arr = mc_array_grow(*arr, n, f->sub->size);
        return read_struct(f->sub, child, *arr + (*n - 1) * f->sub->size, c);
    }
    default:
        return 0;
    }
}

static int read_struct(const struct mc_struct_desc *d, xmlNodePtr node, void *p, struct rctx *c)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const struct mc_field *f = find_field(d, (const char *)a->name, true);
        if (!f)
            continue; /* unknown attributes: newer minor additions, ignored */
        _cleanup_xmlfree_ xmlChar *val = xmlNodeListGetString(node->doc, a->children, 1);
        int r = read_attr(f, node, val ? (const char *)val : "", p, c);
        if (r < 0)
            return r;
    }
    for (xmlNodePtr ch = node->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        const struct mc_field *f = find_field(d, (const char *)ch->name, false);
        if (!f)
            continue;
        /* A pointer followed by an array of the same element: the first element fills the
         * pointer, the others the array (the host's <domain>s). */
        if (f->type == MC_FT_PTR && *(void **)AT(p, f->offset) && f + 1 < d->fields + d->n_fields &&
            f[1].type == MC_FT_ARRAY && f[1].sub == f->sub && strcmp(f[1].name, f->name) == 0)
            f++;
        int r = read_child(f, ch, p, c);
        if (r < 0)
            return r;
    }
    return 0;
}

int mc_xml_read_root(const struct mc_struct_desc *d, xmlDocPtr doc, const char *kind,
                     int64_t max_version, const char *what, void *p, int64_t *ret_version,
                     struct mc_error *reterr)
{
    struct rctx c = { .what = what, .err = reterr };
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!mc_xml_is(root, d->name))
        return mc_error_set(reterr, -EBADMSG, "%s is not a migcheck %s: root element is <%s>", what,
                            kind, root ? (const char *)root->name : "");
    _cleanup_free_ char *version = mc_xml_prop(root, "version");
    int64_t v = 0;
    if (!version || parse_int(version, &v) < 0)
        return mc_error_set(reterr, -EBADMSG, "%s has no valid version attribute", what);
    if (v < 1 || v > max_version)
        return mc_error_set(reterr, -EPROTONOSUPPORT,
                            "%s has %s version %s; this migcheck reads version %lld", what, kind,
                            version, (long long)max_version);
    int r = read_struct(d, root, p, &c);
    if (r < 0)
        return r;
    if (ret_version)
        *ret_version = v;
    return 0;
}

int mc_facts_from_doc(xmlDocPtr doc, const char *what, struct mc_host_facts **ret,
                      struct mc_error *reterr)
{
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
    int r = mc_xml_read_root(&mc_desc_host_facts, doc, "snapshot", MC_FACTS_VERSION, what, h,
                             &h->version, reterr);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(h);
    return 0;
}

int mc_facts_from_xml(const char *buf, size_t len, const char *what, struct mc_host_facts **ret,
                      struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(buf, len, what, &doc, reterr);
    if (r < 0)
        return r;
    return mc_facts_from_doc(doc, what, ret, reterr);
}

int mc_facts_load(const char *path, struct mc_host_facts **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *what = mc_xasprintf("snapshot '%s'", path);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse_file(path, what, &doc, reterr);
    if (r < 0)
        return r;
    return mc_facts_from_doc(doc, what, ret, reterr);
}

int mc_xml_read_struct(const struct mc_struct_desc *d, xmlNodePtr node, void *p, const char *what,
                       struct mc_error *reterr)
{
    struct rctx c = { .what = what, .err = reterr };
    return read_struct(d, node, p, &c);
}
