/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the files of network/ (not part of its API). */
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/facts.h"
#include "util/cleanup.h"
#include "util/error.h"

/* Bounds for text from another host. */
#define MC_NET_PROC_MAX  (32u << 20) /* one /proc/net file */
#define MC_NET_MAX_LINES 200000
#define MC_NET_ATTR_MAX  (64u * 1024)

/* "global", "site", "link", "host", "nowhere" for an rtnetlink scope; NULL for others. */
const char *mc_net_scope_name(int scope);

/* IPv4 network-order bytes or IPv6 bytes as text: "192.0.2.1", "2001:db8::1". */
char *mc_net_addr_str(int family, const void *bytes);

/* The next line of [*p, end): sets *line and *line_len, advances *p; false at the end. */
bool mc_net_next_line(const char **p, const char *end, const char **line, size_t *line_len);

/* An interface name as the kernel allows it (1 to 15 bytes, no slash, no space or control
 * character). */
bool mc_net_ifname_ok(const char *s, size_t n);

/* The link called name in n, or NULL. */
struct mc_link *mc_net_link_by_name(struct mc_net_facts *n, const char *name);

/* Clear n for a new gathering, but for its listening sockets: mc_net_gather_listening's. */
void mc_net_facts_clear_but_listens(struct mc_net_facts *n);

MC_DEFINE_CLEANUP(struct addrinfo *, freeaddrinfo)

/* The addresses of host (a name or an address) for a TCP connection to port; -errno and
 * "cannot resolve 'host': ..." when there are none. */
int mc_net_resolve(const char *host, int port, struct addrinfo **ret, struct mc_error *reterr);

/*
 * Connect to one address within timeout_ms: 0 when connected (the non-blocking socket in
 * *ret_fd, or closed when ret_fd is NULL), else the positive errno of the failure, ETIMEDOUT
 * when the time ran out (*ret_fd is then -1).
 */
int mc_net_connect(const struct addrinfo *ai, int timeout_ms, int *ret_fd);

/* A socket address as text (IPv4-mapped IPv6 addresses as IPv4), and its port when ret_port is
 * set. */
void mc_net_sockaddr_text(const struct sockaddr *sa, char buf[static INET6_ADDRSTRLEN],
                          int *ret_port);
