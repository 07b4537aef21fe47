/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `qemu-img info --output=json --backing-chain` from the source host: any input either fails
 * with a message or gives a chain whose every layer has a path, a format and a size.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "storage/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_prov_layer *l = NULL;
    size_t n = 0;
    if (mc_qemu_img_info_parse((const char *)data, size, &l, &n, &err) < 0) {
        if (!err.message || l || n)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    if (n == 0)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!l[i].path || !l[i].format || l[i].virtual_size < 0)
            abort();
        total +=
            strlen(l[i].path) + strlen(l[i].format) + (l[i].backing ? strlen(l[i].backing) : 0);
    }
    (void)total;
    mc_prov_layers_free(l, n);
    return 0;
}
