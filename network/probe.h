/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live TCP probes, run on a host by the check (SRC connects to DST's
 * migration ports; DST opens a temporary listener so a firewall can be told
 * from a closed port). No output: results in structs, errors in mc_error.
 */
#pragma once

#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdbool.h>

#include "util/error.h"

enum mc_tcp_result {
    MC_TCP_OPEN = 0,    /* the handshake completed */
    MC_TCP_REFUSED,     /* RST: the host answered, nothing listens (or a REJECT rule) */
    MC_TCP_TIMEOUT,     /* no answer within the time: a DROP firewall or a dead host */
    MC_TCP_UNREACHABLE, /* no route, host/network unreachable (ICMP or local) */
    MC_TCP_ERROR,       /* anything else: err says what */
};

/* "open", "refused", "timeout", "unreachable", "error" (the pair facts' words). */
const char *mc_tcp_result_name(enum mc_tcp_result r);

struct mc_tcp_probe_result {
    enum mc_tcp_result result;
    int err;                        /* positive errno of the failure; 0 when open */
    char address[INET6_ADDRSTRLEN]; /* the address that decided the result */
    int port;
    int n_addresses; /* how many addresses the name resolved to */
    double seconds;  /* wall time of the whole probe */
};

/*
 * Connect to host:port (a name or an address; every address it resolves to is
 * tried in order within one overall timeout). An open address decides at
 * once; otherwise refused beats timeout beats unreachable. Returns 0 with a
 * result, or -errno when the name cannot be resolved or the arguments are bad.
 */
int mc_tcp_connect_probe(const char *host, int port, int timeout_ms,
                         struct mc_tcp_probe_result *ret, struct mc_error *reterr);

struct mc_tcp_listener {
    int fd;
    int port;                       /* the port bound */
    char address[INET6_ADDRSTRLEN]; /* the address bound ("::" for any, dual stack) */
};

/*
 * Bind a temporary listener on address (NULL or "" for any address, IPv4 and
 * IPv6) and the first free port of [port_min, port_max] (port_min == 0: a
 * port the kernel picks). -EADDRINUSE when every port of the range is taken.
 */
int mc_tcp_listener_open(const char *address, int port_min, int port_max,
                         struct mc_tcp_listener *ret, struct mc_error *reterr);

struct mc_tcp_accept_result {
    bool accepted;
    char peer[INET6_ADDRSTRLEN]; /* who connected (IPv4-mapped addresses as IPv4) */
    int peer_port;
    double seconds;
};

/* Wait up to timeout_ms for one connection, accept it and close it. */
int mc_tcp_listener_accept(struct mc_tcp_listener *l, int timeout_ms,
                           struct mc_tcp_accept_result *ret, struct mc_error *reterr);
void mc_tcp_listener_close(struct mc_tcp_listener *l);
