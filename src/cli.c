/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command-line machinery every verb shares: option tables (with shared
 * rows and aliases) flattened for getopt_long, messages that name the option
 * as it was typed, --help text, verb suggestions for typos, the output width
 * and the log functions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define DEFAULT_WIDTH 100
#define MIN_WIDTH     60
#define MAX_WIDTH     400

/* ---- logging ---- */

/* Messages may carry text from remote hosts: escaped, as the report escapes it. */
__attribute__((format(printf, 2, 0))) static void vlog(const char *level, const char *fmt,
                                                       va_list ap)
{
    _cleanup_free_ char *msg = mc_xvasprintf(fmt, ap);
    _cleanup_free_ char *safe = mc_utf8_escaped(msg);
    fprintf(stderr, "migcheck: %s%s\n", level ? level : "", safe);
}

const char *const mc_transport_values[] = { "ssh", "tcp", "tls", "libssh", "libssh2", NULL };

const char *mc_parse_transport(const char *arg)
{
    for (const char *const *t = mc_transport_values; *t; t++)
        if (strcmp(*t, arg) == 0)
            return arg;
    mc_log_error("invalid transport '%s': expected ssh, tcp, tls, libssh or libssh2", arg);
    return NULL;
}

/* arg as a whole number from lo to hi, with nothing after it. */
static bool long_in_range(const char *arg, long lo, long hi, long *ret)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || end == arg || v < lo || v > hi)
        return false;
    *ret = v;
    return true;
}

int mc_parse_long_option(const char *opt, const char *arg, long lo, long hi, long *ret)
{
    if (!long_in_range(arg, lo, hi, ret)) {
        mc_log_error("invalid %s '%s': expected a number from %ld to %ld", opt, arg, lo, hi);
        return -1;
    }
    return 0;
}

int mc_parse_host_timeout(const char *arg, int *ret)
{
    long v;
    if (!long_in_range(arg, 1, 3600, &v)) {
        mc_log_error("invalid --host-timeout '%s': expected seconds between 1 and 3600", arg);
        return -1;
    }
    *ret = (int)v;
    return 0;
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

size_t mc_output_width(FILE *f)
{
    size_t w = 0;
    struct winsize ws;
    if (f && isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    if (!w) {
        const char *c = getenv("COLUMNS");
        char *end;
        long v = c && *c ? strtol(c, &end, 10) : 0;
        if (c && *c && !*end && v > 0)
            w = (size_t)(v > MAX_WIDTH ? MAX_WIDTH : v);
    }
    if (!w)
        w = DEFAULT_WIDTH;
    return w < MIN_WIDTH ? MIN_WIDTH : w;
}

/* ---- option tables ---- */

static void flatten(const struct mc_opt *t, const struct mc_opt ***v, size_t *n, int depth)
{
    for (const struct mc_opt *o = t; o && !MC_OPT_IS_END(o); o++) {
        if (o->include) {
            if (depth < 4)
                flatten(o->include, v, n, depth + 1);
            continue;
        }
        *v = mc_xreallocarray(*v, *n + 2, sizeof(**v));
        (*v)[(*n)++] = o;
        (*v)[*n] = NULL;
    }
}

const struct mc_opt **mc_verb_options(const struct mc_verb *v)
{
    const struct mc_opt **all = mc_new0(const struct mc_opt *, 1);
    size_t n = 0;
    flatten(mc_global_opts, &all, &n, 0);
    if (v)
        flatten(v->opts, &all, &n, 0);
    return all;
}

/* Rows whose long name is name (exactly), or else starts with it (getopt_long's abbreviations).
 * Returns the row when exactly one option (one val) matches, NULL otherwise; *ret_ambiguous
 * tells two different options apart from none. */
static const struct mc_opt *find_long(const struct mc_opt **all, const char *name, size_t len,
                                      bool *ret_ambiguous)
{
    const struct mc_opt *hit = NULL;
    bool ambiguous = false;
    for (size_t i = 0; all[i]; i++)
        if (strlen(all[i]->name) == len && strncmp(all[i]->name, name, len) == 0) {
            *ret_ambiguous = false;
            return all[i];
        }
    for (size_t i = 0; all[i]; i++)
        if (strncmp(all[i]->name, name, len) == 0) {
            if (hit && hit->val != all[i]->val)
                ambiguous = true;
            else if (!hit)
                hit = all[i];
        }
    *ret_ambiguous = ambiguous;
    return ambiguous ? NULL : hit;
}

static const struct mc_opt *find_short(const struct mc_opt **all, int c)
{
    for (size_t i = 0; all[i]; i++)
        if (all[i]->val == c)
            return all[i];
    return NULL;
}

int mc_first_operand(const struct mc_verb *v, int argc, char **argv, int start,
                     bool *ret_after_dashdash)
{
    _cleanup_free_ const struct mc_opt **all = mc_verb_options(v);
    if (ret_after_dashdash)
        *ret_after_dashdash = false;
    for (int i = start; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--") == 0) {
            if (ret_after_dashdash)
                *ret_after_dashdash = true;
            return i + 1 < argc ? i + 1 : argc;
        }
        if (w[0] != '-' || w[1] == '\0')
            return i;
        if (w[1] == '-') {
            const char *eq = strchr(w + 2, '=');
            size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
            bool amb;
            const struct mc_opt *o = find_long(all, w + 2, len, &amb);
            if (o && o->has_arg == required_argument && !eq)
                i++;
            continue;
        }
        /* A cluster of short options: one that takes a value takes the rest of the word, or
         * the next word. */
        for (const char *p = w + 1; *p; p++) {
            const struct mc_opt *o = find_short(all, (unsigned char)*p);
            if (o && o->has_arg == required_argument) {
                if (!p[1])
                    i++;
                break;
            }
        }
    }
    return argc;
}

/* ---- suggestions ---- */

/* Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 64;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t m = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < m)
                m = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < m)
                m = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < m)
                m = d[i - 2][j - 2] + 1;
            d[i][j] = m;
        }
    return d[la][lb];
}

/* Close enough to be a typo of cand: at most 2 edits, and fewer than half its letters. */
static bool close_to(const char *word, const char *cand)
{
    size_t d = distance(word, cand);
    size_t l = strlen(cand);
    return d <= 2 && d * 2 < l;
}

const char *mc_suggest_verb(const char *word)
{
    size_t n;
    const struct mc_verb *v = mc_verbs(&n);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < n; i++) {
        if (v[i].flags & MC_VERB_HIDDEN)
            continue;
        size_t d = distance(word, v[i].name);
        if (close_to(word, v[i].name) && d < bestd) {
            best = v[i].name;
            bestd = d;
        }
    }
    return best;
}

