/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "facts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts-schema.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct {
    unsigned bit;
    const char *name;
} area_names[] = {
    { MC_AREA_OS, "os" },           { MC_AREA_VIRT, "virt" }, { MC_AREA_MOUNTS, "mounts" },
    { MC_AREA_STORAGE, "storage" }, { MC_AREA_NET, "net" },   { MC_AREA_VM, "vm" },
    { MC_AREA_CPU, "cpu" },
};

const char *mc_area_name(unsigned area)
{
    for (size_t i = 0; i < ARRAY_SIZE(area_names); i++)
        if (area_names[i].bit == area)
            return area_names[i].name;
    return NULL;
}

unsigned mc_area_from_name(const char *name)
{
    if (!name)
        return 0;
    size_t len = strcspn(name, "/");
    for (size_t i = 0; i < ARRAY_SIZE(area_names); i++)
        if (strlen(area_names[i].name) == len && strncmp(area_names[i].name, name, len) == 0)
            return area_names[i].bit;
    return 0;
}

struct mc_host_facts *mc_host_facts_new(void)
{
    return mc_new0(struct mc_host_facts, 1);
}

void mc_host_facts_free(struct mc_host_facts *h)
{
    if (!h)
        return;
    mc_struct_clear(&mc_desc_host_facts, h);
    free(h);
}

void mc_vm_facts_free(struct mc_vm_facts *vm)
{
    if (!vm)
        return;
    mc_struct_clear(&mc_desc_vm_facts, vm);
    free(vm);
}

void mc_os_facts_clear(struct mc_os_facts *o)
{
    mc_struct_clear(&mc_desc_os_facts, o);
}

void mc_virt_facts_clear(struct mc_virt_facts *v)
{
    mc_struct_clear(&mc_desc_virt_facts, v);
}

void mc_storage_facts_clear(struct mc_storage_facts *s)
{
    mc_struct_clear(&mc_desc_storage_facts, s);
}

void mc_net_facts_clear(struct mc_net_facts *n)
{
    mc_struct_clear(&mc_desc_net_facts, n);
}

void mc_mounts_free(struct mc_mount *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mc_struct_clear(&mc_desc_mount, &m[i]);
    free(m);
}

void mc_fact_errors_addv(struct mc_fact_error **arr, size_t *n, const char *area, int err,
                         const char *fmt, va_list ap)
{
    struct mc_fact_error *e = MC_APPEND(*arr, *n);
    e->area = mc_xstrdup(area);
    e->err = err < 0 ? -err : err;
    e->message = mc_xvasprintf(fmt, ap);
}

void mc_facts_add_error(struct mc_host_facts *h, const char *area, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mc_fact_errors_addv(&h->errors, &h->n_errors, area, err, fmt, ap);
    va_end(ap);
}

void mc_facts_drop_errors(struct mc_host_facts *h, const char *area)
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

const struct mc_fact_error *mc_facts_area_error(const struct mc_host_facts *h, unsigned areas)
{
    for (size_t i = 0; i < h->n_errors; i++) {
        unsigned a = mc_area_from_name(h->errors[i].area);
        if (a & areas)
            return &h->errors[i];
    }
    return NULL;
}

const struct mc_fact_error *mc_facts_host_error(const struct mc_host_facts *h)
{
    for (size_t i = 0; h && i < h->n_errors; i++)
        if (h->errors[i].area && strcmp(h->errors[i].area, MC_HOST_ERROR_AREA) == 0)
            return &h->errors[i];
    return NULL;
}

bool mc_facts_area_failed(const struct mc_host_facts *h, unsigned areas)
{
    return mc_facts_area_error(h, areas) != NULL;
}

const struct mc_link *mc_net_find_link(const struct mc_net_facts *n, const char *name)
{
    for (size_t i = 0; name && i < n->n_links; i++)
        if (n->links[i].name && strcmp(n->links[i].name, name) == 0)
            return &n->links[i];
    return NULL;
}

const struct mc_vnet *mc_virt_find_network(const struct mc_virt_facts *v, const char *name)
{
    for (size_t i = 0; name && i < v->n_networks; i++)
        if (v->networks[i].name && strcmp(v->networks[i].name, name) == 0)
            return &v->networks[i];
    return NULL;
}

const struct mc_pool *mc_virt_find_pool(const struct mc_virt_facts *v, const char *name)
{
    for (size_t i = 0; name && i < v->n_pools; i++)
        if (v->pools[i].name && strcmp(v->pools[i].name, name) == 0)
            return &v->pools[i];
    return NULL;
}

