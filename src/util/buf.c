/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void reserve(struct mc_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = mc_xrealloc(b->data, cap);
    b->cap = cap;
}

void mc_buf_append(struct mc_buf *b, const void *data, size_t len)
{
    reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void mc_buf_puts(struct mc_buf *b, const char *s)
{
    mc_buf_append(b, s, strlen(s));
}

void mc_buf_putc(struct mc_buf *b, char c)
{
    mc_buf_append(b, &c, 1);
}

void mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *mc_buf_steal(struct mc_buf *b)
{
    char *s = b->data ? b->data : mc_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void mc_buf_reset(struct mc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void mc_buf_free(struct mc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
