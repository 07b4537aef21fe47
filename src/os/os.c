/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OS facts: os-release, kernel, machine-id, names, the hypervisor stack's packages, the LSM,
 * the qemu user and QEMU's ROMs. Everything is read through a source (this host, a fixture
 * root, the sh probe's dump), so one code path serves local and remote hosts; only the
 * architecture and the FQDN come from library calls, and only on this host.
 */
#include "os.h"

#include <errno.h>
#include <netdb.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "checker/rom-dirs.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- the package lists: one definition for argv and the probe request ---- */

/*
 * The hypervisor stack by package name (kernel, QEMU, libvirt, firmware, TPM emulator), as
 * Debian 12 / Ubuntu 24.04 and RHEL 9 / CentOS Stream 9 / Fedora 40 name them. Names a host
 * does not know are simply absent from the output. Every name must match [A-Za-z0-9.+_-] and
 * start with a letter or digit: the probe refuses the command otherwise.
 */
#define DPKG_PACKAGES(X)                                                                           \
    X("ipxe-qemu")                                                                                 \
    X("libvirt-daemon")                                                                            \
    X("libvirt-daemon-driver-qemu")                                                                \
    X("libvirt-daemon-system")                                                                     \
    X("libvirt0")                                                                                  \
    X("ovmf")                                                                                      \
    X("qemu-block-extra")                                                                          \
    X("qemu-kvm")                                                                                  \
    X("qemu-system-common")                                                                        \
    X("qemu-system-data")                                                                          \
    X("qemu-system-x86")                                                                           \
    X("qemu-utils")                                                                                \
    X("seabios")                                                                                   \
    X("swtpm")

#define RPM_PACKAGES(X)                                                                            \
    X("edk2-ovmf")                                                                                 \
    X("ipxe-roms-qemu")                                                                            \
    X("kernel")                                                                                    \
    X("kernel-core")                                                                               \
    X("libvirt-daemon")                                                                            \
    X("libvirt-daemon-driver-qemu")                                                                \
    X("libvirt-daemon-kvm")                                                                        \
    X("libvirt-libs")                                                                              \
    X("qemu-common")                                                                               \
    X("qemu-img")                                                                                  \
    X("qemu-kvm")                                                                                  \
    X("qemu-kvm-common")                                                                           \
    X("qemu-kvm-core")                                                                             \
    X("qemu-system-x86")                                                                           \
    X("qemu-system-x86-core")                                                                      \
    X("seabios")                                                                                   \
    X("seabios-bin")                                                                               \
    X("seavgabios-bin")                                                                            \
    X("swtpm")

#define AS_ELEMENT(s) s,
#define AS_WORD(s)    " " s

const char *const mc_os_dpkg_packages[] = { DPKG_PACKAGES(AS_ELEMENT) NULL };
const char *const mc_os_rpm_packages[] = { RPM_PACKAGES(AS_ELEMENT) NULL };

/* The probe runs the same formats (src/remote/probe.sh): keep them identical. */
#define DPKG_FORMAT "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n"
#define RPM_FORMAT  "%{NAME}\\t%{EPOCH}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"

char **mc_os_dpkg_argv(const char *kernel_release)
{
    char **v = NULL;
    mc_strv_add(&v, "dpkg-query");
    mc_strv_add(&v, "-W");
    mc_strv_add(&v, "-f");
    mc_strv_add(&v, DPKG_FORMAT);
    for (const char *const *p = mc_os_dpkg_packages; *p; p++)
        mc_strv_add(&v, *p);
    if (kernel_release && *kernel_release) {
        mc_strv_push(&v, mc_xasprintf("linux-image-%s", kernel_release));
        mc_strv_push(&v, mc_xasprintf("linux-image-unsigned-%s", kernel_release));
    }
    return v;
}

char **mc_os_rpm_argv(void)
{
    char **v = NULL;
    mc_strv_add(&v, "rpm");
    mc_strv_add(&v, "-q");
    mc_strv_add(&v, "--qf");
    mc_strv_add(&v, RPM_FORMAT);
    for (const char *const *p = mc_os_rpm_packages; *p; p++)
        mc_strv_add(&v, *p);
    return v;
}

/* ---- where QEMU's ROMs live ---- */

struct rom_dir {
    const char *path;
    bool search;
};

#define AS_ROM_DIR(d, s) { d, s },
static const struct rom_dir rom_dirs[] = { ROM_DIRS(AS_ROM_DIR) };

/* ---- the probe spec: exactly what mc_os_gather reads ---- */

#define AS_ROM_SPEC(d, s) "R " d,

const char *const mc_os_probe_spec[] = {
    "T /etc/os-release",
    "T /usr/lib/os-release",
    "F /proc/sys/kernel/osrelease",
    "F /proc/sys/kernel/version",
    "F /proc/sys/kernel/hostname",
    "T /etc/machine-id",
    "T /etc/passwd",
    "T /etc/group",
    "F /sys/fs/selinux/enforce",
    "T /etc/selinux/config",
    "F /sys/module/apparmor/parameters/enabled",
    "D /var/lib/dpkg",
    "D /var/lib/rpm",
    "D /usr/lib/sysimage/rpm",
    "C uname-m",
    "C hostname-f",
    "C dpkg-query" DPKG_PACKAGES(AS_WORD),
    "C rpm" RPM_PACKAGES(AS_WORD),
    ROM_DIRS(AS_ROM_SPEC) NULL,
};

/* ---- KEY=VALUE files ---- */

static bool is_key_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9');
}

