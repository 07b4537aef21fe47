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
#include "util/utf8.h"
#include "util/xalloc.h"

static const char *const format_values[] = { "text", "json", "junit", "xml", NULL };
static const char *const color_values[] = { "auto", "always", "never", NULL };

const struct mc_opt mc_global_opts[] = {
    { "help", no_argument, 'h', NULL, "show this help and exit", NULL, false },
    { "version", no_argument, MC_OPT_VERSION, NULL, "show the version and exit", NULL, false },
    { "format", required_argument, 'f', "FORMAT", "output format (verb-specific)", format_values,
      false },
    { "color", optional_argument, MC_OPT_COLOR, "WHEN",
      "colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never",
      color_values, false },
    { "verbose", no_argument, 'v', NULL, "say more on stderr (timings, probes); repeatable", NULL,
      false },
    { "quiet", no_argument, 'q', NULL, "print only problems and the verdict", NULL, false },
    { 0 },
};

static const struct mc_verb verbs[] = {
    { "check", "[OPTIONS] SRC DST VM",
      "say whether VM will live-migrate from SRC to DST, why not, and what fixes it (the default "
      "verb)",
      MC_VERB_OFFLINE, verb_check_opts, verb_check },
    { "facts", "[--connect URI] [--vm NAME] [--format xml|json]",
      "print a snapshot of this host's facts (OS, libvirt, mounts, storage, network, a VM)",
      MC_VERB_OFFLINE, verb_facts_opts, verb_facts },
    { "rules", "[ID] [--format text|json|man]", "list the rule catalogue, or explain one rule",
      MC_VERB_OFFLINE, verb_rules_opts, verb_rules },
    { "undo", "[OPTIONS] JOURNAL",
      "undo a migrate or provision run from its journal (finished, interrupted or killed)", 0,
      verb_undo_opts, verb_undo },
    { "__agent", "", "answer check's requests on this host (internal)", MC_VERB_HIDDEN, NULL,
      verb_agent },
    { "__complete", "WORDS...", "completion candidates for the shell completions", MC_VERB_HIDDEN,
      NULL, verb_complete },
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

/* Messages may carry text from remote hosts: escaped, as the report escapes it. */
static void vlog(const char *level, const char *fmt, va_list ap)
{
    _cleanup_free_ char *msg = mc_xvasprintf(fmt, ap);
    _cleanup_free_ char *safe = mc_utf8_escaped(msg);
    fprintf(stderr, "migcheck: %s%s\n", level ? level : "", safe);
}

void mc_log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(NULL, fmt, ap);
    va_end(ap);
}

void mc_log_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("warning: ", fmt, ap);
    va_end(ap);
}

void mc_log_debug(const struct mc_global *g, const char *fmt, ...)
{
    if (!g || g->verbose < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("debug: ", fmt, ap);
    va_end(ap);
}

bool mc_use_color(const struct mc_global *g, FILE *f)
{
    if (g->color == MC_COLOR_ALWAYS)
        return true;
    if (g->color == MC_COLOR_NEVER)
        return false;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(f));
}

static void print_opts(FILE *f, const struct mc_opt *opts)
{
    for (const struct mc_opt *o = opts; o && o->name; o++) {
        if (o->hidden)
            continue;
        char left[64];
        const char *arg = o->arg_name ? o->arg_name : "ARG";
        if (o->has_arg == required_argument)
            snprintf(left, sizeof(left), "--%s=%s", o->name, arg);
        else if (o->has_arg == optional_argument)
            snprintf(left, sizeof(left), "--%s[=%s]", o->name, arg);
        else
            snprintf(left, sizeof(left), "--%s", o->name);
        if (o->val > 0 && o->val < 0x100)
            fprintf(f, "  -%c, %-28s %s\n", o->val, left, o->help);
        else
            fprintf(f, "      %-28s %s\n", left, o->help);
    }
}

static void usage_main(FILE *f)
{
    size_t n;
    const struct mc_verb *v = mc_verbs(&n);
    fprintf(f, "Usage: migcheck [OPTIONS] SRC DST VM\n"
               "       migcheck VERB [OPTIONS] [ARGS...]\n"
               "\n"
               "Predict whether a libvirt/KVM virtual machine will live-migrate, why not,\n"
               "and what fixes it.\n"
               "\nVerbs:\n");
    for (size_t i = 0; i < n; i++)
        if (!(v[i].flags & MC_VERB_HIDDEN))
            fprintf(f, "  %-10s %s\n", v[i].name, v[i].summary);
    fprintf(f, "\nOptions:\n");
    print_opts(f, mc_global_opts);
    fprintf(f, "\nSee migcheck(1) and 'migcheck VERB --help'.\n");
}

void mc_verb_usage(const struct mc_verb *v, FILE *f)
{
    fprintf(f, "Usage: migcheck %s %s\n\n%s\n\nOptions:\n", v->name, v->args, v->summary);
    print_opts(f, v->opts);
    print_opts(f, mc_global_opts);
}

