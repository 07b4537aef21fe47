/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshot files are untrusted input. Any input either fails with a message
 * or reads into facts; facts that were read write back to XML, and that XML
 * reads and writes again to the very same bytes (the round trip).
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts-xml.h"
#include "checker/xml-util.h"
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
    char *x1 = NULL, *x2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (mc_facts_to_xml(h, &x1, &l1) < 0)
        abort();
    struct mc_host_facts *h2 = NULL;
    if (mc_facts_from_xml(x1, l1, "round trip", &h2, &err) < 0)
        abort(); /* what we write, we read */
    if (mc_facts_to_xml(h2, &x2, &l2) < 0)
        abort();
    if (l1 != l2 || memcmp(x1, x2, l1) != 0)
        abort(); /* write -> read -> write is the identity */
    free(x1);
    free(x2);
    mc_host_facts_free(h);
    mc_host_facts_free(h2);
    return 0;
}
