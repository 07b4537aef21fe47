/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "relate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

const char *mc_version_string(int64_t v, char buf[static 32])
{
    if (v <= 0) {
        snprintf(buf, 32, "unknown");
        return buf;
    }
    snprintf(buf, 32, "%lld.%lld.%lld", (long long)(v / 1000000), (long long)(v / 1000 % 1000),
             (long long)(v % 1000));
    return buf;
}

bool mc_host_has_address(const struct mc_host_facts *h, const char *addr)
{
    if (!h || !addr)
        return false;
    for (size_t i = 0; i < h->net.n_addrs; i++)
        if (h->net.addrs[i].address && strcmp(h->net.addrs[i].address, addr) == 0)
            return true;
    return false;
}

/* "a/b" from "/x/a/b" relative to "/x"; "" when equal. NULL when not under. */
static const char *rel_under(const char *base, const char *path)
{
    size_t n = strlen(base);
    while (n > 1 && base[n - 1] == '/')
        n--;
    if (n == 1 && base[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(base, path, n) != 0)
        return NULL;
    if (path[n] == '\0')
        return path + n;
    if (path[n] != '/')
        return NULL;
    return path + n + 1;
}

static char *join(const char *a, const char *b)
{
    if (!b || !*b)
        return mc_xstrdup(a);
    size_t n = strlen(a);
    if (n && a[n - 1] == '/')
        return mc_xasprintf("%s%s", a, b);
    return mc_xasprintf("%s/%s", a, b);
}

static const char *store_kind(const struct mc_mount *m)
{
    const char *t = m->fstype ? m->fstype : "";
    if (strcmp(t, "nfs") == 0 || strcmp(t, "nfs4") == 0)
        return "nfs";
    if (strcmp(t, "cifs") == 0 || strcmp(t, "smb3") == 0 || strcmp(t, "smbfs") == 0)
        return "cifs";
    if (strcmp(t, "gfs2") == 0 || strcmp(t, "gfs") == 0)
        return "gfs2";
    if (strcmp(t, "ocfs2") == 0)
        return "ocfs2";
    if (strcmp(t, "ceph") == 0 || strcmp(t, "fuse.cephfs") == 0)
        return "ceph";
    if (strcmp(t, "glusterfs") == 0 || strcmp(t, "fuse.glusterfs") == 0)
        return "glusterfs";
    if (m->netfs || mc_fstype_is_netfs(t))
        return t;
    return "local";
}

/* The lock table of a GFS2 mount: its option, or the host's /sys/fs/gfs2 entry by devno. */
static const char *gfs2_locktable(const struct mc_host_facts *h, const struct mc_mount *m)
{
    if (m->locktable)
        return m->locktable;
    for (size_t i = 0; m->devno && i < h->storage.n_gfs2; i++)
        if (h->storage.gfs2[i].devno && strcmp(h->storage.gfs2[i].devno, m->devno) == 0)
            return h->storage.gfs2[i].locktable;
    return NULL;
}

/*
 * A mount as (store key, base): the key names the store independent of the
 * host (NFS server address, lock table, device), the base is where the mount
 * starts inside that store (export path, bind-mount root).
 */
static void mount_key(const struct mc_host_facts *h, const struct mc_mount *m, char **ret_key,
                      const char **ret_base)
{
    const char *kind = store_kind(m);
    *ret_base = m->root && *m->root ? m->root : "/";
    if (strcmp(kind, "nfs") == 0) {
        const char *server = m->server_addr ? m->server_addr : m->server;
        *ret_key = mc_xasprintf("nfs:%s", server ? server : "?");
        *ret_base = m->export_path ? m->export_path : "/";
    } else if (strcmp(kind, "gfs2") == 0) {
        const char *lt = gfs2_locktable(h, m);
        *ret_key = lt ? mc_xasprintf("gfs2:%s", lt) : mc_xasprintf("gfs2-dev:%s", m->source);
    } else if (strcmp(kind, "local") == 0) {
        *ret_key =
            mc_xasprintf("local:%s:%s", m->fstype ? m->fstype : "?", m->source ? m->source : "?");
    } else {
        *ret_key = mc_xasprintf("%s:%s", kind, m->source ? m->source : "?");
    }
}

void mc_relate_store_for_path(const struct mc_host_facts *h, const char *path, struct mc_store *ret)
{
    memset(ret, 0, sizeof(*ret));
    const struct mc_mount *m = mc_mounts_find_for_path(h->mounts, h->n_mounts, path);
    if (!m) {
        ret->kind = mc_xstrdup("unknown");
        return;
    }
    char *key;
    const char *base;
    mount_key(h, m, &key, &base);
    ret->kind = mc_xstrdup(store_kind(m));
    ret->identity = strcmp(base, "/") == 0 ? key : mc_xasprintf("%s:%s", key, base);
    if (ret->identity != key)
        free(key);
    ret->mount_target = mc_xstrdup_or_null(m->target);
    ret->mount_root = mc_xstrdup_or_null(m->root);
    ret->fstype = mc_xstrdup_or_null(m->fstype);
    ret->shared_fs = m->shared || mc_fstype_is_shared(m->fstype);
    ret->cluster_fs = m->clusterfs || mc_fstype_is_cluster(m->fstype);
    if (strcmp(ret->kind, "nfs") == 0)
        ret->server = mc_xstrdup_or_null(m->server_addr ? m->server_addr : m->server);
    else if (strcmp(ret->kind, "cifs") == 0 && m->source && mc_str_startswith(m->source, "//")) {
        const char *s = m->source + 2;
        ret->server = mc_xstrndup(s, strcspn(s, "/"));
    }
}

char *mc_relate_network_identity(const struct mc_disk *d)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    mc_buf_printf(&b, "%s://", d->protocol ? d->protocol : "?");
    for (size_t i = 0; i < d->n_hosts; i++) {
        if (i)
            mc_buf_putc(&b, ',');
        const char *n = d->hosts[i].name ? d->hosts[i].name : "";
        if (strchr(n, ':'))
            mc_buf_printf(&b, "[%s]", n);
        else
            mc_buf_puts(&b, n);
        if (d->hosts[i].port)
            mc_buf_printf(&b, ":%lld", (long long)d->hosts[i].port);
    }
    const char *name = d->source_name ? d->source_name : "";
    mc_buf_printf(&b, "%s%s", name[0] == '/' ? "" : "/", name);
    return mc_buf_steal(&b);
}

