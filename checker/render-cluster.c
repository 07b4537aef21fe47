/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text, JSON and JUnit output of `migcheck cluster` (HTML: render-cluster-html.c). */
#include "render-cluster.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "render-util.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "xml-util.h"

#define C_RESET   "\033[0m"
#define C_BOLD    "\033[1m"
#define C_GREEN   "\033[32m"
#define C_YELLOW  "\033[33m"
#define C_RED     "\033[1;31m"
#define C_MAGENTA "\033[35m"
#define C_DIM     "\033[2m"

void mc_drain_plan_clear(struct mc_drain_plan *p)
{
    for (size_t i = 0; i < p->n_stranded; i++)
        free(p->stranded[i].reason);
    free(p->stranded);
    free(p->placed);
    memset(p, 0, sizeof(*p));
}

void mc_cluster_group_report(const struct mc_cluster_view *v, size_t vm, size_t group,
                             struct mc_report *ret, size_t *ret_dst)
{
    const struct mc_cluster_group *g = &v->c->vms[vm].groups[group];
    size_t dst = g->hosts[0];
    mc_cluster_cell_report(v->c, v->o, vm, dst, ret);
    if (ret_dst)
        *ret_dst = dst;
}

static const struct mc_cluster_result *group_result(const struct mc_cluster_view *v,
                                                    const struct mc_cluster_group *g)
{
    return &v->c->results[g->result];
}

void mc_cluster_totals(const struct mc_cluster *c, size_t total[_MC_CELL_MAX], size_t *ret_clean)
{
    size_t clean = 0;
    for (int k = 0; k < _MC_CELL_MAX; k++)
        total[k] = 0;
    for (size_t i = 0; i < c->n_vms; i++) {
        for (int k = 0; k < _MC_CELL_MAX; k++)
            total[k] += c->vms[i].counts[k];
        clean += c->vms[i].n_clean;
    }
    *ret_clean = clean;
}

const struct mc_cluster_result *mc_cluster_group_causes(const struct mc_cluster_view *v, size_t vi,
                                                        size_t gi, struct mc_cluster_result *tmp,
                                                        size_t *ret_dst)
{
    const struct mc_cluster_group *g = &v->c->vms[vi].groups[gi];
    /* a result of this group judged on this very domain? */
    for (size_t h = 0; h < g->n_hosts; h++) {
        const struct mc_cluster_result *r = NULL;
        mc_cluster_cell_verdict(v->c, vi, g->hosts[h], &r);
        if (r && r->rep_vm == vi && r->rep_dst == g->hosts[h]) {
            *ret_dst = g->hosts[h];
            return r;
        }
        if (h >= 8)
            break; /* enough looking: judge the first host again */
    }
    struct mc_report rep = { 0 };
    mc_cluster_group_report(v, vi, gi, &rep, ret_dst);
    mc_cluster_summarize(&rep, v->c->vms[vi].facts, tmp);
    mc_report_clear(&rep);
    return tmp;
}

/* Groups of a domain in the order to show them: blocked, unknown, warnings; clean last. */
static int group_rank(const struct mc_cluster_view *v, const struct mc_cluster_group *g)
{
    const struct mc_cluster_result *r = group_result(v, g);
    if (r->verdict == MC_CELL_BLOCKED)
        return 0;
    if (r->verdict == MC_CELL_UNKNOWN)
        return 1;
    return r->n_causes ? 2 : 3;
}

static size_t *group_order(const struct mc_cluster_view *v, const struct mc_cluster_vm *cv)
{
    size_t *o = mc_xmalloc(sizeof(*o) * (cv->n_groups + 1));
    size_t k = 0;
    for (int rank = 0; rank < 4; rank++)
        for (size_t g = 0; g < cv->n_groups; g++)
            if (group_rank(v, &cv->groups[g]) == rank)
                o[k++] = g;
    return o;
}

static const char *cause_subject(const struct mc_cluster_cause *k, const struct mc_cluster_vm *cv)
{
    if (k->names_vm)
        return cv->facts->name ? cv->facts->name : "?";
    return k->subject;
}

/* ---- text ---- */

struct tctx {
    const struct mc_cluster_view *v;
    struct mc_buf out;
};

static void col(struct tctx *t, const char *color, const char *text)
{
    if (t->v->color)
        mc_buf_printf(&t->out, "%s%s%s", color, text, C_RESET);
    else
        mc_buf_puts(&t->out, text);
}

