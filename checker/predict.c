/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* From the measurements (predict.h) to the model's input (converge.h). */
#include "predict.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "pair.h"

#define MIB (1024.0 * 1024.0)

/* QEMU's defaults (migrate-set-parameters): what an unread limit is. */
#define QEMU_DOWNTIME_LIMIT_MS 300
/* QEMU's page-sampling calculation hashes 512 pages per GiB (calc-dirty-rate sample-pages). */
#define QEMU_SAMPLE_PAGES_PER_GIB 512.0

/*
 * libvirt's side of a managed migration, besides QEMU's transfer (libvirt 9.0,
 * qemu_migration.c): before the first page, Begin on SRC and Prepare on DST, where DST's
 * libvirt starts the domain's QEMU for the incoming migration (qemuProcessStart, paused, with
 * -incoming defer: what the probe domain's start does, for a domain with more devices), then
 * Perform on SRC; at the switch-over, the device state and Finish on DST, which resumes the
 * guest there; then Confirm on SRC stops the source's QEMU (qemuProcessStop, what destroying
 * the probe domain does) and ends the job. So: setup is the probe's start (the median of the
 * starts made during the watch) plus the round trips of Begin, Prepare and Perform, and
 * confirm is the probe's destroy plus one call to each host. Without them: the defaults, and
 * the older pair facts without the destroy's time, a share of the start.
 */
#define SETUP_PER_START          1.0
#define SETUP_PER_RTT            4.0
#define SETUP_DEFAULT_S          1.5
#define CONFIRM_PER_STOP         1.0
#define CONFIRM_PER_RTT          1.0
#define CONFIRM_PER_START        0.12
#define CONFIRM_DEFAULT_S        0.3
#define SWITCHOVER_PER_START     0.04
#define SWITCHOVER_MAX_PER_START 0.06
#define SWITCHOVER_MAX_BASE_S    0.15
#define SWITCHOVER_DEFAULT_S     0.15
#define SWITCHOVER_MAX_DEFAULT_S 0.4
#define SWITCHOVER_RTT           2.0
/* How far libvirt's part may be off (relative). */
#define OVERHEAD_UNCERTAINTY 0.3

void mc_predict_facts_clear(struct mc_predict_facts *p)
{
    mc_struct_clear(&mc_desc_predict_facts, p);
    memset(p, 0, sizeof(*p));
}

