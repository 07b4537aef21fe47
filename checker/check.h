/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The check pipeline's pure part: relate (the matching half) and judge (the
 * rule table, the site policy, the verdict) over facts already gathered or
 * loaded. It reads its inputs and never changes them, does no I/O, and
 * allocates only the report, so a caller may judge the same loaded snapshots
 * any number of times (a cluster's cells) and get exactly what `check` says.
 *
 *   struct mc_check_config cfg = { .rules = mc_rules_table(&n), .n_rules = n,
 *                                  .policy = NULL, .copts = &copts };
 *   struct mc_check_input in = { .src = a, .dst = b, .rel = NULL };   // vm: a->vm
 *   struct mc_report rep = { 0 };
 *   mc_check_judge(&cfg, &in, &rep);          // rep.verdict, rep.findings, rep.counts
 *   ... mc_report_clear(&rep);
 *
 * The live pipeline (gather over a host set, then this) is src/gather/check.h;
 * rendering is one call on the finished report (checker/render.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "pair.h"
#include "report.h"

struct mc_check_config {
    const struct mc_rule *rules; /* the rule table (rules/: mc_rules_table) */
    size_t n_rules;
    const struct mc_policy *policy;    /* site policy, or NULL */
    bool strict;                       /* warnings block */
    char *const *only;                 /* run only these rule ids (--rule), or NULL */
    char *const *skip;                 /* do not run these (--skip-rule), or NULL */
    const struct mc_check_opts *copts; /* the migration being predicted; NULL: a plain live one */
};

/* Where the facts came from (the report says so in its notes). */
enum mc_check_origin {
    MC_CHECK_LIVE,          /* gathered now, with live probes */
    MC_CHECK_LIVE_NO_PROBE, /* gathered now, --no-probe */
    MC_CHECK_SNAPSHOTS,     /* loaded snapshots (rel: recorded probe results, if any) */
};

struct mc_check_input {
    const struct mc_host_facts *src;
    const struct mc_host_facts *dst;
    const struct mc_vm_facts *vm;    /* NULL: src->vm */
    const struct mc_pair_facts *rel; /* NULL, or without paths: the matching is computed here */
    const char *src_name;            /* as the operator named the hosts; NULL: the facts' names */
    const char *dst_name;
    const char *vm_name; /* for the report when vm is NULL too */
    enum mc_check_origin origin;
};

/*
 * Relate (when in->rel holds no paths) and judge; fills ret (source, destination, domain,
 * verdict, counts, findings, notes, agents). ret must be zeroed or cleared. Never fails: facts
 * that are missing make the rules that need them UNKNOWN.
 */
void mc_check_judge(const struct mc_check_config *c, const struct mc_check_input *in,
                    struct mc_report *ret);
