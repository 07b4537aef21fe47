/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host set (hostset.h). Per host, in its own thread: the agent session
 * over ssh (its handshake is the only one: the session is the ControlMaster),
 * the libvirt connection through the session's socket forwards (in a second
 * thread, started once the session greets), and the facts request, at the
 * same time. Everything stays open until mc_hostset_free.
 */
#include "hostset.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "gather.h"
#include "os/os.h"
#include "remote/probe.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/interrupt.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct mc_hostset {
    struct mc_hostset_opts o;
    char *transport;
    char *remote_command;
    struct mc_host **hosts;
    size_t n;
    char *control_dir;
};

static void debug(const struct mc_hostset *hs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void debug(const struct mc_hostset *hs, const char *fmt, ...)
{
    if (hs->o.verbose < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("migcheck: debug: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

struct mc_hostset *mc_hostset_new(const struct mc_hostset_opts *o)
{
    struct mc_hostset *hs = mc_new0(struct mc_hostset, 1);
    hs->o = *o;
    hs->transport = mc_xstrdup(o->transport ? o->transport : "ssh");
    hs->remote_command = mc_xstrdup(o->remote_command ? o->remote_command : "migcheck");
    hs->o.transport = hs->transport;
    hs->o.remote_command = hs->remote_command;
    if (hs->o.timeout_ms <= 0)
        hs->o.timeout_ms = 30000;
    return hs;
}

static void host_free(struct mc_host *h)
{
    if (h->spare_thread_up)
        pthread_join(h->spare_thread, NULL);
    if (h->spare_up && h->early_id && h->spare.in_fd >= 0) {
        /* A listener nobody took (the live probes did not run): no quit request, which would
         * wait behind it; the session ends, and QEMU at its own short deadline. */
        close(h->spare.in_fd);
        h->spare.in_fd = -1;
    }
    if (h->spare_up)
        mc_host_channel_close(&h->spare);
    mc_strv_free(h->early_args);
    free(h->vm_emulator);
    if (h->conn)
        virConnectClose(h->conn);
    if (h->sess_up)
        mc_session_close(&h->sess);
    mc_host_facts_free(h->facts);
    mc_host_facts_free(h->hv);
    mc_source_free(h->dump);
    mc_error_clear(&h->err);
    mc_hostspec_clear(&h->spec);
    free(h);
}

void mc_hostset_free(struct mc_hostset *hs)
{
    if (!hs)
        return;
    /* A second session's thread may wait for another host's domain (listen_for): all of them
     * end before any host goes. */
    for (size_t i = 0; i < hs->n; i++) {
        struct mc_host *h = hs->hosts[i];
        if (h->spare_thread_up)
            pthread_join(h->spare_thread, NULL);
        h->spare_thread_up = false;
    }
    for (size_t i = 0; i < hs->n; i++)
        host_free(hs->hosts[i]);
    free(hs->hosts);
    mc_control_dir_remove(hs->control_dir);
    free(hs->control_dir);
    free(hs->transport);
    free(hs->remote_command);
    free(hs);
}

int mc_hostset_add(struct mc_hostset *hs, const char *name, struct mc_host **ret,
                   struct mc_error *reterr)
{
    struct mc_host *h = mc_new0(struct mc_host, 1);
    int r = mc_hostspec_parse(name, hs->transport, &h->spec, reterr);
    if (r < 0) {
        free(h);
        return -EINVAL;
    }
    if (h->spec.no_verify && !hs->o.insecure_no_verify) {
        mc_error_set(reterr, -EPERM,
                     "'%s' turns host key or certificate checks off; migcheck checks them "
                     "unless --insecure-no-verify is given",
                     name);
        mc_hostspec_clear(&h->spec);
        free(h);
        return -EPERM;
    }
    h->set = hs;
    h->rc = 1; /* not opened yet */
    *MC_APPEND(hs->hosts, hs->n) = h;
    if (ret)
        *ret = h;
    return 0;
}

size_t mc_hostset_count(const struct mc_hostset *hs)
{
    return hs->n;
}

struct mc_host *mc_hostset_host(struct mc_hostset *hs, size_t i)
{
    return i < hs->n ? hs->hosts[i] : NULL;
}

const struct mc_hostset_opts *mc_hostset_options(const struct mc_hostset *hs)
{
    return &hs->o;
}

/* ---- opening ---- */

/* vm_done and what comes with it, across the hosts' threads (listen_for waits for it). */
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vm_cond = PTHREAD_COND_INITIALIZER;

static void vm_known(struct mc_host *h, const struct mc_vm_facts *vm)
{
    pthread_mutex_lock(&vm_lock);
    if (!h->vm_done) {
        h->vm_done = true;
        h->vm_found = vm != NULL;
        h->vm_emulator = vm && vm->emulator ? mc_xstrdup(vm->emulator) : NULL;
    }
    pthread_cond_broadcast(&vm_cond);
    pthread_mutex_unlock(&vm_lock);
}

/* Wait until h's domain is known (at most timeout_ms; an interrupt ends the wait). */
static int wait_vm(struct mc_host *h, int timeout_ms, char **ret_emulator)
{
    double end = mc_now() + timeout_ms / 1000.0;
    pthread_mutex_lock(&vm_lock);
    while (!h->vm_done && mc_now() < end && !mc_interrupt_pending()) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&vm_cond, &vm_lock, &ts);
    }
    int r = !h->vm_done ? -ETIMEDOUT : !h->vm_found ? -ENOENT : 0;
    if (r == 0)
        *ret_emulator = h->vm_emulator ? mc_xstrdup(h->vm_emulator) : NULL;
    pthread_mutex_unlock(&vm_lock);
    return r;
}

static void *virt_thread(void *arg)
{
    struct mc_host *h = arg;
    double t0 = mc_now();
    h->hv = mc_host_facts_new();
    _cleanup_free_ char *helper = mc_control_dir_ssh_helper(h->set->control_dir);
    _cleanup_free_ char *uri = mc_hostspec_uri_with_helper(&h->spec, helper);
    _cleanup_error_ struct mc_error err = { 0 };
    int r = -ENOENT;
    /*
     * First through the session's forwards of the host's libvirt sockets: no remote shell,
     * no second handshake. Read-write first (comparing CPUs and migrating need it), the
     * read-only socket last. Then libvirt's own ssh, reusing the session's connection
     * through the helper.
     */
    _cleanup_strv_free_ char **fwd = mc_session_libvirt_uris(&h->sess);
    size_t nfwd = mc_strv_length(fwd);
    for (size_t k = 0; k < nfwd && r < 0; k++) {
        _cleanup_error_ struct mc_error e = { 0 };
        r = mc_virt_open(fwd[k], k + 1 == nfwd, &h->conn, &e);
        if (r == 0)
            h->conn_rw = k + 1 < nfwd;
    }
    if (r < 0) {
        r = mc_virt_open(uri, false, &h->conn, &err);
        if (r < 0) {
            mc_error_clear(&err);
            r = mc_virt_open(uri, true, &h->conn, &err);
        } else {
            h->conn_rw = true;
        }
    }
    if (r < 0) {
        mc_facts_add_error(h->hv, "virt", err.code, "%s", err.message);
        if (h->want_vm)
            mc_facts_add_error(h->hv, "vm", err.code, "%s", err.message);
        h->t_virt = mc_now() - t0;
        vm_known(h, h->want_vm ? h->vm_override : NULL);
        return NULL;
    }
    if (h->set->o.keepalive_s > 0 && virConnectSetKeepAlive(h->conn, h->set->o.keepalive_s, 3) < 0)
        virResetLastError(); /* no event loop: the connection works without keepalive */
    if (!h->no_facts) {
        mc_virt_gather(h->conn, NULL, h->hv);
        if (h->want_vm && !h->vm_override)
            mc_vm_gather(h->conn, h->want_vm, h->hv);
        if (h->want_all_vms)
            mc_vm_gather_all(h->conn, h->hv);
    }
    h->t_virt = mc_now() - t0;
    vm_known(h, h->vm_override && h->want_vm ? h->vm_override : h->hv->vm);
    return NULL;
}

/* Move the libvirt part of hv into h; errors of those areas move along. */
static void merge_virt(struct mc_host_facts *h, struct mc_host_facts *hv, bool keep_conf)
{
    struct mc_qemu_conf conf = h->virt.qemu_conf;
    memset(&h->virt.qemu_conf, 0, sizeof(h->virt.qemu_conf));
    mc_virt_facts_clear(&h->virt);
    h->virt = hv->virt;
    memset(&hv->virt, 0, sizeof(hv->virt));
    if (keep_conf) {
        mc_qemu_conf_clear(&h->virt.qemu_conf);
        h->virt.qemu_conf = conf;
    } else {
        mc_qemu_conf_clear(&conf);
    }
    mc_vm_facts_free(h->vm);
    h->vm = hv->vm;
    hv->vm = NULL;
    for (size_t i = 0; i < h->n_other_vms; i++)
        mc_struct_clear(&mc_desc_vm_facts, &h->other_vms[i]);
    free(h->other_vms);
    h->other_vms = hv->other_vms;
    h->n_other_vms = hv->n_other_vms;
    hv->other_vms = NULL;
    hv->n_other_vms = 0;
    for (size_t i = 0; i < hv->n_errors; i++) {
        const struct mc_fact_error *e = &hv->errors[i];
        if (keep_conf && e->area && strcmp(e->area, "virt/qemu-conf") == 0)
            continue;
        mc_facts_add_error(h, e->area, (int)e->err, "%s", e->message ? e->message : "");
    }
    h->areas |= MC_AREA_VIRT | MC_AREA_CPU;
}

static void gather_facts(struct mc_host *h)
{
    const struct mc_hostset_opts *o = &h->set->o;
    _cleanup_free_ char *kind = NULL, *body = NULL, *boundary = NULL;
    size_t len = 0;
    _cleanup_error_ struct mc_error ferr = { 0 };
    int r = mc_session_facts(&h->sess, mc_probe_gatherer_specs, o->timeout_ms, &kind, &body, &len,
                             &boundary, &ferr);
    if (r == 0 && strcmp(kind, "xml") == 0) {
        _cleanup_free_ char *what = mc_xasprintf("facts from '%s'", h->spec.label);
        r = mc_facts_from_xml(body, len, what, &h->facts, &ferr);
    } else if (r == 0) {
        r = mc_source_dump(body, len, boundary, h->spec.label, &h->dump, &ferr);
        if (r == 0) {
            h->facts = mc_host_facts_new();
            mc_gather_from_source(h->dump, h->facts, false);
        }
    }
    if (r < 0) {
        /* The session works but the facts did not come: rules needing them say UNKNOWN. */
        h->facts = mc_host_facts_new();
        mc_facts_add_error(h->facts, "os", ferr.code, "%s", ferr.message);
        mc_facts_add_error(h->facts, "mounts", ferr.code, "%s", ferr.message);
        mc_facts_add_error(h->facts, "storage", ferr.code, "%s", ferr.message);
        mc_facts_add_error(h->facts, "net", ferr.code, "%s", ferr.message);
        h->facts->areas |= MC_AREA_OS | MC_AREA_MOUNTS | MC_AREA_STORAGE | MC_AREA_NET;
    }
    h->conf_from_agent = kind && strcmp(kind, "xml") == 0;
}

/*
 * The ROMs every domain loads, hashed on the host, and the block devices they use: what `facts
 * --all-vms` records on the host itself. One probe request each, only when a domain needs it.
 */
static void describe_all_vms(struct mc_host *h)
{
    int timeout = h->set->o.timeout_ms;
    _cleanup_strv_free_ char **spec = NULL;
    bool block = false;
    MC_HOST_FOREACH_VM (vm, h->facts) {
        _cleanup_strv_free_ char **more = mc_os_rom_hash_spec(vm);
        STRV_FOREACH (line, more)
            if (!mc_strv_contains(spec, *line))
                mc_strv_add(&spec, *line);
        for (size_t i = 0; i < vm->n_disks; i++)
            block |= vm->disks[i].type && strcmp(vm->disks[i].type, "block") == 0;
    }
    if (spec) {
        const char *const *specs[] = { (const char *const *)spec, NULL };
        _cleanup_(mc_source_freep) struct mc_source *dump = NULL;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_session_probe(&h->sess, specs, timeout, &dump, &err) < 0)
            mc_facts_add_error(h->facts, "os/roms", err.code, "%s", err.message);
        else
            mc_os_hash_vm_roms(dump, h->facts);
    }
    if (block) {
        _cleanup_(mc_source_freep) struct mc_source *probed = NULL;
        struct mc_source *src = h->dump;
        if (!src) {
            const char *const *specs[] = { mc_storage_probe_spec, NULL };
            _cleanup_error_ struct mc_error err = { 0 };
            if (mc_session_probe(&h->sess, specs, timeout, &probed, &err) < 0) {
                mc_facts_add_error(h->facts, "storage/blockdevs", err.code, "%s", err.message);
                return;
            }
            src = probed;
        }
        mc_storage_facts_clear(&h->facts->storage);
        mc_storage_gather(src, h->facts);
    }
}

char **mc_listen_argv(const struct mc_qemu_conf *q, const char *emulator)
{
    char **v = NULL;
    mc_strv_add(&v,
                q->migration_address && *q->migration_address ? q->migration_address : "0.0.0.0");
    mc_strv_push(
        &v, mc_xasprintf("%lld",
                         (long long)(q->migration_port_min > 0 ? q->migration_port_min : 49152)));
    mc_strv_push(
        &v, mc_xasprintf("%lld",
                         (long long)(q->migration_port_max > 0 ? q->migration_port_max : 49215)));
    mc_strv_add(&v, "6000");
    mc_strv_add(&v, emulator ? emulator : "");
    return v;
}

/*
 * listen_for: DST's qemu.conf read in the second session (the parser the facts use), the
 * source's domain's emulator awaited, then the listen request sent there.
 */
static void early_listen(struct mc_host *h)
{
    int timeout = h->set->o.timeout_ms;
    double t0 = mc_now();
    const char *const *specs[] = { mc_virt_probe_spec, NULL };
    _cleanup_(mc_source_freep) struct mc_source *dump = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_session_probe(&h->spare, specs, timeout, &dump, &err) < 0)
        return;
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *conf = mc_host_facts_new();
    mc_virt_gather_qemu_conf(dump, conf);
    _cleanup_free_ char *emulator = NULL;
    double t1 = mc_now();
    if (wait_vm(h->listen_for, timeout, &emulator) < 0 || mc_interrupt_pending())
        return;
    h->early_args = mc_listen_argv(&conf->virt.qemu_conf, emulator);
    h->early_id = mc_host_channel_send(&h->spare, MC_OP_LISTEN, (const char *const *)h->early_args);
    debug(h->set,
          "%s: the listener starts in the second session (qemu.conf read in %.3f s, the "
          "domain's emulator awaited %.3f s)",
          h->spec.label, t1 - t0, mc_now() - t1);
}

