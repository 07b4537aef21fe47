/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The renderers: what they print is read back with the libraries that
 * consumers use (json-c, libxml2) and compared with the report, including
 * strings a hostile host could send; the text report never lets a control
 * character reach the terminal; a stream that fails is an error.
 */
#include <errno.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/render-util.h"
#include "checker/render.h"
#include "checker/report.h"
#include "checker/xml-util.h"
#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* What a hostile host can put into a message: ESC sequences, C1 CSI, DEL, a bidi override,
 * a NUL-free invalid UTF-8 byte, XML and JSON metacharacters, a newline. */
#define HOSTILE                                                                                    \
    "evil\x1b[2J\x1b]0;pwned\x07 \xc2\x9b"                                                         \
    "31m \x7f \xe2\x80\xae \xff <a href=\"x\">&amp;</a>\n\\"

static struct mc_report *sample(bool hostile, bool strict)
{
    struct mc_report *r = mc_new0(struct mc_report, 1);
    r->source = mc_xstrdup(hostile ? "kvm1" HOSTILE : "kvm1");
    r->destination = mc_xstrdup("kvm2");
    r->domain = mc_xstrdup(hostile ? "web" HOSTILE : "web1");
    r->verdict = MC_VERDICT_BLOCKED;
    r->exit_code = 1;
    r->strict = strict;
    r->src_agent = mc_xstrdup("migcheck 0.1.0");
    mc_strv_add(&r->notes, hostile ? "note " HOSTILE : "from snapshots");
    static const struct {
        const char *rule;
        enum mc_status st;
        enum mc_severity sev;
    } rows[] = {
        { "storage.disk-shared", MC_STATUS_FAIL, MC_SEV_FAIL },
        { "vm.state", MC_STATUS_PASS, MC_SEV_FAIL },
        { "os.release", MC_STATUS_WARN, MC_SEV_WARN },
        { "net.migration-port", MC_STATUS_SKIP, MC_SEV_FAIL },
        { "virt.same-host", MC_STATUS_UNKNOWN, MC_SEV_FAIL },
        { "net.mtu", MC_STATUS_UNKNOWN, MC_SEV_WARN },
        { "site.jumbo-frames", MC_STATUS_PASS, MC_SEV_FAIL },
        { "cpu.compatible", MC_STATUS_PASS, MC_SEV_FAIL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        struct mc_finding *f = MC_APPEND(r->findings.items, r->findings.n);
        f->rule = rows[i].rule;
        f->status = rows[i].st;
        f->severity = rows[i].sev;
        f->subject = i == 1 ? NULL : mc_xasprintf("subject %zu%s", i, hostile ? HOSTILE : "");
        f->message = mc_xasprintf("message %zu about a rather long thing that needs to be wrapped "
                                  "at a space somewhere before the hundredth column%s",
                                  i, hostile ? HOSTILE : "");
        if (rows[i].st == MC_STATUS_FAIL || rows[i].st == MC_STATUS_WARN) {
            f->hint = mc_xasprintf("hint %zu%s", i, hostile ? HOSTILE : "");
            f->evidence = mc_xasprintf("evidence %zu%s", i, hostile ? HOSTILE : "");
        }
        if (i == 0)
            f->fix = MC_FIX_PROVISION_SHARED_STORAGE;
        r->counts[rows[i].st]++;
    }
    return r;
}

static void free_report(struct mc_report *r)
{
    mc_report_clear(r);
    free(r);
}

/* Render into memory. */
static char *render(int (*fn)(const struct mc_report *, FILE *, const struct mc_render_opts *),
                    const struct mc_report *r, const struct mc_render_opts *o, size_t *ret_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fn(r, f, o), 0);
    assert_int_equal(fclose(f), 0);
    if (ret_len)
        *ret_len = len;
    return buf;
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    assert_true(json_object_object_get_ex(o, key, &v)); /* every key is always there */
    return v ? json_object_get_string(v) : NULL;
}