const struct mc_pool *mc_relate_pool_for_path(const struct mc_virt_facts *v, const char *path)
{
    const struct mc_pool *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; path && i < v->n_pools; i++) {
        const char *t = v->pools[i].target_path;
        if (!t || !rel_under(t, path))
            continue;
        if (strlen(t) > best_len) {
            best = &v->pools[i];
            best_len = strlen(t);
        }
    }
    return best;
}

static void add_candidate(struct mc_vm_path *p, const char *c)
{
    if (!mc_strv_contains(p->candidates, c))
        mc_strv_add(&p->candidates, c);
}

/* Where DST may see the file at src_path, by the identity of the stores. */
struct ranked {
    char *path;
    size_t mount_len;
    const struct mc_mount *mount;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    /* The most specific mount first: a bind mount of a directory beats the root fs. */
    return x->mount_len < y->mount_len ? 1 : x->mount_len > y->mount_len ? -1 : 0;
}

/* Where DST may see the file at src_path, by the identity of the stores. */
static void file_candidates(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                            struct mc_vm_path *p)
{
    const char *path = p->src_path;
    add_candidate(p, path);
    const struct mc_mount *sm = mc_mounts_find_for_path(src->mounts, src->n_mounts, path);
    if (!sm || !dst)
        return;
    const char *rel = rel_under(sm->target, path);
    if (!rel)
        return;
    _cleanup_free_ char *skey = NULL;
    const char *sbase;
    mount_key(src, sm, &skey, &sbase);
    _cleanup_free_ char *fsrel = join(sbase, rel); /* the path inside the store */
    bool by_identity = strcmp(store_kind(sm), "local") != 0;

    struct ranked *rk = NULL;
    size_t nrk = 0;
    for (size_t i = 0; i < dst->n_mounts; i++) {
        const struct mc_mount *dm = &dst->mounts[i];
        if (!dm->target)
            continue;
        _cleanup_free_ char *dkey = NULL;
        const char *dbase;
        mount_key(dst, dm, &dkey, &dbase);
        if (strcmp(skey, dkey) != 0)
            continue;
        const char *drel = rel_under(dbase, fsrel);
        if (!drel)
            continue;
        char *cand = join(dm->target, drel);
        /* The topmost mount at that path must be this one, or the path shows something else. */
        if (mc_mounts_find_for_path(dst->mounts, dst->n_mounts, cand) != dm) {
            free(cand);
            continue;
        }
        struct ranked *x = MC_APPEND(rk, nrk);
        x->path = cand;
        x->mount_len = strlen(dm->target);
        x->mount = dm;
    }
    if (nrk)
        qsort(rk, nrk, sizeof(*rk), cmp_ranked);
    for (size_t i = 0; i < nrk; i++) {
        add_candidate(p, rk[i].path);
        if (by_identity && (!p->dst_path || strcmp(rk[i].path, path) == 0)) {
            free(p->dst_path);
            p->dst_path = mc_xstrdup(rk[i].path);
            p->evidence = MC_EVIDENCE_IDENTITY;
            free(p->evidence_detail);
            p->evidence_detail =
                mc_xasprintf("'%s' on the destination mounts the same %s store "
                             "(%s)",
                             rk[i].mount->target, store_kind(sm), skey + strcspn(skey, ":") + 1);
        }
    }
    for (size_t i = 0; i < nrk; i++)
        free(rk[i].path);
    free(rk);
    if (by_identity && p->evidence == MC_EVIDENCE_UNSET) {
        /* A network file system DST does not mount: the file is not there. */
        p->evidence = MC_EVIDENCE_ABSENT;
        p->evidence_detail = mc_xasprintf("the destination does not mount %s", skey);
    }
}

