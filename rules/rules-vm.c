/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rules about the domain itself: state, jobs, devices that cannot move. */
#include <inttypes.h>
#include <stdio.h>

#include "rules-internal.h"

/* A domain given as XML (--vm-xml) is a template or a record: it carries no state, jobs or
 * snapshot metadata, so the rules about them do not apply, unless the XML says the domain ran
 * (a running domain's XML has id='N'). */
static bool state_unknown(const struct mc_pair *p)
{
    return !p->vm->state;
}

RULE_FN(rule_vm_state)
{
    const char *state = str_or(p->vm->state, "unknown");
    const char *name = str_or(p->vm->name, "?");
    if (state_unknown(p)) {
        if (p->vm->id > 0 && !p->opts->offline)
            mc_emit(out, r, MC_STATUS_PASS, name,
                    "domain '%s' was running when its XML was written (id %lld)", name,
                    (long long)p->vm->id);
        else
            mc_emit(out, r, MC_STATUS_SKIP, name,
                    "domain '%s' comes from a domain XML without its state: whether it runs%s is "
                    "not known here",
                    name, p->opts->offline ? " or is persistent" : "");
        return;
    }
    if (p->opts->offline) {
        if (!p->vm->persistent)
            mc_emit(out, r, MC_PROBLEM, name,
                    "domain '%s' is transient; an offline migration moves only persistent "
                    "definitions",
                    name);
        else
            mc_emit(out, r, MC_STATUS_PASS, name,
                    "domain '%s' is %s; an offline migration moves its persistent definition", name,
                    state);
        return;
    }
    struct mc_finding *f;
    if (streq(state, "running")) {
        mc_emit(out, r, MC_STATUS_PASS, name, "domain '%s' is %s", name, state);
        return;
    }
    if (streq(state, "paused")) {
        /* Seen in the lab (QEMU 7.2, libvirt 9.0): a domain migrated while paused arrives
         * paused with its block nodes inactive; migrated again before it ran, its QEMU fails
         * the assertion in bdrv_inactivate_recurse at the end of the migration and the guest
         * is gone. libvirt reports such a domain as paused (user), like one paused by hand, so
         * the two cannot be told apart here: a warning for every paused domain. */
        f = mc_emit(out, r, MC_STATUS_WARN, name,
                    "domain '%s' is paused: it migrates and arrives paused, but if it came to %s "
                    "by a migration while paused and has not run since, QEMU crashes at the end "
                    "of this migration and the guest is lost",
                    name, SRC(p));
        mc_finding_set_hint(f, "if it arrived paused, resume it once ('virsh resume', then "
                               "'virsh suspend' if it must stay paused) before migrating it");
        mc_finding_set_evidence(f,
                                "state=paused%s%s; QEMU on %s: the assertion "
                                "'!(bs->open_flags & BDRV_O_INACTIVE)' in "
                                "bdrv_inactivate_recurse",
                                p->vm->state_reason ? " reason=" : "",
                                p->vm->state_reason ? p->vm->state_reason : "", SRC(p));
        return;
    }
    if (streq(state, "shutoff")) {
        f = mc_emit(out, r, MC_PROBLEM, name,
                    "domain '%s' is shut off: a live migration needs a running domain", name);
        mc_finding_set_hint(f, "start it first, or move the definition with an offline "
                               "migration: check with --offline, migrate with "
                               "'virsh migrate --offline --persistent'");
    } else {
        f = mc_emit(out, r, MC_PROBLEM, name, "domain '%s' is %s, not running or paused", name,
                    state);
    }
    mc_finding_set_evidence(f, "state=%s%s%s", state, p->vm->state_reason ? " reason=" : "",
                            p->vm->state_reason ? p->vm->state_reason : "");
}

/* Where the domain is defined after the migration: virsh --persistent defines it on DST
 * (VIR_MIGRATE_PERSIST_DEST; an offline migration always does), --undefinesource removes the
 * source's definition (VIR_MIGRATE_UNDEFINE_SOURCE, only once the migration succeeded). */
RULE_FN(rule_vm_definition)
{
    const char *name = str_or(p->vm->name, "?");
    bool on_dst = p->opts->persistent || p->opts->offline;
    bool undefine = p->opts->undefine_source;
    if (state_unknown(p)) {
        mc_emit(out, r, MC_STATUS_SKIP, name,
                "domain '%s' comes from a domain XML: whether it is persistent is not known here",
                name);
        return;
    }
    if (!p->vm->persistent) {
        if (on_dst)
            mc_emit(out, r, MC_STATUS_PASS, name,
                    "transient domain '%s' will be defined on %s (--persistent)", name, DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, name, "transient domain '%s' stays transient on %s%s",
                    name, DST(p),
                    undefine ? " (--undefinesource has no definition to remove)" : "");
        return;
    }
    if (on_dst && undefine) {
        mc_emit(out, r, MC_STATUS_PASS, name,
                "the definition of '%s' moves from %s to %s (--persistent --undefinesource)", name,
                SRC(p), DST(p));
    } else if (on_dst) {
        struct mc_finding *f =
            mc_emit(out, r, MC_STATUS_PASS, name,
                    "'%s' will be defined on %s and stays defined on %s (no --undefinesource)",
                    name, DST(p), SRC(p));
        mc_finding_set_evidence(f, "start it on one host only: two hosts that define it can both "
                                   "start it unless a lock manager (sanlock, virtlockd) guards "
                                   "its disks");
    } else if (undefine) {
        struct mc_finding *f = mc_emit(
            out, r, MC_PROBLEM, name,
            "after the migration '%s' is defined on no host: --undefinesource removes it from "
            "%s, and without --persistent it runs on %s as a transient domain that is gone once "
            "it shuts down",
            name, SRC(p), DST(p));
        mc_finding_set_hint(f, "add --persistent (virsh migrate --persistent --undefinesource)");
    } else {
        mc_emit(out, r, MC_STATUS_PASS, name,
                "'%s' stays defined on %s and runs on %s as a transient domain (--persistent "
                "defines it there)",
                name, SRC(p), DST(p));
    }
}

RULE_FN(rule_vm_job)
{
    const char *job = p->vm->job;
    const char *name = str_or(p->vm->name, "?");
    if (state_unknown(p)) {
        mc_emit(out, r, MC_STATUS_SKIP, name,
                "domain '%s' comes from a domain XML: its jobs are not known here", name);
        return;
    }
    if (!job || streq(job, "none"))
        mc_emit(out, r, MC_STATUS_PASS, name, "no job is running on domain '%s'", name);
    else
        mc_emit(out, r, MC_PROBLEM, name, "a %s job is running on domain '%s'", job, name);
}

RULE_FN(rule_vm_snapshots)
{
    const char *name = str_or(p->vm->name, "?");
    if (state_unknown(p) && p->vm->snapshots == 0) {
        mc_emit(out, r, MC_STATUS_SKIP, name,
                "domain '%s' comes from a domain XML: its snapshots are not known here", name);
        return;
    }
    if (p->vm->snapshots > 0)
        mc_emit(out, r, MC_PROBLEM, name,
                "domain '%s' has %lld snapshot%s; libvirt refuses to migrate it", name,
                (long long)p->vm->snapshots, p->vm->snapshots == 1 ? "" : "s");
    else
        mc_emit(out, r, MC_STATUS_PASS, name, "domain '%s' has no snapshots", name);
}

