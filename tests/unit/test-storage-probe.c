/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The iSCSI probe against a private tgtd (needs root): the test moves itself
 * into new network and mount namespaces (a loopback of its own, a tmpfs on
 * /run for tgtd's control socket), starts tgtd on 127.0.0.1:3260 with one
 * file-backed LUN admitted to one initiator name, and checks the probe
 * against the file's size and what tgtadm says of the LUN (serial, SCSI ID in
 * the WWN); a login refused for another initiator; a LUN that does
 * not exist; a portal where nothing listens. tgtd is stopped by its pid and
 * everything else vanishes with the namespaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sn-test-util.h"
#include "storage/probe.h"
#include "util/cleanup.h"
#include "util/strv.h"

#define TARGET  "iqn.2026-11.test.migcheck:probe"
#define ALLOWED "iqn.2026-11.test.migcheck:allowed"
#define OTHER   "iqn.2026-11.test.migcheck:other"
#define LUN_MIB 64

static pid_t tgtd = -1;
static char tmpdir[] = "/tmp/mc-iscsi-XXXXXX";
static char lunfile[64];

static int run(const char *const *argv)
{
    char *out = sn_run(argv);
    if (!out)
        return -1;
    free(out);
    return 0;
}

static int do_setup(void)
{
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0) {
        fprintf(stderr, "cannot make private namespaces: %m\n");
        return -1;
    }
    const char *lo[] = { "ip", "link", "set", "lo", "up", NULL };
    if (run(lo) < 0 || !mkdtemp(tmpdir))
        return -1;
    snprintf(lunfile, sizeof(lunfile), "%s/lun1.img", tmpdir);
    int fd = open(lunfile, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)LUN_MIB << 20) < 0)
        return -1;
    close(fd);
    tgtd = fork();
    if (tgtd < 0)
        return -1;
    if (tgtd == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 1);
        dup2(nul, 2);
        execlp("tgtd", "tgtd", "-f", "--iscsi", "portal=127.0.0.1:3260", (char *)NULL);
        _exit(127);
    }
    const char *show[] = { "tgtadm", "--lld", "iscsi", "--op", "show", "--mode", "target", NULL };
    bool up = false;
    for (int i = 0; i < 50 && !up; i++) {
        char *out = NULL;
        struct mc_spawn_opts o = { .argv = show, .timeout_ms = 5000 };
        struct mc_spawn_result res = { 0 };
        struct mc_error err = { 0 };
        if (mc_spawn_run(&o, &res, &err) == 0 && res.exit_code == 0)
            up = true;
        mc_spawn_result_clear(&res);
        mc_error_clear(&err);
        free(out);
        if (!up)
            usleep(100 * 1000);
    }
    if (!up) {
        fprintf(stderr, "tgtd did not come up\n");
        return -1;
    }
    const char *t[] = { "tgtadm", "--lld", "iscsi", "--op", "new",  "--mode",
                        "target", "--tid", "1",     "-T",   TARGET, NULL };
    const char *l[] = { "tgtadm", "--lld", "iscsi", "--op", "new", "--mode", "logicalunit",
                        "--tid",  "1",     "--lun", "1",    "-b",  lunfile,  NULL };
    const char *b[] = { "tgtadm", "--lld",  "iscsi", "--op", "bind",
                        "--mode", "target", "--tid", "1",    "--initiator-name",
                        ALLOWED,  NULL };
    return run(t) < 0 || run(l) < 0 || run(b) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tgtd > 0) {
        kill(tgtd, SIGTERM);
        for (int i = 0; i < 5; i++) {
            if (waitpid(tgtd, NULL, WNOHANG) == tgtd) {
                tgtd = -1;
                break;
            }
            usleep(100 * 1000);
        }
        if (tgtd > 0) {
            kill(tgtd, SIGKILL);
            waitpid(tgtd, NULL, 0);
        }
    }
    unlink(lunfile);
    rmdir(tmpdir);
    return 0;
}

/* A field of LUN 1 in tgtadm's show ("SCSI SN: beaf11", "SCSI ID: IET     00010001") */
static char *tgtadm_field(const char *field)
{
    const char *show[] = { "tgtadm", "--lld", "iscsi", "--op", "show", "--mode", "target", NULL };
    _cleanup_free_ char *out = sn_run(show);
    assert_non_null(out);
    const char *lun1 = strstr(out, "LUN: 1");
    assert_non_null(lun1);
    const char *sn = strstr(lun1, field);
    assert_non_null(sn);
    sn += strlen(field);
    return mc_xstrndup(sn, strcspn(sn, "\n"));
}

