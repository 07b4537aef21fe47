/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rules about the hypervisors: CPU, QEMU and libvirt, firmware, memory, OS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "checker/rom-dirs.h"
#include "rules-internal.h"

/* ---- CPU ---- */

RULE_FN(rule_cpu_compatible)
{
    const struct mc_pair_cpu *c = &p->rel->cpu;
    const char *model = str_or(p->vm->cpu_model, str_or(p->vm->cpu_mode, "default"));
    _cleanup_free_ char *subject = mc_xasprintf("cpu %s", model);
    if (streq(p->vm->cpu_mode, "host-passthrough") || streq(p->vm->cpu_mode, "maximum")) {
        mc_emit(out, r, MC_STATUS_SKIP, subject,
                "the guest uses the %s CPU: there is no model to compare (see cpu.passthrough)",
                p->vm->cpu_mode);
        return;
    }
    if (c->probe == MC_PROBE_NOT_RUN) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "the guest CPU was not compared on %s", DST(p));
        return;
    }
    if (c->probe != MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "cannot compare the guest CPU on %s: %s",
                DST(p), str_or(c->detail, str_or(c->message, mc_probe_name(c->probe))));
        return;
    }
    if (c->result == MC_CPU_RESULT_IDENTICAL || c->result == MC_CPU_RESULT_SUPERSET) {
        mc_emit(out, r, MC_STATUS_PASS, subject, "%s accepts the guest CPU %s (%s)", DST(p), model,
                mc_cpu_result_name(c->result));
        return;
    }
    /* Features the source lacks as well are not really used by the running guest. */
    _cleanup_strv_free_ char **really = NULL;
    STRV_FOREACH (m, c->missing)
        if (!mc_strv_contains(c->missing_src, *m))
            mc_strv_add(&really, *m);
    _cleanup_free_ char *all = mc_strv_join(c->missing, ", ");
    if (mc_strv_length(c->missing) > 0 && mc_strv_length(really) == 0) {
        struct mc_finding *f = mc_emit(out, r, MC_STATUS_PASS, subject,
                                       "%s lacks only CPU features that %s lacks too (%s); the "
                                       "guest already runs without them",
                                       DST(p), SRC(p), all);
        mc_finding_set_evidence(f, "%s", str_or(c->message, ""));
        return;
    }
    _cleanup_free_ char *list = mc_strv_join(really ? really : c->missing, ", ");
    struct mc_finding *f;
    if (list[0])
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "%s does not provide CPU features the guest uses: %s", DST(p), list);
    else
        f = mc_emit(out, r, MC_PROBLEM, subject, "%s's CPU is incompatible with the guest CPU %s",
                    DST(p), model);
    mc_finding_set_evidence(f, "%s", str_or(c->message, "incompatible"));
}

RULE_FN(rule_cpu_passthrough)
{
    const struct mc_vm_facts *vm = p->vm;
    if (!streq(vm->cpu_mode, "host-passthrough") && !streq(vm->cpu_mode, "maximum"))
        return;
    const struct mc_virt_facts *s = &p->src->virt, *d = &p->dst->virt;
    _cleanup_free_ char *subject = mc_xasprintf("cpu %s", vm->cpu_mode);
    if (s->cpu_vendor && d->cpu_vendor && !streq(s->cpu_vendor, d->cpu_vendor)) {
        mc_emit(out, r, MC_PROBLEM, subject,
                "the guest sees %s's %s CPU (host-passthrough); %s has a %s CPU", SRC(p),
                s->cpu_vendor, DST(p), d->cpu_vendor);
        return;
    }
    _cleanup_strv_free_ char **missing = NULL;
    STRV_FOREACH (f, s->cpu_features)
        if (!mc_strv_contains(d->cpu_features, *f))
            mc_strv_add(&missing, *f);
    if (missing && !streq(s->cpu_model, d->cpu_model)) {
        /* libvirt describes a host CPU as a model plus the features beyond it: with two models,
         * a feature listed for SRC alone may be part of DST's model. */
        _cleanup_free_ char *list = mc_strv_join(missing, ", ");
        struct mc_finding *f = mc_emit(
            out, r, MC_STATUS_UNKNOWN, subject,
            "the guest sees every feature of %s's CPU (host-passthrough); %s lists %s "
            "beyond its model %s, %s does not, but its model %s may include them",
            SRC(p), SRC(p), list, str_or(s->cpu_model, "?"), DST(p), str_or(d->cpu_model, "?"));
        mc_finding_set_evidence(f, "the host CPUs of the capabilities are different models; "
                                   "migcheck does not know which features each model has");
        mc_finding_set_hint(f, "compare /proc/cpuinfo flags on both hosts, or use host-model or "
                               "a named CPU model");
        return;
    }
    if (missing) {
        _cleanup_free_ char *list = mc_strv_join(missing, ", ");
        struct mc_finding *f =
            mc_emit(out, r, MC_PROBLEM, subject,
                    "the guest sees every feature of %s's CPU (host-passthrough); %s lacks %s",
                    SRC(p), DST(p), list);
        mc_finding_set_evidence(f, "%s: %s, %s: %s", SRC(p), str_or(s->cpu_model, "?"), DST(p),
                                str_or(d->cpu_model, "?"));
        return;
    }
    struct mc_finding *f =
        mc_emit(out, r, MC_STATUS_PASS, subject, "%s's CPU has every feature of %s's (%s, %s)",
                DST(p), SRC(p), str_or(d->cpu_model, "?"), str_or(s->cpu_model, "?"));
    if (!streq(s->cpu_model, d->cpu_model))
        mc_finding_set_evidence(f, "the CPU models differ; the guest keeps seeing %s's", SRC(p));
}

