/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage transports from sysfs, read through a source: iSCSI sessions,
 * Fibre Channel hosts and remote ports, SRP hosts, GFS2 lock tables and the
 * block devices a VM uses. Everything here may come from a remote host and
 * is untrusted: every value is bounded, every listing is walked once.
 *
 * Layouts (kernel sources, drivers/scsi/scsi_transport_{iscsi,fc,srp}.c,
 * drivers/infiniband/ulp/srp/ib_srp.c, fs/gfs2/sys.c, block/genhd.c):
 *   /sys/class/iscsi_session/sessionN/{targetname,state,initiatorname,tpgt}
 *   /sys/class/iscsi_session/sessionN/device -> .../hostH/sessionN
 *       .../sessionN/targetH:C:T/H:C:T:L/block/sdX
 *   /sys/class/iscsi_connection/connectionN:C/{persistent_address,persistent_port}
 *   /sys/class/fc_host/hostH/{port_name,node_name,port_state,fabric_name,speed}
 *   /sys/class/fc_remote_ports/rport-H:B-R/{port_name,node_name,port_state,roles,scsi_target_id}
 *   /sys/class/srp_host/hostH, /sys/class/scsi_host/hostH/{local_ib_device,local_ib_port}
 *   /sys/class/srp_remote_ports/port-H:R/port_id
 *   /sys/class/infiniband_srp/srp-<ibdev>-<port>/{ibdev,port}
 *   /sys/fs/gfs2/<cluster:fsname>/id  ("major:minor" of the file system)
 *   /sys/class/block/X -> ../../devices/.../X; X/{dev,size,wwid,serial,partition}
 *       X/device/{wwid,vendor,model,serial,transport}, X/dm/{uuid,name}, X/slaves/
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage-internal.h"
#include "storage.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Bounds for untrusted listings. */
#define MAX_ENTRIES 4096

const char *const mc_storage_probe_spec[] = {
    "T /etc/iscsi/initiatorname.iscsi",
    "D /sys/class/iscsi_session",
    "F /sys/class/iscsi_session/session*/targetname",
    "F /sys/class/iscsi_session/session*/state",
    "F /sys/class/iscsi_session/session*/initiatorname",
    "F /sys/class/iscsi_session/session*/tpgt",
    "D /sys/class/iscsi_session/session*/device",
    "D /sys/class/iscsi_session/session*/device/target*",
    "D /sys/class/iscsi_session/session*/device/target*/*:*:*:*/block",
    "D /sys/class/iscsi_connection",
    "F /sys/class/iscsi_connection/connection*/persistent_address",
    "F /sys/class/iscsi_connection/connection*/persistent_port",
    "D /sys/class/fc_host",
    "F /sys/class/fc_host/host*/port_name",
    "F /sys/class/fc_host/host*/node_name",
    "F /sys/class/fc_host/host*/port_state",
    "F /sys/class/fc_host/host*/fabric_name",
    "F /sys/class/fc_host/host*/speed",
    "D /sys/class/fc_remote_ports",
    "F /sys/class/fc_remote_ports/rport-*/port_name",
    "F /sys/class/fc_remote_ports/rport-*/node_name",
    "F /sys/class/fc_remote_ports/rport-*/port_state",
    "F /sys/class/fc_remote_ports/rport-*/roles",
    "F /sys/class/fc_remote_ports/rport-*/scsi_target_id",
    "D /sys/class/srp_host",
    "F /sys/class/scsi_host/host*/local_ib_device",
    "F /sys/class/scsi_host/host*/local_ib_port",
    "D /sys/class/srp_remote_ports",
    "F /sys/class/srp_remote_ports/port-*/port_id",
    "D /sys/class/infiniband_srp",
    "F /sys/class/infiniband_srp/srp-*/ibdev",
    "F /sys/class/infiniband_srp/srp-*/port",
    "D /sys/fs/gfs2",
    "F /sys/fs/gfs2/*/id",
    /* block devices of a VM: links to resolve, then the device's attributes */
    "L /dev/*",
    "L /dev/*/*",
    "L /dev/disk/*/*",
    "L /sys/class/block/*",
    "L /sys/dev/block/*",
    "F /sys/class/block/*/dev",
    "F /sys/class/block/*/size",
    "F /sys/class/block/*/partition",
    "F /sys/class/block/*/wwid",
    "F /sys/class/block/*/serial",
    "F /sys/class/block/*/device/wwid",
    "F /sys/class/block/*/device/vendor",
    "F /sys/class/block/*/device/model",
    "F /sys/class/block/*/device/serial",
    "F /sys/class/block/*/device/transport",
    "F /sys/class/block/*/dm/uuid",
    "F /sys/class/block/*/dm/name",
    "D /sys/class/block/*/slaves",
    NULL,
};

