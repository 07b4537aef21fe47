/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pair facts of two open hosts (hosts/hostset.h): the pure matching
 * (checker/relate.c) and the live probes, batched so both agents work at the
 * same time, over the host set's sessions and libvirt connections.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agent/ops.h"
#include "agent/proto.h"
#include "answers.h"
#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "checker/relate.h"
#include "config.h"
#include "gather.h"
#include "hosts/hostset.h"
#include "network/network.h"
#include "os/os.h"
#include "pair.h"
#include "predict.h"
#include "hosts/session.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/random.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

/* ---- live probes ---- */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return mc_xstrdup("/");
    return mc_xstrndup(path, (size_t)(slash - path));
}

static bool canary_role(const struct mc_vm_path *vp)
{
    static const char *const roles[] = {
        "disk", "cdrom", "floppy", "lun", "backing", "nvram", NULL
    };
    for (size_t i = 0; roles[i]; i++)
        if (vp->role && strcmp(vp->role, roles[i]) == 0)
            return true;
    return false;
}

static bool is_file_path(const struct mc_vm_path *vp)
{
    return vp->src_path && vp->src_path[0] == '/' &&
           (!vp->disk_type || strcmp(vp->disk_type, "network") != 0);
}

struct pending {
    unsigned id;
    size_t path; /* index in rel->paths */
    size_t cand; /* candidate index */
    char *arg;   /* the path or dir asked about */
};

static void pendings_free(struct pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].arg);
    free(p);
}

static bool reply_is(char *const *w, enum mc_reply r)
{
    return w && w[0] && mc_enum_from_name(&mc_reply_names, w[0]) == (int)r;
}

static int host_recv(struct mc_host *h, unsigned id, int timeout, char ***ret_words,
                     struct mc_error *reterr)
{
    struct mc_answer rep = { 0 };
    int r = mc_host_recv(h, id, timeout, &rep, reterr);
    if (r < 0)
        return r;
    *ret_words = TAKE_PTR(rep.words);
    return 0;
}

static int host_call(struct mc_host *h, enum mc_op op, const char *const *args, int timeout,
                     char ***ret_words, struct mc_error *reterr)
{
    return host_recv(h, mc_host_send(h, op, args), timeout, ret_words, reterr);
}

static void debug(const struct mc_host *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int recv_words(struct mc_host *h, unsigned id, int timeout, char ***w,
                      struct mc_pair_facts *rel, const char *what)
{
    _cleanup_error_ struct mc_error err = { 0 };
    int r = host_recv(h, id, timeout, w, &err);
    if (r < 0) {
        mc_pair_add_error(rel, what, r, "%s", err.message);
        debug(h, "probes: %s: request %u on %s: %s", what, id, h->spec.label, err.message);
    }
    return r;
}

static struct mc_answer_hosts hosts_of(const struct mc_host *src, const struct mc_host *dst)
{
    return (struct mc_answer_hosts){ .src = src->spec.label,
                                     .dst = dst->spec.label,
                                     .src_kind = src->sess.kind ? src->sess.kind : "?",
                                     .dst_kind = dst->sess.kind ? dst->sess.kind : "?" };
}

static void debug(const struct mc_host *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void debug(const struct mc_host *h, const char *fmt, ...)
{
    if (mc_hostset_options(h->set)->verbose < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *m = mc_xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "migcheck: debug: [%.3f] %s\n", mc_now(), m);
}

static void probe_storage(struct mc_host *src, struct mc_host *dst, struct mc_pair_facts *rel,
                          int timeout)
{
    _cleanup_free_ char *token = mc_random_hex(16);
    struct mc_answer_hosts names = hosts_of(src, dst);

    /* Batch 1: canaries on SRC, sizes on SRC, stat of every candidate on DST. */
    _cleanup_strv_free_ char **dirs = NULL;
    struct pending *wr = NULL, *sst = NULL, *dst_st = NULL;
    size_t nwr = 0, nsst = 0, ndst = 0;
    /* The session hands out answers in request order and drops the ones nobody waits for: every
     * canary goes out before every stat on SRC, as they are received. */
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!is_file_path(vp) || !canary_role(vp))
            continue;
        _cleanup_free_ char *d = dir_of(vp->src_path);
        if (!mc_strv_contains(dirs, d)) {
            mc_strv_add(&dirs, d);
            const char *args[] = { d, token, NULL };
            struct pending *p = MC_APPEND(wr, nwr);
            p->id = mc_host_send(src, MC_OP_CANARY_WRITE, args);
            p->arg = mc_xstrdup(d);
        }
    }
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!is_file_path(vp))
            continue;
        const char *sargs[] = { vp->src_path, NULL };
        struct pending *ps = MC_APPEND(sst, nsst);
        ps->id = mc_host_send(src, MC_OP_STAT, sargs);
        ps->path = i;
        STRV_FOREACH (c, vp->candidates) {
            const char *args[] = { *c, NULL };
            struct pending *p = MC_APPEND(dst_st, ndst);
            p->id = mc_host_send(dst, MC_OP_STAT, args);
            p->path = i;
            p->cand = (size_t)(c - vp->candidates);
            p->arg = mc_xstrdup(*c);
        }
        if (!vp->candidates) {
            const char *args[] = { vp->src_path, NULL };
            struct pending *p = MC_APPEND(dst_st, ndst);
            p->id = mc_host_send(dst, MC_OP_STAT, args);
            p->path = i;
            p->cand = (size_t)-1;
            p->arg = mc_xstrdup(vp->src_path);
        }
    }
    _cleanup_strv_free_ char **written = NULL;
    for (size_t k = 0; k < nwr; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(src, wr[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        const char *why = NULL;
        if (mc_answer_canary_written(w, &why))
            mc_strv_add(&written, wr[k].arg);
        else
            mc_pair_add_error(rel, "storage/canary", EACCES,
                              "cannot write a canary file in '%s' on '%s': %s", wr[k].arg,
                              src->spec.label, why);
    }
    if (nwr)
        debug(src, "probes: canaries written on %s (%zu)", src->spec.label,
              mc_strv_length(written));
    for (size_t k = 0; k < nsst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(src, sst[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        mc_answer_src_stat(&rel->paths[sst[k].path], w);
    }
    /* Per path: which candidates exist on DST. */
    for (size_t k = 0; k < ndst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, dst_st[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        mc_answer_dst_stat(&rel->paths[dst_st[k].path], dst_st[k].arg, w, &names);
    }

    /* Batch 2: look for each canary at every existing candidate's directory. */
    struct pending *rd = NULL;
    size_t nrd = 0;
    for (size_t k = 0; k < ndst; k++) {
        struct mc_vm_path *vp = &rel->paths[dst_st[k].path];
        if (!canary_role(vp))
            continue;
        _cleanup_free_ char *sdir = dir_of(vp->src_path);
        if (!mc_strv_contains(written, sdir))
            continue;
        _cleanup_free_ char *cdir = dir_of(dst_st[k].arg);
        _cleanup_free_ char *cpath = mc_xasprintf("%s/.migcheck-canary-%s", cdir, token);
        const char *args[] = { cpath, token, NULL };
        struct pending *p = MC_APPEND(rd, nrd);
        p->id = mc_host_send(dst, MC_OP_CANARY_READ, args);
        p->path = dst_st[k].path;
        p->arg = mc_xstrdup(dst_st[k].arg);
    }
    bool *seen = mc_new0(bool, rel->n_paths + 1);
    bool all_read = true;
    for (size_t k = 0; k < nrd; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, rd[k].id, timeout, &w, rel, "storage/canary") < 0) {
            all_read = false;
            break;
        }
        struct mc_vm_path *vp = &rel->paths[rd[k].path];
        if (mc_answer_canary_match(w)) {
            /* Prefer the same path when several candidates see the canary. */
            bool better = !seen[rd[k].path] || strcmp(rd[k].arg, vp->src_path) == 0;
            seen[rd[k].path] = true;
            if (better) {
                mc_set_str(&vp->dst_path, rd[k].arg);
                vp->evidence = MC_EVIDENCE_CANARY;
                _cleanup_free_ char *sd = dir_of(vp->src_path);
                _cleanup_free_ char *dd = dir_of(rd[k].arg);
                mc_set_fmt(&vp->evidence_detail,
                           "a canary file written in '%s' on %s was read in '%s' on %s", sd,
                           src->spec.label, dd, dst->spec.label);
                mc_struct_clear(&mc_desc_store, &vp->dst_store);
                mc_relate_store_for_path(dst->facts, rd[k].arg, &vp->dst_store);
            }
        }
    }
    for (size_t i = 0; i < rel->n_paths && all_read; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!is_file_path(vp) || !canary_role(vp) || seen[i])
            continue;
        _cleanup_free_ char *sdir = dir_of(vp->src_path);
        if (!mc_strv_contains(written, sdir))
            continue;
        _cleanup_free_ char *cands = mc_strv_join(vp->candidates, "', '");
        bool had_identity = vp->evidence == MC_EVIDENCE_IDENTITY;
        vp->evidence = MC_EVIDENCE_ABSENT;
        mc_set_fmt(&vp->evidence_detail,
                   "a canary file written in '%s' on %s is not visible at '%s' on %s%s", sdir,
                   src->spec.label, cands, dst->spec.label,
                   had_identity ? " although the stores look the same" : "");
        free(vp->dst_path);
        vp->dst_path = NULL;
    }

    /* Batch 3: can the QEMU user open it on DST. */
    const struct mc_os_facts *dos = &dst->facts->os;
    struct pending *op = NULL;
    size_t nop = 0;
    if (dos->qemu_uid_known) {
        char uid[24], gid[24];
        snprintf(uid, sizeof(uid), "%lld", (long long)dos->qemu_uid);
        snprintf(gid, sizeof(gid), "%lld", (long long)dos->qemu_gid);
        for (size_t i = 0; i < rel->n_paths; i++) {
            struct mc_vm_path *vp = &rel->paths[i];
            if (!is_file_path(vp) || vp->exists_probe != MC_PROBE_OK ||
                (vp->role && strcmp(vp->role, "emulator") == 0))
                continue;
            if (vp->evidence == MC_EVIDENCE_ABSENT && !vp->readonly)
                continue;
            const char *where = vp->dst_path ? vp->dst_path : vp->src_path;
            const char *args[] = { where, uid, gid, vp->readonly ? "r" : "rw", NULL };
            struct pending *p = MC_APPEND(op, nop);
            p->id = mc_host_send(dst, MC_OP_OPEN, args);
            p->path = i;
        }
    }
    for (size_t k = 0; k < nop; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, op[k].id, timeout, &w, rel, "storage/open") < 0)
            break;
        mc_answer_open(&rel->paths[op[k].path], w, dos->qemu_uid, dos->qemu_gid, &names);
    }

    /*
     * Remove every canary asked for, acknowledged or not (an answer that came after its
     * deadline, or not at all because of an interrupt, may still have written one): the
     * requests run in order on SRC, so the removal comes after the write. This runs even when
     * interrupted, bounded by its own short deadline.
     */
    bool was_ignoring = mc_interrupt_signal() != 0;
    mc_interrupt_ignore(true);
    struct pending *rm = NULL;
    size_t nrm = 0;
    for (size_t k = 0; k < nwr; k++) {
        _cleanup_free_ char *cpath = mc_xasprintf("%s/.migcheck-canary-%s", wr[k].arg, token);
        const char *args[] = { cpath, NULL };
        struct pending *p = MC_APPEND(rm, nrm);
        p->id = mc_host_send(src, MC_OP_RM_CANARY, args);
        p->arg = mc_xstrdup(cpath);
    }
    int rm_timeout = timeout < 10000 ? timeout : 10000;
    for (size_t k = 0; k < nrm; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(src, rm[k].id, rm_timeout, &w, rel, "storage/canary") < 0)
            break;
        if (!reply_is(w, MC_REPLY_OK))
            mc_pair_add_error(rel, "storage/canary", EIO, "cannot remove '%s' on '%s'", rm[k].arg,
                              src->spec.label);
    }
    mc_interrupt_ignore(false);
    (void)was_ignoring;
    if (nrm)
        debug(src, "probes: canaries removed on %s", src->spec.label);
    free(seen);
    pendings_free(wr, nwr);
    pendings_free(sst, nsst);
    pendings_free(dst_st, ndst);
    pendings_free(rd, nrd);
    pendings_free(op, nop);
    pendings_free(rm, nrm);
}

