/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Relate, the pure half: match one host's facts against the other's. For
 * every file the VM opens, find the store that backs it on SRC (mount,
 * protocol, identity) and the paths where DST may see the same store. The
 * live half (canary files, stat and open on DST, network probes) runs in the
 * check verb and fills the probe fields of the same structs.
 */
#pragma once

#include "facts.h"
#include "pair.h"

/* Fill rel->paths (replacing any) from the VM and both hosts' facts. dst may be NULL. */
void mc_relate_paths(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                     const struct mc_vm_facts *vm, struct mc_pair_facts *rel);

/* Does relate follow this file of the domain to the destination (QEMU opens it there)? */
bool mc_relate_file_opened(const struct mc_vm_file *f);

/* The store that holds path on a host, from its mounts (kind, identity, mount). */
void mc_relate_store_for_path(const struct mc_host_facts *h, const char *path,
                              struct mc_store *ret);

/* Identity of a network disk: "nfs://host/export/file", "iscsi://host:3260/iqn/1". */
char *mc_relate_network_identity(const struct mc_disk *d);

/* Does a path live under a pool, and which? NULL when none. */
const struct mc_pool *mc_relate_pool_for_path(const struct mc_virt_facts *v, const char *path);

/* The directory part of a path ("/" for "/x"). */
char *mc_relate_dir_of(const char *path);

/* Is this address one of the host's own (net facts), by string compare? */
bool mc_host_has_address(const struct mc_host_facts *h, const char *addr);

/* Are the two QEMU builds the same direction-safe? Versions as major*1e6+minor*1e3+micro. */
const char *mc_version_string(int64_t v, char buf[static 32]);
