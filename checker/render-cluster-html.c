/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster as one self-contained HTML page: no scripts from elsewhere, no
 * fonts, no images, only inline CSS, so it works from a file and from a CI
 * server's artefacts. A heat map of host pairs (each cell the share of the
 * source's domains that can move to the destination), what splits the
 * cluster, the drain plan, and every domain with a bar of its destinations
 * and, folded, the causes with check's messages. Every string is escaped;
 * characters HTML cannot carry become U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-cluster.h"
#include "render-util.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static void esc(struct mc_buf *b, const char *s)
{
    if (!s)
        return;
    _cleanup_free_ char *clean = mc_utf8_clean(s);
    for (const char *p = clean; *p; p++) {
        switch (*p) {
        case '&':
            mc_buf_puts(b, "&amp;");
            break;
        case '<':
            mc_buf_puts(b, "&lt;");
            break;
        case '>':
            mc_buf_puts(b, "&gt;");
            break;
        case '"':
            mc_buf_puts(b, "&quot;");
            break;
        case '\'':
            mc_buf_puts(b, "&#39;");
            break;
        default:
            mc_buf_putc(b, *p);
        }
    }
}

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2430;"
    "background:#f6f7f9}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}"
    ".sub{color:#5b6575;margin-bottom:16px}"
    ".tiles{display:flex;gap:12px;flex-wrap:wrap}"
    ".tile{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 2px #0002;"
    "min-width:110px}.tile b{display:block;font-size:24px}"
    ".ok{color:#1a7f37}.bad{color:#c62828}.unk{color:#8a4baf}.warn{color:#b26a00}"
    ".card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002;"
    "overflow:auto}"
    "table.matrix{border-collapse:separate;border-spacing:2px}"
    "table.matrix th{font-weight:500;font-size:12px;color:#394150;white-space:nowrap}"
    "table.matrix thead th{height:90px;vertical-align:bottom}"
    "table.matrix thead th div{transform:rotate(-55deg);transform-origin:left bottom;width:18px;"
    "margin-left:12px}"
    "td.cell{width:30px;height:22px;border-radius:3px;text-align:center;font-size:11px;"
    "color:#fff}"
    "td.full{background:#2e9d4f}td.most{background:#8cc665}td.some{background:#f0b429}"
    "td.none{background:#d64545}td.self{background:#e3e6ea}td.empty{background:#c9ced6}"
    ".legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 "
    "12px;"
    "vertical-align:-2px}"
    "table.vms{border-collapse:collapse;width:100%}"
    "table.vms td,table.vms th{padding:6px 8px;border-bottom:1px solid #e6e8eb;text-align:left;"
    "vertical-align:top}table.vms td:first-child{white-space:nowrap}"
    ".bar{display:flex;height:12px;width:220px;border-radius:3px;overflow:hidden;background:#"
    "e3e6ea}"
    ".bar i{display:block;height:100%}.bar .o{background:#2e9d4f}.bar .w{background:#f0b429}"
    ".bar .b{background:#d64545}.bar .u{background:#8a4baf}"
    "details{margin:2px 0}summary{cursor:pointer}"
    ".cause{margin:4px 0 4px 16px}.rule{font-family:ui-monospace,monospace;font-size:12px;"
    "background:#eef1f5;border-radius:3px;padding:0 4px}"
    ".hosts{color:#5b6575}.msg{color:#394150}"
    "ul.splits li{margin:3px 0}";

static const char *cell_class(uint32_t ok, size_t of)
{
    if (!of)
        return "empty";
    if (ok == of)
        return "full";
    if (ok == 0)
        return "none";
    return ok * 2 >= of ? "most" : "some";
}

static void hosts_text(struct mc_buf *b, const struct mc_cluster *c, const uint32_t *h, size_t n,
                       size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        if (i)
            mc_buf_puts(b, ", ");
        esc(b, c->hosts[h[i]].name);
    }
    if (n > max)
        mc_buf_printf(b, " and %zu more", n - max);
}

