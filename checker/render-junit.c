/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The report as JUnit XML for CI (libxml2): one <testsuite> per area, one
 * <testcase> per finding. A test case fails exactly when its finding counts
 * against the verdict, so a CI job is green exactly when migcheck exits 0:
 *   FAIL                                  -> <failure type="fail">
 *   WARN with --strict                    -> <failure type="warn">
 *   WARN                                  -> passes, the warning in <system-out>
 *   UNKNOWN of a FAIL rule, or --strict   -> <error type="unknown">
 *   other UNKNOWN, SKIP                   -> <skipped>
 * Strings go through libxml2 (escaped), characters XML cannot carry are
 * replaced (mc_xml_set_prop, mc_xml_add_text_child).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "render-util.h"
#include "render.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "xml-util.h"

struct suite_counts {
    size_t tests, failures, errors, skipped;
};

static void set_count(xmlNodePtr n, const char *name, size_t v)
{
    char num[32];
    snprintf(num, sizeof(num), "%zu", v);
    xmlSetProp(n, BAD_CAST name, BAD_CAST num);
}

static void set_counts(xmlNodePtr n, const struct suite_counts *c)
{
    set_count(n, "tests", c->tests);
    set_count(n, "failures", c->failures);
    set_count(n, "errors", c->errors);
    set_count(n, "skipped", c->skipped);
}

static void details(const struct mc_finding *f, bool with_message, struct mc_buf *b)
{
    if (with_message)
        mc_buf_printf(b, "%s: %s\n", mc_status_label(f->status), f->message ? f->message : "");
    if (f->hint)
        mc_buf_printf(b, "hint: %s\n", f->hint);
    if (f->fix)
        mc_buf_printf(b, "fix: %s\n", mc_fix_name(f->fix));
    if (f->evidence)
        mc_buf_printf(b, "evidence: %s\n", f->evidence);
}

