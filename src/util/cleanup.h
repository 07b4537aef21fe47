/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scoped cleanup: every handle is released at the end of its scope.
 *
 *   _cleanup_free_ char *s = NULL;
 *   _cleanup_(fclosep) FILE *f = fopen(...);
 *   return TAKE_PTR(s);
 *
 * Destructors accept NULL. One wrapper per library type lives next to the
 * code that owns that library (src/virt, storage/, network/); the generic
 * ones live here.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_free_   _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_  _cleanup_(closep)

/* Take ownership: return the pointer and leave NULL behind. */
#define TAKE_PTR(p)                                                                                \
    ({                                                                                             \
        __typeof__(p) _tp_ = (p);                                                                  \
        (p) = NULL;                                                                                \
        _tp_;                                                                                      \
    })

#define TAKE_FD(fd)                                                                                \
    ({                                                                                             \
        int _tfd_ = (fd);                                                                          \
        (fd) = -1;                                                                                 \
        _tfd_;                                                                                     \
    })

/* Define `name##p(type *)` that calls `func(*p)` when *p is not NULL. */
#define MC_DEFINE_CLEANUP(type, func)                                                              \
    static inline void func##p(type *p)                                                            \
    {                                                                                              \
        if (*p)                                                                                    \
            func(*p);                                                                              \
    }

/* Same, for destructors that return a value the caller does not need. */
#define MC_DEFINE_CLEANUP_VOID(type, func)                                                         \
    static inline void func##p(type *p)                                                            \
    {                                                                                              \
        if (*p)                                                                                    \
            (void)func(*p);                                                                        \
    }

static inline void freep(void *p)
{
    free(*(void **)p);
}

static inline void fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}

static inline void closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_     __attribute__((noreturn))
#define _pure_         __attribute__((pure))
