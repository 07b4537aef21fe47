/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network facts of any host from sysfs and /proc, read through a source (the
 * sh probe's dump for a host without migcheck), and the listening TCP sockets
 * of both kinds of source.
 *
 * What sysfs can tell about a link's kind (IFLA_INFO_KIND in netlink):
 *   uevent DEVTYPE (bridge, vlan, bond, vxlan, geneve, macsec, ...; wlan and
 *   wwan are physical), bridge/ or bonding/ directories, tun_flags (tun/tap),
 *   /proc/net/vlan/config, type 772 (loopback) and a device link (physical):
 *   those give "" (physical) or the netlink kind. veth, macvlan, dummy and
 *   others leave no trace in sysfs: their kind stays NULL (not known).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "net-internal.h"
#include "network.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

const char *const mc_net_probe_spec[] = {
    "D /sys/class/net",
    "D /sys/class/net/*",
    "F /sys/class/net/*/ifindex",
    "F /sys/class/net/*/mtu",
    "F /sys/class/net/*/operstate",
    "F /sys/class/net/*/address",
    "F /sys/class/net/*/addr_len",
    "F /sys/class/net/*/flags",
    "F /sys/class/net/*/carrier",
    "F /sys/class/net/*/type",
    "F /sys/class/net/*/uevent",
    "L /sys/class/net/*/master",
    "F /sys/class/net/*/bonding/mode",
    "T /proc/net/vlan/config",
    "T /proc/net/route",
    "T /proc/net/fib_trie",
    "T /proc/net/if_inet6",
    "T /proc/net/ipv6_route",
    "T /proc/net/tcp",
    "T /proc/net/tcp6",
    NULL,
};

#define MC_NET_MAX_LINKS 8192

static char *attr(struct mc_source *src, const char *ifname, const char *name)
{
    _cleanup_free_ char *path = mc_xasprintf("/sys/class/net/%s/%s", ifname, name);
    char *buf = NULL;
    if (mc_source_read(src, path, MC_NET_ATTR_MAX, &buf, NULL) < 0)
        return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    mc_strip_trailing(buf);
    if (!*buf) {
        free(buf);
        return NULL;
    }
    return buf;
}

static bool attr_i64(struct mc_source *src, const char *ifname, const char *name, int base,
                     int64_t *ret)
{
    _cleanup_free_ char *v = attr(src, ifname, name);
    if (!v)
        return false;
    char *e;
    errno = 0;
    long long x = strtoll(v, &e, base);
    if (errno || e == v || *e)
        return false;
    *ret = x;
    return true;
}

static bool has_entry(const struct mc_dirent *d, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].name, name) == 0)
            return true;
    return false;
}

