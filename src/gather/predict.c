/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "predict.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/pair.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

/* The agent's sampling: pages hashed per snapshot, and the time between snapshots. */
#define SAMPLE_PAGES       4096
#define SAMPLE_INTERVAL_MS 200
/* The bandwidth probe's transfer: long enough for TCP to reach its pace, short for a check. */
#define SEND_MS 500
/* libvirt's dirty-rate windows end this long before the watch (its calls around them). */
#define LIBVIRT_MARGIN_S 0.5
/* The destination's probe-domain starts during a watch, at most. */
#define MAX_STARTS 3

static bool to_ll(const char *s, long long *ret)
{
    char *end;
    if (!s || !*s)
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return false;
    *ret = v;
    return true;
}

static bool to_d(const char *s, double *ret)
{
    char *end;
    if (!s || !*s)
        return false;
    double v = strtod(s, &end);
    if (*end || !(v >= 0) || v > 1e15)
        return false;
    *ret = v;
    return true;
}

/* A product or quotient of remote figures, as int64_t: false when it does not fit (a cast out of
 * range is undefined behaviour; every double below 2^63 fits). */
static bool fit_i64(double v, int64_t *ret)
{
    if (!(v >= 0) || !(v < 0x1p63))
        return false;
    *ret = (int64_t)v;
    return true;
}

int mc_predict_parse_sample(char **w, struct mc_predict_facts *f)
{
    long long pid, mapping, rss, samples, nonzero, absent;
    double scan;
    if (mc_strv_length(w) < 9 || !to_ll(w[1], &pid) || !to_ll(w[2], &mapping) ||
        !to_ll(w[3], &rss) || !to_ll(w[4], &samples) || !to_ll(w[5], &nonzero) ||
        !to_ll(w[6], &absent) || !to_d(w[7], &scan) || samples <= 0 || mapping <= 0 ||
        nonzero < 0 || nonzero > samples)
        return -EBADMSG;
    double per = (double)mapping / (double)samples;
    if (!fit_i64((double)nonzero * per, &f->nonzero_bytes))
        return -EBADMSG;
    mc_set_str(&f->nonzero_source, MC_NONZERO_SAMPLED);
    f->rss_bytes = rss;
    for (size_t i = 8; w[i]; i++) {
        double secs, changed;
        long long pairs;
        _cleanup_strv_free_ char **p = mc_strv_split(w[i], ":");
        if (mc_strv_length(p) != 3 || !to_d(p[0], &secs) || !to_d(p[1], &changed) ||
            !to_ll(p[2], &pairs) || changed > (double)samples || pairs <= 0)
            return -EBADMSG;
        int64_t window_us, bytes, changed_milli;
        if (!fit_i64(secs * 1e6, &window_us) || !fit_i64(changed * per, &bytes) ||
            !fit_i64(changed * 1000.0, &changed_milli))
            return -EBADMSG;
        struct mc_dirty_window *d = MC_APPEND(f->dirty, f->n_dirty);
        d->source = mc_xstrdup(MC_DIRTY_SAMPLED);
        d->window_us = window_us;
        d->bytes = bytes;
        d->samples = samples;
        d->changed_milli = changed_milli;
        d->windows = pairs;
    }
    return 0;
}