/* ---- libvirt / QEMU ---- */

RULE_FN(rule_virt_same_host)
{
    const char *a = p->src->virt.host_uuid, *b = p->dst->virt.host_uuid;
    if (!a || !b) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, NULL, "the host UUID of %s is not known",
                !a ? SRC(p) : DST(p));
        return;
    }
    if (strcasecmp(a, b) == 0) {
        struct mc_finding *f = mc_emit(out, r, MC_PROBLEM, a,
                                       "%s and %s have the same libvirt host UUID %s; libvirt "
                                       "refuses to migrate to the same host",
                                       SRC(p), DST(p), a);
        if (p->src->os.machine_id && streq(p->src->os.machine_id, p->dst->os.machine_id))
            mc_finding_set_evidence(f, "they also share the machine-id %s", p->src->os.machine_id);
        return;
    }
    mc_emit(out, r, MC_STATUS_PASS, NULL, "host UUIDs differ (%s, %s)", a, b);
}

RULE_FN(rule_virt_name_collision)
{
    const struct mc_vm_facts *vm = p->vm;
    bool any = false;
    for (size_t i = 0; i < p->dst->virt.n_domains; i++) {
        const struct mc_domain_ref *d = &p->dst->virt.domains[i];
        bool same_name = streq(d->name, vm->name);
        bool same_uuid = vm->uuid && d->uuid && strcasecmp(d->uuid, vm->uuid) == 0;
        if (!same_name && !same_uuid)
            continue;
        any = true;
        _cleanup_free_ char *subject = mc_xasprintf("domain %s", str_or(d->name, "?"));
        if (same_uuid && d->active)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "%s already runs domain '%s' with the guest's UUID %s", DST(p),
                    str_or(d->name, "?"), vm->uuid);
        else if (same_name && !same_uuid)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "%s already has a domain named '%s' with another UUID (%s)", DST(p),
                    str_or(d->name, "?"), str_or(d->uuid, "?"));
        else if (same_uuid && !same_name)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "%s has domain '%s' with the guest's UUID %s under another name", DST(p),
                    str_or(d->name, "?"), vm->uuid);
        else
            mc_emit(out, r, MC_STATUS_PASS, subject,
                    "%s has an inactive definition of '%s' with the same UUID; the migrated "
                    "domain takes its place",
                    DST(p), d->name);
    }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL, "%s has no domain named '%s' or with its UUID",
                DST(p), str_or(vm->name, "?"));
}

RULE_FN(rule_virt_machine_type)
{
    const char *m = p->vm->machine;
    if (!m) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, NULL, "the guest's machine type is not known");
        return;
    }
    _cleanup_free_ char *subject = mc_xasprintf("machine %s", m);
    for (size_t i = 0; i < p->dst->virt.n_machines; i++) {
        const struct mc_machine *x = &p->dst->virt.machines[i];
        if (p->vm->arch && x->arch && !streq(x->arch, p->vm->arch))
            continue;
        if (streq(x->name, m) || streq(x->canonical, m)) {
            mc_emit(out, r, MC_STATUS_PASS, subject, "%s's QEMU has machine type %s", DST(p), m);
            return;
        }
    }
    if (p->dst->virt.n_machines == 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "%s's machine types are not known", DST(p));
        return;
    }
    mc_emit(out, r, MC_PROBLEM, subject,
            "%s's QEMU does not support machine type %s; it cannot start the incoming guest",
            DST(p), m);
}

static const struct mc_vm_path *path_with_role(const struct mc_pair *p, const char *role)
{
    for (size_t i = 0; i < p->rel->n_paths; i++)
        if (streq(p->rel->paths[i].role, role))
            return &p->rel->paths[i];
    return NULL;
}

