/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine: run the rule table over a pair. A rule whose facts are missing
 * (the area failed to gather, or was never gathered) is UNKNOWN, never PASS;
 * a rule that needs live probes is SKIP when none ran. The site policy may
 * change a rule's severity or disable it, and adds its own XPath
 * requirements. The verdict follows from the findings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "report.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const status_names[_MC_STATUS_MAX] = { "pass", "warn", "fail", "skip",
                                                          "unknown" };
static const char *const status_labels[_MC_STATUS_MAX] = { "PASS", "WARN", "FAIL", "SKIP",
                                                           "UNKNOWN" };

static const char *const verdict_names[_MC_VERDICT_MAX] = {
    [MC_VERDICT_MIGRATABLE] = "migratable",
    [MC_VERDICT_BLOCKED] = "blocked",
    [MC_VERDICT_UNKNOWN] = "unknown",
};
MC_ENUM_NAMES(mc_verdict_names, "verdict", verdict_names);

const char *mc_verdict_name(enum mc_verdict v)
{
    return mc_enum_name_or(&mc_verdict_names, (int)v, "unknown");
}

const char *mc_status_name(enum mc_status s)
{
    return s < _MC_STATUS_MAX ? status_names[s] : "?";
}

const char *mc_status_label(enum mc_status s)
{
    return s < _MC_STATUS_MAX ? status_labels[s] : "?";
}

const char *mc_severity_name(enum mc_severity s)
{
    return s == MC_SEV_FAIL ? "fail" : "warn";
}

int mc_severity_from_name(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "fail") == 0)
        return MC_SEV_FAIL;
    if (strcmp(s, "warn") == 0)
        return MC_SEV_WARN;
    return -1;
}

const char *mc_rule_area(const char *id, char buf[static 32])
{
    size_t n = strcspn(id, ".");
    if (n >= 32)
        n = 31;
    memcpy(buf, id, n);
    buf[n] = '\0';
    return buf;
}

struct mc_finding *mc_emit(struct mc_findings *out, const struct mc_rule *r, int status,
                           const char *subject, const char *fmt, ...)
{
    struct mc_finding *f = MC_APPEND(out->items, out->n);
    va_list ap;
    f->rule = r->id;
    f->status = (enum mc_status)status; /* MC_PROBLEM is resolved by the engine */
    f->severity = r->severity;
    f->subject = mc_xstrdup_or_null(subject);
    va_start(ap, fmt);
    f->message = mc_xvasprintf(fmt, ap);
    va_end(ap);
    return f;
}

void mc_finding_set_hint(struct mc_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(f->hint);
    f->hint = mc_xvasprintf(fmt, ap);
    va_end(ap);
}

void mc_finding_set_evidence(struct mc_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(f->evidence);
    f->evidence = mc_xvasprintf(fmt, ap);
    va_end(ap);
}

void mc_finding_set_fix(struct mc_finding *f, enum mc_fix fix)
{
    f->fix = fix;
    f->fix_set = true;
}

void mc_finding_add_number(struct mc_finding *f, const char *key, double v, int decimals)
{
    struct mc_datum *d = MC_APPEND(f->data, f->n_data);
    d->key = mc_xstrdup(key);
    d->number = v;
    d->decimals = decimals;
}

void mc_finding_add_text(struct mc_finding *f, const char *key, const char *v)
{
    struct mc_datum *d = MC_APPEND(f->data, f->n_data);
    d->key = mc_xstrdup(key);
    d->text = mc_xstrdup(v ? v : "");
}

const struct mc_datum *mc_finding_datum(const struct mc_finding *f, const char *key)
{
    for (size_t i = 0; f && i < f->n_data; i++)
        if (strcmp(f->data[i].key, key) == 0)
            return &f->data[i];
    return NULL;
}

const struct mc_finding *mc_report_finding(const struct mc_report *r, const char *rule)
{
    for (size_t i = 0; r && i < r->findings.n; i++)
        if (r->findings.items[i].rule && strcmp(r->findings.items[i].rule, rule) == 0)
            return &r->findings.items[i];
    return NULL;
}

void mc_finding_free_fields(struct mc_finding *f)
{
    free(f->subject);
    free(f->message);
    free(f->hint);
    free(f->evidence);
    for (size_t i = 0; i < f->n_data; i++) {
        free(f->data[i].key);
        free(f->data[i].text);
    }
    free(f->data);
}

void mc_findings_clear(struct mc_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        mc_finding_free_fields(&fs->items[i]);
    free(fs->items);
    fs->items = NULL;
    fs->n = 0;
}

void mc_report_clear(struct mc_report *r)
{
    free(r->source);
    free(r->destination);
    free(r->domain);
    free(r->src_agent);
    free(r->dst_agent);
    mc_strv_free(r->notes);
    mc_findings_clear(&r->findings);
    memset(r, 0, sizeof(*r));
}

/*
 * Errors of these parts do not make their whole area unknown: the rules that read them check
 * them themselves (a non-root user in the libvirt group cannot read qemu.conf, or the iSCSI
 * initiator name, and every other fact of the area is still there).
 */
