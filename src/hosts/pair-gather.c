/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live gathering of a pair. Per host, in parallel: the agent session over ssh
 * (its handshake is the only one: the session is the ControlMaster), the
 * libvirt connection through it, the facts. Then relate: the pure matching
 * (checker/relate.c) and the live probes, batched so both agents work at the
 * same time.
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
#include "hostspec.h"
#include "network/network.h"
#include "os/os.h"
#include "pair-gather.h"
#include "session.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

/* What the sh agent's probe must collect: every gatherer's spec. */
static const char *const *const all_specs[] = {
    mc_os_probe_spec,  mc_mounts_probe_spec, mc_storage_probe_spec,
    mc_net_probe_spec, mc_virt_probe_spec,   NULL,
};

struct host_job {
    const char *role; /* source, destination */
    const struct mc_pair_gather_opts *o;
    const char *control_dir;
    const char *vm; /* domain to gather (source only) */
    struct mc_hostspec spec;
    struct mc_session sess;
    bool sess_up;
    struct mc_host_facts *h;
    struct mc_source *dump; /* the sh agent's answer, kept for later gathering */
    struct mc_error err;
    int rc;
    /* libvirt, in its own thread */
    virConnectPtr conn;
    bool conn_rw;
    struct mc_host_facts *hv;
    double t_hello, t_facts, t_virt;
};

