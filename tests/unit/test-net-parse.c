/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The /proc/net parsers and the sysfs/proc network gatherer, no root needed.
 *
 *  - tests/data/network/netns1: /proc/net files recorded in a namespace
 *    (record.sh) next to what `ip -j addr`, `ip -j route` and `ss -Htln`
 *    said there at the same moment: the parsers must give the same facts.
 *  - tests/data/network/sysfs-bond-vlan: a bond + VLAN + bridge host; this
 *    kernel has neither bonding nor 8021q, so the tree is written from the
 *    kernel's sysfs layout (make-sysfs-fixture.sh), a recording, not this host.
 *  - listening sockets opened here on 127.0.0.1 and ::1 must be found in this
 *    machine's /proc/net/tcp and tcp6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "checker/facts-xml.h"
#include "checker/facts.h"
#include "network/network.h"
#include "sn-probe-dump.h"
#include "sn-test-util.h"
#include "util/cleanup.h"
#include "util/source.h"
#include "util/strv.h"

typedef int (*parser)(const char *, size_t, struct mc_net_facts *, struct mc_error *);

static void parse_file(const char *rel, parser p, struct mc_net_facts *n)
{
    size_t len = 0;
    _cleanup_free_ char *buf = sn_fixture(rel, &len);
    assert_non_null(buf);
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(p(buf, len, n, &err), 0);
}

static json_object *fixture_json(const char *rel)
{
    _cleanup_free_ char *buf = sn_fixture(rel, NULL);
    assert_non_null(buf);
    json_object *j = json_tokener_parse(buf);
    assert_non_null(j);
    return j;
}

static void test_recorded_addresses(void **state)
{
    (void)state;
    struct mc_net_facts n = { 0 };
    parse_file("network/netns1/route", mc_proc_net_route_parse, &n);
    parse_file("network/netns1/fib_trie", mc_proc_net_fib_trie_parse, &n);
    parse_file("network/netns1/if_inet6", mc_proc_net_if_inet6_parse, &n);
    json_object *j = fixture_json("network/netns1/ip-addr.json");
    size_t count = 0;
    for (size_t i = 0; i < json_object_array_length(j); i++) {
        json_object *e = json_object_array_get_idx(j, i), *ai = NULL;
        if (!json_object_object_get_ex(e, "addr_info", &ai))
            continue;
        for (size_t k = 0; k < json_object_array_length(ai); k++) {
            json_object *a = json_object_array_get_idx(ai, k);
            count++;
            if (!sn_net_has_addr(&n, sn_jstr(e, "ifname"), sn_jstr(a, "family"),
                                 sn_jstr(a, "local"), sn_jint(a, "prefixlen", -1),
                                 sn_jstr(a, "scope")))
                fail_msg("ip shows %s/%lld on '%s' scope %s: not parsed", sn_jstr(a, "local"),
                         (long long)sn_jint(a, "prefixlen", -1), sn_jstr(e, "ifname"),
                         sn_jstr(a, "scope"));
        }
    }
    assert_true(count >= 6);
    assert_int_equal(count, n.n_addrs);
    json_object_put(j);
    mc_net_facts_clear(&n);
}

static void test_recorded_routes(void **state)
{
    (void)state;
    struct mc_net_facts n = { 0 };
    parse_file("network/netns1/route", mc_proc_net_route_parse, &n);
    parse_file("network/netns1/ipv6_route", mc_proc_net_ipv6_route_parse, &n);
    static const char *const files[] = { "network/netns1/ip-route4.json",
                                         "network/netns1/ip-route6.json" };
    size_t count = 0;
    for (size_t f = 0; f < 2; f++) {
        json_object *j = fixture_json(files[f]);
        for (size_t i = 0; i < json_object_array_length(j); i++) {
            json_object *e = json_object_array_get_idx(j, i);
            const char *dst = sn_jstr(e, "dst");
            _cleanup_free_ char *d = strcmp(dst, "default") == 0 || strchr(dst, '/')
                                         ? mc_xstrdup(dst)
                                         : mc_xasprintf("%s/%d", dst, f == 0 ? 32 : 128);
            count++;
            if (!sn_net_has_route(&n, f == 0 ? "inet" : "inet6", d, sn_jstr(e, "gateway"),
                                  sn_jstr(e, "dev"), sn_jint(e, "metric", 0)))
                fail_msg("ip shows %s via %s dev %s metric %lld: not parsed", d,
                         sn_jstr(e, "gateway"), sn_jstr(e, "dev"),
                         (long long)sn_jint(e, "metric", 0));
        }
        json_object_put(j);
    }
    assert_true(count >= 5);
    assert_int_equal(count, n.n_routes);
    mc_net_facts_clear(&n);
}

