/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live path against hostile surroundings (each case was a finding of a security review,
 * reproduced here before it was fixed):
 *   - a $XDG_RUNTIME_DIR that is not ours, or a name a shell would split, for the private
 *     directory and the ssh helper script in it;
 *   - a NUL byte in what an agent sends (a probe dump of a binary file);
 *   - escape sequences in a host's greeting or in ssh's last words;
 *   - an ssh_config that turns host key checks or agent/X11 forwarding on (real ssh -G with
 *     such a system configuration, in a private mount namespace);
 *   - libvirt URIs that turn host key checks off.
 * Hostile agents are small scripts standing in for a compromised host: the lab cannot make a
 * host lie, so this is the one place a fake host is used, and it is said here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/ops.h"
#include "hosts/hostset.h"
#include "network/probe.h"
#include "hosts/hostspec.h"
#include "hosts/session.h"
#include "util/fileio.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *tmpdir;

static void write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    assert_true(fd >= 0);
    assert_int_equal(mc_write_all(fd, text, strlen(text)), 0);
    close(fd);
    chmod(path, mode);
}

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* ---- 1. the private directory ---- */

static void test_runtime_dir(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    char *cdir = NULL;
    char *saved = getenv("XDG_RUNTIME_DIR") ? mc_xstrdup(getenv("XDG_RUNTIME_DIR")) : NULL;

    /* Writable by everyone: not used. */
    char *open_dir = mc_xasprintf("%s/rt-open", tmpdir);
    assert_int_equal(mkdir(open_dir, 0700), 0);
    assert_int_equal(chmod(open_dir, 0777), 0);
    setenv("XDG_RUNTIME_DIR", open_dir, 1);
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    if (under(cdir, open_dir))
        fail_msg("private directory '%s' made in a world-writable runtime directory", cdir);
    mc_control_dir_remove(cdir);
    free(cdir);

    /* Another user's (after su or sudo -E): not used. Needs root to make one. */
    if (geteuid() == 0) {
        char *other = mc_xasprintf("%s/rt-other", tmpdir);
        assert_int_equal(mkdir(other, 0700), 0);
        assert_int_equal(chown(other, 65534, 65534), 0);
        setenv("XDG_RUNTIME_DIR", other, 1);
        assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
        if (under(cdir, other))
            fail_msg("private directory '%s' made in another user's runtime directory", cdir);
        mc_control_dir_remove(cdir);
        free(cdir);
        free(other);
    }

    /* Ours, with a space and a quote in its name: used, and the helper passes it whole. */
    char *odd = mc_xasprintf("%s/r t'x", tmpdir);
    assert_int_equal(mkdir(odd, 0700), 0);
    setenv("XDG_RUNTIME_DIR", odd, 1);
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    assert_true(under(cdir, odd));
    char *helper = mc_control_dir_ssh_helper(cdir);
    struct mc_spawn_opts so = { .argv = (const char *const[]){ helper, "-G", "lab-x", NULL },
                                .timeout_ms = 20000 };
    struct mc_spawn_result res = { 0 };
    assert_int_equal(mc_spawn_run(&so, &res, &err), 0);
    if (res.exit_code != 0)
        fail_msg("the ssh helper failed: %s", res.err);
    char *want = mc_xasprintf("\ncontrolpath %s/cm-", cdir);
    if (!strstr(res.out, want))
        fail_msg("ssh -G through the helper does not show '%s'", want + 1);
    free(want);
    mc_spawn_result_clear(&res);
    free(helper);
    mc_control_dir_remove(cdir);
    free(cdir);
    free(odd);
    free(open_dir);
    if (saved)
        setenv("XDG_RUNTIME_DIR", saved, 1);
    else
        unsetenv("XDG_RUNTIME_DIR");
    free(saved);
}

/* ---- 2. a NUL byte in an answer ---- */

static void start_local(struct mc_session *s, const char *cdir, const char *remote_command,
                        struct mc_error *err, int *ret)
{
    struct mc_hostspec h = { .local = true, .label = (char *)"local" };
    struct mc_session_opts o = {
        .host = &h, .control_dir = cdir, .remote_command = remote_command, .timeout_ms = 20000
    };
    *ret = mc_session_start(s, &o, err);
}

