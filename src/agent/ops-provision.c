/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mutating operations of the native agent for provisioning shared storage (the steps of
 * storage/provision.h): directories, a marked block in a configuration file (an nfs-ganesha
 * EXPORT), a new file (an /etc/exports.d entry), reloading the NFS server, tgtd targets, LUNs
 * and ACLs, and copying or rebasing an image with qemu-img. agent.sh has their sh twins.
 *
 * Each has an exact inverse that touches only what the forward operation made: rmdir takes
 * the inode mkdir reported and removes only an empty directory; conf-block-remove cuts only
 * the lines between the block's own BEGIN and END markers; tgt target-delete deletes a target
 * only when its tid still carries the IQN the plan gave it. Files are rewritten through a
 * temporary file in the same directory and renamed over the original, keeping its mode and
 * owner, so a crash leaves either the old or the new contents.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops-internal.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CONF_MAX (4u << 20)

static int parse_uint(const char *s, unsigned long long max, int base, unsigned long long *ret)
{
    if (!s || !*s || !isdigit((unsigned char)*s))
        return -EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

/* "fail ENAME": the sh agent answers the same (it has no strerror). */
static void reply_fail_errno(const char *id, int e)
{
    mc_agent_reply_errno(id, "fail", e);
}

/* The first line of a tool's complaint, for an answer. */
static void reply_tool_failure(const char *id, const char *errname, struct mc_spawn_result *res,
                               int r, const struct mc_error *err)
{
    _cleanup_free_ char *why = NULL;
    if (r < 0)
        why = mc_xstrdup(err->message ? err->message : strerror(-r));
    else if (res->err && *res->err)
        why = mc_xstrdup(res->err);
    else if (res->out && *res->out)
        why = mc_xstrdup(res->out);
    else
        why = mc_xasprintf("exit status %d", res->exit_code);
    char *nl = strchr(why, '\n');
    if (nl)
        *nl = '\0';
    mc_agent_reply_words(id, "fail", errname, why, NULL);
}

static int run_tool(const char *const *argv, int timeout_ms, struct mc_spawn_result *res,
                    struct mc_error *err)
{
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = timeout_ms };
    int r = mc_spawn_run(&o, res, err);
    if (r == 0 && res->exit_code != 0)
        return 1;
    return r;
}

/* ---- mkdir PATH MODE UID GID -> ok INODE ---- */

void mc_op_mkdir(const struct mc_agent_req *req)
{
    const char *path = req->args[0];
    unsigned long long mode, uid, gid;
    if (path[0] != '/' || parse_uint(req->args[1], 07777, 8, &mode) < 0 ||
        parse_uint(req->args[2], UINT_MAX - 1, 10, &uid) < 0 ||
        parse_uint(req->args[3], UINT_MAX - 1, 10, &gid) < 0) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    if (mkdir(path, 0700) < 0) {
        reply_fail_errno(req->id, errno);
        return;
    }
    struct stat st;
    if (lchown(path, (uid_t)uid, (gid_t)gid) < 0 || chmod(path, (mode_t)mode) < 0 ||
        lstat(path, &st) < 0) {
        int e = errno;
        (void)rmdir(path);
        reply_fail_errno(req->id, e);
        return;
    }
    char ino[32];
    snprintf(ino, sizeof(ino), "%llu", (unsigned long long)st.st_ino);
    mc_agent_reply_words(req->id, "ok", ino, NULL);
}

/* ---- rmdir PATH INODE: only that directory, only when empty; ok when gone ---- */

void mc_op_rmdir(const struct mc_agent_req *req)
{
    const char *path = req->args[0];
    unsigned long long ino;
    if (path[0] != '/' || parse_uint(req->args[1], ULLONG_MAX, 10, &ino) < 0) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            mc_agent_reply_words(req->id, "ok", "absent", NULL);
        else
            reply_fail_errno(req->id, errno);
        return;
    }
    if (!S_ISDIR(st.st_mode) || (unsigned long long)st.st_ino != ino) {
        mc_agent_reply_words(req->id, "fail", "ESTALE", NULL); /* another directory has its name */
        return;
    }
    if (rmdir(path) < 0 && errno != ENOENT) {
        reply_fail_errno(req->id, errno);
        return;
    }
    mc_agent_reply_words(req->id, "ok", "removed", NULL);
}

/* ---- configuration blocks ---- */

static bool marker_ok(const char *m)
{
    if (!*m || strlen(m) > 128)
        return false;
    for (const char *p = m; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._:-", *p))
            return false;
    return true;
}

/* Where the line "line\n" starts in buf (at a line start), or NULL. */
static const char *find_line(const char *buf, size_t len, const char *line)
{
    size_t n = strlen(line);
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        if ((size_t)(nl - p) == n && memcmp(p, line, n) == 0)
            return p;
        p = nl + 1;
    }
    return NULL;
}

