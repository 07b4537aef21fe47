/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A domain's XML into VM facts: what the rules need of each device, the files
 * the VM opens, and the devices libvirt or QEMU refuse to migrate.
 * Element and attribute names follow libvirt's formatdomain documentation and
 * /usr/share/libvirt/schemas/domaincommon.rng (libvirt 9.0).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checker/relate.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"
#include "virt-xml.h"
#include "virt.h"

/* A backing chain longer than this is refused as hostile (QEMU's own limit is 1000). */
#define MAX_BACKING_CHAIN 1000
/* Domain XML with more elements than this is refused (real ones have hundreds to a few
 * thousand); the parsers below then do linear work on a bounded tree. */
#define MAX_ELEMENTS 50000
#define MAX_BLOCKERS 256
/* The size libvirt 9.0 gives a <shmem> defined without <size>: 4 MiB (its XML then says
 * <size unit='M'>4</size>, and QEMU is given size 4194304). */
#define SHMEM_DEFAULT_SIZE (INT64_C(4) << 20)

/* A path the VM uses on the host, with what QEMU or libvirt does with it (action NULL: opens
 * it as it is; see struct mc_vm_file). Takes path. */
static struct mc_vm_file *add_host_file(struct mc_vm_facts *vm, const char *role, char *path,
                                        bool readonly, const char *action, const char *creator,
                                        const char *subject)
{
    if (!path || !*path) {
        free(path);
        return NULL;
    }
    /* A console repeats its serial's log file: one entry per (role, path). Real domains
     * open a handful of files; past 64 the scan is skipped to keep hostile input linear. */
    for (size_t i = 0; i < vm->n_files && vm->n_files <= 64; i++) {
        if (strcmp(vm->files[i].role, role) == 0 && strcmp(vm->files[i].path, path) == 0) {
            free(path);
            return NULL;
        }
    }
    struct mc_vm_file *f = MC_APPEND(vm->files, vm->n_files);
    f->role = mc_xstrdup(role);
    f->path = path;
    f->readonly = readonly;
    f->action = mc_xstrdup_or_null(action);
    f->creator = mc_xstrdup_or_null(creator);
    f->subject = mc_xstrdup_or_null(subject);
    return f;
}

static void add_file(struct mc_vm_facts *vm, const char *role, char *path, bool readonly)
{
    add_host_file(vm, role, path, readonly, NULL, NULL, NULL);
}

/* A <secret> reference (type=, uuid= or usage=) under an <auth> or <encryption>. */
static void add_secret_ref(struct mc_vm_facts *vm, const char *subject, const char *purpose,
                           xmlNodePtr secret)
{
    if (!secret || vm->n_secret_refs >= MAX_BLOCKERS)
        return;
    char *uuid = mc_xml_prop(secret, "uuid");
    char *usage = mc_xml_prop(secret, "usage");
    if (!uuid && !usage)
        return;
    struct mc_secret_ref *r = MC_APPEND(vm->secret_refs, vm->n_secret_refs);
    r->subject = mc_xstrdup(subject);
    r->purpose = mc_xstrdup(purpose);
    r->usage_type = mc_xml_prop(secret, "type");
    r->uuid = uuid;
    r->usage = usage;
}

/* <encryption><secret/></encryption> children of an element (LUKS passphrases, qcow). */
static void add_encryption_refs(struct mc_vm_facts *vm, const char *subject, xmlNodePtr parent)
{
    xmlNodePtr enc = mc_xml_child(parent, "encryption");
    for (xmlNodePtr c = mc_xml_first_elem(enc); c; c = mc_xml_next_elem(c))
        if (mc_xml_is(c, "secret"))
            add_secret_ref(vm, subject, "encryption", c);
}

/* Paths in libvirt's own per-domain directories: libvirt creates them when the domain starts
 * (guest agent channels, graphics sockets it names itself). */
static bool libvirt_managed_path(const char *path)
{
    return path && (mc_str_startswith(path, "/var/lib/libvirt/qemu/") ||
                    mc_str_startswith(path, "/run/libvirt/qemu/") ||
                    mc_str_startswith(path, "/var/run/libvirt/qemu/"));
}

static void add_blocker(struct mc_vm_facts *vm, const char *fmt, ...) _printf_(2, 3);
static void add_blocker(struct mc_vm_facts *vm, const char *fmt, ...)
{
    /* One blocker is enough to block: keep the first MAX_BLOCKERS (bounded work on hostile input).
     */
    if (mc_strv_length(vm->blockers) >= MAX_BLOCKERS)
        return;
    va_list ap;
    va_start(ap, fmt);
    mc_strv_push(&vm->blockers, mc_xvasprintf(fmt, ap));
    va_end(ap);
}

/* "dddd:bb:ss.f" from <address domain= bus= slot= function=>; NULL when incomplete. */
static char *pci_address(xmlNodePtr a)
{
    if (!a)
        return NULL;
    _cleanup_free_ char *d = mc_xml_prop(a, "domain");
    _cleanup_free_ char *b = mc_xml_prop(a, "bus");
    _cleanup_free_ char *s = mc_xml_prop(a, "slot");
    _cleanup_free_ char *f = mc_xml_prop(a, "function");
    int64_t dv = 0, bv, sv, fv = 0;
    if ((d && !mc_parse_int64(d, true, &dv)) || !mc_parse_int64(b, true, &bv) ||
        !mc_parse_int64(s, true, &sv) || (f && !mc_parse_int64(f, true, &fv)))
        return NULL;
    if (dv < 0 || dv > 0xffff || bv < 0 || bv > 0xff || sv < 0 || sv > 0x1f || fv < 0 || fv > 7)
        return NULL;
    return mc_xasprintf("%04" PRIx64 ":%02" PRIx64 ":%02" PRIx64 ".%" PRIx64, dv, bv, sv, fv);
}

/* ---- os, memory, cpu, clock ---- */

