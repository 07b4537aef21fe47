/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "names.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"

const char *mc_enum_name(const struct mc_enum_names *t, int v)
{
    if (v < 0 || (size_t)v >= t->n)
        return NULL;
    return t->names[v];
}

const char *mc_enum_name_or(const struct mc_enum_names *t, int v, const char *fallback)
{
    const char *n = mc_enum_name(t, v);
    return n ? n : fallback;
}

int mc_enum_from_name(const struct mc_enum_names *t, const char *s)
{
    if (!s)
        return -EINVAL;
    for (size_t i = 0; i < t->n; i++)
        if (t->names[i] && strcmp(t->names[i], s) == 0)
            return (int)i;
    return -EINVAL;
}

char *mc_enum_list(const struct mc_enum_names *t)
{
    struct mc_buf b = MC_BUF_INIT;
    size_t total = 0, k = 0;
    for (size_t i = 0; i < t->n; i++)
        total += t->names[i] != NULL;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->names[i])
            continue;
        if (k)
            mc_buf_puts(&b, k + 1 == total ? " or " : ", ");
        mc_buf_puts(&b, t->names[i]);
        k++;
    }
    return mc_buf_steal(&b);
}
