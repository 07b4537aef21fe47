/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native agent (`migcheck __agent`): reads one request per line on stdin,
 * dispatches through the operation table (ops.c), answers on stdout, until
 * "quit" or the end of input. facts and probe answer with framed bodies.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/facts-xml.h"
#include "config.h"
#include "gather.h"
#include "ops-internal.h"
#include "proto.h"
#include "remote/probe.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

bool mc_agent_quit_requested;

/* Line reader on fd 0 that never reads past the newline it returns. */
int mc_agent_read_line(char **ret)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return b.len ? (*ret = mc_buf_steal(&b), 0) : -1;
        if (c == '\n')
            break;
        if (b.len > 64 * 1024)
            return -1;
        mc_buf_putc(&b, c);
    }
    *ret = mc_buf_steal(&b);
    return 0;
}

void mc_agent_reply(const char *id, const char *status, const char *const *fields)
{
    printf("%s %s", id, status);
    for (size_t i = 0; fields && fields[i]; i++) {
        _cleanup_free_ char *e = mc_agent_encode(fields[i]);
        printf(" %s", e);
    }
    putchar('\n');
    fflush(stdout);
}

void mc_agent_reply_errno(const char *id, const char *status, int err)
{
    char buf[16];
    const char *f[] = { mc_errno_name(err, buf), NULL };
    mc_agent_reply(id, status, f);
}

void mc_op_facts(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    const char *boundary = args[0];
    /* The spec lines are for the sh probe; this agent gathers with the libraries. */
    for (;;) {
        _cleanup_free_ char *line = NULL;
        if (mc_agent_read_line(&line) < 0 || strcmp(line, "END") == 0)
            break;
    }
    struct mc_gather_opts o = { .no_virt = true };
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *h = mc_gather_local(&o);
    mc_agent_gather_extra(h);
    _cleanup_free_ char *xml = NULL;
    size_t len = 0;
    if (!boundary || mc_facts_to_xml(h, &xml, &len) < 0) {
        mc_agent_reply(id, "error", NULL);
        return;
    }
    printf("%s facts-begin xml\n", id);
    fwrite(xml, 1, len, stdout);
    printf("\n--%s END\n", boundary);
    fflush(stdout);
}

/* The sh probe's answer, for requests only it knows (ROM hashes): run it here. */
void mc_op_probe(const struct mc_agent_req *req)
{
    const char *id = req->id;
    char **args = req->args;
    const char *boundary = args[0];
    char **lines = NULL;
    size_t nlines = 0;
    for (;;) {
        _cleanup_free_ char *line = NULL;
        if (mc_agent_read_line(&line) < 0 || strcmp(line, "END") == 0)
            break;
        if (!mc_str_startswith(line, "BOUNDARY="))
            mc_strv_push_n(&lines, &nlines, TAKE_PTR(line));
    }
    const char *const *specs[] = { (const char *const *)lines, NULL };
    _cleanup_free_ char *script = boundary ? mc_probe_request(specs, boundary) : NULL;
    const char *argv[] = { "sh", "-s", NULL };
    struct mc_spawn_opts o = { .argv = argv,
                               .stdin_data = script,
                               .stdin_len = script ? strlen(script) : 0,
                               .timeout_ms = 60000,
                               .max_output = 64u << 20 };
    struct mc_spawn_result res = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    if (!script || mc_spawn_run(&o, &res, &err) < 0 || res.exit_code != 0) {
        mc_strv_free(lines);
        mc_spawn_result_clear(&res);
        mc_agent_reply_errno(id, "error", EIO);
        return;
    }
    printf("%s facts-begin dump\n", id);
    fwrite(res.out, 1, res.out_len, stdout);
    fflush(stdout);
    mc_spawn_result_clear(&res);
    mc_strv_free(lines);
}

void mc_agent_reply_words(const char *id, const char *status, ...)
{
    const char *f[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, status);
    const char *w;
    while (n < 15 && (w = va_arg(ap, const char *)))
        f[n++] = w;
    va_end(ap);
    f[n] = NULL;
    mc_agent_reply(id, status, f);
}

void mc_op_quit(const struct mc_agent_req *req)
{
    mc_agent_reply(req->id, "ok", NULL);
    mc_agent_quit_requested = true;
}

int mc_agent_serve(void)
{
    printf("HELLO migcheck %d %s\n", MC_AGENT_PROTO, MIGCHECK_VERSION);
    fflush(stdout);
    while (!mc_agent_quit_requested) {
        _cleanup_free_ char *line = NULL;
        if (mc_agent_read_line(&line) < 0)
            break;
        _cleanup_strv_free_ char **w = NULL;
        if (mc_agent_split(line, &w) < 0 || mc_strv_length(w) < 2) {
            const char *id = w && w[0] ? w[0] : "0";
            mc_agent_reply_errno(id, "error", EBADMSG);
            continue;
        }
        struct mc_agent_req req = { .id = w[0], .args = w + 2, .n_args = mc_strv_length(w + 2) };
        int op = mc_agent_op_find(w[1]);
        const struct mc_agent_op *o = op >= 0 ? mc_agent_op((enum mc_op)op) : NULL;
        if (!o || !o->c)
            mc_agent_reply(req.id, "unsupported", NULL);
        else if (req.n_args < o->min_args)
            mc_agent_reply_errno(req.id, "error", EINVAL);
        else
            o->c(&req);
    }
    return 0;
}
