/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mc_virt_gather() and mc_vm_gather() through the real libvirt API, without
 * a hypervisor: libvirt's test driver (test:///default and the node file
 * tests/data/virt/testnode.xml, engineering-notes §2.1). Every expectation
 * comes from virsh run on the same URI (its list, info and XML output), not
 * from hand-typed values. A test:///FILE connection is private to its
 * process, so virsh and migcheck each read the same node file afresh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/xml-util.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

#define DATA MC_TEST_DATA "/virt/"

static const char *const uris[] = { "test:///default", "test://" DATA "testnode.xml" };

/*
 * Connections, opened before anything calls mc_xml_init(): its external
 * entity loader (checker/xml-util.c) is process-wide and also stops the test
 * driver from reading its node file in this process.
 */
static virConnectPtr conns[ARRAY_SIZE(uris)][2]; /* [uri][readonly] */

static virConnectPtr conn_for(const char *uri, bool readonly)
{
    for (size_t i = 0; i < ARRAY_SIZE(uris); i++)
        if (strcmp(uris[i], uri) == 0)
            return conns[i][readonly];
    fail_msg("no connection for '%s'", uri);
    return NULL;
}

/* ---- virsh, the independent reader ---- */

/* stdout of virsh -c uri ARGS...; *ret_exit gets its exit code, or the test fails when it is
 * not 0 and ret_exit is NULL. */
static char *virsh_v(int *ret_exit, const char *uri, va_list ap)
{
    const char *argv[16] = { "virsh", "-q", "-c", uri };
    size_t n = 4;
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < ARRAY_SIZE(argv) - 1)
        argv[n++] = a;
    argv[n] = NULL;
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 30000 };
    struct mc_spawn_result r = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &r, &err) < 0)
        fail_msg("cannot run virsh: %s", err.message);
    if (ret_exit)
        *ret_exit = r.exit_code;
    else if (r.exit_code != 0)
        fail_msg("virsh %s %s failed (%d): %s", argv[4], argv[5] ? argv[5] : "", r.exit_code,
                 r.err);
    char *out = TAKE_PTR(r.out);
    mc_spawn_result_clear(&r);
    return out;
}

static char *virsh(int *ret_exit, const char *uri, ...)
{
    va_list ap;
    va_start(ap, uri);
    char *out = virsh_v(ret_exit, uri, ap);
    va_end(ap);
    return out;
}

#define VIRSH(...)    virsh(NULL, __VA_ARGS__, (const char *)NULL)
#define VIRSH_RC(...) virsh(__VA_ARGS__, (const char *)NULL)

/* The value of "Key:   value" in virsh's info output, newly allocated; NULL when absent. */
static char *kv(const char *out, const char *key)
{
    size_t klen = strlen(key);
    for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, klen) != 0 || l[klen] != ':')
            continue;
        const char *v = l + klen + 1;
        while (*v == ' ')
            v++;
        char *s = mc_xstrndup(v, strcspn(v, "\n"));
        return mc_strip_trailing(s);
    }
    return NULL;
}

static bool yes(const char *s)
{
    return s && (strcmp(s, "yes") == 0 || strcmp(s, "enable") == 0 || strcmp(s, "running") == 0);
}

/* Lines without surrounding blanks (virsh pads --name lists). */
static char **lines(const char *out)
{
    char **v = mc_strv_split(out, "\n");
    char **w = NULL;
    STRV_FOREACH (l, v) {
        const char *b = *l;
        while (*b == ' ')
            b++;
        _cleanup_free_ char *t = mc_strip_trailing(mc_xstrdup(b));
        if (*t)
            mc_strv_add(&w, t);
    }
    mc_strv_free(v);
    return w;
}

/* XPath string() over a document virsh printed. */
static char *xp(const char *xml, const char *expr)
{
    xmlDocPtr doc = NULL;
    struct mc_error err = { 0 };
    if (mc_xml_parse(xml, strlen(xml), "virsh output", &doc, &err) < 0)
        fail_msg("%s", err.message);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    _cleanup_free_ char *wrapped = mc_xasprintf("string(%s)", expr);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    char *s = o && o->stringval && *o->stringval ? mc_xstrdup((const char *)o->stringval) : NULL;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return s;
}

static void assert_str_or_null(const char *got, const char *want, const char *what)
{
    if ((!got) != (!want) || (got && strcmp(got, want) != 0))
        fail_msg("%s: migcheck has '%s', virsh '%s'", what, got ? got : "(none)",
                 want ? want : "(none)");
}