RULE_FN(rule_virt_emulator)
{
    const char *e = p->vm->emulator;
    if (!e)
        return;
    _cleanup_free_ char *subject = mc_xasprintf("emulator %s", e);
    for (size_t i = 0; i < p->dst->virt.n_guests; i++)
        if (streq(p->dst->virt.guests[i].emulator, e)) {
            mc_emit(out, r, MC_STATUS_PASS, subject, "%s has emulator %s", DST(p), e);
            return;
        }
    /* Not a default emulator there; the live stat of the path decides. */
    const struct mc_vm_path *ep = path_with_role(p, "emulator");
    if (ep && ep->exists_probe == MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_PASS, subject, "%s has emulator %s (not its default)", DST(p), e);
        return;
    }
    if (ep && ep->exists_probe == MC_PROBE_FAILED) {
        mc_emit(out, r, MC_PROBLEM, subject, "%s has no emulator %s: %s", DST(p), e,
                str_or(ep->exists_detail, "not found"));
        return;
    }
    /* Not a default emulator of DST, and no stat of the path there: libvirt starts whatever
     * the path holds, so only the stat can tell. */
    struct mc_finding *f =
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "emulator %s is not among %s's emulators%s", e,
                DST(p), p->rel->live ? "" : "; whether the path exists there needs a live probe");
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    for (size_t i = 0; i < p->dst->virt.n_guests; i++)
        mc_buf_printf(&b, "%s%s", b.len ? ", " : "", str_or(p->dst->virt.guests[i].emulator, "?"));
    mc_finding_set_evidence(f, "%s has: %s", DST(p), b.len ? b.data : "none");
}

RULE_FN(rule_virt_domain_type)
{
    const char *type = p->vm->domain_type;
    if (!type)
        return;
    const char *arch = p->vm->arch;
    _cleanup_free_ char *subject = mc_xasprintf("domain type %s", type);
    bool arch_found = false;
    for (size_t i = 0; i < p->dst->virt.n_guests; i++) {
        const struct mc_guest_arch *g = &p->dst->virt.guests[i];
        if (arch && g->arch && !streq(g->arch, arch))
            continue;
        arch_found = true;
        if (mc_strv_contains(g->domain_types, type)) {
            mc_emit(out, r, MC_STATUS_PASS, subject, "%s runs %s guests for %s", DST(p), type,
                    str_or(arch, "this architecture"));
            return;
        }
    }
    if (!arch_found && p->dst->virt.n_guests == 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "%s's guest capabilities are not known",
                DST(p));
        return;
    }
    mc_emit(out, r, MC_PROBLEM, subject, "%s cannot run %s guests for %s%s", DST(p), type,
            str_or(arch, "this architecture"),
            streq(type, "kvm") ? " (no KVM on the destination)" : "");
}

RULE_FN(rule_virt_qemu_version)
{
    int64_t a = p->src->virt.hv_version, b = p->dst->virt.hv_version;
    char va[32], vb[32];
    if (a <= 0 || b <= 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, NULL, "the QEMU version of %s is not known",
                a <= 0 ? SRC(p) : DST(p));
        return;
    }
    mc_version_string(a, va);
    mc_version_string(b, vb);
    if (a > b && a / 1000 == b / 1000) {
        /* A stable release of the same series (x.y.z): stable releases take fixes only and
         * keep the series' migration stream, so a step back within it is not a downgrade of
         * the format (vendors' minor updates of one series migrate both ways). */
        struct mc_finding *f =
            mc_emit(out, r, MC_STATUS_PASS, "qemu",
                    "QEMU %s on %s, %s on %s: the same release series", va, SRC(p), vb, DST(p));
        mc_finding_set_evidence(f, "%s's QEMU is an older stable release of %s's series", DST(p),
                                SRC(p));
    } else if (a > b)
        mc_emit(out, r, MC_PROBLEM, "qemu",
                "%s runs QEMU %s, older than %s's %s: migration from newer to older QEMU is not "
                "supported",
                DST(p), vb, SRC(p), va);
    else
        mc_emit(out, r, MC_STATUS_PASS, "qemu", "QEMU %s on %s, %s on %s", va, SRC(p), vb, DST(p));
}

static const struct mc_rom *find_rom(const struct mc_os_facts *o, const char *path)
{
    for (size_t i = 0; path && i < o->n_roms; i++)
        if (streq(o->roms[i].path, path))
            return &o->roms[i];
    return NULL;
}

/* A PCI option ROM (a NIC's boot ROM, a VGA BIOS, a <rom file=>): QEMU sizes its RAM block to
 * the file's size rounded up to a power of two (pci_add_option_rom), and only the block's size
 * must match on both ends. BIOS and pflash images are blocks of the file's own size. */
static bool pci_option_rom(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return (strlen(base) > 4 && mc_str_endswith(base, ".rom")) ||
           mc_str_startswith(base, "vgabios");
}

static int64_t pow2ceil64(int64_t v)
{
    int64_t p2 = 1;
    while (p2 < v && p2 < INT64_MAX / 2)
        p2 *= 2;
    return p2;
}

