/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The snapshot format: round trip, hostile input, JSON. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/facts-json.h"
#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "checker/pair.h"
#include "checker/xml-util.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static struct mc_host_facts *sample(void)
{
    struct mc_host_facts *h = mc_host_facts_new();
    h->name = mc_xstrdup("kvm1");
    h->areas = MC_AREA_OS | MC_AREA_NET | MC_AREA_VM;
    h->os.id = mc_xstrdup("rhel");
    h->os.version_id = mc_xstrdup("9.4");
    h->os.qemu_uid = 107;
    h->os.qemu_uid_known = true;
    struct mc_package *p = MC_APPEND(h->os.packages, h->os.n_packages);
    p->name = mc_xstrdup("qemu-kvm");
    p->version = mc_xstrdup("17:8.2.0-11.el9_4");
    mc_strv_add(&h->virt.cpu_features, "avx2");
    mc_strv_add(&h->virt.cpu_features, "");
    h->virt.host_cpu_xml = mc_xstrdup("<cpu>\n  <model>x</model>\n</cpu>\n");
    h->virt.qemu_conf.migration_port_min = 49152;
    h->virt.free_memory_kib = -5; /* negative numbers survive */
    struct mc_link *l = MC_APPEND(h->net.links, h->net.n_links);
    l->name = mc_xstrdup("br0");
    l->mtu = 9000;
    l->up = true;
    struct mc_mount *m = MC_APPEND(h->mounts, h->n_mounts);
    m->target = mc_xstrdup("/var/lib/libvirt/images with space");
    m->fstype = mc_xstrdup("nfs4");
    m->shared = true;
    h->vm = mc_new0(struct mc_vm_facts, 1);
    h->vm->name = mc_xstrdup("web'1\"\n<&>");
    struct mc_disk *d = MC_APPEND(h->vm->disks, h->vm->n_disks);
    d->target = mc_xstrdup("vda");
    d->source = mc_xstrdup("/a\tb\r\nc");
    mc_strv_add(&d->backing, "/base.qcow2");
    struct mc_netaddr *na = MC_APPEND(d->hosts, d->n_hosts);
    na->name = mc_xstrdup("169.254.42.10");
    na->port = 3260;
    mc_facts_add_error(h, "storage/iscsi", ENOENT, "cannot read '%s'", "/etc/iscsi");
    return h;
}

static void test_round_trip(void **state)
{
    (void)state;
    struct mc_host_facts *h = sample();
    char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    struct mc_error err = { 0 };
    struct mc_host_facts *back = NULL;
    assert_int_equal(mc_facts_from_xml(x1, l1, "test", &back, &err), 0);
    assert_int_equal(mc_facts_to_xml(back, &x2, &l2), 0);
    assert_string_equal(x1, x2);

    /* Field by field, the values came back. */
    assert_string_equal(back->name, "kvm1");
    assert_int_equal(back->areas, MC_AREA_OS | MC_AREA_NET | MC_AREA_VM);
    assert_string_equal(back->os.packages[0].version, "17:8.2.0-11.el9_4");
    assert_int_equal(back->os.qemu_uid, 107);
    assert_true(back->os.qemu_uid_known);
    assert_int_equal(mc_strv_length(back->virt.cpu_features), 2);
    assert_string_equal(back->virt.cpu_features[1], "");
    assert_string_equal(back->virt.host_cpu_xml, h->virt.host_cpu_xml);
    assert_int_equal(back->virt.free_memory_kib, -5);
    assert_int_equal(back->virt.qemu_conf.migration_port_min, 49152);
    assert_int_equal(back->net.links[0].mtu, 9000);
    assert_true(back->net.links[0].up);
    assert_false(back->net.links[0].carrier);
    assert_string_equal(back->mounts[0].target, "/var/lib/libvirt/images with space");
    assert_non_null(back->vm);
    assert_string_equal(back->vm->name, "web'1\"\n<&>");
    assert_string_equal(back->vm->disks[0].source, "/a\tb\r\nc");
    assert_string_equal(back->vm->disks[0].backing[0], "/base.qcow2");
    assert_int_equal(back->vm->disks[0].hosts[0].port, 3260);
    assert_int_equal(back->n_errors, 1);
    assert_int_equal(back->errors[0].err, ENOENT);
    assert_string_equal(back->errors[0].area, "storage/iscsi");
    assert_true(mc_facts_area_failed(back, MC_AREA_STORAGE));
    assert_false(mc_facts_area_failed(back, MC_AREA_NET));
    free(x1);
    free(x2);
    mc_host_facts_free(h);
    mc_host_facts_free(back);
}

