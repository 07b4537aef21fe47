/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a host without migcheck answers the sh probe is untrusted from end to end: any
 * answer either is refused with a message or gives os facts (and ROM hashes for a VM) that
 * write to a snapshot, read back, and write again to the very same bytes.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-facts.h"
#include "checker/xml-util.h"
#include "os/os.h"
#include "util/source.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define BOUNDARY "fuzzb0undary01"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_source *s = NULL;
    mc_xml_init();
    if (mc_source_dump((const char *)data, size, BOUNDARY, "fuzz", &s, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    struct mc_host_facts *h = mc_host_facts_new();
    h->vm = mc_new0(struct mc_vm_facts, 1);
    h->vm->machine = mc_xstrdup("pc-q35-7.2");
    struct mc_iface *i = MC_APPEND(h->vm->ifaces, h->vm->n_ifaces);
    i->model = mc_xstrdup("virtio");
    mc_strv_add(&h->vm->video_models, "vga");
    struct mc_vm_file *f = MC_APPEND(h->vm->files, h->vm->n_files);
    f->role = mc_xstrdup("loader");
    f->path = mc_xstrdup("/usr/share/OVMF/OVMF_CODE.fd");
    mc_os_gather(s, h);
    mc_os_hash_vm_roms(s, h);
    for (size_t k = 0; k < h->os.n_roms; k++)
        if (h->os.roms[k].sha256 && strlen(h->os.roms[k].sha256) != 64)
            abort();

    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    mc_source_free(s);
    return 0;
}
