/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Will a pre-copy live migration converge, how long will it take, what
 * downtime will the guest see, and what would make it converge?
 *
 * Pure code: the inputs are numbers measured before the migration (guest
 * memory and how much of it is non-zero, the dirtying curve, the bandwidth
 * on the migration path, QEMU's downtime limit and the migration's options);
 * the model simulates what QEMU's migration thread does with them, window by
 * window, as QEMU 7.2 does it (migration/migration.c, migration/ram.c):
 *
 *  - The first pass sends every page; zero pages cost a few bytes, so its
 *    length is the non-zero memory over the bandwidth.
 *  - QEMU sends in windows of 100 ms (BUFFER_DELAY), each limited to a tenth
 *    of the bandwidth cap, or for 50 ms (MAX_WAIT) when nothing limits it. After
 *    each window it compares the pages still to send with the threshold
 *    bandwidth x downtime limit. Below it, it syncs the dirty log (one
 *    iteration): the pages the guest dirtied since the last sync join what is
 *    left. If the sum is still below the threshold it stops the guest and sends
 *    the rest with no rate limit (that is the downtime).
 *  - The pages dirtied between two syncs are the distinct pages written in a
 *    window of that length: the measured dirtying curve D(t), which grows
 *    sub-linearly once the writable working set is covered; not a constant
 *    rate. Pages still waiting to be sent that the guest writes again count
 *    once: two adjacent windows a and b share D(a) + D(b) - D(a + b) pages
 *    (none for a writer that sweeps its memory until it wraps, as chance has
 *    it for a random one), and the first pass still holds a share r1/ram of
 *    any pages (QEMU sends by address, not by when a page was written).
 *  - The switch-over sends what is left with no rate limit: at the link's
 *    speed in the prediction, but the downtime bound takes it at no more than
 *    the pre-copy's rate (QEMU's threshold assumes that rate; whether QEMU's
 *    own stream reaches the link's speed is not measured).
 *  - Auto-converge: at a sync at least 1 s after the last check, if the guest
 *    dirtied more than half of what was sent in that period, a counter goes up;
 *    at 2 the vCPUs are throttled (20 % first, +10 % each time, at most 99 %).
 *    A throttle of p leaves the vCPU 1-p of its time; a guest that used only a
 *    fraction f of it slows down only when 1-p < f.
 *  - Where the leftover falls below the threshold depends on where the last
 *    window ended, which the model cannot know: it runs several phases and
 *    reports how many converge.
 *  - Likewise where a timeout's pause falls within an iteration: the guest
 *    stops with what is left of the iteration plus all it dirtied since the
 *    last sync, which is most in the middle of an iteration and least at its
 *    ends. A timeline of tens of seconds is not known to a fraction of an
 *    iteration (libvirt's setup alone varies by a second), so the phases also
 *    spread the pause over one iteration around the timeout.
 *
 * Sources: QEMU's migration code and documentation (docs/devel/migration.rst,
 * the migrate-set-parameters defaults: downtime-limit 300 ms, cpu-throttle-
 * initial 20, cpu-throttle-increment 10, max-cpu-throttle 99), libvirt's
 * virDomainMigrateSetMaxDowntime and job statistics, and the Red Hat
 * Virtualization Deployment and Administration Guide, "Live KVM migration with
 * virsh" (a guest that dirties memory faster than the link carries it never
 * finishes; fall back to a non-live migration).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One point of the dirtying curve: distinct bytes dirtied in a window of this length. */
struct mc_dirty_point {
    double seconds;
    double bytes;
};

enum mc_timeout_fallback {
    MC_FALLBACK_NONE,     /* pre-copy goes on for ever (virsh migrate without --timeout) */
    MC_FALLBACK_SUSPEND,  /* pause the guest and finish as a non-live migration */
    MC_FALLBACK_POSTCOPY, /* switch to post-copy */
    MC_FALLBACK_ABORT,    /* abort the migration: the guest stays on the source */
};