/*
 * An iSCSI disk with CHAP <auth>: the secret's value is DST's libvirt's (private secrets cannot
 * be read), so the login with the domain's credentials runs through DST's libvirt: a transient
 * iscsi-direct pool with the same portal, target, initiator name and <auth>. Where that cannot
 * run, the finding says what was not proved; a login without the credentials would be refused
 * by the target for a reason QEMU will not meet, so it is never tried.
 */
static void probe_iscsi_chap(struct mc_host *dst, const struct mc_disk *d, const char *initiator,
                             struct mc_vm_path *vp, struct mc_pair_facts *rel)
{
    if (!dst->conn || !dst->conn_rw) {
        vp->exists_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&vp->exists_detail,
                   "the disk logs in with CHAP user '%s'; reproducing that login needs a "
                   "read-write libvirt connection to %s, which this check does not have",
                   d->auth_user, dst->spec.label);
        return;
    }
    _cleanup_free_ char *token = mc_random_hex(8);
    struct mc_login_probe res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_virt_iscsi_login_probe(dst->conn, d, initiator, token, &res, &err) < 0) {
        vp->exists_probe = MC_PROBE_ERROR;
        mc_set_str(&vp->exists_detail, err.message);
        return;
    }
    const char *how = "through its libvirt (a transient iscsi-direct pool) with the disk's CHAP "
                      "credentials";
    switch (res.result) {
    case MC_LOGIN_OK:
        vp->exists_probe = MC_PROBE_OK;
        vp->evidence = MC_EVIDENCE_NETWORK;
        mc_set_fmt(&vp->evidence_detail, "%s logged in to %s %s as '%s' and found the LUN",
                   dst->spec.label, vp->src_path, how, initiator);
        vp->open_probe = MC_PROBE_OK;
        break;
    case MC_LOGIN_NO_LUN:
        vp->exists_probe = MC_PROBE_FAILED;
        mc_set_fmt(&vp->exists_detail, "%s logged in %s, but: %s", dst->spec.label, how,
                   res.message ? res.message : "no such LUN");
        break;
    case MC_LOGIN_REFUSED:
        vp->exists_probe = MC_PROBE_FAILED;
        vp->evidence = MC_EVIDENCE_REFUSED;
        mc_set_fmt(&vp->evidence_detail, "a login from %s %s as '%s' failed: %s", dst->spec.label,
                   how, initiator, res.message ? res.message : "refused");
        break;
    case MC_LOGIN_UNREACHABLE:
        vp->exists_probe = MC_PROBE_FAILED;
        mc_set_fmt(&vp->exists_detail, "%s could not connect to the portal %s: %s", dst->spec.label,
                   how, res.message ? res.message : "?");
        break;
    case MC_LOGIN_CANNOT:
        vp->exists_probe = MC_PROBE_ERROR;
        mc_set_fmt(&vp->exists_detail,
                   "a login with the disk's CHAP credentials could not be "
                   "reproduced on %s: %s",
                   dst->spec.label, res.message ? res.message : "?");
        break;
    }
    if (res.cleanup_error)
        mc_pair_add_error(rel, "storage/login", EIO, "%s on %s", res.cleanup_error,
                          dst->spec.label);
    mc_login_probe_clear(&res);
}

