/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure parsers of /proc/net text: route, ipv6_route, if_inet6, fib_trie,
 * vlan/config, tcp and tcp6. The text may come from another host: lines are
 * bounded, numbers checked, nothing trusted.
 *
 * Byte order: the kernel prints IPv4 addresses (route, tcp) and the 32-bit
 * words of IPv6 addresses (tcp6) as "%08X" of a big-endian value held in a
 * native integer, so the hex digits are the bytes in the host's memory order.
 * Every host migcheck targets (x86_64, aarch64, ppc64le, s390x aside) is
 * little-endian: the parsers read them as little-endian, whatever machine
 * runs the parser. ipv6_route and if_inet6 print bytes in network order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net-internal.h"
#include "network.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- helpers ---- */

const char *mc_net_scope_name(int scope)
{
    switch (scope) {
    case 0:
        return "global";
    case 200:
        return "site";
    case 253:
        return "link";
    case 254:
        return "host";
    case 255:
        return "nowhere";
    default:
        return NULL;
    }
}

char *mc_net_addr_str(int family, const void *bytes)
{
    char buf[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, bytes, buf, sizeof(buf)))
        return NULL;
    return mc_xstrdup(buf);
}

bool mc_net_next_line(const char **p, const char *end, const char **line, size_t *line_len)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *le = nl ? nl : end;
    *line = *p;
    *line_len = (size_t)(le - *p);
    *p = nl ? nl + 1 : end;
    return true;
}

bool mc_net_ifname_ok(const char *s, size_t n)
{
    if (n == 0 || n > 15)
        return false;
    if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '/' || c == 0x7f)
            return false;
    }
    return true;
}

void mc_net_facts_clear_but_listens(struct mc_net_facts *n)
{
    struct mc_listen *listens = TAKE_PTR(n->listens);
    size_t n_listens = n->n_listens;
    n->n_listens = 0;
    mc_net_facts_clear(n);
    n->listens = listens;
    n->n_listens = n_listens;
}

struct mc_link *mc_net_link_by_name(struct mc_net_facts *n, const char *name)
{
    for (size_t i = 0; i < n->n_links; i++)
        if (n->links[i].name && strcmp(n->links[i].name, name) == 0)
            return &n->links[i];
    return NULL;
}

/* Split a line into at most max whitespace-separated fields (pointers into a copy). */
static size_t split_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t && n < max; t = strtok_r(NULL, " \t\r", &save))
        f[n++] = t;
    return n;
}

static bool parse_hex_u32(const char *s, size_t digits, uint32_t *ret)
{
    if (strlen(s) != digits)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        int c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = (v << 4) | (uint32_t)d;
    }
    *ret = v;
    return true;
}

/* A little-endian "%08X" of an IPv4 address -> network-order bytes. */
static bool parse_le_ipv4(const char *s, uint8_t out[4])
{
    uint32_t v;
    if (!parse_hex_u32(s, 8, &v))
        return false;
    out[0] = v & 0xff;
    out[1] = (v >> 8) & 0xff;
    out[2] = (v >> 16) & 0xff;
    out[3] = (v >> 24) & 0xff;
    return true;
}

