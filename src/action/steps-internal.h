/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step kinds implemented outside steps.c: their functions, for the step table. */
#pragma once

#include "action.h"

/* migrate-steps.c */
int mc_step_rewrite_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_migrate_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_undefine_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
int mc_step_undefine_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err);
