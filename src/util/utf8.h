/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

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

/*
 * Decode one UTF-8 sequence at p (NUL-terminated input): its length and code point, or 0
 * when the bytes are not well-formed UTF-8 (overlong forms, surrogates, beyond U+10FFFF).
 */
size_t mc_utf8_decode(const unsigned char *p, uint32_t *ret);

/*
 * Append s to b so that a terminal shows it literally: C0 and C1 control characters, DEL and
 * the bidirectional overrides become \n, \t, \r, \xNN or \u{NNNN}; bytes that are not UTF-8
 * become \xNN; everything else is copied. A backslash stays a backslash (messages are for
 * people, not for parsing). Text from remote hosts goes through this before any terminal.
 */
void mc_utf8_escape(struct mc_buf *b, const char *s);
char *mc_utf8_escaped(const char *s);