/*
 * A network backing image's own source, from its location (protocol://host[:port]/name, as
 * relate writes it) into *bd, whose strings point into *buf (free it after). The top disk's
 * NFS identity and initiator name apply where the backing image is on the same server.
 */
static bool backing_source(const char *loc, const struct mc_disk *top, struct mc_disk *bd,
                           struct mc_netaddr *host, char **buf)
{
    const char *sep = strstr(loc, "://");
    if (!sep)
        return false;
    /* *buf holds "protocol\0server-part\0name": the name copied whole (an NFS path keeps its
     * leading '/', as relate joins it; other names lose it). */
    size_t len = strlen(loc);
    char *b = *buf = mc_xmalloc(2 * len + 2);
    memcpy(b, loc, len + 1);
    b[sep - loc] = '\0';
    char *h = b + (sep - loc) + 3;
    char *slash = strchr(h, '/');
    if (!slash || slash == h)
        return false;
    char *name = b + len + 1;
    memcpy(name, slash, strlen(slash) + 1);
    *slash = '\0';
    /* The first server: [v6]:port or name:port, up to ',' (further servers are not probed). */
    char *name_start = NULL, *port = NULL;
    if (*h == '[') {
        char *close = strchr(h, ']');
        if (!close)
            return false;
        *close = '\0';
        name_start = h + 1;
        h = close + 1;
    } else {
        name_start = h;
        h += strcspn(h, ":,");
    }
    if (*h == ':') {
        *h++ = '\0';
        port = h;
        h += strcspn(h, ",");
    }
    *h = '\0';
    if (!*name_start)
        return false;
    memset(bd, 0, sizeof(*bd));
    memset(host, 0, sizeof(*host));
    bd->protocol = b;
    bd->type = "network";
    bd->target = top->target;
    bd->source_name = strcmp(b, "nfs") == 0 ? name : name + 1;
    host->name = name_start;
    char *pend = NULL;
    long long pv = port ? strtoll(port, &pend, 10) : 0;
    if (port && pend != port && *pend == '\0' && pv > 0 && pv <= 65535)
        host->port = pv;
    bd->hosts = host;
    bd->n_hosts = 1;
    bool same_server = top->protocol && strcmp(top->protocol, b) == 0 && top->n_hosts &&
                       top->hosts[0].name && strcmp(top->hosts[0].name, name_start) == 0;
    if (same_server) {
        bd->identity_user = top->identity_user;
        bd->identity_group = top->identity_group;
        bd->initiator_iqn = top->initiator_iqn;
    }
    return true;
}

/* Does the domain name a secret for this subject's login ("disk vda backing 1")? */
static bool has_auth_ref(const struct mc_vm_facts *vm, const char *subject)
{
    for (size_t i = 0; subject && i < vm->n_secret_refs; i++)
        if (vm->secret_refs[i].subject && strcmp(vm->secret_refs[i].subject, subject) == 0 &&
            vm->secret_refs[i].purpose && strcmp(vm->secret_refs[i].purpose, "auth") == 0)
            return true;
    return false;
}

/* A user or group of <identity> as a number: "0", "+107", "root"; -1 when only DST knows it. */
static int64_t identity_id(const char *v, const struct mc_os_facts *dos, bool group)
{
    if (!v || !*v)
        return -1;
    const char *n = v[0] == '+' ? v + 1 : v;
    if (*n && strspn(n, "0123456789") == strlen(n) && strlen(n) < 10)
        return strtoll(n, NULL, 10);
    if (strcmp(v, "root") == 0)
        return 0;
    if (dos->qemu_uid_known && dos->qemu_user && strcmp(v, dos->qemu_user) == 0)
        return group ? dos->qemu_gid : dos->qemu_uid;
    return -1;
}

/*
 * The -blockdev options QEMU on DST gets for a network disk, as libvirt writes them (protocol
 * node only: no format layer, nothing written): nfs with the server, path and the ids QEMU
 * presents; iscsi with portal, target, LUN and initiator name. NULL for other protocols.
 */
