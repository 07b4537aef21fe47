/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-copy model (checker/converge.c) and the step from measurements to its input
 * (checker/predict.c), on numbers built here: cases whose answer follows from how QEMU
 * migrates (a link slower than the dirtying never converges, a working set that fits the
 * threshold always does, ...) and invariants (more dirtying never makes it faster, the
 * downtime bound bounds the runs, auto-converge only helps a guest that needs its CPU).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/converge.h"
#include "checker/pair.h"
#include "checker/predict.h"
#include "util/xalloc.h"

#define MIB (1024.0 * 1024.0)

/* A guest of 1 GiB, 600 MiB of it not zero, dirtying `rate` MiB/s over a working set of
 * `ws` MiB (D(t) = min(ws, rate t)), over a 1 GiB/s link capped at `cap` MiB/s. */
struct guest {
    struct mc_dirty_point pts[3];
    struct mc_converge_in in;
};

static void guest(struct guest *g, double rate, double ws, double cap)
{
    memset(g, 0, sizeof(*g));
    size_t n = 0;
    if (rate > 0) {
        double sat = ws / rate;
        g->pts[n++] = (struct mc_dirty_point){ sat < 0.2 ? sat : 0.2, rate * MIB * fmin(sat, 0.2) };
        g->pts[n++] = (struct mc_dirty_point){ sat, ws * MIB };
        g->pts[n++] = (struct mc_dirty_point){ sat + 10, ws * MIB };
    }
    g->in = (struct mc_converge_in){
        .ram_bytes = 1024 * MIB,
        .nonzero_bytes = 600 * MIB,
        .curve = g->pts,
        .n_curve = n,
        .dirty_uncertainty = 0.1,
        .link_bps = 1024 * MIB,
        .link_uncertainty = 0.05,
        .cap_bps = cap * MIB,
        .downtime_limit = 0.3,
        .vcpu_busy = -1,
        .setup = 1.0,
        .switchover = 0.05,
        .switchover_max = 0.2,
    };
}

static void test_dirty_curve(void **state)
{
    (void)state;
    struct mc_dirty_point pts[] = { { 1, 10 * MIB }, { 2, 8 * MIB }, { 4, 30 * MIB } };
    struct mc_converge_in in = { .ram_bytes = 100 * MIB, .curve = pts, .n_curve = 3 };
    assert_true(mc_dirty_at(&in, 0) == 0);
    assert_true(fabs(mc_dirty_at(&in, 0.5) - 5 * MIB) < 1);
    /* A lower later point (sampling noise) never makes the curve go down. */
    assert_true(mc_dirty_at(&in, 2) >= mc_dirty_at(&in, 1));
    double prev = 0;
    for (double t = 0.1; t < 100; t *= 1.3) {
        double v = mc_dirty_at(&in, t);
        assert_true(v >= prev);
        assert_true(v <= in.ram_bytes);
        prev = v;
    }
    /* Beyond the last point: the last segment's slope, then the guest's memory. */
    assert_true(mc_dirty_at(&in, 5) > 30 * MIB);
    assert_true(mc_dirty_at(&in, 1000) == 100 * MIB);
    in.n_curve = 0;
    assert_true(mc_dirty_at(&in, 3) == 0);
}

static void test_idle_guest(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 0, 0, 64);
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_CONVERGES);
    assert_true(r.p_converge == 1.0);
    /* The first pass is the non-zero memory over the cap; nothing to send again. */
    double pass1 = 600.0 / 64.0;
    assert_true(fabs(r.nominal.precopy - pass1) < 0.2);
    assert_true(fabs(r.nominal.total - (1.0 + pass1 + 0.05)) < 0.3);
    assert_int_equal(r.nominal.iterations, 3); /* setup, end of the first pass, stop */
    assert_true(r.nominal.downtime <= r.downtime_max);
    /* The bound: what is left fits the downtime limit at the pre-copy's rate (QEMU's
     * threshold), plus the fixed part's bound. */
    assert_true(r.downtime_max <= 0.3 / 0.95 + 0.2 + 0.05);
}

static void test_link_slower_than_dirtying(void **state)
{
    (void)state;
    struct guest g;
    /* 40 MiB/s over a large working set, 32 MiB/s of bandwidth: never. */
    guest(&g, 40, 900, 32);
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_NO_CONVERGENCE);
    assert_true(r.p_converge == 0);
    assert_false(r.nominal.converged);
    /* What would: more bandwidth than the dirtying (the link has it), or auto-converge. */
    assert_true(r.need_bps > 40 * MIB);
    assert_true(r.need_bps < 1024 * MIB);
    assert_true(r.ac_converges);
    assert_true(r.ac.throttle >= 20);
    assert_true(r.pc_possible);
    assert_true(r.suspend.finished && r.suspend.timed_out);
    assert_true(r.suspend.downtime > 1.0);
    /* At the bandwidth it names, it does converge. */
    g.in.cap_bps = r.need_bps;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_CONVERGES);
}

