/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "inventory.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/hashmap.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define MAX_FILE        (16u << 20)
#define MAX_DEPTH       64
#define MAX_GROUPS      10000
#define MAX_YAML_VISITS 2000000

/* ---- the model while reading: groups with hosts, children and variables ---- */

struct var {
    char *key, *value;
};

struct vars {
    struct var *items;
    size_t n;
};

struct group {
    char *name;
    char **hosts;               /* names, in order */
    struct mc_hashmap host_set; /* the same names (its n: how many) */
    char **children;            /* group names */
    struct mc_hashmap child_set;
    size_t *kids; /* the groups children names, as indices (names of no group left out) */
    size_t n_kids;
    struct vars vars;
    int depth; /* -1 unknown, -2 being computed (cycle check) */
};

struct host {
    char *name;
    struct vars vars;
};

struct inv {
    const char *what;
    struct mc_error *err;
    struct group *groups;
    size_t n_groups;
    struct mc_hashmap group_index; /* name -> index in groups */
    struct host *hosts;
    size_t n_hosts;
    struct mc_hashmap host_index; /* name -> index in hosts (a plain list: in the result's) */
    unsigned long visits;
};

static void vars_set(struct vars *v, const char *key, const char *value)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->items[i].key, key) == 0) {
            free(v->items[i].value);
            v->items[i].value = mc_xstrdup(value);
            return;
        }
    struct var *x = MC_APPEND(v->items, v->n);
    x->key = mc_xstrdup(key);
    x->value = mc_xstrdup(value);
}

static const char *vars_get(const struct vars *v, const char *key)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->items[i].key, key) == 0)
            return v->items[i].value;
    return NULL;
}

static void vars_clear(struct vars *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->items[i].key);
        free(v->items[i].value);
    }
    free(v->items);
    v->items = NULL;
    v->n = 0;
}

static void inv_clear(struct inv *c)
{
    for (size_t i = 0; i < c->n_groups; i++) {
        free(c->groups[i].name);
        mc_strv_free(c->groups[i].hosts);
        mc_hashmap_clear(&c->groups[i].host_set);
        mc_strv_free(c->groups[i].children);
        mc_hashmap_clear(&c->groups[i].child_set);
        free(c->groups[i].kids);
        vars_clear(&c->groups[i].vars);
    }
    free(c->groups);
    for (size_t i = 0; i < c->n_hosts; i++) {
        free(c->hosts[i].name);
        vars_clear(&c->hosts[i].vars);
    }
    free(c->hosts);
    mc_hashmap_clear(&c->host_index);
    mc_hashmap_clear(&c->group_index);
}

static struct group *group_get(struct inv *c, const char *name)
{
    size_t i;
    if (mc_hashmap_get_str(&c->group_index, name, &i))
        return &c->groups[i];
    if (c->n_groups >= MAX_GROUPS)
        return NULL;
    mc_hashmap_put(&c->group_index, name, strlen(name), c->n_groups);
    struct group *g = MC_APPEND(c->groups, c->n_groups);
    memset(g, 0, sizeof(*g));
    g->name = mc_xstrdup(name);
    g->depth = -1;
    return g;
}

/* Add name to the list v once: set holds the same names, so set->n is v's length. */
static void names_add(char ***v, struct mc_hashmap *set, const char *name)
{
    size_t n = set->n;
    if (mc_hashmap_intern(set, name, strlen(name), n) == n)
        mc_strv_push_n(v, &n, mc_xstrdup(name));
}

static struct host *host_get(struct inv *c, const char *name)
{
    /* Hashed, as are a group's hosts: an inventory of MAX_HOSTS hosts in a few groups would
     * otherwise cost MAX_HOSTS^2 / 2 comparisons for each. */
    size_t i;
    if (mc_hashmap_get_str(&c->host_index, name, &i))
        return &c->hosts[i];
    if (c->n_hosts >= MC_INVENTORY_MAX_HOSTS)
        return NULL;
    mc_hashmap_put(&c->host_index, name, strlen(name), c->n_hosts);
    struct host *h = MC_APPEND(c->hosts, c->n_hosts);
    memset(h, 0, sizeof(*h));
    h->name = mc_xstrdup(name);
    return h;
}

