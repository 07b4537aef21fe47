/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The provisioning planner and the parsers it reads the storage host with (storage/server.h,
 * storage/provision.h). The fixtures under tests/data/storage/provision are recordings: the
 * lab storage host's ganesha.conf with two blocks migcheck provision added, tgtadm's listing
 * of two targets it made, and `qemu-img info --output=json --backing-chain` of a three-image
 * chain. The planner is pure: facts in, steps out; what the steps do on real hosts is
 * tests/lab/test-provision.sh's business.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/facts-schema.h"
#include "checker/facts.h"
#include "checker/plan.h"
#include "sn-test-util.h"
#include "storage/provision.h"
#include "storage/server.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- parsers ---- */

static void test_ganesha_conf(void **state)
{
    (void)state;
    size_t len = 0;
    _cleanup_free_ char *buf = sn_fixture("storage/provision/ganesha.conf", &len);
    assert_non_null(buf);
    struct mc_nfs_export *e = NULL;
    size_t n = 0;
    char **inc = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(
        mc_ganesha_conf_parse(buf, len, "/etc/ganesha/ganesha.conf", &e, &n, &inc, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(e[0].id, 1);
    assert_string_equal(e[0].path, "/srv/nfs");
    assert_null(e[0].marker);
    assert_int_equal(e[2].id, 100);
    assert_string_equal(e[2].path, "/var/lib/libvirt/images/migcheck/pv2-7f2a8b9e");
    assert_string_equal(e[2].marker, "pv2-7f2a8b9e");
    assert_int_equal(e[2].n_clients, 1);
    assert_int_equal(mc_strv_length(e[2].clients[0].clients), 2);
    /* the export admits exactly the two hypervisors, read-write */
    assert_int_equal(mc_nfs_export_admits(&e[2], "169.254.42.11"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&e[2], "169.254.42.12"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&e[2], "169.254.42.13"), MC_NFS_ADMIT_NO);
    /* the lab's own export admits everyone */
    assert_int_equal(mc_nfs_export_admits(&e[0], "169.254.42.13"), MC_NFS_ADMIT_RW);
    struct mc_storage_server s = { .nfs = MC_NFS_SERVER_GANESHA, .exports = e, .n_exports = n };
    assert_int_equal(mc_storage_server_free_export_id(&s, 100), 102);
    assert_int_equal(mc_storage_server_free_export_id(&s, 1), 3);
    assert_ptr_equal(mc_storage_server_find_export(&s, "/srv/nfs2"), &e[1]);
    assert_null(mc_storage_server_find_export(&s, "/srv"));
    mc_nfs_exports_free(e, n);
    mc_strv_free(inc);
}

static void test_ganesha_conf_bad(void **state)
{
    (void)state;
    const char *bad[] = { "EXPORT {", "EXPORT { Path = \"/x; }", "EXPORT { Export_Id = ; }" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mc_nfs_export *e = NULL;
        size_t n = 0;
        char **inc = NULL;
        struct mc_error err = { 0 };
        int r = mc_ganesha_conf_parse(bad[i], strlen(bad[i]), "f", &e, &n, &inc, &err);
        if (r < 0) {
            assert_non_null(err.message);
            mc_error_clear(&err);
        }
        mc_nfs_exports_free(e, n);
        mc_strv_free(inc);
    }
}

static void test_exports(void **state)
{
    (void)state;
    const char *t = "# comment\n"
                    "/srv/a 169.254.42.11(rw,sync,no_root_squash) 169.254.42.0/24(ro)\n"
                    "\"/srv/with space\" -rw,all_squash *\n"
                    "/srv/b \\\n   @netgroup(rw)\n";
    struct mc_nfs_export *e = NULL;
    size_t n = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_exports_parse(t, strlen(t), "/etc/exports", &e, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(e[0].path, "/srv/a");
    assert_int_equal(mc_nfs_export_admits(&e[0], "169.254.42.11"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&e[0], "169.254.42.12"), MC_NFS_ADMIT_NO);
    assert_string_equal(e[1].path, "/srv/with space");
    assert_int_equal(mc_nfs_export_admits(&e[1], "169.254.42.99"), MC_NFS_ADMIT_RW);
    assert_string_equal(e[2].path, "/srv/b");
    assert_int_equal(mc_nfs_export_admits(&e[2], "169.254.42.11"), MC_NFS_ADMIT_UNKNOWN);
    mc_nfs_exports_free(e, n);
}

static void test_tgt_show(void **state)
{
    (void)state;
    size_t len = 0;
    _cleanup_free_ char *buf = sn_fixture("storage/provision/tgtadm-show.txt", &len);
    assert_non_null(buf);
    struct mc_tgt_target *t = NULL;
    size_t n = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_tgt_show_parse(buf, len, &t, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].tid, 1);
    assert_string_equal(t[0].iqn, "iqn.2026-12.org.migcheck:pv3-1e41d40f");
    assert_int_equal(t[0].n_luns, 2);
    assert_int_equal(t[0].luns[1].lun, 1);
    assert_string_equal(t[0].luns[1].path,
                        "/var/lib/libvirt/images/migcheck/pv3-b8d042eb/pv3-vda-1e41d40f.lun");
    assert_string_equal(t[0].luns[1].serial, "beaf11");
    assert_int_equal(mc_strv_length(t[0].acl), 2);
    assert_string_equal(t[0].acl[0], "169.254.42.11");
    assert_string_equal(t[0].acl[1], "169.254.42.12");
    assert_int_equal(t[1].tid, 2);
    struct mc_storage_server s = { .targets = t, .n_targets = n, .targets_known = true };
    assert_int_equal(mc_storage_server_free_tid(&s, 1), 3);
    assert_ptr_equal(mc_storage_server_find_target(&s, "iqn.2026-12.org.migcheck:pv4-b99311fe"),
                     &t[1]);
    mc_tgt_targets_free(t, n);
}

static void test_qemu_img_info(void **state)
{
    (void)state;
    size_t len = 0;
    _cleanup_free_ char *buf = sn_fixture("storage/provision/qemu-img-chain.json", &len);
    assert_non_null(buf);
    struct mc_prov_layer *l = NULL;
    size_t n = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_qemu_img_info_parse(buf, len, &l, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(l[0].path, "/var/lib/libvirt/images/top.qcow2");
    assert_string_equal(l[0].format, "qcow2");
    assert_string_equal(l[0].backing, "mid.qcow2");
    assert_int_equal(l[0].virtual_size, 16777216);
    assert_string_equal(l[2].path, "/var/lib/libvirt/images/base img.raw");
    assert_string_equal(l[2].format, "raw");
    assert_null(l[2].backing);
    mc_prov_layers_free(l, n);
    const char *bad[] = { "", "[]", "{\"filename\": 1}", "[{\"filename\":\"a\"}]", "nul" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        l = NULL, n = 0;
        assert_true(mc_qemu_img_info_parse(bad[i], strlen(bad[i]), &l, &n, &err) < 0);
        assert_non_null(err.message);
        assert_null(l);
        mc_error_clear(&err);
    }
}

static void test_safe_name(void **state)
{
    (void)state;
    const char *in[] = { "web 1/x", "..", "a'b\"c\nd", "", "ok-name_1.2" };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        _cleanup_free_ char *s = mc_provision_safe_name(in[i]);
        assert_non_null(s);
        assert_true(*s && *s != '.');
        for (const char *p = s; *p; p++)
            assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789._-",
                                   *p));
    }
    _cleanup_free_ char *k = mc_provision_safe_name("ok-name_1.2");
    assert_string_equal(k, "ok-name_1.2");
}

