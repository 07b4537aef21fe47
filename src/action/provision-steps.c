/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kinds of provisioning (storage/provision.h plans them): the storage host's changes
 * through its agent (directories, exports, targets), libvirt's through the hosts' connections
 * (pools, block copies, definitions), and the checks between them.
 *
 * Every undo works from the plan's parameters and the host as it is, so that it also works
 * after a SIGKILL between a step's change and its journal entry (state "started", no
 * results): an export is found by its marker, a target by its tid and IQN, a pool by its
 * name, a mirror by the disk's block job, a pivot by the disk's current source. What a step
 * cannot tell apart from someone else's (a directory or file of the same name made before
 * the run) it leaves alone and says so.
 */
#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "checker/xml-util.h"
#include "steps-internal.h"
#include "storage/provision.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

#define CALL_TIMEOUT_MS 120000
#define COPY_TIMEOUT_MS (24 * 3600 * 1000)

/* ---- helpers ---- */

static int conn_of(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_host **ret,
                   struct mc_error *err)
{
    int r = mc_step_host(c, s, ret, err);
    if (r < 0)
        return r;
    if (!(*ret)->conn || !(*ret)->conn_rw)
        return mc_error_set(err, -ENOTCONN, "no read-write libvirt connection to '%s'",
                            (*ret)->spec.label);
    return 0;
}

static int need(struct mc_plan_step *s, const char *name, const char **ret, struct mc_error *err)
{
    *ret = mc_step_param(s, name);
    if (!*ret || !**ret)
        return mc_error_set(err, -EINVAL, "the step has no '%s'", name);
    return 0;
}

static char *words(const struct mc_answer *a)
{
    return mc_strv_join(a->words, " ");
}

/* Call an agent operation; -errno for a transport failure, else the answer in a. */
static int call(struct mc_host *h, enum mc_op op, const char *const *args, int timeout_ms,
                struct mc_answer *a, struct mc_error *err)
{
    return mc_host_call(h, op, args, timeout_ms, a, err);
}

/* The answer as an error: "what on 'host': fail EIO tgtadm: ...". */
static int answer_error(const struct mc_answer *a, struct mc_host *h, const char *what,
                        struct mc_error *err)
{
    int e = a->fields && a->fields[0] ? mc_errno_from_name(a->fields[0]) : 0;
    if (a->status == MC_REPLY_UNSUPPORTED)
        return mc_error_set(err, -ENOTSUP, "%s on '%s': the %s agent cannot", what, h->spec.label,
                            h->sess.kind ? h->sess.kind : "remote");
    _cleanup_free_ char *w = words(a);
    return mc_error_set(err, e > 0 ? -e : -EIO, "%s on '%s': %s", what, h->spec.label, w);
}

static bool answer_is(const struct mc_answer *a, enum mc_reply st, const char *f0)
{
    return a->status == (int)st &&
           (!f0 || (a->fields && a->fields[0] && strcmp(a->fields[0], f0) == 0));
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static bool stop_requested(struct mc_apply_ctx *c)
{
    return c->interrupted && *c->interrupted;
}

/* ---- make-dir ---- */

int mc_step_make_dir_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *path = NULL, *mode = NULL, *uid = NULL, *gid = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "path", &path, err)) < 0 ||
        (r = need(s, "mode", &mode, err)) < 0 || (r = need(s, "uid", &uid, err)) < 0 ||
        (r = need(s, "gid", &gid, err)) < 0)
        return r;
    const char *args[] = { path, mode, uid, gid, NULL };
    struct mc_answer a = { 0 };
    if ((r = call(h, MC_OP_MKDIR, args, CALL_TIMEOUT_MS, &a, err)) < 0)
        return r;
    if (a.status == MC_REPLY_OK && a.fields[0]) {
        mc_step_record(s, "inode", a.fields[0]);
    } else {
        if (a.status == MC_REPLY_FAIL)
            mc_step_record(s, "created", "no");
        _cleanup_free_ char *what = mc_xasprintf("cannot create directory '%s'", path);
        r = answer_error(&a, h, what, err);
    }
    mc_answer_clear(&a);
    return r;
}

