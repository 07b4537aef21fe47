/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage pool XML from remote daemons: untrusted. Refused with a message or read into a pool
 * that survives the snapshot round trip. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>

#include "checker/xml-util.h"
#include "fuzz-virt-common.h"
#include "util/xalloc.h"
#include "virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_pool p;
    mc_xml_init();
    if (mc_pool_xml_parse((const char *)data, size, &p, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    struct mc_host_facts *h = mc_host_facts_new();
    *MC_APPEND(h->virt.pools, h->virt.n_pools) = p;
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
