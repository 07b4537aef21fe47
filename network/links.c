/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network facts of this host through rtnetlink (libnl-route 3.7): links,
 * addresses and the main routing table, in the network namespace of the
 * calling thread.
 *
 * libnl traps (engineering notes 3.4): rtnl_link_is_bridge() is true only for
 * AF_BRIDGE port objects, so a bridge is rtnl_link_get_type() == "bridge";
 * masters and lower links are ifindexes, resolved by name through the cache;
 * a link whose IFLA_LINK points into another namespace (a veth peer moved
 * away) carries a link-netnsid and its ifindex means nothing here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "net-internal.h"
#include "network.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/xalloc.h"

MC_DEFINE_CLEANUP(struct nl_sock *, nl_socket_free)
MC_DEFINE_CLEANUP(struct nl_cache *, nl_cache_free)

static const char *family_name(int f)
{
    return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : NULL;
}

/* An nl_addr as plain text without prefix; NULL when empty. */
static char *addr_text(struct nl_addr *a)
{
    if (!a || nl_addr_get_len(a) == 0)
        return NULL;
    int f = nl_addr_get_family(a);
    if ((f == AF_INET && nl_addr_get_len(a) == 4) || (f == AF_INET6 && nl_addr_get_len(a) == 16))
        return mc_net_addr_str(f, nl_addr_get_binary_addr(a));
    char buf[128];
    nl_addr2str(a, buf, sizeof(buf));
    return mc_xstrdup(buf);
}

static char *ifname_of(struct nl_cache *links, int ifindex)
{
    if (ifindex <= 0)
        return NULL;
    char buf[IFNAMSIZ + 1];
    if (!rtnl_link_i2name(links, ifindex, buf, sizeof(buf)))
        return NULL;
    return mc_xstrdup(buf);
}