/* ---- helpers ---- */

char *mc_storage_attr(struct mc_source *src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *path = mc_xvasprintf(fmt, ap);
    va_end(ap);
    char *buf = NULL;
    if (mc_source_read(src, path, MC_SYSFS_ATTR_MAX, &buf, NULL) < 0)
        return NULL;
    /* first line, trimmed; sysfs values never hold NUL or more than one line we want */
    buf[strcspn(buf, "\n")] = '\0';
    mc_strip_trailing(buf);
    char *p = buf;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p) {
        free(buf);
        return NULL;
    }
    if (p != buf)
        memmove(buf, p, strlen(p) + 1);
    return buf;
}

const char *mc_path_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Fold "a/b/../c/./d" into "/a/c/d" (absolute paths only). */
static char *normalize(const char *path)
{
    _cleanup_strv_free_ char **parts = mc_strv_split(path, "/");
    char **out = mc_new0(char *, mc_strv_length(parts) + 1);
    size_t n = 0;
    STRV_FOREACH (p, parts) {
        if (strcmp(*p, ".") == 0)
            continue;
        if (strcmp(*p, "..") == 0) {
            if (n > 0)
                n--;
            continue;
        }
        out[n++] = *p;
    }
    struct mc_buf b = MC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        mc_buf_putc(&b, '/');
        mc_buf_puts(&b, out[i]);
    }
    free(out);
    if (n == 0)
        mc_buf_putc(&b, '/');
    return mc_buf_steal(&b);
}

char *mc_storage_resolve(struct mc_source *src, const char *path)
{
    char *cur = normalize(path);
    for (int hop = 0; hop < 16; hop++) {
        char *target = NULL;
        if (mc_source_readlink(src, cur, &target) < 0)
            break;
        char *next;
        if (target[0] == '/') {
            next = normalize(target);
        } else {
            _cleanup_free_ char *dir = mc_xstrdup(cur);
            char *slash = strrchr(dir, '/');
            if (slash)
                *slash = '\0';
            _cleanup_free_ char *joined = mc_xasprintf("%s/%s", dir, target);
            next = normalize(joined);
        }
        free(target);
        free(cur);
        cur = next;
    }
    return cur;
}

static bool path_has(const char *path, const char *needle)
{
    return strstr(path, needle) != NULL;
}

/* "/<prefix><digits>/" somewhere in path */
static bool path_has_numbered(const char *path, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (const char *p = path; (p = strstr(p, prefix)); p++) {
        if (p == path || p[-1] != '/')
            continue;
        const char *d = p + pl;
        if (*d < '0' || *d > '9')
            continue;
        while (*d >= '0' && *d <= '9')
            d++;
        if (*d == '/' || *d == ':' || *d == '\0')
            return true;
    }
    return false;
}

const char *mc_blockdev_transport_from_path(const char *devpath)
{
    if (!devpath)
        return NULL;
    /* Order matters: the most specific SCSI transports first. */
    if (path_has_numbered(devpath, "session"))
        return "iscsi";
    if (path_has(devpath, "/rport-"))
        return "fc";
    if (path_has(devpath, "/end_device-"))
        return "sas";
    if (path_has(devpath, "/port-"))
        return "srp";
    if (path_has(devpath, "/nvme"))
        return "nvme";
    if (path_has_numbered(devpath, "virtio")) {
        if (path_has_numbered(devpath, "host"))
            return "virtio-scsi";
        return "virtio";
    }
    if (path_has_numbered(devpath, "ata"))
        return "ata";
    if (path_has_numbered(devpath, "usb"))
        return "usb";
    if (path_has(devpath, "/virtual/block/dm-"))
        return "dm";
    if (path_has(devpath, "/virtual/block/md"))
        return "md";
    if (path_has(devpath, "/virtual/block/loop"))
        return "loop";
    if (path_has(devpath, "/virtual/"))
        return "virtual";
    if (path_has_numbered(devpath, "host"))
        return "scsi";
    return NULL;
}

