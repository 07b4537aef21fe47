/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A source backed by the output of the sh probe (src/remote/probe.sh).
 *
 *   MCPROBE 1 <boundary>
 *   --<boundary> F <path>          file contents follow, then one added newline
 *   --<boundary> L <path>          symlink target follows
 *   --<boundary> D <path>          one "<t> <size> <name>" line per entry (t: f d l o)
 *   --<boundary> C <key> <exit>    command output follows, then one added newline
 *   --<boundary> E <path> <errno> [<K>]
 *                                  the probe could not read <path> (or run <key>); with K
 *                                  (F L D C) only for that kind of access, else for any
 *   --<boundary> END
 *
 * The boundary is random, chosen by the client for each run, so file
 * contents cannot forge records. Anything before the MCPROBE line (a noisy
 * login script) is ignored. What a remote host sends is untrusted: every
 * malformed record is an error, never a crash.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cleanup.h"
#include "hashmap.h"
#include "source.h"
#include "strv.h"
#include "xalloc.h"

struct record {
    char kind;  /* F L D C E */
    char *path; /* or command key */
    char *body;
    size_t body_len;
    int exit_code; /* C */
    int err;       /* E */
    char ekind;    /* E: the kind of access it answers (F L D C), 0 for any */
    size_t prev;   /* 1 + the index of the record before it for the same path, or 0 */
};

struct dump {
    struct record *recs;
    size_t n;
    struct mc_hashmap by_path; /* path -> the index of its last record */
};

static void dump_free(struct mc_source *s)
{
    struct dump *d = s->data;
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->recs[i].path);
        free(d->recs[i].body);
    }
    free(d->recs);
    mc_hashmap_clear(&d->by_path);
    free(d);
}

/* A NUL-terminated copy of n bytes that may themselves hold NULs (binary files): callers get
 * the whole body, and its length, not what strndup() would stop at. */
static char *memdup0(const char *p, size_t n)
{
    char *d = mc_xmalloc(n + 1);
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

/* The last record for path of one of kinds (the last wins, like a later write); E records
 * count when they answer this access (access: F L D C) or any. */
static const struct record *find(struct dump *d, const char *path, const char *kinds, char access)
{
    size_t last;
    if (!mc_hashmap_get_str(&d->by_path, path, &last))
        return NULL;
    /* Hashed: a dump holds thousands of records, and a check looks up about as many. */
    for (size_t k = last + 1; k; k = d->recs[k - 1].prev) {
        const struct record *r = &d->recs[k - 1];
        if (!strchr(kinds, r->kind))
            continue;
        if (r->kind == 'E' && r->ekind && r->ekind != access)
            continue;
        return r;
    }
    return NULL;
}

static int missing(struct dump *d, const char *path, char access)
{
    const struct record *e = find(d, path, "E", access);
    if (e)
        return -(e->err ? e->err : EIO);
    /* The probe never looked: not the same as "absent on the host". */
    return -ENODATA;
}

static int dump_read(struct mc_source *s, const char *path, size_t max, char **ret, size_t *ret_len)
{
    struct dump *d = s->data;
    const struct record *r = find(d, path, "FE", 'F');
    if (!r || r->kind == 'E')
        return missing(d, path, 'F');
    if (r->body_len > max)
        return -EFBIG;
    *ret = memdup0(r->body, r->body_len);
    if (ret_len)
        *ret_len = r->body_len;
    return 0;
}

static int dump_readlink(struct mc_source *s, const char *path, char **ret)
{
    struct dump *d = s->data;
    const struct record *r = find(d, path, "LFE", 'L');
    if (!r || r->kind == 'E')
        return missing(d, path, 'L');
    if (r->kind == 'F')
        return -EINVAL;
    *ret = mc_xstrndup(r->body, strcspn(r->body, "\n"));
    return 0;
}

static int cmp_dirent(const void *a, const void *b)
{
    return strcmp(((const struct mc_dirent *)a)->name, ((const struct mc_dirent *)b)->name);
}

static int dump_list(struct mc_source *s, const char *path, struct mc_dirent **ret, size_t *ret_n)
{
    struct dump *d = s->data;
    const struct record *r = find(d, path, "DE", 'D');
    if (!r || r->kind == 'E')
        return missing(d, path, 'D');
    struct mc_dirent *v = NULL;
    size_t n = 0;
    _cleanup_strv_free_ char **lines = mc_strv_split(r->body, "\n");
    STRV_FOREACH (l, lines) {
        /* "<t> <size> <name>" */
        char t = (*l)[0];
        if (!t || (*l)[1] != ' ')
            continue;
        char *end;
        long long size = strtoll(*l + 2, &end, 10);
        if (end == *l + 2 || *end != ' ' || !end[1])
            continue;
        const char *name = end + 1;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
            continue;
        struct mc_dirent *e = MC_APPEND(v, n);
        e->name = mc_xstrdup(name);
        e->size = size;
        e->type = t == 'f'   ? MC_DT_FILE
                  : t == 'd' ? MC_DT_DIR
                  : t == 'l' ? MC_DT_LINK
                             : MC_DT_OTHER;
    }
    /* Sorted by name, as list() promises (the probe's glob order follows its locale). */
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_dirent);
    *ret = v;
    *ret_n = n;
    return 0;
}

static int dump_command(struct mc_source *s, const char *key, const char *const *argv, char **ret,
                        size_t *ret_len, int *ret_exit)
{
    (void)argv;
    struct dump *d = s->data;
    const struct record *r = find(d, key, "CE", 'C');
    if (!r)
        return -ENOTSUP;
    if (r->kind == 'E')
        return -(r->err ? r->err : EIO);
    if (r->exit_code == 127) /* the shell's "command not found" */
        return -ENOENT;
    *ret = memdup0(r->body, r->body_len);
    if (ret_len)
        *ret_len = r->body_len;
    *ret_exit = r->exit_code;
    return 0;
}