/* Kinds whose IFLA_LINK is the lower device of the facts' "link". */
static bool stacked_kind(const char *kind)
{
    static const char *const kinds[] = { "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap", NULL };
    for (size_t i = 0; kind && kinds[i]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

static void add_link(struct mc_net_facts *n, struct nl_cache *links, struct rtnl_link *nl)
{
    struct mc_link *l = MC_APPEND(n->links, n->n_links);
    l->ifindex = rtnl_link_get_ifindex(nl);
    l->name = mc_xstrdup_or_null(rtnl_link_get_name(nl));
    const char *type = rtnl_link_get_type(nl);
    l->kind = mc_xstrdup(type ? type : "");
    l->slave_kind = mc_xstrdup_or_null(rtnl_link_get_slave_type(nl));
    l->mtu = rtnl_link_get_mtu(nl);
    char buf[64];
    rtnl_link_operstate2str(rtnl_link_get_operstate(nl), buf, sizeof(buf));
    l->operstate = mc_xstrdup(buf);
    unsigned flags = rtnl_link_get_flags(nl);
    l->up = flags & IFF_UP;
    l->carrier = flags & IFF_LOWER_UP;
    l->master = ifname_of(links, rtnl_link_get_master(nl));
    l->mac = addr_text(rtnl_link_get_addr(nl));
    if (rtnl_link_is_vlan(nl))
        l->vlan_id = rtnl_link_vlan_get_id(nl);
    int32_t nsid;
    if (stacked_kind(type) && rtnl_link_get_link_netnsid(nl, &nsid) != 0) {
        int lower = rtnl_link_get_link(nl);
        if (lower > 0 && lower != l->ifindex)
            l->link = ifname_of(links, lower);
    }
    if (type && strcmp(type, "bond") == 0 && l->name) {
        /* libnl 3.7 has no getter for IFLA_BOND_MODE: this host's sysfs says it */
        _cleanup_free_ char *p = mc_xasprintf("/sys/class/net/%s/bonding/mode", l->name);
        _cleanup_free_ char *mode = NULL;
        if (mc_read_line_at(AT_FDCWD, p, &mode) == 0 && *mode) {
            mode[strcspn(mode, " ")] = '\0';
            l->bond_mode = mc_xstrdup(mode);
        }
    }
}

static void add_addr(struct mc_net_facts *n, struct nl_cache *links, struct rtnl_addr *a)
{
    const char *fam = family_name(rtnl_addr_get_family(a));
    if (!fam)
        return;
    struct mc_addr *x = MC_APPEND(n->addrs, n->n_addrs);
    x->ifname = ifname_of(links, rtnl_addr_get_ifindex(a));
    x->family = mc_xstrdup(fam);
    x->address = addr_text(rtnl_addr_get_local(a));
    x->prefixlen = rtnl_addr_get_prefixlen(a);
    x->scope = mc_xstrdup_or_null(mc_net_scope_name(rtnl_addr_get_scope(a)));
}

static void add_route_nh(struct mc_net_facts *n, struct nl_cache *links, struct rtnl_route *r,
                         const char *fam, struct rtnl_nexthop *nh)
{
    struct mc_route *x = MC_APPEND(n->routes, n->n_routes);
    x->family = mc_xstrdup(fam);
    struct nl_addr *dst = rtnl_route_get_dst(r);
    if (!dst || nl_addr_get_prefixlen(dst) == 0) {
        x->dst = mc_xstrdup("default");
    } else {
        _cleanup_free_ char *a = addr_text(dst);
        x->dst = mc_xasprintf("%s/%u", a ? a : "?", nl_addr_get_prefixlen(dst));
    }
    if (nh) {
        x->gateway = addr_text(rtnl_route_nh_get_gateway(nh));
        x->dev = ifname_of(links, rtnl_route_nh_get_ifindex(nh));
    }
    x->prefsrc = addr_text(rtnl_route_get_pref_src(r));
    x->table = rtnl_route_get_table(r);
    x->metric = rtnl_route_get_priority(r);
}

static void add_route(struct mc_net_facts *n, struct nl_cache *links, struct rtnl_route *r)
{
    const char *fam = family_name(rtnl_route_get_family(r));
    if (!fam || rtnl_route_get_table(r) != RT_TABLE_MAIN)
        return;
    int nnh = rtnl_route_get_nnexthops(r);
    /*
     * libnl merges IPv6 routes with the same destination, table and metric into one object
     * with several next hops (fe80::/64 on every link); the kernel holds them as separate
     * routes, as ip(8) and /proc/net/ipv6_route show: one fact per next hop. An IPv4
     * multipath route is one route: its first next hop, as /proc/net/route shows it.
     */
    if (nnh <= 0)
        add_route_nh(n, links, r, fam, NULL);
    else if (rtnl_route_get_family(r) == AF_INET6)
        for (int i = 0; i < nnh && i < 1024; i++)
            add_route_nh(n, links, r, fam, rtnl_route_nexthop_n(r, i));
    else
        add_route_nh(n, links, r, fam, rtnl_route_nexthop_n(r, 0));
}

struct route_ctx {
    struct mc_net_facts *n;
    struct nl_cache *links;
};

static int route_cb(struct nl_msg *msg, void *arg)
{
    struct route_ctx *c = arg;
    struct rtnl_route *r = NULL;
    if (rtnl_route_parse(nlmsg_hdr(msg), &r) < 0 || !r)
        return NL_SKIP;
    add_route(c->n, c->links, r);
    rtnl_route_put(r);
    return NL_OK;
}

void mc_net_gather_netlink(struct mc_host_facts *h)
{
    struct mc_net_facts *n = &h->net;
    mc_net_facts_clear_but_listens(n);

    _cleanup_(nl_socket_freep) struct nl_sock *sk = nl_socket_alloc();
    if (!sk) {
        mc_facts_add_error(h, "net", ENOMEM, "cannot allocate a netlink socket");
        return;
    }
    int r = nl_connect(sk, NETLINK_ROUTE);
    if (r < 0) {
        mc_facts_add_error(h, "net", EIO, "cannot connect to rtnetlink: %s", nl_geterror(r));
        return;
    }
    _cleanup_(nl_cache_freep) struct nl_cache *links = NULL;
    r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
    if (r < 0) {
        mc_facts_add_error(h, "net/links", EIO, "cannot list links: %s", nl_geterror(r));
        return;
    }
    for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o))
        add_link(n, links, (struct rtnl_link *)o);

    _cleanup_(nl_cache_freep) struct nl_cache *addrs = NULL;
    r = rtnl_addr_alloc_cache(sk, &addrs);
    if (r < 0)
        mc_facts_add_error(h, "net/addresses", EIO, "cannot list addresses: %s", nl_geterror(r));
    else
        for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o))
            add_addr(n, links, (struct rtnl_addr *)o);

    /*
     * Routes by a plain dump, not rtnl_route_alloc_cache(): the cache keys routes by
     * destination, table and metric and drops or merges the others (the fe80::/64 route of
     * every link but one would be lost).
     */
    struct route_ctx ctx = { .n = n, .links = links };
    struct rtmsg rhdr = { .rtm_family = AF_UNSPEC };
    r = nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rhdr, sizeof(rhdr));
    if (r >= 0)
        r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, route_cb, &ctx);
    if (r >= 0)
        r = nl_recvmsgs_default(sk);
    if (r < 0)
        mc_facts_add_error(h, "net/routes", EIO, "cannot list routes: %s", nl_geterror(r));
}
