/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OS facts: the parsers against the tools that define the formats (a POSIX shell sources
 * os-release, dpkg-query answers for its own database, NSS reads passwd and group, QEMU names
 * its own ROMs), and the gatherer on this machine against uname(), gethostname(), stat().
 * rpm output cannot be produced here (Debian): the rpm parser runs on the recorded RHEL 9
 * fixture (tests/data/hosts/rhel9, hand-recorded, see its README).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "checker/facts-xml.h"
#include "os/os.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/source.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- helpers ---- */

/* Run argv; stdout when it exits with one of the accepted codes (0 only when ok_exit < 0). */
static char *run(const char *const *argv, const char *in, int *ret_exit, size_t *ret_len)
{
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 60000 };
    if (in) {
        o.stdin_data = in;
        o.stdin_len = strlen(in);
    }
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &res, &err) < 0) {
        print_message("cannot run '%s': %s\n", argv[0], err.message);
        mc_error_clear(&err);
        return NULL;
    }
    if (ret_exit)
        *ret_exit = res.exit_code;
    if (ret_len)
        *ret_len = res.out_len;
    char *out = res.out;
    res.out = NULL;
    mc_spawn_result_clear(&res);
    return out;
}

static char *data_path(const char *rel)
{
    return mc_xasprintf("%s/%s", MC_TEST_DATA, rel);
}

static char *read_data(const char *rel, size_t *ret_len)
{
    char *p = data_path(rel);
    char *buf = NULL;
    int r = mc_read_file(p, 16u << 20, &buf, ret_len);
    if (r < 0)
        fail_msg("cannot read '%s': %s", p, strerror(-r));
    free(p);
    return buf;
}

static bool have_program(const char *name)
{
    const char *argv[] = { "sh", "-c", "command -v \"$1\" >/dev/null", "sh", name, NULL };
    int ex = -1;
    free(run(argv, NULL, &ex, NULL));
    return ex == 0;
}

static void assert_str_or_empty(const char *got, const char *want, const char *what)
{
    const char *g = got ? got : "";
    if (strcmp(g, want) != 0)
        fail_msg("%s: parser says '%s', the shell says '%s'", what, g, want);
}

/* ---- os-release ---- */

/* Every fixture os-release, read by dash (the format is defined as shell assignments). */
static void test_os_release_vs_shell(void **state)
{
    (void)state;
    char *dir = data_path("os/os-release");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *path = mc_xasprintf("%s/%s", dir, de->d_name);
        char *buf = NULL;
        size_t len = 0;
        assert_int_equal(mc_read_file(path, 1u << 20, &buf, &len), 0);
        struct mc_os_facts o = { 0 };
        struct mc_error err = { 0 };
        assert_int_equal(mc_os_release_parse(buf, len, &o, &err), 0);

        const char *argv[] = { "dash",
                               "-c",
                               ". \"$1\"; printf '%s\\0' \"$ID\" \"$ID_LIKE\" \"$VERSION_ID\" "
                               "\"$PRETTY_NAME\" \"$VARIANT_ID\"",
                               "sh",
                               path,
                               NULL };
        int ex = -1;
        size_t olen = 0;
        char *out = run(argv, NULL, &ex, &olen);
        assert_non_null(out);
        assert_int_equal(ex, 0);
        const char *want[5];
        const char *p = out;
        for (int i = 0; i < 5; i++) {
            assert_true(p < out + olen);
            want[i] = p;
            p += strlen(p) + 1;
        }
        print_message("os-release %s: ID=%s VERSION_ID=%s\n", de->d_name, want[0], want[2]);
        assert_str_or_empty(o.id, want[0], "ID");
        assert_str_or_empty(o.id_like, want[1], "ID_LIKE");
        assert_str_or_empty(o.version_id, want[2], "VERSION_ID");
        assert_str_or_empty(o.pretty_name, want[3], "PRETTY_NAME");
        assert_str_or_empty(o.variant_id, want[4], "VARIANT_ID");
        mc_os_facts_clear(&o);
        free(out);
        free(buf);
        free(path);
        n++;
    }
    closedir(d);
    free(dir);
    assert_true(n >= 6);
}

