/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migrate's gate and planner (migrate.h): pure, over facts already gathered. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/relate.h"
#include "checker/render-util.h"
#include "checker/xml-util.h"
#include "migrate.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/diff.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"

void mc_gate_clear(struct mc_gate *g)
{
    mc_strv_free(g->accepted);
    mc_strv_free(g->fixed);
    mc_strv_free(g->refused);
    mc_strv_free(g->suggest);
    memset(g, 0, sizeof(*g));
}

static const char *map_lookup(const struct mc_map *m, size_t n, const char *from)
{
    for (size_t i = 0; i < n; i++)
        if (from && strcmp(m[i].from, from) == 0)
            return m[i].to;
    return NULL;
}

/* The path with a --map-path prefix replaced, or NULL when no prefix matches (caller frees). */
static char *map_path(const struct mc_migrate_options *o, const char *path)
{
    const struct mc_map *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < o->n_map_path; i++) {
        size_t l = strlen(o->map_path[i].from);
        while (l > 1 && o->map_path[i].from[l - 1] == '/')
            l--;
        if (strncmp(path, o->map_path[i].from, l) == 0 && (path[l] == '/' || !path[l]) &&
            l > best_len) {
            best = &o->map_path[i];
            best_len = l;
        }
    }
    if (!best)
        return NULL;
    size_t tl = strlen(best->to);
    while (tl > 1 && best->to[tl - 1] == '/')
        tl--;
    return mc_xasprintf("%.*s%s", (int)tl, best->to, path + best_len);
}

static const struct mc_vm_path *path_by_subject(const struct mc_pair_facts *rel, const char *subj)
{
    for (size_t i = 0; rel && subj && i < rel->n_paths; i++)
        if (rel->paths[i].subject && strcmp(rel->paths[i].subject, subj) == 0)
            return &rel->paths[i];
    return NULL;
}

/* A bridge on DST that is unambiguously the one to use: the only bridge up that no libvirt
 * network owns. NULL when there is none or more than one. */
static const char *derive_bridge(const struct mc_host_facts *dst)
{
    const char *found = NULL;
    for (size_t i = 0; i < dst->net.n_links; i++) {
        const struct mc_link *l = &dst->net.links[i];
        if (!l->name || !l->kind || strcmp(l->kind, "bridge") != 0 || !l->up)
            continue;
        bool owned = false;
        for (size_t k = 0; k < dst->virt.n_networks; k++)
            if (dst->virt.networks[k].bridge && strcmp(dst->virt.networks[k].bridge, l->name) == 0)
                owned = true;
        if (owned)
            continue;
        if (found)
            return NULL;
        found = l->name;
    }
    return found;
}

static bool bridge_ok(const struct mc_host_facts *dst, const char *name)
{
    const struct mc_link *l = mc_net_find_link(&dst->net, name);
    return l && l->up && l->kind &&
           (strcmp(l->kind, "bridge") == 0 || strcmp(l->kind, "openvswitch") == 0);
}

static bool network_ok(const struct mc_host_facts *dst, const char *name)
{
    const struct mc_vnet *n = mc_virt_find_network(&dst->virt, name);
    return n && n->active;
}

/* DST's address in the same subnet as SRC's address addr, or NULL. */
static const char *same_subnet(const struct mc_host_facts *src, const struct mc_host_facts *dst,
                               const char *addr)
{
    const struct mc_addr *mine = NULL;
    for (size_t i = 0; i < src->net.n_addrs; i++)
        if (src->net.addrs[i].address && strcmp(src->net.addrs[i].address, addr) == 0)
            mine = &src->net.addrs[i];
    struct in_addr a, b;
    if (!mine || !mine->family || strcmp(mine->family, "inet") != 0 ||
        inet_pton(AF_INET, addr, &a) != 1 || mine->prefixlen <= 0 || mine->prefixlen > 32)
        return NULL;
    uint32_t mask = mine->prefixlen == 32 ? 0xffffffffu : ~(0xffffffffu >> mine->prefixlen);
    const char *found = NULL;
    for (size_t i = 0; i < dst->net.n_addrs; i++) {
        const struct mc_addr *x = &dst->net.addrs[i];
        if (!x->address || !x->family || strcmp(x->family, "inet") != 0 ||
            inet_pton(AF_INET, x->address, &b) != 1)
            continue;
        if ((ntohl(a.s_addr) & mask) == (ntohl(b.s_addr) & mask)) {
            if (found)
                return NULL; /* ambiguous */
            found = x->address;
        }
    }
    return found;
}

