/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "xml-util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fileio.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void do_init(void)
{
    xmlInitParser();
    /* No process-wide entity loader: it would also change libvirt's own parsing in this
     * process. Our contexts never load anything external (XML_PARSE_NONET, no
     * XML_PARSE_DTDLOAD or XML_PARSE_NOENT) and refuse documents that carry a DTD. */
    xmlSetGenericErrorFunc(NULL, quiet_generic);
}

void mc_xml_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, do_init);
}

/*
 * An upper bound of the elements in buf, stopping past limit: every start tag is a '<' followed
 * by a name's first character (a letter, '_', ':' or a non-ASCII byte); end tags, comments,
 * processing instructions and CDATA start otherwise. In well-formed XML a raw '<' appears
 * nowhere else but in comments and CDATA, which can only make the bound larger.
 */
static size_t count_start_tags(const char *buf, size_t len, size_t limit)
{
    size_t n = 0;
    const char *p = buf, *end = buf + len;
    while (n <= limit && (p = memchr(p, '<', (size_t)(end - p))) && ++p < end) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80)
            n++;
    }
    return n;
}

int mc_xml_parse(const char *buf, size_t len, const char *what, xmlDocPtr *ret,
                 struct mc_error *reterr)
{
    mc_xml_init();
    if (len > MC_XML_MAX_BYTES)
        return mc_error_set(reterr, -EFBIG, "%s is larger than %u MiB", what,
                            MC_XML_MAX_BYTES >> 20);
    if (count_start_tags(buf, len, MC_XML_MAX_ELEMENTS) > MC_XML_MAX_ELEMENTS)
        return mc_error_set(reterr, -E2BIG, "%s has more than %u elements", what,
                            MC_XML_MAX_ELEMENTS);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return mc_error_set(reterr, -ENOMEM, "cannot create an XML parser");
    /* Errors are collected from the context, never printed by libxml2. */
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        _cleanup_free_ char *msg =
            e && e->message ? mc_utf8_clean(e->message) : mc_xstrdup("not well-formed");
        mc_strip_trailing(msg);
        int line = e ? e->line : 0;
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return mc_error_set(reterr, -EBADMSG, "%s is not well-formed XML (line %d): %s", what, line,
                            msg);
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        return mc_error_set(reterr, -EPERM,
                            "%s has a document type declaration, which is not "
                            "accepted (no DTDs or entities)",
                            what);
    }
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return mc_error_set(reterr, -EBADMSG, "%s has no root element", what);
    }
    *ret = doc;
    return 0;
}

int mc_xml_parse_file(const char *path, const char *what, xmlDocPtr *ret, struct mc_error *reterr)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(path, MC_XML_MAX_BYTES, &buf, &len);
    if (r == -EFBIG)
        return mc_error_set(reterr, r, "%s is larger than %u MiB", what, MC_XML_MAX_BYTES >> 20);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot read %s: %s", what, strerror(-r));
    return mc_xml_parse(buf, len, what, ret, reterr);
}

char *mc_xml_prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    if (!v)
        return NULL;
    char *s = mc_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

xmlNodePtr mc_xml_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
            return c;
    return NULL;
}

xmlNodePtr mc_xml_domain_disk(xmlDocPtr doc, const char *target)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr devs = root ? mc_xml_child(root, "devices") : NULL;
    for (xmlNodePtr d = devs ? devs->children : NULL; d; d = d->next) {
        if (!mc_xml_is(d, "disk"))
            continue;
        xmlNodePtr t = mc_xml_child(d, "target");
        _cleanup_free_ char *dev = t ? mc_xml_prop(t, "dev") : NULL;
        if (dev && strcmp(dev, target) == 0)
            return d;
    }
    return NULL;
}

char *mc_xml_text(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = mc_xstrdup(v ? (const char *)v : "");
    if (v)
        xmlFree(v);
    return s;
}

bool mc_xml_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

char *mc_xml_node_to_string(xmlDocPtr doc, xmlNodePtr n)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return mc_xstrdup("");
    xmlNodeDump(b, doc, n, 0, 0);
    char *s = mc_xstrdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return s;
}

int mc_xml_doc_to_string(xmlDocPtr doc, char **ret, size_t *ret_len)
{
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem)
        return -ENOMEM;
    *ret = mc_xstrndup((const char *)mem, (size_t)size);
    if (ret_len)
        *ret_len = (size_t)size;
    xmlFree(mem);
    return 0;
}

void mc_xml_set_prop(xmlNodePtr n, const char *name, const char *value)
{
    if (mc_utf8_is_clean(value)) {
        xmlNewProp(n, BAD_CAST name, BAD_CAST value);
        return;
    }
    _cleanup_free_ char *clean = mc_utf8_clean(value);
    xmlNewProp(n, BAD_CAST name, BAD_CAST clean);
}

xmlNodePtr mc_xml_add_text_child(xmlNodePtr parent, const char *name, const char *text)
{
    if (mc_utf8_is_clean(text))
        return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
    _cleanup_free_ char *clean = mc_utf8_clean(text);
    return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST clean);
}
