/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bandwidth.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net-internal.h"
#include "util/cleanup.h"
#include "util/spawn.h"

#define BUF_SIZE (256 * 1024)

/* Wait for fd to become ready for events until the absolute deadline: 1 ready, 0 timeout. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        int left = (int)((deadline - mc_now()) * 1000.0);
        if (left <= 0)
            return 0;
        struct pollfd p = { .fd = fd, .events = events };
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        return r > 0;
    }
}

int mc_bw_sink(struct mc_tcp_listener *l, int accept_ms, int max_ms, struct mc_bw_sink_result *ret,
               struct mc_error *reterr)
{
    if (!l || l->fd < 0 || accept_ms <= 0 || max_ms <= 0)
        return mc_error_set(reterr, -EINVAL, "invalid bandwidth probe arguments");
    struct mc_bw_sink_result res = { 0 };
    int r = wait_fd(l->fd, POLLIN, mc_now() + accept_ms / 1000.0);
    if (r < 0)
        return mc_error_set(reterr, r, "cannot wait for a connection: %s", strerror(-r));
    if (r == 0)
        return mc_error_set(reterr, -ETIMEDOUT, "no connection within %d ms", accept_ms);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    _cleanup_close_ int c = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
    if (c < 0)
        return mc_error_set(reterr, -errno, "cannot accept a connection: %m");
    mc_net_sockaddr_text((struct sockaddr *)&ss, res.peer, NULL);

    _cleanup_free_ char *buf = malloc(BUF_SIZE);
    if (!buf)
        return mc_error_set(reterr, -ENOMEM, "out of memory");
    /* Bytes by arrival time, in 10 ms bins, folded into slices at the end. */
    enum {
        BINS = 6000
    };
    _cleanup_free_ int64_t *bins = calloc(BINS, sizeof(int64_t));
    if (!bins)
        return mc_error_set(reterr, -ENOMEM, "out of memory");
    double first = 0, last = 0, deadline = mc_now() + (accept_ms + max_ms) / 1000.0;
    for (;;) {
        r = wait_fd(c, POLLIN, deadline);
        if (r < 0)
            return mc_error_set(reterr, r, "cannot read the probe stream: %s", strerror(-r));
        if (r == 0)
            break;
        ssize_t n = read(c, buf, BUF_SIZE);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return mc_error_set(reterr, -errno, "cannot read the probe stream: %m");
        if (n == 0)
            break;
        double now = mc_now();
        if (res.bytes == 0) {
            first = now;
            deadline = now + max_ms / 1000.0;
        }
        last = now;
        size_t bin = (size_t)((now - first) * 100.0);
        if (bin >= BINS)
            bin = BINS - 1;
        bins[bin] += n;
        res.bytes += n;
    }
    res.seconds = last - first;
    if (res.bytes > 0 && res.seconds > 0) {
        size_t used = (size_t)(res.seconds * 100.0) + 1;
        if (used > BINS)
            used = BINS;
        for (size_t s = 0; s < MC_BW_SLICES; s++) {
            size_t a = used * s / MC_BW_SLICES, b = used * (s + 1) / MC_BW_SLICES;
            int64_t sum = 0;
            for (size_t k = a; k < b; k++)
                sum += bins[k];
            double secs = (double)(b - a) / 100.0;
            res.slice_bps[s] = secs > 0 ? (double)sum / secs : 0;
        }
    }
    *ret = res;
    return 0;
}

int mc_bw_send(const char *host, int port, int duration_ms, struct mc_bw_send_result *ret,
               struct mc_error *reterr)
{
    if (!host || !*host || port <= 0 || port > 65535 || duration_ms <= 0 || duration_ms > 60000)
        return mc_error_set(reterr, -EINVAL, "invalid bandwidth probe target '%s' port %d",
                            host ? host : "", port);
    _cleanup_(freeaddrinfop) struct addrinfo *res = NULL;
    int r = mc_net_resolve(host, port, &res, reterr);
    if (r < 0)
        return r;
    struct mc_bw_send_result out = { 0 };
    _cleanup_close_ int fd = -1;
    int err = EHOSTUNREACH;
    /* Each address in turn, 3 s each. */
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        err = mc_net_connect(ai, 3000, &fd);
        if (err == 0)
            mc_net_sockaddr_text(ai->ai_addr, out.address, NULL);
    }
    if (fd < 0)
        return mc_error_set(reterr, -err, "cannot connect to '%s' port %d: %s", host, port,
                            strerror(err));
    _cleanup_free_ unsigned char *buf = malloc(BUF_SIZE);
    if (!buf)
        return mc_error_set(reterr, -ENOMEM, "out of memory");
    /* Incompressible bytes (xorshift), so that nothing on the path can shrink them. */
    uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)(mc_now() * 1e6);
    for (size_t i = 0; i + 8 <= BUF_SIZE; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(buf + i, &x, 8);
    }
    double start = mc_now(), end = start + duration_ms / 1000.0;
    size_t off = 0;
    while (mc_now() < end) {
        int w = wait_fd(fd, POLLOUT, end);
        if (w < 0)
            return mc_error_set(reterr, w, "cannot send the probe stream: %s", strerror(-w));
        if (w == 0)
            break;
        ssize_t n = send(fd, buf + off, BUF_SIZE - off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return mc_error_set(reterr, -errno, "cannot send the probe stream: %m");
        out.bytes += n;
        off = (off + (size_t)n) % BUF_SIZE;
    }
    out.seconds = mc_now() - start;
    (void)shutdown(fd, SHUT_WR);
    /* Let the receiver finish reading (bounded): its count is the measurement. */
    double close_by = mc_now() + 3.0;
    while (wait_fd(fd, POLLIN, close_by) > 0) {
        char tmp[512];
        ssize_t n = read(fd, tmp, sizeof(tmp));
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            break;
    }
    *ret = out;
    return 0;
}
