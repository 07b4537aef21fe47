/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Apply a plan step by step with the journal written first; undo in reverse (action.h). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "exit-codes.h"
#include "gather.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/xalloc.h"

struct mc_host *mc_apply_host(struct mc_apply_ctx *c, const struct mc_plan_step *s)
{
    if (!s->host || strcmp(s->host, "source") == 0)
        return c->hosts[0];
    if (strcmp(s->host, "destination") == 0)
        return c->hosts[1];
    if (strcmp(s->host, "storage") == 0)
        return c->hosts[2];
    return NULL;
}

void mc_step_record(struct mc_plan_step *s, const char *name, const char *value)
{
    mc_param_set(&s->results, &s->n_results, name, value);
}

static void say(struct mc_apply_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct mc_apply_ctx *c, const char *fmt, ...)
{
    if (!c->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("migcheck: ", c->log);
    vfprintf(c->log, fmt, ap);
    fputc('\n', c->log);
    va_end(ap);
    fflush(c->log);
}

static void stamp(char **field)
{
    free(*field);
    *field = mc_timestamp_now();
}

static void set_error(char **field, const struct mc_error *e)
{
    free(*field);
    *field = mc_xstrdup(e->message ? e->message : strerror(-e->code));
}

/* Journal now; a journal that cannot be written stops everything (nothing is safe then). */
static int journal(struct mc_apply_ctx *c, struct mc_error *reterr)
{
    return mc_journal_write(c->journal, c->plan, reterr);
}

static bool may_have_happened(enum mc_step_state st)
{
    return st == MC_STEP_STARTED || st == MC_STEP_DONE || st == MC_STEP_FAILED ||
           st == MC_STEP_UNDOING || st == MC_STEP_UNDO_FAILED;
}

/* Undo steps [0, upto] that may have happened, last first. Returns true when all undid. */
static bool rollback(struct mc_apply_ctx *c, size_t upto, struct mc_error *reterr)
{
    bool complete = true;
    for (size_t k = upto + 1; k-- > 0;) {
        struct mc_plan_step *s = &c->plan->steps[k];
        const struct mc_step_ops *ops = mc_step_ops(s->kind);
        if (!may_have_happened(s->state))
            continue;
        if (!ops || !ops->mutates || !ops->undo) {
            s->state = MC_STEP_UNDONE;
            continue;
        }
        s->state = MC_STEP_UNDOING;
        _cleanup_error_ struct mc_error jerr = { 0 };
        if (journal(c, &jerr) < 0)
            say(c, "%s", jerr.message); /* go on: undoing matters more than the record */
        say(c, "undoing step %zu: %s", k + 1, s->summary ? s->summary : "");
        _cleanup_error_ struct mc_error err = { 0 };
        int r = ops->undo(c, s, &err);
        stamp(&s->finished);
        if (r < 0) {
            s->state = MC_STEP_UNDO_FAILED;
            set_error(&s->error, &err);
            say(c, "could not undo step %zu: %s", k + 1, s->error);
            if (complete)
                mc_error_set(reterr, r, "could not undo step %zu (%s): %s", k + 1,
                             mc_enum_name_or(&mc_step_kind_names, (int)s->kind, "?"), s->error);
            complete = false;
        } else {
            s->state = MC_STEP_UNDONE;
        }
        if (journal(c, &jerr) < 0)
            say(c, "%s", jerr.message);
    }
    return complete;
}

/* MC_TEST_FAULT_ENV: the step (from 1) and what to do at this point of it (action.h): before
 * is true right after the step was journaled "started", before it runs. */
static void test_fault(size_t step, bool before, int *r, struct mc_error *err)
{
    static const struct {
        const char *prefix;
        bool before, kill;
    } faults[] = {
        { "fail:", false, false },
        { "kill:", false, true },
        { "kill-before:", true, true },
    };
    const char *f = getenv(MC_TEST_FAULT_ENV);
    if (!f || !*f)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(faults); i++) {
        size_t len = strlen(faults[i].prefix);
        if (faults[i].before != before || strncmp(f, faults[i].prefix, len) != 0)
            continue;
        char *end;
        unsigned long n = strtoul(f + len, &end, 10);
        if (*end || n != step)
            return;
        if (faults[i].kill)
            raise(SIGKILL);
        *r = mc_error_set(err, -EIO, "failure injected after step %zu (%s=%s)", step,
                          MC_TEST_FAULT_ENV, f);
        return;
    }
}