int mc_env_parse(const char *buf, size_t len, char ***ret)
{
    const char *p = buf, *end = buf + len;
    char **kv = NULL;
    size_t nkv = 0;
    _cleanup_buf_ struct mc_buf v = MC_BUF_INIT;

    while (p < end) {
        /* One assignment per line; anything else is skipped to the end of its line. */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *k = p;
        while (p < end && is_key_char(*p))
            p++;
        if (p == k || !is_key_start(*k) || p >= end || *p != '=') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
            continue;
        }
        char *key = mc_xstrndup(k, (size_t)(p - k));
        p++; /* '=' */
        mc_buf_reset(&v);
        size_t keep = 0; /* length up to the last quoted or escaped character */
        while (p < end && *p != '\n') {
            char c = *p++;
            if (c == '\'') {
                while (p < end && *p != '\'')
                    mc_buf_putc(&v, *p++);
                if (p < end)
                    p++;
                keep = v.len;
            } else if (c == '"') {
                while (p < end && *p != '"') {
                    if (*p == '\\' && p + 1 < end) {
                        char n = p[1];
                        if (n == '\n') { /* line continuation */
                            p += 2;
                            continue;
                        }
                        if (n == '"' || n == '\\' || n == '$' || n == '`') {
                            mc_buf_putc(&v, n);
                            p += 2;
                            continue;
                        }
                    }
                    mc_buf_putc(&v, *p++);
                }
                if (p < end)
                    p++;
                keep = v.len;
            } else if (c == '\\') {
                if (p < end && *p == '\n') {
                    p++;
                } else if (p < end) {
                    mc_buf_putc(&v, *p++);
                    keep = v.len;
                }
            } else {
                mc_buf_putc(&v, c);
                if (c != ' ' && c != '\t' && c != '\r')
                    keep = v.len;
            }
        }
        /* Unquoted trailing whitespace is not part of the value. */
        mc_strv_push_n(&kv, &nkv, key);
        mc_strv_push_n(&kv, &nkv, mc_xstrndup(v.data ? v.data : "", keep));
    }
    *ret = kv;
    return 0;
}

const char *mc_env_get(char *const *kv, const char *key)
{
    const char *found = NULL;
    for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
        if (strcmp(kv[i], key) == 0)
            found = kv[i + 1];
    return found;
}

static char *dup_nonempty(const char *s)
{
    return s && *s ? mc_xstrdup(s) : NULL;
}

int mc_os_release_parse(const char *buf, size_t len, struct mc_os_facts *o, struct mc_error *reterr)
{
    _cleanup_strv_free_ char **kv = NULL;
    int r = mc_env_parse(buf, len, &kv);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot parse os-release");
    struct {
        char **field;
        const char *key;
    } map[] = {
        { &o->id, "ID" },
        { &o->id_like, "ID_LIKE" },
        { &o->version_id, "VERSION_ID" },
        { &o->pretty_name, "PRETTY_NAME" },
        { &o->variant_id, "VARIANT_ID" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        free(*map[i].field);
        *map[i].field = dup_nonempty(mc_env_get(kv, map[i].key));
    }
    return 0;
}

/* ---- package lists ---- */

#define MAX_PACKAGES 4096

void mc_packages_free(struct mc_package *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].version);
        free(p[i].arch);
    }
    free(p);
}

static int cmp_package(const void *a, const void *b)
{
    const struct mc_package *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = strcmp(x->arch ? x->arch : "", y->arch ? y->arch : "");
    return c ? c : strcmp(x->version, y->version);
}

/* Split one line into at most max tab-separated fields (in place); returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static bool printable_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

/* Lines of buf, each a NUL-terminated copy, for in-place splitting. */
static char **lines_of(const char *buf, size_t len)
{
    char **v = NULL;
    size_t n = 0;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        /* A NUL inside a line ends it: text tools would never print one. */
        const char *z = memchr(p, '\0', (size_t)(e - p));
        mc_strv_push_n(&v, &n, mc_xstrndup(p, (size_t)((z ? z : e) - p)));
        p = nl ? nl + 1 : end;
    }
    return v;
}

/* One more package in *v (copies of the strings; arch may be NULL): -E2BIG past MAX_PACKAGES,
 * *v then freed. tool names the output in the message. */
static int package_add(struct mc_package **v, size_t *n, const char *tool, const char *name,
                       const char *version, const char *arch, struct mc_error *reterr)
{
    if (*n >= MAX_PACKAGES) {
        mc_packages_free(*v, *n);
        return mc_error_set(reterr, -E2BIG, "more than %d packages in %s output", MAX_PACKAGES,
                            tool);
    }
    struct mc_package *p = MC_APPEND(*v, *n);
    p->name = mc_xstrdup(name);
    p->version = mc_xstrdup(version);
    p->arch = arch ? mc_xstrdup(arch) : NULL;
    return 0;
}

static void sort_packages(struct mc_package *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_package);
}

int mc_dpkg_query_parse(const char *buf, size_t len, struct mc_package **ret, size_t *ret_n,
                        struct mc_error *reterr)
{
    _cleanup_strv_free_ char **lines = lines_of(buf, len);
    struct mc_package *v = NULL;
    size_t n = 0;
    STRV_FOREACH (l, lines) {
        char *f[5];
        if (split_tabs(*l, f, 5) != 4)
            continue;
        /* db:Status-Abbrev: want, status, error flag. Keep packages whose files are there:
         * installed (i), triggers awaited/pending (W, t), unpacked (U), half-configured (F). */
        const char *st = f[3];
        if (strlen(st) < 2 || !strchr("iWtUF", st[1]))
            continue;
        if (!printable_token(f[0]) || !printable_token(f[1]))
            continue;
        const char *arch = printable_token(f[2]) ? f[2] : NULL;
        int r = package_add(&v, &n, "dpkg-query", f[0], f[1], arch, reterr);
        if (r < 0)
            return r;
    }
    sort_packages(v, n);
    *ret = v;
    *ret_n = n;
    return 0;
}

