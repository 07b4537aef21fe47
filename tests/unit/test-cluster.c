/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster engine's claim (checker/cluster-key.c): two cells with the same
 * situation (the keys of domain, source and destination, and the pair key)
 * get the same summary from check's engine. Tested the hard way: on every
 * recorded pair of the golden cases, facts are changed one at a time (every
 * field the keys leave out or reduce, on every element that has it, plus
 * random fields anywhere), and whenever the situation stays the same the
 * summary must too. A change the keys see may change the summary; some must
 * (else this test would not reach the rules). Then a generated cluster is
 * judged and every cell compared with the pair judged on its own.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checker/cluster-key.h"
#include "checker/cluster.h"
#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "rules/rules.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CASES      MC_SOURCE_DIR "/tests/golden/cases"
#define AT(p, off) ((char *)(p) + (off))

static uint64_t rng = 12345;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static struct mc_check_opts copts = { .transport = "ssh" };

static struct mc_cluster_opts opts(void)
{
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    return (struct mc_cluster_opts){ .rules = rules, .n_rules = n, .check = &copts };
}

/* A cluster of two hosts: the domain to judge is the source's vm, the destination host 1. */
static void two_hosts(struct mc_cluster *c, struct mc_host_facts *s, struct mc_host_facts *d)
{
    memset(c, 0, sizeof(*c));
    mc_cluster_add_host(c, "src", s, NULL, false);
    mc_cluster_add_host(c, "dst", d, NULL, false);
    c->vms = mc_new0(struct mc_cluster_vm, 1);
    c->n_vms = 1;
    c->vms[0].facts = s->vm;
    c->vms[0].host = 0;
}

/* The summary: verdict, counts, and the causes (rule, status, severity, subject). */
static char *summary(const struct mc_cluster *c)
{
    struct mc_cluster_opts o = opts();
    struct mc_report rep = { 0 };
    mc_cluster_cell_report(c, &o, 0, 1, &rep);
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_printf(&b, "%s", mc_verdict_name(rep.verdict));
    for (int i = 0; i < _MC_STATUS_MAX; i++)
        mc_buf_printf(&b, " %zu", rep.counts[i]);
    const char *vm = c->vms[0].facts->name;
    for (size_t i = 0; i < rep.findings.n; i++) {
        const struct mc_finding *f = &rep.findings.items[i];
        if (f->status != MC_STATUS_FAIL && f->status != MC_STATUS_WARN &&
            f->status != MC_STATUS_UNKNOWN)
            continue;
        bool names_vm =
            f->subject && vm && strcmp(f->subject, vm) == 0 && strncmp(f->rule, "vm.", 3) == 0;
        mc_buf_printf(&b, "\n%s %d %d %s", f->rule, f->status, f->severity,
                      names_vm     ? "<vm>"
                      : f->subject ? f->subject
                                   : "");
    }
    mc_report_clear(&rep);
    return mc_buf_steal(&b);
}

static char *cell_key(const struct mc_cluster *c)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_cluster_cell_key(c, 0, 1, &b);
    /* keys are binary (NUL bytes inside): compared as hex */
    static const char hex[] = "0123456789abcdef";
    char *h = mc_xmalloc(2 * b.len + 1);
    for (size_t i = 0; i < b.len; i++) {
        h[2 * i] = hex[(unsigned char)b.data[i] >> 4];
        h[2 * i + 1] = hex[(unsigned char)b.data[i] & 15];
    }
    h[2 * b.len] = '\0';
    mc_buf_free(&b);
    return h;
}

/* ---- where a fact can be changed ---- */

struct site {
    const struct mc_struct_desc *d;
    size_t field;
    void *p;       /* the struct holding the field */
    char path[64]; /* "elem/field" */
};

static void collect(const struct mc_struct_desc *d, void *p, struct site **sites, size_t *n)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        struct site *s = MC_APPEND(*sites, *n);
        s->d = d;
        s->field = i;
        s->p = p;
        snprintf(s->path, sizeof(s->path), "%s/%s", d->name, f->name);
        switch (f->type) {
        case MC_FT_STRUCT:
            collect(f->sub, AT(p, f->offset), sites, n);
            break;
        case MC_FT_PTR: {
            void *q = *(void **)AT(p, f->offset);
            if (q)
                collect(f->sub, q, sites, n);
            break;
        }
        case MC_FT_ARRAY: {
            char *arr = *(char **)AT(p, f->offset);
            size_t cnt = *(size_t *)AT(p, f->count_offset);
            for (size_t k = 0; k < cnt; k++)
                collect(f->sub, arr + k * f->sub->size, sites, n);
            break;
        }
        default:
            break;
        }
    }
}

static char *fresh(void)
{
    return mc_xasprintf("mut-%016llx", (unsigned long long)rnd());
}

/* The same directory, another file name. */
static char *other_file(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return fresh();
    return mc_xasprintf("%.*s/mut-%08llx.img", (int)(slash - path), path,
                        (unsigned long long)(rnd() & 0xffffffff));
}

