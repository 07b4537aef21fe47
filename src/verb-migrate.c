/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck migrate [OPTIONS] SRC DST VM: the preflight (the check pipeline over a host set held
 * open), a gate (every problem accepted, fixed by the plan, or a refusal that prints the command
 * line that would fix it), a plan (action/migrate.h) printed by --dry-run, then the plan applied
 * with a journal: rewrites of the destination XML, storage targets, virDomainMigrate3 with
 * progress, verification on the destination, the source's definition removed. Any failure
 * undoes what was done, in reverse; `migcheck undo JOURNAL` does so later.
 */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action/action.h"
#include "action/migrate.h"
#include "action/provision-run.h"
#include "checker/facts-xml.h"
#include "checker/policy.h"
#include "checker/relate.h"
#include "checker/render-util.h"
#include "checker/render.h"
#include "checker/xml-util.h"
#include "cli-migration.h"
#include "cli.h"
#include "config.h"
#include "exit-codes.h"
#include "gather.h"
#include "gather/check.h"
#include "hosts/hostset.h"
#include "rules/rules.h"
#include "util/cleanup.h"
#include "util/random.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/domxml-edit.h"
#include "virt/migrate.h"

#define MC_DEFAULT_POLICY "/etc/migcheck/policy.xml"

enum {
    OPT_DRY_RUN = MC_OPT_FIRST_VERB_OPT,
    OPT_FIX,
    OPT_ACCEPT,
    OPT_MAP_PATH,
    OPT_MAP_BRIDGE,
    OPT_MAP_NETWORK,
    OPT_KEEP_SOURCE,
    OPT_NO_PREDICT,
    OPT_STALL,
    OPT_JOURNAL_DIR,
    OPT_TRANSPORT,
    OPT_REMOTE_COMMAND,
    OPT_HOST_TIMEOUT,
    OPT_POLICY,
    OPT_STRICT,
    OPT_SRC_FACTS,
    OPT_DST_FACTS,
    OPT_PAIR_FACTS,
};

const struct mc_opt verb_migrate_opts[] = {
    { "dry-run", no_argument, OPT_DRY_RUN, NULL,
      "print the plan and the destination XML's diff; change nothing", NULL, false },
    { "fix", no_argument, OPT_FIX, NULL,
      "apply every fix the preflight found (path rewrite, proven sharing, derivable bridge)", NULL,
      false },
    { "accept", required_argument, OPT_ACCEPT, "RULE",
      "go on despite a problem of RULE (recorded in the report); repeatable", NULL, false },
    { "map-path", required_argument, OPT_MAP_PATH, "SRC_PREFIX=DST_PREFIX",
      "disk paths under SRC_PREFIX are under DST_PREFIX on the destination; repeatable", NULL,
      false },
    { "map-bridge", required_argument, OPT_MAP_BRIDGE, "OLD=NEW",
      "interfaces on bridge OLD use bridge NEW on the destination; repeatable", NULL, false },
    { "map-network", required_argument, OPT_MAP_NETWORK, "OLD=NEW",
      "interfaces on libvirt network OLD use network NEW on the destination; repeatable", NULL,
      false },
    MC_OPT_INCLUDE(mc_migration_opts), /* virsh's flags, as check takes them */
    MC_OPT_INCLUDE(mc_storage_opts),   /* --storage ...: provisioned first, as provision does */
    { "keep-source", no_argument, OPT_KEEP_SOURCE, NULL,
      "keep the definition on the source (a warning when it would still autostart there)", NULL,
      false },
    MC_OPT_INCLUDE(mc_tuning_opts), /* --bandwidth, --downtime-limit, ...: as check takes them */
    { .name = "timeout",
      .has_arg = required_argument,
      .val = MC_OPT_MIGRATION_TIMEOUT,
      .arg_name = "SECONDS",
      .help = "virsh migrate's spelling of --migration-timeout",
      .alias = true },
    { "no-predict", no_argument, OPT_NO_PREDICT, NULL,
      "do not predict the convergence before migrating (the preflight is then 4 s shorter; the "
      "gate cannot refuse a migration that would not converge)",
      NULL, false },
    { "stall-timeout", required_argument, OPT_STALL, "SECONDS",
      "abort when the migration makes no progress for this long (default 120)", NULL, false },
    { "journal-dir", required_argument, OPT_JOURNAL_DIR, "DIR",
      "where to keep the journal (default /var/lib/migcheck for root, else "
      "$XDG_STATE_HOME/migcheck)",
      NULL, false },
    { "transport", required_argument, OPT_TRANSPORT, "T",
      "libvirt transport for hosts named as [user@]host", mc_transport_values, false },
    { "remote-command", required_argument, OPT_REMOTE_COMMAND, "PATH",
      "migcheck on the remote hosts (default: migcheck); empty: the embedded sh agent", NULL,
      false },
    { "host-timeout", required_argument, OPT_HOST_TIMEOUT, "SECONDS",
      "give up on a host after this long (default 30)", NULL, false },
    { "policy", required_argument, OPT_POLICY, "FILE", "site policy for the preflight", NULL,
      false },
    { "strict", no_argument, OPT_STRICT, NULL, "warnings of the preflight block too", NULL, false },
    { "src-facts", required_argument, OPT_SRC_FACTS, "FILE",
      "with --dry-run: plan from a snapshot of the source", NULL, false },
    { "dst-facts", required_argument, OPT_DST_FACTS, "FILE",
      "with --dry-run: plan from a snapshot of the destination", NULL, false },
    { "pair-facts", required_argument, OPT_PAIR_FACTS, "FILE",
      "with --dry-run: recorded pair facts (probe results)", NULL, false },
    { 0 },
};

struct args {
    struct mc_migrate_options o;
    struct mc_migration_flags flags; /* virsh migrate's flags (cli-migration.h) */
    struct mc_storage_flags sf;      /* --storage and how: provision, then migrate */
    struct mc_tuning_flags tuning;   /* --bandwidth ...: how the migration runs */
    bool no_predict, strict;
    const char *journal_dir, *transport, *remote_command, *policy;
    const char *src_facts, *dst_facts, *pair_facts;
    int host_timeout;
    char **argv_opts; /* the options as given, for the suggested command line */
};

