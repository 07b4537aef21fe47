/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Errors: functions return 0 or -errno and put the human message in a
 * struct mc_error the caller owns. Messages name the subject in quotes,
 * say what failed first, and carry no trailing full stop:
 *   cannot resolve 'kvm2' on 'kvm1': Name or service not known
 * Only verbs print them, once.
 */
#pragma once

#include <stdarg.h>
#include "cleanup.h"

struct mc_error {
    int code;      /* negative errno, 0 when unset */
    char *message; /* NULL when unset */
};

/* Set (or replace) the error and return code, which must be negative. */
int mc_error_set(struct mc_error *e, int code, const char *fmt, ...) _printf_(3, 4);
int mc_error_setv(struct mc_error *e, int code, const char *fmt, va_list ap) _printf_(3, 0);
/* Prefix an existing message: "<prefix>: <old message>". Returns e->code. */
int mc_error_prefix(struct mc_error *e, const char *fmt, ...) _printf_(2, 3);
void mc_error_clear(struct mc_error *e);

static inline void mc_error_clearp(struct mc_error *e)
{
    mc_error_clear(e);
}
#define _cleanup_error_ __attribute__((cleanup(mc_error_clearp)))

/* "ENOENT" for 2; a decimal string for numbers without a name. */
const char *mc_errno_name(int err, char buf[static 16]);
/* The positive errno for "ENOENT" or "2"; 0 when unknown. */
int mc_errno_from_name(const char *name);