static void test_recorded_listening(void **state)
{
    (void)state;
    struct mc_net_facts n = { 0 };
    size_t len = 0;
    _cleanup_free_ char *t4 = sn_fixture("network/netns1/tcp", &len);
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_proc_net_tcp_parse(t4, len, false, &n, &err), 0);
    _cleanup_free_ char *t6 = sn_fixture("network/netns1/tcp6", &len);
    assert_int_equal(mc_proc_net_tcp_parse(t6, len, true, &n, &err), 0);
    /* ss -Htln: "LISTEN 0 1 127.0.0.1:7002 0.0.0.0:*", "[::1]:7004", "*:7003" */
    _cleanup_free_ char *ss = sn_fixture("network/netns1/ss-tln.txt", NULL);
    _cleanup_strv_free_ char **lines = mc_strv_split(ss, "\n");
    size_t count = 0;
    STRV_FOREACH (l, lines) {
        _cleanup_strv_free_ char **f = mc_strv_split(*l, " ");
        assert_true(mc_strv_length(f) >= 5);
        char *local = f[3];
        char *colon = strrchr(local, ':');
        *colon = 0;
        long port = strtol(colon + 1, NULL, 10);
        const char *addr = local;
        if (strcmp(addr, "*") == 0)
            addr = "::"; /* a dual-stack listener */
        _cleanup_free_ char *a =
            addr[0] == '[' ? mc_xstrndup(addr + 1, strlen(addr) - 2) : mc_xstrdup(addr);
        bool found = false;
        for (size_t i = 0; i < n.n_listens; i++)
            found |= n.listens[i].port == port && strcmp(n.listens[i].address, a) == 0 &&
                     strcmp(n.listens[i].proto, strchr(a, ':') ? "tcp6" : "tcp") == 0;
        if (!found)
            fail_msg("ss shows %s port %ld listening: not parsed", a, port);
        count++;
    }
    assert_int_equal(count, n.n_listens);
    assert_int_equal(count, 4);
    mc_net_facts_clear(&n);
}