static const struct mc_blockdev *find_blockdev(const struct mc_host_facts *h, const char *path)
{
    for (size_t i = 0; path && i < h->storage.n_blockdevs; i++) {
        const struct mc_blockdev *b = &h->storage.blockdevs[i];
        if (b->path && strcmp(b->path, path) == 0)
            return b;
    }
    return NULL;
}

static const char *blockdev_id(const struct mc_blockdev *b)
{
    if (!b)
        return NULL;
    if (b->wwn)
        return b->wwn;
    if (b->dm_uuid)
        return b->dm_uuid;
    return b->serial;
}

static void relate_block(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                         struct mc_vm_path *p)
{
    const struct mc_blockdev *sb = find_blockdev(src, p->src_path);
    const char *sid = blockdev_id(sb);
    p->src_store.kind = mc_xstrdup("block");
    if (sb && sb->transport)
        p->src_store.fstype = mc_xstrdup(sb->transport);
    if (sid)
        p->src_store.identity = mc_xasprintf("wwn:%s", sid);
    add_candidate(p, p->src_path);
    if (!dst)
        return;
    const struct mc_blockdev *db = find_blockdev(dst, p->src_path);
    const char *did = blockdev_id(db);
    if (sid && did) {
        if (strcmp(sid, did) == 0) {
            p->dst_path = mc_xstrdup(p->src_path);
            p->evidence = MC_EVIDENCE_IDENTITY;
            p->evidence_detail = mc_xasprintf("the same device (%s) on both hosts", sid);
        } else {
            p->evidence = MC_EVIDENCE_ABSENT;
            p->evidence_detail =
                mc_xasprintf("'%s' is a different device on the destination (%s, not %s)",
                             p->src_path, did, sid);
        }
        p->dst_store.kind = mc_xstrdup("block");
        p->dst_store.identity = mc_xasprintf("wwn:%s", did);
    }
}

static void relate_file(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                        struct mc_vm_path *p)
{
    mc_relate_store_for_path(src, p->src_path, &p->src_store);
    file_candidates(src, dst, p);
    if (dst && p->dst_path) {
        mc_relate_store_for_path(dst, p->dst_path, &p->dst_store);
    }
}

static struct mc_vm_path *new_path(struct mc_pair_facts *rel, const char *subject, const char *role,
                                   const char *target)
{
    struct mc_vm_path *p = MC_APPEND(rel->paths, rel->n_paths);
    p->subject = mc_xstrdup(subject);
    p->role = mc_xstrdup(role);
    p->target = mc_xstrdup_or_null(target);
    return p;
}

