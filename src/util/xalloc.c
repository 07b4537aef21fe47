/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "xalloc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_noreturn_ static void oom(void)
{
    fputs("migcheck: out of memory\n", stderr);
    abort();
}

void *mc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *mc_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *mc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

void *mc_xreallocarray(void *p, size_t nmemb, size_t size)
{
    void *q = reallocarray(p, nmemb ? nmemb : 1, size ? size : 1);
    if (!q)
        oom();
    return q;
}

char *mc_xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        oom();
    return d;
}

char *mc_xstrndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    if (!d)
        oom();
    return d;
}

char *mc_xstrdup_or_null(const char *s)
{
    return s ? mc_xstrdup(s) : NULL;
}

char *mc_xvasprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        oom();
    return s;
}

char *mc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = mc_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void *mc_array_reserve(void *array, size_t count, size_t more, size_t elem_size)
{
    size_t need;
    if (__builtin_add_overflow(count, more, &need) ||
        __builtin_mul_overflow(need, elem_size, &need))
        abort();
    if (array && malloc_usable_size(array) >= need)
        return array;
    /* Half again the elements needed (at least 8): amortized O(1) per append. */
    size_t want = count + more;
    want = want < 8 ? 8 : want + want / 2;
    return mc_xreallocarray(array, want, elem_size);
}

void *mc_array_grow(void *array, size_t *count, size_t elem_size)
{
    size_t n = *count + 1;
    char *p = mc_array_reserve(array, *count, 1, elem_size);
    memset(p + (n - 1) * elem_size, 0, elem_size);
    *count = n;
    return p;
}

void mc_set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = mc_xstrdup_or_null(v);
}

void mc_set_fmt(char **dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(*dst);
    *dst = mc_xvasprintf(fmt, ap);
    va_end(ap);
}