/* What a JSON consumer reads back is what the report holds (cleaned where it had to be). */
static void expect_json_string(struct json_object *o, const char *key, const char *want)
{
    const char *got = jstr(o, key);
    if (!want) {
        assert_null(got);
        return;
    }
    char *clean = mc_utf8_clean(want);
    assert_non_null(got);
    assert_string_equal(got, clean);
    free(clean);
}

static void check_json(bool hostile)
{
    struct mc_report *r = sample(hostile, false);
    struct mc_render_opts o = { 0 };
    size_t len;
    char *out = render(mc_render_json, r, &o, &len);
    assert_int_equal(strlen(out), len);             /* no NUL inside */
    assert_null(strstr(out, "\\/"));                /* no slash escaping */
    assert_non_null(strstr(out, "\n  \"schema\"")); /* pretty-printed */

    struct json_tokener *tok = json_tokener_new();
    struct json_object *j = json_tokener_parse_ex(tok, out, (int)len);
    assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
    json_tokener_free(tok);
    assert_non_null(j);

    struct json_object *v;
    assert_true(json_object_object_get_ex(j, "schema", &v));
    assert_int_equal(json_object_get_int(v), MC_REPORT_SCHEMA);
    expect_json_string(j, "source", r->source);
    expect_json_string(j, "destination", r->destination);
    expect_json_string(j, "domain", r->domain);
    expect_json_string(j, "verdict", mc_verdict_name(r->verdict));
    assert_true(json_object_object_get_ex(j, "exit_code", &v));
    assert_int_equal(json_object_get_int(v), r->exit_code);
    assert_true(json_object_object_get_ex(j, "strict", &v));
    assert_false(json_object_get_boolean(v));
    struct json_object *agents;
    assert_true(json_object_object_get_ex(j, "agents", &agents));
    expect_json_string(agents, "source", r->src_agent);
    expect_json_string(agents, "destination", NULL);

    struct json_object *counts;
    assert_true(json_object_object_get_ex(j, "counts", &counts));
    for (int s = 0; s < _MC_STATUS_MAX; s++) {
        assert_true(json_object_object_get_ex(counts, mc_status_name((enum mc_status)s), &v));
        assert_int_equal(json_object_get_int64(v), (int64_t)r->counts[s]);
    }
    struct json_object *notes;
    assert_true(json_object_object_get_ex(j, "notes", &notes));
    assert_int_equal(json_object_array_length(notes), mc_strv_length(r->notes));

    struct json_object *findings;
    assert_true(json_object_object_get_ex(j, "findings", &findings));
    assert_int_equal(json_object_array_length(findings), r->findings.n);
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct mc_finding *f = &r->findings.items[i];
        struct json_object *x = json_object_array_get_idx(findings, i);
        char area[32];
        expect_json_string(x, "rule", f->rule);
        expect_json_string(x, "area", mc_rule_area(f->rule, area));
        expect_json_string(x, "status", mc_status_name(f->status));
        expect_json_string(x, "severity", mc_severity_name(f->severity));
        expect_json_string(x, "subject", f->subject);
        expect_json_string(x, "message", f->message);
        expect_json_string(x, "hint", f->hint);
        expect_json_string(x, "evidence", f->evidence);
        expect_json_string(x, "fix", mc_fix_name(f->fix));
    }
    json_object_put(j);
    free(out);
    free_report(r);
}

static void test_json(void **state)
{
    (void)state;
    check_json(false);
    check_json(true);
}

static size_t count_children(xmlNodePtr n, const char *name)
{
    size_t k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (mc_xml_is(c, name))
            k++;
    return k;
}

static size_t prop_num(xmlNodePtr n, const char *name)
{
    char *v = mc_xml_prop(n, name);
    assert_non_null(v);
    size_t x = strtoul(v, NULL, 10);
    free(v);
    return x;
}

