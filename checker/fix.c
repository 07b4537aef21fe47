/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fix.h"

#include <assert.h>
#include <stddef.h>

/* The rows; the names are in fix_names below (one table per enum, names are stable). */
static const struct mc_fix_info fixes[_MC_FIX_MAX] = {
    [MC_FIX_COPY_STORAGE] = {
        .step = "create-disk-target",
        .option = "--copy-storage-all",
        .summary = "pre-create the disk on the destination and copy it during the migration",
    },
    [MC_FIX_PROVISION_SHARED_STORAGE] = {
        .step = "provision-storage",
        .option = "migcheck provision",
        .summary = "put the disk on storage both hosts share",
    },
    [MC_FIX_REWRITE_PATH] = {
        .step = "rewrite-disk-path",
        .option = "--fix",
        .summary = "rewrite the disk path in the destination XML to where the destination "
                   "sees the same store",
    },
    [MC_FIX_REWRITE_BRIDGE] = {
        .step = "rewrite-bridge",
        .option = "--map-bridge",
        .summary = "rewrite the interface's bridge in the destination XML",
    },
    [MC_FIX_REWRITE_NETWORK] = {
        .step = "rewrite-network",
        .option = "--map-network",
        .summary = "rewrite the interface's libvirt network in the destination XML",
    },
    [MC_FIX_REWRITE_LISTEN] = {
        .step = "rewrite-listen",
        .option = "--fix",
        .summary = "rewrite the graphics listen address in the destination XML",
    },
    [MC_FIX_REWRITE_EMULATOR] = {
        .step = "rewrite-emulator",
        .option = "--fix",
        .summary = "rewrite <emulator> in the destination XML to the destination's QEMU",
    },
    [MC_FIX_UNSAFE_PROVEN_SHARED] = {
        .step = "migrate",
        .option = "--fix",
        .summary = "migrate with VIR_MIGRATE_UNSAFE: migcheck proved the storage shared",
    },
    [MC_FIX_BANDWIDTH] = {
        .step = "migrate",
        .option = "--bandwidth",
        .summary = "migrate with a bandwidth limit at which pre-copy converges",
    },
    [MC_FIX_AUTO_CONVERGE] = {
        .step = "migrate",
        .option = "--auto-converge",
        .summary = "migrate with auto-converge: QEMU throttles the guest until pre-copy "
                   "converges",
    },
    [MC_FIX_TIMEOUT_SUSPEND] = {
        .step = "migrate",
        .option = "--timeout-suspend",
        .summary = "pause the guest after a timeout and finish as a non-live migration",
    },
};

static const char *const fix_names[_MC_FIX_MAX] = {
    [MC_FIX_COPY_STORAGE] = "copy-storage",
    [MC_FIX_PROVISION_SHARED_STORAGE] = "provision-shared-storage",
    [MC_FIX_REWRITE_PATH] = "rewrite-path",
    [MC_FIX_REWRITE_BRIDGE] = "rewrite-bridge",
    [MC_FIX_REWRITE_NETWORK] = "rewrite-network",
    [MC_FIX_REWRITE_LISTEN] = "rewrite-listen",
    [MC_FIX_REWRITE_EMULATOR] = "rewrite-emulator",
    [MC_FIX_UNSAFE_PROVEN_SHARED] = "unsafe-proven-shared",
    [MC_FIX_BANDWIDTH] = "bandwidth",
    [MC_FIX_AUTO_CONVERGE] = "auto-converge",
    [MC_FIX_TIMEOUT_SUSPEND] = "timeout-suspend",
};
MC_ENUM_NAMES(mc_fix_names, "fix id", fix_names);
static_assert(sizeof(enum mc_fix) == sizeof(int), "enum fields are read as int");

const struct mc_fix_info *mc_fix_info(enum mc_fix f)
{
    if ((int)f <= 0 || f >= _MC_FIX_MAX)
        return NULL;
    return &fixes[f];
}

int mc_fix_from_name(const char *s)
{
    return mc_enum_from_name(&mc_fix_names, s);
}