/* "a, b, c and 12 more" (escaped) */
static void host_list(const struct mc_cluster *c, const uint32_t *hosts, size_t n, size_t max,
                      struct mc_buf *b)
{
    for (size_t i = 0; i < n && i < max; i++) {
        if (i)
            mc_buf_puts(b, ", ");
        mc_render_escape(b, c->hosts[hosts[i]].name);
    }
    if (n > max)
        mc_buf_printf(b, " and %zu more", n - max);
}

/*
 * "rule: subject, subject; rule" (escaped); warnings only when with_warn. The domain's own name
 * is not repeated as a subject, and rules that could not decide for want of facts (UNKNOWN
 * without a subject) are counted when there are more than two.
 */
static void causes_text(const struct mc_cluster_result *r, const struct mc_cluster_vm *cv,
                        bool with_warn, struct mc_buf *b)
{
    size_t blind = 0;
    for (size_t i = 0; i < r->n_causes; i++)
        blind += r->causes[i].status == MC_STATUS_UNKNOWN && !r->causes[i].subject &&
                 !r->causes[i].names_vm;
    bool any = false;
    for (size_t i = 0; i < r->n_causes; i++) {
        const struct mc_cluster_cause *k = &r->causes[i];
        if (k->status == MC_STATUS_WARN && !with_warn)
            continue;
        if (blind > 2 && k->status == MC_STATUS_UNKNOWN && !k->subject && !k->names_vm)
            continue;
        bool same_rule = i > 0 && strcmp(r->causes[i - 1].rule, k->rule) == 0 &&
                         r->causes[i - 1].status == k->status;
        const char *subj = k->names_vm ? NULL : k->subject;
        if (same_rule && any) {
            if (subj) {
                mc_buf_puts(b, ", ");
                mc_render_escape(b, subj);
            }
            continue;
        }
        if (any)
            mc_buf_puts(b, "; ");
        any = true;
        mc_render_escape(b, k->rule);
        if (k->status == MC_STATUS_UNKNOWN)
            mc_buf_puts(b, " (unknown)");
        else if (k->status == MC_STATUS_WARN)
            mc_buf_puts(b, " (warning)");
        if (subj) {
            mc_buf_puts(b, ": ");
            mc_render_escape(b, subj);
        }
    }
    if (blind > 2)
        mc_buf_printf(b, "%s%zu rules unknown: facts missing", any ? "; " : "", blind);
    (void)cv;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

struct shown {
    enum mc_cell_verdict verdict;
    char *causes;
    uint32_t *hosts;
    size_t n_hosts;
};

static void text_vm(struct tctx *t, size_t vi)
{
    const struct mc_cluster *c = t->v->c;
    const struct mc_cluster_vm *cv = &c->vms[vi];
    size_t dests = 0;
    for (size_t g = 0; g < cv->n_groups; g++)
        dests += cv->groups[g].n_hosts;
    size_t ok = cv->counts[MC_CELL_MIGRATABLE];
    if (t->v->quiet && ok == dests)
        return;
    bool verbose = t->v->verbose;
    /* Groups as shown: the same causes on screen make one group. */
    struct shown *sh = NULL;
    size_t n_sh = 0;
    _cleanup_free_ size_t *order = group_order(t->v, cv);
    for (size_t i = 0; i < cv->n_groups; i++) {
        const struct mc_cluster_group *g = &cv->groups[order[i]];
        const struct mc_cluster_result *r = group_result(t->v, g);
        if (r->verdict == MC_CELL_MIGRATABLE && (!verbose || !r->n_causes))
            continue;
        _cleanup_buf_ struct mc_buf cb = MC_BUF_INIT;
        causes_text(r, cv, verbose, &cb);
        const char *text = cb.data ? cb.data : "";
        size_t k = 0;
        for (; k < n_sh; k++)
            if (sh[k].verdict == r->verdict && strcmp(sh[k].causes, text) == 0)
                break;
        if (k == n_sh) {
            sh = mc_xrealloc(sh, (n_sh + 1) * sizeof(*sh));
            sh[n_sh++] = (struct shown){ r->verdict, mc_xstrdup(text), NULL, 0 };
        }
        sh[k].hosts = mc_xreallocarray(sh[k].hosts, sh[k].n_hosts + g->n_hosts, sizeof(uint32_t));
        memcpy(sh[k].hosts + sh[k].n_hosts, g->hosts, g->n_hosts * sizeof(uint32_t));
        sh[k].n_hosts += g->n_hosts;
    }
    _cleanup_buf_ struct mc_buf line = MC_BUF_INIT;
    mc_render_escape(&line, cv->facts->name ? cv->facts->name : "?");
    mc_buf_puts(&line, " on ");
    mc_render_escape(&line, c->hosts[cv->host].name);
    mc_buf_printf(&line, ": %zu of %zu hosts", ok, dests);
    if (ok > cv->n_clean && !verbose)
        mc_buf_printf(&line, " (%zu with warnings)", ok - cv->n_clean);
    for (size_t k = 0; k < n_sh; k++) {
        mc_buf_puts(&line, k ? ", " : "; ");
        if (!k || sh[k].verdict != sh[k - 1].verdict)
            mc_buf_puts(&line, sh[k].verdict == MC_CELL_BLOCKED   ? "not "
                               : sh[k].verdict == MC_CELL_UNKNOWN ? "unknown for "
                                                                  : "with warnings on ");
        qsort(sh[k].hosts, sh[k].n_hosts, sizeof(*sh[k].hosts), cmp_u32);
        host_list(c, sh[k].hosts, sh[k].n_hosts, 6, &line);
        mc_buf_printf(&line, " (%s)", sh[k].causes);
        free(sh[k].causes);
        free(sh[k].hosts);
    }
    free(sh);
    mc_buf_puts(&t->out, "  ");
    mc_render_wrap(&t->out, line.data, 2, 6, t->v->width);
    mc_buf_putc(&t->out, '\n');
}

static void text_matrix(struct tctx *t)
{
    const struct mc_cluster *c = t->v->c;
    size_t n = c->n_hosts;
    size_t w = 4;
    for (size_t i = 0; i < n; i++) {
        size_t l = mc_render_width(c->hosts[i].name);
        if (l > w)
            w = l;
    }
    if (w > 30)
        w = 30;
    if (n > 20) {
        mc_buf_printf(&t->out,
                      "\nHost pairs: %zu hosts are too many for a matrix here (see --format json "
                      "or html)\n",
                      n);
        return;
    }
    mc_buf_puts(&t->out, "\nHost pairs (the share of the row host's domains that can move to "
                         "the column host)\n");
    mc_buf_printf(&t->out, "  %*s   ", (int)(w + 3), "");
    for (size_t d = 0; d < n; d++)
        mc_buf_printf(&t->out, " %4zu", d + 1);
    mc_buf_putc(&t->out, '\n');
    size_t *vms_of = mc_xcalloc(n, sizeof(*vms_of));
    for (size_t i = 0; i < c->n_vms; i++)
        vms_of[c->vms[i].host]++;
    for (size_t s = 0; s < n; s++) {
        _cleanup_free_ char *nm = mc_render_escaped(c->hosts[s].name);
        size_t nw = mc_render_width(nm);
        mc_buf_printf(&t->out, "  %2zu %s", s + 1, nm);
        for (size_t k = nw; k < w + 1; k++)
            mc_buf_putc(&t->out, ' ');
        mc_buf_puts(&t->out, "  ");
        for (size_t d = 0; d < n; d++) {
            if (d == s || !vms_of[s]) {
                mc_buf_printf(&t->out, " %4s", "-");
                continue;
            }
            unsigned pct = (unsigned)(100.0 * c->migratable[s * n + d] / vms_of[s] + 0.5);
            if (pct == 100 && c->migratable[s * n + d] != vms_of[s])
                pct = 99;
            if (pct == 0 && c->migratable[s * n + d])
                pct = 1;
            char cell[16];
            snprintf(cell, sizeof(cell), "%3u%%", pct);
            mc_buf_putc(&t->out, ' ');
            col(t, pct == 100 ? C_GREEN : pct == 0 ? C_RED : C_YELLOW, cell);
        }
        mc_buf_putc(&t->out, '\n');
    }
    free(vms_of);
}

static void text_splits(struct tctx *t)
{
    const struct mc_cluster_view *v = t->v;
    if (!v->n_splits)
        return;
    mc_buf_puts(&t->out, "\nWhat splits the cluster\n");
    for (size_t i = 0; i < v->n_splits; i++) {
        const struct mc_split *s = &v->splits[i];
        _cleanup_buf_ struct mc_buf line = MC_BUF_INIT;
        mc_render_escape(&line, s->fact);
        mc_buf_puts(&line, ":");
        for (size_t k = 0; k < s->n_values; k++) {
            const struct mc_split_value *sv = &s->values[k];
            mc_buf_puts(&line, k ? "; " : " ");
            mc_render_escape(&line, sv->value);
            if (k == 0 && sv->n_hosts > 3) {
                mc_buf_printf(&line, " on %zu hosts", sv->n_hosts);
            } else {
                mc_buf_puts(&line, " on ");
                host_list(v->c, sv->hosts, sv->n_hosts, 5, &line);
            }
        }
        mc_buf_puts(&t->out, "  ");
        mc_render_wrap(&t->out, line.data, 2, 4, v->width);
        mc_buf_putc(&t->out, '\n');
    }
}

static void text_drain(struct tctx *t)
{
    const struct mc_drain_plan *p = t->v->drain;
    const struct mc_cluster *c = t->v->c;
    if (!p)
        return;
    _cleanup_free_ char *hn = mc_render_escaped(c->hosts[p->host].name);
    mc_buf_printf(&t->out, "\nDraining %s: %zu domain%s placed, %zu stranded\n", hn, p->n_placed,
                  p->n_placed == 1 ? "" : "s", p->n_stranded);
    for (size_t i = 0; i < p->n_placed; i++) {
        const struct mc_cluster_vm *cv = &c->vms[p->placed[i].vm];
        _cleanup_free_ char *vn = mc_render_escaped(cv->facts->name);
        _cleanup_free_ char *dn = mc_render_escaped(c->hosts[p->placed[i].dst].name);
        mc_buf_printf(&t->out, "  %s -> %s (%lld MiB, %lld vCPU%s)\n", vn, dn,
                      (long long)(cv->facts->memory_kib / 1024), (long long)cv->facts->vcpus,
                      cv->facts->vcpus == 1 ? "" : "s");
    }
    for (size_t i = 0; i < p->n_stranded; i++) {
        const struct mc_cluster_vm *cv = &c->vms[p->stranded[i].vm];
        _cleanup_free_ char *vn = mc_render_escaped(cv->facts->name);
        _cleanup_free_ char *why = mc_render_escaped(p->stranded[i].reason);
        _cleanup_buf_ struct mc_buf line = MC_BUF_INIT;
        mc_buf_puts(&t->out, "  ");
        col(t, C_RED, "STRANDED");
        mc_buf_putc(&t->out, ' ');
        mc_buf_printf(&line, "%s: %s", vn, why);
        mc_render_wrap(&t->out, line.data, 10, 4, t->v->width);
        mc_buf_putc(&t->out, '\n');
    }
}

int mc_render_cluster_text(const struct mc_cluster_view *v, FILE *f)
{
    const struct mc_cluster *c = v->c;
    struct tctx t = { .v = v, .out = MC_BUF_INIT };
    size_t unreachable = 0;
    for (size_t i = 0; i < c->n_hosts; i++)
        unreachable += c->hosts[i].unreachable;
    mc_buf_printf(&t.out,
                  "Cluster of %zu hosts and %zu domain%s (%s): %zu host classes, %zu "
                  "domain classes\n",
                  c->n_hosts, c->n_vms, c->n_vms == 1 ? "" : "s", v->source ? v->source : "",
                  c->n_host_classes, c->n_vm_classes);
    for (size_t i = 0; i < c->n_hosts; i++) {
        if (!c->hosts[i].unreachable)
            continue;
        const struct mc_fact_error *e =
            c->hosts[i].facts->n_errors ? &c->hosts[i].facts->errors[0] : NULL;
        _cleanup_free_ char *hn = mc_render_escaped(c->hosts[i].name);
        _cleanup_free_ char *msg = mc_render_escaped(e && e->message ? e->message : "unreachable");
        mc_buf_puts(&t.out, "  ");
        col(&t, C_MAGENTA, "UNREACHABLE");
        mc_buf_printf(&t.out, " %s: %s\n", hn, msg);
    }
    if (c->n_vms) {
        mc_buf_puts(&t.out, "\nDomains (the hosts each can live-migrate to)\n");
        for (size_t i = 0; i < c->n_vms; i++)
            text_vm(&t, i);
    }
    if (!v->only_vm && !v->drain)
        text_matrix(&t);
    if (!v->only_vm)
        text_splits(&t);
    text_drain(&t);
    size_t total[_MC_CELL_MAX], clean;
    mc_cluster_totals(c, total, &clean);
    mc_buf_printf(&t.out,
                  "\nSummary: %llu cells: %zu migratable (%zu without warnings), %zu blocked, %zu "
                  "unknown%s\n",
                  (unsigned long long)c->n_cells, total[MC_CELL_MIGRATABLE], clean,
                  total[MC_CELL_BLOCKED], total[MC_CELL_UNKNOWN],
                  unreachable ? "; some hosts could not be gathered" : "");
    int r = mc_render_write(f, t.out.data, t.out.len);
    mc_buf_free(&t.out);
    return r;
}

/* ---- JSON ---- */

static struct json_object *jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *host_array(const struct mc_cluster *c, const uint32_t *hosts, size_t n)
{
    struct json_object *a = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(c->hosts[hosts[i]].name));
    return a;
}