/* Input no shell should be given: nothing is expanded or run, quotes may never close. */
static void test_os_release_hostile(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_data("os/hostile.os-release", &len);
    struct mc_os_facts o = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_os_release_parse(buf, len, &o, &err), 0);
    assert_string_equal(o.id, "$(touch /tmp/migcheck-pwned)");
    assert_string_equal(o.id_like, "`id`");
    /* The unterminated quote runs to the end of the input. */
    assert_non_null(strstr(o.version_id, "PRETTY_NAME=this never ends"));
    assert_null(o.pretty_name);
    mc_os_facts_clear(&o);
    free(buf);

    buf = read_data("os/crlf.os-release", &len);
    assert_int_equal(mc_os_release_parse(buf, len, &o, &err), 0);
    assert_string_equal(o.id, "crlf");
    assert_string_equal(o.version_id, "12");
    mc_os_facts_clear(&o);
    free(buf);

    static const char *const odd[] = { "",      "=",    "=x\n",    "1X=a\nID=ok", "ID",
                                       "ID=\\", "ID='", "ID=\"\\", "\n\n\n" };
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        assert_int_equal(mc_os_release_parse(odd[i], strlen(odd[i]), &o, &err), 0);
        mc_os_facts_clear(&o);
    }
    assert_int_equal(mc_os_release_parse("1X=a\nID=ok", 10, &o, &err), 0);
    assert_string_equal(o.id, "ok");
    mc_os_facts_clear(&o);
}

/* ---- packages ---- */

static const struct mc_package *find_pkg(const struct mc_package *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].name, name) == 0)
            return &p[i];
    return NULL;
}

/* States this machine does not have (held, unpacked, config-files, half-installed), recorded. */
static void test_dpkg_states(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_data("os/dpkg-query.states", &len);
    struct mc_package *p = NULL;
    size_t n = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_dpkg_query_parse(buf, len, &p, &n, &err), 0);
    static const char *const kept[] = { "qemu-system-x86",
                                        "libvirt-daemon",
                                        "libvirt0",
                                        "ovmf",
                                        "linux-image-6.8.0-45-generic",
                                        "linux-image-6.8.0-40-generic",
                                        "linux-image-unsigned-6.8.0-45-generic" };
    static const char *const dropped[] = { "seabios", "qemu-kvm", "swtpm", "ipxe-qemu",
                                           "qemu-utils" };
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        assert_non_null(find_pkg(p, n, kept[i]));
    for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
        assert_null(find_pkg(p, n, dropped[i]));
    assert_int_equal(n, sizeof(kept) / sizeof(kept[0]));
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(p[i - 1].name, p[i].name) <= 0);

    mc_os_packages_keep_running_kernel(&p, &n, "6.8.0-45-generic");
    assert_null(find_pkg(p, n, "linux-image-6.8.0-40-generic"));
    assert_non_null(find_pkg(p, n, "linux-image-6.8.0-45-generic"));
    assert_non_null(find_pkg(p, n, "linux-image-unsigned-6.8.0-45-generic"));
    assert_non_null(find_pkg(p, n, "qemu-system-x86"));
    mc_packages_free(p, n);
    free(buf);
}