static const char *dst_emulator(const struct mc_host_facts *dst, const struct mc_vm_facts *vm)
{
    for (size_t i = 0; i < dst->virt.n_guests; i++) {
        const struct mc_guest_arch *g = &dst->virt.guests[i];
        if (g->emulator && g->arch && vm->arch && strcmp(g->arch, vm->arch) == 0)
            return g->emulator;
    }
    return NULL;
}

static bool accepted(const struct mc_migrate_options *o, const char *rule)
{
    return rule && mc_strv_contains(o->accept, rule);
}

/* Does provisioning (--storage) move the disk a finding is about ("disk vda")? */
static bool provisioned(const struct mc_migrate_options *o, const char *subject)
{
    return o->provisioned && subject && strncmp(subject, "disk ", 5) == 0 &&
           mc_strv_contains(o->provisioned, subject + 5);
}

static void suggest(struct mc_gate *g, const char *opt)
{
    if (!mc_strv_contains(g->suggest, opt))
        mc_strv_add(&g->suggest, opt);
}

bool mc_migrate_gate(const struct mc_migrate_options *o, const struct mc_migrate_input *in,
                     struct mc_gate *g)
{
    const struct mc_report *rep = in->report;
    const struct mc_vm_facts *vm = in->src->vm;
    for (size_t i = 0; i < rep->findings.n; i++) {
        const struct mc_finding *f = &rep->findings.items[i];
        if (!mc_render_finding_blocks(rep, f))
            continue;
        /* A convergence prediction that could not be made (the sh agent cannot measure the
         * link, a measurement failed) is no reason to refuse: migrate predicts by default, and
         * the migration goes on as it would without a prediction (the report says why;
         * --strict refuses it like every UNKNOWN). */
        if (f->status == MC_STATUS_UNKNOWN && !rep->strict && f->rule &&
            strcmp(f->rule, "migration.convergence") == 0)
            continue;
        _cleanup_free_ char *line = mc_xasprintf("%s: %s", f->rule, f->message);
        if (accepted(o, f->rule)) {
            mc_strv_add(&g->accepted, line);
            continue;
        }
        bool fixed = false, via_storage = false;
        char *why = NULL; /* why a fix the operator asked for does not apply */
        const char *subj = f->subject ? f->subject : "";
        if (f->status == MC_STATUS_FAIL || (f->status == MC_STATUS_WARN && rep->strict)) {
            switch (f->fix) {
            case MC_FIX_REWRITE_PATH: {
                const struct mc_vm_path *vp = path_by_subject(in->rel, f->subject);
                _cleanup_free_ char *mapped = vp && vp->src_path ? map_path(o, vp->src_path) : NULL;
                fixed = mapped || (o->fix && vp && vp->dst_path);
                if (!fixed)
                    suggest(g, "--fix");
                break;
            }
            case MC_FIX_UNSAFE_PROVEN_SHARED:
            case MC_FIX_REWRITE_LISTEN:
                fixed = o->fix;
                if (fixed && f->fix == MC_FIX_REWRITE_LISTEN) {
                    /* Only graphics listen addresses of SRC with one DST address beside them. */
                    fixed = false;
                    for (size_t k = 0; k < vm->n_graphics; k++) {
                        _cleanup_free_ char *s = mc_xasprintf(
                            "graphics %s", vm->graphics[k].type ? vm->graphics[k].type : "?");
                        if (strcmp(s, subj) == 0 && vm->graphics[k].listen &&
                            same_subnet(in->src, in->dst, vm->graphics[k].listen))
                            fixed = true;
                    }
                }
                if (!fixed && !o->fix)
                    suggest(g, "--fix");
                break;
            case MC_FIX_REWRITE_EMULATOR:
                fixed = o->fix && dst_emulator(in->dst, vm);
                if (!fixed && !o->fix)
                    suggest(g, "--fix");
                break;
            case MC_FIX_REWRITE_BRIDGE: {
                const char *br = strncmp(subj, "bridge ", 7) == 0 ? subj + 7 : NULL;
                const char *to = map_lookup(o->map_bridge, o->n_map_bridge, br);
                if (!to && o->fix && in->dst)
                    to = derive_bridge(in->dst);
                fixed = to && bridge_ok(in->dst, to);
                if (!fixed && to) {
                    free(why);
                    why = mc_xasprintf("%s is not a bridge that is up on %s", to, in->dst_name);
                } else if (!fixed) {
                    _cleanup_free_ char *s = mc_xasprintf("--map-bridge %s=BRIDGE", br ? br : "?");
                    suggest(g, s);
                }
                break;
            }
            case MC_FIX_REWRITE_NETWORK: {
                const char *net = strncmp(subj, "network ", 8) == 0 ? subj + 8 : NULL;
                const char *to = map_lookup(o->map_network, o->n_map_network, net);
                fixed = to && network_ok(in->dst, to);
                if (!fixed && to) {
                    free(why);
                    why = mc_xasprintf("network %s is not active on %s", to, in->dst_name);
                } else if (!fixed) {
                    _cleanup_free_ char *s =
                        mc_xasprintf("--map-network %s=NETWORK", net ? net : "?");
                    suggest(g, s);
                }
                break;
            }
            case MC_FIX_COPY_STORAGE:
                /* Not shared (virt.unsafe-migration): copied, or moved onto shared storage
                 * first (libvirt deems a network disk safe, and one on NFS shared). */
                via_storage = provisioned(o, f->subject);
                fixed = o->copy_storage_all || o->copy_storage_inc || via_storage;
                if (!fixed)
                    suggest(g, "--copy-storage-all");
                break;
            case MC_FIX_PROVISION_SHARED_STORAGE:
                via_storage = fixed = provisioned(o, f->subject);
                if (!fixed)
                    suggest(g, "--copy-storage-all");
                break;
            /* migration.convergence: the prediction already ran with the operator's options,
             * so these are never fixed by the plan; the refusal suggests the option that
             * makes it converge (the finding's numbers say how much). */
            case MC_FIX_BANDWIDTH: {
                const struct mc_datum *d = mc_finding_datum(f, "need_bandwidth_bps");
                if (d && d->number > 0) {
                    _cleanup_free_ char *opt =
                        mc_xasprintf("--bandwidth %.0f", ceil(d->number / (1024.0 * 1024.0)));
                    suggest(g, opt);
                }
                break;
            }
            case MC_FIX_AUTO_CONVERGE:
                suggest(g, "--auto-converge");
                break;
            case MC_FIX_TIMEOUT_SUSPEND: {
                const struct mc_datum *d = mc_finding_datum(f, "suspend_after_seconds");
                if (d && d->number > 0) {
                    _cleanup_free_ char *opt =
                        mc_xasprintf("--migration-timeout %.0f --timeout-suspend", ceil(d->number));
                    suggest(g, opt);
                }
                break;
            }
            default:
                break;
            }
        }
        if (fixed) {
            const struct mc_fix_info *fi =
                mc_fix_info(via_storage ? MC_FIX_PROVISION_SHARED_STORAGE : f->fix);
            _cleanup_free_ char *how =
                mc_xasprintf("%s: %s (%s)", f->rule, fi ? fi->summary : "fixed", subj);
            mc_strv_add(&g->fixed, how);
        } else {
            if (why)
                mc_strv_push(&g->refused, mc_xasprintf("%s (%s)", line, why));
            else
                mc_strv_add(&g->refused, line);
            if (f->status == MC_STATUS_UNKNOWN)
                g->unknown = true;
        }
        free(why);
    }
    return g->refused == NULL;
}

