/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Site policy, migcheck-policy(5):
 *
 *   <migcheck-policy version="1">
 *     <rule id="os.release" severity="fail"/>
 *     <rule id="net.config-identical" enabled="no"/>
 *     <require id="site.jumbo-frames" severity="fail" title="..." test="XPATH"
 *              message="..." hint="..."/>
 *   </migcheck-policy>
 *
 * The file is parsed like every other untrusted document (mc_xml_parse: no
 * DTD, no entities, size cap). Anything the format does not know is an
 * error naming its line: a typo in a policy must not silently do nothing.
 * Requirements are XPath 1.0 expressions evaluated by libxml2 over the pair
 * document; no home-made expression language.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "facts-schema.h"
#include "facts-xml.h"
#include "policy.h"
#include "util/fileio.h"
#include "util/xalloc.h"
#include "xml-util.h"

#define POLICY_VERSION "1"
/* XPath operations per requirement: generous for real policies, bounded for hostile ones. */
#define XPATH_OP_LIMIT 20000000UL

static const char *const rule_attrs[] = { "id", "severity", "enabled", NULL };
static const char *const require_attrs[] = { "id",      "severity", "title", "test",
                                             "message", "hint",     NULL };

void mc_policy_free(struct mc_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_rules; i++)
        free(p->rules[i].id);
    free(p->rules);
    for (size_t i = 0; i < p->n_requires; i++) {
        struct mc_policy_require *q = &p->requires[i];
        free(q->id);
        free(q->title);
        free(q->test);
        free(q->message);
        free(q->hint);
    }
    free(p->requires);
    free(p->path);
    free(p);
}

_printf_(4, 5) static int bad(struct mc_error *e, const char *what, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *detail = mc_xvasprintf(fmt, ap);
    va_end(ap);
    if (line > 0)
        return mc_error_set(e, -EINVAL, "policy '%s' line %ld: %s", what, line, detail);
    return mc_error_set(e, -EINVAL, "policy '%s': %s", what, detail);
}

static bool allowed(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (strcmp(*names, name) == 0)
            return true;
    return false;
}

/* Every attribute of n must be one the element knows. */
static int check_attrs(xmlNodePtr n, const char *const *names, const char *what,
                       struct mc_error *reterr)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->ns || !allowed(names, (const char *)a->name))
            return bad(reterr, what, xmlGetLineNo(n), "<%s> has an unknown attribute '%s'",
                       (const char *)n->name, (const char *)a->name);
    return 0;
}

static int parse_severity(xmlNodePtr n, const char *what, int dflt, int *ret,
                          struct mc_error *reterr)
{
    _cleanup_free_ char *s = mc_xml_prop(n, "severity");
    if (!s) {
        *ret = dflt;
        return 0;
    }
    int sev = mc_severity_from_name(s);
    if (sev < 0)
        return bad(reterr, what, xmlGetLineNo(n),
                   "<%s> has severity '%s': expected 'warn' or 'fail'", (const char *)n->name, s);
    *ret = sev;
    return 0;
}

static int parse_rule(xmlNodePtr n, const char *what, struct mc_policy *p, struct mc_error *reterr)
{
    int r = check_attrs(n, rule_attrs, what, reterr);
    if (r < 0)
        return r;
    long line = xmlGetLineNo(n);
    _cleanup_free_ char *id = mc_xml_prop(n, "id");
    _cleanup_free_ char *enabled = mc_xml_prop(n, "enabled");
    _cleanup_free_ char *severity = mc_xml_prop(n, "severity");
    if (!id || !*id)
        return bad(reterr, what, line, "<rule> needs an 'id' attribute");
    if (!enabled && !severity)
        return bad(reterr, what, line, "<rule id='%s'> sets neither 'severity' nor 'enabled'", id);
    bool disabled = false;
    if (enabled) {
        if (strcmp(enabled, "no") == 0)
            disabled = true;
        else if (strcmp(enabled, "yes") != 0)
            return bad(reterr, what, line,
                       "<rule id='%s'> has enabled='%s': expected 'yes' or 'no'", id, enabled);
    }
    int sev = -1;
    r = parse_severity(n, what, -1, &sev, reterr);
    if (r < 0)
        return r;
    struct mc_policy_rule *pr = MC_APPEND(p->rules, p->n_rules);
    pr->id = TAKE_PTR(id);
    pr->disabled = disabled;
    pr->severity = sev;
    pr->line = line;
    return 0;
}

