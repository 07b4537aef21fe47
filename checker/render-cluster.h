/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renderers of `migcheck cluster`: text (terminal-width aware), JSON (schema
 * documented in migcheck(1), stable, no timestamps), JUnit (one test suite
 * per source host, one test case per domain and destination) and a
 * self-contained HTML page (no external assets) with the host matrix and the
 * reasons per domain. They print the judged cluster once; causes shown with
 * messages come from a cell judged again exactly as check judges it.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "cluster.h"

#define MC_CLUSTER_SCHEMA 1

struct mc_drain_placement {
    size_t vm;  /* index into c->vms */
    size_t dst; /* host */
};

struct mc_drain_stranded {
    size_t vm;
    char *reason; /* "no host accepts it", "no host has room: ..." */
};

struct mc_drain_plan {
    size_t host;
    struct mc_drain_placement *placed;
    size_t n_placed;
    struct mc_drain_stranded *stranded;
    size_t n_stranded;
    double cpu_ratio;
};
void mc_drain_plan_clear(struct mc_drain_plan *p);

struct mc_cluster_view {
    const struct mc_cluster *c;
    const struct mc_cluster_opts *o; /* to judge a cell again for its messages */
    const char *source;              /* "snapshots in DIR", "live hosts" */
    const char *only_vm;             /* --vm */
    const struct mc_drain_plan *drain;
    const struct mc_split *splits;
    size_t n_splits;
    int exit_code;
    bool color;
    bool quiet;
    bool verbose; /* text: warnings too */
    size_t width; /* text columns */
};

int mc_render_cluster_text(const struct mc_cluster_view *v, FILE *f);
int mc_render_cluster_json(const struct mc_cluster_view *v, FILE *f);
int mc_render_cluster_junit(const struct mc_cluster_view *v, FILE *f);
int mc_render_cluster_html(const struct mc_cluster_view *v, FILE *f);

/* The destinations of every domain added up by verdict, and the migratable ones without a
 * warning (*ret_clean): the summary's figures. */
void mc_cluster_totals(const struct mc_cluster *c, size_t total[_MC_CELL_MAX], size_t *ret_clean);

/*
 * The causes of a group of a domain's destinations with check's messages for one host of the
 * group (*ret_dst): those of the group's situation when it was judged on this domain, else the
 * first host of the group judged again into tmp (clear it with mc_cluster_result_clear).
 */
const struct mc_cluster_result *mc_cluster_group_causes(const struct mc_cluster_view *v, size_t vm,
                                                        size_t group, struct mc_cluster_result *tmp,
                                                        size_t *ret_dst);
/*
 * The report of the first host of a group, judged again as check judges it (all findings).
 */
void mc_cluster_group_report(const struct mc_cluster_view *v, size_t vm, size_t group,
                             struct mc_report *ret, size_t *ret_dst);
