/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host names, the agent protocol's encoding, and the two agents: the sh agent
 * (under dash, bash and busybox sh) and `migcheck __agent` must give the same
 * answers to the same requests on this machine, through the real session code.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

extern char **environ;

#include "agent/ops.h"
#include "agent/proto.h"
#include "hosts/hostspec.h"
#include "hosts/session.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void parse_ok(const char *spec, const char *user, const char *host, int port,
                     const char *uri)
{
    struct mc_hostspec h;
    struct mc_error err = { 0 };
    if (mc_hostspec_parse(spec, "ssh", &h, &err) < 0)
        fail_msg("'%s': %s", spec, err.message);
    if (user)
        assert_string_equal(h.user, user);
    else
        assert_null(h.user);
    if (host)
        assert_string_equal(h.host, host);
    assert_int_equal(h.port, port);
    assert_string_equal(h.uri, uri);
    mc_hostspec_clear(&h);
}

static void parse_bad(const char *spec)
{
    struct mc_hostspec h;
    struct mc_error err = { 0 };
    if (mc_hostspec_parse(spec, "ssh", &h, &err) == 0)
        fail_msg("'%s' was accepted", spec);
    assert_non_null(err.message);
    mc_error_clear(&err);
}

static void test_hostspec(void **state)
{
    (void)state;
    parse_ok("kvm1", NULL, "kvm1", 0, "qemu+ssh://kvm1/system");
    parse_ok("root@kvm1:2222", "root", "kvm1", 2222, "qemu+ssh://root@kvm1:2222/system");
    parse_ok("[fe80::1%eth0]:22", NULL, "fe80::1%eth0", 22, "qemu+ssh://[fe80::1%eth0]:22/system");
    parse_ok("admin@[2001:db8::5]", "admin", "2001:db8::5", 0,
             "qemu+ssh://admin@[2001:db8::5]/system");
    parse_ok("qemu+ssh://root@lab-a/system", "root", "lab-a", 0, "qemu+ssh://root@lab-a/system");
    parse_ok("qemu+tcp://169.254.42.11/system", NULL, "169.254.42.11", 0,
             "qemu+tcp://169.254.42.11/system");
    struct mc_hostspec h;
    struct mc_error err = { 0 };
    assert_int_equal(mc_hostspec_parse("local", "ssh", &h, &err), 0);
    assert_true(h.local);
    assert_string_equal(h.uri, "qemu:///system");
    mc_hostspec_clear(&h);
    assert_int_equal(mc_hostspec_parse("qemu:///system", "ssh", &h, &err), 0);
    assert_true(h.local);
    mc_hostspec_clear(&h);
    /* Names that could become options or shell words are refused. */
    parse_bad("");
    parse_bad("-oProxyCommand=x");
    parse_bad("kvm1;rm");
    parse_bad("a b");
    parse_bad("kvm1:99999");
    parse_bad("kvm1:");
    parse_bad("2001:db8::5");
    parse_bad("[::1");
    parse_bad("-l@kvm1");
    parse_bad("xen+ssh://kvm1/system");
    parse_bad("qemu+ssh:///system");
    parse_bad("qemu+ssh://k$(id)/system");

    assert_int_equal(mc_hostspec_parse("root@kvm1", "ssh", &h, &err), 0);
    char *u = mc_hostspec_uri_with_helper(&h, "/tmp/migcheck-ab12/ssh");
    assert_string_equal(u, "qemu+ssh://root@kvm1/system?no_tty=1&command=/tmp/migcheck-ab12/ssh");
    free(u);
    char *t = mc_hostspec_ssh_target(&h);
    assert_string_equal(t, "root@kvm1");
    free(t);
    mc_hostspec_clear(&h);
}

