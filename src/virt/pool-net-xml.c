/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage pool, network and secret XML (docs/formatstorage.rst, formatnetwork.rst,
 * formatsecret.rst). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "virt-xml.h"
#include "virt.h"

/* A pool or network definition has tens of elements; a network with thousands of DHCP
 * hosts is the largest real case. */
#define MAX_ELEMENTS 200000

int mc_pool_xml_parse(const char *xml, size_t len, struct mc_pool *ret, struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, "storage pool XML", "pool", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct mc_pool p = { 0 };
    p.type = mc_xml_prop(root, "type");
    p.name = mc_xml_child_text(root, "name");
    p.uuid = mc_xml_child_text(root, "uuid");
    p.capacity = mc_xml_scaled(mc_xml_child(root, "capacity"), "bytes", 1);
    p.allocation = mc_xml_scaled(mc_xml_child(root, "allocation"), "bytes", 1);
    p.available = mc_xml_scaled(mc_xml_child(root, "available"), "bytes", 1);
    p.target_path = mc_xml_child_text(mc_xml_child(root, "target"), "path");

    xmlNodePtr src = mc_xml_child(root, "source");
    xmlNodePtr host = mc_xml_child(src, "host");
    p.source_host = mc_xml_prop(host, "name");
    _cleanup_free_ char *port = mc_xml_prop(host, "port");
    int64_t v;
    if (port && mc_parse_int64(port, false, &v) && v > 0 && v <= 65535)
        p.source_port = v;
    p.source_dir = mc_xml_child_prop(src, "dir", "path");
    p.source_device = mc_xml_child_prop(src, "device", "path");
    p.source_name = mc_xml_child_text(src, "name");
    p.source_format = mc_xml_child_prop(src, "format", "type");
    p.initiator_iqn = mc_xml_child_prop(mc_xml_child(src, "initiator"), "iqn", "name");
    *ret = p;
    return 0;
}

int mc_network_xml_parse(const char *xml, size_t len, struct mc_vnet *ret, struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, "network XML", "network", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct mc_vnet n = { 0 };
    n.name = mc_xml_child_text(root, "name");
    n.uuid = mc_xml_child_text(root, "uuid");
    n.bridge = mc_xml_child_prop(root, "bridge", "name");
    xmlNodePtr fwd = mc_xml_child(root, "forward");
    if (fwd) {
        n.forward_mode = mc_xml_prop(fwd, "mode");
        if (!n.forward_mode)
            n.forward_mode = mc_xstrdup("nat"); /* <forward/> without a mode is NAT */
        n.forward_dev = mc_xml_prop(fwd, "dev");
        if (!n.forward_dev)
            n.forward_dev = mc_xml_child_prop(fwd, "pf", "dev");
        if (!n.forward_dev)
            n.forward_dev = mc_xml_child_prop(fwd, "interface", "dev");
    } else {
        n.forward_mode = mc_xstrdup("none"); /* isolated */
    }
    _cleanup_free_ char *mtu = mc_xml_child_prop(root, "mtu", "size");
    int64_t v;
    if (mtu && mc_parse_int64(mtu, false, &v) && v > 0)
        n.mtu = v;
    *ret = n;
    return 0;
}

void mc_pool_clear(struct mc_pool *p)
{
    struct mc_virt_facts v = { 0 };
    v.pools = mc_xmalloc(sizeof(*p));
    memcpy(v.pools, p, sizeof(*p));
    v.n_pools = 1;
    mc_virt_facts_clear(&v);
    memset(p, 0, sizeof(*p));
}

void mc_vnet_clear(struct mc_vnet *n)
{
    struct mc_virt_facts v = { 0 };
    v.networks = mc_xmalloc(sizeof(*n));
    memcpy(v.networks, n, sizeof(*n));
    v.n_networks = 1;
    mc_virt_facts_clear(&v);
    memset(n, 0, sizeof(*n));
}

int mc_secret_xml_parse(const char *xml, size_t len, struct mc_secret *ret, struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_virt_xml_open(xml, len, "secret XML", "secret", MAX_ELEMENTS, &doc, reterr);
    if (r < 0)
        return r;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct mc_secret s = { 0 };
    s.uuid = mc_xml_child_text(root, "uuid");
    s.ephemeral = mc_xml_prop_yes(root, "ephemeral");
    s.private_ = mc_xml_prop_yes(root, "private");
    xmlNodePtr usage = mc_xml_child(root, "usage");
    s.usage_type = mc_xml_prop(usage, "type");
    /* The usage id: <volume> for volume, <target> for iscsi, <name> for ceph, tls, vtpm. */
    static const char *const ids[] = { "volume", "target", "name", NULL };
    for (size_t i = 0; ids[i] && !s.usage_id; i++)
        s.usage_id = mc_xml_child_text(usage, ids[i]);
    *ret = s;
    return 0;
}