/* ---- editing a disk ---- */

static const char *const domain_xml =
    "<domain type='kvm'><name>web1</name><devices>"
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/var/lib/libvirt/images/web1.qcow2'/><backingStore/>"
    "<target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>"
    "</devices></domain>";

static void test_edit_disk(void **state)
{
    (void)state;
    const char *nfs = "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
                      "<source protocol='nfs' name='/srv/x/web1.img'><host name='nas'/>"
                      "</source></disk>";
    _cleanup_free_ char *out = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_provision_edit_disk(domain_xml, "vda", nfs, &out, &err), 0);
    /* one type attribute, replaced (libvirt refuses a redefined attribute) */
    assert_non_null(strstr(out, "<disk type=\"network\" device=\"disk\">"));
    assert_null(strstr(out, "type=\"file\" device=\"disk\""));
    assert_non_null(strstr(out, "protocol=\"nfs\""));
    assert_non_null(strstr(out, "<driver name=\"qemu\" type=\"raw\"/>"));
    assert_null(strstr(out, "backingStore"));
    assert_null(strstr(out, "web1.qcow2"));
    assert_non_null(strstr(out, "<target dev=\"vda\""));
    /* and back */
    const char *file = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                       "<source file='/var/lib/libvirt/images/web1.qcow2'/></disk>";
    _cleanup_free_ char *back = NULL;
    assert_int_equal(mc_provision_edit_disk(out, "vda", file, &back, &err), 0);
    assert_non_null(strstr(back, "<disk type=\"file\" device=\"disk\">"));
    assert_null(strstr(back, "protocol="));
    assert_non_null(strstr(back, "web1.qcow2"));
    _cleanup_free_ char *none = NULL;
    assert_int_equal(mc_provision_edit_disk(domain_xml, "vdz", file, &none, &err), -ENOENT);
    mc_error_clear(&err);
    assert_true(mc_provision_edit_disk("<domain", "vda", file, &none, &err) < 0);
    mc_error_clear(&err);
}

