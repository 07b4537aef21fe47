/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util: strv, utf8, spawn, sources (file system and probe dump). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/diff.h"
#include "util/fileio.h"
#include "util/random.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static void test_strv(void **state)
{
    (void)state;
    char **v = mc_strv_split("  a b\tc  ", " \t");
    assert_int_equal(mc_strv_length(v), 3);
    assert_true(mc_strv_contains(v, "b"));
    assert_false(mc_strv_contains(v, "d"));
    char *j = mc_strv_join(v, ",");
    assert_string_equal(j, "a,b,c");
    free(j);
    mc_strv_free(v);
    j = mc_strv_join(NULL, ",");
    assert_string_equal(j, "");
    free(j);
}

/*
 * Appends to arrays filled from remote input. An array allocated elsewhere with exactly its
 * count (mc_new0) grows, not overruns (ASan, in CI's second stage, sees an overrun). The growth
 * is geometric: 100000 appends move the block a few dozen times at most, where growing one
 * element at a time moved it on every append under ASan's allocator (quadratic copying).
 */
static void test_array_grow(void **state)
{
    (void)state;
    size_t n = 3;
    int *a = mc_new0(int, n);
    a[0] = 7, a[1] = 8, a[2] = 9;
    size_t moves = 0;
    for (int i = 0; i < 100000; i++) {
        int *before = a;
        int *e = MC_APPEND(a, n);
        assert_int_equal(*e, 0); /* the new element is zeroed */
        *e = i;
        moves += a != before;
    }
    assert_int_equal(n, 100003);
    assert_int_equal(a[0], 7);
    assert_int_equal(a[2], 9);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(a[3 + i], i);
    assert_in_range(moves, 1, 64);
    free(a);

    /* Strings: mc_strv_push on a vector from elsewhere, mc_strv_push_n with a kept count. */
    char **v = mc_strv_split("x y", " ");
    size_t nv = mc_strv_length(v);
    for (int i = 0; i < 20000; i++)
        mc_strv_push_n(&v, &nv, mc_xasprintf("%d", i));
    mc_strv_push(&v, mc_xstrdup("end"));
    assert_int_equal(mc_strv_length(v), 20003);
    assert_string_equal(v[0], "x");
    assert_string_equal(v[2], "0");
    assert_string_equal(v[20001], "19999");
    assert_string_equal(v[20002], "end");
    assert_null(v[20003]);
    mc_strv_free(v);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(mc_utf8_is_clean("plain\ttext\n\xc3\xa9"));
    assert_false(mc_utf8_is_clean("\x01"));
    assert_false(mc_utf8_is_clean("\xc0\xaf"));     /* overlong '/' */
    assert_false(mc_utf8_is_clean("\xed\xa0\x80")); /* surrogate */
    assert_false(mc_utf8_is_clean("\xe2\x82"));     /* truncated */
    char *c = mc_utf8_clean("a\x02z\xf0");
    assert_string_equal(c, "a\xef\xbf\xbdz\xef\xbf\xbd");
    free(c);
}

static void test_spawn(void **state)
{
    (void)state;
    struct mc_spawn_result r;
    struct mc_error err = { 0 };
    /* argv reaches the program untouched: no shell sees it. */
    const char *argv[] = { "printf", "%s|", "a b", "$(id)", "'\"", NULL };
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 5000 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "a b|$(id)|'\"|");
    mc_spawn_result_clear(&r);

    const char *cat[] = { "cat", NULL };
    o = (struct mc_spawn_opts){ .argv = cat, .stdin_data = "hello", .stdin_len = 5 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    assert_string_equal(r.out, "hello");
    mc_spawn_result_clear(&r);

    const char *sh[] = { "sh", "-c", "echo out; echo err >&2; exit 7", NULL };
    o = (struct mc_spawn_opts){ .argv = sh };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    assert_int_equal(r.exit_code, 7);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.err, "err\n");
    mc_spawn_result_clear(&r);

    const char *slp[] = { "sleep", "5", NULL };
    o = (struct mc_spawn_opts){ .argv = slp, .timeout_ms = 200 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    assert_true(r.timed_out);
    assert_true(r.seconds < 2.0);
    mc_spawn_result_clear(&r);

    const char *none[] = { "/nonexistent/program", NULL };
    o = (struct mc_spawn_opts){ .argv = none };
    assert_true(mc_spawn_run(&o, &r, &err) < 0);
    assert_non_null(strstr(err.message, "/nonexistent/program"));

    const char *big[] = { "head", "-c", "100000", "/dev/zero", NULL };
    o = (struct mc_spawn_opts){ .argv = big, .max_output = 1000 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), -EFBIG);
    mc_error_clear(&err);
}

#define B "b0undary0123"

