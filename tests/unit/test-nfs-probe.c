/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NFS probe against the lab's storage host (nfs-ganesha, tests/lab/labctl).
 * Skips (exit 77) when `labctl status` does not show the storage host with
 * ganesha up. What it checks is compared with nfs-ls (libnfs-utils) run
 * against the same server: the export list, and owner, size of a file found
 * there; plus a missing path, a missing export and a closed port.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sn-test-util.h"
#include "storage/probe.h"
#include "util/cleanup.h"
#include "util/strv.h"

static char *server; /* the lab storage host's address */

static void test_exports(void **state)
{
    (void)state;
    char **v = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_nfs_exports(server, 5000, &v, &err), 0);
    _cleanup_free_ char *url = mc_xasprintf("nfs://%s", server);
    const char *argv[] = { "nfs-ls", "-D", url, NULL };
    _cleanup_free_ char *out = sn_run(argv);
    assert_non_null(out);
    _cleanup_strv_free_ char **lines = mc_strv_split(out, "\n");
    assert_int_equal(mc_strv_length(lines), mc_strv_length(v));
    STRV_FOREACH (l, lines) {
        const char *path = *l + strlen(url);
        if (!mc_strv_contains(v, path))
            fail_msg("nfs-ls lists export '%s', the probe does not", path);
    }
    assert_true(mc_strv_contains(v, "/srv/nfs"));
    mc_strv_free(v);
}

static void test_export_root(void **state)
{
    (void)state;
    for (int version = 3; version <= 4; version++) {
        struct mc_nfs_probe_opts o = { .version = version, .uid = -1, .gid = -1 };
        struct mc_nfs_probe_result r;
        _cleanup_error_ struct mc_error err = { 0 };
        assert_int_equal(mc_nfs_probe(server, "/srv/nfs", "/", &o, &r, &err), 0);
        if (r.result != MC_NFS_OK)
            fail_msg("NFSv%d: %s: %s", version, mc_nfs_result_name(r.result), r.message);
        assert_true(r.exists);
        assert_true(S_ISDIR(r.mode));
        assert_int_equal(r.bytes_read, -1);
        mc_nfs_probe_result_clear(&r);
    }
}

/* The first regular file nfs-ls shows in the export: "-rw-r--r--  1 0 0 196616 name" */
static bool first_file(int version, char **ret_name, int64_t *uid, int64_t *gid, int64_t *size)
{
    _cleanup_free_ char *url = mc_xasprintf("nfs://%s/srv/nfs?version=%d", server, version);
    const char *argv[] = { "nfs-ls", url, NULL };
    _cleanup_free_ char *out = sn_run(argv);
    if (!out)
        return false;
    _cleanup_strv_free_ char **lines = mc_strv_split(out, "\n");
    STRV_FOREACH (l, lines) {
        _cleanup_strv_free_ char **f = mc_strv_split(*l, " ");
        if (mc_strv_length(f) != 6 || f[0][0] != '-')
            continue;
        *uid = strtoll(f[2], NULL, 10);
        *gid = strtoll(f[3], NULL, 10);
        *size = strtoll(f[4], NULL, 10);
        *ret_name = mc_xstrdup(f[5]);
        return true;
    }
    return false;
}

static void test_file(void **state)
{
    (void)state;
    bool tested = false;
    for (int version = 3; version <= 4; version++) {
        /* lab tests make and remove files meanwhile: a vanished file is retried once */
        for (int attempt = 0; attempt < 2; attempt++) {
            _cleanup_free_ char *name = NULL;
            int64_t uid, gid, size;
            if (!first_file(version, &name, &uid, &gid, &size))
                break;
            struct mc_nfs_probe_opts o = { .version = version, .uid = -1, .gid = -1 };
            struct mc_nfs_probe_result r;
            _cleanup_error_ struct mc_error err = { 0 };
            _cleanup_free_ char *url = mc_xasprintf("nfs://%s/srv/nfs/%s", server, name);
            assert_int_equal(mc_nfs_probe_url(url, &o, &r, &err), 0);
            if (r.result == MC_NFS_NOT_FOUND) {
                mc_nfs_probe_result_clear(&r);
                continue;
            }
            if (r.result != MC_NFS_OK)
                fail_msg("%s (v%d): %s: %s", url, version, mc_nfs_result_name(r.result), r.message);
            assert_string_equal(r.export_path, "/srv/nfs");
            assert_int_equal(r.uid, uid);
            assert_int_equal(r.gid, gid);
            assert_int_equal(r.size, size);
            assert_true(S_ISREG(r.mode));
            assert_int_equal(r.bytes_read, size < 512 ? size : 512);
            mc_nfs_probe_result_clear(&r);
            tested = true;
            break;
        }
    }
    if (!tested)
        fprintf(stderr, "no file in the lab's /srv/nfs right now: file checks skipped\n");
}

static void test_failures(void **state)
{
    (void)state;
    struct mc_nfs_probe_opts o = { .version = 3, .uid = -1, .gid = -1, .timeout_ms = 3000 };
    struct mc_nfs_probe_result r;
    _cleanup_error_ struct mc_error err = { 0 };
    _cleanup_free_ char *missing = mc_xasprintf("/mc-no-such-file-%d", (int)getpid());
    assert_int_equal(mc_nfs_probe(server, "/srv/nfs", missing, &o, &r, &err), 0);
    assert_int_equal(r.result, MC_NFS_NOT_FOUND);
    assert_false(r.exists);
    mc_nfs_probe_result_clear(&r);

    assert_int_equal(mc_nfs_probe(server, "/srv/not-exported", "/", &o, &r, &err), 0);
    assert_int_equal(r.result, MC_NFS_MOUNT_FAILED);
    assert_non_null(r.message);
    mc_nfs_probe_result_clear(&r);

    /* this machine's own loopback: no NFS server, no portmapper there */
    o.version = 4;
    assert_int_equal(mc_nfs_probe("127.0.0.1", "/srv/nfs", "/", &o, &r, &err), 0);
    assert_int_equal(r.result, MC_NFS_UNREACHABLE);
    assert_int_equal(r.err, ECONNREFUSED);
    mc_nfs_probe_result_clear(&r);

    assert_int_equal(mc_nfs_probe(server, "relative", "/", &o, &r, &err), -EINVAL);
    assert_int_equal(mc_nfs_probe_url("http://x/y", &o, &r, &err), -EINVAL);
}