/* Does DST's facts' silence about path mean the file is not there? They list every file named
 * .rom, .bin or .fd in the ROM directories (checker/rom-dirs.h), unless listing one failed; a
 * ROM anywhere else (a <rom file=>) is not in them, found or not. Facts without an OS area
 * (a partial snapshot) list nothing. */
static bool rom_absence_known(const struct mc_host_facts *h, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !(h->areas & MC_AREA_OS) || !mc_rom_file_name(path))
        return false;
    if (!mc_rom_dir_known(path, (size_t)(slash - path)))
        return false;
    for (size_t i = 0; i < h->n_errors; i++)
        if (h->errors[i].area && streq(h->errors[i].area, "os/roms"))
            return false;
    return true;
}

RULE_FN(rule_virt_rom_size)
{
    /* A snapshot of several domains hashes the ROMs of all of them: then the domain's own list
     * says which are its (a domain without one, a --vm-xml template, loads none we know of). */
    bool filter = p->vm->roms || mc_host_n_vms(p->src) > 1;
    for (size_t i = 0; i < p->src->os.n_roms; i++) {
        const struct mc_rom *s = &p->src->os.roms[i];
        if (!s->sha256)
            continue; /* only ROMs the guest loads are hashed */
        if (filter && !mc_strv_contains(p->vm->roms, s->path))
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("rom %s", s->path);
        const struct mc_rom *d = find_rom(&p->dst->os, s->path);
        if (!d && !rom_absence_known(p->dst, s->path)) {
            mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                    "%s's facts do not list the directory of %s, which the guest loads: whether "
                    "%s has it, and of which size, is not known",
                    DST(p), s->path, DST(p));
            continue;
        }
        if (!d) {
            mc_emit(out, r, MC_PROBLEM, subject, "%s has no %s, which the guest loads", DST(p),
                    s->path);
            continue;
        }
        if (d->size <= 0 || s->size <= 0) {
            mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "the size of %s on %s is not known",
                    s->path, s->size <= 0 ? SRC(p) : DST(p));
            continue;
        }
        if (d->size != s->size && pci_option_rom(s->path) &&
            pow2ceil64(d->size) == pow2ceil64(s->size)) {
            struct mc_finding *f = mc_emit(
                out, r, MC_STATUS_PASS, subject,
                "%s is %lld bytes on %s and %lld on %s; QEMU maps this option ROM as %lld bytes "
                "on both",
                s->path, (long long)s->size, SRC(p), (long long)d->size, DST(p),
                (long long)pow2ceil64(s->size));
            mc_finding_set_evidence(f, "a PCI option ROM's RAM block is its file's size rounded up "
                                       "to a power of two (QEMU pci_add_option_rom)");
            continue;
        }
        if (d->size != s->size) {
            struct mc_finding *f =
                mc_emit(out, r, MC_PROBLEM, subject, "%s is %lld bytes on %s but %lld on %s",
                        s->path, (long long)s->size, SRC(p), (long long)d->size, DST(p));
            mc_finding_set_evidence(f, "QEMU refuses a ROM RAM block of another size");
            continue;
        }
        struct mc_finding *f =
            mc_emit(out, r, MC_STATUS_PASS, subject,
                    "%s has the same size on both hosts (%lld bytes)", s->path, (long long)s->size);
        if (d->sha256 && !streq(d->sha256, s->sha256))
            mc_finding_set_evidence(f, "the contents differ; the size is what migration needs");
    }
}

RULE_FN(rule_virt_memory)
{
    const struct mc_vm_facts *vm = p->vm;
    if (vm->hugepage_kib > 0)
        return; /* virt.hugepages */
    int64_t need = vm->current_memory_kib > 0 ? vm->current_memory_kib : vm->memory_kib;
    int64_t free_kib = p->dst->virt.free_memory_kib;
    if (need <= 0 || free_kib <= 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, NULL,
                "free memory of %s or the guest's size is not "
                "known",
                DST(p));
        return;
    }
    if (p->opts->offline)
        return; /* an offline migration starts nothing */
    int64_t total_kib = p->dst->virt.memory_kib;
    if (free_kib < need && total_kib > 0 && need <= total_kib) {
        /* libvirt's free memory (virNodeGetFreeMemory) is MemFree: the page cache the kernel
         * reclaims when QEMU touches the guest's RAM is not in it, and QEMU allocates that RAM
         * as the migration writes it. How much is reclaimable is not among the facts. */
        struct mc_finding *f = mc_emit(
            out, r, MC_STATUS_UNKNOWN, "memory",
            "%s has %lld MiB free of %lld MiB; the guest needs %lld MiB: whether the kernel can "
            "reclaim the rest (page cache) is not known",
            DST(p), (long long)(free_kib / 1024), (long long)(total_kib / 1024),
            (long long)(need / 1024));
        mc_finding_set_evidence(f,
                                "libvirt's free memory of %s is MemFree, without the page "
                                "cache (MemAvailable in /proc/meminfo there says more)",
                                DST(p));
        mc_finding_set_hint(f, "check MemAvailable in /proc/meminfo on %s", DST(p));
    } else if (free_kib < need)
        mc_emit(out, r, MC_PROBLEM, "memory", "%s has %lld MiB free; the guest needs %lld MiB",
                DST(p), (long long)(free_kib / 1024), (long long)(need / 1024));
    else
        mc_emit(out, r, MC_STATUS_PASS, "memory", "%s has %lld MiB free for the guest's %lld MiB",
                DST(p), (long long)(free_kib / 1024), (long long)(need / 1024));
}