static void relate_disk(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                        const struct mc_disk *d, struct mc_pair_facts *rel)
{
    const char *device = d->device ? d->device : "disk";
    const char *type = d->type ? d->type : "file";
    bool network = strcmp(type, "network") == 0;
    if (!network && !d->source && !(d->pool && d->volume))
        return; /* empty CD-ROM or floppy */
    /* A vhost-user-blk disk's source is its backend's socket, no image: the host path the domain
     * parser recorded for it (vm.host-paths) is what DST needs. */
    if (strcmp(type, "vhostuser") == 0)
        return;

    _cleanup_free_ char *subject = mc_xasprintf("%s %s", device, d->target ? d->target : "?");
    struct mc_vm_path *p = new_path(rel, subject, device, d->target);
    p->disk_type = mc_xstrdup(type);
    p->readonly = d->readonly || strcmp(device, "cdrom") == 0;
    p->shareable = d->shareable;
    p->cache = mc_xstrdup_or_null(d->cache);

    if (network) {
        p->protocol = mc_xstrdup_or_null(d->protocol);
        p->src_path = mc_relate_network_identity(d);
        p->src_store.kind = mc_xstrdup("network");
        p->src_store.fstype = mc_xstrdup_or_null(d->protocol);
        p->src_store.identity = mc_xstrdup(p->src_path);
        if (d->n_hosts && d->hosts[0].name)
            p->src_store.server = mc_xstrdup(d->hosts[0].name);
    } else if (strcmp(type, "volume") == 0) {
        const struct mc_pool *sp = mc_virt_find_pool(&src->virt, d->pool);
        p->src_store.kind = mc_xasprintf("pool:%s", sp && sp->type ? sp->type : "?");
        if (sp && sp->target_path && d->volume) {
            p->src_path = join(sp->target_path, d->volume);
            p->src_store.identity = mc_xasprintf(
                "pool:%s:%s:%s", sp->type ? sp->type : "?", sp->source_host ? sp->source_host : "",
                sp->source_dir      ? sp->source_dir
                : sp->source_device ? sp->source_device
                                    : (sp->source_name ? sp->source_name : ""));
        } else {
            p->src_path =
                mc_xasprintf("%s/%s", d->pool ? d->pool : "?", d->volume ? d->volume : "?");
        }
        const struct mc_pool *dp = dst ? mc_virt_find_pool(&dst->virt, d->pool) : NULL;
        if (dp && sp && dp->target_path && d->volume) {
            _cleanup_free_ char *cand = join(dp->target_path, d->volume);
            add_candidate(p, cand);
            bool same_source = sp->type && dp->type && strcmp(sp->type, dp->type) == 0 &&
                               sp->source_host && dp->source_host &&
                               strcmp(sp->source_host, dp->source_host) == 0;
            if (same_source) {
                p->dst_path = mc_xstrdup(cand);
                p->evidence = MC_EVIDENCE_IDENTITY;
                p->evidence_detail = mc_xasprintf("pool '%s' on the destination has the same "
                                                  "source (%s)",
                                                  d->pool, sp->source_host);
            }
        } else if (dst && !dp) {
            p->evidence = MC_EVIDENCE_ABSENT;
            p->evidence_detail =
                mc_xasprintf("the destination has no storage pool '%s'", d->pool ? d->pool : "?");
        }
    } else if (strcmp(type, "block") == 0) {
        p->src_path = mc_xstrdup(d->source);
        relate_block(src, dst, p);
    } else {
        p->src_path = mc_xstrdup(d->source);
        relate_file(src, dst, p);
    }

    /* Backing files are opened read-only by QEMU on the destination too. */
    size_t k = 0;
    STRV_FOREACH (b, d->backing) {
        k++;
        _cleanup_free_ char *bs = mc_xasprintf("%s backing %zu", subject, k);
        struct mc_vm_path *bp = new_path(rel, bs, "backing", d->target);
        bp->readonly = true;
        if (strstr(*b, "://")) {
            bp->disk_type = mc_xstrdup("network");
            bp->src_path = mc_xstrdup(*b);
            bp->src_store.kind = mc_xstrdup("network");
            bp->src_store.identity = mc_xstrdup(*b);
        } else {
            bp->disk_type = mc_xstrdup("file");
            bp->src_path = mc_xstrdup(*b);
            relate_file(src, dst, bp);
        }
    }
}

