/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kinds of migrate: the destination XML rewrites, the migration itself (run, verify
 * on the destination, undo = bring the domain back and leave nothing on the destination) and
 * the source's undefinition (undo = define it again from the journal).
 *
 * The undos work from the journal alone (migcheck undo has no verb state): they find the
 * domain by UUID on both hosts and act on what they see.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "migrate.h"
#include "steps-internal.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"
#include "virt/migrate.h"

static int conn_of(struct mc_host *h, const char *role, struct mc_error *err)
{
    if (!h)
        return mc_error_set(err, -ENOTCONN, "no %s host", role);
    return mc_host_reconnect(h, err);
}

/* ---- rewrites ---- */

int mc_step_rewrite_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_migrate_state *st = c->verb;
    if (!st || !st->dest_doc)
        return mc_error_set(err, -EINVAL, "no destination XML to rewrite");
    return mc_migrate_apply_edit(st->dest_doc, s, err);
}

/* ---- migrate ---- */

static const char *state_name(int st)
{
    switch (st) {
    case VIR_DOMAIN_RUNNING:
        return "running";
    case VIR_DOMAIN_PAUSED:
        return "paused";
    case VIR_DOMAIN_SHUTOFF:
        return "shutoff";
    default:
        return "other";
    }
}

static int dom_state(virDomainPtr d)
{
    int st = 0, reason = 0;
    if (virDomainGetState(d, &st, &reason, 0) < 0) {
        virResetLastError();
        return -1;
    }
    return st;
}

static virDomainPtr by_uuid(struct mc_host *h, const char *uuid)
{
    if (!h || !h->conn || !uuid)
        return NULL;
    virDomainPtr d = virDomainLookupByUUIDString(h->conn, uuid);
    if (!d)
        virResetLastError();
    return d;
}

static unsigned long flag_bits(const char *names)
{
    static const struct {
        const char *name;
        unsigned long bit;
    } map[] = {
        { "live", VIR_MIGRATE_LIVE },
        { "offline", VIR_MIGRATE_OFFLINE },
        { "persist-dest", VIR_MIGRATE_PERSIST_DEST },
        { "copy-storage-all", VIR_MIGRATE_NON_SHARED_DISK },
        { "copy-storage-inc", VIR_MIGRATE_NON_SHARED_INC },
        { "unsafe", VIR_MIGRATE_UNSAFE },
        { "auto-converge", VIR_MIGRATE_AUTO_CONVERGE },
        { "postcopy", VIR_MIGRATE_POSTCOPY },
        { "compressed", VIR_MIGRATE_COMPRESSED },
        { "parallel", VIR_MIGRATE_PARALLEL },
        { "abort-on-error", VIR_MIGRATE_ABORT_ON_ERROR },
    };
    unsigned long f = 0;
    _cleanup_strv_free_ char **v = mc_strv_split(names ? names : "", " ");
    STRV_FOREACH (n, v)
        for (size_t i = 0; i < ARRAY_SIZE(map); i++)
            if (strcmp(*n, map[i].name) == 0)
                f |= map[i].bit;
    return f;
}

static long param_long(const struct mc_plan_step *s, const char *name)
{
    const char *v = mc_step_param(s, name);
    return v ? strtol(v, NULL, 10) : 0;
}

static enum mc_timeout_action timeout_action(const char *v)
{
    if (v && strcmp(v, "postcopy") == 0)
        return MC_TIMEOUT_POSTCOPY;
    if (v && strcmp(v, "abort") == 0)
        return MC_TIMEOUT_ABORT;
    return MC_TIMEOUT_SUSPEND;
}

/* The source's XML as it is now (inactive: its persistent definition), with the plan's
 * rewrites again. */
