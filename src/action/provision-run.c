/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A provisioning run over a host set (provision-run.h). */
#include "provision-run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "config.h"
#include "exit-codes.h"
#include "gather.h"
#include "remote/probe.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CALL_MS 60000

int mc_provision_split_storage(const char *spec, char **ret_host, char **ret_dir,
                               struct mc_error *reterr)
{
    if (!spec || !*spec)
        return mc_error_set(reterr, -EINVAL, "empty --storage");
    const char *colon = strstr(spec, ":/");
    if (strstr(spec, "://") || !colon) {
        /* a libvirt URI, or no DIR */
        *ret_host = mc_xstrdup(spec);
        *ret_dir = NULL;
        return 0;
    }
    if (colon == spec)
        return mc_error_set(reterr, -EINVAL, "invalid --storage '%s': no host before the DIR",
                            spec);
    *ret_host = mc_xstrndup(spec, (size_t)(colon - spec));
    *ret_dir = mc_xstrdup(colon + 1);
    return 0;
}

void mc_provision_run_free(struct mc_provision_run *r)
{
    if (!r)
        return;
    mc_hostset_free(r->hs);
    free(r->storage_host);
    free(r->storage_name);
    free(r->dir);
    free(r->storage_addr);
    mc_storage_server_clear(&r->server);
    for (size_t i = 0; i < r->n_disks; i++) {
        free(r->disks[i].target);
        mc_prov_layers_free(r->disks[i].chain, r->disks[i].n_chain);
    }
    free(r->disks);
    mc_plan_free(r->plan);
    mc_provision_result_clear(&r->result);
    free(r->run_id);
    free(r);
}

/* ---- gathering ---- */

static int probe_getter(const char *const *spec, struct mc_source **ret, void *ud,
                        struct mc_error *reterr)
{
    struct mc_host *h = ud;
    const char *const *specs[] = { spec, NULL };
    return mc_session_probe(&h->sess, specs,
                            h->set ? mc_hostset_options(h->set)->timeout_ms : CALL_MS, ret, reterr);
}

/* -1 unknown, 0 absent, 1 a directory, 2 something else. */
static int path_state(struct mc_host *h, const char *path)
{
    const char *args[] = { path, NULL };
    struct mc_answer a = { 0 };
    _cleanup_error_ struct mc_error e = { 0 };
    if (mc_host_call(h, MC_OP_STAT, args, CALL_MS, &a, &e) < 0)
        return -1;
    int st = -1;
    if (a.status == MC_REPLY_OK && a.fields[0])
        st = strcmp(a.fields[0], "dir") == 0 ? 1 : 2;
    else if (a.status == MC_REPLY_FAIL && a.fields[0] && strcmp(a.fields[0], "ENOENT") == 0)
        st = 0;
    mc_answer_clear(&a);
    return st;
}

static int resolve_on(struct mc_host *h, const char *name, char ***ret, struct mc_error *reterr)
{
    const char *args[] = { name, NULL };
    struct mc_answer a = { 0 };
    int r = mc_host_call(h, MC_OP_RESOLVE, args, CALL_MS, &a, reterr);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK || !a.fields[0]) {
        _cleanup_free_ char *w = mc_strv_join(a.words, " ");
        mc_answer_clear(&a);
        return mc_error_set(reterr, -ENOENT, "'%s' cannot resolve the storage host '%s' (%s)",
                            h->spec.label, name, w);
    }
    *ret = mc_strv_copy(a.fields);
    mc_answer_clear(&a);
    return 0;
}