static int parse_map(const char *arg, const char *opt, struct mc_map **v, size_t *n)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        mc_log_error("invalid %s '%s': expected OLD=NEW", opt, arg);
        return -1;
    }
    struct mc_map *m = MC_APPEND(*v, *n);
    m->from = mc_xstrndup(arg, (size_t)(eq - arg));
    m->to = mc_xstrdup(eq + 1);
    return 0;
}

/* The option as the operator gave it, for the command line a refusal suggests. */
static void remember(struct args *a, int c, const char *arg)
{
    _cleanup_free_ const struct mc_opt **all = mc_verb_options(mc_verb_find("migrate"));
    for (size_t i = 0; all[i]; i++)
        if (all[i]->val == c && !all[i]->alias) {
            if (arg)
                mc_strv_push(&a->argv_opts, mc_xasprintf("--%s=%s", all[i]->name, arg));
            else
                mc_strv_push(&a->argv_opts, mc_xasprintf("--%s", all[i]->name));
            return;
        }
}

static int handle(int c, const char *arg, void *userdata)
{
    struct args *a = userdata;
    struct mc_migrate_options *o = &a->o;
    long v;
    remember(a, c, arg);
    if (mc_migration_option(c, &a->flags))
        return 0;
    int sr = mc_storage_option(c, arg, &a->sf);
    if (sr != 0)
        return sr > 0 ? 0 : -1;
    int tr = mc_tuning_option(c, arg, &a->tuning);
    if (tr != 0)
        return tr > 0 ? 0 : -1;
    switch (c) {
    case OPT_DRY_RUN:
        o->dry_run = true;
        return 0;
    case OPT_FIX:
        o->fix = true;
        return 0;
    case OPT_ACCEPT:
        if (strcmp(arg, "storage.separate-host") == 0) {
            /* provision's: storage on SRC or DST itself (with --storage) */
            a->sf.po.accept_same_host = true;
            return 0;
        }
        if (!mc_rule_find(arg) && strncmp(arg, "site.", 5) != 0) {
            mc_log_error("unknown rule '%s' (see 'migcheck rules')", arg);
            return -1;
        }
        mc_strv_add(&o->accept, arg);
        return 0;
    case OPT_MAP_PATH:
        if (arg[0] != '/' || !strchr(arg, '=') || strchr(arg, '=')[1] != '/') {
            mc_log_error("invalid --map-path '%s': expected /SRC_PREFIX=/DST_PREFIX", arg);
            return -1;
        }
        return parse_map(arg, "--map-path", &o->map_path, &o->n_map_path);
    case OPT_MAP_BRIDGE:
        return parse_map(arg, "--map-bridge", &o->map_bridge, &o->n_map_bridge);
    case OPT_MAP_NETWORK:
        return parse_map(arg, "--map-network", &o->map_network, &o->n_map_network);
    case OPT_KEEP_SOURCE:
        o->keep_source = true;
        return 0;
    case OPT_NO_PREDICT:
        a->no_predict = true;
        return 0;
    case OPT_STALL:
        if (mc_parse_long_option("--stall-timeout", arg, 5, 86400, &v) < 0)
            return -1;
        o->stall_s = (int)v;
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
    case OPT_HOST_TIMEOUT:
        if (mc_parse_long_option("--host-timeout", arg, 1, 3600, &v) < 0)
            return -1;
        a->host_timeout = (int)v;
        return 0;
    case OPT_POLICY:
        a->policy = arg;
        return 0;
    case OPT_STRICT:
        a->strict = true;
        return 0;
    case OPT_SRC_FACTS:
        a->src_facts = arg;
        return 0;
    case OPT_DST_FACTS:
        a->dst_facts = arg;
        return 0;
    case OPT_PAIR_FACTS:
        a->pair_facts = arg;
        return 0;
    }
    return -1;
}

static void free_maps(struct mc_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].from);
        free(m[i].to);
    }
    free(m);
}

static void args_clear(struct args *a)
{
    mc_strv_free(a->o.accept);
    free_maps(a->o.map_path, a->o.n_map_path);
    free_maps(a->o.map_bridge, a->o.n_map_bridge);
    free_maps(a->o.map_network, a->o.n_map_network);
    mc_strv_free(a->argv_opts);
    mc_strv_free(a->o.provisioned);
}

/* ---- output ---- */

enum out_mode {
    OUT_TEXT,
    OUT_JSON
};

struct out {
    enum out_mode mode;
    bool quiet;
    bool bar; /* a one-line bar on a terminal (stderr) */
    bool bar_drawn;
    double link_bps;
};

static void json_line(struct json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
    json_object_put(o);
}

static struct json_object *event(const char *name)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "event", json_object_new_string(name));
    return o;
}

static void add_i64(struct json_object *o, const char *k, int64_t v)
{
    if (v >= 0)
        json_object_object_add(o, k, json_object_new_int64(v));
}

static void human(double bytes, char *buf, size_t len)
{
    if (bytes >= 1073741824.0)
        snprintf(buf, len, "%.2f GiB", bytes / 1073741824.0);
    else if (bytes >= 1048576.0)
        snprintf(buf, len, "%.1f MiB", bytes / 1048576.0);
    else if (bytes >= 1024.0)
        snprintf(buf, len, "%.0f KiB", bytes / 1024.0);
    else
        snprintf(buf, len, "%.0f B", bytes);
}

static void on_sample(const struct mc_job_stats *s, void *ud)
{
    struct out *out = ud;
    if (out->mode == OUT_JSON) {
        struct json_object *o = event("progress");
        json_object_object_add(o, "t", json_object_new_double(s->t));
        add_i64(o, "memory_total", s->mem_total);
        add_i64(o, "memory_remaining", s->mem_remaining);
        add_i64(o, "memory_bps", s->mem_bps);
        add_i64(o, "dirty_rate_pages", s->dirty_rate);
        add_i64(o, "page_size", s->page_size);
        add_i64(o, "iteration", s->iteration);
        add_i64(o, "disk_total", s->disk_total);
        add_i64(o, "disk_remaining", s->disk_remaining);
        add_i64(o, "expected_downtime_ms", s->downtime_ms);
        add_i64(o, "auto_converge_throttle", s->auto_converge_throttle);
        json_line(o);
        return;
    }
    if (!out->bar)
        return;
    char rem[32], rate[32], dirty[32], eta[32] = "?";
    human(s->mem_remaining >= 0 ? (double)s->mem_remaining : 0, rem, sizeof(rem));
    human(s->mem_bps >= 0 ? (double)s->mem_bps : 0, rate, sizeof(rate));
    double dbps = s->dirty_rate >= 0 && s->page_size > 0 ? (double)s->dirty_rate * s->page_size : 0;
    human(dbps, dirty, sizeof(dirty));
    if (s->mem_bps > 0 && s->mem_remaining >= 0 && (double)s->mem_bps > dbps)
        snprintf(eta, sizeof(eta), "%.0fs", (double)s->mem_remaining / ((double)s->mem_bps - dbps));
    int pct = s->mem_total > 0 && s->mem_remaining >= 0
                  ? (int)(100 - 100.0 * (double)s->mem_remaining / (double)s->mem_total)
                  : 0;
    if (pct < 0)
        pct = 0;
    char bar[21];
    int fill = pct / 5;
    for (int i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r[%s] %3d%% left %s  %s/s  dirty %s/s  iter %lld  eta %s   ", bar, pct, rem,
            rate, dirty, (long long)(s->iteration >= 0 ? s->iteration : 0), eta);
    fflush(stderr);
    out->bar_drawn = true;
}

