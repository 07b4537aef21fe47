/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network gatherers in a private network namespace (needs root).
 *
 * The test process moves itself into a new network and mount namespace
 * (unshare), mounts a fresh sysfs there (sysfs shows the namespace of the
 * process that mounts it) and builds: a bridge with MTU 9000, a veth pair
 * with one end enslaved to it, a macvlan and a tap, and where this kernel has
 * them a VLAN and a bond; IPv4 and IPv6 addresses and a route via a gateway.
 * Everything vanishes with the process: nothing outside it is touched.
 *
 * It then checks (1) the netlink gatherer against `ip -j -d link show`,
 * `ip -j addr` and `ip -j route` in that namespace, and (2) the sysfs/proc
 * gatherer on mc_source_fs("/") against the netlink gatherer: the same links,
 * masters, MTUs, kinds (where sysfs can tell), addresses and routes. (2) is
 * what lets facts gathered by the sh probe on a host without migcheck be
 * trusted like local ones.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <cmocka.h>

#include "checker/facts.h"
#include "network/network.h"
#include "sn-test-util.h"
#include "util/cleanup.h"
#include "util/source.h"
#include "util/strv.h"

static bool have_vlan, have_bond;

/* Run "ip ARGS..." (split on spaces; no shell). */
static int ip(const char *args)
{
    _cleanup_strv_free_ char **v = mc_strv_split(args, " ");
    const char *argv[32] = { "ip" };
    size_t n = 1;
    STRV_FOREACH (a, v)
        if (n < 31)
            argv[n++] = *a;
    argv[n] = NULL;
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    int r = mc_spawn_run(&o, &res, &err);
    if (r < 0) {
        fprintf(stderr, "ip %s: %s\n", args, err.message);
        mc_error_clear(&err);
        return r;
    }
    int ex = res.exit_code;
    if (ex != 0)
        fprintf(stderr, "ip %s: exit %d: %s", args, ex, res.err);
    mc_spawn_result_clear(&res);
    return ex == 0 ? 0 : -EIO;
}

static int setup(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        fprintf(stderr, "unshare: %m\n");
        return -1;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
        fprintf(stderr, "cannot remount /sys in the namespace: %m\n");
        return -1;
    }
    static const char *const cmds[] = {
        "link set lo up",
        "link add mcbr0 type bridge",
        "link set mcbr0 mtu 9000",
        "link add mcv0 type veth peer name mcv1",
        "link set mcv0 mtu 9000",
        "link set mcv0 master mcbr0",
        "link set mcv0 up",
        "link set mcv1 up",
        "link set mcbr0 up",
        "addr add 169.254.10.1/24 dev mcbr0",
        "addr add 169.254.11.1/16 dev mcbr0",
        "addr add fd00:5a::1/64 dev mcbr0 nodad",
        "addr add 169.254.20.1/24 dev mcv1",
        "addr add fd00:5b::1/64 dev mcv1 nodad",
        "route add 169.254.99.0/24 via 169.254.10.254 dev mcbr0 metric 50",
        "route add default via 169.254.10.254 dev mcbr0",
        "-6 route add fd00:99::/48 via fd00:5a::fe dev mcbr0 metric 77",
        "link add mcmv0 link mcv1 type macvlan mode bridge",
        "tuntap add mctap0 mode tap",
        NULL,
    };
    for (size_t i = 0; cmds[i]; i++)
        if (ip(cmds[i]) < 0)
            return -1;
    /* Not every kernel has 8021q and bonding (this machine's has neither). */
    have_vlan = ip("link add link mcv1 name mcv1.42 type vlan id 42") == 0;
    if (have_vlan)
        ip("link set mcv1.42 mtu 1400");
    else
        fprintf(stderr, "this kernel has no 802.1Q VLAN support: VLAN checks skipped\n");
    have_bond = ip("link add mcbond0 type bond mode active-backup") == 0;
    if (!have_bond)
        fprintf(stderr, "this kernel has no bonding support: bond checks skipped\n");
    return 0;
}

