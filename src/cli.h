/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command line: one verb table, one option descriptor type. The tables
 * drive dispatch, --help, the hidden __complete verb (completions) and the
 * documentation tests. Verbs share option rows: a row MC_OPT_INCLUDE(table)
 * stands for every row of another table (the migration options of check and
 * migrate, cli-migration.c), and a row with .alias set is another spelling of
 * an option (same val), listed with it in --help.
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
    const char *format; /* NULL: the verb's default (its first format) */
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
    /* Another spelling of the option with the same val (virsh's --copy-storage-all for
     * --copy-storage): accepted, completed, and shown in --help next to that option. */
    bool alias;
    /* Not an option: this row stands for every row of that table (shared rows). */
    const struct mc_opt *include;
};
/* A row that includes every row of another {0}-terminated table. */
#define MC_OPT_INCLUDE(table)                                                                      \
    {                                                                                              \
        .include = (table)                                                                         \
    }
/* Is o the {0} that ends a table? */
#define MC_OPT_IS_END(o) (!(o)->name && !(o)->include)

enum mc_verb_flags {
    MC_VERB_HIDDEN = 1u << 0,  /* not listed (internal) */
    MC_VERB_OFFLINE = 1u << 1, /* runs from snapshots alone */
    MC_VERB_MUTATES = 1u << 2, /* changes hosts: honours --dry-run */
};

struct mc_verb {
    const char *name;
    const char *args; /* synopsis after the verb name; '\n' separates further forms */
    const char *summary;
    unsigned flags;
    const struct mc_opt *opts; /* terminated by {0}; may include shared tables */
    int (*run)(int argc, char **argv, const struct mc_global *g);
    /* What --format accepts, the default first; NULL-terminated. NULL: no --format. */
    const char *const *formats;
    /* More for --help: operands, forms, exit status (plain text, may be NULL). */
    const char *description;
};

/* Options every verb takes (--help, --version, --format, --color, -v, -q). */
extern const struct mc_opt mc_global_opts[];
enum {
    MC_OPT_COLOR = 0x100,
    MC_OPT_VERSION,
    /* Codes of rows shared between verbs (cli-migration.c): 0x180..0x1ff. */
    MC_OPT_FIRST_SHARED = 0x180,
    MC_OPT_FIRST_VERB_OPT = 0x200,
};

const struct mc_verb *mc_verbs(size_t *ret_n);
const struct mc_verb *mc_verb_find(const char *name);
/* The verb used when the first operand names none. */
const struct mc_verb *mc_default_verb(void);

/*
 * Every option a verb accepts, in order: the global ones, then the verb's,
 * with included tables expanded (aliases included). NULL-terminated; free()
 * the array only. v may be NULL (the global options alone).
 */
const struct mc_opt **mc_verb_options(const struct mc_verb *v);

/*
 * The index of the first operand in argv[start..argc), skipping the options
 * of verb v (with their arguments) as the parser will. Returns argc when there
 * is none; an operand after "--" is reported through *ret_after_dashdash.
 */
int mc_first_operand(const struct mc_verb *v, int argc, char **argv, int start,
                     bool *ret_after_dashdash);

/*
 * Parse argv for a verb: global options and the verb's own ones. handle is
 * called for each verb option; it returns 0 or a negative value to stop
 * with a usage error (it prints its own message). On return *optind_out is
 * the first operand. Returns 0, or 1 when --help/--version was handled
 * (exit 0), or -1 on a usage error (message printed). --format is checked
 * against the verb's formats here.
 */
int mc_parse_options(const struct mc_verb *v, int argc, char **argv, struct mc_global *g,
                     int (*handle)(int c, const char *arg, void *userdata), void *userdata,
                     int *optind_out);
void mc_verb_usage(const struct mc_verb *v, FILE *f);
void mc_main_usage(FILE *f);
/* "Try 'migcheck VERB --help'." on stderr. */
void mc_try_help(const struct mc_verb *v);
/* The verb name closest to word (a typo), or NULL when none is close. */
const char *mc_suggest_verb(const char *word);
/* Should output to f use colour? */
bool mc_use_color(const struct mc_global *g, FILE *f);
/*
 * Columns to wrap text written to f at: the terminal's width when f is one,
 * else $COLUMNS when set, else 100; never less than 60.
 */
size_t mc_output_width(FILE *f);
/* --transport's values (check, cluster, migrate, provision): libvirt's URI transports. */
extern const char *const mc_transport_values[];
/* arg when it is one of mc_transport_values, else NULL (said on stderr). */
const char *mc_parse_transport(const char *arg);
/*
 * The argument of option opt ("--jobs") as a whole number from lo to hi: 0 with *ret set, else
 * -1, said on stderr ("invalid --jobs '0': expected a number from 1 to 256").
 */
int mc_parse_long_option(const char *opt, const char *arg, long lo, long hi, long *ret);
/* --host-timeout as check, provision and undo take it: seconds from 1 to 3600 (else -1, said). */
int mc_parse_host_timeout(const char *arg, int *ret);
/* "migcheck: <message>" on stderr. */
void mc_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_log_debug(const struct mc_global *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * --save-facts DIR (check, cluster): the directory opened, made 0700 when it is not there; -1
 * (said on stderr) unless it belongs to the effective user and no one else can write to it.
 * Files go in through O_EXCL|O_NOFOLLOW temporary names renamed into place, so a planted
 * symlink is replaced, never followed.
 */
int mc_save_dir_open(const char *dir);
int mc_save_file(int dfd, const char *dir, const char *name, const char *data, size_t len);

/* Verbs */
int verb_facts(int argc, char **argv, const struct mc_global *g);
int verb_check(int argc, char **argv, const struct mc_global *g);
int verb_rules(int argc, char **argv, const struct mc_global *g);
int verb_cluster(int argc, char **argv, const struct mc_global *g);
int verb_complete(int argc, char **argv, const struct mc_global *g);
int verb_agent(int argc, char **argv, const struct mc_global *g);
int verb_undo(int argc, char **argv, const struct mc_global *g);
int verb_help(int argc, char **argv, const struct mc_global *g);
int verb_version(int argc, char **argv, const struct mc_global *g);
int verb_migrate(int argc, char **argv, const struct mc_global *g);
int verb_provision(int argc, char **argv, const struct mc_global *g);
extern const struct mc_opt verb_facts_opts[];
extern const struct mc_opt verb_check_opts[];
extern const struct mc_opt verb_rules_opts[];
extern const struct mc_opt verb_undo_opts[];
extern const struct mc_opt verb_cluster_opts[];
extern const struct mc_opt verb_migrate_opts[];
extern const struct mc_opt verb_provision_opts[];
