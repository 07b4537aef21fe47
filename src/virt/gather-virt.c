/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host and VM facts through a libvirt connection. Every part is gathered on
 * its own: a failure is recorded in the facts (area "virt/<part>" or "vm")
 * and the next part runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt-xml.h"
#include "virt.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"
/* Where libvirt's secret driver (system instance) keeps each persistent secret's value, as
 * UUID.base64 (secret_driver.c, virSecretObjSaveData). */
#define SECRETS_DIR "/etc/libvirt/secrets"
/* NUMA cells asked for free huge pages (libvirt's own limit is 1024 nodes). */
#define MAX_CELLS 4096

/* libvirt's own TLS certificate directories (/etc/pki/libvirt-vnc, ...) win over the default
 * one where they exist (qemu_conf.c, SET_TLS_X509_CERT_DEFAULT). */
#define PKI_DIR         "/etc/pki"
#define TLS_DEFAULT_DIR "/etc/pki/qemu"

const char *const mc_virt_probe_spec[] = { "T " QEMU_CONF, "D " PKI_DIR, NULL };
const char *const mc_virt_secret_value_spec[] = { "S " SECRETS_DIR, NULL };

static void add_virt_error(struct mc_host_facts *h, const char *area, const char *fmt, ...)
    _printf_(3, 4);
static void add_virt_error(struct mc_host_facts *h, const char *area, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *what = mc_xvasprintf(fmt, ap);
    va_end(ap);
    int err = mc_virt_last_errno();
    const char *msg = virGetLastErrorMessage();
    mc_facts_add_error(h, area, -err, "%s: %s", what, msg ? msg : "unknown libvirt error");
    virResetLastError();
}

/* ---- state names (virsh's words, one token each) ---- */

static const char *const state_names[] = {
    [VIR_DOMAIN_NOSTATE] = "nostate",   [VIR_DOMAIN_RUNNING] = "running",
    [VIR_DOMAIN_BLOCKED] = "blocked",   [VIR_DOMAIN_PAUSED] = "paused",
    [VIR_DOMAIN_SHUTDOWN] = "shutdown", [VIR_DOMAIN_SHUTOFF] = "shutoff",
    [VIR_DOMAIN_CRASHED] = "crashed",   [VIR_DOMAIN_PMSUSPENDED] = "pmsuspended",
};

static const char *const running_reasons[] = {
    "unknown",       "booted",   "migrated",           "restored",
    "from-snapshot", "unpaused", "migration-canceled", "save-canceled",
    "event-wakeup",  "crashed",  "post-copy",          "post-copy-failed",
};
static const char *const paused_reasons[] = {
    "unknown",  "user",        "migrating",     "saving",           "dumping",
    "io-error", "watchdog",    "from-snapshot", "shutting-down",    "creating-snapshot",
    "crashed",  "starting-up", "post-copy",     "post-copy-failed", "api-error",
};
static const char *const shutdown_reasons[] = { "unknown", "user" };
static const char *const shutoff_reasons[] = {
    "unknown", "shutdown", "destroyed",     "crashed", "migrated",
    "saved",   "failed",   "from-snapshot", "daemon",
};
static const char *const crashed_reasons[] = { "unknown", "panicked" };

static const char *state_name(int state)
{
    if (state >= 0 && (size_t)state < ARRAY_SIZE(state_names) && state_names[state])
        return state_names[state];
    return "unknown";
}

static const char *reason_name(int state, int reason)
{
    const char *const *t = NULL;
    size_t n = 0;
#define USE(a)                                                                                     \
    do {                                                                                           \
        t = a;                                                                                     \
        n = ARRAY_SIZE(a);                                                                         \
    } while (0)
    switch (state) {
    case VIR_DOMAIN_RUNNING:
        USE(running_reasons);
        break;
    case VIR_DOMAIN_PAUSED:
        USE(paused_reasons);
        break;
    case VIR_DOMAIN_SHUTDOWN:
        USE(shutdown_reasons);
        break;
    case VIR_DOMAIN_SHUTOFF:
        USE(shutoff_reasons);
        break;
    case VIR_DOMAIN_CRASHED:
        USE(crashed_reasons);
        break;
    default:
        break;
    }
#undef USE
    if (t && reason >= 0 && (size_t)reason < n)
        return t[reason];
    return "unknown";
}