/* The bond/VLAN/bridge host, and the same facts through the probe dump of its tree. */
static void test_sysfs_bond_vlan(void **state)
{
    (void)state;
    _cleanup_free_ char *dir = mc_xasprintf("%s/network/sysfs-bond-vlan", MC_TEST_DATA);
    _cleanup_(mc_source_freep) struct mc_source *fs = mc_source_fs(dir, false);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_source(fs, h);
    mc_net_gather_listening(fs, h);
    for (size_t i = 0; i < h->n_errors; i++)
        fprintf(stderr, "%s: %s\n", h->errors[i].area, h->errors[i].message);
    assert_int_equal(h->n_errors, 0);
    const struct mc_net_facts *n = &h->net;
    assert_int_equal(n->n_links, 8);

    const struct mc_link *bond = mc_net_find_link(n, "bond0");
    assert_string_equal(bond->kind, "bond");
    assert_string_equal(bond->bond_mode, "active-backup");
    assert_null(bond->link); /* two lower links: a bond has no single parent */
    const struct mc_link *eth1 = mc_net_find_link(n, "eth1");
    assert_string_equal(eth1->kind, "");
    assert_string_equal(eth1->master, "bond0");
    assert_string_equal(eth1->slave_kind, "bond");
    assert_int_equal(eth1->mtu, 9000);
    assert_true(eth1->up && eth1->carrier);
    const struct mc_link *vl = mc_net_find_link(n, "bond0.100");
    assert_string_equal(vl->kind, "vlan");
    assert_int_equal(vl->vlan_id, 100);
    assert_string_equal(vl->link, "bond0");
    assert_string_equal(vl->master, "br-vm");
    assert_string_equal(vl->slave_kind, "bridge");
    const struct mc_link *br = mc_net_find_link(n, "br-vm");
    assert_string_equal(br->kind, "bridge");
    assert_null(br->link);
    assert_string_equal(mc_net_find_link(n, "vnet3")->kind, "tun");
    assert_string_equal(mc_net_find_link(n, "vnet3")->master, "br-vm");
    const struct mc_link *wl = mc_net_find_link(n, "wlp0s20f3");
    assert_string_equal(wl->kind, ""); /* DEVTYPE=wlan is a physical device */
    assert_false(wl->up);
    assert_false(wl->carrier);
    assert_string_equal(wl->operstate, "down");
    assert_string_equal(mc_net_find_link(n, "lo")->kind, "");

    assert_true(sn_net_has_addr(n, "br-vm", "inet", "169.254.10.5", 24, "global"));
    assert_true(sn_net_has_addr(n, "lo", "inet", "127.0.0.1", 8, "host"));
    assert_true(sn_net_has_addr(n, "lo", "inet6", "::1", 128, "host"));
    assert_true(sn_net_has_addr(n, "br-vm", "inet6", "fe80::5054:ff:feaa:1", 64, "link"));
    assert_int_equal(n->n_addrs, 4);
    assert_true(sn_net_has_route(n, "inet", "default", "169.254.10.254", "br-vm", 0));
    assert_true(sn_net_has_route(n, "inet", "169.254.10.0/24", NULL, "br-vm", 0));
    assert_true(sn_net_has_route(n, "inet6", "fe80::/64", NULL, "br-vm", 256));
    assert_int_equal(n->n_routes, 3);  /* ::1 local, ff00::/8 and the null entry left out */
    assert_int_equal(n->n_listens, 3); /* the established socket is no listener */
    assert_string_equal(n->listens[2].address, "::ffff:127.0.0.1");
    assert_int_equal(n->listens[2].port, 8080);
    assert_string_equal(n->listens[1].address, "169.254.10.5");
    assert_int_equal(n->listens[1].port, 49152);

    /* the probe spec covers what the gatherer reads */
    _cleanup_(mc_source_freep) struct mc_source *dump = sn_dump_source(dir, mc_net_probe_spec);
    assert_non_null(dump);
    struct mc_host_facts *h2 = mc_host_facts_new();
    mc_net_gather_source(dump, h2);
    mc_net_gather_listening(dump, h2);
    _cleanup_free_ char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_facts_to_xml(h, &x1, &l1), 0);
    assert_int_equal(mc_facts_to_xml(h2, &x2, &l2), 0);
    assert_string_equal(x1, x2);
    mc_host_facts_free(h2);
    mc_host_facts_free(h);
}