int mc_rpm_query_parse(const char *buf, size_t len, struct mc_package **ret, size_t *ret_n,
                       struct mc_error *reterr)
{
    _cleanup_strv_free_ char **lines = lines_of(buf, len);
    struct mc_package *v = NULL;
    size_t n = 0;
    STRV_FOREACH (l, lines) {
        /* "package foo is not installed" has no tabs and is skipped here. */
        char *f[4];
        if (split_tabs(*l, f, 4) != 3)
            continue;
        const char *ver = f[1];
        if (mc_str_startswith(ver, "(none):"))
            ver += strlen("(none):");
        if (!printable_token(f[0]) || !printable_token(ver) || *ver == ':' || strstr(ver, "(none)"))
            continue;
        const char *arch = printable_token(f[2]) && strcmp(f[2], "(none)") != 0 ? f[2] : NULL;
        int r = package_add(&v, &n, "rpm", f[0], ver, arch, reterr);
        if (r < 0)
            return r;
    }
    sort_packages(v, n);
    *ret = v;
    *ret_n = n;
    return 0;
}

/* Is p the package of the running kernel? NULL: not a kernel package at all. */
static const char *kernel_package_kind(const struct mc_package *p)
{
    if (mc_str_startswith(p->name, "linux-image-"))
        return "dpkg";
    if (strcmp(p->name, "kernel") == 0 || strcmp(p->name, "kernel-core") == 0)
        return "rpm";
    return NULL;
}

static bool is_running_kernel(const struct mc_package *p, const char *kind, const char *release)
{
    if (strcmp(kind, "dpkg") == 0) {
        const char *rest = p->name + strlen("linux-image-");
        if (mc_str_startswith(rest, "unsigned-"))
            rest += strlen("unsigned-");
        return strcmp(rest, release) == 0;
    }
    /* rpm: uname -r is VERSION-RELEASE.ARCH (5.14.0-427.13.1.el9_4.x86_64). */
    const char *ver = strchr(p->version, ':');
    ver = ver ? ver + 1 : p->version;
    _cleanup_free_ char *full = p->arch ? mc_xasprintf("%s.%s", ver, p->arch) : mc_xstrdup(ver);
    return strcmp(full, release) == 0;
}

void mc_os_packages_keep_running_kernel(struct mc_package **pkgs, size_t *n,
                                        const char *kernel_release)
{
    if (!kernel_release || !*kernel_release)
        return;
    struct mc_package *v = *pkgs;
    size_t w = 0;
    for (size_t i = 0; i < *n; i++) {
        const char *kind = kernel_package_kind(&v[i]);
        if (kind && !is_running_kernel(&v[i], kind, kernel_release)) {
            free(v[i].name);
            free(v[i].version);
            free(v[i].arch);
            continue;
        }
        v[w++] = v[i];
    }
    *n = w;
    if (w == 0) {
        free(v);
        *pkgs = NULL;
    }
}

/* ---- passwd and group ---- */

static bool parse_id(const char *s, int64_t *ret)
{
    if (!*s || strlen(s) > 10)
        return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    if (v > UINT32_MAX - 1)
        return false;
    *ret = v;
    return true;
}

/* The first line of a colon-separated database whose first field is name. */
static int colon_db_find(const char *buf, size_t len, const char *name, char **f, size_t nf,
                         char **ret_line)
{
    if (!name || !*name)
        return -EINVAL;
    size_t nl_len = strlen(name);
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if ((size_t)(e - p) > nl_len && memcmp(p, name, nl_len) == 0 && p[nl_len] == ':' &&
            !memchr(p, '\0', (size_t)(e - p))) {
            char *line = mc_xstrndup(p, (size_t)(e - p));
            size_t n = 0;
            char *q = line;
            while (n < nf) {
                f[n++] = q;
                char *c = strchr(q, ':');
                if (!c)
                    break;
                *c = '\0';
                q = c + 1;
            }
            if (n == nf) {
                *ret_line = line;
                return 0;
            }
            free(line);
        }
        p = nl ? nl + 1 : end;
    }
    return -ENOENT;
}

int mc_passwd_lookup(const char *buf, size_t len, const char *name, int64_t *ret_uid,
                     int64_t *ret_gid)
{
    char *f[4];
    _cleanup_free_ char *line = NULL;
    int r = colon_db_find(buf, len, name, f, 4, &line);
    if (r < 0)
        return r;
    int64_t uid, gid;
    if (!parse_id(f[2], &uid) || !parse_id(f[3], &gid))
        return -EBADMSG;
    *ret_uid = uid;
    *ret_gid = gid;
    return 0;
}

int mc_group_lookup(const char *buf, size_t len, const char *name, int64_t *ret_gid)
{
    char *f[3];
    _cleanup_free_ char *line = NULL;
    int r = colon_db_find(buf, len, name, f, 3, &line);
    if (r < 0)
        return r;
    int64_t gid;
    if (!parse_id(f[2], &gid))
        return -EBADMSG;
    *ret_gid = gid;
    return 0;
}

/* ---- gathering ---- */

static const char *strerror_safe(int r)
{
    return strerror(r < 0 ? -r : r);
}

static void gather_os_release(struct mc_source *src, struct mc_host_facts *h)
{
    static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
    int first = 0;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = mc_source_read(src, paths[i], 1u << 20, &buf, &len);
        if (r < 0) {
            if (!first)
                first = r;
            continue;
        }
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_os_release_parse(buf, len, &h->os, &err) < 0)
            mc_facts_add_error(h, "os/os-release", err.code, "cannot parse '%s': %s", paths[i],
                               err.message);
        return;
    }
    mc_facts_add_error(h, "os/os-release", first, "cannot read '%s': %s", paths[0],
                       strerror_safe(first));
}

static void read_line_fact(struct mc_source *src, struct mc_host_facts *h, const char *path,
                           char **field)
{
    _cleanup_free_ char *s = NULL;
    int r = mc_source_read_line(src, path, &s);
    if (r < 0) {
        mc_facts_add_error(h, "os", r, "cannot read '%s': %s", path, strerror_safe(r));
        return;
    }
    if (!*s)
        return;
    free(*field);
    *field = TAKE_PTR(s);
}