static void test_nul_in_dump(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    char *file = mc_xasprintf("%s/binary", tmpdir);
    static const char content[] = "ab\0cd\nef\0";
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(mc_write_all(fd, content, sizeof(content) - 1), 0);
    close(fd);

    struct mc_session s;
    int r;
    start_local(&s, cdir, "", &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    char *spec_line = mc_xasprintf("F %s", file);
    const char *spec[] = { spec_line, NULL };
    const char *const *specs[] = { spec, NULL };
    struct mc_source *src = NULL;
    if (mc_session_probe(&s, specs, 20000, &src, &err) < 0)
        fail_msg("%s", err.message);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(mc_source_read(src, file, 1 << 20, &data, &len), 0);
    assert_int_equal(len, sizeof(content) - 1);
    assert_memory_equal(data, content, len);
    free(data);
    mc_source_free(src);
    mc_session_close(&s);
    free(spec_line);
    free(file);
    mc_control_dir_remove(cdir);
    free(cdir);
}

/* ---- 6. a host's words reach the terminal escaped ---- */

static void hostile_agent(const char *script, const char *want)
{
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    char *agent = mc_xasprintf("%s/hostile-agent", tmpdir);
    write_text(agent, script, 0755);
    struct mc_session s;
    int r;
    start_local(&s, cdir, agent, &err, &r);
    assert_true(r < 0);
    assert_non_null(err.message);
    if (strpbrk(err.message, "\033\007\r\n\x9b"))
        fail_msg("control characters in the message: '%s'", err.message);
    if (!strstr(err.message, want))
        fail_msg("'%s' does not show '%s'", err.message, want);
    mc_error_clear(&err);
    unlink(agent);
    free(agent);
    mc_control_dir_remove(cdir);
    free(cdir);
}

static void test_escaped(void **state)
{
    (void)state;
    /* A greeting that is no agent's, with a terminal title and a colour change in it. */
    hostile_agent("#!/bin/sh\nprintf '\\033]0;owned\\007\\033[31mHI\\n'\nsleep 5\n",
                  "\\x1b]0;owned\\x07\\x1b[31mHI");
    /* ssh's last line on stderr before the connection ends. */
    hostile_agent("#!/bin/sh\nprintf 'Permission denied \\033[2J\\r\\n' >&2\nexit 255\n",
                  "Permission denied \\x1b[2J");
}

/* ---- 7. ssh options a configuration cannot weaken ---- */

/*
 * In a child with a private mount namespace, a system ssh_config that turns everything
 * unsafe on replaces the real one; ssh -G shows what a session of migcheck would use.
 */
static void test_ssh_options(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        fprintf(stderr, "needs root for a private mount namespace: skipped\n");
        skip();
    }
    char *conf = mc_xasprintf("%s/hostile_ssh_config", tmpdir);
    write_text(conf,
               "Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
               "  ForwardAgent yes\n  ForwardX11 yes\n  ForwardX11Trusted yes\n",
               0644);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount(conf, "/etc/ssh/ssh_config", NULL, MS_BIND, NULL) < 0)
            _exit(77);
        const char *argv[64];
        size_t n = 0;
        argv[n++] = "ssh";
        argv[n++] = "-G";
        for (size_t i = 0; mc_ssh_base_options[i]; i++)
            argv[n++] = mc_ssh_base_options[i];
        argv[n++] = "some-host";
        argv[n] = NULL;
        dup2(pfd[1], 1);
        execvp("ssh", (char *const *)argv);
        _exit(127);
    }
    close(pfd[1]);
    struct mc_buf out = MC_BUF_INIT;
    char buf[4096];
    ssize_t k;
    while ((k = read(pfd[0], buf, sizeof(buf))) > 0)
        mc_buf_append(&out, buf, (size_t)k);
    close(pfd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        fprintf(stderr, "no private mount namespace here: skipped\n");
        mc_buf_free(&out);
        free(conf);
        skip();
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_non_null(out.data);
    if (!strstr(out.data, "\nstricthostkeychecking true\n"))
        fail_msg("host key checking is not forced on:\n%s", out.data);
    if (!strstr(out.data, "\nforwardagent no\n"))
        fail_msg("agent forwarding is not forced off");
    if (!strstr(out.data, "\nforwardx11 no\n"))
        fail_msg("X11 forwarding is not forced off");
    mc_buf_free(&out);
    free(conf);
}