static const struct mc_link *link_named(const struct mc_host_facts *h, const char *name)
{
    return mc_net_find_link(&h->net, name);
}

static char *lower(const char *s)
{
    char *r = mc_xstrdup(s);
    for (char *p = r; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return r;
}

static bool json_flags_has(json_object *o, const char *flag)
{
    json_object *fl = NULL;
    if (!json_object_object_get_ex(o, "flags", &fl))
        return false;
    for (size_t i = 0; i < json_object_array_length(fl); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(fl, i)), flag) == 0)
            return true;
    return false;
}

/* (1a) links: netlink vs ip -j -d link show */
static void test_netlink_links_vs_ip(void **state)
{
    (void)state;
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_netlink(h);
    assert_int_equal(h->n_errors, 0);
    const char *argv[] = { "ip", "-j", "-d", "link", "show", NULL };
    json_object *j = sn_run_json(argv);
    assert_non_null(j);
    size_t n = json_object_array_length(j);
    assert_int_equal(n, h->net.n_links);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(j, i);
        const char *name = sn_jstr(e, "ifname");
        const struct mc_link *l = link_named(h, name);
        assert_non_null(l);
        assert_int_equal(l->ifindex, sn_jint(e, "ifindex", -1));
        assert_int_equal(l->mtu, sn_jint(e, "mtu", -1));
        _cleanup_free_ char *os = lower(sn_jstr(e, "operstate"));
        assert_string_equal(l->operstate, os);
        assert_int_equal(l->up, json_flags_has(e, "UP"));
        assert_int_equal(l->carrier, json_flags_has(e, "LOWER_UP"));
        assert_int_equal(sn_strcmp0(l->master, sn_jstr(e, "master")), 0);
        assert_int_equal(sn_strcmp0(l->mac, sn_jstr(e, "address")), 0);
        json_object *li = NULL, *data = NULL;
        const char *kind = "", *slave = NULL;
        if (json_object_object_get_ex(e, "linkinfo", &li)) {
            kind = sn_jstr(li, "info_kind") ? sn_jstr(li, "info_kind") : "";
            slave = sn_jstr(li, "info_slave_kind");
            if (strcmp(kind, "vlan") == 0 && json_object_object_get_ex(li, "info_data", &data))
                assert_int_equal(l->vlan_id, sn_jint(data, "id", -1));
        }
        if (sn_strcmp0(l->kind, kind) != 0)
            fail_msg("link '%s': kind '%s', ip says '%s'", name, l->kind, kind);
        assert_int_equal(sn_strcmp0(l->slave_kind, slave), 0);
        if (strcmp(kind, "vlan") == 0 || strcmp(kind, "macvlan") == 0)
            assert_int_equal(sn_strcmp0(l->link, sn_jstr(e, "link")), 0);
    }
    json_object_put(j);

    /* and what the namespace was built with, so a broken `ip` cannot make this pass */
    const struct mc_link *br = link_named(h, "mcbr0");
    assert_non_null(br);
    assert_string_equal(br->kind, "bridge");
    assert_int_equal(br->mtu, 9000);
    const struct mc_link *v0 = link_named(h, "mcv0");
    assert_string_equal(v0->kind, "veth");
    assert_string_equal(v0->master, "mcbr0");
    assert_string_equal(v0->slave_kind, "bridge");
    const struct mc_link *mv = link_named(h, "mcmv0");
    assert_string_equal(mv->kind, "macvlan");
    assert_string_equal(mv->link, "mcv1");
    assert_string_equal(link_named(h, "mctap0")->kind, "tun");
    if (have_vlan) {
        const struct mc_link *vl = link_named(h, "mcv1.42");
        assert_string_equal(vl->kind, "vlan");
        assert_int_equal(vl->vlan_id, 42);
        assert_string_equal(vl->link, "mcv1");
    }
    if (have_bond)
        assert_string_equal(link_named(h, "mcbond0")->bond_mode, "active-backup");
    mc_host_facts_free(h);
}

