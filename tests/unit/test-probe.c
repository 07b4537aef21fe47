/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sh probe. The decisive test: the real probe, run here under dash and busybox sh the way
 * a remote host runs it (`sh -s`, the request on stdin), gives through mc_source_dump() the
 * same facts as reading this machine directly (mc_source_fs("/")). So a host without
 * migcheck yields the snapshot migcheck itself would write. When a gatherer grows, its probe
 * spec must grow with it, or this test fails with the diff of the two snapshots.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "checker/facts-xml.h"
#include "gather.h"
#include "os/os.h"
#include "os/usb.h"
#include "remote/probe.h"
#include "util/fileio.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- helpers ---- */

static bool have_program(const char *name)
{
    const char *argv[] = { "sh", "-c", "command -v \"$1\" >/dev/null", "sh", name, NULL };
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    bool ok = mc_spawn_run(&o, &res, &err) == 0 && res.exit_code == 0;
    mc_spawn_result_clear(&res);
    mc_error_clear(&err);
    return ok;
}

/* The shells a remote host may answer with: dash (Debian's sh), busybox sh, bash (RHEL's sh). */
static const char *const shells[][4] = {
    { "dash", "-s", NULL },
    { "busybox", "sh", "-s", NULL },
    { "bash", "--posix", "-s", NULL },
};

static bool shell_present(size_t i)
{
    return have_program(shells[i][0]);
}

/* Run the probe with these specs under shell i; fails the test on error. */
static struct mc_source *probe(size_t i, const char *const *const specs[])
{
    struct mc_source *s = NULL;
    struct mc_error err = { 0 };
    double t0 = mc_now();
    int r = mc_probe_run(shells[i], specs, "probe-test", 120000, &s, &err);
    if (r < 0)
        fail_msg("probe under %s: %s", shells[i][0], err.message);
    print_message("probe under %s: %.0f ms\n", shells[i][0], (mc_now() - t0) * 1000);
    return s;
}

/* Run the probe under shell i with PATH=<dir>:/usr/bin:/bin (fake tools in dir first). */
static struct mc_source *probe_path(size_t i, const char *const *const specs[], const char *dir)
{
    char *boundary = mc_probe_boundary();
    char *req = mc_probe_request(specs, boundary);
    char *path = mc_xasprintf("PATH=%s:/usr/bin:/bin", dir);
    const char *envp[] = { path, NULL };
    struct mc_spawn_opts o = { .argv = shells[i],
                               .stdin_data = req,
                               .stdin_len = strlen(req),
                               .timeout_ms = 60000,
                               .envp = envp };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    struct mc_source *dump = NULL;
    if (mc_source_dump(res.out, res.out_len, boundary, "path", &dump, &err) < 0)
        fail_msg("probe under %s: %s", shells[i][0], err.message);
    mc_spawn_result_clear(&res);
    free(boundary);
    free(req);
    free(path);
    return dump;
}

/*
 * The probe under each shell present in turn (with fake tools in bin first in PATH when bin is
 * set), NULL after the last:  for (size_t i = 0; (dump = probe_each(&i, specs, bin)); i++)
 */
static struct mc_source *probe_each(size_t *i, const char *const *const specs[], const char *bin)
{
    for (; *i < sizeof(shells) / sizeof(shells[0]); (*i)++)
        if (shell_present(*i))
            return bin ? probe_path(*i, specs, bin) : probe(*i, specs);
    return NULL;
}

/* The symbolic link at path reads the same through the probe's dump as directly. */
static void assert_same_link(struct mc_source *dump, struct mc_source *fs, const char *path)
{
    char *a = NULL, *b = NULL;
    assert_int_equal(mc_source_readlink(dump, path, &a), 0);
    assert_int_equal(mc_source_readlink(fs, path, &b), 0);
    assert_string_equal(a, b);
    free(a), free(b);
}

static void remove_tree(const char *dir)
{
    const char *rm[] = { "rm", "-rf", "--", dir, NULL };
    struct mc_spawn_opts o = { .argv = rm, .timeout_ms = 10000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    mc_spawn_result_clear(&res);
}

static char *to_xml(const struct mc_host_facts *h)
{
    char *x = NULL;
    size_t len = 0;
    assert_int_equal(mc_facts_to_xml(h, &x, &len), 0);
    return x;
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(mc_write_all(fd, data, len), 0);
    close(fd);
}

/* Fail with a unified diff of the two snapshots when they differ. */
static void assert_same_snapshot(const char *what, const char *direct, const char *probed)
{
    if (strcmp(direct, probed) == 0)
        return;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *a = mc_xasprintf("%s/direct.xml", dir), *b = mc_xasprintf("%s/probe.xml", dir);
    write_file(a, direct, strlen(direct));
    write_file(b, probed, strlen(probed));
    const char *argv[] = { "diff", "-u", a, b, NULL };
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &res, &err) == 0)
        print_message("%s: the facts differ (kept in %s):\n%s\n", what, dir, res.out);
    mc_spawn_result_clear(&res);
    mc_error_clear(&err);
    free(a);
    free(b);
    fail_msg("%s: facts through the probe differ from facts read directly", what);
}

/* What migcheck gathers from a host's files: os, mounts, storage, net (source), listening. */
static struct mc_host_facts *gather(struct mc_source *src, const struct mc_vm_facts *vm)
{
    struct mc_host_facts *h = mc_host_facts_new();
    if (vm) {
        h->vm = mc_new0(struct mc_vm_facts, 1);
        h->vm->machine = mc_xstrdup_or_null(vm->machine);
        h->vm->arch = mc_xstrdup_or_null(vm->arch);
        for (size_t i = 0; i < vm->n_ifaces; i++) {
            struct mc_iface *f = MC_APPEND(h->vm->ifaces, h->vm->n_ifaces);
            f->type = mc_xstrdup_or_null(vm->ifaces[i].type);
            f->model = mc_xstrdup_or_null(vm->ifaces[i].model);
        }
        for (size_t i = 0; i < vm->n_files; i++) {
            struct mc_vm_file *f = MC_APPEND(h->vm->files, h->vm->n_files);
            f->role = mc_xstrdup_or_null(vm->files[i].role);
            f->path = mc_xstrdup_or_null(vm->files[i].path);
        }
        h->vm->video_models = mc_strv_copy(vm->video_models);
    }
    mc_gather_from_source(src, h, false);
    return h;
}

/* ---- the decisive test ---- */