static void parse_os(xmlNodePtr os, struct mc_vm_facts *vm)
{
    xmlNodePtr type = mc_xml_child(os, "type");
    if (type) {
        vm->os_type = mc_xml_text(type);
        vm->arch = mc_xml_prop(type, "arch");
        vm->machine = mc_xml_prop(type, "machine");
    }
    vm->firmware = mc_xml_prop(os, "firmware");
    xmlNodePtr loader = mc_xml_child(os, "loader");
    xmlNodePtr nvram = mc_xml_child(os, "nvram");
    if (loader) {
        char *path = mc_xml_text(loader);
        _cleanup_free_ char *ltype = mc_xml_prop(loader, "type");
        if (!vm->firmware) {
            /* libvirt's firmware autoselection is absent: judge by the loader. */
            bool efi = (ltype && strcmp(ltype, "pflash") == 0) || nvram ||
                       strcasestr(path, "ovmf") || strcasestr(path, "edk2") ||
                       strcasestr(path, "aavmf");
            vm->firmware = mc_xstrdup(efi ? "efi" : "bios");
        }
        /* libvirt's default for a loader is read-only unless said otherwise. */
        _cleanup_free_ char *ro = mc_xml_prop(loader, "readonly");
        add_file(vm, "loader", path, !ro || strcmp(ro, "yes") == 0);
    }
    if (nvram) {
        xmlNodePtr src = mc_xml_child(nvram, "source");
        char *path = src ? mc_xml_prop(src, "file") : mc_xml_text(nvram);
        /* Where the file is missing on the host QEMU starts on (a migration's destination
         * too), libvirt creates it as root from the template; an existing one is used as it
         * is. The variables themselves travel in the migration stream. */
        if (path && path[0] == '/') {
            add_host_file(vm, "nvram-vars", mc_xstrdup(path), false, "create", "libvirt", "nvram");
            add_file(vm, "nvram-template", mc_xml_prop(nvram, "template"), true);
        }
        add_file(vm, "nvram", path, false);
    }
    add_file(vm, "kernel", mc_xml_child_text(os, "kernel"), true);
    add_file(vm, "initrd", mc_xml_child_text(os, "initrd"), true);
    add_file(vm, "dtb", mc_xml_child_text(os, "dtb"), true);
    /* x86 guests without a loader boot SeaBIOS (even with <kernel>: QEMU's linuxboot ROM). */
    if (!vm->firmware && vm->arch &&
        (strcmp(vm->arch, "x86_64") == 0 || strcmp(vm->arch, "i686") == 0) && vm->os_type &&
        strcmp(vm->os_type, "hvm") == 0)
        vm->firmware = mc_xstrdup("bios");
}

static void parse_memory_backing(xmlNodePtr mb, struct mc_vm_facts *vm)
{
    xmlNodePtr hp = mc_xml_child(mb, "hugepages");
    if (hp) {
        vm->hugepages = true;
        xmlNodePtr page = mc_xml_child(hp, "page");
        if (page) {
            _cleanup_free_ char *size = mc_xml_prop(page, "size");
            _cleanup_free_ char *unit = mc_xml_prop(page, "unit");
            int64_t kib = 0;
            if (mc_scale_value(size, unit, "KiB", 1024, &kib))
                vm->hugepage_kib = kib;
            vm->hugepage_nodeset = mc_xml_prop(page, "nodeset");
        }
    }
    vm->memory_locked = mc_xml_child(mb, "locked") != NULL;
    vm->memory_source = mc_xml_child_prop(mb, "source", "type");
    vm->memory_allocation = mc_xml_child_prop(mb, "allocation", "mode");
}

static void parse_cpu(xmlDocPtr doc, xmlNodePtr cpu, struct mc_vm_facts *vm)
{
    vm->cpu_mode = mc_xml_prop(cpu, "mode");
    vm->cpu_model = mc_xml_child_text(cpu, "model");
    if (!vm->cpu_mode && (vm->cpu_model || mc_xml_child(cpu, "feature")))
        vm->cpu_mode = mc_xstrdup("custom");
    vm->cpu_match = mc_xml_prop(cpu, "match");
    vm->cpu_check = mc_xml_prop(cpu, "check");
    vm->cpu_vendor = mc_xml_child_text(cpu, "vendor");
    vm->cpu_migratable = mc_xml_prop_yes(cpu, "migratable");
    for (xmlNodePtr c = mc_xml_first_elem(cpu); c; c = mc_xml_next_elem(c)) {
        if (!mc_xml_is(c, "feature"))
            continue;
        char *name = mc_xml_prop(c, "name");
        if (!name)
            continue;
        struct mc_cpu_feature *f = MC_APPEND(vm->cpu_features, vm->n_cpu_features);
        f->name = name;
        f->policy = mc_xml_prop(c, "policy");
        if (!f->policy)
            f->policy = mc_xstrdup("require"); /* libvirt's default policy */
    }
    vm->cpu_xml = mc_xml_node_to_string(doc, cpu);
}

static void parse_clock(xmlNodePtr clock, struct mc_vm_facts *vm)
{
    for (xmlNodePtr t = mc_xml_first_elem(clock); t; t = mc_xml_next_elem(t)) {
        if (!mc_xml_is(t, "timer"))
            continue;
        _cleanup_free_ char *name = mc_xml_prop(t, "name");
        if (!name || strcmp(name, "tsc") != 0)
            continue;
        _cleanup_free_ char *freq = mc_xml_prop(t, "frequency");
        int64_t hz;
        if (freq && mc_parse_int64(freq, false, &hz) && hz > 0)
            vm->tsc_frequency = hz;
        free(vm->tsc_mode);
        vm->tsc_mode = mc_xml_prop(t, "mode");
    }
}

/* ---- disks ---- */

static void parse_hosts(xmlNodePtr src, struct mc_netaddr **hosts, size_t *n)
{
    for (xmlNodePtr h = mc_xml_first_elem(src); h; h = mc_xml_next_elem(h)) {
        if (!mc_xml_is(h, "host"))
            continue;
        struct mc_netaddr *a = MC_APPEND(*hosts, *n);
        a->name = mc_xml_prop(h, "name");
        if (!a->name)
            a->name = mc_xml_prop(h, "socket");
        _cleanup_free_ char *port = mc_xml_prop(h, "port");
        int64_t p;
        if (port && mc_parse_int64(port, false, &p) && p > 0 && p <= 65535)
            a->port = p;
        a->transport = mc_xml_prop(h, "transport");
    }
}