static void end_bar(struct out *out)
{
    if (out->bar_drawn) {
        fputc('\n', stderr);
        out->bar_drawn = false;
    }
}

static void on_event(const char *what, void *ud)
{
    struct out *out = ud;
    if (out->mode == OUT_JSON) {
        struct json_object *o = event("convergence");
        json_object_object_add(o, "what", json_object_new_string(what));
        json_line(o);
    } else if (!out->quiet) {
        end_bar(out);
        fprintf(stderr, "migcheck: %s\n", what);
    }
}

/* ---- helpers ---- */

static int load_snapshot(const char *path, struct mc_host_facts **ret)
{
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_facts_load(path, ret, &err) < 0) {
        mc_log_error("%s", err.message);
        return -1;
    }
    return 0;
}

static char *run_id(void)
{
    return mc_random_hex(6);
}

struct size_ctx {
    virDomainPtr dom;
    const struct mc_vm_facts *vm;
};

/* A disk's virtual size: asked now when the domain is at hand, else from its facts. */
static int64_t disk_bytes(const char *target, void *ud)
{
    struct size_ctx *c = ud;
    virDomainBlockInfo info;
    if (c->dom && virDomainGetBlockInfo(c->dom, target, &info, 0) == 0)
        return (int64_t)info.capacity;
    if (c->dom)
        virResetLastError();
    for (size_t i = 0; c->vm && i < c->vm->n_disks; i++)
        if (c->vm->disks[i].target && strcmp(c->vm->disks[i].target, target) == 0 &&
            c->vm->disks[i].capacity > 0)
            return c->vm->disks[i].capacity;
    return -1;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void print_list(const char *title, char **v)
{
    if (!v)
        return;
    printf("%s\n", title);
    STRV_FOREACH (s, v)
        printf("  %s\n", *s);
}

/* A word as a POSIX shell reads it back (quoted by mc_shell_quote where needed). */
static void put_word(struct mc_buf *b, const char *w)
{
    bool plain = *w != '\0';
    for (const char *p = w; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_", *p))
            plain = false;
    mc_buf_putc(b, ' ');
    if (plain) {
        mc_buf_puts(b, w);
        return;
    }
    _cleanup_free_ char *q = mc_shell_quote(w);
    mc_buf_puts(b, q);
}

/* The command line that would fix the refusals: the operator's options, the suggested ones. */
static char *suggested_command(const struct args *a, const struct mc_global *g, char **ops,
                               char **suggest)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_puts(&b, "migcheck migrate");
    if (g->format)
        mc_buf_printf(&b, " --format=%s", g->format);
    STRV_FOREACH (o, a->argv_opts) {
        /* An option a suggestion sets again ("--bandwidth 10" for the given --bandwidth=4):
         * the suggestion's value only. */
        bool replaced = false;
        STRV_FOREACH (s, suggest) {
            size_t l = strcspn(*s, " ");
            if ((*s)[l] == ' ' && strncmp(*o, *s, l) == 0 && (*o)[l] == '=')
                replaced = true;
        }
        if (!replaced)
            put_word(&b, *o);
    }
    STRV_FOREACH (s, suggest)
        mc_buf_printf(&b, " %s", *s); /* ours: options, and BRIDGE / NETWORK placeholders */
    for (int i = 0; i < 3; i++)
        put_word(&b, ops[i]);
    return mc_buf_steal(&b);
}

/* The prediction, for the summary: the preflight's migration.convergence finding, which ran
 * with this migration's options (mc_migrate_state.predict). */
static char *prediction_text(const struct mc_migrate_input *in, const struct mc_migrate_options *o,
                             void *ud)
{
    (void)o;
    (void)ud;
    const struct mc_finding *f = mc_report_finding(in->report, "migration.convergence");
    if (!f || !mc_finding_datum(f, "total_seconds"))
        return NULL; /* not predicted, or could not be */
    return mc_xstrdup(f->message);
}

static double datum(const struct mc_finding *f, const char *key)
{
    const struct mc_datum *d = mc_finding_datum(f, key);
    return d && !d->text ? d->number : -1;
}

/* Predicted against measured: libvirt's time_elapsed, memory iterations and downtime of the
 * completed job (the numbers the prediction is about). */
struct versus {
    const char *outcome;
    double p_total, p_downtime_max, p_iterations;
    double total, downtime, iterations; /* < 0: not reported */
};

static bool versus(const struct mc_migrate_state *st, struct versus *v)
{
    const struct mc_finding *f = st->prediction && st->input
                                     ? mc_report_finding(st->input->report, "migration.convergence")
                                     : NULL;
    const struct mc_datum *o = f ? mc_finding_datum(f, "outcome") : NULL;
    if (!o || !o->text)
        return false;
    const struct mc_migrate_result *r = &st->result;
    const struct mc_job_stats *j = r->have_final ? &r->final : &r->last;
    *v = (struct versus){
        .outcome = o->text,
        .p_total = datum(f, "total_seconds"),
        .p_downtime_max = datum(f, "downtime_max_seconds"),
        .p_iterations = datum(f, "iterations"),
        .total = j->elapsed_ms >= 0 ? (double)j->elapsed_ms / 1000.0 : r->seconds,
        .downtime = r->have_final && j->downtime_ms >= 0 ? (double)j->downtime_ms / 1000.0 : -1,
        .iterations = j->iteration >= 0 ? (double)j->iteration : -1,
    };
    return st->migrated;
}

static void summary(const struct mc_migrate_state *st, const struct mc_plan *p, const char *journal,
                    double total, int rc, const struct out *out)
{
    const struct mc_migrate_result *r = &st->result;
    const struct mc_job_stats *f = r->have_final ? &r->final : &r->last;
    int64_t data = f->data_processed >= 0 ? f->data_processed : f->mem_processed;
    /* The rate QEMU reached (its memory bandwidth), else what the whole call averaged. */
    double rate = f->mem_bps > 0               ? (double)f->mem_bps
                  : r->seconds > 0 && data > 0 ? (double)data / r->seconds
                                               : 0;
    const char *conv = r->convergence == MC_CONVERGE_SUSPENDED  ? "timeout: guest paused, "
                                                                  "finished as a non-live "
                                                                  "migration"
                       : r->convergence == MC_CONVERGE_POSTCOPY ? "timeout: switched to post-copy"
                       : f->auto_converge_throttle > 0          ? "auto-converge throttled vCPUs"
                                                                : "none";
    if (out->mode == OUT_JSON) {
        struct json_object *o = event("summary");
        json_object_object_add(o, "exit_code", json_object_new_int(rc));
        json_object_object_add(o, "state",
                               json_object_new_string(mc_enum_name_or(&mc_plan_state_names,
                                                                      (int)p->state, "planned")));
        json_object_object_add(o, "seconds", json_object_new_double(total));
        json_object_object_add(o, "migration_seconds", json_object_new_double(r->seconds));
        add_i64(o, "downtime_ms", r->have_final ? f->downtime_ms : -1);
        add_i64(o, "data_bytes", data);
        json_object_object_add(o, "rate_bps", json_object_new_double(rate));
        if (out->link_bps > 0)
            json_object_object_add(o, "link_bps", json_object_new_double(out->link_bps));
        json_object_object_add(o, "convergence", json_object_new_string(conv));
        if (st->prediction)
            json_object_object_add(o, "prediction", json_object_new_string(st->prediction));
        struct versus v;
        if (versus(st, &v)) {
            struct json_object *pj = json_object_new_object();
            json_object_object_add(pj, "outcome", json_object_new_string(v.outcome));
            json_object_object_add(pj, "total_seconds", json_object_new_double(v.p_total));
            json_object_object_add(pj, "downtime_max_seconds",
                                   json_object_new_double(v.p_downtime_max));
            json_object_object_add(pj, "iterations", json_object_new_double(v.p_iterations));
            json_object_object_add(pj, "measured_total_seconds", json_object_new_double(v.total));
            if (v.downtime >= 0)
                json_object_object_add(pj, "measured_downtime_seconds",
                                       json_object_new_double(v.downtime));
            if (v.iterations >= 0)
                json_object_object_add(pj, "measured_iterations",
                                       json_object_new_double(v.iterations));
            json_object_object_add(o, "predicted", pj);
        }
        if (p->error)
            json_object_object_add(o, "error", json_object_new_string(p->error));
        json_object_object_add(o, "journal", json_object_new_string(journal));
        json_line(o);
        return;
    }
    if (out->quiet && rc == 0)
        return;
    char dbuf[32], rbuf[32], lbuf[32];
    human((double)(data > 0 ? data : 0), dbuf, sizeof(dbuf));
    human(rate, rbuf, sizeof(rbuf));
    printf("\n%s: %s of %s from %s to %s\n",
           rc == 0                     ? "Done"
           : rc == MC_EXIT_ROLLED_BACK ? "Rolled back"
                                       : "ROLLBACK INCOMPLETE",
           p->verb, p->domain ? p->domain : "?", p->source, p->destination);
    printf("  total time      %.2f s (migration %.2f s)\n", total, r->seconds);
    if (r->have_final && f->downtime_ms >= 0)
        printf("  downtime        %lld ms\n", (long long)f->downtime_ms);
    printf("  data sent       %s\n", dbuf);
    if (out->link_bps > 0) {
        human(out->link_bps, lbuf, sizeof(lbuf));
        printf("  rate            %s/s (the bandwidth cap: %s/s)\n", rbuf, lbuf);
    } else {
        printf("  rate            %s/s (link capacity not known)\n", rbuf);
    }
    printf("  convergence     %s\n", conv);
    if (st->prediction) {
        _cleanup_free_ char *m = mc_render_escaped(st->prediction);
        printf("  prediction      %s\n", m);
    }
    struct versus v;
    if (versus(st, &v)) {
        printf("  predicted       %.1f s", v.p_total);
        if (v.p_iterations >= 0)
            printf(", %.0f iterations", v.p_iterations);
        if (v.p_downtime_max >= 0)
            printf(", downtime at most %.0f ms", v.p_downtime_max * 1000);
        printf("\n  measured        %.1f s", v.total);
        if (v.total > 0 && v.p_total > 0)
            printf(" (prediction %+.0f %%)", 100.0 * (v.p_total - v.total) / v.total);
        if (v.iterations >= 0)
            printf(", %.0f iterations", v.iterations);
        if (v.downtime >= 0)
            printf(", downtime %.0f ms", v.downtime * 1000);
        printf(" (libvirt's job statistics)\n");
    }
    if (p->error)
        printf("  error           %s\n", p->error);
    printf("  journal         %s\n", journal);
}

/* "Preflight of VM: SRC (agent) -> DST (agent), 1.23 s, problems only:" (host text escaped). */
static void preflight_header(const struct mc_report *r, const char *vm, const char *src,
                             const char *dst, double seconds)
{
    _cleanup_free_ char *v = mc_render_escaped(vm);
    _cleanup_free_ char *s = mc_render_escaped(src);
    _cleanup_free_ char *d = mc_render_escaped(dst);
    _cleanup_free_ char *sa = r->src_agent ? mc_render_escaped(r->src_agent) : NULL;
    _cleanup_free_ char *da = r->dst_agent ? mc_render_escaped(r->dst_agent) : NULL;
    printf("Preflight of %s: %s%s%s%s -> %s%s%s%s", v, s, sa ? " (" : "", sa ? sa : "",
           sa ? ")" : "", d, da ? " (" : "", da ? da : "", da ? ")" : "");
    if (seconds >= 0)
        printf(", %.2f s", seconds);
    printf(", problems only:\n");
}

static void print_states(const struct mc_plan *p)
{
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct mc_plan_step *s = &p->steps[i];
        printf("  %2zu. %-11s %s\n", i + 1,
               mc_enum_name_or(&mc_step_state_names, (int)s->state, "not started"),
               s->summary ? s->summary : "");
        if (s->error && (s->state == MC_STEP_UNDO_FAILED || s->state == MC_STEP_FAILED))
            printf("      %s\n", s->error);
    }
}