static void check_equal_under(size_t i)
{
    if (!shell_present(i)) {
        print_message("%s is not installed: skipped\n", shells[i][0]);
        return;
    }
    struct mc_source *fs = mc_source_fs("/", true);
    struct mc_host_facts *direct = gather(fs, NULL);
    struct mc_source *dump = probe(i, mc_probe_gatherer_specs);
    struct mc_host_facts *probed = gather(dump, NULL);
    /* Gather the direct side once more after the probe: a socket or mount that came or went
     * while the probe ran shows up as a difference between the two direct runs as well. */
    char *x1 = to_xml(direct), *x2 = to_xml(probed);
    if (strcmp(x1, x2) != 0) {
        struct mc_host_facts *again = gather(fs, NULL);
        char *x3 = to_xml(again);
        if (strcmp(x3, x2) == 0) {
            free(x1);
            x1 = x3;
        } else {
            free(x3);
        }
        mc_host_facts_free(again);
    }
    char *what = mc_xasprintf("probe under %s", shells[i][0]);
    assert_same_snapshot(what, x1, x2);
    /* Nothing the gatherers read was missing from the probe's answer. */
    for (size_t k = 0; k < probed->n_errors; k++)
        assert_int_not_equal(probed->errors[k].err, ENODATA);
    free(what);
    free(x1);
    free(x2);
    mc_host_facts_free(direct);
    mc_host_facts_free(probed);
    mc_source_free(dump);
    mc_source_free(fs);
}

static void test_probe_equals_direct_dash(void **state)
{
    (void)state;
    check_equal_under(0);
}

static void test_probe_equals_direct_busybox(void **state)
{
    (void)state;
    check_equal_under(1);
}

static void test_probe_equals_direct_bash(void **state)
{
    (void)state;
    check_equal_under(2);
}

/* The VM's ROM hashes: through the probe's sha256 records as through reading the files, and
 * equal to what sha256sum says. */
static void test_rom_hashes(void **state)
{
    (void)state;
    struct mc_vm_facts vm = { 0 };
    vm.machine = (char *)"pc-q35-7.2";
    vm.arch = (char *)"x86_64";
    struct mc_iface ifaces[2] = { { .type = (char *)"bridge", .model = (char *)"virtio" },
                                  { .type = (char *)"network", .model = (char *)"e1000e" } };
    vm.ifaces = ifaces;
    vm.n_ifaces = 2;
    char *videos[] = { (char *)"vga", NULL };
    vm.video_models = videos;
    struct mc_vm_file files[] = { { .role = (char *)"rom",
                                    .path = (char *)"/usr/share/seabios/vgabios-ramfb.bin" } };
    vm.files = files;
    vm.n_files = 1;

    struct mc_source *fs = mc_source_fs("/", true);
    struct mc_host_facts *direct = gather(fs, &vm);
    char **hspec = mc_os_rom_hash_spec(&vm);
    const char *const *specs[] = { mc_os_probe_spec, (const char *const *)hspec, NULL };
    struct mc_source *dump = probe(0, specs);
    struct mc_host_facts *probed = mc_host_facts_new();
    probed->vm = direct->vm;
    mc_os_gather(dump, probed);
    mc_os_hash_vm_roms(dump, probed);
    probed->vm = NULL;

    /* Compare the os parts (the dump only answered the os spec). */
    struct mc_host_facts *a = mc_host_facts_new(), *b = mc_host_facts_new();
    a->os = direct->os;
    b->os = probed->os;
    char *x1 = to_xml(a), *x2 = to_xml(b);
    memset(&a->os, 0, sizeof(a->os));
    memset(&b->os, 0, sizeof(b->os));
    assert_same_snapshot("ROM hashes", x1, x2);

    size_t hashed = 0;
    for (size_t i = 0; i < direct->os.n_roms; i++) {
        const struct mc_rom *r = &direct->os.roms[i];
        if (!r->sha256)
            continue;
        const char *argv[] = { "sha256sum", r->path, NULL };
        struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 10000 };
        struct mc_spawn_result res = { 0 };
        struct mc_error err = { 0 };
        assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
        assert_int_equal(strncmp(res.out, r->sha256, 64), 0);
        mc_spawn_result_clear(&res);
        hashed++;
    }
    /* efi-virtio.rom, efi-e1000e.rom, vgabios-stdvga.bin, bios-256k.bin, kvmvapic.bin and
     * the <rom file=>, where this machine has them. */
    _cleanup_strv_free_ char **names = mc_os_vm_rom_names(&vm);
    size_t present = 0;
    STRV_FOREACH (n, names)
        for (size_t i = 0; i < direct->os.n_roms; i++) {
            const char *p = direct->os.roms[i].path;
            const char *base = strrchr(p, '/') + 1;
            if (((*n)[0] == '/' ? strcmp(p, *n) : strcmp(base, *n)) == 0 &&
                direct->os.roms[i].sha256) {
                present++;
                break;
            }
        }
    print_message("%zu ROMs hashed for %zu names\n", hashed, mc_strv_length(names));
    assert_int_equal(hashed, present);
    assert_true(hashed >= 1 || access("/usr/share/seabios/vgabios-ramfb.bin", F_OK) != 0);

    /* In two round trips, as the sh agent would: the os spec first, the VM's hashes later. */
    const char *const *first[] = { mc_os_probe_spec, NULL };
    const char *const *second[] = { (const char *const *)hspec, NULL };
    struct mc_source *d1 = probe(0, first), *d2 = probe(0, second);
    struct mc_host_facts *two = mc_host_facts_new();
    mc_os_gather(d1, two);
    two->vm = direct->vm;
    mc_os_hash_vm_roms(d2, two);
    two->vm = NULL;
    b->os = two->os;
    char *x3 = to_xml(b);
    memset(&b->os, 0, sizeof(b->os));
    assert_same_snapshot("ROM hashes in a second round trip", x1, x3);
    free(x3);
    mc_host_facts_free(two);
    mc_source_free(d1);
    mc_source_free(d2);

    free(x1);
    free(x2);
    mc_host_facts_free(a);
    mc_host_facts_free(b);
    mc_strv_free(hspec);
    mc_host_facts_free(direct);
    mc_host_facts_free(probed);
    mc_source_free(dump);
    mc_source_free(fs);
}

/* ---- the probe's edges ---- */

