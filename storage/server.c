/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A storage host's NFS exports and iSCSI targets (server.h). */
#include "server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CONF_MAX  (4u << 20)
#define MAX_DEPTH 32
#define MAX_ITEMS 100000

static const char *const nfs_server_names[_MC_NFS_SERVER_MAX] = {
    [MC_NFS_SERVER_NONE] = "none",
    [MC_NFS_SERVER_GANESHA] = "ganesha",
    [MC_NFS_SERVER_KERNEL] = "kernel",
    [MC_NFS_SERVER_BOTH] = "both",
};
MC_ENUM_NAMES(mc_nfs_server_names, "NFS server", nfs_server_names);

/* ---- freeing ---- */

static void client_clear(struct mc_nfs_client *c)
{
    mc_strv_free(c->clients);
    free(c->access);
    free(c->squash);
    free(c->options);
}

static void export_clear(struct mc_nfs_export *e)
{
    free(e->file);
    free(e->marker);
    free(e->path);
    free(e->pseudo);
    free(e->access);
    free(e->squash);
    for (size_t k = 0; k < e->n_clients; k++)
        client_clear(&e->clients[k]);
    free(e->clients);
}

void mc_nfs_exports_free(struct mc_nfs_export *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        export_clear(&e[i]);
    free(e);
}

void mc_tgt_targets_free(struct mc_tgt_target *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].iqn);
        for (size_t k = 0; k < t[i].n_luns; k++) {
            free(t[i].luns[k].type);
            free(t[i].luns[k].path);
            free(t[i].luns[k].scsi_id);
            free(t[i].luns[k].serial);
        }
        free(t[i].luns);
        mc_strv_free(t[i].acl);
    }
    free(t);
}

void mc_storage_server_clear(struct mc_storage_server *s)
{
    free(s->ganesha_conf);
    mc_strv_free(s->files);
    mc_nfs_exports_free(s->exports, s->n_exports);
    mc_tgt_targets_free(s->targets, s->n_targets);
    mc_strv_free(s->errors);
    memset(s, 0, sizeof(*s));
}

/* ---- nfs-ganesha configuration ---- */

enum tok {
    T_EOF,
    T_WORD,
    T_OPEN,
    T_CLOSE,
    T_EQ,
    T_SEMI,
    T_COMMA,
    T_ERROR,
};

struct lexer {
    const char *p, *end;
    int line;
    char *word;   /* T_WORD */
    char *marker; /* the migcheck block we are in */
    char **includes;
    const char *file;
    struct mc_error *err;
};

static bool word_char(char c)
{
    return !isspace((unsigned char)c) && !strchr("{}=;,\"'#", c) && c != '\0';
}

/* A comment: note migcheck's block markers. p points after '#'. */
static void comment(struct lexer *lx)
{
    const char *s = lx->p;
    const char *nl = memchr(s, '\n', (size_t)(lx->end - s));
    const char *e = nl ? nl : lx->end;
    lx->p = e;
    while (s < e && *s == ' ')
        s++;
    size_t n = (size_t)(e - s);
    static const char begin[] = "BEGIN migcheck ", end[] = "END migcheck ";
    if (n > sizeof(begin) - 1 && memcmp(s, begin, sizeof(begin) - 1) == 0) {
        free(lx->marker);
        lx->marker = mc_xstrndup(s + sizeof(begin) - 1, n - (sizeof(begin) - 1));
    } else if (n > sizeof(end) - 1 && memcmp(s, end, sizeof(end) - 1) == 0) {
        free(lx->marker);
        lx->marker = NULL;
    }
}

static enum tok lex_error(struct lexer *lx, const char *what)
{
    mc_error_set(lx->err, -EBADMSG, "%s:%d: %s", lx->file, lx->line, what);
    return T_ERROR;
}

