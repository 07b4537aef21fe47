/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The operation table (ops.h says how to add a row) and the sh dispatch made from it. */
#include "ops.h"

#include <assert.h>
#include <string.h>

#include "ops-internal.h"
#include "util/buf.h"
#include "util/cleanup.h"

static const struct mc_agent_op ops[_MC_OP_MAX] = {
    [MC_OP_QUIT] = { .name = "quit", .c = mc_op_quit, .sh = "mcagent_quit" },
    [MC_OP_FACTS] = { .name = "facts",
                      .args = "BOUNDARY",
                      .min_args = 1,
                      .c = mc_op_facts,
                      .sh = "mcagent_facts" },
    [MC_OP_PROBE] = { .name = "probe",
                      .args = "BOUNDARY",
                      .min_args = 1,
                      .c = mc_op_probe,
                      .sh = "mcagent_facts" },
    [MC_OP_STAT] = { .name = "stat",
                     .args = "PATH",
                     .min_args = 1,
                     .c = mc_op_stat,
                     .sh = "mcagent_stat" },
    [MC_OP_OPEN] = { .name = "open",
                     .args = "PATH UID GID r|rw",
                     .min_args = 4,
                     .c = mc_op_open,
                     .sh = "mcagent_open" },
    [MC_OP_CANARY_WRITE] = { .name = "canary-write",
                             .args = "DIR TOKEN",
                             .min_args = 2,
                             .c = mc_op_canary_write,
                             .sh = "mcagent_canary_write" },
    [MC_OP_CANARY_READ] = { .name = "canary-read",
                            .args = "PATH TOKEN",
                            .min_args = 2,
                            .c = mc_op_canary_read,
                            .sh = "mcagent_canary_read" },
    [MC_OP_RM_CANARY] = { .name = "rm-canary",
                          .args = "PATH",
                          .min_args = 1,
                          .c = mc_op_rm_canary,
                          .sh = "mcagent_rm_canary" },
    [MC_OP_CREATE_TEST] = { .name = "create-test",
                            .args = "DIR TOKEN UID GID",
                            .min_args = 4,
                            .c = mc_op_create_test,
                            .sh = "mcagent_create_test" },
    [MC_OP_STATVFS] = { .name = "statvfs",
                        .args = "DIR",
                        .min_args = 1,
                        .c = mc_op_statvfs,
                        .sh = "mcagent_statvfs" },
    [MC_OP_RESOLVE] = { .name = "resolve",
                        .args = "NAME",
                        .min_args = 1,
                        .c = mc_op_resolve,
                        .sh = "mcagent_resolve" },
    [MC_OP_CONNECT] = { .name = "connect",
                        .args = "HOST PORT TIMEOUT_MS",
                        .min_args = 3,
                        .c = mc_op_connect },
    [MC_OP_UNIX_CONNECT] = { .name = "unix-connect",
                             .args = "PATH TIMEOUT_MS [EMULATOR]",
                             .min_args = 2,
                             .c = mc_op_unix_connect,
                             .sh = "mcagent_unix_connect" },
    [MC_OP_LISTEN] = { .name = "listen",
                       .args = "ADDRESS PORT_MIN PORT_MAX TIMEOUT_MS [EMULATOR]",
                       .min_args = 4,
                       .c = mc_op_listen,
                       .sh = "mcagent_listen" },
    [MC_OP_NFS_STAT] = { .name = "nfs-stat",
                         .args = "SERVER NAME UID GID MODE",
                         .min_args = 5,
                         .c = mc_op_nfs_stat },
    [MC_OP_ISCSI_LUN] = { .name = "iscsi-lun",
                          .args = "HOST PORT IQN/LUN INITIATOR [VM]",
                          .min_args = 4,
                          .c = mc_op_iscsi_lun },
    [MC_OP_CREATE_IMAGE] = { .name = "create-image",
                             .args = "PATH FORMAT BYTES [UID GID MODE [BACKING BACKING_FORMAT]]",
                             .min_args = 3,
                             .mutates = true,
                             .c = mc_op_create_image,
                             .sh = "mcagent_create_image" },
    [MC_OP_REMOVE_IMAGE] = { .name = "remove-image",
                             .args = "PATH INODE",
                             .min_args = 2,
                             .mutates = true,
                             .c = mc_op_remove_image,
                             .sh = "mcagent_remove_image" },
    /* The native agent reaches NFS and iSCSI with libnfs/libiscsi (nfs-stat, iscsi-lun). */
    [MC_OP_QEMU_OPEN] = { .name = "qemu-open",
                          .args = "JSON r|rw EMULATOR UID GID",
                          .min_args = 5,
                          .sh = "mcagent_qemu_open" },
    [MC_OP_MKDIR] = { .name = "mkdir",
                      .args = "PATH MODE UID GID",
                      .min_args = 4,
                      .mutates = true,
                      .c = mc_op_mkdir,
                      .sh = "mcagent_mkdir" },
    [MC_OP_RMDIR] = { .name = "rmdir",
                      .args = "PATH INODE",
                      .min_args = 2,
                      .mutates = true,
                      .c = mc_op_rmdir,
                      .sh = "mcagent_rmdir" },
    [MC_OP_CONF_BLOCK_ADD] = { .name = "conf-block-add",
                               .args = "PATH MARKER TEXT",
                               .min_args = 3,
                               .mutates = true,
                               .c = mc_op_conf_block_add,
                               .sh = "mcagent_conf_block_add" },
    [MC_OP_CONF_BLOCK_REMOVE] = { .name = "conf-block-remove",
                                  .args = "PATH MARKER",
                                  .min_args = 2,
                                  .mutates = true,
                                  .c = mc_op_conf_block_remove,
                                  .sh = "mcagent_conf_block_remove" },
    [MC_OP_WRITE_FILE] = { .name = "write-file",
                           .args = "PATH MODE TEXT",
                           .min_args = 3,
                           .mutates = true,
                           .c = mc_op_write_file,
                           .sh = "mcagent_write_file" },
    [MC_OP_NFS_RELOAD] = { .name = "nfs-reload",
                           .args = "ganesha PID | kernel",
                           .min_args = 1,
                           .mutates = true,
                           .c = mc_op_nfs_reload,
                           .sh = "mcagent_nfs_reload" },
    [MC_OP_TGT] = { .name = "tgt",
                    .args = "ACTION TID ARG...",
                    .min_args = 2,
                    .mutates = true,
                    .c = mc_op_tgt,
                    .sh = "mcagent_tgt" },
    [MC_OP_COPY_IMAGE] = { .name = "copy-image",
                           .args = "FROM FROM_FORMAT TO TO_FORMAT",
                           .min_args = 4,
                           .mutates = true,
                           .c = mc_op_copy_image,
                           .sh = "mcagent_copy_image" },
    [MC_OP_REBASE_IMAGE] = { .name = "rebase-image",
                             .args = "IMAGE FORMAT BACKING BACKING_FORMAT",
                             .min_args = 4,
                             .mutates = true,
                             .c = mc_op_rebase_image,
                             .sh = "mcagent_rebase_image" },
    [MC_OP_IMAGE_INFO] = { .name = "image-info",
                           .args = "PATH|URL",
                           .min_args = 1,
                           .c = mc_op_image_info,
                           .sh = "mcagent_image_info" },
    [MC_OP_MEM_SAMPLE] = { .name = "mem-sample",
                           .args = "UUID RAM_BYTES DURATION_MS INTERVAL_MS SAMPLES [NAME]",
                           .min_args = 5,
                           .c = mc_op_mem_sample },
    [MC_OP_MEM_RSS] = { .name = "mem-rss",
                        .args = "UUID RAM_BYTES [NAME]",
                        .min_args = 2,
                        .c = mc_op_mem_rss,
                        .sh = "mcagent_mem_rss" },
    [MC_OP_BW_SINK] = { .name = "bw-sink",
                        .args = "ADDRESS PORT_MIN PORT_MAX ACCEPT_MS MAX_MS",
                        .min_args = 5,
                        .c = mc_op_bw_sink },
    [MC_OP_BW_SEND] = { .name = "bw-send",
                        .args = "HOST PORT DURATION_MS",
                        .min_args = 3,
                        .c = mc_op_bw_send },
};