static int rewritten_xml(struct mc_apply_ctx *c, virDomainPtr dom, bool inactive, char **ret_raw,
                         xmlDocPtr *ret, struct mc_error *err)
{
    unsigned int fl = VIR_DOMAIN_XML_MIGRATABLE | VIR_DOMAIN_XML_SECURE;
    if (inactive)
        fl |= VIR_DOMAIN_XML_INACTIVE;
    _cleanup_free_ char *now = virDomainGetXMLDesc(dom, fl);
    if (!now)
        return mc_virt_error(err, -EIO, "cannot read the domain's %s on the source",
                             inactive ? "definition" : "XML");
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_domxml_parse(
        now, inactive ? "the source's domain definition" : "the source's domain XML", &doc, err);
    for (size_t i = 0; r == 0 && i < c->plan->n_steps; i++) {
        const struct mc_plan_step *x = &c->plan->steps[i];
        if (x->kind >= MC_STEP_REWRITE_DISK_PATH && x->kind <= MC_STEP_REWRITE_EMULATOR)
            r = mc_migrate_apply_edit(doc, x, err);
    }
    if (r < 0)
        return r;
    if (ret_raw)
        *ret_raw = TAKE_PTR(now);
    *ret = TAKE_PTR(doc);
    return 0;
}

/*
 * Steps before this one changed the domain on the source (provisioning moved its disks onto
 * shared storage): the destination XML is the source's XML as it is now, with the plan's
 * rewrites again. It is recorded ("source-xml") for the undo, which migrates back with it.
 * A running domain's persistent definition may say more than its live XML (provisioning with
 * --attach pool names a moved disk by its pool volume there, while the running guest uses the
 * LUN directly): the destination keeps that definition (*ret_persist), not the live XML.
 */
static int refresh_dest_xml(struct mc_apply_ctx *c, struct mc_plan_step *s, virDomainPtr dom,
                            bool inactive, xmlDocPtr *ret, char **ret_persist, struct mc_error *err)
{
    _cleanup_free_ char *now = NULL;
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = rewritten_xml(c, dom, inactive, &now, &doc, err);
    if (r < 0)
        return r;
    if (!inactive && virDomainIsPersistent(dom) == 1) {
        _cleanup_(xmlFreeDocp) xmlDocPtr pdoc = NULL;
        if ((r = rewritten_xml(c, dom, true, NULL, &pdoc, err)) < 0)
            return r;
        *ret_persist = mc_domxml_string(pdoc);
    }
    mc_step_record(s, "source-xml", now);
    *ret = TAKE_PTR(doc);
    return 0;
}

