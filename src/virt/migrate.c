/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "migrate.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/xalloc.h"

/* ---- event loop ---- */

static pthread_t ev_thread;
static volatile bool ev_running;
static int ev_timer = -1;

static void tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
}

static void *ev_main(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&ev_running, __ATOMIC_ACQUIRE))
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

int mc_virt_event_loop_start(struct mc_error *reterr)
{
    if (ev_running)
        return 0;
    mc_virt_init();
    if (virEventRegisterDefaultImpl() < 0)
        return mc_virt_error(reterr, -EIO, "cannot start libvirt's event loop");
    /* A periodic timer wakes the loop, so that stopping it takes at most this long. */
    ev_timer = virEventAddTimeout(200, tick, NULL, NULL);
    __atomic_store_n(&ev_running, true, __ATOMIC_RELEASE);
    if (pthread_create(&ev_thread, NULL, ev_main, NULL) != 0) {
        ev_running = false;
        return mc_error_set(reterr, -EAGAIN, "cannot start the event loop thread");
    }
    return 0;
}

void mc_virt_event_loop_stop(void)
{
    if (!ev_running)
        return;
    __atomic_store_n(&ev_running, false, __ATOMIC_RELEASE);
    pthread_join(ev_thread, NULL);
    if (ev_timer >= 0)
        virEventRemoveTimeout(ev_timer);
    ev_timer = -1;
}

int mc_virt_keepalive(virConnectPtr c, int interval, unsigned count, struct mc_error *reterr)
{
    if (virConnectSetKeepAlive(c, interval, count) < 0)
        return mc_virt_error(reterr, -ENOTSUP, "cannot set libvirt keepalive");
    return 0;
}

/* ---- job statistics ---- */

static int64_t ull(virTypedParameterPtr p, int n, const char *name)
{
    unsigned long long v;
    if (virTypedParamsGetULLong(p, n, name, &v) == 1)
        return (int64_t)v;
    int i;
    if (virTypedParamsGetInt(p, n, name, &i) == 1)
        return i;
    return -1;
}