/* want_channel's second session, opened while the host thread gathers the facts. */
static void *spare_thread(void *arg)
{
    struct mc_host *h = arg;
    _cleanup_error_ struct mc_error err = { 0 };
    double t0 = mc_now();
    h->spare_up = mc_host_open_channel(h, &h->spare, &err) == 0;
    debug(h->set, "%s: a second session %s in %.3f s", h->spec.label,
          h->spare_up ? "opened" : "did not open", mc_now() - t0);
    if (h->spare_up && h->listen_for && !h->early_id)
        early_listen(h);
    return NULL;
}

static void *host_thread(void *arg)
{
    struct mc_host *h = arg;
    const struct mc_hostset_opts *o = &h->set->o;
    struct mc_session_opts so = {
        .host = &h->spec,
        .control_dir = h->set->control_dir,
        .remote_command = o->remote_command,
        .timeout_ms = o->timeout_ms,
    };
    h->rc = mc_session_start(&h->sess, &so, &h->err);
    if (h->rc < 0) {
        vm_known(h, NULL);
        return NULL;
    }
    h->sess_up = true;
    h->t_hello = h->sess.hello_seconds;
    debug(h->set, "%s: the %s agent answered; gathering facts", h->spec.label, h->sess.kind);
    if (h->want_channel && !h->spare_up && !h->spare_thread_up && h->sess.kind &&
        strcmp(h->sess.kind, "sh") == 0)
        h->spare_thread_up = pthread_create(&h->spare_thread, NULL, spare_thread, h) == 0;

    /* libvirt rides on the session's ssh connection, so it starts after the greeting. */
    pthread_t vt;
    bool vt_started = pthread_create(&vt, NULL, virt_thread, h) == 0;
    double t0 = mc_now();
    if (!h->no_facts)
        gather_facts(h);
    else
        h->facts = mc_host_facts_new();
    h->t_facts = mc_now() - t0;
    if (vt_started)
        pthread_join(vt, NULL);
    else
        virt_thread(h);

    if (h->hv && !h->no_facts)
        merge_virt(h->facts, h->hv, h->conf_from_agent);
    mc_host_facts_free(h->hv);
    h->hv = NULL;
    if (h->dump && !h->conf_from_agent) {
        mc_virt_gather_qemu_conf(h->dump, h->facts);
        mc_os_gather_qemu_user(h->dump, h->facts);
    }
    if (h->vm_override && h->want_vm) {
        mc_vm_facts_free(h->facts->vm);
        h->facts->vm = mc_new0(struct mc_vm_facts, 1);
        mc_struct_copy(&mc_desc_vm_facts, h->facts->vm, h->vm_override);
    }
    if (h->want_all_vms && !h->no_facts)
        describe_all_vms(h);
    if (h->want_vm || h->want_all_vms)
        h->facts->areas |= MC_AREA_VM;
    free(h->facts->name);
    h->facts->name = mc_xstrdup(h->spec.label);
    free(h->facts->collector);
    h->facts->collector = mc_xasprintf(
        "%s agent%s%s", h->sess.kind, h->sess.version && strcmp(h->sess.version, "-") ? " " : "",
        h->sess.version && strcmp(h->sess.version, "-") ? h->sess.version : "");
    h->rc = 0;
    return NULL;
}