const struct mc_machine *mc_virt_find_machine(const struct mc_virt_facts *v, const char *name)
{
    for (size_t i = 0; name && i < v->n_machines; i++) {
        const struct mc_machine *m = &v->machines[i];
        if ((m->name && strcmp(m->name, name) == 0))
            return m;
    }
    return NULL;
}

const struct mc_package *mc_os_find_package(const struct mc_os_facts *o, const char *name)
{
    for (size_t i = 0; name && i < o->n_packages; i++)
        if (o->packages[i].name && strcmp(o->packages[i].name, name) == 0)
            return &o->packages[i];
    return NULL;
}

/* Is target a path prefix of path ("/a" holds "/a" and "/a/b", not "/ab")? */
static size_t path_prefix_len(const char *target, const char *path)
{
    size_t n = strlen(target);
    if (n == 1 && target[0] == '/')
        return path[0] == '/' ? 1 : 0;
    while (n > 1 && target[n - 1] == '/')
        n--;
    if (strncmp(target, path, n) != 0)
        return 0;
    return (path[n] == '\0' || path[n] == '/') ? n : 0;
}

const struct mc_mount *mc_mounts_find_for_path(const struct mc_mount *m, size_t n, const char *path)
{
    const struct mc_mount *best = NULL;
    size_t best_len = 0;
    if (!path || path[0] != '/')
        return NULL;
    /* Later entries are mounted on top of earlier ones: >= lets the last one win. */
    for (size_t i = 0; i < n; i++) {
        if (!m[i].target)
            continue;
        size_t l = path_prefix_len(m[i].target, path);
        if (l > 0 && l >= best_len) {
            best = &m[i];
            best_len = l;
        }
    }
    return best;
}

const char *mc_vm_iface_label(const struct mc_iface *i)
{
    return i->mac ? i->mac : i->source ? i->source : "?";
}

static bool in_list(const char *fstype, const char *const *list)
{
    if (!fstype)
        return false;
    for (size_t i = 0; list[i]; i++)
        if (strcmp(fstype, list[i]) == 0)
            return true;
    return false;
}

/* virFileIsSharedFS (libvirt src/util/virfile.c): the statfs magics it treats as shared. */
bool mc_fstype_is_shared(const char *fstype)
{
    static const char *const shared[] = {
        "nfs",  "nfs4", "gfs2",           "gfs",  "ocfs2",        "afs",     "smb3", "smbfs",
        "cifs", "ceph", "fuse.glusterfs", "gpfs", "fuse.quobyte", "quobyte", "acfs", "beegfs",
        NULL,
    };
    return in_list(fstype, shared);
}

/* virFileIsClusterFS: shared file systems with cluster-wide cache coherency. */
bool mc_fstype_is_cluster(const char *fstype)
{
    static const char *const cluster[] = { "gfs2", "gfs", "ocfs2", NULL };
    return in_list(fstype, cluster);
}

bool mc_fstype_is_netfs(const char *fstype)
{
    static const char *const netfs[] = {
        "nfs",  "nfs4",         "cifs",   "smb3",       "smbfs",       "ncpfs",
        "afs",  "9p",           "ceph",   "fuse.sshfs", "glusterfs",   "fuse.glusterfs",
        "gpfs", "fuse.quobyte", "beegfs", "lustre",     "fuse.cephfs", NULL,
    };
    return in_list(fstype, netfs);
}

static bool vm_named(const struct mc_vm_facts *vm, const char *name)
{
    return name && ((vm->name && strcmp(vm->name, name) == 0) ||
                    (vm->uuid && strcasecmp(vm->uuid, name) == 0));
}

struct mc_vm_facts *mc_host_find_vm(const struct mc_host_facts *h, const char *name)
{
    /* A name first: a domain may be named like another one's UUID. */
    MC_HOST_FOREACH_VM (vm, h)
        if (vm->name && name && strcmp(vm->name, name) == 0)
            return vm;
    MC_HOST_FOREACH_VM (vm, h)
        if (vm_named(vm, name))
            return vm;
    return NULL;
}

int mc_host_select_vm(struct mc_host_facts *h, const char *name)
{
    struct mc_vm_facts *vm = mc_host_find_vm(h, name);
    if (!vm)
        return -ENOENT;
    if (vm == h->vm || !h->vm)
        return 0;
    struct mc_vm_facts tmp = *h->vm;
    *h->vm = *vm;
    *vm = tmp;
    return 0;
}

void mc_host_add_vm(struct mc_host_facts *h, struct mc_vm_facts *vm)
{
    if (!h->vm) {
        h->vm = vm;
        return;
    }
    struct mc_vm_facts *slot = MC_APPEND(h->other_vms, h->n_other_vms);
    *slot = *vm;
    free(vm);
}
