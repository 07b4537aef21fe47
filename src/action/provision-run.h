/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A provisioning run over a host set: what `migcheck provision` and `migcheck migrate --fix
 * --storage` share. It opens (or joins) the three hosts, asks the storage host what it serves
 * and SRC what the VM's disks are made of, and hands the facts to the pure planner
 * (storage/provision.h); the verb prints the plan, applies it, reports.
 *
 *   mc_provision_prepare(&req, &run, &err);          // a host set of its own (provision)
 *   mc_provision_gather(run, &err) + mc_provision_plan_into(run, plan, &err)
 *                                                    // hosts opened by the caller (migrate)
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "checker/plan.h"
#include "hosts/hostset.h"
#include "storage/provision.h"
#include "storage/server.h"
#include "util/error.h"

struct mc_provision_request {
    const char *src, *dst, *vm;
    const char *storage_spec; /* [user@]host[:DIR] */
    struct mc_provision_opts po;
    const char *transport, *remote_command;
    int timeout_ms;
    int verbose;
    bool act; /* false: --dry-run (no mutating operation is allowed) */
};

/* "[user@]host[:DIR]" -> the host part (for the host set) and DIR (NULL when not given). */
int mc_provision_split_storage(const char *spec, char **ret_host, char **ret_dir,
                               struct mc_error *reterr);

struct mc_provision_run {
    struct mc_hostset *hs;               /* owned when prepare made it */
    struct mc_host *src, *dst, *storage; /* src has the VM's facts */
    struct mc_provision_opts po;         /* dir and storage point into this run */
    char *storage_host;                  /* the host part of --storage (for undo) */
    char *storage_name;                  /* the name SRC and DST reach it by */
    char *dir;                           /* DIR as given, or NULL */
    char *storage_addr;                  /* resolved on SRC */
    struct mc_storage_server server;
    struct mc_prov_disk *disks;
    size_t n_disks;
    int dir_state, vm_dir_state, src_mount_state, dst_mount_state;
    struct mc_plan *plan; /* prepare's own plan */
    struct mc_provision_result result;
    char *run_id;
    double t_start, t_plan; /* seconds: mc_now() at the start, time to the plan */
};
void mc_provision_run_free(struct mc_provision_run *r);
static inline void mc_provision_run_freep(struct mc_provision_run **r)
{
    mc_provision_run_free(*r);
}

/*
 * Open the three hosts, gather, plan (into run->plan). Returns an MC_EXIT_* code: OK, USAGE
 * (bad names), UNKNOWN (a host unreachable, a domain missing, facts that could not be read),
 * BLOCKED (what cannot be provisioned, with the reason in err).
 */
int mc_provision_prepare(const struct mc_provision_request *req, struct mc_provision_run **ret,
                         struct mc_error *reterr);

/* The gathering and planning halves, for a caller with its own open hosts: run->src (with its
 * VM facts), ->dst, ->storage, ->po, ->storage_name and ->run_id set. */
int mc_provision_gather(struct mc_provision_run *run, struct mc_error *reterr);
int mc_provision_plan_into(struct mc_provision_run *run, struct mc_plan *plan,
                           struct mc_error *reterr);

/* Output for people. */
void mc_provision_print_plan(const struct mc_provision_run *run, FILE *f);
void mc_provision_print_outcome(const struct mc_plan *p, const char *journal, int rc,
                                const struct mc_error *err, bool quiet);
/* plan, export, verify, copy (and migrate) times, and the copy's rate. */
void mc_provision_print_timings(const struct mc_provision_run *run, FILE *f);