static void test_copy(void **state)
{
    (void)state;
    struct mc_host_facts *h = sample();
    struct mc_host_facts *c = mc_host_facts_new();
    mc_struct_copy(&mc_desc_host_facts, c, h);
    char *x1 = NULL, *x2 = NULL;
    assert_int_equal(mc_facts_to_xml(h, &x1, NULL), 0);
    mc_host_facts_free(h); /* the copy owns its own memory */
    assert_int_equal(mc_facts_to_xml(c, &x2, NULL), 0);
    assert_string_equal(x1, x2);
    free(x1);
    free(x2);
    mc_host_facts_free(c);
}

static int read_err(const char *xml, struct mc_error *err)
{
    struct mc_host_facts *h = NULL;
    int r = mc_facts_from_xml(xml, strlen(xml), "snapshot 'x'", &h, err);
    mc_host_facts_free(h);
    return r;
}

static void test_hostile(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    /* An internal DTD, entities, external entities: refused, never expanded. */
    assert_int_equal(read_err("<!DOCTYPE x [<!ENTITY a 'b'>]><migcheck-facts version='1' "
                              "name='&a;'/>",
                              &err),
                     -EPERM);
    assert_non_null(strstr(err.message, "document type"));
    assert_int_equal(
        read_err("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                 "<migcheck-facts version='1'><virt><host-cpu-xml>&e;</host-cpu-xml></virt>"
                 "</migcheck-facts>",
                 &err),
        -EPERM);
    assert_null(strstr(err.message, "root:"));
    /* External entity in an attribute: not even well-formed. */
    assert_int_equal(read_err("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                              "<migcheck-facts version='1' name='&e;'/>",
                              &err),
                     -EBADMSG);
    assert_int_equal(read_err("<migcheck-facts version='1'><os id='x'></migcheck-facts>", &err),
                     -EBADMSG);
    assert_non_null(strstr(err.message, "line 1"));
    assert_int_equal(read_err("<migcheck-facts version='3'/>", &err), -EPROTONOSUPPORT);
    assert_int_equal(read_err("<other/>", &err), -EBADMSG);
    assert_non_null(strstr(err.message, "not a migcheck snapshot"));
    assert_int_equal(read_err("<migcheck-facts version='1'><net><link mtu='12x'/></net>"
                              "</migcheck-facts>",
                              &err),
                     -EBADMSG);
    assert_non_null(strstr(err.message, "'mtu' is not a number: '12x'"));
    assert_int_equal(read_err("<migcheck-facts version='1'><net><link up='maybe'/></net>"
                              "</migcheck-facts>",
                              &err),
                     -EBADMSG);
    assert_int_equal(read_err("<migcheck-facts version='1' areas='os bogus'/>", &err), -EBADMSG);
    /* Several <domain>s are several domains (version 2), not an error. */
    assert_int_equal(
        read_err("<migcheck-facts version='2'><domain/><domain/></migcheck-facts>", &err), 0);
    assert_int_equal(read_err("", &err), -EBADMSG);
    mc_error_clear(&err);
}