/* qemu-img's view of a disk's chain on SRC, with each file's own size. */
static int disk_chain(struct mc_host *h, const struct mc_disk *d, struct mc_prov_disk *ret,
                      struct mc_error *reterr)
{
    const char *args[] = { d->source, NULL };
    struct mc_answer a = { 0 };
    int r = mc_host_call(h, MC_OP_IMAGE_INFO, args, CALL_MS, &a, reterr);
    if (r < 0)
        return r;
    if (a.status != MC_REPLY_OK || !a.fields[0]) {
        _cleanup_free_ char *w = mc_strv_join(a.words, " ");
        mc_answer_clear(&a);
        return mc_error_set(reterr, -EIO, "cannot read disk %s '%s' on '%s' with qemu-img: %s",
                            d->target, d->source, h->spec.label, w);
    }
    _cleanup_free_ char *what =
        mc_xasprintf("disk %s '%s' on '%s'", d->target, d->source, h->spec.label);
    r = mc_qemu_img_info_parse(a.fields[0], strlen(a.fields[0]), &ret->chain, &ret->n_chain,
                               reterr);
    mc_answer_clear(&a);
    if (r < 0)
        return mc_error_prefix(reterr, "%s", what);
    ret->target = mc_xstrdup(d->target);
    for (size_t i = 0; i < ret->n_chain; i++) {
        const char *sa[] = { ret->chain[i].path, NULL };
        if (mc_host_call(h, MC_OP_STAT, sa, CALL_MS, &a, reterr) < 0)
            return -EIO;
        if (a.status == MC_REPLY_OK && mc_strv_length(a.fields) >= 2)
            ret->chain[i].file_size = strtoll(a.fields[1], NULL, 10);
        mc_answer_clear(&a);
    }
    return 0;
}

int mc_provision_gather(struct mc_provision_run *run, struct mc_error *reterr)
{
    const struct mc_vm_facts *vm = run->src->facts ? run->src->facts->vm : NULL;
    if (!vm)
        return mc_error_set(reterr, -ENOENT, "no domain facts from '%s'", run->src->spec.label);
    int r = mc_storage_server_gather(probe_getter, run->storage, &run->server, reterr);
    if (r < 0)
        return mc_error_prefix(reterr, "cannot see what '%s' serves", run->storage->spec.label);
    /* The storage host as SRC and DST name it: both must resolve it (QEMU and libvirt will). */
    _cleanup_(mc_strv_freep) char **sa = NULL, **da = NULL;
    if ((r = resolve_on(run->src, run->storage_name, &sa, reterr)) < 0 ||
        (r = resolve_on(run->dst, run->storage_name, &da, reterr)) < 0)
        return r;
    run->storage_addr = mc_xstrdup(sa[0]);
    for (size_t i = 0; sa[i]; i++)
        if (!strchr(sa[i], ':')) {
            free(run->storage_addr);
            run->storage_addr = mc_xstrdup(sa[i]);
            break;
        }
    /* What exists where the plan will make things: DIR of --storage HOST:DIR when given (the
     * plan is made there), else the default directory. */
    run->po.dir = run->dir;
    _cleanup_free_ char *dir = mc_provision_dir(&run->po, run->storage->facts);
    _cleanup_free_ char *vmdir = mc_provision_vm_dir(dir, vm);
    run->dir_state = path_state(run->storage, dir);
    run->vm_dir_state = path_state(run->storage, vmdir);
    /* Unknown is not "there": the plan would skip making it, or make it over what is there. */
    if (run->dir_state < 0 || run->vm_dir_state < 0)
        return mc_error_set(reterr, -EIO, "cannot tell whether '%s' exists on '%s'",
                            run->dir_state < 0 ? dir : vmdir, run->storage->spec.label);
    run->src_mount_state = path_state(run->src, vmdir);
    run->dst_mount_state = path_state(run->dst, vmdir);
    /* The chains of the disks that may move. */
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        if (!d->target || !d->source || !d->type || strcmp(d->type, "file") != 0 || !d->device ||
            strcmp(d->device, "disk") != 0 || d->readonly || d->shareable)
            continue;
        struct mc_prov_disk *pd = MC_APPEND(run->disks, run->n_disks);
        if ((r = disk_chain(run->src, d, pd, reterr)) < 0)
            return r;
    }
    return 0;
}

