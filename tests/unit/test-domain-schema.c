/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of what the domain XML makes the destination do (rules/domain-needs.c)
 * against libvirt's own schema as installed: walk the RELAX NG grammar of the
 * domain (domain.rng and every file it includes) and of the other domain*.rng
 * documents from their <start>, following <ref>s, and collect every element that
 * carries a file, path, dir, socket, dev or secret attribute, and every <auth> and
 * <secret> element. Each must be named by a row of the table. The schema directory
 * is /usr/share/libvirt/schemas (libvirt0's), or MIGCHECK_LIBVIRT_SCHEMAS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rules/domain-needs.h"
#include "rules/rules.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define RNG_NS "http://relaxng.org/ns/structure/1.0"

struct define {
    char *name;
    xmlNodePtr *bodies; /* <define> elements (combine= adds more) */
    size_t n;
};

struct grammar {
    const char *dir;
    xmlDocPtr *docs;
    size_t n_docs;
    char **loaded;
    struct define *defs;
    size_t n_defs;
    xmlNodePtr *starts;
    size_t n_starts;
    char **found; /* "devices/disk/source@file" */
};

static bool is_rng(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, RNG_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *r = mc_xstrdup((const char *)v);
    xmlFree(v);
    return r;
}

static struct define *find_def(struct grammar *g, const char *name)
{
    for (size_t i = 0; i < g->n_defs; i++)
        if (strcmp(g->defs[i].name, name) == 0)
            return &g->defs[i];
    return NULL;
}

static void add_def(struct grammar *g, xmlNodePtr d, bool override)
{
    _cleanup_free_ char *name = prop(d, "name");
    if (!name)
        return;
    struct define *def = find_def(g, name);
    if (!def) {
        def = MC_APPEND(g->defs, g->n_defs);
        def->name = mc_xstrdup(name);
    }
    _cleanup_free_ char *combine = prop(d, "combine");
    if (override && !combine) {
        free(def->bodies);
        def->bodies = NULL;
        def->n = 0;
    }
    *MC_APPEND(def->bodies, def->n) = d;
}

static void load(struct grammar *g, const char *file);

static void scan(struct grammar *g, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (is_rng(c, "include")) {
            _cleanup_free_ char *href = prop(c, "href");
            if (href)
                load(g, href);
            /* Definitions inside <include> override the included ones. */
            for (xmlNodePtr o = c->children; o; o = o->next)
                if (is_rng(o, "define"))
                    add_def(g, o, true);
        } else if (is_rng(c, "define")) {
            add_def(g, c, false);
        } else if (is_rng(c, "start")) {
            *MC_APPEND(g->starts, g->n_starts) = c;
        } else if (is_rng(c, "grammar") || is_rng(c, "div")) {
            scan(g, c);
        }
    }
}

static void load(struct grammar *g, const char *file)
{
    if (mc_strv_contains(g->loaded, file))
        return;
    mc_strv_add(&g->loaded, file);
    _cleanup_free_ char *path = mc_xasprintf("%s/%s", g->dir, file);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc)
        fail_msg("cannot read the schema '%s'", path);
    *MC_APPEND(g->docs, g->n_docs) = doc;
    scan(g, xmlDocGetRootElement(doc));
}

/* The name of an <element> or <attribute>: name= or a <name> child; NULL for any-name. */
static char *pattern_name(xmlNodePtr n)
{
    char *v = prop(n, "name");
    if (v)
        return v;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_rng(c, "name")) {
            xmlChar *t = xmlNodeGetContent(c);
            char *r = mc_xstrdup((const char *)t);
            xmlFree(t);
            return r;
        }
    return NULL;
}

/* "a/b/c" of the path, with a run of the same element written once (backingStore chains). */
static char *path_string(char **path, size_t n, const char *attr)
{
    _cleanup_free_ char *s = mc_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(path[i], path[i - 1]) == 0)
            continue;
        char *t = mc_xasprintf("%s%s%s", s, *s ? "/" : "", path[i]);
        free(s);
        s = t;
    }
    return attr ? mc_xasprintf("%s@%s", s, attr) : mc_xstrdup(s);
}

