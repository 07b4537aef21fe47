/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "domxml-edit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <unistd.h>

#include "checker/xml-util.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt.h"

int mc_domxml_parse(const char *xml, const char *what, xmlDocPtr *ret, struct mc_error *reterr)
{
    if (!xml)
        return mc_error_set(reterr, -EINVAL, "%s is empty", what);
    xmlDocPtr doc = NULL;
    int r = mc_xml_parse(xml, strlen(xml), what, &doc, reterr);
    if (r < 0)
        return r;
    if (!mc_xml_is(xmlDocGetRootElement(doc), "domain")) {
        xmlFreeDoc(doc);
        return mc_error_set(reterr, -EBADMSG, "%s is not a domain XML", what);
    }
    *ret = doc;
    return 0;
}

char *mc_domxml_string(xmlDocPtr doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpMemory(doc, &mem, &len);
    /* Without the XML declaration: the form libvirt itself prints and takes. */
    const char *s = mem ? (const char *)mem : "";
    if (strncmp(s, "<?xml", 5) == 0) {
        const char *nl = strchr(s, '\n');
        s = nl ? nl + 1 : s;
    }
    char *out = mc_xstrdup(s);
    xmlFree(mem);
    return out;
}

/* All nodes matching expr (a libxml2 XPath); caller frees the object. */
static xmlXPathObjectPtr eval(xmlDocPtr doc, const char *expr)
{
    _cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx)
        return NULL;
    return xmlXPathEvalExpression(BAD_CAST expr, ctx);
}

static size_t count(xmlXPathObjectPtr o)
{
    return o && o->nodesetval ? (size_t)o->nodesetval->nodeNr : 0;
}

static xmlNodePtr node_at(xmlXPathObjectPtr o, size_t i)
{
    return o->nodesetval->nodeTab[i];
}

/* A value for an XPath string literal: refuse quotes rather than escape them. */
static bool literal_ok(const char *s)
{
    return s && !strchr(s, '\'') && !strchr(s, '"');
}

static xmlNodePtr find_disk(xmlDocPtr doc, const char *target)
{
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, "/domain/devices/disk[target]");
    for (size_t i = 0; i < count(o); i++) {
        xmlNodePtr d = node_at(o, i);
        _cleanup_free_ char *dev = mc_xml_prop(mc_xml_child(d, "target"), "dev");
        if (dev && strcmp(dev, target) == 0)
            return d;
    }
    return NULL;
}

static void set_attr(xmlNodePtr n, const char *name, const char *value, char **ret_old)
{
    if (ret_old)
        *ret_old = mc_xml_prop(n, name);
    xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

int mc_domxml_set_disk_source(xmlDocPtr doc, const char *target, const char *path, char **ret_old,
                              struct mc_error *reterr)
{
    xmlNodePtr d = find_disk(doc, target);
    if (!d)
        return mc_error_set(reterr, -ENOENT, "the domain has no disk '%s'", target);
    _cleanup_free_ char *type = mc_xml_prop(d, "type");
    const char *attr = !type || strcmp(type, "file") == 0 ? "file"
                       : strcmp(type, "block") == 0       ? "dev"
                       : strcmp(type, "dir") == 0         ? "dir"
                                                          : NULL;
    if (!attr)
        return mc_error_set(reterr, -EINVAL, "disk '%s' is a %s disk: it has no path to change",
                            target, type);
    xmlNodePtr src = mc_xml_child(d, "source");
    if (!src)
        return mc_error_set(reterr, -EINVAL, "disk '%s' has no source", target);
    set_attr(src, attr, path, ret_old);
    return 0;
}

int mc_domxml_drop_backing(xmlDocPtr doc, const char *target, struct mc_error *reterr)
{
    xmlNodePtr d = find_disk(doc, target);
    if (!d)
        return mc_error_set(reterr, -ENOENT, "the domain has no disk '%s'", target);
    xmlNodePtr b = mc_xml_child(d, "backingStore");
    if (b) {
        xmlUnlinkNode(b);
        xmlFreeNode(b);
    }
    return 0;
}

int mc_domxml_set_iface_source(xmlDocPtr doc, const char *mac, const char *type, const char *value,
                               char **ret_old, struct mc_error *reterr)
{
    if (!literal_ok(mac) || !literal_ok(type))
        return mc_error_set(reterr, -EINVAL, "bad interface selector");
    _cleanup_free_ char *expr =
        mc_xasprintf("/domain/devices/interface[@type='%s'][mac/@address='%s']/source", type, mac);
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, expr);
    if (count(o) != 1)
        return mc_error_set(reterr, -ENOENT, "the domain has no %s interface with MAC %s", type,
                            mac);
    set_attr(node_at(o, 0), type, value, ret_old);
    return 0;
}

