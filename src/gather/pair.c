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

#include "agent/ops.h"
#include "agent/proto.h"
#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "checker/relate.h"
#include "config.h"
#include "gather.h"
#include "hosts/hostset.h"
#include "network/network.h"
#include "os/os.h"
#include "pair.h"
#include "hosts/session.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/fileio.h"
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

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = mc_xstrdup_or_null(v);
}

static void set_fmt(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fmt(char **dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(*dst);
    *dst = mc_xvasprintf(fmt, ap);
    va_end(ap);
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

static int recv_words(struct mc_host *h, unsigned id, int timeout, char ***w,
                      struct mc_pair_facts *rel, const char *what)
{
    _cleanup_error_ struct mc_error err = { 0 };
    int r = host_recv(h, id, timeout, w, &err);
    if (r < 0)
        mc_pair_add_error(rel, what, r, "%s", err.message);
    return r;
}

/* A random token of 2 * n hex digits (n <= 16) in buf (2 * n + 1 bytes): names probe files. */
static void random_token(char *buf, size_t n)
{
    unsigned char raw[16] = { 0 };
    FILE *f = fopen("/dev/urandom", "re");
    if (!f || fread(raw, 1, n, f) != n)
        for (size_t i = 0; i < n; i++)
            raw[i] = (unsigned char)(rand() & 0xff);
    if (f)
        fclose(f);
    for (size_t i = 0; i < n; i++)
        snprintf(buf + 2 * i, 3, "%02x", raw[i]);
}

static void probe_storage(struct mc_host *src, struct mc_host *dst, struct mc_pair_facts *rel,
                          int timeout)
{
    char token[33];
    random_token(token, 16);

    /* Batch 1: canaries on SRC, sizes on SRC, stat of every candidate on DST. */
    _cleanup_strv_free_ char **dirs = NULL;
    struct pending *wr = NULL, *sst = NULL, *dst_st = NULL;
    size_t nwr = 0, nsst = 0, ndst = 0;
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!is_file_path(vp))
            continue;
        if (canary_role(vp)) {
            _cleanup_free_ char *d = dir_of(vp->src_path);
            if (!mc_strv_contains(dirs, d)) {
                mc_strv_add(&dirs, d);
                const char *args[] = { d, token, NULL };
                struct pending *p = MC_APPEND(wr, nwr);
                p->id = mc_host_send(src, MC_OP_CANARY_WRITE, args);
                p->arg = mc_xstrdup(d);
            }
        }
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
        if (reply_is(w, MC_REPLY_OK))
            mc_strv_add(&written, wr[k].arg);
        else
            mc_pair_add_error(rel, "storage/canary", EACCES,
                              "cannot write a canary file in '%s' on '%s': %s", wr[k].arg,
                              src->spec.label, w[1] ? w[1] : w[0]);
    }
    for (size_t k = 0; k < nsst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(src, sst[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        if (reply_is(w, MC_REPLY_OK) && mc_strv_length(w) >= 3)
            rel->paths[sst[k].path].src_size = strtoll(w[2], NULL, 10);
    }
    /* Per path: which candidates exist on DST. */
    bool *exists = mc_new0(bool, ndst + 1);
    for (size_t k = 0; k < ndst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, dst_st[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[dst_st[k].path];
        if (reply_is(w, MC_REPLY_OK)) {
            exists[k] = true;
            bool chosen = vp->dst_path ? strcmp(vp->dst_path, dst_st[k].arg) == 0
                                       : strcmp(vp->src_path, dst_st[k].arg) == 0;
            if (chosen || vp->exists_probe != MC_PROBE_OK) {
                vp->exists_probe = MC_PROBE_OK;
                set_fmt(&vp->exists_detail, "'%s' exists on %s (%s, %s bytes)", dst_st[k].arg,
                        dst->spec.label, w[1] ? w[1] : "?", w[2] ? w[2] : "?");
                if (mc_strv_length(w) >= 3)
                    vp->dst_size = strtoll(w[2], NULL, 10);
            }
        } else if (vp->exists_probe == MC_PROBE_NOT_RUN) {
            vp->exists_probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
            set_fmt(&vp->exists_detail, "'%s' on %s: %s", dst_st[k].arg, dst->spec.label,
                    w[1] ? w[1] : w[0]);
        }
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
    for (size_t k = 0; k < nrd; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, rd[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[rd[k].path];
        if (reply_is(w, MC_REPLY_OK) && w[1] && strcmp(w[1], "match") == 0) {
            /* Prefer the same path when several candidates see the canary. */
            bool better = !seen[rd[k].path] || strcmp(rd[k].arg, vp->src_path) == 0;
            seen[rd[k].path] = true;
            if (better) {
                set_str(&vp->dst_path, rd[k].arg);
                vp->evidence = MC_EVIDENCE_CANARY;
                _cleanup_free_ char *sd = dir_of(vp->src_path);
                _cleanup_free_ char *dd = dir_of(rd[k].arg);
                set_fmt(&vp->evidence_detail,
                        "a canary file written in '%s' on %s was read in '%s' on %s", sd,
                        src->spec.label, dd, dst->spec.label);
                mc_struct_clear(&mc_desc_store, &vp->dst_store);
                mc_relate_store_for_path(dst->facts, rd[k].arg, &vp->dst_store);
            }
        }
    }
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!is_file_path(vp) || !canary_role(vp) || seen[i])
            continue;
        _cleanup_free_ char *sdir = dir_of(vp->src_path);
        if (!mc_strv_contains(written, sdir))
            continue;
        _cleanup_free_ char *cands = mc_strv_join(vp->candidates, "', '");
        bool had_identity = vp->evidence == MC_EVIDENCE_IDENTITY;
        vp->evidence = MC_EVIDENCE_ABSENT;
        set_fmt(&vp->evidence_detail,
                "a canary file written in '%s' on %s is not visible at '%s' on %s%s", sdir,
                src->spec.label, cands, dst->spec.label,
                had_identity ? " although the stores look the same" : "");
        free(vp->dst_path);
        vp->dst_path = NULL;
    }

    /* Batch 3: can the QEMU user open it on DST; remove the canaries on SRC. */
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
    struct pending *rm = NULL;
    size_t nrm = 0;
    STRV_FOREACH (d, written) {
        _cleanup_free_ char *cpath = mc_xasprintf("%s/.migcheck-canary-%s", *d, token);
        const char *args[] = { cpath, NULL };
        struct pending *p = MC_APPEND(rm, nrm);
        p->id = mc_host_send(src, MC_OP_RM_CANARY, args);
        p->arg = mc_xstrdup(cpath);
    }
    for (size_t k = 0; k < nop; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, op[k].id, timeout, &w, rel, "storage/open") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[op[k].path];
        if (reply_is(w, MC_REPLY_OK)) {
            vp->open_probe = MC_PROBE_OK;
        } else if (reply_is(w, MC_REPLY_FAIL)) {
            vp->open_probe = MC_PROBE_FAILED;
            set_fmt(&vp->open_detail, "%s as uid %lld gid %lld", w[1] ? w[1] : "denied",
                    (long long)dos->qemu_uid, (long long)dos->qemu_gid);
        } else {
            vp->open_probe =
                reply_is(w, MC_REPLY_UNSUPPORTED) ? MC_PROBE_UNSUPPORTED : MC_PROBE_ERROR;
            set_fmt(&vp->open_detail, "the %s agent on %s cannot open files as another user",
                    dst->sess.kind, dst->spec.label);
        }
    }
    for (size_t k = 0; k < nrm; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(src, rm[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        if (!reply_is(w, MC_REPLY_OK))
            mc_pair_add_error(rel, "storage/canary", EIO, "cannot remove '%s' on '%s'", rm[k].arg,
                              src->spec.label);
    }
    free(exists);
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
static void probe_iscsi_chap(struct mc_host *dst, const struct mc_vm_facts *vm,
                             const struct mc_disk *d, const char *initiator, struct mc_vm_path *vp)
{
    (void)vm;
    if (!dst->conn || !dst->conn_rw) {
        vp->exists_probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&vp->exists_detail,
                "the disk logs in with CHAP user '%s'; reproducing that login needs a "
                "read-write libvirt connection to %s, which this check does not have",
                d->auth_user, dst->spec.label);
        return;
    }
    char token[17];
    random_token(token, 8);
    struct mc_login_probe res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_virt_iscsi_login_probe(dst->conn, d, initiator, token, &res, &err) < 0) {
        vp->exists_probe = MC_PROBE_ERROR;
        set_str(&vp->exists_detail, err.message);
        return;
    }
    const char *how = "through its libvirt (a transient iscsi-direct pool) with the disk's CHAP "
                      "credentials";
    switch (res.result) {
    case MC_LOGIN_OK:
        vp->exists_probe = MC_PROBE_OK;
        vp->evidence = MC_EVIDENCE_NETWORK;
        set_fmt(&vp->evidence_detail, "%s logged in to %s %s as '%s' and found the LUN",
                dst->spec.label, vp->src_path, how, initiator);
        vp->open_probe = MC_PROBE_OK;
        break;
    case MC_LOGIN_NO_LUN:
        vp->exists_probe = MC_PROBE_FAILED;
        set_fmt(&vp->exists_detail, "%s logged in %s, but: %s", dst->spec.label, how,
                res.message ? res.message : "no such LUN");
        break;
    case MC_LOGIN_REFUSED:
        vp->exists_probe = MC_PROBE_FAILED;
        vp->evidence = MC_EVIDENCE_REFUSED;
        set_fmt(&vp->evidence_detail, "a login from %s %s as '%s' failed: %s", dst->spec.label, how,
                initiator, res.message ? res.message : "refused");
        break;
    case MC_LOGIN_CANNOT:
        vp->exists_probe = MC_PROBE_ERROR;
        set_fmt(&vp->exists_detail,
                "a login with the disk's CHAP credentials could not be "
                "reproduced on %s: %s",
                dst->spec.label, res.message ? res.message : "?");
        break;
    }
    mc_login_probe_clear(&res);
}

/* Network disks: DST reaches the server itself (needs the migcheck agent on DST). */
static void probe_network_disks(struct mc_host *dst, const struct mc_vm_facts *vm,
                                struct mc_pair_facts *rel, int timeout)
{
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *vp = &rel->paths[i];
        if (!vp->disk_type || strcmp(vp->disk_type, "network") != 0 || !vp->target)
            continue;
        const struct mc_disk *d = NULL;
        for (size_t k = 0; k < vm->n_disks; k++)
            if (vm->disks[k].target && strcmp(vm->disks[k].target, vp->target) == 0)
                d = &vm->disks[k];
        if (!d || d->n_hosts == 0 || !d->hosts[0].name) {
            vp->exists_probe = MC_PROBE_ERROR;
            set_str(&vp->exists_detail, "the disk names no server");
            continue;
        }
        _cleanup_strv_free_ char **w = NULL;
        _cleanup_error_ struct mc_error err = { 0 };
        char port[16];
        int r;
        /* QEMU's user and initiator name, as QEMU on DST will present them. */
        char quid[24] = "-", qgid[24] = "-";
        bool as_qemu = d->identity_user != NULL;
        if (!as_qemu && dst->facts->os.qemu_uid_known) {
            /* Without <identity>, QEMU's NFS driver presents the QEMU process's own ids. */
            snprintf(quid, sizeof(quid), "%lld", (long long)dst->facts->os.qemu_uid);
            snprintf(qgid, sizeof(qgid), "%lld", (long long)dst->facts->os.qemu_gid);
            as_qemu = true;
        }
        _cleanup_free_ char *initiator =
            d->initiator_iqn ? mc_xstrdup(d->initiator_iqn)
                             : mc_xasprintf("iqn.2008-11.org.linux-kvm:%s", vm->uuid   ? vm->uuid
                                                                            : vm->name ? vm->name
                                                                                       : "");
        if (d->protocol && strcmp(d->protocol, "iscsi") == 0 && d->auth_user) {
            probe_iscsi_chap(dst, vm, d, initiator, vp);
            continue;
        }
        if (d->protocol && strcmp(d->protocol, "nfs") == 0) {
            const char *uid = d->identity_user ? d->identity_user : quid;
            const char *gid = d->identity_group ? d->identity_group : qgid;
            const char *args[] = { d->hosts[0].name,
                                   d->source_name ? d->source_name : "/",
                                   uid,
                                   gid,
                                   vp->readonly ? "r" : "rw",
                                   NULL };
            r = host_call(dst, MC_OP_NFS_STAT, args, timeout, &w, &err);
        } else if (d->protocol && strcmp(d->protocol, "iscsi") == 0) {
            snprintf(port, sizeof(port), "%lld",
                     (long long)(d->hosts[0].port ? d->hosts[0].port : 3260));
            const char *args[] = { d->hosts[0].name, port, d->source_name ? d->source_name : "",
                                   initiator, NULL };
            r = host_call(dst, MC_OP_ISCSI_LUN, args, timeout, &w, &err);
        } else {
            snprintf(port, sizeof(port), "%lld", (long long)d->hosts[0].port);
            const char *args[] = { d->hosts[0].name, port, "3000", NULL };
            r = d->hosts[0].port ? host_call(dst, MC_OP_CONNECT, args, timeout, &w, &err)
                                 : -ENOTSUP;
        }
        if (r == -ENOTSUP) {
            vp->exists_probe = MC_PROBE_UNSUPPORTED;
            set_fmt(&vp->exists_detail, "no port to probe for a %s disk",
                    d->protocol ? d->protocol : "network");
            continue;
        }
        if (r < 0) {
            vp->exists_probe = MC_PROBE_ERROR;
            set_str(&vp->exists_detail, err.message);
            continue;
        }
        if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
            vp->exists_probe = MC_PROBE_UNSUPPORTED;
            set_fmt(&vp->exists_detail,
                    "reaching a %s server from %s needs migcheck there (the %s agent cannot)",
                    d->protocol ? d->protocol : "network", dst->spec.label, dst->sess.kind);
        } else if (reply_is(w, MC_REPLY_OK)) {
            vp->exists_probe = MC_PROBE_OK;
            vp->evidence = MC_EVIDENCE_NETWORK;
            _cleanup_free_ char *rest = mc_strv_join(w + 1, " ");
            set_fmt(&vp->evidence_detail, "%s reached %s itself%s%s", dst->spec.label, vp->src_path,
                    rest[0] ? ": " : "", rest);
            vp->open_probe = MC_PROBE_OK;
        } else if (reply_is(w, MC_REPLY_FAIL) && w[1] && d->protocol &&
                   strcmp(d->protocol, "nfs") == 0 && !as_qemu &&
                   (strcmp(w[1], "EACCES") == 0 || strcmp(w[1], "EPERM") == 0)) {
            /* The probe could not present QEMU's ids: its refusal is not QEMU's. */
            _cleanup_free_ char *rest = mc_strv_join(w + 2, " ");
            vp->exists_probe = MC_PROBE_ERROR;
            set_fmt(&vp->exists_detail,
                    "the probe was refused (%s%s%s) as the agent's user, but the QEMU user's ids "
                    "on %s are not known, so it did not present what QEMU will",
                    w[1], rest[0] ? ": " : "", rest, dst->spec.label);
        } else if (reply_is(w, MC_REPLY_FAIL) && w[1] &&
                   (strcmp(w[1], "refused") == 0 || strcmp(w[1], "EACCES") == 0 ||
                    strcmp(w[1], "EPERM") == 0)) {
            _cleanup_free_ char *rest = mc_strv_join(w + 2, " ");
            vp->exists_probe = MC_PROBE_FAILED;
            vp->evidence = MC_EVIDENCE_REFUSED;
            set_fmt(&vp->evidence_detail, "%s%s%s", w[1], rest[0] ? ": " : "", rest);
        } else {
            _cleanup_free_ char *rest = mc_strv_join(w + 1, " ");
            vp->exists_probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
            set_str(&vp->exists_detail, rest);
        }
    }
}

/*
 * Paths the domain needs on DST besides its storage (rel->host_paths): stat each one (for a
 * created file or socket: its directory), then, where the directory exists, create and remove
 * a test file in it as the process that will create the real one (virtlogd or libvirtd as root,
 * or the QEMU user), which is what QEMU's start on DST will do. An agent that cannot create as
 * another user answers unsupported: the rule then says what was proved (the directory exists)
 * and what was not.
 */
static void probe_host_paths(struct mc_host *dst, struct mc_pair_facts *rel, int timeout)
{
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
    }
    for (size_t k = 0; k < nst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, st[k].id, timeout, &w, rel, "vm/host-paths") < 0)
            break;
        struct mc_host_path *hp = &rel->host_paths[st[k].path];
        if (reply_is(w, MC_REPLY_OK)) {
            hp->probe = MC_PROBE_OK;
            set_str(&hp->type, w[1]);
            set_fmt(&hp->detail, "'%s' exists on %s (%s)", st[k].arg, dst->spec.label,
                    w[1] ? w[1] : "?");
        } else {
            hp->probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
            set_fmt(&hp->detail, "'%s' on %s: %s", st[k].arg, dst->spec.label, w[1] ? w[1] : w[0]);
        }
    }
    char token[17];
    random_token(token, 8);
    for (size_t i = 0; i < rel->n_host_paths; i++) {
        struct mc_host_path *hp = &rel->host_paths[i];
        if (!hp->dir || hp->probe != MC_PROBE_OK || !hp->type || strcmp(hp->type, "dir") != 0)
            continue;
        if (hp->uid < 0 || hp->gid < 0) {
            hp->create_probe = MC_PROBE_ERROR;
            set_fmt(&hp->create_detail, "the ids of %s on %s are not known",
                    hp->creator ? hp->creator : "the QEMU user", dst->spec.label);
            continue;
        }
        char uid[24], gid[24];
        snprintf(uid, sizeof(uid), "%lld", (long long)hp->uid);
        snprintf(gid, sizeof(gid), "%lld", (long long)hp->gid);
        const char *args[] = { hp->dir, token, uid, gid, NULL };
        struct pending *p = MC_APPEND(cr, ncr);
        p->id = mc_host_send(dst, MC_OP_CREATE_TEST, args);
        p->path = i;
    }
    for (size_t k = 0; k < ncr; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(dst, cr[k].id, timeout, &w, rel, "vm/host-paths") < 0)
            break;
        struct mc_host_path *hp = &rel->host_paths[cr[k].path];
        if (reply_is(w, MC_REPLY_OK)) {
            hp->create_probe = MC_PROBE_OK;
            set_fmt(&hp->create_detail,
                    "a test file was created and removed in '%s' on %s as uid %lld gid %lld",
                    hp->dir, dst->spec.label, (long long)hp->uid, (long long)hp->gid);
        } else if (reply_is(w, MC_REPLY_FAIL)) {
            hp->create_probe = MC_PROBE_FAILED;
            set_fmt(&hp->create_detail, "%s as uid %lld gid %lld", w[1] ? w[1] : "denied",
                    (long long)hp->uid, (long long)hp->gid);
        } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
            hp->create_probe = MC_PROBE_UNSUPPORTED;
            set_fmt(&hp->create_detail, "the %s agent on %s cannot create a test file as %s",
                    dst->sess.kind, dst->spec.label, hp->creator ? hp->creator : "that user");
        } else {
            hp->create_probe = MC_PROBE_ERROR;
            set_fmt(&hp->create_detail, "the %s agent on %s could not act as %s (uid %lld): %s",
                    dst->sess.kind, dst->spec.label, hp->creator ? hp->creator : "that user",
                    (long long)hp->uid, w[1] ? w[1] : w[0]);
        }
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
        set_str(&np->detail, "the destination's host name is not known");
        return;
    }
    set_str(&np->name, name);
    const char *args[] = { name, NULL };
    _cleanup_strv_free_ char **w = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (host_call(src, MC_OP_RESOLVE, args, timeout, &w, &err) < 0) {
        np->probe = MC_PROBE_ERROR;
        set_str(&np->detail, err.message);
        return;
    }
    if (reply_is(w, MC_REPLY_OK)) {
        np->probe = MC_PROBE_OK;
        for (size_t i = 1; w[i]; i++)
            mc_strv_add(&np->addresses, w[i]);
    } else if (reply_is(w, MC_REPLY_FAIL)) {
        np->probe = MC_PROBE_FAILED;
        _cleanup_free_ char *rest = mc_strv_join(w + 1, " ");
        set_str(&np->detail, rest);
    } else {
        np->probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&np->detail, "the %s agent on %s cannot resolve names", src->sess.kind,
                src->spec.label);
    }
}

