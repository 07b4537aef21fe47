/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rules, findings and the report. A rule is a row of a table (rules/): a
 * stable dotted id, a default severity, the facts it needs, texts, and a pure
 * function that reads a struct mc_pair and emits findings. The engine
 * (checker/engine.c) runs the table, turns rules whose facts are missing into
 * UNKNOWN (never PASS), applies the site policy, and computes the verdict.
 * Renderers print the finished report once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "fix.h"
#include "names.h"
#include "pair.h"
#include "predict.h"

enum mc_status {
    MC_STATUS_PASS,
    MC_STATUS_WARN,
    MC_STATUS_FAIL,
    MC_STATUS_SKIP,    /* not applicable, or needs a live probe that did not run */
    MC_STATUS_UNKNOWN, /* facts missing: could not decide */
    _MC_STATUS_MAX,
};

enum mc_severity {
    MC_SEV_WARN, /* the guides' support requirements that real migrations survive */
    MC_SEV_FAIL, /* libvirt or QEMU will refuse, or the guest would break */
    _MC_SEV_MAX,
};

/* The verdict of a check (names in JSON output and reports: never rename one). */
enum mc_verdict {
    MC_VERDICT_MIGRATABLE, /* "migratable" */
    MC_VERDICT_BLOCKED,    /* "blocked": a FAIL finding (or WARN with --strict) */
    MC_VERDICT_UNKNOWN,    /* "unknown": facts missing for a rule that could block */
    _MC_VERDICT_MAX,
};
extern const struct mc_enum_names mc_verdict_names;
const char *mc_verdict_name(enum mc_verdict v);

const char *mc_status_name(enum mc_status s);     /* pass, warn, ... */
const char *mc_status_label(enum mc_status s);    /* PASS, WARN, ... */
const char *mc_severity_name(enum mc_severity s); /* warn, fail */
int mc_severity_from_name(const char *s);         /* -1 when unknown */

/* What a rule needs (beyond the VM, which every rule has). */
enum mc_need {
    MC_NEED_SRC_OS = 1u << 0,
    MC_NEED_DST_OS = 1u << 1,
    MC_NEED_SRC_VIRT = 1u << 2,
    MC_NEED_DST_VIRT = 1u << 3,
    MC_NEED_SRC_MOUNTS = 1u << 4,
    MC_NEED_DST_MOUNTS = 1u << 5,
    MC_NEED_SRC_STORAGE = 1u << 6,
    MC_NEED_DST_STORAGE = 1u << 7,
    MC_NEED_SRC_NET = 1u << 8,
    MC_NEED_DST_NET = 1u << 9,
    MC_NEED_LIVE = 1u << 10,  /* pair facts from live probes (skipped offline or --no-probe) */
    MC_NEED_NO_VM = 1u << 11, /* runs without the domain's facts too (host.reachable) */
};

/* --predict's watch without --predict-time: at least this long, and as long as the first pass
 * (the guest's resident memory at the bandwidth limit) up to the maximum (gather/predict.h). */
#define MC_PREDICT_DEFAULT_MS 4000
#define MC_PREDICT_MAX_MS     15000

/* Options of the migration being predicted (they change what libvirt accepts). */
struct mc_check_opts {
    struct mc_migration_opts migration; /* bandwidth, downtime limit, convergence options */
    int predict_ms;        /* --predict: watch the guest this long (gathering; 0: no prediction) */
    int predict_max_ms;    /* > predict_ms: the watch may grow to cover the guest's first pass,
                              up to this long (--predict without --predict-time) */
    bool offline;          /* --offline: VIR_MIGRATE_OFFLINE (shut-off domain, config only) */
    bool copy_storage;     /* --copy-storage: disks not shared will be copied (NON_SHARED_DISK) */
    bool p2p;              /* --p2p: peer-to-peer (SRC's libvirtd connects to DST) */
    const char *transport; /* ssh (default), tcp, tls, libssh, libssh2, unix */
    /* virsh migrate's flags (check takes them too; they change what libvirt does): */
    bool copy_storage_inc; /* --copy-storage-inc: top images copied, backing files not (_INC) */
    bool persistent;       /* --persistent: defined on DST (PERSIST_DEST; --offline implies it) */
    bool undefine_source;  /* --undefinesource: undefined on SRC after success (UNDEFINE_SOURCE) */
    bool unsafe;           /* --unsafe: libvirt skips its storage safety check (UNSAFE) */
    bool tunnelled; /* --tunnelled: the data goes through libvirtd's connection (TUNNELLED) */
};

/* What a rule sees. rel is never NULL (live == false when no probes ran). */
struct mc_pair {
    const struct mc_host_facts *src;
    const struct mc_host_facts *dst;
    const struct mc_vm_facts *vm;
    const struct mc_pair_facts *rel;
    const struct mc_check_opts *opts;
    const char *src_name; /* how the operator named the hosts */
    const char *dst_name;
};

