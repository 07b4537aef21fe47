/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The other /proc/net parsers, by a leading selector byte:
 *   0 route, 1 ipv6_route, 2 if_inet6, 3 route + fib_trie (the rest split at the
 *   first NUL: route text, then fib_trie text), 4 vlan/config (on links named
 *   eth0, eth0.100, bond0.7).
 * Whatever they produce is well formed: addresses parse back, lengths in range.
 */
#include "fuzz.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts.h"
#include "network/network.h"
#include "util/xalloc.h"

static void check_addr(const char *family, const char *a)
{
    unsigned char buf[16];
    if (!family || !a || inet_pton(strcmp(family, "inet6") == 0 ? AF_INET6 : AF_INET, a, buf) != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    struct mc_net_facts n = { 0 };
    struct mc_error err = { 0 };
    int r = 0;
    switch (data[0] % 5) {
    case 0:
        r = mc_proc_net_route_parse(buf, len, &n, &err);
        break;
    case 1:
        r = mc_proc_net_ipv6_route_parse(buf, len, &n, &err);
        break;
    case 2:
        r = mc_proc_net_if_inet6_parse(buf, len, &n, &err);
        break;
    case 3: {
        const char *nul = memchr(buf, '\0', len);
        size_t rl = nul ? (size_t)(nul - buf) : len;
        r = mc_proc_net_route_parse(buf, rl, &n, &err);
        if (r == 0 && nul)
            r = mc_proc_net_fib_trie_parse(nul + 1, len - rl - 1, &n, &err);
        break;
    }
    case 4: {
        static const char *const names[] = { "eth0", "eth0.100", "bond0.7" };
        for (size_t i = 0; i < 3; i++)
            MC_APPEND(n.links, n.n_links)->name = mc_xstrdup(names[i]);
        r = mc_proc_net_vlan_config_parse(buf, len, &n, &err);
        for (size_t i = 0; i < n.n_links; i++)
            if (n.links[i].vlan_id < 0 || n.links[i].vlan_id > 4095 ||
                (n.links[i].kind && !n.links[i].link))
                abort();
        break;
    }
    }
    if (r < 0 && !err.message)
        abort();
    mc_error_clear(&err);
    for (size_t i = 0; i < n.n_addrs; i++) {
        check_addr(n.addrs[i].family, n.addrs[i].address);
        if (n.addrs[i].prefixlen < 0 || n.addrs[i].prefixlen > 128)
            abort();
    }
    for (size_t i = 0; i < n.n_routes; i++) {
        const struct mc_route *rt = &n.routes[i];
        if (!rt->dst || !rt->dev)
            abort();
        if (rt->gateway)
            check_addr(rt->family, rt->gateway);
        if (strcmp(rt->dst, "default") != 0) {
            char *a = mc_xstrdup(rt->dst);
            char *slash = strchr(a, '/');
            if (!slash)
                abort();
            *slash = 0;
            check_addr(rt->family, a);
            free(a);
        }
    }
    mc_net_facts_clear(&n);
    return 0;
}
