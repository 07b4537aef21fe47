/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Against a real libvirtd + QEMU: run inside a lab hypervisor host
 * (tests/virt/lab-virt.sh runs it with `labctl exec lab-b`). What the test
 * driver cannot do is checked here, each against virsh in the same host or
 * the host's own configuration files:
 *  - the host-model CPU from the domain capabilities (read-write connection),
 *  - the host UUID (libvirtd.conf host_uuid, which the lab sets per host),
 *  - free huge pages, qemu.conf through the local source,
 *  - virConnectCompareHypervisorCPU for kvm and qemu guests, compatible and
 *    not, and the missing features parsed out of libvirt's message,
 *  - a running domain's facts (state, reason, id, job, migratable XML).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "checker/xml-util.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

#define URI      "qemu:///system"
#define TEST_DOM "mc-virt-lab-probe"

static char *run(int *ret_exit, char **ret_err, const char *const *argv)
{
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 60000 };
    struct mc_spawn_result r = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &r, &err) < 0)
        fail_msg("cannot run %s: %s", argv[0], err.message);
    if (ret_exit)
        *ret_exit = r.exit_code;
    else if (r.exit_code != 0)
        fail_msg("%s %s failed (%d): %s", argv[0], argv[1], r.exit_code, r.err);
    if (ret_err)
        *ret_err = TAKE_PTR(r.err);
    char *out = TAKE_PTR(r.out);
    mc_spawn_result_clear(&r);
    return out;
}

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

static virConnectPtr open_conn(bool readonly)
{
    virConnectPtr conn = NULL;
    struct mc_error err = { 0 };
    if (mc_virt_open(URI, readonly, &conn, &err) < 0)
        fail_msg("%s", err.message);
    return conn;
}

/* ---- host facts that need the real daemon ---- */

static void test_host(void **state)
{
    (void)state;
    virConnectPtr conn = open_conn(false);
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    double t0 = mc_now();
    mc_virt_gather(conn, src, h);
    print_message("mc_virt_gather took %.1f ms\n", (mc_now() - t0) * 1000);
    for (size_t i = 0; i < h->n_errors; i++)
        fail_msg("unexpected error %s: %s", h->errors[i].area, h->errors[i].message);
    const struct mc_virt_facts *v = &h->virt;

    /* The host UUID is the one the lab wrote into this host's libvirtd.conf. */
    _cleanup_free_ char *conf = NULL;
    size_t len;
    assert_int_equal(mc_read_file("/etc/libvirt/libvirtd.conf", 1 << 20, &conf, &len), 0);
    const char *u = strstr(conf, "host_uuid");
    assert_non_null(u);
    u = strchr(u, '"');
    assert_non_null(u);
    _cleanup_free_ char *uuid = mc_xstrndup(u + 1, strcspn(u + 1, "\""));
    assert_non_null(v->host_uuid);
    assert_string_equal(v->host_uuid, uuid);

    /* The host-model CPU of the domain capabilities for the best virt type. */
    assert_non_null(v->host_model_xml);
    const char *vt = "qemu";
    for (size_t i = 0; i < v->n_guests; i++)
        if (strcmp(v->guests[i].arch, v->cpu_arch) == 0 &&
            mc_strv_contains(v->guests[i].domain_types, "kvm"))
            vt = "kvm";
    const char *dc_argv[] = { "virsh", "-c", URI, "domcapabilities", "--virttype", vt, NULL };
    _cleanup_free_ char *dc = run(NULL, NULL, dc_argv);
    _cleanup_free_ char *want = xp(dc, "//cpu/mode[@name='host-model']/model");
    _cleanup_free_ char *got = xp(v->host_model_xml, "/cpu/model");
    assert_non_null(want);
    assert_string_equal(got, want);
    _cleanup_free_ char *nwant = xp(dc, "count(//cpu/mode[@name='host-model']/feature)");
    _cleanup_free_ char *ngot = xp(v->host_model_xml, "count(/cpu/feature)");
    assert_string_equal(ngot, nwant);

    /* Free huge pages per size, as virsh sums them over the cells. */
    for (size_t i = 0; i < v->n_hugepages; i++) {
        char size[32];
        snprintf(size, sizeof(size), "%lld", (long long)v->hugepages[i].size_kib);
        const char *fp_argv[] = {
            "virsh", "-c", URI, "freepages", "--all", "--pagesize", size, NULL
        };
        _cleanup_free_ char *fp = run(NULL, NULL, fp_argv);
        _cleanup_free_ char *key = mc_xasprintf("%sKiB: ", size);
        long long sum = 0;
        for (const char *p = strstr(fp, key); p; p = strstr(p + 1, key))
            sum += atoll(p + strlen(key));
        assert_int_equal(v->hugepages[i].free, sum);
    }

    /* qemu.conf through the source: the lab writes migration_address for each host. */
    _cleanup_free_ char *qc = NULL;
    assert_int_equal(mc_read_file("/etc/libvirt/qemu.conf", 1 << 20, &qc, &len), 0);
    assert_true(v->qemu_conf.readable);
    const char *ma = strstr(qc, "\nmigration_address");
    if (ma) {
        ma = strchr(ma, '"');
        _cleanup_free_ char *addr = mc_xstrndup(ma + 1, strcspn(ma + 1, "\""));
        assert_string_equal(v->qemu_conf.migration_address, addr);
    } else {
        assert_null(v->qemu_conf.migration_address);
    }
    virConnectClose(conn);
}

