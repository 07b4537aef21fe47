/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Facts as JSON (json-c), the same tree as the XML snapshot. */
#pragma once

#include <json-c/json.h>

#include "facts.h"

struct json_object *mc_facts_to_json(const struct mc_host_facts *h);
struct json_object *mc_vm_facts_to_json(const struct mc_vm_facts *vm);
/* A JSON string of a C string that may hold anything a remote host sent. */
struct json_object *mc_json_string(const char *s);
