/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host lists for `migcheck cluster --hosts FILE`: the hosts of a cluster and
 * how to reach each, from a file an operator already has. Three formats, told
 * apart by their content:
 *
 *  - plain: one host per line, named as on the command line
 *    ([user@]host[:port], a libvirt URI, local); '#' starts a comment line;
 *  - an Ansible INI inventory: [group], [group:vars], [group:children],
 *    host lines "alias [key=value ...]" with ranges (web[01:20], db-[a:c]);
 *  - an Ansible YAML inventory: groups with hosts, vars and children.
 *
 * Of the variables, ansible_host, ansible_user, ansible_port (and their
 * ansible_ssh_* forms) and ansible_connection=local say how to reach a host;
 * precedence as in Ansible: host variables over child groups over parent
 * groups over "all", groups of one depth in name order. Everything else is
 * ignored. Pure parsing of untrusted input: limits on size, hosts and
 * nesting; every failure names the file and line.
 */
#pragma once

#include <stddef.h>

#include "util/error.h"

struct mc_inventory_host {
    char *name; /* how the inventory names the host: the name in reports */
    char *spec; /* how to reach it, as for check: [user@]host[:port] (IPv6 in []), URI, local */
};

struct mc_inventory {
    const char *format;              /* "plain", "ini", "yaml" (static) */
    struct mc_inventory_host *hosts; /* in the order the file first names them, no duplicates */
    size_t n_hosts;
};

/* At most this many hosts (after ranges are expanded): five times the cluster verb's design
 * size. The parser's name lookups are linear (quadratic in all): 100,000 hosts from one range
 * line took minutes (found by the fuzz budget), 10,000 still 14 s of CPU under ASan. */
#define MC_INVENTORY_MAX_HOSTS 5000

/* what names the input in messages ("inventory 'hosts.yml'"). */
int mc_inventory_parse(const char *buf, size_t len, const char *what, struct mc_inventory *ret,
                       struct mc_error *reterr);
int mc_inventory_load(const char *path, struct mc_inventory *ret, struct mc_error *reterr);
void mc_inventory_clear(struct mc_inventory *inv);
