/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Taking the agent's answers out of what its stdout gave so far (session.c reads, these cut):
 * protocol lines, and the framed bodies of `facts` and `probe`. Pure functions over a buffer,
 * so the fuzz target (tests/fuzz/fuzz-session-frame.c) runs exactly what the session runs.
 * What a host sends is untrusted: a NUL byte in a protocol line or in an XML body is a
 * malformed answer (no line or snapshot of the protocol holds one); a probe dump may hold
 * NULs (binary files) and keeps every byte with its length.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Take one line (without its newline) from the front of b: 1 with the line, 0 when no whole
 * line is there yet, -EBADMSG when the line holds a NUL byte (the line is dropped).
 */
int mc_frame_take_line(struct mc_buf *b, char **ret);

/*
 * Take a framed body from the front of b: it ends with the line "--BOUNDARY END" (which may
 * also be its very first line: an empty body). xml: the snapshot without the end line, else
 * the whole dump with it. 1 with the body and its length, 0 when the end line has not come
 * yet, -EBADMSG for a NUL byte in an XML body (the body is dropped).
 */
int mc_frame_take_body(struct mc_buf *b, const char *boundary, bool xml, char **ret,
                       size_t *ret_len);