static void test_no_verify(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "qemu+ssh://root@kvm1/system?no_verify=1",
        "qemu+tls://kvm1/system?no_verify=1",
        "qemu+ssh://kvm1/system?keyfile=/k&No_Verify=%31",
        "qemu+libssh2://kvm1/system?known_hosts_verify=ignore",
        "qemu+libssh://kvm1/system?known_hosts_verify=auto",
        NULL,
    };
    static const char *const accepted[] = {
        "qemu+ssh://root@kvm1/system?no_verify=0",
        "qemu+libssh://kvm1/system?known_hosts_verify=normal",
        "qemu+ssh://kvm1/system",
        NULL,
    };
    for (const char *const *u = refused; *u; u++) {
        struct mc_hostset *hs = mc_hostset_new(&(struct mc_hostset_opts){ 0 });
        struct mc_error err = { 0 };
        int r = mc_hostset_add(hs, *u, NULL, &err);
        if (r >= 0)
            fail_msg("'%s' was accepted", *u);
        assert_non_null(strstr(err.message, "--insecure-no-verify"));
        mc_error_clear(&err);
        mc_hostset_free(hs);
        hs = mc_hostset_new(&(struct mc_hostset_opts){ .insecure_no_verify = true });
        if (mc_hostset_add(hs, *u, NULL, &err) < 0)
            fail_msg("'%s' with the option: %s", *u, err.message);
        mc_hostset_free(hs);
    }
    for (const char *const *u = accepted; *u; u++) {
        struct mc_hostset *hs = mc_hostset_new(&(struct mc_hostset_opts){ 0 });
        struct mc_error err = { 0 };
        if (mc_hostset_add(hs, *u, NULL, &err) < 0)
            fail_msg("'%s': %s", *u, err.message);
        mc_hostset_free(hs);
    }
}

/* ---- the sh agent's probes with QEMU's own tools, under dash, bash and busybox sh ---- */

/* A local sh agent whose "sh" is shell (first in PATH, as the host's sh would be). */
static void start_shell(struct mc_session *s, const char *cdir, const char *shell,
                        struct mc_error *err, int *ret)
{
    const char *saved = getenv("PATH");
    char *path = mc_xstrdup(saved ? saved : "/usr/bin:/bin");
    char *bin = mc_xasprintf("%s/bin-%s", tmpdir, strrchr(shell, '/') + 1);
    mkdir(bin, 0755);
    char *link = mc_xasprintf("%s/sh", bin);
    unlink(link);
    assert_int_equal(symlink(shell, link), 0);
    char *p = mc_xasprintf("%s:%s", bin, path);
    setenv("PATH", p, 1);
    start_local(s, cdir, "", err, ret);
    setenv("PATH", path, 1);
    free(p);
    free(link);
    free(bin);
    free(path);
}

static const char *const shells[] = { "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/busybox", NULL };

static char *call(struct mc_session *s, enum mc_op op, const char *const *args)
{
    char **w = NULL;
    struct mc_error err = { 0 };
    if (mc_session_call(s, op, args, 60000, &w, &err) < 0)
        fail_msg("%s: %s", mc_agent_op(op)->name, err.message);
    char *j = mc_strv_join(w, " ");
    mc_strv_free(w);
    return j;
}

static const char *emulator(void)
{
    static const char *const c[] = { "/usr/bin/qemu-system-x86_64", "/usr/libexec/qemu-kvm", NULL };
    for (size_t i = 0; c[i]; i++)
        if (access(c[i], X_OK) == 0)
            return c[i];
    return NULL;
}

/*
 * The sh agent knows its own uid and gid from /proc/self/status, as the shell itself reads it:
 * no id(1) for them. (It once took "Uid:" for the name without its colon, never matched, and
 * ran id -u and id -g in every session that opened a file.) An id first in PATH records a run.
 */