/* The first line of a command's output, when it ran and succeeded. */
static int command_line(struct mc_source *src, const char *key, const char *const *argv, char **ret)
{
    _cleanup_free_ char *out = NULL;
    size_t len = 0;
    int ex = 0;
    int r = mc_source_command(src, key, argv, &out, &len, &ex);
    if (r < 0)
        return r;
    if (ex != 0)
        return -EPROTO;
    out[strcspn(out, "\n")] = '\0';
    mc_strip_trailing(out);
    if (!*out)
        return -ENODATA;
    *ret = TAKE_PTR(out);
    return 0;
}

static void gather_arch(struct mc_source *src, struct mc_host_facts *h)
{
    if (src->local) {
        struct utsname u;
        if (uname(&u) == 0) {
            h->os.arch = mc_xstrdup(u.machine);
            return;
        }
    }
    static const char *const argv[] = { "uname", "-m", NULL };
    int r = command_line(src, "uname-m", argv, &h->os.arch);
    if (r < 0)
        mc_facts_add_error(h, "os", r, "cannot run 'uname -m': %s",
                           r == -EPROTO ? "it failed" : strerror_safe(r));
}

static void gather_fqdn(struct mc_source *src, struct mc_host_facts *h)
{
    /* No error when there is no FQDN: many hosts have none. */
    if (src->local) {
        if (!h->os.hostname)
            return;
        struct addrinfo hints = { .ai_flags = AI_CANONNAME, .ai_socktype = SOCK_STREAM };
        struct addrinfo *ai = NULL;
        if (getaddrinfo(h->os.hostname, NULL, &hints, &ai) == 0) {
            if (ai && ai->ai_canonname && *ai->ai_canonname)
                h->os.fqdn = mc_xstrdup(ai->ai_canonname);
            freeaddrinfo(ai);
        }
        return;
    }
    static const char *const argv[] = { "hostname", "-f", NULL };
    (void)command_line(src, "hostname-f", argv, &h->os.fqdn);
}

static bool dir_has(struct mc_source *src, const char *dir, const char *name, int *ret_err)
{
    struct mc_dirent *d = NULL;
    size_t n = 0;
    int r = mc_source_list(src, dir, &d, &n);
    if (r < 0) {
        if (ret_err && r != -ENOENT && r != -ENOTDIR)
            *ret_err = r;
        return false;
    }
    bool found = !name;
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(d[i].name, name) == 0 && d[i].type != MC_DT_DIR)
            found = true;
    mc_dirents_free(d, n);
    return found;
}

static void gather_packages(struct mc_source *src, struct mc_host_facts *h)
{
    int err = 0;
    bool dpkg = dir_has(src, "/var/lib/dpkg", "status", &err);
    bool rpm = !dpkg && (dir_has(src, "/var/lib/rpm", NULL, &err) ||
                         dir_has(src, "/usr/lib/sysimage/rpm", NULL, &err));
    if (!dpkg && !rpm) {
        if (err)
            mc_facts_add_error(h, "os/packages", err, "cannot look for a package database: %s",
                               strerror_safe(err));
        else
            mc_facts_add_error(h, "os/packages", ENOENT,
                               "no package database ('/var/lib/dpkg/status', '/var/lib/rpm')");
        return;
    }
    h->os.pkg_format = mc_xstrdup(dpkg ? "dpkg" : "rpm");
    const char *key = dpkg ? "dpkg-query" : "rpm";
    _cleanup_strv_free_ char **argv =
        dpkg ? mc_os_dpkg_argv(h->os.kernel_release) : mc_os_rpm_argv();
    _cleanup_free_ char *out = NULL;
    size_t len = 0;
    int ex = 0;
    int r = mc_source_command(src, key, (const char *const *)argv, &out, &len, &ex);
    if (r < 0) {
        mc_facts_add_error(h, "os/packages", r, "cannot run '%s': %s", key, strerror_safe(r));
        return;
    }
    _cleanup_error_ struct mc_error perr = { 0 };
    struct mc_package *pkgs = NULL;
    size_t n = 0;
    r = dpkg ? mc_dpkg_query_parse(out, len, &pkgs, &n, &perr)
             : mc_rpm_query_parse(out, len, &pkgs, &n, &perr);
    if (r < 0) {
        mc_facts_add_error(h, "os/packages", r, "cannot parse the output of '%s': %s", key,
                           perr.message);
        return;
    }
    /* dpkg-query exits 1 when a name is unknown; rpm -q exits with the number of packages that
     * are not installed. Only an exit status without any answer is a failure. */
    bool failed = dpkg ? ex > 1 : (ex != 0 && n == 0 && !strstr(out, " is not installed"));
    if (failed) {
        mc_packages_free(pkgs, n);
        mc_facts_add_error(h, "os/packages", EPROTO, "'%s' failed with exit status %d", key, ex);
        return;
    }
    mc_os_packages_keep_running_kernel(&pkgs, &n, h->os.kernel_release);
    h->os.packages = pkgs;
    h->os.n_packages = n;
}

static void gather_security(struct mc_source *src, struct mc_host_facts *h)
{
    _cleanup_free_ char *enforce = NULL;
    int r = mc_source_read_line(src, "/sys/fs/selinux/enforce", &enforce);
    if (r < 0 && r != -ENOENT)
        mc_facts_add_error(h, "os/security", r, "cannot read '%s': %s", "/sys/fs/selinux/enforce",
                           strerror_safe(r));
    _cleanup_free_ char *conf = NULL;
    size_t clen = 0;
    _cleanup_strv_free_ char **kv = NULL;
    int rc = mc_source_read(src, "/etc/selinux/config", 1u << 20, &conf, &clen);
    if (rc == 0)
        (void)mc_env_parse(conf, clen, &kv);
    else if (rc != -ENOENT)
        mc_facts_add_error(h, "os/security", rc, "cannot read '%s': %s", "/etc/selinux/config",
                           strerror_safe(rc));

    if (r == 0) {
        h->os.security = mc_xstrdup("selinux");
        h->os.selinux_mode = mc_xstrdup(strcmp(enforce, "1") == 0 ? "enforcing" : "permissive");
        return;
    }
    /* No selinuxfs: SELinux is off, whatever the configuration asks for at the next boot. */
    const char *mode = mc_env_get(kv, "SELINUX");
    if (mode && *mode)
        h->os.selinux_mode = mc_xstrdup("disabled");

    _cleanup_free_ char *aa = NULL;
    r = mc_source_read_line(src, "/sys/module/apparmor/parameters/enabled", &aa);
    if (r < 0 && r != -ENOENT)
        mc_facts_add_error(h, "os/security", r, "cannot read '%s': %s",
                           "/sys/module/apparmor/parameters/enabled", strerror_safe(r));
    h->os.security = mc_xstrdup(r == 0 && strcmp(aa, "Y") == 0 ? "apparmor" : "none");
}

