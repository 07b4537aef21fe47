/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rules about the migration itself: will pre-copy converge (check --predict). */
#include <math.h>
#include <stdio.h>

#include "checker/converge.h"
#include "checker/predict.h"
#include "rules-internal.h"

#define MIB (1024.0 * 1024.0)

/* "256 MiB", "1.5 GiB" */
static void fmt_bytes(char *buf, size_t len, double b)
{
    if (b >= 10.0 * 1024 * MIB)
        snprintf(buf, len, "%.0f GiB", b / (1024 * MIB));
    else if (b >= 1024 * MIB)
        snprintf(buf, len, "%.1f GiB", b / (1024 * MIB));
    else if (b >= 10 * MIB)
        snprintf(buf, len, "%.0f MiB", b / MIB);
    else
        snprintf(buf, len, "%.1f MiB", b / MIB);
}

static void fmt_rate(char *buf, size_t len, double bps)
{
    char b[24];
    fmt_bytes(b, sizeof(b), bps);
    snprintf(buf, len, "%.23s/s", b);
}

/* "0.21 s", "7.1 s", "105 s" */
static void fmt_secs(char *buf, size_t len, double s)
{
    if (s < 1)
        snprintf(buf, len, "%.2f s", s);
    else if (s < 20)
        snprintf(buf, len, "%.1f s", s);
    else
        snprintf(buf, len, "%.0f s", s);
}

static const char *nonzero_words(const char *src)
{
    if (streq(src, MC_NONZERO_SAMPLED))
        return "sampled";
    if (streq(src, MC_NONZERO_RSS))
        return "resident";
    return "assumed: every page";
}

/* The evidence line: what was measured. */
static char *evidence(const struct mc_pair *p, const struct mc_predict_facts *f,
                      const struct mc_converge_in *in)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    char x[32], y[32];
    fmt_bytes(x, sizeof(x), in->ram_bytes);
    fmt_bytes(y, sizeof(y), in->nonzero_bytes);
    mc_buf_printf(&b, "memory %s, %s not zero (%s); dirtied", x, y,
                  nonzero_words(f->nonzero_source));
    for (size_t i = 0; i < in->n_curve; i++) {
        /* A few points: the shortest, about 1 s, and the longest. */
        double t = in->curve[i].seconds;
        bool show = i == 0 || i + 1 == in->n_curve ||
                    (t >= 0.9 && (i == 0 || in->curve[i - 1].seconds < 0.9));
        if (!show)
            continue;
        fmt_bytes(x, sizeof(x), in->curve[i].bytes);
        mc_buf_printf(&b, "%s %s in %.1f s", i ? "," : "", x, t);
    }
    bool sampled = false;
    for (size_t i = 0; i < f->n_dirty; i++)
        sampled |= streq(f->dirty[i].source, MC_DIRTY_SAMPLED);
    mc_buf_printf(&b, " (%s on %s)",
                  sampled ? "pages sampled by migcheck" : "libvirt's dirty-rate calculation",
                  SRC(p));
    fmt_rate(x, sizeof(x), in->link_bps);
    mc_buf_printf(&b, "; %s from %s to %s", x, SRC(p),
                  f->bandwidth_path ? f->bandwidth_path : DST(p));
    if (in->cap_bps > 0) {
        fmt_rate(x, sizeof(x), in->cap_bps);
        mc_buf_printf(&b, ", migration bandwidth limit %s", x);
    }
    mc_buf_printf(&b, "; downtime limit %.0f ms", in->downtime_limit * 1000);
    if (in->vcpu_busy >= 0)
        mc_buf_printf(&b, "; vCPUs %.0f %% busy", in->vcpu_busy * 100);
    if (f->dst_start_us > 0) {
        mc_buf_printf(&b, "; libvirt on %s started a small domain in %.1f s", DST(p),
                      (double)f->dst_start_us / 1e6);
        if (f->dst_starts > 1)
            mc_buf_printf(&b, " (median of %lld)", (long long)f->dst_starts);
        if (f->dst_stop_us > 0)
            mc_buf_printf(&b, " and destroyed it in %.2f s", (double)f->dst_stop_us / 1e6);
    }
    if (f->measure_ms > 0)
        mc_buf_printf(&b, "; watched %.1f s", (double)f->measure_ms / 1000.0);
    return mc_buf_steal(&b);
}