struct open_pool {
    struct mc_hostset *hs;
    pthread_mutex_t lock;
    size_t next;  /* the next host index to look at */
    size_t done;  /* hosts opened (or not) so far */
    size_t total; /* hosts to open */
};

static void *open_worker(void *arg)
{
    struct open_pool *p = arg;
    for (;;) {
        struct mc_host *h = NULL;
        pthread_mutex_lock(&p->lock);
        while (p->next < p->hs->n && !h) {
            struct mc_host *c = p->hs->hosts[p->next++];
            if (c->rc > 0) /* not opened, nor failed, before */
                h = c;
        }
        pthread_mutex_unlock(&p->lock);
        if (!h)
            return NULL;
        host_thread(h);
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->hs->o.progress)
            p->hs->o.progress(h, p->done, p->total, p->hs->o.progress_userdata);
        pthread_mutex_unlock(&p->lock);
    }
}

int mc_hostset_open(struct mc_hostset *hs, struct mc_error *reterr)
{
    if (!hs->control_dir) {
        int r = mc_control_dir_create(&hs->control_dir, reterr);
        if (r < 0)
            return r;
    }
    mc_virt_init();
    debug(hs, "opening %zu host%s", hs->n, hs->n == 1 ? "" : "s");
    double t0 = mc_now();
    /* Workers take the hosts not yet open in turn: at most max_parallel at once. */
    struct open_pool pool = { .hs = hs };
    pthread_mutex_init(&pool.lock, NULL);
    for (size_t i = 0; i < hs->n; i++)
        pool.total += hs->hosts[i]->rc > 0;
    size_t workers = hs->o.max_parallel > 0 ? (size_t)hs->o.max_parallel : pool.total;
    if (workers > pool.total)
        workers = pool.total;
    pthread_t *threads = mc_new0(pthread_t, workers + 1);
    bool *up = mc_new0(bool, workers + 1);
    for (size_t i = 0; i < workers; i++)
        up[i] = pthread_create(&threads[i], NULL, open_worker, &pool) == 0;
    if (workers && !up[0])
        open_worker(&pool); /* no thread at all: open them here */
    for (size_t i = 0; i < workers; i++)
        if (up[i])
            pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&pool.lock);
    free(threads);
    free(up);
    for (size_t i = 0; i < hs->n; i++) {
        const struct mc_host *h = hs->hosts[i];
        if (h->rc == 0)
            debug(hs, "%s: hello %.3f s, facts %.3f s, libvirt %.3f s", h->spec.label, h->t_hello,
                  h->t_facts, h->t_virt);
    }
    debug(hs, "opened %zu host%s in %.3f s", hs->n, hs->n == 1 ? "" : "s", mc_now() - t0);
    for (size_t i = 0; i < hs->n; i++) {
        struct mc_host *h = hs->hosts[i];
        if (h->rc < 0 && !hs->o.keep_unreachable)
            return mc_error_set(reterr, h->rc, "%s",
                                h->err.message ? h->err.message : "unreachable");
    }
    for (size_t i = 0; i < hs->n; i++) {
        struct mc_host *h = hs->hosts[i];
        if (h->rc < 0 || !h->want_vm || h->facts->vm)
            continue;
        const struct mc_fact_error *e = mc_facts_area_error(h->facts, MC_AREA_VM);
        int r = e && e->err == ENOENT ? -ENOENT : -EIO;
        return mc_error_set(reterr, r, "%s", e && e->message ? e->message : "no domain facts");
    }
    return 0;
}