/* The gatherer's packages on this host against dpkg-query asked one name at a time. */
static void test_dpkg_vs_system(void **state)
{
    (void)state;
    if (access("/var/lib/dpkg/status", F_OK) != 0)
        skip();
    struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_os_gather(src, h);
    assert_string_equal(h->os.pkg_format, "dpkg");
    char **argv = mc_os_dpkg_argv(h->os.kernel_release);
    size_t expected = 0;
    for (size_t i = 4; argv[i]; i++) {
        const char *q[] = { "dpkg-query", "-W", "-f", "${Status}|${Version}|${Architecture}",
                            argv[i],      NULL };
        int ex = -1;
        char *out = run(q, NULL, &ex, NULL);
        const struct mc_package *p = mc_os_find_package(&h->os, argv[i]);
        if (ex == 0 && mc_str_startswith(out, "install ok installed|")) {
            char **f = mc_strv_split(out, "|");
            assert_non_null(p);
            assert_string_equal(p->version, f[1]);
            assert_string_equal(p->arch, f[2]);
            mc_strv_free(f);
            expected++;
        } else {
            assert_null(p);
        }
        free(out);
    }
    print_message("%zu of the stack's packages installed here\n", expected);
    assert_int_equal(h->os.n_packages, expected);
    assert_true(expected > 0);
    mc_strv_free(argv);
    mc_host_facts_free(h);
    mc_source_free(src);
}

static void test_rpm_fixture(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_data("hosts/rhel9/.commands/rpm", &len);
    struct mc_package *p = NULL;
    size_t n = 0;
    struct mc_error err = { 0 };
    assert_int_equal(mc_rpm_query_parse(buf, len, &p, &n, &err), 0);
    /* One package per tab-separated line; the "is not installed" lines are not packages. */
    size_t lines = 0, not_installed = 0;
    for (const char *l = buf; *l; l = strchr(l, '\n') + 1) {
        if (strchr(l, '\t') && strchr(l, '\t') < strchr(l, '\n'))
            lines++;
        else if (strstr(l, " is not installed") && strstr(l, " is not installed") < strchr(l, '\n'))
            not_installed++;
    }
    assert_int_equal(n, lines);
    assert_int_equal(not_installed, 3);
    const struct mc_package *q = find_pkg(p, n, "qemu-kvm");
    assert_non_null(q);
    assert_string_equal(q->version, "17:8.2.0-11.el9_4");
    assert_string_equal(q->arch, "x86_64");
    q = find_pkg(p, n, "edk2-ovmf");
    assert_string_equal(q->version, "20231122-6.el9_4"); /* "(none):" dropped */
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(p[i].version, "(none)"));

    char *rel = NULL;
    char *relpath = data_path("hosts/rhel9/proc/sys/kernel/osrelease");
    assert_int_equal(mc_read_line_at(AT_FDCWD, relpath, &rel), 0);
    mc_os_packages_keep_running_kernel(&p, &n, rel);
    int kernels = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].name, "kernel") == 0 || strcmp(p[i].name, "kernel-core") == 0) {
            char *full = mc_xasprintf("%s.%s", p[i].version, p[i].arch);
            assert_string_equal(full, rel);
            free(full);
            kernels++;
        }
    assert_int_equal(kernels, 2);
    mc_packages_free(p, n);
    free(relpath);
    free(rel);
    free(buf);

    /* Garbage never becomes a package. */
    static const char junk[] = "a\tb\n\t\t\n\tx\ty\nname\t(none):\tx86_64\nname\t:\tx\n\0\tz\ty\n";
    assert_int_equal(mc_rpm_query_parse(junk, sizeof(junk) - 1, &p, &n, &err), 0);
    assert_int_equal(n, 0);
    free(p);
}

/* ---- passwd and group: NSS (files) is the reference ---- */

