/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounts: mc_mountinfo_parse against findmnt (util-linux) on this machine's
 * /proc/self/mountinfo and on fixture tables (findmnt --tab-file), plus the
 * derived facts for network and cluster file systems (NFS v3/v4, an IPv6
 * server, CIFS, Ceph, GlusterFS, GFS2), bind mounts, over-mounts, escaped
 * paths, /dev/root kept opaque and malformed lines.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/facts.h"
#include "sn-test-util.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/source.h"

static const struct mc_mount *by_id(const struct mc_mount *m, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id)
            return &m[i];
    return NULL;
}

/* findmnt prints a bind mount's source as "source[root]": the plain source. */
static char *findmnt_source(const char *s, const char *fsroot)
{
    if (!s)
        return NULL;
    size_t l = strlen(s);
    if (fsroot && strcmp(fsroot, "/") != 0 && l > 0 && s[l - 1] == ']') {
        char *suffix = mc_xasprintf("[%s]", fsroot);
        size_t sl = strlen(suffix);
        char *r = NULL;
        if (l > sl && strcmp(s + l - sl, suffix) == 0)
            r = mc_xstrndup(s, l - sl);
        free(suffix);
        if (r)
            return r;
    }
    return mc_xstrdup(s);
}

/*
 * Compare findmnt's list (JSON) with our parse, entry by entry. Returns the
 * number of mismatches (printed), so a caller may retry when the table moved.
 */
static int compare_with_findmnt(json_object *j, const struct mc_mount *m, size_t n, bool options)
{
    json_object *arr = NULL;
    if (!json_object_object_get_ex(j, "filesystems", &arr) ||
        !json_object_is_type(arr, json_type_array)) {
        fprintf(stderr, "findmnt JSON has no filesystems array\n");
        return 1;
    }
    size_t jn = json_object_array_length(arr);
    int bad = 0;
    if (jn != n) {
        fprintf(stderr, "findmnt lists %zu mounts, mc_mountinfo_parse %zu\n", jn, n);
        bad++;
    }
    for (size_t i = 0; i < jn && i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const struct mc_mount *x = &m[i];
        int64_t id = sn_jint(e, "id", -1), parent = sn_jint(e, "parent", -1);
        const char *fsroot = sn_jstr(e, "fsroot");
        char *src = findmnt_source(sn_jstr(e, "source"), fsroot);
        const char *target = sn_jstr(e, "target"), *fstype = sn_jstr(e, "fstype");
        if (id != x->id || parent != x->parent_id || sn_strcmp0(target, x->target) ||
            sn_strcmp0(fstype, x->fstype) || sn_strcmp0(src, x->source) ||
            (fsroot && sn_strcmp0(fsroot, x->root))) {
            fprintf(stderr,
                    "mount %zu differs: findmnt id=%lld parent=%lld target='%s' source='%s' "
                    "fstype='%s' root='%s'; ours id=%lld parent=%lld target='%s' source='%s' "
                    "fstype='%s' root='%s'\n",
                    i, (long long)id, (long long)parent, target, src, fstype, fsroot,
                    (long long)x->id, (long long)x->parent_id, x->target, x->source, x->fstype,
                    x->root);
            bad++;
        }
        const char *majmin = sn_jstr(e, "maj:min");
        if (majmin && sn_strcmp0(majmin, x->devno)) {
            fprintf(stderr, "mount %zu: devno '%s' vs '%s'\n", i, majmin, x->devno);
            bad++;
        }
        if (options) {
            const char *vfs = sn_jstr(e, "vfs-options"), *fso = sn_jstr(e, "fs-options");
            if (sn_strcmp0(vfs, x->options) || sn_strcmp0(fso, x->fs_options)) {
                fprintf(stderr, "mount %zu options: '%s' '%s' vs '%s' '%s'\n", i, vfs, fso,
                        x->options, x->fs_options);
                bad++;
            }
        }
        free(src);
    }
    return bad;
}

static const char *const findmnt_cols = "ID,PARENT,TARGET,SOURCE,FSTYPE,VFS-OPTIONS,FS-OPTIONS,"
                                        "FSROOT,MAJ:MIN";

