/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static int pipefd[2] = { -1, -1 };
static _Thread_local bool ignoring;

static void on_signal(int sig)
{
    int e = errno;
    if (!got)
        got = sig;
    if (pipefd[1] >= 0)
        (void)!write(pipefd[1], "x", 1);
    errno = e;
}

static void do_install(void)
{
    if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
        pipefd[0] = pipefd[1] = -1;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void mc_interrupt_install(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, do_install);
}

int mc_interrupt_signal(void)
{
    return got;
}

bool mc_interrupt_pending(void)
{
    return got && !ignoring;
}

int mc_interrupt_fd(void)
{
    return pipefd[0];
}

void mc_interrupt_ignore(bool on)
{
    ignoring = on;
}

void mc_interrupt_finish(void)
{
    int sig = got;
    if (!sig)
        return;
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}