static void sh_ids(const char *shell)
{
    char *bin = mc_xasprintf("%s/bin-%s", tmpdir, strrchr(shell, '/') + 1);
    mkdir(bin, 0755);
    char *mark = mc_xasprintf("%s/id-ran-%s", tmpdir, strrchr(shell, '/') + 1);
    char *fake = mc_xasprintf("%s/id", bin);
    char *text = mc_xasprintf("#!/bin/sh\necho \"$*\" >>'%s'\nexec /usr/bin/id \"$@\"\n", mark);
    write_text(fake, text, 0755);
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    struct mc_session s;
    int r;
    start_shell(&s, cdir, shell, &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    char *file = mc_xasprintf("%s/ids.txt", tmpdir);
    write_text(file, "x", 0600);
    char uid[16], gid[16];
    snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
    snprintf(gid, sizeof(gid), "%u", (unsigned)getegid());
    const char *a[] = { file, uid, gid, "rw", NULL };
    char *ans = call(&s, MC_OP_OPEN, a);
    assert_string_equal(ans, "ok");
    free(ans);
    mc_session_close(&s);
    if (access(mark, F_OK) == 0)
        fail_msg("%s: the sh agent ran id(1) for its own ids", shell);
    unlink(fake);
    unlink(file);
    mc_control_dir_remove(cdir);
    free(cdir);
    free(file);
    free(text);
    free(fake);
    free(mark);
    free(bin);
}

/*
 * An operation the sh agent has no function for (its dispatch would answer "unsupported") is
 * answered so by the session itself, without the round trip: with the agent stopped, at once.
 */
static void test_sh_unsupported_local(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    struct mc_session s;
    int r;
    start_local(&s, cdir, "", &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    assert_string_equal(s.kind, "sh");
    assert_null(mc_agent_op(MC_OP_NFS_STAT)->sh);
    assert_null(mc_agent_op(MC_OP_ISCSI_LUN)->sh);
    assert_int_equal(kill(s.pid, SIGSTOP), 0);
    const char *na[] = { "lab-storage", "/srv/nfs", "0", "0", "r", NULL };
    const char *ia[] = { "lab-storage", "3260", "iqn.2026-01.x:t/1", "iqn.2026-01.x:i", NULL };
    unsigned in = mc_session_send(&s, MC_OP_NFS_STAT, na);
    unsigned ii = mc_session_send(&s, MC_OP_ISCSI_LUN, ia);
    char **w = NULL;
    /* Answered in any order, each once. */
    assert_int_equal(mc_session_recv(&s, ii, 500, &w, &err), 0);
    assert_string_equal(w[0], "unsupported");
    mc_strv_free(w);
    assert_int_equal(mc_session_recv(&s, in, 500, &w, &err), 0);
    assert_string_equal(w[0], "unsupported");
    assert_null(w[1]);
    mc_strv_free(w);
    assert_int_equal(mc_session_recv(&s, in, 200, &w, &err), -ETIMEDOUT);
    mc_error_clear(&err);
    assert_int_equal(kill(s.pid, SIGCONT), 0);
    /* What it has a function for still goes to it. */
    const char *sa[] = { tmpdir, NULL };
    char *ans = call(&s, MC_OP_STAT, sa);
    assert_true(mc_str_startswith(ans, "ok dir "));
    free(ans);
    mc_session_close(&s);
    mc_control_dir_remove(cdir);
    free(cdir);
}

static void test_sh_ids(void **state)
{
    (void)state;
    for (const char *const *sh = shells; *sh; sh++)
        if (access(*sh, X_OK) == 0)
            sh_ids(*sh);
}

/*
 * qemu-open: QEMU's block layer opens an image described as -blockdev options, read-only or
 * read-write; a failure comes back with QEMU's words, whatever bytes they hold.
 */
static void sh_qemu_open(const char *shell)
{
    if (access("/usr/bin/qemu-io", X_OK) < 0 && !emulator()) {
        fprintf(stderr, "no qemu-io and no QEMU here: skipped\n");
        skip();
    }
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    struct mc_session s;
    int r;
    start_shell(&s, cdir, shell, &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    char *img = mc_xasprintf("%s/disk image's \"1\".raw", tmpdir);
    write_text(img, "0123456789", 0644);
    char *ro = mc_xasprintf("%s/read-only.raw", tmpdir);
    write_text(ro, "0123456789", 0444);
    const char *emu = emulator() ? emulator() : "-";
    char uid[16], gid[16];
    snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
    snprintf(gid, sizeof(gid), "%u", (unsigned)getegid());

    /* JSON strings escape only '"' and '\\' here; the path has a quote, a space, a '. */
    char *json = mc_xasprintf(
        "{\"driver\":\"file\",\"filename\":\"%s/disk image's \\\"1\\\".raw\"}", tmpdir);
    const char *a1[] = { json, "rw", emu, uid, gid, NULL };
    char *ans = call(&s, MC_OP_QEMU_OPEN, a1);
    if (!mc_str_startswith(ans, "ok "))
        fail_msg("%s: open '%s' read-write: %s", shell, img, ans);
    free(ans);
    char *missing =
        mc_xasprintf("{\"driver\":\"file\",\"filename\":\"%s/missing\\nfile\"}", tmpdir);
    const char *a2[] = { missing, "r", emu, uid, gid, NULL };
    ans = call(&s, MC_OP_QEMU_OPEN, a2);
    if (!mc_str_startswith(ans, "fail ") || !strstr(ans, "No such file"))
        fail_msg("%s: a missing file: %s", shell, ans);
    free(ans);
    const char *a3[] = { "not json", "r", emu, uid, gid, NULL };
    ans = call(&s, MC_OP_QEMU_OPEN, a3);
    assert_string_equal(ans, "error EINVAL");
    free(ans);
    const char *a4[] = { json, "rwx", emu, uid, gid, NULL };
    ans = call(&s, MC_OP_QEMU_OPEN, a4);
    assert_string_equal(ans, "error EINVAL");
    free(ans);
    /* As another user: a 0444 file of ours opens read-only, not read-write. */
    if (geteuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0) {
        assert_int_equal(chown(ro, 4242, 4242), 0);
        assert_int_equal(chmod(tmpdir, 0755), 0);
        char *jro = mc_xasprintf("{\"driver\":\"file\",\"filename\":\"%s\"}", ro);
        const char *a5[] = { jro, "r", emu, "4242", "4242", NULL };
        ans = call(&s, MC_OP_QEMU_OPEN, a5);
        if (!mc_str_startswith(ans, "ok "))
            fail_msg("%s: read-only open as uid 4242: %s", shell, ans);
        free(ans);
        const char *a6[] = { jro, "rw", emu, "4242", "4242", NULL };
        ans = call(&s, MC_OP_QEMU_OPEN, a6);
        /* Where setpriv cannot change users (busybox's applet), it ran as root: opened. */
        if (strstr(ans, " 4242 ") &&
            (!mc_str_startswith(ans, "fail ") || !strstr(ans, "ermission denied")))
            fail_msg("%s: read-write open of a 0444 file as uid 4242: %s", shell, ans);
        free(ans);
        free(jro);
    }
    mc_session_close(&s);
    free(missing);
    free(json);
    free(img);
    free(ro);
    mc_control_dir_remove(cdir);
    free(cdir);
}

/*
 * Processes of this test's session running exactly "sleep SECS" with this test's directory in
 * their environment (the agent's PATH): what the listener's deadline leaves behind if it does
 * not end its sleep (other tests' sleeps do not count). Waits
 * up to 2 s for them to go (a signal is delivered asynchronously).
 */
static int sleepers_left(const char *secs)
{
    char want[32];
    int wl = snprintf(want, sizeof(want), "sleep%c%s%c", '\0', secs, '\0');
    pid_t sid = getsid(0);
    int n = 0;
    for (int tries = 0; tries < 20; tries++) {
        n = 0;
        DIR *d = opendir("/proc");
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d))) {
            char *end = NULL;
            long pid = strtol(e->d_name, &end, 10);
            if (!end || *end || pid <= 0 || getsid((pid_t)pid) != sid)
                continue;
            char path[64], buf[64];
            snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                continue;
            ssize_t len = read(fd, buf, sizeof(buf));
            close(fd);
            if (len != wl || memcmp(buf, want, (size_t)wl) != 0)
                continue;
            /* This test's agent only: its PATH names the test's own directory. */
            char *env = NULL;
            size_t elen = 0;
            snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
            if (mc_read_file(path, 1u << 20, &env, &elen) == 0 &&
                memmem(env, elen, tmpdir, strlen(tmpdir)))
                n++;
            free(env);
        }
        closedir(d);
        if (n == 0)
            break;
        usleep(100000);
    }
    return n;
}