static void test_working_set_fits_threshold(void **state)
{
    (void)state;
    struct guest g;
    /* Faster than the link, but only 4 MiB ever: the threshold (0.3 s x 32 MiB/s) holds it. */
    guest(&g, 100, 4, 32);
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_CONVERGES);
    /* A tighter downtime limit than the working set takes makes it stop converging. */
    g.in.downtime_limit = 0.03;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_not_equal(r.outcome, MC_PREDICT_CONVERGES);
    assert_true(r.need_downtime >= 0.03);
}

static void test_more_dirtying_is_never_faster(void **state)
{
    (void)state;
    double prev = 0;
    for (double rate = 0; rate <= 24; rate += 4) {
        struct guest g;
        guest(&g, rate, 200, 64);
        struct mc_converge_run run;
        mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
        assert_true(run.converged);
        assert_true(run.total >= prev - 1e-9);
        assert_true(run.iterations >= 3);
        prev = run.total;
    }
}

static void test_downtime_bound(void **state)
{
    (void)state;
    for (double rate = 1; rate < 30; rate += 3) {
        struct guest g;
        guest(&g, rate, 300, 32);
        struct mc_converge_result r;
        assert_int_equal(mc_converge_predict(&g.in, &r), 0);
        for (int k = 0; k < 16; k++) {
            struct mc_converge_run run;
            mc_converge_simulate(&g.in, 1.0, 1.0, (k + 0.5) / 16, &run);
            if (run.converged) {
                assert_true(run.downtime <= r.downtime_max + 1e-9);
                /* What is left at the stop fits under the threshold. */
                assert_true(run.final_bytes < 32 * MIB * 0.3);
            }
        }
    }
}

static void test_borderline(void **state)
{
    (void)state;
    /* Dirtying right at the bandwidth: the phase and the measurement decide. */
    struct guest g;
    guest(&g, 32, 900, 32);
    g.in.dirty_uncertainty = 0.2;
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_BORDERLINE);
    /* With no uncertainty either side of it is decided. */
    guest(&g, 20, 900, 32);
    g.in.dirty_uncertainty = 0.01;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_CONVERGES);
    guest(&g, 48, 900, 32);
    g.in.dirty_uncertainty = 0.01;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_NO_CONVERGENCE);
}

static void test_auto_converge_needs_a_busy_guest(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 40, 900, 32);
    g.in.auto_converge = true;
    g.in.vcpu_busy = 1.0; /* a CPU-bound writer slows down with the throttle */
    struct mc_converge_run busy;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &busy);
    assert_true(busy.converged);
    assert_true(busy.throttle > 0);
    /* A writer that uses 5 % of its vCPU keeps its pace until the throttle leaves less. */
    g.in.vcpu_busy = 0.05;
    struct mc_converge_run idle;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &idle);
    assert_true(!idle.converged || idle.throttle > 95 - 1e-9);
    assert_true(!idle.converged || idle.total > busy.total);
}

static void test_timeout_suspend(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 40, 900, 32);
    g.in.timeout = 30;
    g.in.timeout_action = MC_FALLBACK_SUSPEND;
    struct mc_converge_run run;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_false(run.converged);
    assert_true(run.finished);
    assert_true(run.timed_out);
    /* The timeout runs from the migration call: the setup (1 s) is part of it. */
    assert_true(run.precopy >= 29 && run.precopy < 29.2);
    /* Paused: what was left goes at the cap, the last threshold's worth at full speed. */
    assert_true(run.downtime > 1 && run.downtime < 900.0 / 32.0 + 1);
    assert_true(run.total > 31);
}

/* --timeout-suspend: the guest stops with what is left of the iteration plus everything it
 * dirtied since the last sync; where in the iteration the timeout falls is not known, so the
 * bound holds wherever it falls (the lab's guest: a 64 MiB sweep at 24 MiB/s, 16 MiB/s). */
