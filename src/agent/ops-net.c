/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native agent's probes that need libraries: a TCP connection, a
 * temporary listener, an NFS export reached with libnfs and an iSCSI LUN with
 * libiscsi (both in userspace, as QEMU itself reaches network disks).
 */
#include "ops-internal.h"

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

/* Facts the agent adds to a --no-virt gathering (qemu.conf, read on this host). */
void mc_agent_gather_extra(struct mc_host_facts *h)
{
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    mc_virt_gather_qemu_conf(src, h);
    /* The qemu user depends on qemu.conf: redo that part of the OS facts now. */
    mc_os_gather_qemu_user(src, h);
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

void mc_op_connect(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    int port, timeout;
    if (mc_strv_length(args) < 3 || parse_int(args[1], 1, 65535, &port) < 0 ||
        parse_int(args[2], 1, 600000, &timeout) < 0) {
        mc_agent_reply_words(id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_tcp_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_tcp_connect_probe(args[0], port, timeout, &res, &err) < 0) {
        mc_agent_reply_words(id, "ok", "unresolvable", args[0], err.message, NULL);
        return;
    }
    mc_agent_reply_words(id, "ok", mc_tcp_result_name(res.result), res.address, NULL);
}

static bool any_address(const char *a)
{
    return !a || !*a || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0 || strcmp(a, "[::]") == 0;
}

/* Two answers: "listening PORT" at once, then "accepted PEER" or "timeout". */
void mc_op_listen(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    int pmin, pmax, timeout;
    if (mc_strv_length(args) < 4 || parse_int(args[1], 1, 65535, &pmin) < 0 ||
        parse_int(args[2], pmin, 65535, &pmax) < 0 || parse_int(args[3], 1, 600000, &timeout) < 0) {
        mc_agent_reply_words(id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_tcp_listener_open(any_address(args[0]) ? NULL : args[0], pmin, pmax, &l, &err) < 0) {
        mc_agent_reply_words(id, "fail", err.code == -EADDRINUSE ? "EADDRINUSE" : "EIO",
                             err.message, NULL);
        return;
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", l.port);
    mc_agent_reply_words(id, "listening", port, l.address, NULL);
    struct mc_tcp_accept_result acc = { 0 };
    int r = mc_tcp_listener_accept(&l, timeout, &acc, &err);
    mc_tcp_listener_close(&l);
    if (r < 0)
        mc_agent_reply_words(id, "error", err.message ? err.message : "accept failed", NULL);
    else if (acc.accepted)
        mc_agent_reply_words(id, "accepted", acc.peer, NULL);
    else
        mc_agent_reply_words(id, "timeout", NULL);
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

/*
 * nfs-stat SERVER NAME UID GID r|rw: the image as QEMU's nfs driver opens it, read-only or
 * read-write (libnfs asks the server's ACCESS for that mode; nothing is written).
 */
void mc_op_nfs_stat(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (mc_strv_length(args) < 5) {
        mc_agent_reply_words(id, "error", "EINVAL", NULL);
        return;
    }
    const char *name = args[1];
    _cleanup_free_ char *url =
        mc_xasprintf("nfs://%s%s%s", args[0], name[0] == '/' ? "" : "/", name);
    if (strcmp(args[4], "r") != 0 && strcmp(args[4], "rw") != 0) {
        mc_agent_reply_words(id, "error", "EINVAL", NULL);
        return;
    }
    struct mc_nfs_probe_opts o = { .timeout_ms = 5000,
                                   .uid = user_id(args[2], false),
                                   .gid = user_id(args[3], true),
                                   .write = strcmp(args[4], "rw") == 0 };
    struct mc_nfs_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_nfs_probe_url(url, &o, &res, &err) < 0) {
        mc_agent_reply_words(id, "error", err.message ? err.message : "EINVAL", NULL);
        return;
    }
    char size[32], owner[48];
    snprintf(size, sizeof(size), "%lld", (long long)res.size);
    snprintf(owner, sizeof(owner), "%lld:%lld:%llo", (long long)res.uid, (long long)res.gid,
             (long long)res.mode);
    const char *msg = res.message ? res.message : mc_nfs_result_name(res.result);
    switch (res.result) {
    case MC_NFS_OK:
        mc_agent_reply_words(id, "ok", "nfs", size, owner, NULL);
        break;
    case MC_NFS_MOUNT_FAILED:
        mc_agent_reply_words(id, "fail", "refused", msg, NULL);
        break;
    case MC_NFS_NOT_FOUND:
        mc_agent_reply_words(id, "fail", "ENOENT", msg, NULL);
        break;
    case MC_NFS_ACCESS:
        mc_agent_reply_words(id, "fail", "EACCES", msg, NULL);
        break;
    case MC_NFS_UNREACHABLE:
        mc_agent_reply_words(id, "fail", "unreachable", msg, NULL);
        break;
    default:
        mc_agent_reply_words(id, "error", msg, NULL);
        break;
    }
    mc_nfs_probe_result_clear(&res);
}

/* iscsi-lun HOST PORT IQN/LUN INITIATOR VM: log in as QEMU would, read the LUN's identity. */
void mc_op_iscsi_lun(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    if (mc_strv_length(args) < 4) {
        mc_agent_reply_words(id, "error", "EINVAL", NULL);
        return;
    }
    _cleanup_free_ char *target = mc_xstrdup(args[2]);
    char *slash = strrchr(target, '/');
    int lun = 0;
    if (slash) {
        if (parse_int(slash + 1, 0, 16383, &lun) < 0) {
            mc_agent_reply_words(id, "error", "EINVAL", NULL);
            return;
        }
        *slash = '\0';
    }
    const char *host = args[0];
    _cleanup_free_ char *portal = strchr(host, ':') ? mc_xasprintf("[%s]:%s", host, args[1])
                                                    : mc_xasprintf("%s:%s", host, args[1]);
    /* The caller passes the initiator name QEMU will present (the disk's, or QEMU's default
     * iqn.2008-11.org.linux-kvm:UUID, block/iscsi.c); "-" keeps QEMU's bare default. */
    _cleanup_free_ char *initiator = strcmp(args[3], "-") != 0 ? mc_xstrdup(args[3])
                                     : args[4]
                                         ? mc_xasprintf("iqn.2008-11.org.linux-kvm:%s", args[4])
                                         : mc_xstrdup("iqn.2008-11.org.linux-kvm");
    struct mc_iscsi_probe_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_iscsi_probe(portal, target, lun, initiator, 5000, &res, &err) < 0) {
        mc_agent_reply_words(id, "error", err.message ? err.message : "EINVAL", NULL);
        return;
    }
    char size[32];
    snprintf(size, sizeof(size), "%lld", (long long)res.size_bytes);
    const char *msg = res.message ? res.message : mc_iscsi_result_name(res.result);
    switch (res.result) {
    case MC_ISCSI_OK:
        mc_agent_reply_words(id, "ok", "lun", res.wwn ? res.wwn : "-", size,
                             res.serial ? res.serial : "-", NULL);
        break;
    case MC_ISCSI_LOGIN_REFUSED:
        mc_agent_reply_words(id, "fail", "refused", msg, NULL);
        break;
    case MC_ISCSI_NO_LUN:
        mc_agent_reply_words(id, "fail", "ENOENT", msg, NULL);
        break;
    case MC_ISCSI_UNREACHABLE:
        mc_agent_reply_words(id, "fail", "unreachable", msg, NULL);
        break;
    default:
        mc_agent_reply_words(id, "error", msg, NULL);
        break;
    }
    mc_iscsi_probe_result_clear(&res);
}
