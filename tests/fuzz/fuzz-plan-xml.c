/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Journals (and plans) are untrusted input: `migcheck undo` reads a file it is given. Any input
 * either fails with a message or reads into a plan; a plan that was read writes back to XML, and
 * that XML reads and writes again to the very same bytes (the round trip).
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/plan.h"
#include "checker/xml-util.h"
#include "util/cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_plan *h = NULL;
    mc_xml_init();
    if (mc_plan_from_xml((const char *)data, size, "fuzz input", &h, &err) < 0) {
        if (!err.message || !*err.message)
            abort(); /* every failure says why */
        mc_error_clear(&err);
        return 0;
    }
    char *x1 = NULL, *x2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (mc_plan_to_xml(h, &x1, &l1) < 0)
        abort();
    struct mc_plan *h2 = NULL;
    if (mc_plan_from_xml(x1, l1, "round trip", &h2, &err) < 0)
        abort(); /* what we write, we read */
    if (mc_plan_to_xml(h2, &x2, &l2) < 0)
        abort();
    if (l1 != l2 || memcmp(x1, x2, l1) != 0)
        abort(); /* write -> read -> write is the identity */
    free(x1);
    free(x2);
    mc_plan_free(h);
    mc_plan_free(h2);
    return 0;
}