/*
 * The user and group QEMU runs as when qemu.conf does not say: libvirt's build defaults per
 * distribution (libvirt meson.build: qemu_user/qemu_group from os-release; Debian and Ubuntu
 * pass them to the build explicitly, as do the RHEL and Fedora spec files).
 */
static void default_qemu_ids(const struct mc_os_facts *o, const char **ret_user,
                             const char **ret_group)
{
    static const struct {
        const char *id, *user, *group;
    } table[] = {
        { "ubuntu", "libvirt-qemu", "kvm" },
        { "debian", "libvirt-qemu", "libvirt-qemu" },
        { "rhel", "qemu", "qemu" },
        { "centos", "qemu", "qemu" },
        { "fedora", "qemu", "qemu" },
        { "rocky", "qemu", "qemu" },
        { "almalinux", "qemu", "qemu" },
        { "ol", "qemu", "qemu" },
        { "suse", "qemu", "qemu" },
        { "opensuse", "qemu", "qemu" },
        { "gentoo", "qemu", "qemu" },
        { "arch", "nobody", "nobody" },
        { "mageia", "libvirt-qemu", "libvirt-qemu" },
    };
    *ret_user = *ret_group = NULL;
    /* ID first (ubuntu before its ID_LIKE=debian), then each word of ID_LIKE. */
    _cleanup_strv_free_ char **ids = NULL;
    if (o->id)
        mc_strv_add(&ids, o->id);
    _cleanup_strv_free_ char **like = o->id_like ? mc_strv_split(o->id_like, " \t") : NULL;
    STRV_FOREACH (l, like)
        mc_strv_add(&ids, *l);
    STRV_FOREACH (id, ids)
        for (size_t i = 0; i < ARRAY_SIZE(table); i++)
            if (strcmp(*id, table[i].id) == 0) {
                *ret_user = table[i].user;
                *ret_group = table[i].group;
                return;
            }
}

/* "+107" is qemu.conf's form of a numeric id. */
static bool numeric_id(const char *s, int64_t *ret)
{
    return s && s[0] == '+' && parse_id(s + 1, ret);
}

void mc_os_gather_qemu_user(struct mc_source *src, struct mc_host_facts *h)
{
    const char *duser, *dgroup;
    default_qemu_ids(&h->os, &duser, &dgroup);
    const struct mc_qemu_conf *qc = &h->virt.qemu_conf;
    const char *user = qc->user && *qc->user ? qc->user : duser;
    const char *group = qc->group && *qc->group ? qc->group : dgroup;
    mc_facts_drop_errors(h, "os/qemu-user");
    free(h->os.qemu_user);
    h->os.qemu_user = NULL;
    h->os.qemu_uid_known = false;
    h->os.qemu_uid = -1;
    h->os.qemu_gid = -1;
    if (!user)
        return;
    h->os.qemu_user = mc_xstrdup(user);

    int64_t uid = -1, gid = -1;
    if (!numeric_id(user, &uid)) {
        _cleanup_free_ char *pw = NULL;
        size_t len = 0;
        int r = mc_source_read(src, "/etc/passwd", 16u << 20, &pw, &len);
        if (r < 0) {
            mc_facts_add_error(h, "os/qemu-user", r, "cannot read '%s': %s", "/etc/passwd",
                               strerror_safe(r));
            return;
        }
        r = mc_passwd_lookup(pw, len, user, &uid, &gid);
        if (r < 0) {
            mc_facts_add_error(h, "os/qemu-user", r, "cannot find user '%s' in '/etc/passwd'%s",
                               user, r == -EBADMSG ? ": malformed entry" : "");
            return;
        }
    }
    int64_t ggid = -1;
    if (group && !numeric_id(group, &ggid)) {
        _cleanup_free_ char *gr = NULL;
        size_t len = 0;
        int r = mc_source_read(src, "/etc/group", 16u << 20, &gr, &len);
        if (r == 0)
            r = mc_group_lookup(gr, len, group, &ggid);
        if (r < 0 && gid < 0) {
            mc_facts_add_error(h, "os/qemu-user", r, "cannot find group '%s' in '/etc/group': %s",
                               group, strerror_safe(r));
            ggid = -1;
        }
    }
    h->os.qemu_uid = uid;
    h->os.qemu_gid = ggid >= 0 ? ggid : gid;
    h->os.qemu_uid_known = true;
}

/* ---- ROMs ---- */

struct listing {
    const char *dir;
    struct mc_dirent *ents;
    size_t n;
};

static void listings_free(struct listing *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mc_dirents_free(l[i].ents, l[i].n);
}

/* Lexically resolve target relative to the directory of path ("/a/b/x" + "../c" -> "/a/c"). */
static char *resolve_link(const char *path, const char *target)
{
    _cleanup_free_ char *joined = NULL;
    if (target[0] == '/') {
        joined = mc_xstrdup(target);
    } else {
        const char *slash = strrchr(path, '/');
        size_t dlen = slash ? (size_t)(slash - path) : 0;
        joined = mc_xasprintf("%.*s/%s", (int)dlen, path, target);
    }
    _cleanup_strv_free_ char **parts = mc_strv_split(joined, "/");
    char **out = NULL;
    size_t n = 0;
    STRV_FOREACH (p, parts) {
        if (strcmp(*p, ".") == 0)
            continue;
        if (strcmp(*p, "..") == 0) {
            if (n > 0) {
                free(out[--n]);
                out[n] = NULL;
            }
            continue;
        }
        mc_strv_add(&out, *p);
        n++;
    }
    _cleanup_free_ char *j = mc_strv_join(out, "/");
    mc_strv_free(out);
    return mc_xasprintf("/%s", j);
}

