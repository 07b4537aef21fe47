/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Records this machine through the sh probe, as a remote host would answer it, for the
 * fixture tests/data/hosts/debian12/probe.out: probe-record [SHELL] > probe.out
 * (the raw answer, header and boundary included; every gatherer's spec is asked for).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/probe.h"
#include "util/spawn.h"

int main(int argc, char **argv)
{
    const char *shell = argc > 1 ? argv[1] : "dash";
    char *boundary = mc_probe_boundary();
    char *req = mc_probe_request(mc_probe_gatherer_specs, boundary);
    const char *args[] = { shell, "-s", NULL };
    struct mc_spawn_opts o = { .argv = args,
                               .stdin_data = req,
                               .stdin_len = strlen(req),
                               .timeout_ms = 120000,
                               .max_output = 256u << 20 };
    struct mc_spawn_result res = { 0 };
    struct mc_error err = { 0 };
    if (mc_spawn_run(&o, &res, &err) < 0) {
        fprintf(stderr, "probe-record: %s\n", err.message);
        return 1;
    }
    if (res.exit_code != 0 || res.timed_out) {
        fprintf(stderr, "probe-record: '%s' exited with status %d: %s\n", shell, res.exit_code,
                res.err);
        return 1;
    }
    fwrite(res.out, 1, res.out_len, stdout);
    mc_spawn_result_clear(&res);
    free(req);
    free(boundary);
    return fflush(stdout) == 0 ? 0 : 1;
}