/* 32 hex digits in network byte order (ipv6_route, if_inet6). */
static bool parse_be_ipv6(const char *s, uint8_t out[16])
{
    if (strlen(s) != 32)
        return false;
    for (int i = 0; i < 16; i++) {
        char b[3] = { s[2 * i], s[2 * i + 1], 0 };
        uint32_t v;
        if (!parse_hex_u32(b, 2, &v))
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

/* tcp6: four little-endian "%08X" words. */
static bool parse_le_ipv6(const char *s, uint8_t out[16])
{
    if (strlen(s) != 32)
        return false;
    for (int w = 0; w < 4; w++) {
        char b[9];
        memcpy(b, s + 8 * w, 8);
        b[8] = 0;
        if (!parse_le_ipv4(b, out + 4 * w))
            return false;
    }
    return true;
}

static int prefix_from_mask(const uint8_t m[4])
{
    uint32_t v = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
    int n = 0;
    while (n < 32 && (v & (0x80000000u >> n)))
        n++;
    /* a non-contiguous mask is not a prefix */
    if (n < 32 && (v << n) != 0)
        return -1;
    return n;
}

#define TOO_MANY(count, what)                                                                      \
    do {                                                                                           \
        if ((count) > MC_NET_MAX_LINES)                                                            \
            return mc_error_set(reterr, -E2BIG, "%s has more than %d lines", what,                 \
                                MC_NET_MAX_LINES);                                                 \
    } while (0)

/* ---- /proc/net/route ---- */

int mc_proc_net_route_parse(const char *buf, size_t len, struct mc_net_facts *n,
                            struct mc_error *reterr)
{
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    bool header = true;
    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, "/proc/net/route");
        if (ll == 0 || ll > 512)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        char *f[12];
        size_t nf = split_fields(copy, f, 12);
        if (header) {
            header = false;
            if (nf > 0 && strcmp(f[0], "Iface") == 0)
                continue;
        }
        /* Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT */
        if (nf < 8 || !mc_net_ifname_ok(f[0], strlen(f[0])))
            continue;
        uint8_t dst[4], gw[4], mask[4];
        char *fe;
        unsigned long flags = strtoul(f[3], &fe, 16);
        if (!parse_le_ipv4(f[1], dst) || !parse_le_ipv4(f[2], gw) || !parse_le_ipv4(f[7], mask) ||
            *fe || fe == f[3])
            continue;
        if (!(flags & 0x1)) /* RTF_UP */
            continue;
        int plen = prefix_from_mask(mask);
        char *e;
        long long metric = strtoll(f[6], &e, 10);
        if (plen < 0 || *e || metric < 0)
            continue;
        struct mc_route *r = MC_APPEND(n->routes, n->n_routes);
        r->family = mc_xstrdup("inet");
        if (plen == 0) {
            r->dst = mc_xstrdup("default");
        } else {
            _cleanup_free_ char *a = mc_net_addr_str(AF_INET, dst);
            r->dst = mc_xasprintf("%s/%d", a, plen);
        }
        if (flags & 0x2) /* RTF_GATEWAY */
            r->gateway = mc_net_addr_str(AF_INET, gw);
        r->dev = mc_xstrdup(f[0]);
        r->table = 254; /* /proc/net/route shows the main table only */
        r->metric = metric;
    }
    return 0;
}

/* ---- /proc/net/ipv6_route ---- */

#define RTF6_GATEWAY 0x0002u
#define RTF6_REJECT  0x0200u
#define RTF6_CACHE   0x01000000u
#define RTF6_ANYCAST 0x00100000u
#define RTF6_LOCAL   0x80000000u

int mc_proc_net_ipv6_route_parse(const char *buf, size_t len, struct mc_net_facts *n,
                                 struct mc_error *reterr)
{
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, "/proc/net/ipv6_route");
        if (ll == 0 || ll > 512)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        char *f[12];
        /* dst dstlen src srclen nexthop metric refcnt use flags dev */
        size_t nf = split_fields(copy, f, 12);
        if (nf != 10 || !mc_net_ifname_ok(f[9], strlen(f[9])))
            continue;
        uint8_t dst[16], gw[16];
        uint32_t dlen, metric, flags, slen;
        if (!parse_be_ipv6(f[0], dst) || !parse_hex_u32(f[1], 2, &dlen) || dlen > 128 ||
            !parse_hex_u32(f[3], 2, &slen) || !parse_be_ipv6(f[4], gw) ||
            !parse_hex_u32(f[5], 8, &metric) || !parse_hex_u32(f[8], 8, &flags))
            continue;
        /* Local and anycast addresses, multicast, cached clones and the null entry belong to
         * the local table or to no table: not the main table that netlink shows. */
        if (flags & (RTF6_LOCAL | RTF6_ANYCAST | RTF6_CACHE))
            continue;
        if (dst[0] == 0xff)
            continue;
        if ((flags & RTF6_REJECT) && metric == 0xffffffffu && strcmp(f[9], "lo") == 0)
            continue;
        if (slen != 0) /* source-specific routes: not expressible in the facts */
            continue;
        struct mc_route *r = MC_APPEND(n->routes, n->n_routes);
        r->family = mc_xstrdup("inet6");
        if (dlen == 0) {
            r->dst = mc_xstrdup("default");
        } else {
            _cleanup_free_ char *a = mc_net_addr_str(AF_INET6, dst);
            r->dst = mc_xasprintf("%s/%u", a, dlen);
        }
        if (flags & RTF6_GATEWAY)
            r->gateway = mc_net_addr_str(AF_INET6, gw);
        r->dev = mc_xstrdup(f[9]);
        r->table = 254; /* the main table, as far as this file can tell */
        r->metric = metric;
    }
    return 0;
}

/* ---- /proc/net/if_inet6 ---- */

static const char *inet6_scope(uint32_t s)
{
    /* IPV6_ADDR_SCOPE_MASK bits of include/net/ipv6.h as the file prints them */
    switch (s & 0xf0) {
    case 0x00:
        return "global";
    case 0x10:
        return "host";
    case 0x20:
        return "link";
    case 0x40:
        return "site";
    default:
        return NULL;
    }
}