static void record(struct grammar *g, char **path, size_t n, const char *attr)
{
    /* Below <domain>: drop the root element's name; other documents keep theirs. */
    size_t skip = n > 0 && strcmp(path[0], "domain") == 0 ? 1 : 0;
    _cleanup_free_ char *s = path_string(path + skip, n - skip, attr);
    if (!mc_strv_contains(g->found, s))
        mc_strv_add(&g->found, s);
}

struct refstack {
    const char *name;
    size_t depth;
    const struct refstack *up;
};

static bool ref_seen(const struct refstack *rs, const char *name, size_t depth)
{
    for (; rs; rs = rs->up)
        if (rs->depth == depth && strcmp(rs->name, name) == 0)
            return true;
    return false;
}

static void walk(struct grammar *g, xmlNodePtr n, char **path, size_t depth,
                 const struct refstack *rs)
{
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (is_rng(n, "element")) {
        _cleanup_free_ char *name = pattern_name(n);
        const char *nm = name ? name : "*";
        /* A recursion of the same element (nested backingStore) adds nothing new after the
         * second level; stop there. */
        size_t same = 0;
        for (size_t i = 0; i < depth; i++)
            if (strcmp(path[i], nm) == 0)
                same++;
        if (same >= 2 || depth >= 62)
            return;
        path[depth] = (char *)nm;
        if (strcmp(nm, "auth") == 0 || strcmp(nm, "secret") == 0)
            record(g, path, depth + 1, NULL);
        for (xmlNodePtr c = n->children; c; c = c->next)
            walk(g, c, path, depth + 1, NULL);
        return;
    }
    if (is_rng(n, "attribute")) {
        _cleanup_free_ char *name = pattern_name(n);
        static const char *const attrs[] = {
            "file", "path", "dir", "socket", "dev", "secret", NULL
        };
        for (size_t i = 0; name && attrs[i]; i++)
            if (strcmp(name, attrs[i]) == 0)
                record(g, path, depth, name);
        return;
    }
    if (is_rng(n, "ref")) {
        _cleanup_free_ char *name = prop(n, "name");
        if (!name || ref_seen(rs, name, depth))
            return;
        struct define *d = find_def(g, name);
        if (!d)
            fail_msg("the schema refers to an undefined pattern '%s'", name);
        struct refstack here = { .name = d->name, .depth = depth, .up = rs };
        for (size_t i = 0; i < d->n; i++)
            for (xmlNodePtr c = d->bodies[i]->children; c; c = c->next)
                walk(g, c, path, depth, &here);
        return;
    }
    if (is_rng(n, "name") || is_rng(n, "data") || is_rng(n, "value") || is_rng(n, "param"))
        return;
    for (xmlNodePtr c = n->children; c; c = c->next)
        walk(g, c, path, depth, rs);
}

static const char *schema_dir(void)
{
    const char *d = getenv("MIGCHECK_LIBVIRT_SCHEMAS");
    return d && *d ? d : "/usr/share/libvirt/schemas";
}

static void grammar_free(struct grammar *g)
{
    for (size_t i = 0; i < g->n_docs; i++)
        xmlFreeDoc(g->docs[i]);
    free(g->docs);
    for (size_t i = 0; i < g->n_defs; i++) {
        free(g->defs[i].name);
        free(g->defs[i].bodies);
    }
    free(g->defs);
    free(g->starts);
    mc_strv_free(g->loaded);
    mc_strv_free(g->found);
}

/* Every path the schemas of a document give to the interesting elements. */
static char **walk_document(const char *file)
{
    struct grammar g = { .dir = schema_dir() };
    load(&g, file);
    char *path[64];
    for (size_t i = 0; i < g.n_starts; i++)
        for (xmlNodePtr c = g.starts[i]->children; c; c = c->next)
            walk(&g, c, path, 0, NULL);
    char **found = TAKE_PTR(g.found);
    grammar_free(&g);
    return found;
}

static const char *const documents[] = { "domain.rng", "domainsnapshot.rng", "domainbackup.rng",
                                         "domaincheckpoint.rng", NULL };

