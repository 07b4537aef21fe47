/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck __agent: the agent `check` talks to on a host where migcheck is
 * installed (src/hosts/agent-proto.h has the protocol; src/hosts/agent.sh is
 * the sh agent with the same requests). It reads one request per line on
 * stdin and answers on stdout, until "quit" or end of input. Probes that need
 * code (a listener, libnfs, libiscsi, the QEMU user's open()) live here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "checker/facts-xml.h"
#include "cli.h"
#include "config.h"
#include "exit-codes.h"
#include "gather.h"
#include "hosts/agent-ops.h"
#include "hosts/agent-proto.h"
#include "remote/probe.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Line reader on fd 0 that never reads past the newline it returns. */
static int read_line(char **ret)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return b.len ? (*ret = mc_buf_steal(&b), 0) : -1;
        if (c == '\n')
            break;
        if (b.len > 64 * 1024)
            return -1;
        mc_buf_putc(&b, c);
    }
    *ret = mc_buf_steal(&b);
    return 0;
}

static void reply(const char *id, const char *status, const char *const *fields)
{
    printf("%s %s", id, status);
    for (size_t i = 0; fields && fields[i]; i++) {
        _cleanup_free_ char *e = mc_agent_encode(fields[i]);
        printf(" %s", e);
    }
    putchar('\n');
    fflush(stdout);
}

static void reply_errno(const char *id, const char *status, int err)
{
    char buf[16];
    const char *f[] = { mc_errno_name(err, buf), NULL };
    reply(id, status, f);
}

static void op_facts(const char *id, char **args)
{
    const char *boundary = args[0];
    /* The spec lines are for the sh probe; this agent gathers with the libraries. */
    for (;;) {
        _cleanup_free_ char *line = NULL;
        if (read_line(&line) < 0 || strcmp(line, "END") == 0)
            break;
    }
    struct mc_gather_opts o = { .no_virt = true };
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_gather_local(&o);
    mc_agent_gather_extra(h);
    _cleanup_free_ char *xml = NULL;
    size_t len = 0;
    if (!boundary || mc_facts_to_xml(h, &xml, &len) < 0) {
        reply(id, "error", NULL);
        return;
    }
    printf("%s facts-begin xml\n", id);
    fwrite(xml, 1, len, stdout);
    printf("\n--%s END\n", boundary);
    fflush(stdout);
}

/* The sh probe's answer, for requests only it knows (ROM hashes): run it here. */
static void op_probe(const char *id, char **args)
{
    const char *boundary = args[0];
    char **lines = NULL;
    for (;;) {
        _cleanup_free_ char *line = NULL;
        if (read_line(&line) < 0 || strcmp(line, "END") == 0)
            break;
        if (!mc_str_startswith(line, "BOUNDARY="))
            mc_strv_push(&lines, TAKE_PTR(line));
    }
    const char *const *specs[] = { (const char *const *)lines, NULL };
    _cleanup_free_ char *req = boundary ? mc_probe_request(specs, boundary) : NULL;
    const char *argv[] = { "sh", "-s", NULL };
    struct mc_spawn_opts o = { .argv = argv,
                               .stdin_data = req,
                               .stdin_len = req ? strlen(req) : 0,
                               .timeout_ms = 60000,
                               .max_output = 64u << 20 };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (!req || mc_spawn_run(&o, &res, &err) < 0 || res.exit_code != 0) {
        mc_strv_free(lines);
        mc_spawn_result_clear(&res);
        reply_errno(id, "error", EIO);
        return;
    }
    printf("%s facts-begin dump\n", id);
    fwrite(res.out, 1, res.out_len, stdout);
    fflush(stdout);
    mc_spawn_result_clear(&res);
    mc_strv_free(lines);
}

static void op_stat(const char *id, char **args)
{
    struct stat st;
    if (!args[0]) {
        reply_errno(id, "error", EINVAL);
        return;
    }
    if (stat(args[0], &st) < 0) {
        reply_errno(id, "fail", errno);
        return;
    }
    const char *type = S_ISREG(st.st_mode)   ? "file"
                       : S_ISDIR(st.st_mode) ? "dir"
                       : S_ISBLK(st.st_mode) ? "block"
                       : S_ISCHR(st.st_mode) ? "char"
                                             : "other";
    printf("%s ok %s %lld %u %u %o\n", id, type, (long long)st.st_size, st.st_uid, st.st_gid,
           st.st_mode & 07777);
    fflush(stdout);
}