static int global_option(int c, const char *arg, struct mc_global *g)
{
    switch (c) {
    case 'f':
        g->format = arg;
        return 1;
    case MC_OPT_COLOR:
        if (!arg || strcmp(arg, "always") == 0)
            g->color = MC_COLOR_ALWAYS;
        else if (strcmp(arg, "auto") == 0)
            g->color = MC_COLOR_AUTO;
        else if (strcmp(arg, "never") == 0)
            g->color = MC_COLOR_NEVER;
        else {
            mc_log_error("invalid --color value '%s': expected auto, always or never", arg);
            return -1;
        }
        return 1;
    case 'v':
        g->verbose++;
        return 1;
    case 'q':
        g->quiet = true;
        return 1;
    default:
        return 0;
    }
}

static void add_opts(struct option **lo, size_t *nlo, char **shortopts, const struct mc_opt *o)
{
    for (; o && o->name; o++) {
        *lo = mc_xreallocarray(*lo, *nlo + 2, sizeof(struct option));
        (*lo)[(*nlo)++] = (struct option){ o->name, o->has_arg, NULL, o->val };
        memset(&(*lo)[*nlo], 0, sizeof(struct option));
        if (o->val > 0 && o->val < 0x100) {
            char s[4] = { (char)o->val, 0, 0, 0 };
            if (o->has_arg == required_argument)
                s[1] = ':';
            else if (o->has_arg == optional_argument)
                s[1] = s[2] = ':';
            char *n = mc_xasprintf("%s%s", *shortopts, s);
            free(*shortopts);
            *shortopts = n;
        }
    }
}

int mc_parse_options(const struct mc_verb *v, int argc, char **argv, struct mc_global *g,
                     int (*handle)(int c, const char *arg, void *userdata), void *userdata,
                     int *optind_out)
{
    _cleanup_free_ struct option *lo = NULL;
    _cleanup_free_ char *shortopts = mc_xstrdup("+");
    size_t nlo = 0;
    add_opts(&lo, &nlo, &shortopts, mc_global_opts);
    add_opts(&lo, &nlo, &shortopts, v->opts);
    optind = 1;
    opterr = 0;
    int c;
    /* Options may follow operands ("migcheck a b vm --format json"): permute. */
    shortopts[0] = '-';
    _cleanup_free_ char **operands = mc_new0(char *, (size_t)argc + 1);
    int nops = 0;
    while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
        if (c == 1) {
            operands[nops++] = optarg;
            continue;
        }
        if (c == '?' || c == ':') {
            if (optopt && optopt < 0x100 && optopt > 0)
                mc_log_error("invalid option '-%c'", optopt);
            else
                mc_log_error("invalid option or missing argument: '%s'", argv[optind - 1]);
            fprintf(stderr, "Try 'migcheck %s --help'.\n", v->name);
            return -1;
        }
        if (c == 'h') {
            mc_verb_usage(v, stdout);
            return 1;
        }
        if (c == MC_OPT_VERSION) {
            printf("migcheck %s\n", MIGCHECK_VERSION);
            return 1;
        }
        int r = global_option(c, optarg, g);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!handle || handle(c, optarg, userdata) < 0) {
            fprintf(stderr, "Try 'migcheck %s --help'.\n", v->name);
            return -1;
        }
    }
    /* Everything after "--" is an operand. */
    while (optind < argc)
        operands[nops++] = argv[optind++];
    int first = argc - nops;
    for (int i = 0; i < nops; i++)
        argv[first + i] = operands[i];
    *optind_out = first;
    return 0;
}

/* git's run_builtin(): a report that could not be written is a failure. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        mc_log_error("cannot write to standard output: %s", strerror(e ? e : EIO));
        return rc == MC_EXIT_OK ? MC_EXIT_UNKNOWN : rc;
    }
    if (fclose(stdout) != 0) {
        mc_log_error("cannot write to standard output: %s", strerror(errno));
        return rc == MC_EXIT_OK ? MC_EXIT_UNKNOWN : rc;
    }
    return rc;
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
        usage_main(stderr);
        return MC_EXIT_USAGE;
    }
    const struct mc_verb *v = mc_verb_find(argv[1]);
    if (!v) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            usage_main(stdout);
            return finish_stdout(MC_EXIT_OK);
        }
        if (strcmp(argv[1], "--version") == 0) {
            printf("migcheck %s\n", MIGCHECK_VERSION);
            return finish_stdout(MC_EXIT_OK);
        }
        v = mc_verb_find("check");
        if (!v) {
            mc_log_error("unknown verb '%s'", argv[1]);
            usage_main(stderr);
            return MC_EXIT_USAGE;
        }
        /* The default verb sees every argument. */
        return finish_stdout(v->run(argc, argv, &g));
    }
    return finish_stdout(v->run(argc - 1, argv + 1, &g));
}