int mc_step_migrate_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_migrate_state *st = c->verb;
    struct mc_host *src = c->hosts[0], *dst = c->hosts[1];
    int r;
    if ((r = conn_of(src, "source", err)) < 0 || (r = conn_of(dst, "destination", err)) < 0)
        return r;
    const char *uuid = c->plan->uuid;
    _cleanup_(virDomainFreep) virDomainPtr dom = by_uuid(src, uuid);
    if (!dom)
        return mc_virt_error(err, -ENOENT, "domain %s is not on '%s'",
                             c->plan->domain ? c->plan->domain : uuid, src->spec.label);
    int before = dom_state(dom);
    mc_step_record(s, "source-state", state_name(before));
    _cleanup_(virDomainFreep) virDomainPtr there = by_uuid(dst, uuid);
    mc_step_record(s, "dest-defined", there ? "yes" : "no");
    if (there)
        return mc_error_set(err, -EEXIST, "'%s' already has domain %s", dst->spec.label, uuid);

    _cleanup_free_ char *persist = NULL; /* the persistent definition, when it says more */
    if (mc_step_param(s, "refresh-xml")) {
        xmlDocPtr fresh = NULL;
        r = refresh_dest_xml(c, s, dom, before == VIR_DOMAIN_SHUTOFF, &fresh, &persist, err);
        if (r < 0)
            return r;
        if (st) {
            if (st->dest_doc)
                xmlFreeDoc(st->dest_doc);
            st->dest_doc = fresh;
        } else {
            xmlFreeDoc(fresh);
            return mc_error_set(err, -EINVAL, "no state to hold the destination XML");
        }
    }
    const char *orig_xml = mc_step_result(s, "source-xml") ?: c->plan->source_xml;
    /* The destination XML: what the rewrite steps built, or the plan's. */
    _cleanup_free_ char *xml =
        st && st->dest_doc ? mc_domxml_string(st->dest_doc) : mc_xstrdup_or_null(c->plan->dest_xml);
    if (!xml)
        return mc_error_set(err, -EINVAL, "the plan has no destination XML");
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(xmlFreeDocp) xmlDocPtr orig = NULL;
    if ((r = mc_domxml_parse(xml, "destination XML", &doc, err)) < 0 ||
        (r = mc_domxml_parse(orig_xml, "source XML", &orig, err)) < 0)
        return r;
    if ((r = mc_domxml_abi_equal(orig, doc, err)) < 0)
        return r;
    if ((r = mc_domxml_validate_domcaps(dst->conn, doc, dst->spec.label, err)) < 0)
        return r;
    if (persist) {
        _cleanup_(xmlFreeDocp) xmlDocPtr pdoc = NULL;
        if ((r = mc_domxml_parse(persist, "persistent definition", &pdoc, err)) < 0 ||
            (r = mc_domxml_validate_domcaps(dst->conn, pdoc, dst->spec.label, err)) < 0)
            return r;
    }

    _cleanup_strv_free_ char **disks = mc_strv_split(mc_step_param(s, "disks") ?: "", " ");
    struct mc_migrate_opts mo = {
        .flags = flag_bits(mc_step_param(s, "flags")),
        .dest_xml = xml,
        .persist_xml = (flag_bits(mc_step_param(s, "flags")) & VIR_MIGRATE_PERSIST_DEST)
                           ? (persist ? persist : xml)
                           : NULL,
        .disks = disks && disks[0] ? (const char *const *)disks : NULL,
        .bandwidth_mib = (uint64_t)param_long(s, "bandwidth"),
        .parallel_connections = (int)param_long(s, "parallel"),
        .timeout_s = (int)param_long(s, "timeout"),
        .timeout_action = timeout_action(mc_step_param(s, "timeout-action")),
        .stall_s = (int)param_long(s, "stall"),
        .interrupted = c->interrupted,
        .observers = st ? st->observers : NULL,
    };
    /* --downtime-limit: QEMU's migration parameter on the source, set for this migration (no
     * VIR_MIGRATE_PARAM carries it in libvirt 9.0). The value before is journaled first: a
     * migration that fails leaves the domain on the source, and the undo sets it back. */
    const char *dl = mc_step_param(s, "downtime-limit");
    if (dl && !mc_step_result(s, "downtime-limit-before")) {
        unsigned long long old = 0;
        if (virDomainMigrateGetMaxDowntime(dom, &old, 0) < 0)
            return mc_virt_error(err, -EIO, "cannot read the domain's downtime limit on '%s'",
                                 src->spec.label);
        char num[32];
        snprintf(num, sizeof(num), "%llu", old);
        mc_step_record(s, "downtime-limit-before", num);
        _cleanup_error_ struct mc_error jerr = { 0 };
        if ((r = mc_journal_write(c->journal, c->plan, &jerr)) < 0)
            return mc_error_set(err, r, "%s", jerr.message);
    }
    if (dl && virDomainMigrateSetMaxDowntime(dom, strtoull(dl, NULL, 10), 0) < 0)
        return mc_virt_error(err, -EIO, "cannot set the downtime limit to %s ms on '%s'", dl,
                             src->spec.label);
    if (st && st->predict && st->input) {
        free(st->prediction);
        st->prediction = st->predict(st->input, st->opts, st->predict_ud);
    }
    struct mc_migrate_result tmp = { 0 };
    struct mc_migrate_result *res = st ? &st->result : &tmp;
    mc_migrate_result_clear(res);
    virDomainPtr moved = NULL;
    r = mc_migrate_run(src->conn, dst->conn, dom, &mo, res, &moved, err);
    char num[32];
    snprintf(num, sizeof(num), "%.3f", res->seconds);
    mc_step_record(s, "seconds", num);
    if (res->have_final && res->final.downtime_ms >= 0) {
        snprintf(num, sizeof(num), "%lld", (long long)res->final.downtime_ms);
        mc_step_record(s, "downtime-ms", num);
    }
    mc_step_record(s, "convergence",
                   res->convergence == MC_CONVERGE_SUSPENDED  ? "suspended"
                   : res->convergence == MC_CONVERGE_POSTCOPY ? "postcopy"
                                                              : "none");
    if (res->aborted)
        mc_step_record(s, "aborted", res->abort_reason);
    if (moved)
        virDomainFree(moved);
    if (st && r == 0)
        st->migrated = true;
    mc_migrate_result_clear(&tmp);
    return r;
}

