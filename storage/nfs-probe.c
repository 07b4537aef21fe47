/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NFS probe through libnfs 4.0 (the Debian 12 API, engineering notes 3.2):
 * mount an export in userspace, stat a path, read a few bytes. libnfs's sync
 * calls honour nfs_set_timeout(); its connect does not, so reachability is
 * checked first with a bounded TCP connect (2049 for v4, the portmapper for v3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw-mount.h>

#include "probe.h"
#include "storage-internal.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

MC_DEFINE_CLEANUP(struct nfs_context *, nfs_destroy_context)
MC_DEFINE_CLEANUP(struct nfs_url *, nfs_destroy_url)

const char *mc_nfs_result_name(enum mc_nfs_result r)
{
    switch (r) {
    case MC_NFS_OK:
        return "ok";
    case MC_NFS_UNREACHABLE:
        return "unreachable";
    case MC_NFS_MOUNT_FAILED:
        return "mount-failed";
    case MC_NFS_NOT_FOUND:
        return "not-found";
    case MC_NFS_ACCESS:
        return "access-denied";
    default:
        return "error";
    }
}

void mc_nfs_probe_result_clear(struct mc_nfs_probe_result *r)
{
    if (!r)
        return;
    free(r->message);
    free(r->server);
    free(r->export_path);
    free(r->path);
    memset(r, 0, sizeof(*r));
}

static void set_failure(struct mc_nfs_probe_result *res, enum mc_nfs_result what, int err,
                        struct nfs_context *nfs)
{
    res->result = what;
    res->err = err < 0 ? -err : err;
    const char *m = nfs ? nfs_get_error(nfs) : NULL;
    res->message = mc_xstrdup(m && *m ? m : strerror(res->err));
}

int mc_nfs_probe(const char *server, const char *export_path, const char *path,
                 const struct mc_nfs_probe_opts *o, struct mc_nfs_probe_result *ret,
                 struct mc_error *reterr)
{
    static const struct mc_nfs_probe_opts dflt = { .uid = -1, .gid = -1 };
    if (!o)
        o = &dflt;
    if (!server || !*server || !export_path || export_path[0] != '/')
        return mc_error_set(reterr, -EINVAL, "invalid NFS export '%s:%s'", server ? server : "",
                            export_path ? export_path : "");
    int version = o->version ? o->version : 3;
    if (version != 3 && version != 4)
        return mc_error_set(reterr, -EINVAL, "invalid NFS version %d", version);
    int timeout = o->timeout_ms > 0 ? o->timeout_ms : 5000;
    size_t want = o->read_bytes ? o->read_bytes : 512;
    if (want > (1u << 20))
        want = 1u << 20;

    struct mc_nfs_probe_result res = { .bytes_read = -1, .uid = -1, .gid = -1 };
    res.server = mc_xstrdup(server);
    res.export_path = mc_xstrdup(export_path);
    res.path = mc_xstrdup(path && *path ? path : "/");

    /* v4 talks to 2049 only; v3 starts at the portmapper */
    int r = mc_storage_tcp_check(server, version == 4 ? 2049 : 111, timeout);
    if (r < 0) {
        set_failure(&res, MC_NFS_UNREACHABLE, r, NULL);
        *ret = res;
        return 0;
    }
    _cleanup_(nfs_destroy_contextp) struct nfs_context *nfs = nfs_init_context();
    if (!nfs) {
        mc_nfs_probe_result_clear(&res);
        return mc_error_set(reterr, -ENOMEM, "cannot create an NFS context");
    }
    nfs_set_timeout(nfs, timeout);
    nfs_set_autoreconnect(nfs, 0);
    if (version == 4 && nfs_set_version(nfs, 4 /* NFS_V4 */) < 0) {
        mc_nfs_probe_result_clear(&res);
        return mc_error_set(reterr, -ENOTSUP, "this libnfs cannot speak NFSv4");
    }
    if (o->uid >= 0)
        nfs_set_uid(nfs, (int)o->uid);
    if (o->gid >= 0)
        nfs_set_gid(nfs, (int)o->gid);

    r = nfs_mount(nfs, server, export_path);
    if (r < 0) {
        set_failure(&res, MC_NFS_MOUNT_FAILED, r, nfs);
        *ret = res;
        return 0;
    }
    struct nfs_stat_64 st;
    r = nfs_stat64(nfs, res.path, &st);
    if (r < 0) {
        set_failure(&res,
                    r == -ENOENT                  ? MC_NFS_NOT_FOUND
                    : r == -EACCES || r == -EPERM ? MC_NFS_ACCESS
                                                  : MC_NFS_ERROR,
                    r, nfs);
        (void)nfs_umount(nfs);
        *ret = res;
        return 0;
    }
    res.exists = true;
    res.uid = (int64_t)st.nfs_uid;
    res.gid = (int64_t)st.nfs_gid;
    res.mode = (int64_t)st.nfs_mode;
    res.size = (int64_t)st.nfs_size;
    if (S_ISREG(st.nfs_mode)) {
        struct nfsfh *fh = NULL;
        /* libnfs checks the mode with the server's ACCESS call, as for QEMU's open. */
        r = nfs_open(nfs, res.path, o->write ? O_RDWR : O_RDONLY, &fh);
        if (r == 0) {
            _cleanup_free_ char *buf = mc_xmalloc(want);
            r = nfs_pread(nfs, fh, 0, want, buf);
            nfs_close(nfs, fh);
        }
        if (r < 0) {
            set_failure(&res, r == -EACCES || r == -EPERM ? MC_NFS_ACCESS : MC_NFS_ERROR, r, nfs);
            (void)nfs_umount(nfs);
            *ret = res;
            return 0;
        }
        res.bytes_read = r;
    }
    (void)nfs_umount(nfs);
    res.result = MC_NFS_OK;
    *ret = res;
    return 0;
}

int mc_nfs_probe_url(const char *url, const struct mc_nfs_probe_opts *o,
                     struct mc_nfs_probe_result *ret, struct mc_error *reterr)
{
    _cleanup_(nfs_destroy_contextp) struct nfs_context *nfs = nfs_init_context();
    if (!nfs)
        return mc_error_set(reterr, -ENOMEM, "cannot create an NFS context");
    _cleanup_(nfs_destroy_urlp) struct nfs_url *u = nfs_parse_url_full(nfs, url);
    if (!u || !u->server || !u->path || !u->file)
        return mc_error_set(reterr, -EINVAL, "invalid NFS URL '%s': %s", url,
                            nfs_get_error(nfs) ? nfs_get_error(nfs) : "cannot parse");
    return mc_nfs_probe(u->server, u->path, u->file, o, ret, reterr);
}

int mc_nfs_exports(const char *server, int timeout_ms, char ***ret, struct mc_error *reterr)
{
    if (!server || !*server)
        return mc_error_set(reterr, -EINVAL, "no NFS server given");
    /* mount_getexports has no timeout of its own: check the portmapper first */
    int r = mc_storage_tcp_check(server, 111, timeout_ms > 0 ? timeout_ms : 5000);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot reach the portmapper of '%s': %s", server,
                            strerror(-r));
    struct exportnode *ex = mount_getexports(server);
    if (!ex) {
        /* NULL is also an empty list: say so only when the server answered */
        *ret = NULL;
        return 0;
    }
    char **v = NULL;
    size_t n = 0;
    for (struct exportnode *e = ex; e && n < 4096; e = e->ex_next, n++)
        if (e->ex_dir)
            mc_strv_add(&v, e->ex_dir);
    mount_free_export_list(ex);
    *ret = v;
    return 0;
}
