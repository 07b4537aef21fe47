/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the fuzz targets whose input becomes host facts (virt, os, snapshots): facts that
 * were read must survive the snapshot. */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "checker/facts-xml.h"

/* h -> XML -> read -> XML gives the same bytes; anything else aborts. */
static inline void fuzz_assert_snapshot_round_trip(const struct mc_host_facts *h)
{
    char *x1 = NULL, *x2 = NULL;
    size_t l1 = 0, l2 = 0;
    struct mc_error err = { 0 };
    if (mc_facts_to_xml(h, &x1, &l1) < 0)
        abort();
    struct mc_host_facts *back = NULL;
    if (mc_facts_from_xml(x1, l1, "round trip", &back, &err) < 0)
        abort(); /* what a parser produced, the snapshot must hold */
    if (mc_facts_to_xml(back, &x2, &l2) < 0)
        abort();
    if (l1 != l2 || memcmp(x1, x2, l1) != 0)
        abort();
    free(x1);
    free(x2);
    mc_host_facts_free(back);
}
