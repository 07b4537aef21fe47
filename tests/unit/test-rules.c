/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every rule, on facts built in C: a base pair where the VM migrates (all
 * rules pass), then one change per case that must make a given rule fail
 * (or warn, or be unknown), and changes that must keep it passing. The
 * engine runs with `only` set to the rule, so each case sees one rule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/facts-schema.h"
#include "checker/relate.h"
#include "checker/report.h"
#include "checker/check.h"
#include "checker/facts-xml.h"
#include "rules/rules.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define S mc_xstrdup

struct fx {
    struct mc_host_facts *src, *dst;
    struct mc_pair_facts *rel;
    struct mc_check_opts opts;
};

static void add_pkg(struct mc_os_facts *o, const char *n, const char *v)
{
    struct mc_package *p = MC_APPEND(o->packages, o->n_packages);
    p->name = S(n);
    p->version = S(v);
}

static void add_mount(struct mc_host_facts *h, const char *target, const char *source,
                      const char *fstype, const char *server, const char *export_path)
{
    struct mc_mount *m = MC_APPEND(h->mounts, h->n_mounts);
    m->target = S(target);
    m->source = S(source);
    m->fstype = S(fstype);
    m->root = S("/");
    m->netfs = mc_fstype_is_netfs(fstype);
    m->shared = mc_fstype_is_shared(fstype);
    m->clusterfs = mc_fstype_is_cluster(fstype);
    if (server) {
        m->server = S(server);
        m->server_addr = S(server);
        m->export_path = S(export_path);
    }
}

static void add_link(struct mc_host_facts *h, const char *name, const char *kind, int64_t mtu)
{
    struct mc_link *l = MC_APPEND(h->net.links, h->net.n_links);
    l->name = S(name);
    l->kind = kind ? S(kind) : NULL;
    l->mtu = mtu;
    l->up = true;
    l->operstate = S("up");
}

static void add_addr(struct mc_host_facts *h, const char *ifname, const char *a)
{
    struct mc_addr *x = MC_APPEND(h->net.addrs, h->net.n_addrs);
    x->ifname = S(ifname);
    x->family = S(strchr(a, ':') ? "inet6" : "inet");
    x->address = S(a);
    x->prefixlen = 24;
}

static struct mc_host_facts *host(const char *name, const char *uuid, const char *addr)
{
    struct mc_host_facts *h = mc_host_facts_new();
    h->name = S(name);
    h->areas =
        MC_AREA_OS | MC_AREA_VIRT | MC_AREA_MOUNTS | MC_AREA_STORAGE | MC_AREA_NET | MC_AREA_CPU;
    h->os.id = S("debian");
    h->os.version_id = S("12");
    h->os.pretty_name = S("Debian GNU/Linux 12 (bookworm)");
    h->os.kernel_release = S("6.1.0-27-amd64");
    h->os.hostname = S(name);
    h->os.qemu_user = S("libvirt-qemu");
    h->os.qemu_uid = 64055;
    h->os.qemu_gid = 64055;
    h->os.qemu_uid_known = true;
    add_pkg(&h->os, "qemu-system-x86", "1:7.2+dfsg-7+deb12u18");
    add_pkg(&h->os, "libvirt-daemon", "9.0.0-4+deb12u2");
    struct mc_rom *rom = MC_APPEND(h->os.roms, h->os.n_roms);
    rom->path = S("/usr/share/qemu/efi-virtio.rom");
    rom->size = 160256;

    struct mc_virt_facts *v = &h->virt;
    v->hostname = S(name);
    v->host_uuid = S(uuid);
    v->hv_type = S("QEMU");
    v->hv_version = 7002000;
    v->libvirt_version = 9000000;
    v->cpu_arch = S("x86_64");
    v->cpu_vendor = S("Intel");
    v->cpu_model = S("Skylake-Client-IBRS");
    mc_strv_add(&v->cpu_features, "vmx");
    mc_strv_add(&v->cpu_features, "avx2");
    v->free_memory_kib = 8 << 20;
    v->memory_kib = 16 << 20;
    struct mc_machine *m = MC_APPEND(v->machines, v->n_machines);
    m->name = S("pc-q35-7.2");
    m->arch = S("x86_64");
    m = MC_APPEND(v->machines, v->n_machines);
    m->name = S("q35");
    m->canonical = S("pc-q35-7.2");
    m->arch = S("x86_64");
    struct mc_guest_arch *g = MC_APPEND(v->guests, v->n_guests);
    g->arch = S("x86_64");
    g->os_type = S("hvm");
    g->emulator = S("/usr/bin/qemu-system-x86_64");
    mc_strv_add(&g->domain_types, "qemu");
    mc_strv_add(&g->domain_types, "kvm");
    struct mc_hugepages *hp = MC_APPEND(v->hugepages, v->n_hugepages);
    hp->size_kib = 2048;
    hp->total = 1024;
    hp->free = 1024;
    struct mc_vnet *n = MC_APPEND(v->networks, v->n_networks);
    n->name = S("isolated");
    n->active = true;
    n->bridge = S("virbr1");
    n->forward_mode = S("none");
    v->qemu_conf.readable = true;
    v->qemu_conf.migration_port_min = 49152;
    v->qemu_conf.migration_port_max = 49215;
    mc_strv_add(&v->secmodels, "none");

    add_mount(h, "/", "/dev/vda", "ext4", NULL, NULL);
    add_mount(h, "/var/lib/libvirt/images", "169.254.42.10:/srv/nfs", "nfs4", "169.254.42.10",
              "/srv/nfs");
    add_link(h, "lo", NULL, 65536);
    add_link(h, "eth0", NULL, 1500);
    add_link(h, "br0", "bridge", 1500);
    add_link(h, "virbr1", "bridge", 1500);
    add_addr(h, "br0", addr);
    return h;
}

static struct mc_vm_facts *vm_new(void)
{
    struct mc_vm_facts *vm = mc_new0(struct mc_vm_facts, 1);
    vm->name = S("web1");
    vm->uuid = S("0f0e6b5e-1c7e-4d22-9f2f-3c1f2a9e8b01");
    vm->state = S("running");
    vm->persistent = true;
    vm->domain_type = S("kvm");
    vm->arch = S("x86_64");
    vm->machine = S("pc-q35-7.2");
    vm->emulator = S("/usr/bin/qemu-system-x86_64");
    vm->memory_kib = 1 << 20;
    vm->current_memory_kib = 1 << 20;
    vm->vcpus = 2;
    vm->cpu_mode = S("custom");
    vm->cpu_model = S("Skylake-Client-IBRS");
    struct mc_disk *d = MC_APPEND(vm->disks, vm->n_disks);
    d->target = S("vda");
    d->bus = S("virtio");
    d->type = S("file");
    d->device = S("disk");
    d->source = S("/var/lib/libvirt/images/web1.qcow2");
    d->format = S("qcow2");
    d->cache = S("none");
    struct mc_iface *i = MC_APPEND(vm->ifaces, vm->n_ifaces);
    i->type = S("bridge");
    i->source = S("br0");
    i->model = S("virtio");
    i->mac = S("52:54:00:12:34:56");
    struct mc_graphics *gr = MC_APPEND(vm->graphics, vm->n_graphics);
    gr->type = S("vnc");
    gr->listen_type = S("address");
    gr->listen = S("0.0.0.0");
    return vm;
}

/* The live probes' answers for a pair where everything works. */
static void live_ok(struct fx *f)
{
    struct mc_pair_facts *rel = f->rel;
    rel->live = true;
    rel->cpu.probe = MC_PROBE_OK;
    rel->cpu.result = MC_CPU_RESULT_IDENTICAL;
    rel->migration_port.probe = MC_PROBE_OK;
    rel->migration_port.result = MC_PORT_OPEN;
    rel->migration_port.port = 49152;
    free(rel->migration_port.host);
    rel->migration_port.host = S("kvm2");
    rel->dst_name.probe = MC_PROBE_OK;
    free(rel->dst_name.name);
    rel->dst_name.name = S("kvm2");
    mc_strv_free(rel->dst_name.addresses);
    rel->dst_name.addresses = NULL;
    mc_strv_add(&rel->dst_name.addresses, "169.254.42.12");
    for (size_t i = 0; i < rel->n_paths; i++) {
        struct mc_vm_path *p = &rel->paths[i];
        p->exists_probe = MC_PROBE_OK;
        p->open_probe = MC_PROBE_OK;
    }
}

static void relate(struct fx *f)
{
    mc_relate_paths(f->src, f->dst, f->src->vm, f->rel);
}

static int setup(void **state)
{
    struct fx *f = mc_new0(struct fx, 1);
    f->src = host("kvm1", "11111111-1111-1111-1111-111111111111", "169.254.42.11");
    f->dst = host("kvm2", "22222222-2222-2222-2222-222222222222", "169.254.42.12");
    f->src->vm = vm_new();
    f->src->areas |= MC_AREA_VM;
    struct mc_domain_ref *d = MC_APPEND(f->src->virt.domains, f->src->virt.n_domains);
    d->name = S("web1");
    d->uuid = S(f->src->vm->uuid);
    d->active = true;
    f->rel = mc_pair_facts_new();
    relate(f);
    live_ok(f);
    f->opts.transport = "ssh";
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mc_host_facts_free(f->src);
    mc_host_facts_free(f->dst);
    mc_pair_facts_free(f->rel);
    free(f);
    return 0;
}

/* Run one rule; return the summary status (FAIL > UNKNOWN > WARN > PASS > SKIP). */
static enum mc_status run(struct fx *f, const char *id, struct mc_report *keep)
{
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    assert_non_null(mc_rule_find(id));
    struct mc_pair p = { .src = f->src,
                         .dst = f->dst,
                         .vm = f->src->vm,
                         .rel = f->rel,
                         .opts = &f->opts,
                         .src_name = "kvm1",
                         .dst_name = "kvm2" };
    char *only[] = { (char *)id, NULL };
    struct mc_engine_opts eo = { .rules = rules, .n_rules = n, .only = only };
    struct mc_report rep = { 0 };
    mc_engine_run(&eo, &p, &rep);
    assert_true(rep.findings.n > 0);
    enum mc_status worst = MC_STATUS_SKIP;
    static const int rank[_MC_STATUS_MAX] = { [MC_STATUS_SKIP] = 0,
                                              [MC_STATUS_PASS] = 1,
                                              [MC_STATUS_WARN] = 2,
                                              [MC_STATUS_UNKNOWN] = 3,
                                              [MC_STATUS_FAIL] = 4 };
    for (size_t i = 0; i < rep.findings.n; i++) {
        const struct mc_finding *fi = &rep.findings.items[i];
        assert_string_equal(fi->rule, id);
        assert_non_null(fi->message);
        if (rank[fi->status] > rank[worst])
            worst = fi->status;
        if (fi->status == MC_STATUS_FAIL || fi->status == MC_STATUS_WARN)
            assert_non_null(fi->hint); /* every problem says what to do */
    }
    if (keep)
        *keep = rep;
    else
        mc_report_clear(&rep);
    return worst;
}

static bool any_message_has(const struct mc_report *r, const char *needle)
{
    for (size_t i = 0; i < r->findings.n; i++)
        if (strstr(r->findings.items[i].message, needle))
            return true;
    return false;
}

static bool any_evidence_has(const struct mc_report *r, const char *needle)
{
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.items[i].evidence && strstr(r->findings.items[i].evidence, needle))
            return true;
    return false;
}

/* The base pair migrates: no rule fails, warns or is unknown. */
static void test_base_pair_passes(void **state)
{
    struct fx *f = *state;
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    for (size_t i = 0; i < n; i++) {
        enum mc_status s = run(f, rules[i].id, NULL);
        if (s != MC_STATUS_PASS && s != MC_STATUS_SKIP)
            fail_msg("rule %s is %s on the base pair", rules[i].id, mc_status_name(s));
    }
}

static void test_vm_state(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->state);
    f->src->vm->state = S("shutoff");
    struct mc_report r;
    assert_int_equal(run(f, "vm.state", &r), MC_STATUS_FAIL);
    assert_true(strstr(r.findings.items[0].hint, "--offline") != NULL);
    mc_report_clear(&r);
    f->opts.offline = true;
    assert_int_equal(run(f, "vm.state", NULL), MC_STATUS_PASS);
    f->src->vm->persistent = false;
    assert_int_equal(run(f, "vm.state", NULL), MC_STATUS_FAIL);
    f->opts.offline = false;
    free(f->src->vm->state);
    f->src->vm->state = S("paused");
    /* a paused domain migrates, but one that arrived paused crashes QEMU when it leaves again
     * (lab, QEMU 7.2) and libvirt cannot tell the two apart: a warning with the way out */
    assert_int_equal(run(f, "vm.state", &r), MC_STATUS_WARN);
    assert_non_null(strstr(r.findings.items[0].hint, "virsh resume"));
    assert_non_null(strstr(r.findings.items[0].message, "guest is lost"));
    mc_report_clear(&r);
    free(f->src->vm->state);
    f->src->vm->state = S("running");
    assert_int_equal(run(f, "vm.state", NULL), MC_STATUS_PASS);
}

