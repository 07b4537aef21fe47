/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mutating operations of the native agent: create an empty disk image (the
 * target of a storage copy) and remove it again (the undo). agent.sh has
 * their sh twins. create-image never touches an existing file: it claims the
 * name with O_EXCL first, then lets qemu-img write the format. remove-image
 * removes only a regular file with the inode number create-image reported:
 * a file put in its place while the run's file still exists elsewhere is
 * left alone (a replacement that reuses the freed number cannot be told apart).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops-internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool format_ok(const char *f)
{
    return strcmp(f, "raw") == 0 || strcmp(f, "qcow2") == 0;
}

static int parse_u64(const char *s, uint64_t *ret)
{
    if (!s || !*s || *s == '-')
        return -EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int parse_octal(const char *s, uint64_t *ret)
{
    if (!s || !*s || *s < '0' || *s > '7')
        return -EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 8);
    if (errno || *end)
        return -EINVAL;
    *ret = v;
    return 0;
}

/*
 * create-image PATH FORMAT BYTES [UID GID MODE [BACKING BACKING_FORMAT]] -> ok INODE. The owner
 * and mode are set when given ("-" keeps them); BACKING (a name relative to the image's
 * directory, or absolute) makes a qcow2 overlay.
 */
void mc_op_create_image(const struct mc_agent_req *req)
{
    const char *path = req->args[0], *format = req->args[1];
    const char *uid_s = req->n_args > 3 ? req->args[3] : "-";
    const char *gid_s = req->n_args > 4 ? req->args[4] : "-";
    const char *mode_s = req->n_args > 5 ? req->args[5] : "-";
    const char *backing = req->n_args > 6 ? req->args[6] : NULL;
    const char *bformat = req->n_args > 7 ? req->args[7] : NULL;
    uint64_t bytes, uid = 0, gid = 0, mode = 0;
    bool own = strcmp(uid_s, "-") != 0;
    bool chmode = strcmp(mode_s, "-") != 0;
    if (path[0] != '/' || !format_ok(format) || parse_u64(req->args[2], &bytes) < 0 || bytes == 0 ||
        (own && (parse_u64(uid_s, &uid) < 0 || parse_u64(gid_s, &gid) < 0 || uid >= UINT32_MAX ||
                 gid >= UINT32_MAX)) ||
        (chmode && (parse_octal(mode_s, &mode) < 0 || mode > 07777)) ||
        (backing &&
         (!*backing || strcmp(format, "qcow2") != 0 || !bformat || !format_ok(bformat)))) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int e = errno;
        mc_agent_reply_words(req->id, "fail", mc_errno_name(e, (char[16]){ 0 }), strerror(e), NULL);
        return;
    }
    close(fd);
    char size[32];
    snprintf(size, sizeof(size), "%" PRIu64, bytes);
    const char *argv[] = { "qemu-img", "create", "-q", "-f", format, path,
                           size,       NULL,     NULL, NULL, NULL,   NULL };
    if (backing) {
        argv[5] = "-b", argv[6] = backing, argv[7] = "-F", argv[8] = bformat;
        argv[9] = path, argv[10] = size;
    }
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 60000 };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_spawn_run(&o, &res, &err);
    if (r < 0 || res.exit_code != 0) {
        (void)unlink(path);
        _cleanup_free_ char *why = r < 0 ? mc_xstrdup(err.message ? err.message : "qemu-img")
                                         : mc_xstrdup(res.err ? res.err : "qemu-img failed");
        mc_strip_trailing(why);
        mc_spawn_result_clear(&res);
        mc_agent_reply_words(req->id, "fail", "EIO", why, NULL);
        return;
    }
    mc_spawn_result_clear(&res);
    struct stat st;
    if ((own && lchown(path, (uid_t)uid, (gid_t)gid) < 0) ||
        (chmode && chmod(path, (mode_t)mode) < 0) || stat(path, &st) < 0) {
        int e = errno;
        (void)unlink(path);
        mc_agent_reply_errno(req->id, "fail", e);
        return;
    }
    char ino[32];
    snprintf(ino, sizeof(ino), "%llu", (unsigned long long)st.st_ino);
    mc_agent_reply_words(req->id, "ok", ino, NULL);
}

/* remove-image PATH INODE: only that file; ok when it is already gone. */
void mc_op_remove_image(const struct mc_agent_req *req)
{
    const char *path = req->args[0];
    uint64_t ino;
    if (path[0] != '/' || parse_u64(req->args[1], &ino) < 0) {
        mc_agent_reply_errno(req->id, "error", EINVAL);
        return;
    }
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            mc_agent_reply_words(req->id, "ok", "absent", NULL);
        else
            mc_agent_reply_errno(req->id, "fail", errno);
        return;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_ino != ino) {
        mc_agent_reply_words(req->id, "fail", "ESTALE",
                             "not the file migcheck created (another file has its name)", NULL);
        return;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        mc_agent_reply_errno(req->id, "fail", errno);
        return;
    }
    mc_agent_reply_words(req->id, "ok", "removed", NULL);
}