static void test_unclean_strings(void **state)
{
    (void)state;
    struct mc_host_facts *h = mc_host_facts_new();
    h->name = mc_xstrdup("bad\x01name\xff\xfe");
    char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    struct mc_error err = { 0 };
    struct mc_host_facts *back = NULL;
    assert_int_equal(mc_facts_from_xml(x1, l1, "test", &back, &err), 0);
    assert_string_equal(back->name, "bad\xef\xbf\xbdname\xef\xbf\xbd\xef\xbf\xbd");
    assert_int_equal(mc_facts_to_xml(back, &x2, &l2), 0);
    assert_string_equal(x1, x2);
    struct json_object *j = mc_facts_to_json(h);
    const char *s = json_object_to_json_string(j);
    assert_null(strchr(s, '\x01'));
    json_object_put(j);
    free(x1);
    free(x2);
    mc_host_facts_free(h);
    mc_host_facts_free(back);
}

/* Enum fields (probe outcomes, evidence kinds, results) are written and read by name. */
static void test_pair_enums(void **state)
{
    (void)state;
    /* An old pair snapshot, written when these fields were strings: it still reads. */
    static const char old[] =
        "<migcheck-pair version='1' live='yes'><cpu probe='ok' result='superset'/>"
        "<path subject='disk vda' evidence='canary' exists-probe='ok' open-probe='failed'/>"
        "<path subject='disk vdb' evidence='none' exists-probe='unsupported'/>"
        "<migration-port probe='ok' port='49152' result='timeout'/>"
        "<destination-name probe='error'/></migcheck-pair>";
    struct mc_error err = { 0 };
    struct mc_pair_facts *p = NULL;
    assert_int_equal(mc_pair_from_xml(old, sizeof(old) - 1, "test", &p, &err), 0);
    assert_int_equal(p->cpu.probe, MC_PROBE_OK);
    assert_int_equal(p->cpu.result, MC_CPU_RESULT_SUPERSET);
    assert_int_equal(p->cpu_src.probe, MC_PROBE_NOT_RUN);
    assert_int_equal(p->paths[0].evidence, MC_EVIDENCE_CANARY);
    assert_int_equal(p->paths[0].open_probe, MC_PROBE_FAILED);
    assert_int_equal(p->paths[1].evidence, MC_EVIDENCE_NONE);
    assert_int_equal(p->paths[1].exists_probe, MC_PROBE_UNSUPPORTED);
    assert_int_equal(p->paths[1].open_probe, MC_PROBE_NOT_RUN);
    assert_int_equal(p->migration_port.result, MC_PORT_TIMEOUT);
    assert_int_equal(p->dst_name.probe, MC_PROBE_ERROR);
    /* Written back: the same names; unset values are omitted. */
    char *x = NULL;
    size_t l;
    assert_int_equal(mc_pair_to_xml(p, &x, &l), 0);
    assert_non_null(strstr(x, "evidence=\"canary\""));
    assert_non_null(strstr(x, "result=\"timeout\""));
    assert_non_null(strstr(x, "open-probe=\"failed\""));
    assert_null(strstr(x, "cpu-on-source"));
    free(x);
    mc_pair_facts_free(p);
    /* A name the table does not know: a clear error naming what was expected. */
    static const char bad[] = "<migcheck-pair version='1'><path evidence='maybe'/></migcheck-pair>";
    p = NULL;
    assert_int_equal(mc_pair_from_xml(bad, sizeof(bad) - 1, "test", &p, &err), -EBADMSG);
    assert_null(p);
    assert_non_null(strstr(err.message, "not a known evidence kind: 'maybe'"));
    assert_non_null(strstr(err.message, "identity"));
    mc_error_clear(&err);
    /* The name tables and the enums agree both ways. */
    for (int v = 1; v < _MC_PROBE_MAX; v++)
        assert_int_equal(mc_enum_from_name(&mc_probe_names, mc_probe_name((enum mc_probe)v)), v);
    assert_null(mc_probe_name(MC_PROBE_NOT_RUN));
    assert_true(mc_enum_from_name(&mc_probe_names, "") < 0);
}

