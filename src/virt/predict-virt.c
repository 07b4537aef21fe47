/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the source's libvirt tells about a coming migration of a domain: its
 * memory, QEMU's downtime limit and the bandwidth limit set for it, how busy
 * its vCPUs are, and libvirt's dirty-rate calculation over several windows
 * (virDomainStartDirtyRateCalc, read back with the domain stats).
 *
 * Only the page-sampling mode is used: it reads guest pages and changes
 * nothing. The dirty-bitmap mode turns on dirty logging, and with QEMU 7.2 a
 * TCG guest's QEMU aborted when it was used here; a check must never harm the
 * guest it looks at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checker/pair.h"
#include "util/random.h"
#include "util/spawn.h"
#include "util/xalloc.h"
#include "virt.h"

#define MIB (1024.0 * 1024.0)
/* libvirt's "no limit" for the migration speed (QEMU_DOMAIN_MIG_BANDWIDTH_MAX, MiB/s). */
#define LIBVIRT_SPEED_UNLIMITED (8796093022207ull)

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* One domain stats record of the given groups. */
static int domain_stats(virDomainPtr dom, unsigned int groups, virDomainStatsRecordPtr **ret)
{
    virDomainPtr doms[] = { dom, NULL };
    return virDomainListGetStats(doms, groups, ret, 0);
}

static bool param_ll(virDomainStatsRecordPtr rec, const char *name, long long *ret)
{
    for (int i = 0; i < rec->nparams; i++) {
        virTypedParameterPtr p = &rec->params[i];
        if (strcmp(p->field, name) != 0)
            continue;
        switch (p->type) {
        case VIR_TYPED_PARAM_INT:
            *ret = p->value.i;
            return true;
        case VIR_TYPED_PARAM_UINT:
            *ret = p->value.ui;
            return true;
        case VIR_TYPED_PARAM_LLONG:
            *ret = p->value.l;
            return true;
        case VIR_TYPED_PARAM_ULLONG:
            *ret = (long long)p->value.ul;
            return true;
        default:
            return false;
        }
    }
    return false;
}

/* Sum of vcpu.N.time (ns), and the number of vCPUs. */
static int vcpu_time(virDomainPtr dom, long long *ret_ns, long long *ret_n)
{
    virDomainStatsRecordPtr *recs = NULL;
    if (domain_stats(dom, VIR_DOMAIN_STATS_VCPU, &recs) < 1) {
        virDomainStatsRecordListFree(recs);
        return -EIO;
    }
    long long n = 0, sum = 0, v;
    if (!param_ll(recs[0], "vcpu.current", &n))
        n = 0;
    for (long long i = 0; i < n; i++) {
        char key[48];
        snprintf(key, sizeof(key), "vcpu.%lld.time", i);
        if (param_ll(recs[0], key, &v))
            sum += v;
    }
    virDomainStatsRecordListFree(recs);
    *ret_ns = sum;
    *ret_n = n;
    return n > 0 ? 0 : -ENODATA;
}

static bool word_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