static void check_junit(bool hostile, bool strict)
{
    struct mc_report *r = sample(hostile, strict);
    struct mc_render_opts o = { 0 };
    size_t len;
    char *out = render(mc_render_junit, r, &o, &len);
    /* Well-formed for a strict parser, whatever the strings were. */
    xmlDocPtr doc = xmlReadMemory(out, (int)len, NULL, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_true(mc_xml_is(root, "testsuites"));

    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    for (xmlNodePtr s = root->children; s; s = s->next) {
        if (!mc_xml_is(s, "testsuite"))
            continue;
        size_t t = 0, fl = 0, er = 0, sk = 0;
        char *sname = mc_xml_prop(s, "name");
        for (xmlNodePtr c = s->children; c; c = c->next) {
            if (!mc_xml_is(c, "testcase"))
                continue;
            t++;
            char *cls = mc_xml_prop(c, "classname");
            assert_string_equal(cls, sname); /* migcheck.<area> */
            free(cls);
            fl += count_children(c, "failure");
            er += count_children(c, "error");
            sk += count_children(c, "skipped");
        }
        free(sname);
        /* The counts on each suite are the elements inside it. */
        assert_int_equal(prop_num(s, "tests"), t);
        assert_int_equal(prop_num(s, "failures"), fl);
        assert_int_equal(prop_num(s, "errors"), er);
        assert_int_equal(prop_num(s, "skipped"), sk);
        tests += t;
        failures += fl;
        errors += er;
        skipped += sk;
    }
    assert_int_equal(prop_num(root, "tests"), tests);
    assert_int_equal(prop_num(root, "failures"), failures);
    assert_int_equal(prop_num(root, "errors"), errors);
    assert_int_equal(prop_num(root, "skipped"), skipped);

    /* One case per finding; a case fails exactly when its finding counts against the verdict. */
    size_t want_fail = 0, want_err = 0, want_skip = 0;
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct mc_finding *f = &r->findings.items[i];
        bool blocks = mc_render_finding_blocks(r, f);
        if (blocks && f->status == MC_STATUS_UNKNOWN)
            want_err++;
        else if (blocks)
            want_fail++;
        else if (f->status == MC_STATUS_SKIP || f->status == MC_STATUS_UNKNOWN)
            want_skip++;
    }
    assert_int_equal(tests, r->findings.n);
    assert_int_equal(failures, want_fail);
    assert_int_equal(errors, want_err);
    assert_int_equal(skipped, want_skip);
    xmlFreeDoc(doc);
    free(out);
    free_report(r);
}

static void test_junit(void **state)
{
    (void)state;
    check_junit(false, false);
    check_junit(true, false);
    check_junit(true, true); /* WARN and every UNKNOWN count with --strict */

    /* Two findings of one rule about one subject still get names of their own: CI tools key
     * test results by name. */
    struct mc_report *r = sample(false, false);
    for (int k = 0; k < 2; k++) {
        struct mc_finding *f = MC_APPEND(r->findings.items, r->findings.n);
        f->rule = "net.listen-address";
        f->status = MC_STATUS_FAIL;
        f->severity = MC_SEV_FAIL;
        f->subject = mc_xstrdup("serial 169.254.42.11:4555");
        f->message = mc_xasprintf("finding %d", k);
        r->counts[MC_STATUS_FAIL]++;
    }
    char *out = render(mc_render_junit, r, NULL, NULL);
    xmlDocPtr doc = xmlReadMemory(out, (int)strlen(out), NULL, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "//testcase/@name", x);
    assert_non_null(o);
    assert_non_null(o->nodesetval);
    int n = o->nodesetval->nodeNr;
    assert_int_equal(n, (int)r->findings.n);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            xmlChar *a = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
            xmlChar *b = xmlNodeGetContent(o->nodesetval->nodeTab[j]);
            assert_false(xmlStrEqual(a, b));
            xmlFree(a);
            xmlFree(b);
        }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
    free(out);
    free_report(r);
}

/* Nothing a terminal would act on: only printable text, newlines, and (with colour) SGR. */
static void assert_terminal_safe(const char *out, bool color)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
        if (*p == '\n')
            continue;
        if (*p == 0x1b) {
            assert_true(color);
            assert_int_equal(p[1], '[');
            p += 2;
            while ((*p >= '0' && *p <= '9') || *p == ';')
                p++;
            assert_int_equal(*p, 'm'); /* colour only, never cursor movement */
            continue;
        }
        assert_true(*p >= 0x20 && *p != 0x7f);
    }
    /* No C1 control or bidi override in UTF-8 form either. */
    assert_null(strstr(out, "\xc2\x9b"));
    assert_null(strstr(out, "\xe2\x80\xae"));
    if (!color)
        assert_true(mc_utf8_is_clean(out));
}

