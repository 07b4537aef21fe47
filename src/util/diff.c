/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "diff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strv.h"
#include "xalloc.h"

#define MAX_CELLS (8u << 20)

static char **lines_of(const char *s, size_t *n)
{
    char **v = NULL;
    *n = 0;
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        mc_strv_push(&v, mc_xstrndup(s, len));
        (*n)++;
        s += len + (nl ? 1 : 0);
    }
    return v;
}

enum op {
    KEEP,
    DEL,
    ADD
};

struct edit {
    enum op op;
    size_t ai, bi; /* line numbers (0-based) in a and b at this edit */
};

/* The edit script from the LCS table; the whole of a deleted and b added when it is too big. */
static struct edit *script(char **a, size_t na, char **b, size_t nb, size_t *ret_n)
{
    struct edit *e = NULL;
    size_t n = 0;
    if ((uint64_t)(na + 1) * (nb + 1) > MAX_CELLS) {
        for (size_t i = 0; i < na; i++)
            *MC_APPEND(e, n) = (struct edit){ DEL, i, 0 };
        for (size_t j = 0; j < nb; j++)
            *MC_APPEND(e, n) = (struct edit){ ADD, na, j };
        *ret_n = n;
        return e;
    }
    uint32_t *t = mc_xcalloc((na + 1) * (nb + 1), sizeof(uint32_t));
#define T(i, j) t[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;)
            T(i, j) = strcmp(a[i], b[j]) == 0      ? T(i + 1, j + 1) + 1
                      : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j)
                                                   : T(i, j + 1);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
            *MC_APPEND(e, n) = (struct edit){ KEEP, i++, j++ };
        } else if (j < nb && (i == na || T(i, j + 1) > T(i + 1, j))) {
            *MC_APPEND(e, n) = (struct edit){ ADD, i, j++ };
        } else {
            *MC_APPEND(e, n) = (struct edit){ DEL, i++, j };
        }
    }
#undef T
    free(t);
    *ret_n = n;
    return e;
}

char *mc_unified_diff(const char *ta, const char *tb, const char *label_a, const char *label_b,
                      int context)
{
    size_t na, nb, ne;
    char **a = lines_of(ta, &na);
    char **b = lines_of(tb, &nb);
    struct edit *e = script(a, na, b, nb, &ne);
    struct mc_buf out = MC_BUF_INIT;
    size_t k = 0;
    bool header = false;
    size_t ctx = context < 0 ? 0 : (size_t)context;
    while (k < ne) {
        /* Find the next change. */
        size_t c = k;
        while (c < ne && e[c].op == KEEP)
            c++;
        if (c == ne)
            break;
        size_t start = c > ctx && c - ctx > k ? c - ctx : k;
        if (start < k)
            start = k;
        /* Extend the hunk while changes are within 2*ctx of each other. */
        size_t end = c;
        for (;;) {
            while (end < ne && e[end].op != KEEP)
                end++;
            size_t keep = end;
            while (keep < ne && e[keep].op == KEEP && keep - end < 2 * ctx + 1)
                keep++;
            if (keep < ne && e[keep].op != KEEP && keep - end <= 2 * ctx) {
                end = keep;
                continue;
            }
            end = end + ctx < ne ? end + ctx : ne;
            break;
        }
        size_t a0 = e[start].ai, b0 = e[start].bi, alen = 0, blen = 0;
        for (size_t x = start; x < end; x++) {
            alen += e[x].op != ADD;
            blen += e[x].op != DEL;
        }
        if (!header) {
            mc_buf_printf(&out, "--- %s\n+++ %s\n", label_a, label_b);
            header = true;
        }
        /* GNU diff's form: a range of one line is its number alone. */
        mc_buf_printf(&out, "@@ -%zu", alen ? a0 + 1 : a0);
        if (alen != 1)
            mc_buf_printf(&out, ",%zu", alen);
        mc_buf_printf(&out, " +%zu", blen ? b0 + 1 : b0);
        if (blen != 1)
            mc_buf_printf(&out, ",%zu", blen);
        mc_buf_puts(&out, " @@\n");
        for (size_t x = start; x < end; x++) {
            switch (e[x].op) {
            case KEEP:
                mc_buf_printf(&out, " %s\n", a[e[x].ai]);
                break;
            case DEL:
                mc_buf_printf(&out, "-%s\n", a[e[x].ai]);
                break;
            case ADD:
                mc_buf_printf(&out, "+%s\n", b[e[x].bi]);
                break;
            }
        }
        k = end;
    }
    free(e);
    mc_strv_free(a);
    mc_strv_free(b);
    return mc_buf_steal(&out);
}
