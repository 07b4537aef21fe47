/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hostspec.h"

#include <errno.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

MC_DEFINE_CLEANUP(xmlURIPtr, xmlFreeURI)
static inline void freep_char(char **p)
{
    if (*p)
        xmlFree(*p);
}
static inline void xmlCharFreep(xmlChar **p)
{
    if (*p)
        xmlFree(*p);
}

static bool valid_host(const char *h)
{
    if (!h || !*h || h[0] == '-' || strlen(h) > 253)
        return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '_' || *p == '%'))
            return false;
    return true;
}

static bool valid_user(const char *u)
{
    if (!u || !*u || u[0] == '-' || strlen(u) > 64)
        return false;
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == '_'))
            return false;
    return true;
}

static bool valid_transport(const char *t)
{
    static const char *const ok[] = { "ssh", "tcp", "tls", "libssh", "libssh2", "unix", NULL };
    for (size_t i = 0; ok[i]; i++)
        if (t && strcmp(t, ok[i]) == 0)
            return true;
    return false;
}

void mc_hostspec_clear(struct mc_hostspec *h)
{
    free(h->user);
    free(h->host);
    free(h->transport);
    free(h->uri);
    free(h->label);
    memset(h, 0, sizeof(*h));
}

static char *build_uri(const struct mc_hostspec *h)
{
    const char *t = h->transport;
    _cleanup_free_ char *hostpart =
        strchr(h->host, ':') ? mc_xasprintf("[%s]", h->host) : mc_xstrdup(h->host);
    _cleanup_free_ char *port =
        h->port && strcmp(t, "ssh") == 0 ? mc_xasprintf(":%d", h->port) : mc_xstrdup("");
    return mc_xasprintf("qemu+%s://%s%s%s%s/system", t, h->user ? h->user : "", h->user ? "@" : "",
                        hostpart, port);
}

/*
 * Parameters of libvirt's remote driver that turn checking off: no_verify=1 (the ssh transport
 * passes StrictHostKeyChecking=no, TLS skips the certificate checks), known_hosts_verify=ignore
 * or auto (the libssh transports skip or accept-and-add unknown host keys). Names and values
 * are matched as libvirt matches them, case-insensitively; percent-escapes are decoded first.
 */