static void test_passwd_group_vs_nss(void **state)
{
    (void)state;
    char *pw = NULL, *gr = NULL;
    size_t pwl = 0, grl = 0;
    assert_int_equal(mc_read_file("/etc/passwd", 16u << 20, &pw, &pwl), 0);
    assert_int_equal(mc_read_file("/etc/group", 16u << 20, &gr, &grl), 0);
    char **lines = mc_strv_split(pw, "\n");
    int n = 0;
    STRV_FOREACH (l, lines) {
        char *name = mc_xstrndup(*l, strcspn(*l, ":"));
        struct passwd *p = getpwnam(name);
        int64_t uid, gid;
        if (p && name[0] != '+' && name[0] != '-') {
            assert_int_equal(mc_passwd_lookup(pw, pwl, name, &uid, &gid), 0);
            assert_int_equal(uid, p->pw_uid);
            assert_int_equal(gid, p->pw_gid);
            n++;
        }
        free(name);
    }
    mc_strv_free(lines);
    assert_true(n > 5);
    lines = mc_strv_split(gr, "\n");
    n = 0;
    STRV_FOREACH (l, lines) {
        char *name = mc_xstrndup(*l, strcspn(*l, ":"));
        struct group *g = getgrnam(name);
        int64_t gid;
        if (g) {
            assert_int_equal(mc_group_lookup(gr, grl, name, &gid), 0);
            assert_int_equal(gid, g->gr_gid);
            n++;
        }
        free(name);
    }
    mc_strv_free(lines);
    assert_true(n > 5);

    int64_t uid, gid;
    assert_int_equal(mc_passwd_lookup(pw, pwl, "no-such-user-migcheck", &uid, &gid), -ENOENT);
    const char *db = "rootx:x:5:5::/:/bin/sh\nroot:x:0:0::/:/bin/sh\nbad:x:1x:2::/:\nshort:x:3\n";
    assert_int_equal(mc_passwd_lookup(db, strlen(db), "root", &uid, &gid), 0);
    assert_int_equal(uid, 0);
    assert_int_equal(mc_passwd_lookup(db, strlen(db), "roo", &uid, &gid), -ENOENT);
    assert_int_equal(mc_passwd_lookup(db, strlen(db), "bad", &uid, &gid), -EBADMSG);
    assert_int_equal(mc_passwd_lookup(db, strlen(db), "short", &uid, &gid), -ENOENT);
    assert_int_equal(mc_passwd_lookup(db, strlen(db), "", &uid, &gid), -EINVAL);
    free(pw);
    free(gr);
}

/* ---- the gatherer on this machine ---- */

static char *sh_line(const char *script)
{
    const char *argv[] = { "sh", "-c", script, NULL };
    int ex = -1;
    char *out = run(argv, NULL, &ex, NULL);
    if (!out || ex != 0) {
        free(out);
        return NULL;
    }
    return mc_strip_trailing(out);
}

static void test_gather_local_vs_system(void **state)
{
    (void)state;
    struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *h = mc_host_facts_new();
    double t0 = mc_now();
    mc_os_gather(src, h);
    print_message("os gathered in %.1f ms\n", (mc_now() - t0) * 1000);
    for (size_t i = 0; i < h->n_errors; i++)
        print_message("error: %s: %s\n", h->errors[i].area, h->errors[i].message);
    assert_int_equal(h->n_errors, 0);

    struct utsname u;
    assert_int_equal(uname(&u), 0);
    assert_string_equal(h->os.kernel_release, u.release);
    assert_string_equal(h->os.kernel_version, u.version);
    assert_string_equal(h->os.arch, u.machine);
    char host[HOST_NAME_MAX + 1];
    assert_int_equal(gethostname(host, sizeof(host)), 0);
    assert_string_equal(h->os.hostname, host);
    char *fqdn = sh_line("hostname -f");
    if (fqdn)
        assert_string_equal(h->os.fqdn, fqdn);
    free(fqdn);
    char *mid = sh_line("cat /etc/machine-id");
    assert_string_equal(h->os.machine_id, mid);
    free(mid);
    char *id = sh_line(". /etc/os-release; echo \"$ID\"");
    assert_string_equal(h->os.id, id);
    free(id);
    char *pretty = sh_line(". /etc/os-release; echo \"$PRETTY_NAME\"");
    assert_string_equal(h->os.pretty_name, pretty);
    free(pretty);

    if (access("/sys/fs/selinux/enforce", F_OK) == 0) {
        assert_string_equal(h->os.security, "selinux");
    } else {
        char *aa = sh_line("cat /sys/module/apparmor/parameters/enabled 2>/dev/null");
        assert_string_equal(h->os.security, aa && strcmp(aa, "Y") == 0 ? "apparmor" : "none");
        free(aa);
    }

    /* The qemu user: NSS knows it with the same ids. */
    if (h->os.qemu_uid_known) {
        struct passwd *p = getpwnam(h->os.qemu_user);
        assert_non_null(p);
        assert_int_equal(h->os.qemu_uid, p->pw_uid);
        struct group *g =
            h->os.id && strcmp(h->os.id, "debian") == 0 ? getgrnam("libvirt-qemu") : NULL;
        assert_int_equal(h->os.qemu_gid, g ? g->gr_gid : p->pw_gid);
    }
    mc_host_facts_free(h);
    mc_source_free(src);
}

