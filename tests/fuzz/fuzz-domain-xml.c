/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML comes from remote daemons and from --vm-xml files: untrusted.
 * Any input is refused with a message or read into VM facts, and those facts
 * survive the snapshot round trip.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>

#include "checker/xml-util.h"
#include "fuzz-facts.h"
#include "virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_vm_facts *vm = NULL;
    mc_xml_init();
    if (mc_domain_xml_parse((const char *)data, size, "fuzz input", &vm, &err) < 0) {
        if (!err.message || !*err.message || vm)
            abort(); /* every failure says why, and leaves nothing behind */
        mc_error_clear(&err);
        return 0;
    }
    if (!vm || !vm->name || !vm->xml)
        abort();
    struct mc_host_facts *h = mc_host_facts_new();
    h->vm = vm;
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