static int list_dir(struct mc_source *src, const char *path, struct mc_dirent **ret, size_t *ret_n)
{
    int r = mc_source_list(src, path, ret, ret_n);
    if (r < 0)
        return r;
    if (*ret_n > MAX_ENTRIES) {
        mc_dirents_free(*ret, *ret_n);
        *ret = NULL;
        *ret_n = 0;
        return -E2BIG;
    }
    return 0;
}

/* A name usable as one path component of a sysfs path. */
static bool name_ok(const char *name)
{
    return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < 256;
}

static int64_t parse_i64(const char *s)
{
    if (!s)
        return 0;
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 0);
    if (errno || e == s)
        return 0;
    return v;
}

/* An absent class directory means "no such hardware"; anything else is recorded. */
static bool list_class(struct mc_source *src, struct mc_host_facts *h, const char *path,
                       struct mc_dirent **ret, size_t *ret_n)
{
    int r = list_dir(src, path, ret, ret_n);
    if (r == -ENOENT) {
        *ret = NULL;
        *ret_n = 0;
        return false;
    }
    if (r < 0) {
        mc_facts_add_error(h, "storage", r, "cannot list '%s': %s", path, strerror(-r));
        return false;
    }
    return true;
}

/* ---- iSCSI ---- */

/* "InitiatorName=iqn...." (comments with '#'); NULL when there is none. */
char *mc_iscsi_initiatorname_parse(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        while (p < le && (*p == ' ' || *p == '\t'))
            p++;
        static const char key[] = "InitiatorName=";
        if ((size_t)(le - p) > sizeof(key) - 1 && memcmp(p, key, sizeof(key) - 1) == 0) {
            const char *v = p + sizeof(key) - 1;
            const char *ve = le;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                ve--;
            if (ve > v && !memchr(v, '\0', (size_t)(ve - v)))
                return mc_xstrndup(v, (size_t)(ve - v));
        }
        p = le + 1;
    }
    return NULL;
}

static void iscsi_devices(struct mc_source *src, const char *session, char ***ret)
{
    _cleanup_free_ char *dev = mc_xasprintf("/sys/class/iscsi_session/%s/device", session);
    struct mc_dirent *tg = NULL;
    size_t n_tg = 0;
    if (list_dir(src, dev, &tg, &n_tg) < 0)
        return;
    for (size_t i = 0; i < n_tg; i++) {
        if (!mc_str_startswith(tg[i].name, "target") || !name_ok(tg[i].name))
            continue;
        _cleanup_free_ char *tpath = mc_xasprintf("%s/%s", dev, tg[i].name);
        struct mc_dirent *lun = NULL;
        size_t n_lun = 0;
        if (list_dir(src, tpath, &lun, &n_lun) < 0)
            continue;
        for (size_t j = 0; j < n_lun; j++) {
            /* H:C:T:L */
            const char *s = lun[j].name;
            if (!name_ok(s) || strspn(s, "0123456789:") != strlen(s))
                continue;
            _cleanup_free_ char *bpath = mc_xasprintf("%s/%s/block", tpath, s);
            struct mc_dirent *blk = NULL;
            size_t n_blk = 0;
            if (list_dir(src, bpath, &blk, &n_blk) < 0)
                continue;
            for (size_t k = 0; k < n_blk; k++)
                if (name_ok(blk[k].name) && !mc_strv_contains(*ret, blk[k].name))
                    mc_strv_add(ret, blk[k].name);
            mc_dirents_free(blk, n_blk);
        }
        mc_dirents_free(lun, n_lun);
    }
    mc_dirents_free(tg, n_tg);
}