static const char *const job_types[] = {
    [VIR_DOMAIN_JOB_NONE] = "none",           [VIR_DOMAIN_JOB_BOUNDED] = "bounded",
    [VIR_DOMAIN_JOB_UNBOUNDED] = "unbounded", [VIR_DOMAIN_JOB_COMPLETED] = "completed",
    [VIR_DOMAIN_JOB_FAILED] = "failed",       [VIR_DOMAIN_JOB_CANCELLED] = "cancelled",
};

/* virDomainJobOperation (libvirt 3.3.0) */
static const char *const job_operations[] = {
    "unknown",  "start",           "save", "restore", "migration-in",    "migration-out",
    "snapshot", "snapshot-revert", "dump", "backup",  "snapshot-delete",
};

/* ---- host ---- */

static void gather_versions(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    char *uri = virConnectGetURI(conn);
    if (uri)
        v->uri = uri;
    else
        add_virt_error(h, "virt", "cannot get the connection URI");
    char *hostname = virConnectGetHostname(conn);
    if (hostname)
        v->hostname = hostname;
    else
        add_virt_error(h, "virt", "cannot get the hostname libvirt reports");
    const char *type = virConnectGetType(conn);
    if (type)
        v->hv_type = mc_xstrdup(type);
    else
        add_virt_error(h, "virt", "cannot get the hypervisor type");
    unsigned long ver = 0;
    if (virConnectGetVersion(conn, &ver) == 0)
        v->hv_version = (int64_t)ver;
    else
        add_virt_error(h, "virt", "cannot get the hypervisor version");
    ver = 0;
    if (virConnectGetLibVersion(conn, &ver) == 0)
        v->libvirt_version = (int64_t)ver;
    else
        add_virt_error(h, "virt", "cannot get the libvirt version of the daemon");
}

/* Returns the capabilities XML (for gather_hugepages), or NULL. */
static char *gather_caps(virConnectPtr conn, struct mc_host_facts *h)
{
    char *caps = virConnectGetCapabilities(conn);
    if (!caps) {
        add_virt_error(h, "virt/caps", "cannot get the capabilities");
        return NULL;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_capabilities_xml_parse(caps, strlen(caps), &h->virt, &err) < 0)
        mc_facts_add_error(h, "virt/caps", err.code, "%s", err.message);
    return caps;
}

/* The ids of the NUMA cells of a capabilities document (they need not be 0..n-1); ids has
 * room for MAX_CELLS. */
static size_t cell_ids(const char *caps, int *ids)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (!caps || mc_xml_parse(caps, strlen(caps), "capabilities XML", &doc, &err) < 0)
        return 0;
    xmlNodePtr topo = mc_xml_child(mc_xml_child(xmlDocGetRootElement(doc), "host"), "topology");
    size_t n = 0;
    for (xmlNodePtr c = mc_xml_first_elem(mc_xml_child(topo, "cells")); c && n < MAX_CELLS;
         c = mc_xml_next_elem(c)) {
        _cleanup_free_ char *id = mc_xml_prop(c, "id");
        int64_t v;
        if (mc_xml_is(c, "cell") && mc_parse_int64(id, false, &v) && v >= 0 && v <= INT32_MAX)
            ids[n++] = (int)v;
    }
    return n;
}