/* ---- the plan ---- */

static void param(struct mc_plan_step *s, const char *name, const char *value)
{
    mc_param_set(&s->params, &s->n_params, name, value);
}

int mc_migrate_apply_edit(xmlDocPtr doc, const struct mc_plan_step *s, struct mc_error *reterr)
{
    const char *to = mc_step_param(s, "to");
    if (!to)
        return mc_error_set(reterr, -EINVAL, "the rewrite has no new value");
    switch (s->kind) {
    case MC_STEP_REWRITE_DISK_PATH: {
        int r = mc_domxml_set_disk_source(doc, mc_step_param(s, "target"), to, NULL, reterr);
        if (r == 0 && mc_step_param(s, "drop-backing"))
            r = mc_domxml_drop_backing(doc, mc_step_param(s, "target"), reterr);
        return r;
    }
    case MC_STEP_REWRITE_BRIDGE:
        return mc_domxml_set_iface_source(doc, mc_step_param(s, "mac"), "bridge", to, NULL, reterr);
    case MC_STEP_REWRITE_NETWORK:
        return mc_domxml_set_iface_source(doc, mc_step_param(s, "mac"), "network", to, NULL,
                                          reterr);
    case MC_STEP_REWRITE_LISTEN:
        return mc_domxml_set_graphics_listen(doc, mc_step_param(s, "graphics"), to, NULL, reterr);
    case MC_STEP_REWRITE_EMULATOR:
        return mc_domxml_set_emulator(doc, to, NULL, reterr);
    default:
        return mc_error_set(reterr, -EINVAL, "not a rewrite step");
    }
}

