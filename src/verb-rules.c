/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck rules [ID]: the rule catalogue (rules/catalog.c), as a table,
 * JSON, or the roff source of migcheck-rules(7); or one rule explained.
 * Everything comes from the table, so the page cannot drift from the code:
 * the docs tests compare man/migcheck-rules.7 with `rules --format man`.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "checker/facts-json.h"
#include "checker/render-util.h"
#include "cli.h"
#include "config.h"
#include "exit-codes.h"
#include "rules/domain-needs.h"
#include "rules/rules.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Text wraps at the terminal's width (mc_output_width). */
#define WIDTH (mc_output_width(stdout))
/* The date in the page's title line (mandoc wants one); the content is checked, not the date. */
#define RULES_PAGE_DATE "2026-11-22"
/* Text lines of the generated page stay within this many bytes (mandoc -Tlint style). */
#define ROFF_LINE_MAX 80

const struct mc_opt verb_rules_opts[] = { { 0 } };

MC_DEFINE_CLEANUP_VOID(struct json_object *, json_object_put)

/* What a rule needs, decoded (enum mc_need). */
static const struct {
    unsigned need;
    const char *name; /* JSON */
    const char *text; /* people */
} needs_table[] = {
    { MC_NEED_SRC_OS, "src-os", "OS and package facts of the source" },
    { MC_NEED_DST_OS, "dst-os", "OS and package facts of the destination" },
    { MC_NEED_SRC_VIRT, "src-virt", "libvirt facts of the source" },
    { MC_NEED_DST_VIRT, "dst-virt", "libvirt facts of the destination" },
    { MC_NEED_SRC_MOUNTS, "src-mounts", "mounts of the source" },
    { MC_NEED_DST_MOUNTS, "dst-mounts", "mounts of the destination" },
    { MC_NEED_SRC_STORAGE, "src-storage", "storage transports of the source" },
    { MC_NEED_DST_STORAGE, "dst-storage", "storage transports of the destination" },
    { MC_NEED_SRC_NET, "src-net", "network facts of the source" },
    { MC_NEED_DST_NET, "dst-net", "network facts of the destination" },
    { MC_NEED_LIVE, "live", "live probes of both hosts" },
};

static void needs_text(unsigned needs, struct mc_buf *b)
{
    mc_buf_puts(b, "the domain's facts");
    for (size_t i = 0; i < ARRAY_SIZE(needs_table); i++)
        if (needs & needs_table[i].need)
            mc_buf_printf(b, ", %s", needs_table[i].text);
}

/* Operand completion for `migcheck rules <TAB>` (see verb-complete.c). */
const char *const *mc_complete_operands(const char *verb);
const char *const *mc_complete_operands(const char *verb)
{
    if (strcmp(verb, "rules") == 0)
        return mc_rule_ids();
    return NULL;
}

/* The argument of `check --rule <TAB>`. */
const char *const *mc_complete_option_values(const char *verb, const char *opt);
const char *const *mc_complete_option_values(const char *verb, const char *opt)
{
    if (strcmp(opt, "rule") == 0 && strcmp(verb, "check") == 0)
        return mc_rule_ids();
    return NULL;
}

/* ---- text ---- */

static void field(struct mc_buf *b, const char *label, const char *text)
{
    const size_t indent = 14;
    mc_buf_printf(b, "%-*s", (int)indent, label);
    mc_render_wrap(b, text, indent, indent, WIDTH);
    mc_buf_putc(b, '\n');
}

static void explain_text(const struct mc_rule *r, struct mc_buf *b)
{
    _cleanup_buf_ struct mc_buf needs = MC_BUF_INIT;
    needs_text(r->needs, &needs);
    field(b, "Rule:", r->id);
    field(b, "Title:", r->title);
    _cleanup_free_ char *sev = mc_xasprintf("%s (the default; a site policy or --strict can "
                                            "change what it does to the verdict)",
                                            mc_severity_name(r->severity));
    field(b, "Severity:", sev);
    field(b, "Checks:", r->explain ? r->explain : r->title);
    field(b, "Requirement:", r->requirement ? r->requirement : "-");
    field(b, "Hint:", r->hint ? r->hint : "-");
    field(b, "Fix:", r->fix ? mc_fix_name(r->fix) : "none (a person fixes it)");
    field(b, "Needs:", needs.data);
    field(b, "Live probes:",
          r->needs & MC_NEED_LIVE
              ? "yes: skipped when checking from snapshots or with --no-probe, unless recorded "
                "pair facts (--pair-facts) hold the probe results"
              : "no: also runs from snapshots (--src-facts, --dst-facts)");
}

