/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cleanup.h"
#include "xalloc.h"

int mc_read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > max)
            return -EFBIG;
        mc_buf_append(&b, chunk, (size_t)n);
    }
    if (ret_len)
        *ret_len = b.len;
    *ret = mc_buf_steal(&b);
    return 0;
}

int mc_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
    _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    return mc_read_fd(fd, max, ret, ret_len);
}

int mc_read_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
    return mc_read_file_at(AT_FDCWD, path, max, ret, ret_len);
}

char *mc_strip_trailing(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

int mc_read_line_at(int dirfd, const char *path, char **ret)
{
    char *s = NULL;
    int r = mc_read_file_at(dirfd, path, 64 * 1024, &s, NULL);
    if (r < 0)
        return r;
    char *nl = strchr(s, '\n');
    if (nl)
        *nl = '\0';
    *ret = mc_strip_trailing(s);
    return 0;
}

int mc_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

bool mc_str_startswith(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool mc_str_endswith(const char *s, const char *suffix)
{
    if (!s)
        return false;
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}
