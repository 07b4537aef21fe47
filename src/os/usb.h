/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's USB devices (/sys/bus/usb/devices), where libvirt looks USB host devices up. */
#pragma once

#include <stdint.h>

#include "checker/facts.h"
#include "util/source.h"

/*
 * Fill h->usb (replaced). A host without /sys/bus/usb/devices gets a known empty list with
 * no_sysfs set; an entry that cannot be read or parsed leaves h->usb NULL (not known) with an
 * error of area "usb", as libvirt's own search fails on it.
 */
void mc_usb_gather(struct mc_source *src, struct mc_host_facts *h);
/* The same over another directory laid out as /sys/bus/usb/devices (tests). */
void mc_usb_gather_at(struct mc_source *src, const char *dir, struct mc_host_facts *h);
/* What the sh probe must collect for mc_usb_gather: one listing, the rest in its one awk. */
extern mc_probe_spec mc_usb_probe_spec;

/* ---- pure parsers of the sysfs attributes (untrusted remote text) ---- */

/* idVendor / idProduct: 1 to 4 hex digits and an optional newline -> 4 lower-case digits. */
int mc_usb_parse_id(const char *text, char **ret);
/* busnum / devnum: 1 to 4 decimal digits, not 0, and an optional newline. */
int mc_usb_parse_num(const char *text, int64_t *ret);
