/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Applying a plan (checker/plan.h): the only place migcheck changes hosts.
 *
 *   struct mc_apply_ctx c = { .plan = plan, .journal = path, .hosts = { src, dst } };
 *   int rc = mc_plan_apply(&c, &err);   // MC_EXIT_OK, _ROLLED_BACK (4), _ROLLBACK_FAILED (5)
 *
 * Before each step the journal (the plan with every step's state) is written to a temporary
 * file, fsync'ed and renamed over the journal, and the directory fsync'ed: after a crash or a
 * SIGKILL the journal on disk names every step that may have started. A step that fails is
 * undone itself (it may have done part), then every step before it, in reverse. mc_plan_undo
 * does the same for a finished or interrupted run read back from its journal.
 *
 * STEP KINDS. Each kind (enum mc_step_kind, named in checker/plan.c) is one row of the step
 * table in steps.c:
 *
 *   [MC_STEP_X] = { .mutates = true, .run = x_run, .verify = x_verify, .undo = x_undo,
 *                   .params = "path format bytes", .results = "inode" },
 *
 *   run    does the step. Reads mc_step_param(s, ...); records what undo or verify need with
 *          mc_step_record(s, name, value) BEFORE returning (the journal is written after run).
 *   verify (optional) checks that the step really took effect; a failure is a failed step.
 *   undo   reverses it. It must be idempotent and must work when run never started or stopped
 *          halfway (state "started" after a crash: results may be missing): look at the host,
 *          do what is needed, succeed when there is nothing to undo.
 *   A kind that changes no host (.mutates = false) has no undo.
 *
 * Functions return 0 or -errno with the reason in err. Host roles ("source", "destination")
 * in s->host are resolved with mc_apply_host(). A verb keeps its own state (connections,
 * progress, the destination XML being built) behind c->verb.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "checker/plan.h"
#include "hosts/hostset.h"
#include "util/error.h"

struct mc_apply_ctx {
    struct mc_plan *plan;
    const char *journal;                /* path of the journal (required) */
    struct mc_host *hosts[3];           /* [0] source, [1] destination, [2] storage (or NULL) */
    void *verb;                         /* the verb's state, for its step kinds */
    volatile sig_atomic_t *interrupted; /* set by a signal handler: stop before the next step */
    FILE *log;                          /* progress lines for people (stderr), or NULL */
};

struct mc_step_ops {
    bool mutates;
    int (*run)(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
    int (*verify)(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
    int (*undo)(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
    const char *params;  /* the parameters run and undo read (documentation) */
    const char *results; /* what run records */
};

/* The row of a kind (NULL for MC_STEP_UNSET or out of range). */
const struct mc_step_ops *mc_step_ops(enum mc_step_kind k);
/* The host a step acts on ("source", "destination", "storage"); NULL when the plan names
 * another. */
struct mc_host *mc_apply_host(struct mc_apply_ctx *c, const struct mc_plan_step *s);
/* Record a result of the step (journaled with it). Every step that ran gets "elapsed", its
 * wall time in seconds (run and verify). */
void mc_step_record(struct mc_plan_step *s, const char *name, const char *value);

/* Apply every step; on a failure undo in reverse. Returns an MC_EXIT_* code. */
int mc_plan_apply(struct mc_apply_ctx *c, struct mc_error *reterr);
/* Undo every step that may have happened (started, done, failed), in reverse. MC_EXIT_*. */
int mc_plan_undo(struct mc_apply_ctx *c, struct mc_error *reterr);
/*
 * Resume an interrupted run read back from its journal: undo the step that was running when it
 * stopped (its state says it may have done part), then apply the steps not done yet. Done steps
 * stay done; a failure rolls back all of them. MC_EXIT_*.
 */
int mc_plan_resume(struct mc_apply_ctx *c, struct mc_error *reterr);

/*
 * Test hook for the fault sweeps (tests/e2e): MIGCHECK_TEST_FAULT=fail:N makes step N (from 1)
 * fail right after it succeeded, as a failure of its verification would; kill:N ends the
 * process with SIGKILL at the same point (the journal still says "started"); kill-before:N
 * ends it right after step N was journaled "started", before it runs (its results are then
 * missing: the undo must look at the host). A fault the lab cannot produce on demand at every
 * step; the sweeps say so.
 */
#define MC_TEST_FAULT_ENV "MIGCHECK_TEST_FAULT"
/* Write the journal durably (temporary file, fsync, rename, fsync of the directory). */
int mc_journal_write(const char *path, const struct mc_plan *p, struct mc_error *reterr);
/* A new journal path in dir for a run: DIR/migcheck-VERB-DOMAIN-RUNID.xml (caller frees). */
char *mc_journal_path(const char *dir, const struct mc_plan *p);
/* Where journals go by default: /var/lib/migcheck for root, else $XDG_STATE_HOME/migcheck
 * (~/.local/state/migcheck). Caller frees. */
char *mc_journal_default_dir(void);
/* Create it (and its parents, mode 0700) when missing. */
int mc_journal_dir_create(const char *dir, struct mc_error *reterr);
