/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "random.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "xalloc.h"

void mc_random_bytes(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "migcheck: cannot get random bytes from the kernel: %s\n",
                    n < 0 ? strerror(errno) : "no data");
            abort();
        }
        p += n;
        len -= (size_t)n;
    }
}

char *mc_random_hex(size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char *raw = mc_xmalloc(nbytes ? nbytes : 1);
    mc_random_bytes(raw, nbytes);
    char *s = mc_xmalloc(2 * nbytes + 1);
    for (size_t i = 0; i < nbytes; i++) {
        s[2 * i] = hex[raw[i] >> 4];
        s[2 * i + 1] = hex[raw[i] & 15];
    }
    s[2 * nbytes] = '\0';
    free(raw);
    return s;
}
