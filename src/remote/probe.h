/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sh probe: when migcheck is not installed on a remote host, `sh -s` there reads the
 * embedded script (probe.sh) and the probe specs of the gatherers from stdin and answers with
 * the raw sources in one round trip. mc_source_dump() turns the answer into a source that the
 * same gatherers read.
 *
 *   argv: ssh ... HOST sh -s      stdin: mc_probe_request(specs, boundary)
 *   stdout -> mc_source_dump(out, len, boundary, ...) -> mc_os_gather(), mc_mounts_gather() ...
 *
 * mc_probe_run() does all of it for one argv.
 */
#pragma once

#include <stddef.h>

#include "util/error.h"
#include "util/source.h"

/* The script (probe.sh, embedded at build time). */
const char *mc_probe_script(void);
size_t mc_probe_script_size(void);

/* The specs of every gatherer (os, mounts, storage, net, virt), NULL-terminated. */
extern const char *const *const mc_probe_gatherer_specs[];

/* A new random boundary: 32 hex digits (util/random.h). */
char *mc_probe_boundary(void);

/*
 * The stdin of `sh -s`: the script, then the spec lines of every array of specs (a
 * NULL-terminated list of NULL-terminated arrays) as a quoted here-document. Lines that are not
 * valid spec lines ("<F|L|D|S|H> <glob without spaces>" or "C <key> [<word>...]", printable
 * ASCII) are left out; duplicates are sent once. Newly allocated.
 */
char *mc_probe_request(const char *const *const specs[], const char *boundary);

/*
 * Run argv (e.g. "ssh", "-T", HOST, "sh", "-s"; or "dash", "-s" for this host) with the request
 * on stdin, within timeout_ms, and parse its output into a source labelled label.
 */
int mc_probe_run(const char *const *argv, const char *const *const specs[], const char *label,
                 int timeout_ms, struct mc_source **ret, struct mc_error *reterr);