int mc_predict_parse_bandwidth(char **w, struct mc_predict_facts *f)
{
    long long bytes;
    double secs;
    if (mc_strv_length(w) < 4 || strcmp(w[0], "ok") != 0 || !to_ll(w[1], &bytes) ||
        !to_d(w[2], &secs) || secs <= 0 || bytes <= 0)
        return -EBADMSG;
    /* The slowest and fastest slice, leaving out the first and the last (slow start, tail). */
    double lo = 0, hi = 0;
    size_t nf = mc_strv_length(w);
    for (size_t i = 5; i + 1 < nf; i++) {
        double v;
        if (!to_d(w[i], &v))
            return -EBADMSG;
        if (lo == 0 || v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    int64_t us, bps, min_bps, max_bps;
    if (!fit_i64(secs * 1e6, &us) || !fit_i64((double)bytes / secs, &bps) ||
        !fit_i64(lo, &min_bps) || !fit_i64(hi, &max_bps))
        return -EBADMSG;
    f->bandwidth_bytes = bytes;
    f->bandwidth_us = us;
    f->bandwidth_bps = bps;
    f->bandwidth_min_bps = min_bps;
    f->bandwidth_max_bps = max_bps;
    return 0;
}

struct mc_predict_job {
    struct mc_host *src, *dst;
    char *uuid, *name;
    const struct mc_vm_facts *vm; /* SRC's facts of the domain: read only, while the job runs */
    int64_t ram;
    int predict_ms, max_ms, timeout_ms;
    int64_t cap_mib;
    struct mc_predict_facts f;
    pthread_t thread, dst_thread;
    bool thread_up, dst_thread_up;
    double t0, seconds;
    /* When the watch ends (mc_now()); set by the source's thread once it knows, read by DST's. */
    pthread_mutex_t lock;
    double watch_end;
    /* DST's part. */
    int64_t start_us, stop_us, starts, dst_rtt_us;
};

static const char *agent_kind(const struct mc_session *s)
{
    return s && s->kind ? s->kind : "sh";
}

static double watch_end(struct mc_predict_job *j)
{
    pthread_mutex_lock(&j->lock);
    double t = j->watch_end;
    pthread_mutex_unlock(&j->lock);
    return t > 0 ? t : j->t0 + (double)j->predict_ms / 1000.0;
}

/* The resident part of QEMU's guest RAM (every page the guest ever touched); -1: not known. */
static long long guest_rss(struct mc_predict_job *j, struct mc_session *ch)
{
    char sram[32];
    snprintf(sram, sizeof(sram), "%lld", (long long)j->ram);
    const char *args[] = { j->uuid, sram, j->name, NULL };
    struct mc_answer a = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    long long rss = -1;
    if (mc_host_channel_call(ch, MC_OP_MEM_RSS, args, j->timeout_ms, &a, &err) < 0 ||
        a.status != MC_REPLY_OK || !to_ll(a.fields[0], &rss) || rss < 0)
        rss = -1;
    mc_answer_clear(&a);
    return rss;
}

/*
 * How long to watch. The pages the guest dirties during the first pass are the distinct pages
 * of a window as long as that pass (QEMU's first dirty-log sync after ram_save_setup comes
 * when every page was sent once): a watch shorter than the first pass has to extrapolate the
 * curve exactly where it matters most. Unless --predict-time fixed it, the watch lasts the
 * first pass (the guest's resident memory, an upper bound of its non-zero pages, at the
 * bandwidth limit), at least predict_ms and at most max_ms. Without a limit the link's speed
 * is not known before the bandwidth probe: predict_ms.
 */
static int watch_ms(struct mc_predict_job *j, struct mc_session *ch, bool ch_up)
{
    if (j->max_ms <= j->predict_ms || j->ram <= 0)
        return j->predict_ms;
    int64_t cap = j->cap_mib;
    if (cap <= 0 && j->src->conn)
        cap = mc_virt_max_speed_mib(j->src->conn, j->uuid);
    if (cap <= 0)
        return j->predict_ms;
    long long rss = ch_up ? guest_rss(j, ch) : -1;
    double bytes = rss > 0 && rss < j->ram ? (double)rss : (double)j->ram;
    double ms = bytes / ((double)cap * 1024.0 * 1024.0) * 1000.0;
    return ms < j->predict_ms ? j->predict_ms : ms > j->max_ms ? j->max_ms : (int)ms;
}

/* The source's part: the agent's sampling in a channel, libvirt meanwhile. */
static void *source_thread(void *arg)
{
    struct mc_predict_job *j = arg;
    struct mc_predict_facts *f = &j->f;
    struct mc_session ch;
    _cleanup_error_ struct mc_error cerr = { 0 };
    bool ch_up = mc_host_open_channel(j->src, &ch, &cerr) == 0;
    unsigned sid = 0;
    int watch = watch_ms(j, &ch, ch_up);
    f->measure_ms = watch;
    /* The watch ends `watch` ms after the measurement began, channel opening included, but
     * lasts at least three quarters of it: on a loaded host opening the channel can take
     * seconds, and a watch cut to a few snapshots sees neither the working set nor the rate
     * well (the curve is the measurement). */
    int duration = watch - (int)((mc_now() - j->t0) * 1000.0);
    if (duration < watch * 3 / 4)
        duration = watch * 3 / 4;
    if (duration < 2 * SAMPLE_INTERVAL_MS)
        duration = 2 * SAMPLE_INTERVAL_MS;
    double end = mc_now() + (double)duration / 1000.0;
    pthread_mutex_lock(&j->lock);
    j->watch_end = end;
    pthread_mutex_unlock(&j->lock);
    if (ch_up && j->ram > 0) {
        char sram[32], sdur[16], sint[16], ssam[16];
        snprintf(sram, sizeof(sram), "%lld", (long long)j->ram);
        snprintf(sdur, sizeof(sdur), "%d", duration);
        snprintf(sint, sizeof(sint), "%d", SAMPLE_INTERVAL_MS);
        snprintf(ssam, sizeof(ssam), "%d", SAMPLE_PAGES);
        const char *args[] = { j->uuid, sram, sdur, sint, ssam, j->name, NULL };
        sid = mc_host_channel_send(&ch, MC_OP_MEM_SAMPLE, args);
    } else if (!ch_up) {
        mc_set_fmt(&f->sampling_detail, "no second session to %s: %s", j->src->spec.label,
                   cerr.message ? cerr.message : "not started");
    } else {
        mc_set_str(&f->sampling_detail, "the domain's memory size is not known");
    }

    /* libvirt: one short window, then one of the rest of the watch. Its calculation takes
     * whole seconds (QEMU 7.2's calc-time), one at a time, and each costs a few libvirt calls
     * besides: the windows end LIBVIRT_MARGIN_S before the watch does, so that they never
     * make the check longer. */
    int secs = (int)(end - mc_now() - LIBVIRT_MARGIN_S);
    int windows[2];
    size_t nw = 0;
    if (secs >= 3) {
        windows[nw++] = 1;
        windows[nw++] = secs - 1;
    } else {
        windows[nw++] = secs >= 1 ? secs : 1;
    }
    if (j->src->conn) {
        mc_virt_predict_measure(j->src->conn, j->uuid, windows, nw, f);
    } else {
        f->probe = MC_PROBE_ERROR;
        mc_set_fmt(&f->detail, "no libvirt connection to %s", j->src->spec.label);
    }

    if (sid) {
        struct mc_answer a = { 0 };
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_host_channel_recv(&ch, sid, duration + j->timeout_ms, &a, &err) < 0) {
            mc_set_fmt(&f->sampling_detail, "sampling the guest's memory on %s: %s",
                       j->src->spec.label, err.message);
        } else if (a.status == MC_REPLY_OK) {
            if (mc_predict_parse_sample(a.words, f) < 0) {
                /* Keep nothing half-read. */
                for (size_t i = 0; i < f->n_dirty; i++)
                    if (f->dirty[i].source && strcmp(f->dirty[i].source, MC_DIRTY_SAMPLED) == 0)
                        f->dirty[i].window_us = 0;
                mc_set_str(&f->nonzero_source, NULL);
                mc_set_fmt(&f->sampling_detail, "%s answered garbage to mem-sample",
                           j->src->spec.label);
            }
        } else if (a.status == MC_REPLY_UNSUPPORTED) {
            mc_set_fmt(&f->sampling_detail,
                       "sampling the guest's memory needs migcheck on %s (the %s agent cannot)",
                       j->src->spec.label, agent_kind(&ch));
        } else {
            _cleanup_free_ char *rest = mc_strv_join(a.fields, " ");
            mc_set_fmt(&f->sampling_detail, "sampling the guest's memory on %s: %s",
                       j->src->spec.label, rest);
        }
        mc_answer_clear(&a);
    }
    if (ch_up && j->ram > 0 && !f->nonzero_source) {
        long long rss = guest_rss(j, &ch);
        if (rss >= 0) {
            f->rss_bytes = rss;
            f->nonzero_bytes = rss < j->ram ? rss : j->ram;
            mc_set_str(&f->nonzero_source, MC_NONZERO_RSS);
        }
    }
    if (ch_up)
        mc_host_channel_close(&ch);
    if (!f->nonzero_source && f->ram_bytes > 0) {
        /* Nothing better: every page counts (the first pass is then an upper bound). */
        f->nonzero_bytes = f->ram_bytes;
        mc_set_str(&f->nonzero_source, MC_NONZERO_MEMORY);
    }
    if (j->ram > 0 && f->ram_bytes <= 0)
        f->ram_bytes = j->ram;
    j->seconds = mc_now() - j->t0;
    return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/*
 * The destination's part, during the watch: how fast its libvirt starts (and destroys) a small
 * paused domain, as often as the watch leaves time for (at least once, at most
 * MAX_STARTS): one start on a loaded host is one draw of a noisy time, the median of a few is
 * the host's pace.
 */
static void *dst_thread(void *arg)
{
    struct mc_predict_job *j = arg;
    struct mc_host *dst = j->dst;
    const struct mc_vm_facts *vm = j->vm;
    int64_t starts[MAX_STARTS], stops[MAX_STARTS];
    size_t n = 0;
    if (dst->conn && dst->conn_rw) {
        while (n < MAX_STARTS) {
            double t = mc_now();
            int64_t stop = 0;
            int64_t start = mc_virt_start_probe_us(dst->conn, vm, &stop);
            if (start <= 0)
                break;
            starts[n] = start;
            stops[n] = stop;
            n++;
            /* Another only when it ends before the watch does, at this one's pace. */
            if (mc_now() + (mc_now() - t) > watch_end(j))
                break;
        }
    }
    if (n > 0) {
        qsort(starts, n, sizeof(starts[0]), cmp_ll);
        qsort(stops, n, sizeof(stops[0]), cmp_ll);
        /* The median; of two, the mean. */
        j->start_us = n % 2 ? starts[n / 2] : (starts[n / 2 - 1] + starts[n / 2]) / 2;
        j->stop_us = n % 2 ? stops[n / 2] : (stops[n / 2 - 1] + stops[n / 2]) / 2;
        j->starts = (int64_t)n;
    }
    j->dst_rtt_us = dst->conn ? mc_virt_rtt_us(dst->conn) : 0;
    return NULL;
}

int mc_predict_begin(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                     const struct mc_predict_watch *w, int timeout_ms, struct mc_predict_job **ret,
                     struct mc_error *reterr)
{
    if (!vm || !vm->uuid)
        return mc_error_set(reterr, -EINVAL, "the domain's UUID is not known");
    struct mc_predict_job *j = mc_new0(struct mc_predict_job, 1);
    j->src = src;
    j->dst = dst;
    j->uuid = mc_xstrdup(vm->uuid);
    j->name = mc_xstrdup(vm->name ? vm->name : "");
    j->vm = vm;
    j->ram = vm->memory_kib > 0 ? vm->memory_kib * 1024 : 0;
    j->predict_ms = w->predict_ms;
    j->max_ms = w->max_ms;
    j->cap_mib = w->cap_mib;
    j->timeout_ms = timeout_ms;
    pthread_mutex_init(&j->lock, NULL);
    j->t0 = mc_now();
    j->thread_up = pthread_create(&j->thread, NULL, source_thread, j) == 0;
    if (!j->thread_up)
        source_thread(j);
    j->dst_thread_up = pthread_create(&j->dst_thread, NULL, dst_thread, j) == 0;
    *ret = j;
    return 0;
}

/* The bandwidth probe: DST listens where QEMU will, SRC connects to DST's migration name. */
static void bandwidth(struct mc_host *src, struct mc_host *dst, const char *host, int timeout_ms,
                      struct mc_predict_facts *f)
{
    const struct mc_qemu_conf *q = &dst->facts->virt.qemu_conf;
    int64_t pmin = q->migration_port_min > 0 ? q->migration_port_min : 49152;
    int64_t pmax = q->migration_port_max > 0 ? q->migration_port_max : 49215;
    const char *bind =
        q->migration_address && *q->migration_address ? q->migration_address : "0.0.0.0";
    char smin[24], smax[24], smax_ms[16], ssend[16];
    snprintf(smin, sizeof(smin), "%lld", (long long)pmin);
    snprintf(smax, sizeof(smax), "%lld", (long long)pmax);
    snprintf(smax_ms, sizeof(smax_ms), "%d", SEND_MS + 2000);
    snprintf(ssend, sizeof(ssend), "%d", SEND_MS);
    const char *largs[] = { bind, smin, smax, "5000", smax_ms, NULL };
    unsigned lid = mc_host_send(dst, MC_OP_BW_SINK, largs);
    struct mc_answer w = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_host_recv(dst, lid, timeout_ms, &w, &err) < 0) {
        f->bandwidth_probe = MC_PROBE_ERROR;
        mc_set_str(&f->bandwidth_detail, err.message);
        return;
    }
    if (w.status == MC_REPLY_UNSUPPORTED) {
        f->bandwidth_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&f->bandwidth_detail,
                   "measuring the bandwidth needs migcheck on %s to listen (the %s agent cannot)",
                   dst->spec.label, agent_kind(&dst->sess));
        mc_answer_clear(&w);
        return;
    }
    if (w.status != MC_REPLY_LISTENING || !w.fields[0]) {
        _cleanup_free_ char *rest = mc_strv_join(w.words, " ");
        f->bandwidth_probe = MC_PROBE_ERROR;
        mc_set_fmt(&f->bandwidth_detail, "no listener in %s-%s on %s: %s", smin, smax,
                   dst->spec.label, rest);
        mc_answer_clear(&w);
        return;
    }
    _cleanup_free_ char *port = mc_xstrdup(w.fields[0]);
    mc_answer_clear(&w);
    const char *sargs[] = { host, port, ssend, NULL };
    struct mc_answer c = { 0 };
    _cleanup_error_ struct mc_error cerr = { 0 };
    int r = mc_host_call(src, MC_OP_BW_SEND, sargs, SEND_MS + timeout_ms, &c, &cerr);
    /* The listener answers once more, whatever happened. */
    struct mc_answer fin = { 0 };
    _cleanup_error_ struct mc_error ferr = { 0 };
    int rf = mc_host_recv(dst, lid, SEND_MS + timeout_ms + 7000, &fin, &ferr);
    if (r < 0) {
        f->bandwidth_probe = MC_PROBE_ERROR;
        mc_set_str(&f->bandwidth_detail, cerr.message);
    } else if (c.status == MC_REPLY_UNSUPPORTED) {
        f->bandwidth_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&f->bandwidth_detail,
                   "measuring the bandwidth needs migcheck on %s to send (the %s agent cannot)",
                   src->spec.label, agent_kind(&src->sess));
    } else if (c.status != MC_REPLY_OK) {
        _cleanup_free_ char *rest = mc_strv_join(c.fields, " ");
        f->bandwidth_probe = MC_PROBE_FAILED;
        mc_set_fmt(&f->bandwidth_detail, "%s could not send to %s port %s: %s", src->spec.label,
                   host, port, rest);
    } else if (rf < 0 || fin.status != MC_REPLY_OK) {
        _cleanup_free_ char *rest =
            rf < 0 ? mc_xstrdup(ferr.message) : mc_strv_join(fin.words, " ");
        f->bandwidth_probe = MC_PROBE_ERROR;
        mc_set_fmt(&f->bandwidth_detail, "the listener on %s: %s", dst->spec.label, rest);
    } else if (mc_predict_parse_bandwidth(fin.words, f) < 0) {
        f->bandwidth_probe = MC_PROBE_ERROR;
        mc_set_fmt(&f->bandwidth_detail, "the listener on %s received nothing measurable",
                   dst->spec.label);
    } else {
        mc_set_fmt(&f->bandwidth_path, "%s:%s (%s)", host, port, c.fields[2] ? c.fields[2] : "?");
        f->bandwidth_probe = MC_PROBE_OK;
    }
    mc_answer_clear(&c);
    mc_answer_clear(&fin);
}

