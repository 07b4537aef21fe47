/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The destination's verdict on a VM's CPU (virConnectCompareHypervisorCPU). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"
#include "virt.h"

const char *mc_cpu_compare_result_name(enum mc_cpu_compare_result r)
{
    switch (r) {
    case MC_CPU_COMPARE_ERROR:
        return "error";
    case MC_CPU_COMPARE_INCOMPATIBLE:
        return "incompatible";
    case MC_CPU_COMPARE_IDENTICAL:
        return "identical";
    case MC_CPU_COMPARE_SUPERSET:
        return "superset";
    case MC_CPU_COMPARE_NO_MODEL:
        return "no-model";
    }
    return "error";
}

void mc_cpu_compare_clear(struct mc_cpu_compare *c)
{
    free(c->message);
    mc_strv_free(c->missing_features);
    memset(c, 0, sizeof(*c));
}

/*
 * libvirt's x86 driver (src/cpu/cpu_x86.c, virCPUx86Compare) reports
 * "Host CPU does not provide required features: a, b" (and, for
 * match='strict', "Host CPU does not strictly match guest CPU: Extra
 * features: c"); the list runs to the end of the message.
 */
char **mc_cpu_missing_features(const char *message)
{
    static const char marker[] = "does not provide required features: ";
    if (!message)
        return NULL;
    const char *p = strstr(message, marker);
    if (!p)
        return NULL;
    p += strlen(marker);
    char **v = NULL;
    while (*p) {
        size_t n = strcspn(p, ",;\n");
        const char *s = p, *e = p + n;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '.'))
            e--;
        if (e > s)
            mc_strv_push(&v, mc_xstrndup(s, (size_t)(e - s)));
        if (p[n] != ',')
            break; /* the list ends at the first character that is not a comma */
        p += n + 1;
        if (mc_strv_length(v) >= 1024)
            break;
    }
    return v;
}

static int compare(virConnectPtr dconn, const struct mc_vm_facts *vm, const char *machine,
                   struct mc_cpu_compare *ret)
{
    int r = virConnectCompareHypervisorCPU(dconn, NULL, vm->arch, machine, vm->domain_type,
                                           vm->cpu_xml, VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
    switch (r) {
    case VIR_CPU_COMPARE_IDENTICAL:
        ret->result = MC_CPU_COMPARE_IDENTICAL;
        return 0;
    case VIR_CPU_COMPARE_SUPERSET:
        ret->result = MC_CPU_COMPARE_SUPERSET;
        return 0;
    case VIR_CPU_COMPARE_INCOMPATIBLE:
        ret->result = MC_CPU_COMPARE_INCOMPATIBLE;
        return 0;
    default:
        break;
    }
    const char *msg = virGetLastErrorMessage();
    ret->message = mc_xstrdup(msg ? msg : "unknown libvirt error");
    if (mc_virt_last_code() == VIR_ERR_CPU_INCOMPATIBLE) {
        ret->result = MC_CPU_COMPARE_INCOMPATIBLE;
        ret->missing_features = mc_cpu_missing_features(ret->message);
    } else {
        ret->result = MC_CPU_COMPARE_ERROR;
        ret->error = mc_virt_last_errno();
    }
    virResetLastError();
    return 0;
}

int mc_virt_compare_cpu(virConnectPtr dconn, const struct mc_vm_facts *vm,
                        struct mc_cpu_compare *ret, struct mc_error *reterr)
{
    if (!vm || !ret)
        return mc_error_set(reterr, -EINVAL, "cannot compare a CPU without a VM");
    struct mc_cpu_compare c = { 0 };
    if ((vm->cpu_mode && strcmp(vm->cpu_mode, "host-passthrough") == 0) ||
        (vm->cpu_mode && strcmp(vm->cpu_mode, "maximum") == 0)) {
        c.result = MC_CPU_COMPARE_NO_MODEL;
        c.message = mc_xasprintf("the CPU of '%s' is %s: there is no model to compare; only a "
                                 "destination with the same CPU and microcode is safe",
                                 vm->name ? vm->name : "?", vm->cpu_mode);
        *ret = c;
        return 0;
    }
    if (!vm->cpu_xml || !vm->cpu_model) {
        bool host_model = vm->cpu_mode && strcmp(vm->cpu_mode, "host-model") == 0;
        c.result = MC_CPU_COMPARE_NO_MODEL;
        c.message = host_model ? mc_xasprintf("the host-model CPU of '%s' is not expanded (the "
                                              "domain is not running): it takes the host-model "
                                              "CPU of the host it starts on",
                                              vm->name ? vm->name : "?")
                               : mc_xasprintf("'%s' has no CPU model in its XML: the "
                                              "hypervisor's default CPU is used on both hosts",
                                              vm->name ? vm->name : "?");
        *ret = c;
        return 0;
    }
    if (!dconn)
        return mc_error_set(reterr, -EINVAL, "cannot compare the CPU of '%s' without a connection",
                            vm->name ? vm->name : "?");
    mc_virt_init();
    compare(dconn, vm, vm->machine, &c);
    if (c.result == MC_CPU_COMPARE_ERROR && vm->machine) {
        /* A machine type the destination lacks fails the call before any CPU is compared;
         * that is another rule's finding. Compare against the default machine instead. */
        struct mc_cpu_compare again = { 0 };
        compare(dconn, vm, NULL, &again);
        if (again.result != MC_CPU_COMPARE_ERROR) {
            char *note = mc_xasprintf("compared with the default machine type: %s", c.message);
            mc_cpu_compare_clear(&c);
            c = again;
            if (!c.message)
                c.message = note;
            else
                free(note);
        } else {
            mc_cpu_compare_clear(&again);
        }
    }
    *ret = c;
    return 0;
}
