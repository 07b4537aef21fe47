/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounts (libmount) and storage transports (FC, iSCSI, SRP, GFS2, block devices). */
#pragma once

#include "checker/facts.h"
#include "util/error.h"
#include "util/source.h"

/* Fill h->mounts from /proc/self/mountinfo; failures recorded as area "mounts". */
void mc_mounts_gather(struct mc_source *src, struct mc_host_facts *h);
/* Fill h->storage; block devices only for those h->vm uses (when set). Area "storage". */
void mc_storage_gather(struct mc_source *src, struct mc_host_facts *h);
/* Pure: mountinfo text -> mounts (via libmount). */
int mc_mountinfo_parse(const char *buf, size_t len, struct mc_mount **ret, size_t *ret_n,
                       struct mc_error *reterr);
/*
 * Describe the block device behind path (a /dev path, symlinks resolved
 * through the source) in h->storage.blockdevs, with the slaves of dm/md
 * devices. -ENODEV when path is no block device the source knows.
 */
int mc_storage_blockdev_lookup(struct mc_source *src, const char *path, struct mc_host_facts *h);
/* Pure: the contents of /etc/iscsi/initiatorname.iscsi -> the IQN, NULL when absent. */
char *mc_iscsi_initiatorname_parse(const char *buf, size_t len);
extern mc_probe_spec mc_mounts_probe_spec;
extern mc_probe_spec mc_storage_probe_spec;