/* qemu.conf's user and group win over the distro default; a rerun replaces the facts and the
 * errors of the earlier run (recorded RHEL 9 host). */
static void test_qemu_user_from_conf(void **state)
{
    (void)state;
    char *root = data_path("hosts/rhel9");
    struct mc_source *src = mc_source_fs(root, false);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_os_gather(src, h);
    assert_string_equal(h->os.qemu_user, "qemu");
    assert_int_equal(h->os.qemu_uid, 107);
    assert_int_equal(h->os.qemu_gid, 107);
    assert_true(h->os.qemu_uid_known);

    h->virt.qemu_conf.user = mc_xstrdup("nosuchuser");
    mc_os_gather_qemu_user(src, h);
    assert_false(h->os.qemu_uid_known);
    assert_int_equal(h->os.qemu_uid, -1);
    assert_int_equal(h->n_errors, 1);
    assert_string_equal(h->errors[0].area, "os/qemu-user");

    free(h->virt.qemu_conf.user);
    h->virt.qemu_conf.user = mc_xstrdup("admin");
    h->virt.qemu_conf.group = mc_xstrdup("kvm");
    mc_os_gather_qemu_user(src, h);
    assert_int_equal(h->n_errors, 0);
    assert_string_equal(h->os.qemu_user, "admin");
    assert_int_equal(h->os.qemu_uid, 1000);
    assert_int_equal(h->os.qemu_gid, 36);

    free(h->virt.qemu_conf.user);
    h->virt.qemu_conf.user = mc_xstrdup("+0");
    free(h->virt.qemu_conf.group);
    h->virt.qemu_conf.group = mc_xstrdup("+5");
    mc_os_gather_qemu_user(src, h);
    assert_true(h->os.qemu_uid_known);
    assert_int_equal(h->os.qemu_uid, 0);
    assert_int_equal(h->os.qemu_gid, 5);
    mc_host_facts_free(h);
    mc_source_free(src);
    free(root);
}

/* Every ROM listed exists with that size; links resolve where realpath() says; and every
 * ROM-named file in the directories the probe lists was found. */
static void test_roms_vs_stat(void **state)
{
    (void)state;
    struct mc_source *src = mc_source_fs("/", true);
    struct mc_host_facts *h = mc_host_facts_new();
    mc_os_gather(src, h);
    for (size_t i = 0; i < h->os.n_roms; i++) {
        const struct mc_rom *r = &h->os.roms[i];
        struct stat lst, st;
        assert_int_equal(lstat(r->path, &lst), 0);
        if (S_ISLNK(lst.st_mode)) {
            char real[PATH_MAX];
            assert_non_null(r->target);
            if (realpath(r->path, real)) {
                assert_string_equal(r->target, real);
                assert_int_equal(stat(r->path, &st), 0);
                assert_int_equal(r->size, st.st_size);
            }
        } else {
            assert_null(r->target);
            assert_int_equal(r->size, lst.st_size);
        }
        assert_null(r->sha256); /* no VM: nothing hashed */
    }
    size_t found = 0;
    for (const char *const *l = mc_os_probe_spec; *l; l++) {
        if (strncmp(*l, "S ", 2) != 0 && strncmp(*l, "R ", 2) != 0)
            continue;
        DIR *d = opendir(*l + 2);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!(mc_str_endswith(de->d_name, ".rom") || mc_str_endswith(de->d_name, ".bin") ||
                  mc_str_endswith(de->d_name, ".fd")))
                continue;
            char *p = mc_xasprintf("%s/%s", *l + 2, de->d_name);
            struct stat lst;
            if (lstat(p, &lst) == 0 && (S_ISREG(lst.st_mode) || S_ISLNK(lst.st_mode))) {
                bool listed = false;
                for (size_t i = 0; i < h->os.n_roms; i++)
                    listed |= strcmp(h->os.roms[i].path, p) == 0;
                if (!listed)
                    fail_msg("'%s' is not in the ROM list", p);
                found++;
            }
            free(p);
        }
        closedir(d);
    }
    assert_int_equal(found, h->os.n_roms);
    print_message("%zu ROMs\n", found);
    mc_host_facts_free(h);
    mc_source_free(src);
}