/*
 * A USB host device on DST. libvirt allows it in a migration (qemuMigrationSrcIsAllowedHostdev);
 * DST's libvirt looks it up when it prepares the incoming domain (virHostdevPrepareUSBDevices,
 * virHostdevFindUSBDevice, virUSBDeviceSearch over /sys/bus/usb/devices), as libvirt 9.0 does
 * and as the lab saw it do on a destination with an empty (tmpfs) USB sysfs:
 *   - no /sys/bus/usb/devices at all: "cannot open directory", whatever the startupPolicy;
 *   - vendor:product and an address: the device at that address with those ids; when the
 *     address is one SRC's libvirt found by the ids (autoAddress='yes'), a search by the ids
 *     if it is not there;
 *   - vendor:product: exactly one device with those ids ("Multiple USB devices for %x:%x, use
 *     <address> to specify one" for two or more, whatever the policy);
 *   - an address alone: the device there.
 * A device not found is an error ("Did not find USB device ...") unless the startupPolicy is
 * optional or requisite (requisite only fails a cold boot, and an incoming migration is not
 * one): then libvirt marks it missing and starts DST's usb-host device with no host device
 * behind it. The lab migrated such a domain both ways; QEMU's usb-host (hw/usb/host-libusb.c,
 * usb_host_post_load) then emulates the device's removal, so the guest loses it.
 */
enum usb_pick {
    USB_FOUND,
    USB_DROPPED,
    USB_REFUSED,
    USB_UNREADABLE
};

static bool usb_ids_match(const struct mc_usb_device *d, const struct mc_hostdev *h)
{
    return streq(d->vendor, h->usb_vendor) && streq(d->product, h->usb_product);
}

static bool usb_at(const struct mc_usb_device *d, int64_t bus, int64_t device)
{
    return d->bus == bus && d->device == device;
}

/* What DST's libvirt does with h: the device it picks, or why none (*ret_why, allocated). */
static enum usb_pick usb_pick(const struct mc_usb_facts *u, const struct mc_hostdev *h,
                              bool required, const struct mc_usb_device **ret_dev, char **ret_why,
                              bool *ret_ambiguous)
{
    *ret_dev = NULL;
    *ret_ambiguous = false;
    bool ids = h->usb_vendor && h->usb_product, addr = h->usb_bus > 0;
    if (!ids && !addr) {
        *ret_why = mc_xstrdup("its <source> names no vendor:product and no address migcheck "
                              "could read");
        return USB_UNREADABLE;
    }
    if (ids && addr) {
        for (size_t i = 0; i < u->n_devices; i++)
            if (usb_ids_match(&u->devices[i], h) &&
                usb_at(&u->devices[i], h->usb_bus, h->usb_device)) {
                *ret_dev = &u->devices[i];
                return USB_FOUND;
            }
        if (!h->usb_auto_address) {
            *ret_why = mc_xasprintf("no USB device %s:%s at bus %" PRId64 " device %" PRId64,
                                    h->usb_vendor, h->usb_product, h->usb_bus, h->usb_device);
            return required ? USB_REFUSED : USB_DROPPED;
        }
    }
    if (ids) {
        size_t n = 0;
        for (size_t i = 0; i < u->n_devices; i++)
            if (usb_ids_match(&u->devices[i], h) && n++ == 0)
                *ret_dev = &u->devices[i];
        if (n == 1)
            return USB_FOUND;
        *ret_dev = NULL;
        if (n > 1) {
            if (addr)
                *ret_why = mc_xasprintf("%zu USB devices %s:%s, none of them at bus %" PRId64
                                        " device %" PRId64 " where the source found it ('Multiple "
                                        "USB devices for %s:%s were found, but none of them is "
                                        "at ...')",
                                        n, h->usb_vendor, h->usb_product, h->usb_bus, h->usb_device,
                                        h->usb_vendor, h->usb_product);
            else
                *ret_why =
                    mc_xasprintf("%zu USB devices %s:%s and the domain gives no address to "
                                 "tell them apart ('Multiple USB devices for %s:%s, use "
                                 "<address> to specify one')",
                                 n, h->usb_vendor, h->usb_product, h->usb_vendor, h->usb_product);
            *ret_ambiguous = true;
            return USB_REFUSED; /* whatever the startupPolicy */
        }
        *ret_why = mc_xasprintf("no USB device %s:%s", h->usb_vendor, h->usb_product);
        return required ? USB_REFUSED : USB_DROPPED;
    }
    for (size_t i = 0; i < u->n_devices; i++)
        if (usb_at(&u->devices[i], h->usb_bus, h->usb_device)) {
            *ret_dev = &u->devices[i];
            return USB_FOUND;
        }
    *ret_why =
        mc_xasprintf("no USB device at bus %" PRId64 " device %" PRId64, h->usb_bus, h->usb_device);
    return required ? USB_REFUSED : USB_DROPPED;
}

/* Another running domain on DST that holds the device, as far as DST's facts show domains. */
static const char *usb_user_on_dst(const struct mc_pair *p, const struct mc_usb_device *d)
{
    MC_HOST_FOREACH_VM (v, p->dst) {
        if (!streq(v->state, "running") && !streq(v->state, "paused"))
            continue;
        if ((v->uuid && streq(v->uuid, p->vm->uuid)) || streq(v->name, p->vm->name))
            continue;
        for (size_t i = 0; i < v->n_hostdevs; i++) {
            const struct mc_hostdev *o = &v->hostdevs[i];
            if (streq(o->type, "usb") && !o->usb_missing && o->usb_bus > 0 &&
                usb_at(d, o->usb_bus, o->usb_device))
                return str_or(v->name, "?");
        }
    }
    return NULL;
}

/* The evidence for a device DST's libvirt does not find: how many USB devices DST has. */
static char *usb_count_on_dst(const struct mc_pair *p, const struct mc_usb_facts *u)
{
    return mc_xasprintf("%s has %zu USB device%s", DST(p), u->n_devices,
                        u->n_devices == 1 ? "" : "s");
}