int mc_proc_net_if_inet6_parse(const char *buf, size_t len, struct mc_net_facts *n,
                               struct mc_error *reterr)
{
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, "/proc/net/if_inet6");
        if (ll == 0 || ll > 256)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        char *f[8];
        /* address ifindex prefixlen scope flags name */
        size_t nf = split_fields(copy, f, 8);
        if (nf != 6 || !mc_net_ifname_ok(f[5], strlen(f[5])))
            continue;
        uint8_t a[16];
        uint32_t plen, scope;
        if (!parse_be_ipv6(f[0], a) || !parse_hex_u32(f[2], 2, &plen) || plen > 128 ||
            !parse_hex_u32(f[3], 2, &scope))
            continue;
        struct mc_addr *x = MC_APPEND(n->addrs, n->n_addrs);
        x->ifname = mc_xstrdup(f[5]);
        x->family = mc_xstrdup("inet6");
        x->address = mc_net_addr_str(AF_INET6, a);
        x->prefixlen = plen;
        x->scope = mc_xstrdup_or_null(inet6_scope(scope));
    }
    return 0;
}

/* ---- /proc/net/fib_trie ---- */

struct local4 {
    uint8_t a[4];
    int plen;
};

static bool in_prefix(const uint8_t a[4], const uint8_t net[4], int plen)
{
    for (int i = 0; i < 4; i++) {
        int bits = plen - 8 * i;
        if (bits <= 0)
            return true;
        uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((a[i] & m) != (net[i] & m))
            return false;
    }
    return true;
}

/* dst "a.b.c.d/len" of a route -> network and length */
static bool route_prefix(const struct mc_route *r, uint8_t net[4], int *plen)
{
    if (!r->family || strcmp(r->family, "inet") != 0 || !r->dst || !r->dev)
        return false;
    if (strcmp(r->dst, "default") == 0)
        return false;
    const char *slash = strchr(r->dst, '/');
    if (!slash || slash - r->dst > 15)
        return false;
    char a[16];
    memcpy(a, r->dst, (size_t)(slash - r->dst));
    a[slash - r->dst] = 0;
    char *e;
    long l = strtol(slash + 1, &e, 10);
    if (*e || l <= 0 || l > 32 || inet_pton(AF_INET, a, net) != 1)
        return false;
    *plen = (int)l;
    return true;
}

int mc_proc_net_fib_trie_parse(const char *buf, size_t len, struct mc_net_facts *n,
                               struct mc_error *reterr)
{
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    uint8_t leaf[4];
    bool have_leaf = false;
    _cleanup_free_ struct local4 *locals = NULL; /* /32 host LOCAL: the addresses */
    size_t n_locals = 0;
    _cleanup_free_ struct local4 *lprefix = NULL; /* /N LOCAL, N < 32: local prefix routes */
    size_t n_lprefix = 0;

    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, "/proc/net/fib_trie");
        if (ll == 0 || ll > 256)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        char *s = copy;
        while (*s == ' ' || *s == '|' || *s == '+' || *s == '-')
            s++;
        if (copy[strspn(copy, " ")] == '|' || copy[strspn(copy, " ")] == '+') {
            /* "|-- a.b.c.d" (a leaf) or "+-- a.b.c.d/len ..." (a node) */
            have_leaf = false;
            if (copy[strspn(copy, " ")] == '|') {
                char *sp = strpbrk(s, " \t");
                if (sp)
                    *sp = 0;
                have_leaf = inet_pton(AF_INET, s, leaf) == 1;
            }
            continue;
        }
        if (*s != '/' || !have_leaf)
            continue;
        /* "/32 host LOCAL" under the current leaf */
        char *f[4];
        size_t nf = split_fields(s + 1, f, 4);
        if (nf < 3 || strcmp(f[2], "LOCAL") != 0)
            continue;
        char *e;
        long plen = strtol(f[0], &e, 10);
        if (*e || plen < 0 || plen > 32)
            continue;
        struct local4 **arr = plen == 32 ? &locals : &lprefix;
        size_t *cnt = plen == 32 ? &n_locals : &n_lprefix;
        bool dup = false;
        for (size_t i = 0; i < *cnt; i++)
            if (memcmp((*arr)[i].a, leaf, 4) == 0 && (*arr)[i].plen == plen)
                dup = true;
        if (dup) /* the Main and Local tables show the same entries */
            continue;
        struct local4 *l = MC_APPEND(*arr, *cnt);
        memcpy(l->a, leaf, 4);
        l->plen = (int)plen;
    }

    for (size_t i = 0; i < n_locals; i++) {
        const uint8_t *a = locals[i].a;
        /* The interface: the longest prefix route of the main table holding the address. */
        const struct mc_route *best = NULL;
        int best_len = -1;
        for (size_t j = 0; j < n->n_routes; j++) {
            uint8_t net[4];
            int pl;
            if (n->routes[j].gateway || !route_prefix(&n->routes[j], net, &pl))
                continue;
            if (in_prefix(a, net, pl) && pl > best_len) {
                best = &n->routes[j];
                best_len = pl;
            }
        }
        const char *ifname = best ? best->dev : NULL;
        int plen = best ? best_len : 32;
        if (!best) {
            /* host-scope addresses (127.0.0.1/8 on lo) have their prefix in the local table */
            for (size_t j = 0; j < n_lprefix; j++)
                if (in_prefix(a, lprefix[j].a, lprefix[j].plen) && lprefix[j].plen < plen) {
                    plen = lprefix[j].plen;
                    ifname = "lo";
                }
        }
        struct mc_addr *x = MC_APPEND(n->addrs, n->n_addrs);
        x->ifname = mc_xstrdup_or_null(ifname);
        x->family = mc_xstrdup("inet");
        x->address = mc_net_addr_str(AF_INET, a);
        x->prefixlen = plen;
        x->scope = mc_xstrdup(a[0] == 127 ? "host" : "global");
    }
    return 0;
}

