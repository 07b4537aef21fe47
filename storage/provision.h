/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The provisioning planner: facts of the source, the destination and a storage host, what the
 * storage host serves (server.h) and the VM's disks -> the steps that make the VM's storage
 * shared (checker/plan.h). Pure: no I/O, so the same facts always give the same plan, and
 * `migcheck migrate --fix --storage` puts the same steps in front of its own.
 *
 * What it plans, per VM (every name carries the VM's UUID, every image the run id, so that
 * runs and VMs never share a file, an export or a target, and an undo removes only its own):
 *
 *   storage host: DIR (when missing) and DIR/<vm>-<uuid8>/ owned for QEMU's user;
 *     NFS:   an image per moved disk in that directory, and an export of the directory to
 *            exactly SRC's and DST's addresses (nfs-ganesha: an EXPORT block in its
 *            configuration + reload; kernel: /etc/exports.d/migcheck-<vm>.exports +
 *            exportfs -ra), squashing as QEMU's user on both hosts needs;
 *     iSCSI: a tgtd target iqn...:<vm>-<run> whose ACL admits exactly SRC and DST, a LUN per
 *            moved disk backed by a raw file in that directory;
 *   verification from DST (and SRC) before any data moves: the export mounts and the image
 *     opens read-write as QEMU's user (libnfs); the target logs in and the LUN shows the same
 *     WWN to both;
 *   --attach pool: a libvirt pool on SRC and DST, persistent and autostarted: netfs mounted
 *     at the same path on both, or iscsi-direct; --attach network: QEMU's own NFS or iSCSI
 *     client (<disk type='network'>), no mount on the hypervisors;
 *   the data: a running VM's disk is mirrored live (virDomainBlockCopy) and pivoted, so the
 *     guest never stops; a shut-off VM's disk is copied with qemu-img and its definition
 *     rewritten. A backing chain is flattened (--flatten) or carried: each layer copied and
 *     pointed at its copied base.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/facts.h"
#include "checker/names.h"
#include "checker/plan.h"
#include "server.h"
#include "util/error.h"

enum mc_prov_protocol {
    MC_PROV_NFS = 0,
    MC_PROV_ISCSI,
    _MC_PROV_PROTOCOL_MAX,
};
extern const struct mc_enum_names mc_prov_protocol_names; /* nfs, iscsi */

enum mc_prov_attach {
    MC_PROV_POOL = 0,
    MC_PROV_NETWORK,
    _MC_PROV_ATTACH_MAX,
};
extern const struct mc_enum_names mc_prov_attach_names; /* pool, network */

/* One image of a disk's chain (qemu-img info on SRC): [0] is the disk's own image. */
struct mc_prov_layer {
    char *path;
    char *format;         /* raw, qcow2 */
    int64_t virtual_size; /* bytes */
    int64_t file_size;    /* bytes of the file itself (a layer carried byte for byte) */
    char *backing;        /* as written in the image (relative or absolute), or NULL */
};

struct mc_prov_disk {
    char *target; /* vda */
    struct mc_prov_layer *chain;
    size_t n_chain;
};

struct mc_provision_opts {
    enum mc_prov_protocol protocol;
    enum mc_prov_attach attach;
    const char *storage;    /* the storage host's name as SRC and DST reach it */
    const char *dir;        /* NULL: <the storage host's libvirt images path>/migcheck */
    bool flatten;           /* flatten backing chains (else carry them) */
    bool accept_same_host;  /* storage on SRC or DST itself (--accept storage.separate-host) */
    const char *run_id;     /* names images and targets */
    const char *iqn_prefix; /* NULL: iqn.2026-12.org.migcheck */
};

struct mc_provision_input {
    const struct mc_host_facts *src; /* with ->vm */
    const struct mc_host_facts *dst;
    const struct mc_host_facts *storage; /* may lack virt facts (no libvirt there) */
    const char *src_name, *dst_name, *storage_label;
    const struct mc_storage_server *server;
    const char *storage_addr;         /* the storage host's address as SRC and DST resolve it */
    const struct mc_prov_disk *disks; /* the chains of the disks the planner may move */
    size_t n_disks;
    /* What exists already (stat on the hosts): -1 unknown, 0 absent, 1 a directory, 2 other */
    int dir_state, vm_dir_state, src_mount_state, dst_mount_state;
};

struct mc_provision_result {
    char *dir;       /* DIR */
    char *vm_dir;    /* DIR/<vm>-<uuid8> */
    char *export_id; /* ganesha Export_Id, when one is made */
    char *iqn;       /* the target, when one is made */
    char *pool;      /* the pools' name (--attach pool) */
    char **moved;    /* "vda /var/lib/libvirt/images/web1.qcow2 -> nfs://storage/..." */
    char **kept;     /* disks left where they are, and why */
    char **warnings; /* storage on SRC or DST accepted, ... */
    char *dest_xml;  /* the domain XML with the moved disks' new sources (for migrate) */
};
void mc_provision_result_clear(struct mc_provision_result *r);

/*
 * Append the provisioning steps to plan p (its domain, uuid and run id are read). A VM whose
 * disks are all on shared storage already gets no step (ret->kept says why). -EINVAL with a
 * message for what cannot be provisioned (storage on SRC without --accept, no NFS server or
 * both, no tgtd, an unknown QEMU user, an existing export of the directory that does not admit
 * both hosts, a backing chain on iSCSI without --flatten, ...).
 */
int mc_provision_plan(const struct mc_provision_opts *o, const struct mc_provision_input *in,
                      struct mc_plan *p, struct mc_provision_result *ret, struct mc_error *reterr);

/* The storage directory DIR (o->dir, or the default), and the VM's directory in it. */
char *mc_provision_dir(const struct mc_provision_opts *o, const struct mc_host_facts *storage);
char *mc_provision_vm_dir(const char *dir, const struct mc_vm_facts *vm);

/* The addresses of host h that the storage host will see (those on the storage address's
 * subnet, else every global one). Caller frees. */
char **mc_provision_client_addrs(const struct mc_host_facts *h, const char *storage_addr);

/* "web 1/x" -> "web_1_x": letters, digits, '.', '_' and '-' only, never empty or dot-led. */
char *mc_provision_safe_name(const char *name);

/* `qemu-img info --output=json --backing-chain` -> the chain, top first (untrusted; fuzzed). */
int mc_qemu_img_info_parse(const char *buf, size_t len, struct mc_prov_layer **ret, size_t *ret_n,
                           struct mc_error *reterr);
void mc_prov_layers_free(struct mc_prov_layer *l, size_t n);

/* Edit a domain XML document's disk `target`: its type, source and driver format become those
 * of the <disk> snippet new_disk; <backingStore> goes. -ENOENT when there is no such disk. */
int mc_provision_edit_disk(const char *domain_xml, const char *target, const char *new_disk,
                           char **ret, struct mc_error *reterr);
