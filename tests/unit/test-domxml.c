/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The destination XML of a migration (virt/domxml-edit.h): each rewrite changes exactly what it
 * names, the guest-ABI guard catches any change of addresses, MACs, targets, models or CPU, and
 * the validation against domain capabilities (recorded from the lab's libvirt) accepts what that
 * libvirt offers and names what it does not. The edited documents stay valid against libvirt's
 * own RNG schema (checked by unit.domxml-rng on the files this test leaves).
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

#include "checker/xml-util.h"
#include "util/fileio.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"

static char *read_data(const char *rel)
{
    char *path = mc_xasprintf("%s/%s", MC_TEST_DATA, rel);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_read_file(path, 1 << 22, &buf, &len), 0);
    free(path);
    return buf;
}

static xmlDocPtr full(void)
{
    char *x = read_data("virt/domain/full.xml");
    xmlDocPtr doc = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domxml_parse(x, "full.xml", &doc, &err), 0);
    free(x);
    return doc;
}

static void test_edits(void **state)
{
    (void)state;
    xmlDocPtr orig = full(), doc = full();
    struct mc_error err = { 0 };
    char *old = NULL;
    assert_int_equal(mc_domxml_set_disk_source(doc, "vda", "/srv/b/full1 x.qcow2", &old, &err), 0);
    assert_string_equal(old, "/var/lib/libvirt/images/full1.qcow2");
    free(old);
    assert_int_equal(mc_domxml_drop_backing(doc, "vda", &err), 0);
    assert_int_equal(
        mc_domxml_set_iface_source(doc, "52:54:00:aa:00:01", "bridge", "br-new", &old, &err), 0);
    assert_string_equal(old, "br-vm");
    free(old);
    assert_int_equal(
        mc_domxml_set_iface_source(doc, "52:54:00:aa:00:02", "network", "net-new", NULL, &err), 0);
    assert_int_equal(mc_domxml_set_graphics_listen(doc, "vnc", "169.254.42.12", &old, &err), 0);
    assert_string_equal(old, "169.254.42.11");
    free(old);
    assert_int_equal(mc_domxml_set_emulator(doc, "/usr/libexec/qemu-kvm", &old, &err), 0);
    assert_string_equal(old, "/usr/bin/qemu-system-x86_64");
    free(old);
    char *s = mc_domxml_string(doc);
    assert_non_null(strstr(s, "file=\"/srv/b/full1 x.qcow2\""));
    assert_null(strstr(s, "base-debian12.qcow2")); /* the chain went with the backing store */
    assert_non_null(strstr(s, "bridge=\"br-new\""));
    assert_non_null(strstr(s, "bridge=\"br-vm\"")); /* the other interface on br-vm stays */
    assert_non_null(strstr(s, "network=\"net-new\""));
    assert_non_null(strstr(s, "listen=\"169.254.42.12\""));
    assert_non_null(strstr(s, "address=\"169.254.42.12\""));
    assert_null(strstr(s, "listen=\"169.254.42.11\""));
    assert_non_null(strstr(s, "host=\"169.254.42.11\"")); /* serial binds are not graphics */
    assert_non_null(strstr(s, "<emulator>/usr/libexec/qemu-kvm</emulator>"));
    assert_null(strstr(s, "<?xml"));
    /* None of that is guest ABI. */
    assert_int_equal(mc_domxml_abi_equal(orig, doc, &err), 0);
    FILE *f = fopen("domxml-edited.xml", "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
    free(s);

    /* What is not there is an error, and nothing changes. */
    assert_int_equal(mc_domxml_set_disk_source(doc, "vdz", "/x", NULL, &err), -ENOENT);
    assert_non_null(strstr(err.message, "vdz"));
    assert_int_equal(
        mc_domxml_set_iface_source(doc, "52:54:00:aa:00:99", "bridge", "b", NULL, &err), -ENOENT);
    assert_int_equal(mc_domxml_set_iface_source(doc, "x' or '1'='1", "bridge", "b", NULL, &err),
                     -EINVAL);
    assert_int_equal(mc_domxml_set_graphics_listen(doc, "spice", "1.2.3.4", NULL, &err), -EINVAL);
    assert_int_equal(mc_domxml_set_graphics_listen(doc, "rdp", "1.2.3.4", NULL, &err), -ENOENT);
    /* An emulator element that holds elements is not a path: refused, nothing dropped. */
    {
        xmlDocPtr odd = NULL;
        assert_int_equal(mc_domxml_parse("<domain><devices><emulator>/usr/bin/q<interface "
                                         "type='bridge'><mac address='52:54:00:aa:00:09'/>"
                                         "</interface></emulator></devices></domain>",
                                         "odd", &odd, &err),
                         0);
        assert_int_equal(mc_domxml_set_emulator(odd, "/usr/libexec/qemu-kvm", NULL, &err), -EINVAL);
        assert_non_null(strstr(err.message, "<interface>"));
        char *t = mc_domxml_string(odd);
        assert_non_null(strstr(t, "52:54:00:aa:00:09"));
        free(t);
        xmlFreeDoc(odd);
        mc_error_clear(&err);
    }
    /* A network disk has no path to change. */
    xmlDocPtr nfs = NULL;
    char *x = read_data("virt/domain/lab-qemu-nfs.xml");
    assert_int_equal(mc_domxml_parse(x, "nfs", &nfs, &err), 0);
    assert_int_equal(mc_domxml_set_disk_source(nfs, "vda", "/x", NULL, &err), -EINVAL);
    free(x);
    xmlFreeDoc(nfs);
    mc_error_clear(&err);
    xmlFreeDoc(orig);
    xmlFreeDoc(doc);
}

static void test_abi_guard(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *what;
    } changes[] = {
        { "52:54:00:aa:00:01", "52:54:00:aa:00:ff", "mac" },
        { "<address type='dimm' slot='0'/>", "<address type='dimm' slot='1'/>", "address" },
        { "<target dev='vda' bus='virtio'/>", "<target dev='vdq' bus='virtio'/>", "target" },
        { "<model type='e1000e'/>", "<model type='rtl8139'/>", "model" },
        { "machine='pc-q35-7.2'", "machine='pc-q35-8.0'", "type" },
    };
    char *x = read_data("virt/domain/full.xml");
    xmlDocPtr orig = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domxml_parse(x, "full.xml", &orig, &err), 0);
    for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
        char *at = strstr(x, changes[i].from);
        if (!at)
            fail_msg("full.xml has no '%s'", changes[i].from);
        char *y =
            mc_xasprintf("%.*s%s%s", (int)(at - x), x, changes[i].to, at + strlen(changes[i].from));
        xmlDocPtr d = NULL;
        assert_int_equal(mc_domxml_parse(y, "changed", &d, &err), 0);
        assert_int_equal(mc_domxml_abi_equal(orig, d, &err), -EPERM);
        assert_non_null(strstr(err.message, changes[i].what));
        mc_error_clear(&err);
        xmlFreeDoc(d);
        free(y);
    }
    xmlFreeDoc(orig);
    free(x);
}