static void gather_node(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    virNodeInfo info;
    if (virNodeGetInfo(conn, &info) == 0) {
        v->memory_kib = (int64_t)info.memory;
        v->cpus = info.cpus;
        v->mhz = info.mhz;
        v->sockets = info.sockets;
        v->cores = info.cores;
        v->threads = info.threads;
        /* nodeinfo says 1 for odd topologies; the capabilities count the real cells. */
        if (!v->numa_nodes)
            v->numa_nodes = info.nodes;
    } else {
        add_virt_error(h, "virt/node", "cannot get the node information");
    }
    virResetLastError();
    unsigned long long free_bytes = virNodeGetFreeMemory(conn);
    if (free_bytes > 0)
        v->free_memory_kib = (int64_t)(free_bytes / 1024);
    else if (mc_virt_last_code() != VIR_ERR_OK)
        add_virt_error(h, "virt/node", "cannot get the free memory");
}

/*
 * Free huge pages per size. With NUMA cells in the capabilities, ask per cell
 * and size and sum (what `virsh freepages --all --pagesize N` shows);
 * otherwise ask for the whole host (startCell -1).
 */
static void gather_hugepages(virConnectPtr conn, const char *caps, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    if (v->n_hugepages == 0)
        return;
    _cleanup_free_ int *cells = mc_new0(int, MAX_CELLS);
    size_t ncells = cell_ids(caps, cells);
    if (ncells == 0) {
        cells[0] = -1;
        ncells = 1;
    }
    for (size_t i = 0; i < v->n_hugepages; i++) {
        struct mc_hugepages *hp = &v->hugepages[i];
        if (hp->size_kib <= 0 || hp->size_kib > UINT32_MAX)
            continue;
        unsigned size = (unsigned)hp->size_kib;
        int64_t sum = 0;
        for (size_t k = 0; k < ncells; k++) {
            unsigned long long count = 0;
            if (virNodeGetFreePages(conn, 1, &size, cells[k], 1, &count, 0) < 0) {
                if (mc_virt_last_code() == VIR_ERR_NO_SUPPORT)
                    virResetLastError();
                else
                    add_virt_error(h, "virt/hugepages",
                                   "cannot get the free %u KiB pages of NUMA cell %d", size,
                                   cells[k]);
                return;
            }
            sum = count > (unsigned long long)(INT64_MAX - sum) ? INT64_MAX : sum + (int64_t)count;
        }
        hp->free = sum;
    }
}

/* The virt type domain capabilities are asked for: kvm when the host's own arch offers it. */
static const char *best_virttype(const struct mc_virt_facts *v)
{
    const char *fallback = NULL;
    for (size_t i = 0; i < v->n_guests; i++) {
        const struct mc_guest_arch *g = &v->guests[i];
        if (!g->arch || !v->cpu_arch || strcmp(g->arch, v->cpu_arch) != 0)
            continue;
        if (mc_strv_contains(g->domain_types, "kvm"))
            return "kvm";
        if (mc_strv_contains(g->domain_types, "qemu"))
            fallback = "qemu";
        else if (!fallback && g->domain_types && g->domain_types[0])
            fallback = g->domain_types[0];
    }
    return fallback;
}

