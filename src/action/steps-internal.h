/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step kinds implemented outside steps.c: their functions, for the step table. */
#pragma once

#include "action.h"

/* steps.c: the connected host of step s (-ENOTCONN when it is not connected). */
int mc_step_host(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_host **ret,
                 struct mc_error *err);
/*
 * steps.c: the inode of what step s made at path when the journal lost it (a crash between the
 * change and the journal): what is there of the type wanted ("file", "dir"), if it appeared
 * after the step started (two seconds allowed for clocks that differ). 0 with *ret NULL when
 * nothing is there; -ESTALE for anything else, the message saying the run did not record
 * `making` ("creating", "making") it.
 */
int mc_step_made_by(struct mc_host *h, struct mc_plan_step *s, const char *path, const char *type,
                    const char *making, char **ret, struct mc_error *err);

/* migrate-steps.c */
int mc_step_rewrite_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_undefine_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_undefine_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
/* provision-steps.c */
int mc_step_make_dir_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_make_dir_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_nfs_export_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_nfs_export_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_iscsi_target_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_iscsi_target_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_iscsi_lun_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_iscsi_lun_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_verify_nfs_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_verify_iscsi_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_define_pool_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_define_pool_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_start_pool_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_start_pool_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_start_pool_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_copy_image_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_nothing_to_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_rebase_image_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_block_copy_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_block_copy_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_block_pivot_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_block_pivot_verify(struct mc_apply_ctx *c, struct mc_plan_step *s,
                               struct mc_error *err);
int mc_step_block_pivot_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_redefine_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_redefine_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
