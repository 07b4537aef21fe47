/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growable byte buffer, always NUL-terminated. */
#pragma once

#include <stddef.h>
#include "cleanup.h"

struct mc_buf {
    char *data;
    size_t len;
    size_t cap;
};

#define MC_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void mc_buf_append(struct mc_buf *b, const void *data, size_t len);
void mc_buf_puts(struct mc_buf *b, const char *s);
void mc_buf_putc(struct mc_buf *b, char c);
void mc_buf_printf(struct mc_buf *b, const char *fmt, ...) _printf_(2, 3);
/* The contents as a string the caller owns; the buffer is left empty. */
char *mc_buf_steal(struct mc_buf *b);
void mc_buf_reset(struct mc_buf *b);
void mc_buf_free(struct mc_buf *b);

static inline void mc_buf_freep(struct mc_buf *b)
{
    mc_buf_free(b);
}
#define _cleanup_buf_ __attribute__((cleanup(mc_buf_freep)))