static void gather_domcaps(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    const char *virttype = best_virttype(v);
    if (!v->cpu_arch || !virttype)
        return; /* no capabilities: already recorded */
    _cleanup_free_ char *xml =
        virConnectGetDomainCapabilities(conn, NULL, v->cpu_arch, NULL, virttype, 0);
    if (!xml) {
        int code = mc_virt_last_code();
        /* The test driver and old daemons have no domain capabilities, and a read-only
         * connection may not ask for them: the host-model CPU is then simply unknown. */
        if (code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_OPERATION_DENIED)
            virResetLastError();
        else
            add_virt_error(h, "virt/domcaps", "cannot get the domain capabilities for %s/%s",
                           v->cpu_arch, virttype);
        return;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    bool tpm_listed = false;
    char **tpm_models = NULL;
    if (mc_domcaps_tpm_parse(xml, strlen(xml), &tpm_listed, &tpm_models, &err) < 0) {
        mc_facts_add_error(h, "virt/domcaps", err.code, "%s", err.message);
        return;
    }
    mc_strv_free(v->tpm_backend_models);
    v->tpm_backend_models = tpm_models;
    v->tpm_backends_listed = tpm_listed;
    char *cpu = NULL;
    int r = mc_domcaps_host_model_parse(xml, strlen(xml), &cpu, &err);
    if (r == -ENODATA)
        return; /* no usable host-model CPU (TCG-only hosts of some arches) */
    if (r < 0) {
        mc_facts_add_error(h, "virt/domcaps", err.code, "%s", err.message);
        return;
    }
    free(v->host_model_xml);
    v->host_model_xml = cpu;
}

static void free_pools(virStoragePoolPtr *pools, int n)
{
    for (int i = 0; pools && i < n; i++)
        virStoragePoolFree(pools[i]);
    free(pools);
}

static void gather_pools(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools(conn, &pools, 0);
    if (n < 0) {
        if (mc_virt_last_code() == VIR_ERR_NO_SUPPORT)
            add_virt_error(h, "virt/pools", "this libvirt has no storage driver");
        else
            add_virt_error(h, "virt/pools", "cannot list the storage pools");
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = virStoragePoolGetName(pools[i]);
        _cleanup_free_ char *xml = virStoragePoolGetXMLDesc(pools[i], 0);
        if (!xml) {
            add_virt_error(h, "virt/pools", "cannot get the XML of storage pool '%s'",
                           name ? name : "?");
            continue;
        }
        struct mc_pool p;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_pool_xml_parse(xml, strlen(xml), &p, &err) < 0) {
            mc_facts_add_error(h, "virt/pools", err.code, "storage pool '%s': %s",
                               name ? name : "?", err.message);
            continue;
        }
        int autostart = 0;
        p.active = virStoragePoolIsActive(pools[i]) == 1;
        p.persistent = virStoragePoolIsPersistent(pools[i]) == 1;
        p.autostart = virStoragePoolGetAutostart(pools[i], &autostart) == 0 && autostart;
        virResetLastError();
        *MC_APPEND(v->pools, v->n_pools) = p;
    }
    free_pools(pools, n);
}

static void free_secrets(virSecretPtr *secs, int n)
{
    for (int i = 0; secs && i < n; i++)
        virSecretFree(secs[i]);
    free(secs);
}

/*
 * Whether private persistent secrets have a value, from their value files in the system secret
 * driver's directory (listed through src, never read): a non-empty UUID.base64 there is the
 * value libvirt loads. Without the file (or the listing) the state stays unknown: the value
 * may live elsewhere (an ephemeral secret, a session daemon, another layout).
 */
void mc_virt_secret_values_from(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    if (!src || (v->uri && !strstr(v->uri, "/system")))
        return;
    struct mc_dirent *files = NULL;
    size_t n_files = 0;
    if (mc_source_list(src, SECRETS_DIR, &files, &n_files) < 0)
        return;
    for (size_t i = 0; i < v->n_secrets; i++) {
        struct mc_secret *s = &v->secrets[i];
        if (!s->private_ || s->ephemeral || !s->uuid || (s->value && strcmp(s->value, "unknown")))
            continue;
        _cleanup_free_ char *want = mc_xasprintf("%s.base64", s->uuid);
        for (size_t k = 0; k < n_files; k++)
            if (files[k].type == MC_DT_FILE && strcmp(files[k].name, want) == 0 &&
                files[k].size > 0) {
                free(s->value);
                s->value = mc_xstrdup("set");
            }
    }
    mc_dirents_free(files, n_files);
}

/*
 * The host's libvirt secrets: uuid, usage, and whether each has a value. The value itself is
 * read only to learn that it exists and is wiped at once; libvirt refuses to return a private
 * secret's value at all (checked before whether it has one), so for those it stays unknown
 * here (mc_virt_secret_values_from can tell from the host's files).
 */
