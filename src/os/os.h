/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OS and updates: os-release, kernel, machine-id, names, packages, ROMs, the qemu user. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/facts.h"
#include "util/error.h"
#include "util/source.h"

/* Fill h->os; failures are recorded in h as area "os" ("os/packages", "os/roms", ...). Reads
 * h->virt.qemu_conf.user/group when virt was gathered first. */
void mc_os_gather(struct mc_source *src, struct mc_host_facts *h);
/* The qemu user alone (qemu_user, qemu_uid, qemu_gid, qemu_uid_known), again: for a caller
 * that learns h->virt.qemu_conf only after mc_os_gather() (the sh agent's dump). */
void mc_os_gather_qemu_user(struct mc_source *src, struct mc_host_facts *h);
/* After the VM is known: sha256 of the ROMs it loads (h->vm must be set, h->os.roms listed).
 * src may be a later probe answer holding only the mc_os_rom_hash_spec() records. */
void mc_os_hash_vm_roms(struct mc_source *src, struct mc_host_facts *h);
/* What the sh probe must collect for mc_os_gather (without the VM's ROM hashes). */
extern mc_probe_spec mc_os_probe_spec;

/*
 * The probe lines ("H <path>") that hash the ROMs vm loads, in every directory QEMU may load
 * them from, for a remote host reached through the sh probe. A NULL-terminated list.
 */
char **mc_os_rom_hash_spec(const struct mc_vm_facts *vm);

/*
 * The ROMs a VM loads: bare file names QEMU looks up in its firmware path (efi-virtio.rom,
 * vgabios-stdvga.bin, bios-256k.bin, ...) and absolute paths (<loader>, <rom file=>).
 */
char **mc_os_vm_rom_names(const struct mc_vm_facts *vm);
/* The option ROM QEMU gives a NIC of this libvirt model on this machine type, or NULL. */
const char *mc_os_nic_romfile(const char *model, const char *machine);
/* The VGA BIOS of a libvirt video model (primary: the first video device), or NULL. */
const char *mc_os_vga_romfile(const char *model, bool primary);

/*
 * The hypervisor stack's packages: NULL-terminated name lists, shared by the argv that runs
 * on this host and the probe request (the probe validates each name). dpkg hosts also get the
 * running kernel's package, linux-image-<release> (and the -unsigned- flavour).
 */
extern const char *const mc_os_dpkg_packages[];
extern const char *const mc_os_rpm_packages[];
/* argv of the package queries; kernel_release may be NULL. */
char **mc_os_dpkg_argv(const char *kernel_release);
char **mc_os_rpm_argv(void);

/* ---- pure parsers ---- */

/*
 * KEY=VALUE files (os-release, /etc/selinux/config): shell-like quoting (double quotes with
 * backslash escapes, single quotes, backslash outside quotes), comments, blank lines. Returns a
 * strv of alternating keys and values (later duplicates win in mc_env_get()).
 */
int mc_env_parse(const char *buf, size_t len, char ***ret);
const char *mc_env_get(char *const *kv, const char *key);
/* os-release -> id, id_like, version_id, pretty_name, variant_id of o (replaced). */
int mc_os_release_parse(const char *buf, size_t len, struct mc_os_facts *o,
                        struct mc_error *reterr);

/* dpkg-query -f '${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' output,
 * installed packages only, sorted by name. */
int mc_dpkg_query_parse(const char *buf, size_t len, struct mc_package **ret, size_t *ret_n,
                        struct mc_error *reterr);
/* rpm -q --qf '%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{ARCH}\n' output ("(none):" dropped),
 * sorted by name. */
int mc_rpm_query_parse(const char *buf, size_t len, struct mc_package **ret, size_t *ret_n,
                       struct mc_error *reterr);
/* Keep, of the kernel packages (linux-image-*, kernel, kernel-core), the running one. */
void mc_os_packages_keep_running_kernel(struct mc_package **pkgs, size_t *n,
                                        const char *kernel_release);
void mc_packages_free(struct mc_package *p, size_t n);

/* /etc/passwd: uid and primary gid of name; -ENOENT when absent. */
int mc_passwd_lookup(const char *buf, size_t len, const char *name, int64_t *ret_uid,
                     int64_t *ret_gid);
/* /etc/group: gid of name; -ENOENT when absent. */
int mc_group_lookup(const char *buf, size_t len, const char *name, int64_t *ret_gid);