static void test_dump(void **state)
{
    (void)state;
    const char *d = "motd noise\n"
                    "MCPROBE 1 " B "\n"
                    "--" B " F /etc/os-release\n"
                    "ID=rhel\n"
                    "\n"
                    "--" B " F /no-newline\n"
                    "abc\n"
                    "--" B " F /looks-like-a-marker\n"
                    "x --" B " F /fake\n"
                    "\n"
                    "--" B " D /sys/class/net\n"
                    "l -1 eth0\n"
                    "f 123 weird name\n"
                    "x\n"
                    "\n"
                    "--" B " L /sys/class/net/eth0\n"
                    "../../devices/pci/net/eth0\n"
                    "--" B " C dpkg-query 0\n"
                    "a\t1\n"
                    "\n"
                    "--" B " C rpm 127\n"
                    "\n"
                    "--" B " E /etc/shadow EACCES\n"
                    "\n"
                    "--" B " END\n";
    struct mc_source *s = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_source_dump(d, strlen(d), B, "h", &s, &err), 0);
    char *buf = NULL;
    size_t len;
    assert_int_equal(mc_source_read(s, "/etc/os-release", 100, &buf, &len), 0);
    assert_string_equal(buf, "ID=rhel\n");
    free(buf);
    assert_int_equal(mc_source_read(s, "/no-newline", 100, &buf, &len), 0);
    assert_string_equal(buf, "abc");
    free(buf);
    assert_int_equal(mc_source_read(s, "/looks-like-a-marker", 100, &buf, &len), 0);
    assert_string_equal(buf, "x --" B " F /fake\n");
    free(buf);
    assert_int_equal(mc_source_read(s, "/fake", 100, &buf, &len), -ENODATA);
    assert_int_equal(mc_source_read(s, "/etc/shadow", 100, &buf, &len), -EACCES);
    assert_int_equal(mc_source_read(s, "/etc/os-release", 3, &buf, &len), -EFBIG);
    struct mc_dirent *de;
    size_t n;
    assert_int_equal(mc_source_list(s, "/sys/class/net", &de, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(de[0].name, "eth0");
    assert_int_equal(de[0].type, MC_DT_LINK);
    assert_string_equal(de[1].name, "weird name");
    assert_int_equal(de[1].size, 123);
    mc_dirents_free(de, n);
    assert_int_equal(mc_source_readlink(s, "/sys/class/net/eth0", &buf), 0);
    assert_string_equal(buf, "../../devices/pci/net/eth0");
    free(buf);
    int ex;
    const char *argv[] = { "x", NULL };
    assert_int_equal(mc_source_command(s, "dpkg-query", argv, &buf, &len, &ex), 0);
    assert_string_equal(buf, "a\t1\n");
    assert_int_equal(ex, 0);
    free(buf);
    assert_int_equal(mc_source_command(s, "rpm", argv, &buf, &len, &ex), -ENOENT);
    assert_int_equal(mc_source_command(s, "other", argv, &buf, &len, &ex), -ENOTSUP);
    mc_source_free(s);

    /* Truncated, wrong boundary, bad records: refused with a message. */
    const char *t = "MCPROBE 1 " B "\n--" B " F /x\nabc";
    assert_int_equal(mc_source_dump(t, strlen(t), B, "h", &s, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "truncated"));
    assert_int_equal(mc_source_dump(d, strlen(d), "otherboundary1", "h", &s, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "did not answer"));
    const char *bk = "MCPROBE 1 " B "\n--" B " Z /x\n\n--" B " END\n";
    assert_int_equal(mc_source_dump(bk, strlen(bk), B, "h", &s, &err), -EBADMSG);
    mc_error_clear(&err);
}

/* Binary bodies keep their NULs and length; listings come sorted; an error record that names
 * the kind of access answers only that access. */
static void test_dump_details(void **state)
{
    (void)state;
    static const char d[] = "MCPROBE 1 " B "\n"
                            "--" B " F /bin\n"
                            "a\0b\n"
                            "--" B " D /dir\n"
                            "f 3 zeta\n"
                            "d -1 alpha\n"
                            "l -1 Mid\n"
                            "\n"
                            "--" B " E /dir ENOTDIR F\n"
                            "\n"
                            "--" B " E /link EINVAL L\n"
                            "\n"
                            "--" B " D /link\n"
                            "\n"
                            "--" B " E /any EACCES\n"
                            "\n"
                            "--" B " E /spaced name ENOENT\n"
                            "\n"
                            "--" B " E \n"
                            "\n"
                            "--" B " END\n";
    struct mc_source *s = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_source_dump(d, sizeof(d) - 1, B, "h", &s, &err), -EBADMSG);
    mc_error_clear(&err);
    /* Without the bad last record. */
    static const char bad[] = "--" B " E \n";
    const char *cut = memmem(d, sizeof(d) - 1, bad, sizeof(bad) - 1);
    assert_non_null(cut);
    size_t glen = (size_t)(cut - d) + strlen("--" B " END\n");
    char *good = mc_xmalloc(glen + 1);
    memcpy(good, d, (size_t)(cut - d));
    strcpy(good + (cut - d), "--" B " END\n");
    assert_int_equal(mc_source_dump(good, glen, B, "h", &s, &err), 0);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_source_read(s, "/bin", 100, &buf, &len), 0);
    assert_int_equal(len, 3); /* the newline before the next record is the probe's */
    assert_memory_equal(buf, "a\0b", 4);
    free(buf);
    struct mc_dirent *de;
    size_t n;
    assert_int_equal(mc_source_list(s, "/dir", &de, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(de[0].name, "Mid");
    assert_string_equal(de[1].name, "alpha");
    assert_string_equal(de[2].name, "zeta");
    assert_int_equal(de[2].size, 3);
    mc_dirents_free(de, n);
    assert_int_equal(mc_source_read(s, "/dir", 100, &buf, &len), -ENOTDIR);
    assert_int_equal(mc_source_readlink(s, "/link", &buf), -EINVAL);
    assert_int_equal(mc_source_list(s, "/link", &de, &n), 0);
    mc_dirents_free(de, n);
    assert_int_equal(mc_source_read(s, "/any", 100, &buf, &len), -EACCES);
    assert_int_equal(mc_source_list(s, "/any", &de, &n), -EACCES);
    assert_int_equal(mc_source_read(s, "/spaced name", 100, &buf, &len), -ENOENT);
    mc_source_free(s);
    free(good);

    /* A path's last record wins, of the kinds the access reads; others of that path are
     * passed over, however many records lie between. */
    _cleanup_free_ char *many = NULL;
    size_t mlen = 0;
    FILE *f = open_memstream(&many, &mlen);
    assert_non_null(f);
    fputs("MCPROBE 1 " B "\n--" B " F /p\nold\n--" B " E /q EACCES\n\n", f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "--" B " F /f%d\n%d\n", i, i);
    fputs("--" B " F /p\nnew\n--" B " E /p ENOENT L\n\n--" B " F /q\nnow\n", f);
    fputs("--" B " D /q\n\n--" B " E /f7 EPERM\n\n--" B " END\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(mc_source_dump(many, mlen, B, "h", &s, &err), 0);
    assert_int_equal(mc_source_read(s, "/p", 100, &buf, &len), 0);
    assert_string_equal(buf, "new");
    free(buf);
    assert_int_equal(mc_source_readlink(s, "/p", &buf), -ENOENT);
    assert_int_equal(mc_source_read(s, "/q", 100, &buf, &len), 0);
    assert_string_equal(buf, "now");
    free(buf);
    assert_int_equal(mc_source_list(s, "/q", &de, &n), 0);
    assert_int_equal(n, 0);
    mc_dirents_free(de, n);
    assert_int_equal(mc_source_read(s, "/f2999", 100, &buf, &len), 0);
    assert_string_equal(buf, "2999");
    free(buf);
    assert_int_equal(mc_source_read(s, "/f7", 100, &buf, &len), -EPERM);
    assert_int_equal(mc_source_read(s, "/f3000", 100, &buf, &len), -ENODATA);
    mc_source_free(s);
}

static void test_fs_source(void **state)
{
    (void)state;
    struct mc_source *s = mc_source_fs(MC_SOURCE_DIR, false);
    char *buf = NULL;
    assert_int_equal(mc_source_read(s, "/CMakeLists.txt", 1u << 20, &buf, NULL), 0);
    assert_non_null(strstr(buf, "project(migcheck"));
    free(buf);
    assert_int_equal(mc_source_read(s, "/does-not-exist", 10, &buf, NULL), -ENOENT);
    struct mc_dirent *de;
    size_t n;
    assert_int_equal(mc_source_list(s, "/tests", &de, &n), 0);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(de[i].name, "CMakeLists.txt") == 0 && de[i].type == MC_DT_FILE && de[i].size > 0)
            found = true;
    assert_true(found);
    mc_dirents_free(de, n);
    int ex;
    const char *argv[] = { "x", NULL };
    assert_int_equal(mc_source_command(s, "dpkg-query", argv, &buf, NULL, &ex), -ENOTSUP);
    mc_source_free(s);
}

/*
 * A token made in a child: hide_urandom puts /dev/null over /dev/urandom in a private mount
 * namespace (a weak generator would read nothing there and fall back to a predictable one);
 * no_getrandom makes getrandom(2) fail (the generator must then stop the process).
 */
static int child_token(bool hide_urandom, bool no_getrandom, char *out, size_t len)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        close(pfd[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2); /* the abort message is expected */
        if (hide_urandom &&
            (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
             mount("/dev/null", "/dev/urandom", NULL, MS_BIND, NULL) < 0))
            _exit(77);
        if (no_getrandom) {
            struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            };
            struct sock_fprog prog = { .len = 4, .filter = f };
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
                _exit(78);
        }
        char *t = mc_random_hex(16);
        ssize_t w = write(pfd[1], t, strlen(t));
        _exit(w == 32 ? 0 : 1);
    }
    close(pfd[1]);
    ssize_t n = read(pfd[0], out, len - 1);
    close(pfd[0]);
    out[n > 0 ? n : 0] = '\0';
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        return -WTERMSIG(status) - 1000;
    return WEXITSTATUS(status);
}