int mc_plan_apply(struct mc_apply_ctx *c, struct mc_error *reterr)
{
    struct mc_plan *p = c->plan;
    p->state = MC_PLAN_APPLYING;
    int r = journal(c, reterr);
    if (r < 0)
        return MC_EXIT_ROLLED_BACK; /* nothing done yet: nothing to undo */
    for (size_t i = 0; i < p->n_steps; i++) {
        struct mc_plan_step *s = &p->steps[i];
        const struct mc_step_ops *ops = mc_step_ops(s->kind);
        _cleanup_error_ struct mc_error err = { 0 };
        if (s->state == MC_STEP_DONE)
            continue; /* a resumed run: done before it stopped */
        if (c->interrupted && *c->interrupted) {
            mc_error_set(&err, -EINTR, "interrupted before step %zu", i + 1);
            r = -EINTR;
        } else if (!ops || !ops->run) {
            mc_error_set(&err, -ENOTSUP, "step %zu has a kind this migcheck cannot apply", i + 1);
            r = -ENOTSUP;
        } else {
            s->state = MC_STEP_STARTED;
            stamp(&s->started);
            r = journal(c, &err);
            if (r == 0) {
                say(c, "step %zu/%zu: %s", i + 1, p->n_steps, s->summary ? s->summary : "");
                test_fault(i + 1, true, &r, &err);
                double t0 = mc_now();
                r = ops->run(c, s, &err);
                if (r == 0 && ops->verify)
                    r = ops->verify(c, s, &err);
                char el[32];
                snprintf(el, sizeof(el), "%.3f", mc_now() - t0);
                mc_step_record(s, "elapsed", el);
                if (r == 0)
                    test_fault(i + 1, false, &r, &err);
            } else {
                s->state = MC_STEP_PENDING; /* not journaled as started: it did not run */
            }
        }
        stamp(&s->finished);
        if (r == 0) {
            s->state = MC_STEP_DONE;
            _cleanup_error_ struct mc_error jerr = { 0 };
            if (journal(c, &jerr) < 0) {
                /* Without a journal an undo later would be blind: stop and undo now. */
                r = jerr.code;
                mc_error_set(&err, r, "%s", jerr.message);
            } else {
                continue;
            }
        }
        /* The step failed (or the run stopped before it): undo it and everything before. */
        if (s->state == MC_STEP_STARTED)
            s->state = MC_STEP_FAILED;
        set_error(&s->error, &err);
        free(p->error);
        p->error = mc_xasprintf("step %zu (%s): %s", i + 1,
                                mc_enum_name_or(&mc_step_kind_names, (int)s->kind, "?"), s->error);
        mc_error_set(reterr, r, "%s", p->error);
        say(c, "%s; rolling back", p->error);
        p->state = MC_PLAN_ROLLING_BACK;
        _cleanup_error_ struct mc_error jerr = { 0 };
        (void)journal(c, &jerr);
        _cleanup_error_ struct mc_error uerr = { 0 };
        bool complete = rollback(c, i, &uerr);
        p->state = complete ? MC_PLAN_ROLLED_BACK : MC_PLAN_ROLLBACK_INCOMPLETE;
        (void)journal(c, &jerr);
        if (!complete) {
            mc_error_set(reterr, uerr.code, "%s; then %s", p->error, uerr.message);
            return MC_EXIT_ROLLBACK_FAILED;
        }
        return MC_EXIT_ROLLED_BACK;
    }
    p->state = MC_PLAN_DONE;
    _cleanup_error_ struct mc_error jerr = { 0 };
    if (journal(c, &jerr) < 0)
        say(c, "%s", jerr.message);
    return MC_EXIT_OK;
}

int mc_plan_resume(struct mc_apply_ctx *c, struct mc_error *reterr)
{
    struct mc_plan *p = c->plan;
    for (size_t i = 0; i < p->n_steps; i++) {
        struct mc_plan_step *s = &p->steps[i];
        if (s->state == MC_STEP_DONE || s->state == MC_STEP_PENDING)
            continue;
        if (s->state == MC_STEP_UNDONE) {
            s->state = MC_STEP_PENDING;
            continue;
        }
        /* started, failed, undoing, undo-failed: it may have done part; undo that first */
        const struct mc_step_ops *ops = mc_step_ops(s->kind);
        if (ops && ops->mutates && ops->undo) {
            s->state = MC_STEP_UNDOING;
            int r = journal(c, reterr);
            if (r < 0)
                return MC_EXIT_ROLLBACK_FAILED;
            say(c, "undoing the interrupted step %zu before resuming: %s", i + 1,
                s->summary ? s->summary : "");
            r = ops->undo(c, s, reterr);
            if (r < 0) {
                s->state = MC_STEP_UNDO_FAILED;
                set_error(&s->error, reterr);
                _cleanup_error_ struct mc_error jerr = { 0 };
                (void)journal(c, &jerr);
                return MC_EXIT_ROLLBACK_FAILED;
            }
        }
        s->state = MC_STEP_PENDING;
        free(s->error);
        s->error = NULL;
    }
    free(p->error);
    p->error = NULL;
    return mc_plan_apply(c, reterr);
}

int mc_plan_undo(struct mc_apply_ctx *c, struct mc_error *reterr)
{
    struct mc_plan *p = c->plan;
    if (p->n_steps == 0)
        return MC_EXIT_OK;
    p->state = MC_PLAN_ROLLING_BACK;
    int r = journal(c, reterr);
    if (r < 0)
        return MC_EXIT_ROLLBACK_FAILED;
    bool complete = rollback(c, p->n_steps - 1, reterr);
    p->state = complete ? MC_PLAN_UNDONE : MC_PLAN_ROLLBACK_INCOMPLETE;
    _cleanup_error_ struct mc_error jerr = { 0 };
    (void)journal(c, &jerr);
    return complete ? MC_EXIT_OK : MC_EXIT_ROLLBACK_FAILED;
}
