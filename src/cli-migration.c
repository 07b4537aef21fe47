/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh migrate's flags shared by check and migrate (cli-migration.h). */
#include "cli-migration.h"

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
};

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