/*
 * --storage: what provisioning would do (storage/provision.h), planned on the open hosts before
 * the gate, so that the gate knows which disks it moves onto shared storage (o->provisioned).
 * Returns an MC_EXIT_* code.
 */
static int plan_provisioning(struct mc_provision_run *prov, struct mc_host *src,
                             struct mc_host *dst, struct mc_host *storage,
                             struct mc_migrate_options *o, struct mc_error *err)
{
    const struct mc_vm_facts *vm = src->facts ? src->facts->vm : NULL;
    if (!vm || !src->conn || !dst->conn) {
        mc_error_set(err, -ENOTCONN, "no libvirt connection to '%s' or no domain facts",
                     !dst->conn ? dst->spec.label : src->spec.label);
        return MC_EXIT_UNKNOWN;
    }
    prov->src = src;
    prov->dst = dst;
    prov->storage = storage;
    prov->storage_name = mc_xstrdup(storage->spec.host);
    /* Images and targets are named by the run: a dry run's names stay the same. */
    prov->run_id = o->dry_run ? mc_xstrdup("dry-run") : run_id();
    if (mc_provision_gather(prov, err) < 0)
        return MC_EXIT_UNKNOWN;
    prov->plan = mc_plan_new("provision");
    prov->plan->domain = mc_xstrdup_or_null(vm->name);
    prov->plan->uuid = mc_xstrdup_or_null(vm->uuid);
    prov->plan->run_id = mc_xstrdup(prov->run_id);
    if (mc_provision_plan_into(prov, prov->plan, err) < 0)
        return MC_EXIT_BLOCKED;
    prov->t_plan = mc_now() - prov->t_start;
    /* "vda /var/lib/libvirt/images/web1.qcow2 -> ...": the targets it moves. */
    for (size_t i = 0; prov->result.moved && prov->result.moved[i]; i++)
        mc_strv_push(&o->provisioned,
                     mc_xstrndup(prov->result.moved[i], strcspn(prov->result.moved[i], " ")));
    return MC_EXIT_OK;
}