static void test_json(void **state)
{
    (void)state;
    struct mc_host_facts *h = sample();
    struct json_object *j = mc_facts_to_json(h);
    struct json_object *v;
    assert_true(json_object_object_get_ex(j, "version", &v));
    assert_int_equal(json_object_get_int(v), 1); /* one domain: the lowest version */
    assert_true(json_object_object_get_ex(j, "net", &v));
    assert_true(json_object_object_get_ex(v, "links", &v));
    assert_int_equal(json_object_array_length(v), 1);
    assert_true(json_object_object_get_ex(j, "domain", &v));
    assert_true(json_object_object_get_ex(v, "disks", &v));
    v = json_object_array_get_idx(v, 0);
    assert_true(json_object_object_get_ex(v, "source", &v));
    assert_string_equal(json_object_get_string(v), "/a\tb\r\nc");
    assert_true(json_object_object_get_ex(j, "errors", &v));
    v = json_object_array_get_idx(v, 0);
    assert_true(json_object_object_get_ex(v, "errno", &v));
    assert_string_equal(json_object_get_string(v), "ENOENT");
    json_object_put(j);
    mc_host_facts_free(h);
}

static void test_mount_lookup(void **state)
{
    (void)state;
    struct mc_mount m[4] = { 0 };
    m[0].target = "/";
    m[1].target = "/var/lib/libvirt";
    m[2].target = "/var/lib/libvirt/images";
    m[3].target = "/var/lib/libvirt"; /* over-mount: the later one wins */
    assert_ptr_equal(mc_mounts_find_for_path(m, 4, "/var/lib/libvirt/images/a.qcow2"), &m[2]);
    assert_ptr_equal(mc_mounts_find_for_path(m, 4, "/var/lib/libvirt/imagesX/a"), &m[3]);
    assert_ptr_equal(mc_mounts_find_for_path(m, 4, "/etc/passwd"), &m[0]);
    assert_null(mc_mounts_find_for_path(m, 4, "relative"));
    assert_true(mc_fstype_is_shared("nfs4"));
    assert_true(mc_fstype_is_shared("fuse.glusterfs"));
    assert_false(mc_fstype_is_shared("ext4"));
    assert_true(mc_fstype_is_cluster("gfs2"));
    assert_false(mc_fstype_is_cluster("nfs"));
}

/*
 * A snapshot of many empty elements is refused before a tree is built (64 MiB of them took 36 s
 * and 2 GB before the cap). Elements in comments or CDATA count too: a bound, never less.
 */
static void test_element_cap(void **state)
{
    (void)state;
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_puts(&b, "<migcheck-facts version=\"1\">");
    for (unsigned i = 0; i < MC_XML_MAX_ELEMENTS; i++)
        mc_buf_puts(&b, "<a/>");
    mc_buf_puts(&b, "</migcheck-facts>");
    struct mc_host_facts *h = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_facts_from_xml(b.data, b.len, "snapshot 'many'", &h, &err), -E2BIG);
    assert_null(h);
    assert_non_null(strstr(err.message, "more than"));
    mc_error_clear(&err);
    struct mc_pair_facts *p = NULL;
    size_t plen = b.len - strlen("<migcheck-facts version=\"1\">") - strlen("</migcheck-facts>");
    struct mc_buf pb = MC_BUF_INIT;
    mc_buf_puts(&pb, "<migcheck-pair version=\"1\">");
    mc_buf_append(&pb, b.data + strlen("<migcheck-facts version=\"1\">"), plen);
    mc_buf_puts(&pb, "</migcheck-pair>");
    assert_int_equal(mc_pair_from_xml(pb.data, pb.len, "pair 'many'", &p, &err), -E2BIG);
    mc_error_clear(&err);
    mc_buf_free(&pb);
    /* Just under the cap: parsed (and found lacking, which is another matter). */
    mc_buf_reset(&b);
    mc_buf_puts(&b, "<migcheck-facts version=\"1\">");
    for (unsigned i = 0; i < 1000; i++)
        mc_buf_puts(&b, "<a/>");
    mc_buf_puts(&b, "</migcheck-facts>");
    int r = mc_facts_from_xml(b.data, b.len, "snapshot 'some'", &h, &err);
    assert_int_not_equal(r, -E2BIG);
    mc_error_clear(&err);
    mc_host_facts_free(h);
    mc_buf_free(&b);
}

