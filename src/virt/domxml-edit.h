/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The destination XML of a migration: edits of the migratable domain XML
 * (libxml2) where the destination differs, and its validation against the
 * destination's domain capabilities. Only what names host resources changes:
 * disk sources, interface bridges and networks, graphics listen addresses,
 * the emulator path. Guest ABI (<address>, <mac>, <mtu>, <target>, models,
 * machine type, CPU) is never touched; mc_domxml_abi_equal checks that.
 */
#pragma once

#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "util/error.h"

/* Parse a domain XML (untrusted: the same limits as every document). */
int mc_domxml_parse(const char *xml, const char *what, xmlDocPtr *ret, struct mc_error *reterr);
/* The document as a string (caller frees). */
char *mc_domxml_string(xmlDocPtr doc);

/*
 * Each edit: the old value in *ret_old (may be NULL), -ENOENT when the element is not there,
 * -EINVAL when it has no such attribute to change.
 */
/* The source of disk TARGET (file/@file, block/@dev, dir/@dir). */
int mc_domxml_set_disk_source(xmlDocPtr doc, const char *target, const char *path, char **ret_old,
                              struct mc_error *reterr);
/* Drop the disk's <backingStore> (a storage copy flattens the chain into one image). */
int mc_domxml_drop_backing(xmlDocPtr doc, const char *target, struct mc_error *reterr);
/* The source bridge or network (type "bridge" / "network") of the interface with MAC. */
int mc_domxml_set_iface_source(xmlDocPtr doc, const char *mac, const char *type, const char *value,
                               char **ret_old, struct mc_error *reterr);
/* The listen address of the graphics of TYPE (vnc, spice): the attribute and <listen>. */
int mc_domxml_set_graphics_listen(xmlDocPtr doc, const char *type, const char *address,
                                  char **ret_old, struct mc_error *reterr);
/* <devices><emulator>. */
int mc_domxml_set_emulator(xmlDocPtr doc, const char *path, char **ret_old,
                           struct mc_error *reterr);

/*
 * Is the guest ABI of two domain XMLs the same? Compares every <address>, <mac>, <mtu>, disk
 * <target>, model, the machine type and <cpu>, in document order. 0 when equal, -EPERM with the
 * first difference in the message.
 */
int mc_domxml_abi_equal(xmlDocPtr a, xmlDocPtr b, struct mc_error *reterr);

/*
 * Validate against the destination's domain capabilities (virConnectGetDomainCapabilities for
 * the XML's emulator, arch, machine and domain type): the emulator and machine must be known
 * there, and every disk bus and device, graphics type, video model, hostdev mode and subsystem
 * type, and firmware loader the XML uses must be one the capabilities list. -EINVAL with the
 * first mismatch; -errno when the capabilities could not be read.
 */
int mc_domxml_validate_domcaps(virConnectPtr dst, xmlDocPtr doc, const char *dst_name,
                               struct mc_error *reterr);
/* The same, against a domain capabilities document already read (tests, snapshots). */
int mc_domxml_validate_domcaps_xml(const char *domcaps, xmlDocPtr doc, const char *dst_name,
                                   struct mc_error *reterr);

/* libvirt's domain schema, installed with the client library (libvirt0). */
#define MC_LIBVIRT_DOMAIN_RNG "/usr/share/libvirt/schemas/domain.rng"
/*
 * Validate a domain XML against libvirt's RELAX NG schema RNG (MC_LIBVIRT_DOMAIN_RNG): 0 valid;
 * -EINVAL with the first error; 1 (message in reterr) when it does not validate but ORIG (the
 * source's own XML, may be NULL) does not either: the local schema is older than the libvirt
 * that wrote it and cannot judge; -errno when the schema cannot be read.
 */
int mc_domxml_validate_schema(xmlDocPtr doc, xmlDocPtr orig, const char *rng,
                              struct mc_error *reterr);