/* ---- /proc/net/vlan/config ---- */

int mc_proc_net_vlan_config_parse(const char *buf, size_t len, struct mc_net_facts *n,
                                  struct mc_error *reterr)
{
    /*
     * VLAN Dev name    | VLAN ID
     * Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD
     * eth0.100       | 100  | eth0
     */
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, "/proc/net/vlan/config");
        if (ll == 0 || ll > 256)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        _cleanup_strv_free_ char **f = mc_strv_split(copy, "|");
        if (mc_strv_length(f) != 3)
            continue;
        char *name = f[0], *id = f[1], *parent = f[2];
        while (*name == ' ')
            name++;
        while (*id == ' ')
            id++;
        while (*parent == ' ')
            parent++;
        mc_strip_trailing(name);
        mc_strip_trailing(id);
        mc_strip_trailing(parent);
        char *e;
        long vid = strtol(id, &e, 10);
        if (*e || e == id || vid < 0 || vid > 4095 || !mc_net_ifname_ok(name, strlen(name)) ||
            !mc_net_ifname_ok(parent, strlen(parent)))
            continue;
        struct mc_link *l = mc_net_link_by_name(n, name);
        if (!l)
            continue;
        free(l->kind);
        l->kind = mc_xstrdup("vlan");
        l->vlan_id = vid;
        free(l->link);
        l->link = mc_xstrdup(parent);
    }
    return 0;
}

/* ---- /proc/net/tcp, tcp6 ---- */

int mc_proc_net_tcp_parse(const char *buf, size_t len, bool ipv6, struct mc_net_facts *n,
                          struct mc_error *reterr)
{
    const char *p = buf, *end = buf + len, *line;
    size_t ll, count = 0;
    while (mc_net_next_line(&p, end, &line, &ll)) {
        TOO_MANY(++count, ipv6 ? "/proc/net/tcp6" : "/proc/net/tcp");
        if (ll == 0 || ll > 512)
            continue;
        _cleanup_free_ char *copy = mc_xstrndup(line, ll);
        char *f[6];
        /* sl local_address rem_address st ... */
        size_t nf = split_fields(copy, f, 6);
        if (nf < 4 || strcmp(f[3], "0A") != 0) /* TCP_LISTEN */
            continue;
        char *colon = strchr(f[1], ':');
        if (!colon)
            continue;
        *colon = 0;
        uint32_t port;
        if (!parse_hex_u32(colon + 1, 4, &port))
            continue;
        uint8_t a[16];
        char *addr;
        if (ipv6) {
            if (!parse_le_ipv6(f[1], a))
                continue;
            addr = mc_net_addr_str(AF_INET6, a);
        } else {
            if (!parse_le_ipv4(f[1], a))
                continue;
            addr = mc_net_addr_str(AF_INET, a);
        }
        const char *proto = ipv6 ? "tcp6" : "tcp";
        bool dup = false;
        for (size_t i = 0; i < n->n_listens && !dup; i++)
            dup = n->listens[i].port == port && strcmp(n->listens[i].proto, proto) == 0 &&
                  strcmp(n->listens[i].address, addr) == 0;
        if (dup) { /* SO_REUSEPORT listeners */
            free(addr);
            continue;
        }
        struct mc_listen *x = MC_APPEND(n->listens, n->n_listens);
        x->proto = mc_xstrdup(proto);
        x->address = addr;
        x->port = port;
    }
    return 0;
}
