/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/ops.h"
#include "agent/proto.h"
#include "util/cleanup.h"
#include "frame.h"
#include "network/probe.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/random.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"

extern char **environ;
extern const char mc_agent_script_text[];
extern const size_t mc_agent_script_text_len;

/*
 * Host keys are always checked and nothing is forwarded to the host, whatever the user's or the
 * system's ssh_config says (the first value ssh obtains wins, and the command line comes first):
 * StrictHostKeyChecking=yes, no agent (-a) and no X11 (-x) forwarding.
 */
const char *const mc_ssh_base_options[] = {
    "-T",
    "-a",
    "-x",
    "-e",
    "none",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "ServerAliveInterval=5",
    "-o",
    "ServerAliveCountMax=3",
    NULL,
};

char *mc_control_path(const char *dir)
{
    /* -S takes the path literally (-o ControlPath= would parse quotes) but expands %: double it. */
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    for (const char *p = dir; *p; p++)
        mc_buf_puts(&b, *p == '%' ? "%%" : (char[]){ *p, 0 });
    mc_buf_puts(&b, "/cm-%C");
    return mc_buf_steal(&b);
}

/*
 * $XDG_RUNTIME_DIR only when it is ours: a directory owned by the effective uid and writable by
 * no one else (after su or sudo -E it may be another user's, who could then swap our private
 * directory and its helper script). Short enough for the ssh sockets' paths.
 */
