/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Site policy: the format (migcheck-policy(5)) and its validation against
 * the real rule table, the pair document the XPath assertions see, and what
 * the requirements and overrides do to the findings of the real engine.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/xpath.h>

#include "checker/facts-xml.h"
#include "checker/policy.h"
#include "checker/report.h"
#include "checker/xml-util.h"
#include "rules/rules.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

#define EXAMPLE MC_SOURCE_DIR "/tests/golden/cases/site-policy/policy.xml"

static int parse(const char *xml, struct mc_policy **ret, struct mc_error *err)
{
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    int r = mc_policy_parse(xml, strlen(xml), "test.xml", ret, err);
    if (r < 0)
        return r;
    r = mc_policy_validate(*ret, rules, n, err);
    if (r < 0) {
        mc_policy_free(*ret);
        *ret = NULL;
    }
    return r;
}

/* The example of the man page parses and validates against the real table. */
static void test_example(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    struct mc_policy *p = NULL;
    assert_int_equal(mc_policy_load(EXAMPLE, &p, &err), 0);
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    assert_int_equal(mc_policy_validate(p, rules, n, &err), 0);
    assert_int_equal(p->n_rules, 2);
    const struct mc_policy_rule *r = mc_policy_find_rule(p, "os.release");
    assert_non_null(r);
    assert_false(r->disabled);
    assert_int_equal(r->severity, MC_SEV_FAIL);
    r = mc_policy_find_rule(p, "net.config-identical");
    assert_non_null(r);
    assert_true(r->disabled);
    assert_int_equal(r->severity, -1);
    assert_null(mc_policy_find_rule(p, "vm.state"));
    assert_null(mc_policy_find_rule(NULL, "vm.state"));
    assert_int_equal(p->n_requires, 3);
    assert_string_equal(p->requires[0].id, "site.jumbo-frames");
    assert_int_equal(p->requires[0].severity, MC_SEV_FAIL);
    assert_non_null(strstr(p->requires[0].test, "br-storage"));
    assert_string_equal(p->requires[0].hint, "ip link set br-storage mtu 9000");
    assert_int_equal(p->requires[1].severity, MC_SEV_WARN);
    assert_int_equal(p->requires[2].severity, MC_SEV_FAIL); /* the default */
    assert_null(p->requires[2].hint);
    assert_true(p->requires[0].line > 1);
    mc_policy_free(p);
}

/* Every refusal names the line of the offending element. */
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *xml;
        const char *msg;
    } cases[] = {
        { "<migcheck-policy version='1'>\n<rule id='os.relase' enabled='no'/>\n</migcheck-policy>",
          "line 2: unknown rule 'os.relase'" },
        { "<migcheck-policy version='1'>\n\n<rule id='os.release' severity='error'/>"
          "</migcheck-policy>",
          "line 3: <rule> has severity 'error'" },
        { "<migcheck-policy version='1'>\n<rule id='os.release' enabled='off'/></migcheck-policy>",
          "line 2: <rule id='os.release'> has enabled='off'" },
        { "<migcheck-policy version='1'>\n<rule id='os.release'/></migcheck-policy>",
          "line 2: <rule id='os.release'> sets neither" },
        { "<migcheck-policy version='1'>\n<rule severity='fail'/></migcheck-policy>",
          "line 2: <rule> needs an 'id'" },
        { "<migcheck-policy version='1'>\n<rule id='os.release' severty='fail'/>"
          "</migcheck-policy>",
          "line 2: <rule> has an unknown attribute 'severty'" },
        { "<migcheck-policy version='1'>\n<rule id='vm.state' severity='warn'/>\n"
          "<rule id='vm.state' enabled='no'/></migcheck-policy>",
          "line 3: rule 'vm.state' appears twice (first on line 2)" },
        { "<migcheck-policy version='1'>\n<requirement id='site.x' test='1'/></migcheck-policy>",
          "line 2: unknown element <requirement>" },
        { "<migcheck-policy version='1'>\n<require id='jumbo' test='1'/></migcheck-policy>",
          "line 2: requirement id 'jumbo' is not in the site namespace" },
        { "<migcheck-policy version='1'>\n<require id='site.Big' test='1'/></migcheck-policy>",
          "line 2: requirement id 'site.Big'" },
        { "<migcheck-policy version='1'>\n<require id='site.x'/></migcheck-policy>",
          "line 2: <require id='site.x'> needs a 'test'" },
        { "<migcheck-policy version='1'>\n<require id='site.x' test='1'/>\n"
          "<require id='site.x' test='2'/></migcheck-policy>",
          "line 3: requirement 'site.x' appears twice" },
        { "<migcheck-policy version='1'>\n\n\n<require id='site.x' test='count(/pair'/>"
          "</migcheck-policy>",
          "line 4: requirement 'site.x': the test is not XPath 1.0" },
        { "<migcheck-policy version='1'>\n<rule id='vm.state' enabled='no'>text</rule>"
          "</migcheck-policy>",
          "line 2: <rule> takes no content" },
        { "<migcheck-policy version='1'>\nstray</migcheck-policy>", "text outside an element" },
        { "<migcheck-policy>\n</migcheck-policy>", "line 1: <migcheck-policy> needs version" },
        { "<policy version='1'/>", "not a migcheck policy" },
        { "<migcheck-policy version='2'/>", "has version '2'; this migcheck reads version 1" },
        { "<?xml version='1.0'?>\n<!DOCTYPE migcheck-policy [<!ENTITY e 'x'>]>\n"
          "<migcheck-policy version='1'/>",
          "document type declaration" },
        { "<migcheck-policy version='1'><rule", "not well-formed" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct mc_error err = { 0 };
        struct mc_policy *p = NULL;
        int r = parse(cases[i].xml, &p, &err);
        if (r >= 0 || !err.message || !strstr(err.message, cases[i].msg))
            fail_msg("case %zu: r=%d message '%s', expected '%s'", i, r,
                     err.message ? err.message : "(none)", cases[i].msg);
        assert_null(p);
        assert_non_null(strstr(err.message, "'test.xml'"));
        mc_error_clear(&err);
    }
}

