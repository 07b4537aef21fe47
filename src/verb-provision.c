/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck provision SRC DST VM --storage [user@]host[:DIR]: make VM's storage shared between
 * SRC and DST on a third host, and stop there (storage/provision.h says what it plans).
 *
 *   open SRC, DST and the storage host (one host set: ssh, the agents, libvirt) -> what the
 *   storage host serves (server.h) and the chains of the VM's disks (qemu-img on SRC) -> plan
 *   -> --dry-run prints it | apply it with a journal (migcheck undo JOURNAL reverses it)
 *
 * --resume JOURNAL continues an interrupted run from its journal instead.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/action.h"
#include "cli-migration.h"
#include "cli.h"
#include "exit-codes.h"
#include "hosts/hostset.h"
#include "action/provision-run.h"
#include "remote/probe.h"
#include "storage/provision.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

enum {
    OPT_ACCEPT = MC_OPT_FIRST_VERB_OPT,
    OPT_DRY_RUN,
    OPT_RESUME,
    OPT_JOURNAL_DIR,
    OPT_TRANSPORT,
    OPT_REMOTE_COMMAND,
    OPT_TIMEOUT,
};

static const char *const accept_values[] = { "storage.separate-host", NULL };

const struct mc_opt verb_provision_opts[] = {
    MC_OPT_INCLUDE(mc_storage_opts), /* --storage, --protocol, --attach, --flatten */
    { "accept", required_argument, OPT_ACCEPT, "RULE",
      "go on despite what RULE warns about (storage.separate-host: the storage host is SRC or "
      "DST itself)",
      accept_values, false },
    { "dry-run", no_argument, OPT_DRY_RUN, NULL, "print the plan and change nothing", NULL, false },
    { "resume", required_argument, OPT_RESUME, "JOURNAL",
      "continue an interrupted run from its journal (no SRC DST VM)", NULL, false },
    { "journal-dir", required_argument, OPT_JOURNAL_DIR, "DIR",
      "where to keep the journal (default /var/lib/migcheck for root, else "
      "$XDG_STATE_HOME/migcheck)",
      NULL, false },
    { "transport", required_argument, OPT_TRANSPORT, "T",
      "libvirt transport for [user@]host names (default ssh)", mc_transport_values, false },
    { "remote-command", required_argument, OPT_REMOTE_COMMAND, "PATH",
      "migcheck on the remote hosts (default 'migcheck'); empty: the embedded sh agent", NULL,
      false },
    { "host-timeout", required_argument, OPT_TIMEOUT, "SECONDS",
      "give up on a host after this long (default 30)", NULL, false },
    { .name = "timeout",
      .has_arg = required_argument,
      .val = OPT_TIMEOUT,
      .arg_name = "SECONDS",
      .help = "the same (migrate spells it --host-timeout too: its --timeout is virsh's)",
      .alias = true },
    { 0 },
};

struct args {
    struct mc_storage_flags sf; /* --storage and how (cli-migration.h) */
    bool dry_run;
    const char *resume;
    const char *journal_dir;
    const char *transport, *remote_command;
    int timeout;
};