static void test_vm_job_snapshots(void **state)
{
    struct fx *f = *state;
    f->src->vm->job = S("backup");
    assert_int_equal(run(f, "vm.job", NULL), MC_STATUS_FAIL);
    f->src->vm->snapshots = 2;
    assert_int_equal(run(f, "vm.snapshots", NULL), MC_STATUS_FAIL);
}

static void usb_add(struct mc_usb_facts *u, const char *name, int64_t bus, int64_t dev,
                    const char *vendor, const char *product)
{
    struct mc_usb_device *d = MC_APPEND(u->devices, u->n_devices);
    d->name = S(name);
    d->bus = bus;
    d->device = dev;
    d->vendor = S(vendor);
    d->product = S(product);
}

/* SRC's domain gets a USB host device by vendor and product (046d:c52b), with libvirt's default
 * startupPolicy. */
static struct mc_hostdev *usb_hostdev_add(struct fx *f)
{
    struct mc_hostdev *h = MC_APPEND(f->src->vm->hostdevs, f->src->vm->n_hostdevs);
    h->mode = S("subsystem");
    h->type = S("usb");
    h->address = S("046d:c52b");
    h->usb_vendor = S("046d");
    h->usb_product = S("c52b");
    return h;
}

/* A USB host device, judged by what DST's libvirt 9.0 does when it prepares the incoming
 * domain (the lab saw each case with real libvirt on a destination with a tmpfs USB sysfs). */
static void test_vm_hostdev_usb(void **state)
{
    struct fx *f = *state;
    struct mc_hostdev *h = usb_hostdev_add(f);
    struct mc_report r;

    /* DST's USB devices not known (a snapshot from before): no PASS. */
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_UNKNOWN);
    assert_true(any_evidence_has(&r, "no USB device list"));
    mc_report_clear(&r);
    mc_facts_add_error(f->dst, "usb", -EACCES, "cannot list '/sys/bus/usb/devices': denied");
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_UNKNOWN);
    assert_true(any_evidence_has(&r, "denied"));
    mc_report_clear(&r);

    /* No USB bus on DST: "cannot open directory", even for an optional device. */
    f->dst->usb = mc_new0(struct mc_usb_facts, 1);
    struct mc_usb_facts *u = f->dst->usb;
    u->no_sysfs = true;
    h->startup_policy = S("optional");
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "/sys/bus/usb/devices"));
    mc_report_clear(&r);
    u->no_sysfs = false;

    /* By vendor:product, none there: optional and requisite drop it (WARN), the default and
     * mandatory refuse. */
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_WARN);
    free(h->startup_policy);
    h->startup_policy = S("requisite");
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_WARN);
    free(h->startup_policy);
    h->startup_policy = S("mandatory");
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "no USB device 046d:c52b"));
    mc_report_clear(&r);
    free(h->startup_policy);
    h->startup_policy = NULL;
    usb_add(u, "usb1", 1, 1, "1d6b", "0002");
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_FAIL);

    /* Exactly one with the ids: the one libvirt picks. */
    usb_add(u, "1-1.4", 1, 9, "046d", "c52b");
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "1-1.4, bus 1 device 9"));
    mc_report_clear(&r);
    /* ... unless another domain running on DST holds it. */
    struct mc_vm_facts *other = mc_new0(struct mc_vm_facts, 1);
    other->name = S("desk");
    other->state = S("running");
    struct mc_hostdev *oh = MC_APPEND(other->hostdevs, other->n_hostdevs);
    oh->type = S("usb");
    oh->usb_bus = 1;
    oh->usb_device = 9;
    mc_host_add_vm(f->dst, other);
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "in use by domain 'desk'"));
    mc_report_clear(&r);
    oh->usb_device = 8;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_PASS);

    /* Two with the ids and no address: refused whatever the policy. */
    usb_add(u, "2-1", 2, 3, "046d", "c52b");
    h->startup_policy = S("optional");
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "use <address> to specify one"));
    mc_report_clear(&r);

    /* With an address: the device there, with the ids. */
    h->usb_bus = 2;
    h->usb_device = 3;
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "2-1, bus 2 device 3"));
    mc_report_clear(&r);
    free(h->startup_policy);
    h->startup_policy = NULL;
    h->usb_device = 5; /* not there: no search by the ids for an address the domain gave */
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "at bus 2 device 5"));
    mc_report_clear(&r);
    /* An address SRC's libvirt found (autoAddress): a search by the ids, two of them. */
    h->usb_auto_address = true;
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "none of them at bus 2 device 5"));
    mc_report_clear(&r);
    u->n_devices--; /* one left (1-1.4): found at its own address */
    free(u->devices[u->n_devices].name);
    free(u->devices[u->n_devices].vendor);
    free(u->devices[u->n_devices].product);
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "1-1.4, bus 1 device 9"));
    mc_report_clear(&r);

    /* An address alone. */
    free(h->usb_vendor);
    free(h->usb_product);
    h->usb_vendor = h->usb_product = NULL;
    h->usb_auto_address = false;
    h->usb_bus = 1;
    h->usb_device = 9;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_PASS);
    h->usb_device = 7;
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "no USB device at bus 1 device 7"));
    mc_report_clear(&r);
    h->startup_policy = S("optional");
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_WARN);
    /* Nothing readable in the source: no verdict. */
    h->usb_bus = 0;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_UNKNOWN);
    /* An offline migration starts nothing on DST. */
    f->opts.offline = true;
    u->no_sysfs = true;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_PASS);
}

static void test_vm_hostdev(void **state)
{
    struct fx *f = *state;
    f->dst->usb = mc_new0(struct mc_usb_facts, 1);
    usb_add(f->dst->usb, "3-2", 3, 4, "046d", "c52b");
    struct mc_hostdev *h = usb_hostdev_add(f);
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_PASS);
    h = MC_APPEND(f->src->vm->hostdevs, f->src->vm->n_hostdevs);
    h->mode = S("subsystem");
    h->type = S("pci");
    h->address = S("0000:65:00.1");
    h->teaming = S("transient");
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_PASS);
    free(h->teaming);
    h->teaming = NULL;
    struct mc_report r;
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "0000:65:00.1"));
    mc_report_clear(&r);
    /* QEMU from 8.1 migrates a VFIO device whose driver supports it, and libvirt leaves the
     * decision to QEMU's blockers: whether this one does is not known. */
    f->src->virt.libvirt_version = 10000000;
    f->src->virt.hv_version = f->dst->virt.hv_version = 8002000;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.hv_version = 8000000;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_FAIL);
    f->dst->virt.hv_version = 0;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.hv_version = 8002000;
    f->src->virt.libvirt_version = 8000000;
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_FAIL);
}

static void test_vm_devices(void **state)
{
    struct fx *f = *state;
    mc_strv_add(&f->src->vm->blockers, "a virtiofs filesystem");
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_FAIL);
    mc_strv_free(f->src->vm->blockers);
    f->src->vm->blockers = NULL;
    f->src->vm->disks[0].transient = true;
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_FAIL);
    f->src->vm->disks[0].transient = false;
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_PASS);

    /* virtiofs, by the versions that decide (libvirt on SRC, QEMU on both). */
    mc_strv_add(&f->src->vm->virtiofs, "share");
    struct mc_report r;
    /* Debian 12: libvirt 9.0 refuses it on the source. */
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "libvirt 9.0.0 on"));
    mc_report_clear(&r);
    f->src->virt.libvirt_version = 0;
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_UNKNOWN);
    /* A libvirt that allows it, with a QEMU too old on the destination. */
    f->src->virt.libvirt_version = 10010000;
    f->src->virt.hv_version = 9002000;
    f->dst->virt.hv_version = 8001000;
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "QEMU 8.1.0 on"));
    mc_report_clear(&r);
    f->dst->virt.hv_version = 0;
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_UNKNOWN);
    /* All new enough: virtiofsd and the directory decide, which no fact shows. */
    f->dst->virt.hv_version = 9002000;
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "migrate-precopy"));
    mc_report_clear(&r);
    /* A blocker still blocks next to an undecided virtiofs. */
    mc_strv_add(&f->src->vm->blockers, "shmem device 'x' (ivshmem-plain) with role 'peer', "
                                       "not 'master'");
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_FAIL);
    /* vDPA: on a stack where QEMU reports its blockers (libvirt 10.10, QEMU 9.2 here), QEMU
     * decides whether the device migrates; below that libvirt refuses it. */
    mc_strv_free(f->src->vm->blockers);
    f->src->vm->blockers = NULL;
    mc_strv_free(f->src->vm->virtiofs);
    f->src->vm->virtiofs = NULL;
    mc_strv_add(&f->src->vm->blockers, "vdpa interface '/dev/vhost-vdpa-0'");
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.hv_version = 7002000;
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_FAIL);
}

/* An emulated TPM: libvirt on DST starts swtpm, which its domain capabilities show. */
static void test_vm_devices_tpm(void **state)
{
    struct fx *f = *state;
    struct mc_report r;
    mc_strv_add(&f->src->vm->tpm_backends, "passthrough");
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_PASS); /* not the emulator */
    mc_strv_add(&f->src->vm->tpm_backends, "emulator");
    /* DST's domain capabilities said nothing about TPMs: not known */
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.tpm_backends_listed = true;
    mc_strv_add(&f->dst->virt.tpm_backend_models, "passthrough");
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "no swtpm"));
    mc_report_clear(&r);
    mc_strv_add(&f->dst->virt.tpm_backend_models, "emulator");
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "runs swtpm"));
    mc_report_clear(&r);
    /* the virt facts of DST failed: not known, never a FAIL */
    mc_facts_add_error(f->dst, "virt", -ECONNREFUSED, "libvirt down");
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_UNKNOWN);
}

static void test_vm_invtsc(void **state)
{
    struct fx *f = *state;
    struct mc_cpu_feature *c = MC_APPEND(f->src->vm->cpu_features, f->src->vm->n_cpu_features);
    c->name = S("invtsc");
    c->policy = S("require");
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_FAIL);
    f->src->vm->tsc_frequency = 2400000000;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    /* Far from DST's TSC: libvirt refuses only where DST's CPU cannot scale the TSC
     * (qemuProcessStartValidateTSC), which no fact shows. */
    f->dst->virt.tsc_khz = 3000000;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.tsc_khz = 2400000;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    /* Within 250 ppm of DST's TSC (two boards of one model measure a few kHz apart): libvirt
     * and KVM accept it without scaling. */
    f->dst->virt.tsc_khz = 2400500;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    f->dst->virt.tsc_khz = 2399500;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    f->dst->virt.tsc_khz = 2401000;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_UNKNOWN);
    /* An offline migration: libvirt checks invtsc only for a live one. */
    f->src->vm->tsc_frequency = 0;
    f->opts.offline = true;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    f->opts.offline = false;
    f->src->vm->tsc_frequency = 2400000000;
    free(c->policy);
    c->policy = S("disable");
    f->src->vm->tsc_frequency = 0;
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
}

static void test_vm_virtio_vectors(void **state)
{
    struct fx *f = *state;
    f->src->vm->ifaces[0].queues = 8; /* 18 vectors */
    assert_int_equal(run(f, "vm.virtio-vectors", NULL), MC_STATUS_PASS);
    f->src->vm->ifaces[0].queues = 16; /* 34 vectors */
    assert_int_equal(run(f, "vm.virtio-vectors", NULL), MC_STATUS_WARN);
}

static void test_cpu_compatible(void **state)
{
    struct fx *f = *state;
    struct mc_pair_cpu *c = &f->rel->cpu;
    c->result = MC_CPU_RESULT_INCOMPATIBLE;
    mc_strv_add(&c->missing, "avx512vnni");
    mc_strv_add(&c->missing, "amx-tile");
    struct mc_report r;
    assert_int_equal(run(f, "cpu.compatible", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "avx512vnni, amx-tile"));
    mc_report_clear(&r);
    /* The source lacks one of them too: only the other counts. */
    mc_strv_add(&c->missing_src, "amx-tile");
    assert_int_equal(run(f, "cpu.compatible", &r), MC_STATUS_FAIL);
    assert_false(any_message_has(&r, "amx-tile"));
    mc_report_clear(&r);
    mc_strv_add(&c->missing_src, "avx512vnni");
    assert_int_equal(run(f, "cpu.compatible", NULL), MC_STATUS_PASS);
    c->probe = MC_PROBE_ERROR;
    assert_int_equal(run(f, "cpu.compatible", NULL), MC_STATUS_UNKNOWN);
    f->rel->live = false;
    assert_int_equal(run(f, "cpu.compatible", NULL), MC_STATUS_SKIP);
}

