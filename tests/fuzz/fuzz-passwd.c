/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/passwd and /etc/group from a remote host: untrusted. Lookups of the qemu users (and of
 * the first line's name) either fail with -ENOENT/-EBADMSG or give ids in range, and the entry
 * written back is found again with the same ids.
 */
#include "fuzz.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t first = 0;
    while (first < size && first < 64 && buf[first] != ':' && buf[first] != '\n' && buf[first])
        first++;
    char *name0 = mc_xstrndup(buf, first);
    const char *names[] = { "qemu", "libvirt-qemu", "root", "kvm", name0 };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int64_t uid = -1, gid = -1, ggid = -1;
        int r = mc_passwd_lookup(buf, size, names[i], &uid, &gid);
        if (r == 0) {
            if (uid < 0 || uid > UINT32_MAX || gid < 0 || gid > UINT32_MAX)
                abort();
            char *line = mc_xasprintf("%s:x:%lld:%lld::/:/sbin/nologin\n", names[i], (long long)uid,
                                      (long long)gid);
            int64_t u2, g2;
            if (mc_passwd_lookup(line, strlen(line), names[i], &u2, &g2) != 0 || u2 != uid ||
                g2 != gid)
                abort();
            free(line);
        } else if (r != -ENOENT && r != -EBADMSG && r != -EINVAL) {
            abort();
        }
        r = mc_group_lookup(buf, size, names[i], &ggid);
        if (r == 0 && (ggid < 0 || ggid > UINT32_MAX))
            abort();
        if (r < 0 && r != -ENOENT && r != -EBADMSG && r != -EINVAL)
            abort();
    }
    free(name0);
    return 0;
}
