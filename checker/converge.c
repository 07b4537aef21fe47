/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pre-copy model (converge.h has what it models and its sources). */
#include "converge.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* QEMU 7.2, migration/migration.c and migration/ram.c. */
#define WINDOW_LIMITED   0.100 /* BUFFER_DELAY: one rate-limited window */
#define WINDOW_UNLIMITED 0.050 /* MAX_WAIT: ram_save_iterate returns after 50 ms */
#define AC_PERIOD        1.0   /* throttle checks at most once a second */
#define AC_THRESHOLD     0.50  /* throttle-trigger-threshold 50 % */
#define AC_INITIAL       20.0
#define AC_INCREMENT     10.0
#define AC_MAX           99.0
/* Zero pages cost CPU, not wire: QEMU checks them at memory speed (an assumption, see man). */
#define ZERO_SCAN_BPS   (4.0 * 1024 * 1024 * 1024)
#define PHASES          16
#define DEFAULT_HORIZON 600.0

static const char *const outcome_names[_MC_PREDICT_MAX] = {
    [MC_PREDICT_CONVERGES] = "converges",
    [MC_PREDICT_BORDERLINE] = "borderline",
    [MC_PREDICT_NO_CONVERGENCE] = "does-not-converge",
};

const char *mc_converge_outcome_name(enum mc_converge_outcome o)
{
    return (unsigned)o < _MC_PREDICT_MAX ? outcome_names[o] : "?";
}

double mc_dirty_at(const struct mc_converge_in *in, double t)
{
    if (t <= 0 || in->n_curve == 0)
        return 0;
    double pt = 0, pb = 0, slope = 0, v = -1;
    for (size_t i = 0; i < in->n_curve; i++) {
        double ct = in->curve[i].seconds;
        double cb = in->curve[i].bytes > pb ? in->curve[i].bytes : pb; /* never decreasing */
        if (ct <= pt)
            continue;
        slope = (cb - pb) / (ct - pt);
        if (t <= ct) {
            v = pb + slope * (t - pt);
            break;
        }
        pt = ct;
        pb = cb;
    }
    if (v < 0)
        v = pb + slope * (t - pt);
    if (in->ram_bytes > 0 && v > in->ram_bytes)
        v = in->ram_bytes;
    return v;
}

struct sim_opts {
    double dirty_scale, bw_scale, phase;
    double postcopy_after; /* switch to post-copy at the first sync after this time; <0: never */
    double pause_at;       /* pause the guest at this time; <0: never */
    double abort_at;       /* abort the migration at this time; <0: never */
    double pause_span;     /* the phase spreads pause_at over this many seconds around it */
    double dirty_cap;      /* the working set is no more than this (bytes); 0: the curve's */
};

static double dirty(const struct mc_converge_in *in, const struct sim_opts *o, double t)
{
    double v = mc_dirty_at(in, t);
    if (o->dirty_cap > 0 && v > o->dirty_cap)
        v = o->dirty_cap;
    return v * o->dirty_scale;
}

/* Is the curve still rising at its end (the working set is bigger than the watch showed)? */
static bool still_rising(const struct mc_converge_in *in)
{
    if (in->n_curve < 2)
        return in->n_curve == 1 && in->curve[0].bytes > 0;
    const struct mc_dirty_point *a = &in->curve[in->n_curve - 2], *b = &in->curve[in->n_curve - 1];
    if (b->seconds <= a->seconds || b->seconds <= 0)
        return false;
    double last = (b->bytes - a->bytes) / (b->seconds - a->seconds);
    double mean = b->bytes / b->seconds;
    return last > 0.25 * mean;
}

static double throttle_factor(const struct mc_converge_in *in, double pct)
{
    if (pct <= 0)
        return 1.0;
    double left = 1.0 - pct / 100.0;
    double busy = in->vcpu_busy;
    if (busy < 0 || busy > 1)
        busy = 1.0;
    if (busy <= 0)
        return 1.0;
    return left >= busy ? 1.0 : left / busy;
}

static double stream_bandwidth(const struct mc_converge_in *in, double bw_scale)
{
    double b = in->link_bps * bw_scale;
    if (in->stream_bps > 0) {
        double ceil = in->stream_bps * (in->parallel > 1 ? in->parallel : 1);
        if (ceil < b)
            b = ceil;
    }
    return b;
}

