/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links, bridges, VLANs, bonds, addresses, routes (libnl-route) and listening sockets. */
#pragma once

#include "checker/facts.h"
#include "util/error.h"
#include "util/source.h"

/* This host, through netlink (libnl-route). Area "net". */
void mc_net_gather_netlink(struct mc_host_facts *h);
/* Any host, through sysfs and /proc read from a source (the sh probe). Area "net". */
void mc_net_gather_source(struct mc_source *src, struct mc_host_facts *h);
/* Listening TCP sockets from /proc/net/tcp and tcp6 (both kinds of source). Area "net". */
void mc_net_gather_listening(struct mc_source *src, struct mc_host_facts *h);
/* Pure: /proc/net/tcp or tcp6 text -> listening sockets appended to n. */
int mc_proc_net_tcp_parse(const char *buf, size_t len, bool ipv6, struct mc_net_facts *n,
                          struct mc_error *reterr);
/*
 * Pure parsers of /proc/net files (text from any host; bounded, never trusted).
 * Each appends what it finds to n and returns 0, or -E2BIG for absurdly long input.
 *   route       -> n->routes (inet, main table)
 *   ipv6_route  -> n->routes (inet6; local/anycast/multicast/cache entries and the null
 *                  entry left out, as they are not in the main table)
 *   if_inet6    -> n->addrs (inet6)
 *   fib_trie    -> n->addrs (inet): the LOCAL /32 entries; the interface and prefix length
 *                  come from the longest matching prefix route already in n->routes (parse
 *                  route first), host-scope ones (127.0.0.1/8) from the local prefix routes
 *   vlan/config -> kind "vlan", vlan_id and link on the links already in n->links
 */
int mc_proc_net_route_parse(const char *buf, size_t len, struct mc_net_facts *n,
                            struct mc_error *reterr);
int mc_proc_net_ipv6_route_parse(const char *buf, size_t len, struct mc_net_facts *n,
                                 struct mc_error *reterr);
int mc_proc_net_if_inet6_parse(const char *buf, size_t len, struct mc_net_facts *n,
                               struct mc_error *reterr);
int mc_proc_net_fib_trie_parse(const char *buf, size_t len, struct mc_net_facts *n,
                               struct mc_error *reterr);
int mc_proc_net_vlan_config_parse(const char *buf, size_t len, struct mc_net_facts *n,
                                  struct mc_error *reterr);
extern mc_probe_spec mc_net_probe_spec;
