/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage pool and secret XML from remote daemons: untrusted. Refused with a message or read
 * into a pool (or secret) that survives the snapshot round trip. */
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
    mc_xml_init();
    struct mc_host_facts *h = mc_host_facts_new();
    /* The same reader serves <secret> documents (virSecretGetXMLDesc). */
    struct mc_secret s;
    if (mc_secret_xml_parse((const char *)data, size, &s, &err) == 0) {
        *MC_APPEND(h->virt.secrets, h->virt.n_secrets) = s;
        h->virt.secrets_listed = true;
        fuzz_assert_snapshot_round_trip(h);
    } else {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
    }
    struct mc_pool p;
    if (mc_pool_xml_parse((const char *)data, size, &p, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        mc_host_facts_free(h);
        return 0;
    }
    *MC_APPEND(h->virt.pools, h->virt.n_pools) = p;
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