static void test_encoding(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "/var/lib/libvirt/images/web.qcow2",
        "a b",
        "it's \"quoted\"",
        "new\nline",
        "$(id)`x`",
        "back\\slash",
        "",
        "tab\there",
        "\xc3\xa9t\xc3\xa9",
        "-dash",
        NULL,
    };
    for (size_t i = 0; samples[i]; i++) {
        char *e = mc_agent_encode(samples[i]);
        for (const char *p = e; *p; p++)
            assert_true(*p != ' ' && *p != '\n' && *p != '\'' && *p != '"' && *p != '$');
        char *d = NULL;
        assert_int_equal(mc_agent_decode(e, &d), 0);
        assert_string_equal(d, samples[i]);
        free(d);
        free(e);
    }
    char *d = NULL;
    assert_int_equal(mc_agent_decode("bad word", &d), -EBADMSG);
    assert_int_equal(mc_agent_decode("\\0999", &d), -EBADMSG);
    assert_int_equal(mc_agent_decode("\\0000", &d), -EBADMSG); /* no NUL bytes */
    assert_int_equal(mc_agent_decode("x\\01", &d), -EBADMSG);
    char **w = NULL;
    assert_int_equal(mc_agent_split("ok file 12 a\\0040b", &w), 0);
    assert_int_equal(mc_strv_length(w), 4);
    assert_string_equal(w[3], "a b");
    mc_strv_free(w);
}

/* ---- the agents ---- */

struct agent {
    const char *name;
    struct mc_session s;
};

static char *dir;

static int start(struct agent *a, const char *remote_command, const char *shell)
{
    struct mc_hostspec h = { .local = true, .label = (char *)a->name };
    struct mc_session_opts o = {
        .host = &h, .control_dir = dir, .remote_command = remote_command, .timeout_ms = 20000
    };
    struct mc_error err = { 0 };
    if (shell)
        setenv("PATH", shell, 1);
    int r = mc_session_start(&a->s, &o, &err);
    if (r < 0)
        fail_msg("%s: %s", a->name, err.message);
    return r;
}

static char *answer_name(struct mc_session *s, const char *op, const char *const *args)
{
    char **w = NULL;
    struct mc_error err = { 0 };
    unsigned id = mc_session_send_name(s, op, args);
    if (mc_session_recv(s, id, 20000, &w, &err) < 0)
        fail_msg("%s: %s", op, err.message);
    char *j = mc_strv_join(w, " ");
    mc_strv_free(w);
    return j;
}

static char *answer(struct mc_session *s, enum mc_op op, const char *const *args)
{
    return answer_name(s, mc_agent_op(op)->name, args);
}

/* statvfs: the sizes of the file system that holds a directory, as statvfs(3) says them (the sh
 * agents read df -P -k, whose spaces in names and '-' capacities they parse); the test
 * directory's file system is shared with other processes, so its available space may move a
 * little between the two readings. */
static void check_statvfs(struct mc_session *s, const char *path, const char *missing)
{
    struct statvfs sv;
    char *a;
    assert_int_equal(statvfs(path, &sv), 0);
    const char *sa[] = { path, NULL };
    a = answer(s, MC_OP_STATVFS, sa);
    char **sw = mc_strv_split(a, " ");
    assert_int_equal(mc_strv_length(sw), 3);
    assert_string_equal(sw[0], "ok");
    unsigned long long unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
    assert_int_equal(strtoll(sw[1], NULL, 10), (long long)(sv.f_blocks * unit / 1024));
    long long av = strtoll(sw[2], NULL, 10), want = (long long)(sv.f_bavail * unit / 1024);
    assert_true(av >= want - 65536 && av <= want + 65536);
    mc_strv_free(sw);
    free(a);
    const char *sp[] = { "/proc", NULL }; /* no blocks: df's capacity is '-' or 0% */
    a = answer(s, MC_OP_STATVFS, sp);
    assert_string_equal(a, "ok 0 0");
    free(a);
    const char *sm[] = { missing, NULL };
    a = answer(s, MC_OP_STATVFS, sm);
    assert_string_equal(a, "fail ENOENT");
    free(a);
    const char *sr[] = { "relative/dir", NULL };
    a = answer(s, MC_OP_STATVFS, sr);
    assert_string_equal(a, "error EINVAL");
    free(a);
}

/* A UNIX stream socket at path: listening (backlog only: nobody accepts, as a busy backend), or
 * stale (bound, then closed: the file stays, nothing listens). Returns the listener's fd, or -1. */
static int unix_socket_at(const char *path, bool listening)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    assert_true(strlen(path) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    if (!listening) {
        close(fd);
        return -1;
    }
    assert_int_equal(listen(fd, 16), 0);
    return fd;
}

/* unix-connect: what QEMU's chardev client meets at a vhost-user backend's socket. The native
 * agent connects itself; a sh agent with QEMU or nc, and it names the tool; without either it
 * answers unsupported. Live: connected; stale: ECONNREFUSED; missing: ENOENT. */