static int64_t version_number(const char *dotted)
{
    unsigned a = 0, b = 0, c = 0;
    if (sscanf(dotted, "%u.%u.%u", &a, &b, &c) < 2)
        fail_msg("not a version: '%s'", dotted);
    return (int64_t)a * 1000000 + b * 1000 + c;
}

static struct mc_host_facts *gather(const char *uri, bool readonly, const char *root)
{
    struct mc_host_facts *h = mc_host_facts_new();
    _cleanup_(mc_source_freep) struct mc_source *src = root ? mc_source_fs(root, false) : NULL;
    mc_virt_gather(conn_for(uri, readonly), src, h);
    return h;
}

static bool has_error(const struct mc_host_facts *h, const char *area, const char *needle)
{
    for (size_t i = 0; i < h->n_errors; i++)
        if (strcmp(h->errors[i].area, area) == 0 && strstr(h->errors[i].message, needle))
            return true;
    return false;
}

/* No errors, but those compare_host() checks against virsh (virt/node free memory). */
static void assert_no_errors(const struct mc_host_facts *h)
{
    for (size_t i = 0; i < h->n_errors; i++)
        if (strcmp(h->errors[i].area, "virt/node") != 0 ||
            !strstr(h->errors[i].message, "free memory"))
            fail_msg("unexpected error %s: %s", h->errors[i].area, h->errors[i].message);
}

/* ---- the host ---- */

