/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "proto.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("._/:@,+=-", c);
}

char *mc_agent_encode(const char *s)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    if (!*s)
        return mc_xstrdup("\\0");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (safe(*p))
            mc_buf_putc(&b, (char)*p);
        else
            mc_buf_printf(&b, "\\0%03o", *p);
    }
    return mc_buf_steal(&b);
}

int mc_agent_decode(const char *s, char **ret)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    if (strcmp(s, "\\0") == 0) {
        *ret = mc_xstrdup("");
        return 0;
    }
    for (const char *p = s; *p;) {
        if (*p != '\\') {
            if (!safe((unsigned char)*p))
                return -EBADMSG;
            mc_buf_putc(&b, *p++);
            continue;
        }
        /* \0ooo */
        if (p[1] != '0' || !(p[2] >= '0' && p[2] <= '3') || !(p[3] >= '0' && p[3] <= '7') ||
            !(p[4] >= '0' && p[4] <= '7'))
            return -EBADMSG;
        int v = (p[2] - '0') * 64 + (p[3] - '0') * 8 + (p[4] - '0');
        if (v == 0)
            return -EBADMSG;
        mc_buf_putc(&b, (char)v);
        p += 5;
    }
    *ret = mc_buf_steal(&b);
    return 0;
}

int mc_agent_split(const char *line, char ***ret)
{
    _cleanup_strv_free_ char **words = mc_strv_split(line, " ");
    char **out = mc_new0(char *, 1);
    size_t n = 0;
    STRV_FOREACH (w, words) {
        char *d = NULL;
        if (mc_agent_decode(*w, &d) < 0) {
            mc_strv_free(out);
            return -EBADMSG;
        }
        mc_strv_push_n(&out, &n, d);
    }
    *ret = out;
    return 0;
}