static void gather_iscsi(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_storage_facts *s = &h->storage;
    static const char iname[] = "/etc/iscsi/initiatorname.iscsi";
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, iname, MC_SYSFS_ATTR_MAX, &buf, &len);
    if (r == 0)
        s->iscsi_initiator = mc_iscsi_initiatorname_parse(buf, len);
    else if (r != -ENOENT)
        mc_facts_add_error(h, "storage/iscsi-initiator", r, "cannot read '%s': %s", iname,
                           strerror(-r));

    struct mc_dirent *sess = NULL;
    size_t n_sess = 0;
    if (!list_class(src, h, "/sys/class/iscsi_session", &sess, &n_sess))
        return;
    struct mc_dirent *conns = NULL;
    size_t n_conns = 0;
    if (!list_class(src, h, "/sys/class/iscsi_connection", &conns, &n_conns))
        conns = NULL;
    for (size_t i = 0; i < n_sess; i++) {
        const char *name = sess[i].name;
        if (!mc_str_startswith(name, "session") || !name_ok(name))
            continue;
        struct mc_iscsi_session *is = MC_APPEND(s->iscsi_sessions, s->n_iscsi_sessions);
        is->name = mc_xstrdup(name);
        is->target = mc_storage_attr(src, "/sys/class/iscsi_session/%s/targetname", name);
        is->state = mc_storage_attr(src, "/sys/class/iscsi_session/%s/state", name);
        is->initiator = mc_storage_attr(src, "/sys/class/iscsi_session/%s/initiatorname", name);
        if (is->initiator && strcmp(is->initiator, "(null)") == 0) {
            free(is->initiator);
            is->initiator = NULL;
        }
        _cleanup_free_ char *tpgt = mc_storage_attr(src, "/sys/class/iscsi_session/%s/tpgt", name);
        is->tpgt = parse_i64(tpgt);
        /* connection<sid>:<cid> belongs to session<sid>; the first one gives the portal */
        const char *sid = name + strlen("session");
        for (size_t j = 0; j < n_conns; j++) {
            const char *c = conns[j].name;
            if (!mc_str_startswith(c, "connection") || !name_ok(c))
                continue;
            const char *csid = c + strlen("connection");
            size_t sl = strlen(sid);
            if (strncmp(csid, sid, sl) != 0 || csid[sl] != ':')
                continue;
            _cleanup_free_ char *addr =
                mc_storage_attr(src, "/sys/class/iscsi_connection/%s/persistent_address", c);
            _cleanup_free_ char *port =
                mc_storage_attr(src, "/sys/class/iscsi_connection/%s/persistent_port", c);
            if (addr)
                is->portal = strchr(addr, ':') ? mc_xasprintf("[%s]:%s", addr, port ? port : "3260")
                                               : mc_xasprintf("%s:%s", addr, port ? port : "3260");
            break;
        }
        iscsi_devices(src, name, &is->devices);
    }
    mc_dirents_free(conns, n_conns);
    mc_dirents_free(sess, n_sess);
}

/* ---- Fibre Channel ---- */

static void gather_fc(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_storage_facts *s = &h->storage;
    struct mc_dirent *hosts = NULL;
    size_t n_hosts = 0;
    if (!list_class(src, h, "/sys/class/fc_host", &hosts, &n_hosts))
        return;
    for (size_t i = 0; i < n_hosts; i++) {
        const char *name = hosts[i].name;
        if (!mc_str_startswith(name, "host") || !name_ok(name))
            continue;
        struct mc_fc_host *fh = MC_APPEND(s->fc_hosts, s->n_fc_hosts);
        fh->name = mc_xstrdup(name);
        fh->port_name = mc_storage_attr(src, "/sys/class/fc_host/%s/port_name", name);
        fh->node_name = mc_storage_attr(src, "/sys/class/fc_host/%s/node_name", name);
        fh->port_state = mc_storage_attr(src, "/sys/class/fc_host/%s/port_state", name);
        fh->fabric_name = mc_storage_attr(src, "/sys/class/fc_host/%s/fabric_name", name);
        fh->speed = mc_storage_attr(src, "/sys/class/fc_host/%s/speed", name);
    }
    mc_dirents_free(hosts, n_hosts);

    struct mc_dirent *rp = NULL;
    size_t n_rp = 0;
    if (!list_class(src, h, "/sys/class/fc_remote_ports", &rp, &n_rp))
        return;
    for (size_t i = 0; i < n_rp; i++) {
        const char *name = rp[i].name;
        /* rport-H:B-R belongs to hostH */
        if (!mc_str_startswith(name, "rport-") || !name_ok(name))
            continue;
        const char *hn = name + strlen("rport-");
        size_t hl = strspn(hn, "0123456789");
        if (hl == 0 || hn[hl] != ':')
            continue;
        _cleanup_free_ char *hostname = mc_xasprintf("host%.*s", (int)hl, hn);
        struct mc_fc_host *fh = NULL;
        for (size_t j = 0; j < s->n_fc_hosts; j++)
            if (strcmp(s->fc_hosts[j].name, hostname) == 0)
                fh = &s->fc_hosts[j];
        if (!fh)
            continue;
        struct mc_fc_rport *r = MC_APPEND(fh->rports, fh->n_rports);
        r->name = mc_xstrdup(name);
        r->port_name = mc_storage_attr(src, "/sys/class/fc_remote_ports/%s/port_name", name);
        r->node_name = mc_storage_attr(src, "/sys/class/fc_remote_ports/%s/node_name", name);
        r->port_state = mc_storage_attr(src, "/sys/class/fc_remote_ports/%s/port_state", name);
        r->roles = mc_storage_attr(src, "/sys/class/fc_remote_ports/%s/roles", name);
        _cleanup_free_ char *tid =
            mc_storage_attr(src, "/sys/class/fc_remote_ports/%s/scsi_target_id", name);
        /* -1 when the port is no SCSI target: kept as written (0 would read as unknown) */
        r->scsi_target_id = parse_i64(tid);
    }
    mc_dirents_free(rp, n_rp);
}