static struct json_object *json_causes(const struct mc_cluster_result *r,
                                       const struct mc_cluster_vm *cv, bool messages)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < r->n_causes; i++) {
        const struct mc_cluster_cause *k = &r->causes[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "rule", jstr(k->rule));
        json_object_object_add(o, "status", jstr(mc_status_name(k->status)));
        json_object_object_add(o, "severity", jstr(mc_severity_name(k->severity)));
        json_object_object_add(o, "subject", jstr(cause_subject(k, cv)));
        if (messages)
            json_object_object_add(o, "message", jstr(k->message));
        json_object_array_add(a, o);
    }
    return a;
}

/* One value, compact, through json-c (it escapes), appended to b; the object is released. */
static void put_json(struct mc_buf *b, struct json_object *o)
{
    mc_buf_puts(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

/* Flush b to f when it is large (the document is written as it is made). */
static int flush_some(struct mc_buf *b, FILE *f, bool all)
{
    if (!all && b->len < (1u << 20))
        return 0;
    int r = b->len ? mc_render_write(f, b->data, b->len) : 0;
    mc_buf_reset(b);
    return r;
}

/* A domain as one line of JSON: host lists from names encoded once (enc[host]). */
static void json_domain(const struct mc_cluster_view *v, size_t i, char *const *enc,
                        struct mc_buf *b)
{
    const struct mc_cluster *c = v->c;
    const struct mc_cluster_vm *cv = &c->vms[i];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", jstr(cv->facts->name));
    json_object_object_add(o, "uuid", jstr(cv->facts->uuid));
    json_object_object_add(o, "host", jstr(c->hosts[cv->host].name));
    json_object_object_add(o, "class", json_object_new_int64((int64_t)cv->cls));
    struct json_object *counts = json_object_new_object();
    for (int k = 0; k < _MC_CELL_MAX; k++)
        json_object_object_add(counts, mc_cell_verdict_name((enum mc_cell_verdict)k),
                               json_object_new_int64((int64_t)cv->counts[k]));
    json_object_object_add(counts, "clean", json_object_new_int64((int64_t)cv->n_clean));
    json_object_object_add(o, "destinations", counts);
    /* the object without its closing brace, then the groups by hand */
    const char *head =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t hl = strlen(head);
    if (hl && head[hl - 1] == '}')
        hl--; /* exactly its own closing brace */
    while (hl && head[hl - 1] == ' ')
        hl--;
    mc_buf_append(b, head, hl);
    json_object_put(o);
    mc_buf_puts(b, ", \"groups\": [");
    _cleanup_free_ size_t *order = group_order(v, cv);
    bool first = true;
    for (size_t gi = 0; gi < cv->n_groups; gi++) {
        const struct mc_cluster_group *g = &cv->groups[order[gi]];
        const struct mc_cluster_result *r = group_result(v, g);
        if (!r->n_causes && r->verdict == MC_CELL_MIGRATABLE)
            continue; /* the clean destinations: every other host not listed */
        mc_buf_printf(b, "%s{ \"verdict\": \"%s\", \"hosts\": [ ", first ? " " : ", ",
                      mc_cell_verdict_name(r->verdict));
        first = false;
        for (size_t h = 0; h < g->n_hosts; h++) {
            if (h)
                mc_buf_puts(b, ", ");
            mc_buf_puts(b, enc[g->hosts[h]]);
        }
        mc_buf_puts(b, " ], \"causes\": ");
        put_json(b, json_causes(r, cv, false));
        mc_buf_printf(b, ", \"situation\": %zu }", g->result);
    }
    mc_buf_puts(b, first ? "] }" : " ] }");
}

int mc_render_cluster_json(const struct mc_cluster_view *v, FILE *f)
{
    const struct mc_cluster *c = v->c;
    size_t n = c->n_hosts;
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    int r = 0;
    size_t total[_MC_CELL_MAX], clean;
    mc_cluster_totals(c, total, &clean);
    mc_buf_printf(&b,
                  "{\n  \"schema\": %d,\n  \"generator\": \"migcheck %s\",\n  \"kind\": "
                  "\"cluster\",\n  \"source\": ",
                  MC_CLUSTER_SCHEMA, MIGCHECK_VERSION);
    put_json(&b, v->source ? json_object_new_string(v->source) : json_object_new_null());
    mc_buf_printf(&b, ",\n  \"exit_code\": %d,\n  \"summary\": ", v->exit_code);
    struct json_object *sum = json_object_new_object();
    json_object_object_add(sum, "hosts", json_object_new_int64((int64_t)c->n_hosts));
    json_object_object_add(sum, "domains", json_object_new_int64((int64_t)c->n_vms));
    json_object_object_add(sum, "cells", json_object_new_int64((int64_t)c->n_cells));
    for (int k = 0; k < _MC_CELL_MAX; k++)
        json_object_object_add(sum, mc_cell_verdict_name((enum mc_cell_verdict)k),
                               json_object_new_int64((int64_t)total[k]));
    json_object_object_add(sum, "clean", json_object_new_int64((int64_t)clean));
    json_object_object_add(sum, "host_classes", json_object_new_int64((int64_t)c->n_host_classes));
    json_object_object_add(sum, "domain_classes", json_object_new_int64((int64_t)c->n_vm_classes));
    put_json(&b, sum);

    size_t *vms_of = mc_xcalloc(n ? n : 1, sizeof(*vms_of));
    for (size_t i = 0; i < c->n_vms; i++)
        vms_of[c->vms[i].host]++;
    mc_buf_puts(&b, ",\n  \"hosts\": [");
    for (size_t i = 0; i < n; i++) {
        struct json_object *h = json_object_new_object();
        json_object_object_add(h, "name", jstr(c->hosts[i].name));
        json_object_object_add(h, "reachable", json_object_new_boolean(!c->hosts[i].unreachable));
        json_object_object_add(h, "class", json_object_new_int64((int64_t)c->hosts[i].cls));
        json_object_object_add(h, "domains", json_object_new_int64((int64_t)vms_of[i]));
        const struct mc_host_facts *hf = c->hosts[i].facts;
        json_object_object_add(h, "error",
                               c->hosts[i].unreachable && hf->n_errors ? jstr(hf->errors[0].message)
                                                                       : NULL);
        mc_buf_puts(&b, i ? ",\n    " : "\n    ");
        put_json(&b, h);
    }
    mc_buf_puts(&b, n ? "\n  ]" : "]");

    char **enc = mc_xcalloc(n + 1, sizeof(*enc));
    for (size_t i = 0; i < n; i++) {
        struct json_object *js = json_object_new_string(c->hosts[i].name);
        enc[i] = mc_xstrdup(json_object_to_json_string_ext(js, JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(js);
    }
    mc_buf_puts(&b, ",\n  \"domains\": [");
    for (size_t i = 0; i < c->n_vms && r == 0; i++) {
        mc_buf_puts(&b, i ? ",\n    " : "\n    ");
        json_domain(v, i, enc, &b);
        r = flush_some(&b, f, false);
    }
    mc_strv_free(enc);
    mc_buf_puts(&b, c->n_vms ? "\n  ]" : "]");

    /* The host-pair matrix: domains of the row's host migratable to the column's host. */
    mc_buf_puts(&b, ",\n  \"matrix\": {\n    \"domains\": ");
    struct json_object *of = json_object_new_array();
    for (size_t s = 0; s < n; s++)
        json_object_array_add(of, json_object_new_int64((int64_t)vms_of[s]));
    put_json(&b, of);
    free(vms_of);
    mc_buf_puts(&b, ",\n    \"migratable\": [");
    for (size_t s = 0; s < n && r == 0; s++) {
        struct json_object *row = json_object_new_array_ext((int)n);
        for (size_t d = 0; d < n; d++)
            json_object_array_add(row,
                                  d == s ? NULL : json_object_new_int64(c->migratable[s * n + d]));
        mc_buf_puts(&b, s ? ",\n      " : "\n      ");
        put_json(&b, row);
        r = flush_some(&b, f, false);
    }
    mc_buf_puts(&b, n ? "\n    ]\n  }" : "]\n  }");

    /* Each situation with check's messages for the cell it was judged on. */
    mc_buf_puts(&b, ",\n  \"situations\": [");
    bool first = true;
    for (size_t i = 0; i < c->n_results && r == 0; i++) {
        const struct mc_cluster_result *res = &c->results[i];
        if (!res->n_causes && res->verdict == MC_CELL_MIGRATABLE)
            continue;
        const struct mc_cluster_vm *rv = &c->vms[res->rep_vm];
        struct json_object *so = json_object_new_object();
        json_object_object_add(so, "id", json_object_new_int64((int64_t)i));
        json_object_object_add(so, "verdict", jstr(mc_cell_verdict_name(res->verdict)));
        struct json_object *on = json_object_new_object();
        json_object_object_add(on, "domain", jstr(rv->facts->name));
        json_object_object_add(on, "source", jstr(c->hosts[rv->host].name));
        json_object_object_add(on, "destination", jstr(c->hosts[res->rep_dst].name));
        json_object_object_add(so, "judged_on", on);
        json_object_object_add(so, "causes", json_causes(res, rv, true));
        mc_buf_puts(&b, first ? "\n    " : ",\n    ");
        first = false;
        put_json(&b, so);
        r = flush_some(&b, f, false);
    }
    mc_buf_puts(&b, first ? "]" : "\n  ]");

    mc_buf_puts(&b, ",\n  \"splits\": [");
    for (size_t i = 0; i < v->n_splits; i++) {
        struct json_object *so = json_object_new_object();
        json_object_object_add(so, "fact", jstr(v->splits[i].fact));
        struct json_object *vals = json_object_new_array();
        for (size_t k = 0; k < v->splits[i].n_values; k++) {
            struct json_object *vo = json_object_new_object();
            json_object_object_add(vo, "value", jstr(v->splits[i].values[k].value));
            json_object_object_add(
                vo, "hosts",
                host_array(c, v->splits[i].values[k].hosts, v->splits[i].values[k].n_hosts));
            json_object_array_add(vals, vo);
        }
        json_object_object_add(so, "values", vals);
        mc_buf_puts(&b, i ? ",\n    " : "\n    ");
        put_json(&b, so);
    }
    mc_buf_puts(&b, v->n_splits ? "\n  ]" : "]");

    mc_buf_puts(&b, ",\n  \"drain\": ");
    if (v->drain) {
        const struct mc_drain_plan *p = v->drain;
        struct json_object *d = json_object_new_object();
        json_object_object_add(d, "host", jstr(c->hosts[p->host].name));
        json_object_object_add(d, "cpu_ratio", json_object_new_double(p->cpu_ratio));
        struct json_object *pl = json_object_new_array();
        for (size_t i = 0; i < p->n_placed; i++) {
            struct json_object *o = json_object_new_object();
            const struct mc_cluster_vm *cv = &c->vms[p->placed[i].vm];
            json_object_object_add(o, "domain", jstr(cv->facts->name));
            json_object_object_add(o, "destination", jstr(c->hosts[p->placed[i].dst].name));
            json_object_object_add(o, "memory_kib", json_object_new_int64(cv->facts->memory_kib));
            json_object_object_add(o, "vcpus", json_object_new_int64(cv->facts->vcpus));
            json_object_array_add(pl, o);
        }
        json_object_object_add(d, "placements", pl);
        struct json_object *st = json_object_new_array();
        for (size_t i = 0; i < p->n_stranded; i++) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "domain", jstr(c->vms[p->stranded[i].vm].facts->name));
            json_object_object_add(o, "reason", jstr(p->stranded[i].reason));
            json_object_array_add(st, o);
        }
        json_object_object_add(d, "stranded", st);
        put_json(&b, d);
    } else {
        mc_buf_puts(&b, "null");
    }
    mc_buf_puts(&b, "\n}\n");
    if (r == 0)
        r = flush_some(&b, f, true);
    return r;
}

/* ---- JUnit ---- */

static void set_count(xmlNodePtr n, const char *name, size_t v)
{
    char num[32];
    snprintf(num, sizeof(num), "%zu", v);
    xmlSetProp(n, BAD_CAST name, BAD_CAST num);
}

int mc_render_cluster_junit(const struct mc_cluster_view *v, FILE *f)
{
    const struct mc_cluster *c = v->c;
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "testsuites", NULL);
    xmlDocSetRootElement(doc, root);
    xmlSetProp(root, BAD_CAST "name", BAD_CAST "migcheck cluster");
    size_t all_tests = 0, all_fail = 0, all_err = 0;
    /* The causes text of each result a domain shows, judged again for its messages once. */
    for (size_t s = 0; s < c->n_hosts; s++) {
        xmlNodePtr suite = NULL;
        size_t tests = 0, failures = 0, errors = 0;
        for (size_t vi = 0; vi < c->n_vms; vi++) {
            const struct mc_cluster_vm *cv = &c->vms[vi];
            if (cv->host != s)
                continue;
            if (!suite) {
                suite = xmlNewChild(root, NULL, BAD_CAST "testsuite", NULL);
                mc_xml_set_prop(suite, "name", c->hosts[s].name);
            }
            /* Messages per group: one cell judged again. */
            char **texts = mc_xcalloc(cv->n_groups + 1, sizeof(*texts));
            for (size_t g = 0; g < cv->n_groups; g++) {
                const struct mc_cluster_result *r = group_result(v, &cv->groups[g]);
                if (!r->n_causes)
                    continue;
                struct mc_cluster_result tmp = { 0 };
                size_t dst;
                const struct mc_cluster_result *m = mc_cluster_group_causes(v, vi, g, &tmp, &dst);
                _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
                for (size_t i = 0; i < m->n_causes; i++)
                    mc_buf_printf(&b, "%s %s: %s\n", mc_status_label(m->causes[i].status),
                                  m->causes[i].rule,
                                  m->causes[i].message ? m->causes[i].message : "");
                if (cv->groups[g].n_hosts > 1)
                    mc_buf_printf(&b,
                                  "(as judged for %s; the same causes for the other hosts "
                                  "of this group)\n",
                                  c->hosts[dst].name);
                texts[g] = mc_buf_steal(&b);
                mc_cluster_result_clear(&tmp);
            }
            for (size_t d = 0; d < c->n_hosts; d++) {
                if (d == s)
                    continue;
                const struct mc_cluster_result *r = NULL;
                mc_cluster_cell_verdict(c, vi, d, &r);
                if (!r)
                    continue;
                size_t g = 0;
                for (; g < cv->n_groups; g++)
                    if (c->results[cv->groups[g].result].sig == r->sig)
                        break;
                xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
                _cleanup_free_ char *cls = mc_xasprintf("migcheck.cluster.%s", c->hosts[s].name);
                _cleanup_free_ char *name = mc_xasprintf("%s: %s -> %s", cv->facts->name,
                                                         c->hosts[s].name, c->hosts[d].name);
                mc_xml_set_prop(tc, "classname", cls);
                mc_xml_set_prop(tc, "name", name);
                tests++;
                _cleanup_buf_ struct mc_buf msg = MC_BUF_INIT;
                causes_text(r, cv, true, &msg);
                const char *text = g < cv->n_groups ? texts[g] : NULL;
                if (r->verdict == MC_CELL_BLOCKED || r->verdict == MC_CELL_UNKNOWN) {
                    bool blocked = r->verdict == MC_CELL_BLOCKED;
                    xmlNodePtr el =
                        text ? mc_xml_add_text_child(tc, blocked ? "failure" : "error", text)
                             : xmlNewChild(tc, NULL, BAD_CAST(blocked ? "failure" : "error"), NULL);
                    mc_xml_set_prop(el, "type", blocked ? "blocked" : "unknown");
                    mc_xml_set_prop(el, "message", msg.data ? msg.data : "");
                    if (blocked)
                        failures++;
                    else
                        errors++;
                } else if (text) {
                    mc_xml_add_text_child(tc, "system-out", text);
                }
            }
            for (size_t g = 0; g < cv->n_groups; g++)
                free(texts[g]);
            free(texts);
        }
        if (suite) {
            set_count(suite, "tests", tests);
            set_count(suite, "failures", failures);
            set_count(suite, "errors", errors);
            set_count(suite, "skipped", 0);
        }
        all_tests += tests;
        all_fail += failures;
        all_err += errors;
    }
    if (v->drain) {
        const struct mc_drain_plan *p = v->drain;
        xmlNodePtr suite = xmlNewChild(root, NULL, BAD_CAST "testsuite", NULL);
        _cleanup_free_ char *sn = mc_xasprintf("drain %s", c->hosts[p->host].name);
        mc_xml_set_prop(suite, "name", sn);
        size_t tests = 0, failures = 0;
        for (size_t i = 0; i < p->n_placed; i++) {
            xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
            mc_xml_set_prop(tc, "classname", "migcheck.drain");
            mc_xml_set_prop(tc, "name", c->vms[p->placed[i].vm].facts->name);
            _cleanup_free_ char *out =
                mc_xasprintf("placed on %s\n", c->hosts[p->placed[i].dst].name);
            mc_xml_add_text_child(tc, "system-out", out);
            tests++;
        }
        for (size_t i = 0; i < p->n_stranded; i++) {
            xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
            mc_xml_set_prop(tc, "classname", "migcheck.drain");
            mc_xml_set_prop(tc, "name", c->vms[p->stranded[i].vm].facts->name);
            xmlNodePtr el = xmlNewChild(tc, NULL, BAD_CAST "failure", NULL);
            mc_xml_set_prop(el, "type", "stranded");
            mc_xml_set_prop(el, "message", p->stranded[i].reason);
            tests++;
            failures++;
        }
        set_count(suite, "tests", tests);
        set_count(suite, "failures", failures);
        set_count(suite, "errors", 0);
        set_count(suite, "skipped", 0);
        all_tests += tests;
        all_fail += failures;
    }
    set_count(root, "tests", all_tests);
    set_count(root, "failures", all_fail);
    set_count(root, "errors", all_err);
    _cleanup_free_ char *out = NULL;
    size_t len = 0;
    if (mc_xml_doc_to_string(doc, &out, &len) < 0)
        return -ENOMEM;
    return mc_render_write(f, out, len);
}