int mc_step_make_dir_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *path = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "path", &path, err)) < 0)
        return r;
    const char *created = mc_step_result(s, "created");
    if (created && strcmp(created, "no") == 0)
        return 0;
    _cleanup_free_ char *ino = mc_xstrdup_or_null(mc_step_result(s, "inode"));
    if (!ino) {
        if ((r = mc_step_made_by(h, s, path, "dir", "making", &ino, err)) < 0)
            return r;
        if (!ino)
            return 0; /* never made */
    }
    const char *args[] = { path, ino, NULL };
    struct mc_answer a = { 0 };
    if ((r = call(h, MC_OP_RMDIR, args, CALL_TIMEOUT_MS, &a, err)) < 0)
        return r;
    const char *shared = mc_step_param(s, "shared");
    if (a.status != MC_REPLY_OK && shared && strcmp(shared, "yes") == 0 &&
        answer_is(&a, MC_REPLY_FAIL, "ENOTEMPTY")) {
        /* the storage directory other runs (other VMs) have put their directories in since:
         * theirs to empty; left in place */
        mc_step_record(s, "kept", "in use by other runs");
    } else if (a.status != MC_REPLY_OK) {
        _cleanup_free_ char *what = mc_xasprintf("cannot remove directory '%s'", path);
        r = answer_error(&a, h, what, err);
    }
    mc_answer_clear(&a);
    return r;
}

/* ---- nfs-export ---- */

static int nfs_reload(struct mc_host *h, struct mc_plan_step *s, bool undoing, struct mc_error *err)
{
    const char *server = mc_step_param(s, "server");
    bool ganesha = server && strcmp(server, "ganesha") == 0;
    const char *pid = mc_step_param(s, "pid");
    const char *args[] = { ganesha ? "ganesha" : "kernel", ganesha ? pid : NULL, NULL };
    struct mc_answer a = { 0 };
    int r = call(h, MC_OP_NFS_RELOAD, args, CALL_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK) {
        /* undoing, a ganesha that is gone (or restarted: it read the file anew) serves nothing
         * of ours */
        if (undoing && ganesha && answer_is(&a, MC_REPLY_FAIL, "ESRCH"))
            r = 0;
        else
            r = answer_error(&a, h,
                             ganesha ? "cannot make nfs-ganesha reload its exports"
                                     : "exportfs -ra failed",
                             err);
    }
    mc_answer_clear(&a);
    return r;
}

int mc_step_nfs_export_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *server = NULL, *marker = NULL, *text = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "server", &server, err)) < 0 ||
        (r = need(s, "marker", &marker, err)) < 0 || (r = need(s, "text", &text, err)) < 0)
        return r;
    struct mc_answer a = { 0 };
    if (strcmp(server, "ganesha") == 0) {
        const char *conf;
        if ((r = need(s, "conf", &conf, err)) < 0)
            return r;
        const char *args[] = { conf, marker, text, NULL };
        if ((r = call(h, MC_OP_CONF_BLOCK_ADD, args, CALL_TIMEOUT_MS, &a, err)) < 0)
            return r;
        if (a.status != MC_REPLY_OK) {
            if (a.status == MC_REPLY_FAIL)
                mc_step_record(s, "added", "no");
            _cleanup_free_ char *what = mc_xasprintf("cannot add the export to '%s'", conf);
            r = answer_error(&a, h, what, err);
            mc_answer_clear(&a);
            return r;
        }
        mc_answer_clear(&a);
        mc_step_record(s, "added", "yes");
    } else {
        const char *file;
        if ((r = need(s, "file", &file, err)) < 0)
            return r;
        const char *args[] = { file, "644", text, NULL };
        if ((r = call(h, MC_OP_WRITE_FILE, args, CALL_TIMEOUT_MS, &a, err)) < 0)
            return r;
        if (a.status != MC_REPLY_OK || !a.fields[0]) {
            if (a.status == MC_REPLY_FAIL)
                mc_step_record(s, "added", "no");
            _cleanup_free_ char *what = mc_xasprintf("cannot write '%s'", file);
            r = answer_error(&a, h, what, err);
            mc_answer_clear(&a);
            return r;
        }
        mc_step_record(s, "inode", a.fields[0]);
        mc_answer_clear(&a);
    }
    return nfs_reload(h, s, false, err);
}

