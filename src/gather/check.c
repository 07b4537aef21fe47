/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checker/render.h"
#include "exit-codes.h"
#include "pair.h"
#include "util/spawn.h"

int mc_verdict_exit(enum mc_verdict v)
{
    switch (v) {
    case MC_VERDICT_BLOCKED:
        return MC_EXIT_BLOCKED;
    case MC_VERDICT_UNKNOWN:
        return MC_EXIT_UNKNOWN;
    default:
        return MC_EXIT_OK;
    }
}

int mc_check_live(const struct mc_check_config *c, struct mc_host *src, struct mc_host *dst,
                  bool probes, struct mc_check_run *ret, struct mc_error *reterr)
{
    double t0 = mc_now();
    struct mc_pair_gather_opts po = { .probes = probes, .check = c->copts };
    struct mc_pair_facts *rel = NULL;
    int r = mc_gather_pair(src, dst, &po, &rel, reterr);
    if (r < 0)
        return r;
    ret->gather_seconds = mc_now() - t0;
    ret->rel = rel;
    struct mc_check_input in = {
        .src = src->facts,
        .dst = dst->facts,
        .rel = rel,
        .src_name = src->spec.label,
        .dst_name = dst->spec.label,
        .vm_name = src->want_vm,
        .origin = probes ? MC_CHECK_LIVE : MC_CHECK_LIVE_NO_PROBE,
    };
    mc_check_judge(c, &in, &ret->report);
    ret->report.exit_code = mc_verdict_exit(ret->report.verdict);
    return 0;
}

void mc_check_run_clear(struct mc_check_run *r)
{
    mc_report_clear(&r->report);
    mc_pair_facts_free(r->rel);
    memset(r, 0, sizeof(*r));
}

int mc_check_render(const struct mc_report *rep, const struct mc_global *g)
{
    struct mc_render_opts ro = {
        .color = mc_use_color(g, stdout),
        .quiet = g->quiet,
        .verbose = g->verbose,
        .width = mc_output_width(stdout),
    };
    const char *fmt = g->format ? g->format : "text";
    if (strcmp(fmt, "json") == 0)
        return mc_render_json(rep, stdout, &ro);
    if (strcmp(fmt, "junit") == 0)
        return mc_render_junit(rep, stdout, &ro);
    return mc_render_text(rep, stdout, &ro);
}