static void usb_hostdev_finding(const struct mc_rule *r, const struct mc_pair *p,
                                const struct mc_hostdev *h, const char *subject,
                                struct mc_findings *out)
{
    const char *addr = str_or(h->address, "?");
    const char *policy = str_or(h->startup_policy, "mandatory");
    /* virHostdevPrepareUSBDevices: only optional, and requisite outside a cold boot, may be
     * missing. An unknown word counts as the default: libvirt refuses such XML anyway. */
    bool required = !streq(policy, "optional") && !streq(policy, "requisite");
    const struct mc_usb_facts *u = p->dst->usb;
    struct mc_finding *f;
    if (p->opts->offline) {
        f = mc_emit(out, r, MC_STATUS_PASS, subject,
                    "USB host device %s: an offline migration does not start the domain on %s; "
                    "libvirt there looks the device up when it starts",
                    addr, DST(p));
        return;
    }
    if (!u) {
        const struct mc_fact_error *e = NULL;
        for (size_t i = 0; i < p->dst->n_errors && !e; i++)
            if (streq(p->dst->errors[i].area, "usb"))
                e = &p->dst->errors[i];
        f = mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                    "USB host device %s: %s's USB devices are not known, so whether its libvirt "
                    "finds the device is not known",
                    addr, DST(p));
        mc_finding_set_evidence(f, "%s",
                                e ? e->message
                                  : "the facts hold no USB device list (a snapshot "
                                    "from a migcheck that did not gather it)");
        return;
    }
    if (u->no_sysfs) {
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "USB host device %s: %s has no /sys/bus/usb/devices, and its libvirt fails "
                    "to look up any USB device there ('cannot open directory "
                    "'/sys/bus/usb/devices''), whatever the startupPolicy",
                    addr, DST(p));
        mc_finding_set_evidence(f, "/sys/bus/usb/devices does not exist on %s", DST(p));
        mc_finding_set_hint(f, "detach the USB device before migrating, or migrate to a host "
                               "with a USB bus and the device");
        return;
    }
    const struct mc_usb_device *d = NULL;
    _cleanup_free_ char *why = NULL;
    bool ambiguous;
    enum usb_pick pick = usb_pick(u, h, required, &d, &why, &ambiguous);
    switch (pick) {
    case USB_UNREADABLE:
        f = mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "USB host device %s: %s", addr, why);
        break;
    case USB_REFUSED: {
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "USB host device %s: %s has %s; its libvirt refuses the incoming domain "
                    "(startupPolicy '%s')",
                    addr, DST(p), why, policy);
        _cleanup_free_ char *count = usb_count_on_dst(p, u);
        mc_finding_set_evidence(f, "%s", count);
        if (ambiguous)
            mc_finding_set_hint(f,
                                "name the device to use on %s with an <address bus= device=> "
                                "in the hostdev's <source> (a destination XML), or detach it "
                                "before migrating",
                                DST(p));
        else
            mc_finding_set_hint(f,
                                "plug the device into %s, give the hostdev "
                                "startupPolicy='optional' to let the guest lose it, or detach "
                                "it before migrating",
                                DST(p));
        break;
    }
    case USB_DROPPED: {
        f = mc_emit(out, r, MC_STATUS_WARN, subject,
                    "USB host device %s: %s has %s; with startupPolicy '%s' its libvirt starts "
                    "the domain without it and the guest loses the device",
                    addr, DST(p), why, policy);
        _cleanup_free_ char *count = usb_count_on_dst(p, u);
        mc_finding_set_evidence(f,
                                "%s; libvirt marks the hostdev missing and QEMU's usb-host on %s "
                                "has no host device behind it",
                                count, DST(p));
        mc_finding_set_hint(f,
                            "plug the device into %s if the guest needs it there, or detach "
                            "it before migrating",
                            DST(p));
        break;
    }
    case USB_FOUND: {
        const char *user = usb_user_on_dst(p, d);
        if (user) {
            f = mc_emit(out, r, MC_PROBLEM, subject,
                        "USB host device %s: the device libvirt on %s picks (%s, bus %" PRId64
                        " device %" PRId64 ") is in use by domain '%s' there",
                        addr, DST(p), d->name, d->bus, d->device, user);
            mc_finding_set_evidence(
                f, "domain '%s' on %s has USB host device bus %" PRId64 " device %" PRId64, user,
                DST(p), d->bus, d->device);
            break;
        }
        f = mc_emit(out, r, MC_STATUS_PASS, subject,
                    "USB host device %s: libvirt on %s finds it (%s, bus %" PRId64
                    " device %" PRId64 ")",
                    addr, DST(p), d->name, d->bus, d->device);
        mc_finding_set_evidence(f,
                                "%s %s:%s at bus %" PRId64 " device %" PRId64
                                "; QEMU re-plugs a USB host device after a migration, so the "
                                "guest sees it unplugged and plugged again",
                                DST(p), d->vendor, d->product, d->bus, d->device);
        break;
    }
    }
}

/*
 * A PCI or mdev host device, or a vDPA interface, on a stack where QEMU decides: libvirt with
 * QEMU's migration blockers (query-migrate blocked-reasons) runs its own host device and vDPA
 * checks only for a QEMU that cannot report them (qemuMigrationSrcIsAllowed), and QEMU from 8.1
 * migrates a VFIO device whose kernel driver supports VFIO migration (an mlx5 or virtio VF, a
 * vGPU) and a vhost-vdpa device whose backend can suspend, blocking only the others. The
 * versions below are ones known to do both.
 */
#define VFIO_MIGRATION_QEMU_MIN    8001000
#define VFIO_MIGRATION_LIBVIRT_MIN 9000000
/* 1: QEMU decides; 0: libvirt or QEMU refuses any; -1: a version is not known. */
static int qemu_decides_migration(const struct mc_pair *p)
{
    int64_t lv = p->src->virt.libvirt_version;
    int64_t qs = p->src->virt.hv_version, qd = p->dst->virt.hv_version;
    if ((lv > 0 && lv < VFIO_MIGRATION_LIBVIRT_MIN) || (qs > 0 && qs < VFIO_MIGRATION_QEMU_MIN) ||
        (qd > 0 && qd < VFIO_MIGRATION_QEMU_MIN))
        return 0;
    if (lv <= 0 || qs <= 0 || qd <= 0)
        return -1;
    return 1;
}

RULE_FN(rule_vm_hostdev)
{
    const struct mc_vm_facts *vm = p->vm;
    if (vm->n_hostdevs == 0) {
        mc_emit(out, r, MC_STATUS_PASS, NULL, "no host devices are assigned");
        return;
    }
    int qemu_decides = qemu_decides_migration(p);
    for (size_t i = 0; i < vm->n_hostdevs; i++) {
        const struct mc_hostdev *h = &vm->hostdevs[i];
        const char *type = str_or(h->type, "?");
        const char *addr = str_or(h->address, "?");
        _cleanup_free_ char *subject = mc_xasprintf("hostdev %s %s", type, addr);
        if (p->opts->offline && !streq(type, "usb")) {
            /* qemuMigrationSrcIsAllowed judges host devices only when the migration is not
             * VIR_MIGRATE_OFFLINE: an offline migration moves the definition, starts nothing. */
            mc_emit(out, r, MC_STATUS_PASS, subject,
                    "%s host device %s: an offline migration does not start the domain on %s, "
                    "and libvirt does not check host devices for one; the device must be there "
                    "when the domain starts",
                    streq(type, "pci") ? "PCI" : type, addr, DST(p));
        } else if (h->mode && !streq(h->mode, "subsystem")) {
            mc_emit(out, r, MC_PROBLEM, subject, "host device %s (mode '%s') cannot be migrated",
                    addr, h->mode);
        } else if (streq(type, "usb")) {
            usb_hostdev_finding(r, p, h, subject, out);
        } else if (streq(type, "pci") && streq(h->teaming, "transient")) {
            mc_emit(out, r, MC_STATUS_PASS, subject,
                    "PCI device %s is the transient half of a failover pair; libvirt unplugs it "
                    "for the migration",
                    addr);
        } else if ((streq(type, "pci") || streq(type, "mdev")) && qemu_decides != 0) {
            const char *what = streq(type, "pci") ? "PCI" : type;
            struct mc_finding *f;
            if (qemu_decides < 0) {
                f = mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                            "%s host device %s: the libvirt and QEMU versions that decide "
                            "whether it migrates are not known (from QEMU 8.1, a VFIO device "
                            "whose host driver supports migration does)",
                            what, addr);
            } else {
                char v1[32], v2[32], v3[32];
                f = mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                            "%s host device %s: QEMU %s on %s and %s on %s migrate a VFIO device "
                            "whose host driver supports migration, and libvirt %s leaves the "
                            "decision to QEMU; whether this device's driver does, and whether %s "
                            "has the same device, is not known",
                            what, addr, mc_version_string(p->src->virt.hv_version, v1), SRC(p),
                            mc_version_string(p->dst->virt.hv_version, v2), DST(p),
                            mc_version_string(p->src->virt.libvirt_version, v3), DST(p));
            }
            mc_finding_set_evidence(f, "QEMU adds a migration blocker for a VFIO device without "
                                       "migration support (vfio_migration_realize); libvirt "
                                       "reports it: 'cannot migrate domain: ...'");
            mc_finding_set_hint(f, "%s", r->hint);
        } else {
            mc_emit(out, r, MC_PROBLEM, subject,
                    "%s host device %s is assigned to the guest and cannot follow it to %s",
                    streq(type, "pci") ? "PCI" : type, addr, DST(p));
        }
    }
}

/*
 * A virtiofs filesystem: libvirt refused every migration with one until its 2024 releases
 * (qemuMigrationSrcIsAllowed on SRC: "migration with virtiofs device is not supported"); from
 * 10.5/10.6 on it allows one whose virtiofsd supports migration (the migrate-precopy feature of
 * its vhost-user description) or was started outside libvirt. QEMU migrates a vhost-user-fs
 * device from 8.2 on (before, its state is marked unmigratable on both ends). Past both, what
 * decides is virtiofsd on each host and the same directory contents on DST, which no fact shows.
 */
