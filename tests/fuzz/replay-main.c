/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replays a fuzz corpus through LLVMFuzzerTestOneInput without libFuzzer, so
 * every compiler (and the ASan+UBSan build) runs the corpus as a test.
 * Arguments are files or directories (every regular file inside is run).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"

#include "fuzz.h"
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    int r = mc_read_file(path, 64u << 20, &buf, &len);
    if (r < 0) {
        fprintf(stderr, "cannot read '%s': %s\n", path, strerror(-r));
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int failed = 0, n = 0;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "cannot stat '%s'\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed |= run_file(argv[i]);
            n++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d)
            return 1;
        char **names = NULL;
        size_t nn = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            names = realloc(names, (nn + 1) * sizeof(char *));
            names[nn++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, nn, sizeof(char *), cmp);
        for (size_t k = 0; k < nn; k++) {
            char *p = NULL;
            if (asprintf(&p, "%s/%s", argv[i], names[k]) < 0)
                return 1;
            failed |= run_file(p);
            n++;
            free(p);
            free(names[k]);
        }
        free(names);
    }
    if (n == 0) {
        fprintf(stderr, "empty corpus\n");
        return 1;
    }
    printf("replayed %d inputs\n", n);
    return failed;
}
