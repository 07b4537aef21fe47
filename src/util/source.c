/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "spawn.h"
#include "xalloc.h"

int mc_source_read_line(struct mc_source *s, const char *path, char **ret)
{
    char *buf = NULL;
    int r = mc_source_read(s, path, 64 * 1024, &buf, NULL);
    if (r < 0)
        return r;
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    *ret = mc_strip_trailing(buf);
    return 0;
}

void mc_dirents_free(struct mc_dirent *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].name);
    free(d);
}

void mc_source_free(struct mc_source *s)
{
    if (!s)
        return;
    if (s->ops && s->ops->free)
        s->ops->free(s);
    free(s->label);
    free(s);
}

/* ---- the file system ---- */

struct fs_data {
    int rootfd;
    bool run_commands;
};

static const char *rel(const char *path)
{
    while (*path == '/')
        path++;
    return *path ? path : ".";
}

static int fs_read(struct mc_source *s, const char *path, size_t max, char **ret, size_t *ret_len)
{
    struct fs_data *d = s->data;
    return mc_read_file_at(d->rootfd, rel(path), max, ret, ret_len);
}

static int cmp_dirent(const void *a, const void *b)
{
    return strcmp(((const struct mc_dirent *)a)->name, ((const struct mc_dirent *)b)->name);
}

static int fs_list(struct mc_source *s, const char *path, struct mc_dirent **ret, size_t *ret_n)
{
    struct fs_data *d = s->data;
    int fd = openat(d->rootfd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        int r = -errno;
        close(fd);
        return r;
    }
    struct mc_dirent *v = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct mc_dirent *e = MC_APPEND(v, n);
        e->name = mc_xstrdup(de->d_name);
        e->size = -1;
        struct stat st;
        if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            e->type = S_ISREG(st.st_mode)   ? MC_DT_FILE
                      : S_ISDIR(st.st_mode) ? MC_DT_DIR
                      : S_ISLNK(st.st_mode) ? MC_DT_LINK
                                            : MC_DT_OTHER;
            if (S_ISREG(st.st_mode))
                e->size = st.st_size;
        }
    }
    closedir(dir);
    if (n)
        qsort(v, n, sizeof(*v), cmp_dirent);
    *ret = v;
    *ret_n = n;
    return 0;
}

static int fs_readlink(struct mc_source *s, const char *path, char **ret)
{
    struct fs_data *d = s->data;
    char buf[PATH_MAX];
    ssize_t n = readlinkat(d->rootfd, rel(path), buf, sizeof(buf) - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    *ret = mc_xstrdup(buf);
    return 0;
}

static int fs_command(struct mc_source *s, const char *key, const char *const *argv, char **ret,
                      size_t *ret_len, int *ret_exit)
{
    struct fs_data *d = s->data;
    if (!d->run_commands) {
        _cleanup_free_ char *p = mc_xasprintf(".commands/%s", key);
        int r = mc_read_file_at(d->rootfd, p, 64u << 20, ret, ret_len);
        if (r == -ENOENT)
            return -ENOTSUP;
        if (r < 0)
            return r;
        _cleanup_free_ char *pe = mc_xasprintf(".commands/%s.exit", key);
        _cleanup_free_ char *ex = NULL;
        *ret_exit = mc_read_line_at(d->rootfd, pe, &ex) == 0 ? atoi(ex) : 0;
        if (*ret_exit == 127) {
            free(*ret);
            *ret = NULL;
            return -ENOENT;
        }
        return 0;
    }
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 30000, .max_output = 64u << 20 };
    struct mc_spawn_result res;
    _cleanup_error_ struct mc_error err = { 0 };
    int r = mc_spawn_run(&o, &res, &err);
    if (r < 0)
        return r;
    if (res.exit_code == 127 && res.out_len == 0) {
        mc_spawn_result_clear(&res);
        return -ENOENT;
    }
    *ret = TAKE_PTR(res.out);
    if (ret_len)
        *ret_len = res.out_len;
    *ret_exit = res.exit_code;
    mc_spawn_result_clear(&res);
    return 0;
}

static void fs_free(struct mc_source *s)
{
    struct fs_data *d = s->data;
    if (d && d->rootfd >= 0)
        close(d->rootfd);
    free(d);
}

static const struct mc_source_ops fs_ops = {
    .read = fs_read,
    .list = fs_list,
    .readlink = fs_readlink,
    .command = fs_command,
    .free = fs_free,
};

struct mc_source *mc_source_fs(const char *root, bool run_commands)
{
    struct mc_source *s = mc_new0(struct mc_source, 1);
    struct fs_data *d = mc_new0(struct fs_data, 1);
    d->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d->run_commands = run_commands;
    s->ops = &fs_ops;
    s->data = d;
    s->label = mc_xstrdup(root);
    s->local = strcmp(root, "/") == 0;
    return s;
}