/* ---- evaluation over a pair built in C ---- */

struct fixture {
    struct mc_host_facts *src, *dst;
    struct mc_vm_facts *vm;
    struct mc_pair_facts *rel;
    struct mc_check_opts opts;
    struct mc_pair pair;
};

static struct mc_host_facts *host(const char *name, int64_t storage_mtu)
{
    struct mc_host_facts *h = mc_host_facts_new();
    h->name = mc_xstrdup(name);
    h->areas = MC_AREA_OS | MC_AREA_VIRT | MC_AREA_NET | MC_AREA_MOUNTS;
    h->os.id = mc_xstrdup("debian");
    h->os.version_id = mc_xstrdup("12");
    h->virt.hv_version = 7002022;
    struct mc_link *l = MC_APPEND(h->net.links, h->net.n_links);
    l->name = mc_xstrdup("eth0");
    l->mtu = 1500;
    l = MC_APPEND(h->net.links, h->net.n_links);
    l->name = mc_xstrdup("br-storage");
    l->kind = mc_xstrdup("bridge");
    l->mtu = storage_mtu;
    l->up = true;
    return h;
}

static void fixture_init(struct fixture *f, int64_t src_mtu, int64_t dst_mtu)
{
    memset(f, 0, sizeof(*f));
    f->src = host("kvm1", src_mtu);
    f->dst = host("kvm2", dst_mtu);
    f->vm = mc_new0(struct mc_vm_facts, 1);
    f->vm->name = mc_xstrdup("web1");
    f->vm->state = mc_xstrdup("running");
    f->vm->memory_kib = 4194304;
    f->rel = mc_pair_facts_new();
    f->rel->live = true;
    f->opts.transport = "ssh";
    f->pair = (struct mc_pair){ .src = f->src,
                                .dst = f->dst,
                                .vm = f->vm,
                                .rel = f->rel,
                                .opts = &f->opts,
                                .src_name = "kvm1",
                                .dst_name = "kvm2" };
}

static void fixture_clear(struct fixture *f)
{
    mc_host_facts_free(f->src);
    mc_host_facts_free(f->dst);
    mc_vm_facts_free(f->vm);
    mc_pair_facts_free(f->rel);
}

static double xpath_number(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(o);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

static char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(o);
    xmlChar *s = xmlXPathCastToString(o);
    char *ret = mc_xstrdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return ret;
}

/* Drop the indentation a parsed, formatted document carries. */
static void strip_blanks(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children, next; c; c = next) {
        next = c->next;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blanks(c);
        }
    }
}

