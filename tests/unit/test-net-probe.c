/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TCP probes on loopback: a temporary listener and a connect (open), a closed
 * port (refused), a listener whose accept queue is full so the kernel drops
 * the SYN (timeout), a port range whose first port is taken, and -- as root,
 * in a private network namespace with no route -- an unreachable network.
 *
 * The timeout case is made on loopback instead of a non-routed address such
 * as 169.254.254.254: this machine may send nothing beyond itself.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "network/bandwidth.h"
#include "network/probe.h"
#include "util/cleanup.h"
#include "util/spawn.h"

static void test_open_and_accept(void **state)
{
    (void)state;
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_tcp_listener_open("127.0.0.1", 0, 0, &l, &err), 0);
    assert_true(l.port > 0);
    assert_string_equal(l.address, "127.0.0.1");
    struct mc_tcp_probe_result r;
    assert_int_equal(mc_tcp_connect_probe("127.0.0.1", l.port, 2000, &r, &err), 0);
    assert_int_equal(r.result, MC_TCP_OPEN);
    assert_string_equal(mc_tcp_result_name(r.result), "open");
    assert_string_equal(r.address, "127.0.0.1");
    assert_int_equal(r.err, 0);
    struct mc_tcp_accept_result a;
    assert_int_equal(mc_tcp_listener_accept(&l, 2000, &a, &err), 0);
    assert_true(a.accepted);
    assert_string_equal(a.peer, "127.0.0.1");
    /* nobody else comes: the second accept times out */
    assert_int_equal(mc_tcp_listener_accept(&l, 100, &a, &err), 0);
    assert_false(a.accepted);
    assert_true(a.seconds >= 0.09);
    mc_tcp_listener_close(&l);
    assert_int_equal(l.fd, -1);
}

static void test_any_address_dual_stack(void **state)
{
    (void)state;
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_tcp_listener_open(NULL, 0, 0, &l, &err), 0);
    struct mc_tcp_probe_result r;
    /* "localhost" resolves to ::1 and/or 127.0.0.1: both reach a dual-stack listener */
    assert_int_equal(mc_tcp_connect_probe("localhost", l.port, 2000, &r, &err), 0);
    assert_int_equal(r.result, MC_TCP_OPEN);
    assert_true(r.n_addresses >= 1);
    struct mc_tcp_accept_result a;
    assert_int_equal(mc_tcp_listener_accept(&l, 2000, &a, &err), 0);
    assert_true(a.accepted);
    mc_tcp_listener_close(&l);
}

/* A port of 127.0.0.1 that was just free: a listener had it, and nothing listens there now. */
static int closed_port(void)
{
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_tcp_listener_open("127.0.0.1", 0, 0, &l, &err), 0);
    int port = l.port;
    mc_tcp_listener_close(&l);
    return port;
}

/* A listener on 127.0.0.1 with backlog 0 that never accepts: once one connection waits in the
 * accept queue, the kernel drops further SYNs (tcp_conn_request: accept queue full), so a
 * connect gets no answer. Returns its port; *ret_fd, its socket (to close). */
static int full_queue_listener(int *ret_fd)
{
    int fd = *ret_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 0), 0);
    socklen_t sl = sizeof(sa);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    return ntohs(sa.sin_port);
}

static void test_refused(void **state)
{
    (void)state;
    _cleanup_error_ struct mc_error err = { 0 };
    int port = closed_port();
    struct mc_tcp_probe_result r;
    assert_int_equal(mc_tcp_connect_probe("127.0.0.1", port, 2000, &r, &err), 0);
    assert_int_equal(r.result, MC_TCP_REFUSED);
    assert_int_equal(r.err, ECONNREFUSED);
    assert_true(r.seconds < 1.0);
}

static void test_timeout(void **state)
{
    (void)state;
    _cleanup_close_ int fd = -1;
    int port = full_queue_listener(&fd);
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_tcp_probe_result r;
    bool timed_out = false;
    for (int i = 0; i < 4 && !timed_out; i++) {
        assert_int_equal(mc_tcp_connect_probe("127.0.0.1", port, 300, &r, &err), 0);
        timed_out = r.result == MC_TCP_TIMEOUT;
    }
    assert_true(timed_out);
    assert_int_equal(r.err, ETIMEDOUT);
    assert_true(r.seconds >= 0.25 && r.seconds < 2.0);
}

