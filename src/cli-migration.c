/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh migrate's flags and tuning options shared by check and migrate (cli-migration.h). */
#include "cli-migration.h"

#include <assert.h>
#include <stdlib.h>

enum {
    OPT_LIVE = MC_OPT_FIRST_SHARED,
    OPT_OFFLINE,
    OPT_COPY_STORAGE,
    OPT_COPY_STORAGE_INC,
    OPT_PERSISTENT,
    OPT_UNDEFINE_SOURCE,
    OPT_STORAGE = MC_OPT_FIRST_SHARED + 0x10,
    OPT_PROTOCOL,
    OPT_ATTACH,
    OPT_FLATTEN,
    /* MC_OPT_MIGRATION_TIMEOUT (cli-migration.h, FIRST_SHARED + 0x20), then the tuning rows. */
    OPT_BANDWIDTH = MC_OPT_MIGRATION_TIMEOUT + 1,
    OPT_DOWNTIME_LIMIT,
    OPT_AUTO_CONVERGE,
    OPT_POSTCOPY,
    OPT_COMPRESSED,
    OPT_PARALLEL,
    OPT_TIMEOUT_SUSPEND,
    OPT_TIMEOUT_POSTCOPY,
    OPT_TIMEOUT_ABORT,
    OPT_PREDICT_TIME,
};
static_assert((int)OPT_PREDICT_TIME < (int)MC_OPT_FIRST_VERB_OPT,
              "shared codes stay below the verbs'");
static_assert((int)OPT_FLATTEN < (int)MC_OPT_MIGRATION_TIMEOUT,
              "--migration-timeout's code is the only one between the storage and tuning rows");

static const char *const protocol_values[] = { "nfs", "iscsi", NULL };
static const char *const attach_values[] = { "pool", "network", NULL };

const struct mc_opt mc_migration_opts[] = {
    { "live", no_argument, OPT_LIVE, NULL,
      "a live migration (the default for a running or paused domain; virsh --live)", NULL, false },
    { "offline", no_argument, OPT_OFFLINE, NULL,
      "an offline migration: a shut-off domain's persistent definition moves (virsh --offline)",
      NULL, false },
    { "copy-storage", no_argument, OPT_COPY_STORAGE, NULL,
      "the disks that are not on shared storage are copied to DST (virsh --copy-storage-all; "
      "migrate pre-creates the target files)",
      NULL, false },
    { .name = "copy-storage-all",
      .has_arg = no_argument,
      .val = OPT_COPY_STORAGE,
      .help = "virsh's spelling of --copy-storage",
      .alias = true },
    { "copy-storage-inc", no_argument, OPT_COPY_STORAGE_INC, NULL,
      "only the top image of such disks is copied (virsh --copy-storage-inc): check judges "
      "their backing files as files DST must reach; migrate refuses a disk with a backing chain",
      NULL, false },
    { "persistent", no_argument, OPT_PERSISTENT, NULL,
      "the domain is defined on DST (virsh --persistent; --offline implies it; migrate: the "
      "default)",
      NULL, false },
    { "undefinesource", no_argument, OPT_UNDEFINE_SOURCE, NULL,
      "the domain is undefined on SRC after success (virsh --undefinesource; migrate: the "
      "default unless --keep-source)",
      NULL, false },
    { 0 },
};

int mc_migration_option(int c, struct mc_migration_flags *f)
{
    switch (c) {
    case OPT_LIVE:
        f->live = true;
        return 1;
    case OPT_OFFLINE:
        f->offline = true;
        return 1;
    case OPT_COPY_STORAGE:
        f->copy_storage_all = true;
        return 1;
    case OPT_COPY_STORAGE_INC:
        f->copy_storage_inc = true;
        return 1;
    case OPT_PERSISTENT:
        f->persistent = true;
        return 1;
    case OPT_UNDEFINE_SOURCE:
        f->undefine_source = true;
        return 1;
    }
    return 0;
}