/* The path (or protocol://host/name) of a disk source of the given type; NULL when empty. */
static char *source_location(const char *type, xmlNodePtr src)
{
    if (!src || !type)
        return NULL;
    if (strcmp(type, "file") == 0)
        return mc_xml_prop(src, "file");
    if (strcmp(type, "block") == 0 || strcmp(type, "vhostvdpa") == 0)
        return mc_xml_prop(src, "dev");
    if (strcmp(type, "dir") == 0)
        return mc_xml_prop(src, "dir");
    if (strcmp(type, "vhostuser") == 0)
        return mc_xml_prop(src, "path");
    if (strcmp(type, "nvme") == 0) {
        _cleanup_free_ char *addr = pci_address(mc_xml_child(src, "address"));
        _cleanup_free_ char *ns = mc_xml_prop(src, "namespace");
        if (!addr)
            return NULL;
        return mc_xasprintf("nvme://%s/%s", addr, ns ? ns : "1");
    }
    if (strcmp(type, "volume") == 0) {
        _cleanup_free_ char *pool = mc_xml_prop(src, "pool");
        _cleanup_free_ char *vol = mc_xml_prop(src, "volume");
        if (!pool || !vol)
            return NULL;
        return mc_xasprintf("%s/%s", pool, vol);
    }
    if (strcmp(type, "network") == 0) {
        /* protocol://host[:port][,host...]/name, as relate names the disk's own source, so the
         * live probes reach a backing image's own server. */
        struct mc_disk d = { .protocol = mc_xml_prop(src, "protocol"),
                             .source_name = mc_xml_prop(src, "name") };
        char *loc = NULL;
        if (d.protocol) {
            parse_hosts(src, &d.hosts, &d.n_hosts);
            loc = mc_relate_network_identity(&d);
        }
        for (size_t i = 0; i < d.n_hosts; i++) {
            free(d.hosts[i].name);
            free(d.hosts[i].transport);
        }
        free(d.hosts);
        free(d.protocol);
        free(d.source_name);
        return loc;
    }
    return NULL;
}

/* Sockets and files a network disk's source names: NBD/gluster over a UNIX socket, an RBD
 * configuration file, a persistent reservation helper's socket. */
static void disk_sockets(struct mc_vm_facts *vm, const char *subject, xmlNodePtr src)
{
    if (!src)
        return;
    for (xmlNodePtr h = mc_xml_first_elem(src); h; h = mc_xml_next_elem(h))
        if (mc_xml_is(h, "host"))
            add_host_file(vm, "disk-socket", mc_xml_prop(h, "socket"), false, "connect", NULL,
                          subject);
    add_host_file(vm, "disk-config", mc_xml_child_prop(src, "config", "file"), true, "exists", NULL,
                  subject);
    xmlNodePtr pr = mc_xml_child(src, "reservations");
    if (pr && !mc_xml_prop_yes(pr, "managed"))
        add_host_file(vm, "pr-helper", mc_xml_child_prop(pr, "source", "path"), false, "connect",
                      NULL, subject);
}

static void parse_disk(xmlNodePtr d, struct mc_vm_facts *vm)
{
    struct mc_disk *disk = MC_APPEND(vm->disks, vm->n_disks);
    disk->type = mc_xml_prop(d, "type");
    if (!disk->type)
        disk->type = mc_xstrdup("file"); /* libvirt's default */
    disk->device = mc_xml_prop(d, "device");
    if (!disk->device)
        disk->device = mc_xstrdup("disk");
    xmlNodePtr target = mc_xml_child(d, "target");
    disk->target = mc_xml_prop(target, "dev");
    disk->bus = mc_xml_prop(target, "bus");

    xmlNodePtr src = mc_xml_child(d, "source");
    if (src) {
        const char *t = disk->type;
        if (strcmp(t, "network") == 0) {
            disk->protocol = mc_xml_prop(src, "protocol");
            disk->source_name = mc_xml_prop(src, "name");
            parse_hosts(src, &disk->hosts, &disk->n_hosts);
            xmlNodePtr init = mc_xml_child(src, "initiator");
            disk->initiator_iqn = mc_xml_child_prop(init, "iqn", "name");
            xmlNodePtr id = mc_xml_child(src, "identity");
            disk->identity_user = mc_xml_prop(id, "user");
            disk->identity_group = mc_xml_prop(id, "group");
            disk->tls = mc_xml_prop(src, "tls");
            _cleanup_free_ char *subject =
                mc_xasprintf("disk %s", disk->target ? disk->target : "?");
            disk_sockets(vm, subject, src);
        } else if (strcmp(t, "volume") == 0) {
            disk->pool = mc_xml_prop(src, "pool");
            disk->volume = mc_xml_prop(src, "volume");
        } else {
            disk->source = source_location(t, src);
        }
        /* vhost-user-blk: QEMU connects to the backend's socket when it starts (a chardev
         * client, reconnect or not), on DST too; it fails when nothing listens there. */
        if (strcmp(t, "vhostuser") == 0 && disk->source) {
            _cleanup_free_ char *subject =
                mc_xasprintf("disk %s", disk->target ? disk->target : "?");
            add_host_file(vm, "vhostuser-blk", mc_xstrdup(disk->source), false, "connect", NULL,
                          subject);
        }
        disk->startup_policy = mc_xml_prop(src, "startupPolicy");
    }

    xmlNodePtr drv = mc_xml_child(d, "driver");
    disk->format = mc_xml_prop(drv, "type");
    disk->cache = mc_xml_prop(drv, "cache");
    disk->io = mc_xml_prop(drv, "io");
    disk->readonly = mc_xml_child(d, "readonly") != NULL;
    disk->shareable = mc_xml_child(d, "shareable") != NULL;
    disk->transient = mc_xml_child(d, "transient") != NULL;
    disk->serial = mc_xml_child_text(d, "serial");
    disk->wwn = mc_xml_child_text(d, "wwn");

    /* Credentials: <auth> inside <source> (libvirt >= 3.9 writes it there) or beside it. */
    _cleanup_free_ char *subject = mc_xasprintf("disk %s", disk->target ? disk->target : "?");
    xmlNodePtr auth = mc_xml_child(src, "auth");
    if (!auth)
        auth = mc_xml_child(d, "auth");
    if (auth) {
        xmlNodePtr sec = mc_xml_child(auth, "secret");
        disk->auth_user = mc_xml_prop(auth, "username");
        disk->auth_type = mc_xml_prop(sec, "type");
        disk->auth_secret_uuid = mc_xml_prop(sec, "uuid");
        disk->auth_secret_usage = mc_xml_prop(sec, "usage");
        add_secret_ref(vm, subject, "auth", sec);
    }
    add_encryption_refs(vm, subject, src);
    add_encryption_refs(vm, subject, d);

    /* The backing chain, walked iteratively: <backingStore> nests one level per image. */
    size_t depth = 0;
    for (xmlNodePtr bs = mc_xml_child(d, "backingStore"); bs && depth < MAX_BACKING_CHAIN;
         bs = mc_xml_child(bs, "backingStore"), depth++) {
        _cleanup_free_ char *btype = mc_xml_prop(bs, "type");
        if (!btype)
            break; /* <backingStore/>: the end of the chain */
        xmlNodePtr bsrc = mc_xml_child(bs, "source");
        char *loc = source_location(btype, bsrc);
        if (loc)
            mc_strv_push(&disk->backing, loc);
        _cleanup_free_ char *bsubj = mc_xasprintf("%s backing %zu", subject, depth + 1);
        add_secret_ref(vm, bsubj, "auth", mc_xml_child(mc_xml_child(bsrc, "auth"), "secret"));
        add_encryption_refs(vm, bsubj, bsrc);
        disk_sockets(vm, bsubj, bsrc);
    }
}

