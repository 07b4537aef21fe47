/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

size_t mc_utf8_decode(const unsigned char *p, uint32_t *ret)
{
    uint32_t c;
    size_t n;
    if (p[0] < 0x80) {
        c = p[0];
        n = 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        c = p[0] & 0x1f;
        n = 2;
    } else if ((p[0] & 0xf0) == 0xe0) {
        c = p[0] & 0x0f;
        n = 3;
    } else if ((p[0] & 0xf8) == 0xf0) {
        c = p[0] & 0x07;
        n = 4;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates, out of range. */
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *ret = c;
    return n;
}

/* One character XML 1.0 can carry: its length, or 0. */
static size_t decode(const unsigned char *p, uint32_t *ret)
{
    uint32_t c;
    size_t n = mc_utf8_decode(p, &c);
    if (!n || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
        return 0;
    *ret = c;
    return n;
}

bool mc_utf8_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        size_t n = decode(p, &c);
        if (!n)
            return false;
        p += n;
    }
    return true;
}

char *mc_utf8_clean(const char *s)
{
    if (mc_utf8_is_clean(s))
        return mc_xstrdup(s);
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        size_t n = decode(p, &c);
        if (n) {
            mc_buf_append(&b, p, n);
            p += n;
        } else {
            mc_buf_puts(&b, "\xef\xbf\xbd");
            p++;
        }
    }
    return mc_buf_steal(&b);
}

/* Characters a terminal would act on instead of showing, or that reorder text. */
static bool unsafe(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c || c == 0xfeff;
}

void mc_utf8_escape(struct mc_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t c;
        size_t n = mc_utf8_decode(p, &c);
        if (n == 0) {
            mc_buf_printf(b, "\\x%02x", *p);
            p++;
            continue;
        }
        if (!unsafe(c)) {
            mc_buf_append(b, p, n);
        } else if (c == '\n') {
            mc_buf_puts(b, "\\n");
        } else if (c == '\t') {
            mc_buf_puts(b, "\\t");
        } else if (c == '\r') {
            mc_buf_puts(b, "\\r");
        } else if (c < 0x100) {
            mc_buf_printf(b, "\\x%02x", (unsigned)c);
        } else {
            mc_buf_printf(b, "\\u{%04x}", (unsigned)c);
        }
        p += n;
    }
}

char *mc_utf8_escaped(const char *s)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_utf8_escape(&b, s);
    return mc_buf_steal(&b);
}
