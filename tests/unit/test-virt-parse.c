/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure parsers of src/virt on fixtures (tests/data/virt): domain XML,
 * capabilities, domain capabilities, pool and network XML, qemu.conf, CPU
 * comparison messages. Where a value is copied from the XML, the expectation
 * is read from the same file with XPath (an independent reader), so the test
 * checks the parser and not a second copy of the fixture; values the parser
 * derives (units, PCI addresses, blockers, files) are spelled out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "checker/facts-xml.h"
#include "checker/xml-util.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt-xml.h"
#include "virt/virt.h"

#define DATA MC_TEST_DATA "/virt/"

static char *slurp(const char *rel, size_t *len)
{
    _cleanup_free_ char *path = mc_xasprintf(DATA "%s", rel);
    char *buf = NULL;
    size_t l = 0;
    int r = mc_read_file(path, 64u << 20, &buf, &l);
    if (r < 0)
        fail_msg("cannot read '%s': %s", path, strerror(-r));
    if (len)
        *len = l;
    return buf;
}

/* ---- XPath over a fixture: the independent reader ---- */

struct xp {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
};

static void xp_open(struct xp *x, const char *rel)
{
    size_t len;
    _cleanup_free_ char *buf = slurp(rel, &len);
    struct mc_error err = { 0 };
    if (mc_xml_parse(buf, len, rel, &x->doc, &err) < 0)
        fail_msg("%s", err.message);
    x->ctx = xmlXPathNewContext(x->doc);
}

static void xp_close(struct xp *x)
{
    xmlXPathFreeContext(x->ctx);
    xmlFreeDoc(x->doc);
}

/* string(expr), newly allocated; NULL when the result is the empty string. */
static char *xp_str(struct xp *x, const char *fmt, ...) _printf_(2, 3);
static char *xp_str(struct xp *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *expr = mc_xvasprintf(fmt, ap);
    va_end(ap);
    _cleanup_free_ char *wrapped = mc_xasprintf("string(%s)", expr);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST wrapped, x->ctx);
    assert_non_null(o);
    char *s = o->stringval && *o->stringval ? mc_xstrdup((const char *)o->stringval) : NULL;
    xmlXPathFreeObject(o);
    return s;
}

static long xp_num(struct xp *x, const char *fmt, ...) _printf_(2, 3);
static long xp_num(struct xp *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *expr = mc_xvasprintf(fmt, ap);
    va_end(ap);
    _cleanup_free_ char *wrapped = mc_xasprintf("number(%s)", expr);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST wrapped, x->ctx);
    assert_non_null(o);
    long v = (long)o->floatval;
    xmlXPathFreeObject(o);
    return v;
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want) {
        if (got)
            fail_msg("expected nothing, got '%s'", got);
        return;
    }
    if (!got)
        fail_msg("expected '%s', got nothing", want);
    assert_string_equal(got, want);
}

#define XP_EQ(got, x, ...)                                                                         \
    do {                                                                                           \
        _cleanup_free_ char *_w = xp_str(x, __VA_ARGS__);                                          \
        assert_str_or_null(got, _w);                                                               \
    } while (0)

static struct mc_vm_facts *parse_domain(const char *rel)
{
    size_t len;
    _cleanup_free_ char *buf = slurp(rel, &len);
    struct mc_vm_facts *vm = NULL;
    struct mc_error err = { 0 };
    if (mc_domain_xml_parse(buf, len, rel, &vm, &err) < 0)
        fail_msg("%s", err.message);
    assert_non_null(vm);
    assert_null(err.message);
    return vm;
}

/* A USB source as SRC's libvirt writes it into a running domain's migratable XML: the address
 * it found by vendor:product (autoAddress), a device it did not find (missing), in any base. */
static void test_usb_source(void **state)
{
    (void)state;
    static const char xml[] =
        "<domain type='kvm'><name>u</name><memory>65536</memory><devices>"
        "<hostdev mode='subsystem' type='usb'><source startupPolicy='requisite' "
        "autoAddress='yes'><vendor id='0x1D6B'/><product id='2'/><address bus='0x2' "
        "device='9'/></source></hostdev>"
        "<hostdev mode='subsystem' type='usb'><source missing='yes'><vendor id='0x046d'/>"
        "<product id='0xc52b'/></source></hostdev>"
        "<hostdev mode='subsystem' type='usb'><source><vendor id='0x10000'/><product "
        "id='0x1'/><address bus='x' device='1'/></source></hostdev>"
        "</devices></domain>";
    struct mc_vm_facts *vm = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domain_xml_parse(xml, sizeof(xml) - 1, "usb", &vm, &err), 0);
    assert_int_equal(vm->n_hostdevs, 3);
    const struct mc_hostdev *h = &vm->hostdevs[0];
    assert_string_equal(h->startup_policy, "requisite");
    assert_true(h->usb_auto_address);
    assert_false(h->usb_missing);
    assert_string_equal(h->usb_vendor, "1d6b");
    assert_string_equal(h->usb_product, "0002");
    assert_int_equal(h->usb_bus, 2);
    assert_int_equal(h->usb_device, 9);
    assert_string_equal(h->address, "1d6b:0002");
    h = &vm->hostdevs[1];
    assert_true(h->usb_missing);
    assert_false(h->usb_auto_address);
    assert_null(h->startup_policy);
    /* Ids out of range and an address that is no number: nothing to look the device up by. */
    h = &vm->hostdevs[2];
    assert_null(h->usb_vendor);
    assert_int_equal(h->usb_bus, 0);
    assert_null(h->address);
    mc_vm_facts_free(vm);
}

static const struct mc_vm_file *find_file(const struct mc_vm_facts *vm, const char *role,
                                          const char *path)
{
    for (size_t i = 0; i < vm->n_files; i++)
        if (strcmp(vm->files[i].role, role) == 0 && (!path || strcmp(vm->files[i].path, path) == 0))
            return &vm->files[i];
    return NULL;
}

/* Blockers starting with token (the element: virtiofs, shmem, vdpa, dimm, launchSecurity). */
static size_t count_blockers(const struct mc_vm_facts *vm, const char *token)
{
    size_t n = 0, len = strlen(token);
    STRV_FOREACH (b, vm->blockers)
        if (strncmp(*b, token, len) == 0 && (*b)[len] == ' ')
            n++;
    return n;
}

/* ---- domain XML ---- */