int mc_provision_plan_into(struct mc_provision_run *run, struct mc_plan *plan,
                           struct mc_error *reterr)
{
    struct mc_provision_input in = {
        .src = run->src->facts,
        .dst = run->dst->facts,
        .storage = run->storage->facts,
        .src_name = run->src->spec.label,
        .dst_name = run->dst->spec.label,
        .storage_label = run->storage->spec.label,
        .server = &run->server,
        .storage_addr = run->storage_addr,
        .disks = run->disks,
        .n_disks = run->n_disks,
        .dir_state = run->dir_state,
        .vm_dir_state = run->vm_dir_state,
        .src_mount_state = run->src_mount_state,
        .dst_mount_state = run->dst_mount_state,
    };
    run->po.storage = run->storage_name;
    run->po.dir = run->dir;
    run->po.run_id = run->run_id;
    mc_param_set(&plan->settings, &plan->n_settings, "storage", run->storage_host);
    mc_param_set(&plan->settings, &plan->n_settings, "protocol",
                 mc_enum_name(&mc_prov_protocol_names, (int)run->po.protocol));
    mc_param_set(&plan->settings, &plan->n_settings, "attach",
                 mc_enum_name(&mc_prov_attach_names, (int)run->po.attach));
    return mc_provision_plan(&run->po, &in, plan, &run->result, reterr);
}

int mc_provision_prepare(const struct mc_provision_request *req, struct mc_provision_run **ret,
                         struct mc_error *reterr)
{
    _cleanup_(mc_provision_run_freep) struct mc_provision_run *run =
        mc_new0(struct mc_provision_run, 1);
    run->t_start = mc_now();
    run->po = req->po;
    if (mc_provision_split_storage(req->storage_spec, &run->storage_host, &run->dir, reterr) < 0)
        return MC_EXIT_USAGE;
    struct mc_hostset_opts ho = {
        .transport = req->transport,
        .remote_command = req->remote_command,
        .timeout_ms = req->timeout_ms,
        .act = req->act,
        .verbose = req->verbose,
    };
    run->hs = mc_hostset_new(&ho);
    if (mc_hostset_add(run->hs, req->src, &run->src, reterr) < 0 ||
        mc_hostset_add(run->hs, req->dst, &run->dst, reterr) < 0 ||
        mc_hostset_add(run->hs, run->storage_host, &run->storage, reterr) < 0)
        return MC_EXIT_USAGE;
    if (run->storage->spec.local || !run->storage->spec.host) {
        mc_error_set(reterr, -EINVAL,
                     "--storage must name a host SRC and DST reach by name or "
                     "address");
        return MC_EXIT_USAGE;
    }
    run->storage_name = mc_xstrdup(run->storage->spec.host);
    run->src->want_vm = req->vm;
    if (mc_hostset_open(run->hs, reterr) < 0)
        return MC_EXIT_UNKNOWN;
    if (!run->src->conn || !run->dst->conn) {
        mc_error_set(reterr, -ENOTCONN, "no libvirt connection to '%s'",
                     !run->src->conn ? run->src->spec.label : run->dst->spec.label);
        return MC_EXIT_UNKNOWN;
    }
    _cleanup_free_ char *b = mc_probe_boundary();
    run->run_id = mc_xstrndup(b, 12);
    int r = mc_provision_gather(run, reterr);
    if (r < 0)
        return MC_EXIT_UNKNOWN;
    const struct mc_vm_facts *vm = run->src->facts->vm;
    run->plan = mc_plan_new("provision");
    run->plan->source = mc_xstrdup(req->src);
    run->plan->destination = mc_xstrdup(req->dst);
    run->plan->domain = mc_xstrdup(vm->name);
    run->plan->uuid = mc_xstrdup_or_null(vm->uuid);
    run->plan->run_id = mc_xstrdup(run->run_id);
    run->plan->created = mc_timestamp_now();
    run->plan->generator = mc_xasprintf("migcheck %s", MIGCHECK_VERSION);
    run->plan->source_xml = mc_xstrdup_or_null(vm->xml);
    if (req->transport)
        mc_param_set(&run->plan->settings, &run->plan->n_settings, "transport", req->transport);
    mc_param_set(&run->plan->settings, &run->plan->n_settings, "remote-command",
                 req->remote_command);
    if (mc_provision_plan_into(run, run->plan, reterr) < 0)
        return MC_EXIT_BLOCKED;
    run->t_plan = mc_now() - run->t_start;
    *ret = TAKE_PTR(run);
    return MC_EXIT_OK;
}

/* ---- output ---- */