/* Errors read the same through the probe as directly: ENOENT, EISDIR, EACCES, EINVAL, EIO. */
static void test_errors_like_direct(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *bin = mc_xasprintf("%s/binary", dir);
    static const char binary[] = "a\0b\n--not-a-record\nlast line without newline";
    write_file(bin, binary, sizeof(binary) - 1);
    char *empty = mc_xasprintf("%s/empty", dir);
    write_file(empty, "", 0);
    char *fbin = mc_xasprintf("F %s", bin), *fempty = mc_xasprintf("F %s", empty);
    char *fdir = mc_xasprintf("F %s", dir), *ddir = mc_xasprintf("S %s", dir);
    const char *lines[] = { "F /nonexistent/migcheck",
                            "F /etc",
                            "F /sys/class/net/lo/speed", /* EINVAL on read */
                            "F /sys/bus/pci/rescan",     /* write-only: EACCES */
                            "F /proc/self/mem",          /* EIO */
                            "F /nonexistent/*",          /* matches nothing: no record */
                            "D /etc/hostname",           /* ENOTDIR */
                            "L /etc/hostname",           /* EINVAL: not a link */
                            fbin,
                            fempty,
                            fdir,
                            ddir,
                            NULL };
    const char *const *specs[] = { lines, NULL };
    struct mc_source *dump = probe(0, specs);
    struct mc_source *fs = mc_source_fs("/", false);
    const char *paths[] = { "/nonexistent/migcheck",
                            "/etc",
                            "/sys/class/net/lo/speed",
                            "/sys/bus/pci/rescan",
                            "/proc/self/mem",
                            bin,
                            empty };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char *b1 = NULL, *b2 = NULL;
        size_t l1 = 0, l2 = 0;
        int r1 = mc_source_read(fs, paths[i], 1u << 20, &b1, &l1);
        int r2 = mc_source_read(dump, paths[i], 1u << 20, &b2, &l2);
        if (access(paths[i], F_OK) == 0 || r1 == -ENOENT) {
            print_message("%s: direct %d, probe %d\n", paths[i], r1, r2);
            assert_int_equal(r1, r2);
            if (r1 == 0) {
                assert_int_equal(l1, l2);
                assert_memory_equal(b1, b2, l1);
            }
        }
        free(b1);
        free(b2);
    }
    char *b = NULL;
    /* Never asked for: not "absent", but "not probed". */
    assert_int_equal(mc_source_read(dump, "/nonexistent/other", 100, &b, NULL), -ENODATA);
    struct mc_dirent *d = NULL;
    size_t n = 0;
    assert_int_equal(mc_source_list(dump, "/etc/hostname", &d, &n), -ENOTDIR);
    assert_int_equal(mc_source_readlink(dump, "/etc/hostname", &b), -EINVAL);
    /* The directory listing with sizes equals the file system's. */
    struct mc_dirent *d2 = NULL;
    size_t n2 = 0;
    assert_int_equal(mc_source_list(dump, dir, &d, &n), 0);
    assert_int_equal(mc_source_list(fs, dir, &d2, &n2), 0);
    assert_int_equal(n, n2);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].name, d2[i].name);
        assert_int_equal(d[i].type, d2[i].type);
        assert_int_equal(d[i].size, d2[i].size);
    }
    mc_dirents_free(d, n);
    mc_dirents_free(d2, n2);

    unlink(bin);
    unlink(empty);
    rmdir(dir);
    free(bin);
    free(empty);
    free(fbin);
    free(fempty);
    free(fdir);
    free(ddir);
    mc_source_free(dump);
    mc_source_free(fs);
}

/* Without a working stat(1) the sizes come from POSIX wc, the same. */
static void test_sizes_without_stat(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *fake = mc_xasprintf("%s/stat", dir);
    write_file(fake, "#!/bin/sh\nexit 1\n", 17);
    chmod(fake, 0755);
    char *spec = mc_xasprintf("S %s", MC_TEST_DATA "/os/os-release");
    const char *lines[] = { spec, NULL };
    const char *const *specs[] = { lines, NULL };
    char *boundary = mc_probe_boundary();
    char *req = mc_probe_request(specs, boundary);
    char *path = mc_xasprintf("PATH=%s:/usr/bin:/bin", dir);
    const char *envp[] = { path, NULL };
    const char *argv[] = { "dash", "-s", NULL };
    struct mc_spawn_opts o = {
        .argv = argv, .stdin_data = req, .stdin_len = strlen(req), .timeout_ms = 30000, .envp = envp
    };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    struct mc_source *dump = NULL;
    assert_int_equal(mc_source_dump(res.out, res.out_len, boundary, "wc", &dump, &err), 0);
    struct mc_source *fs = mc_source_fs("/", false);
    struct mc_dirent *d = NULL, *d2 = NULL;
    size_t n = 0, n2 = 0;
    assert_int_equal(mc_source_list(dump, MC_TEST_DATA "/os/os-release", &d, &n), 0);
    assert_int_equal(mc_source_list(fs, MC_TEST_DATA "/os/os-release", &d2, &n2), 0);
    assert_int_equal(n, n2);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].name, d2[i].name);
        assert_true(d[i].size > 0);
        assert_int_equal(d[i].size, d2[i].size);
    }
    mc_dirents_free(d, n);
    mc_dirents_free(d2, n2);
    mc_source_free(dump);
    mc_source_free(fs);
    mc_spawn_result_clear(&res);
    unlink(fake);
    rmdir(dir);
    free(fake);
    free(spec);
    free(boundary);
    free(req);
    free(path);
}

/* R: directories listed as S lists them, their symbolic links read as L reads them (all of
 * them, any name), with one stat and one readlink for all the directories; what is not a
 * directory gets the E record S gives it; a glob is not an R path. Under every shell. */