/*
 * Provisioning first, then the migration: one plan, one journal (its "storage" setting makes
 * `migcheck undo` reach the storage host too). The migration starts from the domain as
 * provisioning leaves it (its disks on the shared store), with the same rewrites; the migrate
 * step reads the source's XML again right before it runs.
 */
static int merge_provisioning(struct mc_plan *plan, struct mc_provision_run *prov,
                              struct mc_error *err)
{
    struct mc_plan *pp = prov->plan;
    if (!pp || pp->n_steps == 0)
        return 0;
    struct mc_plan_step *all = mc_new0(struct mc_plan_step, pp->n_steps + plan->n_steps);
    memcpy(all, pp->steps, pp->n_steps * sizeof(*all));
    memcpy(all + pp->n_steps, plan->steps, plan->n_steps * sizeof(*all));
    free(pp->steps);
    free(plan->steps);
    plan->steps = all;
    plan->n_steps += pp->n_steps;
    pp->steps = NULL;
    pp->n_steps = 0;
    for (size_t i = 0; i < pp->n_settings; i++)
        mc_param_set(&plan->settings, &plan->n_settings, pp->settings[i].name,
                     pp->settings[i].value);
    for (size_t i = 0; i < plan->n_steps; i++)
        if (plan->steps[i].kind == MC_STEP_MIGRATE)
            mc_param_set(&plan->steps[i].params, &plan->steps[i].n_params, "refresh-xml", "yes");
    if (!prov->result.dest_xml)
        return 0;
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_domxml_parse(prov->result.dest_xml, "provisioned domain XML", &doc, err);
    for (size_t i = 0; r == 0 && i < plan->n_steps; i++)
        if (plan->steps[i].kind >= MC_STEP_REWRITE_DISK_PATH &&
            plan->steps[i].kind <= MC_STEP_REWRITE_EMULATOR)
            r = mc_migrate_apply_edit(doc, &plan->steps[i], err);
    if (r < 0)
        return r;
    free(plan->source_xml);
    plan->source_xml = mc_xstrdup(prov->result.dest_xml);
    free(plan->dest_xml);
    plan->dest_xml = mc_domxml_string(doc);
    return 0;
}