/* The pair document holds each side's facts as a snapshot would, the domain and the pair facts. */
static void test_pair_document(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 9000, 1500);
    xmlDocPtr doc = mc_pair_document(&f.pair);
    assert_non_null(doc);
    assert_true(xpath_number(doc, "count(/pair/src/net/link)") == (double)f.src->net.n_links);
    assert_true(xpath_number(doc, "count(/pair/dst/net/link)") == (double)f.dst->net.n_links);
    assert_true(xpath_number(doc, "/pair/src/net/link[@name='br-storage']/@mtu") == 9000);
    assert_true(xpath_number(doc, "/pair/vm/@memory-kib") == (double)f.vm->memory_kib);
    char *s = xpath_string(doc, "/pair/vm/@name");
    assert_string_equal(s, f.vm->name);
    free(s);
    s = xpath_string(doc, "/pair/relate/@live");
    assert_string_equal(s, "yes");
    free(s);
    s = xpath_string(doc, "/pair/@source");
    assert_string_equal(s, "kvm1");
    free(s);
    s = xpath_string(doc, "/pair/check/@transport");
    assert_string_equal(s, "ssh");
    free(s);
    /* Each of virsh migrate's flags that check takes is in /pair/check, as it was given. */
    static const char *const flags[] = { "offline",          "copy-storage", "p2p",
                                         "copy-storage-inc", "persistent",   "undefine-source",
                                         "unsafe",           "tunnelled" };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        char *xp;
        assert_true(asprintf(&xp, "/pair/check/@%s", flags[i]) > 0);
        s = xpath_string(doc, xp);
        assert_string_equal(s, "no");
        free(s);
        free(xp);
    }
    xmlFreeDoc(doc);
    f.opts.copy_storage_inc = true;
    f.opts.undefine_source = true;
    f.opts.tunnelled = true;
    doc = mc_pair_document(&f.pair);
    assert_non_null(doc);
    assert_true(xpath_number(doc, "count(/pair/check/@*[. = 'yes'])") == 3);
    s = xpath_string(doc, "/pair/check/@copy-storage-inc");
    assert_string_equal(s, "yes");
    free(s);
    s = xpath_string(doc, "/pair/check/@undefine-source");
    assert_string_equal(s, "yes");
    free(s);
    s = xpath_string(doc, "/pair/check/@tunnelled");
    assert_string_equal(s, "yes");
    free(s);

    /* /pair/src is the snapshot's root element under another name: same attributes, same
     * children, in the same order. */
    char *snap = NULL;
    size_t len;
    assert_int_equal(mc_facts_to_xml(f.src, &snap, &len), 0);
    struct mc_error err = { 0 };
    xmlDocPtr sdoc = NULL;
    assert_int_equal(mc_xml_parse(snap, len, "snapshot", &sdoc, &err), 0);
    xmlNodePtr a = xmlDocGetRootElement(sdoc);
    xmlNodePtr b = NULL;
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (mc_xml_is(c, "src"))
            b = c;
    assert_non_null(b);
    xmlNodeSetName(a, BAD_CAST "src");
    strip_blanks(a);
    char *sa = mc_xml_node_to_string(sdoc, a), *sb = mc_xml_node_to_string(doc, b);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    free(snap);
    xmlFreeDoc(sdoc);
    xmlFreeDoc(doc);
    fixture_clear(&f);
}

static const struct mc_finding *find(const struct mc_findings *fs, const char *rule)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->items[i].rule, rule) == 0)
            return &fs->items[i];
    return NULL;
}

static void test_eval(void **state)
{
    (void)state;
    const char *xml =
        "<migcheck-policy version='1'>\n"
        "  <require id='site.jumbo' title='jumbo frames' message='no jumbo frames'"
        "           hint='set MTU 9000'"
        "           test=\"count(/pair/src/net/link[@name='br-storage'][@mtu='9000']) = 1 and"
        "                 count(/pair/dst/net/link[@name='br-storage'][@mtu='9000']) = 1\"/>\n"
        "  <require id='site.jumbo-warn' severity='warn'"
        "           test=\"/pair/dst/net/link[@name='br-storage']/@mtu = 9000\"/>\n"
        "  <require id='site.number' test='count(/pair/src/net/link)'/>\n"
        "  <require id='site.string' test='string(/pair/vm/@name)'/>\n"
        "  <require id='site.broken' test='no-such-function(1)'/>\n"
        "  <require id='site.broken-warn' severity='warn' test='$undefined'/>\n"
        "</migcheck-policy>\n";
    struct mc_error err = { 0 };
    struct mc_policy *p = NULL;
    assert_int_equal(parse(xml, &p, &err), 0);

    for (int jumbo = 0; jumbo < 2; jumbo++) {
        struct fixture f;
        fixture_init(&f, 9000, jumbo ? 9000 : 1500);
        struct mc_findings out = { 0 };
        bool unknown_blocks = false;
        mc_policy_eval(p, &f.pair, &out, &unknown_blocks);
        assert_int_equal(out.n, p->n_requires);

        const struct mc_finding *x = find(&out, "site.jumbo");
        assert_non_null(x);
        assert_ptr_equal(x->rule, p->requires[0].id); /* lives as long as the policy */
        assert_int_equal(x->severity, MC_SEV_FAIL);
        assert_string_equal(x->subject, "jumbo frames");
        assert_non_null(strstr(x->evidence, "br-storage"));
        if (jumbo) {
            assert_int_equal(x->status, MC_STATUS_PASS);
            assert_null(x->hint);
        } else {
            assert_int_equal(x->status, MC_STATUS_FAIL);
            assert_string_equal(x->message, "no jumbo frames");
            assert_string_equal(x->hint, "set MTU 9000");
        }
        x = find(&out, "site.jumbo-warn");
        assert_int_equal(x->status, jumbo ? MC_STATUS_PASS : MC_STATUS_WARN);
        assert_non_null(strstr(x->message, "site.jumbo-warn")); /* default message names it */
        /* Numbers and strings convert as XPath's boolean() does. */
        assert_int_equal(find(&out, "site.number")->status, MC_STATUS_PASS);
        assert_int_equal(find(&out, "site.string")->status, MC_STATUS_PASS);
        /* Errors are UNKNOWN; only a fail requirement makes the verdict unknown. */
        x = find(&out, "site.broken");
        assert_int_equal(x->status, MC_STATUS_UNKNOWN);
        assert_non_null(strstr(x->message, "unregistered function"));
        x = find(&out, "site.broken-warn");
        assert_int_equal(x->status, MC_STATUS_UNKNOWN);
        assert_true(unknown_blocks);
        mc_findings_clear(&out);
        fixture_clear(&f);
    }
    mc_policy_free(p);

    /* Without a failing fail requirement, nothing blocks. */
    assert_int_equal(parse("<migcheck-policy version='1'><require id='site.w' severity='warn' "
                           "test='$nope'/></migcheck-policy>",
                           &p, &err),
                     0);
    struct fixture f;
    fixture_init(&f, 1500, 1500);
    struct mc_findings out = { 0 };
    bool unknown_blocks = false;
    mc_policy_eval(p, &f.pair, &out, &unknown_blocks);
    assert_int_equal(out.items[0].status, MC_STATUS_UNKNOWN);
    assert_false(unknown_blocks);
    mc_findings_clear(&out);
    fixture_clear(&f);
    mc_policy_free(p);
}

