/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renderers: take the finished report and print it once, in the format asked
 * for. Checks never print. Text is for people (grouped by area, colour only
 * when asked), JSON is a documented, versioned schema (json-c), JUnit is for
 * CI (libxml2).
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

#define MC_REPORT_SCHEMA 1

struct mc_render_opts {
    bool color;     /* ANSI colour in the text output */
    bool quiet;     /* text: only problems (WARN, FAIL, UNKNOWN) and the verdict */
    int verbose;    /* text: also evidence of passing findings */
    size_t width;   /* text: wrap at this many columns (the terminal's); 0: 100 */
    bool no_header; /* text: no "Domain X: A -> B" line (the caller printed its own) */
};

/* Each returns 0, or -errno when writing failed. */
int mc_render_text(const struct mc_report *r, FILE *f, const struct mc_render_opts *o);
int mc_render_json(const struct mc_report *r, FILE *f, const struct mc_render_opts *o);
/* The JSON report as an object (caller puts it), for documents that embed it. */
struct json_object;
struct json_object *mc_report_to_json(const struct mc_report *r);
int mc_render_junit(const struct mc_report *r, FILE *f, const struct mc_render_opts *o);