/* ---- the ROM table against QEMU itself ---- */

/* QEMU's romfile for each device, asked over QMP after realize (qom-get romfile). */
static char **qemu_romfiles(const char *machine, const char *const *devices, bool *ret_ok)
{
    char **argv = NULL;
    mc_strv_add(&argv, "qemu-system-x86_64");
    mc_strv_add(&argv, "-machine");
    mc_strv_push(&argv, mc_xasprintf("%s,accel=tcg", machine));
    mc_strv_add(&argv, "-nodefaults");
    mc_strv_add(&argv, "-S");
    mc_strv_add(&argv, "-display");
    mc_strv_add(&argv, "none");
    mc_strv_add(&argv, "-qmp");
    mc_strv_add(&argv, "stdio");
    struct mc_buf in = MC_BUF_INIT;
    mc_buf_puts(&in, "{\"execute\":\"qmp_capabilities\"}\n");
    for (size_t i = 0; devices[i]; i++) {
        mc_strv_add(&argv, "-device");
        mc_strv_push(&argv, mc_xasprintf("%s,id=d%zu", devices[i], i));
        mc_buf_printf(&in,
                      "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/"
                      "d%zu\",\"property\":\"romfile\"}}\n",
                      i);
    }
    mc_buf_puts(&in, "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\","
                     "\"property\":\"firmware\"}}\n{\"execute\":\"quit\"}\n");
    int ex = -1;
    char *out = run((const char *const *)argv, in.data, &ex, NULL);
    mc_buf_free(&in);
    mc_strv_free(argv);
    char **v = NULL;
    *ret_ok = false;
    if (!out)
        return NULL;
    char **lines = mc_strv_split(out, "\n");
    size_t returns = 0, ndev = 0;
    while (devices[ndev])
        ndev++;
    STRV_FOREACH (l, lines) {
        json_object *j = json_tokener_parse(*l), *r;
        /* In order: qmp_capabilities, one qom-get per device, the firmware, quit. */
        if (j && json_object_object_get_ex(j, "return", &r) && returns++ > 0 && returns <= ndev + 2)
            mc_strv_add(&v,
                        json_object_is_type(r, json_type_string) ? json_object_get_string(r) : "");
        json_object_put(j);
    }
    mc_strv_free(lines);
    free(out);
    *ret_ok = ex == 0;
    return v;
}

