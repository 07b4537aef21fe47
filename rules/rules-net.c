/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network rules: bridges, libvirt networks, MTU, listen addresses, the migration path. */
#include <stdio.h>

#include "rules-internal.h"
#include "util/fileio.h"

RULE_FN(rule_net_bridge)
{
    for (size_t i = 0; i < p->vm->n_ifaces; i++) {
        const struct mc_iface *ifc = &p->vm->ifaces[i];
        if (!streq(ifc->type, "bridge") || !ifc->source)
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("bridge %s", ifc->source);
        const struct mc_link *l = mc_net_find_link(&p->dst->net, ifc->source);
        if (!l)
            mc_emit(out, r, MC_PROBLEM, subject, "bridge %s (interface %s) does not exist on %s",
                    ifc->source, mc_vm_iface_label(ifc), DST(p));
        else if (!streq(l->kind, "bridge") && !streq(l->kind, "openvswitch"))
            mc_emit(out, r, MC_PROBLEM, subject, "%s on %s is a %s device, not a bridge",
                    ifc->source, DST(p), str_or(l->kind, "plain"));
        else if (!l->up)
            mc_emit(out, r, MC_PROBLEM, subject, "bridge %s is down on %s", ifc->source, DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, subject, "bridge %s is up on %s", ifc->source, DST(p));
    }
}

RULE_FN(rule_net_network)
{
    for (size_t i = 0; i < p->vm->n_ifaces; i++) {
        const struct mc_iface *ifc = &p->vm->ifaces[i];
        if (!streq(ifc->type, "network") || !ifc->source)
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("network %s", ifc->source);
        const struct mc_vnet *n = mc_virt_find_network(&p->dst->virt, ifc->source);
        if (!n)
            mc_emit(out, r, MC_PROBLEM, subject, "libvirt network %s is not defined on %s",
                    ifc->source, DST(p));
        else if (!n->active)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "libvirt network %s is defined but not active on "
                    "%s",
                    ifc->source, DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, subject, "libvirt network %s is active on %s",
                    ifc->source, DST(p));
    }
}

RULE_FN(rule_net_direct)
{
    for (size_t i = 0; i < p->vm->n_ifaces; i++) {
        const struct mc_iface *ifc = &p->vm->ifaces[i];
        if (!streq(ifc->type, "direct") || !ifc->source)
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("interface %s", ifc->source);
        const struct mc_link *l = mc_net_find_link(&p->dst->net, ifc->source);
        if (!l)
            mc_emit(out, r, MC_PROBLEM, subject,
                    "host interface %s (macvtap %s) does not exist on "
                    "%s",
                    ifc->source, str_or(ifc->source_mode, "vepa"), DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, subject, "host interface %s exists on %s", ifc->source,
                    DST(p));
    }
}

/* The host bridge an interface ends up on: the bridge itself, or its network's bridge. */
static const char *iface_bridge(const struct mc_iface *ifc, const struct mc_host_facts *h)
{
    if (streq(ifc->type, "bridge"))
        return ifc->source;
    if (streq(ifc->type, "network")) {
        const struct mc_vnet *n = mc_virt_find_network(&h->virt, ifc->source);
        return n ? n->bridge : NULL;
    }
    return NULL;
}

RULE_FN(rule_net_mtu)
{
    for (size_t i = 0; i < p->vm->n_ifaces; i++) {
        const struct mc_iface *ifc = &p->vm->ifaces[i];
        const char *sb = iface_bridge(ifc, p->src), *db = iface_bridge(ifc, p->dst);
        const struct mc_link *sl = mc_net_find_link(&p->src->net, sb);
        const struct mc_link *dl = mc_net_find_link(&p->dst->net, db);
        if (!sl || !dl || sl->mtu <= 0 || dl->mtu <= 0)
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("%s %s", str_or(ifc->type, "?"), ifc->source);
        if (sl->mtu != dl->mtu)
            mc_emit(out, r, MC_PROBLEM, subject, "%s has MTU %lld on %s but %lld on %s", sb,
                    (long long)sl->mtu, SRC(p), (long long)dl->mtu, DST(p));
        else
            mc_emit(out, r, MC_STATUS_PASS, subject, "%s has MTU %lld on both hosts", sb,
                    (long long)sl->mtu);
    }
}

/* Bridges of a host as "name(mtu)" for comparison; VM tap devices are not configuration. */
static bool is_config_bridge(const struct mc_link *l)
{
    return streq(l->kind, "bridge") || streq(l->kind, "openvswitch");
}