static int handle(int c, const char *arg, void *userdata)
{
    struct args *a = userdata;
    int r = mc_storage_option(c, arg, &a->sf);
    if (r != 0)
        return r > 0 ? 0 : -1;
    switch (c) {
    case OPT_ACCEPT:
        if (strcmp(arg, "storage.separate-host") != 0) {
            mc_log_error("provision accepts only --accept storage.separate-host, not '%s'", arg);
            return -1;
        }
        a->sf.po.accept_same_host = true;
        return 0;
    case OPT_DRY_RUN:
        a->dry_run = true;
        return 0;
    case OPT_RESUME:
        a->resume = arg;
        return 0;
    case OPT_JOURNAL_DIR:
        a->journal_dir = arg;
        return 0;
    case OPT_TRANSPORT:
        a->transport = mc_parse_transport(arg);
        return a->transport ? 0 : -1;
    case OPT_REMOTE_COMMAND:
        a->remote_command = arg;
        return 0;
    case OPT_TIMEOUT:
        return mc_parse_host_timeout(arg, &a->timeout);
    }
    return -1;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void catch_signals(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int resume(const struct args *a, const struct mc_global *g)
{
    _cleanup_(mc_plan_freep) struct mc_plan *plan = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_plan_load(a->resume, &plan, &err) < 0) {
        mc_log_error("%s", err.message);
        return MC_EXIT_USAGE;
    }
    if (!plan->verb || strcmp(plan->verb, "provision") != 0 || !plan->source ||
        !plan->destination || !mc_plan_setting(plan, "storage")) {
        mc_log_error("journal '%s' is not one of a provision run", a->resume);
        return MC_EXIT_USAGE;
    }
    if (plan->state == MC_PLAN_DONE) {
        printf("Nothing to resume: journal '%s' records a finished run.\n", a->resume);
        return MC_EXIT_OK;
    }
    if (plan->state == MC_PLAN_ROLLED_BACK || plan->state == MC_PLAN_UNDONE) {
        mc_log_error("journal '%s' records a run that was rolled back: start a new one", a->resume);
        return MC_EXIT_USAGE;
    }
    struct mc_hostset_opts ho = {
        .transport = a->transport ? a->transport : mc_plan_setting(plan, "transport"),
        .remote_command =
            a->remote_command ? a->remote_command : mc_plan_setting(plan, "remote-command"),
        .timeout_ms = a->timeout * 1000,
        .act = true,
        .verbose = g->verbose,
    };
    _cleanup_(mc_hostset_freep) struct mc_hostset *hs = mc_hostset_new(&ho);
    struct mc_host *hosts[3] = { 0 };
    const char *names[3] = { plan->source, plan->destination, mc_plan_setting(plan, "storage") };
    for (int i = 0; i < 3; i++) {
        if (mc_hostset_add(hs, names[i], &hosts[i], &err) < 0) {
            mc_log_error("journal '%s': %s", a->resume, err.message);
            return MC_EXIT_USAGE;
        }
        hosts[i]->no_facts = true;
    }
    if (mc_hostset_open(hs, &err) < 0) {
        mc_log_error("%s", err.message);
        return MC_EXIT_UNKNOWN;
    }
    catch_signals();
    struct mc_apply_ctx c = { .plan = plan,
                              .journal = a->resume,
                              .hosts = { hosts[0], hosts[1], hosts[2] },
                              .interrupted = &interrupted,
                              .log = g->quiet ? NULL : stderr };
    mc_error_clear(&err);
    int rc = mc_plan_resume(&c, &err);
    mc_provision_print_outcome(plan, a->resume, rc, &err, g->quiet);
    return rc;
}

int verb_provision(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    struct args a = { .sf = { .po = { .attach = MC_PROV_POOL } }, .timeout = 30 };
    int first;
    int r = mc_parse_options(mc_verb_find("provision"), argc, argv, &g, handle, &a, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    const char *fmt = g.format ? g.format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "xml") != 0) {
        mc_log_error("invalid format '%s' for provision: expected text or xml (the plan)", fmt);
        return MC_EXIT_USAGE;
    }
    if (a.resume) {
        if (argc - first != 0 || a.sf.spec || a.dry_run) {
            mc_log_error("--resume takes only the journal (no SRC DST VM, --storage, --dry-run)");
            return MC_EXIT_USAGE;
        }
        return resume(&a, &g);
    }
    if (argc - first != 3) {
        mc_log_error("expected SRC DST VM");
        fprintf(stderr, "Try 'migcheck provision --help'.\n");
        return MC_EXIT_USAGE;
    }
    if (!a.sf.spec) {
        mc_log_error("--storage [USER@]HOST[:DIR] is required: the host that will serve the "
                     "storage");
        return MC_EXIT_USAGE;
    }
    struct mc_provision_request req = {
        .src = argv[first],
        .dst = argv[first + 1],
        .vm = argv[first + 2],
        .storage_spec = a.sf.spec,
        .po = a.sf.po,
        .transport = a.transport,
        .remote_command = a.remote_command ? a.remote_command : "migcheck",
        .timeout_ms = a.timeout * 1000,
        .verbose = g.verbose,
        .act = !a.dry_run,
    };
    _cleanup_(mc_provision_run_freep) struct mc_provision_run *run = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    r = mc_provision_prepare(&req, &run, &err);
    if (r != MC_EXIT_OK) {
        mc_log_error("%s", err.message ? err.message : "cannot plan");
        return r;
    }
    for (size_t i = 0; run->result.warnings && run->result.warnings[i]; i++)
        mc_log_warning("%s", run->result.warnings[i]);
    if (run->plan->n_steps == 0) {
        if (!g.quiet) {
            printf("Nothing to do: the disks of '%s' need no provisioning.\n", req.vm);
            for (size_t i = 0; run->result.kept && run->result.kept[i]; i++)
                printf("  kept  %s\n", run->result.kept[i]);
        }
        return MC_EXIT_OK;
    }
    if (a.dry_run) {
        if (strcmp(fmt, "xml") == 0) {
            _cleanup_free_ char *xml = NULL;
            size_t len = 0;
            if (mc_plan_to_xml(run->plan, &xml, &len) < 0) {
                mc_log_error("cannot write the plan");
                return MC_EXIT_UNKNOWN;
            }
            fwrite(xml, 1, len, stdout);
        } else {
            mc_provision_print_plan(run, stdout);
        }
        return MC_EXIT_OK;
    }
    _cleanup_free_ char *jdir =
        a.journal_dir ? mc_xstrdup(a.journal_dir) : mc_journal_default_dir();
    if (mc_journal_dir_create(jdir, &err) < 0) {
        mc_log_error("%s", err.message);
        return MC_EXIT_USAGE;
    }
    _cleanup_free_ char *journal = mc_journal_path(jdir, run->plan);
    if (!g.quiet) {
        mc_provision_print_plan(run, stdout);
        printf("Journal: %s\n\n", journal);
        fflush(stdout);
    }
    catch_signals();
    struct mc_apply_ctx c = { .plan = run->plan,
                              .journal = journal,
                              .hosts = { run->src, run->dst, run->storage },
                              .interrupted = &interrupted,
                              .log = g.quiet ? NULL : stderr };
    mc_error_clear(&err);
    int rc = mc_plan_apply(&c, &err);
    mc_provision_print_outcome(run->plan, journal, rc, &err, g.quiet);
    if (rc == MC_EXIT_OK && !g.quiet)
        mc_provision_print_timings(run, stdout);
    return rc;
}