static void test_domain_full(void **state)
{
    (void)state;
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = parse_domain("domain/full.xml");
    struct xp x;
    xp_open(&x, "domain/full.xml");

    XP_EQ(vm->name, &x, "/domain/name");
    XP_EQ(vm->uuid, &x, "/domain/uuid");
    XP_EQ(vm->domain_type, &x, "/domain/@type");
    assert_int_equal(vm->id, xp_num(&x, "/domain/@id"));
    XP_EQ(vm->arch, &x, "/domain/os/type/@arch");
    XP_EQ(vm->machine, &x, "/domain/os/type/@machine");
    XP_EQ(vm->os_type, &x, "/domain/os/type");
    XP_EQ(vm->emulator, &x, "/domain/devices/emulator");
    XP_EQ(vm->firmware, &x, "/domain/os/@firmware");
    assert_int_equal(vm->vcpus, xp_num(&x, "/domain/vcpu"));

    /* Units: 4 GiB, 3072 MiB, 16 G in KiB. */
    assert_int_equal(vm->memory_kib, 4LL * 1024 * 1024);
    assert_int_equal(vm->current_memory_kib, 3072LL * 1024);
    assert_int_equal(vm->max_memory_kib, 16LL * 1024 * 1024);
    assert_true(vm->hugepages);
    assert_int_equal(vm->hugepage_kib, 2048);
    XP_EQ(vm->hugepage_nodeset, &x, "/domain/memoryBacking/hugepages/page/@nodeset");
    assert_true(vm->memory_locked);
    XP_EQ(vm->memory_source, &x, "/domain/memoryBacking/source/@type");

    /* CPU */
    XP_EQ(vm->cpu_mode, &x, "/domain/cpu/@mode");
    XP_EQ(vm->cpu_model, &x, "/domain/cpu/model");
    XP_EQ(vm->cpu_match, &x, "/domain/cpu/@match");
    XP_EQ(vm->cpu_check, &x, "/domain/cpu/@check");
    XP_EQ(vm->cpu_vendor, &x, "/domain/cpu/vendor");
    assert_int_equal(vm->n_cpu_features, xp_num(&x, "count(/domain/cpu/feature)"));
    for (size_t i = 0; i < vm->n_cpu_features; i++) {
        XP_EQ(vm->cpu_features[i].name, &x, "/domain/cpu/feature[%zu]/@name", i + 1);
        XP_EQ(vm->cpu_features[i].policy, &x, "/domain/cpu/feature[%zu]/@policy", i + 1);
    }
    /* cpu_xml is the element itself: parse it back and compare its model. */
    {
        xmlDocPtr cd = NULL;
        struct mc_error err = { 0 };
        assert_int_equal(mc_xml_parse(vm->cpu_xml, strlen(vm->cpu_xml), "cpu", &cd, &err), 0);
        xmlNodePtr root = xmlDocGetRootElement(cd);
        assert_true(mc_xml_is(root, "cpu"));
        _cleanup_free_ char *model = mc_xml_text(mc_xml_child(root, "model"));
        assert_string_equal(model, vm->cpu_model);
        xmlFreeDoc(cd);
    }
    assert_int_equal(vm->tsc_frequency, xp_num(&x, "/domain/clock/timer[@name='tsc']/@frequency"));
    XP_EQ(vm->tsc_mode, &x, "/domain/clock/timer[@name='tsc']/@mode");

    /* Disks, in order, with the fields libvirt's XML names. */
    assert_int_equal(vm->n_disks, xp_num(&x, "count(/domain/devices/disk)"));
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        size_t k = i + 1;
        XP_EQ(d->target, &x, "/domain/devices/disk[%zu]/target/@dev", k);
        XP_EQ(d->bus, &x, "/domain/devices/disk[%zu]/target/@bus", k);
        XP_EQ(d->type, &x, "/domain/devices/disk[%zu]/@type", k);
        XP_EQ(d->device, &x, "/domain/devices/disk[%zu]/@device", k);
        XP_EQ(d->format, &x, "/domain/devices/disk[%zu]/driver/@type", k);
        XP_EQ(d->cache, &x, "/domain/devices/disk[%zu]/driver/@cache", k);
        XP_EQ(d->io, &x, "/domain/devices/disk[%zu]/driver/@io", k);
        XP_EQ(d->serial, &x, "/domain/devices/disk[%zu]/serial", k);
        XP_EQ(d->wwn, &x, "/domain/devices/disk[%zu]/wwn", k);
        XP_EQ(d->startup_policy, &x, "/domain/devices/disk[%zu]/source/@startupPolicy", k);
        assert_int_equal(d->readonly, xp_num(&x, "count(/domain/devices/disk[%zu]/readonly)", k));
        assert_int_equal(d->shareable, xp_num(&x, "count(/domain/devices/disk[%zu]/shareable)", k));
        if (strcmp(d->type, "file") == 0)
            XP_EQ(d->source, &x, "/domain/devices/disk[%zu]/source/@file", k);
        else if (strcmp(d->type, "block") == 0)
            XP_EQ(d->source, &x, "/domain/devices/disk[%zu]/source/@dev", k);
        if (strcmp(d->type, "network") == 0) {
            XP_EQ(d->protocol, &x, "/domain/devices/disk[%zu]/source/@protocol", k);
            XP_EQ(d->source_name, &x, "/domain/devices/disk[%zu]/source/@name", k);
            assert_int_equal(d->n_hosts,
                             xp_num(&x, "count(/domain/devices/disk[%zu]/source/host)", k));
            for (size_t j = 0; j < d->n_hosts; j++) {
                XP_EQ(d->hosts[j].name, &x, "/domain/devices/disk[%zu]/source/host[%zu]/@name", k,
                      j + 1);
                assert_int_equal(
                    d->hosts[j].port,
                    xp_num(&x, "sum(/domain/devices/disk[%zu]/source/host[%zu]/@port)", k, j + 1));
            }
            XP_EQ(d->initiator_iqn, &x, "/domain/devices/disk[%zu]/source/initiator/iqn/@name", k);
            XP_EQ(d->identity_user, &x, "/domain/devices/disk[%zu]/source/identity/@user", k);
            XP_EQ(d->identity_group, &x, "/domain/devices/disk[%zu]/source/identity/@group", k);
        }
    }
    /* Derived disk values */
    const struct mc_disk *vda = &vm->disks[0];
    assert_int_equal(mc_strv_length(vda->backing), 2);
    assert_string_equal(vda->backing[0], "/var/lib/libvirt/images/base-debian12.qcow2");
    /* a network backing image names its own server, as relate names a network disk */
    assert_string_equal(vda->backing[1], "gluster://169.254.42.10/golden/debian12.raw");
    assert_string_equal(vm->disks[5].pool, "nfs-vms");
    assert_string_equal(vm->disks[5].volume, "full1-logs.qcow2");
    assert_string_equal(vm->disks[6].source, "nvme://0000:01:00.0/1");
    assert_null(vm->disks[8].source); /* empty CD-ROM */

    /* Interfaces */
    assert_int_equal(vm->n_ifaces, xp_num(&x, "count(/domain/devices/interface)"));
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct mc_iface *f = &vm->ifaces[i];
        size_t k = i + 1;
        XP_EQ(f->type, &x, "/domain/devices/interface[%zu]/@type", k);
        XP_EQ(f->mac, &x, "/domain/devices/interface[%zu]/mac/@address", k);
        XP_EQ(f->model, &x, "/domain/devices/interface[%zu]/model/@type", k);
        XP_EQ(f->target_dev, &x, "/domain/devices/interface[%zu]/target/@dev", k);
        XP_EQ(f->portgroup, &x, "/domain/devices/interface[%zu]/source/@portgroup", k);
        XP_EQ(f->vport_type, &x, "/domain/devices/interface[%zu]/virtualport/@type", k);
        assert_int_equal(f->mtu, xp_num(&x, "sum(/domain/devices/interface[%zu]/mtu/@size)", k));
        assert_int_equal(f->queues,
                         xp_num(&x, "sum(/domain/devices/interface[%zu]/driver/@queues)", k));
        if (strcmp(f->type, "hostdev") != 0 && strcmp(f->type, "user") != 0)
            XP_EQ(f->source, &x,
                  "/domain/devices/interface[%zu]/source/@bridge | "
                  "/domain/devices/interface[%zu]/source/@network | "
                  "/domain/devices/interface[%zu]/source/@dev | "
                  "/domain/devices/interface[%zu]/source/@path",
                  k, k, k, k);
    }
    assert_string_equal(vm->ifaces[2].source_mode, "vepa");
    assert_string_equal(vm->ifaces[6].source, "0000:3b:10.2");

    /* Graphics: the <listen> element wins over the old attribute. */
    assert_int_equal(vm->n_graphics, 2);
    assert_string_equal(vm->graphics[0].listen_type, "address");
    XP_EQ(vm->graphics[0].listen, &x, "/domain/devices/graphics[1]/listen/@address");
    assert_int_equal(vm->graphics[0].port, xp_num(&x, "/domain/devices/graphics[1]/@port"));
    assert_false(vm->graphics[0].autoport);
    assert_true(vm->graphics[1].autoport);
    assert_int_equal(vm->graphics[1].port, 0);
    XP_EQ(vm->graphics[1].listen_network, &x, "/domain/devices/graphics[2]/listen/@network");

    /* Character devices, in document order of their kinds. */
    assert_int_equal(vm->n_chardevs, xp_num(&x, "count(/domain/devices/serial | "
                                                "/domain/devices/console | "
                                                "/domain/devices/channel | "
                                                "/domain/devices/parallel)"));
    const struct mc_chardev *tcp = &vm->chardevs[1];
    assert_string_equal(tcp->kind, "serial");
    assert_string_equal(tcp->type, "tcp");
    XP_EQ(tcp->host, &x, "/domain/devices/serial[2]/source/@host");
    XP_EQ(tcp->service, &x, "/domain/devices/serial[2]/source/@service");
    assert_string_equal(tcp->mode, "bind");
    const struct mc_chardev *udp = &vm->chardevs[2];
    XP_EQ(udp->host, &x, "/domain/devices/serial[3]/source[@mode='bind']/@host");
    XP_EQ(udp->service, &x, "/domain/devices/serial[3]/source[@mode='bind']/@service");
    const struct mc_chardev *chan = &vm->chardevs[4];
    assert_string_equal(chan->kind, "channel");
    XP_EQ(chan->path, &x, "/domain/devices/channel/source/@path");
    XP_EQ(chan->target_type, &x, "/domain/devices/channel/target/@type");
    XP_EQ(chan->target_name, &x, "/domain/devices/channel/target/@name");

    /* Host devices: USB by vendor:product and bus.device, and the hostdev interface. */
    assert_int_equal(vm->n_hostdevs, 3);
    assert_string_equal(vm->hostdevs[0].type, "pci");
    assert_string_equal(vm->hostdevs[0].address, "0000:3b:10.2");
    assert_string_equal(vm->hostdevs[0].teaming, "transient");
    assert_true(vm->hostdevs[0].managed);
    assert_string_equal(vm->hostdevs[1].address, "046d:c52b");
    XP_EQ(vm->hostdevs[1].startup_policy, &x,
          "/domain/devices/hostdev[@type='usb'][1]/source/@startupPolicy");
    assert_string_equal(vm->hostdevs[1].usb_vendor, "046d");
    assert_string_equal(vm->hostdevs[1].usb_product, "c52b");
    assert_int_equal(vm->hostdevs[1].usb_bus, 0);
    assert_string_equal(vm->hostdevs[2].address, "1.4");
    assert_null(vm->hostdevs[2].usb_vendor);
    assert_null(vm->hostdevs[2].startup_policy);
    assert_int_equal(vm->hostdevs[2].usb_bus,
                     xp_num(&x, "/domain/devices/hostdev[@type='usb'][2]/source/address/@bus"));
    assert_int_equal(vm->hostdevs[2].usb_device,
                     xp_num(&x, "/domain/devices/hostdev[@type='usb'][2]/source/address/@device"));

    /* Controllers */
    assert_int_equal(vm->n_controllers, xp_num(&x, "count(/domain/devices/controller)"));
    for (size_t i = 0; i < vm->n_controllers; i++) {
        size_t k = i + 1;
        XP_EQ(vm->controllers[i].type, &x, "/domain/devices/controller[%zu]/@type", k);
        XP_EQ(vm->controllers[i].model, &x, "/domain/devices/controller[%zu]/@model", k);
        assert_int_equal(vm->controllers[i].index,
                         xp_num(&x, "/domain/devices/controller[%zu]/@index", k));
        assert_int_equal(vm->controllers[i].vectors,
                         xp_num(&x, "sum(/domain/devices/controller[%zu]/@vectors)", k));
        assert_int_equal(vm->controllers[i].queues,
                         xp_num(&x, "sum(/domain/devices/controller[%zu]/driver/@queues)", k));
    }

    /* Files the VM opens besides disks */
    const struct mc_vm_file *f = find_file(vm, "loader", NULL);
    assert_non_null(f);
    XP_EQ(f->path, &x, "/domain/os/loader");
    assert_true(f->readonly);
    f = find_file(vm, "nvram", NULL);
    assert_non_null(f);
    XP_EQ(f->path, &x, "/domain/os/nvram");
    assert_false(f->readonly);
    /* libvirt creates a missing NVRAM file from its template, as root. */
    f = find_file(vm, "nvram-vars", NULL);
    assert_non_null(f);
    XP_EQ(f->path, &x, "/domain/os/nvram");
    assert_string_equal(f->action, "create");
    assert_string_equal(f->creator, "libvirt");
    f = find_file(vm, "nvram-template", NULL);
    assert_non_null(f);
    XP_EQ(f->path, &x, "/domain/os/nvram/@template");
    assert_true(f->readonly);
    assert_non_null(find_file(vm, "chardev-log", "/var/log/libvirt/qemu/full1-serial0.log"));
    assert_non_null(find_file(vm, "chardev-file", "/var/log/libvirt/qemu/full1-parallel.log"));
    assert_non_null(find_file(vm, "rom", "/usr/share/qemu/efi-virtio.rom"));
    /* A 9p export: a directory that must exist on the host, not storage to share. */
    f = find_file(vm, "filesystem-dir", "/srv/share/full1");
    assert_non_null(f);
    assert_string_equal(f->action, "dir");
    assert_string_equal(f->subject, "filesystem share");
    assert_null(find_file(vm, "filesystem", NULL));
    f = find_file(vm, "shmem", "/dev/shm/full1-ivshmem");
    assert_non_null(f);
    assert_int_equal(f->size, 4 << 20); /* <size unit='M'>4</size> */
    assert_non_null(find_file(vm, "nvdimm", "/var/lib/libvirt/nvdimm/full1.img"));
    assert_null(find_file(vm, "tpm-state", NULL)); /* libvirt 9.0 keeps it in its own dir */

    /* Nothing in full.xml blocks migration: USB, failover PCI, shmem master, invtsc with a
     * TSC frequency, an addressed nvdimm. */
    if (vm->blockers)
        fail_msg("unexpected blocker: %s", vm->blockers[0]);

    /* Video models and seclabels, in order */
    assert_int_equal(mc_strv_length(vm->video_models), xp_num(&x, "count(/domain/devices/video)"));
    XP_EQ(vm->video_models[0], &x, "/domain/devices/video[1]/model/@type");
    XP_EQ(vm->video_models[1], &x, "/domain/devices/video[2]/model/@type");
    assert_int_equal(mc_strv_length(vm->seclabels), xp_num(&x, "count(/domain/seclabel)"));
    XP_EQ(vm->seclabels[0], &x, "/domain/seclabel[1]/@model");

    /* The raw XML is kept. */
    size_t len;
    _cleanup_free_ char *raw = slurp("domain/full.xml", &len);
    assert_string_equal(vm->xml, raw);
    xp_close(&x);
}

