/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pair facts: what only the two hosts together can tell, computed by the
 * relate phase of `check`. Some come from live probes (the destination's
 * verdict on the guest CPU, canary files, a temporary listener, name
 * resolution on the source); the rest is pure matching of one host's facts
 * against the other's (checker/relate.c). Like host facts they are plain
 * structs with a descriptor table, so they can be saved and read back
 * (`check --save-facts DIR`, `--pair-facts FILE`) and golden tests can run
 * live-only rules from recordings.
 *
 * Probe outcomes, evidence kinds and results are enums with name tables
 * (the snapshot keeps the names), never booleans: a probe that did not run
 * (MC_PROBE_NOT_RUN, 0, absent from the snapshot) is different from one that
 * failed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "facts.h"
#include "names.h"
#include "util/error.h"

/* Outcome of a live probe. 0 = the probe did not run (absent from snapshots). */
enum mc_probe {
    MC_PROBE_NOT_RUN = 0,
    MC_PROBE_OK,          /* "ok": ran, and the answer is in the other fields */
    MC_PROBE_FAILED,      /* "failed": ran, and the tested thing does not hold */
    MC_PROBE_UNSUPPORTED, /* "unsupported": needs migcheck on the host (sh agent only) */
    MC_PROBE_ERROR,       /* "error": could not run: the detail says why */
    _MC_PROBE_MAX,
};
extern const struct mc_enum_names mc_probe_names;

/* How migcheck knows DST reaches the same store as SRC. 0 = not decided. */
enum mc_evidence {
    MC_EVIDENCE_UNSET = 0,
    MC_EVIDENCE_NONE,     /* "none": no evidence either way */
    MC_EVIDENCE_IDENTITY, /* "identity": same NFS server:export, WWN, lock table, ... */
    MC_EVIDENCE_CANARY,   /* "canary": a file written on SRC was read on DST */
    MC_EVIDENCE_NETWORK,  /* "network": a network disk: DST reached the server itself */
    MC_EVIDENCE_ABSENT,   /* "absent": proven not reachable: missing on DST, canary not seen */
    MC_EVIDENCE_REFUSED,  /* "refused": the server refused DST (export ACL, iSCSI ACL) */
    _MC_EVIDENCE_MAX,
};
extern const struct mc_enum_names mc_evidence_names;

/* Is the evidence proof that DST reaches the very same store? */
static inline bool mc_evidence_proves_shared(enum mc_evidence e)
{
    return e == MC_EVIDENCE_IDENTITY || e == MC_EVIDENCE_CANARY || e == MC_EVIDENCE_NETWORK;
}

/* The destination's answer to the guest CPU (virConnectCompareHypervisorCPU). */
enum mc_cpu_result {
    MC_CPU_RESULT_UNSET = 0,
    MC_CPU_RESULT_IDENTICAL,    /* "identical" */
    MC_CPU_RESULT_SUPERSET,     /* "superset" */
    MC_CPU_RESULT_INCOMPATIBLE, /* "incompatible" */
    MC_CPU_RESULT_NO_MODEL,     /* "no-model": host-passthrough or no <cpu>: nothing compared */
    _MC_CPU_RESULT_MAX,
};
extern const struct mc_enum_names mc_cpu_result_names;

/* What a TCP connection from SRC met. */
enum mc_port_result {
    MC_PORT_UNSET = 0,
    MC_PORT_OPEN,         /* "open": the handshake completed */
    MC_PORT_REFUSED,      /* "refused": RST (nothing listens, or a REJECT rule) */
    MC_PORT_TIMEOUT,      /* "timeout": no answer (a DROP rule or a dead host) */
    MC_PORT_UNREACHABLE,  /* "unreachable": no route, ICMP unreachable */
    MC_PORT_ERROR,        /* "error": anything else */
    MC_PORT_UNRESOLVABLE, /* "unresolvable": SRC cannot resolve the name it connects to */
    _MC_PORT_MAX,
};
extern const struct mc_enum_names mc_port_result_names;

static inline const char *mc_probe_name(enum mc_probe v)
{
    return mc_enum_name(&mc_probe_names, (int)v);
}
static inline const char *mc_evidence_name(enum mc_evidence v)
{
    return mc_enum_name(&mc_evidence_names, (int)v);
}
static inline const char *mc_cpu_result_name(enum mc_cpu_result v)
{
    return mc_enum_name(&mc_cpu_result_names, (int)v);
}
static inline const char *mc_port_result_name(enum mc_port_result v)
{
    return mc_enum_name(&mc_port_result_names, (int)v);
}

struct mc_pair_cpu {
    enum mc_probe probe;
    enum mc_cpu_result result;
    char *message;      /* libvirt's message for incompatible */
    char **missing;     /* features the destination lacks */
    char **missing_src; /* features the source lacks too (the guest runs without them) */
    char *detail;       /* why it did not run */
};

