/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "answers.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/ops.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool reply_is(char *const *w, enum mc_reply r)
{
    return w && w[0] && mc_enum_from_name(&mc_reply_names, w[0]) == (int)r;
}

/* Word i of w, or NULL when w has fewer (never read past the end). */
static const char *word(char *const *w, size_t i)
{
    for (size_t k = 0; w && w[k]; k++)
        if (k == i)
            return w[k];
    return NULL;
}

/* Words from i on, joined by spaces ("" when there are none). */
static char *rest(char *const *w, size_t i)
{
    return mc_strv_join(word(w, i) ? w + i : NULL, " ");
}

static bool is_number(const char *s)
{
    if (!s || !*s || strlen(s) > 19)
        return false;
    return strspn(s, "0123456789") == strlen(s);
}

/* A count (of KiB, of bytes): digits only, within int64_t. */
static bool count_value(const char *s, int64_t *ret)
{
    if (!is_number(s))
        return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno)
        return false;
    *ret = v;
    return true;
}

void mc_answer_src_stat(struct mc_vm_path *vp, char *const *w)
{
    if (reply_is(w, MC_REPLY_OK) && is_number(word(w, 2)))
        vp->src_size = strtoll(word(w, 2), NULL, 10);
}

bool mc_answer_dst_stat(struct mc_vm_path *vp, const char *asked, char *const *w,
                        const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_OK)) {
        bool chosen = vp->dst_path ? strcmp(vp->dst_path, asked) == 0
                                   : vp->src_path && strcmp(vp->src_path, asked) == 0;
        if (chosen || vp->exists_probe != MC_PROBE_OK) {
            vp->exists_probe = MC_PROBE_OK;
            mc_set_fmt(&vp->exists_detail, "'%s' exists on %s (%s, %s bytes)", asked, h->dst,
                       word(w, 1) ? word(w, 1) : "?", word(w, 2) ? word(w, 2) : "?");
            if (is_number(word(w, 2)))
                vp->dst_size = strtoll(word(w, 2), NULL, 10);
        }
        return true;
    }
    if (vp->exists_probe == MC_PROBE_NOT_RUN) {
        vp->exists_probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
        mc_set_fmt(&vp->exists_detail, "'%s' on %s: %s", asked, h->dst,
                   word(w, 1)   ? word(w, 1)
                   : word(w, 0) ? word(w, 0)
                                : "no answer");
    }
    return false;
}

bool mc_answer_canary_written(char *const *w, const char **ret_why)
{
    if (reply_is(w, MC_REPLY_OK))
        return true;
    *ret_why = word(w, 1) ? word(w, 1) : word(w, 0) ? word(w, 0) : "no answer";
    return false;
}

bool mc_answer_canary_match(char *const *w)
{
    return reply_is(w, MC_REPLY_OK) && word(w, 1) && strcmp(word(w, 1), "match") == 0;
}

void mc_answer_open(struct mc_vm_path *vp, char *const *w, int64_t uid, int64_t gid,
                    const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_OK)) {
        vp->open_probe = MC_PROBE_OK;
    } else if (reply_is(w, MC_REPLY_FAIL)) {
        vp->open_probe = MC_PROBE_FAILED;
        mc_set_fmt(&vp->open_detail, "%s as uid %lld gid %lld", word(w, 1) ? word(w, 1) : "denied",
                   (long long)uid, (long long)gid);
    } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        vp->open_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&vp->open_detail, "the %s agent on %s cannot open files as another user",
                   h->dst_kind, h->dst);
    } else {
        vp->open_probe = MC_PROBE_ERROR;
        _cleanup_free_ char *r = rest(w, 1);
        mc_set_fmt(&vp->open_detail, "the %s agent on %s could not act as uid %lld: %s",
                   h->dst_kind, h->dst, (long long)uid, r[0] ? r : "no answer");
    }
}

static bool refusal(const char *w1)
{
    return w1 &&
           (strcmp(w1, "refused") == 0 || strcmp(w1, "EACCES") == 0 || strcmp(w1, "EPERM") == 0);
}