static void test_rom_dirs_batch(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *d1 = mc_xasprintf("%s/one", dir), *d2 = mc_xasprintf("%s/two", dir);
    char *gone = mc_xasprintf("%s/gone", dir), *file = mc_xasprintf("%s/file", dir);
    assert_int_equal(mkdir(d1, 0755), 0);
    assert_int_equal(mkdir(d2, 0755), 0);
    char *p;
    write_file(p = mc_xasprintf("%s/a.rom", d1), "12345", 5), free(p);
    write_file(p = mc_xasprintf("%s/b c.bin", d1), "123", 3), free(p);
    write_file(p = mc_xasprintf("%s/.hidden.fd", d1), "1", 1), free(p);
    write_file(p = mc_xasprintf("%s/z.fd", d2), "1234567", 7), free(p);
    write_file(file, "x", 1);
    assert_int_equal(mkdir(p = mc_xasprintf("%s/sub", d1), 0755), 0), free(p);
    assert_int_equal(symlink("a.rom", p = mc_xasprintf("%s/l.rom", d1)), 0), free(p);
    assert_int_equal(symlink("../one/b c.bin", p = mc_xasprintf("%s/m.bin", d2)), 0), free(p);
    assert_int_equal(symlink("/nowhere/x", p = mc_xasprintf("%s/dangling", d2)), 0), free(p);
    char *l1 = mc_xasprintf("R %s", d1), *l2 = mc_xasprintf("R %s", d2);
    char *l3 = mc_xasprintf("R %s", gone), *l4 = mc_xasprintf("R %s", file);
    char *l5 = mc_xasprintf("R %s/*", dir);
    const char *lines[] = { l1, l2, l3, l4, l5, NULL };
    const char *const *specs[] = { lines, NULL };
    struct mc_source *fs = mc_source_fs("/", false), *dump;
    for (size_t i = 0; (dump = probe_each(&i, specs, NULL)); i++) {
        const char *dirs[] = { d1, d2 };
        for (size_t k = 0; k < 2; k++) {
            struct mc_dirent *a = NULL, *b = NULL;
            size_t na = 0, nb = 0;
            assert_int_equal(mc_source_list(dump, dirs[k], &a, &na), 0);
            assert_int_equal(mc_source_list(fs, dirs[k], &b, &nb), 0);
            assert_int_equal(na, nb);
            for (size_t e = 0; e < na; e++) {
                assert_string_equal(a[e].name, b[e].name);
                assert_int_equal(a[e].type, b[e].type);
                if (a[e].type == MC_DT_FILE)
                    assert_int_equal(a[e].size, b[e].size);
                if (a[e].type != MC_DT_LINK)
                    continue;
                char *path = mc_xasprintf("%s/%s", dirs[k], a[e].name);
                assert_same_link(dump, fs, path);
                free(path);
            }
            mc_dirents_free(a, na);
            mc_dirents_free(b, nb);
        }
        struct mc_dirent *x = NULL;
        size_t nx = 0;
        assert_int_equal(mc_source_list(dump, gone, &x, &nx), -ENOENT);
        assert_int_equal(mc_source_list(dump, file, &x, &nx), -ENOTDIR);
        /* The glob was no R path: nothing was listed under it. */
        assert_int_not_equal(mc_source_list(dump, dir, &x, &nx), 0);
        mc_source_free(dump);
    }
    mc_source_free(fs);
    remove_tree(dir);
    free(d1), free(d2), free(gone), free(file);
    free(l1), free(l2), free(l3), free(l4), free(l5);
}

/*
 * T: every text file byte for byte as a file read gives it (no newline at the end, \001 inside,
 * empty, blank lines, a line like a record, a space in the name, a symbolic link followed), all
 * without cat (a cat that fails is first in PATH); what is missing or a directory gets the E
 * record F gives it. L and R: every symbolic link of every line read with one readlink (a
 * counting readlink first in PATH). Under every shell (busybox sh prefers its own applets to
 * the fakes: only the contents are checked there).
 */
static void test_texts_and_links_batched(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *bin = mc_xasprintf("%s/bin", dir), *d = mc_xasprintf("%s/d", dir);
    char *sub = mc_xasprintf("%s/sub", d), *count = mc_xasprintf("%s/count", dir);
    assert_int_equal(mkdir(bin, 0755), 0);
    assert_int_equal(mkdir(d, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    char *p;
    write_file(p = mc_xasprintf("%s/cat", bin), "#!/bin/sh\nexit 1\n", 17), chmod(p, 0755), free(p);
    char *rl =
        mc_xasprintf("#!/bin/sh\necho x >>'%s'\nPATH=/usr/bin:/bin exec readlink \"$@\"\n", count);
    write_file(p = mc_xasprintf("%s/readlink", bin), rl, strlen(rl)), chmod(p, 0755), free(p);
    static const struct {
        const char *name, *data;
        size_t len;
    } files[] = {
        { "plain", "a\nb\n", 4 },         { "nonl", "no newline at the end", 21 },
        { "ctl", "x\001y\n\001z", 6 },    { "empty", "", 0 },
        { "blank", "\n\n\n", 3 },         { "rec", "--not-a-record F /etc/passwd\n", 29 },
        { "sp ace", "  spaces  \n", 11 },
    };
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        write_file(p = mc_xasprintf("%s/%s", d, files[k].name), files[k].data, files[k].len);
        free(p);
    }
    assert_int_equal(symlink("plain", p = mc_xasprintf("%s/link", d)), 0), free(p);
    assert_int_equal(symlink("../nonl", p = mc_xasprintf("%s/up", sub)), 0), free(p);
    assert_int_equal(symlink("/nowhere/x", p = mc_xasprintf("%s/dangling", sub)), 0), free(p);
    char *t1 = mc_xasprintf("T %s/*", d), *t2 = mc_xasprintf("T %s/missing", d);
    char *t3 = mc_xasprintf("T %s", sub), *l1 = mc_xasprintf("L %s/*", d);
    char *l2 = mc_xasprintf("L %s/*", sub), *r1 = mc_xasprintf("R %s", sub);
    const char *lines[] = { t1, t2, t3, l1, l2, r1, NULL };
    const char *const *specs[] = { lines, NULL };
    struct mc_source *fs = mc_source_fs("/", false), *dump;
    for (size_t i = 0; (dump = probe_each(&i, specs, bin)); i++) {
        const char *names[] = { "plain", "nonl", "ctl", "empty", "blank", "rec", "sp ace", "link" };
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            char *path = mc_xasprintf("%s/%s", d, names[k]), *b1 = NULL, *b2 = NULL;
            size_t n1 = 0, n2 = 0;
            assert_int_equal(mc_source_read(fs, path, 1u << 20, &b1, &n1), 0);
            if (mc_source_read(dump, path, 1u << 20, &b2, &n2) != 0)
                fail_msg("%s: '%s' not read through the probe", shells[i][0], path);
            assert_int_equal(n1, n2);
            assert_memory_equal(b1, b2, n1);
            free(path), free(b1), free(b2);
        }
        char *b = NULL;
        p = mc_xasprintf("%s/missing", d);
        assert_int_equal(mc_source_read(dump, p, 100, &b, NULL), -ENOENT), free(p);
        assert_int_equal(mc_source_read(dump, sub, 100, &b, NULL), -EISDIR);
        const char *links[] = { "link", "sub/up", "sub/dangling" };
        for (size_t k = 0; k < 3; k++) {
            char *path = mc_xasprintf("%s/%s", d, links[k]);
            assert_same_link(dump, fs, path);
            free(path);
        }
        mc_source_free(dump);
        /* busybox sh runs its own applets (cat, readlink) before PATH's: no count there. */
        if (strcmp(shells[i][0], "busybox") != 0) {
            char *n = NULL;
            size_t nl = 0;
            assert_int_equal(mc_read_file(count, 4096, &n, &nl), 0);
            print_message("%s: %zu readlink run(s)\n", shells[i][0], nl / 2);
            assert_string_equal(n, "x\n");
            free(n);
        }
        unlink(count); /* the next shell counts from nothing */
    }
    mc_source_free(fs);
    remove_tree(dir);
    free(bin), free(d), free(sub), free(count), free(rl);
    free(t1), free(t2), free(t3), free(l1), free(l2), free(r1);
}