/* ---- operations ---- */

void mc_answer_clear(struct mc_answer *r)
{
    mc_strv_free(r->words);
    memset(r, 0, sizeof(*r));
}

unsigned mc_host_send(struct mc_host *h, enum mc_op op, const char *const *args)
{
    if (mc_agent_op(op)->mutates && !h->set->o.act)
        return 0;
    if (!h->sess_up)
        return 0;
    return mc_session_send(&h->sess, op, args);
}

/* An agent's answer (its words, w[0] the reply) as a struct mc_answer: status -1 for a reply
 * word it does not know. */
static void answer_take(struct mc_answer *ret, char **w)
{
    ret->words = w;
    ret->fields = w + 1;
    ret->status = mc_enum_from_name(&mc_reply_names, w[0]);
    if (ret->status < 0)
        ret->status = -1;
}

int mc_host_recv(struct mc_host *h, unsigned id, int timeout_ms, struct mc_answer *ret,
                 struct mc_error *reterr)
{
    if (id == 0)
        return h->sess_up ? mc_error_set(reterr, -EPERM,
                                         "refusing to change '%s' from a command that only reads",
                                         h->spec.label)
                          : mc_error_set(reterr, -ENOTCONN, "'%s' is not connected", h->spec.label);
    char **w = NULL;
    int r = mc_session_recv(&h->sess, id, timeout_ms, &w, reterr);
    if (r < 0)
        return r;
    answer_take(ret, w);
    return 0;
}