bool mc_answer_network(struct mc_vm_path *vp, const char *protocol, bool as_qemu, char *const *w,
                       const struct mc_answer_hosts *h)
{
    const char *w1 = word(w, 1);
    bool nfs = protocol && strcmp(protocol, "nfs") == 0;
    bool iscsi = protocol && strcmp(protocol, "iscsi") == 0;
    if (reply_is(w, MC_REPLY_UNSUPPORTED))
        return false;
    if (!nfs && !iscsi && reply_is(w, MC_REPLY_OK)) {
        /* A connect answer ("ok RESULT ADDRESS"): the server's port, from DST. */
        if (w1 && strcmp(w1, "open") == 0) {
            vp->exists_probe = MC_PROBE_OK;
            vp->evidence = MC_EVIDENCE_NETWORK;
            mc_set_fmt(&vp->evidence_detail, "%s connected to the server of %s (a TCP connection)",
                       h->dst, vp->src_path ? vp->src_path : "?");
        } else {
            _cleanup_free_ char *r = rest(w, 1);
            vp->exists_probe = MC_PROBE_FAILED;
            mc_set_fmt(&vp->exists_detail, "a TCP connection from %s to its server: %s", h->dst,
                       r[0] ? r : "no result");
        }
        return true;
    }
    if (reply_is(w, MC_REPLY_OK)) {
        vp->exists_probe = MC_PROBE_OK;
        vp->evidence = MC_EVIDENCE_NETWORK;
        _cleanup_free_ char *r = rest(w, 1);
        mc_set_fmt(&vp->evidence_detail, "%s reached %s itself (the migcheck agent, %s)%s%s",
                   h->dst, vp->src_path ? vp->src_path : "?", nfs ? "libnfs" : "libiscsi",
                   r[0] ? ": " : "", r);
        vp->open_probe = MC_PROBE_OK;
    } else if (reply_is(w, MC_REPLY_FAIL) && nfs && !as_qemu && w1 &&
               (strcmp(w1, "EACCES") == 0 || strcmp(w1, "EPERM") == 0)) {
        /* The probe could not present QEMU's ids: its refusal is not QEMU's. */
        _cleanup_free_ char *r = rest(w, 2);
        vp->exists_probe = MC_PROBE_ERROR;
        mc_set_fmt(&vp->exists_detail,
                   "the probe was refused (%s%s%s) as the agent's user, but the QEMU user's ids "
                   "on %s are not known, so it did not present what QEMU will",
                   w1, r[0] ? ": " : "", r, h->dst);
    } else if (reply_is(w, MC_REPLY_FAIL) && refusal(w1)) {
        _cleanup_free_ char *r = rest(w, 2);
        vp->exists_probe = MC_PROBE_FAILED;
        vp->evidence = MC_EVIDENCE_REFUSED;
        mc_set_fmt(&vp->evidence_detail, "%s%s%s", w1, r[0] ? ": " : "", r);
    } else {
        _cleanup_free_ char *r = rest(w, 1);
        vp->exists_probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
        mc_set_str(&vp->exists_detail, r[0] ? r : "no answer");
    }
    return true;
}

const char *mc_answer_qemu_failure(const char *t)
{
    static const struct {
        const char *text, *what;
    } map[] = {
        /* The server refuses this host: an NFS export not exported to it, an iSCSI login
         * refused (ACL on the initiator name or address, authentication). */
        { "MNT3ERR_ACCES", "refused" },
        { "MNT3ERR_PERM", "refused" },
        { "Failed to log in", "refused" },
        { "Failed to login", "refused" },
        { "Login failed", "refused" },
        /* The server cannot be reached from this host (QEMU's words wrap the system's). */
        { "Connection refused", "unreachable" },
        { "No route to host", "unreachable" },
        { "Network is unreachable", "unreachable" },
        { "Connection timed out", "unreachable" },
        { "Name or service not known", "unreachable" },
        { "Temporary failure in name resolution", "unreachable" },
        /* Any other failure of the NFS mount protocol: the export is not there for this host. */
        { "Failed to mount nfs share", "refused" },
        /* The driver is not there (Debian's qemu-block-extra, RHEL's qemu-kvm-block-*). */
        { "Unknown driver", "nodriver" },
        { "Unknown protocol", "nodriver" },
        { "module block-", "nodriver" },
        { "not whitelisted", "nodriver" },
        { "not supported by this QEMU", "nodriver" },
        { "NFS3ERR_NOENT", "ENOENT" },
        { "No such file or directory", "ENOENT" },
        { "LOGICAL_UNIT_NOT_SUPPORTED", "ENOENT" },
        { "NFS3ERR_ACCES", "EACCES" },
        { "NFS3ERR_PERM", "EACCES" },
        { "ACCESS denied", "EACCES" },
        { "Permission denied", "EACCES" },
        { "Read-only file system", "EACCES" },
        { "NFS3ERR_ROFS", "EACCES" },
        /* Anything else ("iSCSI: Failed to connect to LUN : " wraps every iSCSI failure) is
         * not known to be lasting: EIO, read as undecided. */
    };
    for (size_t i = 0; t && i < sizeof(map) / sizeof(map[0]); i++)
        if (strstr(t, map[i].text))
            return map[i].what;
    return "EIO";
}

