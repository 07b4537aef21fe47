/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The report for people: a header naming the domain and the hosts, the
 * findings grouped by area (one line each, the hint under every problem),
 * notes, and the verdict with its counts. Everything a host sent is escaped
 * before it reaches the terminal; lines are wrapped at spaces to the width the
 * caller gives (the terminal's), 100 columns by default. -q keeps the header
 * line, so a loop over many pairs stays readable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-util.h"
#include "render.h"
#include "util/xalloc.h"

#define WIDTH_DEFAULT 100
#define STATUS_COLS   7  /* "UNKNOWN" */
#define ID_COLS_MAX   24 /* longer ids push their message further right */

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"

static const char *const status_color[_MC_STATUS_MAX] = {
    [MC_STATUS_PASS] = "\033[32m",    [MC_STATUS_WARN] = "\033[33m",
    [MC_STATUS_FAIL] = "\033[1;31m",  [MC_STATUS_SKIP] = "\033[2m",
    [MC_STATUS_UNKNOWN] = "\033[35m",
};

struct ctx {
    struct mc_buf out;
    const struct mc_render_opts *o;
    size_t id_cols;
    size_t width;
};

static void colored(struct ctx *c, const char *color, const char *text)
{
    if (c->o->color)
        mc_buf_printf(&c->out, "%s%s%s", color, text, C_RESET);
    else
        mc_buf_puts(&c->out, text);
}

static void spaces(struct mc_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mc_buf_putc(b, ' ');
}

/* "label: text" under a finding, wrapped at the message column. */
static void sub_line(struct ctx *c, size_t indent, const char *label, const char *text)
{
    _cleanup_free_ char *esc = mc_render_escaped(text);
    /* The label and the first word stay on one line. */
    spaces(&c->out, indent);
    mc_buf_printf(&c->out, "%s: ", label);
    mc_render_wrap(&c->out, esc, indent + strlen(label) + 2, indent + strlen(label) + 2, c->width);
    mc_buf_putc(&c->out, '\n');
}

static bool is_problem(enum mc_status s)
{
    return s == MC_STATUS_WARN || s == MC_STATUS_FAIL || s == MC_STATUS_UNKNOWN;
}

static void finding(struct ctx *c, const struct mc_finding *f)
{
    const char *label = mc_status_label(f->status);
    _cleanup_free_ char *id = mc_render_escaped(f->rule);
    mc_buf_puts(&c->out, "  ");
    colored(c, status_color[f->status < _MC_STATUS_MAX ? f->status : MC_STATUS_UNKNOWN], label);
    spaces(&c->out, STATUS_COLS - strlen(label) + 2);
    mc_buf_puts(&c->out, id);
    size_t idw = mc_render_width(id);
    size_t col = 2 + STATUS_COLS + 2 + (idw > c->id_cols ? idw : c->id_cols) + 2;
    spaces(&c->out, col - (2 + STATUS_COLS + 2 + idw));
    _cleanup_free_ char *msg = mc_render_escaped(f->message ? f->message : "");
    mc_render_wrap(&c->out, msg, col, col, c->width);
    mc_buf_putc(&c->out, '\n');

    if (is_problem(f->status)) {
        if (f->hint)
            sub_line(c, col, "hint", f->hint);
        if (f->fix)
            sub_line(c, col, "fix", mc_fix_name(f->fix));
    }
    if (c->o->verbose > 0 && f->evidence)
        sub_line(c, col, "evidence", f->evidence);
}

static void counts_text(const struct mc_report *r, struct mc_buf *b)
{
    static const enum mc_status order[] = { MC_STATUS_PASS, MC_STATUS_WARN, MC_STATUS_FAIL,
                                            MC_STATUS_SKIP, MC_STATUS_UNKNOWN };
    bool any = false;
    mc_buf_puts(b, "(");
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        size_t n = r->counts[order[i]];
        if (!n)
            continue;
        mc_buf_printf(b, "%s%zu %s", any ? ", " : "", n, mc_status_name(order[i]));
        any = true;
    }
    if (!any)
        mc_buf_puts(b, "no findings");
    mc_buf_puts(b, ")");
}

