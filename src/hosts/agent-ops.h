/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The agent's probes that need libraries: TCP listener and connect, libnfs, libiscsi. */
#pragma once

#include <stdbool.h>

#include "checker/facts.h"
#include "util/source.h"

typedef void (*mc_agent_reply_fn)(const char *id, const char *status, const char *const *fields);

/* Facts the agent adds to a --no-virt gathering (qemu.conf, read on this host). */
void mc_agent_gather_extra(struct mc_host_facts *h);
/* Handle connect, listen, nfs-stat, iscsi-lun; false when op is not one of them. */
bool mc_agent_extra_op(const char *id, const char *op, char **args, mc_agent_reply_fn reply);