/* ---- SRP ---- */

static void gather_srp(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_storage_facts *s = &h->storage;
    struct mc_dirent *hosts = NULL;
    size_t n_hosts = 0;
    if (list_class(src, h, "/sys/class/srp_host", &hosts, &n_hosts)) {
        struct mc_dirent *rp = NULL;
        size_t n_rp = 0;
        list_class(src, h, "/sys/class/srp_remote_ports", &rp, &n_rp);
        for (size_t i = 0; i < n_hosts; i++) {
            const char *name = hosts[i].name;
            if (!mc_str_startswith(name, "host") || !name_ok(name))
                continue;
            struct mc_srp_host *sh = MC_APPEND(s->srp_hosts, s->n_srp_hosts);
            sh->name = mc_xstrdup(name);
            sh->ib_device = mc_storage_attr(src, "/sys/class/scsi_host/%s/local_ib_device", name);
            sh->ib_port = mc_storage_attr(src, "/sys/class/scsi_host/%s/local_ib_port", name);
            /* port-H:R belongs to hostH */
            const char *hnum = name + strlen("host");
            for (size_t j = 0; j < n_rp; j++) {
                const char *pn = rp[j].name;
                if (!mc_str_startswith(pn, "port-") || !name_ok(pn))
                    continue;
                const char *ph = pn + strlen("port-");
                size_t hl = strlen(hnum);
                if (strncmp(ph, hnum, hl) != 0 || ph[hl] != ':')
                    continue;
                char *id = mc_storage_attr(src, "/sys/class/srp_remote_ports/%s/port_id", pn);
                mc_strv_push(&sh->rports, id ? id : mc_xstrdup(pn));
            }
        }
        mc_dirents_free(rp, n_rp);
        mc_dirents_free(hosts, n_hosts);
    }
    if (s->n_srp_hosts > 0)
        return;
    /* No SRP target logged in: the initiator ports ib_srp offers, if loaded. */
    struct mc_dirent *ports = NULL;
    size_t n_ports = 0;
    if (!list_class(src, h, "/sys/class/infiniband_srp", &ports, &n_ports))
        return;
    for (size_t i = 0; i < n_ports; i++) {
        const char *name = ports[i].name;
        if (!mc_str_startswith(name, "srp-") || !name_ok(name))
            continue;
        struct mc_srp_host *sh = MC_APPEND(s->srp_hosts, s->n_srp_hosts);
        sh->name = mc_xstrdup(name);
        sh->ib_device = mc_storage_attr(src, "/sys/class/infiniband_srp/%s/ibdev", name);
        sh->ib_port = mc_storage_attr(src, "/sys/class/infiniband_srp/%s/port", name);
    }
    mc_dirents_free(ports, n_ports);
}

/* ---- GFS2 ---- */

