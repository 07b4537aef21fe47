/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "probe.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "os/os.h"
#include "os/usb.h"
#include "network/network.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/random.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

/* probe-script.c, generated from probe.sh by embed.cmake */
extern const char mc_probe_script_text[];
extern const size_t mc_probe_script_text_len;

const char *mc_probe_script(void)
{
    return mc_probe_script_text;
}

size_t mc_probe_script_size(void)
{
    return mc_probe_script_text_len;
}

const char *const *const mc_probe_gatherer_specs[] = {
    mc_os_probe_spec,
    mc_mounts_probe_spec,
    mc_storage_probe_spec,
    mc_net_probe_spec,
    mc_virt_probe_spec,
    mc_usb_probe_spec,
    NULL,
};

char *mc_probe_boundary(void)
{
    return mc_random_hex(16); /* getrandom(2), or the process stops: never a guessable one */
}

static bool spec_line_ok(const char *l)
{
    if (!l || !l[0] || !strchr("FTLDSRHC", l[0]) || l[1] != ' ' || !l[2] || l[2] == ' ')
        return false;
    for (const char *p = l + 2; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c >= 0x7f)
            return false;
        /* Globs carry no spaces; a command's words are separated by single spaces. */
        if (c == ' ' && (l[0] != 'C' || p[1] == ' ' || p[1] == '\0'))
            return false;
    }
    return true;
}

char *mc_probe_request(const char *const *const specs[], const char *boundary)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    _cleanup_strv_free_ char **seen = NULL;
    mc_buf_append(&b, mc_probe_script_text, mc_probe_script_text_len);
    mc_buf_printf(&b, "\nmcprobe_main <<'MCPROBE_%s'\nBOUNDARY=%s\n", boundary, boundary);
    for (size_t i = 0; specs && specs[i]; i++)
        for (const char *const *l = specs[i]; *l; l++) {
            if (!spec_line_ok(*l) || mc_strv_contains(seen, *l))
                continue;
            mc_strv_add(&seen, *l);
            mc_buf_puts(&b, *l);
            mc_buf_putc(&b, '\n');
        }
    mc_buf_printf(&b, "END\nMCPROBE_%s\n", boundary);
    return mc_buf_steal(&b);
}

int mc_probe_run(const char *const *argv, const char *const *const specs[], const char *label,
                 int timeout_ms, struct mc_source **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *boundary = mc_probe_boundary();
    _cleanup_free_ char *req = mc_probe_request(specs, boundary);
    struct mc_spawn_opts o = {
        .argv = argv,
        .stdin_data = req,
        .stdin_len = strlen(req),
        .timeout_ms = timeout_ms,
        .max_output = 256u << 20,
    };
    struct mc_spawn_result res = { 0 };
    int r = mc_spawn_run(&o, &res, reterr);
    if (r < 0)
        return mc_error_prefix(reterr, "cannot run the probe on '%s'", label);
    if (res.timed_out) {
        mc_spawn_result_clear(&res);
        return mc_error_set(reterr, -ETIMEDOUT, "the probe on '%s' did not finish in %d ms", label,
                            timeout_ms);
    }
    r = mc_source_dump(res.out, res.out_len, boundary, label, ret, reterr);
    if (r < 0 && res.exit_code != 0) {
        /* Say why the shell failed (ssh's message, "sh: not found"), not just that it did. */
        _cleanup_free_ char *e = mc_xstrndup(res.err ? res.err : "", 512);
        mc_error_prefix(reterr, "the probe on '%s' exited with status %d (%s)", label,
                        res.exit_code, mc_strip_trailing(e));
    }
    mc_spawn_result_clear(&res);
    return r;
}