/* What the domain makes DST create, connect to or look up (rules/domain-needs.c). */
static void test_domain_dst_needs(void **state)
{
    (void)state;
    static const char xml[] =
        "<domain type='qemu'><name>needs</name><uuid>5e1a0c2d-1111-2222-3333-444455556666</uuid>"
        "<devices>"
        "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
        "<source protocol='iscsi' name='iqn.2003-01.org.example:t/1'>"
        "<host name='st' port='3260'/>"
        "<auth username='chap user'><secret type='iscsi' usage='libvirtiscsi'/></auth>"
        "<encryption format='luks'><secret type='passphrase' uuid='aaaa-1'/></encryption>"
        "</source><target dev='vda' bus='virtio'/></disk>"
        "<serial type='file'><source path='/var/log/g/s0.log'/><log file='/var/log/g/s0.raw'/>"
        "<target port='0'/></serial>"
        "<serial type='dev'><source path='/dev/ttyS3'/><target port='1'/></serial>"
        "<channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/x.0'/>"
        "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
        "<channel type='unix'><source mode='bind' path='/srv/sock/ch1'/>"
        "<target type='virtio' name='ch1'/></channel>"
        "<channel type='unix'><source mode='connect' path='/run/peer.sock'/>"
        "<target type='virtio' name='ch2'/></channel>"
        "<channel type='unix'><source mode='connect' path='/run/retry.sock'>"
        "<reconnect enabled='yes' timeout='5'/></source>"
        "<target type='virtio' name='ch3'/></channel>"
        "<graphics type='vnc' socket='/srv/vnc/needs.sock'/>"
        "<rng model='virtio'><backend model='random'>/dev/hwrng</backend></rng>"
        "<input type='evdev'><source dev='/dev/input/event3'/></input>"
        "<input type='passthrough' bus='virtio'><source evdev='/dev/input/event4'/></input>"
        "<shmem name='plain1' role='master'><model type='ivshmem-plain'/></shmem>"
        "<shmem name='plain2' role='master'><model type='ivshmem-plain'/>"
        "<size unit='KiB'>2048</size></shmem>"
        "<shmem name='plain3' role='master'><model type='ivshmem-plain'/>"
        "<size>1048576</size></shmem>"
        "<shmem name='bell1' role='master'><model type='ivshmem-doorbell'/><server/></shmem>"
        "<shmem name='bell2' role='master'><model type='ivshmem-doorbell'/>"
        "<server path='/run/ivshmem.sock'/></shmem>"
        "<tpm model='tpm-crb'><backend type='emulator' version='2.0'>"
        "<encryption secret='bbbb-2'/></backend></tpm>"
        "<interface type='vhostuser'><mac address='52:54:00:00:00:01'/>"
        "<source type='unix' path='/run/vhu.sock' mode='server'/><model type='virtio'/>"
        "</interface>"
        "<interface type='vhostuser'><mac address='52:54:00:00:00:02'/>"
        "<source type='unix' path='/run/ovs/vhu2.sock' mode='client'/><model type='virtio'/>"
        "</interface>"
        "<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/>"
        "<source type='unix' path='/run/qsd/blk0.sock'><reconnect enabled='no'/></source>"
        "<target dev='vdz' bus='virtio'/></disk>"
        "</devices></domain>";
    struct mc_vm_facts *vm = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domain_xml_parse(xml, sizeof(xml) - 1, "needs", &vm, &err), 0);
    assert_string_equal(vm->disks[0].auth_user, "chap user");
    assert_string_equal(vm->disks[0].auth_type, "iscsi");
    assert_string_equal(vm->disks[0].auth_secret_usage, "libvirtiscsi");
    assert_null(vm->disks[0].auth_secret_uuid);
    assert_int_equal(vm->n_secret_refs, 3);
    assert_string_equal(vm->secret_refs[0].purpose, "auth");
    assert_string_equal(vm->secret_refs[0].usage, "libvirtiscsi");
    assert_string_equal(vm->secret_refs[1].purpose, "encryption");
    assert_string_equal(vm->secret_refs[1].usage_type, "passphrase");
    assert_string_equal(vm->secret_refs[1].uuid, "aaaa-1");
    assert_string_equal(vm->secret_refs[2].purpose, "vtpm");
    assert_string_equal(vm->secret_refs[2].uuid, "bbbb-2");
    const struct mc_vm_file *f = find_file(vm, "chardev-file", "/var/log/g/s0.log");
    assert_non_null(f);
    assert_string_equal(f->action, "create");
    assert_string_equal(f->creator, "logd");
    assert_string_equal(f->subject, "serial 0");
    assert_string_equal(find_file(vm, "chardev-log", "/var/log/g/s0.raw")->action, "create");
    assert_string_equal(find_file(vm, "chardev-dev", "/dev/ttyS3")->action, "device");
    /* libvirt's own channel directory: libvirt creates it, so it is not a need. */
    assert_null(find_file(vm, "chardev-socket", "/var/lib/libvirt/qemu/channel/x.0"));
    f = find_file(vm, "chardev-socket", "/srv/sock/ch1");
    assert_non_null(f);
    assert_string_equal(f->action, "bind");
    assert_string_equal(f->creator, "libvirt");
    assert_string_equal(f->subject, "channel ch1");
    assert_string_equal(find_file(vm, "chardev-connect", "/run/peer.sock")->action, "connect");
    /* a client that reconnects: QEMU starts without its server */
    assert_null(find_file(vm, "chardev-connect", "/run/retry.sock"));
    assert_string_equal(find_file(vm, "chardev-reconnect", "/run/retry.sock")->action, "connect");
    f = find_file(vm, "graphics-socket", "/srv/vnc/needs.sock");
    assert_non_null(f);
    assert_string_equal(f->creator, "qemu");
    assert_string_equal(find_file(vm, "rng-dev", "/dev/hwrng")->action, "device");
    assert_string_equal(find_file(vm, "input-dev", "/dev/input/event3")->action, "device");
    f = find_file(vm, "vhostuser-socket", "/run/vhu.sock");
    assert_non_null(f);
    assert_string_equal(f->action, "bind");
    /* vhost-user backends QEMU connects to: a switch's socket, a vhost-user-blk backend's */
    f = find_file(vm, "vhostuser-connect", "/run/ovs/vhu2.sock");
    assert_non_null(f);
    assert_string_equal(f->action, "connect");
    assert_string_equal(f->subject, "interface 52:54:00:00:00:02");
    f = find_file(vm, "vhostuser-blk", "/run/qsd/blk0.sock");
    assert_non_null(f);
    assert_string_equal(f->action, "connect");
    assert_string_equal(f->subject, "disk vdz");
    /* input passthrough (virtio-input-host) cannot migrate: a blocker, not a device to find */
    assert_null(find_file(vm, "input-dev", "/dev/input/event4"));
    assert_int_equal(count_blockers(vm, "input"), 1);
    /* shmem masters: QEMU creates the plain one's memory in /dev/shm, connects the doorbell
     * ones to their server (libvirt's default path when <server/> names none) */
    f = find_file(vm, "shmem", "/dev/shm/plain1");
    assert_non_null(f);
    assert_string_equal(f->action, "create");
    assert_string_equal(f->creator, "qemu");
    assert_string_equal(f->subject, "shmem plain1");
    assert_int_equal(f->size, 4 << 20); /* no <size>: libvirt's 4 MiB */
    assert_int_equal(find_file(vm, "shmem", "/dev/shm/plain2")->size, 2 << 20);
    assert_int_equal(find_file(vm, "shmem", "/dev/shm/plain3")->size, 1 << 20); /* bytes */
    f = find_file(vm, "shmem-server", "/var/lib/libvirt/shmem/bell1-sock");
    assert_non_null(f);
    assert_string_equal(f->action, "connect");
    assert_string_equal(find_file(vm, "shmem-server", "/run/ivshmem.sock")->action, "connect");
    assert_int_equal(count_blockers(vm, "shmem"), 0);
    /* the TPM backends, for vm.devices (an emulator needs swtpm on DST) */
    assert_int_equal(mc_strv_length(vm->tpm_backends), 1);
    assert_string_equal(vm->tpm_backends[0], "emulator");
    mc_vm_facts_free(vm);
}