/* Hostile and malformed text: skipped lines, no crash, nothing invented. */
static void test_malformed(void **state)
{
    (void)state;
    static const char *const junk[] = {
        "",
        "\n\n",
        "Iface\tDestination\n",
        "eth0\tZZZZZZZZ\t00000000\t0003\t0\t0\t0\t00FFFFFF\n",
        "eth0\t0000000A\t00000000\t0003\t0\t0\t0\tFF00FF00\n", /* non-contiguous mask */
        "a/b\t00000000\t00000000\t0003\t0\t0\t0\t00000000\n",  /* bad interface name */
        "0: 0100007F:XYZW 00000000:0000 0A\n",
        "0: 0100007F 00000000:0000 0A\n",
        "fe80 40 0 00 0 0 0 0 0 eth0\n",
        "  |-- 999.2.3.4\n     /32 host LOCAL\n", /* not an address */
        "eth0.5 | 99999 | eth0\n",
    };
    for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
        struct mc_net_facts n = { 0 };
        struct mc_link *l = MC_APPEND(n.links, n.n_links);
        l->name = mc_xstrdup("eth0.5");
        _cleanup_error_ struct mc_error err = { 0 };
        size_t len = strlen(junk[i]);
        assert_int_equal(mc_proc_net_route_parse(junk[i], len, &n, &err), 0);
        assert_int_equal(mc_proc_net_ipv6_route_parse(junk[i], len, &n, &err), 0);
        assert_int_equal(mc_proc_net_if_inet6_parse(junk[i], len, &n, &err), 0);
        assert_int_equal(mc_proc_net_fib_trie_parse(junk[i], len, &n, &err), 0);
        assert_int_equal(mc_proc_net_vlan_config_parse(junk[i], len, &n, &err), 0);
        assert_int_equal(mc_proc_net_tcp_parse(junk[i], len, false, &n, &err), 0);
        assert_int_equal(mc_proc_net_tcp_parse(junk[i], len, true, &n, &err), 0);
        if (n.n_routes + n.n_addrs + n.n_listens != 0 || n.links[0].kind)
            fail_msg("junk %zu produced facts", i);
        mc_net_facts_clear(&n);
    }
}

static int listen_on(int family, const char *addr, int *ret_port)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss = { 0 };
    socklen_t sl;
    if (family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&ss;
        s->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, addr, &s->sin_addr), 1);
        sl = sizeof(*s);
    } else {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
        s->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
        sl = sizeof(*s);
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
    *ret_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                        : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

/* Sockets opened here, on random ports, are found in this machine's /proc. */
static void test_live_listening(void **state)
{
    (void)state;
    int p4 = 0, p6 = 0;
    _cleanup_close_ int fd4 = listen_on(AF_INET, "127.0.0.1", &p4);
    assert_true(fd4 >= 0);
    _cleanup_close_ int fd6 = listen_on(AF_INET6, "::1", &p6);
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_net_gather_listening(src, h);
    assert_int_equal(h->n_errors, 0);
    bool f4 = false, f6 = false;
    for (size_t i = 0; i < h->net.n_listens; i++) {
        const struct mc_listen *l = &h->net.listens[i];
        f4 |= l->port == p4 && !strcmp(l->address, "127.0.0.1") && !strcmp(l->proto, "tcp");
        f6 |= l->port == p6 && !strcmp(l->address, "::1") && !strcmp(l->proto, "tcp6");
    }
    assert_true(f4);
    if (fd6 >= 0)
        assert_true(f6);
    else
        fprintf(stderr, "no IPv6 loopback here: ::1 part skipped\n");
    mc_host_facts_free(h);

    /* this host is read through sock_diag; /proc/net/tcp{,6} must say the same (other
     * processes may open or close listeners meanwhile: a few tries) */
    bool same = false;
    for (int attempt = 0; attempt < 5 && !same; attempt++) {
        struct mc_host_facts *a = mc_host_facts_new(), *b = mc_host_facts_new();
        mc_net_gather_listening(src, a);
        src->local = false;
        mc_net_gather_listening(src, b);
        src->local = true;
        same = a->net.n_listens == b->net.n_listens;
        for (size_t i = 0; same && i < a->net.n_listens; i++) {
            bool found = false;
            for (size_t k = 0; k < b->net.n_listens && !found; k++)
                found = a->net.listens[i].port == b->net.listens[k].port &&
                        !strcmp(a->net.listens[i].proto, b->net.listens[k].proto) &&
                        !strcmp(a->net.listens[i].address, b->net.listens[k].address);
            same = found;
        }
        assert_true(a->net.n_listens >= 2);
        mc_host_facts_free(a);
        mc_host_facts_free(b);
    }
    assert_true(same);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_addresses), cmocka_unit_test(test_recorded_routes),
        cmocka_unit_test(test_recorded_listening), cmocka_unit_test(test_sysfs_bond_vlan),
        cmocka_unit_test(test_malformed),          cmocka_unit_test(test_live_listening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
