/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tgtadm --lld iscsi --op show --mode target` from a storage host: any input either fails
 * with a message or gives targets with an IQN, whose strings are all readable.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "storage/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_tgt_target *t = NULL;
    size_t n = 0;
    if (mc_tgt_show_parse((const char *)data, size, &t, &n, &err) < 0) {
        if (!err.message || t || n)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].iqn)
            abort();
        total += strlen(t[i].iqn);
        for (size_t l = 0; l < t[i].n_luns; l++) {
            const char *s[] = { t[i].luns[l].type, t[i].luns[l].path, t[i].luns[l].scsi_id,
                                t[i].luns[l].serial };
            for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++)
                total += s[k] ? strlen(s[k]) : 0;
        }
        for (size_t k = 0; t[i].acl && t[i].acl[k]; k++)
            total += strlen(t[i].acl[k]);
    }
    (void)total;
    mc_tgt_targets_free(t, n);
    return 0;
}