static void test_cpu_passthrough(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->cpu_mode);
    f->src->vm->cpu_mode = S("host-passthrough");
    assert_int_equal(run(f, "cpu.passthrough", NULL), MC_STATUS_PASS);
    mc_strv_add(&f->src->virt.cpu_features, "avx512f");
    assert_int_equal(run(f, "cpu.passthrough", NULL), MC_STATUS_FAIL);
    free(f->dst->virt.cpu_vendor);
    f->dst->virt.cpu_vendor = S("AMD");
    assert_int_equal(run(f, "cpu.passthrough", NULL), MC_STATUS_FAIL);
}

static void test_virt_same_host(void **state)
{
    struct fx *f = *state;
    free(f->dst->virt.host_uuid);
    f->dst->virt.host_uuid = S("11111111-1111-1111-1111-111111111111");
    assert_int_equal(run(f, "virt.same-host", NULL), MC_STATUS_FAIL);
    free(f->dst->virt.host_uuid);
    f->dst->virt.host_uuid = NULL;
    assert_int_equal(run(f, "virt.same-host", NULL), MC_STATUS_UNKNOWN);
}

static void test_virt_name_collision(void **state)
{
    struct fx *f = *state;
    struct mc_domain_ref *d = MC_APPEND(f->dst->virt.domains, f->dst->virt.n_domains);
    d->name = S("web1");
    d->uuid = S(f->src->vm->uuid);
    d->persistent = true;
    /* An inactive definition of the same domain is taken over. */
    assert_int_equal(run(f, "virt.name-collision", NULL), MC_STATUS_PASS);
    d->active = true;
    assert_int_equal(run(f, "virt.name-collision", NULL), MC_STATUS_FAIL);
    d->active = false;
    free(d->uuid);
    d->uuid = S("99999999-9999-9999-9999-999999999999");
    assert_int_equal(run(f, "virt.name-collision", NULL), MC_STATUS_FAIL);
    free(d->name);
    d->name = S("other");
    assert_int_equal(run(f, "virt.name-collision", NULL), MC_STATUS_PASS);
}

static void test_virt_machine_emulator_type(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->machine);
    f->src->vm->machine = S("pc-q35-rhel9.4.0");
    assert_int_equal(run(f, "virt.machine-type", NULL), MC_STATUS_FAIL);
    free(f->src->vm->machine);
    f->src->vm->machine = S("q35");
    assert_int_equal(run(f, "virt.machine-type", NULL), MC_STATUS_PASS);

    free(f->src->vm->emulator);
    f->src->vm->emulator = S("/usr/libexec/qemu-kvm");
    /* Not one of DST's default emulators, and no stat of the path: libvirt starts whatever
     * the path holds there, so it is not known (a wrapper, a second QEMU). */
    f->rel->live = false;
    assert_int_equal(run(f, "virt.emulator", NULL), MC_STATUS_UNKNOWN);
    /* Live: a stat on the destination decides for emulators not in the capabilities. */
    f->rel->live = true;
    struct mc_vm_path *ep = MC_APPEND(f->rel->paths, f->rel->n_paths);
    ep->role = S("emulator");
    ep->subject = S("emulator");
    ep->src_path = S("/usr/libexec/qemu-kvm");
    ep->exists_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "virt.emulator", NULL), MC_STATUS_PASS);
    ep->exists_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "virt.emulator", NULL), MC_STATUS_FAIL);

    mc_strv_free(f->dst->virt.guests[0].domain_types);
    f->dst->virt.guests[0].domain_types = NULL;
    mc_strv_add(&f->dst->virt.guests[0].domain_types, "qemu");
    assert_int_equal(run(f, "virt.domain-type", NULL), MC_STATUS_FAIL);
}

static void test_virt_qemu_version(void **state)
{
    struct fx *f = *state;
    f->dst->virt.hv_version = 8002000;
    assert_int_equal(run(f, "virt.qemu-version", NULL), MC_STATUS_PASS);
    f->dst->virt.hv_version = 6002000;
    struct mc_report r;
    assert_int_equal(run(f, "virt.qemu-version", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "6.2.0"));
    mc_report_clear(&r);
    /* An older stable release of the same series keeps its migration stream. */
    f->src->virt.hv_version = 8002002;
    f->dst->virt.hv_version = 8002001;
    assert_int_equal(run(f, "virt.qemu-version", NULL), MC_STATUS_PASS);
    f->dst->virt.hv_version = 8001005; /* another series */
    assert_int_equal(run(f, "virt.qemu-version", NULL), MC_STATUS_FAIL);
    f->dst->virt.hv_version = 0;
    assert_int_equal(run(f, "virt.qemu-version", NULL), MC_STATUS_UNKNOWN);
}

static void test_virt_rom_size(void **state)
{
    struct fx *f = *state;
    f->src->os.roms[0].sha256 = S("aa");
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_PASS);
    /* A PCI option ROM maps as its size rounded up to a power of two (QEMU
     * pci_add_option_rom): 160256 and 262144 bytes are both a 256 KiB block. */
    f->dst->os.roms[0].size = 262144;
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_PASS);
    f->dst->os.roms[0].size = 262145;
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_FAIL);
    /* BIOS and firmware images are blocks of their own size. */
    free(f->src->os.roms[0].path);
    f->src->os.roms[0].path = S("/usr/share/qemu/bios-256k.bin");
    free(f->dst->os.roms[0].path);
    f->dst->os.roms[0].path = S("/usr/share/qemu/bios-256k.bin");
    f->dst->os.roms[0].size = 262144;
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_FAIL);
    f->dst->os.roms[0].size = 0; /* a link whose target was not listed */
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_UNKNOWN);
    /* Not on DST, where DST's facts list that directory: missing. */
    free(f->dst->os.roms[0].path);
    f->dst->os.roms[0].path = S("/usr/share/qemu/efi-e1000.rom");
    f->dst->os.roms[0].size = 196608;
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_FAIL);
    /* Nothing at all listed in that directory on DST (it does not exist there, say ipxe-qemu
     * is not installed): still missing, as DST's facts list every ROM directory. */
    free(f->dst->os.roms[0].path);
    f->dst->os.roms[0].path = S("/usr/share/seabios/bios.bin");
    free(f->src->os.roms[0].path);
    f->src->os.roms[0].path = S("/usr/lib/ipxe/qemu/efi-virtio.rom");
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_FAIL);
    /* ... unless listing the ROM directories failed there, or DST's OS area was not gathered. */
    mc_facts_add_error(f->dst, "os/roms", EACCES, "cannot list '%s': %s", "/usr/lib/ipxe/qemu",
                       "Permission denied");
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_UNKNOWN);
    mc_facts_drop_errors(f->dst, "os/roms");
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_FAIL);
    f->dst->areas &= ~(unsigned)MC_AREA_OS;
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_UNKNOWN);
    f->dst->areas |= MC_AREA_OS;
    /* A directory DST's facts do not list (a ROM outside QEMU's directories): not known. */
    free(f->src->os.roms[0].path);
    f->src->os.roms[0].path = S("/opt/roms/elsewhere.rom");
    assert_int_equal(run(f, "virt.rom-size", NULL), MC_STATUS_UNKNOWN);
}

static void test_virt_memory_hugepages(void **state)
{
    struct fx *f = *state;
    /* 512 MiB free (MemFree) of 16 GiB for a 1 GiB guest: the page cache the kernel reclaims
     * is not in libvirt's free memory, so it is not known to fail. */
    f->dst->virt.free_memory_kib = 512 << 10;
    assert_int_equal(run(f, "virt.memory", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.memory_kib = 768 << 10; /* a host smaller than the guest */
    assert_int_equal(run(f, "virt.memory", NULL), MC_STATUS_FAIL);
    f->src->vm->hugepage_kib = 2048;
    assert_int_equal(run(f, "virt.hugepages", NULL), MC_STATUS_PASS);
    f->dst->virt.hugepages[0].free = 100; /* 200 MiB for 1 GiB */
    assert_int_equal(run(f, "virt.hugepages", NULL), MC_STATUS_FAIL);
    f->src->vm->hugepage_kib = 1048576;
    assert_int_equal(run(f, "virt.hugepages", NULL), MC_STATUS_FAIL);
}

static void test_virt_security_tls(void **state)
{
    struct fx *f = *state;
    mc_strv_add(&f->src->vm->seclabels, "selinux");
    assert_int_equal(run(f, "virt.security-model", NULL), MC_STATUS_FAIL);
    mc_strv_add(&f->dst->virt.secmodels, "selinux");
    assert_int_equal(run(f, "virt.security-model", NULL), MC_STATUS_PASS);
    f->src->virt.qemu_conf.migrate_tls_force = true;
    assert_int_equal(run(f, "virt.tls-required", NULL), MC_STATUS_FAIL);
    /* libvirt does not insist on TLS for a tunnelled migration (qemuMigrationSrcBegin). */
    f->opts.tunnelled = f->opts.p2p = true;
    assert_int_equal(run(f, "virt.tls-required", NULL), MC_STATUS_PASS);
    f->opts.tunnelled = f->opts.p2p = false;
}

/* A read-only CD-ROM image on SRC's local disk (sda). */
static void add_local_cdrom(struct fx *f)
{
    struct mc_disk *cd = MC_APPEND(f->src->vm->disks, f->src->vm->n_disks);
    cd->target = S("sda");
    cd->type = S("file");
    cd->device = S("cdrom");
    cd->readonly = true;
    cd->source = S("/var/lib/libvirt/local/install.iso");
}

static void set_disk_local(struct fx *f)
{
    free(f->src->vm->disks[0].source);
    f->src->vm->disks[0].source = S("/var/lib/libvirt/local/web1.qcow2");
    relate(f);
    live_ok(f);
}

static void test_virt_unsafe_migration(void **state)
{
    struct fx *f = *state;
    /* On NFS with cache=writeback: QEMU 7.2 drops caches, so libvirt accepts it. */
    free(f->src->vm->disks[0].cache);
    f->src->vm->disks[0].cache = S("writeback");
    relate(f);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    f->src->virt.hv_version = 3001000; /* QEMU 3.1: no drop-cache capability */
    struct mc_report rc;
    assert_int_equal(run(f, "virt.unsafe-migration", &rc), MC_STATUS_FAIL);
    /* Copying a disk on shared storage onto itself is no fix: the rule says none. */
    assert_int_equal(rc.findings.items[0].fix, MC_FIX_NONE);
    mc_report_clear(&rc);
    f->src->virt.hv_version = 7002000;
    /* On local ext4: unsafe, and the fix depends on proven sharing. */
    set_disk_local(f);
    struct mc_report r;
    assert_int_equal(run(f, "virt.unsafe-migration", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "ext4"));
    assert_int_equal(r.findings.items[0].fix, MC_FIX_COPY_STORAGE);
    mc_report_clear(&r);
    f->rel->paths[0].evidence = MC_EVIDENCE_CANARY;
    assert_int_equal(run(f, "virt.unsafe-migration", &r), MC_STATUS_FAIL);
    assert_int_equal(r.findings.items[0].fix, MC_FIX_UNSAFE_PROVEN_SHARED);
    mc_report_clear(&r);
    /* virsh --unsafe: libvirt does not check; proven sharing passes, anything else warns. */
    f->opts.unsafe = true;
    assert_int_equal(run(f, "virt.unsafe-migration", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "--unsafe"));
    mc_report_clear(&r);
    f->rel->paths[0].evidence = MC_EVIDENCE_NONE;
    assert_int_equal(run(f, "virt.unsafe-migration", &r), MC_STATUS_WARN);
    assert_non_null(strstr(r.findings.items[0].hint, "corrupted"));
    mc_report_clear(&r);
    f->opts.unsafe = false;
    f->opts.copy_storage = true;
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    f->opts.copy_storage = false;
    f->opts.copy_storage_inc = true; /* an incremental copy copies the disk too */
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
}

/*
 * The check pipeline's pure part: judging the same loaded facts twice gives the same report and
 * leaves the facts as they were (a cluster judges each pair of snapshots many times).
 */
static void test_check_judge_pure(void **state)
{
    struct fx *f = *state;
    set_disk_local(f); /* something to find: a local disk (FAIL), with live probes */
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    struct mc_check_config cfg = { .rules = rules, .n_rules = n, .copts = &f->opts };
    char *before_src = NULL, *before_rel = NULL, *after_src = NULL, *after_rel = NULL;
    size_t l;
    assert_int_equal(mc_facts_to_xml(f->src, &before_src, &l), 0);
    assert_int_equal(mc_pair_to_xml(f->rel, &before_rel, &l), 0);
    struct mc_check_input in = {
        .src = f->src, .dst = f->dst, .rel = f->rel, .origin = MC_CHECK_SNAPSHOTS
    };
    struct mc_report a = { 0 }, b = { 0 };
    mc_check_judge(&cfg, &in, &a);
    mc_check_judge(&cfg, &in, &b);
    assert_int_equal(a.verdict, MC_VERDICT_BLOCKED);
    assert_int_equal(a.verdict, b.verdict);
    assert_int_equal(a.findings.n, b.findings.n);
    for (size_t i = 0; i < a.findings.n; i++) {
        assert_string_equal(a.findings.items[i].rule, b.findings.items[i].rule);
        assert_int_equal(a.findings.items[i].status, b.findings.items[i].status);
        assert_string_equal(a.findings.items[i].message, b.findings.items[i].message);
    }
    assert_string_equal(a.source, "kvm1");
    assert_string_equal(a.domain, "web1");
    assert_int_equal(mc_facts_to_xml(f->src, &after_src, &l), 0);
    assert_int_equal(mc_pair_to_xml(f->rel, &after_rel, &l), 0);
    assert_string_equal(before_src, after_src);
    assert_string_equal(before_rel, after_rel);
    /* Without pair facts the matching runs inside (on a copy): storage is still judged. */
    in.rel = NULL;
    struct mc_report c = { 0 };
    mc_check_judge(&cfg, &in, &c);
    assert_int_equal(c.verdict, MC_VERDICT_BLOCKED);
    bool storage = false;
    for (size_t i = 0; i < c.findings.n; i++)
        if (strcmp(c.findings.items[i].rule, "storage.disk-shared") == 0 &&
            c.findings.items[i].status == MC_STATUS_FAIL)
            storage = true;
    assert_true(storage);
    mc_report_clear(&a);
    mc_report_clear(&b);
    mc_report_clear(&c);
    free(before_src);
    free(before_rel);
    free(after_src);
    free(after_rel);
}

/* Every fix has a row (a step that applies it, the option that asks for it) and a stable name. */
static void test_fix_table(void **state)
{
    (void)state;
    for (int i = 1; i < _MC_FIX_MAX; i++) {
        const struct mc_fix_info *fi = mc_fix_info((enum mc_fix)i);
        assert_non_null(fi);
        assert_non_null(fi->step);
        assert_non_null(fi->option);
        assert_non_null(fi->summary);
        const char *name = mc_fix_name((enum mc_fix)i);
        assert_non_null(name);
        assert_int_equal(mc_fix_from_name(name), i);
    }
    assert_null(mc_fix_info(MC_FIX_NONE));
    assert_null(mc_fix_name(MC_FIX_NONE));
    assert_true(mc_fix_from_name("no-such-fix") < 0);
    /* Every fix a rule names is a real one. */
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    for (size_t i = 0; i < n; i++)
        assert_true(rules[i].fix >= MC_FIX_NONE && rules[i].fix < _MC_FIX_MAX);
    assert_string_equal(mc_verdict_name(MC_VERDICT_BLOCKED), "blocked");
    assert_int_equal(mc_enum_from_name(&mc_verdict_names, "migratable"), MC_VERDICT_MIGRATABLE);
}

static void test_os_rules(void **state)
{
    struct fx *f = *state;
    free(f->dst->os.version_id);
    f->dst->os.version_id = S("11");
    assert_int_equal(run(f, "os.release", NULL), MC_STATUS_WARN);
    free(f->dst->os.packages[0].version);
    f->dst->os.packages[0].version = S("1:5.2+dfsg-11+deb11u3");
    struct mc_report r;
    assert_int_equal(run(f, "os.updates", &r), MC_STATUS_WARN);
    assert_non_null(strstr(r.findings.items[0].evidence, "5.2"));
    mc_report_clear(&r);
}

static void test_storage_shared_nfs(void **state)
{
    struct fx *f = *state;
    /* Base: the same export at the same path. */
    assert_int_equal(f->rel->paths[0].evidence, MC_EVIDENCE_IDENTITY);
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "storage.disk-path", NULL), MC_STATUS_PASS);

    /* Same file system type, different export: not evidence, and it fails. */
    free(f->dst->mounts[1].export_path);
    f->dst->mounts[1].export_path = S("/srv/other");
    relate(f);
    live_ok(f);
    struct mc_report r;
    assert_int_equal(run(f, "storage.disk-shared", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "cannot see it"));
    mc_report_clear(&r);

    /* The same export mounted elsewhere: shared, at another path. */
    free(f->dst->mounts[1].export_path);
    f->dst->mounts[1].export_path = S("/srv/nfs");
    free(f->dst->mounts[1].target);
    f->dst->mounts[1].target = S("/mnt/vms");
    relate(f);
    live_ok(f);
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "storage.disk-path", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "/mnt/vms/web1.qcow2"));
    assert_int_equal(r.findings.items[0].fix, MC_FIX_REWRITE_PATH);
    mc_report_clear(&r);
}

