/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host names come from the command line and inventories. Any string is
 * refused with a message or gives a host whose ssh target and URI contain
 * nothing that could act as an option or a shell word.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "hosts/hostspec.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = mc_xstrndup((const char *)data, size);
    struct mc_hostspec h;
    struct mc_error err = { 0 };
    if (mc_hostspec_parse(spec, "ssh", &h, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        mc_error_clear(&err);
        free(spec);
        return 0;
    }
    if (!h.uri || !h.label)
        abort();
    if (!h.local) {
        char *t = mc_hostspec_ssh_target(&h);
        if (t[0] == '-' || strpbrk(t, " \t\n;&|`$'\"\\<>(){}*?"))
            abort();
        free(t);
        char *u = mc_hostspec_uri_with_helper(&h, "/tmp/migcheck-x/ssh");
        free(u);
    }
    mc_hostspec_clear(&h);
    free(spec);
    return 0;
}
