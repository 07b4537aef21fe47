/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cluster.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "cluster-key.h"
#include "relate.h"
#include "util/buf.h"
#include "util/hashmap.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const verdict_names[_MC_CELL_MAX] = { "migratable", "blocked", "unknown" };

const char *mc_cell_verdict_name(enum mc_cell_verdict v)
{
    return v < _MC_CELL_MAX ? verdict_names[v] : "?";
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

size_t mc_cluster_add_host(struct mc_cluster *c, const char *name, struct mc_host_facts *facts,
                           const char *origin, bool unreachable)
{
    struct mc_cluster_host *h = MC_APPEND(c->hosts, c->n_hosts);
    memset(h, 0, sizeof(*h));
    h->name = mc_xstrdup(name);
    h->facts = facts;
    h->origin = mc_xstrdup_or_null(origin);
    h->unreachable = unreachable;
    return c->n_hosts - 1;
}

/* ---- one cell, as check judges it ---- */

static void run_cell(const struct mc_cluster *c, const struct mc_cluster_opts *o, size_t vi,
                     const struct mc_vm_facts *vm, size_t s, size_t d, struct mc_report *rep)
{
    /* Exactly check's pipeline over the loaded facts (checker/check.h). */
    const struct mc_cluster_host *src = &c->hosts[s], *dst = &c->hosts[d];
    struct mc_check_config cfg = {
        .rules = o->rules,
        .n_rules = o->n_rules,
        .policy = o->policy,
        .strict = o->strict,
        .copts = o->check,
    };
    struct mc_check_input in = {
        .src = src->facts,
        .dst = dst->facts,
        .vm = vm,
        .src_name = src->name,
        .dst_name = dst->name,
        .origin = MC_CHECK_SNAPSHOTS,
    };
    if (o->pair_facts) {
        in.rel = o->pair_facts(c, vi, d, o->pair_facts_userdata);
        if (in.rel && in.rel->live)
            in.origin = MC_CHECK_LIVE;
    }
    mc_check_judge(&cfg, &in, rep);
}

static enum mc_cell_verdict verdict_of(const struct mc_report *rep)
{
    switch (rep->verdict) {
    case MC_VERDICT_BLOCKED:
        return MC_CELL_BLOCKED;
    case MC_VERDICT_UNKNOWN:
        return MC_CELL_UNKNOWN;
    case MC_VERDICT_MIGRATABLE:
    case _MC_VERDICT_MAX:
        break;
    }
    return MC_CELL_MIGRATABLE;
}

void mc_cluster_cell_report(const struct mc_cluster *c, const struct mc_cluster_opts *o, size_t vm,
                            size_t dst, struct mc_report *ret)
{
    const struct mc_cluster_vm *v = &c->vms[vm];
    run_cell(c, o, vm, v->facts, v->host, dst, ret);
}

/* ---- judging ---- */

struct hostlist {
    uint32_t *h;
    size_t n;
};

struct index {
    struct mc_hashmap map; /* string -> list */
    struct hostlist *lists;
    size_t n_lists;
};

static void index_add(struct index *ix, const char *prefix, const char *s, size_t host)
{
    if (!s || !*s)
        return;
    _cleanup_free_ char *k = mc_xasprintf("%s%s", prefix, s);
    size_t id = mc_hashmap_intern(&ix->map, k, strlen(k), ix->n_lists);
    if (id == ix->n_lists) {
        struct hostlist *l = MC_APPEND(ix->lists, ix->n_lists);
        memset(l, 0, sizeof(*l));
    }
    struct hostlist *l = &ix->lists[id];
    if (l->n && l->h[l->n - 1] == host)
        return;
    *MC_APPEND(l->h, l->n) = (uint32_t)host;
}

static const struct hostlist *index_get(const struct index *ix, const char *prefix, const char *s)
{
    if (!s || !*s)
        return NULL;
    _cleanup_free_ char *k = mc_xasprintf("%s%s", prefix, s);
    size_t id;
    return mc_hashmap_get(&ix->map, k, strlen(k), &id) ? &ix->lists[id] : NULL;
}

static void index_clear(struct index *ix)
{
    for (size_t i = 0; i < ix->n_lists; i++)
        free(ix->lists[i].h);
    free(ix->lists);
    mc_hashmap_clear(&ix->map);
}

static char *lower(const char *s)
{
    char *r = mc_xstrdup(s);
    for (char *p = r; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return r;
}

static bool named(const struct mc_cluster_host *h, const char *x)
{
    const struct mc_host_facts *f = h->facts;
    if (mc_host_has_address(f, x))
        return true;
    return (f->os.hostname && strcmp(f->os.hostname, x) == 0) ||
           (f->os.fqdn && strcmp(f->os.fqdn, x) == 0) || strcmp(h->name, x) == 0;
}

struct judge {
    struct mc_cluster *c;
    const struct mc_cluster_opts *o;
    struct mc_key_ctx kctx;
    struct mc_hashmap combos; /* (vm class, host class) -> situation row */
    struct mc_hashmap memo;   /* (combo, dst class, pair key) -> result */
    struct mc_hashmap sigs;   /* signature -> id */
    struct index ix;          /* a:ADDRESS n:NAME u:HOSTUUID dn:DOMAIN du:DOMAINUUID */
    bool per_cell;            /* site requirements: XPath over each cell's facts */
};

/* The summary of a report, and its signature (verdict and causes without messages). */
static char *summarize(const struct mc_report *rep, const struct mc_vm_facts *vm,
                       struct mc_cluster_result *out, size_t *ret_len);

void mc_cluster_summarize(const struct mc_report *rep, const struct mc_vm_facts *vm,
                          struct mc_cluster_result *ret)
{
    size_t len;
    free(summarize(rep, vm, ret, &len));
}

void mc_cluster_result_clear(struct mc_cluster_result *r)
{
    for (size_t k = 0; k < r->n_causes; k++) {
        free(r->causes[k].subject);
        free(r->causes[k].message);
    }
    free(r->causes);
    memset(r, 0, sizeof(*r));
}

static char *summarize(const struct mc_report *rep, const struct mc_vm_facts *vm,
                       struct mc_cluster_result *out, size_t *ret_len)
{
    out->verdict = verdict_of(rep);
    out->exit_code = out->verdict == MC_CELL_BLOCKED ? 1 : out->verdict == MC_CELL_UNKNOWN ? 3 : 0;
    memcpy(out->counts, rep->counts, sizeof(out->counts));
    struct mc_buf sig = MC_BUF_INIT;
    mc_buf_printf(&sig, "%d", out->verdict);
    for (size_t i = 0; i < rep->findings.n; i++) {
        const struct mc_finding *f = &rep->findings.items[i];
        if (f->status != MC_STATUS_FAIL && f->status != MC_STATUS_WARN &&
            f->status != MC_STATUS_UNKNOWN)
            continue;
        struct mc_cluster_cause *k = MC_APPEND(out->causes, out->n_causes);
        k->rule = f->rule;
        k->status = f->status;
        k->severity = f->severity;
        /* Rules of the domain's own area name it as their subject ("domain web1"). */
        k->names_vm = f->subject && vm->name && strcmp(f->subject, vm->name) == 0 && f->rule &&
                      strncmp(f->rule, "vm.", 3) == 0;
        k->subject = k->names_vm ? NULL : mc_xstrdup_or_null(f->subject);
        k->message = mc_xstrdup_or_null(f->message);
        mc_buf_printf(&sig, "\n%s\t%d\t%d\t%s\t%s", f->rule ? f->rule : "", f->status, f->severity,
                      k->names_vm ? "\x01" : "", k->subject ? k->subject : "");
    }
    *ret_len = sig.len;
    return mc_buf_steal(&sig);
}

struct worker {
    struct judge *j;
    size_t next; /* atomic: the next result to judge */
    char **sigs;
    size_t *sig_lens;
};

static void *judge_worker(void *arg)
{
    struct worker *w = arg;
    struct mc_cluster *c = w->j->c;
    for (;;) {
        size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
        if (i >= c->n_results)
            return NULL;
        struct mc_cluster_result *r = &c->results[i];
        const struct mc_cluster_vm *cv = &c->vms[r->rep_vm];
        struct mc_report rep = { 0 };
        run_cell(c, w->j->o, r->rep_vm, cv->facts, cv->host, r->rep_dst, &rep);
        w->sigs[i] = summarize(&rep, cv->facts, r, &w->sig_lens[i]);
        mc_report_clear(&rep);
    }
}

static void judge_results(struct judge *j)
{
    struct mc_cluster *c = j->c;
    struct worker w = {
        .j = j,
        .sigs = mc_xcalloc(c->n_results + 1, sizeof(char *)),
        .sig_lens = mc_xcalloc(c->n_results + 1, sizeof(size_t)),
    };
    int threads = j->o->threads > 0 ? j->o->threads : 1;
    if ((size_t)threads > c->n_results)
        threads = c->n_results ? (int)c->n_results : 1;
    pthread_t *th = mc_xcalloc((size_t)threads, sizeof(*th));
    bool *up = mc_xcalloc((size_t)threads, sizeof(*up));
    for (int i = 1; i < threads; i++)
        up[i] = pthread_create(&th[i], NULL, judge_worker, &w) == 0;
    judge_worker(&w);
    for (int i = 1; i < threads; i++)
        if (up[i])
            pthread_join(th[i], NULL);
    free(th);
    free(up);
    c->n_engine_runs += c->n_results;
    for (size_t i = 0; i < c->n_results; i++) {
        c->results[i].sig = mc_hashmap_intern(&j->sigs, w.sigs[i], w.sig_lens[i], j->sigs.n);
        free(w.sigs[i]);
    }
    c->n_sigs = j->sigs.n;
    free(w.sigs);
    free(w.sig_lens);
}

/* Strings a domain on host s makes rules compare with host names and addresses. */
static char **identity_strings(const struct mc_host_facts *s, const struct mc_vm_facts *vm)
{
    char **x = NULL;
    for (size_t i = 0; i < vm->n_graphics; i++)
        if (vm->graphics[i].listen && !mc_strv_contains(x, vm->graphics[i].listen))
            mc_strv_add(&x, vm->graphics[i].listen);
    for (size_t i = 0; i < vm->n_chardevs; i++)
        if (vm->chardevs[i].host && !mc_strv_contains(x, vm->chardevs[i].host))
            mc_strv_add(&x, vm->chardevs[i].host);
    struct mc_pair_facts *rel = mc_pair_facts_new();
    mc_relate_paths(s, NULL, vm, rel);
    for (size_t i = 0; i < rel->n_paths; i++) {
        const char *srv = rel->paths[i].src_store.server;
        if (srv && !mc_strv_contains(x, srv))
            mc_strv_add(&x, srv);
    }
    mc_pair_facts_free(rel);
    return x;
}

/* The identity part of the pair key: how the left-out facts of d relate to v and s. */
static void identity_key(const struct judge *j, const struct mc_vm_facts *vm, size_t s, size_t d,
                         char *const *x, struct mc_buf *b)
{
    const struct mc_cluster_host *hs = &j->c->hosts[s], *hd = &j->c->hosts[d];
    const char *us = hs->facts->virt.host_uuid, *ud = hd->facts->virt.host_uuid;
    mc_buf_putc(b, us && ud && strcasecmp(us, ud) == 0 ? 'U' : 'u');
    const struct mc_virt_facts *v = &hd->facts->virt;
    for (size_t i = 0; i < v->n_domains; i++) {
        const struct mc_domain_ref *r = &v->domains[i];
        bool same_name = r->name && vm->name && strcmp(r->name, vm->name) == 0;
        bool same_uuid = r->uuid && vm->uuid && strcasecmp(r->uuid, vm->uuid) == 0;
        if (!same_name && !same_uuid)
            continue;
        mc_buf_printf(b, "D%d%d%d%zu:%s", same_name, same_uuid, r->active,
                      r->name ? strlen(r->name) : 0, r->name ? r->name : "");
    }
    STRV_FOREACH (s1, x) {
        mc_buf_putc(b, mc_host_has_address(hd->facts, *s1) ? 'A' : 'a');
        mc_buf_putc(b, named(hd, *s1) ? 'N' : 'n');
    }
}

/* The capacity part of the pair key: every comparison virt.memory and virt.hugepages make. */
static unsigned capacity_code(const struct mc_vm_facts *vm, const struct mc_host_facts *d)
{
    int64_t free_kib = d->virt.free_memory_kib;
    unsigned code = (vm->current_memory_kib > 0) | (vm->memory_kib > 0) << 1 | (free_kib > 0) << 2 |
                    (free_kib < vm->current_memory_kib) << 3 | (free_kib < vm->memory_kib) << 4;
    if (vm->hugepage_kib > 0)
        for (size_t i = 0; i < d->virt.n_hugepages; i++) {
            const struct mc_hugepages *h = &d->virt.hugepages[i];
            if (h->size_kib != vm->hugepage_kib)
                continue;
            code |= 1u << 5 | (h->free * h->size_kib < vm->memory_kib) << 6;
            break;
        }
    return code;
}
#define CAPACITY_CODES 128

int mc_cluster_judge(struct mc_cluster *c, const struct mc_cluster_opts *o, const char *only_vm,
                     const struct mc_vm_facts *template)
{
    struct judge j = { .c = c, .o = o };
    /* Site requirements (XPath over anything) and live probe results are per cell. */
    j.per_cell = (o->policy && o->policy->n_requires > 0) || o->pair_facts;
    double t0 = now();

    /* Domains: every domain of every host that was gathered. */
    for (size_t h = 0; h < c->n_hosts; h++) {
        const struct mc_host_facts *f = c->hosts[h].facts;
        if (!f || c->hosts[h].unreachable)
            continue;
        if (template) {
            struct mc_cluster_vm *cv = MC_APPEND(c->vms, c->n_vms);
            memset(cv, 0, sizeof(*cv));
            cv->facts = template;
            cv->host = h;
            continue;
        }
        MC_HOST_FOREACH_VM (vm, f) {
            if (only_vm && !(vm->name && strcmp(vm->name, only_vm) == 0) &&
                !(vm->uuid && strcasecmp(vm->uuid, only_vm) == 0))
                continue;
            struct mc_cluster_vm *cv = MC_APPEND(c->vms, c->n_vms);
            memset(cv, 0, sizeof(*cv));
            cv->facts = vm;
            cv->host = h;
        }
    }
    if (only_vm && !c->n_vms)
        return -ENOENT;

    /* Classes. */
    struct mc_host_facts **hf = mc_xcalloc(c->n_hosts + 1, sizeof(*hf));
    for (size_t h = 0; h < c->n_hosts; h++)
        hf[h] = c->hosts[h].facts;
    mc_key_ctx_init(&j.kctx, hf, c->n_hosts, &template, template ? 1 : 0);
    free(hf);
    struct mc_hashmap keys = { 0 };
    _cleanup_buf_ struct mc_buf kb = MC_BUF_INIT;
    for (size_t h = 0; h < c->n_hosts; h++) {
        mc_buf_reset(&kb);
        mc_host_key(&j.kctx, c->hosts[h].facts, &kb);
        c->hosts[h].cls = mc_hashmap_intern(&keys, kb.data, kb.len, keys.n);
    }
    c->n_host_classes = keys.n;
    mc_hashmap_clear(&keys);
    for (size_t i = 0; i < c->n_vms; i++) {
        mc_buf_reset(&kb);
        mc_vm_key(&j.kctx, c->vms[i].facts, &kb);
        c->vms[i].cls = mc_hashmap_intern(&keys, kb.data, kb.len, keys.n);
    }
    c->n_vm_classes = keys.n;
    mc_hashmap_clear(&keys);

    /* What the pair keys look up. */
    for (size_t h = 0; h < c->n_hosts; h++) {
        const struct mc_host_facts *f = c->hosts[h].facts;
        for (size_t i = 0; i < f->net.n_addrs; i++)
            index_add(&j.ix, "a:", f->net.addrs[i].address, h);
        index_add(&j.ix, "n:", f->os.hostname, h);
        index_add(&j.ix, "n:", f->os.fqdn, h);
        index_add(&j.ix, "n:", c->hosts[h].name, h);
        if (f->virt.host_uuid) {
            _cleanup_free_ char *u = lower(f->virt.host_uuid);
            index_add(&j.ix, "u:", u, h);
        }
        for (size_t i = 0; i < f->virt.n_domains; i++) {
            index_add(&j.ix, "dn:", f->virt.domains[i].name, h);
            if (f->virt.domains[i].uuid) {
                _cleanup_free_ char *u = lower(f->virt.domains[i].uuid);
                index_add(&j.ix, "du:", u, h);
            }
        }
    }
    double t1 = now();
    c->seconds_classes = t1 - t0;

    size_t n = c->n_hosts;
    c->migratable = mc_xcalloc(n ? n * n : 1, sizeof(*c->migratable));
    uint32_t *mark = mc_xcalloc(n ? n : 1, sizeof(*mark));
    size_t rowsize = c->n_host_classes * CAPACITY_CODES;
    uint32_t *row_gen = mc_xcalloc(rowsize ? rowsize : 1, sizeof(*row_gen));
    uint32_t *row_res = mc_xcalloc(rowsize ? rowsize : 1, sizeof(*row_res));
    /* The situation of every cell (vm, dst); the engine runs after, once per situation. */
    uint32_t *cell = mc_xreallocarray(NULL, c->n_vms * n + 1, sizeof(*cell));
    size_t cap_results = 0;
    _cleanup_buf_ struct mc_buf pk = MC_BUF_INIT, ident = MC_BUF_INIT, sbits = MC_BUF_INIT;

    for (size_t vi = 0; vi < c->n_vms; vi++) {
        struct mc_cluster_vm *cv = &c->vms[vi];
        const struct mc_vm_facts *vm = cv->facts;
        size_t s = cv->host;
        uint32_t gen = (uint32_t)vi + 1;
        _cleanup_strv_free_ char **x = identity_strings(c->hosts[s].facts, vm);

        /* The source's side of the identity strings is the same for every cell of the row. */
        mc_buf_reset(&sbits);
        STRV_FOREACH (s1, x) {
            mc_buf_putc(&sbits, mc_host_has_address(c->hosts[s].facts, *s1) ? 'A' : 'a');
            mc_buf_putc(&sbits, named(&c->hosts[s], *s1) ? 'N' : 'n');
        }
        /* Hosts where a left-out fact may relate: marked, and keyed exactly. */
        STRV_FOREACH (s1, x) {
            const struct hostlist *l = index_get(&j.ix, "a:", *s1);
            for (size_t k = 0; l && k < l->n; k++)
                mark[l->h[k]] = gen;
            l = index_get(&j.ix, "n:", *s1);
            for (size_t k = 0; l && k < l->n; k++)
                mark[l->h[k]] = gen;
        }
        if (c->hosts[s].facts->virt.host_uuid) {
            _cleanup_free_ char *u = lower(c->hosts[s].facts->virt.host_uuid);
            const struct hostlist *l = index_get(&j.ix, "u:", u);
            for (size_t k = 0; l && k < l->n; k++)
                mark[l->h[k]] = gen;
        }
        const struct hostlist *l = index_get(&j.ix, "dn:", vm->name);
        for (size_t k = 0; l && k < l->n; k++)
            mark[l->h[k]] = gen;
        if (vm->uuid) {
            _cleanup_free_ char *u = lower(vm->uuid);
            l = index_get(&j.ix, "du:", u);
            for (size_t k = 0; l && k < l->n; k++)
                mark[l->h[k]] = gen;
        }
        /* The identity key of an unmarked host: nothing relates. */
        mc_buf_reset(&ident);
        mc_buf_putc(&ident, 'u');
        STRV_FOREACH (s1, x) {
            mc_buf_putc(&ident, 'a');
            mc_buf_putc(&ident, 'n');
        }

        size_t combo_key[2] = { cv->cls, c->hosts[s].cls };
        size_t combo = mc_hashmap_intern(&j.combos, combo_key, sizeof(combo_key), j.combos.n);

        for (size_t d = 0; d < n; d++) {
            if (d == s)
                continue;
            const struct mc_cluster_host *hd = &c->hosts[d];
            unsigned cap = capacity_code(vm, hd->facts);
            size_t r;
            size_t slot = hd->cls * CAPACITY_CODES + cap;
            bool plain = mark[d] != gen && !j.per_cell;
            if (plain && row_gen[slot] == gen) {
                r = row_res[slot];
            } else {
                mc_buf_reset(&pk);
                mc_buf_append(&pk, &combo, sizeof(combo));
                mc_buf_append(&pk, &hd->cls, sizeof(hd->cls));
                mc_buf_append(&pk, &cap, sizeof(cap));
                mc_buf_append(&pk, sbits.data ? sbits.data : "", sbits.len);
                mc_buf_putc(&pk, '|');
                if (plain) {
                    mc_buf_append(&pk, ident.data, ident.len);
                } else {
                    _cleanup_buf_ struct mc_buf id2 = MC_BUF_INIT;
                    identity_key(&j, vm, s, d, x, &id2);
                    mc_buf_append(&pk, id2.data, id2.len);
                }
                if (j.per_cell || !mc_hashmap_get(&j.memo, pk.data, pk.len, &r)) {
                    /* A new situation: judged below, on this cell. */
                    if (c->n_results == cap_results) {
                        cap_results = cap_results ? 2 * cap_results : 1024;
                        c->results = mc_xreallocarray(c->results, cap_results, sizeof(*c->results));
                    }
                    r = c->n_results++;
                    memset(&c->results[r], 0, sizeof(c->results[r]));
                    c->results[r].rep_vm = vi;
                    c->results[r].rep_dst = d;
                    if (!j.per_cell)
                        mc_hashmap_put(&j.memo, pk.data, pk.len, r);
                }
                if (plain) {
                    row_gen[slot] = gen;
                    row_res[slot] = (uint32_t)r;
                }
            }
            cell[vi * n + d] = (uint32_t)r;
        }
    }
    free(mark);
    free(row_gen);
    free(row_res);

    /* Each situation judged once, on the cell that first had it, by the workers. */
    judge_results(&j);

    /* Counts, the matrix, and each domain's destinations grouped by what check says. */
    size_t sig_cap = c->n_sigs ? c->n_sigs : 1;
    uint32_t *sig_gen = mc_xcalloc(sig_cap, sizeof(*sig_gen));
    uint32_t *sig_group = mc_xcalloc(sig_cap, sizeof(*sig_group));
    for (size_t vi = 0; vi < c->n_vms; vi++) {
        struct mc_cluster_vm *cv = &c->vms[vi];
        size_t s = cv->host;
        uint32_t gen = (uint32_t)vi + 1;
        for (size_t d = 0; d < n; d++) {
            if (d == s)
                continue;
            size_t r = cell[vi * n + d];
            const struct mc_cluster_result *res = &c->results[r];
            cv->counts[res->verdict]++;
            if (res->verdict == MC_CELL_MIGRATABLE) {
                c->migratable[s * n + d]++;
                if (!res->n_causes)
                    cv->n_clean++;
            }
            if (sig_gen[res->sig] != gen) {
                sig_gen[res->sig] = gen;
                sig_group[res->sig] = (uint32_t)cv->n_groups;
                struct mc_cluster_group *g = MC_APPEND(cv->groups, cv->n_groups);
                memset(g, 0, sizeof(*g));
                g->sig = res->sig;
                g->result = r;
            }
            struct mc_cluster_group *g = &cv->groups[sig_group[res->sig]];
            if (g->n_hosts == g->cap_hosts) {
                g->cap_hosts = g->cap_hosts ? 2 * g->cap_hosts : 8;
                g->hosts = mc_xreallocarray(g->hosts, g->cap_hosts, sizeof(*g->hosts));
            }
            g->hosts[g->n_hosts++] = (uint32_t)d;
            c->n_cells++;
        }
    }
    c->cells = cell;
    free(sig_gen);
    free(sig_group);
    c->n_situations = c->n_results;
    c->seconds_judge = now() - t1;
    mc_key_ctx_clear(&j.kctx);
    mc_hashmap_clear(&j.combos);
    mc_hashmap_clear(&j.memo);
    mc_hashmap_clear(&j.sigs);
    index_clear(&j.ix);
    return 0;
}

void mc_cluster_cell_key(const struct mc_cluster *c, size_t vi, size_t d, struct mc_buf *out)
{
    struct judge j = { .c = (struct mc_cluster *)c };
    struct mc_host_facts **hf = mc_xcalloc(c->n_hosts + 1, sizeof(*hf));
    for (size_t h = 0; h < c->n_hosts; h++)
        hf[h] = c->hosts[h].facts;
    mc_key_ctx_init(&j.kctx, hf, c->n_hosts, NULL, 0);
    free(hf);
    const struct mc_cluster_vm *cv = &c->vms[vi];
    size_t s = cv->host;
    struct mc_buf k = MC_BUF_INIT;
    mc_vm_key(&j.kctx, cv->facts, &k);
    mc_buf_printf(out, "%zu:", k.len);
    mc_buf_append(out, k.data, k.len);
    mc_buf_reset(&k);
    mc_host_key(&j.kctx, c->hosts[s].facts, &k);
    mc_buf_printf(out, "%zu:", k.len);
    mc_buf_append(out, k.data, k.len);
    mc_buf_reset(&k);
    mc_host_key(&j.kctx, c->hosts[d].facts, &k);
    mc_buf_printf(out, "%zu:", k.len);
    mc_buf_append(out, k.data, k.len);
    mc_buf_free(&k);
    char **x = identity_strings(c->hosts[s].facts, cv->facts);
    STRV_FOREACH (s1, x) {
        mc_buf_putc(out, mc_host_has_address(c->hosts[s].facts, *s1) ? 'A' : 'a');
        mc_buf_putc(out, named(&c->hosts[s], *s1) ? 'N' : 'n');
    }
    mc_buf_putc(out, '|');
    identity_key(&j, cv->facts, s, d, x, out);
    mc_buf_printf(out, "|%u", capacity_code(cv->facts, c->hosts[d].facts));
    mc_strv_free(x);
    mc_key_ctx_clear(&j.kctx);
}

enum mc_cell_verdict mc_cluster_cell_verdict(const struct mc_cluster *c, size_t vm, size_t dst,
                                             const struct mc_cluster_result **ret)
{
    if (vm >= c->n_vms || dst >= c->n_hosts || dst == c->vms[vm].host || !c->cells) {
        if (ret)
            *ret = NULL;
        return _MC_CELL_MAX;
    }
    const struct mc_cluster_result *r = &c->results[c->cells[vm * c->n_hosts + dst]];
    if (ret)
        *ret = r;
    return r->verdict;
}

size_t mc_cluster_verify(const struct mc_cluster *c, const struct mc_cluster_opts *o,
                         void (*report)(size_t vm, size_t dst, const char *why, void *userdata),
                         void *userdata)
{
    size_t bad = 0;
    for (size_t vi = 0; vi < c->n_vms; vi++)
        for (size_t d = 0; d < c->n_hosts; d++) {
            const struct mc_cluster_result *want = NULL;
            if (mc_cluster_cell_verdict(c, vi, d, &want) == _MC_CELL_MAX)
                continue;
            struct mc_report rep = { 0 };
            mc_cluster_cell_report(c, o, vi, d, &rep);
            struct mc_cluster_result got = { 0 };
            size_t len;
            /* Only got is compared; the signature is freed on scope exit. */
            _unused_ _cleanup_free_ char *sig = summarize(&rep, c->vms[vi].facts, &got, &len);
            mc_report_clear(&rep);
            _cleanup_buf_ struct mc_buf why = MC_BUF_INIT;
            if (got.verdict != want->verdict)
                mc_buf_printf(&why, "verdict %s, not %s; ", mc_cell_verdict_name(got.verdict),
                              mc_cell_verdict_name(want->verdict));
            if (memcmp(got.counts, want->counts, sizeof(got.counts)) != 0)
                mc_buf_puts(&why, "other counts of findings; ");
            bool same = got.n_causes == want->n_causes;
            for (size_t k = 0; same && k < got.n_causes; k++) {
                const struct mc_cluster_cause *a = &got.causes[k], *b = &want->causes[k];
                same = strcmp(a->rule, b->rule) == 0 && a->status == b->status &&
                       a->severity == b->severity && a->names_vm == b->names_vm &&
                       (a->subject == b->subject ||
                        (a->subject && b->subject && strcmp(a->subject, b->subject) == 0));
            }
            if (!same)
                mc_buf_puts(&why, "other causes; ");
            if (why.len) {
                const struct mc_cluster_vm *rv = &c->vms[want->rep_vm];
                mc_buf_printf(&why, "the situation was judged on %s (%s) -> %s",
                              rv->facts->name ? rv->facts->name : "?", c->hosts[rv->host].name,
                              c->hosts[want->rep_dst].name);
                bad++;
                if (report)
                    report(vi, d, why.data, userdata);
            }
            for (size_t k = 0; k < got.n_causes; k++) {
                free(got.causes[k].subject);
                free(got.causes[k].message);
            }
            free(got.causes);
        }
    return bad;
}

void mc_cluster_free(struct mc_cluster *c)
{
    for (size_t i = 0; i < c->n_hosts; i++) {
        free(c->hosts[i].name);
        free(c->hosts[i].origin);
        if (!c->hosts[i].borrowed)
            mc_host_facts_free(c->hosts[i].facts);
    }
    free(c->hosts);
    for (size_t i = 0; i < c->n_vms; i++) {
        for (size_t g = 0; g < c->vms[i].n_groups; g++)
            free(c->vms[i].groups[g].hosts);
        free(c->vms[i].groups);
    }
    free(c->vms);
    for (size_t i = 0; i < c->n_results; i++) {
        for (size_t k = 0; k < c->results[i].n_causes; k++) {
            free(c->results[i].causes[k].subject);
            free(c->results[i].causes[k].message);
        }
        free(c->results[i].causes);
    }
    free(c->results);
    free(c->migratable);
    free(c->cells);
    memset(c, 0, sizeof(*c));
}

/* ---- facts that split the cluster ---- */

struct split_builder {
    struct mc_split *s;
    size_t n;
};

static struct mc_split *split_get(struct split_builder *b, const char *fact, bool owned)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->s[i].fact, fact) == 0)
            return &b->s[i];
    struct mc_split *s = MC_APPEND(b->s, b->n);
    memset(s, 0, sizeof(*s));
    s->fact = owned ? mc_xstrdup(fact) : fact;
    s->owned = owned;
    return s;
}