static char *blockdev_json(const struct mc_disk *d, int64_t uid, int64_t gid, const char *initiator)
{
    json_object *o = json_object_new_object();
    const char *name = d->source_name ? d->source_name : "";
    if (strcmp(d->protocol, "nfs") == 0) {
        json_object_object_add(o, "driver", json_object_new_string("nfs"));
        json_object *srv = json_object_new_object();
        json_object_object_add(srv, "type", json_object_new_string("inet"));
        json_object_object_add(srv, "host", json_object_new_string(d->hosts[0].name));
        json_object_object_add(o, "server", srv);
        _cleanup_free_ char *path = name[0] == '/' ? mc_xstrdup(name) : mc_xasprintf("/%s", name);
        json_object_object_add(o, "path", json_object_new_string(path));
        if (uid >= 0)
            json_object_object_add(o, "user", json_object_new_int64(uid));
        if (gid >= 0)
            json_object_object_add(o, "group", json_object_new_int64(gid));
    } else if (strcmp(d->protocol, "iscsi") == 0) {
        _cleanup_free_ char *target = mc_xstrdup(name);
        char *slash = strrchr(target, '/');
        long lun = 0;
        if (slash) {
            char *end;
            lun = strtol(slash + 1, &end, 10);
            if (*end || lun < 0 || lun > 16383) {
                json_object_put(o);
                return NULL;
            }
            *slash = '\0';
        }
        long long port = d->hosts[0].port ? (long long)d->hosts[0].port : 3260;
        _cleanup_free_ char *portal = strchr(d->hosts[0].name, ':')
                                          ? mc_xasprintf("[%s]:%lld", d->hosts[0].name, port)
                                          : mc_xasprintf("%s:%lld", d->hosts[0].name, port);
        json_object_object_add(o, "driver", json_object_new_string("iscsi"));
        json_object_object_add(o, "portal", json_object_new_string(portal));
        json_object_object_add(o, "target", json_object_new_string(target));
        json_object_object_add(o, "lun", json_object_new_int64(lun));
        json_object_object_add(o, "transport", json_object_new_string("tcp"));
        json_object_object_add(o, "initiator-name", json_object_new_string(initiator));
    } else {
        json_object_put(o);
        return NULL;
    }
    char *r = mc_xstrdup(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return r;
}

/*
 * Network disks: DST reaches the server itself, the way QEMU on DST will. The migcheck agent
 * uses libnfs/libiscsi (nfs-stat, iscsi-lun); an agent without them (the sh agent) runs QEMU's
 * own block layer on DST (qemu-open: qemu-io or the emulator, as QEMU's user, with the disk's
 * -blockdev options); other protocols get a TCP connection to the server's port from DST.
 */
static void probe_network_disks(struct mc_host *src, struct mc_host *dst,
                                const struct mc_vm_facts *vm, struct mc_pair_facts *rel,
                                int timeout)
{
    struct mc_answer_hosts names = hosts_of(src, dst);
    const struct mc_os_facts *dos = &dst->facts->os;
    for (size_t i = 0; i < rel->n_paths && !mc_interrupt_pending(); i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!vp->disk_type || strcmp(vp->disk_type, "network") != 0 || !vp->target)
            continue;
        const struct mc_disk *d = NULL;
        for (size_t k = 0; k < vm->n_disks; k++)
            if (vm->disks[k].target && strcmp(vm->disks[k].target, vp->target) == 0)
                d = &vm->disks[k];
        /* A backing image is probed at its own server, not at the top image's. */
        struct mc_disk bd;
        struct mc_netaddr bhost;
        _cleanup_free_ char *bbuf = NULL;
        if (d && vp->role && strcmp(vp->role, "backing") == 0) {
            if (!vp->src_path || !backing_source(vp->src_path, d, &bd, &bhost, &bbuf)) {
                vp->exists_probe = MC_PROBE_ERROR;
                mc_set_fmt(&vp->exists_detail, "cannot tell the server of backing image '%s'",
                           vp->src_path ? vp->src_path : "?");
                continue;
            }
            if (has_auth_ref(vm, vp->subject)) {
                vp->exists_probe = MC_PROBE_UNSUPPORTED;
                mc_set_fmt(&vp->exists_detail,
                           "backing image %s logs in with credentials, which a probe from %s does "
                           "not reproduce for backing images",
                           vp->src_path, dst->spec.label);
                continue;
            }
            d = &bd;
        }
        if (!d || d->n_hosts == 0 || !d->hosts[0].name || !d->protocol) {
            vp->exists_probe = MC_PROBE_ERROR;
            mc_set_str(&vp->exists_detail, "the disk names no server");
            continue;
        }
        _cleanup_error_ struct mc_error err = { 0 };
        struct mc_answer a = { 0 };
        char port[16];
        int r;
        bool nfs = strcmp(d->protocol, "nfs") == 0, iscsi = strcmp(d->protocol, "iscsi") == 0;
        /* QEMU's user and initiator name, as QEMU on DST will present them. */
        char quid[24] = "-", qgid[24] = "-";
        bool as_qemu = d->identity_user != NULL;
        if (!as_qemu && dos->qemu_uid_known) {
            /* Without <identity>, QEMU's NFS driver presents the QEMU process's own ids. */
            snprintf(quid, sizeof(quid), "%lld", (long long)dos->qemu_uid);
            snprintf(qgid, sizeof(qgid), "%lld", (long long)dos->qemu_gid);
            as_qemu = true;
        }
        _cleanup_free_ char *initiator =
            d->initiator_iqn ? mc_xstrdup(d->initiator_iqn)
                             : mc_xasprintf("iqn.2008-11.org.linux-kvm:%s", vm->uuid   ? vm->uuid
                                                                            : vm->name ? vm->name
                                                                                       : "");
        if (iscsi && d->auth_user) {
            probe_iscsi_chap(dst, d, initiator, vp, rel);
            continue;
        }
        if (nfs) {
            const char *uid = d->identity_user ? d->identity_user : quid;
            const char *gid = d->identity_group ? d->identity_group : qgid;
            const char *args[] = { d->hosts[0].name,
                                   d->source_name ? d->source_name : "/",
                                   uid,
                                   gid,
                                   vp->readonly ? "r" : "rw",
                                   NULL };
            r = mc_host_call(dst, MC_OP_NFS_STAT, args, timeout, &a, &err);
        } else if (iscsi) {
            snprintf(port, sizeof(port), "%lld",
                     (long long)(d->hosts[0].port ? d->hosts[0].port : 3260));
            const char *args[] = { d->hosts[0].name, port, d->source_name ? d->source_name : "",
                                   initiator, NULL };
            r = mc_host_call(dst, MC_OP_ISCSI_LUN, args, timeout, &a, &err);
        } else if (d->hosts[0].port) {
            const char *via = NULL;
            r = mc_host_tcp_connect(dst, d->hosts[0].name, (int)d->hosts[0].port, 3000, &a, &via,
                                    &err);
        } else {
            vp->exists_probe = MC_PROBE_UNSUPPORTED;
            mc_set_fmt(&vp->exists_detail, "no port to probe for a %s disk", d->protocol);
            continue;
        }
        if (r < 0) {
            vp->exists_probe = MC_PROBE_ERROR;
            mc_set_str(&vp->exists_detail, err.message);
            continue;
        }
        bool answered = mc_answer_network(vp, d->protocol, as_qemu, a.words, &names);
        mc_answer_clear(&a);
        if (answered)
            continue;
        /* No libnfs/libiscsi on DST: QEMU's own block layer there opens the disk. */
        int64_t uid = d->identity_user      ? identity_id(d->identity_user, dos, false)
                      : dos->qemu_uid_known ? dos->qemu_uid
                                            : -1;
        int64_t gid = d->identity_group     ? identity_id(d->identity_group, dos, true)
                      : dos->qemu_uid_known ? dos->qemu_gid
                                            : -1;
        if (nfs && (uid < 0 || gid < 0)) {
            vp->exists_probe = MC_PROBE_ERROR;
            mc_set_fmt(&vp->exists_detail,
                       "the ids QEMU presents to the NFS server (%s:%s) are not known on %s, so a "
                       "probe could not present what QEMU will",
                       d->identity_user ? d->identity_user : "the QEMU user",
                       d->identity_group ? d->identity_group : "its group", dst->spec.label);
            continue;
        }
        _cleanup_free_ char *json = blockdev_json(d, uid, gid, initiator);
        if (!json) {
            vp->exists_probe = MC_PROBE_ERROR;
            mc_set_fmt(&vp->exists_detail, "cannot describe %s to QEMU", vp->src_path);
            continue;
        }
        /* The process runs as QEMU's user (its source port, its groups), when known. */
        char puid[24] = "0", pgid[24] = "0";
        if (dos->qemu_uid_known) {
            snprintf(puid, sizeof(puid), "%lld", (long long)dos->qemu_uid);
            snprintf(pgid, sizeof(pgid), "%lld", (long long)dos->qemu_gid);
        }
        const char *qargs[] = {
            json, vp->readonly ? "r" : "rw", vm->emulator ? vm->emulator : "", puid, pgid, NULL
        };
        r = mc_host_call(dst, MC_OP_QEMU_OPEN, qargs, timeout, &a, &err);
        if (r < 0) {
            vp->exists_probe = MC_PROBE_ERROR;
            mc_set_str(&vp->exists_detail, err.message);
            continue;
        }
        if (!mc_answer_qemu_open(vp, json, vp->readonly, strtoll(puid, NULL, 10),
                                 strtoll(pgid, NULL, 10), a.words, &names)) {
            vp->exists_probe = MC_PROBE_UNSUPPORTED;
            mc_set_fmt(&vp->exists_detail,
                       "reaching a %s server from %s needs migcheck there or QEMU's qemu-io or "
                       "emulator (the %s agent found none)",
                       d->protocol, dst->spec.label, dst->sess.kind);
        }
        mc_answer_clear(&a);
    }
}

