/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capabilities and domain capabilities come from remote daemons: untrusted.
 * The same input goes through both parsers; what they read survives the
 * snapshot round trip, and a failed parse leaves the facts as they were.
 */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "fuzz-facts.h"
#include "util/xalloc.h"
#include "virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    mc_xml_init();
    struct mc_host_facts *h = mc_host_facts_new();
    h->virt.host_uuid = mc_xstrdup("before");
    if (mc_capabilities_xml_parse((const char *)data, size, &h->virt, &err) < 0) {
        if (!err.message || !*err.message)
            abort();
        if (!h->virt.host_uuid || strcmp(h->virt.host_uuid, "before") != 0)
            abort(); /* unchanged on failure */
        mc_error_clear(&err);
    }
    char *cpu = NULL;
    if (mc_domcaps_host_model_parse((const char *)data, size, &cpu, &err) < 0) {
        if (!err.message || !*err.message || cpu)
            abort();
        mc_error_clear(&err);
    } else {
        /* what we hand to virConnectCompareHypervisorCPU is itself well-formed */
        xmlDocPtr d = NULL;
        if (!cpu || mc_xml_parse(cpu, strlen(cpu), "host-model", &d, &err) < 0)
            abort();
        xmlFreeDoc(d);
        h->virt.host_model_xml = cpu;
    }
    bool tpm_listed = false;
    char **tpm = NULL;
    if (mc_domcaps_tpm_parse((const char *)data, size, &tpm_listed, &tpm, &err) < 0) {
        if (!err.message || !*err.message || tpm)
            abort();
        mc_error_clear(&err);
    } else {
        h->virt.tpm_backends_listed = tpm_listed;
        h->virt.tpm_backend_models = tpm;
    }
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    return 0;
}
