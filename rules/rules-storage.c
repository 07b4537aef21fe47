/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage rules over the related paths (checker/relate.c plus the live
 * probes): is every file the guest opens reachable from the destination, at
 * which path, by the QEMU user, and who serves it.
 */
#include <stdio.h>

#include "rules-internal.h"

/* Roles the storage rules judge (the emulator binary is virt.emulator's). */
static bool judged(const struct mc_vm_path *vp)
{
    return !streq(vp->role, "emulator");
}

static bool is_network(const struct mc_vm_path *vp)
{
    return streq(vp->disk_type, "network");
}

static bool evidence_shared(const struct mc_vm_path *vp)
{
    return mc_evidence_proves_shared(vp->evidence);
}

static const char *store_text(const struct mc_store *s, char *buf, size_t len)
{
    if (streq(s->kind, "local"))
        snprintf(buf, len, "local %s (%s)", str_or(s->fstype, "file system"),
                 str_or(s->mount_target, "?"));
    else if (streq(s->kind, "network"))
        snprintf(buf, len, "a %s network disk", str_or(s->fstype, "?"));
    else
        snprintf(buf, len, "%s %s", str_or(s->kind, "?"), str_or(s->identity, ""));
    return buf;
}

/* Would storage migration (--copy-storage, virsh --copy-storage-all) copy it? libvirt copies
 * writable local disks only (qemuMigrationAnyCopyDisk: not shared, not read-only, not empty). */
static bool copyable(const struct mc_vm_path *vp)
{
    return (streq(vp->role, "disk") || streq(vp->role, "lun")) && !vp->readonly && !is_network(vp);
}

/* Is vp a backing file of a disk that --copy-storage copies? A full copy (drive-mirror with
 * sync=full) gives the destination one image without a backing chain. */
static bool backing_of_copied_disk(const struct mc_pair *p, const struct mc_vm_path *vp)
{
    if (!p->opts->copy_storage || !streq(vp->role, "backing"))
        return false;
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *d = &p->rel->paths[i];
        if (d != vp && streq(d->role, "disk") && streq(d->target, vp->target))
            return copyable(d) && !evidence_shared(d);
    }
    return false;
}

static void judge_shared(const struct mc_rule *r, const struct mc_pair *p,
                         const struct mc_vm_path *vp, struct mc_findings *out);

RULE_FN(rule_storage_disk_shared)
{
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!judged(vp))
            continue;
        size_t first = out->n;
        judge_shared(r, p, vp, out);
        /* The rule's hint ends with "migrate with --copy-storage-all": true for a writable disk
         * only. CD-ROMs, backing files of shared disks, kernels and firmware are never copied. */
        for (size_t k = first; k < out->n; k++) {
            struct mc_finding *f = &out->items[k];
            if ((int)f->status == MC_PROBLEM && !f->hint && !copyable(vp))
                mc_finding_set_hint(f,
                                    "make the file available at the same path on %s (shared "
                                    "storage or a copy)%s; storage migration (--copy-storage) "
                                    "copies only writable disks",
                                    DST(p),
                                    vp->readonly && streq(vp->role, "cdrom")
                                        ? ", or eject the media before migrating"
                                        : "");
        }
    }
}