static void gather_secrets(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    virSecretPtr *secs = NULL;
    int n = virConnectListAllSecrets(conn, &secs, 0);
    if (n < 0) {
        /* No secret driver: no secret can be looked up there, which is what an empty list
         * says. */
        if (mc_virt_last_code() == VIR_ERR_NO_SUPPORT) {
            virResetLastError();
            v->secrets_listed = true;
            return;
        }
        add_virt_error(h, "virt/secrets", "cannot list the secrets");
        return;
    }
    v->secrets_listed = true;
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN] = "";
        (void)virSecretGetUUIDString(secs[i], uuid);
        _cleanup_free_ char *xml = virSecretGetXMLDesc(secs[i], 0);
        if (!xml) {
            add_virt_error(h, "virt/secrets", "cannot get the XML of secret '%s'", uuid);
            continue;
        }
        struct mc_secret s;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_secret_xml_parse(xml, strlen(xml), &s, &err) < 0) {
            mc_facts_add_error(h, "virt/secrets", err.code, "secret '%s': %s", uuid, err.message);
            continue;
        }
        if (s.private_) {
            s.value = mc_xstrdup("unknown");
        } else {
            size_t size = 0;
            unsigned char *val = virSecretGetValue(secs[i], &size, 0);
            if (val) {
                explicit_bzero(val, size);
                free(val);
                s.value = mc_xstrdup("set");
            } else {
                s.value =
                    mc_xstrdup(mc_virt_last_code() == VIR_ERR_NO_SECRET ? "unset" : "unknown");
            }
            virResetLastError();
        }
        *MC_APPEND(v->secrets, v->n_secrets) = s;
    }
    free_secrets(secs, n);
}

static void free_networks(virNetworkPtr *nets, int n)
{
    for (int i = 0; nets && i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
}

static void gather_networks(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(conn, &nets, 0);
    if (n < 0) {
        add_virt_error(h, "virt/networks", "cannot list the networks");
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = virNetworkGetName(nets[i]);
        _cleanup_free_ char *xml = virNetworkGetXMLDesc(nets[i], 0);
        if (!xml) {
            add_virt_error(h, "virt/networks", "cannot get the XML of network '%s'",
                           name ? name : "?");
            continue;
        }
        struct mc_vnet net;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_network_xml_parse(xml, strlen(xml), &net, &err) < 0) {
            mc_facts_add_error(h, "virt/networks", err.code, "network '%s': %s", name ? name : "?",
                               err.message);
            continue;
        }
        int autostart = 0;
        net.active = virNetworkIsActive(nets[i]) == 1;
        net.persistent = virNetworkIsPersistent(nets[i]) == 1;
        net.autostart = virNetworkGetAutostart(nets[i], &autostart) == 0 && autostart;
        if (!net.bridge && net.active) {
            /* Networks whose XML names no bridge (hostdev, macvtap) have none; ask anyway. */
            net.bridge = virNetworkGetBridgeName(nets[i]);
        }
        virResetLastError();
        *MC_APPEND(v->networks, v->n_networks) = net;
    }
    free_networks(nets, n);
}

static void free_domains(virDomainPtr *doms, int n)
{
    for (int i = 0; doms && i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
}

static void gather_domains(virConnectPtr conn, struct mc_host_facts *h)
{
    struct mc_virt_facts *v = &h->virt;
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);
    if (n < 0) {
        add_virt_error(h, "virt/domains", "cannot list the domains");
        return;
    }
    for (int i = 0; i < n; i++) {
        struct mc_domain_ref *d = MC_APPEND(v->domains, v->n_domains);
        const char *name = virDomainGetName(doms[i]);
        d->name = mc_xstrdup(name ? name : "");
        char uuid[VIR_UUID_STRING_BUFLEN];
        if (virDomainGetUUIDString(doms[i], uuid) == 0)
            d->uuid = mc_xstrdup(uuid);
        int state = 0, reason = 0;
        if (virDomainGetState(doms[i], &state, &reason, 0) == 0)
            d->state = mc_xstrdup(state_name(state));
        else
            add_virt_error(h, "virt/domains", "cannot get the state of domain '%s'", d->name);
        d->persistent = virDomainIsPersistent(doms[i]) == 1;
        d->active = virDomainIsActive(doms[i]) == 1;
        virResetLastError();
    }
    free_domains(doms, n);
}