static void debug(const struct mc_pair_gather_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void debug(const struct mc_pair_gather_opts *o, const char *fmt, ...)
{
    if (!o->global || o->global->verbose < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("migcheck: debug: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void *virt_thread(void *arg)
{
    struct host_job *j = arg;
    double t0 = mc_now();
    j->hv = mc_host_facts_new();
    _cleanup_free_ char *helper = mc_control_dir_ssh_helper(j->control_dir);
    _cleanup_free_ char *uri = mc_hostspec_uri_with_helper(&j->spec, helper);
    _cleanup_error_ struct mc_error err = { 0 };
    int r = -ENOENT;
    /*
     * First through the session's forwards of the host's libvirt sockets: no remote shell,
     * no second handshake. Read-write first (comparing CPUs needs it), the read-only socket
     * last. Then libvirt's own ssh, reusing the session's connection through the helper.
     */
    _cleanup_strv_free_ char **fwd = mc_session_libvirt_uris(&j->sess);
    size_t nfwd = mc_strv_length(fwd);
    for (size_t k = 0; k < nfwd && r < 0; k++) {
        _cleanup_error_ struct mc_error e = { 0 };
        r = mc_virt_open(fwd[k], k + 1 == nfwd, &j->conn, &e);
        if (r == 0)
            j->conn_rw = k + 1 < nfwd;
    }
    if (r < 0) {
        r = mc_virt_open(uri, false, &j->conn, &err);
        if (r < 0) {
            mc_error_clear(&err);
            r = mc_virt_open(uri, true, &j->conn, &err);
        } else {
            j->conn_rw = true;
        }
    }
    if (r < 0) {
        mc_facts_add_error(j->hv, "virt", err.code, "%s", err.message);
        if (j->vm)
            mc_facts_add_error(j->hv, "vm", err.code, "%s", err.message);
        j->t_virt = mc_now() - t0;
        return NULL;
    }
    mc_virt_gather(j->conn, NULL, j->hv);
    if (j->vm && !j->o->vm_override)
        mc_vm_gather(j->conn, j->vm, j->hv);
    j->t_virt = mc_now() - t0;
    return NULL;
}

/* Move the libvirt part of hv into h; errors of those areas move along. */
static void merge_virt(struct mc_host_facts *h, struct mc_host_facts *hv, bool keep_conf)
{
    struct mc_qemu_conf conf = h->virt.qemu_conf;
    memset(&h->virt.qemu_conf, 0, sizeof(h->virt.qemu_conf));
    mc_virt_facts_clear(&h->virt);
    h->virt = hv->virt;
    memset(&hv->virt, 0, sizeof(hv->virt));
    if (keep_conf) {
        mc_qemu_conf_clear(&h->virt.qemu_conf);
        h->virt.qemu_conf = conf;
    } else {
        mc_qemu_conf_clear(&conf);
    }
    mc_vm_facts_free(h->vm);
    h->vm = hv->vm;
    hv->vm = NULL;
    for (size_t i = 0; i < hv->n_errors; i++) {
        const struct mc_fact_error *e = &hv->errors[i];
        if (keep_conf && e->area && strcmp(e->area, "virt/qemu-conf") == 0)
            continue;
        mc_facts_add_error(h, e->area, (int)e->err, "%s", e->message ? e->message : "");
    }
    h->areas |= MC_AREA_VIRT | MC_AREA_CPU;
}

static void *host_thread(void *arg)
{
    struct host_job *j = arg;
    struct mc_session_opts so = {
        .host = &j->spec,
        .control_dir = j->control_dir,
        .remote_command = j->o->remote_command,
        .timeout_ms = j->o->timeout_ms,
    };
    j->rc = mc_session_start(&j->sess, &so, &j->err);
    if (j->rc < 0)
        return NULL;
    j->sess_up = true;
    j->t_hello = j->sess.hello_seconds;

    /* libvirt rides on the session's ssh connection, so it starts after the greeting. */
    pthread_t vt;
    bool vt_started = pthread_create(&vt, NULL, virt_thread, j) == 0;

    double t0 = mc_now();
    _cleanup_free_ char *kind = NULL, *body = NULL, *boundary = NULL;
    size_t len = 0;
    _cleanup_error_ struct mc_error ferr = { 0 };
    int r = mc_session_facts(&j->sess, all_specs, j->o->timeout_ms, &kind, &body, &len, &boundary,
                             &ferr);
    if (r == 0 && strcmp(kind, "xml") == 0) {
        _cleanup_free_ char *what = mc_xasprintf("facts from '%s'", j->spec.label);
        r = mc_facts_from_xml(body, len, what, &j->h, &ferr);
    } else if (r == 0) {
        r = mc_source_dump(body, len, boundary, j->spec.label, &j->dump, &ferr);
        if (r == 0) {
            j->h = mc_host_facts_new();
            mc_gather_from_source(j->dump, j->h, false);
        }
    }
    if (r < 0) {
        /* The session works but the facts did not come: rules needing them say UNKNOWN. */
        j->h = mc_host_facts_new();
        mc_facts_add_error(j->h, "os", ferr.code, "%s", ferr.message);
        mc_facts_add_error(j->h, "mounts", ferr.code, "%s", ferr.message);
        mc_facts_add_error(j->h, "storage", ferr.code, "%s", ferr.message);
        mc_facts_add_error(j->h, "net", ferr.code, "%s", ferr.message);
        j->h->areas |= MC_AREA_OS | MC_AREA_MOUNTS | MC_AREA_STORAGE | MC_AREA_NET;
    }
    j->t_facts = mc_now() - t0;

    if (vt_started)
        pthread_join(vt, NULL);
    bool conf_from_agent = kind && strcmp(kind, "xml") == 0;
    if (j->hv)
        merge_virt(j->h, j->hv, conf_from_agent);
    if (j->dump && !conf_from_agent) {
        mc_virt_gather_qemu_conf(j->dump, j->h);
        mc_os_gather_qemu_user(j->dump, j->h);
    }
    if (j->o->vm_override && j->vm) {
        j->h->vm = mc_new0(struct mc_vm_facts, 1);
        mc_struct_copy(&mc_desc_vm_facts, j->h->vm, j->o->vm_override);
    }
    if (j->vm)
        j->h->areas |= MC_AREA_VM;
    free(j->h->name);
    j->h->name = mc_xstrdup(j->spec.label);
    free(j->h->collector);
    j->h->collector = mc_xasprintf(
        "%s agent%s%s", j->sess.kind, j->sess.version && strcmp(j->sess.version, "-") ? " " : "",
        j->sess.version && strcmp(j->sess.version, "-") ? j->sess.version : "");
    return NULL;
}

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

static int recv_words(struct mc_session *s, unsigned id, int timeout, char ***w,
                      struct mc_pair_facts *rel, const char *what)
{
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_session_recv(s, id, timeout, w, &err);
    if (r < 0)
        mc_pair_add_error(rel, what, r, "%s", err.message);
    return r;
}

static void probe_storage(struct host_job *src, struct host_job *dst, struct mc_pair_facts *rel,
                          int timeout)
{
    char token[33];
    {
        unsigned char raw[16];
        FILE *f = fopen("/dev/urandom", "re");
        if (!f || fread(raw, 1, sizeof(raw), f) != sizeof(raw))
            for (size_t i = 0; i < sizeof(raw); i++)
                raw[i] = (unsigned char)(rand() & 0xff);
        if (f)
            fclose(f);
        for (size_t i = 0; i < sizeof(raw); i++)
            snprintf(token + 2 * i, 3, "%02x", raw[i]);
    }

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
                p->id = mc_session_send(&src->sess, MC_OP_CANARY_WRITE, args);
                p->arg = mc_xstrdup(d);
            }
        }
        const char *sargs[] = { vp->src_path, NULL };
        struct pending *ps = MC_APPEND(sst, nsst);
        ps->id = mc_session_send(&src->sess, MC_OP_STAT, sargs);
        ps->path = i;
        STRV_FOREACH (c, vp->candidates) {
            const char *args[] = { *c, NULL };
            struct pending *p = MC_APPEND(dst_st, ndst);
            p->id = mc_session_send(&dst->sess, MC_OP_STAT, args);
            p->path = i;
            p->cand = (size_t)(c - vp->candidates);
            p->arg = mc_xstrdup(*c);
        }
        if (!vp->candidates) {
            const char *args[] = { vp->src_path, NULL };
            struct pending *p = MC_APPEND(dst_st, ndst);
            p->id = mc_session_send(&dst->sess, MC_OP_STAT, args);
            p->path = i;
            p->cand = (size_t)-1;
            p->arg = mc_xstrdup(vp->src_path);
        }
    }
    _cleanup_strv_free_ char **written = NULL;
    for (size_t k = 0; k < nwr; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&src->sess, wr[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        if (strcmp(w[0], "ok") == 0)
            mc_strv_add(&written, wr[k].arg);
        else
            mc_pair_add_error(rel, "storage/canary", EACCES,
                              "cannot write a canary file in '%s' on '%s': %s", wr[k].arg,
                              src->spec.label, w[1] ? w[1] : w[0]);
    }
    for (size_t k = 0; k < nsst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&src->sess, sst[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        if (strcmp(w[0], "ok") == 0 && mc_strv_length(w) >= 3)
            rel->paths[sst[k].path].src_size = strtoll(w[2], NULL, 10);
    }
    /* Per path: which candidates exist on DST. */
    bool *exists = mc_new0(bool, ndst + 1);
    for (size_t k = 0; k < ndst; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&dst->sess, dst_st[k].id, timeout, &w, rel, "storage/stat") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[dst_st[k].path];
        if (strcmp(w[0], "ok") == 0) {
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
            vp->exists_probe = strcmp(w[0], "fail") == 0 ? MC_PROBE_FAILED : MC_PROBE_ERROR;
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
        p->id = mc_session_send(&dst->sess, MC_OP_CANARY_READ, args);
        p->path = dst_st[k].path;
        p->arg = mc_xstrdup(dst_st[k].arg);
    }
    bool *seen = mc_new0(bool, rel->n_paths + 1);
    for (size_t k = 0; k < nrd; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&dst->sess, rd[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[rd[k].path];
        if (strcmp(w[0], "ok") == 0 && w[1] && strcmp(w[1], "match") == 0) {
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
                mc_relate_store_for_path(dst->h, rd[k].arg, &vp->dst_store);
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
    const struct mc_os_facts *dos = &dst->h->os;
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
            p->id = mc_session_send(&dst->sess, MC_OP_OPEN, args);
            p->path = i;
        }
    }
    struct pending *rm = NULL;
    size_t nrm = 0;
    STRV_FOREACH (d, written) {
        _cleanup_free_ char *cpath = mc_xasprintf("%s/.migcheck-canary-%s", *d, token);
        const char *args[] = { cpath, NULL };
        struct pending *p = MC_APPEND(rm, nrm);
        p->id = mc_session_send(&src->sess, MC_OP_RM_CANARY, args);
        p->arg = mc_xstrdup(cpath);
    }
    for (size_t k = 0; k < nop; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&dst->sess, op[k].id, timeout, &w, rel, "storage/open") < 0)
            break;
        struct mc_vm_path *vp = &rel->paths[op[k].path];
        if (strcmp(w[0], "ok") == 0) {
            vp->open_probe = MC_PROBE_OK;
        } else if (strcmp(w[0], "fail") == 0) {
            vp->open_probe = MC_PROBE_FAILED;
            set_fmt(&vp->open_detail, "%s as uid %lld gid %lld", w[1] ? w[1] : "denied",
                    (long long)dos->qemu_uid, (long long)dos->qemu_gid);
        } else {
            vp->open_probe =
                strcmp(w[0], "unsupported") == 0 ? MC_PROBE_UNSUPPORTED : MC_PROBE_ERROR;
            set_fmt(&vp->open_detail, "the %s agent on %s cannot open files as another user",
                    dst->sess.kind, dst->spec.label);
        }
    }
    for (size_t k = 0; k < nrm; k++) {
        _cleanup_strv_free_ char **w = NULL;
        if (recv_words(&src->sess, rm[k].id, timeout, &w, rel, "storage/canary") < 0)
            break;
        if (strcmp(w[0], "ok") != 0)
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

/* Network disks: DST reaches the server itself (needs the migcheck agent on DST). */
static void probe_network_disks(struct host_job *dst, const struct mc_vm_facts *vm,
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
        if (d->protocol && strcmp(d->protocol, "nfs") == 0) {
            const char *uid = d->identity_user ? d->identity_user : "0";
            const char *gid = d->identity_group ? d->identity_group : "0";
            const char *args[] = { d->hosts[0].name,
                                   d->source_name ? d->source_name : "/",
                                   uid,
                                   gid,
                                   vp->readonly ? "r" : "rw",
                                   NULL };
            r = mc_session_call(&dst->sess, MC_OP_NFS_STAT, args, timeout, &w, &err);
        } else if (d->protocol && strcmp(d->protocol, "iscsi") == 0) {
            snprintf(port, sizeof(port), "%lld",
                     (long long)(d->hosts[0].port ? d->hosts[0].port : 3260));
            const char *args[] = { d->hosts[0].name, port, d->source_name ? d->source_name : "",
                                   d->initiator_iqn ? d->initiator_iqn : "-", NULL };
            r = mc_session_call(&dst->sess, MC_OP_ISCSI_LUN, args, timeout, &w, &err);
        } else {
            snprintf(port, sizeof(port), "%lld", (long long)d->hosts[0].port);
            const char *args[] = { d->hosts[0].name, port, "3000", NULL };
            r = d->hosts[0].port
                    ? mc_session_call(&dst->sess, MC_OP_CONNECT, args, timeout, &w, &err)
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
        if (strcmp(w[0], "unsupported") == 0) {
            vp->exists_probe = MC_PROBE_UNSUPPORTED;
            set_fmt(&vp->exists_detail,
                    "reaching a %s server from %s needs migcheck there (the %s agent cannot)",
                    d->protocol ? d->protocol : "network", dst->spec.label, dst->sess.kind);
        } else if (strcmp(w[0], "ok") == 0) {
            vp->exists_probe = MC_PROBE_OK;
            vp->evidence = MC_EVIDENCE_NETWORK;
            _cleanup_free_ char *rest = mc_strv_join(w + 1, " ");
            set_fmt(&vp->evidence_detail, "%s reached %s itself%s%s", dst->spec.label, vp->src_path,
                    rest[0] ? ": " : "", rest);
            vp->open_probe = MC_PROBE_OK;
        } else if (strcmp(w[0], "fail") == 0 && w[1] &&
                   (strcmp(w[1], "refused") == 0 || strcmp(w[1], "EACCES") == 0 ||
                    strcmp(w[1], "EPERM") == 0)) {
            _cleanup_free_ char *rest = mc_strv_join(w + 2, " ");
            vp->exists_probe = MC_PROBE_FAILED;
            vp->evidence = MC_EVIDENCE_REFUSED;
            set_fmt(&vp->evidence_detail, "%s%s%s", w[1], rest[0] ? ": " : "", rest);
        } else {
            _cleanup_free_ char *rest = mc_strv_join(w + 1, " ");
            vp->exists_probe = strcmp(w[0], "fail") == 0 ? MC_PROBE_FAILED : MC_PROBE_ERROR;
            set_str(&vp->exists_detail, rest);
        }
    }
}

static void probe_name(struct host_job *src, struct host_job *dst, struct mc_pair_facts *rel,
                       int timeout)
{
    const char *mh = dst->h->virt.qemu_conf.migration_host;
    const char *name = mh && *mh ? mh : dst->h->virt.hostname;
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
    if (mc_session_call(&src->sess, MC_OP_RESOLVE, args, timeout, &w, &err) < 0) {
        np->probe = MC_PROBE_ERROR;
        set_str(&np->detail, err.message);
        return;
    }
    if (strcmp(w[0], "ok") == 0) {
        np->probe = MC_PROBE_OK;
        for (size_t i = 1; w[i]; i++)
            mc_strv_add(&np->addresses, w[i]);
    } else if (strcmp(w[0], "fail") == 0) {
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
static void probe_port(struct host_job *src, struct host_job *dst, struct mc_pair_facts *rel,
                       struct mc_port_probe *pp, const char *bind, int64_t pmin, int64_t pmax,
                       const char *host, int timeout)
{
    char smin[24], smax[24];
    snprintf(smin, sizeof(smin), "%lld", (long long)pmin);
    snprintf(smax, sizeof(smax), "%lld", (long long)pmax);
    set_str(&pp->host, host);
    const char *largs[] = { bind, smin, smax, "6000", NULL };
    unsigned lid = mc_session_send(&dst->sess, MC_OP_LISTEN, largs);
    _cleanup_strv_free_ char **w = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_session_recv(&dst->sess, lid, timeout, &w, &err) < 0) {
        pp->probe = MC_PROBE_ERROR;
        set_str(&pp->detail, err.message);
        return;
    }
    if (strcmp(w[0], "unsupported") == 0) {
        pp->probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&pp->detail,
                "a temporary listener on %s needs migcheck there (the %s agent "
                "cannot)",
                dst->spec.label, dst->sess.kind);
        return;
    }
    if (strcmp(w[0], "listening") != 0 || !w[1]) {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *rest = mc_strv_join(w, " ");
        set_fmt(&pp->detail, "no port free for a listener in %s-%s on %s: %s", smin, smax,
                dst->spec.label, rest);
        return;
    }
    pp->port = strtoll(w[1], NULL, 10);
    const char *cargs[] = { host, w[1], "3000", NULL };
    _cleanup_strv_free_ char **c = NULL;
    int r = mc_session_call(&src->sess, MC_OP_CONNECT, cargs, timeout, &c, &err);
    /* The listener answers once more: accepted, or timeout. */
    _cleanup_strv_free_ char **fin = NULL;
    _cleanup_error_ struct mc_error ferr = { 0 };
    if (r < 0) {
        pp->probe = MC_PROBE_ERROR;
        set_str(&pp->detail, err.message);
    } else if (strcmp(c[0], "unsupported") == 0) {
        pp->probe = MC_PROBE_UNSUPPORTED;
        set_fmt(&pp->detail,
                "a test connection from %s needs migcheck there (the %s agent "
                "cannot)",
                src->spec.label, src->sess.kind);
    } else if (strcmp(c[0], "ok") == 0 && c[1] && port_result(c[1]) > 0) {
        pp->probe = MC_PROBE_OK;
        pp->result = port_result(c[1]);
        if (c[2])
            set_str(&pp->address, c[2]);
    } else {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *rest = mc_strv_join(c, " ");
        set_str(&pp->detail, rest);
    }
    if (mc_session_recv(&dst->sess, lid, timeout, &fin, &ferr) == 0 && fin[0]) {
        if (pp->result == MC_PORT_OPEN && strcmp(fin[0], "accepted") != 0)
            set_fmt(&pp->detail, "the listener on %s saw no connection (%s)", dst->spec.label,
                    fin[0]);
    }
    (void)rel;
}

static void compare_cpu(struct host_job *j, const struct mc_vm_facts *vm, struct mc_pair_cpu *out)
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
    struct host_job *src, *dst;
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
static void hash_roms(struct host_job *src, const struct mc_vm_facts *vm, struct mc_pair_facts *rel,
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
    mc_os_hash_vm_roms(dump, src->h);
}

static void live_probes(struct host_job *src, struct host_job *dst, const struct mc_vm_facts *vm,
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
    probe_name(src, dst, rel, timeout);

    const struct mc_qemu_conf *q = &dst->h->virt.qemu_conf;
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
        if (mc_session_call(&src->sess, MC_OP_CONNECT, cargs, timeout, &c, &err) < 0) {
            lp->probe = MC_PROBE_ERROR;
            set_str(&lp->detail, err.message);
        } else if (strcmp(c[0], "ok") == 0 && c[1] && port_result(c[1]) > 0) {
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
static void regather_storage(struct host_job *j, const struct mc_vm_facts *vm, int timeout)
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
            mc_facts_add_error(j->h, "storage/blockdevs", err.code, "%s", err.message);
            return;
        }
        src = probed;
    }
    struct mc_vm_facts *saved = j->h->vm;
    j->h->vm = (struct mc_vm_facts *)vm;
    mc_storage_facts_clear(&j->h->storage);
    mc_storage_gather(src, j->h);
    j->h->vm = saved;
}

static const char *agent_label(const struct host_job *j, char *buf, size_t len)
{
    if (!j->sess.kind)
        snprintf(buf, len, "unreachable");
    else if (strcmp(j->sess.kind, "migcheck") == 0)
        snprintf(buf, len, "migcheck %s", j->sess.version ? j->sess.version : "?");
    else
        snprintf(buf, len, "%s", j->sess.kind);
    return buf;
}

int mc_pair_gather(const struct mc_pair_gather_opts *o, struct mc_host_facts **ret_src,
                   struct mc_host_facts **ret_dst, struct mc_pair_facts **ret_rel,
                   struct mc_error *reterr)
{
    struct host_job src = { .role = "source", .o = o, .vm = o->vm };
    struct host_job dst = { .role = "destination", .o = o };
    int r = mc_hostspec_parse(o->src, o->transport, &src.spec, reterr);
    if (r < 0)
        return -EINVAL;
    r = mc_hostspec_parse(o->dst, o->transport, &dst.spec, reterr);
    if (r < 0) {
        mc_hostspec_clear(&src.spec);
        return -EINVAL;
    }
    _cleanup_free_ char *ctl = NULL;
    r = mc_control_dir_create(&ctl, reterr);
    if (r < 0)
        goto out;
    src.control_dir = dst.control_dir = ctl;
    mc_virt_init();

    double t0 = mc_now();
    pthread_t ts, td;
    bool ts_up = pthread_create(&ts, NULL, host_thread, &src) == 0;
    bool td_up = pthread_create(&td, NULL, host_thread, &dst) == 0;
    if (!ts_up)
        host_thread(&src);
    if (!td_up)
        host_thread(&dst);
    if (ts_up)
        pthread_join(ts, NULL);
    if (td_up)
        pthread_join(td, NULL);
    debug(o,
          "gathered in %.3f s: %s hello %.3f facts %.3f virt %.3f; %s hello %.3f facts %.3f "
          "virt %.3f",
          mc_now() - t0, src.spec.label, src.t_hello, src.t_facts, src.t_virt, dst.spec.label,
          dst.t_hello, dst.t_facts, dst.t_virt);

    if (src.rc < 0 || dst.rc < 0) {
        struct host_job *bad = src.rc < 0 ? &src : &dst;
        r = bad->rc;
        mc_error_set(reterr, r, "%s", bad->err.message ? bad->err.message : "unreachable");
        goto out;
    }
    if (!src.h->vm) {
        const struct mc_fact_error *e = mc_facts_area_error(src.h, MC_AREA_VM);
        r = e && e->err == ENOENT ? -ENOENT : -EIO;
        mc_error_set(reterr, r, "%s", e && e->message ? e->message : "no domain facts");
        goto out;
    }
    const struct mc_vm_facts *vm = src.h->vm;
    regather_storage(&src, vm, o->timeout_ms);
    regather_storage(&dst, vm, o->timeout_ms);

    struct mc_pair_facts *rel = mc_pair_facts_new();
    char buf[64];
    rel->src_agent = mc_xstrdup(agent_label(&src, buf, sizeof(buf)));
    rel->dst_agent = mc_xstrdup(agent_label(&dst, buf, sizeof(buf)));
    mc_relate_paths(src.h, dst.h, vm, rel);
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
        live_probes(&src, &dst, vm, rel, o->check, o->timeout_ms);
        debug(o, "live probes in %.3f s", mc_now() - tp);
    }
    *ret_src = TAKE_PTR(src.h);
    *ret_dst = TAKE_PTR(dst.h);
    *ret_rel = rel;
    r = 0;
out:
    for (struct host_job *j = &src; j; j = j == &src ? &dst : NULL) {
        if (j->conn) {
            virConnectClose(j->conn);
            j->conn = NULL;
        }
        if (j->sess_up)
            mc_session_close(&j->sess);
        mc_host_facts_free(j->h);
        mc_host_facts_free(j->hv);
        mc_source_free(j->dump);
        mc_error_clear(&j->err);
        mc_hostspec_clear(&j->spec);
    }
    mc_control_dir_remove(ctl);
    return r;
}