/* This machine: /proc/self/mountinfo through the local source, and findmnt. */
static void test_system_matches_findmnt(void **state)
{
    (void)state;
    int bad = 1;
    /* Another process may mount or unmount meanwhile (ip netns add): retry on a moving table. */
    for (int attempt = 0; attempt < 5 && bad; attempt++) {
        _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
        struct mc_host_facts *h = mc_host_facts_new();
        mc_mounts_gather(src, h);
        assert_int_equal(h->n_errors, 0);
        assert_true(h->n_mounts > 0);
        const char *argv[] = { "findmnt", "-J", "-l", "-o", findmnt_cols, NULL };
        json_object *j = sn_run_json(argv);
        assert_non_null(j);
        char *after = NULL;
        assert_int_equal(mc_read_file("/proc/self/mountinfo", 16u << 20, &after, NULL), 0);
        struct mc_mount *m2 = NULL;
        size_t n2 = 0;
        struct mc_error err = { 0 };
        assert_int_equal(mc_mountinfo_parse(after, strlen(after), &m2, &n2, &err), 0);
        bool stable = n2 == h->n_mounts;
        bad = compare_with_findmnt(j, h->mounts, h->n_mounts, true);
        if (bad && !stable)
            fprintf(stderr, "the mount table changed while reading it: retrying\n");
        else if (bad)
            attempt = 5; /* a real difference: fail */
        mc_mounts_free(m2, n2);
        free(after);
        json_object_put(j);
        mc_host_facts_free(h);
    }
    assert_int_equal(bad, 0);
}

static void parse_fixture(const char *name, struct mc_mount **m, size_t *n)
{
    size_t len = 0;
    _cleanup_free_ char *buf = sn_fixture(name, &len);
    assert_non_null(buf);
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_mountinfo_parse(buf, len, m, n, &err);
    if (r < 0)
        fprintf(stderr, "%s\n", err.message);
    assert_int_equal(r, 0);
}

/* The fixture table: every entry as findmnt --tab-file reads it. */
static void test_fixture_matches_findmnt(void **state)
{
    (void)state;
    struct mc_mount *m = NULL;
    size_t n = 0;
    parse_fixture("storage/mountinfo/fixtures.mountinfo", &m, &n);
    _cleanup_free_ char *path =
        mc_xasprintf("%s/storage/mountinfo/fixtures.mountinfo", MC_TEST_DATA);
    const char *argv[] = { "findmnt", "-J", "-l", "-F", path, "-o", findmnt_cols, NULL };
    json_object *j = sn_run_json(argv);
    assert_non_null(j);
    assert_int_equal(compare_with_findmnt(j, m, n, true), 0);
    json_object_put(j);
    mc_mounts_free(m, n);
}

static void test_nfs(void **state)
{
    (void)state;
    struct mc_mount *m = NULL;
    size_t n = 0;
    parse_fixture("storage/mountinfo/fixtures.mountinfo", &m, &n);

    const struct mc_mount *v4 = by_id(m, n, 60);
    assert_non_null(v4);
    assert_string_equal(v4->fstype, "nfs4");
    assert_true(v4->netfs && v4->shared && !v4->clusterfs);
    assert_string_equal(v4->server, "nfs1.example.com");
    assert_string_equal(v4->export_path, "/export/vms");
    assert_string_equal(v4->server_addr, "192.0.2.20"); /* addr=, not clientaddr= */
    assert_string_equal(v4->options, "rw,relatime");
    assert_non_null(strstr(v4->fs_options, "vers=4.2"));

    const struct mc_mount *v3 = by_id(m, n, 61);
    assert_non_null(v3);
    assert_string_equal(v3->fstype, "nfs");
    assert_string_equal(v3->server, "192.0.2.21");
    assert_string_equal(v3->export_path, "/srv/nfs/v3");
    assert_string_equal(v3->server_addr, "192.0.2.21");

    const struct mc_mount *v6 = by_id(m, n, 62);
    assert_non_null(v6);
    assert_string_equal(v6->server, "2001:db8::20"); /* brackets removed */
    assert_string_equal(v6->export_path, "/export/v6");
    assert_string_equal(v6->server_addr, "2001:db8::20");
    mc_mounts_free(m, n);
}

static void test_cifs_ceph_gluster_gfs2(void **state)
{
    (void)state;
    struct mc_mount *m = NULL;
    size_t n = 0;
    parse_fixture("storage/mountinfo/fixtures.mountinfo", &m, &n);

    const struct mc_mount *c = by_id(m, n, 63);
    assert_non_null(c);
    assert_true(c->netfs && c->shared);
    assert_string_equal(c->server, "fileserver");
    assert_string_equal(c->export_path, "vmshare/sub");
    assert_string_equal(c->server_addr, "192.0.2.30");

    const struct mc_mount *g = by_id(m, n, 64);
    assert_non_null(g);
    assert_true(g->clusterfs && g->shared && !g->netfs);
    assert_string_equal(g->locktable, "mycluster:vmstore");
    assert_string_equal(g->devno, "253:3");
    assert_null(g->server);

    const struct mc_mount *ceph = by_id(m, n, 68);
    assert_non_null(ceph);
    assert_true(ceph->netfs && ceph->shared);
    assert_string_equal(ceph->server, "192.0.2.40:6789,192.0.2.41:6789");
    assert_string_equal(ceph->export_path, "/vms");

    const struct mc_mount *ceph2 = by_id(m, n, 70);
    assert_non_null(ceph2);
    assert_string_equal(ceph2->server, "admin@b3acfc0d-575f-41d3-9c91-0e7ed3dbb3fa.cephfs");
    assert_string_equal(ceph2->export_path, "/vms");

    const struct mc_mount *gl = by_id(m, n, 69);
    assert_non_null(gl);
    assert_true(gl->shared && gl->netfs);
    assert_string_equal(gl->server, "gl1.example.com");
    assert_string_equal(gl->export_path, "/gv0");
    mc_mounts_free(m, n);
}