/*
 * Replace the file at path by data: a temporary file in the same directory with the old one's
 * mode and owner, fsync'ed, renamed over it, the directory fsync'ed.
 */
static int replace_file(const char *path, const struct stat *old, const char *data, size_t len)
{
    _cleanup_free_ char *tmp = mc_xasprintf("%s.migcheck-XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = 0;
    if (fchmod(fd, old->st_mode & 07777) < 0 || fchown(fd, old->st_uid, old->st_gid) < 0)
        r = -errno;
    if (r == 0)
        r = mc_write_all(fd, data, len);
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0) {
        (void)unlink(tmp);
        return r;
    }
    _cleanup_free_ char *dir = mc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

static int read_conf(const char *path, char **ret, size_t *ret_len, struct stat *st)
{
    if (lstat(path, st) < 0)
        return -errno;
    if (!S_ISREG(st->st_mode))
        return -EINVAL;
    return mc_read_file(path, CONF_MAX, ret, ret_len);
}

/* conf-block-add PATH MARKER TEXT: append "# BEGIN migcheck MARKER" TEXT "# END migcheck MARKER" */
void mc_op_conf_block_add(const struct mc_agent_req *req)
{
    const char *path = req->args[0], *marker = req->args[1], *text = req->args[2];
    if (path[0] != '/' || !marker_ok(marker)) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int r = read_conf(path, &buf, &len, &st);
    if (r < 0) {
        reply_fail_errno(req->id, -r);
        return;
    }
    if (len > 0 && buf[len - 1] != '\n') {
        mc_agent_reply_words(req->id, "fail", "EINVAL", NULL); /* no newline at its end */
        return;
    }
    _cleanup_free_ char *begin = mc_xasprintf("# BEGIN migcheck %s", marker);
    if (find_line(buf, len, begin)) {
        mc_agent_reply_words(req->id, "fail", "EEXIST", NULL);
        return;
    }
    size_t tl = strlen(text);
    _cleanup_(mc_buf_freep) struct mc_buf out = MC_BUF_INIT;
    mc_buf_append(&out, buf, len);
    mc_buf_printf(&out, "%s\n%s%s# END migcheck %s\n", begin, text,
                  tl && text[tl - 1] != '\n' ? "\n" : "", marker);
    r = replace_file(path, &st, out.data, out.len);
    if (r < 0) {
        reply_fail_errno(req->id, -r);
        return;
    }
    mc_agent_reply_words(req->id, "ok", NULL);
}

/* conf-block-remove PATH MARKER: cut the block conf-block-add made; ok absent when it is gone */
void mc_op_conf_block_remove(const struct mc_agent_req *req)
{
    const char *path = req->args[0], *marker = req->args[1];
    if (path[0] != '/' || !marker_ok(marker)) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int r = read_conf(path, &buf, &len, &st);
    if (r < 0) {
        reply_fail_errno(req->id, -r);
        return;
    }
    _cleanup_free_ char *begin = mc_xasprintf("# BEGIN migcheck %s", marker);
    _cleanup_free_ char *end = mc_xasprintf("# END migcheck %s", marker);
    const char *b = find_line(buf, len, begin);
    if (!b) {
        mc_agent_reply_words(req->id, "ok", "absent", NULL);
        return;
    }
    const char *e = find_line(b, len - (size_t)(b - buf), end);
    if (!e) {
        mc_agent_reply_words(req->id, "fail", "EBADMSG", NULL); /* no end marker */
        return;
    }
    e += strlen(end) + 1;
    _cleanup_(mc_buf_freep) struct mc_buf out = MC_BUF_INIT;
    mc_buf_append(&out, buf, (size_t)(b - buf));
    mc_buf_append(&out, e, (size_t)(buf + len - e));
    r = replace_file(path, &st, out.data ? out.data : "", out.len);
    if (r < 0) {
        reply_fail_errno(req->id, -r);
        return;
    }
    mc_agent_reply_words(req->id, "ok", "removed", NULL);
}

/* ---- write-file PATH MODE TEXT -> ok INODE: a new file, never over one ---- */

void mc_op_write_file(const struct mc_agent_req *req)
{
    const char *path = req->args[0], *text = req->args[2];
    unsigned long long mode;
    if (path[0] != '/' || parse_uint(req->args[1], 07777, 8, &mode) < 0) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        reply_fail_errno(req->id, errno);
        return;
    }
    int r = mc_write_all(fd, text, strlen(text));
    struct stat st;
    if (r == 0 && (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0 || fstat(fd, &st) < 0))
        r = -errno;
    close(fd);
    if (r < 0) {
        (void)unlink(path);
        reply_fail_errno(req->id, -r);
        return;
    }
    char ino[32];
    snprintf(ino, sizeof(ino), "%llu", (unsigned long long)st.st_ino);
    mc_agent_reply_words(req->id, "ok", ino, NULL);
}

