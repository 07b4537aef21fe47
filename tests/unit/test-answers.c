/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the live probes' answers mean (gather/answers.h): short and odd answers are read
 * without going past their words (a `stat` answer of one word used to be read at w[2]), QEMU's
 * words for a failed open are read as the cause libvirt will meet, and a connection and its
 * listener are judged together. Words as mc_agent_split gives them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/proto.h"
#include "gather/answers.h"
#include "gather/predict.h"
#include "checker/predict.h"
#include "hosts/session.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct mc_answer_hosts H = {
    .src = "kvm1", .dst = "kvm2", .src_kind = "sh", .dst_kind = "sh"
};

static char **words(const char *line)
{
    char **w = NULL;
    assert_int_equal(mc_agent_split(line, &w), 0);
    return w;
}

static void test_short_stat(void **state)
{
    (void)state;
    static const char *const answers[] = { "ok",   "ok file", "ok file 12", "ok file x 0 0 644",
                                           "fail", NULL };
    for (const char *const *a = answers; *a; a++) {
        struct mc_vm_path vp = { .src_path = (char *)"/d/a.img" };
        char **w = words(*a);
        mc_answer_src_stat(&vp, w);
        bool exists = mc_answer_dst_stat(&vp, "/d/a.img", w, &H);
        assert_int_equal(exists, strncmp(*a, "ok", 2) == 0);
        assert_non_null(vp.exists_detail);
        if (strcmp(*a, "ok file 12") == 0) {
            assert_int_equal(vp.dst_size, 12);
            assert_int_equal(vp.src_size, 12);
        } else {
            assert_int_equal(vp.dst_size, 0);
        }
        if (strcmp(*a, "ok") == 0)
            assert_string_equal(vp.exists_detail, "'/d/a.img' exists on kvm2 (?, ? bytes)");
        free(vp.exists_detail);
        mc_strv_free(w);
    }
}