static bool uri_turns_off_verification(const char *query)
{
    if (!query)
        return false;
    _cleanup_free_ char *q = mc_xstrdup(query);
    for (char *save = NULL, *kv = strtok_r(q, "&;", &save); kv; kv = strtok_r(NULL, "&;", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        __attribute__((cleanup(freep_char))) char *name = xmlURIUnescapeString(kv, 0, NULL);
        __attribute__((cleanup(freep_char))) char *value =
            eq ? xmlURIUnescapeString(eq + 1, 0, NULL) : NULL;
        if (!name)
            continue;
        if (strcasecmp(name, "no_verify") == 0 && value && strtol(value, NULL, 10) != 0)
            return true;
        if (strcasecmp(name, "known_hosts_verify") == 0 && value &&
            strcasecmp(value, "normal") != 0)
            return true;
    }
    return false;
}

static int parse_uri(const char *spec, struct mc_hostspec *h, struct mc_error *reterr)
{
    _cleanup_(xmlFreeURIp) xmlURIPtr u = xmlParseURI(spec);
    if (!u || !u->scheme)
        return mc_error_set(reterr, -EINVAL, "invalid libvirt URI '%s'", spec);
    const char *scheme = u->scheme;
    if (strncmp(scheme, "qemu", 4) != 0)
        return mc_error_set(reterr, -EINVAL,
                            "'%s' is not a QEMU URI: migcheck checks QEMU/KVM hosts", spec);
    const char *plus = strchr(scheme, '+');
    h->transport = mc_xstrdup(plus ? plus + 1 : "unix");
    if (!valid_transport(h->transport))
        return mc_error_set(reterr, -EINVAL, "unsupported transport '%s' in '%s'", h->transport,
                            spec);
    if (!u->server || !*u->server) {
        if (plus && strcmp(plus + 1, "unix") != 0)
            return mc_error_set(reterr, -EINVAL, "URI '%s' names no host", spec);
        h->local = true;
        h->uri = mc_xstrdup(spec);
        return 0;
    }
    if (u->user && !valid_user(u->user))
        return mc_error_set(reterr, -EINVAL, "invalid user name in '%s'", spec);
    if (!valid_host(u->server))
        return mc_error_set(reterr, -EINVAL, "invalid host name in '%s'", spec);
    h->no_verify = uri_turns_off_verification(u->query_raw);
    h->user = mc_xstrdup_or_null(u->user);
    h->host = mc_xstrdup(u->server);
    h->port = u->port > 0 ? u->port : 0;
    h->uri = mc_xstrdup(spec);
    return 0;
}

int mc_hostspec_parse(const char *spec, const char *transport, struct mc_hostspec *ret,
                      struct mc_error *reterr)
{
    struct mc_hostspec h = { 0 };
    int r;
    if (!spec || !*spec)
        return mc_error_set(reterr, -EINVAL, "empty host name");
    h.label = mc_xstrdup(spec);
    if (strcmp(spec, "local") == 0) {
        h.local = true;
        h.transport = mc_xstrdup("unix");
        h.uri = mc_xstrdup("qemu:///system");
        *ret = h;
        return 0;
    }
    if (strstr(spec, "://")) {
        r = parse_uri(spec, &h, reterr);
        if (r < 0) {
            mc_hostspec_clear(&h);
            return r;
        }
        *ret = h;
        return 0;
    }

    /* [user@]host[:port], host may be [v6] */
    const char *p = spec;
    const char *at = strrchr(spec, '@');
    if (at) {
        h.user = mc_xstrndup(spec, (size_t)(at - spec));
        p = at + 1;
    }
    const char *port = NULL;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close) {
            mc_hostspec_clear(&h);
            return mc_error_set(reterr, -EINVAL, "invalid host '%s': unbalanced '['", spec);
        }
        h.host = mc_xstrndup(p + 1, (size_t)(close - p - 1));
        if (close[1] == ':')
            port = close + 2;
        else if (close[1]) {
            mc_hostspec_clear(&h);
            return mc_error_set(reterr, -EINVAL, "invalid host '%s'", spec);
        }
    } else {
        const char *colon = strchr(p, ':');
        if (colon && strchr(colon + 1, ':')) {
            mc_hostspec_clear(&h);
            return mc_error_set(reterr, -EINVAL,
                                "invalid host '%s': write IPv6 addresses in brackets, [%s]", spec,
                                p);
        }
        h.host = colon ? mc_xstrndup(p, (size_t)(colon - p)) : mc_xstrdup(p);
        port = colon ? colon + 1 : NULL;
    }
    if (port) {
        char *end;
        long v = strtol(port, &end, 10);
        if (!*port || *end || v <= 0 || v > 65535) {
            mc_hostspec_clear(&h);
            return mc_error_set(reterr, -EINVAL, "invalid port in '%s'", spec);
        }
        h.port = (int)v;
    }
    if ((h.user && !valid_user(h.user)) || !valid_host(h.host)) {
        mc_hostspec_clear(&h);
        return mc_error_set(reterr, -EINVAL, "invalid host name '%s'", spec);
    }
    h.transport = mc_xstrdup(transport ? transport : "ssh");
    if (!valid_transport(h.transport) || strcmp(h.transport, "unix") == 0) {
        mc_hostspec_clear(&h);
        return mc_error_set(reterr, -EINVAL, "unsupported transport '%s'",
                            transport ? transport : "");
    }
    h.uri = build_uri(&h);
    *ret = h;
    return 0;
}

char *mc_hostspec_ssh_target(const struct mc_hostspec *h)
{
    return h->user ? mc_xasprintf("%s@%s", h->user, h->host) : mc_xstrdup(h->host);
}

char *mc_hostspec_uri_with_helper(const struct mc_hostspec *h, const char *helper)
{
    if (h->local || !h->transport || strcmp(h->transport, "ssh") != 0)
        return mc_xstrdup(h->uri);
    __attribute__((cleanup(xmlCharFreep))) xmlChar *esc =
        xmlURIEscapeStr(BAD_CAST helper, BAD_CAST "/");
    const char *sep = strchr(h->uri, '?') ? "&" : "?";
    return mc_xasprintf("%s%sno_tty=1&command=%s", h->uri, sep, (const char *)esc);
}
