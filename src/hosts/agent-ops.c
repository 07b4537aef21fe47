/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native agent's probes that need code on the host: a TCP connection, a
 * temporary listener, an NFS export reached with libnfs and an iSCSI LUN with
 * libiscsi (both in userspace, as QEMU itself reaches network disks).
 */
#include "agent-ops.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/probe.h"
#include "os/os.h"
#include "storage/probe.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

void mc_agent_gather_extra(struct mc_host_facts *h)
{
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    mc_virt_gather_qemu_conf(src, h);
    /* The qemu user depends on qemu.conf: redo that part of the OS facts now. */
    mc_os_gather_qemu_user(src, h);
}

static void reply_words(mc_agent_reply_fn reply, const char *id, const char *status, ...)
{
    const char *f[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, status);
    const char *w;
    while (n < 7 && (w = va_arg(ap, const char *)))
        f[n++] = w;
    va_end(ap);
    f[n] = NULL;
    reply(id, status, f);
}

static int parse_int(const char *s, int lo, int hi, int *ret)
{
    char *end;
    if (!s || !*s)
        return -EINVAL;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -EINVAL;
    *ret = (int)v;
    return 0;
}

static void op_connect(const char *id, char **args, mc_agent_reply_fn reply)
{
    int port, timeout;
    if (mc_strv_length(args) < 3 || parse_int(args[1], 1, 65535, &port) < 0 ||
        parse_int(args[2], 1, 600000, &timeout) < 0) {
        reply_words(reply, id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_tcp_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_tcp_connect_probe(args[0], port, timeout, &res, &err) < 0) {
        reply_words(reply, id, "ok", "unresolvable", args[0], err.message, NULL);
        return;
    }
    reply_words(reply, id, "ok", mc_tcp_result_name(res.result), res.address, NULL);
}

static bool any_address(const char *a)
{
    return !a || !*a || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0 || strcmp(a, "[::]") == 0;
}

/* Two answers: "listening PORT" at once, then "accepted PEER" or "timeout". */
static void op_listen(const char *id, char **args, mc_agent_reply_fn reply)
{
    int pmin, pmax, timeout;
    if (mc_strv_length(args) < 4 || parse_int(args[1], 1, 65535, &pmin) < 0 ||
        parse_int(args[2], pmin, 65535, &pmax) < 0 || parse_int(args[3], 1, 600000, &timeout) < 0) {
        reply_words(reply, id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_tcp_listener_open(any_address(args[0]) ? NULL : args[0], pmin, pmax, &l, &err) < 0) {
        reply_words(reply, id, "fail", err.code == -EADDRINUSE ? "EADDRINUSE" : "EIO", err.message,
                    NULL);
        return;
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", l.port);
    reply_words(reply, id, "listening", port, l.address, NULL);
    struct mc_tcp_accept_result acc = { 0 };
    int r = mc_tcp_listener_accept(&l, timeout, &acc, &err);
    mc_tcp_listener_close(&l);
    if (r < 0)
        reply_words(reply, id, "error", err.message ? err.message : "accept failed", NULL);
    else if (acc.accepted)
        reply_words(reply, id, "accepted", acc.peer, NULL);
    else
        reply_words(reply, id, "timeout", NULL);
}

static int64_t user_id(const char *s, bool group)
{
    char *end;
    if (!s || !*s || strcmp(s, "-") == 0)
        return -1;
    long long v = strtoll(s, &end, 10);
    if (!*end && v >= 0)
        return v;
    if (group) {
        struct group *g = getgrnam(s);
        return g ? (int64_t)g->gr_gid : -1;
    }
    struct passwd *p = getpwnam(s);
    return p ? (int64_t)p->pw_uid : -1;
}

/* nfs-stat SERVER NAME UID GID MODE: the image as QEMU's nfs driver opens it. */
static void op_nfs(const char *id, char **args, mc_agent_reply_fn reply)
{
    if (mc_strv_length(args) < 5) {
        reply_words(reply, id, "error", "EINVAL", NULL);
        return;
    }
    const char *name = args[1];
    _cleanup_free_ char *url =
        mc_xasprintf("nfs://%s%s%s", args[0], name[0] == '/' ? "" : "/", name);
    struct mc_nfs_probe_opts o = { .timeout_ms = 5000,
                                   .uid = user_id(args[2], false),
                                   .gid = user_id(args[3], true) };
    struct mc_nfs_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_nfs_probe_url(url, &o, &res, &err) < 0) {
        reply_words(reply, id, "error", err.message ? err.message : "EINVAL", NULL);
        return;
    }
    char size[32], owner[48];
    snprintf(size, sizeof(size), "%lld", (long long)res.size);
    snprintf(owner, sizeof(owner), "%lld:%lld:%llo", (long long)res.uid, (long long)res.gid,
             (long long)res.mode);
    const char *msg = res.message ? res.message : mc_nfs_result_name(res.result);
    switch (res.result) {
    case MC_NFS_OK:
        reply_words(reply, id, "ok", "nfs", size, owner, NULL);
        break;
    case MC_NFS_MOUNT_FAILED:
        reply_words(reply, id, "fail", "refused", msg, NULL);
        break;
    case MC_NFS_NOT_FOUND:
        reply_words(reply, id, "fail", "ENOENT", msg, NULL);
        break;
    case MC_NFS_ACCESS:
        reply_words(reply, id, "fail", "EACCES", msg, NULL);
        break;
    case MC_NFS_UNREACHABLE:
        reply_words(reply, id, "fail", "unreachable", msg, NULL);
        break;
    default:
        reply_words(reply, id, "error", msg, NULL);
        break;
    }
    mc_nfs_probe_result_clear(&res);
}

/* iscsi-lun HOST PORT IQN/LUN INITIATOR VM: log in as QEMU would, read the LUN's identity. */
static void op_iscsi(const char *id, char **args, mc_agent_reply_fn reply)
{
    if (mc_strv_length(args) < 4) {
        reply_words(reply, id, "error", "EINVAL", NULL);
        return;
    }
    _cleanup_free_ char *target = mc_xstrdup(args[2]);
    char *slash = strrchr(target, '/');
    int lun = 0;
    if (slash) {
        if (parse_int(slash + 1, 0, 16383, &lun) < 0) {
            reply_words(reply, id, "error", "EINVAL", NULL);
            return;
        }
        *slash = '\0';
    }
    const char *host = args[0];
    _cleanup_free_ char *portal = strchr(host, ':') ? mc_xasprintf("[%s]:%s", host, args[1])
                                                    : mc_xasprintf("%s:%s", host, args[1]);
    /* QEMU's default initiator name when the disk names none (block/iscsi.c). */
    _cleanup_free_ char *initiator = strcmp(args[3], "-") != 0 ? mc_xstrdup(args[3])
                                     : args[4]
                                         ? mc_xasprintf("iqn.2008-11.org.linux-kvm:%s", args[4])
                                         : mc_xstrdup("iqn.2008-11.org.linux-kvm");
    struct mc_iscsi_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_iscsi_probe(portal, target, lun, initiator, 5000, &res, &err) < 0) {
        reply_words(reply, id, "error", err.message ? err.message : "EINVAL", NULL);
        return;
    }
    char size[32];
    snprintf(size, sizeof(size), "%lld", (long long)res.size_bytes);
    const char *msg = res.message ? res.message : mc_iscsi_result_name(res.result);
    switch (res.result) {
    case MC_ISCSI_OK:
        reply_words(reply, id, "ok", "lun", res.wwn ? res.wwn : "-", size, NULL);
        break;
    case MC_ISCSI_LOGIN_REFUSED:
        reply_words(reply, id, "fail", "refused", msg, NULL);
        break;
    case MC_ISCSI_NO_LUN:
        reply_words(reply, id, "fail", "ENOENT", msg, NULL);
        break;
    case MC_ISCSI_UNREACHABLE:
        reply_words(reply, id, "fail", "unreachable", msg, NULL);
        break;
    default:
        reply_words(reply, id, "error", msg, NULL);
        break;
    }
    mc_iscsi_probe_result_clear(&res);
}

bool mc_agent_extra_op(const char *id, const char *op, char **args, mc_agent_reply_fn reply)
{
    if (strcmp(op, "connect") == 0)
        op_connect(id, args, reply);
    else if (strcmp(op, "listen") == 0)
        op_listen(id, args, reply);
    else if (strcmp(op, "nfs-stat") == 0)
        op_nfs(id, args, reply);
    else if (strcmp(op, "iscsi-lun") == 0)
        op_iscsi(id, args, reply);
    else
        return false;
    return true;
}
