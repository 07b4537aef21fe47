/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A host set: the N hosts one command works on (check: 2, migrate: 2,
 * cluster: N), each with its agent session, its libvirt connection and a way
 * to run an agent operation, opened once (all hosts in parallel) and held
 * until mc_hostset_free at the end of the command.
 *
 *   struct mc_hostset_opts o = { .transport = "ssh", .remote_command = "migcheck",
 *                                .timeout_ms = 30000 };
 *   _cleanup_(mc_hostset_freep) struct mc_hostset *hs = mc_hostset_new(&o);
 *   struct mc_host *src, *dst;
 *   mc_hostset_add(hs, "kvm1", &src, &err);          // parse only: -EINVAL on a bad name
 *   mc_hostset_add(hs, "kvm2", &dst, &err);
 *   src->want_vm = "web1";                           // gather this domain with the facts
 *   mc_hostset_open(hs, &err);                       // sessions + libvirt + facts, parallel
 *   ... src->facts, src->conn, mc_host_call(dst, MC_OP_STAT, args, ...) ...
 *
 * A host that cannot be reached keeps rc < 0 and err; mc_hostset_open fails
 * with the first such error unless opts.keep_unreachable (a cluster goes on
 * with the others). Operations on one host are not thread-safe: one thread
 * per host at a time. A mutating operation (ops.h) is refused unless the set
 * was made with opts.act (only plan steps change hosts).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "agent/ops.h"
#include "checker/facts.h"
#include "hostspec.h"
#include "session.h"
#include "util/error.h"
#include "util/source.h"
#include "virt/virt.h"

struct mc_hostset;

struct mc_host {
    struct mc_hostspec spec; /* as the operator named it; spec.label for messages */
    struct mc_hostset *set;
    /* What mc_hostset_open gathers (set before opening). */
    const char *want_vm;                   /* the domain to gather with the facts, or NULL */
    const struct mc_vm_facts *vm_override; /* --vm-xml: use this domain instead of gathering */
    bool no_facts;                         /* only connect (no facts request) */
    /* Every domain of the host with the facts (as `facts --all-vms`): their ROMs hashed and
     * their block devices described, one more request each when a domain needs it. */
    bool want_all_vms;
    /* With the sh agent, open a second session (mc_host_take_channel) while the facts are
     * gathered: check's listener starts there without waiting for a session of its own. */
    bool want_channel;
    /* With want_channel: check's listener (QEMU with -incoming, the sh agent's listen) starts in
     * the second session as soon as it opens, DST's qemu.conf read there and this source's
     * domain's emulator known (mc_listen_argv), so that QEMU's start is off the live probes'
     * way. mc_host_take_channel hands it over with the session. */
    struct mc_host *listen_for;
    /* Filled by mc_hostset_open. */
    int rc; /* 0, or why the host could not be opened (err says it) */
    struct mc_error err;
    struct mc_session sess;
    bool sess_up;
    virConnectPtr conn; /* NULL when libvirt could not be reached (facts record why) */
    bool conn_rw;
    struct mc_host_facts *facts; /* owned by the host */
    struct mc_source *dump;      /* the sh agent's raw sources, kept for later gathering */
    bool conf_from_agent;        /* qemu.conf came from the migcheck agent */
    double t_hello, t_facts, t_virt;
    /* private */
    struct mc_host_facts *hv;
    struct mc_session spare; /* want_channel's session, when spare_up */
    bool spare_up, spare_thread_up;
    pthread_t spare_thread;
    unsigned early_id; /* listen_for's request on spare, when sent */
    char **early_args; /* its arguments */
    bool vm_done;      /* libvirt's part of the open ended (vm_lock in hostset.c) */
    char *vm_emulator; /* then: the domain's emulator (want_vm), NULL when it names none */
    bool vm_found;     /* then: whether the domain's facts came */
};

struct mc_hostset_opts {
    const char *transport;      /* libvirt transport for [user@]host names; NULL: ssh */
    const char *remote_command; /* migcheck on the hosts; "" = always the sh agent */
    int timeout_ms;             /* bound for connecting and for each request */
    bool act;                   /* the command changes hosts (mutating operations allowed) */
    bool keep_unreachable;      /* open succeeds although some hosts could not be reached */
    bool insecure_no_verify;    /* accept URIs that turn host key checks off (no_verify=1) */
    int verbose;                /* > 0: timings on stderr */
    int max_parallel;           /* hosts opened at once (ssh's MaxStartups); 0: all */
    /* Called (never at the same time twice) after each host was opened or found unreachable. */
    void (*progress)(const struct mc_host *h, size_t done, size_t total, void *userdata);
    void *progress_userdata;
    int keepalive_s; /* libvirt keepalive interval (count 3); needs the event loop; 0: off */
};