/* Who creates a file of this kind on DST, as a user name and ids (-1 when unknown). */
static void creator_of(const struct mc_host_facts *dst, const char *creator,
                       struct mc_host_path *hp)
{
    const struct mc_qemu_conf *q = dst ? &dst->virt.qemu_conf : NULL;
    const struct mc_os_facts *os = dst ? &dst->os : NULL;
    bool qemu = creator && strcmp(creator, "qemu") == 0;
    /* stdio_handler = "file": QEMU opens chardev outputs and logs itself. */
    if (creator && strcmp(creator, "logd") == 0 && q && q->stdio_handler &&
        strcmp(q->stdio_handler, "file") == 0)
        qemu = true;
    if (!qemu) {
        hp->creator = mc_xstrdup(creator && strcmp(creator, "logd") == 0 ? "root (virtlogd)"
                                                                         : "root (libvirtd)");
        hp->uid = 0;
        hp->gid = 0;
        return;
    }
    hp->creator = mc_xstrdup(os && os->qemu_user ? os->qemu_user : "qemu user");
    hp->uid = os && os->qemu_uid_known ? os->qemu_uid : -1;
    hp->gid = os && os->qemu_uid_known ? os->qemu_gid : -1;
}

char *mc_relate_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return mc_xstrdup("/");
    return mc_xstrndup(path, (size_t)(slash - path));
}

/* Paths QEMU or libvirt creates on DST or that must exist there (vm->files with an action). */
static void relate_host_paths(const struct mc_host_facts *dst, const struct mc_vm_facts *vm,
                              struct mc_pair_facts *rel)
{
    for (size_t i = 0; i < vm->n_files; i++) {
        const struct mc_vm_file *f = &vm->files[i];
        if (!f->action || strcmp(f->action, "open") == 0 || !f->path)
            continue;
        struct mc_host_path *hp = MC_APPEND(rel->host_paths, rel->n_host_paths);
        hp->subject = mc_xstrdup(f->subject ? f->subject : f->role);
        hp->role = mc_xstrdup_or_null(f->role);
        hp->action = mc_xstrdup(f->action);
        hp->path = mc_xstrdup(f->path);
        hp->uid = hp->gid = -1;
        hp->size = f->size;
        bool creates = strcmp(f->action, "create") == 0 || strcmp(f->action, "bind") == 0;
        if (creates) {
            hp->dir = mc_relate_dir_of(f->path);
            creator_of(dst, f->creator, hp);
        }
    }
}

bool mc_relate_file_opened(const struct mc_vm_file *f)
{
    /* Files QEMU opens on the destination as they are. Logs, character device outputs and
     * shared memory are created there; the TPM state travels in the migration stream. */
    static const char *const opened[] = { "loader", "nvram",      "nvram-template",
                                          "kernel", "initrd",     "dtb",
                                          "rom",    "filesystem", "tpm-device",
                                          "fwcfg",  NULL };
    if (!f->path || f->path[0] != '/' || !f->role || (f->action && strcmp(f->action, "open")))
        return false;
    for (size_t k = 0; opened[k]; k++)
        if (strcmp(f->role, opened[k]) == 0)
            return true;
    return false;
}

/*
 * File-backed guest RAM (<memoryBacking><source type='file'/>, no huge pages: those come from
 * hugetlbfs, virt.hugepages): when QEMU starts on DST, libvirt (root) makes the domain's own
 * directory under DST's memory_backing_dir, with any missing parents (g_mkdir_with_parents), and
 * QEMU creates the RAM file in it (memory-backend-file). The contents travel in the migration
 * stream, so nothing needs to be shared; the directory must be creatable there.
 */
static void relate_memory_backing(const struct mc_host_facts *dst, const struct mc_vm_facts *vm,
                                  struct mc_pair_facts *rel)
{
    if (!dst || vm->hugepages || !vm->memory_source || strcmp(vm->memory_source, "file") != 0)
        return;
    const struct mc_qemu_conf *q = &dst->virt.qemu_conf;
    const char *dir = q->memory_backing_dir;
    if ((!dir || !*dir) && q->readable)
        dir = MC_MEMORY_BACKING_DIR_DEFAULT;
    struct mc_host_path *hp = MC_APPEND(rel->host_paths, rel->n_host_paths);
    hp->subject = mc_xstrdup("memory backing");
    hp->role = mc_xstrdup("memory-backing-dir");
    hp->action = mc_xstrdup("mkdir");
    creator_of(dst, "libvirt", hp);
    /* Not known where DST's qemu.conf could not be read (or names no absolute path): nothing to
     * probe, the rule says so. */
    if (dir && dir[0] == '/') {
        hp->path = mc_xstrdup(dir);
        hp->dir = mc_xstrdup(dir);
    }
}

/* A TLS credentials file QEMU loads on DST when it starts there. */
static void add_tls_file(struct mc_pair_facts *rel, const char *subject, const char *dir,
                         const char *file)
{
    struct mc_host_path *hp = MC_APPEND(rel->host_paths, rel->n_host_paths);
    hp->subject = mc_xstrdup(subject);
    hp->role = mc_xstrdup("tls-cert");
    hp->action = mc_xstrdup("exists");
    hp->path = mc_xasprintf("%s/%s", dir, file);
    hp->uid = hp->gid = -1;
}

