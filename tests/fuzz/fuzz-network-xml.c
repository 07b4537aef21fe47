/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network XML from remote daemons: untrusted. Refused with a message or read into a network
 * that survives the snapshot round trip; the forward mode is always known. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>

#include "checker/xml-util.h"
#include "fuzz-facts.h"
#include "util/xalloc.h"
#include "virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_vnet n;
    mc_xml_init();
    if (mc_network_xml_parse((const char *)data, size, &n, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    if (!n.forward_mode)
        abort();
    struct mc_host_facts *h = mc_host_facts_new();
    *MC_APPEND(h->virt.networks, h->virt.n_networks) = n;
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
