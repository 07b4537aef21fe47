/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mem-sample.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

#define PAGE 4096u

MC_DEFINE_CLEANUP_VOID(DIR *, closedir)

static bool uuid_ok(const char *u)
{
    size_t n = 0;
    for (; u[n]; n++)
        if (!isxdigit((unsigned char)u[n]) && u[n] != '-')
            return false;
    return n >= 32 && n <= 36;
}

static bool has_uuid(long pid, const char *uuid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
    _cleanup_free_ char *cmd = NULL;
    size_t len = 0;
    if (mc_read_file(path, 1u << 20, &cmd, &len) < 0 || len == 0)
        return false;
    /* argv words are NUL-separated: look for "-uuid" followed by the UUID. */
    for (size_t i = 0; i < len;) {
        const char *w = cmd + i;
        size_t wl = strnlen(w, len - i);
        if (strcmp(w, "-uuid") == 0 && i + wl + 1 < len && strcasecmp(cmd + i + wl + 1, uuid) == 0)
            return true;
        i += wl + 1;
    }
    return false;
}

int mc_qemu_pid_by_uuid(const char *uuid, const char *name)
{
    if (!uuid || !uuid_ok(uuid))
        return -EINVAL;
    if (name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
        _cleanup_free_ char *pf = mc_xasprintf("/run/libvirt/qemu/%s.pid", name);
        _cleanup_free_ char *txt = NULL;
        size_t len = 0;
        if (mc_read_file(pf, 64, &txt, &len) == 0) {
            long pid = strtol(txt, NULL, 10);
            if (pid > 0 && has_uuid(pid, uuid))
                return (int)pid;
        }
    }
    _cleanup_(closedirp) DIR *d = opendir("/proc");
    if (!d)
        return -errno;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        if (has_uuid(pid, uuid))
            return (int)pid;
    }
    return -ENOENT;
}

/* The guest RAM mapping: read-write, not executable, exactly ram bytes. */
static int find_mapping(int pid, uint64_t ram, uint64_t *ret_start, uint64_t *ret_rss,
                        struct mc_error *reterr)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
    _cleanup_(fclosep) FILE *f = fopen(path, "re");
    if (!f)
        return mc_error_set(reterr, -errno, "cannot read '%s': %m", path);
    char line[1024];
    bool in = false, found = false;
    uint64_t start = 0, rss = 0;
    while (fgets(line, sizeof(line), f)) {
        uint64_t a, b;
        char perms[8];
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &a, &b, perms) == 3 && strchr(line, ' ') &&
            strlen(perms) == 4) {
            if (found && in)
                break;
            in = b - a == ram && perms[0] == 'r' && perms[1] == 'w' && perms[2] != 'x';
            if (in) {
                if (found)
                    return mc_error_set(reterr, -ENODATA,
                                        "QEMU %d has several mappings of %" PRIu64 " bytes", pid,
                                        ram);
                found = true;
                start = a;
            }
            continue;
        }
        unsigned long long kb;
        if (in && sscanf(line, "Rss: %llu kB", &kb) == 1)
            rss = kb * 1024;
    }
    if (!found)
        return mc_error_set(
            reterr, -ENODATA,
            "QEMU %d has no read-write mapping of %" PRIu64 " bytes (the guest's RAM)", pid, ram);
    *ret_start = start;
    *ret_rss = rss;
    return 0;
}

int mc_qemu_ram_rss(const char *uuid, const char *name, uint64_t ram_bytes, uint64_t *ret_rss,
                    int *ret_pid, struct mc_error *reterr)
{
    int pid = mc_qemu_pid_by_uuid(uuid, name);
    if (pid < 0)
        return mc_error_set(reterr, pid, "no QEMU process runs the domain with UUID %s",
                            uuid ? uuid : "?");
    uint64_t start = 0;
    int r = find_mapping(pid, ram_bytes, &start, ret_rss, reterr);
    if (r < 0)
        return r;
    *ret_pid = pid;
    return 0;
}

