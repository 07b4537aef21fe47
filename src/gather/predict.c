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
    f->nonzero_bytes = (int64_t)((double)nonzero * per);
    mc_set_str(&f->nonzero_source, MC_NONZERO_SAMPLED);
    f->rss_bytes = rss;
    for (size_t i = 8; w[i]; i++) {
        double secs, changed;
        long long pairs;
        _cleanup_strv_free_ char **p = mc_strv_split(w[i], ":");
        if (mc_strv_length(p) != 3 || !to_d(p[0], &secs) || !to_d(p[1], &changed) ||
            !to_ll(p[2], &pairs) || changed > (double)samples || pairs <= 0)
            return -EBADMSG;
        struct mc_dirty_window *d = MC_APPEND(f->dirty, f->n_dirty);
        d->source = mc_xstrdup(MC_DIRTY_SAMPLED);
        d->window_us = (int64_t)(secs * 1e6);
        d->bytes = (int64_t)(changed * per);
        d->samples = samples;
        d->changed_milli = (int64_t)(changed * 1000.0);
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
    f->bandwidth_bytes = bytes;
    f->bandwidth_us = (int64_t)(secs * 1e6);
    f->bandwidth_bps = (int64_t)((double)bytes / secs);
    f->bandwidth_min_bps = (int64_t)lo;
    f->bandwidth_max_bps = (int64_t)hi;
    return 0;
}

struct mc_predict_job {
    struct mc_host *src, *dst;
    char *uuid, *name;
    int64_t ram;
    int predict_ms, timeout_ms;
    struct mc_predict_facts f;
    pthread_t thread;
    bool thread_up;
    double t0, seconds;
};

static const char *agent_kind(const struct mc_session *s)
{
    return s && s->kind ? s->kind : "sh";
}

/* The source's part: the agent's sampling in a channel, libvirt meanwhile. */
static void *source_thread(void *arg)
{
    struct mc_predict_job *j = arg;
    struct mc_predict_facts *f = &j->f;
    f->measure_ms = j->predict_ms;
    struct mc_session ch;
    _cleanup_error_ struct mc_error cerr = { 0 };
    bool ch_up = mc_host_open_channel(j->src, &ch, &cerr) == 0;
    unsigned sid = 0;
    /* The watch ends predict_ms after the measurement began, channel opening included, but
     * lasts at least three quarters of predict_ms: on a loaded host opening the channel can
     * take seconds, and a watch cut to a few snapshots sees neither the working set nor the
     * rate well (the curve is the measurement). */
    int duration = j->predict_ms - (int)((mc_now() - j->t0) * 1000.0);
    if (duration < j->predict_ms * 3 / 4)
        duration = j->predict_ms * 3 / 4;
    if (duration < 2 * SAMPLE_INTERVAL_MS)
        duration = 2 * SAMPLE_INTERVAL_MS;
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

    /* libvirt: one short window, then the rest of the time. */
    int secs = j->predict_ms / 1000;
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
        /* The resident part of QEMU's guest RAM: every page the guest ever touched. */
        char sram[32];
        snprintf(sram, sizeof(sram), "%lld", (long long)j->ram);
        const char *args[] = { j->uuid, sram, j->name, NULL };
        struct mc_answer a = { 0 };
        _cleanup_error_ struct mc_error err = { 0 };
        long long rss;
        if (mc_host_channel_call(&ch, MC_OP_MEM_RSS, args, j->timeout_ms, &a, &err) == 0 &&
            a.status == MC_REPLY_OK && to_ll(a.fields[0], &rss) && rss >= 0) {
            f->rss_bytes = rss;
            f->nonzero_bytes = rss < j->ram ? rss : j->ram;
            mc_set_str(&f->nonzero_source, MC_NONZERO_RSS);
        }
        mc_answer_clear(&a);
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

int mc_predict_begin(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                     int predict_ms, int timeout_ms, struct mc_predict_job **ret,
                     struct mc_error *reterr)
{
    if (!vm || !vm->uuid)
        return mc_error_set(reterr, -EINVAL, "the domain's UUID is not known");
    struct mc_predict_job *j = mc_new0(struct mc_predict_job, 1);
    j->src = src;
    j->dst = dst;
    j->uuid = mc_xstrdup(vm->uuid);
    j->name = mc_xstrdup(vm->name ? vm->name : "");
    j->ram = vm->memory_kib > 0 ? vm->memory_kib * 1024 : 0;
    j->predict_ms = predict_ms;
    j->timeout_ms = timeout_ms;
    j->t0 = mc_now();
    j->thread_up = pthread_create(&j->thread, NULL, source_thread, j) == 0;
    if (!j->thread_up)
        source_thread(j);
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
    /* DST is idle meanwhile: how fast its libvirt starts a domain. */
    int64_t start_us = 0;
    if (dst->conn && dst->conn_rw)
        start_us = mc_virt_start_probe_us(dst->conn, j->src->facts ? j->src->facts->vm : NULL);
    int64_t dst_rtt = dst->conn ? mc_virt_rtt_us(dst->conn) : 0;
    if (j->thread_up)
        pthread_join(j->thread, NULL);
    *f = j->f;
    memset(&j->f, 0, sizeof(j->f));
    if (f->probe == MC_PROBE_NOT_RUN) {
        f->probe = MC_PROBE_ERROR;
        mc_set_str(&f->detail, "the measurement on the source did not run");
    }
    f->dst_start_us = start_us;
    f->dst_rtt_us = dst_rtt;
    const char *host = dst_name                                  ? dst_name
                       : dst->facts && dst->facts->virt.hostname ? dst->facts->virt.hostname
                       : dst->spec.host                          ? dst->spec.host
                                                                 : "localhost";
    bandwidth(j->src, dst, host, j->timeout_ms, f);
    free(j->uuid);
    free(j->name);
    free(j);
}