static void compare_host(const char *uri, const struct mc_host_facts *h)
{
    const struct mc_virt_facts *v = &h->virt;

    _cleanup_free_ char *u = mc_strip_trailing(VIRSH(uri, "uri"));
    assert_str_or_null(v->uri, u, "uri");
    _cleanup_free_ char *hn = mc_strip_trailing(VIRSH(uri, "hostname"));
    assert_str_or_null(v->hostname, hn, "hostname");

    /* "Running hypervisor: TEST 0.0.2", "Using library: libvirt 9.0.0" */
    _cleanup_free_ char *ver = VIRSH(uri, "version");
    _cleanup_free_ char *hv = kv(ver, "Running hypervisor");
    _cleanup_free_ char *lib = kv(ver, "Using library");
    assert_non_null(hv);
    assert_non_null(lib);
    char *sp = strchr(hv, ' ');
    assert_non_null(sp);
    *sp = '\0';
    assert_str_or_null(v->hv_type, hv, "hypervisor type");
    assert_int_equal(v->hv_version, version_number(sp + 1));
    assert_int_equal(v->libvirt_version, version_number(strchr(lib, ' ') + 1));

    /* nodeinfo */
    _cleanup_free_ char *ni = VIRSH(uri, "nodeinfo");
    _cleanup_free_ char *cpus = kv(ni, "CPU(s)"), *mhz = kv(ni, "CPU frequency"),
                        *sockets = kv(ni, "CPU socket(s)"), *cores = kv(ni, "Core(s) per socket"),
                        *threads = kv(ni, "Thread(s) per core"), *mem = kv(ni, "Memory size");
    assert_int_equal(v->cpus, atoll(cpus));
    assert_int_equal(v->mhz, atoll(mhz));
    assert_int_equal(v->sockets, atoll(sockets));
    assert_int_equal(v->cores, atoll(cores));
    assert_int_equal(v->threads, atoll(threads));
    assert_int_equal(v->memory_kib, atoll(mem));
    /* "Total: 3072 KiB"; where virsh cannot tell either, neither can migcheck. */
    int rc = 0;
    _cleanup_free_ char *fc = VIRSH_RC(&rc, uri, "freecell");
    _cleanup_free_ char *total = kv(fc, "Total");
    if (rc == 0) {
        assert_non_null(total);
        assert_int_equal(v->free_memory_kib, atoll(total));
    } else {
        assert_int_equal(v->free_memory_kib, 0);
        assert_true(has_error(h, "virt/node", "free memory"));
    }

    /* capabilities */
    _cleanup_free_ char *caps = VIRSH(uri, "capabilities");
    _cleanup_free_ char *arch = xp(caps, "/capabilities/host/cpu/arch");
    assert_str_or_null(v->cpu_arch, arch, "cpu arch");
    _cleanup_free_ char *nguests = xp(caps, "count(/capabilities/guest)");
    assert_int_equal(v->n_guests, atoll(nguests));
    for (size_t i = 0; i < v->n_guests; i++) {
        _cleanup_free_ char *e1 = mc_xasprintf("/capabilities/guest[%zu]/arch/emulator", i + 1);
        _cleanup_free_ char *e2 = mc_xasprintf("/capabilities/guest[%zu]/os_type", i + 1);
        _cleanup_free_ char *em = xp(caps, e1), *os = xp(caps, e2);
        assert_str_or_null(v->guests[i].emulator, em, "guest emulator");
        assert_str_or_null(v->guests[i].os_type, os, "guest os_type");
    }
    _cleanup_free_ char *sec = xp(caps, "/capabilities/host/secmodel[1]/model");
    assert_str_or_null(v->secmodels ? v->secmodels[0] : NULL, sec, "secmodel");
    /* huge page sizes: the capabilities' sizes without the smallest (the base page) */
    _cleanup_free_ char *npages = xp(caps, "count(/capabilities/host/cpu/pages)");
    assert_int_equal(v->n_hugepages, atoll(npages) - 1);
    /* Free pages per size: virsh asks cell by cell (--all); with no cells there is nothing
     * of virsh's to compare with. */
    _cleanup_free_ char *ncells = xp(caps, "count(/capabilities/host/topology/cells/cell)");
    for (size_t i = 0; i < v->n_hugepages && atoi(ncells) > 0; i++) {
        char size[32];
        snprintf(size, sizeof(size), "%lld", (long long)v->hugepages[i].size_kib);
        _cleanup_free_ char *fp = VIRSH(uri, "freepages", "--all", "--pagesize", size);
        /* "Node 0:\n2048KiB: 45\n\nNode 1:\n..." */
        _cleanup_free_ char *key = mc_xasprintf("%sKiB: ", size);
        long long sum = 0;
        for (const char *p = strstr(fp, key); p; p = strstr(p + 1, key))
            sum += atoll(p + strlen(key));
        assert_int_equal(v->hugepages[i].free, sum);
        _cleanup_free_ char *e = mc_xasprintf("sum(//topology//pages[@size='%s'])", size);
        _cleanup_free_ char *tot = xp(caps, e);
        assert_int_equal(v->hugepages[i].total, atoll(tot));
    }

    /* pools */
    _cleanup_free_ char *pl = VIRSH(uri, "pool-list", "--all", "--name");
    _cleanup_strv_free_ char **pools = lines(pl);
    assert_int_equal(v->n_pools, mc_strv_length(pools));
    STRV_FOREACH (name, pools) {
        const struct mc_pool *p = mc_virt_find_pool(v, *name);
        if (!p)
            fail_msg("pool '%s' of virsh is missing", *name);
        _cleanup_free_ char *info = VIRSH(uri, "pool-info", *name);
        _cleanup_free_ char *st = kv(info, "State"), *pers = kv(info, "Persistent"),
                            *auto_ = kv(info, "Autostart"), *uuid = kv(info, "UUID");
        assert_int_equal(p->active, yes(st));
        assert_int_equal(p->persistent, yes(pers));
        assert_int_equal(p->autostart, yes(auto_));
        assert_str_or_null(p->uuid, uuid, "pool uuid");
        _cleanup_free_ char *xml = VIRSH(uri, "pool-dumpxml", *name);
        _cleanup_free_ char *type = xp(xml, "/pool/@type"), *path = xp(xml, "/pool/target/path"),
                            *host = xp(xml, "/pool/source/host/@name"),
                            *dir = xp(xml, "/pool/source/dir/@path"),
                            *dev = xp(xml, "/pool/source/device/@path"),
                            *iqn = xp(xml, "/pool/source/initiator/iqn/@name"),
                            *cap = xp(xml, "/pool/capacity");
        assert_str_or_null(p->type, type, "pool type");
        assert_str_or_null(p->target_path, path, "pool target");
        assert_str_or_null(p->source_host, host, "pool host");
        assert_str_or_null(p->source_dir, dir, "pool dir");
        assert_str_or_null(p->source_device, dev, "pool device");
        assert_str_or_null(p->initiator_iqn, iqn, "pool initiator");
        assert_int_equal(p->capacity, cap ? atoll(cap) : 0);
    }

    /* networks */
    _cleanup_free_ char *nl = VIRSH(uri, "net-list", "--all", "--name");
    _cleanup_strv_free_ char **nets = lines(nl);
    assert_int_equal(v->n_networks, mc_strv_length(nets));
    STRV_FOREACH (name, nets) {
        const struct mc_vnet *n = mc_virt_find_network(v, *name);
        if (!n)
            fail_msg("network '%s' of virsh is missing", *name);
        _cleanup_free_ char *info = VIRSH(uri, "net-info", *name);
        _cleanup_free_ char *act = kv(info, "Active"), *pers = kv(info, "Persistent"),
                            *auto_ = kv(info, "Autostart"), *br = kv(info, "Bridge"),
                            *uuid = kv(info, "UUID");
        assert_int_equal(n->active, yes(act));
        assert_int_equal(n->persistent, yes(pers));
        assert_int_equal(n->autostart, yes(auto_));
        assert_str_or_null(n->uuid, uuid, "network uuid");
        if (br && *br)
            assert_str_or_null(n->bridge, br, "network bridge");
        _cleanup_free_ char *xml = VIRSH(uri, "net-dumpxml", *name);
        _cleanup_free_ char *mode = xp(xml, "/network/forward/@mode"),
                            *fwd = xp(xml, "count(/network/forward)"),
                            *mtu = xp(xml, "/network/mtu/@size");
        if (mode)
            assert_str_or_null(n->forward_mode, mode, "forward mode");
        else
            assert_string_equal(n->forward_mode, atoi(fwd) ? "nat" : "none");
        assert_int_equal(n->mtu, mtu ? atoll(mtu) : 0);
    }

    /* domains */
    _cleanup_free_ char *dl = VIRSH(uri, "list", "--all", "--name");
    _cleanup_strv_free_ char **doms = lines(dl);
    assert_int_equal(v->n_domains, mc_strv_length(doms));
    STRV_FOREACH (name, doms) {
        const struct mc_domain_ref *d = NULL;
        for (size_t i = 0; i < v->n_domains; i++)
            if (strcmp(v->domains[i].name, *name) == 0)
                d = &v->domains[i];
        if (!d)
            fail_msg("domain '%s' of virsh is missing", *name);
        _cleanup_free_ char *info = VIRSH(uri, "dominfo", *name);
        _cleanup_free_ char *st = kv(info, "State"), *pers = kv(info, "Persistent"),
                            *uuid = kv(info, "UUID");
        assert_str_or_null(d->uuid, uuid, "domain uuid");
        assert_int_equal(d->persistent, yes(pers));
        /* virsh says "shut off", libvirt's enum SHUTOFF */
        _cleanup_free_ char *want = mc_xstrdup(strcmp(st, "shut off") == 0 ? "shutoff" : st);
        assert_str_or_null(d->state, want, "domain state");
        assert_int_equal(d->active, strcmp(want, "shutoff") != 0);
    }
}