static int parse_require(xmlNodePtr n, const char *what, struct mc_policy *p,
                         struct mc_error *reterr)
{
    int r = check_attrs(n, require_attrs, what, reterr);
    if (r < 0)
        return r;
    long line = xmlGetLineNo(n);
    _cleanup_free_ char *id = mc_xml_prop(n, "id");
    _cleanup_free_ char *test = mc_xml_prop(n, "test");
    if (!id || !*id)
        return bad(reterr, what, line, "<require> needs an 'id' attribute");
    if (!test || !*test)
        return bad(reterr, what, line, "<require id='%s'> needs a 'test' attribute", id);
    int sev = MC_SEV_FAIL;
    r = parse_severity(n, what, MC_SEV_FAIL, &sev, reterr);
    if (r < 0)
        return r;
    struct mc_policy_require *q = MC_APPEND(p->requires, p->n_requires);
    q->id = TAKE_PTR(id);
    q->test = TAKE_PTR(test);
    q->severity = (enum mc_severity)sev;
    q->title = mc_xml_prop(n, "title");
    q->message = mc_xml_prop(n, "message");
    q->hint = mc_xml_prop(n, "hint");
    q->line = line;
    return 0;
}

static int from_doc(xmlDocPtr doc, const char *what, struct mc_policy **ret,
                    struct mc_error *reterr)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!mc_xml_is(root, "migcheck-policy") || root->ns)
        return bad(reterr, what, root ? xmlGetLineNo(root) : 0,
                   "not a migcheck policy: the root element is <%s>, not <migcheck-policy>",
                   root ? (const char *)root->name : "");
    static const char *const root_attrs[] = { "version", NULL };
    int r = check_attrs(root, root_attrs, what, reterr);
    if (r < 0)
        return r;
    _cleanup_free_ char *version = mc_xml_prop(root, "version");
    if (!version)
        return bad(reterr, what, xmlGetLineNo(root), "<migcheck-policy> needs version=\"1\"");
    if (strcmp(version, POLICY_VERSION) != 0) {
        mc_error_set(reterr, -EPROTONOSUPPORT,
                     "policy '%s' has version '%s'; this migcheck reads version " POLICY_VERSION,
                     what, version);
        return -EPROTONOSUPPORT;
    }

    _cleanup_(mc_policy_freep) struct mc_policy *p = mc_new0(struct mc_policy, 1);
    p->path = mc_xstrdup(what);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
            continue;
        if (n->type == XML_TEXT_NODE) {
            if (!xmlIsBlankNode(n))
                return bad(reterr, what, xmlGetLineNo(n), "text outside an element");
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            return bad(reterr, what, xmlGetLineNo(n), "unexpected content");
        if (n->ns)
            return bad(reterr, what, xmlGetLineNo(n), "unknown element <%s:%s>",
                       (const char *)n->ns->prefix, (const char *)n->name);
        if (n->children)
            for (xmlNodePtr c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE || (c->type == XML_TEXT_NODE && !xmlIsBlankNode(c)))
                    return bad(reterr, what, xmlGetLineNo(c), "<%s> takes no content",
                               (const char *)n->name);
        if (mc_xml_is(n, "rule"))
            r = parse_rule(n, what, p, reterr);
        else if (mc_xml_is(n, "require"))
            r = parse_require(n, what, p, reterr);
        else
            r = bad(reterr, what, xmlGetLineNo(n),
                    "unknown element <%s>: expected <rule> or <require>", (const char *)n->name);
        if (r < 0)
            return r;
    }
    *ret = TAKE_PTR(p);
    return 0;
}

int mc_policy_parse(const char *buf, size_t len, const char *what, struct mc_policy **ret,
                    struct mc_error *reterr)
{
    _cleanup_free_ char *desc = mc_xasprintf("policy '%s'", what);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(buf, len, desc, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, what, ret, reterr);
}

int mc_policy_load(const char *path, struct mc_policy **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *desc = mc_xasprintf("policy '%s'", path);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse_file(path, desc, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, path, ret, reterr);
}

const struct mc_policy_rule *mc_policy_find_rule(const struct mc_policy *p, const char *id)
{
    for (size_t i = 0; p && id && i < p->n_rules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return &p->rules[i];
    return NULL;
}

static void quiet_xpath_error(void *userdata, xmlErrorPtr e)
{
    (void)userdata;
    (void)e;
}

/* A context whose errors land in ctx->lastError instead of stderr. */
static xmlXPathContextPtr new_context(xmlDocPtr doc)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx)
        return NULL;
    ctx->error = quiet_xpath_error;
    ctx->opLimit = XPATH_OP_LIMIT;
    return ctx;
}