static void test_ok(void **state)
{
    (void)state;
    struct mc_iscsi_probe_result r;
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_iscsi_probe("127.0.0.1", TARGET, 1, ALLOWED, 5000, &r, &err), 0);
    if (r.result != MC_ISCSI_OK)
        fail_msg("probe: %s: %s", mc_iscsi_result_name(r.result), r.message);
    assert_int_equal(r.size_bytes, (int64_t)LUN_MIB << 20);
    assert_int_equal(r.block_size, 512);
    _cleanup_free_ char *sn = tgtadm_field("SCSI SN: ");
    assert_string_equal(r.serial, sn);
    assert_non_null(r.wwn);
    assert_true(strncmp(r.wwn, "naa.", 4) == 0);

    /* tgt builds the NAA designator from the LUN's SCSI ID ("IET     00010001"): the
     * designator the probe decoded ends with it (iscsi-inq prints binary designators raw,
     * so it cannot serve as the cross-check here) */
    _cleanup_free_ char *id = tgtadm_field("SCSI ID: ");
    const char *num = strrchr(id, ' ');
    num = num ? num + 1 : id;
    assert_true(strlen(num) == 8);
    assert_true(strlen(r.wwn) > 8);
    assert_string_equal(r.wwn + strlen(r.wwn) - 8, num);
    assert_string_equal(r.vendor, "IET");
    mc_iscsi_probe_result_clear(&r);
}

static void test_login_refused(void **state)
{
    (void)state;
    struct mc_iscsi_probe_result r;
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_iscsi_probe("127.0.0.1:3260", TARGET, 1, OTHER, 5000, &r, &err), 0);
    assert_int_equal(r.result, MC_ISCSI_LOGIN_REFUSED);
    assert_string_equal(mc_iscsi_result_name(r.result), "login-refused");
    assert_non_null(r.message);
    assert_int_equal(r.size_bytes, 0);
    mc_iscsi_probe_result_clear(&r);
}

static void test_no_lun(void **state)
{
    (void)state;
    struct mc_iscsi_probe_result r;
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_iscsi_probe("127.0.0.1", TARGET, 7, ALLOWED, 5000, &r, &err), 0);
    assert_int_equal(r.result, MC_ISCSI_NO_LUN);
    mc_iscsi_probe_result_clear(&r);
}

static void test_unreachable_and_bad_args(void **state)
{
    (void)state;
    struct mc_iscsi_probe_result r;
    _cleanup_error_ struct mc_error err = { 0 };
    assert_int_equal(mc_iscsi_probe("127.0.0.1:3261", TARGET, 1, ALLOWED, 2000, &r, &err), 0);
    assert_int_equal(r.result, MC_ISCSI_UNREACHABLE);
    assert_int_equal(r.err, ECONNREFUSED);
    mc_iscsi_probe_result_clear(&r);
    /* no route at all in this namespace: nothing is sent anywhere */
    assert_int_equal(mc_iscsi_probe("169.254.254.254", TARGET, 1, ALLOWED, 2000, &r, &err), 0);
    assert_int_equal(r.result, MC_ISCSI_UNREACHABLE);
    mc_iscsi_probe_result_clear(&r);
    assert_int_equal(mc_iscsi_probe("::1", TARGET, 1, ALLOWED, 1000, &r, &err), -EINVAL);
    assert_int_equal(mc_iscsi_probe("127.0.0.1:0", TARGET, 1, ALLOWED, 1000, &r, &err), -EINVAL);
    assert_int_equal(mc_iscsi_probe("127.0.0.1", "", 1, ALLOWED, 1000, &r, &err), -EINVAL);
}

static int setup(void **state)
{
    int r = do_setup();
    if (r < 0) /* cmocka runs no teardown after a failed group setup */
        teardown(state);
    return r;
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "needs root (namespaces, tgtd): skipped\n");
        return 77;
    }
    if (access("/usr/sbin/tgtd", X_OK) != 0) {
        fprintf(stderr, "tgtd (package tgt) is not installed: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),
        cmocka_unit_test(test_login_refused),
        cmocka_unit_test(test_no_lun),
        cmocka_unit_test(test_unreachable_and_bad_args),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