static void test_host(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(uris); i++) {
        for (int ro = 0; ro < 2; ro++) {
            _cleanup_(mc_host_facts_freep) struct mc_host_facts *h =
                gather(uris[i], ro, DATA "hosts/custom");
            assert_no_errors(h);
            compare_host(uris[i], h);
            /* qemu.conf came through the source */
            assert_true(h->virt.qemu_conf.readable);
            assert_string_equal(h->virt.qemu_conf.migration_address, "169.254.42.11");
            /* TLS directories as libvirt resolves them: the setting, else the fixture's
             * /etc/pki/libvirt-vnc, else default_tls_x509_cert_dir */
            const struct mc_qemu_conf *q = &h->virt.qemu_conf;
            assert_string_equal(q->vnc_tls_dir, "/etc/pki/libvirt-vnc");
            assert_string_equal(q->chardev_tls_dir, "/srv/pki/chardev");
            assert_string_equal(q->spice_tls_dir, "/etc/pki/site-qemu");
            assert_string_equal(q->nbd_tls_dir, "/etc/pki/site-qemu");
        }
    }
}

/* The custom node has what test:///default lacks: check it is really there. */
static void test_node_contents(void **state)
{
    (void)state;
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h =
        gather(uris[1], true, DATA "hosts/debian12");
    assert_no_errors(h);
    assert_true(h->virt.n_pools >= 5);
    assert_true(h->virt.n_networks >= 4);
    assert_true(h->virt.n_domains >= 5);
    const struct mc_pool *p = mc_virt_find_pool(&h->virt, "iscsi-direct");
    assert_non_null(p);
    assert_non_null(p->initiator_iqn);
    const struct mc_vnet *n = mc_virt_find_network(&h->virt, "direct-pf");
    assert_non_null(n);
    assert_non_null(n->forward_dev);
    bool transient = false, shutoff = false;
    for (size_t i = 0; i < h->virt.n_domains; i++) {
        transient |= !h->virt.domains[i].persistent;
        shutoff |= !h->virt.domains[i].active;
    }
    assert_true(transient && shutoff);
    assert_true(h->virt.qemu_conf.readable);
    assert_null(h->virt.qemu_conf.migration_address);
}

