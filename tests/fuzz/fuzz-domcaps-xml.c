/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities come from the destination's daemon: untrusted. migrate validates its
 * destination XML against them: any input is refused with a message or judged, never a crash.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"

static const char domain[] =
    "<domain type='qemu'><name>f</name><memory>65536</memory><os><type arch='x86_64' "
    "machine='pc-i440fx-7.2'>hvm</type><loader type='rom'>/l</loader></os><devices>"
    "<disk type='file' device='disk'><source file='/a'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>"
    "<graphics type='vnc' listen='169.254.42.11'/><video><model type='vga'/></video>"
    "<hostdev mode='subsystem' type='pci'/><rng model='virtio'/><tpm model='tpm-crb'/>"
    "</devices></domain>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    mc_xml_init();
    static xmlDocPtr doc;
    if (!doc && mc_domxml_parse(domain, "domain", &doc, &err) < 0)
        abort();
    char *caps = mc_xstrndup((const char *)data, size);
    if (mc_domxml_validate_domcaps_xml(caps, doc, "fuzz", &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
    }
    free(caps);
    return 0;
}
