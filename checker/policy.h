/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Site policy (migcheck-policy(5)): per rule id, a severity override or
 * "disabled"; and site requirements as XPath 1.0 assertions evaluated with
 * libxml2 over the pair document
 *   <pair><src>…facts…</src><dst>…facts…</dst><vm>…</vm><relate>…</relate></pair>
 * No home-made expression language.
 */
#pragma once

#include <libxml/tree.h>
#include <stdbool.h>

#include "report.h"
#include "util/error.h"

int mc_policy_load(const char *path, struct mc_policy **ret, struct mc_error *reterr);
int mc_policy_parse(const char *buf, size_t len, const char *what, struct mc_policy **ret,
                    struct mc_error *reterr);
void mc_policy_free(struct mc_policy *p);
static inline void mc_policy_freep(struct mc_policy **p)
{
    mc_policy_free(*p);
}
/* Check that every rule id the policy names exists (a typo must not silently do nothing). */
int mc_policy_validate(const struct mc_policy *p, const struct mc_rule *rules, size_t n,
                       struct mc_error *reterr);
const struct mc_policy_rule *mc_policy_find_rule(const struct mc_policy *p, const char *id);
/* Evaluate the requirements; append one finding per requirement. */
void mc_policy_eval(const struct mc_policy *p, const struct mc_pair *pair, struct mc_findings *out,
                    bool *unknown_blocks);
/* The pair document the XPath assertions see (also `check --save-facts`). */
xmlDocPtr mc_pair_document(const struct mc_pair *pair);