/*
 * Change the field at s: a leaf gets a new value, an array one more element of fresh values.
 * Paths keep their directory and a listen address becomes another address of the source host
 * (what the keys reduce them to is what must not matter).
 */
static void mutate(const struct site *s, const struct mc_host_facts *src)
{
    const struct mc_field *f = &s->d->fields[s->field];
    void *at = AT(s->p, f->offset);
    if (strcmp(s->path, "disk/source") == 0 || strcmp(s->path, "disk/source-name") == 0 ||
        strcmp(s->path, "file/path") == 0) {
        char **v = at;
        char *n = other_file(*v);
        free(*v);
        *v = n;
        return;
    }
    if (strcmp(s->path, "disk/backing") == 0) {
        for (char **v = *(char ***)at; v && *v; v++) {
            char *n = other_file(*v);
            free(*v);
            *v = n;
        }
        return;
    }
    if (strcmp(s->path, "graphics/listen") == 0) {
        char **v = at;
        for (size_t i = 0; i < src->net.n_addrs; i++) {
            const char *a = src->net.addrs[i].address;
            if (a && *v && strcmp(a, *v) != 0 && strncmp(a, "127.", 4) != 0 && strcmp(a, "::1") &&
                rnd() % 2) {
                free(*v);
                *v = mc_xstrdup(a);
                return;
            }
        }
        return;
    }
    switch (f->type) {
    case MC_FT_STR:
    case MC_FT_TEXT: {
        char **v = at;
        free(*v);
        *v = rnd() % 5 == 0 ? NULL : fresh();
        break;
    }
    case MC_FT_INT:
        *(int64_t *)at = (int64_t)(rnd() % 100000) - 10;
        break;
    case MC_FT_ERRNO:
        *(int64_t *)at = 1 + (int64_t)(rnd() % 120);
        break;
    case MC_FT_BOOL:
        *(bool *)at = !*(bool *)at;
        break;
    case MC_FT_AREAS:
        *(unsigned *)at = (unsigned)(rnd() & 0x7f);
        break;
    case MC_FT_ENUM:
        *(int *)at = (int)(rnd() % (f->names ? f->names->n : 1));
        break;
    case MC_FT_STRV:
        mc_strv_push((char ***)at, fresh());
        break;
    case MC_FT_ARRAY: {
        char **arr = (char **)at;
        size_t *cnt = (size_t *)AT(s->p, f->count_offset);
        *arr = mc_array_grow(*arr, cnt, f->sub->size);
        void *e = *arr + (*cnt - 1) * f->sub->size;
        for (size_t i = 0; i < f->sub->n_fields; i++) {
            const struct mc_field *g = &f->sub->fields[i];
            if (g->type == MC_FT_STR || g->type == MC_FT_TEXT)
                *(char **)AT(e, g->offset) = fresh();
            else if (g->type == MC_FT_INT)
                *(int64_t *)AT(e, g->offset) = 1 + (int64_t)(rnd() % 1000);
        }
        break;
    }
    default:
        break;
    }
}

static bool left_out(const char *path)
{
    for (const char *const *l = mc_key_left_out; *l; l++)
        if (strcmp(*l, path) == 0)
            return true;
    return false;
}

struct tally {
    char **covered; /* left-out paths met with an unchanged situation */
    size_t same, same_key_visible_change, seen_change;
};

/* The sites of a side: 0 the source host (without its domain), 1 the destination, 2 the
 * domain. */
static void collect_side(int side, struct mc_host_facts *s, struct mc_host_facts *d,
                         struct site **sites, size_t *n)
{
    if (side == 2) {
        collect(&mc_desc_vm_facts, s->vm, sites, n);
        return;
    }
    struct mc_host_facts *h = side ? d : s;
    struct mc_vm_facts *vm = h->vm;
    h->vm = NULL; /* the domain is side 2 */
    collect(&mc_desc_host_facts, h, sites, n);
    h->vm = vm;
}

/* side: 0 source host, 1 destination host, 2 the domain. Site index i of that side. */
static void try_one(struct mc_host_facts *s0, struct mc_host_facts *d0, const char *base_key,
                    const char *base_sum, int side, size_t i, struct tally *t, const char *cs)
{
    struct mc_host_facts *s = mc_host_facts_new(), *d = mc_host_facts_new();
    mc_struct_copy(&mc_desc_host_facts, s, s0);
    mc_struct_copy(&mc_desc_host_facts, d, d0);
    struct site *sites = NULL;
    size_t n = 0;
    collect_side(side, s, d, &sites, &n);
    if (i >= n) {
        free(sites);
        mc_host_facts_free(s);
        mc_host_facts_free(d);
        return;
    }
    char path[64];
    snprintf(path, sizeof(path), "%s", sites[i].path);
    mutate(&sites[i], s);
    free(sites);
    struct mc_cluster c;
    two_hosts(&c, s, d);
    char *key = cell_key(&c);
    char *sum = summary(&c);
    bool same_key = strcmp(key, base_key) == 0;
    if (same_key) {
        t->same++;
        if (strcmp(sum, base_sum) != 0)
            fail_msg("case %s: changing %s (%s) left the situation as it was but check says\n"
                     "%s\ninstead of\n%s",
                     cs, path,
                     side == 0   ? "source"
                     : side == 1 ? "destination"
                                 : "domain",
                     sum, base_sum);
        if (left_out(path) && !mc_strv_contains(t->covered, path))
            mc_strv_add(&t->covered, path);
    } else if (strcmp(sum, base_sum) != 0) {
        t->seen_change++;
    }
    free(key);
    free(sum);
    mc_cluster_free(&c); /* frees s and d */
}