RULE_FN(rule_virt_hugepages)
{
    const struct mc_vm_facts *vm = p->vm;
    if (vm->hugepage_kib <= 0 || p->opts->offline)
        return;
    int64_t need = vm->memory_kib;
    _cleanup_free_ char *subject = mc_xasprintf("hugepages %lldKiB", (long long)vm->hugepage_kib);
    for (size_t i = 0; i < p->dst->virt.n_hugepages; i++) {
        const struct mc_hugepages *h = &p->dst->virt.hugepages[i];
        if (h->size_kib != vm->hugepage_kib)
            continue;
        int64_t have = h->free * h->size_kib;
        if (have < need)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "%s has %lld free %lld KiB pages (%lld MiB); the guest needs %lld MiB", DST(p),
                    (long long)h->free, (long long)h->size_kib, (long long)(have / 1024),
                    (long long)(need / 1024));
        else
            mc_emit(out, r, MC_STATUS_PASS, subject,
                    "%s has %lld free %lld KiB pages for the guest's %lld MiB", DST(p),
                    (long long)h->free, (long long)h->size_kib, (long long)(need / 1024));
        return;
    }
    mc_emit(out, r, MC_PROBLEM, subject, "%s has no %lld KiB hugepages", DST(p),
            (long long)vm->hugepage_kib);
}

RULE_FN(rule_virt_security_model)
{
    STRV_FOREACH (m, p->vm->seclabels) {
        if (streq(*m, "none") || streq(*m, "dac"))
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("seclabel %s", *m);
        if (mc_strv_contains(p->dst->virt.secmodels, *m))
            mc_emit(out, r, MC_STATUS_PASS, subject, "%s has the %s security driver", DST(p), *m);
        else
            mc_emit(out, r, MC_PROBLEM, subject,
                    "the guest is labelled for %s, which %s does not run", *m, DST(p));
    }
}

RULE_FN(rule_virt_tls_required)
{
    if (!p->src->virt.qemu_conf.readable) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "qemu.conf",
                "%s's qemu.conf could not be read (migrate_tls_force unknown)", SRC(p));
        return;
    }
    if (p->src->virt.qemu_conf.migrate_tls_force && p->opts->tunnelled)
        /* qemuMigrationSrcBegin insists on VIR_MIGRATE_TLS only for a migration that is not
         * VIR_MIGRATE_TUNNELLED: a tunnelled one travels in libvirt's own connection. */
        mc_emit(out, r, MC_STATUS_PASS, "migrate_tls_force",
                "%s's qemu.conf sets migrate_tls_force, which libvirt does not apply to a "
                "tunnelled migration (--tunnelled)",
                SRC(p));
    else if (p->src->virt.qemu_conf.migrate_tls_force)
        mc_emit(out, r, MC_PROBLEM, "migrate_tls_force",
                "%s's qemu.conf sets migrate_tls_force: it refuses a migration without --tls",
                SRC(p));
    else if (p->src->virt.qemu_conf.readable)
        mc_emit(out, r, MC_STATUS_PASS, NULL, "%s does not force TLS for migration", SRC(p));
}

static bool is_drive(const struct mc_vm_path *vp)
{
    return streq(vp->role, "disk") || streq(vp->role, "cdrom") || streq(vp->role, "floppy") ||
           streq(vp->role, "lun");
}

static bool cache_safe(const char *cache)
{
    return streq(cache, "none") || streq(cache, "directsync");
}

/* virsh --unsafe (VIR_MIGRATE_UNSAFE): libvirt skips qemuMigrationSrcIsSafe and migrates. What
 * it would have refused passes where migcheck proved DST shares the file, and warns otherwise:
 * the data is safe only if the storage really is shared and coherent. */
static void unsafe_allowed(const struct mc_pair *p, struct mc_findings *out, size_t first)
{
    static const char prefix[] = "libvirt will refuse: ";
    for (size_t k = first; k < out->n; k++) {
        struct mc_finding *f = &out->items[k];
        if ((int)f->status != MC_PROBLEM)
            continue;
        bool proven = f->fix_set && f->fix == MC_FIX_UNSAFE_PROVEN_SHARED;
        const char *what = f->message;
        if (strncmp(what, prefix, sizeof(prefix) - 1) == 0)
            what += sizeof(prefix) - 1;
        char *m = mc_xasprintf("--unsafe: libvirt does not check, and migrates: %s", what);
        free(f->message);
        f->message = m;
        f->status = proven ? MC_STATUS_PASS : MC_STATUS_WARN;
        free(f->hint);
        f->hint = proven ? NULL
                         : mc_xasprintf("migrate with --unsafe only if %s really shares this "
                                        "storage and sees every write (cache='none'): otherwise "
                                        "the guest's disk is corrupted",
                                        DST(p));
        mc_finding_set_fix(f, MC_FIX_NONE);
    }
}

