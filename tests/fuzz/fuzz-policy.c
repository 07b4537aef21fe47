/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Site policy files (migcheck-policy(5)) are read like every other input:
 * any input either fails with a message naming the policy, or parses; what
 * parses is validated against the rule table, and what validates is
 * evaluated over a small pair document, giving exactly one finding per
 * requirement whose rule id is the requirement's (XPath errors and the
 * operation limit end as UNKNOWN findings, never as a crash or a hang).
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/policy.h"
#include "checker/xml-util.h"
#include "rules/rules.h"
#include "util/xalloc.h"

static struct mc_host_facts *host(const char *name)
{
    struct mc_host_facts *h = mc_host_facts_new();
    h->name = mc_xstrdup(name);
    h->areas = MC_AREA_OS | MC_AREA_NET;
    h->os.id = mc_xstrdup("debian");
    struct mc_link *l = MC_APPEND(h->net.links, h->net.n_links);
    l->name = mc_xstrdup("br-storage");
    l->mtu = 9000;
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_policy *p = NULL;
    mc_xml_init();
    if (mc_policy_parse((const char *)data, size, "fuzz.xml", &p, &err) < 0) {
        if (!err.message || !strstr(err.message, "policy 'fuzz.xml'"))
            abort(); /* every failure says why, and names the policy */
        mc_error_clear(&err);
        return 0;
    }
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    if (mc_policy_validate(p, rules, n, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        mc_policy_free(p);
        return 0;
    }
    for (size_t i = 0; i < p->n_rules; i++)
        if (mc_policy_find_rule(p, p->rules[i].id) == NULL || !mc_rule_find(p->rules[i].id))
            abort(); /* validated rule ids are in the table */

    struct mc_host_facts *src = host("kvm1"), *dst = host("kvm2");
    struct mc_vm_facts vm = { .name = (char *)"web1", .memory_kib = 65536 };
    struct mc_pair_facts *rel = mc_pair_facts_new();
    struct mc_check_opts opts = { .transport = "ssh" };
    struct mc_pair pair = { .src = src,
                            .dst = dst,
                            .vm = &vm,
                            .rel = rel,
                            .opts = &opts,
                            .src_name = "kvm1",
                            .dst_name = "kvm2" };
    struct mc_findings out = { 0 };
    bool unknown_blocks = false;
    mc_policy_eval(p, &pair, &out, &unknown_blocks);
    if (out.n != p->n_requires)
        abort(); /* one finding per requirement */
    for (size_t i = 0; i < out.n; i++) {
        const struct mc_finding *f = &out.items[i];
        if (f->rule != p->requires[i].id || !f->message)
            abort();
        if (f->status == MC_STATUS_UNKNOWN && f->severity == MC_SEV_FAIL && !unknown_blocks)
            abort();
    }
    mc_findings_clear(&out);
    mc_pair_facts_free(rel);
    mc_host_facts_free(src);
    mc_host_facts_free(dst);
    mc_policy_free(p);
    return 0;
}
