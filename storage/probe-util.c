/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bounded TCP connect for the storage probes (libnfs and libiscsi connect without a limit). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "storage-internal.h"
#include "util/cleanup.h"
#include "util/spawn.h"

MC_DEFINE_CLEANUP(struct addrinfo *, freeaddrinfo)

int mc_storage_tcp_check(const char *host, int port, int timeout_ms)
{
    char service[8];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
    _cleanup_(freeaddrinfop) struct addrinfo *res = NULL;
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -EHOSTUNREACH;
    int last = EHOSTUNREACH;
    double end = mc_now() + timeout_ms / 1000.0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        _cleanup_close_ int fd =
            socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -errno;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            return 0;
        if (errno != EINPROGRESS) {
            last = errno;
            continue;
        }
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int left = (int)((end - mc_now()) * 1000.0);
        int r = left > 0 ? poll(&p, 1, left) : 0;
        if (r <= 0) {
            last = r == 0 ? ETIMEDOUT : errno;
            continue;
        }
        int err = 0;
        socklen_t l = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err == 0)
            return 0;
        last = err;
    }
    return -last;
}
