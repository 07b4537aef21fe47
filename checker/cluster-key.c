/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keys of the equivalence classes of `migcheck cluster`.
 *
 * A cell of the cluster is what `check --src-facts S --dst-facts D VM` says
 * for a domain v of host s and a host d: relate (checker/relate.c) and the
 * engine (checker/engine.c) over the rule table, with the policy. Its summary
 * is the verdict, the number of findings of each status, and the causes (the
 * WARN, FAIL and UNKNOWN findings: rule, status, severity, subject).
 *
 * Claim: if key(v) = key(v'), key(s) = key(s'), key(d) = key(d') and the
 * pair key P(v, s, d) = P(v', s', d') (cluster.c), the two cells have the
 * same summary, up to subjects that name the domain itself (vm.state,
 * vm.job, vm.snapshots say "web1"), which the cluster engine renames.
 *
 * Why: the keys are the facts themselves, written through the descriptor
 * tables of facts-schema.c, so every field is in them unless this file
 * leaves it out or reduces it; a field added to the model later is in the
 * keys (classes get smaller, never wrong). What is left out or reduced, and
 * why no summary can depend on it beyond what P records:
 *
 *  - Names and labels (host name, generated, generator, collector; the
 *    domain's name, UUID and id): only in message text (of the id the key
 *    keeps whether it is above 0: a domain XML with an id ran), except that the
 *    domain's name is the subject of vm.state, vm.job and vm.snapshots (the
 *    engine renames it; the key keeps whether there is one), and that the
 *    domain's name and UUID meet DST's defined domains (virt.name-collision)
 *    and the host's name meets storage servers (storage.separate-host): both
 *    are in P.
 *  - os/hostname, os/fqdn, net/address: read only through host_named() and
 *    mc_host_has_address() against storage servers and listen addresses of
 *    the domain; P records the answers for each such string.
 *  - os/machine-id: evidence text of virt.same-host only.
 *  - virt/host-uuid: compared between SRC and DST (virt.same-host); the key
 *    keeps whether it is known, P whether the two are equal.
 *  - virt/defined-domain: read only for the domain's own name and UUID
 *    (virt.name-collision): P holds each matching definition.
 *  - virt/free-memory-kib, hugepages/free, domain/memory-kib,
 *    domain/current-memory-kib: virt.memory and virt.hugepages compare them;
 *    P holds every comparison those rules make (the need known? the free
 *    memory known? enough?). domain/max-memory-kib and domain/vcpus: no rule.
 *  - virt/hostname, qemu-conf/migration-host: net.dst-hostname reads whether
 *    migration_host is set, whether the host name is known, and whether it
 *    starts with "localhost" (then its subject names it); offline it reads
 *    nothing else (the name's resolution is a live probe). The key keeps
 *    exactly that.
 *  - Volatile or per-machine facts no rule or relate reads: virt/uri,
 *    virt/mhz, pool uuid/capacity/allocation/available, network uuid,
 *    qemu-conf/migration-address (the live port probe's), mount id,
 *    parent-id, options, fs-options and the devno of mounts other than GFS2
 *    (relate joins GFS2 lock tables by devno), the iSCSI initiator and
 *    sessions, FC and SRP hosts, routes, listening sockets, block devices
 *    without a path a domain uses and their name/devno/vendor/model/size/
 *    slaves, link ifindex/operstate/carrier/master/mac, the message of a
 *    fact error (only its area and errno decide UNKNOWN), the errors of the
 *    "vm" area (the engine does not read them), domain state-reason,
 *    autostart, has-managed-save, xml, disk serial and wwn, interface
 *    target-dev, graphics port, chardev path, and the path of a file relate
 *    does not follow (mc_relate_file_opened).
 *  - Links: rules look links up by the names domains give (bridge, direct,
 *    network bridges) and compare the configuration bridges; other links
 *    (tap devices, unused NICs) are left out, and the rest are sorted by
 *    name, as are pools and networks (looked up by name; their order only
 *    changes the order of evidence text).
 *  - graphics/listen: net.listen-address asks whether the address is a wildcard (unspecified,
 *    loopback, a name like localhost) and whether DST has it (P records that). An IP literal
 *    that is neither unspecified nor loopback and is the address of some hosts but not all is
 *    never a wildcard: the key says only "an address of a host". Other values stay.
 *  - Interface MAC: a label in messages, and in the subject of
 *    vm.virtio-vectors for a virtio interface with more than one queue:
 *    kept there only.
 *  - Paths of disks, backing files, network disk names and followed files:
 *    relate finds the mount that holds a path by prefix, builds the paths DST
 *    sees by replacing a prefix, and compares paths for equality; rules
 *    compare them for equality and take their directory (storage.copy-target).
 *    All of that is the same for any file name in the same directory, unless
 *    a mount or pool target lies at or under the file's path, or under a
 *    candidate path on DST: then a target has the file name as a path
 *    component. So the file name is left out unless some target of the
 *    cluster has it as a component.
 *  - The host's domains: the rules see only the one checked, except that
 *    virt.rom-size asks whether the snapshot holds several; the key keeps
 *    that.
 *
 * tests/unit/test-cluster.c holds the proof to account: it changes each
 * field listed in mc_key_left_out on recorded pairs and checks that the
 * summary does not change, and compares every cell of generated clusters
 * with a check of that pair.
 */
#include "cluster-key.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts-schema.h"
#include "relate.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define AT(p, off) ((const char *)(p) + (off))

const char *const mc_key_left_out[] = {
    "migcheck-facts/name",
    "migcheck-facts/generated",
    "migcheck-facts/generator",
    "migcheck-facts/collector",
    "os/hostname",
    "os/fqdn",
    "os/machine-id",
    "virt/uri",
    "virt/hostname",
    "virt/host-uuid",
    "virt/free-memory-kib",
    "virt/mhz",
    "virt/defined-domain",
    "hugepages/free",
    "pool/uuid",
    "pool/capacity",
    "pool/allocation",
    "pool/available",
    "network/uuid",
    "qemu-conf/migration-address",
    "qemu-conf/migration-host",
    "mount/id",
    "mount/parent-id",
    "mount/options",
    "mount/fs-options",
    "mount/devno",
    "storage/iscsi-initiator",
    "storage/iscsi-session",
    "storage/fc-host",
    "storage/srp-host",
    "blockdev/name",
    "blockdev/devno",
    "blockdev/vendor",
    "blockdev/model",
    "blockdev/size-bytes",
    "blockdev/slave",
    "blockdev/dm-name",
    "net/address",
    "net/route",
    "net/listen",
    "link/ifindex",
    "link/operstate",
    "link/carrier",
    "link/master",
    "link/mac",
    "fact-error/message",
    "domain/name",
    "domain/uuid",
    "domain/id",
    "domain/state-reason",
    "domain/autostart",
    "domain/has-managed-save",
    "domain/memory-kib",
    "domain/current-memory-kib",
    "domain/max-memory-kib",
    "domain/vcpus",
    "domain/xml",
    "disk/source",
    "disk/source-name",
    "disk/backing",
    "disk/serial",
    "disk/wwn",
    "interface/mac",
    "interface/target-dev",
    "graphics/port",
    "graphics/listen",
    "chardev/path",
    "file/path",
    NULL,
};

enum action {
    KEEP,
    SKIP,
    PATH,        /* a path: its file name only when a target needs it */
    PATHV,       /* a list of paths */
    SORTED,      /* an array written in the order of its elements' keys */
    LINKS,       /* net/link: only links rules can look up, sorted */
    ERRORS,      /* fact-error: not of area "vm", without message, sorted */
    BLOCKDEVS,   /* storage/blockdev: those with a path, sorted */
    MOUNT_DEVNO, /* only for GFS2 mounts */
    HOSTNAME,    /* virt/hostname: known? "localhost..."? */
    KNOWN,       /* only whether it is set */
    NONEMPTY,    /* only whether it is unset, empty or set */
    MAC,         /* only on a virtio interface with queues > 1 */
    FILE_PATH,   /* only for files relate follows */
    MORE_VMS,    /* migcheck-facts/domain (array): only whether there are any */
    LISTEN,      /* graphics/listen: an address of some hosts only is "a host's address" */
    POSITIVE,    /* only whether the number is above 0 */
};

static const struct {
    const char *elem, *field;
    enum action action;
} actions[] = {
    { "migcheck-facts", "name", SKIP },
    { "migcheck-facts", "generated", SKIP },
    { "migcheck-facts", "generator", SKIP },
    { "migcheck-facts", "collector", SKIP },
    { "migcheck-facts", "fact-error", ERRORS },
    { "os", "hostname", SKIP },
    { "os", "fqdn", SKIP },
    { "os", "machine-id", SKIP },
    { "virt", "uri", SKIP },
    { "virt", "hostname", HOSTNAME },
    { "virt", "host-uuid", KNOWN },
    { "virt", "free-memory-kib", SKIP },
    { "virt", "mhz", SKIP },
    { "virt", "defined-domain", SKIP },
    { "virt", "pool", SORTED },
    { "virt", "network", SORTED },
    { "hugepages", "free", SKIP },
    { "pool", "uuid", SKIP },
    { "pool", "capacity", SKIP },
    { "pool", "allocation", SKIP },
    { "pool", "available", SKIP },
    { "network", "uuid", SKIP },
    { "qemu-conf", "migration-address", SKIP },
    { "qemu-conf", "migration-host", NONEMPTY },
    { "mount", "id", SKIP },
    { "mount", "parent-id", SKIP },
    { "mount", "options", SKIP },
    { "mount", "fs-options", SKIP },
    { "mount", "devno", MOUNT_DEVNO },
    { "storage", "iscsi-initiator", SKIP },
    { "storage", "iscsi-session", SKIP },
    { "storage", "fc-host", SKIP },
    { "storage", "srp-host", SKIP },
    { "storage", "blockdev", BLOCKDEVS },
    { "blockdev", "name", SKIP },
    { "blockdev", "devno", SKIP },
    { "blockdev", "vendor", SKIP },
    { "blockdev", "model", SKIP },
    { "blockdev", "size-bytes", SKIP },
    { "blockdev", "slave", SKIP },
    { "blockdev", "dm-name", SKIP },
    { "net", "link", LINKS },
    { "net", "address", SKIP },
    { "net", "route", SKIP },
    { "net", "listen", SKIP },
    { "link", "ifindex", SKIP },
    { "link", "operstate", SKIP },
    { "link", "carrier", SKIP },
    { "link", "master", SKIP },
    { "link", "mac", SKIP },
    { "fact-error", "message", SKIP },
    { "domain", "name", KNOWN },
    { "domain", "uuid", SKIP },
    { "domain", "id", POSITIVE },
    { "domain", "state-reason", SKIP },
    { "domain", "autostart", SKIP },
    { "domain", "has-managed-save", SKIP },
    { "domain", "memory-kib", SKIP },
    { "domain", "current-memory-kib", SKIP },
    { "domain", "max-memory-kib", SKIP },
    { "domain", "vcpus", SKIP },
    { "domain", "xml", SKIP },
    { "disk", "source", PATH },
    { "disk", "source-name", PATH },
    { "disk", "backing", PATHV },
    { "disk", "serial", SKIP },
    { "disk", "wwn", SKIP },
    { "interface", "mac", MAC },
    { "interface", "target-dev", SKIP },
    { "graphics", "port", SKIP },
    { "graphics", "listen", LISTEN },
    { "chardev", "path", SKIP },
    { "file", "path", FILE_PATH },
};

/* Per descriptor, the action of each field (found once, by pointer, in a small table). */
struct desc_actions {
    const struct mc_struct_desc *d;
    enum action *a;
};
static struct desc_actions cache[64];
static size_t n_cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static const enum action *actions_of(const struct mc_struct_desc *d)
{
    for (size_t i = 0; i < __atomic_load_n(&n_cache, __ATOMIC_ACQUIRE); i++)
        if (cache[i].d == d)
            return cache[i].a;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < n_cache; i++)
        if (cache[i].d == d) {
            pthread_mutex_unlock(&cache_lock);
            return cache[i].a;
        }
    enum action *a = mc_xcalloc(d->n_fields ? d->n_fields : 1, sizeof(*a));
    for (size_t f = 0; f < d->n_fields; f++)
        for (size_t k = 0; k < ARRAY_SIZE(actions); k++)
            if (strcmp(actions[k].elem, d->name) == 0 &&
                strcmp(actions[k].field, d->fields[f].name) == 0)
                a[f] = actions[k].action;
    /* The host's second "domain" field (the other domains) is reduced, the first skipped. */
    if (d == &mc_desc_host_facts)
        for (size_t f = 0; f < d->n_fields; f++)
            if (strcmp(d->fields[f].name, "domain") == 0)
                a[f] = d->fields[f].type == MC_FT_ARRAY ? MORE_VMS : SKIP;
    if (n_cache >= ARRAY_SIZE(cache))
        abort(); /* more descriptors than the model has */
    cache[n_cache].d = d;
    cache[n_cache].a = a;
    __atomic_store_n(&n_cache, n_cache + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&cache_lock);
    return a;
}

/* ---- encoding: tagged, length-prefixed, so distinct facts give distinct keys ---- */

static void put_u8(struct mc_buf *b, uint8_t v)
{
    mc_buf_append(b, &v, 1);
}

static void put_u64(struct mc_buf *b, uint64_t v)
{
    mc_buf_append(b, &v, sizeof(v));
}

static void put_str(struct mc_buf *b, const char *s)
{
    if (!s) {
        put_u64(b, UINT64_MAX);
        return;
    }
    size_t n = strlen(s);
    put_u64(b, n);
    mc_buf_append(b, s, n);
}

static bool has_component(const struct mc_key_ctx *ctx, const char *name, size_t len)
{
    return mc_hashmap_get(&ctx->target_components, name, len, NULL);
}

static void put_path(const struct mc_key_ctx *ctx, struct mc_buf *b, const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (slash && slash[1] && !has_component(ctx, slash + 1, strlen(slash + 1))) {
        put_u8(b, 'D'); /* the directory alone */
        mc_buf_append(b, path, (size_t)(slash - path) + 1);
        put_u8(b, 0);
        return;
    }
    put_u8(b, 'P');
    put_str(b, path);
}

static void write_struct(const struct mc_key_ctx *ctx, const struct mc_struct_desc *d,
                         const void *p, struct mc_buf *b);

/*
 * A listen address that is an address of some hosts but not of all, and an IP literal that is
 * neither unspecified nor loopback: net.listen-address treats every such address alike (not
 * valid on any host; valid on DST exactly when DST has it, which the pair key records).
 */
static bool host_address_token(const struct mc_key_ctx *ctx, const char *a)
{
    size_t n;
    if (!a || !mc_hashmap_get_str(&ctx->host_addrs, a, &n) || n >= ctx->n_hosts)
        return false;
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, a, &v4) == 1)
        return v4.s_addr != htonl(INADDR_ANY) && (ntohl(v4.s_addr) >> 24) != 127;
    if (inet_pton(AF_INET6, a, &v6) == 1)
        return !IN6_IS_ADDR_UNSPECIFIED(&v6) && !IN6_IS_ADDR_LOOPBACK(&v6) &&
               !IN6_IS_ADDR_V4MAPPED(&v6);
    return false;
}