static void test_storage_local(void **state)
{
    struct fx *f = *state;
    set_disk_local(f);
    /* Offline: a local file system is not shared. */
    f->rel->live = false;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_FAIL);
    /* Live: the canary decides. */
    f->rel->live = true;
    f->rel->paths[0].evidence = MC_EVIDENCE_ABSENT;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_FAIL);
    f->rel->paths[0].evidence = MC_EVIDENCE_CANARY;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    /* No canary and no stat answer: unknown, never pass. */
    f->rel->paths[0].evidence = MC_EVIDENCE_UNSET;
    f->rel->paths[0].exists_probe = MC_PROBE_ERROR;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_UNKNOWN);
    /* Facts of the destination's mounts missing: unknown. */
    mc_facts_add_error(f->dst, "mounts", 13, "cannot read mountinfo");
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_UNKNOWN);
}

static void test_storage_cdrom(void **state)
{
    struct fx *f = *state;
    add_local_cdrom(f);
    relate(f);
    live_ok(f);
    /* Present on the destination as a separate copy: enough for QEMU. */
    f->rel->paths[1].evidence = MC_EVIDENCE_ABSENT;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    f->rel->paths[1].src_size = 100;
    f->rel->paths[1].dst_size = 200;
    assert_int_equal(run(f, "storage.readonly-copy", NULL), MC_STATUS_WARN);
    /* Missing there: the migration fails. */
    f->rel->paths[1].exists_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_FAIL);
}

static void test_storage_network_disk(void **state)
{
    struct fx *f = *state;
    struct mc_disk *d = &f->src->vm->disks[0];
    free(d->type);
    d->type = S("network");
    d->protocol = S("iscsi");
    d->source_name = S("iqn.2026-11.lab:web1/1");
    struct mc_netaddr *h = MC_APPEND(d->hosts, d->n_hosts);
    h->name = S("169.254.42.10");
    h->port = 3260;
    relate(f);
    live_ok(f);
    assert_string_equal(f->rel->paths[0].src_path,
                        "iscsi://169.254.42.10:3260/iqn.2026-11.lab:web1/1");
    f->rel->paths[0].evidence = MC_EVIDENCE_NETWORK;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    f->rel->paths[0].evidence = MC_EVIDENCE_REFUSED;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_FAIL);
    f->rel->paths[0].evidence = MC_EVIDENCE_UNSET;
    f->rel->paths[0].exists_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_UNKNOWN);
    f->rel->live = false;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_SKIP);
    /* Served by a hypervisor itself. */
    f->rel->live = true;
    add_addr(f->dst, "br0", "169.254.42.10");
    assert_int_equal(run(f, "storage.separate-host", NULL), MC_STATUS_WARN);
}

static void add_blockdev(struct mc_host_facts *h, const char *path, const char *wwn)
{
    struct mc_blockdev *b = MC_APPEND(h->storage.blockdevs, h->storage.n_blockdevs);
    b->name = S("dm-3");
    b->path = S(path);
    b->wwn = wwn ? S(wwn) : NULL;
    b->transport = S("fc");
}

static void test_storage_block_wwn(void **state)
{
    struct fx *f = *state;
    struct mc_disk *d = &f->src->vm->disks[0];
    free(d->type);
    d->type = S("block");
    free(d->source);
    d->source = S("/dev/mapper/mpatha");
    add_blockdev(f->src, "/dev/mapper/mpatha", "naa.600a0b80001111550000000000000001");
    /* The same LUN on the destination, at the same path: shared. */
    add_blockdev(f->dst, "/dev/mapper/mpatha", "naa.600a0b80001111550000000000000001");
    relate(f);
    live_ok(f);
    assert_int_equal(f->rel->paths[0].evidence, MC_EVIDENCE_IDENTITY);
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    /* Another LUN behind the same name: not shared, whatever the path says. */
    free(f->dst->storage.blockdevs[0].wwn);
    f->dst->storage.blockdevs[0].wwn = S("naa.600a0b80002222660000000000000002");
    relate(f);
    live_ok(f);
    struct mc_report r;
    assert_int_equal(run(f, "storage.disk-shared", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "mpatha"));
    mc_report_clear(&r);
    /* No identity on either side: the path existing is not evidence. */
    free(f->dst->storage.blockdevs[0].wwn);
    f->dst->storage.blockdevs[0].wwn = NULL;
    relate(f);
    live_ok(f);
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_UNKNOWN);
}

static void test_storage_access_ids(void **state)
{
    struct fx *f = *state;
    f->rel->paths[0].open_probe = MC_PROBE_FAILED;
    f->rel->paths[0].open_detail = S("EACCES");
    assert_int_equal(run(f, "storage.qemu-access", NULL), MC_STATUS_FAIL);
    f->dst->os.qemu_uid = 107;
    assert_int_equal(run(f, "storage.qemu-ids", NULL), MC_STATUS_WARN);
    assert_int_equal(run(f, "storage.separate-host", NULL), MC_STATUS_PASS);
    add_addr(f->src, "eth0", "169.254.42.10");
    assert_int_equal(run(f, "storage.separate-host", NULL), MC_STATUS_WARN);
}

static void test_storage_copy_target(void **state)
{
    struct fx *f = *state;
    set_disk_local(f);
    f->rel->paths[0].evidence = MC_EVIDENCE_ABSENT;
    f->rel->paths[0].exists_probe = MC_PROBE_FAILED;
    f->opts.copy_storage = true;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_FAIL);
    struct mc_pool *p = MC_APPEND(f->dst->virt.pools, f->dst->virt.n_pools);
    p->name = S("local");
    p->type = S("dir");
    p->active = true;
    p->target_path = S("/var/lib/libvirt/local");
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_PASS);
    /* --copy-storage-inc: libvirt pre-creates nothing, pool or not: the image must exist. */
    f->opts.copy_storage = false;
    f->opts.copy_storage_inc = true;
    struct mc_report r;
    assert_int_equal(run(f, "storage.copy-target", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "incremental"));
    mc_report_clear(&r);
    f->rel->paths[0].evidence = MC_EVIDENCE_NONE;
    f->rel->paths[0].exists_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_PASS);
    f->rel->paths[0].exists_probe = MC_PROBE_NOT_RUN;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_UNKNOWN);
}

/* Storage migration copies writable disks only (libvirt qemuMigrationAnyCopyDisk). A disk it
 * copies is mirrored in full, so its backing file need not exist on the destination; a CD-ROM is
 * never copied, and its hint must not offer --copy-storage-all. */