static void simulate(const struct mc_converge_in *in, const struct sim_opts *o,
                     struct mc_converge_run *ret)
{
    memset(ret, 0, sizeof(*ret));
    double bstop = stream_bandwidth(in, o->bw_scale);
    double b = bstop;
    bool limited = in->cap_bps > 0 && in->cap_bps < bstop;
    if (limited)
        b = in->cap_bps;
    double win = limited ? WINDOW_LIMITED : WINDOW_UNLIMITED;
    double thr = b * in->downtime_limit;
    double ram = in->ram_bytes;
    double nzf = ram > 0 ? in->nonzero_bytes / ram : 1.0;
    if (nzf > 1)
        nzf = 1;
    if (nzf < 0)
        nzf = 0;
    /* Seconds per pending byte of the first pass: non-zero ones on the wire, zero ones scanned. */
    double pass1_cost = nzf / b + (1.0 - nzf) / ZERO_SCAN_BPS;
    double horizon = in->horizon > 0 ? in->horizon : DEFAULT_HORIZON;
    double acinit = in->ac_initial > 0 ? in->ac_initial : AC_INITIAL;
    double acinc = in->ac_increment > 0 ? in->ac_increment : AC_INCREMENT;
    double acmax = in->ac_max > 0 ? in->ac_max : AC_MAX;

    double t = 0, tau = 0, tau_sync = 0, r1 = ram, rd = 0, sent = 0, t_sync = -1, t_sync0 = -1;
    double win_prev = 0;
    double throttle = 0, t_ac = 0, dirty_period = 0, xfer_period = 0;
    int ac_count = 0;
    bool paused = false;
    double t_pause = 0, cycle = 0;
    double pause_at = o->pause_at;
    if (pause_at >= 0 && o->pause_span > 0) {
        pause_at += (o->phase - 0.5) * o->pause_span;
        if (pause_at < 0)
            pause_at = 0;
    }
    int iterations = 1; /* the setup sync */
    bool first = true;
    while (t < horizon + (paused ? horizon : 0)) {
        double dt = first && o->phase > 0 ? o->phase * win : win;
        first = false;
        /* Send for dt seconds: what is left of the first pass, then re-dirtied pages. */
        double budget = dt;
        if (r1 > 0) {
            double need = r1 * pass1_cost;
            if (need <= budget) {
                budget -= need;
                sent += r1 * nzf;
                r1 = 0;
            } else {
                double done = budget / pass1_cost;
                r1 -= done;
                sent += done * nzf;
                budget = 0;
            }
        }
        if (budget > 0 && rd > 0) {
            double can = budget * b;
            if (can >= rd) {
                budget -= rd / b;
                sent += rd;
                xfer_period += rd;
                rd = 0;
            } else {
                rd -= can;
                sent += can;
                xfer_period += can;
                budget = 0;
            }
        }
        double used = dt - budget; /* a pass that ran dry returns at once */
        if (used <= 0)
            used = 1e-4;
        t += used;
        if (!paused)
            tau += used * throttle_factor(in, throttle);
        if (o->abort_at >= 0 && t >= o->abort_at) {
            ret->timed_out = true; /* aborted: not finished, the guest stays on the source */
            break;
        }
        if (!paused && pause_at >= 0 && t >= pause_at) {
            paused = true;
            t_pause = t;
            cycle = t_sync0 >= 0 ? t_sync - t_sync0 : 0;
        }
        double pending = r1 + rd;
        if (pending >= thr)
            continue;
        /* Below the threshold: sync the dirty log. */
        double win_now = tau - tau_sync;
        double fresh = dirty(in, o, win_now);
        /* Pages dirtied again while still waiting to be sent count once. Those of the first
         * pass: QEMU scans by address, which has nothing to do with when a page is written,
         * so a share r1/ram of the fresh pages is still waiting there. The re-dirtied ones:
         * what is waiting came from the window before (length win_prev), and two adjacent
         * windows share D(a) + D(b) - D(a + b) pages (the curve says it: nothing for a writer
         * that sweeps its memory until it wraps, D(a) D(b) / ws for a random one), so a
         * waiting page is dirtied again with probability shared / D(a). */
        double fresh_new = ram > 0 ? fresh * (1.0 - r1 / ram) : fresh;
        double again = 0;
        if (rd > 0 && win_prev > 0) {
            double da = dirty(in, o, win_prev);
            double shared = da + fresh - dirty(in, o, win_prev + win_now);
            if (da > 0 && shared > 0)
                again = rd * (shared < da ? shared / da : 1.0);
        }
        if (again > fresh_new)
            again = fresh_new;
        win_prev = win_now;
        tau_sync = tau;
        t_sync0 = t_sync;
        t_sync = t;
        rd += fresh_new - again;
        if (r1 + rd > ram)
            rd = ram - r1;
        iterations++;
        dirty_period += fresh;
        if (t - t_ac >= AC_PERIOD) {
            if (in->auto_converge && dirty_period > AC_THRESHOLD * xfer_period && ++ac_count >= 2) {
                ac_count = 0;
                throttle = throttle > 0 ? throttle + acinc : acinit;
                if (throttle > acmax)
                    throttle = acmax;
            }
            t_ac = t;
            dirty_period = 0;
            xfer_period = 0;
        }
        pending = r1 + rd;
        /* What is left costs the wire its non-zero pages; the zero ones of the first pass
         * only a scan. */
        double wire = r1 * nzf + rd;
        double stop_send = wire / bstop + r1 * (1.0 - nzf) / ZERO_SCAN_BPS;
        if (o->postcopy_after >= 0 && t >= o->postcopy_after && pending >= thr) {
            /* Post-copy: the guest runs on DST at once; what is left follows at full speed. */
            ret->finished = true;
            ret->timed_out = true;
            ret->precopy = t;
            ret->downtime = in->switchover;
            ret->final_bytes = wire;
            ret->total = in->setup + t + in->switchover + stop_send + in->confirm;
            ret->sent = sent + wire;
            ret->iterations = iterations + 1;
            ret->throttle = throttle;
            return;
        }
        if (pending < thr) {
            ret->converged = !paused;
            ret->finished = true;
            ret->timed_out = paused;
            ret->precopy = paused ? t_pause : t;
            ret->final_bytes = wire;
            ret->downtime = (paused ? t - t_pause : 0) + stop_send + in->switchover;
            ret->total = in->setup + t + stop_send + in->switchover + in->confirm;
            ret->sent = sent + wire;
            ret->iterations = iterations + 1; /* the final sync in the stop phase */
            ret->throttle = throttle;
            ret->cycle = cycle;
            return;
        }
    }
    ret->cycle = cycle;
    ret->precopy = t;
    ret->iterations = iterations;
    ret->sent = sent;
    ret->throttle = throttle;
    ret->final_bytes = r1 + rd;
    ret->total = in->setup + t;
}