static void test_qemu_failures(void **state)
{
    (void)state;
    static const struct {
        const char *text, *what;
    } cases[] = {
        { "Failed to mount nfs share: mount_cb: RPC error: Mount failed with error "
          "MNT3ERR_ACCES(13) Permission denied(13)",
          "refused" },
        { "iSCSI: Failed to connect to LUN : Failed to log in to target. Status: Target not "
          "found(515)",
          "refused" },
        { "Failed to open file : open call failed with \"NFS: Lookup of /x failed with "
          "NFS3ERR_NOENT(-2)\"",
          "ENOENT" },
        { "iSCSI: Failed to connect to LUN : SENSE KEY:ILLEGAL_REQUEST(5) "
          "ASCQ:LOGICAL_UNIT_NOT_SUPPORTED(0x2500)",
          "ENOENT" },
        { "Unknown driver 'nfs'", "nodriver" },
        { "Could not open 'x': Permission denied", "EACCES" },
        { "iSCSI: Failed to connect to LUN : iscsi_service failed with : Connection refused",
          "unreachable" },
        /* iSCSI wraps every failure in the same words: only a known cause is lasting. */
        { "iSCSI: Failed to connect to LUN : SENSE KEY:NOT_READY(2) ASCQ:CAUSE_NOT_REPORTABLE",
          "EIO" },
        { "Failed to mount nfs share: Failed to start async connect: Connection refused",
          "unreachable" },
        { "something new", "EIO" },
        { "", "EIO" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(mc_answer_qemu_failure(cases[i].text), cases[i].what);

    /* The repeated image options are left out of the evidence; the cause decides the facts. */
    const char *json = "{\"driver\":\"nfs\"}";
    struct mc_vm_path vp = { .src_path = (char *)"nfs://s/srv/nfs/a.qcow2" };
    char *enc = mc_agent_encode("qemu-io: can't open device json:{\"driver\":\"nfs\"}: Failed "
                                "to mount nfs share: MNT3ERR_ACCES(13)");
    char *line = mc_xasprintf("fail qemu-io 107 1 %s", enc);
    char **w = words(line);
    assert_true(mc_answer_qemu_open(&vp, json, false, 107, 108, w, &H));
    assert_int_equal(vp.evidence, MC_EVIDENCE_REFUSED);
    assert_int_equal(vp.exists_probe, MC_PROBE_FAILED);
    assert_null(strstr(vp.evidence_detail, "json:"));
    assert_non_null(strstr(vp.evidence_detail, "as uid 107"));
    mc_strv_free(w);
    free(line);
    free(enc);
    free(vp.evidence_detail);

    struct mc_vm_path ok = { .src_path = (char *)"nfs://s/srv/nfs/a.qcow2" };
    w = words("ok qemu-io 0");
    assert_true(mc_answer_qemu_open(&ok, json, true, 0, 0, w, &H));
    assert_int_equal(ok.evidence, MC_EVIDENCE_NETWORK);
    assert_int_equal(ok.open_probe, MC_PROBE_OK);
    assert_non_null(strstr(ok.evidence_detail, "read-only"));
    mc_strv_free(w);
    free(ok.evidence_detail);

    struct mc_vm_path un = { 0 };
    w = words("unsupported");
    assert_false(mc_answer_qemu_open(&un, json, true, 0, 0, w, &H));
    assert_int_equal(un.exists_probe, MC_PROBE_NOT_RUN);
    mc_strv_free(w);
}

static void test_port(void **state)
{
    (void)state;
    /* A channel that ran out of time while the listener saw the connection: open. */
    struct mc_port_probe pp = { 0 };
    char **w = words("listening 49153 ::");
    assert_int_equal(mc_answer_listen(&pp, w, "49152-49215", &H), 1);
    assert_int_equal(pp.port, 49153);
    mc_strv_free(w);
    w = words("ok timeout -");
    mc_answer_connect(&pp, w, "a channel", &H);
    assert_int_equal(pp.result, MC_PORT_TIMEOUT);
    mc_strv_free(w);
    w = words("accepted -");
    mc_answer_listen_end(&pp, w, "QEMU", &H);
    assert_int_equal(pp.result, MC_PORT_OPEN);
    mc_strv_free(w);
    free(pp.detail);
    free(pp.address);

    /* Refused stays refused; a listen answer without a port is no listener. */
    struct mc_port_probe rp = { 0 };
    w = words("ok refused - open\\0040failed");
    mc_answer_connect(&rp, w, "a channel", &H);
    assert_int_equal(rp.probe, MC_PROBE_OK);
    assert_int_equal(rp.result, MC_PORT_REFUSED);
    mc_strv_free(w);
    free(rp.detail);
    struct mc_port_probe np = { 0 };
    w = words("listening");
    assert_int_equal(mc_answer_listen(&np, w, "1-2", &H), 0);
    assert_int_equal(np.probe, MC_PROBE_ERROR);
    mc_strv_free(w);
    w = words("listening 70000");
    assert_int_equal(mc_answer_listen(&np, w, "1-2", &H), 0);
    mc_strv_free(w);
    free(np.detail);

    /* A network disk's port answered by connect: refused is no evidence of reaching it. */
    struct mc_vm_path vp = { .src_path = (char *)"nbd://s:10809/e" };
    w = words("ok refused 1.2.3.4");
    assert_true(mc_answer_network(&vp, "nbd", true, w, &H));
    assert_int_equal(vp.exists_probe, MC_PROBE_FAILED);
    assert_int_not_equal(vp.evidence, MC_EVIDENCE_NETWORK);
    mc_strv_free(w);
    free(vp.exists_detail);
}

/*
 * Paths the domain needs on DST: a failed stat keeps its errno name (a path through a file,
 * ENOTDIR, is not a directory libvirt would make); the created file's own stat and the open of
 * an existing file for writing read any answer.
 */
/* statvfs of memory_backing_dir's file system: two sizes in KiB, strictly, or no sizes at all. */
static void test_statvfs(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        enum mc_probe probe;
        long long total, avail;
    } cases[] = {
        { "ok 1048576 524288", MC_PROBE_OK, 1048576, 524288 },
        { "ok 0 0", MC_PROBE_OK, 0, 0 },
        { "ok 9223372036854775807 1", MC_PROBE_OK, 9223372036854775807LL, 1 },
        { "ok 9999999999999999999 1", MC_PROBE_ERROR, 0, 0 }, /* past int64_t */
        { "ok 100 200", MC_PROBE_ERROR, 0, 0 },               /* more available than there is */
        { "ok -1 0", MC_PROBE_ERROR, 0, 0 },
        { "ok 100 50 extra", MC_PROBE_ERROR, 0, 0 },
        { "ok 100", MC_PROBE_ERROR, 0, 0 },
        { "ok 1e3 5", MC_PROBE_ERROR, 0, 0 },
        { "fail ENOENT", MC_PROBE_FAILED, 0, 0 },
        { "unsupported", MC_PROBE_UNSUPPORTED, 0, 0 },
        { "error EIO", MC_PROBE_ERROR, 0, 0 },
        { "", MC_PROBE_ERROR, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mc_host_path hp = { .dir = (char *)"/var/lib/libvirt/qemu/ram" };
        char **w = words(cases[i].answer);
        mc_answer_statvfs(&hp, w, &H);
        assert_int_equal(hp.space_probe, cases[i].probe);
        assert_int_equal(hp.space_total_kib, cases[i].total);
        assert_int_equal(hp.space_avail_kib, cases[i].avail);
        assert_non_null(hp.space_detail);
        if (cases[i].probe == MC_PROBE_FAILED)
            assert_non_null(strstr(hp.space_detail, "ENOENT"));
        free(hp.space_detail);
        mc_strv_free(w);
    }
}

static void test_host_paths(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        enum mc_probe probe;
        const char *error;
    } stats[] = {
        { "ok dir 4096 0 0 755 1 2", MC_PROBE_OK, NULL },
        { "fail ENOTDIR", MC_PROBE_FAILED, "ENOTDIR" },
        { "fail ENOENT", MC_PROBE_FAILED, "ENOENT" },
        { "fail", MC_PROBE_FAILED, NULL },
        { "error EIO", MC_PROBE_ERROR, NULL },
        { "garbage", MC_PROBE_ERROR, NULL },
    };
    for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
        struct mc_host_path hp = { .dir = (char *)"/var/lib/libvirt/qemu/ram" };
        char **w = words(stats[i].answer);
        mc_answer_host_path_stat(&hp, hp.dir, w, &H);
        assert_int_equal(hp.probe, stats[i].probe);
        assert_non_null(hp.detail);
        if (stats[i].error)
            assert_string_equal(hp.probe_error, stats[i].error);
        else
            assert_null(hp.probe_error);
        free(hp.detail);
        free(hp.type);
        free(hp.probe_error);
        mc_strv_free(w);
    }
    static const struct {
        const char *answer;
        enum mc_probe probe;
        const char *type;
        bool size_known; /* the size, where the answer gives one */
        int64_t size;
    } files[] = {
        { "ok file 0 0 0 644 1 2", MC_PROBE_OK, "file", true, 0 },
        { "ok file 4194304 0 0 644 1 2", MC_PROBE_OK, "file", true, 4194304 },
        { "ok file 9223372036854775807", MC_PROBE_OK, "file", true, INT64_MAX },
        /* the type alone (the sh agent without a working stat(1), an older agent): the size
         * is not known, not 0 */
        { "ok file", MC_PROBE_OK, "file", false, 0 },
        { "ok file -1 0 0 644 1 2", MC_PROBE_OK, "file", false, 0 },
        { "ok file 0x400000", MC_PROBE_OK, "file", false, 0 },
        { "ok file 99999999999999999999", MC_PROBE_OK, "file", false, 0 },
        { "ok dir", MC_PROBE_OK, "dir", false, 0 },
        { "ok", MC_PROBE_OK, "other", false, 0 },
        { "fail ENOENT 5", MC_PROBE_FAILED, NULL, false, 0 },
        { "unsupported", MC_PROBE_ERROR, NULL, false, 0 },
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct mc_host_path hp = { 0 };
        char **w = words(files[i].answer);
        hp.file_size_known = true; /* an earlier answer's: this one replaces it */
        hp.file_size = 7;
        mc_answer_host_file_stat(&hp, w);
        assert_int_equal(hp.file_probe, files[i].probe);
        assert_int_equal(hp.file_size_known, files[i].size_known);
        assert_int_equal(hp.file_size, files[i].size);
        if (files[i].type)
            assert_string_equal(hp.file_type, files[i].type);
        else
            assert_null(hp.file_type);
        free(hp.file_type);
        mc_strv_free(w);
    }
    static const struct {
        const char *answer;
        enum mc_probe probe;
        const char *detail;
    } opens[] = {
        { "ok", MC_PROBE_OK, "'/l/s.log' exists on kvm2 and opens for writing as uid 0 gid 0" },
        { "fail EACCES", MC_PROBE_FAILED,
          "EACCES opening the existing file for writing as uid 0 gid 0" },
        { "unsupported", MC_PROBE_UNSUPPORTED, "the sh agent on kvm2 cannot open a file as root" },
        { "", MC_PROBE_ERROR, "the sh agent on kvm2 could not act as root (uid 0): no answer" },
    };
    for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
        struct mc_host_path hp = { .path = (char *)"/l/s.log",
                                   .dir = (char *)"/l",
                                   .creator = (char *)"root" };
        char **w = words(opens[i].answer);
        mc_answer_open_existing(&hp, w, &H);
        assert_int_equal(hp.create_probe, opens[i].probe);
        assert_string_equal(hp.create_detail, opens[i].detail);
        free(hp.create_detail);
        mc_strv_free(w);
    }
    /* A create test in another directory than hp->dir (a shmem path that is a directory). */
    struct mc_host_path hp = { .path = (char *)"/dev/shm/x", .dir = (char *)"/dev/shm" };
    char **w = words("ok");
    mc_answer_create_test_in(&hp, hp.path, w, &H);
    assert_int_equal(hp.create_probe, MC_PROBE_OK);
    assert_string_equal(
        hp.create_detail,
        "a test file was created and removed in '/dev/shm/x' on kvm2 as uid 0 gid 0");
    free(hp.create_detail);
    mc_strv_free(w);
}

