/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rule catalogue: one table, designated initialisers indexed by an enum,
 * a static_assert tying the two. The table *is* the rule list: `migcheck
 * rules`, migcheck-rules(7) and the completions come from it. Rule ids are
 * API (JSON consumers, policies): never rename one.
 *
 * rules/ includes only checker's model headers, never a system library
 * (tests/lint checks it).
 */
#pragma once

#include <stddef.h>

#include "checker/report.h"

const struct mc_rule *mc_rules_table(size_t *ret_n);
const struct mc_rule *mc_rule_find(const char *id);
/* NULL-terminated list of every rule id (static), for completion. */
const char *const *mc_rule_ids(void);