#define VIRTIOFS_LIBVIRT_MIN 10005000 /* no libvirt before 10.5 migrates virtiofs */
#define VIRTIOFS_QEMU_MIN    8002000  /* vhost-user-fs internal migration: QEMU 8.2 */
static void virtiofs_finding(const struct mc_pair *p, const struct mc_rule *r,
                             struct mc_findings *out, const char *tag)
{
    _cleanup_free_ char *subject = mc_xasprintf("filesystem %s", tag);
    int64_t lv = p->src->virt.libvirt_version;
    int64_t qs = p->src->virt.hv_version, qd = p->dst->virt.hv_version;
    char v1[32], v2[32];
    if (lv <= 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                "virtiofs filesystem '%s': libvirt's version on %s is not known (libvirt before "
                "10.5 refuses to migrate a virtiofs device)",
                tag, SRC(p));
        return;
    }
    if (lv < VIRTIOFS_LIBVIRT_MIN) {
        mc_emit(out, r, MC_PROBLEM, subject,
                "the guest has virtiofs filesystem '%s': libvirt %s on %s refuses to migrate it "
                "('migration with virtiofs device is not supported')",
                tag, mc_version_string(lv, v1), SRC(p));
        return;
    }
    if (qs <= 0 || qd <= 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
                "virtiofs filesystem '%s': the QEMU version of %s is not known (QEMU migrates a "
                "virtiofs device from 8.2 on)",
                tag, qs <= 0 ? SRC(p) : DST(p));
        return;
    }
    if (qs < VIRTIOFS_QEMU_MIN || qd < VIRTIOFS_QEMU_MIN) {
        bool src_old = qs < VIRTIOFS_QEMU_MIN;
        mc_emit(out, r, MC_PROBLEM, subject,
                "the guest has virtiofs filesystem '%s': QEMU %s on %s cannot migrate a virtiofs "
                "device (QEMU migrates one from 8.2 on)",
                tag, mc_version_string(src_old ? qs : qd, v1), src_old ? SRC(p) : DST(p));
        return;
    }
    mc_emit(out, r, MC_STATUS_UNKNOWN, subject,
            "virtiofs filesystem '%s': libvirt %s and QEMU %s can migrate it when virtiofsd on "
            "both hosts supports migration (its vhost-user description lists migrate-precopy, "
            "or the domain uses a virtiofsd started outside libvirt) and %s exports the same "
            "directory contents; migcheck sees neither",
            tag, mc_version_string(lv, v1), mc_version_string(qd, v2), DST(p));
}

/*
 * An emulated TPM (<tpm><backend type='emulator'>): libvirt on DST starts swtpm for it before
 * QEMU, and the TPM's state comes in the migration stream (libvirt 9.0 neither needs nor
 * supports the state on shared storage). libvirt lists the 'emulator' backend in its domain
 * capabilities only when it finds swtpm; without it the start on DST fails ("Unable to find
 * 'swtpm' binary in $PATH"). The vTPM state secret is virt.secrets'.
 */
static void tpm_emulator_finding(const struct mc_pair *p, const struct mc_rule *r,
                                 struct mc_findings *out)
{
    const struct mc_virt_facts *v = &p->dst->virt;
    struct mc_finding *f;
    if (!(p->dst->areas & MC_AREA_VIRT) || mc_facts_area_failed(p->dst, MC_AREA_VIRT) ||
        !v->tpm_backends_listed) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "tpm",
                "the guest has an emulated TPM: whether %s's libvirt can start swtpm for it is "
                "not known (its domain capabilities did not list TPM backends)",
                DST(p));
        return;
    }
    _cleanup_free_ char *models = mc_strv_join(v->tpm_backend_models, ", ");
    if (!mc_strv_contains(v->tpm_backend_models, "emulator")) {
        f = mc_emit(out, r, MC_PROBLEM, "tpm",
                    "the guest has an emulated TPM, and %s's libvirt finds no swtpm to run it "
                    "('emulator' is not among its TPM backends): QEMU cannot start there",
                    DST(p));
        mc_finding_set_evidence(f, "domain capabilities of %s: TPM backends %s", DST(p),
                                models && *models ? models : "none");
        mc_finding_set_hint(f, "install swtpm (and swtpm-tools) on %s", DST(p));
        return;
    }
    f = mc_emit(out, r, MC_STATUS_PASS, "tpm",
                "the guest has an emulated TPM; %s's libvirt runs swtpm for it, and its state "
                "travels in the migration stream",
                DST(p));
    mc_finding_set_evidence(f, "domain capabilities of %s: TPM backends %s", DST(p), models);
}

/* The devices vm.devices judges, for an offline migration: qemuMigrationSrcIsAllowed skips
 * every device check for VIR_MIGRATE_OFFLINE (no QEMU runs, nothing is migrated but the
 * definition), and libvirt on DST only defines the domain, so it starts no swtpm. */
static void devices_offline(const struct mc_rule *r, const struct mc_pair *p,
                            struct mc_findings *out)
{
    const struct mc_vm_facts *vm = p->vm;
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    if (mc_strv_contains(vm->tpm_backends, "emulator"))
        mc_buf_printf(&b, "an emulated TPM");
    STRV_FOREACH (x, vm->blockers)
        mc_buf_printf(&b, "%s%s", b.len ? ", " : "", *x);
    STRV_FOREACH (t, vm->virtiofs)
        mc_buf_printf(&b, "%svirtiofs filesystem '%s'", b.len ? ", " : "", *t);
    for (size_t i = 0; i < vm->n_disks; i++)
        if (vm->disks[i].transient)
            mc_buf_printf(&b, "%stransient disk %s", b.len ? ", " : "",
                          str_or(vm->disks[i].target, "?"));
    if (!b.len) {
        mc_emit(out, r, MC_STATUS_PASS, NULL, "no device that blocks migration");
        return;
    }
    struct mc_finding *f =
        mc_emit(out, r, MC_STATUS_PASS, "devices",
                "the guest has %s; an offline migration moves only the definition, and libvirt "
                "checks none of these for one",
                b.data);
    mc_finding_set_evidence(f,
                            "qemuMigrationSrcIsAllowed skips its device checks for "
                            "VIR_MIGRATE_OFFLINE; %s must provide them when the domain starts",
                            DST(p));
}

RULE_FN(rule_vm_devices)
{
    const struct mc_vm_facts *vm = p->vm;
    bool any = false;
    if (p->opts->offline) {
        devices_offline(r, p, out);
        return;
    }
    if (mc_strv_contains(vm->tpm_backends, "emulator")) {
        any = true;
        tpm_emulator_finding(p, r, out);
    }
    STRV_FOREACH (b, vm->blockers) {
        any = true;
        /* libvirt refuses vDPA itself only with a QEMU that cannot report migration blockers
         * (qemuMigrationSrcIsAllowed); past that QEMU decides, and a vhost-vdpa device whose
         * backend can suspend (or with shadow virtqueues) migrates. */
        if (strncmp(*b, "vdpa interface ", 15) == 0 && qemu_decides_migration(p) != 0) {
            struct mc_finding *f =
                mc_emit(out, r, MC_STATUS_UNKNOWN, *b,
                        "the guest has %s: with these libvirt and QEMU versions QEMU decides, "
                        "and migrates a vDPA device whose backend supports it, which migcheck "
                        "does not see",
                        *b);
            mc_finding_set_hint(f, "%s", r->hint);
            continue;
        }
        mc_emit(out, r, MC_PROBLEM, *b, "the guest has %s, which cannot be migrated", *b);
    }
    STRV_FOREACH (t, vm->virtiofs) {
        any = true;
        virtiofs_finding(p, r, out, *t);
    }
    for (size_t i = 0; i < vm->n_disks; i++)
        if (vm->disks[i].transient) {
            any = true;
            _cleanup_free_ char *s = mc_xasprintf("disk %s", str_or(vm->disks[i].target, "?"));
            mc_emit(out, r, MC_PROBLEM, s,
                    "disk %s is transient; libvirt does not migrate transient disks",
                    str_or(vm->disks[i].target, "?"));
        }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL, "no device that blocks migration");
}

