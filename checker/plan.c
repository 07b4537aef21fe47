/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "plan.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-schema.h"
#include "xml-util.h"
#include "util/xalloc.h"

/* The names are the journal format: never rename one (old journals must still undo). */
static const char *const step_kind_names[_MC_STEP_MAX] = {
    [MC_STEP_CREATE_DISK_TARGET] = "create-disk-target",
    [MC_STEP_REWRITE_DISK_PATH] = "rewrite-disk-path",
    [MC_STEP_REWRITE_BRIDGE] = "rewrite-bridge",
    [MC_STEP_REWRITE_NETWORK] = "rewrite-network",
    [MC_STEP_REWRITE_LISTEN] = "rewrite-listen",
    [MC_STEP_REWRITE_EMULATOR] = "rewrite-emulator",
    [MC_STEP_MIGRATE] = "migrate",
    [MC_STEP_UNDEFINE_SOURCE] = "undefine-source",
    [MC_STEP_MAKE_DIR] = "make-dir",
    [MC_STEP_NFS_EXPORT] = "nfs-export",
    [MC_STEP_ISCSI_TARGET] = "iscsi-target",
    [MC_STEP_ISCSI_LUN] = "iscsi-lun",
    [MC_STEP_VERIFY_NFS] = "verify-nfs",
    [MC_STEP_VERIFY_ISCSI] = "verify-iscsi",
    [MC_STEP_DEFINE_POOL] = "define-pool",
    [MC_STEP_START_POOL] = "start-pool",
    [MC_STEP_COPY_IMAGE] = "copy-image",
    [MC_STEP_REBASE_IMAGE] = "rebase-image",
    [MC_STEP_BLOCK_COPY] = "block-copy",
    [MC_STEP_BLOCK_PIVOT] = "block-pivot",
    [MC_STEP_REDEFINE_DISK] = "redefine-disk",
};
MC_ENUM_NAMES(mc_step_kind_names, "step kind", step_kind_names);

static const char *const step_state_names[_MC_STEP_STATE_MAX] = {
    [MC_STEP_STARTED] = "started", [MC_STEP_DONE] = "done",
    [MC_STEP_FAILED] = "failed",   [MC_STEP_UNDOING] = "undoing",
    [MC_STEP_UNDONE] = "undone",   [MC_STEP_UNDO_FAILED] = "undo-failed",
};
MC_ENUM_NAMES(mc_step_state_names, "step state", step_state_names);

static const char *const plan_state_names[_MC_PLAN_STATE_MAX] = {
    [MC_PLAN_APPLYING] = "applying",
    [MC_PLAN_DONE] = "done",
    [MC_PLAN_ROLLING_BACK] = "rolling-back",
    [MC_PLAN_ROLLED_BACK] = "rolled-back",
    [MC_PLAN_ROLLBACK_INCOMPLETE] = "rollback-incomplete",
    [MC_PLAN_UNDONE] = "undone",
};
MC_ENUM_NAMES(mc_plan_state_names, "plan state", plan_state_names);

static_assert(sizeof(enum mc_step_kind) == sizeof(int), "enum fields are read as int");
static_assert(sizeof(enum mc_step_state) == sizeof(int), "enum fields are read as int");
static_assert(sizeof(enum mc_plan_state) == sizeof(int), "enum fields are read as int");

struct mc_plan *mc_plan_new(const char *verb)
{
    struct mc_plan *p = mc_new0(struct mc_plan, 1);
    p->verb = mc_xstrdup(verb);
    return p;
}

void mc_plan_free(struct mc_plan *p)
{
    if (!p)
        return;
    mc_struct_clear(&mc_desc_plan, p);
    free(p);
}

struct mc_plan_step *mc_plan_add_step(struct mc_plan *p, enum mc_step_kind kind, const char *host,
                                      const char *subject, const char *summary_fmt, ...)
{
    struct mc_plan_step *s = MC_APPEND(p->steps, p->n_steps);
    s->kind = kind;
    s->host = mc_xstrdup_or_null(host);
    s->subject = mc_xstrdup_or_null(subject);
    va_list ap;
    va_start(ap, summary_fmt);
    s->summary = mc_xvasprintf(summary_fmt, ap);
    va_end(ap);
    return s;
}

const char *mc_param_get(const struct mc_plan_param *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].name && strcmp(v[i].name, name) == 0)
            return v[i].value ? v[i].value : "";
    return NULL;
}

void mc_param_set(struct mc_plan_param **v, size_t *n, const char *name, const char *value)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].name && strcmp((*v)[i].name, name) == 0) {
            free((*v)[i].value);
            (*v)[i].value = mc_xstrdup_or_null(value);
            return;
        }
    struct mc_plan_param *p = MC_APPEND(*v, *n);
    p->name = mc_xstrdup(name);
    p->value = mc_xstrdup_or_null(value);
}

void mc_param_setf(struct mc_plan_param **v, size_t *n, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = mc_xvasprintf(fmt, ap);
    va_end(ap);
    mc_param_set(v, n, name, s);
    free(s);
}

int mc_plan_to_xml(const struct mc_plan *p, char **ret, size_t *ret_len)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST mc_desc_plan.name, NULL);
    xmlDocSetRootElement(doc, root);
    char num[16];
    snprintf(num, sizeof(num), "%d", MC_PLAN_VERSION);
    mc_xml_set_prop(root, "version", num);
    mc_xml_write_struct(&mc_desc_plan, p, root);
    return mc_xml_doc_to_string(doc, ret, ret_len);
}

static int from_doc(xmlDocPtr doc, const char *what, struct mc_plan **ret, struct mc_error *reterr)
{
    struct mc_plan *p = mc_new0(struct mc_plan, 1);
    int r = mc_xml_read_root(&mc_desc_plan, doc, "plan", MC_PLAN_VERSION, what, p, NULL, reterr);
    if (r < 0) {
        mc_plan_free(p);
        return r;
    }
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].kind == MC_STEP_UNSET) {
            mc_plan_free(p);
            return mc_error_set(reterr, -EBADMSG, "%s: step %zu has no kind", what, i + 1);
        }
    *ret = p;
    return 0;
}

int mc_plan_from_xml(const char *buf, size_t len, const char *what, struct mc_plan **ret,
                     struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse(buf, len, what, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, what, ret, reterr);
}

int mc_plan_load(const char *path, struct mc_plan **ret, struct mc_error *reterr)
{
    _cleanup_free_ char *what = mc_xasprintf("journal '%s'", path);
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    int r = mc_xml_parse_file(path, what, &doc, reterr);
    if (r < 0)
        return r;
    return from_doc(doc, what, ret, reterr);
}
