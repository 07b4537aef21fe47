/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounts: /proc/self/mountinfo of any host, parsed locally with libmount.
 *
 * The text may come from another host (the sh probe), so libmount must not
 * mix in local knowledge: no cache is ever set on the table (that would make
 * lookups call realpath() here), the stream is labelled with a name that is
 * not a /proc path (libmount derives a thread id from /proc/<pid>/...), and
 * a source of "/dev/root" -- which libmount's mountinfo post-parser rewrites
 * using this machine's /proc/cmdline and /sys -- is put back as it was sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <libmount.h>

#include "storage-internal.h"
#include "storage.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

MC_DEFINE_CLEANUP(struct libmnt_table *, mnt_unref_table)
MC_DEFINE_CLEANUP(struct libmnt_iter *, mnt_free_iter)

const char *const mc_mounts_probe_spec[] = { "T /proc/self/mountinfo", NULL };

/* Lines longer than this are not mountinfo: refuse before libmount sees them. */
#define MOUNTINFO_MAX (16u << 20)

static int count_bad_line(struct libmnt_table *tb, const char *filename, int line)
{
    (void)filename;
    (void)line;
    size_t *bad = mnt_table_get_userdata(tb);
    if (bad)
        (*bad)++;
    return 1; /* recoverable: skip the line */
}

/*
 * The ids of the lines whose source field is "/dev/root". mountinfo lines
 * are "<id> <parent> <maj:min> <root> <target> <opts> [optional...] - <fstype> <source> <super>".
 */
static void find_dev_root_ids(const char *buf, size_t len, int64_t **ret, size_t *ret_n)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        /* " - " then two space-separated fields */
        const char *sep = memmem(p, (size_t)(le - p), " - ", 3);
        if (sep) {
            const char *f = sep + 3;
            const char *sp = memchr(f, ' ', (size_t)(le - f));
            if (sp && (size_t)(le - sp - 1) >= 9 && memcmp(sp + 1, "/dev/root", 9) == 0 &&
                (sp + 10 == le || sp[10] == ' ')) {
                char *e;
                long long id = strtoll(p, &e, 10);
                if (e != p) {
                    int64_t *v = MC_APPEND(*ret, *ret_n);
                    *v = id;
                }
            }
        }
        p = le + 1;
    }
}

static char *dup_range(const char *s, size_t n)
{
    return mc_xstrndup(s, n);
}

/* "host:/path" or "[v6]:/path"; false when the source has neither shape. */
static bool split_host_path(const char *src, char **ret_host, char **ret_path)
{
    if (!src || !*src)
        return false;
    if (src[0] == '[') {
        const char *rb = strchr(src, ']');
        if (!rb || rb[1] != ':' || rb == src + 1)
            return false;
        *ret_host = dup_range(src + 1, (size_t)(rb - src - 1));
        *ret_path = mc_xstrdup(rb + 2);
        return true;
    }
    const char *colon = strchr(src, ':');
    if (!colon || colon == src)
        return false;
    *ret_host = dup_range(src, (size_t)(colon - src));
    *ret_path = mc_xstrdup(colon + 1);
    return true;
}

static char *get_option(struct libmnt_fs *fs, const char *name)
{
    char *val = NULL;
    size_t len = 0;
    if (mnt_fs_get_option(fs, name, &val, &len) != 0 || !val || len == 0)
        return NULL;
    return mc_xstrndup(val, len);
}

/* server / export / server_addr / locktable for network and cluster file systems. */
static void mc_mount_derive(struct mc_mount *m, struct libmnt_fs *fs)
{
    const char *t = m->fstype;
    m->netfs = mc_fstype_is_netfs(t);
    m->clusterfs = mc_fstype_is_cluster(t);
    m->shared = mc_fstype_is_shared(t);
    if (!t || !m->source)
        return;
    const char *src = m->source;

    if (strcmp(t, "nfs") == 0 || strcmp(t, "nfs4") == 0) {
        split_host_path(src, &m->server, &m->export_path);
        if (fs)
            m->server_addr = get_option(fs, "addr");
    } else if (strcmp(t, "cifs") == 0 || strcmp(t, "smb3") == 0 || strcmp(t, "smbfs") == 0) {
        /* //server/share[/subdir] (backslashes accepted too) */
        size_t i = 0;
        while (src[i] == '/' || src[i] == '\\')
            i++;
        if (i == 2) {
            size_t hl = strcspn(src + i, "/\\");
            if (hl > 0) {
                m->server = dup_range(src + i, hl);
                const char *rest = src + i + hl;
                while (*rest == '/' || *rest == '\\')
                    rest++;
                if (*rest)
                    m->export_path = mc_xstrdup(rest);
            }
        }
        if (fs)
            m->server_addr = get_option(fs, "addr");
    } else if (strcmp(t, "ceph") == 0) {
        /* Old syntax "mon1:6789,mon2:6789:/path"; new "user@fsid.fsname=/path". */
        const char *eq = strchr(src, '=');
        const char *cp = strstr(src, ":/");
        if (eq && (!cp || eq < cp)) {
            m->server = dup_range(src, (size_t)(eq - src));
            m->export_path = mc_xstrdup(eq + 1);
        } else if (cp) {
            m->server = dup_range(src, (size_t)(cp - src));
            m->export_path = mc_xstrdup(cp + 1);
        }
    } else if (strcmp(t, "fuse.glusterfs") == 0 || strcmp(t, "glusterfs") == 0) {
        /* server:/volume or server:volume: the volume identifies the cluster store */
        char *host = NULL, *path = NULL;
        if (split_host_path(src, &host, &path)) {
            m->server = host;
            m->export_path = path;
        }
    } else if (strcmp(t, "gfs2") == 0 || strcmp(t, "gfs") == 0) {
        if (fs)
            m->locktable = get_option(fs, "locktable");
    }
}