/* QEMU's message without the image options it repeats ("can't open device json:{...}: "). */
static const char *qemu_words(const char *text, const char *json)
{
    if (!text)
        return "";
    const char *j = json && *json ? strstr(text, json) : NULL;
    if (j && strncmp(j + strlen(json), ": ", 2) == 0)
        return j + strlen(json) + 2;
    return text;
}

bool mc_answer_qemu_open(struct mc_vm_path *vp, const char *json, bool readonly, int64_t uid,
                         int64_t gid, char *const *w, const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_UNSUPPORTED))
        return false;
    const char *tool = word(w, 1) ? word(w, 1) : "?";
    const char *how = strcmp(tool, "qemu-io") == 0 ? "qemu-io" : "the emulator";
    /* Who it ran as: QEMU's user, or the agent's own when it could not become that user. */
    (void)gid;
    if (is_number(word(w, 2)))
        uid = strtoll(word(w, 2), NULL, 10);
    if (reply_is(w, MC_REPLY_OK)) {
        vp->exists_probe = MC_PROBE_OK;
        vp->evidence = MC_EVIDENCE_NETWORK;
        mc_set_fmt(&vp->evidence_detail,
                   "%s opened %s %s with QEMU's own block layer (%s, as uid %lld)", h->dst,
                   vp->src_path ? vp->src_path : "?", readonly ? "read-only" : "read-write", how,
                   (long long)uid);
        vp->open_probe = MC_PROBE_OK;
        return true;
    }
    if (!reply_is(w, MC_REPLY_FAIL)) {
        _cleanup_free_ char *r = rest(w, 0);
        vp->exists_probe = MC_PROBE_ERROR;
        mc_set_fmt(&vp->exists_detail, "QEMU's block layer could not be run on %s: %s", h->dst,
                   r[0] ? r : "no answer");
        return true;
    }
    _cleanup_free_ char *r = rest(w, 4);
    const char *text = qemu_words(r, json);
    if (!text || !*text)
        text = "no reason given";
    const char *what = mc_answer_qemu_failure(text);
    _cleanup_free_ char *said = mc_xasprintf("%s (QEMU's block layer on %s, %s, as uid %lld)", text,
                                             h->dst, how, (long long)uid);
    if (strcmp(what, "refused") == 0) {
        vp->exists_probe = MC_PROBE_FAILED;
        vp->evidence = MC_EVIDENCE_REFUSED;
        mc_set_fmt(&vp->evidence_detail, "refused: %s", said);
    } else if (strcmp(what, "nodriver") == 0) {
        /* QEMU on DST cannot open such a disk at all: the migration fails the same way. */
        vp->exists_probe = MC_PROBE_FAILED;
        mc_set_fmt(&vp->exists_detail, "QEMU has no driver for it: %s", said);
    } else if (strcmp(what, "EACCES") == 0) {
        vp->exists_probe = MC_PROBE_FAILED;
        vp->evidence = MC_EVIDENCE_REFUSED;
        mc_set_fmt(&vp->evidence_detail, "EACCES: %s", said);
    } else if (strcmp(what, "ENOENT") == 0 || strcmp(what, "unreachable") == 0) {
        vp->exists_probe = MC_PROBE_FAILED;
        mc_set_fmt(&vp->exists_detail, "%s: %s", what, said);
    } else {
        /* Words QEMU's block layer is not known to use for a lasting cause. */
        vp->exists_probe = MC_PROBE_ERROR;
        mc_set_str(&vp->exists_detail, said);
    }
    return true;
}

