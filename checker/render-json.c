/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The report as JSON (json-c), schema MC_REPORT_SCHEMA, documented in
 * migcheck(1) JSON OUTPUT. Every key is always present; a string that is not
 * set is null. Strings from remote hosts are made valid UTF-8 first.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "facts-json.h"
#include "render-util.h"
#include "render.h"
#include "util/cleanup.h"

MC_DEFINE_CLEANUP_VOID(struct json_object *, json_object_put)

static void add(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add(o, key, v);
}

static void add_str(struct json_object *o, const char *key, const char *s)
{
    add(o, key, mc_json_string(s)); /* NULL -> null */
}

static struct json_object *finding_json(const struct mc_finding *f)
{
    char buf[32];
    struct json_object *o = json_object_new_object();
    add_str(o, "rule", f->rule);
    add_str(o, "area", mc_rule_area(f->rule ? f->rule : "", buf));
    add_str(o, "status", mc_status_name(f->status));
    add_str(o, "severity", mc_severity_name(f->severity));
    add_str(o, "subject", f->subject);
    add_str(o, "message", f->message);
    add_str(o, "hint", f->hint);
    add_str(o, "evidence", f->evidence);
    add_str(o, "fix", mc_fix_name(f->fix));
    struct json_object *data = NULL;
    if (f->n_data) {
        data = json_object_new_object();
        for (size_t i = 0; i < f->n_data; i++) {
            const struct mc_datum *d = &f->data[i];
            if (d->text) {
                add_str(data, d->key, d->text);
            } else if (d->decimals <= 0 && d->number >= -9e15 && d->number <= 9e15) {
                add(data, d->key,
                    json_object_new_int64((int64_t)(d->number + (d->number < 0 ? -0.5 : 0.5))));
            } else {
                char num[64];
                snprintf(num, sizeof(num), "%.*f", d->decimals > 9 ? 9 : d->decimals, d->number);
                add(data, d->key, json_object_new_double_s(d->number, num));
            }
        }
    }
    add(o, "data", data);
    return o;
}

struct json_object *mc_report_to_json(const struct mc_report *r)
{
    struct json_object *root = json_object_new_object();
    add(root, "schema", json_object_new_int(MC_REPORT_SCHEMA));
    add_str(root, "generator", "migcheck " MIGCHECK_VERSION);
    add_str(root, "source", r->source);
    add_str(root, "destination", r->destination);
    add_str(root, "domain", r->domain);
    add_str(root, "verdict", mc_verdict_name(r->verdict));
    add(root, "exit_code", json_object_new_int(r->exit_code));
    add(root, "strict", json_object_new_boolean(r->strict));
    add(root, "partial", json_object_new_boolean(r->partial));
    add(root, "rules_run", json_object_new_int64((int64_t)r->rules_run));
    add(root, "rules_total", json_object_new_int64((int64_t)r->rules_total));

    struct json_object *agents = json_object_new_object();
    add_str(agents, "source", r->src_agent);
    add_str(agents, "destination", r->dst_agent);
    add(root, "agents", agents);

    static const enum mc_status order[] = { MC_STATUS_PASS, MC_STATUS_WARN, MC_STATUS_FAIL,
                                            MC_STATUS_SKIP, MC_STATUS_UNKNOWN };
    struct json_object *counts = json_object_new_object();
    for (size_t i = 0; i < ARRAY_SIZE(order); i++)
        add(counts, mc_status_name(order[i]), json_object_new_int64((int64_t)r->counts[order[i]]));
    add(root, "counts", counts);

    struct json_object *notes = json_object_new_array();
    for (char **n = r->notes; n && *n; n++)
        json_object_array_add(notes, mc_json_string(*n));
    add(root, "notes", notes);

    /* Findings in table order (the order the rules ran), not regrouped. */
    struct json_object *findings = json_object_new_array();
    for (size_t i = 0; i < r->findings.n; i++)
        json_object_array_add(findings, finding_json(&r->findings.items[i]));
    add(root, "findings", findings);
    return root;
}

int mc_render_json(const struct mc_report *r, FILE *f, const struct mc_render_opts *o)
{
    (void)o;
    _cleanup_(json_object_putp) struct json_object *root = mc_report_to_json(r);
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE,
        &len);
    if (!s)
        return -ENOMEM;
    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    mc_buf_append(&b, s, len);
    mc_buf_putc(&b, '\n');
    return mc_render_write(f, b.data, b.len);
}