/* unix-connect to a vhost-user backend's socket: connected, refused with an errno, or not tried;
 * a malformed answer is an error, never a connection or a refusal. */
static void test_unix_connect(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        enum mc_probe probe;
        const char *error;
        const char *detail;
    } cases[] = {
        { "ok connected connect", MC_PROBE_OK, NULL,
          "a connection to '/run/qsd/b.sock' on kvm2 was accepted (connect(2) by migcheck's "
          "agent), then closed" },
        { "ok connected qemu", MC_PROBE_OK, NULL,
          "a connection to '/run/qsd/b.sock' on kvm2 was accepted (QEMU's chardev client), then "
          "closed" },
        { "ok connected nc", MC_PROBE_OK, NULL, NULL },
        { "fail ECONNREFUSED connect", MC_PROBE_FAILED, "ECONNREFUSED",
          "a connection to '/run/qsd/b.sock' on kvm2 failed: ECONNREFUSED (connect(2) by "
          "migcheck's agent)" },
        { "fail ECONNREFUSED qemu", MC_PROBE_FAILED, "ECONNREFUSED", NULL },
        { "fail EAGAIN connect", MC_PROBE_FAILED, "EAGAIN", NULL },
        { "unsupported", MC_PROBE_UNSUPPORTED, NULL,
          "the sh agent on kvm2 has neither QEMU nor nc -U to connect to '/run/qsd/b.sock' with" },
        { "error ETIMEDOUT qemu", MC_PROBE_ERROR, NULL,
          "the sh agent on kvm2 could not connect to '/run/qsd/b.sock': 'error ETIMEDOUT qemu'" },
        { "error EIO qemu oops", MC_PROBE_ERROR, NULL, NULL },
        /* malformed: no tool, another tool, extra words, a word that is no errno */
        { "ok connected", MC_PROBE_ERROR, NULL, NULL },
        { "ok connected socat", MC_PROBE_ERROR, NULL, NULL },
        { "ok connected qemu extra", MC_PROBE_ERROR, NULL, NULL },
        { "ok refused connect", MC_PROBE_ERROR, NULL, NULL },
        { "fail refused connect", MC_PROBE_ERROR, NULL, NULL },
        { "fail E connect", MC_PROBE_ERROR, NULL, NULL },
        { "fail ECONNREFUSED", MC_PROBE_ERROR, NULL, NULL },
        { "", MC_PROBE_ERROR, NULL,
          "the sh agent on kvm2 could not connect to '/run/qsd/b.sock': "
          "'no answer'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mc_host_path hp = { .path = (char *)"/run/qsd/b.sock" };
        hp.connect_error = mc_xstrdup("EOLD"); /* an earlier answer's: this one replaces it */
        char **w = words(cases[i].answer);
        mc_answer_unix_connect(&hp, w, &H);
        assert_int_equal(hp.connect_probe, cases[i].probe);
        if (cases[i].error)
            assert_string_equal(hp.connect_error, cases[i].error);
        else
            assert_null(hp.connect_error);
        assert_non_null(hp.connect_detail);
        if (cases[i].detail)
            assert_string_equal(hp.connect_detail, cases[i].detail);
        free(hp.connect_detail);
        free(hp.connect_error);
        mc_strv_free(w);
    }
}

