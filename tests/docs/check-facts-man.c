/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck-facts(5) documents every element and attribute of the snapshot
 * formats. This walks the descriptor tables the reader and writers use
 * (checker/facts-schema.c) and fails for each field the page does not
 * document, and for each entry of the page that is not a field any more.
 *
 * Page conventions (see the comment at the top of man/migcheck-facts.5):
 * one .SS per struct, titled with the path of its element from the root
 * ("migcheck-facts/os/package"); in it, one ".TP" entry per field, tagged
 * ".B name" for attributes and ".B <name>" for child elements; a JSON key
 * that is not the name with '-' as '_' appears in the entry as bold text.
 *
 * Usage: check-facts-man man/migcheck-facts.5
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts-schema.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char **lines; /* the page, "\-" unescaped */
static size_t n_lines;
static int failures;

static bool is_attribute(const struct mc_field *f)
{
    return mc_field_is_attr(f);
}

static char *unescape(const char *s)
{
    char *out = mc_xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (s[0] == '\\' && (s[1] == '-' || s[1] == '&')) {
            if (s[1] == '-')
                *o++ = '-';
            s++;
            continue;
        }
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* [first, end) of the lines of the subsection titled path; false when there is none. */
static bool find_section(const char *path, size_t *first, size_t *end)
{
    char *want = mc_xasprintf(".SS \"%s\"", path);
    bool found = false;
    for (size_t i = 0; i < n_lines && !found; i++) {
        if (strcmp(lines[i], want) != 0)
            continue;
        *first = i + 1;
        size_t k = i + 1;
        while (k < n_lines && strncmp(lines[k], ".SS", 3) != 0 && strncmp(lines[k], ".SH", 3) != 0)
            k++;
        *end = k;
        found = true;
    }
    free(want);
    return found;
}

/* The line after a ".TP" whose tag is exactly tag ("name" or "<name>"). */
static bool has_entry(size_t first, size_t end, const char *tag, size_t *ret)
{
    for (size_t i = first; i + 1 < end; i++) {
        if (strncmp(lines[i], ".TP", 3) != 0)
            continue;
        const char *t = lines[i + 1];
        if (strncmp(t, ".B ", 3) == 0 && strcmp(t + 3, tag) == 0) {
            *ret = i + 1;
            return true;
        }
    }
    return false;
}

/* Bold text "key" in the entry that starts at line at (until the next .TP). */
static bool entry_mentions(size_t at, size_t end, const char *key)
{
    char *fb = mc_xasprintf("\\fB%s\\fR", key);
    bool found = false;
    for (size_t i = at + 1; i < end && strncmp(lines[i], ".TP", 3) != 0 && !found; i++) {
        const char *l = lines[i];
        if (strstr(l, fb))
            found = true;
        else if (strncmp(l, ".B ", 3) == 0 || strncmp(l, ".BR ", 4) == 0) {
            const char *w = l + (l[2] == ' ' ? 3 : 4);
            size_t n = strlen(key);
            found = strncmp(w, key, n) == 0 && (w[n] == '\0' || w[n] == ' ');
        }
    }
    free(fb);
    return found;
}

_printf_(1, 2) static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "migcheck-facts(5): ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

static const struct mc_struct_desc *seen[256];
static size_t n_seen;

static void check(const struct mc_struct_desc *d, const char *path, bool root)
{
    for (size_t i = 0; i < n_seen; i++)
        if (seen[i] == d)
            return; /* documented where it first appears ("same attributes as") */
    if (n_seen < ARRAY_SIZE(seen))
        seen[n_seen++] = d;

    size_t first, end;
    if (!find_section(path, &first, &end)) {
        fail("no section .SS \"%s\" for <%s>", path, d->name);
        return;
    }
    if (root) {
        size_t at;
        if (!has_entry(first, end, "version", &at))
            fail("section '%s' does not document the attribute '%s'", path, "version");
    }
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        char tag[128], kb[128];
        snprintf(tag, sizeof(tag), is_attribute(f) ? "%s" : "<%s>", f->name);
        size_t at;
        if (!has_entry(first, end, tag, &at)) {
            fail("section '%s' does not document %s", path, tag);
            continue;
        }
        const char *json = mc_field_json_name(f, kb, sizeof(kb));
        char derived[128];
        size_t k = 0;
        for (; f->name[k] && k + 1 < sizeof(derived); k++)
            derived[k] = f->name[k] == '-' ? '_' : f->name[k];
        derived[k] = '\0';
        if (strcmp(json, derived) != 0 && !entry_mentions(at, end, json)) {
            char what[300];
            snprintf(what, sizeof(what), "%s (JSON key '%s')", tag, json);
            fail("section '%s' does not give the JSON key of %s", path, what);
        }
    }
    /* The reverse: every entry of the section is a field (or the root's version). */
    for (size_t i = first; i + 1 < end; i++) {
        if (strncmp(lines[i], ".TP", 3) != 0 || strncmp(lines[i + 1], ".B ", 3) != 0)
            continue;
        const char *tag = lines[i + 1] + 3;
        bool known = root && strcmp(tag, "version") == 0;
        for (size_t k = 0; k < d->n_fields && !known; k++) {
            const struct mc_field *f = &d->fields[k];
            char want[128];
            snprintf(want, sizeof(want), is_attribute(f) ? "%s" : "<%s>", f->name);
            known = strcmp(want, tag) == 0;
        }
        if (!known)
            fail("section '%s' documents %s, which is not a field of the format", path, tag);
    }
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        if (!f->sub)
            continue;
        char *sub = mc_xasprintf("%s/%s", path, f->name);
        check(f->sub, sub, false);
        free(sub);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check-facts-man migcheck-facts.5\n");
        return 2;
    }
    char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(argv[1], 1u << 22, &buf, &len);
    if (r < 0) {
        fprintf(stderr, "cannot read '%s': %s\n", argv[1], strerror(-r));
        return 2;
    }
    for (char *p = buf, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lines = mc_xreallocarray(lines, n_lines + 1, sizeof(char *));
        lines[n_lines++] = unescape(p);
        if (!nl)
            break;
    }
    check(&mc_desc_host_facts, mc_desc_host_facts.name, true);
    check(&mc_desc_pair_facts, mc_desc_pair_facts.name, true);
    if (failures) {
        fprintf(stderr, "%d problem%s: document the fields in %s\n", failures,
                failures == 1 ? "" : "s", argv[1]);
        return 1;
    }
    printf("migcheck-facts(5) documents all %zu structures of the snapshot formats\n", n_seen);
    for (size_t i = 0; i < n_lines; i++)
        free(lines[i]);
    free(lines);
    free(buf);
    return 0;
}