/* The disk sources (target -> file/dev) of a domain XML, as "target=path" strings. */
static char **disk_sources(const char *xml)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    struct mc_error e = { 0 };
    char **v = NULL;
    if (mc_domxml_parse(xml, "domain XML", &doc, &e) < 0) {
        mc_error_clear(&e);
        return NULL;
    }
    xmlNodePtr devs = mc_xml_child(xmlDocGetRootElement(doc), "devices");
    for (xmlNodePtr d = devs ? devs->children : NULL; d; d = d->next) {
        if (!mc_xml_is(d, "disk"))
            continue;
        _cleanup_free_ char *t = mc_xml_prop(mc_xml_child(d, "target"), "dev");
        xmlNodePtr src = mc_xml_child(d, "source");
        _cleanup_free_ char *f = mc_xml_prop(src, "file");
        _cleanup_free_ char *dv = mc_xml_prop(src, "dev");
        if (t && (f || dv))
            mc_strv_push(&v, mc_xasprintf("%s=%s", t, f ? f : dv));
    }
    return v;
}

int mc_step_migrate_verify(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_migrate_state *st = c->verb;
    struct mc_host *src = c->hosts[0], *dst = c->hosts[1];
    int r;
    if ((r = conn_of(dst, "destination", err)) < 0)
        return r;
    const char *uuid = c->plan->uuid;
    _cleanup_(virDomainFreep) virDomainPtr d = by_uuid(dst, uuid);
    if (!d)
        return mc_error_set(err, -ENOENT, "domain %s is not on '%s' after the migration", uuid,
                            dst->spec.label);
    const char *before = mc_step_result(s, "source-state");
    int now = dom_state(d);
    bool offline = flag_bits(mc_step_param(s, "flags")) & VIR_MIGRATE_OFFLINE;
    if (offline) {
        if (virDomainIsPersistent(d) != 1)
            return mc_error_set(err, -EIO, "the domain is not defined on '%s'", dst->spec.label);
    } else if (before && strcmp(before, "running") == 0 && now == VIR_DOMAIN_PAUSED) {
        /* Paused by the timeout to finish as a non-live migration: it ran before, so it runs. */
        if (virDomainResume(d) < 0)
            return mc_virt_error(err, -EIO, "cannot resume the domain on '%s'", dst->spec.label);
        now = dom_state(d);
    }
    if (!offline && (!before || strcmp(state_name(now), before) != 0))
        return mc_error_set(err, -EIO, "the domain is %s on '%s' (it was %s)", state_name(now),
                            dst->spec.label, before ? before : "?");
    /* The disks are where the destination XML says. */
    _cleanup_free_ char *xml = virDomainGetXMLDesc(d, offline ? VIR_DOMAIN_XML_INACTIVE : 0);
    _cleanup_free_ char *want_xml =
        st && st->dest_doc ? mc_domxml_string(st->dest_doc) : mc_xstrdup_or_null(c->plan->dest_xml);
    _cleanup_strv_free_ char **have = xml ? disk_sources(xml) : NULL;
    _cleanup_strv_free_ char **want = want_xml ? disk_sources(want_xml) : NULL;
    STRV_FOREACH (w, want)
        if (!mc_strv_contains(have, *w))
            return mc_error_set(err, -EIO, "disk %s is not attached as the plan says on '%s'", *w,
                                dst->spec.label);
    /* And the source runs it no more. */
    if (!offline && (r = conn_of(src, "source", err)) == 0) {
        _cleanup_(virDomainFreep) virDomainPtr sd = by_uuid(src, uuid);
        if (sd && virDomainIsActive(sd) == 1)
            return mc_error_set(err, -EIO, "the domain still runs on '%s' too", src->spec.label);
    }
    return 0;
}