/* The host's USB devices, as libvirt looks them up: read through the probe (one listing, the
 * attributes in its one awk) as read directly, over a tree laid out as /sys/bus/usb/devices
 * (links to the devices, a root hub, an interface that is no device). */
static void make_usb_device(const char *real, const char *devs, const char *name,
                            const char *const attrs[4])
{
    static const char *const names[] = { "idVendor", "idProduct", "busnum", "devnum" };
    char *d = mc_xasprintf("%s/%s", real, name), *l = mc_xasprintf("%s/%s", devs, name);
    char *target = mc_xasprintf("../real/%s", name);
    assert_int_equal(mkdir(d, 0755), 0);
    for (size_t k = 0; k < 4; k++) {
        if (!attrs[k])
            continue;
        char *p = mc_xasprintf("%s/%s", d, names[k]), *v = mc_xasprintf("%s\n", attrs[k]);
        write_file(p, v, strlen(v));
        free(p), free(v);
    }
    assert_int_equal(symlink(target, l), 0);
    free(d), free(l), free(target);
}

static struct mc_host_facts *usb_gather_at(struct mc_source *src, const char *devs)
{
    struct mc_host_facts *h = mc_host_facts_new();
    mc_usb_gather_at(src, devs, h);
    return h;
}

static void test_usb_devices(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *real = mc_xasprintf("%s/real", dir), *devs = mc_xasprintf("%s/devices", dir);
    assert_int_equal(mkdir(real, 0755), 0);
    assert_int_equal(mkdir(devs, 0755), 0);
    make_usb_device(real, devs, "usb1", (const char *const[]){ "1d6b", "0002", "1", "1" });
    make_usb_device(real, devs, "1-1.4", (const char *const[]){ "046d", "c52b", "1", "9" });
    make_usb_device(real, devs, "2-1", (const char *const[]){ "046D", "C52B", "2", "3" });
    make_usb_device(real, devs, "1-1.4:1.0", (const char *const[]){ NULL, NULL, NULL, NULL });

    /* The probe's spec, moved to this tree: a spec that misses an attribute fails below. */
    size_t n = 0;
    while (mc_usb_probe_spec[n])
        n++;
    char **lines = mc_new0(char *, n + 1);
    for (size_t k = 0; k < n; k++) {
        const char *l = mc_usb_probe_spec[k], *at = strstr(l, "/sys/bus/usb/devices");
        assert_non_null(at);
        lines[k] =
            mc_xasprintf("%.*s%s%s", (int)(at - l), l, devs, at + strlen("/sys/bus/usb/devices"));
    }
    const char *const *specs[] = { (const char *const *)lines, NULL };

    struct mc_source *fs = mc_source_fs("/", false);
    struct mc_host_facts *direct = usb_gather_at(fs, devs);
    assert_non_null(direct->usb);
    assert_int_equal(direct->n_errors, 0);
    assert_false(direct->usb->no_sysfs);
    assert_int_equal(direct->usb->n_devices, 3); /* not the interface */
    bool seen = false;
    for (size_t k = 0; k < direct->usb->n_devices; k++) {
        const struct mc_usb_device *d = &direct->usb->devices[k];
        if (strcmp(d->name, "2-1") == 0) {
            assert_string_equal(d->vendor, "046d"); /* as libvirt compares: a number */
            assert_string_equal(d->product, "c52b");
            assert_int_equal(d->bus, 2);
            assert_int_equal(d->device, 3);
            seen = true;
        }
    }
    assert_true(seen);
    char *x1 = to_xml(direct);
    for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
        if (!shell_present(i))
            continue;
        struct mc_source *dump = probe(i, specs);
        struct mc_host_facts *probed = usb_gather_at(dump, devs);
        char *x2 = to_xml(probed);
        char *what = mc_xasprintf("USB devices through the probe under %s", shells[i][0]);
        assert_same_snapshot(what, x1, x2);
        free(what), free(x2);
        mc_host_facts_free(probed);
        mc_source_free(dump);
    }

    /* An attribute libvirt could not parse: its search fails, so the list is not known. */
    char *bad = mc_xasprintf("%s/2-1/idVendor", real);
    write_file(bad, "zz\n", 3);
    struct mc_host_facts *h = usb_gather_at(fs, devs);
    assert_null(h->usb);
    assert_int_equal(h->n_errors, 1);
    assert_string_equal(h->errors[0].area, "usb");
    assert_non_null(strstr(h->errors[0].message, "2-1/idVendor"));
    mc_host_facts_free(h);
    /* No such directory: no USB bus, known. */
    char *none = mc_xasprintf("%s/none", dir);
    h = usb_gather_at(fs, none);
    assert_non_null(h->usb);
    assert_true(h->usb->no_sysfs);
    assert_int_equal(h->n_errors, 0);
    mc_host_facts_free(h);

    mc_source_free(fs);
    mc_host_facts_free(direct);
    free(x1), free(bad), free(none);
    mc_strv_free(lines);
    const char *rm[] = { "rm", "-rf", "--", dir, NULL };
    struct mc_spawn_opts o = { .argv = rm, .timeout_ms = 10000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    mc_spawn_result_clear(&res);
    free(real), free(devs);
}

/* The sysfs attributes' parsers (remote text). */
static void test_usb_parsers(void **state)
{
    (void)state;
    char *s = NULL;
    int64_t v = 0;
    assert_int_equal(mc_usb_parse_id("1d6b\n", &s), 0);
    assert_string_equal(s, "1d6b");
    free(s);
    assert_int_equal(mc_usb_parse_id("2", &s), 0);
    assert_string_equal(s, "0002");
    free(s);
    const char *bad_ids[] = { "", "\n", "12345", "0x12", "1d6b ", "-1", "1d6b\n\n", "g", NULL };
    for (size_t k = 0; bad_ids[k]; k++)
        assert_int_equal(mc_usb_parse_id(bad_ids[k], &s), -EINVAL);
    assert_int_equal(mc_usb_parse_num("127\n", &v), 0);
    assert_int_equal(v, 127);
    const char *bad_nums[] = { "", "0", "a", "12a", "+1", "12345", " 1", NULL };
    for (size_t k = 0; bad_nums[k]; k++)
        assert_int_equal(mc_usb_parse_num(bad_nums[k], &v), -EINVAL);
    assert_int_equal(mc_usb_parse_num(NULL, &v), -EINVAL);
}