static void check_unix_connect(struct mc_session *s, const char *in, bool native)
{
    char *live = mc_xasprintf("%s/live,%d.sock", in, (int)getpid());
    char *stale = mc_xasprintf("%s/stale.sock", in);
    char *gone = mc_xasprintf("%s/gone.sock", in);
    int lfd = unix_socket_at(live, true);
    unix_socket_at(stale, false);
    const char *al[] = { live, "2000", NULL }, *as[] = { stale, "2000", NULL };
    const char *ag[] = { gone, "2000", NULL }, *ar[] = { "rel.sock", "2000", NULL };
    const char *at[] = { live, "0", NULL };
    char *a = answer(s, MC_OP_UNIX_CONNECT, al);
    if (strcmp(a, "unsupported") == 0) {
        assert_false(native);
    } else {
        const char *tool = native ? "connect" : strstr(a, " qemu") != NULL ? "qemu" : "nc";
        char *want = mc_xasprintf("ok connected %s", tool);
        assert_string_equal(a, want);
        free(want);
        free(a);
        want = mc_xasprintf("fail ECONNREFUSED %s", tool);
        a = answer(s, MC_OP_UNIX_CONNECT, as);
        assert_string_equal(a, want);
        free(want);
        free(a);
        want = mc_xasprintf("fail ENOENT %s", tool);
        a = answer(s, MC_OP_UNIX_CONNECT, ag);
        assert_string_equal(a, want);
        free(want);
        /* The listener kept serving: connections stay queued for it, one per probe. */
        free(a);
        a = answer(s, MC_OP_UNIX_CONNECT, al);
        assert_true(mc_str_startswith(a, "ok connected "));
    }
    free(a);
    a = answer(s, MC_OP_UNIX_CONNECT, ar);
    assert_string_equal(a, "error EINVAL");
    free(a);
    a = answer(s, MC_OP_UNIX_CONNECT, at);
    assert_string_equal(a, "error EINVAL");
    free(a);
    close(lfd);
    unlink(live);
    unlink(stale);
    free(live);
    free(stale);
    free(gone);
}

