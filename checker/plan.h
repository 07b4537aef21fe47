/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plans and journals. A plan is data: the steps an acting verb (migrate,
 * provision) will take, each of a kind with do / verify / undo functions
 * (src/action/steps.h), in order, with the parameters the functions read and
 * the results they record (an inode number, a saved domain XML) so that an
 * undo can be done later, by another process. `--dry-run` prints the plan;
 * applying it rewrites the journal (this same document, with each step's
 * state) and flushes it to disk before every step; `migcheck undo JOURNAL`
 * reads it back and undoes what the states say may have happened.
 *
 * The document <migcheck-plan version="1"> is written and read by the same
 * descriptor walks as the facts snapshots (facts-schema.h), so it cannot drift
 * from these structs. Step kinds and states are enums with name tables.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "util/error.h"

#define MC_PLAN_VERSION 1

/*
 * Step kinds. The functions of each are a row of the step table (src/action/steps.c);
 * adding a kind: a value here (before _MC_STEP_MAX), its name in plan.c, a row there.
 */
enum mc_step_kind {
    MC_STEP_UNSET = 0,
    MC_STEP_CREATE_DISK_TARGET, /* "create-disk-target": an empty image on a host (storage copy) */
    MC_STEP_REWRITE_DISK_PATH,  /* "rewrite-disk-path": destination XML: a disk's source */
    MC_STEP_REWRITE_BRIDGE,     /* "rewrite-bridge": destination XML: an interface's bridge */
    MC_STEP_REWRITE_NETWORK,    /* "rewrite-network": destination XML: an interface's network */
    MC_STEP_REWRITE_LISTEN,     /* "rewrite-listen": destination XML: a graphics listen address */
    MC_STEP_REWRITE_EMULATOR,   /* "rewrite-emulator": destination XML: <emulator> */
    MC_STEP_MIGRATE,            /* "migrate": virDomainMigrate3, verified on the destination */
    MC_STEP_UNDEFINE_SOURCE,    /* "undefine-source": the definition left on the source */
    /* Provisioning shared storage (storage/provision.h; src/action/provision-steps.c). */
    MC_STEP_MAKE_DIR,      /* "make-dir": a directory on a host (the storage directory) */
    MC_STEP_NFS_EXPORT,    /* "nfs-export": an NFS export (ganesha or kernel) + reload */
    MC_STEP_ISCSI_TARGET,  /* "iscsi-target": a tgtd target with its ACL */
    MC_STEP_ISCSI_LUN,     /* "iscsi-lun": a LUN of that target backed by a file */
    MC_STEP_VERIFY_NFS,    /* "verify-nfs": a host mounts the export, opens the image rw */
    MC_STEP_VERIFY_ISCSI,  /* "verify-iscsi": both hosts log in, see the same LUN */
    MC_STEP_DEFINE_POOL,   /* "define-pool": a persistent libvirt pool (netfs, iscsi-direct) */
    MC_STEP_START_POOL,    /* "start-pool": build, start, autostart it */
    MC_STEP_COPY_IMAGE,    /* "copy-image": qemu-img convert into a created target (offline) */
    MC_STEP_REBASE_IMAGE,  /* "rebase-image": point a carried layer at its copied base */
    MC_STEP_BLOCK_COPY,    /* "block-copy": live mirror of a disk to its target, until synced */
    MC_STEP_BLOCK_PIVOT,   /* "block-pivot": switch the running disk to the mirror */
    MC_STEP_REDEFINE_DISK, /* "redefine-disk": the persistent definition's disk source */
    _MC_STEP_MAX,
};
extern const struct mc_enum_names mc_step_kind_names;

/* Where a step is, as the journal records it. 0 = not started. */
enum mc_step_state {
    MC_STEP_PENDING = 0, /* not started (omitted from the document) */
    MC_STEP_STARTED,     /* "started": journaled before do; the outcome is unknown after a crash */
    MC_STEP_DONE,        /* "done": do (and verify) succeeded */
    MC_STEP_FAILED,      /* "failed": do or verify failed (it may have done part) */
    MC_STEP_UNDOING,     /* "undoing": journaled before undo */
    MC_STEP_UNDONE,      /* "undone": undo succeeded (or there was nothing to undo) */
    MC_STEP_UNDO_FAILED, /* "undo-failed": the host may be left changed: the error says how */
    _MC_STEP_STATE_MAX,
};
extern const struct mc_enum_names mc_step_state_names;