/* ---- CPU comparison ---- */

static struct mc_vm_facts *fixture_vm(void)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    assert_int_equal(
        mc_read_file(MC_TEST_DATA "/virt/domain/lab-qemu-nfs.xml", 1 << 20, &buf, &len), 0);
    struct mc_vm_facts *vm = NULL;
    struct mc_error err = { 0 };
    if (mc_domain_xml_parse(buf, len, "lab fixture", &vm, &err) < 0)
        fail_msg("%s", err.message);
    return vm;
}

/* virsh's verdict on the same CPU: "identical", "superset", "incompatible"; and with --error
 * libvirt's message on stderr. */
static const char *virsh_compare(const struct mc_vm_facts *vm, char **ret_message)
{
    char path[] = "/tmp/mc-virt-lab-cpu-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(mc_write_all(fd, vm->cpu_xml, strlen(vm->cpu_xml)), 0);
    close(fd);
    const char *argv[] = { "virsh",
                           "-c",
                           URI,
                           "hypervisor-cpu-compare",
                           "--error",
                           "--arch",
                           vm->arch,
                           "--machine",
                           vm->machine,
                           "--virttype",
                           vm->domain_type,
                           path,
                           NULL };
    int rc = 0;
    char *err = NULL;
    _cleanup_free_ char *out = run(&rc, &err, argv);
    unlink(path);
    *ret_message = err;
    if (strstr(out, "identical"))
        return "identical";
    if (strstr(out, "superset"))
        return "superset";
    if (rc != 0 && strstr(err, "incompatible"))
        return "incompatible";
    if (rc != 0 && strstr(err, "not supported"))
        return "error"; /* e.g. a virt type this host lacks: "the accel 'kvm' is not supported" */
    fail_msg("unexpected virsh answer (%d): %s %s", rc, out, err);
    return NULL;
}

static void set_str(char **field, const char *value)
{
    free(*field);
    *field = mc_xstrdup(value);
}

/* Does this host offer virt type vt for x86_64 guests? (No /dev/kvm: only "qemu".) */
static bool host_has_virttype(const char *vt)
{
    const char *argv[] = { "virsh", "-c", URI, "capabilities", NULL };
    _cleanup_free_ char *caps = run(NULL, NULL, argv);
    _cleanup_free_ char *expr =
        mc_xasprintf("count(//guest/arch[@name='x86_64']/domain[@type='%s'])", vt);
    _cleanup_free_ char *n = xp(caps, expr);
    return n && strcmp(n, "0") != 0;
}

