/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the renderers and the rules verb: making untrusted text
 * safe for a terminal, word wrapping, and the order in which areas of rule
 * ids are shown.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "util/buf.h"

/*
 * Append s to b so that a terminal shows it literally: C0 and C1 control
 * characters, DEL and the bidirectional overrides become \n, \t, \r, \xNN or
 * \u{NNNN}; bytes that are not UTF-8 become \xNN; everything else is copied.
 * A backslash stays a backslash (messages are for people, not for parsing).
 */
void mc_render_escape(struct mc_buf *b, const char *s);
char *mc_render_escaped(const char *s);

/* Columns s takes on a terminal (one per code point; s must be escaped). */
size_t mc_render_width(const char *s);

/*
 * Append text (already escaped) word-wrapped to width columns. The cursor
 * is at column col (the caller printed that much of the line); continuation
 * lines start with indent spaces. Lines break only at spaces: a word longer
 * than the line stays whole. No trailing newline.
 */
void mc_render_wrap(struct mc_buf *b, const char *text, size_t col, size_t indent, size_t width);

/* Areas of rule ids in display order, with their titles; NULL-terminated. */
struct mc_render_area {
    const char *area;
    const char *title;
};
extern const struct mc_render_area mc_render_areas[];
/* Title for an area ("Storage"); the area itself when not a known one. */
const char *mc_render_area_title(const char *area);

/*
 * The order in which to show findings: indexes into r->findings, grouped by
 * area in mc_render_areas order (unknown areas after them, in order of first
 * appearance), table order within an area. Caller frees.
 */
size_t *mc_render_order(const struct mc_report *r);

/* Write all of data to f and flush it: 0, or -errno when the stream failed. */
int mc_render_write(FILE *f, const char *data, size_t len);

/* Does the finding count against the verdict (FAIL, WARN with --strict, blocking UNKNOWN)? */
bool mc_render_finding_blocks(const struct mc_report *r, const struct mc_finding *f);
