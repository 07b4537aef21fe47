/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command line: one verb table, one option descriptor type. The tables
 * drive dispatch, --help, the hidden __complete verb (completions) and the
 * documentation tests.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

enum mc_color {
    MC_COLOR_AUTO,
    MC_COLOR_ALWAYS,
    MC_COLOR_NEVER,
};

struct mc_global {
    const char *format; /* NULL: the verb's default */
    enum mc_color color;
    int verbose;
    bool quiet;
};

/* One option: getopt_long's fields plus what help and completion need. */
struct mc_opt {
    const char *name;
    int has_arg; /* no_argument, required_argument, optional_argument */
    int val;     /* short option character, or a code >= 0x100 */
    const char *arg_name;
    const char *help;
    const char *const *values; /* fixed values for completion, NULL-terminated */
    bool hidden;
};

enum mc_verb_flags {
    MC_VERB_HIDDEN = 1u << 0,  /* not listed (internal) */
    MC_VERB_OFFLINE = 1u << 1, /* runs from snapshots alone */
    MC_VERB_MUTATES = 1u << 2, /* changes hosts: honours --dry-run */
};

struct mc_verb {
    const char *name;
    const char *args; /* synopsis after the verb name */
    const char *summary;
    unsigned flags;
    const struct mc_opt *opts; /* terminated by {0} */
    int (*run)(int argc, char **argv, const struct mc_global *g);
};

/* Options every verb takes (--help, --version, --format, --color, -v, -q). */
extern const struct mc_opt mc_global_opts[];
enum {
    MC_OPT_COLOR = 0x100,
    MC_OPT_VERSION,
    MC_OPT_FIRST_VERB_OPT = 0x200,
};

const struct mc_verb *mc_verbs(size_t *ret_n);
const struct mc_verb *mc_verb_find(const char *name);

/*
 * Parse argv for a verb: global options and the verb's own ones. handle is
 * called for each verb option; it returns 0 or a negative value to stop
 * with a usage error (it prints its own message). On return *optind_out is
 * the first operand. Returns 0, or 1 when --help/--version was handled
 * (exit 0), or -1 on a usage error (message printed).
 */
int mc_parse_options(const struct mc_verb *v, int argc, char **argv, struct mc_global *g,
                     int (*handle)(int c, const char *arg, void *userdata), void *userdata,
                     int *optind_out);
void mc_verb_usage(const struct mc_verb *v, FILE *f);
/* Should output to f use colour? */
bool mc_use_color(const struct mc_global *g, FILE *f);
/* "migcheck: <message>" on stderr. */
void mc_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_log_debug(const struct mc_global *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Verbs */
int verb_facts(int argc, char **argv, const struct mc_global *g);
int verb_check(int argc, char **argv, const struct mc_global *g);
int verb_rules(int argc, char **argv, const struct mc_global *g);
int verb_complete(int argc, char **argv, const struct mc_global *g);
int verb_agent(int argc, char **argv, const struct mc_global *g);
int verb_undo(int argc, char **argv, const struct mc_global *g);
extern const struct mc_opt verb_facts_opts[];
extern const struct mc_opt verb_check_opts[];
extern const struct mc_opt verb_rules_opts[];
extern const struct mc_opt verb_undo_opts[];
