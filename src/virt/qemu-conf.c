/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu.conf in libvirt's configuration syntax, read the way libvirt's own
 * parser (src/util/virconf.c) reads it, so a file libvirtd refuses is refused
 * here too:
 *
 *   name   = [A-Za-z][A-Za-z0-9_]*
 *   value  = "string" | 'string' | """multi-line string""" | [+-]digits | [ value, ... ]
 *   statement = name blanks "=" blanks value blanks [ "#" comment ]
 *   statements are separated by newlines or ";"; "#" starts a comment line.
 *
 * Strings have no escapes and single-quoted or double-quoted ones cannot span
 * lines. A key set twice keeps its first value (virConfGetValue returns the
 * first entry).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"
#include "virt-xml.h"
#include "virt.h"

/* Lists nest in the syntax; qemu.conf never nests them. */
#define MAX_LIST_DEPTH 8

enum vtype {
    V_NONE,
    V_STRING,
    V_NUMBER,
    V_LIST,
};

struct value {
    enum vtype type;
    char *str;
    long long num;
    struct value *items; /* V_LIST */
    size_t n_items;
};

struct parser {
    const char *cur, *end;
    int line;
    char *error; /* set on the first syntax error */
};

static void value_clear(struct value *v)
{
    free(v->str);
    for (size_t i = 0; i < v->n_items; i++)
        value_clear(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

static int fail(struct parser *p, const char *msg)
{
    if (!p->error)
        p->error = mc_xasprintf("line %d: %s", p->line, msg);
    return -EBADMSG;
}

static bool at_end(const struct parser *p)
{
    return p->cur >= p->end;
}

static char cur(const struct parser *p)
{
    return at_end(p) ? '\0' : *p->cur;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_eol(char c)
{
    return c == '\n' || c == '\r';
}

static void next(struct parser *p)
{
    if (!at_end(p)) {
        if (*p->cur == '\n')
            p->line++;
        p->cur++;
    }
}

static void skip_blanks(struct parser *p)
{
    while (!at_end(p) && is_blank(*p->cur))
        next(p);
}

/* g_ascii_isspace: space, \t, \n, \v, \f, \r */
static void skip_blanks_and_eol(struct parser *p)
{
    while (!at_end(p) && (strchr(" \t\n\v\f\r", *p->cur) != NULL && *p->cur != '\0'))
        next(p);
}

static bool starts_with(const struct parser *p, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(p->end - p->cur) >= n && memcmp(p->cur, s, n) == 0;
}

static char *dup_clean(const char *s, size_t n)
{
    _cleanup_free_ char *raw = mc_xstrndup(s, n);
    return mc_utf8_clean(raw);
}

static int parse_string(struct parser *p, char **ret)
{
    char q = cur(p);
    if (q == '\'' || (q == '"' && !(p->end - p->cur > 6 && starts_with(p, "\"\"\"")))) {
        next(p);
        const char *base = p->cur;
        while (!at_end(p) && cur(p) != q && !is_eol(cur(p)))
            next(p);
        if (cur(p) != q)
            return fail(p, "unterminated string");
        *ret = dup_clean(base, (size_t)(p->cur - base));
        next(p);
        return 0;
    }
    /* """multi-line""" */
    p->cur += 3;
    const char *base = p->cur;
    while (p->end - p->cur > 2 && !starts_with(p, "\"\"\""))
        next(p);
    if (!starts_with(p, "\"\"\""))
        return fail(p, "unterminated string");
    *ret = dup_clean(base, (size_t)(p->cur - base));
    p->cur += 3;
    return 0;
}

static int parse_number(struct parser *p, long long *ret)
{
    bool neg = false;
    if (cur(p) == '-' || cur(p) == '+') {
        neg = cur(p) == '-';
        next(p);
    }
    if (!(cur(p) >= '0' && cur(p) <= '9'))
        return fail(p, "unterminated number");
    unsigned long long v = 0;
    while (cur(p) >= '0' && cur(p) <= '9') {
        unsigned d = (unsigned)(cur(p) - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return fail(p, "numeric overflow");
        v = v * 10 + d;
        next(p);
    }
    if (neg ? v > (unsigned long long)LLONG_MAX + 1 : v > (unsigned long long)LLONG_MAX)
        return fail(p, "numeric overflow");
    *ret = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

static int parse_value(struct parser *p, struct value *ret, int depth)
{
    struct value v = { 0 };
    int r;
    skip_blanks(p);
    if (at_end(p))
        return fail(p, "expecting a value");
    char c = cur(p);
    if (c == '"' || c == '\'') {
        v.type = V_STRING;
        r = parse_string(p, &v.str);
        if (r < 0)
            return r;
    } else if (c == '[') {
        if (depth >= MAX_LIST_DEPTH)
            return fail(p, "lists nested too deeply");
        v.type = V_LIST;
        next(p);
        skip_blanks_and_eol(p);
        if (!at_end(p) && cur(p) != ']') {
            r = parse_value(p, MC_APPEND(v.items, v.n_items), depth + 1);
            if (r < 0) {
                value_clear(&v);
                return r;
            }
            skip_blanks_and_eol(p);
        }
        while (!at_end(p) && cur(p) != ']') {
            if (cur(p) != ',') {
                value_clear(&v);
                return fail(p, "expecting a separator in list");
            }
            next(p);
            skip_blanks_and_eol(p);
            if (cur(p) == ']')
                break;
            r = parse_value(p, MC_APPEND(v.items, v.n_items), depth + 1);
            if (r < 0) {
                value_clear(&v);
                return r;
            }
            skip_blanks_and_eol(p);
        }
        if (cur(p) != ']') {
            value_clear(&v);
            return fail(p, "list is not closed with ]");
        }
        next(p);
    } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
        v.type = V_NUMBER;
        r = parse_number(p, &v.num);
        if (r < 0)
            return r;
    } else {
        return fail(p, "expecting a value");
    }
    *ret = v;
    return 0;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* One statement: a comment, or name = value [# comment]. *ret_name NULL for a comment. */
static int parse_statement(struct parser *p, char **ret_name, struct value *ret_value)
{
    skip_blanks_and_eol(p);
    if (at_end(p)) {
        *ret_name = NULL;
        return 0;
    }
    if (cur(p) == '#') {
        while (!at_end(p) && !is_eol(cur(p)))
            next(p);
        *ret_name = NULL;
        return 0;
    }
    if (!is_alpha(cur(p)))
        return fail(p, "expecting a name");
    const char *base = p->cur;
    while (!at_end(p) && (is_alnum(cur(p)) || cur(p) == '_'))
        next(p);
    _cleanup_free_ char *name = mc_xstrndup(base, (size_t)(p->cur - base));
    skip_blanks(p);
    if (cur(p) != '=')
        return fail(p, "expecting an assignment");
    next(p);
    skip_blanks(p);
    struct value v = { 0 };
    int r = parse_value(p, &v, 0);
    if (r < 0)
        return r;
    skip_blanks(p);
    if (cur(p) == '#')
        while (!at_end(p) && !is_eol(cur(p)))
            next(p);
    *ret_name = TAKE_PTR(name);
    *ret_value = v;
    return 0;
}

static int parse_separator(struct parser *p)
{
    skip_blanks(p);
    if (at_end(p))
        return 0;
    if (is_eol(cur(p))) {
        skip_blanks_and_eol(p);
    } else if (cur(p) == ';') {
        next(p);
        skip_blanks_and_eol(p);
    } else {
        return fail(p, "expecting a separator");
    }
    return 0;
}

static const char *const known_keys[] = {
    "migration_address",
    "migration_host",
    "migration_port_min",
    "migration_port_max",
    "user",
    "group",
    "security_driver",
    "migrate_tls_force",
    "shared_filesystems",
    "stdio_handler",
    "memory_backing_dir",
    "default_tls_x509_cert_dir",
    "vnc_tls",
    "vnc_tls_x509_cert_dir",
    "spice_tls",
    "spice_tls_x509_cert_dir",
    "chardev_tls",
    "chardev_tls_x509_cert_dir",
    "nbd_tls",
    "nbd_tls_x509_cert_dir",
};

static int type_error(char **error, const char *key, const char *expected)
{
    free(*error);
    *error = mc_xasprintf("expected %s for '%s'", expected, key);
    return -EBADMSG;
}

static int get_string(const struct value *v, const char *key, char **out, char **error)
{
    if (v->type != V_STRING)
        return type_error(error, key, "a string");
    *out = mc_xstrdup(v->str);
    return 0;
}

/* A list of strings, or (as libvirt's compat mode allows) one string. */
static int get_strv(const struct value *v, const char *key, char ***out, char **error)
{
    if (v->type == V_STRING) {
        mc_strv_add(out, v->str);
        return 0;
    }
    if (v->type != V_LIST)
        return type_error(error, key, "a string list");
    size_t n = 0;
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].type != V_STRING)
            return type_error(error, key, "a string list");
    for (size_t i = 0; i < v->n_items; i++)
        mc_strv_append_n(out, &n, mc_xstrdup(v->items[i].str));
    return 0;
}

static int apply(struct mc_qemu_conf *c, const char *key, const struct value *v, char **error)
{
    if (strcmp(key, "migration_address") == 0)
        return get_string(v, key, &c->migration_address, error);
    if (strcmp(key, "migration_host") == 0)
        return get_string(v, key, &c->migration_host, error);
    if (strcmp(key, "user") == 0)
        return get_string(v, key, &c->user, error);
    if (strcmp(key, "group") == 0)
        return get_string(v, key, &c->group, error);
    if (strcmp(key, "migration_port_min") == 0 || strcmp(key, "migration_port_max") == 0) {
        if (v->type != V_NUMBER)
            return type_error(error, key, "a number");
        if (strcmp(key, "migration_port_min") == 0)
            c->migration_port_min = v->num;
        else
            c->migration_port_max = v->num;
        return 0;
    }
    static const struct {
        const char *key;
        size_t flag, dir;
    } tls[] = {
        { "migrate_tls_force", offsetof(struct mc_qemu_conf, migrate_tls_force), 0 },
        { "vnc_tls", offsetof(struct mc_qemu_conf, vnc_tls), 0 },
        { "spice_tls", offsetof(struct mc_qemu_conf, spice_tls), 0 },
        { "chardev_tls", offsetof(struct mc_qemu_conf, chardev_tls), 0 },
        { "nbd_tls", offsetof(struct mc_qemu_conf, nbd_tls), 0 },
        { "default_tls_x509_cert_dir", 0, offsetof(struct mc_qemu_conf, default_tls_dir) },
        { "vnc_tls_x509_cert_dir", 0, offsetof(struct mc_qemu_conf, vnc_tls_dir) },
        { "spice_tls_x509_cert_dir", 0, offsetof(struct mc_qemu_conf, spice_tls_dir) },
        { "chardev_tls_x509_cert_dir", 0, offsetof(struct mc_qemu_conf, chardev_tls_dir) },
        { "nbd_tls_x509_cert_dir", 0, offsetof(struct mc_qemu_conf, nbd_tls_dir) },
    };
    for (size_t i = 0; i < ARRAY_SIZE(tls); i++) {
        if (strcmp(key, tls[i].key) != 0)
            continue;
        if (tls[i].dir)
            return get_string(v, key, (char **)((char *)c + tls[i].dir), error);
        /* virConfGetValueBool: an unsigned number, 0 or 1 */
        if (v->type != V_NUMBER || v->num < 0 || v->num > 1)
            return type_error(error, key, "0 or 1");
        *(bool *)((char *)c + tls[i].flag) = v->num == 1;
        return 0;
    }
    if (strcmp(key, "security_driver") == 0) {
        _cleanup_strv_free_ char **drivers = NULL;
        int r = get_strv(v, key, &drivers, error);
        if (r < 0)
            return r;
        c->security_driver = mc_strv_join(drivers, ",");
        return 0;
    }
    if (strcmp(key, "shared_filesystems") == 0)
        return get_strv(v, key, &c->shared_filesystems, error);
    if (strcmp(key, "stdio_handler") == 0)
        return get_string(v, key, &c->stdio_handler, error);
    if (strcmp(key, "memory_backing_dir") == 0)
        return get_string(v, key, &c->memory_backing_dir, error);
    return 0;
}

void mc_qemu_conf_defaults(struct mc_qemu_conf *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->migration_port_min = 49152;
    ret->migration_port_max = 49215;
}

void mc_qemu_conf_clear(struct mc_qemu_conf *c)
{
    free(c->migration_address);
    free(c->migration_host);
    free(c->user);
    free(c->group);
    free(c->security_driver);
    mc_strv_free(c->shared_filesystems);
    free(c->stdio_handler);
    free(c->memory_backing_dir);
    free(c->default_tls_dir);
    free(c->vnc_tls_dir);
    free(c->spice_tls_dir);
    free(c->chardev_tls_dir);
    free(c->nbd_tls_dir);
    memset(c, 0, sizeof(*c));
}

int mc_qemu_conf_parse(const char *buf, size_t len, struct mc_qemu_conf *ret,
                       struct mc_error *reterr)
{
    if (len > MC_QEMU_CONF_MAX)
        return mc_error_set(reterr, -EFBIG, "qemu.conf is larger than %u MiB",
                            MC_QEMU_CONF_MAX >> 20);
    struct parser p = { .cur = buf, .end = buf + len, .line = 1 };
    _cleanup_(mc_qemu_conf_clear) struct mc_qemu_conf c = { 0 };
    bool seen[ARRAY_SIZE(known_keys)] = { false };
    _cleanup_free_ char *error = NULL;

    while (!at_end(&p)) {
        _cleanup_free_ char *name = NULL;
        struct value v = { 0 };
        int r = parse_statement(&p, &name, &v);
        if (r >= 0)
            r = parse_separator(&p);
        if (r < 0) {
            value_clear(&v);
            _cleanup_free_ char *msg = TAKE_PTR(p.error);
            return mc_error_set(reterr, -EBADMSG, "cannot parse qemu.conf: %s", msg);
        }
        for (size_t k = 0; name && k < ARRAY_SIZE(known_keys); k++) {
            if (strcmp(name, known_keys[k]) != 0 || seen[k])
                continue;
            seen[k] = true;
            int line = p.line;
            r = apply(&c, name, &v, &error);
            if (r < 0) {
                value_clear(&v);
                return mc_error_set(reterr, r, "cannot parse qemu.conf: near line %d: %s", line,
                                    error);
            }
        }
        value_clear(&v);
    }
    if (!seen[2])
        c.migration_port_min = 49152;
    if (!seen[3])
        c.migration_port_max = 49215;
    c.readable = true;
    *ret = c;
    memset(&c, 0, sizeof(c));
    return 0;
}
