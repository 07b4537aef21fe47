/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "render-util.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

const struct mc_render_area mc_render_areas[] = {
    { "host", "Hosts" },      { "vm", "Domain" },           { "cpu", "CPU" },
    { "virt", "Hypervisor" }, { "os", "Host OS" },          { "storage", "Storage" },
    { "net", "Network" },     { "migration", "Migration" }, { "site", "Site policy" },
    { NULL, NULL },
};

const char *mc_render_area_title(const char *area)
{
    for (const struct mc_render_area *a = mc_render_areas; a->area; a++)
        if (strcmp(a->area, area) == 0)
            return a->title;
    return area;
}

void mc_render_escape(struct mc_buf *b, const char *s)
{
    mc_utf8_escape(b, s);
}

char *mc_render_escaped(const char *s)
{
    return mc_utf8_escaped(s);
}

size_t mc_render_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            w++;
    return w;
}

static size_t width_n(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

void mc_render_wrap(struct mc_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
    const char *p = text ? text : "";
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " ");
        size_t ww = width_n(p, wl);
        if (!first && col + 1 + ww > width) {
            mc_buf_putc(b, '\n');
            for (size_t i = 0; i < indent; i++)
                mc_buf_putc(b, ' ');
            col = indent;
        } else if (!first) {
            mc_buf_putc(b, ' ');
            col++;
        }
        mc_buf_append(b, p, wl);
        col += ww;
        p += wl;
        first = false;
    }
}

static const char *area_of(const struct mc_finding *f, char buf[static 32])
{
    return mc_rule_area(f->rule ? f->rule : "", buf);
}

size_t *mc_render_order(const struct mc_report *r)
{
    size_t n = r->findings.n, k = 0;
    size_t *order = mc_new0(size_t, n + 1);
    bool *done = mc_new0(bool, n + 1);
    char buf[32], buf2[32];
    for (const struct mc_render_area *a = mc_render_areas; a->area; a++)
        for (size_t i = 0; i < n; i++)
            if (!done[i] && strcmp(area_of(&r->findings.items[i], buf), a->area) == 0) {
                order[k++] = i;
                done[i] = true;
            }
    /* Areas not in the list, grouped in order of first appearance. */
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        area_of(&r->findings.items[i], buf);
        for (size_t j = i; j < n; j++)
            if (!done[j] && strcmp(area_of(&r->findings.items[j], buf2), buf) == 0) {
                order[k++] = j;
                done[j] = true;
            }
    }
    free(done);
    return order;
}

bool mc_render_finding_blocks(const struct mc_report *r, const struct mc_finding *f)
{
    switch (f->status) {
    case MC_STATUS_FAIL:
        return true;
    case MC_STATUS_WARN:
        return r->strict;
    case MC_STATUS_UNKNOWN:
        return r->strict || f->severity == MC_SEV_FAIL;
    default:
        return false;
    }
}

int mc_render_write(FILE *f, const char *data, size_t len)
{
    errno = 0;
    size_t w = len ? fwrite(data, 1, len, f) : 0;
    if (w != len || ferror(f))
        return errno > 0 ? -errno : -EIO;
    if (fflush(f) != 0 || ferror(f))
        return errno > 0 ? -errno : -EIO;
    return 0;
}
