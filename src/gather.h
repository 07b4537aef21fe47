/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gathering one host's facts: the orchestration shared by `facts` and `check`. */
#pragma once

#include <stdbool.h>

#include "checker/facts.h"
#include "util/source.h"

struct mc_gather_opts {
    const char *uri;  /* libvirt URI; NULL: qemu:///system */
    const char *vm;   /* domain name, or NULL */
    char **vms;       /* more domain names (facts --vm repeated), or NULL */
    bool all_vms;     /* every domain of the host */
    const char *root; /* read host files from this directory instead of / */
    bool no_virt;     /* skip libvirt (a caller gathers it over its own connection) */
    const char *name; /* how the operator named the host; NULL: its hostname */
};

/* RFC 3339 UTC timestamp of now, newly allocated. */
char *mc_timestamp_now(void);

/* Gather this machine (or a recorded root) into a new facts struct. Never fails: every
 * failure is recorded in the facts. */
struct mc_host_facts *mc_gather_local(const struct mc_gather_opts *o);

/* Gather the non-libvirt areas (os, mounts, storage, net) from a source. netlink: use libnl
 * (only for this machine). */
void mc_gather_from_source(struct mc_source *src, struct mc_host_facts *h, bool netlink);
