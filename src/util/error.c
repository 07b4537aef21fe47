/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int mc_error_setv(struct mc_error *e, int code, const char *fmt, va_list ap)
{
    if (code >= 0)
        code = -EIO;
    if (e) {
        free(e->message);
        e->message = mc_xvasprintf(fmt, ap);
        e->code = code;
    }
    return code;
}

int mc_error_set(struct mc_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = mc_error_setv(e, code, fmt, ap);
    va_end(ap);
    return r;
}

int mc_error_prefix(struct mc_error *e, const char *fmt, ...)
{
    if (!e)
        return -EIO;
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *prefix = mc_xvasprintf(fmt, ap);
    va_end(ap);
    char *m = e->message ? mc_xasprintf("%s: %s", prefix, e->message) : TAKE_PTR(prefix);
    free(e->message);
    e->message = m;
    if (e->code >= 0)
        e->code = -EIO;
    return e->code;
}

void mc_error_clear(struct mc_error *e)
{
    if (!e)
        return;
    free(e->message);
    e->message = NULL;
    e->code = 0;
}

const char *mc_errno_name(int err, char buf[static 16])
{
    if (err < 0)
        err = -err;
    const char *n = strerrorname_np(err);
    if (n)
        return n;
    snprintf(buf, 16, "%d", err);
    return buf;
}

int mc_errno_from_name(const char *name)
{
    if (!name || !*name)
        return 0;
    if (name[0] >= '0' && name[0] <= '9') {
        char *end;
        long v = strtol(name, &end, 10);
        return (*end || v <= 0 || v > 4095) ? 0 : (int)v;
    }
    for (int i = 1; i < 256; i++) {
        const char *n = strerrorname_np(i);
        if (n && strcmp(n, name) == 0)
            return i;
    }
    return 0;
}
