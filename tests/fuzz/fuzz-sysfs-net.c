/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Untrusted sysfs and /proc: the input is a probe dump (boundary
 * "snb0undary4test") that mc_net_gather_source and mc_net_gather_listening
 * read as a host. They never crash or loop, and every link has a name.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "checker/facts.h"
#include "network/network.h"
#include "util/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_source *s = NULL;
    if (mc_source_dump((const char *)data, size, "snb0undary4test", "fuzz", &s, &err) < 0) {
        mc_error_clear(&err);
        return 0;
    }
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_source(s, h);
    mc_net_gather_listening(s, h);
    for (size_t i = 0; i < h->net.n_links; i++)
        if (!h->net.links[i].name || !*h->net.links[i].name)
            abort();
    mc_host_facts_free(h);
    mc_source_free(s);
    return 0;
}
