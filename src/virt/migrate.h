/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One live (or offline) migration with virDomainMigrate3, migcheck holding
 * both connections (the managed, non-peer-to-peer protocol virsh uses). The
 * call runs in a thread; the caller's thread samples virDomainGetJobStats on
 * the source every sample_ms, hands each sample to the observers (progress
 * bar, JSON lines, a predictor), and keeps every wait bounded:
 *
 *  - interrupted (SIGINT/SIGTERM) -> virDomainAbortJob: the VM stays on SRC;
 *  - timeout reached -> the timeout action (suspend: finish as a non-live
 *    migration, the guides' fallback; or switch to post-copy);
 *  - no progress for stall_s seconds (a dead link) -> abort;
 *  - libvirt keepalive on both connections (needs the event loop:
 *    mc_virt_event_loop_start before the connections are opened).
 *
 * The job statistics (struct mc_job_stats) are the interface for anything that
 * watches a migration: register an observer in mc_migrate_opts.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "virt.h"

/* One sample of the migration job; -1 = libvirt did not report the field. */
struct mc_job_stats {
    double t;           /* seconds since migcheck called virDomainMigrate3 */
    int64_t elapsed_ms; /* VIR_DOMAIN_JOB_TIME_ELAPSED */
    int64_t data_total; /* bytes, memory + disk */
    int64_t data_processed;
    int64_t data_remaining;
    int64_t mem_total;
    int64_t mem_processed;
    int64_t mem_remaining;
    int64_t mem_bps;    /* transfer rate of memory, bytes/s */
    int64_t dirty_rate; /* pages/s dirtied by the guest */
    int64_t page_size;  /* bytes */
    int64_t iteration;  /* memory passes */
    int64_t postcopy_requests;
    int64_t disk_total;
    int64_t disk_processed;
    int64_t disk_remaining;
    int64_t disk_bps;
    int64_t downtime_ms; /* expected while running; real in completed stats */
    int64_t setup_time_ms;
    int64_t auto_converge_throttle; /* percent of vCPU time taken away */
};

enum mc_timeout_action {
    MC_TIMEOUT_SUSPEND,  /* pause the guest: the migration finishes as a non-live one */
    MC_TIMEOUT_POSTCOPY, /* switch to post-copy (needs VIR_MIGRATE_POSTCOPY) */
    MC_TIMEOUT_ABORT,    /* give up: abort the job, the guest stays on the source */
};

/* What migcheck did to make the migration end, if anything. */
enum mc_convergence {
    MC_CONVERGE_NONE,
    MC_CONVERGE_SUSPENDED, /* the timeout paused the guest */
    MC_CONVERGE_POSTCOPY,  /* the timeout switched to post-copy */
};

struct mc_migrate_observer {
    void (*sample)(const struct mc_job_stats *s, void *userdata);
    void (*event)(const char *what, void *userdata); /* "suspended at timeout", ... */
    void *userdata;
};

struct mc_migrate_opts {
    unsigned long flags;  /* VIR_MIGRATE_* */
    const char *dest_xml; /* VIR_MIGRATE_PARAM_DEST_XML (NULL: not sent) */
    const char *persist_xml;
    const char *const *disks; /* VIR_MIGRATE_PARAM_MIGRATE_DISKS (targets), NULL-terminated */
    uint64_t bandwidth_mib;   /* 0: libvirt's default */
    int parallel_connections; /* 0: not set */
    int timeout_s;            /* 0: none */
    enum mc_timeout_action timeout_action;
    int stall_s;   /* abort when nothing moves for this long; 0: 120 */
    int sample_ms; /* 0: 500 */
    volatile sig_atomic_t *interrupted;
    const struct mc_migrate_observer *observers; /* array, ends with sample == event == NULL */
};

struct mc_migrate_result {
    double seconds;            /* wall time of the call */
    struct mc_job_stats last;  /* the last sample while running */
    struct mc_job_stats final; /* completed statistics (downtime, totals), when available */
    bool have_final;
    enum mc_convergence convergence;
    bool aborted; /* migcheck aborted the job (signal, stall) */
    char *abort_reason;
    unsigned samples;
};
void mc_migrate_result_clear(struct mc_migrate_result *r);

/*
 * Migrate dom (on src) to dst. 0 when the domain now runs on dst (*ret_dst_dom set, caller
 * frees); -errno with libvirt's message otherwise (the caller checks where the domain is).
 */
int mc_migrate_run(virConnectPtr src, virConnectPtr dst, virDomainPtr dom,
                   const struct mc_migrate_opts *o, struct mc_migrate_result *ret,
                   virDomainPtr *ret_dst_dom, struct mc_error *reterr);

/* Read a job statistics parameter list into s (fields not in the list become -1). */
void mc_job_stats_parse(virTypedParameterPtr params, int n, struct mc_job_stats *s);

/* The libvirt event loop (keepalive needs it): start before opening connections. */
int mc_virt_event_loop_start(struct mc_error *reterr);
void mc_virt_event_loop_stop(void);
/* Keepalive on a connection: a dead peer is noticed within interval * (count + 1) seconds. */
int mc_virt_keepalive(virConnectPtr c, int interval, unsigned count, struct mc_error *reterr);