/*
 * Bring the domain back to where it was and leave nothing on the destination:
 *  - it runs on DST only: migrate it back (with the source's own XML; its disks copied back
 *    when the run copied them), and the destination's definition goes with it;
 *  - it runs on SRC: resume it if the run left it paused; remove whatever the run left defined
 *    on DST (libvirt itself removes an incoming domain whose migration failed);
 *  - offline run: remove the destination's definition.
 */
int mc_step_migrate_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *src = c->hosts[0], *dst = c->hosts[1];
    int r;
    if ((r = conn_of(src, "source", err)) < 0)
        return r;
    if ((r = conn_of(dst, "destination", err)) < 0)
        return mc_error_prefix(err, "cannot see the destination, which may hold a part of the "
                                    "domain");
    const char *uuid = c->plan->uuid;
    const char *dest_defined = mc_step_result(s, "dest-defined");
    if (dest_defined && strcmp(dest_defined, "yes") == 0)
        return 0; /* the run stopped before migrating: the domain there is not the run's */
    const char *before = mc_step_result(s, "source-state");
    unsigned long flags = flag_bits(mc_step_param(s, "flags"));
    _cleanup_(virDomainFreep) virDomainPtr sd = by_uuid(src, uuid);
    _cleanup_(virDomainFreep) virDomainPtr dd = by_uuid(dst, uuid);
    bool s_active = sd && virDomainIsActive(sd) == 1;
    bool d_active = dd && virDomainIsActive(dd) == 1;

    if (s_active && d_active)
        return mc_error_set(err, -EBUSY,
                            "domain %s is active on both '%s' and '%s': decide which one keeps "
                            "running (post-copy or a split migration), then run undo again",
                            uuid, src->spec.label, dst->spec.label);
    if (d_active) {
        /* Back to the source, as it was. */
        unsigned long back = VIR_MIGRATE_UNDEFINE_SOURCE | VIR_MIGRATE_ABORT_ON_ERROR;
        back |= dom_state(dd) == VIR_DOMAIN_RUNNING || dom_state(dd) == VIR_DOMAIN_PAUSED
                    ? VIR_MIGRATE_LIVE
                    : 0;
        back |=
            flags & (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC | VIR_MIGRATE_UNSAFE);
        _cleanup_strv_free_ char **disks = mc_strv_split(mc_step_param(s, "disks") ?: "", " ");
        struct mc_migrate_opts mo = {
            .flags = back,
            /* the source's XML as the migration started from it */
            .dest_xml = mc_step_result(s, "source-xml") ?: c->plan->source_xml,
            .disks = disks && disks[0] ? (const char *const *)disks : NULL,
            .stall_s = 120,
        };
        struct mc_migrate_result res = { 0 };
        virDomainPtr moved = NULL;
        r = mc_migrate_run(dst->conn, src->conn, dd, &mo, &res, &moved, err);
        mc_migrate_result_clear(&res);
        if (r < 0)
            return mc_error_prefix(err, "cannot bring the domain back to '%s'", src->spec.label);
        virDomainFree(moved);
        virDomainFree(sd);
        sd = by_uuid(src, uuid);
        virDomainFree(dd);
        dd = by_uuid(dst, uuid);
    } else if (sd && before && strcmp(before, "running") == 0 &&
               dom_state(sd) == VIR_DOMAIN_PAUSED) {
        if (virDomainResume(sd) < 0)
            return mc_virt_error(err, -EIO, "cannot resume the domain on '%s'", src->spec.label);
    }
    if (!sd || (before && strcmp(before, "shutoff") != 0 && virDomainIsActive(sd) != 1))
        return mc_error_set(err, -ENOENT, "domain %s does not run on '%s' (it was %s)", uuid,
                            src->spec.label, before ? before : "?");
    /* The downtime limit as it was (--downtime-limit changed it for this migration). */
    const char *dl_before = mc_step_result(s, "downtime-limit-before");
    if (dl_before && virDomainIsActive(sd) == 1 &&
        virDomainMigrateSetMaxDowntime(sd, strtoull(dl_before, NULL, 10), 0) < 0)
        return mc_virt_error(err, -EIO, "cannot set the downtime limit back to %s ms on '%s'",
                             dl_before, src->spec.label);
    /* Nothing of the run left on the destination. */
    if (dd) {
        if (virDomainIsActive(dd) == 1)
            return mc_error_set(err, -EBUSY, "domain %s is still active on '%s'", uuid,
                                dst->spec.label);
        if (virDomainIsPersistent(dd) == 1 &&
            virDomainUndefineFlags(dd, VIR_DOMAIN_UNDEFINE_KEEP_NVRAM) < 0)
            return mc_virt_error(err, -EIO, "cannot remove the domain's definition from '%s'",
                                 dst->spec.label);
    }
    return 0;
}

