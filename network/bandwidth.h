/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A short, bounded throughput probe on the migration path: DST listens on a
 * port of its migration range (where QEMU will listen), SRC connects and sends
 * incompressible data for a fixed time; DST counts what arrives. The
 * receiver's count is the measurement (bytes from the first to the last byte
 * it read), split in slices so the caller sees how steady the link was.
 */
#pragma once

#include <netinet/in.h>
#include <stdint.h>

#include "probe.h"
#include "util/error.h"

#define MC_BW_SLICES 8

struct mc_bw_sink_result {
    int64_t bytes;
    double seconds;                 /* first byte to end of stream */
    double slice_bps[MC_BW_SLICES]; /* throughput of each eighth of that time */
    char peer[INET6_ADDRSTRLEN];
};

/*
 * Accept one connection on the listener within accept_ms, read and discard
 * until the sender closes, or max_ms after the first byte. Never more than
 * that: the probe is bounded on both sides.
 */
int mc_bw_sink(struct mc_tcp_listener *l, int accept_ms, int max_ms, struct mc_bw_sink_result *ret,
               struct mc_error *reterr);

struct mc_bw_send_result {
    int64_t bytes;
    double seconds;
    char address[INET6_ADDRSTRLEN];
};

/* Connect to host:port and send for duration_ms (then close and wait, bounded, for the
 * receiver to close). */
int mc_bw_send(const char *host, int port, int duration_ms, struct mc_bw_send_result *ret,
               struct mc_error *reterr);