/* ---- interfaces, host devices ---- */

static void parse_hostdev_source(xmlNodePtr src, const char *type, struct mc_hostdev *hd)
{
    if (!src || !type)
        return;
    if (strcmp(type, "pci") == 0) {
        hd->address = pci_address(mc_xml_child(src, "address"));
    } else if (strcmp(type, "usb") == 0) {
        /* What DST's libvirt looks the device up by (virHostdevFindUSBDevice): vendor and
         * product, an address (bus, device), or both; autoAddress='yes' marks an address SRC's
         * libvirt found by vendor:product, missing='yes' a device it did not find. */
        _cleanup_free_ char *vendor = mc_xml_child_prop(src, "vendor", "id");
        _cleanup_free_ char *product = mc_xml_child_prop(src, "product", "id");
        xmlNodePtr a = mc_xml_child(src, "address");
        hd->startup_policy = mc_xml_prop(src, "startupPolicy");
        hd->usb_auto_address = mc_xml_prop_yes(src, "autoAddress");
        hd->usb_missing = mc_xml_prop_yes(src, "missing");
        int64_t v, p;
        if (vendor && product && mc_parse_int64(vendor, true, &v) &&
            mc_parse_int64(product, true, &p) && v > 0 && v <= 0xffff && p >= 0 && p <= 0xffff) {
            hd->usb_vendor = mc_xasprintf("%04" PRIx64, v);
            hd->usb_product = mc_xasprintf("%04" PRIx64, p);
            hd->address = mc_xasprintf("%04" PRIx64 ":%04" PRIx64, v, p);
        }
        if (a) {
            _cleanup_free_ char *bus = mc_xml_prop(a, "bus");
            _cleanup_free_ char *dev = mc_xml_prop(a, "device");
            int64_t b, dn;
            if (mc_parse_int64(bus, true, &b) && mc_parse_int64(dev, true, &dn) && b > 0 &&
                b <= 0xffff && dn >= 0 && dn <= 0xffff) {
                hd->usb_bus = b;
                hd->usb_device = dn;
                if (!hd->address)
                    hd->address = mc_xasprintf("%" PRId64 ".%" PRId64, b, dn);
            }
        }
    } else if (strcmp(type, "mdev") == 0) {
        hd->address = mc_xml_child_prop(src, "address", "uuid");
    } else if (strcmp(type, "scsi") == 0) {
        _cleanup_free_ char *proto = mc_xml_prop(src, "protocol");
        if (proto) {
            _cleanup_free_ char *name = mc_xml_prop(src, "name");
            hd->address = mc_xasprintf("%s:%s", proto, name ? name : "");
        } else {
            _cleanup_free_ char *adapter = mc_xml_child_prop(src, "adapter", "name");
            xmlNodePtr a = mc_xml_child(src, "address");
            _cleanup_free_ char *bus = mc_xml_prop(a, "bus");
            _cleanup_free_ char *tgt = mc_xml_prop(a, "target");
            _cleanup_free_ char *unit = mc_xml_prop(a, "unit");
            if (adapter)
                hd->address = mc_xasprintf("%s:%s:%s:%s", adapter, bus ? bus : "0", tgt ? tgt : "0",
                                           unit ? unit : "0");
        }
    } else if (strcmp(type, "scsi_host") == 0) {
        hd->address = mc_xml_prop(src, "wwpn");
    }
}

static void add_rom(xmlNodePtr dev, struct mc_vm_facts *vm)
{
    add_file(vm, "rom", mc_xml_child_prop(dev, "rom", "file"), true);
}

static void parse_interface(xmlNodePtr n, struct mc_vm_facts *vm)
{
    struct mc_iface *i = MC_APPEND(vm->ifaces, vm->n_ifaces);
    i->type = mc_xml_prop(n, "type");
    xmlNodePtr src = mc_xml_child(n, "source");
    const char *t = i->type ? i->type : "";
    if (src) {
        if (strcmp(t, "bridge") == 0) {
            i->source = mc_xml_prop(src, "bridge");
        } else if (strcmp(t, "network") == 0) {
            i->source = mc_xml_prop(src, "network");
            i->portgroup = mc_xml_prop(src, "portgroup");
        } else if (strcmp(t, "direct") == 0) {
            i->source = mc_xml_prop(src, "dev");
            i->source_mode = mc_xml_prop(src, "mode");
        } else if (strcmp(t, "vhostuser") == 0) {
            i->source = mc_xml_prop(src, "path");
            i->source_mode = mc_xml_prop(src, "mode");
        } else if (strcmp(t, "vdpa") == 0) {
            i->source = mc_xml_prop(src, "dev");
        } else if (strcmp(t, "hostdev") == 0) {
            i->source = pci_address(mc_xml_child(src, "address"));
        } else if (strcmp(t, "udp") == 0 || strcmp(t, "mcast") == 0 || strcmp(t, "server") == 0 ||
                   strcmp(t, "client") == 0) {
            _cleanup_free_ char *addr = mc_xml_prop(src, "address");
            _cleanup_free_ char *port = mc_xml_prop(src, "port");
            if (addr || port)
                i->source = mc_xasprintf("%s:%s", addr ? addr : "", port ? port : "");
        } else {
            i->source = mc_xml_prop(src, "dev");
        }
    }
    i->model = mc_xml_child_prop(n, "model", "type");
    i->mac = mc_xml_child_prop(n, "mac", "address");
    i->target_dev = mc_xml_child_prop(n, "target", "dev");
    _cleanup_free_ char *mtu = mc_xml_child_prop(n, "mtu", "size");
    int64_t v;
    if (mtu && mc_parse_int64(mtu, false, &v) && v > 0)
        i->mtu = v;
    _cleanup_free_ char *queues = mc_xml_child_prop(n, "driver", "queues");
    if (queues && mc_parse_int64(queues, false, &v) && v > 0)
        i->queues = v;
    i->vport_type = mc_xml_child_prop(n, "virtualport", "type");
    add_rom(n, vm);
    _cleanup_free_ char *subject = mc_xasprintf("interface %s", i->mac ? i->mac : t);
    if (strcmp(t, "vhostuser") == 0 && i->source) {
        bool server = i->source_mode && strcmp(i->source_mode, "server") == 0;
        add_host_file(vm, server ? "vhostuser-socket" : "vhostuser-connect", mc_xstrdup(i->source),
                      false, server ? "bind" : "connect", server ? "qemu" : NULL, subject);
    }
    if (strcmp(t, "ethernet") == 0) {
        add_host_file(vm, "script", mc_xml_child_prop(n, "script", "path"), true, "exec", NULL,
                      subject);
        add_host_file(vm, "script", mc_xml_child_prop(n, "downscript", "path"), true, "exec", NULL,
                      subject);
    }
    xmlNodePtr tgt = mc_xml_child(n, "target");
    _cleanup_free_ char *managed = mc_xml_prop(tgt, "managed");
    if (managed && strcmp(managed, "no") == 0 && i->target_dev)
        add_host_file(vm, "tap", mc_xstrdup(i->target_dev), false, "link", NULL, subject);

    if (strcmp(t, "hostdev") == 0) {
        /* libvirt turns it into a PCI host device: record it as one too. */
        struct mc_hostdev *hd = MC_APPEND(vm->hostdevs, vm->n_hostdevs);
        hd->mode = mc_xstrdup("subsystem");
        hd->type = mc_xstrdup("pci");
        hd->address = mc_xstrdup_or_null(i->source);
        hd->managed = mc_xml_prop_yes(n, "managed");
        hd->teaming = mc_xml_child_prop(n, "teaming", "type");
    } else if (strcmp(t, "vdpa") == 0) {
        add_blocker(vm, "vdpa interface '%s'", i->source ? i->source : "");
    }
}

