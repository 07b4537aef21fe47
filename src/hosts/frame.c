/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* n bytes (NULs included) and a terminating NUL. */
static char *memdup0(const char *p, size_t n)
{
    char *d = mc_xmalloc(n + 1);
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static void drop_front(struct mc_buf *b, size_t n)
{
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

int mc_frame_take_line(struct mc_buf *b, char **ret)
{
    char *nl = b->data ? memchr(b->data, '\n', b->len) : NULL;
    if (!nl)
        return 0;
    size_t n = (size_t)(nl - b->data);
    bool nul = memchr(b->data, '\0', n) != NULL;
    if (!nul)
        *ret = memdup0(b->data, n);
    drop_front(b, n + 1);
    return nul ? -EBADMSG : 1;
}

int mc_frame_take_body(struct mc_buf *b, const char *boundary, bool xml, char **ret,
                       size_t *ret_len)
{
    if (!b->data)
        return 0;
    _cleanup_free_ char *end = mc_xasprintf("\n--%s END\n", boundary);
    size_t endlen = strlen(end);
    size_t body_len, consumed; /* bytes before the end line's newline; through the end line */
    char *hit = memmem(b->data, b->len, end, endlen);
    if (b->len >= endlen - 1 && memcmp(b->data, end + 1, endlen - 1) == 0) {
        body_len = 0; /* the end line first: an empty body */
        consumed = endlen - 1;
    } else if (hit) {
        body_len = (size_t)(hit - b->data);
        consumed = body_len + endlen;
    } else {
        return 0;
    }
    if (xml) {
        bool nul = memchr(b->data, '\0', body_len) != NULL;
        if (!nul) {
            *ret = memdup0(b->data, body_len);
            *ret_len = body_len;
        }
        drop_front(b, consumed);
        return nul ? -EBADMSG : 1;
    }
    *ret = memdup0(b->data, consumed);
    *ret_len = consumed;
    drop_front(b, consumed);
    return 1;
}