static struct sim_opts plain_opts(const struct mc_converge_in *in, double ds, double bs,
                                  double phase)
{
    struct sim_opts o = {
        .dirty_scale = ds,
        .bw_scale = bs,
        .phase = phase,
        .postcopy_after = -1,
        .pause_at = -1,
        .abort_at = -1,
    };
    /* The timeout runs from the start of the migration call, setup included. */
    double at = in->timeout - in->setup > 0 ? in->timeout - in->setup : 0;
    if (in->timeout > 0 && in->timeout_action == MC_FALLBACK_SUSPEND)
        o.pause_at = at;
    if (in->timeout > 0 && in->timeout_action == MC_FALLBACK_POSTCOPY && in->postcopy)
        o.postcopy_after = at;
    if (in->timeout > 0 && in->timeout_action == MC_FALLBACK_ABORT)
        o.abort_at = at;
    return o;
}

void mc_converge_simulate(const struct mc_converge_in *in, double dirty_scale, double bw_scale,
                          double phase, struct mc_converge_run *ret)
{
    struct sim_opts o = plain_opts(in, dirty_scale, bw_scale, phase);
    simulate(in, &o, ret);
}

struct band {
    int converged; /* phases that converged live */
    int n;         /* phases run */
    struct mc_converge_run runs[PHASES];
};

/* Where a timeout's pause falls within an iteration is not known (converge.h): the length of
 * the iteration the pause falls in, in the middle run, is the span the phases spread it over. */
static double pause_span(const struct mc_converge_in *in, double ds, double bs, double cap)
{
    struct sim_opts o = plain_opts(in, ds, bs, 0.5);
    if (o.pause_at < 0)
        return 0;
    o.dirty_cap = cap;
    struct mc_converge_run r;
    simulate(in, &o, &r);
    return r.timed_out ? r.cycle : 0;
}

/* n phases' runs; with until_miss, only up to the first that does not converge (ret->n then
 * counts the runs made). */
