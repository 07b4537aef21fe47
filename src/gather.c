/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "gather.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "network/network.h"
#include "os/os.h"
#include "os/usb.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

char *mc_timestamp_now(void)
{
    time_t t = time(NULL);
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return mc_xstrdup(buf);
}

void mc_gather_from_source(struct mc_source *src, struct mc_host_facts *h, bool netlink)
{
    mc_os_gather(src, h);
    h->areas |= MC_AREA_OS;
    mc_mounts_gather(src, h);
    h->areas |= MC_AREA_MOUNTS;
    mc_storage_gather(src, h);
    h->areas |= MC_AREA_STORAGE;
    if (netlink)
        mc_net_gather_netlink(h);
    else
        mc_net_gather_source(src, h);
    mc_net_gather_listening(src, h);
    h->areas |= MC_AREA_NET;
    mc_usb_gather(src, h);
    mc_os_hash_vm_roms(src, h);
}

struct mc_host_facts *mc_gather_local(const struct mc_gather_opts *o)
{
    struct mc_host_facts *h = mc_host_facts_new();
    h->generated = mc_timestamp_now();
    h->generator = mc_xstrdup("migcheck " MIGCHECK_VERSION);
    h->collector = o->root ? mc_xasprintf("root:%s", o->root) : mc_xstrdup("local");
    _cleanup_(mc_source_freep) struct mc_source *src =
        mc_source_fs(o->root ? o->root : "/", !o->root);

    if (!o->no_virt && (!o->root || o->uri)) {
        const char *uri = o->uri ? o->uri : "qemu:///system";
        _cleanup_(virConnectClosep) virConnectPtr conn = NULL;
        _cleanup_error_ struct mc_error err = { 0 };
        /* Read-write when allowed (domain capabilities, the migratable XML), else read-only. */
        int r = mc_virt_open(uri, false, &conn, &err);
        if (r < 0) {
            mc_error_clear(&err);
            r = mc_virt_open(uri, true, &conn, &err);
        }
        if (r < 0) {
            mc_facts_add_error(h, "virt", err.code, "%s", err.message);
            if (o->vm || o->vms || o->all_vms)
                mc_facts_add_error(h, "vm", err.code, "%s", err.message);
        } else {
            mc_virt_gather(conn, src, h);
            if (o->vm)
                mc_vm_gather(conn, o->vm, h);
            STRV_FOREACH (n, o->vms)
                (void)mc_vm_gather_add(conn, *n, h);
            if (o->all_vms)
                mc_vm_gather_all(conn, h);
        }
        if (o->vm || o->vms || o->all_vms)
            h->areas |= MC_AREA_VM;
        h->areas |= MC_AREA_VIRT | MC_AREA_CPU;
    }
    mc_gather_from_source(src, h, !o->root);
    h->name = mc_xstrdup(o->name ? o->name : h->os.hostname ? h->os.hostname : "local");
    return h;
}