static void sep(struct mc_buf *b)
{
    if (b->len)
        mc_buf_puts(b, "; ");
}

RULE_FN(rule_net_config_identical)
{
    _cleanup_buf_ struct mc_buf diff = MC_BUF_INIT;
    const struct mc_net_facts *sn = &p->src->net, *dn = &p->dst->net;
    const struct mc_virt_facts *sv = &p->src->virt, *dv = &p->dst->virt;

    for (size_t i = 0; i < sn->n_links; i++) {
        const struct mc_link *l = &sn->links[i];
        if (!is_config_bridge(l))
            continue;
        const struct mc_link *o = mc_net_find_link(dn, l->name);
        if (!o || !is_config_bridge(o)) {
            sep(&diff);
            mc_buf_printf(&diff, "bridge %s only on %s", l->name, SRC(p));
        } else if (l->mtu != o->mtu) {
            sep(&diff);
            mc_buf_printf(&diff, "bridge %s MTU %lld on %s, %lld on %s", l->name, (long long)l->mtu,
                          SRC(p), (long long)o->mtu, DST(p));
        }
    }
    for (size_t i = 0; i < dn->n_links; i++) {
        const struct mc_link *l = &dn->links[i];
        const struct mc_link *o = mc_net_find_link(sn, l->name);
        if (is_config_bridge(l) && (!o || !is_config_bridge(o))) {
            sep(&diff);
            mc_buf_printf(&diff, "bridge %s only on %s", l->name, DST(p));
        }
    }
    for (size_t i = 0; i < sv->n_networks; i++) {
        const struct mc_vnet *n = &sv->networks[i];
        const struct mc_vnet *o = mc_virt_find_network(dv, n->name);
        if (!o) {
            sep(&diff);
            mc_buf_printf(&diff, "network %s only on %s", n->name, SRC(p));
        } else if (!streq_ptr(n->forward_mode, o->forward_mode) || n->active != o->active) {
            sep(&diff);
            mc_buf_printf(&diff, "network %s is %s%s on %s, %s%s on %s", n->name,
                          str_or(n->forward_mode, "isolated"), n->active ? "" : " (inactive)",
                          SRC(p), str_or(o->forward_mode, "isolated"),
                          o->active ? "" : " (inactive)", DST(p));
        }
    }
    for (size_t i = 0; i < dv->n_networks; i++)
        if (!mc_virt_find_network(sv, dv->networks[i].name)) {
            sep(&diff);
            mc_buf_printf(&diff, "network %s only on %s", dv->networks[i].name, DST(p));
        }
    if (diff.len) {
        struct mc_finding *f =
            mc_emit(out, r, MC_PROBLEM, "network configuration",
                    "bridging and libvirt networks differ between %s and %s", SRC(p), DST(p));
        mc_finding_set_evidence(f, "%s", diff.data);
    } else {
        mc_emit(out, r, MC_STATUS_PASS, "network configuration",
                "bridges and libvirt networks are the same on both hosts");
    }
}

static bool wildcard_address(const char *a)
{
    return !a || !*a || streq(a, "0.0.0.0") || streq(a, "::") || streq(a, "127.0.0.1") ||
           streq(a, "::1") || streq(a, "localhost") || streq(a, "[::]");
}

static void check_listen(const struct mc_rule *r, const struct mc_pair *p, struct mc_findings *out,
                         const char *subject, const char *addr)
{
    if (wildcard_address(addr)) {
        mc_emit(out, r, MC_STATUS_PASS, subject, "%s listens on %s, valid on any host", subject,
                addr && *addr ? addr : "the default address");
        return;
    }
    if (mc_host_has_address(p->dst, addr))
        mc_emit(out, r, MC_STATUS_PASS, subject, "%s listens on %s, an address of %s too", subject,
                addr, DST(p));
    else
        mc_emit(out, r, MC_PROBLEM, subject,
                "%s listens on %s, which %s does not have: QEMU cannot bind it there", subject,
                addr, DST(p));
}

