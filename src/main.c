/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck: will this VM live-migrate from SRC to DST, why not, and what
 * fixes it. Dispatch through one verb table; the wrapper, not the verbs,
 * checks that stdout was written.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/xml-util.h"
#include "cli.h"
#include "config.h"
#include "exit-codes.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static const char *const format_values[] = { "text", "json", "junit", "xml", "man", "html", NULL };
static const char *const color_values[] = { "auto", "always", "never", NULL };

const struct mc_opt mc_global_opts[] = {
    { "help", no_argument, 'h', NULL, "show this help and exit", NULL, false },
    { "version", no_argument, MC_OPT_VERSION, NULL, "show the version and exit", NULL, false },
    { "format", required_argument, 'f', "FORMAT", "output format (each verb says which)",
      format_values, false },
    { "color", optional_argument, MC_OPT_COLOR, "WHEN",
      "colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never",
      color_values, false },
    { "verbose", no_argument, 'v', NULL, "say more on stderr (timings, probes); repeatable", NULL,
      false },
    { "quiet", no_argument, 'q', NULL, "print only problems and the verdict", NULL, false },
    { 0 },
};

static const char *const check_formats[] = { "text", "json", "junit", NULL };
static const char *const facts_formats[] = { "xml", "json", NULL };
static const char *const rules_formats[] = { "text", "json", "man", NULL };
static const char *const cluster_formats[] = { "text", "json", "junit", "html", NULL };
static const char *const migrate_formats[] = { "text", "json", NULL };
static const char *const provision_formats[] = { "text", "xml", NULL };

