/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "agent-ops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "virt/virt.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"

static void drop_errors(struct mc_host_facts *h, const char *area)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n_errors; i++) {
        if (h->errors[i].area && strcmp(h->errors[i].area, area) == 0) {
            free(h->errors[i].area);
            free(h->errors[i].message);
            continue;
        }
        h->errors[k++] = h->errors[i];
    }
    h->n_errors = k;
}

void mc_gather_qemu_conf(struct mc_source *src, struct mc_host_facts *h)
{
    struct mc_qemu_conf *q = &h->virt.qemu_conf;
    drop_errors(h, "virt/qemu-conf");
    mc_qemu_conf_clear(q);
    mc_qemu_conf_defaults(q);
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = mc_source_read(src, QEMU_CONF, 4u << 20, &buf, &len);
    if (r < 0) {
        mc_facts_add_error(h, "virt/qemu-conf", r, "cannot read '%s' on %s: %s", QEMU_CONF,
                           src->label ? src->label : "the host", strerror(-r));
        return;
    }
    struct mc_qemu_conf parsed = {0};
    _cleanup_error_ struct mc_error err = {0};
    if (mc_qemu_conf_parse(buf, len, &parsed, &err) < 0) {
        mc_facts_add_error(h, "virt/qemu-conf", err.code, "%s", err.message);
        return;
    }
    mc_qemu_conf_clear(q);
    *q = parsed;
}

void mc_agent_gather_extra(struct mc_host_facts *h)
{
    _cleanup_(mc_source_freep) struct mc_source *src = mc_source_fs("/", true);
    mc_gather_qemu_conf(src, h);
}

bool mc_agent_extra_op(const char *id, const char *op, char **args, mc_agent_reply_fn reply)
{
    (void)id;
    (void)op;
    (void)args;
    (void)reply;
    return false;
}