static void test_storage_copy_storage_readonly(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->disks[0].source);
    f->src->vm->disks[0].source = S("/var/lib/libvirt/local/web1.qcow2");
    mc_strv_add(&f->src->vm->disks[0].backing, "/var/lib/libvirt/local/base.qcow2");
    add_local_cdrom(f);
    relate(f);
    live_ok(f);
    assert_int_equal(f->rel->n_paths, 3); /* disk, its backing file, the CD-ROM */
    for (size_t i = 0; i < f->rel->n_paths; i++) {
        f->rel->paths[i].evidence = MC_EVIDENCE_ABSENT;
        f->rel->paths[i].exists_probe = MC_PROBE_FAILED;
    }
    /* 0: no copy, 1: --copy-storage-all, 2: --copy-storage-inc (the disk's top image only: its
     * backing file must be on the destination like any other file). */
    for (int copy = 0; copy < 3; copy++) {
        f->opts.copy_storage = copy == 1;
        f->opts.copy_storage_inc = copy == 2;
        struct mc_report r;
        assert_int_equal(run(f, "storage.disk-shared", &r), MC_STATUS_FAIL);
        size_t fails = 0;
        for (size_t i = 0; i < r.findings.n; i++) {
            const struct mc_finding *x = &r.findings.items[i];
            bool cdrom = strstr(x->subject, "cdrom") != NULL;
            if (x->status != MC_STATUS_FAIL) {
                /* With --copy-storage the disk and its backing file pass; the CD-ROM never. */
                assert_true(copy && !cdrom && x->status == MC_STATUS_PASS);
                assert_true(copy == 1 || !strstr(x->subject, "backing"));
                continue;
            }
            fails++;
            if (cdrom || strstr(x->subject, "backing"))
                assert_null(strstr(x->hint, "--copy-storage-all"));
            if (cdrom)
                assert_non_null(strstr(x->hint, "eject the media"));
        }
        assert_int_equal(fails, copy == 1 ? 1 : copy == 2 ? 2 : 3);
        mc_report_clear(&r);
    }
    /* A backing image the storage server refuses to DST: a full copy never opens it there. */
    f->rel->paths[1].evidence = MC_EVIDENCE_REFUSED;
    for (int copy = 0; copy < 2; copy++) {
        f->opts.copy_storage = copy == 1;
        f->opts.copy_storage_inc = false;
        struct mc_report r;
        run(f, "storage.disk-shared", &r);
        bool backing_failed = false;
        for (size_t i = 0; i < r.findings.n; i++)
            if (strstr(r.findings.items[i].subject, "backing"))
                backing_failed |= r.findings.items[i].status == MC_STATUS_FAIL;
        assert_int_equal(backing_failed, copy == 0);
        mc_report_clear(&r);
    }
    f->opts.copy_storage = false;
}

/* One thing found twice is reported once: a path listed twice (a snapshot from a version that
 * kept the serial log once per serial port and console), and the console libvirt writes for
 * serial port 0, which is the same socket. */
static void test_duplicates_reported_once(void **state)
{
    struct fx *f = *state;
    struct mc_vm_path *p0 = &f->rel->paths[0];
    struct mc_vm_path *p1 = MC_APPEND(f->rel->paths, f->rel->n_paths);
    p0 = &f->rel->paths[0];
    mc_struct_copy(&mc_desc_vm_path, p1, p0);
    struct mc_report r;
    assert_int_equal(run(f, "storage.disk-shared", &r), MC_STATUS_PASS);
    assert_int_equal(r.findings.n, 1);
    mc_report_clear(&r);

    for (int k = 0; k < 2; k++) {
        struct mc_chardev *c = MC_APPEND(f->src->vm->chardevs, f->src->vm->n_chardevs);
        c->kind = S(k ? "console" : "serial");
        c->type = S("tcp");
        c->mode = S("bind");
        c->host = S("169.254.42.11"); /* the source's address: QEMU cannot bind it on kvm2 */
        c->service = S("4555");
        c->target_type = S(k ? "serial" : "isa-serial");
    }
    assert_int_equal(run(f, "net.listen-address", &r), MC_STATUS_FAIL);
    size_t fails = 0;
    for (size_t i = 0; i < r.findings.n; i++)
        fails += r.findings.items[i].status == MC_STATUS_FAIL;
    assert_int_equal(fails, 1);
    mc_report_clear(&r);
}

static void test_net_bridge_network_direct(void **state)
{
    struct fx *f = *state;
    free(f->dst->net.links[2].name);
    f->dst->net.links[2].name = S("br1");
    struct mc_report r;
    assert_int_equal(run(f, "net.bridge", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "br0"));
    mc_report_clear(&r);
    assert_int_equal(run(f, "net.config-identical", NULL), MC_STATUS_WARN);
    free(f->dst->net.links[2].name);
    f->dst->net.links[2].name = S("br0");
    f->dst->net.links[2].up = false;
    assert_int_equal(run(f, "net.bridge", NULL), MC_STATUS_FAIL);
    f->dst->net.links[2].up = true;

    struct mc_iface *i = MC_APPEND(f->src->vm->ifaces, f->src->vm->n_ifaces);
    i->type = S("network");
    i->source = S("isolated");
    assert_int_equal(run(f, "net.network", NULL), MC_STATUS_PASS);
    f->dst->virt.networks[0].active = false;
    assert_int_equal(run(f, "net.network", NULL), MC_STATUS_FAIL);
    free(f->dst->virt.networks[0].name);
    f->dst->virt.networks[0].name = S("other");
    assert_int_equal(run(f, "net.network", NULL), MC_STATUS_FAIL);

    i = MC_APPEND(f->src->vm->ifaces, f->src->vm->n_ifaces);
    i->type = S("direct");
    i->source = S("eth0");
    assert_int_equal(run(f, "net.direct", NULL), MC_STATUS_PASS);
    free(i->source);
    i->source = S("ens3f1");
    assert_int_equal(run(f, "net.direct", NULL), MC_STATUS_FAIL);
}

static void test_net_mtu(void **state)
{
    struct fx *f = *state;
    f->dst->net.links[2].mtu = 9000;
    assert_int_equal(run(f, "net.mtu", NULL), MC_STATUS_WARN);
}

static void test_net_listen(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->graphics[0].listen);
    f->src->vm->graphics[0].listen = S("169.254.42.11");
    assert_int_equal(run(f, "net.listen-address", NULL), MC_STATUS_FAIL);
    add_addr(f->dst, "br0", "169.254.42.11");
    assert_int_equal(run(f, "net.listen-address", NULL), MC_STATUS_PASS);
    struct mc_chardev *c = MC_APPEND(f->src->vm->chardevs, f->src->vm->n_chardevs);
    c->kind = S("serial");
    c->type = S("tcp");
    c->mode = S("bind");
    c->host = S("169.254.99.1");
    c->service = S("4555");
    assert_int_equal(run(f, "net.listen-address", NULL), MC_STATUS_FAIL);
}

static void test_net_migration_port(void **state)
{
    struct fx *f = *state;
    struct mc_port_probe *pp = &f->rel->migration_port;
    pp->result = MC_PORT_REFUSED;
    struct mc_report r;
    assert_int_equal(run(f, "net.migration-port", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "firewall"));
    assert_true(any_message_has(&r, "migcheck listened"));
    mc_report_clear(&r);
    pp->result = MC_PORT_TIMEOUT;
    assert_int_equal(run(f, "net.migration-port", NULL), MC_STATUS_FAIL);
    /* The source cannot even resolve the destination's name: the stream cannot start. */
    pp->result = MC_PORT_UNRESOLVABLE;
    assert_int_equal(run(f, "net.migration-port", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "unresolvable"));
    mc_report_clear(&r);
    pp->probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "net.migration-port", NULL), MC_STATUS_UNKNOWN);
    /* --tunnelled: no migration port is used (the libvirt connection carries the stream). */
    pp->probe = MC_PROBE_OK;
    pp->result = MC_PORT_REFUSED;
    f->opts.tunnelled = f->opts.p2p = true;
    assert_int_equal(run(f, "net.migration-port", &r), MC_STATUS_SKIP);
    assert_true(any_message_has(&r, "--tunnelled"));
    mc_report_clear(&r);
    f->opts.tunnelled = f->opts.p2p = false;
    f->rel->live = false;
    assert_int_equal(run(f, "net.migration-port", NULL), MC_STATUS_SKIP);
}

static void test_net_dst_hostname(void **state)
{
    struct fx *f = *state;
    struct mc_name_probe *np = &f->rel->dst_name;
    mc_strv_free(np->addresses);
    np->addresses = NULL;
    mc_strv_add(&np->addresses, "127.0.1.1");
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_FAIL);
    mc_strv_free(np->addresses);
    np->addresses = NULL;
    np->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_FAIL);
    free(f->dst->virt.hostname);
    f->dst->virt.hostname = S("localhost.localdomain");
    f->rel->live = false;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_FAIL);
    /* A tunnelled migration has no migration URI: the name is not used. */
    f->opts.tunnelled = f->opts.p2p = true;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_SKIP);
    f->opts.tunnelled = f->opts.p2p = false;
    /* migration_host overrides the host name. */
    f->dst->virt.qemu_conf.migration_host = S("kvm2.example");
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_SKIP);
}

static void test_net_libvirtd_port(void **state)
{
    struct fx *f = *state;
    struct mc_report r;
    /* ssh transport, managed migration: not applicable. */
    assert_int_equal(run(f, "net.libvirtd-port", &r), MC_STATUS_SKIP);
    mc_report_clear(&r);
    f->opts.transport = "tcp";
    f->rel->libvirtd_port.probe = MC_PROBE_OK;
    f->rel->libvirtd_port.result = MC_PORT_REFUSED;
    f->rel->libvirtd_port.port = 16509;
    /* Refused: migcheck did not listen there, libvirtd (its TCP listener off) or a firewall. */
    assert_int_equal(run(f, "net.libvirtd-port", &r), MC_STATUS_FAIL);
    assert_true(any_message_has(&r, "listener is off"));
    assert_false(any_message_has(&r, "migcheck listened"));
    mc_report_clear(&r);
    f->rel->libvirtd_port.result = MC_PORT_OPEN;
    assert_int_equal(run(f, "net.libvirtd-port", NULL), MC_STATUS_PASS);
}

/*
 * An offline migration (VIR_MIGRATE_OFFLINE, what migcheck migrate does for a shut-off domain):
 * qemuMigrationSrcIsAllowed skips its device, invtsc and host device checks, and
 * qemuMigrationSrcBeginPhase skips qemuMigrationSrcIsSafe. Only the definition moves.
 */
static void test_offline_skips_start_checks(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->state);
    f->src->vm->state = S("shutoff");
    struct mc_hostdev *h = MC_APPEND(f->src->vm->hostdevs, f->src->vm->n_hostdevs);
    h->mode = S("subsystem");
    h->type = S("pci");
    h->address = S("0000:65:00.0");
    mc_strv_add(&f->src->vm->blockers, "shmem 'x' in role peer");
    mc_strv_add(&f->src->vm->virtiofs, "share");
    mc_strv_add(&f->src->vm->tpm_backends, "emulator");
    f->src->vm->disks[0].transient = true;
    struct mc_cpu_feature *c = MC_APPEND(f->src->vm->cpu_features, f->src->vm->n_cpu_features);
    c->name = S("invtsc");
    set_disk_local(f);
    /* A live migration: each of them refuses. */
    assert_int_equal(run(f, "vm.hostdev", NULL), MC_STATUS_FAIL);
    assert_int_equal(run(f, "vm.devices", NULL), MC_STATUS_FAIL);
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_FAIL);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_FAIL);
    f->opts.offline = true;
    f->opts.persistent = true;
    struct mc_report r;
    assert_int_equal(run(f, "vm.hostdev", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "0000:65:00.0"));
    mc_report_clear(&r);
    assert_int_equal(run(f, "vm.devices", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "transient disk vda"));
    assert_true(any_evidence_has(&r, "VIR_MIGRATE_OFFLINE"));
    mc_report_clear(&r);
    assert_int_equal(run(f, "vm.invtsc", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    /* Snapshots are checked for an offline migration too. */
    f->src->vm->snapshots = 1;
    assert_int_equal(run(f, "vm.snapshots", NULL), MC_STATUS_FAIL);
}

/* qemu.conf shared_filesystems on SRC: libvirt takes the listed directories as shared (a host
 * that exports its local storage to the other); releases before it ignore the option. */
static void test_unsafe_shared_filesystems(void **state)
{
    struct fx *f = *state;
    set_disk_local(f);
    mc_strv_add(&f->src->virt.qemu_conf.shared_filesystems, "/var/lib/libvirt/other");
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_FAIL);
    mc_strv_add(&f->src->virt.qemu_conf.shared_filesystems, "/var/lib/libvirt/local/");
    /* libvirt 9.0 (the base pair) has no such option: it refuses as for any local disk. */
    assert_int_equal(f->src->virt.libvirt_version, 9000000);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_FAIL);
    /* A 10.x may read it: not known, never a FAIL. */
    f->src->virt.libvirt_version = 10005000;
    struct mc_report r;
    assert_int_equal(run(f, "virt.unsafe-migration", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "shared_filesystems"));
    assert_false(any_message_has(&r, "considers every writable disk safe"));
    mc_report_clear(&r);
    f->src->virt.libvirt_version = 11000000;
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_PASS);
    /* Taken as shared, the cache mode decides as for NFS. */
    f->src->virt.hv_version = 3001000;
    free(f->src->vm->disks[0].cache);
    f->src->vm->disks[0].cache = S("writeback");
    relate(f);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_FAIL);
    /* A path that only starts like a listed directory is not in it. */
    f->src->virt.hv_version = 7002000;
    free(f->src->vm->disks[0].source);
    f->src->vm->disks[0].source = S("/var/lib/libvirt/local2/web1.qcow2");
    relate(f);
    assert_int_equal(run(f, "virt.unsafe-migration", NULL), MC_STATUS_FAIL);
}