/* A 64-bit hash of a page; 0 only for the zero page. */
static uint64_t page_hash(const uint64_t *w)
{
    uint64_t h = 0x243f6a8885a308d3ull, any = 0;
    for (size_t i = 0; i < PAGE / 8; i++) {
        any |= w[i];
        h ^= w[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    if (!any)
        return 0;
    return h ? h : 1;
}

static uint64_t rnd_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void sleep_until(double t)
{
    for (;;) {
        double left = t - mc_now();
        if (left <= 0)
            return;
        struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
        if (nanosleep(&ts, NULL) == 0)
            return;
    }
}

int mc_mem_sample(const struct mc_mem_sample_opts *o, struct mc_mem_sample_result *ret,
                  struct mc_error *reterr)
{
    if (!o->uuid || o->ram_bytes < PAGE || o->duration_ms <= 0 || o->duration_ms > 60000 ||
        o->interval_ms < 20 || o->samples <= 0)
        return mc_error_set(reterr, -EINVAL, "invalid memory sampling arguments");
    int pid = mc_qemu_pid_by_uuid(o->uuid, o->name);
    if (pid < 0)
        return mc_error_set(reterr, pid, "no QEMU process runs the domain with UUID %s", o->uuid);
    struct mc_mem_sample_result res = { .pid = pid };
    uint64_t start = 0;
    int r = find_mapping(pid, o->ram_bytes, &start, &res.rss_bytes, reterr);
    if (r < 0)
        return r;
    res.mapping_bytes = o->ram_bytes;
    uint64_t pages = o->ram_bytes / PAGE;
    int n = o->samples < (int)(pages < 1u << 24 ? pages : 1u << 24) ? o->samples : (int)pages;
    res.n_samples = n;

    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
    _cleanup_close_ int pm = open(path, O_RDONLY | O_CLOEXEC);
    if (pm < 0)
        return mc_error_set(reterr, -errno, "cannot read the page map of QEMU %d: %m", pid);

    /* One random page in each of n equal strata: spread over the whole RAM, in order. */
    _cleanup_free_ uint64_t *addr = mc_new0(uint64_t, (size_t)n);
    uint64_t seed = (uint64_t)(mc_now() * 1e9) ^ ((uint64_t)pid << 32) ^ 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < n; i++) {
        uint64_t lo = pages * (uint64_t)i / (uint64_t)n, hi = pages * (uint64_t)(i + 1) / n;
        uint64_t pg = lo + (hi > lo ? rnd_next(&seed) % (hi - lo) : 0);
        addr[i] = start + pg * PAGE;
    }
    int nsnap = o->duration_ms / o->interval_ms + 1;
    if (nsnap > MC_MEM_SAMPLE_MAX_LAGS + 1)
        nsnap = MC_MEM_SAMPLE_MAX_LAGS + 1;
    if (nsnap < 2)
        nsnap = 2;
    _cleanup_free_ uint64_t *hash = mc_new0(uint64_t, (size_t)n * (size_t)nsnap);
    _cleanup_free_ double *when = mc_new0(double, (size_t)nsnap);
    /* Pages not resident in the first snapshot are zero: read them only once they appear. */
    _cleanup_free_ bool *absent = mc_new0(bool, (size_t)n);
    for (int i = 0; i < n; i++) {
        uint64_t ent = 0;
        if (pread(pm, &ent, sizeof(ent), (off_t)(addr[i] / PAGE * 8)) != sizeof(ent))
            ent = 1ull << 63; /* unknown: read the page */
        absent[i] = !((ent >> 63) & 1) && !((ent >> 62) & 1);
        if (absent[i])
            res.absent++;
    }
    enum {
        BATCH = 256
    };
    _cleanup_free_ uint64_t *buf = mc_new0(uint64_t, (size_t)BATCH * PAGE / 8);
    struct iovec local[BATCH], remote[BATCH];
    int idx[BATCH];
    double t0 = mc_now(), scan_total = 0;
    for (int s = 0; s < nsnap; s++) {
        sleep_until(t0 + (double)s * o->interval_ms / 1000.0);
        double a = mc_now();
        uint64_t *row = hash + (size_t)s * (size_t)n;
        for (int i = 0; i < n; i++)
            if (absent[i]) {
                uint64_t ent = 0;
                if (pread(pm, &ent, sizeof(ent), (off_t)(addr[i] / PAGE * 8)) == sizeof(ent) &&
                    ((ent >> 63) & 1))
                    absent[i] = false; /* written since: read it from now on */
            }
        for (int i = 0; i < n;) {
            int m = 0;
            for (; i < n && m < BATCH; i++) {
                if (absent[i]) {
                    row[i] = 0;
                    continue;
                }
                idx[m] = i;
                local[m] = (struct iovec){ buf + (size_t)m * (PAGE / 8), PAGE };
                remote[m] = (struct iovec){ (void *)(uintptr_t)addr[i], PAGE };
                m++;
            }
            if (m == 0)
                continue;
            ssize_t k = process_vm_readv(pid, local, (unsigned long)m, remote, (unsigned long)m, 0);
            if (k < 0 && s == 0)
                return mc_error_set(reterr, -errno, "cannot read the memory of QEMU %d: %m", pid);
            size_t whole = k > 0 ? (size_t)k / PAGE : 0;
            for (int j = 0; j < m; j++)
                row[idx[j]] = (size_t)j < whole ? page_hash(buf + (size_t)j * (PAGE / 8)) : 0;
        }
        if (s == 0)
            for (int i = 0; i < n; i++)
                res.nonzero += row[i] != 0;
        double b = mc_now();
        when[s] = (a + b) / 2;
        scan_total += b - a;
    }
    res.n_snapshots = nsnap;
    res.scan_seconds = scan_total / nsnap;
    res.n_lags = nsnap - 1;
    for (int k = 1; k < nsnap; k++) {
        double changed = 0, secs = 0;
        int pairs = 0;
        for (int s = 0; s + k < nsnap; s++) {
            const uint64_t *x = hash + (size_t)s * (size_t)n,
                           *y = hash + (size_t)(s + k) * (size_t)n;
            int c = 0;
            for (int i = 0; i < n; i++)
                c += x[i] != y[i];
            changed += c;
            secs += when[s + k] - when[s];
            pairs++;
        }
        res.lag_changed[k - 1] = changed / pairs;
        res.lag_seconds[k - 1] = secs / pairs;
        res.lag_pairs[k - 1] = pairs;
    }
    *ret = res;
    return 0;
}