static void add_numbers(struct mc_finding *f, const struct mc_predict_facts *pf,
                        const struct mc_converge_in *in, const struct mc_converge_result *r)
{
    mc_finding_add_text(f, "outcome", mc_converge_outcome_name(r->outcome));
    mc_finding_add_number(f, "converge_share", r->p_converge, 3);
    mc_finding_add_number(f, "total_seconds", r->nominal.total, 3);
    mc_finding_add_number(f, "total_seconds_min", r->total_min, 3);
    mc_finding_add_number(f, "total_seconds_max", r->total_max, 3);
    mc_finding_add_number(f, "setup_seconds", in->setup, 3);
    mc_finding_add_number(f, "precopy_seconds", r->nominal.precopy, 3);
    mc_finding_add_number(f, "migration_seconds", r->nominal.precopy + r->nominal.downtime, 3);
    mc_finding_add_number(f, "confirm_seconds", in->confirm, 3);
    mc_finding_add_number(f, "iterations", r->nominal.iterations, 0);
    mc_finding_add_number(f, "downtime_seconds", r->nominal.downtime, 3);
    mc_finding_add_number(f, "downtime_max_seconds", r->downtime_max, 3);
    mc_finding_add_number(f, "sent_bytes", r->nominal.sent, 0);
    mc_finding_add_number(f, "ram_bytes", in->ram_bytes, 0);
    mc_finding_add_number(f, "nonzero_bytes", in->nonzero_bytes, 0);
    double shortest = in->n_curve ? in->curve[0].seconds : 0;
    mc_finding_add_number(f, "dirty_rate_bps", shortest > 0 ? in->curve[0].bytes / shortest : 0, 0);
    mc_finding_add_number(f, "dirty_window_seconds",
                          in->n_curve ? in->curve[in->n_curve - 1].seconds : 0, 3);
    mc_finding_add_number(f, "dirty_window_bytes",
                          in->n_curve ? in->curve[in->n_curve - 1].bytes : 0, 0);
    mc_finding_add_number(f, "dirty_uncertainty", in->dirty_uncertainty, 3);
    mc_finding_add_number(f, "link_bps", in->link_bps, 0);
    mc_finding_add_number(f, "link_uncertainty", in->link_uncertainty, 3);
    mc_finding_add_number(f, "bandwidth_bps", r->bandwidth, 0);
    mc_finding_add_number(f, "downtime_limit_seconds", in->downtime_limit, 3);
    mc_finding_add_number(f, "src_rtt_seconds", (double)pf->src_rtt_us / 1e6, 4);
    mc_finding_add_number(f, "dst_rtt_seconds", (double)pf->dst_rtt_us / 1e6, 4);
    mc_finding_add_number(f, "dst_start_seconds", (double)pf->dst_start_us / 1e6, 3);
    mc_finding_add_number(f, "dst_stop_seconds", (double)pf->dst_stop_us / 1e6, 3);
    mc_finding_add_number(f, "watch_seconds", (double)pf->measure_ms / 1000.0, 3);
    if (r->outcome != MC_PREDICT_CONVERGES) {
        mc_finding_add_number(f, "need_bandwidth_bps", r->need_bps, 0);
        mc_finding_add_number(f, "need_downtime_limit_seconds", r->need_downtime, 3);
        mc_finding_add_text(f, "auto_converge",
                            r->ac_converges ? "converges" : "does-not-converge");
        mc_finding_add_number(f, "auto_converge_seconds", r->ac.finished ? r->ac.total : 0, 3);
        mc_finding_add_number(f, "auto_converge_throttle_percent", r->ac.throttle, 0);
        mc_finding_add_number(f, "postcopy_seconds", r->pc_possible ? r->pc.total : 0, 3);
        mc_finding_add_number(f, "suspend_after_seconds", ceil(r->suspend.precopy + in->setup), 0);
        mc_finding_add_number(f, "suspend_downtime_seconds", r->suspend.downtime, 3);
    }
}