/*
 * Paths the domain needs on DST besides its storage (rel->host_paths): stat each one (for a
 * created file or socket: its directory and the path itself), then, for a file that will be
 * created, do what its creator will (virtlogd or libvirtd as root, or the QEMU user): open the
 * existing file for writing, or create and remove a test file in the directory. NVRAM that
 * already exists is used as it is (QEMU's open of it is storage.qemu-access's). An agent that
 * cannot act as another user says so: the rule then says what was proved (the directory
 * exists) and what was not.
 */
/* How long a connection to a vhost-user backend's socket may take on DST (a full backlog: the
 * backend does not accept). */
#define UNIX_CONNECT_MS 3000

static void probe_host_paths(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                             struct mc_pair_facts *rel, int timeout)
{
    struct mc_answer_hosts names = hosts_of(src, dst);
    struct pending *st = NULL, *cr = NULL;
    size_t nst = 0, ncr = 0;
    for (size_t i = 0; i < rel->n_host_paths; i++) {
        struct mc_host_path *hp = &rel->host_paths[i];
        if (hp->action && strcmp(hp->action, "link") == 0)
            continue;
        const char *what = hp->dir ? hp->dir : hp->path;
        if (!what || what[0] != '/')
            continue;
        const char *args[] = { what, NULL };
        struct pending *p = MC_APPEND(st, nst);
        p->id = mc_host_send(dst, MC_OP_STAT, args);
        p->path = i;
        p->arg = mc_xstrdup(what);
        bool mkdir = hp->action && strcmp(hp->action, "mkdir") == 0;
        if (hp->dir && hp->path && hp->path[0] == '/' && !mkdir) {
            const char *fargs[] = { hp->path, NULL };
            p = MC_APPEND(st, nst);
            p->id = mc_host_send(dst, MC_OP_STAT, fargs);
            p->path = i;
            p->cand = 1; /* the file itself */
            p->arg = mc_xstrdup(hp->path);
        }
    }
    for (size_t k = 0; k < nst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, st[k].id, timeout, &w, rel, "vm/host-paths") < 0)
            break;
        if (st[k].cand == 1)
            mc_answer_host_file_stat(&rel->host_paths[st[k].path], w);
        else
            mc_answer_host_path_stat(&rel->host_paths[st[k].path], st[k].arg, w, &names);
    }
    /* A vhost-user backend's socket that exists: connect to it as QEMU will when it starts
     * there (a stale socket, its backend gone, refuses), then close. */
    struct pending *cn = NULL;
    size_t ncn = 0;
    char ms[16];
    snprintf(ms, sizeof(ms), "%d", UNIX_CONNECT_MS);
    for (size_t i = 0; i < rel->n_host_paths; i++) {
        struct mc_host_path *hp = &rel->host_paths[i];
        if (!mc_host_path_connect_tested(hp) || hp->probe != MC_PROBE_OK || !hp->path ||
            hp->path[0] != '/')
            continue;
        const char *args[] = { hp->path, ms, vm && vm->emulator ? vm->emulator : "", NULL };
        struct pending *p = MC_APPEND(cn, ncn);
        p->id = mc_host_send(dst, MC_OP_UNIX_CONNECT, args);
        p->path = i;
    }
    for (size_t k = 0; k < ncn; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, cn[k].id, timeout, &w, rel, "vm/host-paths") < 0)
            break;
        mc_answer_unix_connect(&rel->host_paths[cn[k].path], w, &names);
    }
    pendings_free(cn, ncn);
    _cleanup_free_ char *token = mc_random_hex(8);
    for (size_t i = 0; i < rel->n_host_paths; i++) {
        struct mc_host_path *hp = &rel->host_paths[i];
        if (!hp->dir || hp->probe != MC_PROBE_OK || !hp->type || strcmp(hp->type, "dir") != 0)
            continue;
        bool exists = hp->file_probe == MC_PROBE_OK;
        bool is_file = exists && hp->file_type && strcmp(hp->file_type, "file") == 0;
        bool bind = hp->action && strcmp(hp->action, "bind") == 0;
        if (exists && hp->role && strcmp(hp->role, "nvram-vars") == 0) {
            hp->create_probe = MC_PROBE_OK;
            mc_set_fmt(&hp->create_detail, "'%s' exists on %s: libvirt uses it as it is", hp->path,
                       dst->spec.label);
            continue;
        }
        /* ivshmem-plain's /dev/shm/NAME that is a directory: QEMU makes a temporary file in it
         * (mkstemp, unlinked) and starts, so the test creates there (measured on QEMU 7.2). */
        bool shmem_dir = exists && hp->role && strcmp(hp->role, "shmem") == 0 && hp->file_type &&
                         strcmp(hp->file_type, "dir") == 0;
        if (exists && !is_file && !bind && !shmem_dir) {
            hp->create_probe = MC_PROBE_FAILED;
            mc_set_fmt(&hp->create_detail, "'%s' on %s is a %s, not a file", hp->path,
                       dst->spec.label, hp->file_type ? hp->file_type : "?");
            continue;
        }
        if (hp->uid < 0 || hp->gid < 0) {
            hp->create_probe = MC_PROBE_ERROR;
            mc_set_fmt(&hp->create_detail, "the ids of %s on %s are not known",
                       hp->creator ? hp->creator : "the QEMU user", dst->spec.label);
            continue;
        }
        char uid[24], gid[24];
        snprintf(uid, sizeof(uid), "%lld", (long long)hp->uid);
        snprintf(gid, sizeof(gid), "%lld", (long long)hp->gid);
        struct pending *p = MC_APPEND(cr, ncr);
        p->path = i;
        if (is_file && !bind) {
            /* An existing output or log is opened for appending, an existing shmem file
             * read-write: no entry is created. The stat gave its size (vm.created-files). */
            const char *args[] = { hp->path, uid, gid, "rw", NULL };
            p->id = mc_host_send(dst, MC_OP_OPEN, args);
            p->cand = 1;
        } else if (shmem_dir) {
            const char *args[] = { hp->path, token, uid, gid, NULL };
            p->id = mc_host_send(dst, MC_OP_CREATE_TEST, args);
            p->cand = 3;
        } else {
            const char *args[] = { hp->dir, token, uid, gid, NULL };
            p->id = mc_host_send(dst, MC_OP_CREATE_TEST, args);
        }
        if (hp->action && strcmp(hp->action, "mkdir") == 0) {
            /* memory_backing_dir: the RAM file QEMU makes there needs room (vm.created-files).
             * Sent after the create test, answered in the same order. */
            const char *sargs[] = { hp->dir, NULL };
            p = MC_APPEND(cr, ncr);
            p->path = i;
            p->cand = 2;
            p->id = mc_host_send(dst, MC_OP_STATVFS, sargs);
        }
    }
    for (size_t k = 0; k < ncr; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, cr[k].id, timeout, &w, rel, "vm/host-paths") < 0)
            break;
        if (cr[k].cand == 2)
            mc_answer_statvfs(&rel->host_paths[cr[k].path], w, &names);
        else if (cr[k].cand == 1)
            mc_answer_open_existing(&rel->host_paths[cr[k].path], w, &names);
        else if (cr[k].cand == 3)
            mc_answer_create_test_in(&rel->host_paths[cr[k].path], rel->host_paths[cr[k].path].path,
                                     w, &names);
        else
            mc_answer_create_test(&rel->host_paths[cr[k].path], w, &names);
    }
    pendings_free(st, nst);
    pendings_free(cr, ncr);
}