int mc_host_call(struct mc_host *h, enum mc_op op, const char *const *args, int timeout_ms,
                 struct mc_answer *ret, struct mc_error *reterr)
{
    return mc_host_recv(h, mc_host_send(h, op, args), timeout_ms, ret, reterr);
}

int mc_host_tcp_connect(struct mc_host *h, const char *host, int port, int timeout_ms,
                        struct mc_answer *ret, const char **ret_via, struct mc_error *reterr)
{
    char sport[16], stimeout[16];
    snprintf(sport, sizeof(sport), "%d", port);
    snprintf(stimeout, sizeof(stimeout), "%d", timeout_ms);
    const char *args[] = { host, sport, stimeout, NULL };
    int r;
    /* The sh agent has no connect of its own (it would answer unsupported): no round trip. */
    if (!h->sess.kind || strcmp(h->sess.kind, "sh") != 0) {
        r = mc_host_call(h, MC_OP_CONNECT, args, timeout_ms + h->set->o.timeout_ms, ret, reterr);
        if (r < 0)
            return r;
        if (ret->status != MC_REPLY_UNSUPPORTED) {
            *ret_via = "by the migcheck agent there";
            return 0;
        }
        mc_answer_clear(ret);
    }
    char **w = NULL;
    r = mc_session_tcp_connect(&h->sess, host, port, timeout_ms, &w, reterr);
    if (r < 0)
        return r;
    answer_take(ret, w);
    *ret_via = h->spec.local ? "from this machine"
                             : "through a direct-tcpip channel of the ssh session (sshd connects)";
    return 0;
}