/* --copy-storage-inc: the image must exist on DST, as DST's own file. The live probe finds it
 * at the path, and the canary written next to SRC's image is not seen there (evidence
 * "absent"): that is the separate image libvirt copies into, not a missing one. */
static void test_copy_inc_existing_image(void **state)
{
    struct fx *f = *state;
    set_disk_local(f);
    f->opts.copy_storage_inc = true;
    f->rel->paths[0].evidence = MC_EVIDENCE_ABSENT;
    f->rel->paths[0].exists_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_PASS);
    /* A stat that could not run says nothing about the image. */
    f->rel->paths[0].exists_probe = MC_PROBE_ERROR;
    f->rel->paths[0].exists_detail = S("no answer");
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_UNKNOWN);
    f->rel->paths[0].exists_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_FAIL);
    /* --copy-storage-all without a pool: an image already there needs none (libvirt skips
     * pre-creating it); without the stat that is not known. */
    f->opts.copy_storage_inc = false;
    f->opts.copy_storage = true;
    f->rel->paths[0].exists_probe = MC_PROBE_NOT_RUN;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_UNKNOWN);
    f->rel->paths[0].exists_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_UNKNOWN);
    f->rel->paths[0].exists_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "storage.copy-target", NULL), MC_STATUS_FAIL);
}

/* A read-only file on SRC's local disk, checked without live probes: a copy at the same path
 * on DST would do, and only a stat there tells. A writable one is never shared. */
static void test_readonly_local_without_probes(void **state)
{
    struct fx *f = *state;
    add_local_cdrom(f);
    relate(f);
    f->rel->live = false;
    struct mc_report r;
    assert_int_equal(run(f, "storage.disk-shared", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "live probe"));
    mc_report_clear(&r);
    set_disk_local(f);
    f->rel->live = false;
    for (size_t i = 0; i < f->rel->n_paths; i++)
        f->rel->paths[i].exists_probe = MC_PROBE_NOT_RUN;
    assert_int_equal(run(f, "storage.disk-shared", NULL), MC_STATUS_FAIL);
}

/* --p2p over ssh: SRC's libvirtd reaches DST over ssh, not at libvirtd's TCP port (which the
 * probe tries, and which libvirtd does not even listen on by default). */
static void test_libvirtd_port_p2p_ssh(void **state)
{
    struct fx *f = *state;
    f->opts.p2p = true;
    f->rel->libvirtd_port.probe = MC_PROBE_OK;
    f->rel->libvirtd_port.result = MC_PORT_REFUSED;
    f->rel->libvirtd_port.port = 16509;
    struct mc_report r;
    assert_int_equal(run(f, "net.libvirtd-port", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "over ssh"));
    mc_report_clear(&r);
    f->opts.transport = "tls";
    assert_int_equal(run(f, "net.libvirtd-port", NULL), MC_STATUS_FAIL);
}

/* DST's qemu.conf not read: it may set migration_host, the name libvirt uses instead. */
static void test_dst_hostname_unread_qemu_conf(void **state)
{
    struct fx *f = *state;
    free(f->dst->virt.hostname);
    f->dst->virt.hostname = S("localhost.localdomain");
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_FAIL);
    f->dst->virt.qemu_conf.readable = false;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_UNKNOWN);
    free(f->dst->virt.hostname);
    f->dst->virt.hostname = S("kvm2");
    f->rel->dst_name.probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.qemu_conf.readable = true;
    assert_int_equal(run(f, "net.dst-hostname", NULL), MC_STATUS_FAIL);
}

/* host-passthrough between two host CPU models: libvirt lists each host's features beyond its
 * own model, so a feature listed for SRC only may be in DST's model. */
static void test_cpu_passthrough_models_differ(void **state)
{
    struct fx *f = *state;
    free(f->src->vm->cpu_mode);
    f->src->vm->cpu_mode = S("host-passthrough");
    mc_strv_add(&f->src->virt.cpu_features, "pku");
    free(f->dst->virt.cpu_model);
    f->dst->virt.cpu_model = S("Cascadelake-Server");
    assert_int_equal(run(f, "cpu.passthrough", NULL), MC_STATUS_UNKNOWN);
    free(f->dst->virt.cpu_model);
    f->dst->virt.cpu_model = S("Skylake-Client-IBRS");
    assert_int_equal(run(f, "cpu.passthrough", NULL), MC_STATUS_FAIL);
}

/* A host that did not answer: host.reachable is UNKNOWN with the cause, each rule that needs that
 * host's facts is UNKNOWN with it, and the rules that need only the other host still judge. */
static void test_host_reachable(void **state)
{
    struct fx *f = *state;
    struct mc_report r;
    assert_int_equal(run(f, "host.reachable", &r), MC_STATUS_PASS);
    assert_int_equal(r.findings.n, 2); /* one per host */
    mc_report_clear(&r);
    mc_facts_add_error(f->dst, MC_HOST_ERROR_AREA, 113,
                       "cannot reach 'kvm2': ssh: connect to host kvm2 port 22: No route to host");
    assert_int_equal(run(f, "host.reachable", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "No route to host"));
    assert_int_equal(r.verdict, MC_VERDICT_UNKNOWN);
    mc_report_clear(&r);
    assert_int_equal(run(f, "storage.disk-path", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "cannot reach 'kvm2'"));
    mc_report_clear(&r);
    assert_int_equal(run(f, "net.migration-port", NULL), MC_STATUS_UNKNOWN); /* live: both */
    assert_int_equal(run(f, "vm.state", NULL), MC_STATUS_PASS);              /* source only */
    /* The source too: its rules are unknown; a domain known without it (--vm-xml) is judged. */
    mc_facts_add_error(f->src, MC_HOST_ERROR_AREA, 110, "cannot reach 'kvm1': no answer");
    assert_int_equal(run(f, "virt.tls-required", &r), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&r, "cannot reach 'kvm1'"));
    mc_report_clear(&r);
    assert_int_equal(run(f, "vm.state", NULL), MC_STATUS_PASS);
    assert_int_equal(run(f, "host.reachable", &r), MC_STATUS_UNKNOWN);
    assert_int_equal(r.counts[MC_STATUS_UNKNOWN], 2); /* both hosts, not only the first */
    mc_report_clear(&r);
}

/* virsh --persistent / --undefinesource: where the domain is defined afterwards. */
static void test_vm_definition(void **state)
{
    struct fx *f = *state;
    struct mc_report r;
    assert_int_equal(run(f, "vm.definition", &r), MC_STATUS_PASS); /* stays on the source */
    assert_true(any_message_has(&r, "transient"));
    mc_report_clear(&r);
    f->opts.undefine_source = true; /* defined nowhere afterwards */
    assert_int_equal(run(f, "vm.definition", &r), MC_STATUS_WARN);
    assert_true(any_message_has(&r, "defined on no host"));
    mc_report_clear(&r);
    f->opts.persistent = true;
    assert_int_equal(run(f, "vm.definition", &r), MC_STATUS_PASS);
    assert_true(any_message_has(&r, "moves"));
    mc_report_clear(&r);
    f->opts.persistent = false;
    f->opts.offline = true; /* an offline migration always defines it on the destination */
    assert_int_equal(run(f, "vm.definition", NULL), MC_STATUS_PASS);
    f->opts.offline = false;
    f->src->vm->persistent = false; /* transient: nothing to undefine */
    assert_int_equal(run(f, "vm.definition", NULL), MC_STATUS_PASS);
}

static void test_unknown_when_facts_missing(void **state)
{
    struct fx *f = *state;
    /* Each rule that needs an area says UNKNOWN, never PASS, when it failed to gather. */
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    mc_facts_add_error(f->src, "os", 2, "x");
    mc_facts_add_error(f->dst, "os", 2, "x");
    mc_facts_add_error(f->src, "virt", 111, "x");
    mc_facts_add_error(f->dst, "virt", 111, "x");
    mc_facts_add_error(f->src, "mounts", 2, "x");
    mc_facts_add_error(f->dst, "mounts", 2, "x");
    mc_facts_add_error(f->src, "net", 2, "x");
    mc_facts_add_error(f->dst, "net", 2, "x");
    mc_facts_add_error(f->src, "storage", 2, "x");
    mc_facts_add_error(f->dst, "storage", 2, "x");
    for (size_t i = 0; i < n; i++) {
        unsigned area_needs = rules[i].needs & ~(unsigned)(MC_NEED_LIVE | MC_NEED_NO_VM);
        enum mc_status s = run(f, rules[i].id, NULL);
        if (area_needs && s != MC_STATUS_UNKNOWN)
            fail_msg("rule %s is %s with its facts missing", rules[i].id, mc_status_name(s));
    }
}

/* ---- files and sockets created on DST, paths that must exist there, secrets ---- */

static struct mc_vm_file *add_vm_file(struct mc_vm_facts *vm, const char *role, const char *path,
                                      const char *action, const char *creator)
{
    struct mc_vm_file *x = MC_APPEND(vm->files, vm->n_files);
    x->role = S(role);
    x->path = S(path);
    x->action = action ? S(action) : NULL;
    x->creator = creator ? S(creator) : NULL;
    x->subject = S("serial 0");
    return x;
}

static void test_vm_created_files(void **state)
{
    struct fx *f = *state;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_PASS); /* nothing created */
    add_vm_file(f->src->vm, "chardev-file", "/var/log/guests/web1.log", "create", "logd");
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 1);
    struct mc_host_path *hp = &f->rel->host_paths[0];
    assert_string_equal(hp->dir, "/var/log/guests");
    assert_string_equal(hp->creator, "root (virtlogd)");
    assert_int_equal(hp->uid, 0);
    f->rel->live = false;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_SKIP);
    f->rel->live = true;
    hp->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    hp->probe = MC_PROBE_OK;
    hp->type = S("file");
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    free(hp->type);
    hp->type = S("dir");
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN); /* not proved */
    hp->create_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    hp->create_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    hp->create_probe = MC_PROBE_OK;
    struct mc_report rep = { 0 };
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_false(any_evidence_has(&rep, "not under"));
    mc_report_clear(&rep);
    /* The test file was created without the creator's SELinux or AppArmor confinement: the
     * evidence says so (a possible false PASS), for the driver in force on DST. */
    mc_strv_add(&f->dst->virt.secmodels, "selinux");
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_true(any_evidence_has(&rep, "not under selinux"));
    mc_report_clear(&rep);
    f->dst->virt.qemu_conf.security_driver = S("none"); /* qemu.conf turns it off */
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_false(any_evidence_has(&rep, "not under"));
    mc_report_clear(&rep);
    free(f->dst->virt.qemu_conf.security_driver);
    f->dst->virt.qemu_conf.security_driver = S("apparmor");
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_true(any_evidence_has(&rep, "not under apparmor"));
    mc_report_clear(&rep);
    /* stdio_handler = "file": QEMU opens chardev outputs itself, as its user. */
    f->dst->virt.qemu_conf.stdio_handler = S("file");
    relate(f);
    assert_string_equal(f->rel->host_paths[0].creator, "libvirt-qemu");
    assert_int_equal(f->rel->host_paths[0].uid, 64055);
    /* Files opened as they are stay storage paths, not created ones. */
    add_vm_file(f->src->vm, "kernel", "/boot/vmlinuz", NULL, NULL);
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 1);
    /* NVRAM: libvirt (root) creates it from the template where it is missing. */
    add_vm_file(f->src->vm, "nvram-vars", "/var/lib/libvirt/nvram-x/web1_VARS.fd", "create",
                "libvirt");
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 2);
    hp = &f->rel->host_paths[1];
    assert_string_equal(hp->creator, "root (libvirtd)");
    assert_string_equal(hp->dir, "/var/lib/libvirt/nvram-x");
    f->rel->host_paths[0].probe = MC_PROBE_OK;
    f->rel->host_paths[0].type = S("dir");
    f->rel->host_paths[0].create_probe = MC_PROBE_OK;
    hp->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_FAIL);
    assert_true(any_message_has(&rep, "/var/lib/libvirt/nvram-x does not exist"));
    mc_report_clear(&rep);
    hp->probe = MC_PROBE_OK;
    hp->type = S("dir");
    hp->create_probe = MC_PROBE_OK; /* the file exists there, or root created a test file */
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_PASS);
}

static bool any_hint_has(const struct mc_report *r, const char *needle)
{
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.items[i].hint && strstr(r->findings.items[i].hint, needle))
            return true;
    return false;
}

/* Runs vm.created-files; its status, and whether a message has needle (NULL: not asked). */
static enum mc_status created_with(struct fx *f, const char *needle, bool *ret_has)
{
    struct mc_report rep = { 0 };
    enum mc_status s = run(f, "vm.created-files", &rep);
    if (needle)
        *ret_has = any_message_has(&rep, needle) || any_hint_has(&rep, needle);
    mc_report_clear(&rep);
    return s;
}