static void parse_hostdev(xmlNodePtr n, struct mc_vm_facts *vm)
{
    struct mc_hostdev *hd = MC_APPEND(vm->hostdevs, vm->n_hostdevs);
    hd->mode = mc_xml_prop(n, "mode");
    if (!hd->mode)
        hd->mode = mc_xstrdup("subsystem");
    hd->type = mc_xml_prop(n, "type");
    hd->managed = mc_xml_prop_yes(n, "managed");
    hd->teaming = mc_xml_child_prop(n, "teaming", "type");
    xmlNodePtr hsrc = mc_xml_child(n, "source");
    parse_hostdev_source(hsrc, hd->type, hd);
    add_rom(n, vm);
    _cleanup_free_ char *subject = mc_xasprintf("hostdev %s", hd->address ? hd->address : "?");
    add_secret_ref(vm, subject, "auth", mc_xml_child(mc_xml_child(hsrc, "auth"), "secret"));
}

/* ---- graphics, chardevs, controllers ---- */

static void parse_graphics(xmlNodePtr n, struct mc_vm_facts *vm)
{
    struct mc_graphics *g = MC_APPEND(vm->graphics, vm->n_graphics);
    g->type = mc_xml_prop(n, "type");
    _cleanup_free_ char *port = mc_xml_prop(n, "port");
    int64_t v;
    if (port && mc_parse_int64(port, false, &v) && v > 0)
        g->port = v;
    g->autoport = mc_xml_prop_yes(n, "autoport");
    xmlNodePtr l = mc_xml_child(n, "listen");
    if (l) {
        g->listen_type = mc_xml_prop(l, "type");
        g->listen = mc_xml_prop(l, "address");
        g->listen_network = mc_xml_prop(l, "network");
        if (!g->listen && g->listen_type && strcmp(g->listen_type, "socket") == 0)
            g->listen = mc_xml_prop(l, "socket");
    }
    _cleanup_free_ char *subject = mc_xasprintf("graphics %s", g->type ? g->type : "?");
    char *sock = mc_xml_prop(n, "socket");
    if (!sock && g->listen_type && strcmp(g->listen_type, "socket") == 0)
        sock = mc_xstrdup_or_null(g->listen);
    if (sock && libvirt_managed_path(sock))
        free(sock);
    else
        add_host_file(vm, "graphics-socket", sock, false, "bind", "qemu", subject);
    xmlNodePtr gl = mc_xml_child(n, "gl");
    add_host_file(vm, "rendernode", mc_xml_prop(gl, "rendernode"), false, "device", NULL, subject);
    if (!g->listen) {
        /* The old form: <graphics listen='0.0.0.0'> */
        g->listen = mc_xml_prop(n, "listen");
        if (g->listen && !g->listen_type)
            g->listen_type = mc_xstrdup("address");
    }
}

/*
 * The host paths of a character device backend: n carries type= and <source> children (a
 * serial, console, parallel, channel, redirdev or smartcard element, or an rng's egd
 * <backend>). File outputs and <log file> are opened by virtlogd (or QEMU, see
 * qemu.conf stdio_handler) and created when missing; listening UNIX sockets are created by
 * libvirt; the others must exist on the host.
 */
static void chardev_paths(struct mc_vm_facts *vm, xmlNodePtr n, const char *subject)
{
    _cleanup_free_ char *type = mc_xml_prop(n, "type");
    for (xmlNodePtr s = mc_xml_first_elem(n); s && type; s = mc_xml_next_elem(s)) {
        if (!mc_xml_is(s, "source"))
            continue;
        char *path = mc_xml_prop(s, "path");
        _cleanup_free_ char *mode = mc_xml_prop(s, "mode");
        if (!path)
            continue;
        if (strcmp(type, "file") == 0) {
            add_host_file(vm, "chardev-file", path, false, "create", "logd", subject);
        } else if (strcmp(type, "unix") == 0) {
            bool bind = mode && strcmp(mode, "bind") == 0;
            /* A client with <reconnect enabled='yes'/> connects in the background (QEMU's
             * reconnect= option): QEMU starts without its server. */
            _cleanup_free_ char *reconnect = mc_xml_child_prop(s, "reconnect", "enabled");
            bool retries = !bind && reconnect && strcmp(reconnect, "yes") == 0;
            if (bind && libvirt_managed_path(path))
                free(path);
            else
                add_host_file(vm,
                              bind      ? "chardev-socket"
                              : retries ? "chardev-reconnect"
                                        : "chardev-connect",
                              path, false, bind ? "bind" : "connect", bind ? "libvirt" : NULL,
                              subject);
        } else if (strcmp(type, "pipe") == 0) {
            add_host_file(vm, "chardev-pipe", path, false, "exists", NULL, subject);
        } else if (strcmp(type, "dev") == 0) {
            add_host_file(vm, "chardev-dev", path, false, "device", NULL, subject);
        } else {
            free(path);
        }
    }
    add_host_file(vm, "chardev-log", mc_xml_child_prop(n, "log", "file"), false, "create", "logd",
                  subject);
}