int mc_step_nfs_export_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *server = NULL, *marker = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "server", &server, err)) < 0 ||
        (r = need(s, "marker", &marker, err)) < 0)
        return r;
    const char *added = mc_step_result(s, "added");
    if (added && strcmp(added, "no") == 0)
        return 0;
    struct mc_answer a = { 0 };
    bool removed = false;
    if (strcmp(server, "ganesha") == 0) {
        const char *conf;
        if ((r = need(s, "conf", &conf, err)) < 0)
            return r;
        const char *args[] = { conf, marker, NULL };
        if ((r = call(h, MC_OP_CONF_BLOCK_REMOVE, args, CALL_TIMEOUT_MS, &a, err)) < 0)
            return r;
        if (a.status != MC_REPLY_OK) {
            _cleanup_free_ char *what = mc_xasprintf("cannot remove the export from '%s'", conf);
            r = answer_error(&a, h, what, err);
            mc_answer_clear(&a);
            return r;
        }
        removed = !answer_is(&a, MC_REPLY_OK, "absent");
        mc_answer_clear(&a);
    } else {
        const char *file;
        if ((r = need(s, "file", &file, err)) < 0)
            return r;
        _cleanup_free_ char *ino = mc_xstrdup_or_null(mc_step_result(s, "inode"));
        if (!ino && (r = mc_step_made_by(h, s, file, "file", "making", &ino, err)) < 0)
            return r;
        if (ino) {
            const char *args[] = { file, ino, NULL };
            if ((r = call(h, MC_OP_REMOVE_IMAGE, args, CALL_TIMEOUT_MS, &a, err)) < 0)
                return r;
            if (a.status != MC_REPLY_OK) {
                _cleanup_free_ char *what = mc_xasprintf("cannot remove '%s'", file);
                r = answer_error(&a, h, what, err);
                mc_answer_clear(&a);
                return r;
            }
            removed = !answer_is(&a, MC_REPLY_OK, "absent");
            mc_answer_clear(&a);
        }
    }
    return removed ? nfs_reload(h, s, true, err) : 0;
}

/* ---- iscsi-target, iscsi-lun ---- */

static int tgt(struct mc_host *h, const char *const *args, const char *what, bool *absent,
               struct mc_error *err)
{
    struct mc_answer a = { 0 };
    int r = call(h, MC_OP_TGT, args, CALL_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK)
        r = answer_error(&a, h, what, err);
    else if (absent)
        *absent = answer_is(&a, MC_REPLY_OK, "absent");
    mc_answer_clear(&a);
    return r;
}

int mc_step_iscsi_target_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *tid = NULL, *iqn = NULL, *inits = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "tid", &tid, err)) < 0 ||
        (r = need(s, "iqn", &iqn, err)) < 0 || (r = need(s, "initiators", &inits, err)) < 0)
        return r;
    const char *nt[] = { "target-new", tid, iqn, NULL };
    _cleanup_free_ char *what = mc_xasprintf("cannot create target %s (tid %s)", iqn, tid);
    if ((r = tgt(h, nt, what, NULL, err)) < 0)
        return r;
    mc_step_record(s, "created", "yes");
    _cleanup_(mc_strv_freep) char **addrs = mc_strv_split(inits, " ");
    for (size_t i = 0; addrs && addrs[i]; i++) {
        const char *b[] = { "bind", tid, addrs[i], NULL };
        _cleanup_free_ char *w = mc_xasprintf("cannot admit %s to target %s", addrs[i], iqn);
        if ((r = tgt(h, b, w, NULL, err)) < 0)
            return r;
    }
    return 0;
}

int mc_step_iscsi_target_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *tid = NULL, *iqn = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "tid", &tid, err)) < 0 ||
        (r = need(s, "iqn", &iqn, err)) < 0)
        return r;
    const char *d[] = { "target-delete", tid, iqn, NULL };
    _cleanup_free_ char *what = mc_xasprintf("cannot delete target %s (tid %s)", iqn, tid);
    return tgt(h, d, what, NULL, err);
}

int mc_step_iscsi_lun_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *tid = NULL, *lun = NULL, *path = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "tid", &tid, err)) < 0 ||
        (r = need(s, "lun", &lun, err)) < 0 || (r = need(s, "path", &path, err)) < 0)
        return r;
    const char *a[] = { "lun-new", tid, lun, path, NULL };
    _cleanup_free_ char *what = mc_xasprintf("cannot add LUN %s (%s) to tid %s", lun, path, tid);
    return tgt(h, a, what, NULL, err);
}

int mc_step_iscsi_lun_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *tid = NULL, *lun = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "tid", &tid, err)) < 0 ||
        (r = need(s, "lun", &lun, err)) < 0)
        return r;
    const char *a[] = { "lun-delete", tid, lun, NULL };
    _cleanup_free_ char *what = mc_xasprintf("cannot delete LUN %s of tid %s", lun, tid);
    return tgt(h, a, what, NULL, err);
}

/* ---- verify-nfs, verify-iscsi ---- */

/*
 * From a hypervisor: mount the export and open the image read-write as QEMU's user (the native
 * agent: libnfs, QEMU's own NFS client library), or, from the sh agent, have that host's
 * qemu-img open it. A fresh export may take a moment to appear (ganesha reloads in the
 * background): retried for up to 20 s.
 */