static const struct mc_dirent *lookup_entry(const struct listing *l, size_t nl, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return NULL;
    size_t dlen = (size_t)(slash - path);
    for (size_t i = 0; i < nl; i++) {
        if (strlen(l[i].dir) != dlen || memcmp(l[i].dir, path, dlen) != 0)
            continue;
        for (size_t k = 0; k < l[i].n; k++)
            if (strcmp(l[i].ents[k].name, slash + 1) == 0)
                return &l[i].ents[k];
    }
    return NULL;
}

static int cmp_rom(const void *a, const void *b)
{
    return strcmp(((const struct mc_rom *)a)->path, ((const struct mc_rom *)b)->path);
}

static void gather_roms(struct mc_source *src, struct mc_host_facts *h)
{
    struct listing lists[ARRAY_SIZE(rom_dirs)];
    size_t nl = 0;
    for (size_t i = 0; i < ARRAY_SIZE(rom_dirs); i++) {
        struct mc_dirent *d = NULL;
        size_t n = 0;
        int r = mc_source_list(src, rom_dirs[i].path, &d, &n);
        if (r == -ENOENT || r == -ENOTDIR)
            continue;
        if (r < 0) {
            mc_facts_add_error(h, "os/roms", r, "cannot list '%s': %s", rom_dirs[i].path,
                               strerror_safe(r));
            continue;
        }
        lists[nl++] = (struct listing){ rom_dirs[i].path, d, n };
    }

    for (size_t i = 0; i < nl; i++) {
        for (size_t k = 0; k < lists[i].n; k++) {
            const struct mc_dirent *e = &lists[i].ents[k];
            if ((e->type != MC_DT_FILE && e->type != MC_DT_LINK) || !mc_rom_file_name(e->name))
                continue;
            struct mc_rom *rom = MC_APPEND(h->os.roms, h->os.n_roms);
            rom->path = mc_xasprintf("%s/%s", lists[i].dir, e->name);
            if (e->type == MC_DT_FILE) {
                rom->size = e->size > 0 ? e->size : 0;
                continue;
            }
            /* Follow the link (a few hops) through the directories listed here. */
            _cleanup_free_ char *cur = mc_xstrdup(rom->path);
            for (int hop = 0; hop < 8; hop++) {
                _cleanup_free_ char *t = NULL;
                if (mc_source_readlink(src, cur, &t) < 0)
                    break;
                char *next = resolve_link(cur, t);
                free(cur);
                cur = next;
                free(rom->target);
                rom->target = mc_xstrdup(cur);
                const struct mc_dirent *te = lookup_entry(lists, nl, cur);
                if (!te || te->type != MC_DT_LINK) {
                    if (te && te->type == MC_DT_FILE)
                        rom->size = te->size > 0 ? te->size : 0;
                    break;
                }
            }
        }
    }
    listings_free(lists, nl);
    if (h->os.n_roms > 1)
        qsort(h->os.roms, h->os.n_roms, sizeof(*h->os.roms), cmp_rom);
}

void mc_os_gather(struct mc_source *src, struct mc_host_facts *h)
{
    gather_os_release(src, h);
    read_line_fact(src, h, "/proc/sys/kernel/osrelease", &h->os.kernel_release);
    read_line_fact(src, h, "/proc/sys/kernel/version", &h->os.kernel_version);
    gather_arch(src, h);
    read_line_fact(src, h, "/etc/machine-id", &h->os.machine_id);
    read_line_fact(src, h, "/proc/sys/kernel/hostname", &h->os.hostname);
    gather_fqdn(src, h);
    gather_packages(src, h);
    gather_security(src, h);
    mc_os_gather_qemu_user(src, h);
    gather_roms(src, h);
}

/* ---- the ROMs a VM loads ---- */

/* The version of a versioned PC machine type (pc-1.2, pc-i440fx-2.6, pc-q35-7.2). */
static bool machine_version(const char *machine, long *ret_major, long *ret_minor)
{
    if (!machine || !mc_str_startswith(machine, "pc-"))
        return false;
    const char *dash = strrchr(machine, '-');
    char *end;
    long major = strtol(dash + 1, &end, 10);
    if (end == dash + 1 || *end != '.')
        return false;
    const char *m = end + 1;
    long minor = strtol(m, &end, 10);
    if (end == m || *end)
        return false;
    *ret_major = major;
    *ret_minor = minor;
    return true;
}

static bool machine_at_most(const char *machine, long major, long minor)
{
    long ma, mi;
    return machine_version(machine, &ma, &mi) && (ma < major || (ma == major && mi <= minor));
}

/*
 * NIC option ROMs by libvirt interface model: the romfile of the QEMU device libvirt uses for it
 * (QEMU 7.2: hw/net/{e1000,e1000e,rtl8139,ne2000-pci,pcnet-pci,vmxnet3,eepro100}.c and
 * hw/virtio/virtio-net-pci.c), with the machine-type compat properties of hw/i386/pc.c:
 * pc_compat_1_4 gives the legacy pxe-*.rom, pc_compat_2_6 no ROM to vmxnet3. eepro100 only ever
 * had a pxe- ROM. tests/unit/test-os asks QEMU itself (qom-get romfile) for each row.
 */