int mc_host_reconnect(struct mc_host *h, struct mc_error *reterr)
{
    if (h->rc == 0 && h->conn && virConnectIsAlive(h->conn) == 1)
        return 0;
    if (h->conn) {
        virConnectClose(h->conn);
        h->conn = NULL;
    }
    if (h->sess_up) {
        mc_session_close(&h->sess);
        h->sess_up = false;
    }
    struct mc_host_facts *keep = h->facts;
    h->facts = NULL;
    bool no_facts = h->no_facts;
    const char *want_vm = h->want_vm;
    h->no_facts = true;
    h->want_vm = NULL;
    mc_error_clear(&h->err);
    host_thread(h);
    mc_host_facts_free(h->facts);
    h->facts = keep;
    h->no_facts = no_facts;
    h->want_vm = want_vm;
    if (h->rc < 0)
        return mc_error_set(reterr, h->rc, "%s", h->err.message ? h->err.message : "unreachable");
    if (!h->conn)
        return mc_error_set(reterr, -ENOTCONN, "libvirt on '%s' does not answer", h->spec.label);
    return 0;
}

int mc_host_open_channel(struct mc_host *h, struct mc_session *ret, struct mc_error *reterr)
{
    *ret = (struct mc_session){ .in_fd = -1, .out_fd = -1, .err_fd = -1 };
    if (!h->sess_up || !h->set->control_dir)
        return mc_error_set(reterr, -ENOTCONN, "'%s' is not connected", h->spec.label);
    struct mc_session_opts so = {
        .host = &h->spec,
        .control_dir = h->set->control_dir,
        .remote_command = h->set->o.remote_command,
        .timeout_ms = h->set->o.timeout_ms,
    };
    return mc_session_start(ret, &so, reterr); /* it names the session (label) itself */
}