/* The backing store of a file on one host. */
struct mc_store {
    char *kind;     /* nfs, cifs, gfs2, ocfs2, ceph, glusterfs, local, block, network, ... */
    char *identity; /* kind:server:/export, iscsi:IQN/LUN, wwn:..., gfs2:cluster:fs, local:dev */
    char *mount_target;
    char *mount_root;
    char *fstype;
    char *server; /* storage server for network stores (name or address) */
    bool shared_fs;
    bool cluster_fs;
};

/* One file (or network volume) the VM opens, and how DST sees it. */
struct mc_vm_path {
    char *subject;  /* "disk vda", "cdrom hdc", "disk vda backing 1", "nvram", "kernel" */
    char *role;     /* disk, cdrom, floppy, lun, backing, loader, nvram, kernel, initrd, dtb, ... */
    char *target;   /* vda */
    char *src_path; /* path on SRC; for network disks protocol://host/name */
    char *disk_type; /* file, block, network, volume, dir */
    char *protocol;  /* network disks */
    bool readonly;
    bool shareable;
    char *cache;
    struct mc_store src_store;
    struct mc_store dst_store; /* the store holding dst_path on DST, when known */
    char *dst_path;            /* where DST sees the same file; NULL when nowhere */
    char **candidates;         /* DST paths that were considered */
    enum mc_evidence evidence;
    char *evidence_detail;      /* "canary .migcheck-canary-xyz written on kvm1, read on kvm2" */
    enum mc_probe exists_probe; /* the stat of dst_path (or src_path) on DST */
    char *exists_detail;
    enum mc_probe open_probe; /* can the qemu user open it on DST */
    char *open_detail;
    int64_t dst_size;
    int64_t src_size;
};

/*
 * A path the VM's QEMU or libvirt creates on DST, or that must already exist there (the
 * vm->files with an action other than open): the relate phase fills what the facts say, the
 * live probes stat it (or its directory) on DST and try to create a file there as the creator.
 */
struct mc_host_path {
    char *subject; /* "serial 0", "graphics vnc" */
    char *role;    /* chardev-file, chardev-log, chardev-socket, graphics-socket, ... */
    char *action;  /* create, bind, mkdir (with its parents), connect, device, exec, dir */
    char *creator; /* create/bind: root (virtlogd, libvirt) or the QEMU user's name */
    int64_t uid;   /* create/bind: the creator's ids on DST (-1 when unknown) */
    int64_t gid;
    char *path;          /* as the domain XML says */
    char *dir;           /* create/bind: the directory that must exist on DST */
    enum mc_probe probe; /* the stat on DST (of dir for create/bind, else of path) */
    char *type;          /* what the stat found: file, dir, block, char, other */
    char *detail;
    char *probe_error;        /* a failed stat's errno name (ENOENT, ENOTDIR, ...) */
    enum mc_probe file_probe; /* create/bind: the stat of path itself on DST */
    char *file_type;          /* what that stat found */
    /* That file's size in bytes, when the stat's answer gave one (an answer without it, or
     * facts from before, leave file_size_known false: not known, never 0). */
    bool file_size_known;
    int64_t file_size;
    int64_t size;               /* shmem: the size QEMU maps the file with (bytes; 0 when none) */
    enum mc_probe create_probe; /* the creator can make the file: a test file created and
                                   removed in dir, or the existing file opened for writing */
    char *create_detail;
    /* mkdir (memory_backing_dir): the free space of dir's file system on DST (statvfs, or df -P
     * -k from the sh agent); the sizes are meaningful only when space_probe is ok. */
    enum mc_probe space_probe;
    int64_t space_total_kib;
    int64_t space_avail_kib; /* available to unprivileged users (f_bavail) */
    char *space_detail;
    /* connect (a vhost-user backend's socket, mc_host_path_connect_tested): a client connection
     * made on DST and closed at once, as QEMU's chardev client connects when it starts:
     * ok when it connected, failed with the errno (ECONNREFUSED: nothing listens, a stale
     * socket), error/unsupported when not tried (the sh agent without QEMU or nc). */
    enum mc_probe connect_probe;
    char *connect_error;
    char *connect_detail;
};

/* Whether the live probes connect to this host path's socket on DST: the vhost-user backends
 * QEMU connects to when it starts (a vhost-user-blk disk's, a mode='client' interface's), which
 * serve the next client after a probe's connection. Other servers are only stat'ed: a probe
 * connection is not harmless to all of them (swtpm started with --terminate ends, an ivshmem
 * server tells its peers, a one-shot server is used up). */
static inline bool mc_host_path_connect_tested(const struct mc_host_path *hp)
{
    return hp->action && hp->role && strcmp(hp->action, "connect") == 0 &&
           (strcmp(hp->role, "vhostuser-connect") == 0 || strcmp(hp->role, "vhostuser-blk") == 0);
}

