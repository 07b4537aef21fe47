/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live measurements of a convergence prediction (check --predict), into the pair facts
 * (checker/predict.h), over two open hosts of a host set:
 *
 *  - on the source, for the prediction's time: the agent samples the guest's memory (non-zero
 *    pages, the dirtying curve) in a channel of its own over the same ssh connection, so the
 *    other probes go on meanwhile; libvirt runs its dirty-rate calculation and reads the
 *    domain's limits and vCPU time over the source's connection;
 *  - on the destination, meanwhile: how fast its libvirt starts a small paused domain (the
 *    gauge of libvirt's own part of a migration);
 *  - then a short, bounded transfer from the source to a listener in the destination's
 *    migration port range: the bandwidth on the migration path.
 *
 * The parts that run code on a host need migcheck there; with the sh agent those parts say
 * why they did not run (and the prediction is UNKNOWN without the bandwidth).
 */
#pragma once

#include "checker/predict.h"
#include "hosts/hostset.h"

struct mc_predict_job;

/* Start the source's measurement (a thread); the hosts' own sessions stay free. */
int mc_predict_begin(struct mc_host *src, struct mc_host *dst, const struct mc_vm_facts *vm,
                     int predict_ms, int timeout_ms, struct mc_predict_job **ret,
                     struct mc_error *reterr);
/*
 * Measure the destination's libvirt, wait for the source's measurement, then run the
 * bandwidth probe to dst_name (DST's migration host name as the source resolves it; NULL:
 * its host name) and fill f. Frees the job.
 */
void mc_predict_end(struct mc_predict_job *j, const char *dst_name, struct mc_predict_facts *f);

/* Parsers of the agents' answers (untrusted input): "ok PID MAPPING RSS SAMPLES NONZERO ABSENT
 * SCAN_S SECONDS:CHANGED:PAIRS..." (mem-sample) and "ok BYTES SECONDS PEER SLICE_BPS..."
 * (bw-sink). -EBADMSG on anything else; f may then hold part of the answer. */
int mc_predict_parse_sample(char **words, struct mc_predict_facts *f);
int mc_predict_parse_bandwidth(char **words, struct mc_predict_facts *f);