static void test_bind_overmount_escapes_devroot(void **state)
{
    (void)state;
    struct mc_mount *m = NULL;
    size_t n = 0;
    parse_fixture("storage/mountinfo/fixtures.mountinfo", &m, &n);

    /* /dev/root is kept as sent: libmount would rewrite it from *this* machine */
    const struct mc_mount *root = by_id(m, n, 22);
    assert_non_null(root);
    assert_string_equal(root->source, "/dev/root");
    assert_string_equal(root->devno, "8:1");

    const struct mc_mount *bind = by_id(m, n, 65);
    assert_non_null(bind);
    assert_string_equal(bind->root, "/srv/images");
    assert_string_equal(bind->source, "/dev/mapper/vg0-root");
    assert_false(bind->shared);

    /* The over-mount (tmpfs on the NFS mount) is what a path under it reaches. */
    const struct mc_mount *top = mc_mounts_find_for_path(m, n, "/var/lib/libvirt/images/vm1.qcow2");
    assert_non_null(top);
    assert_int_equal(top->id, 66);
    assert_string_equal(top->fstype, "tmpfs");
    assert_int_equal(top->parent_id, 60);

    const struct mc_mount *sp = by_id(m, n, 67);
    assert_non_null(sp);
    assert_string_equal(sp->target, "/mnt/with space");
    assert_string_equal(sp->source, "my tmpfs");
    const struct mc_mount *tab = by_id(m, n, 71);
    assert_non_null(tab);
    assert_string_equal(tab->target, "/mnt/tab\tand\\back");
    mc_mounts_free(m, n);
}

static void test_malformed(void **state)
{
    (void)state;
    struct mc_mount *m = NULL;
    size_t n = 0;
    parse_fixture("storage/mountinfo/malformed.mountinfo", &m, &n);
    /* the broken lines are skipped, the good ones kept: as findmnt does */
    _cleanup_free_ char *path =
        mc_xasprintf("%s/storage/mountinfo/malformed.mountinfo", MC_TEST_DATA);
    const char *argv[] = { "findmnt", "-J", "-l", "-F", path, "-o", findmnt_cols, NULL };
    json_object *j = sn_run_json(argv);
    assert_non_null(j);
    assert_int_equal(compare_with_findmnt(j, m, n, true), 0);
    json_object_put(j);
    assert_int_equal(n, 3);
    mc_mounts_free(m, n);

    static const char *const bad[] = {
        "", "\n\n\n", "garbage\n", "/dev/sda1 / ext4 rw 0 0\n", /* fstab/mtab, not mountinfo */
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        _cleanup_error_ struct mc_error err = { 0 };
        m = NULL;
        n = 0;
        assert_int_equal(mc_mountinfo_parse(bad[i], strlen(bad[i]), &m, &n, &err), -EBADMSG);
        assert_non_null(err.message);
        assert_null(m);
    }
}

/* The gatherer through a fixture source, and its error when the file is absent. */
static void test_gather_errors(void **state)
{
    (void)state;
    _cleanup_free_ char *dir = mc_xasprintf("%s/storage/empty", MC_TEST_DATA);
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs(dir, false);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_mounts_gather(src, h);
    assert_int_equal(h->n_mounts, 0);
    assert_int_equal(h->n_errors, 1);
    assert_string_equal(h->errors[0].area, "mounts");
    assert_int_equal(h->errors[0].err, ENOENT);
    assert_non_null(strstr(h->errors[0].message, "/proc/self/mountinfo"));
    mc_host_facts_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_matches_findmnt),
        cmocka_unit_test(test_fixture_matches_findmnt),
        cmocka_unit_test(test_nfs),
        cmocka_unit_test(test_cifs_ceph_gluster_gfs2),
        cmocka_unit_test(test_bind_overmount_escapes_devroot),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_gather_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