/* Input is data: nothing in a spec line is run, quoted words stay words. */
static void test_hostile_specs(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *canary = mc_xasprintf("%s/pwned", dir);
    char *l1 = mc_xasprintf("C dpkg-query $(touch %s)", canary);
    char *l2 = mc_xasprintf("C rpm a;touch %s", canary);
    char *l3 = mc_xasprintf("F %s/`touch %s`", dir, canary);
    char *l4 = mc_xasprintf("F %s/$(touch${IFS}%s)", dir, canary);
    char *l5 = mc_xasprintf("C hostname-f -x");
    const char *lines[] = { l1,
                            l2,
                            l3,
                            l4,
                            l5,
                            "C reboot",
                            "C -rf",
                            "C dpkg-query -evil",
                            "F /etc/hostname; touch /tmp/x",
                            "X garbage",
                            "MCPROBE_x",
                            "END",
                            NULL };
    /* "END" is not a valid spec line: the request leaves it out rather than end early. */
    const char *const *specs[] = { lines, mc_os_probe_spec, NULL };
    struct mc_source *dump = probe(0, specs);
    assert_int_not_equal(access(canary, F_OK), 0);
    char *out = NULL;
    size_t len = 0;
    int ex = 0;
    const char *argv[] = { "true", NULL };
    assert_int_equal(mc_source_command(dump, "reboot", argv, &out, &len, &ex), -EOPNOTSUPP);
    assert_int_equal(mc_source_command(dump, "-rf", argv, &out, &len, &ex), -EOPNOTSUPP);
    /* The bad dpkg-query request was refused (EINVAL); the os spec's came later and won. */
    assert_int_equal(mc_source_command(dump, "dpkg-query", argv, &out, &len, &ex), 0);
    free(out);
    /* The os spec was still answered after the bad lines. */
    assert_int_equal(mc_source_read(dump, "/proc/sys/kernel/osrelease", 100, &out, &len), 0);
    free(out);
    mc_source_free(dump);

    /* Only the bad lines: every command refused. */
    const char *bad[] = { l1, l2, l5, NULL };
    const char *const *bspecs[] = { bad, NULL };
    dump = probe(0, bspecs);
    assert_int_equal(mc_source_command(dump, "dpkg-query", argv, &out, &len, &ex), -EINVAL);
    assert_int_equal(mc_source_command(dump, "rpm", argv, &out, &len, &ex), -EINVAL);
    assert_int_equal(mc_source_command(dump, "hostname-f", argv, &out, &len, &ex), -EINVAL);
    mc_source_free(dump);
    assert_int_not_equal(access(canary, F_OK), 0);

    /* The request itself: no line can end the here-document or the spec list early. */
    char *req = mc_probe_request(specs, "b0undary0123");
    assert_null(strstr(req, "\nMCPROBE_x\n"));
    assert_null(strstr(req, "\nX garbage\n"));
    assert_non_null(strstr(req, "\nEND\nMCPROBE_b0undary0123\n"));
    assert_ptr_equal(strstr(req, "\nEND\n"), strstr(req, "\nEND\nMCPROBE_b0undary0123\n"));
    free(req);

    rmdir(dir);
    free(canary);
    free(l1);
    free(l2);
    free(l3);
    free(l4);
    free(l5);
}

/* The probe runs the very commands C would run: fake dpkg-query and rpm print their argv. rpm
 * runs only where mc_os_gather reads its answer (no dpkg status file, an rpm database
 * directory): on a dpkg host the test checks that the probe left rpm alone instead. A failing
 * awk makes the probe run dpkg-query rather than read dpkg's database itself
 * (test_dpkg_like_dpkg_query). */
static void test_commands_match_argv(void **state)
{
    (void)state;
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *fake = "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n";
    const char *fail = "#!/bin/sh\nexit 2\n";
    char *dq = mc_xasprintf("%s/dpkg-query", dir), *rpm = mc_xasprintf("%s/rpm", dir);
    char *awk = mc_xasprintf("%s/awk", dir);
    write_file(dq, fake, strlen(fake));
    write_file(rpm, fake, strlen(fake));
    write_file(awk, fail, strlen(fail));
    chmod(dq, 0755);
    chmod(rpm, 0755);
    chmod(awk, 0755);

    const char *lines[3] = { NULL, NULL, NULL };
    size_t k = 0;
    for (const char *const *l = mc_os_probe_spec; *l; l++)
        if (mc_str_startswith(*l, "C dpkg-query ") || mc_str_startswith(*l, "C rpm "))
            lines[k++] = *l;
    assert_int_equal(k, 2);
    char *boundary = mc_probe_boundary();
    const char *const *specs[] = { lines, NULL };
    char *req = mc_probe_request(specs, boundary);
    char *path = mc_xasprintf("PATH=%s:/usr/bin:/bin", dir);
    const char *envp[] = { path, NULL };
    const char *argv[] = { "dash", "-s", NULL };
    struct mc_spawn_opts o = {
        .argv = argv, .stdin_data = req, .stdin_len = strlen(req), .timeout_ms = 30000, .envp = envp
    };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    struct mc_source *dump = NULL;
    assert_int_equal(mc_source_dump(res.out, res.out_len, boundary, "fake", &dump, &err), 0);

    char *rel = NULL;
    assert_int_equal(mc_read_line_at(AT_FDCWD, "/proc/sys/kernel/osrelease", &rel), 0);
    char **want[2] = { mc_os_dpkg_argv(rel), mc_os_rpm_argv() };
    const char *keys[2] = { "dpkg-query", "rpm" };
    struct stat st;
    bool dpkg_host = stat("/var/lib/dpkg/status", &st) == 0 && S_ISREG(st.st_mode);
    bool rpm_db = access("/var/lib/rpm", F_OK) == 0 || access("/usr/lib/sysimage/rpm", F_OK) == 0;
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL;
        size_t len = 0;
        int ex = -1;
        if (i == 1 && (dpkg_host || !rpm_db)) {
            assert_true(mc_source_command(dump, keys[i], argv, &out, &len, &ex) < 0);
            assert_null(memmem(res.out, res.out_len, "--qf", 4)); /* the fake rpm echoes it */
            mc_strv_free(want[i]);
            continue;
        }
        assert_int_equal(mc_source_command(dump, keys[i], argv, &out, &len, &ex), 0);
        assert_int_equal(ex, 0);
        char *joined = mc_strv_join(want[i] + 1, "\n");
        char *expect = mc_xasprintf("%s\n", joined);
        assert_string_equal(out, expect);
        free(expect);
        free(joined);
        free(out);
        mc_strv_free(want[i]);
    }
    mc_source_free(dump);
    mc_spawn_result_clear(&res);
    unlink(dq);
    unlink(rpm);
    unlink(awk);
    rmdir(dir);
    free(rel);
    free(dq);
    free(rpm);
    free(awk);
    free(path);
    free(req);
    free(boundary);
}