/* qemu.conf shared_filesystems on SRC: libvirt (virFileIsSharedFS) takes a path in one of
 * these directories, or one of them itself, as on a shared file system. */
static bool listed_shared(const struct mc_pair *p, const char *path)
{
    if (!path || path[0] != '/')
        return false;
    STRV_FOREACH (d, p->src->virt.qemu_conf.shared_filesystems) {
        size_t n = strlen(*d);
        while (n > 1 && (*d)[n - 1] == '/')
            n--;
        if (n == 0 || (*d)[0] != '/')
            continue;
        if (strncmp(path, *d, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1))
            return true;
    }
    return false;
}

/* The first libvirt release known here to read shared_filesystems (it came in the 10.x
 * series; migcheck does not know which one, so an earlier 10.x is not known to), and the first
 * that may: a 9.x or older ignores the key, and refuses as for any local disk. */
#define SHARED_FILESYSTEMS_KNOWN 11000000
#define SHARED_FILESYSTEMS_MAYBE 10000000

RULE_FN(rule_virt_unsafe_migration)
{
    size_t first = out->n;
    bool any_unsafe = false, any_unknown = false;
    if (p->opts->offline) {
        /* qemuMigrationSrcBeginPhase runs qemuMigrationSrcIsSafe only without
         * VIR_MIGRATE_UNSAFE and VIR_MIGRATE_OFFLINE. */
        mc_emit(out, r, MC_STATUS_PASS, NULL,
                "an offline migration moves no disk data: libvirt does not check the storage "
                "for one");
        return;
    }
    /* QEMU_CAPS_MIGRATION_FILE_DROP_CACHE: QEMU 4.0 and later drop caches at switch-over. */
    bool drop_cache = p->src->virt.hv_version >= 4000000;
    for (size_t i = 0; i < p->rel->n_paths; i++) {
        const struct mc_vm_path *vp = &p->rel->paths[i];
        if (!is_drive(vp) || vp->readonly)
            continue;
        if (copies_storage(p) && !streq(vp->disk_type, "network"))
            continue;
        if (streq(vp->disk_type, "network"))
            continue;
        bool proven = vp->evidence == MC_EVIDENCE_CANARY || vp->evidence == MC_EVIDENCE_IDENTITY;
        if (streq(vp->disk_type, "file")) {
            if (!vp->src_store.shared_fs && listed_shared(p, vp->src_path) &&
                !(p->src->virt.libvirt_version > 0 &&
                  p->src->virt.libvirt_version < SHARED_FILESYSTEMS_MAYBE)) {
                if (p->src->virt.libvirt_version < SHARED_FILESYSTEMS_KNOWN) {
                    char v[32];
                    struct mc_finding *f = mc_emit(
                        out, r, MC_STATUS_UNKNOWN, vp->subject,
                        "%s %s is on %s, which libvirt does not take as shared, but %s's "
                        "qemu.conf lists its directory in shared_filesystems: whether libvirt "
                        "%s honours that is not known",
                        vp->subject, vp->src_path, str_or(vp->src_store.fstype, "an unknown fs"),
                        SRC(p),
                        p->src->virt.libvirt_version > 0
                            ? mc_version_string(p->src->virt.libvirt_version, v)
                            : "(version not known)");
                    mc_finding_set_evidence(f, "libvirt reads shared_filesystems from its 10.x "
                                               "releases on; older ones ignore it and refuse "
                                               "('Migration without shared storage is unsafe')");
                    any_unknown = true;
                    continue;
                }
                /* libvirt takes it as shared: the cache mode decides, as for NFS. */
            } else if (!vp->src_store.shared_fs) {
                any_unsafe = true;
                struct mc_finding *f = mc_emit(
                    out, r, MC_PROBLEM, vp->subject,
                    "libvirt will refuse: %s %s is on %s, not a shared file system for libvirt "
                    "('Migration without shared storage is unsafe')",
                    vp->subject, vp->src_path, str_or(vp->src_store.fstype, "an unknown fs"));
                if (proven) {
                    mc_finding_set_evidence(
                        f, "migcheck proved %s shares it: %s", DST(p),
                        str_or(vp->evidence_detail, mc_evidence_name(vp->evidence)));
                    mc_finding_set_fix(f, MC_FIX_UNSAFE_PROVEN_SHARED);
                    mc_finding_set_hint(f, "the storage is shared (proven by migcheck): "
                                           "'migcheck migrate' can pass VIR_MIGRATE_UNSAFE "
                                           "safely; plain virsh needs --unsafe");
                }
                continue;
            }
            if (vp->src_store.cluster_fs)
                continue;
        } else if (streq(vp->disk_type, "nvme")) {
            any_unsafe = true;
            mc_emit(out, r, MC_PROBLEM, vp->subject,
                    "libvirt will refuse: %s is an NVMe disk ('Migration without shared storage "
                    "is unsafe')",
                    vp->subject);
            continue;
        }
        if (vp->shareable || cache_safe(vp->cache) || drop_cache)
            continue;
        any_unsafe = true;
        struct mc_finding *f = mc_emit(
            out, r, MC_PROBLEM, vp->subject,
            "libvirt will refuse: %s uses cache='%s' on %s and QEMU on %s cannot drop its caches "
            "('Migration may lead to data corruption if disks use cache other than none or "
            "directsync')",
            vp->subject, str_or(vp->cache, "default"), str_or(vp->src_store.fstype, "?"), SRC(p));
        mc_finding_set_hint(f, "use cache='none' for disks on shared storage");
        mc_finding_set_fix(f, MC_FIX_NONE);
    }
    if (!any_unsafe && !any_unknown)
        mc_emit(out, r, MC_STATUS_PASS, NULL,
                "libvirt considers every writable disk safe to migrate (network disks, shared "
                "file systems%s)",
                drop_cache ? ", and QEMU drops caches" : "");
    else if (p->opts->unsafe)
        unsafe_allowed(p, out, first);
}