static void test_domain_blockers(void **state)
{
    (void)state;
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = parse_domain("domain/blockers.xml");
    /* One per refused device that no other fact describes, named first. */
    /* virtiofs is not a blocker by itself: vm.devices judges it by versions. */
    assert_int_equal(count_blockers(vm, "virtiofs"), 0);
    assert_int_equal(mc_strv_length(vm->virtiofs), 1);
    assert_int_equal(count_blockers(vm, "vdpa"), 1);
    assert_int_equal(count_blockers(vm, "shmem"), 2); /* role peer, and no role */
    assert_int_equal(count_blockers(vm, "dimm"), 1);
    assert_int_equal(count_blockers(vm, "launchSecurity"), 1);
    assert_int_equal(mc_strv_length(vm->blockers), 5);
    assert_string_equal(vm->virtiofs[0], "hostshare");
    bool peer = false, sev = false;
    STRV_FOREACH (b, vm->blockers) {
        peer |= strstr(*b, "'peer-shm'") != NULL && strstr(*b, "'peer'") != NULL;
        sev |= strstr(*b, "'sev'") != NULL;
    }
    assert_true(peer && sev);
    /* Host devices, invtsc and transient disks are facts of their own, for their own rules:
     * PCI, mdev, SCSI, capabilities, USB and the hostdev interface, with what tells them
     * apart. */
    assert_int_equal(vm->n_hostdevs, 6);
    assert_string_equal(vm->hostdevs[0].type, "pci"); /* <interface type='hostdev'> */
    assert_string_equal(vm->hostdevs[0].address, "0000:3b:02.3");
    assert_null(vm->hostdevs[0].teaming);
    assert_string_equal(vm->hostdevs[1].address, "0000:65:00.1");
    assert_string_equal(vm->hostdevs[2].type, "mdev");
    assert_string_equal(vm->hostdevs[2].address, "c2177883-f1bb-47f0-914d-32a22e3a8804");
    assert_string_equal(vm->hostdevs[3].address, "scsi_host3:0:2:5");
    assert_string_equal(vm->hostdevs[4].address, "0781:5567");
    assert_string_equal(vm->hostdevs[5].mode, "capabilities");
    assert_int_equal(vm->tsc_frequency, 0);
    assert_string_equal(vm->cpu_features[0].name, "invtsc");
    assert_non_null(find_file(vm, "rom", "/usr/share/firmware/nic.rom"));
    /* a refused shmem (role peer) is a blocker only: nothing to look for on DST */
    assert_null(find_file(vm, "shmem-server", "/var/lib/libvirt/shmem/peer-shm-sock"));
    assert_true(vm->disks[0].transient);
    assert_string_equal(vm->emulator, "/usr/libexec/qemu-kvm");
    assert_int_equal(vm->max_memory_kib, 8LL * 1024 * 1024);
}

static void test_domain_minimal(void **state)
{
    (void)state;
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = parse_domain("domain/minimal-bios.xml");
    assert_string_equal(vm->firmware, "bios");        /* x86 without a loader */
    assert_int_equal(vm->memory_kib, 131072);         /* no unit: KiB */
    assert_int_equal(vm->current_memory_kib, 131072); /* 134217728 b */
    assert_true(vm->hugepages);
    assert_int_equal(vm->hugepage_kib, 0); /* the host's default size */
    assert_string_equal(vm->cpu_mode, "host-passthrough");
    assert_true(vm->cpu_migratable);
    assert_null(vm->cpu_model);
    assert_int_equal(vm->n_graphics, 1);
    assert_string_equal(vm->graphics[0].listen, "0.0.0.0"); /* the old listen= attribute */
    assert_string_equal(vm->graphics[0].listen_type, "address");
    assert_true(vm->graphics[0].autoport);
    assert_int_equal(vm->graphics[0].port, 0); /* -1: not assigned */
    assert_non_null(find_file(vm, "kernel", "/var/lib/libvirt/boot/vmlinuz"));
    assert_non_null(find_file(vm, "initrd", "/var/lib/libvirt/boot/initrd.img"));
    assert_non_null(find_file(vm, "chardev-file", "/var/log/libvirt/qemu/tiny-console.log"));
    assert_null(vm->blockers);

    /* host-passthrough has no model to compare: said without asking libvirt. */
    struct mc_cpu_compare c;
    struct mc_error err = { 0 };
    assert_int_equal(mc_virt_compare_cpu(NULL, vm, &c, &err), 0);
    assert_int_equal(c.result, MC_CPU_COMPARE_NO_MODEL);
    assert_non_null(strstr(c.message, "host-passthrough"));
    assert_string_equal(mc_cpu_compare_result_name(c.result), "no-model");
    mc_cpu_compare_clear(&c);
}

/* Recorded from a lab host: what libvirt 9.0 really prints for a running guest. */
static void test_domain_lab(void **state)
{
    (void)state;
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = parse_domain("domain/lab-qemu-nfs.xml");
    struct xp x;
    xp_open(&x, "domain/lab-qemu-nfs.xml");
    XP_EQ(vm->name, &x, "/domain/name");
    XP_EQ(vm->domain_type, &x, "/domain/@type");
    XP_EQ(vm->machine, &x, "/domain/os/type/@machine");
    XP_EQ(vm->cpu_model, &x, "/domain/cpu/model");
    XP_EQ(vm->cpu_mode, &x, "/domain/cpu/@mode");
    assert_int_equal(vm->memory_kib, xp_num(&x, "/domain/memory"));
    assert_int_equal(vm->n_disks, 1);
    XP_EQ(vm->disks[0].protocol, &x, "/domain/devices/disk/source/@protocol");
    XP_EQ(vm->disks[0].source_name, &x, "/domain/devices/disk/source/@name");
    XP_EQ(vm->disks[0].hosts[0].name, &x, "/domain/devices/disk/source/host/@name");
    XP_EQ(vm->disks[0].identity_user, &x, "/domain/devices/disk/source/identity/@user");
    /* serial and console share one log file: listed once */
    size_t logs = 0;
    for (size_t i = 0; i < vm->n_files; i++)
        logs += strcmp(vm->files[i].role, "chardev-log") == 0;
    assert_int_equal(logs, 1);
    assert_int_equal(vm->n_chardevs, 2);
    assert_string_equal(vm->firmware, "bios");
    assert_null(vm->blockers);
    xp_close(&x);
}