/* DEVTYPE= of a uevent file; NULL when there is none. */
static char *uevent_devtype(const char *uevent)
{
    for (const char *p = uevent; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l > 8 && memcmp(p, "DEVTYPE=", 8) == 0 && l - 8 < 32)
            return mc_xstrndup(p + 8, l - 8);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* "active-backup 1" -> "active-backup" */
static char *first_word(char *s)
{
    if (s)
        s[strcspn(s, " \t")] = '\0';
    return s;
}

static void gather_link(struct mc_source *src, struct mc_host_facts *h, const char *name)
{
    struct mc_net_facts *n = &h->net;
    _cleanup_free_ char *dir = mc_xasprintf("/sys/class/net/%s", name);
    struct mc_dirent *ents = NULL;
    size_t n_ents = 0;
    int r = mc_source_list(src, dir, &ents, &n_ents);
    if (r < 0) {
        mc_facts_add_error(h, "net/links", r, "cannot list '%s': %s", dir, strerror(-r));
        return;
    }
    struct mc_link *l = MC_APPEND(n->links, n->n_links);
    l->name = mc_xstrdup(name);
    attr_i64(src, name, "ifindex", 10, &l->ifindex);
    attr_i64(src, name, "mtu", 10, &l->mtu);
    l->operstate = attr(src, name, "operstate");
    int64_t addr_len = -1;
    attr_i64(src, name, "addr_len", 10, &addr_len);
    l->mac = attr(src, name, "address");
    if (l->mac && addr_len == 0) { /* no link-layer address (tun, ipip): as netlink */
        free(l->mac);
        l->mac = NULL;
    }
    int64_t flags = 0;
    if (attr_i64(src, name, "flags", 16, &flags))
        l->up = flags & 0x1; /* IFF_UP */
    /* carrier: "1" with a carrier; unreadable (EINVAL) while the link is down */
    _cleanup_free_ char *carrier = attr(src, name, "carrier");
    l->carrier = l->up && carrier && strcmp(carrier, "1") == 0;

    int64_t type = 0;
    attr_i64(src, name, "type", 10, &type);
    _cleanup_free_ char *uevent = NULL;
    _cleanup_free_ char *up = mc_xasprintf("%s/uevent", dir);
    (void)mc_source_read(src, up, MC_NET_ATTR_MAX, &uevent, NULL);
    _cleanup_free_ char *devtype = uevent_devtype(uevent);

    if (has_entry(ents, n_ents, "bridge"))
        l->kind = mc_xstrdup("bridge");
    else if (has_entry(ents, n_ents, "bonding"))
        l->kind = mc_xstrdup("bond");
    else if (devtype && strcmp(devtype, "wlan") != 0 && strcmp(devtype, "wwan") != 0)
        l->kind = mc_xstrdup(devtype);
    else if (has_entry(ents, n_ents, "tun_flags"))
        l->kind = mc_xstrdup("tun");
    else if (type == 772 || has_entry(ents, n_ents, "device")) /* loopback, or hardware */
        l->kind = mc_xstrdup("");

    if (l->kind && strcmp(l->kind, "bond") == 0) {
        _cleanup_free_ char *p = mc_xasprintf("%s/bonding/mode", dir);
        char *mode = NULL;
        if (mc_source_read(src, p, MC_NET_ATTR_MAX, &mode, NULL) == 0) {
            mode[strcspn(mode, "\n")] = '\0';
            l->bond_mode = first_word(mode);
            if (!*l->bond_mode) {
                free(l->bond_mode);
                l->bond_mode = NULL;
            }
        }
    }

    /* The lower device of a stacked link (vlan, macvlan): its only lower_* link. */
    if (!l->kind || strcmp(l->kind, "bridge") != 0) {
        const char *lower = NULL;
        size_t n_lower = 0;
        for (size_t i = 0; i < n_ents; i++)
            if (mc_str_startswith(ents[i].name, "lower_")) {
                lower = ents[i].name + 6;
                n_lower++;
            }
        if (n_lower == 1 && (!l->kind || strcmp(l->kind, "bond") != 0) &&
            mc_net_ifname_ok(lower, strlen(lower)))
            l->link = mc_xstrdup(lower);
    }

    _cleanup_free_ char *mp = mc_xasprintf("%s/master", dir);
    _cleanup_free_ char *master = NULL;
    if (mc_source_readlink(src, mp, &master) == 0) {
        const char *b = strrchr(master, '/');
        b = b ? b + 1 : master;
        if (mc_net_ifname_ok(b, strlen(b)))
            l->master = mc_xstrdup(b);
    }
    if (has_entry(ents, n_ents, "brport"))
        l->slave_kind = mc_xstrdup("bridge");
    else if (has_entry(ents, n_ents, "bonding_slave"))
        l->slave_kind = mc_xstrdup("bond");
    mc_dirents_free(ents, n_ents);
}

/* Read one /proc/net file and run its parser; absent files are no error when optional. */
static void parse_proc(struct mc_source *src, struct mc_host_facts *h, const char *path,
                       bool optional,
                       int (*parse)(const char *, size_t, struct mc_net_facts *, struct mc_error *))
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, path, MC_NET_PROC_MAX, &buf, &len);
    if (r < 0) {
        if (!(optional && r == -ENOENT))
            mc_facts_add_error(h, "net", r, "cannot read '%s': %s", path, strerror(-r));
        return;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    r = parse(buf, len, &h->net, &err);
    if (r < 0)
        mc_facts_add_error(h, "net", r, "cannot parse '%s': %s", path, err.message);
}