void mc_answer_host_path_stat(struct mc_host_path *hp, const char *asked, char *const *w,
                              const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_OK)) {
        hp->probe = MC_PROBE_OK;
        mc_set_str(&hp->type, word(w, 1));
        mc_set_fmt(&hp->detail, "'%s' exists on %s (%s)", asked, h->dst,
                   word(w, 1) ? word(w, 1) : "?");
    } else {
        const char *why = word(w, 1), *status = word(w, 0);
        hp->probe = reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED : MC_PROBE_ERROR;
        mc_set_fmt(&hp->detail, "'%s' on %s: %s", asked, h->dst,
                   why      ? why
                   : status ? status
                            : "no answer");
        /* The errno name of a failed stat (ENOENT, ENOTDIR, EACCES): the rules tell a missing
         * directory libvirt would make from a path it cannot make. */
        if (reply_is(w, MC_REPLY_FAIL) && why)
            mc_set_str(&hp->probe_error, why);
    }
}

/* An errno name as the agents write it: E, then capitals and digits. */
static bool errno_word(const char *s)
{
    return s && s[0] == 'E' && s[1] &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(s);
}

static const char *connect_tool(const char *t)
{
    if (!t)
        return NULL;
    return strcmp(t, "connect") == 0 ? "connect(2) by migcheck's agent"
           : strcmp(t, "qemu") == 0  ? "QEMU's chardev client"
           : strcmp(t, "nc") == 0    ? "nc -U"
                                     : NULL;
}

void mc_answer_unix_connect(struct mc_host_path *hp, char *const *w,
                            const struct mc_answer_hosts *h)
{
    const char *tool = connect_tool(word(w, 2));
    free(hp->connect_error);
    hp->connect_error = NULL;
    if (reply_is(w, MC_REPLY_OK) && word(w, 1) && strcmp(word(w, 1), "connected") == 0 && tool &&
        !word(w, 3)) {
        hp->connect_probe = MC_PROBE_OK;
        mc_set_fmt(&hp->connect_detail, "a connection to '%s' on %s was accepted (%s), then closed",
                   hp->path, h->dst, tool);
    } else if (reply_is(w, MC_REPLY_FAIL) && errno_word(word(w, 1)) && tool) {
        hp->connect_probe = MC_PROBE_FAILED;
        mc_set_str(&hp->connect_error, word(w, 1));
        mc_set_fmt(&hp->connect_detail, "a connection to '%s' on %s failed: %s (%s)", hp->path,
                   h->dst, word(w, 1), tool);
    } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        hp->connect_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&hp->connect_detail,
                   "the %s agent on %s has neither QEMU nor nc -U to connect to '%s' with",
                   h->dst_kind, h->dst, hp->path);
    } else {
        _cleanup_free_ char *r = rest(w, 0);
        hp->connect_probe = MC_PROBE_ERROR;
        mc_set_fmt(&hp->connect_detail, "the %s agent on %s could not connect to '%s': '%s'",
                   h->dst_kind, h->dst, hp->path, r && *r ? r : "no answer");
    }
}

void mc_answer_host_file_stat(struct mc_host_path *hp, char *const *w)
{
    hp->file_probe = reply_is(w, MC_REPLY_OK)     ? MC_PROBE_OK
                     : reply_is(w, MC_REPLY_FAIL) ? MC_PROBE_FAILED
                                                  : MC_PROBE_ERROR;
    hp->file_size_known = false;
    hp->file_size = 0;
    if (reply_is(w, MC_REPLY_OK)) {
        mc_set_str(&hp->file_type, word(w, 1) ? word(w, 1) : "other");
        /* "ok TYPE SIZE ...": the size, where the answer has one (digits, within int64_t); an
         * answer with the type alone leaves it unknown. */
        int64_t size;
        if (count_value(word(w, 2), &size)) {
            hp->file_size_known = true;
            hp->file_size = size;
        }
    }
}

/* create-test in the directory in (hp->dir, or the path itself where it is a directory), or
 * (opened) open of the existing file for writing. */