RULE_FN(rule_vm_invtsc)
{
    const struct mc_vm_facts *vm = p->vm;
    bool invtsc = false;
    for (size_t i = 0; i < vm->n_cpu_features; i++) {
        const struct mc_cpu_feature *f = &vm->cpu_features[i];
        if (streq(f->name, "invtsc") &&
            (!f->policy || streq(f->policy, "require") || streq(f->policy, "force")))
            invtsc = true;
    }
    if (!invtsc) {
        mc_emit(out, r, MC_STATUS_PASS, NULL, "the guest CPU has no invariant TSC");
        return;
    }
    if (p->opts->offline) {
        /* qemuMigrationSrcIsAllowed checks invtsc only when the migration is not offline. */
        mc_emit(out, r, MC_STATUS_PASS, "invtsc",
                "the guest CPU has the invtsc feature; an offline migration starts no QEMU, and "
                "libvirt does not check it for one");
        return;
    }
    if (vm->tsc_frequency <= 0) {
        mc_emit(out, r, MC_PROBLEM, "invtsc",
                "the guest CPU has the invtsc feature but no TSC frequency; QEMU blocks its "
                "migration");
        return;
    }
    int64_t dst_khz = p->dst ? p->dst->virt.tsc_khz : 0;
    int64_t want_khz = vm->tsc_frequency / 1000;
    /* libvirt on DST (qemuProcessStartValidateTSC) accepts a frequency within 250 ppm of the
     * host's, else one the host's TSC scaling can give; it refuses only where the capabilities
     * say scaling='no'. Whether DST scales is not among its facts, so a frequency outside the
     * tolerance is not known to fail. */
    int64_t lo = dst_khz * 1000, hi = lo + 999; /* DST's TSC in Hz, from its kHz */
    int64_t tolerance = lo * 250 / 1000000;
    bool within = vm->tsc_frequency >= hi - tolerance && vm->tsc_frequency <= lo + tolerance;
    if (dst_khz > 0 && !within) {
        struct mc_finding *f =
            mc_emit(out, r, MC_STATUS_UNKNOWN, "invtsc",
                    "the guest's TSC runs at %lld kHz, %s's TSC at %lld kHz, more than 250 ppm "
                    "apart: QEMU starts the guest there only if %s's CPU can scale its TSC, "
                    "which migcheck does not know",
                    (long long)want_khz, DST(p), (long long)dst_khz, DST(p));
        mc_finding_set_evidence(f,
                                "libvirt refuses such a frequency where the capabilities of %s "
                                "say <counter name='tsc' scaling='no'/> ('Requested TSC "
                                "frequency ... is outside tolerance range')",
                                DST(p));
        mc_finding_set_hint(f,
                            "check 'virsh capabilities' on %s for scaling='yes' in "
                            "<counter name='tsc'>, or migrate between hosts with the same TSC "
                            "frequency",
                            DST(p));
        return;
    }
    mc_emit(out, r, MC_STATUS_PASS, "invtsc", "invariant TSC with a pinned frequency of %lld Hz",
            (long long)vm->tsc_frequency);
}

RULE_FN(rule_vm_virtio_vectors)
{
    const struct mc_vm_facts *vm = p->vm;
    bool any = false;
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct mc_iface *ifc = &vm->ifaces[i];
        if (!streq(ifc->model, "virtio") || ifc->queues <= 1)
            continue;
        any = true;
        int64_t vectors = 2 * ifc->queues + 2;
        _cleanup_free_ char *s = mc_xasprintf("interface %s", mc_vm_iface_label(ifc));
        if (vectors > 32)
            mc_emit(out, r, MC_PROBLEM, s,
                    "virtio interface %s has %lld queues, %lld vectors (more than 32)",
                    mc_vm_iface_label(ifc), (long long)ifc->queues, (long long)vectors);
        else
            mc_emit(out, r, MC_STATUS_PASS, s, "virtio interface %s uses %lld vectors",
                    mc_vm_iface_label(ifc), (long long)vectors);
    }
    for (size_t i = 0; i < vm->n_controllers; i++) {
        const struct mc_controller *c = &vm->controllers[i];
        if (c->vectors <= 0)
            continue;
        any = true;
        _cleanup_free_ char *s =
            mc_xasprintf("controller %s %lld", str_or(c->type, "?"), (long long)c->index);
        if (c->vectors > 32)
            mc_emit(out, r, MC_PROBLEM, s, "%s uses %lld vectors (more than 32)", s,
                    (long long)c->vectors);
        else
            mc_emit(out, r, MC_STATUS_PASS, s, "%s uses %lld vectors", s, (long long)c->vectors);
    }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL,
                "no virtio device sets more than the default "
                "vectors");
}

/* ---- paths QEMU or libvirt create on DST, and paths that must exist there ---- */

static bool creates(const struct mc_host_path *hp)
{
    return streq(hp->action, "create") || streq(hp->action, "bind") || streq(hp->action, "mkdir");
}

/*
 * Room for the guest's RAM in memory_backing_dir on DST. QEMU's memory-backend-file there is a
 * file of the guest's memory size. With <allocation mode='immediate'/> QEMU preallocates it when
 * it starts (prealloc=on): on a file system with less room it fails to start, before anything
 * is migrated (FAIL). Otherwise the file is sparse and the incoming migration writes the guest's
 * non-zero pages into it (zero pages stay holes): a file system with less room than the RAM may
 * fill up mid-migration, and QEMU on DST then dies of SIGBUS (WARN: how much of the RAM is
 * non-zero decides, which the space alone does not show). The space counted is what an
 * unprivileged user may use (f_bavail), as QEMU need not run as root.
 */
static void judge_backing_space(const struct mc_rule *r, const struct mc_pair *p,
                                const struct mc_host_path *hp, const char *who,
                                struct mc_findings *out)
{
    const char *create = str_or(hp->create_detail, "a test file was created");
    bool prealloc = streq(p->vm->memory_allocation, "immediate");
    int64_t need = p->vm->memory_kib;
    struct mc_finding *f;
    if (hp->space_probe != MC_PROBE_OK || need <= 0) {
        const char *why = need <= 0 ? "the guest's memory size is not known"
                                    : str_or(hp->space_detail, "its free space was not measured");
        if (prealloc) {
            f = mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                        "%s: %s can make the domain's directory under %s on %s, but whether its "
                        "file system has room for the guest's RAM, which QEMU preallocates "
                        "there, is not known: %s",
                        hp->subject, who, hp->dir, DST(p), why);
        } else {
            f = mc_emit(out, r, MC_STATUS_PASS, hp->subject,
                        "%s: %s can make the domain's directory under %s on %s", hp->subject, who,
                        hp->dir, DST(p));
            mc_finding_set_evidence(f, "%s; room for the RAM not checked: %s", create, why);
            return;
        }
        mc_finding_set_evidence(f, "%s", create);
        return;
    }
    int64_t avail = hp->space_avail_kib;
    if (avail >= need) {
        f = mc_emit(out, r, MC_STATUS_PASS, hp->subject,
                    "%s: %s can make the domain's directory under %s on %s, and its file system "
                    "has room for the guest's %lld MiB of RAM",
                    hp->subject, who, hp->dir, DST(p), (long long)(need / 1024));
        mc_finding_set_evidence(f, "%s; %s", create, str_or(hp->space_detail, "room"));
        return;
    }
    if (prealloc) {
        f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                    "%s: the guest's %lld MiB of RAM are preallocated in a file under %s on %s "
                    "(<allocation mode='immediate'/>), whose file system has %lld MiB available: "
                    "QEMU does not start there",
                    hp->subject, (long long)(need / 1024), hp->dir, DST(p),
                    (long long)(avail / 1024));
    } else {
        f = mc_emit(out, r, MC_STATUS_WARN, hp->subject,
                    "%s: the guest's %lld MiB of RAM become a file under %s on %s, whose file "
                    "system has %lld MiB available: the migration writes every page the guest "
                    "has used into it, and if they do not fit QEMU on %s dies (SIGBUS) during "
                    "the migration",
                    hp->subject, (long long)(need / 1024), hp->dir, DST(p),
                    (long long)(avail / 1024), DST(p));
    }
    mc_finding_set_evidence(f, "%s", str_or(hp->space_detail, "not enough room"));
    mc_finding_set_hint(f,
                        "make room on the file system of %s on %s, or set memory_backing_dir in "
                        "its qemu.conf to a larger one",
                        hp->dir, DST(p));
}

