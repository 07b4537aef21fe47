/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What an agent's stdout gives, cut as the session cuts it (hosts/frame.h): answer lines, and
 * the framed bodies of facts/probe answers, arriving in chunks of any size. The first byte sets
 * the chunk size. Every line is a string without NUL; an XML body is a string of its length; a
 * dump body keeps every byte and goes on to the dump parser, which must not read past it.
 */
#include "fuzz.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/frame.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/source.h"
#include "util/xalloc.h"

#define BOUNDARY "0123456789abcdef0123456789abcdef"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 64) + 1;
    struct mc_buf b = MC_BUF_INIT;
    bool in_body = false, xml = false;
    for (size_t off = 1; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        mc_buf_append(&b, data + off, n);
        for (;;) {
            if (!in_body) {
                char *line = NULL;
                int r = mc_frame_take_line(&b, &line);
                if (r == 0)
                    break;
                if (r < 0)
                    continue;
                if (strncmp(line, "1 facts-begin ", 14) == 0) {
                    in_body = true;
                    xml = strcmp(line + 14, "xml") == 0;
                }
                free(line);
                continue;
            }
            char *body = NULL;
            size_t len = 0;
            int r = mc_frame_take_body(&b, BOUNDARY, xml, &body, &len);
            if (r == 0)
                break;
            in_body = false;
            if (r < 0)
                continue;
            if (body[len] != '\0')
                abort();
            if (xml && strlen(body) != len)
                abort();
            if (!xml) {
                struct mc_source *src = NULL;
                struct mc_error err = { 0 };
                if (mc_source_dump(body, len, BOUNDARY, "fuzz", &src, &err) == 0) {
                    char *f = NULL;
                    size_t fl = 0;
                    if (mc_source_read(src, "/etc/os-release", 1 << 20, &f, &fl) == 0)
                        free(f);
                    mc_source_free(src);
                }
                mc_error_clear(&err);
            }
            free(body);
        }
    }
    mc_buf_free(&b);
    return 0;
}