_printf_(3, 4) static int bad(struct inv *c, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *msg = mc_xvasprintf(fmt, ap);
    va_end(ap);
    if (line > 0)
        return mc_error_set(c->err, -EBADMSG, "%s line %ld: %s", c->what, line, msg);
    return mc_error_set(c->err, -EBADMSG, "%s: %s", c->what, msg);
}

/* Names must be printable, without spaces, and not start with '-' (never an ssh option). */
static bool name_ok(const char *s)
{
    if (!*s || *s == '-')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

static bool all_digits(const char *s, size_t n);

/* A host as a group lists it: "name" or "name:port" (the port becomes a host variable). */
static int add_host_to_group(struct inv *c, struct group *g, const char *pattern, long line,
                             struct host **ret)
{
    _cleanup_free_ char *name = mc_xstrdup(pattern);
    char *colon = strchr(name, ':');
    const char *port = NULL;
    if (colon && !strchr(colon + 1, ':') && all_digits(colon + 1, strlen(colon + 1))) {
        *colon = '\0';
        port = colon + 1;
    }
    if (!name_ok(name))
        return bad(c, line, "invalid host name '%s'", name);
    struct host *h = host_get(c, name);
    if (!h)
        return bad(c, line, "more than %d hosts", MC_INVENTORY_MAX_HOSTS);
    if (port)
        vars_set(&h->vars, "ansible_port", port);
    if (g)
        names_add(&g->hosts, &g->host_set, name);
    *ret = h;
    return 0;
}

/* ---- host patterns: "web[01:20].example.com", "db-[a:c]", "[1:9:2]" ---- */

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Expand the first range of pattern into out (recursively for the rest). */
static int expand(struct inv *c, const char *pattern, long line, char ***out, size_t *n_out,
                  size_t *count)
{
    const char *open = strchr(pattern, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    if (!open || !close) {
        if (++*count > MC_INVENTORY_MAX_HOSTS)
            return bad(c, line, "host pattern '%s' gives more than %d hosts", pattern,
                       MC_INVENTORY_MAX_HOSTS);
        mc_strv_push_n(out, n_out, mc_xstrdup(pattern));
        return 0;
    }
    /* [start:end] or [start:end:stride] */
    const char *inner = open + 1;
    size_t inner_len = (size_t)(close - inner);
    _cleanup_free_ char *in = mc_xstrndup(inner, inner_len);
    _cleanup_strv_free_ char **parts = NULL;
    {
        char *p = in, *colon;
        while ((colon = strchr(p, ':'))) {
            mc_strv_push(&parts, mc_xstrndup(p, (size_t)(colon - p)));
            p = colon + 1;
        }
        mc_strv_add(&parts, p);
    }
    size_t np = mc_strv_length(parts);
    if (np < 2 || np > 3 || !*parts[0] || !*parts[1]) {
        /* Not a range (an IPv6 address in brackets, say): literal. */
        if (++*count > MC_INVENTORY_MAX_HOSTS)
            return bad(c, line, "too many hosts");
        mc_strv_push_n(out, n_out, mc_xstrdup(pattern));
        return 0;
    }
    long stride = 1;
    if (np == 3) {
        if (!all_digits(parts[2], strlen(parts[2])) || strlen(parts[2]) > 6 ||
            (stride = strtol(parts[2], NULL, 10)) <= 0)
            return bad(c, line, "invalid stride in host pattern '%s'", pattern);
    }
    _cleanup_free_ char *prefix = mc_xstrndup(pattern, (size_t)(open - pattern));
    const char *suffix = close + 1;
    const char *a = parts[0], *b = parts[1];
    if (all_digits(a, strlen(a)) && all_digits(b, strlen(b))) {
        if (strlen(a) > 9 || strlen(b) > 9)
            return bad(c, line, "range too large in host pattern '%s'", pattern);
        long from = strtol(a, NULL, 10), to = strtol(b, NULL, 10);
        if (from > to)
            return bad(c, line, "range [%s:%s] runs backwards in host pattern '%s'", a, b, pattern);
        if ((to - from) / stride + 1 > MC_INVENTORY_MAX_HOSTS)
            return bad(c, line, "host pattern '%s' gives more than %d hosts", pattern,
                       MC_INVENTORY_MAX_HOSTS);
        int width = a[0] == '0' && strlen(a) > 1 ? (int)strlen(a) : 0;
        for (long i = from; i <= to; i += stride) {
            _cleanup_free_ char *next = mc_xasprintf("%s%0*ld%s", prefix, width, i, suffix);
            int r = expand(c, next, line, out, n_out, count);
            if (r < 0)
                return r;
        }
        return 0;
    }
    if (strlen(a) == 1 && strlen(b) == 1 && isalpha((unsigned char)a[0]) &&
        isalpha((unsigned char)b[0])) {
        if (a[0] > b[0])
            return bad(c, line, "range [%s:%s] runs backwards in host pattern '%s'", a, b, pattern);
        for (int ch = a[0]; ch <= b[0]; ch += (int)stride) {
            _cleanup_free_ char *next = mc_xasprintf("%s%c%s", prefix, ch, suffix);
            int r = expand(c, next, line, out, n_out, count);
            if (r < 0)
                return r;
        }
        return 0;
    }
    return bad(c, line, "invalid range [%s] in host pattern '%s'", in, pattern);
}

/* ---- resolving: variables by precedence, then the host specs ---- */

/* Each group's children as indices: looked up once, not at every host (an inventory of N
 * groups under one parent with variables would otherwise cost N^3 comparisons). */
static void index_children(struct inv *c)
{
    struct mc_hashmap by_name = { 0 };
    for (size_t i = 0; i < c->n_groups; i++)
        mc_hashmap_intern(&by_name, c->groups[i].name, strlen(c->groups[i].name), i);
    for (size_t i = 0; i < c->n_groups; i++) {
        struct group *g = &c->groups[i];
        STRV_FOREACH (ch, g->children) {
            size_t k;
            if (mc_hashmap_get_str(&by_name, *ch, &k))
                *MC_APPEND(g->kids, g->n_kids) = k;
        }
    }
    mc_hashmap_clear(&by_name);
}

/* Depth of every group below "all": a group's depth is one more than its deepest parent. */
static int compute_depths(struct inv *c)
{
    for (size_t i = 0; i < c->n_groups; i++)
        c->groups[i].depth = strcmp(c->groups[i].name, "all") == 0 ? 0 : 1;
    /* Relax: a child is deeper than each parent. A cycle would never settle. */
    for (size_t round = 0;; round++) {
        bool changed = false;
        for (size_t i = 0; i < c->n_groups; i++) {
            struct group *g = &c->groups[i];
            for (size_t j = 0; j < g->n_kids; j++) {
                struct group *k = &c->groups[g->kids[j]];
                if (k->depth <= g->depth) {
                    k->depth = g->depth + 1;
                    changed = true;
                }
            }
        }
        if (!changed)
            return 0;
        if (round > MAX_DEPTH)
            return bad(c, 0, "the groups' children nest deeper than %d levels, or form a cycle",
                       MAX_DEPTH);
    }
}

/* Does group g contain host (directly or through children)? */
static bool group_has_host(struct inv *c, const struct group *g, const char *host, int level)
{
    if (level > MAX_DEPTH)
        return false;
    if (mc_hashmap_get_str(&g->host_set, host, NULL))
        return true;
    for (size_t j = 0; j < g->n_kids; j++)
        if (group_has_host(c, &c->groups[g->kids[j]], host, level + 1))
            return true;
    return false;
}

static int cmp_group(const void *x, const void *y)
{
    const struct group *const *a = x, *const *b = y;
    if ((*a)->depth != (*b)->depth)
        return (*a)->depth < (*b)->depth ? -1 : 1;
    return strcmp((*a)->name, (*b)->name);
}

static const char *first_of(const struct vars *v, const char *a, const char *b)
{
    const char *x = vars_get(v, a);
    return x ? x : vars_get(v, b);
}

static bool has_template(const char *s)
{
    return s && (strstr(s, "{{") || strstr(s, "{%"));
}

static int resolve(struct inv *c, struct mc_inventory *ret)
{
    index_children(c);
    int r = compute_depths(c);
    if (r < 0)
        return r;
    _cleanup_free_ struct group **order = mc_xmalloc(sizeof(*order) * (c->n_groups + 1));
    for (size_t i = 0; i < c->n_groups; i++)
        order[i] = &c->groups[i];
    if (c->n_groups > 1)
        qsort(order, c->n_groups, sizeof(*order), cmp_group);

    for (size_t i = 0; i < c->n_hosts; i++) {
        const struct host *h = &c->hosts[i];
        struct vars v = { 0 };
        for (size_t k = 0; k < c->n_groups; k++) {
            const struct group *g = order[k];
            if (!g->vars.n)
                continue;
            if (strcmp(g->name, "all") != 0 && !group_has_host(c, g, h->name, 0))
                continue;
            for (size_t j = 0; j < g->vars.n; j++)
                vars_set(&v, g->vars.items[j].key, g->vars.items[j].value);
        }
        for (size_t j = 0; j < h->vars.n; j++)
            vars_set(&v, h->vars.items[j].key, h->vars.items[j].value);

        const char *addr = first_of(&v, "ansible_host", "ansible_ssh_host");
        const char *user = first_of(&v, "ansible_user", "ansible_ssh_user");
        const char *port = first_of(&v, "ansible_port", "ansible_ssh_port");
        const char *conn = vars_get(&v, "ansible_connection");
        struct mc_inventory_host *out = MC_APPEND(ret->hosts, ret->n_hosts);
        out->name = mc_xstrdup(h->name);
        if (has_template(addr) || has_template(user) || has_template(port)) {
            vars_clear(&v);
            return bad(c, 0,
                       "host '%s': its connection variables use a template, which migcheck "
                       "cannot evaluate",
                       h->name);
        }
        if (conn && strcmp(conn, "local") == 0) {
            out->spec = mc_xstrdup("local");
            vars_clear(&v);
            continue;
        }
        const char *base = addr ? addr : h->name;
        if (port && (!all_digits(port, strlen(port)) || strlen(port) > 5 || atoi(port) < 1 ||
                     atoi(port) > 65535)) {
            _cleanup_free_ char *p = mc_xstrdup(port);
            vars_clear(&v);
            return bad(c, 0, "host '%s': invalid port '%s'", h->name, p);
        }
        if (!name_ok(base) || (user && !name_ok(user))) {
            vars_clear(&v);
            return bad(c, 0, "host '%s': invalid address or user", h->name);
        }
        bool v6 = strchr(base, ':') != NULL;
        out->spec = mc_xasprintf("%s%s%s%s%s%s%s", user ? user : "", user ? "@" : "", v6 ? "[" : "",
                                 base, v6 ? "]" : "", port ? ":" : "", port ? port : "");
        vars_clear(&v);
    }
    return 0;
}

/* ---- INI ---- */

/* Split a line into words: whitespace separates, '…' and "…" quote; '#' starts a comment. */
static int split_words(struct inv *c, const char *s, long line, char ***ret)
{
    char **v = NULL;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            break;
        _cleanup_buf_ struct mc_buf w = MC_BUF_INIT;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                const char *end = strchr(s, q);
                if (!end) {
                    mc_strv_free(v);
                    return bad(c, line, "unterminated quote");
                }
                mc_buf_append(&w, s, (size_t)(end - s));
                s = end + 1;
            } else {
                mc_buf_putc(&w, *s++);
            }
        }
        mc_strv_push(&v, mc_buf_steal(&w));
    }
    *ret = v;
    return 0;
}