static void matrix(struct mc_buf *b, const struct mc_cluster_view *v)
{
    const struct mc_cluster *c = v->c;
    size_t n = c->n_hosts;
    size_t *of = mc_xcalloc(n ? n : 1, sizeof(*of));
    for (size_t i = 0; i < c->n_vms; i++)
        of[c->vms[i].host]++;
    mc_buf_puts(b, "<h2>Host pairs</h2><div class=\"card\"><div class=\"legend\">Each cell: the "
                   "share of the row host's domains that can live-migrate to the column host."
                   "<span style=\"background:#2e9d4f\"></span>all"
                   "<span style=\"background:#8cc665\"></span>half or more"
                   "<span style=\"background:#f0b429\"></span>less than half"
                   "<span style=\"background:#d64545\"></span>none"
                   "<span style=\"background:#c9ced6\"></span>no domains</div>"
                   "<table class=\"matrix\" id=\"matrix\"><thead><tr><th></th>");
    for (size_t d = 0; d < n; d++) {
        mc_buf_puts(b, "<th><div>");
        esc(b, c->hosts[d].name);
        mc_buf_puts(b, "</div></th>");
    }
    mc_buf_puts(b, "</tr></thead><tbody>");
    for (size_t s = 0; s < n; s++) {
        mc_buf_puts(b, "<tr><th>");
        esc(b, c->hosts[s].name);
        mc_buf_puts(b, "</th>");
        for (size_t d = 0; d < n; d++) {
            if (d == s) {
                mc_buf_puts(b, "<td class=\"cell self\" title=\"");
                esc(b, c->hosts[s].name);
                mc_buf_puts(b, "\"></td>");
                continue;
            }
            uint32_t ok = c->migratable[s * n + d];
            mc_buf_printf(b, "<td class=\"cell %s\" title=\"", cell_class(ok, of[s]));
            esc(b, c->hosts[s].name);
            mc_buf_puts(b, " \xe2\x86\x92 ");
            esc(b, c->hosts[d].name);
            mc_buf_printf(b, ": %u of %zu domains\">", ok, of[s]);
            if (n <= 30 && of[s])
                mc_buf_printf(b, "%u", ok);
            mc_buf_puts(b, "</td>");
        }
        mc_buf_puts(b, "</tr>");
    }
    mc_buf_puts(b, "</tbody></table></div>");
    free(of);
}

static void splits(struct mc_buf *b, const struct mc_cluster_view *v)
{
    if (!v->n_splits)
        return;
    mc_buf_puts(b, "<h2>What splits the cluster</h2><div class=\"card\"><ul class=\"splits\">");
    for (size_t i = 0; i < v->n_splits; i++) {
        const struct mc_split *s = &v->splits[i];
        mc_buf_puts(b, "<li><b>");
        esc(b, s->fact);
        mc_buf_puts(b, "</b>: ");
        for (size_t k = 0; k < s->n_values; k++) {
            if (k)
                mc_buf_puts(b, "; ");
            esc(b, s->values[k].value);
            mc_buf_puts(b, " <span class=\"hosts\">(");
            if (k == 0 && s->values[k].n_hosts > 3)
                mc_buf_printf(b, "%zu hosts", s->values[k].n_hosts);
            else
                hosts_text(b, v->c, s->values[k].hosts, s->values[k].n_hosts, 8);
            mc_buf_puts(b, ")</span>");
        }
        mc_buf_puts(b, "</li>");
    }
    mc_buf_puts(b, "</ul></div>");
}

static void drain(struct mc_buf *b, const struct mc_cluster_view *v)
{
    const struct mc_drain_plan *p = v->drain;
    const struct mc_cluster *c = v->c;
    if (!p)
        return;
    mc_buf_puts(b, "<h2>Draining ");
    esc(b, c->hosts[p->host].name);
    mc_buf_printf(b,
                  "</h2><div class=\"card\"><p>%zu placed, <span class=\"%s\">%zu "
                  "stranded</span></p><table class=\"vms\"><tr><th>domain</th><th>goes "
                  "to</th></tr>",
                  p->n_placed, p->n_stranded ? "bad" : "ok", p->n_stranded);
    for (size_t i = 0; i < p->n_placed; i++) {
        mc_buf_puts(b, "<tr><td>");
        esc(b, c->vms[p->placed[i].vm].facts->name);
        mc_buf_puts(b, "</td><td class=\"ok\">");
        esc(b, c->hosts[p->placed[i].dst].name);
        mc_buf_puts(b, "</td></tr>");
    }
    for (size_t i = 0; i < p->n_stranded; i++) {
        mc_buf_puts(b, "<tr><td>");
        esc(b, c->vms[p->stranded[i].vm].facts->name);
        mc_buf_puts(b, "</td><td class=\"bad\">stranded: ");
        esc(b, p->stranded[i].reason);
        mc_buf_puts(b, "</td></tr>");
    }
    mc_buf_puts(b, "</table></div>");
}