int mc_domxml_set_graphics_listen(xmlDocPtr doc, const char *type, const char *address,
                                  char **ret_old, struct mc_error *reterr)
{
    if (!literal_ok(type))
        return mc_error_set(reterr, -EINVAL, "bad graphics type");
    _cleanup_free_ char *expr = mc_xasprintf("/domain/devices/graphics[@type='%s']", type);
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, expr);
    if (count(o) == 0)
        return mc_error_set(reterr, -ENOENT, "the domain has no %s graphics", type);
    xmlNodePtr g = node_at(o, 0);
    bool changed = false;
    if (xmlHasProp(g, BAD_CAST "listen")) {
        set_attr(g, "listen", address, ret_old);
        ret_old = NULL;
        changed = true;
    }
    for (xmlNodePtr l = g->children; l; l = l->next) {
        if (!mc_xml_is(l, "listen"))
            continue;
        _cleanup_free_ char *lt = mc_xml_prop(l, "type");
        if (!lt || strcmp(lt, "address") != 0)
            continue;
        set_attr(l, "address", address, ret_old);
        ret_old = NULL;
        changed = true;
    }
    if (!changed)
        return mc_error_set(reterr, -EINVAL, "the %s graphics listen on no address", type);
    return 0;
}

int mc_domxml_set_emulator(xmlDocPtr doc, const char *path, char **ret_old, struct mc_error *reterr)
{
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, "/domain/devices/emulator");
    if (count(o) != 1)
        return mc_error_set(reterr, -ENOENT, "the domain names no emulator");
    xmlNodePtr e = node_at(o, 0);
    /* An emulator is a path: text only. Replacing the content of one that holds elements
     * would drop them (found by fuzz-dest-xml: devices nested in <emulator> went with it). */
    for (xmlNodePtr c = e->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return mc_error_set(reterr, -EINVAL,
                                "the domain's <emulator> holds <%s>, not only a path: not "
                                "rewritten",
                                (const char *)c->name);
    if (ret_old)
        *ret_old = mc_xml_text(e);
    xmlNodeSetContent(e, NULL);
    xmlNodeAddContent(e, BAD_CAST path);
    return 0;
}

/* ---- guest ABI ---- */

static void signature(xmlNodePtr n, struct mc_buf *b)
{
    mc_buf_printf(b, "<%s", (const char *)n->name);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        _cleanup_xmlfree_ xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        mc_buf_printf(b, " %s='%s'", (const char *)a->name, v ? (const char *)v : "");
    }
    mc_buf_puts(b, ">");
}

static char **abi_list(xmlDocPtr doc)
{
    /* What a device's <source> or <backingStore> holds is the host's side (an NVMe disk's or a
     * hostdev's PCI address), and migrate replaces a disk's source and backing chain: only
     * what lies outside them is the guest's. (Found by fuzz-dest-xml: a <mac> in a backing
     * store's source went with drop_backing, and the lists no longer lined up.) */
#define GUEST_SIDE "[not(ancestor::source) and not(ancestor::backingStore)]"
    static const char *const expr =
        "//devices//address" GUEST_SIDE " | //devices//mac" GUEST_SIDE
        " | //devices//mtu" GUEST_SIDE " | /domain/devices/disk/target |"
        " //devices//model" GUEST_SIDE " | /domain/os/type | /domain/cpu | /domain/cpu//* |"
        " /domain/memory | /domain/vcpu | /domain/features//*";
#undef GUEST_SIDE
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, expr);
    char **v = NULL;
    for (size_t i = 0; i < count(o); i++) {
        xmlNodePtr n = node_at(o, i);
        _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
        signature(n, &b);
        if (n->children && n->children->type == XML_TEXT_NODE && !n->children->next) {
            _cleanup_free_ char *t = mc_xml_text(n);
            mc_buf_puts(&b, t);
        }
        mc_strv_push(&v, mc_buf_steal(&b));
    }
    return v;
}

