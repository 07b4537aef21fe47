/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migcheck facts: a snapshot of this host, the raw material of every check. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts-json.h"
#include "checker/facts-xml.h"
#include "cli.h"
#include "exit-codes.h"
#include "gather.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

enum {
    OPT_CONNECT = 'c',
    OPT_VM = MC_OPT_FIRST_VERB_OPT,
    OPT_ROOT,
    OPT_NO_VIRT,
    OPT_NAME,
    OPT_ALL_VMS,
};

const struct mc_opt verb_facts_opts[] = {
    { "connect", required_argument, OPT_CONNECT, "URI",
      "libvirt URI of the local hypervisor (default qemu:///system)", NULL, false },
    { "vm", required_argument, OPT_VM, "NAME",
      "also gather this domain's facts (name or UUID); repeatable", NULL, false },
    { "all-vms", no_argument, OPT_ALL_VMS, NULL,
      "also gather the facts of every domain of the host, running or not (for 'migcheck "
      "cluster --facts')",
      NULL, false },
    { "root", required_argument, OPT_ROOT, "DIR",
      "read the host's files under DIR (a chroot or recorded fixture); no netlink, no libvirt "
      "unless --connect is given",
      NULL, false },
    { "no-virt", no_argument, OPT_NO_VIRT, NULL, "do not connect to libvirt", NULL, false },
    { "name", required_argument, OPT_NAME, "NAME", "name to record for the host", NULL, false },
    { 0 },
};

static int handle(int c, const char *arg, void *userdata)
{
    struct mc_gather_opts *o = userdata;
    switch (c) {
    case OPT_CONNECT:
        o->uri = arg;
        return 0;
    case OPT_VM:
        if (!*arg) {
            mc_log_error("--vm needs a domain name");
            return -1;
        }
        if (!o->vm)
            o->vm = arg;
        else if (strcmp(o->vm, arg) != 0 && !mc_strv_contains(o->vms, arg))
            mc_strv_add(&o->vms, arg);
        return 0;
    case OPT_ALL_VMS:
        o->all_vms = true;
        return 0;
    case OPT_ROOT:
        o->root = arg;
        return 0;
    case OPT_NO_VIRT:
        o->no_virt = true;
        return 0;
    case OPT_NAME:
        o->name = arg;
        return 0;
    }
    return -1;
}

/*
 * The snapshot records what could not be gathered; stderr says so too. What was asked for and
 * is missing makes the exit status: libvirt unreachable (the virt facts, and the domain's) is 3,
 * a domain libvirt does not have is 2 (bad input), as for check. Partial areas (a file this user
 * cannot read) are one warning, listed with -v.
 */
static int report_errors(const struct mc_host_facts *h, const struct mc_gather_opts *o,
                         const struct mc_global *g)
{
    int rc = MC_EXIT_OK;
    size_t partial = 0;
    _cleanup_strv_free_ char **areas = NULL;
    for (size_t i = 0; i < h->n_errors; i++) {
        const struct mc_fact_error *e = &h->errors[i];
        const char *area = e->area ? e->area : "?";
        if (strcmp(area, "virt") == 0) {
            mc_log_error("%s (the snapshot has no libvirt facts%s)",
                         e->message ? e->message : "cannot connect to libvirt",
                         o->vm ? " and no domain" : "");
            rc = MC_EXIT_UNKNOWN;
        } else if (strcmp(area, "vm") == 0) {
            if (rc == MC_EXIT_UNKNOWN)
                continue; /* the same connection error, said above */
            mc_log_error("%s", e->message ? e->message : "cannot gather the domain");
            rc = e->err == ENOENT ? MC_EXIT_USAGE : MC_EXIT_UNKNOWN;
        } else {
            partial++;
            mc_log_debug(g, "%s: %s", area, e->message ? e->message : "failed");
            if (!mc_strv_contains(areas, area))
                mc_strv_add(&areas, area);
        }
    }
    if (partial) {
        _cleanup_free_ char *list = mc_strv_join(areas, ", ");
        mc_log_warning("%zu fact%s could not be gathered (%s); the snapshot records why%s", partial,
                       partial == 1 ? "" : "s", list, g->verbose ? "" : " (-v lists them)");
    }
    return rc;
}

int verb_facts(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    struct mc_gather_opts o = { 0 };
    int first;
    int r = mc_parse_options(mc_verb_find("facts"), argc, argv, &g, handle, &o, &first);
    _unused_ _cleanup_strv_free_ char **vms = o.vms; /* freed on every return */
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    if (first < argc) {
        mc_log_error("unexpected argument '%s' (gathering other hosts is done by 'migcheck SRC "
                     "DST VM')",
                     argv[first]);
        return MC_EXIT_USAGE;
    }
    if (o.all_vms && o.vm) {
        mc_log_error("--all-vms and --vm exclude each other");
        return MC_EXIT_USAGE;
    }
    const char *fmt = g.format ? g.format : "xml";
    if (strcmp(fmt, "xml") != 0 && strcmp(fmt, "json") != 0) {
        mc_log_error("invalid format '%s' for facts: expected xml or json", fmt);
        return MC_EXIT_USAGE;
    }

    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_gather_local(&o);
    int rc = report_errors(h, &o, &g);
    if (strcmp(fmt, "json") == 0) {
        struct json_object *j = mc_facts_to_json(h);
        fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE),
              stdout);
        fputc('\n', stdout);
        json_object_put(j);
    } else {
        _cleanup_free_ char *xml = NULL;
        size_t len = 0;
        if (mc_facts_to_xml(h, &xml, &len) < 0) {
            mc_log_error("cannot serialize the facts");
            return MC_EXIT_UNKNOWN;
        }
        fwrite(xml, 1, len, stdout);
    }
    return rc;
}
