/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the domain XML makes the destination do: every element of libvirt's
 * domain format that makes DST's QEMU or libvirt open, create, bind, connect
 * to, log in to, look up or execute something on DST, what DST needs for it,
 * and the rule that checks it (or why no rule can). The table is documentation
 * that the code keeps honest: migcheck-rules(7) prints it, a test walks
 * libvirt's domain schema (domain.rng and what it includes) and fails on an
 * element with a file, path, dir, socket or dev attribute, or an <auth> or
 * <secret>, that no row names, and another test fails on a rule id that is not
 * in the rule catalogue.
 *
 * Paths are the element's place in the schema below <domain>, with attribute
 * after '@' ("devices/serial/source@path"); a text element has no '@'
 * ("os/kernel"). A chain of <backingStore> elements is written once. A path
 * ending in "/..." names the element and everything below it. Documents other
 * than the domain that the domain*.rng schemas describe are named by their root
 * ("domainsnapshot/...").
 */
#pragma once

#include <stddef.h>

enum mc_dst_action {
    MC_DST_NOTHING, /* names a guest-side thing: nothing happens on the host */
    MC_DST_OPEN,    /* opens an existing file, directory or volume */
    MC_DST_CREATE,  /* creates a file (or the directory's entry) */
    MC_DST_BIND,    /* creates and listens on a UNIX socket, or binds an address */
    MC_DST_CONNECT, /* connects to a socket some other process listens on */
    MC_DST_DEVICE,  /* opens a host device node or host hardware */
    MC_DST_LOGIN,   /* logs in to a storage server with credentials */
    MC_DST_LOOKUP,  /* looks something up in DST's libvirt (secret, pool, network) */
    MC_DST_EXEC,    /* executes a program on DST */
    MC_DST_REFUSED, /* libvirt or QEMU refuses to migrate the domain with it */
};

const char *mc_dst_action_name(enum mc_dst_action a); /* "open", "create", ... */

struct mc_domain_need {
    const char *path; /* schema path below <domain>, see above */
    const char *when; /* the case of the element this row is about, "" for any */
    enum mc_dst_action action;
    const char *needs;  /* what DST must have */
    const char *rule;   /* the rule id that checks it, or NULL */
    const char *reason; /* how the rule checks it, or why no rule can */
};

const struct mc_domain_need *mc_domain_needs_table(size_t *ret_n);

/* Does a row name this schema path (exactly, or by a "/..." prefix)? */
const struct mc_domain_need *mc_domain_needs_find(const char *path);
