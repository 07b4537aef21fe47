/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How operators name hosts: "[user@]host[:port]" (IPv6 in brackets), a full
 * libvirt URI ("qemu+ssh://root@kvm1/system", "qemu+tcp://kvm1/system"), or
 * "local". Pure parsing; the strings are validated so that nothing a user
 * typed can become an ssh option or a shell word.
 */
#pragma once

#include <stdbool.h>

#include "util/error.h"

struct mc_hostspec {
    bool local;      /* this machine: no ssh */
    char *user;      /* ssh user, or NULL */
    char *host;      /* host name or address (IPv6 without brackets) */
    int port;        /* ssh port, 0 = default */
    char *transport; /* libvirt transport: ssh, tcp, tls, libssh, libssh2, unix */
    char *uri;       /* the libvirt URI to connect to (without migcheck's ssh helper) */
    char *label;     /* as given, for messages */
    bool no_verify;  /* the URI turns host key or certificate checks off (no_verify=1, ...) */
};

/* transport: the libvirt transport for "[user@]host[:port]" names (ssh by default). */
int mc_hostspec_parse(const char *spec, const char *transport, struct mc_hostspec *ret,
                      struct mc_error *reterr);
void mc_hostspec_clear(struct mc_hostspec *h);
/* "user@host" or "host" for ssh's destination argument. */
char *mc_hostspec_ssh_target(const struct mc_hostspec *h);
/* The libvirt URI that tunnels through migcheck's ssh helper (ssh transport only). */
char *mc_hostspec_uri_with_helper(const struct mc_hostspec *h, const char *helper);
