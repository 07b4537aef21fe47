/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "facts-json.h"

#include <stdint.h>
#include <stdlib.h>

#include "facts-schema.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define AT(p, off) ((char *)(p) + (off))

struct json_object *mc_json_string(const char *s)
{
    if (!s)
        return NULL;
    if (mc_utf8_is_clean(s))
        return json_object_new_string(s);
    _cleanup_free_ char *clean = mc_utf8_clean(s);
    return json_object_new_string(clean);
}

static struct json_object *struct_to_json(const struct mc_struct_desc *d, const void *p)
{
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        char kb[64];
        const char *key = mc_field_json_name(f, kb, sizeof(kb));
        struct json_object *v = NULL;
        switch (f->type) {
        case MC_FT_STR:
        case MC_FT_TEXT:
            v = mc_json_string(*(char *const *)AT(p, f->offset));
            break;
        case MC_FT_INT: {
            int64_t x = *(const int64_t *)AT(p, f->offset);
            if (x)
                v = json_object_new_int64(x);
            break;
        }
        case MC_FT_BOOL:
            if (*(const bool *)AT(p, f->offset))
                v = json_object_new_boolean(1);
            break;
        case MC_FT_ERRNO: {
            int64_t x = *(const int64_t *)AT(p, f->offset);
            char buf[16];
            if (x)
                v = json_object_new_string(mc_errno_name((int)x, buf));
            break;
        }
        case MC_FT_ENUM: {
            const char *n = mc_enum_name(f->names, *(const int *)AT(p, f->offset));
            if (n)
                v = json_object_new_string(n);
            break;
        }
        case MC_FT_AREAS: {
            unsigned a = *(const unsigned *)AT(p, f->offset);
            if (a) {
                v = json_object_new_array();
                for (unsigned bit = 1; bit && bit <= a; bit <<= 1)
                    if ((a & bit) && mc_area_name(bit))
                        json_object_array_add(v, json_object_new_string(mc_area_name(bit)));
            }
            break;
        }
        case MC_FT_STRV: {
            char *const *sv = *(char **const *)AT(p, f->offset);
            if (sv && *sv) {
                v = json_object_new_array();
                STRV_FOREACH (s, sv)
                    json_object_array_add(v, mc_json_string(*s));
            }
            break;
        }
        case MC_FT_STRUCT:
            v = struct_to_json(f->sub, AT(p, f->offset));
            if (json_object_object_length(v) == 0) {
                json_object_put(v);
                v = NULL;
            }
            break;
        case MC_FT_PTR: {
            const void *q = *(void *const *)AT(p, f->offset);
            if (q)
                v = struct_to_json(f->sub, q);
            break;
        }
        case MC_FT_ARRAY: {
            const char *arr = *(char *const *)AT(p, f->offset);
            size_t n = *(const size_t *)AT(p, f->count_offset);
            if (n) {
                v = json_object_new_array_ext((int)n);
                for (size_t k = 0; k < n; k++)
                    json_object_array_add(v, struct_to_json(f->sub, arr + k * f->sub->size));
            }
            break;
        }
        }
        if (v)
            json_object_object_add(o, key, v);
    }
    return o;
}

struct json_object *mc_facts_to_json(const struct mc_host_facts *h)
{
    struct json_object *o = struct_to_json(&mc_desc_host_facts, h);
    struct json_object *top = json_object_new_object();
    json_object_object_add(top, "version",
                           json_object_new_int(h->n_other_vms ? MC_FACTS_VERSION : 1));
    json_object_object_foreach(o, k, v) json_object_object_add(top, k, json_object_get(v));
    json_object_put(o);
    return top;
}

struct json_object *mc_vm_facts_to_json(const struct mc_vm_facts *vm)
{
    return struct_to_json(&mc_desc_vm_facts, vm);
}
