/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck [check] SRC DST VM: open both hosts (a host set, in parallel) or
 * read their snapshots, then the check pipeline (gather -> relate -> judge,
 * gather/check.h), and render the report once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker/facts-schema.h"
#include "checker/facts-xml.h"
#include "checker/xml-util.h"
#include "checker/policy.h"
#include "checker/relate.h"
#include "checker/render.h"
#include "checker/report.h"
#include "cli-migration.h"
#include "cli.h"
#include "config.h"
#include "exit-codes.h"
#include "gather/check.h"
#include "hosts/hostset.h"
#include "rules/rules.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/random.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "virt/virt.h"

#define MC_DEFAULT_POLICY "/etc/migcheck/policy.xml"

enum {
    OPT_SRC_FACTS = MC_OPT_FIRST_VERB_OPT,
    OPT_DST_FACTS,
    OPT_VM_XML,
    OPT_PAIR_FACTS,
    OPT_SAVE_FACTS,
    OPT_TRANSPORT,
    OPT_REMOTE_COMMAND,
    OPT_NO_PROBE,
    OPT_P2P,
    OPT_STRICT,
    OPT_POLICY,
    OPT_TIMEOUT,
    OPT_RULE,
    OPT_INSECURE_NO_VERIFY,
    OPT_SKIP_RULE,
    OPT_UNSAFE,
    OPT_TUNNELLED,
    OPT_PREDICT,
};

const struct mc_opt verb_check_opts[] = {
    { "src-facts", required_argument, OPT_SRC_FACTS, "FILE",
      "read the source's facts from a snapshot (migcheck facts) instead of the live host", NULL,
      false },
    { "dst-facts", required_argument, OPT_DST_FACTS, "FILE",
      "read the destination's facts from a snapshot", NULL, false },
    { "vm-xml", required_argument, OPT_VM_XML, "FILE",
      "read the domain from this XML file instead of the source", NULL, false },
    { "pair-facts", required_argument, OPT_PAIR_FACTS, "FILE",
      "read recorded pair facts (probe results) saved by --save-facts", NULL, false },
    { "save-facts", required_argument, OPT_SAVE_FACTS, "DIR",
      "save src.xml, dst.xml and pair.xml of this check in DIR", NULL, false },
    { "transport", required_argument, OPT_TRANSPORT, "T",
      "libvirt transport for hosts named as [user@]host: ssh (default), tcp, tls, libssh, "
      "libssh2",
      mc_transport_values, false },
    { "remote-command", required_argument, OPT_REMOTE_COMMAND, "PATH",
      "migcheck on the remote hosts (default: migcheck); empty: always use the embedded sh "
      "probe",
      NULL, false },
    { "no-probe", no_argument, OPT_NO_PROBE, NULL,
      "run no live probes (canary files, port listener, name resolution, CPU comparison)", NULL,
      false },
    MC_OPT_INCLUDE(mc_migration_opts), /* --live, --offline, --copy-storage[-all|-inc], ... */
    { "unsafe", no_argument, OPT_UNSAFE, NULL,
      "judge as libvirt does with virsh --unsafe: its storage safety check is off", NULL, false },
    { "p2p", no_argument, OPT_P2P, NULL, "the migration will be peer-to-peer", NULL, false },
    { "tunnelled", no_argument, OPT_TUNNELLED, NULL,
      "the migration data will go through the libvirt connection (virsh --tunnelled; needs "
      "--p2p)",
      NULL, false },
    { "connect", required_argument, 'c', "URI",
      "the source host, as in virsh -c URI; the operands are then DST VM", NULL, false },
    { "strict", no_argument, OPT_STRICT, NULL, "warnings block the verdict too", NULL, false },
    { "policy", required_argument, OPT_POLICY, "FILE",
      "site policy (default " MC_DEFAULT_POLICY " when it exists; empty: none)", NULL, false },
    { "host-timeout", required_argument, OPT_TIMEOUT, "SECONDS",
      "give up on a host after this long (default 30)", NULL, false },
    { .name = "timeout",
      .has_arg = required_argument,
      .val = OPT_TIMEOUT,
      .arg_name = "SECONDS",
      .help = "the same (migrate spells it --host-timeout too: its --timeout is virsh's)",
      .alias = true },
    { "rule", required_argument, OPT_RULE, "ID[,ID...]",
      "run only these rules (repeatable); the verdict says only some ran", NULL, false },
    { "skip-rule", required_argument, OPT_SKIP_RULE, "ID[,ID...]",
      "do not run these rules (repeatable); the verdict says only some ran", NULL, false },
    { "insecure-no-verify", no_argument, OPT_INSECURE_NO_VERIFY, NULL,
      "accept libvirt URIs that turn host key or certificate checks off (no_verify=1, "
      "known_hosts_verify=ignore); refused otherwise",
      NULL, false },
    { "predict", no_argument, OPT_PREDICT, NULL,
      "predict whether the live migration converges: watch the guest, measure the link "
      "(--predict-time implies it)",
      NULL, false },
    MC_OPT_INCLUDE(mc_tuning_opts), /* --bandwidth, --downtime-limit, ...: as migrate takes them */
    { 0 },
};