static void split_add(struct mc_split *s, const char *value, size_t host)
{
    for (size_t i = 0; i < s->n_values; i++)
        if (strcmp(s->values[i].value, value) == 0) {
            *MC_APPEND(s->values[i].hosts, s->values[i].n_hosts) = (uint32_t)host;
            return;
        }
    struct mc_split_value *v = MC_APPEND(s->values, s->n_values);
    memset(v, 0, sizeof(*v));
    v->value = mc_xstrdup(value);
    *MC_APPEND(v->hosts, v->n_hosts) = (uint32_t)host;
}

static void split_clear(struct mc_split *s)
{
    for (size_t k = 0; k < s->n_values; k++) {
        free(s->values[k].value);
        free(s->values[k].hosts);
    }
    free(s->values);
    if (s->owned)
        free((char *)s->fact);
}

static int cmp_value(const void *x, const void *y)
{
    const struct mc_split_value *a = x, *b = y;
    if (a->n_hosts != b->n_hosts)
        return a->n_hosts > b->n_hosts ? -1 : 1;
    return strcmp(a->value, b->value);
}

static bool is_bridge(const struct mc_link *l)
{
    return l->kind && (strcmp(l->kind, "bridge") == 0 || strcmp(l->kind, "openvswitch") == 0);
}

