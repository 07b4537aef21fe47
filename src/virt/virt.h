/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt: connection, host facts, a VM's facts; pure parsers of libvirt's XML. */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "checker/facts.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/source.h"

MC_DEFINE_CLEANUP_VOID(virConnectPtr, virConnectClose)
MC_DEFINE_CLEANUP_VOID(virDomainPtr, virDomainFree)

/* Silence libvirt's default error printing (once per process). */
void mc_virt_init(void);
/* Open a connection; the message carries libvirt's last error. */
int mc_virt_open(const char *uri, bool readonly, virConnectPtr *ret, struct mc_error *reterr);
/* Copy libvirt's last error of this thread into an mc_error. */
int mc_virt_error(struct mc_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Fill h->virt from a connection; src (may be NULL) is the host's files, for
 * qemu.conf. Failures recorded as area "virt" (or "virt/<what>").
 */
void mc_virt_gather(virConnectPtr conn, struct mc_source *src, struct mc_host_facts *h);
/* Fill h->vm with the named domain's facts. Area "vm". */
void mc_vm_gather(virConnectPtr conn, const char *name, struct mc_host_facts *h);

/* Pure parsers (libxml2), for live XML and for --vm-xml files. */
int mc_domain_xml_parse(const char *xml, size_t len, const char *what, struct mc_vm_facts **ret,
                        struct mc_error *reterr);
int mc_capabilities_xml_parse(const char *xml, size_t len, struct mc_virt_facts *v,
                              struct mc_error *reterr);
int mc_qemu_conf_parse(const char *buf, size_t len, struct mc_qemu_conf *ret,
                       struct mc_error *reterr);
extern mc_probe_spec mc_virt_probe_spec;
