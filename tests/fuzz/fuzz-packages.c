/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dpkg-query and rpm output from a remote host: untrusted. The first byte picks the parser
 * ('r' rpm, anything else dpkg). Every package has a printable name and version, the list is
 * sorted, and written back in the tool's format it parses to the same list.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "util/buf.h"

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool rpm = data[0] == 'r';
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    struct mc_package *p = NULL, *q = NULL;
    size_t n = 0, m = 0;
    struct mc_error err = { 0 };
    int r = rpm ? mc_rpm_query_parse(buf, len, &p, &n, &err)
                : mc_dpkg_query_parse(buf, len, &p, &n, &err);
    if (r < 0) {
        if (!err.message)
            abort();
        mc_error_clear(&err);
        return 0;
    }
    struct mc_buf b = MC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (!p[i].name || !*p[i].name || !p[i].version || !*p[i].version)
            abort();
        if (i > 0 && strcmp(p[i - 1].name, p[i].name) > 0)
            abort();
        if (rpm)
            mc_buf_printf(&b, "%s\t%s\t%s\n", p[i].name, p[i].version, p[i].arch ? p[i].arch : "");
        else
            mc_buf_printf(&b, "%s\t%s\t%s\tii \n", p[i].name, p[i].version,
                          p[i].arch ? p[i].arch : "");
    }
    r = rpm ? mc_rpm_query_parse(b.data ? b.data : "", b.len, &q, &m, &err)
            : mc_dpkg_query_parse(b.data ? b.data : "", b.len, &q, &m, &err);
    if (r < 0 || m != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (!same(p[i].name, q[i].name) || !same(p[i].version, q[i].version) ||
            !same(p[i].arch, q[i].arch))
            abort(); /* write -> read is the identity */
    mc_os_packages_keep_running_kernel(&p, &n, "5.14.0-427.13.1.el9_4.x86_64");
    mc_os_packages_keep_running_kernel(&q, &m, "6.1.0-18-amd64");
    mc_packages_free(p, n);
    mc_packages_free(q, m);
    mc_buf_free(&b);
    return 0;
}