struct mc_port_probe {
    enum mc_probe probe;
    char *host;    /* what SRC connected to (DST's migration host name) */
    char *address; /* the address it resolved to on SRC */
    int64_t port;
    enum mc_port_result result;
    char *detail;
};

struct mc_name_probe {
    enum mc_probe probe;
    char *name;       /* DST's host name as its libvirt reports it (or migration_host) */
    char **addresses; /* what it resolves to on SRC */
    char *detail;
};

/* check --predict: the measurements behind a convergence prediction (checker/predict.h). */
/* Where a dirtying window was measured. */
#define MC_DIRTY_SAMPLED "sampled" /* migcheck's agent hashed guest pages on SRC */
#define MC_DIRTY_LIBVIRT "libvirt" /* libvirt's dirty-rate calculation (QEMU page sampling) */

/* Where the non-zero memory estimate comes from. */
#define MC_NONZERO_SAMPLED "sampled" /* share of sampled pages that are not zero */
#define MC_NONZERO_RSS     "rss"     /* resident part of QEMU's guest RAM mapping */
#define MC_NONZERO_MEMORY  "memory"  /* nothing better: all of the guest's memory */

struct mc_dirty_window {
    char *source;          /* MC_DIRTY_* */
    int64_t window_us;     /* window length */
    int64_t bytes;         /* distinct bytes dirtied in it */
    int64_t samples;       /* pages sampled (0: not known) */
    int64_t changed_milli; /* mean sampled pages that changed, x 1000 */
    int64_t windows;       /* windows averaged */
};

struct mc_predict_facts {
    enum mc_probe probe; /* the measurement on SRC */
    char *detail;
    int64_t measure_ms; /* how long it watched the guest */
    int64_t ram_bytes;  /* guest RAM QEMU migrates */
    int64_t nonzero_bytes;
    char *nonzero_source;  /* MC_NONZERO_* */
    int64_t rss_bytes;     /* resident part of the guest RAM mapping, when read */
    char *sampling_detail; /* why migcheck's own sampling did not run */
    char *libvirt_detail;  /* why libvirt's dirty-rate calculation did not run */
    struct mc_dirty_window *dirty;
    size_t n_dirty;
    int64_t vcpus;
    int64_t vcpu_time_ns;      /* vCPU time the guest used while watched (all vCPUs) */
    int64_t elapsed_ns;        /* wall time of that; 0: not measured */
    int64_t downtime_limit_ms; /* QEMU's downtime limit for this domain (libvirt) */
    int64_t max_speed_mib;     /* the domain's migration bandwidth limit; 0: none */
    int64_t src_rtt_us;        /* one libvirt call to SRC, from where migcheck runs */
    int64_t dst_rtt_us;
    int64_t dst_start_us; /* libvirt on DST started a small paused domain (median of the starts) */
    int64_t dst_stop_us;  /* ... and destroyed it (median) */
    int64_t dst_starts;   /* how many starts (0 or 1: one) */
    /* The bandwidth probe SRC -> DST on the migration path. */
    enum mc_probe bandwidth_probe;
    char *bandwidth_detail;
    char *bandwidth_path; /* "lab-b:49153 (169.254.42.12)" */
    int64_t bandwidth_bps;
    int64_t bandwidth_min_bps; /* slowest slice of the probe */
    int64_t bandwidth_max_bps;
    int64_t bandwidth_bytes;
    int64_t bandwidth_us;
};

struct mc_pair_facts {
    bool live;       /* live probes ran (not offline, not --no-probe) */
    char *src_agent; /* how SRC was reached: local, migcheck 0.1.0, sh, snapshot */
    char *dst_agent;
    struct mc_pair_cpu cpu;
    struct mc_pair_cpu cpu_src; /* the guest CPU compared on SRC (quirk filter) */
    struct mc_vm_path *paths;
    size_t n_paths;
    struct mc_host_path *host_paths;
    size_t n_host_paths;
    struct mc_port_probe migration_port;
    struct mc_port_probe libvirtd_port; /* only for tcp/tls transports and peer-to-peer */
    struct mc_name_probe dst_name;
    struct mc_predict_facts predict; /* check --predict: the measurements */
    struct mc_fact_error *errors;    /* probes that could not run */
    size_t n_errors;
};

struct mc_pair_facts *mc_pair_facts_new(void);
void mc_pair_facts_free(struct mc_pair_facts *p);
static inline void mc_pair_facts_freep(struct mc_pair_facts **p)
{
    mc_pair_facts_free(*p);
}
void mc_pair_add_error(struct mc_pair_facts *p, const char *area, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Snapshot of the pair facts: <migcheck-pair version="1">. */
int mc_pair_to_xml(const struct mc_pair_facts *p, char **ret, size_t *ret_len);
int mc_pair_load(const char *path, struct mc_pair_facts **ret, struct mc_error *reterr);
int mc_pair_from_xml(const char *buf, size_t len, const char *what, struct mc_pair_facts **ret,
                     struct mc_error *reterr);