struct mc_hostset *mc_hostset_new(const struct mc_hostset_opts *o);
void mc_hostset_free(struct mc_hostset *hs);
static inline void mc_hostset_freep(struct mc_hostset **hs)
{
    mc_hostset_free(*hs);
}
/*
 * Add a host by name ([user@]host[:port], a libvirt URI, "local"). -EINVAL: a bad name;
 * -EPERM: a URI that turns host key or certificate checks off (no_verify=1,
 * known_hosts_verify=ignore) on a set not made with insecure_no_verify.
 */
int mc_hostset_add(struct mc_hostset *hs, const char *name, struct mc_host **ret,
                   struct mc_error *reterr);
size_t mc_hostset_count(const struct mc_hostset *hs);
struct mc_host *mc_hostset_host(struct mc_hostset *hs, size_t i);
const struct mc_hostset_opts *mc_hostset_options(const struct mc_hostset *hs);
/*
 * Open every host not yet open, in parallel: the agent session (ssh ControlMaster), the
 * libvirt connection through it, and the facts (with want_vm). Errors: the first
 * unreachable host's (unless keep_unreachable); -ENOENT when a wanted domain does not exist.
 */
int mc_hostset_open(struct mc_hostset *hs, struct mc_error *reterr);

/* An agent's answer: status (enum mc_reply, -1 for a word this migcheck does not know). */
struct mc_answer {
    int status;
    char **words;  /* words[0] is the status word, then the fields */
    char **fields; /* words + 1 */
};
void mc_answer_clear(struct mc_answer *r);

/* Send a request; returns its id (0: refused, the matching recv says why). */
unsigned mc_host_send(struct mc_host *h, enum mc_op op, const char *const *args);
int mc_host_recv(struct mc_host *h, unsigned id, int timeout_ms, struct mc_answer *ret,
                 struct mc_error *reterr);
/* send + recv. -EPERM for a mutating operation on a set that does not act. */
int mc_host_call(struct mc_host *h, enum mc_op op, const char *const *args, int timeout_ms,
                 struct mc_answer *ret, struct mc_error *reterr);
/*
 * A TCP connection whose source is host h: by the agent's connect operation where the agent
 * has one (the native agent), else through a direct-tcpip channel of h's ssh session (nothing
 * needed on h but sshd; mc_session_tcp_connect). ret as from the connect operation ("ok
 * RESULT ADDRESS ..."); *ret_via says which way it went, for evidence.
 */
int mc_host_tcp_connect(struct mc_host *h, const char *host, int port, int timeout_ms,
                        struct mc_answer *ret, const char **ret_via, struct mc_error *reterr);
/*
 * Make sure the host's libvirt connection (and its session) is alive; reopen both when not
 * (a daemon restarted, a link came back). The facts are kept. -errno when it stays unreachable.
 */
int mc_host_reconnect(struct mc_host *h, struct mc_error *reterr);
/*
 * A second agent session to an open host over the same ssh connection (no new handshake), for
 * an operation that answers only after a while (check --predict watches the guest for
 * seconds), so that the host's own session stays free for the other probes. For operations
 * that do not change the host (mutating ones are refused). mc_host_channel_close ends it.
 */
int mc_host_open_channel(struct mc_host *h, struct mc_session *ret, struct mc_error *reterr);
/*
 * The same, taking the one want_channel opened with the facts when there is one. With
 * listen_for, *ret_listen_id is the listen request already running there (0: none) and
 * *ret_listen_args its arguments (the caller frees them).
 */
int mc_host_take_channel(struct mc_host *h, struct mc_session *ret, unsigned *ret_listen_id,
                         char ***ret_listen_args, struct mc_error *reterr);
/*
 * The arguments of check's listen request on a DST with this qemu.conf, for a domain with this
 * emulator (NULL: none named): bind address, the migration port range, the listener's deadline
 * in ms, the emulator.
 */
char **mc_listen_argv(const struct mc_qemu_conf *q, const char *emulator);
int mc_host_channel_call(struct mc_session *ch, enum mc_op op, const char *const *args,
                         int timeout_ms, struct mc_answer *ret, struct mc_error *reterr);
unsigned mc_host_channel_send(struct mc_session *ch, enum mc_op op, const char *const *args);
int mc_host_channel_recv(struct mc_session *ch, unsigned id, int timeout_ms, struct mc_answer *ret,
                         struct mc_error *reterr);
void mc_host_channel_close(struct mc_session *ch);

/* "migcheck 0.1.0", "sh", "unreachable". */
const char *mc_host_agent_label(const struct mc_host *h, char *buf, size_t len);
/*
 * Gather one more domain of an open host over its connection (a cluster asks each host about
 * many domains). The facts' own vm is not touched.
 */
int mc_host_gather_vm(struct mc_host *h, const char *name, struct mc_vm_facts **ret,
                      struct mc_error *reterr);