/*
 * A directory libvirt makes on DST with its missing parents (g_mkdir_with_parents as root): the
 * memory backing directory of file-backed guest RAM. A missing directory is no refusal (libvirt
 * creates it), a path through a non-directory is (ENOTDIR), and so is one root cannot create in.
 */
static void judge_mkdir(const struct mc_rule *r, const struct mc_pair *p,
                        const struct mc_host_path *hp, struct mc_findings *out)
{
    const char *who = str_or(hp->creator, "root (libvirtd)");
    struct mc_finding *f;
    if (!hp->dir) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                "%s: the guest's RAM is a file under %s's memory_backing_dir, which is not "
                "known (its qemu.conf was not read)",
                hp->subject, DST(p));
        return;
    }
    if (!p->rel->live) {
        mc_emit(out, r, MC_STATUS_SKIP, hp->subject,
                "%s: %s makes the domain's directory under %s on %s when QEMU starts there; "
                "whether it can needs a live probe",
                hp->subject, who, hp->dir, DST(p));
        return;
    }
    if (hp->probe == MC_PROBE_FAILED && streq(hp->probe_error, "ENOENT")) {
        f = mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                    "%s: %s does not exist on %s; %s creates it with its parents when QEMU "
                    "starts there, which was not tried",
                    hp->subject, hp->dir, DST(p), who);
        mc_finding_set_evidence(f, "%s", str_or(hp->detail, "missing"));
        return;
    }
    if ((hp->probe == MC_PROBE_FAILED && streq(hp->probe_error, "ENOTDIR")) ||
        (hp->probe == MC_PROBE_OK && hp->type && !streq(hp->type, "dir"))) {
        bool found = hp->probe == MC_PROBE_OK;
        _cleanup_free_ char *what =
            found ? mc_xasprintf("is a %s, not a directory", str_or(hp->type, "?"))
                  : mc_xstrdup("cannot be a directory: a part of its path is a file");
        f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                    "%s: %s on %s %s, so %s cannot make the domain's directory under it and QEMU "
                    "does not start there",
                    hp->subject, hp->dir, DST(p), what, who);
        mc_finding_set_evidence(f, "%s", str_or(hp->detail, "not a directory"));
        mc_finding_set_hint(f,
                            "make %s a directory on %s, or set memory_backing_dir in %s's "
                            "qemu.conf to one",
                            hp->dir, DST(p), DST(p));
        return;
    }
    if (hp->probe != MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                "%s: cannot tell whether %s can make the domain's directory under %s on %s: %s",
                hp->subject, who, hp->dir, DST(p), str_or(hp->detail, "not probed"));
        return;
    }
    if (hp->create_probe == MC_PROBE_OK) {
        judge_backing_space(r, p, hp, who, out);
    } else if (hp->create_probe == MC_PROBE_FAILED) {
        f = mc_emit(out, r, MC_PROBLEM, hp->subject, "%s: %s cannot create in %s on %s: %s",
                    hp->subject, who, hp->dir, DST(p), str_or(hp->create_detail, "denied"));
        mc_finding_set_hint(f,
                            "let root create directories in %s on %s (a read-only mount?), or "
                            "set memory_backing_dir in its qemu.conf",
                            hp->dir, DST(p));
    } else {
        mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                "%s: %s exists on %s, but whether %s can create in it was not proved: %s",
                hp->subject, hp->dir, DST(p), who,
                str_or(hp->create_detail, "no creation probe ran"));
    }
}

/*
 * The create test runs as the creator's uid and gid, not under the mandatory access control
 * the creator runs under on DST: with SELinux, QEMU runs as svirt_t and virtlogd as
 * virtlogd_t; with AppArmor, QEMU runs under libvirt's per-domain profile. Either may refuse a
 * file the test could create, so a PASS says what the test did not reproduce (a possible
 * false PASS, never a false FAIL). The driver in force: DST's qemu.conf security_driver, or
 * (unset) the first model libvirt reports that is neither none nor dac.
 */
static const char *unconfined_test(const struct mc_pair *p)
{
    const struct mc_virt_facts *v = &p->dst->virt;
    const char *drv = v->qemu_conf.security_driver;
    if (drv && *drv)
        return streq(drv, "selinux") || streq(drv, "apparmor") ? drv : NULL;
    STRV_FOREACH (m, v->secmodels)
        if (streq(*m, "selinux") || streq(*m, "apparmor"))
            return *m;
    return NULL;
}

/* A size as QEMU prints it (hexadecimal bytes), with what it means to a person. */
static char *size_text(int64_t bytes)
{
    if (bytes >= (1 << 20) && bytes % (1 << 20) == 0)
        return mc_xasprintf("0x%" PRIx64 " (%" PRId64 " MiB)", (uint64_t)bytes, bytes >> 20);
    if (bytes >= 1024 && bytes % 1024 == 0)
        return mc_xasprintf("0x%" PRIx64 " (%" PRId64 " KiB)", (uint64_t)bytes, bytes >> 10);
    return mc_xasprintf("0x%" PRIx64 " (%" PRId64 " bytes)", (uint64_t)bytes, bytes);
}

/*
 * ivshmem-plain's /dev/shm/NAME that already exists on DST (measured with QEMU 7.2, the
 * memory-backend-file libvirt 9.0 gives it: share=on, size=<size>): QEMU opens it read-write
 * ("can't open backing store /dev/shm/NAME for guest RAM: Permission denied" when it cannot); a
 * file larger than 0 and smaller than the size ends it ("backing store size 0x100000 does not
 * match 'size' option 0x400000"); an empty one is grown to the size; a larger or equal one is
 * mapped as it is: the incoming migration writes the guest's shared memory over its first
 * <size> bytes, and whatever maps the file on DST shares memory with the guest from then on. A
 * directory: QEMU makes an unlinked file in it. Sizes unknown (an answer without one, facts from
 * before they were read): UNKNOWN.
 */