static enum tok next(struct lexer *lx)
{
    free(lx->word);
    lx->word = NULL;
    for (;;) {
        if (lx->p >= lx->end)
            return T_EOF;
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->p++;
        } else if (c == '\0') {
            return lex_error(lx, "NUL byte");
        } else if (isspace((unsigned char)c)) {
            lx->p++;
        } else if (c == '#') {
            lx->p++;
            comment(lx);
        } else if (c == '%') {
            /* %include "file" | %include file; %url ...: a directive to the end of the line */
            const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
            const char *e = nl ? nl : lx->end;
            const char *s = lx->p + 1;
            if ((size_t)(e - s) > 7 && strncmp(s, "include", 7) == 0 &&
                isspace((unsigned char)s[7])) {
                s += 8;
                while (s < e && isspace((unsigned char)*s))
                    s++;
                const char *q = e;
                while (q > s && isspace((unsigned char)q[-1]))
                    q--;
                if (q - s >= 2 && *s == '"' && q[-1] == '"')
                    s++, q--;
                if (q > s)
                    mc_strv_push(&lx->includes, mc_xstrndup(s, (size_t)(q - s)));
            }
            lx->p = e;
        } else if (c == '{') {
            lx->p++;
            return T_OPEN;
        } else if (c == '}') {
            lx->p++;
            return T_CLOSE;
        } else if (c == '=') {
            lx->p++;
            return T_EQ;
        } else if (c == ';') {
            lx->p++;
            return T_SEMI;
        } else if (c == ',') {
            lx->p++;
            return T_COMMA;
        } else if (c == '"' || c == '\'') {
            const char *s = ++lx->p;
            struct mc_buf b = MC_BUF_INIT;
            while (lx->p < lx->end && *lx->p != c) {
                if (*lx->p == '\n')
                    lx->line++;
                if (*lx->p == '\0') {
                    mc_buf_free(&b);
                    return lex_error(lx, "NUL byte");
                }
                if (*lx->p == '\\' && c == '"' && lx->p + 1 < lx->end)
                    lx->p++;
                mc_buf_putc(&b, *lx->p++);
            }
            (void)s;
            if (lx->p >= lx->end) {
                mc_buf_free(&b);
                return lex_error(lx, "unterminated string");
            }
            lx->p++;
            lx->word = b.data ? mc_buf_steal(&b) : mc_xstrdup("");
            return T_WORD;
        } else {
            const char *s = lx->p;
            while (lx->p < lx->end && word_char(*lx->p))
                lx->p++;
            lx->word = mc_xstrndup(s, (size_t)(lx->p - s));
            return T_WORD;
        }
    }
}

struct gconf {
    struct lexer lx;
    struct mc_nfs_export *exports;
    size_t n;
    size_t items;
};

/* KEY = v, v, ...; (the ';' may be left out before '}') -> values. */
static int values(struct gconf *g, char ***ret, enum tok *ret_end)
{
    char **v = NULL;
    size_t nv = 0;
    for (;;) {
        enum tok t = next(&g->lx);
        if (t == T_WORD) {
            if (++g->items > MAX_ITEMS) {
                mc_strv_free(v);
                lex_error(&g->lx, "too many values");
                return -EBADMSG;
            }
            mc_strv_push_n(&v, &nv, TAKE_PTR(g->lx.word));
            t = next(&g->lx);
            if (t == T_COMMA)
                continue;
        }
        if (t == T_SEMI || t == T_CLOSE || t == T_EOF) {
            *ret = v;
            *ret_end = t;
            return 0;
        }
        mc_strv_free(v);
        if (t != T_ERROR)
            lex_error(&g->lx, "expected a value, ',' or ';'");
        return -EBADMSG;
    }
}

static void set_str(char **field, char **v)
{
    free(*field);
    *field = v && v[0] ? mc_strv_join(v, ",") : NULL;
}