/* What sshd (through the control master's log) says when a direct-tcpip channel fails. */
static void test_channel_result(void **state)
{
    (void)state;
    static const struct {
        const char *text, *word;
    } cases[] = {
        { "channel 3: open failed: connect failed: Connection refused", "refused" },
        { "channel 2: open failed: connect failed: No route to host", "unreachable" },
        { "channel 1: open failed: connect failed: Connection timed out", "timeout" },
        { "channel 1: open failed: connect failed: Name or service not known", "unresolvable" },
        { "channel 4: open failed: administratively prohibited: open failed", "unsupported" },
        { "stdio forwarding failed", "error" },
        { "", "error" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(mc_session_channel_result(cases[i].text), cases[i].word);
    assert_string_equal(mc_session_channel_result(NULL), "error");
}

/*
 * The prediction's probe answers: figures whose product or quotient leaves int64_t are refused
 * (converting such a double is undefined behaviour; the fuzz target found a near-zero bandwidth
 * slice), and sound ones are read as before.
 */
static void test_predict_figures(void **state)
{
    (void)state;
    struct mc_predict_facts f = { 0 };
    char **w = words("ok 1048576 0.5 x x 100 200 300 400");
    assert_int_equal(mc_predict_parse_bandwidth(w, &f), 0);
    assert_int_equal(f.bandwidth_bps, 2097152);
    assert_int_equal(f.bandwidth_us, 500000);
    mc_strv_free(w);
    static const char *const bad_bw[] = { "ok 1000000000 1e-12 x x",
                                          "ok 9000000000000000000 0.001 x x", "ok 1 1e14 x x",
                                          NULL };
    for (const char *const *a = bad_bw; *a; a++) {
        w = words(*a);
        assert_int_equal(mc_predict_parse_bandwidth(w, &f), -EBADMSG);
        mc_strv_free(w);
    }
    w = words("s 1 4096 4096 4 2 0 0.1 0.2:1:3");
    assert_int_equal(mc_predict_parse_sample(w, &f), 0);
    assert_int_equal(f.nonzero_bytes, 2048);
    assert_int_equal(f.n_dirty, 1);
    assert_int_equal(f.dirty[0].window_us, 200000);
    assert_int_equal(f.dirty[0].bytes, 1024);
    mc_strv_free(w);
    mc_predict_facts_clear(&f);
    static const char *const bad_sample[] = { "s 1 4096 4096 4 2 0 0.1 1e15:1:3",
                                              "s 1 9223372036854775807 1 3 3 0 0.1 0.2:1:3", NULL };
    for (const char *const *a = bad_sample; *a; a++) {
        w = words(*a);
        assert_int_equal(mc_predict_parse_sample(w, &f), -EBADMSG);
        mc_strv_free(w);
        mc_predict_facts_clear(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_stat),   cmocka_unit_test(test_qemu_failures),
        cmocka_unit_test(test_port),         cmocka_unit_test(test_channel_result),
        cmocka_unit_test(test_host_paths),   cmocka_unit_test(test_statvfs),
        cmocka_unit_test(test_unix_connect), cmocka_unit_test(test_predict_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