/* A backing store whose source is a host's NVMe controller carries a PCI <address>: the host's,
 * not the guest's (as is the VF's address in a hostdev interface's <source>). Dropping the chain
 * drops it, and the guest ABI is the same. */
static void test_abi_host_side(void **state)
{
    (void)state;
    char *x = read_data("virt/domain/full.xml");
    char *at = strstr(x, "<backingStore/>");
    assert_non_null(at);
    char *y = mc_xasprintf(
        "%.*s<backingStore type='nvme'><format type='raw'/><source type='pci' managed='yes' "
        "namespace='1'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
        "</source><backingStore/></backingStore>%s",
        (int)(at - x), x, at + strlen("<backingStore/>"));
    xmlDocPtr orig = NULL, doc = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domxml_parse(y, "nvme backing", &orig, &err), 0);
    assert_int_equal(mc_domxml_parse(y, "nvme backing", &doc, &err), 0);
    assert_int_equal(mc_domxml_drop_backing(doc, "vda", &err), 0);
    if (mc_domxml_abi_equal(orig, doc, &err) != 0)
        fail_msg("dropping a host-side backing store changed the guest ABI: %s", err.message);
    xmlFreeDoc(orig);
    xmlFreeDoc(doc);
    free(y);
    free(x);
}

static void test_domcaps(void **state)
{
    (void)state;
    char *caps = read_data("virt/caps/debian12-lab-domcaps-qemu.xml");
    char *x = read_data("virt/domain/lab-qemu-nfs.xml");
    xmlDocPtr doc = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_domxml_parse(x, "nfs", &doc, &err), 0);
    assert_int_equal(mc_domxml_validate_domcaps_xml(caps, doc, "lab-b", &err), 0);
    /* A disk bus that libvirt does not offer there. */
    xmlDocPtr bad = NULL;
    char *at = strstr(x, "bus='virtio'");
    assert_non_null(at);
    char *y = mc_xasprintf("%.*sbus='xen'%s", (int)(at - x), x, at + strlen("bus='virtio'"));
    assert_int_equal(mc_domxml_parse(y, "bad", &bad, &err), 0);
    assert_int_equal(mc_domxml_validate_domcaps_xml(caps, bad, "lab-b", &err), -EINVAL);
    assert_non_null(strstr(err.message, "disk bus 'xen'"));
    assert_non_null(strstr(err.message, "lab-b"));
    mc_error_clear(&err);
    xmlFreeDoc(bad);
    free(y);
    xmlFreeDoc(doc);
    free(x);
    free(caps);
}

