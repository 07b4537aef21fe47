/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The check pipeline in one call, for every verb that checks (check, migrate,
 * provision, cluster): gather the pair facts over two open hosts of a host
 * set, relate, judge (checker/check.h), and give back the report and the pair
 * facts. Rendering is separate (mc_check_render), once, at the top.
 *
 *   mc_hostset_open(hs, &err);                                  // hosts/hostset.h
 *   struct mc_check_run run = { 0 };
 *   mc_check_live(&cfg, src, dst, true, &run, &err);           // run.report, run.rel
 *   mc_check_render(&run.report, global);
 *   mc_check_run_clear(&run);
 */
#pragma once

#include <stdbool.h>

#include "checker/check.h"
#include "cli.h"
#include "hosts/hostset.h"

struct mc_check_run {
    struct mc_report report;   /* verdict, findings; exit_code set (MC_EXIT_*) */
    struct mc_pair_facts *rel; /* the pair facts the report judged (probe results) */
    double gather_seconds;     /* pair gathering and probes */
};

/*
 * src (opened with want_vm) and dst must be open hosts. probes: run the live probes (else
 * live-only rules SKIP). -ENOTCONN/-EINVAL when the hosts are not ready; never for what the
 * rules judge.
 */
int mc_check_live(const struct mc_check_config *c, struct mc_host *src, struct mc_host *dst,
                  bool probes, struct mc_check_run *ret, struct mc_error *reterr);
void mc_check_run_clear(struct mc_check_run *r);

/* The exit status of a verdict (0 migratable, 1 blocked, 3 unknown). */
int mc_verdict_exit(enum mc_verdict v);
/* Print the report in the format of the global options (text, json, junit); -1 on a write error. */
int mc_check_render(const struct mc_report *rep, const struct mc_global *g);
