/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The journal on disk: always a whole, valid document (write, fsync, rename, fsync dir). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/xalloc.h"

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mc_xstrdup(".");
    if (slash == path)
        return mc_xstrdup("/");
    return mc_xstrndup(path, (size_t)(slash - path));
}

int mc_journal_write(const char *path, const struct mc_plan *p, struct mc_error *reterr)
{
    _cleanup_free_ char *xml = NULL;
    size_t len = 0;
    if (mc_plan_to_xml(p, &xml, &len) < 0)
        return mc_error_set(reterr, -ENOMEM, "cannot serialise the journal");
    _cleanup_free_ char *tmp = mc_xasprintf("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return mc_error_set(reterr, -errno, "cannot write the journal '%s': %s", tmp,
                            strerror(errno));
    int r = mc_write_all(fd, xml, len);
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0) {
        (void)unlink(tmp);
        return mc_error_set(reterr, r, "cannot write the journal '%s': %s", path, strerror(-r));
    }
    _cleanup_free_ char *dir = dir_of(path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        r = fsync(dfd) < 0 ? -errno : 0;
        close(dfd);
        if (r < 0)
            return mc_error_set(reterr, r, "cannot flush the journal's directory '%s': %s", dir,
                                strerror(-r));
    }
    return 0;
}

char *mc_journal_path(const char *dir, const struct mc_plan *p)
{
    /* The domain name is the operator's: keep only safe characters in the file name. */
    char name[64];
    size_t n = 0;
    for (const char *s = p->domain ? p->domain : "domain"; *s && n + 1 < sizeof(name); s++)
        name[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                            (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'
                        ? *s
                        : '_';
    name[n] = '\0';
    return mc_xasprintf("%s/migcheck-%s-%s-%s.xml", dir, p->verb ? p->verb : "plan", name,
                        p->run_id ? p->run_id : "run");
}

char *mc_journal_default_dir(void)
{
    if (geteuid() == 0)
        return mc_xstrdup("/var/lib/migcheck");
    const char *x = getenv("XDG_STATE_HOME");
    if (x && *x == '/')
        return mc_xasprintf("%s/migcheck", x);
    const char *home = getenv("HOME");
    return mc_xasprintf("%s/.local/state/migcheck", home && *home ? home : "/tmp");
}

int mc_journal_dir_create(const char *dir, struct mc_error *reterr)
{
    _cleanup_free_ char *p = mc_xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST)
            return mc_error_set(reterr, -errno, "cannot create the journal directory '%s': %s", p,
                                strerror(errno));
        *s = '/';
    }
    if (mkdir(p, 0700) < 0 && errno != EEXIST)
        return mc_error_set(reterr, -errno, "cannot create the journal directory '%s': %s", p,
                            strerror(errno));
    return 0;
}