static const struct mc_verb verbs[] = {
    {
        .name = "check",
        .args = "[OPTIONS] SRC DST VM\n"
                "[OPTIONS] -c SRC DST VM\n"
                "[OPTIONS] --src-facts FILE --dst-facts FILE [--vm-xml FILE] [--pair-facts FILE] "
                "[VM]",
        .summary = "say whether VM will live-migrate from SRC to DST, why not, and what fixes "
                   "it (the default verb)",
        .flags = MC_VERB_OFFLINE,
        .opts = verb_check_opts,
        .run = verb_check,
        .formats = check_formats,
        .description =
            "SRC and DST are hosts: [user@]host[:port] (ssh; IPv6 in brackets), a libvirt URI\n"
            "(qemu+ssh://root@kvm1/system, qemu+tcp://kvm1/system), or 'local'. VM is the\n"
            "domain's name. Both hosts are inspected over ssh and libvirt, read-only.\n"
            "With -c/--connect SRC (virsh's -c URI) the operands are DST VM.\n"
            "\n"
            "virsh migrate's flags (--live, --copy-storage-all, --copy-storage-inc,\n"
            "--persistent, --undefinesource, --unsafe, --p2p, --tunnelled) describe the\n"
            "migration to predict: each changes what is judged as libvirt would.\n"
            "\n"
            "The second form checks offline, from snapshots written by 'migcheck facts'\n"
            "(--vm NAME on the source, or the domain as --vm-xml FILE): rules that need live\n"
            "probes are skipped unless --pair-facts gives recorded ones.\n"
            "\n"
            "Exit status: 0 migratable (warnings allowed unless --strict), 1 blocked,\n"
            "2 usage error or bad input, 3 could not decide (a host unreachable, facts\n"
            "missing).\n",
    },
    {
        .name = "facts",
        .args = "[--connect URI] [--vm NAME] [--format xml|json]",
        .summary = "print a snapshot of this host's facts (OS, libvirt, mounts, storage, network, "
                   "a VM)",
        .flags = MC_VERB_OFFLINE,
        .opts = verb_facts_opts,
        .run = verb_facts,
        .formats = facts_formats,
    },
    {
        .name = "cluster",
        .args = "--facts DIR [--drain HOST] [--vm NAME] [OPTIONS]",
        .summary = "where each domain of a cluster can live-migrate, why not, and a plan to drain "
                   "a host",
        .flags = MC_VERB_OFFLINE,
        .opts = verb_cluster_opts,
        .run = verb_cluster,
        .formats = cluster_formats,
    },
    {
        .name = "rules",
        .args = "[ID] [--format text|json|man]",
        .summary = "list the rule catalogue, or explain one rule",
        .flags = MC_VERB_OFFLINE,
        .opts = verb_rules_opts,
        .run = verb_rules,
        .formats = rules_formats,
    },
    {
        .name = "migrate",
        .args = "[OPTIONS] SRC DST VM",
        .summary = "fix what can be fixed and move VM from SRC to DST, undoing everything on a "
                   "failure",
        .flags = MC_VERB_MUTATES,
        .opts = verb_migrate_opts,
        .run = verb_migrate,
        .formats = migrate_formats,
    },
    {
        .name = "provision",
        .args = "[OPTIONS] SRC DST VM --storage [USER@]HOST[:DIR]\n--resume JOURNAL",
        .summary = "make VM's storage shared between SRC and DST on a storage host (NFS or "
                   "iSCSI), moving its disks there, live if it runs",
        .flags = MC_VERB_MUTATES,
        .opts = verb_provision_opts,
        .run = verb_provision,
        .formats = provision_formats,
    },
    {
        .name = "undo",
        .args = "[OPTIONS] JOURNAL",
        .summary = "undo a migrate or provision run from its journal (finished, interrupted or "
                   "killed)",
        .opts = verb_undo_opts,
        .run = verb_undo,
    },
    {
        .name = "help",
        .args = "[VERB]",
        .summary = "show the verbs and global options, or one verb's options",
        .flags = MC_VERB_OFFLINE,
        .run = verb_help,
    },
    {
        .name = "version",
        .args = "",
        .summary = "show migcheck's version",
        .flags = MC_VERB_OFFLINE,
        .run = verb_version,
    },
    {
        .name = "__agent",
        .args = "",
        .summary = "answer check's requests on this host (internal)",
        .flags = MC_VERB_HIDDEN,
        .run = verb_agent,
    },
    {
        .name = "__complete",
        .args = "WORDS...",
        .summary = "completion candidates for the shell completions",
        .flags = MC_VERB_HIDDEN,
        .run = verb_complete,
    },
};

const struct mc_verb *mc_verbs(size_t *ret_n)
{
    *ret_n = ARRAY_SIZE(verbs);
    return verbs;
}

const struct mc_verb *mc_verb_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    return NULL;
}

const struct mc_verb *mc_default_verb(void)
{
    return &verbs[0];
}

static void unknown_verb(const char *word)
{
    const char *s = mc_suggest_verb(word);
    if (s)
        mc_log_error("unknown verb '%s' (did you mean '%s'?)", word, s);
    else
        mc_log_error("unknown verb '%s'", word);
    fprintf(stderr, "Try 'migcheck help' for the verbs, or 'migcheck SRC DST VM' to check a "
                    "migration.\n");
}