/* A block's contents up to its '}' (or the end of the file at depth 0). */
static int block(struct gconf *g, int depth, const char *name, struct mc_nfs_export *exp,
                 struct mc_nfs_client *cli)
{
    if (depth > MAX_DEPTH) {
        lex_error(&g->lx, "blocks nested too deep");
        return -EBADMSG;
    }
    for (;;) {
        enum tok t = next(&g->lx);
        if (t == T_ERROR)
            return -EBADMSG;
        if (t == T_EOF) {
            if (depth > 0) {
                lex_error(&g->lx, "a block is not closed");
                return -EBADMSG;
            }
            return 0;
        }
        if (t == T_CLOSE) {
            if (depth == 0) {
                lex_error(&g->lx, "'}' without a block");
                return -EBADMSG;
            }
            return 0;
        }
        if (t == T_SEMI)
            continue;
        if (t != T_WORD) {
            lex_error(&g->lx, "expected a name");
            return -EBADMSG;
        }
        _cleanup_free_ char *key = TAKE_PTR(g->lx.word);
        t = next(&g->lx);
        if (t == T_OPEN) {
            int r;
            if (depth == 0 && strcasecmp(key, "EXPORT") == 0) {
                if (++g->items > MAX_ITEMS) {
                    lex_error(&g->lx, "too many exports");
                    return -EBADMSG;
                }
                struct mc_nfs_export e = { .file = mc_xstrdup(g->lx.file),
                                           .marker = mc_xstrdup_or_null(g->lx.marker) };
                r = block(g, depth + 1, key, &e, NULL);
                if (r < 0) {
                    export_clear(&e);
                    return r;
                }
                *MC_APPEND(g->exports, g->n) = e;
            } else if (exp && !cli && strcasecmp(key, "CLIENT") == 0) {
                struct mc_nfs_client c = { 0 };
                r = block(g, depth + 1, key, exp, &c);
                if (r < 0) {
                    client_clear(&c);
                    return r;
                }
                *MC_APPEND(exp->clients, exp->n_clients) = c;
            } else {
                r = block(g, depth + 1, key, NULL, NULL);
            }
            if (r < 0)
                return r;
            continue;
        }
        if (t != T_EQ) {
            if (t != T_ERROR)
                lex_error(&g->lx, "expected '=' or '{'");
            return -EBADMSG;
        }
        char **v = NULL;
        enum tok endt;
        int r = values(g, &v, &endt);
        if (r < 0)
            return r;
        if (cli) {
            if (strcasecmp(key, "Clients") == 0)
                for (size_t i = 0; v && v[i]; i++)
                    mc_strv_add(&cli->clients, v[i]);
            else if (strcasecmp(key, "Access_Type") == 0)
                set_str(&cli->access, v);
            else if (strcasecmp(key, "Squash") == 0)
                set_str(&cli->squash, v);
        } else if (exp) {
            if (strcasecmp(key, "Export_Id") == 0 && v && v[0])
                exp->id = strtoll(v[0], NULL, 10);
            else if (strcasecmp(key, "Path") == 0)
                set_str(&exp->path, v);
            else if (strcasecmp(key, "Pseudo") == 0)
                set_str(&exp->pseudo, v);
            else if (strcasecmp(key, "Access_Type") == 0)
                set_str(&exp->access, v);
            else if (strcasecmp(key, "Squash") == 0)
                set_str(&exp->squash, v);
        }
        mc_strv_free(v);
        (void)name;
        if (endt == T_CLOSE) {
            if (depth == 0) {
                lex_error(&g->lx, "'}' without a block");
                return -EBADMSG;
            }
            return 0;
        }
        if (endt == T_EOF) {
            if (depth > 0) {
                lex_error(&g->lx, "a block is not closed");
                return -EBADMSG;
            }
            return 0;
        }
    }
}

int mc_ganesha_conf_parse(const char *buf, size_t len, const char *file, struct mc_nfs_export **ret,
                          size_t *ret_n, char ***ret_includes, struct mc_error *reterr)
{
    struct gconf g = { .lx = { .p = buf,
                               .end = buf + len,
                               .line = 1,
                               .file = file ? file : "ganesha.conf",
                               .err = reterr } };
    int r = block(&g, 0, NULL, NULL, NULL);
    free(g.lx.word);
    free(g.lx.marker);
    if (r < 0) {
        mc_nfs_exports_free(g.exports, g.n);
        mc_strv_free(g.lx.includes);
        return r;
    }
    *ret = g.exports;
    *ret_n = g.n;
    if (ret_includes)
        *ret_includes = g.lx.includes;
    else
        mc_strv_free(g.lx.includes);
    return 0;
}

char *mc_ganesha_conf_of_cmdline(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    bool want = false;
    while (p < end) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
        if (want && n > 0)
            return mc_xstrndup(p, n);
        want = false;
        if (n == 2 && memcmp(p, "-f", 2) == 0)
            want = true;
        else if (n > 2 && memcmp(p, "-f", 2) == 0)
            return mc_xstrndup(p + 2, n - 2);
        else if (n > 9 && memcmp(p, "--config=", 9) == 0)
            return mc_xstrndup(p + 9, n - 9);
        else if (n == 8 && memcmp(p, "--config", 8) == 0)
            want = true;
        p += n + 1;
    }
    return mc_xstrdup("/etc/ganesha/ganesha.conf");
}