/* ---- undefine-source ---- */

int mc_step_undefine_run(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *src = c->hosts[0];
    int r;
    if ((r = conn_of(src, "source", err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr d = by_uuid(src, c->plan->uuid);
    if (!d || virDomainIsPersistent(d) != 1)
        return 0; /* transient (or gone with the migration): nothing to undefine */
    _cleanup_free_ char *xml =
        virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (!xml)
        return mc_virt_error(err, -EIO, "cannot read the definition on '%s'", src->spec.label);
    int autostart = 0;
    if (virDomainGetAutostart(d, &autostart) < 0)
        virResetLastError();
    /* Journaled with the step before it changes anything: the undo can define it again. */
    mc_step_record(s, "inactive-xml", xml);
    mc_step_record(s, "autostart", autostart ? "yes" : "no");
    _cleanup_error_ struct mc_error jerr = { 0 };
    if ((r = mc_journal_write(c->journal, c->plan, &jerr)) < 0)
        return mc_error_set(err, r, "%s", jerr.message);
    if (virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_KEEP_NVRAM) < 0)
        return mc_virt_error(err, -EIO, "cannot undefine the domain on '%s'", src->spec.label);
    return 0;
}

int mc_step_undefine_undo(struct mc_apply_ctx *c, struct mc_plan_step *s, struct mc_error *err)
{
    struct mc_host *src = c->hosts[0];
    const char *xml = mc_step_result(s, "inactive-xml");
    if (!xml)
        return 0; /* it never read (so never removed) the definition */
    int r;
    if ((r = conn_of(src, "source", err)) < 0)
        return r;
    _cleanup_(virDomainFreep) virDomainPtr d = by_uuid(src, c->plan->uuid);
    if (d && virDomainIsPersistent(d) == 1)
        return 0; /* still (or again) defined */
    virDomainFree(d);
    d = virDomainDefineXML(src->conn, xml);
    if (!d)
        return mc_virt_error(err, -EIO, "cannot define the domain again on '%s'", src->spec.label);
    const char *as = mc_step_result(s, "autostart");
    if (as && strcmp(as, "yes") == 0 && virDomainSetAutostart(d, 1) < 0)
        return mc_virt_error(err, -EIO, "cannot set autostart again on '%s'", src->spec.label);
    return 0;
}
