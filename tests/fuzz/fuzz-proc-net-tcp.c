/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/net/tcp and tcp6 from a remote host. The first byte selects tcp
 * (even) or tcp6 (odd). Every listener found is well formed and unique.
 */
#include "fuzz.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts.h"
#include "network/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool v6 = data[0] & 1;
    struct mc_net_facts n = { 0 };
    struct mc_error err = { 0 };
    int r = mc_proc_net_tcp_parse((const char *)data + 1, size - 1, v6, &n, &err);
    if (r < 0 && !err.message)
        abort();
    mc_error_clear(&err);
    for (size_t i = 0; i < n.n_listens; i++) {
        const struct mc_listen *l = &n.listens[i];
        unsigned char buf[16];
        if (l->port < 0 || l->port > 65535 || strcmp(l->proto, v6 ? "tcp6" : "tcp") != 0 ||
            inet_pton(v6 ? AF_INET6 : AF_INET, l->address, buf) != 1)
            abort();
        for (size_t k = 0; k < i; k++)
            if (n.listens[k].port == l->port && strcmp(n.listens[k].address, l->address) == 0)
                abort();
    }
    mc_net_facts_clear(&n);
    return 0;
}
