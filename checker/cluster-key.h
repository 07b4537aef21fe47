/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Equivalence classes for `migcheck cluster`: the key of a host and of a
 * domain is the part of its facts the rules can tell apart. Two hosts with
 * the same key are judged alike by every rule, and so are two domains, as
 * long as the few facts left out of the keys (names, addresses, host UUIDs,
 * defined domains, free memory and huge pages) relate the same way; the
 * cluster engine (cluster.c) captures those relations per cell in a small
 * "pair key". cluster-key.c holds the argument field by field.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "util/buf.h"
#include "util/hashmap.h"

struct mc_key_ctx {
    /* Names the domains of the cluster give to host interfaces (bridge, direct and network
     * sources) and the bridges of every libvirt network: the links whose facts matter. */
    struct mc_hashmap link_names;
    /* Every path component of every mount and pool target of the cluster: a file whose name
     * is one of them keeps its whole path in the key. */
    struct mc_hashmap target_components;
    /* The addresses of the hosts: on how many hosts each is. */
    struct mc_hashmap host_addrs;
    size_t n_hosts;
};

/* Collect what the keys need from every host (and its domains) and from extra domains
 * (templates). */
void mc_key_ctx_init(struct mc_key_ctx *ctx, struct mc_host_facts *const *hosts, size_t n_hosts,
                     const struct mc_vm_facts *const *extra, size_t n_extra);
void mc_key_ctx_clear(struct mc_key_ctx *ctx);

/* Append the key of a host (without its domains) or of a domain to out. */
void mc_host_key(const struct mc_key_ctx *ctx, const struct mc_host_facts *h, struct mc_buf *out);
void mc_vm_key(const struct mc_key_ctx *ctx, const struct mc_vm_facts *vm, struct mc_buf *out);

/*
 * The fields left out of the keys or reduced in them, as "element/field" of
 * migcheck-facts(5) ("os/hostname", "domain/vcpus"), NULL-terminated: for the
 * test that proves no rule reads them.
 */
extern const char *const mc_key_left_out[];
