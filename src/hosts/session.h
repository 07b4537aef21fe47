/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A session with the agent on one host: a process (ssh, or the agent itself
 * for "local") whose stdin takes requests and whose stdout gives answers.
 * Over ssh the session is the OpenSSH ControlMaster for that host, so the
 * libvirt connection (through the helper script in the control directory)
 * and every later request reuse its one handshake.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "agent/ops.h"
#include "hostspec.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/source.h"

struct mc_session {
    char *label; /* how the operator named the host */
    pid_t pid;
    int in_fd;  /* our end of the agent's stdin */
    int out_fd; /* the agent's stdout */
    int err_fd; /* the agent's stderr (ssh's messages) */
    struct mc_buf out;
    struct mc_buf err;
    char *kind; /* migcheck, sh */
    char *version;
    unsigned next_id;
    double started;
    double hello_seconds; /* from spawn to the agent's greeting */
    /* Requests the sh agent has no handler for: answered "unsupported" here, never sent. */
    unsigned *local_unsupported;
    size_t n_local_unsupported;
    /*
     * Local ends of unix socket forwards to the host's libvirt sockets, set up by the ssh
     * session itself (no remote shell per connection): libvirt-sock (monolithic libvirtd),
     * virtqemud-sock (modular daemons), libvirt-sock-ro. NULL for local sessions.
     */
    char *libvirt_sockets[3];
    /* For more channels of the same connection (ssh sessions only): ssh's -S argument, the
     * destination, the port. */
    char *control_path;
    char *target;
    int port;
};

struct mc_session_opts {
    const struct mc_hostspec *host;
    const char *control_dir;    /* private 0700 directory for ControlPath sockets */
    const char *remote_command; /* migcheck on the host; "" = always the sh agent */
    int timeout_ms;
};

/* The ssh options every connection of migcheck uses (host keys are always checked). */
extern const char *const mc_ssh_base_options[];

/* Create the private control directory and its ssh helper for libvirt. */
int mc_control_dir_create(char **ret_dir, struct mc_error *reterr);
void mc_control_dir_remove(const char *dir);
/* ssh's -S argument for the control sockets in dir (%C: one socket per destination). */
char *mc_control_path(const char *dir);
/* Path of the ssh helper in the control directory (for libvirt's command= parameter). */
char *mc_control_dir_ssh_helper(const char *dir);

/* Start the agent and wait for its greeting. */
int mc_session_start(struct mc_session *s, const struct mc_session_opts *o,
                     struct mc_error *reterr);

/* Send one request (args NULL-terminated; encoded here); returns its id. */
unsigned mc_session_send(struct mc_session *s, enum mc_op op, const char *const *args);
/* The same by name (an operation this migcheck may not know: tests, newer agents). */
unsigned mc_session_send_name(struct mc_session *s, const char *op, const char *const *args);
/*
 * Read the answer to request id: ret_words[0] is the status, then the fields
 * (decoded). Answers must come in request order.
 */
int mc_session_recv(struct mc_session *s, unsigned id, int timeout_ms, char ***ret_words,
                    struct mc_error *reterr);
/* send + recv. */
int mc_session_call(struct mc_session *s, enum mc_op op, const char *const *args, int timeout_ms,
                    char ***ret_words, struct mc_error *reterr);
/*
 * The facts request: sends the probe specs, reads the framed answer. ret_kind
 * is "xml" (migcheck agent) or "dump" (sh agent); the body is the snapshot or
 * the probe dump for mc_source_dump(boundary).
 */
int mc_session_facts(struct mc_session *s, const char *const *const specs[], int timeout_ms,
                     char **ret_kind, char **ret_body, size_t *ret_len, char **ret_boundary,
                     struct mc_error *reterr);
/*
 * The probe request: the sh probe's answer to the spec lines, from either agent (the native
 * one runs the embedded probe for it). Gives a source over the dump.
 */
int mc_session_probe(struct mc_session *s, const char *const *const specs[], int timeout_ms,
                     struct mc_source **ret, struct mc_error *reterr);
/*
 * A TCP connection whose source is the session's host, without any tool there: a direct-tcpip
 * channel of the session's ssh connection (what ssh -W opens; the host's sshd connects). For a
 * local session, a connection from this machine. The answer reads like the agent's connect
 * operation: words "ok RESULT -" with RESULT open, refused, timeout, unreachable, unresolvable
 * or error, then sshd's words for a failure; "unsupported TEXT" when the host's sshd does not
 * forward TCP (AllowTcpForwarding no). 0, or -errno when ssh could not be run.
 */
int mc_session_tcp_connect(struct mc_session *s, const char *host, int port, int timeout_ms,
                           char ***ret_words, struct mc_error *reterr);
/*
 * sshd's words when a channel could not open ("open failed: connect failed: ...") as a
 * connection result word (refused, unreachable, timeout, unresolvable, error), or "unsupported"
 * when the server does not forward (administratively prohibited). Pure; fuzzed.
 */
const char *mc_session_channel_result(const char *ssh_stderr);
/* libvirt URIs that reach the host through the session's socket forwards, best first. */
char **mc_session_libvirt_uris(const struct mc_session *s);

/* Say goodbye, wait for the agent (bounded), end it by pid if it hangs. */
void mc_session_close(struct mc_session *s);