static void test_rom_table_vs_qemu(void **state)
{
    (void)state;
    if (!have_program("qemu-system-x86_64"))
        skip();
    /* libvirt model -> the QEMU device libvirt uses for it (qemu_command.c) */
    static const struct {
        const char *model, *device;
    } nics[] = {
        { "virtio", "virtio-net-pci" }, { "e1000", "e1000" },       { "e1000e", "e1000e" },
        { "rtl8139", "rtl8139" },       { "ne2k_pci", "ne2k_pci" }, { "pcnet", "pcnet" },
        { "vmxnet3", "vmxnet3" },       { "i82559er", "i82559er" }, { "i82557b", "i82557b" },
    };
    static const char *const machines[] = { "pc-q35-7.2",    "pc-i440fx-7.2", "pc-i440fx-2.7",
                                            "pc-i440fx-2.6", "pc-i440fx-2.0", "pc-i440fx-1.7",
                                            "pc-i440fx-1.5", "pc-i440fx-1.4" };
    for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
        const char *devs[sizeof(nics) / sizeof(nics[0]) + 1] = { 0 };
        for (size_t i = 0; i < sizeof(nics) / sizeof(nics[0]); i++)
            devs[i] = nics[i].device;
        bool ok;
        char **roms = qemu_romfiles(machines[m], devs, &ok);
        if (!ok) {
            print_message("QEMU has no machine '%s'\n", machines[m]);
            mc_strv_free(roms);
            continue;
        }
        assert_int_equal(mc_strv_length(roms), sizeof(nics) / sizeof(nics[0]) + 1);
        for (size_t i = 0; i < sizeof(nics) / sizeof(nics[0]); i++) {
            const char *want = roms[i];
            const char *got = mc_os_nic_romfile(nics[i].model, machines[m]);
            if (strcmp(got ? got : "", want) != 0)
                fail_msg("%s on %s: QEMU loads '%s', the table says '%s'", nics[i].model,
                         machines[m], want, got ? got : "(none)");
        }
        /* The BIOS of a pc machine; an empty firmware property means QEMU's bios.bin. */
        struct mc_vm_facts vm = { .machine = (char *)machines[m], .arch = (char *)"x86_64" };
        char **names = mc_os_vm_rom_names(&vm);
        const char *fw = roms[sizeof(nics) / sizeof(nics[0])];
        if (!mc_strv_contains(names, *fw ? fw : "bios.bin"))
            fail_msg("%s: QEMU loads the BIOS '%s'", machines[m], *fw ? fw : "bios.bin");
        mc_strv_free(names);
        mc_strv_free(roms);
    }

    /* VGA BIOSes: one primary display per QEMU. */
    static const struct {
        const char *model, *device;
    } vgas[] = {
        { "vga", "VGA" },     { "cirrus", "cirrus-vga" }, { "vmvga", "vmware-svga" },
        { "qxl", "qxl-vga" }, { "virtio", "virtio-vga" }, { "bochs", "bochs-display" },
    };
    for (size_t i = 0; i < sizeof(vgas) / sizeof(vgas[0]); i++) {
        const char *devs[] = { vgas[i].device, NULL };
        bool ok;
        char **roms = qemu_romfiles("pc-q35-7.2", devs, &ok);
        if (!ok || !roms || !roms[0]) {
            print_message("QEMU cannot create '%s'\n", vgas[i].device);
            mc_strv_free(roms);
            continue;
        }
        const char *got = mc_os_vga_romfile(vgas[i].model, true);
        if (!got || strcmp(got, roms[0]) != 0)
            fail_msg("video %s: QEMU loads '%s', the table says '%s'", vgas[i].model, roms[0],
                     got ? got : "(none)");
        mc_strv_free(roms);
    }
    /* Secondary displays of these kinds have no ROM. */
    static const char *const secondary[] = { "secondary-vga", "qxl", "virtio-gpu-pci", NULL };
    bool ok;
    char **roms = qemu_romfiles("pc-q35-7.2", secondary, &ok);
    if (ok) {
        assert_string_equal(roms[0], "");
        assert_null(mc_os_vga_romfile("vga", false));
        assert_string_equal(roms[1], "");
        assert_null(mc_os_vga_romfile("qxl", false));
        assert_string_equal(roms[2], "");
        assert_null(mc_os_vga_romfile("virtio", false));
    }
    mc_strv_free(roms);
}