/* Open the file as uid:gid (with the user's groups), in a child when that is not us. */
static int open_as(const char *path, uid_t uid, gid_t gid, bool rw)
{
    int flags = (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    if (uid == geteuid() && gid == getegid()) {
        int fd = open(path, flags);
        if (fd < 0)
            return -errno;
        close(fd);
        return 0;
    }
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        struct passwd *pw = getpwuid(uid);
        if ((pw ? initgroups(pw->pw_name, gid) : setgroups(0, NULL)) < 0 || setgid(gid) < 0 ||
            setuid(uid) < 0)
            _exit(EPERM);
        int fd = open(path, flags);
        _exit(fd < 0 ? (errno & 0x7f) : 0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (!WIFEXITED(status))
        return -EIO;
    return -WEXITSTATUS(status);
}

static void op_open(const char *id, char **args)
{
    if (mc_strv_length(args) < 4) {
        reply_errno(id, "error", EINVAL);
        return;
    }
    int r = open_as(args[0], (uid_t)strtoul(args[1], NULL, 10), (gid_t)strtoul(args[2], NULL, 10),
                    strcmp(args[3], "rw") == 0);
    if (r < 0)
        reply_errno(id, "fail", -r);
    else
        reply(id, "ok", NULL);
}

static bool token_ok(const char *t)
{
    if (!t || !*t || strlen(t) > 64)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

static void op_canary_write(const char *id, char **args)
{
    if (mc_strv_length(args) < 2 || !token_ok(args[1])) {
        reply_errno(id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *path = mc_xasprintf("%s/.migcheck-canary-%s", args[0], args[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        reply_errno(id, "fail", errno);
        return;
    }
    size_t len = strlen(args[1]);
    bool ok = write(fd, args[1], len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    close(fd);
    if (!ok) {
        unlink(path);
        reply_errno(id, "fail", e);
        return;
    }
    reply(id, "ok", NULL);
}

static void op_canary_read(const char *id, char **args)
{
    if (mc_strv_length(args) < 2) {
        reply_errno(id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *dir = mc_xstrdup(args[0]);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        /* Revalidate the directory (NFS caches negative lookups), as Nova does. */
        (void)utime(dir, NULL);
    }
    int fd = open(args[0], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        reply_errno(id, "fail", errno);
        return;
    }
    char buf[128];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *f[] = { strcmp(buf, args[1]) == 0 ? "match" : "mismatch", NULL };
    reply(id, "ok", f);
}

static void op_rm_canary(const char *id, char **args)
{
    const char *base = args[0] ? strrchr(args[0], '/') : NULL;
    if (!base || strncmp(base + 1, ".migcheck-canary-", 17) != 0) {
        reply_errno(id, "error", EPERM);
        return;
    }
    if (unlink(args[0]) < 0 && errno != ENOENT)
        reply_errno(id, "fail", errno);
    else
        reply(id, "ok", NULL);
}

static void op_resolve(const char *id, char **args)
{
    if (!args[0]) {
        reply_errno(id, "error", EINVAL);
        return;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    int r = getaddrinfo(args[0], NULL, &hints, &res);
    if (r != 0) {
        const char *f[] = { r == EAI_NONAME ? "ENOENT" : "EIO", gai_strerror(r), NULL };
        reply(id, "fail", f);
        return;
    }
    char **addrs = NULL;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        char host[NI_MAXHOST];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST) ==
                0 &&
            !mc_strv_contains(addrs, host))
            mc_strv_add(&addrs, host);
    }
    freeaddrinfo(res);
    reply(id, "ok", (const char *const *)addrs);
    mc_strv_free(addrs);
}

int verb_agent(int argc, char **argv, const struct mc_global *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    printf("HELLO migcheck %d %s\n", MC_AGENT_PROTO, MIGCHECK_VERSION);
    fflush(stdout);
    for (;;) {
        _cleanup_free_ char *line = NULL;
        if (read_line(&line) < 0)
            break;
        _cleanup_strv_free_ char **w = NULL;
        if (mc_agent_split(line, &w) < 0 || mc_strv_length(w) < 2) {
            const char *id = w && w[0] ? w[0] : "0";
            reply_errno(id, "error", EBADMSG);
            continue;
        }
        const char *id = w[0], *op = w[1];
        char **args = w + 2;
        if (strcmp(op, "quit") == 0) {
            reply(id, "ok", NULL);
            break;
        } else if (strcmp(op, "facts") == 0) {
            op_facts(id, args);
        } else if (strcmp(op, "probe") == 0) {
            op_probe(id, args);
        } else if (strcmp(op, "stat") == 0) {
            op_stat(id, args);
        } else if (strcmp(op, "open") == 0) {
            op_open(id, args);
        } else if (strcmp(op, "canary-write") == 0) {
            op_canary_write(id, args);
        } else if (strcmp(op, "canary-read") == 0) {
            op_canary_read(id, args);
        } else if (strcmp(op, "rm-canary") == 0) {
            op_rm_canary(id, args);
        } else if (strcmp(op, "resolve") == 0) {
            op_resolve(id, args);
        } else if (!mc_agent_extra_op(id, op, args, reply)) {
            reply(id, "unsupported", NULL);
        }
    }
    return MC_EXIT_OK;
}