/*
 * The probe reads dpkg's database with one awk instead of running dpkg-query: the packages
 * mc_dpkg_query_parse keeps, and whether the exit status is a failure, are dpkg-query's own,
 * under each shell, on this machine's database and on one made of the states a package can be
 * in (continuation lines, multi-arch, the journal of an unfinished run replacing and adding
 * records, names only mentioned in a dependency). A record the awk does not understand leaves
 * the answer to dpkg-query.
 */
static char *dpkg_answer(const char *const *argv, int *ret_ex, bool *ret_by_probe)
{
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 60000, .max_output = 1 << 24 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &res, &err), 0);
    char *out = NULL;
    if (ret_by_probe) {
        /* "--B C dpkg-query RC\n" BODY "\n", or nothing when it left the answer to dpkg-query. */
        *ret_by_probe = res.out_len > 0;
        if (*ret_by_probe) {
            assert_true(mc_str_startswith(res.out, "--B C dpkg-query "));
            const char *nl = strchr(res.out, '\n');
            assert_non_null(nl);
            *ret_ex = atoi(res.out + strlen("--B C dpkg-query "));
            size_t blen = res.out_len - (size_t)(nl + 1 - res.out);
            assert_true(blen >= 1 && res.out[res.out_len - 1] == '\n');
            out = mc_xstrndup(nl + 1, blen - 1);
        }
    } else {
        *ret_ex = res.exit_code;
        out = mc_xstrndup(res.out ? res.out : "", res.out_len);
    }
    mc_spawn_result_clear(&res);
    return out;
}

static void assert_same_packages(const char *what, const char *a, int ex_a, const char *b, int ex_b)
{
    struct mc_package *pa = NULL, *pb = NULL;
    size_t na = 0, nb = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_dpkg_query_parse(a, strlen(a), &pa, &na, &err), 0);
    assert_int_equal(mc_dpkg_query_parse(b, strlen(b), &pb, &nb, &err), 0);
    if (na != nb || (ex_a > 1) != (ex_b > 1))
        fail_msg(
            "%s: %zu packages (exit %d) from dpkg-query, %zu (exit %d) from the probe:\n%s\n--\n%s",
            what, na, ex_a, nb, ex_b, a, b);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(pa[i].name, pb[i].name);
        assert_string_equal(pa[i].version, pb[i].version);
        assert_string_equal(pa[i].arch ? pa[i].arch : "-", pb[i].arch ? pb[i].arch : "-");
    }
    mc_packages_free(pa, na);
    mc_packages_free(pb, nb);
}

static void dpkg_compare(const char *admindir, const char *const *names, size_t want_min)
{
    char *script =
        mc_xasprintf(". %s/src/remote/probe.sh; mcprobe_b=B; mcprobe_dpkg \"$@\"", MC_SOURCE_DIR);
    char *adm = mc_xasprintf("--admindir=%s", admindir);
    const char *dq[64] = { "dpkg-query", adm, "-W", "-f",
                           "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n" };
    size_t n = 5;
    for (const char *const *p = names; *p; p++)
        dq[n++] = *p;
    dq[n] = NULL;
    int ex_dq = -1;
    char *want = dpkg_answer(dq, &ex_dq, NULL);
    struct mc_package *pk = NULL;
    size_t npk = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_dpkg_query_parse(want, strlen(want), &pk, &npk, &err), 0);
    assert_true(npk >= want_min); /* the comparison compares something */
    mc_packages_free(pk, npk);
    for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
        if (!shell_present(i))
            continue;
        const char *argv[72];
        size_t k = 0;
        for (size_t j = 0; shells[i][j] && strcmp(shells[i][j], "-s") != 0; j++)
            argv[k++] = shells[i][j];
        argv[k++] = "-c";
        argv[k++] = script;
        argv[k++] = "sh";
        argv[k++] = admindir;
        for (const char *const *p = names; *p; p++)
            argv[k++] = *p;
        argv[k] = NULL;
        int ex = -1;
        bool by_probe = false;
        char *got = dpkg_answer(argv, &ex, &by_probe);
        if (!by_probe)
            fail_msg("under %s the probe left %s to dpkg-query", shells[i][0], admindir);
        assert_true(ex == 0 || ex == 1);
        char *what = mc_xasprintf("%s under %s", admindir, shells[i][0]);
        assert_same_packages(what, want, ex_dq, got, ex);
        free(what);
        free(got);
    }
    free(want);
    free(adm);
    free(script);
}

