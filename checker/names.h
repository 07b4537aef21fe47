/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Name tables for enums. States migcheck decides (probe outcomes, evidence
 * kinds, verdicts, fix ids, step kinds) are enums in the code and names in
 * documents (snapshots, plans, journals, JSON); one table per enum converts
 * both ways, so a name cannot drift between the writer and the reader.
 *
 * Convention: value 0 is "unset" when the enum's names[0] is NULL (the
 * descriptor walks omit it, as they omit NULL strings); otherwise 0 is a
 * real value with a name.
 */
#pragma once

#include <stddef.h>

#include "util/cleanup.h"

struct mc_enum_names {
    const char *what;         /* what the values are, for messages: "probe outcome" */
    const char *const *names; /* names[value]; names[0] NULL: 0 means unset */
    size_t n;                 /* number of values */
};

#define MC_ENUM_NAMES(var, what_, tbl)                                                             \
    const struct mc_enum_names var = { what_, tbl, ARRAY_SIZE(tbl) }

/* The name of v, or NULL when v is unset or out of range. */
const char *mc_enum_name(const struct mc_enum_names *t, int v);
/* The name of v, or fallback when it has none. */
const char *mc_enum_name_or(const struct mc_enum_names *t, int v, const char *fallback);
/* The value named s, or -EINVAL. */
int mc_enum_from_name(const struct mc_enum_names *t, const char *s);
/* "a, b or c": the names, for messages (static buffer not used: caller frees). */
char *mc_enum_list(const struct mc_enum_names *t);