/* Elements of an array, each keyed on its own, written sorted (order-free facts). */
struct elem_key {
    char *data;
    size_t len;
};

static int cmp_elem(const void *x, const void *y)
{
    const struct elem_key *a = x, *c = y;
    size_t n = a->len < c->len ? a->len : c->len;
    int r = memcmp(a->data, c->data, n);
    return r ? r : (a->len < c->len ? -1 : a->len > c->len);
}

typedef bool (*elem_filter)(const struct mc_key_ctx *ctx, const void *elem);

static void write_sorted(const struct mc_key_ctx *ctx, const struct mc_field *f, const void *p,
                         elem_filter keep, struct mc_buf *b)
{
    const char *arr = *(char *const *)AT(p, f->offset);
    size_t n = *(const size_t *)AT(p, f->count_offset);
    struct elem_key *keys = mc_xcalloc(n ? n : 1, sizeof(*keys));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const void *e = arr + i * f->sub->size;
        if (keep && !keep(ctx, e))
            continue;
        struct mc_buf eb = MC_BUF_INIT;
        write_struct(ctx, f->sub, e, &eb);
        keys[k].len = eb.len;
        keys[k].data = mc_buf_steal(&eb);
        k++;
    }
    if (k > 1)
        qsort(keys, k, sizeof(*keys), cmp_elem);
    put_u64(b, k);
    for (size_t i = 0; i < k; i++) {
        put_u64(b, keys[i].len);
        mc_buf_append(b, keys[i].data, keys[i].len);
        free(keys[i].data);
    }
    free(keys);
}