/*
 * ivshmem-plain's /dev/shm/NAME that already exists on DST, as QEMU 7.2 treats it (measured on
 * the lab): it opens it read-write; a file smaller than the shmem but not empty ends its start;
 * an empty one grows; a larger one is mapped as it is (shared with whatever maps it there); a
 * directory gets an unlinked file of QEMU's.
 */
static void test_vm_shmem_existing(void **state)
{
    struct fx *f = *state;
    struct mc_vm_file *x = add_vm_file(f->src->vm, "shmem", "/dev/shm/ivs", "create", "qemu");
    free(x->subject);
    x->subject = S("shmem ivs");
    x->size = 4 << 20;
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 1);
    struct mc_host_path *hp = &f->rel->host_paths[0];
    assert_int_equal(hp->size, 4 << 20);
    assert_string_equal(hp->dir, "/dev/shm");
    assert_string_equal(hp->creator, "libvirt-qemu");
    f->rel->live = true;
    hp->probe = MC_PROBE_OK;
    hp->type = S("dir");
    /* No file there: QEMU creates it (the create test in /dev/shm). */
    hp->file_probe = MC_PROBE_FAILED;
    hp->create_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_PASS);
    hp->create_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);

    /* A file there, its size not known (an answer without it, older facts): UNKNOWN, never a
     * FAIL, even where it opens. */
    hp->file_probe = MC_PROBE_OK;
    hp->file_type = S("file");
    hp->create_probe = MC_PROBE_OK;
    bool has = false;
    assert_int_equal(created_with(f, "its size is not known", &has), MC_STATUS_UNKNOWN);
    assert_true(has);
    /* Smaller than the shmem, not empty: QEMU's own words, both sizes, the fix. */
    hp->file_size_known = true;
    hp->file_size = 1 << 20;
    assert_int_equal(created_with(f,
                                  "\"backing store size 0x100000 does not match 'size' option "
                                  "0x400000\"",
                                  &has),
                     MC_STATUS_FAIL);
    assert_true(has);
    assert_int_equal(created_with(f, "0x100000 (1 MiB) there, 0x400000 (4 MiB) asked", &has),
                     MC_STATUS_FAIL);
    assert_true(has);
    assert_int_equal(created_with(f, "truncate -s 4194304", &has), MC_STATUS_FAIL);
    assert_true(has);
    hp->file_size = (4 << 20) - 1; /* one byte short */
    assert_int_equal(created_with(f, "0x3fffff (4194303 bytes)", &has), MC_STATUS_FAIL);
    assert_true(has);
    /* Empty: QEMU grows it. */
    hp->file_size = 0;
    assert_int_equal(created_with(f, "QEMU grows it", &has), MC_STATUS_PASS);
    assert_true(has);
    /* As large or larger: mapped as it is, the migration writes over it, shared: WARN. */
    hp->file_size = 4 << 20;
    assert_int_equal(created_with(f, "shares memory with this guest", &has), MC_STATUS_WARN);
    assert_true(has);
    hp->file_size = 8 << 20;
    assert_int_equal(
        created_with(f, "0x800000 (8 MiB) there, 0x400000 (4 MiB) asked; QEMU there maps", &has),
        MC_STATUS_WARN);
    assert_true(has);
    /* QEMU's user cannot open it read-write: QEMU fails to open it, whatever its size. */
    hp->create_probe = MC_PROBE_FAILED;
    hp->create_detail = S("EACCES opening the existing file for writing as uid 64055 gid 64055");
    assert_int_equal(created_with(f, "can't open backing store /dev/shm/ivs for guest RAM", &has),
                     MC_STATUS_FAIL);
    assert_true(has);
    hp->file_size = 1 << 20;
    assert_int_equal(created_with(f, "cannot open it read-write: EACCES", &has), MC_STATUS_FAIL);
    assert_true(has);
    hp->file_size_known = false;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    /* The open not tried (an agent that cannot act as the QEMU user): a size that fits is not
     * enough for a PASS; one too small still fails. */
    hp->file_size_known = true;
    hp->create_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    hp->file_size = 4 << 20;
    assert_int_equal(created_with(f, "read-write was not proved", &has), MC_STATUS_UNKNOWN);
    assert_true(has);
    hp->file_size = 0;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    /* The shmem's size not known (facts from before it was read): UNKNOWN. */
    hp->create_probe = MC_PROBE_OK;
    hp->size = 0;
    hp->file_size = 1 << 20;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    hp->size = 4 << 20;

    /* A directory of that name: QEMU makes its file in it (the create test runs there). */
    free(hp->file_type);
    hp->file_type = S("dir");
    hp->create_probe = MC_PROBE_OK;
    assert_int_equal(created_with(f, "is a directory", &has), MC_STATUS_PASS);
    assert_true(has);
    hp->create_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    hp->create_probe = MC_PROBE_ERROR;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    /* Anything else (a device node): as any created file that is not a file. */
    free(hp->file_type);
    hp->file_type = S("char");
    hp->create_probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    /* Without a live probe: SKIP, as for any created file. */
    f->rel->live = false;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_SKIP);
}

/* File-backed guest RAM: libvirt (root) makes the domain's directory under DST's
 * memory_backing_dir with its parents, so a missing directory is no refusal; a path through a
 * file is. */
static void test_vm_memory_backing_dir(void **state)
{
    struct fx *f = *state;
    struct mc_vm_facts *vm = f->src->vm;
    vm->memory_source = S("memfd"); /* nothing on DST's file systems */
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 0);
    free(vm->memory_source);
    vm->memory_source = S("file");
    vm->hugepages = true; /* huge pages come from hugetlbfs, not memory_backing_dir */
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 0);
    vm->hugepages = false;
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 1);
    struct mc_host_path *hp = &f->rel->host_paths[0];
    assert_string_equal(hp->action, "mkdir");
    assert_string_equal(hp->dir, "/var/lib/libvirt/qemu/ram"); /* libvirt's default */
    assert_string_equal(hp->creator, "root (libvirtd)");
    assert_int_equal(hp->uid, 0);
    /* DST's own setting decides, not the source's. */
    f->src->virt.qemu_conf.memory_backing_dir = S("/srv/src-ram");
    f->dst->virt.qemu_conf.memory_backing_dir = S("/dev/shm/guest ram");
    relate(f);
    hp = &f->rel->host_paths[0];
    assert_string_equal(hp->dir, "/dev/shm/guest ram");
    /* DST's qemu.conf not read: where the RAM file goes is not known. */
    f->dst->virt.qemu_conf.readable = false;
    free(f->dst->virt.qemu_conf.memory_backing_dir);
    f->dst->virt.qemu_conf.memory_backing_dir = NULL;
    relate(f);
    assert_null(f->rel->host_paths[0].dir);
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    f->dst->virt.qemu_conf.readable = true;
    f->dst->virt.qemu_conf.memory_backing_dir = S("/dev/shm/guest ram");
    relate(f);
    hp = &f->rel->host_paths[0];

    f->rel->live = false;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_SKIP);
    f->rel->live = true;
    struct mc_report rep = { 0 };
    hp->probe = MC_PROBE_FAILED;
    hp->probe_error = S("ENOENT"); /* libvirt creates it with its parents: not proved */
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&rep, "with its parents"));
    mc_report_clear(&rep);
    free(hp->probe_error);
    hp->probe_error = S("ENOTDIR"); /* a part of the path is a file: mkdir fails */
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_FAIL);
    assert_true(any_message_has(&rep, "/dev/shm/guest ram"));
    mc_report_clear(&rep);
    free(hp->probe_error);
    hp->probe_error = S("EIO");
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    hp->probe = MC_PROBE_OK;
    hp->type = S("file");
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    free(hp->type);
    hp->type = S("dir");
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN); /* not proved */
    hp->create_probe = MC_PROBE_FAILED; /* a read-only file system */
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_FAIL);
    hp->create_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_PASS);
    /* vm.host-paths leaves it to vm.created-files. */
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);

    /* Room for the RAM file (statvfs of the directory's file system). */
    vm->memory_kib = 4 * 1024 * 1024; /* 4 GiB */
    hp->space_probe = MC_PROBE_OK;
    hp->space_total_kib = 16 * 1024 * 1024;
    hp->space_avail_kib = 4 * 1024 * 1024; /* exactly enough */
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_true(any_message_has(&rep, "room for the guest's 4096 MiB"));
    mc_report_clear(&rep);
    /* Too little: sparse by default, so the pages the guest used decide (a warning) ... */
    hp->space_avail_kib = 1024 * 1024;
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_WARN);
    assert_true(any_message_has(&rep, "SIGBUS"));
    mc_report_clear(&rep);
    /* ... preallocated (<allocation mode='immediate'/>): QEMU does not start on DST. */
    vm->memory_allocation = S("immediate");
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_FAIL);
    assert_true(any_message_has(&rep, "1024 MiB available"));
    mc_report_clear(&rep);
    hp->space_avail_kib = 8 * 1024 * 1024;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_PASS);
    /* Space not measured (an older agent, a failed statvfs): preallocated RAM is not known to
     * fit (UNKNOWN, never FAIL); sparse RAM keeps the directory's PASS. */
    hp->space_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(run(f, "vm.created-files", NULL), MC_STATUS_UNKNOWN);
    free(vm->memory_allocation);
    vm->memory_allocation = S("ondemand");
    assert_int_equal(run(f, "vm.created-files", &rep), MC_STATUS_PASS);
    assert_true(any_evidence_has(&rep, "room for the RAM not checked"));
    mc_report_clear(&rep);
}

static void test_vm_host_paths(void **state)
{
    struct fx *f = *state;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    add_vm_file(f->src->vm, "chardev-dev", "/dev/ttyS1", "device", NULL);
    relate(f);
    struct mc_host_path *hp = &f->rel->host_paths[0];
    assert_null(hp->dir);
    hp->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL);
    hp->probe = MC_PROBE_OK;
    hp->type = S("char");
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    free(hp->type);
    hp->type = S("file");
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL); /* not a device */
    hp->probe = MC_PROBE_ERROR;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_UNKNOWN);
    f->rel->live = false;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_SKIP);
    /* An unmanaged tap is looked up among DST's links. */
    f->rel->live = true;
    mc_struct_clear(&mc_desc_vm_facts, f->src->vm);
    free(f->src->vm);
    f->src->vm = vm_new();
    add_vm_file(f->src->vm, "tap", "tap-web1", "link", NULL);
    relate(f);
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL);
    add_link(f->dst, "tap-web1", "tun", 1500);
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    /* A 9p export: a directory on DST (its contents are DST's own). */
    add_vm_file(f->src->vm, "filesystem-dir", "/srv/share/web1", "dir", NULL);
    relate(f);
    hp = &f->rel->host_paths[1];
    assert_null(hp->dir);
    hp->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL);
    hp->probe = MC_PROBE_OK;
    hp->type = S("file");
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL); /* not a directory */
    free(hp->type);
    hp->type = S("dir");
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    /* A client socket: QEMU on DST does not start without its server, unless the client
     * reconnects (it connects in the background then): a warning, not a refusal. */
    struct mc_vm_file *sock =
        add_vm_file(f->src->vm, "chardev-connect", "/run/peer.sock", "connect", NULL);
    relate(f);
    f->rel->host_paths[1].probe = MC_PROBE_OK; /* the 9p directory, as above */
    f->rel->host_paths[1].type = S("dir");
    hp = &f->rel->host_paths[2];
    assert_string_equal(hp->path, "/run/peer.sock");
    hp->probe = MC_PROBE_FAILED;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL);
    free(sock->role);
    sock->role = S("chardev-reconnect");
    relate(f);
    f->rel->host_paths[1].probe = MC_PROBE_OK;
    f->rel->host_paths[1].type = S("dir");
    hp = &f->rel->host_paths[2];
    hp->probe = MC_PROBE_FAILED;
    struct mc_report rep = { 0 };
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_WARN);
    assert_true(any_message_has(&rep, "QEMU starts there without it"));
    mc_report_clear(&rep);
    hp->probe = MC_PROBE_OK;
    hp->type = S("socket");
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
}

/* A stat on DST that failed for the probe's own reasons (EACCES as the agent's user, ESTALE)
 * does not show the path missing for libvirt or QEMU. */
