/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mountinfo from a remote host, parsed with libmount: any input either fails
 * with a message or gives mounts whose strings are all readable.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "checker/facts.h"
#include "storage/storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_mount *m = NULL;
    size_t n = 0;
    if (mc_mountinfo_parse((const char *)data, size, &m, &n, &err) < 0) {
        if (!err.message || m || n)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    if (n == 0)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s[] = { m[i].devno,       m[i].root,        m[i].target,     m[i].source,
                            m[i].fstype,      m[i].options,     m[i].fs_options, m[i].server,
                            m[i].export_path, m[i].server_addr, m[i].locktable };
        for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++)
            total += s[k] ? strlen(s[k]) : 0;
        if (m[i].shared != mc_fstype_is_shared(m[i].fstype))
            abort();
    }
    (void)total;
    mc_mounts_free(m, n);
    return 0;
}