/* ---- the planner ---- */

struct world {
    struct mc_host_facts src, dst, storage;
    struct mc_storage_server server;
    struct mc_prov_disk disk;
    struct mc_prov_layer layers[2];
    struct mc_provision_input in;
    struct mc_provision_opts o;
};

static void host(struct mc_host_facts *h, const char *addr, const char *uuid, int64_t uid)
{
    h->os.qemu_user = mc_xstrdup(uid == 0 ? "root" : "qemu");
    h->os.qemu_uid = uid;
    h->os.qemu_gid = uid;
    h->os.qemu_uid_known = true;
    h->virt.host_uuid = mc_xstrdup(uuid);
    struct mc_addr *a = MC_APPEND(h->net.addrs, h->net.n_addrs);
    a->address = mc_xstrdup(addr);
    a->family = mc_xstrdup("inet");
    a->prefixlen = 24;
    a->scope = mc_xstrdup("global");
    a = MC_APPEND(h->net.addrs, h->net.n_addrs);
    a->address = mc_xstrdup("127.0.0.1");
    a->prefixlen = 8;
    a->scope = mc_xstrdup("host");
}

static void world_init(struct world *w, const char *state, int64_t src_uid, int64_t dst_uid,
                       bool chain)
{
    memset(w, 0, sizeof(*w));
    host(&w->src, "169.254.42.11", "11111111-1111-1111-1111-111111111111", src_uid);
    host(&w->dst, "169.254.42.12", "22222222-2222-2222-2222-222222222222", dst_uid);
    host(&w->storage, "169.254.42.10", "33333333-3333-3333-3333-333333333333", 0);
    struct mc_vm_facts *vm = w->src.vm = mc_new0(struct mc_vm_facts, 1);
    vm->name = mc_xstrdup("web 1");
    vm->uuid = mc_xstrdup("a9d0f992-0000-4000-8000-000000000001");
    vm->state = mc_xstrdup(state);
    vm->xml = mc_xstrdup(domain_xml);
    struct mc_disk *d = MC_APPEND(vm->disks, vm->n_disks);
    d->target = mc_xstrdup("vda");
    d->type = mc_xstrdup("file");
    d->device = mc_xstrdup("disk");
    d->source = mc_xstrdup("/var/lib/libvirt/images/web1.qcow2");
    d->format = mc_xstrdup("qcow2");
    d = MC_APPEND(vm->disks, vm->n_disks);
    d->target = mc_xstrdup("sda");
    d->type = mc_xstrdup("file");
    d->device = mc_xstrdup("cdrom");
    d->source = mc_xstrdup("/var/lib/libvirt/images/x.iso");
    w->layers[0] = (struct mc_prov_layer){ .path = "/var/lib/libvirt/images/web1.qcow2",
                                           .format = "qcow2",
                                           .virtual_size = 1 << 30,
                                           .file_size = 1 << 20,
                                           .backing = chain ? "base.raw" : NULL };
    w->layers[1] = (struct mc_prov_layer){ .path = "/var/lib/libvirt/images/base.raw",
                                           .format = "raw",
                                           .virtual_size = 1 << 30,
                                           .file_size = 1 << 30 };
    w->disk =
        (struct mc_prov_disk){ .target = "vda", .chain = w->layers, .n_chain = chain ? 2 : 1 };
    w->server.nfs = MC_NFS_SERVER_GANESHA;
    w->server.ganesha_pid = 42;
    w->server.ganesha_conf = "/etc/ganesha/ganesha.conf";
    w->server.tgtd_pid = 43;
    w->server.targets_known = true;
    w->in = (struct mc_provision_input){ .src = &w->src,
                                         .dst = &w->dst,
                                         .storage = &w->storage,
                                         .src_name = "lab-a",
                                         .dst_name = "lab-b",
                                         .storage_label = "root@lab-storage",
                                         .server = &w->server,
                                         .storage_addr = "169.254.42.10",
                                         .disks = &w->disk,
                                         .n_disks = 1,
                                         .dir_state = 1,
                                         .vm_dir_state = 0,
                                         .src_mount_state = 0,
                                         .dst_mount_state = 0 };
    w->o = (struct mc_provision_opts){ .protocol = MC_PROV_NFS,
                                       .attach = MC_PROV_NETWORK,
                                       .storage = "lab-storage",
                                       .dir = "/srv/vm",
                                       .run_id = "0123456789ab" };
}