/* What would make it converge: the hint, and the fix the least intrusive of them maps to. */
static void remedies(struct mc_finding *f, const struct mc_converge_in *in,
                     const struct mc_converge_result *r)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    char x[32], y[32];
    enum mc_fix fix = MC_FIX_NONE;
    if (r->need_bps > 0) {
        fmt_rate(x, sizeof(x), r->need_bps);
        if (r->need_bps <= in->link_bps && in->cap_bps > 0) {
            mc_buf_printf(&b,
                          "a migration bandwidth limit of at least %s (--bandwidth %.0f; the "
                          "link gives ",
                          x, ceil(r->need_bps / MIB));
            fmt_rate(y, sizeof(y), in->link_bps);
            mc_buf_printf(&b, "%s)", y);
            fix = MC_FIX_BANDWIDTH;
        } else {
            mc_buf_printf(&b, "at least %s between the hosts", x);
        }
    }
    if (r->need_downtime > 0) {
        if (r->need_downtime < 10)
            mc_buf_printf(&b,
                          "%sa downtime limit of %.0f ms (--downtime-limit %.0f; virsh "
                          "migrate-setmaxdowntime)",
                          b.len ? ", or " : "", ceil(r->need_downtime * 1000),
                          ceil(r->need_downtime * 1000));
        else
            mc_buf_printf(&b,
                          "%sa downtime limit of %.0f s (--downtime-limit %.0f; virsh "
                          "migrate-setmaxdowntime)",
                          b.len ? ", or " : "", ceil(r->need_downtime),
                          ceil(r->need_downtime) * 1000);
    }
    if (r->ac_converges) {
        fmt_secs(x, sizeof(x), r->ac.total);
        mc_buf_printf(&b,
                      "%sauto-converge (--auto-converge: about %s, throttling the guest's "
                      "vCPUs to %.0f %%)",
                      b.len ? ", or " : "", x, r->ac.throttle);
        if (!fix)
            fix = MC_FIX_AUTO_CONVERGE;
    }
    if (r->pc_possible) {
        fmt_secs(x, sizeof(x), r->pc.total);
        mc_buf_printf(&b,
                      "%spost-copy after the first pass (--migration-timeout %.0f "
                      "--timeout-postcopy: about %s; the guest runs on the destination while its "
                      "memory follows, and a failure then loses it)",
                      b.len ? ", or " : "", ceil(r->pc.precopy + in->setup), x);
    }
    if (r->suspend.finished) {
        /* virsh's timeout runs from the migration call, libvirt's setup included. */
        double after = ceil(r->suspend.precopy + in->setup);
        fmt_secs(y, sizeof(y), r->suspend.downtime);
        mc_buf_printf(&b,
                      "%spausing the guest after %.0f s and finishing as a non-live migration "
                      "(--migration-timeout %.0f --timeout-suspend, virsh migrate --timeout %.0f "
                      "--timeout-suspend: about %s of downtime)",
                      b.len ? ", or " : "", after, after, after, y);
        if (!fix)
            fix = MC_FIX_TIMEOUT_SUSPEND;
    }
    if (b.len)
        mc_finding_set_hint(f, "it would converge with %s", b.data);
    mc_finding_set_fix(f, fix);
}

