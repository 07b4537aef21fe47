/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cleanup.h"
#include "xalloc.h"

extern char **environ;

double mc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mc_spawn_result_clear(struct mc_spawn_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

static void close_pair(int p[2])
{
    for (int i = 0; i < 2; i++)
        if (p[i] >= 0) {
            close(p[i]);
            p[i] = -1;
        }
}

int mc_spawn_run(const struct mc_spawn_opts *o, struct mc_spawn_result *ret,
                 struct mc_error *reterr)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
    size_t max = o->max_output ? o->max_output : 16u << 20;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int r;

    if (!o->argv || !o->argv[0])
        return mc_error_set(reterr, -EINVAL, "no program to run");
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
        (o->stdin_data && pipe2(in, O_CLOEXEC) < 0)) {
        r = -errno;
        close_pair(in);
        close_pair(out);
        close_pair(err);
        return mc_error_set(reterr, r, "cannot create pipes for '%s': %s", o->argv[0],
                            strerror(-r));
    }

    posix_spawn_file_actions_init(&fa);
    if (o->stdin_data)
        posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t dfl;
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    double start = mc_now();
    r = posix_spawnp(&pid, o->argv[0], &fa, &attr, (char *const *)o->argv,
                     o->envp ? (char *const *)o->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (in[0] >= 0) {
        close(in[0]);
        in[0] = -1;
    }
    close(out[1]);
    out[1] = -1;
    close(err[1]);
    err[1] = -1;
    if (r != 0) {
        close_pair(in);
        close_pair(out);
        close_pair(err);
        return mc_error_set(reterr, -r, "cannot run '%s': %s", o->argv[0], strerror(r));
    }

    _cleanup_buf_ struct mc_buf bo = MC_BUF_INIT, be = MC_BUF_INIT;
    size_t in_off = 0;
    bool timed_out = false, too_big = false;
    if (in[1] >= 0)
        fcntl(in[1], F_SETFL, O_NONBLOCK);

    while (out[0] >= 0 || err[0] >= 0) {
        struct pollfd pf[3];
        int n = 0, io = -1, ie = -1, ii = -1;
        if (out[0] >= 0) {
            pf[n] = (struct pollfd){ .fd = out[0], .events = POLLIN };
            io = n++;
        }
        if (err[0] >= 0) {
            pf[n] = (struct pollfd){ .fd = err[0], .events = POLLIN };
            ie = n++;
        }
        if (in[1] >= 0) {
            pf[n] = (struct pollfd){ .fd = in[1], .events = POLLOUT };
            ii = n++;
        }
        int wait_ms = -1;
        if (o->timeout_ms > 0) {
            double left = (double)o->timeout_ms / 1000.0 - (mc_now() - start);
            if (left <= 0) {
                timed_out = true;
                break;
            }
            wait_ms = (int)(left * 1000.0) + 1;
        }
        int pr = poll(pf, (nfds_t)n, wait_ms);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pr == 0)
            continue;
        if (ii >= 0 && (pf[ii].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in[1], o->stdin_data + in_off, o->stdin_len - in_off);
            if (w > 0)
                in_off += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                in_off = o->stdin_len;
            if (in_off >= o->stdin_len) {
                close(in[1]);
                in[1] = -1;
            }
        }
        int *fds[2] = { &out[0], &err[0] };
        int idx[2] = { io, ie };
        struct mc_buf *bufs[2] = { &bo, &be };
        for (int k = 0; k < 2; k++) {
            if (idx[k] < 0 || !(pf[idx[k]].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[16384];
            ssize_t rd = read(*fds[k], chunk, sizeof(chunk));
            if (rd > 0) {
                if (bufs[k]->len + (size_t)rd > max)
                    too_big = true;
                else
                    mc_buf_append(bufs[k], chunk, (size_t)rd);
            } else if (rd == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(*fds[k]);
                *fds[k] = -1;
            }
        }
        if (too_big)
            break;
    }
    if (in[1] >= 0 && !timed_out && !too_big) {
        /* The child closed its output without reading all its input. */
        close(in[1]);
        in[1] = -1;
    }
    if (timed_out || too_big)
        kill(pid, SIGKILL); /* our own child, by pid */
    close_pair(in);
    close_pair(out);
    close_pair(err);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (too_big)
        return mc_error_set(reterr, -EFBIG, "'%s' wrote more than %zu bytes", o->argv[0], max);

    memset(ret, 0, sizeof(*ret));
    ret->seconds = mc_now() - start;
    ret->timed_out = timed_out;
    ret->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ret->out_len = bo.len;
    ret->out = mc_buf_steal(&bo);
    ret->err_len = be.len;
    ret->err = mc_buf_steal(&be);
    return 0;
}