/* The agent's word for a connection's result; <= 0 when it is not one. */
static enum mc_port_result port_result(const char *word)
{
    int v = mc_enum_from_name(&mc_port_result_names, word);
    return v > 0 ? (enum mc_port_result)v : MC_PORT_UNSET;
}

/* A temporary listener in the port range on DST, a connection from SRC to it. */
static void probe_port(struct mc_host *src, struct mc_host *dst, struct mc_pair_facts *rel,
                       struct mc_port_probe *pp, const char *bind, int64_t pmin, int64_t pmax,
                       const char *host, int timeout)
{
    char smin[24], smax[24];
    snprintf(smin, sizeof(smin), "%lld", (long long)pmin);
    snprintf(smax, sizeof(smax), "%lld", (long long)pmax);
    set_str(&pp->host, host);
    const char *largs[] = { bind, smin, smax, "6000", NULL };
    unsigned lid = mc_host_send(dst, MC_OP_LISTEN, largs);
    _cleanup_strv_free_ char **w = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (host_recv(dst, lid, timeout, &w, &err) < 0) {
        pp->probe = MC_PROBE_ERROR;
        set_str(&pp->detail, err.message);
        return;
    }
    if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        pp->probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&pp->detail,
                "a temporary listener on %s needs migcheck there (the %s agent "
                "cannot)",
                dst->spec.label, dst->sess.kind);
        return;
    }
    if (!reply_is(w, MC_REPLY_LISTENING) || !w[1]) {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *rest = mc_strv_join(w, " ");
        set_fmt(&pp->detail, "no port free for a listener in %s-%s on %s: %s", smin, smax,
                dst->spec.label, rest);
        return;
    }
    pp->port = strtoll(w[1], NULL, 10);
    const char *cargs[] = { host, w[1], "3000", NULL };
    _cleanup_strv_free_ char **c = NULL;
    int r = host_call(src, MC_OP_CONNECT, cargs, timeout, &c, &err);
    /* The listener answers once more: accepted, or timeout. */
    _cleanup_strv_free_ char **fin = NULL;
    _cleanup_error_ struct mc_error ferr = { 0 };
    if (r < 0) {
        pp->probe = MC_PROBE_ERROR;
        set_str(&pp->detail, err.message);
    } else if (reply_is(c, MC_REPLY_UNSUPPORTED)) {
        pp->probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&pp->detail,
                "a test connection from %s needs migcheck there (the %s agent "
                "cannot)",
                src->spec.label, src->sess.kind);
    } else if (reply_is(c, MC_REPLY_OK) && c[1] && port_result(c[1]) > 0) {
        pp->probe = MC_PROBE_OK;
        pp->result = port_result(c[1]);
        if (c[2])
            set_str(&pp->address, c[2]);
    } else {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *rest = mc_strv_join(c, " ");
        set_str(&pp->detail, rest);
    }
    if (host_recv(dst, lid, timeout, &fin, &ferr) == 0 && fin[0]) {
        if (pp->result == MC_PORT_OPEN && !reply_is(fin, MC_REPLY_ACCEPTED))
            set_fmt(&pp->detail, "the listener on %s saw no connection (%s)", dst->spec.label,
                    fin[0]);
    }
    (void)rel;
}