RULE_FN(rule_migration_convergence)
{
    const struct mc_predict_facts *f = &p->rel->predict;
    const char *name = str_or(p->vm->name, "?");
    if (p->opts->offline) {
        mc_emit(out, r, MC_STATUS_SKIP, name, "an offline migration copies no memory");
        return;
    }
    if (f->probe == MC_PROBE_NOT_RUN) {
        mc_emit(out, r, MC_STATUS_SKIP, name, "not predicted (check --predict measures it)");
        return;
    }
    struct mc_converge_in in;
    struct mc_dirty_point *curve = mc_new0(struct mc_dirty_point, f->n_dirty + 1);
    const char *missing = NULL;
    int rc = mc_predict_input(f, &p->opts->migration, &in, curve, &missing);
    if (rc < 0) {
        struct mc_finding *x = mc_emit(out, r, MC_STATUS_UNKNOWN, name,
                                       "cannot predict the migration of '%s': %s is "
                                       "not known",
                                       name, missing);
        const char *why = f->probe == MC_PROBE_OK ? f->bandwidth_detail : f->detail;
        if (!why && f->probe == MC_PROBE_OK)
            why = f->sampling_detail ? f->sampling_detail : f->libvirt_detail;
        if (why)
            mc_finding_set_evidence(x, "%s", why);
        /* Without the link's bandwidth, but with a limit: what it would do if the link carries
         * the limit (said as a condition, never as the verdict). */
        int64_t cap = p->opts->migration.bandwidth_mib > 0 ? p->opts->migration.bandwidth_mib
                                                           : f->max_speed_mib;
        struct mc_predict_facts assumed = *f;
        assumed.bandwidth_probe = MC_PROBE_OK;
        assumed.bandwidth_bps = cap * (int64_t)MIB;
        assumed.bandwidth_min_bps = 0;
        struct mc_converge_result cr;
        if (f->probe == MC_PROBE_OK && f->bandwidth_probe != MC_PROBE_OK && cap > 0 &&
            mc_predict_input(&assumed, &p->opts->migration, &in, curve, &missing) == 0 &&
            mc_converge_predict(&in, &cr) == 0) {
            char t1[32], t2[32];
            fmt_secs(t1, sizeof(t1), cr.nominal.total);
            fmt_secs(t2, sizeof(t2), cr.downtime_max);
            if (cr.outcome == MC_PREDICT_CONVERGES)
                mc_finding_set_hint(x,
                                    "if the link carries the %lld MiB/s limit, it converges in "
                                    "about %s with at most %s of downtime; install migcheck on "
                                    "both hosts to measure the link",
                                    (long long)cap, t1, t2);
            else
                mc_finding_set_hint(x,
                                    "even if the link carries the %lld MiB/s limit, it %s; "
                                    "install migcheck on both hosts to measure the link",
                                    (long long)cap,
                                    cr.outcome == MC_PREDICT_NO_CONVERGENCE ? "does not converge"
                                                                            : "is borderline");
        }
        free(curve);
        return;
    }
    struct mc_converge_result res;
    if (mc_converge_predict(&in, &res) < 0) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, name, "cannot predict the migration of '%s'", name);
        free(curve);
        return;
    }
    char tot[32], lo[32], hi[32], dt[32], bw[32], dr[32];
    fmt_secs(tot, sizeof(tot), res.nominal.total);
    fmt_secs(lo, sizeof(lo), res.total_min);
    fmt_secs(hi, sizeof(hi), res.total_max);
    fmt_secs(dt, sizeof(dt), res.downtime_max);
    fmt_rate(bw, sizeof(bw), res.bandwidth);
    double rate =
        in.n_curve && in.curve[0].seconds > 0 ? in.curve[0].bytes / in.curve[0].seconds : 0;
    fmt_rate(dr, sizeof(dr), rate);
    struct mc_finding *x;
    switch (res.outcome) {
    case MC_PREDICT_CONVERGES:
        x = mc_emit(out, r, MC_STATUS_PASS, name,
                    "converges: about %s (%s to %s) in %d iterations at %s; downtime at most %s "
                    "(limit %.0f ms)",
                    tot, lo, hi, res.nominal.iterations, bw, dt, in.downtime_limit * 1000);
        break;
    case MC_PREDICT_BORDERLINE: {
        _cleanup_free_ char *ws = NULL;
        if (res.ws_unknown)
            ws = mc_xasprintf("; the guest's working set is larger than the %.0f s watch "
                              "showed (a longer --predict-time tells more)",
                              (double)f->measure_ms / 1000.0);
        if (res.p_converge <= 0)
            x = mc_emit(out, r, MC_STATUS_WARN, name,
                        "borderline: at the measured rates pre-copy does not converge (the guest "
                        "dirties %s, the migration sends %s), but within the measurement's "
                        "uncertainty it may%s",
                        dr, bw, ws ? ws : "");
        else if (res.p_converge >= 1)
            x = mc_emit(out, r, MC_STATUS_WARN, name,
                        "borderline: converges at the measured rates (about %s, at most %s of "
                        "downtime) but not at the pessimistic end of the measurement's "
                        "uncertainty (the guest dirties %s, the migration sends %s)%s",
                        tot, dt, dr, bw, ws ? ws : "");
        else
            x = mc_emit(out, r, MC_STATUS_WARN, name,
                        "borderline: pre-copy converges in %.0f %% of the model's runs (the "
                        "guest dirties %s, the migration sends %s); if it does, about %s with "
                        "at most %s of downtime%s",
                        res.p_converge * 100, dr, bw, tot, dt, ws ? ws : "");
        remedies(x, &in, &res);
        break;
    }
    default:
        if (res.nominal.finished && res.nominal.timed_out) {
            /* The migration as described ends anyway, by its timeout action. */
            char d2[32];
            fmt_secs(d2, sizeof(d2), res.nominal.downtime);
            x = mc_emit(out, r, MC_STATUS_WARN, name,
                        "does not converge live: the guest dirties %s and the migration sends "
                        "%s; at the timeout (%.0f s) the guest %s, about %s in all with %s of "
                        "downtime",
                        dr, bw, in.timeout,
                        in.timeout_action == MC_FALLBACK_POSTCOPY ? "moves on in post-copy"
                                                                  : "is paused and finishes "
                                                                    "non-live",
                        tot, d2);
        } else if (res.nominal.timed_out) {
            /* --timeout-abort: the timeout ends it, without the guest moving. */
            x = mc_emit(out, r, MC_PROBLEM, name,
                        "does not converge: the guest dirties %s and the migration sends %s; "
                        "with a downtime limit of %.0f ms pre-copy does not finish within the "
                        "migration timeout (%.0f s), and the migration is aborted there",
                        dr, bw, in.downtime_limit * 1000, in.timeout);
        } else {
            x = mc_emit(out, r, MC_PROBLEM, name,
                        "does not converge: the guest dirties %s and the migration sends %s; "
                        "with a downtime limit of %.0f ms pre-copy never finishes",
                        dr, bw, in.downtime_limit * 1000);
        }
        remedies(x, &in, &res);
        break;
    }
    _cleanup_free_ char *ev = evidence(p, f, &in);
    mc_finding_set_evidence(x, "%s", ev);
    add_numbers(x, f, &in, &res);
    free(curve);
}
