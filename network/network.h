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
extern mc_probe_spec mc_net_probe_spec;
