/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage transports from sysfs.
 *
 * The kernel of this machine has no FC HBA, no iSCSI initiator sessions, no
 * SRP and no GFS2 or multipath: the trees under tests/data/storage/{iscsi,
 * fc-multipath,srp,gfs2} are RECORDINGS of those sysfs layouts (made by
 * make-sysfs-fixtures.sh; README.md there names the kernel sources of each
 * layout), read through mc_source_fs(dir, false) like a real host. What this
 * machine does have -- a virtio disk /dev/vda -- is tested against the real
 * sysfs and the size blockdev(8) reports.
 *
 * Every fixture is also gathered a second time through a dump source built
 * from the gatherers' probe specs (what the sh probe would send): the facts
 * must be equal, which proves the probe specs cover what the gatherers read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/facts-xml.h"
#include "checker/facts.h"
#include "sn-probe-dump.h"
#include "sn-test-util.h"
#include "storage/storage-internal.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/source.h"
#include "util/strv.h"

static char *fixture_dir(const char *name)
{
    return mc_xasprintf("%s/storage/%s", MC_TEST_DATA, name);
}

static void add_disk(struct mc_host_facts *h, const char *target, const char *type,
                     const char *source)
{
    if (!h->vm)
        h->vm = mc_new0(struct mc_vm_facts, 1);
    struct mc_disk *d = MC_APPEND(h->vm->disks, h->vm->n_disks);
    d->target = mc_xstrdup(target);
    d->type = mc_xstrdup(type);
    d->source = mc_xstrdup(source);
}

/* Gather mounts + storage from a source for a host that has the given VM disks. */
static struct mc_host_facts *gather(struct mc_source *src, const char *const *disks)
{
    struct mc_host_facts *h = mc_host_facts_new();
    for (size_t i = 0; disks && disks[i]; i += 3)
        add_disk(h, disks[i], disks[i + 1], disks[i + 2]);
    mc_mounts_gather(src, h);
    mc_storage_gather(src, h);
    return h;
}

static const char *const *all_specs(void)
{
    static const char *spec[256];
    size_t n = 0;
    for (size_t i = 0; mc_mounts_probe_spec[i]; i++)
        spec[n++] = mc_mounts_probe_spec[i];
    for (size_t i = 0; mc_storage_probe_spec[i]; i++)
        spec[n++] = mc_storage_probe_spec[i];
    spec[n] = NULL;
    return spec;
}

/* The facts from the tree, checked equal to the facts from the probe dump of the tree. */
static struct mc_host_facts *gather_fixture(const char *name, const char *const *disks)
{
    _cleanup_free_ char *dir = fixture_dir(name);
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    struct mc_host_facts *h = gather(fs, disks);

    _cleanup_(mc_source_freep) struct mc_source *dump = sn_dump_source(dir, all_specs());
    assert_non_null(dump);
    struct mc_host_facts *h2 = gather(dump, disks);
    _cleanup_free_ char *x1 = NULL, *x2 = NULL;
    size_t l1 = 0, l2 = 0;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    assert_int_equal(mc_facts_to_xml(h2, &x2, &l2), 0);
    if (strcmp(x1, x2) != 0)
        fprintf(stderr, "from the tree:\n%s\nfrom the probe dump:\n%s\n", x1, x2);
    assert_string_equal(x1, x2);
    mc_host_facts_free(h2);
    return h;
}

static const struct mc_blockdev *bdev(const struct mc_host_facts *h, const char *name)
{
    for (size_t i = 0; i < h->storage.n_blockdevs; i++)
        if (strcmp(h->storage.blockdevs[i].name, name) == 0)
            return &h->storage.blockdevs[i];
    return NULL;
}

/* An attribute of a fixture tree, trimmed: the expectation comes from the recording. */
static char *attr(const char *fixture, const char *path)
{
    _cleanup_free_ char *dir = fixture_dir(fixture);
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    char *v = NULL;
    assert_int_equal(mc_source_read_line(fs, path, &v), 0);
    return v;
}