/* The plan as a whole. */
enum mc_plan_state {
    MC_PLAN_PLANNED = 0,         /* not applied (omitted) */
    MC_PLAN_APPLYING,            /* "applying": steps are running (or the run was killed) */
    MC_PLAN_DONE,                /* "done": every step done */
    MC_PLAN_ROLLING_BACK,        /* "rolling-back" */
    MC_PLAN_ROLLED_BACK,         /* "rolled-back": a step failed, every done step undone */
    MC_PLAN_ROLLBACK_INCOMPLETE, /* "rollback-incomplete": an undo failed */
    MC_PLAN_UNDONE,              /* "undone": `migcheck undo` reversed a finished or killed run */
    _MC_PLAN_STATE_MAX,
};
extern const struct mc_enum_names mc_plan_state_names;

struct mc_plan_param {
    char *name;
    char *value; /* text (may hold XML) */
};

struct mc_plan_step {
    enum mc_step_kind kind;
    char *host;    /* role of the host it acts on: "source", "destination" (or a host label) */
    char *subject; /* "disk vda", "interface 52:54:00:...", "domain web1" */
    char *summary; /* one line for people: what it does */
    struct mc_plan_param *params; /* what do/undo read (set by the planner) */
    size_t n_params;
    struct mc_plan_param *results; /* what do recorded for undo and verify */
    size_t n_results;
    enum mc_step_state state;
    char *started; /* RFC 3339 times, for the record */
    char *finished;
    char *error; /* why do, verify or undo failed */
};

struct mc_plan {
    char *verb;      /* migrate, provision */
    char *run_id;    /* random, names the journal */
    char *created;   /* RFC 3339 */
    char *generator; /* migcheck VERSION */
    char *source;    /* hosts as the operator named them (undo reconnects with these) */
    char *destination;
    char *domain; /* name */
    char *uuid;
    struct mc_plan_param *settings; /* transport, remote-command, flags: what undo needs too */
    size_t n_settings;
    char *source_xml; /* the migratable XML on SRC before anything (undo can redefine it) */
    char *dest_xml;   /* the destination XML the planner made (after every rewrite) */
    struct mc_plan_step *steps;
    size_t n_steps;
    enum mc_plan_state state;
    char *error; /* what stopped the run */
};

struct mc_plan *mc_plan_new(const char *verb);
void mc_plan_free(struct mc_plan *p);
static inline void mc_plan_freep(struct mc_plan **p)
{
    mc_plan_free(*p);
}
struct mc_plan_step *mc_plan_add_step(struct mc_plan *p, enum mc_step_kind kind, const char *host,
                                      const char *subject, const char *summary_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Parameters (name=value lists): get (NULL when absent), set (replaces). */
const char *mc_param_get(const struct mc_plan_param *v, size_t n, const char *name);
void mc_param_set(struct mc_plan_param **v, size_t *n, const char *name, const char *value);
void mc_param_setf(struct mc_plan_param **v, size_t *n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline const char *mc_step_param(const struct mc_plan_step *s, const char *name)
{
    return mc_param_get(s->params, s->n_params, name);
}
static inline const char *mc_step_result(const struct mc_plan_step *s, const char *name)
{
    return mc_param_get(s->results, s->n_results, name);
}
static inline const char *mc_plan_setting(const struct mc_plan *p, const char *name)
{
    return mc_param_get(p->settings, p->n_settings, name);
}

/* The document: write, read (untrusted: same limits as snapshots). */
int mc_plan_to_xml(const struct mc_plan *p, char **ret, size_t *ret_len);
int mc_plan_from_xml(const char *buf, size_t len, const char *what, struct mc_plan **ret,
                     struct mc_error *reterr);
int mc_plan_load(const char *path, struct mc_plan **ret, struct mc_error *reterr);