int mc_step_verify_nfs_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *server = NULL, *export = NULL, *image = NULL, *uid = NULL, *gid = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "server", &server, err)) < 0 ||
        (r = need(s, "export", &export, err)) < 0 || (r = need(s, "image", &image, err)) < 0 ||
        (r = need(s, "uid", &uid, err)) < 0 || (r = need(s, "gid", &gid, err)) < 0)
        return r;
    bool root_only = strcmp(image, ".") == 0;
    _cleanup_free_ char *name =
        root_only ? mc_xasprintf("%s/", export) : mc_xasprintf("%s/%s", export, image);
    double deadline = mc_now() + 20;
    for (;;) {
        const char *args[] = { server, name, uid, gid, root_only ? "r" : "rw", NULL };
        struct mc_answer a = { 0 };
        if ((r = call(h, MC_OP_NFS_STAT, args, CALL_TIMEOUT_MS, &a, err)) < 0)
            return r;
        if (a.status == MC_REPLY_OK) {
            mc_step_record(s, "checked", "libnfs");
            mc_answer_clear(&a);
            return 0;
        }
        if (a.status == MC_REPLY_UNSUPPORTED) {
            mc_answer_clear(&a);
            break;
        }
        if (mc_now() > deadline || stop_requested(c)) {
            _cleanup_free_ char *what =
                mc_xasprintf("nfs://%s%s is not usable as QEMU's user (uid %s)", server, name, uid);
            r = answer_error(&a, h, what, err);
            mc_answer_clear(&a);
            return r;
        }
        mc_answer_clear(&a);
        sleep_ms(500);
    }
    /* the sh agent: the host's own qemu-img opens the image over NFS */
    if (root_only)
        return mc_error_set(err, -ENOTSUP,
                            "cannot check the export from '%s' without migcheck there",
                            h->spec.label);
    _cleanup_free_ char *url = mc_xasprintf("nfs://%s%s", server, name);
    for (;;) {
        const char *args[] = { url, NULL };
        struct mc_answer a = { 0 };
        if ((r = call(h, MC_OP_IMAGE_INFO, args, CALL_TIMEOUT_MS, &a, err)) < 0)
            return r;
        if (a.status == MC_REPLY_OK) {
            mc_step_record(s, "checked", "qemu-img");
            mc_answer_clear(&a);
            return 0;
        }
        if (mc_now() > deadline || stop_requested(c)) {
            _cleanup_free_ char *what = mc_xasprintf("qemu-img cannot open %s", url);
            r = answer_error(&a, h, what, err);
            mc_answer_clear(&a);
            return r;
        }
        mc_answer_clear(&a);
        sleep_ms(500);
    }
}

/* Log in from a host and read the LUN's identity: "WWN SERIAL SIZE". */
static int lun_identity(struct mc_host *h, const char *host, const char *port, const char *iqn,
                        const char *lun, char **ret, struct mc_error *err)
{
    _cleanup_free_ char *name = mc_xasprintf("%s/%s", iqn, lun);
    const char *args[] = { host, port, name, "-", NULL };
    struct mc_answer a = { 0 };
    int r = call(h, MC_OP_ISCSI_LUN, args, CALL_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status == MC_REPLY_OK && mc_strv_length(a.fields) >= 3) {
        *ret = mc_xasprintf("WWN %s, serial %s, %s bytes", a.fields[1],
                            a.fields[3] ? a.fields[3] : "-", a.fields[2]);
        mc_answer_clear(&a);
        return 0;
    }
    _cleanup_free_ char *what = mc_xasprintf("cannot log in to %s LUN %s", iqn, lun);
    r = answer_error(&a, h, what, err);
    mc_answer_clear(&a);
    return r;
}

int mc_step_verify_iscsi_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *dst = c->hosts[1], *src = c->hosts[0];
    const char *host = NULL, *port = NULL, *iqn = NULL, *luns = NULL;
    int r;
    if ((r = need(s, "host", &host, err)) < 0 || (r = need(s, "port", &port, err)) < 0 ||
        (r = need(s, "iqn", &iqn, err)) < 0 || (r = need(s, "luns", &luns, err)) < 0)
        return r;
    if (!dst || dst->rc != 0 || !src || src->rc != 0)
        return mc_error_set(err, -ENOTCONN, "no connection to both hosts");
    _cleanup_(mc_strv_freep) char **v = mc_strv_split(luns, " ");
    for (size_t i = 0; v && v[i]; i++) {
        _cleanup_free_ char *d = NULL, *sid = NULL;
        if ((r = lun_identity(dst, host, port, iqn, v[i], &d, err)) < 0 ||
            (r = lun_identity(src, host, port, iqn, v[i], &sid, err)) < 0)
            return r;
        if (strcmp(d, sid) != 0)
            return mc_error_set(err, -EIO,
                                "LUN %s of %s is not the same seen from '%s' (%s) and from '%s' "
                                "(%s)",
                                v[i], iqn, dst->spec.label, d, src->spec.label, sid);
        _cleanup_free_ char *k = mc_xasprintf("lun-%s", v[i]);
        mc_step_record(s, k, d);
    }
    return 0;
}

