/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/*
 * Is s valid UTF-8 made only of characters XML 1.0 allows (no C0 controls
 * but tab, newline and carriage return; no surrogates, no U+FFFE/U+FFFF)?
 */
bool mc_utf8_is_clean(const char *s);
/*
 * A copy of s with every invalid byte or disallowed character replaced by
 * U+FFFD. Remote hosts send what they like; reports and snapshots must stay
 * well-formed.
 */
char *mc_utf8_clean(const char *s);