/* Into a snapshot and back: the VM facts survive the facts XML. */
static void test_domain_snapshot_round_trip(void **state)
{
    (void)state;
    struct mc_host_facts *h = mc_host_facts_new();
    h->vm = parse_domain("domain/full.xml");
    mc_strv_add(&h->vm->blockers, "virtiofs filesystem 'test'");
    _cleanup_free_ char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    struct mc_host_facts *back = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_facts_from_xml(x1, l1, "round trip", &back, &err), 0);
    assert_int_equal(mc_facts_to_xml(back, &x2, &l2), 0);
    assert_string_equal(x1, x2);
    assert_non_null(back->vm);
    assert_int_equal(back->vm->n_disks, h->vm->n_disks);
    assert_true(back->vm->hugepages);
    assert_string_equal(back->vm->xml, h->vm->xml);
    assert_string_equal(back->vm->blockers[0], "virtiofs filesystem 'test'");
    mc_host_facts_free(h);
    mc_host_facts_free(back);
}

static void expect_domain_error(const char *buf, size_t len, int code, const char *needle)
{
    struct mc_vm_facts *vm = NULL;
    struct mc_error err = { 0 };
    int r = mc_domain_xml_parse(buf, len, "hostile XML", &vm, &err);
    if (r >= 0)
        fail_msg("hostile input was accepted (expected %d)", code);
    assert_null(vm);
    assert_int_equal(r, code);
    assert_int_equal(err.code, code);
    assert_non_null(err.message);
    assert_non_null(strstr(err.message, "hostile XML"));
    if (needle && !strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    mc_error_clear(&err);
}

static void test_domain_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int code;
        const char *needle;
    } cases[] = {
        { "hostile/billion-laughs.xml", -EBADMSG, "entity" }, /* libxml2 stops the expansion */
        { "hostile/xxe.xml", -EPERM, "document type" },
        { "hostile/wrong-root.xml", -EBADMSG, "<capabilities>" },
        { "hostile/truncated.xml", -EBADMSG, "not well-formed" },
        { "hostile/no-name.xml", -EBADMSG, "<name>" },
        { "hostile/garbage.bin", -EBADMSG, NULL },
        { "hostile/non-utf8.xml", -EBADMSG, NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(cases[i].file, &len);
        expect_domain_error(buf, len, cases[i].code, cases[i].needle);
    }

    /* Deeper than libxml2's limit (256 without XML_PARSE_HUGE). */
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_puts(&b, "<domain><name>deep</name>");
    for (int i = 0; i < 5000; i++)
        mc_buf_puts(&b, "<x>");
    expect_domain_error(b.data, b.len, -EBADMSG, NULL);
    mc_buf_reset(&b);

    /* Too many elements: refused by count, quickly. */
    mc_buf_puts(&b, "<domain><name>many</name><devices>");
    for (int i = 0; i < 60000; i++)
        mc_buf_puts(&b, "<disk/>");
    mc_buf_puts(&b, "</devices></domain>");
    double t0 = mc_now();
    expect_domain_error(b.data, b.len, -E2BIG, "elements");
    assert_true(mc_now() - t0 < 5.0);
    mc_buf_reset(&b);

    /* Larger than any domain XML libvirt can send. */
    size_t big = MC_VIRT_XML_MAX + 1;
    char *huge = mc_xmalloc(big);
    memset(huge, ' ', big);
    expect_domain_error(huge, big, -EFBIG, "larger than");
    free(huge);
    mc_buf_free(&b);

    /* Odd values in a well-formed document: read, never trusted. */
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = parse_domain("hostile/odd-values.xml");
    assert_int_equal(vm->id, 0);
    assert_int_equal(vm->memory_kib, 0); /* overflows */
    assert_int_equal(vm->current_memory_kib, 0);
    assert_int_equal(vm->max_memory_kib, 0);
    assert_int_equal(vm->vcpus, 0);
    assert_int_equal(vm->tsc_frequency, 0);
    assert_int_equal(vm->n_cpu_features, 1); /* the nameless one is dropped */
    assert_string_equal(vm->cpu_features[0].policy, "require");
    assert_int_equal(count_blockers(vm, "shmem"), 1);
    assert_null(vm->hostdevs[0].address);
    assert_null(vm->hostdevs[1].address);
    assert_int_equal(vm->disks[1].hosts[0].port, 0);
    assert_int_equal(vm->graphics[0].port, 0);
    assert_int_equal(vm->controllers[0].index, 0);
}

/* ---- capabilities ---- */

/* What any capabilities document must give, read back with XPath from the same file. */
static void check_caps(const char *rel, struct mc_virt_facts *v)
{
    size_t len;
    _cleanup_free_ char *buf = slurp(rel, &len);
    struct mc_error err = { 0 };
    assert_int_equal(mc_capabilities_xml_parse(buf, len, v, &err), 0);
    struct xp x;
    xp_open(&x, rel);

    XP_EQ(v->host_uuid, &x, "/capabilities/host/uuid");
    XP_EQ(v->cpu_arch, &x, "/capabilities/host/cpu/arch");
    XP_EQ(v->cpu_model, &x, "/capabilities/host/cpu/model");
    XP_EQ(v->cpu_vendor, &x, "/capabilities/host/cpu/vendor");
    assert_int_equal(mc_strv_length(v->cpu_features),
                     xp_num(&x, "count(/capabilities/host/cpu/feature)"));
    for (size_t i = 0; v->cpu_features && v->cpu_features[i]; i++)
        XP_EQ(v->cpu_features[i], &x, "/capabilities/host/cpu/feature[%zu]/@name", i + 1);
    assert_int_equal(v->tsc_khz,
                     xp_num(&x, "sum(/capabilities/host/cpu/counter[@name='tsc']/@frequency)") /
                         1000);
    assert_int_equal(v->live_migration, xp_num(&x, "count(//migration_features/live)"));
    assert_int_equal(mc_strv_length(v->migration_transports), xp_num(&x, "count(//uri_transport)"));
    for (size_t i = 0; v->migration_transports && v->migration_transports[i]; i++)
        XP_EQ(v->migration_transports[i], &x, "//uri_transport[%zu]", i + 1);
    assert_int_equal(mc_strv_length(v->secmodels), xp_num(&x, "count(//secmodel)"));
    for (size_t i = 0; v->secmodels && v->secmodels[i]; i++)
        XP_EQ(v->secmodels[i], &x, "//secmodel[%zu]/model", i + 1);
    assert_int_equal(v->numa_nodes, xp_num(&x, "count(//topology/cells/cell)"));

    /* Huge pages: every size but the smallest (the base page), totals summed over cells. */
    assert_int_equal(v->n_hugepages, xp_num(&x, "count(/capabilities/host/cpu/pages)") - 1);
    for (size_t i = 0; i < v->n_hugepages; i++) {
        const struct mc_hugepages *hp = &v->hugepages[i];
        assert_int_equal(hp->size_kib,
                         xp_num(&x, "/capabilities/host/cpu/pages[%zu]/@size", i + 2));
        assert_int_equal(
            hp->total, xp_num(&x, "sum(//topology//pages[@size='%lld'])", (long long)hp->size_kib));
        assert_int_equal(hp->free, 0); /* only the live gatherer knows */
    }

    assert_int_equal(v->n_guests, xp_num(&x, "count(/capabilities/guest)"));
    size_t machines = 0;
    for (size_t i = 0; i < v->n_guests; i++) {
        size_t k = i + 1;
        XP_EQ(v->guests[i].os_type, &x, "/capabilities/guest[%zu]/os_type", k);
        XP_EQ(v->guests[i].arch, &x, "/capabilities/guest[%zu]/arch/@name", k);
        XP_EQ(v->guests[i].emulator, &x, "/capabilities/guest[%zu]/arch/emulator", k);
        assert_int_equal(mc_strv_length(v->guests[i].domain_types),
                         xp_num(&x, "count(/capabilities/guest[%zu]/arch/domain)", k));
        /* these fixtures list machines only at the arch level */
        machines += (size_t)xp_num(&x, "count(/capabilities/guest[%zu]/arch/machine)", k);
    }
    assert_int_equal(v->n_machines, machines);
    for (size_t i = 0; i < v->n_machines; i++) {
        const struct mc_machine *m = &v->machines[i];
        _cleanup_free_ char *base =
            mc_xasprintf("/capabilities/guest/arch[@name='%s']/machine[.='%s']", m->arch, m->name);
        XP_EQ(m->canonical, &x, "%s/@canonical", base);
        assert_int_equal(m->maxcpus, xp_num(&x, "sum(%s/@maxCpus)", base));
        assert_int_equal(m->deprecated, xp_num(&x, "count(%s[@deprecated='yes'])", base));
    }

    /* host_cpu_xml is the <cpu> element: the same model when read back. */
    xmlDocPtr cd = NULL;
    assert_int_equal(mc_xml_parse(v->host_cpu_xml, strlen(v->host_cpu_xml), "cpu", &cd, &err), 0);
    _cleanup_free_ char *model = mc_xml_text(mc_xml_child(xmlDocGetRootElement(cd), "model"));
    assert_string_equal(model, v->cpu_model);
    xmlFreeDoc(cd);
    xp_close(&x);
}