/* ---- a VM ---- */

static void compare_vm(const char *uri, const char *name, const struct mc_vm_facts *vm)
{
    assert_non_null(vm);
    assert_string_equal(vm->name, name);
    _cleanup_free_ char *uuid = mc_strip_trailing(VIRSH(uri, "domuuid", name));
    assert_str_or_null(vm->uuid, uuid, "uuid");

    /* "running (booted)", "shut off (unknown)" */
    _cleanup_free_ char *st = mc_strip_trailing(VIRSH(uri, "domstate", "--reason", name));
    char *paren = strrchr(st, '(');
    assert_non_null(paren);
    paren[-1] = '\0';
    paren[strlen(paren) - 1] = '\0';
    const char *state = strcmp(st, "shut off") == 0 ? "shutoff" : st;
    assert_str_or_null(vm->state, state, "state");
    _cleanup_free_ char *reason = mc_xstrdup(paren + 1);
    for (char *c = reason; *c; c++)
        if (*c == ' ')
            *c = '-';
    assert_str_or_null(vm->state_reason, reason, "state reason");

    _cleanup_free_ char *info = VIRSH(uri, "dominfo", name);
    _cleanup_free_ char *pers = kv(info, "Persistent"), *auto_ = kv(info, "Autostart"),
                        *ms = kv(info, "Managed save"), *id = kv(info, "Id");
    assert_int_equal(vm->persistent, yes(pers));
    assert_int_equal(vm->autostart, yes(auto_));
    assert_int_equal(vm->has_managed_save, yes(ms));
    assert_int_equal(vm->id, strcmp(id, "-") == 0 ? 0 : atoll(id));

    _cleanup_free_ char *snaps = VIRSH(uri, "snapshot-list", "--name", name);
    _cleanup_strv_free_ char **sl = lines(snaps);
    assert_int_equal(vm->snapshots, mc_strv_length(sl));

    /* The devices of the XML virsh prints (inactive XML for a shut-off domain). */
    bool active = strcmp(state, "shutoff") != 0;
    _cleanup_free_ char *xml =
        active ? VIRSH(uri, "dumpxml", name) : VIRSH(uri, "dumpxml", "--inactive", name);
    _cleanup_free_ char *ndisks = xp(xml, "count(/domain/devices/disk)"),
                        *nifaces = xp(xml, "count(/domain/devices/interface)"),
                        *mem = xp(xml, "/domain/memory"), *vcpu = xp(xml, "/domain/vcpu"),
                        *disk1 = xp(xml, "/domain/devices/disk[1]/source/@file | "
                                         "/domain/devices/disk[1]/source/@dev");
    assert_int_equal(vm->n_disks, atoll(ndisks));
    assert_int_equal(vm->n_ifaces, atoll(nifaces));
    assert_int_equal(vm->memory_kib, atoll(mem)); /* virsh prints KiB */
    assert_int_equal(vm->vcpus, atoll(vcpu));
    if (vm->n_disks)
        assert_str_or_null(vm->disks[0].source, disk1, "first disk");
    assert_non_null(vm->xml);
}

static void test_vms(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(uris); i++) {
        for (int ro = 0; ro < 2; ro++) {
            virConnectPtr conn = conns[i][ro];
            _cleanup_free_ char *dl = VIRSH(uris[i], "list", "--all", "--name");
            _cleanup_strv_free_ char **doms = lines(dl);
            assert_non_null(doms);
            STRV_FOREACH (name, doms) {
                _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
                mc_vm_gather(conn, *name, h);
                assert_no_errors(h);
                compare_vm(uris[i], *name, h->vm);

                /* The same domain by its UUID */
                _cleanup_(mc_host_facts_freep) struct mc_host_facts *h2 = mc_host_facts_new();
                mc_vm_gather(conn, h->vm->uuid, h2);
                assert_no_errors(h2);
                assert_string_equal(h2->vm->name, *name);
            }
        }
    }
}