/* ---- define-pool, start-pool ---- */

static virStoragePoolPtr pool_lookup(struct mc_host *h, const char *name)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(h->conn, name);
    if (!p)
        virResetLastError();
    return p;
}

int mc_step_define_pool_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *name = NULL, *xml = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "name", &name, err)) < 0 ||
        (r = need(s, "xml", &xml, err)) < 0)
        return r;
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr old = pool_lookup(h, name);
    if (old) {
        mc_step_record(s, "created", "no");
        return mc_error_set(err, -EEXIST, "pool '%s' exists on '%s'", name, h->spec.label);
    }
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolDefineXML(h->conn, xml, 0);
    if (!p)
        return mc_virt_error(err, 0, "cannot define pool '%s' on '%s'", name, h->spec.label);
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virStoragePoolGetUUIDString(p, uuid) == 0)
        mc_step_record(s, "uuid", uuid);
    return 0;
}

int mc_step_define_pool_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *name = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "name", &name, err)) < 0)
        return r;
    const char *created = mc_step_result(s, "created");
    if (created && strcmp(created, "no") == 0)
        return 0;
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr p = pool_lookup(h, name);
    if (!p)
        return 0;
    const char *want = mc_step_result(s, "uuid");
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (want && virStoragePoolGetUUIDString(p, uuid) == 0 && strcmp(uuid, want) != 0)
        return mc_error_set(err, -ESTALE,
                            "pool '%s' on '%s' is not the one this run defined: left as it is",
                            name, h->spec.label);
    if (virStoragePoolIsActive(p) == 1 && virStoragePoolDestroy(p) < 0)
        return mc_virt_error(err, 0, "cannot stop pool '%s' on '%s'", name, h->spec.label);
    if (virStoragePoolUndefine(p) < 0)
        return mc_virt_error(err, 0, "cannot undefine pool '%s' on '%s'", name, h->spec.label);
    return 0;
}

int mc_step_start_pool_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *name = NULL, *type = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "name", &name, err)) < 0 ||
        (r = need(s, "type", &type, err)) < 0)
        return r;
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr p = pool_lookup(h, name);
    if (!p)
        return mc_error_set(err, -ENOENT, "pool '%s' is not defined on '%s'", name, h->spec.label);
    if (strcmp(type, "netfs") == 0) {
        /* makes the mount point (the pool's target directory); no flags: for file-system pools
         * NO_OVERWRITE means "format the source device", which a netfs pool has not */
        if (virStoragePoolBuild(p, 0) < 0)
            return mc_virt_error(err, 0, "cannot build pool '%s' on '%s'", name, h->spec.label);
        mc_step_record(s, "built", "yes");
    }
    if (virStoragePoolCreate(p, 0) < 0)
        return mc_virt_error(err, 0, "cannot start pool '%s' on '%s'", name, h->spec.label);
    mc_step_record(s, "started", "yes");
    if (virStoragePoolSetAutostart(p, 1) < 0)
        return mc_virt_error(err, 0, "cannot autostart pool '%s' on '%s'", name, h->spec.label);
    return 0;
}

int mc_step_start_pool_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *name = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "name", &name, err)) < 0)
        return r;
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr p = pool_lookup(h, name);
    int autostart = 0;
    if (!p || virStoragePoolIsActive(p) != 1 || virStoragePoolIsPersistent(p) != 1 ||
        virStoragePoolGetAutostart(p, &autostart) < 0 || !autostart)
        return mc_error_set(err, -EIO,
                            "pool '%s' on '%s' is not active, persistent and autostarted", name,
                            h->spec.label);
    if (virStoragePoolRefresh(p, 0) < 0)
        return mc_virt_error(err, 0, "cannot refresh pool '%s' on '%s'", name, h->spec.label);
    return 0;
}