static void created_answer(struct mc_host_path *hp, const char *in, char *const *w, bool opened,
                           const struct mc_answer_hosts *h)
{
    const char *who = hp->creator ? hp->creator : "that user";
    if (reply_is(w, MC_REPLY_OK)) {
        hp->create_probe = MC_PROBE_OK;
        if (opened)
            mc_set_fmt(&hp->create_detail,
                       "'%s' exists on %s and opens for writing as uid %lld gid %lld",
                       hp->path ? hp->path : "?", h->dst, (long long)hp->uid, (long long)hp->gid);
        else
            mc_set_fmt(&hp->create_detail,
                       "a test file was created and removed in '%s' on %s as uid %lld gid %lld",
                       in ? in : "?", h->dst, (long long)hp->uid, (long long)hp->gid);
    } else if (reply_is(w, MC_REPLY_FAIL)) {
        hp->create_probe = MC_PROBE_FAILED;
        mc_set_fmt(&hp->create_detail, "%s%s as uid %lld gid %lld",
                   word(w, 1) ? word(w, 1) : "denied",
                   opened ? " opening the existing file for writing" : "", (long long)hp->uid,
                   (long long)hp->gid);
    } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        hp->create_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&hp->create_detail, "the %s agent on %s cannot %s as %s", h->dst_kind, h->dst,
                   opened ? "open a file" : "create a test file", who);
    } else {
        hp->create_probe = MC_PROBE_ERROR;
        mc_set_fmt(&hp->create_detail, "the %s agent on %s could not act as %s (uid %lld): %s",
                   h->dst_kind, h->dst, who, (long long)hp->uid,
                   word(w, 1)   ? word(w, 1)
                   : word(w, 0) ? word(w, 0)
                                : "no answer");
    }
}

void mc_answer_create_test(struct mc_host_path *hp, char *const *w, const struct mc_answer_hosts *h)
{
    created_answer(hp, hp->dir, w, false, h);
}

void mc_answer_create_test_in(struct mc_host_path *hp, const char *dir, char *const *w,
                              const struct mc_answer_hosts *h)
{
    created_answer(hp, dir, w, false, h);
}

void mc_answer_open_existing(struct mc_host_path *hp, char *const *w,
                             const struct mc_answer_hosts *h)
{
    created_answer(hp, hp->dir, w, true, h);
}

void mc_answer_statvfs(struct mc_host_path *hp, char *const *w, const struct mc_answer_hosts *h)
{
    const char *dir = hp->dir ? hp->dir : "?";
    int64_t total, avail;
    hp->space_total_kib = hp->space_avail_kib = 0;
    if (reply_is(w, MC_REPLY_OK)) {
        /* "ok TOTAL_KIB AVAIL_KIB", nothing more; more space available than the file system
         * holds is no answer either. */
        if (!count_value(word(w, 1), &total) || !count_value(word(w, 2), &avail) || word(w, 3) ||
            avail > total) {
            _cleanup_free_ char *r = rest(w, 1);
            hp->space_probe = MC_PROBE_ERROR;
            mc_set_fmt(&hp->space_detail, "the %s agent on %s gave no sizes for '%s': '%s'",
                       h->dst_kind, h->dst, dir, r);
            return;
        }
        hp->space_probe = MC_PROBE_OK;
        hp->space_total_kib = total;
        hp->space_avail_kib = avail;
        mc_set_fmt(&hp->space_detail,
                   "the file system of '%s' on %s has %lld KiB available of %lld KiB", dir, h->dst,
                   (long long)avail, (long long)total);
    } else if (reply_is(w, MC_REPLY_FAIL)) {
        hp->space_probe = MC_PROBE_FAILED;
        mc_set_fmt(&hp->space_detail, "statvfs of '%s' on %s: %s", dir, h->dst,
                   word(w, 1) ? word(w, 1) : "failed");
    } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        hp->space_probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&hp->space_detail, "the %s agent on %s cannot measure free space", h->dst_kind,
                   h->dst);
    } else {
        _cleanup_free_ char *r = rest(w, 0);
        hp->space_probe = MC_PROBE_ERROR;
        mc_set_fmt(&hp->space_detail, "the %s agent on %s could not measure '%s': %s", h->dst_kind,
                   h->dst, dir, r[0] ? r : "no answer");
    }
}