const char *mc_os_nic_romfile(const char *model, const char *machine)
{
    static const struct {
        const char *model, *rom;
        const char *rom_1_4; /* for pc-*-1.4 and older */
        bool none_2_6;       /* no ROM for pc-*-2.6 and older */
    } table[] = {
        { "virtio", "efi-virtio.rom", "pxe-virtio.rom", false },
        { "virtio-transitional", "efi-virtio.rom", "pxe-virtio.rom", false },
        { "virtio-non-transitional", "efi-virtio.rom", "pxe-virtio.rom", false },
        { "e1000", "efi-e1000.rom", "pxe-e1000.rom", false },
        { "e1000e", "efi-e1000e.rom", NULL, false },
        { "rtl8139", "efi-rtl8139.rom", "pxe-rtl8139.rom", false },
        { "ne2k_pci", "efi-ne2k_pci.rom", "pxe-ne2k_pci.rom", false },
        { "pcnet", "efi-pcnet.rom", "pxe-pcnet.rom", false },
        { "vmxnet3", "efi-vmxnet3.rom", NULL, true },
        { "i82550", "pxe-eepro100.rom", NULL, false },
        { "i82551", "pxe-eepro100.rom", NULL, false },
        { "i82557a", "pxe-eepro100.rom", NULL, false },
        { "i82557b", "pxe-eepro100.rom", NULL, false },
        { "i82557c", "pxe-eepro100.rom", NULL, false },
        { "i82558a", "pxe-eepro100.rom", NULL, false },
        { "i82558b", "pxe-eepro100.rom", NULL, false },
        { "i82559a", "pxe-eepro100.rom", NULL, false },
        { "i82559b", "pxe-eepro100.rom", NULL, false },
        { "i82559c", "pxe-eepro100.rom", NULL, false },
        { "i82559er", "pxe-eepro100.rom", NULL, false },
        { "i82562", "pxe-eepro100.rom", NULL, false },
        { "i82801", "pxe-eepro100.rom", NULL, false },
    };
    if (!model)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        if (strcmp(model, table[i].model) != 0)
            continue;
        if (table[i].none_2_6 && machine_at_most(machine, 2, 6))
            return NULL;
        if (table[i].rom_1_4 && machine_at_most(machine, 1, 4))
            return table[i].rom_1_4;
        return table[i].rom;
    }
    return NULL;
}

/*
 * VGA BIOSes by libvirt video model (QEMU hw/display: vga-pci.c VGA, cirrus_vga.c,
 * vmware_vga.c, qxl.c qxl-vga, virtio-vga.c, bochs-display.c, ramfb.c). Only the primary
 * device of the vga/cirrus/vmvga/qxl/virtio kinds has a ROM (secondary-vga, qxl and
 * virtio-gpu-pci have none); bochs-display and ramfb load theirs wherever they are.
 */
const char *mc_os_vga_romfile(const char *model, bool primary)
{
    static const struct {
        const char *model, *rom;
        bool any_position;
    } table[] = {
        { "vga", "vgabios-stdvga.bin", false },    { "cirrus", "vgabios-cirrus.bin", false },
        { "vmvga", "vgabios-vmware.bin", false },  { "qxl", "vgabios-qxl.bin", false },
        { "virtio", "vgabios-virtio.bin", false }, { "bochs", "vgabios-bochs-display.bin", true },
        { "ramfb", "vgabios-ramfb.bin", true },
    };
    if (!model)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        if (strcmp(model, table[i].model) == 0)
            return primary || table[i].any_position ? table[i].rom : NULL;
    return NULL;
}

static bool is_x86(const char *arch)
{
    return !arch || strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0 ||
           strcmp(arch, "i386") == 0;
}

static bool is_pc_machine(const char *machine)
{
    return !machine || strcmp(machine, "pc") == 0 || strcmp(machine, "q35") == 0 ||
           mc_str_startswith(machine, "pc-");
}

static void add_unique(char ***v, const char *s)
{
    if (s && *s && !mc_strv_contains(*v, s))
        mc_strv_add(v, s);
}

char **mc_os_vm_rom_names(const struct mc_vm_facts *vm)
{
    char **v = NULL;
    if (!vm)
        return NULL;
    const char *loader = NULL;
    bool kernel = false;
    for (size_t i = 0; i < vm->n_files; i++) {
        const char *role = vm->files[i].role ? vm->files[i].role : "";
        if (strcmp(role, "loader") == 0)
            loader = vm->files[i].path;
        else if (strcmp(role, "kernel") == 0 && vm->files[i].path)
            kernel = true;
    }
    if (is_x86(vm->arch)) {
        for (size_t i = 0; i < vm->n_ifaces; i++) {
            const char *t = vm->ifaces[i].type ? vm->ifaces[i].type : "";
            if (strcmp(t, "hostdev") == 0 || strcmp(t, "vdpa") == 0)
                continue;
            /* libvirt's default model for x86 QEMU is rtl8139. */
            const char *model = vm->ifaces[i].model ? vm->ifaces[i].model : "rtl8139";
            add_unique(&v, mc_os_nic_romfile(model, vm->machine));
        }
        for (size_t i = 0; vm->video_models && vm->video_models[i]; i++)
            add_unique(&v, mc_os_vga_romfile(vm->video_models[i], i == 0));
        if (is_pc_machine(vm->machine)) {
            /* The machine's "firmware" property: bios-256k.bin since pc-*-2.0; older ones and
             * isapc leave it empty and QEMU loads bios.bin (hw/i386/x86.c BIOS_FILENAME). */
            if (!loader)
                add_unique(&v, machine_at_most(vm->machine, 1, 7) ? "bios.bin" : "bios-256k.bin");
            add_unique(&v, "kvmvapic.bin");
            if (kernel)
                add_unique(&v, "linuxboot_dma.bin");
        } else if (vm->machine && strcmp(vm->machine, "microvm") == 0 && !loader) {
            add_unique(&v, "bios-microvm.bin");
        } else if (vm->machine && strcmp(vm->machine, "isapc") == 0 && !loader) {
            add_unique(&v, "bios.bin");
        }
    }
    /* Absolute paths: the firmware and the ROMs a <rom file=> names. */
    add_unique(&v, loader);
    for (size_t i = 0; i < vm->n_files; i++)
        if (vm->files[i].role && strcmp(vm->files[i].role, "rom") == 0)
            add_unique(&v, vm->files[i].path);
    return v;
}

