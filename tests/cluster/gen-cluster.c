/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gen-cluster: write a cluster of host snapshots (migcheck-facts(5), several
 * domains each, as `migcheck facts --all-vms` writes them) for the cluster
 * verb's tests and benchmark, from recorded lab snapshots with seeded
 * variation. The same seed gives the same files.
 *
 *   gen-cluster --seed N --hosts H --vms K --cases DIR --out DIR [--rare M] [--specials]
 *
 * --rare M makes rare events (deviant hosts, clones, stale definitions, shut-off domains)
 * M times as likely, so a small cluster for a test has some of each; --specials gives the
 * first four hosts one of each case that relates a domain to other hosts' names, addresses,
 * UUIDs or free memory (a cloned host UUID, definitions of a domain on other hosts, a VNC
 * listener on the host's address, a 200 GiB domain, huge pages, a host-passthrough CPU).
 *
 * DIR is tests/golden/cases: the host template is nfs-shared/dst.xml (a lab
 * host), the domain templates the domains of nfs-shared, base and local-disk.
 *
 * The variation is the kind a real cluster has: hardware generations (CPU
 * model, QEMU and libvirt release, memory size) and pods (bridges, libvirt
 * networks, NFS mounts) shared by many hosts, plus a few deviant hosts (a
 * bridge with another MTU, an NFS export missing or mounted elsewhere, TLS
 * forced, an older OS release, a cloned host UUID, libvirt unreachable when
 * the snapshot was taken, an NFS server that is a hypervisor itself), and
 * domains of a few kinds (disks on shared NFS files, NFS network disks,
 * local disks, a DMZ bridge, a database network, huge pages, a VNC listener
 * on the host's own address, host-passthrough CPUs) with random sizes and
 * states, and some stale definitions of a domain on another host.
 * Addresses are link-local (169.254.0.0/16).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned pick(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* true with probability per mille / 1000 */
static unsigned rare = 1; /* --rare: multiplies the odds of rare events */
static bool specials;     /* --specials: the first hosts carry one of each rare case */

static bool chance(unsigned per_mille)
{
    return pick(1000) < per_mille;
}

static bool rarely(unsigned per_mille)
{
    return pick(1000) < per_mille * rare;
}

/* Index by weights (they need not add up to anything). */
static unsigned weighted(const unsigned *w, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    unsigned x = pick(total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return (unsigned)i;
        x -= w[i];
    }
    return 0;
}

static char *uuid(void)
{
    uint64_t a = rnd(), b = rnd();
    return mc_xasprintf("%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-8%03" PRIx64 "-%012" PRIx64,
                        a >> 32, (a >> 16) & 0xffff, a & 0xfff, b >> 52,
                        b & (uint64_t)0xffffffffffff);
}

static void set(char **dst, const char *v)
{
    free(*dst);
    *dst = mc_xstrdup_or_null(v);
}

static struct mc_host_facts *load(const char *dir, const char *file)
{
    _cleanup_free_ char *path = mc_xasprintf("%s/%s", dir, file);
    struct mc_host_facts *h = NULL;
    struct mc_error err = { 0 };
    if (mc_facts_load(path, &h, &err) < 0) {
        fprintf(stderr, "gen-cluster: %s\n", err.message);
        exit(2);
    }
    return h;
}

struct generation {
    const char *cpu_vendor, *cpu_model, *qemu_pkg;
    int64_t qemu, libvirt, memory_gib, cpus;
    const char *drop_feature; /* a feature older CPUs lack */
    unsigned weight;
};

static const struct generation gens[] = {
    { "Intel", "Skylake-Server-IBRS", "1:7.2+dfsg-7+deb12u18+b3", 7002022, 9000000, 256, 48,
      "avx512vnni", 40 },
    { "Intel", "Cascadelake-Server", "1:7.2+dfsg-7+deb12u18+b3", 7002022, 9000000, 384, 64, NULL,
      30 },
    { "AMD", "EPYC-Rome", "1:8.0.4+dfsg-3~bpo12+1", 8000004, 9008000, 512, 64, NULL, 20 },
    { "Intel", "Broadwell-noTSX-IBRS", "1:7.2+dfsg-7+deb12u12", 7002012, 9000000, 128, 32,
      "avx512f", 10 },
};

struct pod {
    bool dmz, vmnet_active, nfs_b;
    unsigned weight;
};

static const struct pod pods[] = {
    { true, true, true, 35 },  { true, true, true, 25 },   { true, true, false, 20 },
    { true, false, true, 12 }, { false, false, false, 8 },
};

static void add_link(struct mc_host_facts *h, const char *name, const char *kind, int64_t mtu,
                     const char *master)
{
    struct mc_link *l = MC_APPEND(h->net.links, h->net.n_links);
    memset(l, 0, sizeof(*l));
    l->ifindex = (int64_t)h->net.n_links;
    l->name = mc_xstrdup(name);
    l->kind = mc_xstrdup(kind);
    l->mtu = mtu;
    l->up = true;
    l->carrier = true;
    l->operstate = mc_xstrdup("up");
    l->master = mc_xstrdup_or_null(master);
    l->mac = mc_xasprintf("52:54:00:%02x:%02x:%02x", pick(256), pick(256), pick(256));
}

static void add_nfs(struct mc_host_facts *h, const char *server, const char *addr,
                    const char *export, const char *target, const char *self_addr)
{
    struct mc_mount *m = MC_APPEND(h->mounts, h->n_mounts);
    memset(m, 0, sizeof(*m));
    m->id = 300 + (int64_t)h->n_mounts;
    m->parent_id = 76;
    m->devno = mc_xasprintf("0:%u", 50 + pick(40));
    m->root = mc_xstrdup("/");
    m->target = mc_xstrdup(target);
    m->source = mc_xasprintf("%s:%s", server, export);
    m->fstype = mc_xstrdup("nfs4");
    m->options = mc_xstrdup("rw,relatime");
    m->fs_options =
        mc_xasprintf("rw,vers=4.2,hard,proto=tcp,clientaddr=%s,addr=%s", self_addr, addr);
    m->netfs = true;
    m->shared = true;
    m->server = mc_xstrdup(server);
    m->export_path = mc_xstrdup(export);
    m->server_addr = mc_xstrdup(addr);
}

static void add_network(struct mc_host_facts *h, const char *name, const char *bridge, bool active)
{
    struct mc_vnet *n = MC_APPEND(h->virt.networks, h->virt.n_networks);
    memset(n, 0, sizeof(*n));
    n->name = mc_xstrdup(name);
    n->uuid = uuid();
    n->active = active;
    n->autostart = active;
    n->persistent = true;
    n->bridge = mc_xstrdup(bridge);
    n->forward_mode = mc_xstrdup("bridge");
}

/* ---- domains ---- */

enum kind {
    K_SHARED,
    K_NETDISK,
    K_LOCAL,
    K_DMZ,
    K_DB,
    K_HUGE,
    K_VNC_OWN,
    K_PASSTHROUGH
};
static const unsigned kind_weights[] = { 45, 15, 10, 12, 10, 3, 2, 3 };

static struct mc_vm_facts *template_vm(struct mc_host_facts *const *tpl, enum kind k)
{
    const struct mc_vm_facts *src = k == K_NETDISK ? tpl[1]->vm
                                    : k == K_LOCAL ? tpl[2]->vm
                                                   : tpl[0]->vm;
    struct mc_vm_facts *vm = mc_new0(struct mc_vm_facts, 1);
    mc_struct_copy(&mc_desc_vm_facts, vm, src);
    return vm;
}

static void rename_path(char **path, const char *dir, const char *name, const char *ext)
{
    free(*path);
    *path = mc_xasprintf("%s/%s%s", dir, name, ext);
}

static struct mc_vm_facts *make_vm(struct mc_host_facts *const *tpl, const char *name,
                                   const char *host_addr, bool dmz_ok, bool db_ok, int force)
{
    enum kind k = (enum kind)weighted(kind_weights, sizeof(kind_weights) / sizeof(*kind_weights));
    if (force >= 0)
        k = (enum kind)force;
    if (k == K_DMZ && !dmz_ok)
        k = K_SHARED;
    if (k == K_DB && !db_ok)
        k = K_SHARED;
    struct mc_vm_facts *vm = template_vm(tpl, k);
    set(&vm->name, name);
    free(vm->uuid);
    vm->uuid = uuid();
    static const int64_t mem_gib[] = { 1, 2, 4, 8, 16 };
    vm->memory_kib = mem_gib[pick(5)] << 20;
    vm->current_memory_kib = vm->memory_kib;
    vm->max_memory_kib = vm->memory_kib;
    vm->vcpus = 1 << pick(3);
    vm->id = 1 + pick(5000);
    if (rarely(40)) {
        set(&vm->state, "shutoff");
        set(&vm->state_reason, "shutdown");
        vm->id = 0;
    } else if (rarely(20)) {
        set(&vm->state, "paused");
        set(&vm->state_reason, "user");
    }
    if (rarely(10))
        vm->snapshots = 1 + pick(3);
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        free(vm->ifaces[i].mac);
        vm->ifaces[i].mac =
            mc_xasprintf("52:54:00:%02x:%02x:%02x", pick(256), pick(256), pick(256));
        free(vm->ifaces[i].target_dev);
        vm->ifaces[i].target_dev = NULL;
    }
    for (size_t i = 0; i < vm->n_disks; i++) {
        struct mc_disk *d = &vm->disks[i];
        const char *ext = d->device && strcmp(d->device, "cdrom") == 0 ? "-cd.iso" : ".qcow2";
        if (d->type && strcmp(d->type, "network") == 0) {
            free(d->source_name);
            d->source_name = mc_xasprintf("/srv/nfs/%s%s", name, ext);
        } else if (k == K_LOCAL) {
            rename_path(&d->source, "/var/lib/libvirt/images", name, ext);
        } else if (k == K_DB) {
            rename_path(&d->source, "/var/lib/libvirt/images/db", name, ext);
        } else {
            rename_path(&d->source, "/var/lib/libvirt/images/shared", name, ext);
        }
    }
    if (k == K_DMZ && vm->n_ifaces) {
        struct mc_iface *i = MC_APPEND(vm->ifaces, vm->n_ifaces);
        memset(i, 0, sizeof(*i));
        i->type = mc_xstrdup("bridge");
        i->source = mc_xstrdup("br-dmz");
        i->model = mc_xstrdup("virtio");
        i->mac = mc_xasprintf("52:54:00:%02x:%02x:%02x", pick(256), pick(256), pick(256));
    }
    if (k == K_DB) {
        struct mc_iface *i = MC_APPEND(vm->ifaces, vm->n_ifaces);
        memset(i, 0, sizeof(*i));
        i->type = mc_xstrdup("network");
        i->source = mc_xstrdup("vmnet");
        i->model = mc_xstrdup("virtio");
        i->mac = mc_xasprintf("52:54:00:%02x:%02x:%02x", pick(256), pick(256), pick(256));
    }
    if (force == K_SHARED)
        vm->memory_kib = vm->current_memory_kib = vm->max_memory_kib = (int64_t)200 << 20;
    if (k == K_HUGE) {
        vm->hugepage_kib = 2048;
        vm->hugepages = true;
    }
    if (k == K_VNC_OWN) {
        struct mc_graphics *g = MC_APPEND(vm->graphics, vm->n_graphics);
        memset(g, 0, sizeof(*g));
        g->type = mc_xstrdup("vnc");
        g->listen_type = mc_xstrdup("address");
        g->listen = mc_xstrdup(host_addr);
        g->port = 5900 + pick(100);
    }
    if (k == K_PASSTHROUGH) {
        set(&vm->cpu_mode, "host-passthrough");
        set(&vm->cpu_model, NULL);
        set(&vm->cpu_match, NULL);
    }
    return vm;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-cluster --seed N --hosts H --vms K --cases DIR --out DIR\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long seed = 1, hosts = 10, vms = 10;
    const char *cases = NULL, *out = NULL;
    static const struct option opts[] = {
        { "seed", required_argument, NULL, 's' }, { "hosts", required_argument, NULL, 'h' },
        { "vms", required_argument, NULL, 'v' },  { "cases", required_argument, NULL, 'c' },
        { "out", required_argument, NULL, 'o' },  { "rare", required_argument, NULL, 'r' },
        { "specials", no_argument, NULL, 'x' },   { 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            seed = strtoul(optarg, NULL, 10);
            break;
        case 'h':
            hosts = strtoul(optarg, NULL, 10);
            break;
        case 'v':
            vms = strtoul(optarg, NULL, 10);
            break;
        case 'c':
            cases = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'r':
            rare = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'x':
            specials = true;
            break;
        default:
            usage();
        }
    }
    if (!cases || !out || hosts < 2 || hosts > 100000 || vms > 1000)
        usage();
    rng_state = seed;
    struct mc_host_facts *tpl[3] = {
        load(cases, "nfs-shared/src.xml"),
        load(cases, "base/src.xml"),
        load(cases, "local-disk/src.xml"),
    };
    struct mc_host_facts *base = load(cases, "nfs-shared/dst.xml");
    if (mkdir(out, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "gen-cluster: cannot create '%s': %s\n", out, strerror(errno));
        return 2;
    }

    /* Names and UUIDs of every host first: stale definitions point at other hosts' domains. */
    char **names = NULL;
    for (unsigned long i = 0; i < hosts; i++)
        mc_strv_push(&names, mc_xasprintf("kvm%04lu", i + 1));
    char *prev_uuid = NULL;
    struct mc_domain_ref stale = { 0 }; /* a domain of the previous host, defined here too */

    for (unsigned long i = 0; i < hosts; i++) {
        struct mc_host_facts *h = mc_host_facts_new();
        mc_struct_copy(&mc_desc_host_facts, h, base);
        mc_vm_facts_free(h->vm);
        h->vm = NULL;
        const struct generation *g = &gens[weighted(
            (const unsigned[]){ gens[0].weight, gens[1].weight, gens[2].weight, gens[3].weight },
            4)];
        const struct pod *pd =
            &pods[weighted((const unsigned[]){ pods[0].weight, pods[1].weight, pods[2].weight,
                                               pods[3].weight, pods[4].weight },
                           5)];
        const char *name = names[i];
        _cleanup_free_ char *addr = mc_xasprintf("169.254.%lu.%lu", 100 + i / 250, 1 + i % 250);
        set(&h->name, name);
        set(&h->generated, "2026-01-01T00:00:00Z");
        set(&h->collector, "local");
        set(&h->os.hostname, name);
        free(h->os.fqdn);
        h->os.fqdn = mc_xasprintf("%s.example.org", name);
        free(h->os.machine_id);
        h->os.machine_id = mc_xasprintf("%016" PRIx64 "%016" PRIx64, rnd(), rnd());
        /* One deviation in thirty hosts. */
        unsigned deviant = rarely(33) ? 1 + pick(6) : 0;
        if (deviant == 1) {
            set(&h->os.pretty_name, "Debian GNU/Linux 11 (bullseye)");
            set(&h->os.version_id, "11");
        }
        for (size_t k = 0; k < h->os.n_packages; k++)
            if (strncmp(h->os.packages[k].name, "qemu-", 5) == 0 &&
                strcmp(h->os.packages[k].name, "qemu-system-data") != 0)
                set(&h->os.packages[k].version, g->qemu_pkg);

        struct mc_virt_facts *v = &h->virt;
        free(v->uri);
        v->uri = mc_xasprintf("qemu+ssh://root@%s/system", name);
        set(&v->hostname, name);
        free(v->host_uuid);
        /* clones (--specials: the third host is one of the second) */
        v->host_uuid =
            prev_uuid && (rarely(3) || (specials && i == 2)) ? mc_xstrdup(prev_uuid) : uuid();
        free(prev_uuid);
        prev_uuid = mc_xstrdup(v->host_uuid);
        v->hv_version = g->qemu;
        v->libvirt_version = g->libvirt;
        set(&v->cpu_vendor, g->cpu_vendor);
        set(&v->cpu_model, g->cpu_model);
        if (g->drop_feature && !mc_strv_contains(v->cpu_features, g->drop_feature))
            mc_strv_add(&v->cpu_features, g->drop_feature);
        if (g == &gens[3]) {
            mc_strv_free(v->cpu_features);
            v->cpu_features = NULL;
            mc_strv_add(&v->cpu_features, "vme");
            mc_strv_add(&v->cpu_features, "ss");
        }
        v->memory_kib = g->memory_gib << 20;
        v->free_memory_kib =
            (int64_t)((double)v->memory_kib * (0.02 + 0.9 * (double)pick(1000) / 1000));
        v->cpus = g->cpus;
        v->mhz = 2000 + pick(900);
        free(v->hugepages); /* no pointers inside */
        v->hugepages = NULL;
        v->n_hugepages = 0;
        struct mc_hugepages *hp = MC_APPEND(v->hugepages, v->n_hugepages);
        hp->size_kib = 4;
        hp->total = v->memory_kib / 4;
        hp = MC_APPEND(v->hugepages, v->n_hugepages);
        hp->size_kib = 2048;
        hp->total = 8192;
        hp->free = pick(8192);
        free(v->qemu_conf.migration_address);
        v->qemu_conf.migration_address = mc_xstrdup(addr);
        v->qemu_conf.migrate_tls_force = deviant == 2;

        /* Network: the template's links without its bridges, then the pod's. */
        for (size_t k = 0; k < h->net.n_addrs; k++)
            if (h->net.addrs[k].address && strncmp(h->net.addrs[k].address, "169.254.", 8) == 0)
                set(&h->net.addrs[k].address, addr);
        size_t keep = 0;
        for (size_t k = 0; k < h->net.n_links; k++) {
            struct mc_link *l = &h->net.links[k];
            if (l->kind && strcmp(l->kind, "bridge") == 0) {
                free(l->name), free(l->kind), free(l->slave_kind), free(l->operstate);
                free(l->master), free(l->mac), free(l->link), free(l->bond_mode);
                continue;
            }
            h->net.links[keep++] = *l;
        }
        h->net.n_links = keep;
        add_link(h, "br-vm", "bridge", 1500, NULL);
        if (pd->dmz)
            add_link(h, "br-dmz", "bridge", deviant == 3 ? 9000 : 1500, NULL);
        for (size_t k = 0; k < h->virt.n_networks; k++) {
            free(h->virt.networks[k].name), free(h->virt.networks[k].uuid);
            free(h->virt.networks[k].bridge), free(h->virt.networks[k].forward_mode);
            free(h->virt.networks[k].forward_dev);
        }
        free(h->virt.networks);
        h->virt.networks = NULL;
        h->virt.n_networks = 0;
        add_network(h, "vmnet", "br-vm", pd->vmnet_active);

        /* Storage: nfs-a everywhere (unless deviant), nfs-b in some pods; nfs-b is served by
         * the second host itself. */
        size_t mkeep = 0;
        for (size_t k = 0; k < h->n_mounts; k++) {
            if (h->mounts[k].netfs) {
                mc_struct_clear(&mc_desc_mount, &h->mounts[k]);
                continue;
            }
            h->mounts[mkeep++] = h->mounts[k];
        }
        h->n_mounts = mkeep;
        if (deviant != 4)
            add_nfs(h, "nfs-a.example.org", "169.254.200.10", "/export/vms",
                    deviant == 5 ? "/srv/vms" : "/var/lib/libvirt/images/shared", addr);
        if (pd->nfs_b)
            add_nfs(h, "kvm0002", "169.254.100.2", "/export/db", "/var/lib/libvirt/images/db",
                    addr);
        if (deviant == 6) {
            /* libvirt was unreachable when the snapshot was taken */
            mc_facts_add_error(h, "virt", ECONNREFUSED,
                               "cannot connect to 'qemu:///system': Connection refused");
        }

        /* Domains. */
        for (size_t k = 0; k < v->n_domains; k++)
            free(v->domains[k].name), free(v->domains[k].uuid), free(v->domains[k].state);
        free(v->domains);
        v->domains = NULL;
        v->n_domains = 0;
        for (unsigned long k = 0; k < vms; k++) {
            _cleanup_free_ char *vname = mc_xasprintf("vm%04lu-%02lu", i + 1, k + 1);
            /* --specials: on the first hosts, a huge domain (more memory than most hosts have
             * free), huge pages, a VNC listener on the host's address, a host-passthrough CPU */
            int force = -1;
            if (specials && k == 1 && i < 4)
                force = (int[]){ K_SHARED, K_HUGE, K_VNC_OWN, K_PASSTHROUGH }[i];
            struct mc_vm_facts *vm = make_vm(tpl, vname, addr, pd->dmz, pd->nfs_b, force);
            struct mc_domain_ref *d = MC_APPEND(v->domains, v->n_domains);
            memset(d, 0, sizeof(*d));
            d->name = mc_xstrdup(vm->name);
            d->uuid = mc_xstrdup(vm->uuid);
            d->state = mc_xstrdup(vm->state);
            d->persistent = true;
            d->active = strcmp(vm->state, "shutoff") != 0;
            char *tap = mc_xasprintf("vnet%lu", k);
            if (d->active)
                add_link(h, tap, "tun", 1500, "br-vm");
            free(tap);
            if (k == 0 && stale.name) {
                /* a stale definition of the previous host's first domain */
                struct mc_domain_ref *s = MC_APPEND(v->domains, v->n_domains);
                *s = stale;
                memset(&stale, 0, sizeof(stale));
            }
            mc_host_add_vm(h, vm);
        }
        if ((rarely(15) || (specials && i < 2)) && h->vm) {
            /* --specials: the first host's first domain is defined on the second host too, the
             * second host's on the third with another UUID */
            stale.name = mc_xstrdup(h->vm->name);
            stale.uuid = chance(300) || (specials && i == 1) ? uuid() : mc_xstrdup(h->vm->uuid);
            stale.state = mc_xstrdup("shutoff");
            stale.persistent = true;
        }
        h->areas |= MC_AREA_VM;

        _cleanup_free_ char *xml = NULL;
        size_t len = 0;
        _cleanup_free_ char *path = mc_xasprintf("%s/%s.xml", out, name);
        FILE *f = fopen(path, "we");
        if (!f || mc_facts_to_xml(h, &xml, &len) < 0 || fwrite(xml, 1, len, f) != len ||
            fclose(f) != 0) {
            fprintf(stderr, "gen-cluster: cannot write '%s'\n", path);
            return 1;
        }
        mc_host_facts_free(h);
    }
    free(prev_uuid);
    free(stale.name), free(stale.uuid), free(stale.state);
    mc_strv_free(names);
    for (int i = 0; i < 3; i++)
        mc_host_facts_free(tpl[i]);
    mc_host_facts_free(base);
    return 0;
}