/* ---- OS and updates ---- */

RULE_FN(rule_os_release)
{
    const struct mc_os_facts *a = &p->src->os, *b = &p->dst->os;
    const char *na = str_or(a->pretty_name, str_or(a->id, "?"));
    const char *nb = str_or(b->pretty_name, str_or(b->id, "?"));
    if (!a->id || !b->id) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "os-release", "the OS release of %s is not known",
                !a->id ? SRC(p) : DST(p));
        return;
    }
    if (streq(a->id, b->id) && streq_ptr(a->version_id, b->version_id)) {
        mc_emit(out, r, MC_STATUS_PASS, "os-release", "both hosts run %s", na);
        return;
    }
    struct mc_finding *f =
        mc_emit(out, r, MC_PROBLEM, "os-release", "%s runs %s, %s runs %s", SRC(p), na, DST(p), nb);
    mc_finding_set_evidence(f, "ID=%s VERSION_ID=%s / ID=%s VERSION_ID=%s", a->id,
                            str_or(a->version_id, ""), b->id, str_or(b->version_id, ""));
}

RULE_FN(rule_os_updates)
{
    const struct mc_os_facts *a = &p->src->os, *b = &p->dst->os;
    _cleanup_buf_ struct mc_buf diff = MC_BUF_INIT;
    size_t ndiff = 0;
    if (a->kernel_release && b->kernel_release && !streq(a->kernel_release, b->kernel_release)) {
        mc_buf_printf(&diff, "kernel %s / %s", a->kernel_release, b->kernel_release);
        ndiff++;
    }
    for (size_t i = 0; i < a->n_packages; i++) {
        const struct mc_package *pa = &a->packages[i];
        const struct mc_package *pb = mc_os_find_package(b, pa->name);
        if (pb && streq_ptr(pa->version, pb->version))
            continue;
        mc_buf_printf(&diff, "%s%s %s / %s", diff.len ? "; " : "", pa->name,
                      str_or(pa->version, "?"), pb ? str_or(pb->version, "?") : "not installed");
        ndiff++;
    }
    for (size_t i = 0; i < b->n_packages; i++)
        if (!mc_os_find_package(a, b->packages[i].name)) {
            mc_buf_printf(&diff, "%s%s not installed / %s", diff.len ? "; " : "",
                          b->packages[i].name, str_or(b->packages[i].version, "?"));
            ndiff++;
        }
    if (a->n_packages == 0 && b->n_packages == 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "packages",
                "the package versions of neither host are known");
        return;
    }
    if (ndiff == 0) {
        mc_emit(out, r, MC_STATUS_PASS, "packages",
                "the hypervisor stack has the same versions on both hosts (%zu packages)",
                a->n_packages);
        return;
    }
    struct mc_finding *f =
        mc_emit(out, r, MC_PROBLEM, "packages", "%zu hypervisor package%s differ between %s and %s",
                ndiff, ndiff == 1 ? "" : "s", SRC(p), DST(p));
    mc_finding_set_evidence(f, "%s", diff.data);
}

/* ---- libvirt secrets the domain refers to ---- */

/* libvirt's secret usage type for a <secret type=> in the domain XML. */
static const char *secret_usage_type(const char *ref_type)
{
    if (streq(ref_type, "passphrase"))
        return "volume"; /* LUKS and qcow encryption look up volume secrets */
    return ref_type;
}

