/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check.h"

#include <string.h>

#include "facts-schema.h"
#include "relate.h"
#include "util/strv.h"
#include "util/xalloc.h"

void mc_check_judge(const struct mc_check_config *c, const struct mc_check_input *in,
                    struct mc_report *ret)
{
    static const struct mc_check_opts plain = { .transport = "ssh" };
    const struct mc_vm_facts *vm = in->vm ? in->vm : in->src ? in->src->vm : NULL;
    const char *src_name = in->src_name               ? in->src_name
                           : in->src && in->src->name ? in->src->name
                                                      : "source";
    const char *dst_name = in->dst_name               ? in->dst_name
                           : in->dst && in->dst->name ? in->dst->name
                                                      : "destination";

    /* The pure half of relate, on a copy: the inputs stay as they are. */
    struct mc_pair_facts rel = { 0 };
    const struct mc_pair_facts *use = in->rel;
    if (!in->rel || in->rel->n_paths == 0) {
        if (in->rel)
            mc_struct_copy(&mc_desc_pair_facts, &rel, in->rel);
        if (in->src && vm)
            mc_relate_paths(in->src, in->dst, vm, &rel);
        use = &rel;
    }

    struct mc_pair pair = {
        .src = in->src,
        .dst = in->dst,
        .vm = vm,
        .rel = use,
        .opts = c->copts ? c->copts : &plain,
        .src_name = src_name,
        .dst_name = dst_name,
    };
    struct mc_engine_opts eo = {
        .rules = c->rules,
        .n_rules = c->n_rules,
        .policy = c->policy,
        .strict = c->strict,
        .only = c->only,
        .skip = c->skip,
    };
    ret->source = mc_xstrdup(src_name);
    ret->destination = mc_xstrdup(dst_name);
    ret->domain = mc_xstrdup(vm && vm->name ? vm->name : in->vm_name ? in->vm_name : "?");
    ret->offline = in->origin == MC_CHECK_SNAPSHOTS;
    ret->src_agent = mc_xstrdup_or_null(use->src_agent);
    ret->dst_agent = mc_xstrdup_or_null(use->dst_agent);
    if (in->origin == MC_CHECK_SNAPSHOTS && !use->live)
        mc_strv_add(&ret->notes, "from snapshots: live-only rules are skipped");
    else if (in->origin == MC_CHECK_SNAPSHOTS)
        mc_strv_add(&ret->notes, "from snapshots, with recorded probe results");
    else if (in->origin == MC_CHECK_LIVE_NO_PROBE)
        mc_strv_add(&ret->notes, "--no-probe: live-only rules are skipped");
    if (pair.opts->offline)
        mc_strv_add(&ret->notes, "checking an offline migration (--offline)");
    mc_engine_run(&eo, &pair, ret);
    mc_struct_clear(&mc_desc_pair_facts, &rel);
}
