/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The measurements behind a convergence prediction (check --predict), as pair
 * facts: they are saved with --save-facts and read back with --pair-facts, so
 * the prediction can be replayed and tested offline like every other rule.
 * Numbers are integers in the units their names say; a measurement that did
 * not run has its probe field absent, one that failed says why in detail.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "converge.h"
#include "pair.h"

void mc_predict_facts_clear(struct mc_predict_facts *p);

/* The migration being predicted, as the operator describes it (check and migrate options). */
struct mc_migration_opts {
    int64_t bandwidth_mib; /* --bandwidth; 0: the domain's own limit */
    int64_t downtime_ms;   /* --downtime-limit; 0: the domain's (QEMU's) */
    bool auto_converge;
    bool postcopy;
    int parallel; /* --parallel-connections; 0: one stream */
    bool compressed;
    int64_t timeout_s; /* --migration-timeout; 0: none */
    enum mc_timeout_fallback timeout_action;
};

/*
 * Build the model's input from the measurements and the options. The curve
 * points are stored in curve_buf (at least n_dirty + 1 entries). -ENODATA with
 * ret_missing naming what is missing (static text) when no prediction can be
 * made.
 */
int mc_predict_input(const struct mc_predict_facts *f, const struct mc_migration_opts *o,
                     struct mc_converge_in *ret, struct mc_dirty_point *curve_buf,
                     const char **ret_missing);
