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

#include "checker/predict.h"
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
 * How the migration runs (virsh migrate's tuning options, as check --predict and migrate both
 * take them): --bandwidth, --downtime-limit, --auto-converge, --postcopy, --compressed,
 * --parallel-connections, --migration-timeout with --timeout-suspend, --timeout-postcopy or
 * --timeout-abort, and --predict-time. check predicts the migration they describe; migrate
 * predicts it and then runs it with them. One table, one parser, one check of the
 * combinations, so the two verbs cannot drift apart.
 */
struct mc_tuning_flags {
    struct mc_migration_opts m; /* checker/predict.h: what the model and migrate read */
    int predict_ms;             /* --predict-time (0: not given) */
};

extern const struct mc_opt mc_tuning_opts[];

/* The code of --migration-timeout: migrate also takes virsh's spelling --timeout (an alias row
 * in its own table; check's --timeout is the host timeout). */
#define MC_OPT_MIGRATION_TIMEOUT (MC_OPT_FIRST_SHARED + 0x20)

/* Handle option code c when it is one of mc_tuning_opts: 1 (handled), 0 (not ours), -1 (a bad
 * value, message printed). */
int mc_tuning_option(int c, const char *arg, struct mc_tuning_flags *f);

/*
 * After parsing: a timeout action needs a timeout; a timeout without an action suspends (as
 * virsh migrate --timeout does); --timeout-postcopy implies --postcopy. -1 with a message when
 * the options do not go together, else 0.
 */
int mc_tuning_check(struct mc_tuning_flags *f);

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