/*
 * libxml2 fills ctx->lastError but leaves its message empty when the context
 * has an error handler (which keeps it off stderr): the texts below are
 * libxml2's own (xpath.c xmlXPathErrorMessages), by code - XML_XPATH_EXPRESSION_OK.
 */
static const char *const xpath_messages[] = {
    "ok",
    "number encoding",
    "unfinished literal",
    "start of literal",
    "expected $ for variable reference",
    "undefined variable",
    "invalid predicate",
    "invalid expression",
    "missing closing curly brace",
    "unregistered function",
    "invalid operand",
    "invalid type",
    "invalid number of arguments",
    "invalid context size",
    "invalid context position",
    "memory allocation error",
    "syntax error",
    "resource error",
    "sub resource error",
    "undefined namespace prefix",
    "encoding error",
    "character out of XML range",
    "invalid or incomplete context",
    "stack usage error",
    "forbidden variable",
    "operation limit exceeded",
    "recursion limit exceeded",
};

static char *xpath_error(xmlXPathContextPtr ctx)
{
    const xmlError *e = &ctx->lastError;
    int idx = e->code - XML_XPATH_EXPRESSION_OK;
    const char *what = e->message                                            ? e->message
                       : idx > 0 && (size_t)idx < ARRAY_SIZE(xpath_messages) ? xpath_messages[idx]
                                                                             : "XPath error";
    _cleanup_free_ char *m = mc_xstrdup(what);
    mc_strip_trailing(m);
    if (e->str1 && e->int1 >= 0)
        return mc_xasprintf("%s at character %d", m, e->int1 + 1);
    return TAKE_PTR(m);
}

static bool site_id_ok(const char *id)
{
    if (strncmp(id, "site.", 5) != 0 || !id[5])
        return false;
    for (const char *c = id + 5; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' ||
              *c == '_'))
            return false;
    return true;
}

int mc_policy_validate(const struct mc_policy *p, const struct mc_rule *rules, size_t n,
                       struct mc_error *reterr)
{
    if (!p)
        return 0;
    const char *what = p->path ? p->path : "policy";
    for (size_t i = 0; i < p->n_rules; i++) {
        const struct mc_policy_rule *pr = &p->rules[i];
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = strcmp(rules[k].id, pr->id) == 0;
        if (!known)
            return bad(reterr, what, pr->line, "unknown rule '%s' (see 'migcheck rules')", pr->id);
        if (pr->severity != -1 && (pr->severity < 0 || pr->severity >= _MC_SEV_MAX))
            return bad(reterr, what, pr->line, "rule '%s' has an invalid severity %d", pr->id,
                       pr->severity);
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->rules[k].id, pr->id) == 0)
                return bad(reterr, what, pr->line, "rule '%s' appears twice (first on line %ld)",
                           pr->id, p->rules[k].line);
    }

    _cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = new_context(NULL);
    if (!ctx)
        return mc_error_set(reterr, -ENOMEM, "cannot create an XPath context");
    for (size_t i = 0; i < p->n_requires; i++) {
        const struct mc_policy_require *q = &p->requires[i];
        if (!q->id || !site_id_ok(q->id))
            return bad(reterr, what, q->line,
                       "requirement id '%s' is not in the site namespace: expected "
                       "'site.NAME' (lowercase letters, digits, '-', '.', '_')",
                       q->id ? q->id : "");
        if ((int)q->severity < 0 || q->severity >= _MC_SEV_MAX)
            return bad(reterr, what, q->line, "requirement '%s' has an invalid severity %d", q->id,
                       (int)q->severity);
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->requires[k].id, q->id) == 0)
                return bad(reterr, what, q->line,
                           "requirement '%s' appears twice (first on line %ld)", q->id,
                           p->requires[k].line);
        if (!q->test || !*q->test)
            return bad(reterr, what, q->line, "requirement '%s' has no test", q->id);
        memset(&ctx->lastError, 0, sizeof(ctx->lastError));
        xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(ctx, BAD_CAST q->test);
        if (!comp) {
            _cleanup_free_ char *msg = xpath_error(ctx);
            xmlResetError(&ctx->lastError);
            return bad(reterr, what, q->line, "requirement '%s': the test is not XPath 1.0: %s",
                       q->id, msg);
        }
        xmlXPathFreeCompExpr(comp);
        xmlResetError(&ctx->lastError);
    }
    return 0;
}