static void judge_shared(const struct mc_rule *r, const struct mc_pair *p,
                         const struct mc_vm_path *vp, struct mc_findings *out)
{
    char st[512];
    store_text(&vp->src_store, st, sizeof(st));
    struct mc_finding *f = NULL;

    if (evidence_shared(vp)) {
        f = mc_emit(out, r, MC_STATUS_PASS, vp->subject, "%s %s is on %s, which %s reaches%s%s",
                    vp->subject, vp->src_path, st, DST(p),
                    vp->dst_path && !streq(vp->dst_path, vp->src_path) ? " at " : "",
                    vp->dst_path && !streq(vp->dst_path, vp->src_path) ? vp->dst_path : "");
        mc_finding_set_evidence(f, "%s",
                                str_or(vp->evidence_detail, mc_evidence_name(vp->evidence)));
        return;
    }
    /* A full copy reads the backing chain on the source only: DST never opens it, so what DST's
     * probe of it met (a network backing image refused, absent) does not matter. */
    if (backing_of_copied_disk(p, vp)) {
        f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                    "%s %s is not shared with %s; --copy-storage copies the disk's data "
                    "into one image there, without a backing file",
                    vp->subject, vp->src_path, DST(p));
        mc_finding_set_evidence(f, "%s", str_or(vp->evidence_detail, "not shared"));
        return;
    }
    if (vp->evidence == MC_EVIDENCE_REFUSED) {
        f = mc_emit(out, r, MC_PROBLEM, vp->subject, "%s %s: the storage server refuses %s: %s",
                    vp->subject, vp->src_path, DST(p), str_or(vp->evidence_detail, "refused"));
        return;
    }
    /* With --copy-storage libvirt copies every writable disk that is not shared; with
     * --copy-storage-inc only its top image (drive-mirror sync=top): the backing files below it
     * are judged as any other file DST must reach. */
    if (copies_storage(p) && copyable(vp)) {
        if (p->opts->copy_storage_inc)
            f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                        "%s %s is not shared with %s; --copy-storage-inc copies its top image "
                        "(its backing files must be on %s already)",
                        vp->subject, vp->src_path, DST(p), DST(p));
        else
            f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                        "%s %s is not shared with %s; --copy-storage copies it", vp->subject,
                        vp->src_path, DST(p));
        mc_finding_set_evidence(f, "%s", str_or(vp->evidence_detail, "not shared"));
        return;
    }
    /* libvirt creates a missing NVRAM file from its template on the destination, and the
     * variables travel in the migration stream (seen in the lab with OVMF). */
    if (streq(vp->role, "nvram")) {
        f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                    "nvram %s is not shared; libvirt creates it from its template on %s and "
                    "the variables travel with the migration",
                    vp->src_path, DST(p));
        mc_finding_set_evidence(f, "%s", str_or(vp->evidence_detail, "not shared"));
        return;
    }
    /* The NVRAM template is read only where the NVRAM file is missing on DST. */
    if (streq(vp->role, "nvram-template") && vp->exists_probe != MC_PROBE_OK) {
        const struct mc_vm_path *nv = NULL;
        for (size_t k = 0; k < p->rel->n_paths; k++)
            if (streq(p->rel->paths[k].role, "nvram"))
                nv = &p->rel->paths[k];
        if (nv && nv->exists_probe == MC_PROBE_OK) {
            f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                        "nvram template %s is not on %s, but the nvram file %s is, so libvirt "
                        "does not need the template there",
                        vp->src_path, DST(p), str_or(nv->dst_path, nv->src_path));
            return;
        }
    }
    /* A read-only file present on the destination at the same path is enough for QEMU. */
    if (vp->readonly && vp->exists_probe == MC_PROBE_OK && vp->evidence != MC_EVIDENCE_ABSENT) {
        f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                    "read-only %s %s exists on %s as a separate copy", vp->subject, vp->src_path,
                    DST(p));
        mc_finding_set_evidence(f, "%s (see storage.readonly-copy)",
                                str_or(vp->exists_detail, "present"));
        return;
    }
    if (vp->evidence == MC_EVIDENCE_ABSENT ||
        (vp->exists_probe == MC_PROBE_FAILED && !is_network(vp))) {
        if (vp->readonly && vp->exists_probe == MC_PROBE_OK) {
            f = mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                        "read-only %s %s exists on %s as a separate copy", vp->subject,
                        vp->src_path, DST(p));
            return;
        }
        f = mc_emit(out, r, MC_PROBLEM, vp->subject, "%s %s is on %s on %s; %s cannot see it",
                    vp->subject, vp->src_path, st, SRC(p), DST(p));
        mc_finding_set_evidence(f, "%s%s%s", str_or(vp->evidence_detail, ""),
                                vp->evidence_detail && vp->exists_detail ? "; " : "",
                                str_or(vp->exists_detail, ""));
        return;
    }
    if (is_network(vp)) {
        if (!p->rel->live) {
            mc_emit(out, r, MC_STATUS_SKIP, vp->subject,
                    "%s is a %s network disk: whether %s reaches its server needs a live "
                    "probe",
                    vp->subject, str_or(vp->protocol, "?"), DST(p));
        } else if (vp->exists_probe == MC_PROBE_FAILED) {
            mc_emit(out, r, MC_PROBLEM, vp->subject, "%s cannot reach %s %s: %s", DST(p),
                    vp->subject, vp->src_path, str_or(vp->exists_detail, "unreachable"));
        } else {
            mc_emit(out, r, MC_STATUS_UNKNOWN, vp->subject,
                    "cannot tell whether %s reaches %s %s: %s", DST(p), vp->subject, vp->src_path,
                    str_or(vp->exists_detail, "not probed"));
        }
        return;
    }
    if (streq(vp->src_store.kind, "local") && !p->rel->live && vp->readonly) {
        /* A read-only file (an ISO, a kernel, a backing image) needs no shared store: a copy
         * at the same path on DST is enough for QEMU, and only a live stat finds one. */
        f = mc_emit(out, r, MC_STATUS_UNKNOWN, vp->subject,
                    "read-only %s %s is on %s on %s; whether %s has a copy at that path needs a "
                    "live probe",
                    vp->subject, vp->src_path, st, SRC(p), DST(p));
        mc_finding_set_evidence(f,
                                "a local file system; no live probe ran to look for a copy "
                                "on %s",
                                DST(p));
        mc_finding_set_hint(
            f,
            "check with live probes of both hosts, or make the file available "
            "at the same path on %s%s",
            DST(p), streq(vp->role, "cdrom") ? " (or eject the media before migrating)" : "");
        return;
    }
    if (streq(vp->src_store.kind, "local") && !p->rel->live) {
        f = mc_emit(out, r, MC_PROBLEM, vp->subject,
                    "%s %s is on %s on %s; it is not shared with %s", vp->subject, vp->src_path, st,
                    SRC(p), DST(p));
        mc_finding_set_evidence(f, "a local file system; no live probe ran to find it "
                                   "elsewhere");
        return;
    }
    mc_emit(out, r, MC_STATUS_UNKNOWN, vp->subject, "no evidence whether %s reaches %s %s (%s)",
            DST(p), vp->subject, vp->src_path,
            str_or(vp->exists_detail, str_or(vp->evidence_detail, "not probed")));
}