static void gather_gfs2(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_storage_facts *s = &h->storage;
    struct mc_dirent *fs = NULL;
    size_t n_fs = 0;
    if (!list_class(src, h, "/sys/fs/gfs2", &fs, &n_fs))
        return;
    for (size_t i = 0; i < n_fs; i++) {
        if (!name_ok(fs[i].name))
            continue;
        struct mc_gfs2 *g = MC_APPEND(s->gfs2, s->n_gfs2);
        g->locktable = mc_xstrdup(fs[i].name);
        g->devno = mc_storage_attr(src, "/sys/fs/gfs2/%s/id", fs[i].name);
    }
    mc_dirents_free(fs, n_fs);
}

/* ---- block devices ---- */

static struct mc_blockdev *find_blockdev(struct mc_storage_facts *s, const char *name)
{
    for (size_t i = 0; i < s->n_blockdevs; i++)
        if (strcmp(s->blockdevs[i].name, name) == 0)
            return &s->blockdevs[i];
    return NULL;
}

/* The kernel name behind /dev/... (through symlinks), or NULL. */
static char *kernel_name_of_dev(struct mc_source *src, const char *path)
{
    _cleanup_free_ char *real = mc_storage_resolve(src, path);
    if (!mc_str_startswith(real, "/dev/"))
        return NULL;
    const char *base = mc_path_basename(real);
    if (!name_ok(base))
        return NULL;
    /* must be a block device the kernel knows */
    _cleanup_free_ char *dev = mc_storage_attr(src, "/sys/class/block/%s/dev", base);
    if (!dev)
        return NULL;
    return mc_xstrdup(base);
}

/* The kernel name of block device major:minor (/sys/dev/block/M:m -> .../X). */
static char *kernel_name_of_devno(struct mc_source *src, const char *devno)
{
    if (!devno || strspn(devno, "0123456789:") != strlen(devno))
        return NULL;
    _cleanup_free_ char *p = mc_xasprintf("/sys/dev/block/%s", devno);
    _cleanup_free_ char *target = NULL;
    if (mc_source_readlink(src, p, &target) < 0)
        return NULL;
    const char *base = mc_path_basename(target);
    return name_ok(base) ? mc_xstrdup(base) : NULL;
}

