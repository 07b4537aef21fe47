/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Allocation that never returns NULL: running out of memory aborts (util-linux xalloc). */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include "cleanup.h"

void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t nmemb, size_t size);
void *mc_xrealloc(void *p, size_t n);
void *mc_xreallocarray(void *p, size_t nmemb, size_t size);
char *mc_xstrdup(const char *s);
char *mc_xstrndup(const char *s, size_t n);
/* NULL in, NULL out. */
char *mc_xstrdup_or_null(const char *s);
char *mc_xasprintf(const char *fmt, ...) _printf_(1, 2);
char *mc_xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);
/* Replace the string *dst owns: with a copy of v (NULL stays NULL), or a formatted one. */
void mc_set_str(char **dst, const char *v);
void mc_set_fmt(char **dst, const char *fmt, ...) _printf_(2, 3);

#define mc_new0(type, n) ((type *)mc_xcalloc((n), sizeof(type)))

/*
 * Append one zeroed element to a (pointer, count) array, bump the count and
 * return the new element. Amortized O(1): the array grows by half again when its
 * block is full. Arrays are filled from remote input (a hostile host can send
 * hundreds of thousands of lines), and growing one element at a time copied the whole
 * array on every append wherever realloc could not grow it in place: quadratic.
 * Works on any malloc'd array: the block's real size comes from malloc_usable_size,
 * so an array allocated elsewhere with exactly count elements is grown, not overrun.
 */
void *mc_array_grow(void *array, size_t *count, size_t elem_size);
/* Room for count + more elements (the same growth rule); returns the array. */
void *mc_array_reserve(void *array, size_t count, size_t more, size_t elem_size);
#define MC_APPEND(arr, n) ((arr) = mc_array_grow((arr), &(n), sizeof(*(arr))), &(arr)[(n)-1])
