/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OS and updates: os-release, kernel, machine-id, names, packages, ROMs, the qemu user. */
#pragma once

#include "checker/facts.h"
#include "util/source.h"

/* Fill h->os; failures are recorded in h as area "os". */
void mc_os_gather(struct mc_source *src, struct mc_host_facts *h);
/* After the VM is known: sha256 of the ROMs it loads (h->vm must be set). */
void mc_os_hash_vm_roms(struct mc_source *src, struct mc_host_facts *h);
extern mc_probe_spec mc_os_probe_spec;