xmlDocPtr mc_pair_document(const struct mc_pair *pair)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "pair", NULL);
    xmlDocSetRootElement(doc, root);
    if (pair->src_name)
        mc_xml_set_prop(root, "source", pair->src_name);
    if (pair->dst_name)
        mc_xml_set_prop(root, "destination", pair->dst_name);

    if (pair->opts) {
        xmlNodePtr c = xmlNewChild(root, NULL, BAD_CAST "check", NULL);
        mc_xml_set_prop(c, "transport", pair->opts->transport ? pair->opts->transport : "ssh");
        mc_xml_set_prop(c, "offline", pair->opts->offline ? "yes" : "no");
        mc_xml_set_prop(c, "copy-storage", pair->opts->copy_storage ? "yes" : "no");
        mc_xml_set_prop(c, "p2p", pair->opts->p2p ? "yes" : "no");
        mc_xml_set_prop(c, "copy-storage-inc", pair->opts->copy_storage_inc ? "yes" : "no");
        mc_xml_set_prop(c, "persistent", pair->opts->persistent ? "yes" : "no");
        mc_xml_set_prop(c, "undefine-source", pair->opts->undefine_source ? "yes" : "no");
        mc_xml_set_prop(c, "unsafe", pair->opts->unsafe ? "yes" : "no");
        mc_xml_set_prop(c, "tunnelled", pair->opts->tunnelled ? "yes" : "no");
    }
    if (pair->src)
        mc_facts_to_xml_node(pair->src, root, "src");
    else
        xmlNewChild(root, NULL, BAD_CAST "src", NULL);
    if (pair->dst)
        mc_facts_to_xml_node(pair->dst, root, "dst");
    else
        xmlNewChild(root, NULL, BAD_CAST "dst", NULL);
    if (pair->vm)
        mc_vm_facts_to_xml_node(pair->vm, root, "vm");
    else
        xmlNewChild(root, NULL, BAD_CAST "vm", NULL);
    xmlNodePtr rel = xmlNewChild(root, NULL, BAD_CAST "relate", NULL);
    if (pair->rel)
        mc_xml_write_struct(&mc_desc_pair_facts, pair->rel, rel);
    return doc;
}

static void require_finding(const struct mc_policy_require *q, enum mc_status st, char *message,
                            struct mc_findings *out)
{
    struct mc_finding *f = MC_APPEND(out->items, out->n);
    f->rule = q->id; /* lives as long as the policy */
    f->status = st;
    f->severity = q->severity;
    f->subject = mc_xstrdup(q->title ? q->title : q->id);
    f->message = message;
    if (st == MC_STATUS_WARN || st == MC_STATUS_FAIL)
        f->hint = mc_xstrdup_or_null(q->hint);
    f->evidence = mc_xasprintf("XPath: %s", q->test);
}

void mc_policy_eval(const struct mc_policy *p, const struct mc_pair *pair, struct mc_findings *out,
                    bool *unknown_blocks)
{
    if (!p || p->n_requires == 0)
        return;
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = mc_pair_document(pair);
    _cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = new_context(doc);
    for (size_t i = 0; i < p->n_requires; i++) {
        const struct mc_policy_require *q = &p->requires[i];
        const char *title = q->title ? q->title : q->id;
        if (!ctx) {
            require_finding(
                q, MC_STATUS_UNKNOWN,
                mc_xasprintf("cannot evaluate site requirement '%s': out of memory", q->id), out);
        } else {
            memset(&ctx->lastError, 0, sizeof(ctx->lastError));
            ctx->node = xmlDocGetRootElement(doc);
            ctx->opCount = 0;
            _cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr obj =
                xmlXPathEvalExpression(BAD_CAST q->test, ctx);
            if (!obj) {
                _cleanup_free_ char *msg = xpath_error(ctx);
                xmlResetError(&ctx->lastError);
                require_finding(
                    q, MC_STATUS_UNKNOWN,
                    mc_xasprintf("cannot evaluate site requirement '%s': %s", q->id, msg), out);
            } else if (xmlXPathCastToBoolean(obj)) {
                require_finding(q, MC_STATUS_PASS, mc_xasprintf("%s", title), out);
                continue;
            } else {
                require_finding(q, q->severity == MC_SEV_FAIL ? MC_STATUS_FAIL : MC_STATUS_WARN,
                                q->message ? mc_xstrdup(q->message)
                                           : mc_xasprintf("site requirement not met: %s", title),
                                out);
                continue;
            }
        }
        if (q->severity == MC_SEV_FAIL && unknown_blocks)
            *unknown_blocks = true;
    }
}