/* ---- nfs-reload ganesha PID | kernel ---- */

void mc_op_nfs_reload(const struct mc_agent_req *req)
{
    const char *kind = req->args[0];
    if (strcmp(kind, "ganesha") == 0) {
        unsigned long long pid;
        if (parse_uint(req->args[1], INT_MAX, 10, &pid) < 0 || pid < 2) {
            mc_agent_reply_errno(req->id, "error", EINVAL);
            return;
        }
        char p[64];
        snprintf(p, sizeof(p), "/proc/%llu/comm", pid);
        _cleanup_free_ char *comm = NULL;
        if (mc_read_line_at(AT_FDCWD, p, &comm) < 0 || strcmp(comm, "ganesha.nfsd") != 0) {
            mc_agent_reply_words(req->id, "fail", "ESRCH", NULL); /* no ganesha.nfsd there */
            return;
        }
        if (kill((pid_t)pid, SIGHUP) < 0) {
            reply_fail_errno(req->id, errno);
            return;
        }
        mc_agent_reply_words(req->id, "ok", NULL);
        return;
    }
    if (strcmp(kind, "kernel") == 0) {
        const char *argv[] = { "exportfs", "-ra", NULL };
        struct mc_spawn_result res = { 0 };
        _cleanup_error_ struct mc_error err = { 0 };
        int r = run_tool(argv, 60000, &res, &err);
        if (r != 0)
            reply_tool_failure(req->id, r == -ENOENT ? "ENOENT" : "EIO", &res, r, &err);
        else
            mc_agent_reply_words(req->id, "ok", NULL);
        mc_spawn_result_clear(&res);
        return;
    }
    mc_agent_reply_errno(req->id, "error", EINVAL);
}

/* ---- tgt ACTION TID ARG...: tgtd targets, LUNs, ACLs (tgtadm) ---- */

static bool iqn_ok(const char *s)
{
    if (strncmp(s, "iqn.", 4) != 0 && strncmp(s, "eui.", 4) != 0)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".:-", *p))
            return false;
    return strlen(s) <= 223;
}

static bool addr_ok(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!isxdigit((unsigned char)*p) && !strchr(".:/", *p))
            return false;
    return true;
}