static void test_dpkg_like_dpkg_query(void **state)
{
    (void)state;
    if (!have_program("dpkg-query") || !have_program("awk")) {
        print_message("dpkg-query or awk is not installed: skipped\n");
        return;
    }
    struct stat st;
    if (stat("/var/lib/dpkg/status", &st) == 0) {
        char *rel = NULL;
        assert_int_equal(mc_read_line_at(AT_FDCWD, "/proc/sys/kernel/osrelease", &rel), 0);
        char **argv = mc_os_dpkg_argv(rel);
        dpkg_compare("/var/lib/dpkg", (const char *const *)argv + 4, 1);
        mc_strv_free(argv);
        free(rel);
    }
    char dir[] = "/tmp/migcheck-probe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *status = mc_xasprintf("%s/status", dir), *upd = mc_xasprintf("%s/updates", dir);
    char *u0 = mc_xasprintf("%s/0000", upd), *u1 = mc_xasprintf("%s/0001", upd);
    char *junk = mc_xasprintf("%s/tmp.i", upd);
    assert_int_equal(mkdir(upd, 0755), 0);
    const char *st_text =
        "Package: alpha\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\n"
        "Version: 1:2.0-1\nDescription: first\n continued line\n .\n more\n\n"
        "Package: beta\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 3.1\n"
        "Depends: gamma (>= 1), delta\n\n"
        "Package: multi\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\n"
        "Version: 1.0\n\n"
        "Package: multi\nStatus: install ok half-configured\nArchitecture: i386\n"
        "Multi-Arch: same\nVersion: 1.0\n\n"
        "Package: epsilon\nStatus: hold reinstreq unpacked\nArchitecture: all\n"
        "Version: 0.9~rc1+b2\n\n"
        "Package: zeta\nStatus: install ok triggers-pending\nTriggers-Pending: /usr/share/z\n"
        "Architecture: amd64\nVersion: 5\n\n"
        "Package: kappa\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2\n\n"
        "Package: eta\nStatus: purge ok not-installed\nArchitecture: amd64\n";
    write_file(status, st_text, strlen(st_text));
    const char *j0 = "Package: alpha\nStatus: install ok half-installed\nArchitecture: amd64\n"
                     "Version: 1:2.1-1\n";
    const char *j1 = "Package: zeta\nStatus: install ok installed\nArchitecture: amd64\n"
                     "Version: 6\n\nPackage: theta\nStatus: install ok triggers-awaited\n"
                     "Architecture: amd64\nVersion: 7-1\nTriggers-Awaited: zeta\n";
    write_file(u0, j0, strlen(j0));
    write_file(u1, j1, strlen(j1));
    write_file(junk, "garbage\n", 8); /* not a journal entry: dpkg skips it */
    const char *names[] = { "alpha", "beta",  "multi", "epsilon", "zeta", "eta",
                            "theta", "delta", "kappa", "nosuch",  NULL };
    dpkg_compare(dir, names, 5);
    const char *found[] = { "multi", "kappa", NULL };
    dpkg_compare(dir, found, 3);

    /* A record of a named package it does not understand: the probe leaves it to dpkg-query. */
    const char *odd = "Package: kappa\nStatus: install ok sideways\nArchitecture: amd64\n"
                      "Version: 2\n";
    write_file(u1, odd, strlen(odd));
    char *script =
        mc_xasprintf(". %s/src/remote/probe.sh; mcprobe_b=B; mcprobe_dpkg \"$@\"", MC_SOURCE_DIR);
    const char *argv[] = { "sh", "-c", script, "sh", dir, "kappa", NULL };
    int ex = -1;
    bool by_probe = true;
    char *got = dpkg_answer(argv, &ex, &by_probe);
    assert_false(by_probe);
    assert_null(got);
    free(script);
    unlink(u0);
    unlink(u1);
    unlink(junk);
    unlink(status);
    rmdir(upd);
    rmdir(dir);
    free(status);
    free(upd);
    free(u0);
    free(u1);
    free(junk);
}

static void test_boundary(void **state)
{
    (void)state;
    char *a = mc_probe_boundary(), *b = mc_probe_boundary();
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    for (const char *p = a; *p; p++)
        assert_non_null(strchr("0123456789abcdef", *p));
    free(a);
    free(b);
    /* The embedded script is probe.sh, byte for byte. */
    char *src = mc_xasprintf("%s/src/remote/probe.sh", MC_SOURCE_DIR), *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_read_file(src, 1u << 20, &buf, &len), 0);
    assert_int_equal(len, mc_probe_script_size());
    assert_memory_equal(buf, mc_probe_script(), len);
    free(buf);
    free(src);
}

/* A shell that is not the probe, or a host that says nothing: an error, not facts. */
static void test_not_a_probe(void **state)
{
    (void)state;
    struct mc_source *s = NULL;
    struct mc_error err = { 0 };
    const char *cat[] = { "sh", "-c", "cat >/dev/null; echo motd; exit 3", NULL };
    assert_int_equal(mc_probe_run(cat, mc_probe_gatherer_specs, "kvm9", 10000, &s, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "kvm9"));
    assert_non_null(strstr(err.message, "status 3"));
    mc_error_clear(&err);
    const char *slow[] = { "sleep", "10", NULL };
    assert_int_equal(mc_probe_run(slow, mc_probe_gatherer_specs, "kvm9", 200, &s, &err),
                     -ETIMEDOUT);
    mc_error_clear(&err);
}

/*
 * The probe's answer as a fixture: tests/data/hosts/debian12/probe.out was recorded on the
 * Debian 12 build machine (record.sh); the facts gathered from it must stay those of
 * debian12.expected.xml (MIGCHECK_TEST_REGENERATE=1 rewrites it for review).
 */
static void test_debian12_fixture(void **state)
{
    (void)state;
    char *path = mc_xasprintf("%s/hosts/debian12/probe.out", MC_TEST_DATA);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_read_file(path, 64u << 20, &buf, &len), 0);
    char boundary[65] = "";
    assert_int_equal(sscanf(buf, "MCPROBE 1 %64[0-9a-zA-Z]", boundary), 1);
    struct mc_source *dump = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_source_dump(buf, len, boundary, "debian12", &dump, &err), 0);
    struct mc_host_facts *h = gather(dump, NULL);
    assert_string_equal(h->os.id, "debian");
    assert_string_equal(h->os.pkg_format, "dpkg");
    char *x = to_xml(h);

    char *exp_path = mc_xasprintf("%s/hosts/debian12.expected.xml", MC_TEST_DATA);
    const char *regen = getenv("MIGCHECK_TEST_REGENERATE");
    if (regen && strcmp(regen, "1") == 0) {
        write_file(exp_path, x, strlen(x));
        print_message("regenerated '%s': review it with git diff\n", exp_path);
    } else {
        char *want = NULL;
        size_t wlen = 0;
        int r = mc_read_file(exp_path, 64u << 20, &want, &wlen);
        if (r < 0)
            fail_msg("cannot read '%s': %s (MIGCHECK_TEST_REGENERATE=1 writes it)", exp_path,
                     strerror(-r));
        assert_same_snapshot("debian12 fixture (MIGCHECK_TEST_REGENERATE=1 rewrites the "
                             "expected file)",
                             want, x);
        free(want);
    }
    free(exp_path);
    free(x);
    mc_host_facts_free(h);
    mc_source_free(dump);
    free(buf);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_equals_direct_dash),
        cmocka_unit_test(test_probe_equals_direct_busybox),
        cmocka_unit_test(test_probe_equals_direct_bash),
        cmocka_unit_test(test_rom_hashes),
        cmocka_unit_test(test_errors_like_direct),
        cmocka_unit_test(test_sizes_without_stat),
        cmocka_unit_test(test_rom_dirs_batch),
        cmocka_unit_test(test_texts_and_links_batched),
        cmocka_unit_test(test_usb_devices),
        cmocka_unit_test(test_usb_parsers),
        cmocka_unit_test(test_hostile_specs),
        cmocka_unit_test(test_commands_match_argv),
        cmocka_unit_test(test_dpkg_like_dpkg_query),
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_not_a_probe),
        cmocka_unit_test(test_debian12_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