static void parse_chardev(xmlNodePtr n, struct mc_vm_facts *vm, size_t index)
{
    struct mc_chardev *c = MC_APPEND(vm->chardevs, vm->n_chardevs);
    c->kind = mc_xstrdup((const char *)n->name);
    c->type = mc_xml_prop(n, "type");
    /* udp has a bind and a connect source: the bind one must exist on the destination. */
    xmlNodePtr src = NULL;
    for (xmlNodePtr s = mc_xml_first_elem(n); s; s = mc_xml_next_elem(s)) {
        if (!mc_xml_is(s, "source"))
            continue;
        _cleanup_free_ char *mode = mc_xml_prop(s, "mode");
        if (!src || (mode && strcmp(mode, "bind") == 0))
            src = s;
        if (mode && strcmp(mode, "bind") == 0)
            break;
    }
    if (src) {
        c->host = mc_xml_prop(src, "host");
        c->service = mc_xml_prop(src, "service");
        c->mode = mc_xml_prop(src, "mode");
        c->tls = mc_xml_prop(src, "tls");
        c->path = mc_xml_prop(src, "path");
    }
    xmlNodePtr target = mc_xml_child(n, "target");
    c->target_type = mc_xml_prop(target, "type");
    c->target_name = mc_xml_prop(target, "name");
    _cleanup_free_ char *subject = c->target_name ? mc_xasprintf("%s %s", c->kind, c->target_name)
                                                  : mc_xasprintf("%s %zu", c->kind, index);
    chardev_paths(vm, n, subject);
}

/* Devices with a character device backend that is not one of the four chardev kinds. */
static void parse_chardev_backed(xmlNodePtr n, struct mc_vm_facts *vm, size_t index)
{
    _cleanup_free_ char *subject = mc_xasprintf("%s %zu", (const char *)n->name, index);
    chardev_paths(vm, n, subject);
}

static void parse_controller(xmlNodePtr n, struct mc_vm_facts *vm)
{
    struct mc_controller *c = MC_APPEND(vm->controllers, vm->n_controllers);
    c->type = mc_xml_prop(n, "type");
    c->model = mc_xml_prop(n, "model");
    int64_t v;
    _cleanup_free_ char *index = mc_xml_prop(n, "index");
    if (index && mc_parse_int64(index, false, &v) && v >= 0)
        c->index = v;
    _cleanup_free_ char *vectors = mc_xml_prop(n, "vectors");
    if (!vectors)
        vectors = mc_xml_child_prop(n, "driver", "vectors");
    if (vectors && mc_parse_int64(vectors, false, &v) && v > 0)
        c->vectors = v;
    _cleanup_free_ char *queues = mc_xml_child_prop(n, "driver", "queues");
    if (queues && mc_parse_int64(queues, false, &v) && v > 0)
        c->queues = v;
}

/* ---- devices that only matter as files or blockers ---- */

static void parse_filesystem(xmlNodePtr n, struct mc_vm_facts *vm)
{
    _cleanup_free_ char *type = mc_xml_prop(n, "type");
    _cleanup_free_ char *driver = mc_xml_child_prop(n, "driver", "type");
    _cleanup_free_ char *tag = mc_xml_child_prop(n, "target", "dir");
    xmlNodePtr src = mc_xml_child(n, "source");
    if ((!type || strcmp(type, "mount") == 0) && !(driver && strcmp(driver, "virtiofs") == 0)) {
        /* QEMU's 9p exports the directory as it finds it on the host it runs on: DST needs the
         * directory, not the same contents (the guest sees DST's files afterwards). */
        _cleanup_free_ char *subject = mc_xasprintf("filesystem %s", tag ? tag : "?");
        add_host_file(vm, "filesystem-dir", mc_xml_prop(src, "dir"),
                      mc_xml_child(n, "readonly") != NULL, "dir", NULL, subject);
    } else if (!type || strcmp(type, "mount") == 0)
        add_file(vm, "filesystem", mc_xml_prop(src, "dir"), mc_xml_child(n, "readonly") != NULL);
    else if (strcmp(type, "file") == 0 || strcmp(type, "block") == 0)
        add_file(vm, "filesystem", mc_xml_prop(src, "file"), mc_xml_child(n, "readonly") != NULL);
    if (driver && strcmp(driver, "virtiofs") == 0)
        mc_strv_add(&vm->virtiofs, tag ? tag : "");
}

/*
 * <shmem>: libvirt refuses to migrate the legacy model (ivshmem) and any role but 'master'
 * (qemuMigrationSrcIsAllowed; QEMU 7.2 blocks a peer: "Migration is disabled when using feature
 * 'peer mode' in device 'ivshmem'"). A master migrates its memory. On DST, ivshmem-plain's
 * memory is a memory-backend-file of <size> (libvirt's default 4 MiB; "unit" scales bytes) that
 * QEMU opens read-write or creates at /dev/shm/NAME (share=on);
 * ivshmem-doorbell's comes from the ivshmem server: QEMU connects to its socket (a chardev
 * client without reconnect) when it starts, and fails without it.
 */
static void parse_shmem(xmlNodePtr n, struct mc_vm_facts *vm)
{
    _cleanup_free_ char *name = mc_xml_prop(n, "name");
    _cleanup_free_ char *role = mc_xml_prop(n, "role");
    _cleanup_free_ char *model = mc_xml_child_prop(n, "model", "type");
    const char *m = model ? model : "ivshmem";
    _cleanup_free_ char *subject = mc_xasprintf("shmem %s", name ? name : "?");
    if (strcmp(m, "ivshmem-plain") != 0 && strcmp(m, "ivshmem-doorbell") != 0) {
        add_blocker(vm, "shmem device '%s' of the legacy model %s", name ? name : "", m);
        return;
    }
    if (!role || strcmp(role, "master") != 0) {
        add_blocker(vm, "shmem device '%s' (%s) with role '%s', not 'master'", name ? name : "", m,
                    role ? role : "default");
        return;
    }
    if (strcmp(m, "ivshmem-doorbell") == 0) {
        xmlNodePtr srv = mc_xml_child(n, "server");
        char *server = mc_xml_prop(srv, "path");
        if (srv && !server && name) /* <server/> without a path: libvirt's default */
            server = mc_xasprintf("/var/lib/libvirt/shmem/%s-sock", name);
        add_host_file(vm, "shmem-server", server, false, "connect", NULL, subject);
    } else if (name && !strchr(name, '/')) {
        struct mc_vm_file *f = add_host_file(vm, "shmem", mc_xasprintf("/dev/shm/%s", name), false,
                                             "create", "qemu", subject);
        int64_t size = mc_xml_scaled(mc_xml_child(n, "size"), "b", 1);
        if (f)
            f->size = size > 0 ? size : SHMEM_DEFAULT_SIZE;
    }
}

