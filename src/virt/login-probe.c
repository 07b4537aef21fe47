/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A storage login from a host with the domain's own credentials, through that host's libvirt:
 * a private secret's value can never be read, so migcheck cannot log in with it itself, but
 * the host's libvirt can. For an iSCSI disk with CHAP <auth>, a transient iscsi-direct pool
 * with the disk's portal, target, initiator name and <auth> logs in with libiscsi (as QEMU
 * does), lists the target's LUNs, and is destroyed at once (a transient pool leaves nothing
 * defined). See libvirt's "Storage pool and volume XML format" (iscsi-direct) page.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "util/cleanup.h"
#include "util/xalloc.h"
#include "virt.h"

MC_DEFINE_CLEANUP(xmlDocPtr, xmlFreeDoc)

static char *pool_xml(const char *name, const struct mc_disk *d, const char *target,
                      const char *initiator)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr pool = xmlNewNode(NULL, (const xmlChar *)"pool");
    xmlDocSetRootElement(doc, pool);
    xmlNewProp(pool, (const xmlChar *)"type", (const xmlChar *)"iscsi-direct");
    xmlNewTextChild(pool, NULL, (const xmlChar *)"name", (const xmlChar *)name);
    xmlNodePtr src = xmlNewChild(pool, NULL, (const xmlChar *)"source", NULL);
    xmlNodePtr host = xmlNewChild(src, NULL, (const xmlChar *)"host", NULL);
    xmlNewProp(host, (const xmlChar *)"name", (const xmlChar *)d->hosts[0].name);
    if (d->hosts[0].port > 0) {
        char port[24];
        snprintf(port, sizeof(port), "%lld", (long long)d->hosts[0].port);
        xmlNewProp(host, (const xmlChar *)"port", (const xmlChar *)port);
    }
    xmlNodePtr dev = xmlNewChild(src, NULL, (const xmlChar *)"device", NULL);
    xmlNewProp(dev, (const xmlChar *)"path", (const xmlChar *)target);
    xmlNodePtr init = xmlNewChild(src, NULL, (const xmlChar *)"initiator", NULL);
    xmlNodePtr iqn = xmlNewChild(init, NULL, (const xmlChar *)"iqn", NULL);
    xmlNewProp(iqn, (const xmlChar *)"name", (const xmlChar *)initiator);
    xmlNodePtr auth = xmlNewChild(src, NULL, (const xmlChar *)"auth", NULL);
    xmlNewProp(auth, (const xmlChar *)"type", (const xmlChar *)"chap");
    xmlNewProp(auth, (const xmlChar *)"username", (const xmlChar *)d->auth_user);
    xmlNodePtr sec = xmlNewChild(auth, NULL, (const xmlChar *)"secret", NULL);
    if (d->auth_secret_uuid)
        xmlNewProp(sec, (const xmlChar *)"uuid", (const xmlChar *)d->auth_secret_uuid);
    else
        xmlNewProp(sec, (const xmlChar *)"usage", (const xmlChar *)d->auth_secret_usage);
    xmlChar *buf = NULL;
    int len = 0;
    xmlDocDumpMemory(doc, &buf, &len);
    char *r = mc_xstrndup((const char *)buf, len > 0 ? (size_t)len : 0);
    xmlFree(buf);
    return r;
}

int mc_virt_iscsi_login_probe(virConnectPtr conn, const struct mc_disk *d, const char *initiator,
                              const char *token, struct mc_login_probe *ret,
                              struct mc_error *reterr)
{
    memset(ret, 0, sizeof(*ret));
    if (!d->n_hosts || !d->hosts[0].name || !d->source_name || !d->auth_user ||
        (!d->auth_secret_uuid && !d->auth_secret_usage) || !initiator)
        return mc_error_set(reterr, -EINVAL, "the disk lacks a portal, target or credentials");
    _cleanup_free_ char *target = mc_xstrdup(d->source_name);
    char *slash = strrchr(target, '/');
    long lun = 0;
    if (slash) {
        char *end;
        lun = strtol(slash + 1, &end, 10);
        if (*end || lun < 0 || lun > 16383)
            return mc_error_set(reterr, -EINVAL, "invalid iSCSI LUN in '%s'", d->source_name);
        *slash = '\0';
    }
    _cleanup_free_ char *name = mc_xasprintf("migcheck-login-%s", token);
    _cleanup_free_ char *xml = pool_xml(name, d, target, initiator);
    virStoragePoolPtr pool = virStoragePoolCreateXML(conn, xml, 0);
    if (!pool) {
        int code = mc_virt_last_code();
        virErrorPtr e = virGetLastError();
        ret->message = mc_xstrdup(e && e->message ? e->message : "pool creation failed");
        virResetLastError();
        /* Only the iscsi-direct backend's own words for a failed connection or login
         * (storage_backend_iscsi_direct.c) are what QEMU's libiscsi will meet too, from the same
         * host, portal, initiator name and credentials. Anything else (no such backend, no
         * secret, a conflicting pool, ...) is this probe's own failure. */
        const char *m = ret->message;
        if (code == VIR_ERR_INTERNAL_ERROR && strstr(m, "Failed to login: "))
            ret->result = MC_LOGIN_REFUSED;
        else if (code == VIR_ERR_INTERNAL_ERROR && strstr(m, "Failed to connect: "))
            ret->result = MC_LOGIN_UNREACHABLE;
        else
            ret->result = MC_LOGIN_CANNOT;
        return 0;
    }
    /* iscsi-direct names a LUN's volume unit:0:0:LUN. */
    _cleanup_free_ char *volname = mc_xasprintf("unit:0:0:%ld", lun);
    virStorageVolPtr vol = virStorageVolLookupByName(pool, volname);
    if (vol) {
        ret->result = MC_LOGIN_OK;
        virStorageVolFree(vol);
    } else {
        ret->result = MC_LOGIN_NO_LUN;
        ret->message = mc_xasprintf("logged in, but target '%s' has no LUN %ld", target, lun);
    }
    virResetLastError();
    if (virStoragePoolDestroy(pool) < 0) {
        virErrorPtr e = virGetLastError();
        ret->cleanup_error = mc_xasprintf("cannot destroy the transient pool '%s': %s", name,
                                          e && e->message ? e->message : "?");
        virResetLastError();
    }
    virStoragePoolFree(pool);
    return 0;
}

void mc_login_probe_clear(struct mc_login_probe *r)
{
    free(r->message);
    free(r->cleanup_error);
    memset(r, 0, sizeof(*r));
}
