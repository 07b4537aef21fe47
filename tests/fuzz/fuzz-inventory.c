/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inventories (`cluster --hosts FILE`: plain lists, Ansible INI and YAML) are
 * files from elsewhere. Any input either fails with a message naming the
 * inventory, or gives at least one host, each with a name and a spec, no
 * name twice, and no spec that could act as an ssh option; the host name
 * parser then accepts the spec or refuses it with a message.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/hostspec.h"
#include "hosts/inventory.h"
#include "util/hashmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_inventory inv = { 0 };
    struct mc_error err = { 0 };
    if (mc_inventory_parse((const char *)data, size, "inventory 'f'", &inv, &err) < 0) {
        if (!err.message || !strstr(err.message, "inventory 'f'") || inv.n_hosts)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    if (!inv.n_hosts || !inv.format)
        abort();
    struct mc_hashmap seen = { 0 };
    for (size_t i = 0; i < inv.n_hosts; i++) {
        const struct mc_inventory_host *h = &inv.hosts[i];
        if (!h->name || !*h->name || !h->spec || !*h->spec || h->spec[0] == '-')
            abort();
        if (mc_hashmap_intern(&seen, h->name, strlen(h->name), i) != i)
            abort(); /* hashed: up to MC_INVENTORY_MAX_HOSTS names */
        struct mc_hostspec hs;
        if (mc_hostspec_parse(h->spec, "ssh", &hs, &err) < 0) {
            if (!err.message)
                abort();
            mc_error_clear(&err);
        } else {
            mc_hostspec_clear(&hs);
        }
    }
    mc_hashmap_clear(&seen);
    mc_inventory_clear(&inv);
    return 0;
}
