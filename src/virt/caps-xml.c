/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virConnectGetCapabilities and virConnectGetDomainCapabilities documents
 * (libvirt docs/formatcaps.rst, docs/formatdomaincaps.rst).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"
#include "virt-xml.h"
#include "virt.h"

/* Real capabilities of a large host hold tens of thousands of elements (one per CPU, cache
 * bank, machine type); refuse anything far beyond that. */
#define MAX_ELEMENTS 500000
/* Distinct page sizes tracked (real hosts have two to four). */
#define MAX_PAGE_SIZES 64

static struct mc_hugepages *find_pages(struct mc_virt_facts *t, int64_t size)
{
    for (size_t i = 0; i < t->n_hugepages; i++)
        if (t->hugepages[i].size_kib == size)
            return &t->hugepages[i];
    return NULL;
}

/* size in KiB of a <pages unit= size=> element; 0 when malformed. */
static int64_t page_size_kib(xmlNodePtr p)
{
    _cleanup_free_ char *size = mc_xml_prop(p, "size");
    _cleanup_free_ char *unit = mc_xml_prop(p, "unit");
    int64_t kib = 0;
    if (!mc_scale_value(size, unit, "KiB", 1024, &kib) || kib <= 0)
        return 0;
    return kib;
}

static void parse_host_cpu(xmlDocPtr doc, xmlNodePtr cpu, struct mc_virt_facts *t,
                           int64_t *base_page)
{
    t->cpu_arch = mc_xml_child_text(cpu, "arch");
    t->cpu_model = mc_xml_child_text(cpu, "model");
    t->cpu_vendor = mc_xml_child_text(cpu, "vendor");
    size_t nfeat = 0;
    for (xmlNodePtr c = mc_xml_first_elem(cpu); c; c = mc_xml_next_elem(c)) {
        if (mc_xml_is(c, "feature")) {
            char *name = mc_xml_prop(c, "name");
            if (name)
                mc_strv_append_n(&t->cpu_features, &nfeat, name);
        } else if (mc_xml_is(c, "counter")) {
            _cleanup_free_ char *name = mc_xml_prop(c, "name");
            _cleanup_free_ char *freq = mc_xml_prop(c, "frequency");
            int64_t hz;
            if (name && strcmp(name, "tsc") == 0 && mc_parse_int64(freq, false, &hz) && hz > 0)
                t->tsc_khz = hz / 1000;
        } else if (mc_xml_is(c, "pages")) {
            /* libvirt lists the system page size first, then the huge page sizes. */
            int64_t kib = page_size_kib(c);
            if (!kib)
                continue;
            if (!*base_page || kib < *base_page)
                *base_page = kib;
            if (!find_pages(t, kib) && t->n_hugepages < MAX_PAGE_SIZES)
                MC_APPEND(t->hugepages, t->n_hugepages)->size_kib = kib;
        }
    }
    t->host_cpu_xml = mc_xml_node_to_string(doc, cpu);
}

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    return a + b;
}

static void parse_topology(xmlNodePtr topo, struct mc_virt_facts *t, int64_t *base_page)
{
    xmlNodePtr cells = mc_xml_child(topo, "cells");
    if (!cells)
        return;
    int64_t ncells = 0;
    for (xmlNodePtr cell = mc_xml_first_elem(cells); cell; cell = mc_xml_next_elem(cell)) {
        if (!mc_xml_is(cell, "cell"))
            continue;
        ncells++;
        for (xmlNodePtr p = mc_xml_first_elem(cell); p; p = mc_xml_next_elem(p)) {
            if (!mc_xml_is(p, "pages"))
                continue;
            int64_t kib = page_size_kib(p);
            _cleanup_free_ char *text = mc_xml_text(p);
            int64_t count;
            if (!kib || !mc_parse_int64(text, false, &count) || count < 0)
                continue;
            struct mc_hugepages *hp = find_pages(t, kib);
            if (!hp && t->n_hugepages < MAX_PAGE_SIZES) {
                hp = MC_APPEND(t->hugepages, t->n_hugepages);
                hp->size_kib = kib;
            }
            if (hp)
                hp->total = sat_add(hp->total, count);
            if (!*base_page || kib < *base_page)
                *base_page = kib;
        }
    }
    t->numa_nodes = ncells;
}