int mc_step_start_pool_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *name = NULL, *type = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "name", &name, err)) < 0 ||
        (r = need(s, "type", &type, err)) < 0)
        return r;
    _cleanup_(virStoragePoolFreep) virStoragePoolPtr p = pool_lookup(h, name);
    if (!p)
        return 0;
    int autostart = 0;
    if (virStoragePoolGetAutostart(p, &autostart) == 0 && autostart &&
        virStoragePoolSetAutostart(p, 0) < 0)
        return mc_virt_error(err, 0, "cannot turn off autostart of pool '%s' on '%s'", name,
                             h->spec.label);
    if (virStoragePoolIsActive(p) == 1 && virStoragePoolDestroy(p) < 0)
        return mc_virt_error(err, 0, "cannot stop pool '%s' on '%s'", name, h->spec.label);
    if (strcmp(type, "netfs") == 0) {
        /* the mount point build made: libvirt removes the (empty) directory */
        const char *built = mc_step_result(s, "built");
        if ((!built || strcmp(built, "yes") == 0) && virStoragePoolDelete(p, 0) < 0) {
            int code = mc_virt_last_code();
            if (code != VIR_ERR_NO_STORAGE_POOL && code != VIR_ERR_SYSTEM_ERROR)
                return mc_virt_error(err, 0, "cannot remove the mount point of pool '%s' on '%s'",
                                     name, h->spec.label);
            /* the directory was never made (or is gone) */
            virResetLastError();
        }
    }
    return 0;
}

/* ---- copy-image, rebase-image ---- */

int mc_step_copy_image_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *from = NULL, *ff = NULL, *to = NULL, *tf = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "from", &from, err)) < 0 ||
        (r = need(s, "from-format", &ff, err)) < 0 || (r = need(s, "to", &to, err)) < 0 ||
        (r = need(s, "to-format", &tf, err)) < 0)
        return r;
    const char *args[] = { from, ff, to, tf, NULL };
    struct mc_answer a = { 0 };
    double t0 = mc_now();
    if ((r = call(h, MC_OP_COPY_IMAGE, args, COPY_TIMEOUT_MS, &a, err)) < 0)
        return r;
    if (a.status != MC_REPLY_OK) {
        _cleanup_free_ char *what = mc_xasprintf("cannot copy '%s' to %s", from, to);
        r = answer_error(&a, h, what, err);
    } else {
        char secs[32];
        snprintf(secs, sizeof(secs), "%.3f", mc_now() - t0);
        mc_step_record(s, "seconds", secs);
    }
    mc_answer_clear(&a);
    return r;
}

/* The copy went into an image a create-disk-target step of the plan made, and that step's undo
 * removes it: nothing of the host's own was touched. */
int mc_step_nothing_to_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    (void)c, (void)s, (void)err;
    return 0;
}

int mc_step_rebase_image_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *img = NULL, *f = NULL, *b = NULL, *bf = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "image", &img, err)) < 0 ||
        (r = need(s, "format", &f, err)) < 0 || (r = need(s, "backing", &b, err)) < 0 ||
        (r = need(s, "backing-format", &bf, err)) < 0)
        return r;
    const char *args[] = { img, f, b, bf, NULL };
    struct mc_answer a = { 0 };
    if ((r = call(h, MC_OP_REBASE_IMAGE, args, CALL_TIMEOUT_MS, &a, err)) < 0)
        return r;
    if (a.status != MC_REPLY_OK) {
        _cleanup_free_ char *what = mc_xasprintf("cannot point %s at '%s'", img, b);
        r = answer_error(&a, h, what, err);
    }
    mc_answer_clear(&a);
    return r;
}

/* ---- block-copy, block-pivot, redefine-disk ---- */

static int domain_of(struct mc_apply_ctx *c, struct mc_host *h, virDomainPtr *ret,
                     struct mc_error *err)
{
    const struct mc_plan *p = c->plan;
    virDomainPtr d = p->uuid ? virDomainLookupByUUIDString(h->conn, p->uuid) : NULL;
    if (!d && p->domain) {
        virResetLastError();
        d = virDomainLookupByName(h->conn, p->domain);
    }
    if (!d)
        return mc_virt_error(err, 0, "cannot find domain '%s' on '%s'", p->domain ? p->domain : "?",
                             h->spec.label);
    *ret = d;
    return 0;
}

/* A disk's source as "file:PATH", "nfs:NAME@HOST", "iscsi:IQN/LUN@HOST" (for comparing). */
static char *source_key(xmlNodePtr disk)
{
    _cleanup_free_ char *type = mc_xml_prop(disk, "type");
    xmlNodePtr src = mc_xml_child(disk, "source");
    if (!type || !src)
        return NULL;
    if (strcmp(type, "file") == 0)
        return mc_xml_prop(src, "file");
    if (strcmp(type, "block") == 0)
        return mc_xml_prop(src, "dev");
    if (strcmp(type, "network") == 0) {
        _cleanup_free_ char *proto = mc_xml_prop(src, "protocol");
        _cleanup_free_ char *name = mc_xml_prop(src, "name");
        xmlNodePtr host = mc_xml_child(src, "host");
        _cleanup_free_ char *hn = host ? mc_xml_prop(host, "name") : NULL;
        return mc_xasprintf("%s:%s@%s", proto ? proto : "?", name ? name : "?", hn ? hn : "?");
    }
    if (strcmp(type, "volume") == 0) {
        _cleanup_free_ char *pool = mc_xml_prop(src, "pool");
        _cleanup_free_ char *vol = mc_xml_prop(src, "volume");
        return mc_xasprintf("volume:%s/%s", pool ? pool : "?", vol ? vol : "?");
    }
    return NULL;
}

