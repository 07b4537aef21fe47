/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The destination XML of migrate is built from the source's migratable XML, which comes from a
 * remote daemon: untrusted. Any input is refused with a message, or every edit migrate can make
 * (each disk's source and backing chain, each interface's bridge or network, each graphics
 * listen address, the emulator) either applies or is refused with a message, and the edited
 * document keeps the guest ABI of the original and validates against domain capabilities
 * without crashing.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"
#include "virt/virt.h"

static const char domcaps[] =
    "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>qemu</domain>"
    "<machine>pc-i440fx-7.2</machine><arch>x86_64</arch><os supported='yes'><loader "
    "supported='yes'><enum name='type'><value>rom</value><value>pflash</value></enum></loader>"
    "</os><devices><disk supported='yes'><enum name='diskDevice'><value>disk</value>"
    "<value>cdrom</value></enum><enum name='bus'><value>ide</value><value>virtio</value>"
    "<value>sata</value></enum></disk><graphics supported='yes'><enum name='type'>"
    "<value>vnc</value></enum></graphics><hostdev supported='no'/></devices>"
    "</domainCapabilities>";

/* An edit either works or says why; nothing else. */
static void edited(int r, struct mc_error *err, char **old)
{
    if (r < 0 && (!err->message || !*err->message))
        abort();
    mc_error_clear(err);
    free(*old);
    *old = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    mc_xml_init();
    char *xml = mc_xstrndup((const char *)data, size);
    xmlDocPtr orig = NULL, doc = NULL;
    if (mc_domxml_parse(xml, "fuzz input", &orig, &err) < 0) {
        if (!err.message || !*err.message || orig)
            abort();
        mc_error_clear(&err);
        free(xml);
        return 0;
    }
    if (mc_domxml_parse(xml, "fuzz input", &doc, &err) < 0)
        abort(); /* the same input parses the same way twice */
    struct mc_vm_facts *vm = NULL;
    if (mc_domain_xml_parse(xml, strlen(xml), "fuzz input", &vm, &err) < 0)
        mc_error_clear(&err); /* no facts: edit with made-up selectors only */
    char *old = NULL;
    for (size_t i = 0; vm && i < vm->n_disks; i++) {
        const char *t = vm->disks[i].target;
        edited(mc_domxml_set_disk_source(doc, t ? t : "vda", "/dst/disk", &old, &err), &err, &old);
        edited(mc_domxml_drop_backing(doc, t ? t : "vda", &err), &err, &old);
    }
    for (size_t i = 0; vm && i < vm->n_ifaces; i++) {
        const char *mac = vm->ifaces[i].mac ? vm->ifaces[i].mac : "52:54:00:00:00:01";
        edited(mc_domxml_set_iface_source(doc, mac, "bridge", "br-dst", &old, &err), &err, &old);
        edited(mc_domxml_set_iface_source(doc, mac, "network", "net-dst", &old, &err), &err, &old);
    }
    for (size_t i = 0; vm && i < vm->n_graphics; i++) {
        const char *t = vm->graphics[i].type ? vm->graphics[i].type : "vnc";
        edited(mc_domxml_set_graphics_listen(doc, t, "169.254.42.12", &old, &err), &err, &old);
    }
    edited(mc_domxml_set_disk_source(doc, "x' or '1'='1", "/x", &old, &err), &err, &old);
    edited(mc_domxml_set_emulator(doc, "/usr/bin/qemu-system-x86_64", &old, &err), &err, &old);
    if (mc_domxml_abi_equal(orig, doc, &err) < 0)
        abort(); /* an edit changed the guest ABI */
    if (mc_domxml_validate_domcaps_xml(domcaps, doc, "fuzz", &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
    }
    /* What migrate sends must parse again. */
    char *out = mc_domxml_string(doc);
    xmlDocPtr again = NULL;
    if (!out || mc_domxml_parse(out, "edited", &again, &err) < 0)
        abort();
    xmlFreeDoc(again);
    free(out);
    mc_vm_facts_free(vm);
    xmlFreeDoc(doc);
    xmlFreeDoc(orig);
    free(xml);
    return 0;
}