int mc_domxml_abi_equal(xmlDocPtr a, xmlDocPtr b, struct mc_error *reterr)
{
    _cleanup_strv_free_ char **la = abi_list(a);
    _cleanup_strv_free_ char **lb = abi_list(b);
    size_t na = mc_strv_length(la), nb = mc_strv_length(lb);
    for (size_t i = 0; i < na || i < nb; i++) {
        const char *x = i < na ? la[i] : "(nothing)";
        const char *y = i < nb ? lb[i] : "(nothing)";
        if (strcmp(x, y) != 0)
            return mc_error_set(reterr, -EPERM, "the guest ABI would change: %s became %s", x, y);
    }
    return 0;
}

/* ---- domain capabilities ---- */

/* Is value among the values of the enum at expr (true when the enum is not there)? */
static bool enum_allows(xmlDocPtr caps, const char *expr, const char *value)
{
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(caps, expr);
    if (count(o) == 0)
        return true;
    xmlNodePtr en = node_at(o, 0);
    for (xmlNodePtr v = en->children; v; v = v->next) {
        if (!mc_xml_is(v, "value"))
            continue;
        _cleanup_free_ char *t = mc_xml_text(v);
        if (strcmp(t, value) == 0)
            return true;
    }
    return false;
}

static bool supported(xmlDocPtr caps, const char *element)
{
    _cleanup_free_ char *expr = mc_xasprintf("/domainCapabilities/devices/%s", element);
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(caps, expr);
    if (count(o) == 0)
        return true;
    _cleanup_free_ char *s = mc_xml_prop(node_at(o, 0), "supported");
    return !s || strcmp(s, "no") != 0;
}

struct check {
    const char *elements; /* in the domain XML */
    const char *attr;     /* its attribute (NULL: the element's presence) */
    const char *cap;      /* devices/<cap> element */
    const char *enum_name;
    const char *what;
};

int mc_domxml_validate_domcaps_xml(const char *domcaps, xmlDocPtr doc, const char *dst_name,
                                   struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr caps = NULL;
    _cleanup_free_ char *what = mc_xasprintf("domain capabilities of '%s'", dst_name);
    int r = mc_xml_parse(domcaps, strlen(domcaps), what, &caps, reterr);
    if (r < 0)
        return r;
    static const struct check checks[] = {
        { "/domain/devices/disk", "bus", "disk", "bus", "disk bus" },
        { "/domain/devices/disk", "device", "disk", "diskDevice", "disk device" },
        { "/domain/devices/graphics", "type", "graphics", "type", "graphics type" },
        { "/domain/devices/video/model", "type", "video", "modelType", "video model" },
        { "/domain/devices/hostdev", "mode", "hostdev", "mode", "hostdev mode" },
        { "/domain/devices/hostdev", "type", "hostdev", "subsysType", "hostdev type" },
        { "/domain/devices/rng", "model", "rng", "model", "rng model" },
        { "/domain/devices/tpm", "model", "tpm", "model", "TPM model" },
        { "/domain/os/loader", "type", NULL, NULL, "firmware loader type" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
        const struct check *c = &checks[i];
        /* Video model lives in video/model; attribute bus on a disk may be on <target>. */
        _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr o = eval(doc, c->elements);
        for (size_t k = 0; k < count(o); k++) {
            xmlNodePtr n = node_at(o, k);
            _cleanup_free_ char *v = mc_xml_prop(n, c->attr);
            if (!v && strcmp(c->attr, "bus") == 0)
                v = mc_xml_prop(mc_xml_child(n, "target"), "bus");
            if (!v)
                continue;
            const char *cap = c->cap ? c->cap : NULL;
            _cleanup_free_ char *expr =
                cap ? mc_xasprintf("/domainCapabilities/devices/%s/enum[@name='%s']", cap,
                                   c->enum_name)
                    : mc_xstrdup("/domainCapabilities/os/loader/enum[@name='type']");
            if (cap && !supported(caps, cap))
                return mc_error_set(reterr, -EINVAL, "'%s' does not support %s devices", dst_name,
                                    cap);
            if (!enum_allows(caps, expr, v))
                return mc_error_set(reterr, -EINVAL, "'%s' does not offer %s '%s'", dst_name,
                                    c->what, v);
        }
    }
    return 0;
}

int mc_domxml_validate_domcaps(virConnectPtr dst, xmlDocPtr doc, const char *dst_name,
                               struct mc_error *reterr)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    _cleanup_free_ char *virttype = mc_xml_prop(root, "type");
    _cleanup_free_ char *arch = NULL, *machine = NULL, *emulator = NULL;
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr ot = eval(doc, "/domain/os/type");
    if (count(ot)) {
        arch = mc_xml_prop(node_at(ot, 0), "arch");
        machine = mc_xml_prop(node_at(ot, 0), "machine");
    }
    _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr oe = eval(doc, "/domain/devices/emulator");
    if (count(oe))
        emulator = mc_xml_text(node_at(oe, 0));
    char *caps = virConnectGetDomainCapabilities(dst, emulator, arch, machine, virttype, 0);
    if (!caps)
        return mc_virt_error(reterr, -EINVAL,
                             "'%s' refuses the destination XML (emulator %s, machine %s, type %s)",
                             dst_name, emulator ? emulator : "default",
                             machine ? machine : "default", virttype ? virttype : "default");
    int r = mc_domxml_validate_domcaps_xml(caps, doc, dst_name, reterr);
    free(caps);
    return r;
}