static const char *suggest_option(const struct mc_opt **all, const char *name, size_t len)
{
    _cleanup_free_ char *w = mc_xstrndup(name, len);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; all[i]; i++) {
        if (all[i]->hidden)
            continue;
        size_t d = distance(w, all[i]->name);
        if (close_to(w, all[i]->name) && d < bestd) {
            best = all[i]->name;
            bestd = d;
        }
    }
    return best;
}

/* ---- help ---- */

static const char *verb_display_name(const struct mc_verb *v)
{
    return v ? v->name : "";
}

void mc_try_help(const struct mc_verb *v)
{
    if (v)
        fprintf(stderr, "Try 'migcheck %s --help'.\n", v->name);
    else
        fprintf(stderr, "Try 'migcheck --help'.\n");
}

/* text at column col of a line, word-wrapped at width; further lines start at indent. */
static void wrap_print(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
    const char *p = text;
    size_t c = col;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " ");
        if (!first && c + 1 + wl > width) {
            fputc('\n', f);
            for (size_t i = 0; i < indent; i++)
                fputc(' ', f);
            c = indent;
        } else if (!first) {
            fputc(' ', f);
            c++;
        }
        fwrite(p, 1, wl, f);
        c += wl;
        p += wl;
        first = false;
    }
}

static size_t help_width(FILE *f)
{
    size_t w = mc_output_width(f);
    return w > 100 ? 100 : w;
}

static void print_formats(FILE *f, const char *const *formats)
{
    for (size_t i = 0; formats[i]; i++)
        fprintf(f, "%s%s%s",
                i == 0           ? ""
                : formats[i + 1] ? ", "
                                 : " or ",
                formats[i], i == 0 ? " (default)" : "");
}

