/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fix ids: what `migcheck migrate` (or provision) can do about a finding.
 * A rule names its fix by enum (rules/catalog.c, mc_finding_set_fix); the
 * report prints the fix's name, which is stable (JSON output, scripts).
 *
 * Each fix maps to the plan step kind that applies it (src/action/, the step
 * table) and to the migrate option that asks for it, so a refusal can print
 * the exact command line. Adding a fix: a value here, a row in fix.c, and the
 * step kind it names in the step table (a unit test checks that every fix's
 * step exists).
 */
#pragma once

#include "names.h"

enum mc_fix {
    MC_FIX_NONE = 0,
    MC_FIX_COPY_STORAGE,             /* copy non-shared disks during the migration */
    MC_FIX_PROVISION_SHARED_STORAGE, /* put the disk on storage both hosts share */
    MC_FIX_REWRITE_PATH,             /* disk path in the destination XML */
    MC_FIX_REWRITE_BRIDGE,           /* <interface type='bridge'> source */
    MC_FIX_REWRITE_NETWORK,          /* <interface type='network'> source */
    MC_FIX_REWRITE_LISTEN,           /* graphics listen address */
    MC_FIX_REWRITE_EMULATOR,         /* <emulator> path */
    MC_FIX_UNSAFE_PROVEN_SHARED,     /* VIR_MIGRATE_UNSAFE where migcheck proved the sharing */
    MC_FIX_BANDWIDTH,                /* a higher migration bandwidth limit: it converges then */
    MC_FIX_AUTO_CONVERGE,            /* throttle the guest's vCPUs until it converges */
    MC_FIX_TIMEOUT_SUSPEND,          /* pause the guest at a timeout, finish non-live */
    _MC_FIX_MAX,
};

struct mc_fix_info {
    const char *step;    /* the plan step kind that applies it */
    const char *option;  /* what asks `migcheck migrate` for it */
    const char *summary; /* one line for people */
};

extern const struct mc_enum_names mc_fix_names;

/* The row of a fix; NULL for MC_FIX_NONE or out of range. */
const struct mc_fix_info *mc_fix_info(enum mc_fix f);
static inline const char *mc_fix_name(enum mc_fix f)
{
    return mc_enum_name(&mc_fix_names, (int)f);
}
/* The fix named s, or -EINVAL. */
int mc_fix_from_name(const char *s);