void mc_provision_print_plan(const struct mc_provision_run *run, FILE *f)
{
    const struct mc_plan *p = run->plan;
    fprintf(f, "Plan: shared storage for '%s' (%s -> %s) on %s:%s, %s, attached as %s\n",
            p->domain ? p->domain : "?", p->source, p->destination, run->storage->spec.label,
            run->result.dir ? run->result.dir : "?",
            mc_enum_name_or(&mc_prov_protocol_names, (int)run->po.protocol, "?"),
            run->po.attach == MC_PROV_POOL ? "libvirt pools" : "network disks");
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        const char *who = s->host && strcmp(s->host, "storage") == 0 ? run->storage->spec.label
                          : s->host && strcmp(s->host, "destination") == 0 ? p->destination
                                                                           : p->source;
        fprintf(f, "  %2zu. %-18s %-12s %s\n", i + 1,
                mc_enum_name_or(&mc_step_kind_names, (int)s->kind, "?"), who,
                s->summary ? s->summary : "");
    }
    for (size_t i = 0; run->result.moved && run->result.moved[i]; i++)
        fprintf(f, "  moves  %s\n", run->result.moved[i]);
    for (size_t i = 0; run->result.kept && run->result.kept[i]; i++)
        fprintf(f, "  keeps  %s\n", run->result.kept[i]);
}

void mc_provision_print_outcome(const struct mc_plan *p, const char *journal, int rc,
                                const struct mc_error *err, bool quiet)
{
    if (rc == MC_EXIT_OK) {
        if (!quiet)
            printf("Done: the storage of '%s' is shared. Journal: %s ('migcheck undo %s' "
                   "reverses it)\n",
                   p->domain ? p->domain : "?", journal, journal);
        return;
    }
    fprintf(stderr, "migcheck: %s\n", err && err->message ? err->message : "the run failed");
    if (rc == MC_EXIT_ROLLED_BACK) {
        printf("Rolled back: every change of the run was undone; '%s' runs where it did. "
               "Journal: %s\n",
               p->domain ? p->domain : "?", journal);
        return;
    }
    printf("Rollback incomplete: journal %s. Each step:\n", journal);
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        printf("  %2zu. %-11s %s\n", i + 1,
               mc_enum_name_or(&mc_step_state_names, (int)s->state, "not started"),
               s->summary ? s->summary : "");
        if (s->error && s->state == MC_STEP_UNDO_FAILED)
            printf("      %s\n", s->error);
    }
    printf("Run 'migcheck undo %s' once the hosts are reachable, or undo the steps marked "
           "undo-failed by hand.\n",
           journal);
}

static double result_num(const struct mc_plan_step *s, const char *name)
{
    const char *v = mc_step_result(s, name);
    return v ? strtod(v, NULL) : 0;
}

void mc_provision_print_timings(const struct mc_provision_run *run, FILE *f)
{
    const struct mc_plan *p = run->plan;
    double export = 0, verify = 0, copy = 0, bytes = 0, copy_only = 0;
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        double e = result_num(s, "elapsed");
        switch (s->kind) {
        case MC_STEP_VERIFY_NFS:
        case MC_STEP_VERIFY_ISCSI:
            verify += e;
            break;
        case MC_STEP_COPY_IMAGE:
        case MC_STEP_BLOCK_COPY:
            copy_only += e;
            copy += e;
            break;
        case MC_STEP_REBASE_IMAGE:
        case MC_STEP_BLOCK_PIVOT:
        case MC_STEP_REDEFINE_DISK:
            copy += e;
            break;
        default:
            export += e;
            break;
        }
        if (s->kind == MC_STEP_BLOCK_COPY)
            bytes += result_num(s, "bytes");
    }
    /* an offline copy writes the disk's virtual size */
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].kind == MC_STEP_COPY_IMAGE)
            for (size_t k = 0; k < run->n_disks; k++)
                if (p->steps[i].subject && strcmp(p->steps[i].subject, run->disks[k].target) == 0 &&
                    run->disks[k].n_chain)
                    bytes += (double)run->disks[k].chain[0].virtual_size;
    fprintf(f, "Timings: plan %.2f s, export %.2f s, verify %.2f s, copy %.2f s", run->t_plan,
            export, verify, copy);
    if (bytes > 0 && copy_only > 0)
        fprintf(f, " (%.1f MiB at %.1f MiB/s)", bytes / 1048576.0, bytes / 1048576.0 / copy_only);
    fputc('\n', f);
}