int mc_mountinfo_parse(const char *buf, size_t len, struct mc_mount **ret, size_t *ret_n,
                       struct mc_error *reterr)
{
    if (len > MOUNTINFO_MAX)
        return mc_error_set(reterr, -EFBIG, "mountinfo is too large (%zu bytes)", len);
    if (len == 0 || !buf)
        return mc_error_set(reterr, -EBADMSG, "mountinfo is empty");

    _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = mnt_new_table();
    if (!tb)
        return mc_error_set(reterr, -ENOMEM, "cannot create a mount table");
    size_t bad = 0;
    mnt_table_set_userdata(tb, &bad);
    mnt_table_set_parser_errcb(tb, count_bad_line);

    /* fmemopen needs a writable buffer in some libcs: copy (also ensures NUL). */
    _cleanup_free_ char *copy = mc_xstrndup(buf, len);
    _cleanup_fclose_ FILE *f = fmemopen(copy, strlen(copy), "r");
    if (!f)
        return mc_error_set(reterr, -errno, "cannot open mountinfo as a stream: %m");
    int r = mnt_table_parse_stream(tb, f, "mountinfo");
    if (r < 0)
        return mc_error_set(reterr, r, "cannot parse mountinfo: %s", strerror(-r));
    if (mnt_table_get_nents(tb) == 0)
        return mc_error_set(reterr, -EBADMSG, "mountinfo holds no mount (%zu malformed lines)",
                            bad);
    /* libmount guesses the format from the first line: fstab/mtab lines have no ids. */
    struct libmnt_fs *first = NULL;
    if (mnt_table_first_fs(tb, &first) != 0 || mnt_fs_get_id(first) <= 0)
        return mc_error_set(reterr, -EBADMSG, "not mountinfo (lines carry no mount ids)");

    _cleanup_free_ int64_t *dev_root_ids = NULL;
    size_t n_dev_root = 0;
    find_dev_root_ids(copy, strlen(copy), &dev_root_ids, &n_dev_root);

    _cleanup_(mnt_free_iterp) struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
    if (!it)
        return mc_error_set(reterr, -ENOMEM, "cannot create a mount table iterator");
    struct mc_mount *v = NULL;
    size_t n = 0;
    struct libmnt_fs *fs;
    while (mnt_table_next_fs(tb, it, &fs) == 0) {
        struct mc_mount *m = MC_APPEND(v, n);
        m->id = mnt_fs_get_id(fs);
        m->parent_id = mnt_fs_get_parent_id(fs);
        dev_t dev = mnt_fs_get_devno(fs);
        m->devno = mc_xasprintf("%u:%u", major(dev), minor(dev));
        m->root = mc_xstrdup_or_null(mnt_fs_get_root(fs));
        m->target = mc_xstrdup_or_null(mnt_fs_get_target(fs));
        m->source = mc_xstrdup_or_null(mnt_fs_get_source(fs));
        for (size_t i = 0; i < n_dev_root; i++)
            if (dev_root_ids[i] == m->id) {
                free(m->source);
                m->source = mc_xstrdup("/dev/root");
            }
        m->fstype = mc_xstrdup_or_null(mnt_fs_get_fstype(fs));
        m->options = mc_xstrdup_or_null(mnt_fs_get_vfs_options(fs));
        m->fs_options = mc_xstrdup_or_null(mnt_fs_get_fs_options(fs));
        mc_mount_derive(m, fs);
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

void mc_mounts_gather(struct mc_source *src, struct mc_host_facts *h)
{
    static const char path[] = "/proc/self/mountinfo";
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, path, MOUNTINFO_MAX, &buf, &len);
    if (r < 0) {
        mc_facts_add_error(h, "mounts", r, "cannot read '%s': %s", path, strerror(-r));
        return;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_mount *m = NULL;
    size_t n = 0;
    r = mc_mountinfo_parse(buf, len, &m, &n, &err);
    if (r < 0) {
        mc_facts_add_error(h, "mounts", r, "cannot parse '%s': %s", path, err.message);
        return;
    }
    mc_mounts_free(h->mounts, h->n_mounts);
    h->mounts = m;
    h->n_mounts = n;
}