static void test_iscsi(void **state)
{
    (void)state;
    static const char *const disks[] = {
        "vdb",
        "block",
        "/dev/disk/by-path/ip-192.0.2.50:3260-iscsi-iqn.2003-01.org.linux-iscsi.stor1.x8664:sn."
        "vmstore-lun-1",
        NULL,
    };
    struct mc_host_facts *h = gather_fixture("iscsi", disks);
    const struct mc_storage_facts *s = &h->storage;
    assert_int_equal(h->n_errors, 1); /* the fixture has no /proc/self/mountinfo */
    assert_string_equal(h->errors[0].area, "mounts");
    assert_string_equal(s->iscsi_initiator, "iqn.1994-05.com.redhat:kvm1a2b3c4d");
    assert_int_equal(s->n_iscsi_sessions, 1);
    const struct mc_iscsi_session *is = &s->iscsi_sessions[0];
    assert_string_equal(is->name, "session1");
    _cleanup_free_ char *tn = attr("iscsi", "/sys/class/iscsi_session/session1/targetname");
    assert_string_equal(is->target, tn);
    assert_string_equal(is->state, "LOGGED_IN");
    assert_null(is->initiator); /* "(null)": the session uses the default name */
    assert_int_equal(is->tpgt, 1);
    assert_string_equal(is->portal, "192.0.2.50:3260");
    assert_int_equal(mc_strv_length(is->devices), 2);
    assert_string_equal(is->devices[0], "sdb");
    assert_string_equal(is->devices[1], "sdc");

    assert_int_equal(s->n_blockdevs, 1);
    const struct mc_blockdev *b = bdev(h, "sdc");
    assert_non_null(b);
    assert_string_equal(b->path, disks[2]);
    assert_string_equal(b->transport, "iscsi");
    assert_string_equal(b->devno, "8:32");
    _cleanup_free_ char *size = attr("iscsi", "/sys/class/block/sdc/size");
    assert_int_equal(b->size_bytes, strtoll(size, NULL, 10) * 512);
    _cleanup_free_ char *wwid = attr("iscsi", "/sys/class/block/sdc/device/wwid");
    assert_string_equal(b->wwn, wwid);
    assert_string_equal(b->vendor, "LIO-ORG"); /* padded in sysfs, trimmed here */
    assert_string_equal(b->model, "vmstore");
    assert_null(b->slaves);
    mc_host_facts_free(h);
}

static void test_fc_multipath(void **state)
{
    (void)state;
    static const char *const disks[] = { "vda", "block", "/dev/mapper/mpatha", NULL };
    struct mc_host_facts *h = gather_fixture("fc-multipath", disks);
    const struct mc_storage_facts *s = &h->storage;
    assert_int_equal(s->n_fc_hosts, 1);
    const struct mc_fc_host *fh = &s->fc_hosts[0];
    assert_string_equal(fh->name, "host3");
    assert_string_equal(fh->port_name, "0x21000024ff3a1b2c");
    assert_string_equal(fh->port_state, "Online");
    assert_string_equal(fh->speed, "16 Gbit");
    assert_string_equal(fh->fabric_name, "0x100000051e0a0b0c");
    assert_int_equal(fh->n_rports, 3);
    assert_string_equal(fh->rports[0].name, "rport-3:0-0");
    assert_string_equal(fh->rports[1].port_name, "0x500a09818df1c0d1");
    assert_string_equal(fh->rports[1].roles, "FCP Target");
    assert_int_equal(fh->rports[1].scsi_target_id, 1);
    assert_int_equal(fh->rports[2].scsi_target_id, -1); /* the name server: no SCSI target */

    /* the map, then its two paths, each over FC */
    assert_int_equal(s->n_blockdevs, 3);
    const struct mc_blockdev *dm = bdev(h, "dm-0");
    assert_non_null(dm);
    assert_string_equal(dm->path, "/dev/mapper/mpatha");
    assert_string_equal(dm->dm_name, "mpatha");
    assert_string_equal(dm->dm_uuid, "mpath-3600a098038303053453f463045727a4b");
    assert_string_equal(dm->wwn, "3600a098038303053453f463045727a4b");
    assert_string_equal(dm->transport, "dm");
    assert_int_equal(mc_strv_length(dm->slaves), 2);
    for (size_t i = 0; i < 2; i++) {
        const struct mc_blockdev *p = bdev(h, dm->slaves[i]);
        assert_non_null(p);
        assert_string_equal(p->transport, "fc");
        assert_null(p->path);
        assert_string_equal(p->wwn, "naa.600a098038303053453f463045727a4b");
        assert_string_equal(p->vendor, "NETAPP");
        assert_int_equal(p->size_bytes, dm->size_bytes);
    }
    mc_host_facts_free(h);
}