static void test_port_range(void **state)
{
    (void)state;
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_tcp_listener a = { .fd = -1 }, b = { .fd = -1 }, c = { .fd = -1 };
    assert_int_equal(mc_tcp_listener_open("127.0.0.1", 0, 0, &a, &err), 0);
    /* a range that starts at a's port: the next one is used */
    if (a.port < 65535) {
        int r = mc_tcp_listener_open("127.0.0.1", a.port, a.port + 1, &b, &err);
        if (r == 0) {
            assert_int_equal(b.port, a.port + 1);
            /* both taken now */
            assert_int_equal(mc_tcp_listener_open("127.0.0.1", a.port, a.port + 1, &c, &err),
                             -EADDRINUSE);
            assert_non_null(strstr(err.message, "no free port"));
        } else {
            fprintf(stderr, "port %d is busy elsewhere: range check skipped\n", a.port + 1);
        }
    }
    mc_tcp_listener_close(&a);
    mc_tcp_listener_close(&b);
    assert_int_equal(mc_tcp_listener_open("127.0.0.1", 10, 5, &c, &err), -EINVAL);
    assert_int_equal(mc_tcp_listener_open("not-an-address", 0, 0, &c, &err), -EINVAL);
}

static void test_bad_names(void **state)
{
    (void)state;
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_tcp_probe_result r;
    assert_true(mc_tcp_connect_probe("host.invalid", 22, 500, &r, &err) < 0);
    assert_non_null(strstr(err.message, "'host.invalid'"));
    assert_int_equal(mc_tcp_connect_probe("127.0.0.1", 0, 500, &r, &err), -EINVAL);
    assert_int_equal(mc_tcp_connect_probe("127.0.0.1", 70000, 500, &r, &err), -EINVAL);
}

/* The bandwidth probe on loopback: what the sender sent, the sink received, both naming the
 * address they used. */
static void test_bandwidth_loopback(void **state)
{
    (void)state;
    struct mc_tcp_listener l = { .fd = -1 };
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_tcp_listener_open("127.0.0.1", 0, 0, &l, &err), 0);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        struct mc_error e = { 0 };
        struct mc_bw_sink_result res = { 0 };
        int r = mc_bw_sink(&l, 5000, 10000, &res, &e);
        _exit(r == 0 && write(pfd[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
    }
    close(pfd[1]);
    struct mc_bw_send_result sent = { 0 };
    assert_int_equal(mc_bw_send("127.0.0.1", l.port, 200, &sent, &err), 0);
    struct mc_bw_sink_result got = { 0 };
    assert_int_equal(read(pfd[0], &got, sizeof(got)), sizeof(got));
    close(pfd[0]);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    mc_tcp_listener_close(&l);
    assert_true(sent.bytes > 0);
    assert_int_equal(got.bytes, sent.bytes);
    assert_true(sent.seconds >= 0.15);
    assert_string_equal(sent.address, "127.0.0.1");
    assert_string_equal(got.peer, "127.0.0.1");
}

/* The bandwidth probe's failures: a name that does not resolve, a closed port, and a port that
 * does not answer (3 s per address). */
static void test_bandwidth_errors(void **state)
{
    (void)state;
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_bw_send_result res;
    assert_true(mc_bw_send("host.invalid", 22, 100, &res, &err) < 0);
    assert_non_null(strstr(err.message, "cannot resolve 'host.invalid': "));

    int port = closed_port();
    assert_int_equal(mc_bw_send("127.0.0.1", port, 100, &res, &err), -ECONNREFUSED);
    char want[128];
    snprintf(want, sizeof(want), "cannot connect to '127.0.0.1' port %d: %s", port,
             strerror(ECONNREFUSED));
    assert_string_equal(err.message, want);

    /* A full accept queue that is never accepted: the first sender may still get in, then the
     * kernel drops the SYNs. */
    _cleanup_close_ int fd = -1;
    port = full_queue_listener(&fd);
    int r = 0;
    double t0 = 0;
    for (int i = 0; i < 3 && r == 0; i++) {
        t0 = mc_now();
        r = mc_bw_send("127.0.0.1", port, 100, &res, &err);
    }
    assert_int_equal(r, -ETIMEDOUT);
    assert_true(mc_now() - t0 >= 2.9);
    snprintf(want, sizeof(want), "cannot connect to '127.0.0.1' port %d: %s", port,
             strerror(ETIMEDOUT));
    assert_string_equal(err.message, want);
}

/* In a namespace that has only a loopback, 169.254.254.254 has no route: nothing is sent. */
static void test_unreachable(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) < 0)
            _exit(3);
        struct mc_error err = { 0 };
        struct mc_tcp_probe_result r;
        if (mc_tcp_connect_probe("169.254.254.254", 49152, 1000, &r, &err) < 0)
            _exit(4);
        _exit(r.result == MC_TCP_UNREACHABLE && r.err == ENETUNREACH ? 0 : 5);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_accept),  cmocka_unit_test(test_any_address_dual_stack),
        cmocka_unit_test(test_refused),          cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_port_range),       cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_unreachable),      cmocka_unit_test(test_bandwidth_loopback),
        cmocka_unit_test(test_bandwidth_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