/* Drop the system page size: what is left are the huge page sizes. */
static void drop_base_page(struct mc_virt_facts *t, int64_t base_page)
{
    for (size_t i = 0; i < t->n_hugepages; i++) {
        if (t->hugepages[i].size_kib != base_page)
            continue;
        memmove(&t->hugepages[i], &t->hugepages[i + 1],
                (t->n_hugepages - i - 1) * sizeof(*t->hugepages));
        t->n_hugepages--;
        return;
    }
}

static void parse_migration(xmlNodePtr mig, struct mc_virt_facts *t)
{
    t->live_migration = mc_xml_child(mig, "live") != NULL;
    size_t n = 0;
    for (xmlNodePtr tr = mc_xml_first_elem(mc_xml_child(mig, "uri_transports")); tr;
         tr = mc_xml_next_elem(tr))
        if (mc_xml_is(tr, "uri_transport"))
            mc_strv_append_n(&t->migration_transports, &n, mc_xml_text(tr));
}

static void add_machine(struct mc_virt_facts *t, xmlNodePtr m, const char *arch, size_t first)
{
    _cleanup_free_ char *name = mc_xml_text(m);
    if (!*name)
        return;
    /* The <domain type='kvm'> list may repeat the <arch> list: keep one entry per
     * (arch, name); only this guest's machines (from first on) can repeat. */
    for (size_t i = first; i < t->n_machines; i++)
        if (strcmp(t->machines[i].name, name) == 0)
            return;
    struct mc_machine *mm = MC_APPEND(t->machines, t->n_machines);
    mm->name = TAKE_PTR(name);
    mm->canonical = mc_xml_prop(m, "canonical");
    mm->arch = mc_xstrdup_or_null(arch);
    _cleanup_free_ char *maxcpus = mc_xml_prop(m, "maxCpus");
    int64_t v;
    if (maxcpus && mc_parse_int64(maxcpus, false, &v) && v > 0)
        mm->maxcpus = v;
    mm->deprecated = mc_xml_prop_yes(m, "deprecated");
}

static void parse_guest(xmlNodePtr guest, struct mc_virt_facts *t)
{
    xmlNodePtr arch = mc_xml_child(guest, "arch");
    struct mc_guest_arch *g = MC_APPEND(t->guests, t->n_guests);
    g->os_type = mc_xml_child_text(guest, "os_type");
    if (!arch)
        return;
    g->arch = mc_xml_prop(arch, "name");
    g->emulator = mc_xml_child_text(arch, "emulator");
    size_t first = t->n_machines, ntypes = 0;
    for (xmlNodePtr c = mc_xml_first_elem(arch); c; c = mc_xml_next_elem(c)) {
        if (mc_xml_is(c, "machine")) {
            add_machine(t, c, g->arch, first);
        } else if (mc_xml_is(c, "domain")) {
            char *type = mc_xml_prop(c, "type");
            if (type)
                mc_strv_append_n(&g->domain_types, &ntypes, type);
            for (xmlNodePtr m = mc_xml_first_elem(c); m; m = mc_xml_next_elem(m))
                if (mc_xml_is(m, "machine"))
                    add_machine(t, m, g->arch, first);
        }
    }
}

/* Move the capability fields of src into dst, freeing what dst held there. */
static void move_caps(struct mc_virt_facts *dst, struct mc_virt_facts *src)
{
    struct mc_virt_facts old = { 0 };
#define MOVE(f)                                                                                    \
    do {                                                                                           \
        old.f = dst->f;                                                                            \
        dst->f = src->f;                                                                           \
        src->f = 0;                                                                                \
    } while (0)
    MOVE(host_uuid);
    MOVE(cpu_arch);
    MOVE(cpu_vendor);
    MOVE(cpu_model);
    MOVE(cpu_features);
    MOVE(host_cpu_xml);
    MOVE(live_migration);
    MOVE(migration_transports);
    MOVE(secmodels);
    MOVE(guests);
    MOVE(n_guests);
    MOVE(machines);
    MOVE(n_machines);
    MOVE(hugepages);
    MOVE(n_hugepages);
    MOVE(tsc_khz);
    MOVE(numa_nodes);
#undef MOVE
    mc_virt_facts_clear(&old);
}