static size_t columns(const char *line, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == 0x1b) {
            while (i < len && line[i] != 'm')
                i++;
            continue;
        }
        if (((unsigned char)line[i] & 0xc0) != 0x80)
            w++;
    }
    return w;
}

/* No line is wider than width unless its last word would not fit on a continuation line either
 * (they start at column 37 at most, hints at 43); returns the widest line. */
static size_t assert_wrapped(const char *out, size_t width)
{
    size_t widest = 0;
    for (const char *p = out; *p;) {
        size_t len = strcspn(p, "\n");
        size_t cols = columns(p, len);
        if (cols > widest)
            widest = cols;
        if (cols > width) {
            const char *word = p + len;
            while (word > p && word[-1] != ' ')
                word--;
            assert_true(columns(word, (size_t)(p + len - word)) > width - 44 || word == p);
        }
        p += len + (p[len] == '\n');
    }
    return widest;
}

static void test_text(void **state)
{
    (void)state;
    static const size_t widths[] = { 0, 80, 60 };
    for (int hostile = 0; hostile < 2; hostile++)
        for (int color = 0; color < 2; color++)
            for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
                struct mc_report *r = sample(hostile, false);
                struct mc_render_opts o = { .color = color, .width = widths[w] };
                char *out = render(mc_render_text, r, &o, NULL);
                assert_terminal_safe(out, color);
                /* At the terminal's width (100 when none is given), and using it. */
                size_t width = widths[w] ? widths[w] : 100;
                size_t widest = assert_wrapped(out, width);
                if (!hostile) /* 100 columns by default: wider than 80 where the text needs it */
                    assert_true(widths[w] || widest > 80);
                /* Every finding has its line, every problem its hint, a fix when it has one. */
                for (size_t i = 0; i < r->findings.n; i++) {
                    const struct mc_finding *f = &r->findings.items[i];
                    char *esc = mc_render_escaped(f->rule);
                    assert_non_null(strstr(out, esc));
                    free(esc);
                    if (f->hint) {
                        /* A hostile hint's long escaped word may start the next line. */
                        char *h =
                            hostile ? mc_xstrdup("hint: hint") : mc_xasprintf("hint: hint %zu", i);
                        assert_non_null(strstr(out, h));
                        free(h);
                    }
                    /* Evidence only with -v. */
                    assert_null(strstr(out, "evidence:"));
                }
                assert_non_null(strstr(out, "fix: provision-shared-storage"));
                assert_non_null(strstr(out, color ? "BLOCKED:" : "BLOCKED: 1 problem"));
                assert_non_null(strstr(out, color ? "\033[" : "Verdict: BLOCKED"));
                /* Grouped by area in the fixed order: vm before cpu before storage before site. */
                const char *vm = strstr(out, "\nDomain\n"), *cpu = strstr(out, "\nCPU\n"),
                           *st = strstr(out, "\nStorage\n"), *site = strstr(out, "\nSite policy\n");
                assert_true(vm && cpu && st && site && vm < cpu && cpu < st && st < site);
                free(out);
                free_report(r);
            }
}

static void test_text_quiet_verbose(void **state)
{
    (void)state;
    struct mc_report *r = sample(false, false);
    struct mc_render_opts q = { .quiet = true };
    char *out = render(mc_render_text, r, &q, NULL);
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct mc_finding *f = &r->findings.items[i];
        char *m = mc_xasprintf("message %zu ", i);
        bool shown = strstr(out, m) != NULL;
        free(m);
        assert_int_equal(shown, f->status == MC_STATUS_WARN || f->status == MC_STATUS_FAIL ||
                                    f->status == MC_STATUS_UNKNOWN);
    }
    /* The header stays, so that a loop over many pairs says which pair each problem is of. */
    assert_non_null(strstr(out, "Domain web1: kvm1 (migcheck 0.1.0) -> kvm2\n"));
    assert_non_null(strstr(out, "Verdict: "));
    free(out);

    struct mc_render_opts v = { .verbose = 1 };
    out = render(mc_render_text, r, &v, NULL);
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.items[i].evidence) {
            char *e = mc_xasprintf("evidence: evidence %zu", i);
            assert_non_null(strstr(out, e));
            free(e);
        }
    free(out);
    free_report(r);
}