static char *snippet_key(const char *xml)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_error_ struct mc_error e = { 0 };
    if (mc_xml_parse(xml, strlen(xml), "disk XML", &doc, &e) < 0)
        return NULL;
    return source_key(xmlDocGetRootElement(doc));
}

/* The running domain's disk target: its source key. */
static int live_source(virDomainPtr dom, const char *target, char **ret, struct mc_error *err)
{
    _cleanup_free_ char *xml = virDomainGetXMLDesc(dom, 0);
    if (!xml)
        return mc_virt_error(err, 0, "cannot read the domain's XML");
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(xml, strlen(xml), "domain XML", &doc, err);
    if (r < 0)
        return r;
    xmlNodePtr d = mc_xml_domain_disk(doc, target);
    if (!d)
        return mc_error_set(err, -ENOENT, "the domain has no disk %s", target);
    *ret = source_key(d);
    return *ret ? 0 : mc_error_set(err, -EINVAL, "disk %s has no source", target);
}

/* 1 while a block job runs on the disk, 0 when none; cur/end of it. */
static int job_of(virDomainPtr dom, const char *disk, unsigned long long *cur,
                  unsigned long long *end)
{
    virDomainBlockJobInfo info = { 0 };
    int r = virDomainGetBlockJobInfo(dom, disk, &info, 0);
    if (r < 0) {
        virResetLastError();
        return -EIO;
    }
    if (cur)
        *cur = info.cur;
    if (end)
        *end = info.end;
    return r;
}

/* Start a mirror of disk to xml and wait until it is in sync (ready to pivot). */
static int mirror(struct mc_apply_ctx *c, virDomainPtr dom, const char *disk, const char *xml,
                  bool shallow, struct mc_plan_step *s, struct mc_error *err)
{
    unsigned int flags = VIR_DOMAIN_BLOCK_COPY_REUSE_EXT | VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB;
    if (shallow)
        flags |= VIR_DOMAIN_BLOCK_COPY_SHALLOW;
    double t0 = mc_now();
    if (virDomainBlockCopy(dom, disk, xml, NULL, 0, flags) < 0)
        return mc_virt_error(err, 0, "cannot start copying disk %s", disk);
    if (s)
        mc_step_record(s, "started", "yes");
    unsigned long long cur = 0, end = 0;
    for (;;) {
        int j = job_of(dom, disk, &cur, &end);
        if (j == 0)
            return mc_error_set(err, -EIO,
                                "the copy of disk %s ended before it was in sync "
                                "(QEMU gave up: see the domain's log)",
                                disk);
        if (j > 0 && end > 0 && cur == end)
            break;
        if (stop_requested(c))
            return mc_error_set(err, -EINTR, "interrupted while copying disk %s", disk);
        sleep_ms(200);
    }
    if (s) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%.3f", mc_now() - t0);
        mc_step_record(s, "seconds", buf);
        snprintf(buf, sizeof(buf), "%llu", end);
        mc_step_record(s, "bytes", buf);
    }
    return 0;
}

/* Pivot to the mirror (retried while QEMU says it is not ready yet), then wait for the job. */
static int pivot(virDomainPtr dom, const char *disk, struct mc_error *err)
{
    double deadline = mc_now() + 120;
    while (virDomainBlockJobAbort(dom, disk, VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) < 0) {
        int code = mc_virt_last_code();
        if ((code != VIR_ERR_BLOCK_COPY_ACTIVE && code != VIR_ERR_OPERATION_INVALID) ||
            mc_now() > deadline)
            return mc_virt_error(err, 0, "cannot switch disk %s to its copy", disk);
        virResetLastError();
        sleep_ms(200);
    }
    while (job_of(dom, disk, NULL, NULL) > 0 && mc_now() < deadline)
        sleep_ms(100);
    return 0;
}

/* Cancel a mirror (the disk stays where it was); wait until the job is gone. */
static int cancel(virDomainPtr dom, const char *disk, struct mc_error *err)
{
    if (job_of(dom, disk, NULL, NULL) <= 0)
        return 0;
    if (virDomainBlockJobAbort(dom, disk, 0) < 0 && job_of(dom, disk, NULL, NULL) > 0)
        return mc_virt_error(err, 0, "cannot cancel the copy of disk %s", disk);
    double deadline = mc_now() + 60;
    while (job_of(dom, disk, NULL, NULL) > 0) {
        if (mc_now() > deadline)
            return mc_error_set(err, -ETIMEDOUT, "the copy of disk %s does not end", disk);
        sleep_ms(100);
    }
    return 0;
}