static void probe_name(struct mc_host *src, struct mc_host *dst, struct mc_pair_facts *rel,
                       int timeout)
{
    const char *mh = dst->facts->virt.qemu_conf.migration_host;
    const char *name = mh && *mh ? mh : dst->facts->virt.hostname;
    struct mc_name_probe *np = &rel->dst_name;
    if (!name) {
        np->probe = MC_PROBE_ERROR;
        mc_set_str(&np->detail, "the destination's host name is not known");
        return;
    }
    mc_set_str(&np->name, name);
    const char *args[] = { name, NULL };
    _cleanup_strv_free_ char **w = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (host_call(src, MC_OP_RESOLVE, args, timeout, &w, &err) < 0) {
        np->probe = MC_PROBE_ERROR;
        mc_set_str(&np->detail, err.message);
        return;
    }
    struct mc_answer_hosts names = hosts_of(src, dst);
    mc_answer_resolve(np, w, &names);
}

/*
 * A temporary listener in the port range on DST (the migcheck agent's own, or, from the sh
 * agent, QEMU started with -incoming: the listener libvirt will start), and a connection from
 * SRC to it (the agent's connect, or a direct-tcpip channel of SRC's ssh session).
 *
 * QEMU's start takes a good part of a second on a loaded host, so for the sh agent the listener
 * runs in a second session to DST, opened with the facts when the host set was asked to
 * (want_channel), and started there as soon as it opened (listen_for: DST's qemu.conf read in
 * that session, the source's domain's emulator known), while the other probes use the first;
 * listen_begin takes it over, the connection from SRC comes after the other probes
 * (listen_end). The migcheck agent's listener is up at once: it runs in DST's own session, in
 * turn.
 */
struct listen_job {
    struct mc_host *dst;
    char **args; /* mc_listen_argv */
    int timeout;
    struct mc_session ch; /* the second session, when ch_up */
    bool ch_up, thread_up, early;
    pthread_t thread;
    unsigned id;
    int r;               /* of the first answer */
    char **w;            /* the first answer: listening PORT ADDRESS, or why not */
    struct mc_error err; /* when r < 0 */
    /* The connection from SRC, made early (listen_early_connect) when connected is set. */
    bool connected;
    char *host;
    int cr;
    struct mc_answer c;
    const char *via;
    struct mc_error cerr;
};

static bool strv_equal(char *const *a, char *const *b)
{
    for (; a && *a && b && *b; a++, b++)
        if (strcmp(*a, *b) != 0)
            return false;
    return !(a && *a) && !(b && *b);
}

static void *listen_thread(void *arg)
{
    struct listen_job *j = arg;
    _cleanup_error_ struct mc_error cerr = { 0 };
    _cleanup_strv_free_ char **early_args = NULL;
    unsigned early = 0;
    if (mc_host_take_channel(j->dst, &j->ch, &early, &early_args, &cerr) < 0) {
        /* listen_end asks DST's own session instead. */
        return NULL;
    }
    j->ch_up = true;
    if (early && !strv_equal(early_args, j->args)) {
        /*
         * Started with other arguments than the facts now say (qemu.conf changed in between):
         * that session ends without its answer, QEMU at its deadline; a session of its own
         * for the right one.
         */
        close(j->ch.in_fd);
        j->ch.in_fd = -1;
        mc_host_channel_close(&j->ch);
        j->ch_up = false;
        early = 0;
        if (mc_host_open_channel(j->dst, &j->ch, &cerr) < 0)
            return NULL;
        j->ch_up = true;
    }
    j->early = early != 0;
    j->id =
        early ? early : mc_host_channel_send(&j->ch, MC_OP_LISTEN, (const char *const *)j->args);
    j->r = mc_session_recv(&j->ch, j->id, j->timeout, &j->w, &j->err);
    return NULL;
}

static void listen_begin(struct mc_host *dst, const struct mc_vm_facts *vm, int timeout,
                         struct listen_job *j)
{
    *j = (struct listen_job){ .dst = dst, .timeout = timeout };
    j->args = mc_listen_argv(&dst->facts->virt.qemu_conf, vm->emulator);
    if (dst->sess.kind && strcmp(dst->sess.kind, "migcheck") == 0)
        return;
    j->thread_up = pthread_create(&j->thread, NULL, listen_thread, j) == 0;
}

/* The name SRC connects to for DST's migration port: DST's name as probe_name took it. */
static const char *migration_host(const struct mc_host *dst, const struct mc_pair_facts *rel)
{
    const char *host = rel->dst_name.name ? rel->dst_name.name : dst->spec.host;
    return host ? host : "localhost";
}

/*
 * The sh agent's listener runs in a second session of its own (listen_thread): once it
 * listens, SRC's connection to it needs neither DST's session nor the probes still running
 * there (network disks, host paths), so the source's thread makes it as soon as DST's name is
 * known, while those run. listen_end applies the answers in the same order as ever.
 */
static void listen_early_connect(struct mc_host *src, struct mc_host *dst, struct listen_job *j,
                                 const struct mc_pair_facts *rel)
{
    if (!j->thread_up || mc_interrupt_pending())
        return;
    pthread_join(j->thread, NULL);
    j->thread_up = false;
    if (!j->ch_up || j->r < 0 || mc_interrupt_pending())
        return;
    struct mc_answer_hosts names = hosts_of(src, dst);
    struct mc_port_probe scratch = { 0 };
    int ok = mc_answer_listen(&scratch, j->w, "-", &names);
    int64_t port = scratch.port;
    free(scratch.detail);
    if (!ok)
        return;
    j->host = mc_xstrdup(migration_host(dst, rel));
    j->cr = mc_host_tcp_connect(src, j->host, (int)port, 3000, &j->c, &j->via, &j->cerr);
    j->connected = true;
}

/* The listener is up (or not) on ls: the connection from SRC, then the listener's last word. */
static void listen_connect(struct mc_host *src, struct mc_host *dst, struct listen_job *j,
                           struct mc_session *ls, struct mc_port_probe *pp, const char *host)
{
    struct mc_answer_hosts names = hosts_of(src, dst);
    _cleanup_free_ char *range = mc_xasprintf("%s-%s", j->args[1], j->args[2]);
    if (j->r < 0) {
        pp->probe = MC_PROBE_ERROR;
        mc_set_str(&pp->detail, j->err.message);
        return;
    }
    if (!mc_answer_listen(pp, j->w, range, &names))
        return;
    const char *listener = dst->sess.kind && strcmp(dst->sess.kind, "migcheck") == 0
                               ? "the migcheck agent's listener"
                               : "QEMU started with -incoming";
    debug(dst, "probes: listener on %s port %lld (%s%s)", dst->spec.label, (long long)pp->port,
          listener,
          ls == &dst->sess ? ""
          : j->early       ? ", in a second session, started with it"
                           : ", in a second session");
    struct mc_answer c = { 0 };
    const char *via = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    int r;
    if (j->connected && strcmp(j->host, host) == 0) {
        r = j->cr;
        c = j->c;
        j->c = (struct mc_answer){ 0 };
        via = j->via;
        err = j->cerr;
        j->cerr = (struct mc_error){ 0 };
    } else {
        r = mc_host_tcp_connect(src, host, (int)pp->port, 3000, &c, &via, &err);
    }
    if (r < 0) {
        pp->probe = MC_PROBE_ERROR;
        mc_set_str(&pp->detail, err.message);
    } else {
        mc_answer_connect(pp, c.words, via, &names);
    }
    mc_answer_clear(&c);
    /* The listener answers once more: accepted, or timeout. */
    _cleanup_strv_free_ char **fin = NULL;
    _cleanup_error_ struct mc_error ferr = { 0 };
    if (mc_session_recv(ls, j->id, j->timeout, &fin, &ferr) == 0)
        mc_answer_listen_end(pp, fin, listener, &names);
}

