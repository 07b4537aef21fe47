/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Agent answers come from remote hosts. Decoding any line either fails or
 * gives words that encode back to a form that decodes to the same words.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "agent/proto.h"
#include "util/strv.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = mc_xstrndup((const char *)data, size);
    char **w = NULL;
    if (mc_agent_split(line, &w) == 0) {
        STRV_FOREACH (x, w) {
            char *e = mc_agent_encode(*x);
            char *d = NULL;
            if (mc_agent_decode(e, &d) < 0 || strcmp(d, *x) != 0)
                abort();
            if (strpbrk(e, " \n"))
                abort();
            free(d);
            free(e);
        }
        mc_strv_free(w);
    }
    free(line);
    return 0;
}
