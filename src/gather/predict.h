/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live measurements of a convergence prediction (check --predict), into the pair facts
 * (checker/predict.h), over two open hosts of a host set:
 *
 *  - on the source, for the prediction's time (the watch): the agent samples the guest's
 *    memory (non-zero pages, the dirtying curve) in a channel of its own over the same ssh
 *    connection, so the other probes go on meanwhile; libvirt runs its dirty-rate calculation
 *    and reads the domain's limits and vCPU time over the source's connection;
 *  - on the destination, meanwhile: how fast its libvirt starts and destroys a small paused
 *    domain (the gauge of libvirt's own part of a migration), as often as the watch leaves
 *    time for;
 *  - once the other probes are done, still during the watch: a short, bounded transfer from
 *    the source to a listener in the destination's migration port range (the bandwidth on the
 *    migration path).
 * Everything ends with the watch, give or take libvirt's and the agents' round trips, so the
 * prediction adds its watch to a check and little more.
 *
 * The parts that run code on a host need migcheck there; with the sh agent those parts say
 * why they did not run (and the prediction is UNKNOWN without the bandwidth).
 */
#pragma once

#include "checker/predict.h"
#include "hosts/hostset.h"

struct mc_predict_job;

/* How long to watch the guest. */
struct mc_predict_watch {
    int predict_ms;  /* at least this long */
    int max_ms;      /* > predict_ms: as long as the first pass (resident memory at cap_mib or
                        libvirt's limit for the domain), up to this */
    int64_t cap_mib; /* the migration's bandwidth limit (--bandwidth); 0: libvirt's */
};

/* Start the measurement (a thread for the source, one for the destination's libvirt); the
 * hosts' own sessions stay free. */
int mc_predict_begin(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                     const struct mc_predict_watch *w, int timeout_ms, struct mc_predict_job **ret,
                     struct mc_error *reterr);
/*
 * Once the hosts' sessions are free: run the bandwidth probe to dst_name (DST's migration host
 * name as the source resolves it; NULL: its host name), wait for the rest and fill f. Frees
 * the job.
 */
void mc_predict_end(struct mc_predict_job *j, const char *dst_name, struct mc_predict_facts *f);

/* Parsers of the agents' answers (untrusted input): "ok PID MAPPING RSS SAMPLES NONZERO ABSENT
 * SCAN_S SECONDS:CHANGED:PAIRS..." (mem-sample) and "ok BYTES SECONDS PEER SLICE_BPS..."
 * (bw-sink). -EBADMSG on anything else; f may then hold part of the answer. */
int mc_predict_parse_sample(char **words, struct mc_predict_facts *f);
int mc_predict_parse_bandwidth(char **words, struct mc_predict_facts *f);