/* Joins listen_begin's thread (when interrupted too) and ends its session. */
static void listen_end(struct mc_host *src, struct mc_host *dst, struct listen_job *j,
                       struct mc_port_probe *pp, const char *host)
{
    if (j->thread_up)
        pthread_join(j->thread, NULL);
    if (!mc_interrupt_pending()) {
        mc_set_str(&pp->host, host);
        if (!j->ch_up) {
            j->id = mc_host_send(dst, MC_OP_LISTEN, (const char *const *)j->args);
            j->r = host_recv(dst, j->id, j->timeout, &j->w, &j->err);
        }
        listen_connect(src, dst, j, j->ch_up ? &j->ch : &dst->sess, pp, host);
    }
    mc_strv_free(TAKE_PTR(j->w));
    mc_strv_free(TAKE_PTR(j->args));
    mc_error_clear(&j->err);
    free(TAKE_PTR(j->host));
    mc_answer_clear(&j->c);
    mc_error_clear(&j->cerr);
    if (j->ch_up)
        mc_host_channel_close(&j->ch);
    j->ch_up = false;
}

/* libvirtd's port on DST from SRC (tcp/tls transports, peer-to-peer). */
static void probe_libvirtd_port(struct mc_host *src, struct mc_host *dst, struct mc_port_probe *lp,
                                const char *host, int64_t port)
{
    struct mc_answer_hosts names = hosts_of(src, dst);
    mc_set_str(&lp->host, host);
    lp->port = port;
    struct mc_answer c = { 0 };
    const char *via = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_host_tcp_connect(src, host, (int)port, 3000, &c, &via, &err) < 0) {
        lp->probe = MC_PROBE_ERROR;
        mc_set_str(&lp->detail, err.message);
    } else {
        mc_answer_connect(lp, c.words, via, &names);
    }
    mc_answer_clear(&c);
}

static void compare_cpu(struct mc_host *j, const struct mc_vm_facts *vm, struct mc_pair_cpu *out)
{
    if (!j->conn) {
        out->probe = MC_PROBE_ERROR;
        mc_set_fmt(&out->detail, "no libvirt connection to %s", j->spec.label);
        return;
    }
    if (!j->conn_rw) {
        out->probe = MC_PROBE_ERROR;
        mc_set_fmt(&out->detail,
                   "the libvirt connection to %s is read-only; comparing CPUs needs "
                   "read-write access",
                   j->spec.label);
        return;
    }
    struct mc_cpu_compare res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_virt_compare_cpu(j->conn, vm, &res, &err) < 0) {
        out->probe = MC_PROBE_ERROR;
        mc_set_str(&out->detail, err.message);
        return;
    }
    switch (res.result) {
    case MC_CPU_COMPARE_ERROR:
        out->probe = MC_PROBE_ERROR;
        mc_set_str(&out->detail, res.message);
        break;
    case MC_CPU_COMPARE_NO_MODEL:
        out->probe = MC_PROBE_OK;
        out->result = MC_CPU_RESULT_NO_MODEL;
        mc_set_str(&out->message, res.message);
        break;
    default:
        out->probe = MC_PROBE_OK;
        out->result = res.result == MC_CPU_COMPARE_IDENTICAL  ? MC_CPU_RESULT_IDENTICAL
                      : res.result == MC_CPU_COMPARE_SUPERSET ? MC_CPU_RESULT_SUPERSET
                                                              : MC_CPU_RESULT_INCOMPATIBLE;
        mc_set_str(&out->message, res.message);
        mc_strv_free(out->missing);
        out->missing = mc_strv_copy(res.missing_features);
        break;
    }
    mc_cpu_compare_clear(&res);
}

struct cpu_job {
    struct mc_host *src, *dst;
    const struct mc_vm_facts *vm;
    struct mc_pair_facts *rel;
};

static void *cpu_thread(void *arg)
{
    struct cpu_job *c = arg;
    compare_cpu(c->dst, c->vm, &c->rel->cpu);
    /* On the source too: features it lacks as well are not really used by the guest. */
    struct mc_pair_cpu on_src = { 0 };
    compare_cpu(c->src, c->vm, &on_src);
    if (on_src.probe == MC_PROBE_OK) {
        mc_strv_free(c->rel->cpu.missing_src);
        c->rel->cpu.missing_src = mc_strv_copy(on_src.missing);
    }
    c->rel->cpu_src = on_src;
    return NULL;
}

/* Which ROMs the VM loads, hashed on the source (virt.rom-size compares their sizes). */
static void hash_roms(struct mc_host *src, const struct mc_vm_facts *vm, struct mc_pair_facts *rel,
                      int timeout)
{
    _cleanup_strv_free_ char **spec = mc_os_rom_hash_spec(vm);
    if (!spec || !spec[0])
        return;
    const char *const *specs[] = { (const char *const *)spec, NULL };
    _cleanup_(mc_source_freep) struct mc_source *dump = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_session_probe(&src->sess, specs, timeout, &dump, &err) < 0) {
        mc_pair_add_error(rel, "os/roms", err.code, "%s", err.message);
        return;
    }
    mc_os_hash_vm_roms(dump, src->facts);
}

/*
 * Whether DST's private secrets the domain refers to have a value: libvirt will not say, but
 * their value files in the secret driver's directory do (listed, never read).
 */
static void probe_secret_values(struct mc_host *dst, const struct mc_vm_facts *vm,
                                struct mc_pair_facts *rel, int timeout)
{
    bool wanted = false;
    const struct mc_virt_facts *v = &dst->facts->virt;
    for (size_t i = 0; i < v->n_secrets; i++)
        if (v->secrets[i].private_ && v->secrets[i].value &&
            strcmp(v->secrets[i].value, "unknown") == 0)
            wanted = true;
    if (!wanted || !vm->n_secret_refs)
        return;
    const char *const *specs[] = { mc_virt_secret_value_spec, NULL };
    _cleanup_(mc_source_freep) struct mc_source *dump = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_session_probe(&dst->sess, specs, timeout, &dump, &err) < 0) {
        mc_pair_add_error(rel, "virt/secrets", err.code, "%s", err.message);
        return;
    }
    mc_virt_secret_values_from(dump, dst->facts);
}

/*
 * The probes that need only SRC's session (the ROM hashes, the resolution of DST's name) run in
 * a thread of their own while DST's session runs DST's (network disks, host paths, secrets):
 * each session still serves one thread at a time, and the agents on the two hosts work at the
 * same time. The ROM hashes' errors go to a list of the thread's own, merged after the join.
 */
struct src_job {
    struct mc_host *src, *dst;
    const struct mc_vm_facts *vm;
    struct mc_pair_facts *rel;  /* only rel->dst_name is written */
    struct mc_pair_facts *errs; /* the ROM hashes' errors */
    struct listen_job *lj;      /* the sh agent's listener: connected to from here */
    int timeout;
    double t_roms, t_name, t_connect;
};

static void *src_thread(void *arg)
{
    struct src_job *j = arg;
    double t = mc_now();
    hash_roms(j->src, j->vm, j->errs, j->timeout);
    j->t_roms = mc_now() - t;
    t = mc_now();
    if (!mc_interrupt_pending())
        probe_name(j->src, j->dst, j->rel, j->timeout);
    j->t_name = mc_now() - t;
    t = mc_now();
    listen_early_connect(j->src, j->dst, j->lj, j->rel);
    j->t_connect = mc_now() - t;
    return NULL;
}