/* ---- exports(5) ---- */

/* Undo exports(5)'s quoting of a path: "..." and \ooo octal escapes. */
static char *unquote_path(const char *s, size_t n)
{
    struct mc_buf b = MC_BUF_INIT;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        s++, n -= 2;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            char c = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
            if (c)
                mc_buf_putc(&b, c);
            i += 3;
            continue;
        }
        mc_buf_putc(&b, s[i]);
    }
    return b.data ? mc_buf_steal(&b) : mc_xstrdup("");
}

static bool has_option(const char *opts, const char *o)
{
    _cleanup_(mc_strv_freep) char **v = mc_strv_split(opts ? opts : "", ",");
    return mc_strv_contains(v, o);
}

static void kernel_client(struct mc_nfs_export *e, const char *host, size_t hn, const char *opts)
{
    struct mc_nfs_client c = { 0 };
    mc_strv_push(&c.clients, hn ? mc_xstrndup(host, hn) : mc_xstrdup("*"));
    c.options = mc_xstrdup(opts ? opts : "");
    c.access = mc_xstrdup(has_option(opts, "rw") ? "rw" : "ro");
    c.squash = mc_xstrdup(has_option(opts, "no_root_squash") ? "no_root_squash"
                          : has_option(opts, "all_squash")   ? "all_squash"
                                                             : "root_squash");
    *MC_APPEND(e->clients, e->n_clients) = c;
}

/* One logical line: PATH [-DEFAULTS] CLIENT[(OPTS)]... */
static int exports_line(const char *s, size_t n, const char *file, int line,
                        struct mc_nfs_export **v, size_t *nv, struct mc_error *reterr)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i == n)
        return 0;
    size_t ps = i;
    if (s[i] == '"') {
        i++;
        while (i < n && s[i] != '"')
            i++;
        if (i == n)
            return mc_error_set(reterr, -EBADMSG, "%s:%d: unterminated quoted path", file, line);
        i++;
    } else {
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
    }
    struct mc_nfs_export e = { .file = mc_xstrdup(file) };
    e.path = unquote_path(s + ps, i - ps);
    _cleanup_free_ char *defaults = NULL;
    bool any = false;
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i == n)
            break;
        size_t ts = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != '(')
            i++;
        size_t hn = i - ts;
        const char *host = s + ts;
        _cleanup_free_ char *opts = NULL;
        if (i < n && s[i] == '(') {
            size_t os = ++i;
            while (i < n && s[i] != ')')
                i++;
            if (i == n) {
                export_clear(&e);
                return mc_error_set(reterr, -EBADMSG, "%s:%d: '(' without ')'", file, line);
            }
            opts = mc_xstrndup(s + os, i - os);
            i++;
        }
        if (hn > 0 && host[0] == '-' && !opts) {
            free(defaults);
            defaults = mc_xstrndup(host + 1, hn - 1);
            continue;
        }
        if (++*nv > MAX_ITEMS / 2) {
            export_clear(&e);
            return mc_error_set(reterr, -EBADMSG, "%s: too many exports", file);
        }
        --*nv;
        _cleanup_free_ char *all = opts && defaults ? mc_xasprintf("%s,%s", defaults, opts)
                                   : opts           ? mc_xstrdup(opts)
                                                    : mc_xstrdup_or_null(defaults);
        kernel_client(&e, host, hn, all);
        any = true;
    }
    if (!any)
        kernel_client(&e, "", 0, defaults); /* a path alone: exported to everyone */
    *MC_APPEND(*v, *nv) = e;
    return 0;
}