static bool optional_part(const char *area)
{
    static const char *const parts[] = { "virt/qemu-conf", "storage/iscsi-initiator", NULL };
    for (size_t i = 0; parts[i]; i++)
        if (area && strcmp(area, parts[i]) == 0)
            return true;
    return false;
}

static const struct mc_fact_error *area_error(const struct mc_host_facts *h, unsigned area)
{
    for (size_t i = 0; i < h->n_errors; i++)
        if ((mc_area_from_name(h->errors[i].area) & area) && !optional_part(h->errors[i].area))
            return &h->errors[i];
    return NULL;
}

/* The host set's message names the host ("cannot reach 'kvm2': ..."). */
static const char *host_error_text(const struct mc_fact_error *e)
{
    return e->message && *e->message ? e->message : "a host could not be reached";
}

/* Why the facts a rule needs are not there, or NULL when they are. */
static char *missing_facts(const struct mc_rule *r, const struct mc_pair *p)
{
    static const struct {
        unsigned need;
        bool dst;
        unsigned area;
    } map[] = {
        { MC_NEED_SRC_OS, false, MC_AREA_OS },
        { MC_NEED_DST_OS, true, MC_AREA_OS },
        { MC_NEED_SRC_VIRT, false, MC_AREA_VIRT },
        { MC_NEED_DST_VIRT, true, MC_AREA_VIRT },
        { MC_NEED_SRC_MOUNTS, false, MC_AREA_MOUNTS },
        { MC_NEED_DST_MOUNTS, true, MC_AREA_MOUNTS },
        { MC_NEED_SRC_STORAGE, false, MC_AREA_STORAGE },
        { MC_NEED_DST_STORAGE, true, MC_AREA_STORAGE },
        { MC_NEED_SRC_NET, false, MC_AREA_NET },
        { MC_NEED_DST_NET, true, MC_AREA_NET },
    };
    /* A host that could not be reached at all: every rule that needs its facts (the domain's are
     * the source's, unless they come from --vm-xml; live probes need both hosts) says why. */
    const struct mc_fact_error *se = mc_facts_host_error(p->src);
    const struct mc_fact_error *de = mc_facts_host_error(p->dst);
    unsigned src_needs = MC_NEED_SRC_OS | MC_NEED_SRC_VIRT | MC_NEED_SRC_MOUNTS |
                         MC_NEED_SRC_STORAGE | MC_NEED_SRC_NET | MC_NEED_LIVE;
    unsigned dst_needs = MC_NEED_DST_OS | MC_NEED_DST_VIRT | MC_NEED_DST_MOUNTS |
                         MC_NEED_DST_STORAGE | MC_NEED_DST_NET | MC_NEED_LIVE;
    if (!(r->needs & MC_NEED_NO_VM)) {
        if (se && ((r->needs & src_needs) || !p->vm))
            return mc_xstrdup(host_error_text(se));
        if (de && (r->needs & dst_needs))
            return mc_xstrdup(host_error_text(de));
    }
    if (!p->vm && !(r->needs & MC_NEED_NO_VM)) {
        const struct mc_fact_error *e = p->src ? mc_facts_area_error(p->src, MC_AREA_VM) : NULL;
        if (e && e->message)
            return mc_xasprintf("the domain's facts are missing: %s", e->message);
        return mc_xstrdup("the domain's facts are missing");
    }
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (!(r->needs & map[i].need))
            continue;
        const struct mc_host_facts *h = map[i].dst ? p->dst : p->src;
        const char *who = map[i].dst ? "destination" : "source";
        const char *hname = map[i].dst ? p->dst_name : p->src_name;
        if (!h)
            return mc_xasprintf("no facts from the %s", who);
        if (!(h->areas & map[i].area))
            return mc_xasprintf("%s facts of '%s' were not gathered", mc_area_name(map[i].area),
                                hname ? hname : who);
        const struct mc_fact_error *e = area_error(h, map[i].area);
        if (e)
            return mc_xasprintf("%s facts of '%s' are missing: %s", mc_area_name(map[i].area),
                                hname ? hname : who, e->message ? e->message : "error");
    }
    return NULL;
}