static void test_timeout_suspend_anywhere(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 24, 64, 16);
    g.in.nonzero_bytes = 130 * MIB;
    g.in.ram_bytes = 256 * MIB;
    g.in.downtime_limit = 0.1;
    g.in.timeout = 45;
    g.in.timeout_action = MC_FALLBACK_SUSPEND;
    /* Exact measurements: the bound has only the pause's place to cover. */
    g.in.dirty_uncertainty = 0;
    g.in.link_uncertainty = 0;
    g.in.switchover_max = g.in.switchover;
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_NO_CONVERGENCE);
    struct mc_converge_run run;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_true(run.timed_out && run.finished);
    /* An iteration sends the 64 MiB the last one left: 4 s. */
    assert_true(run.cycle > 3.5 && run.cycle < 4.5);
    double worst = 0;
    for (int k = 0; k < 32; k++) {
        struct guest h = g;
        h.in.curve = h.pts;
        h.in.timeout = g.in.timeout + (k / 32.0 - 0.5) * run.cycle;
        struct mc_converge_run x;
        mc_converge_simulate(&h.in, 1.0, 1.0, 0.5, &x);
        assert_true(x.timed_out && x.finished);
        assert_true(x.downtime <= r.downtime_max + 1e-9);
        worst = fmax(worst, x.downtime);
    }
    /* Stopped two thirds into an iteration (when the sweep has covered the 64 MiB again): a
     * third of it and all 64 MiB, at 16 MiB/s. */
    assert_true(worst > (64.0 / 3 + 64) / 16 * 0.9);
}

/* Pages waiting to be sent that the guest dirties again count once, as the curve says: a
 * writer that sweeps its working set (D(t) = min(rate t, ws)) writes none of them again until
 * it wraps, so each iteration sends what the guest swept during the one before, and pre-copy
 * shrinks by rate / bandwidth per iteration even when the threshold is half the working set;
 * the lab's 24 MiB/s sweep of 64 MiB at 32 MiB/s and 1 s took 14 iterations. */
static void test_sweeping_writer(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 24, 64, 32);
    g.in.nonzero_bytes = 200 * MIB;
    g.in.ram_bytes = 256 * MIB;
    g.in.downtime_limit = 1.0;
    struct mc_converge_run run;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_true(run.converged);
    /* From about 2 s down to the 0.1 s the threshold's slack can take: ln 20 / ln (4/3). */
    assert_true(run.iterations >= 10);
    /* A random writer of the same working set rewrites waiting pages and is done sooner. */
    struct mc_dirty_point pts[40];
    for (int i = 0; i < 40; i++) {
        double t = 0.2 * (i + 1);
        pts[i] = (struct mc_dirty_point){ t, 64 * MIB * (1 - exp(-24 * t / 64)) };
    }
    struct mc_converge_in rnd = g.in;
    rnd.curve = pts;
    rnd.n_curve = 40;
    struct mc_converge_run r2;
    mc_converge_simulate(&rnd, 1.0, 1.0, 0.5, &r2);
    assert_true(r2.converged);
    assert_true(r2.precopy < run.precopy);
}

/* --timeout-abort: a migration that does not converge by the timeout is aborted (never
 * finishes; the prediction says it does not converge), and one that converges in time is not
 * touched; one that would converge only after the timeout is aborted too. */
static void test_timeout_abort(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 40, 900, 32);
    g.in.timeout = 30;
    g.in.timeout_action = MC_FALLBACK_ABORT;
    struct mc_converge_run run;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_false(run.converged);
    assert_false(run.finished);
    assert_true(run.timed_out);
    assert_true(run.precopy >= 29 && run.precopy < 29.2);
    struct mc_converge_result r;
    assert_int_equal(mc_converge_predict(&g.in, &r), 0);
    assert_int_equal(r.outcome, MC_PREDICT_NO_CONVERGENCE);
    /* The suspend remedy is a what-if of another action: it still finishes. */
    assert_true(r.suspend.finished);

    /* Idle guest, 600 MiB of non-zero memory at 32 MiB/s: about 20 s of first pass. */
    guest(&g, 0, 0, 32);
    g.in.timeout = 60;
    g.in.timeout_action = MC_FALLBACK_ABORT;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_true(run.converged && run.finished && !run.timed_out);
    double t = run.total;
    g.in.timeout = t / 2;
    mc_converge_simulate(&g.in, 1.0, 1.0, 0.5, &run);
    assert_false(run.finished);
    assert_true(run.timed_out);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct guest g;
    guest(&g, 1, 10, 0);
    struct mc_converge_result r;
    g.in.link_bps = 0;
    assert_int_equal(mc_converge_predict(&g.in, &r), -EINVAL);
    guest(&g, 1, 10, 0);
    g.in.ram_bytes = 0;
    assert_int_equal(mc_converge_predict(&g.in, &r), -EINVAL);
    guest(&g, 1, 10, 0);
    g.in.downtime_limit = NAN;
    assert_int_equal(mc_converge_predict(&g.in, &r), -EINVAL);
}

