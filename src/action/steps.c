/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The step table (action.h says how to add a kind) and the storage steps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "steps-internal.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define STEP_TIMEOUT_MS 120000

int mc_step_host(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_host **ret,
                 struct mc_error *err)
{
    struct mc_host *h = mc_apply_host(c, s);
    if (!h || h->rc != 0)
        return mc_error_set(err, -ENOTCONN, "no connection to the %s", s->host ? s->host : "host");
    *ret = h;
    return 0;
}

static int need(struct mc_plan_step *s, const char *name, const char **ret, struct mc_error *err)
{
    *ret = mc_step_param(s, name);
    if (!*ret || !**ret)
        return mc_error_set(err, -EINVAL, "the step has no '%s'", name);
    return 0;
}

static const char *answer_text(const struct mc_answer *a, char *buf, size_t len)
{
    _cleanup_free_ char *j = mc_strv_join(a->words, " ");
    snprintf(buf, len, "%s", j);
    return buf;
}

/* ---- create-disk-target: params host, path, format, bytes; result inode ---- */

static int create_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *path = NULL, *format = NULL, *bytes = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "path", &path, err)) < 0 ||
        (r = need(s, "format", &format, err)) < 0 || (r = need(s, "bytes", &bytes, err)) < 0)
        return r;
    /* optional: owner and mode, and a backing image (provisioning a carried chain) */
    const char *uid = mc_step_param(s, "uid"), *gid = mc_step_param(s, "gid");
    const char *mode = mc_step_param(s, "mode"), *backing = mc_step_param(s, "backing");
    const char *bformat = mc_step_param(s, "backing-format");
    const char *args[] = { path,
                           format,
                           bytes,
                           uid && gid ? uid : "-",
                           uid && gid ? gid : "-",
                           mode ? mode : "-",
                           backing,
                           backing ? bformat : NULL,
                           NULL };
    struct mc_answer a = { 0 };
    r = mc_host_call(h, MC_OP_CREATE_IMAGE, args, STEP_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    char buf[256];
    if (a.status == MC_REPLY_OK && a.fields[0]) {
        mc_step_record(s, "inode", a.fields[0]);
        r = 0;
    } else if (a.status == MC_REPLY_UNSUPPORTED) {
        r = mc_error_set(err, -ENOTSUP, "the agent on '%s' cannot create images", h->spec.label);
    } else {
        int e = a.fields[0] ? mc_errno_from_name(a.fields[0]) : 0;
        if (a.status == MC_REPLY_FAIL)
            mc_step_record(s, "created", "no");
        r = mc_error_set(err, e ? -e : -EIO, "cannot create '%s' on '%s': %s", path, h->spec.label,
                         answer_text(&a, buf, sizeof(buf)));
    }
    mc_answer_clear(&a);
    return r;
}

static int create_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *path = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "path", &path, err)) < 0)
        return r;
    const char *args[] = { path, NULL };
    struct mc_answer a = { 0 };
    r = mc_host_call(h, MC_OP_STAT, args, STEP_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK || !a.fields[0] || strcmp(a.fields[0], "file") != 0) {
        char buf[256];
        r = mc_error_set(err, -EIO, "'%s' on '%s' is not there after creating it: %s", path,
                         h->spec.label, answer_text(&a, buf, sizeof(buf)));
    }
    mc_answer_clear(&a);
    return r;
}

/* Seconds since the epoch of an RFC 3339 UTC time ("2026-12-05T15:00:00Z"); -1 when not one. */
static long long epoch_of(const char *t)
{
    struct tm tm = { 0 };
    const char *end = t ? strptime(t, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end || *end)
        return -1;
    return (long long)timegm(&tm);
}

int mc_step_made_by(struct mc_host *h, struct mc_plan_step *s, const char *path, const char *type,
                    const char *making, char **ret, struct mc_error *err)
{
    *ret = NULL;
    const char *args[] = { path, NULL };
    struct mc_answer a = { 0 };
    int r = mc_host_call(h, MC_OP_STAT, args, STEP_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status == MC_REPLY_FAIL && a.fields && a.fields[0] &&
        strcmp(a.fields[0], "ENOENT") == 0) {
        mc_answer_clear(&a);
        return 0;
    }
    long long ctime = -1;
    char *ino = NULL;
    if (a.status == MC_REPLY_OK && mc_strv_length(a.fields) >= 7 &&
        strcmp(a.fields[0], type) == 0) {
        ctime = strtoll(a.fields[5], NULL, 10);
        ino = mc_xstrdup(a.fields[6]);
    }
    mc_answer_clear(&a);
    long long started = epoch_of(s->started);
    if (!ino || started < 0 || ctime < started - 2) {
        free(ino);
        return mc_error_set(err, -ESTALE,
                            "'%s' on '%s' exists but this run did not record %s it, and it is "
                            "older than the run: left as it is",
                            path, h->spec.label, making);
    }
    *ret = ino;
    return 0;
}

/*
 * Removes only the file create-image made (its inode). When a crash came between creating it
 * and journaling the inode, the file at the path is this run's if it appeared after the step
 * started (its ctime, with two seconds for clocks that differ): the plan saw the path free and
 * create-image never writes over a file. Anything older is not touched: the undo fails and says
 * so.
 */
