/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the sh probe would send for a probe spec, made here from a directory
 * tree with glob(3): lets a test check that a gatherer reads through a dump
 * source exactly what it reads from the file system, i.e. that its probe
 * spec covers everything it reads. Record format: src/util/source-dump.c.
 * A literal path (no wildcard) that does not exist gives an "E <path> ENOENT"
 * record, as the probe reports a file it was asked for and did not find.
 */
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fileio.h"
#include "util/source.h"
#include "util/xalloc.h"

#define SN_BOUNDARY "snb0undary4test"

static inline int sn_name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static inline void sn_dump_entry(struct mc_buf *b, char kind, const char *root, const char *rel)
{
    char *full = mc_xasprintf("%s%s", root, rel);
    struct stat st, lst;
    if (lstat(full, &lst) < 0) {
        free(full);
        return;
    }
    bool have = stat(full, &st) == 0;
    if ((kind == 'F' || kind == 'T') && have && S_ISREG(st.st_mode)) {
        char *buf = NULL;
        size_t len = 0;
        if (mc_read_file(full, 16u << 20, &buf, &len) == 0) {
            mc_buf_printf(b, "--%s F %s\n", SN_BOUNDARY, rel);
            mc_buf_append(b, buf, len);
            mc_buf_putc(b, '\n');
            free(buf);
        }
    } else if (kind == 'L' && S_ISLNK(lst.st_mode)) {
        char t[PATH_MAX];
        ssize_t n = readlink(full, t, sizeof(t) - 1);
        if (n >= 0) {
            t[n] = '\0';
            mc_buf_printf(b, "--%s L %s\n%s\n", SN_BOUNDARY, rel, t);
        }
    } else if ((kind == 'D' || kind == 'S') && have && S_ISDIR(st.st_mode)) {
        /* sorted by name, as the probe's sh glob expands a directory */
        struct dirent **ents = NULL;
        int n = scandir(full, &ents, NULL, sn_name_cmp);
        if (n >= 0) {
            mc_buf_printf(b, "--%s D %s\n", SN_BOUNDARY, rel);
            for (int i = 0; i < n; i++) {
                const char *name = ents[i]->d_name;
                if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
                    char *ep = mc_xasprintf("%s/%s", full, name);
                    struct stat es;
                    char t = 'o';
                    long long size = -1;
                    if (lstat(ep, &es) == 0) {
                        t = S_ISREG(es.st_mode)   ? 'f'
                            : S_ISDIR(es.st_mode) ? 'd'
                            : S_ISLNK(es.st_mode) ? 'l'
                                                  : 'o';
                        if (S_ISREG(es.st_mode) && kind == 'S')
                            size = es.st_size;
                    }
                    mc_buf_printf(b, "%c %lld %s\n", t, size, name);
                    free(ep);
                }
                free(ents[i]);
            }
            free(ents);
        }
    }
    free(full);
}

/* The dump text for spec over root (a directory standing for "/"). */
static inline char *sn_dump_from_tree(const char *root, const char *const *spec, size_t *ret_len)
{
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_printf(&b, "noise from a login script\nMCPROBE 1 %s\n", SN_BOUNDARY);
    for (size_t i = 0; spec[i]; i++) {
        char kind = spec[i][0];
        const char *pat = spec[i] + 2;
        if (kind == 'C' || kind == 'H')
            continue;
        char *full = mc_xasprintf("%s%s", root, pat);
        glob_t g;
        memset(&g, 0, sizeof(g));
        if (glob(full, 0, NULL, &g) == 0) {
            for (size_t j = 0; j < g.gl_pathc; j++)
                sn_dump_entry(&b, kind, root, g.gl_pathv[j] + strlen(root));
        } else if (!strpbrk(pat, "*?[")) {
            mc_buf_printf(&b, "--%s E %s ENOENT\n", SN_BOUNDARY, pat);
        }
        globfree(&g);
        free(full);
    }
    mc_buf_printf(&b, "--%s END\n", SN_BOUNDARY);
    *ret_len = b.len;
    return mc_buf_steal(&b);
}

static inline struct mc_source *sn_dump_source(const char *root, const char *const *spec)
{
    size_t len = 0;
    char *text = sn_dump_from_tree(root, spec, &len);
    struct mc_source *s = NULL;
    struct mc_error err = { 0 };
    if (mc_source_dump(text, len, SN_BOUNDARY, "dump", &s, &err) < 0) {
        fprintf(stderr, "dump: %s\n", err.message);
        mc_error_clear(&err);
    }
    free(text);
    return s;
}
