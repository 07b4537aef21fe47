/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nfs-ganesha's configuration from a storage host (and the ganesha.nfsd command line it was
 * started with): any input either fails with a message or gives exports whose strings are
 * all readable, and the admission question answers for any address.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "storage/server.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_nfs_export *e = NULL;
    size_t n = 0;
    char **inc = NULL;
    free(mc_ganesha_conf_of_cmdline((const char *)data, size));
    if (mc_ganesha_conf_parse((const char *)data, size, "ganesha.conf", &e, &n, &inc, &err) < 0) {
        if (!err.message || e || n)
            abort();
        mc_error_clear(&err);
        mc_strv_free(inc);
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s[] = {
            e[i].file, e[i].marker, e[i].path, e[i].pseudo, e[i].access, e[i].squash
        };
        for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++)
            total += s[k] ? strlen(s[k]) : 0;
        for (size_t c = 0; c < e[i].n_clients; c++)
            for (size_t k = 0; e[i].clients[c].clients && e[i].clients[c].clients[k]; k++)
                total += strlen(e[i].clients[c].clients[k]);
        enum mc_nfs_admit a = mc_nfs_export_admits(&e[i], "169.254.42.11");
        if (a != MC_NFS_ADMIT_NO && a != MC_NFS_ADMIT_RW && a != MC_NFS_ADMIT_UNKNOWN)
            abort();
        (void)mc_nfs_export_admits(&e[i], "fe80::1");
    }
    for (size_t i = 0; inc && inc[i]; i++)
        total += strlen(inc[i]);
    (void)total;
    mc_nfs_exports_free(e, n);
    mc_strv_free(inc);
    return 0;
}
