/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pair facts of `check` (relate): for two open hosts of a host set, the
 * pure matching of their facts and the live probes (canary files, stat and
 * open on DST, NFS/iSCSI from DST, CPU comparison, a listener on DST and a
 * connection from SRC, DST's name resolved on SRC). Checks never change a
 * host: canaries and listeners clean up after themselves.
 */
#pragma once

#include <stdbool.h>

#include "checker/pair.h"
#include "checker/report.h"
#include "hosts/hostset.h"
#include "util/error.h"

struct mc_pair_gather_opts {
    bool probes; /* run the live probes (else only the pure matching) */
    const struct mc_check_opts *check;
};

/*
 * src must have been opened with its want_vm (src->facts->vm). The block devices of the VM are
 * re-gathered on both hosts first (their identities need the VM's disks).
 */
int mc_gather_pair(struct mc_host *src, struct mc_host *dst, const struct mc_pair_gather_opts *o,
                   struct mc_pair_facts **ret_rel, struct mc_error *reterr);
