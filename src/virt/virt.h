/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt: connection, host facts, a VM's facts; pure parsers of libvirt's XML. */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "checker/facts.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/source.h"

MC_DEFINE_CLEANUP_VOID(virConnectPtr, virConnectClose)
MC_DEFINE_CLEANUP_VOID(virDomainPtr, virDomainFree)
MC_DEFINE_CLEANUP_VOID(virStoragePoolPtr, virStoragePoolFree)
MC_DEFINE_CLEANUP_VOID(virNetworkPtr, virNetworkFree)

/* Largest libvirt XML document migcheck parses (libvirt's own RPC strings stop at 4 MiB). */
#define MC_VIRT_XML_MAX (16u << 20)
/* Largest qemu.conf read (libvirt's own limit is 10 MiB). */
#define MC_QEMU_CONF_MAX (10u << 20)

/* Silence libvirt's default error printing (once per process). */
void mc_virt_init(void);
/* Open a connection; the message carries libvirt's last error. */
int mc_virt_open(const char *uri, bool readonly, virConnectPtr *ret, struct mc_error *reterr);
/*
 * Copy libvirt's last error of this thread into an mc_error ("<what>: <libvirt's message>")
 * and reset it. code 0 derives the errno from libvirt's error code (mc_virt_last_errno()).
 */
int mc_virt_error(struct mc_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A negative errno for libvirt's last error of this thread (-ENOTSUP for VIR_ERR_NO_SUPPORT,
 * -ENOENT for a missing object, -EPERM for a read-only connection, ...); -EIO by default. */
int mc_virt_last_errno(void);
/* libvirt's last error code of this thread (VIR_ERR_*), VIR_ERR_OK when none. */
int mc_virt_last_code(void);

/*
 * Fill h->virt from a connection; src (may be NULL) is the host's files, for
 * qemu.conf. Failures are recorded as area "virt" or "virt/<what>" (caps,
 * domcaps, node, hugepages, pools, networks, domains, qemu-conf); a failure
 * in one part does not lose the others.
 */
void mc_virt_gather(virConnectPtr conn, struct mc_source *src, struct mc_host_facts *h);
/*
 * qemu.conf of the host behind src into h->virt.qemu_conf (defaults when it cannot be read,
 * recorded as "virt/qemu-conf"); replaces what an earlier call recorded.
 */
void mc_virt_gather_qemu_conf(struct mc_source *src, struct mc_host_facts *h);
/*
 * Fill h->vm with the facts of the domain named name (a UUID is accepted too).
 * Area "vm"; a missing domain is ENOENT.
 */
void mc_vm_gather(virConnectPtr conn, const char *name, struct mc_host_facts *h);
/* Add the facts of the domain named name (or UUID) to h's domains (mc_host_add_vm); a domain
 * already there is not added twice. -ENOENT (recorded, area "vm") when there is none. */
int mc_vm_gather_add(virConnectPtr conn, const char *name, struct mc_host_facts *h);
/* Add every domain of the host, running or not, in libvirt's order. Area "vm". */
void mc_vm_gather_all(virConnectPtr conn, struct mc_host_facts *h);

/*
 * Measure on the source's libvirt what a convergence prediction needs of the domain with this
 * UUID (checker/predict.h): memory, downtime and speed limits, vCPU time, and libvirt's
 * dirty-rate calculation for each window (seconds, one after the other). Sets f->probe;
 * failures are recorded in f.
 */
struct mc_predict_facts;
void mc_virt_predict_measure(virConnectPtr conn, const char *uuid, const int *windows,
                             size_t n_windows, struct mc_predict_facts *f);
/*
 * How long libvirt on this host takes to start a domain like vm's (its virt type, arch and
 * machine family; 16 MiB, no devices) paused, in microseconds, as it does for an incoming
 * migration; the domain ("migcheck-probe-<random>") is destroyed at once, and libvirt destroys
 * it itself should migcheck die (VIR_DOMAIN_START_AUTODESTROY). 0 when it cannot start one.
 * *ret_stop_us: how long the destroy took (0: it failed).
 */
