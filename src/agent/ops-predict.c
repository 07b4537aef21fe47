/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native agent's operations for check --predict: the guest's memory as the source's QEMU
 * holds it (mem-sample, mem-rss), and a bounded throughput probe on the migration path
 * (bw-sink on the destination, bw-send on the source). Nothing here changes the host.
 */
#include "ops-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem-sample.h"
#include "network/bandwidth.h"
#include "network/probe.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int parse_int(const char *s, int lo, int hi, int *ret)
{
    char *end;
    if (!s || !*s)
        return -EINVAL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return -EINVAL;
    *ret = (int)v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *ret)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -EINVAL;
    *ret = v;
    return 0;
}

static bool any_address(const char *a)
{
    return !a || !*a || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0 || strcmp(a, "[::]") == 0;
}

/*
 * mem-sample UUID RAM_BYTES DURATION_MS INTERVAL_MS SAMPLES [NAME]: the guest's memory seen from
 * the host (mem-sample.h). Answer: ok PID MAPPING RSS SAMPLES NONZERO ABSENT SCAN_S, then one
 * SECONDS:CHANGED:PAIRS word per lag.
 */
void mc_op_mem_sample(const struct mc_agent_req *req)
{
    char **args = req->args;
    struct mc_mem_sample_opts o = { 0 };
    if (parse_u64(args[1], &o.ram_bytes) < 0 || parse_int(args[2], 1, 60000, &o.duration_ms) < 0 ||
        parse_int(args[3], 20, 60000, &o.interval_ms) < 0 ||
        parse_int(args[4], 1, 1 << 22, &o.samples) < 0) {
        mc_agent_reply_words(req->id, "error", "EINVAL", NULL);
        return;
    }
    o.uuid = args[0];
    o.name = req->n_args > 5 ? args[5] : NULL;
    _cleanup_free_ struct mc_mem_sample_result *res = mc_new0(struct mc_mem_sample_result, 1);
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_mem_sample(&o, res, &err) < 0) {
        char buf[16];
        mc_agent_reply_words(req->id, "fail", mc_errno_name(-err.code, buf),
                             err.message ? err.message : "", NULL);
        return;
    }
    _cleanup_strv_free_ char **w = NULL;
    mc_strv_push(&w, mc_xasprintf("%d", res->pid));
    mc_strv_push(&w, mc_xasprintf("%llu", (unsigned long long)res->mapping_bytes));
    mc_strv_push(&w, mc_xasprintf("%llu", (unsigned long long)res->rss_bytes));
    mc_strv_push(&w, mc_xasprintf("%d", res->n_samples));
    mc_strv_push(&w, mc_xasprintf("%d", res->nonzero));
    mc_strv_push(&w, mc_xasprintf("%d", res->absent));
    mc_strv_push(&w, mc_xasprintf("%.6f", res->scan_seconds));
    for (int k = 0; k < res->n_lags; k++)
        mc_strv_push(&w, mc_xasprintf("%.6f:%.3f:%d", res->lag_seconds[k], res->lag_changed[k],
                                      res->lag_pairs[k]));
    mc_agent_reply(req->id, "ok", (const char *const *)w);
}

/* mem-rss UUID RAM_BYTES [NAME]: "ok RSS_BYTES PID" (the sh agent answers it too). */
void mc_op_mem_rss(const struct mc_agent_req *req)
{
    uint64_t ram, rss = 0;
    int pid = 0;
    if (parse_u64(req->args[1], &ram) < 0) {
        mc_agent_reply_words(req->id, "error", "EINVAL", NULL);
        return;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    int r =
        mc_qemu_ram_rss(req->args[0], req->n_args > 2 ? req->args[2] : NULL, ram, &rss, &pid, &err);
    if (r == -EINVAL) {
        mc_agent_reply_words(req->id, "error", "EINVAL", NULL);
        return;
    }
    if (r < 0) {
        mc_agent_reply_errno(req->id, "fail", -r);
        return;
    }
    char srss[32], spid[16];
    snprintf(srss, sizeof(srss), "%llu", (unsigned long long)rss);
    snprintf(spid, sizeof(spid), "%d", pid);
    mc_agent_reply_words(req->id, "ok", srss, spid, NULL);
}

/*
 * bw-sink BIND PORT_MIN PORT_MAX ACCEPT_MS MAX_MS: two answers, "listening PORT ADDRESS" at
 * once, then "ok BYTES SECONDS PEER SLICE_BPS..." (or fail, timeout).
 */
void mc_op_bw_sink(const struct mc_agent_req *req)
{
    char **args = req->args;
    int pmin, pmax, accept_ms, max_ms;
    if (parse_int(args[1], 1, 65535, &pmin) < 0 || parse_int(args[2], pmin, 65535, &pmax) < 0 ||
        parse_int(args[3], 1, 600000, &accept_ms) < 0 ||
        parse_int(args[4], 1, 60000, &max_ms) < 0) {
        mc_agent_reply_words(req->id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_tcp_listener_open(any_address(args[0]) ? NULL : args[0], pmin, pmax, &l, &err) < 0) {
        mc_agent_reply_words(req->id, "fail", err.code == -EADDRINUSE ? "EADDRINUSE" : "EIO",
                             err.message, NULL);
        return;
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", l.port);
    mc_agent_reply_words(req->id, "listening", port, l.address, NULL);
    struct mc_bw_sink_result res = { 0 };
    int r = mc_bw_sink(&l, accept_ms, max_ms, &res, &err);
    mc_tcp_listener_close(&l);
    if (r < 0) {
        mc_agent_reply_words(req->id, r == -ETIMEDOUT ? "timeout" : "fail",
                             err.message ? err.message : "", NULL);
        return;
    }
    _cleanup_strv_free_ char **w = NULL;
    mc_strv_push(&w, mc_xasprintf("%lld", (long long)res.bytes));
    mc_strv_push(&w, mc_xasprintf("%.6f", res.seconds));
    mc_strv_add(&w, res.peer[0] ? res.peer : "-");
    for (int k = 0; k < MC_BW_SLICES; k++)
        mc_strv_push(&w, mc_xasprintf("%.0f", res.slice_bps[k]));
    mc_agent_reply(req->id, "ok", (const char *const *)w);
}

/* bw-send HOST PORT DURATION_MS: "ok BYTES SECONDS ADDRESS". */
void mc_op_bw_send(const struct mc_agent_req *req)
{
    int port, ms;
    if (parse_int(req->args[1], 1, 65535, &port) < 0 ||
        parse_int(req->args[2], 1, 60000, &ms) < 0) {
        mc_agent_reply_words(req->id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_bw_send_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_bw_send(req->args[0], port, ms, &res, &err) < 0) {
        mc_agent_reply_words(req->id, "fail", err.message ? err.message : "", NULL);
        return;
    }
    char bytes[32], secs[32];
    snprintf(bytes, sizeof(bytes), "%lld", (long long)res.bytes);
    snprintf(secs, sizeof(secs), "%.6f", res.seconds);
    mc_agent_reply_words(req->id, "ok", bytes, secs, res.address, NULL);
}