RULE_FN(rule_net_listen_address)
{
    for (size_t i = 0; i < p->vm->n_graphics; i++) {
        const struct mc_graphics *g = &p->vm->graphics[i];
        _cleanup_free_ char *subject = mc_xasprintf("graphics %s", str_or(g->type, "?"));
        if (streq(g->listen_type, "network")) {
            const struct mc_vnet *n = mc_virt_find_network(&p->dst->virt, g->listen_network);
            if (n && n->active)
                mc_emit(out, r, MC_STATUS_PASS, subject, "%s listens on network %s, active on %s",
                        subject, g->listen_network, DST(p));
            else
                mc_emit(out, r, MC_PROBLEM, subject,
                        "%s listens on libvirt network %s, which is not active on %s", subject,
                        str_or(g->listen_network, "?"), DST(p));
            continue;
        }
        if (streq(g->listen_type, "socket") || streq(g->listen_type, "none"))
            continue;
        check_listen(r, p, out, subject, g->listen);
    }
    bool has_serial = false;
    for (size_t i = 0; i < p->vm->n_chardevs; i++)
        has_serial = has_serial || streq(p->vm->chardevs[i].kind, "serial");
    for (size_t i = 0; i < p->vm->n_chardevs; i++) {
        const struct mc_chardev *c = &p->vm->chardevs[i];
        if (!(streq(c->type, "tcp") || streq(c->type, "udp")) || !streq(c->mode, "bind"))
            continue;
        /* libvirt writes serial port 0 a second time as <console><target type='serial'>: the
         * same device and socket, checked once as the serial port. */
        if (streq(c->kind, "console") && has_serial &&
            (!c->target_type || streq(c->target_type, "serial")))
            continue;
        _cleanup_free_ char *subject = mc_xasprintf("%s %s:%s", str_or(c->kind, "chardev"),
                                                    str_or(c->host, "*"), str_or(c->service, "?"));
        check_listen(r, p, out, subject, c->host);
    }
}

/* ours: migcheck listened at the far end (the migration port range); otherwise the port is a
 * daemon's (libvirtd's), and a refusal may be the daemon not listening as well as a firewall. */
static void port_finding(const struct mc_rule *r, const struct mc_pair *p, struct mc_findings *out,
                         const struct mc_port_probe *pp, const char *what, bool ours)
{
    _cleanup_free_ char *subject = mc_xasprintf("port %lld", (long long)pp->port);
    const char *to = str_or(pp->address, str_or(pp->host, "?"));
    if (pp->probe == MC_PROBE_NOT_RUN) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, what, "the %s was not probed", what);
        return;
    }
    if (pp->probe != MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, what, "cannot probe the %s from %s: %s", what, SRC(p),
                str_or(pp->detail, mc_probe_name(pp->probe)));
        return;
    }
    struct mc_finding *f;
    if (pp->result == MC_PORT_OPEN) {
        f = mc_emit(out, r, MC_STATUS_PASS, subject,
                    "%s reaches %s's %s: a test connection to %s:%lld succeeded", SRC(p), DST(p),
                    what, to, (long long)pp->port);
    } else if (pp->result == MC_PORT_REFUSED && ours) {
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "%s's connection to %s:%lld was refused although migcheck listened there: a "
                    "firewall on the path rejects the %s",
                    SRC(p), to, (long long)pp->port, what);
    } else if (pp->result == MC_PORT_REFUSED) {
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "%s's connection to %s:%lld was refused: nothing on %s listens there (the "
                    "daemon's TCP listener is off), or a firewall on the path rejects the %s",
                    SRC(p), to, (long long)pp->port, DST(p), what);
    } else if (pp->result == MC_PORT_TIMEOUT) {
        f = mc_emit(out, r, MC_PROBLEM, subject,
                    "%s's connection to %s:%lld timed out: a firewall drops the %s", SRC(p), to,
                    (long long)pp->port, what);
    } else {
        f = mc_emit(out, r, MC_PROBLEM, subject, "%s cannot reach %s:%lld (%s)", SRC(p), to,
                    (long long)pp->port,
                    mc_enum_name_or(&mc_port_result_names, (int)pp->result, "unreachable"));
    }
    if (pp->detail)
        mc_finding_set_evidence(f, "%s", pp->detail);
}

RULE_FN(rule_net_migration_port)
{
    /* --tunnelled: memory goes through the libvirt connection
     * (net.libvirtd-port), not to DST's migration ports. */
    if (p->opts->tunnelled) {
        mc_emit(out, r, MC_STATUS_SKIP, "migration port range",
                "--tunnelled: the migration goes through the libvirt connection, not to %s's "
                "migration ports",
                DST(p));
        return;
    }
    port_finding(r, p, out, &p->rel->migration_port, "migration port range", true);
}

static bool loopback(const char *a)
{
    return mc_str_startswith(a, "127.") || streq(a, "::1") || mc_str_startswith(a, "::ffff:127.");
}