int mc_exports_parse(const char *buf, size_t len, const char *file, struct mc_nfs_export **ret,
                     size_t *ret_n, struct mc_error *reterr)
{
    file = file ? file : "exports";
    struct mc_nfs_export *v = NULL;
    size_t nv = 0;
    struct mc_buf logical = MC_BUF_INIT;
    int line = 1, start = 1;
    const char *p = buf, *end = buf + len;
    int r = 0;
    while (p < end && r == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(e - p))) {
            r = mc_error_set(reterr, -EBADMSG, "%s:%d: NUL byte", file, line);
            break;
        }
        const char *hash = memchr(p, '#', (size_t)(e - p));
        const char *ce = hash ? hash : e;
        bool cont = !hash && ce > p && ce[-1] == '\\';
        if (logical.len == 0)
            start = line;
        mc_buf_append(&logical, p, (size_t)(ce - p) - (cont ? 1 : 0));
        if (cont) {
            mc_buf_putc(&logical, ' ');
        } else {
            r = exports_line(logical.data ? logical.data : "", logical.len, file, start, &v, &nv,
                             reterr);
            mc_buf_reset(&logical);
        }
        line++;
        p = nl ? nl + 1 : end;
    }
    if (r == 0 && logical.len)
        r = exports_line(logical.data, logical.len, file, start, &v, &nv, reterr);
    mc_buf_free(&logical);
    if (r < 0) {
        mc_nfs_exports_free(v, nv);
        return r;
    }
    *ret = v;
    *ret_n = nv;
    return 0;
}

/* ---- tgtadm --op show --mode target ---- */

static size_t indent_of(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

static bool take(const char *s, size_t n, const char *key, char **ret)
{
    size_t k = strlen(key);
    if (n < k || memcmp(s, key, k) != 0)
        return false;
    const char *v = s + k;
    size_t vn = n - k;
    while (vn && *v == ' ')
        v++, vn--;
    while (vn && isspace((unsigned char)v[vn - 1]))
        vn--;
    free(*ret);
    *ret = mc_xstrndup(v, vn);
    return true;
}

int mc_tgt_show_parse(const char *buf, size_t len, struct mc_tgt_target **ret, size_t *ret_n,
                      struct mc_error *reterr)
{
    struct mc_tgt_target *v = NULL;
    size_t nv = 0;
    enum {
        S_NONE,
        S_LUN,
        S_ACL,
        S_OTHER
    } sect = S_NONE;
    int line = 1;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (memchr(p, '\0', n)) {
            mc_tgt_targets_free(v, nv);
            return mc_error_set(reterr, -EBADMSG, "tgtadm output:%d: NUL byte", line);
        }
        size_t ind = indent_of(p, n);
        const char *s = p + ind;
        size_t sn = n - ind;
        _cleanup_free_ char *val = NULL;
        if (ind == 0 && sn > 7 && memcmp(s, "Target ", 7) == 0) {
            const char *colon = memchr(s, ':', sn);
            /* The id's digits, read within the line: the buffer need not end in a NUL. */
            long long tid = 0;
            const char *d = s + 7;
            for (; d < s + sn && isdigit((unsigned char)*d) && tid <= INT_MAX; d++)
                tid = tid * 10 + (*d - '0');
            if (!colon || d != colon || d == s + 7 || tid <= 0 || tid > INT_MAX || nv > MAX_ITEMS) {
                mc_tgt_targets_free(v, nv);
                return mc_error_set(reterr, -EBADMSG, "tgtadm output:%d: malformed target line",
                                    line);
            }
            struct mc_tgt_target *t = MC_APPEND(v, nv);
            t->tid = tid;
            size_t off = (size_t)(colon + 1 - s);
            take(s + off, sn - off, "", &t->iqn);
            sect = S_NONE;
        } else if (nv > 0 && ind == 4 && sn > 0 && s[sn - 1] == ':') {
            sect = sn == 16 && memcmp(s, "LUN information:", 16) == 0   ? S_LUN
                   : sn == 16 && memcmp(s, "ACL information:", 16) == 0 ? S_ACL
                                                                        : S_OTHER;
        } else if (nv > 0 && sect == S_ACL && ind >= 8 && sn > 0) {
            if (mc_strv_length(v[nv - 1].acl) < MAX_ITEMS)
                mc_strv_push(&v[nv - 1].acl, mc_xstrndup(s, sn));
        } else if (nv > 0 && sect == S_LUN && ind == 8 && take(s, sn, "LUN:", &val)) {
            struct mc_tgt_target *t = &v[nv - 1];
            if (t->n_luns > MAX_ITEMS) {
                mc_tgt_targets_free(v, nv);
                return mc_error_set(reterr, -EBADMSG, "tgtadm output: too many LUNs");
            }
            MC_APPEND(t->luns, t->n_luns)->lun = strtoll(val, NULL, 10);
        } else if (nv > 0 && sect == S_LUN && ind >= 12 && v[nv - 1].n_luns > 0) {
            struct mc_tgt_lun *l = &v[nv - 1].luns[v[nv - 1].n_luns - 1];
            if (take(s, sn, "Size:", &val))
                l->size_mb = strtoll(val, NULL, 10);
            else if (!take(s, sn, "Type:", &l->type) && !take(s, sn, "SCSI ID:", &l->scsi_id) &&
                     !take(s, sn, "SCSI SN:", &l->serial))
                take(s, sn, "Backing store path:", &l->path);
        }
        line++;
        p = nl ? nl + 1 : end;
    }
    *ret = v;
    *ret_n = nv;
    return 0;
}

