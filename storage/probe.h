/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live storage probes, run on a host by the check: can this host reach an NFS
 * export or an iSCSI LUN in userspace (libnfs, libiscsi: no kernel client),
 * and what does it see there (owner and mode of an image, the LUN's size and
 * WWN), so the two sides of a migration can be compared. No output.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* ---- NFS (libnfs 4.0) ---- */

enum mc_nfs_result {
    MC_NFS_OK = 0,       /* mounted, the path stats (and reads, for a regular file) */
    MC_NFS_UNREACHABLE,  /* no TCP connection to the server (see err) */
    MC_NFS_MOUNT_FAILED, /* the server refused the export (not exported to us, no such export) */
    MC_NFS_NOT_FOUND,    /* mounted, but the path does not exist */
    MC_NFS_ACCESS,       /* mounted, the path exists, opening or reading it failed (permissions) */
    MC_NFS_ERROR,
};
const char *mc_nfs_result_name(enum mc_nfs_result r); /* ok, unreachable, mount-failed, ... */

struct mc_nfs_probe_opts {
    int version;    /* 3 or 4 (0: 3, as QEMU's nfs driver speaks) */
    int timeout_ms; /* for the connection check and every NFS call (0: 5000) */
    int64_t uid;    /* credentials to present (-1: libnfs's default, the caller's) */
    int64_t gid;
    size_t read_bytes; /* bytes to read from a regular file (0: 512) */
    bool write;        /* open a regular file read-write, as QEMU opens a writable disk (the
                          server's ACCESS check answers; nothing is written) */
};

struct mc_nfs_probe_result {
    enum mc_nfs_result result;
    int err;                           /* positive errno of the failure */
    char *message;                     /* libnfs's words for a failure, or NULL */
    char *server, *export_path, *path; /* what was probed */
    bool exists;
    int64_t uid, gid, mode; /* of the path, as the server reports them */
    int64_t size;
    int64_t bytes_read; /* -1 when nothing was read */
};

/*
 * Mount export on server (NFSv3 or v4) and stat path (relative to the export,
 * "/" for the export itself); for a regular file read its first bytes.
 * Returns 0 with a result, -errno for bad arguments.
 */
int mc_nfs_probe(const char *server, const char *export_path, const char *path,
                 const struct mc_nfs_probe_opts *o, struct mc_nfs_probe_result *ret,
                 struct mc_error *reterr);
/*
 * The same for a URL as QEMU takes it for a network disk: nfs://server/dir/file
 * mounts /dir and opens /file (libnfs nfs_parse_url_full, like QEMU's block/nfs.c).
 */
int mc_nfs_probe_url(const char *url, const struct mc_nfs_probe_opts *o,
                     struct mc_nfs_probe_result *ret, struct mc_error *reterr);
void mc_nfs_probe_result_clear(struct mc_nfs_probe_result *r);

/* The server's export list (MOUNT protocol over the portmapper, i.e. NFSv3 servers). */
int mc_nfs_exports(const char *server, int timeout_ms, char ***ret, struct mc_error *reterr);

/* ---- iSCSI (libiscsi 1.19) ---- */

enum mc_iscsi_result {
    MC_ISCSI_OK = 0,        /* logged in, capacity and identification read */
    MC_ISCSI_UNREACHABLE,   /* no TCP connection to the portal */
    MC_ISCSI_LOGIN_REFUSED, /* the target refused the login: ACL, authentication, no such target */
    MC_ISCSI_NO_LUN,        /* logged in, but the LUN does not answer */
    MC_ISCSI_ERROR,
};
const char *mc_iscsi_result_name(enum mc_iscsi_result r); /* ok, unreachable, login-refused, ... */

struct mc_iscsi_probe_result {
    enum mc_iscsi_result result;
    int err;
    char *message; /* libiscsi's words for a failure */
    char *portal, *target, *initiator;
    int lun;
    int64_t block_size;
    int64_t size_bytes;
    char *vendor, *product;
    char *wwn;    /* VPD 0x83 logical unit designator as Linux names it: naa.<hex>, eui.<hex>,
                     t10.<text> (compare with the wwid of the block device on the other host) */
    char *serial; /* VPD 0x80 unit serial number */
};

/*
 * Log in to target on portal ("host", "host:port", "[v6]:port") as initiator,
 * read the capacity of lun (READ CAPACITY 16), its standard INQUIRY and VPD
 * pages 0x83 and 0x80, log out. Returns 0 with a result, -errno for bad arguments.
 */
int mc_iscsi_probe(const char *portal, const char *target, int lun, const char *initiator,
                   int timeout_ms, struct mc_iscsi_probe_result *ret, struct mc_error *reterr);
void mc_iscsi_probe_result_clear(struct mc_iscsi_probe_result *r);
