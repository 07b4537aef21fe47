/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File and name operations of the native agent: stat, open as the QEMU user,
 * canary files, name resolution. agent.sh has their sh twins.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "ops-internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

void mc_op_stat(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    struct stat st;
    if (!args[0]) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    if (stat(args[0], &st) < 0) {
        mc_agent_reply_errno(id, "fail", errno);
        return;
    }
    const char *type = S_ISREG(st.st_mode)   ? "file"
                       : S_ISDIR(st.st_mode) ? "dir"
                       : S_ISBLK(st.st_mode) ? "block"
                       : S_ISCHR(st.st_mode) ? "char"
                                             : "other";
    printf("%s ok %s %lld %u %u %o %lld %llu\n", id, type, (long long)st.st_size, st.st_uid,
           st.st_gid, st.st_mode & 07777, (long long)st.st_ctime, (unsigned long long)st.st_ino);
    fflush(stdout);
}

/*
 * unix-connect PATH TIMEOUT_MS [EMULATOR]: connect(2) to a UNIX stream socket as QEMU's chardev
 * client does when it starts (a vhost-user backend's socket), then close at once, before any
 * handshake: a vhost-user backend (qemu-storage-daemon's vhost-user-blk export, measured with
 * QEMU 7.2) serves the next client after such a connection. A stale socket (its server gone, the
 * file left) answers ECONNREFUSED, as QEMU's connect will. A full backlog (EAGAIN on a
 * non-blocking UNIX connect, where QEMU's blocking one waits) is retried until TIMEOUT_MS, then
 * answered EAGAIN. The emulator is the sh agent's tool; this agent needs none.
 */
