/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Untrusted sysfs for storage: the input is a probe dump (boundary
 * "snb0undary4test") read by mc_mounts_gather and mc_storage_gather, for a VM
 * with a block disk behind a symlink chain and a file disk on a mount.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "checker/facts.h"
#include "storage/storage.h"
#include "util/source.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_source *s = NULL;
    if (mc_source_dump((const char *)data, size, "snb0undary4test", "fuzz", &s, &err) < 0) {
        mc_error_clear(&err);
        return 0;
    }
    struct mc_host_facts *h = mc_host_facts_new();
    h->vm = mc_new0(struct mc_vm_facts, 1);
    static const char *const disks[][2] = { { "block", "/dev/mapper/mpatha" },
                                            { "block", "/dev/disk/by-id/x" },
                                            { "file", "/var/lib/libvirt/images/a.qcow2" } };
    for (size_t i = 0; i < 3; i++) {
        struct mc_disk *d = MC_APPEND(h->vm->disks, h->vm->n_disks);
        d->type = mc_xstrdup(disks[i][0]);
        d->source = mc_xstrdup(disks[i][1]);
    }
    mc_mounts_gather(s, h);
    mc_storage_gather(s, h);
    for (size_t i = 0; i < h->storage.n_blockdevs; i++)
        if (!h->storage.blockdevs[i].name || strchr(h->storage.blockdevs[i].name, '/'))
            abort();
    mc_host_facts_free(h);
    mc_source_free(s);
    return 0;
}