static void add_window(struct mc_predict_facts *f, const char *src, double secs, double mib,
                       int64_t samples, double changed)
{
    struct mc_dirty_window *w = MC_APPEND(f->dirty, f->n_dirty);
    w->source = mc_xstrdup(src);
    w->window_us = (int64_t)(secs * 1e6);
    w->bytes = (int64_t)(mib * MIB);
    w->samples = samples;
    w->changed_milli = (int64_t)(changed * 1000);
    w->windows = 10;
}

static void facts(struct mc_predict_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->probe = MC_PROBE_OK;
    f->ram_bytes = (int64_t)(256 * MIB);
    f->nonzero_bytes = (int64_t)(100 * MIB);
    f->nonzero_source = mc_xstrdup(MC_NONZERO_SAMPLED);
    f->downtime_limit_ms = 500;
    f->max_speed_mib = 20;
    f->vcpus = 2;
    f->vcpu_time_ns = 1000000000;
    f->elapsed_ns = 4000000000;
    f->bandwidth_probe = MC_PROBE_OK;
    f->bandwidth_bps = (int64_t)(500 * MIB);
    f->bandwidth_min_bps = (int64_t)(450 * MIB);
    add_window(f, MC_DIRTY_LIBVIRT, 1, 4, 0, 0);
    add_window(f, MC_DIRTY_SAMPLED, 0.4, 2, 4096, 32);
    add_window(f, MC_DIRTY_SAMPLED, 0.2, 1, 4096, 16);
}

static void test_predict_input(void **state)
{
    (void)state;
    struct mc_predict_facts f;
    facts(&f);
    struct mc_migration_opts o = { 0 };
    struct mc_converge_in in;
    struct mc_dirty_point buf[8];
    const char *missing = NULL;
    assert_int_equal(mc_predict_input(&f, &o, &in, buf, &missing), 0);
    /* The agent's windows win over libvirt's, sorted by length. */
    assert_int_equal(in.n_curve, 2);
    assert_true(in.curve[0].seconds < in.curve[1].seconds);
    assert_true(fabs(in.curve[0].bytes - 1 * MIB) < 2);
    assert_true(in.nonzero_bytes == 100 * MIB);
    /* The domain's limits, unless the options say otherwise. */
    assert_true(in.cap_bps == 20 * MIB);
    assert_true(fabs(in.downtime_limit - 0.5) < 1e-9);
    assert_true(fabs(in.vcpu_busy - 0.125) < 1e-9);
    assert_true(fabs(in.link_uncertainty - 0.1) < 1e-6);
    assert_true(in.dirty_uncertainty > 0.05 && in.dirty_uncertainty <= 0.6);
    o.bandwidth_mib = 64;
    o.downtime_ms = 100;
    assert_int_equal(mc_predict_input(&f, &o, &in, buf, &missing), 0);
    assert_true(in.cap_bps == 64 * MIB);
    assert_true(fabs(in.downtime_limit - 0.1) < 1e-9);
    /* Without the agent's sampling, libvirt's window is the curve. */
    for (size_t i = 0; i < f.n_dirty; i++)
        if (strcmp(f.dirty[i].source, MC_DIRTY_SAMPLED) == 0)
            f.dirty[i].source[0] = 'x';
    assert_int_equal(mc_predict_input(&f, &o, &in, buf, &missing), 0);
    assert_int_equal(in.n_curve, 1);
    assert_true(in.curve[0].seconds == 1.0);
    /* No bandwidth: no prediction, and it says what is missing. */
    f.bandwidth_probe = MC_PROBE_UNSUPPORTED;
    assert_int_equal(mc_predict_input(&f, &o, &in, buf, &missing), -ENODATA);
    assert_non_null(strstr(missing, "bandwidth"));
    mc_predict_facts_clear(&f);
    facts(&f);
    f.probe = MC_PROBE_ERROR;
    assert_int_equal(mc_predict_input(&f, &o, &in, buf, &missing), -ENODATA);
    mc_predict_facts_clear(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dirty_curve),
        cmocka_unit_test(test_idle_guest),
        cmocka_unit_test(test_link_slower_than_dirtying),
        cmocka_unit_test(test_working_set_fits_threshold),
        cmocka_unit_test(test_more_dirtying_is_never_faster),
        cmocka_unit_test(test_downtime_bound),
        cmocka_unit_test(test_borderline),
        cmocka_unit_test(test_auto_converge_needs_a_busy_guest),
        cmocka_unit_test(test_timeout_suspend),
        cmocka_unit_test(test_timeout_suspend_anywhere),
        cmocka_unit_test(test_sweeping_writer),
        cmocka_unit_test(test_timeout_abort),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_predict_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
