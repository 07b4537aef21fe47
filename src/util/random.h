/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one source of random tokens (canary file names, frame boundaries, names of transient
 * objects on hosts): getrandom(2), never a fallback. A token that others could predict would
 * let a host forge a frame or plant a canary, so when the kernel cannot give random bytes the
 * process stops (abort) rather than go on with weak ones.
 */
#pragma once

#include <stddef.h>

/* Fill buf with len random bytes; aborts when the kernel cannot give them. */
void mc_random_bytes(void *buf, size_t len);
/* 2 * nbytes lowercase hex digits of random bytes (caller frees). */
char *mc_random_hex(size_t nbytes);