/* A path the probe can carry in a spec line (no spaces, no control characters). */
static bool spec_path_ok(const char *p)
{
    if (p[0] != '/')
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

char **mc_os_rom_hash_spec(const struct mc_vm_facts *vm)
{
    _cleanup_strv_free_ char **names = mc_os_vm_rom_names(vm);
    char **v = NULL;
    STRV_FOREACH (n, names) {
        if ((*n)[0] == '/') {
            if (spec_path_ok(*n))
                mc_strv_push(&v, mc_xasprintf("H %s", *n));
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(rom_dirs); i++)
            if (rom_dirs[i].search)
                mc_strv_push(&v, mc_xasprintf("H %s/%s", rom_dirs[i].path, *n));
    }
    return v;
}

static struct mc_rom *find_rom_by_name(struct mc_os_facts *o, const char *name)
{
    for (size_t d = 0; d < ARRAY_SIZE(rom_dirs); d++) {
        if (!rom_dirs[d].search)
            continue;
        size_t dlen = strlen(rom_dirs[d].path);
        for (size_t i = 0; i < o->n_roms; i++) {
            const char *p = o->roms[i].path;
            if (strncmp(p, rom_dirs[d].path, dlen) == 0 && p[dlen] == '/' &&
                strcmp(p + dlen + 1, name) == 0)
                return &o->roms[i];
        }
    }
    return NULL;
}

static bool is_sha256_hex(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* sha256 of a file: read through the source, or (a probe dump) the probe's sha256 record. */
static int hash_file(struct mc_source *src, const char *path, char **ret, int64_t *ret_size)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, path, 256u << 20, &buf, &len);
    if (r == 0) {
        uint8_t digest[SHA256_DIGEST_SIZE];
        struct sha256_ctx ctx;
        sha256_init(&ctx);
        sha256_update(&ctx, len, (const uint8_t *)buf);
        sha256_digest(&ctx, sizeof(digest), digest);
        char *hex = mc_xmalloc(2 * sizeof(digest) + 1);
        for (size_t i = 0; i < sizeof(digest); i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        *ret = hex;
        *ret_size = (int64_t)len;
        return 0;
    }
    if (r != -ENODATA)
        return r;
    _cleanup_free_ char *key = mc_xasprintf("sha256:%s", path);
    const char *argv[] = { "sha256sum", "--", path, NULL };
    _cleanup_free_ char *out = NULL;
    int ex = 0;
    r = mc_source_command(src, key, argv, &out, &len, &ex);
    if (r == -ENOTSUP)
        return -ENODATA; /* the probe was not asked to hash it */
    if (r < 0)
        return r;
    if (ex != 0)
        return -EIO;
    /* GNU sha256sum marks names it had to escape with a leading backslash. */
    const char *h = out[0] == '\\' ? out + 1 : out;
    if (strlen(h) < 64 || !is_sha256_hex(h))
        return -EBADMSG;
    *ret = mc_xstrndup(h, 64);
    *ret_size = -1;
    return 0;
}

void mc_os_hash_vm_roms(struct mc_source *src, struct mc_host_facts *h)
{
    _cleanup_strv_free_ char **names = NULL;
    MC_HOST_FOREACH_VM (vm, h) {
        _cleanup_strv_free_ char **more = mc_os_vm_rom_names(vm);
        STRV_FOREACH (n, more)
            if (!mc_strv_contains(names, *n))
                mc_strv_add(&names, *n);
    }
    bool added = false;
    STRV_FOREACH (n, names) {
        struct mc_rom *rom = NULL;
        if ((*n)[0] == '/') {
            for (size_t i = 0; i < h->os.n_roms && !rom; i++)
                if (strcmp(h->os.roms[i].path, *n) == 0)
                    rom = &h->os.roms[i];
        } else {
            rom = find_rom_by_name(&h->os, *n);
            if (!rom)
                continue; /* not installed: the rules see a ROM without a hash */
        }
        if (rom && rom->sha256)
            continue;
        _cleanup_free_ char *hex = NULL;
        int64_t size = -1;
        const char *path = rom ? rom->path : *n;
        int r = hash_file(src, path, &hex, &size);
        if (r < 0) {
            if (!rom && r == -ENOENT)
                continue;
            mc_facts_add_error(h, "os/roms", r, "cannot hash '%s': %s", path,
                               r == -ENODATA ? "the probe did not hash it" : strerror_safe(r));
            continue;
        }
        if (!rom) {
            rom = MC_APPEND(h->os.roms, h->os.n_roms);
            rom->path = mc_xstrdup(*n);
            rom->size = size > 0 ? size : 0;
            added = true;
        }
        rom->sha256 = TAKE_PTR(hex);
    }
    if (added && h->os.n_roms > 1)
        qsort(h->os.roms, h->os.n_roms, sizeof(*h->os.roms), cmp_rom);
    /* Which of them each domain loads, so a snapshot of several domains tells them apart. */
    MC_HOST_FOREACH_VM (vm, h) {
        _cleanup_strv_free_ char **mine = mc_os_vm_rom_names(vm);
        mc_strv_free(vm->roms);
        vm->roms = NULL;
        STRV_FOREACH (n, mine) {
            const struct mc_rom *rom = NULL;
            if ((*n)[0] == '/') {
                for (size_t i = 0; i < h->os.n_roms && !rom; i++)
                    if (strcmp(h->os.roms[i].path, *n) == 0)
                        rom = &h->os.roms[i];
            } else {
                rom = find_rom_by_name(&h->os, *n);
            }
            if (rom && rom->sha256 && !mc_strv_contains(vm->roms, rom->path))
                mc_strv_add(&vm->roms, rom->path);
        }
    }
}