static const char *role(bool dst)
{
    return dst ? "destination" : "source";
}

static bool path_shared(const struct mc_vm_path *vp)
{
    return vp && mc_evidence_proves_shared(vp->evidence);
}

static void human_bytes(int64_t b, char *buf, size_t len)
{
    if (b >= (1ll << 30) && b % (1ll << 30) == 0)
        snprintf(buf, len, "%lld GiB", (long long)(b >> 30));
    else if (b >= (1ll << 20))
        snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
    else
        snprintf(buf, len, "%lld bytes", (long long)b);
}

int mc_migrate_plan(const struct mc_migrate_options *o, const struct mc_migrate_input *in,
                    int64_t (*bytes_of)(const char *target, void *ud), void *ud,
                    struct mc_plan **ret, struct mc_error *reterr)
{
    const struct mc_vm_facts *vm = in->src->vm;
    if (!vm || !vm->xml)
        return mc_error_set(reterr, -EINVAL, "the source's facts hold no domain XML");
    _cleanup_(mc_plan_freep) struct mc_plan *p = mc_plan_new("migrate");
    p->source = mc_xstrdup(in->src_name);
    p->destination = mc_xstrdup(in->dst_name);
    p->domain = mc_xstrdup_or_null(vm->name);
    p->uuid = mc_xstrdup_or_null(vm->uuid);
    p->source_xml = mc_xstrdup(vm->xml);
    if (in->transport)
        mc_param_set(&p->settings, &p->n_settings, "transport", in->transport);
    if (in->remote_command)
        mc_param_set(&p->settings, &p->n_settings, "remote-command", in->remote_command);

    bool offline = o->offline;
    bool copy = o->copy_storage_all || o->copy_storage_inc;
    _cleanup_strv_free_ char **copy_disks = NULL;