int verb_migrate(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    struct args a = { .o = { .persistent = true },
                      .transport = "ssh",
                      .remote_command = "migcheck",
                      .host_timeout = 30 };
    int first;
    int r = mc_parse_options(mc_verb_find("migrate"), argc, argv, &g, handle, &a, &first);
    if (r != 0) {
        args_clear(&a);
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    }
    int rc = MC_EXIT_USAGE;
    struct mc_migrate_options *o = &a.o;
    const char *fmt = g.format ? g.format : "text";
    struct out out = { .mode = strcmp(fmt, "json") == 0 ? OUT_JSON : OUT_TEXT, .quiet = g.quiet };
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *sf = NULL;
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *df = NULL;
    _cleanup_(mc_pair_facts_freep) struct mc_pair_facts *rel_file = NULL;
    _cleanup_(mc_policy_freep) struct mc_policy *policy = NULL;
    _cleanup_(mc_hostset_freep) struct mc_hostset *hs = NULL;
    _cleanup_(mc_plan_freep) struct mc_plan *plan = NULL;
    _cleanup_(mc_provision_run_freep) struct mc_provision_run *prov = NULL; /* --storage */
    _cleanup_free_ char *journal = NULL, *jdir = NULL, *validation = NULL;
    _cleanup_error_ struct mc_error err = { 0 };
    struct mc_check_run run = { 0 };
    struct mc_gate gate = { 0 };
    struct mc_migrate_state st = { .opts = o };
    virDomainPtr dom = NULL;
    bool event_loop = false;

    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
        mc_log_error("invalid format '%s' for migrate: expected text or json", fmt);
        goto out;
    }
    if (argc - first != 3) {
        mc_log_error("expected SRC DST VM");
        fprintf(stderr, "Try 'migcheck migrate --help'.\n");
        goto out;
    }
    const char *src_name = argv[first], *dst_name = argv[first + 1], *vm_name = argv[first + 2];
    if (mc_migration_flags_check(&a.flags) < 0)
        goto out;
    if (a.flags.undefine_source && o->keep_source) {
        mc_log_error("--undefinesource and --keep-source exclude each other");
        goto out;
    }
    /* The flags mean what they mean for check; --persistent and --undefinesource are on by
     * default here (the domain moves), --keep-source opts out of the latter. */
    o->live = a.flags.live;
    o->offline = a.flags.offline;
    o->copy_storage_all = a.flags.copy_storage_all;
    o->copy_storage_inc = a.flags.copy_storage_inc;
    if (mc_tuning_check(&a.tuning) < 0)
        goto out;
    o->tuning = a.tuning.m;
    const struct mc_migration_opts *t = &o->tuning;
    if (o->offline && (t->postcopy || t->auto_converge || t->timeout_s || t->downtime_ms)) {
        mc_log_error("--offline moves only the definition: no post-copy, auto-converge, "
                     "downtime limit or timeout");
        goto out;
    }
    if (a.no_predict && a.tuning.predict_ms) {
        mc_log_error("--no-predict and --predict-time exclude each other");
        goto out;
    }
    bool offline_facts = a.src_facts || a.dst_facts;
    if (offline_facts && (!a.src_facts || !a.dst_facts || !o->dry_run)) {
        mc_log_error("--src-facts and --dst-facts go together, and only with --dry-run");
        goto out;
    }
    if (a.sf.spec && offline_facts) {
        mc_log_error("--storage provisions on the live hosts: not with --src-facts");
        goto out;
    }
    if (a.sf.spec && (o->copy_storage_all || o->copy_storage_inc)) {
        mc_log_error("--storage and --copy-storage%s exclude each other: the disks move onto the "
                     "shared storage instead of being copied",
                     o->copy_storage_inc ? "-inc" : "");
        goto out;
    }
    if (a.sf.po.accept_same_host && !a.sf.spec) {
        mc_log_error("--accept storage.separate-host goes with --storage");
        goto out;
    }

    /* Policy, as for check. */
    const char *policy_path = a.policy;
    if (!policy_path && access(MC_DEFAULT_POLICY, F_OK) == 0)
        policy_path = MC_DEFAULT_POLICY;
    if (policy_path && !*policy_path)
        policy_path = NULL;
    size_t nrules;
    const struct mc_rule *rules = mc_rules_table(&nrules);
    if (policy_path) {
        if (mc_policy_load(policy_path, &policy, &err) < 0 ||
            mc_policy_validate(policy, rules, nrules, &err) < 0) {
            mc_log_error("%s", err.message);
            goto out;
        }
    }

    double t0 = mc_now();
    struct mc_host *hsrc = NULL, *hdst = NULL, *hsto = NULL;
    const struct mc_host_facts *src = NULL, *dst = NULL;
    struct mc_check_opts copts = { .transport = a.transport };
    struct mc_check_config cfg = {
        .rules = rules, .n_rules = nrules, .policy = policy, .strict = a.strict, .copts = &copts
    };
    if (offline_facts) {
        if (load_snapshot(a.src_facts, &sf) < 0 || load_snapshot(a.dst_facts, &df) < 0)
            goto out;
        if (a.pair_facts && mc_pair_load(a.pair_facts, &rel_file, &err) < 0) {
            mc_log_error("%s", err.message);
            goto out;
        }
        if (!sf->vm || (sf->vm->name && strcmp(sf->vm->name, vm_name) != 0)) {
            mc_log_error("snapshot '%s' does not hold domain '%s'", a.src_facts, vm_name);
            goto out;
        }
        src = sf;
        dst = df;
    } else {
        if (!o->dry_run && mc_virt_event_loop_start(&err) < 0) {
            mc_log_error("%s", err.message);
            rc = MC_EXIT_UNKNOWN;
            goto out;
        }
        event_loop = !o->dry_run;
        struct mc_hostset_opts ho = {
            .transport = a.transport,
            .remote_command = a.remote_command,
            .timeout_ms = a.host_timeout * 1000,
            .act = !o->dry_run,
            .keepalive_s = 5,
            .verbose = g.verbose,
        };
        hs = mc_hostset_new(&ho);
        if (mc_hostset_add(hs, src_name, &hsrc, &err) < 0 ||
            mc_hostset_add(hs, dst_name, &hdst, &err) < 0) {
            mc_log_error("%s", err.message);
            goto out;
        }
        hsrc->want_vm = vm_name;
        if (a.sf.spec) {
            /* The storage host: a third host of the set, opened with the others. */
            prov = mc_new0(struct mc_provision_run, 1);
            prov->t_start = t0;
            prov->po = a.sf.po;
            if (mc_provision_split_storage(a.sf.spec, &prov->storage_host, &prov->dir, &err) < 0 ||
                mc_hostset_add(hs, prov->storage_host, &hsto, &err) < 0) {
                mc_log_error("%s", err.message);
                goto out;
            }
            if (hsto->spec.local || !hsto->spec.host) {
                mc_log_error("--storage must name a host SRC and DST reach by name or address");
                goto out;
            }
        }
        r = mc_hostset_open(hs, &err);
        if (r < 0) {
            mc_log_error("%s", err.message);
            rc = r == -ENOENT ? MC_EXIT_USAGE : MC_EXIT_UNKNOWN;
            goto out;
        }
        src = hsrc->facts;
        dst = hdst->facts;
    }

    /* Live or offline, from the domain's state. */
    const char *state = src->vm->state ? src->vm->state : "?";
    bool shutoff = strcmp(state, "shutoff") == 0 || strcmp(state, "shut off") == 0;
    if (shutoff && !o->offline) {
        if (a.flags.live) {
            mc_log_error("domain '%s' is shut off: a live migration needs it running (--offline "
                         "moves its definition)",
                         vm_name);
            goto out;
        }
        o->offline = true;
    }
    if (!shutoff && o->offline) {
        mc_log_error("domain '%s' is %s: --offline moves only a shut-off domain", vm_name, state);
        goto out;
    }
    o->live = !o->offline;
    /* The preflight judges the migration this run performs. migcheck pre-creates every copy
     * target itself (create-disk-target) and refuses --copy-storage-inc for a disk with a
     * backing chain, so for the rules an incremental copy here is a whole copy. */
    copts.offline = o->offline;
    copts.copy_storage = o->copy_storage_all || o->copy_storage_inc;
    copts.persistent = o->persistent || o->offline;
    copts.undefine_source = !o->keep_source;
    /* The convergence prediction (check --predict) with this migration's own options: the gate
     * refuses one that would not converge, the summary compares it with what happened. */
    copts.migration = o->tuning;
    if (!o->offline && !a.no_predict) {
        copts.predict_ms = a.tuning.predict_ms ? a.tuning.predict_ms : MC_PREDICT_DEFAULT_MS;
        copts.predict_max_ms = a.tuning.predict_ms ? 0 : MC_PREDICT_MAX_MS;
    }

    /* Preflight. */
    if (offline_facts) {
        /* The planner reads the pair facts too: relate here, once, for both. */
        run.rel = rel_file ? TAKE_PTR(rel_file) : mc_pair_facts_new();
        if (run.rel->n_paths == 0)
            mc_relate_paths(src, dst, src->vm, run.rel);
        free(run.rel->src_agent);
        free(run.rel->dst_agent);
        run.rel->src_agent = mc_xstrdup("snapshot");
        run.rel->dst_agent = mc_xstrdup("snapshot");
        struct mc_check_input in = {
            .src = src,
            .dst = dst,
            .rel = run.rel,
            .src_name = src_name,
            .dst_name = dst_name,
            .origin = MC_CHECK_SNAPSHOTS,
        };
        mc_check_judge(&cfg, &in, &run.report);
        run.report.exit_code = mc_verdict_exit(run.report.verdict);
    } else if (mc_check_live(&cfg, hsrc, hdst, true, &run, &err) < 0) {
        mc_log_error("%s", err.message);
        rc = MC_EXIT_UNKNOWN;
        goto out;
    }
    double preflight_s = mc_now() - t0;
    struct mc_migrate_input in = {
        .src = src,
        .dst = dst,
        .rel = run.rel,
        .report = &run.report,
        .src_name = src_name,
        .dst_name = dst_name,
        .transport = a.transport,
        .remote_command = a.remote_command,
    };
    if (prov && (r = plan_provisioning(prov, hsrc, hdst, hsto, o, &err)) != MC_EXIT_OK) {
        mc_log_error("cannot plan the storage: %s", err.message ? err.message : "?");
        rc = r;
        goto out;
    }
    for (size_t i = 0; prov && prov->result.warnings && prov->result.warnings[i]; i++)
        mc_log_warning("%s", prov->result.warnings[i]);
    bool go = mc_migrate_gate(o, &in, &gate);
    if (out.mode == OUT_JSON) {
        struct json_object *ev = event("preflight");
        if (!offline_facts)
            json_object_object_add(ev, "seconds", json_object_new_double(preflight_s));
        json_object_object_add(ev, "report", mc_report_to_json(&run.report));
        struct json_object *gj = json_object_new_object();
        const char *keys[] = { "accepted", "fixed", "refused" };
        char **lists[] = { gate.accepted, gate.fixed, gate.refused };
        for (size_t i = 0; i < 3; i++) {
            struct json_object *arr = json_object_new_array();
            STRV_FOREACH (s, lists[i])
                json_object_array_add(arr, json_object_new_string(*s));
            json_object_object_add(gj, keys[i], arr);
        }
        json_object_object_add(ev, "gate", gj);
        json_line(ev);
    } else {
        /* One header: the report's own line would name the domain and hosts again. */
        struct mc_render_opts ro = { .color = mc_use_color(&g, stdout),
                                     .quiet = true,
                                     .no_header = true,
                                     .width = mc_output_width(stdout) };
        preflight_header(&run.report, vm_name, src_name, dst_name,
                         offline_facts ? -1 : preflight_s);
        mc_render_text(&run.report, stdout, &ro);
        const struct mc_finding *pf = mc_report_finding(&run.report, "migration.convergence");
        if (pf && pf->status == MC_STATUS_PASS && !out.quiet) {
            _cleanup_free_ char *m = mc_render_escaped(pf->message);
            printf("Prediction: %s\n", m);
        }
        print_list("Accepted (--accept):", gate.accepted);
        print_list("Fixed by the plan:", gate.fixed);
    }
    if (!go) {
        rc = gate.unknown ? MC_EXIT_UNKNOWN : MC_EXIT_BLOCKED;
        _cleanup_free_ char *cmd = suggested_command(&a, &g, argv + first, gate.suggest);
        if (out.mode == OUT_JSON) {
            struct json_object *ev = event("refused");
            json_object_object_add(ev, "exit_code", json_object_new_int(rc));
            if (gate.suggest)
                json_object_object_add(ev, "command", json_object_new_string(cmd));
            json_line(ev);
        } else {
            print_list(gate.suggest ? "Refused (no host was changed): the plan does not fix these "
                                      "without more options:"
                                    : "Refused (no host was changed): nothing migcheck has fixes "
                                      "these:",
                       gate.refused);
            if (gate.suggest)
                printf("To apply the fixes migcheck has, run:\n  %s\n", cmd);
            else if (gate.unknown)
                printf("migcheck could not decide; '--accept RULE' goes on at your risk.\n");
        }
        goto out;
    }

    /* Plan. */
    if (hsrc && hsrc->conn && !(dom = virDomainLookupByName(hsrc->conn, vm_name)))
        virResetLastError();
    struct size_ctx sc = { .dom = dom, .vm = src->vm };
    r = mc_migrate_plan(o, &in, disk_bytes, &sc, &plan, &err);
    if (r < 0) {
        mc_log_error("cannot plan the migration: %s", err.message);
        rc = MC_EXIT_BLOCKED;
        goto out;
    }
    if (!o->dry_run) {
        /* A plan that runs gets its identity; a dry run's stays the same from run to run. */
        plan->run_id = prov && prov->run_id ? mc_xstrdup(prov->run_id) : run_id();
        plan->created = mc_timestamp_now();
    }
    plan->generator = mc_xstrdup("migcheck " MIGCHECK_VERSION);
    if (prov && merge_provisioning(plan, prov, &err) < 0) {
        mc_log_error("cannot plan the migration after the storage: %s", err.message);
        rc = MC_EXIT_BLOCKED;
        goto out;
    }
    /* The destination XML: libvirt's schema (the local copy), then DST's domain capabilities. */
    {
        _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
        _cleanup_(xmlFreeDocp) xmlDocPtr orig = NULL;
        _cleanup_free_ char *schema_note = NULL;
        if (mc_domxml_parse(plan->dest_xml, "destination XML", &doc, &err) < 0 ||
            mc_domxml_parse(plan->source_xml, "source XML", &orig, &err) < 0) {
            mc_log_error("%s", err.message);
            rc = MC_EXIT_BLOCKED;
            goto out;
        }
        r = mc_domxml_validate_schema(doc, orig, MC_LIBVIRT_DOMAIN_RNG, &err);
        if (r < 0) {
            mc_log_error("%s", err.message);
            rc = MC_EXIT_BLOCKED;
            goto out;
        }
        /* r > 0: the local schema cannot judge this domain (see mc_domxml_validate_schema). */
        if (r > 0)
            schema_note = mc_xasprintf("not against libvirt's domain schema: %s", err.message);
        mc_error_clear(&err);
        if (hdst && hdst->conn) {
            if (mc_domxml_validate_domcaps(hdst->conn, doc, dst_name, &err) < 0) {
                mc_log_error("the destination XML does not fit '%s': %s", dst_name, err.message);
                rc = MC_EXIT_BLOCKED;
                goto out;
            }
            validation = schema_note
                             ? mc_xasprintf("validated against %s's domain capabilities, %s",
                                            dst_name, schema_note)
                             : mc_xasprintf("validated against libvirt's domain schema "
                                            "and %s's domain capabilities",
                                            dst_name);
        } else {
            validation = mc_xasprintf("%s; planned from snapshots: not validated against the "
                                      "destination's domain capabilities",
                                      schema_note ? schema_note
                                                  : "validated against libvirt's domain schema");
        }
    }
    if (o->keep_source && src->vm->autostart && !out.quiet)
        mc_log_warning("'%s' keeps the definition of '%s' with autostart on: if both hosts "
                       "start it, a guest on shared storage corrupts its disks",
                       src_name, vm_name);
    if (out.mode == OUT_JSON) {
        char *px = NULL;
        size_t pl = 0;
        struct json_object *ev = event(o->dry_run ? "plan" : "apply");
        if (mc_plan_to_xml(plan, &px, &pl) == 0)
            json_object_object_add(ev, "plan_xml", json_object_new_string(px));
        free(px);
        json_object_object_add(ev, "validation", json_object_new_string(validation));
        json_line(ev);
    } else if (o->dry_run || !out.quiet) {
        printf("\n");
        mc_migrate_print_plan(plan, stdout);
        for (size_t i = 0; prov && prov->result.moved && prov->result.moved[i]; i++)
            printf("Storage: moves %s\n", prov->result.moved[i]);
        for (size_t i = 0; prov && prov->result.kept && prov->result.kept[i]; i++)
            printf("Storage: keeps %s\n", prov->result.kept[i]);
        if (prov && prov->result.moved)
            printf("(the source XML above is the domain as provisioning leaves it, its moved "
                   "disks on the shared store)\n");
        printf("(%s)\n", validation);
    }
    if (o->dry_run) {
        rc = MC_EXIT_OK;
        goto out;
    }

    /* Apply, journaled. */
    /* The same place as provision's and undo's (action.h). */
    jdir = a.journal_dir ? mc_xstrdup(a.journal_dir) : mc_journal_default_dir();
    if (mc_journal_dir_create(jdir, &err) < 0) {
        mc_log_error("%s", err.message);
        rc = MC_EXIT_UNKNOWN;
        goto out;
    }
    journal = mc_journal_path(jdir, plan);
    if (out.mode == OUT_TEXT && !out.quiet)
        printf("Journal: %s\n\n", journal);
    fflush(stdout);
    if (mc_domxml_parse(plan->source_xml, "source XML", &st.dest_doc, &err) < 0) {
        mc_log_error("%s", err.message);
        rc = MC_EXIT_UNKNOWN;
        goto out;
    }
    out.bar = out.mode == OUT_TEXT && !out.quiet && isatty(STDERR_FILENO);
    out.link_bps = t->bandwidth_mib > 0 ? (double)t->bandwidth_mib * 1048576.0 : 0;
    const struct mc_migrate_observer observers[] = {
        { .sample = on_sample, .event = on_event, .userdata = &out },
        { 0 },
    };
    st.observers = observers;
    st.interrupted = &interrupted;
    st.input = &in;
    st.predict = prediction_text;
    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct mc_apply_ctx c = {
        .plan = plan,
        .journal = journal,
        .hosts = { hsrc, hdst, hsto },
        .verb = &st,
        .interrupted = &interrupted,
        .log = out.mode == OUT_TEXT && !out.quiet ? stderr : NULL,
    };
    rc = mc_plan_apply(&c, &err);
    end_bar(&out);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (rc != MC_EXIT_OK && out.mode == OUT_TEXT)
        mc_log_error("%s", err.message ? err.message : "the migration failed");
    summary(&st, plan, journal, mc_now() - t0, rc, &out);
    if (prov && prov->plan && rc == MC_EXIT_OK && out.mode == OUT_TEXT && !out.quiet) {
        struct mc_plan *own = prov->plan;
        prov->plan = plan; /* the phases of the storage, from the merged plan's steps */
        mc_provision_print_timings(prov, stdout);
        prov->plan = own;
    }
    if (rc != MC_EXIT_OK && out.mode == OUT_TEXT) {
        printf("Steps:\n");
        print_states(plan);
        if (rc == MC_EXIT_ROLLED_BACK)
            printf("Everything was undone: %s runs on %s as before, nothing of it is left on %s.\n",
                   vm_name, src_name, dst_name);
        else
            printf("The rollback did not complete. When the hosts answer again, run:\n  migcheck "
                   "undo %s\n",
                   journal);
    }

out:
    if (dom)
        virDomainFree(dom);
    if (st.dest_doc)
        xmlFreeDoc(st.dest_doc); /* the rewrites' document (the migrate step may renew it) */
    free(st.prediction);
    mc_migrate_result_clear(&st.result);
    mc_gate_clear(&gate);
    mc_check_run_clear(&run);
    mc_hostset_free(TAKE_PTR(hs));
    if (event_loop)
        mc_virt_event_loop_stop();
    args_clear(&a);
    return rc;
}