static void test_caps_rhel(void **state)
{
    (void)state;
    _cleanup_(mc_virt_facts_clear) struct mc_virt_facts v = { 0 };
    check_caps("caps/rhel94.xml", &v);
    /* What the RHEL fixture is for */
    assert_string_equal(v.guests[0].emulator, "/usr/libexec/qemu-kvm");
    const struct mc_machine *q35 = mc_virt_find_machine(&v, "q35");
    assert_non_null(q35);
    assert_string_equal(q35->canonical, "pc-q35-rhel9.4.0");
    assert_true(mc_virt_find_machine(&v, "pc-q35-rhel7.6.0")->deprecated);
    assert_int_equal(v.n_hugepages, 2);
    assert_true(v.hugepages[1].total > 0);
    assert_true(mc_strv_contains(v.secmodels, "selinux"));

    /* Parsing again replaces, never appends. */
    size_t n = v.n_machines;
    size_t len;
    _cleanup_free_ char *buf = slurp("caps/rhel94.xml", &len);
    struct mc_error err = { 0 };
    assert_int_equal(mc_capabilities_xml_parse(buf, len, &v, &err), 0);
    assert_int_equal(v.n_machines, n);
    assert_int_equal(v.n_guests, 1);

    /* A failure leaves the facts as they were. */
    assert_int_equal(mc_capabilities_xml_parse("<capabilities/>", 15, &v, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "<host>"));
    mc_error_clear(&err);
    assert_int_equal(mc_capabilities_xml_parse("<domain/>", 9, &v, &err), -EBADMSG);
    mc_error_clear(&err);
    assert_int_equal(v.n_machines, n);
    assert_non_null(v.host_uuid);
}

/* Recorded on a lab host: this machine's CPU and QEMU 7.2's machine types. */
static void test_caps_lab(void **state)
{
    (void)state;
    _cleanup_(mc_virt_facts_clear) struct mc_virt_facts v = { 0 };
    check_caps("caps/debian12-lab.xml", &v);
    const struct mc_guest_arch *x86 = NULL;
    for (size_t i = 0; i < v.n_guests; i++)
        if (strcmp(v.guests[i].arch, "x86_64") == 0)
            x86 = &v.guests[i];
    assert_non_null(x86);
    assert_string_equal(x86->emulator, "/usr/bin/qemu-system-x86_64");
    assert_true(mc_strv_contains(x86->domain_types, "kvm"));
    const struct mc_machine *pc = mc_virt_find_machine(&v, "pc");
    assert_non_null(pc);
    assert_non_null(pc->canonical);
    assert_true(mc_str_startswith(pc->canonical, "pc-i440fx-"));
    assert_true(v.tsc_khz > 0);
}

/* The machine list of a <domain type='kvm'> repeats the arch's: one entry each. */
static void test_caps_machine_dedup(void **state)
{
    (void)state;
    const char *xml = "<capabilities><host><cpu><arch>aarch64</arch><pages size='64'/>"
                      "<pages size='524288'/></cpu></host>"
                      "<guest><os_type>hvm</os_type><arch name='aarch64'>"
                      "<emulator>/usr/bin/qemu-system-aarch64</emulator>"
                      "<machine maxCpus='512'>virt-7.2</machine>"
                      "<machine canonical='virt-7.2' maxCpus='512'>virt</machine>"
                      "<domain type='qemu'/><domain type='kvm'>"
                      "<machine maxCpus='512'>virt-7.2</machine><machine>virt-8.0</machine>"
                      "</domain></arch></guest>"
                      "<guest><os_type>hvm</os_type><arch name='armv7l'>"
                      "<machine>virt-7.2</machine><domain type='qemu'/></arch></guest>"
                      "</capabilities>";
    _cleanup_(mc_virt_facts_clear) struct mc_virt_facts v = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_capabilities_xml_parse(xml, strlen(xml), &v, &err), 0);
    assert_int_equal(v.n_machines, 4); /* virt-7.2, virt, virt-8.0 (aarch64); virt-7.2 (armv7l) */
    assert_string_equal(v.machines[3].arch, "armv7l");
    /* 64 KiB base pages (an aarch64 kernel with 64K pages): only 512 MiB is huge. */
    assert_int_equal(v.n_hugepages, 1);
    assert_int_equal(v.hugepages[0].size_kib, 524288);
    assert_int_equal(v.n_guests, 2);
}

static void test_domcaps(void **state)
{
    (void)state;
    const char *xml =
        "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain>"
        "<arch>x86_64</arch><cpu><mode name='host-passthrough' supported='yes'/>"
        "<mode name='host-model' supported='yes'><model fallback='forbid'>Skylake-Client-IBRS"
        "</model><vendor>Intel</vendor><feature policy='require' name='ss'/>"
        "<feature policy='disable' name='mpx'/></mode>"
        "<mode name='custom' supported='yes'><model usable='yes'>qemu64</model></mode>"
        "</cpu></domainCapabilities>";
    char *cpu = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domcaps_host_model_parse(xml, strlen(xml), &cpu, &err), 0);
    xmlDocPtr d = NULL;
    assert_int_equal(mc_xml_parse(cpu, strlen(cpu), "cpu", &d, &err), 0);
    xmlNodePtr root = xmlDocGetRootElement(d);
    assert_true(mc_xml_is(root, "cpu"));
    _cleanup_free_ char *mode = mc_xml_prop(root, "mode");
    _cleanup_free_ char *match = mc_xml_prop(root, "match");
    _cleanup_free_ char *name = mc_xml_prop(root, "name");
    _cleanup_free_ char *model = mc_xml_text(mc_xml_child(root, "model"));
    assert_string_equal(mode, "custom");
    assert_string_equal(match, "exact");
    assert_null(name);
    assert_string_equal(model, "Skylake-Client-IBRS");
    assert_int_equal(xmlChildElementCount(root), 4);
    xmlFreeDoc(d);
    free(cpu);

    /* Recorded domain capabilities: the model and every feature of the host-model mode. */
    static const char *const recorded[] = { "caps/debian12-lab-domcaps-kvm.xml",
                                            "caps/debian12-lab-domcaps-qemu.xml" };
    for (size_t i = 0; i < ARRAY_SIZE(recorded); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(recorded[i], &len);
        cpu = NULL;
        assert_int_equal(mc_domcaps_host_model_parse(buf, len, &cpu, &err), 0);
        struct xp x;
        xp_open(&x, recorded[i]);
        xmlDocPtr cd = NULL;
        assert_int_equal(mc_xml_parse(cpu, strlen(cpu), "cpu", &cd, &err), 0);
        xmlNodePtr r = xmlDocGetRootElement(cd);
        _cleanup_free_ char *m = mc_xml_text(mc_xml_child(r, "model"));
        XP_EQ(m, &x, "//cpu/mode[@name='host-model']/model");
        size_t nfeat = 0;
        for (xmlNodePtr c = r->children; c; c = c->next)
            nfeat += mc_xml_is(c, "feature");
        assert_int_equal(nfeat, xp_num(&x, "count(//cpu/mode[@name='host-model']/feature)"));
        xmlFreeDoc(cd);
        xp_close(&x);
        free(cpu);
    }

    const char *none = "<domainCapabilities><cpu><mode name='host-model' supported='no'/>"
                       "</cpu></domainCapabilities>";
    cpu = NULL;
    assert_int_equal(mc_domcaps_host_model_parse(none, strlen(none), &cpu, &err), -ENODATA);
    assert_null(cpu);
    mc_error_clear(&err);

    /* TPM backends: the lab's libvirt 9.0 without swtpm lists passthrough only */
    for (size_t i = 0; i < ARRAY_SIZE(recorded); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(recorded[i], &len);
        bool listed = false;
        _cleanup_strv_free_ char **models = NULL;
        assert_int_equal(mc_domcaps_tpm_parse(buf, len, &listed, &models, &err), 0);
        assert_true(listed);
        assert_int_equal(mc_strv_length(models), 1);
        assert_string_equal(models[0], "passthrough");
    }
    const char *with_swtpm =
        "<domainCapabilities><devices><tpm supported='yes'><enum name='model'>"
        "<value>tpm-crb</value></enum><enum name='backendModel'><value>passthrough</value>"
        "<value>emulator</value><value>emulator</value></enum>"
        "<enum name='backendVersion'><value>2.0</value></enum></tpm></devices>"
        "</domainCapabilities>";
    bool listed = false;
    char **models = NULL;
    assert_int_equal(mc_domcaps_tpm_parse(with_swtpm, strlen(with_swtpm), &listed, &models, &err),
                     0);
    assert_true(listed);
    assert_int_equal(mc_strv_length(models), 2); /* a repeated value once */
    assert_true(mc_strv_contains(models, "emulator"));
    mc_strv_free(models);
    const char *unsupported = "<domainCapabilities><devices><tpm supported='no'/></devices>"
                              "</domainCapabilities>";
    models = NULL;
    assert_int_equal(mc_domcaps_tpm_parse(unsupported, strlen(unsupported), &listed, &models, &err),
                     0);
    assert_true(listed); /* said, and none */
    assert_null(models);
    const char *old = "<domainCapabilities><devices><disk supported='yes'/></devices>"
                      "</domainCapabilities>";
    assert_int_equal(mc_domcaps_tpm_parse(old, strlen(old), &listed, &models, &err), 0);
    assert_false(listed); /* not said: unknown */
    assert_int_equal(mc_domcaps_tpm_parse("<capabilities/>", 15, &listed, &models, &err), -EBADMSG);
    mc_error_clear(&err);
}

