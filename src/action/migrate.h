/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migrate: the planner (a checked pair + the operator's options -> a plan) and
 * the step kinds that move a domain (rewrite-*, migrate, undefine-source).
 *
 *   preflight (gather/check.h) -> mc_migrate_gate -> mc_migrate_plan -> print (--dry-run)
 *                                                                    -> mc_plan_apply
 *
 * The gate decides, finding by finding, whether a problem is accepted (--accept RULE), fixed by
 * the plan (--fix, --map-*, --copy-storage-all), or refuses the run, and builds the exact
 * command line that would apply the missing fixes.
 *
 * Hook for a convergence predictor (issue 13): before the migrate step runs,
 * mc_migrate_state.predict (when set) is called with the facts and the options; its text is
 * kept for the summary, which prints it next to what happened. The job statistics of the run
 * are in mc_migrate_state.result (struct mc_migrate_result, virt/migrate.h).
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "action.h"
#include <libxml/tree.h>

#include "checker/plan.h"
#include "checker/predict.h"
#include "checker/report.h"
#include "virt/migrate.h"

struct mc_map {
    char *from;
    char *to;
};

enum mc_migrate_progress {
    MC_PROGRESS_AUTO, /* a bar on a terminal, nothing otherwise */
    MC_PROGRESS_BAR,
    MC_PROGRESS_JSON, /* JSON lines on stdout (--format=json) */
    MC_PROGRESS_NONE, /* -q */
};

struct mc_migrate_options {
    bool dry_run;
    bool fix;
    bool live;    /* default for a running or paused domain */
    bool offline; /* a shut-off domain: its definition moves */
    bool copy_storage_all;
    bool copy_storage_inc;
    bool persistent;  /* VIR_MIGRATE_PERSIST_DEST (default on) */
    bool keep_source; /* do not undefine the source's definition */
    /* How the migration runs (--bandwidth, --downtime-limit, --auto-converge, --postcopy,
     * --compressed, --parallel-connections, --migration-timeout and its action): the options
     * check --predict takes, parsed by the same table (cli-migration.h). After parsing, a
     * timeout always has its action (suspend unless said otherwise). */
    struct mc_migration_opts tuning;
    int stall_s;
    char **accept; /* rule ids */
    struct mc_map *map_path;
    size_t n_map_path;
    struct mc_map *map_bridge;
    size_t n_map_bridge;
    struct mc_map *map_network;
    size_t n_map_network;
    /* --storage: the disks provisioning moves onto shared storage before the migration (their
     * targets: vda ...), NULL without --storage. */
    char **provisioned;
};

/* What the gate found. */
struct mc_gate {
    char **accepted; /* "rule: message" of problems the operator accepted */
    char **fixed;    /* "rule: how" of problems the plan fixes */
    char **refused;  /* "rule: message" of problems nothing fixes */
    char **suggest;  /* options that would fix the refused ones: "--fix", "--map-bridge ..." */
    bool unknown;    /* a refusal is an UNKNOWN (exit 3), not a FAIL */
};
void mc_gate_clear(struct mc_gate *g);

/* The facts the planner reads. */
struct mc_migrate_input {
    const struct mc_host_facts *src;
    const struct mc_host_facts *dst;
    const struct mc_pair_facts *rel;
    const struct mc_report *report;
    const char *src_name, *dst_name;
    const char *transport, *remote_command; /* recorded for undo */
};

/* Judge the findings against the options. Returns true when the run may go on. */
bool mc_migrate_gate(const struct mc_migrate_options *o, const struct mc_migrate_input *in,
                     struct mc_gate *ret);

/*
 * Build the plan: rewrites, storage targets, the migration, the source's undefinition. The
 * destination XML (plan->dest_xml) is the source's migratable XML with the rewrites applied; it
 * is checked to keep the guest ABI. bytes_of(target) gives a disk's virtual size for storage
 * copies (NULL: not known, the plan fails for such disks).
 */
int mc_migrate_plan(const struct mc_migrate_options *o, const struct mc_migrate_input *in,
                    int64_t (*bytes_of)(const char *target, void *ud), void *ud,
                    struct mc_plan **ret, struct mc_error *reterr);

/* Apply a rewrite step to a destination XML document (the planner and the step's run). */
int mc_migrate_apply_edit(xmlDocPtr doc, const struct mc_plan_step *s, struct mc_error *reterr);

/* The verb's state behind mc_apply_ctx.verb during apply. */
struct mc_migrate_state {
    const struct mc_migrate_options *opts;
    xmlDocPtr dest_doc;                          /* built by the rewrite steps */
    const struct mc_migrate_observer *observers; /* progress renderers */
    volatile sig_atomic_t *interrupted;
    /* Convergence predictor hook: set by a predictor, called before the migrate step. */
    char *(*predict)(const struct mc_migrate_input *in, const struct mc_migrate_options *o,
                     void *ud);
    void *predict_ud;
    const struct mc_migrate_input *input;
    char *prediction;                /* what predict said, for the summary */
    struct mc_migrate_result result; /* job statistics of the migration */
    bool migrated;
};

/* Print the plan for people (--dry-run), with the unified diff of the destination XML. */
void mc_migrate_print_plan(const struct mc_plan *p, FILE *f);