struct check_args {
    const char *src_facts, *dst_facts, *vm_xml, *pair_facts, *save_facts, *policy;
    char **only, **skip; /* --rule, --skip-rule: rule ids */
    const char *transport, *remote_command;
    const char *connect; /* -c/--connect: the source */
    bool no_probe, strict, insecure_no_verify;
    struct mc_migration_flags flags; /* virsh migrate's flags (cli-migration.h) */
    struct mc_tuning_flags tuning;   /* how the migration runs (cli-migration.h) */
    bool predict;
    int timeout;
    struct mc_check_opts copts;
};

static void check_args_clear(struct check_args *a)
{
    mc_strv_free(a->only);
    mc_strv_free(a->skip);
}

static int handle(int c, const char *arg, void *userdata)
{
    struct check_args *a = userdata;
    if (mc_migration_option(c, &a->flags))
        return 0;
    int tr = mc_tuning_option(c, arg, &a->tuning);
    if (tr != 0)
        return tr > 0 ? 0 : -1;
    switch (c) {
    case OPT_SRC_FACTS:
        a->src_facts = arg;
        return 0;
    case OPT_DST_FACTS:
        a->dst_facts = arg;
        return 0;
    case OPT_VM_XML:
        a->vm_xml = arg;
        return 0;
    case OPT_PAIR_FACTS:
        a->pair_facts = arg;
        return 0;
    case OPT_SAVE_FACTS:
        a->save_facts = arg;
        return 0;
    case OPT_TRANSPORT:
        a->transport = mc_parse_transport(arg);
        return a->transport ? 0 : -1;
    case OPT_REMOTE_COMMAND:
        a->remote_command = arg;
        return 0;
    case OPT_INSECURE_NO_VERIFY:
        a->insecure_no_verify = true;
        return 0;
    case OPT_NO_PROBE:
        a->no_probe = true;
        return 0;
    case OPT_P2P:
        a->copts.p2p = true;
        return 0;
    case OPT_UNSAFE:
        a->copts.unsafe = true;
        return 0;
    case OPT_TUNNELLED:
        a->copts.tunnelled = true;
        return 0;
    case 'c':
        a->connect = arg;
        return 0;
    case OPT_STRICT:
        a->strict = true;
        return 0;
    case OPT_POLICY:
        a->policy = arg;
        return 0;
    case OPT_TIMEOUT:
        return mc_parse_host_timeout(arg, &a->timeout);
    case OPT_RULE:
    case OPT_SKIP_RULE: {
        _cleanup_strv_free_ char **ids = mc_strv_split(arg, ", ");
        if (!ids || !*ids) {
            mc_log_error("'--%s' needs a rule id", c == OPT_RULE ? "rule" : "skip-rule");
            return -1;
        }
        STRV_FOREACH (id, ids)
            mc_strv_add(c == OPT_RULE ? &a->only : &a->skip, *id);
        return 0;
    }
    case OPT_PREDICT:
        a->predict = true;
        return 0;
    }
    return -1;
}

