/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the files of storage/ (not part of its API). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/source.h"

/* Sysfs attributes are small; anything larger is not what we asked for. */
#define MC_SYSFS_ATTR_MAX (64u * 1024)

/*
 * Read a one-line attribute through the source: NULL when absent, empty or
 * unreadable. The path is built from fmt.
 */
char *mc_storage_attr(struct mc_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The last component of a path (a pointer into it). */
const char *mc_path_basename(const char *path);

/*
 * Resolve symlinks of path through the source (at most 16 hops, relative
 * targets taken from the link's directory, "." and ".." folded). Returns a
 * newly allocated path; path itself when it is not a link.
 */
char *mc_storage_resolve(struct mc_source *src, const char *path);

/* The transport of a block device from its sysfs device path (readlink of /sys/class/block/X). */
const char *mc_blockdev_transport_from_path(const char *devpath);

/* A TCP connection to host:port within timeout_ms: 0, or -errno (ETIMEDOUT, ECONNREFUSED...). */
int mc_storage_tcp_check(const char *host, int port, int timeout_ms);