RULE_FN(rule_storage_disk_path)
{
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!judged(vp) || is_network(vp) || !evidence_shared(vp) || !vp->dst_path)
            continue;
        if (streq(vp->dst_path, vp->src_path)) {
            mc_emit(out, r, MC_STATUS_PASS, vp->subject, "%s %s has the same path on %s",
                    vp->subject, vp->src_path, DST(p));
            continue;
        }
        struct mc_finding *f = mc_emit(out, r, MC_PROBLEM, vp->subject, "%s %s is at %s on %s",
                                       vp->subject, vp->src_path, vp->dst_path, DST(p));
        mc_finding_set_evidence(f, "%s",
                                str_or(vp->evidence_detail, mc_evidence_name(vp->evidence)));
    }
}

RULE_FN(rule_storage_qemu_access)
{
    const char *user = str_or(p->dst->os.qemu_user, "qemu user");
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!judged(vp) || vp->open_probe == MC_PROBE_NOT_RUN)
            continue;
        const char *where = vp->dst_path ? vp->dst_path : vp->src_path;
        if (vp->open_probe == MC_PROBE_OK)
            mc_emit(out, r, MC_STATUS_PASS, vp->subject, "%s on %s can open %s %s%s", user, DST(p),
                    vp->subject, where, vp->readonly ? " read-only" : " read-write");
        else if (vp->open_probe == MC_PROBE_FAILED)
            mc_emit(out, r, MC_PROBLEM, vp->subject, "%s on %s cannot open %s %s: %s", user, DST(p),
                    vp->subject, where, str_or(vp->open_detail, "denied"));
        else
            mc_emit(out, r, MC_STATUS_UNKNOWN, vp->subject,
                    "cannot tell whether %s on %s can open %s: %s", user, DST(p), where,
                    str_or(vp->open_detail, mc_probe_name(vp->open_probe)));
    }
}

RULE_FN(rule_storage_qemu_ids)
{
    bool nfs = false;
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (streq(vp->src_store.kind, "nfs") || streq(vp->protocol, "nfs"))
            nfs = true;
    }
    if (!nfs)
        return;
    const struct mc_os_facts *a = &p->src->os, *b = &p->dst->os;
    if (!a->qemu_uid_known || !b->qemu_uid_known) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "qemu user", "the qemu user's ids on %s are not known",
                !a->qemu_uid_known ? SRC(p) : DST(p));
        return;
    }
    if (a->qemu_uid != b->qemu_uid || a->qemu_gid != b->qemu_gid)
        mc_emit(out, r, MC_PROBLEM, "qemu user",
                "QEMU runs as %s (%lld:%lld) on %s and %s (%lld:%lld) on %s; NFS compares numeric "
                "ids",
                str_or(a->qemu_user, "?"), (long long)a->qemu_uid, (long long)a->qemu_gid, SRC(p),
                str_or(b->qemu_user, "?"), (long long)b->qemu_uid, (long long)b->qemu_gid, DST(p));
    else
        mc_emit(out, r, MC_STATUS_PASS, "qemu user", "QEMU runs as uid %lld gid %lld on both hosts",
                (long long)a->qemu_uid, (long long)a->qemu_gid);
}

static bool host_named(const struct mc_host_facts *h, const char *hname, const char *server)
{
    if (!server)
        return false;
    if (mc_host_has_address(h, server))
        return true;
    if (streq(h->os.hostname, server) || streq(h->os.fqdn, server) || streq(hname, server))
        return true;
    return false;
}

RULE_FN(rule_storage_separate_host)
{
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        const char *server = vp->src_store.server;
        if (!judged(vp) || !server)
            continue;
        if (host_named(p->src, p->src_name, server))
            mc_emit(out, r, MC_PROBLEM, vp->subject, "%s is served by %s itself (%s)", vp->subject,
                    SRC(p), server);
        else if (host_named(p->dst, p->dst_name, server))
            mc_emit(out, r, MC_PROBLEM, vp->subject, "%s is served by %s itself (%s)", vp->subject,
                    DST(p), server);
        else
            mc_emit(out, r, MC_STATUS_PASS, vp->subject, "%s is served by %s, a separate host",
                    vp->subject, server);
    }
}