void mc_job_stats_parse(virTypedParameterPtr p, int n, struct mc_job_stats *s)
{
    s->elapsed_ms = ull(p, n, VIR_DOMAIN_JOB_TIME_ELAPSED);
    s->data_total = ull(p, n, VIR_DOMAIN_JOB_DATA_TOTAL);
    s->data_processed = ull(p, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
    s->data_remaining = ull(p, n, VIR_DOMAIN_JOB_DATA_REMAINING);
    s->mem_total = ull(p, n, VIR_DOMAIN_JOB_MEMORY_TOTAL);
    s->mem_processed = ull(p, n, VIR_DOMAIN_JOB_MEMORY_PROCESSED);
    s->mem_remaining = ull(p, n, VIR_DOMAIN_JOB_MEMORY_REMAINING);
    s->mem_bps = ull(p, n, VIR_DOMAIN_JOB_MEMORY_BPS);
    s->dirty_rate = ull(p, n, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE);
    s->page_size = ull(p, n, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE);
    s->iteration = ull(p, n, VIR_DOMAIN_JOB_MEMORY_ITERATION);
    s->postcopy_requests = ull(p, n, VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS);
    s->disk_total = ull(p, n, VIR_DOMAIN_JOB_DISK_TOTAL);
    s->disk_processed = ull(p, n, VIR_DOMAIN_JOB_DISK_PROCESSED);
    s->disk_remaining = ull(p, n, VIR_DOMAIN_JOB_DISK_REMAINING);
    s->disk_bps = ull(p, n, VIR_DOMAIN_JOB_DISK_BPS);
    s->downtime_ms = ull(p, n, VIR_DOMAIN_JOB_DOWNTIME);
    s->setup_time_ms = ull(p, n, VIR_DOMAIN_JOB_SETUP_TIME);
    s->auto_converge_throttle = ull(p, n, VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE);
}

static bool sample(virDomainPtr dom, unsigned flags, struct mc_job_stats *s)
{
    int type = 0, n = 0;
    virTypedParameterPtr p = NULL;
    if (virDomainGetJobStats(dom, &type, &p, &n, flags) < 0) {
        virResetLastError();
        return false;
    }
    bool ok = type != VIR_DOMAIN_JOB_NONE || (flags & VIR_DOMAIN_JOB_STATS_COMPLETED);
    if (ok)
        mc_job_stats_parse(p, n, s);
    virTypedParamsFree(p, n);
    return ok && n > 0;
}

/* ---- the migration ---- */

struct worker {
    virDomainPtr dom;
    virConnectPtr dst;
    virTypedParameterPtr params;
    int nparams;
    unsigned long flags;
    virDomainPtr result;
    struct mc_error err;
    volatile bool done;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    w->result =
        virDomainMigrate3(w->dom, w->dst, w->params, (unsigned)w->nparams, (unsigned)w->flags);
    if (!w->result)
        mc_virt_error(&w->err, 0, "the migration failed");
    __atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
    return NULL;
}

static void notify_sample(const struct mc_migrate_opts *o, const struct mc_job_stats *s)
{
    for (const struct mc_migrate_observer *ob = o->observers; ob && (ob->sample || ob->event); ob++)
        if (ob->sample)
            ob->sample(s, ob->userdata);
}

static void notify_event(const struct mc_migrate_opts *o, const char *what)
{
    for (const struct mc_migrate_observer *ob = o->observers; ob && (ob->sample || ob->event); ob++)
        if (ob->event)
            ob->event(what, ob->userdata);
}

void mc_migrate_result_clear(struct mc_migrate_result *r)
{
    free(r->abort_reason);
    memset(r, 0, sizeof(*r));
}

static void abort_job(virDomainPtr dom, struct mc_migrate_result *ret, const char *why)
{
    if (ret->aborted)
        return;
    ret->aborted = true;
    ret->abort_reason = mc_xstrdup(why);
    if (virDomainAbortJob(dom) < 0)
        virResetLastError(); /* the job may have ended meanwhile */
}

int mc_migrate_run(virConnectPtr src, virConnectPtr dst, virDomainPtr dom,
                   const struct mc_migrate_opts *o, struct mc_migrate_result *ret,
                   virDomainPtr *ret_dst_dom, struct mc_error *reterr)
{
    (void)src; /* dom carries it */
    struct worker w = { .dom = dom, .dst = dst, .flags = o->flags };
    int maxp = 0;
    if (o->dest_xml)
        virTypedParamsAddString(&w.params, &w.nparams, &maxp, VIR_MIGRATE_PARAM_DEST_XML,
                                o->dest_xml);
    if (o->persist_xml)
        virTypedParamsAddString(&w.params, &w.nparams, &maxp, VIR_MIGRATE_PARAM_PERSIST_XML,
                                o->persist_xml);
    for (const char *const *d = o->disks; d && *d; d++)
        virTypedParamsAddString(&w.params, &w.nparams, &maxp, VIR_MIGRATE_PARAM_MIGRATE_DISKS, *d);
    if (o->bandwidth_mib)
        virTypedParamsAddULLong(&w.params, &w.nparams, &maxp, VIR_MIGRATE_PARAM_BANDWIDTH,
                                o->bandwidth_mib);
    if (o->parallel_connections > 0)
        virTypedParamsAddInt(&w.params, &w.nparams, &maxp, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                             o->parallel_connections);

    int sample_ms = o->sample_ms > 0 ? o->sample_ms : 500;
    int stall_s = o->stall_s > 0 ? o->stall_s : 120;
    double t0 = mc_now();
    pthread_t th;
    if (pthread_create(&th, NULL, worker_main, &w) != 0) {
        virTypedParamsFree(w.params, w.nparams);
        return mc_error_set(reterr, -EAGAIN, "cannot start the migration thread");
    }
    double last_progress = t0;
    int64_t best_processed = -1, best_remaining = -1;
    bool timeout_acted = false;
    while (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE)) {
        usleep((useconds_t)sample_ms * 1000);
        if (__atomic_load_n(&w.done, __ATOMIC_ACQUIRE))
            break;
        double now = mc_now();
        if (o->interrupted && *o->interrupted)
            abort_job(dom, ret, "interrupted (SIGINT or SIGTERM)");
        struct mc_job_stats s = { 0 };
        if (sample(dom, 0, &s)) {
            s.t = now - t0;
            ret->last = s;
            ret->samples++;
            notify_sample(o, &s);
            int64_t processed = s.data_processed >= 0 ? s.data_processed : s.mem_processed;
            int64_t remaining = s.data_remaining >= 0 ? s.data_remaining : s.mem_remaining;
            if (processed > best_processed || (remaining >= 0 && remaining < best_remaining) ||
                best_remaining < 0) {
                if (processed > best_processed)
                    best_processed = processed;
                if (remaining >= 0 && (best_remaining < 0 || remaining < best_remaining))
                    best_remaining = remaining;
                last_progress = now;
            }
        }
        /* The destination's libvirtd gone (killed, its host unreachable: keepalive says so):
         * QEMU may go on streaming into a process nobody will finish. Stop it. */
        if (!ret->aborted && virConnectIsAlive(dst) == 0) {
            abort_job(dom, ret, "the destination's libvirt connection is gone");
            notify_event(o, "lost the destination's libvirtd: aborting the migration");
        }
        if (!ret->aborted && now - last_progress > stall_s) {
            char why[96];
            snprintf(why, sizeof(why), "no progress for %d s (the link or a host is gone)",
                     stall_s);
            abort_job(dom, ret, why);
            notify_event(o, why);
        }
        if (o->timeout_s > 0 && !timeout_acted && !ret->aborted && now - t0 >= o->timeout_s) {
            timeout_acted = true;
            if (o->timeout_action == MC_TIMEOUT_ABORT) {
                char why[64];
                snprintf(why, sizeof(why), "the timeout of %d s passed", o->timeout_s);
                abort_job(dom, ret, why);
                notify_event(o, "timeout: migration aborted");
            } else if (o->timeout_action == MC_TIMEOUT_POSTCOPY) {
                if (virDomainMigrateStartPostCopy(dom, 0) == 0) {
                    ret->convergence = MC_CONVERGE_POSTCOPY;
                    notify_event(o, "timeout: switched to post-copy");
                } else {
                    virResetLastError();
                }
            } else if (virDomainSuspend(dom) == 0) {
                ret->convergence = MC_CONVERGE_SUSPENDED;
                notify_event(o, "timeout: guest paused, finishing as a non-live migration");
            } else {
                virResetLastError();
            }
        }
        /* After an abort the job ends within seconds; if libvirt hangs, keep waiting: the
         * keepalive of the connections bounds it. */
    }
    pthread_join(th, NULL);
    ret->seconds = mc_now() - t0;
    virTypedParamsFree(w.params, w.nparams);
    if (!w.result) {
        int r = w.err.code ? w.err.code : -EIO;
        if (ret->aborted)
            mc_error_set(reterr, r, "the migration was aborted: %s (%s)", ret->abort_reason,
                         w.err.message ? w.err.message : "");
        else
            mc_error_set(reterr, r, "%s", w.err.message ? w.err.message : "the migration failed");
        mc_error_clear(&w.err);
        return r;
    }
    /* Completed statistics: the destination keeps them for an incoming migration, the source
     * for an outgoing one (while its domain object still exists). */
    struct mc_job_stats f = { 0 };
    if (sample(w.result, VIR_DOMAIN_JOB_STATS_COMPLETED, &f) ||
        sample(dom, VIR_DOMAIN_JOB_STATS_COMPLETED, &f)) {
        ret->final = f;
        ret->final.t = ret->seconds;
        ret->have_final = true;
    }
    *ret_dst_dom = w.result;
    return 0;
}
