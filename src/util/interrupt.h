/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SIGINT, SIGTERM and SIGHUP during a command that touches hosts: the handler only records the
 * signal (and makes a pipe readable, so every wait that polls it wakes up); the waits of the
 * sessions then end with -ECANCELED, the command undoes what it started (canary files,
 * listeners, the private directory with the ssh sockets, the sessions), and mc_interrupt_finish
 * ends the process by the same signal, as the shell expects. Cleanup code runs with the
 * interrupt ignored in its thread (its own timeouts bound it).
 */
#pragma once

#include <stdbool.h>

/* Install the handlers (idempotent). */
void mc_interrupt_install(void);
/* The signal that arrived, or 0. */
int mc_interrupt_signal(void);
/* Should a wait in this thread end now (a signal arrived and the thread is not cleaning up)? */
bool mc_interrupt_pending(void);
/* The pipe's read end to poll with POLLIN, or -1 before install. */
int mc_interrupt_fd(void);
/* This thread cleans up: its waits no longer end on the interrupt (true), or do again. */
void mc_interrupt_ignore(bool on);
/* When a signal arrived: restore its default action and raise it (does not return). */
void mc_interrupt_finish(void);