static void test_random(void **state)
{
    (void)state;
    char *a = mc_random_hex(16), *b = mc_random_hex(16);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    if (geteuid() != 0) {
        fprintf(stderr, "needs root for a private mount namespace: rest skipped\n");
        return;
    }
    /* Fresh processes without /dev/urandom still get different tokens. */
    char t1[64], t2[64];
    int r1 = child_token(true, false, t1, sizeof(t1));
    int r2 = child_token(true, false, t2, sizeof(t2));
    if (r1 == 77 || r2 == 77) {
        fprintf(stderr, "no private mount namespace here: rest skipped\n");
        return;
    }
    assert_int_equal(r1, 0);
    assert_int_equal(r2, 0);
    assert_int_equal(strlen(t1), 32);
    assert_string_not_equal(t1, t2);
    /* Without getrandom (and /dev/urandom) the process stops instead of using weak bytes. */
    char t3[64];
    int r3 = child_token(true, true, t3, sizeof(t3));
    if (r3 != 78)
        assert_int_equal(r3, -SIGABRT - 1000);
    assert_int_equal(strlen(t3), 0);
}

static void test_shell_quote(void **state)
{
    (void)state;
    static const char *const words[] = { "plain", "a b", "it's", "'", "$(id) `x` \\ \"q\"", "" };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        char *q = mc_shell_quote(words[i]);
        const char *argv[] = { "sh", "-c", NULL, NULL };
        char *cmd = mc_xasprintf("printf %%s %s", q);
        argv[2] = cmd;
        struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
        struct mc_spawn_result res = { 0 };
        struct mc_error err = { 0 };
        assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
        assert_int_equal(res.exit_code, 0);
        assert_string_equal(res.out, words[i]);
        mc_spawn_result_clear(&res);
        free(cmd);
        free(q);
    }
}