static int labctl_exec(const char *script)
{
    _cleanup_free_ char *labctl = mc_xasprintf("%s/tests/lab/labctl", MC_SOURCE_DIR);
    struct mc_spawn_opts so = { .argv = (const char *const[]){ labctl, "exec", "lab-storage", "sh",
                                                               "-c", script, NULL },
                                .timeout_ms = 60000 };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_spawn_run(&so, &res, &err) == 0 ? res.exit_code : -1;
    mc_spawn_result_clear(&res);
    return r;
}

/*
 * The agent's nfs-stat honours its mode: a file the presented user may read but not write
 * (mode 0444, owned by that uid) opens read-only and is refused read-write, and a 0644 file
 * opens read-write. Through `migcheck __agent`, as the check asks it on a destination.
 */
static void test_agent_mode(void **state)
{
    (void)state;
    _cleanup_free_ char *ro = mc_xasprintf("mc-rw-test-%d-ro.img", (int)getpid());
    _cleanup_free_ char *rw = mc_xasprintf("mc-rw-test-%d-rw.img", (int)getpid());
    _cleanup_free_ char *mk =
        mc_xasprintf("cd /srv/nfs && printf x > %s && printf x > %s && chown 4242:4242 %s %s && "
                     "chmod 0444 %s && chmod 0644 %s",
                     ro, rw, ro, rw, ro, rw);
    assert_int_equal(labctl_exec(mk), 0);
    _cleanup_free_ char *req = mc_xasprintf(
        "1 nfs-stat %s /srv/nfs/%s 4242 4242 r\n2 nfs-stat %s /srv/nfs/%s 4242 4242 rw\n"
        "3 nfs-stat %s /srv/nfs/%s 4242 4242 rw\n4 nfs-stat %s /srv/nfs/%s 4242 4242 rx\n5 quit\n",
        server, ro, server, ro, server, rw, server, rw);
    _cleanup_free_ char *bin = mc_xasprintf("%s/src/migcheck", MC_BINARY_DIR);
    struct mc_spawn_opts so = { .argv = (const char *const[]){ bin, "__agent", NULL },
                                .stdin_data = req,
                                .stdin_len = strlen(req),
                                .timeout_ms = 60000 };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_spawn_run(&so, &res, &err);
    _cleanup_free_ char *rm = mc_xasprintf("rm -f /srv/nfs/%s /srv/nfs/%s", ro, rw);
    labctl_exec(rm);
    assert_int_equal(r, 0);
    _cleanup_strv_free_ char **lines = mc_strv_split(res.out, "\n");
    mc_spawn_result_clear(&res);
    const char *a[5] = { NULL };
    STRV_FOREACH (l, lines)
        if (**l >= '1' && **l <= '4' && (*l)[1] == ' ')
            a[**l - '1'] = *l + 2;
    assert_non_null(a[0]);
    assert_non_null(a[1]);
    assert_non_null(a[2]);
    assert_non_null(a[3]);
    if (!mc_str_startswith(a[0], "ok nfs "))
        fail_msg("read-only open of a 0444 file: '%s'", a[0]);
    if (!mc_str_startswith(a[1], "fail EACCES"))
        fail_msg("read-write open of a 0444 file: '%s'", a[1]);
    if (!mc_str_startswith(a[2], "ok nfs "))
        fail_msg("read-write open of a 0644 file: '%s'", a[2]);
    assert_string_equal(a[3], "error EINVAL");
}

/* The storage host's address when labctl says its ganesha is up. */
static char *lab_storage(void)
{
    _cleanup_free_ char *labctl = mc_xasprintf("%s/tests/lab/labctl", MC_SOURCE_DIR);
    if (access(labctl, X_OK) != 0)
        return NULL;
    struct mc_spawn_opts so = { .argv = (const char *const[]){ labctl, "status", NULL },
                                .timeout_ms = 60000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    char *addr = NULL;
    if (mc_spawn_run(&so, &res, &err) == 0 && res.out) {
        _cleanup_strv_free_ char **lines = mc_strv_split(res.out, "\n");
        STRV_FOREACH (l, lines) {
            _cleanup_strv_free_ char **f = mc_strv_split(*l, " ");
            if (mc_strv_length(f) >= 3 && strcmp(f[0], "lab-storage") == 0 &&
                mc_strv_contains(f, "ganesha:up"))
                addr = mc_xstrdup(f[1]);
        }
    }
    mc_spawn_result_clear(&res);
    mc_error_clear(&err);
    return addr;
}

int main(void)
{
    server = lab_storage();
    if (!server) {
        fprintf(stderr, "the lab's storage host is not up (tests/lab/labctl status): skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exports),    cmocka_unit_test(test_export_root),
        cmocka_unit_test(test_file),       cmocka_unit_test(test_failures),
        cmocka_unit_test(test_agent_mode),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    free(server);
    return r;
}