int mc_host_take_channel(struct mc_host *h, struct mc_session *ret, unsigned *ret_listen_id,
                         char ***ret_listen_args, struct mc_error *reterr)
{
    if (h->spare_thread_up) {
        pthread_join(h->spare_thread, NULL);
        h->spare_thread_up = false;
    }
    *ret_listen_id = 0;
    *ret_listen_args = NULL;
    if (!h->spare_up)
        return mc_host_open_channel(h, ret, reterr);
    *ret = h->spare;
    h->spare = (struct mc_session){ .in_fd = -1, .out_fd = -1, .err_fd = -1 };
    h->spare_up = false;
    *ret_listen_id = h->early_id;
    *ret_listen_args = TAKE_PTR(h->early_args);
    h->early_id = 0;
    return 0;
}

unsigned mc_host_channel_send(struct mc_session *ch, enum mc_op op, const char *const *args)
{
    if (mc_agent_op(op)->mutates)
        return 0;
    return mc_session_send(ch, op, args);
}

int mc_host_channel_recv(struct mc_session *ch, unsigned id, int timeout_ms, struct mc_answer *ret,
                         struct mc_error *reterr)
{
    if (id == 0)
        return mc_error_set(reterr, -EPERM, "a channel never changes '%s'",
                            ch->label ? ch->label : "?");
    char **w = NULL;
    int r = mc_session_recv(ch, id, timeout_ms, &w, reterr);
    if (r < 0)
        return r;
    answer_take(ret, w);
    return 0;
}

int mc_host_channel_call(struct mc_session *ch, enum mc_op op, const char *const *args,
                         int timeout_ms, struct mc_answer *ret, struct mc_error *reterr)
{
    return mc_host_channel_recv(ch, mc_host_channel_send(ch, op, args), timeout_ms, ret, reterr);
}

void mc_host_channel_close(struct mc_session *ch)
{
    if (ch->pid > 0 || ch->in_fd >= 0)
        mc_session_close(ch);
    free(ch->label);
    ch->label = NULL;
}

const char *mc_host_agent_label(const struct mc_host *h, char *buf, size_t len)
{
    if (!h->sess.kind)
        snprintf(buf, len, "unreachable");
    else if (strcmp(h->sess.kind, "migcheck") == 0)
        snprintf(buf, len, "migcheck %s", h->sess.version ? h->sess.version : "?");
    else
        snprintf(buf, len, "%s", h->sess.kind);
    return buf;
}

int mc_host_gather_vm(struct mc_host *h, const char *name, struct mc_vm_facts **ret,
                      struct mc_error *reterr)
{
    if (!h->conn)
        return mc_error_set(reterr, -ENOTCONN, "no libvirt connection to '%s'", h->spec.label);
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *tmp = mc_host_facts_new();
    mc_vm_gather(h->conn, name, tmp);
    if (!tmp->vm) {
        const struct mc_fact_error *e = mc_facts_area_error(tmp, MC_AREA_VM);
        return mc_error_set(reterr, e && e->err ? -(int)e->err : -EIO, "%s",
                            e && e->message ? e->message : "no domain facts");
    }
    *ret = TAKE_PTR(tmp->vm);
    return 0;
}