static void list_text(const struct mc_rule *rules, size_t n, struct mc_buf *b)
{
    size_t idw = 2;
    for (size_t i = 0; i < n; i++)
        if (strlen(rules[i].id) > idw)
            idw = strlen(rules[i].id);
    size_t col = idw + 2 + 8 + 2;
    mc_buf_printf(b, "%-*s  %-8s  %s\n", (int)idw, "ID", "SEVERITY", "TITLE");
    for (size_t i = 0; i < n; i++) {
        mc_buf_printf(b, "%-*s  %-8s  ", (int)idw, rules[i].id,
                      mc_severity_name(rules[i].severity));
        mc_render_wrap(b, rules[i].title, col, col, WIDTH);
        mc_buf_putc(b, '\n');
    }
}

/* ---- JSON ---- */

static struct json_object *rule_json(const struct mc_rule *r)
{
    char area[32];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", mc_json_string(r->id));
    json_object_object_add(o, "area", mc_json_string(mc_rule_area(r->id, area)));
    json_object_object_add(o, "title", mc_json_string(r->title));
    json_object_object_add(o, "severity", mc_json_string(mc_severity_name(r->severity)));
    struct json_object *needs = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(needs_table); i++)
        if (r->needs & needs_table[i].need)
            json_object_array_add(needs, json_object_new_string(needs_table[i].name));
    json_object_object_add(o, "needs", needs);
    json_object_object_add(o, "live", json_object_new_boolean(!!(r->needs & MC_NEED_LIVE)));
    json_object_object_add(o, "hint", mc_json_string(r->hint));
    json_object_object_add(o, "fix", mc_json_string(mc_fix_name(r->fix)));
    json_object_object_add(o, "requirement", mc_json_string(r->requirement));
    json_object_object_add(o, "explain", mc_json_string(r->explain));
    return o;
}

