/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster engine: every domain of every host against every other host,
 * each cell judged as `migcheck check --src-facts S --dst-facts D VM` judges
 * it (relate, then the engine over the rule table and the policy), but each
 * distinct situation only once. Hosts and domains fall into equivalence
 * classes by the facts the rules can tell apart (cluster-key.c); a cell's
 * situation is (domain class, source class, destination class, pair key),
 * where the pair key records how the few facts left out of the classes
 * relate for this cell (names, addresses, host UUIDs, defined domains, free
 * memory). The engine runs once per situation, on the first cell that has
 * it; cost grows with hosts x domains only by a table lookup per cell.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "report.h"
#include "util/buf.h"

struct mc_cluster;

enum mc_cell_verdict {
    MC_CELL_MIGRATABLE,
    MC_CELL_BLOCKED,
    MC_CELL_UNKNOWN,
    _MC_CELL_MAX,
};
const char *mc_cell_verdict_name(enum mc_cell_verdict v); /* migratable, blocked, unknown */

struct mc_cluster_host {
    char *name;                  /* how the operator named it (inventory, snapshot, command line) */
    struct mc_host_facts *facts; /* owned, unless borrowed */
    bool borrowed;               /* facts belong to someone else (a host set) */
    char *origin;                /* "snapshot FILE", "live" */
    bool unreachable;            /* could not be gathered: its facts hold the errors */
    size_t cls;                  /* host class */
};

/* A cause: a finding that counts (WARN, FAIL, UNKNOWN). */
struct mc_cluster_cause {
    const char *rule; /* static: the rule table's or the policy's id */
    enum mc_status status;
    enum mc_severity severity;
    char *subject; /* NULL when none, or when it is the domain's own name (names_vm) */
    bool names_vm; /* the subject is the name of the domain (vm.state: "web1") */
    char *message; /* as check says it for the cell the result was computed on */
};

/* The summary of a cell, shared by every cell of one situation. */
struct mc_cluster_result {
    enum mc_cell_verdict verdict;
    int exit_code; /* what check exits with for such a cell */
    size_t counts[_MC_STATUS_MAX];
    struct mc_cluster_cause *causes; /* in the order check reports them */
    size_t n_causes;
    size_t sig;             /* index of its signature: verdict and causes without messages */
    size_t rep_vm, rep_dst; /* the cell it was computed on */
};

/* The destinations of one domain whose cells have the same signature. */
struct mc_cluster_group {
    size_t sig;
    size_t result;   /* a result with this signature (the first one met) */
    uint32_t *hosts; /* host indexes, ascending */
    size_t n_hosts;
    size_t cap_hosts; /* allocated */
};

struct mc_cluster_vm {
    const struct mc_vm_facts *facts; /* borrowed from its host's facts */
    size_t host;                     /* where it runs */
    size_t cls;                      /* domain class */
    size_t counts[_MC_CELL_MAX];     /* destinations by verdict */
    size_t n_clean;                  /* migratable without a cause */
    struct mc_cluster_group *groups; /* every signature met, clean one included */
    size_t n_groups;
};

struct mc_cluster_opts {
    const struct mc_rule *rules;
    size_t n_rules;
    const struct mc_policy *policy; /* may be NULL */
    bool strict;
    const struct mc_check_opts *check;
    int threads; /* workers for judging; 0: one */
    /*
     * Live probes (cluster --probe): the pair facts probed for a cell, or NULL; with it every
     * cell is judged on its own, with its probe results, as a live check judges it.
     */
    const struct mc_pair_facts *(*pair_facts)(const struct mc_cluster *c, size_t vm, size_t dst,
                                              void *userdata);
    void *pair_facts_userdata;
};

struct mc_cluster {
    struct mc_cluster_host *hosts;
    size_t n_hosts;
    struct mc_cluster_vm *vms;
    size_t n_vms;
    struct mc_cluster_result *results;
    size_t n_results;
    size_t n_sigs;
    size_t n_host_classes, n_vm_classes, n_situations;
    uint32_t *migratable; /* n_hosts x n_hosts: domains of s migratable to d */
    uint32_t *cells;      /* n_vms x n_hosts: the result of each cell (own host: unset) */
    uint64_t n_cells, n_engine_runs;
    double seconds_classes, seconds_judge;
};

/* Add a host, taking its facts; its domains are added in mc_cluster_judge. Returns its index. */
size_t mc_cluster_add_host(struct mc_cluster *c, const char *name, struct mc_host_facts *facts,
                           const char *origin, bool unreachable);
/*
 * Judge every domain of every host against every other host. only_vm: judge only the
 * domains with this name or UUID (the others are not in c->vms); -ENOENT when no host has it.
 * template (a domain given as XML, borrowed): judge it instead, as if it were on each host in
 * turn, as check --vm-xml judges it.
 */
int mc_cluster_judge(struct mc_cluster *c, const struct mc_cluster_opts *o, const char *only_vm,
                     const struct mc_vm_facts *template);
void mc_cluster_free(struct mc_cluster *c);
/*
 * Judge every cell again on its own and compare with what the classes gave: the number of cells
 * that differ (each reported through report(cell's vm, dst, why, userdata)).
 */
size_t mc_cluster_verify(const struct mc_cluster *c, const struct mc_cluster_opts *o,
                         void (*report)(size_t vm, size_t dst, const char *why, void *userdata),
                         void *userdata);

/*
 * The cell of domain vm to host dst, judged again on its own exactly as check judges it: for
 * messages, and for the tests that compare the cluster with check. The report is the caller's
 * to clear.
 */
void mc_cluster_cell_report(const struct mc_cluster *c, const struct mc_cluster_opts *o, size_t vm,
                            size_t dst, struct mc_report *ret);
/*
 * The whole situation of a cell: the keys of the domain, its host and the destination, and the
 * pair key. Two cells with the same situation have the same summary (cluster-key.c); the tests
 * hold the engine to that.
 */
void mc_cluster_cell_key(const struct mc_cluster *c, size_t vm, size_t dst, struct mc_buf *out);
/* The summary of a cell's report, as the engine keeps it (for renderers and tests). */
void mc_cluster_summarize(const struct mc_report *rep, const struct mc_vm_facts *vm,
                          struct mc_cluster_result *ret);
void mc_cluster_result_clear(struct mc_cluster_result *r);
/* The verdict of a cell (vm, dst) from the judged cluster, and its result (the situation's
 * summary); _MC_CELL_MAX for the domain's own host. */
enum mc_cell_verdict mc_cluster_cell_verdict(const struct mc_cluster *c, size_t vm, size_t dst,
                                             const struct mc_cluster_result **ret);

/* ---- facts that split the cluster ---- */

struct mc_split_value {
    char *value;
    uint32_t *hosts;
    size_t n_hosts;
};

struct mc_split {
    const char *fact; /* "QEMU version", "CPU model", "bridge br-dmz", ... (static or owned) */
    bool owned;
    struct mc_split_value *values; /* most hosts first */
    size_t n_values;
};

/* Facts that differ between hosts and matter for migration: QEMU, libvirt and OS releases,
 * CPU models, bridges, libvirt networks and network storage present on some hosts only. */
void mc_cluster_splits(const struct mc_cluster *c, struct mc_split **ret, size_t *ret_n);
void mc_cluster_splits_free(struct mc_split *s, size_t n);