static void verdict(struct ctx *c, const struct mc_report *r)
{
    _cleanup_buf_ struct mc_buf counts = MC_BUF_INIT;
    counts_text(r, &counts);
    _cleanup_free_ char *word = NULL;
    const char *color;
    if (r->verdict == MC_VERDICT_MIGRATABLE) {
        word = mc_xstrdup("migratable");
        color = "\033[1;32m";
    } else if (r->verdict == MC_VERDICT_BLOCKED) {
        size_t problems = r->counts[MC_STATUS_FAIL] + (r->strict ? r->counts[MC_STATUS_WARN] : 0);
        word = mc_xasprintf("BLOCKED: %zu problem%s", problems, problems == 1 ? "" : "s");
        color = "\033[1;31m";
    } else {
        size_t n = 0;
        for (size_t i = 0; i < r->findings.n; i++)
            if (r->findings.items[i].status == MC_STATUS_UNKNOWN &&
                mc_render_finding_blocks(r, &r->findings.items[i]))
                n++;
        if (n)
            word = mc_xasprintf("UNKNOWN: could not decide: %zu check%s that could block %s "
                                "unknown",
                                n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
        else
            word = mc_xstrdup("UNKNOWN: could not decide");
        color = "\033[1;35m";
    }
    _cleanup_buf_ struct mc_buf rest = MC_BUF_INIT;
    mc_buf_puts(&rest, counts.data);
    if (r->strict)
        mc_buf_puts(&rest, ", strict");
    if (r->partial)
        mc_buf_printf(&rest, "; only %zu of %zu rules ran (--rule, --skip-rule)", r->rules_run,
                      r->rules_total);
    if (c->o->verbose > 1 && r->seconds > 0)
        mc_buf_printf(&rest, ", %.2f s", r->seconds);
    /* "Verdict: WORDS (counts)", wrapped like everything else (the counts as one piece);
     * continuation lines start under the verdict word. Each word of the verdict is coloured on its
     * own, so a line break never falls inside a colour sequence. */
    const size_t indent = strlen("Verdict: ");
    mc_buf_puts(&c->out, "Verdict:");
    size_t col = indent - 1;
    const char *segs[2] = { word, rest.data };
    for (int s = 0; s < 2; s++)
        for (const char *p = segs[s]; *p;) {
            while (*p == ' ')
                p++;
            if (!*p)
                break;
            /* The counts stay together: "(15 pass, 10 skip, 14 unknown)". */
            size_t wl = s == 0 ? strcspn(p, " ") : strlen(p);
            _cleanup_free_ char *w = mc_xstrndup(p, wl);
            size_t ww = mc_render_width(w);
            if (col > indent - 1 && col + 1 + ww > c->width) {
                mc_buf_putc(&c->out, '\n');
                spaces(&c->out, indent);
                col = indent;
            } else {
                mc_buf_putc(&c->out, ' ');
                col++;
            }
            if (s == 0)
                colored(c, color, w);
            else
                mc_buf_puts(&c->out, w);
            col += ww;
            p += wl;
        }
    mc_buf_putc(&c->out, '\n');
}

static void header(struct ctx *c, const struct mc_report *r)
{
    _cleanup_free_ char *dom = mc_render_escaped(r->domain ? r->domain : "?");
    _cleanup_free_ char *src = mc_render_escaped(r->source ? r->source : "source");
    _cleanup_free_ char *dst = mc_render_escaped(r->destination ? r->destination : "destination");
    _cleanup_buf_ struct mc_buf line = MC_BUF_INIT;
    mc_buf_printf(&line, "Domain %s: %s", dom, src);
    if (r->src_agent) {
        _cleanup_free_ char *a = mc_render_escaped(r->src_agent);
        mc_buf_printf(&line, " (%s)", a);
    }
    mc_buf_printf(&line, " -> %s", dst);
    if (r->dst_agent) {
        _cleanup_free_ char *a = mc_render_escaped(r->dst_agent);
        mc_buf_printf(&line, " (%s)", a);
    }
    if (c->o->color)
        mc_buf_puts(&c->out, C_BOLD);
    mc_render_wrap(&c->out, line.data, 0, 4, c->width);
    if (c->o->color)
        mc_buf_puts(&c->out, C_RESET);
    mc_buf_putc(&c->out, '\n');
}

int mc_render_text(const struct mc_report *r, FILE *f, const struct mc_render_opts *o)
{
    struct mc_render_opts dflt = { 0 };
    struct ctx c = { .out = MC_BUF_INIT, .o = o ? o : &dflt };
    c.width = c.o->width ? c.o->width : WIDTH_DEFAULT;
    _cleanup_free_ size_t *order = mc_render_order(r);

    for (size_t i = 0; i < r->findings.n; i++) {
        const struct mc_finding *x = &r->findings.items[i];
        if (c.o->quiet && !is_problem(x->status))
            continue;
        size_t w = mc_render_width(x->rule ? x->rule : "");
        if (w > c.id_cols && w <= ID_COLS_MAX)
            c.id_cols = w;
    }

    if (!c.o->no_header)
        header(&c, r);
    char area[32] = "", buf[32];
    size_t shown = 0;
    for (size_t k = 0; k < r->findings.n; k++) {
        const struct mc_finding *x = &r->findings.items[order[k]];
        if (c.o->quiet && !is_problem(x->status))
            continue;
        const char *a = mc_rule_area(x->rule ? x->rule : "", buf);
        if (!c.o->quiet && (shown == 0 || strcmp(area, a) != 0)) {
            _cleanup_free_ char *title = mc_render_escaped(mc_render_area_title(a));
            mc_buf_printf(&c.out, "\n%s\n", title);
            snprintf(area, sizeof(area), "%s", a);
        }
        finding(&c, x);
        shown++;
    }

    if (!c.o->quiet && r->notes) {
        mc_buf_putc(&c.out, '\n');
        for (char **n = r->notes; *n; n++)
            sub_line(&c, 0, "Note", *n);
    }
    if (!c.o->quiet || shown)
        mc_buf_putc(&c.out, '\n');
    verdict(&c, r);

    int ret = mc_render_write(f, c.out.data, c.out.len);
    mc_buf_free(&c.out);
    return ret;
}