/* ---- pools and networks ---- */

static void test_pools(void **state)
{
    (void)state;
    static const char *const files[] = { "pool/netfs.xml", "pool/iscsi-direct.xml",
                                         "pool/rbd.xml" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(files[i], &len);
        struct mc_pool p;
        struct mc_error err = { 0 };
        assert_int_equal(mc_pool_xml_parse(buf, len, &p, &err), 0);
        struct xp x;
        xp_open(&x, files[i]);
        XP_EQ(p.type, &x, "/pool/@type");
        XP_EQ(p.name, &x, "/pool/name");
        XP_EQ(p.uuid, &x, "/pool/uuid");
        XP_EQ(p.target_path, &x, "/pool/target/path");
        XP_EQ(p.source_host, &x, "/pool/source/host[1]/@name");
        assert_int_equal(p.source_port, xp_num(&x, "sum(/pool/source/host[1]/@port)"));
        XP_EQ(p.source_dir, &x, "/pool/source/dir/@path");
        XP_EQ(p.source_device, &x, "/pool/source/device/@path");
        XP_EQ(p.source_name, &x, "/pool/source/name");
        XP_EQ(p.source_format, &x, "/pool/source/format/@type");
        XP_EQ(p.initiator_iqn, &x, "/pool/source/initiator/iqn/@name");
        assert_false(p.active || p.autostart || p.persistent);
        xp_close(&x);
        if (i == 1) {
            assert_int_equal(p.capacity, 1048576LL * 1024); /* KiB -> bytes */
            assert_int_equal(p.available, 0);
        } else if (i == 2) {
            assert_int_equal(p.capacity, 2048LL << 30);
        } else {
            assert_int_equal(p.capacity, 536870912000LL);
        }
        mc_pool_clear(&p);
    }
}

static void test_networks(void **state)
{
    (void)state;
    struct {
        const char *file, *mode, *dev;
    } cases[] = {
        { "network/nat.xml", "nat", NULL }, /* <forward/> without a mode */
        { "network/hostdev.xml", "hostdev", "ens2f0" },
        { "network/macvtap.xml", "bridge", "ens3f0" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(cases[i].file, &len);
        struct mc_vnet n;
        struct mc_error err = { 0 };
        assert_int_equal(mc_network_xml_parse(buf, len, &n, &err), 0);
        struct xp x;
        xp_open(&x, cases[i].file);
        XP_EQ(n.name, &x, "/network/name");
        XP_EQ(n.uuid, &x, "/network/uuid");
        XP_EQ(n.bridge, &x, "/network/bridge/@name");
        assert_string_equal(n.forward_mode, cases[i].mode);
        assert_str_or_null(n.forward_dev, cases[i].dev);
        xp_close(&x);
        mc_vnet_clear(&n);
    }
    struct mc_vnet n;
    struct mc_error err = { 0 };
    const char *iso =
        "<network><name>iso</name><bridge name='virbr9'/><mtu size='9000'/></network>";
    assert_int_equal(mc_network_xml_parse(iso, strlen(iso), &n, &err), 0);
    assert_string_equal(n.forward_mode, "none");
    assert_int_equal(n.mtu, 9000);
    mc_vnet_clear(&n);
    assert_int_equal(mc_network_xml_parse("<pool/>", 7, &n, &err), -EBADMSG);
    mc_error_clear(&err);
}

/* ---- refusals shared by every parser of libvirt's documents ---- */

static int open_caps(const char *x, size_t n, struct mc_error *e)
{
    struct mc_virt_facts v = { 0 };
    int r = mc_capabilities_xml_parse(x, n, &v, e);
    mc_virt_facts_clear(&v);
    return r;
}

static int open_host_model(const char *x, size_t n, struct mc_error *e)
{
    _cleanup_free_ char *cpu = NULL;
    return mc_domcaps_host_model_parse(x, n, &cpu, e);
}

static int open_tpm(const char *x, size_t n, struct mc_error *e)
{
    bool listed = false;
    _cleanup_strv_free_ char **models = NULL;
    return mc_domcaps_tpm_parse(x, n, &listed, &models, e);
}

static int open_domain(const char *x, size_t n, struct mc_error *e)
{
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = NULL;
    return mc_domain_xml_parse(x, n, "domain XML", &vm, e);
}

static int open_pool(const char *x, size_t n, struct mc_error *e)
{
    struct mc_pool p = { 0 };
    int r = mc_pool_xml_parse(x, n, &p, e);
    if (r == 0)
        mc_pool_clear(&p);
    return r;
}

static int open_network(const char *x, size_t n, struct mc_error *e)
{
    struct mc_vnet v = { 0 };
    int r = mc_network_xml_parse(x, n, &v, e);
    if (r == 0)
        mc_vnet_clear(&v);
    return r;
}

static int open_secret(const char *x, size_t n, struct mc_error *e)
{
    struct mc_secret s = { 0 };
    int r = mc_secret_xml_parse(x, n, &s, e);
    if (r == 0) {
        free(s.uuid);
        free(s.usage_type);
        free(s.usage_id);
    }
    return r;
}

static void expect_refusal(int (*open)(const char *, size_t, struct mc_error *), const char *x,
                           size_t n, int code, const char *message)
{
    struct mc_error err = { 0 };
    assert_int_equal(open(x, n, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, message);
    mc_error_clear(&err);
}

/* Each parser names its document, refuses another root element, more elements than such a
 * document has, and more bytes than libvirt sends, in these words. */
static void test_open_refusals(void **state)
{
    (void)state;
    static const struct {
        int (*open)(const char *, size_t, struct mc_error *);
        const char *what, *root, *wrong_root;
        size_t max_elements;
    } parsers[] = {
        { open_caps, "capabilities XML", "capabilities", "domain", 0 },
        { open_host_model, "domain capabilities XML", "domainCapabilities", "capabilities", 0 },
        { open_tpm, "domain capabilities XML", "domainCapabilities", "capabilities", 0 },
        { open_domain, "domain XML", "domain", "pool", 50000 },
        { open_pool, "storage pool XML", "pool", "network", 200000 },
        { open_network, "network XML", "network", "pool", 200000 },
        { open_secret, "secret XML", "secret", "pool", 200000 },
    };
    size_t big = MC_VIRT_XML_MAX + 1;
    _cleanup_free_ char *huge = mc_xmalloc(big);
    memset(huge, ' ', big);
    for (size_t i = 0; i < ARRAY_SIZE(parsers); i++) {
        _cleanup_free_ char *doc = mc_xasprintf("<%s/>", parsers[i].wrong_root);
        _cleanup_free_ char *msg =
            mc_xasprintf("%s has root element <%s>, not <%s>", parsers[i].what,
                         parsers[i].wrong_root, parsers[i].root);
        expect_refusal(parsers[i].open, doc, strlen(doc), -EBADMSG, msg);

        free(msg);
        msg = mc_xasprintf("%s is larger than 16 MiB", parsers[i].what);
        expect_refusal(parsers[i].open, huge, big, -EFBIG, msg);

        /* The capabilities' own cap is the parser's (refused before the tree is built). */
        if (!parsers[i].max_elements)
            continue;
        struct mc_buf b = MC_BUF_INIT;
        mc_buf_printf(&b, "<%s>", parsers[i].root);
        for (size_t k = 0; k < parsers[i].max_elements; k++)
            mc_buf_puts(&b, "<x/>");
        mc_buf_printf(&b, "</%s>", parsers[i].root);
        free(msg);
        msg =
            mc_xasprintf("%s has more than %zu elements", parsers[i].what, parsers[i].max_elements);
        expect_refusal(parsers[i].open, b.data, b.len, -E2BIG, msg);
        mc_buf_free(&b);
    }
}

/* ---- qemu.conf ---- */

static void test_qemu_conf_debian(void **state)
{
    (void)state;
    size_t len;
    _cleanup_free_ char *buf = slurp("hosts/debian12/etc/libvirt/qemu.conf", &len);
    /* The shipped file only has comments: check that of the fixture first. */
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        assert_true(*l == '#' || *l == '\n');
    _cleanup_(mc_qemu_conf_clear) struct mc_qemu_conf c = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_qemu_conf_parse(buf, len, &c, &err), 0);
    assert_true(c.readable);
    assert_null(c.migration_address);
    assert_null(c.user);
    assert_null(c.security_driver);
    assert_false(c.migrate_tls_force);
    assert_false(c.vnc_tls);
    assert_false(c.chardev_tls);
    assert_null(c.default_tls_dir);
    assert_null(c.memory_backing_dir); /* libvirt's default applies */
    assert_null(c.shared_filesystems);
    assert_int_equal(c.migration_port_min, 49152);
    assert_int_equal(c.migration_port_max, 49215);
}

static void test_qemu_conf_custom(void **state)
{
    (void)state;
    size_t len;
    _cleanup_free_ char *buf = slurp("hosts/custom/etc/libvirt/qemu.conf", &len);
    _cleanup_(mc_qemu_conf_clear) struct mc_qemu_conf c = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_qemu_conf_parse(buf, len, &c, &err), 0);
    assert_true(c.readable);
    assert_string_equal(c.migration_address, "169.254.42.11");
    assert_string_equal(c.migration_host, "169.254.42.11");
    assert_int_equal(c.migration_port_min, 49200);
    assert_int_equal(c.migration_port_max, 49263);
    assert_string_equal(c.user, "qemu"); /* the first setting wins */
    assert_string_equal(c.group, "kvm");
    assert_string_equal(c.security_driver, "selinux,dac");
    assert_true(c.migrate_tls_force);
    /* TLS settings as written; the directories are resolved by the gatherer */
    assert_string_equal(c.default_tls_dir, "/etc/pki/site-qemu");
    assert_true(c.vnc_tls);
    assert_null(c.vnc_tls_dir);
    assert_false(c.spice_tls);
    assert_true(c.chardev_tls);
    assert_string_equal(c.chardev_tls_dir, "/srv/pki/chardev");
    assert_false(c.nbd_tls);
    assert_null(c.nbd_tls_dir);
    assert_string_equal(c.memory_backing_dir, "/dev/shm/guest ram");
    assert_int_equal(mc_strv_length(c.shared_filesystems), 2);
    assert_string_equal(c.shared_filesystems[1], "/srv/vms");

    _cleanup_free_ char *nl = slurp("qemu-conf/no-final-newline.conf", &len);
    _cleanup_(mc_qemu_conf_clear) struct mc_qemu_conf d = { 0 };
    assert_int_equal(mc_qemu_conf_parse(nl, len, &d, &err), 0);
    assert_string_equal(d.migration_address, "169.254.1.1");
    assert_int_equal(d.migration_port_min, -5); /* read as written; rules judge it */
    assert_int_equal(d.migration_port_max, 49215);

    /* Empty input: libvirt's defaults */
    _cleanup_(mc_qemu_conf_clear) struct mc_qemu_conf e = { 0 };
    assert_int_equal(mc_qemu_conf_parse("", 0, &e, &err), 0);
    assert_int_equal(e.migration_port_min, 49152);
}

