/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshot files are untrusted input. Any input either fails with a message
 * or reads into facts; facts that were read write back to XML, and that XML
 * reads and writes again to the very same bytes (the round trip).
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>

#include "checker/facts-xml.h"
#include "checker/xml-util.h"
#include "fuzz-facts.h"
#include "util/cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_host_facts *h = NULL;
    mc_xml_init();
    if (mc_facts_from_xml((const char *)data, size, "fuzz input", &h, &err) < 0) {
        if (!err.message || !*err.message)
            abort(); /* every failure says why */
        mc_error_clear(&err);
        return 0;
    }
    fuzz_assert_snapshot_round_trip(h); /* write -> read -> write is the identity */
    mc_host_facts_free(h);
    return 0;
}