/* The host part of a libvirt URI ("qemu+ssh://root@kvm2/system" -> true). */
static bool uri_has_host(const char *uri)
{
    const char *p = uri ? strstr(uri, "://") : NULL;
    if (!p)
        return false;
    p += 3;
    return *p && *p != '/';
}

/*
 * The TLS certificate directories QEMU will be given, as libvirt resolves them: the setting,
 * else /etc/pki/libvirt-KIND when that directory exists, else default_tls_x509_cert_dir.
 */
static void resolve_tls_dirs(struct mc_source *src, struct mc_qemu_conf *q)
{
    struct mc_dirent *pki = NULL;
    size_t n_pki = 0;
    int r = mc_source_list(src, PKI_DIR, &pki, &n_pki);
    if (r < 0) {
        pki = NULL;
        n_pki = 0;
        if (r != -ENOENT)
            return; /* which directories libvirt picks is not known */
    }
    if (!q->default_tls_dir)
        q->default_tls_dir = mc_xstrdup(TLS_DEFAULT_DIR);
    struct {
        const char *kind;
        char **dir;
    } kinds[] = {
        { "vnc", &q->vnc_tls_dir },
        { "spice", &q->spice_tls_dir },
        { "chardev", &q->chardev_tls_dir },
        { "nbd", &q->nbd_tls_dir },
    };
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (*kinds[i].dir)
            continue;
        _cleanup_free_ char *own = mc_xasprintf("libvirt-%s", kinds[i].kind);
        bool exists = false;
        for (size_t k = 0; k < n_pki; k++)
            if (strcmp(pki[k].name, own) == 0 &&
                (pki[k].type == MC_DT_DIR || pki[k].type == MC_DT_LINK))
                exists = true;
        *kinds[i].dir =
            exists ? mc_xasprintf("%s/%s", PKI_DIR, own) : mc_xstrdup(q->default_tls_dir);
    }
    mc_dirents_free(pki, n_pki);
}

static void read_qemu_conf(struct mc_source *src, struct mc_host_facts *h);

void mc_virt_gather_qemu_conf(struct mc_source *src, struct mc_host_facts *h)
{
    read_qemu_conf(src, h);
    /* Only from the host's own files: this machine's /etc/pki says nothing about another. */
    if (src && !(src->local && uri_has_host(h->virt.uri)))
        resolve_tls_dirs(src, &h->virt.qemu_conf);
}

static void read_qemu_conf(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_qemu_conf *q = &h->virt.qemu_conf;
    mc_facts_drop_errors(h, "virt/qemu-conf");
    mc_qemu_conf_clear(q);
    mc_qemu_conf_defaults(q);
    if (!src) {
        mc_facts_add_error(h, "virt/qemu-conf", ENOTSUP,
                           "cannot read '%s': no access to the host's files", QEMU_CONF);
        return;
    }
    if (src->local && uri_has_host(h->virt.uri)) {
        /* qemu.conf of this machine says nothing about the daemon at the other end. */
        mc_facts_add_error(h, "virt/qemu-conf", ENOTSUP,
                           "cannot read '%s' of the host behind '%s' from this machine", QEMU_CONF,
                           h->virt.uri);
        return;
    }
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, QEMU_CONF, MC_QEMU_CONF_MAX, &buf, &len);
    if (r < 0) {
        if (src->local || !src->label)
            mc_facts_add_error(h, "virt/qemu-conf", r, "cannot read '%s': %s", QEMU_CONF,
                               strerror(-r));
        else
            mc_facts_add_error(h, "virt/qemu-conf", r, "cannot read '%s' from %s: %s", QEMU_CONF,
                               src->label, strerror(-r));
        return;
    }
    struct mc_qemu_conf parsed;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_qemu_conf_parse(buf, len, &parsed, &err) < 0) {
        mc_facts_add_error(h, "virt/qemu-conf", err.code, "%s", err.message);
        return;
    }
    *q = parsed;
}