/* A listen request and its first answer, which must be "listening PORT ADDRESS": its words. */
static char **listen_start(struct mc_session *s, const char *addr, const char *pmin,
                           const char *pmax, const char *timeout_ms, const char *emu,
                           unsigned *ret_id)
{
    const char *args[] = { addr, pmin, pmax, timeout_ms, emu, NULL };
    struct mc_error err = { 0 };
    char **w = NULL;
    *ret_id = mc_session_send(s, MC_OP_LISTEN, args);
    if (mc_session_recv(s, *ret_id, 60000, &w, &err) < 0)
        fail_msg("%s", err.message);
    assert_string_equal(w[0], "listening");
    return w;
}

/*
 * listen: QEMU with -incoming listens on the first free port of the range (one is taken), a
 * connection from the session's host (mc_session_tcp_connect: here, this machine) is
 * accepted; without a connection the listener times out and QEMU is gone. Either way the
 * sleep that keeps the deadline is gone too.
 */
static void sh_listen(const char *shell)
{
    const char *emu = emulator();
    if (!emu) {
        fprintf(stderr, "no QEMU here: skipped\n");
        skip();
    }
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    struct mc_session s;
    int r;
    start_shell(&s, cdir, shell, &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    /* Take the range's first port. */
    struct mc_tcp_listener busy = { .fd = -1 };
    int first = 0;
    for (int p = 41000; p < 41100 && first == 0; p += 10)
        if (mc_tcp_listener_open("127.0.0.1", p, p, &busy, &err) == 0)
            first = p;
    mc_error_clear(&err);
    assert_true(first > 0);
    char pmin[16], pmax[16];
    snprintf(pmin, sizeof(pmin), "%d", first);
    snprintf(pmax, sizeof(pmax), "%d", first + 5);
    unsigned id;
    char **w = listen_start(&s, "127.0.0.1", pmin, pmax, "19000", emu, &id);
    int port = atoi(w[1]);
    assert_true(port > first && port <= first + 5);
    mc_strv_free(w);
    char **c = NULL;
    assert_int_equal(mc_session_tcp_connect(&s, "127.0.0.1", port, 5000, &c, &err), 0);
    assert_string_equal(c[0], "ok");
    assert_string_equal(c[1], "open");
    mc_strv_free(c);
    if (mc_session_recv(&s, id, 60000, &w, &err) < 0)
        fail_msg("%s", err.message);
    assert_string_equal(w[0], "accepted");
    mc_strv_free(w);
    assert_int_equal(sleepers_left("1"), 0);
    /* No connection: timeout, and nothing listens there any more. */
    w = listen_start(&s, "127.0.0.1", pmin, pmax, "1000", emu, &id);
    port = atoi(w[1]);
    mc_strv_free(w);
    assert_int_equal(mc_session_recv(&s, id, 60000, &w, &err), 0);
    assert_string_equal(w[0], "timeout");
    mc_strv_free(w);
    assert_int_equal(sleepers_left("1"), 0);
    /* An IPv6 address: answered in brackets, as QEMU was given it (where ::1 can be bound). */
    struct mc_tcp_listener six = { .fd = -1 };
    if (mc_tcp_listener_open("::1", first + 1, first + 5, &six, &err) == 0) {
        mc_tcp_listener_close(&six);
        w = listen_start(&s, "::1", pmin, pmax, "1000", emu, &id);
        assert_string_equal(w[2], "[::1]");
        mc_strv_free(w);
        assert_int_equal(mc_session_recv(&s, id, 60000, &w, &err), 0);
        assert_string_equal(w[0], "timeout");
        mc_strv_free(w);
    }
    mc_error_clear(&err);
    assert_int_equal(mc_session_tcp_connect(&s, "127.0.0.1", port, 5000, &c, &err), 0);
    assert_string_equal(c[1], "refused");
    mc_strv_free(c);
    mc_tcp_listener_close(&busy);
    mc_session_close(&s);
    mc_control_dir_remove(cdir);
    free(cdir);
}

static void test_sh_qemu_open(void **state)
{
    (void)state;
    for (const char *const *sh = shells; *sh; sh++)
        if (access(*sh, X_OK) == 0)
            sh_qemu_open(*sh);
}

/*
 * A host without qemu-io (Debian's qemu-utils is only recommended by libvirt's QEMU driver):
 * the emulator itself opens the image with -blockdev. qemu-io is hidden in a child's private
 * mount namespace (/dev/null, not executable, bound over it).
 */
static void test_sh_qemu_open_emulator(void **state)
{
    (void)state;
    const char *emu = emulator();
    if (geteuid() != 0 || !emu || access("/usr/bin/qemu-io", F_OK) < 0) {
        fprintf(stderr, "needs root, QEMU and qemu-io to hide: skipped\n");
        skip();
    }
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("/dev/null", "/usr/bin/qemu-io", NULL, MS_BIND, NULL) < 0)
            _exit(77);
        struct mc_error err = { 0 };
        char *cdir = NULL;
        if (mc_control_dir_create(&cdir, &err) < 0)
            _exit(2);
        struct mc_session s;
        int r;
        start_local(&s, cdir, "", &err, &r);
        if (r < 0)
            _exit(3);
        char *img = mc_xasprintf("%s/emu.raw", tmpdir);
        write_text(img, "0123456789", 0644);
        char *json = mc_xasprintf("{\"driver\":\"file\",\"filename\":\"%s\"}", img);
        char *missing = mc_xasprintf("{\"driver\":\"file\",\"filename\":\"%s.nope\"}", img);
        const char *a1[] = { json, "rw", emu, "0", "0", NULL };
        const char *a2[] = { missing, "r", emu, "0", "0", NULL };
        char **w1 = NULL, **w2 = NULL;
        int rc = 0;
        if (mc_session_call(&s, MC_OP_QEMU_OPEN, a1, 60000, &w1, &err) < 0 ||
            strcmp(w1[0], "ok") != 0 || strcmp(w1[1], emu) != 0)
            rc = 4;
        else if (mc_session_call(&s, MC_OP_QEMU_OPEN, a2, 60000, &w2, &err) < 0 ||
                 strcmp(w2[0], "fail") != 0 || !w2[4] || !strstr(w2[4], "No such file"))
            rc = 5;
        if (rc)
            fprintf(stderr, "emulator path: %s / %s\n", w1 ? mc_strv_join(w1, " ") : err.message,
                    w2 ? mc_strv_join(w2, " ") : "-");
        mc_session_close(&s);
        mc_control_dir_remove(cdir);
        _exit(rc);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        fprintf(stderr, "no private mount namespace here: skipped\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
}

static bool port_free(int port)
{
    struct mc_tcp_listener l = { .fd = -1 };
    struct mc_error err = { 0 };
    bool free_now = mc_tcp_listener_open("127.0.0.1", port, port, &l, &err) == 0;
    if (free_now)
        mc_tcp_listener_close(&l);
    mc_error_clear(&err);
    return free_now;
}

/*
 * An early listener replaced (qemu.conf changed after it started, gather/pair.c listen_thread):
 * the client closes that session's input and ends it without a word, the agent with it. Its
 * QEMU keeps the port until the deadline, then goes, and its private directory with it; the
 * new listener takes the next port meanwhile.
 */
static void sh_listen_replaced(const char *shell)
{
    const char *emu = emulator();
    if (!emu) {
        fprintf(stderr, "no QEMU here: skipped\n");
        skip();
    }
    char *tmp = mc_xasprintf("%s/listen-tmp", tmpdir);
    mkdir(tmp, 0700);
    setenv("TMPDIR", tmp, 1);
    struct mc_error err = { 0 };
    char *cdir = NULL;
    assert_int_equal(mc_control_dir_create(&cdir, &err), 0);
    int first = 0;
    for (int p = 42000; p < 42100 && first == 0; p += 10)
        if (port_free(p) && port_free(p + 1))
            first = p;
    assert_true(first > 0);
    char pmin[16], pmax[16];
    snprintf(pmin, sizeof(pmin), "%d", first);
    snprintf(pmax, sizeof(pmax), "%d", first + 5);
    struct mc_session a, b;
    int r;
    start_shell(&a, cdir, shell, &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    unsigned id;
    char **w = listen_start(&a, "127.0.0.1", pmin, pmax, "2000", emu, &id);
    assert_int_equal(atoi(w[1]), first);
    mc_strv_free(w);
    double t0 = mc_now();
    /* As listen_thread does: no quit request (it would wait behind the listener). */
    close(a.in_fd);
    a.in_fd = -1;
    mc_session_close(&a);
    start_shell(&b, cdir, shell, &err, &r);
    if (r < 0)
        fail_msg("%s", err.message);
    w = listen_start(&b, "127.0.0.1", pmin, pmax, "19000", emu, &id);
    int port = atoi(w[1]);
    assert_true(port > first && port <= first + 5);
    mc_strv_free(w);
    char **c = NULL;
    assert_int_equal(mc_session_tcp_connect(&b, "127.0.0.1", port, 5000, &c, &err), 0);
    assert_string_equal(c[1], "open");
    mc_strv_free(c);
    assert_int_equal(mc_session_recv(&b, id, 60000, &w, &err), 0);
    assert_string_equal(w[0], "accepted");
    mc_strv_free(w);
    mc_session_close(&b);
    /* The first QEMU: there until its deadline (2 s, counted in whole seconds), then gone. */
    assert_false(port_free(first));
    while (!port_free(first) && mc_now() - t0 < 10)
        usleep(50 * 1000);
    if (!port_free(first))
        fail_msg("%s: the replaced listener still holds port %d after 10 s", shell, first);
    assert_true(mc_now() - t0 > 1.0);
    DIR *d = NULL;
    struct dirent *e = NULL;
    for (int tries = 0; tries < 40; tries++) {
        d = opendir(tmp);
        assert_non_null(d);
        while ((e = readdir(d)) && e->d_name[0] == '.')
            ;
        closedir(d);
        if (!e)
            break;
        usleep(50 * 1000);
    }
    if (e)
        fail_msg("%s: the listener's private directory stayed behind in %s", shell, tmp);
    assert_int_equal(sleepers_left("1"), 0);
    unsetenv("TMPDIR");
    rmdir(tmp);
    free(tmp);
    mc_control_dir_remove(cdir);
    free(cdir);
}

static void test_sh_listen_replaced(void **state)
{
    (void)state;
    for (const char *const *sh = shells; *sh; sh++)
        if (access(*sh, X_OK) == 0)
            sh_listen_replaced(*sh);
}

static void test_sh_listen(void **state)
{
    (void)state;
    for (const char *const *sh = shells; *sh; sh++)
        if (access(*sh, X_OK) == 0)
            sh_listen(*sh);
}

int main(void)
{
    /* As migcheck's main does: a peer that has gone gives EPIPE, not SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    /* Short: runtime directories longer than 40 bytes are not used (socket path length). */
    char tmpl[] = "/tmp/mcst-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    tmpdir = tmpl;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runtime_dir),
        cmocka_unit_test(test_nul_in_dump),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_ssh_options),
        cmocka_unit_test(test_no_verify),
        cmocka_unit_test(test_sh_qemu_open),
        cmocka_unit_test(test_sh_listen),
        cmocka_unit_test(test_sh_qemu_open_emulator),
        cmocka_unit_test(test_sh_ids),
        cmocka_unit_test(test_sh_listen_replaced),
        cmocka_unit_test(test_sh_unsupported_local),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    const char *rm[] = { "rm", "-rf", "--", tmpl, NULL };
    struct mc_spawn_opts so = { .argv = rm, .timeout_ms = 20000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    mc_spawn_run(&so, &res, &err);
    mc_spawn_result_clear(&res);
    mc_error_clear(&err);
    return r;
}