int mc_capabilities_xml_parse(const char *xml, size_t len, struct mc_virt_facts *v,
                              struct mc_error *reterr)
{
    const char *what = "capabilities XML";
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, what, "capabilities", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);

    _cleanup_(mc_virt_facts_clear) struct mc_virt_facts t = { 0 };
    int64_t base_page = 0;
    xmlNodePtr host = mc_xml_child(root, "host");
    if (!host)
        return mc_error_set(reterr, -EBADMSG, "%s has no <host> element", what);
    t.host_uuid = mc_xml_child_text(host, "uuid");
    /* One <cpu>, <migration_features> and <topology> per host: the first of each counts. */
    size_t nsec = 0;
    bool seen_cpu = false, seen_mig = false, seen_topo = false;
    for (xmlNodePtr c = mc_xml_first_elem(host); c; c = mc_xml_next_elem(c)) {
        if (mc_xml_is(c, "cpu") && !seen_cpu) {
            seen_cpu = true;
            parse_host_cpu(doc, c, &t, &base_page);
        } else if (mc_xml_is(c, "migration_features") && !seen_mig) {
            seen_mig = true;
            parse_migration(c, &t);
        } else if (mc_xml_is(c, "topology") && !seen_topo) {
            seen_topo = true;
            parse_topology(c, &t, &base_page);
        } else if (mc_xml_is(c, "secmodel")) {
            char *model = mc_xml_child_text(c, "model");
            if (model)
                mc_strv_append_n(&t.secmodels, &nsec, model);
        }
    }
    if (base_page)
        drop_base_page(&t, base_page);
    for (xmlNodePtr g = mc_xml_first_elem(root); g; g = mc_xml_next_elem(g))
        if (mc_xml_is(g, "guest"))
            parse_guest(g, &t);
    move_caps(v, &t);
    return 0;
}

int mc_domcaps_host_model_parse(const char *xml, size_t len, char **ret, struct mc_error *reterr)
{
    const char *what = "domain capabilities XML";
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, what, "domainCapabilities", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr cpu = mc_xml_child(xmlDocGetRootElement(doc), "cpu");
    xmlNodePtr mode = NULL;
    for (xmlNodePtr m = mc_xml_first_elem(cpu); m; m = mc_xml_next_elem(m)) {
        _cleanup_free_ char *name = mc_xml_prop(m, "name");
        if (mc_xml_is(m, "mode") && name && strcmp(name, "host-model") == 0) {
            mode = m;
            break;
        }
    }
    if (!mode || !mc_xml_prop_yes(mode, "supported") || !mc_xml_child(mode, "model"))
        return mc_error_set(reterr, -ENODATA, "%s has no supported host-model CPU", what);

    /* <mode name='host-model' supported='yes'><model fallback=...>X</model><vendor/>
     * <feature policy= name=/>...</mode>  ->  <cpu mode='custom' match='exact'>...</cpu>,
     * the way virsh hypervisor-cpu-compare reads domain capabilities. */
    xmlNodePtr copy = xmlDocCopyNode(mode, doc, 1);
    if (!copy)
        return mc_error_set(reterr, -ENOMEM, "cannot copy the host-model CPU");
    xmlNodeSetName(copy, BAD_CAST "cpu");
    while (copy->properties)
        xmlRemoveProp(copy->properties);
    xmlNewProp(copy, BAD_CAST "mode", BAD_CAST "custom");
    xmlNewProp(copy, BAD_CAST "match", BAD_CAST "exact");
    *ret = mc_xml_node_to_string(doc, copy);
    xmlFreeNode(copy);
    return 0;
}

int mc_domcaps_tpm_parse(const char *xml, size_t len, bool *ret_listed, char ***ret_models,
                         struct mc_error *reterr)
{
    const char *what = "domain capabilities XML";
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, what, "domainCapabilities", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    /* <devices><tpm supported='yes|no'><enum name='backendModel'><value>emulator</value>... */
    xmlNodePtr tpm = mc_xml_child(mc_xml_child(xmlDocGetRootElement(doc), "devices"), "tpm");
    _cleanup_strv_free_ char **models = NULL;
    size_t n = 0;
    if (tpm && mc_xml_prop_yes(tpm, "supported")) {
        for (xmlNodePtr e = mc_xml_first_elem(tpm); e; e = mc_xml_next_elem(e)) {
            _cleanup_free_ char *name = mc_xml_prop(e, "name");
            if (!mc_xml_is(e, "enum") || !name || strcmp(name, "backendModel") != 0)
                continue;
            for (xmlNodePtr v = mc_xml_first_elem(e); v; v = mc_xml_next_elem(v)) {
                char *model = mc_xml_is(v, "value") ? mc_xml_text(v) : NULL;
                if (model && *model && n < 16 && !mc_strv_contains(models, model))
                    mc_strv_append_n(&models, &n, model);
                else
                    free(model);
            }
            break;
        }
    }
    *ret_listed = tpm != NULL;
    *ret_models = TAKE_PTR(models);
    return 0;
}
