/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exit status of migcheck, documented in migcheck(1) EXIT STATUS. */
#pragma once

enum mc_exit {
    MC_EXIT_OK = 0,              /* migratable / done (warnings allowed unless --strict) */
    MC_EXIT_BLOCKED = 1,         /* a FAIL finding: the migration would fail */
    MC_EXIT_USAGE = 2,           /* usage error or bad input (options, snapshot, XML, policy) */
    MC_EXIT_UNKNOWN = 3,         /* could not decide: host unreachable, facts missing, output
                                    could not be written */
    MC_EXIT_ROLLED_BACK = 4,     /* an action failed and was undone */
    MC_EXIT_ROLLBACK_FAILED = 5, /* an action failed and the undo did not complete */
};