static void judge_shmem(const struct mc_rule *r, const struct mc_pair *p,
                        const struct mc_host_path *hp, const char *who, struct mc_findings *out)
{
    struct mc_finding *f;
    if (streq(hp->file_type, "dir")) {
        if (hp->create_probe == MC_PROBE_OK) {
            f = mc_emit(out, r, MC_STATUS_PASS, hp->subject,
                        "%s: %s on %s is a directory: %s makes an unlinked file for the shared "
                        "memory in it (not shared with anything on %s)",
                        hp->subject, hp->path, DST(p), who, DST(p));
            mc_finding_set_evidence(f, "%s", str_or(hp->create_detail, "a test file was created"));
        } else if (hp->create_probe == MC_PROBE_FAILED) {
            f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s: %s on %s is a directory %s cannot create in: %s", hp->subject,
                        hp->path, DST(p), who, str_or(hp->create_detail, "denied"));
            mc_finding_set_hint(f, "remove the directory %s on %s, or give the shmem another name",
                                hp->path, DST(p));
        } else {
            mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                    "%s: %s on %s is a directory; whether %s can create its file in it was not "
                    "proved: %s",
                    hp->subject, hp->path, DST(p), who,
                    str_or(hp->create_detail, "no creation probe ran"));
        }
        return;
    }
    if (hp->create_probe == MC_PROBE_FAILED) {
        f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                    "%s: %s already exists on %s and %s cannot open it read-write: %s, so QEMU "
                    "does not start there (\"can't open backing store %s for guest RAM\")",
                    hp->subject, hp->path, DST(p), who, str_or(hp->create_detail, "denied"),
                    hp->path);
        mc_finding_set_hint(f,
                            "remove %s on %s if no guest there uses it, give it to %s, or give "
                            "the shmem another name",
                            hp->path, DST(p), who);
        return;
    }
    _cleanup_free_ char *need = size_text(hp->size);
    if (!hp->file_size_known || hp->size <= 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                "%s: %s already exists on %s, but its size is not known: QEMU refuses a file "
                "smaller than the shmem's size %s",
                hp->subject, hp->path, DST(p), hp->size > 0 ? need : "(not known either)");
        return;
    }
    _cleanup_free_ char *has = size_text(hp->file_size);
    if (hp->file_size > 0 && hp->file_size < hp->size) {
        f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                    "%s: %s already exists on %s and is smaller than the shmem: %s there, %s "
                    "asked; QEMU does not start there (\"backing store size 0x%" PRIx64
                    " does not match 'size' option 0x%" PRIx64 "\")",
                    hp->subject, hp->path, DST(p), has, need, (uint64_t)hp->file_size,
                    (uint64_t)hp->size);
        mc_finding_set_hint(f,
                            "remove the stale %s on %s if no guest there uses it (or make it "
                            "%" PRId64 " bytes: truncate -s %" PRId64 "), or give the shmem "
                            "another name",
                            hp->path, DST(p), hp->size, hp->size);
        return;
    }
    if (hp->create_probe != MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                "%s: %s already exists on %s (%s); whether %s can open it read-write was not "
                "proved: %s",
                hp->subject, hp->path, DST(p), has, who,
                str_or(hp->create_detail, "no open probe ran"));
        return;
    }
    if (hp->file_size == 0) {
        f = mc_emit(out, r, MC_STATUS_PASS, hp->subject,
                    "%s: %s exists on %s, empty: QEMU grows it to the shmem's size %s", hp->subject,
                    hp->path, DST(p), need);
        mc_finding_set_evidence(f, "%s", str_or(hp->create_detail, "it opens read-write"));
        return;
    }
    f = mc_emit(out, r, MC_STATUS_WARN, hp->subject,
                "%s: %s already exists on %s: %s there, %s asked; QEMU there maps it as it is, "
                "the migration writes the guest's shared memory over its start, and anything on "
                "%s that maps it (a guest with a shmem of that name) shares memory with this "
                "guest from then on",
                hp->subject, hp->path, DST(p), has, need, DST(p));
    mc_finding_set_evidence(f, "%s", str_or(hp->create_detail, "it opens read-write"));
    mc_finding_set_hint(f,
                        "a leftover of an earlier run on %s is harmless (QEMU does not remove "
                        "the file): remove it to silence this; if a guest there uses it, give "
                        "this shmem another name",
                        DST(p));
}

/* A failed stat on DST that says the path is not there for anyone: a missing component, a
 * component that is no directory. Another errno (EACCES as the agent's user, EIO, ESTALE of a
 * network mount) says only that the probe could not look, not what libvirt or QEMU will meet.
 * Facts without the errno keep the probe's "failed". */
static bool stat_says_missing(const struct mc_host_path *hp)
{
    return !hp->probe_error || streq(hp->probe_error, "ENOENT") ||
           streq(hp->probe_error, "ENOTDIR") || streq(hp->probe_error, "ELOOP") ||
           streq(hp->probe_error, "ENAMETOOLONG");
}

static const char *made_what(const struct mc_host_path *hp)
{
    return streq(hp->action, "bind") ? "socket" : "file";
}

RULE_FN(rule_vm_created_files)
{
    bool any = false;
    for (size_t i = 0; i < p->rel->n_host_paths; i++) {
        const struct mc_host_path *hp = &p->rel->host_paths[i];
        if (!creates(hp))
            continue;
        any = true;
        if (streq(hp->action, "mkdir")) {
            judge_mkdir(r, p, hp, out);
            continue;
        }
        const char *who = str_or(hp->creator, "QEMU");
        const char *what = made_what(hp);
        struct mc_finding *f;
        if (!p->rel->live) {
            mc_emit(out, r, MC_STATUS_SKIP, hp->subject,
                    "%s %s %s is created on %s: whether %s can create it there needs a live "
                    "probe",
                    hp->subject, what, hp->path, DST(p), who);
            continue;
        }
        if (hp->probe == MC_PROBE_FAILED && !stat_says_missing(hp)) {
            f = mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                        "%s %s %s: the stat of directory %s on %s failed with %s, so whether %s "
                        "can create it there is not known",
                        hp->subject, what, hp->path, hp->dir, DST(p), hp->probe_error, who);
            mc_finding_set_evidence(f, "%s", str_or(hp->detail, hp->probe_error));
            continue;
        }
        if (hp->probe == MC_PROBE_FAILED) {
            f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s %s %s: directory %s does not exist on %s, so %s cannot create it "
                        "there",
                        hp->subject, what, hp->path, hp->dir, DST(p), who);
            mc_finding_set_evidence(f, "%s", str_or(hp->detail, "missing"));
            mc_finding_set_hint(f, "create %s on %s (as on %s), or change the path", hp->dir,
                                DST(p), SRC(p));
            continue;
        }
        if (hp->probe == MC_PROBE_OK && hp->type && !streq(hp->type, "dir")) {
            f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s %s %s: %s on %s is a %s, not a directory", hp->subject, what, hp->path,
                        hp->dir, DST(p), hp->type);
            continue;
        }
        if (hp->probe != MC_PROBE_OK) {
            mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                    "cannot tell whether directory %s exists on %s (%s %s %s): %s", hp->dir, DST(p),
                    hp->subject, what, hp->path, str_or(hp->detail, "not probed"));
            continue;
        }
        if (streq(hp->role, "shmem") && hp->file_probe == MC_PROBE_OK &&
            (streq(hp->file_type, "file") || streq(hp->file_type, "dir"))) {
            judge_shmem(r, p, hp, who, out);
            continue;
        }
        if (hp->create_probe == MC_PROBE_OK) {
            f = mc_emit(out, r, MC_STATUS_PASS, hp->subject, "%s can create %s %s %s in %s on %s",
                        who, hp->subject, what, hp->path, hp->dir, DST(p));
            const char *mac = unconfined_test(p);
            if (mac)
                mc_finding_set_evidence(f,
                                        "%s; not under %s, which confines the creator on %s "
                                        "and may still refuse it",
                                        str_or(hp->create_detail, "a test file was created"), mac,
                                        DST(p));
            else
                mc_finding_set_evidence(f, "%s",
                                        str_or(hp->create_detail, "a test file was created"));
        } else if (hp->create_probe == MC_PROBE_FAILED) {
            f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s cannot create %s %s %s in %s on %s: %s", who, hp->subject, what,
                        hp->path, hp->dir, DST(p), str_or(hp->create_detail, "denied"));
            mc_finding_set_hint(f,
                                "let %s create files in %s on %s (ownership, mode, a "
                                "read-only or root-squashed mount)",
                                who, hp->dir, DST(p));
        } else {
            mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                    "directory %s exists on %s, but whether %s can create %s %s in it was not "
                    "proved: %s",
                    hp->dir, DST(p), who, what, hp->path,
                    str_or(hp->create_detail, "no creation probe ran"));
        }
    }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL,
                "the domain has no file outputs, logs or sockets that are created on %s", DST(p));
}

static bool device_type(const char *t)
{
    return streq(t, "char") || streq(t, "block");
}

