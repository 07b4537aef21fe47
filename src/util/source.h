/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the raw text of a host comes from. The same gatherers and parsers
 * read files (/etc/os-release, /proc/self/mountinfo, /sys/class/fc_host/...)
 * and command outputs (dpkg-query, rpm) through this interface, whether the
 * host is this machine (mc_source_fs), a directory of recorded fixtures
 * (mc_source_fs with another root) or the output of the sh probe run on a
 * remote host over ssh (mc_source_dump).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum mc_dirent_type {
    MC_DT_UNKNOWN = 0,
    MC_DT_FILE,
    MC_DT_DIR,
    MC_DT_LINK,
    MC_DT_OTHER,
};

struct mc_dirent {
    char *name;
    enum mc_dirent_type type;
    int64_t size; /* regular files; -1 when unknown */
};

struct mc_source_ops;

struct mc_source {
    const struct mc_source_ops *ops;
    char *label; /* for messages: "kvm1", "fixture 'tests/data/rhel9'" */
    bool local;  /* the running machine: library calls (libnl, uname) may stand in */
    void *data;
};

struct mc_source_ops {
    /* Read a whole file; -ENOENT when absent, -EFBIG when larger than max. */
    int (*read)(struct mc_source *s, const char *path, size_t max, char **ret, size_t *ret_len);
    /* List a directory (without . and ..), sorted by name. */
    int (*list)(struct mc_source *s, const char *path, struct mc_dirent **ret, size_t *ret_n);
    int (*readlink)(struct mc_source *s, const char *path, char **ret);
    /*
     * The output of a command the host can run, by key. key names the command
     * in the probe ("dpkg-query", "rpm", "hostname-f", "sha256sum"); argv is what
     * a live source runs. -ENOENT when the command does not exist there;
     * -ENOTSUP when the source cannot run commands (a fixture without it).
     */
    int (*command)(struct mc_source *s, const char *key, const char *const *argv, char **ret,
                   size_t *ret_len, int *ret_exit);
    void (*free)(struct mc_source *s);
};

static inline int mc_source_read(struct mc_source *s, const char *path, size_t max, char **ret,
                                 size_t *ret_len)
{
    return s->ops->read(s, path, max, ret, ret_len);
}

static inline int mc_source_list(struct mc_source *s, const char *path, struct mc_dirent **ret,
                                 size_t *ret_n)
{
    return s->ops->list(s, path, ret, ret_n);
}

static inline int mc_source_readlink(struct mc_source *s, const char *path, char **ret)
{
    return s->ops->readlink(s, path, ret);
}

static inline int mc_source_command(struct mc_source *s, const char *key, const char *const *argv,
                                    char **ret, size_t *ret_len, int *ret_exit)
{
    return s->ops->command(s, key, argv, ret, ret_len, ret_exit);
}

/*
 * Probe specs. A gatherer that reads through a source also declares, as a
 * NULL-terminated array of lines, what the sh probe must collect on a remote
 * host for the same gatherer to work there over mc_source_dump():
 *
 *   "F <glob>"  read every regular file that matches     -> read()
 *   "T <glob>"  the same, for text files: read with the  -> read()
 *               others in one process (a NUL byte, or \001 at a file's end, may not come through)
 *   "L <glob>"  read every symlink that matches          -> readlink()
 *   "R <dir>"   list as S does, and read its symlinks    -> list(), readlink()
 *   "D <glob>"  list every directory that matches        -> list() (sizes -1)
 *   "S <glob>"  list with the sizes of regular files     -> list()
 *   "H <glob>"  sha256 of every matching file            -> command("sha256:<path>")
 *   "C <key>"   run one of the probe's fixed commands     -> command(key)
 *               (dpkg-query, rpm, hostname-f)
 *
 * Globs use sh syntax and must not contain spaces. A file read through a
 * dump source that the probe was never asked for fails with -ENODATA
 * (distinct from -ENOENT: absent on the host). tests/unit/test-probe checks
 * that facts gathered through the probe equal facts gathered directly.
 */
typedef const char *const mc_probe_spec[];

/* Read a one-line file and strip trailing whitespace. */
int mc_source_read_line(struct mc_source *s, const char *path, char **ret);
void mc_dirents_free(struct mc_dirent *d, size_t n);

/*
 * The local file system under root ("/" for this machine; a fixture directory
 * in tests). Commands run with argv when run_commands is set; otherwise
 * command() reads "<root>/.commands/<key>" (fixtures record outputs there,
 * with an optional "<key>.exit").
 */
struct mc_source *mc_source_fs(const char *root, bool run_commands);

/*
 * The output of the sh probe (see src/remote/probe.sh): a sequence of records
 * separated by "--<boundary> <kind> <path>" lines. Fails with -EBADMSG and a
 * message on malformed input.
 */
int mc_source_dump(const char *buf, size_t len, const char *boundary, const char *label,
                   struct mc_source **ret, struct mc_error *reterr);

void mc_source_free(struct mc_source *s);
static inline void mc_source_freep(struct mc_source **s)
{
    mc_source_free(*s);
}