static void run_band_cap(const struct mc_converge_in *in, double ds, double bs, int n, double cap,
                         bool until_miss, struct band *ret)
{
    ret->n = 0;
    ret->converged = 0;
    double span = pause_span(in, ds, bs, cap);
    for (int k = 0; k < n; k++) {
        struct sim_opts o = plain_opts(in, ds, bs, ((double)k + 0.5) / n);
        o.dirty_cap = cap;
        o.pause_span = span;
        simulate(in, &o, &ret->runs[k]);
        ret->n++;
        if (ret->runs[k].converged)
            ret->converged++;
        else if (until_miss)
            break;
    }
}

static void run_band(const struct mc_converge_in *in, double ds, double bs, int n, struct band *ret)
{
    run_band_cap(in, ds, bs, n, 0, false, ret);
}

static int cmp_total(const void *a, const void *b)
{
    const struct mc_converge_run *x = a, *y = b;
    return (x->total > y->total) - (x->total < y->total);
}

/* The median run (by total time) of a band, preferring the converged ones. */
static void median_run(const struct band *b, struct mc_converge_run *ret)
{
    struct mc_converge_run tmp[PHASES];
    int n = 0;
    for (int k = 0; k < b->n; k++)
        if (b->runs[k].converged || b->converged == 0)
            tmp[n++] = b->runs[k];
    qsort(tmp, (size_t)n, sizeof(tmp[0]), cmp_total);
    *ret = tmp[n / 2];
}

static double pess_dirty(const struct mc_converge_in *in)
{
    return 1.0 + (in->dirty_uncertainty > 0 ? in->dirty_uncertainty : 0);
}

static double pess_bw(const struct mc_converge_in *in)
{
    double u = in->link_uncertainty > 0 ? in->link_uncertainty : 0;
    return u < 0.95 ? 1.0 - u : 0.05;
}

/* Does it converge in every phase at the pessimistic end? */
static bool converges_surely(const struct mc_converge_in *in, int phases)
{
    /* Every phase must converge: the first that does not settles it (the searches for a
     * bandwidth and a downtime that would do call this up to 54 times). */
    struct band b;
    run_band_cap(in, pess_dirty(in), pess_bw(in), phases, 0, true, &b);
    return b.n == phases && b.converged == b.n;
}