/* A network or cluster store as the splits name it ("nfs 169.254.42.1:/srv"), or NULL for a
 * mount of neither kind. */
static char *store_key(const struct mc_mount *m)
{
    if (!m->netfs && !m->clusterfs)
        return NULL;
    return mc_xasprintf("%s %s:%s", m->fstype ? m->fstype : "?",
                        m->server_addr ? m->server_addr
                        : m->server    ? m->server
                        : m->source    ? m->source
                                       : "?",
                        m->export_path ? m->export_path
                        : m->locktable ? m->locktable
                                       : "");
}

void mc_cluster_splits(const struct mc_cluster *c, struct mc_split **ret, size_t *ret_n)
{
    struct split_builder b = { 0 };
    /* Names of bridges, networks and network stores present anywhere. */
    char **bridges = NULL, **networks = NULL, **stores = NULL;
    for (size_t h = 0; h < c->n_hosts; h++) {
        const struct mc_host_facts *f = c->hosts[h].facts;
        if (c->hosts[h].unreachable)
            continue;
        for (size_t i = 0; i < f->net.n_links; i++)
            if (is_bridge(&f->net.links[i]) && f->net.links[i].name &&
                !mc_strv_contains(bridges, f->net.links[i].name))
                mc_strv_add(&bridges, f->net.links[i].name);
        for (size_t i = 0; i < f->virt.n_networks; i++)
            if (f->virt.networks[i].name && !mc_strv_contains(networks, f->virt.networks[i].name))
                mc_strv_add(&networks, f->virt.networks[i].name);
        for (size_t i = 0; i < f->n_mounts; i++) {
            _cleanup_free_ char *k = store_key(&f->mounts[i]);
            if (k && !mc_strv_contains(stores, k))
                mc_strv_add(&stores, k);
        }
    }
    mc_strv_sort(bridges);
    mc_strv_sort(networks);
    mc_strv_sort(stores);
    for (size_t h = 0; h < c->n_hosts; h++) {
        const struct mc_host_facts *f = c->hosts[h].facts;
        if (c->hosts[h].unreachable)
            continue;
        char buf[32];
        split_add(split_get(&b, "QEMU", false), mc_version_string(f->virt.hv_version, buf), h);
        split_add(split_get(&b, "libvirt", false), mc_version_string(f->virt.libvirt_version, buf),
                  h);
        split_add(split_get(&b, "OS", false),
                  f->os.pretty_name ? f->os.pretty_name
                  : f->os.id        ? f->os.id
                                    : "unknown",
                  h);
        _cleanup_free_ char *cpu =
            mc_xasprintf("%s %s", f->virt.cpu_vendor ? f->virt.cpu_vendor : "",
                         f->virt.cpu_model ? f->virt.cpu_model : "unknown");
        split_add(split_get(&b, "CPU model", false), cpu[0] == ' ' ? cpu + 1 : cpu, h);
        STRV_FOREACH (br, bridges) {
            const struct mc_link *l = mc_net_find_link(&f->net, *br);
            _cleanup_free_ char *fact = mc_xasprintf("bridge %s", *br);
            _cleanup_free_ char *val =
                l && is_bridge(l)
                    ? mc_xasprintf("MTU %lld%s", (long long)l->mtu, l->up ? "" : ", down")
                    : mc_xstrdup("missing");
            split_add(split_get(&b, fact, true), val, h);
        }
        STRV_FOREACH (nw, networks) {
            const struct mc_vnet *v = mc_virt_find_network(&f->virt, *nw);
            _cleanup_free_ char *fact = mc_xasprintf("libvirt network %s", *nw);
            split_add(split_get(&b, fact, true),
                      !v          ? "missing"
                      : v->active ? "active"
                                  : "inactive",
                      h);
        }
        STRV_FOREACH (st, stores) {
            const char *where = NULL;
            for (size_t i = 0; i < f->n_mounts && !where; i++) {
                _cleanup_free_ char *k = store_key(&f->mounts[i]);
                if (k && strcmp(k, *st) == 0)
                    where = f->mounts[i].target;
            }
            _cleanup_free_ char *fact = mc_xasprintf("storage %s", *st);
            _cleanup_free_ char *val =
                where ? mc_xasprintf("mounted at %s", where) : mc_xstrdup("not mounted");
            split_add(split_get(&b, fact, true), val, h);
        }
    }
    mc_strv_free(bridges);
    mc_strv_free(networks);
    mc_strv_free(stores);
    /* Keep the facts with more than one value. */
    size_t k = 0;
    for (size_t i = 0; i < b.n; i++) {
        if (b.s[i].n_values > 1) {
            qsort(b.s[i].values, b.s[i].n_values, sizeof(*b.s[i].values), cmp_value);
            b.s[k++] = b.s[i];
        } else {
            split_clear(&b.s[i]);
        }
    }
    *ret = b.s;
    *ret_n = k;
}

void mc_cluster_splits_free(struct mc_split *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        split_clear(&s[i]);
    free(s);
}