/* ---- libvirt's domain schema ---- */

struct schema_err {
    char *first;
};

static void schema_error(void *ud, xmlErrorPtr e)
{
    struct schema_err *se = ud;
    if (se->first || !e || !e->message)
        return;
    size_t l = strlen(e->message);
    while (l > 0 && (e->message[l - 1] == '\n' || e->message[l - 1] == ' '))
        l--;
    se->first = e->line > 0 ? mc_xasprintf("line %d: %.*s", e->line, (int)l, e->message)
                            : mc_xstrndup(e->message, l);
}

static int validate(xmlRelaxNGPtr schema, xmlDocPtr doc, char **ret_first)
{
    struct schema_err se = { 0 };
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    int v = -1;
    if (vc) {
        xmlRelaxNGSetValidStructuredErrors(vc, schema_error, &se);
        v = xmlRelaxNGValidateDoc(vc, doc);
        xmlRelaxNGFreeValidCtxt(vc);
    }
    if (v == 0) {
        free(se.first);
        return 0;
    }
    *ret_first = se.first ? se.first : mc_xstrdup("invalid");
    return -1;
}

int mc_domxml_validate_schema(xmlDocPtr doc, xmlDocPtr orig, const char *rng,
                              struct mc_error *reterr)
{
    if (access(rng, R_OK) < 0)
        return mc_error_set(reterr, -errno, "cannot read libvirt's domain schema %s: %s", rng,
                            strerror(errno));
    struct schema_err se = { 0 };
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(rng);
    if (!pc)
        return mc_error_set(reterr, -ENOMEM, "cannot read libvirt's domain schema %s", rng);
    xmlRelaxNGSetParserStructuredErrors(pc, schema_error, &se);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) {
        int r = mc_error_set(reterr, -EBADMSG, "cannot read libvirt's domain schema %s: %s", rng,
                             se.first ? se.first : "not a RELAX NG schema");
        free(se.first);
        return r;
    }
    free(se.first);
    _cleanup_free_ char *first = NULL, *first_orig = NULL;
    int r = 0;
    if (validate(schema, doc, &first) < 0) {
        if (orig && validate(schema, orig, &first_orig) < 0) {
            mc_error_set(reterr, -EINVAL,
                         "%s does not know the source's own XML either (%s): a newer libvirt "
                         "wrote it, the local schema cannot judge it",
                         rng, first_orig);
            r = 1;
        } else
            r = mc_error_set(reterr, -EINVAL,
                             "the destination XML does not validate against %s: %s", rng, first);
    }
    xmlRelaxNGFree(schema);
    return r;
}
