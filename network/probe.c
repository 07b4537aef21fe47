/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "probe.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net-internal.h"
#include "util/cleanup.h"
#include "util/spawn.h"

const char *mc_tcp_result_name(enum mc_tcp_result r)
{
    switch (r) {
    case MC_TCP_OPEN:
        return "open";
    case MC_TCP_REFUSED:
        return "refused";
    case MC_TCP_TIMEOUT:
        return "timeout";
    case MC_TCP_UNREACHABLE:
        return "unreachable";
    default:
        return "error";
    }
}

void mc_net_sockaddr_text(const struct sockaddr *sa, char buf[static INET6_ADDRSTRLEN],
                          int *ret_port)
{
    buf[0] = '\0';
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s->sin_addr, buf, INET6_ADDRSTRLEN);
        if (ret_port)
            *ret_port = ntohs(s->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
            inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], buf, INET6_ADDRSTRLEN);
        else
            inet_ntop(AF_INET6, &s->sin6_addr, buf, INET6_ADDRSTRLEN);
        if (ret_port)
            *ret_port = ntohs(s->sin6_port);
    }
}

static enum mc_tcp_result classify(int err)
{
    switch (err) {
    case 0:
        return MC_TCP_OPEN;
    case ECONNREFUSED:
        return MC_TCP_REFUSED;
    case ETIMEDOUT:
        return MC_TCP_TIMEOUT;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:
        return MC_TCP_UNREACHABLE;
    default:
        return MC_TCP_ERROR;
    }
}

int mc_net_resolve(const char *host, int port, struct addrinfo **ret, struct mc_error *reterr)
{
    char service[8];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    int r = getaddrinfo(host, service, &hints, ret);
    if (r != 0)
        return mc_error_set(reterr, r == EAI_SYSTEM ? -errno : -EHOSTUNREACH,
                            "cannot resolve '%s': %s", host, gai_strerror(r));
    return 0;
}

int mc_net_connect(const struct addrinfo *ai, int timeout_ms, int *ret_fd)
{
    if (ret_fd)
        *ret_fd = -1;
    _cleanup_close_ int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return errno;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS)
            return errno;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        double end = mc_now() + timeout_ms / 1000.0;
        for (;;) {
            int left = (int)((end - mc_now()) * 1000.0);
            if (left <= 0)
                return ETIMEDOUT;
            int r = poll(&p, 1, left);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return errno;
            if (r == 0)
                return ETIMEDOUT;
            break;
        }
        int err = 0;
        socklen_t l = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
            return errno;
        if (err != 0)
            return err;
    }
    if (ret_fd)
        *ret_fd = TAKE_FD(fd);
    return 0;
}

static int rank(enum mc_tcp_result r)
{
    /* which failure tells most about the path: a host answered > silence > no route */
    switch (r) {
    case MC_TCP_REFUSED:
        return 3;
    case MC_TCP_TIMEOUT:
        return 2;
    case MC_TCP_UNREACHABLE:
        return 1;
    default:
        return 0;
    }
}

int mc_tcp_connect_probe(const char *host, int port, int timeout_ms,
                         struct mc_tcp_probe_result *ret, struct mc_error *reterr)
{
    if (!host || !*host || port <= 0 || port > 65535 || timeout_ms <= 0)
        return mc_error_set(reterr, -EINVAL, "invalid probe target '%s' port %d", host ? host : "",
                            port);
    double start = mc_now();
    _cleanup_(freeaddrinfop) struct addrinfo *res = NULL;
    int r = mc_net_resolve(host, port, &res, reterr);
    if (r < 0)
        return r;