static int load_snapshot(const char *path, const char *role, struct mc_host_facts **ret)
{
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_facts_load(path, ret, &err) < 0) {
        mc_log_error("%s", err.message);
        return -1;
    }
    free((*ret)->collector);
    (*ret)->collector = mc_xstrdup("snapshot");
    (void)role;
    return 0;
}

static int load_vm_xml(const char *path, struct mc_vm_facts **ret)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(path, 64u << 20, &buf, &len);
    if (r < 0) {
        mc_log_error("cannot read '%s': %s", path, strerror(-r));
        return -1;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    _cleanup_free_ char *what = mc_xasprintf("domain XML '%s'", path);
    if (mc_domain_xml_parse(buf, len, what, ret, &err) < 0) {
        mc_log_error("%s", err.message);
        return -1;
    }
    return 0;
}

/*
 * The snapshot files are written only into a directory that is ours: created here (0700), or an
 * existing one owned by the effective uid that no one else can write to. Each file is created
 * with O_EXCL|O_NOFOLLOW under a temporary name and renamed over the final one, so a symlink
 * planted at a final name is replaced, never followed (migcheck often runs as root).
 */
int mc_save_file(int dfd, const char *dir, const char *name, const char *data, size_t len)
{
    _cleanup_free_ char *tmp = NULL;
    int fd = -1;
    for (int i = 0; i < 16 && fd < 0; i++) {
        free(tmp);
        _cleanup_free_ char *tok = mc_random_hex(8);
        tmp = mc_xasprintf(".%s.%s", name, tok);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        mc_log_error("cannot write '%s/%s': %s", dir, name, strerror(errno));
        return -1;
    }
    bool ok = mc_write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && renameat(dfd, tmp, dfd, name) < 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        (void)unlinkat(dfd, tmp, 0);
        mc_log_error("cannot write '%s/%s': %s", dir, name, strerror(e));
        return -1;
    }
    return 0;
}

int mc_save_dir_open(const char *dir)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        mc_log_error("cannot create '%s' (--save-facts): %s", dir, strerror(errno));
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        mc_log_error("cannot open '%s' (--save-facts): %s", dir,
                     errno == ELOOP || errno == ENOTDIR ? "not a directory" : strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0022)) {
        close(dfd);
        mc_log_error("refusing to save facts in '%s': the directory must belong to you and be "
                     "writable by no one else",
                     dir);
        return -1;
    }
    return dfd;
}

/* --save-facts DIR: made (or found, and checked) before anything is gathered; a directory that
 * cannot be made is bad input (exit 2), found before the hosts are reached. */
static int prepare_save_dir(const char *dir)
{
    int dfd = mc_save_dir_open(dir);
    if (dfd < 0)
        return -1;
    close(dfd);
    return 0;
}

static int save_facts(const char *dir, const struct mc_host_facts *src,
                      const struct mc_host_facts *dst, const struct mc_pair_facts *rel)
{
    _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
    size_t la = 0, lb = 0, lc = 0;
    if ((src && mc_facts_to_xml(src, &a, &la) < 0) || (dst && mc_facts_to_xml(dst, &b, &lb) < 0) ||
        mc_pair_to_xml(rel, &c, &lc) < 0)
        return -1;
    int dfd = mc_save_dir_open(dir);
    if (dfd < 0)
        return -1;
    int r = 0;
    if ((a && mc_save_file(dfd, dir, "src.xml", a, la) < 0) ||
        (b && mc_save_file(dfd, dir, "dst.xml", b, lb) < 0) ||
        mc_save_file(dfd, dir, "pair.xml", c, lc) < 0)
        r = -1;
    close(dfd);
    return r;
}