void mc_virt_gather(virConnectPtr conn, struct mc_source *src, struct mc_host_facts *h)
{
    mc_virt_init();
    gather_versions(conn, h);
    _cleanup_free_ char *caps = gather_caps(conn, h);
    gather_hugepages(conn, caps, h);
    gather_node(conn, h);
    gather_domcaps(conn, h);
    gather_pools(conn, h);
    gather_networks(conn, h);
    gather_domains(conn, h);
    gather_secrets(conn, h);
    mc_virt_gather_qemu_conf(src, h);
}

/* ---- a VM ---- */

static virDomainPtr lookup(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);
    if (dom || mc_virt_last_code() != VIR_ERR_NO_DOMAIN)
        return dom;
    if (strlen(name) == VIR_UUID_STRING_BUFLEN - 1 || strlen(name) == 32) {
        virResetLastError();
        dom = virDomainLookupByUUIDString(conn, name);
    }
    return dom;
}

static const char *job_name(virDomainPtr dom, int type)
{
    if (type == VIR_DOMAIN_JOB_BOUNDED || type == VIR_DOMAIN_JOB_UNBOUNDED) {
        int t = 0, nparams = 0;
        virTypedParameterPtr params = NULL;
        if (virDomainGetJobStats(dom, &t, &params, &nparams, 0) == 0) {
            int op = 0;
            int found = virTypedParamsGetInt(params, nparams, VIR_DOMAIN_JOB_OPERATION, &op);
            virTypedParamsFree(params, nparams);
            if (found == 1 && op > 0 && (size_t)op < ARRAY_SIZE(job_operations))
                return job_operations[op];
        }
        virResetLastError();
    }
    if (type >= 0 && (size_t)type < ARRAY_SIZE(job_types) && job_types[type])
        return job_types[type];
    return "unknown";
}

/* The facts of one domain (failures recorded in h, area "vm"). */
static struct mc_vm_facts *gather_domain(virDomainPtr dom, const char *name,
                                         struct mc_host_facts *h)
{
    int state = 0, reason = 0;
    bool have_state = virDomainGetState(dom, &state, &reason, 0) == 0;
    if (!have_state)
        add_virt_error(h, "vm", "cannot get the state of domain '%s'", name);
    bool active = virDomainIsActive(dom) == 1;
    virResetLastError();

