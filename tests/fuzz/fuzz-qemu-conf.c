/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu.conf is read from remote hosts through the sh probe: untrusted. Any
 * input is refused with a message or read into settings that survive the
 * snapshot round trip; absent ports always hold libvirt's defaults.
 */
#include "fuzz.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-facts.h"
#include "virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_qemu_conf c;
    if (mc_qemu_conf_parse((const char *)data, size, &c, &err) < 0) {
        if (!err.message || !*err.message || err.code != -EBADMSG)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    if (!c.readable)
        abort();
    /* A key that is not in the input cannot be set. */
    if (!memmem(data, size, "migration_port_min", 18) && c.migration_port_min != 49152)
        abort();
    if (!memmem(data, size, "migration_address", 17) && c.migration_address)
        abort();
    struct mc_host_facts *h = mc_host_facts_new();
    h->virt.qemu_conf = c;
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