/* A number or a string a finding carries for machines (JSON "data"). */
struct mc_datum {
    char *key;  /* snake_case */
    char *text; /* a string, or NULL for a number */
    double number;
    int decimals; /* how the number is written */
};

struct mc_finding {
    const char *rule; /* rule id (static string of the table, or of the policy) */
    enum mc_status status;
    enum mc_severity severity;
    char *subject;   /* "disk vda", "bridge br0", "port 49152" */
    char *message;   /* names the subject: "disk vda /x.qcow2 is on local ext4 on kvm1; ..." */
    char *hint;      /* what to do */
    char *evidence;  /* the facts compared */
    enum mc_fix fix; /* what migcheck migrate can do about it, or MC_FIX_NONE */
    bool fix_set;    /* the rule chose the fix (maybe none): the rule's default does not apply */
    struct mc_datum *data; /* numbers behind the message, in order (JSON "data") */
    size_t n_data;
};

struct mc_findings {
    struct mc_finding *items;
    size_t n;
};

struct mc_rule;
typedef void (*mc_rule_fn)(const struct mc_rule *r, const struct mc_pair *p,
                           struct mc_findings *out);

struct mc_rule {
    const char *id;    /* stable dotted id: never renamed */
    const char *title; /* short summary */
    enum mc_severity severity;
    unsigned needs;          /* enum mc_need */
    const char *hint;        /* default hint for a problem */
    enum mc_fix fix;         /* default fix for a problem, or MC_FIX_NONE */
    const char *requirement; /* the documented requirement it enforces, with its source */
    const char *explain;     /* longer explanation for `migcheck rules ID` and the man page */
    mc_rule_fn check;
};

/*
 * Emitting findings from a rule. "problem" becomes WARN or FAIL by the rule's
 * (policy-adjusted) severity in the engine; a rule never decides UNKNOWN for
 * missing facts itself (the engine does), but may say UNKNOWN when a probe
 * could not answer.
 */
#define MC_PROBLEM _MC_STATUS_MAX
struct mc_finding *mc_emit(struct mc_findings *out, const struct mc_rule *r, int status,
                           const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void mc_finding_set_hint(struct mc_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mc_finding_set_evidence(struct mc_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mc_finding_set_fix(struct mc_finding *f, enum mc_fix fix); /* MC_FIX_NONE: no fix */
void mc_finding_add_number(struct mc_finding *f, const char *key, double v, int decimals);
void mc_finding_add_text(struct mc_finding *f, const char *key, const char *v);
/* The datum of f called key, or NULL. */
const struct mc_datum *mc_finding_datum(const struct mc_finding *f, const char *key);
/* Free what a finding holds (not the finding itself). */
void mc_finding_free_fields(struct mc_finding *f);
void mc_findings_clear(struct mc_findings *f);

/* Site policy (checker/policy.c). */
struct mc_policy;
struct mc_policy_rule {
    char *id;
    bool disabled;
    int severity; /* -1: unchanged */
    long line;    /* where the policy file says it (messages), 0 when unknown */
};
struct mc_policy_require {
    char *id; /* "site.jumbo-frames" */
    char *title;
    enum mc_severity severity;
    char *test;    /* XPath 1.0 over the pair document; true = requirement met */
    char *message; /* shown when it is not met */
    char *hint;
    long line; /* where the policy file says it (messages), 0 when unknown */
};
struct mc_policy {
    char *path;
    struct mc_policy_rule *rules;
    size_t n_rules;
    struct mc_policy_require *requires;
    size_t n_requires;
};

struct mc_report {
    char *source; /* as the operator named it */
    char *destination;
    char *domain;
    enum mc_verdict verdict;
    int exit_code; /* MC_EXIT_* */
    bool strict;
    bool offline;
    struct mc_findings findings;
    size_t counts[_MC_STATUS_MAX];
    char *src_agent;
    char *dst_agent;
    double seconds;     /* wall time of the whole check */
    bool partial;       /* --rule or --skip-rule: only some rules ran */
    size_t rules_run;   /* rules and site requirements that ran */
    size_t rules_total; /* rules and site requirements there are */
    char **notes;       /* context lines: "offline: live-only rules skipped" */
};

struct mc_engine_opts {
    const struct mc_rule *rules;
    size_t n_rules;
    const struct mc_policy *policy; /* may be NULL */
    bool strict;                    /* WARN counts as a problem for the verdict */
    char *const *only;              /* run only these rule ids (--rule); NULL: all */
    char *const *skip;              /* do not run these (--skip-rule) */
};

/* Run every rule on the pair and fill the report (verdict, exit code, counts). */
void mc_engine_run(const struct mc_engine_opts *o, const struct mc_pair *p, struct mc_report *ret);
void mc_report_clear(struct mc_report *r);
/* The first finding of rule in r, or NULL. */
const struct mc_finding *mc_report_finding(const struct mc_report *r, const char *rule);
/* The area of a rule id: the text before the first dot ("storage"). */
const char *mc_rule_area(const char *id, char buf[static 32]);
