/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for the storage/ and network/ unit tests: run a tool, read a fixture, parse JSON. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "checker/facts.h"
#include "util/error.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

/* stdout of argv when it exits 0; NULL (and a note on stderr) otherwise. */
static inline char *sn_run(const char *const *argv)
{
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 30000 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &res, &err) < 0) {
        fprintf(stderr, "cannot run '%s': %s\n", argv[0], err.message);
        mc_error_clear(&err);
        return NULL;
    }
    if (res.exit_code != 0) {
        fprintf(stderr, "'%s' exited with %d: %s\n", argv[0], res.exit_code, res.err);
        mc_spawn_result_clear(&res);
        return NULL;
    }
    char *out = res.out;
    res.out = NULL;
    mc_spawn_result_clear(&res);
    return out;
}

static inline json_object *sn_run_json(const char *const *argv)
{
    char *out = sn_run(argv);
    if (!out)
        return NULL;
    json_object *j = json_tokener_parse(out);
    if (!j)
        fprintf(stderr, "'%s' did not print JSON: %.200s\n", argv[0], out);
    free(out);
    return j;
}

static inline char *sn_fixture(const char *rel, size_t *ret_len)
{
    char *path = mc_xasprintf("%s/%s", MC_TEST_DATA, rel);
    char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(path, 16u << 20, &buf, &len);
    if (r < 0) {
        fprintf(stderr, "cannot read '%s': %s\n", path, strerror(-r));
        free(path);
        return NULL;
    }
    free(path);
    if (ret_len)
        *ret_len = len;
    return buf;
}

static inline const char *sn_jstr(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v || json_object_is_type(v, json_type_null))
        return NULL;
    return json_object_get_string(v);
}

static inline int64_t sn_jint(json_object *o, const char *key, int64_t dflt)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v || json_object_is_type(v, json_type_null))
        return dflt;
    return json_object_get_int64(v);
}

static inline int sn_strcmp0(const char *a, const char *b)
{
    if (!a || !b)
        return a == b ? 0 : a ? 1 : -1;
    return strcmp(a, b);
}

/* Does n hold that address (NULL matches a missing field)? */
static inline bool sn_net_has_addr(const struct mc_net_facts *n, const char *ifname,
                                   const char *family, const char *address, int64_t plen,
                                   const char *scope)
{
    for (size_t i = 0; i < n->n_addrs; i++) {
        const struct mc_addr *a = &n->addrs[i];
        if (!sn_strcmp0(a->ifname, ifname) && !sn_strcmp0(a->family, family) &&
            !sn_strcmp0(a->address, address) && a->prefixlen == plen &&
            !sn_strcmp0(a->scope, scope))
            return true;
    }
    return false;
}

/* Does n hold that route (NULL matches a missing field)? */
static inline bool sn_net_has_route(const struct mc_net_facts *n, const char *family,
                                    const char *dst, const char *gw, const char *dev,
                                    int64_t metric)
{
    for (size_t i = 0; i < n->n_routes; i++) {
        const struct mc_route *r = &n->routes[i];
        if (!sn_strcmp0(r->family, family) && !sn_strcmp0(r->dst, dst) &&
            !sn_strcmp0(r->gateway, gw) && !sn_strcmp0(r->dev, dev) && r->metric == metric)
            return true;
    }
    return false;
}