void mc_net_gather_source(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_net_facts *n = &h->net;
    mc_net_facts_clear_but_listens(n);

    struct mc_dirent *ents = NULL;
    size_t n_ents = 0;
    int r = mc_source_list(src, "/sys/class/net", &ents, &n_ents);
    if (r < 0) {
        mc_facts_add_error(h, "net/links", r, "cannot list '/sys/class/net': %s", strerror(-r));
    } else if (n_ents > MC_NET_MAX_LINKS) {
        mc_facts_add_error(h, "net/links", E2BIG, "'/sys/class/net' lists %zu links", n_ents);
    } else {
        for (size_t i = 0; i < n_ents; i++)
            if (mc_net_ifname_ok(ents[i].name, strlen(ents[i].name)))
                gather_link(src, h, ents[i].name);
    }
    mc_dirents_free(ents, n_ents);

    /* no 8021q module: no file and no VLAN */
    parse_proc(src, h, "/proc/net/vlan/config", true, mc_proc_net_vlan_config_parse);
    parse_proc(src, h, "/proc/net/route", false, mc_proc_net_route_parse);
    parse_proc(src, h, "/proc/net/fib_trie", false, mc_proc_net_fib_trie_parse);
    /* a kernel without IPv6 (ipv6.disable=1) has neither file */
    parse_proc(src, h, "/proc/net/if_inet6", true, mc_proc_net_if_inet6_parse);
    parse_proc(src, h, "/proc/net/ipv6_route", true, mc_proc_net_ipv6_route_parse);
}

static int parse_tcp4(const char *b, size_t l, struct mc_net_facts *n, struct mc_error *e)
{
    return mc_proc_net_tcp_parse(b, l, false, n, e);
}

static int parse_tcp6(const char *b, size_t l, struct mc_net_facts *n, struct mc_error *e)
{
    return mc_proc_net_tcp_parse(b, l, true, n, e);
}

/*
 * This host's listeners through NETLINK_SOCK_DIAG: the kernel then walks only
 * the listening hash, where reading /proc/net/tcp walks every established
 * bucket too (4-12 ms on a machine with a large table, for a handful of lines).
 * Same facts as the /proc files: AF_INET gives what tcp lists, AF_INET6 tcp6.
 */
static int listening_diag(struct mc_net_facts *n, int family)
{
    _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -errno;
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 r;
    } req = {
        .nlh = { .nlmsg_len = sizeof(req),
                 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
                 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                 .nlmsg_seq = 1 },
        .r = { .sdiag_family = (uint8_t)family,
               .sdiag_protocol = IPPROTO_TCP,
               .idiag_states = 1u << 10 /* TCP_LISTEN */ },
    };
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        return -errno;
    const char *proto = family == AF_INET6 ? "tcp6" : "tcp";
    _cleanup_free_ char *buf = mc_xmalloc(32768);
    for (size_t rounds = 0; rounds < 4096; rounds++) {
        ssize_t len = recv(fd, buf, 32768, 0);
        if (len < 0 && errno == EINTR)
            continue;
        if (len < 0)
            return -errno;
        if (len == 0)
            return -EIO;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
             h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error < 0 ? e->error : -EIO;
            }
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
                h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
                continue;
            const struct inet_diag_msg *m = NLMSG_DATA(h);
            if (m->idiag_family != family)
                continue;
            _cleanup_free_ char *addr = mc_net_addr_str(family, m->id.idiag_src);
            int port = ntohs(m->id.idiag_sport);
            bool dup = !addr;
            for (size_t i = 0; i < n->n_listens && !dup; i++)
                dup = n->listens[i].port == port && strcmp(n->listens[i].proto, proto) == 0 &&
                      strcmp(n->listens[i].address, addr) == 0;
            if (dup)
                continue;
            struct mc_listen *x = MC_APPEND(n->listens, n->n_listens);
            x->proto = mc_xstrdup(proto);
            x->address = TAKE_PTR(addr);
            x->port = port;
        }
    }
    return -EIO;
}

static void listens_clear(struct mc_net_facts *n)
{
    for (size_t i = 0; i < n->n_listens; i++) {
        free(n->listens[i].proto);
        free(n->listens[i].address);
    }
    free(n->listens);
    n->listens = NULL;
    n->n_listens = 0;
}

void mc_net_gather_listening(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_net_facts *n = &h->net;
    listens_clear(n);
    if (src->local) {
        int r = listening_diag(n, AF_INET);
        if (r == 0) {
            r = listening_diag(n, AF_INET6);
            /* a kernel without IPv6 has no tcp6 listeners */
            if (r == 0 || r == -EAFNOSUPPORT || r == -ENOENT)
                return;
        }
        /* no sock_diag here (module missing): read /proc like for any other host */
        listens_clear(n);
    }
    parse_proc(src, h, "/proc/net/tcp", false, parse_tcp4);
    parse_proc(src, h, "/proc/net/tcp6", true, parse_tcp6);
}