static void test_vm_rom_names(void **state)
{
    (void)state;
    struct mc_vm_facts *vmp = mc_new0(struct mc_vm_facts, 1);
#define vm (*vmp)
    vm.machine = mc_xstrdup("pc-q35-7.2");
    vm.arch = mc_xstrdup("x86_64");
    static const char *const models[] = { "virtio", "e1000e", "i82559er", NULL, "virtio" };
    for (size_t i = 0; i < 5; i++) {
        struct mc_iface *f = MC_APPEND(vm.ifaces, vm.n_ifaces);
        f->type = mc_xstrdup("bridge");
        f->model = mc_xstrdup_or_null(models[i]);
    }
    struct mc_iface *hd = MC_APPEND(vm.ifaces, vm.n_ifaces);
    hd->type = mc_xstrdup("hostdev");
    hd->model = mc_xstrdup("pcnet");
    mc_strv_add(&vm.video_models, "qxl");
    mc_strv_add(&vm.video_models, "virtio");
    mc_strv_add(&vm.video_models, "bochs");
    char **n = mc_os_vm_rom_names(&vm);
    static const char *const want[] = { "efi-virtio.rom",   "efi-e1000e.rom",
                                        "pxe-eepro100.rom", "efi-rtl8139.rom",
                                        "vgabios-qxl.bin",  "vgabios-bochs-display.bin",
                                        "bios-256k.bin",    "kvmvapic.bin" };
    assert_int_equal(mc_strv_length(n), sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_string_equal(n[i], want[i]);
    mc_strv_free(n);

    /* UEFI: the loader replaces the BIOS; a <rom file=> and a direct kernel add theirs. */
    struct mc_vm_file *f = MC_APPEND(vm.files, vm.n_files);
    f->role = mc_xstrdup("loader");
    f->path = mc_xstrdup("/usr/share/OVMF/OVMF_CODE_4M.fd");
    f = MC_APPEND(vm.files, vm.n_files);
    f->role = mc_xstrdup("rom");
    f->path = mc_xstrdup("/srv/roms/my nic.rom");
    f = MC_APPEND(vm.files, vm.n_files);
    f->role = mc_xstrdup("kernel");
    f->path = mc_xstrdup("/boot/vmlinuz");
    n = mc_os_vm_rom_names(&vm);
    assert_false(mc_strv_contains(n, "bios-256k.bin"));
    assert_true(mc_strv_contains(n, "linuxboot_dma.bin"));
    assert_true(mc_strv_contains(n, "/usr/share/OVMF/OVMF_CODE_4M.fd"));
    assert_true(mc_strv_contains(n, "/srv/roms/my nic.rom"));
    mc_strv_free(n);
    /* The probe spec cannot carry the path with a space; the others go to every search dir. */
    char **spec = mc_os_rom_hash_spec(&vm);
    assert_true(mc_strv_contains(spec, "H /usr/share/OVMF/OVMF_CODE_4M.fd"));
    assert_true(mc_strv_contains(spec, "H /usr/share/qemu/efi-virtio.rom"));
    assert_true(mc_strv_contains(spec, "H /usr/share/qemu-kvm/efi-virtio.rom"));
    assert_true(mc_strv_contains(spec, "H /usr/lib/ipxe/qemu/efi-virtio.rom"));
    STRV_FOREACH (l, spec)
        assert_null(strstr(*l, "my nic"));
    mc_strv_free(spec);

    /* Not x86: no PC ROM table, only the named files. */
    free(vm.arch);
    vm.arch = mc_xstrdup("aarch64");
    free(vm.machine);
    vm.machine = mc_xstrdup("virt-7.2");
    n = mc_os_vm_rom_names(&vm);
    assert_int_equal(mc_strv_length(n), 2);
    mc_strv_free(n);
#undef vm
    mc_vm_facts_free(vmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_os_release_vs_shell),
        cmocka_unit_test(test_os_release_hostile),
        cmocka_unit_test(test_dpkg_states),
        cmocka_unit_test(test_dpkg_vs_system),
        cmocka_unit_test(test_rpm_fixture),
        cmocka_unit_test(test_passwd_group_vs_nss),
        cmocka_unit_test(test_gather_local_vs_system),
        cmocka_unit_test(test_qemu_user_from_conf),
        cmocka_unit_test(test_roms_vs_stat),
        cmocka_unit_test(test_rom_table_vs_qemu),
        cmocka_unit_test(test_vm_rom_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