static bool runtime_dir_usable(const char *base)
{
    struct stat st;
    if (!base || base[0] != '/' || strlen(base) > 40)
        return false;
    if (lstat(base, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    return st.st_uid == geteuid() && (st.st_mode & 0022) == 0;
}

int mc_control_dir_create(char **ret_dir, struct mc_error *reterr)
{
    const char *base = getenv("XDG_RUNTIME_DIR");
    if (!runtime_dir_usable(base))
        base = "/tmp";
    _cleanup_free_ char *tmpl = mc_xasprintf("%s/migcheck-XXXXXX", base);
    if (!mkdtemp(tmpl))
        return mc_error_set(reterr, -errno, "cannot create a private directory in '%s': %s", base,
                            strerror(errno));
    _cleanup_free_ char *helper = mc_control_dir_ssh_helper(tmpl);
    _cleanup_free_ char *ctl = mc_control_path(tmpl);
    _cleanup_free_ char *qctl = mc_shell_quote(ctl);
    _cleanup_buf_ struct mc_buf opts = MC_BUF_INIT;
    for (size_t i = 0; mc_ssh_base_options[i]; i++)
        if (strcmp(mc_ssh_base_options[i], "-T") != 0) /* libvirt's ssh asks for what it needs */
            mc_buf_printf(&opts, " %s", mc_ssh_base_options[i]);
    _cleanup_free_ char *script =
        mc_xasprintf("#!/bin/sh\n"
                     "# migcheck: libvirt's ssh reuses migcheck's connection to the host\n"
                     "exec ssh -S %s -o ControlMaster=no%s \"$@\"\n",
                     qctl, opts.data);
    int fd = open(helper, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0700);
    if (fd < 0 || mc_write_all(fd, script, strlen(script)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        mc_control_dir_remove(tmpl);
        return mc_error_set(reterr, -e, "cannot write '%s': %s", helper, strerror(e));
    }
    close(fd);
    *ret_dir = TAKE_PTR(tmpl);
    return 0;
}

char *mc_control_dir_ssh_helper(const char *dir)
{
    return mc_xasprintf("%s/ssh", dir);
}

void mc_control_dir_remove(const char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                (void)unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
    (void)rmdir(dir);
}

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0)
        return mc_xstrdup("migcheck");
    buf[n] = '\0';
    return mc_xstrdup(buf);
}

/* The script the sh bootstrap reads with dd: variable, probe functions, agent, call. */
static char *agent_script(const char *remote_command, size_t *ret_len)
{
    _cleanup_free_ char *enc = mc_agent_encode(remote_command ? remote_command : "");
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    /* The encoded form has no quote: it is safe between single quotes. */
    mc_buf_printf(&b, "MCAGENT_MC='%s'\n", remote_command && *remote_command ? enc : "");
    mc_buf_append(&b, mc_agent_script_text, mc_agent_script_text_len);
    _cleanup_free_ char *dispatch = mc_agent_sh_dispatch();
    mc_buf_printf(&b, "\n%s\nmcagent_main\n", dispatch);
    *ret_len = b.len;
    return mc_buf_steal(&b);
}

static int spawn_pipes(const char *const *argv, struct mc_session *s, struct mc_error *reterr)
{
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return mc_error_set(reterr, -errno, "cannot create pipes: %s", strerror(errno));
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return mc_error_set(reterr, -errno, "cannot create pipes: %s", strerror(errno));
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return mc_error_set(reterr, -errno, "cannot create pipes: %s", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    /* Own process group: a Ctrl-C on the terminal reaches migcheck, which ends the sessions. */
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    int r = posix_spawnp(&s->pid, argv[0], &fa, &attr, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (r != 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        s->pid = 0;
        return mc_error_set(reterr, -r, "cannot run '%s': %s", argv[0], strerror(r));
    }
    s->in_fd = in[1];
    s->out_fd = out[0];
    s->err_fd = err[0];
    fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/*
 * Drain what is readable into the buffers; -EPIPE at the end of stdout, -ECANCELED when an
 * interrupt (SIGINT, SIGTERM) came and this thread is not cleaning up.
 */
static int pump(struct mc_session *s, int timeout_ms)
{
    if (mc_interrupt_pending())
        return -ECANCELED;
    struct pollfd pf[3] = { { .fd = s->out_fd, .events = POLLIN },
                            { .fd = s->err_fd, .events = POLLIN },
                            { .fd = mc_interrupt_fd(), .events = POLLIN } };
    int r = poll(pf, 3, timeout_ms);
    if (r < 0)
        return errno == EINTR ? (mc_interrupt_pending() ? -ECANCELED : 0) : -errno;
    if (mc_interrupt_pending())
        return -ECANCELED;
    if (r == 0)
        return -ETIMEDOUT;
    if (s->err_fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[4096];
        ssize_t k = read(s->err_fd, buf, sizeof(buf));
        if (k > 0 && s->err.len < 65536)
            mc_buf_append(&s->err, buf, (size_t)k);
        else if (k == 0) {
            close(s->err_fd);
            s->err_fd = -1;
        }
    }
    if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t k = read(s->out_fd, buf, sizeof(buf));
        if (k > 0) {
            if (s->out.len + (size_t)k > (256u << 20))
                return -EFBIG;
            mc_buf_append(&s->out, buf, (size_t)k);
        } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
            return -EPIPE;
        }
    }
    return 0;
}

static int remaining(double deadline)
{
    double left = deadline - mc_now();
    return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

/* Take one line (without its newline) from the output, reading as needed. */
static int take_line(struct mc_session *s, double deadline, char **ret)
{
    for (;;) {
        int t = mc_frame_take_line(&s->out, ret);
        if (t < 0)
            return t;
        if (t > 0)
            return 0;
        int left = remaining(deadline);
        if (left == 0)
            return -ETIMEDOUT;
        int r = pump(s, left);
        if (r < 0 && r != -ETIMEDOUT)
            return r;
    }
}

/* The last line ssh (or the agent) wrote on stderr, for messages. */
static const char *last_err_line(struct mc_session *s, char *buf, size_t len)
{
    /* Read whatever is left without waiting. */
    while (s->err_fd >= 0) {
        char tmp[4096];
        ssize_t k = read(s->err_fd, tmp, sizeof(tmp));
        if (k <= 0)
            break;
        if (s->err.len < 65536)
            mc_buf_append(&s->err, tmp, (size_t)k);
    }
    if (!s->err.len)
        return "no answer";
    _cleanup_free_ char *copy = mc_xstrndup(s->err.data, s->err.len);
    mc_strip_trailing(copy);
    char *l = strrchr(copy, '\n');
    /* The host's words: escaped before they can reach a terminal. */
    _cleanup_free_ char *safe = mc_utf8_escaped(l ? l + 1 : copy);
    snprintf(buf, len, "%s", safe);
    return buf;
}

static int write_all_deadline(struct mc_session *s, const char *data, size_t len, double deadline)
{
    fcntl(s->in_fd, F_SETFL, O_NONBLOCK);
    while (len > 0) {
        ssize_t w = write(s->in_fd, data, len);
        if (w > 0) {
            data += w;
            len -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return -errno;
        if (mc_interrupt_pending())
            return -ECANCELED;
        struct pollfd pf[2] = { { .fd = s->in_fd, .events = POLLOUT },
                                { .fd = mc_interrupt_fd(), .events = POLLIN } };
        int left = remaining(deadline);
        if (left == 0 || poll(pf, 2, left) == 0)
            return -ETIMEDOUT;
    }
    return 0;
}

static void kill_and_reap(struct mc_session *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM); /* our own child, by pid */
    for (int i = 0; i < 50; i++) {
        if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
            s->pid = 0;
            return;
        }
        usleep(10000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static void close_fds(struct mc_session *s)
{
    if (s->in_fd >= 0)
        close(s->in_fd);
    if (s->out_fd >= 0)
        close(s->out_fd);
    if (s->err_fd >= 0)
        close(s->err_fd);
    s->in_fd = s->out_fd = s->err_fd = -1;
}

static void free3(char *(*v)[3])
{
    for (size_t i = 0; i < 3; i++)
        free((*v)[i]);
}

static int start_once(struct mc_session *s, const struct mc_session_opts *o,
                      const char *remote_command, struct mc_error *reterr)
{
    const struct mc_hostspec *h = o->host;
    size_t script_len = 0;
    _cleanup_free_ char *script = NULL;
    _cleanup_free_ char *exe = NULL;
    _cleanup_free_ char *boot = NULL;
    _cleanup_free_ char *target = NULL;
    _cleanup_free_ char *ctl = NULL;
    _cleanup_free_ char *port = NULL;
    _cleanup_free_ char *cto = NULL;
    __attribute__((cleanup(free3))) char *fwd[3] = { NULL, NULL, NULL };
    const char *argv[48];
    size_t n = 0;
    bool native_local = h->local && remote_command && *remote_command;

    if (native_local) {
        /* An explicit path names the binary; otherwise this very binary answers. */
        exe = strchr(remote_command, '/') ? mc_xstrdup(remote_command) : self_exe();
        argv[n++] = exe;
        argv[n++] = "__agent";
    } else {
        script = agent_script(remote_command, &script_len);
        boot = mc_xasprintf("eval \"$(head -c %zu)\"", script_len);
        if (h->local) {
            argv[n++] = "sh";
            argv[n++] = "-c";
            argv[n++] = boot;
        } else {
            argv[n++] = "ssh";
            for (size_t i = 0; mc_ssh_base_options[i]; i++)
                argv[n++] = mc_ssh_base_options[i];
            cto =
                mc_xasprintf("ConnectTimeout=%d", o->timeout_ms > 1000 ? o->timeout_ms / 1000 : 1);
            argv[n++] = "-o";
            argv[n++] = cto;
            argv[n++] = "-o";
            argv[n++] = "ControlMaster=auto";
            argv[n++] = "-o";
            argv[n++] = "ControlPersist=no";
            ctl = mc_control_path(o->control_dir);
            argv[n++] = "-S";
            argv[n++] = ctl;
            if (h->port) {
                port = mc_xasprintf("%d", h->port);
                argv[n++] = "-p";
                argv[n++] = port;
            }
            /* The host's libvirt sockets, forwarded over this one connection. */
            static const char *const remote_socks[3] = { "/run/libvirt/libvirt-sock",
                                                         "/run/libvirt/virtqemud-sock",
                                                         "/run/libvirt/libvirt-sock-ro" };
            static unsigned counter;
            unsigned nr = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
            for (size_t k = 0; k < 3; k++) {
                free(s->libvirt_sockets[k]);
                s->libvirt_sockets[k] = mc_xasprintf("%s/lv%u-%zu.sock", o->control_dir, nr, k);
                fwd[k] = mc_xasprintf("%s:%s", s->libvirt_sockets[k], remote_socks[k]);
                argv[n++] = "-L";
                argv[n++] = fwd[k];
            }
            target = mc_hostspec_ssh_target(h);
            free(s->control_path);
            free(s->target);
            s->control_path = mc_xstrdup(ctl);
            s->target = mc_xstrdup(target);
            s->port = h->port;
            argv[n++] = "--";
            argv[n++] = target;
            /* One fixed command for the remote login shell; the script follows on stdin. */
            char *cmd = mc_xasprintf("sh -c '%s'", boot);
            free(boot);
            boot = cmd;
            argv[n++] = boot;
        }
    }
    argv[n] = NULL;

    double deadline = mc_now() + (double)o->timeout_ms / 1000.0;
    s->started = mc_now();
    int r = spawn_pipes(argv, s, reterr);
    if (r < 0)
        return r;
    if (script && (r = write_all_deadline(s, script, script_len, deadline)) < 0) {
        char buf[512];
        mc_error_set(reterr, r, "cannot reach '%s': %s", s->label,
                     r == -ETIMEDOUT ? "timed out" : last_err_line(s, buf, sizeof(buf)));
        kill_and_reap(s);
        close_fds(s);
        return r;
    }
    _cleanup_free_ char *hello = NULL;
    r = take_line(s, deadline, &hello);
    if (r < 0) {
        char buf[512];
        if (r == -ETIMEDOUT)
            mc_error_set(reterr, r, "cannot reach '%s': no answer within %d s", s->label,
                         o->timeout_ms / 1000);
        else if (r == -ECANCELED)
            mc_error_set(reterr, r, "cannot reach '%s': interrupted", s->label);
        else if (r == -EBADMSG)
            mc_error_set(reterr, -EPROTO,
                         "'%s' answered something that is not a migcheck agent (a NUL byte)",
                         s->label);
        else
            mc_error_set(reterr, -EHOSTUNREACH, "cannot reach '%s': %s", s->label,
                         last_err_line(s, buf, sizeof(buf)));
        kill_and_reap(s);
        close_fds(s);
        return r == -ETIMEDOUT || r == -ECANCELED ? r : r == -EBADMSG ? -EPROTO : -EHOSTUNREACH;
    }
    _cleanup_strv_free_ char **w = mc_strv_split(hello, " ");
    if (mc_strv_length(w) < 4 || strcmp(w[0], "HELLO") != 0) {
        kill_and_reap(s);
        close_fds(s);
        if (strlen(hello) > 60)
            strcpy(hello + 57, "...");
        _cleanup_free_ char *safe = mc_utf8_escaped(hello);
        return mc_error_set(reterr, -EPROTO,
                            "'%s' answered something that is not a migcheck agent: '%s'", s->label,
                            safe);
    }
    if (strcmp(w[2], "1") != 0) {
        kill_and_reap(s);
        close_fds(s);
        _cleanup_free_ char *kind = mc_utf8_escaped(w[1]);
        _cleanup_free_ char *proto = mc_utf8_escaped(w[2]);
        return mc_error_set(reterr, -EPROTONOSUPPORT,
                            "the %.40s agent on '%s' speaks protocol %.20s, this migcheck speaks 1",
                            kind, s->label, proto);
    }
    s->kind = mc_xstrdup(w[1]);
    s->version = mc_xstrdup(w[3]);
    s->hello_seconds = mc_now() - s->started;
    return 0;
}

int mc_session_start(struct mc_session *s, const struct mc_session_opts *o, struct mc_error *reterr)
{
    memset(s, 0, sizeof(*s));
    s->in_fd = s->out_fd = s->err_fd = -1;
    s->label = mc_xstrdup(o->host->label);
    s->next_id = 1;
    int r = start_once(s, o, o->remote_command, reterr);
    if (r == -EPROTONOSUPPORT && o->remote_command && *o->remote_command) {
        /* A migcheck of another protocol on the host: the sh agent always matches. */
        mc_buf_free(&s->out);
        mc_buf_free(&s->err);
        mc_error_clear(reterr);
        r = start_once(s, o, "", reterr);
    }
    if (r < 0) {
        /* Nothing to close: the caller gets a clean struct back. */
        mc_buf_free(&s->out);
        mc_buf_free(&s->err);
        free(s->label);
        s->label = NULL;
        free(s->control_path);
        free(s->target);
        s->control_path = s->target = NULL;
        for (size_t k = 0; k < 3; k++) {
            free(s->libvirt_sockets[k]);
            s->libvirt_sockets[k] = NULL;
        }
    }
    return r;
}

unsigned mc_session_send(struct mc_session *s, enum mc_op op, const char *const *args)
{
    return mc_session_send_name(s, mc_agent_op(op)->name, args);
}

unsigned mc_session_send_name(struct mc_session *s, const char *op, const char *const *args)
{
    unsigned id = s->next_id++;
    /* The sh agent answers "unsupported" to an operation it has no function for (its dispatch
     * is generated from the same table): that answer needs no round trip. */
    int k = mc_agent_op_find(op);
    if (s->kind && strcmp(s->kind, "sh") == 0 && (k < 0 || !mc_agent_op((enum mc_op)k)->sh)) {
        *MC_APPEND(s->local_unsupported, s->n_local_unsupported) = id;
        return id;
    }
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    mc_buf_printf(&b, "%u %s", id, op);
    for (size_t i = 0; args && args[i]; i++) {
        _cleanup_free_ char *e = mc_agent_encode(args[i]);
        mc_buf_printf(&b, " %s", e);
    }
    mc_buf_putc(&b, '\n');
    if (s->in_fd >= 0)
        (void)write_all_deadline(s, b.data, b.len, mc_now() + 10.0);
    return id;
}

int mc_session_recv(struct mc_session *s, unsigned id, int timeout_ms, char ***ret_words,
                    struct mc_error *reterr)
{
    for (size_t i = 0; i < s->n_local_unsupported; i++)
        if (s->local_unsupported[i] == id) {
            s->local_unsupported[i] = s->local_unsupported[--s->n_local_unsupported];
            char **w = NULL;
            mc_strv_add(&w, mc_enum_name(&mc_reply_names, MC_REPLY_UNSUPPORTED));
            *ret_words = w;
            return 0;
        }
    double deadline = mc_now() + (double)timeout_ms / 1000.0;
    char prefix[24];
    snprintf(prefix, sizeof(prefix), "%u ", id);
    for (;;) {
        _cleanup_free_ char *line = NULL;
        int r = take_line(s, deadline, &line);
        if (r < 0) {
            char buf[512];
            return mc_error_set(reterr, r, "lost the agent on '%s': %s", s->label,
                                r == -ETIMEDOUT ? "no answer in time"
                                : r == -EBADMSG ? "a malformed answer (a NUL byte)"
                                                : last_err_line(s, buf, sizeof(buf)));
        }
        if (!mc_str_startswith(line, prefix))
            continue; /* an answer to a request nobody waits for any more */
        char **w = NULL;
        if (mc_agent_split(line + strlen(prefix), &w) < 0 || !w || !w[0]) {
            mc_strv_free(w);
            return mc_error_set(reterr, -EBADMSG, "the agent on '%s' sent a malformed answer",
                                s->label);
        }
        *ret_words = w;
        return 0;
    }
}

int mc_session_call(struct mc_session *s, enum mc_op op, const char *const *args, int timeout_ms,
                    char ***ret_words, struct mc_error *reterr)
{
    unsigned id = mc_session_send(s, op, args);
    return mc_session_recv(s, id, timeout_ms, ret_words, reterr);
}

static int framed_request(struct mc_session *s, enum mc_op op, const char *const *const specs[],
                          int timeout_ms, char **ret_kind, char **ret_body, size_t *ret_len,
                          char **ret_boundary, struct mc_error *reterr);

int mc_session_facts(struct mc_session *s, const char *const *const specs[], int timeout_ms,
                     char **ret_kind, char **ret_body, size_t *ret_len, char **ret_boundary,
                     struct mc_error *reterr)
{
    return framed_request(s, MC_OP_FACTS, specs, timeout_ms, ret_kind, ret_body, ret_len,
                          ret_boundary, reterr);
}

int mc_session_probe(struct mc_session *s, const char *const *const specs[], int timeout_ms,
                     struct mc_source **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *kind = NULL, *body = NULL, *boundary = NULL;
    size_t len = 0;
    int r =
        framed_request(s, MC_OP_PROBE, specs, timeout_ms, &kind, &body, &len, &boundary, reterr);
    if (r < 0)
        return r;
    if (strcmp(kind, "dump") != 0)
        return mc_error_set(reterr, -EPROTO, "the agent on '%s' answered a probe with '%s'",
                            s->label, kind);
    return mc_source_dump(body, len, boundary, s->label, ret, reterr);
}

static int framed_request(struct mc_session *s, enum mc_op op, const char *const *const specs[],
                          int timeout_ms, char **ret_kind, char **ret_body, size_t *ret_len,
                          char **ret_boundary, struct mc_error *reterr)
{
    _cleanup_free_ char *boundary = mc_random_hex(16);
    unsigned id = s->next_id++;
    _cleanup_buf_ struct mc_buf req = MC_BUF_INIT;
    _cleanup_strv_free_ char **seen = NULL;
    mc_buf_printf(&req, "%u %s %s\nBOUNDARY=%s\n", id, mc_agent_op(op)->name, boundary, boundary);
    for (size_t i = 0; specs && specs[i]; i++)
        for (const char *const *l = specs[i]; *l; l++) {
            if (strchr(*l, '\n') || mc_strv_contains(seen, *l))
                continue;
            mc_strv_add(&seen, *l);
            mc_buf_printf(&req, "%s\n", *l);
        }
    mc_buf_puts(&req, "END\n");
    double deadline = mc_now() + (double)timeout_ms / 1000.0;
    int r = write_all_deadline(s, req.data, req.len, deadline);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot send the facts request to '%s'", s->label);

    char prefix[32], idp[24];
    snprintf(prefix, sizeof(prefix), "%u facts-begin ", id);
    snprintf(idp, sizeof(idp), "%u ", id);
    _cleanup_free_ char *head = NULL;
    for (;;) {
        free(head);
        head = NULL;
        r = take_line(s, deadline, &head);
        if (r < 0) {
            char buf[512];
            return mc_error_set(reterr, r, "no facts from '%s': %s", s->label,
                                r == -ETIMEDOUT ? "timed out"
                                : r == -EBADMSG ? "a malformed answer (a NUL byte)"
                                                : last_err_line(s, buf, sizeof(buf)));
        }
        if (mc_str_startswith(head, prefix))
            break;
        if (mc_str_startswith(head, idp))
            return mc_error_set(reterr, -EIO, "the agent on '%s' could not gather facts: %.80s",
                                s->label, head + strlen(idp));
    }
    const char *kind = head + strlen(prefix);
    bool xml = strcmp(kind, "xml") == 0;
    for (;;) {
        r = mc_frame_take_body(&s->out, boundary, xml, ret_body, ret_len);
        if (r < 0)
            return mc_error_set(reterr, r, "the facts of '%s' hold a NUL byte", s->label);
        if (r > 0) {
            *ret_kind = mc_xstrdup(kind);
            *ret_boundary = TAKE_PTR(boundary);
            return 0;
        }
        int left = remaining(deadline);
        if (left == 0)
            return mc_error_set(reterr, -ETIMEDOUT, "the facts of '%s' did not arrive in time",
                                s->label);
        r = pump(s, left);
        if (r < 0 && r != -ETIMEDOUT) {
            char buf[512];
            return mc_error_set(reterr, r, "the facts of '%s' were cut short: %s", s->label,
                                r == -ECANCELED ? "interrupted"
                                                : last_err_line(s, buf, sizeof(buf)));
        }
    }
}

const char *mc_session_channel_result(const char *e)
{
    static const struct {
        const char *text, *word;
    } map[] = {
        { "administratively prohibited", "unsupported" },
        { "Connection refused", "refused" },
        { "No route to host", "unreachable" },
        { "Network is unreachable", "unreachable" },
        { "Host is unreachable", "unreachable" },
        { "Connection timed out", "timeout" },
        { "Name or service not known", "unresolvable" },
        { "Temporary failure in name resolution", "unresolvable" },
        { "No address associated with hostname", "unresolvable" },
        { "nodename nor servname provided", "unresolvable" },
    };
    for (size_t i = 0; e && i < sizeof(map) / sizeof(map[0]); i++)
        if (strstr(e, map[i].text))
            return map[i].word;
    return "error";
}

/* Read what the session's stderr holds now (without waiting); keep the last 16 KiB at most. */
static void drain_err(struct mc_session *s)
{
    while (s->err_fd >= 0) {
        char tmp[4096];
        ssize_t k = read(s->err_fd, tmp, sizeof(tmp));
        if (k <= 0)
            break;
        mc_buf_append(&s->err, tmp, (size_t)k);
        if (s->err.len > 49152) {
            memmove(s->err.data, s->err.data + s->err.len - 16384, 16384);
            s->err.len = 16384;
            s->err.data[16384] = '\0';
        }
    }
}

int mc_session_tcp_connect(struct mc_session *s, const char *host, int port, int timeout_ms,
                           char ***ret_words, struct mc_error *reterr)
{
    char **w = NULL;
    if (!s->control_path) {
        /* This machine is the host: connect from here. */
        struct mc_tcp_probe_result res = { 0 };
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_tcp_connect_probe(host, port, timeout_ms, &res, &err) < 0) {
            mc_strv_add(&w, "ok");
            mc_strv_add(&w, "unresolvable");
            mc_strv_add(&w, "-");
            mc_strv_add(&w, err.message ? err.message : "cannot resolve");
        } else {
            mc_strv_add(&w, "ok");
            mc_strv_add(&w, mc_tcp_result_name(res.result));
            mc_strv_add(&w, res.address[0] ? res.address : "-");
        }
        *ret_words = w;
        return 0;
    }
    char portbuf[16];
    _cleanup_free_ char *fwd =
        strchr(host, ':') ? mc_xasprintf("[%s]:%d", host, port) : mc_xasprintf("%s:%d", host, port);
    const char *argv[40];
    size_t n = 0;
    argv[n++] = "ssh";
    for (size_t i = 0; mc_ssh_base_options[i]; i++)
        argv[n++] = mc_ssh_base_options[i];
    argv[n++] = "-S";
    argv[n++] = s->control_path;
    argv[n++] = "-o";
    argv[n++] = "ControlMaster=no";
    if (s->port) {
        snprintf(portbuf, sizeof(portbuf), "%d", s->port);
        argv[n++] = "-p";
        argv[n++] = portbuf;
    }
    argv[n++] = "-W";
    argv[n++] = fwd;
    argv[n++] = "--";
    argv[n++] = s->target;
    argv[n] = NULL;
    struct mc_spawn_opts so = { .argv = argv, .timeout_ms = timeout_ms, .max_output = 65536 };
    struct mc_spawn_result res = { 0 };
    drain_err(s);
    size_t err_before = s->err.len;
    int r = mc_spawn_run(&so, &res, reterr);
    if (r < 0)
        return r;
    /*
     * The channel's standard input is empty: sshd closes the connection's sending side once it
     * is established, the peer (QEMU's listener, libvirtd) ends it, and ssh exits 0. A
     * connection still pending at the deadline is a timeout (a dropping firewall); what sshd
     * says when the connection failed names why.
     */
    if (res.timed_out) {
        mc_strv_add(&w, "ok");
        mc_strv_add(&w, "timeout");
        mc_strv_add(&w, "-");
    } else if (res.exit_code == 0) {
        mc_strv_add(&w, "ok");
        mc_strv_add(&w, "open");
        mc_strv_add(&w, "-");
    } else {
        /*
         * The control master (the session's own ssh) logs why the channel did not open
         * ("channel N: open failed: connect failed: WHY") before it tells the client, which
         * only says the request failed: read the session's stderr for it.
         */
        drain_err(s);
        _cleanup_free_ char *e = NULL;
        const char *from = err_before <= s->err.len ? s->err.data + err_before : NULL;
        const char *of = from ? strstr(from, "open failed: ") : NULL;
        e = of ? mc_xstrdup(of) : mc_xstrndup(res.err ? res.err : "", res.err_len);
        mc_strip_trailing(e);
        const char *word = mc_session_channel_result(e);
        /* The line that says why: "channel N: open failed: connect failed: WHY". */
        const char *why = strstr(e, "open failed: ");
        _cleanup_free_ char *line = why ? mc_xstrndup(why, strcspn(why, "\n")) : mc_xstrdup(e);
        _cleanup_free_ char *safe = mc_utf8_escaped(line);
        if (strcmp(word, "unsupported") == 0) {
            mc_strv_add(&w, "unsupported");
        } else {
            mc_strv_add(&w, "ok");
            mc_strv_add(&w, word);
            mc_strv_add(&w, "-");
        }
        mc_strv_add(&w, safe);
    }
    mc_spawn_result_clear(&res);
    *ret_words = w;
    return 0;
}

char **mc_session_libvirt_uris(const struct mc_session *s)
{
    char **v = NULL;
    for (size_t k = 0; k < 3; k++)
        if (s->libvirt_sockets[k])
            mc_strv_push(&v, mc_xasprintf("qemu+unix:///system?socket=%s", s->libvirt_sockets[k]));
    return v;
}

void mc_session_close(struct mc_session *s)
{
    if (s->pid > 0 && s->in_fd >= 0) {
        char **w = NULL;
        struct mc_error err = { 0 };
        if (mc_session_call(s, MC_OP_QUIT, NULL, 2000, &w, &err) == 0)
            mc_strv_free(w);
        mc_error_clear(&err);
        close(s->in_fd);
        s->in_fd = -1;
        for (int i = 0; i < 200 && s->pid > 0; i++) {
            if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
                s->pid = 0;
            else
                usleep(5000);
        }
    }
    kill_and_reap(s);
    close_fds(s);
    mc_buf_free(&s->out);
    mc_buf_free(&s->err);
    free(s->label);
    free(s->kind);
    free(s->version);
    free(s->control_path);
    free(s->target);
    free(s->local_unsupported);
    for (size_t k = 0; k < 3; k++)
        free(s->libvirt_sockets[k]);
    memset(s, 0, sizeof(*s));
    s->in_fd = s->out_fd = s->err_fd = -1;
}