/* One option line (and its aliases) of --help. */
static void print_opt(FILE *f, const struct mc_opt **all, size_t k, const struct mc_verb *v,
                      size_t width)
{
    const struct mc_opt *o = all[k];
    const char *arg = o->arg_name ? o->arg_name : "ARG";
    _cleanup_free_ char *left = NULL;
    if (o->has_arg == required_argument)
        left = mc_xasprintf("--%s=%s", o->name, arg);
    else if (o->has_arg == optional_argument)
        left = mc_xasprintf("--%s[=%s]", o->name, arg);
    else
        left = mc_xasprintf("--%s", o->name);
    for (size_t i = 0; all[i]; i++)
        if (i != k && all[i]->alias && all[i]->val == o->val) {
            char *n = mc_xasprintf("%s, --%s", left, all[i]->name);
            free(left);
            left = n;
        }
    char shortopt[8] = "    ";
    if (o->val > 0 && o->val < 0x100)
        snprintf(shortopt, sizeof(shortopt), "-%c, ", o->val);
    /* The help text in a column from 34, wrapped; a long left part gets a line of its own. */
    const size_t col = 34;
    size_t used = 2 + strlen(shortopt) + strlen(left);
    fprintf(f, "  %s%s", shortopt, left);
    _cleanup_free_ char *help = NULL;
    if (o->val == 'f' && v && v->formats) {
        FILE *m = NULL;
        char *buf = NULL;
        size_t len = 0;
        m = open_memstream(&buf, &len);
        if (m) {
            fputs("output format: ", m);
            print_formats(m, v->formats);
            fclose(m);
        }
        help = buf;
    } else {
        help = mc_xstrdup(o->help ? o->help : "");
    }
    if (used + 1 > col) {
        fputc('\n', f);
        used = 0;
    }
    for (; used < col; used++)
        fputc(' ', f);
    wrap_print(f, help, col, col, width);
    fputc('\n', f);
}

static void print_opts(FILE *f, const struct mc_opt *table, const struct mc_verb *v)
{
    _cleanup_free_ const struct mc_opt **all = mc_new0(const struct mc_opt *, 1);
    size_t n = 0;
    flatten(table, &all, &n, 0);
    size_t width = help_width(f);
    for (size_t k = 0; k < n; k++) {
        if (all[k]->hidden || all[k]->alias)
            continue;
        if (all[k]->val == 'f' && v && !v->formats)
            continue; /* a verb without formats has no --format */
        print_opt(f, all, k, v, width);
    }
}

static void print_synopsis(FILE *f, const struct mc_verb *v)
{
    const char *p = v->args ? v->args : "";
    bool first = true;
    size_t width = help_width(f);
    do {
        size_t l = strcspn(p, "\n");
        _cleanup_free_ char *line = mc_xstrndup(p, l);
        fprintf(f, "%s migcheck %s", first ? "Usage:" : "      ", v->name);
        size_t col = strlen("Usage: migcheck ") + strlen(v->name);
        if (l) {
            fputc(' ', f);
            wrap_print(f, line, col + 1, col + 1, width);
        }
        fputc('\n', f);
        p += l;
        if (*p == '\n')
            p++;
        first = false;
    } while (*p);
}

void mc_main_usage(FILE *f)
{
    size_t n;
    const struct mc_verb *v = mc_verbs(&n);
    fprintf(f, "Usage: migcheck [OPTIONS] SRC DST VM\n"
               "       migcheck [OPTIONS] VERB [OPTIONS] [ARGS...]\n"
               "\n"
               "Predict whether a libvirt/KVM virtual machine will live-migrate, why not,\n"
               "and what fixes it.\n"
               "\nVerbs:\n");
    for (size_t i = 0; i < n; i++)
        if (!(v[i].flags & MC_VERB_HIDDEN)) {
            fprintf(f, "  %-10s ", v[i].name);
            wrap_print(f, v[i].summary, 13, 13, help_width(f));
            fputc('\n', f);
        }
    fprintf(f, "\nOptions (before or after the verb):\n");
    print_opts(f, mc_global_opts, NULL);
    fprintf(f, "\nSee 'migcheck help VERB' (or 'migcheck VERB --help') and migcheck(1).\n");
}

void mc_verb_usage(const struct mc_verb *v, FILE *f)
{
    print_synopsis(f, v);
    fputc('\n', f);
    _cleanup_free_ char *summary =
        mc_xasprintf("%c%s.", toupper((unsigned char)v->summary[0]), v->summary + 1);
    wrap_print(f, summary, 0, 0, help_width(f));
    fputc('\n', f);
    if (v->description)
        fprintf(f, "\n%s", v->description);
    bool any = false;
    for (const struct mc_opt *o = v->opts; o && !MC_OPT_IS_END(o); o++)
        any = true;
    if (any) {
        fprintf(f, "\nOptions:\n");
        print_opts(f, v->opts, v);
    }
    fprintf(f, "\nGlobal options:\n");
    print_opts(f, mc_global_opts, v);
}

/* ---- parsing ---- */

static int global_option(const struct mc_verb *v, int c, const char *arg, struct mc_global *g)
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
        (void)v;
        return 0;
    }
}

