/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The provisioning planner (provision.h): pure, facts in, plan steps out. */
#include "provision.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/xml-util.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const protocol_names[_MC_PROV_PROTOCOL_MAX] = {
    [MC_PROV_NFS] = "nfs",
    [MC_PROV_ISCSI] = "iscsi",
};
MC_ENUM_NAMES(mc_prov_protocol_names, "protocol", protocol_names);

static const char *const attach_names[_MC_PROV_ATTACH_MAX] = {
    [MC_PROV_POOL] = "pool",
    [MC_PROV_NETWORK] = "network",
};
MC_ENUM_NAMES(mc_prov_attach_names, "attachment", attach_names);

#define DEFAULT_IQN_PREFIX "iqn.2026-12.org.migcheck"
#define ISCSI_PORT         "3260"

void mc_prov_layers_free(struct mc_prov_layer *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(l[i].path);
        free(l[i].format);
        free(l[i].backing);
    }
    free(l);
}

void mc_provision_result_clear(struct mc_provision_result *r)
{
    free(r->dir);
    free(r->vm_dir);
    free(r->export_id);
    free(r->iqn);
    free(r->pool);
    mc_strv_free(r->moved);
    mc_strv_free(r->kept);
    mc_strv_free(r->warnings);
    free(r->dest_xml);
    memset(r, 0, sizeof(*r));
}

char *mc_provision_safe_name(const char *name)
{
    struct mc_buf b = MC_BUF_INIT;
    for (const char *p = name ? name : ""; *p && b.len < 48; p++) {
        unsigned char c = (unsigned char)*p;
        mc_buf_putc(&b,
                    isalnum(c) || c == '-' || c == '_' || (c == '.' && b.len > 0) ? (char)c : '_');
    }
    if (b.len == 0)
        mc_buf_puts(&b, "vm");
    return mc_buf_steal(&b);
}

static char *lower(const char *s)
{
    char *r = mc_xstrdup(s);
    for (char *p = r; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (*p == '_' || *p == '.')
            *p = '-';
    }
    return r;
}

/* ---- qemu-img info --output=json --backing-chain ---- */

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    return json_object_get_int64(v);
}

int mc_qemu_img_info_parse(const char *buf, size_t len, struct mc_prov_layer **ret, size_t *ret_n,
                           struct mc_error *reterr)
{
    if (len > (16u << 20))
        return mc_error_set(reterr, -EFBIG, "qemu-img's answer is too large");
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return mc_error_set(reterr, -ENOMEM, "cannot parse JSON");
    json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!root || je != json_tokener_success) {
        json_object_put(root);
        return mc_error_set(reterr, -EBADMSG, "qemu-img's answer is not JSON: %s",
                            json_tokener_error_desc(je));
    }
    /* --backing-chain gives an array, top first; a single image an object */
    size_t n = json_object_is_type(root, json_type_array) ? json_object_array_length(root) : 1;
    if (!json_object_is_type(root, json_type_array) &&
        !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return mc_error_set(reterr, -EBADMSG, "qemu-img's answer is not an image description");
    }
    struct mc_prov_layer *v = NULL;
    size_t nv = 0;
    for (size_t i = 0; i < n && i < 256; i++) {
        json_object *o =
            json_object_is_type(root, json_type_array) ? json_object_array_get_idx(root, i) : root;
        const char *fn = o && json_object_is_type(o, json_type_object) ? jstr(o, "filename") : NULL;
        const char *fmt = fn ? jstr(o, "format") : NULL;
        int64_t vs = fn ? jint(o, "virtual-size") : -1;
        if (!fn || !fmt || vs < 0) {
            mc_prov_layers_free(v, nv);
            json_object_put(root);
            return mc_error_set(reterr, -EBADMSG,
                                "qemu-img's description of image %zu lacks its file name, format "
                                "or virtual size",
                                i + 1);
        }
        struct mc_prov_layer *l = MC_APPEND(v, nv);
        l->path = mc_xstrdup(fn);
        l->format = mc_xstrdup(fmt);
        l->virtual_size = vs;
        l->file_size = -1;
        l->backing = mc_xstrdup_or_null(jstr(o, "backing-filename"));
    }
    json_object_put(root);
    if (nv == 0)
        return mc_error_set(reterr, -EBADMSG, "qemu-img described no image");
    *ret = v;
    *ret_n = nv;
    return 0;
}

/* ---- addresses ---- */

static bool same_subnet(const char *a, const char *b, int64_t prefix)
{
    unsigned char x[16], y[16];
    int fam = strchr(a, ':') ? AF_INET6 : AF_INET;
    if ((strchr(b, ':') ? AF_INET6 : AF_INET) != fam || inet_pton(fam, a, x) != 1 ||
        inet_pton(fam, b, y) != 1)
        return false;
    int64_t max = fam == AF_INET ? 32 : 128;
    if (prefix < 0 || prefix > max)
        return false;
    for (int64_t i = 0; i < prefix; i++)
        if (((x[i / 8] >> (7 - i % 8)) & 1) != ((y[i / 8] >> (7 - i % 8)) & 1))
            return false;
    return true;
}

char **mc_provision_client_addrs(const struct mc_host_facts *h, const char *storage_addr)
{
    char **v = NULL;
    const struct mc_net_facts *n = &h->net;
    for (size_t i = 0; storage_addr && i < n->n_addrs; i++) {
        const struct mc_addr *a = &n->addrs[i];
        if (a->address && same_subnet(a->address, storage_addr, a->prefixlen) &&
            !mc_strv_contains(v, a->address))
            mc_strv_add(&v, a->address);
    }
    if (v)
        return v;
    for (size_t i = 0; i < n->n_addrs; i++) {
        const struct mc_addr *a = &n->addrs[i];
        if (a->address && (!a->scope || strcmp(a->scope, "host") != 0) &&
            strcmp(a->address, "127.0.0.1") != 0 && strcmp(a->address, "::1") != 0 &&
            !mc_str_startswith(a->address, "fe80:") && !mc_strv_contains(v, a->address))
            mc_strv_add(&v, a->address);
    }
    return v;
}

/* ---- XML snippets (built with libxml2: names and paths are escaped for us) ---- */

