/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * os-release comes from a remote host: untrusted. Any input parses (a shell-like format has
 * no invalid input, only ignored lines); the assignments it yields, written back with single
 * quotes, parse to the very same assignments (the round trip of the quoting rules).
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "util/buf.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_os_facts o = { 0 };
    struct mc_error err = { 0 };
    if (mc_os_release_parse((const char *)data, size, &o, &err) < 0)
        abort(); /* no input is an error */
    const char *fields[] = { o.id, o.id_like, o.version_id, o.pretty_name, o.variant_id };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (fields[i] && (!*fields[i] || strlen(fields[i]) > size))
            abort(); /* empty values are NULL; nothing longer than the input */
    mc_os_facts_clear(&o);

    char **kv = NULL;
    if (mc_env_parse((const char *)data, size, &kv) < 0)
        abort();
    size_t n = mc_strv_length(kv);
    if (n % 2)
        abort();
    struct mc_buf b = MC_BUF_INIT;
    for (size_t i = 0; i < n; i += 2) {
        mc_buf_printf(&b, "%s='", kv[i]);
        for (const char *p = kv[i + 1]; *p; p++)
            if (*p == '\'')
                mc_buf_puts(&b, "'\\''");
            else
                mc_buf_putc(&b, *p);
        mc_buf_puts(&b, "'\n");
    }
    char **kv2 = NULL;
    if (mc_env_parse(b.data ? b.data : "", b.len, &kv2) < 0)
        abort();
    if (mc_strv_length(kv2) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i], kv2[i]) != 0)
            abort(); /* write -> read is the identity */
    mc_buf_free(&b);
    mc_strv_free(kv);
    mc_strv_free(kv2);
    return 0;
}