static void json_out(struct json_object *j, struct mc_buf *b)
{
    mc_buf_puts(b, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_SPACED |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    mc_buf_putc(b, '\n');
}

/* ---- roff (migcheck-rules.7) ---- */

/* Text for a roff text line: backslashes escaped, no control character at the start. */
static void roff_text(struct mc_buf *b, const char *s)
{
    if (*s == '.' || *s == '\'')
        mc_buf_puts(b, "\\&");
    for (; *s; s++) {
        if (*s == '\\')
            mc_buf_puts(b, "\\e");
        else if (*s == '\n')
            mc_buf_putc(b, ' ');
        else if (*s == '-')
            mc_buf_puts(b, "\\-");
        else
            mc_buf_putc(b, *s);
    }
    mc_buf_putc(b, '\n');
}

/* Break text lines (not requests) longer than ROFF_LINE_MAX at spaces. */
static char *roff_wrap(const char *page)
{
    _cleanup_buf_ struct mc_buf out = MC_BUF_INIT;
    const char *p = page;
    while (*p) {
        size_t len = strcspn(p, "\n");
        if (*p == '.' || len <= ROFF_LINE_MAX) {
            mc_buf_append(&out, p, len);
            mc_buf_putc(&out, '\n');
        } else {
            size_t col = 0;
            const char *q = p, *end = p + len;
            while (q < end) {
                while (q < end && *q == ' ')
                    q++;
                if (q >= end)
                    break;
                size_t wl = 0;
                while (q + wl < end && q[wl] != ' ')
                    wl++;
                if (col > 0 && col + 1 + wl > ROFF_LINE_MAX) {
                    mc_buf_putc(&out, '\n');
                    col = 0;
                }
                if (col > 0) {
                    mc_buf_putc(&out, ' ');
                    col++;
                } else if (*q == '.' || *q == '\'') {
                    mc_buf_puts(&out, "\\&");
                    col += 2;
                }
                mc_buf_append(&out, q, wl);
                col += wl;
                q += wl;
            }
            mc_buf_putc(&out, '\n');
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    return mc_buf_steal(&out);
}

static void man_field(struct mc_buf *b, const char *label, const char *text)
{
    if (!text)
        return;
    mc_buf_printf(b, ".TP 14\n.B %s\n", label);
    roff_text(b, text);
}

static void man_rule(const struct mc_rule *r, struct mc_buf *b)
{
    mc_buf_puts(b, ".SS ");
    roff_text(b, r->id);
    roff_text(b, r->title);
    man_field(b, "Severity", mc_severity_name(r->severity));
    _cleanup_buf_ struct mc_buf needs = MC_BUF_INIT;
    needs_text(r->needs & ~(unsigned)MC_NEED_LIVE, &needs);
    man_field(b, "Needs", needs.data);
    if (r->needs & MC_NEED_LIVE)
        man_field(b, "Live", "yes: skipped without live probes or recorded pair facts");
    man_field(b, "Checks", r->explain);
    man_field(b, "Requirement", r->requirement);
    man_field(b, "Hint", r->hint);
    man_field(b, "Fix", mc_fix_name(r->fix));
}

/* The table of rules/domain-needs.c: what each domain XML element makes the destination do. */
static void man_domain_needs(struct mc_buf *b)
{
    mc_buf_puts(b, ".SH DOMAIN ELEMENTS\n");
    roff_text(b, "Every element of libvirt's domain XML (libvirt 9's domain schema) that makes the "
                 "destination's QEMU or libvirt open, create, bind, connect to, log in to, look up "
                 "or execute something there, what the destination needs for it, and the rule "
                 "that checks it, or why no rule can. Paths are the element's place below "
                 "<domain>, an attribute after '@'; a path ending in '/...' covers everything "
                 "below it. A test walks the installed schema and fails on an element with a "
                 "file, path, dir, socket, dev or secret attribute, or an <auth> or <secret>, "
                 "that this table does not name.");
    size_t n;
    const struct mc_domain_need *t = mc_domain_needs_table(&n);
    for (size_t i = 0; i < n; i++) {
        mc_buf_puts(b, ".TP 4\n.B ");
        roff_text(b, t[i].path);
        _cleanup_free_ char *text = mc_xasprintf(
            "%s%s%s%s: %s. %s%s%s%s.", t[i].when[0] ? "(" : "", t[i].when, t[i].when[0] ? ") " : "",
            mc_dst_action_name(t[i].action), t[i].needs, t[i].rule ? "Rule " : "No rule",
            t[i].rule ? t[i].rule : "", t[i].rule ? ": " : ": ", t[i].reason);
        roff_text(b, text);
    }
}

static void man_page(const struct mc_rule *rules, size_t n, struct mc_buf *b)
{
    mc_buf_puts(b,
                ".\\\" SPDX-License-Identifier: LGPL-2.1-or-later\n"
                ".\\\" Generated by 'migcheck rules --format man' from the rule table\n"
                ".\\\" (rules/catalog.c). Do not edit: regenerate with\n"
                ".\\\"   cmake --build BUILD --target man-rules\n"
                ".\\\" The docs tests fail when this file differs from the generated page.\n"
                ".TH MIGCHECK\\-RULES 7 " RULES_PAGE_DATE " \"migcheck\" \"migcheck manual\"\n"
                ".nh\n"
                ".SH NAME\n"
                "migcheck\\-rules \\- the rules migcheck checks before a live migration\n"
                ".SH DESCRIPTION\n"
                "Each rule of\n"
                ".BR migcheck (1)\n"
                "has a stable dotted id (its area, a dot, a name), a default severity, the facts "
                "it needs, a hint, and the documented requirement it enforces.\n"
                "Rule ids are an interface: JSON consumers and site policies name them, so a rule "
                "is never renamed.\n"
                ".PP\n"
                "A rule reports each subject it looks at (a disk, a bridge, a port) as a finding:\n"
                ".B PASS\n"
                "when the requirement holds,\n"
                ".B FAIL\n"
                "or\n"
                ".B WARN\n"
                "(by its severity) when it does not,\n"
                ".B SKIP\n"
                "when it does not apply or needs a live probe that did not run, and\n"
                ".B UNKNOWN\n"
                "when the facts it needs are missing.\n"
                ".PP\n"
                "Severity follows from what a verdict means.\n"
                ".B fail\n"
                "is for what libvirt or QEMU will refuse, or what would break the guest: one "
                "such finding blocks the migration (exit status 1).\n"
                ".B warn\n"
                "is for the support requirements of the Red Hat and Fedora migration guides "
                "that real migrations survive: same OS release and updates, a separate storage "
                "host, identical network configuration, at most 32 virtio vectors.\n"
                "Warnings do not change the verdict unless\n"
                ".B \\-\\-strict\n"
                "is given.\n"
                "An UNKNOWN finding of a fail rule makes the verdict \"unknown\" (exit status 3).\n"
                "A site policy\n"
                "(\\fBmigcheck\\-policy\\fR(5))\n"
                "can change a rule's severity, disable it, or add site requirements.\n"
                ".PP\n"
                "Rules marked \"live\" need probes of both hosts (CPU comparison on the "
                "destination, canary files, a port listener, name resolution on the source); "
                "they are skipped when migcheck reads snapshots or runs with\n"
                ".BR \\-\\-no\\-probe ,\n"
                "unless recorded pair facts\n"
                ".RB ( \\-\\-pair\\-facts )\n"
                "hold the results.\n"
                "A rule's fix names what\n"
                ".B migcheck migrate\n"
                "can do about the problem.\n"
                ".PP\n"
                ".B migcheck rules\n"
                "lists the same table;\n"
                ".B migcheck rules\n"
                ".I ID\n"
                "explains one rule.\n");
    char area[32];
    for (const struct mc_render_area *a = mc_render_areas; a->area; a++) {
        bool heading = false;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(mc_rule_area(rules[i].id, area), a->area) != 0)
                continue;
            if (!heading) {
                mc_buf_puts(b, ".SH ");
                for (const char *c = a->title; *c; c++)
                    mc_buf_putc(b, (char)toupper((unsigned char)*c));
                mc_buf_puts(b, " RULES\n");
                heading = true;
            }
            man_rule(&rules[i], b);
        }
    }
    /* Rules of an area without a title here still get documented, under their area. */
    for (size_t i = 0; i < n; i++) {
        const char *a = mc_rule_area(rules[i].id, area);
        if (strcmp(mc_render_area_title(a), a) != 0)
            continue;
        bool first = true;
        for (size_t k = 0; k < i && first; k++) {
            char other[32];
            first = strcmp(mc_rule_area(rules[k].id, other), a) != 0;
        }
        if (first) {
            mc_buf_puts(b, ".SH ");
            roff_text(b, a);
        }
        man_rule(&rules[i], b);
    }
    man_domain_needs(b);
    mc_buf_puts(b, ".SH SEE ALSO\n"
                   ".BR migcheck (1),\n"
                   ".BR migcheck\\-policy (5),\n"
                   ".BR migcheck\\-facts (5)\n");
}

int verb_rules(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    int first;
    int r = mc_parse_options(mc_verb_find("rules"), argc, argv, &g, NULL, NULL, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    const char *fmt = g.format ? g.format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 && strcmp(fmt, "man") != 0) {
        mc_log_error("invalid format '%s' for rules: expected text, json or man", fmt);
        return MC_EXIT_USAGE;
    }
    if (argc - first > 1) {
        mc_log_error("too many arguments: expected at most one rule id");
        fprintf(stderr, "Try 'migcheck rules --help'.\n");
        return MC_EXIT_USAGE;
    }
    size_t n;
    const struct mc_rule *rules = mc_rules_table(&n);
    const struct mc_rule *one = NULL;
    if (first < argc) {
        one = mc_rule_find(argv[first]);
        if (!one) {
            _cleanup_free_ char *esc = mc_render_escaped(argv[first]);
            mc_log_error("unknown rule '%s' (see 'migcheck rules')", esc);
            return MC_EXIT_USAGE;
        }
        if (strcmp(fmt, "man") == 0) {
            mc_log_error("--format man prints the whole catalogue; give no rule id");
            return MC_EXIT_USAGE;
        }
    }

    _cleanup_buf_ struct mc_buf b = MC_BUF_INIT;
    if (strcmp(fmt, "man") == 0) {
        _cleanup_buf_ struct mc_buf page = MC_BUF_INIT;
        man_page(rules, n, &page);
        _cleanup_free_ char *wrapped = roff_wrap(page.data);
        mc_buf_puts(&b, wrapped);
    } else if (strcmp(fmt, "json") == 0) {
        _cleanup_(json_object_putp) struct json_object *j = NULL;
        if (one) {
            j = rule_json(one);
        } else {
            j = json_object_new_array();
            for (size_t i = 0; i < n; i++)
                json_object_array_add(j, rule_json(&rules[i]));
        }
        json_out(j, &b);
    } else if (one) {
        explain_text(one, &b);
    } else {
        list_text(rules, n, &b);
    }
    /* main() checks that stdout was written (and reports a failure). */
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    return MC_EXIT_OK;
}