/* ---- questions ---- */

int mc_nfs_client_matches(const char *spec, const char *addr)
{
    if (!spec || !addr)
        return 0;
    if (strcmp(spec, "*") == 0)
        return 1;
    unsigned char a[16], s[16];
    int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(fam, addr, a) != 1)
        return -1;
    _cleanup_free_ char *net = mc_xstrdup(spec);
    char *slash = strchr(net, '/');
    long bits = fam == AF_INET ? 32 : 128;
    if (slash) {
        *slash = '\0';
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || b < 0 || b > bits) {
            /* a dotted netmask (kernel exports: 169.254.0.0/255.255.0.0) */
            unsigned char m[4];
            if (fam != AF_INET || inet_pton(AF_INET, slash + 1, m) != 1)
                return -1;
            b = 0;
            for (int i = 0; i < 4; i++)
                for (int k = 7; k >= 0 && (m[i] >> k) & 1; k--)
                    b++;
        }
        bits = b;
    }
    int sfam = strchr(net, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(sfam, net, s) != 1)
        return -1; /* a host name, wildcard or netgroup */
    if (sfam != fam)
        return 0;
    for (long i = 0; i < bits; i++) {
        int byte = (int)(i / 8), bit = 7 - (int)(i % 8);
        if (((a[byte] >> bit) & 1) != ((s[byte] >> bit) & 1))
            return 0;
    }
    return 1;
}

static bool rw_access(const char *a)
{
    return a && (strcasecmp(a, "RW") == 0 || strcasecmp(a, "rw") == 0);
}

enum mc_nfs_admit mc_nfs_export_admits(const struct mc_nfs_export *e, const char *addr)
{
    bool unknown = false;
    for (size_t i = 0; i < e->n_clients; i++) {
        const struct mc_nfs_client *c = &e->clients[i];
        for (size_t k = 0; c->clients && c->clients[k]; k++) {
            int m = mc_nfs_client_matches(c->clients[k], addr);
            if (m < 0)
                unknown = true;
            if (m > 0 && !unknown) {
                const char *a = c->access ? c->access : e->access;
                return rw_access(a) ? MC_NFS_ADMIT_RW : MC_NFS_ADMIT_NO;
            }
            if (m > 0)
                return MC_NFS_ADMIT_UNKNOWN;
        }
    }
    if (unknown)
        return MC_NFS_ADMIT_UNKNOWN;
    /* ganesha: no CLIENT block matched, the export's own Access_Type applies */
    if (e->id > 0 && rw_access(e->access))
        return MC_NFS_ADMIT_RW;
    return MC_NFS_ADMIT_NO;
}

const struct mc_nfs_export *mc_storage_server_find_export(const struct mc_storage_server *s,
                                                          const char *path)
{
    for (size_t i = 0; i < s->n_exports; i++)
        if (s->exports[i].path && strcmp(s->exports[i].path, path) == 0)
            return &s->exports[i];
    return NULL;
}

const struct mc_tgt_target *mc_storage_server_find_target(const struct mc_storage_server *s,
                                                          const char *iqn)
{
    for (size_t i = 0; i < s->n_targets; i++)
        if (s->targets[i].iqn && strcmp(s->targets[i].iqn, iqn) == 0)
            return &s->targets[i];
    return NULL;
}

int64_t mc_storage_server_free_export_id(const struct mc_storage_server *s, int64_t floor)
{
    int64_t id = floor;
    for (bool clash = true; clash;) {
        clash = false;
        for (size_t i = 0; i < s->n_exports; i++)
            if (s->exports[i].id == id) {
                id++;
                clash = true;
            }
    }
    return id;
}