/* The line at *p without its leading blanks and trailing white space, in a copy (*ret_raw, to
 * free); *p moves past the line and *ln counts it. */
static char *next_line(const char **p, long *ln, char **ret_raw)
{
    const char *nl = strchr(*p, '\n');
    size_t n = nl ? (size_t)(nl - *p) : strlen(*p);
    char *raw = mc_xstrndup(*p, n);
    *p += n + (nl ? 1 : 0);
    (*ln)++;
    char *s = raw;
    while (*s == ' ' || *s == '\t')
        s++;
    mc_strip_trailing(s);
    *ret_raw = raw;
    return s;
}

enum ini_section {
    SEC_HOSTS,
    SEC_VARS,
    SEC_CHILDREN
};

static int parse_ini(struct inv *c, const char *buf)
{
    /* The current group by index: adding groups may move the array. */
    size_t gi = (size_t)(group_get(c, "ungrouped") - c->groups);
#define G (&c->groups[gi])
    enum ini_section sec = SEC_HOSTS;
    long ln = 0;
    const char *p = buf;
    while (*p) {
        _cleanup_free_ char *raw = NULL;
        char *s = next_line(&p, &ln, &raw);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strrchr(s, ']');
            if (!end || end[1])
                return bad(c, ln, "invalid section header '%s'", s);
            *end = '\0';
            char *name = s + 1, *kind = strchr(name, ':');
            sec = SEC_HOSTS;
            if (kind) {
                *kind++ = '\0';
                if (strcmp(kind, "vars") == 0)
                    sec = SEC_VARS;
                else if (strcmp(kind, "children") == 0)
                    sec = SEC_CHILDREN;
                else
                    return bad(c, ln, "unknown section kind ':%s'", kind);
            }
            if (!name_ok(name))
                return bad(c, ln, "invalid group name '%s'", name);
            struct group *g = group_get(c, name);
            if (!g)
                return bad(c, ln, "more than %d groups", MAX_GROUPS);
            gi = (size_t)(g - c->groups);
            continue;
        }
        if (sec == SEC_VARS) {
            char *eq = strchr(s, '=');
            if (!eq || eq == s)
                return bad(c, ln, "expected key=value in [%s:vars]", G->name);
            *eq = '\0';
            mc_strip_trailing(s);
            char *val = eq + 1;
            while (*val == ' ' || *val == '\t')
                val++;
            _cleanup_strv_free_ char **w = NULL;
            int r = split_words(c, val, ln, &w);
            if (r < 0)
                return r;
            _cleanup_free_ char *joined = mc_strv_join(w, " ");
            vars_set(&G->vars, s, joined ? joined : "");
            continue;
        }
        _cleanup_strv_free_ char **w = NULL;
        int r = split_words(c, s, ln, &w);
        if (r < 0)
            return r;
        if (!w || !w[0])
            continue;
        if (sec == SEC_CHILDREN) {
            if (w[1])
                return bad(c, ln, "expected one group name in [%s:children]", G->name);
            if (!name_ok(w[0]))
                return bad(c, ln, "invalid group name '%s'", w[0]);
            if (strcmp(w[0], G->name) == 0)
                return bad(c, ln, "group '%s' is its own child", G->name);
            names_add(&G->children, &G->child_set, w[0]);
            if (!group_get(c, w[0]))
                return bad(c, ln, "more than %d groups", MAX_GROUPS);
            continue;
        }
        _cleanup_strv_free_ char **names = NULL;
        size_t count = c->n_hosts, n_names = 0;
        r = expand(c, w[0], ln, &names, &n_names, &count);
        if (r < 0)
            return r;
        STRV_FOREACH (nm, names) {
            struct host *h;
            r = add_host_to_group(c, G, *nm, ln, &h);
            if (r < 0)
                return r;
            for (size_t i = 1; w[i]; i++) {
                char *eq = strchr(w[i], '=');
                if (!eq || eq == w[i])
                    return bad(c, ln, "expected key=value after the host, not '%s'", w[i]);
                *eq = '\0';
                vars_set(&h->vars, w[i], eq + 1);
                *eq = '=';
            }
        }
    }
