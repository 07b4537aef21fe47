/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Descriptors of the facts structs. The snapshot reader and writers, the
 * destructors and the copy are generic walks over these tables, so the
 * format cannot drift from the structs.
 *
 * Mapping: scalar fields (string, integer, boolean, errno, area set, enum) are XML
 * attributes; text fields, string lists, embedded structs and arrays are
 * child elements, in table order. Zero, false and NULL are omitted, which is
 * what makes write -> read -> write the identity.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "util/error.h"

enum mc_ftype {
    MC_FT_STR,    /* char *, attribute */
    MC_FT_INT,    /* int64_t, attribute */
    MC_FT_BOOL,   /* bool, attribute yes/no */
    MC_FT_ERRNO,  /* int64_t errno, attribute written as its name */
    MC_FT_AREAS,  /* unsigned enum mc_area mask, attribute "os virt ..." */
    MC_FT_ENUM,   /* an enum (int-sized), attribute written by its name table; 0 = unset */
    MC_FT_TEXT,   /* char *, child element with text content */
    MC_FT_STRV,   /* char **, one child element per string */
    MC_FT_STRUCT, /* embedded struct, one child element */
    MC_FT_PTR,    /* pointer to struct, optional child element */
    MC_FT_ARRAY,  /* (pointer, count) of structs, one child element per item */
};

struct mc_struct_desc;

struct mc_field {
    const char *name; /* XML attribute/element name (kebab-case) */
    const char *json; /* JSON key (snake_case); NULL: name with '-' as '_' */
    enum mc_ftype type;
    size_t offset;
    size_t count_offset; /* MC_FT_ARRAY: offset of the size_t count */
    const struct mc_struct_desc *sub;
    const struct mc_enum_names *names; /* MC_FT_ENUM */
};

/* Is the field written as an XML attribute (a scalar)? */
static inline bool mc_field_is_attr(const struct mc_field *f)
{
    return f->type == MC_FT_STR || f->type == MC_FT_INT || f->type == MC_FT_BOOL ||
           f->type == MC_FT_ERRNO || f->type == MC_FT_AREAS || f->type == MC_FT_ENUM;
}

struct mc_struct_desc {
    const char *name; /* element name of the struct itself */
    size_t size;
    const struct mc_field *fields;
    size_t n_fields;
};

extern const struct mc_struct_desc mc_desc_host_facts;
extern const struct mc_struct_desc mc_desc_vm_facts;
extern const struct mc_struct_desc mc_desc_os_facts;
extern const struct mc_struct_desc mc_desc_virt_facts;
extern const struct mc_struct_desc mc_desc_storage_facts;
extern const struct mc_struct_desc mc_desc_net_facts;
extern const struct mc_struct_desc mc_desc_usb_facts;
extern const struct mc_struct_desc mc_desc_mount;
extern const struct mc_struct_desc mc_desc_fact_error;
extern const struct mc_struct_desc mc_desc_pair_facts;
extern const struct mc_struct_desc mc_desc_vm_path;
extern const struct mc_struct_desc mc_desc_host_path;
extern const struct mc_struct_desc mc_desc_store;
extern const struct mc_struct_desc mc_desc_plan;
extern const struct mc_struct_desc mc_desc_predict_facts;

/* Free everything the struct at p holds (not p itself). */
void mc_struct_clear(const struct mc_struct_desc *d, void *p);
/* Deep copy of the struct at src into dst (dst is overwritten, not freed). */
void mc_struct_copy(const struct mc_struct_desc *d, void *dst, const void *src);
/* The JSON key of a field. */
const char *mc_field_json_name(const struct mc_field *f, char *buf, size_t len);

/* Generic XML walks (facts-xml.c), for other documents built from descriptors. */
typedef struct _xmlNode *mc_xml_node_ptr;
void mc_xml_write_struct(const struct mc_struct_desc *d, const void *p, mc_xml_node_ptr node);
int mc_xml_read_struct(const struct mc_struct_desc *d, mc_xml_node_ptr node, void *p,
                       const char *what, struct mc_error *reterr);
/*
 * Read a whole document whose root element is the descriptor's, with a version attribute
 * from 1 to max_version. kind names the document in messages ("snapshot").
 */
typedef struct _xmlDoc *mc_xml_doc_ptr;
int mc_xml_read_root(const struct mc_struct_desc *d, mc_xml_doc_ptr doc, const char *kind,
                     int64_t max_version, const char *what, void *p, int64_t *ret_version,
                     struct mc_error *reterr);