/* The unified diff agrees with GNU diff -u on the same texts (hunks, not the headers). */
static void diff_case(const char *a, const char *b)
{
    char tmpl[] = "/tmp/migcheck-diff-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *pa = mc_xasprintf("%s/a", tmpl), *pb = mc_xasprintf("%s/b", tmpl);
    FILE *f = fopen(pa, "w");
    fputs(a, f);
    fclose(f);
    f = fopen(pb, "w");
    fputs(b, f);
    fclose(f);
    const char *argv[] = { "diff", "-U", "3", pa, pb, NULL };
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
    struct mc_spawn_result r = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    char *mine = mc_unified_diff(a, b, "a", "b", 3);
    /* Drop both headers (GNU diff puts dates there). */
    const char *gh = strstr(r.out, "\n@@");
    const char *mh = strstr(mine, "\n@@");
    if (!gh) {
        assert_string_equal(mine, "");
    } else {
        assert_non_null(mh);
        assert_string_equal(mh, gh);
    }
    free(mine);
    mc_spawn_result_clear(&r);
    unlink(pa);
    unlink(pb);
    rmdir(tmpl);
    free(pa);
    free(pb);
}

static void test_diff(void **state)
{
    (void)state;
    diff_case("a\nb\nc\n", "a\nb\nc\n");
    diff_case("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
              "1\n2\n3\nFOUR\n5\n6\n7\n8\n9\n10\n11\n12\nthirteen\n14\n15\n");
    diff_case("<domain>\n  <disk file='/a/x.qcow2'/>\n  <iface bridge='br0'/>\n</domain>\n",
              "<domain>\n  <disk file='/b/x.qcow2'/>\n  <iface bridge='br1'/>\n</domain>\n");
    diff_case("x\n", "");
    diff_case("", "y\nz\n");
    diff_case("1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n5\n6\n7\n8\n9\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strv),        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_diff),        cmocka_unit_test(test_spawn),
        cmocka_unit_test(test_dump),        cmocka_unit_test(test_dump_details),
        cmocka_unit_test(test_fs_source),   cmocka_unit_test(test_random),
        cmocka_unit_test(test_shell_quote), cmocka_unit_test(test_array_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