static void compare_cpu(struct mc_host *j, const struct mc_vm_facts *vm, struct mc_pair_cpu *out)
{
    if (!j->conn) {
        out->probe = MC_PROBE_ERROR;
        set_fmt(&out->detail, "no libvirt connection to %s", j->spec.label);
        return;
    }
    if (!j->conn_rw) {
        out->probe = MC_PROBE_ERROR;
        set_fmt(&out->detail,
                "the libvirt connection to %s is read-only; comparing CPUs needs "
                "read-write access",
                j->spec.label);
        return;
    }
    struct mc_cpu_compare res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_virt_compare_cpu(j->conn, vm, &res, &err) < 0) {
        out->probe = MC_PROBE_ERROR;
        set_str(&out->detail, err.message);
        return;
    }
    switch (res.result) {
    case MC_CPU_COMPARE_ERROR:
        out->probe = MC_PROBE_ERROR;
        set_str(&out->detail, res.message);
        break;
    case MC_CPU_COMPARE_NO_MODEL:
        out->probe = MC_PROBE_OK;
        out->result = MC_CPU_RESULT_NO_MODEL;
        set_str(&out->message, res.message);
        break;
    default:
        out->probe = MC_PROBE_OK;
        out->result = res.result == MC_CPU_COMPARE_IDENTICAL  ? MC_CPU_RESULT_IDENTICAL
                      : res.result == MC_CPU_COMPARE_SUPERSET ? MC_CPU_RESULT_SUPERSET
                                                              : MC_CPU_RESULT_INCOMPATIBLE;
        set_str(&out->message, res.message);
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

static void live_probes(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                        struct mc_pair_facts *rel, const struct mc_check_opts *copts, int timeout)
{
    struct cpu_job cj = { .src = src, .dst = dst, .vm = vm, .rel = rel };
    pthread_t ct;
    bool cpu_thread_up = pthread_create(&ct, NULL, cpu_thread, &cj) == 0;
    if (!cpu_thread_up)
        cpu_thread(&cj);

    hash_roms(src, vm, rel, timeout);
    probe_storage(src, dst, rel, timeout);
    probe_network_disks(dst, vm, rel, timeout);
    probe_host_paths(dst, rel, timeout);
    probe_name(src, dst, rel, timeout);

    const struct mc_qemu_conf *q = &dst->facts->virt.qemu_conf;
    int64_t pmin = q->migration_port_min > 0 ? q->migration_port_min : 49152;
    int64_t pmax = q->migration_port_max > 0 ? q->migration_port_max : 49215;
    const char *bind =
        q->migration_address && *q->migration_address ? q->migration_address : "0.0.0.0";
    const char *host = rel->dst_name.name ? rel->dst_name.name : dst->spec.host;
    if (!host)
        host = "localhost";
    probe_port(src, dst, rel, &rel->migration_port, bind, pmin, pmax, host, timeout);
    if ((copts->transport &&
         (strcmp(copts->transport, "tcp") == 0 || strcmp(copts->transport, "tls") == 0)) ||
        copts->p2p) {
        int64_t port = copts->transport && strcmp(copts->transport, "tls") == 0 ? 16514 : 16509;
        struct mc_port_probe *lp = &rel->libvirtd_port;
        set_str(&lp->host, dst->spec.host ? dst->spec.host : host);
        const char *cargs[] = { lp->host, port == 16514 ? "16514" : "16509", "3000", NULL };
        _cleanup_strv_free_ char **c = NULL;
        _cleanup_error_ struct mc_error err = { 0 };
        lp->port = port;
        if (host_call(src, MC_OP_CONNECT, cargs, timeout, &c, &err) < 0) {
            lp->probe = MC_PROBE_ERROR;
            set_str(&lp->detail, err.message);
        } else if (reply_is(c, MC_REPLY_OK) && c[1] && port_result(c[1]) > 0) {
            lp->probe = MC_PROBE_OK;
            lp->result = port_result(c[1]);
        } else {
            lp->probe = MC_PROBE_UNSUPPORTED;
            set_fmt(&lp->detail, "a test connection from %s needs migcheck there", src->spec.label);
        }
    }
    if (cpu_thread_up)
        pthread_join(ct, NULL);
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
    if (o->probes) {
        double tp = mc_now();
        rel->live = true;
        live_probes(src, dst, vm, rel, o->check, timeout);
        if (mc_hostset_options(src->set)->verbose > 0)
            fprintf(stderr, "migcheck: debug: live probes in %.3f s\n", mc_now() - tp);
    }
    *ret_rel = rel;
    return 0;
}