RULE_FN(rule_storage_readonly_copy)
{
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!judged(vp) || !vp->readonly || evidence_shared(vp) || vp->exists_probe != MC_PROBE_OK)
            continue;
        if (vp->src_size > 0 && vp->dst_size > 0 && vp->src_size != vp->dst_size)
            mc_emit(out, r, MC_PROBLEM, vp->subject,
                    "%s %s differs between the hosts (%lld bytes on %s, %lld on %s)", vp->subject,
                    vp->src_path, (long long)vp->src_size, SRC(p), (long long)vp->dst_size, DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                    "%s %s is a separate copy on each host with the same size", vp->subject,
                    vp->src_path);
    }
}

static const char *dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n == 0)
        n = 1;
    if (n >= len)
        n = len - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
    return buf;
}

/* --copy-storage-inc: libvirt pre-creates no image for an incremental copy
 * (qemuMigrationDstPrecreateStorage), so the image must exist on DST, over the same backing
 * chain. */
static void copy_inc_target(const struct mc_rule *r, const struct mc_pair *p,
                            const struct mc_vm_path *vp, struct mc_findings *out)
{
    /* A file at the path on DST that is not SRC's (the canary not seen there: evidence
     * "absent") is the separate image an incremental copy needs. */
    if (vp->exists_probe == MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                "%s already exists on %s; --copy-storage-inc copies the top image into it",
                vp->src_path, DST(p));
        return;
    }
    if (vp->exists_probe != MC_PROBE_FAILED) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, vp->subject,
                "whether %s exists on %s is not known (%s); libvirt creates no image for "
                "--copy-storage-inc",
                vp->src_path, DST(p),
                vp->exists_probe == MC_PROBE_NOT_RUN
                    ? "it needs a live probe"
                    : str_or(vp->exists_detail, mc_probe_name(vp->exists_probe)));
        return;
    }
    struct mc_finding *f =
        mc_emit(out, r, MC_PROBLEM, vp->subject,
                "%s does not exist on %s, and libvirt creates no image for --copy-storage-inc "
                "('pre-creation of storage targets for incremental storage migration is not "
                "supported')",
                vp->src_path, DST(p));
    mc_finding_set_hint(f,
                        "create %s on %s over the same backing files (qemu-img create -b), or "
                        "copy the whole disk with --copy-storage-all",
                        vp->src_path, DST(p));
    mc_finding_set_fix(f, MC_FIX_NONE);
}

RULE_FN(rule_storage_copy_target)
{
    if (!copies_storage(p))
        return;
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!streq(vp->role, "disk") || vp->readonly || is_network(vp) || evidence_shared(vp))
            continue;
        if (p->opts->copy_storage_inc) {
            copy_inc_target(r, p, vp, out);
            continue;
        }
        char dir[4096];
        dir_of(vp->src_path, dir, sizeof(dir));
        bool found = false;
        for (size_t k = 0; k < p->dst->virt.n_pools; k++) {
            const struct mc_pool *pool = &p->dst->virt.pools[k];
            if (pool->active && streq(pool->target_path, dir))
                found = true;
        }
        if (found) {
            mc_emit(out, r, MC_STATUS_PASS, vp->subject,
                    "an active pool on %s holds %s, so libvirt can create the image", DST(p), dir);
        } else if (vp->exists_probe == MC_PROBE_OK) {
            mc_emit(out, r, MC_STATUS_PASS, vp->subject, "%s already exists on %s", vp->src_path,
                    DST(p));
        } else if (vp->exists_probe != MC_PROBE_FAILED) {
            /* libvirt pre-creates nothing for an image that exists
             * (qemuMigrationDstPrecreateStorage skips it): without the stat, the missing pool is
             * not known to matter. */
            struct mc_finding *f = mc_emit(
                out, r, MC_STATUS_UNKNOWN, vp->subject,
                "no active storage pool on %s has target path %s, so libvirt cannot pre-create "
                "%s; whether it already exists there is not known (%s)",
                DST(p), dir, vp->src_path,
                vp->exists_probe == MC_PROBE_NOT_RUN
                    ? "it needs a live probe"
                    : str_or(vp->exists_detail, mc_probe_name(vp->exists_probe)));
            mc_finding_set_hint(f, "%s", r->hint);
        } else {
            mc_emit(out, r, MC_PROBLEM, vp->subject,
                    "no active storage pool on %s has target path %s; libvirt cannot pre-create "
                    "%s",
                    DST(p), dir, vp->src_path);
        }
    }
}
