/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's memory as the source's QEMU holds it, sampled from outside the
 * guest (read-only, on the host that runs it): how many pages are not zero
 * (the first pass of a migration sends only those whole), and how many
 * distinct pages the guest changes in windows of several lengths (the
 * dirtying curve). The same idea as QEMU's page-sampling dirty-rate
 * calculation (hash sampled pages, hash them again later), with many more
 * pages and every lag of one series of snapshots instead of one window.
 *
 * Reads the QEMU process's memory with process_vm_readv (root). Never writes to it.
 */
#pragma once

#include <stdint.h>

#include "util/error.h"

#define MC_MEM_SAMPLE_MAX_LAGS 64

struct mc_mem_sample_opts {
    const char *uuid;   /* the domain's UUID: QEMU's command line has -uuid UUID */
    const char *name;   /* the domain's name (libvirt's pid file), or NULL */
    uint64_t ram_bytes; /* the guest RAM mapping has exactly this size */
    int duration_ms;    /* how long to watch */
    int interval_ms;    /* between snapshots */
    int samples;        /* pages to sample (at most the guest's pages) */
};

struct mc_mem_sample_result {
    int pid;
    uint64_t mapping_bytes;
    uint64_t rss_bytes; /* resident part of the mapping (smaps) */
    int n_samples;
    int nonzero; /* sampled pages with content (first snapshot) */
    int absent;  /* sampled pages not resident (read as zero) */
    int n_snapshots;
    int n_lags;
    double lag_seconds[MC_MEM_SAMPLE_MAX_LAGS]; /* mean window length of lag k+1 */
    double lag_changed[MC_MEM_SAMPLE_MAX_LAGS]; /* mean sampled pages changed in it */
    int lag_pairs[MC_MEM_SAMPLE_MAX_LAGS];      /* windows averaged */
    double scan_seconds;                        /* mean time of one snapshot */
};

/* -ENOENT: no QEMU with that UUID; -ENODATA: no mapping of that size; -EACCES: not allowed. */
int mc_mem_sample(const struct mc_mem_sample_opts *o, struct mc_mem_sample_result *ret,
                  struct mc_error *reterr);

/* The resident bytes of the guest RAM mapping of the domain's QEMU (and its pid). name (may be
 * NULL) is the domain's: libvirt's pid file is tried first. */
int mc_qemu_ram_rss(const char *uuid, const char *name, uint64_t ram_bytes, uint64_t *ret_rss,
                    int *ret_pid, struct mc_error *reterr);

/* The QEMU process of a domain (by -uuid on its command line; libvirt's pid file of the domain
 * named name first, when given): pid, or -ENOENT. */
int mc_qemu_pid_by_uuid(const char *uuid, const char *name);