static void test_agents_agree(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/migcheck-test-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    struct mc_error err = { 0 };
    assert_int_equal(mc_control_dir_create(&dir, &err), 0);
    /* A directory with an awkward name and a file in it. */
    char *odd = mc_xasprintf("%s/dir with 'quotes' and\nnewline", tmpl);
    assert_int_equal(mkdir(odd, 0755), 0);
    char *file = mc_xasprintf("%s/disk $(id).qcow2", odd);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("12345", f);
    fclose(f);
    char *missing = mc_xasprintf("%s/missing.img", odd);

    const char *saved = getenv("PATH");
    char *path = mc_xstrdup(saved ? saved : "/usr/bin:/bin");
    char *native = mc_xasprintf("%s/src/migcheck", MC_BINARY_DIR);

    /* The native agent, and the sh agent under each shell (first in PATH as "sh"). */
    struct agent agents[4] = {
        { .name = "native" }, { .name = "dash" }, { .name = "bash" }, { .name = "busybox" }
    };
    start(&agents[0], native, NULL);
    assert_string_equal(agents[0].s.kind, "migcheck");
    const char *shells[3] = { "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/busybox" };
    size_t nagents = 1;
    for (size_t i = 0; i < 3; i++) {
        if (access(shells[i], X_OK) < 0)
            continue;
        char *bin = mc_xasprintf("%s/bin-%s", tmpl, agents[1 + i].name);
        mkdir(bin, 0755);
        char *link = mc_xasprintf("%s/sh", bin);
        if (i == 2) {
            /* busybox runs as sh when called so; its applets stay in PATH through the rest. */
            assert_int_equal(symlink(shells[i], link), 0);
        } else {
            assert_int_equal(symlink(shells[i], link), 0);
        }
        char *p = mc_xasprintf("%s:%s", bin, path);
        start(&agents[1 + i], "", p);
        setenv("PATH", path, 1);
        assert_string_equal(agents[1 + i].s.kind, "sh");
        agents[nagents++] = agents[1 + i];
        free(p);
        free(link);
        free(bin);
    }
    assert_true(nagents >= 2);

    const char *stat1[] = { file, NULL };
    const char *stat2[] = { missing, NULL };
    const char *res[] = { "localhost", NULL };
    const char *open1[] = { file, "0", "0", "r", NULL };
    char *ref_stat1 = answer(&agents[0].s, MC_OP_STAT, stat1);
    char *ref_stat2 = answer(&agents[0].s, MC_OP_STAT, stat2);
    char *ref_res = answer(&agents[0].s, MC_OP_RESOLVE, res);
    char *ref_open = answer(&agents[0].s, MC_OP_OPEN, open1);
    assert_true(mc_str_startswith(ref_stat1, "ok file 5 "));
    assert_string_equal(ref_stat2, "fail ENOENT");
    assert_string_equal(ref_open, "ok");
    for (size_t i = 1; i < nagents; i++) {
        struct mc_session *s = &agents[i].s;
        char *a = answer(s, MC_OP_STAT, stat1);
        assert_string_equal(a, ref_stat1);
        free(a);
        a = answer(s, MC_OP_STAT, stat2);
        assert_string_equal(a, ref_stat2);
        free(a);
        a = answer(s, MC_OP_RESOLVE, res);
        assert_string_equal(a, ref_res);
        free(a);
        a = answer(s, MC_OP_OPEN, open1);
        assert_string_equal(a, ref_open);
        free(a);
        /* Canary round trip in the awkward directory. */
        const char *cw[] = { odd, "abc123", NULL };
        a = answer(s, MC_OP_CANARY_WRITE, cw);
        assert_string_equal(a, "ok");
        free(a);
        char *cpath = mc_xasprintf("%s/.migcheck-canary-abc123", odd);
        const char *cr[] = { cpath, "abc123", NULL };
        a = answer(&agents[0].s, MC_OP_CANARY_READ, cr); /* written by one agent, read by another */
        assert_string_equal(a, "ok match");
        free(a);
        const char *rm[] = { cpath, NULL };
        a = answer(s, MC_OP_RM_CANARY, rm);
        assert_string_equal(a, "ok");
        free(a);
        assert_int_equal(access(cpath, F_OK), -1);
        free(cpath);
        /* It refuses to remove anything that is not a canary. */
        const char *rm2[] = { file, NULL };
        a = answer(s, MC_OP_RM_CANARY, rm2);
        assert_true(mc_str_startswith(a, "error"));
        free(a);
        assert_int_equal(access(file, F_OK), 0);
        const char *bad[] = { odd, "../../x", NULL };
        a = answer(s, MC_OP_CANARY_WRITE, bad);
        assert_true(mc_str_startswith(a, "error"));
        free(a);
        a = answer_name(s, "no-such-op", NULL);
        assert_string_equal(a, "unsupported");
        free(a);
        /* Too few arguments: an error, before any handler runs. */
        a = answer(s, MC_OP_STAT, NULL);
        assert_string_equal(a, "error EINVAL");
        free(a);
        check_statvfs(s, odd, missing);
        if (i == 1)
            check_statvfs(&agents[0].s, odd, missing);
        check_unix_connect(s, tmpl, false);
        if (i == 1)
            check_unix_connect(&agents[0].s, tmpl, true);
        /* create-test: a file created and removed as a user; nothing is left behind. */
        char me_u[24], me_g[24];
        snprintf(me_u, sizeof(me_u), "%u", (unsigned)geteuid());
        snprintf(me_g, sizeof(me_g), "%u", (unsigned)getegid());
        const char *ct[] = { odd, "ct1", me_u, me_g, NULL };
        a = answer(s, MC_OP_CREATE_TEST, ct);
        assert_string_equal(a, "ok");
        free(a);
        char *ctpath = mc_xasprintf("%s/.migcheck-create-ct1", odd);
        assert_int_equal(access(ctpath, F_OK), -1);
        free(ctpath);
        const char *ctm[] = { missing, "ct2", me_u, me_g, NULL };
        a = answer(s, MC_OP_CREATE_TEST, ctm);
        assert_string_equal(a, "fail ENOENT");
        free(a);
        const char *ctbad[] = { odd, "../x", me_u, me_g, NULL };
        a = answer(s, MC_OP_CREATE_TEST, ctbad);
        assert_string_equal(a, "error EINVAL");
        free(a);
        /* As another user (nobody): refused in a root-owned 0755 directory, allowed in a sticky
         * 1777 one; an agent that cannot become that user (not root) says error, not fail. */
        char *sticky = mc_xasprintf("%s/sticky", tmpl);
        assert_int_equal(chmod(tmpl, 0755), 0);
        mkdir(sticky, 0755);
        assert_int_equal(chmod(sticky, 01777), 0);
        const char *cto[] = { odd, "ct3", "65534", "65534", NULL };
        const char *cts[] = { sticky, "ct4", "65534", "65534", NULL };
        char *ao = answer(s, MC_OP_CREATE_TEST, cto);
        char *as = answer(s, MC_OP_CREATE_TEST, cts);
        if (geteuid() == 0 && strcmp(agents[i].name, "busybox") == 0) {
            /* busybox sh runs its own setpriv applet, which cannot change ids. */
            assert_string_equal(ao, "unsupported");
            assert_string_equal(as, "unsupported");
        } else if (geteuid() == 0) {
            assert_string_equal(ao, "fail EACCES");
            assert_string_equal(as, "ok");
            char *ref_o = answer(&agents[0].s, MC_OP_CREATE_TEST, cto);
            assert_string_equal(ao, ref_o);
            free(ref_o);
        } else {
            assert_string_equal(ao, "error EPERM");
            assert_string_equal(as, "error EPERM");
        }
        /* open as nobody: the same three answers (a 0700 test directory is in the way). */
        assert_int_equal(chmod(tmpl, 0700), 0);
        const char *openo[] = { file, "65534", "65534", "r", NULL };
        char *oo = answer(s, MC_OP_OPEN, openo);
        if (geteuid() == 0 && strcmp(agents[i].name, "busybox") == 0)
            assert_string_equal(oo, "unsupported");
        else if (geteuid() == 0)
            assert_string_equal(oo, "fail EACCES");
        else
            assert_string_equal(oo, "error EPERM");
        free(oo);
        /* open read-write as nobody, as QEMU opens an existing shmem file (O_RDWR): a file
         * nobody may write but not read is refused, one it may read and write opens. */
        assert_int_equal(chmod(tmpl, 0755), 0);
        char *wo = mc_xasprintf("%s/write-only", tmpl), *rw = mc_xasprintf("%s/rw", tmpl);
        int fd = open(wo, O_CREAT | O_WRONLY, 0222);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(chmod(wo, 0222), 0);
        fd = open(rw, O_CREAT | O_WRONLY, 0666);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(chmod(rw, 0666), 0);
        const char *openwo[] = { wo, "65534", "65534", "rw", NULL };
        const char *openrw[] = { rw, "65534", "65534", "rw", NULL };
        char *owo = answer(s, MC_OP_OPEN, openwo), *orw = answer(s, MC_OP_OPEN, openrw);
        if (geteuid() == 0 && strcmp(agents[i].name, "busybox") == 0) {
            assert_string_equal(owo, "unsupported");
            assert_string_equal(orw, "unsupported");
        } else if (geteuid() == 0) {
            assert_string_equal(owo, "fail EACCES");
            assert_string_equal(orw, "ok");
            char *ref_wo = answer(&agents[0].s, MC_OP_OPEN, openwo);
            assert_string_equal(owo, ref_wo);
            free(ref_wo);
        }
        free(owo);
        free(orw);
        unlink(wo);
        unlink(rw);
        free(wo);
        free(rw);
        assert_int_equal(chmod(tmpl, 0700), 0);
        free(ao);
        free(as);
        rmdir(sticky);
        free(sticky);
        /* create-image never writes over a file; remove-image removes only the file it made. */
        const char *over[] = { file, "raw", "1048576", NULL };
        a = answer(s, MC_OP_CREATE_IMAGE, over);
        assert_string_equal(a, "fail EEXIST");
        free(a);
        char *img = mc_xasprintf("%s/new %s.img", odd, agents[i].name);
        const char *mk[] = { img, "qcow2", "1048576", NULL };
        a = answer(s, MC_OP_CREATE_IMAGE, mk);
        assert_true(mc_str_startswith(a, "ok "));
        struct stat ist;
        assert_int_equal(stat(img, &ist), 0);
        char *ino = mc_xasprintf("%llu", (unsigned long long)ist.st_ino);
        assert_string_equal(a + 3, ino);
        free(a);
        /* The native agent reads what the sh agent made: a qcow2 image of that size. */
        const char *qi[] = { "qemu-img", "info", "--output=json", img, NULL };
        struct mc_spawn_opts so = { .argv = qi, .timeout_ms = 20000 };
        struct mc_spawn_result sr = { 0 };
        if (mc_spawn_run(&so, &sr, &err) == 0 && sr.exit_code == 0) {
            assert_non_null(strstr(sr.out, "\"virtual-size\": 1048576"));
            assert_non_null(strstr(sr.out, "\"format\": \"qcow2\""));
        }
        mc_spawn_result_clear(&sr);
        const char *rmw[] = { img, "1", NULL };
        a = answer(s, MC_OP_REMOVE_IMAGE, rmw);
        assert_true(mc_str_startswith(a, "fail ESTALE"));
        free(a);
        assert_int_equal(access(img, F_OK), 0);
        const char *rmi[] = { img, ino, NULL };
        a = answer(&agents[0].s, MC_OP_REMOVE_IMAGE, rmi);
        assert_string_equal(a, "ok removed");
        free(a);
        assert_int_equal(access(img, F_OK), -1);
        a = answer(s, MC_OP_REMOVE_IMAGE, rmi);
        assert_string_equal(a, "ok absent");
        free(a);
        const char *badfmt[] = { img, "vmdk", "1048576", NULL };
        a = answer(s, MC_OP_CREATE_IMAGE, badfmt);
        assert_string_equal(a, "error EINVAL");
        free(a);
        assert_int_equal(access(img, F_OK), -1);
        free(ino);
        free(img);
    }
    {
        /* And the other way round: the native agent creates, the sh agent removes. */
        char *img = mc_xasprintf("%s/native.img", odd);
        const char *mk[] = { img, "raw", "65536", NULL };
        char *a = answer(&agents[0].s, MC_OP_CREATE_IMAGE, mk);
        assert_true(mc_str_startswith(a, "ok "));
        struct stat ist;
        assert_int_equal(stat(img, &ist), 0);
        assert_int_equal(ist.st_size, 65536);
        const char *rmi[] = { img, a + 3, NULL };
        char *b = answer(&agents[1].s, MC_OP_REMOVE_IMAGE, rmi);
        assert_string_equal(b, "ok removed");
        assert_int_equal(access(img, F_OK), -1);
        free(b);
        free(a);
        free(img);
    }
    {
        /* mem-rss: the QEMU of a domain found by the -uuid on its command line, and its guest
         * RAM mapping by size. A stand-in process carries the -uuid; it has no mapping of
         * that size. Every agent says the same. */
        const char *uuid = "6a3e1f0c-95d4-4c1e-9a55-0d0e7f1b2c3d";
        const char *argv[] = { "sh", "-c", "sleep 30; exit 0", "-uuid", uuid, NULL };
        pid_t pid;
        /* A process group of its own, ended whole below: the shell's sleep must not outlive
         * the test (it held the test's output open for 30 s, and ctest waited for it). */
        posix_spawnattr_t attr;
        assert_int_equal(posix_spawnattr_init(&attr), 0);
        assert_int_equal(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP), 0);
        assert_int_equal(posix_spawnattr_setpgroup(&attr, 0), 0);
        assert_int_equal(posix_spawnp(&pid, "sh", NULL, &attr, (char *const *)argv, environ), 0);
        posix_spawnattr_destroy(&attr);
        usleep(200000);
        const char *none[] = { "00000000-0000-4000-8000-000000000000", "268435456", NULL };
        const char *odd_size[] = { uuid, "50565120", NULL };
        const char *bad[] = { "x;rm -rf /", "4096", NULL };
        char *ref_none = answer(&agents[0].s, MC_OP_MEM_RSS, none);
        char *ref_odd = answer(&agents[0].s, MC_OP_MEM_RSS, odd_size);
        char *ref_bad = answer(&agents[0].s, MC_OP_MEM_RSS, bad);
        assert_string_equal(ref_none, "fail ENOENT");
        assert_string_equal(ref_odd, "fail ENODATA");
        assert_string_equal(ref_bad, "error EINVAL");
        for (size_t i = 1; i < nagents; i++) {
            char *a = answer(&agents[i].s, MC_OP_MEM_RSS, none);
            assert_string_equal(a, ref_none);
            free(a);
            a = answer(&agents[i].s, MC_OP_MEM_RSS, odd_size);
            assert_string_equal(a, ref_odd);
            free(a);
            a = answer(&agents[i].s, MC_OP_MEM_RSS, bad);
            assert_string_equal(a, ref_bad);
            free(a);
            /* The sh agent cannot sample memory or measure bandwidth: it says so. */
            const char *ms[] = { uuid, "268435456", "400", "200", "16", NULL };
            a = answer(&agents[i].s, MC_OP_MEM_SAMPLE, ms);
            assert_string_equal(a, "unsupported");
            free(a);
        }
        kill(-pid, SIGTERM); /* our own child's process group: the shell and its sleep */
        waitpid(pid, NULL, 0);
        free(ref_none);
        free(ref_odd);
        free(ref_bad);
    }
    for (size_t i = 0; i < nagents; i++)
        mc_session_close(&agents[i].s);
    setenv("PATH", path, 1);
    free(ref_stat1);
    free(ref_stat2);
    free(ref_res);
    free(ref_open);
    free(native);
    free(path);
    unlink(file);
    rmdir(odd);
    free(file);
    free(missing);
    free(odd);
    char *cmd[] = { NULL };
    (void)cmd;
    mc_control_dir_remove(dir);
    free(dir);
    /* Remove the scratch directory and its shell links. */
    static const char *const names[] = { "bin-dash", "bin-bash", "bin-busybox", NULL };
    for (size_t i = 0; names[i]; i++) {
        char *l = mc_xasprintf("%s/%s/sh", tmpl, names[i]);
        unlink(l);
        free(l);
        l = mc_xasprintf("%s/%s", tmpl, names[i]);
        rmdir(l);
        free(l);
    }
    assert_int_equal(rmdir(tmpl), 0);
}