static int cmp_point(const void *a, const void *b)
{
    const struct mc_dirty_point *x = a, *y = b;
    return (x->seconds > y->seconds) - (x->seconds < y->seconds);
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int mc_predict_input(const struct mc_predict_facts *f, const struct mc_migration_opts *o,
                     struct mc_converge_in *ret, struct mc_dirty_point *curve_buf,
                     const char **ret_missing)
{
    memset(ret, 0, sizeof(*ret));
    if (f->probe != MC_PROBE_OK || f->ram_bytes <= 0) {
        *ret_missing = "the guest's memory and dirtying";
        return -ENODATA;
    }
    if (f->bandwidth_probe != MC_PROBE_OK || f->bandwidth_bps <= 0) {
        *ret_missing = "the bandwidth from the source to the destination";
        return -ENODATA;
    }
    ret->ram_bytes = (double)f->ram_bytes;
    ret->nonzero_bytes = f->nonzero_source && f->nonzero_bytes >= 0 ? (double)f->nonzero_bytes
                                                                    : (double)f->ram_bytes;
    if (ret->nonzero_bytes > ret->ram_bytes)
        ret->nonzero_bytes = ret->ram_bytes;

    /* The curve: migcheck's own sampling when it ran (many more pages), else libvirt's. */
    bool have_sampled = false;
    for (size_t i = 0; i < f->n_dirty; i++)
        if (f->dirty[i].source && strcmp(f->dirty[i].source, MC_DIRTY_SAMPLED) == 0)
            have_sampled = true;
    const char *use = have_sampled ? MC_DIRTY_SAMPLED : MC_DIRTY_LIBVIRT;
    size_t n = 0;
    double se = 1.0;
    for (size_t i = 0; i < f->n_dirty; i++) {
        const struct mc_dirty_window *w = &f->dirty[i];
        if (!w->source || strcmp(w->source, use) != 0 || w->window_us <= 0 || w->bytes < 0)
            continue;
        curve_buf[n].seconds = (double)w->window_us / 1e6;
        curve_buf[n].bytes = (double)w->bytes;
        n++;
    }
    if (n == 0) {
        *ret_missing = "the guest's dirtying";
        return -ENODATA;
    }
    qsort(curve_buf, n, sizeof(curve_buf[0]), cmp_point);
    /* Sampling error of the shortest window, which decides the switch-over. */
    const struct mc_dirty_window *shortest = NULL;
    for (size_t i = 0; i < f->n_dirty; i++) {
        const struct mc_dirty_window *w = &f->dirty[i];
        if (w->source && strcmp(w->source, use) == 0 && w->window_us > 0 &&
            (!shortest || w->window_us < shortest->window_us))
            shortest = w;
    }
    if (have_sampled) {
        double c = (double)shortest->changed_milli / 1000.0;
        double eff = shortest->windows > 1 ? (double)shortest->windows / 2.0 : 1.0;
        se = 1.0 / sqrt(c * eff > 1 ? c * eff : 1);
    } else {
        double per_page = 1024.0 * MIB / QEMU_SAMPLE_PAGES_PER_GIB;
        double c = (double)shortest->bytes / per_page;
        se = 1.0 / sqrt(c > 1 ? c : 1);
    }
    ret->curve = curve_buf;
    ret->n_curve = n;
    ret->dirty_uncertainty = clamp(0.05 + 1.5 * se, 0.05, 0.6);

    ret->link_bps = (double)f->bandwidth_bps;
    double u = 0.03;
    if (f->bandwidth_min_bps > 0 && f->bandwidth_min_bps < f->bandwidth_bps)
        u = (double)(f->bandwidth_bps - f->bandwidth_min_bps) / (double)f->bandwidth_bps;
    ret->link_uncertainty = clamp(u, 0.03, 0.3);
    if (o->bandwidth_mib > 0)
        ret->cap_bps = (double)o->bandwidth_mib * MIB;
    else if (f->max_speed_mib > 0)
        ret->cap_bps = (double)f->max_speed_mib * MIB;
    int64_t dl = o->downtime_ms > 0         ? o->downtime_ms
                 : f->downtime_limit_ms > 0 ? f->downtime_limit_ms
                                            : QEMU_DOWNTIME_LIMIT_MS;
    ret->downtime_limit = (double)dl / 1000.0;
    ret->vcpu_busy = -1;
    if (f->elapsed_ns > 0 && f->vcpus > 0)
        ret->vcpu_busy =
            clamp((double)f->vcpu_time_ns / ((double)f->elapsed_ns * (double)f->vcpus), 0, 1);
    ret->auto_converge = o->auto_converge;
    ret->postcopy = o->postcopy;
    ret->parallel = o->parallel;
    ret->timeout = (double)o->timeout_s;
    ret->timeout_action = o->timeout_action;
    double rtt = (double)(f->src_rtt_us + f->dst_rtt_us) / 1e6;
    double start = (double)f->dst_start_us / 1e6;
    ret->setup = (start > 0 ? SETUP_PER_START * start : SETUP_DEFAULT_S) + SETUP_PER_RTT * rtt;
    double stop = (double)f->dst_stop_us / 1e6;
    ret->confirm = stop > 0    ? CONFIRM_PER_STOP * stop + CONFIRM_PER_RTT * rtt
                   : start > 0 ? CONFIRM_PER_START * start
                               : CONFIRM_DEFAULT_S;
    ret->overhead_uncertainty = OVERHEAD_UNCERTAINTY;
    ret->switchover =
        (start > 0 ? SWITCHOVER_PER_START * start : SWITCHOVER_DEFAULT_S) + SWITCHOVER_RTT * rtt;
    ret->switchover_max = (start > 0 ? SWITCHOVER_MAX_BASE_S + SWITCHOVER_MAX_PER_START * start
                                     : SWITCHOVER_MAX_DEFAULT_S) +
                          2 * SWITCHOVER_RTT * rtt;
    return 0;
}
