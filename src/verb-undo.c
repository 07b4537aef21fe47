/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck undo JOURNAL: undo a run of an acting verb (migrate, provision)
 * from its journal: a finished run, or one that was interrupted or killed.
 * Every step the journal says may have happened (started, done, failed, or
 * an undo that did not finish) is undone, last first; the journal is updated
 * as it goes, so undo can itself be interrupted and run again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/action.h"
#include "cli.h"
#include "exit-codes.h"
#include "hosts/hostset.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

enum {
    OPT_REMOTE_COMMAND = MC_OPT_FIRST_VERB_OPT,
    OPT_TIMEOUT,
};

const struct mc_opt verb_undo_opts[] = {
    { "remote-command", required_argument, OPT_REMOTE_COMMAND, "PATH",
      "migcheck on the remote hosts (default: what the run used); empty: the embedded sh agent",
      NULL, false },
    { "host-timeout", required_argument, OPT_TIMEOUT, "SECONDS",
      "give up on a host after this long (default 30)", NULL, false },
    { .name = "timeout",
      .has_arg = required_argument,
      .val = OPT_TIMEOUT,
      .arg_name = "SECONDS",
      .help = "the same (migrate spells it --host-timeout too: its --timeout is virsh's)",
      .alias = true },
    { 0 },
};

struct undo_args {
    const char *remote_command;
    int timeout;
};

static int handle(int c, const char *arg, void *userdata)
{
    struct undo_args *a = userdata;
    switch (c) {
    case OPT_REMOTE_COMMAND:
        a->remote_command = arg;
        return 0;
    case OPT_TIMEOUT:
        return mc_parse_host_timeout(arg, &a->timeout);
    }
    return -1;
}

static bool anything_to_undo(const struct mc_plan *p)
{
    for (size_t i = 0; i < p->n_steps; i++) {
        enum mc_step_state st = p->steps[i].state;
        if (st == MC_STEP_STARTED || st == MC_STEP_DONE || st == MC_STEP_FAILED ||
            st == MC_STEP_UNDOING || st == MC_STEP_UNDO_FAILED)
            return true;
    }
    return false;
}

/* Each step and where it stands now: what an operator needs after exit status 5. */
static void print_states(const struct mc_plan *p, FILE *f)
{
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        fprintf(f, "  %2zu. %-11s %s\n", i + 1,
                mc_enum_name_or(&mc_step_state_names, (int)s->state, "not started"),
                s->summary ? s->summary : "");
        if (s->error && s->state == MC_STEP_UNDO_FAILED)
            fprintf(f, "      %s\n", s->error);
    }
}

int verb_undo(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    struct undo_args a = { .timeout = 30 };
    int first;
    int r = mc_parse_options(mc_verb_find("undo"), argc, argv, &g, handle, &a, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    if (argc - first != 1) {
        mc_log_error("expected JOURNAL");
        fprintf(stderr, "Try 'migcheck undo --help'.\n");
        return MC_EXIT_USAGE;
    }
    const char *path = argv[first];
    _cleanup_(mc_plan_freep) struct mc_plan *plan = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_plan_load(path, &plan, &err) < 0) {
        mc_log_error("%s", err.message);
        return MC_EXIT_USAGE;
    }
    if (!anything_to_undo(plan)) {
        if (!g.quiet)
            printf("Nothing to undo: journal '%s' (%s of %s) records no step that changed a "
                   "host.\n",
                   path, plan->verb ? plan->verb : "run", plan->domain ? plan->domain : "?");
        return MC_EXIT_OK;
    }
    if (!plan->source || !plan->destination) {
        mc_log_error("journal '%s' names no hosts", path);
        return MC_EXIT_USAGE;
    }
    const char *rc = a.remote_command ? a.remote_command : mc_plan_setting(plan, "remote-command");
    struct mc_hostset_opts ho = {
        .transport = mc_plan_setting(plan, "transport"),
        .remote_command = rc,
        .timeout_ms = a.timeout * 1000,
        .act = true,
        .keep_unreachable = true,
        .verbose = g.verbose,
    };
    _cleanup_(mc_hostset_freep) struct mc_hostset *hs = mc_hostset_new(&ho);
    struct mc_host *src = NULL, *dst = NULL, *storage = NULL;
    const char *storage_name = mc_plan_setting(plan, "storage"); /* provisioning's third host */
    if (mc_hostset_add(hs, plan->source, &src, &err) < 0 ||
        mc_hostset_add(hs, plan->destination, &dst, &err) < 0 ||
        (storage_name && mc_hostset_add(hs, storage_name, &storage, &err) < 0)) {
        mc_log_error("journal '%s': %s", path, err.message);
        return MC_EXIT_USAGE;
    }
    src->no_facts = dst->no_facts = true;
    if (storage)
        storage->no_facts = true;
    (void)mc_hostset_open(hs, &err); /* a host that stays unreachable fails its own steps */
    for (size_t i = 0; i < mc_hostset_count(hs); i++) {
        struct mc_host *h = mc_hostset_host(hs, i);
        if (h->rc < 0)
            mc_log_warning("%s", h->err.message ? h->err.message : "unreachable");
    }
    struct mc_apply_ctx c = {
        .plan = plan,
        .journal = path,
        .hosts = { src, dst, storage },
        .log = g.quiet ? NULL : stderr,
    };
    mc_error_clear(&err);
    int rc_undo = mc_plan_undo(&c, &err);
    if (rc_undo == MC_EXIT_OK) {
        if (!g.quiet) {
            printf("Undone: %s of %s (%s -> %s), journal '%s'.\n", plan->verb ? plan->verb : "run",
                   plan->domain ? plan->domain : "?", plan->source, plan->destination, path);
            print_states(plan, stdout);
        }
        return MC_EXIT_OK;
    }
    mc_log_error("the undo did not complete: %s", err.message ? err.message : "?");
    printf("Undo incomplete: %s of %s (%s -> %s), journal '%s'. Each step:\n",
           plan->verb ? plan->verb : "run", plan->domain ? plan->domain : "?", plan->source,
           plan->destination, path);
    print_states(plan, stdout);
    printf("Run 'migcheck undo %s' again once the hosts are reachable, or undo the steps marked "
           "undo-failed by hand.\n",
           path);
    return MC_EXIT_ROLLBACK_FAILED;
}