static bool keep_link(const struct mc_key_ctx *ctx, const void *e)
{
    const struct mc_link *l = e;
    if (l->kind && (strcmp(l->kind, "bridge") == 0 || strcmp(l->kind, "openvswitch") == 0))
        return true;
    return l->name && mc_hashmap_get_str(&ctx->link_names, l->name, NULL);
}

static bool keep_error(const struct mc_key_ctx *ctx, const void *e)
{
    (void)ctx;
    const struct mc_fact_error *x = e;
    return mc_area_from_name(x->area) != MC_AREA_VM;
}

static bool keep_blockdev(const struct mc_key_ctx *ctx, const void *e)
{
    (void)ctx;
    return ((const struct mc_blockdev *)e)->path != NULL;
}

static void write_struct(const struct mc_key_ctx *ctx, const struct mc_struct_desc *d,
                         const void *p, struct mc_buf *b)
{
    const enum action *act = actions_of(d);
    put_u8(b, '{');
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        if (act[i] == SKIP)
            continue;
        put_u8(b, (uint8_t)i);
        const char *sval = NULL;
        if (f->type == MC_FT_STR || f->type == MC_FT_TEXT)
            sval = *(char *const *)AT(p, f->offset);
        switch (act[i]) {
        case SKIP:
            break;
        case PATH:
            put_path(ctx, b, sval);
            continue;
        case PATHV: {
            char *const *v = *(char **const *)AT(p, f->offset);
            put_u64(b, mc_strv_length(v));
            STRV_FOREACH (s, v)
                put_path(ctx, b, *s);
            continue;
        }
        case SORTED:
            write_sorted(ctx, f, p, NULL, b);
            continue;
        case LINKS:
            write_sorted(ctx, f, p, keep_link, b);
            continue;
        case ERRORS:
            write_sorted(ctx, f, p, keep_error, b);
            continue;
        case BLOCKDEVS:
            write_sorted(ctx, f, p, keep_blockdev, b);
            continue;
        case MOUNT_DEVNO: {
            const struct mc_mount *m = p;
            bool gfs2 =
                m->fstype && (strcmp(m->fstype, "gfs2") == 0 || strcmp(m->fstype, "gfs") == 0);
            put_str(b, gfs2 ? sval : NULL);
            continue;
        }
        case HOSTNAME: {
            bool local = sval && strncmp(sval, "localhost", 9) == 0;
            put_u8(b, sval ? 1 : 0);
            put_str(b, local ? sval : NULL);
            continue;
        }
        case KNOWN:
            put_u8(b, sval ? 1 : 0);
            continue;
        case NONEMPTY:
            put_u8(b, !sval ? 0 : *sval ? 2 : 1); /* unset, empty, set */
            continue;
        case MAC: {
            const struct mc_iface *ifc = p;
            bool shown = ifc->model && strcmp(ifc->model, "virtio") == 0 && ifc->queues > 1;
            put_str(b, shown ? sval : NULL);
            continue;
        }
        case FILE_PATH: {
            const struct mc_vm_file *file = p;
            if (mc_relate_file_opened(file))
                put_path(ctx, b, sval);
            else
                put_u8(b, 0);
            continue;
        }
        case MORE_VMS:
            put_u8(b, *(const size_t *)AT(p, f->count_offset) > 0);
            continue;
        case POSITIVE:
            put_u8(b, *(const int64_t *)AT(p, f->offset) > 0);
            continue;
        case LISTEN:
            if (host_address_token(ctx, sval)) {
                put_u8(b, 'H');
                continue;
            }
            put_str(b, sval);
            continue;
        case KEEP:
            break;
        }
        switch (f->type) {
        case MC_FT_STR:
        case MC_FT_TEXT:
            put_str(b, sval);
            break;
        case MC_FT_INT:
        case MC_FT_ERRNO:
            put_u64(b, (uint64_t) * (const int64_t *)AT(p, f->offset));
            break;
        case MC_FT_BOOL:
            put_u8(b, *(const bool *)AT(p, f->offset));
            break;
        case MC_FT_AREAS:
            put_u64(b, *(const unsigned *)AT(p, f->offset));
            break;
        case MC_FT_ENUM:
            put_u64(b, (uint64_t)(int64_t) * (const int *)AT(p, f->offset));
            break;
        case MC_FT_STRV: {
            char *const *v = *(char **const *)AT(p, f->offset);
            put_u64(b, mc_strv_length(v));
            STRV_FOREACH (s, v)
                put_str(b, *s);
            break;
        }
        case MC_FT_STRUCT:
            write_struct(ctx, f->sub, AT(p, f->offset), b);
            break;
        case MC_FT_PTR: {
            const void *q = *(void *const *)AT(p, f->offset);
            put_u8(b, q ? 1 : 0);
            if (q)
                write_struct(ctx, f->sub, q, b);
            break;
        }
        case MC_FT_ARRAY: {
            const char *arr = *(char *const *)AT(p, f->offset);
            size_t n = *(const size_t *)AT(p, f->count_offset);
            put_u64(b, n);
            for (size_t k = 0; k < n; k++)
                write_struct(ctx, f->sub, arr + k * f->sub->size, b);
            break;
        }
        }
    }
    put_u8(b, '}');
}

