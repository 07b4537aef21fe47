/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck __agent: the agent `check` and `migrate` talk to on a host where
 * migcheck is installed. The operations and the protocol: src/agent/ops.h.
 */
#include "agent/ops.h"
#include "cli.h"
#include "exit-codes.h"

int verb_agent(int argc, char **argv, const struct mc_global *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    mc_agent_serve();
    return MC_EXIT_OK;
}