static void add_note_finding(struct mc_findings *out, const struct mc_rule *r, enum mc_severity sev,
                             enum mc_status st, char *msg)
{
    struct mc_finding *f = MC_APPEND(out->items, out->n);
    f->rule = r->id;
    f->status = st;
    f->severity = sev;
    f->message = msg;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A rule that finds the same thing twice (one log file named by a serial port and by the console
 * that mirrors it, a snapshot that lists a file twice) reports it once. Past a few hundred
 * findings of one rule the comparison is skipped, to stay linear on hostile input. */
static void drop_repeats(struct mc_findings *out, size_t first)
{
    if (out->n - first > 512)
        return;
    size_t k = first;
    for (size_t i = first; i < out->n; i++) {
        struct mc_finding *f = &out->items[i];
        bool repeat = false;
        for (size_t j = first; j < k && !repeat; j++) {
            const struct mc_finding *g = &out->items[j];
            repeat = g->status == f->status && same_text(g->subject, f->subject) &&
                     same_text(g->message, f->message);
        }
        if (repeat) {
            mc_finding_free_fields(f);
            continue;
        }
        out->items[k++] = *f;
    }
    out->n = k;
}

/* Does --rule/--skip-rule let rule id run? */
static bool selected(const struct mc_engine_opts *o, const char *id)
{
    if (!id)
        return !o->only;
    if (o->only && !mc_strv_contains(o->only, id))
        return false;
    return !mc_strv_contains(o->skip, id);
}

void mc_engine_run(const struct mc_engine_opts *o, const struct mc_pair *p, struct mc_report *ret)
{
    struct mc_findings *out = &ret->findings;
    bool unknown_blocks = false;
    size_t run = 0, total = o->n_rules + (o->policy ? o->policy->n_requires : 0);

    for (size_t i = 0; i < o->n_rules; i++) {
        const struct mc_rule *r = &o->rules[i];
        if (!selected(o, r->id))
            continue;
        const struct mc_policy_rule *pr = mc_policy_find_rule(o->policy, r->id);
        if (pr && pr->disabled) {
            total--; /* the site turned it off: not a rule of this site */
            continue;
        }
        run++;
        enum mc_severity sev =
            pr && pr->severity >= 0 ? (enum mc_severity)pr->severity : r->severity;
        size_t first = out->n;

        char *why = missing_facts(r, p);
        if (why) {
            add_note_finding(out, r, sev, MC_STATUS_UNKNOWN, why);
        } else if ((r->needs & MC_NEED_LIVE) && !p->rel->live) {
            add_note_finding(out, r, sev, MC_STATUS_SKIP,
                             mc_xstrdup("needs live probes of both hosts (offline check or "
                                        "--no-probe)"));
        } else {
            r->check(r, p, out);
            drop_repeats(out, first);
            if (out->n == first)
                add_note_finding(out, r, sev, MC_STATUS_SKIP, mc_xstrdup("not applicable"));
        }

        for (size_t k = first; k < out->n; k++) {
            struct mc_finding *f = &out->items[k];
            f->severity = sev;
            if ((int)f->status == MC_PROBLEM) {
                f->status = sev == MC_SEV_FAIL ? MC_STATUS_FAIL : MC_STATUS_WARN;
                if (!f->hint && r->hint)
                    f->hint = mc_xstrdup(r->hint);
                if (!f->fix_set)
                    f->fix = r->fix;
            }
            if (f->status == MC_STATUS_UNKNOWN && sev == MC_SEV_FAIL)
                unknown_blocks = true;
        }
    }

    if (o->policy) {
        size_t first = out->n;
        bool policy_unknown = false;
        const struct mc_fact_error *he = mc_facts_host_error(p->src);
        const char *htext = he ? host_error_text(he) : NULL;
        if (!he) {
            he = mc_facts_host_error(p->dst);
            htext = he ? host_error_text(he) : NULL;
        }
        if (he) {
            /* The pair document would miss a whole host: a requirement over it would be judged
             * on nothing. */
            for (size_t i = 0; i < o->policy->n_requires; i++) {
                const struct mc_policy_require *q = &o->policy->requires[i];
                struct mc_finding *f = MC_APPEND(out->items, out->n);
                f->rule = q->id;
                f->status = MC_STATUS_UNKNOWN;
                f->severity = q->severity;
                f->subject = mc_xstrdup(q->title ? q->title : q->id);
                f->message =
                    mc_xasprintf("cannot evaluate site requirement '%s': %s", q->id, htext);
                if (q->severity == MC_SEV_FAIL)
                    policy_unknown = true;
            }
        } else {
            mc_policy_eval(o->policy, p, out, &policy_unknown);
        }
        /* Keep the requirements --rule/--skip-rule select. */
        size_t k = first;
        for (size_t i = first; i < out->n; i++) {
            struct mc_finding *f = &out->items[i];
            if (selected(o, f->rule)) {
                if (f->status == MC_STATUS_UNKNOWN && f->severity == MC_SEV_FAIL)
                    unknown_blocks = true;
                out->items[k++] = *f;
            } else {
                mc_finding_free_fields(f);
            }
        }
        out->n = k;
        if (!o->only && !o->skip)
            unknown_blocks = unknown_blocks || policy_unknown;
        for (size_t i = 0; i < o->policy->n_requires; i++)
            if (selected(o, o->policy->requires[i].id))
                run++;
    }
    ret->partial = o->only || o->skip;
    ret->rules_run = run;
    ret->rules_total = total;

    memset(ret->counts, 0, sizeof(ret->counts));
    for (size_t k = 0; k < out->n; k++)
        ret->counts[out->items[k].status]++;
    ret->strict = o->strict;
    bool blocked = ret->counts[MC_STATUS_FAIL] > 0 || (o->strict && ret->counts[MC_STATUS_WARN]);
    if (blocked)
        ret->verdict = MC_VERDICT_BLOCKED;
    else if (unknown_blocks || (o->strict && ret->counts[MC_STATUS_UNKNOWN]))
        ret->verdict = MC_VERDICT_UNKNOWN;
    else
        ret->verdict = MC_VERDICT_MIGRATABLE;
}