static const struct mc_secret *find_secret(const struct mc_virt_facts *v,
                                           const struct mc_secret_ref *ref)
{
    for (size_t i = 0; i < v->n_secrets; i++) {
        const struct mc_secret *s = &v->secrets[i];
        if (ref->uuid) {
            if (s->uuid && strcasecmp(s->uuid, ref->uuid) == 0)
                return s;
        } else if (streq(s->usage_id, ref->usage) &&
                   (!ref->usage_type || streq(s->usage_type, secret_usage_type(ref->usage_type)))) {
            return s;
        }
    }
    return NULL;
}

RULE_FN(rule_virt_secrets)
{
    const struct mc_vm_facts *vm = p->vm;
    if (vm->n_secret_refs == 0) {
        mc_emit(out, r, MC_STATUS_PASS, NULL, "the domain refers to no libvirt secret");
        return;
    }
    const struct mc_virt_facts *dv = &p->dst->virt;
    for (size_t i = 0; i < vm->n_secret_refs; i++) {
        const struct mc_secret_ref *ref = &vm->secret_refs[i];
        _cleanup_free_ char *subject =
            mc_xasprintf("%s %s secret", str_or(ref->subject, "?"), str_or(ref->purpose, ""));
        _cleanup_free_ char *named =
            ref->uuid
                ? mc_xasprintf("UUID %s", ref->uuid)
                : mc_xasprintf("%s usage '%s'", str_or(secret_usage_type(ref->usage_type), "?"),
                               str_or(ref->usage, ""));
        if (!dv->secrets_listed) {
            const struct mc_fact_error *e = mc_facts_area_error(p->dst, MC_AREA_VIRT);
            mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                    "%s's secrets are not known, so the secret with %s for %s cannot be looked "
                    "up%s%s",
                    DST(p), named, str_or(ref->subject, "?"), e ? ": " : "",
                    e ? str_or(e->message, "") : "");
            continue;
        }
        const struct mc_secret *s = find_secret(dv, ref);
        struct mc_finding *f;
        if (!s) {
            f = mc_emit(out, r, MC_PROBLEM, subject,
                        "%s has no libvirt secret with %s, which %s needs (%s)", DST(p), named,
                        str_or(ref->subject, "?"), str_or(ref->purpose, "?"));
            mc_finding_set_hint(f,
                                "define the secret on %s with the same %s and set its value "
                                "(virsh secret-define, virsh secret-set-value)",
                                DST(p), ref->uuid ? "UUID" : "usage");
            continue;
        }
        if (streq(s->value, "set")) {
            f = mc_emit(out, r, MC_STATUS_PASS, subject,
                        "%s has the secret with %s for %s, with a value", DST(p), named,
                        str_or(ref->subject, "?"));
        } else if (streq(s->value, "unset")) {
            f = mc_emit(out, r, MC_PROBLEM, subject,
                        "the secret with %s on %s has no value; %s needs it", named, DST(p),
                        str_or(ref->subject, "?"));
            mc_finding_set_hint(f, "set the secret's value on %s (virsh secret-set-value)", DST(p));
        } else {
            f = mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                        "%s has the secret with %s for %s, but it is private: libvirt does not "
                        "tell whether it has a value",
                        DST(p), named, str_or(ref->subject, "?"));
            mc_finding_set_evidence(f,
                                    "a login through %s's libvirt with this secret "
                                    "(storage.disk-shared) proves it for iSCSI disks",
                                    DST(p));
        }
    }
}

/* Each host was reached: a session to it, so facts of it. A host set records why one was not (the
 * host error of its facts, also in a snapshot --save-facts wrote); the other rules that need that
 * host's facts are UNKNOWN with the same reason (the engine). */
RULE_FN(rule_host_reachable)
{
    const struct {
        const struct mc_host_facts *h;
        const char *name, *agent;
    } side[] = {
        { p->src, SRC(p), p->rel->src_agent },
        { p->dst, DST(p), p->rel->dst_agent },
    };
    for (size_t i = 0; i < ARRAY_SIZE(side); i++) {
        if (!side[i].h)
            continue;
        const struct mc_fact_error *e = mc_facts_host_error(side[i].h);
        if (e) {
            struct mc_finding *f = mc_emit(out, r, MC_STATUS_UNKNOWN, side[i].name, "%s",
                                           str_or(e->message, "the host could not be reached"));
            mc_finding_set_hint(f, "%s", r->hint);
        } else if (streq(side[i].agent, "snapshot") || !side[i].agent) {
            mc_emit(out, r, MC_STATUS_PASS, side[i].name,
                    "'%s' answered when its facts were gathered (a snapshot)", side[i].name);
        } else {
            mc_emit(out, r, MC_STATUS_PASS, side[i].name, "'%s' answered (%s)", side[i].name,
                    side[i].agent);
        }
    }
}