static int create_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *h = NULL;
    const char *path = NULL;
    int r;
    if ((r = mc_step_host(c, s, &h, err)) < 0 || (r = need(s, "path", &path, err)) < 0)
        return r;
    const char *created = mc_step_result(s, "created");
    if (created && strcmp(created, "no") == 0)
        return 0; /* create-image refused: the file there is not this run's */
    _cleanup_free_ char *ino = mc_xstrdup_or_null(mc_step_result(s, "inode"));
    if (!ino) {
        if ((r = mc_step_made_by(h, s, path, "file", "creating", &ino, err)) < 0)
            return r;
        if (!ino)
            return 0; /* never created */
    }
    const char *args[] = { path, ino, NULL };
    struct mc_answer a = { 0 };
    r = mc_host_call(h, MC_OP_REMOVE_IMAGE, args, STEP_TIMEOUT_MS, &a, err);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK) {
        char buf[256];
        r = mc_error_set(err, -EIO, "cannot remove '%s' on '%s': %s", path, h->spec.label,
                         answer_text(&a, buf, sizeof(buf)));
    }
    mc_answer_clear(&a);
    return r;
}

static const struct mc_step_ops steps[_MC_STEP_MAX] = {
    [MC_STEP_CREATE_DISK_TARGET] = { .mutates = true,
                                     .run = create_run,
                                     .verify = create_verify,
                                     .undo = create_undo,
                                     .params = "path format bytes [uid gid mode backing "
                                               "backing-format]",
                                     .results = "inode created" },
    /* The rewrites change the destination XML only (no host): no undo. */
    [MC_STEP_REWRITE_DISK_PATH] = { .run = mc_step_rewrite_run, .params = "target from to" },
    [MC_STEP_REWRITE_BRIDGE] = { .run = mc_step_rewrite_run, .params = "mac from to" },
    [MC_STEP_REWRITE_NETWORK] = { .run = mc_step_rewrite_run, .params = "mac from to" },
    [MC_STEP_REWRITE_LISTEN] = { .run = mc_step_rewrite_run, .params = "graphics from to" },
    [MC_STEP_REWRITE_EMULATOR] = { .run = mc_step_rewrite_run, .params = "from to" },
    [MC_STEP_MIGRATE] = { .mutates = true,
                          .run = mc_step_migrate_run,
                          .verify = mc_step_migrate_verify,
                          .undo = mc_step_migrate_undo,
                          .params = "flags disks bandwidth parallel timeout timeout-action stall "
                                    "[refresh-xml] [downtime-limit]",
                          .results = "source-state dest-defined seconds downtime-ms convergence "
                                     "[source-xml] [downtime-limit-before]" },
    [MC_STEP_UNDEFINE_SOURCE] = { .mutates = true,
                                  .run = mc_step_undefine_run,
                                  .undo = mc_step_undefine_undo,
                                  .results = "inactive-xml autostart" },
    /* Provisioning shared storage (provision-steps.c). */
    [MC_STEP_MAKE_DIR] = { .mutates = true,
                           .run = mc_step_make_dir_run,
                           .undo = mc_step_make_dir_undo,
                           .params = "path mode uid gid [shared]",
                           .results = "inode created kept" },
    [MC_STEP_NFS_EXPORT] = { .mutates = true,
                             .run = mc_step_nfs_export_run,
                             .undo = mc_step_nfs_export_undo,
                             .params = "server marker text path clients conf pid file",
                             .results = "added inode" },
    [MC_STEP_ISCSI_TARGET] = { .mutates = true,
                               .run = mc_step_iscsi_target_run,
                               .undo = mc_step_iscsi_target_undo,
                               .params = "tid iqn initiators",
                               .results = "created" },
    [MC_STEP_ISCSI_LUN] = { .mutates = true,
                            .run = mc_step_iscsi_lun_run,
                            .undo = mc_step_iscsi_lun_undo,
                            .params = "tid iqn lun path" },
    [MC_STEP_VERIFY_NFS] = { .run = mc_step_verify_nfs_run,
                             .params = "server export image uid gid",
                             .results = "checked" },
    [MC_STEP_VERIFY_ISCSI] = { .run = mc_step_verify_iscsi_run,
                               .params = "host port iqn luns",
                               .results = "lun-N" },
    [MC_STEP_DEFINE_POOL] = { .mutates = true,
                              .run = mc_step_define_pool_run,
                              .undo = mc_step_define_pool_undo,
                              .params = "name xml",
                              .results = "uuid created" },
    [MC_STEP_START_POOL] = { .mutates = true,
                             .run = mc_step_start_pool_run,
                             .verify = mc_step_start_pool_verify,
                             .undo = mc_step_start_pool_undo,
                             .params = "name type",
                             .results = "built started" },
    [MC_STEP_COPY_IMAGE] = { .mutates = true,
                             .run = mc_step_copy_image_run,
                             .undo = mc_step_nothing_to_undo,
                             .params = "from from-format to to-format",
                             .results = "seconds" },
    [MC_STEP_REBASE_IMAGE] = { .mutates = true,
                               .run = mc_step_rebase_image_run,
                               .undo = mc_step_nothing_to_undo,
                               .params = "image format backing backing-format" },
    [MC_STEP_BLOCK_COPY] = { .mutates = true,
                             .run = mc_step_block_copy_run,
                             .undo = mc_step_block_copy_undo,
                             .params = "disk xml original shallow",
                             .results = "started seconds bytes" },
    [MC_STEP_BLOCK_PIVOT] = { .mutates = true,
                              .run = mc_step_block_pivot_run,
                              .verify = mc_step_block_pivot_verify,
                              .undo = mc_step_block_pivot_undo,
                              .params = "disk xml original shallow",
                              .results = "pivoted" },
    [MC_STEP_REDEFINE_DISK] = { .mutates = true,
                                .run = mc_step_redefine_run,
                                .undo = mc_step_redefine_undo,
                                .params = "disk xml undo-xml" },
};

const struct mc_step_ops *mc_step_ops(enum mc_step_kind k)
{
    if ((int)k <= 0 || k >= _MC_STEP_MAX || !steps[k].run)
        return NULL;
    return &steps[k];
}