/* The message for what getopt_long refused, naming the option as it was typed. */
static void option_error(const struct mc_opt **all, int c, int opt, const char *word)
{
    if (word && word[0] == '-' && word[1] == '-') {
        const char *name = word + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        bool amb = false;
        const struct mc_opt *o = find_long(all, name, len, &amb);
        if (amb) {
            _cleanup_free_ char *cands = mc_xstrdup("");
            for (size_t i = 0; all[i]; i++)
                if (!all[i]->hidden && strncmp(all[i]->name, name, len) == 0) {
                    char *n = mc_xasprintf("%s%s--%s", cands, *cands ? ", " : "", all[i]->name);
                    free(cands);
                    cands = n;
                }
            mc_log_error("option '--%.*s' is ambiguous: %s", (int)len, name, cands);
        } else if (o && c == ':')
            mc_log_error("'--%s' needs a value", o->name);
        else if (o && eq && o->has_arg == no_argument)
            mc_log_error("'--%s' takes no value", o->name);
        else {
            const char *s = suggest_option(all, name, len);
            if (s)
                mc_log_error("option '--%.*s' is not recognised (did you mean '--%s'?)", (int)len,
                             name, s);
            else
                mc_log_error("option '--%.*s' is not recognised", (int)len, name);
        }
        return;
    }
    if (opt > 0 && opt < 0x100 && find_short(all, opt) && c == ':')
        mc_log_error("'-%c' needs a value", opt);
    else if (opt > 0 && opt < 0x100)
        mc_log_error("option '-%c' is not recognised", opt);
    else
        mc_log_error("option '%s' is not recognised", word ? word : "?");
}

int mc_parse_options(const struct mc_verb *v, int argc, char **argv, struct mc_global *g,
                     int (*handle)(int c, const char *arg, void *userdata), void *userdata,
                     int *optind_out)
{
    _cleanup_free_ const struct mc_opt **all = mc_verb_options(v);
    size_t n = 0;
    while (all[n])
        n++;
    _cleanup_free_ struct option *lo = mc_new0(struct option, n + 1);
    /* '-': operands come back in order (options may follow them); ':': a missing value is
     * told apart from an unknown option. */
    _cleanup_free_ char *shortopts = mc_new0(char, 3 * n + 3);
    size_t sl = 0;
    shortopts[sl++] = '-';
    shortopts[sl++] = ':';
    for (size_t i = 0; i < n; i++) {
        lo[i] = (struct option){ all[i]->name, all[i]->has_arg, NULL, all[i]->val };
        if (all[i]->val > 0 && all[i]->val < 0x100 && !memchr(shortopts, all[i]->val, sl)) {
            shortopts[sl++] = (char)all[i]->val;
            if (all[i]->has_arg != no_argument)
                shortopts[sl++] = ':';
            if (all[i]->has_arg == optional_argument)
                shortopts[sl++] = ':';
        }
    }
    optind = 1;
    opterr = 0;
    int c;
    _cleanup_free_ char **operands = mc_new0(char *, (size_t)argc + 1);
    int nops = 0;
    for (;;) {
        int before = optind;
        c = getopt_long(argc, argv, shortopts, lo, NULL);
        if (c == -1)
            break;
        if (c == 1) {
            operands[nops++] = optarg;
            continue;
        }
        if (c == '?' || c == ':') {
            /* The word getopt_long refused: a long option is the word it stepped over. */
            const char *word = NULL;
            if (optind > before && optind - 1 < argc && argv[optind - 1][0] == '-' &&
                argv[optind - 1][1] == '-')
                word = argv[optind - 1];
            else if (before < argc && argv[before][0] == '-' && argv[before][1] == '-')
                word = argv[before];
            option_error(all, c, optopt, word);
            mc_try_help(v);
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
        int r = global_option(v, c, optarg, g);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!handle || handle(c, optarg, userdata) < 0) {
            mc_try_help(v);
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

    if (g->format && v->formats) {
        bool ok = false;
        for (size_t i = 0; v->formats[i]; i++)
            ok = ok || strcmp(v->formats[i], g->format) == 0;
        if (!ok) {
            _cleanup_free_ char *list = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&list, &len);
            if (m) {
                for (size_t i = 0; v->formats[i]; i++)
                    fprintf(m, "%s%s",
                            i == 0              ? ""
                            : v->formats[i + 1] ? ", "
                                                : " or ",
                            v->formats[i]);
                fclose(m);
            }
            mc_log_error("invalid --format '%s' for '%s': expected %s", g->format,
                         verb_display_name(v), list ? list : "");
            return -1;
        }
    }
    return 0;
}