static void test_missing_vm(void **state)
{
    (void)state;
    virConnectPtr conn = conns[1][1];
    const char *const names[] = { "no-such-vm", "00000000-0000-4000-8000-00000000abcd" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
        mc_vm_gather(conn, names[i], h);
        assert_null(h->vm);
        assert_int_equal(h->n_errors, 1);
        assert_string_equal(h->errors[0].area, "vm");
        assert_int_equal(h->errors[0].err, ENOENT);
        assert_non_null(strstr(h->errors[0].message, names[i]));
        assert_true(mc_facts_area_failed(h, MC_AREA_VM));
        assert_false(mc_facts_area_failed(h, MC_AREA_VIRT));
    }
}

/* qemu.conf that cannot be read or parsed: defaults, one error, and the rest gathered. */
static void test_qemu_conf_failures(void **state)
{
    (void)state;
    static const struct {
        const char *root;
        int err;
    } cases[] = {
        { DATA "hosts/no-qemu-conf", ENOENT }, /* the file is not there */
        { DATA "hosts/broken", EBADMSG },      /* libvirtd would refuse it too */
        { NULL, ENOTSUP },                     /* no access to the host's files */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        _cleanup_(mc_host_facts_freep) struct mc_host_facts *h =
            gather(uris[1], true, cases[i].root);
        size_t nq = 0;
        for (size_t k = 0; k < h->n_errors; k++) {
            if (strcmp(h->errors[k].area, "virt/qemu-conf") != 0)
                continue;
            nq++;
            assert_int_equal(h->errors[k].err, cases[i].err);
            assert_non_null(strstr(h->errors[k].message, "qemu.conf"));
        }
        assert_int_equal(nq, 1);
        assert_true(mc_facts_area_failed(h, MC_AREA_VIRT));
        assert_false(h->virt.qemu_conf.readable);
        assert_int_equal(h->virt.qemu_conf.migration_port_min, 49152);
        assert_int_equal(h->virt.qemu_conf.migration_port_max, 49215);
        assert_null(h->virt.qemu_conf.migration_address);
        /* everything else is still there */
        compare_host(uris[1], h);
    }
}

/* Private secrets: a non-empty value file says the value is set; nothing else changes. */
static void test_secret_values(void **state)
{
    (void)state;
    static const struct {
        const char *uuid;
        bool private_, ephemeral;
        const char *before, *after;
    } cases[] = {
        { "0a4b7f52-9a59-4f4e-8d3c-6a1b2c3d4e51", true, false, "unknown", "set" },
        { "1b5c8063-ab6a-4051-9e4d-7b2c3d4e5f62", true, false, "unknown", "unknown" }, /* empty */
        { "2c6d9174-bc7b-4162-af5e-8c3d4e5f6073", true, false, "unknown", "unknown" }, /* none */
        { "0a4b7f52-9a59-4f4e-8d3c-6a1b2c3d4e51", true, true, "unknown",
          "unknown" },                                                              /* ephemeral */
        { "0a4b7f52-9a59-4f4e-8d3c-6a1b2c3d4e51", false, false, "unset", "unset" }, /* readable */
    };
    for (int system = 0; system < 2; system++) {
        _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
        h->virt.uri = mc_xstrdup(system ? "qemu+ssh://kvm1/system" : "qemu:///session");
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
            struct mc_secret *s = MC_APPEND(h->virt.secrets, h->virt.n_secrets);
            s->uuid = mc_xstrdup(cases[i].uuid);
            s->private_ = cases[i].private_;
            s->ephemeral = cases[i].ephemeral;
            s->value = mc_xstrdup(cases[i].before);
        }
        _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs(DATA "hosts/custom", false);
        mc_virt_secret_values_from(src, h);
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
            assert_string_equal(h->virt.secrets[i].value,
                                system ? cases[i].after : cases[i].before);
    }
}

int main(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(uris); i++) {
        for (int ro = 0; ro < 2; ro++) {
            struct mc_error err = { 0 };
            if (mc_virt_open(uris[i], ro, &conns[i][ro], &err) < 0) {
                fprintf(stderr, "%s\n", err.message);
                return 1;
            }
        }
    }
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_node_contents),
        cmocka_unit_test(test_vms),
        cmocka_unit_test(test_missing_vm),
        cmocka_unit_test(test_qemu_conf_failures),
        cmocka_unit_test(test_secret_values),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(uris); i++)
        for (int ro = 0; ro < 2; ro++)
            virConnectClose(conns[i][ro]);
    return r;
}