/* The IQN of target tid in tgtadm's listing, or NULL. */
static char *tgt_iqn_of(const char *show, const char *tid)
{
    _cleanup_free_ char *head = mc_xasprintf("Target %s: ", tid);
    for (const char *p = show; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > strlen(head) && strncmp(p, head, strlen(head)) == 0)
            return mc_xstrndup(p + strlen(head), n - strlen(head));
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static bool absent_message(const struct mc_spawn_result *res)
{
    const char *m = res->err && *res->err ? res->err : res->out;
    return m && (strstr(m, "can't find") || strstr(m, "No such"));
}

void mc_op_tgt(const struct mc_agent_req *req)
{
    const char *action = req->args[0], *tid = req->args[1];
    const char *a2 = req->n_args > 2 ? req->args[2] : NULL;
    const char *a3 = req->n_args > 3 ? req->args[3] : NULL;
    unsigned long long v;
    if (parse_uint(tid, 65535, 10, &v) < 0 || v == 0) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    const char *argv[16] = { "tgtadm", "--lld", "iscsi", NULL };
    size_t n = 3;
#define ARG(x) (argv[n++] = (x))
    bool deleting = false;
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (strcmp(action, "target-new") == 0 && a2 && iqn_ok(a2)) {
        ARG("--op"), ARG("new"), ARG("--mode"), ARG("target"), ARG("--tid"), ARG(tid), ARG("-T"),
            ARG(a2);
    } else if (strcmp(action, "target-delete") == 0 && a2 && iqn_ok(a2)) {
        const char *show[] = {
            "tgtadm", "--lld", "iscsi", "--op", "show", "--mode", "target", NULL
        };
        int r = run_tool(show, 60000, &res, &err);
        if (r != 0) {
            reply_tool_failure(req->id, r == -ENOENT ? "ENOENT" : "EIO", &res, r, &err);
            mc_spawn_result_clear(&res);
            return;
        }
        _cleanup_free_ char *iqn = tgt_iqn_of(res.out, tid);
        mc_spawn_result_clear(&res);
        if (!iqn) {
            mc_agent_reply_words(req->id, "ok", "absent", NULL);
            return;
        }
        if (strcmp(iqn, a2) != 0) {
            /* the target has another IQN: not the one migcheck made */
            mc_agent_reply_words(req->id, "fail", "ESTALE", NULL);
            return;
        }
        ARG("--op"), ARG("delete"), ARG("--force"), ARG("--mode"), ARG("target"), ARG("--tid"),
            ARG(tid);
    } else if (strcmp(action, "lun-new") == 0 && a2 && a3 && a3[0] == '/' &&
               parse_uint(a2, 16383, 10, &v) == 0 && v > 0) {
        ARG("--op"), ARG("new"), ARG("--mode"), ARG("logicalunit"), ARG("--tid"), ARG(tid),
            ARG("--lun"), ARG(a2), ARG("-b"), ARG(a3);
    } else if (strcmp(action, "lun-delete") == 0 && a2 && parse_uint(a2, 16383, 10, &v) == 0 &&
               v > 0) {
        ARG("--op"), ARG("delete"), ARG("--mode"), ARG("logicalunit"), ARG("--tid"), ARG(tid),
            ARG("--lun"), ARG(a2);
        deleting = true;
    } else if ((strcmp(action, "bind") == 0 || strcmp(action, "unbind") == 0) && a2 &&
               addr_ok(a2)) {
        ARG("--op"), ARG(action), ARG("--mode"), ARG("target"), ARG("--tid"), ARG(tid), ARG("-I"),
            ARG(a2);
        deleting = strcmp(action, "unbind") == 0;
    } else {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
#undef ARG
    argv[n] = NULL;
    int r = run_tool(argv, 60000, &res, &err);
    if (r == 0)
        mc_agent_reply_words(req->id, "ok", NULL);
    else if (r > 0 && deleting && absent_message(&res))
        mc_agent_reply_words(req->id, "ok", "absent", NULL);
    else
        reply_tool_failure(req->id, r == -ENOENT ? "ENOENT" : "EIO", &res, r, &err);
    mc_spawn_result_clear(&res);
}

/* ---- qemu-img: copy-image and rebase-image ---- */

static bool format_ok(const char *f)
{
    return strcmp(f, "raw") == 0 || strcmp(f, "qcow2") == 0;
}

/* A local absolute path or a URL of QEMU's network drivers this agent writes to. */
static bool image_ok(const char *s)
{
    return s[0] == '/' || mc_str_startswith(s, "nfs://") || mc_str_startswith(s, "iscsi://");
}

/* copy-image FROM FROM_FORMAT TO TO_FORMAT: into an existing target (qemu-img convert -n) */
void mc_op_copy_image(const struct mc_agent_req *req)
{
    const char *from = req->args[0], *ff = req->args[1], *to = req->args[2], *tf = req->args[3];
    if (!image_ok(from) || !image_ok(to) || !format_ok(ff) || !format_ok(tf)) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    const char *argv[] = { "qemu-img", "convert", "-n", "-W", "-f", ff, "-O", tf, from, to, NULL };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = run_tool(argv, 0, &res, &err);
    if (r != 0) {
        reply_tool_failure(req->id, "EIO", &res, r, &err);
    } else {
        char secs[32];
        snprintf(secs, sizeof(secs), "%.3f", res.seconds);
        mc_agent_reply_words(req->id, "ok", secs, NULL);
    }
    mc_spawn_result_clear(&res);
}

/* rebase-image IMAGE FORMAT BACKING BACKING_FORMAT: point a copied layer at its new backing */
void mc_op_rebase_image(const struct mc_agent_req *req)
{
    const char *img = req->args[0], *f = req->args[1], *b = req->args[2], *bf = req->args[3];
    if (!image_ok(img) || strcmp(f, "qcow2") != 0 || !*b || strchr(b, '\n') || !format_ok(bf)) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    const char *argv[] = { "qemu-img", "rebase", "-u", "-f", f, "-b", b, "-F", bf, img, NULL };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = run_tool(argv, 120000, &res, &err);
    if (r != 0)
        reply_tool_failure(req->id, "EIO", &res, r, &err);
    else
        mc_agent_reply_words(req->id, "ok", NULL);
    mc_spawn_result_clear(&res);
}

/* image-info PATH|URL -> ok JSON: `qemu-img info --output=json --backing-chain -U` */
void mc_op_image_info(const struct mc_agent_req *req)
{
    const char *img = req->args[0];
    if (!image_ok(img)) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    const char *argv[] = { "qemu-img", "info", "--output=json", "--backing-chain", "-U", "--",
                           img,        NULL };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = run_tool(argv, 120000, &res, &err);
    if (r != 0) {
        reply_tool_failure(req->id, r == -ENOENT ? "ENOENT" : "EIO", &res, r, &err);
    } else {
        /* the sh agent's $(...) drops trailing newlines: answer alike */
        while (res.out_len && res.out[res.out_len - 1] == '\n')
            res.out[--res.out_len] = '\0';
        mc_agent_reply_words(req->id, "ok", res.out, NULL);
    }
    mc_spawn_result_clear(&res);
}