static void live_probes(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                        struct mc_pair_facts *rel, const struct mc_check_opts *copts, int timeout)
{
    struct cpu_job cj = { .src = src, .dst = dst, .vm = vm, .rel = rel };
    pthread_t ct;
    bool cpu_thread_up = pthread_create(&ct, NULL, cpu_thread, &cj) == 0;
    if (!cpu_thread_up)
        cpu_thread(&cj);

    struct listen_job lj;
    listen_begin(dst, vm, timeout, &lj);

    /* -v: what each phase costs (a probe that waits for its deadline shows here) */
    double t = mc_now();
#define PHASE(what)                                                                                \
    do {                                                                                           \
        debug(src, "probes: %s in %.3f s", what, mc_now() - t);                                    \
        t = mc_now();                                                                              \
    } while (0)
    probe_storage(src, dst, rel, timeout);
    PHASE("storage");
    struct src_job sj = { .src = src,
                          .dst = dst,
                          .vm = vm,
                          .rel = rel,
                          .errs = mc_pair_facts_new(),
                          .lj = &lj,
                          .timeout = timeout };
    pthread_t st;
    bool src_thread_up = pthread_create(&st, NULL, src_thread, &sj) == 0;
    if (!mc_interrupt_pending())
        probe_network_disks(src, dst, vm, rel, timeout);
    PHASE("network disks");
    if (!mc_interrupt_pending())
        probe_host_paths(src, dst, vm, rel, timeout);
    PHASE("host paths");
    if (!mc_interrupt_pending())
        probe_secret_values(dst, vm, rel, timeout);
    PHASE("secret values");
    if (src_thread_up)
        pthread_join(st, NULL);
    else
        src_thread(&sj);
    for (size_t i = 0; i < sj.errs->n_errors; i++) {
        const struct mc_fact_error *e = &sj.errs->errors[i];
        mc_pair_add_error(rel, e->area, (int)e->err, "%s", e->message ? e->message : "");
    }
    mc_pair_facts_free(sj.errs);
    debug(src,
          "probes: on %s meanwhile: ROM hashes in %.3f s, name resolution in %.3f s, the "
          "connection to %s's listener in %.3f s",
          src->spec.label, sj.t_roms, sj.t_name, dst->spec.label, sj.t_connect);
    PHASE("the source's probes (the rest of them)");

    const char *host = migration_host(dst, rel);
    listen_end(src, dst, &lj, &rel->migration_port, host);
    if (!mc_interrupt_pending() && ((copts->transport && (strcmp(copts->transport, "tcp") == 0 ||
                                                          strcmp(copts->transport, "tls") == 0)) ||
                                    copts->p2p)) {
        int64_t port = copts->transport && strcmp(copts->transport, "tls") == 0 ? 16514 : 16509;
        probe_libvirtd_port(src, dst, &rel->libvirtd_port, dst->spec.host ? dst->spec.host : host,
                            port);
    }
    PHASE("ports");
    if (cpu_thread_up)
        pthread_join(ct, NULL);
    PHASE("CPU comparison (the rest of it)");
#undef PHASE
}

/*
 * Block devices the VM uses (WWN, serial, multipath WWID) are gathered once the VM is known: from
 * the sh agent's dump, which holds every block device, or, from the native agent, through one
 * more probe request for the storage spec.
 */
static void regather_storage(struct mc_host *j, const struct mc_vm_facts *vm, int timeout)
{
    if (!vm)
        return;
    bool has_block = false;
    for (size_t i = 0; i < vm->n_disks; i++)
        if (vm->disks[i].type && strcmp(vm->disks[i].type, "block") == 0)
            has_block = true;
    if (!has_block)
        return;
    _cleanup_(mc_source_freep) struct mc_source *probed = NULL;
    struct mc_source *src = j->dump;
    if (!src) {
        const char *const *specs[] = { mc_storage_probe_spec, NULL };
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_session_probe(&j->sess, specs, timeout, &probed, &err) < 0) {
            mc_facts_add_error(j->facts, "storage/blockdevs", err.code, "%s", err.message);
            return;
        }
        src = probed;
    }
    struct mc_vm_facts *saved = j->facts->vm;
    j->facts->vm = (struct mc_vm_facts *)vm;
    mc_storage_facts_clear(&j->facts->storage);
    mc_storage_gather(src, j->facts);
    j->facts->vm = saved;
}

int mc_gather_pair(struct mc_host *src, struct mc_host *dst, const struct mc_pair_gather_opts *o,
                   struct mc_pair_facts **ret_rel, struct mc_error *reterr)
{
    if (src->rc != 0 || dst->rc != 0)
        return mc_error_set(reterr, -ENOTCONN, "'%s' is not open",
                            (src->rc != 0 ? src : dst)->spec.label);
    const struct mc_vm_facts *vm = src->facts->vm;
    if (!vm)
        return mc_error_set(reterr, -EINVAL, "no domain facts from '%s'", src->spec.label);
    int timeout = mc_hostset_options(src->set)->timeout_ms;
    regather_storage(src, vm, timeout);
    regather_storage(dst, vm, timeout);

    struct mc_pair_facts *rel = mc_pair_facts_new();
    char buf[64];
    rel->src_agent = mc_xstrdup(mc_host_agent_label(src, buf, sizeof(buf)));
    rel->dst_agent = mc_xstrdup(mc_host_agent_label(dst, buf, sizeof(buf)));
    mc_relate_paths(src->facts, dst->facts, vm, rel);
    if (vm->emulator) {
        /* The emulator binary: stat it on DST with the other paths (virt.emulator). */
        struct mc_vm_path *ep = MC_APPEND(rel->paths, rel->n_paths);
        ep->subject = mc_xstrdup("emulator");
        ep->role = mc_xstrdup("emulator");
        ep->disk_type = mc_xstrdup("file");
        ep->readonly = true;
        ep->src_path = mc_xstrdup(vm->emulator);
        mc_strv_add(&ep->candidates, vm->emulator);
    }
    /* check --predict: the source's measurement runs while the probes do (gather/predict.h). */
    struct mc_predict_job *pj = NULL;
    if (o->check && o->check->predict_ms > 0 && !o->check->offline) {
        _cleanup_error_ struct mc_error perr = { 0 };
        struct mc_predict_watch w = {
            .predict_ms = o->check->predict_ms,
            .max_ms = o->check->predict_max_ms,
            .cap_mib = o->check->migration.bandwidth_mib,
        };
        if (mc_predict_begin(src, dst, vm, &w, timeout, &pj, &perr) < 0) {
            rel->predict.probe = MC_PROBE_ERROR;
            rel->predict.detail = mc_xstrdup(perr.message);
        }
    }
    if (o->probes) {
        double tp = mc_now();
        rel->live = true;
        live_probes(src, dst, vm, rel, o->check, timeout);
        if (mc_hostset_options(src->set)->verbose > 0)
            fprintf(stderr, "migcheck: debug: live probes in %.3f s\n", mc_now() - tp);
    }
    if (pj) {
        double tp = mc_now();
        mc_predict_end(pj, rel->dst_name.name, &rel->predict);
        if (mc_hostset_options(src->set)->verbose > 0)
            fprintf(stderr, "migcheck: debug: prediction's measurements done %.3f s later\n",
                    mc_now() - tp);
    }
    *ret_rel = rel;
    return 0;
}
