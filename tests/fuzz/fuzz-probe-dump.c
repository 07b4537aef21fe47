/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sh probe's output comes from a remote host: untrusted. Any input is
 * either refused with a message or gives a source whose files, listings,
 * links and commands can all be read back.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/source.h"
#include "util/xalloc.h"

#define BOUNDARY "fuzzb0undary01"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_source *s = NULL;
    if (mc_source_dump((const char *)data, size, BOUNDARY, "fuzz", &s, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    static const char *const paths[] = { "/etc/os-release", "/proc/self/mountinfo",
                                         "/sys/class/net",  "/a",
                                         "dpkg-query",      "" };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char *buf = NULL;
        size_t len = 0;
        if (mc_source_read(s, paths[i], 1u << 20, &buf, &len) == 0) {
            if (strlen(buf) > len)
                abort();
            free(buf);
        }
        struct mc_dirent *d = NULL;
        size_t n = 0;
        if (mc_source_list(s, paths[i], &d, &n) == 0)
            mc_dirents_free(d, n);
        char *l = NULL;
        if (mc_source_readlink(s, paths[i], &l) == 0)
            free(l);
        int ex = 0;
        const char *argv[] = { "true", NULL };
        if (mc_source_command(s, paths[i], argv, &buf, &len, &ex) == 0)
            free(buf);
    }
    mc_source_free(s);
    return 0;
}
