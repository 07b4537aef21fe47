/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agent's operations: ONE table (ops.c) that both agents and the client
 * use. A row names the operation on the wire, its arguments, whether it makes
 * a lasting change to the host, and its two handlers: a C function for the
 * native agent (`migcheck __agent`) and a sh function of src/agent/agent.sh
 * for hosts without migcheck. The native agent dispatches through the table;
 * the sh agent's dispatch (`mcagent_dispatch`) is generated from it when the
 * script is sent (mc_agent_sh_dispatch); the client names operations by enum.
 *
 * Adding an operation:
 *   1. a value in enum mc_op (before _MC_OP_MAX);
 *   2. a row in ops.c: { .name, .args, .min_args, .mutates, .c, .sh };
 *   3. the C handler (void fn(struct mc_agent_req *)), answering with
 *      mc_agent_reply*(); and/or the sh function in agent.sh, called with the
 *      request's words still encoded (decode with mcagent_dec) and answering
 *      with printf '%s ok ...\n' "$mcagent_id". A handler that is NULL makes
 *      that agent answer "unsupported", which the client turns into UNKNOWN.
 *   unit.hosts checks that every sh handler exists in agent.sh, and that both
 *   agents give the same answers for the operations both implement.
 *
 * A mutating operation (.mutates) is a change migcheck must be able to undo:
 * only plan steps call one, through a host set opened to act (hostset.h
 * refuses otherwise), and each has an inverse operation in the table.
 *
 * Protocol (version 1), one line per request and per answer:
 *   -> <id> <op> <arg>...                 args encoded (proto.h)
 *   <- <id> <status> <field>...           status: enum mc_reply
 * except `facts` and `probe`, whose answers are framed bodies (session.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "checker/names.h"

enum mc_op {
    MC_OP_QUIT,
    MC_OP_FACTS,             /* BOUNDARY, then spec lines and END: the host's facts (framed) */
    MC_OP_PROBE,             /* BOUNDARY, then spec lines and END: the sh probe's dump (framed) */
    MC_OP_STAT,              /* PATH -> ok TYPE SIZE UID GID MODE CTIME INODE */
    MC_OP_OPEN,              /* PATH UID GID r|rw: can that user open it */
    MC_OP_CANARY_WRITE,      /* DIR TOKEN: write DIR/.migcheck-canary-TOKEN */
    MC_OP_CANARY_READ,       /* PATH TOKEN -> ok match|mismatch */
    MC_OP_RM_CANARY,         /* PATH (a canary only) */
    MC_OP_CREATE_TEST,       /* DIR TOKEN UID GID: can that user create a file in DIR (removed) */
    MC_OP_STATVFS,           /* DIR -> ok TOTAL_KIB AVAIL_KIB: the space of DIR's file system */
    MC_OP_RESOLVE,           /* NAME -> ok ADDRESS... */
    MC_OP_CONNECT,           /* HOST PORT TIMEOUT_MS -> ok RESULT ADDRESS */
    MC_OP_UNIX_CONNECT,      /* PATH TIMEOUT_MS [EMULATOR] -> ok connected TOOL | fail ERRNO TOOL:
                                a client connection to a UNIX socket, closed at once */
    MC_OP_LISTEN,            /* ADDR PMIN PMAX TIMEOUT_MS [EMULATOR] -> listening PORT, then
                                accepted|timeout (the sh agent listens with QEMU -incoming) */
    MC_OP_NFS_STAT,          /* SERVER NAME UID GID MODE: the image as QEMU's nfs driver opens it */
    MC_OP_ISCSI_LUN,         /* HOST PORT IQN/LUN INITIATOR [VM]: log in as QEMU would */
    MC_OP_CREATE_IMAGE,      /* PATH FORMAT BYTES [UID GID MODE [BACKING BFMT]] -> ok INODE: a new
                                empty image, never over a file */
    MC_OP_REMOVE_IMAGE,      /* PATH INODE: undo of create-image (only that very file) */
    MC_OP_MKDIR,             /* PATH MODE UID GID -> ok INODE: a new directory */
    MC_OP_RMDIR,             /* PATH INODE: undo of mkdir (only that directory, only when empty) */
    MC_OP_CONF_BLOCK_ADD,    /* PATH MARKER TEXT: append a marked block to a config file */
    MC_OP_CONF_BLOCK_REMOVE, /* PATH MARKER: undo of conf-block-add */
    MC_OP_WRITE_FILE,        /* PATH MODE TEXT -> ok INODE: a new file (undo: remove-image) */
    MC_OP_NFS_RELOAD,        /* ganesha PID | kernel: make the NFS server read its exports */
    MC_OP_TGT,               /* ACTION TID ARG...: tgtd targets, LUNs and ACLs (tgtadm) */
    MC_OP_COPY_IMAGE,        /* FROM FMT TO FMT -> ok SECONDS: qemu-img convert into a target */
    MC_OP_REBASE_IMAGE,      /* IMAGE FMT BACKING BFMT: qemu-img rebase -u */
    MC_OP_IMAGE_INFO,        /* PATH|URL -> ok JSON: qemu-img info --backing-chain */
    MC_OP_QEMU_OPEN,         /* JSON r|rw EMULATOR UID GID: QEMU's block layer opens the image
                                options JSON as uid:gid -> ok TOOL | fail TOOL EXIT TEXT */
    MC_OP_MEM_SAMPLE, /* UUID RAM DURATION_MS INTERVAL_MS SAMPLES: the guest's pages, watched */
    MC_OP_MEM_RSS,    /* UUID RAM -> ok RSS PID: the resident part of the guest's RAM */
    MC_OP_BW_SINK,    /* BIND PMIN PMAX ACCEPT_MS MAX_MS -> listening PORT, then ok BYTES ... */
    MC_OP_BW_SEND,    /* HOST PORT DURATION_MS -> ok BYTES SECONDS ADDRESS */
    _MC_OP_MAX,
};

/* Status words of an answer. */
enum mc_reply {
    MC_REPLY_OK,          /* "ok": done; the fields are the answer */
    MC_REPLY_FAIL,        /* "fail": ran; the tested thing does not hold (fields: ERRNO, text) */
    MC_REPLY_UNSUPPORTED, /* "unsupported": this agent cannot (needs migcheck there) */
    MC_REPLY_ERROR,       /* "error": could not run (bad arguments, I/O) */
    MC_REPLY_LISTENING,   /* "listening": listen's first answer */
    MC_REPLY_ACCEPTED,    /* "accepted": listen's second answer */
    MC_REPLY_TIMEOUT,     /* "timeout": listen's second answer */
    _MC_REPLY_MAX,
};
extern const struct mc_enum_names mc_reply_names;

/* A request as the agent sees it. */
struct mc_agent_req {
    const char *id;
    char **args; /* decoded, NULL-terminated */
    size_t n_args;
};
typedef void (*mc_agent_fn)(const struct mc_agent_req *req);

struct mc_agent_op {
    const char *name;  /* on the wire */
    const char *args;  /* argument synopsis, for messages and docs */
    unsigned min_args; /* fewer: the agent answers "error EINVAL" without calling a handler */
    bool mutates;      /* a lasting change to the host: plan steps only, with an undo */
    mc_agent_fn c;     /* the native agent's handler; NULL: unsupported there */
    const char *sh;    /* the sh agent's function (agent.sh); NULL: unsupported there */
};

/* The row of op (never NULL for a valid enum). */
const struct mc_agent_op *mc_agent_op(enum mc_op op);
/* The op named name, or -1. */
int mc_agent_op_find(const char *name);
/* The sh agent's dispatch function, generated from the table (caller frees). */
char *mc_agent_sh_dispatch(void);

/* Answering (the native agent; stdout). Fields are encoded here. */
void mc_agent_reply(const char *id, const char *status, const char *const *fields);
void mc_agent_reply_words(const char *id, const char *status, ...) __attribute__((sentinel));
void mc_agent_reply_errno(const char *id, const char *status, int err);

/* The native agent's loop on stdin/stdout (`migcheck __agent`). */
int mc_agent_serve(void);
