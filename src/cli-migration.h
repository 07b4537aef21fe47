/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virsh migrate's flags as check and migrate both take them: one option table
 * (included in each verb's table with MC_OPT_INCLUDE), one parser, one check
 * of the combinations libvirt refuses. The flags mean the same in both verbs:
 * check judges the migration they describe, migrate performs it (migrate's
 * defaults differ: --persistent and --undefinesource are on unless
 * --keep-source is given).
 */
#pragma once

#include <stdbool.h>

#include "cli.h"
#include "storage/provision.h"

struct mc_migration_flags {
    bool live;             /* --live */
    bool offline;          /* --offline */
    bool copy_storage_all; /* --copy-storage, --copy-storage-all */
    bool copy_storage_inc; /* --copy-storage-inc */
    bool persistent;       /* --persistent */
    bool undefine_source;  /* --undefinesource */
};

extern const struct mc_opt mc_migration_opts[];

/*
 * Handle option code c when it is one of mc_migration_opts: returns 1 (handled)
 * or 0 (not ours).
 */
int mc_migration_option(int c, struct mc_migration_flags *f);

/*
 * The combinations libvirt refuses before it looks at the hosts (virDomainMigrate3's
 * flag checks, the QEMU driver's qemuMigrationSrcBegin): an error message with libvirt's
 * words and -1, else 0.
 */
int mc_migration_flags_check(const struct mc_migration_flags *f);

/*
 * The storage to provision, as provision and migrate (--storage: provisioned, then migrated)
 * both take it: --storage [USER@]HOST[:DIR], --protocol, --attach, --flatten.
 */
struct mc_storage_flags {
    const char *spec; /* --storage, or NULL */
    struct mc_provision_opts po;
};

extern const struct mc_opt mc_storage_opts[];

/* Handle option code c when it is one of mc_storage_opts: 1 (handled), 0 (not ours), -1 (a
 * bad value, message printed). */
int mc_storage_option(int c, const char *arg, struct mc_storage_flags *f);