static void parse_tpm(xmlNodePtr n, struct mc_vm_facts *vm)
{
    xmlNodePtr be = mc_xml_child(n, "backend");
    _cleanup_free_ char *type = mc_xml_prop(be, "type");
    if (!type)
        return;
    if (mc_strv_length(vm->tpm_backends) < 8) /* libvirt allows two; bounded on hostile XML */
        mc_strv_add(&vm->tpm_backends, type);
    if (strcmp(type, "emulator") == 0) {
        /* libvirt >= 10.10 can place the swtpm state: <source type='dir|file' path=...> */
        add_file(vm, "tpm-state", mc_xml_child_prop(be, "source", "path"), false);
        /* The vTPM state's encryption secret (libvirt's vtpm usage). */
        _cleanup_free_ char *sec = mc_xml_child_prop(be, "encryption", "secret");
        if (sec && vm->n_secret_refs < MAX_BLOCKERS) {
            struct mc_secret_ref *r = MC_APPEND(vm->secret_refs, vm->n_secret_refs);
            r->subject = mc_xstrdup("tpm");
            r->purpose = mc_xstrdup("vtpm");
            r->usage_type = mc_xstrdup("vtpm");
            r->uuid = TAKE_PTR(sec);
        }
    } else if (strcmp(type, "external") == 0) {
        add_host_file(vm, "tpm-socket", mc_xml_child_prop(be, "source", "path"), false, "connect",
                      NULL, "tpm");
    } else if (strcmp(type, "passthrough") == 0) {
        add_file(vm, "tpm-device", mc_xml_child_prop(be, "device", "path"), false);
    }
}

static void parse_memory_device(xmlNodePtr n, struct mc_vm_facts *vm)
{
    _cleanup_free_ char *model = mc_xml_prop(n, "model");
    if (!model)
        return;
    xmlNodePtr src = mc_xml_child(n, "source");
    if (strcmp(model, "nvdimm") == 0 || strcmp(model, "virtio-pmem") == 0)
        add_host_file(vm, model, mc_xml_child_text(src, "path"), false, "create", "qemu", model);
    if (strcmp(model, "dimm") == 0) {
        _cleanup_free_ char *atype = mc_xml_child_prop(n, "address", "type");
        if (!atype || strcmp(atype, "dimm") != 0)
            add_blocker(vm, "dimm memory device without a slot address");
    }
}

static void parse_rng(xmlNodePtr n, struct mc_vm_facts *vm, size_t index)
{
    xmlNodePtr be = mc_xml_child(n, "backend");
    _cleanup_free_ char *model = mc_xml_prop(be, "model");
    _cleanup_free_ char *subject = mc_xasprintf("rng %zu", index);
    if (model && strcmp(model, "random") == 0) {
        char *dev = mc_xml_text(be);
        if (!dev || !*dev) {
            free(dev);
            dev = mc_xstrdup("/dev/urandom"); /* libvirt's default */
        }
        add_host_file(vm, "rng-dev", dev, true, "device", NULL, subject);
    } else if (model && strcmp(model, "egd") == 0) {
        chardev_paths(vm, be, subject);
    }
}

static void parse_audio(xmlNodePtr n, struct mc_vm_facts *vm)
{
    _cleanup_free_ char *type = mc_xml_prop(n, "type");
    _cleanup_free_ char *id = mc_xml_prop(n, "id");
    _cleanup_free_ char *subject = mc_xasprintf("audio %s", id ? id : "?");
    if (!type)
        return;
    if (strcmp(type, "file") == 0)
        add_host_file(vm, "audio-file", mc_xml_prop(n, "path"), false, "create", "qemu", subject);
    if (strcmp(type, "oss") == 0) {
        add_host_file(vm, "audio-dev", mc_xml_child_prop(n, "input", "dev"), false, "device", NULL,
                      subject);
        add_host_file(vm, "audio-dev", mc_xml_child_prop(n, "output", "dev"), false, "device", NULL,
                      subject);
    }
}

/*
 * <input type='evdev'>: QEMU's input-linux object reads the host's event device, and opens it
 * when it starts on DST. <input type='passthrough'>: a virtio-input-host device, whose state
 * QEMU marks unmigratable ("State blocked by non-migratable device"), so it blocks migration.
 */
static void parse_input(xmlNodePtr n, struct mc_vm_facts *vm)
{
    _cleanup_free_ char *type = mc_xml_prop(n, "type");
    xmlNodePtr src = mc_xml_child(n, "source");
    _cleanup_free_ char *evdev = mc_xml_prop(src, "evdev");
    if (type && strcmp(type, "passthrough") == 0) {
        add_blocker(vm, "input passthrough of '%s' (virtio-input-host)", evdev ? evdev : "");
        return;
    }
    add_host_file(vm, "input-dev", mc_xml_prop(src, "dev"), false, "device", NULL, "input");
    add_host_file(vm, "input-dev", TAKE_PTR(evdev), false, "device", NULL, "input");
}