static void test_verdict_lines(void **state)
{
    (void)state;
    struct mc_report *r = sample(false, false);
    struct mc_render_opts o = { 0 };
    r->verdict = MC_VERDICT_MIGRATABLE;
    char *out = render(mc_render_text, r, &o, NULL);
    assert_non_null(strstr(out, "Verdict: migratable ("));
    free(out);
    r->verdict = MC_VERDICT_UNKNOWN;
    out = render(mc_render_text, r, &o, NULL);
    /* virt.same-host is an UNKNOWN of a fail rule; net.mtu (warn) does not block. */
    assert_non_null(strstr(out, "UNKNOWN: could not decide: 1 check that could block is unknown"));
    free(out);
    free_report(r);
}

/* A stream that cannot be written is an error, for every format. */
static void test_write_error(void **state)
{
    (void)state;
    int (*fns[])(const struct mc_report *, FILE *,
                 const struct mc_render_opts *) = { mc_render_text, mc_render_json,
                                                    mc_render_junit };
    struct mc_report *r = sample(false, false);
    struct mc_render_opts o = { 0 };
    for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
        FILE *f = fopen("/dev/full", "we");
        assert_non_null(f);
        assert_int_equal(fns[i](r, f, &o), -ENOSPC);
        fclose(f);
    }
    free_report(r);
}

static void test_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain é ü 日本", "plain é ü 日本" },
        { "a\x1b[31mb", "a\\x1b[31mb" },
        { "tab\there\nnl\rcr", "tab\\there\\nnl\\rcr" },
        { "del\x7f", "del\\x7f" },
        { "csi\xc2\x9b", "csi\\x9b" },
        { "rlo\xe2\x80\xae!", "rlo\\u{202e}!" },
        { "bad\xff\xc3", "bad\\xff\\xc3" },
        { "overlong\xc0\xaf", "overlong\\xc0\\xaf" },
        { "back\\slash", "back\\slash" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *e = mc_render_escaped(cases[i].in);
        assert_string_equal(e, cases[i].out);
        free(e);
    }
}

static void test_wrap(void **state)
{
    (void)state;
    const char *text = "one two three four five six seven eight nine ten eleven twelve "
                       "a-very-long-word-that-does-not-fit-anywhere-at-all-in-twenty";
    for (size_t width = 10; width < 60; width += 7) {
        struct mc_buf b = MC_BUF_INIT;
        mc_render_wrap(&b, text, 4, 4, width);
        /* The words are all there, in order, whole. */
        char **want = mc_strv_split(text, " ");
        char **got = mc_strv_split(b.data, " \n");
        assert_int_equal(mc_strv_length(got), mc_strv_length(want));
        for (size_t k = 0; want[k]; k++)
            assert_string_equal(got[k], want[k]);
        /* Continuation lines start at the indent; a line is too long only for one long word. */
        bool first = true;
        for (const char *p = b.data; *p; first = false) {
            size_t len = strcspn(p, "\n");
            const char *words = first ? p : p + 4;
            size_t wlen = first ? len : len - 4;
            if (!first) {
                assert_memory_equal(p, "    ", 4);
                assert_true(p[4] != ' ');
            }
            if ((first ? 4 : 0) + len > width)
                assert_null(memchr(words, ' ', wlen));
            p += len + (p[len] == '\n');
        }
        mc_strv_free(want);
        mc_strv_free(got);
        mc_buf_free(&b);
    }
}

int main(void)
{
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),          cmocka_unit_test(test_junit),
        cmocka_unit_test(test_text),          cmocka_unit_test(test_text_quiet_verbose),
        cmocka_unit_test(test_verdict_lines), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_escape),        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