static double find_bandwidth(const struct mc_converge_in *in)
{
    struct mc_converge_in t = *in;
    double cur = in->cap_bps > 0 && in->cap_bps < in->link_bps ? in->cap_bps : in->link_bps;
    double lo = cur, hi = cur;
    bool found = false;
    for (int i = 0; i < 12 && !found; i++) {
        hi *= 2;
        t.cap_bps = hi;
        t.link_bps = hi > in->link_bps ? hi : in->link_bps;
        t.stream_bps = 0;
        found = converges_surely(&t, 8);
        if (!found)
            lo = hi;
    }
    if (!found)
        return 0;
    for (int i = 0; i < 16 && hi - lo > cur * 0.01; i++) {
        double mid = (lo + hi) / 2;
        t.cap_bps = mid;
        t.link_bps = mid > in->link_bps ? mid : in->link_bps;
        if (converges_surely(&t, 8))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static double find_downtime(const struct mc_converge_in *in)
{
    struct mc_converge_in t = *in;
    double lo = in->downtime_limit, hi = lo;
    bool found = false;
    for (int i = 0; i < 10 && !found; i++) {
        hi = hi * 2 < 60 ? hi * 2 : 60;
        t.downtime_limit = hi;
        found = converges_surely(&t, 8);
        if (!found)
            lo = hi;
        if (hi >= 60)
            break;
    }
    if (!found)
        return 0;
    for (int i = 0; i < 16 && hi - lo > 0.005; i++) {
        double mid = (lo + hi) / 2;
        t.downtime_limit = mid;
        if (converges_surely(&t, 8))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int mc_converge_predict(const struct mc_converge_in *in, struct mc_converge_result *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (!(in->ram_bytes > 0) || !(in->link_bps > 0) || !(in->downtime_limit > 0) ||
        !(in->nonzero_bytes >= 0))
        return -EINVAL;
    struct band nom, pess, opt;
    run_band(in, 1.0, 1.0, PHASES, &nom);
    run_band(in, pess_dirty(in), pess_bw(in), PHASES, &pess);
    double od = 1.0 - (in->dirty_uncertainty > 0 ? in->dirty_uncertainty : 0);
    double ob = 1.0 + (in->link_uncertainty > 0 ? in->link_uncertainty : 0);
    /* Optimistic: the working set is no bigger than what the watch saw. */
    ret->ws_unknown = still_rising(in);
    double cap = ret->ws_unknown ? in->curve[in->n_curve - 1].bytes : 0;
    run_band_cap(in, od > 0 ? od : 0, ob, PHASES, cap, false, &opt);

    ret->p_converge = (double)nom.converged / nom.n;
    if (pess.converged == pess.n)
        ret->outcome = MC_PREDICT_CONVERGES;
    else if (opt.converged == 0)
        ret->outcome = MC_PREDICT_NO_CONVERGENCE;
    else
        ret->outcome = MC_PREDICT_BORDERLINE;
    median_run(&nom, &ret->nominal);

    double bstop = stream_bandwidth(in, 1.0);
    ret->stop_bandwidth = bstop;
    ret->bandwidth = in->cap_bps > 0 && in->cap_bps < bstop ? in->cap_bps : bstop;
    ret->threshold = ret->bandwidth * in->downtime_limit;
    ret->total_min = INFINITY;
    ret->total_max = 0;
    const struct band *bands[] = { &nom, &pess, &opt };
    for (size_t i = 0; i < 3; i++)
        for (int k = 0; k < bands[i]->n; k++) {
            const struct mc_converge_run *r = &bands[i]->runs[k];
            if (!r->finished)
                continue;
            if (r->total < ret->total_min)
                ret->total_min = r->total;
            if (r->total > ret->total_max)
                ret->total_max = r->total;
            /* The bound: what is left at the switch-over, at the slow end of the link, and no
             * faster than the pre-copy went: QEMU stops the guest when what is left fits the
             * downtime limit at the rate it measured in pre-copy (its threshold), and lifts
             * the rate limit for the rest, but whether its own stream (a CPU-bound thread on
             * each side, guests under TCG) then reaches the link's speed is not measured. */
            double extra =
                in->switchover_max > in->switchover ? in->switchover_max - in->switchover : 0;
            double d = r->downtime + extra;
            if (i == 1 || i == 0) {
                double stop = bstop * pess_bw(in);
                if (ret->bandwidth * pess_bw(in) < stop)
                    stop = ret->bandwidth * pess_bw(in);
                double slow = r->final_bytes / stop - r->final_bytes / bstop;
                d += slow > 0 ? slow : 0;
            }
            if (d > ret->downtime_max)
                ret->downtime_max = d;
        }
    if (ret->total_min == INFINITY)
        ret->total_min = 0;
    /* libvirt's part is the least certain. */
    double ou = in->overhead_uncertainty > 0 ? in->overhead_uncertainty : 0;
    ret->total_min -= ou * (in->setup + in->confirm);
    ret->total_max += ou * (in->setup + in->confirm);
    if (ret->total_min < 0)
        ret->total_min = 0;

    if (ret->outcome != MC_PREDICT_CONVERGES) {
        ret->need_bps = find_bandwidth(in);
        ret->need_downtime = find_downtime(in);
        struct mc_converge_in ac = *in;
        ac.auto_converge = true;
        ret->ac_converges = converges_surely(&ac, PHASES);
        struct band acb;
        run_band(&ac, 1.0, 1.0, PHASES, &acb);
        median_run(&acb, &ret->ac);
        /* Post-copy after the first pass. */
        struct sim_opts po = plain_opts(in, 1.0, 1.0, 0.5);
        po.pause_at = -1;
        po.abort_at = -1;
        po.postcopy_after = 0;
        struct mc_converge_run first;
        simulate(in, &po, &first);
        ret->pc_possible = first.finished;
        ret->pc = first;
        /* Pausing the guest once the first pass is over (plus half again). */
        double pass1 = in->nonzero_bytes / ret->bandwidth;
        struct sim_opts so = plain_opts(in, 1.0, 1.0, 0.5);
        so.postcopy_after = -1;
        so.abort_at = -1;
        so.pause_at = in->timeout > 0 ? (in->timeout - in->setup > 0 ? in->timeout - in->setup : 0)
                                      : ceil(pass1 * 1.5 + 1.0);
        simulate(in, &so, &ret->suspend);
    }
    return 0;
}
