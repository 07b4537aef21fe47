/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The prediction's untrusted input: the agents' answers to mem-sample and bw-sink (remote
 * hosts), and pair snapshots with a <predict> section (--pair-facts files). Each input is
 * both: its lines are read as agent answers, the whole as a pair snapshot. Whatever parses
 * goes through the model, which must end (bounded) with numbers that make sense or refuse.
 */
#include "fuzz.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checker/converge.h"
#include "checker/pair.h"
#include "checker/predict.h"
#include "checker/xml-util.h"
#include "agent/proto.h"
#include "gather/predict.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void model(const struct mc_predict_facts *f)
{
    struct mc_migration_opts o = { .timeout_s = 30, .timeout_action = MC_FALLBACK_SUSPEND };
    struct mc_dirty_point *buf = mc_new0(struct mc_dirty_point, f->n_dirty + 1);
    struct mc_converge_in in;
    const char *missing = NULL;
    if (mc_predict_input(f, &o, &in, buf, &missing) == 0) {
        struct mc_converge_result r;
        if (mc_converge_predict(&in, &r) == 0) {
            if (!(r.p_converge >= 0 && r.p_converge <= 1) || r.nominal.total < 0 ||
                r.downtime_max < 0 || isnan(r.nominal.total))
                abort();
        }
    } else if (!missing) {
        abort(); /* a refusal says what is missing */
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = mc_xstrndup((const char *)data, size);
    struct mc_predict_facts f = { 0 };
    f.probe = MC_PROBE_OK;
    f.ram_bytes = 256 << 20;
    f.bandwidth_probe = MC_PROBE_OK;
    f.bandwidth_bps = 100 << 20;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char **w = NULL;
        if (mc_agent_split(line, &w) == 0 && w[0]) {
            (void)mc_predict_parse_sample(w, &f);
            (void)mc_predict_parse_bandwidth(w, &f);
        }
        mc_strv_free(w);
    }
    model(&f);
    mc_predict_facts_clear(&f);
    free(text);

    struct mc_error err = { 0 };
    struct mc_pair_facts *p = NULL;
    mc_xml_init();
    if (mc_pair_from_xml((const char *)data, size, "fuzz input", &p, &err) == 0) {
        model(&p->predict);
        mc_pair_facts_free(p);
    } else {
        mc_error_clear(&err);
    }
    return 0;
}