extern const char mc_agent_script_text[];

/* The operation table: safe names, every sh handler defined in agent.sh, a usable dispatch. */
static void test_op_table(void **state)
{
    (void)state;
    for (int i = 0; i < _MC_OP_MAX; i++) {
        const struct mc_agent_op *o = mc_agent_op((enum mc_op)i);
        assert_non_null(o->name);
        assert_int_equal(strspn(o->name, "abcdefghijklmnopqrstuvwxyz-"), strlen(o->name));
        assert_int_equal(mc_agent_op_find(o->name), i);
        assert_true(o->c || o->sh);
        if (o->sh) {
            assert_int_equal(strspn(o->sh, "abcdefghijklmnopqrstuvwxyz_"), strlen(o->sh));
            char *def = mc_xasprintf("\n%s() {\n", o->sh);
            if (!strstr(mc_agent_script_text, def))
                fail_msg("agent.sh has no function %s for '%s'", o->sh, o->name);
            free(def);
        }
        if (o->min_args)
            assert_non_null(o->args);
    }
    assert_int_equal(mc_agent_op_find("no-such-op"), -1);
    char *d = mc_agent_sh_dispatch();
    assert_non_null(strstr(d, "\tstat)\n"));
    assert_null(strstr(d, "\tconnect)")); /* no sh handler: the default branch answers */
    assert_non_null(strstr(d, "unsupported"));
    free(d);
}

static void test_unreachable(void **state)
{
    (void)state;
    /* A host nobody answers for: ssh fails fast, and the message says which host. */
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    struct mc_hostspec h;
    assert_int_equal(mc_hostspec_parse("root@169.254.254.254", "ssh", &h, &err), 0);
    struct mc_session s;
    struct mc_session_opts o = {
        .host = &h, .control_dir = cdir, .remote_command = "migcheck", .timeout_ms = 3000
    };
    setenv("MIGCHECK_TEST_SSH", "1", 1);
    int r = mc_session_start(&s, &o, &err);
    assert_true(r < 0);
    assert_non_null(strstr(err.message, "169.254.254.254"));
    mc_error_clear(&err);
    mc_hostspec_clear(&h);
    mc_control_dir_remove(cdir);
    free(cdir);
}

int main(void)
{
    /* As migcheck's main does: an ssh that has already exited (test_unreachable: no route, it
     * fails at once) must give the session EPIPE, not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostspec),     cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_agents_agree), cmocka_unit_test(test_op_table),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