void mc_op_unix_connect(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *end;
    long timeout = mc_strv_length(args) >= 2 ? strtol(args[1], &end, 10) : 0;
    if (mc_strv_length(args) < 2 || !*args[1] || *end || timeout < 1 || timeout > 600000 ||
        args[0][0] != '/' || strlen(args[0]) >= sizeof(sa.sun_path)) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    memcpy(sa.sun_path, args[0], strlen(args[0]) + 1);
    int err = 0;
    for (long waited = 0;; waited += 50) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            mc_agent_reply_errno(id, "error", errno);
            return;
        }
        err = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
        if (err != EAGAIN || waited >= timeout)
            break;
        struct timespec nap = { .tv_nsec = 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    char buf[16];
    if (err == 0)
        mc_agent_reply_words(id, "ok", "connected", "connect", NULL);
    else
        mc_agent_reply_words(id, "fail", mc_errno_name(err, buf), "connect", NULL);
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

/* A child's exit status for "could not become the user" (never an errno below 0x7f). */
#define AS_USER_FAILED 0x7f

/*
 * Open the file as uid:gid (with the user's groups), in a child when that is not us. 1: this
 * agent could not become that user (not root), which says nothing about the file.
 */
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
            _exit(AS_USER_FAILED);
        int fd = open(path, flags);
        _exit(fd < 0 ? (errno & 0x7f) : 0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (!WIFEXITED(status))
        return -EIO;
    return WEXITSTATUS(status) == AS_USER_FAILED ? 1 : -WEXITSTATUS(status);
}

void mc_op_open(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (mc_strv_length(args) < 4) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    int r = open_as(args[0], (uid_t)strtoul(args[1], NULL, 10), (gid_t)strtoul(args[2], NULL, 10),
                    strcmp(args[3], "rw") == 0);
    if (r > 0)
        mc_agent_reply_errno(id, "error", EPERM);
    else if (r < 0)
        mc_agent_reply_errno(id, "fail", -r);
    else
        mc_agent_reply(id, "ok", NULL);
}

void mc_op_canary_write(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (mc_strv_length(args) < 2 || !token_ok(args[1])) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *path = mc_xasprintf("%s/.migcheck-canary-%s", args[0], args[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        mc_agent_reply_errno(id, "fail", errno);
        return;
    }
    size_t len = strlen(args[1]);
    bool ok = write(fd, args[1], len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    close(fd);
    if (!ok) {
        unlink(path);
        mc_agent_reply_errno(id, "fail", e);
        return;
    }
    mc_agent_reply(id, "ok", NULL);
}

/* Create and remove PATH (O_EXCL, never following a link) as the calling process. */
static int create_remove(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0)
        return -errno;
    close(fd);
    return unlink(path) < 0 ? -errno : 0;
}

/*
 * create-test DIR TOKEN UID GID: can uid:gid (with the user's groups) create a file in DIR, as
 * QEMU or virtlogd will on the real start? DIR/.migcheck-create-TOKEN is created and removed at
 * once, in a child that takes the user's ids when they are not ours. "fail ERRNO": the user
 * cannot create there; "error EPERM": this agent could not become that user (not root), which
 * proves nothing about the directory.
 */
void mc_op_create_test(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    char *end1, *end2;
    unsigned long uid = strtoul(args[2], &end1, 10);
    unsigned long gid = strtoul(args[3], &end2, 10);
    if (!token_ok(args[1]) || !args[0][0] || end1 == args[2] || *end1 || end2 == args[3] || *end2) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *path = mc_xasprintf("%s/.migcheck-create-%s", args[0], args[1]);
    int r;
    if ((uid_t)uid == geteuid() && (gid_t)gid == getegid()) {
        r = create_remove(path);
    } else {
        pid_t pid = fork();
        if (pid < 0) {
            mc_agent_reply_errno(id, "error", errno);
            return;
        }
        if (pid == 0) {
            struct passwd *pw = getpwuid((uid_t)uid);
            if ((pw ? initgroups(pw->pw_name, (gid_t)gid) : setgroups(0, NULL)) < 0 ||
                setgid((gid_t)gid) < 0 || setuid((uid_t)uid) < 0)
                _exit(AS_USER_FAILED);
            _exit(-create_remove(path) & 0x7f);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) {
                mc_agent_reply_errno(id, "error", errno);
                return;
            }
        if (!WIFEXITED(status) || WEXITSTATUS(status) == AS_USER_FAILED) {
            mc_agent_reply_errno(id, "error", EPERM);
            return;
        }
        r = -WEXITSTATUS(status);
    }
    if (r < 0)
        mc_agent_reply_errno(id, "fail", -r);
    else
        mc_agent_reply(id, "ok", NULL);
}

/*
 * statvfs DIR -> ok TOTAL_KIB AVAIL_KIB: the size of the file system that holds DIR and the space
 * on it available to unprivileged users (f_bavail: QEMU need not run as root), in KiB, as df -P
 * -k reports them.
 */
void mc_op_statvfs(const struct mc_agent_req *req)
{
    struct statvfs st;
    if (req->args[0][0] != '/') {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    if (statvfs(req->args[0], &st) < 0) {
        mc_agent_reply_errno(req->id, "fail", errno);
        return;
    }
    unsigned __int128 unit = st.f_frsize ? st.f_frsize : st.f_bsize;
    unsigned __int128 t = st.f_blocks * unit / 1024, a = st.f_bavail * unit / 1024;
    char total[32], avail[32];
    snprintf(total, sizeof(total), "%llu", (unsigned long long)(t > INT64_MAX ? INT64_MAX : t));
    snprintf(avail, sizeof(avail), "%llu", (unsigned long long)(a > INT64_MAX ? INT64_MAX : a));
    const char *f[] = { total, avail, NULL };
    mc_agent_reply(req->id, "ok", f);
}

void mc_op_canary_read(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (mc_strv_length(args) < 2) {
        mc_agent_reply_errno(id, "error", EINVAL);
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
        mc_agent_reply_errno(id, "fail", errno);
        return;
    }
    char buf[128];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *f[] = { strcmp(buf, args[1]) == 0 ? "match" : "mismatch", NULL };
    mc_agent_reply(id, "ok", f);
}

void mc_op_rm_canary(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    const char *base = args[0] ? strrchr(args[0], '/') : NULL;
    if (!base || strncmp(base + 1, ".migcheck-canary-", 17) != 0) {
        mc_agent_reply_errno(id, "error", EPERM);
        return;
    }
    if (unlink(args[0]) < 0 && errno != ENOENT)
        mc_agent_reply_errno(id, "fail", errno);
    else
        mc_agent_reply(id, "ok", NULL);
}

void mc_op_resolve(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (!args[0]) {
        mc_agent_reply_errno(id, "error", EINVAL);
        return;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    int r = getaddrinfo(args[0], NULL, &hints, &res);
    if (r != 0) {
        const char *f[] = { r == EAI_NONAME ? "ENOENT" : "EIO", gai_strerror(r), NULL };
        mc_agent_reply(id, "fail", f);
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
    mc_agent_reply(id, "ok", (const char *const *)addrs);
    mc_strv_free(addrs);
}