/* <name>text</name>, or <name/> without text. */
static xmlNodePtr child(xmlNodePtr parent, const char *name, const struct mc_buf *text)
{
    if (text->len)
        return mc_xml_add_text_child(parent, name, text->data);
    return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

/* Test case names are unique in the document (CI tools key results by them): a second finding
 * of one rule about one subject is "rule: subject (2)". */
static char *unique_name(char ***used, const char *base)
{
    char *name = mc_xstrdup(base);
    if (mc_strv_length(*used) < 4096)
        for (unsigned k = 2; mc_strv_contains(*used, name); k++) {
            free(name);
            name = mc_xasprintf("%s (%u)", base, k);
        }
    mc_strv_add(used, name);
    return name;
}

static void testcase(xmlNodePtr suite, const char *area, const struct mc_report *r,
                     const struct mc_finding *f, struct suite_counts *c, char ***used)
{
    xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
    _cleanup_free_ char *cls = mc_xasprintf("migcheck.%s", area);
    const char *rule = f->rule ? f->rule : "?";
    _cleanup_free_ char *base =
        f->subject ? mc_xasprintf("%s: %s", rule, f->subject) : mc_xstrdup(rule);
    _cleanup_free_ char *name = unique_name(used, base);
    mc_xml_set_prop(tc, "classname", cls);
    mc_xml_set_prop(tc, "name", name);
    c->tests++;

    _cleanup_buf_ struct mc_buf text = MC_BUF_INIT;
    const char *msg = f->message ? f->message : "";
    bool blocks = mc_render_finding_blocks(r, f);
    xmlNodePtr el = NULL;
    if (blocks && (f->status == MC_STATUS_FAIL || f->status == MC_STATUS_WARN)) {
        details(f, false, &text);
        el = child(tc, "failure", &text);
        mc_xml_set_prop(el, "type", mc_status_name(f->status));
        c->failures++;
    } else if (blocks && f->status == MC_STATUS_UNKNOWN) {
        details(f, false, &text);
        el = child(tc, "error", &text);
        mc_xml_set_prop(el, "type", "unknown");
        c->errors++;
    } else if (f->status == MC_STATUS_SKIP || f->status == MC_STATUS_UNKNOWN) {
        el = xmlNewChild(tc, NULL, BAD_CAST "skipped", NULL);
        c->skipped++;
    }
    if (el) {
        _cleanup_free_ char *m = f->status == MC_STATUS_UNKNOWN && !blocks
                                     ? mc_xasprintf("unknown: %s", msg)
                                     : mc_xstrdup(msg);
        mc_xml_set_prop(el, "message", m);
        if (!xmlStrEqual(el->name, BAD_CAST "skipped"))
            return;
    }
    /* Passing (and skipped) cases say what was checked. */
    mc_buf_reset(&text);
    details(f, true, &text);
    mc_xml_add_text_child(tc, "system-out", text.data);
}

static void property(xmlNodePtr props, const char *name, const char *value)
{
    if (!value)
        return;
    xmlNodePtr p = xmlNewChild(props, NULL, BAD_CAST "property", NULL);
    mc_xml_set_prop(p, "name", name);
    mc_xml_set_prop(p, "value", value);
}

static void properties(xmlNodePtr suite, const struct mc_report *r)
{
    xmlNodePtr props = xmlNewChild(suite, NULL, BAD_CAST "properties", NULL);
    char num[16];
    property(props, "generator", "migcheck " MIGCHECK_VERSION);
    property(props, "source", r->source);
    property(props, "destination", r->destination);
    property(props, "domain", r->domain);
    property(props, "verdict", mc_verdict_name(r->verdict));
    snprintf(num, sizeof(num), "%d", r->exit_code);
    property(props, "exit_code", num);
    property(props, "strict", r->strict ? "true" : "false");
    property(props, "partial", r->partial ? "true" : "false");
    snprintf(num, sizeof(num), "%zu", r->rules_run);
    property(props, "rules_run", num);
    snprintf(num, sizeof(num), "%zu", r->rules_total);
    property(props, "rules_total", num);
    property(props, "source_agent", r->src_agent);
    property(props, "destination_agent", r->dst_agent);
    for (char **n = r->notes; n && *n; n++)
        property(props, "note", *n);
}

int mc_render_junit(const struct mc_report *r, FILE *f, const struct mc_render_opts *o)
{
    (void)o;
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "testsuites", NULL);
    xmlDocSetRootElement(doc, root);
    _cleanup_free_ char *title = mc_xasprintf("migcheck %s: %s -> %s", r->domain ? r->domain : "?",
                                              r->source ? r->source : "source",
                                              r->destination ? r->destination : "destination");
    mc_xml_set_prop(root, "name", title);

    _cleanup_free_ size_t *order = mc_render_order(r);
    _cleanup_strv_free_ char **used = NULL;
    struct suite_counts total = { 0 }, sc = { 0 };
    xmlNodePtr suite = NULL;
    char area[32] = "", buf[32];
    for (size_t k = 0; k < r->findings.n; k++) {
        const struct mc_finding *x = &r->findings.items[order[k]];
        const char *a = mc_rule_area(x->rule ? x->rule : "", buf);
        if (!suite || strcmp(area, a) != 0) {
            if (suite)
                set_counts(suite, &sc);
            memset(&sc, 0, sizeof(sc));
            snprintf(area, sizeof(area), "%s", a);
            suite = xmlNewChild(root, NULL, BAD_CAST "testsuite", NULL);
            _cleanup_free_ char *sname = mc_xasprintf("migcheck.%s", area);
            mc_xml_set_prop(suite, "name", sname);
            if (k == 0)
                properties(suite, r);
        }
        testcase(suite, area, r, x, &sc, &used);
    }
    if (suite) {
        set_counts(suite, &sc);
    } else {
        suite = xmlNewChild(root, NULL, BAD_CAST "testsuite", NULL);
        mc_xml_set_prop(suite, "name", "migcheck");
        properties(suite, r);
        set_counts(suite, &sc);
    }

    /* Totals over all suites. */
    memset(&total, 0, sizeof(total));
    for (xmlNodePtr s = root->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        for (xmlNodePtr t = s->children; t; t = t->next) {
            if (!mc_xml_is(t, "testcase"))
                continue;
            total.tests++;
            for (xmlNodePtr e = t->children; e; e = e->next) {
                if (mc_xml_is(e, "failure"))
                    total.failures++;
                else if (mc_xml_is(e, "error"))
                    total.errors++;
                else if (mc_xml_is(e, "skipped"))
                    total.skipped++;
            }
        }
    }
    set_counts(root, &total);

    _cleanup_free_ char *s = NULL;
    size_t len = 0;
    if (mc_xml_doc_to_string(doc, &s, &len) < 0)
        return -ENOMEM;
    return mc_render_write(f, s, len);
}