/* A requirement that would take forever is cut off by the operation limit. */
static void test_op_limit(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    struct mc_policy *p = NULL;
    assert_int_equal(parse("<migcheck-policy version='1'><require id='site.slow' "
                           "test='count(//*[count(//*[count(//*) &gt; 0]) &gt; 0]) &gt; 0'/>"
                           "</migcheck-policy>",
                           &p, &err),
                     0);
    struct fixture f;
    fixture_init(&f, 1500, 1500);
    for (int i = 0; i < 3000; i++) {
        struct mc_link *l = MC_APPEND(f.src->net.links, f.src->net.n_links);
        l->name = mc_xasprintf("tap%d", i);
    }
    struct mc_findings out = { 0 };
    bool unknown_blocks = false;
    double t0 = mc_now();
    mc_policy_eval(p, &f.pair, &out, &unknown_blocks);
    assert_true(mc_now() - t0 < 30);
    assert_int_equal(out.items[0].status, MC_STATUS_UNKNOWN);
    assert_non_null(strstr(out.items[0].message, "operation limit exceeded"));
    assert_true(unknown_blocks);
    mc_findings_clear(&out);
    fixture_clear(&f);
    mc_policy_free(p);
}

/* What the overrides do in the real engine with the real rule table. */
static void test_engine_overrides(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    struct mc_policy *p = NULL;
    assert_int_equal(parse("<migcheck-policy version='1'>"
                           "<rule id='os.release' severity='fail'/>"
                           "<rule id='vm.state' enabled='no'/>"
                           "<rule id='net.config-identical' severity='fail' enabled='no'/>"
                           "</migcheck-policy>",
                           &p, &err),
                     0);
    struct fixture f;
    fixture_init(&f, 1500, 1500);
    free(f.dst->os.version_id);
    f.dst->os.version_id = mc_xstrdup("11");
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);

    struct mc_report with = { 0 }, without = { 0 };
    struct mc_engine_opts eo = { .rules = rules, .n_rules = n, .policy = NULL };
    mc_engine_run(&eo, &f.pair, &without);
    eo.policy = p;
    mc_engine_run(&eo, &f.pair, &with);

    /* Without the policy os.release warns; with it, it fails and blocks. */
    assert_int_equal(find(&without.findings, "os.release")->status, MC_STATUS_WARN);
    assert_int_equal(find(&with.findings, "os.release")->status, MC_STATUS_FAIL);
    assert_int_equal(find(&with.findings, "os.release")->severity, MC_SEV_FAIL);
    assert_int_equal(with.verdict, MC_VERDICT_BLOCKED);
    /* Disabled rules report nothing at all. */
    assert_non_null(find(&without.findings, "vm.state"));
    assert_null(find(&with.findings, "vm.state"));
    assert_null(find(&with.findings, "net.config-identical"));
    mc_report_clear(&with);
    mc_report_clear(&without);
    fixture_clear(&f);
    mc_policy_free(p);
}

int main(void)
{
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example),       cmocka_unit_test(test_refused),
        cmocka_unit_test(test_pair_document), cmocka_unit_test(test_eval),
        cmocka_unit_test(test_op_limit),      cmocka_unit_test(test_engine_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