int64_t mc_virt_start_probe_us(virConnectPtr conn, const struct mc_vm_facts *vm,
                               int64_t *ret_stop_us);
/* The migration bandwidth limit libvirt has for the domain with this UUID, MiB/s; 0: none or
 * not known. */
int64_t mc_virt_max_speed_mib(virConnectPtr conn, const char *uuid);
/* The quickest of three cheap libvirt calls, in microseconds (0 when they fail). */
int64_t mc_virt_rtt_us(virConnectPtr conn);

/* What the sh probe must collect for mc_virt_gather() on a remote host. */
extern mc_probe_spec mc_virt_probe_spec;
/*
 * Private persistent secrets of the system daemon have a value where their value file is in
 * its secrets directory (listed through src, never read): h->virt.secrets' value "unknown"
 * becomes "set". mc_virt_secret_value_spec is what src must hold.
 */
void mc_virt_secret_values_from(struct mc_source *src, struct mc_host_facts *h);
extern mc_probe_spec mc_virt_secret_value_spec;

/* ---- pure parsers (libxml2 through checker/xml-util.h: no DTD, no entities, size cap) ---- */

/*
 * A domain's XML (live, inactive or migratable) into new VM facts. what names
 * the document in messages ("domain XML of 'web1'"). vm->blockers are noun
 * phrases that start with the element (virtiofs, shmem, vdpa, dimm,
 * launchSecurity) and read as "the guest has <blocker>": "virtiofs filesystem
 * 'share'". Host devices, invtsc and transient disks are not blockers: the
 * facts carry them (hostdevs, cpu_features + tsc_frequency, disk->transient).
 */
int mc_domain_xml_parse(const char *xml, size_t len, const char *what, struct mc_vm_facts **ret,
                        struct mc_error *reterr);
/*
 * A capabilities document into the capability fields of v (host UUID, CPU,
 * host_cpu_xml, migration features, secmodels, guests, machines, page sizes
 * with the totals of the NUMA topology, TSC frequency, NUMA node count). On
 * success those fields are replaced; on failure v is unchanged.
 */
int mc_capabilities_xml_parse(const char *xml, size_t len, struct mc_virt_facts *v,
                              struct mc_error *reterr);
/*
 * The host-model CPU of a domain capabilities document, as a
 * <cpu mode='custom' match='exact'> element that virConnectCompareHypervisorCPU
 * and virConnectBaselineHypervisorCPU accept. -ENODATA when the document has
 * no supported host-model mode.
 */
int mc_domcaps_host_model_parse(const char *xml, size_t len, char **ret, struct mc_error *reterr);
/*
 * The TPM backends of a domain capabilities document (<devices><tpm supported='yes'>, its
 * backendModel values: libvirt lists 'emulator' only when it finds swtpm). ret_listed: the
 * document has a <tpm> element at all (older daemons say nothing about TPMs, which is
 * not "none"). *ret_models is NULL when none is supported.
 */
int mc_domcaps_tpm_parse(const char *xml, size_t len, bool *ret_listed, char ***ret_models,
                         struct mc_error *reterr);
/* A storage pool's XML (virStoragePoolGetXMLDesc). active/autostart/persistent stay false. */
int mc_pool_xml_parse(const char *xml, size_t len, struct mc_pool *ret, struct mc_error *reterr);
/* A network's XML (virNetworkGetXMLDesc). active/autostart/persistent stay false. */
int mc_network_xml_parse(const char *xml, size_t len, struct mc_vnet *ret, struct mc_error *reterr);
/* A storage login through a host's libvirt with the domain's own credentials (login-probe.c). */
enum mc_login_result {
    MC_LOGIN_OK,          /* logged in, and the disk's LUN is there */
    MC_LOGIN_NO_LUN,      /* logged in, but the LUN is not there */
    MC_LOGIN_REFUSED,     /* libvirt's login (same portal, initiator, credentials) failed */
    MC_LOGIN_UNREACHABLE, /* libvirt could not connect to the portal from that host */
    MC_LOGIN_CANNOT,      /* the probe could not run as QEMU would (no backend, no secret, ...) */
};
struct mc_login_probe {
    enum mc_login_result result;
    char *message;       /* libvirt's words */
    char *cleanup_error; /* the transient pool could not be destroyed */
};
/*
 * Log in to an iSCSI disk with CHAP <auth> from the host of conn (read-write), as initiator:
 * a transient iscsi-direct pool with the same portal, target and <auth>, destroyed at once.
 * token names the pool. Returns 0 with a result, -EINVAL when the disk lacks what it needs.
 */