/* Several domains (facts --all-vms): version 2, every <domain> back in order, selection. */
static void test_several_domains(void **state)
{
    (void)state;
    struct mc_host_facts *h = sample();
    char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    assert_non_null(strstr(x1, "<migcheck-facts version=\"1\""));
    free(x1);
    for (int i = 0; i < 2; i++) {
        struct mc_vm_facts *vm = mc_new0(struct mc_vm_facts, 1);
        vm->name = mc_xasprintf("db%d", i);
        vm->uuid = mc_xasprintf("0000000%d-0000-0000-0000-000000000000", i);
        mc_strv_add(&vm->roms, "/usr/share/qemu/efi-virtio.rom");
        mc_host_add_vm(h, vm);
    }
    assert_int_equal(mc_host_n_vms(h), 3);
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    assert_non_null(strstr(x1, "<migcheck-facts version=\"2\""));
    struct mc_error err = { 0 };
    struct mc_host_facts *back = NULL;
    assert_int_equal(mc_facts_from_xml(x1, l1, "test", &back, &err), 0);
    assert_int_equal(back->version, 2);
    assert_int_equal(mc_facts_to_xml(back, &x2, &l2), 0);
    assert_string_equal(x1, x2);
    assert_int_equal(mc_host_n_vms(back), 3);
    assert_string_equal(mc_host_vm_at(back, 0)->name, "web'1\"\n<&>");
    assert_string_equal(mc_host_vm_at(back, 1)->name, "db0");
    assert_string_equal(mc_host_vm_at(back, 2)->name, "db1");
    assert_null(mc_host_vm_at(back, 3));
    assert_string_equal(back->other_vms[1].roms[0], "/usr/share/qemu/efi-virtio.rom");
    /* By name and by UUID (any case); the chosen one becomes vm. */
    assert_ptr_equal(mc_host_find_vm(back, "db1"), &back->other_vms[1]);
    assert_int_equal(mc_host_select_vm(back, "00000001-0000-0000-0000-000000000000"), 0);
    assert_string_equal(back->vm->name, "db1");
    assert_string_equal(back->other_vms[1].name, "web'1\"\n<&>");
    assert_int_equal(mc_host_select_vm(back, "nothere"), -ENOENT);
    size_t n = 0;
    MC_HOST_FOREACH_VM (vm, back)
        n += vm->name != NULL;
    assert_int_equal(n, 3);
    /* A copy carries them all. */
    struct mc_host_facts *copy = mc_host_facts_new();
    mc_struct_copy(&mc_desc_host_facts, copy, back);
    assert_int_equal(mc_host_n_vms(copy), 3);
    /* JSON: the first is "domain", the others "other_domains". */
    struct json_object *j = mc_facts_to_json(back), *v;
    assert_true(json_object_object_get_ex(j, "version", &v));
    assert_int_equal(json_object_get_int(v), 2);
    assert_true(json_object_object_get_ex(j, "other_domains", &v));
    assert_int_equal(json_object_array_length(v), 2);
    json_object_put(j);
    free(x1);
    free(x2);
    mc_host_facts_free(h);
    mc_host_facts_free(back);
    mc_host_facts_free(copy);
    /* A version 1 reader's limit stays: one <domain> of a version 1 snapshot reads as before. */
    static const char v1[] = "<migcheck-facts version='1'><domain name='a'/></migcheck-facts>";
    assert_int_equal(mc_facts_from_xml(v1, strlen(v1), "v1", &back, &err), 0);
    assert_int_equal(mc_host_n_vms(back), 1);
    mc_host_facts_free(back);
}

int main(void)
{
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_copy),
        cmocka_unit_test(test_several_domains), cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_unclean_strings), cmocka_unit_test(test_json),
        cmocka_unit_test(test_mount_lookup),    cmocka_unit_test(test_pair_enums),
        cmocka_unit_test(test_element_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