static void test_situation_decides(void **state)
{
    (void)state;
    DIR *dir = opendir(CASES);
    assert_non_null(dir);
    char **cases = NULL;
    struct dirent *e;
    while ((e = readdir(dir)))
        if (e->d_name[0] != '.' && strncmp(e->d_name, "bad-", 4) != 0)
            mc_strv_add(&cases, e->d_name);
    closedir(dir);
    mc_strv_sort(cases);
    struct tally t = { 0 };
    size_t n_cases = 0;
    STRV_FOREACH (cs, cases) {
        char *sp = mc_xasprintf("%s/%s/src.xml", CASES, *cs);
        char *dp = mc_xasprintf("%s/%s/dst.xml", CASES, *cs);
        struct mc_host_facts *s0 = NULL, *d0 = NULL;
        struct mc_error err = { 0 };
        bool ok = mc_facts_load(sp, &s0, &err) == 0 && mc_facts_load(dp, &d0, &err) == 0 && s0->vm;
        mc_error_clear(&err);
        free(sp);
        free(dp);
        if (!ok) {
            mc_host_facts_free(s0);
            mc_host_facts_free(d0);
            continue;
        }
        n_cases++;
        if (strcmp(*cs, "devices-ok") == 0) {
            /* Facts no recording has: a block device on both hosts, an NVRAM file. */
            for (int k = 0; k < 2; k++) {
                struct mc_host_facts *h = k ? d0 : s0;
                struct mc_blockdev *b = MC_APPEND(h->storage.blockdevs, h->storage.n_blockdevs);
                b->name = mc_xstrdup("sdb");
                b->path = mc_xstrdup("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4");
                b->devno = mc_xstrdup("8:16");
                b->wwn = mc_xstrdup("0x5000c500a1b2c3d4");
                b->vendor = mc_xstrdup("LIO-ORG");
                b->model = mc_xstrdup("disk0");
                b->size_bytes = 1 << 30;
                b->dm_name = mc_xstrdup("mpatha");
                b->transport = mc_xstrdup("iscsi");
                mc_strv_add(&b->slaves, "sdc");
            }
            struct mc_vm_file *f = MC_APPEND(s0->vm->files, s0->vm->n_files);
            f->role = mc_xstrdup("nvram");
            f->path = mc_xstrdup("/var/lib/libvirt/qemu/nvram/web_VARS.fd");
        }
        struct mc_host_facts *sc = mc_host_facts_new(), *dc = mc_host_facts_new();
        mc_struct_copy(&mc_desc_host_facts, sc, s0);
        mc_struct_copy(&mc_desc_host_facts, dc, d0);
        struct mc_cluster c;
        two_hosts(&c, sc, dc);
        char *base_key = cell_key(&c);
        char *base_sum = summary(&c);
        mc_cluster_free(&c);
        for (int side = 0; side < 3; side++) {
            struct site *sites = NULL;
            size_t n = 0;
            collect_side(side, s0, d0, &sites, &n);
            /* Each left-out field on one of its sites per side and case, twice (the values
             * differ); one in two hundred other sites. */
            char **done = NULL;
            for (size_t i = 0; i < n; i++) {
                int tries = 0;
                if (left_out(sites[i].path)) {
                    size_t seen = 0;
                    STRV_FOREACH (x, done)
                        seen += strcmp(*x, sites[i].path) == 0;
                    if (seen < 1) {
                        mc_strv_add(&done, sites[i].path);
                        tries = 2;
                    }
                } else {
                    tries = rnd() % 200 == 0;
                }
                for (int k = 0; k < tries; k++)
                    try_one(s0, d0, base_key, base_sum, side, i, &t, *cs);
            }
            mc_strv_free(done);
            free(sites);
        }
        free(base_key);
        free(base_sum);
        mc_host_facts_free(s0);
        mc_host_facts_free(d0);
    }
    mc_strv_free(cases);
    printf("# %zu cases, %zu changes the situation did not see, %zu it saw that changed the "
           "verdict or causes\n",
           n_cases, t.same, t.seen_change);
    assert_true(n_cases >= 30);
    assert_true(t.seen_change > 50); /* the changes reach the rules */
    /* Every field the keys leave out was changed somewhere without changing the situation. */
    size_t missing = 0;
    for (const char *const *l = mc_key_left_out; *l; l++)
        if (!mc_strv_contains(t.covered, *l)) {
            printf("# left-out field never exercised: %s\n", *l);
            missing++;
        }
    mc_strv_free(t.covered);
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_situation_decides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