    /* The migratable XML of what runs; for a shut-off domain its inactive definition. */
    unsigned flags = VIR_DOMAIN_XML_MIGRATABLE | (active ? 0 : VIR_DOMAIN_XML_INACTIVE);
    _cleanup_free_ char *xml = virDomainGetXMLDesc(dom, flags);
    if (!xml && mc_virt_last_code() == VIR_ERR_OPERATION_DENIED) {
        /* A read-only connection may not ask for the migratable XML (libvirt treats it like
         * VIR_DOMAIN_XML_SECURE); the plain XML has the same devices. */
        virResetLastError();
        xml = virDomainGetXMLDesc(dom, flags & ~(unsigned)VIR_DOMAIN_XML_MIGRATABLE);
    }
    if (!xml)
        add_virt_error(h, "vm", "cannot get the XML of domain '%s'", name);
    struct mc_vm_facts *vm = NULL;
    if (xml) {
        _cleanup_error_ struct mc_error err = { 0 };
        _cleanup_free_ char *what = mc_xasprintf("domain XML of '%s'", name);
        if (mc_domain_xml_parse(xml, strlen(xml), what, &vm, &err) < 0)
            mc_facts_add_error(h, "vm", err.code, "%s", err.message);
    }
    if (!vm) {
        vm = mc_new0(struct mc_vm_facts, 1);
        const char *n = virDomainGetName(dom);
        vm->name = mc_xstrdup(n ? n : name);
    }
    if (!vm->uuid) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        if (virDomainGetUUIDString(dom, uuid) == 0)
            vm->uuid = mc_xstrdup(uuid);
    }
    if (have_state) {
        free(vm->state);
        free(vm->state_reason);
        vm->state = mc_xstrdup(state_name(state));
        vm->state_reason = mc_xstrdup(reason_name(state, reason));
    }
    vm->id = active ? (int64_t)virDomainGetID(dom) : 0;
    if (vm->id == (int64_t)(unsigned)-1)
        vm->id = 0;
    vm->persistent = virDomainIsPersistent(dom) == 1;
    int autostart = 0;
    vm->autostart = virDomainGetAutostart(dom, &autostart) == 0 && autostart;
    vm->has_managed_save = virDomainHasManagedSaveImage(dom, 0) == 1;
    virResetLastError();
    int nsnap = virDomainSnapshotNum(dom, 0);
    if (nsnap >= 0)
        vm->snapshots = nsnap;
    else if (mc_virt_last_code() != VIR_ERR_NO_SUPPORT)
        add_virt_error(h, "vm", "cannot count the snapshots of domain '%s'", name);
    virResetLastError();
    if (active) {
        virDomainJobInfo job;
        if (virDomainGetJobInfo(dom, &job) == 0) {
            vm->job = mc_xstrdup(job_name(dom, job.type));
        } else if (mc_virt_last_code() != VIR_ERR_NO_SUPPORT) {
            add_virt_error(h, "vm", "cannot get the job of domain '%s'", name);
        }
        virResetLastError();
    } else {
        vm->job = mc_xstrdup("none");
    }
    /* Virtual sizes (a storage copy pre-creates its targets with them). */
    for (size_t i = 0; i < vm->n_disks; i++) {
        virDomainBlockInfo bi;
        if (vm->disks[i].target && vm->disks[i].source &&
            virDomainGetBlockInfo(dom, vm->disks[i].target, &bi, 0) == 0)
            vm->disks[i].capacity = (int64_t)bi.capacity;
        virResetLastError();
    }
    return vm;
}

static virDomainPtr lookup_or_record(virConnectPtr conn, const char *name, struct mc_host_facts *h)
{
    virDomainPtr dom = lookup(conn, name);
    if (!dom) {
        if (mc_virt_last_code() == VIR_ERR_NO_DOMAIN) {
            _cleanup_free_ char *uri = virConnectGetURI(conn);
            mc_facts_add_error(h, "vm", ENOENT, "cannot find domain '%s' on '%s'", name,
                               uri ? uri : "?");
            virResetLastError();
        } else {
            add_virt_error(h, "vm", "cannot look up domain '%s'", name);
        }
    }
    return dom;
}

void mc_vm_gather(virConnectPtr conn, const char *name, struct mc_host_facts *h)
{
    mc_virt_init();
    _cleanup_(virDomainFreep) virDomainPtr dom = lookup_or_record(conn, name, h);
    if (!dom)
        return;
    struct mc_vm_facts *vm = gather_domain(dom, name, h);
    mc_vm_facts_free(h->vm);
    h->vm = vm;
}

int mc_vm_gather_add(virConnectPtr conn, const char *name, struct mc_host_facts *h)
{
    mc_virt_init();
    _cleanup_(virDomainFreep) virDomainPtr dom = lookup_or_record(conn, name, h);
    if (!dom)
        return -ENOENT;
    const char *real = virDomainGetName(dom);
    if (real && mc_host_find_vm(h, real))
        return 0; /* named twice (by name and by UUID) */
    mc_host_add_vm(h, gather_domain(dom, real ? real : name, h));
    return 0;
}

void mc_vm_gather_all(virConnectPtr conn, struct mc_host_facts *h)
{
    mc_virt_init();
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);
    if (n < 0) {
        add_virt_error(h, "vm", "cannot list the domains");
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = virDomainGetName(doms[i]);
        mc_host_add_vm(h, gather_domain(doms[i], name ? name : "?", h));
    }
    free_domains(doms, n);
}