#undef G
    return 0;
}

/* ---- YAML (libyaml's document API: aliases stay references, visits are counted) ---- */

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_null(yaml_node_t *n)
{
    const char *s = scalar(n);
    return !n || (s && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0));
}

static long node_line(yaml_node_t *n)
{
    return n ? (long)n->start_mark.line + 1 : 0;
}

static int yaml_group(struct inv *c, yaml_document_t *doc, const char *name, yaml_node_t *node,
                      int depth);

static int yaml_vars(struct inv *c, yaml_document_t *doc, yaml_node_t *node, struct vars *out,
                     const char *owner)
{
    if (is_null(node))
        return 0;
    if (node->type != YAML_MAPPING_NODE)
        return bad(c, node_line(node), "the variables of %s are not a mapping", owner);
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top;
         pr++) {
        if (++c->visits > MAX_YAML_VISITS)
            return bad(c, 0, "too large (aliases?)");
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        const char *ks = scalar(k);
        if (!ks)
            return bad(c, node_line(k), "a variable of %s has a key that is not a string", owner);
        const char *vs = scalar(v);
        if (vs)
            vars_set(out, ks, vs);
        else if (strncmp(ks, "ansible_", 8) == 0 &&
                 (strstr(ks, "host") || strstr(ks, "user") || strstr(ks, "port") ||
                  strstr(ks, "connection")))
            return bad(c, node_line(v), "variable '%s' of %s is not a plain value", ks, owner);
    }
    return 0;
}

