/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Run a program with argv (posix_spawnp, never a shell), feed it stdin,
 * collect stdout and stderr, bound its run time. Thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct mc_spawn_opts {
    const char *const *argv; /* argv[0] is looked up in PATH */
    const char *stdin_data;  /* NULL: stdin is /dev/null */
    size_t stdin_len;
    int timeout_ms;          /* 0: no limit */
    size_t max_output;       /* per stream; 0: 16 MiB */
    const char *const *envp; /* NULL: inherit */
};

struct mc_spawn_result {
    int exit_code;  /* exit status, or 128 + signal */
    bool timed_out; /* killed after timeout_ms */
    char *out;      /* NUL-terminated */
    size_t out_len;
    char *err;
    size_t err_len;
    double seconds; /* wall time */
};

/*
 * Returns 0 when the program ran (whatever its exit code), -errno when it
 * could not be started or its output was too large.
 */
int mc_spawn_run(const struct mc_spawn_opts *o, struct mc_spawn_result *ret,
                 struct mc_error *reterr);
void mc_spawn_result_clear(struct mc_spawn_result *r);

/* Monotonic seconds, for timing. */
double mc_now(void);