static void domain_row(struct mc_buf *b, const struct mc_cluster_view *v, size_t vi)
{
    const struct mc_cluster *c = v->c;
    const struct mc_cluster_vm *cv = &c->vms[vi];
    size_t dests = 0;
    for (size_t g = 0; g < cv->n_groups; g++)
        dests += cv->groups[g].n_hosts;
    size_t ok = cv->counts[MC_CELL_MIGRATABLE];
    size_t warn = ok - cv->n_clean;
    mc_buf_puts(b, "<tr><td><b>");
    esc(b, cv->facts->name);
    mc_buf_puts(b, "</b><br><span class=\"hosts\">on ");
    esc(b, c->hosts[cv->host].name);
    mc_buf_printf(b, "</span></td><td>%zu of %zu hosts<div class=\"bar\">", ok, dests);
    double d = dests ? (double)dests : 1;
    mc_buf_printf(b,
                  "<i class=\"o\" style=\"width:%.1f%%\"></i><i class=\"w\" style=\"width:%.1f%%\">"
                  "</i><i class=\"b\" style=\"width:%.1f%%\"></i><i class=\"u\" "
                  "style=\"width:%.1f%%\"></i></div></td><td>",
                  100.0 * (double)cv->n_clean / d, 100.0 * (double)warn / d,
                  100.0 * (double)cv->counts[MC_CELL_BLOCKED] / d,
                  100.0 * (double)cv->counts[MC_CELL_UNKNOWN] / d);
    for (size_t g = 0; g < cv->n_groups; g++) {
        const struct mc_cluster_group *gr = &cv->groups[g];
        const struct mc_cluster_result *r = &c->results[gr->result];
        if (!r->n_causes)
            continue;
        const char *cls = r->verdict == MC_CELL_BLOCKED   ? "bad"
                          : r->verdict == MC_CELL_UNKNOWN ? "unk"
                                                          : "warn";
        const char *what = r->verdict == MC_CELL_BLOCKED   ? "blocked on"
                           : r->verdict == MC_CELL_UNKNOWN ? "unknown for"
                                                           : "warnings on";
        mc_buf_printf(b, "<details><summary><span class=\"%s\">%s</span> ", cls, what);
        hosts_text(b, c, gr->hosts, gr->n_hosts, 8);
        mc_buf_puts(b, ":");
        for (size_t k = 0; k < r->n_causes; k++) {
            mc_buf_puts(b, " <span class=\"rule\">");
            esc(b, r->causes[k].rule);
            mc_buf_puts(b, "</span>");
        }
        mc_buf_puts(b, "</summary>");
        struct mc_cluster_result tmp = { 0 };
        size_t dst;
        const struct mc_cluster_result *m = mc_cluster_group_causes(v, vi, g, &tmp, &dst);
        for (size_t i = 0; i < m->n_causes; i++) {
            const struct mc_cluster_cause *f = &m->causes[i];
            mc_buf_printf(b,
                          "<div class=\"cause\"><span class=\"%s\">%s</span> "
                          "<span class=\"rule\">",
                          f->status == MC_STATUS_FAIL   ? "bad"
                          : f->status == MC_STATUS_WARN ? "warn"
                                                        : "unk",
                          mc_status_label(f->status));
            esc(b, f->rule);
            mc_buf_puts(b, "</span> <span class=\"msg\">");
            esc(b, f->message);
            mc_buf_puts(b, "</span></div>");
        }
        if (gr->n_hosts > 1) {
            mc_buf_puts(b, "<div class=\"cause hosts\">as judged for ");
            esc(b, c->hosts[dst].name);
            mc_buf_puts(b, "; the other hosts of this group have the same causes</div>");
        }
        mc_cluster_result_clear(&tmp);
        mc_buf_puts(b, "</details>");
    }
    mc_buf_puts(b, "</td></tr>");
}

int mc_render_cluster_html(const struct mc_cluster_view *v, FILE *f)
{
    const struct mc_cluster *c = v->c;
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    size_t total[_MC_CELL_MAX], clean;
    mc_cluster_totals(c, total, &clean);
    mc_buf_printf(&b,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width\">"
                  "<title>migcheck cluster: %zu hosts, %zu domains</title><style>%s</style>"
                  "</head><body>\n",
                  c->n_hosts, c->n_vms, style);
    mc_buf_printf(&b, "<h1>Live migration across %zu hosts</h1><div class=\"sub\">", c->n_hosts);
    esc(&b, v->source);
    mc_buf_printf(&b, "; %zu host classes, %zu domain classes</div>", c->n_host_classes,
                  c->n_vm_classes);
    mc_buf_printf(&b,
                  "<div class=\"tiles\"><div class=\"tile\"><b>%zu</b>domains</div>"
                  "<div class=\"tile\"><b class=\"ok\">%zu</b>migratable cells</div>"
                  "<div class=\"tile\"><b class=\"warn\">%zu</b>with warnings</div>"
                  "<div class=\"tile\"><b class=\"bad\">%zu</b>blocked</div>"
                  "<div class=\"tile\"><b class=\"unk\">%zu</b>unknown</div></div>\n",
                  c->n_vms, total[MC_CELL_MIGRATABLE], total[MC_CELL_MIGRATABLE] - clean,
                  total[MC_CELL_BLOCKED], total[MC_CELL_UNKNOWN]);
    for (size_t i = 0; i < c->n_hosts; i++)
        if (c->hosts[i].unreachable) {
            mc_buf_puts(&b, "<p class=\"unk\">Could not gather ");
            esc(&b, c->hosts[i].name);
            if (c->hosts[i].facts->n_errors) {
                mc_buf_puts(&b, ": ");
                esc(&b, c->hosts[i].facts->errors[0].message);
            }
            mc_buf_puts(&b, "</p>");
        }
    drain(&b, v);
    matrix(&b, v);
    splits(&b, v);
    mc_buf_puts(&b, "<h2>Domains</h2><div class=\"card\"><table class=\"vms\"><tr><th>domain</th>"
                    "<th>can go to</th><th>where not, and why</th></tr>");
    for (size_t i = 0; i < c->n_vms; i++)
        domain_row(&b, v, i);
    mc_buf_puts(&b, "</table></div>\n</body></html>\n");
    return mc_render_write(f, b.data, b.len);
}