/*
 * QEMU's tls-creds-x509 object reads its directory at start (crypto/tlscredsx509.c): the CA
 * certificate always, a server's certificate and key; a client's own certificate is
 * optional, and so are the CRL and DH parameters.
 */
static void add_tls_needs(struct mc_pair_facts *rel, const char *subject, const char *dir,
                          bool server)
{
    if (!dir || dir[0] != '/')
        return;
    add_tls_file(rel, subject, dir, "ca-cert.pem");
    if (server) {
        add_tls_file(rel, subject, dir, "server-cert.pem");
        add_tls_file(rel, subject, dir, "server-key.pem");
    }
}

static bool tls_on(const char *attr, bool conf_default)
{
    return attr ? strcmp(attr, "yes") == 0 : conf_default;
}

/*
 * What DST's qemu.conf makes QEMU load there for this domain: VNC and SPICE displays with
 * vnc_tls / spice_tls, TCP character devices with tls='yes' or (no tls=) chardev_tls, NBD disks
 * with tls='yes' or (no tls=) nbd_tls. A tls= that came from the source's qemu.conf is not in
 * the migratable XML, so DST's own settings decide, as they will there.
 */
static void relate_tls(const struct mc_host_facts *dst, const struct mc_vm_facts *vm,
                       struct mc_pair_facts *rel)
{
    if (!dst)
        return;
    const struct mc_qemu_conf *q = &dst->virt.qemu_conf;
    for (size_t i = 0; i < vm->n_graphics; i++) {
        const char *t = vm->graphics[i].type;
        if (t && strcmp(t, "vnc") == 0 && q->vnc_tls)
            add_tls_needs(rel, "graphics vnc", q->vnc_tls_dir, true);
        else if (t && strcmp(t, "spice") == 0 && q->spice_tls)
            add_tls_needs(rel, "graphics spice", q->spice_tls_dir, true);
    }
    for (size_t i = 0; i < vm->n_chardevs; i++) {
        const struct mc_chardev *c = &vm->chardevs[i];
        if (!c->type || strcmp(c->type, "tcp") != 0 || !tls_on(c->tls, q->chardev_tls))
            continue;
        _cleanup_free_ char *subject =
            mc_xasprintf("%s%s%s", c->kind ? c->kind : "chardev", c->target_name ? " " : "",
                         c->target_name ? c->target_name : "");
        add_tls_needs(rel, subject, q->chardev_tls_dir, c->mode && strcmp(c->mode, "bind") == 0);
    }
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        if (!d->protocol || strcmp(d->protocol, "nbd") != 0 || !tls_on(d->tls, q->nbd_tls))
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("disk %s", d->target ? d->target : "?");
        add_tls_needs(rel, subject, q->nbd_tls_dir, false);
    }
}

void mc_relate_paths(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                     const struct mc_vm_facts *vm, struct mc_pair_facts *rel)
{
    for (size_t i = 0; i < rel->n_paths; i++)
        mc_struct_clear(&mc_desc_vm_path, &rel->paths[i]);
    free(rel->paths);
    rel->paths = NULL;
    rel->n_paths = 0;
    for (size_t i = 0; i < rel->n_host_paths; i++)
        mc_struct_clear(&mc_desc_host_path, &rel->host_paths[i]);
    free(rel->host_paths);
    rel->host_paths = NULL;
    rel->n_host_paths = 0;
    if (!vm || !src)
        return;
    relate_host_paths(dst, vm, rel);
    relate_memory_backing(dst, vm, rel);
    relate_tls(dst, vm, rel);
    for (size_t i = 0; i < vm->n_disks; i++)
        relate_disk(src, dst, &vm->disks[i], rel);
    for (size_t i = 0; i < vm->n_files; i++) {
        const struct mc_vm_file *f = &vm->files[i];
        if (!mc_relate_file_opened(f))
            continue;
        struct mc_vm_path *p =
            new_path(rel, f->role ? f->role : "file", f->role ? f->role : "file", NULL);
        p->disk_type = mc_xstrdup("file");
        p->readonly = f->readonly;
        p->src_path = mc_xstrdup(f->path);
        relate_file(src, dst, p);
    }
}