/*
 * Facts standing in for a host the host set could not reach: nothing gathered, the reason as the
 * host error (host.reachable reports it; every rule that needs these facts is UNKNOWN with it).
 * The source keeps a domain given as XML, so the rules about the domain alone still judge it.
 */
static struct mc_host_facts *unreached_facts(const struct mc_host *h,
                                             const struct mc_vm_facts *vm_file)
{
    struct mc_host_facts *f = mc_host_facts_new();
    f->name = mc_xstrdup(h->spec.label);
    f->collector = mc_xstrdup("unreachable");
    mc_facts_add_error(f, MC_HOST_ERROR_AREA, h->rc, "%s",
                       h->err.message ? h->err.message : "no answer");
    mc_log_error("%s", h->err.message ? h->err.message : "no answer");
    if (vm_file) {
        f->vm = mc_new0(struct mc_vm_facts, 1);
        mc_struct_copy(&mc_desc_vm_facts, f->vm, vm_file);
        f->areas |= MC_AREA_VM;
    }
    return f;
}

/* Pair facts of a check that could not probe: no live probe ran, the agents as they answered. */
static struct mc_pair_facts *unreached_pair(const struct mc_host *src, const struct mc_host *dst)
{
    struct mc_pair_facts *rel = mc_pair_facts_new();
    char buf[128];
    rel->src_agent = mc_xstrdup(mc_host_agent_label(src, buf, sizeof(buf)));
    rel->dst_agent = mc_xstrdup(mc_host_agent_label(dst, buf, sizeof(buf)));
    return rel;
}

/*
 * virsh migrate's flags into the check options, and the combinations libvirt refuses before it
 * looks at the hosts (virDomainMigrate3's flag checks and the QEMU driver's
 * qemuMigrationSrcBegin): bad input, with libvirt's own words.
 */
static int migration_flags_conflict(struct check_args *a)
{
    const struct mc_migration_flags *f = &a->flags;
    if (mc_migration_flags_check(f) < 0)
        return -1;
    struct mc_check_opts *o = &a->copts;
    o->offline = f->offline;
    o->copy_storage = f->copy_storage_all;
    o->copy_storage_inc = f->copy_storage_inc;
    o->persistent = f->persistent;
    o->undefine_source = f->undefine_source;
    if (o->offline && o->tunnelled) {
        mc_log_error("--offline and --tunnelled exclude each other: libvirt refuses ('tunnelled "
                     "offline migration does not make sense')");
        return -1;
    }
    if (o->tunnelled && (o->copy_storage || o->copy_storage_inc)) {
        mc_log_error("--tunnelled and --copy-storage%s exclude each other: libvirt refuses "
                     "('migration of non-shared storage is not supported with tunnelled "
                     "migration and this QEMU')",
                     o->copy_storage_inc ? "-inc" : "");
        return -1;
    }
    if (o->tunnelled && !o->p2p) {
        mc_log_error("--tunnelled needs --p2p: libvirt refuses ('cannot perform tunnelled "
                     "migration without using peer2peer flag')");
        return -1;
    }
    return 0;
}

/*
 * A signal came (SIGINT, SIGTERM, SIGHUP): what the check started on the hosts is undone on the
 * way (the probes remove their canaries and end their listeners even when interrupted); close
 * the sessions, remove the private directory, and end by the same signal.
 */
static int interrupted(struct mc_hostset **hs)
{
    mc_interrupt_ignore(true);
    mc_hostset_free(*hs);
    *hs = NULL;
    mc_log_error("interrupted");
    mc_interrupt_finish();
    return MC_EXIT_UNKNOWN;
}

