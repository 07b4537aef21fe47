/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "strv.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

size_t mc_strv_length(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

void mc_strv_push_n(char ***v, size_t *n, char *s)
{
    *v = mc_array_reserve(*v, *n, 2, sizeof(char *));
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

void mc_strv_push(char ***v, char *s)
{
    size_t n = mc_strv_length(*v);
    mc_strv_push_n(v, &n, s);
}

void mc_strv_add(char ***v, const char *s)
{
    mc_strv_push(v, mc_xstrdup(s));
}

void mc_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

bool mc_strv_contains(char *const *v, const char *s)
{
    STRV_FOREACH (i, v)
        if (strcmp(*i, s) == 0)
            return true;
    return false;
}

char **mc_strv_copy(char *const *v)
{
    char **r = NULL;
    if (!v)
        return NULL;
    r = mc_new0(char *, mc_strv_length(v) + 1);
    for (size_t i = 0; v[i]; i++)
        r[i] = mc_xstrdup(v[i]);
    return r;
}

char *mc_strv_join(char *const *v, const char *sep)
{
    size_t len = 1, seplen = strlen(sep);
    STRV_FOREACH (i, v)
        len += strlen(*i) + seplen;
    char *r = mc_xmalloc(len), *p = r;
    *p = '\0';
    STRV_FOREACH (i, v) {
        if (i != v) {
            memcpy(p, sep, seplen);
            p += seplen;
        }
        size_t l = strlen(*i);
        memcpy(p, *i, l);
        p += l;
    }
    *p = '\0';
    return r;
}

char **mc_strv_split(const char *s, const char *seps)
{
    char **r = mc_new0(char *, 1);
    size_t nr = 0;
    while (s && *s) {
        size_t skip = strspn(s, seps);
        s += skip;
        if (!*s)
            break;
        size_t n = strcspn(s, seps);
        mc_strv_push_n(&r, &nr, mc_xstrndup(s, n));
        s += n;
    }
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void mc_strv_sort(char **v)
{
    size_t n = mc_strv_length(v);
    if (n > 1) /* qsort's array may not be NULL, even with no elements (UBSan) */
        qsort(v, n, sizeof(char *), cmp_str);
}

char *mc_shell_quote(const char *s)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_putc(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            mc_buf_puts(&b, "'\\''");
        else
            mc_buf_putc(&b, *p);
    }
    mc_buf_putc(&b, '\'');
    return mc_buf_steal(&b);
}