    /* Disks: a path DST sees elsewhere (proven, or --map-path), or a copy. */
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        if (!d->target || !d->source || (d->type && strcmp(d->type, "network") == 0))
            continue;
        _cleanup_free_ char *subject = mc_xasprintf(
            "%s %s", d->device && strcmp(d->device, "disk") != 0 ? d->device : "disk", d->target);
        const struct mc_vm_path *vp = path_by_subject(in->rel, subject);
        _cleanup_free_ char *to = map_path(o, d->source);
        if (!to && o->fix && vp && path_shared(vp) && vp->dst_path &&
            strcmp(vp->dst_path, d->source) != 0)
            to = mc_xstrdup(vp->dst_path);
        bool shared = path_shared(vp);
        bool copy_this = copy && !shared && !d->readonly && !d->shareable &&
                         (!d->device || strcmp(d->device, "disk") == 0);
        if (to && strcmp(to, d->source) != 0) {
            struct mc_plan_step *s =
                mc_plan_add_step(p, MC_STEP_REWRITE_DISK_PATH, NULL, subject,
                                 "destination XML: %s %s -> %s", subject, d->source, to);
            param(s, "target", d->target);
            param(s, "from", d->source);
            param(s, "to", to);
        }
        if (copy_this) {
            const char *where = to ? to : d->source;
            int64_t bytes = bytes_of ? bytes_of(d->target, ud) : -1;
            if (bytes <= 0)
                return mc_error_set(reterr, -EINVAL,
                                    "the size of %s is not known: cannot pre-create its copy",
                                    subject);
            if (o->copy_storage_inc && d->backing && d->backing[0])
                /* QEMU copies only the top image into the target, which must then have the
                 * same backing chain; the pre-created target has none. */
                return mc_error_set(reterr, -EOPNOTSUPP,
                                    "%s has a backing chain (%s): --copy-storage-inc copies only "
                                    "its top image into a target migcheck would create without "
                                    "one; use --copy-storage-all (the copy flattens the chain)",
                                    subject, d->backing[0]);
            const char *fmt = d->format && strcmp(d->format, "raw") == 0 ? "raw" : "qcow2";
            if (o->copy_storage_all && d->backing && d->backing[0]) {
                /* A full copy flattens the chain into the new image. */
                struct mc_plan_step *s = mc_plan_add_step(
                    p, MC_STEP_REWRITE_DISK_PATH, NULL, subject,
                    "destination XML: %s without its backing chain (the copy flattens it)",
                    subject);
                param(s, "target", d->target);
                param(s, "from", where);
                param(s, "to", where);
                param(s, "drop-backing", "yes");
            }
            char size[32], human[32];
            snprintf(size, sizeof(size), "%lld", (long long)bytes);
            human_bytes(bytes, human, sizeof(human));
            struct mc_plan_step *s =
                mc_plan_add_step(p, MC_STEP_CREATE_DISK_TARGET, role(true), subject,
                                 "create %s on %s (%s, %s) as the target of the copy", where,
                                 in->dst_name, fmt, human);
            param(s, "path", where);
            param(s, "format", fmt);
            param(s, "bytes", size);
            mc_strv_add(&copy_disks, d->target);
        }
    }

    /* Interfaces: --map-bridge / --map-network, or a bridge derived for a missing one. */
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct mc_iface *f = &vm->ifaces[i];
        if (!f->type || !f->source || !f->mac)
            continue;
        bool bridge = strcmp(f->type, "bridge") == 0, net = strcmp(f->type, "network") == 0;
        if (!bridge && !net)
            continue;
        const char *to = bridge ? map_lookup(o->map_bridge, o->n_map_bridge, f->source)
                                : map_lookup(o->map_network, o->n_map_network, f->source);
        if (!to && bridge && o->fix && !bridge_ok(in->dst, f->source))
            to = derive_bridge(in->dst);
        if (!to || strcmp(to, f->source) == 0)
            continue;
        if (bridge ? !bridge_ok(in->dst, to) : !network_ok(in->dst, to))
            return mc_error_set(reterr, -EINVAL, "%s %s is not %s on '%s'",
                                bridge ? "bridge" : "network", to, bridge ? "up" : "active",
                                in->dst_name);
        _cleanup_free_ char *subject = mc_xasprintf("interface %s", f->mac);
        struct mc_plan_step *s = mc_plan_add_step(
            p, bridge ? MC_STEP_REWRITE_BRIDGE : MC_STEP_REWRITE_NETWORK, NULL, subject,
            "destination XML: interface %s %s %s -> %s", f->mac, f->type, f->source, to);
        param(s, "mac", f->mac);
        param(s, "from", f->source);
        param(s, "to", to);
    }

    /* Graphics listening on an address of SRC: DST's address in the same subnet. */
    for (size_t i = 0; o->fix && i < vm->n_graphics; i++) {
        const struct mc_graphics *g = &vm->graphics[i];
        if (!g->type || !g->listen || mc_host_has_address(in->dst, g->listen) ||
            !mc_host_has_address(in->src, g->listen))
            continue;
        const char *to = same_subnet(in->src, in->dst, g->listen);
        if (!to)
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("graphics %s", g->type);
        struct mc_plan_step *s =
            mc_plan_add_step(p, MC_STEP_REWRITE_LISTEN, NULL, subject,
                             "destination XML: %s listen %s -> %s", subject, g->listen, to);
        param(s, "graphics", g->type);
        param(s, "from", g->listen);
        param(s, "to", to);
    }

    /* The emulator, when DST has none at that path. */
    if (o->fix && vm->emulator) {
        bool known = false;
        for (size_t i = 0; i < in->dst->virt.n_guests; i++)
            if (in->dst->virt.guests[i].emulator &&
                strcmp(in->dst->virt.guests[i].emulator, vm->emulator) == 0)
                known = true;
        const char *to = dst_emulator(in->dst, vm);
        if (!known && to && strcmp(to, vm->emulator) != 0) {
            struct mc_plan_step *s =
                mc_plan_add_step(p, MC_STEP_REWRITE_EMULATOR, NULL, "emulator",
                                 "destination XML: emulator %s -> %s", vm->emulator, to);
            param(s, "from", vm->emulator);
            param(s, "to", to);
        }
    }

    /* The destination XML: the rewrites applied to the migratable XML, guest ABI kept. */
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(xmlFreeDocp) xmlDocPtr orig = NULL;
    int r = mc_domxml_parse(vm->xml, "the migratable XML", &doc, reterr);
    if (r < 0 || (r = mc_domxml_parse(vm->xml, "the migratable XML", &orig, reterr)) < 0)
        return r;
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].kind >= MC_STEP_REWRITE_DISK_PATH &&
            p->steps[i].kind <= MC_STEP_REWRITE_EMULATOR &&
            (r = mc_migrate_apply_edit(doc, &p->steps[i], reterr)) < 0)
            return r;
    if ((r = mc_domxml_abi_equal(orig, doc, reterr)) < 0)
        return r;
    p->dest_xml = mc_domxml_string(doc);

    /* The migration. */
    _cleanup_buf_ struct mc_buf flags = MC_BUF_INIT;
    mc_buf_puts(&flags, offline ? "offline" : "live");
    if (o->persistent || offline)
        mc_buf_puts(&flags, " persist-dest");
    if (copy)
        mc_buf_puts(&flags, o->copy_storage_all ? " copy-storage-all" : " copy-storage-inc");
    bool unsafe = false;
    for (size_t i = 0; i < in->report->findings.n; i++)
        if (in->report->findings.items[i].fix == MC_FIX_UNSAFE_PROVEN_SHARED && o->fix &&
            in->report->findings.items[i].status == MC_STATUS_FAIL)
            unsafe = true;
    if (unsafe)
        mc_buf_puts(&flags, " unsafe");
    const struct mc_migration_opts *t = &o->tuning;
    if (t->auto_converge)
        mc_buf_puts(&flags, " auto-converge");
    if (t->postcopy || (t->timeout_s && t->timeout_action == MC_FALLBACK_POSTCOPY))
        mc_buf_puts(&flags, " postcopy");
    if (t->compressed)
        mc_buf_puts(&flags, " compressed");
    if (t->parallel > 0)
        mc_buf_puts(&flags, " parallel");
    if (!offline)
        mc_buf_puts(&flags, " abort-on-error");
    struct mc_plan_step *m =
        mc_plan_add_step(p, MC_STEP_MIGRATE, NULL, "domain", "%s %s from %s to %s (%s)",
                         offline ? "move the definition of" : "live-migrate",
                         vm->name ? vm->name : "?", in->src_name, in->dst_name, flags.data);
    param(m, "flags", flags.data);
    if (copy_disks) {
        _cleanup_free_ char *dl = mc_strv_join(copy_disks, " ");
        param(m, "disks", dl);
    }
    char num[32];
    if (t->bandwidth_mib > 0) {
        snprintf(num, sizeof(num), "%lld", (long long)t->bandwidth_mib);
        param(m, "bandwidth", num);
    }
    if (t->downtime_ms > 0 && !offline) {
        snprintf(num, sizeof(num), "%lld", (long long)t->downtime_ms);
        param(m, "downtime-limit", num);
    }
    if (t->parallel > 0) {
        snprintf(num, sizeof(num), "%d", t->parallel);
        param(m, "parallel", num);
    }
    if (t->timeout_s > 0) {
        snprintf(num, sizeof(num), "%lld", (long long)t->timeout_s);
        param(m, "timeout", num);
        param(m, "timeout-action",
              t->timeout_action == MC_FALLBACK_POSTCOPY ? "postcopy"
              : t->timeout_action == MC_FALLBACK_ABORT  ? "abort"
                                                        : "suspend");
    }
    if (o->stall_s > 0) {
        snprintf(num, sizeof(num), "%d", o->stall_s);
        param(m, "stall", num);
    }
    if (!o->keep_source && vm->persistent)
        mc_plan_add_step(p, MC_STEP_UNDEFINE_SOURCE, role(false), "domain",
                         "remove the definition of %s from %s (kept in this journal)",
                         vm->name ? vm->name : "?", in->src_name);
    *ret = TAKE_PTR(p);
    return 0;
}