int64_t mc_storage_server_free_tid(const struct mc_storage_server *s, int64_t floor)
{
    int64_t tid = floor;
    for (bool clash = true; clash;) {
        clash = false;
        for (size_t i = 0; i < s->n_targets; i++)
            if (s->targets[i].tid == tid) {
                tid++;
                clash = true;
            }
    }
    return tid;
}

/* ---- gathering ---- */

static void add_error(struct mc_storage_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_error(struct mc_storage_server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mc_strv_push(&s->errors, mc_xvasprintf(fmt, ap));
    va_end(ap);
}

static const char *const round1[] = {
    "D /proc",          "F /proc/[0-9]*/comm",        "F /proc/fs/nfsd/threads", "F /etc/exports",
    "S /etc/exports.d", "F /etc/exports.d/*.exports", "C tgtadm-targets",        NULL,
};

static void add_exports(struct mc_storage_server *s, struct mc_nfs_export *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *MC_APPEND(s->exports, s->n_exports) = e[i];
    free(e);
}

static void read_kernel_exports(struct mc_source *src, struct mc_storage_server *s)
{
    _cleanup_free_ struct mc_dirent *d = NULL;
    size_t nd = 0;
    char **files = NULL;
    mc_strv_add(&files, "/etc/exports");
    if (mc_source_list(src, "/etc/exports.d", &d, &nd) == 0) {
        for (size_t i = 0; i < nd; i++) {
            if (d[i].type == MC_DT_FILE && mc_str_endswith(d[i].name, ".exports"))
                mc_strv_push(&files, mc_xasprintf("/etc/exports.d/%s", d[i].name));
            free(d[i].name);
        }
    }
    for (size_t i = 0; files[i]; i++) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = mc_source_read(src, files[i], CONF_MAX, &buf, &len);
        if (r == -ENOENT)
            continue;
        if (r < 0) {
            add_error(s, "cannot read '%s': %s", files[i], strerror(-r));
            continue;
        }
        struct mc_nfs_export *e = NULL;
        size_t n = 0;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_exports_parse(buf, len, files[i], &e, &n, &err) < 0) {
            add_error(s, "%s", err.message);
            continue;
        }
        mc_strv_add(&s->files, files[i]);
        add_exports(s, e, n);
    }
    mc_strv_free(files);
}