void mc_answer_resolve(struct mc_name_probe *np, char *const *w, const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_OK)) {
        np->probe = MC_PROBE_OK;
        size_t n = mc_strv_length(np->addresses);
        for (size_t i = 1; w[i]; i++)
            mc_strv_push_n(&np->addresses, &n, mc_xstrdup(w[i]));
    } else if (reply_is(w, MC_REPLY_FAIL)) {
        np->probe = MC_PROBE_FAILED;
        _cleanup_free_ char *r = rest(w, 1);
        mc_set_str(&np->detail, r);
    } else if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        np->probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&np->detail, "the %s agent on %s cannot resolve names", h->src_kind, h->src);
    } else {
        np->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *r = rest(w, 0);
        mc_set_str(&np->detail, r[0] ? r : "no answer");
    }
}

/* The agent's word for a connection's result; MC_PORT_UNSET when it is not one. */
static enum mc_port_result port_result(const char *w)
{
    int v = w ? mc_enum_from_name(&mc_port_result_names, w) : -1;
    return v > 0 ? (enum mc_port_result)v : MC_PORT_UNSET;
}

int mc_answer_listen(struct mc_port_probe *pp, char *const *w, const char *range,
                     const struct mc_answer_hosts *h)
{
    if (reply_is(w, MC_REPLY_UNSUPPORTED)) {
        pp->probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&pp->detail,
                   "a temporary listener on %s needs migcheck or QEMU there (the %s agent found "
                   "neither)",
                   h->dst, h->dst_kind);
        return 0;
    }
    const char *p = word(w, 1);
    if (!reply_is(w, MC_REPLY_LISTENING) || !is_number(p) || strtoll(p, NULL, 10) < 1 ||
        strtoll(p, NULL, 10) > 65535) {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *r = rest(w, 0);
        mc_set_fmt(&pp->detail, "no port free for a listener in %s on %s: %s", range, h->dst,
                   r[0] ? r : "no answer");
        return 0;
    }
    pp->port = strtoll(p, NULL, 10);
    return 1;
}

void mc_answer_connect(struct mc_port_probe *pp, char *const *c, const char *via,
                       const struct mc_answer_hosts *h)
{
    if (reply_is(c, MC_REPLY_UNSUPPORTED)) {
        _cleanup_free_ char *r = rest(c, 1);
        pp->probe = MC_PROBE_UNSUPPORTED;
        mc_set_fmt(&pp->detail, "a test connection from %s could not be made (%s)%s%s", h->src, via,
                   r[0] ? ": " : "", r);
    } else if (reply_is(c, MC_REPLY_OK) && port_result(word(c, 1)) > 0) {
        pp->probe = MC_PROBE_OK;
        pp->result = port_result(word(c, 1));
        const char *addr = word(c, 2);
        if (addr && strcmp(addr, "-") != 0)
            mc_set_str(&pp->address, addr);
        _cleanup_free_ char *r = rest(c, 3);
        mc_set_fmt(&pp->detail, "connection from %s %s%s%s", h->src, via, r[0] ? ": " : "", r);
    } else {
        pp->probe = MC_PROBE_ERROR;
        _cleanup_free_ char *r = rest(c, 0);
        mc_set_fmt(&pp->detail, "a test connection from %s (%s) gave no result: %s", h->src, via,
                   r[0] ? r : "no answer");
    }
}

void mc_answer_listen_end(struct mc_port_probe *pp, char *const *w, const char *listener,
                          const struct mc_answer_hosts *h)
{
    bool accepted = reply_is(w, MC_REPLY_ACCEPTED);
    if (pp->probe == MC_PROBE_OK && pp->result == MC_PORT_TIMEOUT && accepted) {
        /* The listener saw the connection: it got through (the client's deadline was short). */
        pp->result = MC_PORT_OPEN;
    }
    if (pp->probe != MC_PROBE_OK)
        return;
    _cleanup_free_ char *before = mc_xstrdup(pp->detail ? pp->detail : "");
    if (pp->result == MC_PORT_OPEN && !accepted)
        mc_set_fmt(&pp->detail, "%s; the listener on %s (%s) saw no connection (%s)", before,
                   h->dst, listener, word(w, 0) ? word(w, 0) : "no answer");
    else
        mc_set_fmt(&pp->detail, "%s; listener on %s: %s", before, h->dst, listener);
}