static const struct mc_source_ops dump_ops = {
    .read = dump_read,
    .list = dump_list,
    .readlink = dump_readlink,
    .command = dump_command,
    .free = dump_free,
};

/* memmem for a marker at the start of a line (pos == 0 or after '\n'). */
static const char *find_line_marker(const char *p, const char *end, const char *marker, size_t mlen)
{
    while (p < end) {
        const char *q = memmem(p, (size_t)(end - p), marker, mlen);
        if (!q)
            return NULL;
        if (q == p || q[-1] == '\n')
            return q;
        p = q + 1;
    }
    return NULL;
}

static bool mc_str_prefix_at(const char *p, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static bool boundary_ok(const char *b)
{
    size_t n = strlen(b);
    if (n < 8 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'z') ||
              (b[i] >= 'A' && b[i] <= 'Z')))
            return false;
    return true;
}

int mc_source_dump(const char *buf, size_t len, const char *boundary, const char *label,
                   struct mc_source **ret, struct mc_error *reterr)
{
    const char *end = buf + len;
    if (!boundary_ok(boundary))
        return mc_error_set(reterr, -EINVAL, "invalid probe boundary");
    if (len > (256u << 20))
        return mc_error_set(reterr, -EFBIG, "probe output from '%s' is too large", label);

    _cleanup_free_ char *head = mc_xasprintf("MCPROBE 1 %s\n", boundary);
    const char *p = find_line_marker(buf, end, head, strlen(head));
    if (!p)
        return mc_error_set(reterr, -EBADMSG,
                            "'%s' did not answer like the migcheck probe (no probe header in "
                            "%zu bytes of output)",
                            label, len);
    p += strlen(head);

    _cleanup_free_ char *marker = mc_xasprintf("--%s ", boundary);
    size_t mlen = strlen(marker);
    struct dump *d = mc_new0(struct dump, 1);
    struct mc_source *s = mc_new0(struct mc_source, 1);
    s->ops = &dump_ops;
    s->data = d;
    s->label = mc_xstrdup(label);
    _cleanup_(mc_source_freep) struct mc_source *guard = s;
    bool ended = false;

    if (p >= end || !mc_str_prefix_at(p, end, marker))
        return mc_error_set(reterr, -EBADMSG, "probe output from '%s' has no records", label);
    while (p && p < end) {
        /* p points at a marker. The header runs to the end of the line. */
        const char *hdr = p + mlen;
        const char *nl = memchr(hdr, '\n', (size_t)(end - hdr));
        if (!nl)
            return mc_error_set(reterr, -EBADMSG, "probe output from '%s' is truncated", label);
        _cleanup_free_ char *header = mc_xstrndup(hdr, (size_t)(nl - hdr));
        const char *body = nl + 1;
        const char *next = find_line_marker(body, end, marker, mlen);
        const char *body_end = next ? next : end;
        /* The probe adds one newline after every body. */
        if (next && body_end > body && body_end[-1] == '\n')
            body_end--;

        if (strcmp(header, "END") == 0) {
            ended = true;
            break;
        }
        char kind = header[0];
        if (!kind || !strchr("FLDCE", kind) || header[1] != ' ' || !header[2])
            return mc_error_set(reterr, -EBADMSG,
                                "probe output from '%s' has a bad record: '%.40s'", label, header);
        struct record *r = MC_APPEND(d->recs, d->n);
        r->kind = kind;
        char *rest = header + 2;
        if (kind == 'C' || kind == 'E') {
            /* "<key> <exit>" or "<path> <errno>": the number is the last field. */
            char *sp = strrchr(rest, ' ');
            if (!sp || !sp[1])
                return mc_error_set(reterr, -EBADMSG,
                                    "probe output from '%s' has a bad record: '%.40s'", label,
                                    header);
            *sp = '\0';
            if (kind == 'C') {
                char *e;
                long v = strtol(sp + 1, &e, 10);
                if (*e || v < 0 || v > 255)
                    return mc_error_set(reterr, -EBADMSG,
                                        "probe output from '%s' has a bad exit status: '%.40s'",
                                        label, sp + 1);
                r->exit_code = (int)v;
            } else {
                /* An optional last field names the kind of access the error answers. */
                if (sp[1] && !sp[2] && strchr("FLDC", sp[1])) {
                    r->ekind = sp[1];
                    char *sp2 = strrchr(rest, ' ');
                    if (!sp2 || !sp2[1])
                        return mc_error_set(reterr, -EBADMSG,
                                            "probe output from '%s' has a bad record: '%.40s'",
                                            label, header);
                    *sp2 = '\0';
                    sp = sp2;
                }
                r->err = mc_errno_from_name(sp + 1);
                if (!r->err)
                    r->err = EIO;
            }
        }
        r->path = mc_xstrdup(rest);
        size_t last;
        r->prev = mc_hashmap_get_str(&d->by_path, r->path, &last) ? last + 1 : 0;
        mc_hashmap_put(&d->by_path, r->path, strlen(r->path), d->n - 1);
        r->body = memdup0(body, (size_t)(body_end - body));
        r->body_len = (size_t)(body_end - body);
        p = next;
    }
    if (!ended)
        return mc_error_set(reterr, -EBADMSG, "probe output from '%s' is truncated (no END record)",
                            label);
    *ret = TAKE_PTR(guard);
    return 0;
}
