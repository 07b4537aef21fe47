/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iSCSI probe through libiscsi 1.19 (engineering notes 3.3): log in as a given
 * initiator, READ CAPACITY 16, standard INQUIRY, VPD 0x83 (device
 * identification) and 0x80 (unit serial number), log out. A refused login
 * (ACL on the initiator name or address, CHAP, unknown target) is told apart
 * from an unreachable portal, which a bounded TCP connect checks first
 * (libiscsi's connect waits as long as the kernel does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "probe.h"
#include "storage-internal.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/xalloc.h"

MC_DEFINE_CLEANUP(struct iscsi_context *, iscsi_destroy_context)
MC_DEFINE_CLEANUP(struct scsi_task *, scsi_free_scsi_task)

const char *mc_iscsi_result_name(enum mc_iscsi_result r)
{
    switch (r) {
    case MC_ISCSI_OK:
        return "ok";
    case MC_ISCSI_UNREACHABLE:
        return "unreachable";
    case MC_ISCSI_LOGIN_REFUSED:
        return "login-refused";
    case MC_ISCSI_NO_LUN:
        return "no-lun";
    default:
        return "error";
    }
}

void mc_iscsi_probe_result_clear(struct mc_iscsi_probe_result *r)
{
    if (!r)
        return;
    free(r->message);
    free(r->portal);
    free(r->target);
    free(r->initiator);
    free(r->vendor);
    free(r->product);
    free(r->wwn);
    free(r->serial);
    memset(r, 0, sizeof(*r));
}

/* "host", "host:port", "[v6]", "[v6]:port" -> host and port */
static int split_portal(const char *portal, char **ret_host, int *ret_port)
{
    const char *host = portal, *colon;
    size_t hl;
    if (portal[0] == '[') {
        const char *rb = strchr(portal, ']');
        if (!rb || rb == portal + 1)
            return -EINVAL;
        host = portal + 1;
        hl = (size_t)(rb - host);
        colon = rb[1] == ':' ? rb + 1 : rb[1] ? NULL : rb + 1;
        if (!colon)
            return -EINVAL;
    } else {
        colon = strchr(portal, ':');
        if (colon && strchr(colon + 1, ':'))
            return -EINVAL; /* a bare IPv6 address needs brackets */
        hl = colon ? (size_t)(colon - portal) : strlen(portal);
    }
    int port = 3260;
    if (colon && *colon == ':') {
        char *e;
        long p = strtol(colon + 1, &e, 10);
        if (*e || p <= 0 || p > 65535)
            return -EINVAL;
        port = (int)p;
    }
    if (hl == 0)
        return -EINVAL;
    *ret_host = mc_xstrndup(host, hl);
    *ret_port = port;
    return 0;
}

/* SCSI strings are space-padded on either side (tgt pads serials on the left). */
static char *trimmed(const char *s)
{
    while (*s == ' ')
        s++;
    char *r = mc_xstrdup(s);
    mc_strip_trailing(r);
    return *r ? r : (free(r), NULL);
}

/* The logical unit's designator as Linux prints it in /sys/block/X/device/wwid. */
static char *designator_text(const struct scsi_inquiry_device_designator *d)
{
    struct mc_buf b = MC_BUF_INIT;
    const unsigned char *p = (const unsigned char *)d->designator;
    int len = d->designator_length;
    if (len <= 0 || len > 256 || !p)
        return NULL;
    switch (d->designator_type) {
    case SCSI_DESIGNATOR_TYPE_NAA:
        mc_buf_puts(&b, "naa.");
        break;
    case SCSI_DESIGNATOR_TYPE_EUI_64:
        mc_buf_puts(&b, "eui.");
        break;
    case SCSI_DESIGNATOR_TYPE_T10_VENDORT_ID:
        mc_buf_puts(&b, "t10.");
        for (int i = 0; i < len; i++)
            mc_buf_putc(&b, p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '_');
        return mc_buf_steal(&b);
    default:
        return NULL;
    }
    for (int i = 0; i < len; i++)
        mc_buf_printf(&b, "%02x", p[i]);
    return mc_buf_steal(&b);
}

static void read_identification(struct iscsi_context *iscsi, int lun,
                                struct mc_iscsi_probe_result *res)
{
    _cleanup_(scsi_free_scsi_taskp) struct scsi_task *t = iscsi_inquiry_sync(iscsi, lun, 0, 0, 255);
    if (t && t->status == SCSI_STATUS_GOOD) {
        struct scsi_inquiry_standard *inq = scsi_datain_unmarshall(t);
        if (inq) {
            res->vendor = trimmed(inq->vendor_identification);
            res->product = trimmed(inq->product_identification);
        }
    }
    _cleanup_(scsi_free_scsi_taskp) struct scsi_task *t83 =
        iscsi_inquiry_sync(iscsi, lun, 1, SCSI_INQUIRY_PAGECODE_DEVICE_IDENTIFICATION, 255);
    if (t83 && t83->status == SCSI_STATUS_GOOD) {
        struct scsi_inquiry_device_identification *id = scsi_datain_unmarshall(t83);
        /* the logical unit's own name: NAA first, then EUI-64, then a T10 vendor id */
        static const enum scsi_designator_type pref[] = { SCSI_DESIGNATOR_TYPE_NAA,
                                                          SCSI_DESIGNATOR_TYPE_EUI_64,
                                                          SCSI_DESIGNATOR_TYPE_T10_VENDORT_ID };
        for (size_t k = 0; id && k < 3 && !res->wwn; k++)
            for (struct scsi_inquiry_device_designator *d = id->designators; d && !res->wwn;
                 d = d->next)
                if (d->association == SCSI_ASSOCIATION_LOGICAL_UNIT &&
                    d->designator_type == pref[k])
                    res->wwn = designator_text(d);
    }
    _cleanup_(scsi_free_scsi_taskp) struct scsi_task *t80 =
        iscsi_inquiry_sync(iscsi, lun, 1, SCSI_INQUIRY_PAGECODE_UNIT_SERIAL_NUMBER, 255);
    if (t80 && t80->status == SCSI_STATUS_GOOD) {
        struct scsi_inquiry_unit_serial_number *sn = scsi_datain_unmarshall(t80);
        if (sn && sn->usn)
            res->serial = trimmed(sn->usn);
    }
}

static void fail(struct mc_iscsi_probe_result *res, enum mc_iscsi_result what, int err,
                 struct iscsi_context *iscsi)
{
    res->result = what;
    res->err = err < 0 ? -err : err;
    const char *m = iscsi ? iscsi_get_error(iscsi) : NULL;
    free(res->message);
    res->message = mc_xstrdup(m && *m ? m : strerror(res->err));
}

int mc_iscsi_probe(const char *portal, const char *target, int lun, const char *initiator,
                   int timeout_ms, struct mc_iscsi_probe_result *ret, struct mc_error *reterr)
{
    if (!portal || !target || !*target || !initiator || !*initiator || lun < 0 || lun > 16383)
        return mc_error_set(reterr, -EINVAL, "invalid iSCSI target '%s' LUN %d on '%s'",
                            target ? target : "", lun, portal ? portal : "");
    _cleanup_free_ char *host = NULL;
    int port = 0;
    if (split_portal(portal, &host, &port) < 0)
        return mc_error_set(reterr, -EINVAL, "invalid iSCSI portal '%s'", portal);
    int timeout = timeout_ms > 0 ? timeout_ms : 5000;

    struct mc_iscsi_probe_result res = { .lun = lun };
    res.portal = mc_xstrdup(portal);
    res.target = mc_xstrdup(target);
    res.initiator = mc_xstrdup(initiator);

    int r = mc_storage_tcp_check(host, port, timeout);
    if (r < 0) {
        fail(&res, MC_ISCSI_UNREACHABLE, r, NULL);
        *ret = res;
        return 0;
    }
    _cleanup_(iscsi_destroy_contextp) struct iscsi_context *iscsi = iscsi_create_context(initiator);
    if (!iscsi) {
        mc_iscsi_probe_result_clear(&res);
        return mc_error_set(reterr, -ENOMEM, "cannot create an iSCSI context");
    }
    iscsi_set_timeout(iscsi, (timeout + 999) / 1000);
    iscsi_set_noautoreconnect(iscsi, 1);
    iscsi_set_targetname(iscsi, target);
    iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);

    _cleanup_free_ char *addr = mc_xasprintf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    if (iscsi_connect_sync(iscsi, addr) != 0) {
        fail(&res, MC_ISCSI_UNREACHABLE, ECONNREFUSED, iscsi);
        *ret = res;
        return 0;
    }
    if (iscsi_login_sync(iscsi) != 0) {
        fail(&res, MC_ISCSI_LOGIN_REFUSED, EACCES, iscsi);
        (void)iscsi_disconnect(iscsi);
        *ret = res;
        return 0;
    }

    /* A fresh nexus first reports UNIT ATTENTION (power on, reset): clear it with TEST UNIT
     * READY, a few times at most, before the commands whose answers count. */
    bool no_lun = false;
    for (int i = 0; i < 4; i++) {
        _cleanup_(scsi_free_scsi_taskp) struct scsi_task *tur =
            iscsi_testunitready_sync(iscsi, lun);
        if (!tur || tur->status == SCSI_STATUS_GOOD)
            break;
        if (tur->status == SCSI_STATUS_CHECK_CONDITION &&
            tur->sense.key == SCSI_SENSE_ILLEGAL_REQUEST &&
            tur->sense.ascq == SCSI_SENSE_ASCQ_LOGICAL_UNIT_NOT_SUPPORTED) {
            no_lun = true;
            break;
        }
        if (tur->status != SCSI_STATUS_CHECK_CONDITION ||
            tur->sense.key != SCSI_SENSE_UNIT_ATTENTION)
            break;
    }
    _cleanup_(scsi_free_scsi_taskp) struct scsi_task *cap =
        no_lun ? NULL : iscsi_readcapacity16_sync(iscsi, lun);
    if (no_lun || (cap && cap->status == SCSI_STATUS_CHECK_CONDITION &&
                   cap->sense.key == SCSI_SENSE_ILLEGAL_REQUEST &&
                   cap->sense.ascq == SCSI_SENSE_ASCQ_LOGICAL_UNIT_NOT_SUPPORTED)) {
        fail(&res, MC_ISCSI_NO_LUN, ENXIO, NULL);
        free(res.message);
        res.message = mc_xasprintf("LUN %d is not supported by '%s'", lun, target);
    } else if (!cap || cap->status != SCSI_STATUS_GOOD) {
        fail(&res, MC_ISCSI_ERROR, EIO, iscsi);
    } else {
        struct scsi_readcapacity16 *rc = scsi_datain_unmarshall(cap);
        if (rc && rc->block_length > 0) {
            res.block_size = rc->block_length;
            res.size_bytes = (int64_t)((rc->returned_lba + 1) * rc->block_length);
        }
        read_identification(iscsi, lun, &res);
        res.result = MC_ISCSI_OK;
    }
    (void)iscsi_logout_sync(iscsi);
    (void)iscsi_disconnect(iscsi);
    *ret = res;
    return 0;
}