static const char *const reply_names[_MC_REPLY_MAX] = {
    [MC_REPLY_OK] = "ok",
    [MC_REPLY_FAIL] = "fail",
    [MC_REPLY_UNSUPPORTED] = "unsupported",
    [MC_REPLY_ERROR] = "error",
    [MC_REPLY_LISTENING] = "listening",
    [MC_REPLY_ACCEPTED] = "accepted",
    [MC_REPLY_TIMEOUT] = "timeout",
};
MC_ENUM_NAMES(mc_reply_names, "agent answer", reply_names);

const struct mc_agent_op *mc_agent_op(enum mc_op op)
{
    assert(op < _MC_OP_MAX);
    return &ops[op];
}

int mc_agent_op_find(const char *name)
{
    for (size_t i = 0; i < _MC_OP_MAX; i++)
        if (ops[i].name && strcmp(ops[i].name, name) == 0)
            return (int)i;
    return -1;
}

/*
 * The generated dispatch: the names and functions are this table's constants (letters, digits
 * and '-' / '_' only: checked by unit.hosts), never input.
 */
char *mc_agent_sh_dispatch(void)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_puts(&b, "mcagent_dispatch() {\n\tcase $mcagent_op in\n");
    for (size_t i = 0; i < _MC_OP_MAX; i++) {
        const struct mc_agent_op *o = &ops[i];
        if (!o->sh)
            continue;
        mc_buf_printf(&b,
                      "\t%s)\n\t\tif [ $# -ge %u ]; then %s \"$@\"; "
                      "else printf '%%s error EINVAL\\n' \"$mcagent_id\"; fi\n\t\t;;\n",
                      o->name, o->min_args, o->sh);
    }
    mc_buf_puts(&b, "\t*) printf '%s unsupported\\n' \"$mcagent_id\" ;;\n\tesac\n}\n");
    return mc_buf_steal(&b);
}