struct snippet {
    xmlDocPtr doc;
    xmlNodePtr root;
};

static xmlNodePtr snippet_new(struct snippet *s, const char *name)
{
    s->doc = xmlNewDoc(BAD_CAST "1.0");
    s->root = xmlNewDocNode(s->doc, NULL, BAD_CAST name, NULL);
    xmlDocSetRootElement(s->doc, s->root);
    return s->root;
}

static char *snippet_done(struct snippet *s)
{
    char *r = mc_xml_node_to_string(s->doc, s->root);
    xmlFreeDoc(s->doc);
    return r;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static xmlNodePtr disk_head(struct snippet *s, const char *type, const char *format)
{
    xmlNodePtr d = snippet_new(s, "disk");
    mc_xml_set_prop(d, "type", type);
    mc_xml_set_prop(d, "device", "disk");
    xmlNodePtr drv = child(d, "driver");
    mc_xml_set_prop(drv, "name", "qemu");
    mc_xml_set_prop(drv, "type", format);
    return d;
}

static char *disk_file_xml(const char *path, const char *format)
{
    struct snippet s;
    xmlNodePtr d = disk_head(&s, "file", format);
    mc_xml_set_prop(child(d, "source"), "file", path);
    return snippet_done(&s);
}

static char *disk_nfs_xml(const char *server, const char *name, const char *format)
{
    struct snippet s;
    xmlNodePtr d = disk_head(&s, "network", format);
    xmlNodePtr src = child(d, "source");
    mc_xml_set_prop(src, "protocol", "nfs");
    mc_xml_set_prop(src, "name", name);
    mc_xml_set_prop(child(src, "host"), "name", server);
    return snippet_done(&s);
}

static char *disk_iscsi_xml(const char *server, const char *iqn, int lun)
{
    struct snippet s;
    xmlNodePtr d = disk_head(&s, "network", "raw");
    xmlNodePtr src = child(d, "source");
    mc_xml_set_prop(src, "protocol", "iscsi");
    _cleanup_free_ char *name = mc_xasprintf("%s/%d", iqn, lun);
    mc_xml_set_prop(src, "name", name);
    xmlNodePtr h = child(src, "host");
    mc_xml_set_prop(h, "name", server);
    mc_xml_set_prop(h, "port", ISCSI_PORT);
    return snippet_done(&s);
}

static char *disk_volume_xml(const char *pool, const char *volume, const char *format)
{
    struct snippet s;
    xmlNodePtr d = disk_head(&s, "volume", format);
    xmlNodePtr src = child(d, "source");
    mc_xml_set_prop(src, "pool", pool);
    mc_xml_set_prop(src, "volume", volume);
    return snippet_done(&s);
}

static char *pool_netfs_xml(const char *name, const char *server, const char *dir)
{
    struct snippet s;
    xmlNodePtr p = snippet_new(&s, "pool");
    mc_xml_set_prop(p, "type", "netfs");
    mc_xml_add_text_child(p, "name", name);
    xmlNodePtr src = child(p, "source");
    mc_xml_set_prop(child(src, "host"), "name", server);
    mc_xml_set_prop(child(src, "dir"), "path", dir);
    mc_xml_set_prop(child(src, "format"), "type", "nfs");
    mc_xml_add_text_child(child(p, "target"), "path", dir);
    return snippet_done(&s);
}

static char *pool_iscsi_direct_xml(const char *name, const char *server, const char *iqn,
                                   const char *initiator)
{
    struct snippet s;
    xmlNodePtr p = snippet_new(&s, "pool");
    mc_xml_set_prop(p, "type", "iscsi-direct");
    mc_xml_add_text_child(p, "name", name);
    xmlNodePtr src = child(p, "source");
    xmlNodePtr h = child(src, "host");
    mc_xml_set_prop(h, "name", server);
    mc_xml_set_prop(h, "port", ISCSI_PORT);
    mc_xml_set_prop(child(src, "device"), "path", iqn);
    mc_xml_set_prop(child(child(src, "initiator"), "iqn"), "name", initiator);
    return snippet_done(&s);
}

/* ---- editing a domain's disk ---- */

int mc_provision_edit_disk(const char *domain_xml, const char *target, const char *new_disk,
                           char **ret, struct mc_error *reterr)
{
    _cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(xmlFreeDocp) xmlDocPtr nd = NULL;
    int r = mc_xml_parse(domain_xml, strlen(domain_xml), "domain XML", &doc, reterr);
    if (r < 0)
        return r;
    r = mc_xml_parse(new_disk, strlen(new_disk), "disk XML", &nd, reterr);
    if (r < 0)
        return r;
    xmlNodePtr disk = mc_xml_domain_disk(doc, target);
    if (!disk)
        return mc_error_set(reterr, -ENOENT, "the domain has no disk '%s'", target);
    xmlNodePtr nroot = xmlDocGetRootElement(nd);
    xmlNodePtr nsrc = nroot ? mc_xml_child(nroot, "source") : NULL;
    _cleanup_free_ char *type = nroot ? mc_xml_prop(nroot, "type") : NULL;
    if (!nsrc || !type)
        return mc_error_set(reterr, -EINVAL, "the new disk XML has no type or source");
    /* xmlSetProp: replace the attribute (mc_xml_set_prop adds one) */
    xmlSetProp(disk, BAD_CAST "type", BAD_CAST type);
    /* the new source where the old one was; the backing chain is the new image's business */
    xmlNodePtr old = mc_xml_child(disk, "source");
    xmlNodePtr copy = xmlDocCopyNode(nsrc, doc, 1);
    if (old) {
        xmlReplaceNode(old, copy);
        xmlFreeNode(old);
    } else {
        xmlAddChild(disk, copy);
    }
    for (xmlNodePtr b = mc_xml_child(disk, "backingStore"); b;
         b = mc_xml_child(disk, "backingStore")) {
        xmlUnlinkNode(b);
        xmlFreeNode(b);
    }
    xmlNodePtr ndrv = mc_xml_child(nroot, "driver");
    _cleanup_free_ char *fmt = ndrv ? mc_xml_prop(ndrv, "type") : NULL;
    if (fmt) {
        xmlNodePtr drv = mc_xml_child(disk, "driver");
        if (!drv) {
            drv = xmlNewNode(NULL, BAD_CAST "driver");
            mc_xml_set_prop(drv, "name", "qemu");
            xmlNodePtr first = disk->children;
            if (first)
                xmlAddPrevSibling(first, drv);
            else
                xmlAddChild(disk, drv);
        }
        xmlSetProp(drv, BAD_CAST "type", BAD_CAST fmt);
    }
    size_t len;
    return mc_xml_doc_to_string(doc, ret, &len);
}

/* ---- the planner ---- */

struct plan_ctx {
    const struct mc_provision_opts *o;
    const struct mc_provision_input *in;
    struct mc_plan *p;
    struct mc_provision_result *res;
    const struct mc_vm_facts *vm;
    const char *storage; /* name SRC and DST use */
    const char *slabel;  /* the storage host for messages */
    char *safe;          /* the VM's name made safe */
    char *uuid8;
    char *run8;
    /* ownership on the storage host */
    int64_t uid, gid;
    const char *squash; /* ganesha: No_Root_Squash, Root_Squash, All_Squash */
    const char *dir_mode, *file_mode;
};

static const char *dflt(const char *s, const char *d)
{
    return s && *s ? s : d;
}

static bool dir_ok(const char *d)
{
    if (!d || d[0] != '/' || strcmp(d, "/") == 0 || strlen(d) > 1024 || strstr(d, "/../") ||
        mc_str_endswith(d, "/..") || strstr(d, "//"))
        return false;
    for (const char *p = d; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/._+-", *p))
            return false;
    return true;
}

static char *default_dir(const struct mc_host_facts *storage)
{
    const struct mc_pool *def = storage ? mc_virt_find_pool(&storage->virt, "default") : NULL;
    const char *base = def && def->target_path && dir_ok(def->target_path)
                           ? def->target_path
                           : "/var/lib/libvirt/images";
    size_t n = strlen(base);
    return mc_xasprintf("%.*s/migcheck", (int)(n > 1 && base[n - 1] == '/' ? n - 1 : n), base);
}

char *mc_provision_dir(const struct mc_provision_opts *o, const struct mc_host_facts *storage)
{
    return o->dir ? mc_xstrdup(o->dir) : default_dir(storage);
}

char *mc_provision_vm_dir(const char *dir, const struct mc_vm_facts *vm)
{
    _cleanup_free_ char *safe = mc_provision_safe_name(vm->name);
    return mc_xasprintf("%s/%s-%.8s", dir, safe, vm->uuid ? vm->uuid : "00000000");
}

static bool running(const struct mc_vm_facts *vm)
{
    return vm->state && (strcmp(vm->state, "running") == 0 || strcmp(vm->state, "paused") == 0 ||
                         strcmp(vm->state, "blocked") == 0);
}

/* Is the storage host one of the hypervisors? By host UUID and by address. */
static const char *same_host(const struct plan_ctx *c)
{
    const struct mc_provision_input *in = c->in;
    const char *su = in->storage ? in->storage->virt.host_uuid : NULL;
    const struct mc_host_facts *hv[2] = { in->src, in->dst };
    const char *names[2] = { dflt(in->src_name, "the source"),
                             dflt(in->dst_name, "the destination") };
    for (int i = 0; i < 2; i++) {
        if (su && hv[i]->virt.host_uuid && strcmp(su, hv[i]->virt.host_uuid) == 0)
            return names[i];
        for (size_t k = 0; in->storage_addr && k < hv[i]->net.n_addrs; k++)
            if (hv[i]->net.addrs[k].address &&
                strcmp(hv[i]->net.addrs[k].address, in->storage_addr) == 0)
                return names[i];
    }
    return NULL;
}

static int decide_owner(struct plan_ctx *c, struct mc_error *reterr)
{
    const struct mc_os_facts *s = &c->in->src->os, *d = &c->in->dst->os;
    const struct mc_os_facts *hv[2] = { s, d };
    const char *names[2] = { dflt(c->in->src_name, "the source"),
                             dflt(c->in->dst_name, "the destination") };
    for (int i = 0; i < 2; i++)
        if (!hv[i]->qemu_uid_known || hv[i]->qemu_uid < 0 || hv[i]->qemu_gid < 0)
            return mc_error_set(
                reterr, -EINVAL,
                "cannot tell which user QEMU runs as on '%s' (qemu.conf user '%s'): "
                "the export's squashing and the image's owner depend on it",
                names[i], dflt(hv[i]->qemu_user, "?"));
    if (s->qemu_uid == 0 && d->qemu_uid == 0) {
        c->uid = 0, c->gid = 0;
        c->squash = "No_Root_Squash";
        c->dir_mode = "755", c->file_mode = "600";
    } else if (s->qemu_uid == d->qemu_uid && s->qemu_gid == d->qemu_gid) {
        c->uid = s->qemu_uid, c->gid = s->qemu_gid;
        c->squash = "Root_Squash";
        c->dir_mode = "770", c->file_mode = "660";
    } else {
        /* different users: everyone becomes the owner (All_Squash with its ids) */
        const struct mc_os_facts *o = s->qemu_uid != 0 ? s : d;
        c->uid = o->qemu_uid, c->gid = o->qemu_gid;
        c->squash = "All_Squash";
        c->dir_mode = "770", c->file_mode = "660";
    }
    return 0;
}

static void param(struct mc_plan_step *s, const char *name, const char *value)
{
    mc_param_set(&s->params, &s->n_params, name, value);
}

static void paramf(struct mc_plan_step *s, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void paramf(struct mc_plan_step *s, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = mc_xvasprintf(fmt, ap);
    va_end(ap);
    mc_param_set(&s->params, &s->n_params, name, v);
    free(v);
}

static void make_dir(struct plan_ctx *c, const char *path, const char *mode, int64_t uid,
                     int64_t gid, bool shared)
{
    struct mc_plan_step *s = mc_plan_add_step(c->p, MC_STEP_MAKE_DIR, "storage", path,
                                              "create directory %s on %s", path, c->slabel);
    param(s, "path", path);
    param(s, "mode", mode);
    paramf(s, "uid", "%lld", (long long)uid);
    paramf(s, "gid", "%lld", (long long)gid);
    if (shared)
        param(s, "shared", "yes"); /* other runs' directories may go in: undo keeps it then */
}

static void create_image(struct plan_ctx *c, const char *path, const char *format, int64_t bytes,
                         const char *backing, const char *bformat, const char *mode)
{
    struct mc_plan_step *s = mc_plan_add_step(c->p, MC_STEP_CREATE_DISK_TARGET, "storage", path,
                                              "create %s image %s (%lld bytes%s%s) on %s", format,
                                              path, (long long)bytes, backing ? ", backed by " : "",
                                              backing ? backing : "", c->slabel);
    param(s, "path", path);
    param(s, "format", format);
    paramf(s, "bytes", "%lld", (long long)bytes);
    paramf(s, "uid", "%lld", (long long)c->uid);
    paramf(s, "gid", "%lld", (long long)c->gid);
    param(s, "mode", mode);
    if (backing) {
        param(s, "backing", backing);
        param(s, "backing-format", bformat);
    }
}

/* Where a moved disk goes. */
struct placement {
    const struct mc_disk *disk;
    const struct mc_prov_disk *info;
    bool carry;   /* chain carried (NFS only) */
    char *image;  /* storage path of the top image (NFS) or the LUN's file (iSCSI) */
    char *name;   /* its file name */
    char *format; /* the top image's format on the store */
    int lun;
    char *copy_xml;  /* the block copy's destination / the offline copy's written form */
    char *final_xml; /* the disk as the definition will name it */
    char *orig_xml;  /* the disk as it is now (undo) */
    char *copy_to;   /* qemu-img target: nfs:// or iscsi:// URL, or a path on the mount */
    char **bases;    /* carried layers' file names on the store, top-most base first */
};

static void placement_clear(struct placement *pl)
{
    free(pl->image);
    free(pl->name);
    free(pl->format);
    free(pl->copy_xml);
    free(pl->final_xml);
    free(pl->orig_xml);
    free(pl->copy_to);
    mc_strv_free(pl->bases);
}

static const struct mc_prov_disk *info_of(const struct mc_provision_input *in, const char *target)
{
    for (size_t i = 0; i < in->n_disks; i++)
        if (in->disks[i].target && strcmp(in->disks[i].target, target) == 0)
            return &in->disks[i];
    return NULL;
}

/* Should this disk move, and if not, why? */
static const char *keep_reason(const struct plan_ctx *c, const struct mc_disk *d)
{
    if (!d->device || strcmp(d->device, "disk") != 0)
        return "not a disk (CD-ROM and floppy media are not moved)";
    if (!d->source && (!d->type || strcmp(d->type, "network") != 0))
        return "no source";
    if (d->readonly)
        return "read-only: not moved";
    if (d->shareable)
        return "shareable: its sharing is the site's own arrangement";
    if (d->type && strcmp(d->type, "network") == 0)
        return "already on network storage";
    if (d->type && strcmp(d->type, "volume") == 0)
        return "a storage pool volume: not moved";
    if (d->type && strcmp(d->type, "block") == 0)
        return "a block device: migcheck moves only image files";
    if (!d->type || strcmp(d->type, "file") != 0)
        return "not an image file";
    const struct mc_mount *m =
        mc_mounts_find_for_path(c->in->src->mounts, c->in->src->n_mounts, d->source);
    if (m && (m->shared || m->clusterfs))
        return "already on a shared file system";
    return NULL;
}

static int place(struct plan_ctx *c, const struct mc_disk *d, int lun, struct placement *pl,
                 struct mc_error *reterr)
{
    const struct mc_provision_opts *o = c->o;
    pl->disk = d;
    pl->info = info_of(c->in, d->target);
    if (!pl->info || pl->info->n_chain == 0)
        return mc_error_set(reterr, -EINVAL, "no image information for disk %s '%s'", d->target,
                            d->source);
    const struct mc_prov_layer *top = &pl->info->chain[0];
    if (strcmp(top->format, "raw") != 0 && strcmp(top->format, "qcow2") != 0)
        return mc_error_set(reterr, -EINVAL,
                            "disk %s '%s' is a %s image: migcheck moves raw and qcow2 images",
                            d->target, d->source, top->format);
    bool chain = pl->info->n_chain > 1;
    for (size_t i = 1; i < pl->info->n_chain; i++)
        if (strcmp(pl->info->chain[i].format, "raw") != 0 &&
            strcmp(pl->info->chain[i].format, "qcow2") != 0)
            return mc_error_set(reterr, -EINVAL, "disk %s: backing image '%s' is %s: use --flatten",
                                d->target, pl->info->chain[i].path, pl->info->chain[i].format);
    if (chain && !o->flatten && o->protocol == MC_PROV_ISCSI)
        return mc_error_set(reterr, -EINVAL,
                            "disk %s '%s' has a backing chain, and a LUN holds one image: use "
                            "--flatten to copy its contents into one",
                            d->target, d->source);
    pl->carry = chain && !o->flatten;
    _cleanup_free_ char *t = mc_provision_safe_name(d->target);
    pl->lun = lun;
    if (o->protocol == MC_PROV_NFS) {
        pl->format = mc_xstrdup(top->format);
        pl->name = mc_xasprintf("%s-%s-%s.%s", c->safe, t, c->run8, pl->format);
    } else {
        pl->format = mc_xstrdup("raw");
        pl->name = mc_xasprintf("%s-%s-%s.lun", c->safe, t, c->run8);
    }
    pl->image = mc_xasprintf("%s/%s", c->res->vm_dir, pl->name);
    pl->orig_xml = disk_file_xml(d->source, top->format);
    if (o->protocol == MC_PROV_NFS) {
        if (o->attach == MC_PROV_NETWORK) {
            pl->copy_xml = disk_nfs_xml(c->storage, pl->image, pl->format);
            pl->copy_to = mc_xasprintf("nfs://%s%s", c->storage, pl->image);
        } else {
            pl->copy_xml = disk_file_xml(pl->image, pl->format);
            pl->copy_to = mc_xstrdup(pl->image);
        }
        pl->final_xml = mc_xstrdup(pl->copy_xml);
    } else {
        pl->copy_xml = disk_iscsi_xml(c->storage, c->res->iqn, lun);
        pl->copy_to = mc_xasprintf("iscsi://%s:%s/%s/%d", c->storage, ISCSI_PORT, c->res->iqn, lun);
        if (o->attach == MC_PROV_POOL) {
            _cleanup_free_ char *vol = mc_xasprintf("unit:0:0:%d", lun);
            pl->final_xml = disk_volume_xml(c->res->pool, vol, "raw");
        } else {
            pl->final_xml = mc_xstrdup(pl->copy_xml);
        }
    }
    for (size_t i = 1; pl->carry && i < pl->info->n_chain; i++) {
        _cleanup_free_ char *b = mc_provision_safe_name(
            mc_str_endswith(pl->info->chain[i].path, "/") ? "base"
            : strrchr(pl->info->chain[i].path, '/') ? strrchr(pl->info->chain[i].path, '/') + 1
                                                    : pl->info->chain[i].path);
        mc_strv_push(&pl->bases, mc_xasprintf("%s-%s-%s-base%zu-%s", c->safe, t, c->run8, i, b));
    }
    return 0;
}

/* The URL (or mount path) of a file in the VM's directory, as SRC's qemu-img writes it. */
static char *store_url(const struct plan_ctx *c, const char *name)
{
    if (c->o->attach == MC_PROV_NETWORK)
        return mc_xasprintf("nfs://%s%s/%s", c->storage, c->res->vm_dir, name);
    return mc_xasprintf("%s/%s", c->res->vm_dir, name);
}

/* Carried layers, bottom first: a raw-sized file, a byte copy, a rebase onto the copied base. */
static void carry_layers(struct plan_ctx *c, const struct placement *pl, size_t from)
{
    const struct mc_prov_disk *info = pl->info;
    for (size_t i = info->n_chain; i-- > from;) {
        const struct mc_prov_layer *l = &info->chain[i];
        const char *name = i == 0 ? pl->name : pl->bases[i - 1];
        _cleanup_free_ char *path = mc_xasprintf("%s/%s", c->res->vm_dir, name);
        create_image(c, path, "raw", l->file_size, NULL, NULL, c->file_mode);
        _cleanup_free_ char *url = store_url(c, name);
        struct mc_plan_step *s =
            mc_plan_add_step(c->p, MC_STEP_COPY_IMAGE, "source", pl->disk->target,
                             "copy %s of disk %s as it is to %s", l->path, pl->disk->target, url);
        param(s, "from", l->path);
        param(s, "from-format", "raw");
        param(s, "to", url);
        param(s, "to-format", "raw");
        if (i + 1 < info->n_chain) {
            s = mc_plan_add_step(c->p, MC_STEP_REBASE_IMAGE, "source", pl->disk->target,
                                 "point %s at its copied base %s", url, pl->bases[i]);
            param(s, "image", url);
            param(s, "format", l->format);
            param(s, "backing", pl->bases[i]);
            param(s, "backing-format", info->chain[i + 1].format);
        }
    }
}

static int nfs_export_step(struct plan_ctx *c, char **src_addrs, char **dst_addrs,
                           struct mc_error *reterr)
{
    const struct mc_storage_server *srv = c->in->server;
    const char *dir = c->res->vm_dir;
    for (size_t i = 0; i < srv->n_exports; i++) {
        const struct mc_nfs_export *e = &srv->exports[i];
        if ((e->path && strcmp(e->path, dir) == 0) || (e->pseudo && strcmp(e->pseudo, dir) == 0))
            return mc_error_set(reterr, -EEXIST, "'%s' on '%s' is exported already (%s)", dir,
                                c->slabel, dflt(e->file, "?"));
    }
    char **addrs = NULL;
    for (size_t i = 0; src_addrs && src_addrs[i]; i++)
        mc_strv_add(&addrs, src_addrs[i]);
    for (size_t i = 0; dst_addrs && dst_addrs[i]; i++)
        if (!mc_strv_contains(addrs, dst_addrs[i]))
            mc_strv_add(&addrs, dst_addrs[i]);
    _cleanup_free_ char *marker = mc_xasprintf("%s-%s", c->safe, c->uuid8);
    _cleanup_free_ char *list = mc_strv_join(addrs, ", ");
    struct mc_plan_step *s;
    if (srv->nfs == MC_NFS_SERVER_GANESHA) {
        int64_t id = mc_storage_server_free_export_id(srv, 100);
        c->res->export_id = mc_xasprintf("%lld", (long long)id);
        struct mc_buf b = MC_BUF_INIT;
        mc_buf_printf(&b,
                      "EXPORT {\n"
                      "    Export_Id = %lld;\n"
                      "    Path = \"%s\";\n"
                      "    Pseudo = \"%s\";\n"
                      "    Access_Type = None;\n"
                      "    Squash = Root_Squash;\n"
                      "    Protocols = 3, 4;\n"
                      "    Transports = TCP;\n"
                      "    SecType = sys;\n"
                      "    FSAL { Name = VFS; }\n"
                      "    CLIENT {\n"
                      "        Clients = %s;\n"
                      "        Access_Type = RW;\n"
                      "        Squash = %s;\n",
                      (long long)id, dir, dir, list, c->squash);
        if (strcmp(c->squash, "All_Squash") == 0)
            mc_buf_printf(&b, "        Anonymous_Uid = %lld;\n        Anonymous_Gid = %lld;\n",
                          (long long)c->uid, (long long)c->gid);
        mc_buf_puts(&b, "    }\n}\n");
        _cleanup_free_ char *text = mc_buf_steal(&b);
        s = mc_plan_add_step(c->p, MC_STEP_NFS_EXPORT, "storage", dir,
                             "export %s from %s's nfs-ganesha (Export_Id %lld) to %s, %s", dir,
                             c->slabel, (long long)id, list, c->squash);
        param(s, "server", "ganesha");
        param(s, "conf", srv->ganesha_conf);
        paramf(s, "pid", "%lld", (long long)srv->ganesha_pid);
        param(s, "text", text);
    } else {
        const char *sq = strcmp(c->squash, "No_Root_Squash") == 0 ? "no_root_squash"
                         : strcmp(c->squash, "Root_Squash") == 0  ? "root_squash"
                                                                  : "all_squash";
        struct mc_buf b = MC_BUF_INIT;
        mc_buf_printf(&b, "# migcheck %s\n%s", marker, dir);
        for (size_t i = 0; addrs && addrs[i]; i++) {
            mc_buf_printf(&b, " %s(rw,sync,no_subtree_check,%s", addrs[i], sq);
            if (strcmp(sq, "all_squash") == 0)
                mc_buf_printf(&b, ",anonuid=%lld,anongid=%lld", (long long)c->uid,
                              (long long)c->gid);
            mc_buf_putc(&b, ')');
        }
        mc_buf_putc(&b, '\n');
        _cleanup_free_ char *text = mc_buf_steal(&b);
        _cleanup_free_ char *file = mc_xasprintf("/etc/exports.d/migcheck-%s.exports", marker);
        s = mc_plan_add_step(c->p, MC_STEP_NFS_EXPORT, "storage", dir,
                             "export %s from %s's kernel NFS server (%s) to %s, %s", dir, c->slabel,
                             file, list, sq);
        param(s, "server", "kernel");
        param(s, "file", file);
        param(s, "text", text);
    }
    param(s, "marker", marker);
    param(s, "path", dir);
    param(s, "clients", list);
    mc_strv_free(addrs);
    return 0;
}

static void verify_nfs(struct plan_ctx *c, const char *role, const struct mc_host_facts *h,
                       const char *image)
{
    struct mc_plan_step *s =
        mc_plan_add_step(c->p, MC_STEP_VERIFY_NFS, role, image,
                         "check from the %s that %s:%s mounts and %s opens read-write as QEMU's "
                         "user (uid %lld)",
                         role, c->storage, c->res->vm_dir, image, (long long)h->os.qemu_uid);
    param(s, "server", c->storage);
    param(s, "export", c->res->vm_dir);
    param(s, "image", image);
    paramf(s, "uid", "%lld", (long long)h->os.qemu_uid);
    paramf(s, "gid", "%lld", (long long)h->os.qemu_gid);
}

static char *initiator_of(const struct plan_ctx *c, const struct mc_host_facts *h,
                          const char *fallback)
{
    if (h->storage.iscsi_initiator && *h->storage.iscsi_initiator)
        return mc_xstrdup(h->storage.iscsi_initiator);
    _cleanup_free_ char *n = lower(dflt(h->os.hostname, fallback));
    _cleanup_free_ char *safe = mc_provision_safe_name(n);
    _cleanup_free_ char *l = lower(safe);
    return mc_xasprintf("%s:host-%s", dflt(c->o->iqn_prefix, DEFAULT_IQN_PREFIX), l);
}

static void pools(struct plan_ctx *c)
{
    const struct mc_host_facts *hv[2] = { c->in->src, c->in->dst };
    const char *roles[2] = { "source", "destination" };
    const char *names[2] = { dflt(c->in->src_name, "source"),
                             dflt(c->in->dst_name, "destination") };
    for (int i = 0; i < 2; i++) {
        _cleanup_free_ char *xml = NULL;
        if (c->o->protocol == MC_PROV_NFS) {
            xml = pool_netfs_xml(c->res->pool, c->storage, c->res->vm_dir);
        } else {
            _cleanup_free_ char *init = initiator_of(c, hv[i], names[i]);
            xml = pool_iscsi_direct_xml(c->res->pool, c->storage, c->res->iqn, init);
        }
        struct mc_plan_step *s = mc_plan_add_step(
            c->p, MC_STEP_DEFINE_POOL, roles[i], c->res->pool,
            "define %s pool %s on %s (persistent)",
            c->o->protocol == MC_PROV_NFS ? "netfs" : "iscsi-direct", c->res->pool, names[i]);
        param(s, "name", c->res->pool);
        param(s, "xml", xml);
        s = mc_plan_add_step(c->p, MC_STEP_START_POOL, roles[i], c->res->pool,
                             "build, start and autostart pool %s on %s%s", c->res->pool, names[i],
                             c->o->protocol == MC_PROV_NFS ? " (mounts the export there)" : "");
        param(s, "name", c->res->pool);
        param(s, "type", c->o->protocol == MC_PROV_NFS ? "netfs" : "iscsi-direct");
    }
}

static void move_running(struct plan_ctx *c, const struct placement *pl)
{
    const char *t = pl->disk->target;
    struct mc_plan_step *s = mc_plan_add_step(
        c->p, MC_STEP_BLOCK_COPY, "source", t, "mirror running disk %s (%s) to %s%s, until in sync",
        t, pl->disk->source, pl->copy_to, pl->carry ? " (its own layer only)" : "");
    param(s, "disk", t);
    param(s, "xml", pl->copy_xml);
    param(s, "original", pl->orig_xml);
    param(s, "shallow", pl->carry ? "yes" : "no");
    s = mc_plan_add_step(c->p, MC_STEP_BLOCK_PIVOT, "source", t,
                         "switch disk %s to %s (the guest keeps running)", t, pl->copy_to);
    param(s, "disk", t);
    param(s, "xml", pl->copy_xml);
    param(s, "original", pl->orig_xml);
    param(s, "shallow", pl->carry ? "yes" : "no");
    if (strcmp(pl->final_xml, pl->copy_xml) != 0) {
        s = mc_plan_add_step(c->p, MC_STEP_REDEFINE_DISK, "source", t,
                             "name disk %s by its pool volume in the persistent definition", t);
        param(s, "disk", t);
        param(s, "xml", pl->final_xml);
        param(s, "undo-xml", pl->copy_xml);
    }
}

static void move_offline(struct plan_ctx *c, const struct placement *pl)
{
    const char *t = pl->disk->target;
    const struct mc_prov_layer *top = &pl->info->chain[0];
    struct mc_plan_step *s;
    if (!pl->carry) {
        s = mc_plan_add_step(c->p, MC_STEP_COPY_IMAGE, "source", t, "copy disk %s (%s%s) to %s", t,
                             pl->disk->source, pl->info->n_chain > 1 ? ", flattened" : "",
                             pl->copy_to);
        param(s, "from", top->path);
        param(s, "from-format", top->format);
        param(s, "to", pl->copy_to);
        param(s, "to-format", pl->format);
    }
    s = mc_plan_add_step(c->p, MC_STEP_REDEFINE_DISK, "source", t,
                         "name disk %s by its new place in the definition", t);
    param(s, "disk", t);
    param(s, "xml", pl->final_xml);
    param(s, "undo-xml", pl->orig_xml);
}

int mc_provision_plan(const struct mc_provision_opts *o, const struct mc_provision_input *in,
                      struct mc_plan *p, struct mc_provision_result *ret, struct mc_error *reterr)
{
    struct mc_provision_result res = { 0 };
    struct plan_ctx c = { .o = o, .in = in, .p = p, .res = &res };
    struct placement *pls = NULL;
    size_t npl = 0;
    char **src_addrs = NULL, **dst_addrs = NULL;
    int r = 0;
    const struct mc_vm_facts *vm = in->src ? in->src->vm : NULL;
    c.vm = vm;
    c.storage = o->storage;
    c.slabel = dflt(in->storage_label, o->storage);
    if (!vm || !vm->name || !vm->uuid || strlen(vm->uuid) < 8 || !in->dst || !o->storage ||
        !*o->storage || !in->server) {
        r = mc_error_set(reterr, -EINVAL,
                         "the planner needs the domain, both hosts and the "
                         "storage host's facts");
        goto out;
    }
    c.safe = mc_provision_safe_name(vm->name);
    c.uuid8 = mc_xstrndup(vm->uuid, 8);
    c.run8 = mc_xstrndup(dflt(o->run_id, "00000000"), 8);

    /* Which disks move. */
    int lun = 0;
    for (size_t i = 0; i < vm->n_disks; i++) {
        const struct mc_disk *d = &vm->disks[i];
        const char *why = keep_reason(&c, d);
        if (why) {
            mc_strv_push(&res.kept, mc_xasprintf("%s: %s", dflt(d->target, "?"), why));
            continue;
        }
        if (!d->target) {
            r = mc_error_set(reterr, -EINVAL, "a disk of '%s' has no target", vm->name);
            goto out;
        }
        MC_APPEND(pls, npl)->lun = ++lun;
        pls[npl - 1].disk = d;
    }
    if (npl == 0)
        goto done; /* nothing to do: a re-run on a provisioned VM plans nothing */

    /* The storage host. */
    const char *same = same_host(&c);
    if (same && !o->accept_same_host) {
        r = mc_error_set(reterr, -EINVAL,
                         "the storage host '%s' is %s itself; the guides want storage on a "
                         "system separate from both hosts (--accept storage.separate-host uses "
                         "it anyway)",
                         c.slabel, same);
        goto out;
    }
    if (same)
        mc_strv_push(&res.warnings,
                     mc_xasprintf("the storage host '%s' is %s itself: the guides want storage "
                                  "separate from both hosts; accepted",
                                  c.slabel, same));
    if (o->protocol == MC_PROV_NFS) {
        enum mc_nfs_server k = in->server->nfs;
        if (k == MC_NFS_SERVER_NONE || k == MC_NFS_SERVER_UNKNOWN) {
            r = mc_error_set(reterr, -EINVAL,
                             "no NFS server runs on '%s' (neither nfs-ganesha nor the kernel's "
                             "nfsd)",
                             c.slabel);
            goto out;
        }
        if (k == MC_NFS_SERVER_BOTH) {
            r = mc_error_set(reterr, -EINVAL,
                             "both nfs-ganesha and the kernel's nfsd run on '%s': migcheck will "
                             "not choose which one serves the export",
                             c.slabel);
            goto out;
        }
    } else if (!in->server->tgtd_pid || !in->server->targets_known) {
        r = mc_error_set(reterr, -EINVAL, "%s on '%s': iSCSI provisioning needs tgtd",
                         in->server->tgtd_pid ? "tgtadm cannot list the targets"
                                              : "tgtd does not run",
                         c.slabel);
        goto out;
    }
    res.dir = mc_provision_dir(o, in->storage);
    if (!dir_ok(res.dir)) {
        r = mc_error_set(reterr, -EINVAL,
                         "invalid storage directory '%s': an absolute path of letters, digits "
                         "and . _ + - (not /)",
                         res.dir);
        goto out;
    }
    if (in->dir_state == 2) {
        r = mc_error_set(reterr, -ENOTDIR, "'%s' on '%s' is not a directory", res.dir, c.slabel);
        goto out;
    }
    res.vm_dir = mc_provision_vm_dir(res.dir, vm);
    if (in->vm_dir_state > 0) {
        r = mc_error_set(reterr, -EEXIST,
                         "'%s' exists on '%s': a run of migcheck made it (undo that run with "
                         "its journal) or remove it",
                         res.vm_dir, c.slabel);
        goto out;
    }
    if ((r = decide_owner(&c, reterr)) < 0)
        goto out;
    src_addrs = mc_provision_client_addrs(in->src, in->storage_addr);
    dst_addrs = mc_provision_client_addrs(in->dst, in->storage_addr);
    if (!src_addrs || !dst_addrs) {
        r = mc_error_set(reterr, -EINVAL, "no address of '%s' to admit on '%s'",
                         !src_addrs ? dflt(in->src_name, "the source")
                                    : dflt(in->dst_name, "the destination"),
                         c.slabel);
        goto out;
    }
    if (o->protocol == MC_PROV_ISCSI) {
        _cleanup_free_ char *l = lower(c.safe);
        res.iqn = mc_xasprintf("%s:%s-%s", dflt(o->iqn_prefix, DEFAULT_IQN_PREFIX), l, c.run8);
        if (mc_storage_server_find_target(in->server, res.iqn)) {
            r = mc_error_set(reterr, -EEXIST, "target '%s' exists on '%s'", res.iqn, c.slabel);
            goto out;
        }
    }
    if (o->attach == MC_PROV_POOL) {
        res.pool = mc_xasprintf("migcheck-%s-%s", c.safe, c.uuid8);
        const struct mc_host_facts *hv[2] = { in->src, in->dst };
        const char *names[2] = { dflt(in->src_name, "the source"),
                                 dflt(in->dst_name, "the destination") };
        int mstate[2] = { in->src_mount_state, in->dst_mount_state };
        for (int i = 0; i < 2; i++) {
            if (mc_virt_find_pool(&hv[i]->virt, res.pool)) {
                r = mc_error_set(reterr, -EEXIST, "pool '%s' exists on '%s'", res.pool, names[i]);
                goto out;
            }
            if (o->protocol == MC_PROV_NFS && mstate[i] > 0) {
                r = mc_error_set(reterr, -EEXIST,
                                 "'%s' exists on '%s': the netfs pool mounts the export there, "
                                 "at the same path as on '%s'",
                                 res.vm_dir, names[i], c.slabel);
                goto out;
            }
        }
    }
    for (size_t i = 0; i < npl; i++)
        if ((r = place(&c, pls[i].disk, pls[i].lun, &pls[i], reterr)) < 0)
            goto out;

    /* The steps. */
    if (in->dir_state == 0)
        make_dir(&c, res.dir, "755", 0, 0, true);
    make_dir(&c, res.vm_dir, c.dir_mode, c.uid, c.gid, false);
    bool live = running(vm);
    for (size_t i = 0; i < npl; i++) {
        const struct placement *pl = &pls[i];
        const struct mc_prov_layer *top = &pl->info->chain[0];
        if (o->protocol == MC_PROV_ISCSI) {
            int64_t bytes = (top->virtual_size + 511) / 512 * 512;
            create_image(&c, pl->image, "raw", bytes, NULL, NULL, "600");
        } else if (pl->carry && live) {
            /* bases now (byte copies need the export: after it, below); the top then mirrors */
        } else if (!pl->carry) {
            create_image(&c, pl->image, pl->format, top->virtual_size, NULL, NULL, c.file_mode);
        }
    }
    if (o->protocol == MC_PROV_NFS) {
        if ((r = nfs_export_step(&c, src_addrs, dst_addrs, reterr)) < 0)
            goto out;
    } else {
        char **addrs = NULL;
        for (size_t i = 0; src_addrs[i]; i++)
            mc_strv_add(&addrs, src_addrs[i]);
        for (size_t i = 0; dst_addrs[i]; i++)
            if (!mc_strv_contains(addrs, dst_addrs[i]))
                mc_strv_add(&addrs, dst_addrs[i]);
        _cleanup_free_ char *list = mc_strv_join(addrs, " ");
        int64_t tid = mc_storage_server_free_tid(in->server, 1);
        struct mc_plan_step *s =
            mc_plan_add_step(p, MC_STEP_ISCSI_TARGET, "storage", res.iqn,
                             "create iSCSI target %s (tid %lld) on %s's tgtd, admitting %s",
                             res.iqn, (long long)tid, c.slabel, list);
        paramf(s, "tid", "%lld", (long long)tid);
        param(s, "iqn", res.iqn);
        param(s, "initiators", list);
        mc_strv_free(addrs);
        for (size_t i = 0; i < npl; i++) {
            s = mc_plan_add_step(p, MC_STEP_ISCSI_LUN, "storage", pls[i].disk->target,
                                 "add LUN %d backed by %s to %s", pls[i].lun, pls[i].image,
                                 res.iqn);
            paramf(s, "tid", "%lld", (long long)tid);
            param(s, "iqn", res.iqn);
            paramf(s, "lun", "%d", pls[i].lun);
            param(s, "path", pls[i].image);
        }
    }
    /* Verify before any data moves. */
    if (o->protocol == MC_PROV_NFS) {
        /* an image that exists now: the first created top, else nothing but the mount */
        const char *image = NULL;
        for (size_t i = 0; i < npl && !image; i++)
            if (!pls[i].carry)
                image = pls[i].name;
        verify_nfs(&c, "destination", in->dst, dflt(image, "."));
        verify_nfs(&c, "source", in->src, dflt(image, "."));
    } else {
        _cleanup_free_ char *luns = NULL;
        struct mc_buf b = MC_BUF_INIT;
        for (size_t i = 0; i < npl; i++)
            mc_buf_printf(&b, "%s%d", i ? " " : "", pls[i].lun);
        luns = mc_buf_steal(&b);
        struct mc_plan_step *s = mc_plan_add_step(
            p, MC_STEP_VERIFY_ISCSI, "destination", res.iqn,
            "check that the destination and the source log in to %s and see the same LUN%s %s",
            res.iqn, npl > 1 ? "s" : "", luns);
        param(s, "host", c.storage);
        param(s, "port", ISCSI_PORT);
        param(s, "iqn", res.iqn);
        param(s, "luns", luns);
    }
    if (o->attach == MC_PROV_POOL)
        pools(&c);
    /* Carried chains: byte copies through the export (NFS only). */
    for (size_t i = 0; i < npl; i++) {
        const struct placement *pl = &pls[i];
        if (!pl->carry)
            continue;
        carry_layers(&c, pl, live ? 1 : 0);
        if (live)
            create_image(&c, pl->image, "qcow2", pl->info->chain[0].virtual_size, pl->bases[0],
                         pl->info->chain[1].format, c.file_mode);
    }
    /* The data. */
    for (size_t i = 0; i < npl; i++) {
        if (live)
            move_running(&c, &pls[i]);
        else
            move_offline(&c, &pls[i]);
        mc_strv_push(&res.moved, mc_xasprintf("%s %s -> %s", pls[i].disk->target,
                                              pls[i].disk->source, pls[i].copy_to));
    }
    /* The domain as it will be (for a migration that follows). */
    if (vm->xml) {
        char *xml = mc_xstrdup(vm->xml);
        for (size_t i = 0; i < npl && xml; i++) {
            char *edited = NULL;
            _cleanup_error_ struct mc_error e = { 0 };
            if (mc_provision_edit_disk(xml, pls[i].disk->target, pls[i].final_xml, &edited, &e) <
                0) {
                free(xml);
                r = mc_error_set(reterr, e.code, "%s", e.message);
                goto out;
            }
            free(xml);
            xml = edited;
        }
        res.dest_xml = xml;
    }
done:
    *ret = res;
    res = (struct mc_provision_result){ 0 };
out:
    for (size_t i = 0; i < npl; i++)
        placement_clear(&pls[i]);
    free(pls);
    mc_strv_free(src_addrs);
    mc_strv_free(dst_addrs);
    free(c.safe);
    free(c.uuid8);
    free(c.run8);
    mc_provision_result_clear(&res);
    return r;
}