static int yaml_hosts(struct inv *c, yaml_document_t *doc, struct group *g, yaml_node_t *node)
{
    if (is_null(node))
        return 0;
    if (node->type != YAML_MAPPING_NODE)
        return bad(c, node_line(node), "the hosts of group '%s' are not a mapping", g->name);
    _cleanup_free_ char *gname = mc_xstrdup(g->name);
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top;
         pr++) {
        if (++c->visits > MAX_YAML_VISITS)
            return bad(c, 0, "too large (aliases?)");
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        const char *pattern = scalar(k);
        if (!pattern)
            return bad(c, node_line(k), "a host of group '%s' is not named by a string", gname);
        _cleanup_strv_free_ char **names = NULL;
        size_t count = c->n_hosts, n_names = 0;
        int r = expand(c, pattern, node_line(k), &names, &n_names, &count);
        if (r < 0)
            return r;
        STRV_FOREACH (n, names) {
            struct group *gg = group_get(c, gname); /* the array may have moved */
            struct host *h;
            r = add_host_to_group(c, gg, *n, node_line(k), &h);
            if (r < 0)
                return r;
            _cleanup_free_ char *owner = mc_xasprintf("host '%s'", *n);
            r = yaml_vars(c, doc, v, &h->vars, owner);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

static int yaml_group(struct inv *c, yaml_document_t *doc, const char *name, yaml_node_t *node,
                      int depth)
{
    if (depth > MAX_DEPTH)
        return bad(c, node_line(node), "groups nest deeper than %d levels", MAX_DEPTH);
    if (!name_ok(name))
        return bad(c, node_line(node), "invalid group name '%s'", name);
    if (!group_get(c, name))
        return bad(c, node_line(node), "more than %d groups", MAX_GROUPS);
    if (is_null(node))
        return 0;
    if (node->type != YAML_MAPPING_NODE)
        return bad(c, node_line(node), "group '%s' is not a mapping", name);
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top;
         pr++) {
        if (++c->visits > MAX_YAML_VISITS)
            return bad(c, 0, "too large (aliases?)");
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        const char *key = scalar(k);
        int r;
        if (key && strcmp(key, "hosts") == 0) {
            r = yaml_hosts(c, doc, group_get(c, name), v);
        } else if (key && strcmp(key, "vars") == 0) {
            _cleanup_free_ char *owner = mc_xasprintf("group '%s'", name);
            struct vars tmp = { 0 };
            r = yaml_vars(c, doc, v, &tmp, owner);
            struct group *g = group_get(c, name);
            for (size_t i = 0; r == 0 && i < tmp.n; i++)
                vars_set(&g->vars, tmp.items[i].key, tmp.items[i].value);
            vars_clear(&tmp);
        } else if (key && strcmp(key, "children") == 0) {
            if (is_null(v))
                continue;
            if (v->type != YAML_MAPPING_NODE)
                return bad(c, node_line(v), "the children of group '%s' are not a mapping", name);
            r = 0;
            for (yaml_node_pair_t *cp = v->data.mapping.pairs.start;
                 r == 0 && cp < v->data.mapping.pairs.top; cp++) {
                yaml_node_t *ck = yaml_document_get_node(doc, cp->key);
                const char *cname = scalar(ck);
                if (!cname)
                    return bad(c, node_line(ck), "a child of group '%s' is not named by a string",
                               name);
                if (strcmp(cname, name) == 0)
                    return bad(c, node_line(ck), "group '%s' is its own child", name);
                struct group *g = group_get(c, name);
                names_add(&g->children, &g->child_set, cname);
                _cleanup_free_ char *cn = mc_xstrdup(cname);
                r = yaml_group(c, doc, cn, yaml_document_get_node(doc, cp->value), depth + 1);
            }
        } else {
            return bad(c, node_line(k),
                       "group '%s': unknown key '%s' (expected hosts, vars or "
                       "children)",
                       name, key ? key : "?");
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_yaml(struct inv *c, const char *buf, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return mc_error_set(c->err, -ENOMEM, "%s: cannot start the YAML parser", c->what);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        int r = bad(c, (long)parser.problem_mark.line + 1, "not valid YAML: %s",
                    parser.problem ? parser.problem : "error");
        yaml_parser_delete(&parser);
        return r;
    }
    int r = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        r = bad(c, 0, "empty YAML document");
    } else if (root->type != YAML_MAPPING_NODE) {
        r = bad(c, node_line(root), "the YAML inventory is not a mapping of groups");
    } else {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             r == 0 && pr < root->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            const char *name = scalar(k);
            if (!name) {
                r = bad(c, node_line(k), "a group is not named by a string");
                break;
            }
            _cleanup_free_ char *n = mc_xstrdup(name);
            r = yaml_group(c, &doc, n, yaml_document_get_node(&doc, pr->value), 0);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return r;
}

/* ---- plain ---- */

static int parse_plain(struct inv *c, const char *buf, struct mc_inventory *ret)
{
    long ln = 0;
    const char *p = buf;
    while (*p) {
        _cleanup_free_ char *raw = NULL;
        char *s = next_line(&p, &ln, &raw);
        if (!*s || *s == '#')
            continue;
        if (!name_ok(s))
            return bad(c, ln, "invalid host '%s'", s);
        if (mc_hashmap_intern(&c->host_index, s, strlen(s), ret->n_hosts) != ret->n_hosts)
            continue; /* named before */
        if (ret->n_hosts >= MC_INVENTORY_MAX_HOSTS)
            return bad(c, ln, "more than %d hosts", MC_INVENTORY_MAX_HOSTS);
        struct mc_inventory_host *h = MC_APPEND(ret->hosts, ret->n_hosts);
        h->name = mc_xstrdup(s);
        h->spec = mc_xstrdup(s);
    }
    return 0;
}

/* ---- which format ---- */

static const char *detect(const char *buf)
{
    bool ini = false, first = true;
    const char *p = buf;
    while (*p) {
        const char *line = p;
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *s = line, *e = line + n;
        p += n + (nl ? 1 : 0);
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (s == e || *s == '#' || *s == ';')
            continue;
        if (first) {
            first = false;
            /* YAML: a document start, or a key at column 0 followed by ':' and a space or
             * the end of the line ("all:", "web: {hosts: ...}"). */
            if (e - s >= 3 && strncmp(s, "---", 3) == 0)
                return "yaml";
            size_t k = strcspn(s, ": \t=[#");
            if (s == line && k > 0 && s + k < e && s[k] == ':' &&
                (s + k + 1 == e || s[k + 1] == ' ' || s[k + 1] == '\t'))
                return "yaml";
        }
        if (*s == '[')
            ini = true;
        for (const char *q = s; q < e; q++)
            if (*q == '=' || *q == ' ' || *q == '\t')
                ini = true;
    }
    return ini ? "ini" : "plain";
}

int mc_inventory_parse(const char *buf, size_t len, const char *what, struct mc_inventory *ret,
                       struct mc_error *reterr)
{
    struct mc_inventory out = { 0 };
    if (memchr(buf, '\0', len))
        return mc_error_set(reterr, -EBADMSG, "%s: not a text file (NUL byte)", what);
    _cleanup_free_ char *text = mc_xstrndup(buf, len);
    /* CR LF line ends are fine; a lone CR is not a line end. */
    for (char *s = text; *s; s++)
        if (s[0] == '\r' && s[1] == '\n')
            s[0] = ' ';
    struct inv c = { .what = what, .err = reterr };
    out.format = detect(text);
    int r;
    if (strcmp(out.format, "plain") == 0) {
        r = parse_plain(&c, text, &out);
    } else {
        r = strcmp(out.format, "yaml") == 0 ? parse_yaml(&c, text, len) : parse_ini(&c, text);
        if (r == 0)
            r = resolve(&c, &out);
    }
    inv_clear(&c);
    if (r == 0 && out.n_hosts == 0)
        r = mc_error_set(reterr, -EBADMSG, "%s names no host", what);
    if (r < 0) {
        mc_inventory_clear(&out);
        return r;
    }
    *ret = out;
    return 0;
}

int mc_inventory_load(const char *path, struct mc_inventory *ret, struct mc_error *reterr)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(path, MAX_FILE, &buf, &len);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot read inventory '%s': %s", path,
                            r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
    _cleanup_free_ char *what = mc_xasprintf("inventory '%s'", path);
    return mc_inventory_parse(buf, len, what, ret, reterr);
}

void mc_inventory_clear(struct mc_inventory *inv)
{
    for (size_t i = 0; i < inv->n_hosts; i++) {
        free(inv->hosts[i].name);
        free(inv->hosts[i].spec);
    }
    free(inv->hosts);
    inv->hosts = NULL;
    inv->n_hosts = 0;
}