static void parse_devices(xmlNodePtr devices, struct mc_vm_facts *vm, size_t *n_video)
{
    size_t n_chardev = 0, n_other = 0;
    for (xmlNodePtr d = mc_xml_first_elem(devices); d; d = mc_xml_next_elem(d)) {
        if (mc_xml_is(d, "emulator")) {
            free(vm->emulator);
            vm->emulator = mc_xml_text(d);
        } else if (mc_xml_is(d, "disk")) {
            parse_disk(d, vm);
        } else if (mc_xml_is(d, "interface")) {
            parse_interface(d, vm);
        } else if (mc_xml_is(d, "graphics")) {
            parse_graphics(d, vm);
        } else if (mc_xml_is(d, "serial") || mc_xml_is(d, "console") || mc_xml_is(d, "channel") ||
                   mc_xml_is(d, "parallel")) {
            parse_chardev(d, vm, n_chardev++);
        } else if (mc_xml_is(d, "redirdev") || mc_xml_is(d, "smartcard")) {
            parse_chardev_backed(d, vm, n_other++);
        } else if (mc_xml_is(d, "rng")) {
            parse_rng(d, vm, n_other++);
        } else if (mc_xml_is(d, "audio")) {
            parse_audio(d, vm);
        } else if (mc_xml_is(d, "input")) {
            parse_input(d, vm);
        } else if (mc_xml_is(d, "vsock")) {
            add_host_file(vm, "vsock", mc_xstrdup("/dev/vhost-vsock"), false, "device", NULL,
                          "vsock");
        } else if (mc_xml_is(d, "hostdev")) {
            parse_hostdev(d, vm);
        } else if (mc_xml_is(d, "controller")) {
            parse_controller(d, vm);
        } else if (mc_xml_is(d, "filesystem")) {
            parse_filesystem(d, vm);
        } else if (mc_xml_is(d, "shmem")) {
            parse_shmem(d, vm);
        } else if (mc_xml_is(d, "tpm")) {
            parse_tpm(d, vm);
        } else if (mc_xml_is(d, "memory")) {
            parse_memory_device(d, vm);
        } else if (mc_xml_is(d, "video")) {
            char *model = mc_xml_child_prop(d, "model", "type");
            if (model)
                mc_strv_append_n(&vm->video_models, n_video, model);
            add_host_file(vm, "rendernode", mc_xml_child_prop(d, "driver", "rendernode"), false,
                          "device", NULL, "video");
        }
    }
}

/*
 * vm->blockers: the devices and features of the XML that libvirt or QEMU refuse
 * to migrate and that no other fact describes. The list follows libvirt's
 * qemuMigrationSrcIsAllowed() (src/qemu/qemu_migration.c; see
 * ../shared/reference/anchors-and-failures.md, A3): virtiofs filesystems
 * ("migration with virtiofs device is not supported"), shmem whose role is not
 * master (this covers legacy ivshmem), vDPA interfaces ("vDPA devices cannot be
 * migrated"), DIMMs without a slot address ("domain's dimm info lacks slot ID
 * or base address"); and <launchSecurity> (SEV, SEV-SNP, s390 PV), which QEMU
 * itself refuses ("SEV: migration is not implemented"). The parsers of those
 * devices add them. Not here, because the facts already carry them for their
 * own rules: host devices (qemuMigrationSrcIsAllowedHostdev: vm->hostdevs with
 * mode, type and teaming), invtsc without a TSC frequency (cpu_features and
 * tsc_frequency), transient disks (disk->transient), snapshots (vm->snapshots).
 * What only the running domain shows (QEMU's blocked-reasons, block jobs,
 * auto-destroy, dbus-vmstate, slirp helpers, swtpm on shared storage) is not
 * in the XML at all.
 */
static void add_blockers(xmlNodePtr root, struct mc_vm_facts *vm)
{
    xmlNodePtr ls = mc_xml_child(root, "launchSecurity");
    if (ls) {
        _cleanup_free_ char *type = mc_xml_prop(ls, "type");
        add_blocker(vm, "launchSecurity of type '%s'", type ? type : "");
    }
}

int mc_domain_xml_parse(const char *xml, size_t len, const char *what, struct mc_vm_facts **ret,
                        struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, what, "domain", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);

    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = mc_new0(struct mc_vm_facts, 1);
    vm->domain_type = mc_xml_prop(root, "type");
    _cleanup_free_ char *id = mc_xml_prop(root, "id");
    int64_t v;
    if (id && mc_parse_int64(id, false, &v) && v > 0)
        vm->id = v;
    vm->name = mc_xml_child_text(root, "name");
    vm->uuid = mc_xml_child_text(root, "uuid");
    if (!vm->name || !*vm->name)
        return mc_error_set(reterr, -EBADMSG, "%s has no <name>", what);

    vm->memory_kib = mc_xml_scaled(mc_xml_child(root, "memory"), "KiB", 1024);
    vm->current_memory_kib = mc_xml_scaled(mc_xml_child(root, "currentMemory"), "KiB", 1024);
    vm->max_memory_kib = mc_xml_scaled(mc_xml_child(root, "maxMemory"), "KiB", 1024);
    _cleanup_free_ char *vcpu = mc_xml_child_text(root, "vcpu");
    if (vcpu && mc_parse_int64(vcpu, false, &v) && v > 0)
        vm->vcpus = v;

    /* libvirt allows one <os>, <memoryBacking>, <cpu> and <clock>: the first of each counts. */
    size_t n_video = 0, n_seclabels = 0;
    bool seen_os = false, seen_mb = false, seen_cpu = false, seen_clock = false;
    for (xmlNodePtr c = mc_xml_first_elem(root); c; c = mc_xml_next_elem(c)) {
        if (mc_xml_is(c, "os") && !seen_os) {
            seen_os = true;
            parse_os(c, vm);
        } else if (mc_xml_is(c, "memoryBacking") && !seen_mb) {
            seen_mb = true;
            parse_memory_backing(c, vm);
        } else if (mc_xml_is(c, "cpu") && !seen_cpu) {
            seen_cpu = true;
            parse_cpu(doc, c, vm);
        } else if (mc_xml_is(c, "clock") && !seen_clock) {
            seen_clock = true;
            parse_clock(c, vm);
        } else if (mc_xml_is(c, "devices")) {
            parse_devices(c, vm, &n_video);
        } else if (mc_xml_is(c, "sysinfo")) {
            for (xmlNodePtr e = mc_xml_first_elem(c); e; e = mc_xml_next_elem(e))
                if (mc_xml_is(e, "entry"))
                    add_file(vm, "fwcfg", mc_xml_prop(e, "file"), true);
        } else if (mc_xml_is(c, "seclabel")) {
            char *model = mc_xml_prop(c, "model");
            if (model)
                mc_strv_append_n(&vm->seclabels, &n_seclabels, model);
        }
    }
    add_blockers(root, vm);

    vm->xml = mc_xstrndup(xml, len);
    if (!mc_utf8_is_clean(vm->xml)) {
        char *clean = mc_utf8_clean(vm->xml);
        free(vm->xml);
        vm->xml = clean;
    }
    *ret = TAKE_PTR(vm);
    return 0;
}