/* Against libvirt's own schema: the edited XML passes; an edit that breaks it is named; when the
 * source's own XML does not validate either, the schema cannot judge (1), not a refusal. */
static void test_schema(void **state)
{
    (void)state;
    struct mc_error err = { 0 };
    xmlDocPtr orig = full();
    xmlDocPtr doc = full();
    assert_int_equal(mc_domxml_set_disk_source(doc, "vda", "/srv/other/full1.qcow2", NULL, &err),
                     0);
    assert_int_equal(mc_domxml_validate_schema(doc, orig, MC_LIBVIRT_DOMAIN_RNG, &err), 0);
    /* An element libvirt does not know, in the destination only. */
    xmlNodePtr devs = xmlDocGetRootElement(doc)->children;
    while (devs &&
           !(devs->type == XML_ELEMENT_NODE && strcmp((const char *)devs->name, "devices") == 0))
        devs = devs->next;
    assert_non_null(devs);
    xmlNewChild(devs, NULL, BAD_CAST "bogus-device", NULL);
    assert_int_equal(mc_domxml_validate_schema(doc, orig, MC_LIBVIRT_DOMAIN_RNG, &err), -EINVAL);
    assert_non_null(strstr(err.message, "does not validate"));
    /* The same in the source's own XML: a newer libvirt's element; the schema cannot judge. */
    assert_int_equal(mc_domxml_validate_schema(doc, doc, MC_LIBVIRT_DOMAIN_RNG, &err), 1);
    assert_non_null(strstr(err.message, "cannot judge"));
    assert_int_equal(mc_domxml_validate_schema(orig, NULL, "/nonexistent/domain.rng", &err),
                     -ENOENT);
    mc_error_clear(&err);
    xmlFreeDoc(doc);
    xmlFreeDoc(orig);
}

int main(void)
{
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edits),         cmocka_unit_test(test_abi_guard),
        cmocka_unit_test(test_abi_host_side), cmocka_unit_test(test_domcaps),
        cmocka_unit_test(test_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