void mc_host_key(const struct mc_key_ctx *ctx, const struct mc_host_facts *h, struct mc_buf *out)
{
    write_struct(ctx, &mc_desc_host_facts, h, out);
}

void mc_vm_key(const struct mc_key_ctx *ctx, const struct mc_vm_facts *vm, struct mc_buf *out)
{
    write_struct(ctx, &mc_desc_vm_facts, vm, out);
}

/* ---- context ---- */

static void add_name(struct mc_hashmap *m, const char *s)
{
    if (s && *s)
        mc_hashmap_put(m, s, strlen(s), 1);
}

static void add_components(struct mc_hashmap *m, const char *path)
{
    for (const char *s = path; s && *s;) {
        while (*s == '/')
            s++;
        size_t n = strcspn(s, "/");
        if (n)
            mc_hashmap_put(m, s, n, 1);
        s += n;
    }
}

static void add_vm(struct mc_key_ctx *ctx, const struct mc_vm_facts *vm)
{
    for (size_t i = 0; i < vm->n_ifaces; i++)
        add_name(&ctx->link_names, vm->ifaces[i].source);
}

void mc_key_ctx_init(struct mc_key_ctx *ctx, struct mc_host_facts *const *hosts, size_t n_hosts,
                     const struct mc_vm_facts *const *extra, size_t n_extra)
{
    memset(ctx, 0, sizeof(*ctx));
    for (size_t i = 0; i < n_hosts; i++) {
        const struct mc_host_facts *h = hosts[i];
        if (!h)
            continue;
        for (size_t k = 0; k < h->virt.n_networks; k++)
            add_name(&ctx->link_names, h->virt.networks[k].bridge);
        for (size_t k = 0; k < h->n_mounts; k++)
            add_components(&ctx->target_components, h->mounts[k].target);
        for (size_t k = 0; k < h->virt.n_pools; k++)
            add_components(&ctx->target_components, h->virt.pools[k].target_path);
        MC_HOST_FOREACH_VM (vm, h)
            add_vm(ctx, vm);
        /* each address once per host */
        for (size_t k = 0; k < h->net.n_addrs; k++) {
            const char *a = h->net.addrs[k].address;
            bool dup = false;
            for (size_t m = 0; m < k && !dup; m++)
                dup = h->net.addrs[m].address && a && strcmp(h->net.addrs[m].address, a) == 0;
            if (!a || dup)
                continue;
            size_t cnt = 0;
            mc_hashmap_get_str(&ctx->host_addrs, a, &cnt);
            mc_hashmap_put(&ctx->host_addrs, a, strlen(a), cnt + 1);
        }
        ctx->n_hosts++;
    }
    for (size_t i = 0; i < n_extra; i++)
        add_vm(ctx, extra[i]);
}

void mc_key_ctx_clear(struct mc_key_ctx *ctx)
{
    mc_hashmap_clear(&ctx->link_names);
    mc_hashmap_clear(&ctx->target_components);
    mc_hashmap_clear(&ctx->host_addrs);
}