int mc_migration_flags_check(const struct mc_migration_flags *f)
{
    if (f->copy_storage_all && f->copy_storage_inc) {
        mc_log_error("--copy-storage-all and --copy-storage-inc exclude each other (libvirt "
                     "accepts one of them)");
        return -1;
    }
    if (f->offline && f->live) {
        mc_log_error("--live and --offline exclude each other");
        return -1;
    }
    if (f->offline && (f->copy_storage_all || f->copy_storage_inc)) {
        mc_log_error("--offline and --copy-storage%s exclude each other: libvirt refuses "
                     "('offline migration cannot handle non-shared storage')",
                     f->copy_storage_inc ? "-inc" : "");
        return -1;
    }
    return 0;
}

const struct mc_opt mc_tuning_opts[] = {
    { "bandwidth", required_argument, OPT_BANDWIDTH, "MiB/s",
      "the migration's bandwidth limit (VIR_MIGRATE_PARAM_BANDWIDTH; default: the domain's "
      "own limit)",
      NULL, false },
    { "downtime-limit", required_argument, OPT_DOWNTIME_LIMIT, "MS",
      "the longest pause of the guest QEMU may choose for the switch-over "
      "(virDomainMigrateSetMaxDowntime, virsh migrate-setmaxdowntime; default: the domain's, "
      "QEMU's 300 ms)",
      NULL, false },
    { "auto-converge", no_argument, OPT_AUTO_CONVERGE, NULL,
      "QEMU throttles the guest's vCPUs when memory does not converge (virsh --auto-converge)",
      NULL, false },
    { "postcopy", no_argument, OPT_POSTCOPY, NULL,
      "post-copy is allowed (virsh --postcopy; a failure during post-copy loses the guest)", NULL,
      false },
    { "compressed", no_argument, OPT_COMPRESSED, NULL,
      "compress the migration stream (virsh --compressed)", NULL, false },
    { "parallel-connections", required_argument, OPT_PARALLEL, "N",
      "migrate memory over N connections (virsh --parallel --parallel-connections)", NULL, false },
    { "migration-timeout", required_argument, MC_OPT_MIGRATION_TIMEOUT, "SECONDS",
      "after this long, end pre-copy by the timeout action: --timeout-suspend (the default), "
      "--timeout-postcopy or --timeout-abort (virsh migrate --timeout)",
      NULL, false },
    { "timeout-suspend", no_argument, OPT_TIMEOUT_SUSPEND, NULL,
      "at the migration timeout, pause the guest and finish as a non-live migration", NULL, false },
    { "timeout-postcopy", no_argument, OPT_TIMEOUT_POSTCOPY, NULL,
      "at the migration timeout, switch to post-copy (implies --postcopy)", NULL, false },
    { "timeout-abort", no_argument, OPT_TIMEOUT_ABORT, NULL,
      "at the migration timeout, abort: the guest stays on the source", NULL, false },
    { "predict-time", required_argument, OPT_PREDICT_TIME, "SECONDS",
      "how long to watch the guest (default: the first pass, 4 to 15)", NULL, false },
    { 0 },
};