int mc_step_block_copy_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL, *xml = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0 ||
        (r = need(s, "xml", &xml, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    const char *sh = mc_step_param(s, "shallow");
    return mirror(c, dom, disk, xml, sh && strcmp(sh, "yes") == 0, s, err);
}

int mc_step_block_copy_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    if (virDomainIsActive(dom) != 1)
        return 0;
    return cancel(dom, disk, err);
}

int mc_step_block_pivot_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL, *xml = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0 ||
        (r = need(s, "xml", &xml, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    if ((r = pivot(dom, disk, err)) < 0)
        return r;
    mc_step_record(s, "pivoted", "yes");
    return 0;
}

int mc_step_block_pivot_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL, *xml = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0 ||
        (r = need(s, "xml", &xml, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    _cleanup_free_ char *now = NULL, *want = snippet_key(xml);
    if ((r = live_source(dom, disk, &now, err)) < 0)
        return r;
    if (!want || strcmp(now, want) != 0)
        return mc_error_set(err, -EIO, "disk %s runs from %s, not from %s", disk, now,
                            want ? want : "?");
    return 0;
}

/*
 * Back to the original: while the guest runs from the new image (it has written there since),
 * mirror it back onto the original image (still there, untouched since the pivot) and pivot
 * again: the guest never stops and loses nothing.
 */
int mc_step_block_pivot_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL, *xml = NULL, *orig = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0 ||
        (r = need(s, "xml", &xml, err)) < 0 || (r = need(s, "original", &orig, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    if (virDomainIsActive(dom) != 1)
        return mc_error_set(err, -ESRCH,
                            "domain '%s' no longer runs on '%s': its disk %s may be on the new "
                            "storage; redefine it by hand",
                            c->plan->domain ? c->plan->domain : "?", h->spec.label, disk);
    _cleanup_free_ char *now = NULL, *okey = snippet_key(orig);
    if ((r = live_source(dom, disk, &now, err)) < 0)
        return r;
    if (okey && strcmp(now, okey) == 0)
        return 0; /* never pivoted (a running mirror is block-copy's to cancel) */
    /* a copy back from an earlier attempt may still run: start over */
    if ((r = cancel(dom, disk, err)) < 0)
        return r;
    const char *sh = mc_step_param(s, "shallow");
    if ((r = mirror(c, dom, disk, orig, sh && strcmp(sh, "yes") == 0, NULL, err)) < 0) {
        _cleanup_error_ struct mc_error e2 = { 0 };
        (void)cancel(dom, disk, &e2);
        return mc_error_prefix(err, "cannot copy disk %s back to its original", disk);
    }
    if ((r = pivot(dom, disk, err)) < 0)
        return r;
    _cleanup_free_ char *after = NULL;
    if ((r = live_source(dom, disk, &after, err)) < 0)
        return r;
    if (!okey || strcmp(after, okey) != 0)
        return mc_error_set(err, -EIO, "disk %s runs from %s after copying it back, not from %s",
                            disk, after, okey ? okey : "?");
    return 0;
}

/* Set the persistent definition's disk to the <disk> snippet xml. */
static int redefine(struct mc_apply_ctx *c, struct mc_plan_step *s, const char *param,
                    struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *disk = NULL, *xml = NULL;
    int r;
    if ((r = conn_of(c, s, &h, err)) < 0 || (r = need(s, "disk", &disk, err)) < 0 ||
        (r = need(s, param, &xml, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
    if ((r = domain_of(c, h, &dom, err)) < 0)
        return r;
    if (virDomainIsPersistent(dom) != 1)
        return 0; /* a transient domain has no definition to change */
    _cleanup_free_ char *cur =
        virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (!cur)
        return mc_virt_error(err, 0, "cannot read the definition of '%s'", c->plan->domain);
    _cleanup_free_ char *edited = NULL;
    if ((r = mc_provision_edit_disk(cur, disk, xml, &edited, err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr d2 = virDomainDefineXML(h->conn, edited);
    if (!d2)
        return mc_virt_error(err, 0, "cannot redefine '%s' on '%s'", c->plan->domain,
                             h->spec.label);
    return 0;
}

int mc_step_redefine_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    return redefine(c, s, "xml", err);
}

int mc_step_redefine_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    return redefine(c, s, "undo-xml", err);
}
