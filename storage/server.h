/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a storage host serves: which NFS server runs there (nfs-ganesha or the kernel's, found
 * by their processes), the exports it is configured with (ganesha's configuration file and
 * its %include files, or /etc/exports and /etc/exports.d), and tgtd's iSCSI targets (tgtadm's
 * listing). Read through a source (util/source.h), so the same code reads this machine, a
 * fixture directory, or the sh probe's dump of a remote host; the parsers are pure and fuzzed
 * (the files come from a remote host: untrusted). The provisioning planner (provision.h)
 * decides from this what to create and what already exists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/names.h"
#include "util/error.h"
#include "util/source.h"

enum mc_nfs_server {
    MC_NFS_SERVER_UNKNOWN = 0,
    MC_NFS_SERVER_NONE,    /* "none": no NFS server runs */
    MC_NFS_SERVER_GANESHA, /* "ganesha": nfs-ganesha (ganesha.nfsd) */
    MC_NFS_SERVER_KERNEL,  /* "kernel": the kernel's nfsd (exportfs) */
    MC_NFS_SERVER_BOTH,    /* "both": both run (migcheck refuses to choose) */
    _MC_NFS_SERVER_MAX,
};
extern const struct mc_enum_names mc_nfs_server_names;

/* One client entry: a ganesha CLIENT block, or one host(options) of a kernel export. */
struct mc_nfs_client {
    char **clients; /* addresses, CIDR networks, host names, wildcards, @netgroups, "*" */
    char *access;   /* ganesha Access_Type (RW, RO, MDONLY, None); kernel: "rw" or "ro" */
    char *squash;   /* ganesha Squash; kernel: root_squash, no_root_squash, all_squash */
    char *options;  /* kernel: the whole option list */
};

struct mc_nfs_export {
    char *file;   /* the file it is configured in */
    char *marker; /* the migcheck block it is in ("# BEGIN migcheck MARKER"), or NULL */
    int64_t id;   /* ganesha Export_Id (0 for the kernel) */
    char *path;   /* the directory exported */
    char *pseudo; /* ganesha Pseudo path */
    char *access; /* ganesha export-level Access_Type */
    char *squash; /* ganesha export-level Squash */
    struct mc_nfs_client *clients;
    size_t n_clients;
};

struct mc_tgt_lun {
    int64_t lun;
    char *type;    /* disk, controller */
    char *path;    /* backing store path ("None" for the controller) */
    char *scsi_id; /* "IET     00320001" */
    char *serial;  /* "beaf501" */
    int64_t size_mb;
};

struct mc_tgt_target {
    int64_t tid;
    char *iqn;
    struct mc_tgt_lun *luns;
    size_t n_luns;
    char **acl; /* initiator addresses (or ALL) */
};

struct mc_storage_server {
    enum mc_nfs_server nfs;
    int64_t ganesha_pid;
    char *ganesha_conf; /* the configuration ganesha.nfsd was started with */
    char **files;       /* configuration files read (ganesha's with its includes) */
    struct mc_nfs_export *exports;
    size_t n_exports;
    int64_t tgtd_pid;   /* 0: tgtd does not run */
    bool targets_known; /* tgtadm answered */
    struct mc_tgt_target *targets;
    size_t n_targets;
    char **errors; /* what could not be read, for messages */
};

void mc_storage_server_clear(struct mc_storage_server *s);

/* ---- pure parsers (untrusted input; fuzzed) ---- */

/* nfs-ganesha configuration: EXPORT blocks (and the %include lines, in ret_includes). */
int mc_ganesha_conf_parse(const char *buf, size_t len, const char *file, struct mc_nfs_export **ret,
                          size_t *ret_n, char ***ret_includes, struct mc_error *reterr);
/* exports(5): /etc/exports and /etc/exports.d/ files. */
int mc_exports_parse(const char *buf, size_t len, const char *file, struct mc_nfs_export **ret,
                     size_t *ret_n, struct mc_error *reterr);
/* `tgtadm --lld iscsi --op show --mode target`. */
int mc_tgt_show_parse(const char *buf, size_t len, struct mc_tgt_target **ret, size_t *ret_n,
                      struct mc_error *reterr);
/* The -f argument of a ganesha.nfsd command line (NUL-separated), or its default. */
char *mc_ganesha_conf_of_cmdline(const char *buf, size_t len);

void mc_nfs_exports_free(struct mc_nfs_export *e, size_t n);
void mc_tgt_targets_free(struct mc_tgt_target *t, size_t n);

/* ---- questions the planner asks ---- */

enum mc_nfs_admit {
    MC_NFS_ADMIT_NO = 0,  /* the export does not let the address in (or only read-only) */
    MC_NFS_ADMIT_RW,      /* read-write */
    MC_NFS_ADMIT_UNKNOWN, /* a host name, wildcard or netgroup decides: cannot tell here */
};
/* Does export e give address addr (IPv4 or IPv6 literal) read-write access? */
enum mc_nfs_admit mc_nfs_export_admits(const struct mc_nfs_export *e, const char *addr);
/* Is addr in the client spec (address, CIDR network, "*")? -1 when the spec is a name. */
int mc_nfs_client_matches(const char *spec, const char *addr);

const struct mc_nfs_export *mc_storage_server_find_export(const struct mc_storage_server *s,
                                                          const char *path);
const struct mc_tgt_target *mc_storage_server_find_target(const struct mc_storage_server *s,
                                                          const char *iqn);
/* The lowest unused ganesha Export_Id >= floor; the lowest unused tid >= floor. */
int64_t mc_storage_server_free_export_id(const struct mc_storage_server *s, int64_t floor);
int64_t mc_storage_server_free_tid(const struct mc_storage_server *s, int64_t floor);

/* ---- gathering ---- */

/*
 * Gather in rounds: each round's probe spec depends on what the last one found (the ganesha
 * process, then its command line, then its configuration, then its includes). get() returns
 * a source that answers the spec (a remote host: the probe request; this machine: the file
 * system). Failures to read are recorded in ret->errors; -errno only when nothing could be
 * asked.
 */
typedef int (*mc_source_getter)(const char *const *spec, struct mc_source **ret, void *ud,
                                struct mc_error *reterr);
int mc_storage_server_gather(mc_source_getter get, void *ud, struct mc_storage_server *ret,
                             struct mc_error *reterr);
