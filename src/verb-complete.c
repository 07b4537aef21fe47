/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hidden __complete verb. Shell completions (completions/) call
 *   migcheck __complete -- WORD... CURRENT
 * with the words after "migcheck" (CURRENT may be empty) and print what it
 * prints, one candidate per line. The docs tests use --list-verbs and
 * --list-options [VERB]. Everything comes from the same tables the parser
 * uses, so the completions cannot drift from the binary.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exit-codes.h"
#include "util/fileio.h"

/* Extra candidates a verb can offer for its operands (rule ids for "rules"). */
const char *const *mc_complete_operands(const char *verb) __attribute__((weak));
/* Extra candidates for the argument of an option without fixed values (rule ids for --rule). */
const char *const *mc_complete_option_values(const char *verb, const char *opt)
    __attribute__((weak));

/* The fixed values of an option, or what its verb offers for it. */
static const char *const *option_values(const struct mc_verb *v, const struct mc_opt *o)
{
    if (!o)
        return NULL;
    if (o->values)
        return o->values;
    if (v && mc_complete_option_values)
        return mc_complete_option_values(v->name, o->name);
    return NULL;
}

static void put_if(const char *cand, const char *prefix)
{
    if (mc_str_startswith(cand, prefix))
        printf("%s\n", cand);
}

static const struct mc_opt *find_opt(const struct mc_verb *v, const char *name, size_t len)
{
    const struct mc_opt *sets[2] = { mc_global_opts, v ? v->opts : NULL };
    for (int s = 0; s < 2; s++)
        for (const struct mc_opt *o = sets[s]; o && o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o;
    return NULL;
}

static void list_options(const struct mc_verb *v, const char *prefix)
{
    const struct mc_opt *sets[2] = { mc_global_opts, v ? v->opts : NULL };
    char buf[128];
    for (int s = 0; s < 2; s++)
        for (const struct mc_opt *o = sets[s]; o && o->name; o++) {
            if (o->hidden)
                continue;
            snprintf(buf, sizeof(buf), "--%s%s", o->name,
                     o->has_arg == required_argument ? "=" : "");
            put_if(buf, prefix);
        }
}

int verb_complete(int argc, char **argv, const struct mc_global *g)
{
    (void)g;
    size_t nverbs;
    const struct mc_verb *verbs = mc_verbs(&nverbs);

    if (argc >= 2 && strcmp(argv[1], "--list-verbs") == 0) {
        for (size_t i = 0; i < nverbs; i++)
            if (!(verbs[i].flags & MC_VERB_HIDDEN))
                printf("%s\n", verbs[i].name);
        return MC_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "--list-options") == 0) {
        const struct mc_verb *v = argc >= 3 ? mc_verb_find(argv[2]) : NULL;
        if (argc >= 3 && !v) {
            fprintf(stderr, "migcheck: unknown verb '%s'\n", argv[2]);
            return MC_EXIT_USAGE;
        }
        const struct mc_opt *o = v ? v->opts : mc_global_opts;
        for (; o && o->name; o++)
            if (!o->hidden)
                printf("--%s\n", o->name);
        return MC_EXIT_OK;
    }

    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    char **words = argv + i;
    int nwords = argc - i;
    const char *cur = nwords > 0 ? words[nwords - 1] : "";
    const char *prev = nwords > 1 ? words[nwords - 2] : NULL;

    /* Which verb? The first word, if it names one; otherwise the default verb. */
    const struct mc_verb *v = nwords > 1 ? mc_verb_find(words[0]) : NULL;
    if (!v)
        v = mc_verb_find("check");

    /* --opt=value */
    if (mc_str_startswith(cur, "--") && strchr(cur, '=')) {
        const char *eq = strchr(cur, '=');
        const struct mc_opt *o = find_opt(v, cur + 2, (size_t)(eq - cur - 2));
        char buf[256];
        for (const char *const *val = option_values(v, o); val && *val; val++) {
            snprintf(buf, sizeof(buf), "%.*s%s", (int)(eq - cur + 1), cur, *val);
            put_if(buf, cur);
        }
        return MC_EXIT_OK;
    }
    /* --opt value */
    if (prev && mc_str_startswith(prev, "--") && !strchr(prev, '=')) {
        const struct mc_opt *o = find_opt(v, prev + 2, strlen(prev + 2));
        if (o && o->has_arg == required_argument) {
            for (const char *const *val = option_values(v, o); val && *val; val++)
                put_if(*val, cur);
            return MC_EXIT_OK;
        }
    }
    if (cur[0] == '-') {
        list_options(nwords > 1 ? v : NULL, cur);
        return MC_EXIT_OK;
    }
    if (nwords <= 1) {
        for (size_t k = 0; k < nverbs; k++)
            if (!(verbs[k].flags & MC_VERB_HIDDEN))
                put_if(verbs[k].name, cur);
        return MC_EXIT_OK;
    }
    if (v && mc_complete_operands) {
        const char *const *cands = mc_complete_operands(v->name);
        for (; cands && *cands; cands++)
            put_if(*cands, cur);
    }
    return MC_EXIT_OK;
}