static void test_srp(void **state)
{
    (void)state;
    static const char *const disks[] = { "vdc", "block", "/dev/sdf", NULL };
    struct mc_host_facts *h = gather_fixture("srp", disks);
    const struct mc_storage_facts *s = &h->storage;
    assert_int_equal(s->n_srp_hosts, 1);
    assert_string_equal(s->srp_hosts[0].name, "host5");
    assert_string_equal(s->srp_hosts[0].ib_device, "mlx5_0");
    assert_string_equal(s->srp_hosts[0].ib_port, "1");
    assert_int_equal(mc_strv_length(s->srp_hosts[0].rports), 1);
    _cleanup_free_ char *pid = attr("srp", "/sys/class/srp_remote_ports/port-5:1/port_id");
    assert_string_equal(s->srp_hosts[0].rports[0], pid);
    const struct mc_blockdev *b = bdev(h, "sdf");
    assert_non_null(b);
    assert_string_equal(b->transport, "srp");
    assert_string_equal(b->wwn, "eui.3834653634633037");
    mc_host_facts_free(h);
}

static void test_gfs2(void **state)
{
    (void)state;
    /* a file disk on the GFS2 mount: the block device under it, joined by devno */
    static const char *const disks[] = { "vda", "file", "/var/lib/libvirt/images/gfs2/vm1.qcow2",
                                         NULL };
    struct mc_host_facts *h = gather_fixture("gfs2", disks);
    assert_int_equal(h->n_errors, 0);
    const struct mc_storage_facts *s = &h->storage;
    assert_int_equal(s->n_gfs2, 1);
    assert_string_equal(s->gfs2[0].locktable, "mycluster:vmstore");
    assert_string_equal(s->gfs2[0].devno, "253:3");
    const struct mc_mount *m = mc_mounts_find_for_path(h->mounts, h->n_mounts, disks[2]);
    assert_non_null(m);
    assert_string_equal(m->fstype, "gfs2");
    assert_true(m->clusterfs);
    assert_string_equal(m->devno, s->gfs2[0].devno);
    assert_int_equal(s->n_blockdevs, 1);
    assert_string_equal(s->blockdevs[0].name, "dm-3");
    assert_string_equal(s->blockdevs[0].devno, m->devno);
    assert_string_equal(s->blockdevs[0].path, "/dev/mapper/vg_cluster-lv_gfs2");
    assert_string_equal(s->blockdevs[0].dm_name, "vg_cluster-lv_gfs2");
    assert_null(s->blockdevs[0].wwn); /* an LVM volume, no multipath WWID */
    mc_host_facts_free(h);

    /* the LVM path resolves to the same device */
    _cleanup_free_ char *dir = fixture_dir("gfs2");
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    h = mc_host_facts_new();
    assert_int_equal(mc_storage_blockdev_lookup(fs, "/dev/vg_cluster/lv_gfs2", h), 0);
    assert_string_equal(h->storage.blockdevs[0].name, "dm-3");
    assert_int_equal(mc_storage_blockdev_lookup(fs, "/dev/nonexistent", h), -ENODEV);
    mc_host_facts_free(h);
}

/* No hardware at all is no error; a VM block disk that does not exist is one. */
static void test_nothing(void **state)
{
    (void)state;
    _cleanup_free_ char *dir = fixture_dir("empty");
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_storage_gather(fs, h);
    assert_int_equal(h->n_errors, 0);
    assert_null(h->storage.iscsi_initiator);
    assert_int_equal(h->storage.n_fc_hosts + h->storage.n_iscsi_sessions + h->storage.n_srp_hosts +
                         h->storage.n_gfs2 + h->storage.n_blockdevs,
                     0);
    add_disk(h, "vda", "block", "/dev/sdz");
    mc_storage_gather(fs, h);
    assert_int_equal(h->n_errors, 1);
    assert_string_equal(h->errors[0].area, "storage/blockdev");
    assert_non_null(strstr(h->errors[0].message, "'/dev/sdz'"));
    mc_host_facts_free(h);
}

static void test_initiatorname_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "InitiatorName=iqn.2004-10.com.ubuntu:01:abc\n", "iqn.2004-10.com.ubuntu:01:abc" },
        { "# comment InitiatorName=x\n  InitiatorName=iqn.a:b  \r\n", "iqn.a:b" },
        { "InitiatorName=\n", NULL },
        { "", NULL },
        { "GenerateName=yes\n", NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *v = mc_iscsi_initiatorname_parse(cases[i].in, strlen(cases[i].in));
        if (cases[i].out)
            assert_string_equal(v, cases[i].out);
        else
            assert_null(v);
        free(v);
    }
}