static void test_qemu_conf_bad(void **state)
{
    (void)state;
    static const struct {
        const char *file, *needle;
    } cases[] = {
        { "qemu-conf/bad-unterminated.conf", "line 2: unterminated string" },
        { "qemu-conf/bad-separator.conf", "line 1: expecting a separator" },
        { "qemu-conf/bad-type.conf", "expected a string for 'user'" },
        { "qemu-conf/bad-list.conf", "expecting a separator in list" },
        { "qemu-conf/bad-bool.conf", "'migrate_tls_force'" },
        { "qemu-conf/bad-overflow.conf", "numeric overflow" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t len;
        _cleanup_free_ char *buf = slurp(cases[i].file, &len);
        struct mc_qemu_conf c;
        memset(&c, 0xaa, sizeof(c));
        struct mc_error err = { 0 };
        assert_int_equal(mc_qemu_conf_parse(buf, len, &c, &err), -EBADMSG);
        if (!strstr(err.message, cases[i].needle))
            fail_msg("%s: message '%s' lacks '%s'", cases[i].file, err.message, cases[i].needle);
        assert_int_equal(((unsigned char *)&c)[0], 0xaa); /* ret untouched on failure */
        mc_error_clear(&err);
    }
    /* Lists nested beyond any real file, a NUL byte, a lone quote */
    struct mc_error err = { 0 };
    struct mc_qemu_conf c;
    const char deep[] = "x = [[[[[[[[[[[[[[[[[[[[ ]]]]]]]]]]]]]]]]]]]]";
    assert_int_equal(mc_qemu_conf_parse(deep, sizeof(deep) - 1, &c, &err), -EBADMSG);
    mc_error_clear(&err);
    const char nul[] = "user = \"a\0b\"\n";
    assert_int_equal(mc_qemu_conf_parse(nul, sizeof(nul) - 1, &c, &err), 0);
    assert_string_equal(c.user, "a");
    mc_qemu_conf_clear(&c);
    assert_int_equal(mc_qemu_conf_parse("user = \"", 8, &c, &err), -EBADMSG);
    mc_error_clear(&err);
    assert_int_equal(mc_qemu_conf_parse("\"\"\"", 3, &c, &err), -EBADMSG);
    mc_error_clear(&err);
}

/* ---- helpers ---- */

static void test_missing_features(void **state)
{
    (void)state;
    /* libvirt 9.0's message for VIR_ERR_CPU_INCOMPATIBLE (LAB.md) */
    char **v = mc_cpu_missing_features("the CPU is incompatible with host CPU: Host CPU does not "
                                       "provide required features: avx512vnni, amx-tile");
    assert_int_equal(mc_strv_length(v), 2);
    assert_string_equal(v[0], "avx512vnni");
    assert_string_equal(v[1], "amx-tile");
    mc_strv_free(v);
    v = mc_cpu_missing_features("Host CPU does not provide required features: pni");
    assert_int_equal(mc_strv_length(v), 1);
    mc_strv_free(v);
    assert_null(mc_cpu_missing_features("the CPU is incompatible with host CPU: Host CPU vendor "
                                        "does not match required CPU vendor AMD"));
    assert_null(mc_cpu_missing_features(NULL));
    assert_null(mc_cpu_missing_features("Host CPU does not provide required features: "));
}

static void test_units(void **state)
{
    (void)state;
    int64_t v;
    assert_true(mc_scale_value("4", "GiB", "KiB", 1024, &v));
    assert_int_equal(v, 4LL << 20);
    assert_true(mc_scale_value("1", "KB", "KiB", 1024, &v)); /* 1000 bytes, rounded up */
    assert_int_equal(v, 1);
    assert_true(mc_scale_value("3", "mib", "KiB", 1024, &v)); /* case-insensitive */
    assert_int_equal(v, 3072);
    assert_true(mc_scale_value("5", NULL, "KiB", 1024, &v));
    assert_int_equal(v, 5);
    assert_true(mc_scale_value("2", "bytes", "KiB", 1, &v));
    assert_int_equal(v, 2);
    assert_true(mc_scale_value("1", "T", NULL, 1, &v));
    assert_int_equal(v, 1LL << 40);
    assert_false(mc_scale_value("9", "EiB", "KiB", 1, &v)); /* > INT64_MAX bytes */
    assert_false(mc_scale_value("1", "XB", "KiB", 1024, &v));
    assert_false(mc_scale_value("-1", "KiB", "KiB", 1024, &v));
    assert_false(mc_scale_value("1.5", "KiB", "KiB", 1024, &v));
    assert_false(mc_scale_value("", "KiB", "KiB", 1024, &v));
    assert_false(mc_scale_value(NULL, "KiB", "KiB", 1024, &v));
    int64_t x;
    assert_true(mc_parse_int64("0x3b", true, &x));
    assert_int_equal(x, 0x3b);
    assert_false(mc_parse_int64("0x3b", false, &x));
    assert_false(mc_parse_int64("99999999999999999999", false, &x));
}

int main(void)
{
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_full),
        cmocka_unit_test(test_domain_blockers),
        cmocka_unit_test(test_usb_source),
        cmocka_unit_test(test_domain_dst_needs),
        cmocka_unit_test(test_domain_minimal),
        cmocka_unit_test(test_domain_lab),
        cmocka_unit_test(test_domain_snapshot_round_trip),
        cmocka_unit_test(test_domain_hostile),
        cmocka_unit_test(test_caps_rhel),
        cmocka_unit_test(test_caps_lab),
        cmocka_unit_test(test_caps_machine_dedup),
        cmocka_unit_test(test_domcaps),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_networks),
        cmocka_unit_test(test_qemu_conf_debian),
        cmocka_unit_test(test_qemu_conf_custom),
        cmocka_unit_test(test_qemu_conf_bad),
        cmocka_unit_test(test_missing_features),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_open_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