void mc_migrate_print_plan(const struct mc_plan *p, FILE *f)
{
    fprintf(f, "Plan: %s %s from %s to %s\n", p->verb ? p->verb : "?", p->domain ? p->domain : "?",
            p->source ? p->source : "?", p->destination ? p->destination : "?");
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        const struct mc_step_ops *ops = mc_step_ops(s->kind);
        fprintf(f, "  %zu. [%s] %s%s\n", i + 1,
                mc_enum_name_or(&mc_step_kind_names, (int)s->kind, "?"),
                s->summary ? s->summary : "", ops && ops->mutates ? "" : " (no host change)");
    }
    /* The source as the same serializer writes it, so that the diff shows only the rewrites. */
    _cleanup_free_ char *src = NULL;
    xmlDocPtr doc = NULL;
    struct mc_error e = { 0 };
    if (p->source_xml && mc_domxml_parse(p->source_xml, "source XML", &doc, &e) == 0) {
        src = mc_domxml_string(doc);
        xmlFreeDoc(doc);
    }
    mc_error_clear(&e);
    _cleanup_free_ char *diff = mc_unified_diff(src ? src : "", p->dest_xml ? p->dest_xml : "",
                                                "source (migratable XML)", "destination XML", 3);
    /* After provisioning (--storage) a running guest's persistent definition is read again
     * and sent as PERSIST_XML (migrate-steps.c: it names pool volumes the live XML does not). */
    bool refresh = false;
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].kind == MC_STEP_MIGRATE && mc_step_param(&p->steps[i], "refresh-xml"))
            refresh = true;
    const char *sent = refresh ? "sent as DEST_XML; PERSIST_XML: the source's persistent "
                                 "definition as provisioning leaves it, with the same rewrites"
                               : "sent as DEST_XML and PERSIST_XML";
    if (*diff)
        fprintf(f, "\nDestination XML (%s):\n%s", sent, diff);
    else
        fprintf(f, "\nDestination XML: the migratable XML unchanged (%s)\n", sent);
}