/* (1b) addresses: netlink vs ip -j addr */
static void test_netlink_addrs_vs_ip(void **state)
{
    (void)state;
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_netlink(h);
    const char *argv[] = { "ip", "-j", "addr", NULL };
    json_object *j = sn_run_json(argv);
    assert_non_null(j);
    size_t count = 0;
    for (size_t i = 0; i < json_object_array_length(j); i++) {
        json_object *e = json_object_array_get_idx(j, i), *ai = NULL;
        if (!json_object_object_get_ex(e, "addr_info", &ai))
            continue;
        for (size_t k = 0; k < json_object_array_length(ai); k++) {
            json_object *a = json_object_array_get_idx(ai, k);
            count++;
            if (!sn_net_has_addr(&h->net, sn_jstr(e, "ifname"), sn_jstr(a, "family"),
                                 sn_jstr(a, "local"), sn_jint(a, "prefixlen", -1),
                                 sn_jstr(a, "scope")))
                fail_msg("address %s/%lld on '%s' (scope %s) not gathered", sn_jstr(a, "local"),
                         (long long)sn_jint(a, "prefixlen", -1), sn_jstr(e, "ifname"),
                         sn_jstr(a, "scope"));
        }
    }
    assert_int_equal(count, h->net.n_addrs);
    assert_true(sn_net_has_addr(&h->net, "mcbr0", "inet", "169.254.11.1", 16, "global"));
    assert_true(sn_net_has_addr(&h->net, "mcv1", "inet6", "fd00:5b::1", 64, "global"));
    json_object_put(j);
    mc_host_facts_free(h);
}

/* (1c) routes of the main table: netlink vs ip -j route */
static void test_netlink_routes_vs_ip(void **state)
{
    (void)state;
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_netlink(h);
    size_t count = 0;
    static const char *const fams[] = { "-4", "-6" };
    for (size_t f = 0; f < 2; f++) {
        const char *argv[] = { "ip", "-j", fams[f], "route", "show", "table", "main", NULL };
        json_object *j = sn_run_json(argv);
        assert_non_null(j);
        for (size_t i = 0; i < json_object_array_length(j); i++) {
            json_object *e = json_object_array_get_idx(j, i);
            const char *dst = sn_jstr(e, "dst");
            _cleanup_free_ char *d = NULL;
            if (strcmp(dst, "default") == 0 || strchr(dst, '/'))
                d = mc_xstrdup(dst);
            else /* ip prints host routes without their length */
                d = mc_xasprintf("%s/%d", dst, f == 0 ? 32 : 128);
            count++;
            if (!sn_net_has_route(&h->net, f == 0 ? "inet" : "inet6", d, sn_jstr(e, "gateway"),
                                  sn_jstr(e, "dev"), sn_jint(e, "metric", 0)))
                fail_msg("route %s via %s dev %s metric %lld not gathered", d,
                         sn_jstr(e, "gateway"), sn_jstr(e, "dev"),
                         (long long)sn_jint(e, "metric", 0));
        }
        json_object_put(j);
    }
    assert_int_equal(count, h->net.n_routes);
    assert_true(
        sn_net_has_route(&h->net, "inet", "169.254.99.0/24", "169.254.10.254", "mcbr0", 50));
    assert_true(sn_net_has_route(&h->net, "inet6", "fd00:99::/48", "fd00:5a::fe", "mcbr0", 77));
    assert_true(sn_net_has_route(&h->net, "inet", "default", "169.254.10.254", "mcbr0", 0));
    mc_host_facts_free(h);
}

