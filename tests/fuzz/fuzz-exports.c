/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exports(5) files from a storage host (/etc/exports, /etc/exports.d/): any input either fails
 * with a message or gives exports with a path, whose admission question answers for any
 * address.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "storage/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_nfs_export *e = NULL;
    size_t n = 0;
    if (mc_exports_parse((const char *)data, size, "/etc/exports", &e, &n, &err) < 0) {
        if (!err.message || e || n)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!e[i].path)
            abort();
        total += strlen(e[i].path);
        for (size_t c = 0; c < e[i].n_clients; c++) {
            total += e[i].clients[c].options ? strlen(e[i].clients[c].options) : 0;
            for (size_t k = 0; e[i].clients[c].clients && e[i].clients[c].clients[k]; k++)
                total += strlen(e[i].clients[c].clients[k]);
        }
        enum mc_nfs_admit a = mc_nfs_export_admits(&e[i], "169.254.42.12");
        if (a != MC_NFS_ADMIT_NO && a != MC_NFS_ADMIT_RW && a != MC_NFS_ADMIT_UNKNOWN)
            abort();
    }
    (void)total;
    mc_nfs_exports_free(e, n);
    return 0;
}
