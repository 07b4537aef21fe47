/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the rule functions: pure helpers over the model. */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "checker/relate.h"
#include "checker/report.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define SRC(p) ((p)->src_name ? (p)->src_name : "source")
#define DST(p) ((p)->dst_name ? (p)->dst_name : "destination")

static inline bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
    return (!a && !b) || streq(a, b);
}

static inline const char *str_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

/* Will the migration copy storage (--copy-storage-all or --copy-storage-inc)? */
static inline bool copies_storage(const struct mc_pair *p)
{
    return p->opts->copy_storage || p->opts->copy_storage_inc;
}

/* Each rule function, by area. */
#define RULE_FN(name)                                                                              \
    void name(const struct mc_rule *r, const struct mc_pair *p, struct mc_findings *out)
RULE_FN(rule_host_reachable);
RULE_FN(rule_vm_state);
RULE_FN(rule_vm_definition);
RULE_FN(rule_vm_job);
RULE_FN(rule_vm_snapshots);
RULE_FN(rule_vm_hostdev);
RULE_FN(rule_vm_devices);
RULE_FN(rule_vm_invtsc);
RULE_FN(rule_vm_virtio_vectors);
RULE_FN(rule_vm_created_files);
RULE_FN(rule_vm_host_paths);
RULE_FN(rule_vm_9p_mount);
RULE_FN(rule_cpu_compatible);
RULE_FN(rule_cpu_passthrough);
RULE_FN(rule_virt_same_host);
RULE_FN(rule_virt_name_collision);
RULE_FN(rule_virt_machine_type);
RULE_FN(rule_virt_emulator);
RULE_FN(rule_virt_domain_type);
RULE_FN(rule_virt_qemu_version);
RULE_FN(rule_virt_rom_size);
RULE_FN(rule_virt_memory);
RULE_FN(rule_virt_hugepages);
RULE_FN(rule_virt_security_model);
RULE_FN(rule_virt_tls_required);
RULE_FN(rule_virt_unsafe_migration);
RULE_FN(rule_virt_secrets);
RULE_FN(rule_os_release);
RULE_FN(rule_os_updates);
RULE_FN(rule_storage_disk_shared);
RULE_FN(rule_storage_disk_path);
RULE_FN(rule_storage_qemu_access);
RULE_FN(rule_storage_qemu_ids);
RULE_FN(rule_storage_separate_host);
RULE_FN(rule_storage_readonly_copy);
RULE_FN(rule_storage_copy_target);
RULE_FN(rule_net_bridge);
RULE_FN(rule_net_network);
RULE_FN(rule_net_direct);
RULE_FN(rule_net_mtu);
RULE_FN(rule_net_config_identical);
RULE_FN(rule_net_listen_address);
RULE_FN(rule_net_migration_port);
RULE_FN(rule_net_dst_hostname);
RULE_FN(rule_net_libvirtd_port);
RULE_FN(rule_migration_convergence);
