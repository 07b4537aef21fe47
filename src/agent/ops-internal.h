/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native agent's handlers, one per row of the operation table (ops.c). */
#pragma once

#include <stdbool.h>

#include "checker/facts.h"
#include "ops.h"

void mc_op_quit(const struct mc_agent_req *req);
void mc_op_facts(const struct mc_agent_req *req);
void mc_op_probe(const struct mc_agent_req *req);
void mc_op_stat(const struct mc_agent_req *req);
void mc_op_open(const struct mc_agent_req *req);
void mc_op_canary_write(const struct mc_agent_req *req);
void mc_op_canary_read(const struct mc_agent_req *req);
void mc_op_rm_canary(const struct mc_agent_req *req);
void mc_op_create_test(const struct mc_agent_req *req);
void mc_op_statvfs(const struct mc_agent_req *req);
void mc_op_resolve(const struct mc_agent_req *req);
void mc_op_connect(const struct mc_agent_req *req);
void mc_op_unix_connect(const struct mc_agent_req *req);
void mc_op_listen(const struct mc_agent_req *req);
void mc_op_nfs_stat(const struct mc_agent_req *req);
void mc_op_iscsi_lun(const struct mc_agent_req *req);
void mc_op_create_image(const struct mc_agent_req *req);
void mc_op_remove_image(const struct mc_agent_req *req);
void mc_op_mkdir(const struct mc_agent_req *req);
void mc_op_rmdir(const struct mc_agent_req *req);
void mc_op_conf_block_add(const struct mc_agent_req *req);
void mc_op_conf_block_remove(const struct mc_agent_req *req);
void mc_op_write_file(const struct mc_agent_req *req);
void mc_op_nfs_reload(const struct mc_agent_req *req);
void mc_op_tgt(const struct mc_agent_req *req);
void mc_op_copy_image(const struct mc_agent_req *req);
void mc_op_rebase_image(const struct mc_agent_req *req);
void mc_op_image_info(const struct mc_agent_req *req);
void mc_op_mem_sample(const struct mc_agent_req *req);
void mc_op_mem_rss(const struct mc_agent_req *req);
void mc_op_bw_sink(const struct mc_agent_req *req);
void mc_op_bw_send(const struct mc_agent_req *req);

/* Facts the agent adds to a --no-virt gathering (qemu.conf, read on this host). */
void mc_agent_gather_extra(struct mc_host_facts *h);

/* Set by quit: the loop ends after answering. */
extern bool mc_agent_quit_requested;
/* Read one line of stdin (the spec lines of facts/probe), never past its newline. */
int mc_agent_read_line(char **ret);