RULE_FN(rule_net_dst_hostname)
{
    const char *mh = p->dst->virt.qemu_conf.migration_host;
    const char *name = mh && *mh ? mh : p->dst->virt.hostname;
    if (!name) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, "hostname", "%s's host name is not known", DST(p));
        return;
    }
    _cleanup_free_ char *subject = mc_xasprintf("hostname %s", name);
    /* A tunnelled migration has no migration URI: DST's name is not used for the stream. */
    if (p->opts->tunnelled) {
        mc_emit(out, r, MC_STATUS_SKIP, subject,
                "--tunnelled: the migration goes through the libvirt connection; %s's name '%s' "
                "is not used for it",
                DST(p), name);
        return;
    }
    /* migration_host in DST's qemu.conf replaces the host name: where that qemu.conf was not
     * read, a problem with the host name (or with resolving it) is not known to be libvirt's. */
    bool conf_unread = !mh && !p->dst->virt.qemu_conf.readable;
    int problem = conf_unread ? MC_STATUS_UNKNOWN : MC_PROBLEM;
    const char *unread = conf_unread ? " (unless migration_host in its qemu.conf, which was not "
                                       "read, names another)"
                                     : "";
    struct mc_finding *f;
    if (!mh && mc_str_startswith(name, "localhost")) {
        f = mc_emit(out, r, problem, subject,
                    "%s calls itself '%s': libvirt refuses ('hostname on destination resolved to "
                    "localhost, but migration requires an FQDN')%s",
                    DST(p), name, unread);
        if (conf_unread)
            mc_finding_set_hint(f, "%s", r->hint);
        return;
    }
    const struct mc_name_probe *np = &p->rel->dst_name;
    if (!p->rel->live || np->probe == MC_PROBE_NOT_RUN) {
        mc_emit(out, r, MC_STATUS_SKIP, subject, "whether %s resolves '%s' needs a live probe",
                SRC(p), name);
        return;
    }
    if (np->probe == MC_PROBE_FAILED || (np->probe == MC_PROBE_OK && !np->addresses)) {
        f = mc_emit(out, r, problem, subject,
                    "%s cannot resolve '%s', the name %s gives the source for the migration "
                    "stream%s%s%s",
                    SRC(p), name, DST(p), unread, np->detail ? ": " : "", str_or(np->detail, ""));
        if (conf_unread)
            mc_finding_set_hint(f, "%s", r->hint);
        return;
    }
    if (np->probe != MC_PROBE_OK) {
        mc_emit(out, r, MC_STATUS_UNKNOWN, subject, "cannot resolve '%s' on %s: %s", name, SRC(p),
                str_or(np->detail, mc_probe_name(np->probe)));
        return;
    }
    _cleanup_free_ char *addrs = mc_strv_join(np->addresses, ", ");
    STRV_FOREACH (a, np->addresses)
        if (loopback(*a)) {
            f = mc_emit(out, r, problem, subject,
                        "%s resolves '%s' to the loopback address %s: the migration would "
                        "connect to itself%s",
                        SRC(p), name, *a, unread);
            if (conf_unread)
                mc_finding_set_hint(f, "%s", r->hint);
            return;
        }
    bool own = false;
    STRV_FOREACH (a, np->addresses)
        if (mc_host_has_address(p->dst, *a))
            own = true;
    f = mc_emit(out, r, MC_STATUS_PASS, subject, "%s resolves '%s' to %s", SRC(p), name, addrs);
    if (!own && p->dst->net.n_addrs)
        mc_finding_set_evidence(f,
                                "none of these addresses is configured on %s (NAT or a "
                                "proxy?)",
                                DST(p));
}

RULE_FN(rule_net_libvirtd_port)
{
    const char *t = p->opts->transport;
    if (!(streq(t, "tcp") || streq(t, "tls")) && !p->opts->p2p)
        return;
    if (!(streq(t, "tcp") || streq(t, "tls"))) {
        /* --p2p over ssh (libssh, libssh2): SRC's libvirtd opens the destination URI itself,
         * an ssh connection as root, not a connection to libvirtd's TCP port, which the probe
         * tries. */
        struct mc_finding *f =
            mc_emit(out, r, MC_STATUS_UNKNOWN, "libvirtd connection",
                    "--p2p over %s: %s's libvirtd connects to %s over %s as root, with root's "
                    "keys and known hosts there; migcheck did not try that connection",
                    str_or(t, "ssh"), SRC(p), DST(p), str_or(t, "ssh"));
        mc_finding_set_hint(f,
                            "check that root on %s can run 'virsh -c qemu+ssh://%s/system "
                            "version' without a prompt",
                            SRC(p), DST(p));
        return;
    }
    port_finding(r, p, out, &p->rel->libvirtd_port, "libvirtd port", false);
}
