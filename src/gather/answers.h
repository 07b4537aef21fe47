/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the hosts' answers to the live probes mean for the pair facts: pure functions of the
 * answer's words (status word first, as mc_agent_split gives them; a host sends whatever it
 * likes, so any number of words) and of the names of the hosts, used by pair.c and by the
 * probe-answers fuzz target. No I/O; every text a host sent is stored as it came (the renderers
 * and snapshots escape and clean it).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "checker/pair.h"

/* Who answered: names for messages and which path a probe took. */
struct mc_answer_hosts {
    const char *src, *dst;           /* the hosts' labels */
    const char *src_kind, *dst_kind; /* their agents: "migcheck", "sh" */
};

/* A stat of the disk's path on SRC: its size. */
void mc_answer_src_stat(struct mc_vm_path *vp, char *const *w);
/*
 * A stat on DST of the candidate asked (chosen: the path relate picked, or the same path).
 * Returns whether the candidate exists.
 */
bool mc_answer_dst_stat(struct mc_vm_path *vp, const char *asked, char *const *w,
                        const struct mc_answer_hosts *h);
/* canary-write on SRC: written? (else why in *ret_why, not owned: points into w) */
bool mc_answer_canary_written(char *const *w, const char **ret_why);
/* canary-read on DST: the canary is there with its token. */
bool mc_answer_canary_match(char *const *w);
/* open on DST as the QEMU user. */
void mc_answer_open(struct mc_vm_path *vp, char *const *w, int64_t uid, int64_t gid,
                    const struct mc_answer_hosts *h);
/*
 * nfs-stat, iscsi-lun or connect on DST for a network disk (the native agent's libnfs,
 * libiscsi or a TCP connection). as_qemu: the probe presented QEMU's ids (NFS). Returns false
 * when the agent cannot (unsupported: another path may be tried), having changed nothing.
 */
bool mc_answer_network(struct mc_vm_path *vp, const char *protocol, bool as_qemu, char *const *w,
                       const struct mc_answer_hosts *h);
/*
 * qemu-open on DST: QEMU's own block layer opened the disk's -blockdev options (json) as
 * uid:gid. The failure text is QEMU's (from libnfs, libiscsi, its module loader): read as
 * refused (the server refuses this host), absent, denied, unreachable, or no driver (QEMU on
 * DST cannot open such a disk at all). Returns false when the agent cannot (unsupported).
 */
bool mc_answer_qemu_open(struct mc_vm_path *vp, const char *json, bool readonly, int64_t uid,
                         int64_t gid, char *const *w, const struct mc_answer_hosts *h);
/* How QEMU's failure text reads (refused, ENOENT, EACCES, unreachable, nodriver, EIO). */
const char *mc_answer_qemu_failure(const char *text);

/* A stat on DST of a host path (or its directory). */
void mc_answer_host_path_stat(struct mc_host_path *hp, const char *asked, char *const *w,
                              const struct mc_answer_hosts *h);
/* unix-connect on DST to a vhost-user backend's socket: connected, refused (and why), or not
 * tried. */
void mc_answer_unix_connect(struct mc_host_path *hp, char *const *w,
                            const struct mc_answer_hosts *h);
/* A stat on DST of the created file itself (it may already exist): its type and size. */
void mc_answer_host_file_stat(struct mc_host_path *hp, char *const *w);
/* create-test on DST as the creator. */
void mc_answer_create_test(struct mc_host_path *hp, char *const *w,
                           const struct mc_answer_hosts *h);
/* create-test on DST as the creator in another directory than hp->dir (a shmem path that is a
 * directory: QEMU makes its file there). */
void mc_answer_create_test_in(struct mc_host_path *hp, const char *dir, char *const *w,
                              const struct mc_answer_hosts *h);
/* open for writing, as the creator, of a created file that already exists on DST (a log). */
void mc_answer_open_existing(struct mc_host_path *hp, char *const *w,
                             const struct mc_answer_hosts *h);

/* statvfs on DST of a directory's file system (memory_backing_dir). */
void mc_answer_statvfs(struct mc_host_path *hp, char *const *w, const struct mc_answer_hosts *h);

/* resolve on SRC of DST's name. */
void mc_answer_resolve(struct mc_name_probe *np, char *const *w, const struct mc_answer_hosts *h);

/* listen on DST, first answer: 1 listening (pp->port set), 0 the probe ends here (pp says why). */
int mc_answer_listen(struct mc_port_probe *pp, char *const *w, const char *range,
                     const struct mc_answer_hosts *h);
/*
 * A connection from SRC (the agent's connect, or a direct-tcpip channel: via names it). For a
 * port probe with a listener, mc_answer_listen_end then says whether the listener saw it.
 */
void mc_answer_connect(struct mc_port_probe *pp, char *const *w, const char *via,
                       const struct mc_answer_hosts *h);
/* listen's second answer (accepted, timeout); listener names what listened. */
void mc_answer_listen_end(struct mc_port_probe *pp, char *const *w, const char *listener,
                          const struct mc_answer_hosts *h);
