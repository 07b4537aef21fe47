/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live gathering of a host pair for `check`: both hosts in parallel, one
 * multiplexed ssh session per host running an agent (migcheck, or the
 * embedded sh probe), one libvirt connection per host over that same ssh
 * connection, then the live probes of relate.
 */
#pragma once

#include <stdbool.h>

#include "checker/facts.h"
#include "checker/pair.h"
#include "checker/report.h"
#include "cli.h"
#include "util/error.h"

struct mc_pair_gather_opts {
    const char *src; /* [user@]host[:port], a libvirt URI, or "local" */
    const char *dst;
    const char *vm;             /* domain name or UUID on the source */
    const char *transport;      /* libvirt transport for plain host names */
    const char *remote_command; /* migcheck on the hosts; "" = always the sh agent */
    bool probes;                /* run the live probes (canary, listener, ...) */
    int timeout_ms;
    const struct mc_check_opts *check;
    const struct mc_vm_facts *vm_override; /* --vm-xml: the domain as given */
    const struct mc_global *global;
};

/*
 * Gather both hosts and the pair facts. Errors: -EINVAL (bad host name),
 * -ENOENT (no such domain on the source): bad input; anything else (a host
 * unreachable): could not decide.
 */
int mc_pair_gather(const struct mc_pair_gather_opts *o, struct mc_host_facts **ret_src,
                   struct mc_host_facts **ret_dst, struct mc_pair_facts **ret_rel,
                   struct mc_error *reterr);