int verb_help(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    int first;
    int r = mc_parse_options(mc_verb_find("help"), argc, argv, &g, NULL, NULL, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    if (argc - first > 1) {
        mc_log_error("unexpected argument '%s': 'migcheck help' explains one verb",
                     argv[first + 1]);
        return MC_EXIT_USAGE;
    }
    if (argc - first == 0) {
        mc_main_usage(stdout);
        return MC_EXIT_OK;
    }
    const struct mc_verb *v = mc_verb_find(argv[first]);
    if (!v) {
        unknown_verb(argv[first]);
        return MC_EXIT_USAGE;
    }
    mc_verb_usage(v, stdout);
    return MC_EXIT_OK;
}

int verb_version(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    int first;
    int r = mc_parse_options(mc_verb_find("version"), argc, argv, &g, NULL, NULL, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    if (first < argc) {
        mc_log_error("unexpected argument '%s'", argv[first]);
        return MC_EXIT_USAGE;
    }
    printf("migcheck %s\n", MIGCHECK_VERSION);
    return MC_EXIT_OK;
}

/* git's run_builtin(): a report that could not be written is a failure. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        /* The reader went away ("migcheck rules | head"): nothing to complain about. */
        if (e == EPIPE)
            return rc;
        mc_log_error("cannot write to standard output: %s", strerror(e ? e : EIO));
        return rc == MC_EXIT_OK ? MC_EXIT_UNKNOWN : rc;
    }
    if (fclose(stdout) != 0) {
        if (errno == EPIPE)
            return rc;
        mc_log_error("cannot write to standard output: %s", strerror(errno));
        return rc == MC_EXIT_OK ? MC_EXIT_UNKNOWN : rc;
    }
    return rc;
}

/* Was one of the options in argv[1..end) given (by its long name, or the short one)? */
static bool given(int end, char **argv, const char *name, int shortopt)
{
    size_t len = strlen(name);
    for (int i = 1; i < end; i++) {
        const char *w = argv[i];
        if (w[0] == '-' && w[1] == '-' && strncmp(w + 2, name, len) == 0 &&
            (w[2 + len] == '\0' || w[2 + len] == '='))
            return true;
        if (shortopt && w[0] == '-' && w[1] != '-' && strchr(w + 1, shortopt))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    /* A peer that goes away must give EPIPE, not kill us mid-report. */
    signal(SIGPIPE, SIG_IGN);
    mc_xml_init();

    struct mc_global g = { .color = MC_COLOR_AUTO };
    if (argc < 2) {
        mc_main_usage(stderr);
        return MC_EXIT_USAGE;
    }
    const struct mc_verb *v = mc_verb_find(argv[1]);
    if (v)
        return finish_stdout(v->run(argc - 1, argv + 1, &g));

    /* Options may come before the verb ("migcheck --format json rules"): the first operand,
     * skipping the options of the default verb (the only ones that can come first), is the
     * verb when it names one. Its options move behind it, for its own parser. */
    const struct mc_verb *dflt = mc_default_verb();
    bool after_dashdash;
    int i = mc_first_operand(dflt, argc, argv, 1, &after_dashdash);
    if (i < argc && !after_dashdash && (v = mc_verb_find(argv[i]))) {
        _cleanup_free_ char **nargv = mc_new0(char *, (size_t)argc + 1);
        int n = 0;
        nargv[n++] = argv[i];
        for (int k = 1; k < argc; k++)
            if (k != i)
                nargv[n++] = argv[k];
        return finish_stdout(v->run(n, nargv, &g));
    }
    if (i == argc && given(argc, argv, "help", 'h')) {
        mc_main_usage(stdout);
        return finish_stdout(MC_EXIT_OK);
    }
    if (i == argc && given(argc, argv, "version", 0)) {
        printf("migcheck %s\n", MIGCHECK_VERSION);
        return finish_stdout(MC_EXIT_OK);
    }
    /* The default verb, unless its first operand is a mistyped verb: "migcheck chek a b vm",
     * "migcheck rulse". One operand cannot be a live check (SRC DST VM); with snapshots
     * (--src-facts, --dst-facts) the operands are optional. */
    if (i < argc && !after_dashdash) {
        int nops = 0;
        for (int k = i; k < argc; k = mc_first_operand(dflt, argc, argv, k + 1, NULL))
            nops++;
        bool snapshots = given(argc, argv, "src-facts", 0) || given(argc, argv, "dst-facts", 0);
        if (!snapshots && (nops == 1 || (nops != 3 && mc_suggest_verb(argv[i])))) {
            unknown_verb(argv[i]);
            return MC_EXIT_USAGE;
        }
    }
    /* The default verb sees every argument. */
    return finish_stdout(dflt->run(argc, argv, &g));
}
