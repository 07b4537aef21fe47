/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Read a whole file (regular file, /proc or sysfs) into a NUL-terminated
 * buffer. Fails with -EFBIG when it holds more than max bytes. dirfd may be
 * AT_FDCWD; a relative path is then taken from the working directory.
 */
int mc_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
int mc_read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* Read a one-line file and strip the trailing newline and spaces. */
int mc_read_line_at(int dirfd, const char *path, char **ret);
/* Read everything from fd, up to max bytes. */
int mc_read_fd(int fd, size_t max, char **ret, size_t *ret_len);
/* Write all of buf, retrying on EINTR and short writes. */
int mc_write_all(int fd, const void *buf, size_t len);
/* Strip trailing whitespace in place; returns s. */
char *mc_strip_trailing(char *s);
bool mc_str_startswith(const char *s, const char *prefix);
bool mc_str_endswith(const char *s, const char *suffix);