int mc_virt_iscsi_login_probe(virConnectPtr conn, const struct mc_disk *d, const char *initiator,
                              const char *token, struct mc_login_probe *ret,
                              struct mc_error *reterr);
void mc_login_probe_clear(struct mc_login_probe *r);

/* A secret's XML (virSecretGetXMLDesc): uuid, usage, flags. The value stays NULL. */
int mc_secret_xml_parse(const char *xml, size_t len, struct mc_secret *ret,
                        struct mc_error *reterr);
void mc_pool_clear(struct mc_pool *p);
void mc_vnet_clear(struct mc_vnet *n);

/*
 * qemu.conf (libvirt's conf syntax: key = "string" | 'string' | """multi-line""" |
 * number | [ list ], '#' comments, ';' or newline between statements). Unknown keys
 * are ignored; as in libvirt the first setting of a key wins. Absent ports get
 * libvirt's defaults (49152-49215). ret->readable is set. -EBADMSG with the line on a
 * syntax error (libvirtd refuses such a file too).
 */
int mc_qemu_conf_parse(const char *buf, size_t len, struct mc_qemu_conf *ret,
                       struct mc_error *reterr);
/* libvirt's defaults, as used when qemu.conf cannot be read (readable = false). */
void mc_qemu_conf_defaults(struct mc_qemu_conf *ret);
void mc_qemu_conf_clear(struct mc_qemu_conf *c);

/* ---- CPU comparison on a destination ---- */

enum mc_cpu_compare_result {
    MC_CPU_COMPARE_ERROR = 0,    /* libvirt could not compare: message says why */
    MC_CPU_COMPARE_INCOMPATIBLE, /* missing_features lists what the host lacks, when known */
    MC_CPU_COMPARE_IDENTICAL,
    MC_CPU_COMPARE_SUPERSET,
    MC_CPU_COMPARE_NO_MODEL, /* host-passthrough (or no <cpu>): nothing to compare */
};

struct mc_cpu_compare {
    enum mc_cpu_compare_result result;
    int error;               /* MC_CPU_COMPARE_ERROR: negative errno of libvirt's error */
    char *message;           /* libvirt's message, or why there was nothing to compare */
    char **missing_features; /* INCOMPATIBLE: features the host does not provide */
};

/* "identical", "superset", "incompatible", "error", "no-model". */
const char *mc_cpu_compare_result_name(enum mc_cpu_compare_result r);
void mc_cpu_compare_clear(struct mc_cpu_compare *c);

/*
 * Ask the destination (dconn, read-write: libvirt refuses a read-only
 * connection) whether it can run the VM's CPU: virConnectCompareHypervisorCPU
 * with the VM's arch, machine and own virt type (kvm or qemu: they differ,
 * see LAB.md), VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE. Every answer of
 * libvirt, including its failure, is a result (ret->result ERROR with the
 * message); -EINVAL only for missing arguments.
 */
int mc_virt_compare_cpu(virConnectPtr dconn, const struct mc_vm_facts *vm,
                        struct mc_cpu_compare *ret, struct mc_error *reterr);
/*
 * The feature names in libvirt's "... Host CPU does not provide required
 * features: a, b" message; NULL when the message does not list any.
 */
char **mc_cpu_missing_features(const char *message);