static void test_host_path_stat_errno(void **state)
{
    struct fx *f = *state;
    add_vm_file(f->src->vm, "chardev-file", "/var/log/guests/web1.log", "create", "logd");
    add_vm_file(f->src->vm, "chardev-dev", "/dev/ttyS1", "device", NULL);
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 2);
    for (size_t i = 0; i < 2; i++) {
        struct mc_host_path *hp = &f->rel->host_paths[i];
        const char *rule = i == 0 ? "vm.created-files" : "vm.host-paths";
        hp->probe = MC_PROBE_FAILED;
        hp->probe_error = S("EACCES");
        assert_int_equal(run(f, rule, NULL), MC_STATUS_UNKNOWN);
        free(hp->probe_error);
        hp->probe_error = S("ENOENT");
        assert_int_equal(run(f, rule, NULL), MC_STATUS_FAIL);
        free(hp->probe_error);
        hp->probe_error = S("ENOTDIR");
        assert_int_equal(run(f, rule, NULL), MC_STATUS_FAIL);
    }
}

/* vhost-user backends QEMU connects to when it starts on DST: a socket file is not enough (a
 * stale one, its backend gone, refuses QEMU): the live probe's connection decides. */
static void test_vm_host_paths_vhost_user(void **state)
{
    struct fx *f = *state;
    /* The disk's source is the backend's socket, not an image: no storage path is made. */
    struct mc_disk *d = MC_APPEND(f->src->vm->disks, f->src->vm->n_disks);
    d->target = S("vdb");
    d->type = S("vhostuser");
    d->device = S("disk");
    d->source = S("/run/qsd/blk0.sock");
    add_vm_file(f->src->vm, "vhostuser-blk", "/run/qsd/blk0.sock", "connect", NULL);
    relate(f);
    for (size_t i = 0; i < f->rel->n_paths; i++)
        assert_false(f->rel->paths[i].src_path &&
                     strcmp(f->rel->paths[i].src_path, "/run/qsd/blk0.sock") == 0);
    assert_int_equal(f->rel->n_host_paths, 1);
    struct mc_host_path *hp = &f->rel->host_paths[0];
    assert_true(mc_host_path_connect_tested(hp));
    hp->probe = MC_PROBE_FAILED; /* no socket at all */
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_FAIL);
    hp->probe = MC_PROBE_OK;
    hp->type = S("other");
    /* The socket exists, no connection tried (older facts, a probe that did not run): never a
     * PASS on the stat alone. */
    struct mc_report rep = { 0 };
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&rep, "whether a backend listens there was not tried"));
    mc_report_clear(&rep);
    /* The sh agent without QEMU or nc. */
    hp->connect_probe = MC_PROBE_UNSUPPORTED;
    hp->connect_detail = S("the sh agent on dst has neither QEMU nor nc -U");
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&rep, "neither QEMU nor nc"));
    mc_report_clear(&rep);
    /* Refused: a stale socket; the fix starts the backend there. */
    hp->connect_probe = MC_PROBE_FAILED;
    hp->connect_error = S("ECONNREFUSED");
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_FAIL);
    assert_true(any_message_has(&rep, "stale socket"));
    assert_true(any_hint_has(&rep, "vhost-user-blk backend"));
    mc_report_clear(&rep);
    /* Another failure (EACCES for root, a full backlog): not what QEMU is known to meet. */
    free(hp->connect_error);
    hp->connect_error = S("EAGAIN");
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&rep, "was not proved"));
    mc_report_clear(&rep);
    hp->connect_probe = MC_PROBE_OK;
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    /* A switch's socket (interface mode='client'): the same, with its own fix. */
    add_vm_file(f->src->vm, "vhostuser-connect", "/run/ovs/vhu0.sock", "connect", NULL);
    relate(f);
    assert_int_equal(f->rel->n_host_paths, 2);
    f->rel->host_paths[0].probe = MC_PROBE_OK;
    f->rel->host_paths[0].connect_probe = MC_PROBE_OK;
    hp = &f->rel->host_paths[1];
    hp->probe = MC_PROBE_OK;
    hp->connect_probe = MC_PROBE_FAILED;
    hp->connect_error = S("ECONNREFUSED");
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_FAIL);
    assert_true(any_hint_has(&rep, "vhost-user switch"));
    mc_report_clear(&rep);
    /* Other client sockets are not connected to (a probe is not harmless to every server):
     * they keep the stat's PASS. */
    add_vm_file(f->src->vm, "shmem-server", "/run/ivshmem.sock", "connect", NULL);
    relate(f);
    assert_false(mc_host_path_connect_tested(&f->rel->host_paths[2]));
}

/* The host paths of this role, in order. */
static size_t tls_paths(struct fx *f, const char **paths, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < f->rel->n_host_paths; i++)
        if (f->rel->host_paths[i].role && strcmp(f->rel->host_paths[i].role, "tls-cert") == 0 &&
            n < max)
            paths[n++] = f->rel->host_paths[i].path;
    return n;
}

static void test_vm_tls_files(void **state)
{
    struct fx *f = *state;
    const char *p[8];
    struct mc_qemu_conf *q = &f->dst->virt.qemu_conf;
    /* DST's qemu.conf sets no TLS: nothing to load there. */
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 0);
    /* vnc_tls: QEMU loads a server's credentials for the VNC display. */
    q->vnc_tls = true;
    q->vnc_tls_dir = S("/etc/pki/libvirt-vnc");
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 3);
    assert_string_equal(p[0], "/etc/pki/libvirt-vnc/ca-cert.pem");
    assert_string_equal(p[1], "/etc/pki/libvirt-vnc/server-cert.pem");
    assert_string_equal(p[2], "/etc/pki/libvirt-vnc/server-key.pem");
    for (size_t i = 0; i < f->rel->n_host_paths; i++) {
        f->rel->host_paths[i].probe = MC_PROBE_OK;
        f->rel->host_paths[i].type = S("file");
    }
    assert_int_equal(run(f, "vm.host-paths", NULL), MC_STATUS_PASS);
    f->rel->host_paths[2].probe = MC_PROBE_FAILED;
    struct mc_report rep = { 0 };
    assert_int_equal(run(f, "vm.host-paths", &rep), MC_STATUS_FAIL);
    assert_true(any_message_has(&rep, "TLS file /etc/pki/libvirt-vnc/server-key.pem"));
    mc_report_clear(&rep);
    /* A TCP chardev: the domain's tls= wins over chardev_tls; a client needs the CA only. */
    q->vnc_tls = false;
    q->chardev_tls_dir = S("/etc/pki/qemu");
    struct mc_chardev *c = MC_APPEND(f->src->vm->chardevs, f->src->vm->n_chardevs);
    c->kind = S("serial");
    c->type = S("tcp");
    c->mode = S("connect");
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 0); /* chardev_tls off, no tls= */
    q->chardev_tls = true;
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 1);
    assert_string_equal(p[0], "/etc/pki/qemu/ca-cert.pem");
    c->tls = S("no");
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 0);
    free(c->tls);
    c->tls = S("yes");
    free(c->mode);
    c->mode = S("bind");
    q->chardev_tls = false;
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 3);
    /* An NBD disk with tls='yes': the CA certificate of nbd_tls_x509_cert_dir. */
    free(c->tls);
    c->tls = S("no");
    q->nbd_tls_dir = S("/etc/pki/libvirt-nbd");
    struct mc_disk *d = MC_APPEND(f->src->vm->disks, f->src->vm->n_disks);
    d->type = S("network");
    d->device = S("disk");
    d->target = S("vdb");
    d->protocol = S("nbd");
    d->source_name = S("export1");
    d->tls = S("yes");
    relate(f);
    assert_int_equal(tls_paths(f, p, 8), 1);
    assert_string_equal(p[0], "/etc/pki/libvirt-nbd/ca-cert.pem");
}

static void test_vm_9p_mount(void **state)
{
    struct fx *f = *state;
    assert_int_equal(run(f, "vm.9p-mount", NULL), MC_STATUS_PASS);
    add_vm_file(f->src->vm, "filesystem-dir", "/srv/share/web1", "dir", NULL);
    /* Whether the guest mounted the share cannot be seen: never migratable by default. */
    struct mc_report rep = { 0 };
    assert_int_equal(run(f, "vm.9p-mount", &rep), MC_STATUS_UNKNOWN);
    assert_true(any_message_has(&rep, "/srv/share/web1"));
    mc_report_clear(&rep);
    /* An offline migration starts no QEMU: nothing can have the share mounted. */
    f->opts.offline = true;
    assert_int_equal(run(f, "vm.9p-mount", &rep), MC_STATUS_PASS);
    assert_true(any_message_has(&rep, "offline"));
    mc_report_clear(&rep);
    f->opts.offline = false;
}

static struct mc_secret *add_secret(struct mc_host_facts *h, const char *uuid, const char *type,
                                    const char *id, const char *value)
{
    h->virt.secrets_listed = true;
    struct mc_secret *x = MC_APPEND(h->virt.secrets, h->virt.n_secrets);
    x->uuid = S(uuid);
    x->usage_type = S(type);
    x->usage_id = S(id);
    x->value = S(value);
    return x;
}

static void test_virt_secrets(void **state)
{
    struct fx *f = *state;
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_PASS); /* none referred to */
    struct mc_vm_facts *vm = f->src->vm;
    struct mc_secret_ref *r = MC_APPEND(vm->secret_refs, vm->n_secret_refs);
    r->subject = S("disk vda");
    r->purpose = S("encryption");
    r->usage_type = S("passphrase");
    r->uuid = S("aaaaaaaa-0000-0000-0000-000000000001");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_UNKNOWN); /* not listed */
    f->dst->virt.secrets_listed = true;
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_FAIL); /* missing */
    struct mc_secret *sec =
        add_secret(f->dst, "AAAAAAAA-0000-0000-0000-000000000001", "volume", "/x/a.img", "unset");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_FAIL); /* no value */
    free(sec->value);
    sec->value = S("unknown");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_UNKNOWN); /* private */
    free(sec->value);
    sec->value = S("set");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_PASS);
    /* By usage: a passphrase is a volume secret; an iscsi secret of the same id is not it. */
    free(r->uuid);
    r->uuid = NULL;
    r->usage = S("/x/b.img");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_FAIL);
    add_secret(f->dst, "bbbbbbbb-0000-0000-0000-000000000002", "iscsi", "/x/b.img", "set");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_FAIL);
    add_secret(f->dst, "cccccccc-0000-0000-0000-000000000003", "volume", "/x/b.img", "set");
    assert_int_equal(run(f, "virt.secrets", NULL), MC_STATUS_PASS);
}

static void test_catalogue(void **state)
{
    (void)state;
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(rules[i].id);
        assert_non_null(strchr(rules[i].id, '.'));
        assert_non_null(rules[i].title);
        assert_non_null(rules[i].hint);
        assert_non_null(rules[i].requirement);
        assert_non_null(rules[i].explain);
        assert_non_null(rules[i].check);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(rules[i].id, rules[k].id);
        assert_ptr_equal(mc_rule_find(rules[i].id), &rules[i]);
    }
    assert_null(mc_rule_find("no.such-rule"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_vm_created_files),
        T(test_vm_shmem_existing),
        T(test_vm_host_paths),
        T(test_vm_host_paths_vhost_user),
        T(test_vm_tls_files),
        T(test_vm_9p_mount),
        T(test_vm_memory_backing_dir),
        T(test_virt_secrets),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_fix_table),
        T(test_check_judge_pure),
        T(test_base_pair_passes),
        T(test_vm_state),
        T(test_vm_job_snapshots),
        T(test_vm_hostdev_usb),
        T(test_vm_hostdev),
        T(test_vm_devices),
        T(test_vm_devices_tpm),
        T(test_vm_invtsc),
        T(test_vm_virtio_vectors),
        T(test_cpu_compatible),
        T(test_cpu_passthrough),
        T(test_cpu_passthrough_models_differ),
        T(test_virt_same_host),
        T(test_virt_name_collision),
        T(test_virt_machine_emulator_type),
        T(test_virt_qemu_version),
        T(test_virt_rom_size),
        T(test_virt_memory_hugepages),
        T(test_virt_security_tls),
        T(test_virt_unsafe_migration),
        T(test_os_rules),
        T(test_storage_shared_nfs),
        T(test_storage_local),
        T(test_storage_cdrom),
        T(test_storage_network_disk),
        T(test_storage_block_wwn),
        T(test_storage_access_ids),
        T(test_storage_copy_target),
        T(test_storage_copy_storage_readonly),
        T(test_duplicates_reported_once),
        T(test_net_bridge_network_direct),
        T(test_net_mtu),
        T(test_net_listen),
        T(test_net_migration_port),
        T(test_net_dst_hostname),
        T(test_net_libvirtd_port),
        T(test_libvirtd_port_p2p_ssh),
        T(test_dst_hostname_unread_qemu_conf),
        T(test_offline_skips_start_checks),
        T(test_unsafe_shared_filesystems),
        T(test_copy_inc_existing_image),
        T(test_readonly_local_without_probes),
        T(test_host_path_stat_errno),
        T(test_host_reachable),
        T(test_vm_definition),
        T(test_unknown_when_facts_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