static void test_every_schema_element_is_named(void **state)
{
    (void)state;
    size_t total = 0, missing = 0;
    bool saw_disk = false, saw_chardev_log = false, saw_secret = false;
    for (size_t d = 0; documents[d]; d++) {
        _cleanup_strv_free_ char **found = walk_document(documents[d]);
        STRV_FOREACH (p, found) {
            total++;
            saw_disk |= strcmp(*p, "devices/disk/source@file") == 0;
            saw_chardev_log |= strcmp(*p, "devices/serial/log@file") == 0;
            saw_secret |= strcmp(*p, "devices/disk/source/auth/secret") == 0;
            if (!mc_domain_needs_find(*p)) {
                fprintf(stderr, "not in the table (rules/domain-needs.c): %s (%s)\n", *p,
                        documents[d]);
                missing++;
            }
        }
    }
    /* The walk itself works: it reaches what every libvirt 9 domain schema has. */
    assert_true(saw_disk);
    assert_true(saw_chardev_log);
    assert_true(saw_secret);
    assert_true(total > 80);
    assert_int_equal(missing, 0);
}

/* A row with a schema attribute must match a schema element: no stale or misspelt rows. */
static void test_rows_exist_in_schema(void **state)
{
    (void)state;
    _cleanup_strv_free_ char **all = NULL;
    for (size_t d = 0; documents[d]; d++) {
        _cleanup_strv_free_ char **found = walk_document(documents[d]);
        STRV_FOREACH (p, found)
            mc_strv_add(&all, *p);
    }
    size_t n, stale = 0;
    const struct mc_domain_need *t = mc_domain_needs_table(&n);
    for (size_t i = 0; i < n; i++) {
        const char *at = strchr(t[i].path, '@');
        size_t len = strlen(t[i].path);
        if (len >= 4 && strcmp(t[i].path + len - 4, "/...") == 0) {
            bool any = false;
            STRV_FOREACH (p, all)
                if (mc_domain_needs_find(*p) == &t[i])
                    any = true;
            if (!any) {
                fprintf(stderr, "row matches no schema element: %s\n", t[i].path);
                stale++;
            }
            continue;
        }
        if (!at)
            continue;
        static const char *const attrs[] = {
            "file", "path", "dir", "socket", "dev", "secret", NULL
        };
        bool schema_attr = false;
        for (size_t k = 0; attrs[k]; k++)
            if (strcmp(at + 1, attrs[k]) == 0)
                schema_attr = true;
        if (schema_attr && !mc_strv_contains(all, t[i].path)) {
            fprintf(stderr, "row names no schema element: %s\n", t[i].path);
            stale++;
        }
    }
    assert_int_equal(stale, 0);
}

static void test_rows_name_known_rules(void **state)
{
    (void)state;
    size_t n, bad = 0;
    const struct mc_domain_need *t = mc_domain_needs_table(&n);
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++) {
        if (t[i].rule && !mc_rule_find(t[i].rule)) {
            fprintf(stderr, "row %s names an unknown rule '%s'\n", t[i].path, t[i].rule);
            bad++;
        }
        /* Either a rule checks it, or the row says why none can. */
        if (!t[i].reason || !*t[i].reason || !t[i].needs || !*t[i].needs) {
            fprintf(stderr, "row %s lacks what DST needs or a reason\n", t[i].path);
            bad++;
        }
        if (!t[i].rule && t[i].action != MC_DST_NOTHING && strlen(t[i].reason) < 20) {
            fprintf(stderr, "row %s has no rule and no real reason\n", t[i].path);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_find_by_prefix(void **state)
{
    (void)state;
    const struct mc_domain_need *m = mc_domain_needs_find("devices/disk/mirror/source@file");
    assert_non_null(m);
    assert_string_equal(m->path, "devices/disk/mirror/...");
    assert_ptr_equal(mc_domain_needs_find("devices/disk/mirror@file"), m);
    assert_null(mc_domain_needs_find("devices/disk/mirrorx@file"));
    assert_null(mc_domain_needs_find("devices/nonesuch@file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_schema_element_is_named),
        cmocka_unit_test(test_rows_exist_in_schema),
        cmocka_unit_test(test_rows_name_known_rules),
        cmocka_unit_test(test_find_by_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