static void world_clear(struct world *w)
{
    mc_struct_clear(&mc_desc_host_facts, &w->src);
    mc_struct_clear(&mc_desc_host_facts, &w->dst);
    mc_struct_clear(&mc_desc_host_facts, &w->storage);
}

/* "kind kind ..." of the plan's steps */
static char *kinds(const struct mc_plan *p)
{
    char **v = NULL;
    for (size_t i = 0; i < p->n_steps; i++)
        mc_strv_add(&v, mc_enum_name(&mc_step_kind_names, (int)p->steps[i].kind));
    char *s = mc_strv_join(v, " ");
    mc_strv_free(v);
    return s;
}

static const struct mc_plan_step *step_of(const struct mc_plan *p, enum mc_step_kind k)
{
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].kind == k)
            return &p->steps[i];
    return NULL;
}

static int plan(struct world *w, struct mc_plan **ret, struct mc_provision_result *res,
                struct mc_error *err)
{
    *ret = mc_plan_new("provision");
    memset(res, 0, sizeof(*res));
    return mc_provision_plan(&w->o, &w->in, *ret, res, err);
}

static void test_plan_nfs_live_network(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "running", 0, 0, false);
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    _cleanup_free_ char *k = kinds(p);
    assert_string_equal(k, "make-dir create-disk-target nfs-export verify-nfs verify-nfs "
                           "block-copy block-pivot");
    assert_string_equal(res.vm_dir, "/srv/vm/web_1-a9d0f992");
    const struct mc_plan_step *e = step_of(p, MC_STEP_NFS_EXPORT);
    assert_string_equal(e->host, "storage");
    const char *text = mc_step_param(e, "text");
    /* exactly SRC's and DST's addresses (not loopback), root: no root squashing */
    assert_non_null(strstr(text, "Clients = 169.254.42.11, 169.254.42.12;"));
    assert_non_null(strstr(text, "Squash = No_Root_Squash;"));
    assert_non_null(strstr(text, "Access_Type = None;")); /* nobody else */
    assert_non_null(strstr(text, "Path = \"/srv/vm/web_1-a9d0f992\";"));
    assert_string_equal(mc_step_param(e, "server"), "ganesha");
    /* the image's owner and mode for root */
    const struct mc_plan_step *c = step_of(p, MC_STEP_CREATE_DISK_TARGET);
    assert_string_equal(mc_step_param(c, "uid"), "0");
    assert_string_equal(mc_step_param(c, "format"), "qcow2");
    assert_string_equal(mc_step_param(c, "bytes"), "1073741824");
    /* verification from the destination first */
    assert_string_equal(p->steps[3].host, "destination");
    assert_string_equal(p->steps[4].host, "source");
    const struct mc_plan_step *b = step_of(p, MC_STEP_BLOCK_COPY);
    assert_non_null(strstr(mc_step_param(b, "xml"), "protocol=\"nfs\""));
    assert_non_null(strstr(mc_step_param(b, "original"), "/var/lib/libvirt/images/web1.qcow2"));
    /* the cdrom stays */
    assert_non_null(res.kept);
    assert_non_null(strstr(res.kept[0], "sda"));
    assert_non_null(strstr(res.dest_xml, "protocol=\"nfs\""));
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_squash(void **state)
{
    (void)state;
    struct {
        int64_t su, du;
        const char *squash;
        const char *uid;
    } cases[] = {
        { 107, 107, "Root_Squash", "107" },
        { 107, 64055, "All_Squash", "107" },
        { 0, 64055, "All_Squash", "64055" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct world w;
        world_init(&w, "shutoff", cases[i].su, cases[i].du, false);
        _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
        struct mc_provision_result res;
        struct mc_error err = { 0 };
        assert_int_equal(plan(&w, &p, &res, &err), 0);
        const char *text = mc_step_param(step_of(p, MC_STEP_NFS_EXPORT), "text");
        _cleanup_free_ char *want = mc_xasprintf("Squash = %s;", cases[i].squash);
        assert_non_null(strstr(strstr(text, "CLIENT"), want));
        if (strcmp(cases[i].squash, "All_Squash") == 0) {
            _cleanup_free_ char *anon = mc_xasprintf("Anonymous_Uid = %s;", cases[i].uid);
            assert_non_null(strstr(text, anon));
        }
        assert_string_equal(mc_step_param(step_of(p, MC_STEP_MAKE_DIR), "uid"), cases[i].uid);
        /* offline: copy and rewrite the definition */
        _cleanup_free_ char *k = kinds(p);
        assert_non_null(strstr(k, "copy-image redefine-disk"));
        assert_null(strstr(k, "block-copy"));
        mc_provision_result_clear(&res);
        world_clear(&w);
    }
    /* a user that cannot be looked up: no plan */
    struct world w;
    world_init(&w, "running", 0, 0, false);
    w.dst.os.qemu_uid_known = false;
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), -EINVAL);
    assert_non_null(strstr(err.message, "which user QEMU runs as on 'lab-b'"));
    mc_error_clear(&err);
    world_clear(&w);
}

