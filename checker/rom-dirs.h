/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The directories whose ROMs a host's facts list: the OS gatherer lists them, and the rules know
 * from them whether a ROM missing from the facts is missing from the host. */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "util/fileio.h"

/*
 * Directories that hold QEMU's option ROMs and firmware blobs. "search": QEMU looks a bare
 * romfile name up there (its firmware path); the others are where distributions put the files
 * the search directories link to.
 *  - /usr/share/qemu: upstream's data dir; Debian, Ubuntu, Fedora (`qemu-system-x86_64 -L help`).
 *  - /usr/share/seabios, /usr/lib/ipxe/qemu: also on Debian's firmware path (-L help, QEMU 7.2).
 *  - /usr/share/qemu-kvm: RHEL/CentOS qemu-kvm's data dir; its ROMs are links (qemu-kvm.spec
 *    pxe_link/rom_link) into ../ipxe, ../ipxe.efi, ../seavgabios, ../seabios, ../sgabios.
 *  - /usr/share/qemu-firmware: RHEL 8's --firmwarepath.
 *  - OVMF/edk2: UEFI code and variable stores (a pflash whose size must match on both hosts).
 */
#define ROM_DIRS(X)                                                                                \
    X("/usr/share/qemu-kvm", true)                                                                 \
    X("/usr/share/qemu", true)                                                                     \
    X("/usr/share/qemu-firmware", true)                                                            \
    X("/usr/share/seabios", true)                                                                  \
    X("/usr/lib/ipxe/qemu", true)                                                                  \
    X("/usr/share/seavgabios", false)                                                              \
    X("/usr/share/sgabios", false)                                                                 \
    X("/usr/share/ipxe", false)                                                                    \
    X("/usr/share/ipxe.efi", false)                                                                \
    X("/usr/share/ipxe/qemu", false)                                                               \
    X("/usr/share/OVMF", false)                                                                    \
    X("/usr/share/ovmf", false)                                                                    \
    X("/usr/share/edk2/ovmf", false)

#define MC_ROM_DIR_STREQ(d, s) || (strlen(d) == len && strncmp(dir, d, len) == 0)

/* Is dir (len bytes, no trailing slash) one of ROM_DIRS? */
static inline bool mc_rom_dir_known(const char *dir, size_t len)
{
    return false ROM_DIRS(MC_ROM_DIR_STREQ);
}

/* The files of those directories that the facts list: option ROMs, BIOS and firmware images. */
static inline bool mc_rom_file_name(const char *name)
{
    return mc_str_endswith(name, ".rom") || mc_str_endswith(name, ".bin") ||
           mc_str_endswith(name, ".fd");
}