    struct mc_tcp_probe_result best = { .result = MC_TCP_ERROR, .err = EHOSTUNREACH, .port = port };
    bool have = false;
    double end = start + timeout_ms / 1000.0;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        best.n_addresses++;
        int left = (int)((end - mc_now()) * 1000.0);
        int err = left > 0 ? mc_net_connect(ai, left, NULL) : ETIMEDOUT;
        enum mc_tcp_result c = classify(err);
        if (!have || c == MC_TCP_OPEN || rank(c) > rank(best.result)) {
            best.result = c;
            best.err = err;
            mc_net_sockaddr_text(ai->ai_addr, best.address, NULL);
            have = true;
        }
        if (c == MC_TCP_OPEN)
            break;
    }
    best.seconds = mc_now() - start;
    *ret = best;
    return 0;
}

int mc_tcp_listener_open(const char *address, int port_min, int port_max,
                         struct mc_tcp_listener *ret, struct mc_error *reterr)
{
    if (port_min < 0 || port_max > 65535 || (port_min > 0 && port_max < port_min))
        return mc_error_set(reterr, -EINVAL, "invalid port range %d-%d", port_min, port_max);
    if (port_min == 0)
        port_max = 0;
    bool any = !address || !*address;
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                              .ai_family = AF_UNSPEC };
    _cleanup_(freeaddrinfop) struct addrinfo *res = NULL;
    int r = getaddrinfo(any ? "::" : address, "0", &hints, &res);
    if (r != 0)
        return mc_error_set(reterr, -EINVAL, "invalid listen address '%s': %s",
                            any ? "::" : address, gai_strerror(r));
    int last = EADDRINUSE;
    for (int port = port_min; port <= port_max; port++) {
        _cleanup_close_ int fd =
            socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return mc_error_set(reterr, -errno, "cannot create a socket: %m");
        int one = 1, zero = 0;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (any && res->ai_family == AF_INET6)
            (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        struct sockaddr_storage ss;
        memcpy(&ss, res->ai_addr, res->ai_addrlen);
        if (ss.ss_family == AF_INET)
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
        else
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
        if (bind(fd, (struct sockaddr *)&ss, res->ai_addrlen) < 0) {
            last = errno;
            if (errno == EADDRINUSE || errno == EACCES)
                continue;
            return mc_error_set(reterr, -errno, "cannot bind '%s' port %d: %m",
                                any ? "::" : address, port);
        }
        if (listen(fd, 4) < 0)
            return mc_error_set(reterr, -errno, "cannot listen on port %d: %m", port);
        socklen_t sl = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
            return mc_error_set(reterr, -errno, "cannot read the bound address: %m");
        struct mc_tcp_listener l = { .fd = TAKE_FD(fd) };
        mc_net_sockaddr_text((struct sockaddr *)&ss, l.address, &l.port);
        if (any)
            snprintf(l.address, sizeof(l.address), "%s",
                     res->ai_family == AF_INET6 ? "::" : "0.0.0.0");
        *ret = l;
        return 0;
    }
    return mc_error_set(reterr, -last, "no free port in %d-%d on '%s': %s", port_min, port_max,
                        any ? "::" : address, strerror(last));
}

int mc_tcp_listener_accept(struct mc_tcp_listener *l, int timeout_ms,
                           struct mc_tcp_accept_result *ret, struct mc_error *reterr)
{
    if (!l || l->fd < 0)
        return mc_error_set(reterr, -EBADF, "the listener is not open");
    double start = mc_now(), end = start + timeout_ms / 1000.0;
    struct mc_tcp_accept_result res = { 0 };
    for (;;) {
        int left = (int)((end - mc_now()) * 1000.0);
        if (left <= 0)
            break;
        struct pollfd p = { .fd = l->fd, .events = POLLIN };
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return mc_error_set(reterr, -errno, "cannot wait for a connection: %m");
        if (r == 0)
            break;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int c = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
                continue;
            return mc_error_set(reterr, -errno, "cannot accept a connection: %m");
        }
        close(c);
        res.accepted = true;
        mc_net_sockaddr_text((struct sockaddr *)&ss, res.peer, &res.peer_port);
        break;
    }
    res.seconds = mc_now() - start;
    *ret = res;
    return 0;
}

void mc_tcp_listener_close(struct mc_tcp_listener *l)
{
    if (l && l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
}