int verb_check(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    _cleanup_(check_args_clear) struct check_args a = { .transport = "ssh",
                                                        .remote_command = "migcheck",
                                                        .timeout = 30 };
    int first;
    /* Called as the default verb, argv[0] is the program; as "check", the verb. */
    int r = mc_parse_options(mc_verb_find("check"), argc, argv, &g, handle, &a, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    const char *fmt = g.format ? g.format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 && strcmp(fmt, "junit") != 0) {
        mc_log_error("invalid format '%s' for check: expected text, json or junit", fmt);
        return MC_EXIT_USAGE;
    }
    int nops = argc - first;
    char **ops = argv + first;
    bool offline_facts = a.src_facts || a.dst_facts;
    if (offline_facts && (!a.src_facts || !a.dst_facts)) {
        mc_log_error("--src-facts and --dst-facts go together");
        return MC_EXIT_USAGE;
    }
    if (offline_facts && a.connect) {
        mc_log_error("--connect names a live source: it does not go with --src-facts");
        return MC_EXIT_USAGE;
    }
    if (migration_flags_conflict(&a) < 0)
        return MC_EXIT_USAGE;
    if (a.copts.offline)
        a.copts.persistent = true; /* libvirt requires it ('offline migration must be specified
                                      with the persistent flag set') */
    if (offline_facts ? nops > 3 : nops != (a.connect ? 2 : 3)) {
        mc_log_error(offline_facts ? "too many arguments"
                     : a.connect   ? "expected DST VM after --connect SRC"
                                   : "expected SRC DST VM");
        fprintf(stderr, "Try 'migcheck check --help'.\n");
        return MC_EXIT_USAGE;
    }
    if (mc_tuning_check(&a.tuning) < 0)
        return MC_EXIT_USAGE;
    a.copts.migration = a.tuning.m;
    /* --predict, or --predict-time (which implies it): watch the guest this long. */
    if (a.tuning.predict_ms) {
        a.copts.predict_ms = a.tuning.predict_ms;
    } else if (a.predict) {
        a.copts.predict_ms = MC_PREDICT_DEFAULT_MS;
        a.copts.predict_max_ms = MC_PREDICT_MAX_MS;
    }
    if (a.copts.predict_ms && offline_facts && !a.pair_facts) {
        mc_log_error("--predict measures live hosts; offline, give the recorded measurements "
                     "with --pair-facts");
        return MC_EXIT_USAGE;
    }
    /* Live: SRC DST VM (or -c SRC DST VM). From snapshots: [VM], or SRC DST [VM] (names for the
     * report). */
    const char *src_name = NULL, *dst_name = NULL, *vm_name = NULL;
    if (offline_facts && nops == 1) {
        vm_name = ops[0];
    } else if (a.connect) {
        src_name = a.connect;
        dst_name = ops[0];
        vm_name = ops[1];
    } else {
        src_name = nops >= 1 ? ops[0] : NULL;
        dst_name = nops >= 2 ? ops[1] : NULL;
        vm_name = nops >= 3 ? ops[2] : NULL;
    }
    a.copts.transport = a.transport;

    /* Site policy: an explicit file must exist; the default is optional. */
    _cleanup_(mc_policy_freep) struct mc_policy *policy = NULL;
    const char *policy_path = a.policy;
    if (!policy_path && access(MC_DEFAULT_POLICY, F_OK) == 0)
        policy_path = MC_DEFAULT_POLICY;
    if (policy_path && !*policy_path)
        policy_path = NULL; /* --policy= : no policy at all */
    size_t nrules;
    const struct mc_rule *rules = mc_rules_table(&nrules);
    if (policy_path) {
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_policy_load(policy_path, &policy, &err) < 0 ||
            mc_policy_validate(policy, rules, nrules, &err) < 0) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
    }
    /* Every id of --rule and --skip-rule names a rule, or a requirement of the policy. */
    for (int k = 0; k < 2; k++)
        STRV_FOREACH (id, k == 0 ? a.only : a.skip) {
            bool found = mc_rule_find(*id) != NULL;
            for (size_t i = 0; !found && policy && i < policy->n_requires; i++)
            found = policy->requires[i].id && strcmp(policy->requires[i].id, *id) == 0;
            if (!found) {
                if (strncmp(*id, "site.", 5) == 0)
                    mc_log_error("no site requirement '%s' in the policy", *id);
                else
                    mc_log_error("unknown rule '%s' (see 'migcheck rules')", *id);
                return MC_EXIT_USAGE;
            }
        }

    double start = mc_now();
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *src = NULL;
    _cleanup_(mc_host_facts_freep) struct mc_host_facts *dst = NULL;
    _cleanup_(mc_pair_facts_freep) struct mc_pair_facts *rel = NULL;
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *vm_file = NULL;
    _cleanup_(mc_hostset_freep) struct mc_hostset *hs = NULL;

    if (a.vm_xml && load_vm_xml(a.vm_xml, &vm_file) < 0)
        return MC_EXIT_USAGE;
    if (a.save_facts && prepare_save_dir(a.save_facts) < 0)
        return MC_EXIT_USAGE;
    /* A domain named on the command line is the one checked: the domain XML must be it. */
    if (vm_file && vm_name && vm_file->name && strcmp(vm_file->name, vm_name) != 0) {
        mc_log_error("domain XML '%s' holds domain '%s', not '%s'", a.vm_xml, vm_file->name,
                     vm_name);
        return MC_EXIT_USAGE;
    }

    struct mc_check_config cfg = {
        .rules = rules,
        .n_rules = nrules,
        .policy = policy,
        .strict = a.strict,
        .only = a.only,
        .skip = a.skip,
        .copts = &a.copts,
    };
    struct mc_report rep = { 0 };
    if (offline_facts) {
        if (load_snapshot(a.src_facts, "source", &src) < 0 ||
            load_snapshot(a.dst_facts, "destination", &dst) < 0)
            return MC_EXIT_USAGE;
        if (a.pair_facts) {
            _cleanup_error_ struct mc_error err = { 0 };
            if (mc_pair_load(a.pair_facts, &rel, &err) < 0) {
                mc_log_error("%s", err.message);
                return MC_EXIT_USAGE;
            }
        } else {
            rel = mc_pair_facts_new();
        }
        free(rel->src_agent);
        rel->src_agent = mc_xstrdup("snapshot");
        free(rel->dst_agent);
        rel->dst_agent = mc_xstrdup("snapshot");
        if (!src_name)
            src_name = src->name ? src->name : "source";
        if (!dst_name)
            dst_name = dst->name ? dst->name : "destination";
        if (!vm_file && !src->vm) {
            mc_log_error("snapshot '%s' holds no domain: gather it with 'migcheck facts --vm "
                         "NAME' or give --vm-xml FILE",
                         a.src_facts);
            return MC_EXIT_USAGE;
        }
        if (!vm_file && (vm_name || src->n_other_vms)) {
            /* A snapshot of several domains (facts --all-vms): the one named. */
            if (!vm_name || mc_host_select_vm(src, vm_name) < 0) {
                _cleanup_buf_ struct mc_buf names = MC_BUF_INIT;
                MC_HOST_FOREACH_VM (v, src)
                    mc_buf_printf(&names, "%s'%s'", names.len ? ", " : "", v->name ? v->name : "?");
                if (vm_name)
                    mc_log_error("snapshot '%s' holds no domain '%s' (it holds %s)", a.src_facts,
                                 vm_name, names.data);
                else
                    mc_log_error("snapshot '%s' holds %zu domains (%s): name one as VM",
                                 a.src_facts, mc_host_n_vms(src), names.data);
                return MC_EXIT_USAGE;
            }
        }
        if (vm_file) {
            /* --vm-xml replaces the domain of the source facts. */
            mc_vm_facts_free(src->vm);
            src->vm = TAKE_PTR(vm_file);
        }
        if (a.save_facts && save_facts(a.save_facts, src, dst, rel) < 0)
            return MC_EXIT_UNKNOWN;
        struct mc_check_input in = {
            .src = src,
            .dst = dst,
            .rel = rel,
            .src_name = src_name,
            .dst_name = dst_name,
            .vm_name = vm_name,
            .origin = MC_CHECK_SNAPSHOTS,
        };
        mc_check_judge(&cfg, &in, &rep);
        rep.exit_code = mc_verdict_exit(rep.verdict);
    } else {
        struct mc_hostset_opts ho = {
            .transport = a.transport,
            .remote_command = a.remote_command,
            .timeout_ms = a.timeout * 1000,
            .keep_unreachable = true, /* the report says which host did not answer, and why */
            .verbose = g.verbose,
            .insecure_no_verify = a.insecure_no_verify,
        };
        hs = mc_hostset_new(&ho);
        struct mc_host *hsrc = NULL, *hdst = NULL;
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_hostset_add(hs, src_name, &hsrc, &err) < 0 ||
            mc_hostset_add(hs, dst_name, &hdst, &err) < 0) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
        hsrc->want_vm = vm_name;
        hsrc->vm_override = vm_file;
        hdst->want_channel = !a.no_probe; /* the listener's session (gather/pair.c) */
        if (hdst->want_channel)
            hdst->listen_for = hsrc; /* and the listener started there at once */
        mc_interrupt_install();
        r = mc_hostset_open(hs, &err);
        if (mc_interrupt_signal())
            return interrupted(&hs);
        if (r == -ENOENT) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
        if (r < 0 && r != -EIO) { /* not about a host (no private directory for the sessions) */
            mc_log_error("%s", err.message);
            return MC_EXIT_UNKNOWN;
        }
        if (r < 0 || hsrc->rc < 0 || hdst->rc < 0) {
            /* A host did not answer, or the domain's facts are missing (-EIO): judge what can be
             * judged, so every format still prints a whole report. */
            if (r < 0)
                mc_log_error("%s", err.message);
            _cleanup_(mc_host_facts_freep) struct mc_host_facts *us = NULL, *ud = NULL;
            if (hsrc->rc < 0)
                us = unreached_facts(hsrc, vm_file);
            if (hdst->rc < 0)
                ud = unreached_facts(hdst, NULL);
            rel = unreached_pair(hsrc, hdst);
            struct mc_check_input in = {
                .src = us ? us : hsrc->facts,
                .dst = ud ? ud : hdst->facts,
                .rel = rel,
                .src_name = hsrc->spec.label,
                .dst_name = hdst->spec.label,
                .vm_name = vm_name,
                .origin = a.no_probe ? MC_CHECK_LIVE_NO_PROBE : MC_CHECK_LIVE,
            };
            mc_check_judge(&cfg, &in, &rep);
            rep.exit_code = mc_verdict_exit(rep.verdict);
            for (int k = 0; k < 2; k++) {
                const struct mc_host *h = k == 0 ? hsrc : hdst;
                if (h->rc < 0) {
                    _cleanup_free_ char *note = mc_xasprintf(
                        "'%s' did not answer: the rules that need its facts are unknown",
                        h->spec.label);
                    mc_strv_add(&rep.notes, note);
                }
            }
            if (a.save_facts && save_facts(a.save_facts, in.src, in.dst, rel) < 0)
                return MC_EXIT_UNKNOWN;
        } else {
            struct mc_check_run run = { 0 };
            r = mc_check_live(&cfg, hsrc, hdst, !a.no_probe, &run, &err);
            if (mc_interrupt_signal()) {
                mc_check_run_clear(&run);
                return interrupted(&hs);
            }
            if (r < 0) {
                mc_log_error("%s", err.message);
                return MC_EXIT_UNKNOWN;
            }
            if (a.save_facts && save_facts(a.save_facts, hsrc->facts, hdst->facts, run.rel) < 0) {
                mc_check_run_clear(&run);
                return MC_EXIT_UNKNOWN;
            }
            rep = run.report;
            memset(&run.report, 0, sizeof(run.report));
            mc_check_run_clear(&run);
        }
    }
    rep.seconds = mc_now() - start;
    int rc = rep.exit_code;
    if (mc_check_render(&rep, &g) < 0)
        rc = MC_EXIT_UNKNOWN;
    mc_report_clear(&rep);
    if (mc_interrupt_signal())
        return interrupted(&hs);
    return rc;
}
