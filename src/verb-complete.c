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
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/xalloc.h"

/* Extra candidates a verb can offer for its operands (rule ids for "rules"). */
const char *const *mc_complete_operands(const char *verb) __attribute__((weak));
/* Extra candidates for the argument of an option without fixed values (rule ids for --rule). */
const char *const *mc_complete_option_values(const char *verb, const char *opt)
    __attribute__((weak));

/* The values of --format: what the verb accepts, or before a verb, what any verb accepts. */
static void format_values(const struct mc_verb *v, const char *prefix, const char *keep)
{
    size_t n;
    const struct mc_verb *verbs = mc_verbs(&n);
    const char *seen[32];
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        if (v && &verbs[i] != v)
            continue;
        for (const char *const *f = verbs[i].formats; f && *f; f++) {
            bool dup = false;
            for (size_t k = 0; k < nseen; k++)
                dup = dup || strcmp(seen[k], *f) == 0;
            if (dup || nseen == ARRAY_SIZE(seen))
                continue;
            seen[nseen++] = *f;
            char buf[256];
            snprintf(buf, sizeof(buf), "%s%s", keep, *f);
            if (mc_str_startswith(buf, prefix))
                printf("%s\n", buf);
        }
    }
}

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

/* Offer the values of option o ("--format", "--color", "--rule" ...), each prefixed by keep. */
static void put_values(const struct mc_verb *v, bool verb_known, const struct mc_opt *o,
                       const char *prefix, const char *keep)
{
    if (!o)
        return;
    if (o->val == 'f') {
        format_values(verb_known ? v : NULL, prefix, keep);
        return;
    }
    char buf[256];
    for (const char *const *val = option_values(v, o); val && *val; val++) {
        snprintf(buf, sizeof(buf), "%s%s", keep, *val);
        if (mc_str_startswith(buf, prefix))
            printf("%s\n", buf);
    }
}

static void put_if(const char *cand, const char *prefix)
{
    if (mc_str_startswith(cand, prefix))
        printf("%s\n", cand);
}

static const struct mc_opt *find_opt(const struct mc_opt **all, const char *name, size_t len)
{
    for (size_t i = 0; all[i]; i++)
        if (strlen(all[i]->name) == len && strncmp(all[i]->name, name, len) == 0)
            return all[i];
    return NULL;
}

static void list_options(const struct mc_opt **all, const char *prefix)
{
    char buf[128];
    for (size_t i = 0; all[i]; i++) {
        if (all[i]->hidden)
            continue;
        snprintf(buf, sizeof(buf), "--%s%s", all[i]->name,
                 all[i]->has_arg == required_argument ? "=" : "");
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
        _cleanup_free_ const struct mc_opt **all = mc_verb_options(v);
        /* A verb's own options (with its shared ones), or the global ones. */
        size_t skip = 0;
        if (v) {
            _cleanup_free_ const struct mc_opt **glob = mc_verb_options(NULL);
            while (glob[skip])
                skip++;
        }
        for (size_t i = skip; all[i]; i++)
            if (!all[i]->hidden)
                printf("--%s\n", all[i]->name);
        return MC_EXIT_OK;
    }

    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    char **words = argv + i;
    int nwords = argc - i;
    const char *cur = nwords > 0 ? words[nwords - 1] : "";
    const char *prev = nwords > 1 ? words[nwords - 2] : NULL;

    /* Which verb? As main() decides: the first operand before the word under the cursor,
     * skipping the default verb's options (global options may come before the verb), if it
     * names one; otherwise the default verb, which is not known for sure until then. */
    const struct mc_verb *dflt = mc_default_verb();
    const struct mc_verb *v = NULL;
    bool after_dashdash = false;
    /* mc_first_operand reads argv[start..argc): give it the words before the cursor. */
    int first = mc_first_operand(dflt, nwords - 1, words, 0, &after_dashdash);
    bool operand_before = first < nwords - 1;
    if (operand_before && !after_dashdash)
        v = mc_verb_find(words[first]);
    bool verb_known = v != NULL || operand_before;
    if (!v)
        v = dflt;
    _cleanup_free_ const struct mc_opt **all = mc_verb_options(v);

    /* --opt=value */
    if (mc_str_startswith(cur, "--") && strchr(cur, '=')) {
        const char *eq = strchr(cur, '=');
        const struct mc_opt *o = find_opt(all, cur + 2, (size_t)(eq - cur - 2));
        _cleanup_free_ char *keep = mc_xstrndup(cur, (size_t)(eq - cur + 1));
        put_values(v, verb_known, o, cur, keep);
        return MC_EXIT_OK;
    }
    /* --opt value, -f value */
    if (prev && prev[0] == '-' && !strchr(prev, '=') && strcmp(prev, "--") != 0) {
        const struct mc_opt *o = NULL;
        if (prev[1] == '-')
            o = find_opt(all, prev + 2, strlen(prev + 2));
        else if (prev[1] && !prev[2])
            for (size_t k = 0; all[k] && !o; k++)
                if (all[k]->val == (unsigned char)prev[1])
                    o = all[k];
        if (o && o->has_arg == required_argument) {
            put_values(v, verb_known, o, cur, "");
            return MC_EXIT_OK;
        }
    }
    if (cur[0] == '-') {
        /* Before a verb: the global options and those of the default verb (check's options
         * work in the default-verb form "migcheck --transport tcp SRC DST VM"). */
        list_options(all, cur);
        return MC_EXIT_OK;
    }
    if (!operand_before) {
        for (size_t k = 0; k < nverbs; k++)
            if (!(verbs[k].flags & MC_VERB_HIDDEN))
                put_if(verbs[k].name, cur);
        return MC_EXIT_OK;
    }
    if (mc_complete_operands) {
        const char *const *cands = mc_complete_operands(v->name);
        for (; cands && *cands; cands++)
            put_if(*cands, cur);
    }
    return MC_EXIT_OK;
}