/* Fill one block device; recurse into the slaves of dm/md devices once. */
static struct mc_blockdev *add_blockdev(struct mc_source *src, struct mc_host_facts *h,
                                        const char *name, const char *path, int depth)
{
    struct mc_storage_facts *s = &h->storage;
    struct mc_blockdev *b = find_blockdev(s, name);
    if (b) {
        if (path && !b->path)
            b->path = mc_xstrdup(path);
        return b;
    }
    b = MC_APPEND(s->blockdevs, s->n_blockdevs);
    size_t idx = s->n_blockdevs - 1;
    b->name = mc_xstrdup(name);
    b->path = mc_xstrdup_or_null(path);
    b->devno = mc_storage_attr(src, "/sys/class/block/%s/dev", name);
    _cleanup_free_ char *size = mc_storage_attr(src, "/sys/class/block/%s/size", name);
    int64_t sectors = parse_i64(size);
    if (sectors > 0 && sectors < INT64_MAX / 512)
        b->size_bytes = sectors * 512; /* always 512-byte units, whatever the block size */

    _cleanup_free_ char *devpath = NULL;
    _cleanup_free_ char *cls = mc_xasprintf("/sys/class/block/%s", name);
    (void)mc_source_readlink(src, cls, &devpath);

    /* A partition's device attributes live on its parent disk. */
    const char *disk = name;
    _cleanup_free_ char *parent = NULL;
    _cleanup_free_ char *part = mc_storage_attr(src, "/sys/class/block/%s/partition", name);
    if (part && devpath) {
        _cleanup_free_ char *dir = mc_xstrdup(devpath);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = '\0';
            const char *pb = mc_path_basename(dir);
            if (name_ok(pb))
                parent = mc_xstrdup(pb);
        }
    }
    if (parent)
        disk = parent;

    b->wwn = mc_storage_attr(src, "/sys/class/block/%s/wwid", disk);
    if (!b->wwn)
        b->wwn = mc_storage_attr(src, "/sys/class/block/%s/device/wwid", disk);
    b->serial = mc_storage_attr(src, "/sys/class/block/%s/serial", disk);
    if (!b->serial)
        b->serial = mc_storage_attr(src, "/sys/class/block/%s/device/serial", disk);
    b->vendor = mc_storage_attr(src, "/sys/class/block/%s/device/vendor", disk);
    b->model = mc_storage_attr(src, "/sys/class/block/%s/device/model", disk);
    b->dm_uuid = mc_storage_attr(src, "/sys/class/block/%s/dm/uuid", name);
    b->dm_name = mc_storage_attr(src, "/sys/class/block/%s/dm/name", name);
    if (!b->wwn && b->dm_uuid && mc_str_startswith(b->dm_uuid, "mpath-") && b->dm_uuid[6])
        b->wwn = mc_xstrdup(b->dm_uuid + 6);

    const char *tr = mc_blockdev_transport_from_path(devpath);
    if (tr && strcmp(tr, "nvme") == 0) {
        /* NVMe over fabrics says which: tcp, rdma, fc, loop; pcie for local ones */
        _cleanup_free_ char *nt =
            mc_storage_attr(src, "/sys/class/block/%s/device/transport", disk);
        if (nt && strcmp(nt, "pcie") != 0) {
            b->transport = mc_xasprintf("nvme-%s", nt);
            tr = NULL;
        }
    }
    if (tr)
        b->transport = mc_xstrdup(tr);

    _cleanup_free_ char *slaves_dir = mc_xasprintf("/sys/class/block/%s/slaves", name);
    struct mc_dirent *sl = NULL;
    size_t n_sl = 0;
    if (list_dir(src, slaves_dir, &sl, &n_sl) == 0) {
        for (size_t i = 0; i < n_sl; i++)
            if (name_ok(sl[i].name))
                mc_strv_add(&s->blockdevs[idx].slaves, sl[i].name);
        mc_dirents_free(sl, n_sl);
    }
    /* The slaves of a multipath map or RAID carry the transport: describe them too. */
    if (depth < 4) {
        _cleanup_strv_free_ char **names = mc_strv_copy(s->blockdevs[idx].slaves);
        STRV_FOREACH (n, names)
            add_blockdev(src, h, *n, NULL, depth + 1);
    }
    /* the array may have moved while the slaves were added */
    return &s->blockdevs[idx];
}

static void gather_one_vm_blockdevs(struct mc_source *src, struct mc_host_facts *h,
                                    const struct mc_vm_facts *vm)
{
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        if (!d->type || !d->source || d->source[0] != '/')
            continue;
        _cleanup_free_ char *name = NULL;
        if (strcmp(d->type, "block") == 0) {
            name = kernel_name_of_dev(src, d->source);
            if (!name) {
                mc_facts_add_error(h, "storage/blockdev", ENODEV,
                                   "cannot find the block device of '%s' (disk '%s')", d->source,
                                   d->target ? d->target : "?");
                continue;
            }
            add_blockdev(src, h, name, d->source, 0);
        } else if (strcmp(d->type, "file") == 0) {
            /* the block device under the file system that holds the file */
            const struct mc_mount *m = mc_mounts_find_for_path(h->mounts, h->n_mounts, d->source);
            if (!m || !m->source || !mc_str_startswith(m->source, "/dev/"))
                continue;
            name = kernel_name_of_devno(src, m->devno);
            if (!name)
                name = kernel_name_of_dev(src, m->source);
            if (name)
                add_blockdev(src, h, name, m->source, 0);
        }
    }
}

static void gather_vm_blockdevs(struct mc_source *src, struct mc_host_facts *h)
{
    MC_HOST_FOREACH_VM (vm, h)
        gather_one_vm_blockdevs(src, h, vm);
}

void mc_storage_gather(struct mc_source *src, struct mc_host_facts *h)
{
    mc_storage_facts_clear(&h->storage);
    gather_iscsi(src, h);
    gather_fc(src, h);
    gather_srp(src, h);
    gather_gfs2(src, h);
    gather_vm_blockdevs(src, h);
}

int mc_storage_blockdev_lookup(struct mc_source *src, const char *path, struct mc_host_facts *h)
{
    _cleanup_free_ char *name = kernel_name_of_dev(src, path);
    if (!name)
        return -ENODEV;
    add_blockdev(src, h, name, path, 0);
    return 0;
}