/* (2) the sysfs/proc gatherer on this namespace gives what netlink gives */
static void test_source_equals_netlink(void **state)
{
    (void)state;
    struct mc_host_facts *nl = mc_host_facts_new();
    mc_net_gather_netlink(nl);
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *sy = mc_host_facts_new();
    mc_net_gather_source(src, sy);
    for (size_t i = 0; i < sy->n_errors; i++)
        fprintf(stderr, "error: %s: %s\n", sy->errors[i].area, sy->errors[i].message);
    assert_int_equal(sy->n_errors, 0);

    for (size_t i = 0; i < sy->net.n_links; i++)
        if (!link_named(nl, sy->net.links[i].name))
            fail_msg("sysfs shows link '%s' that netlink does not", sy->net.links[i].name);
    assert_int_equal(sy->net.n_links, nl->net.n_links);
    size_t kinds_known = 0;
    for (size_t i = 0; i < nl->net.n_links; i++) {
        const struct mc_link *a = &nl->net.links[i];
        const struct mc_link *b = link_named(sy, a->name);
        if (!b)
            fail_msg("link '%s' missing from sysfs", a->name);
        if (a->ifindex != b->ifindex || a->mtu != b->mtu ||
            sn_strcmp0(a->operstate, b->operstate) || a->up != b->up || a->carrier != b->carrier ||
            sn_strcmp0(a->master, b->master) || sn_strcmp0(a->mac, b->mac) ||
            sn_strcmp0(a->slave_kind, b->slave_kind) || a->vlan_id != b->vlan_id ||
            sn_strcmp0(a->bond_mode, b->bond_mode))
            fail_msg("link '%s' differs: netlink idx=%lld mtu=%lld op=%s up=%d carrier=%d "
                     "master=%s mac=%s slave=%s vlan=%lld; sysfs idx=%lld mtu=%lld op=%s up=%d "
                     "carrier=%d master=%s mac=%s slave=%s vlan=%lld",
                     a->name, (long long)a->ifindex, (long long)a->mtu, a->operstate, a->up,
                     a->carrier, a->master, a->mac, a->slave_kind, (long long)a->vlan_id,
                     (long long)b->ifindex, (long long)b->mtu, b->operstate, b->up, b->carrier,
                     b->master, b->mac, b->slave_kind, (long long)b->vlan_id);
        /* sysfs cannot name every kind (veth, macvlan): where it does, it must agree */
        if (b->kind) {
            kinds_known++;
            if (strcmp(a->kind, b->kind) != 0)
                fail_msg("link '%s': kind '%s' by netlink, '%s' by sysfs", a->name, a->kind,
                         b->kind);
        }
        if (b->link && sn_strcmp0(a->link, b->link))
            fail_msg("link '%s': lower '%s' vs '%s'", a->name, a->link, b->link);
    }
    /* lo, the bridge and the tap at least */
    assert_true(kinds_known >= 3);
    assert_string_equal(link_named(sy, "mcbr0")->kind, "bridge");
    assert_string_equal(link_named(sy, "mcmv0")->link, "mcv1");
    if (have_vlan)
        assert_string_equal(link_named(sy, "mcv1.42")->link, "mcv1");

    assert_int_equal(sy->net.n_addrs, nl->net.n_addrs);
    for (size_t i = 0; i < nl->net.n_addrs; i++) {
        const struct mc_addr *a = &nl->net.addrs[i];
        if (!sn_net_has_addr(&sy->net, a->ifname, a->family, a->address, a->prefixlen, a->scope))
            fail_msg("address %s/%lld on '%s' scope %s: not found through sysfs/proc", a->address,
                     (long long)a->prefixlen, a->ifname, a->scope);
    }

    assert_int_equal(sy->net.n_routes, nl->net.n_routes);
    for (size_t i = 0; i < nl->net.n_routes; i++) {
        const struct mc_route *r = &nl->net.routes[i];
        if (!sn_net_has_route(&sy->net, r->family, r->dst, r->gateway, r->dev, r->metric))
            fail_msg("route %s via %s dev %s metric %lld: not found through /proc", r->dst,
                     r->gateway, r->dev, (long long)r->metric);
    }
    mc_host_facts_free(sy);
    mc_host_facts_free(nl);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "needs root (network namespaces): skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netlink_links_vs_ip),
        cmocka_unit_test(test_netlink_addrs_vs_ip),
        cmocka_unit_test(test_netlink_routes_vs_ip),
        cmocka_unit_test(test_source_equals_netlink),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