struct mc_converge_in {
    double ram_bytes;                   /* guest memory QEMU migrates */
    double nonzero_bytes;               /* of which not zero pages (sent whole in the first pass) */
    const struct mc_dirty_point *curve; /* D(t), ascending in t; may be empty (idle guest) */
    size_t n_curve;
    double dirty_uncertainty; /* relative (0.15 = +-15 %) */
    double link_bps;          /* SRC->DST on the migration path, bytes/s */
    double link_uncertainty;  /* relative */
    double cap_bps;           /* migration bandwidth limit, bytes/s; 0: none */
    double downtime_limit;    /* seconds */
    double vcpu_busy;         /* 0..1: share of its vCPU time the guest used; < 0: unknown */
    bool auto_converge;
    double ac_initial, ac_increment, ac_max; /* percent; 0: QEMU's defaults */
    bool postcopy;                           /* post-copy allowed (VIR_MIGRATE_POSTCOPY) */
    int parallel;                            /* multifd channels; 0 or 1: one stream */
    double stream_bps;                       /* one stream's ceiling, bytes/s; 0: none */
    double timeout;                          /* seconds; 0: horizon only */
    enum mc_timeout_fallback timeout_action;
    double horizon;              /* give up simulating after this long (s); 0: 600 */
    double setup;                /* seconds before the first page (libvirt prepares DST) */
    double switchover;           /* fixed part of the downtime (device state, resume), seconds */
    double switchover_max;       /* the same, as an upper bound */
    double confirm;              /* after the guest resumes on DST until the job ends on SRC (s) */
    double overhead_uncertainty; /* relative, of setup + confirm */
};

enum mc_converge_outcome {
    MC_PREDICT_CONVERGES,      /* converges in every phase, even at the pessimistic end */
    MC_PREDICT_BORDERLINE,     /* depends on luck or on the measurement's uncertainty */
    MC_PREDICT_NO_CONVERGENCE, /* no phase converges, even at the optimistic end */
    _MC_PREDICT_MAX,
};
const char *mc_converge_outcome_name(enum mc_converge_outcome o); /* converges, borderline, ... */

/* One simulated migration. */
struct mc_converge_run {
    bool converged;     /* pre-copy reached the threshold (live switch-over) */
    bool finished;      /* the migration ended (converged, or by the timeout action) */
    double precopy;     /* seconds from the first page to the switch-over decision */
    double downtime;    /* seconds the guest is stopped */
    double total;       /* setup + precopy + downtime + confirm (+ post-copy) */
    int iterations;     /* dirty-log syncs, counted as libvirt counts them */
    double sent;        /* bytes on the wire */
    double throttle;    /* final auto-converge throttle, percent */
    double final_bytes; /* left to send at the switch-over (non-zero pages) */
    bool timed_out;     /* the timeout action ended it */
    double cycle;       /* when paused: seconds between the last two dirty-log syncs before */
};

struct mc_converge_result {
    enum mc_converge_outcome outcome;
    double p_converge; /* share of phases (nominal) that converge */
    bool ws_unknown;   /* the dirtying curve still rose at its end: the working set may be
                          anything from what the watch saw to all of the memory */
    struct mc_converge_run nominal; /* median phase at nominal inputs */
    double total_min, total_max;    /* over phases and the uncertainty band */
    double downtime_max;            /* upper bound of the downtime */
    double bandwidth;               /* pre-copy bytes/s used */
    double stop_bandwidth;          /* switch-over bytes/s */
    double threshold;               /* bytes */
    /* What would make it converge (when it does not, or is borderline); 0: nothing found. */
    double need_bps;      /* bandwidth (cap or link) at which it converges */
    double need_downtime; /* downtime limit (s) at which it converges */
    bool ac_converges;    /* with auto-converge */
    struct mc_converge_run ac;
    bool pc_possible; /* post-copy after the first pass */
    struct mc_converge_run pc;
    struct mc_converge_run suspend; /* pause at the horizon (or timeout) and finish offline */
};

/* D(t) from the curve: piecewise linear through (0,0), never decreasing, extended with the
 * last segment's slope (the pessimistic reading: a working set the watch did not see the end
 * of may be all of the memory), at most ram. The optimistic end of the prediction takes the
 * working set to be what the watch saw. */
double mc_dirty_at(const struct mc_converge_in *in, double t);

/*
 * Simulate one migration. dirty_scale multiplies D(t), bw_scale the bandwidths; phase in [0,1)
 * shifts where the windows fall.
 */
void mc_converge_simulate(const struct mc_converge_in *in, double dirty_scale, double bw_scale,
                          double phase, struct mc_converge_run *ret);

/* The prediction: phases, the uncertainty band, and what would make it converge. */
int mc_converge_predict(const struct mc_converge_in *in, struct mc_converge_result *ret);