static void test_plan_kernel_server(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "running", 107, 107, false);
    w.server.nfs = MC_NFS_SERVER_KERNEL;
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    const struct mc_plan_step *e = step_of(p, MC_STEP_NFS_EXPORT);
    assert_string_equal(mc_step_param(e, "server"), "kernel");
    assert_string_equal(mc_step_param(e, "file"), "/etc/exports.d/migcheck-web_1-a9d0f992.exports");
    const char *text = mc_step_param(e, "text");
    assert_non_null(strstr(text,
                           "/srv/vm/web_1-a9d0f992 169.254.42.11(rw,sync,no_subtree_check,"
                           "root_squash) 169.254.42.12(rw,sync,no_subtree_check,root_squash)"));
    /* what the planner writes, the parser reads back as admitting both, read-write */
    struct mc_nfs_export *ex = NULL;
    size_t n = 0;
    assert_int_equal(mc_exports_parse(text, strlen(text), "f", &ex, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.11"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.12"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.10"), MC_NFS_ADMIT_NO);
    mc_nfs_exports_free(ex, n);
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_ganesha_text_parses(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "running", 0, 0, false);
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    const char *text = mc_step_param(step_of(p, MC_STEP_NFS_EXPORT), "text");
    struct mc_nfs_export *ex = NULL;
    size_t n = 0;
    char **inc = NULL;
    assert_int_equal(mc_ganesha_conf_parse(text, strlen(text), "f", &ex, &n, &inc, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.11"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.12"), MC_NFS_ADMIT_RW);
    assert_int_equal(mc_nfs_export_admits(&ex[0], "169.254.42.10"), MC_NFS_ADMIT_NO);
    mc_nfs_exports_free(ex, n);
    mc_strv_free(inc);
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_refusals(void **state)
{
    (void)state;
    struct {
        const char *what;
        void (*set)(struct world *w);
        const char *msg;
    } cases[] = {
        { "storage on SRC", NULL, "--accept storage.separate-host" },
        { "no NFS server", NULL, "no NFS server runs" },
        { "both NFS servers", NULL, "both nfs-ganesha and the kernel's nfsd" },
        { "no tgtd", NULL, "tgtd does not run" },
        { "chain on iSCSI", NULL, "use --flatten" },
        { "VM dir exists", NULL, "exists on 'root@lab-storage'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct world w;
        world_init(&w, "running", 0, 0, i == 4);
        switch (i) {
        case 0:
            w.in.storage_addr = "169.254.42.11";
            break;
        case 1:
            w.server.nfs = MC_NFS_SERVER_NONE;
            break;
        case 2:
            w.server.nfs = MC_NFS_SERVER_BOTH;
            break;
        case 3:
            w.o.protocol = MC_PROV_ISCSI;
            w.server.tgtd_pid = 0;
            break;
        case 4:
            w.o.protocol = MC_PROV_ISCSI;
            break;
        case 5:
            w.in.vm_dir_state = 1;
            break;
        }
        _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
        struct mc_provision_result res;
        struct mc_error err = { 0 };
        int r = plan(&w, &p, &res, &err);
        if (r >= 0 || !err.message || !strstr(err.message, cases[i].msg))
            fail_msg("%s: %d %s", cases[i].what, r, err.message ? err.message : "(none)");
        mc_error_clear(&err);
        world_clear(&w);
    }
    /* accepted: a warning, and a plan */
    struct world w;
    world_init(&w, "running", 0, 0, false);
    w.in.storage_addr = "169.254.42.11";
    w.o.accept_same_host = true;
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    assert_true(p->n_steps > 0);
    assert_non_null(res.warnings);
    assert_non_null(strstr(res.warnings[0], "lab-a"));
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_iscsi_pool(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "running", 0, 0, false);
    w.o.protocol = MC_PROV_ISCSI;
    w.o.attach = MC_PROV_POOL;
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    _cleanup_free_ char *k = kinds(p);
    assert_string_equal(k, "make-dir create-disk-target iscsi-target iscsi-lun verify-iscsi "
                           "define-pool start-pool define-pool start-pool block-copy "
                           "block-pivot redefine-disk");
    const struct mc_plan_step *t = step_of(p, MC_STEP_ISCSI_TARGET);
    assert_string_equal(mc_step_param(t, "initiators"), "169.254.42.11 169.254.42.12");
    assert_string_equal(mc_step_param(t, "iqn"), "iqn.2026-12.org.migcheck:web-1-01234567");
    const struct mc_plan_step *c = step_of(p, MC_STEP_CREATE_DISK_TARGET);
    assert_string_equal(mc_step_param(c, "format"), "raw");
    const struct mc_plan_step *d = step_of(p, MC_STEP_DEFINE_POOL);
    assert_non_null(strstr(mc_step_param(d, "xml"), "type=\"iscsi-direct\""));
    const struct mc_plan_step *r = step_of(p, MC_STEP_REDEFINE_DISK);
    assert_non_null(strstr(mc_step_param(r, "xml"), "volume=\"unit:0:0:1\""));
    /* an existing target of that name: refused */
    struct mc_tgt_target tg = { .tid = 1, .iqn = "iqn.2026-12.org.migcheck:web-1-01234567" };
    w.server.targets = &tg;
    w.server.n_targets = 1;
    _cleanup_(mc_plan_freep) struct mc_plan *p2 = NULL;
    struct mc_provision_result res2;
    assert_int_equal(plan(&w, &p2, &res2, &err), -EEXIST);
    mc_error_clear(&err);
    w.server.targets = NULL;
    w.server.n_targets = 0;
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_chain_carried(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "shutoff", 0, 0, true);
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    /* each layer: a file of its own size, a byte copy; the top rebased onto the copied base */
    size_t copies = 0, rebases = 0;
    for (size_t i = 0; i < p->n_steps; i++) {
        copies += p->steps[i].kind == MC_STEP_COPY_IMAGE;
        rebases += p->steps[i].kind == MC_STEP_REBASE_IMAGE;
    }
    assert_int_equal(copies, 2);
    assert_int_equal(rebases, 1);
    mc_provision_result_clear(&res);
    _cleanup_(mc_plan_freep) struct mc_plan *p2 = NULL;
    w.o.flatten = true;
    assert_int_equal(plan(&w, &p2, &res, &err), 0);
    _cleanup_free_ char *k = kinds(p2);
    assert_null(strstr(k, "rebase-image"));
    assert_non_null(strstr(mc_step_param(step_of(p2, MC_STEP_COPY_IMAGE), "from"), "web1.qcow2"));
    mc_provision_result_clear(&res);
    world_clear(&w);
}

static void test_plan_nothing_to_do(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, "running", 0, 0, false);
    struct mc_disk *d = &w.src.vm->disks[0];
    free(d->type);
    d->type = mc_xstrdup("network");
    _cleanup_(mc_plan_freep) struct mc_plan *p = NULL;
    struct mc_provision_result res;
    struct mc_error err = { 0 };
    assert_int_equal(plan(&w, &p, &res, &err), 0);
    assert_int_equal(p->n_steps, 0);
    assert_int_equal(mc_strv_length(res.kept), 2);
    mc_provision_result_clear(&res);
    world_clear(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ganesha_conf),
        cmocka_unit_test(test_ganesha_conf_bad),
        cmocka_unit_test(test_exports),
        cmocka_unit_test(test_tgt_show),
        cmocka_unit_test(test_qemu_img_info),
        cmocka_unit_test(test_safe_name),
        cmocka_unit_test(test_edit_disk),
        cmocka_unit_test(test_plan_nfs_live_network),
        cmocka_unit_test(test_plan_squash),
        cmocka_unit_test(test_plan_kernel_server),
        cmocka_unit_test(test_plan_ganesha_text_parses),
        cmocka_unit_test(test_plan_refusals),
        cmocka_unit_test(test_plan_iscsi_pool),
        cmocka_unit_test(test_plan_chain_carried),
        cmocka_unit_test(test_plan_nothing_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