void mc_predict_end(struct mc_predict_job *j, const char *dst_name, struct mc_predict_facts *f)
{
    struct mc_host *dst = j->dst;
    /* The link, while the guest is watched (the hosts' own sessions are free by now). */
    struct mc_predict_facts bw = { 0 };
    const char *host = dst_name                                  ? dst_name
                       : dst->facts && dst->facts->virt.hostname ? dst->facts->virt.hostname
                       : dst->spec.host                          ? dst->spec.host
                                                                 : "localhost";
    bandwidth(j->src, dst, host, j->timeout_ms, &bw);
    if (j->dst_thread_up)
        pthread_join(j->dst_thread, NULL);
    else
        dst_thread(j);
    if (j->thread_up)
        pthread_join(j->thread, NULL);
    *f = j->f;
    memset(&j->f, 0, sizeof(j->f));
    if (f->probe == MC_PROBE_NOT_RUN) {
        f->probe = MC_PROBE_ERROR;
        mc_set_str(&f->detail, "the measurement on the source did not run");
    }
    f->dst_start_us = j->start_us;
    f->dst_stop_us = j->stop_us;
    f->dst_starts = j->starts;
    f->dst_rtt_us = j->dst_rtt_us;
    f->bandwidth_probe = bw.bandwidth_probe;
    f->bandwidth_detail = bw.bandwidth_detail;
    f->bandwidth_path = bw.bandwidth_path;
    f->bandwidth_bps = bw.bandwidth_bps;
    f->bandwidth_min_bps = bw.bandwidth_min_bps;
    f->bandwidth_max_bps = bw.bandwidth_max_bps;
    f->bandwidth_bytes = bw.bandwidth_bytes;
    f->bandwidth_us = bw.bandwidth_us;
    pthread_mutex_destroy(&j->lock);
    free(j->uuid);
    free(j->name);
    free(j);
}