static void test_cpu_compare(void **state)
{
    (void)state;
    virConnectPtr conn = open_conn(false);
    bool saw_incompatible = false;
    static const char *const types[] = { "qemu", "kvm" };
    static const char *const extra[] = { NULL, "avx512-fp16", "svm" };
    for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
        for (size_t e = 0; e < ARRAY_SIZE(extra); e++) {
            _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = fixture_vm();
            set_str(&vm->domain_type, types[t]);
            if (extra[e]) {
                _cleanup_free_ char *xml = mc_xasprintf(
                    "<cpu mode='custom' match='exact' check='none'><model fallback='forbid'>"
                    "qemu64</model><feature policy='require' name='%s'/></cpu>",
                    extra[e]);
                set_str(&vm->cpu_xml, xml);
            }
            struct mc_cpu_compare c;
            struct mc_error err = { 0 };
            assert_int_equal(mc_virt_compare_cpu(conn, vm, &c, &err), 0);
            _cleanup_free_ char *vmsg = NULL;
            const char *want = virsh_compare(vm, &vmsg);
            print_message("%s + %s: migcheck %s, virsh %s\n", types[t], extra[e] ? extra[e] : "-",
                          mc_cpu_compare_result_name(c.result), want);
            /*
             * Like with like: where the host has the virt type, migcheck and virsh agree on the
             * comparison; where it lacks it (no /dev/kvm), both refuse, with libvirt's reason.
             */
            if (!host_has_virttype(types[t])) {
                assert_string_equal(want, "error");
                assert_int_equal(c.result, MC_CPU_COMPARE_ERROR);
                assert_non_null(c.message);
                assert_non_null(strstr(vmsg, c.message));
                mc_cpu_compare_clear(&c);
                continue;
            }
            assert_string_equal(mc_cpu_compare_result_name(c.result), want);
            if (c.result == MC_CPU_COMPARE_INCOMPATIBLE) {
                saw_incompatible = true;
                /* the same features as libvirt's message through virsh */
                _cleanup_strv_free_ char **vm_missing = mc_cpu_missing_features(vmsg);
                assert_non_null(c.missing_features);
                _cleanup_free_ char *a = mc_strv_join(c.missing_features, ",");
                _cleanup_free_ char *b = mc_strv_join(vm_missing, ",");
                assert_string_equal(a, b);
                if (extra[e] && t == 0)
                    assert_true(mc_strv_contains(c.missing_features, extra[e]));
            }
            mc_cpu_compare_clear(&c);
        }
    }
    assert_true(saw_incompatible);

    /* A machine type this host lacks: compared with the default machine instead. */
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm = fixture_vm();
    set_str(&vm->machine, "pc-q35-rhel9.4.0");
    struct mc_cpu_compare c;
    struct mc_error err = { 0 };
    assert_int_equal(mc_virt_compare_cpu(conn, vm, &c, &err), 0);
    assert_int_not_equal(c.result, MC_CPU_COMPARE_ERROR);
    assert_non_null(strstr(c.message, "default machine type"));
    mc_cpu_compare_clear(&c);
    virConnectClose(conn);

    /* Read-only: libvirt refuses, and the result says so. */
    conn = open_conn(true);
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *ro = fixture_vm();
    assert_int_equal(mc_virt_compare_cpu(conn, ro, &c, &err), 0);
    assert_int_equal(c.result, MC_CPU_COMPARE_ERROR);
    assert_int_equal(c.error, -EPERM);
    assert_non_null(strstr(c.message, "read only"));
    mc_cpu_compare_clear(&c);
    virConnectClose(conn);
}

/* ---- a running domain ---- */

static int destroy_probe(void **state)
{
    (void)state;
    virConnectPtr conn = open_conn(false);
    virDomainPtr d = virDomainLookupByName(conn, TEST_DOM);
    if (d) {
        virDomainDestroy(d);
        virDomainFree(d);
    }
    virResetLastError();
    virConnectClose(conn);
    return 0;
}

static void test_running_domain(void **state)
{
    (void)state;
    virConnectPtr conn = open_conn(false);
    /* A transient TCG guest with no disk: SeaBIOS idles; gone when destroyed. */
    const char *xml = "<domain type='qemu'><name>" TEST_DOM "</name><memory unit='MiB'>32</memory>"
                      "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
                      "<devices><serial type='pty'/><memballoon model='none'/></devices></domain>";
    virDomainPtr dom = virDomainCreateXML(conn, xml, 0);
    if (!dom)
        fail_msg("cannot start the probe domain: %s", virGetLastErrorMessage());
    virDomainFree(dom);

    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_host_facts_new();
    mc_vm_gather(conn, TEST_DOM, h);
    for (size_t i = 0; i < h->n_errors; i++)
        fail_msg("unexpected error %s: %s", h->errors[i].area, h->errors[i].message);
    const struct mc_vm_facts *vm = h->vm;
    assert_non_null(vm);
    assert_string_equal(vm->state, "running");
    assert_string_equal(vm->state_reason, "booted");
    assert_false(vm->persistent);
    assert_string_equal(vm->job, "none");

    const char *id_argv[] = { "virsh", "-c", URI, "domid", TEST_DOM, NULL };
    _cleanup_free_ char *id = run(NULL, NULL, id_argv);
    assert_int_equal(vm->id, atoll(id));
    /* The migratable XML, as virsh prints it: the same CPU the destination must accept. */
    const char *mx_argv[] = { "virsh", "-c", URI, "dumpxml", "--migratable", TEST_DOM, NULL };
    _cleanup_free_ char *mx = run(NULL, NULL, mx_argv);
    _cleanup_free_ char *model = xp(mx, "/domain/cpu/model");
    _cleanup_free_ char *mode = xp(mx, "/domain/cpu/@mode");
    assert_non_null(vm->cpu_model);
    assert_string_equal(vm->cpu_model, model);
    assert_string_equal(vm->cpu_mode, mode);
    _cleanup_free_ char *aliases = xp(vm->xml, "count(//alias)");
    _cleanup_free_ char *valiases = xp(mx, "count(//alias)");
    assert_string_equal(aliases, valiases);
    virConnectClose(conn);
}

int main(void)
{
    mc_virt_init();
    mc_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_cpu_compare),
        cmocka_unit_test_setup_teardown(test_running_domain, destroy_probe, destroy_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