/* This machine's virtio disk, from the real sysfs: size as blockdev(8) or lsblk(8) say. */
static void test_real_vda(void **state)
{
    (void)state;
    if (access("/sys/class/block/vda", F_OK) != 0) {
        fprintf(stderr, "no /sys/class/block/vda on this machine: skipped\n");
        skip();
    }
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *h = mc_host_facts_new();
    assert_int_equal(mc_storage_blockdev_lookup(src, "/dev/vda", h), 0);
    assert_int_equal(h->storage.n_blockdevs, 1);
    const struct mc_blockdev *b = &h->storage.blockdevs[0];
    assert_string_equal(b->name, "vda");
    assert_string_equal(b->transport, "virtio");

    /* blockdev needs to open the device; where a cgroup forbids that, lsblk reads sysfs */
    const char *bd[] = { "blockdev", "--getsize64", "/dev/vda", NULL };
    _cleanup_free_ char *out = sn_run(bd);
    if (!out) {
        const char *lb[] = { "lsblk", "-bdno", "SIZE", "/dev/vda", NULL };
        out = sn_run(lb);
    }
    assert_non_null(out);
    assert_int_equal(b->size_bytes, strtoll(out, NULL, 10));
    const char *mm[] = { "lsblk", "-dno", "MAJ:MIN", "/dev/vda", NULL };
    _cleanup_free_ char *majmin = sn_run(mm);
    assert_non_null(majmin);
    mc_strip_trailing(majmin);
    char *p = majmin;
    while (*p == ' ')
        p++;
    assert_string_equal(b->devno, p);
    mc_host_facts_free(h);

    /* a file disk on / finds the disk under the root file system by its devno */
    h = mc_host_facts_new();
    add_disk(h, "vda", "file", "/var/lib/libvirt/images/x.qcow2");
    mc_mounts_gather(src, h);
    const struct mc_mount *m = mc_mounts_find_for_path(h->mounts, h->n_mounts, "/var/lib/libvirt");
    assert_non_null(m);
    mc_storage_gather(src, h);
    if (m->source && strncmp(m->source, "/dev/", 5) == 0) {
        assert_int_equal(h->storage.n_blockdevs >= 1, 1);
        assert_string_equal(h->storage.blockdevs[0].devno, m->devno);
    }
    mc_host_facts_free(h);
}

/* A by-id link of a multipath map. */
static void test_by_id_lookup(void **state)
{
    (void)state;
    _cleanup_free_ char *dir = fixture_dir("fc-multipath");
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    struct mc_host_facts *h = mc_host_facts_new();
    assert_int_equal(mc_storage_blockdev_lookup(fs,
                                                "/dev/disk/by-id/dm-uuid-mpath-"
                                                "3600a098038303053453f463045727a4b",
                                                h),
                     0);
    assert_string_equal(h->storage.blockdevs[0].name, "dm-0");
    mc_host_facts_free(h);
}

/* The transport classifier over device paths of real kernels (readlink /sys/class/block/X). */
static void test_transport_paths(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "../../devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sdb", "iscsi" },
        { "../../devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-0/target3:0:0/"
          "3:0:0:1/block/sdd",
          "fc" },
        { "../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
          "target0:0:0/0:0:0:0/block/sda",
          "sas" },
        { "../../devices/pci0000:00/0000:00:02.0/0000:03:00.0/host5/port-5:1/target5:0:0/5:0:0:0/"
          "block/sdf",
          "srp" },
        { "../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "nvme" },
        { "../../devices/virtual/nvme-fabrics/ctl/nvme1/nvme1n1", "nvme" },
        { "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "virtio" },
        { "../../devices/pci0000:00/0000:00:05.0/virtio3/host0/target0:0:0/0:0:0:1/block/sda",
          "virtio-scsi" },
        { "../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "ata" },
        { "../../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/"
          "block/sdg",
          "usb" },
        { "../../devices/virtual/block/dm-0", "dm" },
        { "../../devices/virtual/block/md127", "md" },
        { "../../devices/virtual/block/loop0", "loop" },
        { "../../devices/virtual/block/zram0", "virtual" },
        { "somewhere/else", NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *t = mc_blockdev_transport_from_path(cases[i][0]);
        if (sn_strcmp0(t, cases[i][1]) != 0)
            fail_msg("'%s' gave '%s', not '%s'", cases[i][0], t, cases[i][1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iscsi),
        cmocka_unit_test(test_fc_multipath),
        cmocka_unit_test(test_srp),
        cmocka_unit_test(test_gfs2),
        cmocka_unit_test(test_nothing),
        cmocka_unit_test(test_initiatorname_parse),
        cmocka_unit_test(test_real_vda),
        cmocka_unit_test(test_by_id_lookup),
        cmocka_unit_test(test_transport_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