int mc_tuning_option(int c, const char *arg, struct mc_tuning_flags *f)
{
    struct mc_migration_opts *m = &f->m;
    long v;
    switch (c) {
    case OPT_BANDWIDTH:
        /* libvirt takes MiB/s as an unsigned long; QEMU's limit is bytes/s in an int64. */
        if (mc_parse_long_option("--bandwidth", arg, 1, 1L << 30, &v) < 0)
            return -1;
        m->bandwidth_mib = v;
        return 1;
    case OPT_DOWNTIME_LIMIT:
        /* QEMU refuses a downtime-limit above 2000 s. */
        if (mc_parse_long_option("--downtime-limit", arg, 1, 2000000, &v) < 0)
            return -1;
        m->downtime_ms = v;
        return 1;
    case OPT_AUTO_CONVERGE:
        m->auto_converge = true;
        return 1;
    case OPT_POSTCOPY:
        m->postcopy = true;
        return 1;
    case OPT_COMPRESSED:
        m->compressed = true;
        return 1;
    case OPT_PARALLEL:
        if (mc_parse_long_option("--parallel-connections", arg, 1, 255, &v) < 0)
            return -1;
        m->parallel = (int)v;
        return 1;
    case MC_OPT_MIGRATION_TIMEOUT:
        if (mc_parse_long_option("--migration-timeout", arg, 1, 86400, &v) < 0)
            return -1;
        m->timeout_s = v;
        return 1;
    case OPT_TIMEOUT_SUSPEND:
        m->timeout_action = MC_FALLBACK_SUSPEND;
        return 1;
    case OPT_TIMEOUT_POSTCOPY:
        m->timeout_action = MC_FALLBACK_POSTCOPY;
        return 1;
    case OPT_TIMEOUT_ABORT:
        m->timeout_action = MC_FALLBACK_ABORT;
        return 1;
    case OPT_PREDICT_TIME:
        if (mc_parse_long_option("--predict-time", arg, 1, 60, &v) < 0)
            return -1;
        f->predict_ms = (int)v * 1000;
        return 1;
    }
    return 0;
}

int mc_tuning_check(struct mc_tuning_flags *f)
{
    struct mc_migration_opts *m = &f->m;
    if (m->timeout_action != MC_FALLBACK_NONE && !m->timeout_s) {
        mc_log_error("--timeout-suspend, --timeout-postcopy and --timeout-abort need "
                     "--migration-timeout");
        return -1;
    }
    if (m->timeout_s && m->timeout_action == MC_FALLBACK_NONE)
        m->timeout_action = MC_FALLBACK_SUSPEND; /* virsh's default action */
    if (m->timeout_action == MC_FALLBACK_POSTCOPY)
        m->postcopy = true; /* asked for by name: post-copy is what the operator wants */
    return 0;
}

const struct mc_opt mc_storage_opts[] = {
    { "storage", required_argument, OPT_STORAGE, "[USER@]HOST[:DIR]",
      "the storage host (reached over ssh like SRC and DST) and its directory for the images "
      "(default: DIR 'migcheck' under its libvirt images path)",
      NULL, false },
    { "protocol", required_argument, OPT_PROTOCOL, "nfs|iscsi",
      "serve the disks over NFS (nfs-ganesha or the kernel's server; default) or iSCSI (tgtd)",
      protocol_values, false },
    { "attach", required_argument, OPT_ATTACH, "pool|network",
      "attach the store as libvirt pools on both hosts (netfs, iscsi-direct; default) or as "
      "QEMU's own NFS/iSCSI client (<disk type='network'>)",
      attach_values, false },
    { "flatten", no_argument, OPT_FLATTEN, NULL,
      "copy a disk's backing chain into one image (default: carry the chain, NFS only)", NULL,
      false },
    { 0 },
};

int mc_storage_option(int c, const char *arg, struct mc_storage_flags *f)
{
    int v;
    switch (c) {
    case OPT_STORAGE:
        f->spec = arg;
        return 1;
    case OPT_PROTOCOL:
        if ((v = mc_enum_from_name(&mc_prov_protocol_names, arg)) < 0) {
            mc_log_error("invalid --protocol '%s': expected nfs or iscsi", arg);
            return -1;
        }
        f->po.protocol = (enum mc_prov_protocol)v;
        return 1;
    case OPT_ATTACH:
        if ((v = mc_enum_from_name(&mc_prov_attach_names, arg)) < 0) {
            mc_log_error("invalid --attach '%s': expected pool or network", arg);
            return -1;
        }
        f->po.attach = (enum mc_prov_attach)v;
        return 1;
    case OPT_FLATTEN:
        f->po.flatten = true;
        return 1;
    }
    return 0;
}
