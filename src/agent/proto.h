/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agent protocol (version 1) between `check` and the agent on a host:
 * `migcheck __agent` where migcheck is installed, the embedded sh agent
 * (src/agent/agent.sh) elsewhere; the operations are the table of src/agent/ops.h. One line per
 * request and per answer:
 *
 *   -> <id> <op> <arg>...                 args encoded (below)
 *   <- <id> <status> <field>...           status: ok, fail, unsupported, error
 *
 * except `facts`, whose answer is a framed body (see agent.sh). The agent
 * greets with "HELLO <kind> 1 <version>" (kind: migcheck or sh).
 *
 * Encoding: bytes outside [A-Za-z0-9._/:@,+=-] are written as \0ooo (three
 * octal digits), which `printf '%b'` decodes in any POSIX sh; an empty
 * string is "\0". So paths with spaces, quotes or newlines travel intact
 * and no shell ever parses them.
 */
#pragma once

#include "util/error.h"

#define MC_AGENT_PROTO 1

char *mc_agent_encode(const char *s);
/* Strict: -EBADMSG on anything but safe bytes and \0ooo escapes, or a NUL byte. */
int mc_agent_decode(const char *s, char **ret);
/* Split a line on single spaces and decode every word. */
int mc_agent_split(const char *line, char ***ret);