int mc_storage_server_gather(mc_source_getter get, void *ud, struct mc_storage_server *ret,
                             struct mc_error *reterr)
{
    struct mc_storage_server s = { 0 };
    _cleanup_(mc_source_freep) struct mc_source *src = NULL;
    int r = get(round1, &src, ud, reterr);
    if (r < 0)
        return r;
    /* The servers, by their processes. */
    _cleanup_free_ struct mc_dirent *d = NULL;
    size_t nd = 0;
    bool kernel = false;
    r = mc_source_list(src, "/proc", &d, &nd);
    if (r < 0)
        add_error(&s, "cannot list the processes: %s", strerror(-r));
    for (size_t i = 0; i < nd; i++) {
        const char *name = d[i].name;
        if (name[strspn(name, "0123456789")] == '\0' && *name) {
            _cleanup_free_ char *p = mc_xasprintf("/proc/%s/comm", name);
            _cleanup_free_ char *comm = NULL;
            if (mc_source_read_line(src, p, &comm) == 0) {
                if (strcmp(comm, "ganesha.nfsd") == 0 && !s.ganesha_pid)
                    s.ganesha_pid = strtoll(name, NULL, 10);
                else if (strcmp(comm, "tgtd") == 0 && !s.tgtd_pid)
                    s.tgtd_pid = strtoll(name, NULL, 10);
                else if (strcmp(comm, "nfsd") == 0)
                    kernel = true;
            }
        }
        free(d[i].name);
    }
    _cleanup_free_ char *threads = NULL;
    if (mc_source_read_line(src, "/proc/fs/nfsd/threads", &threads) == 0 &&
        strtol(threads, NULL, 10) > 0)
        kernel = true;
    s.nfs = s.ganesha_pid && kernel ? MC_NFS_SERVER_BOTH
            : s.ganesha_pid         ? MC_NFS_SERVER_GANESHA
            : kernel                ? MC_NFS_SERVER_KERNEL
                                    : MC_NFS_SERVER_NONE;
    if (kernel)
        read_kernel_exports(src, &s);
    /* tgtd's targets. */
    if (s.tgtd_pid) {
        const char *argv[] = {
            "tgtadm", "--lld", "iscsi", "--op", "show", "--mode", "target", NULL
        };
        _cleanup_free_ char *out = NULL;
        size_t len = 0;
        int code = -1;
        r = mc_source_command(src, "tgtadm-targets", argv, &out, &len, &code);
        _cleanup_error_ struct mc_error err = { 0 };
        if (r < 0 || code != 0)
            add_error(&s, "tgtadm cannot list the targets: %s", r < 0 ? strerror(-r) : "it failed");
        else if (mc_tgt_show_parse(out, len, &s.targets, &s.n_targets, &err) < 0)
            add_error(&s, "%s", err.message);
        else
            s.targets_known = true;
    }
    /* ganesha: its command line, its configuration, its includes (each a round). */
    if (s.ganesha_pid) {
        char *spec1[2] = { mc_xasprintf("F /proc/%lld/cmdline", (long long)s.ganesha_pid), NULL };
        mc_source_free(src);
        src = NULL;
        r = get((const char *const *)spec1, &src, ud, reterr);
        free(spec1[0]);
        if (r < 0) {
            mc_storage_server_clear(&s);
            return r;
        }
        _cleanup_free_ char *cmd = NULL;
        size_t len = 0;
        _cleanup_free_ char *p = mc_xasprintf("/proc/%lld/cmdline", (long long)s.ganesha_pid);
        r = mc_source_read(src, p, 65536, &cmd, &len);
        s.ganesha_conf =
            r == 0 ? mc_ganesha_conf_of_cmdline(cmd, len) : mc_xstrdup("/etc/ganesha/ganesha.conf");
        char **todo = NULL;
        mc_strv_add(&todo, s.ganesha_conf);
        for (int depth = 0; todo && depth < 4; depth++) {
            char **spec = NULL;
            for (size_t i = 0; todo[i]; i++)
                if (!strpbrk(todo[i], " \t\n*?["))
                    mc_strv_push(&spec, mc_xasprintf("F %s", todo[i]));
            mc_source_free(src);
            src = NULL;
            r = spec ? get((const char *const *)spec, &src, ud, reterr) : -EINVAL;
            mc_strv_free(spec);
            if (r < 0) {
                mc_strv_free(todo);
                mc_storage_server_clear(&s);
                return r;
            }
            char **again = NULL;
            for (size_t i = 0; todo[i]; i++) {
                if (mc_strv_contains(s.files, todo[i]))
                    continue;
                _cleanup_free_ char *buf = NULL;
                r = mc_source_read(src, todo[i], CONF_MAX, &buf, &len);
                if (r < 0) {
                    add_error(&s, "cannot read '%s': %s", todo[i], strerror(-r));
                    continue;
                }
                struct mc_nfs_export *e = NULL;
                size_t n = 0;
                char **inc = NULL;
                _cleanup_error_ struct mc_error err = { 0 };
                if (mc_ganesha_conf_parse(buf, len, todo[i], &e, &n, &inc, &err) < 0) {
                    add_error(&s, "%s", err.message);
                    continue;
                }
                mc_strv_add(&s.files, todo[i]);
                add_exports(&s, e, n);
                for (size_t k = 0; inc && inc[k]; k++) {
                    /* relative includes are relative to the including file's directory */
                    if (inc[k][0] != '/') {
                        _cleanup_free_ char *dir = mc_xstrdup(todo[i]);
                        char *sl = strrchr(dir, '/');
                        if (sl)
                            sl[1] = '\0';
                        mc_strv_push(&again, mc_xasprintf("%s%s", sl ? dir : "", inc[k]));
                    } else {
                        mc_strv_add(&again, inc[k]);
                    }
                }
                mc_strv_free(inc);
            }
            mc_strv_free(todo);
            todo = again;
        }
        if (todo) {
            add_error(&s, "%%include nested too deep in '%s'", s.ganesha_conf);
            mc_strv_free(todo);
        }
    }
    *ret = s;
    return 0;
}