int64_t mc_virt_start_probe_us(virConnectPtr conn, const struct mc_vm_facts *vm,
                               int64_t *ret_stop_us)
{
    *ret_stop_us = 0;
    const char *type = vm && word_ok(vm->domain_type) ? vm->domain_type : "qemu";
    const char *arch = vm && word_ok(vm->arch) ? vm->arch : "x86_64";
    /* The machine's family (pc, q35, virt): its versioned name may not exist there. */
    const char *machine = "pc";
    if (vm && vm->machine && strstr(vm->machine, "q35"))
        machine = "q35";
    else if (strcmp(arch, "x86_64") != 0 && strcmp(arch, "i686") != 0)
        machine = vm && word_ok(vm->machine) ? vm->machine : "virt";
    _cleanup_free_ char *rnd = mc_random_hex(4);
    _cleanup_free_ char *xml =
        mc_xasprintf("<domain type='%s'><name>migcheck-probe-%s</name>"
                     "<memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                     "<os><type arch='%s' machine='%s'>hvm</type></os>"
                     "<devices><memballoon model='none'/></devices></domain>",
                     type, rnd, arch, machine);
    double t = mc_now();
    virDomainPtr dom =
        virDomainCreateXML(conn, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
    if (!dom) {
        virResetLastError();
        return 0;
    }
    double us = (mc_now() - t) * 1e6;
    t = mc_now();
    if (virDomainDestroy(dom) == 0)
        *ret_stop_us = (int64_t)((mc_now() - t) * 1e6);
    virDomainFree(dom);
    virResetLastError();
    return (int64_t)us;
}

int64_t mc_virt_max_speed_mib(virConnectPtr conn, const char *uuid)
{
    _cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByUUIDString(conn, uuid);
    unsigned long sp = 0;
    if (!dom || virDomainMigrateGetMaxSpeed(dom, &sp, 0) < 0 || sp >= LIBVIRT_SPEED_UNLIMITED) {
        virResetLastError();
        return 0;
    }
    return (int64_t)sp;
}

int64_t mc_virt_rtt_us(virConnectPtr conn)
{
    double best = -1;
    for (int i = 0; i < 3; i++) {
        unsigned long v = 0;
        double t = mc_now();
        if (virConnectGetLibVersion(conn, &v) < 0)
            return 0;
        t = mc_now() - t;
        if (best < 0 || t < best)
            best = t;
    }
    return (int64_t)(best * 1e6);
}

/* One dirty-rate calculation of `seconds`; 0 with the result, or -errno with a message. */
static int dirty_calc(virDomainPtr dom, int seconds, struct mc_dirty_window *ret,
                      struct mc_error *reterr)
{
    virDomainStatsRecordPtr *recs = NULL;
    long long prev_start = -1, v;
    if (domain_stats(dom, VIR_DOMAIN_STATS_DIRTYRATE, &recs) >= 1 &&
        param_ll(recs[0], "dirtyrate.calc_start_time", &v))
        prev_start = v;
    virDomainStatsRecordListFree(recs);
    recs = NULL;
    if (virDomainStartDirtyRateCalc(dom, seconds, VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING) < 0)
        return mc_virt_error(reterr, 0, "libvirt's dirty-rate calculation");
    double deadline = mc_now() + seconds + 5.0;
    sleep_s(seconds * 0.95);
    while (mc_now() < deadline) {
        long long status = -1, start = -1, period = -1, mibs = -1;
        if (domain_stats(dom, VIR_DOMAIN_STATS_DIRTYRATE, &recs) < 1) {
            virDomainStatsRecordListFree(recs);
            return mc_virt_error(reterr, 0, "the domain's dirty-rate statistics");
        }
        param_ll(recs[0], "dirtyrate.calc_status", &status);
        param_ll(recs[0], "dirtyrate.calc_start_time", &start);
        param_ll(recs[0], "dirtyrate.calc_period", &period);
        param_ll(recs[0], "dirtyrate.megabytes_per_second", &mibs);
        virDomainStatsRecordListFree(recs);
        recs = NULL;
        if (status == 2 && start != prev_start && period > 0 && mibs >= 0) {
            memset(ret, 0, sizeof(*ret));
            ret->source = mc_xstrdup(MC_DIRTY_LIBVIRT);
            ret->window_us = period * 1000000;
            ret->bytes = (int64_t)((double)mibs * MIB * (double)period);
            ret->windows = 1;
            return 0;
        }
        sleep_s(0.1);
    }
    return mc_error_set(reterr, -ETIMEDOUT, "libvirt's dirty-rate calculation of %d s did not end",
                        seconds);
}

/* libvirt's last error as the reason the prediction has no measurement. */
static void measure_failed(struct mc_predict_facts *f, const char *uuid)
{
    struct mc_error e = { 0 };
    mc_virt_error(&e, 0, "domain %s", uuid);
    f->probe = MC_PROBE_ERROR;
    mc_set_str(&f->detail, e.message);
    mc_error_clear(&e);
}

void mc_virt_predict_measure(virConnectPtr conn, const char *uuid, const int *windows,
                             size_t n_windows, struct mc_predict_facts *f)
{
    _cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByUUIDString(conn, uuid);
    if (!dom) {
        measure_failed(f, uuid);
        return;
    }
    virDomainInfo info;
    if (virDomainGetInfo(dom, &info) < 0) {
        measure_failed(f, uuid);
        return;
    }
    if (info.state != VIR_DOMAIN_RUNNING && info.state != VIR_DOMAIN_PAUSED) {
        f->probe = MC_PROBE_ERROR;
        mc_set_str(&f->detail, "the domain is not running: there is nothing to predict");
        return;
    }
    f->ram_bytes = (int64_t)info.maxMem * 1024;
    unsigned long long ms = 0, speed = 0;
    if (virDomainMigrateGetMaxDowntime(dom, &ms, 0) == 0)
        f->downtime_limit_ms = (int64_t)ms;
    unsigned long sp = 0;
    if (virDomainMigrateGetMaxSpeed(dom, &sp, 0) == 0) {
        speed = sp;
        f->max_speed_mib = speed >= LIBVIRT_SPEED_UNLIMITED ? 0 : (int64_t)speed;
    }
    virResetLastError();

    long long t0_ns = 0, n0 = 0;
    double t0 = mc_now();
    bool have_vcpu = vcpu_time(dom, &t0_ns, &n0) == 0;
    /* A domain that is migrating already cannot be measured by libvirt (and must not be). */
    virDomainJobInfo job;
    if (virDomainGetJobInfo(dom, &job) == 0 && job.type != VIR_DOMAIN_JOB_NONE) {
        mc_set_str(&f->libvirt_detail, "a job is running on the domain");
    } else {
        for (size_t i = 0; i < n_windows; i++) {
            struct mc_dirty_window w = { 0 };
            _cleanup_error_ struct mc_error err = { 0 };
            if (dirty_calc(dom, windows[i], &w, &err) < 0) {
                mc_set_str(&f->libvirt_detail, err.message);
                break;
            }
            *MC_APPEND(f->dirty, f->n_dirty) = w;
        }
    }
    long long t1_ns = 0, n1 = 0;
    if (have_vcpu && vcpu_time(dom, &t1_ns, &n1) == 0 && n1 == n0 && t1_ns >= t0_ns) {
        f->vcpus = n1;
        f->vcpu_time_ns = t1_ns - t0_ns;
        f->elapsed_ns = (int64_t)((mc_now() - t0) * 1e9);
    }
    if (!f->vcpus)
        f->vcpus = info.nrVirtCpu;
    f->src_rtt_us = mc_virt_rtt_us(conn);
    f->probe = MC_PROBE_OK;
}