/*
 * A vhost-user backend's socket that exists on DST (a vhost-user-blk disk's, a mode='client'
 * interface's): QEMU there connects to it when it starts, without retrying first (measured with
 * QEMU 7.2: "Failed to connect to 'PATH': Connection refused", and QEMU ends). A socket file
 * proves nothing on its own: a backend that died (SIGKILL; qemu-storage-daemon removes its
 * socket only when it exits cleanly) leaves it behind. The live probe connects as QEMU will and
 * closes; refused: FAIL; accepted: PASS; not tried: UNKNOWN, never a PASS on the stat alone.
 */
static void judge_backend_socket(const struct mc_rule *r, const struct mc_pair *p,
                                 const struct mc_host_path *hp, struct mc_findings *out)
{
    struct mc_finding *f;
    const char *backend = streq(hp->role, "vhostuser-blk")
                              ? "its vhost-user-blk backend (qemu-storage-daemon, SPDK, ...)"
                              : "its vhost-user switch (OVS-DPDK, a DPDK application, ...)";
    if (hp->connect_probe == MC_PROBE_OK) {
        f = mc_emit(out, r, MC_STATUS_PASS, hp->subject,
                    "%s's vhost-user socket %s on %s accepts connections: a backend listens there",
                    hp->subject, hp->path, DST(p));
        mc_finding_set_evidence(f, "%s", str_or(hp->connect_detail, "connected"));
    } else if (hp->connect_probe == MC_PROBE_FAILED && streq(hp->connect_error, "ECONNREFUSED")) {
        f = mc_emit(out, r, MC_PROBLEM, hp->subject,
                    "%s connects to vhost-user socket %s, where nothing listens on %s (the "
                    "connection is refused: a stale socket, its backend gone); QEMU does not "
                    "start there and the migration fails",
                    hp->subject, hp->path, DST(p));
        mc_finding_set_evidence(f, "%s", str_or(hp->connect_detail, "refused"));
        mc_finding_set_hint(f, "start %s on %s, listening at %s, before migrating", backend, DST(p),
                            hp->path);
    } else {
        f = mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                    "%s's vhost-user socket %s exists on %s; whether a backend listens there was "
                    "not %s: %s",
                    hp->subject, hp->path, DST(p),
                    hp->connect_probe == MC_PROBE_FAILED ? "proved" : "tried",
                    str_or(hp->connect_detail, "no connection was tried"));
        mc_finding_set_hint(f, "make sure %s runs on %s, listening at %s", backend, DST(p),
                            hp->path);
    }
}

RULE_FN(rule_vm_host_paths)
{
    bool any = false;
    for (size_t i = 0; i < p->rel->n_host_paths; i++) {
        const struct mc_host_path *hp = &p->rel->host_paths[i];
        if (creates(hp))
            continue;
        any = true;
        struct mc_finding *f;
        if (streq(hp->action, "link")) {
            if (p->dst->areas & MC_AREA_NET && !mc_facts_area_failed(p->dst, MC_AREA_NET)) {
                if (mc_net_find_link(&p->dst->net, hp->path))
                    mc_emit(out, r, MC_STATUS_PASS, hp->subject, "tap device %s exists on %s",
                            hp->path, DST(p));
                else
                    mc_emit(out, r, MC_PROBLEM, hp->subject,
                            "%s uses the unmanaged tap device %s, which %s does not have",
                            hp->subject, hp->path, DST(p));
            } else {
                mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject, "%s's links are not known", DST(p));
            }
            continue;
        }
        const char *what = streq(hp->role, "tls-cert")    ? "TLS file"
                           : streq(hp->action, "device")  ? "host device"
                           : streq(hp->action, "connect") ? "socket"
                           : streq(hp->action, "exec")    ? "program"
                           : streq(hp->action, "dir")     ? "directory"
                                                          : "path";
        if (!p->rel->live) {
            mc_emit(out, r, MC_STATUS_SKIP, hp->subject,
                    "%s needs %s %s on %s: checking needs a live probe", hp->subject, what,
                    hp->path, DST(p));
        } else if (hp->probe == MC_PROBE_FAILED && !stat_says_missing(hp)) {
            f = mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject,
                        "%s needs %s %s on %s; its stat there failed with %s, so whether it "
                        "exists is not known",
                        hp->subject, what, hp->path, DST(p), hp->probe_error);
            mc_finding_set_evidence(f, "%s", str_or(hp->detail, hp->probe_error));
        } else if (hp->probe == MC_PROBE_FAILED && streq(hp->role, "chardev-reconnect")) {
            /* QEMU connects such a client in the background and retries: it starts without
             * the server, the device stays unconnected until something listens there. */
            f = mc_emit(out, r, MC_STATUS_WARN, hp->subject,
                        "%s connects to socket %s, which %s does not have; it reconnects, so "
                        "QEMU starts there without it and the device stays unconnected until "
                        "something listens at that path",
                        hp->subject, hp->path, DST(p));
            mc_finding_set_evidence(f, "%s", str_or(hp->detail, "missing"));
            mc_finding_set_hint(f, "start its server at %s on %s, before or after the migration",
                                hp->path, DST(p));
        } else if (hp->probe == MC_PROBE_FAILED) {
            f = mc_emit(out, r, MC_PROBLEM, hp->subject, "%s needs %s %s, which %s does not have",
                        hp->subject, what, hp->path, DST(p));
            mc_finding_set_evidence(f, "%s", str_or(hp->detail, "missing"));
        } else if (hp->probe == MC_PROBE_OK) {
            if (streq(hp->action, "dir") && hp->type && !streq(hp->type, "dir")) {
                mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s needs directory %s; on %s it is a %s, not a directory", hp->subject,
                        hp->path, DST(p), hp->type);
                continue;
            }
            if (streq(hp->action, "device") && hp->type && !device_type(hp->type)) {
                mc_emit(out, r, MC_PROBLEM, hp->subject,
                        "%s needs host device %s; on %s it is a %s, not a device", hp->subject,
                        hp->path, DST(p), hp->type);
                continue;
            }
            if (mc_host_path_connect_tested(hp)) {
                judge_backend_socket(r, p, hp, out);
                continue;
            }
            f = mc_emit(out, r, MC_STATUS_PASS, hp->subject, "%s %s exists on %s", what, hp->path,
                        DST(p));
            if (streq(hp->action, "connect"))
                mc_finding_set_evidence(f, "%s; whether its server accepts QEMU is not probed",
                                        str_or(hp->detail, "present"));
        } else {
            mc_emit(out, r, MC_STATUS_UNKNOWN, hp->subject, "cannot tell whether %s has %s %s: %s",
                    DST(p), what, hp->path, str_or(hp->detail, "not probed"));
        }
    }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL,
                "the domain uses no host devices, sockets or programs that must exist on %s",
                DST(p));
}

RULE_FN(rule_vm_9p_mount)
{
    bool any = false;
    for (size_t i = 0; i < p->vm->n_files; i++) {
        const struct mc_vm_file *f = &p->vm->files[i];
        if (!streq(f->role, "filesystem-dir"))
            continue;
        any = true;
        /* An offline migration moves only the definition: no QEMU runs, no share is mounted. */
        if (p->opts->offline) {
            mc_emit(out, r, MC_STATUS_PASS, str_or(f->subject, "filesystem"),
                    "%s exports %s over 9p; an offline migration starts no QEMU, so no guest has "
                    "it mounted",
                    str_or(f->subject, "filesystem"), str_or(f->path, "?"));
            continue;
        }
        struct mc_finding *fi = mc_emit(
            out, r, MC_STATUS_UNKNOWN, str_or(f->subject, "filesystem"),
            "%s exports %s over 9p: QEMU refuses to migrate while the guest has it mounted, and "
            "whether it has cannot be seen from the host",
            str_or(f->subject, "filesystem"), str_or(f->path, "?"));
        mc_finding_set_evidence(fi, "QEMU reports the mount only to its own monitor");
    }
    if (!any)
        mc_emit(out, r, MC_STATUS_PASS, NULL, "the domain exports no directory over 9p");
}
