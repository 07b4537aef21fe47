/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NULL-terminated string vectors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

size_t mc_strv_length(char *const *v);
/* Takes ownership of s. O(length of v): in a loop over input, use mc_strv_push_n. */
void mc_strv_push(char ***v, char *s);
/* The same when the caller keeps v's length in *n (bumped here): amortized O(1). */
void mc_strv_push_n(char ***v, size_t *n, char *s);
void mc_strv_add(char ***v, const char *s);
void mc_strv_free(char **v);
bool mc_strv_contains(char *const *v, const char *s);
char **mc_strv_copy(char *const *v);
/* A newly allocated "a<sep>b<sep>c". */
char *mc_strv_join(char *const *v, const char *sep);
/* Split on any of the characters in seps, dropping empty fields. */
char **mc_strv_split(const char *s, const char *seps);
void mc_strv_sort(char **v);

static inline void mc_strv_freep(char ***v)
{
    mc_strv_free(*v);
}
#define _cleanup_strv_free_ __attribute__((cleanup(mc_strv_freep)))

#define STRV_FOREACH(s, v) for (char *const *s = (v); s && *s; s++)

/*
 * s as one word for a POSIX shell: in single quotes, each ' written as '\''. The one function
 * that quotes for a shell (the ssh helper script); everything else crosses on stdin, encoded.
 */
char *mc_shell_quote(const char *s);
