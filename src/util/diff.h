/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A unified diff of two texts, line by line (for showing the destination XML of a migration). */
#pragma once

/*
 * The diff of a against b in unified format with `context` lines around each change, headed
 * "--- label_a" / "+++ label_b"; "" when the texts are equal. Longest common subsequence of the
 * lines (texts of up to a few thousand lines; larger ones differ as one hunk). Caller frees.
 */
char *mc_unified_diff(const char *a, const char *b, const char *label_a, const char *label_b,
                      int context);
